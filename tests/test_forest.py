"""The arbiter's trees evaluated without LightGBM give LightGBM's scores bit for bit.

The numpy reference (cleanse.deciding.forest) is compared with LightGBM on the shipped model
over real evidence rows (seeds, bench pages as HTML and as text renderings) and over rows
damaged with NaN, zeros, values around kZeroThreshold and extremes; the native core with the
reference; TreeSHAP with LightGBM's pred_contrib. LightGBM is a dev dependency (training):
cleaning never imports it.
"""

from __future__ import annotations

import gzip
import shutil
import subprocess
import sys
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import cleanse
from cleanse import native
from cleanse.deciding.arbiter import ModelError, load_model
from cleanse.deciding.evidence import page_features
from cleanse.deciding.forest import ZERO_THRESHOLD, Forest, ForestError, native_forest
from cleanse.reading.capture import to_capture

lightgbm = pytest.importorskip("lightgbm")

ROOT = Path(__file__).resolve().parent.parent
SHIPPED = Path(str(resources.files("cleanse") / "data" / "arbiter"))
BENCH = ROOT.parent / "shared" / "bench"
RENDERINGS = ROOT / "benchmarks" / ".cache" / "renderings"
built = pytest.mark.skipif(native.core is None, reason="cleanse._native is not built")


def _shipped_text() -> str:
    return gzip.decompress((SHIPPED / "model.txt.gz").read_bytes()).decode("utf-8")


@pytest.fixture(scope="module")
def shipped() -> tuple[Forest, object]:
    text = _shipped_text()
    return Forest(text), lightgbm.Booster(model_str=text)


def _captures() -> list[tuple[str, str | None]]:
    """(capture, kind): the seeds; when ../shared is here, every 25th bench page as HTML and
    as its cached text rendering."""
    captures = [(path.read_text("utf-8"), None)
                for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))]
    for page in sorted(BENCH.glob("*/*.html"))[::25]:
        captures.append((page.read_text("utf-8", errors="replace"), "html"))
        rendering = RENDERINGS / page.parent.name / (page.stem + ".txt")
        if rendering.is_file():
            captures.append((rendering.read_text("utf-8"), None))
    return captures


@pytest.fixture(scope="module")
def evidence_rows() -> np.ndarray:
    """Real evidence rows, in the shipped model's columns."""
    model = load_model()
    pipeline = cleanse.Pipeline()
    rows = [page_features(pipeline.label(to_capture(text, kind=kind)))[1][:, model.columns]
            for text, kind in _captures()]
    return np.vstack(rows)


def _damaged(rows: np.ndarray, seed: int = 0) -> np.ndarray:
    """Rows with a third of their values replaced by what trips missing-value handling."""
    rng = np.random.default_rng(seed)
    specials = np.array([np.nan, 0.0, -0.0, ZERO_THRESHOLD, -ZERO_THRESHOLD, 5e-36, -5e-36,
                         np.nextafter(ZERO_THRESHOLD, 1.0), 1e300, -1e300, np.inf, -np.inf,
                         1e-300])
    damaged = rows[rng.integers(0, len(rows), 3000)].copy()
    where = rng.random(damaged.shape) < 0.33
    damaged[where] = rng.choice(specials, size=int(where.sum()))
    return damaged


def test_reference_is_lightgbm_bit_for_bit_on_real_rows(shipped, evidence_rows):
    forest, booster = shipped
    assert len(evidence_rows) > 300
    assert np.array_equal(forest.raw_scores(evidence_rows),
                          booster.predict(evidence_rows, raw_score=True, num_threads=1))
    assert np.array_equal(forest.predict(evidence_rows),
                          booster.predict(evidence_rows, num_threads=1))


def test_reference_is_lightgbm_bit_for_bit_on_damaged_rows(shipped, evidence_rows):
    forest, booster = shipped
    rows = _damaged(evidence_rows)
    assert np.array_equal(forest.predict(rows), booster.predict(rows, num_threads=1))


def test_zero_as_missing_and_single_leaf_trees():
    """The shipped model has no splits that treat zero as missing; a model trained so has."""
    rng = np.random.default_rng(1)
    rows = rng.normal(size=(600, 4))
    rows[rng.random(rows.shape) < 0.3] = 0.0
    labels = ((rows[:, 0] == 0) | (rows[:, 1] > 0.5)).astype(float)
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "zero_as_missing": True,
                              "min_data_in_leaf": 5, "sigmoid": 0.7},
                             lightgbm.Dataset(rows, labels), num_boost_round=30)
    text = booster.model_to_string()
    forest = Forest(text)
    missing_types = (forest.decision_type >> 2) & 3
    assert (missing_types == 1).any()
    probe = _damaged(rows, seed=2)
    assert np.array_equal(forest.predict(probe), booster.predict(probe, num_threads=1))
    constant = lightgbm.train({"objective": "binary", "verbose": -1},
                              lightgbm.Dataset(rows, np.ones(len(rows))), num_boost_round=3)
    stump = Forest(constant.model_to_string())
    assert any(tree.nodes == 0 for tree in stump.trees)
    assert np.array_equal(stump.predict(probe), constant.predict(probe, num_threads=1))


