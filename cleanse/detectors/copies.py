"""Second copies of the page's text: the article again as one block (category ``duplicate``)."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Page


@dataclass
class Copies(Detector):
    """Flags a long line that repeats, in one block, text the page has as lines of its own.

    Pages carry their article twice: a print or mobile version, a hidden "full text"
    block, a description holding the body. When the second copy is one text block, every
    paragraph of the first is a part of it, so ``duplicates`` (whole lines) misses it and
    the cleaned text would hold the article twice. A line of at least ``min_tokens``
    tokens is a copy when other lines, at least ``min_parts`` of them with
    ``min_part_tokens`` tokens or more each, make up ``min_share`` of its text (compared
    by their matching keys: case, digits, spaces and punctuation ignored). The
    paragraphs stay: each is a part of one line only, so no paragraph is made up of
    several others.
    """

    name = "copies"
    min_tokens: int = 120
    min_part_tokens: int = 8
    min_parts: int = 2
    min_share: float = 0.8

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        blocks = [line for line in content
                  if line.features.tokens >= self.min_tokens and not line.code]
        if not blocks:
            return  # most pages: no line long enough to hold a copy
        parts = {}  # key -> its length: a paragraph shown twice counts once
        for line in content:
            if line.features.tokens >= self.min_part_tokens and not line.code:
                key = line.match_key
                if key:
                    parts[key] = len(key)
        for block in blocks:
            whole = block.match_key
            found = [length for key, length in parts.items()
                     if length < len(whole) and key in whole]
            if len(found) >= self.min_parts and sum(found) >= self.min_share * len(whole):
                self.label(page, block, "copy_of_page_text", Category.DUPLICATE, 0.8,
                           f"repeats {len(found)} of the page's other lines in one block "
                           f"({min(1.0, sum(found) / len(whole)):.0%} of its text)")
