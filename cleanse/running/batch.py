"""Cleaning many captures: finding inputs, running workers, summarising the run.

Inputs are only ever read. A capture that fails becomes an ``error`` record
and the run goes on. Each record carries the SHA-256 of its input and a
fingerprint of the options that made it (:func:`options_fingerprint`): a
re-run skips a capture only when both match (see :mod:`cleanse.running.outputs`).
"""

from __future__ import annotations

import errno
import fnmatch
import hashlib
import json
import multiprocessing
import os
import resource
import select
import signal
import stat
import sys
import threading
import time
import zlib
from collections import Counter, deque
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from importlib import resources
from multiprocessing.connection import Connection, wait
from pathlib import Path
from typing import TYPE_CHECKING, Any

from cleanse import __version__
from cleanse.config import Config
from cleanse.deciding.arbiter import SHIPPED_MODEL
from cleanse.model import CleanedDocument, Status
from cleanse.pipeline import Pipeline, TimeLimitExceeded
from cleanse.reading.capture import (
    GZIP_MAGIC,
    CaptureError,
    TooLarge,
    gunzip,
    looks_like_html,
)
from cleanse.reading.warc import html_records, is_warc
from cleanse.running.outputs import FAILED, STDIO, Done, encoded, unwritable

if TYPE_CHECKING:
    from cleanse.running.sites import SiteProfiles

DEFAULT_MAX_BYTES = 50 * 1024 * 1024


@dataclass(frozen=True)
class Job:
    """One capture to clean: where to read it and the ``source`` name for its record."""

    path: str
    source: str
    data: bytes | None = None  # stdin and WARC records are read by the main process
    metadata: dict[str, Any] | None = None  # added to the record's metadata (WARC URL, date)
    error: str | None = None  # the job could not even be listed (a damaged WARC file)
    charset: str | None = None  # declared by the transport (a WARC record's HTTP header)


@dataclass
class Skipped:
    """What folder walking passed over, and why: the run summary reports it.

    ``failures`` are skips that lose input (a folder that cannot be read);
    they make the run exit 1 like a failed capture.
    """

    reasons: Counter = field(default_factory=Counter)
    paths: list[tuple[str, str]] = field(default_factory=list)
    failures: list[str] = field(default_factory=list)

    def add(self, path: str, reason: str, failure: bool = False) -> None:
        self.reasons[reason] += 1
        self.paths.append((path, reason))
        if failure:
            self.failures.append(f"{path}: {reason}")


