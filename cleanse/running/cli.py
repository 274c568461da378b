"""Command line: a thin layer over :mod:`cleanse.running.batch` and the library API."""

from __future__ import annotations

import argparse
import errno
import itertools
import json
import os
import re
import signal
import sys
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict, replace
from pathlib import Path
from typing import Any

from cleanse import __version__
from cleanse.config import MODES, Config, ConfigError
from cleanse.deciding.arbiter import ModelError
from cleanse.detectors import DEFAULT_PIPELINE, available, detector_class
from cleanse.model import FORMATS, Status
from cleanse.pipeline import Pipeline
from cleanse.reading.warc import HtmlRecord, count_html_records, html_records, is_warc
from cleanse.running.batch import (
    CAPTURE_SUFFIXES,
    DEFAULT_MAX_BYTES,
    Cleaner,
    Job,
    Skipped,
    Summary,
    expand_warcs,
    find_inputs,
    list_files,
    run_jobs,
)
from cleanse.running.outputs import CODECS, FAILED, STDIO, atomic_write, open_sink
from cleanse.running.progress import Progress
from cleanse.running.report import Limits, build_report, explain_jobs
from cleanse.running.sites import SiteCounter, SiteProfiles, profile_sites

EXIT_OK, EXIT_FAILURES, EXIT_USAGE, EXIT_INTERRUPTED = 0, 1, 2, 130
EXIT_BROKEN_PIPE = 128 + signal.SIGPIPE  # what a shell reports for a reader that went away
KINDS = ("text", "markdown", "html", "json")
# Capture text and file names are the input's, not ours: control characters (ESC starts
# terminal escape sequences, OSC can set the window title or write files in some
# terminals) and bidirectional overrides are shown escaped, never sent raw.
UNPRINTABLE = re.compile(r"[\x00-\x1f\x7f-\x9f\u061c\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="cleanse", description="Clean article text, with language tags, out of web captures. "
                                    "Documentation of every command: docs/cli.md.")
    parser.add_argument("--version", action="version", version=f"cleanse {__version__}")
    commands = parser.add_subparsers(dest="command", required=True)

    clean = commands.add_parser(
        "clean", help="clean files, folders, WARC files or stdin into JSONL, CSV, text or a "
                      "folder of JSON records",
        description="Re-running the same command resumes: captures whose record is already in "
                    "OUT (same source, same input SHA-256, same options fingerprint) are "
                    "skipped; records made with other options are cleaned again; --force "
                    "redoes all. Exit status: 0 when every capture is ok or empty, 1 when some "
                    "failed or timed out (their records say why), 2 on a usage error (before "
                    "any output is written), 130 when interrupted.")
    clean.add_argument("paths", nargs="*", metavar="PATH",
                       help="files, folders, WARC files, or - for stdin")
    clean.add_argument("-i", "--input-list", metavar="LIST",
                       help="a file with one input path per line (- for stdin); empty lines "
                            "are ignored")
    clean.add_argument("-o", "--output", required=True, metavar="OUT",
                       help="a .jsonl, .csv or .txt file, a folder (a name without a suffix, or "
                            "ending in /: one .json per capture), or - for stdout")
    clean.add_argument("--output-format", choices=tuple(CODECS),
                       help="for -o - and devices (default jsonl); a file's suffix says its "
                            "format")
    _pipeline_options(clean)
    clean.add_argument("-j", "--jobs", type=int, default=os.cpu_count() or 1,
                       help="worker processes (default: all cores)")
    clean.add_argument("--include", action="append", metavar="GLOB",
                       help="file pattern to take inside folders (repeatable; default: capture "
                            f"names ({' '.join(CAPTURE_SUFFIXES)}, any case, also .gz), WARC "
                            "files, and other files whose content is HTML)")
    clean.add_argument("--exclude", action="append", default=[], metavar="GLOB",
                       help="file pattern to skip inside folders (repeatable)")
    clean.add_argument("--max-bytes", type=int, default=DEFAULT_MAX_BYTES,
                       help="captures larger than this (once decompressed) become error records "
                            "(default: 50 MiB)")
    clean.add_argument("--follow-symlinks", action="store_true",
                       help="follow symbolic links inside folders (default: skip them)")
    clean.add_argument("--format", choices=FORMATS, default="text",
                       help="text (default): plain article text; markdown: headings, lists and "
                            "quotes kept")
    clean.add_argument("--no-site-profile", action="store_true",
                       help="with the site_repeats detector enabled, skip the first pass that "
                            "counts how often lines recur across each site's pages (the "
                            "detector then says nothing)")
    clean.add_argument("--keep-rendering", action="store_true",
                       help="HTML records carry the rendered lines their line numbers refer to "
                            "(the record's rendering field)")
    clean.add_argument("--force", action="store_true",
                       help="clean every capture again instead of resuming (OUT is rewritten)")
    clean.add_argument("--engine", choices=("local", "ray"), default="local",
                       help="local worker processes (default) or a Ray cluster (cleanse[ray])")
    clean.add_argument("--address", metavar="ADDR",
                       help="Ray cluster to join (default: start a local Ray runtime)")
    clean.add_argument("--stats", metavar="FILE", help="write the run summary as JSON here")
    clean.add_argument("-q", "--quiet", action="store_true", help="no progress or summary")
    clean.add_argument("-v", "--verbose", action="store_true",
                       help="list every file or folder skipped, and why (the summary counts "
                            "them); let Ray log its own warnings")

    explain = commands.add_parser(
        "explain", help="show every removed line of one capture, and why",
        description="PATH is a capture file (also .gz), - for stdin, or a WARC file with "
                    "--record.")
    explain.add_argument("path", metavar="PATH", help="a capture file, a WARC file, or - for stdin")
    explain.add_argument("--record", metavar="N|URL",
                         help="which HTML record of a WARC file: its number (1 is the first "
                              "HTML response) or its URL (as in the records' source)")
    _pipeline_options(explain)

    report = commands.add_parser(
        "report", help="write one HTML page showing every capture's removed lines, and why",
        description="Documentation: docs/report.md.")
    report.add_argument("paths", nargs="+", metavar="PATH",
                        help="files, folders, WARC files, or - for stdin")
    report.add_argument("-o", "--output", required=True, metavar="HTML",
                        help="the report file to write (- for stdout)")
    report.add_argument("--max-captures", type=_positive, default=Limits.max_captures,
                        metavar="N", help="captures in the report (default: %(default)s); "
                                          "the page counts the inputs left out")
    report.add_argument("--max-lines", type=_positive, default=Limits.max_lines, metavar="N",
                        help="lines shown per capture (default: %(default)s)")
    _pipeline_options(report)

    detectors = commands.add_parser(
        "detectors", help="list the detectors in pipeline order, with every option's default")
    detectors.add_argument("--json", action="store_true",
                           help="everything as JSON, keyword tables in full")
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
    parser.add_argument("--source", metavar="NAME",
                        help="the name of the stdin capture (-) in its record (default: "
                             "<stdin>); its extension is a hint to the kind, like a file's")


