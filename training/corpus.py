"""Benchmark pages and seed captures as training material for the line arbiter.

The benchmark data lives outside the project (``../shared/bench``, see its
README) and is only read, never copied. Each dataset is a folder with a
manifest of JSON lines: ``manifest.jsonl`` (plain ``.html`` files) or
``pages.jsonl`` (``.html.gz`` files); the HTML file name is in the row, and
``.gz`` files are gunzipped on read. Folders with neither manifest are skipped
with a warning rather than guessed at.

Every page gets a *group* for cross-validation: pages from one site share
boilerplate, so training and validation folds must not share a site (see
:func:`registrable_host` and :func:`page_group`).

Text captures come in three shapes and each page is rendered as each: the
innerText-like text rendering (inscriptis, which marks list items and indents), a
browser's own innerText (headless chromium, scripts off: what a scraper saving
``document.body.innerText`` keeps, with no list markers) and the markdown a reader
service gives (markdownify: headings, lists, links and tables marked up); the arbiter
trains on all three and ``benchmarks/quality.py`` scores cleanse on all three. They are
slow enough to cache, in ``benchmarks/.cache/renderings/<dataset>/<id>.txt``,
``benchmarks/.cache/innertext/<dataset>/<id>.txt`` and
``benchmarks/.cache/markdown-2/<dataset>/<id>.md`` (gitignored; ``markdown/`` holds the
renderings from before ``<noscript>`` content was rendered, stale).

    python -m training.corpus              # counts, then fill the inscriptis and markdown caches
    python -m training.corpus --innertext  # and the browser's (needs chromium and chromedriver)
"""

from __future__ import annotations

import argparse
import gzip
import json
import logging
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

import lxml.etree
import lxml.html
from tqdm import tqdm

from cleanse.evaluation import read_labels, token_f1
from cleanse.running.outputs import atomic_write

PROJECT_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_BENCH = PROJECT_ROOT.parent / "shared" / "bench"
RENDER_CACHE = PROJECT_ROOT / "benchmarks" / ".cache" / "renderings"
# "-2": markdown_of renders a script-drawn page's <noscript> content since session 18; the
# renderings cached before (in "markdown") lack it.
MARKDOWN_CACHE = PROJECT_ROOT / "benchmarks" / ".cache" / "markdown-2"
# Elements a reader service leaves out of a page's markdown (markdownify would keep the text
# of scripts and styles). <noscript> is decided apart (markdown_of).
NOT_RENDERED = "//script|//style|//template|//svg|//head|//iframe"
# The outermost <noscript> elements of a page.
NOSCRIPT = "//noscript[not(ancestor::noscript)]"
INNERTEXT_CACHE = PROJECT_ROOT / "benchmarks" / ".cache" / "innertext"
# Scripts are off, so a page whose article a script draws shows a browser none of it. Such a
# rendering is no capture of the article and is left out (training and scoring): it must
# hold at least this share of the article tokens the inscriptis rendering holds.
INNERTEXT_MIN_RECALL = 0.8
SEEDS = PROJECT_ROOT / "fixtures" / "seeds"
MANIFESTS = ("manifest.jsonl", "pages.jsonl")

# Second-level labels under which registries sell names (example.co.uk,
# example.com.cn, example.gov.au): a registrable host keeps three labels then.
SECOND_LEVEL = frozenset({"co", "com", "org", "net", "gov", "edu", "ac"})
# Host prefixes that name the same site as the bare domain.
SITE_PREFIXES = ("www.", "m.")
# Where a page without a known URL says its own address: canonical link,
# Open Graph URL, base element.
SELF_URL_XPATH = (
    "//link[contains(concat(' ', translate(@rel, 'CANONIL', 'canonil'), ' '), ' canonical ')]"
    "/@href | //meta[@property='og:url' or @name='og:url']/@content | //base/@href"
)
IP_ADDRESS = re.compile(r"^[\d.]+$|:")
# A scheme-less absolute address ("example.com/path"): dotted host, then a slash.
SCHEMELESS = re.compile(r"^[\w-]+(?:\.[\w-]+)+/")
UTF8_PARSER = lxml.html.HTMLParser(encoding="utf-8")

log = logging.getLogger(__name__)


