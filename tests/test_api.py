"""The library API: inputs of every type, bad input, determinism, configuration."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

import cleanse
from cleanse import Config, ConfigError, Status
from cleanse.detectors import available, detector_class
from cleanse.reading.capture import to_capture

from helpers import EN, ZH_HANS, ZH_HANT, labelled, lines_with, page, rules

SEED = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))[4]


def test_str_bytes_and_path_give_the_same_text():
    by_path = cleanse.clean(SEED)
    assert by_path.source == str(SEED)
    assert cleanse.clean(SEED.read_text("utf-8")).text == by_path.text
    assert cleanse.clean(SEED.read_bytes()).text == by_path.text


@pytest.mark.parametrize("encoding,body", [("gb18030", ZH_HANS), ("gbk", ZH_HANS),
                                           ("big5", ZH_HANT), ("utf-16", EN)])
def test_legacy_encodings_are_decoded(encoding, body):
    doc = cleanse.clean(page(*body).encode(encoding))
    assert doc.status is Status.OK
    assert body[0] in doc.text
    assert doc.decode_errors == 0


def test_html_declared_gb2312_is_read_as_gb18030():
    html = ('<html><head><meta charset="gb2312"><title>t</title></head><body>'
            + "".join(f"<p>{p}</p>" for p in ZH_HANS) + "<p>镕</p></body></html>")
    doc = cleanse.clean(html.encode("gb18030"))
    assert doc.encoding == "gb18030"


def test_text_is_composed_and_without_invisible_characters():
    # A decomposed "ü", soft hyphens (raw and as `&shy;`), a zero-width space: gone from the
    # text, so the words read whole; a zero-width joiner (an emoji sequence) stays.
    body = ("Die Kommen\u00adtare zu die&shy;sem Beitrag u\u0308ber Wetter\u200bdaten sind "
            "lang genug, um als Absatz gelesen zu werden, und enden mit "
            "\U0001f469\u200d\U0001f52c.")
    html = f"<html><body><article><h1>Titel</h1><p>{body}</p><p>{body}!</p></article></body></html>"
    for capture in (html, body.replace("&shy;", "\u00ad")):
        text = cleanse.clean(capture).text
        assert "Kommentare zu diesem Beitrag über Wetterdaten" in text
        assert "\U0001f469\u200d\U0001f52c" in text
    lines = to_capture("a\u00ad\nu\u0308\n\u200b\n").text.split("\n")
    assert lines == ["a", "ü", "", ""]  # the same lines, line for line


@pytest.mark.parametrize("data,kind", [
    (b"\x89PNG\r\n\x1a\n" + bytes(200), "PNG image"),
    (b"%PDF-1.7\n" + bytes(range(256)), "PDF document"),
    (b"\x1f\x8b\x08\x00" + bytes(100), "gzip archive"),
    (bytes(range(256)) * 4, "NUL bytes"),
])
def test_binary_input_is_an_error_record(data, kind):
    doc = cleanse.clean(data)
    assert doc.status is Status.ERROR
    assert kind in doc.error


@pytest.mark.parametrize("value", ["", "   \n\n  ", b""])
def test_empty_input_is_flagged_empty(value):
    doc = cleanse.clean(value)
    assert doc.status is Status.EMPTY
    assert doc.text == ""


def test_unreadable_path_is_an_error_record(tmp_path):
    doc = cleanse.clean(tmp_path / "missing.txt")
    assert doc.status is Status.ERROR
    assert "cannot read" in doc.error


def test_wrong_type_is_a_type_error():
    with pytest.raises(TypeError, match="pass str, bytes or a path"):
        cleanse.clean(42)  # type: ignore[arg-type]


def test_output_is_identical_across_processes():
    code = ("import cleanse, json, sys; from pathlib import Path; "
            "print(json.dumps(cleanse.clean(Path(sys.argv[1])).to_dict(), ensure_ascii=False))")
    runs = {subprocess.run([sys.executable, "-c", code, str(SEED)], capture_output=True,
                           text=True, check=True).stdout for _ in range(2)}
    assert len(runs) == 1
    assert json.loads(runs.pop())["status"] == "ok"


def test_record_has_the_documented_fields():
    record = cleanse.clean(SEED).to_dict()
    assert {"source", "status", "error", "title", "language", "text", "segments", "metadata",
            "removed"} <= set(record)
    assert set(record["segments"][0]) == {"language", "text", "first_line", "last_line"}
    assert {"first_line", "last_line", "detector", "reason"} <= set(record["removed"][0])
    json.dumps(record)


def test_explain_lists_detector_and_reason():
    doc = cleanse.clean(SEED)
    explanation = doc.explain()
    assert "breadcrumbs/home_trail" in explanation
    assert len(explanation.splitlines()) == len(doc.removed)


# --- configuration ------------------------------------------------------------------

def keep_probability(pipeline: cleanse.Pipeline, capture: str, needle: str) -> float:
    """The arbiter's probability that the line holding ``needle`` is article text."""
    labels = pipeline.label(to_capture(capture))
    judgement = pipeline.arbiter.judge(labels)
    (line,) = lines_with(labels, needle)
    return next(v.keep_probability for v in judgement.verdicts if v.line is line)


