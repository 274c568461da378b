"""Train the arbiter: grouped cross-validation, calibration, and the shipped model.

    python -m training.train            # folds + the shipped model (cleanse/data/arbiter/)
    python -m training.train --folds-only

1. The training table (:mod:`training.dataset`): every line of ~1,750 pages
   (HTML and text renderings) with its evidence and its aligned label.
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
4. The shipped model is trained on every page with the same settings;
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
import sys
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

import lightgbm
import numpy as np
from sklearn.isotonic import IsotonicRegression
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import GroupKFold

from cleanse.deciding.evidence import FEATURES
from training.corpus import PROJECT_ROOT
from training.dataset import KINDS, Table, load_or_build, source_hash

FOLDS = 5
FOLD_DIR = PROJECT_ROOT / "benchmarks" / ".cache" / "arbiter"
SHIPPED_DIR = PROJECT_ROOT / "cleanse" / "data" / "arbiter"
ROUNDS = 300
PARAMS: dict = {
    "objective": "binary", "learning_rate": 0.05, "num_leaves": 31, "min_data_in_leaf": 40,
    "feature_fraction": 0.8, "bagging_fraction": 0.8, "bagging_freq": 1, "lambda_l2": 1.0,
    "seed": 7, "deterministic": True, "force_row_wise": True, "num_threads": 2,
    "verbose": -1,
}
CALIBRATION_POINTS = 200
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
    """A booster over the columns ``features`` (X holds exactly those, in that order)."""
    data = lightgbm.Dataset(X, label=y, weight=weight, feature_name=list(features),
                            free_raw_data=True)
    return lightgbm.train(PARAMS, data, num_boost_round=ROUNDS)


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
        scores[kind] = {"lines": int(mask.sum()),
                        "auc": round(float(roc_auc_score(y, p, sample_weight=w)), 4),
                        "accuracy": round(float(np.average((p >= 0.5) == (y >= 0.5),
                                                           weights=w)), 4)}
    return scores


def write_model(directory: Path, booster: lightgbm.Booster, manifest: dict) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    text = booster.model_to_string().encode("utf-8")
    (directory / "model.txt.gz").write_bytes(gzip.compress(text, compresslevel=9, mtime=0))
    (directory / "manifest.json").write_text(json.dumps(manifest, indent=1, ensure_ascii=False)
                                             + "\n", "utf-8")


def _manifest(table: Table, pages: list[str], calibration_table: dict, extra: dict,
              features: Sequence[str] = FEATURES) -> dict:
    datasets: dict[str, int] = {}
    for key in pages:
        dataset = key.split("/")[0]
        datasets[dataset] = datasets.get(dataset, 0) + 1
    return {
        "format": 1, "features": list(features), "calibration": calibration_table,
        "lightgbm": {"params": PARAMS, "rounds": ROUNDS, "version": lightgbm.__version__},
        "training_data": {
            "pages_per_dataset": datasets,
            "pages_sha256": hashlib.sha256("\n".join(sorted(pages)).encode()).hexdigest(),
            "lines": int(np.isin(table.page, pages).sum()),
            "cleanse_sources": table.sources, "credit": CREDIT,
        },
        **extra,
    }


def cross_validate(table: Table, features: Sequence[str] = FEATURES) -> np.ndarray:
    """Train one model per fold, save it with its calibration; the out-of-fold predictions.

    ``table.X`` holds the columns ``features``, in that order.
    """
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
        outside = row_fold != fold
        pages = [k for k, f in assignment.items() if f != fold]
        write_model(FOLD_DIR / f"fold-{fold}", booster, _manifest(
            table, pages, calibration(raw[outside], table.y[outside], table.weight[outside]),
            {"fold": fold, "folds": FOLDS}, features))
    np.save(FOLD_DIR / "out-of-fold.npy", raw)
    (FOLD_DIR / "folds.json").write_text(json.dumps(
        {"folds": FOLDS, "cleanse_sources": table.sources, "pages": assignment},
        indent=0, sort_keys=True), "utf-8")
    return raw


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    step = parser.add_mutually_exclusive_group()
    step.add_argument("--folds-only", action="store_true",
                      help="train the cross-validation folds, not the shipped model")
    step.add_argument("--shipped-only", action="store_true",
                      help="train the shipped model, calibrated on the saved out-of-fold "
                           "predictions of the last cross-validation")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--without", nargs="+", default=[], metavar="COLUMN",
                        help="leave out these evidence columns (a name ending in * leaves out "
                             "every column it begins): to measure what a group of columns adds")
    parser.add_argument("--table", type=Path,
                        help="train on this table file instead of the one for the current "
                             "sources (the manifest records the sources it came from)")
    args = parser.parse_args(argv)
    try:
        features = kept_features(args.without)
    except ValueError as exc:
        parser.error(str(exc))
    table = Table.load(args.table) if args.table else load_or_build(args.jobs)
    if table.sources != source_hash():
        print(f"note: the table's evidence comes from cleanse sources {table.sources}, the "
              f"tree is at {source_hash()}", file=sys.stderr)
    if len(features) < len(FEATURES):
        print(f"leaving out {len(FEATURES) - len(features)} of {len(FEATURES)} columns",
              file=sys.stderr)
        table = replace(table, X=table.X[:, [FEATURES.index(f) for f in features]])
    if args.shipped_only:
        raw = np.load(FOLD_DIR / "out-of-fold.npy")
        if len(raw) != len(table.y):
            parser.error("the saved out-of-fold predictions belong to another table; "
                         "run without --shipped-only")
    else:
        raw = cross_validate(table, features)
    scores = line_scores(raw, table)
    print(json.dumps({"cross_validated_lines": scores}, indent=1))
    if not args.folds_only:
        booster = fit(table.X, table.y, table.weight, features)
        write_model(SHIPPED_DIR, booster, _manifest(
            table, sorted(table.group), calibration(raw, table.y, table.weight),
            {"cross_validated_lines": scores, "folds": FOLDS}, features))
        print(f"wrote {SHIPPED_DIR}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
