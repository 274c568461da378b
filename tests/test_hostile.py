"""Structurally hostile input (issue 15): nothing kills a batch, hangs, or loses text silently.

Each test reproduces one reported defect as a user would meet it; the docs
(docs/reliability.md) list the classes, their status and message.
"""

from __future__ import annotations

import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

import cleanse
from cleanse.features import final_mark
from cleanse.running.batch import Cleaner, Job, run_jobs
from cleanse.running.cli import main
from cleanse.running.outputs import record_json

from helpers import EN, ZH_HANS, interruptible, page

TAGGED = ("---\ntitle: Tagged\nblob: !!binary aGk=\ntags: !!set {b, a}\nwhen: 2024-01-02\n"
          "ratio: .nan\nbig: .inf\n---\n")


def records(path: Path) -> dict[str, dict]:
    return {r["source"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}


def run_cli(args: list[str], timeout: float = 60) -> subprocess.CompletedProcess:
    """The CLI in its own process group, killed whole if it outlives ``timeout`` (a hang)."""
    process = subprocess.Popen([sys.executable, "-m", "cleanse", *args],
                               start_new_session=True, stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"cleanse {' '.join(args)} still running after {timeout} s")
    return subprocess.CompletedProcess(args, process.returncode, out, err)


class Hang(Exception):
    pass


@pytest.fixture()
def within():
    """``with within(seconds):`` fails a test that would otherwise hang (blocked in open())."""
    import contextlib

    @contextlib.contextmanager
    def guard(seconds: int):
        def expire(signum, frame):
            raise Hang(f"still running after {seconds} s")
        previous = signal.signal(signal.SIGALRM, expire)
        signal.alarm(seconds)
        try:
            yield
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
    return guard


# 1. Front matter values that are not JSON ------------------------------------------------

def test_front_matter_tags_become_strict_json_with_warnings():
    doc = cleanse.clean(TAGGED + page(*EN))
    record = json.loads(json.dumps(doc.to_dict(), allow_nan=False))
    meta = json.loads(record["metadata"]["capture_fields"])  # the whole front matter
    assert (meta["blob"], meta["tags"], meta["when"]) == ("aGk=", ["a", "b"], "2024-01-02")
    assert record["metadata"]["tags"] == ["a", "b"]
    assert meta["ratio"] is None and meta["big"] is None
    assert any(w.startswith("front matter ratio: nan") for w in record["warnings"])
    assert doc.status.value == "ok" and EN[0] in doc.text


def test_a_capture_with_tagged_front_matter_does_not_stop_the_batch(folder, tmp_path):
    (folder / "00.txt").write_text(TAGGED + page(*EN), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-q", "-j", "1"]) == 0
    result = records(out)
    assert sorted(result) == [f"{i:02d}.txt" for i in range(6)]
    assert result["00.txt"]["metadata"]["tags"] == ["a", "b"]


def test_a_record_that_is_not_json_is_written_as_an_error_record():
    line = record_json({"source": "x.txt", "status": "ok", "input_sha256": "ab",
                        "metadata": {"blob": b"hi", "nan": float("nan")}})
    record = json.loads(line)
    assert (record["source"], record["status"], record["input_sha256"]) == ("x.txt", "error", "ab")
    assert record["error"].startswith("internal error: the record cannot be written as JSON")


def test_nan_in_a_json_capture_never_reaches_the_record():
    doc = cleanse.clean(json.dumps({"text": page(*EN), "score": float("nan")}))
    json.dumps(doc.to_dict(), allow_nan=False)
    assert doc.status.value == "ok"


# 2. lxml's limits never drop text silently -------------------------------------------------

def _article(inner_before: str = "", inner_after: str = "") -> str:
    return ("<html><head><title>Council approves rail line</title></head><body>" + inner_before
            + "<article>" + "".join(f"<p>{p}</p>" for p in EN) + "</article>" + inner_after
            + "</body></html>")


@pytest.mark.parametrize("depth", [300, 5000])
def test_deeply_nested_html_keeps_its_text_and_says_so(depth):
    doc = cleanse.clean(_article("<div>" * depth, "</div>" * depth))
    assert doc.status.value == "ok" and doc.title == "Council approves rail line"
    assert all(p in doc.text for p in EN)
    assert bool(doc.warnings) == (depth > 1000)
    if doc.warnings:
        assert doc.warnings[0].startswith("HTML nested deeper than 1000 elements")


@pytest.mark.parametrize("blob", [
    "<img src='data:image/png;base64," + "A" * 11_000_000 + "'>",
    "<script>var image = '" + "A" * 11_000_000 + "';</script>",
], ids=["attribute", "text-node"])
def test_a_huge_attribute_or_text_node_does_not_cut_the_page_off(blob):
    doc = cleanse.clean(_article(blob))
    assert doc.status.value == "ok" and all(p in doc.text for p in EN)
    assert doc.warnings == []


# 3. Kind detection looks past leading comments and at the whole capture -------------------

LICENCE = "<!--\n" + "Licensed under the Apache License, Version 2.0. " * 200 + "\n-->\n"
HTML_ARTICLE = ("<html><head><title>Council approves rail line</title></head><body><nav>"
                "<a href='/'>Home</a></nav><article>" + "".join(f"<p>{p}</p>" for p in EN)
                + "</article></body></html>")
HTML_LESSON = ["<div class=\"video\">", "  <iframe src=\"https://example.com/embed\"></iframe>",
               "</div>", "<p>A caption</p>", "<span>credit</span>", "<ul><li>one</li></ul>",
               "<a href=\"/next\">next</a><br>", "<table><tr><td>cell</td></tr></table>"]


@pytest.mark.parametrize("prolog", ["<!DOCTYPE html>\n" + LICENCE, LICENCE])
def test_a_long_comment_before_the_page_does_not_make_it_text(prolog):
    doc = cleanse.clean(prolog + HTML_ARTICLE, source="page.html")
    assert doc.kind == "html" and doc.title == "Council approves rail line"
    assert EN[3] in doc.text and "Apache" not in doc.text


def test_a_text_file_quoting_a_few_html_lines_stays_text(tmp_path):
    article = page("How to embed a video", *EN, "Paste this into the page where the video "
                   "should appear, then save the file and reload it in the browser:",
                   "\n".join(HTML_LESSON), "The frame keeps its own size; the caption and the "
                   "credit line sit below it, and the list and table show how text wraps.",
                   "Readers on phones will see the same layout, only narrower, because the "
                   "frame scales with the width of the column it sits in.",
                   "If the video does not load, check that the address starts with https "
                   "and that the site allows embedding, which most video hosts do by default.")
    capture = tmp_path / "lesson.txt"
    capture.write_text(article, "utf-8")
    doc = cleanse.clean(capture)
    assert doc.kind == "text" and "Readers on phones" in doc.text


def test_kind_can_be_forced_on_the_command_line(tmp_path):
    capture = tmp_path / "page.txt"
    capture.write_text(HTML_ARTICLE, "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(capture), "-o", str(out), "-q", "--kind", "text"]) in (0, 1)
    assert records(out)["page.txt"]["kind"] == "text"


# 10. Recursion never escapes clean() --------------------------------------------------------

@pytest.mark.parametrize("capture,status", [
    ("---\nx: &x [*x]\ny: 1\n---\n" + page(*EN), "ok"),
    ("---\nx: " + "[" * 50_000 + "\n---\n" + page(*EN), "ok"),
    ('{"text": ' + "[" * 100_000 + "]" * 100_000 + "}", "error"),
    ('{"a": ' + "[" * 100_000, "error"),
], ids=["yaml-self-alias", "yaml-deep", "json-deep", "json-deep-unclosed"])
def test_deep_or_self_referencing_structures_give_a_record(capture, status):
    doc = cleanse.clean(capture)
    json.dumps(doc.to_dict(), allow_nan=False)
    assert doc.status.value == status
    if status == "error":
        assert doc.error.startswith("too deeply nested")


@pytest.mark.parametrize("nested", [
    "x: " + "[" * 30_000 + "]" * 30_000,  # a segfault in libyaml's loader, were it let load
    "x: " + "{a: " * 5_000,
    "x:\n  " + "- " * 120 + "a",
], ids=["flow-closed", "flow-mapping", "block"])
def test_front_matter_nested_too_deeply_is_refused_before_it_is_loaded(nested):
    doc = cleanse.clean(f"---\n{nested}\n---\n" + page(*EN))
    assert doc.status.value == "ok" and EN[0] in doc.text
    # Our depth count says "nested deeper than 50 levels"; newer libyaml may refuse first.
    assert any(w.startswith("front matter could not be read") for w in doc.warnings)
    assert "x" not in json.loads(doc.to_dict()["metadata"].get("capture_fields") or "{}")


def test_front_matter_within_the_depth_limit_is_read_whole():
    nested = "x: " + "[" * 40 + "1" + "]" * 40
    doc = cleanse.clean(f"---\ntitle: Deep\n{nested}\n---\n" + page(*EN))
    value = json.loads(doc.to_dict()["metadata"]["capture_fields"])["x"]
    for _ in range(39):
        value = value[0]
    assert value == [1] and doc.title == "Deep"


# 4. Duplicates: digits matter in sentences, repeated paragraphs and labels are the article's --

def _repeats(*lines: str) -> list[str]:
    """The lines of a page that the duplicates detector marks."""
    from cleanse.detectors.duplicates import Duplicates
    from cleanse.model import Capture, Page

    labelled = Page.from_capture(Capture(text=page(*lines)))
    Duplicates().detect(labelled)
    return [line.text for line in labelled.lines
            if any(d.detector == "duplicates" for d in line.decisions)]


@pytest.mark.parametrize("lines", [
    ["Q1 revenue rose to $5.2 billion, the company said in a statement on Tuesday.",
     "Q2 revenue rose to $5.9 billion, the company said in a statement on Tuesday."],
    ["2月销量同比增长百分之十二，公司在周二发布的声明中表示。",
     "3月销量同比增长百分之十二，公司在周二发布的声明中表示。"],
    ["The council said the new line would cut commuting times by a third for the forty "
     "thousand residents of the east side who now drive to work every day."] * 2,
], ids=["digits-en", "digits-zh", "repeated-paragraph"])
def test_duplicates_keeps_body_sentences(lines):
    assert _repeats(EN[0], lines[0], EN[1], EN[2], lines[1], EN[3]) == []


def test_duplicates_keeps_repeated_interview_labels_but_not_repeated_chrome():
    assert _repeats("Interview with the mayor", EN[0], "Question:", EN[1], "Answer:", EN[2],
                    "Question:", EN[3], "Answer:", ZH_HANS[0], "2 comments", "Read more",
                    "3 comments", "Read more") == ["3 comments", "Read more"]


# 5. Quadratic final_mark, and a time limit that holds inside a step ---------------------

def test_final_mark_is_linear_in_closing_characters():
    text = "He said it." + '"' * 1_000_000
    start = time.perf_counter()
    assert final_mark(text) == "."
    assert time.perf_counter() - start < 1.0  # quadratic: about 10 s


def _stuck(seconds: float, block_alarm: bool = False):
    """A pipeline.clean that takes ``seconds`` for "slow.txt" (optionally deaf to SIGALRM)."""
    def clean(data, *, source, kind=None, charset=None, site=None):
        if source == "slow.txt":
            if block_alarm:  # like a call into C that never returns to Python
                signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGALRM])
            time.sleep(seconds)
        return cleanse.clean(data, source=source)
    return clean


def test_the_time_limit_interrupts_a_long_step_in_process():
    cleaner = Cleaner(cleanse.Config(time_limit=1))
    cleaner.pipeline.clean = _stuck(30)
    start = time.monotonic()
    record = cleaner(Job("slow.txt", "slow.txt", page(*EN).encode()))
    assert time.monotonic() - start < 5
    assert record["status"] == "timeout"
    assert record["error"].startswith("time limit of 1 s exceeded during a step, stopped by")


@pytest.mark.skipif(sys.platform == "darwin", reason="workers are spawned, not forked")
def test_a_worker_stuck_past_the_time_limit_is_killed_and_the_run_goes_on():
    cleaner = Cleaner(cleanse.Config(time_limit=1))
    cleaner.pipeline.clean = _stuck(120, block_alarm=True)
    jobs = [Job(name, name, page(*EN).encode()) for name in ("a.txt", "slow.txt", "b.txt")]
    start = time.monotonic()
    result = {r["source"]: r for r in run_jobs(jobs, cleaner, 2)}
    assert time.monotonic() - start < 30
    assert result["slow.txt"]["status"] == "timeout"
    assert "worker process was stopped" in result["slow.txt"]["error"]
    assert result["a.txt"]["status"] == result["b.txt"]["status"] == "ok"


# 18. Memory on big captures -----------------------------------------------------------------

def test_features_of_a_huge_line_do_not_hold_a_list_of_its_words():
    import tracemalloc

    from cleanse.features import line_features

    line = " ".join([EN[0]] * 60_000)  # about 5 MB
    tracemalloc.start()
    features = line_features(line)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert features.tokens > 60_000
    # The line itself and its markup-free copy, not one object per word (was 10x the line).
    assert peak < 4 * len(line.encode("utf-8")) + 1_000_000


@pytest.mark.parametrize("line", [" ".join([EN[0]] * 60_000), "".join([ZH_HANS[0]] * 40_000)],
                         ids=["english", "chinese"])
def test_cleaning_a_huge_line_takes_a_small_multiple_of_its_size(line):
    import tracemalloc

    pipeline = cleanse.Pipeline(cleanse.Config(time_limit=None))
    pipeline.clean(page(*EN))  # vocabularies and language tables are loaded once, not counted
    tracemalloc.start()
    doc = pipeline.clean(line)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert doc.text == line
    # The line, its lines and its text: about 3 copies (was 12x in English and 40x in
    # Chinese: lowercasing takes 12 bytes a character, and lists of every word or character).
    assert peak < 4 * sys.getsizeof(line)


def test_huge_lines_are_processed_in_slices_with_the_same_results(monkeypatch):
    import random

    import cleanse.features
    from cleanse.deciding.language import _script_counts
    from cleanse.features import normalize_for_matching

    rng = random.Random(18)
    alphabet = "aZΣσς ΟΔΟΣ.'’-_12٣\t中文，字カナ한글İﬁ"
    texts = ["".join(rng.choice(alphabet) for _ in range(rng.randint(0, 80)))
             for _ in range(3000)]
    whole = [(normalize_for_matching(text), _script_counts(text)) for text in texts]
    monkeypatch.setattr(cleanse.features, "SLICE", 3)
    assert [(normalize_for_matching(text), _script_counts(text)) for text in texts] == whole


# 6, 7, 17. WARC: unique output names, bounded memory, cuts anywhere reported --------------

def test_warc_urls_that_map_to_one_file_name_get_their_own_files(tmp_path):
    from test_warc import _html, _write_warc

    path = tmp_path / "crawl.warc"
    _write_warc(path, [("response", url, "text/html", _html(f"Story {n}", EN))
                       for n, url in enumerate(["http://x.com/", "http://x.com",
                                                "http://x.com/a/", "http://x.com/a"])])
    out = tmp_path / "out"
    assert main(["clean", str(path), "-o", str(out), "-q", "-j", "1"]) == 0
    files = sorted(out.rglob("*.json"))
    sources = sorted(json.loads(f.read_text("utf-8"))["source"] for f in files)
    assert sources == ["http://x.com", "http://x.com/", "http://x.com/a", "http://x.com/a/"]
    stats = tmp_path / "stats.json"
    assert main(["clean", str(path), "-o", str(out), "-q", "--stats", str(stats)]) == 0
    assert json.loads(stats.read_text("utf-8"))["status"] == {"skipped": 4}
    assert sorted(out.rglob("*.json")) == files


def test_a_gzip_bomb_in_a_warc_is_refused_without_loading_it(tmp_path):
    import gzip
    import resource

    from test_warc import _html, _write_warc

    from cleanse.reading.warc import html_records

    bomb = gzip.compress(b"<html><body>" + b"<p>x</p>" * 25_000_000, 9)  # 200 MB, 0.3 MB packed
    path = tmp_path / "bomb.warc"
    _write_warc(path, [("response", f"http://x.com/{n}", "text/html", bomb) for n in range(4)]
                + [("response", "http://x.com/ok", "text/html", gzip.compress(_html("Ok", EN)))],
                encoding="gzip")
    before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    found = list(html_records(path, max_bytes=50 * 1024 * 1024))
    grown_mb = (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss - before) / 1024
    assert [r.error is None for r in found] == [False] * 4 + [True]
    assert found[0].error.startswith("too large: over 52428800 bytes once decoded")
    assert all(r.data == b"" for r in found[:4]) and b"<p>" in found[4].data
    assert grown_mb < 120  # one limit's worth at most, not a body per record


def test_a_warc_cut_inside_an_http_header_is_reported(tmp_path):
    from test_warc import _html, _write_warc

    path = tmp_path / "cut.warc"
    _write_warc(path, [("response", f"https://example.com/{n}", "text/html",
                        _html(f"Story {n}", EN)) for n in range(3)])
    data = path.read_bytes()
    cut = data.rindex(b"text/htm") + len(b"text/htm")  # the third record's Content-Type
    path.write_bytes(data[:cut])
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(path), "-o", str(out), "-q"]) == 1
    statuses = [r["status"] for r in map(json.loads, out.read_text("utf-8").splitlines())]
    assert statuses == ["ok", "ok", "error"]


