"""The one place that decides which lines stay: a learned model weighing all the evidence.

Detectors label lines; :mod:`cleanse.deciding.evidence` turns their labels, the
line's text and layout, its neighbours and (for HTML) its DOM context into
a row of numbers; a gradient-boosted tree model (LightGBM), trained on
~1,750 pages whose article text people wrote down (``training/``), gives
each line a calibrated probability of being article text. A line is kept
when that probability reaches the mode's threshold (``precision`` keeps
less, ``recall`` more). Only certain structure stays a hard rule: front
matter and skip-links always go, whatever the model says.

The ``balanced`` threshold is chosen per page. On a news article most lines are
confidently article or junk; on a listing, a product grid or a forum the
article lines sit at 0.2-0.4 and a fixed 0.5 removes them. A second, small
model (:class:`PageThreshold`) reads how the page's probabilities are spread
(:func:`page_summary`) and predicts, for each candidate threshold, how much
token F1 it gains over the base threshold; the page takes the best candidate
when the predicted gain reaches the model's margin, else the base.

Captures that mark their links (the markdown a reader service gives: ``[title](url)``)
have a model of their own when the model directory holds one (``linked/``, named in the
manifest with the share of link-marked lines from which a capture takes it): there a run
of short lines without links means something else than in an innerText, where no line
shows its links, and a model trained on both kinds of capture judged innerText captures
worse than one trained without markdown (docs/arbiter.md, "Markdown captures").

A page with visible text never comes out empty: when no line reaches the
threshold, the lines the model finds most article-like are kept and the
record says so in its ``warnings``.

The model ships as ``cleanse/data/arbiter/`` (``model.txt.gz``, LightGBM's
text format; ``threshold.txt.gz``, the page-threshold model; ``manifest.json``: the
feature names, the calibration table, the page threshold's candidates, the training data
and the cross-validated scores). Another model
directory can be given with ``Config(arbiter_model=...)``.
"""

from __future__ import annotations

import gzip
import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from importlib.resources.abc import Traversable
from itertools import repeat
from operator import attrgetter, methodcaller
from pathlib import Path
from typing import Any, NamedTuple

import numpy as np

from cleanse import native
from cleanse.deciding.evidence import (
    COLUMN,
    LINK_MARKUP_SHARE,
    line_shapes,
    page_features,
    shape_arguments,
)
from cleanse.deciding.forest import Forest, ForestError, native_forest
from cleanse.deciding.units import units
from cleanse.model import JUNK_CATEGORIES, Category, Decision, Line, Page

# Structure that is certain: no model may keep it.
HARD_DETECTORS = frozenset({"front_matter", "skip_links"})
# The shipped model, inside the package.
SHIPPED_MODEL = "shipped"
# When nothing reaches the threshold, lines at least this share of the best line's probability stay.
FALLBACK_SHARE = 0.5
# A line the ``copies`` detector found to repeat other lines in one block goes, once judged,
# when the kept lines it repeats make up this share of its text: the page would say it twice.
KEPT_COPY_SHARE = 0.8
# A kept quote (an HTML <blockquote>, a markdown ">" line) of at least this many tokens whose
# text a kept line before it already holds goes (_drop_kept_quotes): a reply quoting a post.
QUOTE_REPEAT_TOKENS = 6
# An image file's address alone on a line (_drop_kept_image_addresses): a data attribute or
# a script's value rendered as text (a product's list of thumbnails), never what the page says
# to a reader. On the bench's HTML renderings 101 such lines, none in a ground truth.
IMAGE_ADDRESS = re.compile(r"(?:https?:)?//[^\s/]+/\S*\.(?:jpe?g|png|gif|webp|avif|svg|bmp)"
                           r"(?:[?#]\S*)?", re.I)
# The line right after the title (a standfirst, a dek) stays when the model puts it at most
# this far below the threshold, no detector labelled it and the line after it is kept: a
# subtitle looks like a heading of nothing to the model, yet the text it introduces is kept.
# (0.1 until session 28: retrained draws put seed 001's subtitle at 0.34-0.39; 0.2 moved
# every bench group by at most 0.0002 in session 21.)
STANDFIRST_MARGIN = 0.2
# A list item next to a kept item of its list stays when the model puts it at most this far
# below the threshold and no detector labelled it: a list's last item, or one shorter than
# its neighbours, is the list's too (removing it cuts the list in the middle of the text).
LIST_MARGIN = 0.1
# A prose line next to kept prose stays when the model puts it at most this far below the
# threshold and no detector labelled it: the last paragraph of a short article reads like
# the end of a page to the model, yet removing it deletes article text.
PROSE_MARGIN = 0.1
# A section heading between two kept lines stays when the model puts it at most this far
# below the threshold (_keep_headings): a short subheading ("Parameters", "id", a card's
# name) reads like a menu label to the model, yet the text above and below it is kept.
HEADING_MARGIN = 0.1
# What makes a line a section heading: a markdown ATX heading (one to six "#" and a space:
# "#1" or "#hashtag" is none), or one of these HTML tags (the renderer's ``tag`` hint; h5 and
# h6 come as h4). h1 is the title's.
MARKDOWN_HEADING = re.compile(r"#{1,6}(?:\s|$)")
HEADING_TAGS = frozenset({"h2", "h3", "h4"})
# A run of at least this many lines that one detector rule labelled alike, all of one shape,
# is decided whole (_decide_runs_whole) ...
RUN_LINES = 3
# ... unless the rule is one of these, which label a region of the page (whatever lies outside
# the article, inside a furniture container, after a comments heading), not a run of items.
REGION_RULES = frozenset({("main_region", "outside_region_before"),
                          ("main_region", "outside_region_after"),
                          ("dom_hints", "boilerplate_container"),
                          ("related_lists", "comment_section")})
