"""Units: blocks of lines that only make sense whole, so the arbiter decides them together.

A code block is its fences, its braces and its code: a closing ``}`` or a bare
fence has no letters and looks like page furniture on its own, but dropping it
breaks the code and the markdown around it. A table is its header, its
``|---|`` delimiter row (which looks like a row of separators) and its rows.
The arbiter therefore weighs each unit as one (:mod:`cleanse.deciding.arbiter`).

Text captures: the fenced code blocks and pipe tables the reader found
(:mod:`cleanse.reading.markdown`, hint ``block``). HTML captures: the lines
rendered from one ``<pre>`` element (the renderer's ``path`` hint).
"""

from __future__ import annotations

from cleanse.model import Line, Page


def units(page: Page) -> list[list[Line]]:
    """The page's units of two or more non-blank lines, each in order."""
    by_key: dict[object, list[Line]] = {}
    html = page.capture.kind == "html"
    for line in page.content_lines():
        key = _pre_element(line) if html else line.hints.get("block")
        if key is not None:
            by_key.setdefault(key, []).append(line)
    return [unit for unit in by_key.values() if len(unit) > 1]


def is_code(line: Line, kind: str) -> bool:
    """A line of a text capture's fenced code block: shown as it is, indentation and all."""
    return kind != "html" and line.hints.get("tag") == "pre"


def _pre_element(line: Line) -> int | None:
    """The serial of the ``<pre>`` element the line was rendered from, if any."""
    return next((serial for serial, key in reversed(line.hints.get("path", ()))
                 if key.startswith("pre.")), None)


__all__ = ["is_code", "units"]
