"""The one step that turns the arbiter's judgement into a :class:`CleanedDocument`.

Detectors only label and :mod:`cleanse.deciding.arbiter` decides; here the kept
lines become the text, its markdown (headed by the title) and its language
segments (the title is kept apart from the text); the page's metadata is completed
from its datelines and bylines (:mod:`cleanse.reading.metadata`); every removed
line joins a span with the detector, rule and reason of the decision that explains
it, plus the arbiter's probability.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import compress
from operator import itemgetter
from typing import Any

from cleanse.deciding.arbiter import HARD_DETECTORS, Judgement, Verdict
from cleanse.deciding.language import CHINESE, UNDETERMINED, LanguageTagger
from cleanse.model import (
    CleanedDocument,
    Decision,
    Line,
    Page,
    RemovedSpan,
    Segment,
    Status,
)
from cleanse.reading import metadata
from cleanse.reading.markdown import plain_inline

# A markdown image, ``![description](source)``: the page shows the image, not its description,
# so a markdown capture's text leaves it out, as the text of an HTML capture (which never
# reads ``alt``) and an innerText do. Its markdown keeps it.
MARKDOWN_IMAGE = re.compile(r"!\[[^\[\]]*\]\([^()\[\]]*\)")
# A link's target that plain_inline leaves in a line: the link opened on a line above (a reader
# service writes a card of several lines, image, heading and teaser, as one link, so its last
# line ends in ``](url)``), or its label holds brackets (``[[1]](url)``, ``[![a](b)](url)``).
# The target may hold one level of parentheses (``/wiki/Mercury_(planet)``) and a title.
LINK_TARGET = re.compile(r"\]\((?:[^()\s]|\([^()\s]*\))*(?:\s+\"[^\"]*\")?\)")
# A verdict's line and whether it was kept (a verdict is a tuple).
_LINE = itemgetter(0)
_KEPT = itemgetter(2)


def _removed_spans(page: Page, judgement: Judgement) -> list[RemovedSpan]:
    """Runs of removed lines explained alike (detector, rule, reason) with only blank lines
    between them, each a span."""
    runs: list[tuple[Decision, list[Verdict]]] = []
    lines = page.lines
    run: list[Verdict] = []
    first: Decision | None = None  # the decision that started the current run
    last_number = 0  # the current run's last line
    for verdict in judgement.verdicts:
        line, _, kept, decision, _ = verdict
        if kept or decision is None:
            continue
        number = line.number
        if first is not None and (decision is first or (
                decision.detector == first.detector and decision.rule == first.rule
                and decision.reason == first.reason)) and (
                number == last_number + 1 or _only_blanks(lines, last_number, number)):
            run.append(verdict)
        else:
            first, run = decision, [verdict]
            runs.append((decision, run))
        last_number = number
    spans = []
    for decision, run in runs:
        first_verdict = run[0]
        if len(run) == 1:  # most spans: no lists to join or add up
            text = first_verdict.line.features.stripped
            keep_probability = first_verdict.keep_probability
        else:
            text = "\n".join([v.line.features.stripped for v in run])
            keep_probability = sum([v.keep_probability for v in run]) / len(run)
        detector = decision.detector
        spans.append(RemovedSpan(
            first_verdict.line.number, run[-1].line.number, detector, decision.rule,
            decision.category.value, decision.reason, text,
            None if detector in HARD_DETECTORS else round(1 - keep_probability, 3),
            list(first_verdict.evidence)))
    return spans


def _only_blanks(lines: list[Line], after: int, before: int) -> bool:
    """Whether every line numbered strictly between ``after`` and ``before`` is blank (a loop,
    not a generator: asked for each removed line after a gap)."""
    for number in range(after + 1, before):
        if lines[number - 1].features.stripped:
            return False
    return True


HEADING_PREFIXES = {f"h{level}": "#" * level + " " for level in range(1, 7)}


def plain(line: Line, kind: str) -> str:
    """A kept line as plain text: markdown markup (``##``, ``**``, link targets) removed,
    what a code span holds kept as written."""
    if line.code:
        return line.text.rstrip()  # code keeps its indentation
    if kind != "markdown":
        return line.features.stripped
    text = line.text
    if "`" in text:  # a code span may show markdown syntax: it is kept as written
        return plain_inline(text)
    if "![" in text:
        text, images = MARKDOWN_IMAGE.subn(" ", text)
        if images:
            text = " ".join(text.split())
    text = plain_inline(text)
    return LINK_TARGET.sub("", text).strip() if "](" in text else text


def markdown(line: Line, kind: str) -> str:
    """A kept line as markdown: text captures as they are, HTML blocks with their markup."""
    if kind != "html":
        return line.text.rstrip() if line.code else line.features.stripped
    tag = line.hints.get("tag", "")
    prefix = HEADING_PREFIXES.get(tag) or ("- " if tag == "li" else "")
    return ("> " if line.hints.get("quote") else "") + prefix + line.features.stripped


def _woven(lines: list[Line], kind: str) -> tuple[list[str], list[str]]:
    """The lines as plain text and as markdown, each woven with the breaks between them:
    line k at index 2k, the break before it at 2k - 1 ("\n" after the line before it in the
    capture, else "\n\n": a new paragraph). Joined whole, they are the text; a slice from
    2a to 2b - 1 is lines a to b - 1, so segments need no second rendering."""
    plains: list[str] = []
    marks: list[str] = []
    previous = None
    # A line without plain text (a markdown image alone) adds nothing to the text: the break
    # before it waits for the next line with text ("\n\n" when either break is one).
    waiting = None
    started = False  # a line with text came: the text begins with no break
    for line in lines:
        text = plain(line, kind)
        if previous is not None:
            brk = "\n" if line.number == previous + 1 else "\n\n"
            marks.append(brk)
            if waiting is not None and brk != "\n\n":
                brk = waiting
            if text:
                plains.append(brk if started else "")
                waiting = None
            else:
                plains.append("")
                waiting = brk
        plains.append(text)
        marks.append(markdown(line, kind))
        previous = line.number
        started = started or bool(text)
    return plains, marks


def _runs(tags: list[str | None], tokens: list[int], prose: list[bool],
          min_tokens: int) -> list[list[Any]]:
    """The segments' runs of lines, each ``[language, first, end, tokens, stands]`` (indices
    into ``tags``, end exclusive; tokens: the run's sum; stands: long enough to keep its
    language).

    A line too short to tag takes the tag of the line before it (the first ones: of the
    first tagged line); lines of one language make a group. A group stands with
    ``min_tokens`` tokens, or half as many when it holds a sentence (a ``prose`` line: a
    bilingual page alternating paragraph by paragraph). A short group (a translated title, a
    quote) joins the run before it, and a run still short takes the language of the group
    after it and goes on with it.
    """
    previous = next((tag for tag in tags if tag), UNDETERMINED)
    filled = []
    for tag in tags:
        previous = tag or previous
        filled.append(previous)
    runs: list[list[Any]] = []
    start, count = 0, len(filled)
    while start < count:
        language = filled[start]
        end = start + 1
        while end < count and filled[end] == language:
            end += 1
        group_tokens = sum(tokens[start:end])
        stands = group_tokens >= min_tokens or (2 * group_tokens >= min_tokens
                                                and any(prose[start:end]))
        # The last run's tokens are kept as it grows: summing it again for each group made
        # a page of long paragraphs between short lines in another language quadratic.
        if runs and (not stands or not runs[-1][4] or runs[-1][0] == language):
            last = runs[-1]
            if stands and not last[4]:
                last[0] = language
            last[2] = end
            last[3] += group_tokens
            last[4] = last[4] or stands or last[3] >= min_tokens
        else:
            runs.append([language, start, end, group_tokens, stands])
        start = end
    return runs


def _resolve_chinese(tags: list[str | None]) -> list[str | None]:
    """Lines tagged plain ``zh`` take the document's dominant Chinese variant."""
    variants = Counter(t for t in tags if t in ("zh-Hans", "zh-Hant"))
    default = variants.most_common(1)[0][0] if variants else "zh-Hans"
    return [default if t == CHINESE else t for t in tags]


