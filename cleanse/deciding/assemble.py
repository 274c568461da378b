"""The one step that turns the arbiter's judgement into a :class:`CleanedDocument`.

Detectors only label and :mod:`cleanse.deciding.arbiter` decides; here the kept
lines become the text, its markdown (headed by the title) and its language
segments (the title is kept apart from the text); the page's metadata is completed
from its datelines and bylines (:mod:`cleanse.reading.metadata`); every removed
line joins a span with the detector, rule and reason of the decision that explains
it, plus the arbiter's probability.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

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


@dataclass
class _Tagged:
    line: Line
    language: str | None


def _removed_spans(page: Page, judgement: Judgement) -> list[RemovedSpan]:
    runs: list[tuple[Decision, list[Verdict]]] = []
    lines = page.lines
    for verdict in judgement.verdicts:
        line, decision = verdict.line, verdict.decision
        if verdict.kept or decision is None:
            continue
        if runs:
            last_decision, last_verdicts = runs[-1]
            if (last_decision.detector == decision.detector and last_decision.rule == decision.rule
                    and last_decision.reason == decision.reason
                    and _only_blanks(lines, last_verdicts[-1].line.number, line.number)):
                last_verdicts.append(verdict)
                continue
        runs.append((decision, [verdict]))
    return [RemovedSpan(verdicts[0].line.number, verdicts[-1].line.number, decision.detector,
                        decision.rule, decision.category.value, decision.reason,
                        "\n".join(v.line.features.stripped for v in verdicts),
                        None if decision.detector in HARD_DETECTORS else
                        round(1 - sum(v.keep_probability for v in verdicts) / len(verdicts), 3),
                        list(verdicts[0].evidence))
            for decision, verdicts in runs]


def _only_blanks(lines: list[Line], after: int, before: int) -> bool:
    """Whether every line numbered strictly between ``after`` and ``before`` is blank (a loop,
    not a generator: asked for each removed line)."""
    for number in range(after + 1, before):
        if lines[number - 1].features.stripped:
            return False
    return True


HEADING_PREFIXES = {f"h{level}": "#" * level + " " for level in range(1, 7)}


def plain(line: Line, kind: str) -> str:
    """A kept line as plain text: markdown markup (``##``, ``**``, link targets) removed."""
    if line.code:
        return line.text.rstrip()  # code keeps its indentation
    return line.features.plain if kind == "markdown" else line.features.stripped


def markdown(line: Line, kind: str) -> str:
    """A kept line as markdown: text captures as they are, HTML blocks with their markup."""
    if kind != "html":
        return line.text.rstrip() if line.code else line.features.stripped
    tag = line.hints.get("tag", "")
    prefix = HEADING_PREFIXES.get(tag) or ("- " if tag == "li" else "")
    return ("> " if line.hints.get("quote") else "") + prefix + line.features.stripped


def _join(lines: list[Line], kind: str, render: Callable[[Line, str], str] = plain) -> str:
    """Lines adjacent in the capture stay on adjacent lines; others become paragraphs."""
    parts: list[str] = []
    previous: Line | None = None
    for line in lines:
        if previous is not None:
            parts.append("\n" if line.number == previous.number + 1 else "\n\n")
        parts.append(render(line, kind))
        previous = line
    return "".join(parts)


def _segments(tagged: list[_Tagged], title_line: Line | None, min_tokens: int,
              kind: str) -> list[Segment]:
    # Short lines take the tag of the line before them (the first ones: of the first tagged line).
    previous = next((t.language for t in tagged if t.language), UNDETERMINED)
    for t in tagged:
        t.language = t.language or previous
        previous = t.language
    groups: list[list[_Tagged]] = []
    for t in tagged:
        if groups and groups[-1][0].language == t.language:
            groups[-1].append(t)
        else:
            groups.append([t])
    # A short stretch in another language (a translated title, a quote) joins its neighbour.
    merged: list[list[_Tagged]] = []
    # The last merged group's tokens, kept as it grows: summing it again for each group made
    # a page of long paragraphs between short lines in another language quadratic.
    merged_tokens = 0
    for group in groups:
        tokens = sum(t.line.features.tokens for t in group)
        if merged and tokens < min_tokens:
            merged[-1].extend(group)
            merged_tokens += tokens
        elif merged and merged_tokens < min_tokens:
            merged[-1].extend(group)
            merged_tokens += tokens
            for t in merged[-1]:
                t.language = group[0].language
        elif merged and merged[-1][0].language == group[0].language:
            merged[-1].extend(group)
            merged_tokens += tokens
        else:
            merged.append(group)
            merged_tokens = tokens
    segments = []
    for group in merged:
        language = group[0].language or UNDETERMINED
        body = [t.line for t in group if t.line is not title_line]
        segments.append(Segment(language, _join(body, kind), group[0].line.number,
                                group[-1].line.number, _join(body, kind, markdown)))
    return segments


def _resolve_chinese(tags: list[str | None]) -> list[str | None]:
    """Lines tagged plain ``zh`` take the document's dominant Chinese variant."""
    variants = Counter(t for t in tags if t in ("zh-Hans", "zh-Hant"))
    default = variants.most_common(1)[0][0] if variants else "zh-Hans"
    return [default if t == CHINESE else t for t in tags]


def assemble(page: Page, judgement: Judgement, tagger: LanguageTagger,
             min_segment_tokens: int = 25) -> CleanedDocument:
    """The cleaned document: the lines the arbiter kept, the title apart, spans of the rest."""
    capture = page.capture
    title_line = page.title_line()  # the arbiter keeps it; here it leaves the body
    kept = [v.line for v in judgement.verdicts if v.kept]
    body = [line for line in kept if line is not title_line]
    title_number = title_line.number if title_line else None
    title_is_text = bool(kept) and not body  # a page whose one line is its title
    if title_is_text:
        title_line, body = None, kept
    tags = _resolve_chinese([tagger.tag(line.features.plain) for line in kept])
    segments = _segments([_Tagged(line, tag) for line, tag in zip(kept, tags)],
                         title_line, min_segment_tokens, capture.kind)
    weight: Counter[str] = Counter()
    segment_of_line = iter(segments)
    segment = next(segment_of_line, None)
    for line in kept:  # both in line order: one pass
        while segment is not None and line.number > segment.last_line:
            segment = next(segment_of_line, None)
        if segment is not None:
            weight[segment.language] += line.features.tokens
    language = weight.most_common(1)[0][0] if weight else None
    text = _join(body, capture.kind)
    title = page.title or (title_line.features.plain if title_line else None)
    body_markdown = _join(body, capture.kind, markdown)
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
    )
