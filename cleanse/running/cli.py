"""Command line: a thin layer over :mod:`cleanse.running.batch` and the library API."""

from __future__ import annotations

import argparse
import errno
import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Iterator, Sequence
from dataclasses import replace
from pathlib import Path
from typing import Any

from tqdm import tqdm

from cleanse import __version__
from cleanse.config import MODES, Config, ConfigError
from cleanse.deciding.arbiter import ModelError
from cleanse.detectors import available, detector_class
from cleanse.model import FORMATS, Status
from cleanse.running.batch import (
    DEFAULT_INCLUDE,
    DEFAULT_MAX_BYTES,
    Cleaner,
    Job,
    Skipped,
    Summary,
    find_inputs,
    run_jobs,
)
from cleanse.running.outputs import STDIO, atomic_write, open_sink

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # what a shell reports for a reader that went away
KINDS = ("text", "markdown", "html", "json")
# Capture text and file names are the input's, not ours: control characters (ESC starts
# terminal escape sequences, OSC can set the window title or write files in some
# terminals) and bidirectional overrides are shown escaped, never sent raw.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleanse", description="Clean article text, with language tags, out of web captures.")
    parser.add_argument("--version", action="version", version=f"cleanse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    clean = commands.add_parser(
        "clean", help="clean files or folders into JSONL or a folder of JSON records",
        description="Re-running the same command resumes: captures whose record is already in "
                    "OUT (same source, same input SHA-256, same options fingerprint) are "
                    "skipped; records made with other options are cleaned again; --force "
                    "redoes all. "
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
    clean.add_argument("-v", "--verbose", action="store_true",
                       help="list every file or folder skipped, and why (the summary counts them)")

    explain = commands.add_parser("explain", help="show every removed line of one capture, and why")
    explain.add_argument("path", metavar="PATH", help="a capture file, or - for stdin")
    _pipeline_options(explain)

    report = commands.add_parser(
        "report", help="write one HTML page showing every capture's removed lines, and why",
        description="Documentation: docs/report.md.")
    from cleanse.running import report as report_page
    report_page.add_arguments(report)
    _pipeline_options(report)

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
    parser.add_argument("--kind", choices=KINDS,
                        help="read every capture as this kind instead of detecting it (from its "
                             "content, with the file extension as a hint)")
    parser.add_argument("--model", metavar="DIR",
                        help="the arbiter's model directory (default: the shipped model)")


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_toml(args.config) if args.config else Config()
    if args.mode:
        config = replace(config, mode=args.mode)
    if args.time_limit is not None:
        config = replace(config, time_limit=args.time_limit or None)
    if args.model:
        config = replace(config, arbiter_model=args.model)
    return config.disable(*args.disable) if args.disable else config


def _clean(args: argparse.Namespace, config: Config) -> int:
    skipped = Skipped()
    jobs = list(find_inputs(args.paths, args.include or DEFAULT_INCLUDE, args.exclude,
                            args.follow_symlinks, args.max_bytes, skipped))
    if not jobs:
        print("cleanse: no input files found" + _skip_counts(skipped), file=sys.stderr)
        return EXIT_USAGE
    if args.output != STDIO and (taken := _same_file(args.output, jobs)):
        print(f"cleanse: refusing to overwrite input {_printable(taken)} "
              f"(-o {_printable(args.output)} is the same file)", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.stats:  # checked before the run, so a long run never ends without its summary
            _check_writable(Path(args.stats))
        if args.engine == "ray":  # checked before the sink opens, so OUT is left untouched
            import cleanse.running.ray_engine  # noqa: F401
            if any(job.data is not None for job in jobs):
                raise ValueError("the Ray engine reads files on its workers; stdin and WARC "
                                 "records need the local engine")
        sink = open_sink(args.output, resume=not args.force)
    except (OSError, ValueError, ImportError) as exc:
        print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    summary = Summary(skipped=skipped)
    cleaner = Cleaner(config, args.max_bytes, sink.done, args.format, args.kind)
    if (stale := sum(d.options_fingerprint != cleaner.fingerprint for d in sink.done.values())) \
            and not args.quiet:
        print(f"cleanse: {_count(stale, 'record')} in {_printable(args.output)} were made with "
              "other options (format, mode, kind, config, model or cleanse version); their "
              "captures will be cleaned again", file=sys.stderr)
    progress = tqdm(total=len(jobs), unit="file", disable=args.quiet or None, file=sys.stderr)
    interrupted = False
    try:
        for record in _records(args, jobs, cleaner):
            summary.add(record, sink.done.get(record["source"]))
            if record["status"] != Status.SKIPPED.value:
                try:
                    sink.write(record)
                except BrokenPipeError:
                    raise  # stdout's reader is gone: no later record can be written either
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
        print(f"cleanse: interrupted after {sum(summary.statuses.values())} of "
              f"{_count(len(jobs), 'capture')}; run the same command again to resume",
              file=sys.stderr)
        return EXIT_INTERRUPTED
    stats = summary.to_dict()
    if args.stats:
        try:
            atomic_write(Path(args.stats), lambda h: h.write(
                json.dumps(stats, ensure_ascii=False, indent=1) + "\n"))
        except OSError as exc:
            stats["failures"].append(f"{args.stats}: cannot write the stats: {exc}")
    if args.verbose:
        for path, reason in skipped.paths:
            print(f"cleanse: skipped {_printable(path)}: {reason}", file=sys.stderr)
    if not args.quiet:
        print(_summary_text(stats), file=sys.stderr)
    return EXIT_FAILURES if stats["failures"] else EXIT_OK


def _same_file(output: str, jobs: list[Job]) -> str | None:
    """The input that ``output`` is (same device and inode: hard links, symlinks), if any."""
    try:
        target = os.stat(output)
    except OSError:
        return None  # does not exist yet: it cannot be an input
    for job in jobs:
        if job.path == STDIO:
            continue
        try:
            info = os.stat(job.path)
        except OSError:
            continue
        if (info.st_dev, info.st_ino) == (target.st_dev, target.st_ino):
            return job.path
    return None


def _check_writable(path: Path) -> None:
    """Raise OSError unless a file can be created at ``path`` (tried, not guessed)."""
    try:
        if path.is_dir():
            raise IsADirectoryError(errno.EISDIR, "Is a directory")
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, probe = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".probe", dir=path.parent)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise OSError(exc.errno, f"cannot write --stats {path}: {exc.strerror or exc}") from None


def _printable(text: str, keep_newlines: bool = False) -> str:
    """``text`` with control and direction-changing characters escaped (``\\x1b``)."""
    def escape(match: re.Match[str]) -> str:
        char = match.group()
        return char if keep_newlines and char == "\n" else ascii(char)[1:-1]
    return UNPRINTABLE.sub(escape, text)


def _skip_counts(skipped: Skipped) -> str:
    if not skipped.reasons:
        return ""
    return " (skipped: " + ", ".join(f"{n} {why}" for why, n in skipped.reasons.items()) + ")"


def _records(args: argparse.Namespace, jobs: list[Job],
             cleaner: Cleaner) -> Iterator[dict[str, Any]]:
    if args.engine == "ray":
        from cleanse.running.ray_engine import run_jobs_on_ray

        return run_jobs_on_ray(jobs, cleaner, args.jobs, args.address)
    return run_jobs(jobs, cleaner, max(1, args.jobs))


def _count(number: int, noun: str) -> str:
    """``1 capture``, ``2 captures``: English plurals of the nouns used here."""
    return f"{number} {noun if number == 1 else noun + 's'}"


def _summary_text(stats: dict[str, Any]) -> str:
    lines = [f"cleanse: {_count(stats['captures'], 'capture')} in {stats['seconds']:.1f} s: " +
             ", ".join(f"{n} {status}" for status, n in sorted(stats["status"].items()))]
    if again := stats["cleaned_again_for_other_options"]:
        lines.append(f"  cleaned again: {_count(again, 'capture')} whose records were made "
                     "with other options")
    if stats["removed_chars_by_detector"]:
        lines.append("  removed characters by detector: " + ", ".join(
            f"{d} {n}" for d, n in stats["removed_chars_by_detector"].items()))
    if stats["languages"]:
        lines.append("  languages: " + ", ".join(f"{k} {v}" for k, v in stats["languages"].items()))
    if stats["skipped_inputs"]:
        lines.append("  skipped (not cleaned; --verbose lists them): " + ", ".join(
            f"{n} {why}" for why, n in stats["skipped_inputs"].items()))
    lines += [f"  failed: {_printable(failure)}" for failure in stats["failures"][:20]]
    if len(stats["failures"]) > 20:
        lines.append(f"  ... and {len(stats['failures']) - 20} more failures (see --stats)")
    return "\n".join(lines)


def _explain(args: argparse.Namespace, config: Config) -> int:
    from cleanse.pipeline import Pipeline

    pipeline = Pipeline(config)
    if args.path == STDIO:
        doc = pipeline.clean(sys.stdin.buffer.read(), source="<stdin>", kind=args.kind,
                             explain=True)
    else:
        doc = pipeline.clean(Path(args.path), kind=args.kind, explain=True)
    print(f"source: {_printable(str(doc.source))}\nstatus: {doc.status.value}"
          + (f" ({_printable(doc.error)})" if doc.error else "")
          + f"\ntitle: {_printable(str(doc.title))}\nlanguage: {doc.language}")
    for segment in doc.segments:
        print(f"segment: lines {segment.first_line}-{segment.last_line} {segment.language}")
    if doc.metadata.get("main_content"):
        print(f"html main content (the DOM scorer's pick, evidence for the arbiter): "
              f"{_printable(str(doc.metadata['main_content']))}")
    for warning in doc.warnings:
        print(f"warning: {_printable(warning)}")
    print("removed:")
    print(_printable(doc.explain(), keep_newlines=True))
    return EXIT_FAILURES if doc.status.value == "error" else EXIT_OK


def _detectors() -> int:
    for name in available():
        cls = detector_class(name)
        options = ", ".join(o for o in cls.option_names() if o != "keywords")
        print(f"{name:<14} {cls.describe()}\n{'':<14} options: {options or '-'}")
    return EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "detectors":
            return _detectors()
        try:
            config = _config(args)
            config.arbiter()  # a missing or mismatched model is a usage error, found up front
        except (ConfigError, ModelError) as exc:
            print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        if args.command == "explain":
            return _explain(args, config)
        if args.command == "report":
            from cleanse.running.report import command
            return command(args, config)
        return _clean(args, config)
    except BrokenPipeError:
        # The reader of our output went away (`cleanse explain ... | head`): that ends the
        # command, quietly. Python would also complain when flushing stdout at exit.
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        return EXIT_BROKEN_PIPE
    except KeyboardInterrupt:  # outside a batch run (explain, listing inputs): no traceback
        print("cleanse: interrupted", file=sys.stderr)
        return EXIT_INTERRUPTED

