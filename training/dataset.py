"""The arbiter's training table: one row of evidence per rendered line, labelled by alignment.

Every bench page is cleaned four times: as HTML, as its inscriptis text
rendering (innerText-like, list items marked), as a browser's innerText (headless
chromium, :func:`training.corpus.render_innertext`; left out where scripts draw the
article) and as its markdown rendering (what a reader service gives,
:func:`training.corpus.markdown_of`); the detectors label its
lines (``Pipeline.label``, no arbiter),
:func:`cleanse.deciding.evidence.page_features` turns each non-blank line into a row,
and :func:`training.labels.line_labels` says how much of the line belongs to
the ground-truth article. The seed captures add their hand-made line labels
(title, meta and optional lines carry no weight: they are neither body nor
junk the text is scored on).

Each page weighs the same in total, and within a page a line weighs by its
tokens, as the token F1 that judges the output does.

    python -m training.dataset          # build (or reuse) the cached table and describe it

When the default pipeline runs ``site_repeats`` (lines repeated across a
site's pages), each bench page is labelled with the profile of its site
(:class:`cleanse.site_profile.SiteProfile`) counted over every bench page of
that site (its cross-validation group), each rendering apart, as a batch run
over a crawl of the site would; a site with one bench page has none. Without
the detector in the pipeline nothing is counted.

The table is cached under ``benchmarks/.cache/dataset/`` keyed by a hash of
the cleanse sources (changing a detector changes the evidence; reformatting,
comments, docstrings and moving modules do not: see :func:`source_hash`).
"""

from __future__ import annotations

import argparse
import ast
import hashlib
import json
import sys
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
import tomllib
from tqdm import tqdm

import cleanse
from cleanse.deciding.evidence import FEATURES, page_features
from cleanse.detectors import Detector
from cleanse.model import Page
from cleanse.pipeline import label
from cleanse.reading.capture import to_capture
from cleanse.site_profile import SiteProfile, text_keys
from training.corpus import (
    PROJECT_ROOT,
    BenchPage,
    SeedPage,
    load_pages,
    load_seeds,
    render_innertext,
)
from training.labels import line_labels

CACHE = PROJECT_ROOT / "benchmarks" / ".cache" / "dataset"
BODY_SHARE = 0.5  # a line is article text when at least this share of it aligns to the truth
PAGE_WEIGHT = 100.0
SEED_KEPT = {"body": 1.0}
SEED_JUNK = {"nav", "trending", "ad", "newsletter", "share", "chrome"}
# What is scored; "crop" rows (see crop_around_article) only train.
KINDS = ("html", "text", "innertext", "markdown")
CROP_MARGIN = 3
CROP_WEIGHT = 0.5
# Parts of the package that only use the evidence, never shape it (paths inside cleanse/).
# Were one to move, it would count again: a stale flag too many, never one too few.
AFTER_EVIDENCE = ("running", "__main__.py", "deciding/arbiter.py", "deciding/assemble.py",
                  "deciding/language.py", "deciding/forest.py", "deciding/units.py")


