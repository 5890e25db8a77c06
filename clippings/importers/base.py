"""The importer contract, and small helpers every importer shares.

An importer is a pure function of a file's bytes and name: no database, no Qt, no
settings. It returns an ``Extracted`` or raises one of the project's own errors
(``ExtractionError``, ``PasswordRequiredError``, ``UnsupportedFormatError``) with a
message a person can act on.
"""

from __future__ import annotations

import html as html_lib
import re
from typing import Protocol

from clippings.model import Extracted


class Importer(Protocol):
    """One file format."""

    #: Short name, stored as the clipping's ``format`` (``text``, ``html``, ``pdf``).
    name: str
    #: File name suffixes (lower case, with the dot) that suggest this format.
    suffixes: frozenset[str]

    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes of a file look like this format."""
        ...

    def extract(self, data: bytes, name: str, *, password: str | None = None) -> Extracted:
        """Turn a file's bytes into article text and metadata."""
        ...


_WORD = re.compile(r"\w+", re.UNICODE)
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uac00-\ud7af\u0e00-\u0e7f]")


def word_count(text: str) -> int:
    """Words in ``text``; for scripts written without spaces, characters count as words."""
    cjk = len(_CJK.findall(text))
    if cjk:
        return cjk + len(_WORD.findall(_CJK.sub(" ", text)))
    return len(_WORD.findall(text))


def paragraphs(text: str) -> list[str]:
    """The paragraphs of a clean text (separated by blank lines)."""
    return [p.strip() for p in re.split(r"\n\s*\n", text) if p.strip()]


def text_to_html(text: str) -> str:
    """Readable HTML for a plain text: one ``<p>`` a paragraph, line breaks kept."""
    return "\n".join(
        "<p>" + html_lib.escape(p).replace("\n", "<br>") + "</p>" for p in paragraphs(text)
    )
