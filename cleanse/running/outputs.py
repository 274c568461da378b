"""Where batch records go: a JSONL file, a folder of JSON files, or stdout.

Every sink writes whole records only and can tell which captures an earlier,
interrupted run already finished (``done``: source -> input SHA-256 and options
fingerprint), so that re-running the same command resumes instead of starting
over, and a run with other options cleans again what they would change.

* JSONL: each record is appended with a single ``write`` on an ``O_APPEND``
  descriptor, so a kill leaves at most one partial line at the end; the next
  run cuts it off before appending. When a record is replaced (its input
  changed, or it was an ``error`` and is retried), the file is rewritten at
  the end of the run, atomically, keeping only the newest record per source.
* Folder: one ``<source>.json`` per capture, each written to a temporary file
  and renamed into place.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, Protocol

from cleanse.model import CleanedDocument, Status

STDIO = "-"


@dataclass(frozen=True)
class Done:
    """What an earlier run's record says about its capture: resume skips the capture only
    when its input and the options are both the same."""

    input_sha256: str
    options_fingerprint: str | None  # None: a record written before fingerprints existed


# Characters json.dumps leaves raw but str.splitlines() (and many JSONL readers)
# treat as line breaks; escaped, every record stays on one line for any reader.
LINE_BREAKS_IN_STRINGS = str.maketrans({"\x85": "\\u0085", "\u2028": "\\u2028",
                                        "\u2029": "\\u2029"})


def record_json(record: dict[str, Any], indent: int | None = None) -> str:
    """One record as strict JSON (UTF-8 text kept readable, line breaks escaped).

    A record that is not JSON (a value of another type, NaN) becomes an
    ``error`` record for the same source: one bad record must not stop a batch,
    and writing ``NaN`` would give readers a file that is not JSON.
    """
    try:
        text = json.dumps(record, ensure_ascii=False, allow_nan=False, indent=indent)
    except (TypeError, ValueError, RecursionError) as exc:
        text = json.dumps(unwritable(record, exc), ensure_ascii=False, indent=indent)
    return text.translate(LINE_BREAKS_IN_STRINGS)


def unwritable(record: dict[str, Any], exc: BaseException) -> dict[str, Any]:
    """The ``error`` record that stands in for ``record`` when it cannot be written as JSON."""
    source = record.get("source")
    replacement = CleanedDocument(
        source=source if isinstance(source, str) else repr(source), status=Status.ERROR,
        error=f"internal error: the record cannot be written as JSON: {type(exc).__name__}: "
              f"{exc}").to_dict()
    for key in ("input_sha256", "input_bytes", "options_fingerprint"):
        if isinstance(record.get(key), (str, int)):
            replacement[key] = record[key]
    return replacement


def atomic_write(path: Path, write: Callable[[IO[str]], None]) -> None:
    """Write via a temporary file in the same folder, then rename over ``path``.

    The file gets the mode a plain ``open`` would give (0666 less the umask),
    not the temporary file's private 0600.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, 0o666 & ~_umask())
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _umask() -> int:
    """The process's umask (reading it means setting it: set it straight back)."""
    mask = os.umask(0o077)
    os.umask(mask)
    return mask


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


def _finished(record: Any) -> tuple[str, Done] | None:
    """(source, what it was made from) of a record a resumed run may skip; errors are
    retried."""
    if not isinstance(record, dict) or record.get("status") == Status.ERROR.value:
        return None
    source, digest = record.get("source"), record.get("input_sha256")
    if not (isinstance(source, str) and isinstance(digest, str)):
        return None
    fingerprint = record.get("options_fingerprint")
    return source, Done(digest, fingerprint if isinstance(fingerprint, str) else None)


class Sink(Protocol):
    done: dict[str, Done]

    def write(self, record: dict[str, Any]) -> None: ...

    def close(self) -> None: ...


class StdoutSink:
    """Records as JSON lines on stdout; nothing to resume from."""

    def __init__(self) -> None:
        self.done: dict[str, Done] = {}

    def write(self, record: dict[str, Any]) -> None:
        sys.stdout.write(record_json(record) + "\n")
        sys.stdout.flush()

    def close(self) -> None:
        sys.stdout.flush()


