"""What a text must hold for a list of patterns to match it (``vocabulary.required_text``),
as the native core tests it (``related_lists`` asks its heading patterns only about texts
that hold it): no text a pattern matches fails the test.

Checked on the vocabulary's pattern lists against the lines of the seeds and of cached bench
renderings, and against generated texts (case variants ``regex`` folds: KELVIN SIGN, LONG S,
dotted I); on generated patterns (literals, sets, alternations, optional and repeated
groups, lookarounds, anchors) against generated texts; and on patterns it must not read.
"""

from __future__ import annotations

from pathlib import Path

import pytest
import regex
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from cleanse import native
from cleanse.detectors.vocabulary import _all_vocabulary, compile_patterns, required_text
from cleanse.features import line_features

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CACHE = ROOT / "benchmarks" / ".cache"

built = pytest.mark.skipif(native.core is None, reason="cleanse._native is not built")


def assert_never_missed(patterns: list[str], texts: list[str]) -> int:
    """Every text one of ``patterns`` matches (fullmatch or search) holds ``required_text``;
    how many texts a pattern matched."""
    spec = required_text(patterns)
    if spec is None:
        return 0
    compiled = compile_patterns(patterns)
    matched = 0
    for text in texts:
        held = native.core.required_text_held(spec, text)
        if held is None:
            return 0  # (a character whose case variants the core does not know: no test)
        if any(p.search(text) for p in compiled):
            matched += 1
            assert held, (patterns, text)
    return matched


def _vocabulary_pattern_lists() -> list[list[str]]:
    return [words for groups in _all_vocabulary().values()
            for name, words in groups.items() if "pattern" in name]


def _texts() -> list[str]:
    paths = sorted((FIXTURES / "seeds").glob("*.txt"))
    for kind in ("renderings", "innertext"):
        paths += sorted((CACHE / kind).glob("*/*.txt"))[::4]
    texts = []
    for path in paths:
        for line in path.read_text("utf-8").split("\n"):
            if line.strip():
                texts += [line.strip(), line_features(line).plain.strip()]
    return texts


@built
def test_vocabulary_patterns_on_seed_and_bench_lines():
    lists = [patterns for patterns in _vocabulary_pattern_lists() if required_text(patterns)]
    assert len(lists) >= 2  # (related_lists' two heading lists at least)
    texts = _texts()
    assert sum(assert_never_missed(patterns, texts) for patterns in lists) >= 1


# Texts from the words of the related lists' patterns, their case variants and separators.
WORDS = ["comment", "comments", "Comments", "COMMENTS", "response", "responſes", "replies",
         "thoughts", "more", "MORE", "latest", "other", "top", "news", "stories", "articles",
         "headlines", "related", "reading", "roundup", "from", "in", "on", "to", "show",
         "all", "view", "12", "3", "评论", "評論", "条评论", "已有", "共", "件", "回复", "留言",
         "热门", "网友", "跟帖", "要闻", "要聞", "今日", "K", "\u212a", "\u017f", "\u0130",
         "(", ")", "（", "）", " ", "  ", "\t", "-", ":", "x"]


@built
@settings(max_examples=800, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.sampled_from(WORDS), max_size=8).map("".join))
def test_vocabulary_patterns_on_generated_texts(text):
    for patterns in _vocabulary_pattern_lists():
        assert_never_missed(patterns, [text, text.upper(), text.lower(), text.title()])


ALPHABET = "abK要闻 1"
literal = st.sampled_from(list(ALPHABET) + ["k", "B", "[ab]", "[要闻]", "\\ "])
atom = st.one_of(literal, st.lists(literal, min_size=2, max_size=4).map("".join),
                 st.sampled_from(["[^a]", r"\d", r"\s", r"\w", "."]))


def _pattern(children: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    return st.one_of(
        st.lists(children, min_size=1, max_size=4).map("".join),
        st.lists(children, min_size=2, max_size=3).map(lambda alts: f"(?:{'|'.join(alts)})"),
        children.map(lambda p: f"(?:{p})?"), children.map(lambda p: f"({p})"),
        children.map(lambda p: f"(?:{p}){{1,2}}"), children.map(lambda p: f"(?:{p})*"),
        children.map(lambda p: f"(?!{p})"), children.map(lambda p: f"(?={p})"),
        children.map(lambda p: f"(?<!{p})"), children.map(lambda p: f"^{p}$"),
        children.map(lambda p: rf"\b{p}"))


patterns = st.recursive(atom, _pattern, max_leaves=8)


@built
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(patterns, min_size=1, max_size=2),
       st.lists(st.text(alphabet=ALPHABET + "AB\u212a\u017fs", max_size=10), min_size=1,
                max_size=20))
def test_generated_patterns_on_generated_texts(pattern_list, texts):
    try:
        compile_patterns(pattern_list)
    except regex.error:
        return
    # (and the patterns' own characters, which they often match, in case variants)
    own = [regex.sub(r"\\[dswb]|[\\^$()?:*+.{}|!=<\[\]0-9,]", "", p) for p in pattern_list]
    own += [t.upper() for t in own] + [t.replace("k", "\u212a") for t in own]
    assert_never_missed(pattern_list, texts + own)


@pytest.mark.parametrize("pattern", [
    r"(?x) a b c", r"abc{e<=1}", r"\p{Han}要闻", r"[[:alpha:]]abc", r"(?i)abc", r"(?V1)abc",
    r"\d+", r"(?:abc)?", r"(?!abc)", r"a|", r"\N{LATIN SMALL LETTER A}bc", r"(?|a|b)c",
    r"(a)\1", r"\X", r"ab{,}c", r"ab{}c", r"[]a]bc", r"[^]a]bc", r"(?#note)abc"])
def test_patterns_it_does_not_read(pattern):
    assert required_text([pattern]) is None
    assert required_text(["abc", pattern]) is None


def test_what_it_reads():
    assert required_text([r"^\d+\s*(?:comments?|评论)$"]) == [list("comment"), list("评论")]
    assert required_text([r"^.{1,4}要[闻聞]$"]) == [["要", "闻聞"]]
    assert required_text([r"(?!xyz)ab(?:cd)?e"]) == [list("ab")]
    assert required_text([r"ab|cde", "ab"]) == [list("ab"), list("cde")]
    assert required_text([]) == []
    assert required_text([r"ab{2}c{1,}d{,3}[xy]"]) == [["a"]]  # (the runs a repeat cuts)
