"""LightGBM text models evaluated without LightGBM: the arbiter's inference (the reference).

The arbiter's model is trained with LightGBM (``training/``) and shipped in LightGBM's text
format. Loading LightGBM to evaluate it costs ~1.5 s and up to ~145 MB per process (it
imports scikit-learn and pandas when they are installed), for 300 small trees; this module
reads the text format and evaluates it with numpy, and the native core
(``native/src/forest.rs``) does the same from the arrays parsed here.

Exactness: scores are **bit-identical** to LightGBM's ``Booster.predict`` (tests/test_forest.py),
because every step is LightGBM's own:

- input: a value with ``|x| <= kZeroThreshold`` (``1e-35f``) is dropped by LightGBM's dense-row
  reader, i.e. read as 0.0;
- each split is LightGBM's ``Tree::NumericalDecision``: NaN becomes 0.0 unless the split's
  missing type is NaN; missing type Zero sends ``|x| <= kZeroThreshold`` the default way,
  missing type NaN sends NaN the default way; otherwise ``x <= threshold`` goes left;
- the raw score is the leaf values summed tree by tree, in order, from 0.0 (``GBDT::PredictRaw``);
- the probability is ``1 / (1 + exp(-sigmoid * raw))`` with the C library's ``exp``
  (``math.exp``, as LightGBM's ``std::exp``; numpy's vectorised ``exp`` may differ in the last
  bit).

Only what the arbiter's models use is supported: the binary objective (the line model) and
plain regression (the page-threshold model, read through ``raw_scores`` only), numerical
splits, one tree per iteration. Anything else (categorical splits, linear trees, other
objectives, averaged output) is refused with a :class:`ForestError` rather than evaluated
wrongly.

SHAP contributions (:meth:`Forest.contributions`, for explanations) are TreeSHAP (Lundberg et
al., "Consistent individualized feature attribution for tree ensembles", 2018, Algorithm 2),
as LightGBM's ``pred_contrib`` computes them, with the training rows counted at each node
(``internal_count``, ``leaf_count``) as the cover.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from cleanse import native

# LightGBM's kZeroThreshold: the float literal 1e-35f, widened to double.
ZERO_THRESHOLD = float(np.float32(1e-35))
# decision_type bits (LightGBM's tree.h): categorical, default left, missing type (2 bits).
CATEGORICAL_MASK = 1
DEFAULT_LEFT_MASK = 2
MISSING_NONE, MISSING_ZERO, MISSING_NAN = 0, 1, 2


class ForestError(ValueError):
    """A model text this evaluator cannot evaluate exactly (or that is not a model at all)."""


@dataclass(frozen=True)
class Tree:
    """One tree as LightGBM writes it: node ``i`` splits ``split_feature[i]`` at
    ``threshold[i]``; a child ``c >= 0`` is a node, ``c < 0`` is leaf ``~c``."""

    split_feature: np.ndarray  # int64, per node
    threshold: np.ndarray  # float64, per node
    decision_type: np.ndarray  # int64, per node
    left_child: np.ndarray  # int64, per node
    right_child: np.ndarray  # int64, per node
    leaf_value: np.ndarray  # float64, per leaf
    internal_count: np.ndarray  # float64, per node (SHAP cover)
    leaf_count: np.ndarray  # float64, per leaf (SHAP cover)

    @property
    def nodes(self) -> int:
        return len(self.split_feature)


class Forest:
    """A parsed LightGBM binary (or regression) model: ``raw_scores`` and, for a binary
    one, ``probabilities`` per row, ``contributions`` (SHAP) for explanations.

    Rows hold the model's features in its order (``feature_names``), float64.
    """

    def __init__(self, text: str) -> None:
        header, blocks = _sections(text)
        self.feature_names: tuple[str, ...] = tuple(header.get("feature_names", "").split())
        self.num_features = _integer(header, "max_feature_idx", "header") + 1
        self.sigmoid = _sigmoid(header)
        for key in ("num_class", "num_tree_per_iteration"):
            if header.get(key, "1") != "1":
                raise ForestError(f"model has {key}={header[key]}; only one binary tree per "
                                  "iteration is supported")
        if "average_output" in header:
            raise ForestError("model averages its trees (random forest mode); not supported")
        if self.feature_names and len(self.feature_names) != self.num_features:
            raise ForestError(f"model names {len(self.feature_names)} features but has "
                              f"max_feature_idx={self.num_features - 1}")
        self.trees = [_tree(fields, index, self.num_features) for index, fields in blocks]
        if not self.trees:
            raise ForestError("model has no trees")
        self._flatten()
        self._shap_trees: list[_ShapTree] | None = None  # built on the first explanation

    def _flatten(self) -> None:
        """All trees' nodes in one set of arrays, so that every tree steps at once.

        Tree ``t``'s nodes start at ``node_offset[t]`` and its leaves at ``leaf_offset[t]``;
        a child is stored as a global node index (>= 0) or ``~global leaf index`` (< 0).
        These arrays are also what the native core is built from.
        """
        node_offsets = np.cumsum([0] + [tree.nodes for tree in self.trees])
        leaf_offsets = np.cumsum([0] + [len(tree.leaf_value) for tree in self.trees])

        def global_children(children: np.ndarray, t: int) -> np.ndarray:
            return np.where(children >= 0, children + node_offsets[t],
                            ~(~children + leaf_offsets[t]))

        trees = self.trees
        self.roots = np.array([node_offsets[t] if tree.nodes else ~leaf_offsets[t]
                               for t, tree in enumerate(trees)], dtype=np.int64)
        self.split_feature = np.concatenate([tree.split_feature for tree in trees])
        self.threshold = np.concatenate([tree.threshold for tree in trees])
        self.decision_type = np.concatenate([tree.decision_type for tree in trees])
        self.left_child = np.concatenate([global_children(tree.left_child, t)
                                          for t, tree in enumerate(trees)])
        self.right_child = np.concatenate([global_children(tree.right_child, t)
                                           for t, tree in enumerate(trees)])
        self.leaf_value = np.concatenate([tree.leaf_value for tree in trees])
        missing = (self.decision_type >> 2) & 3
        self._missing_zero = missing == MISSING_ZERO
        self._missing_nan = missing == MISSING_NAN
        self._default_left = (self.decision_type & DEFAULT_LEFT_MASK) != 0

    def _checked(self, rows: np.ndarray) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.float64)
        if rows.ndim != 2 or rows.shape[1] != self.num_features:
            raise ValueError(f"expected rows of {self.num_features} features, got shape "
                             f"{rows.shape}")
        # LightGBM's dense-row reader drops values with |x| <= kZeroThreshold: they read as 0.
        return np.where(np.abs(rows) <= ZERO_THRESHOLD, 0.0, rows)

    def raw_scores(self, rows: np.ndarray) -> np.ndarray:
        """The sum of the trees' leaf values per row, in tree order (LightGBM's raw score)."""
        rows = self._checked(rows)
        count = len(rows)
        nodes = np.broadcast_to(self.roots, (count, len(self.roots))).copy()
        row_of = np.broadcast_to(np.arange(count)[:, None], nodes.shape)
        active = nodes >= 0
        while active.any():
            at = nodes[active]
            value = rows[row_of[active], self.split_feature[at]]
            nan = np.isnan(value)
            # NaN counts as 0.0 unless the split treats NaN as missing.
            value = np.where(nan & ~self._missing_nan[at], 0.0, value)
            missing = ((self._missing_zero[at] & (np.abs(value) <= ZERO_THRESHOLD))
                       | (self._missing_nan[at] & nan))
            left = np.where(missing, self._default_left[at], value <= self.threshold[at])
            nodes[active] = np.where(left, self.left_child[at], self.right_child[at])
            active = nodes >= 0
        leaves = self.leaf_value[~nodes]
        if count == 0:
            return np.zeros(0)
        # cumsum adds left to right (no pairwise summation): LightGBM's order, bit for bit.
        return np.cumsum(leaves, axis=1)[:, -1]

    def probabilities(self, raw: np.ndarray | Sequence[float]) -> np.ndarray:
        """LightGBM's binary output transform of raw scores."""
        if self.sigmoid is None:
            raise ForestError("a regression model has no probabilities; use raw_scores")
        # Python floats (``tolist``): iterating the array would make a numpy scalar a row.
        # ``slope * r`` is ``-sigmoid * r`` bit for bit (negation is exact).
        exp, slope = math.exp, -self.sigmoid
        return np.array([1.0 / (1.0 + exp(slope * r))
                         for r in np.asarray(raw, dtype=np.float64).tolist()], dtype=np.float64)

    def predict(self, rows: np.ndarray) -> np.ndarray:
        """Probabilities, as ``lightgbm.Booster.predict(rows)``."""
        return self.probabilities(self.raw_scores(rows))

    def contributions(self, rows: np.ndarray) -> np.ndarray:
        """SHAP values per row: one column per feature, then the expected raw score
        (as ``lightgbm.Booster.predict(rows, pred_contrib=True)``)."""
        rows = self._checked(rows)
        if self._shap_trees is None:
            self._shap_trees = [_ShapTree.of(tree) for tree in self.trees]
        out = np.zeros((len(rows), self.num_features + 1))
        for row, phi in zip(rows.tolist(), out):
            contribution = [0.0] * (self.num_features + 1)
            for tree in self._shap_trees:
                contribution[-1] += tree.expected_value
                if tree.split_feature:
                    _tree_shap(tree, row, contribution, 0, [], 1.0, 1.0, -1)
            phi[:] = contribution
        return out


