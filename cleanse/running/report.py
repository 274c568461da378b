"""A visual explain report: one self-contained HTML page that shows what was removed, and why.

Per capture, its lines as the record numbers them (an HTML page's rendered lines) with
every removed span coloured and labelled by category; hovering, focusing or clicking a
span shows its detector, rule, reason and the arbiter's probability. A run summary
(statuses, languages, removed characters by category and by detector) heads the page.

The page loads nothing (a Content-Security-Policy forbids every fetch and allows only
its own script, by hash), escapes every character that comes from a capture, and is
bounded (:class:`Limits`): a huge folder gives a page that says what it left out.

Library use: :func:`explain_capture` (or :func:`explain_jobs` for batch inputs) gives
:class:`ExplainedCapture` values; :func:`build_report` turns them into the page.
"""

from __future__ import annotations

import base64
import hashlib
import html
import re
from collections import Counter
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanse import __version__
from cleanse.model import Capture, Category, CleanedDocument, Status
from cleanse.pipeline import Pipeline
from cleanse.reading.capture import CaptureError, to_capture
from cleanse.running.batch import DEFAULT_MAX_BYTES, Job, UnreadableInput, read_job


@dataclass(frozen=True)
class Limits:
    """What one page may hold, so that a huge run still gives a page a browser can open."""

    max_captures: int = 100  # captures shown; the rest are counted in the page
    max_lines: int = 2000  # lines shown per capture
    max_line_chars: int = 2000  # characters shown per line
    max_chars: int = 2_000_000  # line characters in the whole page; later captures: summary only


@dataclass
class ExplainedCapture:
    """A capture's record (``CleanedDocument.to_dict()``) and the lines it numbers.

    ``lines`` are the capture's lines as the record's line numbers count them (for HTML,
    the rendered lines); empty when the capture could not be read. ``title_line`` is the
    kept line that assembly set apart as the title, if one was.
    """

    record: dict[str, Any]
    lines: list[str]
    title_line: int | None = None


def explain_capture(pipeline: Pipeline, value: str | bytes | Path | Capture, *,
                    source: str | None = None, kind: str | None = None,
                    charset: str | None = None) -> ExplainedCapture:
    """Clean ``value`` (with the arbiter's evidence for the spans it removed on its own)
    and keep the lines the record's line numbers refer to."""
    try:
        capture = to_capture(value, source=source, kind=kind, charset=charset)
    except CaptureError as exc:
        return _failed(source or _path_name(value), str(exc))
    doc = pipeline.clean(capture, explain=True)
    lines = capture.text.split("\n")
    return ExplainedCapture(doc.to_dict(), lines, doc.title_line)


def explain_jobs(jobs: Iterable[Job], pipeline: Pipeline, max_bytes: int = DEFAULT_MAX_BYTES,
                 kind: str | None = None) -> Iterator[ExplainedCapture]:
    """:func:`explain_capture` for batch jobs (files, stdin, WARC records), in order.

    Reading follows ``cleanse clean``: a capture over ``max_bytes``, unreadable or failing
    inside the pipeline gives an ``error`` record, never an exception.
    """
    for job in jobs:
        try:
            data = read_job(job, max_bytes)
        except UnreadableInput as exc:
            yield _failed(job.source, str(exc))
            continue
        try:
            explained = explain_capture(pipeline, data, source=job.source, kind=kind,
                                        charset=job.charset)
        except Exception as exc:  # a bug must not lose the rest of the report
            explained = _failed(job.source, f"internal error: {type(exc).__name__}: {exc}")
        if job.metadata:
            explained.record["metadata"] = {**explained.record["metadata"], **job.metadata}
        yield explained


def _failed(source: str | None, error: str) -> ExplainedCapture:
    return ExplainedCapture(CleanedDocument(source, Status.ERROR, error=error).to_dict(), [])


def _path_name(value: object) -> str | None:
    return str(value) if isinstance(value, Path) else None


