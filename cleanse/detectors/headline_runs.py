"""Unlabelled lists of headlines: runs of short lines with dates, authors and summaries."""

from __future__ import annotations

import re
from dataclasses import dataclass

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.structure import prose_anchors
from cleanse.model import Category, Line, Page

# Portal headline lists tag their items: "[法制] ...", "【热点】...", "...(图)".
TAGGED_HEADLINE = re.compile(r"^\s*[\[【［][^\]】］]{1,6}[\]】］]|[(（](?:组|附)?图[)）]\s*$")
# "Most read" and archive lists end each item in its count: "... (145)", "往事如烟(35)".
COUNTED_ITEM = re.compile(r"[(（\[]\s*\d[\d,.]*\s*[)）\]]\s*$")
# Teaser cards rendered without a break between headline and summary:
# "Tape Gaffe Ends Hamlin's Title RunDenny Hamlin's championship run was ...".
GLUE = re.compile(r"(?<=[a-z0-9?!'’\"”)])(?=[A-Z][a-z])")
# News tickers glue the headline to the summary's dateline: "... in US NEW YORK: An ...".
GLUED_DATELINE = re.compile(r"\s(?=[A-Z][A-Z.'’ -]{2,30}:\s)")
SENTENCE_END = (".", "!", "?", "。", "！", "？")
TITLE_WORD = re.compile(r"[^\W\d_][\w'’-]*")
MINOR_WORDS = frozenset(
    "a an the of in on to for and at by with is as or from vs".split())


