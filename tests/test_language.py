"""Language tags: script first, Hans/Hant by character tables, segments for bilingual text."""

from __future__ import annotations

import pytest

import cleanse
from cleanse.deciding.language import LanguageTagger, chinese_variant

from helpers import EN, JA, ZH_HANS, ZH_HANT, page


@pytest.mark.parametrize("body,expected", [
    (ZH_HANS, "zh-Hans"), (ZH_HANT, "zh-Hant"), (EN, "en"), (JA, "ja"),
])
def test_document_language(body, expected):
    doc = cleanse.clean(page(*body))
    assert doc.language == expected
    assert [s.language for s in doc.segments] == [expected]


def test_korean_line():
    assert LanguageTagger().tag("서울시는 수요일 새로운 지하철 노선 건설 계획을 발표했다.") == "ko"


def test_chinese_with_english_names_stays_chinese():
    line = "Meta首席执行官马克·扎克伯格宣布，公司将与OpenAI和Google展开竞争。"
    assert LanguageTagger().tag(line) == "zh-Hans"


def test_variant_tables_tell_simplified_from_traditional():
    assert chinese_variant("这个国家的经济发展") == "zh-Hans"
    assert chinese_variant("這個國家的經濟發展") == "zh-Hant"
    assert chinese_variant("中文") == "zh"  # no telling character


def test_bilingual_capture_gives_two_segments():
    capture = page("城市交通新计划", *ZH_HANS, "---", "New transit plan", *EN)
    doc = cleanse.clean(capture)
    assert [s.language for s in doc.segments] == ["zh-Hans", "en"]
    first, second = doc.segments
    assert first.last_line < second.first_line
    assert EN[0] in second.text and ZH_HANS[0] in first.text


def test_paragraph_by_paragraph_bilingual_text_is_tagged_by_paragraph():
    # Each English paragraph (16-19 words) is under min_tokens but a sentence of its own.
    english = ["Officials said the line would run for twenty-eight miles and serve thirty "
               "stations across the city.",
               "Transport experts expect the project to shorten commutes for the residents "
               "of the east side by half.",
               "Some residents worry that the construction will disrupt local roads and "
               "businesses for several years."]
    capture = "\n\n".join(line for pair in zip(ZH_HANS[:3], english) for line in pair)
    doc = cleanse.clean(capture)
    assert [s.language for s in doc.segments] == ["zh-Hans", "en"] * 3
    assert [s.text for s in doc.segments[1::2]] == english


def test_short_foreign_line_joins_its_neighbours_segment():
    capture = page(ZH_HANS[0], ZH_HANS[1], "Officials declined to comment.", *ZH_HANS[2:])
    doc = cleanse.clean(capture)
    assert [s.language for s in doc.segments] == ["zh-Hans"]


@pytest.mark.parametrize("backend", ["cld2", "langdetect"])
def test_backends_are_deterministic(backend):
    tagger = LanguageTagger(backend=backend)
    tags = {tagger.tag(EN[0] + " " + EN[1]) for _ in range(5)}
    assert tags == {"en"}


def test_unknown_backend_is_a_clear_error():
    with pytest.raises(ValueError, match="unknown language backend"):
        LanguageTagger(backend="nope")


def test_a_line_with_a_lone_surrogate_is_tagged_as_its_utf8_replacement():
    # cld2 reads UTF-8, which cannot hold a lone surrogate: the line is tagged as if the
    # surrogate were the "?" UTF-8's replacing encoder writes, not refused.
    text = f"{EN[0]} \ud800 {EN[1]}"
    tagger = LanguageTagger()
    assert tagger.tag(text) == tagger.tag(text.replace("\ud800", "?")) == "en"
