"""A web page's bytes as a parsed page: whether bytes are a page, their charset, the tree.

Separate from the article and its metadata because every format that carries HTML (a
saved page, an e-mail's HTML part, an MHTML archive's main page) needs these steps, each
with its own way of knowing the charset: ``looks_like_html`` sniffs, ``decode_page``
finds a page's charset the way browsers do, ``parse_html`` turns text into the tree the
rest of the HTML importer reads.
"""

from __future__ import annotations

import codecs
import re
from typing import TYPE_CHECKING

from clippings.model import ExtractionError

if TYPE_CHECKING:
    from lxml.html import HtmlElement

#: What every "nothing to import here" message about a page starts with.
NOT_FOUND = "no article text found in the page"

# --- sniffing ----------------------------------------------------------------------------

# Markup that only an HTML document starts with (after a BOM, blanks, an XML declaration,
# comments, and style sheets or scripts a template put before ``<html>``). A style or
# script element still open where the sniffed bytes end counts too: no plain text opens
# with one (a saved page can carry tens of kilobytes of CSS above its ``<html>``).
_LEADING_MARKUP = re.compile(
    r"^\s*(?:<\?xml[^>]*>\s*)?"
    r"(?:<!--.*?-->\s*|<(style|script|noscript)\b[^>]*>.*?</\1\s*>\s*)*"
    r"(?:<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s|title>|link\s)"
    r"|<(?:style|script)\b[^<>]*>(?!.*</(?:style|script)\s*>))",
    re.IGNORECASE | re.DOTALL,
)
# Structure tags that plain text mentioning "<b>" or "<p>" does not have.
_STRUCTURE_TAGS = (
    re.compile(r"<html[\s>]", re.IGNORECASE),
    re.compile(r"<(?:head|body)[\s>]", re.IGNORECASE),
)
# Tags of a document's head, with the attributes they always carry; prose that mentions a
# tag writes it bare ("the <meta> tag"). Two different ones anywhere make a page.
_HEAD_TAGS = (
    re.compile(r"<!doctype\s+html", re.IGNORECASE),
    re.compile(r"<meta\s+(?:charset|name|property|http-equiv|content)\s*=", re.IGNORECASE),
    re.compile(r"<link\s+(?:rel|href|type)\s*=", re.IGNORECASE),
    re.compile(r"<script\s+(?:src|type|async|defer|id)\b", re.IGNORECASE),
    re.compile(r"</head\s*>", re.IGNORECASE),
)


def looks_like_html(head: bytes) -> bool:
    """Whether bytes are a web page: by how they start, or by tags only a page has."""
    text = _sniff_text(head)
    if _LEADING_MARKUP.match(text):
        return True
    if all(pattern.search(text) for pattern in _STRUCTURE_TAGS):
        return True
    return sum(1 for pattern in _HEAD_TAGS if pattern.search(text)) >= 2


def _sniff_text(head: bytes) -> str:
    """The first bytes as text, enough to look for tags (UTF-16 included)."""
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return head.decode("utf-16", errors="ignore")
    sample = head[:200]
    if sample.count(b"\x00") > len(sample) // 4:
        # UTF-16 without a BOM: ASCII markup shows as every other byte zero.
        encoding = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return head.decode(encoding, errors="ignore")
    return head.removeprefix(codecs.BOM_UTF8).decode("latin-1")


# --- decoding ----------------------------------------------------------------------------

_META_CHARSET = re.compile(
    rb"<meta\b[^>]*?charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.IGNORECASE
)
_XML_ENCODING = re.compile(rb"^\s*<\?xml[^>]*encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)")
_XML_DECLARATION = re.compile(r"^\s*<\?xml[^>]*\?>", re.IGNORECASE)
# A page saved as one file carries its images inline, as megabytes of base64 in an
# attribute or a style sheet; the parser gives up on a value over 10 MB, and the rest of
# the page with it. No image is kept, so their bytes go before parsing.
_INLINE_DATA = re.compile(r"data:[\w/+.-]*(?:;[\w=.-]+)*;base64,[A-Za-z0-9+/=]{4096,}")

