"""The data model shared by every stage.

A :class:`Capture` (raw text plus where it came from) is split into a
:class:`Page` of :class:`Line` objects. Detectors never delete anything: they
attach :class:`Decision` objects to lines. One final step
(:mod:`cleanse.deciding.assemble`) reads those decisions and builds the
:class:`CleanedDocument`, so every removal can be traced to a detector, a rule
and a human-readable reason.
"""

from __future__ import annotations

import enum
import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from cleanse import native
from cleanse.features import (
    LineFeatures,
    line_features,
    normalize_plain_for_matching,
    plain_text,
)
from cleanse.site_profile import SiteProfile

# The score from which other detectors treat a junk decision as settled.
JUNK_SCORE = 0.5


class Category(str, enum.Enum):
    """What a line is. The first three are kept; everything else is junk."""

    TITLE = "title"
    META = "meta"
    BODY = "body"
    NAV = "nav"
    TRENDING = "trending"
    AD = "ad"
    NEWSLETTER = "newsletter"
    SHARE = "share"
    CHROME = "chrome"
    COMMENT = "comment"
    DUPLICATE = "duplicate"
    BOILERPLATE = "boilerplate"

    @property
    def is_junk(self) -> bool:
        return self not in (Category.TITLE, Category.META, Category.BODY)


class Status(str, enum.Enum):
    OK = "ok"
    EMPTY = "empty"
    ERROR = "error"
    TIMEOUT = "timeout"  # over the configured time limit; nothing is kept
    SKIPPED = "skipped"  # batch runs only: done by an earlier run, not written again


@dataclass
class Capture:
    """One raw capture as handed to the library, already decoded to text.

    ``kind`` is ``"text"``, ``"markdown"`` or ``"html"``; ``encoding`` and
    ``decode_errors`` say how bytes were turned into text (``None`` / 0 when
    the caller passed ``str``). An HTML page arrives here already rendered
    to lines; ``line_hints`` then holds each line's DOM hints (see
    :mod:`cleanse.reading.html`).
    """

    text: str
    source: str | None = None
    kind: str = "text"
    encoding: str | None = None
    decode_errors: int = 0
    metadata: dict[str, Any] = field(default_factory=dict)
    line_hints: list[dict[str, Any]] = field(default_factory=list)


class Decision(NamedTuple):
    """One detector's verdict on one line (a tuple: detectors make many of them).

    ``score`` is the detector's confidence in [0, 1]. Detectors reading
    earlier decisions count a junk decision from :data:`JUNK_SCORE` up; what
    is removed is decided by the arbiter (:mod:`cleanse.deciding.arbiter`).
    """

    detector: str
    rule: str
    category: Category
    score: float
    reason: str


# Category.is_junk as a set: asked for every decision of every line, many times a page.
JUNK_CATEGORIES = frozenset(category for category in Category if category.is_junk)


@dataclass(slots=True)
class Line:
    """A line of the capture, 1-based like an editor shows it.

    Slotted (no ``__dict__``): a page holds one per line, and detectors read these
    attributes many times a line. No attribute outside the fields can be set.
    """

    number: int
    text: str
    features: LineFeatures
    decisions: list[Decision] = field(default_factory=list)
    hints: dict[str, Any] = field(default_factory=dict)
    # match_key's answer once asked (None before): a slot, as a slotted class has no
    # __dict__ for functools.cached_property. The native core reads and fills it too.
    _match_key: str | None = field(default=None, init=False, repr=False, compare=False)

    @property
    def blank(self) -> bool:
        return not self.features.stripped

    @property
    def in_unit(self) -> bool:
        """A line of a block decided whole (a code block, a pipe table: the ``block`` hint)."""
        return "block" in self.hints

    @property
    def code(self) -> bool:
        """A line of a code block (a fenced block, an HTML ``<pre>``): text, whatever its shape."""
        return self.in_unit and self.hints.get("tag") == "pre"

    @property
    def match_key(self) -> str:
        """The line normalised for comparing with other lines (see ``normalize_for_matching``),
        made once per line."""
        key = self._match_key
        if key is None:
            key = self._match_key = normalize_plain_for_matching(self.plain_of_text)
        return key

    @property
    def plain_of_text(self) -> str:
        """``plain_text(self.text)``: the features' ``plain`` when the text needs no stripping
        (most lines; ``plain`` is ``plain_text`` of the stripped text)."""
        features = self.features
        return features.plain if self.text == features.stripped else plain_text(self.text)

    def strongest(self, junk: bool) -> Decision | None:
        """The highest-scoring junk (or keep) decision on this line."""
        best = None
        for decision in self.decisions:
            if (decision.category in JUNK_CATEGORIES) == junk and (
                    best is None or decision.score > best.score):
                best = decision
        return best


