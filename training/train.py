"""Train the arbiter: grouped cross-validation, calibration, and the shipped model.

    python -m training.train            # folds + the shipped model (cleanse/data/arbiter/)
    python -m training.train --folds-only
    python -m training.train --only main   # one of the two models (main or linked)
    python -m training.train --restamp     # the sources changed, the evidence did not
    python -m training.train --only-threshold  # the page-threshold models alone, from the
                                               # saved out-of-fold predictions

1. The training table (:mod:`training.dataset`): every line of ~1,750 pages
   (HTML, inscriptis text, browser innerText and markdown renderings) with its evidence
   and its aligned label.
2. Pages are split into ``FOLDS`` folds grouped by site (``BenchPage.group``),
   so that no site is on both sides of a split. For each fold a model is
   trained on the other folds and predicts the held-out pages; those
   out-of-fold predictions are the only ones any score is computed from.
   The fold models go to ``benchmarks/.cache/arbiter/fold-<k>/`` with
   ``folds.json`` (page key -> fold), which ``benchmarks/quality.py`` uses so
   that a page is only ever cleaned by a model that never saw its site.
3. Calibration: an isotonic map from the model's raw probability to the
   observed share of article lines, fitted on out-of-fold predictions
   (for fold k, only on pages outside fold k).
4. The page-threshold model (``cleanse.deciding.arbiter.PageThreshold``): for every
   page and rendering, the summary of its calibrated out-of-fold probabilities
   (``page_summary``) and, per candidate threshold, the line-aligned token F1 it
   gains over the base threshold; a small regression forest learns the gain. Fold
   k's is trained on the pages outside fold k, the shipped one on all of them.
5. Two models, each through steps 2-4 (:func:`train_route`): the main one, and the one
   for captures that mark their links (``linked/``; see ``LINKED``).
6. The shipped model is trained on every page with the same settings;
   ``manifest.json`` records the features, the parameters, the data it saw
   and the cross-validated line scores.

Deterministic: fixed seeds, LightGBM's deterministic mode, gzip without a
timestamp, so the same table gives the same bytes.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import json
import os
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import lightgbm
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from cleanse.deciding.arbiter import PAGE_SUMMARY, page_summary
from cleanse.deciding.evidence import FEATURES
from training.averaging import average_models
from training.corpus import PROJECT_ROOT
from training.dataset import KINDS, Table, load_or_build, source_hash, table_path

FOLDS = 5
# Where the fold models go and where benchmarks/quality.py (training.crossval) reads them.
# CLEANSE_FOLD_DIR points both elsewhere: one directory per training seed or variant, so that
# an A/B of evidence can be averaged over retrains (their noise is as large as the effects).
FOLD_DIR = Path(os.environ.get("CLEANSE_FOLD_DIR")
                or PROJECT_ROOT / "benchmarks" / ".cache" / "arbiter")
SHIPPED_DIR = PROJECT_ROOT / "cleanse" / "data" / "arbiter"
# The shipped procedure (session 21): three draws of 100 rounds at learning rate 0.15,
# averaged (training/averaging.py), where sessions 14-18 shipped one draw of 300 rounds at
# 0.05: the same number of trees, so the same time per line at run time, and what one draw
# makes up by chance is damped (one draw moves a line near the threshold by +-0.1;
# docs/arbiter.md, "Session 21"). PARAMS["seed"] is the first seed's.
SEEDS: tuple[int, ...] = (7, 11, 13)
ROUNDS = 100
PARAMS: dict = {
    "objective": "binary", "learning_rate": 0.15, "num_leaves": 31, "min_data_in_leaf": 40,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "seed": SEEDS[0], "deterministic": True, "force_row_wise": True, "num_threads": 2,
    "verbose": -1,
}
CALIBRATION_POINTS = 200
# The page-threshold model: the thresholds a page may take, the one it starts from, and the
# least predicted gain in token F1 that moves it (a smaller one moved cwced_zh and
# scrapinghub_aeb pages for nothing; docs/arbiter.md, "The page's threshold").
THRESHOLD_CANDIDATES = (0.25, 0.3, 0.35, 0.4, 0.45, 0.5, 0.55, 0.6)
THRESHOLD_BASE = 0.5
THRESHOLD_MARGIN = 0.02
THRESHOLD_ROUNDS = 150
THRESHOLD_PARAMS: dict = {
    "objective": "regression", "learning_rate": 0.05, "num_leaves": 7, "min_data_in_leaf": 100,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "seed": 7,
    "deterministic": True, "force_row_wise": True, "num_threads": 2, "verbose": -1,
}
# Captures that mark their links (reader-service markdown) get a model of their own, trained
# on every row but the innerText renderings' and calibrated, given its page thresholds and
# scored on those captures; the main model trains on every row but the markdown renderings'
# and does not read the routing column (one model for both judged innerText captures worse:
# docs/arbiter.md).
LINKED = "linked"
LINKED_SHARE = 0.02  # the share of a capture's lines with a markdown link that routes it
# Columns the linked model never reads: the text captures' shape patterns cost the markdown
# captures (docs/arbiter.md, "Session 14"), so the linked route leaves them out whatever
# --without says.
LINKED_WITHOUT = ("shape_repeats", "unpatterned_prose_after")
ROUTING_COLUMN = "page_link_markup_share"
CREDIT = ("wcxb_dev: web-content-extraction-benchmark, dev split (c) 2026 Murrough Foley, "
          "CC-BY-4.0; scrapinghub article-extraction-benchmark (MIT); Chinese Web Content "
          "Extraction Dataset (MIT); see ../shared/bench/README.md")


def fold_of_pages(table: Table, folds: int = FOLDS) -> dict[str, int]:
    """Page key -> fold, grouped by site so no site straddles two folds."""
    keys = sorted(table.group)
    groups = [table.group[k] for k in keys]
    assignment = {}
    for fold, (_, held_out) in enumerate(GroupKFold(n_splits=folds).split(keys, groups=groups)):
        for i in held_out:
            assignment[keys[i]] = fold
    return assignment


def kept_features(without: Sequence[str]) -> list[str]:
    """The evidence columns without those named in ``without`` (``name*``: every column that
    begins with ``name``). A name that matches no column is an error: a typo must not pass
    as a measurement of nothing."""
    def left_out(name: str, pattern: str) -> bool:
        return name.startswith(pattern[:-1]) if pattern.endswith("*") else name == pattern

    unknown = [p for p in without if not any(left_out(name, p) for name in FEATURES)]
    if unknown:
        raise ValueError(f"no evidence column matches {', '.join(unknown)}")
    return [name for name in FEATURES if not any(left_out(name, p) for p in without)]


def fit(X: np.ndarray, y: np.ndarray, weight: np.ndarray,
        features: Sequence[str] = FEATURES) -> lightgbm.Booster:
    """A booster over the columns ``features`` (X holds exactly those, in that order): one
    draw per seed of SEEDS, averaged when there are several."""
    draws = []
    for seed in SEEDS:
        # A Dataset per draw: LightGBM bins the rows with a sample drawn by the seed.
        data = lightgbm.Dataset(X, label=y, weight=weight, feature_name=list(features),
                                free_raw_data=True)
        draws.append(lightgbm.train({**PARAMS, "seed": seed}, data, num_boost_round=ROUNDS))
    if len(draws) == 1:
        return draws[0]
    return lightgbm.Booster(model_str=average_models([d.model_to_string() for d in draws]))


def calibration(raw: np.ndarray, y: np.ndarray, weight: np.ndarray) -> dict[str, list[float]]:
    """An isotonic map raw probability -> share of article lines, as a short table."""
    isotonic = IsotonicRegression(y_min=0.0, y_max=1.0, out_of_bounds="clip")
    isotonic.fit(raw, y, sample_weight=weight)
    xs = np.unique(np.quantile(raw, np.linspace(0, 1, CALIBRATION_POINTS)))
    xs = np.unique(np.concatenate(([0.0], xs, [1.0])))
    return {"x": [round(float(x), 5) for x in xs],
            "y": [round(float(v), 5) for v in isotonic.predict(xs)]}


def line_scores(raw: np.ndarray, table: Table) -> dict[str, dict[str, float]]:
    """Weighted AUC and accuracy at 0.5 of out-of-fold predictions, per rendering."""
    scores = {}
    for kind in KINDS:
        mask = table.kind == kind
        y, w, p = table.y[mask], table.weight[mask], raw[mask]
        if len(np.unique(y[w > 0])) < 2:
            continue  # no weighed rows of this rendering, or of one class: nothing to rank
        scores[kind] = {"lines": int(mask.sum()),
                        "auc": round(float(roc_auc_score(y, p, sample_weight=w)), 4),
                        "accuracy": round(float(np.average((p >= 0.5) == (y >= 0.5),
                                                           weights=w)), 4)}
    return scores


def _write_manifest(path: Path, manifest: dict) -> None:
    """A model's manifest, in the one layout every writer of it uses."""
    path.write_text(json.dumps(manifest, indent=1, ensure_ascii=False) + "\n", "utf-8")


