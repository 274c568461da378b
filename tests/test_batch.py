"""Batch runs: resume, interruption, faults while reading and writing."""

from __future__ import annotations

import errno
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from itertools import pairwise
from pathlib import Path

import pytest

import cleanse
import cleanse.running.batch
import cleanse.running.cli
import cleanse.running.outputs
from cleanse.running.batch import Cleaner, Job, list_files, run_jobs
from cleanse.running.cli import main

from helpers import EN, interruptible, page
from test_cli import digests

SEEDS = Path(__file__).resolve().parent.parent / "fixtures" / "seeds"


def records(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines()]


def stats(path: Path) -> dict:
    return json.loads(path.read_text("utf-8"))


@pytest.mark.parametrize("output", ["out.jsonl", "out"])
def test_rerun_skips_finished_captures_and_force_redoes_them(folder, tmp_path, output):
    out, stats_file = tmp_path / output, tmp_path / "stats.json"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    first = out.read_bytes() if out.is_file() else digests(out)
    assert main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(stats_file)]) == 0
    assert stats(stats_file)["status"] == {"skipped": 6}
    assert (out.read_bytes() if out.is_file() else digests(out)) == first
    main(["clean", str(folder), "-o", str(out), "-q", "--force", "--stats", str(stats_file)])
    assert stats(stats_file)["status"] == {"ok": 6}


def test_changed_input_is_cleaned_again_and_replaces_its_record(folder, tmp_path):
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    main(["clean", str(folder), "-o", str(out), "-q"])
    (folder / "03.txt").write_text(page("Story three, revised", *EN[:3]), "utf-8")
    main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(stats_file)])
    assert stats(stats_file)["status"] == {"ok": 1, "skipped": 5}
    result = records(out)
    assert sorted(r["source"] for r in result) == [f"{i:02d}.txt" for i in range(6)]
    assert EN[3] not in next(r for r in result if r["source"] == "03.txt")["text"]


