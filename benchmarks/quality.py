"""Quality benchmark: cleanse and the anchor extractors against hand-made ground truth.

    python benchmarks/quality.py                 # full run, writes docs/benchmarks.md + plot
    python benchmarks/quality.py --no-anchors    # cleanse only (fast, for tuning)

Reads ``../shared/bench`` (or ``--bench DIR``); never copies it. Each page's
HTML is rendered to a DOM-less text capture the way a browser's innerText
would (inscriptis), keeping menus and footers; cleanse cleans that text and
the HTML. Anchors run on the HTML (trafilatura, readability-lxml,
resiliparse, jusText) and trafilatura also on the text. Scores are token
precision / recall / F1 (cleanse.evaluation.token_f1). The seed fixtures
are scored against their line labels in the same report.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse.evaluation import read_labels, score_labels, token_f1  # noqa: E402

from docs_section import write_section  # noqa: E402

DEFAULT_BENCH = ROOT.parent / "shared" / "bench"
CACHE = ROOT / "benchmarks" / ".cache"


def load_pages(bench: Path) -> list[dict]:
    pages = []
    for dataset in sorted(p for p in bench.iterdir() if (p / "manifest.jsonl").exists()):
        for row in (dataset / "manifest.jsonl").read_text("utf-8").splitlines():
            page = json.loads(row)
            page["dataset"] = dataset.name
            page["html_text"] = (dataset / page["html"]).read_text("utf-8", errors="replace")
            pages.append(page)
    return pages


def render_text(page: dict) -> str:
    """innerText-like rendering, cached on disk (rendering is the slow part)."""
    from inscriptis import get_text

    cached = CACHE / page["dataset"] / f"{page['id']}.txt"
    if cached.exists():
        return cached.read_text("utf-8")
    text = get_text(page["html_text"])
    cached.parent.mkdir(parents=True, exist_ok=True)
    cached.write_text(text, "utf-8")
    return text


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


ANCHORS: dict[str, Callable[[str], str]] = {
    "trafilatura": _trafilatura, "readability": _readability,
    "resiliparse": _resiliparse, "justext": _justext,
}


def run(bench: Path, anchors: bool, mode: str) -> tuple[dict, list[dict]]:
    pages = load_pages(bench)
    pipeline = cleanse.Pipeline(cleanse.Config(mode=mode))
    results: dict[tuple[str, str], list] = defaultdict(list)
    timings: dict[str, list[float]] = defaultdict(list)
    per_page = []
    for page in pages:
        text = render_text(page)
        truth = page["body"]
        systems: dict[str, tuple[str, Callable[[], str]]] = {
            "keep-all (text)": ("text", lambda: text),
            "cleanse (text)": ("text", lambda: pipeline.clean(text).text),
            "cleanse (html)": ("html", lambda: pipeline.clean(page["html_text"],
                                                              kind="html").text),
        }
        if anchors:
            systems["trafilatura (text)"] = ("text", lambda: _trafilatura_on_text(text))
            for name, fn in ANCHORS.items():
                systems[f"{name} (html)"] = ("html", lambda fn=fn: fn(page["html_text"]))
        row = {"id": page["id"], "dataset": page["dataset"], "lang": page["lang"]}
        for name, (_, produce) in systems.items():
            start = time.perf_counter()
            try:
                output = produce()
            except Exception as exc:  # an anchor crashing on a page scores 0 there
                output = ""
                print(f"  {name} failed on {page['id']}: {exc}", file=sys.stderr)
            timings[name].append(time.perf_counter() - start)
            score = token_f1(output, truth)
            results[(name, page["dataset"])].append(score)
            row[name] = score
            if name == "cleanse (text)":
                row["output"] = output
                row["truth"] = truth
        per_page.append(row)
    table = {}
    for (name, dataset), scores in results.items():
        table[(name, dataset)] = {
            "n": len(scores),
            "precision": statistics.mean(s.precision for s in scores),
            "recall": statistics.mean(s.recall for s in scores),
            "f1": statistics.mean(s.f1 for s in scores),
            "ms": 1000 * statistics.median(timings[name]),
        }
    return table, per_page


def seed_scores() -> list[tuple[str, float, float]]:
    rows = []
    for path in sorted((ROOT / "fixtures" / "seeds").glob("*.txt")):
        text = path.read_text("utf-8")
        labels = read_labels(path.with_name(path.name[:-4] + ".labels.tsv"))
        score = score_labels(cleanse.clean(text), text, labels)
        rows.append((path.name, score.body_recall, score.junk_leak))
    return rows


def worst_pages(per_page: list[dict], n: int = 10) -> list[str]:
    from collections import Counter

    from cleanse.evaluation import tokens

    lines = []
    for row in sorted(per_page, key=lambda r: r["cleanse (text)"].f1)[:n]:
        out, gold = Counter(tokens(row["output"])), Counter(tokens(row["truth"]))
        leaked = " ".join(t for t, _ in (out - gold).most_common(12))
        lost = " ".join(t for t, _ in (gold - out).most_common(12))
        s = row["cleanse (text)"]
        lines.append(f"| {row['dataset']}/{row['id']} | {row['lang']} | {s.precision:.2f} | "
                     f"{s.recall:.2f} | {s.f1:.2f} | {leaked} | {lost} |")
    return lines


def report(table: dict, per_page: list[dict], seeds, plot: Path | None) -> str:
    datasets = sorted({d for _, d in table})
    systems = sorted({n for n, _ in table}, key=lambda n: (not n.startswith("cleanse"), n))
    out = ["| system | " + " | ".join(f"{d} P / R / **F1**" for d in datasets) + " | median ms |",
           "|---" * (len(datasets) + 2) + "|"]
    for name in systems:
        cells = []
        for d in datasets:
            r = table.get((name, d))
            cells.append(f"{r['precision']:.3f} / {r['recall']:.3f} / **{r['f1']:.3f}**"
                         if r else "-")
        ms = statistics.mean(table[(name, d)]["ms"] for d in datasets if (name, d) in table)
        out.append(f"| {name} | " + " | ".join(cells) + f" | {ms:.1f} |")
    by_lang: dict[str, list[float]] = defaultdict(list)
    for row in per_page:
        by_lang[row["lang"]].append(row["cleanse (text)"].f1)
    out += ["", "cleanse (text) F1 by language: " + ", ".join(
        f"{lang} {statistics.mean(v):.3f} (n={len(v)})" for lang, v in sorted(by_lang.items()))]
    out += ["", "Seeds against their line labels:", "",
            "| seed | body recall | junk leak |", "|---|---|---|"]
    out += [f"| {name} | {recall:.3f} | {leak:.4f} |" for name, recall, leak in seeds]
    out += ["", "Ten worst pages for cleanse (text): tokens leaked / lost (most frequent first):",
            "", "| page | lang | P | R | F1 | leaked | lost |", "|---|---|---|---|---|---|---|"]
    out += worst_pages(per_page)
    if plot:
        out += ["", f"![F1 by system]({plot.name})"]
    return "\n".join(out)


def draw(table: dict, path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    datasets = sorted({d for _, d in table})
    systems = sorted({n for n, _ in table})
    fig, ax = plt.subplots(figsize=(10, 4.5))
    width = 0.8 / len(datasets)
    for i, d in enumerate(datasets):
        values = [table.get((s, d), {}).get("f1", 0) for s in systems]
        ax.bar([x + i * width for x in range(len(systems))], values, width, label=d)
    ax.set_xticks([x + width * (len(datasets) - 1) / 2 for x in range(len(systems))])
    ax.set_xticklabels(systems, rotation=30, ha="right", fontsize=8)
    ax.set_ylim(0.5, 1.0)
    ax.set_ylabel("token F1")
    ax.legend()
    ax.grid(axis="y", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--no-anchors", action="store_true", help="only cleanse (fast)")
    parser.add_argument("--mode", default="balanced")
    parser.add_argument("--write", action="store_true",
                        help="write docs/benchmarks.md and docs/benchmarks.png")
    args = parser.parse_args()
    if not args.bench.exists():
        print(f"benchmark data not found at {args.bench}; nothing to measure", file=sys.stderr)
        return 0
    table, per_page = run(args.bench, not args.no_anchors, args.mode)
    plot = ROOT / "docs" / "benchmarks.png" if args.write else None
    text = report(table, per_page, seed_scores(), plot)
    print(text)
    if args.write:
        draw(table, plot)
        command = "python benchmarks/quality.py --write"
        write_section("quality", "## Quality\n\nFrom one run of `" + command + "` (mode "
                      f"`{args.mode}`). Data: `../shared/bench` (see its README); text captures "
                      "are the pages rendered with inscriptis (innerText-like, menus and footers "
                      "kept).\n\n" + text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
