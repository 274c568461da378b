"""Page metadata: who published what, when, where -- from HTML, front matter and bylines.

One record shape for every capture (:data:`cleanse.model.METADATA_FIELDS`), filled from
the most explicit source first:

1. What the page declares for machines: JSON-LD (``schema.org`` ``Article`` and kin),
   OpenGraph and ``<meta>`` tags, microdata (``itemprop``), ``<link rel=canonical>``,
   ``<time datetime>`` -- :func:`from_html`; or a text capture's front matter
   (:func:`from_fields`).
2. What the page says to readers: the dateline and byline lines around the article's start
   ("2025-03-12 10:24:31 来源：新华网 编辑：王小明", "By Jane Doe", "Updated 6:42 PM CDT,
   October 9, 2025") -- :func:`from_lines`, run after the arbiter has found the article.
3. For HTML without a declared or written date: htmldate's quick search of the markup
   (the date library trafilatura uses).

Dates are parsed by dateparser (formats, not strings: ``2005年3月11日12:12``, ``Oct. 9,
2025, 6:42 PM CDT``) and written as ISO 8601: the day alone when no time is given, the
time with its timezone when the page names one. The commonest forms (``2005-07-31 12:30``,
``Nov. 18, 2019 9:02 AM``, ``10:02 AM EST Nov 19, 2019``, ``Tue Nov 19 2019 08:41:00
GMT+0000``), a time alone and "3 days ago" are read without it, to the same result
(dateparser takes milliseconds a call; tests/test_written_dates.py holds the two together).
"""

from __future__ import annotations

import datetime as dt
import html
import json
import re
from collections.abc import Iterable, Iterator
from functools import lru_cache
from typing import Any
from urllib.parse import urljoin, urlsplit

import lxml.etree
import regex
from lxml.etree import _Element as Element

from cleanse import native
from cleanse.detectors.vocabulary import Keywords
from cleanse.features import DATE_OR_TIME
from cleanse.model import METADATA_FIELDS, Line, Page, metadata_record

# --- dates ---------------------------------------------------------------------------------

# Date-or-time matches this close together are one timestamp ("2005年3月11日 12:12",
# "6:42 PM CDT, October 9, 2025"); the gap may hold separators, "at", AM/PM, a zone name.
TIMESTAMP_GAP = regex.compile(
    r"[\s,.;|·@\-–—/]{0,6}(?:(?:at|um|à)\s{1,3})?(?:[ap]\.?m\.?)?\s{0,3}(?:[A-Z]{2,5}\b)?"
    r"[\s,.;|·\-–—]{0,6}",
    regex.I)
TIMESTAMP_TAIL = regex.compile(
    r"\s{0,3}(?:[ap]\.?m\.?\b)?\s{0,3}(?:(?:UTC|GMT)\s?[+-]\d{1,2}(?::?\d\d)?|[A-Z]{2,5}\b)?",
    regex.I)
HAS_TIME = regex.compile(r"\d:[0-5]\d|\d\s*[点點时時]\s*\d")
HAS_ZONE = regex.compile(r"(?:Z|[+-]\d\d:?\d\d)$|\b(?:UTC|GMT|[A-Z]{2,4}T)\b")
# Zone abbreviations that name different zones in regions of comparable weight (dateparser
# reads IST as Israel's, CST as the US's): a time in one keeps no offset rather than a wrong
# one. India/Ireland/Israel, US Central/China, British Summer/Bangladesh, Atlantic/Arabia.
AMBIGUOUS_ZONE = regex.compile(r"\b(?:IST|CST|BST|AST)\b")
# An ISO 8601 date at the start of a declared value (meta tags, JSON-LD, <time datetime>).
ISO_DATE = regex.compile(r"^\s*(\d{4})-(\d\d)-(\d\d)(?:[T ](\d\d:\d\d(?::\d\d)?)(?:\.\d+)?"
                         r"\s*(Z|[+-]\d\d:?\d\d)?)?")
# No relative dates ("3 days ago"): they count from the day of the run, so the same capture
# would get another date tomorrow (and a capture says nothing of when it was taken).
DATEPARSER_SETTINGS = {"REQUIRE_PARTS": ["day", "month", "year"],
                       "PREFER_DAY_OF_MONTH": "first", "PREFER_DATES_FROM": "past",
                       "PARSERS": ["timestamp", "custom-formats", "absolute-time"]}
# The formats DATE_OR_TIME finds are English or Chinese (numbers, month names, 年月日).
DATE_LANGUAGES = ["en", "zh"]
EARLIEST_YEAR = 1990  # the web's; anything earlier in page furniture is not a publication date


def iso_date(value: str | None) -> str | None:
    """A declared or written date as ISO 8601 (``2025-03-12``, ``2025-03-12T10:24:31+08:00``).

    The time is kept only when the value gives one, the offset only when it names a zone.
    None when no day, month and year can be read.
    """
    if not value or not (value := value.strip()):
        return None
    if match := ISO_DATE.match(value):
        year, month, day, time, zone = match.groups()
        try:
            date = dt.date(int(year), int(month), int(day))
        except ValueError:
            return None
        if date.year < EARLIEST_YEAR:
            return None
        if not time or (time.startswith("00:00") and not zone):
            return date.isoformat()
        if zone and zone != "Z" and ":" not in zone:
            zone = zone[:3] + ":" + zone[3:]
        stamp = f"{date.isoformat()}T{time}{':00' if len(time) == 5 else ''}"
        return stamp + ("+00:00" if zone == "Z" else zone or "")
    return _parse_written(value[:80])


