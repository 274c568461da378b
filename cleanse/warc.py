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


def html_records(path: str | Path, max_bytes: int) -> Iterator[HtmlRecord]:
    """The HTML responses in ``path`` (``.warc`` or ``.warc.gz``), in file order.

    Request, metadata and non-HTML records are skipped. A body is read up to
    ``max_bytes + 1`` so that an oversized one can be reported, not loaded.
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
            if record.rec_type != "response" or record.http_headers is None:
                continue
            content_type = record.http_headers.get_header("Content-Type") or ""
            if "html" not in content_type.lower():
                continue
            url = record.rec_headers.get_header("WARC-Target-URI") or f"{Path(path).name}#{number}"
            seen[url] += 1
            metadata = {"url": url, "warc_file": Path(path).name,
                        "warc_date": record.rec_headers.get_header("WARC-Date"),
                        "warc_record_id": record.rec_headers.get_header("WARC-Record-ID"),
                        "http_content_type": content_type}
            data = record.content_stream().read(max_bytes + 1)
            missing = getattr(record.raw_stream, "limit", 0)
            if len(data) <= max_bytes and missing:
                raise ValueError(f"record {number} ({url}) is truncated: "
                                 f"the file ends {missing} bytes early")
            charset = CHARSET.search(content_type)
            yield HtmlRecord(url if seen[url] == 1 else f"{url}#{seen[url]}", data,
                             {k: v for k, v in metadata.items() if v},
                             charset.group(1) if charset else None)
        unread = size - records.offset
    if not parsed:  # warcio yields what it cannot parse as untyped records, never raises
        raise ValueError("no WARC records found: not a WARC file, or damaged")
    if unread > 0:  # a gzip member cut off mid-record is skipped by warcio without a word
        raise ValueError(f"the last {unread} bytes are a truncated or damaged record")
