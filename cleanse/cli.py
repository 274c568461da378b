"""Command line: a thin layer over :mod:`cleanse.batch` and the library API."""

from __future__ import annotations

import argparse
import json
import os
import sys
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cleanse import __version__
from cleanse.batch import (
    DEFAULT_INCLUDE,
    DEFAULT_MAX_BYTES,
    Cleaner,
    Job,
    Summary,
    find_inputs,
    run_jobs,
)
from cleanse.config import MODES, Config, ConfigError
from cleanse.detectors import available, detector_class
from cleanse.model import FORMATS, Status
from cleanse.outputs import STDIO, atomic_write, open_sink

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleanse", description="Clean article text, with language tags, out of web captures.")
    parser.add_argument("--version", action="version", version=f"cleanse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    clean = commands.add_parser(
        "clean", help="clean files or folders into JSONL or a folder of JSON records",
        description="Re-running the same command resumes: captures whose record is already in "
                    "OUT (same source, same input SHA-256) are skipped; --force redoes all. "
                    "Exit status: 0 when every capture is ok or empty, 1 when some failed or "
                    "timed out (their records say why), 2 on a usage error, 130 when "
                    "interrupted.")
    clean.add_argument("paths", nargs="+", metavar="PATH", help="files, folders, or - for stdin")
    clean.add_argument("-o", "--output", required=True, metavar="OUT",
                       help="a .jsonl file, a folder (one .json per capture), or - for stdout")
    _pipeline_options(clean)
    clean.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                       help="worker processes (default: all cores)")
    clean.add_argument("--include", action="append", metavar="GLOB",
                       help=f"file pattern to take inside folders (repeatable; default: "
                            f"{' '.join(DEFAULT_INCLUDE)})")
    clean.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="file pattern to skip inside folders (repeatable)")
    clean.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                       help="captures larger than this become error records (default: 50 MiB)")
    clean.add_argument("--follow-symlinks", action="store_true",
                       help="follow symbolic links inside folders (default: skip them)")
    clean.add_argument("--format", choices=FORMATS, default="text",
                       help="text (default): plain article text; markdown: headings, lists and "
                            "quotes kept")
    clean.add_argument("--force", action="store_true",
                       help="clean every capture again instead of resuming (OUT is rewritten)")
    clean.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local worker processes (default) or a Ray cluster (cleanse[ray])")
    clean.add_argument("--address", metavar="ADDR",
                       help="Ray cluster to join (default: start a local Ray runtime)")
    clean.add_argument("--stats", metavar="FILE", help="write the run summary as JSON here")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress bar or summary")

    explain = commands.add_parser("explain", help="show every removed line of one capture, and why")
    explain.add_argument("path", metavar="PATH", help="a capture file, or - for stdin")
    _pipeline_options(explain)

    commands.add_parser("detectors", help="list the available detectors and their options")
    return parser


def _pipeline_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument("--config", metavar="TOML", help="pipeline configuration file")
    parser.add_argument("--mode", choices=sorted(MODES),
                        help="precision/recall trade-off (default: balanced, or the config's)")
    parser.add_argument("--disable", action="append", default=[], metavar="DETECTOR",
                        help="turn a detector off (repeatable)")
    parser.add_argument("--time-limit", type=float, metavar="SECONDS",
                        help="per-capture time limit, 0 for none (default: 60, or the config's)")
    parser.add_argument("--full-page", action="store_true",
                        help="HTML: render and judge the whole page, not only its main content")


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_toml(args.config) if args.config else Config()
    if args.mode:
        config = replace(config, mode=args.mode)
    if args.time_limit is not None:
        config = replace(config, time_limit=args.time_limit or None)
    if args.full_page:
        config = replace(config, html_main_content=False)
    return config.disable(*args.disable) if args.disable else config


