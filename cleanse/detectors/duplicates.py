"""Repeated lines: a headline shown twice, the title repeated, a menu echoed in the footer."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.features import normalize_for_matching
from cleanse.model import Category, Page


@dataclass
class Duplicates(Detector):
    """Removes every repeat of a short line after its first occurrence.

    Lines are compared after normalisation (case, digits, punctuation and
    spaces ignored). Only lines up to ``max_tokens`` are considered: a
    repeated long paragraph is more likely a pull quote than page chrome.
    A repeat of the page title is removed too. Inside an HTML page's main
    content (:mod:`cleanse.main_content`) only title repeats go: chrome that
    repeats (a menu echoed in the footer) lies outside it, and a repeat
    inside the article is the article's own ("Photo:", an embedded tweet's
    signature).
    """

    name = "duplicates"
    max_tokens: int = 80
    min_key_chars: int = 4

    def detect(self, page: Page) -> None:
        first_seen: dict[str, int] = {}
        if page.title:
            first_seen[normalize_for_matching(page.title)] = 0
        for line in page.content_lines():
            if line.features.tokens > self.max_tokens:
                continue
            key = line.match_key
            if len(key) < self.min_key_chars:
                continue
            if key in first_seen and (first_seen[key] == 0 or not line.hints.get("main_content")):
                where = first_seen[key]
                reason = ("repeats the title" if where == 0 else f"repeats line {where}")
                self.label(page, line, "repeated_line", Category.DUPLICATE, 0.6, reason)
            else:
                first_seen[key] = line.number
