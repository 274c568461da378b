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


FULL_PAGE = cleanse.Config(html_main_content=False)


def html_page(body: str) -> str:
    return ("<html><head><title>New light rail line | City News</title></head>"
            f"<body>{body}</body></html>")


def article(paragraphs: list[str]) -> str:
    return "".join(f"<p>{p}</p>" for p in paragraphs)


PAGE = (f"<nav>{MENU}</nav><div class='story'>{article(EN)}</div>"
        f"<div class='related-stories'><h3>Elsewhere</h3>{RELATED}</div>"
        "<footer><p>Contact the newsroom at any time of day.</p></footer>")


def test_only_the_main_content_is_rendered_and_the_choice_is_recorded():
    doc = cleanse.clean(html_page(PAGE))
    assert all(p in doc.text for p in EN)
    assert "Bridge closes" not in doc.text and "Weather" not in doc.text
    assert "newsroom" not in doc.text
    assert doc.metadata["main_content"] == "div.story"


def test_full_page_mode_removes_navigation_and_related_containers_with_reasons():
    doc = cleanse.clean(html_page(PAGE), config=FULL_PAGE)
    assert all(p in doc.text for p in EN)
    assert "Bridge closes" not in doc.text and "Weather" not in doc.text
    assert "newsroom" not in doc.text
    assert "main_content" not in doc.metadata
    rules = {span.rule for span in doc.removed}
    assert "boilerplate_container" in rules


def test_an_article_split_by_an_ad_slot_is_rendered_whole():
    first, second = EN[:2], EN[2:] + ["Work on the first section is due to start next spring."]
    body = (f"<div class='body-part'>{article(first)}</div>"
            "<div class='ad-slot'><a href='/ad'>Buy one, get one free at Harbour Mall</a></div>"
            f"<div class='body-part'>{article(second)}</div>")
    doc = cleanse.clean(html_page(f"<nav>{MENU}</nav><div class='story'>{body}</div>"))
    assert all(p in doc.text for p in first + second)
    assert "Harbour Mall" not in doc.text


def test_a_list_of_links_is_left_to_the_line_detectors():
    reply = "回复：说得对，我也这么认为，支持楼主的观点，希望早日通车"
    replies = "".join(f"<li><a href='/r{n}'>{reply}</a>【网友{n}】08-1{n % 10} 17:0{n % 10}</li>"
                      for n in range(40))
    post = f"<p>{''.join(ZH_HANS)}</p>"
    doc = cleanse.clean(html_page(f"<div>{post}</div><ul>{replies}</ul>"))
    assert "main_content" not in doc.metadata  # the reply index scores highest, but is links
    assert all(p in doc.text for p in ZH_HANS)
    assert "支持楼主" not in doc.text


@pytest.mark.parametrize("wrapper", [
    '<form id="Form1" method="post">{}</form>',  # ASP.NET pages sit in one form
    '<div class="elementor-widget-container">{}</div>',  # page builders
    '<div class="main-white and-w-sidebar">{}</div>',
    '<div class="ad_body wrapper">{}</div>',
])
def test_a_furniture_named_wrapper_around_the_whole_page_is_layout(wrapper):
    body = f"<div class='menu'>{MENU}</div>{article(ZH_HANS + EN)}"
    doc = cleanse.clean(html_page(wrapper.format(body)), config=FULL_PAGE)
    assert all(p in doc.text for p in ZH_HANS + EN)
    assert "Weather" not in doc.text


def test_a_small_widget_beside_the_article_is_still_furniture():
    side = ("<div class='widget'><p>Our weekly digest lands every Friday morning, "
            "with the best stories of the week.</p></div>")
    doc = cleanse.clean(html_page(f"<div>{article(EN)}</div>{side}"), config=FULL_PAGE)
    assert all(p in doc.text for p in EN)
    assert "weekly digest" not in doc.text


def test_a_sentence_mentioning_the_page_title_is_body_not_title():
    head = "<html><head><title>New light rail line</title></head>"
    doc = cleanse.clean(f"{head}<body>{article(EN)}</body></html>")
    assert EN[0] in doc.text  # "... approved a new light rail line on Wednesday ..."
    doc = cleanse.clean(f"{head}<body><h1>New light rail line</h1>{article(EN)}</body></html>")
    assert all(p in doc.text for p in EN)
    assert not doc.text.startswith("New light rail line")


def test_text_after_an_html_comment_is_kept():
    doc = cleanse.clean(html_page("<div><p>The line would run for<!-- --> twenty-eight miles, "
                                  "officials said<!-- ad -->, and serve thirty stations.</p>"
                                  + article(EN) + "</div>"))
    assert "run for twenty-eight miles, officials said, and serve thirty stations." in doc.text


