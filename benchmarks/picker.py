"""How often the HTML main-content picker (``cleanse.reading.main_content``) picks the truth.

    python benchmarks/picker.py                      # dev split, every bench dataset
    python benchmarks/picker.py --split all --save /tmp/before.json
    python benchmarks/picker.py --compare /tmp/before.json   # pages whose verdict changed

The picker's choice is evidence for the arbiter (the ``main_content`` hint), so
this measures the choice alone, fast, without the pipeline: each page is parsed,
the picker runs, and the tokens of the region it picked (the visible text of the
picked elements, as rendered) are compared with the page's ground truth
(:func:`cleanse.evaluation.tokens`, counted as multisets):

- region recall: the share of the truth's tokens inside the region;
- region precision: the share of the region's tokens that are truth.

A pick is **good** at recall >= 0.7 and precision >= 0.5, **wrong** at recall
< 0.3, **partial** otherwise; **none** when the picker declined (no paragraph,
a list of links, or a scrap of a text-heavy page): the page is then rendered
without the hint. Pages with an empty truth are left out of the table (their
count is printed). Mean recall and precision are over the pages with a pick.

``--split dev`` keeps the pages whose cross-validation group (the page's
registrable host, ``training.corpus.page_group``) has an even CRC-32, ``holdout``
the odd ones: tune on dev, report both. CPU time is the picker's alone (parsing
excluded), per page.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
import zlib
from collections import Counter, defaultdict
from dataclasses import asdict, dataclass
from pathlib import Path

import lxml.etree

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from cleanse.evaluation import tokens  # noqa: E402
from cleanse.reading.html import XML_DECLARATION, parse  # noqa: E402
from cleanse.reading.main_content import INVISIBLE, main_content  # noqa: E402
from training.corpus import DEFAULT_BENCH, BenchPage, load_pages  # noqa: E402

GOOD_RECALL, GOOD_PRECISION, WRONG_RECALL = 0.7, 0.5, 0.3
VERDICTS = ("good", "partial", "wrong", "none")


@dataclass
class PageResult:
    """The picker's verdict on one page."""

    key: str
    dataset: str
    page_type: str
    split: str
    verdict: str
    recall: float | None
    precision: float | None
    picked: str  # the picked elements, as tag#id.class
    seconds: float  # CPU time of the picker alone


def split_of(page: BenchPage) -> str:
    """'dev' or 'holdout', by the parity of the CRC-32 of the page's group (its host)."""
    return "dev" if zlib.crc32(page.group.encode("utf-8")) % 2 == 0 else "holdout"


def visible_text(element: lxml.etree._Element) -> str:
    """The text a browser would show of ``element`` (script, style ... left out), space-joined;
    hidden elements included, as the renderer includes them."""
    pieces: list[str] = []
    walk = lxml.etree.iterwalk(element, events=("start", "end"))
    for event, node in walk:
        if event == "start":
            if not isinstance(node.tag, str) or node.tag in INVISIBLE:
                walk.skip_subtree()
            elif node.text:
                pieces.append(node.text)
        elif node is not element and node.tail:
            pieces.append(node.tail)
    return " ".join(pieces)


def _describe(element: lxml.etree._Element) -> str:
    name = str(element.tag)
    if element.get("id"):
        name += f"#{element.get('id').strip()}"
    classes = (element.get("class") or "").split()
    return name + (f".{classes[0]}" if classes else "")


def judge(page: BenchPage) -> PageResult | None:
    """The picker's verdict on ``page``; None when its truth is empty or it does not parse."""
    truth = Counter(tokens(page.body))
    if not truth:
        return None
    root, _ = parse(XML_DECLARATION.sub("", page.html()))
    if root is None:
        return None
    start = time.process_time()
    parts = main_content(root)
    seconds = time.process_time() - start
    split = split_of(page)
    if not parts:
        return PageResult(page.key, page.dataset, page.page_type, split, "none", None, None, "",
                          seconds)
    region = Counter(tokens(" ".join(visible_text(part) for part in parts)))
    overlap = sum((region & truth).values())
    recall = overlap / sum(truth.values())
    precision = overlap / sum(region.values()) if region else 0.0
    if recall >= GOOD_RECALL and precision >= GOOD_PRECISION:
        verdict = "good"
    elif recall < WRONG_RECALL:
        verdict = "wrong"
    else:
        verdict = "partial"
    picked = ", ".join(_describe(part) for part in parts[:4]) + (" ..." if len(parts) > 4 else "")
    return PageResult(page.key, page.dataset, page.page_type, split, verdict, round(recall, 4),
                      round(precision, 4), picked, seconds)