def _config(args: argparse.Namespace) -> Config:
    config = Config.from_toml(args.config) if args.config else Config()
    if args.mode:
        config = replace(config, mode=args.mode)
    if args.time_limit is not None:
        config = replace(config, time_limit=args.time_limit or None)
    if args.model:
        config = replace(config, arbiter_model=args.model)
    if getattr(args, "no_site_profile", False):
        config = replace(config, site_profile=False)
    return config.disable(*args.disable) if args.disable else config


def _clean(args: argparse.Namespace, config: Config) -> int:
    try:
        paths = _input_paths(args)
    except (OSError, ValueError) as exc:
        print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    skipped = Skipped()
    # Files are listed up front (names only: cheap); WARC records are read as the run
    # reaches them, so memory holds the captures being cleaned, never the whole crawl.
    files = list(list_files(paths, args.include, args.exclude, args.follow_symlinks, skipped,
                            args.source or "<stdin>", args.max_bytes))
    if not files:
        print("cleanse: no input files found" + _skip_counts(skipped), file=sys.stderr)
        return EXIT_USAGE
    if args.output != STDIO and (taken := _same_file(args.output, files)):
        print(f"cleanse: refusing to overwrite input {_printable(taken)} "
              f"(-o {_printable(args.output)} is the same file)", file=sys.stderr)
        return EXIT_USAGE
    try:
        if args.stats:  # checked before the run, so a long run never ends without its summary
            _check_writable(Path(args.stats))
        if args.engine == "ray":  # checked before the sink opens, so OUT is left untouched
            import cleanse.running.ray_engine  # noqa: F401
            if any(job.data is not None or is_warc(job.path) for job in files):
                raise ValueError("the Ray engine reads files on its workers; stdin and WARC "
                                 "records need the local engine")
        sink = open_sink(args.output, resume=not args.force, requested=args.output_format)
    except (OSError, ValueError, ImportError) as exc:
        print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    summary = Summary(skipped=skipped)
    total = None if args.quiet else _capture_count(files)
    sites = None
    if config.site_profile and "site_repeats" in config.detectors \
            and (len(files) > 1 or any(is_warc(job.path) for job in files)):
        try:
            sites = _count_sites(args, config, files, total, summary)
        except KeyboardInterrupt:
            sink.close()
            print("cleanse: interrupted while counting lines per site; nothing was cleaned",
                  file=sys.stderr)
            return EXIT_INTERRUPTED
    # Local workers write each record out in the output's format themselves (the main
    # process then only writes it); Ray's records come back whole.
    cleaner = Cleaner(config, args.max_bytes, sink.done, args.format, args.kind,
                      args.keep_rendering, sites,
                      encode=sink.encoder() if args.engine == "local" else None)
    if (stale := sum(d.options_fingerprint != cleaner.fingerprint for d in sink.done.values())) \
            and not args.quiet:
        print(f"cleanse: {_count(stale, 'record')} in {_printable(args.output)} were made with "
              "other options (format, mode, kind, config, model, site profile or cleanse "
              "version); their captures will be cleaned again", file=sys.stderr)
    progress = Progress(total, disabled=args.quiet)
    interrupted = False
    try:
        for record in _records(args, expand_warcs(files, args.max_bytes), cleaner):
            summary.add(record, sink.done.get(record["source"]))
            if record["status"] != Status.SKIPPED.value:
                try:
                    sink.write(record)
                except BrokenPipeError:
                    raise  # stdout's reader is gone: no later record can be written either
                except (OSError, ValueError) as exc:
                    summary.fail(record["source"], f"cannot write record: {exc}")
            progress.update(record.get("input_bytes") or 0)
    except KeyboardInterrupt:
        interrupted = True
    finally:
        progress.close()
        try:
            sink.close()
        except OSError as exc:
            summary.fail(args.output, f"cannot finish the output: {exc}")
    if interrupted:
        done = sum(summary.statuses.values())
        of = f" of {progress.total}" if progress.total else ""
        print(f"cleanse: interrupted after {_count(done, 'capture')}{of}; run the same command "
              "again to resume", file=sys.stderr)
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


