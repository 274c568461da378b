"""Quality benchmark: cleanse and the anchor extractors on all of ../shared/bench, in one run.

    python benchmarks/quality.py --write                   # full run: docs/benchmarks.md + plot
    python benchmarks/quality.py --limit 30 --no-anchors   # quick look while tuning

cleanse's line arbiter is learned from these very pages, so its scores are
only honest when no page is cleaned by a model that saw it: every page (and
seed) goes through the pipeline from ``training.crossval`` whose model was
trained on the other folds (k-fold, grouped by domain). ``--shipped-model``
scores the shipped model instead, and the report then calls itself a
training fit.

The anchors are off-the-shelf and deterministic: trafilatura,
readability-lxml, resiliparse and jusText on the HTML, trafilatura on the
text rendering (inscriptis: the page as a browser's innerText would give it, list items
marked, from ``training.corpus``); cleanse also cleans each page's innerText in headless
chromium (scripts off; pages whose article a script draws are left out of it, and without
chromium the rendering is skipped) and its markdown rendering (what a reader service gives,
``training.corpus.markdown_of``). The anchors' output and time per
page are cached under ``benchmarks/.cache/anchors`` keyed by package version, so a rerun
only runs cleanse. Scores are token precision / recall / F1
(``cleanse.evaluation.token_f1``), averaged over pages.
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import multiprocessing
import os
import statistics
import sys
import time
import warnings
from collections import Counter, defaultdict, deque
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from functools import cache, partial
from multiprocessing.connection import Connection, wait
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse.evaluation import LabelScore, score_labels, token_f1, tokens  # noqa: E402
from training.corpus import DEFAULT_BENCH, BenchPage, load_pages, load_seeds, render_innertext  # noqa: E402

from docs_section import write_section  # noqa: E402

ANCHOR_CACHE = ROOT / "benchmarks" / ".cache" / "anchors"
PREPARE_TIMEOUT = 300.0  # seconds a worker may take to read or render a page
ANCHOR_TIMEOUT = 60.0  # seconds an anchor may take on one page before it counts as failed
PAGE_TYPES = ("article", "service", "product", "collection", "forum", "listing", "documentation")
CLEANSE = ("cleanse (html)", "cleanse (text)", "cleanse (innertext)", "cleanse (markdown)")
WCXB_CREDIT = ("wcxb_dev: the dev split of [web-content-extraction-benchmark]"
               "(https://github.com/Murrough-Foley/web-content-extraction-benchmark), "
               "CC-BY-4.0 (c) 2026 Murrough Foley")


# --- anchors -------------------------------------------------------------------------------------

def _trafilatura(html: str) -> str:
    import trafilatura

    return trafilatura.extract(html, include_comments=False) or ""


def _trafilatura_on_text(text: str) -> str:
    """trafilatura needs markup: give it the text capture as one <p> per line."""
    from html import escape

    paragraphs = "".join(f"<p>{escape(line)}</p>" for line in text.split("\n") if line.strip())
    return _trafilatura(f"<html><body><article>{paragraphs}</article></body></html>")


def _readability(html: str) -> str:
    import lxml.html
    from readability import Document

    summary = Document(html).summary()
    return lxml.html.fromstring(summary).text_content() if summary.strip() else ""


def _resiliparse(html: str) -> str:
    from resiliparse.extract.html2text import extract_plain_text

    return extract_plain_text(html, main_content=True)


def _justext(html: str) -> str:
    import justext

    paragraphs = justext.justext(html.encode("utf-8"), justext.get_stoplist("English"))
    return "\n\n".join(p.text for p in paragraphs if not p.is_boilerplate)


@dataclass(frozen=True)
class Anchor:
    """An off-the-shelf extractor, run on the page's HTML or on its text rendering."""

    name: str
    extract: Callable[[str], str]
    source: str  # "html" or "text"
    packages: tuple[str, ...]  # their versions key the cache: an upgrade reruns the anchor

    @property
    def version(self) -> str:
        return _versions(self.packages)

    def cache_path(self, page: BenchPage) -> Path:
        slug = self.name.replace(" (", "-").rstrip(")")
        return ANCHOR_CACHE / slug / page.dataset / f"{page.id}.json"


@cache
def _versions(packages: tuple[str, ...]) -> str:
    return ", ".join(f"{p} {importlib.metadata.version(p)}" for p in packages)


