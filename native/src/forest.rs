//! The arbiter's trees: LightGBM binary models evaluated exactly as LightGBM evaluates them.
//!
//! The reference is `cleanse/deciding/forest.py`, which parses the model text and hands the
//! flattened arrays over (one parser, one set of checks); see its docstring for why each step
//! gives LightGBM's score bit for bit. Here, as there: values with `|x| <= kZeroThreshold`
//! read as 0.0, each split is `Tree::NumericalDecision`, and the raw score is the leaf values
//! added tree by tree from 0.0.

/// LightGBM's `kZeroThreshold`: the float literal `1e-35f`, widened to double.
pub const ZERO_THRESHOLD: f64 = 1e-35_f32 as f64;
const DEFAULT_LEFT: u8 = 2;
const MISSING_ZERO: u8 = 1;
const MISSING_NAN: u8 = 2;

/// Value `column` of a row given as native-endian f64 bytes.
#[inline]
pub fn read(row: &[u8], column: usize) -> f64 {
    let at = column * 8;
    f64::from_ne_bytes(row[at..at + 8].try_into().expect("8 bytes"))
}

/// LightGBM's dense-row reader drops |x| <= kZeroThreshold: such a value reads as 0.
#[inline]
fn zeroed(x: f64) -> f64 {
    if x.abs() <= ZERO_THRESHOLD { 0.0 } else { x }
}

/// One split; `left`/`right` are global node indices (>= 0) or `!global leaf index` (< 0).
/// 24 bytes, so that more of the model stays in cache.
#[derive(Clone, Copy, Debug)]
struct Node {
    threshold: f64,
    left: i32,
    right: i32,
    column: u32,
    default_left: bool,
    missing: u8,
}

impl Node {
    /// LightGBM's `Tree::NumericalDecision`.
    #[inline]
    fn child(&self, value: f64) -> i32 {
        let value = if value.is_nan() && self.missing != MISSING_NAN { 0.0 } else { value };
        let is_missing = (self.missing == MISSING_ZERO && value.abs() <= ZERO_THRESHOLD)
            || (self.missing == MISSING_NAN && value.is_nan());
        let left = if is_missing { self.default_left } else { value <= self.threshold };
        if left { self.left } else { self.right }
    }
}

/// All trees of a model; each reads its features from given columns of the rows.
#[derive(Debug)]
pub struct Forest {
    roots: Vec<i32>,
    nodes: Vec<Node>,
    leaf_values: Vec<f64>,
    /// The splits arranged for `predict_bytes`.
    scorer: Scorer,
    /// Training-row counts and feature indices, for SHAP (`with_cover`).
    cover: Option<Cover>,
}

/// What TreeSHAP needs beyond the splits: training rows per node and leaf.
#[derive(Debug)]
struct Cover {
    internal_count: Vec<f64>,
    leaf_count: Vec<f64>,
    /// Per tree: its first leaf and its number of leaves.
    tree_leaves: Vec<(usize, usize)>,
    /// Per node: the model feature index (the column's position in the contributions).
    feature: Vec<usize>,
    features: usize,
}

/// The reason a set of arrays is not a forest.
#[derive(Debug, PartialEq, Eq)]
pub struct ForestError(pub String);

impl std::fmt::Display for ForestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

fn reaches(index: i64, nodes: usize, leaves: usize) -> bool {
    if index >= 0 { (index as usize) < nodes } else { ((!index) as usize) < leaves }
}

