"""Peak memory of `cleanse clean` over WARC files of growing size (issue 15, item 7).

    python benchmarks/warc_memory.py            # prints a markdown table
    python benchmarks/warc_memory.py --write    # ... and puts it into docs/reliability.md

Each WARC holds N HTML responses of about 1 MB each (a short article after a large inline
script, so cleaning is quick and the bodies dominate), gzip-compressed. Each run is a fresh
`cleanse clean` process; its peak RSS comes from `--stats` (VmHWM of the main process, and
of the largest worker). Records are read as the run reaches them, so the peak should not
grow with N; before, every record body was in memory at once.
"""

from __future__ import annotations

import argparse
import json
import re
import subprocess
import sys
import tempfile
import time
from io import BytesIO
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "reliability.md"
ARTICLE = ("The city council approved a new light rail line on Wednesday, ending years of "
           "debate. Officials said the line would run for twenty-eight miles. ")


def _body(number: int, size: int) -> bytes:
    script = "var data = [" + ",".join(str(i * number % 9973) for i in range(size // 5)) + "];"
    return (f"<html><head><title>Story {number}</title><script>{script}</script></head><body>"
            f"<article><h1>Story {number}</h1>" + f"<p>{ARTICLE}</p>" * 6
            + "</article></body></html>").encode()


def write_warc(path: Path, records: int, size: int) -> int:
    """A gzip WARC of ``records`` HTML responses of about ``size`` bytes; their total size."""
    total = 0
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for number in range(records):
            body = _body(number, size)
            total += len(body)
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://example.com/{number}", "response", payload=BytesIO(body),
                http_headers=headers))
    return total


def measure(records: int, jobs: int, size: int, folder: Path) -> dict:
    warc = folder / f"crawl-{records}.warc.gz"
    total = write_warc(warc, records, size)
    stats, out = folder / f"stats-{records}-{jobs}.json", folder / f"out-{records}-{jobs}.jsonl"
    started = time.monotonic()
    subprocess.run([sys.executable, "-m", "cleanse", "clean", str(warc), "-o", str(out), "-q",
                    "-j", str(jobs), "--stats", str(stats)], check=True, cwd=ROOT)
    summary = json.loads(stats.read_text("utf-8"))
    return {"records": records, "jobs": jobs, "bodies_mb": total / 1e6,
            "file_mb": warc.stat().st_size / 1e6, "seconds": time.monotonic() - started,
            "status": summary["status"], **summary["peak_rss_mb"]}


def report(rows: list[dict]) -> str:
    lines = ["| HTML records | bodies (MB) | WARC file (MB) | -j | statuses | seconds | "
             "peak RSS main | peak RSS largest worker |", "|---|---|---|---|---|---|---|---|"]
    for row in rows:
        statuses = ", ".join(f"{n} {s}" for s, n in sorted(row["status"].items()))
        worker = f"{row['worker']:.0f} MB" if row["jobs"] > 1 else "-"
        lines.append(f"| {row['records']} | {row['bodies_mb']:.0f} | {row['file_mb']:.1f} | "
                     f"{row['jobs']} | {statuses} | {row['seconds']:.0f} | {row['main']:.0f} MB "
                     f"| {worker} |")
    return "\n".join(lines)


def _write_doc(table: str) -> None:
    start, end = "<!-- warc-memory:start -->", "<!-- warc-memory:end -->"
    text = DOC.read_text("utf-8")
    block = f"{start}\nCommand: `python benchmarks/warc_memory.py --write`\n\n{table}\n{end}"
    if start in text:
        text = re.sub(re.escape(start) + ".*?" + re.escape(end), lambda _: block, text,
                      flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n" + block + "\n"
    DOC.write_text(text, "utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--records", type=int, nargs="+", default=[40, 160])
    parser.add_argument("--size", type=int, default=1_000_000, help="bytes per record body")
    parser.add_argument("--write", action="store_true", help="update docs/reliability.md")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        rows = [measure(n, jobs, args.size, Path(folder))
                for n in args.records for jobs in (1, 2)]
    table = report(rows)
    print(table)
    if args.write:
        _write_doc(table)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