def _clean(args: argparse.Namespace, config: Config) -> int:
    jobs = list(find_inputs(args.paths, args.include or DEFAULT_INCLUDE, args.exclude,
                            args.follow_symlinks, args.max_bytes))
    if not jobs:
        print("cleanse: no input files found", file=sys.stderr)
        return EXIT_USAGE
    inputs = {os.path.realpath(job.path) for job in jobs if job.path != STDIO}
    if args.output != STDIO and os.path.realpath(args.output) in inputs:
        print(f"cleanse: refusing to overwrite input {args.output}", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.engine == "ray":  # checked before the sink opens, so OUT is left untouched
            import cleanse.ray_engine  # noqa: F401
            if any(job.data is not None for job in jobs):
                raise ValueError("the Ray engine reads files on its workers; stdin and WARC "
                                 "records need the local engine")
        sink = open_sink(args.output, resume=not args.force)
    except (OSError, ValueError, ImportError) as exc:
        print(f"cleanse: {exc}", file=sys.stderr)
        return EXIT_USAGE
    summary = Summary()
    progress = tqdm(total=len(jobs), unit="file", disable=args.quiet or None, file=sys.stderr)
    interrupted = False
    try:
        for record in _records(args, jobs,
                               Cleaner(config, args.max_bytes, sink.done, args.format)):
            summary.add(record)
            if record["status"] != Status.SKIPPED.value:
                try:
                    sink.write(record)
                except (OSError, ValueError) as exc:
                    summary.fail(record["source"], f"cannot write record: {exc}")
            progress.update()
            progress.set_postfix_str(summary.rate(), refresh=False)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
        try:
            sink.close()
        except OSError as exc:
            summary.fail(args.output, f"cannot finish the output: {exc}")
    if interrupted:
        print(f"cleanse: interrupted after {sum(summary.statuses.values())} of {len(jobs)} "
              "captures; run the same command again to resume", file=sys.stderr)
        return EXIT_INTERRUPTED
    stats = summary.to_dict()
    if args.stats:
        atomic_write(Path(args.stats), lambda h: h.write(json.dumps(stats, ensure_ascii=False,
                                                                    indent=1) + "\n"))
    if not args.quiet:
        print(_summary_text(stats), file=sys.stderr)
    return EXIT_FAILURES if summary.failures else EXIT_OK


def _records(args: argparse.Namespace, jobs: list[Job],
             cleaner: Cleaner) -> Iterator[dict[str, Any]]:
    if args.engine == "ray":
        from cleanse.ray_engine import run_jobs_on_ray

        return run_jobs_on_ray(jobs, cleaner, args.jobs, args.address)
    return run_jobs(jobs, cleaner, max(1, args.jobs))


def _summary_text(stats: dict[str, Any]) -> str:
    lines = [f"cleanse: {stats['captures']} captures in {stats['seconds']:.1f} s: " +
             ", ".join(f"{n} {status}" for status, n in sorted(stats["status"].items()))]
    if stats["removed_chars_by_detector"]:
        lines.append("  removed characters by detector: " + ", ".join(
            f"{d} {n}" for d, n in stats["removed_chars_by_detector"].items()))
    if stats["languages"]:
        lines.append("  languages: " + ", ".join(f"{k} {v}" for k, v in stats["languages"].items()))
    lines += [f"  failed: {failure}" for failure in stats["failures"][:20]]
    if len(stats["failures"]) > 20:
        lines.append(f"  ... and {len(stats['failures']) - 20} more failures (see --stats)")
    return "\n".join(lines)


def _explain(args: argparse.Namespace, config: Config) -> int:
    from cleanse.pipeline import Pipeline

    pipeline = Pipeline(config)
    if args.path == STDIO:
        doc = pipeline.clean(sys.stdin.buffer.read(), source="<stdin>")
    else:
        doc = pipeline.clean(Path(args.path))
    print(f"source: {doc.source}\nstatus: {doc.status.value}"
          + (f" ({doc.error})" if doc.error else "")
          + f"\ntitle: {doc.title}\nlanguage: {doc.language}")
    for segment in doc.segments:
        print(f"segment: lines {segment.first_line}-{segment.last_line} {segment.language}")
    if "main_content" in doc.metadata:
        print(f"html main content: {doc.metadata['main_content']} (the rest of the page was "
              "not rendered; --full-page judges every line)")
    print("removed:")
    print(doc.explain())
    return EXIT_FAILURES if doc.status.value == "error" else EXIT_OK


def _detectors() -> int:
    for name in available():
        cls = detector_class(name)
        options = ", ".join(o for o in cls.option_names() if o != "keywords")
        print(f"{name:<14} {cls.describe()}\n{'':<14} options: {options or '-'}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    if args.command == "detectors":
        return _detectors()
    try:
        config = _config(args)
    except ConfigError as exc:
        print(f"cleanse: {exc}", file=sys.stderr)
        return EXIT_USAGE
    if args.command == "explain":
        return _explain(args, config)
    return _clean(args, config)


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
