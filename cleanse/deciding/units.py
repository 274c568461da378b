"""Units: blocks of lines that only make sense whole, so the arbiter decides them together.

A code block is its fences, its braces and its code: a closing ``}`` or a bare
fence has no letters and looks like page furniture on its own, but dropping it
breaks the code and the markdown around it. A table is its header, its
``|---|`` delimiter row (which looks like a row of separators) and its rows.
The arbiter therefore weighs each unit as one (:mod:`cleanse.deciding.arbiter`).

The units are the fenced code blocks and pipe tables the reader found in a text
capture, and in a plain text capture (a browser's innerText) the code samples it found
by their lines' shape, fences or none (:mod:`cleanse.reading.markdown`), and the
``<pre>`` elements of an HTML page (:mod:`cleanse.reading.html`, one line per source
line): lines sharing a ``block`` hint.
"""

from __future__ import annotations

from operator import attrgetter, methodcaller

from cleanse.model import Line, Page

_HINTS = attrgetter("hints")
_BLOCK = methodcaller("get", "block")


def units(page: Page) -> list[list[Line]]:
    """The page's units of two or more non-blank lines, each in order."""
    lines = page.content_lines()
    # Each line's block read by C-level loops: the arbiter asks for every page, and most
    # pages have no block at all.
    blocks = list(map(_BLOCK, map(_HINTS, lines)))
    if blocks.count(None) == len(blocks):
        return []
    by_block: dict[int, list[Line]] = {}
    for line, block in zip(lines, blocks):
        if block is not None:
            by_block.setdefault(block, []).append(line)
    return [unit for unit in by_block.values() if len(unit) > 1]


def is_code(line: Line, kind: str) -> bool:
    """A line of a code block (fenced, or an HTML ``<pre>``): shown as it is, indentation and
    all."""
    return line.code


__all__ = ["is_code", "units"]
