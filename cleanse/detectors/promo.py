"""Crypto, finance and app promos ("以最优惠的价格买卖您的加密货币", "Start trading now")."""

from __future__ import annotations

from dataclasses import dataclass, field

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.features import URL
from cleanse.model import Category, Line, Page


@dataclass
class Promo(Detector):
    """Removes advertising lines scored on vocabulary *and* context.

    Trade vocabulary alone never removes a line, because an article about
    Bitcoin is full of it. A line becomes a promo when it also carries a
    call to action ("最优惠", "您的", "buy now", "sign up") or a bare domain
    name, and is not a long sentence of the article (``max_tokens``). The
    score rises with each extra vocabulary word, a domain and a call to
    action, and drops when the line reads as a full sentence.
    """

    name = "promo"
    max_tokens: int = 45
    base_score: float = 0.4
    per_term: float = 0.1
    cta_bonus: float = 0.15
    domain_bonus: float = 0.15
    sentence_penalty: float = 0.25
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("promo"))

    def __post_init__(self) -> None:
        self._terms = Keywords(self.keywords["vocabulary"])
        self._cta = Keywords(self.keywords["cta"])

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "promo_labels", self, self._labels, content), category=Category.AD)

    def _labels(self, content: list[Line]) -> list[tuple[int, str, float, str]]:
        """The promo lines among ``content`` (the page's non-blank lines), as ``(index, rule,
        score, reason)`` (the reference of the native core's ``promo_labels``)."""
        return [(index, *rule) for index, line in enumerate(content)
                if (rule := self._rule(line))]

    def _rule(self, line: Line) -> tuple[str, float, str] | None:
        features = line.features
        if features.tokens > self.max_tokens:
            return None
        if self._terms.search(features.plain) is None:
            return None  # no promo word (most lines): one search, without listing matches
        terms = {t.lower() for t in self._terms.findall(features.plain)}
        if not terms:
            return None
        cta = self._cta.search(features.plain)
        domain = URL.search(features.stripped)
        if not (cta or domain):
            return None
        score = (self.base_score + self.per_term * min(len(terms), 3)
                 + (self.cta_bonus if cta else 0) + (self.domain_bonus if domain else 0)
                 - (self.sentence_penalty if features.prose else 0))
        hints = ", ".join(sorted(terms)[:3])
        why = f"call to action '{cta}'" if cta else f"domain '{domain.group(0)}'"
        return "promo_line", min(score, 1.0), f"promo vocabulary ({hints}) with {why}"
