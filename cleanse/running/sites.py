"""The count pass of a batch run: which site each capture belongs to, and its site's profile.

Before cleaning a folder or a WARC file with the ``site_repeats`` detector,
:func:`profile_sites` reads the captures once and counts, per site, on how
many pages each line occurs (:class:`cleanse.site_profile.SiteProfile`). The
cleaning pass then hands each capture its site's profile.

**Which site.** :func:`job_site`, the same in both passes: the host of the URL
the capture was fetched from (a WARC record's target URI), else of the URL the
capture declares (a front matter ``url``/``canonical``/``permalink``, a JSON
capture's ``url``, an HTML page's canonical link or ``og:url``, looked for in
its first :data:`SNIFF_BYTES`), else its folder. Hosts are lower case without
``www.`` (as a record's ``metadata.hostname``).

**Bounded memory.** Only the first ``sample_pages`` pages of each site, in
input order, are counted (each worker renders at most that many pages of a
site; later ones are only sniffed for their site); a page adds its distinct
line keys, 8 bytes each. When more than ``max_keys`` keys are held, the sites
with the fewest counted pages (a crawl of many single pages) are dropped
until a quarter of the budget is free, and are not counted again: they get no
profile. Same input in the same order, same profiles.
"""

from __future__ import annotations

import os
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from cleanse.reading.capture import CaptureError, gunzip, to_capture
from cleanse.reading.metadata import hostname
from cleanse.running.batch import Job, UnreadableInput, read_job, run_jobs, watchdog
from cleanse.running.outputs import STDIO
from cleanse.site_profile import SiteProfile, text_keys

# How much of a capture is searched for the URL it declares.
SNIFF_BYTES = 256 * 1024
# <link rel="canonical" href="..."> and <meta property="og:url" content="...">, any order.
_TAGS = re.compile(r"<(?:link|meta)\b[^>]*>", re.IGNORECASE)
_CANONICAL = re.compile(r"""\brel\s*=\s*["']?[^"'>]*\bcanonical\b""", re.IGNORECASE)
_OG_URL = re.compile(r"""\b(?:property|name)\s*=\s*["']?og:url\b""", re.IGNORECASE)
_ATTRIBUTE = r"""\b{}\s*=\s*(?:"([^"]*)"|'([^']*)'|([^\s"'>]+))"""
_HREF = re.compile(_ATTRIBUTE.format("href"), re.IGNORECASE)
_CONTENT = re.compile(_ATTRIBUTE.format("content"), re.IGNORECASE)
# A front matter's URL field (YAML "url: ..." or TOML 'url = "..."'), the keys
# cleanse.reading.metadata reads as the page's url.
_FRONT_MATTER = re.compile(r"\A\ufeff?(---|\+\+\+)[ \t]*\n(.*?)\n\1[ \t]*(?:\n|\Z)", re.DOTALL)
_URL_FIELD = re.compile(r"""^(?:url|canonical|canonical_url|permalink|link)[ \t]*[:=][ \t]*"""
                        r"""["']?([^"'\s]+)["']?[ \t]*$""", re.IGNORECASE | re.MULTILINE)
_JSON_URL = re.compile(r"""\A\s*\{.*?"url"\s*:\s*"([^"]+)\"""", re.DOTALL)


def declared_url(data: bytes) -> str | None:
    """The URL a capture declares for itself, from its first :data:`SNIFF_BYTES`, if any."""
    head = data[:SNIFF_BYTES].decode("utf-8", errors="replace")
    if front := _FRONT_MATTER.match(head):
        found = _URL_FIELD.search(front.group(2))
        return found.group(1) if found else None
    if found := _JSON_URL.match(head):
        return found.group(1)
    for tag in _TAGS.finditer(head):
        text = tag.group()
        value = _HREF if _CANONICAL.search(text) else _CONTENT if _OG_URL.search(text) else None
        if value is not None and (attribute := value.search(text)):
            url = next(group for group in attribute.groups() if group is not None).strip()
            if hostname(url) and "//" in url:  # absolute; a relative canonical names no site
                return url
    return None


def job_site(job: Job, data: bytes) -> str | None:
    """The site of a capture: a host (``example.com``), else its folder (``captures/a/``);
    None for stdin. ``data`` is the capture's (decompressed) bytes."""
    host = hostname((job.metadata or {}).get("url")) or hostname(declared_url(data))
    if host:
        return host
    if job.path == STDIO:
        return None
    return (os.path.dirname(job.path) or ".") + "/"


