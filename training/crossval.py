"""Pipelines for honest scores: each page is cleaned by a model that never saw its site.

``python -m training.train`` leaves one model per fold in
``benchmarks/.cache/arbiter/`` and ``folds.json`` (page key -> fold, folds
grouped by site). :func:`crossval_pipelines` maps every page key to a
pipeline using the model of that page's fold, i.e. the model trained on
the other folds.
"""

from __future__ import annotations

import json
import warnings

import cleanse
from training.dataset import source_hash
from training.train import FOLD_DIR


def crossval_pipelines(mode: str = "balanced") -> dict[str, cleanse.Pipeline]:
    """Page key -> a pipeline whose arbiter was trained on folds without that page's site."""
    index = FOLD_DIR / "folds.json"
    if not index.exists():
        raise FileNotFoundError(f"no cross-validation models in {FOLD_DIR}; "
                                "run `python -m training.train` first")
    folds = json.loads(index.read_text("utf-8"))
    if folds["cleanse_sources"] != source_hash():
        warnings.warn("the cross-validation models were trained on the evidence of other "
                      "cleanse sources; run `python -m training.train --folds-only` again",
                      stacklevel=2)
    pipelines = [cleanse.Pipeline(cleanse.Config(mode=mode, arbiter_model=str(
        FOLD_DIR / f"fold-{k}"))) for k in range(folds["folds"])]
    return {key: pipelines[fold] for key, fold in folds["pages"].items()}


def fold_count() -> int:
    """How many folds the cross-validation models use."""
    return json.loads((FOLD_DIR / "folds.json").read_text("utf-8"))["folds"]