@dataclass
class Table:
    """Rows of evidence with labels, weights and where each row came from."""

    X: np.ndarray
    y: np.ndarray
    weight: np.ndarray
    page: np.ndarray    # page key per row ("dataset/id")
    kind: np.ndarray    # the rendering per row: one of KINDS, or "crop"
    group: dict[str, str]  # page key -> cross-validation group (its site)
    sources: str = ""      # source_hash() of the cleanse sources that computed the evidence

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        keys = sorted(self.group)
        temporary = path.with_suffix(".tmp.npz")
        np.savez_compressed(temporary, X=self.X, y=self.y, weight=self.weight, page=self.page,
                            kind=self.kind, group_keys=np.array(keys),
                            group_values=np.array([self.group[k] for k in keys]))
        temporary.replace(path)

    def differences(self, other: Table) -> list[str]:
        """What differs between two tables' evidence, labels, weights and pages (their
        ``sources`` aside); empty when a model trained on one is the model of the other."""
        if self.X.shape != other.X.shape:
            return [f"{self.X.shape[0]:,} x {self.X.shape[1]} against "
                    f"{other.X.shape[0]:,} x {other.X.shape[1]} rows x columns"]
        found = []
        unequal = ~((self.X == other.X) | (np.isnan(self.X) & np.isnan(other.X)))
        for column in np.flatnonzero(unequal.any(axis=0)):
            rows = np.flatnonzero(unequal[:, column])
            pages = sorted(set(self.page[rows].tolist()))
            name = FEATURES[column] if len(FEATURES) == self.X.shape[1] else f"column {column}"
            found.append(f"{name}: {len(rows):,} rows on {len(pages):,} pages "
                         f"(first {pages[0]})")
        for name in ("y", "weight", "page", "kind"):
            if not np.array_equal(getattr(self, name), getattr(other, name)):
                found.append(f"{name} differs")
        if self.group != other.group:
            found.append("the pages' groups differ")
        return found

    @classmethod
    def load(cls, path: Path) -> Table:
        data = np.load(path, allow_pickle=False)
        group = dict(zip(data["group_keys"].tolist(), data["group_values"].tolist()))
        return cls(data["X"], data["y"], data["weight"], data["page"], data["kind"], group,
                   sources=path.stem.removeprefix("table-").split("-")[0])  # (table_path)


def source_hash(package: Path = Path(cleanse.__file__).parent) -> str:
    """A hash of everything that shapes the evidence: cleanse's code and vocabulary.

    Each module counts by its syntax tree without docstrings, and an import from
    inside cleanse by the names it imports, not the module path; data files count by
    their parsed content. So reformatting, comments, docstrings and moving modules
    between folders keep the hash (and the cached table and fold models), while any
    change to what the code does changes it. Module digests are sorted, not keyed by
    path, for the same reason. What runs only after the evidence (``AFTER_EVIDENCE``: the
    arbiter with its trees and units, assembly, language tags, the command line and batch
    runs) does not count.
    """
    digests = []
    for path in sorted(package.rglob("*")):
        where = path.relative_to(package).as_posix()
        if "__pycache__" in path.parts or any(where == after or where.startswith(f"{after}/")
                                              for after in AFTER_EVIDENCE):
            continue
        if path.suffix == ".py":
            digest = _code_digest(path.read_text("utf-8"))
            if digest is not None:
                digests.append(digest)
        elif path.suffix == ".toml":
            content = tomllib.loads(path.read_text("utf-8"))
            digests.append(hashlib.sha256(json.dumps(content, sort_keys=True).encode())
                           .hexdigest())
    return hashlib.sha256("\n".join(sorted(digests)).encode()).hexdigest()[:16]


def _code_digest(source: str) -> str | None:
    """SHA-256 of a module's syntax tree without docstrings; None for a module without code.

    Imports from inside cleanse count by the names they bring in, whatever module path
    and order they take: moving a module or re-sorting imports changes no behaviour.
    """
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            body = node.body
            if (body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant)
                    and isinstance(body[0].value.value, str)):
                node.body = body[1:] or ([] if isinstance(node, ast.Module) else [ast.Pass()])
    imports: list[str] = []
    code: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.ImportFrom):
            module = "cleanse" if node.level or _inside_cleanse(node.module) else node.module
            imports += [f"from {module} import {a.name} as {a.asname}" for a in node.names]
        elif isinstance(node, ast.Import):
            imports += [f"import {a.name} as {a.asname}" for a in node.names]
        else:
            code.append(ast.dump(node, include_attributes=False))
    if not code and not imports:
        return None
    text = "\n".join(sorted(imports) + code)
    return hashlib.sha256(text.encode()).hexdigest()


def _inside_cleanse(module: str | None) -> bool:
    return module is not None and (module == "cleanse" or module.startswith("cleanse."))


_DETECTORS: list[Detector] = []


def _label(text: str, kind: str, site: SiteProfile | None = None) -> Page:
    """The capture labelled by the default detectors (no arbiter: it is what we train)."""
    if not _DETECTORS:
        _DETECTORS.extend(cleanse.Config().build())
    return label(_capture(text, kind), _DETECTORS, site=site)


