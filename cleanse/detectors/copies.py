"""Second copies of the page's text: the article again as one block (category ``duplicate``)."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Page

# A copy of the article is among the page's longest lines: the few longest are searched.
MAX_BLOCKS = 3
# Searching every other line in a block is quadratic on a huge page of long lines: past this
# many characters read, the page is left unflagged (a count, not a clock: the same every run).
MAX_SCANNED_CHARS = 20_000_000


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
    paragraphs stay: each is a part of one line only, not made up of several. The
    arbiter removes a copy only when the lines it repeats are kept
    (:mod:`cleanse.deciding.arbiter`), so the text stays once.

    Paragraphs repeated as lines of their own are left to ``duplicates``: a listing's
    cards repeat their conditions and prices line for line, and that text is content
    each time (tried: runs of repeated lines as copies cost wcxb service and
    documentation pages more than they gave articles).
    """

    name = "copies"
    min_tokens: int = 120
    min_part_tokens: int = 8
    min_parts: int = 2
    min_share: float = 0.8

    def detect(self, page: Page) -> None:
        parts = [line for line in page.content_lines()
                 if line.features.tokens >= self.min_part_tokens and not line.code]
        blocks = [line for line in parts if line.features.tokens >= self.min_tokens]
        if not blocks:
            return  # most pages: no line long enough to hold a copy
        # Each key once, with its length: a paragraph shown twice counts once.
        lengths = {key: len(key) for key in (line.match_key for line in parts) if key}
        budget = MAX_SCANNED_CHARS
        for block in sorted(blocks, key=lambda line: -line.features.tokens)[:MAX_BLOCKS]:
            whole = block.match_key
            found = []
            for key, length in lengths.items():
                if length < len(whole):
                    budget -= len(whole)
                    if budget < 0:
                        return
                    if key in whole:
                        found.append(length)
            if len(found) >= self.min_parts and sum(found) >= self.min_share * len(whole):
                self.label(page, block, "copy_of_page_text", Category.DUPLICATE, 0.8,
                           f"repeats {len(found)} of the page's other lines in one block "
                           f"({min(1.0, sum(found) / len(whole)):.0%} of its text)")