# 8. Special files in an input folder -----------------------------------------------------

@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_fifo_in_the_input_folder_is_an_error_record_not_a_hang(folder, tmp_path, jobs):
    os.mkfifo(folder / "pipe.txt")
    out = tmp_path / "out.jsonl"
    run = run_cli(["clean", str(folder), "-o", str(out), "-q", "-j", jobs], timeout=60)
    assert run.returncode == 1
    result = records(out)
    assert len(result) == 7 and sum(r["status"] == "ok" for r in result.values()) == 6
    assert result["pipe.txt"]["status"] == "error"
    assert result["pipe.txt"]["error"].startswith("not a regular file: pipe.txt is a FIFO")


def test_a_fifo_swapped_in_after_listing_does_not_block_the_read(tmp_path, within):
    os.mkfifo(tmp_path / "late.txt")
    with within(10):
        record = Cleaner()(Job(str(tmp_path / "late.txt"), "late.txt"))
    assert record["status"] == "error" and "is a FIFO" in record["error"]


# 9. Symlink loops with --follow-symlinks --------------------------------------------------

def test_symlink_loops_are_walked_once(folder, tmp_path):
    (folder / "sub").mkdir()
    (folder / "sub" / "deep.txt").write_text(page(*EN), "utf-8")
    (folder / "sub" / "up").symlink_to(folder)  # two loops back to the top
    (folder / "again").symlink_to(folder / "sub")
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    run = run_cli(["clean", str(folder), "-o", str(out), "-q", "--follow-symlinks",
                   "--stats", str(stats)], timeout=120)
    assert run.returncode == 0, run.stderr
    sources = sorted(records(out))
    assert sources == [f"{i:02d}.txt" for i in range(6)] + ["again/deep.txt"]
    assert json.loads(stats.read_text("utf-8"))["skipped_inputs"] == {
        "symlink loop or folder seen twice (walked once)": 2}