def _capture(text: str, kind: str) -> cleanse.Capture:
    return to_capture(text, kind="html" if kind == "html" else None)


SITE_DETECTOR = "site_repeats"
# A bench page's site profiles: of its site's renderings of each kind, in KINDS' order.
Sites = tuple[SiteProfile | None, ...]
NO_SITES: Sites = (None,) * len(KINDS)


def _renderings(page: BenchPage) -> tuple[tuple[str, str | None], ...]:
    """(kind, capture) of each of a page's renderings, in the order of :data:`KINDS`; the
    capture is None where the page has no such rendering (an innerText without the article)."""
    return (("html", page.html()), ("text", page.text_rendering()),
            ("innertext", page.innertext_rendering()), ("markdown", page.markdown_rendering()))


def _page_keys(page: BenchPage) -> list[np.ndarray]:
    """The distinct line keys of each of a page's renderings (none for a missing one)."""
    return [text_keys(_capture(text, kind).text if text is not None else "")
            for kind, text in _renderings(page)]


def site_profiles(pages: list[BenchPage], jobs: int = 2) -> dict[str, Sites]:
    """Page key -> the profiles of its site from every page of that site (``page.group``),
    for pages whose site has others; empty when the default pipeline has no
    ``site_repeats`` (the profiles would change nothing)."""
    if SITE_DETECTOR not in cleanse.Config().detectors:
        return {}
    by_site: dict[str, list[BenchPage]] = {}
    for page in pages:
        by_site.setdefault(page.group, []).append(page)
    shared = [page for group in by_site.values() if len(group) > 1 for page in group]
    with ProcessPoolExecutor(jobs) as pool:
        keys = dict(zip((page.key for page in shared),
                        tqdm(pool.map(_page_keys, shared, chunksize=4), total=len(shared),
                             desc="site profiles", unit="page")))
    profiles: dict[str, Sites] = {}
    for site, group in by_site.items():
        if len(group) > 1:
            sites = tuple(SiteProfile.from_pages(site, [keys[page.key][i] for page in group])
                          for i in range(len(KINDS)))
            profiles.update((page.key, sites) for page in group)
    return profiles


def _weights(page_lines: list, labels: np.ndarray) -> np.ndarray:
    tokens = np.array([1.0 + line.features.tokens for line in page_lines])
    tokens[np.isnan(labels)] = 0.0
    total = tokens.sum()
    return tokens * (PAGE_WEIGHT / total) if total else tokens


def _capture_rows(text: str, kind: str, truth: str, site: SiteProfile | None = None
                  ) -> tuple[str, np.ndarray, np.ndarray, np.ndarray]:
    """(kind, rows, labels, weights) of one capture against its ground-truth text.

    Markdown lines align by their plain text (a link's target is not article text); a
    line with none (an image, a rule) carries no weight.
    """
    captured = _label(text, kind, site)
    lines, rows = page_features(captured)
    aligned = [line.features.plain if kind == "markdown" else line.text
               for line in captured.lines]
    shares = line_labels(aligned, truth)
    labels = np.array([np.nan if shares[line.number - 1] is None
                       else float(shares[line.number - 1] >= BODY_SHARE) for line in lines])
    return kind, rows, np.nan_to_num(labels), _weights(lines, labels)


def crop_around_article(text: str, truth: str, key: str) -> str | None:
    """The text capture cut to its article plus up to ``CROP_MARGIN`` lines either side.

    Captures come with more or less page around the article: a saved innerText has all of
    it, a reader-mode copy almost none. Training only on whole pages teaches the model that
    the first lines are never article text; this crop shows it captures that start right
    at the article. The margins are fixed per page (a hash of its key): deterministic.
    """
    lines = text.split("\n")
    shares = line_labels(lines, truth)
    body = [i for i, share in enumerate(shares) if share is not None and share >= BODY_SHARE]
    if not body:
        return None
    digest = hashlib.sha256(key.encode()).digest()
    content = [i for i, share in enumerate(shares) if share is not None]
    first, last = content.index(body[0]), content.index(body[-1])
    start = content[max(0, first - digest[0] % (CROP_MARGIN + 1))]
    end = content[min(len(content) - 1, last + digest[1] % (CROP_MARGIN + 1))]
    if start == content[0] and end == content[-1]:
        return None  # nothing to cut: the page is its own crop
    return "\n".join(lines[start:end + 1])


