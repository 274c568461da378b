"""The native core (cleanse._native) gives exactly what the Python reference gives.

Line features, keyword matches, language tagging's script counts and the arbiter's per-line
text columns are compared value for value on the seeds, on bench renderings when ../shared is
present, and on generated strings (mixed scripts, markup, dates, URLs, case-variant letters,
control characters, lone surrogates); whole records are compared byte for byte with and
without the core.
"""

from __future__ import annotations

import copy
import gc
import json
import math
import os
import string
from collections.abc import Callable, Iterable
from functools import partial
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanse
from cleanse import features, native
from cleanse.deciding import evidence, language
from cleanse.detectors import detector_class
from cleanse.detectors.vocabulary import Keywords, _all_vocabulary
from cleanse.features import LineFeatures, line_features, plain_text, python_line_features
from cleanse.model import Capture, Category, Line, Page
from cleanse.reading.capture import to_capture
from cleanse.running.outputs import record_json

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
BENCH = ROOT.parent / "shared" / "bench"
RENDERINGS = ROOT / "benchmarks" / ".cache" / "renderings"

built = pytest.mark.skipif(native.core is None, reason="cleanse._native is not built")


def test_core_is_built_unless_switched_off():
    """CI builds the core with the package; only CLEANSE_NATIVE=0 may run without it."""
    if os.environ.get(native.ENV_VAR, "1").strip() == "0":
        assert not native.enabled
    else:
        assert native.core is not None and native.enabled


def test_switch_selects_the_reference():
    with native.use_native(False):
        assert not native.enabled
    assert native.enabled == (native.core is not None
                              and os.environ.get(native.ENV_VAR, "1").strip() != "0")


def assert_same_features(lines: list[str]) -> None:
    """Equal, and equal in repr too, so a 1 cannot pass for True; the attributes derived
    after the fields (tokens, terminal, prose) too."""
    for text in lines:
        expected = python_line_features(text)
        got = native.core.line_features(text)
        assert got == expected and repr(got) == repr(expected), text
        assert repr(_slots(got)) == repr(_slots(expected)), text
        if _utf8(text):
            assert native.core.plain_text(text) == plain_text(text), text


def _slots(features: LineFeatures) -> dict[str, object]:
    """Every attribute of a (slotted) ``LineFeatures``, the derived ones included; a slot the
    core left unset raises AttributeError."""
    return {name: getattr(features, name) for name in LineFeatures.__slots__}


