"""Site-level boilerplate: the count pass (cleanse.running.sites), the profile
(cleanse.site_profile) and the site_repeats detector, alone and in batch runs."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import pytest

import cleanse
from cleanse.config import Config, ConfigError
from cleanse.detectors import DEFAULT_PIPELINE, available
from cleanse.detectors.site_repeats import SiteRepeats
from cleanse.model import Category, Page
from cleanse.reading.capture import to_capture
from cleanse.running.batch import Job, options_fingerprint
from cleanse.running.cli import main
from cleanse.running.sites import (
    SiteCounter,
    SiteSampler,
    declared_url,
    job_site,
    profile_sites,
)
from cleanse.site_profile import SiteProfile, line_key, text_keys
from training.corpus import BenchPage, markdown_of

FOOTER = "© 2025 Example Media Group. All rights reserved."
NEWSLETTER = "Get the Example Daily in your inbox every morning."
QUOTE = ('"We will not raise taxes this year, whatever the pressure from the schools and the '
         'unions and the newspapers," the mayor said in a statement on Tuesday evening.')
WORDS = ("river mountain council budget teacher weather harbour orchard library bridge "
         "festival market railway garden museum village").split()
TOPICS = ("harbour", "orchard", "library", "bridge", "festival", "railway", "museum")


def _story(i: int, quote: bool = False, url: str | None = "https://www.example.com/news/") -> str:
    """A text capture of an invented news site: a title, four paragraphs of its own, the
    site's newsletter line and footer, and (if ``quote``) a quotation other stories share."""
    rng = random.Random(i)
    paragraphs = [" ".join(rng.choice(WORDS) for _ in range(45)).capitalize() + "."
                  for _ in range(4)]
    if quote:
        paragraphs.insert(2, QUOTE)
    front = f"---\ntitle: The {TOPICS[i]} story\nurl: {url}{TOPICS[i]}\n---\n" if url else ""
    return (front + f"# The {TOPICS[i]} reopens after a long winter\n\n"
            + "\n\n".join(paragraphs) + f"\n\n{NEWSLETTER}\n\n{FOOTER}\n")


def _profile(texts: list[str], host: str = "example.com") -> SiteProfile:
    return SiteProfile.from_pages(host, [text_keys(to_capture(t).text) for t in texts])


def _labelled(text: str, site: SiteProfile | None, **options) -> Page:
    page = Page.from_capture(to_capture(text))
    page.site = site
    SiteRepeats(**options).detect(page)
    return page


def _site_decisions(page: Page) -> dict[str, str]:
    return {line.text: d.reason for line in page.lines for d in line.decisions
            if d.detector == "site_repeats"}


# --- the detector alone ------------------------------------------------------------------------

def test_a_footer_on_every_page_is_boilerplate_with_the_count_in_the_reason():
    texts = [_story(i, quote=i < 2) for i in range(5)]
    page = _labelled(texts[0], _profile(texts))
    found = _site_decisions(page)
    assert found[FOOTER] == "on 5 of 5 pages of example.com"
    assert found[NEWSLETTER] == "on 5 of 5 pages of example.com"
    footer = next(line for line in page.lines if line.text == FOOTER)
    assert footer.decisions[0].category is Category.BOILERPLATE
    assert footer.decisions[0].score == pytest.approx(5 / 6, abs=1e-3)


def test_a_quote_two_of_five_pages_share_stays_and_so_does_the_article():
    texts = [_story(i, quote=i < 2) for i in range(5)]
    found = _site_decisions(_labelled(texts[0], _profile(texts)))
    assert QUOTE not in found
    assert set(found) == {FOOTER, NEWSLETTER}  # titles and paragraphs are each page's own


