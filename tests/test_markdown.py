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


# --- the plain text of a markdown capture -------------------------------------------------

def _plain_lines(text: str) -> list[str]:
    from cleanse.deciding.assemble import plain

    return [plain(line, "markdown") for line in labelled(text, kind="markdown").lines
            if line.text.strip()]


def test_a_markdown_captures_text_leaves_images_and_link_targets_out():
    assert _plain_lines("\n".join([
        "![A brown leather wallet on a table](https://img.example/w.jpg)",
        "Sold by [a shop](https://shop.example/s) ![star](star.png) with **care**",
        "[![Wallet](https://img.example/w.jpg)](https://shop.example/item/1)",
        "Handmade leather wallet, free shipping](https://shop.example/item/1?ref=card)",
        "As the report said [[1]](https://example.org/ref \"Reference\") in May.",
        "A [planet](/wiki/Mercury_(planet)) and a card](/wiki/Venus_(planet))",
    ])) == [
        "",  # the image alone: nothing the page shows as text
        "Sold by a shop with care",
        "",  # a linked image
        "Handmade leather wallet, free shipping",  # a link opened on a line above
        "As the report said [[1] in May.",
        "A [planet and a card",  # (its opening bracket stays: no token)
    ]


def test_a_line_with_a_code_span_is_read_as_before():
    line = "Write `![alt](image.png)` for an image, `a](b)` ends a link."
    assert _plain_lines(line) == [plain_inline(line)]
    assert "a](b)" in plain_inline(line)


@pytest.mark.parametrize("text, woven", [
    ("Para one.\n\n![img](x.png)\n\nPara two.", "Para one.\n\nPara two."),
    ("Para one.\n![img](x.png)\nPara two.", "Para one.\nPara two."),
    ("Para one.\n![img](x.png)\n\nPara two.", "Para one.\n\nPara two."),
    ("![img](x.png)\nPara one.\nPara two.", "Para one.\nPara two."),
    ("Para one.\n![img](x.png)", "Para one."),
])
def test_an_image_line_leaves_no_break_in_the_text(text, woven):
    from cleanse.deciding.assemble import _woven

    lines = [line for line in labelled(text, kind="markdown").lines if line.text.strip()]
    plains, marks = _woven(lines, "markdown")
    assert "".join(plains) == woven
    assert len(plains) == len(marks) == 2 * len(lines) - 1
    assert "".join(marks) == text  # the markdown keeps the image