impl Forest {
    /// Builds a forest from the flattened arrays of `cleanse.deciding.forest.Forest`
    /// (`columns[i]` already maps node i's feature to a row column).
    pub fn new(roots: Vec<i64>, columns: Vec<usize>, thresholds: Vec<f64>,
               decision_types: Vec<u8>, left: Vec<i64>, right: Vec<i64>,
               leaf_values: Vec<f64>) -> Result<Forest, ForestError> {
        let count = columns.len();
        if [thresholds.len(), decision_types.len(), left.len(), right.len()]
            .iter().any(|&n| n != count) {
            return Err(ForestError("node arrays of different lengths".into()));
        }
        let leaves = leaf_values.len();
        if roots.iter().chain(&left).chain(&right).any(|&c| !reaches(c, count, leaves)) {
            return Err(ForestError("a child or root outside the forest".into()));
        }
        if decision_types.iter().any(|&d| d & 1 != 0 || (d >> 2) & 3 > MISSING_NAN || d > 15) {
            return Err(ForestError("only numerical splits are supported".into()));
        }
        // Every walk must end: a child always lies after its parent (LightGBM numbers nodes
        // so; the reference checks that the arrays form trees).
        if (0..count).any(|i| [left[i], right[i]].iter().any(|&c| c >= 0 && c as usize <= i)) {
            return Err(ForestError("a child before its parent".into()));
        }
        if count >= i32::MAX as usize || leaves >= i32::MAX as usize
            || columns.iter().any(|&c| c >= u32::MAX as usize) {
            return Err(ForestError("forest too large".into()));
        }
        // Every node and leaf in one place: the scorer numbers each tree's leaves left to
        // right, which a node shared by two parents would not allow.
        let mut parents = vec![0u8; count + leaves];
        for &c in roots.iter().chain(&left).chain(&right) {
            let at = if c >= 0 { c as usize } else { count + (!c) as usize };
            parents[at] += 1;
            if parents[at] > 1 {
                return Err(ForestError("a node or leaf reached from two places".into()));
            }
        }
        // In range: checked above.
        let nodes: Vec<Node> = (0..count).map(|i| Node {
            column: columns[i] as u32,
            threshold: thresholds[i],
            left: left[i] as i32,
            right: right[i] as i32,
            default_left: decision_types[i] & DEFAULT_LEFT != 0,
            missing: (decision_types[i] >> 2) & 3,
        }).collect();
        let roots: Vec<i32> = roots.iter().map(|&r| r as i32).collect();
        let scorer = Scorer::new(&roots, &nodes, &leaf_values);
        Ok(Forest { roots, nodes, leaf_values, scorer, cover: None })
    }

    /// The widest row the forest reads (one past its largest column).
    pub fn width(&self) -> usize {
        self.nodes.iter().map(|n| n.column as usize + 1).max().unwrap_or(0)
    }

    #[inline]
    fn leaf(&self, root: i32, value: impl Fn(usize) -> f64) -> usize {
        let mut at = root;
        while at >= 0 {
            let node = &self.nodes[at as usize];
            at = node.child(value(node.column as usize));
        }
        (!at) as usize
    }

    /// The raw score of one row by walking each tree (what `predict_bytes` must equal; its
    /// tests compare the two): leaf values summed tree by tree, from 0.0 (the caller has
    /// checked that the row is at least `width()` long).
    pub fn raw_score(&self, row: impl Fn(usize) -> f64) -> f64 {
        let mut sum = 0.0;
        for &root in &self.roots {
            sum += self.leaf_values[self.leaf(root, |column| zeroed(row(column)))];
        }
        sum
    }

