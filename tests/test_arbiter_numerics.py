"""The arbiter's faster numerics give exactly what the slower ones gave: the page-threshold
model's summary counts probabilities as numpy's histogram does (the model was trained on
numpy's histograms), its dot product is ``a @ b`` up to 10,000 lines and never wakes BLAS
threads, and a verdict's probability is ``round(p, 3)`` however it is rounded."""

from __future__ import annotations

from typing import ClassVar

import numpy as np
import pytest

from cleanse.deciding.arbiter import (
    _BIN_EDGES,
    _DOT_BLOCK,
    _dot,
    _histograms,
    _rounded,
    page_summary,
)


def _pages() -> list[tuple[np.ndarray, np.ndarray]]:
    rng = np.random.default_rng(17)
    pages = []
    for size in (1, 2, 7, 260, 3000):
        probabilities = rng.random(size)
        pages.append((probabilities, 1.0 + rng.integers(0, 400, size).astype(np.float64)))
        # Ties, the bins' edges themselves (0.1 * k is not exactly an edge), 0 and 1, and
        # weights whose sums round differently in different orders.
        edges = rng.choice(np.concatenate((_BIN_EDGES, 0.1 * np.arange(11), [0.0, 1.0])), size)
        pages.append((edges, rng.random(size) * 10.0 ** rng.integers(-8, 8, size)))
    return pages


@pytest.mark.parametrize("probabilities, weights", _pages())
def test_the_histograms_are_numpys_bit_for_bit(probabilities, weights):
    token_sums, line_counts = _histograms(probabilities, weights)
    expected_sums = np.histogram(probabilities, _BIN_EDGES, weights=weights)[0]
    expected_counts = np.histogram(probabilities, _BIN_EDGES)[0]
    assert token_sums.dtype == expected_sums.dtype and line_counts.dtype == expected_counts.dtype
    assert token_sums.tobytes() == expected_sums.tobytes()
    assert line_counts.tobytes() == expected_counts.tobytes()


def test_probabilities_are_rounded_as_round_rounds_them():
    rng = np.random.default_rng(17)
    thousandths = rng.integers(0, 1001, 20_000) / 1000
    halves = (rng.integers(0, 1000, 20_000) + 0.5) / 1000  # ties, as far as floats tell
    values = np.concatenate((
        rng.random(100_000), thousandths, halves, np.nextafter(halves, 2.0),
        np.nextafter(halves, -1.0), rng.random(1000) * 1e-4, -rng.random(1000),
        [0.0, -0.0, 1.0, 0.0005, 0.0015, 0.9995, 1.0005, -1.5, 2.5e6, np.nan, np.inf]))
    found = _rounded(values)
    expected = [round(value, 3) for value in values.tolist()]
    # Compared as bytes: -0.0 and 0.0 must not pass for each other, and NaN must match NaN.
    assert np.array(found).tobytes() == np.array(expected).tobytes()


class _Recording(np.ndarray):
    """A vector that notes the length of each ``@`` it takes part in."""

    lengths: ClassVar[list[int]] = []

    def __matmul__(self, other):
        _Recording.lengths.append(len(self))
        return np.asarray(self) @ np.asarray(other)


@pytest.mark.parametrize("size", [1, 7, 260, _DOT_BLOCK - 1, _DOT_BLOCK, _DOT_BLOCK + 1,
                                  3 * _DOT_BLOCK + 17])
def test_the_summary_dot_is_one_blas_call_up_to_the_block_and_never_longer(size):
    rng = np.random.default_rng(size)
    a, b = rng.random(size) * 400.0, rng.random(size)
    _Recording.lengths = []
    found = _dot(a.view(_Recording), b.view(_Recording))
    assert max(_Recording.lengths) <= _DOT_BLOCK  # OpenBLAS threads a dot above 10,000
    assert isinstance(found, float)
    if size <= _DOT_BLOCK:
        assert _Recording.lengths == [size]
        assert np.float64(found).tobytes() == np.float64(a @ b).tobytes()  # as it always was
    else:
        blocks = [float(a[i:i + _DOT_BLOCK] @ b[i:i + _DOT_BLOCK]) for i in range(0, size,
                                                                             _DOT_BLOCK)]
        total = 0.0
        for block in blocks:
            total += block
        assert found == total and found == pytest.approx(float(a @ b), rel=1e-12)


def test_a_long_pages_summary_does_not_depend_on_the_number_of_blas_threads():
    threadpoolctl = pytest.importorskip("threadpoolctl")
    rng = np.random.default_rng(3)
    probabilities, weights = rng.random(25_000), 1.0 + rng.integers(0, 400, 25_000) * 1.0
    summary = page_summary(probabilities, weights, False)
    with threadpoolctl.threadpool_limits(1, user_api="blas"):
        assert page_summary(probabilities, weights, False) == summary
