"""Turning what the caller hands us (str, bytes, a path) into a :class:`Capture`.

Bytes are decoded in this order: a byte-order mark; strict UTF-8; the
charset an HTML page declares; charset-normalizer's detection. Labels
``gb2312``/``gbk`` are read as ``gb18030`` (a superset: pages labelled
gb2312 routinely use GBK characters). Binary files are refused with a
message that names what they look like. A gzip-compressed capture
(``page.html.gz``, or any bytes starting with gzip's magic number) is
decompressed first, never past a size limit.
"""

from __future__ import annotations

import codecs
import json
import os
import unicodedata
import zlib
from pathlib import Path

import charset_normalizer
import regex

from cleanse.model import Capture
from cleanse.reading.html import render
from cleanse.reading.markdown import markdown_hints, setext_as_atx

MAGIC = [
    (b"\x89PNG", "PNG image"), (b"\xff\xd8\xff", "JPEG image"), (b"GIF8", "GIF image"),
    (b"%PDF", "PDF document"), (b"\x1f\x8b", "gzip archive"), (b"PK\x03\x04", "zip archive"),
    (b"\x7fELF", "ELF executable"), (b"RIFF", "RIFF media"), (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ", "xz archive"), (b"OggS", "Ogg media"), (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"), (b"ID3", "MP3 audio"), (b"wOFF", "WOFF font"),
]
BOMS = [(codecs.BOM_UTF32_LE, "utf-32-le"), (codecs.BOM_UTF32_BE, "utf-32-be"),
        (codecs.BOM_UTF8, "utf-8"), (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be")]
META_CHARSET = regex.compile(rb"""<meta[^>]{0,200}?charset\s*=\s*["']?\s*([\w.:-]+)""", regex.I)
ALIASES = {"gb2312": "gb18030", "gbk": "gb18030", "x-gbk": "gb18030", "gb_2312-80": "gb18030",
           "big5": "big5hkscs", "shift_jis": "cp932", "sjis": "cp932", "euc-kr": "cp949",
           "ascii": "utf-8", "us-ascii": "utf-8", "iso-8859-1": "cp1252", "latin-1": "cp1252"}
HTML_SIGNS = regex.compile(r"<(?:!doctype\s+html|html|head|body|div|p|span|a\s|br|li|td|meta|"
                           r"script|article|section|table|h[1-6])\b", regex.I)
CONTROL = regex.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Characters a reader never sees that split the words around them for every later step
# (keyword matching, search, deduplication, a token-based score): the soft hyphen (a
# hyphenation hint, `&shy;`), the zero-width space, the word joiner and a byte order mark
# inside the text. The zero-width (non-)joiner stays: it shapes Indic and Persian words
# and emoji sequences.
INVISIBLE_CHARACTERS = "\u00ad\u200b\u2060\ufeff"
WITHOUT_INVISIBLE = dict.fromkeys(map(ord, INVISIBLE_CHARACTERS))  # a str.translate table

GZIP_MAGIC = b"\x1f\x8b"
# What bytes handed to clean() may decompress to (the CLI applies its own --max-bytes).
MAX_DECOMPRESSED_BYTES = 50 * 1024 * 1024
MAX_REPLACEMENT_SHARE = 0.05
MAX_CONTROL_SHARE = 0.02


class CaptureError(ValueError):
    """The input cannot be read as text; the message says why."""


class TooLarge(CaptureError):
    """A compressed capture that decompresses past the size limit (a gzip bomb, or just big)."""


def gunzip(data: bytes, max_bytes: int = MAX_DECOMPRESSED_BYTES) -> bytes:
    """``data`` decompressed when it is gzip (by magic number), else unchanged.

    Never decompresses more than ``max_bytes`` (plus one chunk's worth of
    bookkeeping): a few kilobytes that would inflate to gigabytes raise
    :class:`TooLarge` instead of filling memory. Concatenated gzip members are
    read as one stream, as ``gunzip`` does.
    """
    if not data.startswith(GZIP_MAGIC):
        return data
    out, pending = bytearray(), data
    try:
        while pending:
            inflater = zlib.decompressobj(wbits=31)
            while pending:
                out += inflater.decompress(pending, max_bytes + 1 - len(out))
                if len(out) > max_bytes:
                    raise TooLarge(f"too large: over {max_bytes} bytes once decompressed")
                pending = inflater.unconsumed_tail
            if not inflater.eof:
                raise CaptureError("damaged gzip archive: the compressed data ends early")
            pending = inflater.unused_data.lstrip(b"\x00")  # padding between members
    except zlib.error as exc:
        raise CaptureError(f"damaged gzip archive: {exc}") from None
    return bytes(out)


def _codec(label: str) -> str | None:
    label = label.strip().lower()
    label = ALIASES.get(label, label)
    try:
        return codecs.lookup(label).name
    except LookupError:
        return None


# Characters a real page is made of; random or wrongly-paired bytes decoded as
# UTF-16 land mostly elsewhere in the Basic Multilingual Plane.
TEXTLIKE = regex.compile(r"[\t\n\r\x20-\x7e\u00a0-\u024f\u0370-\u04ff\u2000-\u206f\u3000-\u30ff"
                         r"\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\uff00-\uffef]")
MIN_TEXTLIKE_SHARE = 0.9
# A few stray NULs or broken sequences in otherwise good UTF-8 are damage, not
# another encoding (a truncated download, a byte flipped on disk).
MAX_STRAY_SHARE = 0.02


def _looks_utf16(data: bytes) -> str | None:
    """UTF-16 without a byte-order mark: the byte order whose decoding reads as text."""
    sample = data[:4000]
    if len(sample) < 4 or b"\x00" not in sample:
        return None
    sample = sample[: len(sample) // 2 * 2]
    # Mostly-ASCII text puts its NULs on one side; that settles the byte order.
    even_nuls = sample[0::2].count(0) / (len(sample) / 2)
    odd_nuls = sample[1::2].count(0) / (len(sample) / 2)
    if odd_nuls > 0.3 and even_nuls < 0.05:
        return "utf-16-le"
    if even_nuls > 0.3 and odd_nuls < 0.05:
        return "utf-16-be"
    for encoding in ("utf-16-le", "utf-16-be"):  # CJK text: few NULs, judge the decoding
        text = sample.decode(encoding, errors="replace")
        if len(TEXTLIKE.findall(text)) >= MIN_TEXTLIKE_SHARE * len(text):
            return encoding
    return None


def _nearly_utf8(data: bytes) -> tuple[str, int] | None:
    """(text, damage): ``data`` as UTF-8 when only a tiny share of it is NULs or invalid
    sequences; the NULs are dropped and counted with the replaced sequences."""
    text = data.decode("utf-8", errors="replace")
    damage = text.count("\ufffd") + text.count("\x00")
    if damage > max(2, MAX_STRAY_SHARE * len(text)):
        return None
    return text.replace("\x00", ""), damage


def _detect(data: bytes) -> str | None:
    """charset-normalizer's best guess, forgiving a multi-byte sequence cut off at the end."""
    for cut in range(4):
        best = charset_normalizer.from_bytes(data[: len(data) - cut] if cut else data).best()
        if best is not None:
            return _codec(best.encoding) or best.encoding
    return None


def decode(data: bytes, charset: str | None = None) -> tuple[str, str, int]:
    """(text, encoding used, number of undecodable sequences replaced or NULs dropped).

    Order: a byte-order mark, valid UTF-8, ``charset`` (an HTTP header's),
    the page's ``<meta charset>``, then detection.
    """
    for magic, what in MAGIC:
        if data.startswith(magic):
            raise CaptureError(f"binary input: looks like a {what}, not a web capture")
    bom, encoding = next(((b, n) for b, n in BOMS if data.startswith(b)), (b"", None))
    data = data[len(bom):]
    encoding = encoding or _looks_utf16(data)
    if encoding is None:
        try:
            text = data.decode("utf-8")
        except UnicodeDecodeError:
            pass
        else:
            nuls = text.count("\x00")
            if nuls > max(2, MAX_STRAY_SHARE * len(text)):
                raise CaptureError("binary input: contains NUL bytes and is not UTF-16")
            return text.replace("\x00", ""), "utf-8", nuls
        encoding = _codec(charset) if charset else None
        declared = None if encoding else META_CHARSET.search(data[:8192])
        if declared:
            encoding = _codec(declared.group(1).decode("ascii", "replace"))
        if encoding in (None, "utf-8") and (nearly := _nearly_utf8(data)) is not None:
            return nearly[0], "utf-8", nearly[1]
        if b"\x00" in data[:65536]:
            raise CaptureError("binary input: contains NUL bytes and is not UTF-16")
        if encoding in (None, "utf-8"):
            encoding = _detect(data[:200_000])
            if encoding is None:
                raise CaptureError("undecodable input: no text encoding fits these bytes")
    text = data.decode(encoding, errors="replace")
    errors = text.count("\ufffd")
    if text and errors / len(text) > MAX_REPLACEMENT_SHARE:
        raise CaptureError(f"undecodable input: {errors} invalid sequences as {encoding}")
    if text and len(CONTROL.findall(text[:65536])) / min(len(text), 65536) > MAX_CONTROL_SHARE:
        raise CaptureError("binary input: too many control characters to be text")
    return text, encoding, errors


SPACE_RUN = regex.compile(r"\s*")
TAG = regex.compile(r"<[a-zA-Z/!][^<>]{0,2000}>")
# Kinds that a file name suggests; content still decides, the name only tips the balance.
EXTENSION_KINDS = {".txt": "text", ".text": "text", ".md": "markdown", ".markdown": "markdown",
                   ".html": "html", ".htm": "html", ".xhtml": "html", ".shtml": "html"}
# A page made of markup spends a large share of its characters on tags (the most
# text-heavy bench pages: 5%); an article that quotes a few lines of HTML, little. A file
# named .txt or .md must be mostly markup to be read as HTML.
MIN_MARKUP_SHARE = 0.05
MIN_MARKUP_SHARE_IN_TEXT_FILES = 0.3


def _prolog_end(text: str) -> tuple[int, bool]:
    """(where the content starts past leading space, comments, ``<!DOCTYPE>`` and ``<?xml?>``,
    whether a DOCTYPE declared HTML). Licence headers can be many kilobytes of comment."""
    pos, doctype = 0, False
    while True:
        pos = SPACE_RUN.match(text, pos).end()
        if text.startswith("<!--", pos):
            end = text.find("-->", pos + 4)
        elif text[pos:pos + 9].lower() == "<!doctype":
            end = text.find(">", pos)
            doctype |= end > 0 and "html" in text[pos:end].lower()
        elif text.startswith("<?", pos):
            end = text.find(">", pos)
        else:
            return pos, doctype
        if end < 0:
            return pos, doctype
        pos = text.index(">", end) + 1


def markup_share(text: str) -> float:
    """The share of ``text``'s characters inside HTML tags."""
    return sum(map(len, TAG.findall(text))) / len(text) if text else 0.0


def detect_kind(text: str, hint: str | None = None) -> str:
    """``html``, ``markdown`` or ``text``, judged by content; ``hint`` (from a file
    extension) decides close calls.

    HTML is what declares itself (``<!DOCTYPE html>``), starts with markup past
    any leading comments (licence headers can run for pages), or holds enough
    markup further in. A ``.txt`` or ``.md`` file needs more markup for that
    last case, so an article quoting a few lines of HTML stays an article.
    """
    start, doctype = _prolog_end(text)
    head = text[start:start + 5000]
    signs = len(HTML_SIGNS.findall(head))
    if doctype or (head.startswith("<") and signs >= 2):
        return "html"
    if signs >= (1 if hint == "html" else 8) and "</" in text[start:start + 50_000]:
        needed = MIN_MARKUP_SHARE_IN_TEXT_FILES if hint in ("text", "markdown") \
            else MIN_MARKUP_SHARE
        if markup_share(text) >= needed:
            return "html"
    if regex.search(r"^(?:---|\+\+\+|={3,})\s*$|^#{1,6}\s|^\s*[-*]\s|\*\*\w|\]\(", head, regex.M):
        return "markdown"
    return "text"


def extension_kind(source: str | None) -> str | None:
    """The kind a capture's name suggests (``page.html``, ``A.HTM``, ``page.html.gz`` ->
    ``html``), or None."""
    if not source:
        return None
    name = source.split("?", 1)[0].split("#", 1)[0].rsplit("/", 1)[-1].lower()
    name = name.removesuffix(".gz")
    dot = name.rfind(".")
    return EXTENSION_KINDS.get(name[dot:]) if dot > 0 else None


def looks_like_html(head: bytes) -> bool:
    """Whether the first bytes of a file (decompressed if gzip) read as an HTML page.

    For files whose name says nothing (``index.php``, ``page?id=3``, no extension:
    what ``wget --mirror`` leaves): pages are taken, stylesheets, scripts, images
    and plain-text notes are not.
    """
    try:
        text, _, _ = decode(head)
    except CaptureError:
        return False
    return detect_kind(text) == "html"


def _unwrap_json(text: str) -> tuple[str, dict] | None:
    """A JSON capture {"text"|"html"|"content": ..., "url": ...} -> (inner text, metadata)."""
    if not text.lstrip().startswith("{"):
        return None
    try:
        # NaN and Infinity are not JSON; as metadata they would make the record invalid.
        data = json.loads(text, parse_constant=lambda name: None)
    except ValueError:
        return None
    except RecursionError:
        raise CaptureError("too deeply nested: a JSON capture nested beyond what can be "
                           "read") from None
    if not isinstance(data, dict):
        return None
    for key in ("html", "content", "text", "body", "markdown"):
        if isinstance(data.get(key), str):
            metadata = {k: v for k, v in data.items()
                        if k != key and isinstance(v, (str, int, float, bool))}
            return data[key], metadata
    return None


def visible_text(text: str) -> str:
    """``text`` in Unicode's composed form (NFC: "u" and a combining diaeresis become "ü")
    without :data:`INVISIBLE_CHARACTERS`; the same lines, line for line.

    Both change no visible character, and both make words match: a decomposed "Ähnliche" or
    a soft-hyphenated "Kommen&shy;tare" is not the word a vocabulary or a reader's search
    holds.
    """
    if text.isascii():
        return text
    # (The check alone: normalize() composes again whenever a character only may need it,
    # twice the time on a Chinese page. `in`, not a regex: ~50x faster on such a page.)
    if not unicodedata.is_normalized("NFC", text):
        text = unicodedata.normalize("NFC", text)
    if any(character in text for character in INVISIBLE_CHARACTERS):
        text = text.translate(WITHOUT_INVISIBLE)
    return text


def to_capture(value: str | bytes | os.PathLike[str] | Capture, *, source: str | None = None,
               kind: str | None = None, charset: str | None = None) -> Capture:
    """Build a Capture from text, bytes, or a path (``pathlib.Path`` / ``os.PathLike``).

    A plain ``str`` is always treated as the capture's text, never as a path.
    HTML is rendered to lines (the whole page, with DOM hints); in markdown, setext
    headings are written as ATX ones (:func:`~cleanse.reading.markdown.setext_as_atx`,
    line for line). The text (and an HTML page's metadata) is then in composed form without
    invisible characters (:func:`visible_text`). ``charset`` is
    the encoding a transport declared for bytes (an HTTP ``Content-Type``); it
    beats the page's own ``<meta charset>``.
    """
    if isinstance(value, Capture):
        return value
    encoding, errors = None, 0
    if isinstance(value, os.PathLike):
        path = Path(value)
        source = source or str(path)
        try:
            value = path.read_bytes()
        except OSError as exc:
            raise CaptureError(f"cannot read {path}: {exc.strerror or exc}") from exc
    if isinstance(value, (bytes, bytearray)):
        value, encoding, errors = decode(gunzip(bytes(value)), charset)
    if not isinstance(value, str):
        raise TypeError(f"cannot clean a {type(value).__name__}; pass str, bytes or a path")
    metadata: dict = {}
    unwrapped = _unwrap_json(value) if kind in (None, "json") else None
    if unwrapped:
        value, metadata = unwrapped
        kind = None if kind == "json" else kind
    if "\r" in value:  # (one fast scan; a replace that finds nothing costs several)
        value = value.replace("\r\n", "\n").replace("\r", "\n")
    # count, not `in`: in a str of 2 or 4 bytes a character (any page with a character past
    # U+00FF), CPython's search for one character cannot use memchr for NUL and walks the
    # text character by character, ~2.5x slower than count's loop (~0.12 against ~0.05 ms
    # a page of 80,000 characters).
    if value.count("\x00"):
        value = value.replace("\x00", "")
    kind = kind or detect_kind(value, extension_kind(source))
    if kind == "html":
        value, hints, page_metadata = render(value)
        value = visible_text(value)
        metadata = {**{key: visible_text(item) if isinstance(item, str) else item
                       for key, item in page_metadata.items()}, **metadata}
    else:
        value = visible_text(value)
        if kind == "markdown":
            value = setext_as_atx(value)
        hints = markdown_hints(value, unfenced=kind == "text")
    return Capture(text=value, source=source, kind=kind, encoding=encoding,
                   decode_errors=errors, metadata=metadata, line_hints=hints)
