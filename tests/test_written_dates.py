"""The shortcuts of metadata reading give what the full reading gives: common written dates
read without dateparser, lines skipped by a keyword scan before the label patterns."""

from __future__ import annotations

import itertools

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cleanse.reading import metadata
from cleanse.reading.metadata import (
    MONTHS,
    _parse_common,
    _parse_with_dateparser,
    labelled_fields,
    timestamps,
)

NUMERIC = [f"{year}{sep}{month}{sep}{day}"
           for year, sep, (month, day) in itertools.product(
               (1989, 2005, 2024), "-/.", ((1, 2), (2, 1), (12, 31), (2, 29), (2, 30), (13, 1),
                                           (0, 5), (7, 0), (11, 9), (3, 13)))]
NUMERIC += [f"2005年{month}月{day}日" for month, day in ((3, 11), (12, 1), (2, 30), (13, 2))]
NUMERIC += ["2005 年 03 月 11 日", "2005-07-03", "2005/07/31"]
ENGLISH = [f"{month} {day}, 2019" for month in MONTHS for day in (1, 12, 30)]
ENGLISH += ["18 NOV 2019", "nov. 18 2019", "November 1st, 2019", "November 2nd, 2019",
            "November 3rd 2019", "November 11th, 2019", "November 21st 2019", "November 1th, 2019",
            "18th November 2019", "Nov,18, 2019", "February 29, 2019", "February 29, 2020",
            "September 31, 2019", "May 5, 1985"]
CLOCKS = ["", " 0:00", " 00:30", " 9:05", " 12:30:45", " 23:59", " 24:00", "  7:15"]
HALVES = [" am", " PM", "pm", " a.m", " p.m.", " AM"]
GRID = ([date + clock for date in NUMERIC for clock in CLOCKS]
        + ["2005年3月11日12:12", "2005年3月11日 12:12"]
        + [date + clock for date in ENGLISH for clock in CLOCKS[:4]]
        + [f"November 18, 2019{glue}{clock}{half}" for glue in (" ", ", ", " at ")
           for clock in ("12:01", "0:30", "9:02", "13:05") for half in HALVES])


def test_common_forms_read_as_dateparser_reads_them():
    read = {text: _parse_common(text) for text in GRID}
    # Most of the grid is read without dateparser; impossible dates and odd forms are left to it.
    assert sum(value is not None for value in read.values()) > len(GRID) / 2
    assert read["2005年3月11日12:12"] == "2005-03-11T12:12:00"
    assert read["November 18, 2019 at 12:01 am"] == "2019-11-18T00:01:00"
    for text in ("2005-13-01", "2005-02-30", "November 1th, 2019", "May 5, 1985",
                 "2005-07-31 24:00", "November 18, 2019 13:05 pm"):
        assert read.get(text, _parse_common(text)) is None, text
    for text, value in read.items():
        if value is not None:
            assert value == _parse_with_dateparser(text), text


def test_a_time_alone_is_no_date_to_dateparser_either():
    clocks = ("0:05", "9:41", "12:30:15", "21:17", "23:59", "25:10")
    times = [clock + half + zone for clock in clocks for half in ("", " AM", "pm", " p.m.")
             for zone in ("", " EST", " pst", " GMT", " ET")]
    assert all(metadata.TIME_ONLY.fullmatch(text) for text in times)
    for text in times:
        assert _parse_with_dateparser(text) is None, text
    assert list(timestamps("Posted 9:41 AM EST")) == []


# Dates with a time and a zone, as news pages write them: the zone after the time, the time
# and zone before the date, JavaScript's Date.toString; weekdays right and wrong (Nov 19,
# 2019 was a Tuesday).
ZONES = [*metadata.ZONE_OFFSETS, "GMT+0000", "GMT+0530", "GMT-0500 (UTC)", "GMT+0000 (GMT)"]
ZONED = ([f"{date}{glue}{clock}{half} {zone}"
          for date in ("Nov. 19, 2019", "19 Nov 2019", "November 19, 2019", "Nov 19 2019")
          for glue in (" ", ", ", " at ") for clock in ("8:03", "12:30:45", "19:14")
          for half in ("", " am", " PM") for zone in ZONES]
         + [f"{clock}{half}{zone}{glue}{date}"
            for clock in ("7:07", "01:38:07", "12:00") for half in (" PM", "am")
            for zone in ("", " EST", " IST", " HST") for glue in (" ", ", ")
            for date in ("Nov 19, 2019", "Tue, Nov 19, 2019", "Feb 30, 2019")]
         + [f"{weekday} Nov 19 2019 08:41:00 {zone}"
            for weekday in ("Tue", "Mon", "Tuesday", "Wed.,") for zone in ZONES])


