"""Structure a text capture shows in markdown: fenced code blocks and pipe tables.

HTML captures carry their structure in DOM hints (:mod:`cleanse.reading.html`);
a text or markdown capture carries some in its markup. Lines of a fenced code
block (its fences included) get the hints ``{"tag": "pre", "block": n}``, the
lines of a pipe table (header, ``|---|`` delimiter row, rows) ``{"tag": "cell",
"block": n}``, the tags an HTML ``<pre>`` or table gives its lines. The arbiter decides such a
block whole (:mod:`cleanse.deciding.units`) and assembly keeps code indented.

Fences follow CommonMark (``````` or ``~~~``, closed by a fence of the same
character at least as long); an unclosed fence makes no block, since everything
after it would be code. Scanned by hand rather than with a markdown parser:
markdown-it-py took about 9 ms for a 5,000-character capture, as long as
cleaning it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Any

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
# Matched on the stripped line; a match can only start at "|", ":" or "-" (linear search).
TABLE_DELIMITER = re.compile(r"(?:\|\s*)?:?-+:?(?:\s*\|\s*:?-+:?)*(?:\s*\|)?")


def markdown_hints(text: str) -> list[dict[str, Any]]:
    """Per line of ``text`` (split on ``\\n``), its hints; the list stops at the last block."""
    if "```" not in text and "~~~" not in text and "|" not in text:
        return []
    lines = text.split("\n")
    code = _fenced_code(lines)
    # A table written inside a code block is code (a markdown tutorial shows the syntax).
    blocks = sorted(code + [table for table in _pipe_tables(lines) if not _in_code(table, code)])
    hints: list[dict[str, Any]] = [{} for _ in range(max((end for _, end, _ in blocks),
                                                         default=0))]
    for number, (start, end, tag) in enumerate(blocks):
        for i in range(start, end):
            hints[i] = {"tag": tag, "block": number}
    return hints


def _in_code(block: tuple[int, int, str], code: list[tuple[int, int, str]]) -> bool:
    """Whether ``block`` shares a line with one of ``code`` (disjoint, in order, so the last
    code block starting before ``block`` ends is the one that reaches furthest)."""
    start, end, _ = block
    last = bisect_left(code, (end,)) - 1
    return last >= 0 and code[last][1] > start


def _fenced_code(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first, last + 1, "pre") of every closed fenced code block."""
    found, i = [], 0
    while i < len(lines):
        opening = FENCE.fullmatch(lines[i].rstrip())
        if not opening or (opening.group(1)[0] == "`" and "`" in opening.group(2)):
            i += 1
            continue
        fence = opening.group(1)
        closing = re.compile(rf" {{0,3}}{re.escape(fence[0])}{{{len(fence)},}}\s*")
        end = next((j for j in range(i + 1, len(lines)) if closing.fullmatch(lines[j])), None)
        if end is None:
            break
        found.append((i, end + 1, "pre"))
        i = end + 1
    return found


def _pipe_tables(lines: list[str]) -> list[tuple[int, int, str]]:
    """(first, last + 1, "cell") of every pipe table: a header row, a delimiter row, rows."""
    found, i = [], 1
    while i < len(lines):
        if "|" in lines[i - 1] and "|" in lines[i] and "-" in lines[i] \
                and TABLE_DELIMITER.fullmatch(lines[i].strip()):
            end = i + 1
            while end < len(lines) and "|" in lines[end] and lines[end].strip():
                end += 1
            found.append((i - 1, end, "cell"))
            i = end + 1
        else:
            i += 1
    return found


__all__ = ["markdown_hints"]
