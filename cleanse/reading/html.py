"""HTML front-end: render a page to lines (like a browser's innerText) plus DOM hints.

The same detectors then run on HTML and on text captures. Each rendered line
keeps hints the text alone cannot give: the block tag it came from, how much
of it is link text, and whether it sits inside navigation-like containers
(``<nav>``, ``<footer>``, ``class="related"``...). What the page declares about
itself (JSON-LD, OpenGraph, ``<meta>``, ``<time>``) is read by
:func:`cleanse.reading.metadata.from_html`.
"""

from __future__ import annotations

import functools
from collections import Counter
from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import regex
from lxml.etree import _Element as Element

from cleanse import native
from cleanse.reading.main_content import (
    INVISIBLE,
    CaseInsensitive,
    main_content,
    native_class_names,
    own_names,
)
from cleanse.reading.main_content import NEGATIVE as NEGATIVE_NAME
from cleanse.reading.main_content import POSITIVE as CONTENT_NAME
from cleanse.reading.metadata import DeferredDate, from_html

BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
          "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
          "table", "tr", "ul", "caption", "summary", "br", "center", "menu"}
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
              "figure", "section", "article"}
BOILERPLATE_TAGS = {"nav", "footer", "aside", "form", "dialog"}
# Furniture a page marks by its own semantics: it stays furniture however much text it holds,
# as long as an <article>/<main> lies outside it (a policy modal in the <footer>). A dialog
# always does: it is shown over the page, never the page's own frame.
SEMANTIC_FURNITURE = {"nav", "footer", "aside"}
# Class and id names of dialogs; their marker is "dialog", like role="dialog" and aria-modal.
OVERLAY_NAMES = {"modal", "dialog", "drawer", "popup", "popover", "offcanvas", "lightbox"}
# Class and id tokens of furniture containers. "reviews" holds a product's customer reviews
# (readers' posts, as comments are); the singular "review" names a review article's own body.
# "disclaimer(s)" and "footnotes" hold small print (rates' terms, financing notes); the
# singular "footnote" names an article's own notes. "signature" is a forum post's signature
# block, the post's own footer.
BOILERPLATE_TOKEN = CaseInsensitive(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer|sidebar|side-bar|comments?|reviews|related|share|"
    r"sharing|social|breadcrumbs?|cookie|consent|banner|advert|ads?|promo|subscribe|newsletter|"
    r"widget|popular|trending|recommend\w*|masthead|toolbar|pagination|pager|tags|byline|"
    r"author-bio|gallery|carousel|slideshow|slider|lightbox|caption|credit|disclaimers?|"
    r"footnotes|signature|modal|dialog|drawer|popup|popover|offcanvas)"
    r"(?:$|[-_\s])")
CONTENT_TAGS = {"article", "main"}
# Furniture markers of a reader comment's container (the ``boilerplate`` hint). An <article>
# so named (HTML5 markup for each comment, as WordPress themes write it) outside the DOM
# main-content pick is a comment below the page, not the page's content.
COMMENT_MARKERS = frozenset({"comment", "comments"})
# Plain lxml elements (no lxml.html classes: walking them is several times faster). Comments
# go at parse time, their tails kept: the tree walk would never visit them.
# huge_tree lifts libxml2's limits (nesting depth 256, text nodes and attributes of 10 MB),
# past which it drops the rest of the page without an error: a SingleFile capture's data:
# image would cut its article off. Input size is bounded before parsing (--max-bytes).
# collect_ids=False: nothing looks an element up by its id, and hashing every id attribute
# took ~7% of the parse.
PARSER = lxml.etree.HTMLParser(remove_comments=True, remove_pis=True, huge_tree=True,
                               collect_ids=False)
# Even huge_tree stops at a nesting depth of 2048; deeper elements are flattened first.
MAX_DEPTH = 1000
VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "param",
        "source", "track", "wbr"}