# The commonest written forms, read without dateparser (a few milliseconds a call, about once
# a page): "2005-07-31 12:30", "2005/7/3", "2005年7月31日 12:30:45", "Nov. 18, 2019 9:02 AM",
# "18 November 2019", and those with a zone after (ZONE_OFFSETS). Only what dateparser reads
# the same way (tests/test_written_dates.py checks grids of them against it); anything else,
# another zone, an impossible date, goes to dateparser.
_CLOCK = (r"(?P<hour>[0-9]{1,2}):(?P<minute>[0-5][0-9])(?::(?P<second>[0-5][0-9]))?")
NUMERIC_DATE = regex.compile(
    r"(?P<year>[0-9]{4})(?:(?P<sep>[-/.])(?P<month>[0-9]{1,2})(?P=sep)(?P<day>[0-9]{1,2})"
    r"|[ ]?年[ ]?(?P<month>[0-9]{1,2})[ ]?月[ ]?(?P<day>[0-9]{1,2})[ ]?日[ ]?)"
    rf"(?:(?:(?<=日[ ]?)|[ ]{{1,3}}){_CLOCK})?")
MONTHS = {name: number for number, names in enumerate(
    (("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",),
     ("june", "jun"), ("july", "jul"), ("august", "aug"), ("september", "sep", "sept"),
     ("october", "oct"), ("november", "nov"), ("december", "dec")), start=1)
    for name in names}
_MONTH = "|".join(sorted(MONTHS, key=len, reverse=True))
ENGLISH_DATE = regex.compile(
    rf"(?:(?P<month>{_MONTH})\.?[ ]{{1,3}}(?P<day>[0-9]{{1,2}})(?P<ordinal>st|nd|rd|th)?,?"
    rf"|(?P<day>[0-9]{{1,2}})(?P<ordinal>st|nd|rd|th)?[ ]{{1,3}}(?P<month>{_MONTH})\.?,?)"
    rf"[ ]{{1,3}}(?P<year>[0-9]{{4}})"
    rf"(?:,?[ ]{{1,3}}(?:at[ ]{{1,3}})?{_CLOCK}(?:[ ]?(?P<half>[ap])\.?m\.?)?)?", regex.I)


# The zone abbreviations read without dateparser after a time ("Nov. 20, 2019 5:52 AM EST",
# "10:02 AM EST Nov 19, 2019"), in capitals only, with the offset dateparser gives them; none
# for an ambiguous one (AMBIGUOUS_ZONE) or one HAS_ZONE does not take for a zone (ET, PT).
ZONE_OFFSETS = {"UTC": "+00:00", "GMT": "+00:00", "WET": "+00:00", "CET": "+01:00",
                "CEST": "+02:00", "EET": "+02:00", "EEST": "+03:00", "HKT": "+08:00",
                "SGT": "+08:00", "JST": "+09:00", "KST": "+09:00", "AEST": "+10:00",
                "AEDT": "+11:00", "NZST": "+12:00", "NZDT": "+13:00", "EST": "-05:00",
                "EDT": "-04:00", "CDT": "-05:00", "MST": "-07:00", "MDT": "-06:00",
                "PST": "-08:00", "PDT": "-07:00", "AKST": "-09:00", "AKDT": "-08:00",
                "HST": "-10:00", "IST": "", "CST": "", "BST": "", "AST": "", "ET": "", "PT": ""}
# A zone as JavaScript's Date.toString writes it: "GMT+0000 (UTC)".
_ZONE = (rf"(?-i:(?P<zone>{'|'.join(sorted(ZONE_OFFSETS, key=len, reverse=True))})"
         r"|GMT(?P<sign>[+-])(?P<zone_hours>[01][0-9])(?P<zone_minutes>[0-5][0-9])"
         r"(?:[ ]\((?:UTC|GMT)\))?)")
_HALF = r"(?:[ ]?(?P<half>[ap])\.?m\.?)"
# A weekday before the date, which dateparser reads past (even a wrong one).
_WEEKDAY = (r"(?:(?:mon|tues?|wed(?:nes)?|thu(?:rs?)?|fri|sat(?:ur)?|sun)(?:day)?\.?,?[ ]{1,3})")
# The zone after a timestamp's time ("Tue Nov 19 2019 08:41:00 GMT+0000 (UTC)"), and the time
# (and its zone) before the date ("01:38:07 PM IST Nov 20, 2019", "6:45 PM, Feb 16, 2018").
TRAILING_ZONE = regex.compile(rf"[ ]{{1,3}}{_ZONE}\Z")
LEADING_CLOCK = regex.compile(rf"{_CLOCK}{_HALF}?(?:[ ]{_ZONE})?,?[ ]{{1,3}}", regex.I)
LEADING_WEEKDAY = regex.compile(_WEEKDAY, regex.I)
# A time of day alone, perhaps with its zone ("9:41 AM", "21:17", "5:36 PM CST"): dateparser
# requires a day, month and year, so it reads none of these.
TIME_ZONES = ("UTC", "GMT", "ET", "CT", "MT", "PT", "EST", "EDT", "CST", "CDT", "MST", "MDT",
              "PST", "PDT", "HST")
TIME_ONLY = regex.compile(rf"{_CLOCK}(?:[ ]?[ap]\.?m\.?)?(?:[ ](?:{'|'.join(TIME_ZONES)}))?",
                          regex.I)
# "3 days ago": dateparser's settings leave out its relative-date parser, so it reads none.
RELATIVE = regex.compile(r"[0-9]{1,4}[ ](?:sec(?:ond)?|min(?:ute)?|hour|hr|day|week|month|"
                         r"year|yr)s?[ ]ago", regex.I)


def _ordinal(day: int) -> str:
    if day % 100 in (11, 12, 13):
        return "th"
    return {1: "st", 2: "nd", 3: "rd"}.get(day % 10, "th")


