"""WARC input: a crawl file made here round-trips through `cleanse clean`."""

from __future__ import annotations

import gzip
import json
import uuid
from io import BytesIO

import pytest
from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

from cleanse.running.cli import main

from helpers import EN, ZH_HANS, page
from test_cli import digests

DATE = "2026-11-01T08:00:00Z"


def _html(title: str, paragraphs: list[str], charset: str = "utf-8") -> bytes:
    body = "".join(f"<p>{p}</p>" for p in paragraphs)
    return (f'<html><head><meta charset="{charset}"><title>{title}</title></head>'
            f"<body><nav><a href='/'>Home</a> <a href='/news'>News</a></nav>"
            f"<article><h1>{title}</h1>{body}</article></body></html>").encode(charset)


def _write_warc(path, records, encoding: str | None = None) -> None:
    """A WARC file of (type, URL, content type, payload); the same bytes on every run
    (record IDs are numbered, not random, so a cut at a given offset is reproducible)."""
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=str(path).endswith(".gz"))
        for number, (rec_type, url, content_type, payload) in enumerate(records):
            fields = [("Content-Type", content_type)]
            if encoding:
                fields.append(("Content-Encoding", encoding))
            headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1") \
                if rec_type == "response" else None
            record = writer.create_warc_record(
                url, rec_type, payload=BytesIO(payload), http_headers=headers,
                warc_headers_dict={"WARC-Date": DATE,
                                   "WARC-Record-ID": f"<urn:uuid:{uuid.UUID(int=number)}>"})
            writer.write_record(record)


@pytest.fixture()
def crawl(tmp_path):
    path = tmp_path / "crawl.warc.gz"
    _write_warc(path, [
        ("response", "https://example.com/en", "text/html; charset=utf-8",
         _html("Council approves rail line", EN)),
        ("request", "https://example.com/en", "application/http", b"GET /en HTTP/1.1\r\n\r\n"),
        ("response", "https://example.cn/zh", "text/html; charset=gbk",
         _html("上海地铁新线获批", ZH_HANS, "gbk")),
        ("response", "https://example.com/logo.png", "image/png", b"\x89PNG\r\n\x1a\n" + bytes(50)),
        ("response", "https://example.com/en", "text/html", _html("Second capture", EN[:3])),
    ])
    return path


def test_every_html_response_becomes_one_record(crawl, tmp_path):
    before = digests(tmp_path)
    out = tmp_path / "out" / "crawl.jsonl"
    assert main(["clean", str(crawl), "-o", str(out), "-q"]) == 0
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["source"] for r in records] == ["https://example.com/en", "https://example.cn/zh",
                                             "https://example.com/en#2"]
    english, chinese, again = records
    assert english["language"] == "en" and EN[3] in english["text"]
    assert "Home" not in english["text"]
    assert chinese["encoding"] == "gb18030" and chinese["language"] == "zh-Hans"
    assert ZH_HANS[0] in chinese["text"]
    assert chinese["metadata"]["warc_date"] == DATE
    assert chinese["metadata"]["url"] == "https://example.cn/zh"
    assert chinese["metadata"]["warc_file"] == "crawl.warc.gz"
    assert EN[3] not in again["text"]
    assert digests(tmp_path / "out") and {k: v for k, v in digests(tmp_path).items()
                                          if k in before} == before


def test_resume_skips_warc_records_already_done(crawl, tmp_path):
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    main(["clean", str(crawl), "-o", str(out), "-q"])
    main(["clean", str(crawl), "-o", str(out), "-q", "--stats", str(stats)])
    assert json.loads(stats.read_text("utf-8"))["status"] == {"skipped": 3}


def test_a_damaged_warc_is_an_error_record_and_the_run_goes_on(crawl, tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    (folder / "a.txt").write_text(page(*EN), "utf-8")
    (folder / "broken.warc.gz").write_bytes(gzip.compress(b"WARC/1.0\r\nnot really\r\n")[:30])
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 1
    records = {r["source"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert records["a.txt"]["status"] == "ok"
    assert records["broken.warc.gz"]["status"] == "error"
    assert records["broken.warc.gz"]["error"].startswith("cannot read WARC")


def test_the_http_charset_beats_a_wrong_meta_charset(tmp_path):
    html = ('<html><head><meta charset="iso-8859-1"></head><body><article>'
            + "".join(f"<p>{p}</p>" for p in ZH_HANS) + "</article></body></html>").encode("gbk")
    path = tmp_path / "crawl.warc"
    _write_warc(path, [("response", "https://example.cn/a", "text/html; charset=GBK", html)])
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(path), "-o", str(out), "-q"]) == 0
    record = json.loads(out.read_text("utf-8"))
    assert record["encoding"] == "gb18030" and ZH_HANS[0] in record["text"]


@pytest.mark.parametrize("name", ["cut.warc", "cut.warc.gz"])
def test_a_warc_cut_off_mid_record_keeps_the_records_before_and_reports_the_cut(tmp_path, name):
    path = tmp_path / name
    _write_warc(path, [("response", f"https://example.com/{n}", "text/html",
                        _html(f"Story {n}", EN * 5)) for n in range(3)])
    data = path.read_bytes()
    path.write_bytes(data[:len(data) - len(data) // 6])  # inside the third record
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(path), "-o", str(out), "-q"]) == 1
    records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert [r["status"] for r in records] == ["ok", "ok", "error"]
    assert "truncated" in records[2]["error"] and records[2]["source"] == name


# Memory: records are read as the run reaches them (issue 15, item 7) -----------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_warc_records_are_read_as_the_run_reaches_them(tmp_path, monkeypatch, jobs):
    """Never the whole crawl in memory: when a record is written, only the records ahead of
    it that workers hold or that finished out of order (a bounded number) have been read."""
    import cleanse.running.batch
    from cleanse.running.batch import JOBS_PER_WORKER, WAITING_PER_WORKER, Summary

    path = tmp_path / "crawl.warc.gz"
    count = 40
    _write_warc(path, [("response", f"https://example.com/{n}", "text/html",
                        _html(f"Story {n}", EN)) for n in range(count)])
    read, ahead = [0], []
    real_records, real_add = cleanse.running.batch.html_records, Summary.add

    def counted(*args, **kwargs):
        for record in real_records(*args, **kwargs):
            read[0] += 1
            yield record

    def add(self, record, earlier=None):
        ahead.append(read[0] - sum(self.statuses.values()))
        real_add(self, record, earlier)

    monkeypatch.setattr(cleanse.running.batch, "html_records", counted)
    monkeypatch.setattr(Summary, "add", add)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(path), "-o", str(out), "-q", "-j", jobs]) == 0
    assert len(out.read_text("utf-8").splitlines()) == count
    workers = int(jobs)
    bound = 1 if workers == 1 else (JOBS_PER_WORKER + WAITING_PER_WORKER) * workers + 1
    assert max(ahead) <= bound < count, ahead


def test_listing_a_warc_holds_one_record_body_at_a_time(tmp_path):
    import tracemalloc

    from cleanse.running.batch import find_inputs

    body = _html("Story", EN * 400)  # about 140 KB per record, 8.6 MB in all
    path = tmp_path / "crawl.warc"
    _write_warc(path, [("response", f"https://example.com/{n}", "text/html", body)
                       for n in range(60)])
    tracemalloc.start()
    try:
        count = 0
        for job in find_inputs([str(path)]):
            assert job.data is not None and len(job.data) == len(body)
            count += 1
            del job
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert count == 60
    assert peak < 8 * len(body), f"peak {peak} bytes for records of {len(body)} bytes"
