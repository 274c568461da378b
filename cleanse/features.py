"""Structural features of one line of text, computed once and shared by detectors.

Everything here is language-neutral: CJK characters and space-separated words
are both counted as *tokens* (one token per CJK character, one per word), so a
threshold like "at least 8 tokens" means the same amount of text in Chinese
and in English.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import regex

from cleanse import native

# Per-line counting runs on every line of every capture, so it uses the
# standard library's ``re`` with explicit ranges (about twice as fast as
# ``regex`` with Unicode properties) and counts runs rather than characters.
# Han and kana: scripts written without spaces between words (a space between two of their
# characters separates items, not words: the arbiter's ``item_gaps``). With Hangul, spaced
# like Latin script, they are the CJK characters counted one token each.
UNSPACED_RANGES = ("\u3040-\u30ff\u31f0-\u31ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
                   "\uff66-\uff9f\U00020000-\U0003134f")
HANGUL_RANGES = "\u1100-\u11ff\u3130-\u318f\uac00-\ud7af"
CJK_RANGES = HANGUL_RANGES + UNSPACED_RANGES
CJK = re.compile(f"[{CJK_RANGES}]")
CJK_RUN = re.compile(f"[{CJK_RANGES}]+")
WORD = re.compile(rf"[^\W\d_{CJK_RANGES}][\w'’-]*")
ALNUM_RUN = re.compile(r"[^\W_]+")
DIGIT_RUN = re.compile(r"\d+")
DIGIT = re.compile(r"\d")
# Bounded runs that start only where a run starts keep every pattern linear on
# adversarial input (long digit or bracket runs); tests/test_robustness.py checks it.
URL = regex.compile(r"https?://\S+|www\.\S+|(?<![\w-])[\w-]{1,63}\.(?:com|net|org|io|cn|co|info|app)\b",
                    regex.I)
MARKDOWN_LINK = re.compile(r"!?\[([^\[\]]*)\]\([^()\[\]]*\)")
MARKDOWN_PREFIX = re.compile(r"^\s*(?:#{1,6}\s+|>\s*|[-*+•·●▪◦]\s+|\d{1,3}[.)、]\s+)+")
MARKDOWN_PREFIX_STARTS = frozenset("#>-*+•·●▪◦0123456789")
EMPHASIS = re.compile(r"(\*\*|__|\*|`)")
LIST_MARKER = re.compile(r"[-*+•·●▪◦]\s|\d{1,3}[.)、]\s")
NOT_ALNUM_RUN = re.compile(r"[\W_]+")
# Characters handled at a time where a whole-line operation would build a list per word.
SLICE = 1 << 16
# Where lowercasing may cut a line: before a space or a Han character, which are neither
# cased nor case-ignorable, so no final sigma changes with the cut.
CASE_CONTEXT_BREAK = regex.compile(r"[\s\p{Han}]")
INNER_PUNCT = re.compile(r"[，、,;；：:（）()《》“”\"']")


# Past this many characters a line is matched piece by piece, cut at spaces (no pattern
# here matches across one): findall's list of millions of small strings took 0.8 GB for a
# 50 MB single-line capture. A line without spaces is cut anywhere, which at worst splits
# one word or date in two per piece. Lines are nearly always far shorter.
STREAM_CHARS = 100_000


def _pieces(text: str) -> Iterator[str]:
    start = 0
    while start < len(text):
        end = start + STREAM_CHARS
        space = text.find(" ", end, end + 1000)
        end = space if space >= 0 else end
        yield text[start:end]
        start = end


def run_length(pattern: re.Pattern[str] | regex.Pattern[str], text: str) -> int:
    """How many characters of ``text`` the non-overlapping matches of ``pattern`` cover."""
    if len(text) <= STREAM_CHARS:
        return sum(map(len, pattern.findall(text)))
    return sum(sum(map(len, pattern.findall(piece))) for piece in _pieces(text))


def count(pattern: re.Pattern[str] | regex.Pattern[str], text: str) -> int:
    """How many non-overlapping matches of ``pattern`` ``text`` holds."""
    if len(text) <= STREAM_CHARS:
        return len(pattern.findall(text))
    return sum(len(pattern.findall(piece)) for piece in _pieces(text))


# A line "ends a sentence" when its last visible character (after closing
# quotes, brackets and markdown emphasis) is one of these.
TERMINAL = frozenset("。！？!?.…；;")
CLOSERS = "\"'”’」』）)]】》*_ "

MONTHS = (r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
          r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)")
DATE_OR_TIME = regex.compile(
    r"\b(?:19|20)\d\d[-/.](?:0?[1-9]|1[0-2])[-/.](?:0?[1-9]|[12]\d|3[01])\b"
    r"|(?:(?:19|20)\d\d\s*年\s*)?(?:0?[1-9]|1[0-2])\s*月\s*(?:0?[1-9]|[12]\d|3[01])\s*[日号號]"
    r"|\b(?:[01]?\d|2[0-3]):[0-5]\d(?::[0-5]\d)?\b"
    r"|(?:[01]?\d|2[0-3])\s*[点點时時]\s*[0-5]?\d\s*分(?:\s*[0-5]?\d\s*秒)?"
    rf"|\b{MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+(?:19|20)\d\d\b"
    rf"|\b\d{{1,2}}\s+{MONTHS}\.?,?\s+(?:19|20)\d\d\b"
    r"|\b\d{1,4}\s+(?:minutes?|mins?|hours?|hrs?|days?|weeks?|months?)\s+ago\b"
    r"|(?<!\d)\d{1,4}\s*(?:分钟|分鐘|小时|小時|天|周|週)前",
    regex.I,
)


@dataclass(frozen=True, slots=True)
class LineFeatures:
    """What detectors read of one line. Slotted: a page holds one per line and detectors
    read its attributes thousands of times a page, so it has no ``__dict__`` (less memory
    per line, faster attribute reads); the native core sets the slots itself."""

    stripped: str
    plain: str  # markdown markup removed, for measuring and matching
    cjk: int
    words: int
    alnum: int
    digits: int
    inner_punct: int
    final_mark: str
    heading: bool
    list_item: bool
    link_like: bool
    date_chars: int
    # Derived from the fields above when the object is made (not compared, not shown):
    # detectors read them thousands of times a page, and an attribute costs less than a
    # property. The native core sets them too (tests/test_native.py compares every attribute).
    tokens: int = field(init=False, repr=False, compare=False)
    """CJK characters plus words."""
    terminal: bool = field(init=False, repr=False, compare=False)
    """Ends a sentence (of any kind, questions and exclamations included)."""
    prose: bool = field(init=False, repr=False, compare=False)
    """``is_prose()`` with its default thresholds."""

    def __post_init__(self) -> None:
        tokens = self.cjk + self.words
        terminal = self.final_mark in TERMINAL
        object.__setattr__(self, "tokens", tokens)
        object.__setattr__(self, "terminal", terminal)
        object.__setattr__(self, "prose", _is_prose(tokens, terminal, self.heading))

    @property
    def has_date(self) -> bool:
        return self.date_chars > 0

    @property
    def mostly_date(self) -> bool:
        """The line is little more than a date or timestamp."""
        return self.date_chars > 0 and self.date_chars >= 0.5 * len(self.plain.replace(" ", ""))

    @property
    def digit_share(self) -> float:
        return self.digits / self.alnum if self.alnum else 0.0

    def is_prose(self, min_tokens: int = 8, long_tokens: int = 40) -> bool:
        """Sentence-like: ends a sentence and is not tiny, or is simply long (with the
        default thresholds: the attribute ``prose``)."""
        return _is_prose(self.tokens, self.terminal, self.heading, min_tokens, long_tokens)


def _is_prose(tokens: int, terminal: bool, heading: bool, min_tokens: int = 8,
              long_tokens: int = 40) -> bool:
    if tokens >= long_tokens:
        return True
    return terminal and tokens >= min_tokens and not heading


def plain_text(text: str) -> str:
    """``text`` without markdown list/heading/quote prefixes, emphasis and link targets."""
    # The cheap membership tests skip a regex pass on the many lines without markup.
    if "](" in text:
        text = MARKDOWN_LINK.sub(r"\1", text)
    if text.lstrip()[:1] in MARKDOWN_PREFIX_STARTS:
        text = MARKDOWN_PREFIX.sub("", text)
    if "*" in text or "_" in text or "`" in text:
        text = EMPHASIS.sub("", text)
    return text.strip()


# "……答案。(小小)", "……。（完）": an author or end tag after the final sentence.
TRAILING_TAG = regex.compile(r"(?<=[。！？.!?])\s*[（(][^()（）]{1,12}[)）]$")


def final_mark(text: str) -> str:
    """The last visible character, past closing quotes, brackets and an end tag."""
    stripped = text.rstrip()
    if stripped.endswith((")", "）")):
        stripped = TRAILING_TAG.sub("", stripped)
    # One rstrip, not a slice per character: slicing copies, which made a line ending in
    # two million quotes take half a minute.
    return stripped.rstrip(CLOSERS)[-1:]


BLANK = LineFeatures(stripped="", plain="", cjk=0, words=0, alnum=0, digits=0, inner_punct=0,
                     final_mark="", heading=False, list_item=False, link_like=False,
                     date_chars=0)


def line_features(text: str) -> LineFeatures:
    """The features of one line: by the native core when it is built and enabled
    (``cleanse.native``), else by :func:`python_line_features`, the reference. Both give
    equal results (tests/test_native.py)."""
    if native.enabled:
        return _native_line_features(text)
    return python_line_features(text)


def python_line_features(text: str) -> LineFeatures:
    """The reference implementation of :func:`line_features`."""
    stripped = text.strip()
    if not stripped:
        return BLANK
    plain = plain_text(stripped)
    digits = run_length(DIGIT_RUN, plain)
    return LineFeatures(
        stripped=stripped,
        plain=plain,
        cjk=run_length(CJK_RUN, plain),
        words=count(WORD, plain),
        alnum=run_length(ALNUM_RUN, plain),
        digits=digits,
        inner_punct=count(INNER_PUNCT, plain[:-1]),
        final_mark=final_mark(plain),
        heading=stripped.startswith("#"),
        list_item=bool(LIST_MARKER.match(stripped)),
        link_like=bool((("." in stripped or ":" in stripped) and URL.search(stripped))
                       or ("](" in stripped and MARKDOWN_LINK.search(stripped))),
        # Every date or time form contains a digit.
        date_chars=run_length(DATE_OR_TIME, plain) if digits else 0,
    )


if native.core is not None:
    # The core builds LineFeatures (and returns BLANK) itself, reads its character classes
    # off this Python on first use, and hands text UTF-8 cannot hold to the reference.
    native.core.configure(native.character_tables, LineFeatures, BLANK, python_line_features)
    _native_line_features = native.core.line_features
    # The core reads and sets LineFeatures' slots in place, not through getattr and
    # object.__setattr__ (their offsets found once; docs/native.md "Speed").
    native.core.register_slots(LineFeatures)


LEADING_PUNCTUATION = regex.compile(r"^[\p{P}\p{S}\s]+")


@lru_cache(maxsize=1)
def _native_text():
    """The native core's :func:`strip_punctuation` and :func:`_match_key`
    (``cleanse._native.TextOps``), with ``LEADING_PUNCTUATION``'s class as the running
    ``regex`` sees it."""
    (punctuation,) = native.members(regex.compile(r"[\p{P}\p{S}\s]+"))
    return native.core.TextOps(punctuation)


def strip_punctuation(text: str) -> str:
    """``text`` without leading and trailing punctuation, symbols and spaces.

    By the native core when enabled (tests/test_native.py), else as below: the trailing
    side is stripped on the reversed string, as a ``[...]+$`` pattern retries from every
    position of a long inner run (quadratic).
    """
    if native.enabled:
        try:
            return _native_text().strip_punctuation(text)
        except UnicodeEncodeError:
            pass
    text = LEADING_PUNCTUATION.sub("", text)
    return LEADING_PUNCTUATION.sub("", text[::-1])[::-1]


def normalize_for_matching(text: str) -> str:
    """Lowercase, digits to 0, all but letters and digits dropped (CCNet-style line hash key)."""
    return normalize_plain_for_matching(plain_text(text))


def normalize_plain_for_matching(plain: str) -> str:
    """:func:`normalize_for_matching` of text that is already ``plain_text``'s result (a line's
    ``features.plain``): the markdown pass is not made twice."""
    if len(plain) <= SLICE:  # every line but huge ones: no generator on this hot path
        return _match_key(plain)
    # In slices: lowercasing a 50 MB line takes 12 bytes a character and substituting
    # it whole builds a list of every piece; both substitutions give the same result
    # whatever the cut (one digit at a time; a run dropped in two halves).
    return "".join(_match_key(plain[start:end])
                   for start, end in slice_bounds(plain, CASE_CONTEXT_BREAK))


def _match_key(text: str) -> str:
    if native.enabled:
        try:
            return _native_text().match_key(text)
        except UnicodeEncodeError:
            pass
    return NOT_ALNUM_RUN.sub("", DIGIT.sub("0", text.lower()))


def slice_bounds(text: str, breaks: regex.Pattern[str]) -> Iterator[tuple[int, int]]:
    """``(start, end)`` of about ``SLICE`` characters, each cut just before a ``breaks`` match.

    For operations on huge lines one slice at a time; a line with no such character
    past ``SLICE`` is one slice.
    """
    start = 0
    while start < len(text):
        cut = breaks.search(text, start + SLICE) if start + SLICE < len(text) else None
        end = cut.start() if cut else len(text)
        yield start, end
        start = end