def registrable_host(url: str | None) -> str | None:
    """The site a URL belongs to: lowercase host without port, reduced to its registrable part.

    A deliberately simple stand-in for the public suffix list: drop a leading
    ``www.``/``m.``, then keep the last two labels, or the last three when the
    second-to-last is a common second-level label (``co``, ``com``, ``org``,
    ``net``, ``gov``, ``edu``, ``ac``: ``bbc.co.uk``, ``sina.com.cn``). IP
    addresses and single-label hosts are kept whole. Protocol-relative URLs
    (``//example.com/path``) and scheme-less ones with a path
    (``example.com/path``, as some pages write their ``og:url``) are
    understood; relative paths give None.
    """
    if not url or not url.strip():
        return None
    url = url.strip()
    if "://" not in url and not url.startswith("//"):
        if not SCHEMELESS.match(url):
            return None
        url = "//" + url
    try:
        host = urlsplit(url).hostname
    except ValueError:
        return None
    if not host:
        return None
    host = host.rstrip(".")
    if IP_ADDRESS.search(host):
        return host
    for prefix in SITE_PREFIXES:
        if host.startswith(prefix) and host.count(".") > 1:
            host = host[len(prefix):]
    labels = host.split(".")
    keep = 3 if len(labels) >= 3 and labels[-2] in SECOND_LEVEL else 2
    return ".".join(labels[-keep:])


def self_url(html: str) -> str | None:
    """The first absolute address a page declares for itself (canonical, og:url, base), if any."""
    try:
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=UTF8_PARSER)
    except (lxml.etree.ParserError, ValueError):
        return None
    return next((value.strip() for value in root.xpath(SELF_URL_XPATH)
                 if registrable_host(value)), None)


def page_group(dataset: str, page_id: str, url: str | None, html: str | None) -> str:
    """Cross-validation group: the registrable host of ``url``, else of the page's own
    declared address (``html`` is only parsed when ``url`` is None), else the page key."""
    host = registrable_host(url)
    if host is None and url is None and html is not None:
        host = registrable_host(self_url(html))
    return host or f"{dataset}/{page_id}"


def read_html(path: Path) -> str:
    """A page file as text: gunzipped when it ends in ``.gz``, UTF-8 with replacement."""
    data = path.read_bytes()
    if path.suffix == ".gz":
        data = gzip.decompress(data)
    return data.decode("utf-8", errors="replace")


@dataclass(frozen=True)
class BenchPage:
    """One benchmark page: HTML file plus ground-truth main text."""

    dataset: str
    id: str
    url: str | None
    group: str
    page_type: str
    lang: str
    body: str
    html_path: Path

    @property
    def key(self) -> str:
        return f"{self.dataset}/{self.id}"

    def html(self) -> str:
        return read_html(self.html_path)

    def rendering_path(self, cache: Path = RENDER_CACHE) -> Path:
        return cache / self.dataset / f"{self.id}.txt"

    def text_rendering(self, cache: Path = RENDER_CACHE) -> str:
        """innerText-like rendering (``inscriptis.get_text``), cached on disk.

        Identical to the rendering ``benchmarks/quality.py`` scores cleanse on;
        menus and footers stay in, which is what the arbiter must learn to drop.
        """
        def render() -> str:
            from inscriptis import get_text

            return get_text(self.html())

        return _cached(self.rendering_path(cache), render)

    def innertext_path(self, cache: Path = INNERTEXT_CACHE) -> Path:
        return cache / self.dataset / f"{self.id}.txt"

    def innertext_rendering(self, cache: Path = INNERTEXT_CACHE,
                            text_cache: Path = RENDER_CACHE) -> str | None:
        """The page's innerText in a browser (:func:`render_innertext` caches it), or None
        when it is not cached or does not hold the article: less than
        ``INNERTEXT_MIN_RECALL`` of the article tokens its text rendering holds."""
        path = self.innertext_path(cache)
        if not path.exists():
            return None
        text = path.read_text("utf-8")
        held, expected = (token_f1(rendering, self.body).recall
                          for rendering in (text, self.text_rendering(text_cache)))
        return text if held >= INNERTEXT_MIN_RECALL * expected else None

    def markdown_path(self, cache: Path = MARKDOWN_CACHE) -> Path:
        return cache / self.dataset / f"{self.id}.md"

    def markdown_rendering(self, cache: Path = MARKDOWN_CACHE) -> str:
        """The page as a reader service's markdown (:func:`markdown_of`), cached on disk."""
        return _cached(self.markdown_path(cache), lambda: markdown_of(self.html()))


def _cached(path: Path, render: Callable[[], str]) -> str:
    """``render()``, kept in ``path`` for the next call. The file is written atomically so
    parallel renderers never leave a truncated file behind."""
    if path.exists():
        return path.read_text("utf-8")
    text = render()
    atomic_write(path, lambda out: out.write(text))
    return text


