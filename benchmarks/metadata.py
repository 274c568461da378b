"""Metadata accuracy: title, author and publication day, cleanse beside trafilatura.

Ground truth (../shared/bench, see its README): wcxb_dev pages have ``title``, ``author`` and
``publish_date``; cwced_zh pages have ``author`` and ``date``. cleanse is scored on the HTML
(``cleanse (html)``) and on the page's innerText-like text rendering (``cleanse (text)``:
what a text capture of the page gives); trafilatura's ``extract_metadata`` on the HTML,
in the same run.

Matching, the same for every extractor:

- date: the same calendar day (the time is ignored). A truth given only as a year or a
  month ("1998-3") is matched at that precision; a truth that is no date at all is left out.
- author: the same set of name tokens, case-insensitive, whatever the separators
  ("A, B and C", a list, "A 、B"); "By" is not stripped from a prediction.
- title: the same text, case-insensitive, whitespace collapsed.

Two accuracies per field: over the pages whose truth has a value, and over all pages (a page
without a value counts as right when the extractor gives none).

    python benchmarks/metadata.py            # the table
    python benchmarks/metadata.py --write    # ... and its section in docs/benchmarks.md
    python benchmarks/metadata.py --limit 100 --show-misses author
"""

from __future__ import annotations

import argparse
import importlib.metadata
import json
import re
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from training.corpus import DEFAULT_BENCH, MANIFESTS, BenchPage, load_pages  # noqa: E402

from docs_section import write_section  # noqa: E402

CACHE = ROOT / "benchmarks" / ".cache" / "metadata"
LAST_RUN = CACHE / "last-run.json"
DATASETS = ("wcxb_dev", "cwced_zh")
FIELDS = ("title", "author", "date")
EXTRACTORS = ("cleanse (html)", "cleanse (text)", "trafilatura")
# Ground-truth values that mean "unknown" (cwced_zh writes UNKNOWN, once misspelt).
UNKNOWN = {"", "unknown", "unknwon"}
WCXB_CREDIT = ("wcxb_dev: the dev split of [web-content-extraction-benchmark]"
               "(https://github.com/Murrough-Foley/web-content-extraction-benchmark), "
               "CC-BY-4.0 (c) 2026 Murrough Foley")
# cwced_zh's field names for the truth this benchmark scores.
TRUTH_KEYS = {"title": ("title",), "author": ("author",), "date": ("publish_date", "date")}
DAY = re.compile(r"^\s*(\d{4})(?:\s*[-/.年]\s*(\d{1,2}))?(?:\s*[-/.月]\s*(\d{1,2}))?")
NAME_SEPARATORS = re.compile(r"[,;、&|/，；]|\band\b")


# --- normalisation -----------------------------------------------------------------------------

def day(value: object) -> tuple[int, ...] | str | None:
    """(year, month, day) or as much of it as given; None for no value; "invalid" for a
    value that is no date."""
    if not isinstance(value, str) or value.strip().casefold() in UNKNOWN:
        return None
    match = DAY.match(value)
    return tuple(int(g) for g in match.groups() if g) if match else "invalid"


def names(value: object) -> frozenset[str] | None:
    """The tokens of the names ``value`` gives (a list or one string), case-folded."""
    if isinstance(value, list):
        value = ", ".join(str(v) for v in value)
    if not isinstance(value, str) or value.strip().casefold() in UNKNOWN:
        return None
    return frozenset(NAME_SEPARATORS.sub(" ", value.casefold()).split()) or None


def title(value: object) -> str | None:
    if not isinstance(value, str) or not value.strip():
        return None
    return " ".join(value.casefold().split())


def matches(field: str, predicted: object, truth: object) -> bool | None:
    """Whether ``predicted`` is right (None: the page is not scored on ``field``)."""
    if field == "date":
        expected, got = day(truth), day(predicted)
        if expected == "invalid":
            return None
        if isinstance(expected, tuple) and isinstance(got, tuple):
            got = got[:len(expected)]
        return got == expected or (expected is None and got == "invalid")
    normalise = names if field == "author" else title
    return normalise(predicted) == normalise(truth)