def _parse_common(text: str) -> str | None:
    """``text`` as :func:`_parse_written` gives it when it is one of the common forms above
    (a valid date from :data:`EARLIEST_YEAR` on), else None: then dateparser must read it."""
    if clock := LEADING_CLOCK.match(text):
        return _parse_zoned(text[clock.end():], clock, clock)
    if zone := TRAILING_ZONE.search(text):
        return _parse_zoned(text[:zone.start()], None, zone)
    return _parse_date(text)


def _parse_zoned(text: str, clock: regex.Match[str] | None, zone: regex.Match[str]
                 ) -> str | None:
    """The date in ``text`` (perhaps after a weekday) at the time ``clock`` read before it
    (:data:`LEADING_CLOCK`) or at its own, in the zone ``zone`` read (by either pattern, or
    none), as dateparser reads it; None when it does not read that way (a zone without a
    time: left to dateparser)."""
    if weekday := LEADING_WEEKDAY.match(text):
        text = text[weekday.end():]
    stamp = _parse_date(text)
    if clock is None:
        if stamp is None or "T" not in stamp:
            return None
    elif stamp is None or "T" in stamp:  # the date after a time must have none of its own
        return None
    else:
        stamp = _stamp(stamp, int(clock.group("hour")), clock.group("minute"),
                       clock.group("second"), clock.group("half"))
        if stamp is None:
            return None
    if abbreviation := zone.group("zone"):
        return stamp + ZONE_OFFSETS[abbreviation]
    if sign := zone.group("sign"):
        return f"{stamp}{sign}{zone.group('zone_hours')}:{zone.group('zone_minutes')}"
    return stamp


def _parse_date(text: str) -> str | None:
    """A date, perhaps with its time, in one of the common forms (no zone), or None."""
    half = None
    if match := NUMERIC_DATE.fullmatch(text):
        month = int(match.group("month"))
    elif match := ENGLISH_DATE.fullmatch(text):
        month = MONTHS[match.group("month").casefold()]
        ordinal, half = match.group("ordinal", "half")
        if ordinal and ordinal.casefold() != _ordinal(int(match.group("day"))):
            return None
    else:
        return None
    try:
        date = dt.date(int(match.group("year")), month, int(match.group("day")))
    except ValueError:
        return None
    if date.year < EARLIEST_YEAR:
        return None
    if match.group("hour") is None:
        return date.isoformat()
    return _stamp(date.isoformat(), int(match.group("hour")), match.group("minute"),
                  match.group("second"), half)


def _stamp(date: str, hour: int, minute: str, second: str | None, half: str | None
           ) -> str | None:
    """``date`` at a time of day (``half``: "a" or "p" for a 12-hour clock), or None when there
    is no such time."""
    if half:
        if not 1 <= hour <= 12:
            return None
        hour = hour % 12 + (12 if half.casefold() == "p" else 0)
    elif hour > 23:
        return None
    return f"{date}T{hour:02d}:{minute}:{second or '00'}"


def _parse_written(text: str) -> str | None:
    if TIME_ONLY.fullmatch(text) or RELATIVE.fullmatch(text):
        return None
    return _parse_common(text) or _parse_with_dateparser(text)


def _parse_with_dateparser(text: str) -> str | None:
    import dateparser  # imported on first use: a few hundred milliseconds, needed by few pages

    parsed = dateparser.parse(text, languages=DATE_LANGUAGES, settings=DATEPARSER_SETTINGS)
    if parsed is None or parsed.year < EARLIEST_YEAR:
        return None
    if not HAS_TIME.search(text):
        return parsed.date().isoformat()
    if parsed.tzinfo is None or not HAS_ZONE.search(text) or AMBIGUOUS_ZONE.search(text):
        return parsed.replace(tzinfo=None).isoformat(timespec="seconds")
    return parsed.isoformat(timespec="seconds")


def timestamps(text: str) -> Iterator[str]:
    """The timestamps written in ``text`` (dates with their times), ISO 8601, in order."""
    matches = list(DATE_OR_TIME.finditer(text))
    i = 0
    while i < len(matches):
        start, end = matches[i].start(), matches[i].end()
        j = i + 1
        while j < len(matches) and TIMESTAMP_GAP.fullmatch(text, end, matches[j].start()):
            end = matches[j].end()
            j += 1
        if tail := TIMESTAMP_TAIL.match(text, end):
            end = tail.end()
        if value := _parse_written(text[start:end].strip(" ,.;|·-–—")):
            yield value
        i = j


# --- field labels in bylines and datelines ----------------------------------------------------

# "Label: value" pairs in a byline or dateline, by the field they fill. A label opens the line
# or follows a separator (a CJK label also a space: "2005-04-05 06:40 来源：新华网"), and is
# followed by a colon or, for words, a space. Longer labels are tried first.
LABELS: dict[str, list[str]] = {
    "editor": ["责任编辑", "責任編輯", "编辑", "編輯", "edited by", "editor"],
    "source": ["来源", "來源", "稿源", "出处", "出處", "source"],
    "author": ["作者", "撰文", "执笔人", "执笔", "執筆", "文", "author", "written by", "words by",
               "posted by", "by", "por", "par", "von", "di", "autor", "auteur"],
    "published": ["发布时间", "發布時間", "发表时间", "發表時間", "发布日期", "發布日期", "发表于",
                  "發表於", "发布于", "發佈於", "时间", "時間", "日期", "published", "posted on",
                  "posted", "date"],
    "modified": ["更新时间", "更新時間", "last updated", "updated", "modified"],
}
# A Chinese reporter's credit ("本报记者 王小明", "新华社拉萨电（记者 格桑边觉）"): names follow.
CHINESE_NAMES = r"[\p{Han}·]{2,4}(?:[ \u3000]+[\p{Han}·]{2,4})*"
REPORTER = regex.compile(rf"(?:记者|記者)[\s：:]*(?P<value>{CHINESE_NAMES})")
# A Korean reporter's credit puts the name first ("김민수 기자", "워싱턴=이지은 특파원"); a
# word running on ("기자회견", a press conference) is not one.
KOREAN_REPORTER = regex.compile(r"(?<!\p{Hangul})(?P<value>\p{Hangul}{2,4})[ \u3000]?"
                                r"(?:기자|특파원)(?!\p{Hangul})")
