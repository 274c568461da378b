"""Fuzz cleanse: push generated and mutated captures through the library and the CLI.

    python benchmarks/fuzz.py                  # 10,000 inputs via clean(), 1,000 via the CLI
    python benchmarks/fuzz.py --count 500      # a quick look
    python benchmarks/fuzz.py --write          # ... and write the counts into docs/reliability.md

Not part of the test suite (it takes minutes). Inputs start from the seed
fixtures and, when present, the pages of ``../shared/bench``; each is mutated
by a seeded random choice of damage (byte flips, truncation, legacy
encodings, NULs, magic numbers, spliced HTML, adversarial runs, one huge
line...). Reports crashes (an exception escaping ``clean()``), hangs (no
answer within ``--hang-seconds``), statuses, and the slowest inputs; crashing
and slow inputs are saved under ``benchmarks/.fuzz/`` to reproduce them.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import multiprocessing
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402

from quality import DEFAULT_BENCH, load_pages  # noqa: E402

SAVED = ROOT / "benchmarks" / ".fuzz"
CODECS = ["gb18030", "gbk", "big5", "shift_jis", "euc-kr", "utf-16", "utf-16-le", "utf-16-be",
          "utf-8-sig", "cp1252", "utf-32"]
MAGIC = [b"\x89PNG\r\n\x1a\n", b"%PDF-1.4\n", b"\x1f\x8b\x08", b"PK\x03\x04", b"\xff\xd8\xff"]
RUNS = ["a", " ", "1", "。", "-", "<", "[", "](", "*", "_", "#", "(", "2024-01-", "Jan 1, ",
        "12:0", "ab-", "www.", "1分钟", "a > ", "\t", "\u200b", "&amp;"]
TAGS = ["<p>", "</p>", "<div class='nav'>", "</div>", "<li><a href='/x'>", "</a></li>",
        "<script>", "</script>", "<!--", "<table><tr><td>", "<h2>", "<br>", "<html lang='zh'>"]


def _mutations(rng: random.Random, corpus: list[bytes]) -> dict:
    def flip(data: bytes) -> bytes:
        data = bytearray(data)
        for _ in range(rng.randint(1, 20)):
            if data:
                data[rng.randrange(len(data))] = rng.randrange(256)
        return bytes(data)

    def truncate(data: bytes) -> bytes:
        return data[: rng.randrange(len(data) + 1)]

    def insert_bytes(data: bytes) -> bytes:
        at = rng.randrange(len(data) + 1)
        return data[:at] + rng.randbytes(rng.randint(1, 64)) + data[at:]

    def nuls(data: bytes) -> bytes:
        at = rng.randrange(len(data) + 1)
        return data[:at] + b"\x00" * rng.randint(1, 8) + data[at:]

    def encode(data: bytes) -> bytes:
        return data.decode("utf-8", "replace").encode(rng.choice(CODECS), "replace")

    def magic(data: bytes) -> bytes:
        return rng.choice(MAGIC) + data

    def splice(data: bytes) -> bytes:
        other = rng.choice(corpus)
        return data[: rng.randrange(len(data) + 1)] + other[rng.randrange(len(other) + 1):]

    def adversarial_run(data: bytes) -> bytes:
        at = rng.randrange(len(data) + 1)
        run = rng.choice(RUNS) * rng.randint(100, 20_000)
        return data[:at] + run.encode() + data[at:]

    def one_line(data: bytes) -> bytes:
        return data.replace(b"\n", b" ").replace(b"\r", b" ")

    def tags(data: bytes) -> bytes:
        lines = data.split(b"\n")
        return b"\n".join(rng.choice(TAGS).encode() + line if rng.random() < 0.5 else line
                          for line in lines)

    def json_wrap(data: bytes) -> bytes:
        text = data.decode("utf-8", "replace")
        return json.dumps({rng.choice(["text", "html", "content"]): text, "url": "x"}).encode()

    def random_bytes(_: bytes) -> bytes:
        return rng.randbytes(rng.randint(0, 5000))

    def random_text(_: bytes) -> bytes:
        return "".join(chr(rng.randrange(1, 0x3000)) for _ in range(rng.randint(0, 3000))).encode(
            "utf-8", "replace")

    return {f.__name__: f for f in (flip, truncate, insert_bytes, nuls, encode, magic, splice,
                                    adversarial_run, one_line, tags, json_wrap, random_bytes,
                                    random_text)}


def generate(count: int, seed: int, corpus: list[bytes]) -> list[tuple[str, bytes]]:
    """``count`` (description, bytes) inputs, the same for the same seed and corpus."""
    rng = random.Random(seed)
    mutations = _mutations(rng, corpus)
    inputs = []
    for _ in range(count):
        data = rng.choice(corpus)
        names = rng.sample(sorted(mutations), rng.randint(1, 3))
        for name in names:
            data = mutations[name](data)
        inputs.append(("+".join(names), data))
    return inputs


_pipeline: cleanse.Pipeline | None = None


def _clean(item: tuple[int, bytes, float]) -> tuple[int, str, float, str | None]:
    global _pipeline
    index, data, limit = item
    if _pipeline is None:
        _pipeline = cleanse.Pipeline(cleanse.Config(time_limit=limit))
    start = time.perf_counter()
    try:
        doc = _pipeline.clean(data)
    except Exception:
        return index, "crash", time.perf_counter() - start, traceback.format_exc()
    return index, doc.status.value, time.perf_counter() - start, None


def fuzz_library(inputs: list[tuple[str, bytes]], limit: float, hang_seconds: float,
                 workers: int) -> tuple[Counter, list, list]:
    """Statuses, failures (crash or hang) and (seconds, index) timings."""
    statuses: Counter = Counter()
    failures, timings = [], []
    pending = list(range(len(inputs)))
    while pending:
        with multiprocessing.Pool(workers) as pool:
            results = pool.imap(_clean, ((i, inputs[i][1], limit) for i in pending), chunksize=1)
            done = 0
            try:
                for index, status, seconds, error in _with_timeout(results, hang_seconds):
                    statuses[status] += 1
                    timings.append((seconds, index))
                    if error:
                        failures.append((index, "crash", error))
                    done += 1
                    if done % 1000 == 0:
                        print(f"  {done + len(inputs) - len(pending)} / {len(inputs)}",
                              file=sys.stderr)
                pending = []
            except multiprocessing.TimeoutError:
                hung = pending[done]
                statuses["hang"] += 1
                failures.append((hung, "hang", f"no answer within {hang_seconds} s"))
                pending = pending[done + 1:]  # restart the pool past the hung input
    return statuses, failures, sorted(timings, reverse=True)


def _with_timeout(results, seconds: float):
    while True:
        try:
            yield results.next(timeout=seconds)
        except StopIteration:
            return


def fuzz_cli(inputs: list[tuple[str, bytes]], limit: float) -> dict:
    """Write inputs as files, clean the folder with the CLI, check the run's promises."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder, "in")
        root.mkdir()
        for i, (_, data) in enumerate(inputs):
            (root / f"{i:05d}.txt").write_bytes(data)
        before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.iterdir()}
        out = Path(folder, "out.jsonl")
        run = subprocess.run([sys.executable, "-m", "cleanse.cli", "clean", str(root), "-o",
                              str(out), "-j", "2", "-q", "--time-limit", str(limit)],
                             capture_output=True, text=True)
        records = [json.loads(line) for line in out.read_text("utf-8").splitlines()]
        after = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.iterdir()}
    sources = Counter(r["source"] for r in records)
    return {"files": len(inputs), "exit_status": run.returncode, "records": len(records),
            "every_input_once": sorted(sources) == sorted(before) and max(sources.values()) == 1,
            "inputs_unchanged": before == after,
            "statuses": dict(Counter(r["status"] for r in records)),
            "stderr_tail": run.stderr[-300:]}


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--cli-count", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--hang-seconds", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--write", action="store_true", help="update docs/reliability.md")
    args = parser.parse_args()
    corpus = [p.read_bytes() for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    if args.bench.exists():
        corpus += [page["html_text"].encode("utf-8") for page in load_pages(args.bench)]
    inputs = generate(args.count, args.seed, corpus)
    started = time.perf_counter()
    statuses, failures, timings = fuzz_library(inputs, args.time_limit, args.hang_seconds,
                                               args.jobs)
    library_seconds = time.perf_counter() - started
    cli = fuzz_cli(inputs[: args.cli_count], args.time_limit)
    SAVED.mkdir(parents=True, exist_ok=True)
    for index, kind, _ in failures:
        (SAVED / f"{kind}-{index:05d}.bin").write_bytes(inputs[index][1])
    slowest = timings[:10]
    for _, index in slowest:
        (SAVED / f"slow-{index:05d}.bin").write_bytes(inputs[index][1])
    lines = [
        f"Library: {len(inputs)} inputs (seed {args.seed}, corpus of {len(corpus)} captures) in "
        f"{library_seconds:.0f} s on {args.jobs} workers, time limit {args.time_limit:g} s.",
        "", "| outcome | inputs |", "|---|---|",
        *[f"| {status} | {n} |" for status, n in sorted(statuses.items())],
        "", f"Crashes: {sum(1 for f in failures if f[1] == 'crash')}. "
            f"Hangs (no answer in {args.hang_seconds:g} s): "
            f"{sum(1 for f in failures if f[1] == 'hang')}.",
        "", "Slowest inputs:", "", "| input | mutations | size | seconds |", "|---|---|---|---|",
        *[f"| {index} | {inputs[index][0]} | {len(inputs[index][1]):,} B | {seconds:.2f} |"
          for seconds, index in slowest],
        "", f"CLI: {cli['files']} of the same inputs as files, `cleanse clean DIR -o out.jsonl "
            f"-j 2`: exit status {cli['exit_status']}, {cli['records']} records, every input "
            f"exactly once: {cli['every_input_once']}, inputs unchanged: "
            f"{cli['inputs_unchanged']}, statuses {cli['statuses']}.",
    ]
    for index, kind, detail in failures[:5]:
        lines += ["", f"{kind} on input {index} ({inputs[index][0]}):", "```", detail.strip(),
                  "```"]
    report = "\n".join(lines)
    print(report)
    if args.write:
        _write_doc(report, f"python benchmarks/fuzz.py --count {args.count} --cli-count "
                           f"{args.cli_count} --write")
    return 1 if failures or not (cli["every_input_once"] and cli["inputs_unchanged"]) else 0


def _write_doc(report: str, command: str) -> None:
    path = ROOT / "docs" / "reliability.md"
    text = path.read_text("utf-8")
    start, end = "<!-- fuzz:start -->", "<!-- fuzz:end -->"
    head, tail = text.split(start)[0], text.split(end)[1]
    path.write_text(f"{head}{start}\nFrom `{command}`:\n\n{report}\n{end}{tail}", "utf-8")


if __name__ == "__main__":
    sys.exit(main())
