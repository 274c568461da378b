"""A/B two source trees of cleanse: per-capture CPU time and size scaling, interleaved.

    python benchmarks/tree_speed.py --before /tmp/base            # this tree against /tmp/base
    python benchmarks/tree_speed.py --before /tmp/base --step 2   # every 2nd bench page
    python benchmarks/tree_speed.py --before /tmp/base --step 0 --rounds 12  # scaling only

Each tree (a checkout holding ``cleanse/`` with its built ``_native.abi3.so``) runs in a
process of its own; the two take turns on each capture, alternating which goes first, so
that load from other work on the machine falls on both alike (on a shared machine, compare
numbers of one run only). Captures: speed.py's (the seeds and the 250 bench pages of
cwced_zh and scrapinghub_aeb as text renderings, and those pages as HTML). Per capture, CPU
time of the tree's process, best of 3; then speed.py's size scaling (one capture of 1x, 10x
and 100x the text, best of 3 each, the trees taking turns at each size, ``--rounds``
rounds). The records of both trees must be byte-identical: the captures where
they differ are counted.
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from training.corpus import DEFAULT_BENCH, load_pages  # noqa: E402

from speed import SEEDS, SPEED_DATASETS, scaled, scaling_unit  # noqa: E402

# Run in each tree's process: one JSON request a line in ({"text", "kind", "unlimited"}),
# one JSON answer a line out ({"ms": best CPU ms of 3, "record": the output record}).
WORKER = """
import hashlib, json, sys, time
tree = sys.argv[1]
sys.path.insert(0, tree)
import cleanse
from cleanse.running.outputs import record_json
assert cleanse.__file__.startswith(tree), (cleanse.__file__, tree)
pipelines = {False: cleanse.Pipeline(), True: cleanse.Pipeline(cleanse.Config(time_limit=None))}
for request in sys.stdin:
    request = json.loads(request)
    pipeline, best = pipelines[request["unlimited"]], float("inf")
    for _ in range(3):
        start = time.process_time()
        doc = pipeline.clean(request["text"], kind=request["kind"])
        best = min(best, time.process_time() - start)
    record = hashlib.sha256(record_json(doc.to_dict()).encode()).hexdigest()
    print(json.dumps({"ms": best * 1000, "record": record}), flush=True)
"""


class Tree:
    """A worker process running one tree's cleanse."""

    def __init__(self, path: Path) -> None:
        if not (path / "cleanse" / "__init__.py").is_file():
            raise SystemExit(f"{path} holds no cleanse package")
        self.process = subprocess.Popen([sys.executable, "-c", WORKER, str(path.resolve())],
                                        stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                        text=True, encoding="utf-8")

    def clean(self, text: str, kind: str, unlimited: bool = False) -> tuple[float, str]:
        """Best CPU ms of 3 and a digest of the record."""
        assert self.process.stdin is not None and self.process.stdout is not None
        self.process.stdin.write(json.dumps({"text": text, "kind": kind,
                                             "unlimited": unlimited}) + "\n")
        self.process.stdin.flush()
        answer = self.process.stdout.readline()
        if not answer:
            raise SystemExit("a tree's worker stopped (see its error above)")
        reply = json.loads(answer)
        return reply["ms"], reply["record"]

    def close(self) -> None:
        assert self.process.stdin is not None
        self.process.stdin.close()
        self.process.wait()


def _turns(trees: dict[str, Tree], index: int) -> list[tuple[str, Tree]]:
    """The trees in the order they take their turn at the ``index``-th input: alternating,
    so neither always runs right after the other has warmed the machine's caches."""
    order = list(trees.items())
    return order if index % 2 == 0 else order[::-1]


def per_capture(trees: dict[str, Tree], captures: list[str], kind: str) -> list[str]:
    times: dict[str, list[float]] = {name: [] for name in trees}
    differ = 0
    for index, text in enumerate(captures):
        records = set()
        for name, tree in _turns(trees, index):
            ms, record = tree.clean(text, kind)
            times[name].append(ms)
            records.add(record)
        differ += len(records) > 1
    before, after = times["before"], times["after"]
    ratios = [a / b for a, b in zip(after, before) if b > 0]
    return [f"| {kind} | {len(captures)} | {statistics.median(before):.2f} | "
            f"{statistics.median(after):.2f} | {statistics.median(ratios):.3f} | {differ} |"]


def size_scaling(trees: dict[str, Tree], texts: list[str], rounds: int) -> list[str]:
    """speed.py's size scaling at 1x, 10x and 100x, the trees taking turns at each size, for
    ``rounds`` rounds: one round's 10x -> 100x ratio moves by several units on a loaded
    machine."""
    unit = scaling_unit(texts)
    for tree in trees.values():
        tree.clean(unit, "text", unlimited=True)  # warm-up, as speed.py makes one
    sizes = {factor: scaled(unit, factor) for factor in (1, 10, 100)}
    seconds: dict[str, dict[int, list[float]]] = {
        name: {factor: [] for factor in sizes} for name in trees}
    turn = 0
    for _ in range(rounds):
        for factor, text in sizes.items():
            for name, tree in _turns(trees, turn):
                seconds[name][factor].append(tree.clean(text, "text", unlimited=True)[0] / 1000)
            turn += 1
    # The best of all rounds per size (load from other work only ever adds time), and the
    # median of the rounds' own ratios (each round measures 10x and 100x close in time).
    out = ["| tree | 1x s | 10x s | 100x s | 10x -> 100x, of the bests | median of the rounds' "
           f"ratios | each of {rounds} rounds |", "|---|---|---|---|---|---|---|"]
    for name, at in seconds.items():
        best = {factor: min(times) for factor, times in at.items()}
        ratios = [big / small for small, big in zip(at[10], at[100])]
        out.append(f"| {name} | {best[1]:.3f} | {best[10]:.3f} | {best[100]:.3f} | "
                   f"{best[100] / best[10]:.1f}x | {statistics.median(ratios):.1f}x | "
                   f"{' '.join(f'{ratio:.1f}' for ratio in ratios)} |")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", type=Path, required=True, help="the tree to compare with")
    parser.add_argument("--after", type=Path, default=ROOT, help="default: this tree")
    parser.add_argument("--step", type=int, default=1,
                        help="every n-th capture (0: no per-capture rows)")
    parser.add_argument("--rounds", type=int, default=5, help="size-scaling rounds (0: none)")
    args = parser.parse_args()
    pages = load_pages(DEFAULT_BENCH, datasets=SPEED_DATASETS) if DEFAULT_BENCH.exists() else []
    texts = [path.read_text("utf-8") for path in SEEDS] + [p.text_rendering() for p in pages]
    htmls = [page.html() for page in pages]
    trees = {"before": Tree(args.before), "after": Tree(args.after)}
    try:
        for tree in trees.values():
            for text in texts[:5]:
                tree.clean(text, "text")  # warm caches (language tables, keyword patterns)
        out = []
        if args.step > 0:
            out += ["| captures | n | before median CPU ms | after median CPU ms | "
                    "median after/before | records differing |", "|---|---|---|---|---|---|",
                    *per_capture(trees, texts[::args.step], "text"),
                    *(per_capture(trees, htmls[::args.step], "html") if htmls else []), ""]
        if args.rounds > 0:
            out += size_scaling(trees, texts, args.rounds)
    finally:
        for tree in trees.values():
            tree.close()
    print("\n".join(out))
    return 0


if __name__ == "__main__":
    sys.exit(main())