# An item of a repeated DOM structure (lines sharing one tag-and-class path; HTML only) of at
# least this many lines stays when the model put it at most LIST_MARGIN below the threshold
# and the kept lines hold at least STRUCTURE_KEPT_SHARE of the structure's text
# (_keep_structure_items): a grid's, a table's, a thread's unsure items are its items too.
STRUCTURE_LINES = 9
STRUCTURE_KEPT_SHARE = 2 / 3
# ... but not a line a detector calls a prompt: a sign-up box or an ad between an article's
# paragraphs shares their tag-and-class path without being one of them.
PROMPT_CATEGORIES = frozenset({Category.NEWSLETTER, Category.AD, Category.SHARE})
# A teaser feed after an HTML article (_drop_kept_feeds): a repeated DOM structure of at least
# this many lines, wholly after the last kept line of the main content, ...
FEED_LINES = 9
# ... whose kept lines hang this far from the title at most (title_affinity below it) ...
FEED_TITLE_AFFINITY = 0.7
# ... on a page whose kept main content holds at least this many tokens.
FEED_MAIN_TOKENS = 50
# An image's caption on an HTML article (_drop_kept_captions): a line inside a <figcaption>, or
# inside a caption-named container (``hints["boilerplate"] == "caption"``) whose tag-and-class
# path the page repeats at most this many times (a class on dozens of lines is a type style,
# "caption-s", not a caption).
CAPTION_REPEATS = 20
EVIDENCE_ITEMS = 3
# What the page-threshold model reads (page_summary), in this order, then the candidate.
PROBABILITY_BINS = 10
PAGE_SUMMARY: tuple[str, ...] = (
    "html", "lines_log", "expected_f1", "expected_f1_threshold", "mean_probability",
    "max_probability", *(f"token_share_{i}" for i in range(PROBABILITY_BINS)),
    *(f"line_share_{i}" for i in range(PROBABILITY_BINS)), "candidate")
_META = Category.META
_HINTS = attrgetter("hints")
_QUOTE = methodcaller("get", "quote")
ARBITER_REASON = "no detector flagged this line; the arbiter judged it junk from its context"
# Why a quote went by _drop_kept_quotes (a rule of the arbiter's, after the model).
REPEATED_QUOTE = Decision("arbiter", "repeated_quote", Category.DUPLICATE, 1.0,
                          "a quote of text the page already gave (kept once, where it first "
                          "stood)")
# Why a kept line went by _drop_kept_image_addresses.
IMAGE_ADDRESS_ALONE = Decision("arbiter", "image_address", Category.BOILERPLATE, 1.0,
                               "an image file's address alone on a line (markup data shown as "
                               "text, not text for a reader)")
# Why a kept teaser went by _drop_kept_feeds.
FEED_AFTER_ARTICLE = Decision("arbiter", "feed_after_article", Category.TRENDING, 1.0,
                              "a repeated block after the article, outside its main content "
                              "(a feed of teasers)")

# Why a kept caption went by _drop_kept_captions.
IMAGE_CAPTION = Decision("arbiter", "image_caption", Category.CHROME, 1.0,
                         "an image's caption (it describes a picture, not the article's text)")


class ModelError(ValueError):
    """An arbiter model that cannot be loaded or does not fit this version's evidence."""


class Verdict(NamedTuple):
    """The arbiter's judgement of one non-blank line (a tuple: one per line of a page)."""

    line: Line
    keep_probability: float
    kept: bool
    # Why it went: the strongest junk or meta decision on the line, a hard rule's decision,
    # or the arbiter's own when no detector flagged the line.
    decision: Decision | None = None
    # The features that pushed an arbiter-only removal hardest (only when asked to explain).
    evidence: tuple[str, ...] = ()


@dataclass(frozen=True)
class Judgement:
    verdicts: list[Verdict]
    warnings: tuple[str, ...] = ()
    threshold: float = 0.5  # the keep threshold this page was judged with
    model: str | None = None  # the model that judged it: "main", or "linked" (see _Model.route)


def page_summary(probabilities: np.ndarray, weights: np.ndarray, html: bool) -> list[float]:
    """How a page's article probabilities are spread: what the page-threshold model reads.

    ``weights`` are the lines' sizes (1 + tokens, on any scale: every value here is a
    share or a ratio). The expected token F1 of keeping the k most article-like lines,
    were the probabilities independent, is ``2 * sum(w p, top k) / (sum(w, top k) +
    sum(w p))``; its best value and the threshold it implies say how much of the page the
    model is sure of. Training (``training.train``) computes the same summary from
    out-of-fold probabilities.
    """
    total = float(weights.sum())
    if not len(probabilities) or total <= 0:
        return [float(html), 0.0, *[0.0] * 4, *[0.0] * (2 * PROBABILITY_BINS)]
    token_sums, line_counts = _histograms(probabilities, weights)
    token_share = token_sums / total
    line_share = line_counts / len(probabilities)
    order = np.argsort(-probabilities, kind="stable")
    ranked_p, ranked_w = probabilities[order], weights[order]
    expected_article = _dot(ranked_w, ranked_p)
    if expected_article > 0:
        expected = 2 * np.cumsum(ranked_w * ranked_p) / (np.cumsum(ranked_w) + expected_article)
        best = int(np.argmax(expected))
        best_f1, best_threshold = float(expected[best]), float(ranked_p[best])
    else:
        best_f1, best_threshold = 0.0, 0.5
    return [float(html), float(np.log1p(len(probabilities))), best_f1, best_threshold,
            expected_article / total, float(ranked_p[0]), *token_share.tolist(),
            *line_share.tolist()]