def test_disabling_a_detector_changes_the_output():
    prompt = "Subscribe to our newsletter for free today!"
    capture = page(*EN[:2], prompt, *EN[2:])
    config = Config().disable("newsletter", "main_region")
    # The detector's evidence is there, and then it is gone.
    assert ("newsletter", "subscribe_prompt") in rules(labelled(capture), prompt)
    disabled = labelled(capture, config=config)
    assert not any(d.detector in ("newsletter", "main_region")
                   for line in disabled.lines for d in line.decisions)
    assert not rules(disabled, prompt)
    # The arbiter weighs it: without that evidence the prompt looks more like article text.
    assert (keep_probability(cleanse.Pipeline(config), capture, prompt)
            > keep_probability(cleanse.Pipeline(), capture, prompt))
    assert prompt in cleanse.clean(capture, config=config).text


def test_options_and_keywords_override_from_toml(tmp_path):
    path = tmp_path / "cleanse.toml"
    path.write_text('mode = "precision"\n[pipeline]\ndisable = ["promo"]\n'
                    '[detectors.skip_links.keywords]\nphrases = ["jump right in"]\n'
                    '[detectors.main_region]\nshort_penalty = 4.0\n', "utf-8")
    config = Config.from_toml(path)
    assert "promo" not in config.detectors and config.mode == "precision"
    text = cleanse.clean(page("Jump right in", *EN), config=config).text
    assert "Jump right in" not in text


def test_the_arbiters_model_is_configurable(tmp_path):
    path = tmp_path / "cleanse.toml"
    path.write_text(f'[arbiter]\nmodel = "{tmp_path / "model"}"\n', "utf-8")
    assert Config.from_toml(path).arbiter_model == str(tmp_path / "model")
    assert Config().arbiter_model != Config.from_toml(path).arbiter_model


def test_reordering_and_enabling_by_name():
    config = Config().disable("promo").enable("promo", before="menus")
    assert config.detectors.index("promo") == config.detectors.index("menus") - 1


def test_a_detector_cannot_run_before_the_detectors_whose_decisions_it_reads():
    with pytest.raises(ConfigError, match="'title' reads the decisions of main_region"):
        Config().disable("title").enable("title", before="main_region")
    with pytest.raises(ConfigError, match="'main_region' reads the decisions of menus"):
        Config.from_dict({"pipeline": {"detectors": ["main_region", "menus"]}})


def test_a_disabled_detector_that_another_reads_is_allowed():
    assert "menus" not in Config().disable("menus").detectors


def test_every_declared_read_names_a_detector():
    for name in available():
        assert set(detector_class(name).reads) <= set(available()), name


@pytest.mark.parametrize("data,message", [
    ({"pipeline": {"detectors": ["nope"]}}, "unknown detector"),
    ({"detectors": {"promo": {"bogus": 1}}}, "has no option"),
    ({"mode": "fast"}, "unknown mode"),
    ({"colour": {}}, "unknown config section"),
    ({"html": {"main_content": False}}, "unknown config section"),  # the whole page, always
])
def test_bad_configuration_is_a_clear_error(data, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_dict(data)


def test_modes_trade_precision_for_recall():
    capture = page("Nav item one", "Another short line", *EN, "Short trailing line")
    recall = cleanse.clean(capture, config=Config(mode="recall")).text
    precision = cleanse.clean(capture, config=Config(mode="precision")).text
    assert len(precision) <= len(cleanse.clean(capture).text) <= len(recall)


QUOTE = "一位市民说：“我们等这条线已经等了十年，终于看到希望了。”"


def test_markdown_output_keeps_headings_lists_and_quotes_from_html():
    html = ("<html><body><article><h1>上海地铁新线获批</h1>"
            + f"<p>{ZH_HANS[0]}</p><h2>城市交通</h2>"
            + "".join(f"<p>{p}</p>" for p in ZH_HANS[1:])
            + "<ul><li>新线路全长四十五公里，共设三十座车站。</li>"
            + "<li>预计二零二八年建成通车。</li></ul>"
            + f"<blockquote><p>{QUOTE}</p></blockquote></article></body></html>")
    doc = cleanse.clean(html)
    assert "## 城市交通" in doc.markdown.split("\n")
    assert "- 预计二零二八年建成通车。" in doc.markdown.split("\n")
    assert f"> {QUOTE}" in doc.markdown.split("\n")
    assert "城市交通" in doc.text.split("\n") and "## " not in doc.text
    record = doc.to_dict("markdown")
    assert record["format"] == "markdown" and record["text"] == doc.markdown
    assert "\n\n## 城市交通\n\n" in record["segments"][0]["text"]


def test_text_format_drops_markdown_markup_from_markdown_captures():
    capture = "## 城市交通\n\n" + "\n\n".join(f"- **{p[:6]}**{p[6:]}" for p in ZH_HANS) + "\n"
    doc = cleanse.clean(capture)
    assert ZH_HANS[0] in doc.text.split("\n\n") and "**" not in doc.text
    assert f"- **{ZH_HANS[0][:6]}**{ZH_HANS[0][6:]}" in doc.markdown
    with pytest.raises(ValueError, match="unknown format"):
        doc.to_dict("html")


def test_a_page_whose_one_line_is_its_title_is_not_empty():
    doc = cleanse.clean("esk8.news esk8 calc donate now")
    assert doc.status is Status.OK
    assert doc.text == doc.title == "esk8.news esk8 calc donate now"
    assert doc.markdown == doc.text  # no heading repeating the text
    assert [s.text for s in doc.segments] == [doc.text]