    /// Rows stored row-major as native-endian f64 bytes, `width` per row, one slice each;
    /// an error unless they hold whole rows of at least `width()` columns.
    pub fn rows<'a>(&self, data: &'a [u8], width: usize)
                    -> Result<std::slice::ChunksExact<'a, u8>, ForestError> {
        let row_bytes = width * 8;
        if width < self.width() || row_bytes == 0 || !data.len().is_multiple_of(row_bytes) {
            return Err(ForestError(format!(
                "rows of {width} float64 values ({} bytes given) do not hold the model's {} \
                 columns", data.len(), self.width())));
        }
        Ok(data.chunks_exact(row_bytes))
    }

    /// Raw scores of rows given as bytes (see `rows`), two rows at a time through the `Scorer`.
    pub fn predict_bytes(&self, data: &[u8], width: usize) -> Result<Vec<f64>, ForestError> {
        let rows: Vec<&[u8]> = self.rows(data, width)?.collect();
        let mut bits = vec![[u64::MAX; 2]; self.scorer.slots];
        let mut sums = Vec::with_capacity(rows.len());
        for pair in rows.chunks(2) {
            // An odd last row is scored beside itself.
            let scores = self.scorer.raw_scores(self, [pair[0], pair[pair.len() - 1]], &mut bits);
            sums.extend(&scores[..pair.len()]);
        }
        Ok(sums)
    }

    /// Adds what TreeSHAP needs: node and leaf training-row counts, each node's model feature
    /// index, the number of model features, and per tree its first leaf and leaf count.
    pub fn with_cover(mut self, internal_count: Vec<f64>, leaf_count: Vec<f64>,
                      feature: Vec<usize>, features: usize,
                      tree_leaves: Vec<(usize, usize)>) -> Result<Forest, ForestError> {
        if internal_count.len() != self.nodes.len() || feature.len() != self.nodes.len()
            || leaf_count.len() != self.leaf_values.len() || tree_leaves.len() != self.roots.len()
            || feature.iter().any(|&f| f >= features)
            || tree_leaves.iter().any(|&(first, n)| n == 0 || first + n > leaf_count.len()) {
            return Err(ForestError("SHAP arrays do not fit the forest".into()));
        }
        self.cover = Some(Cover { internal_count, leaf_count, tree_leaves, feature, features });
        Ok(self)
    }

    /// SHAP contributions of one row: per model feature, then the expected raw score
    /// (LightGBM's `pred_contrib`, TreeSHAP as in Lundberg et al. 2018, Algorithm 2).
    pub fn contributions(&self, row: impl Fn(usize) -> f64) -> Result<Vec<f64>, ForestError> {
        let cover = self.cover.as_ref()
            .ok_or_else(|| ForestError("forest built without SHAP counts".into()))?;
        let value = |column: usize| zeroed(row(column));
        let mut phi = vec![0.0; cover.features + 1];
        for (t, &root) in self.roots.iter().enumerate() {
            let (first, count) = cover.tree_leaves[t];
            phi[cover.features] += self.expected_value(cover, root, first, count);
            if root >= 0 {
                let mut walk = Walk { forest: self, cover, value: &value, phi: &mut phi };
                walk.recurse(root, &[], 1.0, 1.0, usize::MAX);
            }
        }
        Ok(phi)
    }

    /// LightGBM's `Tree::ExpectedValue`: the mean leaf value over the training rows.
    fn expected_value(&self, cover: &Cover, root: i32, first: usize, count: usize) -> f64 {
        if root < 0 {
            return self.leaf_values[first];
        }
        let total = cover.internal_count[root as usize];
        let mut expected = 0.0;
        for leaf in first..first + count {
            expected += (cover.leaf_count[leaf] / total) * self.leaf_values[leaf];
        }
        expected
    }
}

/// The forest arranged for scoring many rows (QuickScorer: Lucchese et al., "QuickScorer: a
/// fast algorithm to rank documents with additive ensembles of regression trees", SIGIR 2015).
///
/// Instead of walking each tree, a row visits, column by column, the splits it fails (the
/// splits that would send it right), and each failed split clears, in its tree's bit set,
/// the leaves of its left subtree (leaves numbered left to right). The row's leaf in a tree
/// is then the lowest bit left set, the same leaf the walk reaches: the walk's leaf is never
/// cleared (a split whose left subtree holds it sends the row left on the walk's path, so the
/// row does not fail it), and every leaf to its left is (where the paths to the two leaves
/// part, the walk went right: the row fails that split, which clears the other leaf). Which
/// splits a row fails is `Node::child` itself, decided per value class:
///
/// - NaN and zero (values with `|x| <= kZeroThreshold` read as 0, so every zero is 0.0): the
///   splits of a column that send NaN, or 0.0, right are listed once, by asking `child`;
/// - any other value `v` (not NaN, not zero): no split treats it as missing, so `child` sends
///   it left exactly when `v <= threshold`. A column's splits are sorted NaN thresholds first
///   (`v <= NaN` is false: always failed), then by increasing threshold, so the failed ones
///   are the list up to the first split with `v <= threshold`; a binary search among the
///   column's distinct thresholds finds where that is.
///
/// The raw score then adds the trees' leaf values in tree order from 0.0, as the walk does.
/// A tree of more than 64 leaves (none in the arbiter's models, of 31) does not fit a bit set
/// of 64 and is walked.
///
/// On the arbiter's model a row fails about 3,000 of the 9,000 splits (a walk visits about
/// 1,800 nodes), but clearing is a load, an AND and a store with no branch, where each step
/// of a walk waits for the node it loads: about half the time per text capture.
#[derive(Debug)]
struct Scorer {
    /// Per column the forest reads (any order).
    columns: Vec<ColumnSplits>,
    /// The distinct thresholds a value other than NaN or zero is compared with, per column
    /// ascending (NaN thresholds left out: always failed).
    cuts: Vec<f64>,
    /// Per column and number of its cuts below a value: where the value's failed splits end.
    ends: Vec<usize>,
    /// (bit set, mask with the split's left subtree cleared): each column's splits in
    /// search order, then each column's splits that send zero, and NaN, right.
    actions: Vec<(u32, u64)>,
    /// Per tree in order: how its leaf is found.
    trees: Vec<TreeLeaf>,
    /// Leaf values of the bit-set trees, each tree's leaves left to right.
    ordered_values: Vec<f64>,
    /// Number of bit sets (trees of at most 64 leaves).
    slots: usize,
}