def _count_sites(args: argparse.Namespace, config: Config, files: list[Job], total: int | None,
                 summary: Summary) -> SiteProfiles:
    """The count pass: every capture read once, the first pages of each site counted
    (:mod:`cleanse.running.sites`), on the same workers as the cleaning."""
    if not args.quiet:
        print("cleanse: pass 1 of 2: counting how often lines recur across each site's pages "
              "(--no-site-profile skips it)", file=sys.stderr)
    progress = Progress(total, disabled=args.quiet)
    counter = SiteCounter(args.max_bytes, args.kind, config.site_sample_pages,
                          config.time_limit)
    try:
        sampler = profile_sites(expand_warcs(files, args.max_bytes), counter,
                                max(1, args.jobs), config.site_max_keys, progress.update)
    finally:
        progress.close()
    profiles = sampler.profiles()
    summary.sites = {"sites": len(profiles.profiles),
                     "captures_counted": sum(p.pages for p in profiles.profiles.values()),
                     "sites_dropped_for_memory": len(sampler.dropped)}
    if not args.quiet:
        print(f"cleanse: {_count(len(profiles.profiles), 'site')} with repeated lines "
              f"({summary.sites['captures_counted']} captures counted)"
              + (f"; {_count(len(sampler.dropped), 'site')} dropped to stay within "
                 f"{config.site_max_keys} line keys" if sampler.dropped else "")
              + "; pass 2 of 2: cleaning", file=sys.stderr)
    return profiles


