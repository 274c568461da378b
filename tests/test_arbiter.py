"""The evidence rows and the arbiter that decides from them, with the shipped model."""

from __future__ import annotations

import gzip
import json
import math
import shutil
from collections.abc import Callable
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

import cleanse
from cleanse.config import MODES
from cleanse.deciding import evidence
from cleanse.deciding.arbiter import (
    CAPTION_REPEATS,
    HARD_DETECTORS,
    PAGE_SUMMARY,
    STANDFIRST_MARGIN,
    Arbiter,
    ModelError,
    PageThreshold,
    _decide_runs_whole,
    _drop_kept_captions,
    _drop_kept_copies,
    _drop_kept_feeds,
    _drop_kept_image_addresses,
    _drop_kept_quotes,
    _keep_headings,
    _keep_list_items,
    _keep_prose,
    _keep_standfirst,
    _keep_structure_items,
    _structures,
    load_model,
    page_summary,
)
from cleanse.deciding.evidence import COLUMN, FEATURES, page_features
from cleanse.features import line_features
from cleanse.model import Line
from cleanse.reading.capture import to_capture

from helpers import EN, ZH_HANS, page

SHIPPED = Path(str(resources.files("cleanse") / "data" / "arbiter"))
NEWSLETTER = "Subscribe to our newsletter for the latest news delivered to your inbox"


def labelled(text: str, kind: str | None = None) -> cleanse.model.Page:
    return cleanse.Pipeline().label(to_capture(text, kind=kind))


def row_of(text: str, needle: str, kind: str | None = None) -> dict[str, float]:
    lines, rows = page_features(labelled(text, kind))
    index = next(i for i, line in enumerate(lines) if needle in line.text)
    return dict(zip(FEATURES, rows[index]))


def test_one_row_per_non_blank_line_with_every_feature():
    text = page("Home | News | Sport", *EN, NEWSLETTER)
    lines, rows = page_features(labelled(text))
    assert [line.text for line in lines] == [line for line in text.split("\n") if line]
    assert rows.shape == (len(lines), len(FEATURES))
    assert len(set(FEATURES)) == len(FEATURES)


def test_detector_labels_become_evidence_by_detector_and_category():
    row = row_of(page(*EN, NEWSLETTER), "Subscribe")
    assert row["detector_newsletter"] >= 0.5
    assert row["category_newsletter"] >= 0.5
    assert row["strongest_junk"] >= 0.5
    body = row_of(page(*EN, NEWSLETTER), EN[1][:30])
    assert body["strongest_junk"] == 0.0 and body["prose"] == 1.0


def test_text_captures_have_no_dom_evidence_and_html_has_it():
    text_row = row_of(page(*EN), EN[0][:30])
    assert text_row["is_html"] == 0.0 and math.isnan(text_row["link_density"])
    html = ("<html><body><nav><a href='/'>Home</a> <a href='/n'>News</a></nav><article>"
            + "".join(f"<p>{p}</p>" for p in EN) + "</article></body></html>")
    article = row_of(html, EN[0][:30], kind="html")
    menu = row_of(html, "Home", kind="html")
    assert article["is_html"] == 1.0 and article["tag_p"] == 1.0 and article["in_article"] == 1.0
    assert article["main_content"] == 1.0 and menu["main_content"] == 0.0
    assert menu["link_density"] >= 0.8 and menu["furniture_nav"] == 1.0


def test_hidden_streamed_content_is_rendered_and_marked():
    html = ("<html><body><div>Loading…</div><div hidden id='S:0'>"
            + "".join(f"<p>{p}</p>" for p in EN) + "</div></body></html>")
    row = row_of(html, EN[2][:30], kind="html")
    assert row["hidden"] == 1.0
    assert cleanse.clean(html, kind="html").text  # the streamed article is not lost


def test_windows_see_the_neighbourhood():
    _, rows = page_features(labelled(page(*EN, *["Menu item"] * 12)))
    prose = rows[:, COLUMN["prose_w5"]]
    assert prose[0] > prose[-1]  # the first line sits among prose, the last among menu items
    assert rows[-1, COLUMN["short_run"]] == pytest.approx(math.log1p(12))


def test_a_feed_of_teasers_after_the_article_repeats_its_shapes():
    feed = []
    for i in range(4):
        feed += [f"Another story number {i} with a title", "Jan 12, 2026", "News"]
    _, rows = page_features(labelled(page(*EN, *feed)))
    repeats, after = rows[:, COLUMN["shape_repeats"]], rows[:, COLUMN["unpatterned_prose_after"]]
    article, teasers = slice(0, len(EN)), slice(len(EN), None)
    assert np.all(repeats[article] == 0)
    assert np.all(repeats[teasers] == pytest.approx(math.log1p(4)))
    assert after[0] > 0 and np.all(after[teasers] == 0)


@pytest.mark.parametrize("text, gaps", [
    ("首页 新闻 财经 体育 科技", 4),          # a menu row: items, not words
    ("首页\u3000\u3000新闻\t财经", 2),      # a run of any spacing is one gap
    ("ニュース 天気　スポーツ", 2),            # kana and Han alike
    ("上海地铁新线获批，明年开通。", 0),        # prose has no spaces
    ("苹果 iPhone 发布会", 0),               # a space next to Latin script is a word's
    ("한국어 문장은 띄어 씁니다", 0),           # Hangul is written with spaces
    ("Home News Sport", 0),
])
def test_spaces_between_han_or_kana_count_as_item_gaps(text, gaps):
    line = Line(1, text, line_features(text))
    assert evidence._line_row(line)[COLUMN["item_gaps"]] == gaps
    assert evidence._line_rows([line])[0][COLUMN["item_gaps"]] == gaps  # native when built


@pytest.mark.parametrize("shapes, expected", [
    ([1, 2] * 3, [3] * 6),                      # a pattern of two shapes, three times
    ([1, 2] * 2, [0] * 4),                      # twice is not yet a pattern
    ([5] * 8, [0] * 8),                         # one shape again and again is a run
    ([0, 1, 2] * 3 + [7, 7], [3] * 9 + [0, 0]),  # the pattern ends where the shapes change
])
def test_shape_repeats_count_back_to_back_patterns(shapes, expected):
    assert evidence._shape_repeats(np.array(shapes)).tolist() == [
        pytest.approx(math.log1p(n)) if n else 0.0 for n in expected]