def test_a_long_sentence_needs_a_larger_share_than_a_short_line():
    texts = [_story(i, quote=i < 3) for i in range(5)]  # the quote on 3 of 5 pages: 0.6
    profile = _profile(texts)
    found = _site_decisions(_labelled(texts[0], profile))
    assert QUOTE not in found and FOOTER in found
    assert _site_decisions(_labelled(texts[0], profile, long_share=0.6, long_min_pages=3))[
        QUOTE] == "on 3 of 5 pages of example.com"
    # 4 of 5 pages is share enough (0.8) but too few pages; on 5 of 6 it goes: a sentence on
    # most pages of a well-counted site is the template's.
    texts = [_story(i, quote=i < 4) for i in range(5)]
    assert QUOTE not in _site_decisions(_labelled(texts[0], _profile(texts)))
    texts = [_story(i, quote=i < 5) for i in range(6)]
    assert _site_decisions(_labelled(texts[0], _profile(texts)))[QUOTE] \
        == "on 5 of 6 pages of example.com"


def test_the_score_grows_with_the_share_and_the_pages():
    def footer_score(pages: int, with_footer: int) -> float:
        texts = [_story(i) if i < with_footer else _story(i).replace(FOOTER, "")
                 for i in range(pages)]
        page = _labelled(texts[0], _profile(texts))
        return next(d.score for line in page.lines if line.text == FOOTER
                    for d in line.decisions)

    assert footer_score(6, 3) < footer_score(6, 5) < footer_score(6, 6)
    assert footer_score(3, 3) < footer_score(6, 6)


def test_nothing_without_a_profile_or_with_too_few_pages():
    texts = [_story(i) for i in range(5)]
    assert _site_decisions(_labelled(texts[0], None)) == {}
    assert _site_decisions(_labelled(texts[0], _profile(texts[:2]))) == {}
    assert _site_decisions(_labelled(texts[0], _profile(texts[:3])))[FOOTER] \
        == "on 3 of 3 pages of example.com"
    # The library call has no profile: the detector in the pipeline changes nothing alone.
    config = Config().enable("site_repeats", after="duplicates")
    doc = cleanse.clean(texts[0], config=config)
    assert all(span.detector != "site_repeats" for span in doc.removed)


def test_the_profile_counts_pages_not_repeats_and_ignores_what_is_too_short():
    keys = [text_keys("Menu\nMenu\nHome\n|\n7"), text_keys("Home\nAbout"), text_keys("Home")]
    profile = SiteProfile.from_pages("example.com", keys)
    assert profile.pages == 3
    assert profile.pages_with("home") == 3
    assert profile.pages_with("menu") == 0  # twice on one page: one page
    assert line_key("|") is None and line_key("7") is None
    assert line_key("$250") is None and line_key("17") is None  # numbers, not template lines
    assert line_key("© 2024 Example") == line_key("© 2025 example")  # CCNet's normalisation


def test_the_detector_is_registered_but_not_in_the_default_pipeline():
    assert "site_repeats" in available()
    assert "site_repeats" not in DEFAULT_PIPELINE
    assert "site_repeats" in Config().enable("site_repeats", after="duplicates").detectors


# --- which site a capture belongs to ------------------------------------------------------------

@pytest.mark.parametrize("capture, url", [
    (b'<html><head><link href="https://news.example.org/a" rel="canonical"></head>',
     "https://news.example.org/a"),
    (b"<html><head><meta content='https://www.example.com/b' property='og:url'>",
     "https://www.example.com/b"),
    (b'<html><head><link rel="canonical" href="/relative/path">', None),
    (b"---\ntitle: A\npermalink: https://blog.example.net/p/1\n---\nText\n",
     "https://blog.example.net/p/1"),
    (b'+++\ntitle = "A"\nurl = "https://example.io/x"\n+++\nText\n', "https://example.io/x"),
    (b'{"url": "https://example.com/j", "html": "<p>Hi</p>"}', "https://example.com/j"),
    (b"Just some text with https://example.com/in-the-body mentioned.\n", None),
])
def test_the_url_a_capture_declares(capture, url):
    assert declared_url(capture) == url


def test_the_site_is_the_fetched_url_then_the_declared_one_then_the_folder():
    html = b'<link rel="canonical" href="https://www.example.com/a">'
    warc = Job("crawl.warc.gz", "https://m.other.org/a", b"", {"url": "https://other.org/a"})
    assert job_site(warc, html) == "other.org"
    assert job_site(Job("pages/site/a.html", "site/a.html"), html) == "example.com"
    assert job_site(Job("pages/site/b.txt", "site/b.txt"), b"no url") == "pages/site/"
    assert job_site(Job("b.txt", "b.txt"), b"no url") == "./"
    assert job_site(Job("-", "<stdin>", b"no url"), b"no url") is None