def test_a_record_cut_off_by_a_crash_is_dropped_and_redone(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    main(["clean", str(folder), "-o", str(out), "-q"])
    lines = out.read_text("utf-8").splitlines(keepends=True)
    out.write_text("".join(lines[:3]) + lines[3][: len(lines[3]) // 2], "utf-8")
    main(["clean", str(folder), "-o", str(out), "-q"])
    assert [r["source"] for r in records(out)] == [f"{i:02d}.txt" for i in range(6)]


def test_every_record_is_one_line_for_any_reader(tmp_path):
    capture = tmp_path / "separators.txt"
    capture.write_text(page(*(line[:20] + "\u2028\x85\u2029" + line[20:] for line in EN)), "utf-8")
    out = tmp_path / "out.jsonl"
    main(["clean", str(capture), "-o", str(out), "-q"])
    (record,) = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
    assert "\u2028" in record["text"]


def test_failed_captures_are_retried_on_resume(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    (folder / "bad.txt").write_bytes(b"%PDF-1.7\n" + bytes(64))
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 1
    (folder / "bad.txt").write_text(page(*EN), "utf-8")
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    result = {r["source"]: r for r in records(out)}
    assert len(result) == len(records(out)) == 7
    assert result["bad.txt"]["status"] == "ok"


def test_timed_out_captures_are_retried_on_resume(folder, tmp_path):
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    first = records(out)
    # As a loaded machine would have left it: one capture over the time limit.
    first[0] |= {"status": "timeout", "error": "time limit of 1 s exceeded", "text": ""}
    out.write_text("".join(json.dumps(r) + "\n" for r in first), "utf-8")
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    result = {r["source"]: r for r in records(out)}
    assert len(result) == len(records(out)) == len(first)
    assert result[first[0]["source"]]["status"] == "ok"
    assert result[first[0]["source"]]["text"]


def _big_folder(root: Path, copies: int) -> Path:
    root.mkdir()
    seeds = sorted(SEEDS.glob("*.txt"))
    for i in range(copies):
        seed = seeds[i % len(seeds)]
        # A different first line per copy, so duplicates across files do not matter.
        (root / f"{i:05d}.txt").write_text(f"copy {i}\n" + seed.read_text("utf-8"), "utf-8")
    return root


def _start(args: list[str]) -> subprocess.Popen:
    return subprocess.Popen([sys.executable, "-m", "cleanse", *args], start_new_session=True,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
                            preexec_fn=interruptible)


def _wait_for_lines(path: Path, count: int, process: subprocess.Popen) -> None:
    deadline = time.monotonic() + 120
    while time.monotonic() < deadline and process.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= count:
            return
        time.sleep(0.01)


@pytest.mark.parametrize("how", [signal.SIGKILL, signal.SIGINT])
def test_an_interrupted_run_resumes_to_every_input_exactly_once(tmp_path, how):
    inputs = _big_folder(tmp_path / "in", 800)
    before = digests(inputs)
    out = tmp_path / "out.jsonl"
    args = ["clean", str(inputs), "-o", str(out), "-j", "2", "-q"]
    process = _start(args)
    _wait_for_lines(out, 40, process)
    assert process.poll() is None, "the run finished before it could be interrupted"
    os.killpg(process.pid, how)  # the whole group: main process and its workers
    process.wait(timeout=60)
    done_before_resume = out.read_bytes().count(b"\n")
    assert 40 <= done_before_resume < 800
    if how == signal.SIGINT:
        assert process.returncode == 130
        assert b"run the same command again to resume" in process.stderr.read()
    resumed = _start(args + ["--stats", str(tmp_path / "stats.json")])
    _, err = resumed.communicate(timeout=300)
    assert resumed.returncode == 0, err.decode("utf-8", "replace")
    result = records(out)
    # If records go missing, say what the resumed run reported (a pool that stopped early
    # once made it clean 20 of 760 captures: test_records_waiting_for_a_slow_capture...).
    assert sorted(r["source"] for r in result) == [f"{i:05d}.txt" for i in range(800)], (
        f"{done_before_resume} records before the resume; resume stats "
        f"{stats(tmp_path / 'stats.json')}; stderr {err.decode('utf-8', 'replace')[-2000:]}")
    assert all(r["status"] == "ok" and r["text"] for r in result)
    assert stats(tmp_path / "stats.json")["status"]["skipped"] >= done_before_resume - 1
    assert digests(inputs) == before


def test_files_that_vanish_or_cannot_be_read_become_error_records(tmp_path):
    cleaner = Cleaner()
    gone = cleaner(Job(str(tmp_path / "deleted.txt"), "deleted.txt"))
    assert gone["status"] == "error" and gone["error"].startswith("cannot read: No such file")
    (tmp_path / "folder.txt").mkdir()
    not_a_file = cleaner(Job(str(tmp_path / "folder.txt"), "folder.txt"))
    assert not_a_file["status"] == "error" and "Is a directory" in not_a_file["error"]


def test_permission_denied_is_an_error_record(folder, monkeypatch):
    import cleanse.running.batch

    def denied(path, *args, **kwargs):
        raise PermissionError(errno.EACCES, "Permission denied", path)

    monkeypatch.setattr(cleanse.running.batch, "open", denied, raising=False)  # tests run as root
    record = Cleaner()(Job(str(folder / "00.txt"), "00.txt"))
    assert record["status"] == "error" and record["error"] == "cannot read: Permission denied"


def test_file_deleted_after_listing_does_not_stop_the_run(folder, tmp_path, monkeypatch):
    import cleanse.running.cli

    listed = cleanse.running.cli.list_files

    def list_then_delete(*args, **kwargs):
        jobs = list(listed(*args, **kwargs))
        (folder / "02.txt").unlink()
        return iter(jobs)

    monkeypatch.setattr(cleanse.running.cli, "list_files", list_then_delete)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-q", "-j", "1"]) == 1
    result = {r["source"]: r["status"] for r in records(out)}
    assert result == {"00.txt": "ok", "01.txt": "ok", "02.txt": "error", "03.txt": "ok",
                      "04.txt": "ok", "05.txt": "ok"}


def test_disk_full_leaves_no_partial_record_and_the_run_goes_on(folder, tmp_path, monkeypatch,
                                                                capsys):
    real_write, calls = os.write, []

    def write_until_full(fd, data):
        calls.append(len(data))
        if len(calls) == 3:  # the third record: half of it lands, then the disk is full
            real_write(fd, bytes(data)[: len(data) // 2])
            raise OSError(errno.ENOSPC, "No space left on device")
        return real_write(fd, data)

    monkeypatch.setattr(cleanse.running.outputs.os, "write", write_until_full)
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-j", "1"]) == 1
    assert [r["source"] for r in records(out)] == ["00.txt", "01.txt", "03.txt", "04.txt",
                                                    "05.txt"]
    assert "02.txt: cannot write record: [Errno 28] No space left on device" in \
        capsys.readouterr().err


def test_read_only_output_folder_is_reported_per_record(folder, tmp_path, monkeypatch, capsys):
    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr(cleanse.running.outputs.tempfile, "mkstemp", read_only)
    out = tmp_path / "out"
    assert main(["clean", str(folder), "-o", str(out), "-j", "1"]) == 1
    assert not list(out.rglob("*")) if out.exists() else True
    err = capsys.readouterr().err
    assert err.count("cannot write record: [Errno 30] Read-only file system") == 6


def test_output_that_is_a_file_not_a_folder_is_a_usage_error(folder, tmp_path, capsys):
    target = tmp_path / "taken"
    target.write_text("keep me", "utf-8")
    assert main(["clean", str(folder), "-o", str(target), "-q"]) == 2
    assert "is not a folder" in capsys.readouterr().err
    assert target.read_text("utf-8") == "keep me"


@pytest.mark.parametrize("source", ["../../escape.txt", "/etc/passwd", "a/../../../b.txt",
                                    "loop/loop/loop.txt"])
def test_folder_output_never_leaves_its_root(tmp_path, source):
    root = tmp_path / "out"
    root.mkdir()
    (root / "loop").symlink_to(root / "loop")  # a symlink loop inside the output folder
    try:
        target = cleanse.running.outputs.output_path(root, source)
    except (ValueError, OSError, RuntimeError):
        return  # refused: fine
    assert root.resolve() in target.resolve().parents


# Resume and changed options (issue 16) ------------------------------------------------------

SHIPPED_MODEL = Path(cleanse.__file__).resolve().parent / "data" / "arbiter"


def _config_file(tmp_path: Path) -> Path:
    config = tmp_path / "shorter.toml"
    config.write_text("[detectors.main_region]\nshort_penalty = 3.0\n", "utf-8")
    return config


def _retrained_model(tmp_path: Path) -> Path:
    """The shipped model with another manifest: what a retrained model looks like to resume."""
    model = tmp_path / "model"
    shutil.copytree(SHIPPED_MODEL, model)
    manifest = json.loads((model / "manifest.json").read_text("utf-8"))
    manifest["trained_on"] = "another corpus"
    (model / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    return model


@pytest.mark.parametrize("change", ["format", "mode", "kind", "config", "model", "rendering"])
def test_a_rerun_with_other_options_cleans_again(folder, tmp_path, change, capsys):
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    first = {r["source"]: r for r in records(out)}
    changed = {"format": ["--format", "markdown"], "mode": ["--mode", "precision"],
               "kind": ["--kind", "markdown"],
               "config": ["--config", str(_config_file(tmp_path))],
               "model": ["--model", str(_retrained_model(tmp_path))],
               "rendering": ["--keep-rendering"]}[change]
    assert main(["clean", str(folder), "-o", str(out), "--stats", str(stats_file),
                 *changed]) == 0
    assert stats(stats_file)["status"] == {"ok": 6}
    assert stats(stats_file)["cleaned_again_for_other_options"] == 6
    err = capsys.readouterr().err
    assert "6 records in" in err and "were made with other options" in err
    second = {r["source"]: r for r in records(out)}
    assert set(second) == set(first)  # replaced, one record per source
    assert all(second[s]["options_fingerprint"] != first[s]["options_fingerprint"]
               for s in first)
    # The same changed options again: now everything is done.
    assert main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(stats_file),
                 *changed]) == 0
    assert stats(stats_file)["status"] == {"skipped": 6}


@pytest.mark.parametrize("same", [[], ["--time-limit", "30"], ["--max-bytes", "1000000"],
                                  ["-j", "2"], ["--model", "copy"]])
def test_options_that_do_not_change_records_still_resume(folder, tmp_path, same):
    out, stats_file = tmp_path / "out", tmp_path / "stats.json"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    if same[:1] == ["--model"]:  # the shipped model, copied elsewhere: the same model
        same = ["--model", str(shutil.copytree(SHIPPED_MODEL, tmp_path / "copy"))]
    assert main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(stats_file),
                 *same]) == 0
    assert stats(stats_file)["status"] == {"skipped": 6}


def test_another_cleanse_version_cleans_again(folder, tmp_path, monkeypatch):
    import cleanse.running.batch

    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    monkeypatch.setattr(cleanse.running.batch, "__version__", "99.0")
    assert main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(stats_file)]) == 0
    assert stats(stats_file)["status"] == {"ok": 6}


def test_records_without_a_fingerprint_are_cleaned_again(folder, tmp_path):
    out, stats_file = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(folder), "-o", str(out), "-q"]) == 0
    old = [{k: v for k, v in r.items() if k != "options_fingerprint"} for r in records(out)]
    out.write_text("".join(json.dumps(r) + "\n" for r in old), "utf-8")
    assert main(["clean", str(folder), "-o", str(out), "-q", "--stats", str(stats_file)]) == 0
    assert stats(stats_file)["status"] == {"ok": 6}
    assert all(r["options_fingerprint"] for r in records(out))