# The most elements a BLAS dot product is asked for at once. Above 10,000 OpenBLAS (numpy's)
# splits a dot among threads, and the thread it wakes spins on after it: ~65 ms of CPU a call
# on a 2-core machine, more than the rest of judging a 17,000-line page (the step in
# benchmarks/speed.py's size scaling at 10,000 lines), and a sum that depends on the number
# of cores. Up to this size the dot is one call, as it always was.
_DOT_BLOCK = 10_000


def _dot(a: np.ndarray, b: np.ndarray) -> float:
    """``float(a @ b)`` of two contiguous float64 vectors, in blocks of :data:`_DOT_BLOCK`
    added in order: for at most that many elements exactly ``a @ b`` (one BLAS call, one
    thread), beyond it the same on any machine and number of cores."""
    if len(a) <= _DOT_BLOCK:
        return float(a @ b)
    total = 0.0
    for start in range(0, len(a), _DOT_BLOCK):
        total += float(a[start:start + _DOT_BLOCK] @ b[start:start + _DOT_BLOCK])
    return total


# The probability bins' edges, as np.histogram takes them.
_BIN_EDGES = np.linspace(0.0, 1.0, PROBABILITY_BINS + 1)
# np.histogram sorts and sums values in blocks of this many (numpy's ``BLOCK``).
_HISTOGRAM_BLOCK = 65536