def native_forest(forest: Forest, columns: np.ndarray) -> Any | None:
    """The native core's copy of ``forest`` (``cleanse._native.Forest``), reading feature ``i``
    from column ``columns[i]`` of the rows it is given; None without the core."""
    build = getattr(native.core, "Forest", None)
    if build is None:
        return None
    leaves = [len(tree.leaf_value) for tree in forest.trees]
    return build(forest.roots.tolist(), columns[forest.split_feature].tolist(),
                 forest.threshold.tolist(), forest.decision_type.tolist(),
                 forest.left_child.tolist(), forest.right_child.tolist(),
                 forest.leaf_value.tolist(),
                 np.concatenate([tree.internal_count for tree in forest.trees]).tolist(),
                 np.concatenate([tree.leaf_count for tree in forest.trees]).tolist(),
                 forest.split_feature.tolist(), forest.num_features,
                 list(zip(np.cumsum([0, *leaves[:-1]]).tolist(), leaves)))


def _sections(text: str) -> tuple[dict[str, str], list[tuple[int, dict[str, str]]]]:
    """The header's key=value lines and each ``Tree=i`` block's, up to ``end of trees``."""
    header: dict[str, str] = {}
    blocks: list[tuple[int, dict[str, str]]] = []
    current = header
    ended = False
    for line in text.splitlines():
        line = line.strip()
        if line == "end of trees":
            ended = True
            break
        if line.startswith("Tree="):
            index = line[len("Tree="):]
            if not index.isdigit() or int(index) != len(blocks):
                raise ForestError(f"trees out of order at {line!r}")
            current = {}
            blocks.append((int(index), current))
        elif "=" in line:
            key, _, value = line.partition("=")
            current[key] = value
    if not header.get("version", "").startswith("v") or not ended:
        raise ForestError("not a LightGBM text model (no version line or no 'end of trees')")
    return header, blocks


