"""Cleaning on Ray: a Dataset helper for your own pipelines, and the CLI's ``--engine ray``.

Needs the optional extra: ``pip install 'cleanse[ray]'``. Each Ray actor
builds one :class:`~cleanse.batch.Cleaner` (one pipeline) and reuses it for
every batch it is given, exactly like a local worker process.

    >>> import ray, cleanse.running.ray_engine
    >>> ds = ray.data.from_items([{"source": "a.txt", "text": "..."}])
    >>> cleaned = cleanse.ray_engine.clean_dataset(ds, workers=4)
    >>> cleaned.take(1)[0]["text"]
"""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from cleanse.config import Config
from cleanse.running.batch import Cleaner, Job
from cleanse.running.outputs import record_json

try:
    import ray
    import ray.data
except ImportError as exc:  # pragma: no cover - exercised only without the extra
    raise ImportError("the Ray engine needs the optional extra: "
                      "pip install 'cleanse[ray]'") from exc

if TYPE_CHECKING:
    from ray.data import Dataset

# Flat columns of each cleaned row; ``record`` holds the full JSON record (segments,
# removed spans, metadata) as one string, so rows of any status share one Arrow schema
# (the record's own schema is cleanse.model.RECORD_SCHEMA).
COLUMNS = ("source", "status", "error", "language", "title", "text", "record")


class _BatchCleaner:
    """A Ray actor's callable: one Cleaner, many batches."""

    def __init__(self, cleaner: Cleaner, text_column: str, source_column: str):
        self.cleaner = cleaner
        self.text_column = text_column
        self.source_column = source_column

    def __call__(self, batch: dict[str, Any]) -> dict[str, list[Any]]:
        rows = {name: [] for name in COLUMNS}  # type: dict[str, list[Any]]
        for job in self._jobs(batch):
            record = self.cleaner(job)
            for name in COLUMNS[:-1]:
                rows[name].append(record.get(name))
            rows["record"].append(record_json(record))
        return rows

    def _jobs(self, batch: dict[str, Any]) -> Iterator[Job]:
        sources = batch.get(self.source_column)
        if "path" in batch:  # the CLI's jobs: files to read on the worker
            for i, path in enumerate(batch["path"]):
                yield Job(str(path), str(sources[i]) if sources is not None else str(path))
            return
        for i, value in enumerate(batch[self.text_column]):
            data = value if isinstance(value, bytes) else str(value).encode("utf-8")
            source = str(sources[i]) if sources is not None else f"row-{i}"
            yield Job(source, source, data)


def clean_dataset(dataset: Dataset, config: Config | None = None, *, workers: int = 2,
                  text_column: str = "text", source_column: str = "source",
                  batch_size: int = 64) -> Dataset:
    """Map a Ray Dataset of captures to cleaned rows.

    Input rows hold a capture in ``text_column`` (``str`` or raw ``bytes``;
    HTML, markdown or plain text) and optionally a name in ``source_column``.
    Output rows have the columns in :data:`COLUMNS`; ``workers`` actors each
    hold one pipeline.
    """
    cleaner = Cleaner(config or Config())
    return dataset.map_batches(
        _BatchCleaner, fn_constructor_args=(cleaner, text_column, source_column),
        batch_size=batch_size, batch_format="numpy",
        compute=ray.data.ActorPoolStrategy(size=max(1, workers)))


def run_jobs_on_ray(jobs: list[Job], cleaner: Cleaner, workers: int,
                    address: str | None = None,
                    verbose: bool = False) -> Iterator[dict[str, Any]]:
    """The CLI's Ray engine: records for ``jobs`` in input order.

    Files are read by the actors, so on a cluster every node must see the
    input paths (a shared file system) and have cleanse installed. Ray's own
    log lines and warnings are quiet unless ``verbose``: cleanse reports
    progress and failures itself.
    """
    if any(job.data is not None for job in jobs):
        raise ValueError("the Ray engine reads files on its workers; stdin and WARC records "
                         "need the local engine")
    level = logging.INFO if verbose else logging.ERROR
    if not verbose:  # Ray's C++ core logs to stderr on its own (read when ray.init starts it)
        os.environ.setdefault("RAY_BACKEND_LOG_LEVEL", "fatal")
    if not ray.is_initialized():
        ray.init(address=address, num_cpus=None if address else max(1, workers),
                 include_dashboard=False, log_to_driver=verbose, logging_level=level)
    for name in ("ray", "ray.data"):
        logging.getLogger(name).setLevel(level)
    context = ray.data.DataContext.get_current()
    context.execution_options.preserve_order = True
    context.enable_progress_bars = False
    dataset = ray.data.from_items([{"path": job.path, "source": job.source} for job in jobs])
    cleaned = dataset.map_batches(
        _BatchCleaner, fn_constructor_args=(cleaner, "text", "source"), batch_size=16,
        batch_format="numpy", compute=ray.data.ActorPoolStrategy(size=max(1, workers)))
    for row in cleaned.iter_rows():
        yield json.loads(row["record"])
