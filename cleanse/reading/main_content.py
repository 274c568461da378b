"""Where the article is in an HTML page: a readability-style score over the DOM, anchored on
the page's title heading.

Text captures only have lines, so :mod:`cleanse.detectors.main_region` finds
the article by weighing prose. HTML has more to go on: paragraphs cluster
inside one container. Every paragraph-sized text (a ``<p>``, or the own text
of a ``<div>``/``<td>``/``<li>`` that holds ``<br>``-separated text) scores
``1 + commas + min(chars / 100, 3)`` for its container and half of that for
the container's parent (the algorithm of Arc90's Readability). Containers
start from a tag weight and a class/id weight ("article-body" +25,
"sidebar" -25), end multiplied by ``1 - link density``, and count a quarter inside a
comment thread or a dialog. The best one, those parts of its parent and grandparent that
hold paragraphs of their own, and blocks elsewhere styled exactly like it (articles split
by ad slots and widgets into several blocks) are the readability pick. It declines when
the choice holds less than ``MIN_KEPT_CHARS`` of a page with ten times more paragraph text,
or the best container is mostly links.

Prose wins that score, and on pages with little prose (a product, a listing, a shop's
category, a forum thread) the longest prose is often not what the page is about: a policy
text, an FAQ, footnotes. So the pick is checked against the **title block**, the smallest
ancestor of the page's title heading that holds a tenth of its visible text (not the
``<body>``, not masthead or menu furniture): the block joins a pick that lies elsewhere,
replaces a pick inside it that holds under 30% of its text, stands in when the scorer
declined; a pick that is the page's whole frame around the block gives way to the
``<main>``/``<article>`` holding the block; and a pick inside the ``<main>`` that holds the
title heading gives way to it when it holds under 30% of its text (a landing page's
sections). A page with neither a pick nor a title block
falls back on the container of its dominant repeated items (a link index's rows), unless
a prose paragraph lies outside them. ``benchmarks/picker.py`` measures each choice against
the benchmark's ground truth.

The choice is evidence, never a gate: :func:`cleanse.reading.html.render` renders the
whole page and marks the lines inside the chosen elements (hint ``main_content``).
"""

from __future__ import annotations

import functools
from collections import Counter

import lxml.etree
import regex
from lxml.etree import _Element as Element

POSITIVE = regex.compile(r"article|body|content|entry|hentry|main|page|post|text|blog|story",
                         regex.I)
NEGATIVE = regex.compile(
    r"combx|comment|com-|contact|foot|footer|footnote|masthead|media|meta|outbrain|promo|related|"
    r"scroll|shoutbox|sidebar|sponsor|shopping|tags|tool|widget|nav|menu|share|social|"
    r"breadcrumb|ad-|ads|advert|banner|popular|recommend", regex.I)
# A container nested in one of these is a reader comment, however content-like its own name.
COMMENT = regex.compile(r"comment|disqus|respond|replies", regex.I)
# A container nested in one of these is an overlay (a policy modal, a size guide, a cart
# drawer): shown on demand, rarely what the page is about.
OVERLAY = regex.compile(r"(?:^|[-_\s])(?:modal|dialog|drawer|popup|popover|offcanvas|lightbox)"
                        r"(?:$|[-_\s])", regex.I)
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
_normalized_length = lxml.etree.XPath("string-length(normalize-space())")  # in C too
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
FURNITURE_TAGS = frozenset({"nav", "aside", "footer", "header"})
# A title block named like this is the page's frame, its heading the site's name.
FURNITURE_NAME = regex.compile(r"(?:^|[-_\s])(?:nav|navbar|navigation|menu|masthead|"
                               r"branding|sidebar|footer)(?:$|[-_\s])", regex.I)
TITLE_BLOCK_SHARE = 0.1
MIN_PICK_SHARE_OF_BLOCK = 0.3
MIN_TITLE_BLOCK_CHARS = 100
# A pick holding this share of the page's visible text is the page's frame ...
FRAME_SHARE = 0.6
# ... and gives way to the <main> or <article> around the title block if that holds at most
# this share of it.
MAX_DECLARED_SHARE = 0.7
DECLARED_TAGS = ("article", "main")
MIN_ITEMS = 4
MIN_PROSE_CHARS = 80
# Where repeated items sit: the parents of list items, table rows, cards and posts.
ITEM_CONTAINERS = ("ul", "ol", "dl", "tbody", "table", "div", "section", "main", "article",
                   "center")