# Removed spans' categories, in the legend's order (``meta``: front matter is removed).
CATEGORIES = [c.value for c in Category if c.is_junk] + [Category.META.value]
OTHER = "other"  # a category this version does not know (a record from another version)
# (light background, light accent, dark background, dark accent, border style). The
# accent is the span's border and the category's bar; the border style and the text
# label on every span are the cues that do not rely on colour.
COLOURS = {
    "nav": ("#dbeafe", "#1d4ed8", "#1e3354", "#7fb0f5", "solid"),
    "trending": ("#fce7f3", "#be185d", "#4d1d36", "#f08cc0", "dashed"),
    "ad": ("#fee2e2", "#b91c1c", "#4f1c1c", "#f59393", "double"),
    "newsletter": ("#ede9fe", "#6d28d9", "#33275a", "#b9a0f7", "dotted"),
    "share": ("#dcfce7", "#15803d", "#173d26", "#74d69a", "solid"),
    "chrome": ("#e5e7eb", "#4b5563", "#2f343c", "#aeb6c2", "dashed"),
    "comment": ("#ffedd5", "#c2410c", "#4a2a12", "#f5a66b", "double"),
    "duplicate": ("#cffafe", "#0e7490", "#123f47", "#67d3e6", "dotted"),
    "boilerplate": ("#f3e8d8", "#8a4b12", "#3f2f1d", "#d9a66c", "solid"),
    "meta": ("#fef9c3", "#a16207", "#403a12", "#e3c35a", "dashed"),
    OTHER: ("#f1f1f1", "#555555", "#333333", "#bbbbbb", "dotted"),
}
# Characters a capture may hold that must not reach the page as they are: C0/C1 controls
# (the HTML parser rejects or mangles them) and lone surrogates (not encodable in UTF-8).
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff]")


def _esc(text: object) -> str:
    """``text`` safe inside HTML text and quoted attributes: markup escaped, controls and
    lone surrogates shown as U+FFFD."""
    return html.escape(UNSAFE.sub("\ufffd", str(text)), quote=True)


def _css_class(category: str) -> str:
    return f"c-{category if category in COLOURS else OTHER}"


def _num(value: int) -> str:
    return f"{value:,}"


@dataclass
class _Counts:
    """Characters kept and removed (by category and by detector) over some captures."""

    kept: int = 0
    by_category: Counter[str] = field(default_factory=Counter)
    by_detector: Counter[str] = field(default_factory=Counter)

    def add(self, explained: ExplainedCapture) -> None:
        removed = set()
        for span in explained.record["removed"]:
            self.by_category[span["category"]] += span["chars"]
            self.by_detector[span["detector"]] += span["chars"]
            removed.update(range(span["first_line"], span["last_line"] + 1))
        self.kept += sum(len(text.strip()) for number, text in enumerate(explained.lines, 1)
                         if number not in removed)

    def merge(self, other: _Counts) -> None:
        self.kept += other.kept
        self.by_category.update(other.by_category)
        self.by_detector.update(other.by_detector)


def build_report(captures: Iterable[ExplainedCapture], *, limits: Limits = Limits(),
                 not_included: int = 0, heading: str = "cleanse report",
                 settings: str = "") -> str:
    """The report page for ``captures`` (in the order given), as one HTML string.

    The run summary counts every capture given; the first ``limits.max_captures`` are shown
    line by line (within the page's character budget), the others are counted in the page.
    ``not_included`` counts inputs the caller left out before cleaning (the page says so);
    ``settings`` (e.g. the mode) is shown under the heading.
    """
    captures = list(captures)
    shown = captures[:limits.max_captures]
    per_capture = []
    total = _Counts()
    for explained in captures:
        counts = _Counts()
        counts.add(explained)
        total.merge(counts)
        per_capture.append(counts)
    budget = limits.max_chars
    sections = []
    for index, explained in enumerate(shown):
        section, used = _capture_section(index, len(shown), explained, per_capture[index],
                                         limits, budget)
        budget -= used
        sections.append(section)
    left_out = len(captures) - len(shown) + not_included
    body = [
        '<a class="skip" href="#captures">Skip to the captures</a>',
        f'<header class="top"><h1>{_esc(heading)}</h1><p class="muted">cleanse {_esc(__version__)}'
        f'{" · " + _esc(settings) if settings else ""} · {_num(len(captures))} '
        f'{"capture" if len(captures) == 1 else "captures"}</p></header>',
        _controls(shown),
        '<main id="main">',
        _run_summary(captures, per_capture, total, len(shown), left_out, limits),
        '<div id="captures" tabindex="-1">', *sections, "</div>",
        "</main>",
    ]
    return _page(heading, "\n".join(body))