/// Where a column's splits are in a `Scorer`.
#[derive(Debug)]
struct ColumnSplits {
    /// The row column.
    column: usize,
    /// Its distinct thresholds in `cuts`.
    cuts: std::ops::Range<usize>,
    /// Its `cuts.len() + 1` ends in `ends` start here.
    ends: usize,
    /// Its first split in `actions` (a value's failed splits start there).
    start: usize,
    /// Its splits that send zero, and NaN, right, in `actions`.
    zero: std::ops::Range<usize>,
    nan: std::ops::Range<usize>,
}

#[derive(Clone, Copy, Debug)]
enum TreeLeaf {
    /// The lowest bit of bit set `slot`, the leaf's position in `ordered_values` from `first`.
    Bits { slot: usize, first: usize },
    /// Walked from this root.
    Walk(i32),
}

/// A split of a bit-set tree, with what it clears.
struct Placed {
    node: usize,
    slot: u32,
    mask: u64,
}

impl Scorer {
    fn new(roots: &[i32], nodes: &[Node], leaf_values: &[f64]) -> Scorer {
        let mut placed = Vec::new();
        let mut trees = Vec::with_capacity(roots.len());
        let mut ordered_values = Vec::new();
        let mut slots = 0;
        for &root in roots {
            match Self::leaves_in_order(root, nodes) {
                Some((leaves, left_ranges)) => {
                    let slot = slots as u32;
                    for (node, start, end) in left_ranges {
                        // A left subtree has at most 63 leaves (the right one has one), so
                        // the shift stays below 64.
                        let mask = !(((1u64 << (end - start)) - 1) << start);
                        placed.push(Placed { node, slot, mask });
                    }
                    trees.push(TreeLeaf::Bits { slot: slots, first: ordered_values.len() });
                    ordered_values.extend(leaves.iter().map(|&leaf| leaf_values[leaf]));
                    slots += 1;
                }
                None => trees.push(TreeLeaf::Walk(root)),
            }
        }
        // Column by column: its splits sorted as `failed` searches them, its cuts and ends,
        // and its zero and NaN lists (appended after all the sorted splits).
        placed.sort_by_key(|p| nodes[p.node].column);
        let (mut columns, mut actions, mut cleared) = (Vec::new(), Vec::new(), Vec::new());
        let (mut cuts, mut ends) = (Vec::new(), Vec::new());
        for on_column in placed.chunk_by(|a, b| nodes[a.node].column == nodes[b.node].column) {
            let mut sorted: Vec<(f64, &Placed)> = on_column.iter()
                .map(|p| (nodes[p.node].threshold, p)).collect();
            sorted.sort_by(|(a, _), (b, _)| {
                (!a.is_nan()).cmp(&!b.is_nan()).then(a.total_cmp(b))
            });
            let start = actions.len();
            let (first_cut, first_end) = (cuts.len(), ends.len());
            for (i, &(threshold, p)) in sorted.iter().enumerate() {
                // A new distinct threshold: the values above the ones before fail up to here.
                if !threshold.is_nan() && cuts[first_cut..].last().is_none_or(|&c| c < threshold) {
                    cuts.push(threshold);
                    ends.push(start + i);
                }
                actions.push((p.slot, p.mask));
            }
            ends.push(actions.len());
            let mut failing = |value: f64| {
                let from = cleared.len();
                cleared.extend(on_column.iter()
                    .filter(|p| nodes[p.node].child(value) == nodes[p.node].right)
                    .map(|p| (p.slot, p.mask)));
                from..cleared.len()
            };
            let (zero, nan) = (failing(0.0), failing(f64::NAN));
            columns.push(ColumnSplits {
                column: nodes[on_column[0].node].column as usize, cuts: first_cut..cuts.len(),
                ends: first_end, start, zero, nan,
            });
        }
        let base = actions.len();
        actions.extend(cleared);
        for column in &mut columns {
            column.zero = column.zero.start + base..column.zero.end + base;
            column.nan = column.nan.start + base..column.nan.end + base;
        }
        Scorer { columns, cuts, ends, actions, trees, ordered_values, slots }
    }

