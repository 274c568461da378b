"""Related / trending / recommended story lists, their headings, and comment sections."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

import regex

from cleanse import native
from cleanse.detectors.base import Detector
from cleanse.detectors.structure import prose_anchors
from cleanse.detectors.vocabulary import Keywords, compile_patterns, required_text, vocabulary
from cleanse.features import DIGIT, DIGIT_RUN, strip_punctuation
from cleanse.model import Category, Line, Page
from cleanse.reading.html import COMMENT_MARKERS

# A pattern with a global inline flag ("(?x)", "(?V1)") or with groups (and so perhaps
# backreferences) means something else inside an alternation of several patterns; such
# lists are tried one pattern at a time.
GLOBAL_FLAGS = regex.compile(r"\(\?[a-zA-Z0-9-]+\)")


def any_fullmatch(patterns: list[str]) -> Callable[[str], bool]:
    """Whether any of ``patterns`` (case-insensitive) matches a whole text: one alternation,
    one call, where a list of patterns took a call each for nearly every line."""
    compiled = compile_patterns(patterns)
    if not compiled:
        return lambda text: False
    if any(GLOBAL_FLAGS.search(p) or compiled_p.groups for p, compiled_p
           in zip(patterns, compiled)):
        return lambda text: any(p.fullmatch(text) for p in compiled)
    alternation = regex.compile("|".join(f"(?:{p})" for p in patterns), regex.I)
    return lambda text: alternation.fullmatch(text) is not None


def _counter_repeats(content: list[Line], texts: list[str | None]) -> list[int]:
    """Per line of ``content``, how many lines share its counter key (0 for a line without a
    heading text): its tag-and-class path (HTML; "" on text) and its heading text with every
    run of digits as "0", what repeats when the line is one card's counter."""
    keys = [(line.hints.get("signature", ""), DIGIT_RUN.sub("0", text)) if text else None
            for line, text in zip(content, texts)]
    counts = Counter(key for key in keys if key is not None)
    return [0 if key is None else counts[key] for key in keys]


# The rule of a run of one-word lines (see RelatedLists._menu_entry).
MENU_RUN = ("menus", "menu_run")
COUNT_SUFFIX = regex.compile(r"[（(]\d+[)）]$")  # "评论 (12)"
# A comment heading repeated on this many lines (the same text, its digits aside, at the same
# tag-and-class path) is a teaser card's counter ("0 comments", "27 comments", "Comment"),
# one per card of a listing, not the heading of a thread, which a page shows once.
MIN_COUNTER_REPEATS = 3
INLINE_SEPARATOR = regex.compile(r"^\s*[:：|｜>›»-]\s*")


