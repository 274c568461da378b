"""Detectors' shortcuts answer what the plain way of asking answers.

The fast paths (one alternation for a list of patterns, prose anchors that skip what cannot
be an anchor, a line's match key from its features) are compared with the straightforward
definitions they replace.
"""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from cleanse.detectors.related_lists import any_fullmatch
from cleanse.detectors.structure import (
    LONG_PARAGRAPH_TOKENS,
    LONG_SENTENCE_TOKENS,
    VERY_LONG_PARAGRAPH_TOKENS,
    declarative,
    prose_anchors,
)
from cleanse.detectors.vocabulary import compile_patterns, vocabulary
from cleanse.features import normalize_for_matching, plain_text
from cleanse.model import Capture, Page

from helpers import EN, ZH_HANS

PATTERNS = vocabulary("related_lists")
HEADINGS = ["12 comments", "Comments (3)", "评论（5）", "热门评论", "View all 20 comments",
            "3 Responses to “Light rail”", "《标题》已有3件评论", "More from Reuters",
            "Latest from the city", "Top news stories", "国内要闻", "Related", "", "comments"]


@given(st.one_of(st.sampled_from(HEADINGS), st.text(max_size=30),
                 st.tuples(st.sampled_from(HEADINGS), st.text(max_size=5)).map("".join)))
@settings(max_examples=300, deadline=None)
def test_one_alternation_matches_what_any_of_its_patterns_matches(text):
    for group in ("list_heading_patterns", "comment_heading_patterns"):
        one_by_one = any(p.fullmatch(text) for p in compile_patterns(PATTERNS[group]))
        assert any_fullmatch(PATTERNS[group])(text) == one_by_one


def test_patterns_with_groups_are_tried_one_at_a_time():
    # In one alternation, the second pattern's \1 would name the first pattern's group.
    assert any_fullmatch([r"(a)", r"(b)\1"])("bb")
    assert any_fullmatch([r"(?x) a b", r"c d"])("c d")  # a global flag stays with its pattern
    assert not any_fullmatch([])("anything")


def _anchors_by_definition(content):
    """prose_anchors as its docstring defines it, line by line."""
    flags = [declarative(line, LONG_SENTENCE_TOKENS) for line in content]
    anchors = []
    for i, line in enumerate(content):
        neighbours = [k for k in (i - 1, i + 1) if 0 <= k < len(content)]
        pair = flags[i] and any(flags[k] and content[k].features.plain != line.features.plain
                                for k in neighbours)
        if line.features.tokens >= VERY_LONG_PARAGRAPH_TOKENS:
            listed = i + 1 < len(content) and content[i + 1].features.mostly_date
        else:
            listed = any(content[k].features.has_date and not content[k].features.is_prose()
                         for k in neighbours)
        anchors.append(pair or (flags[i] and line.features.tokens >= LONG_PARAGRAPH_TOKENS
                                and not listed))
    return anchors


LONG = " ".join(EN) + " " + " ".join(EN)
SHAPES = [*EN, *ZH_HANS, LONG, LONG * 3, "2024-03-05 10:30", "3 hours ago", "A headline?",
          "Read more", "Officials said so.", "Officials said so.", "The end: ", "短句。"]


@given(st.lists(st.sampled_from(SHAPES), min_size=1, max_size=25))
@example(["3 hours ago", LONG, "A headline?"])  # a long paragraph beside a date: a list's
@example(["A headline?", LONG * 3, "2024-03-05 10:30"])  # a very long one over its date line
@example([EN[0], EN[0], EN[1], "Read more"])  # a repeated sentence is no pair
@settings(max_examples=300, deadline=None)
def test_prose_anchors_follow_their_definition(shapes):
    page = Page.from_capture(Capture("\n".join(shapes)))
    content = page.content_lines()
    assert prose_anchors(content) == _anchors_by_definition(content)


@given(st.lists(st.one_of(st.sampled_from(["- ", "  - item ", "# Heading", " **Bold** ", "1. x",
                                           "[a](b) c", "  ", "\t3 comments\u3000", *EN[:1]]),
                          st.text(max_size=20)), max_size=12))
@settings(max_examples=200, deadline=None)
def test_a_lines_match_key_is_its_texts(texts):
    # Line.match_key starts from the features' plain text when the line needs no stripping.
    for line in Page.from_capture(Capture("\n".join(texts))).lines:
        assert line.plain_of_text == plain_text(line.text)
        assert line.match_key == normalize_for_matching(line.text)