ANCHORS: dict[str, Anchor] = {a.name: a for a in (
    # The text anchor's input is the inscriptis rendering, so inscriptis keys its cache too.
    Anchor("trafilatura (text)", _trafilatura_on_text, "text", ("trafilatura", "inscriptis")),
    Anchor("trafilatura (html)", _trafilatura, "html", ("trafilatura",)),
    Anchor("readability (html)", _readability, "html", ("readability-lxml",)),
    Anchor("resiliparse (html)", _resiliparse, "html", ("resiliparse",)),
    Anchor("justext (html)", _justext, "html", ("justext",)),
)}
SYSTEMS = ("keep-all (text)", "cleanse (text)", "trafilatura (text)", "keep-all (innertext)",
           "cleanse (innertext)", "keep-all (markdown)", "cleanse (markdown)", "cleanse (html)",
           "trafilatura (html)", "readability (html)", "resiliparse (html)", "justext (html)")


@dataclass(frozen=True)
class AnchorRun:
    """What one anchor gave on one page; ``error`` is set (and output empty) when it failed."""

    output: str
    seconds: float
    error: str | None = None


def _read_cached(anchor: Anchor, page: BenchPage) -> AnchorRun | None:
    try:
        record = json.loads(anchor.cache_path(page).read_text("utf-8"))
    except (FileNotFoundError, json.JSONDecodeError):
        return None
    if record.get("version") != anchor.version:
        return None
    return AnchorRun(record["output"], record["seconds"], record["error"])


def _write_cached(anchor: Anchor, page: BenchPage, run: AnchorRun) -> None:
    """Write-then-rename, so an interrupted run never leaves a half-written record."""
    path = anchor.cache_path(page)
    path.parent.mkdir(parents=True, exist_ok=True)
    record = {"version": anchor.version, "output": run.output, "seconds": run.seconds,
              "error": run.error}
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(json.dumps(record, ensure_ascii=False), "utf-8")
    os.replace(tmp, path)


def _anchor_worker(conn: Connection) -> None:
    """Run anchors on the pages the parent sends until it sends None.

    It says "ready" once the input is read (rendering can be slow), so that the
    parent's time cap covers the anchor alone. Each anchor first runs once on a
    small page, so that imports and first-call set-up are not timed on a real one.
    """
    for anchor in ANCHORS.values():
        anchor.extract("<html><body><p>" + "Warm-up text. " * 40 + "</p></body></html>")
    while (task := conn.recv()) is not None:
        name, page = task
        anchor = ANCHORS[name]
        source = page.html() if anchor.source == "html" else page.text_rendering()
        conn.send(("ready", None))
        start = time.perf_counter()
        try:
            output, error = anchor.extract(source), None
        except Exception as exc:  # an anchor crashing on a page scores 0 there, and is reported
            output, error = "", f"{type(exc).__name__}: {exc}"
        conn.send(("done", AnchorRun(output, time.perf_counter() - start, error)))


class _Worker:
    """One anchor process and the task it is on; the pool replaces it when it hangs or dies."""

    def __init__(self, context: multiprocessing.context.BaseContext) -> None:
        self.conn, child = context.Pipe()
        self.process = context.Process(target=_anchor_worker, args=(child,), daemon=True)
        self.process.start()
        child.close()
        self.task: tuple[Anchor, BenchPage] | None = None
        self.running = False  # past reading the page: the anchor itself is on the clock
        self.deadline = 0.0

    def give(self, task: tuple[Anchor, BenchPage]) -> None:
        self.task = task
        self.running = False
        self.deadline = time.monotonic() + PREPARE_TIMEOUT
        self.conn.send((task[0].name, task[1]))

    def ready(self) -> None:
        self.running = True
        self.deadline = time.monotonic() + ANCHOR_TIMEOUT

    def kill(self) -> None:
        self.process.kill()
        self.process.join()
        self.conn.close()

    def stop(self) -> None:
        try:
            self.conn.send(None)
        except OSError:
            pass
        self.process.join(timeout=5)
        if self.process.is_alive():
            self.kill()