def table(results: list[PageResult]) -> str:
    """One row per (dataset, page type), plus an all-pages row: shares of each verdict,
    mean region recall and precision over the picked pages."""
    groups: dict[tuple[str, str], list[PageResult]] = defaultdict(list)
    for result in results:
        groups[(result.dataset, result.page_type)].append(result)
        groups[("all", "")].append(result)
    rows = ["| dataset | type | pages | good | partial | wrong | none | recall | precision |",
            "|---|---|---|---|---|---|---|---|---|"]
    for (dataset, page_type), group in sorted(groups.items(), key=lambda g: (g[0][0] == "all",
                                                                            g[0])):
        counts = Counter(result.verdict for result in group)
        picked = [result for result in group if result.verdict != "none"]
        recall = statistics.fmean(r.recall for r in picked) if picked else 0.0
        precision = statistics.fmean(r.precision for r in picked) if picked else 0.0
        shares = " | ".join(f"{counts[v] / len(group):.2f}" for v in VERDICTS)
        rows.append(f"| {dataset} | {page_type} | {len(group)} | {shares} | {recall:.3f} "
                    f"| {precision:.3f} |")
    return "\n".join(rows)


def compare(results: list[PageResult], before_path: Path) -> str:
    """The pages whose verdict changed since the run saved in ``before_path``."""
    before = {row["key"]: row for row in json.loads(before_path.read_text("utf-8"))}
    order = {verdict: i for i, verdict in enumerate(VERDICTS)}
    lines, moves = [], Counter()
    for result in results:
        old = before.get(result.key)
        if old is None or (old["verdict"] == result.verdict and old["picked"] == result.picked):
            continue
        better = order[result.verdict] < order[old["verdict"]]
        worse = order[result.verdict] > order[old["verdict"]]
        moves["better" if better else "worse" if worse else "moved"] += 1
        lines.append(f"{'+' if better else '-' if worse else '~'} {result.key} "
                     f"[{result.page_type}] {old['verdict']} -> {result.verdict} "
                     f"(R {old['recall']} P {old['precision']} -> R {result.recall} "
                     f"P {result.precision}): {old['picked'] or '-'} -> {result.picked or '-'}")
    summary = ", ".join(f"{count} {move}" for move, count in sorted(moves.items()))
    return "\n".join(sorted(lines) + [f"changed pages: {summary or 'none'}"])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--split", choices=("dev", "holdout", "all"), default="dev")
    parser.add_argument("--datasets", nargs="*", help="only these bench datasets")
    parser.add_argument("--types", nargs="*", help="only these page types")
    parser.add_argument("--save", type=Path, help="write the per-page verdicts (JSON) here")
    parser.add_argument("--compare", type=Path, help="list the pages whose verdict differs "
                        "from this saved run")
    args = parser.parse_args()
    results, empty = [], 0
    for page in load_pages(args.bench, args.datasets):
        if args.split != "all" and split_of(page) != args.split:
            continue
        if args.types and page.page_type not in args.types:
            continue
        result = judge(page)
        if result is None:
            empty += 1
            continue
        results.append(result)
    print(f"split {args.split}: {len(results)} pages ({empty} with an empty truth left out)")
    print(table(results))
    times = [result.seconds * 1000 for result in results]
    print(f"picker CPU per page: mean {statistics.fmean(times):.2f} ms, "
          f"median {statistics.median(times):.2f} ms, max {max(times):.1f} ms")
    if args.compare:
        print(compare(results, args.compare))
    if args.save:
        args.save.write_text(json.dumps([asdict(r) for r in results], indent=0), "utf-8")


if __name__ == "__main__":
    main()