def _utf8(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _seed_lines() -> list[str]:
    lines = []
    for path in sorted((FIXTURES / "seeds").glob("*.txt")):
        lines += path.read_text("utf-8").split("\n")
    return lines


def _seed_and_bench_lines() -> list[str]:
    """The seeds' lines and those of every fifth cached bench rendering (none without the
    cache: the seeds still run)."""
    lines = _seed_lines()
    for page in sorted(RENDERINGS.glob("*/*.txt"))[::5]:
        lines += page.read_text("utf-8").split("\n")
    return lines


@built
def test_seed_lines():
    lines = _seed_lines()
    assert len(lines) > 100
    assert_same_features(lines)


@built
@pytest.mark.skipif(not BENCH.is_dir(), reason="../shared/bench is not here")
def test_bench_lines():
    """Every 5th bench page: its text rendering (when cached) or its raw HTML, line by line."""
    pages = sorted(BENCH.glob("*/*.html"))[::5]
    lines = []
    for page in pages:
        rendering = RENDERINGS / page.parent.name / (page.stem + ".txt")
        source = rendering if rendering.is_file() else page
        lines += source.read_text("utf-8", errors="replace").split("\n")
    assert len(lines) > 1000
    assert_same_features(lines)


def _reference_lines(capture: Capture) -> list[Line]:
    """``Page.from_capture``'s lines as the reference makes them."""
    hints = capture.line_hints
    return [Line(i, text, python_line_features(text), [], hints[i - 1] if i <= len(hints) else {})
            for i, text in enumerate(capture.text.split("\n"), start=1)]


@built
@pytest.mark.parametrize("capture", [
    Capture(text=""), Capture(text="a\n\n  b  \nc"),
    Capture(text="lone \ud800 surrogate\nx"),
    Capture(text="one\ntwo\nthree", kind="html",
            line_hints=[{"tag": "p"}, {"tag": "h1", "link_density": 0.5}]),
    *(to_capture(path) for path in sorted((FIXTURES / "seeds").glob("*.txt"))[:3]),
])
def test_page_lines_are_the_references(capture):
    """The core's ``Page.from_capture`` lines: equal fields, the same hint dicts (the page's own
    objects, one new dict past the hints), an unset match key; then read in place (the
    slots) as by getattr."""
    lines = Page.from_capture(capture).lines
    expected = _reference_lines(capture)
    assert lines == expected and [type(line) for line in lines] == [Line] * len(expected)
    for line, reference in zip(lines, expected):
        assert repr(line.features) == repr(reference.features)
        assert line._match_key is None and line.decisions == [] and line.hints == reference.hints
        if line.number <= len(capture.line_hints):
            assert line.hints is capture.line_hints[line.number - 1]


@built
def test_slots_read_in_place_are_getattrs():
    """Both classes are registered; a pass reading a line in place reads what getattr reads,
    and a class that is not slotted is not registered."""
    assert native.core.register_slots(Line) and native.core.register_slots(LineFeatures)

    class Loose:
        pass

    assert not native.core.register_slots(Loose)
    page = Page.from_capture(Capture(text="Related stories\nA headline here\nAnother one"))
    with native.use_native(False):
        expected = [(line.features.tokens, line.match_key) for line in page.content_lines()]
    # The duplicates pass reads lines and features in place and fills _match_key.
    lines = Page.from_capture(page.capture).lines
    detector_class("duplicates")().detect(Page(page.capture, lines))
    assert [(line.features.tokens, line._match_key) for line in lines if line.text.strip()] \
        == expected


# Pieces that steer generated lines into every branch of the ported patterns.
PIECES = [
    "http://", "HTTPS://", "httpſ://", "www.", "WWW.", "example", ".com", ".CN", ".info", ".app",
    ".io", "-", "/", ".", ":", "2024", "1999", "05", "12", "31", "3", "年", "月", "日", "号",
    "12:30", "23:59:59", "点", "時", "分", "秒", "分钟", "小時", "天", "前", "ago", "AGO", "hours",
    "mins", "weeks", "Months", "Jan", "January", "Sept", "september", "MAY", "sep.", "1st",
    "nd", ",", " ", "  ", "\t", "\u3000", "\xa0", "\u2028", "[", "]", "(", ")", "](", "![",
    "**", "__", "_", "*", "`", "#", "##", "####### ", "> ", "- ", "• ", "1. ", "123) ",
    "1234. ", "、", "（", "）", "。", "！", "？", "!", "?", "…", "”", "’", "」", "'", "\"",
    "K", "ſ", "İ", "ı", "ß", "Σ", "ς", "٣", "१२", "²", "½", "Ⅻ", "中文", "한국어", "カタカナ",
    "😀", "👍🏽", "\u200d", "\u0301", "\x00", "\x1f", "\x85", "\ud800", "\udfff", "\U00020000",
]

lines_strategy = st.one_of(
    st.text(max_size=80),
    st.lists(st.sampled_from(PIECES) | st.text(max_size=3), max_size=25).map("".join),
)


@built
@settings(max_examples=1500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines_strategy)
def test_generated_lines(text):
    assert_same_features([text, text.strip(), "# " + text, text + " (完)", text + "。（小小）"])


@built
@pytest.mark.parametrize("text", [
    "word " * 30_000,  # cut into pieces at spaces
    "x" * 250_001,  # cut anywhere
    "Posted 3 hours ago " * 8_000 + "2024-05-06",  # a date across a cut
    "1" + " " * 200_000 + "hours ago",  # a long space run inside a date candidate
    "字" * 150_000 + "。（完）",
])
def test_long_lines(text):
    assert_same_features([text])


def assert_core_agrees(compute: Callable[[str], object], texts: Iterable[str]) -> None:
    """``compute(text)`` with the core enabled equals the reference's, for every text."""
    for text in texts:
        with native.use_native(False):
            expected = compute(text)
        assert compute(text) == expected, text


def _every_character_in_runs() -> list[str]:
    """Every code point, in runs of 1000 (so each class's boundaries and overlaps are
    crossed)."""
    everything = native._every_character()
    return [everything[i:i + 1000] for i in range(0, len(everything), 1000)]


def assert_same_script_counts(texts: list[str]) -> None:
    """Language tagging's script and variant counts: the core's against the reference's."""
    assert_core_agrees(lambda text: (language._script_counts(text),
                                     language._variant_counts(text)), texts)


@built
def test_script_counts_on_seed_and_bench_lines():
    assert_same_script_counts(_seed_and_bench_lines())


@built
def test_script_counts_on_every_character():
    assert_same_script_counts(_every_character_in_runs())


@built
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines_strategy)
def test_generated_script_counts(text):
    assert_same_script_counts([text, text * 3, "中文" + text + "这個"])


def assert_same_line_rows(texts: list[str]) -> None:
    """The arbiter's per-line text columns, bit for bit (nonblank lines; the features of
    lines with lone surrogates come from the reference either way)."""
    lines = [Line(i, text, line_features(text)) for i, text in enumerate(texts, start=1)]
    lines = [line for line in lines if not line.blank]
    if not lines:
        return
    expected = np.array([evidence._line_row(line) for line in lines], dtype=np.float64)
    got = np.asarray(evidence._line_rows(lines), dtype=np.float64)
    assert got.tobytes() == expected.tobytes(), [
        line.text for line, a, b in zip(lines, got, expected) if a.tobytes() != b.tobytes()][:3]


@built
def test_line_rows_on_seed_and_bench_lines():
    assert_same_line_rows(_seed_and_bench_lines())


@built
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(lines_strategy, min_size=1, max_size=5))
def test_generated_line_rows(texts):
    assert_same_line_rows(texts + [text.title() for text in texts] + ["A" + t for t in texts])


def assert_same_text_ops(texts: list[str]) -> None:
    """strip_punctuation and the match key: the core's against the reference's."""
    assert_core_agrees(lambda text: (features.strip_punctuation(text),
                                     features._match_key(text)), texts)


@built
def test_text_ops_on_seed_and_bench_lines():
    assert_same_text_ops(_seed_and_bench_lines())


@built
def test_text_ops_on_every_character():
    assert_same_text_ops(_every_character_in_runs()
                         + [f" {c}x{c} " for c in native._every_character()[::97]])