def _histograms(values: np.ndarray, weights: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """``np.histogram(values, _BIN_EDGES, weights=weights)[0]`` and the same unweighted, bit
    for bit: numpy's own steps for given edges (sort, cumulative weights, the edges found
    in the sorted values, the differences), with one sort for both and none of its checks,
    which cost more than the counting on a page of a few hundred lines. The models were
    trained on numpy's histograms (tests/test_arbiter_numerics.py compares the two).
    """
    if len(values) > _HISTOGRAM_BLOCK:  # numpy adds block by block: its own then
        return (np.histogram(values, _BIN_EDGES, weights=weights)[0],
                np.histogram(values, _BIN_EDGES)[0])
    order = np.argsort(values)
    ranked = values[order]
    cumulative = np.concatenate((np.zeros(1, dtype=weights.dtype), weights[order].cumsum()))
    # The last edge counts the values equal to it (the last bin is closed).
    at = np.concatenate((ranked.searchsorted(_BIN_EDGES[:-1], "left"),
                         ranked.searchsorted(_BIN_EDGES[-1:], "right")))
    return (np.diff(np.zeros(len(_BIN_EDGES), dtype=weights.dtype) + cumulative[at]),
            np.diff(np.zeros(len(_BIN_EDGES), dtype=np.intp) + at))


@dataclass(frozen=True)
class PageThreshold:
    """The page-threshold model: predicted F1 gain of each candidate over ``base``.

    ``native`` is the core's copy of ``forest`` (same scores bit for bit), None without it.
    """

    forest: Forest
    candidates: tuple[float, ...]
    base: float
    margin: float
    native: Any = None

    def choose(self, probabilities: np.ndarray, weights: np.ndarray, html: bool) -> float:
        summary = page_summary(probabilities, weights, html)
        rows = np.array([[*summary, candidate] for candidate in self.candidates])
        if self.native is not None and native.enabled:
            gains = np.array(self.native.predict(*_as_bytes(rows)), dtype=np.float64)
        else:
            gains = self.forest.raw_scores(rows)
        best = int(np.argmax(gains))  # the first (lowest) candidate on a tie
        return self.candidates[best] if gains[best] >= self.margin else self.base


class _Model:
    """A loaded model with its manifest (feature names, calibration).

    The trees are evaluated by the native core when it is enabled, else by the numpy
    reference (:mod:`cleanse.deciding.forest`); both give LightGBM's scores bit for bit, so
    LightGBM itself is needed only to train (docs/arbiter.md, "Runtime").
    """

    def __init__(self, directory: Path | Traversable | None, route: str = "main") -> None:
        # Which of a directory's models this is: its "main" one, or the "linked" one that
        # judges captures marking their links (for_page). Records say which judged a page.
        self.route = route
        root = directory or resources.files("cleanse") / "data" / "arbiter"
        name = directory or "shipped"
        try:
            manifest_text = (root / "manifest.json").read_text("utf-8")
            model_text = gzip.decompress((root / "model.txt.gz").read_bytes()).decode("utf-8")
        except (OSError, EOFError, UnicodeDecodeError) as exc:
            raise ModelError(f"cannot read arbiter model in {root}: {exc}") from exc
        try:
            self.manifest: dict[str, Any] = json.loads(manifest_text)
        except ValueError as exc:
            raise ModelError(f"arbiter manifest of {name} is not JSON: {exc}") from exc
        # A model reads the columns it was trained on, by name: evidence may grow
        # columns without breaking models trained before, never lose one they need.
        self.features: tuple[str, ...] = tuple(self.manifest.get("features", ()))
        missing = [feature for feature in self.features if feature not in COLUMN]
        if missing or not self.features:
            raise ModelError(f"arbiter model {name} was trained on features "
                             f"this version of cleanse does not compute ({', '.join(missing)}); "
                             "retrain it (python -m training.train)")
        self.columns = np.array([COLUMN[name] for name in self.features])
        try:
            self.forest = Forest(model_text)
        except ForestError as exc:
            raise ModelError(f"cannot load arbiter model {name}: {exc}") from exc
        if len(self.features) != self.forest.num_features:
            raise ModelError(f"arbiter model {name} reads {self.forest.num_features} features, "
                             f"its manifest names {len(self.features)}")
        self._native = native_forest(self.forest, self.columns)
        self.page_threshold = _page_threshold(root, name, self.manifest.get("page_threshold"))
        calibration = self.manifest.get("calibration") or {"x": [0.0, 1.0], "y": [0.0, 1.0]}
        self.calibration_x = np.asarray(calibration["x"], dtype=np.float64)
        self.calibration_y = np.asarray(calibration["y"], dtype=np.float64)
        self.linked, self.linked_share = _linked_model(root, name, self.manifest.get("linked"))

    def for_page(self, rows: np.ndarray) -> _Model:
        """The model that judges a page with these evidence rows: the linked model when the
        page marks enough of its links (an HTML page's share is missing: never), else this."""
        if self.linked is not None and rows[0, LINK_MARKUP_SHARE] >= self.linked_share:
            return self.linked
        return self

    def keep_probabilities(self, rows: np.ndarray) -> np.ndarray:
        if self._native is not None and native.enabled:
            raw = np.array(self._native.predict(*_as_bytes(rows)), dtype=np.float64)
        else:
            raw = self.forest.raw_scores(rows[:, self.columns])
        return np.interp(self.forest.probabilities(raw), self.calibration_x,
                         self.calibration_y)

    def evidence(self, rows: np.ndarray) -> list[tuple[str, ...]]:
        """Per row, the features that pushed it hardest towards removal, strongest first.

        SHAP contributions cost milliseconds per row, so only explanations ask for them.
        """
        selected = rows[:, self.columns]
        if self._native is not None and native.enabled:
            contributions = np.array(self._native.contributions(*_as_bytes(rows)))
        else:
            contributions = self.forest.contributions(selected)
        found = []
        for row, contribution in zip(selected, contributions):
            order = np.argsort(contribution[:-1])  # most negative (towards junk) first
            found.append(tuple(f"{self.features[i]}={row[i]:.2f}" for i in order[:EVIDENCE_ITEMS]
                               if contribution[i] < 0))
        return found


def _linked_model(root: Any, name: object, spec: dict[str, Any] | None
                  ) -> tuple[_Model | None, float]:
    """The model directory's model for captures that mark their links, and the share of
    link-marked lines from which a capture takes it; (None, inf) when it has none."""
    if spec is None:
        return None, math.inf
    try:
        folder, share = str(spec["model"]), float(spec["min_link_markup_share"])
    except (KeyError, TypeError, ValueError) as exc:
        raise ModelError(f"the linked model of {name} is not described right: {exc}") from exc
    if not 0.0 < share <= 1.0 or "/" in folder or folder in ("", ".", ".."):
        raise ModelError(f"the linked model of {name} is not described right: {spec}")
    return _Model(root / folder, route="linked"), share


def _page_threshold(root: Any, name: object, spec: dict[str, Any] | None
                    ) -> PageThreshold | None:
    """The model directory's page-threshold model, if it has one (older models do not)."""
    if spec is None:
        return None
    if tuple(spec.get("features", ())) != PAGE_SUMMARY:
        raise ModelError(f"the page-threshold model of {name} reads other page features than "
                         "this version of cleanse computes; retrain it (python -m training.train)")
    try:
        text = gzip.decompress((root / "threshold.txt.gz").read_bytes()).decode("utf-8")
        forest = Forest(text)
        candidates = tuple(float(c) for c in spec["candidates"])
        base, margin = float(spec["base"]), float(spec["margin"])
    except (OSError, EOFError, UnicodeDecodeError, ForestError, KeyError, TypeError,
            ValueError) as exc:
        raise ModelError(f"cannot load the page-threshold model of {name}: {exc}") from exc
    if forest.num_features != len(PAGE_SUMMARY) or not candidates:
        raise ModelError(f"the page-threshold model of {name} does not fit its manifest")
    return PageThreshold(forest, candidates, base, margin,
                         native_forest(forest, np.arange(forest.num_features)))


def _rounded(values: np.ndarray) -> list[float]:
    """``[round(v, 3) for v in values]`` (a verdict's probability), by numpy where it cannot
    differ: ``round`` converts each float to decimal and back, ~0.4 us a line.

    ``round(v, 3)`` is the float nearest to k / 1000, k the integer nearest to v's exact
    value times 1000 (half to even); ``rint(v * 1000) / 1000`` is the same float whenever it
    finds the same k (the division is correctly rounded too). For |v| <= 1, ``v * 1000``
    is within 6e-14 of the exact product, so it does unless that product lies within
    1e-6 of a half: those values, and any outside [-1, 1] (NaN included), go through
    ``round`` (tests/test_arbiter_numerics.py).
    """
    scaled = values * 1000.0
    found = (np.rint(scaled) / 1000.0).tolist()
    inside = np.abs(values) <= 1.0  # NaN is not
    checked = np.where(inside, scaled, 0.0)  # no arithmetic on infinities below
    doubtful = ~inside | (np.abs(checked - np.floor(checked) - 0.5) < 1e-6)
    for i in np.flatnonzero(doubtful).tolist():
        found[i] = round(float(values[i]), 3)
    return found


def _as_bytes(rows: np.ndarray) -> tuple[bytes, int]:
    """Evidence rows as the native core takes them: float64 bytes, row by row, and the width
    (it reads the model's columns itself)."""
    return np.ascontiguousarray(rows, dtype=np.float64).tobytes(), rows.shape[1]


@lru_cache(maxsize=8)
def load_model(directory: str = SHIPPED_MODEL) -> _Model:
    """The model in ``directory`` (``"shipped"``: the package's own), loaded once per process."""
    return _Model(None if directory == SHIPPED_MODEL else Path(directory))


@dataclass(frozen=True)
class Arbiter:
    """Keeps a line when its calibrated article probability reaches the page's threshold:
    ``keep_threshold``, or with ``page_threshold`` the one the model's page-threshold
    model chooses (models without one keep ``keep_threshold``)."""

    keep_threshold: float = 0.5
    model: str = SHIPPED_MODEL
    page_threshold: bool = False

    def __post_init__(self) -> None:
        if not 0.0 < self.keep_threshold < 1.0:
            raise ModelError(f"keep_threshold must lie in (0, 1), not {self.keep_threshold!r}")
        load_model(self.model)  # a missing or mismatched model fails here, not mid-batch

    def judge(self, page: Page, explain: bool = False) -> Judgement:
        """Keep or remove every non-blank line.

        With ``explain``, the first line of each run of arbiter-only removals (one removed
        span) gets its strongest evidence.
        """
        lines, rows = page_features(page)
        if not lines:
            return Judgement([], threshold=self.keep_threshold)
        model = load_model(self.model).for_page(rows)
        probabilities = model.keep_probabilities(rows)
        # Most lines carry no decision: no call for them.
        hard = [_hard_decision(line) if line.decisions else None for line in lines]
        html = page.capture.kind == "html"
        threshold = self.keep_threshold
        if self.page_threshold and model.page_threshold is not None:
            weights = np.array([1.0 + line.features.tokens for line in lines])
            threshold = model.page_threshold.choose(probabilities, weights, html)
        probability = probabilities.tolist()  # Python floats: no numpy scalar per line
        keep = [h is None and p >= threshold for h, p in zip(hard, probability)]
        if not html:  # (an HTML page's repeated DOM structure already tells the model)
            _decide_runs_whole(lines, rows, hard, probabilities, keep, threshold)
        _keep_units_whole(page, lines, hard, probabilities, keep, threshold)
        _keep_list_items(lines, probability, keep, threshold)
        _keep_prose(lines, probability, keep, threshold)
        # The page's repeated DOM structures, which three rules below read (HTML only).
        structures = _structures(lines) if html else {}
        if html:
            _keep_structure_items(lines, structures, hard, probability, keep, threshold)
        _keep_headings(lines, hard, probability, keep, threshold)
        # The title is kept apart (deciding.assemble); the body must not be empty without it.
        title_line = page.title_line()
        title = None if title_line is None else next(
            (i for i, line in enumerate(lines) if line is title_line), None)
        if title is not None:
            keep[title] = True  # never a removed span: assemble shows it as the title
            _keep_standfirst(lines, probability, keep, threshold, title)
        _drop_kept_copies(lines, keep)
        # The lines the rules after the model removed, with the decision that names each rule.
        ruled = dict.fromkeys(_drop_kept_quotes(lines, keep, html), REPEATED_QUOTE)
        ruled.update(dict.fromkeys(_drop_kept_image_addresses(lines, keep), IMAGE_ADDRESS_ALONE))
        if html and threshold >= self.keep_threshold:
            ruled.update(dict.fromkeys(_drop_kept_feeds(lines, structures, keep),
                                       FEED_AFTER_ARTICLE))
            ruled.update(dict.fromkeys(_drop_kept_captions(lines, structures, keep, title),
                                       IMAGE_CAPTION))
        warnings: tuple[str, ...] = ()
        # Only a kept line can be a candidate (hard lines are never kept), so the lines to
        # fall back on are looked for only when none but the title was kept.
        candidates = [] if keep.count(True) > (title is not None) else [
            i for i, h in enumerate(hard) if h is None and i != title]
        if candidates and not any(keep[i] for i in candidates):
            best = max(probabilities[i] for i in candidates)
            for i in candidates:
                keep[i] = probabilities[i] >= FALLBACK_SHARE * best
            warnings = (f"no line reached the keep threshold {threshold:g}; kept the "
                        f"most article-like lines (probability >= {FALLBACK_SHARE * best:.2f})",)
        # Decisions and verdicts built as tuples directly (a named tuple's constructor is
        # Python, once per line), and a line without decisions asks for none.
        make = tuple.__new__
        decisions = [None if kept else hard_decision or (
            line.decisions and _strongest_removal(line)) or make(Decision, (
                "arbiter", "learned", Category.BOILERPLATE, round(1 - p, 3), ARBITER_REASON))
            for line, p, kept, hard_decision in zip(lines, probability, keep, hard)]
        for i, decision in ruled.items():
            if not keep[i]:  # (unless the fallback above kept it after all)
                decisions[i] = decision
        evidence: dict[int, tuple[str, ...]] = {}
        if explain:
            alone = {i for i, d in enumerate(decisions) if d and d.rule == "learned"
                     and d.detector == "arbiter"}
            firsts = sorted(i for i in alone if i - 1 not in alone)
            if firsts:
                evidence = dict(zip(firsts, model.evidence(rows[firsts])))
        explained = [evidence.get(i, ()) for i in range(len(lines))] if evidence else repeat(())
        verdicts = list(map(make, repeat(Verdict), zip(
            lines, _rounded(probabilities), keep, decisions, explained)))
        return Judgement(verdicts, warnings, threshold, model.route)


def _keep_units_whole(page: Page, lines: list[Line], hard: list[Decision | None],
                      probabilities: np.ndarray, keep: list[bool], threshold: float) -> None:
    """Keeps or removes each unit (a code block, a table) whole, by its length-weighted
    probability: its fences and its ``|---|`` row are decided with its text."""
    found = units(page)
    if not found:
        return  # most pages: no line-number index to build
    index = {line.number: i for i, line in enumerate(lines)}
    for unit in found:
        members = [index[line.number] for line in unit if hard[index[line.number]] is None]
        if len(members) < 2:
            continue
        whole = _reaches(lines, probabilities, members, threshold)
        for i in members:
            keep[i] = whole


def _decide_runs_whole(lines: list[Line], rows: np.ndarray, hard: list[Decision | None],
                       probabilities: np.ndarray, keep: list[bool], threshold: float) -> None:
    """Keeps or removes each run of :data:`RUN_LINES` or more lines of a text capture whose
    strongest junk label is one detector rule's and which share one shape
    (:func:`~cleanse.deciding.evidence.line_shapes`) whole, by its length-weighted
    probability. Such a run is one structure -- a thread of replies, a list of dated
    headlines, a menu -- but the model reads each line with its neighbours, so the lines
    nearest the article look more like it and the threshold would cut the run in two: its
    first reply kept, the rest removed. (Not on HTML pages, whose repeated DOM structure
    the model reads: there the rule kept a sidebar's run of categories on a collection page.)

    By the native core when enabled (``runs_whole``: the same runs, their means with numpy's
    arithmetic; tests/test_native_judging.py), else by :func:`_decide_runs_whole_reference`."""
    if native.enabled:
        runs = native.core.runs_whole(
            lines, hard, *shape_arguments(rows),
            np.ascontiguousarray(probabilities, dtype=np.float64).tobytes(), threshold, RUN_LINES,
            _META, JUNK_CATEGORIES, REGION_RULES, Decision)
        if runs is not None:  # (None: a decision of another type, for the reference)
            for start, stop, whole in runs:
                keep[start:stop] = [whole] * (stop - start)
            return
    _decide_runs_whole_reference(lines, rows, hard, probabilities, keep, threshold)


def _decide_runs_whole_reference(lines: list[Line], rows: np.ndarray,
                                 hard: list[Decision | None], probabilities: np.ndarray,
                                 keep: list[bool], threshold: float) -> None:
    """:func:`_decide_runs_whole` in Python (the reference of the core's ``runs_whole``)."""
    labelled = [i for i, line in enumerate(lines) if line.decisions and hard[i] is None]
    if len(labelled) < RUN_LINES:
        return  # most pages: no run to look for
    shapes = line_shapes(rows)
    key: list[tuple[str, str, int] | None] = [None] * len(lines)
    for i in labelled:
        strongest = _strongest_removal(lines[i])
        if (strongest is not None and strongest.category is not _META
                and (strongest.detector, strongest.rule) not in REGION_RULES):
            key[i] = (strongest.detector, strongest.rule, int(shapes[i]))
    start = 0
    while start < len(lines):
        stop = start + 1
        while stop < len(lines) and key[stop] is not None and key[stop] == key[start]:
            stop += 1
        if key[start] is not None and stop - start >= RUN_LINES:
            whole = _reaches(lines, probabilities, list(range(start, stop)), threshold)
            keep[start:stop] = [whole] * (stop - start)
        start = stop


def _reaches(lines: list[Line], probabilities: np.ndarray, members: list[int],
             threshold: float) -> bool:
    """Whether the lines at ``members``, decided as one (a unit, a run), reach ``threshold``:
    their probabilities averaged, each weighed by its length."""
    weights = [1 + len(lines[i].features.stripped) for i in members]
    return float(np.average(probabilities[members], weights=weights)) >= threshold


def _keep_list_items(lines: list[Line], probability: list[float], keep: list[bool],
                     threshold: float) -> None:
    """Keeps each list item the model was unsure of (within :data:`LIST_MARGIN` of the
    threshold) that no detector labelled, when the item before or after it is a kept item: a
    kept list stays whole, item by item outwards from the kept ones."""
    items = [line.features.list_item or line.hints.get("tag") == "li" for line in lines]
    if items.count(True) >= 2:  # most pages have no list: nothing to walk
        _keep_beside_kept(lines, probability, keep, threshold - LIST_MARGIN, items)


def _keep_prose(lines: list[Line], probability: list[float], keep: list[bool],
                threshold: float) -> None:
    """Keeps each prose line the model was unsure of (within :data:`PROSE_MARGIN` of the
    threshold) that no detector labelled, when the line before or after it is kept prose:
    a paragraph at the article's edge is the article's, outwards from the kept ones."""
    _keep_beside_kept(lines, probability, keep, threshold - PROSE_MARGIN,
                      [line.features.prose for line in lines])


def _keep_beside_kept(lines: list[Line], probability: list[float], keep: list[bool],
                      floor: float, alike: list[bool]) -> None:
    """Keeps each unkept line of ``alike`` at ``floor`` or above without any decision (a hard
    rule's line carries one too) whose neighbour is kept and ``alike``."""
    unsure = [i for i, member in enumerate(alike) if member and not keep[i]
              and not lines[i].decisions and probability[i] >= floor]
    # One pass down keeps what a kept line above reaches, one pass up what one below reaches:
    # linear, where repeating passes until nothing changes took one pass per line of a run.
    for i in unsure:
        if i > 0 and alike[i - 1] and keep[i - 1]:
            keep[i] = True
    for i in reversed(unsure):
        if not keep[i] and i + 1 < len(lines) and alike[i + 1] and keep[i + 1]:
            keep[i] = True


def _structures(lines: list[Line]) -> dict[str, list[int]]:
    """The indices of an HTML page's lines by their tag-and-class path (``hints["signature"]``,
    ``""`` for none), in page order: the repeated structures the rules after the model read."""
    structures: dict[str, list[int]] = {}
    for i, line in enumerate(lines):
        structures.setdefault(line.hints.get("signature", ""), []).append(i)
    return structures


def _keep_structure_items(lines: list[Line], structures: dict[str, list[int]],
                          hard: list[Decision | None], probability: list[float],
                          keep: list[bool], threshold: float) -> None:
    """Keeps each unkept line of a repeated DOM structure (lines sharing one tag-and-class
    ``signature``) of :data:`STRUCTURE_LINES` lines or more that the model put at most
    :data:`LIST_MARGIN` below the threshold, when the structure's kept lines hold at least
    :data:`STRUCTURE_KEPT_SHARE` of its text (1 + tokens a line): the items of a grid, a
    table or a thread are graded each a little differently (a card's name, its price, its
    maker), and the threshold cuts the unsure ones out of a structure the model keeps. Unlike
    list items, a line a detector labelled may stay: the model weighed the label already, and
    the structure says more than one line's label; but not a line a detector calls a prompt
    (:data:`PROMPT_CATEGORIES`: a sign-up box between an article's paragraphs). A hard rule's
    line stays removed. (``structures``: :func:`_structures` of the page.)"""
    floor = threshold - LIST_MARGIN
    for signature, members in structures.items():
        found = [i for i in members if hard[i] is None] if signature else []
        if len(found) < STRUCTURE_LINES:
            continue
        unsure = [i for i in found if not keep[i] and probability[i] >= floor
                  and not any(d.category in PROMPT_CATEGORIES for d in lines[i].decisions)]
        if not unsure:
            continue
        weights = [1 + lines[i].features.tokens for i in found]
        kept = sum(w for i, w in zip(found, weights) if keep[i])
        if kept >= STRUCTURE_KEPT_SHARE * sum(weights):
            for i in unsure:
                keep[i] = True


def _keep_headings(lines: list[Line], hard: list[Decision | None], probability: list[float],
                   keep: list[bool], threshold: float) -> None:
    """Keeps each unkept section heading (:data:`MARKDOWN_HEADING`, an HTML ``h2``-``h4``) whose
    line before and line after are kept, when the model put it at most
    :data:`HEADING_MARGIN` below the threshold: a subheading inside kept text is the
    text's, even when it is two letters long or a detector took it for a menu label. Not a
    hard rule's line, nor one a detector calls a prompt (:data:`PROMPT_CATEGORIES`)."""
    floor = threshold - HEADING_MARGIN
    for i in range(1, len(lines) - 1):
        line = lines[i]
        if keep[i] or hard[i] is not None or probability[i] < floor \
                or not (keep[i - 1] and keep[i + 1]):
            continue
        heading = line.hints.get("tag") in HEADING_TAGS or (
            line.features.heading and MARKDOWN_HEADING.match(line.features.stripped))
        if heading and not any(d.category in PROMPT_CATEGORIES for d in line.decisions):
            keep[i] = True


def _keep_standfirst(lines: list[Line], probability: list[float], keep: list[bool],
                     threshold: float, title: int) -> None:
    """Keeps the line between the title and kept text when the model was unsure of it (within
    :data:`STANDFIRST_MARGIN` of the threshold) and no detector labelled it: a news page's
    standfirst. A byline or date there carries a ``dateline`` or metadata decision, so stays out."""
    at = title + 1
    if (at + 1 < len(lines) and not keep[at] and keep[at + 1] and not lines[at].decisions
            and probability[at] >= threshold - STANDFIRST_MARGIN):
        keep[at] = True


def _drop_kept_copies(lines: list[Line], keep: list[bool]) -> None:
    """Removes each kept copy of text (``copies``) whose parts were kept too: the text is
    then in the document once, as the paragraphs the arbiter kept. A copy whose paragraphs
    went stays, so no text is lost by this."""
    copies = {i for i, line in enumerate(lines) if keep[i] and line.decisions
              and any(d.detector == "copies" for d in line.decisions)}
    if not copies:
        return  # nearly every page
    parts = {lines[i].match_key for i, kept in enumerate(keep) if kept and i not in copies}
    for i in sorted(copies):
        whole = lines[i].match_key
        found = sum(len(key) for key in parts if key and len(key) < len(whole) and key in whole)
        if found >= KEPT_COPY_SHARE * len(whole):
            keep[i] = False


def _drop_kept_quotes(lines: list[Line], keep: list[bool], html: bool = True) -> list[int]:
    """Removes each kept quote line (inside a ``<blockquote>`` of an HTML page, a markdown
    ``>`` line of a text capture) of ``QUOTE_REPEAT_TOKENS`` tokens or more whose text a kept
    line before it already holds: a reply quoting an earlier post, a pull quote repeating a
    paragraph. The text stays in the document once, where it was first kept. Returns the
    indices of the quotes removed."""
    removed: list[int] = []
    # An HTML page's hints read by C-level loops first: most pages have no quote at all.
    quoted = list(map(_QUOTE, map(_HINTS, lines))) if html else [
        line.text.lstrip().startswith(">") for line in lines]
    if not any(quoted):
        return removed
    quotes = [i for i, (line, quote) in enumerate(zip(lines, quoted)) if quote and keep[i]
              and line.features.tokens >= QUOTE_REPEAT_TOKENS]
    earlier: list[str] = []
    at = 0
    for i in quotes:
        for j in range(at, i):
            if keep[j] and (key := lines[j].match_key):
                earlier.append(key)
        key = lines[i].match_key
        if key and any(key in other for other in earlier):
            keep[i] = False
            removed.append(i)
        elif key:
            earlier.append(key)
        at = i + 1
    return removed


def _drop_kept_image_addresses(lines: list[Line], keep: list[bool]) -> list[int]:
    """Removes each kept line that is an image file's address alone (:data:`IMAGE_ADDRESS`).
    Returns the indices of the lines removed."""
    removed: list[int] = []
    for i, line in enumerate(lines):
        # (the two substring tests spare the pattern nearly every line)
        if keep[i] and "//" in (text := line.features.stripped) and " " not in text \
                and IMAGE_ADDRESS.fullmatch(text):
            keep[i] = False
            removed.append(i)
    return removed


def _drop_kept_feeds(lines: list[Line], structures: dict[str, list[int]], keep: list[bool]
                     ) -> list[int]:
    """Removes the kept lines of a teaser feed after an HTML article: lines the DOM scorer
    left out of the main content and the ``main_region`` detector put outside the article's
    region, in a repeated structure (one tag-and-class path) of :data:`FEED_LINES` lines or
    more of which none comes before the last kept main-content line, hanging far from the
    title (``title_affinity`` below :data:`FEED_TITLE_AFFINITY`), when the kept main content
    holds :data:`FEED_MAIN_TOKENS` tokens or more. The model keeps a feed's summaries (prose
    in a repeated block) at 0.5-0.9 after a short article. Only for pages judged at the base
    threshold or above (the caller): a listing's or a forum's lowered threshold says the
    repeated blocks may be the content. (``structures``: :func:`_structures` of the page.)
    Returns the indices of the lines removed."""
    last = -1
    main_tokens = 0
    for i, line in enumerate(lines):
        if keep[i] and line.hints.get("main_content"):
            last = i
            main_tokens += line.features.tokens
    if last < 0 or main_tokens < FEED_MAIN_TOKENS:
        return []
    removed = []
    for i in range(last + 1, len(lines)):
        line = lines[i]
        hints = line.hints
        if not keep[i] or hints.get("main_content"):
            continue
        signature = hints.get("signature", "")
        members = structures[signature]
        affinity = hints.get("title_affinity")
        if (signature and len(members) >= FEED_LINES and members[0] > last
                and (affinity is None or affinity < FEED_TITLE_AFFINITY)
                and any(d.detector == "main_region" for d in line.decisions)):
            keep[i] = False
            removed.append(i)
    return removed


def _drop_kept_captions(lines: list[Line], structures: dict[str, list[int]], keep: list[bool],
                        title: int | None = None) -> list[int]:
    """Removes each kept line of an HTML page that is an image's caption: inside a
    ``<figcaption>`` (the line's own tag, or a step of its tag-and-class path), or inside a
    caption-named container (the renderer's settled furniture kind ``caption``: a
    ``wp-caption-text``, a ``div.caption``) whose tag-and-class path the page repeats at most
    :data:`CAPTION_REPEATS` times. The model keeps such lines at 0.5-0.9 (they are prose in
    the main content); the ground truths hold 4-6% of their tokens (news and wcxb articles).
    Only for pages judged at the base threshold or above (the caller): on a listing or a
    collection the lowered threshold says a card's caption may be the item. The title
    (``title``) stays. (``structures``: :func:`_structures` of the page.) Returns the
    indices of the lines removed."""
    removed: list[int] = []
    for i, line in enumerate(lines):
        if not keep[i] or i == title:
            continue
        hints = line.hints
        signature = hints.get("signature", "")
        if hints.get("tag") == "figcaption" or ("figcaption" in signature and any(
                step.split(".", 1)[0] == "figcaption" for step in signature.split("/"))):
            keep[i] = False
            removed.append(i)
        elif hints.get("boilerplate") == "caption":
            if len(structures[signature]) <= CAPTION_REPEATS:
                keep[i] = False
                removed.append(i)
    return removed


def _hard_decision(line: Line) -> Decision | None:
    """The line's first decision by a hard-rule detector (:data:`HARD_DETECTORS`), if any."""
    for decision in line.decisions:
        if decision.detector in HARD_DETECTORS:
            return decision
    return None


def _strongest_removal(line: Line) -> Decision | None:
    """The first meta decision, else the strongest junk decision (the first of the highest
    score, as ``Line.strongest``), that explains a removal: one pass over the decisions, as
    most removed lines carry some."""
    strongest = None
    for decision in line.decisions:
        category = decision.category
        if category is _META:
            return decision
        if category in JUNK_CATEGORIES and (strongest is None or
                                            decision.score > strongest.score):
            strongest = decision
    return strongest


__all__ = ["HARD_DETECTORS", "PAGE_SUMMARY", "Arbiter", "Judgement", "ModelError",
           "PageThreshold", "Verdict", "load_model", "page_summary"]
