"""The training code's guarantees: folds never split a site, calibration is monotone,
tables round-trip, every page weighs the same. Small invented tables; no bench data needed."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from cleanse.deciding.arbiter import PAGE_SUMMARY
from cleanse.deciding.evidence import FEATURES
from training.corpus import SeedPage, markdown_of
from training.dataset import PAGE_WEIGHT, Table, _seed_rows
from training.train import (
    LINKED,
    LINKED_SHARE,
    LINKED_WITHOUT,
    THRESHOLD_BASE,
    THRESHOLD_CANDIDATES,
    calibration,
    fit,
    fold_of_pages,
    linked_rows,
    page_threshold_rows,
    subset,
    train_route,
)


def invented_table(pages: int = 40, lines: int = 12, seed: int = 3) -> Table:
    rng = np.random.default_rng(seed)
    keys = [f"set/{i:03d}" for i in range(pages)]
    group = {key: f"site{i % 13}.example" for i, key in enumerate(keys)}
    X = rng.random((pages * lines, len(FEATURES))).astype(np.float32)
    y = (X[:, 0] > 0.5).astype(np.float32)  # learnable from one column
    page = np.repeat(keys, lines)
    kind = np.array(["html", "text"] * (pages * lines // 2))
    weight = np.full(pages * lines, PAGE_WEIGHT / lines, dtype=np.float32)
    return Table(X, y, weight, page, kind, group)


def test_captures_that_mark_their_links_route_to_the_linked_model_whole():
    table = invented_table()
    share = table.X[:, FEATURES.index("page_link_markup_share")]
    share[:] = 0.0
    share[table.page == "set/001"] = LINKED_SHARE  # a page column: every line of the page
    share[table.page == "set/002"] = LINKED_SHARE / 2
    share[table.kind == "html"] = np.nan
    linked = linked_rows(table)
    assert set(table.page[linked].tolist()) == {"set/001"}
    assert set(table.kind[linked].tolist()) == {"text"}
    part = subset(table, ~linked)
    assert len(part.y) == len(table.y) - linked.sum() and part.X.shape[1] == len(FEATURES)
    assert part.group == table.group  # every page keeps its site, hence its fold
    assert fold_of_pages(part) == fold_of_pages(table)
    # A table without some columns (--without) finds the routing column among its own.
    columns = [f for f in FEATURES if f != "log_chars"]
    narrow = subset(table, np.ones(len(table.y), dtype=bool),
                    [FEATURES.index(f) for f in columns])
    assert np.array_equal(linked_rows(narrow, columns), linked)


def test_folds_never_put_one_site_on_both_sides():
    table = invented_table()
    folds = fold_of_pages(table, folds=5)
    assert set(folds) == set(table.group)
    fold_of_site: dict[str, set[int]] = {}
    for key, fold in folds.items():
        fold_of_site.setdefault(table.group[key], set()).add(fold)
    assert all(len(f) == 1 for f in fold_of_site.values())
    assert len(set(folds.values())) == 5


def test_calibration_is_a_monotone_table_within_zero_and_one():
    rng = np.random.default_rng(0)
    raw = rng.random(2000)
    y = (rng.random(2000) < raw ** 2).astype(float)  # over-confident raw scores
    table = calibration(raw, y, np.ones_like(raw))
    xs, ys = np.array(table["x"]), np.array(table["y"])
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) >= 0)
    assert ys.min() >= 0.0 and ys.max() <= 1.0
    assert np.interp(0.5, xs, ys) < 0.4  # it corrected the over-confidence


def test_a_table_round_trips_through_its_file(tmp_path):
    table = invented_table(pages=6)
    table.save(tmp_path / "table.npz")
    again = Table.load(tmp_path / "table.npz")
    assert np.array_equal(again.X, table.X) and np.array_equal(again.y, table.y)
    assert again.page.tolist() == table.page.tolist() and again.group == table.group


def test_a_model_learns_the_invented_rule_deterministically():
    table = invented_table()
    first = fit(table.X, table.y, table.weight).predict(table.X[:50])
    second = fit(table.X, table.y, table.weight).predict(table.X[:50])
    assert np.array_equal(first, second)
    assert np.mean((first >= 0.5) == (table.y[:50] >= 0.5)) > 0.9


def test_page_threshold_rows_measure_each_candidate_against_the_base():
    """A listing-like page whose article lines sit at 0.3-0.4 gains from a low threshold; an
    article whose lines are sure gains nothing; crop rows are not scored."""
    listing_p = [0.35, 0.32, 0.38, 0.05, 0.1]
    article_p = [0.9, 0.95, 0.85, 0.1, 0.05]
    y = np.array([1, 1, 1, 0, 0] * 3, dtype=np.float32)
    table = Table(np.zeros((15, len(FEATURES)), np.float32), y, np.ones(15, np.float32),
                  np.array(["set/listing"] * 5 + ["set/article"] * 10),
                  np.array(["text"] * 5 + ["html"] * 5 + ["crop"] * 5),
                  {"set/listing": "a.example", "set/article": "b.example"})
    probabilities = np.array(listing_p + article_p + article_p)
    rows, gains, keys, renderings = page_threshold_rows(table, probabilities)
    count = len(THRESHOLD_CANDIDATES)
    assert rows.shape == (2 * count, len(PAGE_SUMMARY))
    assert sorted(set(keys.tolist())) == ["set/article", "set/listing"]
    assert dict(zip(keys.tolist(), renderings.tolist())) == {"set/listing": "text",
                                                              "set/article": "html"}
    by_page = {keys[i]: dict(zip(rows[i:i + count, -1], gains[i:i + count]))
               for i in range(0, len(keys), count)}
    assert by_page["set/listing"][0.3] == 1.0  # F1 0 at the base, 1 at 0.3
    assert by_page["set/listing"][THRESHOLD_BASE] == 0.0
    assert max(by_page["set/article"].values()) == 0.0


def test_only_the_page_threshold_models_retrain_from_the_saved_predictions(tmp_path,
                                                                            monkeypatch):
    """``--only-threshold`` (train_route without line models) leaves every line model and
    the saved out-of-fold predictions as they are and gives the page-threshold models a
    retrain from scratch would give, bit for bit; another threshold seed changes only them."""
    from training import train

    monkeypatch.setattr(train, "FOLD_DIR", tmp_path / "folds")
    monkeypatch.setattr(train, "SHIPPED_DIR", tmp_path / "shipped")
    table = invented_table()
    train_route(table, FEATURES)
    files = sorted(p for p in tmp_path.rglob("*") if p.is_file())
    before = {p: p.read_bytes() for p in files}
    thresholds = [p for p in files if p.name == "threshold.txt.gz"]
    assert len(thresholds) == 6  # five folds and the shipped model
    train_route(table, FEATURES, line_models=False)
    assert {p: p.read_bytes() for p in files} == before
    monkeypatch.setitem(train.THRESHOLD_PARAMS, "seed", 11)
    train_route(table, FEATURES, line_models=False)
    changed = {p for p in files if p.read_bytes() != before[p]}
    assert changed and changed <= {*thresholds, *(p.parent / "manifest.json" for p in thresholds)}
    assert any(p.name == "threshold.txt.gz" for p in changed)


def test_seed_rows_weigh_one_page_and_skip_unscored_labels():
    text = "Skip to content\n\nRail line approved\n\n" + "The council approved a line. " * 5
    seed = SeedPage("x", text, {1: "nav", 3: "title", 5: "body"})
    [(kind, rows, labels, weights)] = _seed_rows(seed)
    assert kind == "text" and rows.shape == (3, len(FEATURES))
    assert labels.tolist() == [0.0, 0.0, 1.0]
    assert weights[1] == 0.0  # the title is neither body nor junk: no weight
    assert weights.sum() == np.float32(PAGE_WEIGHT) or abs(weights.sum() - PAGE_WEIGHT) < 1e-6


def test_a_crop_keeps_the_article_and_a_few_lines_around_it():
    from training.dataset import CROP_MARGIN, crop_around_article

    menu = [f"Menu {i}" for i in range(10)]
    footer = [f"Footer {i}" for i in range(10)]
    article = ["The council approved a new light rail line on Wednesday, ending the debate.",
               "Officials said the line would run for twenty-eight miles and serve many stations."]
    text = "\n\n".join(menu + article + footer)
    truth = "\n\n".join(article)
    crops = {crop_around_article(text, truth, f"page/{i}") for i in range(20)}
    for crop in crops:
        assert crop is not None and all(paragraph in crop for paragraph in article)
        kept_menu = sum(item in crop.split("\n") for item in menu)
        kept_footer = sum(item in crop.split("\n") for item in footer)
        assert kept_menu <= CROP_MARGIN and kept_footer <= CROP_MARGIN
    assert len(crops) > 1  # margins vary between pages
    assert crop_around_article(text, "", "page/0") is None  # no article, no crop


def test_a_markdown_rendering_keeps_the_page_and_drops_scripts():
    html = ("<html><head><title>T</title><style>p{}</style></head><body><nav><a href='/'>Home"
            "</a></nav><script>var x = 1;</script><h1>Rail line approved</h1><p>The council "
            "voted on <a href='/v'>Wednesday</a>.</p>\n\n\n\n<footer>© 2024</footer></body></html>")
    markdown = markdown_of(html)
    assert "# Rail line approved" in markdown
    assert "[Wednesday](/v)" in markdown and "[Home](/)" in markdown  # menus stay in
    assert "var x" not in markdown and "p{}" not in markdown and "\n\n\n" not in markdown


def test_a_markdown_rendering_shows_noscript_content_only_where_scripts_draw_the_page():
    # A Discourse forum: an empty app shell for browsers running scripts, the topic inside
    # <noscript> (where a reader service, which runs the scripts, shows the posts).
    forum = ("<html><body><div id='app'><p>Loading</p></div><noscript><style>p{}</style>"
             "<h1>Confusing resolver structure</h1><p>I have a question about the resolver "
             "that Docker Desktop writes.</p><p>Reply: it is generated, do not edit it.</p>"
             "</noscript></body></html>")
    markdown = markdown_of(forum)
    assert "# Confusing resolver structure" in markdown
    assert "Reply: it is generated" in markdown and "Loading" in markdown
    assert "p{}" not in markdown  # a style inside <noscript> still goes
    # An article whose <noscript> only asks for scripts: the notice stays out.
    article = ("<html><body><h1>Rail line approved</h1><p>The council voted on Wednesday to "
               "approve the new rail line.</p><noscript><p>Please enable JavaScript to view "
               "the comments.</p></noscript></body></html>")
    markdown = markdown_of(article)
    assert "# Rail line approved" in markdown and "enable JavaScript" not in markdown


def test_the_source_hash_ignores_form_and_moves_but_not_what_code_does(tmp_path):
    from training.dataset import source_hash

    def package(name: str, files: dict[str, str]):
        root = tmp_path / name
        for path, text in files.items():
            (root / path).parent.mkdir(parents=True, exist_ok=True)
            (root / path).write_text(text, "utf-8")
        return root

    original = package("a", {
        "__init__.py": "",
        "rules.py": "from cleanse.x import b\nimport re\n\nLIMIT = 3\n\n\ndef f(x):\n"
                    "    return x > LIMIT\n",
        "words.toml": "[menu]\nen = ['home', 'about']\n",
    })
    moved = package("b", {
        "__init__.py": '"""Only a docstring."""\n',
        "reading/__init__.py": '"""A new folder."""\n',
        "reading/rules.py": '"""Rules."""\nimport re\n\nfrom cleanse.y.x import b\n\n'
                            'LIMIT = 3  # why three\n\n\ndef f(x):\n    """Doc."""\n'
                            "    return (x >\n            LIMIT)\n",
        "words.toml": "# comment\n[menu]\nen = [\"home\", \"about\"]\n",
    })
    changed = package("c", {
        "__init__.py": "",
        "rules.py": "from cleanse.x import b\nimport re\n\nLIMIT = 4\n\n\ndef f(x):\n"
                    "    return x > LIMIT\n",
        "words.toml": "[menu]\nen = ['home', 'about']\n",
    })
    after = package("d", {**{p: (original / p).read_text() for p in
                             ("__init__.py", "rules.py", "words.toml")},
                          "running/cli.py": "print('the command line does not shape evidence')\n"})
    assert source_hash(original) == source_hash(moved) == source_hash(after)
    assert source_hash(original) != source_hash(changed)


def test_columns_can_be_left_out_by_name_or_prefix_and_typos_are_errors():
    from training.train import kept_features

    kept = kept_features(["prose", "detector_*"])
    assert "prose" not in kept and not any(name.startswith("detector_") for name in kept)
    assert "prose_w2" in kept and len(kept) < len(FEATURES)
    assert kept == [name for name in FEATURES if name in kept]  # the evidence's order
    with pytest.raises(ValueError, match="no evidence column"):
        kept_features(["prose_shar"])


def _train_folds(tmp_path: Path, folds: Path, *arguments: str) -> None:
    """``python -m training.train --folds-only ARGUMENTS`` on an invented table, its fold
    models in ``folds`` (CLEANSE_FOLD_DIR)."""
    invented_table().save(tmp_path / "table.npz")
    root = Path(__file__).resolve().parents[1]
    env = {**os.environ, "CLEANSE_FOLD_DIR": str(folds),
           "PYTHONPATH": os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])}
    subprocess.run([sys.executable, "-m", "training.train", "--folds-only", *arguments,
                    "--table", str(tmp_path / "table.npz")],
                   cwd=root, env=env, check=True, capture_output=True)


def test_a_seed_retrain_goes_to_the_fold_directory_it_is_given(tmp_path):
    """``--seed`` reaches LightGBM (the manifests record it) and CLEANSE_FOLD_DIR takes the
    fold models, never the project's cache: one directory per seed of an A/B."""
    folds = tmp_path / "seed-11"
    _train_folds(tmp_path, folds, "--only", "main", "--seed", "11")
    manifest = json.loads((folds / "fold-0" / "manifest.json").read_text("utf-8"))
    assert manifest["lightgbm"]["params"]["seed"] == 11
    assert (folds / "folds.json").exists() and (folds / "fold-4" / "threshold.txt.gz").exists()