def run_anchor_tasks(tasks: Sequence[tuple[Anchor, BenchPage]], jobs: int
                     ) -> Iterator[tuple[Anchor, BenchPage, AnchorRun]]:
    """Run (anchor, page) tasks in ``jobs`` processes, yielding each result as it comes.

    Not a ProcessPoolExecutor: one of them cannot stop a task that hangs. Here
    an anchor past ANCHOR_TIMEOUT, or one that kills its process, gives an
    empty output with the reason, and its worker is replaced.
    """
    context = multiprocessing.get_context("spawn")
    pending = deque(tasks)
    workers = [_Worker(context) for _ in range(min(jobs, len(tasks)))]
    try:
        while pending or any(w.task for w in workers):
            for worker in workers:
                if worker.task is None and pending:
                    worker.give(pending.popleft())
            busy = [w for w in workers if w.task]
            ready = wait([w.conn for w in busy],
                         max(0.0, min(w.deadline for w in busy) - time.monotonic()))
            for i, worker in enumerate(workers):
                if worker.task is None:
                    continue
                if worker.conn in ready:
                    try:
                        kind, run = worker.conn.recv()
                    except (EOFError, OSError):  # e.g. a segfault in an extension module
                        worker.process.join()
                        run = AnchorRun("", 0.0, "the process died (exit code "
                                                 f"{worker.process.exitcode})")
                    else:
                        if kind == "ready":
                            worker.ready()
                        else:
                            yield (*worker.task, run)
                            worker.task = None
                        continue
                elif time.monotonic() > worker.deadline:
                    run = AnchorRun("", ANCHOR_TIMEOUT if worker.running else PREPARE_TIMEOUT,
                                    f"timed out after {ANCHOR_TIMEOUT:g} s" if worker.running
                                    else f"reading the page took over {PREPARE_TIMEOUT:g} s")
                else:
                    continue
                yield (*worker.task, run)
                worker.kill()
                workers[i] = _Worker(context)
    finally:
        for worker in workers:
            worker.stop()


def fill_anchor_cache(pages: Sequence[BenchPage], jobs: int, progress: bool = True) -> None:
    """Run every anchor on every page it has no cached output for (all of them, the first time)."""
    from tqdm import tqdm

    missing = [(anchor, page) for anchor in ANCHORS.values() for page in pages
               if _read_cached(anchor, page) is None]
    # Page-major order: one page's anchors run close together, its HTML warm in the OS cache.
    missing.sort(key=lambda task: task[1].key)
    with tqdm(total=len(missing), desc="anchors", unit="run", disable=not progress) as bar:
        for anchor, page, run in run_anchor_tasks(missing, jobs):
            _write_cached(anchor, page, run)
            bar.update()


# --- cleanse -------------------------------------------------------------------------------------

class _ShippedModel(dict):
    """``--shipped-model``: the shipped pipeline for every key (a training fit, not a test)."""

    def __init__(self, mode: str) -> None:
        super().__init__()
        self.pipeline = cleanse.Pipeline(cleanse.Config(mode=mode))

    def __missing__(self, key: str) -> cleanse.Pipeline:
        return self.pipeline


def pipelines_for(mode: str, shipped_model: bool) -> dict[str, cleanse.Pipeline]:
    """Page key -> the pipeline that may clean it (cross-validated unless ``shipped_model``)."""
    if shipped_model:
        return _ShippedModel(mode)
    from training.crossval import crossval_pipelines  # LightGBM and scikit-learn: only here

    return crossval_pipelines(mode)


@dataclass(frozen=True)
class Scored:
    """One system's output on one page, reduced to what the report needs."""

    precision: float
    recall: float
    f1: float
    ms: float | None  # None for keep-all, where nothing runs
    empty: bool
    error: str | None = None
    leaked: str = ""  # most frequent tokens in the output and not in the truth (cleanse only)
    lost: str = ""  # and the other way round


def score(output: str, truth: str, ms: float | None, error: str | None = None,
          detail: bool = False) -> Scored:
    s = token_f1(output, truth)
    leaked = lost = ""
    if detail:
        out, gold = Counter(tokens(output)), Counter(tokens(truth))
        leaked = " ".join(t for t, _ in (out - gold).most_common(12))
        lost = " ".join(t for t, _ in (gold - out).most_common(12))
    return Scored(s.precision, s.recall, s.f1, ms, not output.strip(), error, leaked, lost)


_PIPELINES: dict[str, cleanse.Pipeline] = {}  # a worker's own, from _init_worker


def _init_worker(mode: str, shipped_model: bool) -> None:
    global _PIPELINES
    with warnings.catch_warnings():  # the parent, building the same pipelines, reports them
        warnings.simplefilter("ignore")
        _PIPELINES = pipelines_for(mode, shipped_model)


