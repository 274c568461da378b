"""Where batch records go: a JSONL, CSV or text file, a folder of JSON files, or a stream.

Every sink writes whole records only and can tell which captures an earlier,
interrupted run already finished (``done``: source -> input SHA-256 and options
fingerprint), so that re-running the same command resumes instead of starting
over, and a run with other options cleans again what they would change.

* JSONL and CSV files: each record is appended with a single ``write`` on an
  ``O_APPEND`` descriptor, so a kill leaves at most one partial record at the
  end; the next run cuts it off before appending. When a record is replaced
  (its input or the options changed, or it failed -- ``error``, ``timeout`` -- and
  is retried), the file is rewritten at the end of the run, atomically, keeping
  only the newest record per source.
* Text files hold bodies only, with nothing to resume from: an existing one is
  overwritten only with ``--force``.
* Folder: one ``<source>.json`` per capture, each written to a temporary file
  and renamed into place.
"""

from __future__ import annotations

import csv
import hashlib
import io
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
# Replaced one by one, not by str.translate: translate looks every character of a
# non-ASCII text up in the table, ~8 ms for a Chinese article's record, nearly as long
# as cleaning it; a search for a character that is absent is a fast scan.
LINE_BREAKS_IN_STRINGS = (("\x85", "\\u0085"), ("\u2028", "\\u2028"), ("\u2029", "\\u2029"))


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
    for line_break, escaped in LINE_BREAKS_IN_STRINGS:
        if line_break in text:
            text = text.replace(line_break, escaped)
    return text


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


# The statuses of a capture that failed: counted as failures, and cleaned again by a resumed
# run instead of skipped (a timeout may come from a loaded machine or a limit raised since).
FAILED = frozenset({Status.ERROR.value, Status.TIMEOUT.value})


def _finished(record: Any) -> tuple[str, Done] | None:
    """(source, what it was made from) of a record a resumed run may skip; failed ones
    (:data:`FAILED`) are retried."""
    if not isinstance(record, dict) or record.get("status") in FAILED:
        return None
    source, digest = record.get("source"), record.get("input_sha256")
    if not (isinstance(source, str) and isinstance(digest, str)):
        return None
    fingerprint = record.get("options_fingerprint")
    return source, Done(digest, fingerprint if isinstance(fingerprint, str) else None)


# What the main process of a batch run reads of a record (the run's summary, the sink's
# bookkeeping); each removed span only by its detector and size.
SUMMARY_FIELDS = ("source", "status", "error", "input_sha256", "input_bytes",
                  "options_fingerprint", "language")


class Encoded(dict):
    """A record as the main process of a batch run needs it: the fields of
    :data:`SUMMARY_FIELDS` (and ``removed``, each span's ``detector`` and ``chars``), with the
    whole record already written out in the output's format (``text``, by the sink's
    :meth:`~Sink.encoder`). Made where the record is made (:func:`encoded`), so that worker
    processes encode in parallel and send a string, and the main process only writes it:
    pickling, unpickling and encoding each whole record there took ~0.5 ms of its CPU a
    capture, against ~10 ms a worker spends cleaning one."""

    __slots__ = ("text",)

    def __init__(self, fields: dict[str, Any], text: str) -> None:
        super().__init__(fields)
        self.text = text


def encoded(record: dict[str, Any], encode: Callable[[dict[str, Any]], str]) -> Encoded:
    """``record`` as an :class:`Encoded`, its text ``encode(record)``."""
    fields = {key: record[key] for key in SUMMARY_FIELDS if key in record}
    if "removed" in record:
        fields["removed"] = [{"detector": span["detector"], "chars": span["chars"]}
                             for span in record["removed"]]
    return Encoded(fields, encode(record))


class Sink(Protocol):
    done: dict[str, Done]

    def write(self, record: dict[str, Any]) -> None:
        """Writes ``record`` (an :class:`Encoded` one: its ``text``, as made by
        :meth:`encoder`)."""
        ...

    def encoder(self) -> Callable[[dict[str, Any]], str]:
        """What writes a record out in this sink's format (picklable: a worker process
        calls it, see :class:`Encoded`)."""
        ...

    def close(self) -> None: ...


def _text(record: dict[str, Any], codec: Codec) -> str:
    """A record's text in ``codec``'s format: made already when it is :class:`Encoded`."""
    return record.text if isinstance(record, Encoded) else codec.encode(record)