# --- the count pass ----------------------------------------------------------------------------

def _write_site(folder: Path, count: int, url: str | None = "https://www.example.com/news/",
                quotes: int = 2) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(count):
        path = folder / f"story-{i}.md"
        path.write_text(_story(i, quote=i < quotes, url=url), "utf-8")
        paths.append(path)
    return paths


def test_each_worker_renders_at_most_the_sample_of_a_site(tmp_path):
    paths = _write_site(tmp_path / "site", 6)
    counter = SiteCounter(max_bytes=10**6, sample_pages=2)
    results = [counter(Job(str(p), p.name)) for p in paths]
    assert [r["site"] for r in results] == ["example.com"] * 6
    assert ["keys" in r for r in results] == [True, True, False, False, False, False]


def test_the_sample_holds_the_first_pages_of_each_site_only(tmp_path):
    paths = _write_site(tmp_path / "site", 7)
    jobs = [Job(str(p), p.name) for p in paths]
    sampler = profile_sites(jobs, SiteCounter(max_bytes=10**6, sample_pages=3), workers=2)
    assert sampler.pages == {"example.com": 7}
    assert len(sampler.samples["example.com"]) == 3
    profile = sampler.profiles().profiles["example.com"]
    assert profile.pages == 3
    assert profile.pages_with(cleanse.features.normalize_for_matching(FOOTER)) == 3


def test_over_the_key_budget_the_smallest_sites_are_dropped_deterministically():
    def keys(n: int, start: int) -> np.ndarray:
        return np.arange(start, start + n, dtype=np.uint64)

    sampler = SiteSampler(sample_pages=5, max_keys=100)
    for _ in range(3):
        sampler.add("big.example", keys(20, 0))
    sampler.add("single-a.example", keys(20, 1000))
    sampler.add("single-b.example", keys(20, 2000))  # 100 keys held: at the budget
    assert not sampler.dropped
    sampler.add("single-c.example", keys(20, 3000))  # over: drop the smallest until 75
    assert sampler.dropped == {"single-a.example", "single-b.example", "single-c.example"}
    assert sampler.held == 60
    sampler.add("single-a.example", keys(20, 1000))  # a dropped site is not counted again
    assert "single-a.example" not in sampler.samples
    assert set(sampler.profiles().profiles) == {"big.example"}


# --- batch runs ----------------------------------------------------------------------------------

@pytest.fixture
def site_config(tmp_path) -> Path:
    order = list(DEFAULT_PIPELINE)
    order.insert(order.index("duplicates") + 1, "site_repeats")
    # The footer and newsletter lines are also chrome and newsletter prompts, which a record's
    # span would name instead (the strongest decision): those detectors are off here.
    order = [name for name in order if name not in ("chrome", "newsletter")]
    path = tmp_path / "site.toml"
    path.write_text(f"[pipeline]\ndetectors = {json.dumps(order)}\n", "utf-8")
    return path


def _records(path: Path) -> dict[str, dict]:
    return {r["source"]: r for r in map(json.loads, path.read_text("utf-8").splitlines())}


def _site_spans(record: dict) -> list[str]:
    return [span["reason"] for span in record["removed"] if span["detector"] == "site_repeats"]


def test_a_folder_of_one_site_gets_the_labels_and_no_site_profile_turns_them_off(
        tmp_path, site_config):
    _write_site(tmp_path / "in", 5)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(tmp_path / "in"), "-o", str(out), "-q", "-j", "2",
                 "--config", str(site_config), "--stats", str(stats)]) == 0
    records = _records(out)
    assert len(records) == 5
    assert all("on 5 of 5 pages of example.com" in _site_spans(r) for r in records.values())
    assert json.loads(stats.read_text("utf-8"))["site_profiles"] == {
        "sites": 1, "captures_counted": 5, "sites_dropped_for_memory": 0}

    off = tmp_path / "off.jsonl"
    assert main(["clean", str(tmp_path / "in"), "-o", str(off), "-q", "--config",
                 str(site_config), "--no-site-profile"]) == 0
    assert all(_site_spans(r) == [] for r in _records(off).values())
    fingerprints = {r["options_fingerprint"] for r in records.values()}
    assert fingerprints.isdisjoint(r["options_fingerprint"] for r in _records(off).values())