def _input_paths(args: argparse.Namespace) -> list[str]:
    """The PATHs and ``-i LIST``'s lines; ValueError when there are none, when one does not
    exist (a typo: found before any output is created), or ``--source`` has no stdin."""
    paths = list(args.paths)
    if getattr(args, "input_list", None):  # clean's -i LIST; report takes PATHs only
        with (sys.stdin if args.input_list == STDIO else
              open(args.input_list, encoding="utf-8")) as listing:
            paths += [line.rstrip("\r\n") for line in listing if line.strip()]
    if not paths:
        raise ValueError("no inputs: give PATHs or -i LIST")
    missing = [p for p in paths if p != STDIO and not os.path.lexists(p)]
    if missing:
        shown = ", ".join(missing[:5]) + (f" and {len(missing) - 5} more" if len(missing) > 5
                                          else "")
        raise ValueError(f"no such file or folder: {shown}")
    if args.source and STDIO not in paths:
        raise ValueError("--source names the capture read from stdin; give - as a PATH")
    return paths


def _capture_count(files: list[Job]) -> int:
    """How many captures ``files`` hold, for the progress total: a WARC file is counted
    record by record (one pass that keeps no body)."""
    return sum(count_html_records(job.path) if job.data is None and job.error is None
               and is_warc(job.path) else 1 for job in files)


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


def _records(args: argparse.Namespace, jobs: Iterable[Job],
             cleaner: Cleaner) -> Iterator[dict[str, Any]]:
    if args.engine == "ray":
        from cleanse.running.ray_engine import run_jobs_on_ray

        return run_jobs_on_ray(list(jobs), cleaner, args.jobs, args.address,
                               verbose=args.verbose)
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


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(f"must be at least 1, not {value}")
    return value


def _report(args: argparse.Namespace, config: Config) -> int:
    """``cleanse report``: exit 0 when the page is written, 1 when some captures failed
    (they are in the page), 2 on a usage error."""
    try:
        paths = _input_paths(args)
    except (OSError, ValueError) as exc:
        print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
        return EXIT_USAGE
    limits = Limits(max_captures=args.max_captures, max_lines=args.max_lines)
    jobs = find_inputs(paths, max_bytes=DEFAULT_MAX_BYTES, skipped=Skipped(),
                       stdin_source=args.source or "<stdin>")
    taken = list(itertools.islice(jobs, limits.max_captures))
    if not taken:
        print("cleanse: no input files found", file=sys.stderr)
        return EXIT_USAGE
    not_included = sum(1 for _ in jobs)
    captures = list(explain_jobs(taken, Pipeline(config), kind=args.kind))
    page = build_report(captures, limits=limits, not_included=not_included,
                        settings=f"mode {config.mode}")
    try:
        if args.output == STDIO:
            sys.stdout.write(page)
        else:
            atomic_write(Path(args.output), lambda handle: handle.write(page))
    except OSError as exc:
        print(f"cleanse: cannot write {_printable(args.output)}: {exc.strerror or exc}",
              file=sys.stderr)
        return EXIT_USAGE
    failed = sum(e.record["status"] in FAILED for e in captures)
    if args.output != STDIO:
        print(f"cleanse: report of {len(captures)} captures written to "
              f"{_printable(args.output)}"
              + (f" ({not_included} more inputs left out)" if not_included else "")
              + (f"; {failed} failed" if failed else ""), file=sys.stderr)
    return EXIT_FAILURES if failed else EXIT_OK


def _explain(args: argparse.Namespace, config: Config) -> int:

    if args.record is not None and not is_warc(args.path):
        print("cleanse: --record picks a record of a WARC file (.warc, .warc.gz)",
              file=sys.stderr)
        return EXIT_USAGE
    if args.path != STDIO and not os.path.lexists(args.path):
        print(f"cleanse: no such file: {_printable(args.path)}", file=sys.stderr)
        return EXIT_USAGE
    if args.source and args.path != STDIO:
        print("cleanse: --source names the capture read from stdin; give - as PATH",
              file=sys.stderr)
        return EXIT_USAGE
    pipeline = Pipeline(config)
    extra: dict[str, Any] = {}
    if args.path == STDIO:
        doc = pipeline.clean(sys.stdin.buffer.read(), source=args.source or "<stdin>",
                             kind=args.kind, explain=True)
    elif is_warc(args.path):
        try:
            record = _warc_record(args.path, args.record)
        except ValueError as exc:
            print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        if record.error:
            print(f"source: {_printable(record.source)}\nstatus: error "
                  f"({_printable(record.error)})")
            return EXIT_FAILURES
        doc = pipeline.clean(record.data, source=record.source, kind=args.kind,
                             charset=record.charset, explain=True)
        extra = record.metadata
    else:
        doc = pipeline.clean(Path(args.path), kind=args.kind, explain=True)
    print(f"source: {_printable(str(doc.source))}\nstatus: {doc.status.value}"
          + (f" ({_printable(doc.error)})" if doc.error else "")
          + f"\ntitle: {_printable(str(doc.title))}\nlanguage: {doc.language}")
    for key, value in extra.items():
        print(f"{key}: {_printable(str(value))}")
    for segment in doc.segments:
        print(f"segment: lines {segment.first_line}-{segment.last_line} {segment.language}")
    if doc.metadata.get("main_content"):
        print(f"html main content (the DOM scorer's pick, evidence for the arbiter): "
              f"{_printable(str(doc.metadata['main_content']))}")
    for warning in doc.warnings:
        print(f"warning: {_printable(warning)}")
    if doc.keep_threshold is not None:
        print(f"keep threshold: {doc.keep_threshold:g} (lines with p(article) at or above it "
              "were kept)")
    if doc.arbiter_model is not None:
        print(f"arbiter model: {doc.arbiter_model}" + (" (for captures that mark their links)"
                                                      if doc.arbiter_model == "linked" else ""))
    print("removed:")
    print(_printable(doc.explain(), keep_newlines=True))
    return EXIT_FAILURES if doc.status.value == "error" else EXIT_OK