def main_content(root: Element, heading: Element | None = None) -> list[Element] | None:
    """The elements holding the article, in document order; None if neither a paragraph nor
    a title block was found.

    ``heading`` is the page's title heading (``cleanse.reading.html`` finds it from the
    declared title). Its block (:func:`_title_block`) corrects the readability pick:

    - a pick that lies elsewhere gets the block as another part (a product's details
      beside an FAQ or a policy text that outscored them);
    - a pick inside the block that holds under ``MIN_PICK_SHARE_OF_BLOCK`` of its text
      gives way to it (an accordion, a blurb or one post of a listing's block);
    - a pick that is the page's frame (``FRAME_SHARE`` of its text) around the block gives
      way to the ``<main>``/``<article>`` holding the block, if the page declares one;
    - no pick at all (no paragraph, a list of links) becomes the block.
    """
    selected = _readability(root)
    if heading is None and selected is not None:
        return selected
    lengths: dict[Element, int] = {}  # each element's visible length, computed once
    if selected is not None and heading is not None:
        selected = _widened_to_main(heading, selected, lengths)
    body = root.find("body")
    page_chars = _visible_chars(root if body is None else body, lengths)
    block = _title_block(heading, page_chars, lengths) if heading is not None else None
    if block is None:
        if selected is None:
            items = _repeated_items(root, lengths)
            return [items] if items is not None else None
        return selected
    if selected is None:
        return [block]
    inside = [part for part in selected if _contains(block, part)]
    holder = next((part for part in selected if _contains(part, block)), None)
    if not inside and holder is None:
        return _in_document_order(root, [*selected, block])
    if inside:
        inside_chars = sum(_visible_chars(part, lengths) for part in inside)
        if inside_chars >= MIN_PICK_SHARE_OF_BLOCK * _visible_chars(block, lengths):
            return selected
        replaced, replacement = inside, block
    else:
        holder_chars = _visible_chars(holder, lengths)
        if holder_chars < FRAME_SHARE * page_chars:
            return selected
        declared = next((node for node in (block, *block.iterancestors())
                         if node is holder or node.tag in DECLARED_TAGS), holder)
        if declared is holder \
                or _visible_chars(declared, lengths) > MAX_DECLARED_SHARE * holder_chars:
            return selected
        replaced, replacement = [holder], declared
    return _in_document_order(root, [replacement, *(p for p in selected if p not in replaced)])


def _widened_to_main(heading: Element, selected: list[Element],
                     lengths: dict[Element, int]) -> list[Element]:
    """``selected``, or the ``<main>`` holding the title heading if it holds every part and
    they hold under ``MIN_PICK_SHARE_OF_BLOCK`` of its text: a landing page's sections, a
    product's panels, of which the scorer found the wordiest few."""
    main = next((node for node in heading.iterancestors() if node.tag == "main"), None)
    if main is None or not all(_contains(main, part) for part in selected):
        return selected
    picked_chars = sum(_visible_chars(part, lengths) for part in selected)
    return [main] if picked_chars < MIN_PICK_SHARE_OF_BLOCK * _visible_chars(main, lengths) \
        else selected