SPECIAL_FILES = [(stat.S_ISFIFO, "a FIFO (named pipe)"), (stat.S_ISSOCK, "a socket"),
                 (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"),
                 (stat.S_ISDIR, "a directory")]


def _not_regular(mode: int) -> str | None:
    """What a file that is not a regular file is ("a FIFO (named pipe)"), or None."""
    if stat.S_ISREG(mode):
        return None
    return next((what for test, what in SPECIAL_FILES if test(mode)), "not a regular file")


def find_inputs(paths: Iterable[str], include: Iterable[str] | None = None,
                exclude: Iterable[str] = (), follow_symlinks: bool = False,
                max_bytes: int = DEFAULT_MAX_BYTES, skipped: Skipped | None = None,
                stdin_source: str = "<stdin>") -> Iterator[Job]:
    """Every capture to clean under ``paths``, streamed: :func:`list_files`, with each WARC
    file's HTML records as they are read (:func:`expand_warcs`)."""
    return expand_warcs(list_files(paths, include, exclude, follow_symlinks, skipped,
                                   stdin_source, max_bytes), max_bytes)


def list_files(paths: Iterable[str], include: Iterable[str] | None = None,
               exclude: Iterable[str] = (), follow_symlinks: bool = False,
               skipped: Skipped | None = None, stdin_source: str = "<stdin>",
               max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Job]:
    """Files named directly, and the captures found under folders (sorted, streamed).

    A file named on the command line is always taken. Inside folders, with
    ``include`` globs given, a file is taken when its path relative to the
    folder (or its name) matches one; without them, by its name when it ends
    in a capture suffix (:data:`CAPTURE_SUFFIXES`, any letter case, ``.gz``
    allowed) or is a WARC file, else by its content: a page with no telling
    name (``index.php``, no extension: a wget mirror) is taken when its first
    bytes read as HTML (:func:`~cleanse.reading.capture.looks_like_html`).
    ``exclude`` globs always apply. Symlinks inside folders are skipped unless
    ``follow_symlinks``; followed, each folder is walked once (by device and
    inode), so a link loop ends. Only regular files are read: a FIFO, socket or
    device would block or never end, so it becomes an error job. Whatever is
    passed over is counted in ``skipped``. ``-`` is stdin (read here, at most
    ``max_bytes`` + 1 bytes), named ``stdin_source`` in its record.
    """
    include = tuple(include) if include is not None else None
    exclude = tuple(exclude)
    skipped = skipped if skipped is not None else Skipped()
    for given in paths:
        if given == STDIO:
            yield Job(STDIO, stdin_source, sys.stdin.buffer.read(max_bytes + 1))
            continue
        root = Path(given)
        if not root.is_dir():
            yield _checked(Job(str(root), root.name if root.is_absolute() else str(root)))
            continue
        visited: dict[tuple[int, int], str] = {}

        def unreadable(exc: OSError) -> None:
            skipped.add(str(exc.filename), f"cannot read folder: {exc.strerror or exc}",
                        failure=True)

        for dirpath, dirnames, filenames in os.walk(root, onerror=unreadable,
                                                    followlinks=follow_symlinks):
            dirnames.sort()
            folder = Path(dirpath)
            if follow_symlinks:
                try:
                    info = os.stat(folder)
                except OSError as exc:
                    unreadable(exc)
                    dirnames.clear()
                    continue
                key = (info.st_dev, info.st_ino)
                if key in visited:
                    skipped.add(folder.relative_to(root).as_posix(),
                                "symlink loop or folder seen twice (walked once)")
                    dirnames.clear()
                    continue
                visited[key] = dirpath
            else:  # os.walk lists a symlink to a folder among dirnames and never enters it
                for name in [d for d in dirnames if (folder / d).is_symlink()]:
                    skipped.add((folder / name).relative_to(root).as_posix(),
                                "symbolic link (see --follow-symlinks)")
            for name in sorted(filenames):
                full = folder / name
                rel = full.relative_to(root).as_posix()
                if not follow_symlinks and full.is_symlink():
                    skipped.add(rel, "symbolic link (see --follow-symlinks)")
                    continue
                if _matches(rel, exclude):
                    skipped.add(rel, "matches --exclude")
                    continue
                job = _checked(Job(str(full), rel))
                if job.error is None and (why := _not_taken(job.path, rel, include)):
                    skipped.add(rel, why)
                    continue
                yield job


# File names that say "capture" (compared in lower case; each also with ".gz" after it).
CAPTURE_SUFFIXES = (".txt", ".text", ".md", ".markdown", ".html", ".htm", ".xhtml", ".shtml")
# How much of a file with an unknown name is read to tell whether it is a page.
SNIFF_BYTES = 64 * 1024


def _not_taken(path: str, relative: str, include: tuple[str, ...] | None) -> str | None:
    """Why a regular file found in a folder is not a capture to clean, or None to take it."""
    if include is not None:
        return None if _matches(relative, include) else "does not match --include"
    name = relative.rsplit("/", 1)[-1].lower()
    if is_warc(name) or name.removesuffix(".gz").endswith(CAPTURE_SUFFIXES):
        return None
    try:  # non-blocking and checked after opening: a FIFO swapped in must not hang the listing
        with open(os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0)), "rb") as handle:
            if (what := _not_regular(os.fstat(handle.fileno()).st_mode)) is not None:
                return f"not a regular file ({what})"
            head = handle.read(SNIFF_BYTES)
    except OSError as exc:
        return f"cannot read: {exc.strerror or exc}"
    if head.startswith(GZIP_MAGIC):
        head = zlib.decompressobj(wbits=31).decompress(head, SNIFF_BYTES)
    return None if looks_like_html(head) else "not a web page (sniffed: no HTML in its first bytes)"


def _checked(job: Job) -> Job:
    """``job``, or an error job when its path is a special file (FIFO, socket, device)."""
    try:
        what = _not_regular(os.stat(job.path).st_mode)
    except OSError:
        return job  # a missing file becomes a "cannot read" record when it is read
    if what is None:
        return job
    return Job(job.path, job.source, error=f"not a regular file: {job.source} is {what}; "
                                           "only regular files are read (use - for stdin)")


