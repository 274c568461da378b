"""Evidence: every non-blank line of a labelled page as a row of numbers for the arbiter.

Detectors no longer decide alone; what they said becomes evidence beside
what the line and its neighbourhood look like. Every column is
language-neutral -- a "newsletter vocabulary hit" (the newsletter
detector's score), never a word -- so what is learned on English pages
carries to Chinese ones, and no column names a site, a dataset or a string
from one. Columns:

* the detectors: per detector of :data:`DETECTORS`, its strongest junk
  score on the line; per category, the strongest score; and the same
  strongest-junk score smoothed over neighbouring lines;
* the text: length, tokens (one per CJK character, one per word), CJK and
  digit shares, punctuation and sentence shape, dates, links, list and
  heading markup, capitalised words, separators (``|``, ``·``), spaces between Han or kana
  characters (items, not words);
* position and runs: where the line sits in the page (by lines and by
  characters), how much prose lies before and after it, how long the run
  of short lines around it is, neighbours' lengths and prose shares in
  windows of 2, 5 and 10 lines; for a text capture, the share of its lines that carry
  markdown links (missing for HTML, whose links are in the DOM columns): in a capture that
  marks its links, a run of short lines without them reads differently from one in an
  innerText, where no line shows its links; and, for a text capture too (missing for HTML,
  whose DOM says it: ``structure_repeats`` below), how often the pattern of line shapes the
  line sits in repeats (``shape_repeats``): a feed of teasers, a grid of products or a
  thread of posts is a few lines of fixed shapes (title, summary, date) again and again; and
  how much prose outside such patterns lies after the line (``unpatterned_prose_after``):
  a feed's summaries are prose too;
* copies: how many lines before this one say the same (case, digits and punctuation
  ignored: ``earlier_copies``): a shop's description rendered again in a tab, a quoted post;
* the DOM (HTML only, missing for text captures): block tag, link
  density, furniture-named container (dialogs apart), ``<article>``/``<main>``,
  quote, hidden, how close the line hangs to the title heading
  (``title_affinity``), and whether the readability-style scorer
  (:mod:`cleanse.reading.main_content`) put the line in the main content.

The arbiter's model file records :data:`FEATURES`; loading a model built
for other columns is an error (see :mod:`cleanse.deciding.arbiter`).
"""

from __future__ import annotations

import math
import re
from functools import lru_cache

import numpy as np
import regex

from cleanse import native
from cleanse.detectors import DEFAULT_PIPELINE
from cleanse.features import TERMINAL, UNSPACED_RANGES
from cleanse.model import Category, Line, Page

# Detectors the shipped model knows by name; a user's own detector still
# counts through the category columns. Not learned by name: the title (kept apart), and
# ``copies``, which the arbiter acts on by rule (a copy goes when what it repeats is kept):
# on the bench pages that hold a copy, the truth aligns to the copy as often as to the
# paragraphs, so a column would teach that copies are article text.
NOT_LEARNED_BY_NAME = ("title", "copies")
DETECTORS: tuple[str, ...] = tuple(d for d in DEFAULT_PIPELINE if d not in NOT_LEARNED_BY_NAME)
CATEGORIES: tuple[Category, ...] = tuple(Category)
TAG_GROUPS: dict[str, str] = {
    "p": "p", "h1": "h1", "h2": "h2", "h3": "h3", "h4": "h4", "h5": "h4", "h6": "h4",
    "li": "li", "td": "cell", "th": "cell", "dt": "cell", "dd": "cell", "pre": "pre",
    "blockquote": "quote", "figcaption": "caption", "caption": "caption", "summary": "caption",
}
TAG_COLUMNS = ("p", "h1", "h2", "h3", "h4", "li", "cell", "pre", "quote", "caption")
# Names the renderer gives a furniture container (cleanse.reading.html BOILERPLATE_TOKEN), grouped.
FURNITURE_GROUPS: dict[str, str] = {
    "nav": "nav", "navbar": "nav", "menu": "nav", "breadcrumb": "nav", "breadcrumbs": "nav",
    "pagination": "nav", "pager": "nav", "toolbar": "nav", "masthead": "nav",
    # Small print (a rate's terms, financing notes) and a forum post's signature: footers.
    "footer": "footer", "disclaimer": "footer", "disclaimers": "footer", "footnotes": "footer",
    "signature": "footer",
    "aside": "aside", "sidebar": "aside", "side-bar": "aside",
    "widget": "aside", "form": "form", "comment": "comment", "comments": "comment",
    "reviews": "comment",  # a product's customer reviews: its readers' posts
    "related": "related", "popular": "related", "trending": "related", "tags": "related",
    "share": "share", "sharing": "share", "social": "share",
    "dialog": "dialog",  # the renderer's one name for <dialog>, role=dialog, modal, drawer...
}
FURNITURE_COLUMNS = ("nav", "footer", "aside", "form", "comment", "related", "share", "dialog",
                     "other")