def _integer(fields: dict[str, str], key: str, where: str) -> int:
    try:
        return int(fields[key])
    except KeyError:
        raise ForestError(f"{where}: missing field {key}") from None
    except ValueError:
        raise ForestError(f"{where}: {key}={fields[key]!r} is not an integer") from None


def _sigmoid(header: dict[str, str]) -> float | None:
    """The slope of ``objective=binary sigmoid:S``; None for ``objective=regression`` (the
    squared-error loss: its output is the raw score); any other objective is refused."""
    objective = header.get("objective", "").split()
    if objective == ["regression"]:
        return None
    if not objective or objective[0] != "binary":
        raise ForestError(f"objective {' '.join(objective) or '(none)'!r} is not supported "
                          "(only 'binary' and 'regression')")
    for option in objective[1:]:
        name, _, value = option.partition(":")
        if name == "sigmoid":
            try:
                return float(value)
            except ValueError:
                raise ForestError(f"bad sigmoid in objective: {option!r}") from None
    raise ForestError("binary objective without its sigmoid parameter")


def _array(fields: dict[str, str], key: str, where: str, length: int,
           dtype: type) -> np.ndarray:
    if key not in fields:
        raise ForestError(f"{where}: missing field {key}")
    try:
        # float() and int() read LightGBM's round-trip decimal text exactly.
        values = np.array([dtype(v) for v in fields[key].split()],
                          dtype=np.float64 if dtype is float else np.int64)
    except ValueError:
        raise ForestError(f"{where}: {key} holds a value that is not a number") from None
    if len(values) != length:
        raise ForestError(f"{where}: {key} has {len(values)} values, expected {length}")
    return values


