"""CPU time of single detectors' ``detect(page)``: native pass, Python pass, Python reference.

    python benchmarks/detector_speed.py                       # dateline share author_bio promo
    python benchmarks/detector_speed.py chrome menus --step 2  # others, every 2nd page

Pages: the speed benchmark's 250 bench pages (cwced_zh, scrapinghub_aeb in ``../shared/bench``)
as HTML and as their cached text renderings (``benchmarks/.cache/renderings``). Each page is
labelled by the detectors that run before the one timed (as in the pipeline), then the detector
runs on fresh copies three ways, interleaved page by page: its native pass (``native``), its
Python pass with the rest of the core on (``python pass``: ``detector_pass`` sent to the
detector's reference method, keyword matching and line features still native -- what a
detector cost before its pass was ported) and the whole Python reference (``reference``,
``CLEANSE_NATIVE=0``). CPU time of this process, best of 3 each, mean ms per page. The memory
of ``metadata.labelled_fields`` is emptied before each run, so every run is a first one (in
the pipeline, dateline is the first to ask about a page's lines).
"""

from __future__ import annotations

import argparse
import copy
import statistics
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse import native  # noqa: E402
from cleanse.model import Page  # noqa: E402
from cleanse.reading import metadata  # noqa: E402
from cleanse.reading.capture import to_capture  # noqa: E402

BENCH = ROOT.parent / "shared" / "bench"
RENDERINGS = ROOT / "benchmarks" / ".cache" / "renderings"
DATASETS = ("cwced_zh", "scrapinghub_aeb")
DEFAULT_DETECTORS = ("dateline", "share", "author_bio", "promo")


def captures(step: int) -> dict[str, list]:
    """The bench captures as HTML and as text renderings (those that have one cached)."""
    pages = sorted(p for dataset in DATASETS for p in (BENCH / dataset).glob("*.html"))[::step]
    found: dict[str, list] = {"html": [], "text": []}
    for path in pages:
        found["html"].append(to_capture(path))
        rendering = RENDERINGS / path.parent.name / (path.stem + ".txt")
        if rendering.is_file():
            found["text"].append(to_capture(rendering.read_text("utf-8"), kind="text"))
    return found


def page_before(pipeline: cleanse.Pipeline, name: str, capture) -> Page:
    page = Page.from_capture(capture)
    for detector in pipeline.detectors:
        if detector.name == name:
            break
        detector.detect(page)
    return page


@contextmanager
def python_pass() -> Iterator[None]:
    """Detector passes run their Python reference; everything else stays native."""
    ported = native.detector_pass
    native.detector_pass = lambda name, detector, reference, *args: reference(*args)
    try:
        yield
    finally:
        native.detector_pass = ported


MODES = {"native": lambda: native.use_native(True), "python pass": python_pass,
         "reference": lambda: native.use_native(False)}


def best_ms(detector, page: Page, mode: str, repeat: int = 3) -> float:
    best = float("inf")
    with MODES[mode]():
        for _ in range(repeat):
            fresh = copy.deepcopy(page)
            metadata._remembered_fields.cache_clear()
            start = time.process_time()
            detector.detect(fresh)
            best = min(best, time.process_time() - start)
    return best * 1000


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("detectors", nargs="*", default=DEFAULT_DETECTORS)
    parser.add_argument("--step", type=int, default=1, help="every n-th bench page")
    args = parser.parse_args()
    pipeline = cleanse.Pipeline()
    by_kind = captures(args.step)
    print("| detector | kind | pages | " + " | ".join(f"{mode} ms" for mode in MODES) + " |")
    print("|---|---|---|" + "---|" * len(MODES))
    for name in args.detectors:
        detector = next(d for d in pipeline.detectors if d.name == name)
        for kind, found in by_kind.items():
            pages = [page_before(pipeline, name, capture) for capture in found]
            times: dict[str, list[float]] = {mode: [] for mode in MODES}
            for page in pages:
                for mode in MODES:
                    times[mode].append(best_ms(detector, page, mode))
            means = " | ".join(f"{statistics.mean(times[mode]):.3f}" for mode in MODES)
            print(f"| {name} | {kind} | {len(pages)} | {means} |", flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
