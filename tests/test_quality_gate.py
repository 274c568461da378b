"""Quality gate: cleanse's cross-validated token F1 on a fixed subset of ../shared/bench.

The subset is every page of cwced_zh, every 2nd of scrapinghub_aeb and every
8th of each wcxb_dev page type, in id order (``quality.stratified_sample``):
picked by rule, not by score; about 350 pages, a minute or two on 2 cores
(all 1,747 take about six). As in ``benchmarks/quality.py``, each page is
cleaned by the fold model that was not trained on it (``training.crossval``),
so the gate measures generalisation, not the fit. Text captures come from the
rendering cache when it is filled, else they are rendered here.

The floors are the targets of issue 14, which are about all pages; the ones
not met yet are marked xfail (not strict). An XPASS on this subset (it is
within about 0.02 of the full run on wcxb_dev) says to check the full run
before dropping the mark. Skipped when the benchmark data is not next to the
project, or when the cross-validation models have not been trained here
(`python -m training.train --folds-only`; CI never trains).
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"
EVERY = {"cwced_zh": 1, "scrapinghub_aeb": 2, "wcxb_dev": 8}
FLOORS = {
    ("cleanse (html)", "cwced_zh"): 0.94,
    ("cleanse (html)", "scrapinghub_aeb"): 0.97,
    ("cleanse (html)", "wcxb_dev"): 0.90,
    ("cleanse (text)", "cwced_zh"): 0.93,
    ("cleanse (text)", "scrapinghub_aeb"): 0.93,
    ("cleanse (text)", "wcxb_dev"): 0.86,
}
# Measured over all pages (5 folds): html 0.926 / 0.947 / 0.848, text 0.908 / 0.897 / 0.812.
NOT_MET_YET = {
    ("cleanse (html)", "cwced_zh"), ("cleanse (html)", "scrapinghub_aeb"),
    ("cleanse (html)", "wcxb_dev"), ("cleanse (text)", "cwced_zh"),
    ("cleanse (text)", "scrapinghub_aeb"), ("cleanse (text)", "wcxb_dev"),
}

pytestmark = pytest.mark.skipif(not BENCH.exists(), reason=f"no benchmark data at {BENCH}")


@pytest.fixture(scope="module")
def gate():
    """(subset pages, system -> page key -> score) for cleanse on the gate's subset."""
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from quality import load_pages, pipelines_for, score_pages, stratified_sample

    try:
        pipelines = pipelines_for("balanced", shipped_model=False)
    except FileNotFoundError as exc:  # CI never trains: the fold models live in a local cache
        pytest.skip(str(exc))
    pages = [page for dataset, every in EVERY.items()
             for page in stratified_sample(load_pages(BENCH, [dataset]), every)]
    results, _ = score_pages(pages, pipelines, jobs=2, progress=False)
    return pages, results


@pytest.mark.parametrize(("system", "dataset"), [
    pytest.param(*key, marks=pytest.mark.xfail(strict=False, reason="target of issue 14"))
    if key in NOT_MET_YET else key for key in FLOORS])
def test_cross_validated_f1_meets_the_target(gate, system, dataset):
    from quality import by_dataset

    pages, results = gate
    f1 = by_dataset(results, pages)[(system, dataset)].f1
    assert f1 >= FLOORS[(system, dataset)], f"{system} on {dataset}: F1 {f1:.3f}"

