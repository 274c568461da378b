"""Speed benchmark: per-capture latency, worker scaling, input-size scaling, memory.

    python benchmarks/speed.py            # everything (a few minutes), prints a report
    python benchmarks/speed.py --write    # ... and writes the speed section of docs/benchmarks.md
    python benchmarks/speed.py --quick    # smaller folder, no 50 MB / 1M-line captures

Captures: the bench pages of ``../shared/bench`` as text renderings (the
quality benchmark's cache, rendered on first use) and as HTML, plus the seed
fixtures. Without the bench data, the seeds alone are used. Per-capture times are CPU
time (the process's, best of 3), the systems taking turns on each page; on a shared
virtual machine wall time adds whatever the neighbours took (it is shown beside). Folder
runs are wall clock. Compare numbers from the same run only.
"""

from __future__ import annotations

import argparse
import json
import platform
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse import native  # noqa: E402
from training.corpus import DEFAULT_BENCH, load_pages  # noqa: E402

from docs_section import write_section  # noqa: E402
from quality import _resiliparse, _trafilatura  # noqa: E402

# The 250 article pages the speed numbers have always been measured on.
SPEED_DATASETS = ("cwced_zh", "scrapinghub_aeb")

SEEDS = sorted((ROOT / "fixtures" / "seeds").glob("*.txt"))


def _interleaved_ms(functions: dict[str, Callable[[str], object]], inputs: list[str],
                    repeat: int = 3) -> dict[str, tuple[list[float], list[float]]]:
    """Per system, the (CPU, wall) milliseconds of each input: best of ``repeat``, the
    systems taking turns on each input, so that a busy spell of the machine falls on all
    of them alike rather than on whichever ran then."""
    times: dict[str, tuple[list[float], list[float]]] = {name: ([], []) for name in functions}
    for value in inputs:
        for name, function in functions.items():
            cpu = wall = float("inf")
            for _ in range(repeat):
                cpu_start, wall_start = time.process_time(), time.perf_counter()
                function(value)
                cpu = min(cpu, time.process_time() - cpu_start)
                wall = min(wall, time.perf_counter() - wall_start)
            times[name][0].append(cpu * 1000)
            times[name][1].append(wall * 1000)
    return times


def _median_p90(values: list[float]) -> tuple[float, float]:
    ordered = sorted(values)
    return statistics.median(ordered), ordered[int(0.9 * (len(ordered) - 1))]


TEXT_ROW = "cleanse, text captures (language tags included)"
REFERENCE_ROW = "cleanse, same text captures, Python reference (`CLEANSE_NATIVE=0`)"


def _with_reference(function: Callable[[str], object], value: str) -> object:
    with native.use_native(False):
        return function(value)


def native_vs_reference(pipeline: cleanse.Pipeline, texts: list[str]) -> list[str]:
    """Text captures with the native core and with the Python reference, interleaved capture
    by capture (best of 3 each, CPU time of this process), so that load from other work on
    the machine falls on both alike."""
    times: dict[bool, list[float]] = {True: [], False: []}
    for text in texts:
        for on in (True, False):
            with native.use_native(on):
                best = float("inf")
                for _ in range(3):
                    start = time.process_time()
                    pipeline.clean(text)
                    best = min(best, time.process_time() - start)
            times[on].append(best * 1000)
    native_ms, reference_ms = (statistics.median(times[on]) for on in (True, False))
    return ["| text captures, CPU time, interleaved | n | median ms |", "|---|---|---|",
            f"| {TEXT_ROW}, native core | {len(texts)} | {native_ms:.2f} |",
            f"| {REFERENCE_ROW} | {len(texts)} | {reference_ms:.2f} |", "",
            "The native core (features, keyword matching, detector passes, the trees; "
            f"docs/native.md) makes text captures **{reference_ms / native_ms:.2f}x** as fast "
            "as the Python reference."]


