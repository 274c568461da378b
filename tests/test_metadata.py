"""Metadata from HTML, front matter and datelines; records that load as a table."""

from __future__ import annotations

import json

import pytest

import cleanse
from cleanse import native
from cleanse.model import METADATA_FIELDS, PREVIEW_CHARS, RECORD_SCHEMA, record_features
from cleanse.reading import metadata
from cleanse.reading.metadata import iso_date, labelled_fields, timestamps
from cleanse.running.cli import main

from helpers import EN, ZH_HANS, labelled, page, rules

ARTICLE_HTML = """<html lang="en-GB"><head>
<title>Light rail approved | City Paper</title>
<link rel="canonical" href="https://www.citypaper.example/news/light-rail">
<meta property="og:site_name" content="City Paper">
<meta property="og:image" content="/img/rail.jpg">
<meta name="description" content="The council approved the line.">
<meta property="article:tag" content="transport">
<meta property="article:tag" content="council">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "name": "City Paper"},
  {"@type": "NewsArticle", "headline": "Light rail approved",
   "datePublished": "2024-09-01T08:00:00Z", "dateModified": "2024-09-02T10:15:00+02:00",
   "author": [{"@type": "Person", "name": "Jane Doe"}, {"@type": "Person", "name": "Sam Lee"}],
   "articleSection": "Local"}]}
</script></head><body><article><h1>Light rail approved</h1>
""" + "".join(f"<p>{p}</p>" for p in EN) + "</article></body></html>"


def test_html_declarations_fill_every_field():
    meta = cleanse.clean(ARTICLE_HTML).metadata
    assert meta["published"] == "2024-09-01T08:00:00+00:00"  # ISO 8601, the zone kept
    assert meta["modified"] == "2024-09-02T10:15:00+02:00"
    assert meta["author"] == ["Jane Doe", "Sam Lee"]
    assert meta["url"] == "https://www.citypaper.example/news/light-rail"
    assert meta["hostname"] == "citypaper.example"
    assert meta["site_name"] == "City Paper"
    assert meta["image"] == "https://www.citypaper.example/img/rail.jpg"  # made absolute
    assert meta["description"] == "The council approved the line."
    assert meta["tags"] == ["transport", "council"]
    assert meta["categories"] == ["Local"]
    assert meta["html_lang"] == "en-GB"


def test_html_without_declarations_reads_its_byline_and_dateline():
    html = ("<html><body><article><h1>Light rail approved</h1>"
            "<p>By Jane Doe and Sam Lee</p><p>Updated 6:42 PM CDT, October 9, 2025</p>"
            + "".join(f"<p>{p}</p>" for p in EN) + "</article></body></html>")
    doc = cleanse.clean(html)
    assert doc.metadata["author"] == ["Jane Doe", "Sam Lee"]
    assert doc.metadata["modified"] == "2025-10-09T18:42:00-05:00"


def test_a_chinese_dateline_names_date_source_and_editor():
    capture = page("上海地铁新线获批", "2025-03-12 10:24:31 来源：新华网 编辑：王小明", *ZH_HANS)
    doc = cleanse.clean(capture)
    assert doc.metadata["published"] == "2025-03-12T10:24:31"  # no zone given, none invented
    assert doc.metadata["source"] == "新华网"
    assert doc.metadata["editor"] == "王小明"
    assert "新华网" not in doc.text


def test_a_reporters_byline_names_the_authors():
    capture = page("上海地铁新线获批", "2025年3月12日 10:24", "本报记者 王建宏 张文攀", *ZH_HANS)
    meta = cleanse.clean(capture).metadata
    assert meta["author"] == ["王建宏", "张文攀"]
    assert meta["published"] == "2025-03-12T10:24:00"


KO = ["서울시는 수요일 새 경전철 노선 건설에 2조 원을 투입한다고 밝혔다.",
      "새 노선은 총연장 28킬로미터로 30개 역이 들어설 예정이다.",
      "전문가들은 동부 지역 주민들의 출퇴근 시간이 크게 줄어들 것으로 내다봤다."]