def test_the_linked_route_leaves_out_its_columns_without_being_told(tmp_path):
    """``python -m training.train`` is the shipped procedure: the linked model never reads
    the text captures' shape-pattern columns, with or without ``--without``."""
    _train_folds(tmp_path, tmp_path / "folds", "--only", LINKED)
    manifest = json.loads((tmp_path / "folds" / "fold-0" / LINKED / "manifest.json")
                          .read_text("utf-8"))
    assert manifest["features"] == [f for f in FEATURES if f not in LINKED_WITHOUT]


def test_table_differences_name_what_moved_and_nothing_when_equal():
    table = invented_table()
    table.X[3, 5] = np.nan  # a missing value equals a missing value
    same = Table(table.X.copy(), table.y.copy(), table.weight.copy(), table.page.copy(),
                 table.kind.copy(), dict(table.group), sources="other")
    assert table.differences(same) == []
    same.X[7, 2] += 1.0
    same.y[0] = 1.0 - same.y[0]
    found = table.differences(same)
    assert found[0].startswith(f"{FEATURES[2]}: 1 rows on 1 pages (first set/000)")
    assert found[1:] == ["y differs"]


def _models(root, sources: str) -> list:
    """Invented shipped and fold manifests recording ``sources``, and a folds.json."""
    paths = [root / "shipped" / "manifest.json", root / "shipped" / "linked" / "manifest.json",
             root / "folds" / "fold-0" / "manifest.json",
             root / "folds" / "fold-0" / "linked" / "manifest.json"]
    for path in paths:
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps({"features": ["a"], "training_data": {
            "cleanse_sources": sources, "lines": 3}}), "utf-8")
    (root / "folds" / "folds.json").write_text(json.dumps(
        {"folds": 5, "cleanse_sources": sources, "pages": {"set/000": 0}}), "utf-8")
    return paths


