"""Page chrome: footers, legal lines, cookie banners, buttons, credits, separators."""

from __future__ import annotations

from dataclasses import dataclass, field

import regex

from cleanse.detectors.base import Detector
from cleanse.features import ALNUM_RUN, strip_punctuation
from cleanse.model import Category, Line, Page
from cleanse.vocabulary import Keywords, vocabulary

EXPANDER_SUFFIX = regex.compile(r"(?:展开|展開|更多|阅读全文|閱讀全文|查看全文|全文)\s*[>›»]*$")


@dataclass
class Chrome(Detector):
    """Removes page furniture that is never article text.

    Rules, strongest first:

    * a short line that *is* a button or control label ("返回顶部", "×",
      "Load more"), or a row of them ("打印 关闭", "Subscribe No thanks");
    * a cookie banner (a cookie word and a consent word);
    * a short legal/footer line (©, ICP numbers, privacy policy);
    * an image credit;
    * a link to the previous/next post ("下一篇：", "Next post: ...");
    * an editor/source byline;
    * a line with no letters or digits at all (separators, lone emoji);
    * a short line ending in an expander ("...展开").
    """

    name = "chrome"
    max_button_tokens: int = 6
    max_footer_tokens: int = 40
    max_banner_tokens: int = 160
    max_credit_tokens: int = 25
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("chrome"))

    def __post_init__(self) -> None:
        self._buttons = Keywords(self.keywords["whole_line"])
        self._legal = Keywords(self.keywords["contains"])
        self._cookies = Keywords(self.keywords["cookies"])
        self._consent = Keywords(self.keywords["consent"])
        self._credits = Keywords(self.keywords["credit_prefixes"])
        self._bylines = Keywords(self.keywords["bylines"])
        self._pagination = Keywords(self.keywords["pagination_prefixes"])

    def _rule(self, line: Line) -> tuple[str, float, str] | None:
        features = line.features
        plain = features.plain
        tokens = features.tokens
        if features.alnum == 0:
            return "no_text", 0.6, "no letters or digits (separator, symbol or emoji)"
        if tokens <= self.max_button_tokens:
            bare = strip_punctuation(plain)
            if self._buttons.fullmatch(bare) or self._buttons.fullmatch(plain):
                return "control_label", 0.85, f"button or control label '{bare or plain}'"
            if not ALNUM_RUN.search(self._buttons.remove(bare)):
                return "control_row", 0.8, f"a row of buttons '{bare}'"
        if tokens <= self.max_banner_tokens and self._cookies.search(plain) and \
                self._consent.search(plain):
            return "cookie_banner", 0.85, "cookie/consent banner"
        if tokens <= self.max_footer_tokens and (hit := self._legal.search(plain)):
            return "legal_footer", 0.8, f"footer or legal line ('{hit}')"
        if tokens <= self.max_credit_tokens and (hit := self._credits.startswith(plain)):
            return "image_credit", 0.7, f"image caption or credit ('{hit}')"
        if tokens <= self.max_credit_tokens and (hit := self._pagination.startswith(plain)):
            return "post_link", 0.8, f"link to the neighbouring post ('{hit}')"
        if tokens <= self.max_credit_tokens and (hit := self._bylines.startswith(plain)):
            return "byline", 0.6, f"source/editor byline ('{hit}')"
        if tokens <= self.max_credit_tokens and not features.terminal and \
                EXPANDER_SUFFIX.search(plain):
            return "expander", 0.7, "ends in an expander link (展开/更多/全文)"
        return None

    def detect(self, page: Page) -> None:
        for line in page.content_lines():
            rule = self._rule(line)
            if rule:
                name, score, reason = rule
                self.label(page, line, name, Category.CHROME, score, reason)
