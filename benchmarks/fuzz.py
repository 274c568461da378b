"""Fuzz cleanse: push generated and mutated captures through the library and the CLI.

    python benchmarks/fuzz.py                  # 10,000 inputs via clean(), 1,000 via the CLI
    python benchmarks/fuzz.py --count 500      # a quick look
    python benchmarks/fuzz.py --write          # ... and write the counts into docs/reliability.md
    python benchmarks/fuzz.py --big --write    # peak memory and time of the big hostile inputs

Not part of the test suite (it takes minutes). Inputs start from the seed
fixtures and, when present, the pages of ``../shared/bench``; each is mutated
by a seeded random choice of damage (byte flips, truncation, legacy
encodings, NULs, magic numbers, spliced HTML, adversarial runs, one huge
line...). A share of the inputs (``--structure-share``) is instead built
around a known article with hostile *structure*: YAML tags and aliases, deep
nesting (HTML, JSON, YAML), huge attributes and text nodes, long comments
before ``<!DOCTYPE>``-less or -ful pages, runs of closing punctuation. For
those, an ``ok`` or ``empty`` record that lost the article without a warning
counts as a *silent drop*. The CLI phase also cleans folders holding FIFOs,
symlink loops and WARC files with colliding URLs and a gzip bomb.

Reports crashes (an exception escaping ``clean()``), hangs (no answer within
``--hang-seconds``), silent drops, statuses, and the slowest inputs; crashing,
dropping and slow inputs are saved under ``benchmarks/.fuzz/`` to reproduce them.
"""

from __future__ import annotations

import argparse
import gzip
import hashlib
import io
import json
import multiprocessing
import os
import random
import subprocess
import sys
import tempfile
import time
import traceback
from collections import Counter
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench"

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


# Article paragraphs a structurally hostile capture is built around: each must come back.
PROSE = [
    "The city council approved a new light rail line on Wednesday, ending years of debate.",
    "Officials said the line would run for twenty-eight miles and serve thirty stations.",
    "Transport experts expect the project to shorten commutes for residents of the east side.",
    "Some residents worry that construction will disrupt local roads for several years.",
    "The mayor said the first trains could run within five years if funding holds steady.",
    "Opponents argued that buses would serve the same neighbourhoods at a fraction of the cost.",
    "上海市政府周三宣布，将在明年投入两百亿元建设新的地铁线路，以缓解城市交通压力。",
    "据官方介绍，新线路全长四十五公里，设站三十座，预计二零二八年建成通车。",
    "交通专家认为，这一计划将显著改善城市东部居民的通勤条件，同时带动沿线经济发展。",
]
YAML_VALUES = [
    "blob: !!binary aGVsbG8gd29ybGQ=", "tags: !!set {a, b, c}", "ratio: .nan", "low: -.inf",
    "when: 2024-01-02", "at: 2024-01-02T03:04:05Z", "self: &s [*s]", "map: &m {me: *m}",
    "laughs: " + "[" * 3000 + "]" * 3000, "bad: [unclosed", "? [complex, key]\n: value",
    "obj: !!python/object:os.system 'x'", "pairs: !!omap [{a: 1}, {b: 2}]", "n: 0x1F",
    "a: &a [x, x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]\n"
    "c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: &d [*c, *c, *c, *c, *c, *c, *c, *c]\n"
    "e: [*d, *d, *d, *d, *d, *d, *d, *d, *d, *d]",
]
CLOSERS = ['"', ")", "”", "」", "*", "_", "】", "'"]


def _html_page(paragraphs: list[str], title: str = "Council approves rail line") -> str:
    return (f"<html><head><title>{title}</title></head><body><nav><a href='/'>Home</a></nav>"
            "<article>" + "".join(f"<p>{p}</p>" for p in paragraphs) + "</article></body></html>")