if native.core is not None:
    # The core reads the lines' slots in place, not through getattr (docs/native.md "Speed").
    native.core.register_slots(Line)


# A decision to add to a line: (line, rule, category, score, reason); see Page.label_many.
Label = tuple[Line, str, Category, float, str]

# round(score, 3) of the positive float scores labelled so far (Page.label_many): the same
# float always rounds to the same float, and a process sees few distinct scores.
_ROUNDED_SCORES: dict[float, float] = {}


@dataclass
class Page:
    """A capture split into lines: the working state every detector sees."""

    capture: Capture
    lines: list[Line]
    metadata: dict[str, Any] = field(default_factory=dict)
    title: str | None = None
    # How often lines recur across the pages of the capture's site (batch runs; None alone).
    site: SiteProfile | None = field(default=None, repr=False)
    _content: list[Line] | None = field(default=None, init=False, repr=False)
    # title_line()'s answer, asked several times a page; reset when a TITLE decision is added.
    _title_line: Line | None = field(default=None, init=False, repr=False)
    _title_line_known: bool = field(default=False, init=False, repr=False)

    @classmethod
    def from_capture(cls, capture: Capture) -> Page:
        hints = capture.line_hints
        texts = capture.text.split("\n")
        if native.enabled and type(hints) is list:
            # The same lines, made by the core (the dataclass's __init__ is Python, per line).
            lines = native.core.page_lines(Line, texts, hints)
        else:
            hinted = len(hints)
            lines = [Line(i, text, line_features(text), [], hints[i - 1] if i <= hinted else {})
                     for i, text in enumerate(texts, start=1)]
        title = capture.metadata.get("title") if capture.kind == "html" else None
        return cls(capture=capture, lines=lines, metadata=dict(capture.metadata), title=title)

    def title_line(self) -> Line | None:
        """The line the title detector chose (kept apart from the body), if any.

        Cached: decisions are only added through :meth:`label`, which forgets the answer
        when the decision is a TITLE one, so the cached line is always the first with one.
        """
        if not self._title_line_known:
            # (Most lines carry no decision: nothing to look at.)
            self._title_line = next((line for line in self.lines if line.decisions and any(
                d.category is Category.TITLE for d in line.decisions)), None)
            self._title_line_known = True
        return self._title_line

    def content_lines(self) -> list[Line]:
        """Non-blank lines, in order (a fresh list each call; the lines are shared)."""
        if self._content is None:
            self._content = [line for line in self.lines if not line.blank]
        return list(self._content)

    def label(self, line: Line, detector: str, rule: str, category: Category,
              score: float, reason: str) -> None:
        """Adds ``detector``'s decision to ``line`` (see :meth:`label_many`)."""
        self.label_many(detector, ((line, rule, category, score, reason),))

    def label_many(self, detector: str, labels: Iterable[Label]) -> None:
        """Adds ``detector``'s decision to each line of ``(line, rule, category, score,
        reason)``, in order.

        A detector's pass labels hundreds of lines of a page at once (a region's outside,
        every repeat): one call, and each decision built without the named tuple's
        Python-level constructor, halves the cost of adding them.
        """
        make = tuple.__new__
        title = False
        rounded_scores = _ROUNDED_SCORES
        for line, rule, category, score, reason in labels:
            # round(score, 3) of a positive float, remembered: a page's scores are a few
            # dozen values, and round() formats and parses a decimal (~0.4 us a call).
            if type(score) is not float or (rounded := rounded_scores.get(score)) is None:
                rounded = round(score, 3)
                if type(score) is float and score > 0.0 and len(rounded_scores) < 4096:
                    rounded_scores[score] = rounded  # (not 0.0: -0.0 rounds to -0.0)
            line.decisions.append(make(Decision, (detector, rule, category, rounded, reason)))
            title = title or category is Category.TITLE
        if title:
            self._title_line_known = False  # the first title line may have changed

    def label_found(self, detector: str, content: list[Line], found: Iterable[Sequence[Any]], *,
                    rule: str | None = None, category: Category | None = None,
                    score: float | dict[str, float] | None = None) -> None:
        """:meth:`label_many` of what a detector's pass found on ``content``: each item of
        ``found`` is the index of a line of ``content``, then its rule unless ``rule`` is
        given, its category unless ``category`` is, its score unless ``score`` is (a number,
        or a dict giving each rule's), then the reason. The native core labels them itself
        (the same decisions, tests/test_native.py): no label tuple per decision in Python.
        """
        if native.enabled and type(content) is list:
            if native.core.label_found(detector, content, found, rule, category, score,
                                       Decision, Category.TITLE):
                self._title_line_known = False  # the first title line may have changed
            return
        self.label_many(detector, _found_labels(content, found, rule, category, score))

    def is_junk(self, line: Line) -> bool:
        """True when ``line`` carries a junk decision of at least :data:`JUNK_SCORE`."""
        if not line.decisions:
            return False  # most lines: no method call to learn it
        decision = line.strongest(junk=True)
        return decision is not None and decision.score >= JUNK_SCORE

    def has_category(self, line: Line, categories: Collection[Category]) -> bool:
        # A line holds a few decisions and callers name a few categories: no set to build.
        return any(d.category in categories for d in line.decisions)


