"""The HTML main-content picker (``cleanse.reading.main_content``): what it picks, rule by rule.

Each page is invented and small; each test also runs the readability scorer alone (no title
heading) where that shows what the rule under test changes.
"""

from __future__ import annotations

from lxml.etree import _Element as Element

from cleanse.reading.html import parse, render
from cleanse.reading.main_content import main_content

POLICY = ("By placing an order you agree to our terms of sale, which cover delivery, returns, "
          "refunds, warranties, the handling of your personal data, and the resolution of any "
          "dispute that may arise between you and the seller, in the courts of the seller's "
          "home country, unless the law of your country of residence provides otherwise.")
ANSWER = ("Most orders arrive within three to five working days, although remote areas, public "
          "holidays, customs checks, and weather can add a few days to that estimate, and we "
          "will always email you a tracking link, a delivery window, and a contact number.")
STORY = ["The city council approved the new tram line on Tuesday, after three years of debate, "
         "two public consultations, and a long fight over its route through the old town.",
         "Work on the first section, between the station and the university, starts next spring, "
         "and the council expects the first trams to run in the autumn of the following year.",
         "Shop owners along the route, who had feared months of road works, welcomed a plan to "
         "keep one lane open, to build at night, and to pay for lost trade during the works."]
PROMO = ("Subscribe to our weekly newsletter for the best stories, the latest offers, events in "
         "your area, competitions, and a free guide to the city's hidden parks and gardens.")


def parsed(body: str, title: str = "Oak Side Table") -> Element:
    root, warnings = parse(f"<html><head><title>{title}</title></head><body>{body}</body></html>")
    assert root is not None and not warnings
    return root


def picked(root: Element, with_heading: bool = True) -> list[str]:
    """The ids (else tags) of the elements the picker chose, in document order."""
    heading = root.find(".//h1") if with_heading else None
    return [element.get("id") or element.tag for element in main_content(root, heading) or []]


def product_details() -> str:
    # Short lines only: no paragraph for the readability scorer.
    specs = "".join(f"<li>{spec}</li>" for spec in (
        "Oiled solid oak", "Height 55 cm", "Top 40 x 40 cm", "Weight 6 kg", "Ships flat",
        "Price: 149.00 EUR", "In stock"))
    return (f"<div id='product'><h1>Oak Side Table</h1><span>149.00 EUR</span>"
            f"<span>Add to basket</span><ul>{specs}</ul></div>")


def test_the_title_block_joins_a_pick_that_lies_elsewhere():
    # The policy text in the footer outscores the short lines of the product: the product's
    # block, around its title, joins the pick.
    root = parsed(f"<div id='page'>{product_details()}</div>"
                  f"<div id='terms'><p>{POLICY}</p><p>{POLICY}</p></div>")
    assert picked(root, with_heading=False) == ["terms"]
    assert picked(root) == ["product", "terms"]


def test_a_small_pick_inside_the_title_block_gives_way_to_the_block():
    # A listing: its title, forty cards, and a FAQ whose prose the scorer prefers.
    cards = "".join(f"<div class='card'><a href='/t{n}'>Oak table {n}</a><span>{99 + n}.00 EUR"
                    "</span></div>" for n in range(40))
    root = parsed(f"<div id='listing'><h1>Oak Side Tables</h1><div class='grid'>{cards}</div>"
                  f"<div id='faq'><p>{ANSWER}</p></div></div>"
                  "<div id='footer-links'><a href='/about'>About us</a></div>",
                  title="Oak Side Tables")
    assert picked(root, with_heading=False) == ["faq"]
    assert picked(root) == ["listing"]


def test_a_pick_holding_most_of_the_title_block_stays():
    root = parsed("<div id='story'><h1>Tram line approved</h1>"
                  + "".join(f"<p>{p}</p>" for p in STORY) + "</div>",
                  title="Tram line approved")
    assert picked(root) == picked(root, with_heading=False) == ["story"]


