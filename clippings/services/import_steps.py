"""The steps of importing one file, shared by every way in (``import_paths``'
batches, ``import_bytes``, a bundle's clippings): reading it in a worker, the results
that say what became of it, storing it without a duplicate, and tidying up after a
store that failed.
"""

from __future__ import annotations

import errno
import hashlib
import logging
import re
import unicodedata
from collections.abc import Sequence
from dataclasses import replace
from pathlib import Path

from clippings import importers
from clippings.authors import parse_byline, parse_edited
from clippings.importers.bundle import BundleContents, BundleCopy
from clippings.languages import WORD_MARKS
from clippings.model import (
    Cancelled,
    ClippingsError,
    Extracted,
    ExtractionError,
    ImportOptions,
    ImportResult,
    PasswordRequiredError,
    TooLargeError,
    UnsupportedFormatError,
)
from clippings.services import related
from clippings.services.archive import Archive, Cancel
from clippings.services.copies import SamePieceCheck, marks_of
from clippings.services.extraction import ExtractionPool, Steps, Wanted
from clippings.storage import NewClipping, sha256_of

log = logging.getLogger(__name__)

# What a text's fingerprint folds away: anything but letters, digits and the marks
# that belong to them (Hindi's vowel signs: "की" is not "के").
_PUNCTUATION = re.compile(rf"(?:[^\w{WORD_MARKS}]|_)+")


def text_fingerprint(text: str) -> str | None:
    """SHA-256 of the text with case, spacing and punctuation folded (None if empty)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _PUNCTUATION.sub(" ", folded).strip()
    if not folded:
        return None
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


def remember_related(archive: Archive, ids: Sequence[int]) -> None:
    """Compute the related-pieces features of newly stored clippings (once per stored
    batch). A failure leaves them stored all the same; they are analysed again later."""
    try:
        related.remember_many(archive, ids)
    except ClippingsError as error:
        log.warning("%d clippings are stored; their features wait: %s", len(ids), error)
    except Exception:  # the clippings are stored; the window analyses them again later
        log.exception("features of clippings %s", list(ids)[:10])


def extract_file(
    pool: ExtractionPool,
    data: bytes,
    name: str,
    options: ImportOptions,
    shown: str,
    cancel: Cancel | None,
    steps: Steps | None = None,
    wanted: Wanted | None = None,
) -> tuple[Extracted, ...] | ImportResult:
    """What a worker reads of the file (its articles), or the result that says why it
    cannot (``wanted``: whether another worker may start for it, as in
    ``ExtractionPool.extract``).

    Raises:
        Cancelled: ``cancel()`` returned True while the file was being read.
    """
    try:
        return pool.extract(data, name, options, cancel=cancel, steps=steps, wanted=wanted)
    except Cancelled:
        raise
    except TooLargeError as error:
        return ImportResult(shown, "skipped", reason=str(error))
    except PasswordRequiredError as error:
        return ImportResult(shown, "failed", reason=str(error), needs_password=True)
    except UnsupportedFormatError as error:
        return ImportResult(shown, "skipped", reason=str(error))
    except ExtractionError as error:
        return ImportResult(shown, "failed", reason=str(error))
    except (ClippingsError, RecursionError, MemoryError) as error:
        log.exception("importing %s", shown)
        return ImportResult(shown, "failed", reason=f"the file could not be read ({error})")
    except Exception as error:  # a library's bug must not stop the batch
        log.exception("importing %s", shown)
        return ImportResult(
            shown, "failed", reason=f"unexpected error while reading the file: {error!r}"
        )


def store_bundle(
    archive: Archive, contents: BundleContents, *, shown: str, tags: Sequence[str] = ()
) -> list[ImportResult]:
    """Store the clippings of a bundle read by ``read_bundle`` (see ``import_bundle``)."""
    results = [ImportResult(shown, "failed", reason=problem) for problem in contents.problems]
    for entry in contents.entries:
        stored = store_extracted(
            archive,
            (entry.extracted,),
            entry.original,
            entry.original_name,
            shown=shown,
            tags=[*entry.tags, *tags],
            notes=entry.notes,
            sync=False,
            listed_authors=True,
        )
        results.extend(stored)
        clipping_id = stored[0].id
        if clipping_id is not None and stored[0].outcome != "failed":
            for copy in entry.copies:
                _store_copy(archive, clipping_id, copy)
    # A bundle's tag colours, for tags that have none here yet (the user's colours win).
    have = {tag.name: tag.colour for tag in archive.tags()}
    for name, colour in contents.tag_colours.items():
        if name in have and not have[name] and not archive.read_only:
            archive.set_tag_colour(name, colour)
    return results


def _store_copy(archive: Archive, clipping_id: int, copy: BundleCopy) -> None:
    """Keep a bundled clipping's copy (the same piece in another format) with it."""
    sha = sha256_of(copy.original)
    try:
        archive.store.add_copy(
            clipping_id,
            sha256=sha,
            size=len(copy.original),
            original_name=copy.original_name,
            format=copy.format,
            store_original=lambda: archive.originals.put(copy.original),
        )
    except Exception as error:  # noqa: BLE001 - the clipping is stored; its copy waits
        log.warning("a copy of clipping %d could not be stored: %s", clipping_id, error)
        forget_unclaimed(archive, sha)