def _controls(shown: list[ExplainedCapture]) -> str:
    """Category filters, search and a capture picker (hidden until the script runs, as
    they need it)."""
    boxes = "".join(
        f'<label class="chip {_css_class(c)}"><input type="checkbox" checked data-filter="{c}">'
        f' {c}</label>' for c in [*CATEGORIES, OTHER])
    options = "".join(f'<option value="c{i + 1}">{i + 1}. {_esc(_short(e.record["source"]))}'
                      "</option>" for i, e in enumerate(shown))
    return (
        '<nav class="controls" aria-label="Filter, search and jump" hidden data-js>'
        '<fieldset><legend>Show removed spans of</legend>' + boxes +
        '<label class="chip"><input type="checkbox" checked data-filter="kept"> kept lines'
        '</label></fieldset>'
        '<div class="row"><label for="q">Search lines</label>'
        '<input id="q" type="search" autocomplete="off" placeholder="text in any line">'
        '<button type="button" id="prev" aria-label="previous match">&#8593;</button>'
        '<button type="button" id="next" aria-label="next match">&#8595;</button>'
        '<span id="found" class="muted" role="status" aria-live="polite"></span></div>'
        '<div class="row"><label for="jump">Go to capture</label>'
        f'<select id="jump"><option value="">choose…</option>{options}</select></div>'
        "</nav>")


def _short(source: object, width: int = 80) -> str:
    text = str(source)
    return text if len(text) <= width else "…" + text[-(width - 1):]


def _bar_rows(counter: Counter[str], css: bool, total: int) -> str:
    """Table rows of a counter, largest first, each with a bar (the page's chart)."""
    rows = []
    for name, chars in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])):
        share = 100 * chars / total if total else 0.0
        cls = f" {_css_class(name)}" if css else ""
        rows.append(f'<tr><th scope="row">{_esc(name)}</th><td class="num">{_num(chars)}</td>'
                    f'<td class="num">{share:.1f}%</td><td class="barcell" aria-hidden="true">'
                    f'<span class="hbar{cls}" style="width:{share:.1f}%"></span></td></tr>')
    return "".join(rows)


