"""The command line: batch runs keep going, never touch inputs, write atomically."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import cleanse
from cleanse.running.cli import main
from cleanse.running.outputs import output_path

from helpers import EN, ZH_HANS, labelled, lines_with, page

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


@pytest.fixture()
def corpus(tmp_path):
    root = tmp_path / "in"
    (root / "sub").mkdir(parents=True)
    (root / "a.txt").write_text(page(*EN), "utf-8")
    (root / "sub" / "b.md").write_text(page(*ZH_HANS), "utf-8")
    (root / "sub" / "gbk.txt").write_bytes(page(*ZH_HANS).encode("gbk"))
    (root / "broken.txt").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(100))
    (root / "empty.txt").write_text("", "utf-8")
    (root / "notes.tsv").write_text("not a capture", "utf-8")
    return root


def digests(root: Path) -> dict[str, str]:
    return {str(p): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(root.rglob("*")) if p.is_file()}


def test_folder_to_jsonl_keeps_going_and_reports_failures(corpus, tmp_path, capsys):
    before = digests(corpus)
    out = tmp_path / "out.jsonl"
    code = main(["clean", str(corpus), "-o", str(out), "-j", "1", "--stats",
                 str(tmp_path / "stats.json")])
    records = {r["source"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}
    assert code == 1  # one capture failed
    assert set(records) == {"a.txt", "broken.txt", "empty.txt", "sub/b.md", "sub/gbk.txt"}
    assert records["broken.txt"]["status"] == "error"
    assert "PNG image" in records["broken.txt"]["error"]
    assert records["empty.txt"]["status"] == "empty"
    assert records["sub/gbk.txt"]["encoding"] == "gb18030"
    assert records["sub/gbk.txt"]["text"] == records["sub/b.md"]["text"]
    assert records["a.txt"]["language"] == "en"
    stats = json.loads((tmp_path / "stats.json").read_text("utf-8"))
    assert stats["status"] == {"ok": 3, "error": 1, "empty": 1}
    assert "broken.txt" in capsys.readouterr().err
    assert digests(corpus) == before
    assert not list(tmp_path.glob(".out.jsonl.*"))  # no temporary file left behind


def test_folder_to_folder_mirrors_the_tree(corpus, tmp_path):
    out = tmp_path / "out"
    main(["clean", str(corpus), "-o", str(out), "-j", "2", "-q"])
    written = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.json"))
    assert written == ["a.txt.json", "broken.txt.json", "empty.txt.json", "sub/b.md.json",
                       "sub/gbk.txt.json"]
    assert json.loads((out / "a.txt.json").read_text("utf-8"))["status"] == "ok"


def test_parallel_and_serial_runs_are_identical(tmp_path):
    one, two = tmp_path / "one.jsonl", tmp_path / "two.jsonl"
    main(["clean", str(SEEDS), "-o", str(one), "-j", "1", "-q"])
    main(["clean", str(SEEDS), "-o", str(two), "-j", "2", "-q"])
    assert one.read_bytes() == two.read_bytes()
    assert len(one.read_text("utf-8").splitlines()) == 5


def test_refuses_to_overwrite_an_input(corpus):
    target = corpus / "a.txt"
    before = target.read_bytes()
    assert main(["clean", str(target), "-o", str(target), "-q"]) == 2
    assert target.read_bytes() == before


def test_stdin_to_stdout():
    result = subprocess.run([sys.executable, "-m", "cleanse", "clean", "-", "-o", "-", "-q"],
                            input=page(*EN).encode(), capture_output=True, check=True)
    record = json.loads(result.stdout)
    assert record["source"] == "<stdin>" and EN[0] in record["text"]


def test_explain_command(capsys):
    seed = next(SEEDS.glob("004_*.txt"))
    assert main(["explain", str(seed)]) == 0
    out = capsys.readouterr().out
    assert "language: zh-Hans" in out and "related_lists/list_heading" in out


NAV_PAGE = ("<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a> <a href='/s'>Sport</a> "
            "<a href='/w'>Weather</a></nav><div>" + "".join(f"<p>{p}</p>" for p in EN)
            + "</div></body></html>")
SHIPPED_MODEL = Path(cleanse.__file__).resolve().parent / "data" / "arbiter"


def test_explain_shows_why_the_navigation_of_an_html_page_went(tmp_path, capsys):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    assert main(["explain", str(capture)]) == 0
    out = capsys.readouterr().out
    # The whole page is rendered; the DOM scorer's pick is named as evidence, not a cut.
    (pick,) = [line for line in out.splitlines() if line.startswith("html main content")]
    assert pick.endswith(": div")
    removed = out.split("\nremoved:\n", 1)[1]
    (nav,) = [line for line in removed.splitlines() if "Home News Sport Weather" in line]
    labels = labelled(NAV_PAGE)
    strongest = lines_with(labels, "Home News Sport Weather")[0].strongest(junk=True)
    assert strongest is not None and strongest.score >= 0.5
    assert f"{strongest.detector}/{strongest.rule}" in nav and "p(junk)" in nav
    assert not any(p in removed for p in EN)


def test_the_removed_html_options_are_usage_errors(tmp_path, capsys):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    toml = tmp_path / "full.toml"
    toml.write_text("[html]\nmain_content = false\n", "utf-8")
    assert main(["explain", str(capture), "--config", str(toml)]) == 2
    assert "unknown config section" in capsys.readouterr().err
    with pytest.raises(SystemExit) as exc:
        main(["explain", str(capture), "--full-page"])
    assert exc.value.code == 2


@pytest.mark.parametrize("how", ["--model", "--config"])
def test_another_model_directory(tmp_path, capsys, how):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, model)
    toml = tmp_path / "model.toml"
    toml.write_text(f'[arbiter]\nmodel = "{model}"\n', "utf-8")
    assert main(["explain", str(capture)]) == 0
    shipped = capsys.readouterr().out
    assert main(["explain", str(capture), how, str(model if how == "--model" else toml)]) == 0
    assert capsys.readouterr().out == shipped  # the same model, read from elsewhere


@pytest.mark.parametrize("command", ["explain", "clean"])
def test_a_missing_model_directory_is_a_usage_error(tmp_path, capsys, command):
    capture = tmp_path / "page.html"
    capture.write_text(NAV_PAGE, "utf-8")
    output = ["-o", str(tmp_path / "out.jsonl")] if command == "clean" else []
    assert main([command, str(capture), *output, "--model", str(tmp_path / "nowhere")]) == 2
    assert "model" in capsys.readouterr().err


def test_bad_config_is_a_usage_error(tmp_path, capsys):
    config = tmp_path / "bad.toml"
    config.write_text('[pipeline]\ndetectors = ["nope"]\n', "utf-8")
    assert main(["clean", str(SEEDS), "-o", str(tmp_path / "o.jsonl"), "--config",
                 str(config)]) == 2
    assert "unknown detector" in capsys.readouterr().err


@pytest.mark.parametrize("source", ["../../etc/passwd", "/abs/path.txt", "a/../../b.txt"])
def test_output_paths_never_escape_the_output_folder(tmp_path, source):
    target = output_path(tmp_path, source)
    assert tmp_path.resolve() in target.resolve().parents


def test_symlinks_are_skipped_by_default(corpus, tmp_path):
    link = corpus / "link.txt"
    link.symlink_to(corpus / "a.txt")
    out = tmp_path / "o.jsonl"
    main(["clean", str(corpus), "-o", str(out), "-q"])
    sources = [json.loads(r)["source"] for r in out.read_text("utf-8").splitlines()]
    assert "link.txt" not in sources
    shutil.rmtree(corpus)


def test_no_command_modifies_any_input(corpus, tmp_path, capsys):
    """Every command and mode, one after the other, over the same inputs."""
    seed = next(SEEDS.glob("000_*.txt"))
    seed_before = hashlib.sha256(seed.read_bytes()).hexdigest()
    before = digests(corpus)
    out = tmp_path / "out"
    runs = [
        ["clean", str(corpus), "-o", str(out / "a.jsonl"), "-q"],
        ["clean", str(corpus), "-o", str(out / "a.jsonl"), "-q"],  # resume
        ["clean", str(corpus), "-o", str(out / "a.jsonl"), "-q", "--force", "-j", "2"],
        ["clean", str(corpus), "-o", str(out / "tree"), "-q", "--format", "markdown"],
        ["clean", str(corpus / "a.txt"), str(seed), "-o", "-", "-q", "--mode", "recall"],
        ["explain", str(corpus / "sub" / "b.md")],
        ["explain", str(seed)],
        ["detectors"],
    ]
    for args in runs:
        assert main(args) in (0, 1), args
    capsys.readouterr()
    assert digests(corpus) == before
    assert hashlib.sha256(seed.read_bytes()).hexdigest() == seed_before


# Inputs (issue 16) -------------------------------------------------------------------------

ARTICLE_HTML = ("<!DOCTYPE html><html><head><title>Council approves rail line</title></head>"
                "<body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav><article>"
                + "".join(f"<p>{p}</p>" for p in EN) + "</article></body></html>")


def _records_by_source(out: Path) -> dict[str, dict]:
    return {r["source"]: r for r in map(json.loads, out.read_text("utf-8").splitlines())}


def test_gzip_captures_are_read_transparently(tmp_path):
    import gzip

    root = tmp_path / "in"
    root.mkdir()
    (root / "plain.html").write_text(ARTICLE_HTML, "utf-8")
    (root / "page.html.gz").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    (root / "note.txt.gz").write_bytes(gzip.compress(page(*EN).encode()))
    (root / "no-name-hint").write_bytes(gzip.compress(ARTICLE_HTML.encode()))  # gzip by magic
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(root), "-o", str(out), "-q"]) == 0
    records = _records_by_source(out)
    assert set(records) == {"plain.html", "page.html.gz", "note.txt.gz", "no-name-hint"}
    for source in ("page.html.gz", "no-name-hint"):
        assert records[source]["kind"] == "html"
        assert records[source]["text"] == records["plain.html"]["text"]
    assert records["note.txt.gz"]["kind"] in ("text", "markdown")
    assert EN[2] in records["note.txt.gz"]["text"]


def test_a_gzip_bomb_capture_is_an_error_record(tmp_path):
    import gzip

    bomb = tmp_path / "bomb.html.gz"
    bomb.write_bytes(gzip.compress(b"<p>x</p>" * 2_000_000, 9))  # 16 MB from about 30 KB
    ok = tmp_path / "ok.html.gz"
    ok.write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(bomb), str(ok), "-o", str(out), "-q", "--max-bytes",
                 "1000000"]) == 1
    records = _records_by_source(out)
    assert records["bomb.html.gz"]["status"] == "error"
    assert records["bomb.html.gz"]["error"] == ("too large: over 1000000 bytes once "
                                                "decompressed (see --max-bytes)")
    assert records["ok.html.gz"]["status"] == "ok"


def test_capture_names_in_any_case_and_pages_without_telling_names_are_taken(tmp_path):
    import gzip

    root = tmp_path / "mirror"
    (root / "news").mkdir(parents=True)
    for name in ("A.HTML", "page.shtml", "Notes.TXT", "index.php", "news/about",
                 "news/index.html?p=2"):
        (root / name).write_text(page(*EN) if name.lower().endswith(".txt") else ARTICLE_HTML,
                                 "utf-8")
    (root / "story.asp").write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    (root / "style.css").write_text("body { color: red }\n", "utf-8")
    (root / "app.js").write_text("document.title = '<b>x</b>';\n", "utf-8")
    (root / "logo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(64))
    (root / "README").write_text("Mirror made with wget on Tuesday.\n", "utf-8")
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(root), "-o", str(out), "-q", "--stats", str(stats)]) == 0
    records = _records_by_source(out)
    assert set(records) == {"A.HTML", "page.shtml", "Notes.TXT", "index.php", "news/about",
                            "news/index.html?p=2", "story.asp"}
    assert all(r["status"] == "ok" for r in records.values())
    assert records["A.HTML"]["kind"] == records["news/about"]["kind"] == "html"
    skipped = json.loads(stats.read_text("utf-8"))["skipped_inputs"]
    assert skipped == {"not a web page (sniffed: no HTML in its first bytes)": 4}


def test_include_globs_replace_the_default_choice(tmp_path):
    root = tmp_path / "in"
    root.mkdir()
    (root / "a.html").write_text(ARTICLE_HTML, "utf-8")
    (root / "b.data").write_text(page(*EN), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(root), "-o", str(out), "-q", "--include", "*.data"]) == 0
    assert set(_records_by_source(out)) == {"b.data"}


def test_an_input_list_names_the_paths_one_per_line(corpus, tmp_path, monkeypatch):
    listing = tmp_path / "inputs.txt"
    listing.write_text(f"{corpus / 'a.txt'}\n\n{corpus / 'sub'}\n", "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", "-i", str(listing), "-o", str(out), "-q"]) == 0
    assert set(_records_by_source(out)) == {"a.txt", "b.md", "gbk.txt"}
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(
        f"{corpus / 'empty.txt'}\n".encode())))
    assert main(["clean", str(corpus / "a.txt"), "-i", "-", "-o", str(out), "-q"]) == 0
    assert set(_records_by_source(out)) == {"a.txt", "b.md", "gbk.txt", "empty.txt"}


@pytest.mark.parametrize("how", ["argument", "list"])
def test_a_typo_in_an_input_path_is_a_usage_error_before_any_output(corpus, tmp_path, capsys,
                                                                    how):
    out = tmp_path / "new" / "out.jsonl"
    typo = str(corpus / "a.txtt")
    if how == "argument":
        args = [str(corpus / "a.txt"), typo]
    else:
        listing = tmp_path / "inputs.txt"
        listing.write_text(f"{corpus / 'a.txt'}\n{typo}\n", "utf-8")
        args = ["-i", str(listing)]
    assert main(["clean", *args, "-o", str(out)]) == 2
    assert f"no such file or folder: {typo}" in capsys.readouterr().err
    assert not out.parent.exists()


def _stdin(monkeypatch, data: bytes) -> None:
    import io

    monkeypatch.setattr(sys, "stdin", io.TextIOWrapper(io.BytesIO(data)))


def test_stdin_gets_a_source_name_and_a_kind(tmp_path, monkeypatch, capsys):
    out = tmp_path / "out.jsonl"
    _stdin(monkeypatch, ARTICLE_HTML.encode())
    assert main(["clean", "-", "-o", str(out), "-q", "--source", "council.html"]) == 0
    (record,) = _records_by_source(out).values()
    assert record["source"] == "council.html" and record["kind"] == "html"
    _stdin(monkeypatch, ARTICLE_HTML.encode())
    assert main(["clean", "-", "-o", "-", "-q", "--kind", "text"]) == 0
    record = json.loads(capsys.readouterr().out)
    assert record["source"] == "<stdin>" and record["kind"] == "text"
    assert main(["clean", str(out), "-o", "-", "--source", "x.html"]) == 2
    assert "--source names the capture read from stdin" in capsys.readouterr().err


# Outputs -------------------------------------------------------------------------------------

@pytest.mark.parametrize("name", ["out.json", "out.v2", "cleaned.html"])
def test_an_output_name_that_is_not_a_known_file_type_is_refused(corpus, tmp_path, capsys,
                                                                 name):
    out = tmp_path / name
    assert main(["clean", str(corpus), "-o", str(out), "-q"]) == 2
    err = capsys.readouterr().err
    assert "cleanse writes .jsonl, .csv or .txt files, or a folder" in err
    assert f"did you mean {tmp_path / 'out'}" in err or name == "cleaned.html"
    assert not out.exists()


def test_a_trailing_slash_or_an_existing_folder_is_a_folder_output(corpus, tmp_path):
    assert main(["clean", str(corpus / "a.txt"), "-o", f"{tmp_path / 'v1.0'}/", "-q"]) == 0
    assert (tmp_path / "v1.0" / "a.txt.json").is_file()
    (tmp_path / "run.2").mkdir()
    assert main(["clean", str(corpus / "a.txt"), "-o", str(tmp_path / "run.2"), "-q"]) == 0
    assert (tmp_path / "run.2" / "a.txt.json").is_file()


def test_txt_output_holds_bodies_and_is_only_overwritten_with_force(corpus, tmp_path, capsys):
    jsonl, txt = tmp_path / "out.jsonl", tmp_path / "out.txt"
    assert main(["clean", str(corpus), "-o", str(jsonl), "-q", "-j", "1"]) == 1
    assert main(["clean", str(corpus), "-o", str(txt), "-q", "-j", "1"]) == 1
    bodies = [r["text"] for r in map(json.loads, jsonl.read_text("utf-8").splitlines())
              if r["status"] == "ok"]
    assert txt.read_text("utf-8") == "".join(f"{body}\n\n" for body in bodies)
    before = txt.read_bytes()
    assert main(["clean", str(corpus), "-o", str(txt), "-q"]) == 2
    assert "txt output cannot resume" in capsys.readouterr().err
    assert txt.read_bytes() == before
    assert main(["clean", str(corpus), "-o", str(txt), "-q", "--force"]) == 1
    assert txt.read_bytes() == before


def test_csv_output_has_a_row_per_capture_and_resumes(corpus, tmp_path):
    import csv

    out, stats = tmp_path / "out.csv", tmp_path / "stats.json"
    assert main(["clean", str(corpus), "-o", str(out), "-q", "-j", "1"]) == 1
    with open(out, encoding="utf-8", newline="") as handle:
        rows = {row["source"]: row for row in csv.DictReader(handle)}
    jsonl = tmp_path / "out.jsonl"
    main(["clean", str(corpus), "-o", str(jsonl), "-q", "-j", "1"])
    records = _records_by_source(jsonl)
    assert set(rows) == set(records)
    for source, record in records.items():
        assert rows[source]["text"] == record["text"]  # multi-line cells survive
        assert rows[source]["status"] == record["status"]
        assert json.loads(rows[source]["metadata"]) == record["metadata"]
    assert main(["clean", str(corpus), "-o", str(out), "-q", "--stats", str(stats)]) == 1
    assert json.loads(stats.read_text("utf-8"))["status"] == {"skipped": 4, "error": 1}
    # A row cut off inside a multi-line cell by a kill is dropped and redone.
    data = out.read_bytes()
    out.write_bytes(data[: data.rindex(EN[1].encode())])
    assert main(["clean", str(corpus), "-o", str(out), "-q", "--stats", str(stats)]) == 1
    with open(out, encoding="utf-8", newline="") as handle:
        again = {row["source"]: row for row in csv.DictReader(handle)}
    assert {s: r["text"] for s, r in again.items()} == {s: r["text"] for s, r in rows.items()}


def test_a_csv_file_that_cleanse_did_not_write_is_not_resumed_into(corpus, tmp_path, capsys):
    out = tmp_path / "people.csv"
    out.write_text("name,age\nAda,36\n", "utf-8")
    assert main(["clean", str(corpus / "a.txt"), "-o", str(out), "-q"]) == 2
    assert "is not a csv output of cleanse" in capsys.readouterr().err
    assert out.read_text("utf-8") == "name,age\nAda,36\n"


def test_dev_null_is_an_output(corpus):
    assert main(["clean", str(corpus / "a.txt"), "-o", os.devnull, "-q"]) == 0
    assert main(["clean", str(corpus / "a.txt"), "-o", os.devnull, "-q",
                 "--output-format", "csv"]) == 0


def test_stdout_in_each_format(corpus, capsys):
    for output_format in ("jsonl", "csv", "txt"):
        assert main(["clean", str(corpus / "a.txt"), "-o", "-", "-q",
                     "--output-format", output_format]) == 0
        out = capsys.readouterr().out
        assert EN[3] in out
        if output_format == "txt":
            assert out.endswith(f"{EN[3]}\n\n") and "source" not in out
        else:
            assert out.startswith({"jsonl": '{"source": "a.txt"', "csv": "source,status,"}[
                output_format])


# Progress, listings, explain ------------------------------------------------------------------

def test_progress_lines_when_stderr_is_not_a_terminal(corpus, tmp_path, monkeypatch, capsys):
    import cleanse.running.progress

    monkeypatch.setattr(cleanse.running.progress, "PLAIN_INTERVAL_SECONDS", 0.0)
    assert main(["clean", str(corpus), "-o", str(tmp_path / "out.jsonl"), "-j", "1"]) == 1
    lines = [line for line in capsys.readouterr().err.splitlines() if "/5 captures" in line]
    assert [line.split(",")[0] for line in lines] == [
        f"cleanse: {n}/5 captures ({100 * n / 5:.0f}%)" for n in range(1, 6)]
    assert all("captures/s" in line and "MB/s" in line and "ETA" in line for line in lines)
    assert "\r" not in "".join(lines)


def test_one_capture_is_one_capture(corpus, tmp_path, capsys):
    assert main(["clean", str(corpus / "a.txt"), "-o", str(tmp_path / "o.jsonl")]) == 0
    assert "cleanse: 1 capture in " in capsys.readouterr().err


def test_detectors_are_listed_in_pipeline_order_with_every_default(capsys):
    from dataclasses import asdict

    from cleanse.detectors import DEFAULT_PIPELINE, detector_class

    assert main(["detectors"]) == 0
    out = capsys.readouterr().out
    named = [line.split(":")[0].split()[-1] for line in out.splitlines()
             if line[:3].strip().rstrip(".").isdigit()]
    assert named == list(DEFAULT_PIPELINE)
    short_penalty = asdict(detector_class("main_region")())["short_penalty"]
    assert f"      short_penalty = {json.dumps(short_penalty)}" in out
    assert main(["detectors", "--json"]) == 0
    listing = json.loads(capsys.readouterr().out)
    assert [d["name"] for d in listing][: len(DEFAULT_PIPELINE)] == list(DEFAULT_PIPELINE)
    for entry in listing:
        assert entry["options"].keys() == asdict(detector_class(entry["name"])()).keys()


def test_explain_reads_a_record_of_a_warc_file(tmp_path, capsys):
    from test_warc import _html, _write_warc

    path = tmp_path / "crawl.warc.gz"
    _write_warc(path, [
        ("response", "https://example.com/en", "text/html", _html("First", EN)),
        ("request", "https://example.com/en", "application/http", b"GET / HTTP/1.1\r\n\r\n"),
        ("response", "https://example.cn/zh", "text/html", _html("上海地铁新线获批", ZH_HANS)),
        ("response", "https://example.com/en", "text/html", _html("Again", EN[:2])),
    ])
    assert main(["explain", str(path), "--record", "2"]) == 0
    out = capsys.readouterr().out
    assert "source: https://example.cn/zh" in out and "language: zh-Hans" in out
    assert "warc_file: crawl.warc.gz" in out
    assert main(["explain", str(path), "--record", "https://example.com/en#2"]) == 0
    assert "title: Again" in capsys.readouterr().out
    assert main(["explain", str(path), "--record", "https://example.com/en"]) == 0
    assert "title: First" in capsys.readouterr().out
    assert main(["explain", str(path)]) == 2
    assert "WARC file with 3 HTML records: pick one with --record N (1 to 3)" in \
        capsys.readouterr().err
    assert main(["explain", str(path), "--record", "4"]) == 2
    assert "has no HTML record 4 (it has 3 HTML records, numbered 1 to 3)" in \
        capsys.readouterr().err


def test_explain_reads_gzip_and_refuses_a_typo(tmp_path, capsys):
    import gzip

    capture = tmp_path / "page.html.gz"
    capture.write_bytes(gzip.compress(ARTICLE_HTML.encode()))
    assert main(["explain", str(capture)]) == 0
    assert "status: ok" in capsys.readouterr().out
    assert main(["explain", str(tmp_path / "pgae.html")]) == 2
    assert "no such file" in capsys.readouterr().err


def test_html_records_keep_their_rendering_when_asked(tmp_path):
    capture = tmp_path / "page.html"
    headline = "<h1>Council approves the light rail line</h1>"
    capture.write_text(NAV_PAGE.replace("<div>", "<div>" + headline), "utf-8")
    plain, kept = tmp_path / "plain.jsonl", tmp_path / "kept.jsonl"
    assert main(["clean", str(capture), "-o", str(plain), "-q"]) == 0
    assert main(["clean", str(capture), "-o", str(kept), "-q", "--keep-rendering"]) == 0
    (without,) = [json.loads(line) for line in plain.read_text("utf-8").splitlines()]
    (record,) = [json.loads(line) for line in kept.read_text("utf-8").splitlines()]
    assert without["rendering"] is None
    rendered = record["rendering"].split("\n")
    # The record's line numbers point into the rendering: each removed span's preview is
    # its lines there, and the title line holds the title.
    for span in record["removed"]:
        lines = rendered[span["first_line"] - 1:span["last_line"]]
        assert "\n".join(line.strip() for line in lines if line.strip()).startswith(
            span["text_preview"][:50])
    assert rendered[record["title_line"] - 1] == record["title"] == without["title"]
