"""HTML front-end: render a page to lines (like a browser's innerText) plus DOM hints.

The same detectors then run on HTML and on text captures. Each rendered line
keeps hints the text alone cannot give: the block tag it came from, how much
of it is link text, and whether it sits inside navigation-like containers
(``<nav>``, ``<footer>``, ``class="related"``...). Metadata (title, author,
date, canonical URL, site name, ``<html lang>``) comes from the head.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import lxml.etree
import lxml.html
import regex

DROP = {"script", "style", "noscript", "template", "svg", "iframe", "head", "select", "option",
        "button", "input", "textarea", "canvas", "object", "embed", "map", "math"}
BLOCKS = {"address", "article", "aside", "blockquote", "dd", "details", "dialog", "div", "dl",
          "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1", "h2", "h3", "h4",
          "h5", "h6", "header", "hr", "li", "main", "nav", "ol", "p", "pre", "section",
          "table", "tr", "ul", "caption", "summary", "br", "center", "menu"}
PARAGRAPHS = {"p", "h1", "h2", "h3", "h4", "h5", "h6", "blockquote", "pre", "table", "ul", "ol",
              "figure", "section", "article"}
BOILERPLATE_TAGS = {"nav", "footer", "aside", "form"}
BOILERPLATE_TOKEN = regex.compile(
    r"(?:^|[-_\s])(?:nav|navbar|menu|footer|sidebar|side-bar|comments?|related|share|sharing|"
    r"social|breadcrumbs?|cookie|consent|banner|advert|ads?|promo|subscribe|newsletter|widget|"
    r"popular|trending|recommend\w*|masthead|toolbar|pagination|pager|tags|byline|author-bio)"
    r"(?:$|[-_\s])", regex.I)
CONTENT_TAGS = {"article", "main"}
SPACE = regex.compile(r"\s+")
XML_DECLARATION = regex.compile(r"^\s*<\?xml[^>]*>", regex.I)


@dataclass
class _Renderer:
    lines: list[str] = field(default_factory=list)
    hints: list[dict[str, Any]] = field(default_factory=list)
    parts: list[str] = field(default_factory=list)
    link_chars: int = 0

    def add(self, text: str | None, in_link: bool) -> None:
        if text:
            self.parts.append(text)
            if in_link:
                self.link_chars += len(text.strip())

    def flush(self, context: dict[str, Any], paragraph_end: bool = False) -> None:
        text = SPACE.sub(" ", "".join(self.parts)).strip()
        if text:
            self.lines.append(text)
            self.hints.append({**context, "link_density": round(self.link_chars / len(text), 3)})
        if paragraph_end and self.lines and self.lines[-1]:
            self.lines.append("")
            self.hints.append({})
        self.parts, self.link_chars = [], 0


def _hidden(element: lxml.html.HtmlElement) -> bool:
    style = (element.get("style") or "").replace(" ", "").lower()
    return (element.get("hidden") is not None or element.get("aria-hidden") == "true"
            or "display:none" in style or "visibility:hidden" in style)


def _metadata(root: lxml.html.HtmlElement) -> dict[str, Any]:
    def meta(*names: str) -> str | None:
        for name in names:
            for attr in ("property", "name", "itemprop"):
                found = root.xpath(f'//meta[@{attr}="{name}"]/@content')
                if found and found[0].strip():
                    return found[0].strip()
        return None

    title = meta("og:title", "twitter:title") or (root.findtext(".//title") or "").strip()
    canonical = root.xpath('//link[@rel="canonical"]/@href')
    data = {
        "title": title or None,
        "author": meta("author", "article:author", "byline"),
        "date": meta("article:published_time", "datePublished", "pubdate", "date",
                     "publishdate", "og:published_time"),
        "url": canonical[0].strip() if canonical else meta("og:url"),
        "site_name": meta("og:site_name", "application-name"),
        "html_lang": (root.get("lang") or root.get("xml:lang") or "").strip() or None,
    }
    return {k: v for k, v in data.items() if v}


def render(html: str) -> tuple[str, list[dict[str, Any]], dict[str, Any]]:
    """(text with one line per rendered line, hints per line, page metadata)."""
    html = XML_DECLARATION.sub("", html)
    try:
        root = lxml.html.document_fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return "", [], {}
    metadata = _metadata(root)
    renderer = _Renderer()
    stack: list[dict[str, Any]] = []  # per open element: tag, boilerplate, content, link
    # Elements inside a dropped or hidden element are counted, not rendered.
    skip_depth = 0
    for event, element in lxml.etree.iterwalk(root, events=("start", "end")):
        tag = element.tag if isinstance(element.tag, str) else ""
        if event == "start":
            if skip_depth or tag in DROP or not tag or _hidden(element):
                skip_depth += 1
                continue
            parent = stack[-1] if stack else {"boilerplate": "", "content": False, "link": False}
            tokens = f"{element.get('class', '')} {element.get('id', '')} {element.get('role', '')}"
            marker = (tag if tag in BOILERPLATE_TAGS
                      else m.group(0).strip("-_ ") if (m := BOILERPLATE_TOKEN.search(tokens))
                      else "")
            state = {"tag": tag, "boilerplate": parent["boilerplate"] or marker,
                     "content": parent["content"] or tag in CONTENT_TAGS,
                     "quote": parent.get("quote", False) or tag == "blockquote",
                     "link": parent["link"] or tag == "a"}
            if tag in BLOCKS:
                renderer.flush(_context(stack))
            stack.append(state)
            renderer.add(element.text, state["link"])
        else:
            if skip_depth:
                skip_depth -= 1
                if skip_depth == 0:  # the outermost skipped element ends; its tail is visible
                    renderer.add(element.tail, bool(stack and stack[-1]["link"]))
                continue
            if tag in BLOCKS:
                renderer.flush(_context(stack), paragraph_end=tag in PARAGRAPHS)
            if tag in ("td", "th"):
                renderer.add(" ", False)
            stack.pop()
            renderer.add(element.tail, bool(stack and stack[-1]["link"]))
    renderer.flush({})
    return "\n".join(renderer.lines), renderer.hints, metadata


def _context(stack: list[dict[str, Any]]) -> dict[str, Any]:
    block = next((s["tag"] for s in reversed(stack) if s["tag"] in BLOCKS | {"td", "th"}), "")
    top = stack[-1] if stack else {}
    return {"tag": block, "boilerplate": top.get("boilerplate", ""),
            "in_content": top.get("content", False), "quote": top.get("quote", False)}