def _run_summary(captures: list[ExplainedCapture], per_capture: list[_Counts], total: _Counts,
                 shown: int, left_out: int, limits: Limits) -> str:
    statuses = Counter(e.record["status"] for e in captures)
    languages = Counter(e.record["language"] or "none" for e in captures
                        if e.record["status"] == Status.OK.value)
    kinds = Counter(e.record["kind"] or "unknown" for e in captures)
    removed = sum(total.by_category.values())
    everything = removed + total.kept

    def listing(counter: Counter[str]) -> str:
        return ", ".join(f"{_esc(k)} {_num(v)}" for k, v in sorted(counter.items(),
                                                                    key=lambda kv: (-kv[1], kv[0])))

    left = ""
    if left_out:
        left = (f'<p class="note" role="note">This page shows {_num(shown)} of '
                f"{_num(shown + left_out)} captures: {_num(left_out)} more were left out "
                f"(at most {_num(limits.max_captures)} per report; raise --max-captures or "
                "report a smaller folder).</p>")
    rows = []
    for index, (explained, counts) in enumerate(zip(captures[:shown], per_capture)):
        record = explained.record
        gone = sum(counts.by_category.values())
        share = 100 * gone / (gone + counts.kept) if gone + counts.kept else 0.0
        rows.append(f'<tr><td class="num">{index + 1}</td><td><a href="#c{index + 1}">'
                    f'{_esc(_short(record["source"], 60))}</a></td><td>{_esc(record["status"])}'
                    f'</td><td>{_esc(record["language"] or "")}</td>'
                    f'<td class="num">{_num(counts.kept)}</td><td class="num">{_num(gone)}</td>'
                    f'<td class="num">{share:.0f}%</td></tr>')
    return (
        '<section id="summary" aria-labelledby="summary-h"><h2 id="summary-h">Run summary</h2>'
        + left +
        '<dl class="facts">'
        f"<dt>captures</dt><dd>{_num(len(captures))}</dd>"
        f"<dt>statuses</dt><dd>{listing(statuses)}</dd>"
        f"<dt>kinds</dt><dd>{listing(kinds)}</dd>"
        f"<dt>languages (ok captures)</dt><dd>{listing(languages) or 'none'}</dd>"
        f"<dt>characters</dt><dd>{_num(total.kept)} kept, {_num(removed)} removed"
        f" ({100 * removed / everything if everything else 0:.1f}%)</dd></dl>"
        + _chart(total) +
        '<div class="tables">'
        '<table><caption>Removed characters by category</caption><thead><tr><th scope="col">'
        'category</th><th scope="col">chars</th><th scope="col">share</th><th scope="col">'
        '<span class="sr">bar</span></th></tr></thead><tbody>'
        + _bar_rows(total.by_category, True, removed) + "</tbody></table>"
        '<table><caption>Removed characters by detector</caption><thead><tr><th scope="col">'
        'detector</th><th scope="col">chars</th><th scope="col">share</th><th scope="col">'
        '<span class="sr">bar</span></th></tr></thead><tbody>'
        + _bar_rows(total.by_detector, False, removed) + "</tbody></table></div>"
        '<div class="scroll" role="region" aria-label="Captures table" tabindex="0">'
        '<table class="wide"><caption>Captures</caption><thead><tr><th scope="col">#</th>'
        '<th scope="col">source</th><th scope="col">status</th><th scope="col">language</th>'
        '<th scope="col">kept chars</th><th scope="col">removed chars</th>'
        '<th scope="col">removed</th></tr></thead><tbody>' + "".join(rows) +
        "</tbody></table></div></section>")


def _chart(total: _Counts) -> str:
    """An inline SVG chart: kept and removed characters by category, one bar each."""
    bars = [("kept", total.kept), *sorted(total.by_category.items(), key=lambda kv: -kv[1])]
    most = max((chars for _, chars in bars), default=0) or 1
    height = 22
    parts = []
    for row, (name, chars) in enumerate(bars):
        y = row * height
        width = 360 * chars / most
        cls = "kept" if name == "kept" else _css_class(name)
        parts.append(f'<text x="0" y="{y + 15}">{_esc(name)}</text>'
                     f'<rect class="{cls}" x="110" y="{y + 4}" width="{width:.1f}" height="14"/>'
                     f'<text x="{116 + width:.1f}" y="{y + 15}">{_num(chars)}</text>')
    description = "; ".join(f"{name} {chars}" for name, chars in bars)
    return (f'<figure class="chart"><svg viewBox="0 0 560 {len(bars) * height + 4}" role="img" '
            f'aria-labelledby="chart-t"><title id="chart-t">Characters kept and removed by '
            f'category: {_esc(description)}</title>{"".join(parts)}</svg>'
            "<figcaption>Characters kept and removed, by category</figcaption></figure>")