def _score_page(page: BenchPage, anchors: bool) -> tuple[str, dict[str, Scored], bool]:
    return _score_with(_PIPELINES, anchors, page)


def _score_with(pipelines: dict[str, cleanse.Pipeline], anchors: bool, page: BenchPage
                ) -> tuple[str, dict[str, Scored], frozenset[str]]:
    """(key, system -> score, the renderings with visible text) for one page: cleanse and
    keep-all run now, the anchors' outputs come from their cache. HTML counts as visible
    when its text rendering is."""
    pipeline = pipelines[page.key]
    html = page.html()
    start = time.perf_counter()
    from_html = pipeline.clean(html, kind="html").text
    html_ms = 1000 * (time.perf_counter() - start)
    text = page.text_rendering()
    start = time.perf_counter()
    from_text = pipeline.clean(text).text
    text_ms = 1000 * (time.perf_counter() - start)
    markdown = page.markdown_rendering()
    start = time.perf_counter()
    from_markdown = pipeline.clean(markdown).text
    markdown_ms = 1000 * (time.perf_counter() - start)
    scores = {
        "keep-all (text)": score(text, page.body, None),
        "cleanse (html)": score(from_html, page.body, html_ms, detail=True),
        "cleanse (text)": score(from_text, page.body, text_ms, detail=True),
        "keep-all (markdown)": score(markdown, page.body, None),
        "cleanse (markdown)": score(from_markdown, page.body, markdown_ms, detail=True),
    }
    innertext = page.innertext_rendering()
    if innertext is not None:
        start = time.perf_counter()
        from_innertext = pipeline.clean(innertext, kind="text").text
        innertext_ms = 1000 * (time.perf_counter() - start)
        scores["keep-all (innertext)"] = score(innertext, page.body, None)
        scores["cleanse (innertext)"] = score(from_innertext, page.body, innertext_ms,
                                              detail=True)
    for anchor in ANCHORS.values() if anchors else ():
        run = _read_cached(anchor, page)
        if run is None:
            raise RuntimeError(f"no cached {anchor.name} output for {page.key}: "
                               "fill_anchor_cache first")
        scores[anchor.name] = score(run.output, page.body, 1000 * run.seconds, run.error)
    visible = {"html", "text"} if text.strip() else set()
    visible |= {"markdown"} if markdown.strip() else set()
    visible |= {"innertext"} if innertext and innertext.strip() else set()
    return page.key, scores, frozenset(visible)


def score_pages(pages: Sequence[BenchPage], pipelines: dict[str, cleanse.Pipeline],
                jobs: int = 2, mode: str = "balanced", shipped_model: bool = False,
                anchors: bool = False, progress: bool = True
                ) -> tuple[dict[str, dict[str, Scored]], dict[str, frozenset[str]]]:
    """Every system on every page: system -> page key -> score, and page key -> the
    renderings with visible text.

    cleanse runs here; the anchors (``anchors=True``) are read from their cache,
    which :func:`fill_anchor_cache` must have filled. ``pipelines`` (from
    :func:`pipelines_for`) clean the pages when ``jobs`` is 1; worker processes
    build their own from ``mode`` and ``shipped_model``.
    """
    from tqdm import tqdm

    if not shipped_model and (unassigned := [p.key for p in pages if p.key not in pipelines]):
        raise KeyError(f"{len(unassigned)} pages have no fold model (e.g. {unassigned[:3]}): "
                       "the folds predate the benchmark data; run `python -m training.train`")
    results: dict[str, dict[str, Scored]] = defaultdict(dict)
    visible: dict[str, frozenset[str]] = {}
    executor = None
    if jobs > 1:
        executor = ProcessPoolExecutor(jobs, multiprocessing.get_context("spawn"),
                                       initializer=_init_worker, initargs=(mode, shipped_model))
        outputs = executor.map(partial(_score_page, anchors=anchors), pages, chunksize=4)
    else:
        outputs = map(partial(_score_with, pipelines, anchors), pages)
    try:
        for key, scores, renderings in tqdm(outputs, total=len(pages), desc="cleanse",
                                          unit="page", disable=not progress):
            for system, scored in scores.items():
                results[system][key] = scored
            visible[key] = renderings
    finally:
        if executor:
            executor.shutdown(cancel_futures=True)
    return results, visible


