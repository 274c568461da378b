"""Datelines and bylines: when and by whom the article was published, not article text."""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import partial

from cleanse import native
from cleanse.detectors import LINE_DETECTORS, LIST_DETECTORS
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.features import DATE_OR_TIME
from cleanse.model import Category, Line, Page
from cleanse.reading.metadata import labelled_fields

# Fields whose label makes a short line a credit line ("作者：王小明", "来源：新华网").
CREDITS = {"author", "editor", "source"}


@dataclass
class Dateline(Detector):
    """Takes publication datelines and bylines out of the body (category ``meta``).

    A dateline is a short line (``max_tokens``) that is not a sentence, is
    not a list item, carries a date or time, and either is mostly that date
    ("Nov. 20, 2019, 9:28 AM UTC") or opens with it or with a dateline word
    ("Published Monday, November 18, 2019", "Posted by J. Doe on ...",
    "发表于 2004年12月27日"). A byline is a short line that opens with a
    byline word and names someone ("By Jane Doe"), with or without a date; a
    credit line labels its author, editor or source ("作者：王小明 来源：新华网",
    the labels of :mod:`cleanse.reading.metadata`). All are metadata: they
    leave the body text but are not junk, so the main-region detector charges
    a dateline between headline and first paragraph like any short line.
    Lines other detectors already removed (dated items of a related list)
    are left to them.
    """

    name = "dateline"
    reads = LINE_DETECTORS + LIST_DETECTORS  # a byline that is junk already stays junk
    max_tokens: int = 30
    max_byline_tokens: int = 8
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("dateline"))

    def __post_init__(self) -> None:
        self._dateline_words = Keywords(self.keywords["dateline_words"])
        self._byline_words = Keywords(self.keywords["byline_words"])

    def _rule(self, line: Line) -> tuple[str, str] | None:
        features = line.features
        if features.tokens > self.max_tokens or features.list_item or features.terminal:
            return None
        plain = features.plain
        byline = (self._byline_words.startswith(plain)
                  if features.words >= 2 and features.tokens <= self.max_byline_tokens else None)
        credited = " and ".join(sorted(CREDITS & labelled_fields(plain).keys()))
        if features.has_date:
            if byline:
                return "byline", f"byline with its date ('{byline}'): who wrote it and when"
            if credited:
                return "dateline", f"dateline naming the {credited}"
            if hit := self._dateline_words.startswith(plain):
                return "dateline", f"dateline ('{hit}')"
            if features.mostly_date:
                return "dateline", "a date or time on a line of its own"
            if DATE_OR_TIME.match(plain):
                return "dateline", "opens with the publication date"
        if byline:
            return "byline", f"byline ('{byline}'): names the author"
        if credited:
            return "credit", f"credit line: names the {credited}"
        return None

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "dateline_labels", self, partial(self._labels, page), content),
            category=Category.META, score=0.8)

    def _labels(self, page: Page, content: list[Line]) -> list[tuple[int, str, str]]:
        """The datelines, bylines and credit lines among ``content`` (the page's non-blank
        lines) that are not junk already, as ``(index, rule, reason)`` (the reference of the
        native core's ``dateline_labels``)."""
        return [(index, *rule) for index, line in enumerate(content)
                if not page.is_junk(line) and (rule := self._rule(line))]
