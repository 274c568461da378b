"""Progress of a batch run on stderr: a live bar on a terminal, plain lines in a log.

tqdm's bar redraws one line with carriage returns, which a log file (``nohup``,
CI) shows as one endless line or not at all; there, a plain line every
:data:`PLAIN_INTERVAL_SECONDS` says how far the run is, how fast it goes and
when it should end.
"""

from __future__ import annotations

import sys
import time
from typing import TextIO

from tqdm import tqdm

PLAIN_INTERVAL_SECONDS = 5.0


class Progress:
    """Counts captures done out of ``total`` (None when unknown) and shows it on ``stream``."""

    def __init__(self, total: int | None, *, disabled: bool = False,
                 stream: TextIO | None = None):
        self.total = total
        self.stream = stream or sys.stderr
        self.done = 0
        self.input_bytes = 0
        self.started = self.last_line = time.monotonic()
        self.bar: tqdm | None = None
        self.plain = not disabled and not _is_terminal(self.stream)
        if not disabled and not self.plain:
            self.bar = tqdm(total=total, unit="capture", file=self.stream)

    def update(self, input_bytes: int = 0) -> None:
        """One more capture done, of ``input_bytes`` bytes."""
        self.done += 1
        self.input_bytes += input_bytes
        now = time.monotonic()
        if self.bar is not None:
            self.bar.update()
            self.bar.set_postfix_str(f"{self._megabytes_per_second(now):.2f} MB/s",
                                     refresh=False)
        elif self.plain and now - self.last_line >= PLAIN_INTERVAL_SECONDS:
            self.last_line = now
            print(self.line(now), file=self.stream, flush=True)

    def line(self, now: float | None = None) -> str:
        """``cleanse: 120/800 captures (15%), 11.9 captures/s, 2.31 MB/s, ETA 00:57``."""
        now = time.monotonic() if now is None else now
        elapsed = max(now - self.started, 1e-9)
        rate = self.done / elapsed
        done = f"{self.done}/{self.total} captures ({100 * self.done / self.total:.0f}%)" \
            if self.total else f"{self.done} captures"
        eta = ""
        if self.total and rate > 0:
            eta = f", ETA {tqdm.format_interval(max(0, self.total - self.done) / rate)}"
        return (f"cleanse: {done}, {rate:.1f} captures/s, "
                f"{self._megabytes_per_second(now):.2f} MB/s{eta}")

    def _megabytes_per_second(self, now: float) -> float:
        return self.input_bytes / 1e6 / max(now - self.started, 1e-9)

    def close(self) -> None:
        if self.bar is not None:
            self.bar.close()


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