def expand_warcs(jobs: Iterable[Job], max_bytes: int) -> Iterator[Job]:
    """``jobs``, with each WARC file replaced by one job per HTML record, read as needed.

    Lazy on purpose: a record's body is read when its job is asked for, so a
    run holds the bodies being cleaned, not the whole crawl.
    """
    for job in jobs:
        if job.error or job.data is not None or not is_warc(job.path):
            yield job
            continue
        try:
            for record in html_records(job.path, max_bytes):
                yield Job(job.path, record.source, record.data, record.metadata,
                          error=record.error, charset=record.charset)
        except Exception as exc:  # warcio raises several types for damaged archives
            yield Job(job.path, job.source,
                      error=f"cannot read WARC: {type(exc).__name__}: {exc}")


def _matches(relative: str, globs: tuple[str, ...]) -> bool:
    """A glob matches the path relative to the folder or just the file name."""
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(name, g) for g in globs)


@lru_cache(maxsize=8)
def _model_sha256(model: str) -> str:
    """SHA-256 of an arbiter model's files: a retrained model at the same path is another
    model, and the same model read from elsewhere (``--model`` on a copy) is not."""
    root = resources.files("cleanse") / "data" / "arbiter" if model == SHIPPED_MODEL \
        else Path(model)
    digest = hashlib.sha256()
    for name in ("manifest.json", "model.txt.gz"):
        digest.update((root / name).read_bytes())
    return digest.hexdigest()


def options_fingerprint(config: Config, format: str = "text", kind: str | None = None,
                        keep_rendering: bool = False, site_profiles: bool = False) -> str:
    """A short hash of everything that decides what an ``ok`` record holds.

    The cleanse version, the record ``format``, the forced ``kind``, whether HTML
    renderings are kept, and the
    effective configuration: mode, detector order and options, language
    settings, and the arbiter model's *content*; whether site profiles were
    counted for the run (``site_profiles``) and, if so, with which sample size
    and key budget. Left out: the time limit and the size limit, which only
    decide whether a capture times out or is too large (and ``error`` and
    ``timeout`` records are retried anyway), where the model lives, and the
    site-profile settings of a run that counted none (they changed nothing).
    """
    settings = asdict(config)
    del settings["time_limit"], settings["arbiter_model"]
    for name in ("site_profile", "site_sample_pages", "site_max_keys"):
        del settings[name]
    settings.update(cleanse=__version__, format=format, kind=kind, keep_rendering=keep_rendering,
                    model_sha256=_model_sha256(config.arbiter_model))
    if site_profiles:
        settings["site_profiles"] = {"sample_pages": config.site_sample_pages,
                                     "max_keys": config.site_max_keys}
    text = json.dumps(settings, sort_keys=True, ensure_ascii=True,
                      default=lambda value: sorted(value) if isinstance(value, (set, frozenset))
                      else repr(value))
    return hashlib.sha256(text.encode("ascii")).hexdigest()[:16]