def test_a_rerun_resumes_and_switching_the_profile_off_cleans_again(tmp_path, site_config):
    _write_site(tmp_path / "in", 4)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    command = ["clean", str(tmp_path / "in"), "-o", str(out), "-q", "--config", str(site_config),
               "--stats", str(stats)]
    assert main(command) == 0
    assert main(command) == 0
    assert json.loads(stats.read_text("utf-8"))["status"] == {"skipped": 4}
    assert main(command + ["--no-site-profile"]) == 0
    summary = json.loads(stats.read_text("utf-8"))
    assert summary["status"] == {"ok": 4} and summary["cleaned_again_for_other_options"] == 4
    assert summary["site_profiles"] is None


def test_the_fingerprint_says_whether_and_how_profiles_were_counted():
    config = Config()
    assert options_fingerprint(config) != options_fingerprint(config, site_profiles=True)
    assert options_fingerprint(config, site_profiles=True) != options_fingerprint(
        Config(site_sample_pages=10), site_profiles=True)
    # Settings of a count pass that did not run change nothing.
    assert options_fingerprint(config) == options_fingerprint(Config(site_sample_pages=10))


def test_sites_come_from_each_capture_not_the_folder(tmp_path, site_config):
    folder = tmp_path / "in"
    _write_site(folder, 4, url="https://one.example/")
    for i in range(2):  # two pages of another site in the same folder: too few for a profile
        (folder / f"other-{i}.md").write_text(_story(i + 4, url="https://two.example/"), "utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["clean", str(folder), "-o", str(out), "-q", "--config", str(site_config)]) == 0
    records = _records(out)
    assert all("on 4 of 4 pages of one.example" in _site_spans(records[f"story-{i}.md"])
               for i in range(4))
    assert _site_spans(records["other-0.md"]) == _site_spans(records["other-1.md"]) == []


def test_same_records_whatever_the_input_order_and_the_workers(tmp_path, site_config):
    paths = [str(p) for p in _write_site(tmp_path / "in", 5, url=None)]
    outputs = []
    for order, jobs in ((paths, "1"), (paths[::-1], "2"), (paths[2:] + paths[:2], "2")):
        out = tmp_path / f"out-{len(outputs)}.jsonl"
        assert main(["clean", *order, "-o", str(out), "-q", "-j", jobs,
                     "--config", str(site_config)]) == 0
        outputs.append(_records(out))
    assert outputs[0] == outputs[1] == outputs[2]
    site = f"{tmp_path / 'in'}/"
    assert all(f"on 5 of 5 pages of {site}" in _site_spans(r) for r in outputs[0].values())


def test_a_single_capture_runs_no_count_pass(tmp_path, site_config):
    path = _write_site(tmp_path / "in", 1)[0]
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(path), "-o", str(out), "-q", "--config", str(site_config),
                 "--stats", str(stats)]) == 0
    assert json.loads(stats.read_text("utf-8"))["site_profiles"] is None


@pytest.mark.parametrize("table, message", [
    ({"site_profile": {"sample_pages": 1}}, "at least 2"),
    ({"site_profile": {"enabled": "no"}}, "true or false"),
    ({"site_profile": {"max_keys": 0}}, "positive"),
    ({"site_profile": {"pages": 5}}, "has no key"),
])
def test_the_count_pass_settings_are_checked(table, message):
    with pytest.raises(ConfigError, match=message):
        Config.from_dict(table)


def test_config_reads_the_count_pass_settings():
    config = Config.from_dict({"site_profile": {"enabled": False, "sample_pages": 8,
                                                "max_keys": 1000}})
    assert (config.site_profile, config.site_sample_pages, config.site_max_keys) == \
        (False, 8, 1000)


