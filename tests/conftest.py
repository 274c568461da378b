from __future__ import annotations

import json
from pathlib import Path

import pytest

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures"
SEEDS = sorted((FIXTURES / "seeds").glob("*.txt"))


def seed_id(path: Path) -> str:
    return path.name.split("_")[0]


@pytest.fixture(params=SEEDS, ids=seed_id)
def seed(request):
    """(path, text, labels, expected) for one bundled seed capture."""
    from cleanse.evaluation import read_labels

    path: Path = request.param
    stem = path.name[: -len(".txt")]
    labels = read_labels(path.with_name(stem + ".labels.tsv"))
    expected = json.loads(path.with_name(stem + ".expected.json").read_text("utf-8"))
    return path, path.read_text("utf-8"), labels, expected


@pytest.fixture()
def folder(tmp_path):
    """Six short zh-Hans and en captures in one folder."""
    from helpers import EN, ZH_HANS, page

    root = tmp_path / "in"
    root.mkdir()
    for i in range(6):
        body = EN if i % 2 else ZH_HANS
        (root / f"{i:02d}.txt").write_text(page(f"Story {i}", *body), "utf-8")
    return root
