"""Second copies of the page's text: the article again as one block (category ``duplicate``)."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Line, Page


@dataclass
class Copies(Detector):
    """Flags second copies of the page's text.

    Pages carry their article twice: a print or mobile version, a hidden "full text"
    block, a description holding the body. Two shapes:

    * one text block (``copy_of_page_text``): every paragraph of the first copy is a part
      of it, so ``duplicates`` (whole lines) misses it. A line of at least
      ``min_tokens`` tokens is a copy when other lines, at least ``min_parts`` of them
      with ``min_part_tokens`` tokens or more each, make up ``min_share`` of its text. The
      paragraphs stay: each is a part of one line only, not made up of several.
    * the paragraphs again (``repeated_paragraphs``): a run of at least ``min_run``
      consecutive lines of ``min_part_tokens`` or more tokens, each an earlier line's
      text. ``duplicates`` leaves one repeated sentence alone (a pull quote, a refrain);
      several in a row are a copy. The later ones are flagged.

    Lines are compared by their matching keys (case, digits, spaces and punctuation
    ignored). The arbiter removes a copy only when the lines it repeats are kept
    (:mod:`cleanse.deciding.arbiter`), so the text stays once.
    """

    name = "copies"
    min_tokens: int = 120
    min_part_tokens: int = 8
    min_parts: int = 2
    min_share: float = 0.8
    min_run: int = 2

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self._repeated_paragraphs(page, content)
        parts = [line for line in content
                 if line.features.tokens >= self.min_part_tokens and not line.code]
        blocks = [line for line in parts if line.features.tokens >= self.min_tokens]
        if not blocks:
            return  # most pages: no line long enough to hold a copy
        # Each key once, with its length: a paragraph shown twice counts once.
        lengths = {key: len(key) for key in (line.match_key for line in parts) if key}
        for block in blocks:
            whole = block.match_key
            found = [length for key, length in lengths.items()
                     if length < len(whole) and key in whole]
            if len(found) >= self.min_parts and sum(found) >= self.min_share * len(whole):
                self.label(page, block, "copy_of_page_text", Category.DUPLICATE, 0.8,
                           f"repeats {len(found)} of the page's other lines in one block "
                           f"({min(1.0, sum(found) / len(whole)):.0%} of its text)")

    def _repeated_paragraphs(self, page: Page, content: list[Line]) -> None:
        """Labels runs of ``min_run`` or more consecutive lines that repeat earlier ones."""
        seen: set[str] = set()
        run: list[Line] = []
        for line in [*content, None]:  # None ends the last run
            key = ""
            if (line is not None and line.features.tokens >= self.min_part_tokens
                    and not line.code):
                key = line.match_key
            if key and key in seen:
                run.append(line)
                continue
            if len(run) >= self.min_run:
                for repeat in run:
                    self.label(page, repeat, "repeated_paragraphs", Category.DUPLICATE, 0.8,
                               f"one of {len(run)} paragraphs in a row that the page "
                               "already showed")
            run = []
            if key:
                seen.add(key)
