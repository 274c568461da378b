"""The native HTML rendering against the Python reference: the render walk (with its settled
containers) and the DOM main-content picker must give the same lines, the same hints (keys in
the same order, values of the same types) and pick the same elements (docs/native.md)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanse
from cleanse import native
from cleanse.reading import html, main_content, metadata
from cleanse.reading.metadata import DeferredDate

ROOT = Path(__file__).resolve().parents[1]
BENCH = ROOT.parent / "shared" / "bench"

pytestmark = pytest.mark.skipif(native.core is None, reason="the native core is not built")


def _rendered(page: str, on: bool) -> tuple[str, list[list[tuple[str, object, type]]], dict]:
    with native.use_native(on):
        text, hints, metadata = html.render(page)
    # htmldate's date is searched for when asked (DeferredDate): compare the dates.
    metadata = {key: value.date() if isinstance(value, DeferredDate) else value
                for key, value in metadata.items()}
    return text, [[(key, value, type(value)) for key, value in hint.items()] for hint in hints], \
        metadata


def _picked(page: str) -> tuple[object, object]:
    root, _ = html.parse(html.XML_DECLARATION.sub("", page))
    assert root is not None
    core = native.core
    assert core is not None
    found = core.pick_main_content(root, main_content._names_weight, main_content.COMMENT,
                                   main_content.OVERLAY)
    return found, main_content._main_content(root)


def assert_same_rendering(page: str) -> None:
    assert _rendered(page, True) == _rendered(page, False)
    native_parts, reference_parts = _picked(page)
    assert native_parts is not False, "the core refused a tree it should read"
    assert native_parts == reference_parts  # the same lxml elements (identity), or both None
    root, _ = html.parse(html.XML_DECLARATION.sub("", page))
    with native.use_native(False):
        reference = metadata._page_elements(root)
    core = native.core
    assert core is not None
    found = core.page_elements(root)
    assert found is not None, "the core refused a tree it should read"
    assert [list(part) if isinstance(part, list) else part for part in found] == \
        [list(part) if isinstance(part, list) else part for part in reference]


def _bench_pages(step: int) -> list[str]:
    from training.corpus import load_pages
    return [page.html() for page in load_pages(BENCH)[::step]]


@pytest.mark.skipif(not BENCH.is_dir(), reason="../shared/bench is not here")
def test_bench_pages():
    """Every 10th bench page of every set (~175 pages)."""
    pages = _bench_pages(10)
    assert len(pages) > 100
    for page in pages:
        assert_same_rendering(page)
        assert html._without_xml_declaration(page) == html.XML_DECLARATION.sub("", page)


@pytest.mark.parametrize("page", [
    "<?xml version='1.0'?><html></html>", " \n\t<?XML version='1.0'?>\n<html>", "<?php x ?><p>",
    "\x1c<?xml version='1.0'?><p>", "\u3000<?xml?>x", "<p><?xml?></p>", "", "<?", "x<?xml?>",
    "\xa0\u2028<?xMl a='>'?>b"])
def test_xml_declaration_prefix(page):
    """The shortcut drops exactly what the pattern drops."""
    assert html._without_xml_declaration(page) == html.XML_DECLARATION.sub("", page)


def test_tag_sets_are_the_modules():
    """The core's tag sets (matches, for speed) hold the same tags as the modules' sets."""
    sets = (html.BLOCKS, html.PARAGRAPHS, main_content.INVISIBLE, html.BOILERPLATE_TAGS,
            html.SEMANTIC_FURNITURE, set(main_content.TEXT_HOLDERS), main_content.BLOCK_CHILDREN)
    tags = set().union(*sets) | {"a", "span", "b", "td", "th", "body", "html", "head", "meta",
                                 "link", "img", "time", "noscript", "code", "fb:like", "P", ""}
    core = native.core
    assert core is not None
    for tag in tags:
        assert core.tag_classes(tag) == tuple(tag in members for members in sets), tag


def test_rounding_is_pythons():
    """The core's round(x, 3) (link densities, title affinities), bit for bit: every ratio
    a / b up to b = 1000, and random doubles of every magnitude."""
    import random
    ratios = [a / b for b in range(1, 1001) for a in range(0, 2 * b + 1)]
    rng = random.Random(7)
    ratios += [rng.random() * 10 ** rng.randint(-320, 20) for _ in range(100_000)]
    ratios += [k / 2000 for k in range(4001)]  # the ties of the third decimal
    core = native.core
    assert core is not None
    assert [x.hex() for x in core.round3_each(ratios)] == [round(x, 3).hex() for x in ratios]


ARTICLE = ("<p>The council approved the plan on Tuesday, after a long debate, and work starts "
           "in spring; residents welcomed it.</p>")

UNUSUAL = [
    # preformatted text: tabs, indentation, blank lines, a link inside
    "<html><body><pre>\tdef f():\n\t\treturn 1\n\n  <a href=x>link\ttext</a>\r\n x\ty</pre>"
    f"{ARTICLE}</body></html>",
    # information separators (white space to str.split, not to regex's \\s), NBSP, ideographic
    "<html><body><p>one\x1c two\x1f\u3000three\xa0 four</p><div>a\x1db</div>"
    f"{ARTICLE}</body></html>",
    # text after the last block (the final flush), an inline leaf as the root's last child
    f"<html><body>{ARTICLE}<span>trailing</span> words <b>bold</b></body></html>",
    # link densities that are exact ties for round(x, 3), links of white space
    "<html><body><p><a href=a>x</a>123456789012345</p><p><a>    </a>  text  </p>"
    f"<div><a href=b>a    b</a></div>{ARTICLE}</body></html>",
    # hidden and noscript content, a dialog holding the page, one that does not
    "<html><body><div hidden><p>secret text here that is long enough to count</p></div>"
    "<noscript><p>enable scripts to read this page properly please</p></noscript>"
    "<div class='dialog-off-canvas-main-canvas'><article><h1>Title</h1>"
    f"{ARTICLE * 3}</article></div><div role=dialog class=modal><p>Cookies!</p></div>"
    "</body></html>",
    # furniture: nav, footer holding most of the text, sidebar classes, aria-modal
    f"<html><body><nav><ul><li><a href=/>Home</a></li><li><a>News</a></li></ul></nav>"
    f"<main>{ARTICLE}</main><footer>{ARTICLE * 5}</footer>"
    "<div class='sidebar widget' id=side aria-modal=true><p>Popular</p></div></body></html>",
    # tables, cells as inline leaves, nested lists, blockquotes, a <br> run
    "<html><body><table><tr><td>a</td><td>b<br>c</td><th>d</th></tr>"
    "<tr><td><ul><li>one<li>two<ol><li>three</ol></ul></td></tr></table>"
    f"<blockquote>{ARTICLE}</blockquote><div>line one<br>line two<br><br>line three "
    "with enough text, commas, and more, to score as a paragraph of its own</div></body></html>",
    # an unclosed <button> that swallows the page, scripts, styles, comments
    "<html><body><button>Menu<div>" f"{ARTICLE * 4}</div></body></html>",
    "<html><head><title>T</title><script>var x = '<p>no</p>';</script><style>p{}</style>"
    f"</head><body><!-- c --><p>a<!-- c -->b</p>{ARTICLE}<?pi x?></body></html>",
    # entities, duplicate attributes, attributes without values, odd tags
    "<html><body><p class=a class=b data-x>caf&eacute; &amp; &unknown; &#x1F600;</p>"
    f"<fb:like></fb:like><svg><text>t</text></svg><x-widget>{ARTICLE}</x-widget></body></html>",
    # the title heading deep in the tree, matched by the declared title
    "<html><head><title>Deep headline | Site</title></head><body><div><div><section>"
    f"<header><h1>Deep headline</h1></header>{ARTICLE * 2}</section></div></div>"
    "<div class='comments'><div class='article-body'>" f"{ARTICLE * 3}</div></div></body></html>",
    # article split by ad slots into blocks of one class; comment thread of the same class
    "<html><body><div id=main><div class=story-body>" f"{ARTICLE * 2}</div><div class=ad>x</div>"
    "<div class=story-body>" f"{ARTICLE * 2}</div></div><aside><div class=story-body>"
    f"{ARTICLE}</div></aside><p>Short end.</p></body></html>",
    # byline elements (metadata's author): rel=author, class words in any case, non-ASCII names
    "<html><body><img class=author src=x><div class='post-Author-name'>By Jane Doe</div>"
    f"{ARTICLE}</body></html>",
    f"<html><body><p id=x>{ARTICLE}</p><a rel='nofollow\tauthor' href=/u>Sam Lee</a></body></html>",
    f"<html><body><span class='\u212author byline'>Ann Roe</span>{ARTICLE}</body></html>",
    f"<html><body><span class='WRITER' id='é'>Li Wei</span>{ARTICLE}</body></html>",
    # what metadata reads: canonical links, JSON-LD scripts, itemprops, times, titles, h1s
    "<html><head><title>One</title><link rel='alternate canonical' href=' /a '>"
    "<link rel='Canonical' href=/b><link rel=canonical><link rel='\tcanonical\n' href=/c>"
    "<script type='application/LD+JSON'>{\"@type\": \"NewsArticle\"}</script>"
    "<script type='LD+Json '>[]</script><script type='application/ld+jsonp'></script>"
    "<script type='application/l d+json'></script><script>{}</script>"
    "<meta name=author content='Jane Doe'><meta property=og:title content='A &amp;amp; B'>"
    "</head><body><title>Two</title><h1>Head <b>line</b></h1><time datetime=2024-01-02>x</time>"
    "<div itemscope itemprop=author><span itemprop=name>Sam</span></div>"
    f"<h1></h1>{ARTICLE}</body></html>",
    # no paragraph at all; a page of links
    "<html><body><span>just a few words</span></body></html>",
    "<html><body><div>" + "".join(f"<p><a href={i}>Link number {i} to another story</a></p>"
                                  for i in range(30)) + "</div></body></html>",
    # each reader comment its own <article>, below a post (outside the main-content pick)
    # and as a product page's testimonials (the pick)
    "<html><body><div class='entry-content'>" + "<p>A paragraph of the post, long enough to "
    "count as prose for the scorer, with commas, and more words.</p>" * 6 + "</div>"
    "<div id='comments'>" + "<article class='comment'><p>Reader says: a comment.</p></article>"
    * 3 + "</div><div id='reviews'>" + "<article class='comments-comment'><p>A testimonial "
    "of the course, long enough to be prose, with commas, and more words.</p></article>" * 6
    + "</div></body></html>",
]


@pytest.mark.parametrize("page", UNUSUAL)
def test_unusual_pages(page):
    assert_same_rendering(page)


TAGS = ["div", "p", "span", "a", "pre", "td", "tr", "table", "li", "ul", "nav", "footer", "h1",
        "h2", "article", "main", "section", "blockquote", "br", "b", "button", "script",
        "noscript", "dialog", "aside", "form", "header", "img", "th", "code"]
NAMES = ["", "article-body", "post", "comment", "comments", "modal", "nav", "sidebar",
         "related", "story", "menu-right", "share", "content main", "entry hentry", "ad-slot",
         "product-reviews", "review"]
TEXTS = st.text(alphabet=st.sampled_from(list("ab ,.;。，、!?\t\n\r\xa0\u3000\x1c\x1f日本")),
                max_size=60)


@st.composite
def _elements(draw, depth: int = 0) -> str:
    tag = draw(st.sampled_from(TAGS))
    attributes = ""
    if draw(st.booleans()):
        attributes += f" class='{draw(st.sampled_from(NAMES))}'"
    if draw(st.integers(0, 5)) == 0:
        attributes += f" id='{draw(st.sampled_from(NAMES))}'"
    if draw(st.integers(0, 9)) == 0:
        attributes += draw(st.sampled_from([" hidden", " role=dialog", " aria-hidden=true",
                                            " style='display: none'", " aria-modal=true"]))
    children = []
    if depth < 5:
        for _ in range(draw(st.integers(0, 4))):
            children.append(draw(_elements(depth + 1)) if draw(st.booleans())
                            else draw(TEXTS).replace("<", "").replace("&", ""))
    return f"<{tag}{attributes}>{draw(TEXTS)}{''.join(children)}</{tag}>{draw(TEXTS)}"


@given(st.lists(_elements(), min_size=1, max_size=4), st.sampled_from(["", "<title>ab</title>"]))
@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
def test_generated_pages(bodies, head):
    assert_same_rendering(f"<html><head>{head}</head><body>{''.join(bodies)}</body></html>")


def test_untested_lxml_versions_render_with_the_reference(monkeypatch):
    # A struct layout the core was not tested on would crash rather than fail: such an lxml
    # is never read by the core, and the page comes out as the reference renders it.
    page = "<html><body><h1>Title</h1><p>One paragraph, long enough to count.</p></body></html>"
    expected = cleanse.clean(page, kind="html").to_dict()
    monkeypatch.setattr(native, "lxml_tested", False)
    assert not native.reads_lxml_trees()
    calls = []
    monkeypatch.setattr(native, "core", _Recording(native.core, calls))
    assert cleanse.clean(page, kind="html").to_dict() == expected
    assert not {"render_walk", "pick_main_content", "page_elements", "byline_candidates"} & set(
        calls)


class _Recording:
    """The native core, noting which functions are called."""

    def __init__(self, core, calls):
        self._core, self._calls = core, calls

    def __getattr__(self, name):
        self._calls.append(name)
        return getattr(self._core, name)


# --- class names (cleanse._native.ClassNames) -------------------------------------------------

def test_class_name_patterns_are_the_cores():
    """The core writes the modules' patterns as they are: its matcher is used. (Should a
    pattern change, this fails until names.rs follows; the reference answers meanwhile.)"""
    assert main_content.native_class_names() is not None


def assert_same_class_names(css_class: str, element_id: str, role: str) -> None:
    names = main_content.native_class_names()
    assert names is not None
    assert names.class_names(css_class, element_id, role) == \
        html._class_names_reference(css_class, element_id, role), (css_class, element_id, role)
    for pair in ((css_class, element_id), (css_class or None, element_id or None)):
        assert names.names_weight(*pair) == main_content._names_weight_reference(*pair), pair
    for text in (css_class, f"{css_class} {element_id} {role}".lower()):
        text = text.lower()
        found = html.BOILERPLATE_TOKEN._ascii.search(text)
        assert names.token_match(text) == (found.span() if found else None), text


@pytest.mark.skipif(not BENCH.is_dir(), reason="../shared/bench is not here")
def test_class_names_of_bench_elements():
    """Every ASCII (class, id, role) of every 5th bench page's elements."""
    seen = set()
    for page in _bench_pages(5):
        root, _ = html.parse(html.XML_DECLARATION.sub("", page))
        if root is None:
            continue
        for element in root.iter("*"):
            key = (element.get("class", ""), element.get("id", ""), element.get("role", ""))
            if all(part.isascii() for part in key):
                seen.add(key)
    assert len(seen) > 1000
    for key in seen:
        assert_same_class_names(*key)