# --- extractors --------------------------------------------------------------------------------

@dataclass(frozen=True)
class Truth:
    page: BenchPage
    values: dict[str, object]  # field -> ground truth (absent: the dataset has no such field)


def load_truth(bench: Path, datasets: Sequence[str]) -> list[Truth]:
    pages = {page.key: page for page in load_pages(bench, datasets)}
    truths = []
    for dataset in datasets:
        folder = bench / dataset
        manifest = next(folder / name for name in MANIFESTS if (folder / name).is_file())
        for line in manifest.read_text("utf-8").splitlines():
            row = json.loads(line)
            values = {field: row[key] for field, keys in TRUTH_KEYS.items()
                      for key in keys if key in row}
            truths.append(Truth(pages[f"{dataset}/{row['id']}"], values))
    return truths


def _cleanse(page: BenchPage) -> dict[str, dict[str, object]]:
    results = {}
    for name, capture in (("cleanse (html)", page.html_path.read_bytes()),
                          ("cleanse (text)", page.text_rendering())):
        doc = cleanse.clean(capture, source=page.url)
        results[name] = {"title": doc.title, "author": doc.metadata.get("author"),
                         "date": doc.metadata.get("published")}
    return results


def _trafilatura(page: BenchPage) -> dict[str, object]:
    from trafilatura import extract_metadata

    found = extract_metadata(page.html(), default_url=page.url)
    return {"title": found.title, "author": found.author, "date": found.date}


def _trafilatura_cached(pages: Sequence[BenchPage], jobs: int) -> dict[str, dict[str, object]]:
    """trafilatura's results, cached by its version (they never change for one version)."""
    version = importlib.metadata.version("trafilatura")
    path = CACHE / f"trafilatura-{version}.json"
    cached = json.loads(path.read_text("utf-8")) if path.exists() else {}
    todo = [page for page in pages if page.key not in cached]
    if todo:
        with ProcessPoolExecutor(jobs) as pool:
            for page, found in zip(todo, pool.map(_trafilatura, todo, chunksize=8)):
                cached[page.key] = found
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(json.dumps(cached, ensure_ascii=False, sort_keys=True), "utf-8")
    return {page.key: cached[page.key] for page in pages}


def run(truths: Sequence[Truth], jobs: int) -> dict[str, dict[str, dict[str, object]]]:
    """page key -> extractor -> field -> predicted value."""
    pages = [truth.page for truth in truths]
    results: dict[str, dict[str, dict[str, object]]] = {page.key: {} for page in pages}
    with ProcessPoolExecutor(jobs) as pool:
        for page, found in zip(pages, pool.map(_cleanse, pages, chunksize=4)):
            results[page.key].update(found)
    for key, found in _trafilatura_cached(pages, jobs).items():
        results[key]["trafilatura"] = found
    return results


# --- report ------------------------------------------------------------------------------------

@dataclass
class Accuracy:
    right_with_value: int = 0
    with_value: int = 0
    right: int = 0
    scored: int = 0

    def cell(self) -> str:
        if not self.scored:
            return "–"
        share = self.right_with_value / self.with_value if self.with_value else 0.0
        return f"{share:.3f} / {self.right / self.scored:.3f}"


def accuracies(truths: Sequence[Truth], results: dict[str, dict[str, dict[str, object]]]
               ) -> dict[tuple[str, str, str], Accuracy]:
    """(dataset, field, extractor) -> accuracy."""
    table: dict[tuple[str, str, str], Accuracy] = {}
    for truth in truths:
        for field, expected in truth.values.items():
            for extractor in EXTRACTORS:
                right = matches(field, results[truth.page.key][extractor].get(field), expected)
                if right is None:
                    continue
                acc = table.setdefault((truth.page.dataset, field, extractor), Accuracy())
                has_value = (day(expected) if field == "date" else
                             names(expected) if field == "author" else title(expected))
                acc.scored += 1
                acc.right += right
                if has_value is not None:
                    acc.with_value += 1
                    acc.right_with_value += right
    return table