SEPARATORS = re.compile(r"[|·•/>»›]")
# A space between two Han or kana characters separates items: a menu row, a tag list
# ("首页 新闻 财经 体育"), not words.
ITEM_GAPS = re.compile(f"(?<=[{UNSPACED_RANGES}])[ \t\u3000\xa0]+(?=[{UNSPACED_RANGES}])")
CAPITALISED = regex.compile(r"(?<![\w'’-])\p{Lu}")
# CAPITALISED on ASCII text, where \p{Lu} is A-Z and both libraries' \w is [A-Za-z0-9_].
ASCII_CAPITALISED = re.compile(r"(?<![\w'-])[A-Z]")
WINDOWS = (2, 5, 10)

_LINE_COLUMNS = (
    "log_chars", "log_tokens", "cjk_share", "digit_share", "inner_punct_rate", "terminal",
    "question_or_exclamation", "colon_end", "heading_markup", "list_item", "link_like",
    "date_share", "mostly_date", "prose", "long_prose", "capitalised_share", "separators",
    "item_gaps", "markdown_links",
)
_POSITION_COLUMNS = (
    "rel_line", "rel_chars", "log_page_lines", "log_page_chars", "prose_before", "prose_after",
    "short_run", "prev_log_tokens", "next_log_tokens", "prev_prose", "next_prose",
    "tokens_vs_page_median", "page_prose_share", "page_long_lines", "page_list_share",
    "page_link_markup_share", "shape_repeats", "unpatterned_prose_after",
    "earlier_copies",
)
_DOM_COLUMNS = (
    "is_html", "link_density", "in_article", "quote", "hidden", "main_content",
    "depth", "furniture_depth", "content_classes", "title_affinity",
    "structure_repeats", "structure_share",
    "page_main_content_share", "page_link_density", *(f"tag_{t}" for t in TAG_COLUMNS),
    *(f"furniture_{f}" for f in FURNITURE_COLUMNS),
)
_DETECTOR_COLUMNS = (
    *(f"detector_{d}" for d in DETECTORS), *(f"category_{c.value}" for c in CATEGORIES),
    "strongest_junk", "junk_decisions",
)
_WINDOW_COLUMNS = tuple(
    f"{what}_w{w}" for w in WINDOWS
    for what in ("prose", "log_tokens", "strongest_junk", "main_content", "link_density"))

FEATURES: tuple[str, ...] = (_LINE_COLUMNS + _POSITION_COLUMNS + _DOM_COLUMNS
                             + _DETECTOR_COLUMNS + _WINDOW_COLUMNS)
COLUMN = {name: i for i, name in enumerate(FEATURES)}
LINK_MARKUP_SHARE = COLUMN["page_link_markup_share"]