def test_a_regression_model_gives_raw_scores_only():
    """The page-threshold model is a regression: its output is the raw score, bit for bit."""
    rng = np.random.default_rng(3)
    rows = rng.normal(size=(500, 3))
    target = rows[:, 0] - 0.5 * rows[:, 2] ** 2
    booster = lightgbm.train({"objective": "regression", "verbose": -1, "min_data_in_leaf": 5},
                             lightgbm.Dataset(rows, target), num_boost_round=25)
    forest = Forest(booster.model_to_string())
    probe = _damaged(rows, seed=4)
    assert np.array_equal(forest.raw_scores(probe), booster.predict(probe, num_threads=1))
    with pytest.raises(ForestError, match="regression"):
        forest.probabilities(forest.raw_scores(probe))


@built
def test_native_is_the_reference_bit_for_bit(shipped, evidence_rows):
    forest, _ = shipped
    # The core reads the model's features from given columns of wider rows.
    width = evidence_rows.shape[1] + 7
    columns = np.random.default_rng(3).permutation(width)[:forest.num_features]
    for rows in (evidence_rows, _damaged(evidence_rows, seed=4)):
        wide = np.full((len(rows), width), 123.0)
        wide[:, columns] = rows
        scores = native_forest(forest, columns).predict(wide.tobytes(), width)
        assert np.array_equal(np.array(scores), forest.raw_scores(rows))


def _ties(forest: Forest, rows: np.ndarray, seed: int) -> np.ndarray:
    """Rows with a third of their values set to a threshold the model splits that feature at,
    or the float just above or below it (where ``<=`` and sorting by threshold could slip)."""
    rng = np.random.default_rng(seed)
    tied = rows[rng.integers(0, len(rows), 2000)].copy()
    for feature in range(forest.num_features):
        thresholds = forest.threshold[forest.split_feature == feature]
        if len(thresholds):
            near = np.concatenate([thresholds, np.nextafter(thresholds, np.inf),
                                   np.nextafter(thresholds, -np.inf)])
            where = rng.random(len(tied)) < 0.33
            tied[where, feature] = rng.choice(near, size=int(where.sum()))
    return tied


def _every_missing_type(text: str, seed: int) -> str:
    """The model text with each split's decision type drawn from the six numerical ones
    (missing None, Zero or NaN; default left or right), so that a feature's splits mix them.
    The header's ``tree_sizes`` (byte counts LightGBM may read the trees by) is dropped."""
    rng = np.random.default_rng(seed)
    lines = [line for line in text.split("\n") if not line.startswith("tree_sizes=")]
    for i, line in enumerate(lines):
        if line.startswith("decision_type="):
            count = len(line.split("=")[1].split())
            lines[i] = "decision_type=" + " ".join(
                str(t) for t in rng.choice([0, 2, 4, 6, 8, 10], size=count))
    return "\n".join(lines)


@built
def test_native_is_lightgbm_on_ties_mixed_missing_types_and_wide_trees(evidence_rows):
    """The core scores by the splits each value fails (QuickScorer), trees of more than 64
    leaves by walking them: bit for bit LightGBM's scores on threshold ties, on features whose
    splits mix missing types, and on a model of 100-leaf trees beside small ones."""
    shipped = _every_missing_type(_shipped_text(), seed=8)
    rng = np.random.default_rng(9)
    rows = rng.normal(size=(3000, 5))
    rows[rng.random(rows.shape) < 0.1] = np.nan
    rows[rng.random(rows.shape) < 0.2] = 0.0
    target = ((rows[:, 0] > 0.3) ^ (np.nan_to_num(rows[:, 1]) * rows[:, 2] > 0)).astype(float)
    wide = lightgbm.train({"objective": "binary", "verbose": -1, "num_leaves": 100,
                           "min_data_in_leaf": 2, "max_bin": 15, "seed": 1},
                          lightgbm.Dataset(rows, target), num_boost_round=8).model_to_string()
    for text, real in ((shipped, evidence_rows), (wide, rows)):
        forest, booster = Forest(text), lightgbm.Booster(model_str=text)
        if text is wide:
            assert max(len(tree.leaf_value) for tree in forest.trees) > 64
            assert min(len(tree.leaf_value) for tree in forest.trees) <= 64
        probe = np.vstack([_ties(forest, real, seed=10), _damaged(real, seed=11)])
        expected = booster.predict(probe, raw_score=True, num_threads=1)
        assert np.array_equal(forest.raw_scores(probe), expected)
        core = native_forest(forest, np.arange(forest.num_features))
        assert np.array(core.predict(probe.tobytes(), probe.shape[1])).tobytes() == \
            expected.tobytes()


