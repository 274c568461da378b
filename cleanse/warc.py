"""WARC input: every HTML response record of a crawl becomes one capture."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from warcio.archiveiterator import ArchiveIterator

WARC_SUFFIXES = (".warc", ".warc.gz")


def is_warc(path: str | Path) -> bool:
    return str(path).lower().endswith(WARC_SUFFIXES)


@dataclass(frozen=True)
class HtmlRecord:
    """One HTML response of a WARC file: its body and where it came from."""

    source: str  # the target URL; "#2", "#3"... for repeated captures of one URL
    data: bytes
    metadata: dict[str, Any]


def html_records(path: str | Path, max_bytes: int) -> Iterator[HtmlRecord]:
    """The HTML responses in ``path`` (``.warc`` or ``.warc.gz``), in file order.

    Request, metadata and non-HTML records are skipped. A body is read up to
    ``max_bytes + 1`` so that an oversized one can be reported, not loaded.
    Raises ``OSError``, warcio's ``ArchiveLoadFailed`` or ``ValueError`` on a damaged file.
    """
    seen: Counter[str] = Counter()
    parsed = 0
    with open(path, "rb") as stream:
        for number, record in enumerate(ArchiveIterator(stream)):
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
            yield HtmlRecord(url if seen[url] == 1 else f"{url}#{seen[url]}",
                             record.content_stream().read(max_bytes + 1),
                             {k: v for k, v in metadata.items() if v})
    if not parsed:  # warcio yields what it cannot parse as untyped records, never raises
        raise ValueError("no WARC records found: not a WARC file, or damaged")
