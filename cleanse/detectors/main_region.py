"""The article as one contiguous region of prose; everything around it goes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import partial

from cleanse import native
from cleanse.detectors import LINE_DETECTORS, LIST_DETECTORS
from cleanse.detectors.base import Detector
from cleanse.model import Category, Line, Page


@dataclass
class MainRegion(Detector):
    """Removes lines outside the page's main text region.

    Each non-blank line gets a weight: sentence-like lines count their
    tokens; substantial non-sentence lines (``content_tokens`` or more, with
    inner punctuation, or long ones with neither a sentence end nor a comma,
    colon or bracket: a tag cloud, a menu or a select box's options run
    together, as often as a list of contents) count ``content_weight`` per
    token; short lines cost ``short_penalty``; lines another detector already
    marked as junk cost ``junk_penalty`` plus ``junk_token_weight`` per token;
    lines of a code block or a table count ``content_weight`` per token,
    whatever their shape. Two exceptions keep an interrupted article whole:
    up to ``max_inline_junk_lines`` junk lines between two sentences (an ad
    slot) cost like short lines, and a
    box of other stories between two sentences ("More from UK" and its
    items, labelled by ``related_lists``) costs ``story_box_penalty`` in all,
    however long it is. Metadata lines (datelines, front matter) cost like
    short lines and keep their own label. The region is the
    run of lines with the largest total weight (maximum-sum subarray), so
    short headings inside the article stay while menus, lists and footers
    around it -- which add nothing but cost -- fall outside. Up to
    ``max_lead_lines`` heading-like lines right above the region join it
    (a subtitle above the first paragraph). Its labels are evidence for the
    arbiter, which also knows where the DOM scorer put the main content.
    """

    name = "main_region"
    reads = (*LINE_DETECTORS, *LIST_DETECTORS, "dateline")  # junk lines cost the region
    content_tokens: int = 10
    content_weight: float = 0.5
    short_penalty: float = 2.0
    junk_penalty: float = 10.0
    junk_token_weight: float = 0.5
    max_lead_lines: int = 1
    max_inline_junk_lines: int = 3
    story_box_penalty: float = 10.0
    min_closing_items: int = 3
    max_list_heading_tokens: int = 12

    def weight(self, page: Page, line: Line) -> float:
        features = line.features
        if line.in_unit:  # a code sample or a table is part of the text it illustrates
            return self.content_weight * features.tokens
        if page.is_junk(line):
            return -(self.junk_penalty + self.junk_token_weight * features.tokens)
        if features.prose and (features.terminal or features.inner_punct):
            return float(features.tokens)
        if features.tokens >= self.content_tokens and (features.inner_punct or features.prose):
            return self.content_weight * features.tokens
        return -self.short_penalty

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "main_region_labels", self, partial(self._labels, page), content),
            category=Category.BOILERPLATE, score=0.6)

    def _labels(self, page: Page, content: list[Line]) -> list[tuple[int, str, str]]:
        """The lines of ``content`` outside the main region that carry no ``meta`` decision,
        as ``(index, rule, reason)`` (the reference of the native core's
        ``main_region_labels``)."""
        if not content:
            return []
        weights = [self.weight(page, line) for line in content]
        # A few junk lines between paragraphs (an "Advert" slot, a share bar,
        # a sign-up box) interrupt the article; they must not split it.
        i = 1
        while i < len(content) - 1:
            end = i
            while end < len(content) - 1 and weights[end] < -self.short_penalty:
                end += 1
            if (0 < end - i
                    and content[i - 1].features.prose and content[end].features.prose):
                if end - i <= self.max_inline_junk_lines:
                    weights[i:end] = [-self.short_penalty] * (end - i)
                elif self._story_box(content[i:end]):
                    weights[i:end] = [-self.story_box_penalty / (end - i)] * (end - i)
            i = end + 1
        best, best_start, best_end = 0.0, -1, -1
        running, start = 0.0, 0
        for i, w in enumerate(weights):
            if running <= 0:
                running, start = 0.0, i
            running += w
            if running > best:
                best, best_start, best_end = running, start, i
        if best_start < 0:
            return []  # no prose anywhere: keep what the other detectors left
        lead = 0
        while (lead < self.max_lead_lines and best_start > 0
               and self._heading_like(page, content[best_start - 1])):
            best_start -= 1
            lead += 1
        best_end = self._closing_list_end(page, content, best_end)
        # Most lines of a text capture lie outside the region: the rule and reason of each
        # side are made once, not per line.
        span = f"(lines {content[best_start].number}-{content[best_end].number})"
        found = []
        for side, indices in (("before", range(best_start)),
                              ("after", range(best_end + 1, len(content)))):
            rule, reason = f"outside_region_{side}", f"{side} the main text region {span}"
            found += [(index, rule, reason) for index in indices
                      if not page.has_category(content[index], (Category.META,))]
        return found

    @staticmethod
    def _story_box(lines: list[Line]) -> bool:
        """Every line is part of a headed list of other stories ("More from UK" / items)."""
        return all(decision.detector == "related_lists"
                   for line in lines for decision in line.decisions if decision.category.is_junk)

    def _closing_list_end(self, page: Page, content: list[Line], end: int) -> int:
        """The region's last index once a list that closes the article joins it.

        An article may end in a list ("Qualified teams" / "* England ...");
        its short items cost more than they weigh. A short heading right
        below the region and a run of at least ``min_closing_items`` list
        items under it join the region, provided no detector took any of them
        for junk (related-story lists are labelled by then) and no paragraph
        follows them (the article would have continued).
        """
        i = end + 1
        heading = content[i] if i < len(content) else None
        if heading is None or heading.features.list_item or heading.features.terminal \
                or page.is_junk(heading) or heading.features.tokens > self.max_list_heading_tokens:
            return end  # a list with no heading of its own is more often other stories
        i += 1
        items = 0
        while i < len(content) and content[i].features.list_item \
                and not page.is_junk(content[i]):
            items += 1
            i += 1
        if items < self.min_closing_items or (
                i < len(content) and not page.is_junk(content[i])
                and content[i].features.prose):
            return end
        return i - 1

    def _heading_like(self, page: Page, line: Line) -> bool:
        features = line.features
        return (not page.is_junk(line) and 3 <= features.tokens <= 40 and not features.terminal
                and not features.has_date and not features.link_like)