def test_the_arbiter_keeps_an_article_and_drops_its_furniture():
    capture = page("Skip to main content", "Home | World | Business | Sport", *EN,
                   NEWSLETTER, "© 2024 Example News. All rights reserved.")
    doc = cleanse.clean(capture)
    for paragraph in EN:
        assert paragraph in doc.text
    assert "Skip to main content" not in doc.text and NEWSLETTER not in doc.text


def test_every_removed_span_says_who_and_how_sure():
    capture = page("Skip to main content", "Home | World | Business", *ZH_HANS, NEWSLETTER)
    doc = cleanse.clean(capture)
    assert doc.removed
    for span in doc.removed:
        assert span.detector and span.rule and span.reason
        if span.detector in HARD_DETECTORS:
            assert span.junk_probability is None
        else:
            assert 0.0 <= span.junk_probability <= 1.0
    record = doc.to_dict()
    assert all("junk_probability" in span for span in record["removed"])
    assert "p(junk)" in doc.explain() or "hard rule" in doc.explain()


def test_hard_rules_remove_whatever_the_model_says():
    capture = "---\ntitle: Light rail\n---\n\nSkip to main content\n\n" + page(*EN)
    keep_all = cleanse.Pipeline(cleanse.Config())
    keep_all.arbiter = Arbiter(keep_threshold=0.001)
    doc = keep_all.clean(capture)
    assert "Skip to main content" not in doc.text and "title:" not in doc.text
    assert {s.detector for s in doc.removed} >= {"front_matter", "skip_links"}


def test_a_page_with_text_never_comes_out_empty():
    strict = cleanse.Pipeline(cleanse.Config())
    strict.arbiter = Arbiter(keep_threshold=0.999)
    doc = strict.clean(page(*EN))
    assert doc.status is cleanse.Status.OK and doc.text
    assert any("no line reached the keep threshold" in w for w in doc.warnings)


def test_modes_are_nested_thresholds_on_one_probability():
    capture = page("Home | World | Business", "Trending: Markets rally as rates fall",
                   *EN, "Related: Ten things to know about trains", NEWSLETTER)
    kept = {}
    for mode in ("precision", "balanced", "recall"):
        doc = cleanse.clean(capture, config=cleanse.Config(mode=mode))
        kept[mode] = set(doc.text.split("\n"))
    assert kept["precision"] <= kept["balanced"] <= kept["recall"]


def test_page_summary_reads_the_spread_of_probabilities_at_any_scale():
    sure = np.array([0.95, 0.9, 0.05, 0.02])
    unsure = np.array([0.35, 0.3, 0.3, 0.1])
    weights = np.array([40.0, 30.0, 3.0, 2.0])
    summary = page_summary(sure, weights, html=True)
    assert len(summary) == len(PAGE_SUMMARY) - 1  # the candidate is added per row
    assert summary == pytest.approx(page_summary(sure, weights * 7.0, html=True))  # shares
    named = dict(zip(PAGE_SUMMARY, summary))
    assert named["html"] == 1.0 and named["max_probability"] == 0.95
    assert sum(named[f"token_share_{i}"] for i in range(10)) == pytest.approx(1.0)
    assert named["token_share_9"] == pytest.approx(70 / 75)
    # Keeping the two sure lines is the best bet; on the unsure page the bet is worse and
    # reaches further down.
    assert named["expected_f1_threshold"] == 0.9
    unsure_named = dict(zip(PAGE_SUMMARY, page_summary(unsure, weights, html=False)))
    assert unsure_named["expected_f1"] < named["expected_f1"]
    assert unsure_named["expected_f1_threshold"] <= 0.3
    assert page_summary(np.array([]), np.array([]), html=False)[0] == 0.0


class _Gains:
    """A stand-in forest predicting a fixed gain per candidate (the last column)."""

    def __init__(self, gains: dict[float, float]) -> None:
        self.gains = gains

    def raw_scores(self, rows: np.ndarray) -> np.ndarray:
        assert rows.shape[1] == len(PAGE_SUMMARY)
        return np.array([self.gains[row[-1]] for row in rows])


@pytest.mark.parametrize("gains, chosen", [
    ({0.3: 0.05, 0.5: 0.0, 0.6: 0.01}, 0.3),     # a clear gain moves the threshold
    ({0.3: 0.015, 0.5: 0.0, 0.6: 0.01}, 0.5),    # gains under the margin do not
    ({0.3: 0.04, 0.5: 0.0, 0.6: 0.04}, 0.3),     # a tie takes the first candidate
])
def test_the_page_threshold_moves_only_for_a_predicted_gain(gains, chosen):
    model = PageThreshold(_Gains(gains), candidates=(0.3, 0.5, 0.6), base=0.5, margin=0.02)
    p = np.array([0.9, 0.4, 0.1])
    assert model.choose(p, np.ones(3), html=False) == chosen


def test_the_shipped_page_threshold_keeps_the_modes_nested():
    chooser = load_model().page_threshold
    assert chooser is not None and chooser.base == MODES["balanced"]
    assert MODES["recall"] <= min(chooser.candidates)
    assert max(chooser.candidates) <= MODES["precision"]


def test_balanced_mode_judges_each_page_with_its_own_threshold():
    """Only the balanced mode moves the threshold, and only when configured to."""
    listing = page("Home | Shop", *[f"Item {i}: a plain cotton shirt, {10 + i} euros"
                                    for i in range(12)])
    chosen = {}
    for name, config in {"balanced": cleanse.Config(),
                         "fixed": cleanse.Config(page_threshold=False),
                         "precision": cleanse.Config(mode="precision")}.items():
        built = cleanse.Pipeline(config)
        chosen[name] = built.arbiter.judge(built.label(to_capture(listing))).threshold
    assert chosen["fixed"] == MODES["balanced"] and chosen["precision"] == MODES["precision"]
    assert chosen["balanced"] in load_model().page_threshold.candidates
    assert cleanse.Config.from_dict({"arbiter": {"page_threshold": False}}).page_threshold is False


