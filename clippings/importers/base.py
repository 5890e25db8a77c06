"""The importer contract, and small helpers every importer shares.

An importer is a pure function of a file's bytes, its name and the user's
``ImportOptions``: no database, no Qt, no settings. It returns an ``Extracted`` or
raises one of the project's own errors (``ExtractionError``, ``PasswordRequiredError``,
``UnsupportedFormatError``) with a message a person can act on. An importer of files
that hold several articles (an mbox, an e-book of articles) also has
``extract_articles``, which returns one ``Extracted`` per article, numbered by ``part``.

Long work (OCR, page by page) reports its steps with ``report_step``; whoever runs the
importer listens with ``reporting_steps`` (the extraction worker sends them to the
program, which shows them and keeps the file's time limit running per step).
"""

from __future__ import annotations

import html as html_lib
import re
from abc import ABC, abstractmethod
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Protocol, runtime_checkable

from clippings.model import DEFAULT_OPTIONS, Extracted, ImportOptions


class Importer(Protocol):
    """One file format."""

    #: Short name, stored as the clipping's ``format`` (``text``, ``html``, ``pdf``).
    name: str
    #: File name suffixes (lower case, with the dot) that suggest this format.
    suffixes: frozenset[str]
    #: The format as a person names it, in the import dialog's file filter and the
    #: README's list ("Plain text", "Web pages", "Word documents").
    label: str

    def sniff(self, head: bytes) -> bool:
        """Whether the first bytes of a file look like this format."""
        ...

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        """Turn a file's bytes into article text and metadata."""
        ...


@runtime_checkable
class ArticlesImporter(Importer, Protocol):
    """A format whose files may hold several articles."""

    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Sequence[Extracted]:
        """One ``Extracted`` per article, in the file's order; ``part`` numbers them
        from 1 when there are several, and is None when the file is one article.

        Raises:
            ExtractionError: not one article could be read (what one article's fault
                costs is a warning on the others, never the whole file).
        """
        ...


class FirstArticle(ABC):
    """``extract`` for a format whose files may hold several articles: the first of
    ``extract_articles``, which the format's class defines."""

    @abstractmethod
    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Sequence[Extracted]:
        """One ``Extracted`` per article (see ``ArticlesImporter``)."""

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        """The file's first article (for a file of one article, the file's)."""
        return self.extract_articles(data, name, options)[0]


#: Called with (steps done, steps in all, what is being done) by long importers.
StepReport = Callable[[int, int, str], None]

_STEPS: ContextVar[StepReport | None] = ContextVar("clippings_import_steps", default=None)


def report_step(done: int, total: int, message: str) -> None:
    """Say how far a long extraction is (a page of OCR); nobody listening is fine."""
    listener = _STEPS.get()
    if listener is not None:
        listener(done, total, message)


@contextmanager
def reporting_steps(listener: StepReport | None) -> Iterator[None]:
    """Send the ``report_step`` calls made inside the block to ``listener``."""
    token = _STEPS.set(listener)
    try:
        yield
    finally:
        _STEPS.reset(token)


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
