"""Training data: truth-to-line alignment (training.labels) and the corpus loader
(training.corpus), on small invented pages; nothing here reads ../shared."""

from __future__ import annotations

import gzip
import json
import logging
import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # `training` is not installed

from training.corpus import (
    BenchPage,
    load_pages,
    load_seeds,
    page_group,
    registrable_host,
    render_innertext,
)
from training.labels import label_quality, line_labels

INTRO = ("Pancakes are easy to make at home if you follow a few simple rules "
         "about the batter and the heat of the pan.")
INGREDIENTS = ("Two cups of flour, two eggs, a cup of milk and a pinch of salt "
               "are all you need for a stack of four.")
METHOD = ("Whisk everything together, rest the batter for ten minutes, then cook "
          "each pancake until bubbles form on top.")
TRUTH = "\n\n".join(["Fluffy pancakes", INTRO, "Ingredients", INGREDIENTS, "Method", METHOD])

ZH_INTRO = "煎饼是一种简单的家常早餐，只要掌握面糊的比例和火候，在家里也能做得很好吃。"
ZH_METHOD = "把所有材料搅拌均匀，静置十分钟，然后用小火煎到表面起泡再翻面。"
ZH_TRUTH = "\n\n".join([ZH_INTRO, "做法", ZH_METHOD])


def labelled(lines: list[str], truth: str) -> dict[str, list[float | None]]:
    """Labels per line text (a text may occur several times)."""
    out: dict[str, list[float | None]] = {}
    for line, label in zip(lines, line_labels(lines, truth)):
        out.setdefault(line, []).append(label)
    return out


def test_long_paragraphs_are_body_and_menu_words_from_the_body_are_not():
    lines = ["Home", "Recipes", "Share", "Fluffy pancakes", "", INTRO, "Ingredients",
             INGREDIENTS, "Method", METHOD, "Home", "Contact us"]
    labels = labelled(lines, TRUTH)
    assert labels[INTRO] == [1.0] and labels[INGREDIENTS] == [1.0] and labels[METHOD] == [1.0]
    # "home" is a word of the intro, but the menu item is not article text.
    assert labels["Home"] == [0.0, 0.0]
    assert labels["Share"] == [0.0] and labels["Contact us"] == [0.0]
    assert labels[""] == [None]


def test_headings_equal_to_truth_lines_are_body():
    lines = ["Fluffy pancakes", INTRO, "Ingredients", INGREDIENTS, "Method", METHOD]
    assert line_labels(lines, TRUTH) == [1.0] * 6


def test_a_repeated_menu_line_is_body_once_at_the_heading():
    lines = ["Ingredients", "Method", "Ingredients", "Fluffy pancakes", INTRO, "Ingredients",
             INGREDIENTS, "Method", METHOD, "Ingredients", "Method"]
    labels = line_labels(lines, TRUTH)
    assert [i for i, (line, label) in enumerate(zip(lines, labels))
            if line == "Ingredients" and label] == [5]
    assert [i for i, (line, label) in enumerate(zip(lines, labels))
            if line == "Method" and label] == [7]


def test_a_repeated_long_line_is_body_once():
    teaser = "Subscribe to the weekly breakfast letter for more recipes like this one"
    truth = f"{INTRO}\n\n{teaser}"
    lines = [teaser, INTRO, teaser, teaser]
    assert sum(label for line, label in zip(lines, line_labels(lines, truth))
               if line == teaser) == 1.0


def test_a_teaser_repeating_the_lead_above_the_article_is_not_body():
    lines = ["Popular now", INTRO, "Fluffy pancakes", INTRO, "Ingredients", INGREDIENTS]
    labels = line_labels(lines, TRUTH)
    assert labels[1] == 0.0 and labels[3] == 1.0


def test_a_breadcrumb_equal_to_the_title_is_not_body_the_title_is():
    lines = ["Home", "Breakfast", "Fluffy pancakes", "Share", "Fluffy pancakes", INTRO]
    assert line_labels(lines, TRUTH) == [0.0, 0.0, 0.0, 0.0, 1.0, 1.0]


def test_a_partially_matching_line_gets_its_share():
    junk = "Sign up to our newsletter for weekly deals"  # 8 tokens, none in the truth
    label = line_labels([f"{METHOD} {junk}"], TRUTH)[0]
    assert label == pytest.approx(18 / 26)  # METHOD has 18 tokens


def test_chinese_paragraphs_heading_and_menu():
    lines = ["首页", "做法", "新闻", ZH_INTRO, "做法", ZH_METHOD, "返回首页", "做法"]
    labels = line_labels(lines, ZH_TRUTH)
    assert labels[3] == 1.0 and labels[5] == 1.0
    assert labels[4] == 1.0  # the heading between the paragraphs
    assert labels[0] == labels[1] == labels[2] == labels[6] == labels[7] == 0.0