# 11. Config mistakes are found when the config is built -----------------------------------

@pytest.mark.parametrize("make,message", [
    (lambda: cleanse.Config().disable("no_such_detector"), "unknown detector 'no_such_detector'"),
    (lambda: cleanse.Config().with_options("duplicates", max_tokens="80"),
     "detector 'duplicates' option 'max_tokens' must be a whole number, not str '80'"),
    (lambda: cleanse.Config(min_letters="12"), "min_letters must be a whole number"),
    (lambda: cleanse.Config.from_dict({"limits": {"timelimit": 5}}),
     "[limits] has no key(s) ['timelimit']"),
    (lambda: cleanse.Config.from_dict({"pipeline": {"disable": ["promoo"]}}),
     "unknown detector 'promoo'"),
    (lambda: cleanse.Config.from_dict({"detectors": {"newsletter": {"keywords": {"strong": "x"}}}}),
     "detector 'newsletter' option 'keywords' group 'strong' must be a list"),
], ids=["disable-unknown", "option-type", "field-type", "section-key", "toml-disable",
        "keyword-group"])
def test_config_mistakes_raise_config_error(make, message):
    with pytest.raises(cleanse.ConfigError) as raised:
        make()
    assert str(raised.value).startswith(message)


@pytest.mark.parametrize("args,message", [
    (["--disable", "no_such_detector"], "unknown detector 'no_such_detector'"),
    (["--config", "{toml}"], "option 'max_tokens' must be a whole number, not str '80'"),
], ids=["disable", "option-type"])
def test_config_mistakes_are_usage_errors_before_any_output(folder, tmp_path, capsys, args,
                                                           message):
    toml = tmp_path / "c.toml"
    toml.write_text('[detectors.duplicates]\nmax_tokens = "80"\n', "utf-8")
    out = tmp_path / "o.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-q",
                 *(a.format(toml=toml) for a in args)]) == 2
    assert message in capsys.readouterr().err and not out.exists()