def markdown_of(html: str) -> str:
    """Markdown of the whole page, as reader services (Jina Reader, Firecrawl) give it:
    ATX headings, lists, ``[links](url)``, pipe tables (a layout table too), runs of
    blank lines collapsed; menus and footers stay in, as in the text rendering."""
    from markdownify import markdownify

    try:
        root = lxml.html.fromstring(html)
    except (lxml.etree.ParserError, ValueError):
        return ""
    for element in root.xpath(NOT_RENDERED):
        element.drop_tree()
    noscript = root.xpath(NOSCRIPT)
    if noscript and not _drawn_by_scripts(root, noscript):
        for element in noscript:
            element.drop_tree()
    markdown = markdownify(lxml.html.tostring(root, encoding="unicode"), heading_style="ATX")
    return re.sub(r"\n{3,}", "\n\n", markdown)


def _drawn_by_scripts(root: lxml.html.HtmlElement, noscript: list) -> bool:
    """Whether the page's scripts draw its content: its ``<noscript>`` elements hold more text
    than the rest of the page (characters other than white space).

    A reader service runs a page's scripts, so it shows neither ``<noscript>`` nor, on most
    pages, anything missing without it. A page whose scripts draw the content (a Discourse
    forum serves its posts inside ``<noscript>`` to clients without scripts, and an empty
    shell to the rest) would render empty here, where no script runs: its content is what
    the scripts would have shown, so it is rendered, as a browser without scripts does and
    as the text rendering (inscriptis) always does.
    """
    inside = sum(len("".join("".join(element.itertext()).split())) for element in noscript)
    return inside > len("".join("".join(root.itertext()).split())) - inside


def _manifest(folder: Path) -> Path | None:
    return next((folder / name for name in MANIFESTS if (folder / name).is_file()), None)


def load_pages(bench: Path = DEFAULT_BENCH,
               datasets: Iterable[str] | None = None) -> list[BenchPage]:
    """All pages of the benchmark folders (or of ``datasets``), sorted by (dataset, id).

    ``page_type`` defaults to "article" for datasets that do not record one.
    """
    wanted = set(datasets) if datasets is not None else None
    pages = []
    for folder in sorted(p for p in bench.iterdir() if p.is_dir()):
        if wanted is not None and folder.name not in wanted:
            continue
        manifest = _manifest(folder)
        if manifest is None:
            log.warning("skipping %s: no %s (unknown layout)", folder, " or ".join(MANIFESTS))
            continue
        for line in manifest.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            html_path = folder / row["html"]
            html = read_html(html_path) if row.get("url") is None else None
            pages.append(BenchPage(
                dataset=folder.name, id=str(row["id"]), url=row.get("url"),
                group=page_group(folder.name, str(row["id"]), row.get("url"), html),
                page_type=row.get("page_type") or "article", lang=row.get("lang") or "",
                body=row.get("body") or "", html_path=html_path,
            ))
    if wanted is not None and (missing := wanted - {page.dataset for page in pages}):
        log.warning("no pages for dataset(s) %s in %s", ", ".join(sorted(missing)), bench)
    return sorted(pages, key=lambda page: (page.dataset, page.id))


@dataclass(frozen=True)
class SeedPage:
    """A bundled text capture with hand-made line labels (1-based line -> label)."""

    name: str
    text: str
    labels: dict[int, str]

    @property
    def key(self) -> str:
        return f"seeds/{self.name}"

    @property
    def group(self) -> str:
        return self.key


def load_seeds(folder: Path = SEEDS) -> list[SeedPage]:
    """Seed captures (``<name>.txt``) that have a ``<name>.labels.tsv``, sorted by name."""
    seeds = []
    for path in sorted(folder.glob("*.txt")):
        name = path.name[: -len(".txt")]
        labels = path.with_name(f"{name}.labels.tsv")
        if labels.exists():
            seeds.append(SeedPage(name, path.read_text("utf-8"), read_labels(labels)))
    return seeds


def _render(page: BenchPage) -> int:
    return len(page.text_rendering()) + len(page.markdown_rendering())


def render_all(pages: Iterable[BenchPage], jobs: int = 2) -> None:
    """Fill the rendering cache for ``pages`` (already cached ones are skipped)
    using ``jobs`` processes; the machine is shared, so keep ``jobs`` small."""
    todo = [page for page in pages
            if not (page.rendering_path().exists() and page.markdown_path().exists())]
    if not todo:
        return
    with ProcessPoolExecutor(max_workers=max(1, jobs)) as pool:
        for _ in tqdm(pool.map(_render, todo, chunksize=4), total=len(todo),
                      desc="rendering", unit="page"):
            pass


