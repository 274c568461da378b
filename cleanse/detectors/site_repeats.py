"""Lines repeated across many pages of the same site: its menus, footers, widgets, disclaimers.

A site's template puts the same lines on every page: "Subscribe to our
newsletter", "© 2025 Example Media. All rights reserved.", the menu, the
"Most read" box. On one page they can look like article text; across the
site's pages they repeat where the articles do not. This detector reads the
profile of the page's site (``Page.site``, :mod:`cleanse.site_profile`: on how
many of the site's counted pages each line occurs) and labels a line found on
at least ``min_share`` of them as boilerplate, with the count in the reason
("on 14 of 20 pages of example.com"). Without a profile (a single capture,
``cleanse.clean``) it does nothing; batch runs build one per site
(:mod:`cleanse.running.sites`).

A sentence of ``long_tokens`` or more needs more: ``long_share`` of the pages
and at least ``long_min_pages`` of them. A quote or a standard paragraph
that a few articles share is the authors', and stays unless it is on most
pages of a well-counted site. The score grows with the share and with the
number of pages: ``share * pages_with / (pages_with + 1)``, so 5 of 5 pages
scores 0.83, 2 of 3 pages 0.44, 48 of 50 pages 0.94.
"""

from __future__ import annotations

from dataclasses import dataclass

from cleanse.detectors.base import Detector
from cleanse.model import Category, Page


@dataclass
class SiteRepeats(Detector):
    """Removes lines found on many pages of the same site (menus, footers, disclaimers)."""

    name = "site_repeats"
    min_pages: int = 3          # a site with fewer counted pages says nothing
    min_share: float = 0.5      # share of the site's pages a line must be on
    long_tokens: int = 25       # from this many tokens a sentence is held to the long rule
    long_share: float = 0.8
    long_min_pages: int = 5

    def detect(self, page: Page) -> None:
        site = page.site
        if site is None or site.pages < self.min_pages:
            return
        for line in page.content_lines():
            count = site.pages_with(line.match_key)
            if count < 2:
                continue
            share = count / site.pages
            if line.features.prose and line.features.tokens >= self.long_tokens:
                if share < self.long_share or count < self.long_min_pages:
                    continue
            elif share < self.min_share:
                continue
            self.label(page, line, "repeated_across_site", Category.BOILERPLATE,
                       share * count / (count + 1),
                       f"on {count} of {site.pages} pages of {site.host}")