@built
@settings(max_examples=500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(lines_strategy)
def test_generated_text_ops(text):
    assert_same_text_ops([text, text.upper(), "【" + text + "】..."])


def assert_same_dom_rows(hints: list[dict]) -> None:
    """The arbiter's DOM columns of HTML lines, bit for bit, from the native core."""
    lines = [Line(i, "x", line_features("x"), [], hint) for i, hint in enumerate(hints, start=1)]
    expected = np.array([evidence._dom_row(line, True) for line in lines], dtype=np.float64)
    got = evidence._dom_rows(lines)
    assert isinstance(got, np.ndarray)  # the core answered
    assert got.tobytes() == expected.tobytes()


@built
@pytest.mark.skipif(not BENCH.is_dir(), reason="../shared/bench is not here")
def test_dom_rows_of_rendered_bench_pages():
    hints = []
    for page in sorted(BENCH.glob("*/*.html"))[::10]:
        hints += to_capture(page.read_bytes(), kind="html").line_hints
    assert len(hints) > 1000
    assert_same_dom_rows(hints)


@built
def test_dom_rows_of_unusual_hints():
    """Hints as a caller may give them (Capture.line_hints): other numbers, missing keys."""
    assert_same_dom_rows([{}, {"depth": True, "content_classes": 7.5, "boilerplate": "widget"},
                          {"content_classes": float("nan"), "title_affinity": 2, "tag": "h5"},
                          {"hidden": [1], "quote": 0, "content_classes": False},
                          {"content_classes": -5, "boilerplate": "unknown", "link_density": 3}])
    # Values the core does not read are left to the reference, which reads them its way.
    lines = [Line(1, "x", line_features("x"), [], {"tag": None, "depth": "2"})]
    assert evidence._dom_rows(lines) == [evidence._dom_row(lines[0], True)]


def _labelled_pages() -> list[cleanse.Page]:
    pipeline = cleanse.Pipeline()
    return [pipeline.label(to_capture(path)) for path in sorted((FIXTURES / "seeds").glob("*.txt"))]


@built
def test_detector_rows_of_labelled_seeds():
    lines = [line for page in _labelled_pages() for line in page.content_lines() if line.decisions]
    assert len(lines) > 100
    expected = np.array([evidence._detector_row(line) for line in lines], dtype=np.float64)
    got = evidence._detector_rows(lines)
    assert isinstance(got, np.ndarray) and got.tobytes() == expected.tobytes()


@built
def test_detector_rows_of_unusual_decisions():
    """Integer and NaN scores, unknown detectors, a category given by its value (a dict key
    equal to the member); an unknown category goes to the reference."""
    decisions = [cleanse.Decision("mine", "r", Category.CHROME, 1, ""),
                 cleanse.Decision("chrome", "r", Category.CHROME, float("nan"), ""),
                 cleanse.Decision("menus", "r", Category.NAV, 0.25, ""),
                 cleanse.Decision("menus", "r", Category.BODY, 0.9, ""),
                 cleanse.Decision("promo", "r", "ad", 0.7, "")]
    lines = [Line(i, "x", line_features("x"), decisions[:i]) for i in range(1, 6)]
    expected = np.array([evidence._detector_row(line) for line in lines], dtype=np.float64)
    got = evidence._detector_rows(lines)
    assert isinstance(got, np.ndarray) and got.tobytes() == expected.tobytes()
    odd = [Line(1, "x", line_features("x"), [cleanse.Decision("m", "r", "nonsense", 0.5, "")])]
    with pytest.raises(KeyError):  # the reference's own error, not the core's
        evidence._detector_rows(odd)


def assert_same_page_steps(rows: np.ndarray) -> None:
    """The evidence's page-level steps the core takes (window means, shape repeats, short
    runs), bit for bit against their references, on an evidence matrix."""
    with native.use_native(False), np.errstate(invalid="ignore"):  # (inf - inf)
        expected = (evidence._window_means(rows[:, evidence._WINDOWED_COLUMNS]),
                    evidence._page_shape_repeats(rows),
                    evidence._page_short_runs(rows[:, evidence.COLUMN["log_tokens"]]))
    got = (evidence._window_means(rows[:, evidence._WINDOWED_COLUMNS]),
           evidence._page_shape_repeats(rows),
           evidence._page_short_runs(rows[:, evidence.COLUMN["log_tokens"]]))
    for a, b in zip(got, expected):
        assert a.dtype == b.dtype == np.float64 and a.shape == b.shape
        assert a.tobytes() == b.tobytes()


def _bench_texts(step: int) -> list[str]:
    return [path.read_text("utf-8") for path in sorted(RENDERINGS.glob("*/*.txt"))[::step]]


@built
def test_page_steps_of_seed_and_bench_pages():
    """On the evidence of the labelled seeds and of every 10th cached bench rendering and
    bench page (as HTML), and of every prefix of a seed page (every page length)."""
    pipeline = cleanse.Pipeline()
    pages = _labelled_pages() + [pipeline.label(to_capture(text, kind="text"))
                                 for text in _bench_texts(10)]
    if BENCH.is_dir():
        pages += [pipeline.label(to_capture(path.read_bytes(), kind="html"))
                  for path in sorted(BENCH.glob("*/*.html"))[::10]]
    matrices = [evidence.page_features(page)[1] for page in pages]
    # (In a checkout without the bench data, as CI's, the five seeds give some 370 rows.)
    assert sum(map(len, matrices)) > (1000 if BENCH.is_dir() else 300)
    for rows in matrices:
        assert_same_page_steps(rows)
    for n in range(1, 60):
        assert_same_page_steps(matrices[0][:n])
    # Other layouts and types: a Fortran-ordered copy, integers (read as the floats they are).
    assert_same_page_steps(np.asfortranarray(matrices[1]))
    assert_same_page_steps(np.rint(np.nan_to_num(matrices[1]) * 4).astype(np.int64))


@built
def test_earlier_copies_are_the_references():
    """The copy counts of the seeds, every 10th cached bench rendering and a page of lines
    without a key, with lone surrogates and past ``features.SLICE`` characters; the core's
    pages and the reference's are labelled apart, so that each makes its own match keys."""
    long_line = "word " * (features.SLICE // 5 + 1)
    texts = [path.read_text("utf-8") for path in sorted((FIXTURES / "seeds").glob("*.txt"))]
    texts += _bench_texts(10) + ["\n".join(["Menu", "---", "menu!", "\ud800 x", "\ud800 X",
                                             long_line, long_line.upper(), "MENU.", "***"])]

    def copies(text: str) -> list[int]:
        lines = cleanse.Pipeline().label(to_capture(text, kind="text")).lines
        return evidence._earlier_copies(lines)

    for text in texts:
        with native.use_native(False):
            expected = copies(text)
        assert copies(text) == expected
    assert copies(texts[-1]) == [0, 0, 1, 0, 1, 0, 1, 2, 0]


@built
@settings(max_examples=300, deadline=None)
@given(st.data())
def test_page_steps_of_generated_matrices(data):
    """Columns of few values (so shapes repeat), NaN, signed zeros, infinities, tiny and huge
    values, any length. The cells come from a drawn seed: drawing each of up to 80 x 114 cells
    from Hypothesis ran past its entropy budget (a failed health check, now and then)."""
    n = data.draw(st.integers(1, 80))
    values = np.array([0.0, -0.0, 1.0, 0.5, math.nan, math.inf, -math.inf, 1e-300, 5e-324,
                       1e300, 2.0, math.log1p(3), math.log1p(8), math.log1p(40), 0.1, 0.7, -1.0])
    rng = np.random.default_rng(data.draw(st.integers(0, 2**32 - 1), label="seed"))
    # Some columns hold one value down the page, as many evidence columns do.
    columns = rng.choice(values, size=(n, len(evidence.FEATURES)))
    constant = rng.random(len(evidence.FEATURES)) < 0.3
    columns[:, constant] = columns[0, constant]
    assert_same_page_steps(columns.astype(np.float64))


@built
@pytest.mark.parametrize("shapes", [[0, 1] * 20, [0, 1, 2] * 3 + [5] + [0, 1, 2] * 4,
                                    [3] * 30, [0, 1, 1] * 3, [0, 1] * 2 + [1, 1] + [0, 1] * 9,
                                    [4, 8, 4, 8, 4, 8, 4, 12, 4, 8, 4, 8, 4, 8, 4, 8, 4]])
def test_shape_repeats_of_chosen_patterns(shapes):
    """Back-to-back patterns of several periods, overlapping, broken and too short ones."""
    shape_rows = []
    for shape in shapes:  # a row whose line_shapes is the shape
        row = [0.0] * len(evidence.FEATURES)
        row[evidence.COLUMN["log_tokens"]] = [1.0, math.log1p(10), math.log1p(50)][shape % 4 % 3]
        for bit, name in enumerate((*evidence._SHAPE_FLAGS, "markdown_links")):
            row[evidence.COLUMN[name]] = float(shape >> (bit + 2) & 1)
        shape_rows.append(row)
    rows = np.array(shape_rows)
    assert_same_page_steps(rows)
    with native.use_native(False):
        assert evidence._page_shape_repeats(rows).tolist() == \
            evidence._shape_repeats(evidence.line_shapes(rows)).tolist()


def _labelled_decisions(found, given: dict, title_known: bool = True) -> tuple[str, bool]:
    """The decisions Page.label_found adds for ``found`` (by repr: a score's type shows),
    and whether the page still knows its title line afterwards."""
    lines = [Line(i, f"line {i}", line_features(f"line {i}")) for i in range(1, 5)]
    page = Page(Capture(text="\n".join(line.text for line in lines)), lines)
    page._title_line_known = title_known
    page.label_found("mine", lines[1:], found, **given)
    decisions = [decision for line in lines for decision in line.decisions]
    assert all(type(decision) is cleanse.Decision and gc.is_tracked(decision)
               for decision in decisions)
    return repr([line.decisions for line in lines]), page._title_line_known


@built
@pytest.mark.parametrize("found, given", [
    ([(0, "r", Category.CHROME, 0.6, "why"), (2, "s", Category.NAV, 0.12345, "")], {}),
    ([(1, "a"), (1, "b"), (0, "c")], {"rule": "x", "category": Category.AD, "score": 0.7}),
    ([(0, "menu_line", "m"), (2, "menu_run", "n")],
     {"category": Category.NAV, "score": {"menu_line": 0.75, "menu_run": 0.7}}),
    # Scores Python rounds its own way: ints, a numpy float, negative, NaN, infinite, -0.0,
    # huge, tiny, ties.
    ([(0, "r", s, "why") for s in (1, True, np.float64(0.12345), -0.3335, math.nan, math.inf,
                                   -math.inf, -0.0, 0.0, 1e300, 5e-324, 0.0005, 0.0015, 2.675,
                                   0.1 + 0.2, 1 / 3)], {"category": Category.SHARE}),
    ([(2, "r", Category.TITLE, 0.9, "title")], {}),
    ([(0, "r", 0.9, "title")], {"category": Category.TITLE}),
    ([], {"category": Category.TITLE}),
    ([[1, "list", 0.5, "items as lists"]], {"category": Category.META}),
    ((item for item in [(0, "generated", 0.25, "a generator")]), {"category": Category.META}),
])
def test_label_found_is_the_references(found, given):
    """The core's labels: the same decisions, scores rounded by Python's round (of the same
    type), the title line forgotten only when a TITLE decision was added."""
    found = list(found)
    for known in (True, False):
        with native.use_native(False):
            expected = _labelled_decisions(found, given, known)
        assert _labelled_decisions(found, given, known) == expected


@built
def test_label_found_of_other_sequences_is_the_references():
    """Content that is not a list is labelled by the reference (the core takes lists)."""
    lines = [Line(i, "x", line_features("x")) for i in range(1, 4)]
    page = Page(Capture(text="x\nx\nx"), lines)
    page.label_found("mine", tuple(lines), [(-1, "r", 0.5, "last")], category=Category.AD)
    page.label_found("mine", lines, [(-3, "r", 0.5, "first")], category=Category.AD)
    assert [line.decisions for line in lines] == [
        [cleanse.Decision("mine", "r", Category.AD, 0.5, "first")], [],
        [cleanse.Decision("mine", "r", Category.AD, 0.5, "last")]]


@built
def test_label_found_raises_the_references_errors():
    cases = [([(5, "r", Category.AD, 0.5, "")], {}, IndexError),
             ([(0, "other", "")], {"category": Category.NAV, "score": {"menu_line": 0.75}},
              KeyError),
             ([(0, "r", Category.AD, "x", "")], {}, TypeError)]
    for found, options, error in cases:
        with native.use_native(False), pytest.raises(error):
            _labelled_decisions(found, options)
        with pytest.raises(error):
            _labelled_decisions(found, options)


def _keyword_groups() -> list[list[str]]:
    return [words for section in _all_vocabulary().values() for words in section.values()]


def _keyword_answers(matcher: Keywords, text: str, replacement: str = " ") -> tuple:
    """Everything a detector asks a keyword group about ``text``."""
    return (matcher.search(text), matcher.startswith(text), matcher.findall(text),
            matcher.remove(text, replacement))


@built
def test_every_vocabulary_group_on_seed_lines():
    matchers = [Keywords(words) for words in _keyword_groups()]
    lines = [line for line in _seed_lines() if line.strip()]
    texts = lines + [line.upper() for line in lines[:50]]
    for matcher in matchers:
        assert_core_agrees(partial(_keyword_answers, matcher), texts)


KEYWORD_WORDS = sorted({w for group in _keyword_groups() for w in group})


@built
@settings(max_examples=800, deadline=None)
@given(st.lists(st.sampled_from(KEYWORD_WORDS) | st.sampled_from(PIECES)
                | st.text(alphabet=string.ascii_letters + "'’.- _", max_size=4), max_size=12)
       .map("".join),
       st.lists(st.sampled_from(KEYWORD_WORDS), min_size=1, max_size=6))
def test_generated_keyword_matches(text, words):
    """Invented groups too: overlapping words, words that are prefixes of others."""
    for matcher in (Keywords(words), Keywords([w[:3] for w in words] + words)):
        assert_core_agrees(partial(_keyword_answers, matcher, replacement="_"), [text])


def test_ascii_case_variants_are_the_letters_own():
    """The core takes the ASCII characters ``regex`` matches for a letter when ignoring case
    to be the letter and its capital (native/src/pattern.rs, date_can_start)."""
    cases = native.character_tables()[6]
    for letter, variants in zip(string.ascii_lowercase, cases):
        assert {c for c in variants if c.isascii()} == {letter, letter.upper()}


# The blocks the core lowercases itself (native/src/text.rs CASELESS), with ASCII.
CASELESS = [(0x2000, 0x206F), (0x3000, 0x30FF), (0x3400, 0x4DBF), (0x4E00, 0x9FFF),
            (0xAC00, 0xD7A3)]


def test_caseless_blocks_are_caseless():
    """``str.lower`` of the running Python leaves every character of the blocks the core
    lowercases itself as it is."""
    for low, high in CASELESS:
        block = "".join(map(chr, range(low, high + 1)))
        assert block.lower() == block


@built
def test_text_of_ascii_and_caseless_characters():
    """Lowered by the core (keyword scans, passes, match keys) or by Python (a character of
    another block, fullwidth capitals, a long s), the same answers."""
    texts = ["相关NEWS 新闻", "評論 Comments（12）", "—SHARE—", "ＳＨＡＲＥ 分享", "ニュース TOP",
             "뉴스 MORE", "\u3000Related\u3000阅读", "Ｒｅｌａｔｅｄ", "Share ſ 分享",
             "İSTANBUL 新闻", "相关阅读：", "READ MORE »"]
    texts += [f"{text} {chr(low)}{chr(high)}" for text in texts[:3] for low, high in CASELESS]
    matchers = [Keywords(words) for words in _keyword_groups()]
    for matcher in matchers:
        assert_core_agrees(partial(_keyword_answers, matcher), texts)
    assert_same_text_ops(texts)


# Detectors whose whole pass the core runs (cleanse.native.detector_pass).
PORTED_DETECTORS = ["chrome", "duplicates", "related_lists", "menus", "headline_runs",
                    "main_region", "title", "newsletter", "breadcrumbs", "dateline", "share",
                    "author_bio", "promo"]


def _page_before(pipeline: cleanse.Pipeline, name: str, capture: Capture) -> Page:
    """``capture``'s page labelled by the pipeline's detectors that run before ``name``."""
    page = Page.from_capture(capture)
    for detector in pipeline.detectors:
        if detector.name == name:
            break
        detector.detect(page)
    return page


def assert_same_decisions(detector, pages: Iterable[Page]) -> int:
    """``detector`` labels each page alike with the core and with the reference (compared by
    ``repr`` too, so a 1 cannot pass for 1.0) and leaves it the same title; the number of
    decisions it made."""
    made = 0
    for page in pages:
        twin = copy.deepcopy(page)
        before = sum(len(line.decisions) for line in page.lines)
        detector.detect(page)
        with native.use_native(False):
            detector.detect(twin)
        got = [line.decisions for line in page.lines]
        expected = [line.decisions for line in twin.lines]
        assert got == expected and repr(got) == repr(expected), page.capture.source
        assert page.title == twin.title, page.capture.source  # the title detector sets it
        made += sum(len(line.decisions) for line in page.lines) - before
    return made


def _seed_and_bench_captures() -> list[Capture]:
    """The seeds, and every 8th bench page as HTML and as its cached text rendering."""
    captures = [to_capture(path) for path in sorted((FIXTURES / "seeds").glob("*.txt"))]
    for page in sorted(BENCH.glob("*/*.html"))[::8]:
        captures.append(to_capture(page))
        rendering = RENDERINGS / page.parent.name / (page.stem + ".txt")
        if rendering.is_file():
            captures.append(to_capture(rendering.read_text("utf-8"), kind="text"))
    return captures


# An article closing with author bios, about boxes and a company's boilerplate.
BIO_PAGE = "\n".join([
    "Jane Doe, reporting from Oslo",
    "The council met on Tuesday to discuss the new budget for the coming year and agreed.",
    "Members said the plan would be published next month, after a final public hearing.",
    "The mayor, who proposed the plan in March, said she expected it to pass easily enough.",
    "Several residents spoke against it, saying the new taxes would fall hardest on renters.",
    "A second ordinary paragraph that is long enough not to be a link and ends like one.",
    "Molly Wood (@mollywood) is a contributing editor.",
    "Jane Doe is a freelance writer living in Minneapolis. She covers cities.",
    "作者简介：王小明，资深记者。", "About the author", "Jane Doe writes about cities.",
    "She lives in Oslo.", "Follow | Read more", "ABOUT Jane Doe:",
    "Jane Doe covers housing for the paper.", "Her book is out.", "Meet John Roe",
    "Élodie Ünal was a reporter in Lyon.", "About Town",
    "An ordinary paragraph that is long enough not to be a link and ends like a sentence.",
    "Acme Widgets is a global provider of widgets and services for many industries, Inc.",
    "Acme Widgets also makes gadgets and sells them in many countries around the world each year.",
])

# Pages the core must also agree on: empty, blank, lone surrogates, very long lines, CJK,
# right-to-left text, control characters, markup, colons, brackets and arrows.
TRICKY_PAGES = [
    "", "\n\n", " \t\n\u3000", "x", "\ud800", "Home \udfff About\nnext: \ud83d story",
    "word " * 30_000, "字" * 150_000 + "。", "<div>" * 30_000, "© 2024 " + "a" * 200_000,
    "مرحبا بالعالم\nשלום עולם: טל׳ 03\nحقوق النشر © 2024 جميع الحقوق محفوظة",
    "\x00\x01\x1f\x7f\x85\n\u200e\u200f\u202e text \u2066",
    "<SCRIPT SRC=\"x.js\"></SCRIPT>\n&lt;span class=\"x\"&gt;hi&lt;/span&gt;\n<p>",
    "Tel: 123 Fax: 456 E-mail: a@b.c\n电话：123 传真：456\nPhoto: AP / Reuters",
    "A caption (Image: GETTY)\nIn this Dec. 12, 2006, file photo, a man.\nJ. Smith / AP file",
    "新闻 阅读全文 >>\n展开 ›\n全文 >> >\n返回顶部\n×\nLoad more\n打印 关闭",
    "Enjoyed this article?\nSubscribe to our newsletter\nIt's free\nBreaking News Emails\n"
    "Get breaking news alerts\nSIGN UP\n喜欢这篇文章？\n点击关注\n每周精选完全免费随时退订\n",
    "首页 > 科技 > 正文\nHome / World / Asia\nsrc/app/main.rs\nhttps://a.b/c/d\na > b > c >> d.\n"
    "News » Sport » Football Transfers In The Summer Window | Rumours\n",
    "Subscribe No thanks\nWe use cookies. Accept all\nPrivacy Policy | Terms\n下一篇：标题",
    "# Heading\n```\n}\n<div>\n```\n| a | b |\n|---|---|\nKELVIN \u212a Ǆ ß İ ſ",
    "2019-11-20 Our reporters in the field\nNov. 20, 2019, 9:28 AM UTC\nBy Jane Doe and John Roe\n"
    "作者：王小明 来源：新华网 编辑：李四\nſource: Reuters\nPosted by J. Doe on 2019-11-20\n"
    "1,234 likes\n3.2万 评论\n12 LıKES\nShare: Facebook | Twitter | Email 0\n分享至 微博 微信\n"
    "Share · Tweet · Email\n分享到：（微博）、微信【12】\nSHARE 1.2k+ shares\n",
    *[BIO_PAGE, BIO_PAGE.replace("Jane Doe writes", "Jane Doe\ud800 writes")],
    # Dated list items in a run (a "Recent Comments" widget) and a thread's dated headers.
    "I write about cities and the people who plan them, and I have done so for twenty years "
    "in three countries and many more towns.\n"
    "I write about towns and the people who plan them, and I have done so for twenty years "
    "in four countries and many more cities.\n"
    "Recent Comments\n* Jane on Rail line (March 3, 2024)\n* Mo on Rail line (March 4, 2024)\n"
    "* Bo on Bus fares (March 5, 2024)\nRail line\nThe council approved the rail line.\n"
    "Comments\n* Ann on March 3, 2024 at 4:11 pm said:\nThanks, a good read.\n"
    "* Cy on March 4, 2024 at 4:11 pm said:\nA good read, thanks.\n",
    "Buy Bitcoin now at example.com\n以最优惠的价格买卖您的加密货币，立即注册\n"
    "[Bitcoin and crypto trading](http://example.com/\ud800)\nCRYPTO Exchange: www.exchange.io\n",
]


def _tricky_captures() -> list[Capture]:
    """The tricky pages as text, and once as HTML with a title and DOM hints (repeated
    structures, main content, a code block)."""
    captures = [Capture(text, source=f"tricky {i}") for i, text in enumerate(TRICKY_PAGES)]
    lines = ["Breaking: News 24", "Colour: red", "Colour: red", "Photo: AP", "Photo: AP",
             "print(1)", "print(1)", "Question:", "A long answer that goes on for a while.",
             "Question:", "A long answer that goes on for a while.", "BREAKING news 25",
             "\ud800 x \ud800", "\ud800 x \ud800", "Σ ΟΔΟΣ 12", "σ οδος 13"]
    hints = [{}, {"signature": "div.card"}, {"signature": "div.card"}, {}, {"main_content": 1},
             {"block": 1, "tag": "pre"}, {"block": 1, "tag": "pre"}, {}, {}, {}, {}, {},
             {"signature": 0}, {"signature": ""}, {}, {}]
    captures.append(Capture("\n".join(lines), source="tricky html", kind="html",
                            metadata={"title": "Breaking: news 25"}, line_hints=hints))
    # Comment headings in a sidebar, in a comments container, above and below the title
    # heading, one inside an <article> (related_lists' furniture and title conditions).
    prose = "<p>I write about cities and the people who plan them, for twenty years now.</p>"
    widget = ("<h2>Recent Comments</h2><ul>" + "<li>Jane on a post (March 3, 2024)</li>" * 3
              + "</ul>")
    thread = ('<div id="comments"><h2>3 Comments</h2>'
              + "<p>Ann says:</p><p>March 3, 2024 at 4:11 am</p><p>Thanks, a good read.</p>" * 3
              + "</div>")
    html = ("<html><head><title>Rail line</title></head><body>"
            f'<div class="sidebar">{prose * 2}{widget}</div><div>{prose * 2}{widget}</div>'
            "<main><h1>Rail line</h1>" + prose * 3 + f"<article>{widget}</article></main>"
            f'<div class="widget">{widget}</div>{thread}</body></html>')
    captures.append(to_capture(html, source="tricky comment headings", kind="html"))
    return captures


@built
@pytest.mark.parametrize("name", PORTED_DETECTORS)
def test_ported_detector_alone_on_seeds_bench_and_tricky_pages(name):
    pipeline = cleanse.Pipeline()
    detector = next(d for d in pipeline.detectors if d.name == name)
    captures = _seed_and_bench_captures() + _tricky_captures()
    made = assert_same_decisions(detector, (_page_before(pipeline, name, capture)
                                            for capture in captures))
    # The pages exercise the detector's rules: with the bench (../shared) all of them, without
    # it (a checkout on its own) the seeds and the tricky pages some of them.
    assert made > (20 if BENCH.is_dir() else 0)


# Thresholds and keyword groups unlike the defaults, per ported detector: configuration must
# reach the core as it reaches the reference.
CONFIGURED = {
    "chrome": {"max_button_tokens": 12, "max_footer_tokens": 3, "max_banner_tokens": 500,
               "max_credit_tokens": 2.5, "max_caption_tokens": 200, "min_markup_share": 0.1,
               "keywords": {**_all_vocabulary()["chrome"], "whole_line": ["more", "关闭"],
                            "cookies": ["biscuit"], "credit_prefixes": ["photo"],
                            "caption_openings": [r"^a\b"]}},
    "duplicates": {"max_tokens": 500, "min_key_chars": 1, "long_sentence_tokens": 3,
                   "min_value_digit_share": 0.05},
    "related_lists": {"max_heading_tokens": 30, "max_comment_heading_tokens": 5,
                      "max_inline_tokens": 8, "long_paragraph_tokens": 12,
                      "long_sentence_tokens": 9.5, "comments_after_share": 0.2,
                      "min_prose_before_comments": 5, "thread_window": -3,
                      "min_thread_dates": 1,
                      "keywords": {**_all_vocabulary()["related_lists"],
                                   "list_headings": ["news", "更多"],
                                   "list_heading_patterns": [r"more\s+\w+", r"(a)\1"]}},
    "menus": {"min_items": 2, "min_run": 2.5, "max_item_chars": 30, "max_item_words": 1,
              "long_row_items": 3, "long_row_item_chars": 2, "max_long_row_exceptions": 0.5,
              "keywords": {"sections": ["home", "über uns", "ǅ"]}},
    "headline_runs": {"min_run_lines": 2, "min_dated_lines": 1, "min_dated_share": 0.5,
                      "min_headline_share": 0.9, "min_tagged_lines": 1, "min_counted_lines": 2,
                      "min_glued_lines": 1, "min_glued_summary_words": 2,
                      "max_teaser_chars": 60, "max_section_label_tokens": 0},
    "main_region": {"content_tokens": 3, "content_weight": 2, "short_penalty": 0.25,
                    "junk_penalty": 1, "junk_token_weight": 0.1, "max_lead_lines": 3,
                    "max_inline_junk_lines": 0, "story_box_penalty": 0.3,
                    "min_closing_items": 1, "max_list_heading_tokens": 40},
    "title": {"lookback": -2, "max_tokens": 5, "min_match_chars": 1},
    "newsletter": {"max_tokens": 8, "max_prose_tokens": 3, "max_weak_sentence_tokens": 40,
                   "max_button_tokens": 12, "max_pitch_lines": 5, "max_pitch_tokens": 3,
                   "keywords": {**_all_vocabulary()["newsletter"], "cta": ["the", "今天"]}},
    "breadcrumbs": {"min_crumbs": 2, "max_crumb_tokens": 1, "keywords": {"home": ["科技", "news"]}},
    "dateline": {"max_tokens": 6.5, "max_byline_tokens": 2,
                 "keywords": {"dateline_words": ["updated", "更新", "on"],
                              "byline_words": ["by", "photo", "文"]}},
    "author_bio": {"max_bio_tokens": 12, "max_company_tokens": 9.5, "min_prose_share": 0,
                   "max_box_lines": 0, "max_box_link_tokens": 2,
                   "keywords": {"professions": ["writer", "is"], "headings": ["about", "关于"],
                                "labels": ["jane", "作者"], "organisations": ["a", "company"]}},
    "promo": {"max_tokens": 9, "base_score": 0, "per_term": 0, "cta_bonus": 1, "domain_bonus": 0,
              "sentence_penalty": 2,
              "keywords": {"vocabulary": ["bitcoin", "the", "交易"], "cta": ["now", "a"]}},
    "share": {"max_tokens": 3.5, "keywords": {"tokens": ["share", "微博", "k", "1", "|", "分享"]}},
}


@built
@pytest.mark.parametrize("name", PORTED_DETECTORS)
def test_ported_detector_configured_otherwise(name):
    detector = detector_class(name)(**CONFIGURED[name])
    pipeline = cleanse.Pipeline()
    captures = [to_capture(path) for path in sorted((FIXTURES / "seeds").glob("*.txt"))]
    captures += _tricky_captures()
    assert_same_decisions(detector, (_page_before(pipeline, name, capture)
                                     for capture in captures))


# Pieces that reach the ported detectors' own patterns: Title Case headlines glued to their
# summaries or datelines, counts, portal tags, menu bars.
PAGE_PIECES = ["Title", "Case", "RunDenny", "The", "of", " NEW YORK: ", " US ", "(12)", "（3）",
               "[法制]", "【热点】", "(组图)", "(图)", "Autos", " | ", "·", "Home", "News",
               "Ǆemal", "ÉCOLE", "展开", "全文 >>", "©", "Tel:", "Fax：", "<div>", "&lt;b&gt;",
               # bylines, credits and datelines
               "作者：", "来源：", "编辑 ", "Source: ", "ſource:", "Edited by ", "By ", "记者 ",
               "王小明", "Jane Doe", "Posted on ", "Nov. 20, 2019", "2005年3月11日 12:12",
               # counters and share bars
               "1,234", "2.5", "likes", "LıKES", "评论", "万", "+", "Share", "微博", "0", " · ",
               "、",
               # author boxes and company boilerplate
               "About ", "Meet ", " is a ", "He ", "She ", "Acme, Inc. is a", " was ",
               " joined ", " (@jdoe)", "作者简介：", "reporter", "provider",
               # promos
               "buy now", "Bitcoin", "example.com", "加密货币"]


@built
@pytest.mark.parametrize("name", PORTED_DETECTORS)
def test_ported_detectors_read_unusual_decisions(name):
    """Earlier decisions with NaN and integer scores, categories given by their value, meta
    lines: the passes that read decisions read them as the reference does."""
    pipeline = cleanse.Pipeline()
    detector = next(d for d in pipeline.detectors if d.name == name)
    odd = [cleanse.Decision("x", "r", Category.AD, float("nan"), ""),
           cleanse.Decision("x", "r", Category.AD, 1, ""),
           cleanse.Decision("x", "r", "nav", 0.9, ""),
           cleanse.Decision("x", "r", Category.META, 0.8, ""),
           cleanse.Decision("related_lists", "r", Category.TRENDING, 0.7, "")]
    pages = []
    for path in sorted((FIXTURES / "seeds").glob("*.txt")):
        page = _page_before(pipeline, name, to_capture(path))
        for i, line in enumerate(page.content_lines()):
            if i % 3:
                line.decisions.append(odd[i % len(odd)])
        pages.append(page)
    assert_same_decisions(detector, pages)


def _detector_words(name: str) -> list[str]:
    return [w for words in _all_vocabulary().get(name, {}).values() for w in words] + PAGE_PIECES


@built
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_ported_detectors_on_generated_pages(data):
    """Pages of lines built from each detector's keywords and the pieces of the patterns."""
    pipeline = cleanse.Pipeline()
    for name in PORTED_DETECTORS:
        piece = st.sampled_from(_detector_words(name)) | st.sampled_from(PIECES) \
            | st.text(max_size=4)
        lines = data.draw(st.lists(st.lists(piece, max_size=10).map("".join), max_size=8))
        if lines:  # and repeats of some
            lines += data.draw(st.lists(st.sampled_from(lines), max_size=6))
        detector = next(d for d in pipeline.detectors if d.name == name)
        page = _page_before(pipeline, name, Capture("\n".join(lines)))
        assert_same_decisions(detector, [page])


def _records(value, **options) -> str:
    doc = cleanse.clean(value, **options)
    return record_json(doc.to_dict())


def _captures() -> list[Path]:
    """The seeds, the encoding fixtures and, when present, every 40th bench page."""
    expected = json.loads((FIXTURES / "encodings" / "expected.json").read_text("utf-8"))
    captures = sorted((FIXTURES / "seeds").glob("*.txt"))
    captures += [FIXTURES / "encodings" / name for name in sorted(expected)]
    if BENCH.is_dir():
        captures += sorted(BENCH.glob("*/*.html"))[::40]
    return captures


@built
@pytest.mark.parametrize("path", _captures(), ids=lambda p: f"{p.parent.name}/{p.name[:20]}")
def test_whole_records_are_byte_identical(path):
    with native.use_native(False):
        expected = _records(path)
    assert _records(path) == expected


def test_a_matcher_sent_to_another_process_registers_its_words_there(monkeypatch):
    """Ray actors and worker processes unpickle detectors built elsewhere."""
    import pickle

    from cleanse.detectors import vocabulary

    sent = pickle.dumps(vocabulary.Keywords(["subscribe to our", "订阅"]))
    monkeypatch.setattr(vocabulary, "_GROUPS", vocabulary._Groups())  # a fresh process
    vocabulary.Keywords(["something else"])  # which registers its own groups first
    received = pickle.loads(sent)
    assert received.search("Please SUBSCRIBE to our newsletter") == "subscribe to our"
    assert received.search("欢迎订阅本刊") == "订阅"