def latency(texts: list[str], htmls: list[str]) -> list[str]:
    pipeline = cleanse.Pipeline()
    for text in texts[:5]:
        pipeline.clean(text)  # warm caches (language tables, keyword patterns)
    groups = [(texts, {TEXT_ROW: pipeline.clean})]
    if htmls:
        groups.append((htmls, {"cleanse, HTML": lambda h: pipeline.clean(h, kind="html"),
                               "trafilatura, same HTML": _trafilatura,
                               "resiliparse, same HTML": _resiliparse}))
    out = ["| per capture, one core, best of 3 | n | median CPU ms | p90 CPU ms | median wall ms |",
           "|---|---|---|---|---|"]
    medians = {}
    for inputs, functions in groups:
        for name, (cpu, wall) in _interleaved_ms(functions, inputs).items():
            median, p90 = _median_p90(cpu)
            medians[name] = median
            out.append(f"| {name} | {len(inputs)} | {median:.2f} | {p90:.2f} | "
                       f"{statistics.median(wall):.2f} |")
    if native.core is not None:
        out += ["", *native_vs_reference(pipeline, texts)]
    if htmls:
        ratio = medians["cleanse, HTML"] / medians["trafilatura, same HTML"]
        out += ["", f"cleanse on HTML takes **{ratio:.2f}x** trafilatura's median CPU time "
                    "in this run, the two taking turns page by page (target of issue 14: at "
                    "most 0.6x)."]
    return out


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (and of theirs, once reaped)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def workers(texts: list[str], count: int) -> list[str]:
    """``cleanse clean FOLDER`` with 1 and 2 worker processes, and their peak RSS.

    Beside the wall clock, the CPU seconds of the run (the command's process and its
    workers): the 2-worker run's CPU over its wall time is how many cores it had. Well
    under 2, other work held the machine, and the speed-up measures that work, not cleanse.
    """
    with tempfile.TemporaryDirectory() as folder:
        inputs = Path(folder, "in")
        inputs.mkdir()
        for i in range(count):
            # A distinct first line per file: a real crawl has no byte-identical captures.
            (inputs / f"{i:06d}.txt").write_text(f"capture {i}\n" + texts[i % len(texts)], "utf-8")
        out = [f"| `cleanse clean` on {count} text captures | seconds | CPU seconds (all "
               "processes) | cores used | captures/s | speed-up |", "|---|---|---|---|---|---|"]
        base = None
        peaks = []
        for n in (1, 2):
            stats = Path(folder, f"stats{n}.json")
            command = [sys.executable, "-m", "cleanse", "clean", str(inputs), "-o",
                       str(Path(folder, f"out{n}.jsonl")), "-j", str(n), "-q", "--stats",
                       str(stats)]
            start, cpu = time.perf_counter(), _children_cpu()
            subprocess.run(command, check=True)
            seconds, cpu = time.perf_counter() - start, _children_cpu() - cpu
            base = base or seconds
            peaks.append(json.loads(stats.read_text("utf-8"))["peak_rss_mb"])
            label = f"{n} worker{'s' if n > 1 else ''}"
            out.append(f"| {label} | {seconds:.1f} | {cpu:.1f} | {cpu / seconds:.2f} "
                       f"| {count / seconds:.0f} | {base / seconds:.2f}x |")
    out += ["", f"Peak RSS: one-process run {peaks[0]['main']:.0f} MB; 2-worker run: main "
                f"process {peaks[1]['main']:.0f} MB, largest worker {peaks[1]['worker']:.0f} MB."]
    return out


def scaling_unit(texts: list[str]) -> str:
    """What the size-scaling captures repeat: the first three seed texts."""
    return "\n\n".join(texts[:3])


def scaled(unit: str, factor: int) -> str:
    """One capture of ``factor`` copies of ``unit``, each numbered so that repeats are not
    all identical lines."""
    return "\n\n".join(f"part {k}\n{unit}" for k in range(factor))