_NAME_PIECES = (["nav", "navbar", "navigation", "comment", "comments", "commentsx", "ads", "ad",
                 "adsx", "recommend", "recommended", "recommend_", "recommend-", "breadcrumbs",
                 "side-bar", "author-bio", "modal", "dialog", "lightbox", "popup", "popover",
                 "article", "content", "com-", "ad-", "main", "foot", "tags", "x", "NAV", "Ads",
                 "ReCommended", "9", "_", "-", " ", "\t", "\n", "\r", "\x0b", "\x0c", "\x1c", "é",
                 # a post's taxonomy terms (main_content.own_names)
                 "category-", "tag-", "format-", "product_cat-", "post", "post-12", "hentry",
                 "type-", "Tag-", "reviews", "social"])


@given(st.lists(st.sampled_from(_NAME_PIECES), max_size=8).map("".join),
       st.lists(st.sampled_from(_NAME_PIECES), max_size=4).map("".join),
       st.sampled_from(["", "navigation", "dialog", "banner", "nav\n", "x\n\n"]))
@settings(max_examples=1500, deadline=None)
def test_class_names_of_generated_names(css_class, element_id, role):
    """Words glued, cut and repeated, every separator re's \\s knows (and one it does not),
    a final newline ($), upper case; non-ASCII names are the reference's."""
    if css_class.isascii() and element_id.isascii() and role.isascii():
        assert_same_class_names(css_class, element_id, role)
    else:
        with pytest.raises(ValueError):
            main_content.native_class_names().class_names(css_class, element_id, role)
    # The memoised functions answer as their references, whoever answers.
    assert html._class_names.__wrapped__(css_class, element_id, role) == \
        html._class_names_reference(css_class, element_id, role)
    assert main_content._names_weight.__wrapped__(css_class, element_id) == \
        main_content._names_weight_reference(css_class, element_id)