def _capture_section(index: int, count: int, explained: ExplainedCapture, counts: _Counts,
                     limits: Limits, budget: int) -> tuple[str, int]:
    """One capture's header, summary bar and lines; (HTML, line characters used)."""
    record, number = explained.record, index + 1
    facts = [("status", record["status"] + (f": {record['error']}" if record["error"] else "")),
             ("kind", record["kind"]), ("encoding", record["encoding"]),
             ("language", record["language"]), ("title", record["title"]),
             ("segments", ", ".join(f"{s['first_line']}–{s['last_line']} {s['language']}"
                                    for s in record["segments"])),
             ("url", record["metadata"].get("url")),
             ("kept at", None if record["keep_threshold"] is None
              else f"p(article) ≥ {record['keep_threshold']:g}")]
    facts += [("warning", warning) for warning in record["warnings"]]
    header = "".join(f"<dt>{name}</dt><dd>{_esc(value)}</dd>" for name, value in facts if value)
    links = [f'<a href="#c{n}">{label}</a>' for n, label in
             ((number - 1, "previous capture"), (number + 1, "next capture")) if 1 <= n <= count]
    links.append('<a href="#summary">summary</a>')
    lines_html, used = _lines(number, explained, limits, budget)
    return (f'<article class="capture" id="c{number}" aria-labelledby="c{number}-h">'
            f'<h2 id="c{number}-h" tabindex="-1"><span class="muted">{number}.</span> '
            f'{_esc(record["source"])}</h2><nav class="pager" aria-label="capture {number}">'
            + " · ".join(links) + f'</nav><dl class="facts">{header}</dl>'
            + _capture_bar(counts) + lines_html + "</article>", used)


def _capture_bar(counts: _Counts) -> str:
    """Kept and removed characters by category as one stacked bar, with a text legend."""
    parts = [("kept", counts.kept), *sorted(counts.by_category.items(), key=lambda kv: -kv[1])]
    total = sum(chars for _, chars in parts)
    if not total:
        return ""
    segments = "".join(
        f'<span class="seg {"kept" if name == "kept" else _css_class(name)}" '
        f'style="width:{100 * chars / total:.2f}%" title="{_esc(name)}: {_num(chars)}"></span>'
        for name, chars in parts if chars)
    legend = " · ".join(f"{_esc(name)} {_num(chars)}" for name, chars in parts if chars)
    return (f'<div class="stack" aria-hidden="true">{segments}</div>'
            f'<p class="legend">characters: {legend}</p>')


def _why(span: dict[str, Any]) -> str:
    """The text a span shows on hover, focus or click."""
    where = (f"line {span['first_line']}" if span["first_line"] == span["last_line"]
             else f"lines {span['first_line']}–{span['last_line']}")
    probability = ("hard rule (no probability)" if span["junk_probability"] is None
                   else f"p(junk) {span['junk_probability']:.2f}")
    evidence = (f"<br>evidence: {_esc(', '.join(span['evidence']))}"
                if span.get("evidence") else "")
    return (f"<b>{_esc(span['category'])}</b> · {where} · {_esc(span['detector'])}/"
            f"{_esc(span['rule'])} · {probability}<br>{_esc(span['reason'])}{evidence}")


