"""WARC input: every HTML response record of a crawl becomes one capture."""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

WARC_SUFFIXES = (".warc", ".warc.gz")
CHARSET = re.compile(r"charset\s*=\s*[\"']?([\w.:-]+)", re.I)


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class HtmlRecord:
    """One HTML response of a WARC file: its body and where it came from."""

    source: str  # the target URL; "#2", "#3"... for repeated captures of one URL
    data: bytes
    metadata: dict[str, Any]
    charset: str | None = None  # from the HTTP Content-Type header
    error: str | None = None  # why the body was not kept (over the size limit)


CHUNK = 1 << 20


def _read_body(stream: Any, max_bytes: int) -> bytes | None:
    """The body, read in chunks up to ``max_bytes``; None (and nothing kept) past it.

    A body may be compressed (``Content-Encoding: gzip``) a thousandfold: it is
    never decompressed further than the limit, and an oversized one is not held.
    """
    chunks, size = [], 0
    while chunk := stream.read(CHUNK):
        size += len(chunk)
        if size > max_bytes:
            return None
        chunks.append(chunk)
    return b"".join(chunks)


def _drain(stream: Any) -> None:
    """Read a record to its end (discarding it), so that a record cut short shows."""
    while stream.read(CHUNK):
        pass


def _is_html_response(record: Any) -> bool:
    content_type = (record.http_headers.get_header("Content-Type") or ""
                    if record.http_headers is not None else "")
    return record.rec_type == "response" and "html" in content_type.lower()


def count_html_records(path: str | Path) -> int:
    """How many captures :func:`html_records` will give for ``path``, without keeping any body.

    One pass over the file (decompressing it), for a progress bar's total. A
    damaged file counts what could be read plus one (its error record).
    """
    found = 0
    try:
        with open(path, "rb") as stream:
            found = sum(map(_is_html_response, ArchiveIterator(stream)))
    except Exception:  # warcio raises several types for damaged archives
        found += 1
    return found


def html_records(path: str | Path, max_bytes: int) -> Iterator[HtmlRecord]:
    """The HTML responses in ``path`` (``.warc`` or ``.warc.gz``), in file order.

    Request, metadata and non-HTML records are skipped. A body is read up to
    ``max_bytes``: an oversized one is reported (``error``), not loaded.
    Raises ``OSError``, warcio's ``ArchiveLoadFailed`` or ``ValueError`` on a
    damaged file, including one cut off in the middle of a record (the
    records before it have been yielded by then).
    """
    seen: Counter[str] = Counter()
    parsed = 0
    size = os.path.getsize(path)
    with open(path, "rb") as stream:
        records = ArchiveIterator(stream)
        for number, record in enumerate(records):
            parsed += record.rec_type is not None
            content_type = (record.http_headers.get_header("Content-Type") or ""
                            if record.http_headers is not None else "")
            url = record.rec_headers.get_header("WARC-Target-URI") or f"{Path(path).name}#{number}"
            if not _is_html_response(record):
                # Checked for a cut too: one inside the HTTP header ("text/htm") would
                # otherwise skip an HTML record without a word.
                _drain(record.raw_stream)
                _check_complete(record, number, url)
                continue
            seen[url] += 1
            metadata = {"url": url, "warc_file": Path(path).name,
                        "warc_date": record.rec_headers.get_header("WARC-Date"),
                        "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                        "http_content_type": content_type}
            data = _read_body(record.content_stream(), max_bytes)
            if data is not None:
                _check_complete(record, number, url)
            charset = CHARSET.search(content_type)
            yield HtmlRecord(url if seen[url] == 1 else f"{url}#{seen[url]}", data or b"",
                             {k: v for k, v in metadata.items() if v},
                             charset.group(1) if charset else None,
                             None if data is not None else
                             f"too large: over {max_bytes} bytes once decoded (see --max-bytes)")
        unread = size - records.offset
    if not parsed:  # warcio yields what it cannot parse as untyped records, never raises
        raise ValueError("no WARC records found: not a WARC file, or damaged")
    if unread > 0:  # a gzip member cut off mid-record is skipped by warcio without a word
        raise ValueError(f"the last {unread} bytes are a truncated or damaged record")


def _check_complete(record: Any, number: int, url: str) -> None:
    missing = getattr(record.raw_stream, "limit", 0)
    if missing:
        raise ValueError(f"record {number} ({url}) is truncated: the file ends {missing} bytes "
                         "early")
