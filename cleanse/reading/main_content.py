"""Where the article is in an HTML page: a readability-style score over the DOM.

Text captures only have lines, so :mod:`cleanse.detectors.main_region` finds
the article by weighing prose. HTML has more to go on: paragraphs cluster
inside one container. Every paragraph-sized text (a ``<p>``, or the own text
of a ``<div>``/``<td>``/``<li>`` that holds ``<br>``-separated text) scores
``1 + commas + min(chars / 100, 3)`` for its container and half of that for
the container's parent (the algorithm of Arc90's Readability). Containers
start from a tag weight and a class/id weight ("article-body" +25,
"sidebar" -25) and end multiplied by ``1 - link density``. The best one,
those parts of its parent and grandparent that hold paragraphs of their own,
and blocks elsewhere styled exactly like it (articles split by ad slots and
widgets into several blocks) are the main content; only they are rendered,
which is also what makes HTML fast. When the choice holds less than
``MIN_KEPT_CHARS`` of a page with ten times more paragraph text, or the
best container is mostly links, the page's structure defeated the scorer:
the caller renders the whole page instead.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Callable
from itertools import islice
from typing import Any

import lxml.etree
import regex
from lxml.etree import _Element as Element

from cleanse import native


class CaseInsensitive:
    """A pattern searched case-insensitively, as ``regex.compile(pattern, regex.I)`` does.

    Class and id names are searched thousands of times a page, nearly all of them ASCII:
    those go to the standard ``re`` (several times faster here) on their lowercase, with
    ``re.ASCII`` so that ``\\s`` and ``\\w`` mean what ``regex`` means by them on ASCII text
    (its ``\\s`` leaves out the separators U+001C..U+001F). Other text goes to ``regex``,
    whose case folding matches U+212A (Kelvin) to "k". ``pattern`` must spell its letters
    in lowercase.
    """

    __slots__ = ("_ascii", "_unicode", "pattern")

    def __init__(self, pattern: str) -> None:
        self.pattern = pattern
        self._ascii = re.compile(pattern, re.ASCII)
        self._unicode = regex.compile(pattern, regex.I)

    def search(self, text: str) -> re.Match[str] | regex.Match[str] | None:
        """The first match in ``text`` (of its lowercase when ``text`` is ASCII), or None."""
        if text.isascii():
            return self._ascii.search(text.lower())
        return self._unicode.search(text)


POSITIVE = CaseInsensitive(r"article|body|content|entry|hentry|main|page|post|text|blog|story")
NEGATIVE = CaseInsensitive(
    r"combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta|outbrain|promo|related|"
    r"scroll|shoutbox|sidebar|sponsor|shopping|tags|tool|widget|nav|menu|share|social|"
    r"breadcrumb|ad-|ads|advert|banner|popular|recommend")
# The taxonomy terms blog and shop software writes into a post's own class name the post's
# topics, not the element: WordPress's post_class ("post-123 post type-post status-publish
# format-gallery hentry category-product-reviews tag-social-media", WooCommerce's product_cat-
# and product_tag-), Squarespace's and Ghost's category- and tag-. Read only in a class that
# names a post (a name in POST_NAMES: "hentry", "post", "post-<digits>", "type-<post type>"):
# elsewhere "category-nav" or "tag-menu" is a component's own name. See own_names.
TERM_PREFIXES = ("category-", "tag-", "format-", "product_cat-", "product_tag-")
POST_NAMES = re.compile(r"hentry|post|post-[0-9]+|type-.+")
CLASS_SPACE = re.compile(r"[ \t\n\f\r]+")  # what separates an element's classes (HTML's)
# A container nested in one of these is a reader comment, however content-like its own name.
COMMENT = CaseInsensitive(r"comment|disqus|respond|replies")
# A container nested in one of these is an overlay (a policy modal, a size guide, a cart
# drawer): shown on demand, rarely what the page is about.
OVERLAY = CaseInsensitive(r"(?:^|[-_\s])(?:modal|dialog|drawer|popup|popover|offcanvas|lightbox)"
                          r"(?:$|[-_\s])")
TAG_WEIGHT = {"div": 5, "article": 10, "main": 10, "section": 3, "pre": 3, "td": 3,
              "blockquote": 3, "address": -3, "ol": -3, "ul": -3, "dl": -3, "dd": -3, "dt": -3,
              "li": -3, "form": -3, "h1": -5, "h2": -5, "h3": -5, "h4": -5, "h5": -5, "h6": -5,
              "th": -5, "nav": -25, "aside": -25, "footer": -25}
# Children that end a run of inline text: the own text of a <div> stops at them.
BLOCK_CHILDREN = {"blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul", "section",
                  "article", "h1", "h2", "h3", "h4", "h5", "h6", "form", "header", "footer",
                  "nav", "aside", "li", "tr", "td"}
# Never rendered, never scored.
# Not <head> itself: on malformed pages lxml puts body elements there, and the head's own
# text lives in <title>. Not <noscript>: script-driven sites (Discourse forums) serve their
# content there to clients without scripts; cleanse.reading.html renders it as hidden.
INVISIBLE = {"script", "style", "template", "svg", "iframe", "title", "select",
             "option", "button", "input", "textarea", "canvas", "object", "embed", "map", "math"}
# What the own text of a text holder leaves out.
NOT_OWN_TEXT = frozenset(BLOCK_CHILDREN | INVISIBLE)
TEXT_HOLDERS = ("p", "pre", "td", "div", "section", "article", "li", "blockquote")
_text = lxml.etree.XPath("string()")  # an element's text content, computed in C
_preceding = lxml.etree.XPath("count(preceding::*)")  # how many elements end before one
CLAUSE_MARKS = ",，、;；。"
SENTENCE_END = regex.compile(r"[.。!！?？]\s*$")

MIN_PARAGRAPH_CHARS = 25
TOP_CANDIDATES = 8
SIBLING_SHARE = 0.2
MIN_SIBLING_SCORE = 10.0
MIN_SIBLING_PARAGRAPH_CHARS = 80
MAX_SIBLING_LINK_DENSITY = 0.25
LEVELS_UP = 2
MAX_LINK_DENSITY = 0.3
MIN_KEPT_CHARS = 500
MIN_KEPT_SHARE = 0.1
PARAGRAPH_ANCESTORS = 8


def main_content(root: Element) -> list[Element] | None:
    """The elements holding the article, in document order; None if no paragraph anywhere.

    The native core picks the same elements from lxml's tree itself (docs/native.md); what
    it cannot read (a namespaced element, an entity reference) the reference picks."""
    if native.reads_lxml_trees():
        assert native.core is not None
        picked = native.core.pick_main_content(root, _names_weight, COMMENT, OVERLAY)
        if picked is not False:
            return picked
    return _main_content(root)


def _main_content(root: Element) -> list[Element] | None:
    """The reference implementation of :func:`main_content`."""
    scores: dict[Element, float] = {}
    paragraph_chars: dict[Element, int] = {}
    page_paragraph_chars = 0
    for element in root.iter(*TEXT_HOLDERS):
        tag = element.tag
        whole = tag == "p" or tag == "pre"
        text = (_text(element) if whole else _own_text(element)).strip()
        length = len(text)
        if length < MIN_PARAGRAPH_CHARS:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        score = 1 + sum(map(text.count, CLAUSE_MARKS)) + min(length / 100, 3)
        page_paragraph_chars += length
        container = parent if whole else element
        for target, share in ((container, 1.0), (container.getparent(), 0.5)):
            if target is None:
                continue
            if target not in scores:
                scores[target] = TAG_WEIGHT.get(target.tag, 0) + _class_weight(target)
            scores[target] += score * share
        paragraph_chars[element] = paragraph_chars.get(element, 0) + length
        for ancestor in islice(element.iterancestors(), PARAGRAPH_ANCESTORS - 1):
            paragraph_chars[ancestor] = paragraph_chars.get(ancestor, 0) + length
    best, best_score, best_link_density = None, 0.0, 0.0
    in_comments, in_overlay = _Within(_comments), _Within(_overlay)
    for candidate, score in sorted(scores.items(), key=lambda item: -item[1])[:TOP_CANDIDATES]:
        link_density = _link_density(candidate)
        score *= 1 - link_density
        if in_comments(candidate.getparent()):  # (its ancestors, not its own name)
            score /= 4
        if in_overlay(candidate):
            score /= 4
        if score > best_score:
            best, best_score, best_link_density = candidate, score, link_density
    if best is None:
        return None
    if best_link_density > MAX_LINK_DENSITY:
        return None  # a list of links (a thread index, a portal): let the line detectors judge
    selected = [best] + _split_parts(best, best_score, scores, paragraph_chars)
    selected += _same_class_parts(best, selected, paragraph_chars, in_comments)
    kept = sum(paragraph_chars.get(element, 0) for element in selected)
    if kept < MIN_KEPT_CHARS and kept < MIN_KEPT_SHARE * page_paragraph_chars:
        return None  # a scrap of a page full of text: the DOM's structure defeated the scorer
    if 1 < len(selected) <= 8:
        selected.sort(key=_preceding)
    elif len(selected) > 8:  # one walk beats counting the preceding nodes of each part
        position = {element: i for i, element in enumerate(root.iter())}
        selected.sort(key=position.__getitem__)
    return selected


def _split_parts(best: Element, best_score: float,
                 scores: dict[Element, float],
                 paragraph_chars: dict[Element, int]) -> list:
    """Siblings of ``best`` and of its ancestors (up to ``LEVELS_UP``) that continue it."""
    parts = []
    threshold = max(MIN_SIBLING_SCORE, best_score * SIBLING_SHARE)
    node = best
    for level in range(LEVELS_UP + 1):
        parent = node.getparent()
        if parent is None or parent.tag in ("body", "html"):
            break
        for sibling in parent:
            if sibling is node or not isinstance(sibling.tag, str) or sibling.tag in INVISIBLE:
                continue
            if scores.get(sibling, 0) >= threshold or (
                    paragraph_chars.get(sibling, 0) >= MIN_SIBLING_PARAGRAPH_CHARS
                    and _class_weight(sibling) >= 0
                    and _link_density(sibling) < MAX_SIBLING_LINK_DENSITY):
                parts.append(sibling)
            elif level == 0 and sibling.tag == "p" and _short_sentence(sibling):
                parts.append(sibling)
        node = parent
    return parts


def _same_class_parts(best: Element, selected: list, paragraph_chars: dict[Element, int],
                      in_comments: _Within) -> list:
    """Other blocks of the article further away, styled exactly like ``best`` and not
    inside reader comments."""
    css_class = best.get("class")
    if not css_class:
        return []
    parts = []
    chosen = set(selected)
    enclosing = {ancestor for element in selected for ancestor in element.iterancestors()}
    for candidate in paragraph_chars:
        if candidate.get("class") != css_class or candidate.tag != best.tag \
                or candidate in chosen or candidate in enclosing:
            continue
        ancestors = list(candidate.iterancestors())
        if any(ancestor in chosen for ancestor in ancestors):
            continue
        if paragraph_chars[candidate] >= MIN_SIBLING_PARAGRAPH_CHARS \
                and _link_density(candidate) < MAX_SIBLING_LINK_DENSITY \
                and not in_comments(candidate.getparent()):
            parts.append(candidate)
            chosen.add(candidate)
            enclosing.update(ancestors)
    return parts


def _short_sentence(element: Element) -> bool:
    text = _text(element).strip()
    return (0 < len(text) <= MIN_SIBLING_PARAGRAPH_CHARS and bool(SENTENCE_END.search(text))
            and _link_density(element) == 0)


def _own_text(element: Element) -> str:
    """Text of ``element`` outside its block children (``<br>``-separated text in a div)."""
    parts = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag not in NOT_OWN_TEXT and isinstance(tag, str):
            parts.append(_text(child))
        if tail := child.tail:
            parts.append(tail)
    return "".join(parts)


@functools.lru_cache(maxsize=1)
def native_class_names() -> Any:
    """The native core's matcher of class names (``cleanse._native.ClassNames``: ASCII names
    against ``html.BOILERPLATE_TOKEN``, :data:`POSITIVE` and :data:`NEGATIVE`, a post's
    taxonomy terms left out as :func:`own_names` does), or None when
    the core does not write these patterns as the running modules do (then the reference
    answers). Only asked while the core answers."""
    from cleanse.reading.html import BOILERPLATE_TOKEN, OVERLAY_NAMES  # (html imports us)

    assert native.core is not None
    return native.core.ClassNames.matching(BOILERPLATE_TOKEN.pattern, POSITIVE.pattern,
                                           NEGATIVE.pattern, sorted(OVERLAY_NAMES),
                                           list(TERM_PREFIXES), POST_NAMES.pattern)


def own_names(css_class: str) -> str:
    """``css_class`` without its taxonomy terms (:data:`TERM_PREFIXES` and a slug) when it
    names a post (:data:`POST_NAMES`), its other classes joined by a space; else itself."""
    if not any(prefix in css_class for prefix in TERM_PREFIXES):
        return css_class
    names = [name for name in CLASS_SPACE.split(css_class) if name]
    if not any(POST_NAMES.fullmatch(name) for name in names):
        return css_class
    own = [name for name in names if not any(name.startswith(prefix) and len(name) > len(prefix)
                                             for prefix in TERM_PREFIXES)]
    return css_class if len(own) == len(names) else " ".join(own)


def _class_weight(element: Element) -> int:
    return _names_weight(element.get("class"), element.get("id"))


@functools.lru_cache(maxsize=4096)  # pages repeat their class names
def _names_weight(css_class: str | None, element_id: str | None) -> int:
    """:func:`_names_weight_reference`, by the native core for ASCII names (the same
    answers, tests/test_native_html.py)."""
    if native.enabled and (css_class is None or css_class.isascii()) and (
            element_id is None or element_id.isascii()) and (names := native_class_names()):
        return names.names_weight(css_class, element_id)
    return _names_weight_reference(css_class, element_id)


def _names_weight_reference(css_class: str | None, element_id: str | None) -> int:
    weight = 0
    for value in (css_class and own_names(css_class), element_id):
        if value:
            weight += (25 if POSITIVE.search(value) else 0) - (25 if NEGATIVE.search(value) else 0)
    return weight


def _link_density(element: Element) -> float:
    chars = len(_text(element))
    links = sum(len(_text(link)) for link in element.iter("a"))
    return links / chars if chars else 0.0


class _Within:
    """Whether an element or one of its ancestors passes ``test``, remembered per element:
    a page's candidates share most of their ancestors."""

    def __init__(self, test: Callable[[Element], bool]) -> None:
        self.test = test
        self.known: dict[Element, bool] = {}

    def __call__(self, element: Element | None) -> bool:
        path = []
        node, found = element, False
        while node is not None:
            if (known := self.known.get(node)) is not None:
                found = known
                break
            if self.test(node):
                found = True
                break
            path.append(node)
            node = node.getparent()
        for node in path:  # each passes because ``found`` is one of its ancestors, or none does
            self.known[node] = found
        return found


def _overlay(node: Element) -> bool:
    """``node`` is a dialog: ``<dialog>``, ``role="dialog"``, ``aria-modal``, or a
    modal/drawer/popup class or id."""
    return node.tag == "dialog" or node.get("aria-modal") == "true" \
        or node.get("role") in ("dialog", "alertdialog") \
        or bool(OVERLAY.search(f"{own_names(node.get('class', ''))} {node.get('id', '')}"))


def _comments(node: Element) -> bool:
    """``node``'s class or id names a comment thread."""
    return bool(COMMENT.search(f"{own_names(node.get('class', ''))} {node.get('id', '')}"))