def seed_scores(pipelines: dict[str, cleanse.Pipeline]) -> list[tuple[str, LabelScore]]:
    return [(seed.name, score_labels(pipelines[seed.key].clean(seed.text), seed.text,
                                     seed.labels))
            for seed in load_seeds()]


# --- report --------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Summary:
    n: int
    precision: float
    recall: float
    f1: float
    ms: float | None  # median


def summarize(scores: Sequence[Scored]) -> Summary:
    timed = [s.ms for s in scores if s.ms is not None]
    return Summary(len(scores), statistics.mean(s.precision for s in scores),
                   statistics.mean(s.recall for s in scores),
                   statistics.mean(s.f1 for s in scores),
                   statistics.median(timed) if timed else None)


def scored(results: dict[str, dict[str, Scored]], system: str, pages: Sequence[BenchPage]
           ) -> list[Scored]:
    """The scores of ``system`` on those of ``pages`` it cleaned (the innerText systems
    skip pages without that rendering)."""
    return [results[system][p.key] for p in pages if p.key in results[system]]


def by_dataset(results: dict[str, dict[str, Scored]], pages: Sequence[BenchPage]
               ) -> dict[tuple[str, str], Summary]:
    """(system, dataset) -> mean scores over that dataset's pages."""
    groups: dict[str, list[BenchPage]] = defaultdict(list)
    for page in pages:
        groups[page.dataset].append(page)
    return {(system, dataset): summarize(scored(results, system, members))
            for system in results for dataset, members in groups.items()}


def first_per_dataset(pages: Sequence[BenchPage], limit: int) -> list[BenchPage]:
    """The first ``limit`` pages of each dataset, in load order (``--limit``)."""
    taken: Counter[str] = Counter()
    chosen = []
    for page in pages:
        taken[page.dataset] += 1
        if taken[page.dataset] <= limit:
            chosen.append(page)
    return chosen


def stratified_sample(pages: Sequence[BenchPage], every: int) -> list[BenchPage]:
    """Every ``every``-th page, in id order, of each (dataset, page type): a fixed subset,
    picked by rule and not by score, that keeps each page type's share."""
    strata: dict[tuple[str, str], list[BenchPage]] = defaultdict(list)
    for page in sorted(pages, key=lambda p: (p.dataset, p.page_type, p.id)):
        strata[(page.dataset, page.page_type)].append(page)
    return [page for members in strata.values() for page in members[::every]]