def _line_row(line: Line) -> list[float]:
    f = line.features
    plain = f.plain
    chars = max(len(plain), 1)
    tokens, words, alnum, final = f.cjk + f.words, f.words, f.alnum, f.final_mark
    terminal = final in TERMINAL
    if not words:
        capitalised = 0.0
    elif plain.isascii():  # the same count by the standard library's faster ``re``
        capitalised = min(len(ASCII_CAPITALISED.findall(plain)) / words, 1.0)
    else:
        capitalised = min(len(CAPITALISED.findall(plain)) / words, 1.0)
    # f.is_prose(), f.mostly_date and f.digit_share, written out: this runs on every line.
    prose = tokens >= 40 or (terminal and tokens >= 8 and not f.heading)
    date_chars = f.date_chars
    mostly_date = date_chars > 0 and date_chars >= 0.5 * len(plain.replace(" ", ""))
    return [
        math.log1p(len(plain)), math.log1p(tokens),
        f.cjk / alnum if alnum else 0.0, f.digits / alnum if alnum else 0.0,
        f.inner_punct / max(tokens, 1), float(terminal),
        float(final in "?？!！"), float(final in ":："),
        float(f.heading), float(f.list_item), float(f.link_like),
        min(date_chars / chars, 1.0), float(mostly_date), float(prose),
        float(tokens >= 40), capitalised,
        float(len(SEPARATORS.findall(plain))), float(len(ITEM_GAPS.findall(plain))),
        float(f.stripped.count("](")),
    ]


@lru_cache(maxsize=1)
def _native_rows():
    """The native core's :func:`_line_row` (``cleanse._native.LineRows``), with ``regex``'s
    ``\\p{Lu}`` as the running Python sees it."""
    (upper,) = native.members(regex.compile(r"\p{Lu}+"))
    return native.core.LineRows(upper)


def _line_rows(lines: list[Line]) -> np.ndarray | list[list[float]]:
    """:func:`_line_row` of every line: by the native core when enabled (the same floats,
    tests/test_native.py), else by the reference; text with lone surrogates by the reference."""
    if native.enabled:
        try:
            data = _native_rows().rows([line.features for line in lines])
        except UnicodeEncodeError:
            pass
        else:
            return np.frombuffer(data, dtype=np.float64).reshape(len(lines), _LINE_STOP)
    return [_line_row(line) for line in lines]


@lru_cache(maxsize=1)
def _native_dom_rows():
    """The native core's :func:`_dom_row` of HTML lines (``cleanse._native.DomRows``)."""
    return native.core.DomRows(TAG_GROUPS, list(TAG_COLUMNS), FURNITURE_GROUPS,
                               list(FURNITURE_COLUMNS))


def _dom_rows(lines: list[Line]) -> np.ndarray | list[list[float]]:
    """:func:`_dom_row` of every line of an HTML page: by the native core when enabled (the
    same floats, tests/test_native.py), else, or for hints of other types than the
    renderer's, by the reference."""
    if native.enabled:
        try:
            data = _native_dom_rows().rows([line.hints for line in lines])
        except (TypeError, ValueError, OverflowError):
            pass
        else:
            return np.frombuffer(data, dtype=np.float64).reshape(len(lines), len(_DOM_COLUMNS))
    return [_dom_row(line, True) for line in lines]


def _dom_row(line: Line, is_html: bool) -> list[float]:
    if not is_html:
        return [0.0] + [math.nan] * (len(_DOM_COLUMNS) - 1)
    hints = line.hints
    tag = TAG_GROUPS.get(hints.get("tag", ""), "")
    furniture = hints.get("boilerplate", "")
    group = FURNITURE_GROUPS.get(furniture, "other") if furniture else ""
    return [1.0, float(hints.get("link_density", 0.0)), float(bool(hints.get("in_content"))),
            float(bool(hints.get("quote"))), float(bool(hints.get("hidden"))),
            float(bool(hints.get("main_content"))), float(hints.get("depth", 0)),
            float(hints.get("furniture_depth", 0)), float(min(hints.get("content_classes", 0), 3)),
            float(hints.get("title_affinity", math.nan)),
            0.0, 0.0, 0.0, 0.0,  # structure and page shares: filled per page
            *(float(tag == t) for t in TAG_COLUMNS),
            *(float(group == g) for g in FURNITURE_COLUMNS)]