# 12. Nothing is skipped without a word -----------------------------------------------------

def test_skipped_files_and_unreadable_folders_are_counted_and_listed(folder, tmp_path,
                                                                    monkeypatch, capsys):
    (folder / "notes.tsv").write_text("a\tb\n", "utf-8")
    (folder / "link.txt").symlink_to(folder / "00.txt")
    (folder / "locked").mkdir()
    (folder / "locked" / "lost.txt").write_text(page(*EN), "utf-8")
    real_scandir = os.scandir

    def scandir(path="."):  # tests run as root: deny one folder by hand
        if str(path).endswith("locked"):
            raise PermissionError(13, "Permission denied", str(path))
        return real_scandir(path)

    monkeypatch.setattr(os, "scandir", scandir)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    code = main(["clean", str(folder), "-o", str(out), "-j", "1", "-v", "--stats", str(stats),
                 "--include", "*.txt"])  # without it, notes.tsv would be sniffed (not a page)
    assert code == 1  # a folder that cannot be read is input lost
    summary = json.loads(stats.read_text("utf-8"))
    assert summary["skipped_inputs"] == {"does not match --include": 1,
                                         "symbolic link (see --follow-symlinks)": 1,
                                         "cannot read folder: Permission denied": 1}
    err = capsys.readouterr().err
    assert "skipped notes.tsv: does not match --include" in err
    assert "locked: cannot read folder: Permission denied" in err
    assert "1 does not match --include" in err


