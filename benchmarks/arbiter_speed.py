"""The arbiter's inference: native core vs numpy reference vs LightGBM, and what loading costs.

    python benchmarks/arbiter_speed.py
    python benchmarks/arbiter_speed.py --against /tmp/old/_native.abi3.so   # A/B two builds

Per page (speed.py's 250 bench pages as text renderings, plus the seeds; then the same pages
as HTML): the shipped model's calibrated probabilities for every line, CPU time, best of 3,
the runtimes interleaved page by page so that load from other work falls on all alike; then
the cost of loading the model, and a fresh process's ``import cleanse`` and first ``clean``
(time and RSS; LightGBM is no longer imported there). LightGBM is a dev dependency
(training); without it its column is left out. ``--against`` adds the core's ``predict`` alone
for this build and for another build of ``cleanse._native`` (a copy of its .so, loaded under
another name), on the same pages, and checks that both give the same bits.
"""

from __future__ import annotations

import argparse
import gzip
import importlib.machinery
import importlib.util
import statistics
import subprocess
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import cleanse  # noqa: E402
from cleanse import native  # noqa: E402
from cleanse.deciding.arbiter import SHIPPED_MODEL, _as_bytes, _Model, load_model  # noqa: E402
from cleanse.deciding.evidence import page_features  # noqa: E402
from cleanse.deciding.forest import native_forest  # noqa: E402
from cleanse.reading.capture import to_capture  # noqa: E402
from training.corpus import DEFAULT_BENCH, load_pages  # noqa: E402

from speed import SEEDS, SPEED_DATASETS  # noqa: E402

FRESH_PROCESS = """
import resource, sys, time
start = time.perf_counter()
import cleanse
imported = time.perf_counter()
cleanse.clean("A headline\\n\\n" + "The council approved a new light rail line on Wednesday. " * 5)
cleaned = time.perf_counter()
rss = next(int(line.split()[1]) for line in open("/proc/self/status")
           if line.startswith("VmRSS")) / 1024
print(1000 * (imported - start), 1000 * (cleaned - imported), rss,
      "lightgbm" in sys.modules)
"""


def _cpu_ms(function) -> float:
    best = float("inf")
    for _ in range(3):
        start = time.process_time()
        function()
        best = min(best, time.process_time() - start)
    return best * 1000


def per_page(pages: list[np.ndarray], kind: str, against: Path | None = None) -> list[str]:
    model = load_model()
    runtimes = {"native core": lambda rows: _with_native(True, model, rows),
                "numpy reference": lambda rows: _with_native(False, model, rows)}
    try:
        import lightgbm
    except ImportError:
        lightgbm = None
    if lightgbm is not None:
        text = gzip.decompress(
            (ROOT / "cleanse" / "data" / "arbiter" / "model.txt.gz").read_bytes()).decode()
        booster = lightgbm.Booster(model_str=text)
        runtimes["LightGBM 4 (before)"] = lambda rows: np.interp(
            booster.predict(rows[:, model.columns], num_threads=1), model.calibration_x,
            model.calibration_y)
    if native.core is None:
        del runtimes["native core"]
    elif against is not None:
        other = _other_build(model, against)
        runtimes["core predict only, this build"] = lambda rows: model._native.predict(
            *_as_bytes(rows))
        runtimes["core predict only, --against build"] = lambda rows: other.predict(
            *_as_bytes(rows))
    times: dict[str, list[float]] = {name: [] for name in runtimes}
    for rows in pages:
        for name, function in runtimes.items():
            times[name].append(_cpu_ms(lambda: function(rows)))  # noqa: B023
        if against is not None and native.core is not None:
            if model._native.predict(*_as_bytes(rows)) != other.predict(*_as_bytes(rows)):
                raise SystemExit(f"{against} gives other scores than this build")
    lines = statistics.median(len(rows) for rows in pages)
    out = [f"| arbiter inference per {kind} page ({len(pages)} pages, median {lines:.0f} "
           "lines), CPU time | median ms | p90 ms |", "|---|---|---|"]
    for name, values in times.items():
        values.sort()
        out.append(f"| {name} | {statistics.median(values):.3f} "
                   f"| {values[int(0.9 * (len(values) - 1))]:.3f} |")
    return out


def _other_build(model: _Model, path: Path) -> object:
    """The model's trees in another build of the core (a copy of its extension module)."""
    name = "other_build._native"  # its init function is PyInit__native, as the package's
    loader = importlib.machinery.ExtensionFileLoader(name, str(path))
    spec = importlib.util.spec_from_file_location(name, path, loader=loader)
    if spec is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    loader.exec_module(module)
    core, native.core = native.core, module
    try:
        return native_forest(model.forest, model.columns)
    finally:
        native.core = core


def _with_native(on: bool, model: _Model, rows: np.ndarray) -> np.ndarray:
    with native.use_native(on):
        return model.keep_probabilities(rows)


def loading() -> list[str]:
    start = time.perf_counter()
    _Model(None)
    model_ms = 1000 * (time.perf_counter() - start)
    runs = [subprocess.run([sys.executable, "-c", FRESH_PROCESS], capture_output=True,
                           text=True, check=True, cwd=ROOT).stdout.split() for _ in range(3)]
    imported, cleaned, rss = (statistics.median(float(run[i]) for run in runs)
                              for i in range(3))
    return [f"Loading the shipped model ({SHIPPED_MODEL}): {model_ms:.0f} ms. A fresh process "
            f"(median of 3): `import cleanse` {imported:.0f} ms, first `clean` (model loaded) "
            f"+{cleaned:.0f} ms, RSS then {rss:.0f} MB; LightGBM imported: {runs[0][3]}."]


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--against", type=Path, help="another build of cleanse._native (.so)")
    args = parser.parse_args()
    bench = load_pages(DEFAULT_BENCH, datasets=SPEED_DATASETS) if DEFAULT_BENCH.exists() else []
    texts = [path.read_text("utf-8") for path in SEEDS] + [page.text_rendering()
                                                          for page in bench]
    pipeline = cleanse.Pipeline()

    def evidence(captures: list[str], kind: str | None) -> list[np.ndarray]:
        return [rows for rows in (page_features(pipeline.label(to_capture(c, kind=kind)))[1]
                                  for c in captures) if len(rows)]

    out = per_page(evidence(texts, None), "text", args.against)
    if bench:
        out += [""] + per_page(evidence([page.html() for page in bench], "html"), "HTML",
                               args.against)
    print("\n".join(out + [""] + loading()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