TAG_TOKEN = regex.compile(r"<(/?)([a-zA-Z][\w:-]{0,60})(?:\s[^<>]{0,20000})?(/?)>")


def parse(html: str) -> tuple[Element | None, list[str]]:
    """(the page's root element or None, warnings about what parsing altered or lost).

    Every fatal parser error is reported: libxml2 stops at one and keeps only
    what came before, which would otherwise pass as a complete page.
    """
    warnings: list[str] = []
    root = _parse(html)
    if _errors("Excessive depth"):
        html = _flatten(html)
        root = _parse(html)
        warnings.append(f"HTML nested deeper than {MAX_DEPTH} elements: the deeper tags were "
                        "dropped, their text kept")
    warnings += [f"HTML parser stopped early, text after it is missing: {error.message.strip()}"
                 for error in PARSER.error_log if error.level_name == "FATAL"]
    return root, warnings


def _parse(html: str) -> Element | None:
    try:
        return lxml.etree.fromstring(html, PARSER)
    except (lxml.etree.ParserError, lxml.etree.XMLSyntaxError, ValueError):
        return None


def _errors(text: str) -> bool:
    return any(text in error.message for error in PARSER.error_log)


def _flatten(html: str) -> str:
    """``html`` without the tags that would nest deeper than ``MAX_DEPTH`` (their text stays;
    a dropped block tag becomes a line break). Counting every unclosed tag overestimates
    the depth the parser sees, so the result always parses whole."""
    pieces, depth, last = [], 0, 0
    for match in TAG_TOKEN.finditer(html):
        closing, name, self_closing = match.group(1), match.group(2).lower(), match.group(3)
        if name in VOID or self_closing:
            continue
        depth += -1 if closing else 1
        if depth + (1 if closing else 0) > MAX_DEPTH:
            pieces += [html[last:match.start()], "<br>" if name in BLOCKS else ""]
            last = match.end()
        depth = max(depth, 0)
    pieces.append(html[last:])
    return "".join(pieces)
# A "furniture" container with more than this share of the page's text is the layout itself.
MAX_BOILERPLATE_SHARE = 0.5
MAX_PROSE_SHARE = 0.5
# A "dialog" holding the title heading or this share of the page's text is a wrapper named
# like one (Drupal's "dialog-off-canvas-main-canvas" holds the whole page), not a dialog.
MAX_DIALOG_SHARE = 0.8
# Markers whose prose is never the page's own, however much of it they hold: a dialog's,
# and readers' reviews (a product with forty reviews holds more prose in them than in its
# description). Only the title heading or MAX_DIALOG_SHARE of the text makes them a wrapper.
WRAPPER_TESTED_FURNITURE = frozenset({"dialog", "reviews"})
# Markers that page builders give every block of a page (Elementor's "elementor-widget",
# SiteOrigin's "so-widget"): when the containers so named hold, all together, more than a
# container may (MAX_BOILERPLATE_SHARE of the text, MAX_PROSE_SHARE of the paragraphs), the
# name is the page's layout, not its furniture. On the bench pages where they do, 82% of
# their text is article text; where they hold less (a sidebar's widgets), 8%.
LAYOUT_TESTED_FURNITURE = frozenset({"widget"})
PARAGRAPH_CHARS = 80
SPACE = regex.compile(r"\s+")
# A line's structural signature: the tag and first class of its last few enclosing elements.
# Lines sharing one are items of one repeated structure (a list of cards, posts, menu links).
SIGNATURE_LEVELS = 4
XML_DECLARATION = regex.compile(r"^\s*<\?xml[^>]*>", regex.I)
_text = lxml.etree.XPath("string()")  # an element's text content, computed in C


# An element's attributes, as lxml lists them.
Attributes = tuple[tuple[str, str], ...]
# What an element says by its tag and attributes alone (see _element_hints).
ElementHints = tuple[str, bool, int, str]
Seen = dict[tuple[str, Attributes], ElementHints]
# The tags whose nearest enclosing one names a line's block (its "tag" hint).
BLOCK_HINT_TAGS = frozenset(BLOCKS | {"td", "th"})


