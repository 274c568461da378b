"""Category and channel menus: lines of short tokens, or runs of one-word lines."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.features import CJK
from cleanse.model import Category, Line, Page

# Bars, dots, slashes or any whitespace (a run of spaces or a tab is whitespace too).
ITEM_BARS = "[|·•｜/]"
ITEM_SEPARATOR = re.compile(rf"\s*{ITEM_BARS}\s*|\s+")
ITEM_BAR = re.compile(ITEM_BARS)
SENTENCE_ENDS = tuple("。！？.!?,，")
HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# Each rule's score: a line of menu items, a run of one-item lines (the only two rules).
RULE_SCORES = {"menu_line": 0.75, "menu_run": 0.7}
MAX_LATIN_ITEM_CHARS = 24  # "Entertainment & Arts"; a longer run of words is a phrase


@dataclass
class Menus(Detector):
    """Removes navigation menus.

    Two shapes, both common in innerText captures:

    * one line of ``min_items`` or more short items ("教育 健康 家居 时尚",
      "News | Sport | Weather"), where items are separated by bars, dots or
      spaces; in Latin script the items must be capitalised or known section
      names, so an ordinary phrase is not a menu; a row of ``long_row_items``
      or more CJK items may hold longer names (``long_row_item_chars``:
      "国家发展和改革委员会 教育部 科学技术部 ..."), and up to
      ``max_long_row_exceptions`` of them even longer ones;
    * a run of ``min_run`` or more consecutive lines that are each a single
      short item (``max_item_chars``), with no sentence among them.

    Lines of a code block are never menu items: ``import os`` is code.
    """

    name = "menus"
    min_items: int = 4
    min_run: int = 4
    max_item_chars: int = 6
    max_item_words: int = 3
    long_row_items: int = 8
    long_row_item_chars: int = 12
    max_long_row_exceptions: float = 0.1
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("menus"))

    def __post_init__(self) -> None:
        self._sections = Keywords(self.keywords["sections"])

    def _is_short_item(self, text: str, cjk_chars: int | None = None) -> bool:
        text = text.strip()
        if not text or text.endswith(SENTENCE_ENDS):
            return False
        if CJK.search(text):
            return len(text) <= (cjk_chars or self.max_item_chars)
        return len(text) <= MAX_LATIN_ITEM_CHARS and len(text.split()) <= self.max_item_words

    def _menu_line(self, line: Line) -> bool:
        features = line.features
        if line.code or features.terminal or features.has_date \
                or line.hints.get("tag") in HEADING_TAGS:
            return False  # "WHAT YOU NEED TO MAKE JAM" in an <h3> is a heading, not a menu
        if not features.cjk and features.inner_punct > 1:
            return False  # decided before splitting: a 50 MB line would be a list of every word
        plain = features.plain
        if len(plain.split(None, self.min_items - 1)) < self.min_items \
                and not ITEM_BAR.search(plain):
            # Without a bar the items are the whitespace-separated words (re's \s and
            # str.split's whitespace are the same characters): too few, without the split.
            return False
        items = [i for i in ITEM_SEPARATOR.split(plain) if i.strip()]
        if len(items) < self.min_items:
            return False
        if features.cjk and len(items) >= self.long_row_items:
            return self._long_cjk_row(items, features.inner_punct)
        if features.inner_punct > 1 or not all(self._is_short_item(i) for i in items):
            return False
        if features.cjk:
            return True
        if all(i[:1].isupper() for i in items):
            return True  # every item capitalised: no need to look the items up
        return sum(1 for i in items if self._sections.fullmatch(i)) >= 2

    def _long_cjk_row(self, items: list[str], inner_punct: int) -> bool:
        """A long row of links (ministries, provinces): longer names, a few very long."""
        exceptions = len(items) * self.max_long_row_exceptions
        if inner_punct > 2 * exceptions:
            return False  # a few names hold brackets; the clauses of a sentence hold commas
        if any(i.rstrip().endswith(SENTENCE_ENDS) for i in items):
            return False
        long_names = sum(1 for i in items if len(i) > self.long_row_item_chars)
        return long_names <= exceptions

    def _one_item_line(self, line: Line) -> bool:
        features = line.features
        if len(features.plain) > max(MAX_LATIN_ITEM_CHARS, self.max_item_chars):
            return False  # too long for a short item in any script (most lines: checked first)
        return (not line.code and not features.terminal and not features.has_date
                and features.alnum > 0
                and self._is_short_item(features.plain) and len(features.plain.split()) <= 2)

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "menu_labels", self, self._labels, content),
            category=Category.NAV, score=RULE_SCORES)

    def _labels(self, content: list[Line]) -> list[tuple[int, str, str]]:
        """The decisions on ``content`` as ``(index, rule, reason)``: lines of menu items,
        then runs of one-item lines (the reference of the native core's ``menu_labels``)."""
        found = [(index, "menu_line", "one line of short menu items")
                 for index, line in enumerate(content) if self._menu_line(line)]
        # Each line's test once: a line that ends a run is asked again as the next run's start.
        one_item = [self._one_item_line(line) for line in content] + [False]
        run: list[int] = []
        for index, is_item in enumerate(one_item):
            if is_item and (not run or content[index].number - content[run[-1]].number <= 2):
                run.append(index)
                continue
            if len(run) >= self.min_run:
                found += [(item, "menu_run", f"run of {len(run)} one-item lines (a menu)")
                          for item in run]
            run = [index] if is_item else []
        return found
