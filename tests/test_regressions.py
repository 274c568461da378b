"""Cleaned output of every seed, compared with the reviewed records in tests/test_regressions/."""

from __future__ import annotations

import cleanse


def test_seed_output_is_unchanged(seed, data_regression):
    path, text, _, _ = seed
    record = cleanse.clean(text, source=path.name).to_dict()
    data_regression.check(record, basename=path.name.split("_")[0])
