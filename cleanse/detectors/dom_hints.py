"""HTML only: lines rendered from navigation-like containers or made of link text."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Page


@dataclass
class DomHints(Detector):
    """Removes lines whose DOM context marks them as page furniture.

    Only HTML captures carry these hints (see :mod:`cleanse.html`). A line
    inside ``<nav>``, ``<footer>``, ``<aside>``, ``<form>`` or an element
    whose class/id says nav, menu, footer, sidebar, comments, related,
    share... is boilerplate unless an ``<article>``/``<main>`` encloses it.
    A short line that is mostly link text (``min_link_density``) is a
    navigation link, wherever it is. A ``<figcaption>`` describes a picture,
    not the story.
    """

    name = "dom_hints"
    min_link_density: float = 0.7
    max_link_line_tokens: int = 25

    def detect(self, page: Page) -> None:
        for line in page.content_lines():
            hints = line.hints
            if not hints:
                continue
            if hints.get("tag") == "figcaption":
                self.label(page, line, "figure_caption", Category.CHROME, 0.6,
                           "caption of a figure (<figcaption>)")
                continue
            container = hints.get("boilerplate")
            if container and not hints.get("in_content"):
                self.label(page, line, "boilerplate_container", Category.NAV, 0.65,
                           f"inside a '{container}' container")
            elif (hints.get("link_density", 0) >= self.min_link_density
                  and line.features.tokens <= self.max_link_line_tokens):
                self.label(page, line, "link_text", Category.NAV, 0.6,
                           f"{hints['link_density']:.0%} link text")