def _found_labels(content: list[Line], found: Iterable[Sequence[Any]], rule: str | None,
                  category: Category | None, score: float | dict[str, float] | None
                  ) -> Iterator[Label]:
    """The labels of :meth:`Page.label_found` (its reference)."""
    for item in found:
        fields = iter(item)
        line = content[next(fields)]
        line_rule = next(fields) if rule is None else rule
        line_category = next(fields) if category is None else category
        line_score = next(fields) if score is None else \
            score[line_rule] if isinstance(score, dict) else score
        yield line, line_rule, line_category, line_score, next(fields)


FORMATS = ("text", "markdown")

# The record's ``metadata``: the same keys, each always of one type, in every record -- what
# a column store (Arrow, HF ``datasets``) needs to read a JSONL file as a table. Unknown
# values are null (str fields) or empty lists. docs/output.md says what each one holds.
METADATA_FIELDS: dict[str, type] = {
    "title": str, "published": str, "modified": str, "author": list, "editor": str,
    "source": str, "site_name": str, "url": str, "hostname": str, "description": str,
    "image": str, "tags": list, "categories": list, "html_lang": str, "main_content": str,
    "capture_fields": str,
    # Set by batch runs over WARC files (cleanse.reading.warc).
    "warc_file": str, "warc_date": str, "warc_record_id": str, "http_content_type": str,
}
# Every field of a batch record and its type ("string", "int64", "float64"; [type] is a list,
# a dict a struct): the schema docs/output.md documents, for readers that need it given.
RECORD_SCHEMA: dict[str, Any] = {
    "source": "string", "status": "string", "error": "string", "kind": "string",
    "encoding": "string", "decode_errors": "int64", "title": "string", "language": "string",
    "format": "string", "text": "string", "title_line": "int64", "rendering": "string",
    "segments": [{"language": "string", "text": "string", "first_line": "int64",
                  "last_line": "int64"}],
    "metadata": {name: ["string"] if kind is list else "string"
                 for name, kind in METADATA_FIELDS.items()},
    "removed": [{"first_line": "int64", "last_line": "int64", "detector": "string",
                 "rule": "string", "category": "string", "reason": "string",
                 "text_preview": "string", "chars": "int64", "junk_probability": "float64",
                 "evidence": ["string"]}],
    "warnings": ["string"], "keep_threshold": "float64", "arbiter_model": "string",
    # Batch runs (cleanse.running.batch) add these.
    "input_sha256": "string", "input_bytes": "int64", "options_fingerprint": "string",
}


def record_features() -> Any:
    """:data:`RECORD_SCHEMA` as HF ``datasets.Features`` (``datasets`` must be installed).

    ``load_dataset("json", ...)`` infers each column's type from the file's first block
    (10 MB); a field that is null all through it (``error`` in a run whose failures come
    later) then cannot take the strings that follow. Given these features it can::

        load_dataset("json", data_files="out.jsonl", features=record_features())
    """
    import datasets

    def feature(kind: Any) -> Any:
        if isinstance(kind, list):
            return [feature(kind[0])]
        if isinstance(kind, dict):
            return {name: feature(inner) for name, inner in kind.items()}
        return datasets.Value(kind)

    return datasets.Features({name: feature(kind) for name, kind in RECORD_SCHEMA.items()})


# A removed span's text is kept in the record up to this many characters (``text_preview``).
PREVIEW_CHARS = 200


def metadata_record(values: dict[str, Any]) -> dict[str, Any]:
    """``values`` in the fixed shape of :data:`METADATA_FIELDS`.

    Missing fields become null or ``[]``; a value of another type is converted (a
    number to text, a single name to a list). Keys outside the schema (a JSON capture's
    own fields) join ``capture_fields``, the JSON object text that holds what varies from
    capture to capture.
    """
    record: dict[str, Any] = {name: [] if kind is list else None
                              for name, kind in METADATA_FIELDS.items()}
    extra: dict[str, Any] = {}
    for key, value in values.items():
        kind = METADATA_FIELDS.get(key)
        if kind is None:
            extra[key] = value
        elif value is None or value == "":
            continue
        elif kind is list:
            items = value if isinstance(value, (list, tuple)) else [value]
            record[key] = [str(item) for item in items if item is not None and item != ""]
        else:
            record[key] = value if isinstance(value, str) else str(value)
    if extra:
        fields = json.loads(record["capture_fields"]) if record["capture_fields"] else {}
        record["capture_fields"] = json.dumps({**fields, **extra}, ensure_ascii=False,
                                              allow_nan=False, default=str)
    return record