class _SlowFirstCapture(Cleaner):
    """Cleans the first capture slowly, so the records after it wait for it."""

    def __call__(self, job: Job) -> dict:
        if job.source.startswith("00000"):
            time.sleep(1.0)
        return super().__call__(job)


def test_records_waiting_for_a_slow_capture_do_not_end_the_run(tmp_path, monkeypatch):
    # Once as many records as may wait were out, both workers sat idle and the run ended
    # early with exit 0 (seen as a resume that cleaned 20 of 760 captures).
    monkeypatch.setattr(cleanse.running.batch, "WAITING_PER_WORKER", 1)
    jobs = list(list_files([str(_big_folder(tmp_path / "in", 12))]))
    records = list(run_jobs(jobs, _SlowFirstCapture(), 2))
    assert [r["source"] for r in records] == [job.source for job in jobs]


class _Timed:
    """Work that takes ``seconds`` a job and notes, per process, when each job started and
    ended; a job named ``crash`` ends its process instead."""

    time_limit = None

    def __init__(self, log: Path, seconds: float):
        self.log, self.seconds = log, seconds

    def __call__(self, job: Job) -> dict:
        if job.source == "crash":
            os._exit(3)
        start = time.monotonic()
        time.sleep(self.seconds)
        with open(self.log / str(os.getpid()), "a") as handle:
            handle.write(f"{start} {time.monotonic()}\n")
        return {"source": job.source, "status": "ok"}