class _Open:
    """What an open element hands down to the lines rendered inside it.

    What its own text needs (is it link text?) is set when the element opens; the rest
    (furniture containers, hidden, block, signature...) is worked out from its parent's the
    first time a line ends with it innermost (:meth:`context`), which a third of the
    elements never see. Most elements are inline and pass their parent's values on.
    """

    __slots__ = ("_context", "block_tag", "containers", "content", "content_classes", "depth",
                 "element", "hidden", "key", "link", "main", "parent", "pre", "pre_inside", "quote",
                 "resolved", "signature", "tag", "title_depth")

    def __init__(self, parent: _Open | None, element: Element | None = None, tag: str = "",
                 key: int = 0, is_main: bool = False, on_title_path: bool = False) -> None:
        """The state of ``element`` (opened as the ``key``-th element) inside ``parent``;
        without a parent, the state outside the page's root element. ``on_title_path``:
        the element is the page's title heading or one of its ancestors."""
        self._context: dict[str, Any] | None = None
        self.parent, self.element, self.tag, self.key = parent, element, tag, key
        if parent is None:
            self.resolved = True
            self.block_tag, self.containers, self.signature = "", (), ()
            self.content = self.quote = self.link = self.main = self.hidden = False
            self.pre_inside = False
            self.pre, self.content_classes, self.depth, self.title_depth = None, 0, 0, 0
            return
        self.resolved = False
        self.link = parent.link or tag == "a"
        self.pre_inside = parent.pre_inside or tag == "pre"
        self.main = parent.main or is_main
        self.depth = parent.depth + 1
        # The depth of the deepest ancestor this element shares with the title heading.
        self.title_depth = self.depth if on_title_path else parent.title_depth

    def _resolve(self, seen: Seen) -> None:
        """Works out the rest of this state and of its unresolved ancestors', outermost first
        (a loop, not recursion: pages nest a thousand deep)."""
        chain = []
        state: _Open | None = self
        while state is not None and not state.resolved:
            chain.append(state)
            state = state.parent
        for state in reversed(chain):
            state._resolve_from_parent(seen)

    def _resolve_from_parent(self, seen: Seen) -> None:
        parent, tag, key = self.parent, self.tag, self.key
        assert parent is not None and self.element is not None  # (only the outside has none)
        attributes = tuple(self.element.items())
        if (known := seen.get((tag, attributes))) is None:
            known = seen[tag, attributes] = _element_hints(tag, attributes)
        marker, hidden, content_named, step = known
        self.containers = parent.containers + ((key, marker),) if marker else parent.containers
        self.block_tag = tag if tag in BLOCK_HINT_TAGS else parent.block_tag
        # A comment's own <article> is content only inside the DOM main-content pick (reviews
        # and testimonials a product page shows as its content).
        self.content = parent.content or (tag in CONTENT_TAGS
                                          and (marker not in COMMENT_MARKERS or self.main))
        self.quote = parent.quote or tag == "blockquote"
        self.hidden = parent.hidden or hidden
        self.pre = parent.pre or (key if tag == "pre" else None)
        self.content_classes = parent.content_classes + content_named
        self.signature = (*parent.signature[1 - SIGNATURE_LEVELS:], step)
        self.resolved = True

    def context(self, title_depth: int, seen: Seen) -> dict[str, Any]:
        """The hints of a line whose innermost open element this is (``title_depth``: the
        depth of the page's title heading, 0 if it has none; ``seen``: see
        :attr:`_Renderer.seen`)."""
        if self._context is None:
            if not self.resolved:
                self._resolve(seen)
            context = {"tag": self.block_tag, "containers": self.containers,
                       "in_content": self.content, "quote": self.quote, "depth": self.depth,
                       "furniture_depth": len(self.containers),
                       "content_classes": self.content_classes,
                       "signature": "/".join(self.signature)}
            if self.main:
                context["main_content"] = True
            if self.hidden:
                context["hidden"] = True
            if self.pre:
                context["block"] = self.pre
            if title_depth:
                context["title_affinity"] = round(self.title_depth / title_depth, 3)
            self._context = context
        return self._context