# 13. --stats checked up front; hard-linked output -----------------------------------------

def test_an_unwritable_stats_path_is_a_usage_error_before_the_run(folder, tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("x", "utf-8")
    out = tmp_path / "out.jsonl"
    code = main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(blocker / "s.json")])
    assert code == 2 and not out.exists()
    assert "cannot write --stats" in capsys.readouterr().err


def test_stats_that_fail_at_the_end_keep_the_summary(folder, tmp_path, monkeypatch, capsys):
    import cleanse.running.cli

    def fail(*args, **kwargs):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(cleanse.running.cli, "atomic_write", fail)
    code = main(["clean", str(folder), "-o", str(tmp_path / "o.jsonl"), "--stats",
                 str(tmp_path / "s.json")])
    err = capsys.readouterr().err
    assert code == 1 and "6 ok" in err and "cannot write the stats" in err


def test_a_hard_link_to_an_input_is_refused_as_output(folder, tmp_path):
    link = tmp_path / "out.jsonl"
    os.link(folder / "00.txt", link)
    before = link.read_bytes()
    assert main(["clean", str(folder), "-o", str(link), "-q"]) == 2
    assert link.read_bytes() == before


# 14. Terminal escapes in names and text ---------------------------------------------------

def test_control_characters_are_escaped_in_the_summary_and_explain(tmp_path, capsys):
    bad = tmp_path / "in" / "evil\x1b]0;pwned\x07.txt"
    bad.parent.mkdir()
    bad.write_bytes(b"%PDF-1.4\n" + bytes(20))
    main(["clean", str(bad.parent), "-o", str(tmp_path / "o.jsonl"), "-j", "1"])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "evil\\x1b]0;pwned\\x07.txt" in err
    capture = tmp_path / "title.txt"
    capture.write_text(page("Share on \x1b[2J\x1b]52;c;cHduZWQ=\x07 Facebook", *EN), "utf-8")
    main(["explain", str(capture)])
    out = capsys.readouterr().out
    assert "\x1b" not in out and "\x07" not in out


