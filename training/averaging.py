"""Seed averaging: several LightGBM models as one whose raw score is their mean.

One LightGBM draw moves a line near the threshold by about ±0.1 from seed to seed
(docs/arbiter.md, "Retrain noise"): which behaviour test a retrained model fails is chance.
Training the same rows with several seeds and averaging their raw scores (log-odds) keeps
what the draws agree on and damps what one draw made up. The average is written as one
ordinary LightGBM text model (every tree of every draw, its leaf values divided by the
number of draws), so the runtime (``cleanse.deciding.forest`` and the native core) and
LightGBM itself read it unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TREES_START = "\nTree=0\n"
_TREES_END = "\nend of trees\n"
# Header lines that may differ between draws: the trees' byte sizes (rewritten below), and
# the value ranges LightGBM saw while binning, which come from a seeded sample of the rows
# and are not read when predicting.
_PER_DRAW = re.compile(r"^(tree_sizes|feature_infos)=.*$", re.M)
_SCALED = ("leaf_value", "internal_value")


def average_models(texts: Sequence[str]) -> str:
    """One LightGBM text model whose raw score is the mean of ``texts``' raw scores.

    The models must read the same features with the same objective; the header, feature
    importances and parameters of the first are kept.
    """
    if not texts:
        raise ValueError("no models to average")
    heads, tails, trees = [], [], []
    for text in texts:
        if _TREES_START not in text or _TREES_END not in text:
            raise ValueError("not a LightGBM text model with trees")
        head, rest = text.split(_TREES_START, 1)
        body, tail = rest.split(_TREES_END, 1)
        heads.append(head)
        tails.append(tail)
        trees += [tree for tree in ("Tree=0\n" + body).split("\n\n\n") if tree.strip()]
    if len({_PER_DRAW.sub("", head) for head in heads}) != 1:
        raise ValueError("the models differ in features or objective; only draws of one "
                         "training can be averaged")
    share = len(texts)
    written = [_renumbered(tree, index, share) for index, tree in enumerate(trees)]
    sizes = " ".join(str(len(tree) + 1) for tree in written)  # + the blank line after each
    head = re.sub(r"^tree_sizes=.*$", f"tree_sizes={sizes}", heads[0], flags=re.M)
    return head + "\n" + "\n".join(written) + _TREES_END + tails[0]


def _renumbered(tree: str, index: int, share: int) -> str:
    """``tree`` as tree ``index`` of the average, its values divided by ``share``."""
    lines = []
    for line in tree.strip("\n").split("\n"):
        key, _, value = line.partition("=")
        if key == "Tree":
            line = f"Tree={index}"
        elif key in _SCALED:
            line = f"{key}=" + " ".join(repr(float(v) / share) for v in value.split())
        lines.append(line)
    return "\n".join(lines) + "\n"
