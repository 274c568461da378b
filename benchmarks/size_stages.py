"""Where a big capture's time goes, stage by stage: speed.py's size-scaling captures (the seeds'
first three, numbered copies), cleaned as ``Pipeline.clean`` cleans them but timed step by step.

    python benchmarks/size_stages.py                 # 10x and 100x, 12 rounds
    python benchmarks/size_stages.py --sizes 10,30,100,200 --rounds 6

Per stage, the median CPU time (this process) over the rounds, the sizes taking turns within
each round (the smaller size cleaned often enough to take as long as the larger), and its
ratio between consecutive sizes: a stage whose ratio is well above the sizes' ratio grows
faster than the capture. On a shared machine compare numbers of one run only.
"""

from __future__ import annotations

import argparse
import gc
import statistics
import sys
import time
from itertools import pairwise
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse.deciding import arbiter  # noqa: E402
from cleanse.deciding.assemble import assemble  # noqa: E402
from cleanse.model import Page  # noqa: E402
from cleanse.reading.capture import to_capture  # noqa: E402

from speed import SEEDS, scaled, scaling_unit  # noqa: E402

STAGES = ("to_capture", "from_capture", "detectors", "judge", "judge: evidence",
          "judge: trees", "judge: the rest", "assemble", "freeing the page", "total")


def _timed(pipeline: cleanse.Pipeline, text: str) -> dict[str, float]:
    """One clean's CPU seconds per stage (the garbage collector off, as Pipeline.clean has it)."""
    parts: dict[str, float] = {}
    evidence, trees = arbiter.page_features, arbiter._Model.keep_probabilities

    def timing(name, function):
        def timed(*args, **kwargs):
            start = time.process_time()
            try:
                return function(*args, **kwargs)
            finally:
                parts[name] = parts.get(name, 0.0) + time.process_time() - start
        return timed

    arbiter.page_features = timing("judge: evidence", evidence)
    arbiter._Model.keep_probabilities = timing("judge: trees", trees)
    gc.disable()
    try:
        laps, begin = [time.process_time()], time.process_time()
        capture = to_capture(text)
        laps.append(time.process_time())
        page = Page.from_capture(capture)
        laps.append(time.process_time())
        for detector in pipeline.detectors:
            detector.detect(page)
        laps.append(time.process_time())
        judgement = pipeline.arbiter.judge(page, False)
        laps.append(time.process_time())
        doc = assemble(page, judgement, pipeline.tagger, pipeline.config.min_segment_tokens)
        laps.append(time.process_time())
        del page, judgement, capture, doc
        laps.append(time.process_time())
    finally:
        gc.enable()
        arbiter.page_features, arbiter._Model.keep_probabilities = evidence, trees
    names = ("to_capture", "from_capture", "detectors", "judge", "assemble", "freeing the page")
    out = {name: b - a for name, a, b in zip(names, laps, laps[1:])}
    out.update(parts, total=laps[-1] - begin)
    out["judge: the rest"] = out["judge"] - parts["judge: evidence"] - parts["judge: trees"]
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="10,100", help="copies of the unit, comma-separated")
    parser.add_argument("--rounds", type=int, default=12)
    args = parser.parse_args()
    sizes = [int(size) for size in args.sizes.split(",")]
    unit = scaling_unit([path.read_text("utf-8") for path in SEEDS[:3]])
    pipeline = cleanse.Pipeline(cleanse.Config(time_limit=None))
    pipeline.clean(unit)  # warm-up, as speed.py makes one
    texts = {size: scaled(unit, size) for size in sizes}
    samples: dict[int, dict[str, list[float]]] = {size: {} for size in sizes}
    for _ in range(args.rounds):
        for size in sizes:
            for _ in range(max(1, sizes[-1] // size // 3)):
                for name, seconds in _timed(pipeline, texts[size]).items():
                    samples[size].setdefault(name, []).append(seconds)
    lines = {size: text.count("\n") + 1 for size, text in texts.items()}
    print("| stage | " + " | ".join(f"{size}x ms ({lines[size]} lines)" for size in sizes)
          + " | " + " | ".join(f"{a}x -> {b}x" for a, b in pairwise(sizes)) + " |")
    print("|---" * (2 * len(sizes)) + "|")
    for stage in STAGES:
        medians = [statistics.median(samples[size][stage]) for size in sizes]
        print(f"| {stage} | " + " | ".join(f"{m * 1000:.2f}" for m in medians) + " | "
              + " | ".join(f"{b / a:.2f}x" for a, b in pairwise(medians)) + " |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