def _warc_record(path: str, which: str | None) -> HtmlRecord:
    """The HTML record of the WARC file ``path`` that ``--record`` names: a number from 1, or
    a URL (a record's source: the target URL, ``#2`` for its second capture). ValueError,
    saying what there is, when it names none."""
    number = int(which) if which and which.isdigit() else None
    count = 0
    try:
        for record in html_records(path, DEFAULT_MAX_BYTES):
            count += 1
            if count == number or (number is None and which in (record.source,
                                                                record.metadata.get("url"))):
                return record
    except Exception as exc:  # warcio raises several types for damaged archives
        raise ValueError(f"cannot read WARC {path}: {type(exc).__name__}: {exc}") from None
    if which is None:
        raise ValueError(f"{path} is a WARC file with {_count(count, 'HTML record')}: pick one "
                         f"with --record N (1 to {count}) or --record URL")
    raise ValueError(f"{path} has no HTML record {which} (it has {_count(count, 'HTML record')}"
                     f"{f', numbered 1 to {count}' if count else ''})")


def _detectors(as_json: bool) -> int:
    """Every detector, the default pipeline's first in their order, then those off by
    default, each with its options and their defaults."""
    names = list(DEFAULT_PIPELINE) + [n for n in available() if n not in DEFAULT_PIPELINE]
    listing = []
    for name in names:
        cls = detector_class(name)
        defaults = asdict(cls())
        listing.append({"name": name, "in_default_pipeline": name in DEFAULT_PIPELINE,
                        "description": cls.describe(), "reads": list(cls.reads),
                        "options": defaults})
    if as_json:
        print(json.dumps(listing, ensure_ascii=False, indent=1, default=_jsonable))
        return EXIT_OK
    for position, entry in enumerate(listing, 1):
        where = f"{position:>2}." if entry["in_default_pipeline"] else "off"
        print(f"{where} {entry['name']}: {entry['description']}")
        for option, default in entry["options"].items():
            print(f"      {option} = {_short(default)}")
    print("Options are set in a config file ([detectors.NAME]); --json shows keyword tables in "
          "full.")
    return EXIT_OK


def _jsonable(value: Any) -> Any:
    return sorted(value) if isinstance(value, (set, frozenset)) else repr(value)


def _short(value: Any, width: int = 90) -> str:
    """An option's default on one line; a long keyword table as its lists' sizes."""
    text = json.dumps(value, ensure_ascii=False, default=_jsonable)
    if len(text) <= width:
        return text
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {_short(v, 40)}" for k, v in value.items()) + "}"
    if isinstance(value, (list, tuple, set, frozenset)):
        return f"[{len(value)} entries]"
    return text[:width] + "..."


def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        if args.command == "detectors":
            return _detectors(args.json)
        try:
            config = _config(args)
            config.arbiter()  # a missing or mismatched model is a usage error, found up front
        except (ConfigError, ModelError) as exc:
            print(f"cleanse: {_printable(str(exc))}", file=sys.stderr)
            return EXIT_USAGE
        if args.command == "explain":
            return _explain(args, config)
        if args.command == "report":
            return _report(args, config)
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