# Labels browsers read as a wider encoding (the WHATWG Encoding Standard): pages that say
# "iso-8859-1" are written in windows-1252, "gb2312" in GBK/GB18030, and so on.
_WIDER_ENCODING = {
    "ascii": "cp1252",
    "us-ascii": "cp1252",
    "latin-1": "cp1252",
    "latin1": "cp1252",
    "iso-8859-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso_8859-1": "cp1252",
    "iso-8859-9": "cp1254",
    "iso-8859-11": "cp874",
    "tis-620": "cp874",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "x-gbk": "gb18030",
    "shift_jis": "cp932",
    "shift-jis": "cp932",
    "sjis": "cp932",
    "x-sjis": "cp932",
    "euc-kr": "cp949",
    "ks_c_5601-1987": "cp949",
    "big5": "big5hkscs",
}

# A declared UTF-8 page with a stray broken byte or two (a truncated excerpt in a
# teaser) is still UTF-8: detectors guess something odd for it (mac_latin2 for one
# Polish page). Above this share of broken characters the declaration is wrong.
_STRAY_BYTES_SHARE = 0.002


def _codec(label: str) -> str | None:
    """The Python codec for a charset label, or None for an unknown one."""
    label = label.strip().lower()
    label = _WIDER_ENCODING.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    # A page read as bytes cannot really be UTF-16 if it declares so in ASCII markup.
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf-32") else name


def _declared_charset(data: bytes) -> str | None:
    head = data[:32768]
    match = _XML_ENCODING.match(head) or _META_CHARSET.search(head)
    return match.group(1).decode("ascii") if match else None


def _is_single_byte(codec: str) -> bool:
    return codec.startswith(("cp", "iso8859", "latin", "koi8", "mac", "windows")) and codec not in {
        "cp932",
        "cp949",
        "cp950",
    }


def _detect(data: bytes) -> tuple[str, str] | None:
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None or best.encoding is None:
        return None
    return str(best), str(best.encoding)


def decode_page(data: bytes) -> tuple[str, str, str]:
    """A page's bytes as text.

    Returns:
        The text, the codec used, and how it was chosen: ``bom``, ``declared``,
        ``detected`` or ``fallback``.
    """
    for bom, codec in (
        (codecs.BOM_UTF8, "utf-8-sig"),
        (codecs.BOM_UTF32_LE, "utf-32"),
        (codecs.BOM_UTF16_LE, "utf-16"),
        (codecs.BOM_UTF16_BE, "utf-16"),
    ):
        if data.startswith(bom):
            return data.decode(codec, errors="replace"), codec, "bom"
    label = _declared_charset(data)
    declared = _codec(label) if label else None
    non_ascii = sum(1 for byte in data if byte > 0x7F) if declared else 0
    if declared:
        try:
            text = data.decode(declared)
        except UnicodeDecodeError:
            if declared == "utf-8":
                text = data.decode("utf-8", errors="replace")
                if text.count("\ufffd") <= max(2, non_ascii * _STRAY_BYTES_SHARE):
                    return text, declared, "declared"
        else:
            if non_ascii and _is_single_byte(declared) and declared != "utf-8":
                # Valid UTF-8 with multi-byte sequences read as a one-byte charset is
                # mojibake ("Ã©" for "é"); real Latin text is almost never valid UTF-8.
                try:
                    return data.decode("utf-8"), "utf-8", "detected"
                except UnicodeDecodeError:
                    pass
            return text, declared, "declared"
    else:
        try:
            return data.decode("utf-8"), "utf-8", "detected"
        except UnicodeDecodeError:
            pass
    detected = _detect(data)
    if detected is not None:
        return detected[0], detected[1], "detected"
    return data.decode("utf-8", errors="replace"), "utf-8", "fallback"


def parse_html(text: str) -> HtmlElement:
    """A page's text as a tree, without its XML declaration and inline images.

    Raises:
        ExtractionError: the text is empty or cannot be parsed.
    """
    from trafilatura.utils import load_html

    text = _XML_DECLARATION.sub("", text, count=1)
    text = _INLINE_DATA.sub("data:,", text)
    if not text.strip():
        raise ExtractionError(f"{NOT_FOUND}: the file is empty")
    try:
        tree = load_html(text)
    except Exception as error:  # lxml's parser errors have no common public base
        raise ExtractionError(f"{NOT_FOUND}: the HTML cannot be parsed ({error})") from error
    if tree is None:
        raise ExtractionError(f"{NOT_FOUND}: the HTML cannot be parsed")
    return tree