_LABEL_ALTERNATIVES = sorted(((label, field) for field, labels in LABELS.items()
                              for label in labels), key=lambda pair: -len(pair[0]))
SEPARATOR = r"[|｜·•/()（）\[\]【】〓<>《》,，;；—–]"
LABEL = regex.compile(
    rf"(?:^|(?<={SEPARATOR}\s*)|(?<=\d\s+)|(?<=\s)(?=\p{{Han}}))(?P<label>"
    + "|".join(regex.escape(label) for label, _ in _LABEL_ALTERNATIVES)
    # A label ends at a colon; a word, or a date label before its date, at a space.
    + r")(?:\s*[:：]\s*|(?<=\p{Latin})\s+|\s+(?=\d))", regex.I)
FIELD_OF_LABEL = {label.casefold(): field for label, field in _LABEL_ALTERNATIVES}
# A value ends at a separator, an opening bracket or the next label.
VALUE_END = regex.compile(r"[ \t]{0,3}[|｜·•〓]|\s{2}|$")
NAME_SPLIT = regex.compile(r"\s{0,3}(?:[,，、;；&/]|\band\b|\bund\b|\bet\b|\by\b|和|与)\s{0,3}",
                           regex.I)
BRACKETS = r"\s\[\]【】()（）<>《》\"'“”:："
NAME_TRIM = regex.compile(rf"^[{BRACKETS}-]+|[{BRACKETS},-]+$")
# A name is a few words, without a sentence's punctuation.
MAX_NAME_WORDS = 5
NOT_IN_NAME = regex.compile(r"[?!。？！:：]|\.\s+\p{Ll}")
# What follows a Chinese reporter's name: where from (发自北京), that it is a report (报道),
# or a photo credit (摄).
NAME_TAIL = regex.compile(r"(?:发自|發自|报道|報道|摄|攝|/文|/摄).*$"
                          # ... or, in a Latin byline, the word that led to the date left out.
                          r"|\s{1,3}(?:on|at|in|am|le|el|il|the)\s{0,3}$", regex.I)
MAX_NAME_CHARS = 60
MAX_NAMES = 8


def _names(value: str) -> list[str]:
    """The people a byline value names ("Jane Doe and John Roe", "宋怡 杨志华")."""
    value = NAME_TAIL.sub("", DATE_OR_TIME.split(value, 1)[0])
    pieces = NAME_SPLIT.split(value)
    if len(pieces) == 1 and " " in value.strip() and regex.fullmatch(CHINESE_NAMES,
                                                                      value.strip()):
        pieces = value.split()  # Chinese names are written side by side
    names = []
    for piece in pieces:
        name = NAME_TRIM.sub("", piece)
        if (name and len(name) <= MAX_NAME_CHARS and len(name.split()) <= MAX_NAME_WORDS
                and any(c.isalpha() for c in name) and not NOT_IN_NAME.search(name)):
            names.append(name)
    return _unique(names)[:MAX_NAMES]


# Every text that LABEL, REPORTER or KOREAN_REPORTER matches holds one of their words standing
# alone (a label opens the line or follows a separator or a space, and ends at a colon or a
# space; a Korean reporter's word may follow the name directly): this one keyword scan skips
# the lines that name no field (about 95% of those read), several times faster than LABEL.
# The scan lowercases, and "ſ" and "İ" match "s" and "i" only case-insensitively: a line
# holding one is read in full.
LABEL_WORDS = Keywords([label for label, _ in _LABEL_ALTERNATIVES]
                       + ["记者", "記者", "기자", "특파원"])
FOLDED_ONLY = ("ſ", "İ")
# The longest line whose fields are remembered (see labelled_fields).
REMEMBERED_CHARS = 400


def labelled_fields(text: str) -> dict[str, Any]:
    """The fields a byline or dateline line names: ``{"author": [...], "source": ...}``.

    A fresh dict (its lists fresh too) the caller may change. The answers are remembered
    by text: the dateline detector asks about the short lines and assembly asks again
    about those around the article (a third of the calls on the bench pages, 40% of the
    time: dates go through dateparser). Remembered apart for the native core and the
    Python reference, so each is still asked when the other one has answered. Only lines of
    at most :data:`REMEMBERED_CHARS` are remembered (bylines and datelines are short): a
    megabyte-long line of one token would otherwise stay in memory after its capture.
    """
    found = (_remembered_fields(text, native.enabled) if len(text) <= REMEMBERED_CHARS
             else _fields(text))
    return {field: list(value) if isinstance(value, list) else value
            for field, value in found.items()} if found else {}


@lru_cache(maxsize=4096)
def _remembered_fields(text: str, native_enabled: bool) -> dict[str, Any]:
    """:func:`_fields`, remembered by text (``native_enabled`` keys the memory)."""
    return _fields(text)


