"""Breadcrumb trails ("首页 > 科技 > 正文", "Home / World / Asia")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.model import Category, Line, Page

# Crumbs are stripped after splitting: a pattern with "\s*" on both sides
# backtracks quadratically over long runs of spaces.
SEPARATOR = re.compile(r"[>＞›»/|→]+")


@dataclass
class Breadcrumbs(Detector):
    """Removes breadcrumb lines.

    A breadcrumb is a short line of ``min_crumbs`` or more short crumbs
    joined by ``>``, ``›``, ``»``, ``/``, ``|`` or ``→``. A trail that starts
    with a "home" word is certain; otherwise every crumb must be short and
    the line must not end a sentence. A path in a code block
    (``src/app/main.rs``) is code, not a trail.
    """

    name = "breadcrumbs"
    min_crumbs: int = 3
    max_crumb_tokens: int = 8
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("breadcrumbs"))

    def __post_init__(self) -> None:
        self._home = Keywords(self.keywords["home"])

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "breadcrumb_labels", self, self._labels, content), category=Category.NAV)

    def _labels(self, content: list[Line]) -> list[tuple[int, str, float, str]]:
        """The breadcrumb lines of ``content`` as ``(index, rule, score, reason)`` (the
        reference of the native core's ``breadcrumb_labels``)."""
        found = []
        for index, line in enumerate(content):
            features = line.features
            if line.code or features.terminal or (
                    features.link_like and "://" in features.stripped):
                continue
            if not SEPARATOR.search(features.plain):
                continue
            crumbs = [c.strip() for c in SEPARATOR.split(features.plain) if c.strip()]
            if len(crumbs) < 2 or len(SEPARATOR.findall(features.plain)) < len(crumbs) - 1:
                continue
            starts_home = self._home.search(crumbs[0]) is not None
            short = all(len(c.split()) <= self.max_crumb_tokens and len(c) <= 20 for c in crumbs)
            if starts_home and short:
                found.append((index, "home_trail", 0.95,
                              f"breadcrumb trail starting at '{crumbs[0].strip()}'"))
            elif short and len(crumbs) >= self.min_crumbs and features.tokens <= 30:
                found.append((index, "crumb_trail", 0.7,
                              f"{len(crumbs)} short crumbs joined by separators"))
        return found