def _structures(rng: random.Random) -> dict[str, Callable[[list[str]], str | bytes]]:
    """Generators of hostile structure around ``paragraphs`` (the article to keep)."""
    def yaml_front_matter(paragraphs: list[str]) -> str:
        values = rng.sample(YAML_VALUES, rng.randint(1, 4))
        return "---\ntitle: Fuzz\n" + "\n".join(values) + "\n---\n" + "\n\n".join(paragraphs)

    def deep_html(paragraphs: list[str]) -> str:
        depth = rng.choice([255, 257, 2047, 2049, 5000, 20_000, 100_000])
        tag = rng.choice(["div", "span", "b", "section", "li", "table"])
        page = _html_page(paragraphs)
        at = page.index("<article>")
        closing = f"</{tag}>" * depth if rng.random() < 0.5 else ""
        return page[:at] + f"<{tag}>" * depth + page[at:-len("</body></html>")] + closing \
            + "</body></html>"

    def deep_json(paragraphs: list[str]) -> str:
        depth = rng.choice([500, 5000, 100_000])
        return ('{"text": ' + json.dumps("\n\n".join(paragraphs)) + ', "meta": '
                + "[" * depth + "]" * depth + "}")

    def huge_attribute(paragraphs: list[str]) -> str:
        # Over lxml's 10 MB limits only now and then: each such input is big.
        size = 10_500_000 if rng.random() < 0.02 else rng.randint(10_000, 1_000_000)
        blob = rng.choice(["<img src='data:image/png;base64,{}'>", "<script>var x='{}';</script>",
                           "<div title='{}'></div>"]).format("A" * size)
        page = _html_page(paragraphs)
        at = page.index("<article>")
        return page[:at] + blob + page[at:]

    def doctype_comment(paragraphs: list[str]) -> str:
        licence = "Licensed under the Apache License, Version 2.0. " * rng.randint(100, 2000)
        doctype = "<!DOCTYPE html>\n" if rng.random() < 0.7 else ""
        return f"{doctype}<!--\n{licence}\n-->\n" + _html_page(paragraphs)

    def closing_run(paragraphs: list[str]) -> str:
        size = 2_000_000 if rng.random() < 0.01 else rng.randint(1000, 200_000)
        lines = list(paragraphs)
        at = rng.randrange(len(lines))
        lines[at] += rng.choice(CLOSERS) * size
        return "\n\n".join(lines)

    return {f.__name__: f for f in (yaml_front_matter, deep_html, deep_json, huge_attribute,
                                    doctype_comment, closing_run)}


def generate(count: int, seed: int, corpus: list[bytes],
             structure_share: float = 0.3) -> list[tuple[str, bytes, list[str]]]:
    """``count`` (description, bytes, paragraphs that must survive) inputs, the same for
    the same seed and corpus; mutated captures have no paragraphs to check."""
    rng = random.Random(seed)
    mutations = _mutations(rng, corpus)
    structures = _structures(rng)
    inputs = []
    for _ in range(count):
        if rng.random() < structure_share:
            name = rng.choice(sorted(structures))
            paragraphs = rng.sample(PROSE, rng.randint(3, 5))
            data = structures[name](paragraphs)
            inputs.append((name, data.encode("utf-8") if isinstance(data, str) else data,
                           paragraphs))
            continue
        data = rng.choice(corpus)
        names = rng.sample(sorted(mutations), rng.randint(1, 3))
        for name in names:
            data = mutations[name](data)
        inputs.append(("+".join(names), data, []))
    return inputs


_pipeline: cleanse.Pipeline | None = None


def _clean(item: tuple[int, bytes, list[str], float]
           ) -> tuple[int, str, float, str | None, bool]:
    """(index, status, seconds, traceback of a crash, whether the article was dropped silently)."""
    global _pipeline
    index, data, paragraphs, limit = item
    if _pipeline is None:
        _pipeline = cleanse.Pipeline(cleanse.Config(time_limit=limit))
    start = time.perf_counter()
    try:
        doc = _pipeline.clean(data)
        json.dumps(doc.to_dict(), allow_nan=False)  # a record that cannot be written is a crash
    except Exception:
        return index, "crash", time.perf_counter() - start, traceback.format_exc(), False
    return index, doc.status.value, time.perf_counter() - start, None, _dropped(doc, paragraphs)


def _dropped(doc: cleanse.CleanedDocument, paragraphs: list[str]) -> bool:
    """An ok or empty record that lost more than one article paragraph and says nothing."""
    if not paragraphs or doc.status.value not in ("ok", "empty") or doc.warnings:
        return False
    return sum(p not in doc.text for p in paragraphs) > 1


def fuzz_library(inputs: list[tuple[str, bytes, list[str]]], limit: float, hang_seconds: float,
                 workers: int) -> tuple[Counter, list, list]:
    """Statuses, failures (crash, hang or silent drop) and (seconds, index) timings."""
    statuses: Counter = Counter()
    failures, timings = [], []
    pending = list(range(len(inputs)))
    while pending:
        with multiprocessing.Pool(workers) as pool:
            results = pool.imap(_clean, ((i, inputs[i][1], inputs[i][2], limit) for i in pending),
                                chunksize=1)
            done = 0
            try:
                for index, status, seconds, error, dropped in _with_timeout(results, hang_seconds):
                    statuses[status] += 1
                    timings.append((seconds, index))
                    if error:
                        failures.append((index, "crash", error))
                    if dropped:
                        failures.append((index, "drop", "ok/empty record without the article "
                                                        "and without a warning"))
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


