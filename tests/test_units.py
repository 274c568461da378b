"""Code blocks and tables are decided whole, and code keeps its lines and indentation."""

from __future__ import annotations

import numpy as np
import pytest

import cleanse
from cleanse.deciding.arbiter import _keep_units_whole
from cleanse.deciding.units import units
from cleanse.model import Page
from cleanse.reading.capture import to_capture
from cleanse.reading.markdown import markdown_hints

from helpers import EN, labelled

CODE = ["```python", "def load(path):", "    with open(path) as f:",
        "        return parse(f.read())", "}", "```"]
TABLE = ["| option | default |", "|---|:---:|", "| strict | false |", "| encoding | utf-8 |"]


def _blocks(lines: list[str]) -> list[tuple[str | None, int | None]]:
    hints = markdown_hints("\n".join(lines))
    hints += [{}] * (len(lines) - len(hints))
    return [(h.get("tag"), h.get("block")) for h in hints]


def test_a_fenced_code_block_and_its_fences_are_one_block():
    blocks = _blocks(["Some text.", *CODE, "More text."])
    assert blocks[0] == blocks[-1] == (None, None)
    assert {b for b in blocks[1:-1]} == {("pre", 0)}


@pytest.mark.parametrize("lines", [
    ["```", "code", "~~~"],            # closed by the other fence character
    ["````", "code", "```"],           # closed by a shorter fence
    ["``` a`b", "code", "```"],        # a backtick in a backtick fence's info: not a fence
    ["```", "code never closed"],      # everything after would be code: no block
], ids=["other-character", "shorter", "backtick-info", "unclosed"])
def test_what_is_not_a_closed_fenced_block(lines):
    assert all(tag is None for tag, _ in _blocks(lines))


def test_a_pipe_table_is_one_block_and_a_line_with_pipes_is_not():
    blocks = _blocks(["Intro.", *TABLE, "", "a | b", "c | d"])
    assert blocks[1:5] == [("cell", 0)] * 4
    assert all(tag is None for tag, _ in blocks[5:])


def test_a_table_inside_a_code_block_is_code():
    # A markdown tutorial shows a table's syntax inside a fence. The table was taken for a
    # block of its own, and the hints list, sized by the block that started last, was too
    # short for the code after it: IndexError, out of cleanse.clean.
    lines = ["Intro.", "```markdown", *TABLE, "more code", "```", "After."]
    blocks = _blocks(lines)
    assert blocks[1:-1] == [("pre", 0)] * (len(lines) - 2)
    assert blocks[0] == blocks[-1] == (None, None)
    doc = cleanse.clean("\n".join([EN[0], "", *lines, "", EN[1]]))
    assert doc.status == cleanse.Status.OK


def test_a_table_after_a_code_block_is_still_a_table():
    blocks = _blocks([*CODE, "", *TABLE])
    assert blocks[:len(CODE)] == [("pre", 0)] * len(CODE)
    assert blocks[len(CODE) + 1:] == [("cell", 1)] * len(TABLE)


def _page(lines: list[str]) -> Page:
    return Page.from_capture(to_capture("\n".join(lines), kind="markdown"))


def test_a_unit_is_kept_or_removed_whole_by_its_length_weighted_probability():
    page = _page(["Intro.", *CODE])
    lines = page.content_lines()
    [unit] = units(page)
    assert [line.text for line in unit] == CODE
    # The fences and the brace look like junk; the code lines, longer, do not.
    probabilities = np.array([0.9] + [0.1, 0.8, 0.8, 0.8, 0.1, 0.1])
    keep = [p >= 0.5 for p in probabilities]
    _keep_units_whole(page, lines, [None] * len(lines), probabilities, keep, 0.5)
    assert keep == [True] * 7
    probabilities = np.array([0.9] + [0.6, 0.2, 0.2, 0.2, 0.6, 0.6])
    keep = [p >= 0.5 for p in probabilities]
    _keep_units_whole(page, lines, [None] * len(lines), probabilities, keep, 0.5)
    assert keep == [True] + [False] * 6


def test_code_keeps_its_braces_fences_and_indentation_and_a_table_its_delimiter_row():
    capture = "\n".join(["# Loading a file", "", EN[0], EN[1], "", *CODE, "", EN[2], "",
                         *TABLE, "", EN[3]])
    doc = cleanse.clean(capture)
    assert "\n".join(CODE) in doc.markdown
    assert "\n".join(CODE) in doc.text
    assert "\n".join(TABLE) in doc.markdown


HTML_CODE = ("<html><body><article><h1>Reading files</h1><p>{0}</p>"
             "<pre><code>def load(path):\n    with open(path) as f:\n"
             "        return parse(f.read())\n\n}}\n</code></pre><p>{1}</p></article>"
             "</body></html>")


