"""The class/id name patterns of the DOM scorer and the renderer: a fast path for ASCII names
that must find exactly what ``regex`` with ``IGNORECASE`` finds."""

from __future__ import annotations

import pytest
import regex

from cleanse.reading.html import BOILERPLATE_TOKEN
from cleanse.reading.main_content import COMMENT, NEGATIVE, OVERLAY, POSITIVE, CaseInsensitive

NAMES = [
    "", "ARTICLE-Body", "post_content main", "Site-NAV", "nav", "navbar-x", "x nav",
    "SideBar", "side-bar", "recommendedStories", "RecommendForYou  ", "footer\x1cnav",
    "nav\x1c", "nav\x0b", "nav\n", "nav\nx", "ads", "ad-slot", "AdS", "comments-list",
    "Popup modal", "offcanvas_menu", "menu-right", "\u212aomment",  # Kelvin sign folds to k
    "\u017fhare", "文章 content", "导航 NAV", "widget\u00a0area", "tags", "TAGS-cloud",
    "masthead", "lightbox\t", "x\u2028nav", "breadcrumbs", "cookie-consent", "jp-relatedposts",
]


@pytest.mark.parametrize("pattern", [POSITIVE, NEGATIVE, COMMENT, OVERLAY, BOILERPLATE_TOKEN],
                         ids=["positive", "negative", "comment", "overlay", "boilerplate"])
def test_case_insensitive_finds_what_regex_finds(pattern: CaseInsensitive) -> None:
    reference = regex.compile(pattern.pattern, regex.I)
    for name in NAMES:
        expected = reference.search(name)
        found = pattern.search(name)
        assert (found is None) == (expected is None), name
        if found is not None:
            assert found.span() == expected.span(), name
            assert found.group(0).lower() == expected.group(0).lower(), name


def test_case_insensitive_fast_path_is_taken_for_ascii_only() -> None:
    # U+212A folds to "k" in regex's case folding, never by str.lower() to an ASCII "k".
    pattern = CaseInsensitive("kelvin")
    assert pattern.search("\u212aELVIN") is not None
    assert pattern.search("KELVIN") is not None
    assert pattern.search("celsius") is None