    /// The leaves of the tree at `root` left to right (global leaf indices) and, per node,
    /// the positions of its left subtree's leaves in that order; None above 64 leaves.
    #[allow(clippy::type_complexity)]
    fn leaves_in_order(root: i32, nodes: &[Node])
                       -> Option<(Vec<usize>, Vec<(usize, usize, usize)>)> {
        const MAX_LEAVES: usize = 64;
        // Depth first, left before right (an explicit stack: a tree may be deep). Each node
        // is entered once (`Forest::new` checked that), so this stops after 65 leaves.
        let mut leaves = Vec::new();
        let mut left_ranges = Vec::new();
        // (subtree, and for a right child: its parent and where the parent's left subtree's
        // leaves began, a range that ends where the right child's begin)
        let mut stack: Vec<(i32, Option<(usize, usize)>)> = vec![(root, None)];
        while let Some((at, after_left)) = stack.pop() {
            if let Some((parent, start)) = after_left {
                left_ranges.push((parent, start, leaves.len()));
            }
            if at >= 0 {
                let node = &nodes[at as usize];
                stack.push((node.right, Some((at as usize, leaves.len()))));
                stack.push((node.left, None));
            } else {
                leaves.push((!at) as usize);
                if leaves.len() > MAX_LEAVES {
                    return None;
                }
            }
        }
        Some((leaves, left_ranges))
    }

    /// The range of `actions` (the failed splits) of `value` (already zeroed) on `column`.
    #[inline]
    fn failed(&self, column: &ColumnSplits, value: f64) -> std::ops::Range<usize> {
        if value == 0.0 {
            column.zero.clone()
        } else if value.is_nan() {
            column.nan.clone()
        } else {
            // Neither is NaN here: `cut < value` is "not `value <= cut`", a failed split.
            let below = self.cuts[column.cuts.clone()].partition_point(|&cut| cut < value);
            column.start..self.ends[column.ends + below]
        }
    }

    /// The raw scores of two rows; `bits` holds two u64 per slot (reset here). Two rows at
    /// once: their bit sets are apart, so the two rows' clearing overlaps.
    #[inline]
    fn raw_scores(&self, forest: &Forest, rows: [&[u8]; 2], bits: &mut [[u64; 2]]) -> [f64; 2] {
        bits.fill([u64::MAX; 2]);
        for column in &self.columns {
            let a = self.failed(column, zeroed(read(rows[0], column.column)));
            let b = self.failed(column, zeroed(read(rows[1], column.column)));
            let both = a.len().min(b.len());
            for (&(slot_a, mask_a), &(slot_b, mask_b)) in self.actions[a.start..a.start + both]
                    .iter().zip(&self.actions[b.start..b.start + both]) {
                bits[slot_a as usize][0] &= mask_a;
                bits[slot_b as usize][1] &= mask_b;
            }
            for &(slot, mask) in &self.actions[a.start + both..a.end] {
                bits[slot as usize][0] &= mask;
            }
            for &(slot, mask) in &self.actions[b.start + both..b.end] {
                bits[slot as usize][1] &= mask;
            }
        }
        let mut sums = [0.0; 2];
        for tree in &self.trees {
            for (k, sum) in sums.iter_mut().enumerate() {
                *sum += match *tree {
                    TreeLeaf::Bits { slot, first } =>
                        self.ordered_values[first + bits[slot][k].trailing_zeros() as usize],
                    TreeLeaf::Walk(root) =>
                        forest.leaf_values[forest.leaf(root, |c| zeroed(read(rows[k], c)))],
                };
            }
        }
        sums
    }
}

/// TreeSHAP's path element: feature (usize::MAX for the root), zero and one fractions,
/// path weight.
#[derive(Clone, Copy)]
struct Element {
    feature: usize,
    zero: f64,
    one: f64,
    weight: f64,
}

struct Walk<'a, F: Fn(usize) -> f64> {
    forest: &'a Forest,
    cover: &'a Cover,
    value: &'a F,
    phi: &'a mut Vec<f64>,
}

