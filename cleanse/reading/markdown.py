"""Structure a text capture shows in markdown: fenced code blocks, pipe tables, setext
headings, and inline markup to take out of the plain text.

HTML captures carry their structure in DOM hints (:mod:`cleanse.reading.html`);
a text or markdown capture carries some in its markup. Lines of a fenced code
block (its fences included) get the hints ``{"tag": "pre", "block": n}``, the
lines of a pipe table (header, ``|---|`` delimiter row, rows) ``{"tag": "cell",
"block": n}``, the tags an HTML ``<pre>`` or table gives its lines. The arbiter decides such a
block whole (:mod:`cleanse.deciding.units`) and assembly keeps code indented.

Setext headings (a line underlined with ``===`` or ``---``, as Jina Reader writes h1 and
h2) are read as the ATX headings (``# Title``) the rest of the pipeline knows: the
arbiter learnt headings from ATX markup, and an underline alone reads as a separator.

A plain text capture (a browser's innerText, a text rendering) shows a code sample without
fences: its lines are found by their shape (:func:`unfenced_code`) and get the same hints, so a
closing ``}`` or ``try {`` is decided with the code around it and the sample counts as text to
the detectors (``main_region``, ``chrome``, ``menus``...), as a fenced block does.

Fences follow CommonMark (``````` or ``~~~``, closed by a fence of the same
character at least as long); an unclosed fence makes no block, since everything
after it would be code. Scanned by hand rather than with a markdown parser:
markdown-it-py took about 9 ms for a 5,000-character capture, as long as
cleaning it.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from itertools import pairwise
from typing import Any

from cleanse import native
from cleanse.features import MARKDOWN_LINK, MARKDOWN_PREFIX

FENCE = re.compile(r" {0,3}(`{3,}|~{3,})(.*)")
SETEXT_UNDERLINE = re.compile(r" {0,3}(?:={2,}|-{2,})[ \t]*")
# What cannot be a setext heading's text: a list item, an ATX heading, a quote, a table row,
# a fence, an indented code line, another underline. Anchored: matched at a line's start only
# (a search elsewhere would rescan a long run of dashes from every position).
NOT_HEADING_TEXT = re.compile(r"^(?: {4}|\t|\s*(?:[-*+]\s|\d{1,9}[.)]\s|#{1,6}\s|>|\||`{3}|~{3}|"
                              r"(?:={2,}|-{2,})\s*$))")
FRONT_MATTER_FENCES = ("---", "+++")
# Inline markup for plain_inline, beside the line prefixes and links the features strip too
# (features.MARKDOWN_PREFIX, MARKDOWN_LINK): code spans (their text is kept as written),
# emphasis markers only where they wrap text (CommonMark's flanking rule, simplified: "2 * 3"
# and snake_case keep their characters), backslash escapes. No span crosses its own marker,
# so every match attempt stops at the next marker and a line of a million unclosed markers
# stays linear; nesting is undone one level per pass.
CODE_SPAN = re.compile(r"(?<!`)(`+)((?:(?!\1).)+?)\1(?!`)")
STAR_EMPHASIS = re.compile(r"(\*\*|\*)(?=[^\s*])([^*]+)(?<=\S)\1")
UNDERSCORE_EMPHASIS = re.compile(r"(?<!\w)(__|_)(?=[^\s_])([^_]+)(?<=\S)\1(?!\w)")
NESTING = 3  # emphasis inside emphasis: ***both***, **bold _and italic_**
ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")
# Matched on the stripped line; a match can only start at "|", ":" or "-" (linear search).
TABLE_DELIMITER = re.compile(r"(?:\|\s*)?:?-+:?(?:\s*\|\s*:?-+:?)*(?:\s*\|)?")
# Unfenced code, by the shape of its lines (punctuation only: no keyword of any language,
# programming or natural). A line is code-shaped when it is only brackets and separators
# ("}", "});"), opens a block ("try {", "[", a call or a definition ending in ":" or "{"),
# ends a statement (";" after code punctuation or a few words), starts a comment ("//", "/*",
# "*/"), assigns ("name = ...", "const name = ...") or follows a prompt (">>> "), provided it
# is not a sentence; a line that may sit inside code (indented, or holding code punctuation
# without being a sentence) joins a run of code-shaped lines. A run needs CODE_MIN_SHAPED
# code-shaped lines, at least half its lines.
CODE_BRACKETS = re.compile(r"[;,]*[\]\)\}\{\(\[][\]\)\}\{\(\[;,]*")
CODE_SHAPED = re.compile(r"(?:[{\[(]|=>|[A-Za-z0-9_$.]\([^()]*\)\s*[:{;,])$|^(?://|/\*|\*/)"
                         r"|^(?:[A-Za-z0-9_$]+\s+){0,2}[A-Za-z0-9_$.\[\]]+\s*[-+*/|&^%]?=\s*[^=\s]")
# An interpreter's prompt (">>> x"; "$ " is as often a price).
CODE_PROMPT = re.compile(r">>>(?: |$)")
CODE_PUNCTUATION = re.compile(r"[{}()\[\];=<>]|^#")
SENTENCE_END = re.compile(r"(?:[.!?:][\"')\]]?|[。！？：])$")
HTML_ENTITY_END = re.compile(r"&#?\w+;$")  # escaped markup ("...&gt;") ends in ";" too
# Every line _code_line may call code-shaped starts with a bracket, a comment or a prompt,
# ends a block or a statement, holds an "=" (an assignment, "=>") or ends in a call's "):" or
# "),": only such lines are asked.
CODE_FIRST = frozenset(";,])}{([")
CODE_OPENERS = ("//", "/*", "*/", ">>>")
CODE_LAST = frozenset("{[(;")
CODE_MIN_SHAPED = 2
CODE_MAX_STATEMENT_WORDS = 12  # a longer line ending in ";" is a clause of a list
CODE_MAX_GAP = 2  # blank lines a run may cross


def markdown_hints(text: str, unfenced: bool = False) -> list[dict[str, Any]]:
    """Per line of ``text`` (split on ``\\n``), its hints; the list stops at the last block.
    With ``unfenced`` (a plain text capture), code samples without fences are blocks too."""
    fences = "```" in text or "~~~" in text
    pipes = "|" in text
    if not (fences or pipes or unfenced):
        return []
    lines = text.split("\n")
    # (A fence is three backticks or tildes: without them, no line need be matched.)
    code = _fenced_code(lines) if fences else []
    # The lines the code and table patterns are asked about, by the core's per-line tests
    # (tests/test_native_markdown.py), else by the functions' own.
    shaped = delimiters = None
    if native.enabled and (unfenced or pipes) and (found := native.core.markdown_candidates(
            text, CODE_FIRST, CODE_LAST, CODE_OPENERS, unfenced, pipes)) is not None:
        shaped, delimiters = found
    if unfenced:
        code = sorted(code + [run for run in unfenced_code(lines, shaped)
                              if not _in_code(run, code)])
    # A table written inside a code block is code (a markdown tutorial shows the syntax).
    tables = _pipe_tables(lines, delimiters) if pipes else []
    blocks = sorted(code + [table for table in tables if not _in_code(table, code)])
    hints: list[dict[str, Any]] = [{} for _ in range(max((end for _, end, _ in blocks),
                                                         default=0))]
    for number, (start, end, tag) in enumerate(blocks):
        for i in range(start, end):
            hints[i] = {"tag": tag, "block": number}
    return hints


def setext_as_atx(text: str) -> str:
    """``text`` with its setext headings written as ATX ones, line for line: the underlined
    line gains ``# `` (``===``) or ``## `` (``---``) and the underline becomes blank, so
    line numbers still point into the capture.

    A heading's text is one line after a blank one (as reader services write it; a
    paragraph's last line followed by ``---`` stays as it is), outside code blocks and
    front matter.
    """
    if "==" not in text and "--" not in text:
        return text
    lines = text.split("\n")
    skip = set()
    for start, end, _ in _fenced_code(lines) if "```" in text or "~~~" in text else ():
        skip.update(range(start, end))
    first = next((i for i, line in enumerate(lines) if line.strip()), None)
    if first is not None and lines[first].strip() in FRONT_MATTER_FENCES:
        fence = lines[first].strip()
        close = next((j for j in range(first + 1, len(lines)) if lines[j].rstrip() == fence),
                     first)
        skip.update(range(first, close + 1))
    changed = False
    for i in range(1, len(lines)):
        if (i in skip or i - 1 in skip or not SETEXT_UNDERLINE.fullmatch(lines[i])
                or not lines[i - 1].strip() or NOT_HEADING_TEXT.match(lines[i - 1])
                or (i >= 2 and lines[i - 2].strip())):
            continue
        level = "# " if lines[i].strip()[0] == "=" else "## "
        lines[i - 1] = level + lines[i - 1].strip()
        lines[i] = ""
        changed = True
    return "\n".join(lines) if changed else text


def plain_inline(text: str) -> str:
    """A markdown line as the reader sees it: without its heading, quote or list prefix,
    emphasis markers, link targets and escapes; a code span's text exactly as written."""
    text = MARKDOWN_PREFIX.sub("", text)
    if "](" in text:  # first: a link's text may hold a code span ([`Logger`](url))
        text = MARKDOWN_LINK.sub(r"\1", text)
    pieces = []
    position = 0
    for span in CODE_SPAN.finditer(text) if "`" in text else ():
        pieces.append(_unmarked(text[position:span.start()]))
        pieces.append(span.group(2).strip(" ") or span.group(2))
        position = span.end()
    pieces.append(_unmarked(text[position:]))
    return "".join(pieces).strip()