def size_scaling(texts: list[str]) -> list[str]:
    """One capture made of 1x to 200x the text: time must grow linearly (issue 17: 10x the
    input in at most 11x the time). CPU time, best of 3 after a warm-up clean: one wall-clock
    sample of a loaded machine swings the 10x -> 100x ratio from 9x to 15x."""
    pipeline = cleanse.Pipeline(cleanse.Config(time_limit=None))
    unit = scaling_unit(texts)
    pipeline.clean(unit)
    out = ["| one capture | size | lines | CPU seconds | µs per line | x of the size 10x smaller |",
           "|---|---|---|---|---|---|"]
    seconds_at: dict[int, float] = {}
    for factor in (1, 10, 30, 100, 200):
        text = scaled(unit, factor)
        lines = text.count(chr(10)) + 1
        best = float("inf")
        for _ in range(3):
            start = time.process_time()
            pipeline.clean(text)
            best = min(best, time.process_time() - start)
        seconds_at[factor] = best
        smaller = seconds_at.get(factor // 10)
        ratio = f"{best / smaller:.1f}" if smaller and factor % 10 == 0 else "-"
        out.append(f"| {factor}x | {len(text.encode()) / 1e6:.2f} MB | {lines} | {best:.3f} "
                   f"| {best / lines * 1e6:.1f} | {ratio} |")
    return out


def huge() -> list[str]:
    """The adversarial sizes of the robustness issue, each beside a tenth of it."""
    pipeline = cleanse.Pipeline(cleanse.Config(time_limit=None))
    sentence = "据报道，这是一个没有换行的很长的句子, with some English words in it. "

    def one_line(megabytes: int) -> str:
        return sentence * (megabytes * 1_000_000 // len(sentence.encode()) + 1)

    def many_lines(count: int) -> str:
        return "\n".join(f"Line {i}: a short sentence of the capture, number {i}."
                         for i in range(count))

    cases = [("one 5 MB line", lambda: one_line(5)), ("one 50 MB line", lambda: one_line(50)),
             ("100,000 lines", lambda: many_lines(100_000)),
             ("1,000,000 lines", lambda: many_lines(1_000_000))]
    out = ["| capture | size | seconds | MB/s | x of a tenth |", "|---|---|---|---|---|"]
    tenth = 0.0
    for index, (name, make) in enumerate(cases):
        text = make()
        size = len(text.encode()) / 1e6
        start = time.perf_counter()
        doc = pipeline.clean(text)
        seconds = time.perf_counter() - start
        ratio = "" if index % 2 == 0 else f"{seconds / tenth:.1f}"
        tenth = seconds
        out.append(f"| {name} ({doc.status.value}) | {size:.0f} MB | {seconds:.1f} "
                   f"| {size / seconds:.2f} | {ratio} |")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--quick", action="store_true",
                        help="a 400-capture folder and no 50 MB / 1M-line captures")
    parser.add_argument("--folder-size", type=int, default=2000)
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--latency", action="store_true",
                        help="only the per-capture table (no folder runs, no big captures)")
    args = parser.parse_args()
    texts = [path.read_text("utf-8") for path in SEEDS]
    htmls: list[str] = []
    if args.bench.exists():
        pages = load_pages(args.bench, datasets=SPEED_DATASETS)
        texts += [page.text_rendering() for page in pages]
        htmls = [page.html() for page in pages]
    else:
        print(f"no bench data at {args.bench}: timing the seeds only", file=sys.stderr)
    sections = [latency(texts, htmls)]
    if not args.latency:
        sections += [workers(texts, 400 if args.quick else args.folder_size),
                     size_scaling(texts)]
    if not args.quick and not args.latency:
        sections.append(huge())
    command = "python benchmarks/speed.py" + (" --quick" if args.quick else "") + " --write"
    report = "\n\n".join("\n".join(section) for section in sections)
    print(report)
    if args.write and not args.latency:
        write_section("speed", f"## Speed\n\nFrom one run of `{command}` on {platform.machine()} "
                      f"Python {platform.python_version()}, 2 cores shared with other work "
                      "(per-capture rows CPU time, folder runs wall clock; compare rows of "
                      "the same run only).\n\n" + report)
    return 0


if __name__ == "__main__":
    sys.exit(main())