def _tree(fields: dict[str, str], index: int, num_features: int) -> Tree:
    where = f"Tree={index}"
    leaves = _integer(fields, "num_leaves", where)
    if leaves < 1:
        raise ForestError(f"{where}: num_leaves={leaves}")
    if fields.get("num_cat", "0") != "0":
        raise ForestError(f"{where}: categorical splits are not supported")
    if fields.get("is_linear", "0") != "0":
        raise ForestError(f"{where}: linear trees are not supported")
    nodes = leaves - 1
    leaf_value = _array(fields, "leaf_value", where, leaves, float)
    if nodes == 0:
        empty_int, empty_float = np.zeros(0, np.int64), np.zeros(0)
        return Tree(empty_int, empty_float, empty_int, empty_int, empty_int, leaf_value,
                    empty_float, np.ones(1))
    tree = Tree(
        split_feature=_array(fields, "split_feature", where, nodes, int),
        threshold=_array(fields, "threshold", where, nodes, float),
        decision_type=_array(fields, "decision_type", where, nodes, int),
        left_child=_array(fields, "left_child", where, nodes, int),
        right_child=_array(fields, "right_child", where, nodes, int),
        leaf_value=leaf_value,
        internal_count=_array(fields, "internal_count", where, nodes, float),
        leaf_count=_array(fields, "leaf_count", where, leaves, float),
    )
    if (tree.decision_type & CATEGORICAL_MASK).any():
        raise ForestError(f"{where}: categorical splits are not supported")
    if (((tree.decision_type >> 2) & 3) > MISSING_NAN).any() or (tree.decision_type > 15).any():
        raise ForestError(f"{where}: unknown decision_type")
    if ((tree.split_feature < 0) | (tree.split_feature >= num_features)).any():
        raise ForestError(f"{where}: split on a feature beyond max_feature_idx")
    children = np.concatenate([tree.left_child, tree.right_child])
    parents = np.concatenate([np.arange(nodes), np.arange(nodes)])
    # Every node but the root is the child of one node before it (LightGBM numbers nodes so),
    # every leaf the child of one node: a tree, and every walk ends at a leaf.
    expected = np.concatenate([np.arange(1, nodes), ~np.arange(leaves)])
    if (not np.array_equal(np.sort(children), np.sort(expected))
            or ((children >= 0) & (children <= parents)).any()):
        raise ForestError(f"{where}: left_child/right_child do not form a tree")
    return tree


@dataclass(frozen=True)
class _ShapTree:
    """A tree as Python lists: TreeSHAP walks it node by node, where numpy scalars are slow."""

    split_feature: list[int]
    threshold: list[float]
    decision_type: list[int]
    left_child: list[int]
    right_child: list[int]
    leaf_value: list[float]
    internal_count: list[float]
    leaf_count: list[float]
    expected_value: float

    @classmethod
    def of(cls, tree: Tree) -> _ShapTree:
        return cls(tree.split_feature.tolist(), tree.threshold.tolist(),
                   tree.decision_type.tolist(), tree.left_child.tolist(),
                   tree.right_child.tolist(), tree.leaf_value.tolist(),
                   tree.internal_count.tolist(), tree.leaf_count.tolist(),
                   _expected_value(tree))

    def decision(self, node: int, value: float) -> int:
        """LightGBM's ``Tree::NumericalDecision``: the child a value goes to."""
        decision_type = self.decision_type[node]
        missing_type = (decision_type >> 2) & 3
        if value != value and missing_type != MISSING_NAN:  # NaN
            value = 0.0
        if ((missing_type == MISSING_ZERO and abs(value) <= ZERO_THRESHOLD)
                or (missing_type == MISSING_NAN and value != value)):
            left = bool(decision_type & DEFAULT_LEFT_MASK)
        else:
            left = value <= self.threshold[node]
        return self.left_child[node] if left else self.right_child[node]

    def cover(self, node: int) -> float:
        """Training rows that reached a node or leaf."""
        return self.internal_count[node] if node >= 0 else self.leaf_count[~node]