@dataclass
class Cleaner:
    """Cleans jobs into records with one pipeline; what each worker process holds.

    ``done`` maps a source to what its finished record from an earlier run
    says: a job with the same input hash and :attr:`fingerprint` gives a
    ``skipped`` record and is not cleaned again; any other is cleaned anew.
    ``kind`` forces how every capture is read (``--kind``); None detects it.
    ``sites`` holds the run's site profiles when a count pass made them (None: it
    did not run); each capture is cleaned with its site's (:mod:`cleanse.running.sites`).
    """

    config: Config = field(default_factory=Config)
    max_bytes: int = DEFAULT_MAX_BYTES
    done: Mapping[str, Done] = field(default_factory=dict)
    format: str = "text"  # what the records' ``text`` holds: "text" or "markdown"
    kind: str | None = None
    keep_rendering: bool = False  # HTML records carry the rendering their line numbers use
    sites: SiteProfiles | None = None
    # The output's encoder (a sink's ``encoder()``): records then come back as
    # outputs.Encoded, written out where they are made -- a worker process -- so the main
    # process only writes them. None: whole records.
    encode: Callable[[dict[str, Any]], str] | None = None

    def __post_init__(self) -> None:
        self.pipeline = Pipeline(self.config)
        self.fingerprint = options_fingerprint(self.config, self.format, self.kind,
                                               self.keep_rendering, self.sites is not None)

    @property
    def time_limit(self) -> float | None:
        """Seconds one capture may take (the worker pool's hard limit adds a grace)."""
        return self.config.time_limit

    def warm(self) -> None:
        """Cleans a small capture of each kind and forgets it: what a process builds on its
        first capture (the native core's character tables, the language tables, the
        evidence's native rows: ~0.3 s of CPU) is then built. The worker pool calls it in
        the main process before it forks its workers, which then share it instead of each
        building its own."""
        for capture, kind in WARM_UP:
            self.pipeline.clean(capture, source="warm-up", kind=kind)

    def __call__(self, job: Job) -> dict[str, Any]:
        """The record for ``job`` (an outputs.Encoded one with :attr:`encode`); never raises
        for bad input."""
        record = self._record(job)
        return record if self.encode is None else encoded(record, self.encode)

    def _record(self, job: Job) -> dict[str, Any]:
        try:
            data = read_job(job, self.max_bytes)
        except UnreadableInput as exc:
            return _error(job, str(exc))
        digest = hashlib.sha256(data).hexdigest()
        if self.done.get(job.source) == Done(digest, self.fingerprint):
            return {"source": job.source, "status": Status.SKIPPED.value, "input_sha256": digest,
                    "input_bytes": len(data), "options_fingerprint": self.fingerprint}
        try:  # a .gz capture: its decompressed size is what --max-bytes bounds
            plain = gunzip(data, self.max_bytes)
        except CaptureError as exc:
            return _error(job, f"{exc}{' (see --max-bytes)' if isinstance(exc, TooLarge) else ''}")
        if plain is not data and plain.startswith(GZIP_MAGIC):  # one layer, as clean() reads
            return _error(job, "binary input: looks like a gzip archive (compressed twice)")
        site = self.sites.for_job(job, plain) if self.sites is not None else None
        try:
            with watchdog(self.config.time_limit):
                doc = self.pipeline.clean(plain, source=job.source, kind=self.kind,
                                          charset=job.charset, site=site)
            record = doc.to_dict(self.format, self.keep_rendering)
        except TimeLimitExceeded as exc:  # the watchdog fired outside the pipeline's own checks
            record = _timeout(job, self.config.time_limit, str(exc))
        except Exception as exc:  # a bug must not stop the batch; report it on the record
            record = _error(job, f"internal error: {type(exc).__name__}: {exc}")
        record.update(source=job.source, input_sha256=digest, input_bytes=len(data),
                      options_fingerprint=self.fingerprint)
        if job.metadata:
            record["metadata"] = {**record["metadata"], **job.metadata}
        try:  # the one part of a record that holds values from the input (front matter)
            json.dumps(record["metadata"], allow_nan=False)
        except (TypeError, ValueError, RecursionError) as exc:
            record = unwritable(record, exc)
        return record


# What Cleaner.warm cleans: a text and an HTML capture with a heading, a dateline, a list,
# a link and sentences in two scripts.
_WARM_UP_LINES = ("# A heading", "By A. Writer, 26 November 2026",
                  "A sentence of the article, with a [link](https://example.com/).",
                  "- an item of a list", "这是一个中文的句子，有标点。", "Share on Facebook")
WARM_UP = (("\n\n".join(_WARM_UP_LINES), "text"),
           ("<html><head><title>A heading</title></head><body><nav><a href='/'>Home</a></nav>"
            "<article><h1>A heading</h1>" + "".join(f"<p>{line}</p>" for line in _WARM_UP_LINES)
            + "</article></body></html>", "html"))


# A time limit checked only between pipeline steps is no bound when one step
# runs long; an interval timer interrupts the step itself (and keeps firing
# each second, in case something swallowed the first interruption). Calls into
# C that never return are stopped by run_jobs, which kills the worker process.
WATCHDOG_STEP = "a step, stopped by the watchdog"


class watchdog:
    """``with watchdog(seconds):`` raises TimeLimitExceeded in the block past ``seconds``.

    Only where signals can be used (the main thread of a POSIX process);
    elsewhere the pipeline's own checks between steps are the bound.
    """

    def __init__(self, seconds: float | None):
        self.seconds = seconds
        self.armed = bool(seconds) and hasattr(signal, "setitimer") \
            and threading.current_thread() is threading.main_thread()

    def __enter__(self) -> None:
        if self.armed:
            self.previous = signal.signal(signal.SIGALRM, _interrupt)
            signal.setitimer(signal.ITIMER_REAL, self.seconds, 1.0)

    def __exit__(self, *exc_info: object) -> None:
        if self.armed:
            signal.setitimer(signal.ITIMER_REAL, 0)
            signal.signal(signal.SIGALRM, self.previous)