@pytest.mark.parametrize("byline, author", [
    ("김민수 기자 minsu@example.com", "김민수"),
    ("워싱턴=이지은 특파원", "이지은"),
])
def test_a_korean_reporters_byline_names_the_author(byline, author):
    # The name comes first, then the word for reporter ("기자") or correspondent ("특파원").
    labels = labelled(page(byline, *KO))
    assert ("dateline", "credit") in rules(labels, byline)
    doc = cleanse.clean(page(byline, *KO))
    assert doc.metadata["author"] == [author]
    assert all(paragraph in doc.text for paragraph in KO)


def test_a_press_conference_is_not_a_korean_byline():
    # "기자회견" (press conference) runs the word for reporter on into another.
    assert labelled_fields("국방부 기자회견 열려") == {}


def test_dates_of_a_related_list_are_not_the_publication_date():
    related = ["Related stories", "* Bus fares rise again", "* 2021-03-01",
               "* Bridge closes for repairs", "* 2021-02-27",
               "* New cycle lanes open", "* 2021-02-20"]
    doc = cleanse.clean(page("New light rail line approved", *EN, *related))
    assert doc.metadata["published"] is None


def test_front_matter_fills_fields_and_keeps_the_rest_as_capture_fields():
    capture = ("---\ntitle: Light rail\ndate: 2024-05-01\nauthor: Jane Doe\n"
               "tags: [transport, council]\ndraft: false\n---\n\n" + page(*EN))
    doc = cleanse.clean(capture)
    meta = doc.metadata
    assert (doc.title, meta["title"]) == ("Light rail", "Light rail")
    assert meta["published"] == "2024-05-01"
    assert meta["author"] == ["Jane Doe"]
    assert meta["tags"] == ["transport", "council"]
    assert json.loads(meta["capture_fields"])["draft"] is False


@pytest.mark.parametrize("value,expected", [
    ("2024-09-01T08:00:00Z", "2024-09-01T08:00:00+00:00"),
    ("2024-09-01T08:00:00.123+0530", "2024-09-01T08:00:00+05:30"),
    ("2024-09-01", "2024-09-01"),
    ("2005年3月11日12:12", "2005-03-11T12:12:00"),
    ("Nov. 20, 2019, 9:28 AM UTC", "2019-11-20T09:28:00+00:00"),
    ("2024-13-45", None),
    ("not a date", None),
])
def test_dates_become_iso_8601(value, expected):
    assert iso_date(value) == expected


def test_a_timestamp_is_read_whole_from_a_line():
    assert list(timestamps("BUSINESS.SOHU.COM 2005年3月11日 12:12 来源：人民网")) == [
        "2005-03-11T12:12:00"]


@pytest.mark.parametrize("line,fields", [
    ("By Jane Doe and John Roe | Published Oct. 9, 2025",
     {"author": ["Jane Doe", "John Roe"], "published": "2025-10-09"}),
    ("Posted by J. Doe on March 3, 2024", {"author": ["J. Doe"]}),
    ("编辑： 金金 来源： 21世纪经济报道 作者：宋怡 杨志华",
     {"editor": "金金", "source": "21世纪经济报道", "author": ["宋怡", "杨志华"]}),
    # "by" inside a sentence labels nothing
    ("Cloud services offered by Google and others", {}),
])
def test_labelled_fields(line, fields):
    assert labelled_fields(line) == fields


def test_labelled_fields_remember_short_lines_only():
    """A byline is remembered by its text; a long line (one token of a megabyte, say) is
    answered the same way but not kept in memory after its capture."""
    byline = "Posted by J. Doe on March 3, 2024"
    long_line = "Posted by J. Doe on March 3, 2024 " + "x" * (metadata.REMEMBERED_CHARS + 1)
    assert labelled_fields(byline) == {"author": ["J. Doe"]}
    assert metadata._remembered_fields(byline, native.enabled) == {"author": ["J. Doe"]}
    before = metadata._remembered_fields.cache_info()
    assert labelled_fields(long_line)["author"] == ["J. Doe"]
    after = metadata._remembered_fields.cache_info()
    assert (after.hits, after.misses, after.currsize) == (before.hits, before.misses,
                                                          before.currsize)
    # The answer is a fresh dict each time: a caller changing it changes no later answer.
    labelled_fields(byline)["author"].append("Someone Else")
    assert labelled_fields(byline) == {"author": ["J. Doe"]}