def _readability(root: Element) -> list[Element] | None:
    """The readability scorer's choice, in document order; None if it found no paragraph,
    or its choice looks wrong (a list of links, a scrap of a text-heavy page)."""
    scores: dict[Element, float] = {}
    paragraph_chars: dict[Element, int] = {}
    page_paragraph_chars = 0
    for element in root.iter(*TEXT_HOLDERS):
        whole = element.tag == "p" or element.tag == "pre"
        text = (_text(element) if whole else _own_text(element)).strip()
        if len(text) < MIN_PARAGRAPH_CHARS:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        score = 1 + sum(map(text.count, CLAUSE_MARKS)) + min(len(text) / 100, 3)
        page_paragraph_chars += len(text)
        container = parent if whole else element
        for target, share in ((container, 1.0), (container.getparent(), 0.5)):
            if target is None:
                continue
            if target not in scores:
                scores[target] = TAG_WEIGHT.get(target.tag, 0) + _class_weight(target)
            scores[target] += score * share
        ancestor = element
        for _ in range(PARAGRAPH_ANCESTORS):
            paragraph_chars[ancestor] = paragraph_chars.get(ancestor, 0) + len(text)
            ancestor = ancestor.getparent()
            if ancestor is None:
                break
    best, best_score, best_link_density = None, 0.0, 0.0
    for candidate, score in sorted(scores.items(), key=lambda item: -item[1])[:TOP_CANDIDATES]:
        link_density = _link_density(candidate)
        score *= 1 - link_density
        if _inside_comments(candidate):
            score /= 4
        if _inside_overlay(candidate):
            score /= 4
        if score > best_score:
            best, best_score, best_link_density = candidate, score, link_density
    if best is None:
        return None
    if best_link_density > MAX_LINK_DENSITY:
        return None  # a list of links (a thread index, a portal): let the line detectors judge
    selected = [best] + _split_parts(best, best_score, scores, paragraph_chars)
    selected += _same_class_parts(best, selected, paragraph_chars)
    kept = sum(paragraph_chars.get(element, 0) for element in selected)
    if kept < MIN_KEPT_CHARS and kept < MIN_KEPT_SHARE * page_paragraph_chars:
        return None  # a scrap of a page full of text: the DOM's structure defeated the scorer
    return _in_document_order(root, selected)


def _in_document_order(root: Element, elements: list[Element]) -> list[Element]:
    if 1 < len(elements) <= 8:
        return sorted(elements, key=lambda element: element.xpath("count(preceding::*)"))
    if len(elements) > 8:  # one walk beats counting the preceding nodes of each part
        position = {element: i for i, element in enumerate(root.iter())}
        return sorted(elements, key=position.__getitem__)
    return elements


def _title_block(heading: Element, page_chars: int,
                 lengths: dict[Element, int]) -> Element | None:
    """The smallest ancestor of the title heading holding ``TITLE_BLOCK_SHARE`` of the page's
    visible text (``page_chars``, at least ``MIN_TITLE_BLOCK_CHARS``), unless that is the
    whole page (``<body>``) or page furniture (a site name's heading in the masthead):
    a product's details, a listing's items, a forum thread hang below the title's own
    containers, where a page with little prose has no paragraphs to score.
    """
    needed = max(MIN_TITLE_BLOCK_CHARS, TITLE_BLOCK_SHARE * page_chars)
    chars, child = 0, heading
    for ancestor in heading.iterancestors():
        if ancestor.tag in ("body", "html"):
            return None
        # Climbing, each element's text is measured once: the child's is already counted.
        chars += _visible_chars(child, lengths) if child is heading else 0
        for other in ancestor:
            if other is not child and isinstance(other.tag, str):
                chars += _visible_chars(other, lengths)
        chars += _own_length(ancestor)
        if chars >= needed:
            break
        child = ancestor
    else:
        return None
    if ancestor.tag in FURNITURE_TAGS \
            or FURNITURE_NAME.search(f"{ancestor.get('class', '')} {ancestor.get('id', '')}"):
        return None
    return ancestor


def _repeated_items(root: Element, lengths: dict[Element, int]) -> Element | None:
    """The container of the page's dominant repeated items (``MIN_ITEMS`` or more children
    of one tag and first class: a listing's rows, a grid's cards, a thread's posts), the one
    whose items hold the most visible text; None if there is none, if it is the whole page
    or page furniture, or if a prose paragraph (a ``<p>`` of ``MIN_PROSE_CHARS`` outside
    links) lies outside it: then the page has an article and the list is beside it (a
    reply index under a post)."""
    best, best_chars = None, 0
    for container in root.iter(*ITEM_CONTAINERS):
        if len(container) < MIN_ITEMS:
            continue
        kinds = Counter((child.tag, (child.get("class") or "").split(" ")[0])
                        for child in container if isinstance(child.tag, str))
        if not kinds:
            continue
        (tag, first_class), count = kinds.most_common(1)[0]
        if count < MIN_ITEMS or tag in INVISIBLE:
            continue
        chars = sum(_visible_chars(child, lengths) for child in container
                    if child.tag == tag and (child.get("class") or "").split(" ")[0] == first_class)
        if chars > best_chars:
            best, best_chars = container, chars
    if best is None or best.tag in ("body", "html") or _furniture(best):
        return None
    for paragraph in root.iter("p"):
        if not _contains(best, paragraph) and _prose_chars(paragraph) >= MIN_PROSE_CHARS:
            return None
    return best


