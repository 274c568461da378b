"""What keeps a large capture's cost linear in its size, asserted as behaviour (the timings
themselves are benchmarks/speed.py's): the garbage collector rests during a clean and is left
as it was found, and a page of more lines than the old keyword memory held is cleaned as the
Python reference cleans it."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

import cleanse
from cleanse import native

SEEDS = sorted((Path(__file__).resolve().parent.parent / "fixtures" / "seeds").glob("*.txt"))


@pytest.fixture()
def collector_on():
    """The collector on for the test, and back as it was after."""
    was = gc.isenabled()
    gc.enable()
    yield
    if not was:
        gc.disable()


class _Spy:
    """A language tagger that notes whether the collector ran while it was asked."""

    def __init__(self, tagger):
        self.tagger, self.collector_states = tagger, set()

    def tag(self, text):
        self.collector_states.add(gc.isenabled())
        return self.tagger.tag(text)


def test_the_collector_rests_during_a_clean_and_is_on_again_after(collector_on):
    pipeline = cleanse.Pipeline()
    pipeline.tagger = spy = _Spy(pipeline.tagger)
    doc = pipeline.clean(SEEDS[0].read_text("utf-8"))
    assert doc.text and spy.collector_states == {False}
    assert gc.isenabled()


def test_a_collector_turned_off_by_the_caller_stays_off(collector_on):
    gc.disable()
    cleanse.Pipeline().clean(SEEDS[0].read_text("utf-8"))
    assert not gc.isenabled()


def test_the_collector_is_on_again_when_a_clean_raises(collector_on):
    class Failing:
        def judge(self, page, explain=False):
            raise RuntimeError("judging failed")

    pipeline = cleanse.Pipeline()
    pipeline.arbiter = Failing()
    with pytest.raises(RuntimeError, match="judging failed"):
        pipeline.clean(SEEDS[0].read_text("utf-8"))
    assert gc.isenabled()


@pytest.mark.skipif(native.core is None, reason="cleanse._native is not built")
def test_a_page_of_more_lines_than_the_old_keyword_memory_matches_the_reference():
    """Over 4,096 content lines (the keyword automaton once forgot lines past that count
    mid-page, so later detectors scanned them again): the native record is the reference's."""
    unit = "\n\n".join(path.read_text("utf-8") for path in SEEDS[:3])
    text = "\n\n".join(f"part {k}\n{unit}" for k in range(25))
    pipeline = cleanse.Pipeline(cleanse.Config(time_limit=None))
    page = pipeline.label(cleanse.reading.capture.to_capture(text))
    assert len(page.content_lines()) > 4096
    native_record = pipeline.clean(text).to_dict()
    with native.use_native(False):
        assert pipeline.clean(text).to_dict() == native_record
