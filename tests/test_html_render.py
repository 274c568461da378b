"""The HTML renderer's lines and hints (cleanse.reading.html.render), on small pages.

The renderer keeps per-element state only where a line can end (block elements and their
ancestors) and works most of it out on first use; these pages pin down what that must not
change: white space, link text through inline leaves and dropped elements, and the hints of
a line nested under inline elements and under long chains of furniture containers.
"""

from __future__ import annotations

from cleanse.reading.html import render

PROSE = ("The council approved the new light rail line on Tuesday after a long debate about "
         "its cost, its route through the old town and the years of building work ahead.")


def page(body: str) -> str:
    return f"<html><head><title>Rail</title></head><body>{body}</body></html>"


def lines_and_hints(body: str) -> list[tuple[str, dict]]:
    text, hints, _ = render(page(body))
    return [(line, hint) for line, hint in zip(text.split("\n"), hints) if line]


def test_white_space_runs_become_one_space_but_information_separators_stay_inside_a_line():
    rendered = lines_and_hints("<p>a \n\t b</p><p>c\x1fd  e \x1f</p>")
    # U+001F is white space to str.split, not to the renderer: it stays between words
    # (and goes at the ends, as str.strip takes it).
    assert [line for line, _ in rendered] == ["a b", "c\x1fd e"]


def test_link_text_counts_through_inline_leaves_and_dropped_elements():
    rendered = lines_and_hints("<p><a href='/s'>Read <script>track()</script>the full "
                               "<b>story</b></a> now or <span>later</span></p>")
    (line, hint), = rendered
    assert line == "Read the full story now or later"  # the script's text is dropped, its tail kept
    link_text = "Read" + "the full" + "story"  # each piece of link text counts stripped
    assert hint["link_density"] == round(len(link_text) / len(line), 3)


def test_a_block_inside_inline_elements_gets_the_hints_of_all_its_ancestors():
    rendered = lines_and_hints(
        f"<article><p>{PROSE}</p><div class='share-tools'><span><a href='/x'><em>"
        "<div>Share this story</div></em></a></span></div></article>")
    (_, prose), (line, hint) = rendered
    assert line == "Share this story"
    assert hint["signature"] == "span./a./em./div."  # the last four enclosing elements
    assert hint["tag"] == "div" and hint["in_content"] is True
    assert hint["boilerplate"] == "share" and hint["furniture_depth"] == 1
    assert hint["depth"] == prose["depth"] + 4 and hint["link_density"] == 1.0
    assert "boilerplate" not in prose


def test_a_line_under_a_long_chain_of_furniture_containers():
    depth = 990  # with the test runner's frames, past Python's recursion limit (1000) if the
    # chain were resolved recursively; under the renderer's nesting limit (1000 elements)
    rendered = lines_and_hints(f"<p>{PROSE}</p>" + "<span class='menu'>" * depth
                               + "<div>Deep menu entry</div>" + "</span>" * depth)
    line, hint = rendered[-1]
    assert line == "Deep menu entry"
    assert hint["furniture_depth"] == depth and hint["boilerplate"] == "menu"
    assert hint["signature"] == "span.menu/span.menu/span.menu/div."


def test_hidden_elements_mark_their_lines():
    rendered = dict(lines_and_hints(
        f"<p>{PROSE}</p><div style='DISPLAY: none'><p>Styled away</p></div>"
        "<div aria-hidden='true'>Hidden from readers</div><noscript><p>Enable scripts</p>"
        "</noscript><div hidden><span>Streamed later</span></div>"))
    assert not rendered[PROSE].get("hidden")
    for line in ("Styled away", "Hidden from readers", "Enable scripts", "Streamed later"):
        assert rendered[line]["hidden"] is True, line


def test_a_comments_own_article_below_the_post_is_no_content():
    # HTML5 markup gives each reader comment its own <article>: below the post, outside the
    # DOM main-content pick, it is a comment, not content of the page's own.
    post = f'<div class="post-body"><h1>Rail</h1><p>{PROSE}</p></div>'
    comments = ('<div id="comments">' + "".join(
        f'<article class="comment"><p>Reader {n} says the line is late.</p></article>'
        for n in range(3)) + "</div>")
    rendered = dict(lines_and_hints(post + comments))
    assert not rendered["Reader 0 says the line is late."]["in_content"]
    # Inside the post's own <article> it stays content (and inside the DOM main-content
    # pick: testimonials a product page shows as its content).
    nested = dict(lines_and_hints(f"<article><h1>Rail</h1><p>{PROSE}</p>{comments}</article>"))
    assert nested["Reader 0 says the line is late."]["in_content"]
