"""Rich Text Format (``.rtf``: WordPad, TextEdit, news database exports): the text through
striprtf, the metadata from the ``{\\info}`` group.

striprtf (BSD-3-Clause, one 300-line module) reads RTF's control words, groups and
destinations, and decodes ``\\'xx`` escapes in each font's code page (``\\fcharset``)
or the document's (``\\ansicpg``), and ``\\uN`` characters. Two things are prepared
before it runs: the file's bytes are decoded in the document's code page (some
programs write 8-bit text unescaped), and fonts marked with the "ANSI" charset
(``\\fcharset0``) in a document whose code page is another one (``\\ansicpg1251``) are
read in the document's code page, as Word reads them. Long runs of hexadecimal (the
pictures' data) are cut first, so a picture costs no time.

Metadata: ``\\title`` unless a placeholder (``rtf-info``), else a short first line that
reads as a headline (``rtf-heuristic``, and it leaves the text); ``\\author`` and
``\\creatim`` only as guesses (``rtf-heuristic``; the creation time is when the file was
made, and is dropped when the last revision ``\\revtim`` is within minutes of it: a
converter's save); the language is detected from the text.

A news database's download (Nexis Uni) of one or many articles becomes one clipping
per article, with the metadata of each article's header (see ``newsdb``).
"""

from __future__ import annotations

import codecs
import html as html_lib
import re

from clippings.importers.base import FirstArticle
from clippings.importers.office import (
    Block,
    Body,
    Fields,
    finish_articles,
    guessed_date,
    usable_person,
    usable_title,
)
from clippings.model import DEFAULT_OPTIONS, Extracted, ExtractionError, ImportOptions

_CODE_PAGE = re.compile(rb"\\ansicpg(\d{3,5})")
# Windows code page -> the RTF font charset that means it.
_CHARSET_OF = {
    1250: 238,
    1251: 204,
    1253: 161,
    1254: 162,
    1255: 177,
    1256: 178,
    1257: 186,
    1258: 163,
    874: 222,
    932: 128,
    936: 134,
    949: 129,
    950: 136,
}
_PICTURE_DATA = re.compile(r"[0-9a-fA-F\r\n]{256,}")
_INFO_FIELD = re.compile(r"\{\\(title|author|operator|subject)\s?((?:[^{}\\]|\\[^{}])*)\}")
_TIME_FIELD = re.compile(r"\{\\(creatim|revtim)((?:\\[a-z]+\d+\s?)+)\}")
_TIME_PART = re.compile(r"\\(yr|mo|dy|hr|min)(\d+)")


class RtfImporter(FirstArticle):
    """A Rich Text Format document (``.rtf``)."""

    name = "rtf"
    label = "RTF documents"
    suffixes = frozenset({".rtf"})

    def sniff(self, head: bytes) -> bool:
        return head.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf")

    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> list[Extracted]:
        """The document as one article, or each article of a news database export."""
        if not self.sniff(data[:64]):
            raise ExtractionError("the RTF document is damaged: it does not start with {\\rtf")
        codec, charset = _code_page(data)
        source = data.decode(codec, errors="replace")
        if charset is not None:
            source = re.sub(r"\\fcharset0(?!\d)", rf"\\fcharset{charset}", source)
        source = _PICTURE_DATA.sub("", source)
        # A link's target is in a field instruction; striprtf would append it to the text.
        source = re.sub(r"\bHYPERLINK\b", "LINK", source)
        try:
            text = _to_text(source, codec)
        except (ValueError, LookupError, IndexError, RecursionError) as error:
            raise ExtractionError(f"the RTF document is damaged: {error}") from error
        lines = [" ".join(line.replace("|", " | ").split()) for line in text.split("\n")]
        lines = [line.strip(" |") for line in lines]
        blocks = [Block("p", line, f"<p>{html_lib.escape(line)}</p>") for line in lines if line]

        info = _info(source, codec)
        fields = Fields()
        fields.offer("title", usable_title(info.get("title"), name), "rtf-info")
        fields.offer("published", guessed_date(info.get("creatim"), info.get("revtim")),
                     "rtf-heuristic")  # fmt: skip
        fields.offer("author", usable_person(info.get("author")), "rtf-heuristic")
        return finish_articles(self.name, Body(blocks), fields)


def _to_text(source: str, codec: str) -> str:
    """striprtf's text of an RTF document; ``\\'xx`` read in ``codec`` unless a font or
    the document names another code page."""
    from striprtf.striprtf import rtf_to_text

    text: str = rtf_to_text(source, encoding=codec, errors="replace")  # type: ignore[no-untyped-call]
    return text


def _code_page(data: bytes) -> tuple[str, int | None]:
    """The document's codec, and the font charset that stands for it when it is not
    Windows-1252 (None then)."""
    match = _CODE_PAGE.search(data[:4096])
    if not match:
        return "cp1252", None
    number = int(match.group(1))
    codec = f"cp{number}"
    try:
        codecs.lookup(codec)
    except LookupError:
        return "cp1252", None
    return codec, _CHARSET_OF.get(number)


def _info(source: str, codec: str) -> dict[str, str]:
    """The ``{\\info}`` group's title, author and times (ISO 8601, no offset)."""
    start = source.find("{\\info")
    if start < 0:
        return {}
    group = source[start : start + 65536]
    found: dict[str, str] = {}
    for key, value in _INFO_FIELD.findall(group):
        if key in found:
            continue
        text = _to_text("{\\rtf1\\ansi " + value + "}", codec)
        text = " ".join(text.split())
        if text:
            found[key] = text
    for key, value in _TIME_FIELD.findall(group):
        parts = {k: int(v) for k, v in _TIME_PART.findall(value)}
        if "yr" in parts and key not in found:
            found[key] = (
                f"{parts['yr']:04d}-{parts.get('mo', 1):02d}-{parts.get('dy', 1):02d}"
                f"T{parts.get('hr', 0):02d}:{parts.get('min', 0):02d}:00"
            )
    return found
