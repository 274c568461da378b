"""Repeated lines: a headline shown twice, the title repeated, a menu echoed in the footer."""

from __future__ import annotations

from dataclasses import dataclass

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.features import NOT_ALNUM_RUN, normalize_for_matching, plain_text
from cleanse.model import Category, Line, Page

LABEL_ENDINGS = (":", "：")


def exact_key(text: str) -> str:
    """``text`` compared with case, punctuation and spaces ignored but digits kept."""
    return NOT_ALNUM_RUN.sub("", plain_text(text).lower())


def _exact_line_key(line: Line) -> str:
    """``exact_key(line.text)``, from the plain text the line already has."""
    return NOT_ALNUM_RUN.sub("", line.plain_of_text.lower())


@dataclass
class Duplicates(Detector):
    """Removes every repeat of a short line after its first occurrence.

    Chrome lines are compared after normalisation (case, digits, punctuation
    and spaces ignored: "3 comments" repeats "12 comments"). Sentences keep
    their digits ("Q1 revenue rose to $5.2 billion" is not "Q2 revenue rose
    to $5.9 billion"), and so do lines that are mostly a value
    (``min_value_digit_share`` of their letters and digits are digits: "$39.99",
    "Jan 7, 2026"): one card's price is not another's. A sentence of
    ``long_sentence_tokens`` or more is never removed for repeating: a repeated
    paragraph is the author's (a pull quote, a refrain), not page chrome. Only
    lines up to ``max_tokens`` are considered, and no line of a code block. On
    an HTML page, a repeat in the same repeated structure as its first
    occurrence (the colour field of each product card) is each item's own
    field, not a repeat. A label that introduces prose ("Question:", a markdown
    heading) may repeat, as an interview's subheadings do. A repeat of the
    page title is removed too. Inside an HTML page's main content
    (:mod:`cleanse.reading.main_content`) only title repeats go: chrome that repeats
    (a menu echoed in the footer) lies outside it, and a repeat inside the
    article is the article's own ("Photo:", an embedded tweet's signature).
    """

    name = "duplicates"
    max_tokens: int = 80
    min_key_chars: int = 4
    long_sentence_tokens: int = 25
    min_value_digit_share: float = 0.3

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "duplicate_lines", self, self._repeats, page, content),
            rule="repeated_line", category=Category.DUPLICATE, score=0.6)

    def _repeats(self, page: Page, content: list[Line]) -> list[tuple[int, str]]:
        """``(index, reason)`` of each line of ``content`` that repeats an earlier one or the
        title (the reference of the native core's ``duplicate_lines``)."""
        repeats = []
        first_seen: dict[str, int] = {}
        first_signature: dict[str, str] = {}
        if page.title:
            first_seen[normalize_for_matching(page.title)] = 0
            first_seen[exact_key(page.title)] = 0
        for index, line in enumerate(content):
            if line.features.tokens > self.max_tokens or line.code:  # code repeats itself
                continue
            features = line.features
            sentence = features.prose
            value = features.digits >= self.min_value_digit_share * features.alnum > 0
            key = _exact_line_key(line) if sentence or value else line.match_key
            if len(key) < self.min_key_chars:
                continue
            where = first_seen.get(key)
            signature = line.hints.get("signature", "")
            if where is None:
                first_seen[key] = line.number
                first_signature[key] = signature
                continue
            if where != 0 and (line.hints.get("main_content")
                               or (signature and signature == first_signature[key])
                               or (sentence and line.features.tokens >= self.long_sentence_tokens)
                               or _introduces_prose(line, content[index + 1:index + 2])):
                continue
            repeats.append((index, "repeats the title" if where == 0 else f"repeats line {where}"))
        return repeats


def _introduces_prose(line: Line, following: list[Line]) -> bool:
    """A subheading or speaker label ("Question:", "## Answer") right before a sentence."""
    features = line.features
    label = features.heading or features.plain.endswith(LABEL_ENDINGS) \
        or (features.stripped.startswith("**") and features.stripped.endswith("**"))
    return label and features.tokens <= 6 and bool(following) and following[0].features.prose