_DETECTOR_SLOT = {name: i for i, name in enumerate(DETECTORS)}
_CATEGORY_SLOT = {category: len(DETECTORS) + i for i, category in enumerate(CATEGORIES)}
_STRONGEST, _JUNK_COUNT = len(DETECTORS) + len(CATEGORIES), len(DETECTORS) + len(CATEGORIES) + 1


_IS_JUNK = {category: category.is_junk for category in Category}


def _detector_row(line: Line) -> list[float]:
    row = [0.0] * (_JUNK_COUNT + 1)
    for decision in line.decisions:
        score = decision.score
        slot = _CATEGORY_SLOT[decision.category]
        if score > row[slot]:
            row[slot] = score
        if _IS_JUNK[decision.category]:
            row[_JUNK_COUNT] += 1
            if score > row[_STRONGEST]:
                row[_STRONGEST] = score
            slot = _DETECTOR_SLOT.get(decision.detector, -1)
            if slot >= 0 and score > row[slot]:
                row[slot] = score
    return row


@lru_cache(maxsize=1)
def _native_detector_rows():
    """The native core's :func:`_detector_row` (``cleanse._native.DetectorRows``)."""
    return native.core.DetectorRows(_DETECTOR_SLOT, _CATEGORY_SLOT, _IS_JUNK, _STRONGEST,
                                    _JUNK_COUNT)


def _detector_rows(lines: list[Line]) -> np.ndarray | list[list[float]]:
    """:func:`_detector_row` of every line (each with decisions): by the native core when
    enabled (the same floats, tests/test_native.py), else, or for decisions of another shape
    or category, by the reference."""
    if native.enabled:
        try:
            data = _native_detector_rows().rows([line.decisions for line in lines])
        except (TypeError, ValueError, KeyError, OverflowError):
            pass
        else:
            return np.frombuffer(data, dtype=np.float64).reshape(len(lines), _JUNK_COUNT + 1)
    return [_detector_row(line) for line in lines]


def _window_means(values: np.ndarray) -> np.ndarray:
    """:func:`_window_means_reference`, by the native core when enabled (the same floats,
    tests/test_native.py)."""
    if native.enabled:
        n, width = values.shape
        data = np.ascontiguousarray(values, dtype=np.float64).tobytes()
        return np.frombuffer(native.core.window_means(data, n, width, WINDOWS),
                             dtype=np.float64).reshape(n, len(WINDOWS) * width)
    return _window_means_reference(values)


def _window_means_reference(values: np.ndarray) -> np.ndarray:
    """Per line, for each window of :data:`WINDOWS` in turn, the mean of each column of
    ``values`` over the lines within ``w`` of it (ignoring NaN): ``(lines, windows x
    columns)``, the window columns' order in :data:`FEATURES`. The running sums do not
    depend on ``w``, so they are taken once; the windows are then one array operation each
    step, not one per window (each element is the same arithmetic either way)."""
    valid = ~np.isnan(values)
    n, width = values.shape
    padded = np.zeros((n + 1, width))
    np.cumsum(np.where(valid, values, 0.0), axis=0, out=padded[1:])
    counts = np.zeros((n + 1, width), dtype=np.int64)
    np.cumsum(valid, axis=0, out=counts[1:])
    index = np.arange(n)
    # Each window's bounds per line, clipped to the page (np.clip costs more on short arrays).
    lo, hi = np.maximum(index - _WINDOW_SIZES, 0), np.minimum(index + _WINDOW_SIZES + 1, n)
    total, count = padded[hi] - padded[lo], counts[hi] - counts[lo]  # (windows, lines, columns)
    with np.errstate(invalid="ignore", divide="ignore"):
        means = np.where(count > 0, total / np.maximum(count, 1), np.nan)
    return means.transpose(1, 0, 2).reshape(n, len(WINDOWS) * width)