def fuzz_cli(inputs: list[tuple[str, bytes, list[str]]], limit: float) -> dict:
    """Write inputs as files, clean the folder with the CLI, check the run's promises."""
    with tempfile.TemporaryDirectory() as folder:
        root = Path(folder, "in")
        root.mkdir()
        for i, (_, data, _) in enumerate(inputs):
            (root / f"{i:05d}.txt").write_bytes(data)
        before = {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in root.iterdir()}
        out = Path(folder, "out.jsonl")
        run = subprocess.run([sys.executable, "-m", "cleanse", "clean", str(root), "-o",
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


def _warc(path: Path, rng: random.Random) -> list[str]:
    """A WARC of HTML records whose URLs collide as file names, plus a gzip bomb; the
    sources a run must report, in order."""
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    base = f"http://x{rng.randrange(1000)}.com"
    urls = rng.sample([base, base + "/", base + "/a", base + "/a/", base + "/a?", base + "//a"],
                      4)
    bomb = rng.random() < 0.5
    with open(path, "wb") as stream:
        writer = WARCWriter(stream, gzip=rng.random() < 0.5)
        for url in urls + ([base + "/bomb"] if bomb else []):
            body = _html_page(rng.sample(PROSE, 3), url).encode()
            fields = [("Content-Type", "text/html; charset=utf-8")]
            if url.endswith("/bomb"):
                body = gzip.compress(b"<p>x</p>" * 8_000_000, 9)  # 64 MB unpacked
                fields.append(("Content-Encoding", "gzip"))
            headers = StatusAndHeaders("200 OK", fields, protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(url, "response",
                                                          payload=io.BytesIO(body),
                                                          http_headers=headers))
    return urls + ([base + "/bomb"] if bomb else [])


def fuzz_cli_structure(rounds: int, seed: int, limit: float, timeout: float) -> dict:
    """Folders with FIFOs, symlink loops and colliding WARC URLs through the CLI
    (``--follow-symlinks``, folder output, run twice): no hang, every regular file and
    WARC record exactly once in its own file, the rerun skips everything it finished."""
    rng = random.Random(seed)
    problems: list[str] = []
    captures = 0
    for round_number in range(rounds):
        with tempfile.TemporaryDirectory() as folder:
            root = Path(folder, "in")
            (root / "sub").mkdir(parents=True)
            expected = []
            for i in range(rng.randint(1, 4)):
                name = f"sub/{i}.txt" if i % 2 else f"{i}.txt"
                (root / name).write_text("\n\n".join(rng.sample(PROSE, 3)), "utf-8")
                expected.append(name)
            specials = []
            for i in range(rng.randint(1, 2)):
                os.mkfifo(root / f"pipe{i}.txt")
                specials.append(f"pipe{i}.txt")
            (root / "sub" / "loop").symlink_to(root)
            if rng.random() < 0.5:
                (root / "sub" / "loop2").symlink_to(root / "sub")
            expected += _warc(root / "crawl.warc", rng)
            out = Path(folder, "out")
            command = [sys.executable, "-m", "cleanse", "clean", str(root), "-o", str(out),
                       "-j", "2", "-q", "--follow-symlinks", "--time-limit", str(limit),
                       "--max-bytes", str(20 * 1024 * 1024)]
            for attempt in ("first", "rerun"):
                try:
                    run = subprocess.run(command, capture_output=True, text=True,
                                         timeout=timeout)
                except subprocess.TimeoutExpired:
                    problems.append(f"round {round_number} {attempt}: hang")
                    break
                if "Traceback" in run.stderr or run.returncode not in (0, 1):
                    problems.append(f"round {round_number} {attempt}: exit {run.returncode} "
                                    f"{run.stderr[-300:]}")
                records = [json.loads(p.read_text("utf-8")) for p in out.rglob("*.json")]
                sources = Counter(r["source"] for r in records)
                if sorted(sources) != sorted(expected + specials) or max(sources.values()) > 1:
                    problems.append(f"round {round_number} {attempt}: records for "
                                    f"{sorted(sources)}, expected {sorted(expected + specials)}")
                if any(not r["error"].startswith("not a regular file")
                       for r in records if r["source"] in specials):
                    problems.append(f"round {round_number}: a FIFO without its error record")
            captures += len(expected) + len(specials)
    return {"rounds": rounds, "captures": captures, "problems": problems}


# Each big case runs in a fresh process that reports its own peak RSS (VmHWM) and time, and
# its RSS once the libraries are loaded and warm (the growth is what the input costs).
BIG_SCRIPT = """
import json, resource, sys, time
import cleanse
from cleanse.running.cli import main
cleanse.clean("A warm-up sentence, so that every table and model is loaded. " * 3)
idle = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmRSS"))
data = open(sys.argv[1], "rb").read()
start = time.perf_counter()
if sys.argv[2] == "clean":
    doc = cleanse.Pipeline(cleanse.Config(time_limit=None)).clean(data)
    status = doc.status.value
else:
    status = main(["clean", sys.argv[1], "-o", sys.argv[1] + ".jsonl", "-q", "-j", "2",
                   *sys.argv[3:]])
seconds = time.perf_counter() - start
peak = next(int(l.split()[1]) for l in open("/proc/self/status") if l.startswith("VmHWM"))
children = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"status": status, "seconds": seconds, "peak_mb": peak / 1024,
                  "idle_mb": idle / 1024, "worker_peak_mb": children / 1024}))
"""


def _big_cases(folder: Path) -> list[tuple[str, Path, list[str]]]:
    """(description, input file, how to run it) for the big hostile inputs of issue 15."""
    rng = random.Random(7)
    english = " ".join(rng.choice(PROSE[:6]) for _ in range(600_000))[:50_000_000]
    chinese = "".join(rng.choice(PROSE[6:]) for _ in range(420_000))[:16_700_000]  # ~50 MB
    cases = {
        "50 MB English, one line": (english.encode(), ["clean"]),
        "50 MB Chinese, one line": (chinese.encode(), ["clean"]),
        "3 MB line ending in 2M quotes, CLI --time-limit 5":
            (("He said it." + '"' * 3_000_000).encode(), ["cli", "--time-limit", "5"]),
        "HTML with an 11 MB data: image": (_html_page(PROSE[:4]).replace(
            "<article>", "<img src='data:image/png;base64," + "A" * 11_000_000 + "'><article>"
        ).encode(), ["clean"]),
        "HTML nested 100,000 deep": (_html_page(PROSE[:4]).replace(
            "<article>", "<div>" * 100_000 + "<article>").encode(), ["clean"]),
    }
    made = []
    for number, (name, (data, how)) in enumerate(cases.items()):
        path = folder / f"big{number}.txt"
        path.write_bytes(data)
        made.append((name, path, how))
    bomb = folder / "bombs.warc"
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    payload = gzip.compress(b"<p>x</p>" * 40_000_000, 9)  # 320 MB each once unpacked
    with open(bomb, "wb") as stream:
        writer = WARCWriter(stream, gzip=True)
        for n in range(16):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html"),
                                                  ("Content-Encoding", "gzip")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"http://bomb/{n}", "response", payload=io.BytesIO(payload),
                http_headers=headers))
    made.append((f"WARC of 16 gzip-bomb records ({bomb.stat().st_size // 1024} KB), CLI",
                 bomb, ["cli"]))
    return made