def report(truths: Sequence[Truth], results: dict[str, dict[str, dict[str, object]]]) -> str:
    table = accuracies(truths, results)
    lines = ["| dataset | field | pages with a value / scored | "
             + " | ".join(EXTRACTORS) + " |",
             "|---|---|---|" + "---|" * len(EXTRACTORS)]
    for dataset in DATASETS:
        for field in FIELDS:
            accs = [table.get((dataset, field, e)) for e in EXTRACTORS]
            if not any(accs):
                continue
            first = next(a for a in accs if a)
            lines.append(f"| {dataset} | {field} | {first.with_value} / {first.scored} | "
                         + " | ".join(a.cell() if a else "–" for a in accs) + " |")
    return "\n".join(lines)


def show_misses(truths: Sequence[Truth], results: dict[str, dict[str, dict[str, object]]],
                field: str, extractor: str, out: Callable[[str], None] = print) -> None:
    for truth in truths:
        if field not in truth.values:
            continue
        predicted = results[truth.page.key][extractor].get(field)
        if matches(field, predicted, truth.values[field]) is False:
            other = results[truth.page.key]["trafilatura"].get(field)
            out(f"{truth.page.key}: truth {truth.values[field]!r}, got {predicted!r} "
                f"(trafilatura {other!r})")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--limit", type=int, help="only the first N pages of each dataset")
    parser.add_argument("--write", action="store_true", help="update docs/benchmarks.md")
    parser.add_argument("--show-misses", choices=FIELDS, help="list the pages cleanse gets wrong")
    parser.add_argument("--extractor", choices=EXTRACTORS, default="cleanse (html)",
                        help="whose misses --show-misses lists")
    parser.add_argument("--reuse", action="store_true",
                        help=f"score the last run's results ({LAST_RUN.name}) instead of running")
    args = parser.parse_args()
    truths = load_truth(args.bench, DATASETS)
    if args.limit:
        truths = [t for d in DATASETS for t in [t for t in truths if t.page.dataset == d]
                  [:args.limit]]
    if args.reuse:
        results = json.loads(LAST_RUN.read_text("utf-8"))
    else:
        results = run(truths, args.jobs)
        LAST_RUN.parent.mkdir(parents=True, exist_ok=True)
        LAST_RUN.write_text(json.dumps(results, ensure_ascii=False), "utf-8")
    if args.show_misses:
        show_misses(truths, results, args.show_misses, args.extractor)
    table = report(truths, results)
    print(table)
    if args.write:
        if args.limit:
            parser.error("--write needs every page (drop --limit)")
        versions = ", ".join(f"{p} {importlib.metadata.version(p)}"
                             for p in ("cleanse", "trafilatura", "htmldate", "dateparser"))
        write_section("metadata", "## Metadata\n\n"
                      "`python benchmarks/metadata.py --write` "
                      f"({versions}). Each cell: accuracy on the pages whose ground truth has "
                      "a value / on all scored pages (a page without a value is right when "
                      "none is given). Dates match on the day (a truth of only a year or "
                      "month at that precision; cwced_zh's one non-date truth is left out); "
                      "authors on their set of name tokens, case-insensitive, whatever the "
                      "separators; titles case- and whitespace-insensitive. `cleanse (text)` "
                      "cleans the page's innerText-like rendering, as a text capture of it "
                      "would be: no markup, only datelines and bylines. The rules were "
                      "developed looking at these pages (headline choice, byline elements, "
                      "Chinese credit lines): they key on formats and markup, never on a "
                      "site's strings, but this is not a held-out measure.\n\n"
                      + table + f"\n\n{WCXB_CREDIT}.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