def _expected_value(tree: Tree) -> float:
    """The tree's mean output over its training rows (LightGBM's ``Tree::ExpectedValue``)."""
    if not tree.nodes:
        return float(tree.leaf_value[0])
    total = float(tree.internal_count[0])
    expected = 0.0
    for count, value in zip(tree.leaf_count.tolist(), tree.leaf_value.tolist()):
        expected += (count / total) * value
    return expected


# TreeSHAP's path: per element [feature, zero_fraction, one_fraction, path weight].
def _extend(path: list[list[float]], zero: float, one: float, feature: int) -> None:
    depth = len(path)
    path.append([feature, zero, one, 1.0 if depth == 0 else 0.0])
    for i in range(depth - 1, -1, -1):
        path[i + 1][3] += one * path[i][3] * (i + 1) / (depth + 1)
        path[i][3] = zero * path[i][3] * (depth - i) / (depth + 1)


def _unwind(path: list[list[float]], index: int) -> None:
    depth = len(path) - 1
    _, zero, one, _ = path[index]
    next_one = path[depth][3]
    for i in range(depth - 1, -1, -1):
        if one != 0:
            held = path[i][3]
            path[i][3] = next_one * (depth + 1) / ((i + 1) * one)
            next_one = held - path[i][3] * zero * (depth - i) / (depth + 1)
        else:
            path[i][3] = (path[i][3] * (depth + 1)) / (zero * (depth - i))
    for i in range(index, depth):
        path[i][:3] = path[i + 1][:3]
    path.pop()


def _unwound_sum(path: list[list[float]], index: int) -> float:
    depth = len(path) - 1
    _, zero, one, _ = path[index]
    next_one = path[depth][3]
    total = 0.0
    for i in range(depth - 1, -1, -1):
        if one != 0:
            part = next_one * (depth + 1) / ((i + 1) * one)
            total += part
            next_one = path[i][3] - part * zero * ((depth - i) / (depth + 1))
        else:
            total += (path[i][3] / zero) / ((depth - i) / (depth + 1))
    return total


def _tree_shap(tree: _ShapTree, row: list[float], phi: list[float], node: int,
               parent: list[list[float]], zero: float, one: float, feature: int) -> None:
    """Algorithm 2's RECURSE, in LightGBM's order (hot child first)."""
    path = [element[:] for element in parent]
    _extend(path, zero, one, feature)
    if node < 0:
        value = tree.leaf_value[~node]
        for i in range(1, len(path)):
            weight = _unwound_sum(path, i)
            phi[int(path[i][0])] += weight * (path[i][2] - path[i][1]) * value
        return
    split = tree.split_feature[node]
    hot = tree.decision(node, row[split])
    cold = tree.right_child[node] if hot == tree.left_child[node] else tree.left_child[node]
    cover = tree.internal_count[node]
    incoming_zero = incoming_one = 1.0
    # A feature split on again: undo its earlier split and redo it here.
    index = next((i for i, element in enumerate(path) if element[0] == split), None)
    if index is not None:
        incoming_zero, incoming_one = path[index][1], path[index][2]
        _unwind(path, index)
    _tree_shap(tree, row, phi, hot, path, tree.cover(hot) / cover * incoming_zero,
               incoming_one, split)
    _tree_shap(tree, row, phi, cold, path, tree.cover(cold) / cover * incoming_zero,
               0.0, split)


__all__ = ["ZERO_THRESHOLD", "Forest", "ForestError", "Tree", "native_forest"]
