"""The arbiter's judging steps by the native core give what the Python reference gives.

``_decide_runs_whole`` (the core's ``runs_whole``) against ``_decide_runs_whole_reference``:
the lines kept, on the seeds and on cached bench renderings (text and innerText) at several
thresholds, on generated pages (decisions of every category, its value as a plain string,
integer and NaN scores, ties, region rules, hard decisions, shapes) and, bit for bit, the
length-weighted mean numpy computes (runs of every length up to 300 and past numpy's
blocks), read off by thresholds on either side of the reference's value.
"""

from __future__ import annotations

import math
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanse
from cleanse import native
from cleanse.deciding import arbiter
from cleanse.deciding.evidence import COLUMN, FEATURES, page_features, shape_arguments
from cleanse.features import line_features
from cleanse.model import Category, Decision, Line
from cleanse.reading.capture import to_capture

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "fixtures"
CACHE = ROOT / "benchmarks" / ".cache"

built = pytest.mark.skipif(native.core is None, reason="cleanse._native is not built")
SHAPE_NAMES = ("mostly_date", "heading_markup", "list_item", "link_like", "markdown_links")


def _kept(lines, rows, hard, probabilities, keep, threshold, reference: bool) -> list[bool]:
    keep = list(keep)
    if reference:
        arbiter._decide_runs_whole_reference(lines, rows, hard, probabilities, keep, threshold)
    else:
        with native.use_native(True):
            arbiter._decide_runs_whole(lines, rows, hard, probabilities, keep, threshold)
    return keep


def assert_same_runs(lines, rows, hard, probabilities, threshold) -> bool:
    """The same lines kept both ways; whether the runs changed any."""
    keep = [h is None and p >= threshold for h, p in zip(hard, probabilities.tolist())]
    expected = _kept(lines, rows, hard, probabilities, keep, threshold, reference=True)
    got = _kept(lines, rows, hard, probabilities, keep, threshold, reference=False)
    assert got == expected
    assert all(type(k) is bool for k in got)
    return got != keep


def _pages() -> list[Path]:
    paths = sorted((FIXTURES / "seeds").glob("*.txt"))
    for kind in ("renderings", "innertext"):
        paths += sorted((CACHE / kind).glob("*/*.txt"))[::6]
    return paths


@built
def test_runs_on_seed_and_bench_pages():
    pipeline = cleanse.Pipeline()
    model = arbiter.load_model(pipeline.arbiter.model)
    pages = changed = 0
    for path in _pages():
        page = pipeline.label(to_capture(path, kind="text"))
        lines, rows = page_features(page)
        if not lines:
            continue
        probabilities = model.for_page(rows).keep_probabilities(rows)
        hard = [arbiter._hard_decision(line) if line.decisions else None for line in lines]
        for threshold in (0.3, 0.5, 0.7):
            changed += assert_same_runs(lines, rows, hard, probabilities, threshold)
        pages += 1
    assert pages >= 5
    # Runs were found and decided, so this was not an empty comparison: the seeds alone hold
    # no run, so a checkout without the bench's renderings (CI) counts on the generated pages.
    if len(_pages()) > len(list((FIXTURES / "seeds").glob("*.txt"))):
        assert changed >= 3


def _line(text: str, decisions: list) -> Line:
    return Line(1, text, line_features(text), decisions, {})


def _rows(shapes: list[tuple[float, tuple[float, ...]]]) -> np.ndarray:
    rows = np.zeros((len(shapes), len(FEATURES)))
    for i, (log_tokens, flags) in enumerate(shapes):
        rows[i, COLUMN["log_tokens"]] = log_tokens
        for name, flag in zip(SHAPE_NAMES, flags):
            rows[i, COLUMN[name]] = flag
    return rows


CATEGORIES = [*Category, "boilerplate", "meta", "nav"]  # (a value as a plain string too)
DETECTORS = ["menus", "main_region", "dom_hints", "related_lists"]
RULES = ["menu_run", "outside_region_before", "boilerplate_container", "comment_section",
         "list_item"]