def measure_big() -> str:
    """A markdown table: size, status, seconds and peak memory of each big case."""
    rows = ["| input | size | status | seconds | peak RSS (main) | of which the input | "
            "peak RSS (workers) |", "|---|---|---|---|---|---|---|"]
    with tempfile.TemporaryDirectory() as folder:
        for name, path, how in _big_cases(Path(folder)):
            run = subprocess.run([sys.executable, "-c", BIG_SCRIPT, str(path), *how],
                                 capture_output=True, text=True, cwd=ROOT)
            if run.returncode != 0:
                rows.append(f"| {name} | {path.stat().st_size:,} B | crash: "
                            f"{run.stderr.strip().splitlines()[-1]} | | | | |")
                continue
            result = json.loads(run.stdout.strip().splitlines()[-1])
            size = path.stat().st_size / 1e6
            growth = result["peak_mb"] - result["idle_mb"]
            rows.append(f"| {name} | {size:.1f} MB | {result['status']} | "
                        f"{result['seconds']:.1f} | {result['peak_mb']:.0f} MB | "
                        f"{growth:.0f} MB{f' ({growth / size:.1f}x)' if size >= 1 else ''} | "
                        f"{result['worker_peak_mb']:.0f} MB |")
            print(rows[-1], file=sys.stderr)
    return "\n".join(rows)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=10_000)
    parser.add_argument("--cli-count", type=int, default=1_000)
    parser.add_argument("--seed", type=int, default=20261123)
    parser.add_argument("--time-limit", type=float, default=10.0)
    parser.add_argument("--hang-seconds", type=float, default=60.0)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--structure-share", type=float, default=0.3,
                        help="share of inputs built with hostile structure around an article")
    parser.add_argument("--structure-rounds", type=int, default=20,
                        help="CLI runs over folders with FIFOs, symlink loops and WARC files")
    parser.add_argument("--write", action="store_true", help="update docs/reliability.md")
    parser.add_argument("--big", action="store_true",
                        help="only measure peak memory and time of the big hostile inputs")
    args = parser.parse_args()
    if args.big:
        report = measure_big()
        print(report)
        if args.write:
            _write_doc(report, "python benchmarks/fuzz.py --big --write", "big")
        return 0
    corpus = [p.read_bytes() for p in sorted((ROOT / "fixtures").rglob("*.txt"))]
    if args.bench.exists():
        corpus += _bench_pages(args.bench)
    inputs = generate(args.count, args.seed, corpus, args.structure_share)
    started = time.perf_counter()
    statuses, failures, timings = fuzz_library(inputs, args.time_limit, args.hang_seconds,
                                               args.jobs)
    library_seconds = time.perf_counter() - started
    cli = fuzz_cli(inputs[: args.cli_count], args.time_limit)
    started = time.perf_counter()
    structure = fuzz_cli_structure(args.structure_rounds, args.seed, args.time_limit,
                                   args.hang_seconds * 4)
    structure_seconds = time.perf_counter() - started
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
            f"{sum(1 for f in failures if f[1] == 'hang')}. "
            f"Silent drops (ok/empty, article lost, no warning): "
            f"{sum(1 for f in failures if f[1] == 'drop')}.",
        "", "Hostile-structure inputs by generator:", "", "| generator | inputs |", "|---|---|",
        *[f"| {name} | {n} |" for name, n in sorted(Counter(
            name for name, _, paragraphs in inputs if paragraphs).items())],
        "", "Slowest inputs:", "", "| input | mutations | size | seconds |", "|---|---|---|---|",
        *[f"| {index} | {inputs[index][0]} | {len(inputs[index][1]):,} B | {seconds:.2f} |"
          for seconds, index in slowest],
        "", f"CLI: {cli['files']} of the same inputs as files, `cleanse clean DIR -o out.jsonl "
            f"-j 2`: exit status {cli['exit_status']}, {cli['records']} records, every input "
            f"exactly once: {cli['every_input_once']}, inputs unchanged: "
            f"{cli['inputs_unchanged']}, statuses {cli['statuses']}.",
        "", f"CLI, hostile folders: {structure['rounds']} runs (each run twice, `--follow-symlinks "
            f"-o DIR -j 2`) over {structure['captures']} captures among FIFOs, symlink loops and "
            f"WARC files with colliding URLs and gzip bombs, in {structure_seconds:.0f} s: "
            f"{len(structure['problems'])} problems (hangs, tracebacks, missing, doubled or "
            "overwritten records).",
        *[f"- {problem}" for problem in structure["problems"][:5]],
    ]
    for index, kind, detail in failures[:5]:
        lines += ["", f"{kind} on input {index} ({inputs[index][0]}):", "```", detail.strip(),
                  "```"]
    report = "\n".join(lines)
    print(report)
    if args.write:
        _write_doc(report, f"python benchmarks/fuzz.py --count {args.count} --cli-count "
                           f"{args.cli_count} --write")
    return 1 if failures or structure["problems"] or not (
        cli["every_input_once"] and cli["inputs_unchanged"]) else 0


def _bench_pages(bench: Path) -> list[bytes]:
    """The HTML of every page listed in the bench's ``*/manifest.jsonl`` files."""
    pages = []
    for manifest in sorted(bench.glob("*/manifest.jsonl")):
        for row in manifest.read_text("utf-8").splitlines():
            pages.append((manifest.parent / json.loads(row)["html"]).read_bytes())
    return pages


def _write_doc(report: str, command: str, section: str = "fuzz") -> None:
    path = ROOT / "docs" / "reliability.md"
    text = path.read_text("utf-8")
    start, end = f"<!-- {section}:start -->", f"<!-- {section}:end -->"
    head, tail = text.split(start)[0], text.split(end)[1]
    path.write_text(f"{head}{start}\nFrom `{command}`:\n\n{report}\n{end}{tail}", "utf-8")


if __name__ == "__main__":
    sys.exit(main())
