"""Accessibility skip-links ("Skip to main content", "跳转到主要内容")."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.model import Category, Page


@dataclass
class SkipLinks(Detector):
    """Removes skip-link lines.

    Screen-reader links rendered into innerText at the top of a page. Only a
    line that is *entirely* a skip-link phrase is removed.
    """

    name = "skip_links"
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("skip_links"))

    def __post_init__(self) -> None:
        self._phrases = Keywords(self.keywords["phrases"])

    def detect(self, page: Page) -> None:
        for line in page.content_lines():
            if self._phrases.fullmatch(line.features.plain.rstrip(" .。:：»›>")):
                self.label(page, line, "skip_link", Category.NAV, 0.95,
                           "accessibility skip-link")