@pytest.mark.skipif(sys.platform == "darwin", reason="workers are spawned, not forked")
def test_a_worker_starts_its_next_capture_without_waiting_for_the_main_process(tmp_path):
    # The main process handles records slowly (a slow output): with one job at a time, each
    # worker sat idle after each capture until the main process came back for its answer.
    jobs = [Job(str(n), str(n), b"") for n in range(16)]
    sources = []
    for record in run_jobs(jobs, _Timed(tmp_path, 0.1), 2):
        sources.append(record["source"])
        time.sleep(0.1)
    assert sources == [job.source for job in jobs]
    gaps = []
    for log in tmp_path.iterdir():
        spans = sorted(tuple(map(float, line.split())) for line in log.read_text().splitlines())
        gaps += [start - end for (_, end), (start, _) in pairwise(spans)]
    assert len(gaps) == len(jobs) - 2
    assert sorted(gaps)[len(gaps) // 2] < 0.05  # one job at a time: ~0.1 s each


@pytest.mark.skipif(sys.platform == "darwin", reason="workers are spawned, not forked")
def test_the_jobs_queued_behind_a_capture_that_kills_its_worker_are_still_cleaned(tmp_path):
    from cleanse.running.batch import JOBS_PER_WORKER

    assert JOBS_PER_WORKER == 2
    names = ["a", "crash", "b", "c", "d", "e", "crash", "f", "g"]
    jobs = [Job(name, name, b"") for name in names]
    records = list(run_jobs(jobs, _Timed(tmp_path, 0.05), 2))
    assert [r["source"] for r in records] == names
    for record in records:
        if record["source"] == "crash":
            assert record["status"] == "error" and "worker process died" in record["error"]
        else:
            assert record["status"] == "ok"


@pytest.mark.parametrize("jobs", ["1", "2"])
@pytest.mark.parametrize("output", ["out.jsonl", "out.csv", "out.txt", "out"])
def test_records_written_out_by_the_workers_are_the_records_the_main_process_wrote(
        tmp_path, monkeypatch, jobs, output):
    # Workers write each record out in the output's format (outputs.Encoded); what reaches
    # the output and the summary is what encoding whole records in the main process gave.
    folder = _big_folder(tmp_path / "in", 6)
    (folder / "empty.txt").write_text("", "utf-8")
    (folder / "twice.txt.gz").write_bytes(b"\x1f\x8b\x08garbage")
    runs = {}
    for how in ("workers", "main"):
        if how == "main":  # the whole records, encoded by the sink
            monkeypatch.setattr(cleanse.running.outputs, "encoded", lambda record, _: record)
            monkeypatch.setattr(cleanse.running.batch, "encoded", lambda record, _: record)
        out, stats_file = tmp_path / how / output, tmp_path / how / "stats.json"
        out.parent.mkdir()
        assert main(["clean", str(folder), "-o", str(out), "-q", "-j", jobs,
                     "--stats", str(stats_file)]) == 1  # the damaged .gz
        found = stats(stats_file)
        del found["seconds"], found["peak_rss_mb"]
        files = sorted(out.rglob("*")) if out.is_dir() else [out]
        runs[how] = (found, [(f.relative_to(out).as_posix() if out.is_dir() else f.name,
                              f.read_bytes()) for f in files if f.is_file()])
    assert runs["workers"] == runs["main"]
    assert runs["workers"][0]["status"] == {"ok": 6, "empty": 1, "error": 1}


@pytest.mark.skipif(sys.platform == "darwin", reason="workers are spawned, not forked")
def test_forked_workers_share_what_the_main_process_built_before_forking(tmp_path,
                                                                         monkeypatch):
    # The first capture of a process builds the native core's tables, the language tables,
    # ...: Cleaner.warm builds them in the main process, once, before the workers fork.
    warmed = []
    real_warm = Cleaner.warm

    def warm(self):
        warmed.append(os.getpid())
        real_warm(self)

    monkeypatch.setattr(Cleaner, "warm", warm)
    folder = _big_folder(tmp_path / "in", 4)
    jobs = list(list_files([str(folder)]))
    warm_records = list(run_jobs(jobs, Cleaner(), 2))
    assert warmed == [os.getpid()]
    assert [r["source"] for r in warm_records] == [job.source for job in jobs]
    assert warm_records == [Cleaner()(job) for job in jobs]  # as cleaned here, one by one

