"""Where the article's prose is: the shared notion of "prose resumes here".

Lists of headlines, menus and comment widgets never contain two different
declarative sentences in a row, nor a long paragraph standing on its own
(a list item's summary sits next to its date line). Article text does.
"""

from __future__ import annotations

from cleanse.model import Line

DECLARATIVE_ENDINGS = ("。", ".", "；", ";", "…", ":", "：")
LONG_SENTENCE_TOKENS = 30
LONG_PARAGRAPH_TOKENS = 40
VERY_LONG_PARAGRAPH_TOKENS = 120


def declarative(line: Line, long_sentence_tokens: int = LONG_SENTENCE_TOKENS) -> bool:
    """A sentence of prose, not a headline (those end in ?, ! or nothing)."""
    features = line.features
    return (features.prose and not features.mostly_date
            and (features.final_mark in DECLARATIVE_ENDINGS
                 or features.tokens >= long_sentence_tokens))


def prose_anchors(content: list[Line], long_paragraph_tokens: int = LONG_PARAGRAPH_TOKENS,
                  long_sentence_tokens: int = LONG_SENTENCE_TOKENS) -> list[bool]:
    """For each non-blank line: is it certainly article prose?

    True for two different declarative lines in a row, and for a long
    paragraph with no date on the lines next to it. A very long paragraph
    (``VERY_LONG_PARAGRAPH_TOKENS``) only needs no bare date on the line
    after it: a forum post or a one-paragraph article sits under its own
    byline, and may have a list of dated replies below.
    """
    flags = [declarative(line, long_sentence_tokens) for line in content]
    count = len(content)
    anchors = [False] * count
    for i, flag in enumerate(flags):
        if not flag:
            continue  # neither half of a pair nor a lone long paragraph
        features = content[i].features
        plain = features.plain
        if (i > 0 and flags[i - 1] and content[i - 1].features.plain != plain) or (
                i + 1 < count and flags[i + 1] and content[i + 1].features.plain != plain):
            anchors[i] = True
            continue
        tokens = features.tokens
        if tokens < long_paragraph_tokens:
            continue
        # A list item's summary sits next to a date. The article's one very long
        # paragraph may sit under its byline and above a list of dated replies;
        # only a bare date right after it (the item's own date line) says "list".
        if tokens >= VERY_LONG_PARAGRAPH_TOKENS:
            listed = i + 1 < count and content[i + 1].features.mostly_date
        else:
            listed = any(content[k].features.has_date and not content[k].features.prose
                         for k in (i - 1, i + 1) if 0 <= k < count)
        anchors[i] = not listed
    return anchors