# 15. Output files honour the umask ----------------------------------------------------------

def test_output_files_honour_the_umask(folder, tmp_path):
    old = os.umask(0o007)
    try:
        main(["clean", str(folder), "-o", str(tmp_path / "tree"), "-q", "-j", "1",
              "--stats", str(tmp_path / "stats.json")])
        main(["clean", str(folder), "-o", str(tmp_path / "fresh.jsonl"), "-q", "-j", "1"])
        main(["clean", str(folder), "-o", str(tmp_path / "o.jsonl"), "-q", "-j", "1"])
        (folder / "00.txt").write_text(page(*ZH_HANS), "utf-8")  # the rerun rewrites o.jsonl
        main(["clean", str(folder), "-o", str(tmp_path / "o.jsonl"), "-q", "-j", "1"])
    finally:
        os.umask(old)
    for path in [tmp_path / "tree" / "00.txt.json", tmp_path / "stats.json",
                 tmp_path / "fresh.jsonl", tmp_path / "o.jsonl"]:
        assert stat.S_IMODE(path.stat().st_mode) == 0o660, path


# 16. Quiet exits ------------------------------------------------------------------------------

def _many(root: Path, count: int) -> Path:
    root.mkdir()
    for i in range(count):
        (root / f"{i:04d}.txt").write_text(page(f"Story {i}", *EN), "utf-8")
    return root