def test_the_record_says_which_threshold_judged_the_page():
    """The record carries the threshold the arbiter judged the page with; a capture that was
    never judged has none."""
    capture = page("Skip to main content", "Home | World | Business", *EN, NEWSLETTER)
    for config in (cleanse.Config(), cleanse.Config(mode="precision")):
        built = cleanse.Pipeline(config)
        judged = built.arbiter.judge(built.label(to_capture(capture))).threshold
        record = built.clean(capture).to_dict()
        assert record["keep_threshold"] == judged
    assert judged == MODES["precision"]
    assert cleanse.clean(b"\x89PNG\r\n\x1a\n\0\0").to_dict()["keep_threshold"] is None


def test_same_input_same_output():
    capture = page("Home | World", *EN, NEWSLETTER)
    assert cleanse.clean(capture).to_dict() == cleanse.clean(capture).to_dict()


def test_shipped_model_matches_the_evidence_and_is_calibrated():
    model = load_model()
    # The main model reads every column but the one that routes captures to the linked model.
    assert model.manifest["features"] == [f for f in FEATURES if f != "page_link_markup_share"]
    xs, ys = model.calibration_x, model.calibration_y
    assert np.all(np.diff(xs) > 0) and np.all(np.diff(ys) >= 0)
    assert model.manifest["training_data"]["pages_per_dataset"]


