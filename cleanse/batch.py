"""Cleaning many captures: finding inputs, running workers, summarising the run.

Inputs are only ever read. A capture that fails becomes an ``error`` record
and the run goes on. Each record carries the SHA-256 of its input, which is
how a re-run recognises captures already done (see :mod:`cleanse.outputs`).
"""

from __future__ import annotations

import fnmatch
import hashlib
import multiprocessing
import os
import resource
import sys
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cleanse.config import Config
from cleanse.model import CleanedDocument, Status
from cleanse.outputs import STDIO
from cleanse.pipeline import Pipeline
from cleanse.warc import html_records, is_warc

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.xhtml", "*.warc",
                   "*.warc.gz")
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


def find_inputs(paths: Iterable[str], include: Iterable[str] = DEFAULT_INCLUDE,
                exclude: Iterable[str] = (), follow_symlinks: bool = False,
                max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[Job]:
    """Files named directly, and files under folders matching ``include`` (sorted, streamed).

    A file named on the command line is always taken; inside folders,
    ``include``/``exclude`` globs apply to the path relative to the folder.
    Symlinks inside folders are skipped unless ``follow_symlinks``. A WARC
    file gives one job per HTML response record.
    """
    include, exclude = tuple(include), tuple(exclude)
    for given in paths:
        if given == STDIO:
            yield Job(STDIO, "<stdin>", sys.stdin.buffer.read())
            continue
        root = Path(given)
        if not root.is_dir():
            yield from _expand(Job(str(root), root.name if root.is_absolute() else str(root)),
                               max_bytes)
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_symlinks):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                if not follow_symlinks and full.is_symlink():
                    continue
                if (include and not _matches(rel, include)) or _matches(rel, exclude):
                    continue
                yield from _expand(Job(str(full), rel), max_bytes)


def _expand(job: Job, max_bytes: int) -> Iterator[Job]:
    """A WARC file's HTML records as jobs; any other file as it is."""
    if not is_warc(job.path):
        yield job
        return
    try:
        for record in html_records(job.path, max_bytes):
            yield Job(job.path, record.source, record.data, record.metadata,
                      charset=record.charset)
    except Exception as exc:  # warcio raises several types for damaged archives
        yield Job(job.path, job.source, error=f"cannot read WARC: {type(exc).__name__}: {exc}")


def _matches(relative: str, globs: tuple[str, ...]) -> bool:
    """A glob matches the path relative to the folder or just the file name."""
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(name, g) for g in globs)


@dataclass
class Cleaner:
    """Cleans jobs into records with one pipeline; what each worker process holds.

    ``done`` maps a source to the input hash of its finished record from an
    earlier run: such a job gives a ``skipped`` record and is not cleaned again.
    """

    config: Config = field(default_factory=Config)
    max_bytes: int = DEFAULT_MAX_BYTES
    done: Mapping[str, str] = field(default_factory=dict)
    format: str = "text"  # what the records' ``text`` holds: "text" or "markdown"

    def __post_init__(self) -> None:
        self.pipeline = Pipeline(self.config)

    def __call__(self, job: Job) -> dict[str, Any]:
        """The record for ``job``; never raises for bad input."""
        if job.error:
            return _error(job, job.error)
        try:
            data = job.data if job.data is not None else _read(job.path, self.max_bytes)
        except OSError as exc:
            return _error(job, f"cannot read: {exc.strerror or exc}")
        except InputTooLarge as exc:
            return _error(job, str(exc))
        if len(data) > self.max_bytes:
            return _error(job, f"too large: over {self.max_bytes} bytes (see --max-bytes)")
        digest = hashlib.sha256(data).hexdigest()
        if self.done.get(job.source) == digest:
            return {"source": job.source, "status": Status.SKIPPED.value, "input_sha256": digest,
                    "input_bytes": len(data)}
        try:
            record = self.pipeline.clean(data, source=job.source,
                                         charset=job.charset).to_dict(self.format)
        except Exception as exc:  # a bug must not stop the batch; report it on the record
            record = _error(job, f"internal error: {type(exc).__name__}: {exc}")
        record.update(source=job.source, input_sha256=digest, input_bytes=len(data))
        if job.metadata:
            record["metadata"] = {**record["metadata"], **job.metadata}
        return record


class InputTooLarge(Exception):
    """A capture over the size limit (``--max-bytes``)."""


def _read(path: str, max_bytes: int) -> bytes:
    size = os.path.getsize(path)
    if size > max_bytes:
        raise InputTooLarge(f"too large: {size} bytes (limit {max_bytes}; see --max-bytes)")
    with open(path, "rb") as handle:
        data = handle.read(max_bytes + 1)
    if len(data) > max_bytes:  # the file grew while we read it
        raise InputTooLarge(f"too large: over {max_bytes} bytes (see --max-bytes)")
    return data


def _error(job: Job, message: str) -> dict[str, Any]:
    return CleanedDocument(source=job.source, status=Status.ERROR, error=message).to_dict()


_worker: Cleaner | None = None


def _init_worker(cleaner: Cleaner) -> None:
    global _worker
    _worker = cleaner


def _clean_in_worker(job: Job) -> dict[str, Any]:
    assert _worker is not None, "worker not initialised"
    return _worker(job)


def run_jobs(jobs: Iterable[Job], cleaner: Cleaner, workers: int) -> Iterator[dict[str, Any]]:
    """Records in input order; ``workers`` > 1 cleans in that many processes."""
    if workers <= 1:
        yield from map(cleaner, jobs)
        return
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
    with context.Pool(workers, initializer=_init_worker, initargs=(cleaner,)) as pool:
        yield from pool.imap(_clean_in_worker, jobs, chunksize=8)


@dataclass
class Summary:
    """What a batch run did, for the progress bar, the end-of-run report and ``--stats``."""

    statuses: Counter = field(default_factory=Counter)
    removed_chars: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)
    input_bytes: int = 0
    started: float = field(default_factory=time.monotonic)

    def add(self, record: dict[str, Any]) -> None:
        self.statuses[record["status"]] += 1
        self.input_bytes += record.get("input_bytes") or 0
        if record["status"] in (Status.ERROR.value, Status.TIMEOUT.value):
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

    def rate(self) -> str:
        """Throughput so far, for the progress bar."""
        elapsed = max(self.seconds, 1e-9)
        return f"{self.input_bytes / 1e6 / elapsed:.2f} MB/s"

    def to_dict(self) -> dict[str, Any]:
        return {"captures": sum(self.statuses.values()), "status": dict(self.statuses),
                "seconds": round(self.seconds, 3), "input_bytes": self.input_bytes,
                "peak_rss_mb": peak_rss_mb(),
                "removed_chars_by_detector": dict(self.removed_chars.most_common()),
                "languages": dict(self.languages.most_common()), "failures": self.failures}


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