def test_zoned_and_clock_first_forms_read_as_dateparser_reads_them():
    read = {text: _parse_common(text) for text in ZONED}
    assert sum(value is not None for value in read.values()) > len(ZONED) / 2
    assert read["Nov. 19, 2019 at 8:03 PM EDT"] == "2019-11-19T20:03:00-04:00"
    assert read["7:07 PM EST, Nov 19, 2019"] == "2019-11-19T19:07:00-05:00"
    assert read["Mon Nov 19 2019 08:41:00 GMT+0530"] == "2019-11-19T08:41:00+05:30"
    assert read["Nov 19 2019, 8:03 IST"] == "2019-11-19T08:03:00"  # an ambiguous zone: none
    for text, value in read.items():
        if value is not None:
            assert value == _parse_with_dateparser(text), text


@pytest.mark.parametrize("text", ["3 days ago", "1 min ago", "12 mins ago", "2 yrs ago",
                                  "1 week ago", "5 HOURS AGO", "30 seconds ago"])
def test_a_relative_date_is_no_date_to_dateparser_either(text):
    assert metadata.RELATIVE.fullmatch(text)
    assert _parse_with_dateparser(text) is None


@pytest.mark.parametrize("text", ["Nov 20, 2019 est", "Nov 19, 2019 EST", "9:23:57 PM",
                                  "2005-07-31T12:30", "Oct 01, 2025T10:00:00+03:00",
                                  "Nov 19, 2019 8:15 PM GMT+8", "7:07 PM EST Nov 19, 2019 8:00"])
def test_other_forms_are_left_to_dateparser(text):
    # A lowercase or bare zone, a zone without a time, two times: dateparser decides.
    assert _parse_common(text) is None


def test_a_timestamp_with_a_zone_still_keeps_it():
    assert list(timestamps("Updated 11:11 PM EST Nov 19, 2019")) == ["2019-11-19T23:11:00-05:00"]


# Bylines and datelines to mix with arbitrary text: a label in any case (and with the
# characters that match its letters only case-insensitively) between what may open and end one.
LABELS = [label for label, _ in metadata._LABEL_ALTERNATIVES] + ["记者", "記者"]
SPELLINGS = [*LABELS, *(label.upper() for label in LABELS),
             *(label.replace("s", "ſ").replace("i", "İ") for label in LABELS)]
OPENINGS = ["", " ", "| ", "·", "（", "2025 ", "2025", "a ", "x", "中 "]
ENDINGS = ["", ":", "：", " ", " :", "  7", "x", "王小明"]
LABELLED = st.tuples(st.text(max_size=6), st.sampled_from(OPENINGS), st.sampled_from(SPELLINGS),
                     st.sampled_from(ENDINGS), st.text(max_size=6)).map("".join)


@given(st.lists(LABELLED, min_size=1, max_size=3).map("".join))
@settings(max_examples=200, deadline=None)
def test_the_keyword_scan_passes_every_line_that_names_a_field(text):
    # labelled_fields skips lines the keyword scan finds nothing in: it must find something
    # in every line that the label patterns themselves match.
    if metadata.LABEL.search(text) or metadata.REPORTER.search(text):
        assert metadata.LABEL_WORDS.search(text) or any(
            c in text for c in metadata.FOLDED_ONLY), text


def test_a_label_is_read_whatever_its_case():
    assert labelled_fields("ſource: Reuters | EDITED BY: Sam Lee") == {
        "source": "Reuters", "editor": "Sam Lee"}
    assert labelled_fields("a sentence written by nobody in particular") == {}


@pytest.mark.parametrize("text", ["3 days ago", "14 hours ago", "yesterday", "3天前", "昨天"])
def test_a_relative_date_is_no_date_since_it_would_change_with_the_day_of_the_run(text):
    assert metadata._parse_written(text) is None


@pytest.mark.parametrize("zone", ["IST", "CST", "BST", "AST"])
def test_an_ambiguous_zone_abbreviation_gives_no_offset_rather_than_a_guessed_one(zone):
    # IST is India's, Ireland's or Israel's time; CST the US's or China's: dateparser picks
    # one, and a wrong offset moves the date by up to 14 hours.
    assert list(timestamps(f"Updated 11:11 PM {zone} Nov 19, 2019")) == ["2019-11-19T23:11:00"]


def test_an_unambiguous_abbreviation_keeps_its_offset():
    assert list(timestamps("Updated 11:11 PM PST Nov 19, 2019")) == ["2019-11-19T23:11:00-08:00"]