@pytest.mark.parametrize("evidence_moved", [False, True])
def test_restamp_re_dates_the_models_only_when_the_evidence_is_the_same(
        tmp_path, monkeypatch, evidence_moved):
    from training import dataset, train

    paths = _models(tmp_path, "oldsources")
    monkeypatch.setattr(train, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setattr(train, "FOLD_DIR", tmp_path / "folds")
    monkeypatch.setattr(dataset, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(train, "source_hash", lambda: "newsources")
    learned = invented_table()
    learned.save(dataset.table_path("oldsources"))
    current = Table.load(dataset.table_path("oldsources"))
    if evidence_moved:
        current.X[0, 1] += 0.5
    monkeypatch.setattr(train, "load_or_build", lambda jobs: current)
    assert train.restamp(jobs=1) == (1 if evidence_moved else 0)
    recorded = {json.loads(p.read_text("utf-8"))["training_data"]["cleanse_sources"]
                for p in paths}
    index = json.loads((tmp_path / "folds" / "folds.json").read_text("utf-8"))
    expected = "oldsources" if evidence_moved else "newsources"
    assert recorded == {expected} and index["cleanse_sources"] == expected
    assert index["pages"] == {"set/000": 0}  # nothing but the record changes


def test_restamp_without_the_learned_table_asks_for_a_retrain(tmp_path, monkeypatch):
    from training import dataset, train

    _models(tmp_path, "oldsources")
    monkeypatch.setattr(train, "SHIPPED_DIR", tmp_path / "shipped")
    monkeypatch.setattr(train, "FOLD_DIR", tmp_path / "folds")
    monkeypatch.setattr(dataset, "CACHE", tmp_path / "cache")
    monkeypatch.setattr(train, "source_hash", lambda: "newsources")
    assert train.restamp(jobs=1) == 1


def _draw(table: Table, seed: int, rounds: int = 20):
    import lightgbm

    from training.train import PARAMS

    names = FEATURES[:table.X.shape[1]]
    data = lightgbm.Dataset(table.X, label=table.y, weight=table.weight, feature_name=names,
                            free_raw_data=True)
    return lightgbm.train({**PARAMS, "seed": seed}, data, num_boost_round=rounds)


def test_averaged_draws_score_the_mean_of_the_draws_raw_scores():
    """The average of draws is one LightGBM model: LightGBM, the numpy reference and the
    native core read it, and its raw score is the mean of the draws' raw scores."""
    import lightgbm

    from cleanse.deciding.forest import Forest
    from training.averaging import average_models

    table = invented_table()
    draws = [_draw(table, seed) for seed in (7, 11, 13)]
    averaged = average_models([draw.model_to_string() for draw in draws])
    rows = np.random.default_rng(5).random((300, len(FEATURES)))
    mean = np.mean([draw.predict(rows, raw_score=True) for draw in draws], axis=0)
    booster = lightgbm.Booster(model_str=averaged)
    assert booster.num_trees() == sum(draw.num_trees() for draw in draws)
    np.testing.assert_allclose(booster.predict(rows, raw_score=True), mean, atol=1e-12)
    assert np.array_equal(Forest(averaged).raw_scores(rows),
                          booster.predict(rows, raw_score=True))
    alone = lightgbm.Booster(model_str=average_models([draws[0].model_to_string()]))
    assert np.array_equal(alone.predict(rows, raw_score=True),
                          draws[0].predict(rows, raw_score=True))


def test_only_draws_of_one_training_are_averaged():
    from dataclasses import replace

    from training.averaging import average_models

    table = invented_table()
    narrow = replace(table, X=table.X[:, :50])
    with pytest.raises(ValueError, match="differ in features"):
        average_models([_draw(table, 7).model_to_string(), _draw(narrow, 7).model_to_string()])
    with pytest.raises(ValueError, match="not a LightGBM text model"):
        average_models(["tree\nversion=v4\n"])
    with pytest.raises(ValueError, match="no models"):
        average_models([])


def test_fit_with_several_seeds_is_their_average(monkeypatch):
    """SEEDS of more than one seed make fit() average one draw per seed; one seed is the
    plain LightGBM draw."""
    import training.train as train

    table = invented_table()
    monkeypatch.setattr(train, "ROUNDS", 20)
    monkeypatch.setattr(train, "SEEDS", (7,))
    single = train.fit(table.X, table.y, table.weight)
    assert single.model_to_string() == _draw(table, 7).model_to_string()
    monkeypatch.setattr(train, "SEEDS", (7, 11))
    averaged = train.fit(table.X, table.y, table.weight)
    rows = table.X[:50]
    mean = (single.predict(rows, raw_score=True)
            + _draw(table, 11).predict(rows, raw_score=True)) / 2
    np.testing.assert_allclose(averaged.predict(rows, raw_score=True), mean, atol=1e-12)