def repair_original(archive: Archive, sha: str, data: bytes) -> str:
    """The same file again: if its stored original is missing or altered, these bytes
    (whose SHA-256 is the one recorded) put it back."""
    state = archive.originals.verify(sha)
    if state == "ok" or archive.read_only:
        return "the same file is already in the archive"
    archive.store.restore_original(sha, lambda: archive.originals.replace(data))
    return f"the same file is already in the archive; its {state} original was restored"


def store_extracted(
    archive: Archive,
    articles: Sequence[Extracted],
    data: bytes,
    name: str,
    *,
    shown: str,
    tags: Sequence[str] = (),
    notes: str | None = None,
    sync: bool = True,
    listed_authors: bool = False,
    keep_copies: bool = False,
) -> list[ImportResult]:
    """Store the articles of an extracted file, each unless it duplicates a clipping
    already there; one result per article. A file that is the same piece as a
    clipping in another format (``services.copies``) is kept as a copy of it, unless
    ``keep_copies`` (then it becomes a clipping of its own).

    The duplicate checks, the claim on the original and the write of its file happen
    in one database transaction (``ClippingStore.add_many``), so two programs importing
    the same file at once store its clippings once and never remove each other's
    files, and a file's articles are stored all together or not at all.
    """
    news = [
        new_clipping(extracted, data, name, notes, listed_authors=listed_authors)
        for extracted in articles
    ]
    sha = news[0].sha256
    try:
        outcomes = archive.store.add_many(
            news,
            tags,
            store_originals=lambda stored: archive.originals.put(data) if stored else None,
            copies=None if keep_copies else SamePieceCheck(),
        )
    except Exception as error:  # noqa: BLE001 - the reason goes into its result
        forget_unclaimed(archive, sha)
        return [store_failure(part_shown(shown, extracted), error) for extracted in articles]
    remember_related(
        archive,
        [a.id for a, ex in zip(outcomes, articles, strict=True) if a.created and ex.has_text],
    )
    if sync:
        archive.sync_quietly()
    return [
        stored_result(part_shown(shown, extracted), name, extracted, *added)
        for extracted, added in zip(articles, outcomes, strict=True)
    ]


def part_shown(shown: str, extracted: Extracted) -> str:
    """How the results name one article of a file: the file, and for a file of
    several articles the article's number (``news.mbox › 3``)."""
    return shown if extracted.part is None else f"{shown} › {extracted.part}"


def new_clipping(
    extracted: Extracted,
    data: bytes,
    name: str,
    notes: str | None = None,
    *,
    listed_authors: bool = False,
) -> NewClipping:
    """What the archive stores of one extracted article.

    The byline is read once into a list of names (``clippings.authors``), which every
    view and export then reads; ``listed_authors`` says the author field already is such
    a list (a bundle's clipping), to be kept as it is.
    """
    if extracted.author:
        listed = (
            parse_edited(extracted.author)
            if listed_authors
            else parse_byline(extracted.author, outlet=extracted.outlet)
        )
        extracted = replace(extracted, author=listed)
    return NewClipping(
        extracted=extracted,
        sha256=sha256_of(data),
        size=len(data),
        original_name=Path(name).name,
        text_hash=text_fingerprint(extracted.text) if extracted.has_text else None,
        word_count=importers.word_count(extracted.text),
        notes=notes,
        marks=marks_of(extracted.text, extracted.part is None) if extracted.has_text else (),
    )


def stored_result(
    shown: str,
    name: str,
    extracted: Extracted,
    clipping_id: int,
    created: bool,
    copy_reason: str | None = None,
) -> ImportResult:
    if copy_reason:
        return ImportResult(
            shown,
            "duplicate",
            id=clipping_id,
            reason=f"{copy_reason}: this file is kept as another original of it",
            kept_as_copy=True,
        )
    if not created:
        return ImportResult(
            shown, "duplicate", id=clipping_id, reason="the same article is already in the archive"
        )
    return ImportResult(
        shown,
        "imported",
        id=clipping_id,
        title=extracted.title or Path(name).stem,
        without_text=not extracted.has_text,
        reason="; ".join(extracted.warnings) or None,
    )


def store_failure(shown: str, error: Exception) -> ImportResult:
    """The result of a file that could not be stored (nothing of it is kept)."""
    if isinstance(error, ClippingsError):
        reason = str(error)
    elif isinstance(error, OSError):
        reason = _os_reason(error)
    else:
        log.error("storing %s", shown, exc_info=error)
        reason = str(error)
    return ImportResult(shown, "failed", reason=f"could not be stored: {reason}")


def forget_unclaimed(archive: Archive, sha: str) -> None:
    """After a failed store: remove the original's file if the failure left it on disk
    and no clipping claims it (decided under the write lock). Best effort: ``check``
    finds what is left."""
    try:
        archive.store.remove_unclaimed(sha, archive.originals.remove)
    except (ClippingsError, OSError):
        log.warning("could not tidy up after a failed import; `check --repair` will")


def _os_reason(error: OSError) -> str:
    if error.errno == errno.ENOSPC:
        return "the disk is full; free some space and import it again"
    if error.errno in (errno.EROFS, errno.EACCES, errno.EPERM):
        return f"the archive cannot be written ({error.strerror})"
    return str(error.strerror or error)