def test_a_model_for_features_this_version_does_not_compute_is_refused(tmp_path):
    other = tmp_path / "model"
    shutil.copytree(SHIPPED, other)
    manifest = json.loads((other / "manifest.json").read_text("utf-8"))
    manifest["features"][-1] = "a_feature_from_the_future"
    (other / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(cleanse.ConfigError, match="a_feature_from_the_future"):
        cleanse.Pipeline(cleanse.Config(arbiter_model=str(other)))


def test_a_model_reads_its_own_columns_by_name(tmp_path):
    """A model trained before the evidence grew new columns keeps working."""
    import lightgbm

    names = ["prose", "log_tokens"]  # long prose is article text, anything else is not
    rng = np.random.default_rng(0)
    rows = rng.uniform(0, 6, size=(400, 2))
    labels = (rows[:, 0] > 3) & (rows[:, 1] > 3)
    booster = lightgbm.train({"objective": "binary", "verbose": -1, "min_data_in_leaf": 5},
                             lightgbm.Dataset(rows, labels.astype(float)), num_boost_round=20)
    other = tmp_path / "model"
    other.mkdir()
    (other / "model.txt.gz").write_bytes(gzip.compress(booster.model_to_string().encode()))
    (other / "manifest.json").write_text(json.dumps({"features": names}), "utf-8")
    model = load_model(str(other))
    _, evidence = page_features(labelled(page(*EN, "Menu item")))
    probabilities = model.keep_probabilities(evidence)
    expected = booster.predict(evidence[:, [COLUMN[name] for name in names]])
    assert len(FEATURES) > len(names)
    assert np.allclose(probabilities, expected)


@pytest.mark.parametrize("damage", ["missing", "not gzip"])
def test_an_unreadable_model_is_a_config_error(tmp_path, damage):
    other = tmp_path / "model"
    shutil.copytree(SHIPPED, other)
    if damage == "missing":
        (other / "model.txt.gz").unlink()
    else:
        (other / "model.txt.gz").write_bytes(b"not a model")
    with pytest.raises(cleanse.ConfigError):
        cleanse.Pipeline(cleanse.Config(arbiter_model=str(other)))


def test_a_user_model_directory_is_used(tmp_path):
    other = tmp_path / "model"
    shutil.copytree(SHIPPED, other)
    text = gzip.decompress((other / "model.txt.gz").read_bytes())
    (other / "model.txt.gz").write_bytes(gzip.compress(text))
    config = cleanse.Config(arbiter_model=str(other))
    assert cleanse.Pipeline(config).clean(page(*EN)).text == cleanse.clean(page(*EN)).text
    with pytest.raises(ModelError):
        Arbiter(keep_threshold=1.5)


HEADLINES = ["Bus fares rise again next month", "Bridge closes for three weeks of repairs",
             "New cycle lanes open on the ring road"]
# A reader service's markdown: the related headlines are links (3 of 8 lines).
LINKED_CAPTURE = page(*EN, "Read more", *(f"* [{headline}](https://news.example/{i})"
                                          for i, headline in enumerate(HEADLINES)))
HTML_CAPTURE = ("<html><body><article>" + "".join(f"<p>{p}</p>" for p in EN)
                + "".join(f"<p><a href='/{i}'>{h}</a></p>" for i, h in enumerate(HEADLINES))
                + "</article></body></html>")


def test_the_share_of_link_marked_lines_is_page_evidence_of_text_captures_only():
    assert row_of(LINKED_CAPTURE, EN[0][:30])["page_link_markup_share"] == pytest.approx(3 / 8)
    assert row_of(page(*EN, "Read more", *HEADLINES), EN[0][:30])["page_link_markup_share"] == 0
    assert math.isnan(row_of(HTML_CAPTURE, EN[0][:30], kind="html")["page_link_markup_share"])


def test_earlier_copies_count_the_lines_that_said_the_same_before():
    # The description again in a tab (case and punctuation aside): the second copy has one
    # before it; the first copy, and a line said once, have none.
    text = page(*EN, "Size guide", EN[1].upper().rstrip("."), "Delivery in 3 days")
    lines, rows = page_features(labelled(text))
    earlier = rows[:, COLUMN["earlier_copies"]]
    copies = [i for i, line in enumerate(lines) if line.match_key == lines[1].match_key]
    assert len(copies) == 2 and copies[0] == 1
    assert earlier[copies[1]] == math.log1p(1)
    assert not earlier[[i for i in range(len(lines)) if i != copies[1]]].any()


def test_captures_that_mark_their_links_are_judged_by_the_linked_model(tmp_path):
    other = tmp_path / "model"
    shutil.copytree(SHIPPED, other)
    spec = json.loads((other / "manifest.json").read_text("utf-8"))["linked"]
    linked = other / spec["model"]
    manifest = json.loads((linked / "manifest.json").read_text("utf-8"))
    manifest["calibration"] = {"x": [0.0, 1.0], "y": [1.0, 1.0]}  # every line: article
    (linked / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    arbiter = Arbiter(model=str(other))

    def probabilities(text: str, kind: str | None = None) -> set[float]:
        return {v.keep_probability for v in arbiter.judge(labelled(text, kind)).verdicts}

    assert probabilities(LINKED_CAPTURE) == {1.0}
    assert probabilities(page(*EN, "Read more", *HEADLINES)) != {1.0}
    assert probabilities(HTML_CAPTURE, kind="html") != {1.0}


@pytest.mark.parametrize("capture, kind, judged_by", [
    (LINKED_CAPTURE, None, "linked"),
    (page(*EN, "Read more", *HEADLINES), None, "main"),
    (HTML_CAPTURE, "html", "main"),
], ids=["markdown", "text", "html"])
def test_the_record_names_the_model_that_judged_it(capture, kind, judged_by):
    record = cleanse.clean(capture, kind=kind).to_dict()
    assert record["arbiter_model"] == judged_by


def test_the_shipped_linked_model_reads_the_same_evidence():
    model = load_model()
    assert model.linked is not None and 0.0 < model.linked_share <= 1.0
    # Every column but the text captures' shape-pattern ones, which cost the markdown model
    # (docs/arbiter.md, "Session 14"): trained with --without them.
    left_out = ("shape_repeats", "unpatterned_prose_after")
    assert tuple(model.linked.manifest["features"]) == tuple(
        f for f in FEATURES if f not in left_out)
    assert model.linked.linked is None


@pytest.mark.parametrize("spec", [{"model": "..", "min_link_markup_share": 0.02},
                                  {"model": "linked", "min_link_markup_share": 0.0},
                                  {"model": "linked"}, {"model": "missing",
                                                        "min_link_markup_share": 0.02}])
def test_a_badly_described_linked_model_is_a_config_error(tmp_path, spec):
    other = tmp_path / "model"
    shutil.copytree(SHIPPED, other)
    manifest = json.loads((other / "manifest.json").read_text("utf-8"))
    manifest["linked"] = spec
    (other / "manifest.json").write_text(json.dumps(manifest), "utf-8")
    with pytest.raises(cleanse.ConfigError, match=r"linked|cannot read"):
        cleanse.Pipeline(cleanse.Config(arbiter_model=str(other)))


def test_arbiter_only_removals_say_so_and_explain_on_request():
    pipeline = cleanse.Pipeline(cleanse.Config(detectors=("title",)))
    capture = page("Home | World | Business | Sport", *EN, "© 2024 Example News")
    doc = pipeline.clean(capture, explain=True)
    alone = [span for span in doc.removed if span.detector == "arbiter"]
    assert alone, "with no detector but the title, every removal is the arbiter's own"
    for span in alone:
        assert span.reason.startswith("no detector flagged")
        assert span.evidence and all("=" in item for item in span.evidence)
        assert "evidence:" in doc.explain()
    assert not any(span.evidence for span in pipeline.clean(capture).removed)


@pytest.mark.parametrize("paragraphs_kept, copy_kept", [(True, False), (False, True)])
def test_a_copy_goes_only_when_what_it_repeats_is_kept(paragraphs_kept, copy_kept):
    paragraphs = [" ".join([p] * 4) for p in EN]
    page_ = labelled(page(*paragraphs, " ".join(paragraphs)))
    lines = page_.content_lines()
    assert [d.rule for d in lines[-1].decisions if d.detector == "copies"] == \
        ["copy_of_page_text"]
    keep = [paragraphs_kept] * len(paragraphs) + [True]
    _drop_kept_copies(lines, keep)
    assert keep[-1] is copy_kept  # the text is in the document once, never lost


def test_a_kept_quote_goes_when_a_line_before_it_holds_its_text():
    html = ("<html><body><h1>Which saw should I buy first?</h1>"
            "<div><p>I am new to woodworking and I would like advice on which saw to buy first "
            "for small furniture projects at home.</p></div>"
            "<div><blockquote>which saw to buy first for small furniture projects</blockquote>"
            "<p>A good crosscut handsaw is enough to start with; add a table saw later.</p></div>"
            "<div><blockquote>Quoted words that no earlier line of the page contains at all"
            "</blockquote></div></body></html>")
    page_ = labelled(html, kind="html")
    lines = page_.content_lines()
    quotes = [i for i, line in enumerate(lines) if line.hints.get("quote")]
    assert len(quotes) == 2
    keep = [True] * len(lines)
    _drop_kept_quotes(lines, keep)
    assert keep[quotes[0]] is False  # the reply's quote of the question
    assert keep[quotes[1]] is True  # a quote of nothing on the page stays
    assert all(keep[i] for i in range(len(lines)) if i not in quotes)


def test_a_repeated_quote_is_removed_by_a_rule_that_says_so():
    html = ("<html><body><h1>Which saw should I buy first?</h1>"
            "<p>I am new to woodworking and I would like advice on which saw to buy first "
            "for small furniture projects at home.</p>"
            "<blockquote>which saw to buy first for small furniture projects</blockquote>"
            "<p>A good crosscut handsaw is enough to start with; add a table saw later.</p>"
            "</body></html>")
    # A threshold so low the model keeps every line: only the rule can remove the quote.
    judgement = Arbiter(keep_threshold=0.001).judge(labelled(html, kind="html"), explain=True)
    (quote,) = [v for v in judgement.verdicts if v.line.hints.get("quote")]
    assert not quote.kept
    assert (quote.decision.detector, quote.decision.rule) == ("arbiter", "repeated_quote")
    assert quote.evidence == ()  # no learned evidence is claimed for a rule's removal


def test_a_markdown_reply_quoting_the_post_drops_the_quote():
    text = ("# Which saw should I buy first?\n\n"
            "I am new to woodworking and I would like advice on which saw to buy first for "
            "small furniture projects at home.\n\n"
            "> which saw to buy first for small furniture projects\n\n"
            "A good crosscut handsaw is enough to start with; add a table saw later.\n")
    lines = labelled(text).content_lines()
    (quote,) = [i for i, line in enumerate(lines) if line.text.startswith(">")]
    keep = [True] * len(lines)
    assert _drop_kept_quotes(lines, keep, html=False) == [quote]
    assert keep.count(False) == 1


def test_a_quote_stays_when_what_it_repeats_was_removed():
    html = ("<html><body><h1>Title</h1><p>Original words of the first post that were "
            "removed by the arbiter here.</p><blockquote>Original words of the first post "
            "that were removed</blockquote></body></html>")
    lines = labelled(html, kind="html").content_lines()
    keep = [not (line.features.tokens > 8 and not line.hints.get("quote")) for line in lines]
    _drop_kept_quotes(lines, keep)
    assert keep[next(i for i, line in enumerate(lines) if line.hints.get("quote"))] is True


IMAGE_ADDRESSES = ["https://cdn.example.net/images/160x160/5001_TEE_BONE_THUMB.jpg",
                   "//img.example.org/p/1.webp?w=320", "http://a.example/b/IMG_7.PNG"]
NOT_IMAGE_ADDRESSES = [
    "See https://cdn.example.net/images/photo.jpg for the full picture.",  # a sentence
    "https://example.org/docs/install.html",  # a page, not an image
    "image.jpg",  # a file name, no address
    "cat_thumb_Bone:"]


def test_an_image_address_alone_on_a_kept_line_goes():
    text = page(*EN, *IMAGE_ADDRESSES, *NOT_IMAGE_ADDRESSES)
    lines = labelled(text).content_lines()
    keep = [True] * len(lines)
    keep[-1] = False  # a removed line stays removed and is not counted as the rule's
    removed = _drop_kept_image_addresses(lines, keep)
    assert [lines[i].text for i in removed] == IMAGE_ADDRESSES
    assert [line.text for line, kept in zip(lines, keep) if not kept] == \
        [*IMAGE_ADDRESSES, NOT_IMAGE_ADDRESSES[-1]]


def test_an_image_address_is_removed_by_a_rule_that_says_so():
    html = ("<html><body><h1>The Staple Tee</h1><p>Enduring comfort in a regular fit, crafted "
            "from combed cotton, with side seams and double needle hems.</p>"
            f"<div>{IMAGE_ADDRESSES[0]}</div></body></html>")
    # A threshold so low the model keeps every line: only the rule can remove the address.
    judgement = Arbiter(keep_threshold=0.001).judge(labelled(html, kind="html"))
    (address,) = [v for v in judgement.verdicts if v.line.text.strip() == IMAGE_ADDRESSES[0]]
    assert not address.kept
    assert (address.decision.detector, address.decision.rule) == ("arbiter", "image_address")
    assert all(v.kept for v in judgement.verdicts if v is not address)


STANDFIRST_PAGE = ("Rivers return to the valley after the dam comes down\n\n"
                   "A town rethinks its water\n\n"
                   "The old dam was removed in March, and within weeks the river had found its "
                   "former bed. Fishermen say the trout came back before the summer.\n")


@pytest.mark.parametrize("probability, after_kept, expected", [
    (0.45, True, True),    # unsure, text after it kept: a standfirst
    (0.5 - STANDFIRST_MARGIN + 0.02, True, True),  # as far below as the rule reaches
    (0.5 - STANDFIRST_MARGIN - 0.05, True, False),  # the model is sure it is junk
    (0.45, False, False),  # nothing kept after it: not introducing the article
])
def test_the_line_after_the_title_stays_when_the_model_was_unsure(probability, after_kept,
                                                                  expected):
    lines = labelled(STANDFIRST_PAGE).content_lines()
    assert not lines[1].decisions  # no detector labels the subtitle
    keep = [True, False, after_kept]
    _keep_standfirst(lines, [0.9, probability, 0.9], keep, 0.5, title=0)
    assert keep[1] is expected


def test_a_labelled_line_after_the_title_is_not_a_standfirst():
    lines = labelled(STANDFIRST_PAGE.replace("A town rethinks its water",
                                             "By Jane Doe | March 3, 2026")).content_lines()
    assert lines[1].decisions  # a byline: metadata, not the article's text
    keep = [True, False, True]
    _keep_standfirst(lines, [0.9, 0.45, 0.9], keep, 0.5, title=0)
    assert keep[1] is False


LIST_PAGE = ("The council listed what the new budget changes for residents this year.\n\n"
             "- Bus fares fall by a tenth from April\n- Libraries open on Sundays\n"
             "- Parks get new lights\n- Ten more crossings\n\n"
             "The plan goes to a public hearing next month before the final vote.\n")


@pytest.mark.parametrize("probabilities, expected", [
    ([0.9, 0.8, 0.8, 0.45, 0.42, 0.9], [True] * 6),      # the unsure tail stays, item by item
    ([0.9, 0.45, 0.42, 0.8, 0.3, 0.9], [True, True, True, True, False, True]),  # and the head
    ([0.9, 0.8, 0.8, 0.45, 0.35, 0.9], [True, True, True, True, False, True]),  # sure junk goes
    ([0.9, 0.3, 0.3, 0.45, 0.45, 0.9], [True, False, False, False, False, True]),  # no kept item
])
def test_an_unsure_item_next_to_a_kept_item_of_its_list_stays(probabilities, expected):
    lines = labelled(LIST_PAGE).content_lines()
    assert [line.features.list_item for line in lines] == [False, True, True, True, True, False]
    assert not any(line.decisions for line in lines[1:5])
    keep = [p >= 0.5 for p in probabilities]
    _keep_list_items(lines, probabilities, keep, 0.5)
    assert keep == expected


def test_a_labelled_list_item_is_not_kept_for_its_neighbours():
    lines = labelled(LIST_PAGE).content_lines()
    lines[4].decisions.append(cleanse.Decision("menus", "menu_run", cleanse.Category.NAV, 0.7, ""))
    keep = [True, True, True, False, False, True]
    _keep_list_items(lines, [0.9, 0.8, 0.8, 0.45, 0.45, 0.9], keep, 0.5)
    assert keep == [True, True, True, True, False, True]


PROSE_PAGE = ("The council approved the new light rail line after years of debate.\n\n"
              "Officials said the line would run for twenty-eight kilometres in all.\n\n"
              "Share this story\n\n"
              "Some residents worry that construction will disrupt roads for years.\n\n"
              "Others expect the project to shorten their commutes by half an hour.\n")


@pytest.mark.parametrize("probabilities, expected", [
    ([0.9, 0.45, 0.1, 0.8, 0.45], [True, True, False, True, True]),    # unsure edges stay
    ([0.9, 0.35, 0.1, 0.8, 0.45], [True, False, False, True, True]),   # sure junk goes
    ([0.45, 0.45, 0.1, 0.45, 0.9], [False, False, False, True, True]),  # the share line stops it
    ([0.45, 0.45, 0.1, 0.3, 0.3], [False] * 5),                        # no kept prose
])
def test_an_unsure_paragraph_next_to_kept_prose_stays(probabilities, expected):
    lines = labelled(PROSE_PAGE).content_lines()
    assert [line.features.prose for line in lines] == [True, True, False, True, True]
    keep = [p >= 0.5 for p in probabilities]
    _keep_prose(lines, probabilities, keep, 0.5)
    assert keep == expected


def test_a_labelled_paragraph_is_not_kept_for_its_neighbours():
    lines = labelled(PROSE_PAGE).content_lines()
    lines[4].decisions.append(cleanse.Decision("related_lists", "comment_section",
                                               cleanse.Category.BOILERPLATE, 0.7, ""))
    keep = [True, True, False, True, False]
    _keep_prose(lines, [0.9, 0.8, 0.1, 0.8, 0.45], keep, 0.5)
    assert keep == [True, True, False, True, False]


SECTIONS_PAGE = ("# Using the widget API\n\n"
                 "The widget API creates, updates and deletes widgets from your own code.\n\n"
                 "## id\n\n"
                 "The identifier returned when the widget was created, used by every call.\n\n"
                 "## name\n\n"
                 "The display name, unique within your account and shown in every list.\n")
SECTIONS_HTML = ("<html><body><article><h1>Using the widget API</h1>"
                 "<p>The widget API creates, updates and deletes widgets from your own code.</p>"
                 "<h3>id</h3><p>The identifier returned when the widget was created.</p>"
                 "</article></body></html>")


@pytest.mark.parametrize("probability, neighbours_kept, expected", [
    (0.45, (True, True), True),     # unsure, inside kept text: the section's heading
    (0.35, (True, True), False),    # the model is sure it is junk
    (0.45, (True, False), False),   # nothing kept after it: it heads nothing kept
    (0.45, (False, True), False),   # nothing kept before it: the text's edge, not inside
])
def test_an_unsure_heading_between_kept_lines_stays(probability, neighbours_kept, expected):
    lines = labelled(SECTIONS_PAGE).content_lines()
    assert [line.features.heading for line in lines] == [True, False, True, False, True, False]
    probabilities = [0.9, 0.9, probability, 0.9, 0.9, 0.9]
    keep = [p >= 0.5 for p in probabilities]
    keep[1], keep[3] = neighbours_kept
    _keep_headings(lines, [None] * len(lines), probabilities, keep, 0.5)
    assert keep[2] is expected


def test_an_html_subheading_between_kept_paragraphs_stays():
    lines = labelled(SECTIONS_HTML, kind="html").content_lines()
    heading = next(i for i, line in enumerate(lines) if line.text == "id")
    assert lines[heading].hints["tag"] == "h3" and not lines[heading].features.heading
    keep = [i != heading for i in range(len(lines))]
    _keep_headings(lines, [None] * len(lines), [0.45] * len(lines), keep, 0.5)
    assert keep[heading] is True


def test_a_line_opening_with_a_hash_sign_is_no_heading():
    lines = labelled(SECTIONS_PAGE.replace("## id", "#1")).content_lines()
    assert lines[2].features.heading  # the line features call any "#" line a heading
    keep = [i != 2 for i in range(len(lines))]
    _keep_headings(lines, [None] * len(lines), [0.45] * len(lines), keep, 0.5)
    assert keep[2] is False


def test_a_hard_rule_or_prompt_heading_is_not_kept_by_its_neighbours():
    lines = labelled(SECTIONS_PAGE).content_lines()
    keep = [i != 2 for i in range(len(lines))]
    hard = [None] * len(lines)
    hard[2] = cleanse.Decision("skip_links", "skip_link", cleanse.Category.NAV, 1.0, "")
    _keep_headings(lines, hard, [0.45] * len(lines), keep, 0.5)
    assert keep[2] is False
    lines[2].decisions.append(cleanse.Decision("newsletter", "subscribe_prompt",
                                               cleanse.Category.NEWSLETTER, 0.9, ""))
    _keep_headings(lines, [None] * len(lines), [0.45] * len(lines), keep, 0.5)
    assert keep[2] is False


THREAD_PAGE = ("The council approved the new line after years of debate about its cost.\n\n"
               + "\n".join(f"* Reply: well said [reader {n}] 08-1{n} 17:0{n} [15{n}/1]"
                           for n in range(1, 6))
               + "\n\nThe first trains are due to run in the spring of next year.\n")


def thread(rule_of_line: dict[int, tuple[str, str]] | None = None) -> tuple[list, np.ndarray]:
    """THREAD_PAGE's lines and rows, its five replies labelled by one rule (or as given)."""
    lines, rows = page_features(labelled(THREAD_PAGE))
    assert [line.features.list_item for line in lines] == [False] + [True] * 5 + [False]
    for i in range(1, 6):
        lines[i].decisions.clear()
        detector, rule = (rule_of_line or {}).get(i, ("headline_runs", "dated_headline_run"))
        lines[i].decisions.append(cleanse.Decision(detector, rule, cleanse.Category.TRENDING,
                                                   0.7, ""))
    return lines, rows


@pytest.mark.parametrize("probabilities, expected", [
    # The model drifts down the run, away from the article: the run goes whole ...
    ([0.9, 0.56, 0.52, 0.45, 0.4, 0.3, 0.9], [True] + [False] * 5 + [True]),
    # ... or, when the run as a whole looks like the article, stays whole.
    ([0.9, 0.8, 0.7, 0.55, 0.45, 0.3, 0.9], [True] * 7),
])
def test_a_run_one_rule_labelled_is_decided_whole(probabilities, expected):
    lines, rows = thread()
    keep = [p >= 0.5 for p in probabilities]
    _decide_runs_whole(lines, rows, [None] * len(lines), np.array(probabilities), keep, 0.5)
    assert keep == expected


@pytest.mark.parametrize("rule_of_line", [
    {3: ("menus", "menu_run")},  # another rule in the middle: two runs of two
    {i: ("main_region", "outside_region_after") for i in range(1, 6)},  # a region, not a run
])
def test_what_is_not_a_run(rule_of_line):
    lines, rows = thread(rule_of_line)
    probabilities = [0.9, 0.56, 0.52, 0.45, 0.4, 0.3, 0.9]
    keep = [p >= 0.5 for p in probabilities]
    _decide_runs_whole(lines, rows, [None] * len(lines), np.array(probabilities), keep, 0.5)
    assert keep == [p >= 0.5 for p in probabilities]


def test_lines_of_another_shape_end_a_run():
    lines, rows = thread()
    rows = rows.copy()
    rows[3, COLUMN["list_item"]] = 0.0  # the middle reply without its list marker
    probabilities = [0.9, 0.56, 0.52, 0.45, 0.4, 0.3, 0.9]
    keep = [p >= 0.5 for p in probabilities]
    _decide_runs_whole(lines, rows, [None] * len(lines), np.array(probabilities), keep, 0.5)
    assert keep == [p >= 0.5 for p in probabilities]


FEED_ARTICLE = ("<p>The old dam was removed in March, and within weeks the river had found its "
                "former bed again. Fishermen along the valley say the trout came back before the "
                "summer.</p><p>Engineers had argued for years about the cost of taking it down; "
                "in the end the town paid less than the repairs would have cost, and the water is "
                "cleaner now.</p><p>Farmers downstream worried about floods, but the spring rains "
                "passed without damage, and the new wetlands held the water back as the planners "
                "had promised.</p>")


def teasers(count: int, start: int = 0) -> str:
    return "".join(
        f'<div class="teaser"><a href="/s/{i}"><h4 class="hed">Headline number {i} about '
        f'another story</h4><p class="dek">A summary of story {i} that tells the reader what '
        f'the other article says in one sentence.</p></a></div>'
        for i in range(start, start + count))


def feed_page(after: int, before: int = 0) -> str:
    return (f"<html><body><header><a href='/'>Home</a></header>"
            f"<section class='more'>{teasers(before, 100)}</section>"
            f"<main><article><h1>Rivers return to the valley</h1>{FEED_ARTICLE}</article></main>"
            f"<section class='more'>{teasers(after)}</section></body></html>")


def kept_after(rule: Callable[[list[Line], dict[str, list[int]], list[bool]], list[int]],
               html: str) -> list[str]:
    """The lines of an HTML page a rule after the model (``_drop_kept_*``) leaves kept."""
    lines = labelled(html, kind="html").content_lines()
    keep = [True] * len(lines)
    removed = rule(lines, _structures(lines), keep)
    assert all(not keep[i] for i in removed)
    return [line.text for line, kept in zip(lines, keep) if kept]


def test_a_feed_of_teasers_after_an_html_article_goes():
    kept = kept_after(_drop_kept_feeds, feed_page(after=10))
    assert not any("story" in text for text in kept)  # every headline and summary
    assert [text.split()[0] for text in kept] == ["Home", "Rivers", "The", "Engineers", "Farmers"]


@pytest.mark.parametrize("after, before", [
    (6, 0),  # too few alike to be a feed
    (10, 1),  # the same block also stands before the article: it may be the page's content
])
def test_a_repeated_block_stays_unless_it_is_a_feed_wholly_after_the_article(after, before):
    kept = kept_after(_drop_kept_feeds, feed_page(after, before))
    assert sum("Headline number" in text for text in kept) == after + before


def test_a_feed_is_removed_by_a_rule_that_says_so():
    # A threshold so low the model keeps every line: only the rule can remove the teasers.
    judgement = Arbiter(keep_threshold=0.001).judge(labelled(feed_page(after=10), kind="html"))
    teasers_ = [v for v in judgement.verdicts if "story" in v.line.text]
    assert len(teasers_) == 20
    assert all(not v.kept and (v.decision.detector, v.decision.rule) ==
               ("arbiter", "feed_after_article") for v in teasers_)
    assert all(v.kept for v in judgement.verdicts if v.line.hints.get("main_content"))


def test_a_text_capture_has_no_feed_rule():
    text = "\n\n".join(["Rivers return to the valley", FEED_ARTICLE.replace("<p>", "").replace(
        "</p>", "\n\n")] + [f"Headline number {i} about another story" for i in range(10)])
    judgement = Arbiter(keep_threshold=0.001).judge(labelled(text))
    assert all(v.kept for v in judgement.verdicts)


CAPTION = "The river below the old dam site, photographed in May after the spring rains."


def caption_page(figure: str) -> str:
    body = FEED_ARTICLE.split("</p>", 1)
    return (f"<html><body><main><article><h1>Rivers return to the valley</h1>{body[0]}</p>"
            f"{figure}{body[1]}</article></main></body></html>")


@pytest.mark.parametrize("figure", [
    f'<figure><img src="/dam.jpg" alt=""><figcaption>{CAPTION}</figcaption></figure>',
    f'<figure><img src="/dam.jpg" alt=""><figcaption><p>{CAPTION}</p></figcaption></figure>',
    f'<div class="wp-caption"><img src="/dam.jpg" alt=""><p class="wp-caption-text">{CAPTION}'
    f'</p></div>',
])
def test_an_image_caption_in_an_html_article_goes(figure):
    kept = kept_after(_drop_kept_captions, caption_page(figure))
    assert CAPTION not in kept
    assert [text.split()[0] for text in kept] == ["Rivers", "The", "Engineers", "Farmers"]


def test_a_caption_class_on_dozens_of_lines_is_a_style_and_stays():
    figure = "".join(f'<p class="caption-s">Author number {i} and a colleague</p>'
                     for i in range(CAPTION_REPEATS + 1))
    kept = kept_after(_drop_kept_captions, caption_page(figure))
    assert sum("Author number" in text for text in kept) == CAPTION_REPEATS + 1


def test_a_caption_is_removed_by_a_rule_that_says_so():
    html = caption_page(f'<figure><img src="/d.jpg"><figcaption>{CAPTION}</figcaption></figure>')
    judgement = Arbiter(keep_threshold=0.001).judge(labelled(html, kind="html"))
    caption = next(v for v in judgement.verdicts if v.line.text == CAPTION)
    assert not caption.kept
    assert (caption.decision.detector, caption.decision.rule) == ("arbiter", "image_caption")
    assert all(v.kept for v in judgement.verdicts if v.line.text != CAPTION)


def test_a_text_capture_has_no_caption_rule():
    text = "\n\n".join(["Rivers return to the valley", CAPTION, FEED_ARTICLE.replace(
        "<p>", "").replace("</p>", "\n\n")])
    judgement = Arbiter(keep_threshold=0.001).judge(labelled(text))
    assert all(v.kept for v in judgement.verdicts)


def grid_page(cards: int) -> str:
    return ("<html><body><h1>Projectors</h1><div class='grid'>" + "".join(
        f"<div class='card'><a href='/p/{i}'><div class='name'>Projector model {i}</div>"
        f"<div class='price'>${100 + i}.00</div></a></div>" for i in range(cards))
        + "</div></body></html>")


def grid_lines(cards: int) -> list[Line]:
    lines = labelled(grid_page(cards), kind="html").content_lines()
    assert [line.text for line in lines[1:3]] == ["Projector model 0", "$100.00"]
    return lines


@pytest.mark.parametrize("probabilities, expected", [
    # 7 of 10 names kept (70% of the names' text): the unsure ones within 0.1 stay, not 0.3
    ([0.6] * 7 + [0.42, 0.45, 0.3], [True] * 9 + [False]),
    # 6 of 10 kept (60%): less than two thirds, the model's own decisions stand
    ([0.6] * 6 + [0.42, 0.45, 0.45, 0.3], [True] * 6 + [False] * 4),
])
def test_an_unsure_item_of_a_mostly_kept_repeated_structure_stays(probabilities, expected):
    lines = grid_lines(10)
    names = [i for i, line in enumerate(lines) if line.text.startswith("Projector model")]
    assert len(names) == 10 and len({lines[i].hints["signature"] for i in names}) == 1
    probability = [0.9] + [0.0] * (len(lines) - 1)
    for i, p in zip(names, probabilities):
        probability[i] = p
    keep = [p >= 0.5 for p in probability]
    _keep_structure_items(lines, _structures(lines), [None] * len(lines), probability, keep, 0.5)
    assert [keep[i] for i in names] == expected
    assert not any(keep[i] for i, line in enumerate(lines) if line.text.startswith("$"))


def test_a_short_structure_or_a_hard_rule_line_is_not_kept_by_its_structure():
    lines = grid_lines(8)  # 8 names: fewer than STRUCTURE_LINES
    names = [i for i, line in enumerate(lines) if line.text.startswith("Projector model")]
    probability = [0.45] * len(lines)
    keep = [False] * len(lines)
    for i in names[:-1]:
        keep[i] = True
    _keep_structure_items(lines, _structures(lines), [None] * len(lines), probability, keep, 0.5)
    assert keep[names[-1]] is False
    lines = grid_lines(10)
    names = [i for i, line in enumerate(lines) if line.text.startswith("Projector model")]
    hard = [None] * len(lines)
    hard[names[0]] = cleanse.Decision("skip_links", "skip_link", cleanse.Category.NAV, 1.0, "")
    keep = [i in names[2:] for i in range(len(lines))]
    _keep_structure_items(lines, _structures(lines), hard, [0.45] * len(lines), keep, 0.5)
    assert keep[names[0]] is False and keep[names[1]] is True


def test_a_labelled_item_of_a_kept_structure_stays_too():
    lines = grid_lines(10)
    names = [i for i, line in enumerate(lines) if line.text.startswith("Projector model")]
    assert all(lines[i].decisions for i in names)  # link text: the detectors call it navigation
    keep = [i in names[1:] for i in range(len(lines))]
    _keep_structure_items(lines, _structures(lines), [None] * len(lines), [0.45] * len(lines),
                          keep, 0.5)
    assert keep[names[0]] is True


def test_a_prompt_between_kept_paragraphs_is_no_item_of_their_structure():
    paragraphs = [f"<p>Paragraph {i} of the report says what the council decided on the "
                  f"budget, and why it matters to residents this year.</p>" for i in range(10)]
    html = (f"<html><body><article><h1>The budget</h1>{''.join(paragraphs[:5])}"
            f"<p>{NEWSLETTER}</p>{''.join(paragraphs[5:])}</article></body></html>")
    lines = labelled(html, kind="html").content_lines()
    prompt = next(i for i, line in enumerate(lines) if line.text == NEWSLETTER)
    assert any(d.category is cleanse.Category.NEWSLETTER for d in lines[prompt].decisions)
    assert lines[prompt].hints["signature"] == lines[prompt + 1].hints["signature"]
    keep = [i != prompt for i in range(len(lines))]
    _keep_structure_items(lines, _structures(lines), [None] * len(lines), [0.45] * len(lines),
                          keep, 0.5)
    assert keep[prompt] is False