def test_a_frame_pick_gives_way_to_the_main_element_holding_the_title():
    # Promotions with paragraphs of their own sit beside <main> in one wrapper: the scorer
    # picks the wrapper, the page's frame; the <main> around the title is the article.
    promos = "".join(f"<p>{PROMO}</p>" for _ in range(5))
    root = parsed("<div id='wrapper'><main id='story'><h1>Tram line approved</h1>"
                  + "".join(f"<p>{p}</p>" for p in STORY) + f"</main>{promos}</div>",
                  title="Tram line approved")
    assert picked(root, with_heading=False) == ["wrapper"]
    assert picked(root) == ["story"]


def test_a_small_pick_inside_the_main_element_holding_the_title_gives_way_to_it():
    # A landing page: short feature lists and one paragraph of prose, all in <main>.
    features = "".join(f"<section><h2>Feature {n}</h2><ul>"
                        + "".join(f"<li>Benefit {n}.{k} for you</li>" for k in range(5))
                        + "</ul></section>" for n in range(6))
    root = parsed(f"<nav><a href='/'>Home</a></nav><main id='landing'><section>"
                  f"<h1>Bookkeeping for small shops</h1></section>{features}"
                  f"<div id='prose' class='text'><p>{ANSWER}</p></div></main>",
                  title="Bookkeeping for small shops")
    assert picked(root, with_heading=False) == ["prose"]
    assert picked(root) == ["landing"]


def test_a_title_block_that_is_page_furniture_is_left_out():
    # The site's name is the page's only <h1>, in the masthead with the menu.
    menu = "".join(f"<li><a href='/{n}'>Section number {n} of the city news</a></li>"
                   for n in range(8))
    root = parsed(f"<header id='masthead'><h1>City News</h1><ul>{menu}</ul></header>"
                  "<div id='story'>" + "".join(f"<p>{p}</p>" for p in STORY) + "</div>",
                  title="Tram line approved")
    assert picked(root) == picked(root, with_heading=False) == ["story"]


def test_a_title_heading_right_in_the_body_gives_no_block():
    root = parsed("<h1>Tram line approved</h1><div id='story'>"
                  + "".join(f"<p>{p}</p>" for p in STORY) + "</div>"
                  + "".join(f"<div class='teaser'><a href='/{n}'>Another story, number {n}, "
                            "about the city</a></div>" for n in range(30)),
                  title="Tram line approved")
    assert picked(root) == ["story"]


def test_without_a_pick_the_title_block_stands_alone():
    # Short lines only (no paragraph for the scorer): the title's block is the pick; without
    # a title heading, only the list of specifications repeats.
    root = parsed(f"<nav><a href='/'>Home</a><a href='/shop'>Shop</a></nav>{product_details()}")
    assert picked(root, with_heading=False) == ["ul"]
    assert picked(root) == ["product"]


def index_rows(count: int) -> str:
    return "".join(f"<tr class='item'><td>{n}.</td><td><a href='/item/{n}'>Show HN: a small tool "
                   f"number {n} that renders maps offline</a> ({n * 7} points)</td></tr>"
                   for n in range(count))


def test_a_list_of_links_without_title_or_prose_picks_its_repeated_items():
    # A link index: the scorer declines (its best container is mostly links) and there is no
    # title heading; the rows' container is what the page is.
    root = parsed(f"<div id='top'><a href='/'>Home</a></div><table><tbody id='rows'>"
                  f"{index_rows(30)}</tbody></table>", title="Top stories")
    assert picked(root) == ["rows"]


def test_a_list_of_links_beside_a_prose_paragraph_is_not_picked():
    # The same index under a post: the post is the article, the index is left to the lines.
    root = parsed(f"<div><p>{STORY[0]}</p></div><table><tbody id='rows'>{index_rows(30)}"
                  "</tbody></table>", title="Top stories")
    assert picked(root) == []


def test_render_marks_the_title_block_as_main_content():
    html = ("<html><head><title>Oak Side Table</title></head><body>"
            f"<div id='page'>{product_details()}</div>"
            f"<div id='terms'><p>{POLICY}</p><p>{POLICY}</p></div></body></html>")
    lines, hints, metadata = render(html)
    marked = [line for line, hint in zip(lines.split("\n"), hints) if hint.get("main_content")]
    assert "Weight 6 kg" in marked and "Oak Side Table" in marked and POLICY in marked
    assert metadata["main_content"] == "div#product, div#terms"