class Codec(Protocol):
    """How one output format writes records and reads them back (for resume)."""

    name: str
    header: str | None  # written once at the start of a file (CSV's column names)
    resumable: bool

    def encode(self, record: dict[str, Any]) -> str: ...

    def read(self, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | None]]:
        """(offset just past it, the record or None when unreadable) for each complete
        record; stops at a record cut off by an interruption."""
        ...


class JsonlCodec:
    """One JSON record per line."""

    name, header, resumable = "jsonl", None, True

    def encode(self, record: dict[str, Any]) -> str:
        return record_json(record) + "\n"

    def read(self, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | None]]:
        end = 0
        for raw in handle:
            if not raw.endswith(b"\n"):
                return  # a record cut off by an interruption
            end += len(raw)
            try:
                record = json.loads(raw)
            except ValueError:
                record = None
            yield end, record if isinstance(record, dict) else None


# The CSV output's columns: what a spreadsheet or pandas user wants per capture, plus what
# resume needs. Nested fields (metadata, warnings) are JSON text in their cell.
CSV_COLUMNS = ("source", "status", "error", "kind", "language", "title", "text", "metadata",
               "warnings", "input_sha256", "input_bytes", "options_fingerprint")


class NotOurs(ValueError):
    """An existing output file that cleanse did not write; resuming into it would mix."""


class CsvCodec:
    """One row per capture under a header (:data:`CSV_COLUMNS`), with the csv module's
    quoting: a cell may hold line breaks, so a row can span several lines."""

    name, resumable = "csv", True
    header = ",".join(CSV_COLUMNS) + "\n"

    def encode(self, record: dict[str, Any]) -> str:
        buffer = io.StringIO()
        csv.writer(buffer, lineterminator="\n").writerow(
            _csv_cell(record.get(column)) for column in CSV_COLUMNS)
        return buffer.getvalue()

    def read(self, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | None]]:
        end = 0

        def lines() -> Iterator[str]:
            nonlocal end
            for raw in handle:
                if not raw.endswith(b"\n"):
                    return  # a row cut off by an interruption
                end += len(raw)
                yield raw.decode("utf-8", errors="replace")

        # csv.reader asks for one line at a time and never reads ahead, so after each
        # row ``end`` is exactly where that row ends.
        rows = csv.reader(lines(), strict=True)
        try:
            header = next(rows, None)
            if header is None:
                return
            if tuple(header) != CSV_COLUMNS:
                raise NotOurs("its first line is not the header cleanse writes")
            yield end, {}
            for row in rows:
                yield end, dict(zip(CSV_COLUMNS, row)) if len(row) == len(CSV_COLUMNS) else None
        except csv.Error:
            return  # a quoted cell cut off by an interruption: the rows before it stand


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, allow_nan=False)


class TextCodec:
    """The article body of each capture, then an empty line; nothing for captures without
    one (errors are in the summary). Bodies carry no source, so there is no resume."""

    name, header, resumable = "txt", None, False

    def encode(self, record: dict[str, Any]) -> str:
        text = record.get("text") if record.get("status") == Status.OK.value else None
        return f"{text}\n\n" if isinstance(text, str) and text else ""

    def read(self, handle: IO[bytes]) -> Iterator[tuple[int, dict[str, Any] | None]]:
        return iter(())


CODECS: dict[str, Codec] = {"jsonl": JsonlCodec(), "csv": CsvCodec(), "txt": TextCodec()}
# Which file names mean which format.
SUFFIX_FORMATS = {".jsonl": "jsonl", ".ndjson": "jsonl", ".csv": "csv", ".txt": "txt"}


class StreamSink:
    """Records written as they come to stdout or a device (``/dev/null``); no resume."""

    def __init__(self, codec: Codec, stream: IO[str] | None = None) -> None:
        self.done: dict[str, Done] = {}
        self.codec = codec
        self.stream = stream
        self._header = codec.header

    def write(self, record: dict[str, Any]) -> None:
        stream = self.stream or sys.stdout
        if self._header:
            stream.write(self._header)
            self._header = None
        stream.write(_text(record, self.codec))
        stream.flush()

    def encoder(self) -> Callable[[dict[str, Any]], str]:
        return self.codec.encode

    def close(self) -> None:
        if self.stream is not None:
            self.stream.close()
        else:
            sys.stdout.flush()