class JsonlSink:
    """One JSON record per line, appended; see the module docstring for the guarantees."""

    def __init__(self, path: Path, resume: bool = True):
        self.path = path
        self.done: dict[str, Done] = {}
        self._present: set[str] = set()  # every source with a record in the file
        self._rewrite = False
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            self._load()
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if resume else os.O_TRUNC)
        self._fd = os.open(path, flags, 0o666)  # less the umask, like open()

    def _load(self) -> None:
        with open(self.path, "rb+") as handle:
            complete = 0
            for raw in handle:
                if not raw.endswith(b"\n"):
                    break  # a record cut off by an interruption
                complete += len(raw)
                try:
                    record = json.loads(raw)
                except ValueError:
                    self._rewrite = True
                    continue
                source = record.get("source") if isinstance(record, dict) else None
                self._rewrite |= source in self._present
                self._present.add(source)
                if finished := _finished(record):
                    self.done[finished[0]] = finished[1]
            handle.truncate(complete)

    def write(self, record: dict[str, Any]) -> None:
        data = (record_json(record) + "\n").encode("utf-8")
        self._rewrite |= record["source"] in self._present
        start = os.lseek(self._fd, 0, os.SEEK_END)
        try:
            view = memoryview(data)
            while view:
                view = view[os.write(self._fd, view):]
        except OSError:
            os.ftruncate(self._fd, start)  # leave no partial record behind
            raise

    def close(self) -> None:
        os.close(self._fd)
        if self._rewrite:
            self._keep_newest()

    def _keep_newest(self) -> None:
        """Rewrite the file with one record per source: the last one written."""
        newest: dict[str, int] = {}
        for number, record in self._records():
            if isinstance(record, dict) and isinstance(record.get("source"), str):
                newest[record["source"]] = number

        def write(handle: IO[str]) -> None:
            for number, record in self._records():
                if isinstance(record, dict) and newest.get(record.get("source")) == number:
                    handle.write(record_json(record) + "\n")
        atomic_write(self.path, write)

    def _records(self) -> Iterator[tuple[int, Any]]:
        with open(self.path, encoding="utf-8") as handle:
            for number, line in enumerate(handle):
                try:
                    yield number, json.loads(line)
                except ValueError:
                    continue


class FolderSink:
    """One ``<source>.json`` per capture under ``root``, each written atomically.

    Two sources can map to one file name (``http://x/`` and ``http://x``, or
    URLs that differ only in characters a path drops); the second one gets a
    short hash of its source in its name, so no record overwrites another and
    a rerun finds both done. Which file holds which source is read back from
    the records themselves.
    """

    def __init__(self, root: Path, resume: bool = True):
        if root.exists() and not root.is_dir():
            raise ValueError(f"{root} exists and is not a folder (use a .jsonl name for one file)")
        self.root = root
        self.done: dict[str, Done] = {}
        self._owner: dict[Path, str] = {}  # file -> the source whose record it holds
        self._path: dict[str, Path] = {}  # source -> its file
        if root.is_dir():
            for path in sorted(root.rglob("*.json")):
                try:
                    record = json.loads(path.read_text("utf-8"))
                except (OSError, ValueError):
                    continue
                source = record.get("source") if isinstance(record, dict) else None
                if isinstance(source, str):
                    self._owner[path] = source
                    self._path.setdefault(source, path)
                if resume and (finished := _finished(record)):
                    self.done[finished[0]] = finished[1]

    def write(self, record: dict[str, Any]) -> None:
        source = record["source"]
        target = self._path.get(source) or output_path(self.root, source)
        if self._owner.get(target, source) != source:
            digest = hashlib.sha256(source.encode("utf-8", "surrogatepass")).hexdigest()[:10]
            target = target.with_name(f"{target.name[:-len('.json')]}.{digest}.json")
        text = record_json(record, indent=1) + "\n"
        atomic_write(target, lambda h: h.write(text))
        self._owner[target], self._path[source] = source, target

    def close(self) -> None:
        pass


def open_sink(output: str, resume: bool = True) -> Sink:
    """The sink for the CLI's ``-o``: ``-``, a ``.jsonl`` file, or a folder."""
    if output == STDIO:
        return StdoutSink()
    if output.endswith(".jsonl"):
        return JsonlSink(Path(output), resume)
    return FolderSink(Path(output), resume)