def _interrupt(signum: int, frame: object) -> None:
    raise TimeLimitExceeded(WATCHDOG_STEP)


class InputTooLarge(Exception):
    """A capture over the size limit (``--max-bytes``)."""


class NotRegularFile(Exception):
    """A path that is a FIFO, socket or device: reading it could block forever."""


class UnreadableInput(Exception):
    """A job whose bytes cannot be had; the message is its record's ``error``."""


def read_job(job: Job, max_bytes: int) -> bytes:
    """A job's bytes (a file's, or those it carries), at most ``max_bytes`` of them."""
    if job.error:
        raise UnreadableInput(job.error)
    try:
        data = job.data if job.data is not None else _read(job.path, max_bytes)
    except OSError as exc:
        raise UnreadableInput(f"cannot read: {exc.strerror or exc}") from exc
    except (InputTooLarge, NotRegularFile) as exc:
        raise UnreadableInput(str(exc)) from exc
    if len(data) > max_bytes:
        raise UnreadableInput(f"too large: over {max_bytes} bytes (see --max-bytes)")
    return data


def _read(path: str, max_bytes: int) -> bytes:
    # O_NONBLOCK: a FIFO put in place after listing must not block the open; fstat then
    # tells what was opened (stat before open would leave a race).
    fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    with open(fd, "rb") as handle:
        info = os.fstat(fd)
        if stat.S_ISDIR(info.st_mode):
            raise IsADirectoryError(errno.EISDIR, "Is a directory", path)
        if (what := _not_regular(info.st_mode)) is not None:
            raise NotRegularFile(f"not a regular file: {path} is {what}; only regular files "
                                 "are read (use - for stdin)")
        if info.st_size > max_bytes:
            raise InputTooLarge(f"too large: {info.st_size} bytes (limit {max_bytes}; "
                                "see --max-bytes)")
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while we read it
        raise InputTooLarge(f"too large: over {max_bytes} bytes (see --max-bytes)")
    return data


def _error(job: Job, message: str) -> dict[str, Any]:
    return CleanedDocument(source=job.source, status=Status.ERROR, error=message).to_dict()


def _timeout(job: Job, limit: float | None, where: str) -> dict[str, Any]:
    return CleanedDocument(source=job.source, status=Status.TIMEOUT,
                           error=f"time limit of {limit or 0:g} s exceeded during {where}; "
                                 "raise time_limit or split the capture").to_dict()


def run_jobs(jobs: Iterable[Job], work: Callable[[Job], dict[str, Any]],
             workers: int) -> Iterator[dict[str, Any]]:
    """``work``'s results (a :class:`Cleaner`'s records) in input order; ``workers`` > 1
    runs it in that many processes, each job under ``work.time_limit`` (if it has one)."""
    if workers <= 1:
        yield from map(work, jobs)
        return
    pool = _Pool(work, workers)
    try:
        yield from pool.run(jobs)
    finally:
        pool.close()


# How long past its time limit a capture may run before its worker process is
# killed: the in-process watchdog gets the first chance to stop it cleanly.
KILL_GRACE_SECONDS = 5.0


@dataclass
class _Worker:
    process: Any  # multiprocessing.Process (the context's own class)
    conn: Connection
    # The jobs sent and not answered yet, in the order sent: the first is being cleaned,
    # the next waits in the pipe.
    jobs: deque[tuple[int, Job]] = field(default_factory=deque)
    started: float = 0.0  # when the first of ``jobs`` started (about: see _Pool._collect)


WAITING_PER_WORKER = 8
# Jobs a worker holds at once: the one it cleans and the next, already in its pipe, so it
# never waits for the main process to answer before starting the next capture (the main
# process may be busy writing records, or not scheduled: a third process on the cores).
JOBS_PER_WORKER = 2