def _table(header: Sequence[str], rows: list[Sequence[str]]) -> list[str]:
    return (["| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
            + ["| " + " | ".join(row) + " |" for row in rows])


def _ms(value: float | None) -> str:
    return "-" if value is None else f"{value:.1f}"


def report(results: dict[str, dict[str, Scored]], visible: dict[str, frozenset[str]],
           pages: Sequence[BenchPage], seeds: list[tuple[str, LabelScore]],
           folds: int | None, caveats: Sequence[str], plot: Path | None) -> str:
    """The markdown report; ``folds`` is None for a ``--shipped-model`` run."""
    systems = [s for s in SYSTEMS if s in results]
    datasets = sorted({p.dataset for p in pages})
    summary = by_dataset(results, pages)
    if folds is None:
        out = ["**These cleanse numbers are a training fit, not a test** (`--shipped-model`): the "
               "shipped arbiter model was trained on these pages."]
    else:
        out = [f"cleanse's numbers are **{folds}-fold cross-validated, grouped by domain**: the "
               f"{len(pages)} pages and the seed fixtures are split into {folds} folds by site "
               "(all pages of a site in one fold; `training/train.py`), the arbiter model of "
               f"fold k is trained on the lines of the pages in the other {folds - 1} folds "
               "(their HTML and their text rendering), and it alone cleans the pages of fold k. "
               "No page is cleaned by a model that saw it or its site; the shipped model, "
               "trained on all of them, is not what is scored here. The anchors are "
               "off-the-shelf, not trained here."]
    out += [f"\n**Caveat:** {caveat}." for caveat in caveats]
    out += ["", "### Per dataset", ""]
    rows = []
    for dataset in datasets:
        for system in systems:
            s = summary[(system, dataset)]
            rows.append([dataset, system, str(s.n), f"{s.precision:.3f}", f"{s.recall:.3f}",
                         f"**{s.f1:.3f}**", _ms(s.ms)])
    out += _table(["dataset", "system", "pages", "P", "R", "F1", "median ms"], rows)
    failures = {system: sorted(k for k, s in results[system].items() if s.error)
                for system in systems}
    failed = {system: keys for system, keys in failures.items() if keys}
    out += ["", "Anchor failures (exception or time-out; scored as empty output): "
            + ("; ".join(f"{system} {len(keys)} ({', '.join(keys[:5])}"
                         + (", ..." if len(keys) > 5 else "") + ")"
                         for system, keys in failed.items()) or "none") + "."]

    wcxb = [p for p in pages if p.dataset == "wcxb_dev"]
    if wcxb:
        types = [t for t in PAGE_TYPES if any(p.page_type == t for p in wcxb)]
        members = {t: [p for p in wcxb if p.page_type == t] for t in types}
        f1 = {(system, t): summarize(scored(results, system, members[t])).f1
              for system in systems for t in types}
        out += ["", "### wcxb_dev by page type (F1)", ""]
        out += _table(["system"] + [f"{t} ({len(members[t])})" for t in types],
                      [[system] + [f"{f1[(system, t)]:.3f}" for t in types]
                       for system in systems])
        if "trafilatura (html)" in results:
            ahead = [t for t in types if f1[("cleanse (html)", t)]
                     >= f1[("trafilatura (html)", t)]]
            behind = [t for t in types if t not in ahead]
            out += ["", "cleanse (html) >= trafilatura (html) on: "
                    + (", ".join(ahead) or "none") + "; below on: "
                    + (", ".join(behind) or "none") + "."]

    out += ["", "### By language (F1, all datasets)", ""]
    langs: dict[str, list[BenchPage]] = defaultdict(list)
    for page in pages:
        langs[page.lang].append(page)
    lang_systems = [s for s in ("cleanse (html)", "cleanse (text)", "cleanse (innertext)",
                                "cleanse (markdown)", "trafilatura (html)")
                    if s in results]
    out += _table(["lang", "pages"] + lang_systems,
                  [[lang, str(len(members))]
                   + [f"{summarize(scored(results, s, members)).f1:.3f}"
                      if scored(results, s, members) else "-" for s in lang_systems]
                   for lang, members in sorted(langs.items(), key=lambda kv: -len(kv[1]))])

    out += ["", "### Seeds against their line labels"
            + (" (cross-validated)" if folds else ""), ""]
    out += _table(["seed", "body recall", "junk leak"],
                  [[name, f"{s.body_recall:.3f}", f"{s.junk_leak:.4f}"] for name, s in seeds])

    out += ["", "### Empty output on pages with content", "",
            "Pages whose ground truth is not empty and whose rendering has visible text (an "
            "HTML page's: its text rendering's), but where cleanse kept nothing:", ""]
    for system in (s for s in CLEANSE if s in results):
        rendering = system.removeprefix("cleanse (").removesuffix(")")
        keys = sorted(p.key for p in pages if p.body.strip() and rendering in visible[p.key]
                      and results[system][p.key].empty)
        out.append(f"- {system}: {len(keys)}" + (f" ({', '.join(keys)})" if keys else ""))
    # The other way round: these pages score 1 only for an empty output, 0 for anything else.
    empty_truth = [p for p in pages if not p.body.strip()]
    if empty_truth:
        kept = ", ".join(
            f"{system} on {sum(not s.empty for s in scored(results, system, empty_truth))}"
            for system in CLEANSE if system in results)
        out += ["", f"{len(empty_truth)} pages have nothing to keep (empty ground truth): "
                f"cleanse kept something, {kept} of them."]

    by_key = {p.key: p for p in pages}
    for system in (s for s in CLEANSE if s in results):
        out += ["", f"### Ten worst pages for {system}", "",
                "Tokens leaked / lost, most frequent first.", ""]
        worst = sorted(results[system].items(), key=lambda kv: (kv[1].f1, kv[0]))[:10]
        out += _table(["page", "type", "lang", "P", "R", "F1", "leaked", "lost"],
                      [[key, by_key[key].page_type, by_key[key].lang, f"{s.precision:.2f}",
                        f"{s.recall:.2f}", f"{s.f1:.2f}", s.leaked, s.lost]
                       for key, s in worst])
    if plot:
        out += ["", f"![F1 by system and dataset]({plot.name})"]
    return "\n".join(out)


def draw(results: dict[str, dict[str, Scored]], pages: Sequence[BenchPage], path: Path) -> None:
    """Bar chart: mean F1 of every system, one group of bars per dataset."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = by_dataset(results, pages)
    datasets = sorted({p.dataset for p in pages})
    systems = [s for s in SYSTEMS if s in results]
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(systems)
    for i, system in enumerate(systems):
        ax.bar([x + i * width for x in range(len(datasets))],
               [summary[(system, d)].f1 for d in datasets], width, label=system)
    ax.set_xticks([x + width * (len(systems) - 1) / 2 for x in range(len(datasets))])
    ax.set_xticklabels(datasets)
    ax.set_ylim(0, 1)
    ax.set_ylabel("token F1 (mean per page)")
    ax.legend(fontsize=7, ncol=4, loc="lower center", bbox_to_anchor=(0.5, 1.0))
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--datasets", nargs="+", help="only these datasets (default: all)")
    parser.add_argument("--limit", type=int, help="only the first N pages of each dataset")
    parser.add_argument("--no-anchors", action="store_true", help="only cleanse (fast)")
    parser.add_argument("--mode", default="balanced")
    parser.add_argument("--shipped-model", action="store_true",
                        help="score the shipped model, not the cross-validated fold models "
                             "(a training fit, not a test)")
    parser.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    parser.add_argument("--write", action="store_true",
                        help="write docs/benchmarks.md and docs/benchmarks.png (full runs only)")
    args = parser.parse_args()
    if args.write and (args.limit or args.datasets or args.no_anchors):
        parser.error("--write publishes the full run: drop --limit, --datasets and --no-anchors")
    if not args.bench.exists():
        print(f"benchmark data not found at {args.bench}; nothing to measure", file=sys.stderr)
        return 0
    started = time.monotonic()
    pages = load_pages(args.bench, args.datasets)
    if args.limit:
        pages = first_per_dataset(pages, args.limit)
    # Here, not in a worker, so that missing or outdated fold models fail with their message.
    try:
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            pipelines = pipelines_for(args.mode, args.shipped_model)
    except (FileNotFoundError, cleanse.ConfigError) as exc:
        print(exc, file=sys.stderr)
        return 1
    caveats = [str(w.message) for w in caught]  # e.g. fold models older than the sources
    for caveat in caveats:
        print(f"warning: {caveat}", file=sys.stderr)
    if not args.no_anchors:
        fill_anchor_cache(pages, args.jobs)
    try:
        render_innertext(pages)
    except (FileNotFoundError, ImportError) as exc:
        print(f"warning: no innerText renderings: {exc}", file=sys.stderr)
    results, visible = score_pages(pages, pipelines, args.jobs, args.mode, args.shipped_model,
                                   anchors=not args.no_anchors)
    seeds = seed_scores(pipelines)
    if args.shipped_model:
        folds = None
    else:
        from training.crossval import fold_count

        folds = fold_count()
    plot = ROOT / "docs" / "benchmarks.png" if args.write else None
    text = report(results, visible, pages, seeds, folds, caveats, plot)
    print(text)
    print(f"\n({len(pages)} pages in {time.monotonic() - started:.0f} s)", file=sys.stderr)
    if args.write:
        draw(results, pages, plot)
        write_section("quality", "## Quality\n\n"
                      "From one run of `python benchmarks/quality.py --write` "
                      f"(mode `{args.mode}`) over all {len(pages)} pages of `../shared/bench` "
                      "(see its README) and the "
                      f"{len(seeds)} seed fixtures. Text captures are the pages rendered with "
                      "inscriptis (innerText-like, menus and footers kept, list items marked); "
                      "innertext captures are a browser's own `document.body.innerText` "
                      "(headless chromium, scripts off; a page whose article a script draws is "
                      "left out of them, hence fewer pages); markdown captures "
                      "are the pages as a reader service gives them (markdownify, links and "
                      "tables marked up), which the linked model judges. Token precision / "
                      "recall / F1, mean per page (tokens after NFKC and lowercasing, without soft "
                      "hyphens and zero-width characters on either side: "
                      "`cleanse.evaluation.tokens`). Median ms per page are wall clock on 2 cores "
                      "shared with other work, the anchors' from the run that filled their "
                      "cache: a rough guide only (the Speed section times the systems side by "
                      "side). " + WCXB_CREDIT + ".\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
