"""The HTML front-end: DOM hints that remove furniture, and layout wrappers that are not."""

from __future__ import annotations

import pytest

import cleanse

from helpers import EN, ZH_HANS

MENU = '<ul>' + "".join(f'<li><a href="/{w}">{w}</a></li>' for w in
                        ["News", "Sport", "Weather", "Travel", "Culture"]) + "</ul>"
RELATED = ("<ul>" + "".join(f'<li><a href="/s{n}">{t}</a></li>' for n, t in enumerate(
    ["Bus fares rise again next month", "Bridge closes for three weeks of repairs",
     "New cycle lanes open on the ring road"])) + "</ul>")


def html_page(body: str) -> str:
    return ("<html><head><title>New light rail line | City News</title></head>"
            f"<body>{body}</body></html>")


def article(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


def test_navigation_and_related_containers_are_removed():
    doc = cleanse.clean(html_page(
        f"<nav>{MENU}</nav><div class='story'>{article(EN)}</div>"
        f"<div class='related-stories'><h3>Elsewhere</h3>{RELATED}</div>"
        "<footer><p>Contact the newsroom at any time of day.</p></footer>"))
    assert all(p in doc.text for p in EN)
    assert "Bridge closes" not in doc.text and "Weather" not in doc.text
    assert "newsroom" not in doc.text
    rules = {span.rule for span in doc.removed}
    assert "boilerplate_container" in rules


@pytest.mark.parametrize("wrapper", [
    '<form id="Form1" method="post">{}</form>',  # ASP.NET pages sit in one form
    '<div class="elementor-widget-container">{}</div>',  # page builders
    '<div class="main-white and-w-sidebar">{}</div>',
    '<div class="ad_body wrapper">{}</div>',
])
def test_a_furniture_named_wrapper_around_the_whole_page_is_layout(wrapper):
    body = f"<div class='menu'>{MENU}</div>{article(ZH_HANS + EN)}"
    doc = cleanse.clean(html_page(wrapper.format(body)))
    assert all(p in doc.text for p in ZH_HANS + EN)
    assert "Weather" not in doc.text


def test_a_small_widget_beside_the_article_is_still_furniture():
    side = ("<div class='widget'><p>Our weekly digest lands every Friday morning, "
            "with the best stories of the week.</p></div>")
    doc = cleanse.clean(html_page(f"<div>{article(EN)}</div>{side}"))
    assert all(p in doc.text for p in EN)
    assert "weekly digest" not in doc.text


def test_a_sentence_mentioning_the_page_title_is_body_not_title():
    head = "<html><head><title>New light rail line</title></head>"
    doc = cleanse.clean(f"{head}<body>{article(EN)}</body></html>")
    assert EN[0] in doc.text  # "... approved a new light rail line on Wednesday ..."
    doc = cleanse.clean(f"{head}<body><h1>New light rail line</h1>{article(EN)}</body></html>")
    assert all(p in doc.text for p in EN)
    assert not doc.text.startswith("New light rail line")