# --- training ------------------------------------------------------------------------------------

class _Page(BenchPage):
    """A bench page read from a temporary file, its text and innerText renderings the file
    itself and its markdown rendering made on the spot (none cached)."""

    def text_rendering(self, cache: Path | None = None) -> str:
        return self.html_path.read_text("utf-8")

    def innertext_rendering(self, cache: Path | None = None) -> str:
        return self.html_path.read_text("utf-8")

    def markdown_rendering(self, cache: Path | None = None) -> str:
        return markdown_of(self.html())


def _bench_pages(folder: Path) -> list[BenchPage]:
    pages = []
    for i, (group, url) in enumerate([("one.example", "https://one.example/")] * 3
                                     + [("two.example", "https://two.example/")]):
        path = folder / f"{i}.html"
        body = "".join(f"<p>{line}</p>" for line in _story(i, url=None).split("\n") if line)
        path.write_text(f"<html><body>{body}</body></html>", "utf-8")
        pages.append(_Page("test", str(i), url + str(i), group, "article", "en", "", path))
    return pages


def test_training_counts_site_profiles_only_with_the_detector_in_the_pipeline(
        tmp_path, monkeypatch):
    from training import dataset

    pages = _bench_pages(tmp_path)
    assert dataset.site_profiles(pages, jobs=1) == {}
    enabled = Config().enable("site_repeats", after="duplicates")
    monkeypatch.setattr(dataset.cleanse, "Config", lambda: enabled)
    profiles = dataset.site_profiles(pages, jobs=1)
    assert set(profiles) == {"test/0", "test/1", "test/2"}  # two.example has one page
    html, text, innertext, markdown = profiles["test/0"]
    assert (html.host, html.pages, text.pages, innertext.pages, markdown.pages) == \
        ("one.example", 3, 3, 3, 3)
    footer = cleanse.features.normalize_for_matching(FOOTER)
    assert html.pages_with(footer) == text.pages_with(footer) == \
        innertext.pages_with(footer) == markdown.pages_with(footer) == 3


def test_training_labels_each_rendering_with_its_profile(tmp_path, monkeypatch):
    from training import dataset

    pages = _bench_pages(tmp_path)
    monkeypatch.setattr(dataset, "_DETECTORS", [SiteRepeats()])
    html = SiteProfile.from_pages("one.example", [dataset._page_keys(p)[0] for p in pages[:3]])
    labelled = dataset._label(pages[0].html(), "html", html)
    assert _site_decisions(labelled)[FOOTER] == "on 3 of 3 pages of one.example"
    assert _site_decisions(dataset._label(pages[0].text_rendering(), "text", None)) == {}


def test_warc_records_are_grouped_by_their_target_host(tmp_path, site_config):
    from test_warc import _write_warc

    records = []
    for i in range(4):
        body = "".join(f"<p>{line}</p>" for line in _story(i, url=None).split("\n")[2:] if line)
        html = f"<html><body><article>{body}</article></body></html>".encode()
        host = "www.example.com" if i < 3 else "other.org"
        records.append(("response", f"https://{host}/{i}", "text/html", html))
    _write_warc(tmp_path / "crawl.warc.gz", records)
    out, stats = tmp_path / "out.jsonl", tmp_path / "stats.json"
    assert main(["clean", str(tmp_path / "crawl.warc.gz"), "-o", str(out), "-q",
                 "--config", str(site_config), "--stats", str(stats)]) == 0
    assert len(_records(out)) == 4
    # Grouped by target host, not by the one file they share: example.com's three pages make
    # a profile, other.org's single page none (whatever the arbiter then makes of the
    # labels: the shipped model has no column of its own for this optional detector).
    assert json.loads(stats.read_text("utf-8"))["site_profiles"] == {
        "sites": 1, "captures_counted": 3, "sites_dropped_for_memory": 0}
    example = [r for source, r in _records(out).items() if "example.com" in source]
    assert len(example) == 3 and all(r["metadata"]["hostname"] == "example.com"
                                     for r in example)
