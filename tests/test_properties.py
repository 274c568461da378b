"""Properties over generated input: never raises, deterministic, only removes."""

from __future__ import annotations

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import cleanse
from cleanse import Status
from cleanse.reading.capture import visible_text
from cleanse.reading.markdown import setext_as_atx

from helpers import EN, JA, ZH_HANS, ZH_HANT

# Line shapes real captures are made of, to mix with arbitrary text.
SHAPES = [
    *ZH_HANS, *ZH_HANT, *EN, *JA, "", "   ", "---", "title: 标题", "# 标题", "## Related",
    "热点推荐", "相关阅读", "订阅我们的 Newsletter", "Subscribe to our newsletter for free!",
    "首页 > 科技 > 正文", "Home / News / World", "分享到：微博 微信 QQ",
    "Share this: Facebook Twitter",
    "© 2024 Example Inc. All rights reserved.", "2024年3月5日 10:30", "3 hours ago", "5分钟前",
    "- [A headline about something](https://example.com/a)", "* item", "1. first", "> quote",
    "立即注册币安，享受最优惠的交易手续费", "Buy Bitcoin now on example.com", "返回顶部", "×",
    "<p>not really html</p>", "**bold** and `code`", "| a | b |", "|---|---|", "```", "~~~",
    "\t", "\u200b", "\ufeff",
]
LINE = st.one_of(st.sampled_from(SHAPES), st.text(max_size=120))
CAPTURE = st.lists(LINE, max_size=60).map("\n".join)
HTMLISH = st.lists(st.one_of(
    st.sampled_from(["<p>", "</p>", "<div class='nav'>", "</div>", "<li>", "<a href='#'>", "</a>",
                     "<h1>", "</h1>", "<script>x</script>", "<!--", "-->", "<br>", "&amp;", "<",
                     ">", "<html lang='zh'>", "<meta charset='gbk'>", "<title>t</title>"]),
    st.sampled_from(SHAPES)), max_size=80).map("".join)
RELAXED = settings(max_examples=200, deadline=None,
                   suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


def _same(a: cleanse.CleanedDocument, b: cleanse.CleanedDocument) -> bool:
    return a.to_dict() == b.to_dict()


@RELAXED
@given(CAPTURE, st.sampled_from(["text", "markdown"]))
def test_text_cleaning_only_removes_lines(text, kind):
    doc = cleanse.clean(text, kind=kind)
    assert doc.status in (Status.OK, Status.EMPTY)
    # Lines as read: NFC, without invisible characters (reading.capture.visible_text).
    raw = visible_text(text.replace("\r\n", "\n").replace("\r", "\n").replace("\x00", "")
                       ).split("\n")
    # Kept lines are stripped, code lines only on the right (they keep their indentation).
    input_lines = {line.strip() for line in raw} | {line.rstrip() for line in raw}
    # ... and a markdown capture's setext heading is its ATX line (reading.markdown).
    input_lines |= set(setext_as_atx("\n".join(raw)).split("\n")) if kind == "markdown" else set()
    # The markdown rendering of a text capture is its title heading and its kept lines.
    body = doc.markdown.removeprefix(f"# {doc.title}\n\n") if doc.title else doc.markdown
    assert set(line for line in body.split("\n") if line) <= input_lines
    if kind == "text":
        assert doc.text == body
    assert _same(doc, cleanse.clean(text, kind=kind))


@RELAXED
@given(st.one_of(CAPTURE, HTMLISH))
def test_detected_kinds_never_raise_and_are_deterministic(text):
    """Text, markdown and HTML-like tag soup, with the kind detected from content."""
    doc = cleanse.clean(text)
    assert doc.status in (Status.OK, Status.EMPTY)
    assert _same(doc, cleanse.clean(text))


@RELAXED
@given(st.one_of(st.binary(max_size=3000),
                 CAPTURE.flatmap(lambda t: st.sampled_from(
                     ["utf-8", "gb18030", "big5", "shift_jis", "euc-kr", "utf-16", "utf-16-be"])
                     .map(lambda codec: t.encode(codec, errors="replace")))))
def test_bytes_never_raise(data):
    doc = cleanse.clean(data)
    assert doc.status in (Status.OK, Status.EMPTY, Status.ERROR)
    if doc.status is Status.ERROR:
        assert doc.error.startswith(("binary input", "undecodable input", "damaged gzip"))
    assert _same(doc, cleanse.clean(data))