def _fields(text: str) -> dict[str, Any]:
    """The fields ``text`` names (:func:`labelled_fields`, not remembered)."""
    if not LABEL_WORDS.search(text) and not any(c in text for c in FOLDED_ONLY):
        return {}
    found: dict[str, Any] = {}
    labels = list(LABEL.finditer(text))
    for i, match in enumerate(labels):
        field = FIELD_OF_LABEL[match.group("label").casefold()]
        stop = labels[i + 1].start() if i + 1 < len(labels) else len(text)
        value = text[match.end():stop]
        if field in ("published", "modified"):
            if field not in found and (stamp := next(timestamps(value), None)):
                found[field] = stamp
            continue
        value = value[:VALUE_END.search(value).start()]
        if field == "author":
            if names := _names(value):
                found.setdefault("author", names)
        elif (value := NAME_TRIM.sub("", value)) and len(value) <= MAX_NAME_CHARS:
            found.setdefault(field, value)
    if "author" not in found and (reporter := REPORTER.search(text)
                                  or KOREAN_REPORTER.search(text)):
        if names := _names(reporter.group("value")):
            found["author"] = names
    return found


# --- HTML ------------------------------------------------------------------------------------

ARTICLE_TYPES = {"article", "newsarticle", "blogposting", "report", "scholarlyarticle",
                 "techarticle", "reportagenewsarticle", "analysisnewsarticle",
                 "opinionnewsarticle", "reviewnewsarticle", "liveblogposting", "socialmediaposting",
                 "discussionforumposting", "posting", "review", "recipe", "howto", "qapage",
                 "medicalwebpage", "backgroundnewsarticle", "videoobject", "podcastepisode"}
PAGE_TYPES = {"webpage", "itempage", "aboutpage", "collectionpage", "profilepage"}
META_NAMES: dict[str, tuple[str, ...]] = {
    "title": ("og:title", "twitter:title", "dc.title", "citation_title", "parsely-title",
              "sailthru.title"),
    "published": ("article:published_time", "datepublished", "og:published_time",
                  "citation_publication_date", "citation_date", "dc.date.issued", "dc.date",
                  "dcterms.date", "dcterms.created", "publishdate", "publish-date", "pubdate",
                  "parsely-pub-date", "sailthru.date", "date", "article.published", "created"),
    "modified": ("article:modified_time", "datemodified", "og:updated_time",
                 "dcterms.modified", "last-modified", "lastmod", "article.updated"),
    "author": ("author", "article:author", "citation_author", "dc.creator", "dcterms.creator",
               "parsely-author", "sailthru.author", "byl", "byline", "twitter:creator"),
    "site_name": ("og:site_name", "application-name", "publisher", "dc.publisher",
                  "twitter:site"),
    "url": ("og:url", "twitter:url", "dc.identifier"),
    "description": ("og:description", "description", "twitter:description", "dc.description"),
    "image": ("og:image", "og:image:url", "twitter:image", "twitter:image:src", "thumbnail"),
    "tags": ("article:tag", "keywords", "news_keywords", "parsely-tags"),
    "categories": ("article:section", "parsely-section", "category"),
}
LIST_FIELDS = {"author", "tags", "categories"}
# Author "names" that are links or handles: a profile URL or @handle says who, not their name.
NOT_A_NAME = regex.compile(r"^(?:https?:|www\.|@)|[<>{}]")


# XPaths compiled once (root.xpath compiles its expression on every call).
CANONICAL = lxml.etree.XPath("//link[contains(concat(' ', normalize-space(@rel), ' '), "
                             "' canonical ')]/@href")
JSON_LD_SCRIPTS = lxml.etree.XPath("//script[contains(translate(@type, 'JSONLD', 'jsonld'), "
                                   "'ld+json')]")
ITEMPROP_NAMES = lxml.etree.XPath(".//*[@itemprop='name']")


def from_html(root: Element) -> dict[str, Any]:
    """What the page declares about itself: JSON-LD, OpenGraph, ``<meta>``, microdata,
    the canonical link, ``<time datetime>``, ``<html lang>``.

    Only fields that were found are returned; dates are ISO 8601, ``author`` /
    ``tags`` / ``categories`` are lists. JSON-LD about the article beats OpenGraph and
    meta tags, which beat microdata and ``<time>`` elements.
    """
    metas, title_element, canonical, scripts, declaring, times, h1s = _page_elements(root)
    declared: dict[str, list[str]] = {}
    for tag in metas:
        # Some pages escape their meta values twice ("Maria &amp;amp; Katerina").
        content = html.unescape((tag.get("content") or "").strip())
        if not content:
            continue
        for attr in ("property", "name", "itemprop"):
            if key := (tag.get(attr) or "").strip().casefold():
                declared.setdefault(key, []).append(content)
    meta: dict[str, Any] = {}
    for field, names in META_NAMES.items():
        values = [v for name in names for v in declared.get(name, [])]
        if not values:
            continue
        if field in ("published", "modified"):
            if stamp := next(filter(None, map(iso_date, values)), None):
                meta[field] = stamp
        elif field == "author":
            meta[field] = _authors(values)
        elif field in LIST_FIELDS:
            meta[field] = _unique(part.strip() for value in values
                                  for part in value.split(",") if part.strip())
        else:
            meta[field] = values[0]
    title = meta.get("title") or _text(title_element)
    found = {**_microdata(root, declaring, times), **meta, **_json_ld(scripts)}
    found["title"] = _headline(h1s, html.unescape(found.get("title") or title),
                               found.get("site_name"))
    if canonical and canonical[0].strip():
        found["url"] = canonical[0].strip()
    if "url" in found and "image" in found:
        found["image"] = urljoin(found["url"], found["image"])
    if found.get("site_name", "").startswith("@"):  # twitter:site is a handle
        del found["site_name"]
    found["html_lang"] = (root.get("lang") or root.get("xml:lang") or "").strip()
    return {k: v for k, v in found.items() if v}


# Parts of a declared title: "Headline | Site", "Headline - Section - Site".
TITLE_PARTS = regex.compile(r"\s{1,3}[|\-–—:·»/]{1,2}\s{1,3}")
WORD = regex.compile(r"\w+")