# The columns each window averages, and where each window's block of them starts.
_WINDOWED = ("prose", "log_tokens", "strongest_junk", "main_content", "link_density")
_WINDOWED_COLUMNS = [COLUMN[what] for what in _WINDOWED]
_WINDOW_SIZES = np.array(WINDOWS)[:, None]
_LINE_STOP = len(_LINE_COLUMNS)
_DOM_START = _LINE_STOP + len(_POSITION_COLUMNS)
_DETECTOR_START = _DOM_START + len(_DOM_COLUMNS)
_WINDOW_START = _DETECTOR_START + len(_DETECTOR_COLUMNS)
# _window_means' block: the last columns, window by window (_WINDOW_COLUMNS' order).
assert FEATURES[_WINDOW_START:] == tuple(f"{what}_w{w}" for w in WINDOWS for what in _WINDOWED)
# A text capture's DOM columns: not HTML, the rest missing.
_TEXT_DOM_ROW = [0.0] + [math.nan] * (len(_DOM_COLUMNS) - 1)


def page_features(page: Page) -> tuple[list[Line], np.ndarray]:
    """(the page's non-blank lines, one row of :data:`FEATURES` per line)."""
    lines = page.content_lines()
    if not lines:
        return lines, np.zeros((0, len(FEATURES)))
    is_html = page.capture.kind == "html"
    n = len(lines)
    # Filled block by block: one array per block of columns, not a list of every column per line.
    rows = np.zeros((n, len(FEATURES)), dtype=np.float64)
    rows[:, :_LINE_STOP] = _line_rows(lines)
    rows[:, _DOM_START:_DETECTOR_START] = _dom_rows(lines) if is_html else _TEXT_DOM_ROW
    # Lines without decisions keep their zeros.
    decided = [i for i, line in enumerate(lines) if line.decisions]
    if decided:
        rows[decided, _DETECTOR_START:_WINDOW_START] = _detector_rows([lines[i] for i in decided])
    col = COLUMN
    chars = np.expm1(rows[:, col["log_chars"]])
    prose = rows[:, col["prose"]]
    prose_chars = chars * prose
    total_chars, total_prose = max(chars.sum(), 1.0), max(prose_chars.sum(), 1.0)
    rows[:, col["rel_line"]] = np.arange(n) / max(n - 1, 1)
    rows[:, col["rel_chars"]] = (np.cumsum(chars) - chars) / total_chars
    rows[:, col["log_page_lines"]] = math.log1p(n)
    rows[:, col["log_page_chars"]] = math.log1p(total_chars)
    before = np.cumsum(prose_chars) - prose_chars
    rows[:, col["prose_before"]] = before / total_prose
    rows[:, col["prose_after"]] = (total_prose - before - prose_chars) / total_prose
    log_tokens = rows[:, col["log_tokens"]]
    rows[:, col["short_run"]] = _page_short_runs(log_tokens)
    rows[1:, col["prev_log_tokens"]] = log_tokens[:-1]
    rows[:-1, col["next_log_tokens"]] = log_tokens[1:]
    rows[1:, col["prev_prose"]] = prose[:-1]
    rows[:-1, col["next_prose"]] = prose[1:]
    rows[:, col["tokens_vs_page_median"]] = log_tokens - _median(log_tokens)
    rows[:, col["page_prose_share"]] = float(prose_chars.sum() / total_chars)
    rows[:, col["page_long_lines"]] = math.log1p(float(rows[:, col["long_prose"]].sum()))
    # (tag_li is 0, 1, or NaN on a text capture: where NaN reads as 0, as np.nan_to_num's
    # checks of every float class cost ~25 us.)
    tag_li = rows[:, col["tag_li"]]
    rows[:, col["page_list_share"]] = float(np.mean(
        np.maximum(rows[:, col["list_item"]], np.where(np.isnan(tag_li), 0.0, tag_li))))
    if is_html:  # the DOM's repeated structure says it better: structure_repeats
        rows[:, col["shape_repeats"]] = rows[:, col["unpatterned_prose_after"]] = math.nan
    else:
        repeats = _page_shape_repeats(rows)
        rows[:, col["shape_repeats"]] = repeats
        unpatterned = prose_chars * (repeats == 0)
        # Summed from the end, so that a line with none after it has exactly 0.
        rows[:, col["unpatterned_prose_after"]] = (
            (np.cumsum(unpatterned[::-1])[::-1] - unpatterned) / total_prose)
    rows[:, col["page_link_markup_share"]] = (
        math.nan if is_html else float(np.mean(rows[:, col["markdown_links"]] > 0)))
    if is_html:
        main = rows[:, col["main_content"]]
        rows[:, col["page_main_content_share"]] = float((chars * main).sum() / total_chars)
        rows[:, col["page_link_density"]] = float(
            (chars * rows[:, col["link_density"]]).sum() / total_chars)
        _structure_columns(lines, chars, total_chars, rows)
    rows[:, col["earlier_copies"]] = np.log1p(_earlier_copies(lines))
    rows[:, _WINDOW_START:] = _window_means(rows[:, _WINDOWED_COLUMNS])
    return lines, rows


