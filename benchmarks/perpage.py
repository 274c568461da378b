"""Per-page A/B of two trees or two sets of fold models: which pages a change moves.

    CLEANSE_FOLD_DIR=DIR python benchmarks/perpage.py score OUT.json     # this tree, DIR's folds
    python benchmarks/perpage.py compare BEFORE.json AFTER.json [--top 12]

``score`` cleans every bench page in each rendering (HTML, text, innerText, markdown) with the
cross-validated model of its fold, as ``benchmarks/quality.py`` does (a model that never saw
the page's site), and writes each page's token precision, recall and F1 per rendering and
the seeds' body recall and junk leak. It runs the tree it is started from: run it once per
tree (``PYTHONPATH=<tree>``) or per fold directory (``CLEANSE_FOLD_DIR``), then ``compare``
the two files: mean F1 per dataset and wcxb page type, how many page renderings moved, and
the largest moves either way. A mean move marked ``*`` is at least twice its standard error
over the group's pages (paired): larger than the pages' own scatter would make it by chance.
That is page sampling only; it says nothing of a retrain's redraw.

A retrain moves every page a little (a redraw alone moves a wcxb page type by about +-0.01,
docs/arbiter.md): judge an evidence change by the renderings it cannot reach too (an HTML
column against the text captures), and a rule after the model by the pages it moves.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from cleanse import ConfigError
from training.corpus import DEFAULT_BENCH, load_pages

from quality import CLEANSE, pipelines_for, score_pages, seed_scores

Scores = dict[str, dict]  # page key -> its dataset, type, language and scores per rendering


def rendering(system: str) -> str:
    """"cleanse (html)" -> "html"."""
    return system.split("(")[1].rstrip(")")


RENDERINGS = tuple(map(rendering, CLEANSE))  # quality.py's cleanse systems, in its order


def score(out: Path, bench: Path, jobs: int) -> int:
    if not bench.exists():
        print(f"benchmark data not found at {bench}", file=sys.stderr)
        return 1
    pages = load_pages(bench)
    try:
        pipelines = pipelines_for("balanced", shipped_model=False)
    except (FileNotFoundError, ConfigError) as exc:  # no fold models, or another version's
        print(exc, file=sys.stderr)
        return 1
    results, _ = score_pages(pages, pipelines, jobs)
    scores = {page.key: {"dataset": page.dataset, "type": page.page_type, "lang": page.lang,
                         **{rendering(system): {"f1": s.f1, "precision": s.precision,
                                                "recall": s.recall}
                            for system in CLEANSE if (s := results[system].get(page.key))}}
              for page in pages}
    seeds = {name: {"body_recall": label.body_recall, "junk_leak": label.junk_leak}
             for name, label in seed_scores(pipelines)}
    out.write_text(json.dumps({"pages": scores, "seeds": seeds}, indent=0), "utf-8")
    print(f"wrote {out}", file=sys.stderr)
    return 0


def groups(pages: Scores) -> dict[str, list[str]]:
    """Group name -> page keys: each dataset whole, and each wcxb_dev page type."""
    found: dict[str, list[str]] = defaultdict(list)
    for key, page in pages.items():
        found[page["dataset"]].append(key)
        if page["dataset"] == "wcxb_dev":
            found[f"wcxb_dev/{page['type']}"].append(key)
    return dict(sorted(found.items()))


def moves(before: Scores, after: Scores) -> list[tuple[float, str, str]]:
    """(F1 after - before, page key, rendering) of every rendering scored in both, ascending."""
    return sorted((after[key][r]["f1"] - page[r]["f1"], key, r)
                  for key, page in before.items() for r in RENDERINGS
                  if r in page and r in after.get(key, {}))


def beyond_scatter(deltas: list[float]) -> bool:
    """Whether the mean of paired moves is at least twice its standard error (two pages at
    least: one move has no scatter to measure)."""
    if len(deltas) < 2:
        return False
    mean = statistics.fmean(deltas)
    error = statistics.stdev(deltas) / len(deltas) ** 0.5
    return mean != 0 and abs(mean) >= 2 * error


def compare(before: Scores, after: Scores, top: int) -> str:
    out = [f"{'group':26}" + "".join(f"{r:>26}" for r in RENDERINGS)]
    for name, keys in groups(before).items():
        row = f"{name:26}"
        for r in RENDERINGS:
            both = [k for k in keys if r in before[k] and r in after.get(k, {})]
            if not both:
                row += " " * 26
                continue
            was = statistics.mean(before[k][r]["f1"] for k in both)
            now = statistics.mean(after[k][r]["f1"] for k in both)
            mark = "*" if beyond_scatter([after[k][r]["f1"] - before[k][r]["f1"]
                                          for k in both]) else " "
            row += f"{was:.4f} -> {now:.4f} {now - was:+.4f}{mark}".rjust(26)
        out.append(row)
    out.append("* the mean move is at least twice its paired standard error over the pages")
    moved = [m for m in moves(before, after) if m[0]]
    out.append(f"{len(moved)} page renderings moved, {sum(m[0] > 0 for m in moved)} up")
    shown = moved if len(moved) <= 2 * top else moved[:top] + moved[-top:]
    out += [f"  {delta:+.3f} {key} {r} ({before[key]['type']}) "
            f"{before[key][r]['f1']:.3f} -> {after[key][r]['f1']:.3f}"
            for delta, key, r in shown]
    return "\n".join(out)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    commands = parser.add_subparsers(dest="command", required=True)
    run = commands.add_parser("score", help="score every page with this tree's fold models")
    run.add_argument("out", type=Path)
    run.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    run.add_argument("--jobs", type=int, default=2, help="worker processes (default 2)")
    versus = commands.add_parser("compare", help="compare two score files")
    versus.add_argument("before", type=Path)
    versus.add_argument("after", type=Path)
    versus.add_argument("--top", type=int, default=12, help="largest moves shown each way")
    args = parser.parse_args()
    if args.command == "score":
        return score(args.out, args.bench, args.jobs)
    before, after = (json.loads(path.read_text("utf-8"))["pages"]
                     for path in (args.before, args.after))
    print(compare(before, after, args.top))
    return 0


if __name__ == "__main__":
    sys.exit(main())