def test_a_reader_that_goes_away_ends_the_run_quietly(tmp_path):
    inputs = _many(tmp_path / "in", 120)
    process = subprocess.Popen([sys.executable, "-m", "cleanse", "clean", str(inputs), "-o",
                                "-", "-q", "-j", "1"], stdout=subprocess.PIPE,
                               stderr=subprocess.PIPE)
    process.stdout.read(100)
    process.stdout.close()  # like `| head -c 100`
    err = process.stderr.read()
    assert process.wait(timeout=60) == 128 + signal.SIGPIPE
    assert b"Traceback" not in err and b"BrokenPipeError" not in err


@pytest.mark.parametrize("how", ["interrupt-group", "kill-main"])
def test_interrupting_a_parallel_run_prints_no_worker_tracebacks(tmp_path, how):
    inputs = _many(tmp_path / "in", 400)
    out = tmp_path / "out.jsonl"
    process = subprocess.Popen([sys.executable, "-m", "cleanse", "clean", str(inputs), "-o",
                                str(out), "-q", "-j", "2"], start_new_session=True,
                               stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                               preexec_fn=interruptible)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and (not out.exists() or out.read_bytes().count(b"\n") < 5):
        time.sleep(0.02)
    if how == "interrupt-group":  # Ctrl-C in a terminal reaches every process of the group
        os.killpg(process.pid, signal.SIGINT)
    else:
        os.kill(process.pid, signal.SIGKILL)
    # stderr closes only when every worker has exited too: no orphan keeps working.
    _, err = process.communicate(timeout=60)
    assert b"Traceback" not in err, err.decode()
    if how == "interrupt-group":
        assert process.returncode == 130