def test_an_html_pre_gives_one_line_per_source_line_and_one_block():
    page = labelled(HTML_CODE.format(EN[0], EN[1]))
    code = [line for line in page.content_lines() if line.code]
    assert [line.text for line in code] == [
        "def load(path):", "    with open(path) as f:", "        return parse(f.read())", "}"]
    assert len({line.hints["block"] for line in code}) == 1
    assert [[line.text for line in unit] for unit in units(page)] == [[line.text for line in code]]


def test_shape_detectors_leave_code_alone():
    # A brace has no letters (chrome's no_text), a run of one-word lines looks like a menu,
    # a path like a breadcrumb trail and a repeated line like a duplicate: in code, they are code.
    code = ["```", "}", "src/app/main.rs", "run", "stop", "run", "stop", "start", "}", "```"]
    page = labelled("\n".join([EN[0], *code, EN[1]]), kind="markdown")
    junk = {(d.detector, d.rule) for line in page.content_lines() if line.code
            for d in line.decisions if d.category.is_junk}
    assert not junk & {("chrome", "no_text"), ("menus", "menu_run"),
                       ("breadcrumbs", "crumb_trail"), ("duplicates", "repeated_line")}
    # The same lines outside a code block are labelled as before.
    plain = labelled("\n".join([EN[0], *code[1:-1], EN[1]]), kind="markdown")
    assert {("chrome", "no_text"), ("menus", "menu_run")} <= {
        (d.detector, d.rule) for line in plain.content_lines() for d in line.decisions}


def test_html_code_is_kept_with_its_indentation():
    doc = cleanse.clean(HTML_CODE.format(EN[0], EN[1]))
    assert "    with open(path) as f:\n        return parse(f.read())\n}" in doc.text


def test_a_table_neither_splits_the_region_nor_is_its_delimiter_row_chrome():
    page = labelled("\n".join([EN[0], EN[1], "", *TABLE, "", EN[3]]), kind="markdown")
    table = [line for line in page.content_lines() if line.in_unit]
    assert [line.text for line in table] == TABLE
    assert not any(d.detector in ("chrome", "main_region") for line in page.content_lines()
                   for d in line.decisions)


# --- unfenced code in a plain text capture ---------------------------------------------
# A browser's innerText shows a <pre> without fences: its lines keep their indentation and
# blank lines, and nothing else marks them as code.
UNFENCED = ["async function getData() {", '  const url = "https://example.org/data.json";',
            "  try {", "    const response = await fetch(url);", "    if (!response.ok) {",
            "      throw new Error(response.status);", "    }", "",
            "    console.log(await response.json());", "  } catch (error) {",
            "    console.error(error.message);", "  }", "}"]


def _unfenced(lines: list[str]) -> list[tuple[str | None, int | None]]:
    hints = markdown_hints("\n".join(lines), unfenced=True)
    hints += [{}] * (len(lines) - len(hints))
    return [(h.get("tag"), h.get("block")) for h in hints]


def test_unfenced_code_in_a_text_capture_is_one_block_between_its_prose():
    lines = [EN[0], "", *UNFENCED, "", EN[1]]
    blocks = _unfenced(lines)
    assert blocks[2:2 + len(UNFENCED)] == [("pre", 0)] * len(UNFENCED)
    assert blocks[:2] == blocks[-2:] == [(None, None)] * 2
    # Only a plain text capture is read by shape: markdown shows its code in fences.
    assert all(tag is None for tag, _ in _blocks(lines))


def test_interpreter_sessions_and_python_are_code_too():
    lines = [">>> from pathlib import Path", ">>> def size(name):", "...     return len(name)",
             ">>> size(Path('a.txt').name)", "5"]
    assert _unfenced(lines)[:4] == [("pre", 0)] * 4


@pytest.mark.parametrize("lines", [
    ["Respond to questions, comments, and other requests;",        # a list of clauses
     "Provide access to certain features of the Services;",
     "Conduct internal research and development;"],
    ["Email(Required)", "First Name(Required)"],                    # form labels
    ["$ 1,899 .00", "$ 159 /mo with 12-month financing."],          # prices
    ["&lt;span class=&quot;x&quot;&gt;", "&lt;/span&gt;"],         # escaped markup
    ["Tags", "  ,", "  * General news", "  ,", "  * Online media"],  # separators of a list
    ["Use fetch() to get the data (see below).", "It returns a promise (or throws)."],
], ids=["clauses", "form-labels", "prices", "entities", "separators", "prose"])
def test_what_is_not_unfenced_code(lines):
    assert all(tag is None for tag, _ in _unfenced(lines))


def test_unfenced_code_neither_splits_the_region_nor_loses_its_braces():
    page = labelled("\n".join([EN[0], EN[1], "", *UNFENCED, "", EN[2], EN[3]]), kind="text")
    code = [line for line in page.content_lines() if line.code]
    assert [line.text for line in code] == [line for line in UNFENCED if line]
    assert not any(d.detector in ("chrome", "main_region") for line in page.content_lines()
                   for d in line.decisions)
