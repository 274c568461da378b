"""htmldate, the last resort for an HTML page's date, is searched for only when no other
source dates the page (cleanse.reading.metadata.DeferredDate), and then gives the date."""

from __future__ import annotations

import pytest

import cleanse
from cleanse.reading import metadata

ARTICLE = ("<p>The council approved the new transit plan on Tuesday after a long debate, and "
           "construction of the first line is expected to begin next spring.</p>") * 4


@pytest.fixture
def searches(monkeypatch) -> list[str]:
    """The HTML of each htmldate search; each search answers 2021-06-01."""
    seen: list[str] = []

    def search(html: str) -> str:
        seen.append(html)
        return "2021-06-01"

    monkeypatch.setattr(metadata, "htmldate_published", search)
    return seen


def test_undated_page_asks_htmldate_once(searches):
    page = f"<html><head><title>Plan</title></head><body><h1>Plan</h1>{ARTICLE}</body></html>"
    doc = cleanse.clean(page, kind="html")
    assert doc.metadata["published"] == "2021-06-01"
    assert len(searches) == 1 and "<h1>Plan</h1>" in searches[0]


def test_dateline_spares_the_search(searches):
    page = (f"<html><head><title>Plan</title></head><body><h1>Plan</h1>"
            f"<p>March 12, 2025</p>{ARTICLE}</body></html>")
    doc = cleanse.clean(page, kind="html")
    assert doc.metadata["published"] == "2025-03-12"
    assert searches == []


def test_declared_date_spares_the_search(searches):
    page = ("<html><head><meta property='article:published_time' content='2024-09-01'>"
            f"</head><body>{ARTICLE}</body></html>")
    capture = cleanse.reading.capture.to_capture(page, kind="html")
    assert "htmldate" not in capture.metadata
    assert cleanse.clean(page, kind="html").metadata["published"] == "2024-09-01"
    assert searches == []


def test_deferred_date_searches_once(searches):
    deferred = metadata.DeferredDate("<html><body>x</body></html>")
    assert searches == []
    assert deferred.date() == deferred.date() == "2021-06-01"
    assert len(searches) == 1