@built
def test_native_page_threshold_is_the_reference_bit_for_bit():
    """The page-threshold model's gains, from the core and from the reference, on the
    summaries of real pages' probabilities (and the threshold each chooses)."""
    from cleanse.deciding.arbiter import page_summary

    model = load_model()
    chooser = model.page_threshold
    assert chooser is not None and chooser.native is not None
    pipeline = cleanse.Pipeline()
    for text, kind in _captures():
        lines, rows = page_features(pipeline.label(to_capture(text, kind=kind)))
        probabilities = model.keep_probabilities(rows)
        weights = np.array([1.0 + line.features.tokens for line in lines])
        summary = page_summary(probabilities, weights, kind == "html")
        candidates = np.array([[*summary, c] for c in chooser.candidates])
        reference = chooser.forest.raw_scores(candidates)
        core = np.array(chooser.native.predict(candidates.tobytes(), candidates.shape[1]))
        assert core.tobytes() == reference.tobytes()
        chosen = chooser.choose(probabilities, weights, kind == "html")
        with native.use_native(False):
            assert chooser.choose(probabilities, weights, kind == "html") == chosen


@built
def test_native_refuses_rows_that_do_not_fit(shipped):
    forest, _ = shipped
    core = native_forest(forest, np.arange(forest.num_features))
    with pytest.raises(ValueError):
        core.predict(np.zeros((2, forest.num_features - 1)).tobytes(), forest.num_features - 1)
    with pytest.raises(ValueError):
        core.predict(b"\0" * 12, forest.num_features)
    assert core.predict(b"", forest.num_features) == []


def test_tree_shap_is_lightgbm_pred_contrib(shipped, evidence_rows):
    forest, booster = shipped
    rows = np.vstack([evidence_rows[::97][:4], _damaged(evidence_rows, seed=5)[:3]])
    expected = booster.predict(rows, pred_contrib=True, num_threads=1)
    contributions = forest.contributions(rows)
    assert contributions.shape == expected.shape
    assert np.allclose(contributions, expected, rtol=0, atol=1e-9)
    # SHAP values add up to the raw score.
    assert np.allclose(contributions.sum(axis=1), forest.raw_scores(rows), rtol=0, atol=1e-9)


@built
def test_native_tree_shap_is_lightgbm_pred_contrib(shipped, evidence_rows):
    forest, booster = shipped
    rows = np.vstack([evidence_rows[::5], _damaged(evidence_rows, seed=6)[:100]])
    core = native_forest(forest, np.arange(forest.num_features))
    contributions = np.array(core.contributions(rows.tobytes(), rows.shape[1]))
    expected = booster.predict(rows, pred_contrib=True, num_threads=1)
    assert np.allclose(contributions, expected, rtol=0, atol=1e-9)


def _replace_in_tree(text: str, field: str, new_line: str | None) -> str:
    """The model text with the first tree's ``field=`` line replaced (None: removed)."""
    lines = text.split("\n")
    at = next(i for i, line in enumerate(lines) if line.startswith(field + "="))
    if new_line is None:
        del lines[at]
    else:
        lines[at] = new_line
    return "\n".join(lines)


def _categorical(text: str) -> str:
    line = next(line for line in text.split("\n") if line.startswith("decision_type="))
    values = line.split("=")[1].split()
    return _replace_in_tree(text, "decision_type", "decision_type=" + " ".join(
        ["1"] + values[1:]))


DAMAGE = {
    "categorical split": (_categorical, "categorical"),
    "missing leaf values": (lambda t: _replace_in_tree(t, "leaf_value", None), "leaf_value"),
    "short thresholds": (lambda t: _replace_in_tree(t, "threshold", "threshold=0.5"),
                         "threshold"),
    "multiclass objective": (lambda t: t.replace("objective=binary sigmoid:1",
                                                 "objective=multiclass num_class:3"),
                             "objective"),
    "not a number": (lambda t: _replace_in_tree(t, "leaf_value", "leaf_value=x"), "number"),
    "a cycle": (lambda t: _replace_in_tree(t, "left_child", "left_child=" + " ".join(
        ["0"] + next(line for line in t.split("\n") if line.startswith("left_child="))
        .split("=")[1].split()[1:])), "tree"),
    "truncated": (lambda t: t[: len(t) // 2], "end of trees"),
}


@pytest.mark.parametrize("damage", sorted(DAMAGE))
def test_a_damaged_model_is_a_clear_config_error(tmp_path, damage):
    spoil, message = DAMAGE[damage]
    text = _shipped_text()
    damaged = spoil(text)
    assert damaged != text
    with pytest.raises(ForestError, match=message):
        Forest(damaged)
    other = tmp_path / "model"
    shutil.copytree(SHIPPED, other)
    (other / "model.txt.gz").write_bytes(gzip.compress(damaged.encode("utf-8")))
    with pytest.raises(cleanse.ConfigError, match=message):
        cleanse.Pipeline(cleanse.Config(arbiter_model=str(other)))
    with pytest.raises(ModelError):
        load_model(str(other))


def test_cleaning_imports_neither_lightgbm_nor_scikit_learn():
    code = ("import sys, cleanse\n"
            "doc = cleanse.Pipeline().clean('A headline\\n\\nHome | News\\n\\n'"
            " + 'The council approved the new line. ' * 9, explain=True)\n"
            "assert doc.text\n"
            "print(sorted({'lightgbm', 'sklearn', 'pandas'} & set(sys.modules)))\n")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          cwd=ROOT, check=True)
    assert done.stdout.strip() == "[]"