impl<F: Fn(usize) -> f64> Walk<'_, F> {
    fn count(&self, node: i32) -> f64 {
        if node >= 0 {
            self.cover.internal_count[node as usize]
        } else {
            self.cover.leaf_count[(!node) as usize]
        }
    }

    /// Algorithm 2's RECURSE, in LightGBM's order (hot child first) and arithmetic.
    fn recurse(&mut self, node: i32, parent: &[Element], zero: f64, one: f64, feature: usize) {
        let mut path = parent.to_vec();
        extend(&mut path, zero, one, feature);
        if node < 0 {
            let leaf_value = self.forest.leaf_values[(!node) as usize];
            for i in 1..path.len() {
                let weight = unwound_sum(&path, i);
                let e = path[i];
                self.phi[e.feature] += weight * (e.one - e.zero) * leaf_value;
            }
            return;
        }
        let at = node as usize;
        let split = &self.forest.nodes[at];
        let split_feature = self.cover.feature[at];
        let hot = split.child((self.value)(split.column as usize));
        let cold = if hot == split.left { split.right } else { split.left };
        let total = self.cover.internal_count[at];
        let (mut incoming_zero, mut incoming_one) = (1.0, 1.0);
        // A feature split on again: undo its earlier split and redo it here.
        if let Some(index) = path.iter().position(|e| e.feature == split_feature) {
            incoming_zero = path[index].zero;
            incoming_one = path[index].one;
            unwind(&mut path, index);
        }
        let hot_zero = self.count(hot) / total * incoming_zero;
        let cold_zero = self.count(cold) / total * incoming_zero;
        self.recurse(hot, &path, hot_zero, incoming_one, split_feature);
        self.recurse(cold, &path, cold_zero, 0.0, split_feature);
    }
}

fn extend(path: &mut Vec<Element>, zero: f64, one: f64, feature: usize) {
    let depth = path.len();
    path.push(Element { feature, zero, one, weight: if depth == 0 { 1.0 } else { 0.0 } });
    for i in (0..depth).rev() {
        path[i + 1].weight += one * path[i].weight * (i + 1) as f64 / (depth + 1) as f64;
        path[i].weight = zero * path[i].weight * (depth - i) as f64 / (depth + 1) as f64;
    }
}

fn unwind(path: &mut Vec<Element>, index: usize) {
    let depth = path.len() - 1;
    let Element { zero, one, .. } = path[index];
    let mut next_one = path[depth].weight;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let held = path[i].weight;
            path[i].weight = next_one * (depth + 1) as f64 / ((i + 1) as f64 * one);
            next_one = held - path[i].weight * zero * (depth - i) as f64 / (depth + 1) as f64;
        } else {
            path[i].weight = (path[i].weight * (depth + 1) as f64) / (zero * (depth - i) as f64);
        }
    }
    for i in index..depth {
        let next = path[i + 1];
        path[i] = Element { weight: path[i].weight, ..next };
    }
    path.pop();
}

fn unwound_sum(path: &[Element], index: usize) -> f64 {
    let depth = path.len() - 1;
    let Element { zero, one, .. } = path[index];
    let mut next_one = path[depth].weight;
    let mut total = 0.0;
    for i in (0..depth).rev() {
        if one != 0.0 {
            let part = next_one * (depth + 1) as f64 / ((i + 1) as f64 * one);
            total += part;
            next_one = path[i].weight - part * zero * ((depth - i) as f64 / (depth + 1) as f64);
        } else {
            total += (path[i].weight / zero) / ((depth - i) as f64 / (depth + 1) as f64);
        }
    }
    total
}

#[cfg(test)]
mod tests {
    use super::*;

    /// x0 <= 0.5 ? (x1 <= 2 (NaN left) ? 1 : 2) : 3, and a one-leaf tree of 0.25.
    fn small() -> Forest {
        Forest::new(vec![0, !3], vec![0, 1], vec![0.5, 2.0], vec![0, 2 | (MISSING_NAN << 2)],
                    vec![1, !0], vec![!2, !1], vec![1.0, 2.0, 3.0, 0.25]).unwrap()
    }

