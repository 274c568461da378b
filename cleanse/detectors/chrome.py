"""Page chrome: footers, legal lines, cookie banners, buttons, credits, separators."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

import regex

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.vocabulary import Keywords, combined_patterns, vocabulary
from cleanse.features import ALNUM_RUN, LineFeatures, run_length, strip_punctuation
from cleanse.model import Category, Line, Page

CREDIT_TAIL_CHARS = 80
CREDIT_MARK = re.compile(r"[)）:：/]")
# A tag, raw or escaped: <SCRIPT SRC="...">, </a>, &lt;span class="x"&gt;.
MARKUP = re.compile(r"</?[A-Za-z!][^<>]{0,2000}>|&lt;/?[A-Za-z][^&]{0,2000}?&gt;")
EXPANDER_SUFFIX = regex.compile(r"(?:展开|展開|更多|阅读全文|閱讀全文|查看全文|全文)\s*[>›»]*$")


@dataclass
class Chrome(Detector):
    """Removes page furniture that is never article text.

    Rules, strongest first:

    * a short line that *is* a button or control label ("返回顶部", "×",
      "Load more"), or a row of them ("打印 关闭", "Subscribe No thanks");
    * a cookie banner (a cookie word and a consent word);
    * a short legal/footer line (©, ICP numbers, privacy policy), or a legal
      notice of any length (disclaimers, trademark and reprint notices);
    * a comment form's line ("Your email address will not be published");
    * contact details: two or more labelled fields ("Tel: ... Fax: ...");
    * an image credit, or a caption that ends in one ("... (Image: GETTY)",
      "... Credit: ESA", "... J. Smith / AP file") or opens the way wire
      captions do ("In this Dec. 12, 2006, file photo, ...");
    * a link to the previous/next post ("下一篇：", "Next post: ...");
    * an editor/source byline, or a wire credit ("Reporting by ...; Editing
      by ...", "Citation: ...");
    * a post's filing under categories and tags ("This entry was posted in ...",
      "Tags: ...");
    * a line with no letters or digits at all (separators, lone emoji);
    * a line that is mostly markup (``<SCRIPT ...>``, ``&lt;span ...&gt;``):
      code the capture tool let through, never text a reader saw;
    * a short line ending in an expander ("...展开").
    """

    name = "chrome"
    max_button_tokens: int = 6
    max_footer_tokens: int = 40
    max_banner_tokens: int = 160
    max_credit_tokens: int = 25
    max_wire_credit_tokens: int = 60
    max_caption_tokens: int = 80
    min_markup_share: float = 0.5
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("chrome"))

    def __post_init__(self) -> None:
        self._buttons = Keywords(self.keywords["whole_line"])
        self._legal = Keywords(self.keywords["contains"])
        self._notices = Keywords(self.keywords["notices"])
        self._comment_form = Keywords(self.keywords["comment_form"])
        self._post_footers = Keywords(self.keywords["post_footers"])
        self._contact_field = _labelled_field(self.keywords["contact_fields"])
        self._cookies = Keywords(self.keywords["cookies"])
        self._consent = Keywords(self.keywords["consent"])
        self._credits = Keywords(self.keywords["credit_prefixes"])
        self._bylines = Keywords(self.keywords["bylines"])
        self._wire_credits = Keywords(self.keywords["wire_credits"])
        self._pagination = Keywords(self.keywords["pagination_prefixes"])
        # (Asked of most short lines: one alternation where it means the same.)
        self._caption_openings = combined_patterns(self.keywords["caption_openings"])
        self._credit_tail = _credit_tail(self.keywords["credit_labels"],
                                         self.keywords["photo_agencies"])
        # Most lines hold none of these words: one scan for the union of the groups searched
        # anywhere in a line (and one for those that open it) rules them all out at once.
        k = self.keywords
        self._any_inside = Keywords(k["cookies"] + k["contains"] + k["notices"]
                                    + k["comment_form"])
        self._any_opening = Keywords(k["credit_prefixes"] + k["pagination_prefixes"]
                                     + k["bylines"] + k["wire_credits"] + k["post_footers"])

    def _rule(self, line: Line) -> tuple[str, float, str] | None:
        features = line.features
        plain = features.plain
        tokens = features.tokens
        if features.alnum == 0:
            return "no_text", 0.6, "no letters or digits (separator, symbol or emoji)"
        if ("<" in plain or "&lt;" in plain) and \
                run_length(MARKUP, plain) >= self.min_markup_share * len(plain):
            return "markup", 0.8, "HTML or script markup, not visible text"
        if tokens <= self.max_button_tokens:
            bare = strip_punctuation(plain)
            if self._buttons.fullmatch(bare) or self._buttons.fullmatch(plain):
                return "control_label", 0.85, f"button or control label '{bare or plain}'"
            if not ALNUM_RUN.search(self._buttons.remove(bare)):
                return "control_row", 0.8, f"a row of buttons '{bare}'"
        inside = (tokens <= self.max_banner_tokens or tokens <= self.max_footer_tokens) and \
            self._any_inside.search(plain) is not None
        if inside and tokens <= self.max_banner_tokens and self._cookies.search(plain) and \
                self._consent.search(plain):
            return "cookie_banner", 0.85, "cookie/consent banner"
        if inside and tokens <= self.max_footer_tokens:
            if hit := self._legal.search(plain):
                return "legal_footer", 0.8, f"footer or legal line ('{hit}')"
            if hit := self._comment_form.search(plain):
                return "comment_form", 0.8, f"comment form ('{hit}')"
        if tokens <= self.max_banner_tokens:
            if inside and (hit := self._notices.search(plain)):
                return "legal_notice", 0.8, f"legal notice ('{hit}')"
            # A field label ends in a colon.
            if (":" in plain or "：" in plain) and \
                    len(fields := self._contact_field.findall(plain)) >= 2:
                return "contact_details", 0.75, f"contact details ({', '.join(fields[:3])})"
        opening = (tokens <= self.max_credit_tokens or tokens <= self.max_wire_credit_tokens
                   or tokens <= self.max_footer_tokens) and \
            self._any_opening.startswith(plain) is not None
        if opening and tokens <= self.max_credit_tokens and \
                (hit := self._credits.startswith(plain)):
            return "image_credit", 0.7, f"image caption or credit ('{hit}')"
        if tokens <= self.max_caption_tokens and (hit := self._caption_credit(features)):
            return "captioned_image", 0.7, f"image caption ending in its credit ('{hit}')"
        if tokens <= self.max_caption_tokens and any(
                p.match(plain) for p in self._caption_openings):
            return "captioned_image", 0.7, "image caption ('In this ... photo')"
        if opening and tokens <= self.max_credit_tokens and \
                (hit := self._pagination.startswith(plain)):
            return "post_link", 0.8, f"link to the neighbouring post ('{hit}')"
        if opening and tokens <= self.max_credit_tokens and \
                (hit := self._bylines.startswith(plain)):
            return "byline", 0.6, f"source/editor byline ('{hit}')"
        if opening and tokens <= self.max_wire_credit_tokens and \
                (hit := self._wire_credits.startswith(plain)):
            return "wire_credit", 0.6, f"wire-service or citation credit ('{hit}')"
        if opening and tokens <= self.max_footer_tokens and \
                (hit := self._post_footers.startswith(plain)):
            return "post_footer", 0.7, f"the post's categories or tags ('{hit}')"
        if tokens <= self.max_credit_tokens and not features.terminal and \
                EXPANDER_SUFFIX.search(plain):
            return "expander", 0.7, "ends in an expander link (展开/更多/全文)"
        return None

    def _caption_credit(self, features: LineFeatures) -> str | None:
        # Only the tail can hold the credit; bounding it keeps the search cheap.
        tail = features.plain[-CREDIT_TAIL_CHARS:]
        # Every form of credit holds a closing bracket, a colon or a slash.
        if not CREDIT_MARK.search(tail):
            return None
        match = self._credit_tail.search(tail)
        if not match:
            return None
        credit = match.group(0).strip()
        # An unbracketed credit never ends a sentence: "... NASA/JPL." is prose.
        if features.terminal and credit[-1] not in ")）":
            return None
        return credit

    def _rules(self, content: list[Line]) -> list[tuple[int, str, float, str]]:
        """``(index, rule, score, reason)`` of each line of ``content`` a rule matches (the
        reference of the native core's ``chrome_rules``)."""
        found = []
        for index, line in enumerate(content):
            # "}" or "<div>" in code is code, a "|---|" row in a table is the table's.
            rule = None if line.in_unit else self._rule(line)
            if rule:
                found.append((index, *rule))
        return found

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "chrome_rules", self, self._rules, content), category=Category.CHROME)