@dataclass
class Segment:
    """A run of kept lines in one language, as plain text and as markdown."""

    language: str
    text: str
    first_line: int
    last_line: int
    markdown: str = ""

    def to_dict(self, format: str = "text") -> dict[str, Any]:
        return {"language": self.language,
                "text": self.markdown if format == "markdown" else self.text,
                "first_line": self.first_line, "last_line": self.last_line}


@dataclass
class RemovedSpan:
    """Consecutive removed lines that share a detector and rule."""

    first_line: int
    last_line: int
    detector: str
    rule: str
    category: str
    reason: str
    text: str
    # The arbiter's mean probability that these lines are junk (None: a hard rule removed them).
    junk_probability: float | None = None
    # For spans the arbiter removed on its own, when asked to explain: the features that
    # weighed most towards removal (``Pipeline.clean(..., explain=True)``).
    evidence: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """The span as a record: ``text_preview`` is its first ``PREVIEW_CHARS`` characters
        (lines joined by newlines), ``chars`` its full length."""
        return {"first_line": self.first_line, "last_line": self.last_line,
                "detector": self.detector, "rule": self.rule,
                "category": self.category, "reason": self.reason,
                "text_preview": self.text[:PREVIEW_CHARS], "chars": len(self.text),
                "junk_probability": self.junk_probability, "evidence": list(self.evidence)}


@dataclass
class CleanedDocument:
    """The result of cleaning one capture."""

    source: str | None
    status: Status
    error: str | None = None
    kind: str | None = None
    encoding: str | None = None
    decode_errors: int = 0
    title: str | None = None
    language: str | None = None
    text: str = ""
    markdown: str = ""
    segments: list[Segment] = field(default_factory=list)
    metadata: dict[str, Any] = field(default_factory=dict)
    removed: list[RemovedSpan] = field(default_factory=list)
    # What the caller should know about this result (content kept by a fallback, input cut off).
    warnings: list[str] = field(default_factory=list)
    # The number of the line the title came from, if a line of the capture holds it.
    title_line: int | None = None
    # The lines the record's line numbers refer to: an HTML capture's rendering (a text
    # capture's own lines are its input); in the record only when asked for.
    rendering: str | None = None
    # The arbiter's keep threshold for this page: lines at or above it were kept. The mode's
    # threshold, or the page's own in balanced mode (docs/arbiter.md); None when not judged.
    keep_threshold: float | None = None
    # Which of the arbiter's models judged the page: "main", or "linked" for a capture that
    # marks its links (a reader service's markdown); None when not judged.
    arbiter_model: str | None = None

    def to_dict(self, format: str = "text", keep_rendering: bool = False) -> dict[str, Any]:
        """The JSON record documented in docs/output.md; ``format`` picks what ``text`` holds,
        ``keep_rendering`` puts an HTML capture's rendered lines in ``rendering``."""
        if format not in FORMATS:
            raise ValueError(f"unknown format {format!r}; choose one of {', '.join(FORMATS)}")
        return {
            "source": self.source,
            "status": self.status.value,
            "error": self.error,
            "kind": self.kind,
            "encoding": self.encoding,
            "decode_errors": self.decode_errors,
            "title": self.title,
            "language": self.language,
            "format": format,
            "text": self.markdown if format == "markdown" else self.text,
            "title_line": self.title_line,
            "rendering": self.rendering if keep_rendering else None,
            "segments": [s.to_dict(format) for s in self.segments],
            "metadata": metadata_record(self.metadata),
            "removed": [r.to_dict() for r in self.removed],
            "warnings": list(self.warnings),
            "keep_threshold": self.keep_threshold,
            "arbiter_model": self.arbiter_model,
        }

    def explain(self) -> str:
        """Every removed span with its detector, rule and reason, one per line."""
        if not self.removed:
            return "nothing removed"
        rows = []
        for span in self.removed:
            where = (f"{span.first_line}" if span.first_line == span.last_line
                     else f"{span.first_line}-{span.last_line}")
            preview = span.text.replace("\n", " ⏎ ")
            if len(preview) > 60:
                preview = preview[:57] + "..."
            probability = ("hard rule" if span.junk_probability is None
                           else f"p(junk) {span.junk_probability:.2f}")
            evidence = f" (evidence: {', '.join(span.evidence)})" if span.evidence else ""
            rows.append(f"{where:>9}  {span.category:<11} {span.detector}/{span.rule} "
                        f"[{probability}]: {span.reason}{evidence}  | {preview}")
        return "\n".join(rows)
