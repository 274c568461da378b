"""Markdown as reader services write it: setext headings, a reader header, inline markup."""

from __future__ import annotations

import pytest

import cleanse
from cleanse.reading.markdown import plain_inline, setext_as_atx

from helpers import EN, labelled, rules

# --- setext headings -------------------------------------------------------------------


def test_setext_headings_become_atx_headings_line_for_line():
    text = "Intro.\n\nConfiguring retries\n===================\n\nBody.\n\nOptions\n-------\n"
    converted = setext_as_atx(text)
    assert converted.split("\n") == ["Intro.", "", "# Configuring retries", "", "", "Body.", "",
                                     "## Options", "", ""]


@pytest.mark.parametrize("text", [
    "A paragraph line\nand its last line\n---\n",           # a break after a paragraph
    "* item\n---\n",                                          # after a list item
    "```\nheading in code\n=====\n```\n",                     # inside a code block
    "---\ntitle: x\n---\n\nBody.\n",                          # front matter's closing fence
    "| a | b |\n|---|---|\n",                                   # a table's delimiter row
    "\n    indented code\n    -----\n",                          # indented code
    "Text\n-\n",                                              # a lone hyphen
], ids=["paragraph", "list", "code", "front-matter", "table", "indented", "one-char"])
def test_what_is_not_a_setext_heading(text):
    assert setext_as_atx(text) == text


def test_a_reader_services_headings_are_kept_as_headings():
    body = "\n\n".join(EN)
    capture = (f"Light rail opens\n================\n\n{body}\n\nHow it runs\n-----------\n\n"
               f"{body}\n")
    doc = cleanse.clean(capture)
    assert "How it runs" in doc.text and "## How it runs" in doc.markdown
    assert "---" not in doc.text


# --- a reader service's header ----------------------------------------------------------

READER_HEADER = ("Title: Light rail opens | City News\n\nURL Source: https://news.example/rail\n\n"
                 "Published Time: 2026-05-01T08:00:00Z\n\nMarkdown Content:\n")


def test_a_reader_header_is_metadata():
    capture = READER_HEADER + "\n\n".join(EN)
    labels = labelled(capture)
    assert rules(labels, "URL Source") == {("front_matter", "reader_header")}
    assert rules(labels, "Markdown Content:") == {("front_matter", "reader_header")}
    doc = cleanse.clean(capture)
    assert doc.title == "Light rail opens | City News"
    assert doc.metadata["url"] == "https://news.example/rail"
    assert doc.metadata["published"].startswith("2026-05-01")
    assert "URL Source" not in doc.text and "Markdown Content" not in doc.text
    for paragraph in EN:
        assert paragraph in doc.text


@pytest.mark.parametrize("opening", [
    "Title: A talk on rail\nThe speaker opened with a joke about trains.\n",   # no more fields
    "URL Source: https://x.example\nMarkdown Content:\n",                        # no title first
], ids=["title-then-prose", "no-title"])
def test_what_is_not_a_reader_header(opening):
    labels = labelled(opening + "\n" + "\n\n".join(EN))
    assert not any(d.detector == "front_matter" for line in labels.lines for d in line.decisions)


# --- inline markup in the plain text ----------------------------------------------------

@pytest.mark.parametrize("line, plain", [
    ("The client waits `backoff * 2 ** attempt` seconds", "The client waits backoff * 2 ** "
     "attempt seconds"),
    ("**Bold**, *italic*, _emphasis_ and snake_case_name", "Bold, italic, emphasis and "
     "snake_case_name"),
    ("2 * 3 * 4 = 24", "2 * 3 * 4 = 24"),
    ("*   [Docs](https://x.example/docs) and ![a map](map.png)", "Docs and a map"),
    ("## A **bold** heading", "A bold heading"),
    ("***both*** and **bold _and italic_**", "both and bold and italic"),
    ("Use `` a`b `` here", "Use a`b here"),
    (r"an escaped \* star", "an escaped * star"),
    ("see [`Logger`](../logging.html#Logger \"logging.Logger\") objects", "see Logger objects"),
])
def test_plain_inline(line, plain):
    assert plain_inline(line) == plain


def test_a_markdown_capture_keeps_what_its_code_spans_hold():
    body = [*EN[:2], "To retry, the client waits `backoff * 2 ** attempt` seconds between "
            "attempts, and gives up after `total` attempts have failed in a row.", *EN[2:]]
    doc = cleanse.clean("# Retries\n\n" + "\n\n".join(body))
    assert "waits backoff * 2 ** attempt seconds" in doc.text
    assert "`backoff * 2 ** attempt`" in doc.markdown
