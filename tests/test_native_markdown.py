"""The native core's per-line tests of a text capture's markdown (``markdown_candidates``)
choose the lines the Python reference chooses, so ``markdown_hints`` gives the same hints.

Compared on the seeds, on cached bench renderings (text, innerText, markdown), on lines around
every white-space character (``str.strip``'s, which the core reads off ``re``'s ``\\s``) and
on generated captures of code punctuation, pipes, dashes, markup, CJK text and lone
surrogates.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanse import native
from cleanse.reading import markdown
from cleanse.reading.markdown import CODE_FIRST, CODE_LAST, CODE_OPENERS, markdown_hints

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CACHE = ROOT / "benchmarks" / ".cache"

built = pytest.mark.skipif(native.core is None, reason="cleanse._native is not built")


def _reference_candidates(lines: list[str]) -> tuple[list[int], list[int]]:
    return markdown._code_candidates(lines), [
        i for i in range(1, len(lines))
        if "|" in lines[i - 1] and "|" in lines[i] and "-" in lines[i]]


def assert_same_markdown(text: str) -> None:
    lines = text.split("\n")
    got = native.core.markdown_candidates(text, CODE_FIRST, CODE_LAST, CODE_OPENERS, True, True)
    if got is not None:
        assert tuple(got) == _reference_candidates(lines)
    for unfenced in (True, False):
        with native.use_native(False):
            expected = markdown_hints(text, unfenced=unfenced)
        with native.use_native(True):
            assert markdown_hints(text, unfenced=unfenced) == expected


def _texts() -> list[Path]:
    paths = sorted((FIXTURES / "seeds").glob("*.txt"))
    for kind in ("renderings", "innertext", "markdown"):
        paths += sorted((CACHE / kind).glob("*/*.*"))[::3]
    return [path for path in paths if path.suffix in (".txt", ".md")]


@built
def test_bench_and_seed_captures():
    texts = _texts()
    assert len(texts) >= 5
    blocks = 0
    for path in texts:
        text = path.read_text("utf-8")
        assert_same_markdown(text)
        blocks += any(markdown_hints(text, unfenced=True))
    # Blocks were found, so this was not an empty comparison: the seeds alone hold none, so a
    # checkout without the bench's renderings (CI) counts on the generated texts.
    if len(texts) > len(list((FIXTURES / "seeds").glob("*.txt"))):
        assert blocks >= 1


SPACES = [chr(c) for c in range(sys.maxunicode + 1) if chr(c).isspace()] + ["\u200b", "\ufeff"]


@built
def test_lines_around_every_white_space_character():
    lines = []
    for space in SPACES:
        lines += [f"{space}f(x){space}:{space}", f"f(x){space},", f"{space}}}{space}",
                  f"{space}// c", f"a {space}={space} b", f"{space}", f"x{space}{{",
                  f"|{space}a{space}|", f"|{space}-{space}|", f"{space})x:"]
    assert_same_markdown("\n".join(lines))


piece = st.sampled_from([
    "f(x)", "):", "),", ") :", ";", "{", "}", "[", "]", "(", ")", "=", "==", "=>", "//", "/*",
    "*/", ">>>", ">>> x", "|", "| a |", "|---|", "-", ":-:", " ", "\t", "\u3000", "\x1c",
    "\x85", "\xa0", "word", "中文", "#", "```", "~~~", "...", "\ud800", ",", ":", "x;"])
capture = st.lists(st.lists(piece, max_size=5).map("".join), max_size=30).map("\n".join)


@built
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(capture)
def test_generated_captures(text):
    assert_same_markdown(text)


@built
def test_a_lone_surrogate_goes_to_the_reference():
    lines = ["| a |", "|-\ud800-|", "x = 1"]
    assert native.core.markdown_candidates("\n".join(lines), CODE_FIRST, CODE_LAST,
                                           CODE_OPENERS, True, True) is None
    assert_same_markdown("\n".join(lines))
