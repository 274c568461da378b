"""Share widgets and their counters ("分享至", "Share", "Weibo WeChat", "0")."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, vocabulary
from cleanse.model import Category, Page

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
        for line in page.content_lines():
            features = line.features
            if features.tokens > self.max_tokens or features.terminal or line.code:
                continue
            plain = features.plain
            if COUNTER.match(plain):
                self.label(page, line, "counter", Category.SHARE, 0.65,
                           "bare counter (likes, shares, comments)")
                continue
            if not self._tokens.search(plain):
                continue  # no share word at all (most lines): no need to strip them out
            remainder = self._tokens.remove(plain.lower())
            remainder = COUNTER.sub("", SEPARATORS.sub(" ", remainder).strip())
            if not remainder.strip(" 0123456789"):
                self.label(page, line, "share_widget", Category.SHARE, 0.9,
                           "only share-network and share-action words")