def _headline(h1s: list[Element], declared: str, site_name: str | None) -> str:
    """The article's headline: the first ``<h1>`` whose words mostly appear in the declared
    title (a logo in an ``<h1>`` does not), else the longest part of the declared title
    that is not the site's name.

    Declared titles carry the site ("Headline | City Paper"); the ``<h1>`` is the headline
    as shown.
    """
    declared_words = set(WORD.findall(declared.casefold()))
    for element in h1s:
        if (text := _text(element)) and declared_words:
            words = set(WORD.findall(text.casefold()))
            if words and len(words & declared_words) >= 0.5 * len(words):
                return text
    parts = TITLE_PARTS.split(declared)
    if len(parts) < 2:
        return declared
    site = " ".join((site_name or "").casefold().split())
    kept = [part for part in parts if " ".join(part.casefold().split()) != site]
    return max(kept or parts, key=len)


def _text(element: Element | None) -> str:
    return " ".join("".join(element.itertext()).split()) if element is not None else ""


def _authors(values: Iterable[Any]) -> list[str]:
    names: list[str] = []
    for value in values:
        if isinstance(value, dict):
            value = value.get("name") or ""
            if isinstance(value, list):
                value = ", ".join(map(str, value))
        if not isinstance(value, str) or NOT_A_NAME.search(value.strip()):
            continue
        names += _names(regex.sub(r"^\s*by\s+", "", value, flags=regex.I))
    return _unique(names)


def _unique(values: Iterable[str]) -> list[str]:
    seen: dict[str, str] = {}
    for value in values:
        seen.setdefault(" ".join(value.split()).casefold(), " ".join(value.split()))
    return list(seen.values())


# Every itemprop attribute of the page: one XPath pass, filtered in Python.
ITEMPROPS = lxml.etree.XPath("//@itemprop")

PageElements = tuple[list[Element], Element | None, list[str], list[Element], list[Element],
                     list[Element], list[Element]]


def _page_elements(root: Element) -> PageElements:
    """What :func:`from_html` reads off the tree: the ``<meta>`` elements, the ``<title>``,
    the canonical links' hrefs, the JSON-LD scripts, the elements with an ``itemprop`` (one
    per attribute), the ``<time>`` and the ``<h1>`` elements, each in document order. The
    native core finds them all in one walk of lxml's tree (docs/native.md); this is the
    reference, seven passes."""
    if native.reads_lxml_trees():
        assert native.core is not None
        found = native.core.page_elements(root)
        if found is not None:
            return found
    return (list(root.iter("meta")), root.find(".//title"), CANONICAL(root),
            JSON_LD_SCRIPTS(root), [attribute.getparent() for attribute in ITEMPROPS(root)],
            list(root.iter("time")), list(root.iter("h1")))


def _microdata(root: Element, declaring: list[Element], times: list[Element]) -> dict[str, Any]:
    """``itemprop`` author and dates in the body, else a byline element's author, and the
    first ``<time datetime>`` (``declaring``: the elements with an itemprop, ``times``: the
    ``<time>`` elements, in document order)."""
    found: dict[str, Any] = {}
    for element in declaring:
        prop = element.get("itemprop")
        if element.tag == "meta" or prop not in ("datePublished", "dateModified"):
            continue
        field = "published" if prop == "datePublished" else "modified"
        stamp = iso_date(element.get("datetime") or element.get("content") or _text(element))
        if stamp:
            found.setdefault(field, stamp)
    authors, first_item = [], None
    for element in declaring:
        if element.tag == "meta" or element.get("itemprop") != "author":
            continue
        # The first item's authors: the others are comments' and replies' (a forum thread).
        item = next(element.iterancestors("*"), None)
        item = next((a for a in element.iterancestors() if a.get("itemscope") is not None), item)
        if first_item is None:
            first_item = item
        elif item is not first_item:
            continue
        named = ITEMPROP_NAMES(element)
        authors.append(named[0].get("content") or _text(named[0]) if named else _text(element))
    if names := _authors(authors) or _byline_element(root):
        found["author"] = names
    if "published" not in found:
        for element in times:
            if stamp := iso_date(element.get("datetime")):
                found["published"] = stamp
                break
    return found


# Elements that hold a byline: rel=author links, and class or id names that say so (not the
# author's bio, avatar or other posts).
BYLINE_NAME = regex.compile(r"(?:^|[-_\s])(?:author|byline|by-line|writer)(?:name)?(?:$|[-_\s])"
                            r"(?!.*(?:bio|avatar|image|img|photo|description|about|box|posts))",
                            regex.I)
MAX_BYLINE_ELEMENTS = 20
# BYLINE_NAME's words, tested first (cheaply): only ASCII letters match them under regex.I.
# One search for any of them, not a test per word: a page has hundreds of named elements.
BYLINE_WORD_LIST = ("author", "byline", "by-line", "writer")
BYLINE_WORDS = re.compile("|".join(BYLINE_WORD_LIST))
NOT_BYLINE_TAGS = ("script", "style", "meta", "link", "img")


def _byline_element(root: Element) -> list[str]:
    """The author named by the first byline element of the page's body."""
    body = root.find("body")
    if body is None:
        return []
    checked = 0
    for element in _maybe_bylines(body):
        css_class, element_id, rel = element.get("class"), element.get("id"), element.get("rel")
        if not (css_class or element_id or rel) or \
                element.tag in NOT_BYLINE_TAGS:
            continue  # (most elements: nothing names them a byline)
        name = f"{css_class or ''} {element_id or ''}"
        lowered = name.lower()
        if "author" not in (rel or "").split() and not (
                BYLINE_WORDS.search(lowered) and BYLINE_NAME.search(name)):
            continue
        checked += 1
        if checked > MAX_BYLINE_ELEMENTS:
            break
        text = _text(element)
        if not text or len(text) > MAX_NAME_CHARS * 2:
            continue
        fields = labelled_fields(text)
        names = fields.get("author") or (_names(text[:VALUE_END.search(text).start()])
                                         if not fields else [])
        if 0 < len(names) <= 3:
            return names
    return []


