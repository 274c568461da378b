"""benchmarks/realworld.py: reading trafilatura's real-world asserts and scoring against them."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "benchmarks"))

from helpers import EN
from realworld import PageAsserts, judge, main, read_asserts

TESTS = '''
MOCK_PAGES = {"https://a.example/1": "a.html", "https://b.example/2": "b.html",
              "https://c.example/3": "c.html"}


def test_extract(xmloutput, formatting):
    result = load_mock_page("https://a.example/1", xmloutput)
    assert "light rail line" in result
    assert "Subscribe" not in result
    if xmloutput:
        assert "<p>" in result
    else:
        assert "twenty-eight miles" in result
    if not formatting:
        assert "east side" in result
    if xmloutput is False:
        assert "Officials said" in result
    if len(result) > 5:  # not a flag of the call: not read
        assert "never counted" in result
    assert len(result) > 10
    result = load_mock_page("https://b.example/2", xmloutput)
    assert "no asserts for c.html" not in "a string, not the result"


def test_extract_links_formatting():
    result = load_mock_page("https://c.example/3", formatting=True, links=True)
    assert "[a link](https://c.example)" in result
'''


def test_the_asserts_of_the_plain_text_call_are_read_page_by_page(tmp_path):
    tests = tmp_path / "realworld_tests.py"
    tests.write_text(TESTS, "utf-8")
    assert read_asserts(tests) == [PageAsserts(
        "https://a.example/1", "a.html",
        must=["light rail line", "twenty-eight miles", "east side", "Officials said"],
        must_not=["Subscribe"])]


def test_judge_compares_with_white_space_as_one_space():
    page = PageAsserts("u", "f", must=["light  rail\nline", "tram"], must_not=["Subscribe"])
    outcome = judge("A new light rail line.\n\nSubscribe now", page)
    assert (outcome.missed, outcome.leaked, outcome.empty) == (["tram"], ["Subscribe"], False)
    assert judge(" \n", page).empty


def test_a_checkout_is_scored_for_every_system(tmp_path, capsys):
    pytest.importorskip("trafilatura")
    pytest.importorskip("inscriptis")
    tests = tmp_path / "tests"
    (tests / "cache").mkdir(parents=True)
    (tests / "realworld_tests.py").write_text(TESTS, "utf-8")
    menu = "".join(f"<li><a href='/{i}'>Section {i}</a></li>" for i in range(8))
    (tests / "cache" / "a.html").write_text(
        f"<html><body><nav><ul>{menu}</ul></nav><article><h1>Rail</h1>"
        + "".join(f"<p>{p}</p>" for p in EN)
        + "<p>Subscribe to our newsletter for the latest news delivered to your inbox</p>"
        "</article></body></html>", "utf-8")
    assert main([str(tmp_path), "--json", str(tmp_path / "out.json")]) == 0
    table = capsys.readouterr().out
    assert "must contain (4) and must not contain (1)" in table
    assert "| cleanse (html) | 4/4 (100.0%) | 0/1 (0.0%) | 0 | 1/1 |" in table
    assert (tmp_path / "out.json").exists()


def test_a_folder_without_the_tests_is_a_clear_error(tmp_path, capsys):
    assert main([str(tmp_path)]) == 1
    assert "no tests/realworld_tests.py" in capsys.readouterr().err
