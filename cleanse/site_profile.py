"""Site profiles: on how many pages of one site each line occurs (the CCNet idea, per site).

A crawl of one site repeats its menus, footers, "related" widgets and
disclaimers on every page. No single page shows that; counting line keys
across the site's pages does. A :class:`SiteProfile` holds, for one host,
how many pages were counted and, for every line key found on at least two of
them, on how many. The ``site_repeats`` detector
(:mod:`cleanse.detectors.site_repeats`) reads the profile a page carries
(``Page.site``, set by ``Pipeline.clean(..., site=...)``).

A line's key is :func:`cleanse.features.normalize_for_matching` of its text
(lowercase, digits as 0, only letters and digits: "© 2024 Example" and
"© 2025 Example" are one line), hashed to 64 bits so a profile stays small.
Batch runs build profiles in a first pass over their captures
(:mod:`cleanse.running.sites`); the training table builds them from the bench
pages of one site (``training/dataset.py``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

import numpy as np

from cleanse.features import normalize_for_matching

# Keys shorter than this are not counted: a line of punctuation normalises to "" and would
# "repeat" everywhere. Two characters keep a CJK menu item (首页). Nor are keys of digits
# only: every number is 0s after normalisation, so "17" and "$250" would be one line.
MIN_KEY_CHARS = 2


def key_hash(key: str) -> int:
    """The 64-bit hash of a normalised line key (stable across processes and runs,
    unlike ``hash()``)."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8"), digest_size=8).digest(), "big")


def line_key(text: str) -> int | None:
    """The hashed key of a line of text, or None for a line too short to count."""
    return _hashed(normalize_for_matching(text))


def _hashed(match_key: str) -> int | None:
    return key_hash(match_key) if len(match_key) >= MIN_KEY_CHARS and match_key.strip("0") \
        else None


def text_keys(text: str) -> np.ndarray:
    """The distinct keys of a capture's lines (its rendered text), sorted, as uint64.

    A line counts once per page however often the page repeats it: the
    profile says on how many *pages* a line is.
    """
    keys = {key for line in text.split("\n") if (key := line_key(line)) is not None}
    return np.array(sorted(keys), dtype=np.uint64)


@dataclass(frozen=True)
class SiteProfile:
    """How often lines recur across the counted pages of one site.

    ``pages`` is how many pages were counted; ``counts`` maps a line key
    (:func:`line_key`) to the number of those pages holding it, for keys on at
    least two pages (a key on one page says nothing about the site).
    """

    host: str
    pages: int
    counts: Mapping[int, int]

    @classmethod
    def from_pages(cls, host: str, pages: Iterable[np.ndarray]) -> SiteProfile:
        """The profile of ``host`` from each counted page's keys (:func:`text_keys`)."""
        arrays = [np.asarray(keys, dtype=np.uint64) for keys in pages]
        if not arrays:
            return cls(host, 0, {})
        keys, counts = np.unique(np.concatenate(arrays), return_counts=True)
        repeated = counts >= 2
        return cls(host, len(arrays), dict(zip(keys[repeated].tolist(),
                                               counts[repeated].tolist())))

    def pages_with(self, match_key: str) -> int:
        """On how many of the counted pages a line occurs (0: on one or none), given its
        normalised text (``Line.match_key``, cached on the line)."""
        key = _hashed(match_key)
        return 0 if key is None else self.counts.get(key, 0)