class _Pool:
    """Worker processes fed :data:`JOBS_PER_WORKER` jobs at a time, each job under a hard
    time limit.

    ``multiprocessing.Pool`` cannot stop one task: a capture stuck in C code
    would hold its worker forever, and a worker killed by the OS loses its
    task silently. Here a worker past the limit (plus a grace) is killed and
    replaced, and the job it was cleaning gets a ``timeout`` record; a worker that
    dies gets an ``error`` record for it. The jobs queued behind it go to the
    replacement. Workers ignore Ctrl-C (the main process stops them)
    and exit quietly when the main process is gone.

    Jobs are taken from their iterator only when a worker has room, so a
    WARC's records are read as the run reaches them. Records finished out of
    order wait for the earlier ones; at most :data:`WAITING_PER_WORKER` per
    worker wait, then free workers wait too, so memory stays bounded while
    one capture is slow.
    """

    def __init__(self, work: Callable[[Job], dict[str, Any]], size: int):
        self.work = work
        self.max_waiting = WAITING_PER_WORKER * size
        self.limit: float | None = getattr(work, "time_limit", None)
        self.context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
        if self.context.get_start_method() == "fork" and hasattr(work, "warm"):
            work.warm()  # built once here, shared by the forked workers
        self.workers = [self._start() for _ in range(size)]

    def _start(self) -> _Worker:
        parent, child = self.context.Pipe()
        process = self.context.Process(target=_serve, args=(child, parent, self.work),
                                       daemon=True)
        process.start()
        child.close()
        return _Worker(process, parent)

    def run(self, jobs: Iterable[Job]) -> Iterator[dict[str, Any]]:
        queue = enumerate(jobs)
        results: dict[int, dict[str, Any]] = {}
        next_out, exhausted = 0, False
        while True:
            # Breadth first: every worker gets a job before any gets its next one.
            for held in range(JOBS_PER_WORKER):
                for worker in self.workers:
                    if len(worker.jobs) == held and not exhausted \
                            and len(results) < self.max_waiting:
                        item = next(queue, None)
                        if item is None:
                            exhausted = True
                        else:
                            self._give(worker, item)
            while next_out in results:
                yield results.pop(next_out)
                next_out += 1
            busy = [w for w in self.workers if w.jobs]
            if not busy:
                if exhausted:
                    return
                continue  # idle because the waiting records were full: now they are out
            _ready([w.conn for w in busy] + [w.process.sentinel for w in busy],
                   self._wait_seconds(busy))
            for worker in busy:
                self._collect(worker, results)

    def _give(self, worker: _Worker, item: tuple[int, Job]) -> None:
        if not worker.jobs:
            worker.started = time.monotonic()
        worker.jobs.append(item)
        try:
            worker.conn.send(item[1])
        except OSError:
            pass  # the worker is dead; _collect reports it

    def _wait_seconds(self, busy: list[_Worker]) -> float | None:
        if not self.limit:
            return None
        deadline = min(w.started for w in busy) + self.limit + KILL_GRACE_SECONDS
        return max(0.0, deadline - time.monotonic())

    def _collect(self, worker: _Worker, results: dict[int, dict[str, Any]]) -> None:
        while worker.jobs and _ready([worker.conn], 0):
            try:
                answer = worker.conn.recv()
            except (EOFError, OSError):
                break  # died mid-answer: reported below
            results[worker.jobs.popleft()[0]] = answer
            # The next job started when this answer was sent, a moment before it was read
            # here: its hard limit counts from now, later by that moment at most.
            worker.started = time.monotonic()
        if not worker.jobs:
            return
        index, job = worker.jobs[0]
        if not worker.process.is_alive():
            code = worker.process.exitcode
            how = f"signal {signal.Signals(-code).name}" if code and code < 0 else f"status {code}"
            results[index] = _error(job, f"internal error: the worker process died ({how}) "
                                         "while cleaning this capture")
        elif self.limit and time.monotonic() > worker.started + self.limit + KILL_GRACE_SECONDS:
            results[index] = _timeout(job, self.limit, "a step that could not be interrupted "
                                                       "(its worker process was stopped)")
        else:
            return  # still working
        self._replace(worker)

    def _replace(self, worker: _Worker) -> None:
        """A fresh process for ``worker``, given the jobs queued behind the one it lost (the
        old process never started them)."""
        queued = list(worker.jobs)[1:]
        _stop(worker)
        fresh = self._start()
        worker.process, worker.conn, worker.jobs = fresh.process, fresh.conn, deque()
        for item in queued:
            self._give(worker, item)

    def close(self) -> None:
        """Stop every worker: politely when idle, by force when busy or stuck."""
        for worker in self.workers:
            if not worker.jobs:
                try:
                    worker.conn.send(None)
                except OSError:
                    pass
        deadline = time.monotonic() + 5
        for worker in self.workers:
            if not worker.jobs:
                worker.process.join(max(0.0, deadline - time.monotonic()))
            _stop(worker)


