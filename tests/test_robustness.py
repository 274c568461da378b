"""Bad input: every listed kind gets the exact status and a message saying what it is."""

from __future__ import annotations

import gzip
import importlib
import pkgutil
import random
import re
import time

import pytest
import regex

import cleanse
import cleanse.detectors
from cleanse import Config, Status
from cleanse.detectors.vocabulary import Keywords

from helpers import EN, JA, ZH_HANS, ZH_HANT, page

KO = [
    "서울시는 수요일 새로운 지하철 노선 건설에 이천억 원을 투자한다고 발표했다.",
    "새 노선은 총 사십오 킬로미터 길이로 서른 개의 역이 설치될 예정이다.",
    "전문가들은 이 계획이 동부 주민들의 출퇴근을 크게 개선할 것으로 본다.",
]


@pytest.mark.parametrize("codec,body,reported", [
    ("gbk", ZH_HANS, "gb18030"), ("gb18030", ZH_HANS, "gb18030"), ("big5", ZH_HANT, "big5hkscs"),
    ("shift_jis", JA, "cp932"), ("euc-kr", KO, "cp949"), ("utf-16", ZH_HANS, "utf-16-le"),
    ("utf-16-le", ZH_HANS, "utf-16-le"), ("utf-16-be", ZH_HANS, "utf-16-be"),
    ("utf-16-le", EN, "utf-16-le"), ("utf-16-be", EN, "utf-16-be"), ("utf-8-sig", EN, "utf-8"),
])
def test_encodings_decode_to_the_right_text(codec, body, reported):
    doc = cleanse.clean(page(*body).encode(codec))
    assert (doc.status, doc.encoding, doc.decode_errors) == (Status.OK, reported, 0)
    assert all(line in doc.text for line in body)


@pytest.mark.parametrize("damage", [
    pytest.param(lambda text: text.encode("utf-8")[:-2], id="utf8-cut-mid-character"),
    pytest.param(lambda text: text.encode("utf-8")[:300] + b"\xff\xfe"
                 + text.encode("utf-8")[300:], id="invalid-bytes"),
    pytest.param(lambda text: (text[:33] + "\x00" + text[33:]).encode("utf-8"), id="stray-nul"),
])
def test_damaged_utf8_is_decoded_and_the_damage_counted(damage):
    doc = cleanse.clean(damage(page(*ZH_HANS * 4)))
    assert (doc.status, doc.encoding) == (Status.OK, "utf-8")
    assert doc.decode_errors >= 1
    assert ZH_HANS[1] in doc.text


def test_multibyte_sequence_cut_at_the_end_of_a_gbk_page():
    doc = cleanse.clean(page(*ZH_HANS).encode("gbk")[:-2])
    assert (doc.status, doc.encoding, doc.decode_errors) == (Status.OK, "gb18030", 1)
    assert ZH_HANS[0] in doc.text


def test_mojibake_and_mixed_scripts_do_not_crash():
    mojibake = page(*ZH_HANS).encode("utf-8").decode("latin-1")
    mixed = page(ZH_HANS[0], EN[0], JA[0], KO[0], ZH_HANT[0], mojibake[:80])
    for value in (mojibake, mixed, mojibake.encode("utf-8")):
        assert cleanse.clean(value).status in (Status.OK, Status.EMPTY)