def _maybe_bylines(body: Element) -> Iterable[Element]:
    """``body.iter("*")``; natively, only the elements :func:`_byline_element` might not pass
    over at once (named, not a script or image, a byline word in their ASCII class or id or
    a non-ASCII one, or rel=author), which it then tests as before (docs/native.md)."""
    if native.reads_lxml_trees():
        assert native.core is not None
        found = native.core.byline_candidates(body, BYLINE_WORD_LIST, NOT_BYLINE_TAGS)
        if found is not None:
            return found
    return body.iter("*")


def _json_ld(scripts: list[Element]) -> dict[str, Any]:
    """Fields of the JSON-LD object that describes the article (else the page), from the
    page's JSON-LD ``<script>`` elements."""
    objects: list[dict[str, Any]] = []
    for script in scripts:
        try:
            data = json.loads(script.text or "", strict=False)
        except (ValueError, RecursionError):
            continue
        objects += _walk_json(data)
    article = next((o for o in objects if _types(o) & ARTICLE_TYPES), None)
    page = next((o for o in objects if _types(o) & PAGE_TYPES), None)
    best = article or page
    if best is None:
        return {}
    found: dict[str, Any] = {}
    title = best.get("headline") or best.get("name")
    if isinstance(title, str):
        found["title"] = title.strip()
    for field, key in (("published", "datePublished"), ("modified", "dateModified")):
        value = best.get(key) or (page or {}).get(key)
        if isinstance(value, str) and (stamp := iso_date(value)):
            found[field] = stamp
    author = best.get("author") or best.get("creator")
    authors = author if isinstance(author, list) else [author]
    people = [a for a in authors if not (isinstance(a, dict) and _types(a) & {"organization",
                                                                              "newsmediaorganization"})]
    if names := _authors(people or authors):
        found["author"] = names
    publisher = best.get("publisher")
    if isinstance(publisher, dict) and isinstance(publisher.get("name"), str):
        found["site_name"] = publisher["name"].strip()
    for field, key in (("description", "description"), ("url", "url")):
        if isinstance(best.get(key), str) and best[key].strip():
            found[field] = best[key].strip()
    image = best.get("image")
    image = image[0] if isinstance(image, list) and image else image
    image = image.get("url") if isinstance(image, dict) else image
    if isinstance(image, str) and image.strip():
        found["image"] = image.strip()
    keywords = best.get("keywords")
    if isinstance(keywords, str):
        keywords = keywords.split(",")
    if isinstance(keywords, list):
        found["tags"] = _unique(k.strip() for k in keywords if isinstance(k, str) and k.strip())
    section = best.get("articleSection")
    sections = section if isinstance(section, list) else [section]
    if names := _unique(s.strip() for s in sections if isinstance(s, str) and s.strip()):
        found["categories"] = names
    return {k: v for k, v in found.items() if v}


def _walk_json(data: Any, depth: int = 0) -> Iterator[dict[str, Any]]:
    """Every object in a JSON-LD document that has an ``@type`` (``@graph`` included)."""
    if depth > 6:
        return
    if isinstance(data, list):
        for item in data:
            yield from _walk_json(item, depth + 1)
    elif isinstance(data, dict):
        if "@type" in data:
            yield data
        for key in ("@graph", "mainEntity", "mainEntityOfPage", "itemListElement"):
            if isinstance(data.get(key), (list, dict)):
                yield from _walk_json(data[key], depth + 1)


def _types(obj: dict[str, Any]) -> set[str]:
    kind = obj.get("@type")
    kinds = kind if isinstance(kind, list) else [kind]
    return {k.casefold() for k in kinds if isinstance(k, str)}


def htmldate_published(html: str) -> str | None:
    """htmldate's quick search (URL, headers, markup patterns) for the publication date."""
    from htmldate import find_date

    try:
        value = find_date(html, extensive_search=False, original_date=True)
    except (ValueError, TypeError):
        return None
    return iso_date(value)


class DeferredDate:
    """htmldate's date for a page's HTML (:func:`htmldate_published`), searched for only when
    asked, once: :func:`complete` asks only when no declaration, front matter or dateline
    dates the page, and most pages without a declared date have a dateline (65 of 86 on the
    speed benchmark's pages). htmldate parses the page again (~3 ms a page)."""

    __slots__ = ("_date", "_html")

    def __init__(self, html: str) -> None:
        self._html: str | None = html
        self._date: str | None = None

    def date(self) -> str | None:
        """The date, searched for on the first call (the HTML is let go then)."""
        if self._html is not None:
            self._date, self._html = htmldate_published(self._html), None
        return self._date


# --- front matter and JSON captures --------------------------------------------------------------

FIELD_KEYS: dict[str, tuple[str, ...]] = {
    "title": ("title", "headline"),
    "published": ("date", "published", "publishdate", "pubdate", "published_at", "created",
                  "datepublished", "created_at", "published time"),
    "modified": ("lastmod", "updated", "modified", "last_modified", "datemodified",
                 "updated_at"),
    "author": ("author", "authors", "byline", "creator"),
    "site_name": ("site_name", "sitename", "site", "publisher"),
    "url": ("url", "canonical", "canonical_url", "permalink", "link", "url source"),
    "description": ("description", "summary", "excerpt", "subtitle"),
    "image": ("image", "cover", "cover_image", "featured_image", "heroimage", "hero_image",
              "thumbnail", "og_image"),
    "tags": ("tags", "keywords"),
    "categories": ("categories", "category", "section"),
    "source": ("source",),
    "editor": ("editor",),
}