def _ready(waitables: list[Any], timeout: float | None) -> bool:
    """Whether any of ``waitables`` (connections, process sentinels) can be read -- data, or
    closed at the other end -- within ``timeout`` seconds (None: wait until one can).

    ``multiprocessing.connection.wait``, which ``Connection.poll`` calls too, builds a
    selector each call (~50 us); the pool asks several times a capture, which made it most of
    the main process's CPU in a run. Where there is ``poll(2)``, one ``select.poll`` object
    per question (a few microseconds) answers the same.
    """
    if not hasattr(select, "poll"):
        return bool(wait(waitables, timeout))
    poller = select.poll()
    for waitable in waitables:
        poller.register(waitable if isinstance(waitable, int) else waitable.fileno(),
                        select.POLLIN)
    return bool(poller.poll(None if timeout is None else timeout * 1000))


def _stop(worker: _Worker) -> None:
    if worker.process.is_alive():
        worker.process.kill()
    worker.process.join()
    worker.conn.close()


def _serve(conn: Connection, parent_end: Connection,
           work: Callable[[Job], dict[str, Any]]) -> None:
    """A worker process: do ``work`` on each job received until told to stop (None).

    The main process's end of the pipe is closed here (a forked worker holds a
    copy), so that when the main process dies, ``recv`` ends instead of waiting.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the main process's to handle
    parent_end.close()
    try:
        while (job := conn.recv()) is not None:
            conn.send(work(job))
    except (EOFError, OSError):
        pass  # the main process is gone: nothing to report to, exit quietly


@dataclass
class Summary:
    """What a batch run did, for the progress bar, the end-of-run report and ``--stats``."""

    statuses: Counter = field(default_factory=Counter)
    removed_chars: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    input_bytes: int = 0
    started: float = field(default_factory=time.monotonic)
    skipped: Skipped = field(default_factory=Skipped)
    # Captures cleaned again because their earlier record was made with other options.
    options_changed: int = 0
    # What the count pass found (cleanse.running.sites); None when it did not run.
    sites: dict[str, int] | None = None

    def add(self, record: dict[str, Any], earlier: Done | None = None) -> None:
        """Count ``record``; ``earlier`` is what the output held for its source before."""
        self.statuses[record["status"]] += 1
        if earlier is not None and record["status"] != Status.SKIPPED.value \
                and earlier.input_sha256 == record.get("input_sha256") \
                and earlier.options_fingerprint != record.get("options_fingerprint"):
            self.options_changed += 1
        self.input_bytes += record.get("input_bytes") or 0
        if record["status"] in FAILED:
            self.fail(record["source"], record["error"])
        if record.get("language"):
            self.languages[record["language"]] += 1
        for span in record.get("removed", []):
            self.removed_chars[span["detector"]] += span["chars"]

    def fail(self, source: str, message: str) -> None:
        self.failures.append(f"{source}: {message}")

    @property
    def seconds(self) -> float:
        return time.monotonic() - self.started

    def to_dict(self) -> dict[str, Any]:
        return {"captures": sum(self.statuses.values()), "status": dict(self.statuses),
                "seconds": round(self.seconds, 3), "input_bytes": self.input_bytes,
                "peak_rss_mb": peak_rss_mb(),
                "removed_chars_by_detector": dict(self.removed_chars.most_common()),
                "languages": dict(self.languages.most_common()),
                "skipped_inputs": dict(self.skipped.reasons.most_common()),
                "cleaned_again_for_other_options": self.options_changed,
                "site_profiles": self.sites,
                "failures": self.skipped.failures + self.failures}


def peak_rss_mb() -> dict[str, float]:
    """Peak resident memory of this process and of its largest finished worker, in MB."""
    return {"main": _own_peak_rss_mb(),
            "worker": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024, 1)}


def _own_peak_rss_mb() -> float:
    # Linux keeps ru_maxrss across exec, so a CLI started by a big process would
    # report its parent's size; /proc's VmHWM starts afresh at exec.
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("VmHWM:"):
                    return round(int(line.split()[1]) / 1024, 1)
    except OSError:
        pass
    return round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)  # KiB on Linux