def _unmarked(text: str) -> str:
    for _ in range(NESTING):
        unmarked = UNDERSCORE_EMPHASIS.sub(r"\2", text) if "_" in text else text
        unmarked = STAR_EMPHASIS.sub(r"\2", unmarked) if "*" in unmarked else unmarked
        if unmarked == text:
            break
        text = unmarked
    return ESCAPED.sub(r"\1", text) if "\\" in text else text


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


def _code_line(line: str) -> int:
    """2: a code-shaped line, 1: a line that may sit inside code, 0: neither (blank, prose)."""
    stripped = line.strip()
    if not stripped:
        return 0
    if CODE_BRACKETS.fullmatch(stripped):
        return 2
    if stripped.startswith(("//", "/*", "*/")) or CODE_PROMPT.match(stripped):
        return 2
    words = stripped.count(" ") + 1
    if SENTENCE_END.search(stripped) and words >= 4:
        return 0
    if CODE_SHAPED.search(stripped):
        return 2
    if stripped[-1] == ";" and not HTML_ENTITY_END.search(stripped):
        # a statement, unless it is a clause of a list of sentences
        return 2 if words <= 3 or (words <= CODE_MAX_STATEMENT_WORDS
                                   and CODE_PUNCTUATION.search(stripped[:-1])) else 0
    if line[:1] in (" ", "\t") or CODE_PUNCTUATION.search(stripped) \
            or stripped.startswith("... "):  # (an interpreter's continuation, or an ellipsis)
        return 1
    return 0