def test_chinese_menu_word_inside_the_truth_is_not_body():
    truth = "我们回到首页以后，才发现这个网站的新闻栏目已经全部更新了，内容非常丰富。"
    lines = ["首页", "新闻", truth, "首页"]
    assert line_labels(lines, truth) == [0.0, 0.0, 1.0, 0.0]


def test_a_list_in_another_order_than_the_truth_is_body_once():
    truth = f"{INTRO}\n\nYou will need:\nFlour\nEggs\nMilk"
    needs = ["You will need:", "Flour", "Eggs", "Milk"]
    # Out of order and alone: the run of lines equal to consecutive truth lines.
    assert line_labels([*needs, INTRO, "Share"], truth) == [1.0] * 5 + [0.0]
    # Twice: the copy where the truth has it, after the intro, wins.
    assert line_labels([*needs, INTRO, *needs], truth) == [0.0] * 4 + [1.0] * 5


def test_a_paragraph_split_over_two_lines_is_body():
    truth = f"{INTRO} Serve warm.\n\n{METHOD}"
    lines = [INTRO, "Serve warm.", METHOD]
    assert line_labels(lines, truth) == [1.0, 1.0, 1.0]


def test_empty_truth_and_blank_lines():
    lines = ["Home", "", INTRO, "   "]
    assert line_labels(lines, "") == [0.0, None, 0.0, None]
    assert line_labels(lines, "  \n ") == [0.0, None, 0.0, None]
    assert line_labels(["* * *", INTRO], TRUTH) == [0.0, 1.0]  # no tokens: cannot be truth


def test_label_quality():
    lines = ["Home", "Fluffy pancakes", INTRO, "Ingredients", INGREDIENTS, "Method", METHOD]
    labels = line_labels(lines, TRUTH)
    assert label_quality(lines, TRUTH, labels) == 1.0
    dropped = [0.0 if line == METHOD else label for line, label in zip(lines, labels)]
    assert 0.5 < label_quality(lines, TRUTH, dropped) < 0.9
    assert label_quality(lines, "", line_labels(lines, "")) == 1.0


def test_seed_lines_labelled_from_their_own_body_agree_with_the_hand_labels():
    """The bundled seeds (fixtures, not ../shared): with the title and body lines as
    truth, every labelled line comes out as its hand label says."""
    seeds = load_seeds()
    assert seeds and all(seed.key == f"seeds/{seed.name}" == seed.group for seed in seeds)
    for seed in seeds:
        lines = seed.text.split("\n")
        kept = {"title", "body"}
        truth = "\n".join(lines[n - 1] for n, label in sorted(seed.labels.items())
                          if label in kept)
        labels = line_labels(lines, truth)
        for n, label in seed.labels.items():
            if labels[n - 1] is not None:
                assert (labels[n - 1] >= 0.5) == (label in kept), (seed.name, n, lines[n - 1])


@pytest.mark.parametrize(("url", "host"), [
    ("https://www.Example.com:8080/a?b=1", "example.com"),
    ("http://m.example.com/story", "example.com"),
    ("https://news.bbc.co.uk/1/hi/world.stm", "bbc.co.uk"),
    ("https://www.shop.com.au/", "shop.com.au"),
    ("http://blog.sub.example.org/x", "example.org"),
    ("//cdn.example.net/path", "example.net"),
    ("example.com/path", "example.com"),
    ("http://127.0.0.1:8000/", "127.0.0.1"),
    ("/relative/path", None),
    ("", None),
    (None, None),
])
def test_registrable_host(url, host):
    assert registrable_host(url) == host


def test_page_group_fallbacks():
    canonical = '<html><head><link rel="Canonical" href="https://www.news.example.co.uk/a"></head>'
    og_url = '<html><head><meta property="og:url" content="www.example.com.cn/a/1"></head>'
    base = '<html><head><base target="_blank"><base href="http://bbs.example.edu.cn/"></head>'
    relative = '<html><head><link rel="canonical" href="/a/1"></head><body>x</body></html>'
    assert page_group("set", "1", "https://www.example.org/a", canonical) == "example.org"
    assert page_group("set", "1", None, canonical) == "example.co.uk"
    assert page_group("set", "1", None, og_url) == "example.com.cn"
    assert page_group("set", "1", None, base) == "example.edu.cn"
    assert page_group("set", "1", None, relative) == "set/1"
    assert page_group("set", "1", None, "<p>no head</p>") == "set/1"