@dataclass(frozen=True)
class SiteProfiles:
    """A run's site profiles by site; what the cleaning pass hands each capture."""

    profiles: Mapping[str, SiteProfile] = field(default_factory=dict)

    def for_job(self, job: Job, data: bytes) -> SiteProfile | None:
        """The profile of the site of ``job`` (whose decompressed bytes are ``data``)."""
        if not self.profiles:
            return None
        site = job_site(job, data)
        return self.profiles.get(site) if site is not None else None


@dataclass
class SiteCounter:
    """The count pass's work on one capture, run in the batch's worker processes.

    Returns ``{"site": ..., "input_bytes": ..., "keys": ...}``: the capture's site, its
    size and, while this process has rendered fewer than ``sample_pages`` pages of that
    site, the distinct keys of its lines (:func:`cleanse.site_profile.text_keys`, of the
    lines the cleaning pass will see: same kind and charset). Each worker takes jobs in
    input order, so every page among a site's first ``sample_pages`` is rendered by
    whichever worker gets it: the sample does not depend on the number of workers.
    """

    max_bytes: int
    kind: str | None = None
    sample_pages: int = 50
    time_limit: float | None = None
    rendered: Counter = field(default_factory=Counter)

    def __call__(self, job: Job) -> dict[str, Any]:
        try:
            data = gunzip(read_job(job, self.max_bytes), self.max_bytes)
        except (UnreadableInput, CaptureError):
            return {"site": None}  # the cleaning pass reports why
        site, size = job_site(job, data), len(data)
        if site is None or self.rendered[site] >= self.sample_pages:
            return {"site": site, "input_bytes": size}
        self.rendered[site] += 1
        try:
            with watchdog(self.time_limit):
                capture = to_capture(data, source=job.source, kind=self.kind,
                                     charset=job.charset)
        except Exception:  # unreadable, too slow, or a bug: the cleaning pass reports it
            return {"site": site, "input_bytes": size}
        return {"site": site, "input_bytes": size, "keys": text_keys(capture.text)}


@dataclass
class SiteSampler:
    """Collects the count pass's results in input order into per-site samples."""

    sample_pages: int = 50
    max_keys: int = 4_000_000
    samples: dict[str, list[np.ndarray]] = field(default_factory=dict)
    pages: Counter = field(default_factory=Counter)  # pages seen per site, counted or not
    dropped: set[str] = field(default_factory=set)  # sites dropped to stay within max_keys
    held: int = 0

    def add(self, site: str | None, keys: np.ndarray | None) -> None:
        if site is None:
            return
        self.pages[site] += 1
        sample = self.samples.setdefault(site, []) if site not in self.dropped else None
        if keys is None or sample is None or len(sample) >= self.sample_pages:
            return
        sample.append(keys)
        self.held += len(keys)
        if self.held > self.max_keys:
            self._drop_smallest()

    def _drop_smallest(self) -> None:
        """Drop the sites with the fewest counted pages until a quarter of the budget is free."""
        for site in sorted(self.samples, key=lambda s: (len(self.samples[s]), s)):
            if self.held <= self.max_keys * 3 // 4:
                break
            self.held -= sum(len(keys) for keys in self.samples.pop(site))
            self.dropped.add(site)

    def profiles(self) -> SiteProfiles:
        """The profile of every site with at least two counted pages."""
        return SiteProfiles({site: SiteProfile.from_pages(site, sample)
                             for site, sample in sorted(self.samples.items())
                             if len(sample) >= 2})


def profile_sites(jobs: Iterable[Job], counter: SiteCounter, workers: int,
                  max_keys: int = 4_000_000,
                  on_capture: Callable[[int], None] | None = None) -> SiteSampler:
    """Run the count pass over ``jobs`` with ``workers`` processes; ``on_capture`` is called
    with each capture's size once it is counted (progress). The sampler holds the profiles
    and what was dropped."""
    sampler = SiteSampler(counter.sample_pages, max_keys)
    for result in run_jobs(jobs, counter, workers):
        sampler.add(result.get("site"), result.get("keys"))
        if on_capture is not None:
            on_capture(result.get("input_bytes") or 0)
    return sampler