def assemble(page: Page, judgement: Judgement, tagger: LanguageTagger,
             min_segment_tokens: int = 25) -> CleanedDocument:
    """The cleaned document: the lines the arbiter kept, the title apart, spans of the rest."""
    capture = page.capture
    kind = capture.kind
    title_line = page.title_line()  # the arbiter keeps it; here it leaves the body
    verdicts = judgement.verdicts
    kept = list(compress(map(_LINE, verdicts), map(_KEPT, verdicts)))
    # Where the title is among the kept lines (None: not among them): it leaves the body.
    at_title = None if title_line is None else next(
        (i for i, line in enumerate(kept) if line is title_line), None)
    body = kept if at_title is None else kept[:at_title] + kept[at_title + 1:]
    title_number = title_line.number if title_line else None
    title_is_text = bool(kept) and not body  # a page whose one line is its title
    if title_is_text:
        title_line, body, at_title = None, kept, None
    tags = _resolve_chinese([tagger.tag(line.features.plain) for line in kept])
    plains, marks = _woven(body, kind)
    segments = []
    weight: Counter[str] = Counter()
    for language, first, end, tokens, _ in _runs(
            tags, [line.features.tokens for line in kept],
            [line.features.prose for line in kept], min_segment_tokens):
        # The run's lines in the body (the title's line is not one), woven as _woven says.
        lo, hi = (first, end) if at_title is None else (
            first - (first > at_title), end - (end > at_title))
        language = language or UNDETERMINED
        lines = slice(2 * lo, 2 * hi - 1) if hi > lo else slice(0, 0)  # the title alone: none
        # (A segment may begin after an image line's break: no line of text starts with one.)
        segments.append(Segment(language, "".join(plains[lines]).lstrip("\n"), kept[first].number,
                                kept[end - 1].number, "".join(marks[lines])))
        weight[language] += tokens
    language = weight.most_common(1)[0][0] if weight else None
    text = "".join(plains)
    title = page.title or (title_line.features.plain if title_line else None)
    body_markdown = "".join(marks)
    return CleanedDocument(
        source=capture.source,
        status=Status.OK if text else Status.EMPTY,
        error=None if text else "no article text found",
        kind=capture.kind,
        encoding=capture.encoding,
        decode_errors=capture.decode_errors,
        title=title,
        language=language,
        text=text,
        # The markdown is a document of its own: its title heads it.
        markdown=(f"# {title}\n\n{body_markdown}" if title and body_markdown and not title_is_text
                  else body_markdown),
        segments=segments,
        title_line=title_number,
        rendering=capture.text if capture.kind == "html" else None,
        metadata=metadata.complete(page, body, title),
        removed=_removed_spans(page, judgement),
        # Reading and detectors collect warnings in the page's working metadata.
        warnings=[*page.metadata.get("warnings", []), *judgement.warnings],
        keep_threshold=judgement.threshold,
        arbiter_model=judgement.model,
    )
