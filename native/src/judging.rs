//! The arbiter's judging steps after the trees (`cleanse.deciding.arbiter`): numpy's sums as
//! numpy adds them, and the runs a text capture decides whole (`_decide_runs_whole`, whose
//! Python side is in `python.rs`).

/// numpy's `pairwise_sum` of float64 (`numpy/_core/src/umath/loops_utils.h.src`), which
/// `np.add.reduce` (so `ndarray.sum`) runs on a contiguous vector: fewer than 8 values added
/// in order from -0.0; up to 128 in eight interleaved accumulators, added as
/// `((r0 + r1) + (r2 + r3)) + ((r4 + r5) + (r6 + r7))`, then the rest in order; a longer
/// vector split in two halves (the first a multiple of 8 long) summed apart and added.
pub fn pairwise_sum(values: &[f64]) -> f64 {
    let n = values.len();
    if n < 8 {
        let mut total = -0.0;
        for &value in values {
            total += value;
        }
        total
    } else if n <= 128 {
        let mut r = [0.0f64; 8];
        r.copy_from_slice(&values[..8]);
        let whole = n - n % 8;
        let mut i = 8;
        while i < whole {
            for (k, slot) in r.iter_mut().enumerate() {
                *slot += values[i + k];
            }
            i += 8;
        }
        let mut total = ((r[0] + r[1]) + (r[2] + r[3])) + ((r[4] + r[5]) + (r[6] + r[7]));
        for &value in &values[whole..] {
            total += value;
        }
        total
    } else {
        let mut half = n / 2;
        half -= half % 8;
        pairwise_sum(&values[..half]) + pairwise_sum(&values[half..])
    }
}

/// `float(np.average(values, weights=weights))` of float64 values and integer weights
/// (`np.average`: the weights summed as float64, the products `values * weights` summed by
/// `ndarray.sum` -- the reduction's start 0.0 plus numpy's pairwise sum --, one division).
/// `None` when the weights sum to zero (where `np.average` raises).
pub fn weighted_mean(values: &[f64], weights: &[i64]) -> Option<f64> {
    debug_assert_eq!(values.len(), weights.len());
    let as_floats: Vec<f64> = weights.iter().map(|&w| w as f64).collect();
    let scale = 0.0 + pairwise_sum(&as_floats);
    if scale == 0.0 {
        return None;
    }
    let products: Vec<f64> = values.iter().zip(&as_floats).map(|(v, w)| v * w).collect();
    Some((0.0 + pairwise_sum(&products)) / scale)
}

/// The runs of `_decide_runs_whole`: given each line's key (`None`, or an id such that two
/// lines' ids are equal exactly when their keys are), the `(start, stop)` of every run of
/// `run_lines` or more consecutive lines of one key, in order.
pub fn runs_of_keys(keys: &[Option<usize>], run_lines: usize) -> Vec<(usize, usize)> {
    let mut runs = Vec::new();
    let mut start = 0;
    while start < keys.len() {
        let mut stop = start + 1;
        if let Some(key) = keys[start] {
            while stop < keys.len() && keys[stop] == Some(key) {
                stop += 1;
            }
            if stop - start >= run_lines {
                runs.push((start, stop));
            }
        }
        start = stop;
    }
    runs
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_sums_are_in_order() {
        assert_eq!(pairwise_sum(&[]).to_bits(), (-0.0f64).to_bits());
        assert_eq!(pairwise_sum(&[0.1, 0.2, 0.3]), (0.1 + 0.2) + 0.3);
    }

    #[test]
    fn blocks_use_eight_accumulators() {
        let values: Vec<f64> = (0..13).map(|i| 1.0 / (i as f64 + 3.0)).collect();
        // 13 values: one block of 8 (13 - 13 % 8 = 8), then the other 5 in order.
        let mut expected = ((values[0] + values[1]) + (values[2] + values[3]))
            + ((values[4] + values[5]) + (values[6] + values[7]));
        for v in &values[8..] {
            expected += v;
        }
        assert_eq!(pairwise_sum(&values), expected);
    }

    #[test]
    fn runs_need_enough_lines() {
        let keys = [None, Some(1), Some(1), Some(1), Some(2), Some(2), None, Some(3), Some(3),
                    Some(3), Some(3)];
        assert_eq!(runs_of_keys(&keys, 3), vec![(1, 4), (7, 11)]);
        assert_eq!(runs_of_keys(&keys, 2), vec![(1, 4), (4, 6), (7, 11)]);
    }
}