def _bench_rows(page: BenchPage, sites: Sites = NO_SITES
                ) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    renderings = _renderings(page)
    rows = [_capture_rows(text, kind, page.body, site)
            for (kind, text), site in zip(renderings, sites) if text is not None]
    text, text_site = dict(renderings)["text"], sites[KINDS.index("text")]
    crop = crop_around_article(text, page.body, page.key)
    if crop is not None:
        _, matrix, labels, weights = _capture_rows(crop, "text", page.body, text_site)
        rows.append(("crop", matrix, labels, weights * CROP_WEIGHT))
    return rows


def _seed_rows(seed: SeedPage) -> list[tuple[str, np.ndarray, np.ndarray, np.ndarray]]:
    captured = _label(seed.text, "text")
    lines, rows = page_features(captured)
    labels = np.array([SEED_KEPT.get(seed.labels.get(line.number, ""), 0.0)
                       if seed.labels.get(line.number) in SEED_JUNK | set(SEED_KEPT)
                       else np.nan for line in lines])
    weights = _weights(lines, labels)
    return [("text", rows, np.nan_to_num(labels), weights)]


def _rows(item: BenchPage | SeedPage, sites: Sites = NO_SITES) -> tuple[str, list]:
    rows = _bench_rows(item, sites) if isinstance(item, BenchPage) else _seed_rows(item)
    return item.key, rows


def build(pages: list[BenchPage], seeds: list[SeedPage], jobs: int = 2) -> Table:
    """Clean every page (each rendering) and every seed into one labelled table."""
    items: list[BenchPage | SeedPage] = [*pages, *seeds]
    profiles = site_profiles(pages, jobs)
    sites = [profiles.get(item.key, NO_SITES) for item in items]
    parts: list[tuple[str, list]] = []
    with ProcessPoolExecutor(jobs) as pool:
        for result in tqdm(pool.map(_rows, items, sites, chunksize=4), total=len(items),
                           desc="evidence", unit="page"):
            parts.append(result)
    X, y, w, page_keys, kinds = [], [], [], [], []
    for key, rows in parts:
        for kind, matrix, labels, weights in rows:
            if not len(labels):
                continue
            X.append(matrix)
            y.append(labels)
            w.append(weights)
            page_keys += [key] * len(labels)
            kinds += [kind] * len(labels)
    group = {p.key: p.group for p in pages} | {s.key: s.group for s in seeds}
    return Table(np.vstack(X).astype(np.float32), np.concatenate(y).astype(np.float32),
                 np.concatenate(w).astype(np.float32), np.array(page_keys), np.array(kinds),
                 group)


def table_path(sources: str) -> Path:
    """Where the table of the evidence computed by cleanse sources ``sources`` over the
    renderings of :data:`KINDS` is cached."""
    return CACHE / f"table-{sources}-{'-'.join(KINDS)}.npz"


def load_or_build(jobs: int = 2, rebuild: bool = False) -> Table:
    """The cached table for the current cleanse sources, built if missing."""
    path = table_path(source_hash())
    if path.exists() and not rebuild:
        return Table.load(path)
    pages = load_pages()
    render_innertext(pages)  # the browser's renderings are made here, not on demand
    table = build(pages, load_seeds(), jobs)
    table.save(path)
    return Table.load(path)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--rebuild", action="store_true")
    args = parser.parse_args(argv)
    table = load_or_build(args.jobs, args.rebuild)
    print(f"{len(table.y):,} lines from {len(set(table.page.tolist())):,} pages, "
          f"{len(set(table.group.values())):,} groups; {len(FEATURES)} features")
    for kind in KINDS:
        mask = table.kind == kind
        print(f"  {kind}: {mask.sum():,} lines, {table.y[mask].mean():.1%} body")
    return 0


if __name__ == "__main__":
    sys.exit(main())