    #[test]
    fn splits_and_sums_like_lightgbm() {
        let forest = small();
        let score = |row: [f64; 2]| forest.raw_score(|c| row[c]);
        assert_eq!(score([0.0, 0.0]), 1.25);
        assert_eq!(score([0.0, 3.0]), 2.25);
        assert_eq!(score([0.0, f64::NAN]), 1.25); // missing type NaN, default left
        assert_eq!(score([f64::NAN, 3.0]), 2.25); // NaN reads as 0.0 without NaN handling
        assert_eq!(score([0.6, 0.0]), 3.25);
        assert_eq!(score([f64::INFINITY, 0.0]), 3.25);
    }

    #[test]
    fn refuses_what_is_not_a_forest() {
        let categorical = Forest::new(vec![0], vec![0], vec![0.5], vec![1], vec![!0], vec![!1],
                                      vec![1.0, 2.0]);
        assert!(categorical.is_err());
        let outside = Forest::new(vec![0], vec![0], vec![0.5], vec![0], vec![!0], vec![!5],
                                  vec![1.0, 2.0]);
        assert!(outside.is_err());
        let cycle = Forest::new(vec![0], vec![0], vec![0.5], vec![0], vec![0], vec![!1],
                                vec![1.0, 2.0]);
        assert!(cycle.is_err());
    }

    /// A small deterministic generator (an LCG's high bits), for the tests below.
    struct Lcg(u64);

    impl Lcg {
        fn below(&mut self, n: usize) -> usize {
            self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            ((self.0 >> 33) as usize) % n
        }
    }

    /// Trees of `leaf_counts` leaves grown as LightGBM grows them (a leaf splits into a new
    /// node, keeping its index on the left and a new leaf on the right), over `columns`
    /// columns, with thresholds from a few values (ties), NaN thresholds and every numerical
    /// decision type; and rows of those thresholds, their neighbours, zeros, values around
    /// kZeroThreshold, NaN and infinities.
    fn random_forest(rng: &mut Lcg, leaf_counts: &[usize], columns: usize)
                     -> (Forest, Vec<f64>) {
        let palette = [-2.5, -1.0, -1e-300, 0.0, 1e-35, 0.5, 0.5, 3.0, 1e300, f64::NAN];
        let (mut roots, mut column, mut threshold, mut decision) = (vec![], vec![], vec![], vec![]);
        let (mut left, mut right, mut leaf_values) = (vec![], vec![], vec![]);
        for &leaves in leaf_counts {
            let (node_base, leaf_base) = (column.len() as i64, leaf_values.len() as i64);
            // Local children of the tree's nodes; which node (and side) points at each leaf.
            let (mut l, mut r): (Vec<i64>, Vec<i64>) = (vec![], vec![]);
            let mut parent_of: Vec<Option<(usize, bool)>> = vec![None];
            for new_leaf in 1..leaves {
                let split = rng.below(new_leaf);
                let node = l.len() as i64;
                match parent_of[split] {
                    Some((p, true)) => l[p] = node,
                    Some((p, false)) => r[p] = node,
                    None => {}
                }
                l.push(!(split as i64));
                r.push(!(new_leaf as i64));
                parent_of[split] = Some((node as usize, true));
                parent_of.push(Some((node as usize, false)));
                column.push(rng.below(columns));
                threshold.push(palette[rng.below(palette.len())]);
                decision.push([0, 2, 4, 6, 8, 10][rng.below(6)]);
            }
            let global = |c: i64| if c >= 0 { c + node_base } else { !(!c + leaf_base) };
            roots.push(if leaves > 1 { node_base } else { !leaf_base });
            left.extend(l.iter().map(|&c| global(c)));
            right.extend(r.iter().map(|&c| global(c)));
            leaf_values.extend((0..leaves).map(|_| rng.below(1000) as f64 / 7.0 - 70.0));
        }
        let forest = Forest::new(roots, column, threshold.clone(), decision, left, right,
                                 leaf_values).unwrap();
        let mut values: Vec<f64> = threshold.iter().filter(|t| !t.is_nan())
            .flat_map(|&t| [t, t.next_up(), t.next_down()]).collect();
        values.extend([0.0, -0.0, ZERO_THRESHOLD, -ZERO_THRESHOLD, 5e-36, f64::NAN,
                       f64::INFINITY, f64::NEG_INFINITY, 7.25]);
        (forest, values)
    }