@dataclass
class _Renderer:
    lines: list[str] = field(default_factory=list)
    hints: list[dict[str, Any]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0
    opened: int = 0  # elements opened so far, over every walk: a container's key
    title_depth: int = 0  # the depth of the page's title heading; 0 if none was found
    # What each (tag, attributes) pair met so far says (:func:`_element_hints`): pages repeat
    # their elements' attributes (list items, cards, table rows).
    seen: Seen = field(default_factory=dict)

    def flush(self, innermost: _Open | None, paragraph_end: bool = False) -> None:
        """Ends the current line; its hints come from ``innermost`` (None: no hints but
        the link density)."""
        if self.parts:
            joined = "".join(self.parts)
            link_chars = self.link_chars
            self.parts.clear()  # the walk holds on to this list
            self.link_chars = 0
            if not joined.isspace():  # (whitespace alone renders no line in either branch)
                self._emit(joined, link_chars,
                           innermost.context(self.title_depth, self.seen) if innermost else {})
        if paragraph_end and self.lines and self.lines[-1]:
            self.lines.append("")
            self.hints.append({})

    def _emit(self, joined: str, link_chars: int, context: dict[str, Any]) -> None:
        if "block" in context:  # preformatted: one line per source line, indentation kept
            texts = [line.rstrip() for line in joined.expandtabs(4).split("\n")]
            texts = [line for line in texts if line.strip()]
            total = sum(len(text.strip()) for text in texts)
            for text in texts:
                self.lines.append(text)
                self.hints.append({**context, "link_density": round(link_chars / total, 3)})
        elif text := _collapse_space(joined):  # (stripped: its length is the total)
            self.lines.append(text)
            self.hints.append({**context, "link_density": round(link_chars / len(text), 3)})


def _collapse_space(text: str) -> str:
    """``text`` with each run of white space made one space, and none at either end."""
    if "\x1c" in text or "\x1d" in text or "\x1e" in text or "\x1f" in text:
        # Information separators: white space to str.split and str.strip, not to regex's \s.
        return SPACE.sub(" ", text).strip()
    # The same, several times faster: str.split's white space is regex's \s but for them.
    return " ".join(text.split())


def _hidden(tag: str, attributes: dict[str, str]) -> bool:
    """Not shown by a browser running scripts (the page's own hiding, or ``<noscript>``)."""
    if tag == "noscript" or "hidden" in attributes or attributes.get("aria-hidden") == "true":
        return True
    style = attributes.get("style")
    if not style:
        return False
    style = style.replace(" ", "").lower()
    return "display:none" in style or "visibility:hidden" in style


def _element_hints(tag: str, attributes: Attributes) -> ElementHints:
    """What an element says by its tag and attributes alone: (its furniture marker or '',
    hidden, 1 if its class or id names content else 0, its step of a signature)."""
    if attributes:
        named = dict(attributes)
        css_class = named.get("class", "")
        element_id, role = named.get("id", ""), named.get("role", "")
        furniture, content_named = _class_names(css_class, element_id, role) \
            if css_class or element_id or role else ("", 0)
        if named.get("aria-modal") == "true":
            furniture = "dialog"
        hidden = _hidden(tag, named)
    else:
        css_class, furniture, content_named, hidden = "", "", 0, tag == "noscript"
    # Themes put "menu-right" or "sidebar" classes on the whole page: not furniture.
    marker = tag if tag in BOILERPLATE_TAGS else "" if tag in ("html", "body") else furniture
    return marker, hidden, content_named, f"{tag}.{css_class.split(' ')[0]}"


def render(html: str) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """(text with one line per rendered line, hints per line, page metadata).

    The whole page is rendered: what the DOM says is evidence for the
    arbiter, never a gate. Lines inside the elements that
    :func:`cleanse.main_content.main_content` picks carry the hint
    ``main_content`` (and the metadata names those elements); lines inside a
    hidden element (``hidden``, ``display:none``: often content that a
    script reveals, as React's streamed ``<div hidden id="S:0">``) are
    rendered with the hint ``hidden``.
    """
    html = _without_xml_declaration(html)
    root, warnings = parse(html)
    if root is None:
        return "", [], {"warnings": warnings} if warnings else {}
    metadata = from_html(root)
    if "published" not in metadata:  # the last resort, after the article's datelines
        metadata["htmldate"] = DeferredDate(html)
    if warnings:  # the pipeline moves them to the record's warnings
        metadata["warnings"] = warnings
    heading = _title_heading(root, metadata.get("title"))
    parts = main_content(root) or []
    title_path = {heading, *heading.iterancestors()} if heading is not None else set()
    text, hints = _render_lines(root, parts, title_path)
    if parts:
        names = Counter(map(_describe, parts))
        metadata["main_content"] = ", ".join(name if count == 1 else f"{name} ×{count}"
                                             for name, count in names.items())
    return text, hints, metadata


def _render_lines(root: Element, parts: list[Element],
                  title_path: set[Element]) -> tuple[str, list[dict[str, Any]]]:
    """The walk with its containers settled: (the text, each line's hints). The native core
    walks lxml's tree itself (docs/native.md) when it can read it; else the reference does."""
    if native.reads_lxml_trees():
        assert native.core is not None
        rendered = native.core.render_walk(root, parts, list(title_path), len(title_path),
                                           _element_hints, _class_names)
        if rendered is not None:
            return rendered
    renderer = _Renderer(title_depth=len(title_path))
    _walk(root, renderer, set(parts), title_path)
    renderer.flush(None, paragraph_end=True)
    _settle_containers(renderer.lines, renderer.hints)
    return "\n".join(renderer.lines), renderer.hints


def _without_xml_declaration(html: str) -> str:
    """``html`` without a leading XML declaration (``<?xml version="1.0"?>``).

    The pattern can only match where "<?" follows nothing but white space (regex's ``\\s``
    is white space to ``str.isspace`` too): looking there first rules out nearly every page
    at once (the pattern costs ~0.1 ms on a page even when it fails at the first character;
    ``lstrip`` copies nothing when nothing leads)."""
    if not html.lstrip().startswith("<?"):
        return html
    return XML_DECLARATION.sub("", html)


def _describe(element: Element) -> str:
    """A CSS-like name for ``element``: ``div#story.article-body``."""
    name = element.tag
    if element.get("id"):
        name += f"#{element.get('id').strip()}"
    classes = (element.get("class") or "").split()
    return name + (f".{classes[0]}" if classes else "")


def _title_heading(root: Element, title: str | None) -> Element | None:
    """The page's title heading: the first ``<h1>`` or ``<h2>`` whose text is part of the
    declared title or holds it ("Article" in "Article | Site"), else the first ``<h1>``.

    Where a line sits relative to it is evidence (hint ``title_affinity``: how deep the
    line's deepest shared ancestor with it lies, as a share of its depth): the article,
    a product's details and a listing's items hang below the title's own containers, the
    page's furniture and a dialog's legal text branch off near the root.
    """
    declared = " ".join(title.split()).casefold() if title else ""
    first_h1 = None
    for heading in root.iter("h1", "h2"):
        text = " ".join(_text(heading).split()).casefold()
        if not text:
            continue
        if declared and (text in declared or declared in text):
            return heading
        if first_h1 is None and heading.tag == "h1":
            first_h1 = heading
    return first_h1


def _walk(root: Element, renderer: _Renderer, main_parts: set[Element],
          title_path: set[Element]) -> None:
    """Renders the tree under ``root`` into ``renderer``, in document order.

    Each open element's children are walked by their own iterator, innermost on a stack
    (a loop, not recursion: pages nest a thousand deep). An element without children that
    opens no block (a link, an image, a ``<span>``: nearly half of all elements) is done in
    one step, its text and tail; no line starts or ends inside it.
    """
    parts = renderer.parts  # texts are appended here directly: the hot path of the walk
    add = parts.append
    flush = renderer.flush
    opened = renderer.opened
    # The elements being walked, innermost last: (element, its state, its children left).
    frames: list[tuple[Element | None, _Open, Any]] = []
    element, state, children = None, _Open(None), iter((root,))
    while True:
        for child in children:
            tag = child.tag
            if not isinstance(tag, str) or (tag in INVISIBLE and not _swallowed_page(child)):
                # Dropped (script, style, ...) with its subtree: only its tail is visible.
                if tail := child.tail:
                    add(tail)
                    if state.link:
                        renderer.link_chars += len(tail.strip())
                continue
            opened += 1
            if tag not in BLOCKS and not len(child):
                # An inline leaf: only its linkness reaches a line, its parent's state
                # stands in for it.
                if text := child.text:
                    add(text)
                    if state.link or tag == "a":
                        renderer.link_chars += len(text.strip())
                if tag == "td" or tag == "th":
                    add(" ")
                if element is not None and (tail := child.tail):
                    add(tail)
                    if state.link:
                        renderer.link_chars += len(tail.strip())
                continue
            inner = _Open(state, child, tag, opened, not state.main and child in main_parts,
                          child in title_path)
            if parts and tag in BLOCKS:
                flush(state)
            if (text := child.text) and (parts or inner.pre_inside or not text.isspace()):
                add(text)
                if inner.link:
                    renderer.link_chars += len(text.strip())
            frames.append((element, state, children))
            element, state, children = child, inner, iter(child)
            break
        else:  # the children of ``element`` are done: it closes
            if element is None:
                break
            tag = element.tag
            if tag in BLOCKS:
                if parts or tag in PARAGRAPHS:
                    flush(state, paragraph_end=tag in PARAGRAPHS)
            elif tag == "td" or tag == "th":
                add(" ")
            closed = element
            element, state, children = frames.pop()
            # (The root's tail lies outside. White space alone starts no line: outside <pre>
            # a line's leading white space is dropped anyway.)
            if element is not None and (tail := closed.tail) \
                    and (parts or state.pre_inside or not tail.isspace()):
                add(tail)
                if state.link:
                    renderer.link_chars += len(tail.strip())
    renderer.opened = opened


def _swallowed_page(element: Element) -> bool:
    """An unclosed ``<button>`` the parser let swallow the rest of the page (its blocks)."""
    return element.tag == "button" and element.find(".//div") is not None


@functools.lru_cache(maxsize=4096)  # pages repeat their class names element after element
def _class_names(css_class: str, element_id: str, role: str) -> tuple[str, int]:
    """What an element's class, id and role say: (why it looks like page furniture ('nav',
    'sidebar', ...) or '', 1 if its class or id names content ("article-body", "post") else 0).
    By the native core for ASCII names (the same answers, tests/test_native_html.py): most
    of a page's names are new to the memory in a batch of many sites, and the three
    pattern searches cost ~5 us a name.
    """
    if native.enabled and css_class.isascii() and element_id.isascii() and role.isascii() \
            and (names := native_class_names()):
        return names.class_names(css_class, element_id, role)
    return _class_names_reference(css_class, element_id, role)


def _class_names_reference(css_class: str, element_id: str, role: str) -> tuple[str, int]:
    """:func:`_class_names` by the modules' patterns (a post's taxonomy terms, "category-reviews",
    name neither furniture nor content: :func:`~cleanse.reading.main_content.own_names`)."""
    css_class = own_names(css_class)
    furniture = BOILERPLATE_TOKEN.search(f"{css_class} {element_id} {role}")
    names = f"{css_class} {element_id}"
    content = int(bool(CONTENT_NAME.search(names)) and not NEGATIVE_NAME.search(names))
    if not furniture:
        return "", content
    marker = furniture.group(0).strip("-_ ").lower()
    return ("dialog" if marker in OVERLAY_NAMES else marker), content


def _settle_containers(lines: list[str], hints: list[dict[str, Any]]) -> None:
    """Replaces each line's furniture containers by the one that counts, if any.

    A container holding more than ``MAX_BOILERPLATE_SHARE`` of the page's
    rendered text, or more than ``MAX_PROSE_SHARE`` of its paragraphs (lines
    of ``PARAGRAPH_CHARS`` or more), is layout, whatever its name: ASP.NET pages sit in one
    ``<form>``, page builders wrap the article in "widget" blocks, a
    "page-block-container and-w-sidebar" holds the article and its sidebar.
    Semantic furniture (``SEMANTIC_FURNITURE``: a ``<footer>``, ``<nav>``,
    ``<aside>``) stays furniture however large while some line of an
    ``<article>``/``<main>`` lies outside it: a policy modal makes the footer big.
    A dialog or readers' reviews container (``WRAPPER_TESTED_FURNITURE``) is furniture
    however much prose it holds, unless it holds the page's title heading or
    ``MAX_DIALOG_SHARE`` of its text: then it is the page's wrapper.
    A name page builders give every block (``LAYOUT_TESTED_FURNITURE``) is layout when its
    containers together would be: each block is small, the page is made of them.
    The outermost remaining container names the line's furniture.
    """
    chars: dict[tuple[int, str], int] = {}
    prose: dict[tuple[int, str], int] = {}
    # Per layout-tested marker, the text of the lines inside any container so named.
    marker_chars: dict[str, int] = {}
    marker_prose: dict[str, int] = {}
    content_inside: dict[tuple[int, str], int] = {}
    content_lines = 0
    holding_title: set[tuple[int, str]] = set()
    for line, hint in zip(lines, hints):
        in_content = hint.get("in_content", False)
        content_lines += in_content
        containers = hint.get("containers", ())
        if hint.get("title_affinity") == 1.0:  # a line of the title heading itself
            holding_title.update(containers)
        for key in containers:
            chars[key] = chars.get(key, 0) + len(line)
            if len(line) >= PARAGRAPH_CHARS:
                prose[key] = prose.get(key, 0) + len(line)
            if in_content:
                content_inside[key] = content_inside.get(key, 0) + 1
        for marker in {key[1] for key in containers} & LAYOUT_TESTED_FURNITURE:
            marker_chars[marker] = marker_chars.get(marker, 0) + len(line)
            if len(line) >= PARAGRAPH_CHARS:
                marker_prose[marker] = marker_prose.get(marker, 0) + len(line)
    page_chars = sum(map(len, lines))
    limit = MAX_BOILERPLATE_SHARE * page_chars
    prose_limit = MAX_PROSE_SHARE * sum(len(line) for line in lines if len(line) >= PARAGRAPH_CHARS)
    layout = {marker for marker, held in marker_chars.items()
              if held > limit or marker_prose.get(marker, 0) > prose_limit}

    def counts(key: tuple[int, str]) -> bool:
        if key[1] in layout:
            return False
        if key[1] in WRAPPER_TESTED_FURNITURE:
            return key not in holding_title and chars[key] <= MAX_DIALOG_SHARE * page_chars
        if key[1] in SEMANTIC_FURNITURE and content_inside.get(key, 0) < content_lines:
            return True
        return chars[key] <= limit and prose.get(key, 0) <= prose_limit

    for hint in hints:
        containers = hint.pop("containers", ())
        marker = next((key[1] for key in containers if counts(key)), "")
        if marker:
            hint["boilerplate"] = marker