def _earlier_copies(lines: list[Line]) -> list[int]:
    """Per line, how many lines before it say what it says (its ``match_key``: case, digits,
    spaces and punctuation ignored; a line of no letters or digits copies nothing): by the
    native core when enabled, else by the reference.

    A shop renders its description two or three times (tabs, a mobile copy, a "read more"
    box), a forum quotes the post it answers: the first copy is the page's text, the later
    ones add nothing. ``duplicates`` leaves long sentences and repeats inside the main
    content alone (a pull quote, an interview's subheadings); the model weighs them. Only
    the lines *before* count: a count of every copy (tried, session 28) marked the first
    one too, and the model then removed all four regional copies of a promotion's terms
    and a directory's repeated field values with them; so did a count of the later copies
    of lines that are not prose (session 29).
    """
    if native.enabled:
        return native.core.earlier_copies(lines)
    return _earlier_copies_reference(lines)


def _earlier_copies_reference(lines: list[Line]) -> list[int]:
    """:func:`_earlier_copies` in Python (the native core's ``earlier_copies`` gives the
    same counts, tests/test_native.py)."""
    earlier: list[int] = []
    seen: dict[str, int] = {}
    for line in lines:
        key = line.match_key
        count = seen.get(key, 0) if key else 0
        earlier.append(count)
        if key:
            seen[key] = count + 1
    return earlier


def _median(values: np.ndarray) -> float:
    """``float(np.median(values))`` of a non-empty vector, from one sort: the middle value,
    or the mean of the middle two (``(a + b) / 2``, as ``np.mean`` of two computes it);
    NaN when a value is NaN (sorted last). ``np.median``'s own checks cost ~25 us a page."""
    ranked = np.sort(values)
    middle = len(ranked) // 2
    if math.isnan(ranked[-1]):
        return math.nan
    if len(ranked) % 2:
        return float(ranked[middle])
    return float((ranked[middle - 1] + ranked[middle]) / 2)


def _structure_columns(lines: list[Line], chars: np.ndarray, total_chars: float,
                       rows: np.ndarray) -> None:
    """How many lines, and what share of the text, sit in the same repeated DOM structure."""
    signatures = [line.hints.get("signature", "") for line in lines]
    count: dict[str, int] = {}
    share: dict[str, float] = {}
    # (Python floats, not numpy scalars: the same sums, without a scalar object per step.)
    for signature, size in zip(signatures, chars.tolist()):
        count[signature] = count.get(signature, 0) + 1
        share[signature] = share.get(signature, 0.0) + size
    rows[:, COLUMN["structure_repeats"]] = [math.log1p(count[s]) for s in signatures]
    rows[:, COLUMN["structure_share"]] = [share[s] / total_chars for s in signatures]


# A line's shape: its length class and what kind of line it is. Two lines of one shape look
# alike to a reader skimming a feed (a label, a title, a one-line summary, a date), whatever
# they say. The classes are coarse on purpose: one feed's titles vary in length, and its
# summaries are cut at different points (with or without a full stop).
_LENGTH_CLASSES = np.log1p([3, 40])  # tokens: a label, a title or summary, a long paragraph
_SHAPE_FLAGS = ("mostly_date", "heading_markup", "list_item", "link_like")
MAX_SHAPE_PERIOD = 8
MIN_SHAPE_REPEATS = 3