def _prose_chars(paragraph: Element) -> int:
    chars = len(_text(paragraph).strip())
    return chars - sum(len(_text(link)) for link in paragraph.iter("a")) if chars else 0


def _furniture(element: Element) -> bool:
    """``element`` or an ancestor is tagged or named like page furniture."""
    return any(node.tag in FURNITURE_TAGS
               or FURNITURE_NAME.search(f"{node.get('class', '')} {node.get('id', '')}")
               for node in (element, *element.iterancestors()))


def _visible_chars(element: Element, lengths: dict[Element, int]) -> int:
    """The length of ``element``'s text with runs of white space as one, ``INVISIBLE``
    elements (scripts, styles...) left out, as the renderer leaves them out. ``lengths``
    caches the answers, and the lengths of the invisible elements (what they take away)."""
    if element.tag in INVISIBLE:
        return 0
    if (cached := lengths.get(element)) is not None:
        return cached
    chars = _normalized_length(element)
    nested: set[Element] = set()  # invisible ones inside another (a select's options)
    for invisible in element.iter(*INVISIBLE):
        if invisible in nested:
            continue
        if len(invisible):
            nested.update(invisible.iter(*INVISIBLE))
        elif not invisible.text:
            continue  # an empty leaf (an <input>, an <iframe>): nothing to take away
        length = lengths.get(invisible)
        if length is None:
            length = lengths[invisible] = int(_normalized_length(invisible))
        chars -= length
    lengths[element] = visible = max(int(chars), 0)
    return visible


def _own_length(element: Element) -> int:
    """The length of ``element``'s own text and its children's tails, white space collapsed."""
    texts = [element.text or "", *(child.tail or "" for child in element)]
    return len(" ".join(" ".join(texts).split()))


def _contains(ancestor: Element, element: Element) -> bool:
    """``element`` is ``ancestor`` or lies inside it."""
    return element is ancestor or any(node is ancestor for node in element.iterancestors())


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


def _same_class_parts(best: Element, selected: list,
                      paragraph_chars: dict[Element, int]) -> list:
    """Other blocks of the article further away, styled exactly like ``best``."""
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
                and not _inside_comments(candidate):
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
        if child.tag not in NOT_OWN_TEXT and isinstance(child.tag, str):
            parts.append(_text(child))
        if child.tail:
            parts.append(child.tail)
    return "".join(parts)


def _class_weight(element: Element) -> int:
    return _names_weight(element.get("class"), element.get("id"))


@functools.lru_cache(maxsize=4096)  # pages repeat their class names
def _names_weight(css_class: str | None, element_id: str | None) -> int:
    weight = 0
    for value in (css_class, element_id):
        if value:
            weight += (25 if POSITIVE.search(value) else 0) - (25 if NEGATIVE.search(value) else 0)
    return weight


def _link_density(element: Element) -> float:
    chars = len(_text(element))
    links = sum(len(_text(link)) for link in element.iter("a"))
    return links / chars if chars else 0.0


def _inside_overlay(element: Element) -> bool:
    """``element`` or an ancestor is a dialog: ``<dialog>``, ``role="dialog"``,
    ``aria-modal``, or a modal/drawer/popup class or id."""
    for node in (element, *element.iterancestors()):
        if node.tag == "dialog" or node.get("aria-modal") == "true" \
                or node.get("role") in ("dialog", "alertdialog") \
                or OVERLAY.search(f"{node.get('class', '')} {node.get('id', '')}"):
            return True
    return False


def _inside_comments(element: Element) -> bool:
    return any(COMMENT.search(f"{a.get('class', '')} {a.get('id', '')}")
               for a in element.iterancestors())