def from_fields(values: dict[str, Any]) -> dict[str, Any]:
    """The standard fields a front matter (or a JSON capture's fields) names."""
    by_key = {str(k).casefold(): v for k, v in values.items()}
    found: dict[str, Any] = {}
    for field, keys in FIELD_KEYS.items():
        value = next((by_key[k] for k in keys if by_key.get(k) not in (None, "", [])), None)
        if value is None:
            continue
        if field in ("published", "modified"):
            if stamp := iso_date(str(value)):
                found[field] = stamp
        elif field == "author":
            found[field] = _authors(value if isinstance(value, list) else [value])
        elif field in LIST_FIELDS:
            items = value if isinstance(value, list) else str(value).split(",")
            found[field] = _unique(str(v).strip() for v in items
                                   if isinstance(v, (str, int, float)) and str(v).strip())
        elif isinstance(value, (str, int, float)):
            found[field] = str(value).strip()
    return {k: v for k, v in found.items() if v}


# --- lines around the article ----------------------------------------------------------------

# Where datelines and bylines are looked for, in non-blank lines: the header between the
# article's start (its title, else its first kept line) and a little past its first body line
# first, then the lines just before the start; editors and sources are also credited at the end.
LINES_BEFORE = 12
LINES_AFTER = 8
LINES_AFTER_END = 6
MAX_META_TOKENS = 60
# In the header, a short line that is not a sentence and holds a date is a dateline even
# without a dateline word ("AUTO.SOHU.COM 2005年05月13日14:15").
MAX_HEADER_DATELINE_TOKENS = 20


def from_lines(page: Page, body: list[Line]) -> dict[str, Any]:
    """Dates, authors, source and editor written in the lines around the article.

    ``body`` are the article's lines the arbiter kept (the title apart). Candidates are
    short lines that the dateline detector took for a dateline or byline, that name a
    field ("来源：", "By"), or, in the header between title and text, hold a date. The
    header is read first, in order, then the lines before the title, nearest first: for
    each field the first value found wins. Dates and authors after the article belong to
    comments and replies; only editor and source are read there. Lines other detectors
    took for junk are candidates only when they label a field (chrome takes "来源：..."
    for a credit footer): the unlabelled dates of a related list are not.
    """
    content = page.content_lines()
    title = page.title_line()
    anchors = [line for line in ([title] if title else []) + body[:1] if line is not None]
    if not anchors:
        return {}
    index = {line.number: i for i, line in enumerate(content)}
    start = min(index[line.number] for line in anchors)
    first_body = index[body[0].number] if body else start
    end = index[body[-1].number] if body else start
    header = range(start, min(len(content), first_body + LINES_AFTER + 1))
    before = range(start - 1, max(-1, start - LINES_BEFORE - 1), -1)
    tail = range(max(header.stop, end - LINES_AFTER_END),
                 min(len(content), end + LINES_AFTER_END + 1))
    found: dict[str, Any] = {}
    for zone, indices in (("header", header), ("before", before), ("tail", tail)):
        for i in indices:
            line = content[i]
            features = line.features
            if features.tokens > MAX_META_TOKENS:
                continue
            fields = labelled_fields(features.plain)
            if not fields and page.is_junk(line):
                continue
            if zone == "tail":
                fields = {k: v for k, v in fields.items() if k in ("editor", "source")}
            elif "published" not in fields and "modified" not in fields and (
                    fields or any(d.detector == "dateline" for d in line.decisions)
                    or (zone == "header" and features.has_date and not features.terminal
                        and features.tokens <= MAX_HEADER_DATELINE_TOKENS)):
                if stamp := next(timestamps(features.plain), None):
                    fields["published"] = stamp
            for field, value in fields.items():
                found.setdefault(field, value)
    return found


def hostname(url: str | None) -> str | None:
    """The host of an absolute URL, lower-case, without ``www.``."""
    if not url:
        return None
    try:
        host = urlsplit(url if "//" in url else "//" + url).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host.removeprefix("www.")


# Keys of a page's working metadata that are not the capture's own fields.
WORKING_KEYS = {"warnings", "front_matter", "htmldate"}


def complete(page: Page, kept: list[Line], title: str | None) -> dict[str, Any]:
    """The page's metadata in the record's shape, most explicit source first.

    ``page.metadata`` holds what reading found (HTML head fields, a JSON capture's
    fields) and the front matter; ``kept`` are the article's lines, ``title`` the
    document's title. Each field takes the first value found in: the HTML's
    declarations, the front matter or capture fields, the lines around the article,
    htmldate's search of the markup.
    """
    working = page.metadata
    declared = {k: v for k, v in working.items() if k in METADATA_FIELDS}
    own = {k: v for k, v in working.items() if k not in METADATA_FIELDS and k not in WORKING_KEYS}
    front_matter = working.get("front_matter")
    fields = {**(front_matter if isinstance(front_matter, dict) else {}), **own}
    found: dict[str, Any] = {}
    for source in (declared, from_fields(fields), from_lines(page, kept)):
        for key, value in source.items():
            if value and not found.get(key):
                found[key] = value
    if not found.get("published"):  # htmldate, the last resort: searched only now
        deferred = working.get("htmldate")
        if published := deferred.date() if isinstance(deferred, DeferredDate) else deferred:
            found["published"] = published
    found["title"] = title
    source_url = page.capture.source
    if not found.get("url") and source_url and source_url.startswith(("http://", "https://")):
        found["url"] = source_url
    found["hostname"] = hostname(found.get("url"))
    if fields:
        found["capture_fields"] = json.dumps(fields, ensure_ascii=False, allow_nan=False,
                                             default=str)
    return metadata_record(found)