def _credit_tail(labels: list[str], agencies: list[str]) -> re.Pattern[str]:
    """A credit at the end of a line, in the forms captions use."""
    label = "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))
    agency = "|".join(map(re.escape, sorted(agencies, key=len, reverse=True)))
    return re.compile(
        rf"(?:[(（]\s*(?:{label})\s*[:：][^()（）]{{1,60}}[)）]"   # (Image: GETTY)
        rf"|[(（]\s*(?:{agency})(?:\s*/[^()（）]{{1,60}})?\s*[)）]"  # (AP Photo/A. Diaz), (AP)
        rf"|\bcredits?\s*[:：][^:;()]{{1,50}}"                     # Credit: Getty - Contributor
        rf"|/\s*(?:{agency})(?:\s+file)?"                          # J. Smith / AP file
        rf"|\b(?:{agency})/[^/()]{{1,40}}"                           # REUTERS/Jane Doe
        rf")\s*$", re.IGNORECASE)


def _labelled_field(labels: list[str]) -> re.Pattern[str]:
    """A field label followed by a colon: "Tel:", "E-mail :", "传真：". """
    label = "|".join(map(re.escape, sorted(labels, key=len, reverse=True)))
    return re.compile(rf"(?<![^\W\d_])(?:{label})\s?[:：]", re.IGNORECASE)