def test_inside_the_main_content_only_title_repeats_are_duplicates():
    tweet = "— City Transit (@citytransit) November 20, 2019"
    body = (f"<h1>New light rail line</h1>{article(EN[:2])}<blockquote><p>Trains every five "
            f"minutes, all day.</p>{tweet}</blockquote>{article(EN[2:])}<blockquote><p>Stations "
            f"open at five in the morning.</p>{tweet}</blockquote><p>New light rail line</p>")
    head = "<html><head><title>New light rail line</title></head>"
    doc = cleanse.clean(f"{head}<body><div class='story'>{body}</div></body></html>")
    assert doc.text.count(tweet) == 2
    assert "New light rail line" not in doc.text


def test_figure_captions_and_capitalised_headings():
    body = (f"<figure><img src='a.jpg'><figcaption>Workers lay track near Harbour Street on "
            f"Tuesday.</figcaption></figure>{article(EN[:2])}<h3>WHAT THE NEW LINE MEANS FOR "
            f"COMMUTERS</h3>{article(EN[2:])}")
    doc = cleanse.clean(html_page(f"<div class='story'>{body}</div>"))
    assert "Workers lay track" not in doc.text
    assert "WHAT THE NEW LINE MEANS FOR COMMUTERS" in doc.text
    assert any(span.rule == "figure_caption" for span in doc.removed)


def test_the_h1_is_the_title_when_the_head_title_differs():
    head = "<html><head><title>City News - Transport</title></head>"
    doc = cleanse.clean(f"{head}<body><div><h1>Council backs the rail plan</h1>"
                        f"{article(EN)}</div></body></html>")
    assert "Council backs the rail plan" not in doc.text
    assert all(p in doc.text for p in EN)


def test_a_photo_gallery_inside_the_article_is_furniture():
    slides = "".join(f"<div class='gallery-slide'><div>Image {n} of 3</div><div>Workers lay track "
                     f"near station {n}.</div><div>(Image credit: City Transit)</div></div>"
                     for n in range(1, 4))
    body = f"{article(EN[:2])}<div class='gallery'>{slides}</div>{article(EN[2:])}"
    doc = cleanse.clean(html_page(f"<div class='story'>{body}</div>"))
    assert all(p in doc.text for p in EN)
    assert "Workers lay track" not in doc.text and "Image credit" not in doc.text


def test_article_blocks_styled_alike_are_joined_however_far_apart():
    def block(paragraphs: list[str]) -> str:
        inner = f"<div class='post-body rich-text'>{article(paragraphs)}</div>"
        return f"<section><div><div><div>{inner}</div></div></div></section>"  # 4 levels deep
    widget = ("<section><div class='newsletter'><p>Sign up for the weekly digest, "
              "every Friday morning.</p></div></section>")
    comments = ("<div id='comments'><div class='post-body rich-text'><p>I have waited years for "
                "this line, and I still do not believe it will open on time.</p></div></div>")
    doc = cleanse.clean(html_page(f"<main>{block(EN[:2])}{widget}{block(EN[2:])}</main>{comments}"))
    assert all(p in doc.text for p in EN)
    assert "weekly digest" not in doc.text and "waited years" not in doc.text


def test_a_page_whose_structure_defeats_the_scorer_is_rendered_whole():
    paragraphs = EN + ZH_HANS + [p[::-1] for p in EN]
    deep = "".join(f"<section><div><div><div><div class='block-{n}'><p>{p}</p></div></div>"
                   f"</div></div></section>" for n, p in enumerate(paragraphs))
    doc = cleanse.clean(html_page(f"<nav>{MENU}</nav><main>{deep}</main>"))
    assert "main_content" not in doc.metadata
    assert all(p in doc.text for p in EN + ZH_HANS)
    assert "Weather" not in doc.text


def test_linked_headings_over_summaries_are_teasers_but_linked_headings_in_prose_stay():
    teasers = [("Bus fares rise again", "Tickets go up by ten per cent."),
               ("Bridge closes for repairs", "Drivers face three weeks of detours."),
               ("New cycle lanes open", "The ring road gets a protected lane.")]
    cards = "".join(f"<h3><a href='/s{n}'>{title}</a></h3><p>{summary}</p>"
                    for n, (title, summary) in enumerate(teasers))
    doc = cleanse.clean(html_page(f"<div class='story'>{article(EN)}<h2>Deals</h2>{cards}</div>"))
    assert all(p in doc.text for p in EN)
    assert "Bridge closes" not in doc.text and "detours" not in doc.text
    assert any(span.rule == "teaser_cards" for span in doc.removed)
    # Linked headings spread between the story's own paragraphs are no card list.
    spread = "".join(f"<h3><a href='/s{n}'>{title}</a></h3>{article(EN[n:n + 2])}"
                     for n, (title, _) in enumerate(teasers))
    doc = cleanse.clean(html_page(f"<div class='story'>{spread}</div>"))
    assert all(p in doc.text for p in EN)
    assert not any(span.rule == "teaser_cards" for span in doc.removed)