@dataclass
class RelatedLists(Detector):
    """Removes lists of other stories that follow a heading, and comment sections.

    * A *list heading* ("相关文章", "热点推荐", "延伸阅读", "Related", "Most read",
      "More from X") opens a list, unless it is an entry of a menu (``_menu_entry``).
      Every following line belongs to it until
      the article's prose resumes: two different declarative sentences in a
      row (headlines end in "?", "!" or nothing, and are often shown twice), or one
      long paragraph (``long_paragraph_tokens``) with no date next to it. A
      list's items are headlines, dates, authors and one-paragraph summaries,
      which never form two prose lines in a row. A heading followed directly
      by prose is a section title of the article and stays. A comment
      section that starts inside the list ends it.
    * A single line "推荐阅读：<headline>" / "Read more: <headline>" inside the
      body is one inline link and goes alone.
    * A *comment heading* ("网友评论", "12 Comments", "Leave a reply") starts
      the comment section, which runs to the end of the page, when it comes
      after ``comments_after_share`` of the page's prose -- or after at least
      ``min_prose_before_comments`` tokens of prose with a thread below it:
      ``min_thread_dates`` dated non-sentence lines (comment headers such as
      "re: ... 2004-12-27 12:46 name" or "2 days ago") among the next
      ``thread_window`` lines. Long comment threads hold more prose than
      the article, so the share alone misses them. A heading that counts the
      comments ("《标题》已有3件评论", "12 Responses to ...") needs only the
      ``min_prose_before_comments`` tokens of prose above it. On HTML, a comment
      heading heads no section before the page's title heading (the comments on an
      article follow it; hint ``title_affinity`` 1, not hidden), nor inside a furniture
      container of another kind than comments (a sidebar's "Recent Comments" widget: its
      ``boilerplate`` hint, outside any ``<article>``) unless the title heading sits in
      one of that kind too (a page builder's "widget" blocks); ``dom_hints`` judges those
      lines. A heading repeated on ``MIN_COUNTER_REPEATS`` lines or more (its digits aside,
      at one tag-and-class path on HTML) is a teaser's counter, one per card, and heads no
      section (``_counter_repeats``).
    * A *review heading* ("Customer reviews", "Write a review") is a comment heading of a
      product's readers, under the same guards, but shops also write it as one of a row of
      tab labels ("Overview / Specs / Reviews (1)") or over a filter's facets ("Customer
      Reviews / 4 stars & up / 3 stars & up ..."): a heading that is itself a short label,
      among short labels (``_among_labels``), opens no section. ("Write a review" under a
      rating histogram's short lines is a button over the reviews, not a tab.)
    """

    name = "related_lists"
    reads = ("skip_links", "breadcrumbs", "menus", "dom_hints")  # a menu entry heads no list
    max_heading_tokens: int = 10
    max_comment_heading_tokens: int = 60
    max_inline_tokens: int = 60
    long_paragraph_tokens: int = 40
    long_sentence_tokens: int = 30
    comments_after_share: float = 0.5
    min_prose_before_comments: int = 40
    thread_window: int = 20
    min_thread_dates: int = 2
    # A tab or facet label: a line of at most this many words (a CJK character a half word).
    max_label_words: int = 2
    # A review heading after this many labels in a row is the last tab of a row; before
    # this many, the heading of a filter's facets; one label on each side, a middle tab.
    min_labels_before: int = 2
    min_labels_after: int = 4
    keywords: dict[str, list[str]] = field(default_factory=lambda: vocabulary("related_lists"))

    def __post_init__(self) -> None:
        self._list_headings = Keywords(self.keywords["list_headings"])
        self._list_patterns = any_fullmatch(self.keywords["list_heading_patterns"])
        self._comment_headings = Keywords(self.keywords["comment_headings"])
        self._comment_patterns = any_fullmatch(self.keywords["comment_heading_patterns"])
        self._review_headings = Keywords(self.keywords["review_headings"])
        # What a text must hold for the patterns to match it (None: not known). The native
        # pass asks the patterns (a Python call, ~2.5 us) only about texts that hold it.
        self._list_required = required_text(self.keywords["list_heading_patterns"])
        self._comment_required = required_text(self.keywords["comment_heading_patterns"])
        self._inline = Keywords(self.keywords["inline_prefixes"])

    @staticmethod
    def _heading_texts(content: list[Line], max_tokens: int) -> list[str | None]:
        """Per line, its text as a heading of at most ``max_tokens`` tokens, else None."""
        texts: list[str | None] = []
        for line in content:
            features = line.features
            if features.tokens > max_tokens or features.tokens == 0 or \
                    features.plain.endswith(("。", ".", "!", "！")):
                texts.append(None)
            else:
                texts.append(strip_punctuation(COUNT_SUFFIX.sub("", features.plain.strip())))
        return texts

    def _is_list_heading(self, text: str) -> bool:
        return self._list_headings.fullmatch(text) or self._list_patterns(text)

    def _comment_section_at(self, content: list[Line], i: int, text: str | None,
                            seen_prose: int, total_prose: int,
                            title: tuple[int, str],
                            counter_repeats: list[int]) -> str | None:
        """The heading's text when ``content[i]`` (whose heading text is ``text``) starts the
        comment section; ``title`` is the title heading's last line and furniture marker
        (``_title_heading``), ``counter_repeats`` the page's ``_counter_repeats``."""
        if not text or i < title[0] or self._other_furniture(content[i], title[1]):
            return None
        # Where the line sits first: a few comparisons, where the comment patterns cost ~1.7 us
        # a line (most short lines before the article's end never reach them).
        counted = bool(DIGIT.search(text))
        if not self._comments_start_here(content, i, seen_prose, total_prose, counted):
            return None
        if not (self._comment_headings.fullmatch(text)
                or self._comment_patterns(content[i].features.plain.strip())):
            if not self._review_headings.fullmatch(text) or self._among_labels(content, i):
                return None
        if counter_repeats[i] >= MIN_COUNTER_REPEATS:
            return None  # a teaser card's counter, one of many
        return text

    def _label(self, line: Line) -> bool:
        """Whether ``line`` reads as a tab's or a facet's label: a few words, not prose."""
        features = line.features
        return not features.prose and \
            0 < features.words + features.cjk / 2 <= self.max_label_words

    def _among_labels(self, content: list[Line], i: int) -> bool:
        """Whether the review heading ``content[i]`` is a tab among tab labels or heads a
        filter's facets: a label itself, with ``min_labels_before`` labels right before it,
        ``min_labels_after`` right after it, or one on each side."""
        if not self._label(content[i]):
            return False
        before = 0
        while before < self.min_labels_before and i - before - 1 >= 0 \
                and self._label(content[i - before - 1]):
            before += 1
        after = 0
        while after < self.min_labels_after and i + after + 1 < len(content) \
                and self._label(content[i + after + 1]):
            after += 1
        return before >= self.min_labels_before or after >= self.min_labels_after \
            or (before > 0 and after > 0)

    @staticmethod
    def _other_furniture(line: Line, title_marker: str) -> bool:
        """Whether ``line`` sits in a furniture container other than a comment section's, as
        ``dom_hints`` judges containers (outside any ``<article>``/``<main>``), and of
        another kind than the title heading's (``title_marker``)."""
        hints = line.hints
        container = hints.get("boilerplate")
        return bool(container) and container not in COMMENT_MARKERS \
            and container != title_marker and not hints.get("in_content")

    @staticmethod
    def _title_heading(content: list[Line]) -> tuple[int, str]:
        """The index of the last line of the page's title heading (HTML: hint
        ``title_affinity`` 1, not hidden: a hidden copy in a dialog is not where the article
        is), -1 when none is known; and the furniture marker of its first line that has
        one ("" for none)."""
        end, marker = -1, ""
        for k, line in enumerate(content):
            hints = line.hints
            if hints.get("title_affinity") == 1.0 and not hints.get("hidden"):
                end = k
                marker = marker or hints.get("boilerplate") or ""
        return end, marker

    @staticmethod
    def _list_end(anchors: list[bool], start: int) -> int:
        """Index just past the last item of the list whose heading is at ``start``."""
        j = start + 1
        while j < len(anchors) and not anchors[j]:
            j += 1
        return j

    def detect(self, page: Page) -> None:
        content = page.content_lines()
        self.label_found(page, content, native.detector_pass(
            "related_list_labels", self, self._labels, page, content))

    def _labels(self, page: Page, content: list[Line]) -> list[
            tuple[int, str, Category, float, str]]:
        """The decisions on ``content`` as ``(index, rule, category, score, reason)`` (the
        reference of the native core's ``related_list_labels``)."""
        found = []
        anchors = prose_anchors(content, self.long_paragraph_tokens, self.long_sentence_tokens)
        prose_tokens = [line.features.tokens if line.features.prose else 0
                        for line in content]
        total_prose = sum(prose_tokens) or 1
        # Each line's heading text once: list and comment headings differ only in their
        # length limits, and both are read for nearly every line.
        texts = self._heading_texts(content, max(self.max_heading_tokens,
                                                 self.max_comment_heading_tokens))
        headings = [text if line.features.tokens <= self.max_heading_tokens else None
                    for text, line in zip(texts, content)]
        comment_texts = [text if line.features.tokens <= self.max_comment_heading_tokens
                         else None for text, line in zip(texts, content)]
        title = self._title_heading(content)
        counter_repeats = _counter_repeats(content, comment_texts)
        seen_prose = 0
        i = 0
        while i < len(content):
            line = content[i]
            heading = headings[i]
            if heading and not (line.features.list_item
                                or self._menu_entry(page, content, i, seen_prose)) \
                    and self._is_list_heading(heading):
                end = self._list_end(anchors, i)
                # A comment section below a short list ends the list and is judged on its own.
                end = next((j for j in range(i + 1, end)
                            if self._comment_section_at(content, j, comment_texts[j],
                                                        seen_prose, total_prose, title,
                                                        counter_repeats)), end)
                if end > i + 1:
                    found.append((i, "list_heading", Category.TRENDING, 0.9,
                                  f"heading '{heading}' opens a list of other stories"))
                    found += [(item, "list_item", Category.TRENDING, 0.8,
                               f"item of the list under '{heading}'") for item in range(i + 1, end)]
                    i = end
                    continue
            # "《Title》已有1件评论", "3 Responses to “Title”" name the article.
            comment_heading = self._comment_section_at(content, i, comment_texts[i],
                                                       seen_prose, total_prose, title,
                                                       counter_repeats)
            if comment_heading:
                found += [(item, "comment_section", Category.COMMENT, 0.75,
                           f"comment section after heading '{comment_heading}'")
                          for item in range(i, len(content))]
                return found
            if (prefix := self._inline_link(line)) is not None:
                found.append((i, "inline_link", Category.TRENDING, 0.75,
                              f"inline '{prefix}' link to another story"))
            seen_prose += prose_tokens[i]
            i += 1
        return found

    @staticmethod
    def _menu_entry(page: Page, content: list[Line], i: int, seen_prose: int) -> bool:
        """Whether ``content[i]`` is an entry of a menu rather than a heading over a list.

        "* Latest" inside a menu is an entry, and so is any line a navigation container or a
        menu row names. A run of one-word lines (``menus/menu_run``) is weaker evidence: after
        the article's prose has begun, a run that ends on the heading ("Facebook / LinkedIn /
        Related articles", a share row above a related list) has it as its last line; what
        follows is not a menu, so the heading opens the list below it.
        """
        navigation = [(d.detector, d.rule) for d in content[i].decisions
                      if d.category is Category.NAV]
        if not navigation:
            return False
        if any(rule != MENU_RUN for rule in navigation) or seen_prose == 0:
            return True
        return i + 1 < len(content) and page.has_category(content[i + 1], [Category.NAV])

    def _comments_start_here(self, content: list[Line], i: int, seen_prose: int,
                             total_prose: int, counted: bool) -> bool:
        if seen_prose / total_prose >= self.comments_after_share:
            return True
        if seen_prose < self.min_prose_before_comments:
            return False
        if counted:
            return True  # "已有3件评论" after the article says what follows
        # A dated item in a run of list items ("* Jane on <post> (March 3, 2024)" under
        # "Recent Comments", a widget of other posts' comments) is no thread's header: a
        # header is followed by its comment's text.
        window = range(len(content))[i + 1:i + 1 + self.thread_window]
        dated = sum(1 for k in window
                    if content[k].features.has_date and not content[k].features.prose
                    and not (content[k].features.list_item and k + 1 < len(content)
                             and content[k + 1].features.list_item))
        return dated >= self.min_thread_dates

    def _inline_link(self, line: Line) -> str | None:
        """The prefix of an inline link ("Read more: <headline>"), when the line is one."""
        features = line.features
        if features.tokens > self.max_inline_tokens:
            return None
        prefix = self._inline.startswith(features.plain)
        if prefix is None:
            return None
        rest = features.plain[len(prefix):]
        if INLINE_SEPARATOR.match(rest) and INLINE_SEPARATOR.sub("", rest).strip():
            return prefix
        return None