def _write_fold_index(index: dict) -> None:
    """``folds.json``: the folds, the sources of their evidence and each page's fold."""
    (FOLD_DIR / "folds.json").write_text(json.dumps(index, indent=0, sort_keys=True), "utf-8")


def write_model(directory: Path, booster: lightgbm.Booster, manifest: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = booster.model_to_string().encode("utf-8")
    (directory / "model.txt.gz").write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    _write_manifest(directory / "manifest.json", manifest)


def _manifest(table: Table, pages: list[str], calibration_table: dict, extra: dict,
              features: Sequence[str] = FEATURES) -> dict:
    datasets: dict[str, int] = {}
    for key in pages:
        dataset = key.split("/")[0]
        datasets[dataset] = datasets.get(dataset, 0) + 1
    return {
        "format": 1, "features": list(features), "calibration": calibration_table,
        "lightgbm": {"params": PARAMS, "rounds": ROUNDS, "seeds": list(SEEDS),
                     "version": lightgbm.__version__},
        "training_data": {
            "pages_per_dataset": datasets,
            "pages_sha256": hashlib.sha256("\n".join(sorted(pages)).encode()).hexdigest(),
            "lines": int(np.isin(table.page, pages).sum()),
            "cleanse_sources": table.sources, "credit": CREDIT,
        },
        **extra,
    }


def linked_rows(table: Table, features: Sequence[str] = FEATURES) -> np.ndarray:
    """Per row: does its capture mark enough of its links for the linked model? (``table.X``
    holds the columns ``features``, in that order: ``--without`` may have left some out.)"""
    return table.X[:, list(features).index(ROUTING_COLUMN)] >= LINKED_SHARE


def subset(table: Table, rows: np.ndarray, columns: Sequence[int] | None = None) -> Table:
    """The table's rows where ``rows`` holds, with only ``columns`` (default: all); every
    page keeps its group, hence its fold."""
    X = table.X[rows] if columns is None else table.X[np.ix_(rows, columns)]
    return replace(table, X=X, y=table.y[rows], weight=table.weight[rows],
                   page=table.page[rows], kind=table.kind[rows])


def _out_of_fold_path(part: str) -> Path:
    return FOLD_DIR / (f"out-of-fold-{part}.npy" if part else "out-of-fold.npy")


def cross_validate(table: Table, features: Sequence[str] = FEATURES,
                   scored: np.ndarray | None = None, part: str = "",
                   extra: dict | None = None) -> np.ndarray:
    """Train one model per fold, save it with its calibration; the out-of-fold predictions.

    ``table.X`` holds the columns ``features``, in that order. The calibration is fitted on
    the ``scored`` rows (default: all); the models go to ``fold-<k>/<part>`` with ``extra``
    in their manifests.
    """
    scored = np.ones(len(table.y), dtype=bool) if scored is None else scored
    assignment = fold_of_pages(table)
    row_fold = np.array([assignment[k] for k in table.page.tolist()])
    raw = np.zeros(len(table.y))
    boosters = []
    for fold in range(FOLDS):
        train = row_fold != fold
        booster = fit(table.X[train], table.y[train], table.weight[train], features)
        raw[~train] = booster.predict(table.X[~train], num_threads=2)
        boosters.append(booster)
        print(f"fold {fold}: {int((~train).sum()):,} held-out lines", file=sys.stderr)
    FOLD_DIR.mkdir(parents=True, exist_ok=True)
    for fold, booster in enumerate(boosters):
        outside = (row_fold != fold) & scored
        pages = [k for k, f in assignment.items() if f != fold]
        write_model(FOLD_DIR / f"fold-{fold}" / part, booster, _manifest(
            table, pages, calibration(raw[outside], table.y[outside], table.weight[outside]),
            {"fold": fold, "folds": FOLDS, **(extra or {})}, features))
    np.save(_out_of_fold_path(part), raw)
    _write_fold_index({"folds": FOLDS, "cleanse_sources": table.sources, "pages": assignment})
    return raw


def calibrated_out_of_fold(raw: np.ndarray, table: Table, part: str = "") -> np.ndarray:
    """Each row's out-of-fold probability as its fold model gives it at run time: through
    that fold's calibration (saved in its manifest by :func:`cross_validate`)."""
    assignment = json.loads((FOLD_DIR / "folds.json").read_text("utf-8"))["pages"]
    row_fold = np.array([assignment[k] for k in table.page.tolist()])
    probabilities = np.zeros(len(raw))
    for fold in np.unique(row_fold):
        manifest = json.loads((FOLD_DIR / f"fold-{fold}" / part / "manifest.json")
                              .read_text("utf-8"))
        rows = row_fold == fold
        probabilities[rows] = np.interp(raw[rows], manifest["calibration"]["x"],
                                        manifest["calibration"]["y"])
    return probabilities


def _line_f1(probabilities: np.ndarray, weights: np.ndarray, labels: np.ndarray,
             threshold: float) -> float:
    """Token F1 of keeping the lines at or above ``threshold``, lines aligned to the truth."""
    kept = probabilities >= threshold
    overlap = float((weights * labels)[kept].sum())
    truth = float((weights * labels).sum())
    if not truth and not kept.any():
        return 1.0
    if not overlap:
        return 0.0
    precision, recall = overlap / float(weights[kept].sum()), overlap / truth
    return 2 * precision * recall / (precision + recall)


def page_threshold_rows(table: Table, probabilities: np.ndarray
                        ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """(rows, gains, page key per row, rendering per row): one row per scored page,
    rendering and candidate threshold: the page's summary, the candidate, and the F1 it
    gains over the base."""
    scored = np.isin(table.kind, KINDS)
    index = np.flatnonzero(scored)
    order = index[np.lexsort((table.kind[index], table.page[index]))]
    pages, kinds = table.page[order], table.kind[order]
    starts = np.flatnonzero(np.r_[True, (pages[1:] != pages[:-1]) | (kinds[1:] != kinds[:-1])])
    ends = np.r_[starts[1:], len(order)]
    rows, gains, keys, renderings = [], [], [], []
    for start, end in zip(starts, ends):
        at = order[start:end]
        p, w, y = probabilities[at], table.weight[at].astype(np.float64), table.y[at]
        summary = page_summary(p, w, kinds[start] == "html")
        base = _line_f1(p, w, y, THRESHOLD_BASE)
        for candidate in THRESHOLD_CANDIDATES:
            rows.append([*summary, candidate])
            gains.append(_line_f1(p, w, y, candidate) - base)
            keys.append(pages[start])
            renderings.append(kinds[start])
    return np.array(rows), np.array(gains), np.array(keys), np.array(renderings)


def fit_page_threshold(rows: np.ndarray, gains: np.ndarray) -> lightgbm.Booster:
    data = lightgbm.Dataset(rows, label=gains, feature_name=list(PAGE_SUMMARY),
                            free_raw_data=True)
    return lightgbm.train(THRESHOLD_PARAMS, data, num_boost_round=THRESHOLD_ROUNDS)


def write_page_threshold(directory: Path, booster: lightgbm.Booster) -> None:
    """Adds the page-threshold model to a model directory written by :func:`write_model`."""
    text = booster.model_to_string().encode("utf-8")
    (directory / "threshold.txt.gz").write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    manifest = json.loads((directory / "manifest.json").read_text("utf-8"))
    manifest["page_threshold"] = {
        "features": list(PAGE_SUMMARY), "candidates": list(THRESHOLD_CANDIDATES),
        "base": THRESHOLD_BASE, "margin": THRESHOLD_MARGIN,
        "lightgbm": {"params": THRESHOLD_PARAMS, "rounds": THRESHOLD_ROUNDS}}
    _write_manifest(directory / "manifest.json", manifest)


def cross_validate_page_threshold(rows: np.ndarray, gains: np.ndarray, keys: np.ndarray,
                                  renderings: np.ndarray, save: bool = True, part: str = ""
                                  ) -> dict[str, float]:
    """Train fold k's page-threshold model on the pages outside fold k and (with ``save``)
    save it beside fold k's line model (in ``fold-<k>/<part>``); the mean line-aligned F1
    gain it brings the held-out pages, per rendering."""
    assignment = json.loads((FOLD_DIR / "folds.json").read_text("utf-8"))["pages"]
    row_fold = np.array([assignment[k] for k in keys.tolist()])
    count = len(THRESHOLD_CANDIDATES)
    realised: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for fold in np.unique(row_fold):
        held_out = row_fold == fold
        booster = fit_page_threshold(rows[~held_out], gains[~held_out])
        if save:
            write_page_threshold(FOLD_DIR / f"fold-{fold}" / part, booster)
        predicted = booster.predict(rows[held_out], num_threads=2).reshape(-1, count)
        actual = gains[held_out].reshape(-1, count)
        rendering = renderings[held_out][::count]
        best = predicted.argmax(axis=1)
        moved = predicted[np.arange(len(best)), best] >= THRESHOLD_MARGIN
        gain = np.where(moved, actual[np.arange(len(best)), best], 0.0)
        for kind in KINDS:
            realised[kind] += gain[rendering == kind].tolist()
    return {kind: round(float(np.mean(values)), 4) for kind, values in realised.items()
            if values}


def train_route(table: Table, features: Sequence[str], part: str = "",
                scored: np.ndarray | None = None, extra: dict | None = None,
                folds: bool = True, shipped: bool = True, line_models: bool = True) -> None:
    """One model of the shipped directory (``part``: its sub-folder, "" for the main one),
    trained on ``table``'s rows and judged (calibrated, given page thresholds, scored) on
    the ``scored`` ones: with ``folds`` its cross-validation folds, else their saved
    out-of-fold predictions; with ``shipped`` the shipped model. Without ``line_models``
    only the page-threshold models (of the folds, of the shipped model, as ``folds`` and
    ``shipped`` say) are trained, from the saved out-of-fold predictions."""
    scored = np.ones(len(table.y), dtype=bool) if scored is None else scored
    extra = extra or {}
    if folds and line_models:
        raw = cross_validate(table, features, scored, part, extra)
    else:
        raw = np.load(_out_of_fold_path(part))
    judged = subset(table, scored)
    scores = line_scores(raw[scored], judged)
    threshold_rows, gains, keys, renderings = page_threshold_rows(
        judged, calibrated_out_of_fold(raw, table, part)[scored])
    threshold_gain = cross_validate_page_threshold(threshold_rows, gains, keys, renderings,
                                                   save=folds, part=part)
    print(json.dumps({"model": part or "main", "cross_validated_lines": scores,
                      "page_threshold_f1_gain": threshold_gain}, indent=1))
    if shipped and not line_models:
        path = SHIPPED_DIR / part / "manifest.json"
        manifest = json.loads(path.read_text("utf-8"))
        manifest["cross_validated_page_threshold_f1_gain"] = threshold_gain
        _write_manifest(path, manifest)
    elif shipped:
        booster = fit(table.X, table.y, table.weight, features)
        write_model(SHIPPED_DIR / part, booster, _manifest(
            table, sorted(table.group),
            calibration(raw[scored], table.y[scored], table.weight[scored]),
            {"cross_validated_lines": scores, "folds": FOLDS,
             "cross_validated_page_threshold_f1_gain": threshold_gain, **extra}, features))
    if shipped:
        write_page_threshold(SHIPPED_DIR / part, fit_page_threshold(threshold_rows, gains))
        print(f"wrote {SHIPPED_DIR / part}", file=sys.stderr)


def _manifests() -> list[Path]:
    """Every manifest of the shipped models and of the fold models in ``FOLD_DIR``."""
    return sorted([*SHIPPED_DIR.glob("manifest.json"), *SHIPPED_DIR.glob("*/manifest.json"),
                   *FOLD_DIR.glob("fold-*/manifest.json"),
                   *FOLD_DIR.glob("fold-*/*/manifest.json")])


def restamp(jobs: int) -> int:
    """Record the current sources in the models' manifests when the evidence is unchanged.

    A change to code that shapes the evidence changes ``source_hash`` and so makes every
    model stale, even when it gives every bench line the same evidence (a refactor, a
    faster path, a fix for inputs the bench does not hold). This builds the table for the
    current sources and compares it with the table the models learned from: when the two
    are identical the models are the ones a retrain would give, bit for bit (training is
    deterministic), and only their record of the sources changes. Returns 0 if restamped
    (or already current), 1 if the evidence differs and a retrain is needed.
    """
    current = source_hash()
    manifests = _manifests()
    recorded = {json.loads(path.read_text("utf-8"))["training_data"]["cleanse_sources"]
                for path in manifests}
    if recorded == {current}:
        print(f"the models already record the current sources {current}", file=sys.stderr)
        return 0
    if len(recorded - {current}) != 1:
        print(f"the models record several sources ({', '.join(sorted(recorded))}): retrain",
              file=sys.stderr)
        return 1
    (previous,) = recorded - {current}
    if not table_path(previous).exists():
        print(f"the table the models learned from ({table_path(previous)}) is not cached, so "
              "the evidence cannot be compared: retrain", file=sys.stderr)
        return 1
    differences = Table.load(table_path(previous)).differences(load_or_build(jobs))
    if differences:
        print(f"the evidence changed from {previous} to {current}; retrain:", file=sys.stderr)
        for difference in differences:
            print(f"  {difference}", file=sys.stderr)
        return 1
    for path in manifests:
        manifest = json.loads(path.read_text("utf-8"))
        manifest["training_data"]["cleanse_sources"] = current
        _write_manifest(path, manifest)
    folds = FOLD_DIR / "folds.json"
    if folds.exists():
        index = json.loads(folds.read_text("utf-8"))
        index["cleanse_sources"] = current
        _write_fold_index(index)
    print(f"the evidence of {current} equals that of {previous} on every line: "
          f"{len(manifests)} manifests restamped", file=sys.stderr)
    return 0


def main(argv: list[str] | None = None) -> int:
    global SEEDS, ROUNDS  # set from the arguments below, read by fit() and _manifest()
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    step = parser.add_mutually_exclusive_group()
    step.add_argument("--folds-only", action="store_true",
                      help="train the cross-validation folds, not the shipped model")
    step.add_argument("--shipped-only", action="store_true",
                      help="train the shipped model, calibrated on the saved out-of-fold "
                           "predictions of the last cross-validation")
    step.add_argument("--restamp", action="store_true",
                      help="no training: when the current sources give the same evidence "
                           "as the sources the models learned from (the table is rebuilt "
                           "and compared), record the current sources in their manifests")
    parser.add_argument("--only-threshold", action="store_true",
                        help="train only the page-threshold models (of the folds and of the "
                             "shipped model; with --folds-only or --shipped-only one of the "
                             "two) from the saved out-of-fold predictions of the line models")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--only", choices=("main", LINKED),
                        help="train only this model of the two (default: both)")
    parser.add_argument("--without", nargs="+", default=[], metavar="COLUMN",
                        help="leave out these evidence columns (a name ending in * leaves out "
                             "every column it begins): to measure what a group of columns adds")
    parser.add_argument("--seed", type=int, nargs="+", default=list(SEEDS),
                        help="LightGBM's seed for the line models (bagging, column sampling; "
                             f"default {' '.join(map(str, SEEDS))}): retrains with other seeds "
                             "measure how much a score moves by chance (with CLEANSE_FOLD_DIR "
                             "set to a directory per seed); several seeds train one draw each "
                             "and average them")
    parser.add_argument("--rounds", type=int, default=ROUNDS,
                        help=f"boosting rounds of each draw (default {ROUNDS})")
    parser.add_argument("--learning-rate", type=float, default=PARAMS["learning_rate"],
                        help=f"LightGBM's learning rate (default {PARAMS['learning_rate']})")
    parser.add_argument("--threshold-seed", type=int, default=THRESHOLD_PARAMS["seed"],
                        help="LightGBM's seed for the page-threshold models (default "
                             f"{THRESHOLD_PARAMS['seed']}): with --only-threshold, how much a "
                             "threshold retrain alone moves the scores")
    parser.add_argument("--table", type=Path,
                        help="train on this table file instead of the one for the current "
                             "sources (the manifest records the sources it came from)")
    args = parser.parse_args(argv)
    try:
        features = kept_features(args.without)
    except ValueError as exc:
        parser.error(str(exc))
    if args.restamp:
        return restamp(args.jobs)
    # The one place the draws are set: fit() and every manifest read these.
    SEEDS, ROUNDS = tuple(args.seed), args.rounds
    PARAMS.update(seed=SEEDS[0], learning_rate=args.learning_rate)
    THRESHOLD_PARAMS["seed"] = args.threshold_seed
    table = Table.load(args.table) if args.table else load_or_build(args.jobs)
    if table.sources != source_hash():
        print(f"note: the table's evidence comes from cleanse sources {table.sources}, the "
              f"tree is at {source_hash()}", file=sys.stderr)
    if len(features) < len(FEATURES):
        print(f"leaving out {len(FEATURES) - len(features)} of {len(FEATURES)} columns",
              file=sys.stderr)
        table = replace(table, X=table.X[:, [FEATURES.index(f) for f in features]])
    # The linked model goes first, since the main model's manifest names it. The main model
    # learns from every capture but the markdown renderings (seed 003, an innerText with a
    # few links, teaches both) and is calibrated and scored on them: the model of the
    # sessions before, bit for bit. It does not read the share of link-marked lines: that
    # column only routes, and with it the trees filed seed 003's lessons under "marks a few
    # links" instead of carrying them to other innerText captures.
    # The linked model judges captures that mark their links; it learns from every rendering
    # but the browser's innerText, added in session 19 for the main model: without those rows
    # its table is the one before, row for row, so it is the linked model of before, bit for
    # bit (whether they would help it is not measured).
    main_rows = table.kind != "markdown"
    main_features = [f for f in features if f != ROUTING_COLUMN]
    linked_features = [f for f in features if f not in LINKED_WITHOUT]
    linked_table = subset(table, table.kind != "innertext",
                          [features.index(f) for f in linked_features])
    routes = [(LINKED, linked_table, linked_rows(linked_table, linked_features), {},
               linked_features),
              ("", subset(table, main_rows, [features.index(f) for f in main_features]), None,
               {"linked": {"model": LINKED, "min_link_markup_share": LINKED_SHARE}},
               main_features)]
    routes = [route for route in routes if args.only in (None, route[0] or "main")]
    if args.shipped_only or args.only_threshold:
        for part, route_table, *_ in routes:
            saved = _out_of_fold_path(part)
            if not saved.exists() or len(np.load(saved)) != len(route_table.y):
                parser.error("the saved out-of-fold predictions belong to another table; "
                             "run without --shipped-only or --only-threshold")
    for part, route_table, scored, extra, route_features in routes:
        train_route(route_table, route_features, part, scored, extra,
                    folds=not args.shipped_only, shipped=not args.folds_only,
                    line_models=not args.only_threshold)
    return 0


if __name__ == "__main__":
    sys.exit(main())
