"""Share widgets and their counters ("分享至", "Share", "Weibo WeChat", "0")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.model import Category, Line, Page

COUNTER = re.compile(r"^[\d,.]+\s*[kKmMwW万萬]?\+?\s*(?:赞|讚|评论|評論|条|次|阅读|閱讀|likes?|"
                        r"comments?|shares?|views?|reads?)?$", re.I)
SEPARATORS = re.compile(r"[\s|/·•,，、:：()（）\[\]]+")


@dataclass
class Share(Detector):
    """Removes share buttons and bare counters.

    A line whose every item is a share-network or share-action word (plus
    counters) is a share widget. A line holding only a number, optionally
    with a unit like "likes" or "评论", is a counter from the same widget
    bar: no article paragraph is a bare number (a number in a code block is code).
    """

    name = "share"
    max_tokens: int = 12
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("share"))

    def __post_init__(self) -> None:
        self._tokens = Keywords(self.keywords["tokens"])

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "share_labels", self, self._labels, content), category=Category.SHARE)

    def _labels(self, content: list[Line]) -> list[tuple[int, str, float, str]]:
        """The counters and share widgets among ``content`` (the page's non-blank lines), as
        ``(index, rule, score, reason)`` (the reference of the native core's
        ``share_labels``)."""
        return [(index, *rule) for index, line in enumerate(content)
                if (rule := self._rule(line))]

    def _rule(self, line: Line) -> tuple[str, float, str] | None:
        features = line.features
        if features.tokens > self.max_tokens or features.terminal or line.code:
            return None
        plain = features.plain
        if COUNTER.match(plain):
            return "counter", 0.65, "bare counter (likes, shares, comments)"
        if not self._tokens.search(plain):
            return None  # no share word at all (most lines): no need to strip them out
        remainder = self._tokens.remove(plain.lower())
        remainder = COUNTER.sub("", SEPARATORS.sub(" ", remainder).strip())
        if not remainder.strip(" 0123456789"):
            return "share_widget", 0.9, "only share-network and share-action words"
        return None