    #[test]
    fn scoring_many_rows_is_walking_each_tree() {
        let mut rng = Lcg(17);
        // Trees of 1 to 64 leaves share bit sets; trees of 65 and 90 are walked.
        let leaf_counts = [1, 2, 31, 64, 65, 3, 90, 31, 17, 8];
        for columns in [1, 3, 6] {
            let (forest, values) = random_forest(&mut rng, &leaf_counts, columns);
            assert!(forest.scorer.trees.iter().any(|t| matches!(t, TreeLeaf::Walk(_))));
            let width = columns + 1;
            // An odd number of rows: the last is scored beside itself.
            let rows: Vec<f64> = (0..501 * width).map(|_| values[rng.below(values.len())])
                                                  .collect();
            let data: Vec<u8> = rows.iter().flat_map(|v| v.to_ne_bytes()).collect();
            let scores = forest.predict_bytes(&data, width).unwrap();
            assert_eq!(scores.len(), 501);
            for (row, score) in rows.chunks(width).zip(scores) {
                let walked = forest.raw_score(|c| row[c]);
                assert_eq!(score.to_bits(), walked.to_bits(), "{row:?}");
            }
        }
    }

    #[test]
    fn refuses_a_node_reached_twice() {
        let shared = Forest::new(vec![0], vec![0, 0], vec![0.5, 1.0], vec![0, 0],
                                 vec![1, !0], vec![1, !1], vec![1.0, 2.0]);
        assert!(shared.is_err());
    }

    #[test]
    fn contributions_add_up_to_the_score() {
        let forest = small().with_cover(vec![10.0, 6.0], vec![2.0, 4.0, 4.0, 1.0],
                                        vec![0, 1], 2, vec![(0, 3), (3, 1)]).unwrap();
        for row in [[0.0, 0.0], [0.0, 3.0], [0.7, 1.0]] {
            let phi = forest.contributions(|c| row[c]).unwrap();
            let total: f64 = phi.iter().sum();
            assert!((total - forest.raw_score(|c| row[c])).abs() < 1e-12, "{phi:?}");
        }
    }
}

/// The Python class `cleanse._native.Forest` (built by `cleanse.deciding.forest.native_forest`).
#[cfg(feature = "python")]
pub mod python {
    use pyo3::exceptions::PyValueError;
    use pyo3::prelude::*;

    use super::{read, Forest, ForestError};

    impl From<ForestError> for PyErr {
        fn from(error: ForestError) -> PyErr {
            PyValueError::new_err(error.0)
        }
    }

    /// A model's trees: `predict` gives raw scores, `contributions` SHAP values, for rows
    /// given as the bytes of a C-contiguous float64 array of `width` columns.
    #[pyclass(frozen, name = "Forest", module = "cleanse._native")]
    pub struct PyForest {
        forest: Forest,
    }

    #[pymethods]
    impl PyForest {
        /// The flattened arrays of `cleanse.deciding.forest.Forest`; `columns[i]` is the row
        /// column node i reads, `features[i]` its model feature, `tree_leaves[t]` tree t's
        /// first leaf and leaf count.
        #[new]
        #[allow(clippy::too_many_arguments)]
        fn new(roots: Vec<i64>, columns: Vec<usize>, thresholds: Vec<f64>,
               decision_types: Vec<u8>, left: Vec<i64>, right: Vec<i64>,
               leaf_values: Vec<f64>, internal_count: Vec<f64>, leaf_count: Vec<f64>,
               features: Vec<usize>, feature_count: usize, tree_leaves: Vec<(usize, usize)>)
               -> PyResult<Self> {
            let forest = Forest::new(roots, columns, thresholds, decision_types, left, right,
                                     leaf_values)?
                .with_cover(internal_count, leaf_count, features, feature_count, tree_leaves)?;
            Ok(PyForest { forest })
        }

        /// Raw scores (leaf values summed tree by tree), one per row.
        fn predict(&self, rows: &[u8], width: usize) -> PyResult<Vec<f64>> {
            Ok(self.forest.predict_bytes(rows, width)?)
        }

        /// SHAP values per row: one per model feature, then the expected raw score.
        fn contributions(&self, rows: &[u8], width: usize) -> PyResult<Vec<Vec<f64>>> {
            self.forest.rows(rows, width)?
                .map(|row| Ok(self.forest.contributions(|column| read(row, column))?))
                .collect()
        }
    }
}