@pytest.mark.parametrize("data,message", [
    (b"\x89PNG\r\n\x1a\n" + bytes(300), "binary input: looks like a PNG image"),
    (b"\xff\xd8\xff\xe0" + bytes(300), "binary input: looks like a JPEG image"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n" + bytes(300), "binary input: looks like a PDF document"),
    (gzip.compress(gzip.compress(page(*EN).encode())), "binary input: looks like a gzip archive"),
    (random.Random(7).randbytes(4000), "binary input"),
    (random.Random(7).randbytes(4000).replace(b"\x00", b"\x01"), "undecodable input"),
], ids=["png", "jpeg", "pdf", "gzip", "random", "random-without-nul"])
def test_binary_and_undecodable_input_is_an_error(data, message):
    doc = cleanse.clean(data)
    assert doc.status is Status.ERROR
    assert doc.error.startswith(message)


@pytest.mark.parametrize("html", [
    "<html><body>" + "<div>" * 20000 + f"<p>{EN[0]}</p>",
    "<<<<>>>>" * 5000,
    "<p>" + "<b><i>unclosed " * 3000,
    "<html><head><title>t</title></head><body><p>" + "&amp;&#xD800;&#0;&bogus;" * 500,
    "<!DOCTYPE html><html><body><table>" + "<tr><td>x" * 5000,
])
def test_broken_html_gives_a_flagged_result(html):
    doc = cleanse.clean(html, kind="html")
    assert doc.status in (Status.OK, Status.EMPTY)
    if doc.status is Status.EMPTY:
        assert doc.error in ("the HTML has no visible text", "no article text found")


def test_time_limit_gives_a_timeout_record():
    doc = cleanse.Pipeline(Config(time_limit=1e-9)).clean(page(*EN), source="slow.txt")
    assert doc.status is Status.TIMEOUT
    assert doc.error.startswith("time limit of 1e-09 s exceeded during")
    assert doc.source == "slow.txt" and doc.text == ""


def test_time_limit_must_be_positive():
    with pytest.raises(cleanse.ConfigError, match="time_limit"):
        Config(time_limit=0)


def _all_patterns() -> list[tuple[str, re.Pattern | regex.Pattern]]:
    """Every compiled pattern in the package, and every detector's keyword matcher."""
    found = {}
    for info in pkgutil.walk_packages(cleanse.__path__, "cleanse."):
        if info.name == "cleanse.running.ray_engine":
            continue  # optional extra; holds no patterns
        module = importlib.import_module(info.name)
        for name, value in vars(module).items():
            if isinstance(value, (re.Pattern, regex.Pattern)):
                found[f"{info.name}.{name}"] = value
    for detector in Config().build():
        for name, value in vars(detector).items():
            if isinstance(value, Keywords):
                found[f"{detector.name}.{name}"] = value._any
            elif isinstance(value, list) and value and isinstance(value[0], regex.Pattern):
                found.update({f"{detector.name}.{name}[{i}]": p for i, p in enumerate(value)})
    return sorted(found.items())


N = 20_000
ADVERSARIAL = {
    "letters": "a" * N, "spaces": " " * N, "digits": "1" * N, "digit-space": "1 " * (N // 2),
    "cjk-stops": "。" * N, "dashes": "-" * N, "angles": "<" * N, "meta": "<meta " * (N // 6),
    "brackets": "[" * N, "link-start": "[](" * (N // 3), "stars": "*" * N,
    "underscores": "_" * N, "hashes": "#" * N, "parens": "(" * N, "tabs": "\t" * N,
    "dates": "2024-01-" * (N // 8), "months": "Jan 1, " * (N // 7), "times": "12:0" * (N // 4),
    "hyphen-words": "ab-" * (N // 3), "www": "www." * (N // 4), "url": "http://" + "a" * N,
    "dotted": "a." * (N // 2), "ago": "1 minutes " * (N // 10), "cn-ago": "1分钟" * (N // 3),
    "crumbs": "a > " * (N // 4), "tag-tail": "。(" + "x" * N, "charset": "charset=" * (N // 8),
    "mixed": "".join(random.Random(1).choice("a1 .-<>[](){}*_#。，:/\n") for _ in range(N)),
}


# Each run also ends in a character that breaks it: "[...]+$"-style patterns
# only blow up when a long run is *not* at the end.
ADVERSARIAL.update({f"{label}+tail": text + "x。1(" for label, text in list(ADVERSARIAL.items())})


@pytest.mark.parametrize("name,pattern", _all_patterns(), ids=[n for n, _ in _all_patterns()])
def test_no_pattern_backtracks_catastrophically(name, pattern):
    """Each pattern runs (search, findall, fullmatch, sub) on adversarial 20,000-character strings.

    A linear pattern takes milliseconds here; catastrophic backtracking takes
    hours. The one-second bound only tells those apart -- it is not a
    performance target (those live in benchmarks/speed.py).
    """
    is_bytes = isinstance(pattern.pattern, bytes)
    for label, text in ADVERSARIAL.items():
        value = text.encode("utf-8") if is_bytes else text
        start = time.perf_counter()
        pattern.search(value)
        pattern.findall(value)
        pattern.fullmatch(value)
        pattern.sub(b"" if is_bytes else "", value)
        elapsed = time.perf_counter() - start
        assert elapsed < 1.0, f"{name} took {elapsed:.2f} s on {label!r}"


def test_every_detector_module_is_covered_by_the_pattern_scan():
    scanned = {name.rsplit(".", 1)[0] for name, _ in _all_patterns()}
    assert {"cleanse.features", "cleanse.reading.capture", "cleanse.reading.html"} <= scanned
    assert len(_all_patterns()) >= 40
    assert cleanse.detectors.DEFAULT_PIPELINE  # the detectors' keyword matchers were built


def test_one_huge_line_of_headline_like_text_is_linear():
    """Half a megabyte on one line, glued like teaser cards ("...Fare RiseThe council...").

    Checking each glue point against the whole line before it took minutes
    (quadratic); linear work takes about a second. The bound only tells those
    apart, it is not a performance target.
    """
    line = " ".join(f"Fare RiseThe council said {i} times" for i in range(15000))
    start = time.perf_counter()
    doc = cleanse.clean(page(EN[0], line, EN[1]), config=cleanse.Config(time_limit=None))
    assert time.perf_counter() - start < 30
    assert doc.status.value == "ok"