SCORES = [0.5, 0.7, 0.7, 0.9, 1, 0, math.nan, 0.7000000000000001, True]

decision = st.builds(lambda d, r, c, s: Decision(d, r, c, s, "why"),
                     st.sampled_from(DETECTORS), st.sampled_from(RULES),
                     st.sampled_from(CATEGORIES), st.sampled_from(SCORES))
# A line: its text, its decisions, its hard decision (or None) and its shape columns.
line_spec = st.tuples(
    st.text(alphabet="ab c\u4e00", max_size=12),
    st.lists(decision, max_size=3),
    st.one_of(st.none(), st.none(), decision),
    st.sampled_from([0.0, math.log1p(2), math.log1p(3), math.log1p(10), math.log1p(40),
                     math.log1p(50), math.nan]),
    st.tuples(*(st.sampled_from([0.0, 0.0, 1.0, 0.5, -1.0, math.nan]) for _ in SHAPE_NAMES)),
    st.sampled_from([0.0, 0.2, 0.49, 0.5, 0.51, 0.9, 1.0, 0.123456789]))


@built
@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.tuples(line_spec, st.integers(1, 6)), max_size=12),
       st.sampled_from([0.3, 0.5, 0.5000000000000001, 0.7]))
def test_generated_runs(blocks, threshold):
    """Lines repeated in blocks (so runs of one key are common), with every kind of decision."""
    specs = [spec for spec, times in blocks for _ in range(times)]
    lines = [_line(text, list(decisions)) for text, decisions, *_ in specs]
    hard = [h for _, _, h, *_ in specs]
    rows = _rows([(log_tokens, flags) for *_, log_tokens, flags, _ in specs])
    probabilities = np.array([p for *_, p in specs], dtype=np.float64)
    assert_same_runs(lines, rows, hard, probabilities, threshold)


@built
def test_decisions_of_another_type_go_to_the_reference():
    """A plain tuple is not a Decision (the reference reads ``decision.category``): None."""
    lines = [_line("x", [("menus", "menu_run", Category.NAV, 0.5, "why")]) for _ in range(3)]
    rows = _rows([(0.0, (0.0,) * len(SHAPE_NAMES))] * 3)
    probabilities = np.full(3, 0.5)
    assert native.core.runs_whole(
        lines, [None] * 3, *shape_arguments(rows), probabilities.tobytes(), 0.5, arbiter.RUN_LINES,
        Category.META, arbiter.JUNK_CATEGORIES, arbiter.REGION_RULES, Decision) is None
    with pytest.raises(AttributeError):  # (the reference's own answer)
        arbiter._decide_runs_whole(lines, rows, [None] * 3, probabilities, [True] * 3, 0.5)


@built
@pytest.mark.parametrize("n", [*range(3, 300), 1023, 1024, 1031, 8191, 8192, 8193, 8200,
                               20011])
def test_run_means_are_numpys_bit_for_bit(n):
    """One run of ``n`` lines: the native mean is ``np.average``'s to the bit -- kept at a
    threshold of exactly the reference's mean, removed one float above it."""
    rng = np.random.default_rng(n)
    probabilities = rng.random(n)
    lengths = rng.integers(0, 400, n)
    lines = [_line("a" * int(k), [Decision("menus", "menu_run", Category.NAV, 0.5, "why")])
             for k in lengths]
    rows = _rows([(math.log1p(3), (0.0,) * len(SHAPE_NAMES))] * n)
    mean = float(np.average(probabilities, weights=[1 + int(k) for k in lengths]))
    hard = [None] * n
    for threshold, kept in ((mean, True), (math.nextafter(mean, 2.0), False)):
        keep = _kept(lines, rows, hard, probabilities, [False] * n, threshold, reference=False)
        assert keep == [kept] * n
        assert keep == _kept(lines, rows, hard, probabilities, [False] * n, threshold,
                             reference=True)
