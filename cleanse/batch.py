"""Cleaning many captures: finding inputs, running workers, writing records safely.

Guarantees: inputs are only ever read; every output file is written to a
temporary file in the same folder and renamed into place, so a reader never
sees half a record; a capture that fails becomes an ``error`` record and the
run goes on.
"""

from __future__ import annotations

import fnmatch
import json
import multiprocessing
import os
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Callable, Iterable, Iterator

from cleanse.config import Config
from cleanse.model import CleanedDocument, Status
from cleanse.pipeline import Pipeline

DEFAULT_INCLUDE = ("*.txt", "*.md", "*.markdown", "*.html", "*.htm", "*.xhtml")
DEFAULT_MAX_BYTES = 50 * 1024 * 1024
STDIO = "-"


@dataclass(frozen=True)
class Job:
    """One capture to clean: where to read it and the ``source`` name for its record."""

    path: str
    source: str
    data: bytes | None = None  # stdin is read by the main process, not by a worker


def find_inputs(paths: Iterable[str], include: Iterable[str] = DEFAULT_INCLUDE,
                exclude: Iterable[str] = (), follow_symlinks: bool = False) -> Iterator[Job]:
    """Files named directly, and files under folders matching ``include`` (sorted, streamed).

    A file named on the command line is always taken; inside folders,
    ``include``/``exclude`` globs apply to the path relative to the folder.
    Symlinks inside folders are skipped unless ``follow_symlinks``.
    """
    include, exclude = tuple(include), tuple(exclude)
    for given in paths:
        if given == STDIO:
            yield Job(STDIO, "<stdin>", sys.stdin.buffer.read())
            continue
        root = Path(given)
        if not root.is_dir():
            yield Job(str(root), root.name if root.is_absolute() else str(root))
            continue
        for dirpath, dirnames, filenames in os.walk(root, followlinks=follow_symlinks):
            dirnames.sort()
            for name in sorted(filenames):
                full = Path(dirpath) / name
                rel = full.relative_to(root).as_posix()
                if not follow_symlinks and full.is_symlink():
                    continue
                if include and not _matches(rel, include) or _matches(rel, exclude):
                    continue
                yield Job(str(full), rel)


def _matches(relative: str, globs: tuple[str, ...]) -> bool:
    """A glob matches the path relative to the folder or just the file name."""
    name = relative.rsplit("/", 1)[-1]
    return any(fnmatch.fnmatch(relative, g) or fnmatch.fnmatch(name, g) for g in globs)


_worker_pipeline: Pipeline | None = None


def _init_worker(config: Config) -> None:
    global _worker_pipeline
    _worker_pipeline = Pipeline(config)


def clean_job(job: Job, pipeline: Pipeline | None = None,
              max_bytes: int = DEFAULT_MAX_BYTES) -> dict[str, Any]:
    """Clean one job into its output record; never raises for bad input."""
    pipeline = pipeline or _worker_pipeline or Pipeline()
    try:
        if job.data is not None:
            data = job.data
        else:
            size = os.path.getsize(job.path)
            if size > max_bytes:
                return _error(job, f"too large: {size} bytes (limit {max_bytes}; see --max-bytes)")
            with open(job.path, "rb") as handle:
                data = handle.read(max_bytes + 1)
    except OSError as exc:
        return _error(job, f"cannot read: {exc.strerror or exc}")
    if len(data) > max_bytes:
        return _error(job, f"too large: over {max_bytes} bytes (see --max-bytes)")
    try:
        doc = pipeline.clean(data, source=job.source)
    except Exception as exc:  # a bug must not stop the batch; report it on the record
        return _error(job, f"internal error: {type(exc).__name__}: {exc}")
    record = doc.to_dict()
    record["source"] = job.source
    return record


def _error(job: Job, message: str) -> dict[str, Any]:
    return CleanedDocument(source=job.source, status=Status.ERROR, error=message).to_dict()


def run_jobs(jobs: Iterable[Job], config: Config, workers: int,
             max_bytes: int = DEFAULT_MAX_BYTES) -> Iterator[dict[str, Any]]:
    """Records in input order; ``workers`` > 1 cleans in that many processes."""
    if workers <= 1:
        pipeline = Pipeline(config)
        for job in jobs:
            yield clean_job(job, pipeline, max_bytes)
        return
    context = multiprocessing.get_context("spawn" if sys.platform == "darwin" else None)
    with context.Pool(workers, initializer=_init_worker, initargs=(config,)) as pool:
        yield from pool.imap(_clean_in_worker, ((job, max_bytes) for job in jobs), chunksize=8)


def _clean_in_worker(args: tuple[Job, int]) -> dict[str, Any]:
    job, max_bytes = args
    return clean_job(job, None, max_bytes)


def atomic_write(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Write via a temporary file in the same folder, then rename over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def record_json(record: dict[str, Any]) -> str:
    return json.dumps(record, ensure_ascii=False, sort_keys=False)


def output_path(out_dir: Path, source: str) -> Path:
    """``out_dir/<source>.json``, refusing any source that would escape ``out_dir``."""
    relative = Path(source.replace("\\", "/"))
    parts = [p for p in relative.parts if p not in ("", ".", "/")]
    if relative.is_absolute() or ".." in parts or not parts:
        parts = [Path(source).name or "capture"]
    target = (out_dir / Path(*parts)).with_suffix(Path(parts[-1]).suffix + ".json")
    resolved_root = out_dir.resolve()
    if resolved_root not in target.resolve().parents:
        raise ValueError(f"output for {source!r} would leave {out_dir}")
    return target


@dataclass
class Summary:
    """What a batch run did, for the end-of-run report and ``--stats``."""

    statuses: Counter = field(default_factory=Counter)
    removed_chars: Counter = field(default_factory=Counter)
    languages: Counter = field(default_factory=Counter)
    failures: list[str] = field(default_factory=list)

    def add(self, record: dict[str, Any]) -> None:
        self.statuses[record["status"]] += 1
        if record["status"] == Status.ERROR.value:
            self.failures.append(f"{record['source']}: {record['error']}")
        if record.get("language"):
            self.languages[record["language"]] += 1
        for span in record.get("removed", []):
            self.removed_chars[span["detector"]] += span["chars"]

    def to_dict(self) -> dict[str, Any]:
        return {"captures": sum(self.statuses.values()), "status": dict(self.statuses),
                "removed_chars_by_detector": dict(self.removed_chars.most_common()),
                "languages": dict(self.languages.most_common()), "failures": self.failures}