def _lines(number: int, explained: ExplainedCapture, limits: Limits,
           budget: int) -> tuple[str, int]:
    """The capture's lines, removed spans wrapped and labelled; (HTML, characters used)."""
    lines = explained.lines
    if not lines:
        return "", 0
    if budget <= 0:
        return ('<p class="note" role="note">Lines not shown: this page already holds '
                f"{_num(limits.max_chars)} characters of lines (the page's limit).</p>", 0)
    spans = sorted(explained.record["removed"], key=lambda s: s["first_line"])
    starts = {}
    for order, span in enumerate(spans):
        starts.setdefault(span["first_line"], (order, span))
    shown = min(len(lines), limits.max_lines)
    out = ['<div class="lines">']
    used, open_until = 0, 0
    for n in range(1, shown + 1):
        if open_until and n > open_until:
            out.append("</div>")
            open_until = 0
        if n in starts and not open_until:
            order, span = starts[n]
            category, why_id = span["category"], f"c{number}-s{order + 1}"
            open_until = span["last_line"]
            out.append(
                f'<div class="rm {_css_class(category)}" tabindex="0" role="group" '
                f'data-cat="{_esc(category)}" data-first="{span["first_line"]}" '
                f'data-last="{span["last_line"]}" data-detector="{_esc(span["detector"])}" '
                f'aria-label="removed {_esc(category)}" aria-describedby="{why_id}">'
                f'<span class="tag" aria-hidden="true">{_esc(category)}</span>'
                f'<div class="why" id="{why_id}" role="tooltip">{_why(span)}</div>')
        text = lines[n - 1]
        cut = text[:limits.max_line_chars]
        used += len(cut)
        more = (f'<span class="more"> … {_num(len(text) - len(cut))} more characters</span>'
                if len(text) > len(cut) else "")
        title = n == explained.title_line
        out.append(f'<div class="l{" title" if title else ""}" data-n="{n}">'
                   f'<span class="n" aria-hidden="true">{n}</span><span class="t">{_esc(cut)}'
                   f'</span>{more}'
                   + ('<span class="tag" aria-label="title line">title</span>' if title else "")
                   + "</div>")
        if used > budget:
            shown = n
            break
    if open_until:
        out.append("</div>")
    out.append("</div>")
    if shown < len(lines):
        beyond = sum(1 for s in spans if s["last_line"] > shown)
        out.append(f'<p class="note" role="note">Lines {_num(shown + 1)}–{_num(len(lines))} not '
                   f"shown (a capture shows at most {_num(limits.max_lines)} lines within the "
                   f"page's limit of {_num(limits.max_chars)} characters); {_num(beyond)} "
                   "removed spans reach past this point.</p>")
    return "".join(out), used


def _page(title: str, body: str) -> str:
    digest = base64.b64encode(hashlib.sha256(SCRIPT.encode("utf-8")).digest()).decode("ascii")
    # Nothing may be fetched; only this page's own script runs (by hash), so markup that
    # slipped through escaping still could not execute.
    policy = (f"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{digest}'; "
              "img-src data:; base-uri 'none'; form-action 'none'")
    return ('<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
            f'<meta http-equiv="Content-Security-Policy" content="{policy}">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            f"<title>{_esc(title)}</title><style>{_stylesheet()}</style></head>\n<body>\n"
            f"{body}\n<script>{SCRIPT}</script>\n</body></html>\n")


def _stylesheet() -> str:
    light = "".join(f".{_css_class(c)}{{--cb:{bg};--ca:{accent};--cs:{style}}}"
                    for c, (bg, accent, _, _, style) in COLOURS.items())
    dark = "".join(f".{_css_class(c)}{{--cb:{bg};--ca:{accent}}}"
                   for c, (_, _, bg, accent, _) in COLOURS.items())
    hide = "".join(f".hide-{c} .rm.{_css_class(c)}{{display:none}}" for c in COLOURS)
    return CSS + light + f"@media (prefers-color-scheme: dark){{{dark}}}" + hide