_SHAPE_COLUMNS = [COLUMN[name] for name in ("log_tokens", *_SHAPE_FLAGS, "markdown_links")]


def shape_arguments(rows: np.ndarray) -> tuple[bytes, int, list[float]]:
    """What the native core reads :func:`line_shapes` from (``shape_repeats``, the arbiter's
    ``runs_whole``): the shape columns as float64 bytes, row by row, the number of flag
    columns after the token count, and the length classes' bounds."""
    return (np.ascontiguousarray(rows[:, _SHAPE_COLUMNS], dtype=np.float64).tobytes(),
            len(_SHAPE_COLUMNS) - 1, _LENGTH_CLASSES.tolist())


def _page_shape_repeats(rows: np.ndarray) -> np.ndarray:
    """``_shape_repeats(line_shapes(rows))``: by the native core when enabled (the same
    floats, tests/test_native.py), else by the reference."""
    if native.enabled:
        return np.frombuffer(native.core.shape_repeats(
            *shape_arguments(rows), MAX_SHAPE_PERIOD, MIN_SHAPE_REPEATS), dtype=np.float64)
    return _shape_repeats(line_shapes(rows))


def line_shapes(rows: np.ndarray) -> np.ndarray:
    """Each line's shape as a small integer: its length class and :data:`_SHAPE_FLAGS`, and
    whether it carries markdown links."""
    shapes = np.searchsorted(_LENGTH_CLASSES, rows[:, COLUMN["log_tokens"]], side="left")
    for bit, name in enumerate((*_SHAPE_FLAGS, "markdown_links")):
        shapes = shapes + ((rows[:, COLUMN[name]] > 0) << (bit + 2))
    return shapes


def _shape_repeats(shapes: np.ndarray) -> np.ndarray:
    """log(1 + how many times the pattern of shapes around each line repeats back to back),
    0 outside such a pattern. A pattern is 2 to :data:`MAX_SHAPE_PERIOD` lines of at least
    two shapes, seen at least :data:`MIN_SHAPE_REPEATS` times in a row; where patterns of
    several lengths cover a line, the most repeated counts."""
    n = len(shapes)
    repeats = np.zeros(n)
    for period in range(2, MAX_SHAPE_PERIOD + 1):
        if n < MIN_SHAPE_REPEATS * period:
            break
        same = np.zeros(n - period + 2, dtype=np.int8)
        same[1:-1] = shapes[period:] == shapes[:-period]
        edges = np.flatnonzero(np.diff(same))  # run starts and stops, alternating
        starts, stops = edges[0::2], edges[1::2]
        long_enough = stops - starts >= (MIN_SHAPE_REPEATS - 1) * period
        for start, stop in zip(starts[long_enough].tolist(), stops[long_enough].tolist()):
            if len(set(shapes[start:start + period].tolist())) < 2:
                continue  # one shape again and again: a run, which short_run already counts
            count = (stop - start) // period + 1
            covered = repeats[start:stop + period]
            np.maximum(covered, math.log1p(count), out=covered)
    return repeats


SHORT_LINE_LOG_TOKENS = math.log1p(8)  # a short line: fewer than 8 tokens


def _page_short_runs(log_tokens: np.ndarray) -> np.ndarray:
    """``_short_runs(log_tokens < log1p(8))``: by the native core when enabled (the same
    floats, tests/test_native.py), else by the reference."""
    if native.enabled:
        return np.frombuffer(native.core.short_runs(
            np.ascontiguousarray(log_tokens, dtype=np.float64).tobytes(), SHORT_LINE_LOG_TOKENS),
            dtype=np.float64)
    return _short_runs(log_tokens < SHORT_LINE_LOG_TOKENS)


def _short_runs(short: np.ndarray) -> np.ndarray:
    """log(1 + length of the run of consecutive short lines each line belongs to; 0 if long)."""
    runs = np.zeros(len(short))
    edges = (np.flatnonzero(short[1:] != short[:-1]) + 1).tolist()
    for start, stop in zip([0, *edges], [*edges, len(short)]):
        if short[start]:
            runs[start:stop] = math.log1p(stop - start)
    return runs
