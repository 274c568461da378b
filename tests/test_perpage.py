"""benchmarks/perpage.py's comparison of two score files (the scoring is quality.py's)."""

from __future__ import annotations

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from perpage import beyond_scatter, compare, groups, moves


def page(dataset: str, kind: str, **f1: float) -> dict:
    return {"dataset": dataset, "type": kind, "lang": "en",
            **{rendering: {"f1": value} for rendering, value in f1.items()}}


BEFORE = {"wcxb_dev/1": page("wcxb_dev", "forum", html=0.5, text=0.4),
          "wcxb_dev/2": page("wcxb_dev", "article", html=0.9, text=0.8),
          "aeb/1": page("aeb", "article", html=1.0)}
AFTER = {"wcxb_dev/1": page("wcxb_dev", "forum", html=0.7, text=0.4),
         "wcxb_dev/2": page("wcxb_dev", "article", html=0.8, text=0.8),
         "aeb/1": page("aeb", "article", html=1.0, text=0.9)}


def test_groups_are_the_datasets_and_the_wcxb_page_types():
    assert groups(BEFORE) == {"aeb": ["aeb/1"], "wcxb_dev": ["wcxb_dev/1", "wcxb_dev/2"],
                              "wcxb_dev/article": ["wcxb_dev/2"],
                              "wcxb_dev/forum": ["wcxb_dev/1"]}


def test_moves_pair_the_renderings_both_files_scored():
    found = moves(BEFORE, AFTER)
    # aeb/1's text is scored after only: no move; the rest in ascending order.
    assert [(round(d, 3), key, r) for d, key, r in found] == [
        (-0.1, "wcxb_dev/2", "html"), (0.0, "aeb/1", "html"), (0.0, "wcxb_dev/1", "text"),
        (0.0, "wcxb_dev/2", "text"), (0.2, "wcxb_dev/1", "html")]


def test_compare_reports_group_means_and_the_moved_pages():
    report = compare(BEFORE, AFTER, top=5)
    wcxb = next(line for line in report.splitlines() if line.startswith("wcxb_dev "))
    assert "0.7000 -> 0.7500 +0.0500" in wcxb and "0.6000 -> 0.6000 +0.0000" in wcxb
    assert "2 page renderings moved, 1 up" in report
    assert "+0.200 wcxb_dev/1 html (forum) 0.500 -> 0.700" in report


def test_a_move_is_marked_only_beyond_the_pages_scatter():
    assert beyond_scatter([0.01, 0.02, 0.01, 0.015])       # small, but every page agrees
    assert not beyond_scatter([0.3, -0.2, 0.0, -0.05])      # one page's luck
    assert not beyond_scatter([0.2])                         # one page: no scatter to measure
    assert not beyond_scatter([0.0, 0.0, 0.0])
    report = compare(BEFORE, AFTER, top=5)
    forum = next(line for line in report.splitlines() if line.startswith("wcxb_dev/forum"))
    assert "+0.2000 " in forum and "*" not in forum          # a single page