CSS = """
:root{color-scheme:light dark;--bg:#ffffff;--fg:#1b1b1b;--muted:#5a5a5a;--rule:#d9d9d9;
--panel:#f5f5f5;--focus:#0b57d0;--hit:#ffe58a;--kept:#8d96a3;--link:#0b57d0}
@media (prefers-color-scheme: dark){:root{--bg:#141414;--fg:#e6e6e6;--muted:#a8a8a8;
--rule:#3a3a3a;--panel:#1f1f1f;--focus:#8ab4f8;--hit:#6b5a12;--kept:#6b7380;--link:#8ab4f8}}
*{box-sizing:border-box}
body{margin:0;background:var(--bg);color:var(--fg);font:16px/1.45 system-ui,sans-serif}
a{color:var(--link)}
:focus-visible{outline:3px solid var(--focus);outline-offset:2px}
.skip{position:absolute;left:-9999px;top:0;padding:.5rem 1rem;background:var(--bg);z-index:10}
.skip:focus{left:.5rem}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}
.top,main{max-width:1200px;margin:0 auto;padding:0 1rem}
h1{margin:1rem 0 0;font-size:1.6rem}
h2{font-size:1.2rem;margin:2rem 0 .3rem;overflow-wrap:anywhere;scroll-margin-top:8rem}
.muted{color:var(--muted)}
.controls{background:var(--panel);border-bottom:1px solid var(--rule);padding:.4rem 1rem;
z-index:5}
@media (min-width:700px){.controls{position:sticky;top:0}}
.controls fieldset{border:0;margin:0;padding:0;display:flex;flex-wrap:wrap;gap:.3rem}
.controls legend{float:left;margin-right:.5rem;font-weight:600}
.controls .row{display:flex;flex-wrap:wrap;gap:.4rem;align-items:center;margin-top:.35rem}
.controls input[type=search]{min-width:12rem;flex:1 1 12rem;max-width:28rem;font:inherit}
.controls select{max-width:100%;font:inherit}
.controls button{font:inherit;min-width:2.2rem}
.chip{display:inline-flex;align-items:center;gap:.2rem;padding:.05rem .45rem;
border:1px solid var(--rule);border-left:5px var(--cs,solid) var(--ca,var(--rule));
background:var(--cb,transparent);border-radius:3px;font-size:.9rem}
.note{background:var(--panel);border-left:4px solid var(--focus);padding:.4rem .7rem}
.facts{display:grid;grid-template-columns:max-content 1fr;gap:.1rem 1rem;margin:.4rem 0}
.facts dt{color:var(--muted)}.facts dd{margin:0;overflow-wrap:anywhere}
.tables{display:flex;flex-wrap:wrap;gap:1rem 2rem}
table{border-collapse:collapse;margin:.8rem 0;font-size:.92rem}
caption{text-align:left;font-weight:600;padding-bottom:.2rem}
th,td{padding:.15rem .5rem;border-bottom:1px solid var(--rule);text-align:left}
.num{text-align:right;font-variant-numeric:tabular-nums}
.scroll{overflow-x:auto}.wide{width:100%}.wide td:nth-child(2){overflow-wrap:anywhere}
.barcell{width:10rem}
.hbar{display:block;height:.8rem;min-width:1px;background:var(--ca,var(--kept))}
.chart{margin:.5rem 0;max-width:640px}.chart svg{width:100%;height:auto;font-size:13px}
.chart text{fill:var(--fg)}.chart rect{fill:var(--ca,var(--kept))}
.stack{display:flex;height:.9rem;border:1px solid var(--rule);margin:.4rem 0 .1rem}
.seg{display:block;height:100%;background:var(--ca,var(--kept))}
.legend{margin:0 0 .6rem;font-size:.88rem;color:var(--muted)}
.lines{font:14px/1.5 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;
border:1px solid var(--rule)}
.l{display:flex;scroll-margin-top:8rem}
.l .n{flex:0 0 3.6rem;text-align:right;padding-right:.6rem;color:var(--muted);
user-select:none;border-right:1px solid var(--rule)}
.l .t{flex:1 1 auto;white-space:pre-wrap;overflow-wrap:anywhere;padding-left:.5rem;
unicode-bidi:plaintext;min-width:0}
.more{color:var(--muted);font-style:italic;white-space:nowrap}
.l.title .t{font-weight:700}
.l.title{box-shadow:inset 4px 0 0 var(--focus)}
.l .tag,.rm>.tag{font:600 11px/1.6 system-ui,sans-serif;padding:0 .35rem;border-radius:3px;
margin:0 .3rem;align-self:flex-start;white-space:nowrap}
.l.title .tag{background:var(--focus);color:var(--bg)}
.rm{position:relative;background:var(--cb);border-left:5px var(--cs) var(--ca);outline-offset:-2px}
.rm>.tag{position:absolute;right:.2rem;top:.1rem;background:var(--bg);color:var(--fg);
border:1px solid var(--ca);z-index:1}
.rm:hover,.rm.open{box-shadow:inset 0 0 0 2px var(--ca)}
.why{display:none;position:absolute;left:3.6rem;right:.5rem;bottom:100%;z-index:4;
font:13px/1.4 system-ui,sans-serif;background:var(--bg);color:var(--fg);
border:2px solid var(--ca);padding:.3rem .5rem;box-shadow:0 2px 8px rgba(0,0,0,.25);
overflow-wrap:anywhere}
.rm:hover>.why,.rm:focus>.why,.rm.open>.why{display:block}
.hide-kept .lines>.l{display:none}
.l.hit .t{background:var(--hit)}
.l.current{outline:3px solid var(--focus);outline-offset:-3px}
.pager{font-size:.9rem}
@media (max-width:600px){body{font-size:15px}.l .n{flex-basis:2.6rem}.lines{font-size:13px}
.barcell{width:5rem}.why{left:0;right:0}
.rm>.tag{position:static;display:inline-block;margin:.1rem 0 0 2.8rem}}
"""

