"""The article title: kept apart from the body, used for the record's ``title``."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from cleanse import native
from cleanse.detectors import LINE_DETECTORS, LIST_DETECTORS
from cleanse.detectors.base import Detector
from cleanse.features import normalize_for_matching
from cleanse.model import Category, Line, Page

# Junk categories that rule a line out as a title (a repeated or boilerplate
# line can still be the title; a share button cannot).
NEVER_TITLE = (Category.NAV, Category.SHARE, Category.CHROME, Category.NEWSLETTER,
               Category.AD, Category.META, Category.COMMENT)


@dataclass
class Title(Detector):
    """Finds the title line so it is reported as ``title``, not as body text.

    With a known title (front matter, HTML ``<title>``), the first line that
    matches it is the title line; failing that, an HTML ``<h1>`` above the
    first paragraph is. Otherwise the best heading-like line among
    the ``lookback`` lines above the main text region wins: a markdown
    heading, a line standing alone between blank lines, in the body's
    script, of headline length; a line that is repeated elsewhere on the
    page (menus, site names) loses.
    """

    name = "title"
    reads = (*LINE_DETECTORS, *LIST_DETECTORS, "dateline", "main_region")  # junk is no title
    lookback: int = 8
    max_tokens: int = 60
    min_match_chars: int = 6

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        choice = native.detector_pass("title_choice", self, self._choice, page, content)
        if choice is None:
            return
        index, rule, score, reason = choice
        line = content[index]
        if rule == "heading_above_body":
            page.title = line.features.plain
        self.label(page, line, rule, Category.TITLE, score, reason)

    def _choice(self, page: Page, content: list[Line]) -> tuple[int, str, float, str] | None:
        """The title line as ``(index in content, rule, score, reason)``, if any (the
        reference of the native core's ``title_choice``)."""
        body = [line for line in content if not page.is_junk(line)
                and not page.has_category(line, [Category.META])]
        if not body:
            return None
        if page.title:
            return self._match_known_title(page, content, page.title) \
                or self._html_heading(page, content)
        index = self._best_candidate(page, content, body)
        if index is None:
            return None
        return index, "heading_above_body", 0.9, "headline-like line just above the article"

    def _html_heading(self, page: Page, content: list[Line]) -> tuple[int, str, float, str] | None:
        """An HTML page's ``<h1>`` before the first paragraph, when no line matched its title."""
        for index, line in enumerate(content):
            if line.hints.get("tag") == "h1" and self._candidate(page, line):
                return index, "html_h1", 0.9, "the page's <h1> above the article"
            if line.features.prose:
                return None
        return None

    def _match_known_title(self, page: Page, content: list[Line],
                           title: str) -> tuple[int, str, float, str] | None:
        key = normalize_for_matching(title)
        for index, line in enumerate(content):
            if page.has_category(line, NEVER_TITLE) or line.features.tokens > self.max_tokens:
                continue
            candidate = line.match_key
            # The line may be the title without the site name ("Headline | Site"),
            # or the title with a little more; not a sentence that mentions it.
            if len(candidate) >= self.min_match_chars and (
                    candidate in key or (key in candidate and 2 * len(key) >= len(candidate))):
                return (index, "matches_known_title", 1.0,
                        "matches the title given in the capture's metadata")
        return None

    def _candidate(self, page: Page, line: Line) -> bool:
        f = line.features
        return (2 <= f.tokens <= self.max_tokens and not f.plain.endswith(("。", "."))
                and not f.mostly_date and not f.link_like and not f.list_item
                and not page.has_category(line, NEVER_TITLE))

    def _best_candidate(self, page: Page, content: list[Line], body: list[Line]) -> int | None:
        """The index in ``content`` of the best heading-like line above the body, if any."""
        first = body[0]
        start = content.index(first)
        pool = content[max(0, start - self.lookback):start]
        if first.features.heading or not first.features.prose:
            pool.append(first)
        body_is_cjk = sum(line.features.cjk for line in body) > sum(
            line.features.words for line in body)
        candidates = [line for line in pool if self._candidate(page, line)]
        if not candidates:
            return None
        # A candidate repeats when another line has its match_key. A line's key keeps exactly
        # its letters and digits (lower-casing and the digit fold keep each one a single letter
        # or digit: true of every code point), so when the key is made from features.plain
        # (the text needs no stripping) its length is features.alnum; lines of another length
        # cannot repeat a candidate and their keys (long sentences: most of the work) are not
        # made. Counts of the candidates' keys are those of all lines.
        key_lengths = {len(line.match_key) for line in candidates}
        repeats = Counter(line.match_key for line in content
                          if line.text != line.features.stripped
                          or line.features.alnum in key_lengths)
        scored = []
        for line in candidates:
            f = line.features
            score = min(f.tokens, 30) / 30
            score += 2 if f.stripped.startswith("# ") else 1 if f.heading else 0
            score += 1 if self._isolated(page, line) else 0
            score += 1 if (f.cjk > f.words) == body_is_cjk else 0
            score -= 1 if repeats[line.match_key] > 1 else 0
            scored.append((score, -line.number, line))
        return content.index(max(scored, key=lambda item: item[:2])[2])

    @staticmethod
    def _isolated(page: Page, line: Line) -> bool:
        i = line.number - 1
        before = i == 0 or page.lines[i - 1].blank
        after = i + 1 >= len(page.lines) or page.lines[i + 1].blank
        return before and after