# --- records ---------------------------------------------------------------------------------

def metadata_types(record: dict) -> dict[str, str]:
    return {k: type(v).__name__ for k, v in record["metadata"].items()}


def test_every_record_has_the_same_metadata_fields_and_types():
    records = [cleanse.clean(ARTICLE_HTML).to_dict(), cleanse.clean(page(*EN)).to_dict(),
               cleanse.clean(b"\x89PNG\r\n\x1a\n" + bytes(100)).to_dict(),
               cleanse.clean(json.dumps({"text": " ".join(EN), "id": 7})).to_dict()]
    for record in records:
        assert list(record["metadata"]) == list(METADATA_FIELDS)
        for name, kind in METADATA_FIELDS.items():
            value = record["metadata"][name]
            assert isinstance(value, list) if kind is list else value is None or \
                isinstance(value, str), (name, value)
    assert json.loads(records[3]["metadata"]["capture_fields"]) == {"id": 7}


def test_markdown_is_headed_by_the_title_and_text_is_the_body():
    doc = cleanse.clean(ARTICLE_HTML)
    assert doc.markdown.startswith("# Light rail approved\n\n")
    assert "Light rail approved" not in doc.text
    assert doc.to_dict("markdown")["text"] == doc.markdown


def test_removed_spans_carry_their_text():
    menu = ["Home", "News", "Sport", "Weather", "Contact"] * 60
    doc = cleanse.clean(page(" | ".join(menu), *EN))
    span = doc.to_dict()["removed"][0]
    assert span["text_preview"] == " | ".join(menu)[:PREVIEW_CHARS]
    assert span["chars"] > PREVIEW_CHARS


def test_the_clis_jsonl_loads_with_hf_datasets(tmp_path):
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.html").write_text(ARTICLE_HTML, "utf-8")
    (folder / "b.txt").write_text(page("上海地铁新线获批", "2025-03-12 10:24:31 来源：新华网",
                                       *ZH_HANS), "utf-8")
    (folder / "c.md").write_text("---\ntitle: Light rail\ntags: [a]\n---\n\n" + page(*EN), "utf-8")
    (folder / "d.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    out = tmp_path / "out.jsonl"
    main(["clean", str(folder), "-o", str(out), "-j", "1", "-q"])
    table = datasets.load_dataset("json", data_files=str(out), split="train",
                                  cache_dir=str(tmp_path / "cache"))
    rows = {row["source"]: row for row in table}
    assert set(rows) == {"a.html", "b.txt", "c.md", "d.txt"}
    assert rows["a.html"]["metadata"]["author"] == ["Jane Doe", "Sam Lee"]
    assert rows["b.txt"]["metadata"]["source"] == "新华网"
    assert rows["d.txt"]["status"] == "error" and rows["d.txt"]["metadata"]["author"] == []
    assert all(isinstance(span["text_preview"], str) for row in table for span in row["removed"])


def test_the_documented_schema_reads_a_file_whose_first_block_has_only_nulls(tmp_path):
    """Blocks of one record each: the first block alone fixes no type from its nulls."""
    datasets = pytest.importorskip("datasets")
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(page(*EN), "utf-8")
    dateline = "2025-03-12 10:24:31 来源：新华网 编辑：王小明"
    (folder / "b.txt").write_text(page("上海地铁新线获批", dateline, *ZH_HANS), "utf-8")
    (folder / "c.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    out = tmp_path / "out.jsonl"
    main(["clean", str(folder), "-o", str(out), "-j", "1", "-q"])
    assert set(json.loads(out.read_text("utf-8").splitlines()[0])) == set(RECORD_SCHEMA)
    table = datasets.load_dataset("json", data_files=str(out), split="train",
                                  features=record_features(), chunksize=64,
                                  cache_dir=str(tmp_path / "cache"))
    assert table["status"] == ["ok", "ok", "error"]
    assert table[1]["metadata"]["editor"] == "王小明" and table[2]["error"]
