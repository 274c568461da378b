"""HTML only: lines rendered from navigation-like containers or made of link text."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from itertools import pairwise

from cleanse.detectors.base import Detector
from cleanse.model import Category, Line, Page

HEADING_TAGS = {"h1", "h2", "h3", "h4", "h5", "h6"}
# A decision found on a line of the content: (its index, rule, category, score, reason).
Found = tuple[int, str, Category, float, str]


@dataclass
class DomHints(Detector):
    """Removes lines whose DOM context marks them as page furniture.

    Only HTML captures carry these hints (see :mod:`cleanse.reading.html`). A line
    inside ``<nav>``, ``<footer>``, ``<aside>``, ``<form>`` or an element
    whose class/id says nav, menu, footer, sidebar, comments, related,
    share... is boilerplate unless an ``<article>``/``<main>`` encloses it.
    A short line that is mostly link text (``min_link_density``) is a
    navigation link, wherever it is. A ``<figcaption>`` describes a picture,
    not the story. ``min_cards`` or more headings that are links, each
    followed by at most ``max_card_lines`` summary line, are teaser cards for
    other stories (an article's own headings are not links).
    """

    name = "dom_hints"
    min_link_density: float = 0.7
    max_link_line_tokens: int = 25
    min_cards: int = 3
    max_card_lines: int = 1
    min_card_link_density: float = 0.9

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, [*self._teaser_cards(content),
                                         *self._line_labels(content)])

    def _line_labels(self, content: list[Line]) -> Iterator[Found]:
        """Each line's own hints: a figure caption, a furniture container, link text (as
        ``(index in content, rule, category, score, reason)``)."""
        for index, line in enumerate(content):
            hints = line.hints
            if not hints:
                continue
            if hints.get("tag") == "figcaption":
                yield (index, "figure_caption", Category.CHROME, 0.6,
                       "caption of a figure (<figcaption>)")
                continue
            container = hints.get("boilerplate")
            if container and not hints.get("in_content"):
                yield (index, "boilerplate_container", Category.NAV, 0.65,
                       f"inside a '{container}' container")
            elif (hints.get("link_density", 0) >= self.min_link_density
                  and line.features.tokens <= self.max_link_line_tokens):
                yield (index, "link_text", Category.NAV, 0.6,
                       f"{hints['link_density']:.0%} link text")

    def _teaser_cards(self, content: list[Line]) -> Iterator[Found]:
        """Runs of headings that are links, each over a short summary: cards for other stories
        (as ``(index in content, rule, category, score, reason)``)."""
        linked = [i for i, line in enumerate(content)
                  if line.hints.get("tag") in HEADING_TAGS
                  and line.hints.get("link_density", 0) >= self.min_card_link_density]
        run: list[int] = []
        for i in linked + [None]:  # type: ignore[list-item]
            if i is not None and (not run or i - run[-1] <= self.max_card_lines + 1):
                run.append(i)
                continue
            if len(run) >= self.min_cards:
                end = run[-1] + 1
                # Cards that each carry a summary: the last card's summary goes too.
                if all(b - a == 2 for a, b in pairwise(run)) and end < len(content) \
                        and content[end].hints.get("tag") not in HEADING_TAGS:
                    end += 1
                reason = f"{len(run)} linked headings, each over a summary (other stories)"
                for index in range(run[0], end):
                    yield index, "teaser_cards", Category.TRENDING, 0.65, reason
            run = [i] if i is not None else []
