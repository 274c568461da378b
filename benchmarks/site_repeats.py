"""Site-level boilerplate (``site_repeats``) on a multi-page same-site corpus from the bench.

    python benchmarks/site_repeats.py              # every bench site with >= 3 pages
    python benchmarks/site_repeats.py --limit 40   # a quick look

The corpus: every bench page whose site (``BenchPage.group``, its registrable
host) has at least ``--min-pages`` pages in ``../shared/bench``; sites are
never named in code. Each site's profile is counted from all its pages, HTML
renderings and text renderings apart, as a batch run over a crawl of the site
would (no bench site has more pages than the batch's 50-page sample).

Every page is cleaned by the cross-validated model of its fold
(``training.crossval``: a model that never saw its site), three ways:

* **without**: the default pipeline;
* **arbiter**: with ``site_repeats`` enabled and the profile given, the same
  model (it has no column of its own for the detector, but reads its decisions
  through the boilerplate-category and strongest-junk columns);
* **hard rule**: the *without* output minus every line ``site_repeats``
  flags: what the labels would do if they decided alone (an upper bound on
  removals, not a mode cleanse has).

Scores are token precision, recall and F1 against the ground truth
(``cleanse.evaluation.token_f1``, mean per page, on the markdown output whose
lines are the capture's). Precision falls as junk leaks; recall is body
recall. The detector's labels alone are judged by the alignment of the truth
to the lines (``training.labels``): the share of the junk tokens they flag and
the share of the body tokens they would remove. The cost per capture is the
count pass's work on it (site sniffing, rendering, line keys) and the
detector's.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse.detectors.site_repeats import SiteRepeats  # noqa: E402
from cleanse.evaluation import token_f1, tokens  # noqa: E402
from cleanse.model import Page  # noqa: E402
from cleanse.reading.capture import to_capture  # noqa: E402
from cleanse.running.sites import declared_url  # noqa: E402
from cleanse.site_profile import SiteProfile, text_keys  # noqa: E402
from training.corpus import BenchPage, load_pages  # noqa: E402
from training.crossval import crossval_pipelines  # noqa: E402
from training.dataset import BODY_SHARE  # noqa: E402
from training.labels import line_labels  # noqa: E402

KINDS = ("html", "text")
VARIANTS = ("without", "arbiter", "hard rule")


@dataclass
class Tally:
    """Per rendering: scores per variant, what the labels flagged, and what it cost."""

    scores: dict[str, list[tuple[float, float, float]]] = field(
        default_factory=lambda: defaultdict(list))
    junk_tokens: int = 0
    junk_flagged: int = 0
    body_tokens: int = 0
    body_flagged: int = 0
    lines_flagged: int = 0
    pages_flagged: int = 0
    count_ms: list[float] = field(default_factory=list)
    detect_ms: list[float] = field(default_factory=list)
    clean_ms: list[float] = field(default_factory=list)  # the whole pipeline, for scale


def _capture_text(page: BenchPage, kind: str) -> str:
    return page.html() if kind == "html" else page.text_rendering()


def _keys(page: BenchPage, kind: str) -> tuple[object, float]:
    """The page's line keys and the count pass's time on it (ms)."""
    raw = _capture_text(page, kind)
    started = time.perf_counter()
    declared_url(raw.encode("utf-8"))
    keys = text_keys(to_capture(raw, kind="html" if kind == "html" else None).text)
    return keys, (time.perf_counter() - started) * 1000


def _without_lines(markdown: str, drop: list[str]) -> str:
    """``markdown`` with one output line removed per entry of ``drop`` (stripped text)."""
    left = defaultdict(int)
    for text in drop:
        left[text] += 1
    kept = []
    for line in markdown.split("\n"):
        if left.get(line.strip(), 0) > 0:
            left[line.strip()] -= 1
            continue
        kept.append(line)
    return "\n".join(kept)


def measure(pages: list[BenchPage], detector: SiteRepeats) -> dict[str, Tally]:
    by_site: dict[str, list[BenchPage]] = defaultdict(list)
    for page in pages:
        by_site[page.group].append(page)
    folds = crossval_pipelines()
    enabled: dict[int, cleanse.Pipeline] = {}
    tallies = {kind: Tally() for kind in KINDS}
    for number, (site, group) in enumerate(sorted(by_site.items()), 1):
        print(f"  site {number}/{len(by_site)}: {len(group)} pages", file=sys.stderr)
        for kind in KINDS:
            tally = tallies[kind]
            counted = [_keys(page, kind) for page in group]
            tally.count_ms += [ms for _, ms in counted]
            profile = SiteProfile.from_pages(site, [keys for keys, _ in counted])
            for page in group:
                _score(page, kind, profile, detector, folds, enabled, tally)
    return tallies


def _score(page: BenchPage, kind: str, profile: SiteProfile, detector: SiteRepeats,
           folds: dict[str, cleanse.Pipeline], enabled: dict[int, cleanse.Pipeline],
           tally: Tally) -> None:
    raw = _capture_text(page, kind)
    capture = to_capture(raw, kind="html" if kind == "html" else None)
    labelled = Page.from_capture(capture)
    labelled.site = profile
    started = time.perf_counter()
    detector.detect(labelled)
    tally.detect_ms.append((time.perf_counter() - started) * 1000)
    flagged = [line for line in labelled.lines if line.decisions]
    shares = line_labels([line.text for line in labelled.lines], page.body)
    for line, share in zip(labelled.lines, shares):
        if share is None:
            continue
        count = len(tokens(line.text))
        body = share >= BODY_SHARE
        tally.body_tokens += count if body else 0
        tally.junk_tokens += 0 if body else count
        if line.decisions:
            tally.body_flagged += count if body else 0
            tally.junk_flagged += 0 if body else count
    tally.lines_flagged += len(flagged)
    tally.pages_flagged += bool(flagged)

    pipeline = folds[page.key]
    key = id(pipeline)
    if key not in enabled:
        enabled[key] = cleanse.Pipeline(
            pipeline.config.enable("site_repeats", after="duplicates"))
    started = time.perf_counter()
    without = pipeline.clean(raw, kind="html" if kind == "html" else None).markdown
    tally.clean_ms.append((time.perf_counter() - started) * 1000)
    with_arbiter = enabled[key].clean(capture, site=profile).markdown
    hard = _without_lines(without, [line.text.strip() for line in flagged])
    for variant, output in zip(VARIANTS, (without, with_arbiter, hard)):
        s = token_f1(output, page.body)
        tally.scores[variant].append((s.precision, s.recall, s.f1))


def report(tallies: dict[str, Tally], pages: int, sites: int) -> str:
    rows = [f"{pages} pages of {sites} sites with >= the minimum pages; each page cleaned by "
            "the model of its cross-validation fold", "",
            "| rendering | variant | precision | recall (body) | F1 |", "|---|---|---|---|---|"]
    for kind, tally in tallies.items():
        for variant in VARIANTS:
            p, r, f = (statistics.mean(values) for values in zip(*tally.scores[variant]))
            rows.append(f"| {kind} | {variant} | {p:.3f} | {r:.3f} | {f:.3f} |")
    rows += ["", "| rendering | junk tokens flagged | body tokens flagged | lines flagged "
                 "| pages with a flag | count pass ms/capture (mean, p90) | detector ms/capture "
                 "| whole clean ms/capture |", "|---|---|---|---|---|---|---|---|"]
    for kind, tally in tallies.items():
        count = sorted(tally.count_ms)
        rows.append(
            f"| {kind} | {tally.junk_flagged / max(tally.junk_tokens, 1):.1%} "
            f"| {tally.body_flagged / max(tally.body_tokens, 1):.1%} | {tally.lines_flagged} "
            f"| {tally.pages_flagged} | {statistics.mean(count):.1f}, "
            f"{count[int(0.9 * (len(count) - 1))]:.1f} "
            f"| {statistics.mean(tally.detect_ms):.2f} | {statistics.mean(tally.clean_ms):.1f} |")
    return "\n".join(rows)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--min-pages", type=int, default=3,
                        help="sites with at least this many bench pages (default 3)")
    parser.add_argument("--limit", type=int, help="at most this many pages (whole sites)")
    args = parser.parse_args(argv)
    sizes: dict[str, int] = defaultdict(int)
    pages = load_pages()
    for page in pages:
        sizes[page.group] += 1
    corpus = [page for page in pages if sizes[page.group] >= args.min_pages]
    if args.limit:
        kept, total = set(), 0
        for group in sorted({page.group for page in corpus}):
            if total + sizes[group] > args.limit:
                break
            kept.add(group)
            total += sizes[group]
        corpus = [page for page in corpus if page.group in kept]
    detector = SiteRepeats(min_pages=args.min_pages)
    tallies = measure(corpus, detector)
    print(report(tallies, len(corpus), len({page.group for page in corpus})))
    return 0


if __name__ == "__main__":
    sys.exit(main())