def write_bench(root: Path) -> Path:
    """A tiny benchmark folder with both manifest layouts and one unknown folder."""
    plain = root / "plain_set"
    plain.mkdir(parents=True)
    (plain / "b.html").write_text(f"<html><body><p>{INTRO}</p></body></html>", "utf-8")
    (plain / "a.html").write_text(
        '<html><head><link rel="canonical" href="https://www.site.example.com/a"></head>'
        f"<body><p>{METHOD}</p></body></html>", "utf-8")
    rows = [{"id": "b", "url": "https://www.other.org/b", "lang": "en", "html": "b.html",
             "body": INTRO},
            {"id": "a", "url": None, "lang": "en", "html": "a.html", "body": METHOD}]
    (plain / "manifest.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows), "utf-8")
    zipped = root / "gz_set"
    zipped.mkdir()
    (zipped / "0001.html.gz").write_bytes(
        gzip.compress("<html><body><h1>Café</h1><p>Crème brûlée</p></body></html>".encode()))
    row = {"id": "0001", "url": "https://shop.example.net/p", "lang": "fr",
           "page_type": "product", "html": "0001.html.gz", "body": "Café\n\nCrème brûlée"}
    (zipped / "pages.jsonl").write_text(json.dumps(row) + "\n", "utf-8")
    (root / "unknown_set").mkdir()
    (root / "unknown_set" / "data.csv").write_text("id\n1\n", "utf-8")
    return root


def test_load_pages_reads_both_layouts_and_skips_unknown_ones(tmp_path, caplog):
    bench = write_bench(tmp_path / "bench")
    with caplog.at_level(logging.WARNING):
        pages = load_pages(bench)
    assert "unknown_set" in caplog.text
    assert [page.key for page in pages] == ["gz_set/0001", "plain_set/a", "plain_set/b"]
    product, canonical, plain = pages
    assert (product.page_type, product.lang, product.group) == ("product", "fr", "example.net")
    assert "Crème brûlée" in product.html()
    assert (canonical.page_type, canonical.group) == ("article", "example.com")
    assert plain.group == "other.org" and plain.body == INTRO
    assert [page.key for page in load_pages(bench, ["plain_set"])] == ["plain_set/a",
                                                                      "plain_set/b"]


def test_text_rendering_is_inscriptis_and_cached(tmp_path):
    inscriptis = pytest.importorskip("inscriptis")
    page = load_pages(write_bench(tmp_path / "bench"), ["gz_set"])[0]
    cache = tmp_path / "cache"
    text = page.text_rendering(cache)
    assert text == inscriptis.get_text(page.html())
    cached = cache / "gz_set" / "0001.txt"
    assert cached.read_text("utf-8") == text and not list(cache.rglob("*.tmp"))
    cached.write_text("from the cache", "utf-8")
    assert page.text_rendering(cache) == "from the cache"
    assert isinstance(page, BenchPage)


def test_an_innertext_rendering_counts_only_where_it_holds_the_article(tmp_path):
    pytest.importorskip("inscriptis")
    page = next(p for p in load_pages(write_bench(tmp_path / "bench")) if p.id == "b")
    texts, cache = tmp_path / "texts", tmp_path / "innertext"
    assert page.innertext_rendering(cache, texts) is None  # not rendered
    page.innertext_path(cache).parent.mkdir(parents=True)
    page.innertext_path(cache).write_text(f"Menu\n{INTRO}\n", "utf-8")
    assert page.innertext_rendering(cache, texts) == f"Menu\n{INTRO}\n"
    # A page whose article a script draws shows a browser with scripts off only its frame.
    page.innertext_path(cache).write_text("Menu\nPancakes are easy\n", "utf-8")
    assert page.innertext_rendering(cache, texts) is None


def test_innertext_is_the_browsers_with_scripts_off(tmp_path):
    pytest.importorskip("selenium")
    import shutil

    if not shutil.which("chromium") or not shutil.which("chromedriver"):
        pytest.skip("chromium or chromedriver not found (apt-get install chromium "
                    "chromium-driver)")
    bench = write_bench(tmp_path / "bench")
    html = bench / "plain_set" / "b.html"
    html.write_text(
        "<html><body><ul><li>Home</li><li>News</li></ul><p hidden>Hidden</p>"
        f"<p>{INTRO}</p><script>document.body.append('drawn by a script')</script>"
        "</body></html>", "utf-8")
    page = next(p for p in load_pages(bench) if p.id == "b")
    cache = tmp_path / "innertext"
    render_innertext([page], cache)
    text = page.innertext_path(cache).read_text("utf-8")
    # No list markers (inscriptis writes "* Home"), nothing hidden, no script ran.
    assert text.split("\n")[:2] == ["Home", "News"]
    assert INTRO in text and "Hidden" not in text and "drawn by a script" not in text
    assert (cache / "browser.txt").read_text("utf-8").startswith("chrome")