def unfenced_code(lines: list[str], candidates: list[int] | None = None
                  ) -> list[tuple[int, int, str]]:
    """(first, last + 1, "pre") of every run of code-shaped lines (see ``CODE_SHAPED``) in
    ``lines`` (a capture split on ``\\n``): lines that are code-shaped or may sit inside
    code, crossing up to ``CODE_MAX_GAP`` blank lines, starting and ending on a code-shaped
    line, with at least ``CODE_MIN_SHAPED`` code-shaped lines making up at least half of its
    non-blank lines.

    Only the lines that may be code-shaped (see ``CODE_FIRST``) are asked whether they are,
    and only the lines between two code-shaped ones whether they may sit in code: most lines
    of a page are neither. ``candidates``: the indices of the lines that may be code-shaped,
    when the caller has them (the native core's ``markdown_candidates``)."""
    if candidates is None:
        candidates = _code_candidates(lines)
    strong = [i for i in candidates if _code_line(lines[i]) == 2]
    if len(strong) < CODE_MIN_SHAPED:
        return []
    found: list[tuple[int, int, str]] = []
    run = [strong[0]]
    for before, after in pairwise(strong):
        if _inside_code(lines, before, after):
            run.append(after)
            continue
        _close_run(lines, run, found)
        run = [after]
    _close_run(lines, run, found)
    return found


def _code_candidates(lines: list[str]) -> list[int]:
    """The indices of the lines that may be code-shaped (the reference of the core's
    ``markdown_candidates``): stripped, not empty, and opening with a character of
    ``CODE_FIRST`` or one of ``CODE_OPENERS``, ending with one of ``CODE_LAST``, holding "="
    or ending in a call's "):" or "),"."""
    stripped = list(map(str.strip, lines))
    return [i for i, line in enumerate(stripped)
            if line and (line[0] in CODE_FIRST or line[-1] in CODE_LAST or "=" in line
                         or line.startswith(CODE_OPENERS)
                         or (line[-1] in ":," and line[:-1].rstrip()[-1:] == ")"))]


def _inside_code(lines: list[str], before: int, after: int) -> bool:
    """Whether the lines between two code-shaped lines may all sit in code: no prose line and
    no more than ``CODE_MAX_GAP`` blank lines in a row."""
    blanks = 0
    for line in lines[before + 1:after]:
        if not line.strip():
            blanks += 1
            if blanks > CODE_MAX_GAP:
                return False
            continue
        blanks = 0
        if not _code_line(line):
            return False
    return True


def _close_run(lines: list[str], run: list[int], found: list[tuple[int, int, str]]) -> None:
    """Adds ``run`` (its code-shaped lines) to ``found`` when they are enough of its lines."""
    inside = sum(1 for line in lines[run[0]:run[-1] + 1] if line.strip())
    if len(run) >= CODE_MIN_SHAPED and 2 * len(run) >= inside:
        found.append((run[0], run[-1] + 1, "pre"))


def _pipe_tables(lines: list[str], candidates: list[int] | None = None
                 ) -> list[tuple[int, int, str]]:
    """(first, last + 1, "cell") of every pipe table: a header row, a delimiter row, rows.

    ``candidates``: the indices ``i`` (from 1, ascending) where ``lines[i - 1]`` holds "|"
    and ``lines[i]`` holds "|" and "-", when the caller has them (the native core's
    ``markdown_candidates``): only those lines can be a delimiter row."""
    if candidates is None:
        candidates = [i for i in range(1, len(lines)) if "|" in lines[i - 1]
                      and "|" in lines[i] and "-" in lines[i]]
    found, after = [], 1  # (a table's rows end it: the next delimiter row comes after them)
    for i in candidates:
        if i < after or not TABLE_DELIMITER.fullmatch(lines[i].strip()):
            continue
        end = i + 1
        while end < len(lines) and "|" in lines[end] and lines[end].strip():
            end += 1
        found.append((i - 1, end, "cell"))
        after = end + 1
    return found


__all__ = ["markdown_hints", "plain_inline", "setext_as_atx", "unfenced_code"]