# Static: no data goes into the script (its hash is in the page's policy).
SCRIPT = """
(function () {
  "use strict";
  var main = document.getElementById("main");
  document.querySelectorAll("[data-js]").forEach(function (el) { el.hidden = false; });
  document.querySelectorAll("input[data-filter]").forEach(function (box) {
    box.addEventListener("change", function () {
      main.classList.toggle("hide-" + box.getAttribute("data-filter"), !box.checked);
    });
  });
  main.addEventListener("click", function (ev) {
    var span = ev.target.closest(".rm");
    if (span && !ev.target.closest("a")) { span.classList.toggle("open"); }
  });
  main.addEventListener("keydown", function (ev) {
    var el = ev.target;
    if (!el.classList || !el.classList.contains("rm")) { return; }
    if (ev.key === "Enter" || ev.key === " ") { ev.preventDefault(); el.classList.toggle("open"); }
    if (ev.key === "Escape") { el.classList.remove("open"); }
  });
  var jump = document.getElementById("jump");
  jump.addEventListener("change", function () {
    var heading = document.getElementById(jump.value + "-h");
    if (heading) { heading.scrollIntoView(); heading.focus(); }
  });
  var query = document.getElementById("q"), found = document.getElementById("found");
  var hits = [], at = -1, searched = "", timer = 0;
  function search() {
    var term = query.value.trim().toLowerCase();
    if (term === searched) { return; }
    hits.forEach(function (line) { line.classList.remove("hit", "current"); });
    hits = []; at = -1; searched = term;
    if (term) {
      document.querySelectorAll("#captures .t").forEach(function (t) {
        if (t.textContent.toLowerCase().indexOf(term) >= 0) {
          t.parentNode.classList.add("hit"); hits.push(t.parentNode);
        }
      });
    }
    found.textContent = term ? hits.length + (hits.length === 1 ? " line" : " lines") : "";
  }
  function step(by) {
    search();
    var visible = hits.filter(function (line) { return line.offsetParent !== null; });
    if (!visible.length) { found.textContent = "no visible line matches"; return; }
    hits.forEach(function (line) { line.classList.remove("current"); });
    at = (at + by + visible.length) % visible.length;
    visible[at].classList.add("current");
    visible[at].scrollIntoView({block: "center"});
    found.textContent = (at + 1) + " of " + visible.length;
  }
  query.addEventListener("input", function () {
    clearTimeout(timer); timer = setTimeout(search, 200);
  });
  query.addEventListener("keydown", function (ev) {
    if (ev.key === "Enter") { ev.preventDefault(); step(ev.shiftKey ? -1 : 1); }
  });
  document.getElementById("next").addEventListener("click", function () { step(1); });
  document.getElementById("prev").addEventListener("click", function () { step(-1); });
  document.body.setAttribute("data-ready", "yes");
}());
"""