class FileSink:
    """Records appended to one file in ``codec``'s format; see the module docstring."""

    def __init__(self, path: Path, codec: Codec, resume: bool = True):
        self.path = path
        self.codec = codec
        self.done: dict[str, Done] = {}
        self._present: set[str] = set()  # every source with a record in the file
        self._rewrite = False
        path.parent.mkdir(parents=True, exist_ok=True)
        if resume and path.exists():
            if not codec.resumable and path.stat().st_size:
                raise ValueError(f"{path} exists and {codec.name} output cannot resume (it "
                                 "does not say which capture each text came from): use --force "
                                 "to overwrite it, or a .jsonl or .csv output to resume")
            self._load()
        flags = os.O_WRONLY | os.O_CREAT | os.O_APPEND | (0 if resume else os.O_TRUNC)
        self._fd = os.open(path, flags, 0o666)  # less the umask, like open()
        if codec.header and os.fstat(self._fd).st_size == 0:
            self._append(codec.header.encode("utf-8"))

    def _load(self) -> None:
        with open(self.path, "rb+") as handle:
            complete = 0
            try:
                for end, record in self.codec.read(handle):
                    complete = end
                    if record is None:
                        self._rewrite = True
                        continue
                    source = record.get("source")
                    if not isinstance(source, str):
                        continue
                    self._rewrite |= source in self._present
                    self._present.add(source)
                    if finished := _finished(record):
                        self.done[finished[0]] = finished[1]
            except NotOurs as exc:
                raise ValueError(f"{self.path} exists and is not a {self.codec.name} output of "
                                 f"cleanse ({exc}): use --force to overwrite it, or another "
                                 "name") from None
            handle.truncate(complete)

    def write(self, record: dict[str, Any]) -> None:
        self._rewrite |= record["source"] in self._present
        self._append(_text(record, self.codec).encode("utf-8"))

    def encoder(self) -> Callable[[dict[str, Any]], str]:
        return self.codec.encode

    def _append(self, data: bytes) -> None:
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
            newest[record["source"]] = number

        def write(handle: IO[str]) -> None:
            if self.codec.header:
                handle.write(self.codec.header)
            for number, record in self._records():
                if newest[record["source"]] == number:
                    handle.write(self.codec.encode(record))
        atomic_write(self.path, write)

    def _records(self) -> Iterator[tuple[int, dict[str, Any]]]:
        with open(self.path, "rb") as handle:
            for number, (_, record) in enumerate(self.codec.read(handle)):
                if record is not None and isinstance(record.get("source"), str):
                    yield number, record


def folder_text(record: dict[str, Any]) -> str:
    """A record as a folder output's ``.json`` file holds it."""
    return record_json(record, indent=1) + "\n"


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
        text = record.text if isinstance(record, Encoded) else folder_text(record)
        atomic_write(target, lambda h: h.write(text))
        self._owner[target], self._path[source] = source, target

    def encoder(self) -> Callable[[dict[str, Any]], str]:
        return folder_text

    def close(self) -> None:
        pass


def output_format(output: str, requested: str | None = None) -> str:
    """What ``-o OUTPUT`` (with ``--output-format``, if given) writes: ``jsonl``, ``csv``,
    ``txt`` or ``folder`` (one ``.json`` record per capture). Raises ValueError, with what to
    do instead, for a name that would surprise: ``out.json`` is not made a folder."""
    path = Path(output)
    if output == STDIO or (path.exists() and not path.is_dir() and not path.is_file()):
        return requested or "jsonl"  # a stream: stdout, /dev/null, a FIFO
    is_folder = path.is_dir() or output.endswith(("/", os.sep)) or not path.suffix
    named = SUFFIX_FORMATS.get(path.suffix.lower())
    if is_folder:
        if requested:
            raise ValueError(f"-o {output} is a folder of .json records; --output-format "
                             f"{requested} needs a file name (out.{requested}) or -")
        return "folder"
    if named is None:
        raise ValueError(f"-o {output}: cleanse writes .jsonl, .csv or .txt files, or a "
                         "folder of .json records (a name without a suffix, or ending in /); "
                         f"did you mean {path.with_suffix('.jsonl')}?")
    if requested and requested != named:
        raise ValueError(f"-o {output} names a {named} file but --output-format is "
                         f"{requested}")
    return named


def open_sink(output: str, resume: bool = True, requested: str | None = None) -> Sink:
    """The sink for the CLI's ``-o``: ``-``, a device, a ``.jsonl``/``.csv``/``.txt`` file,
    or a folder (see :func:`output_format`)."""
    kind = output_format(output, requested)
    if output == STDIO:
        return StreamSink(CODECS[kind])
    path = Path(output)
    if path.exists() and not path.is_dir() and not path.is_file():
        return StreamSink(CODECS[kind], open(path, "w", encoding="utf-8", newline="\n"))
    if kind == "folder":
        return FolderSink(path, resume)
    return FileSink(path, CODECS[kind], resume)
