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
        // In range: checked above.
        let nodes = (0..count).map(|i| Node {
            column: columns[i] as u32,
            threshold: thresholds[i],
            left: left[i] as i32,
            right: right[i] as i32,
            default_left: decision_types[i] & DEFAULT_LEFT != 0,
            missing: (decision_types[i] >> 2) & 3,
        }).collect();
        let roots = roots.iter().map(|&r| r as i32).collect();
        Ok(Forest { roots, nodes, leaf_values, cover: None })
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

    /// The raw score of one row: leaf values summed tree by tree, from 0.0 (the caller has
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

    /// Raw scores of rows given as bytes (see `rows`).
    ///
    /// Block by block of `BLOCK_ROWS` rows, tree by tree over the block's rows, eight rows
    /// walking the tree at once (their loads overlap); each row's sum still adds its trees'
    /// leaf values in tree order, as `raw_score` does. A block's values stay in cache while
    /// every tree walks them: tree by tree over all of a big page's rows (30,000 lines, 26 MB)
    /// read the whole page from memory once per tree and made time grow faster than size.
    pub fn predict_bytes(&self, data: &[u8], width: usize) -> Result<Vec<f64>, ForestError> {
        const BLOCK_ROWS: usize = 256;
        // The values read once, |x| <= kZeroThreshold as 0, for all trees.
        let values: Vec<f64> = self.rows(data, width)?
            .flat_map(|row| (0..width).map(move |column| zeroed(read(row, column))))
            .collect();
        let mut sums = vec![0.0; values.len() / width];
        for (rows, row_sums) in values.chunks(BLOCK_ROWS * width)
                                      .zip(sums.chunks_mut(BLOCK_ROWS)) {
            self.add_trees(rows, row_sums, width);
        }
        Ok(sums)
    }

    /// Adds every tree's leaf value, in tree order, to the sum of each of `rows` (`width`
    /// values each), eight rows walking a tree at once.
    fn add_trees(&self, rows: &[f64], row_sums: &mut [f64], width: usize) {
        const LANES: usize = 8;
        for &root in &self.roots {
            for (block, sums) in rows.chunks(LANES * width).zip(row_sums.chunks_mut(LANES)) {
                let mut at = [root; LANES];
                let lanes = sums.len();
                let mut walking = true;
                while walking {
                    walking = false;
                    for (k, at) in at.iter_mut().enumerate().take(lanes) {
                        if *at >= 0 {
                            let node = &self.nodes[*at as usize];
                            *at = node.child(block[k * width + node.column as usize]);
                            walking = true;
                        }
                    }
                }
                for (sum, &leaf) in sums.iter_mut().zip(&at) {
                    *sum += self.leaf_values[(!leaf) as usize];
                }
            }
        }
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