@dataclass
class HeadlineRuns(Detector):
    """Removes lists of other stories that have no heading.

    Article text comes in runs of sentences; a list of headlines does not:
    its lines are short titles, author names, timestamps and at most one
    summary sentence per item. The page is cut into *runs* between prose
    anchors (:func:`cleanse.structure.prose_anchors`). A run with at least
    ``min_dated_lines`` short (non-sentence) lines carrying a date or time, making up at least
    ``min_dated_share`` of the run, and mostly headline-like (non-sentence)
    lines, is a headline list. So is a run with ``min_tagged_lines`` headlines
    carrying a portal's item tag ("[法制] ...", "【热点】...", "...(图)").
    Apart from runs, ``min_counted_lines`` consecutive lines that each end
    in a count ("Week 12 power rankings (133)", "往事如烟(35)") are a
    most-read or archive list, however long their titles; and
    ``min_glued_lines`` consecutive teaser cards (lines of at most
    ``max_teaser_chars``) whose Title Case headline
    runs straight into its summary ("...Title RunDenny Hamlin's ...") or into
    its summary's dateline ("... fraud scheme in US NEW YORK: An ...") are a
    list of other stories. In both, one section label of up to
    ``max_section_label_tokens`` between two items ("Autos") goes with them.
    A code block ends a run as prose does, and its lines are never items.
    """

    name = "headline_runs"
    min_run_lines: int = 5
    min_dated_lines: int = 3
    min_dated_share: float = 0.15
    min_headline_share: float = 0.5
    min_tagged_lines: int = 4
    min_counted_lines: int = 4
    min_glued_lines: int = 3
    min_glued_summary_words: int = 5
    max_teaser_chars: int = 1000
    max_section_label_tokens: int = 3

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "headline_run_labels", self, self._labels, content),
            category=Category.TRENDING, score=0.7)

    def _labels(self, content: list[Line]) -> list[tuple[int, str, str]]:
        """The decisions on ``content`` as ``(index, rule, reason)``: counted items, glued
        teasers, then runs of headlines (the reference of the native core's
        ``headline_run_labels``)."""
        found: list[tuple[int, str, str]] = []
        code = [line.code for line in content]
        found += self._streaks(content, [not c and bool(COUNTED_ITEM.search(line.features.plain))
                                         for line, c in zip(content, code)],
                               self.min_counted_lines, "counted_items", "each ending in a count")
        found += self._streaks(content, [not c and self._glued_teaser(line)
                                         for line, c in zip(content, code)],
                               self.min_glued_lines, "glued_teasers",
                               "each a Title Case headline glued to its summary")
        in_prose = prose_anchors(content)
        run: list[int] = []
        for index, prose in enumerate(in_prose + [True]):
            if not (prose or code[index]):  # a code block ends a run of headlines, as prose does
                run.append(index)
                continue
            found += self._judge(content, run)
            run = []
        return found

    def _streaks(self, content: list[Line], is_item: list[bool], min_lines: int, rule: str,
                 why: str) -> list[tuple[int, str, str]]:
        """Every run of at least ``min_lines`` items (and the section labels among them), as
        ``(index, rule, reason)``.

        ``is_item`` says for each line of ``content`` whether it is an item (worked out
        once per line: the test for the next line would otherwise repeat it). One short
        line between two items ("Autos", a category label of the list) does not break
        the run.
        """
        if sum(is_item) < min_lines:
            return []  # too few items for any streak (most pages): nothing to label
        found = []
        streak: list[int] = []
        items = 0
        for i, line in enumerate(content + [None]):  # type: ignore[operator]
            if line is not None and is_item[i]:
                streak.append(i)
                items += 1
                continue
            if (line is not None and streak and streak[-1] == i - 1
                    and line.features.tokens <= self.max_section_label_tokens
                    and not line.features.terminal
                    and i + 1 < len(content) and is_item[i + 1]):
                streak.append(i)
                continue
            if items >= min_lines:
                found += [(item, rule, f"{items} lines in a row {why}") for item in streak]
            streak, items = [], 0
        return found

    def _glued_teaser(self, line: Line) -> bool:
        plain = line.features.plain
        if len(plain) > self.max_teaser_chars:
            return False  # a card is a headline and a summary; this also bounds the work per line
        if len(plain.split(None, self.min_glued_summary_words)) < self.min_glued_summary_words:
            # Either summary below is a suffix of the line and needs that many words: most
            # lines (CJK ones, short ones) are ruled out without the two regex scans.
            return False
        # The dateline's colon is looked for first: most lines have none, and no scan is made.
        for glue in GLUED_DATELINE.finditer(plain) if ":" in plain else ():
            headline, summary = plain[:glue.start()], plain[glue.end():]
            # A transcript's "... today. SMITH: ..." follows a sentence, not a headline.
            if len(TITLE_WORD.findall(headline)) >= 3 and not headline.endswith(SENTENCE_END) \
                    and len(summary.split()) >= self.min_glued_summary_words + 1:
                return True
        for glue in GLUE.finditer(plain):
            headline, summary = plain[:glue.start()], plain[glue.start():]
            words = TITLE_WORD.findall(headline)
            if len(words) < 3 or len(summary.split()) < self.min_glued_summary_words:
                continue
            if all(w[0].isupper() or w.lower() in MINOR_WORDS for w in words) and \
                    sum(w[0].isupper() for w in words) >= 0.6 * len(words):
                return True
        return False

    def _judge(self, content: list[Line], run: list[int]) -> list[tuple[int, str, str]]:
        """The run's lines as ``(index, rule, reason)`` when the run (indices into
        ``content`` between prose anchors) is a list of headlines, else nothing."""
        if len(run) < self.min_run_lines:
            return []
        headlines = [content[i] for i in run if not content[i].features.prose]
        if len(headlines) / len(run) < self.min_headline_share:
            return []
        dated = sum(1 for line in headlines if line.features.has_date and not line.features.heading)
        tagged = sum(1 for line in headlines if TAGGED_HEADLINE.search(line.features.plain))
        if dated >= self.min_dated_lines and dated / len(run) >= self.min_dated_share:
            rule, why = "dated_headline_run", f"{dated} with dates"
        elif tagged >= self.min_tagged_lines:
            rule, why = "tagged_headline_run", f"{tagged} with item tags like '[法制]' or '(图)'"
        else:
            return []
        return [(i, rule, f"run of {len(run)} headline-like lines, {why}") for i in run]