def _browser():
    """Headless chromium through selenium, scripts and network off, images not loaded."""
    import shutil

    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver = shutil.which("chromium") or shutil.which("chromium-browser"), \
        shutil.which("chromedriver")
    if not chromium or not driver:
        raise FileNotFoundError("the innerText renderings need chromium and chromedriver "
                                "(Debian: apt-get install chromium chromium-driver)")
    options = webdriver.ChromeOptions()
    for argument in ("--headless=new", "--no-sandbox", "--disable-gpu",
                     "--disable-dev-shm-usage", "--disable-extensions",
                     "--window-size=1366,900", "--blink-settings=imagesEnabled=false",
                     # No page may reach the network: every host name fails at once.
                     "--host-resolver-rules=MAP * ~NOTFOUND"):
        options.add_argument(argument)
    options.binary_location = chromium
    browser = webdriver.Chrome(service=Service(driver), options=options)
    browser.set_page_load_timeout(20)
    # The page's own scripts stay off (a capture is the served page, and a script could
    # wait forever); DevTools' Runtime.evaluate below still runs.
    browser.execute_cdp_cmd("Emulation.setScriptExecutionDisabled", {"value": True})
    return browser


def render_innertext(pages: Iterable[BenchPage], cache: Path = INNERTEXT_CACHE) -> None:
    """Fill the innerText cache for ``pages`` with one browser, page by page (already cached
    ones are skipped). The browser's version is written to ``cache/browser.txt``."""
    import tempfile

    from selenium.common.exceptions import TimeoutException

    todo = [page for page in pages if not page.innertext_path(cache).exists()]
    if not todo:
        return
    browser = _browser()
    try:
        atomic_write(cache / "browser.txt", lambda out: out.write(
            f"{browser.capabilities.get('browserName')} "
            f"{browser.capabilities.get('browserVersion')}\n"))
        with tempfile.TemporaryDirectory() as folder:
            local = Path(folder) / "page.html"
            for page in tqdm(todo, desc="innerText", unit="page"):
                local.write_text(page.html(), "utf-8")
                try:
                    browser.get(local.as_uri())
                except TimeoutException:
                    pass  # what has loaded by then is the page
                result = browser.execute_cdp_cmd("Runtime.evaluate", {
                    "expression": "document.body ? document.body.innerText : ''",
                    "returnByValue": True})
                text = result.get("result", {}).get("value") or ""
                atomic_write(page.innertext_path(cache), lambda out, text=text: out.write(text))
    finally:
        browser.quit()


def describe(pages: list[BenchPage]) -> str:
    """Counts per dataset, page type, language and the number of groups, one table."""
    out = []
    for dataset in sorted({page.dataset for page in pages}):
        subset = [page for page in pages if page.dataset == dataset]
        types = Counter(page.page_type for page in subset)
        langs = Counter(page.lang for page in subset)
        groups = Counter(page.group for page in subset)
        out.append(f"{dataset}: {len(subset)} pages, {len(groups)} groups "
                   f"(largest: {', '.join(f'{g} {n}' for g, n in groups.most_common(3))}), "
                   f"{sum(not page.body.strip() for page in subset)} empty bodies")
        out.append("  page types: " + ", ".join(f"{k} {v}" for k, v in types.most_common()))
        out.append("  langs: " + ", ".join(f"{k} {v}" for k, v in langs.most_common()))
    out.append(f"total: {len(pages)} pages, {len({page.group for page in pages})} groups")
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--bench", type=Path, default=DEFAULT_BENCH)
    parser.add_argument("--datasets", nargs="*", help="dataset folder names (default: all)")
    parser.add_argument("--jobs", type=int, default=2, help="rendering processes")
    parser.add_argument("--innertext", action="store_true",
                        help="also render each page's innerText in headless chromium")
    args = parser.parse_args(argv)
    if not args.bench.is_dir():
        print(f"no benchmark folder at {args.bench}", file=sys.stderr)
        return 1
    pages = load_pages(args.bench, args.datasets)
    print(describe(pages))
    print(f"seeds: {len(load_seeds())}")
    render_all(pages, args.jobs)
    if args.innertext:
        render_innertext(pages)
    return 0


if __name__ == "__main__":
    sys.exit(main())
