"""Importing files into an archive: the pipeline every front end uses.

For each file: read its bytes (bounded, ``files.read_file``); a file already in the
archive (same bytes) is a duplicate at once; otherwise the registry picks an importer
and the text is extracted in a worker process (``extraction.ExtractionPool``), a
clipping with the same normalised text is a duplicate too; else the original is
stored and the clipping written in one transaction. One bad file never stops a
batch, and nothing half-stored remains after a failure.
"""

from __future__ import annotations

import atexit
import errno
import hashlib
import logging
import re
import threading
import unicodedata
from collections.abc import Mapping, Sequence
from pathlib import Path

from clippings import importers
from clippings.importers.bundle import is_bundle, read_bundle
from clippings.model import (
    Cancelled,
    ClippingsError,
    Extracted,
    ExtractionError,
    ImportOutcome,
    ImportReport,
    ImportResult,
    PasswordRequiredError,
    Progress,
    TooLargeError,
    UnsupportedFormatError,
)
from clippings.services import related
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.extraction import ExtractionPool
from clippings.services.files import BROKEN_LINK, NOT_FOUND, expand, read_file
from clippings.storage import NewClipping, sha256_of

log = logging.getLogger(__name__)

#: Files above this size are skipped: no press clipping is that large.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Commit to the search index every so many imported files (not once at the end).
INDEX_EVERY = 50

_PUNCTUATION = re.compile(r"[\W_]+", re.UNICODE)


def text_fingerprint(text: str) -> str | None:
    """SHA-256 of the text with case, spacing and punctuation folded (None if empty)."""
    folded = unicodedata.normalize("NFKC", text).casefold()
    folded = _PUNCTUATION.sub(" ", folded).strip()
    if not folded:
        return None
    return hashlib.sha256(folded.encode("utf-8")).hexdigest()


_shared_pool: ExtractionPool | None = None
_shared_pool_lock = threading.Lock()


def extraction_pool() -> ExtractionPool:
    """The program's pool of extraction workers: started on first use (one worker,
    reused from file to file and import to import), ended when the program exits."""
    global _shared_pool
    with _shared_pool_lock:
        if _shared_pool is None:
            _shared_pool = ExtractionPool()
            atexit.register(_shared_pool.close)
        return _shared_pool


def import_paths(
    archive: Archive,
    paths: Sequence[str | Path],
    *,
    report: Report | None = None,
    cancel: Cancel | None = None,
    passwords: Mapping[str, str] | None = None,
    password: str | None = None,
    tags: Sequence[str] = (),
    pool: ExtractionPool | None = None,
) -> ImportReport:
    """Import files and folders (recursively); one result per file.

    Each file is read within the size limit (by the bytes actually read) and extracted
    in a worker process within a time and memory limit, so a hostile file costs one
    message and the batch goes on. Folder walks never leave the folder, and special
    files (named pipes, devices) are skipped with the reason.

    Args:
        archive: the open archive.
        paths: files and folders, as the user gave them.
        report: called with progress (done, total, current file).
        cancel: checked between files; the files done so far stay imported.
        passwords: the password to try for a file, by its shown path.
        password: the password to try for any other file that needs one.
        tags: tags to give every imported clipping.
        pool: the extraction workers to use (by default the program's shared pool).
    """
    archive.require_writable()
    pool = pool or extraction_pool()
    files = list(expand(paths))
    results: list[ImportResult] = []
    cancelled = False
    since_sync = 0
    for done, found in enumerate(files):
        if cancel and cancel():
            cancelled = True
            break
        shown = found.shown
        if report:
            report(Progress(done, len(files), shown))
        if found.path is None or found.skip_reason:
            # What is not there fails; what is there but not a file to read is skipped.
            missing = found.skip_reason in (NOT_FOUND, BROKEN_LINK) or not found.skip_reason
            outcome: ImportOutcome = "failed" if missing else "skipped"
            results.append(ImportResult(shown, outcome, reason=found.skip_reason or NOT_FOUND))
            continue
        try:
            data = read_file(found.path, MAX_FILE_BYTES)
        except TooLargeError as error:
            results.append(ImportResult(shown, "skipped", reason=str(error)))
            continue
        except UnsupportedFormatError as error:
            results.append(ImportResult(shown, "skipped", reason=str(error)))
            continue
        except ClippingsError as error:
            results.append(ImportResult(shown, "failed", reason=str(error)))
            continue
        if is_bundle(data):
            bundle_results = import_bundle(archive, data, shown=shown, tags=tags, pool=pool)
            results.extend(bundle_results)
            since_sync += len(bundle_results)
            continue
        try:
            result = import_bytes(
                archive,
                data,
                found.name,
                shown=shown,
                password=(passwords or {}).get(shown, password),
                tags=tags,
                sync=False,
                pool=pool,
                cancel=cancel,
            )
        except Cancelled:  # stopped while the file was being read: nothing of it stored
            cancelled = True
            break
        finally:
            del data  # up to 200 MB: not kept while the next file is read
        results.append(result)
        if result.outcome == "imported":
            since_sync += 1
            if since_sync >= INDEX_EVERY:
                archive.sync_quietly()
                since_sync = 0
    archive.sync_quietly()
    if report:
        report(Progress(len(results), len(files), "Done"))
    return ImportReport(results=tuple(results), cancelled=cancelled)


def import_bytes(
    archive: Archive,
    data: bytes,
    name: str,
    *,
    shown: str | None = None,
    password: str | None = None,
    tags: Sequence[str] = (),
    sync: bool = True,
    pool: ExtractionPool | None = None,
    cancel: Cancel | None = None,
) -> ImportResult:
    """Import one file's bytes (a dropped file, the clipboard, a bundle member).

    The bytes are read in a worker process of ``pool`` (by default the program's
    shared pool), within its time and memory limits.

    Raises:
        Cancelled: ``cancel()`` returned True while the file was being read.
    """
    shown = shown or name
    sha = sha256_of(data)
    existing = archive.store.find_duplicate(sha, None)
    if existing is not None:
        return ImportResult(
            shown, "duplicate", id=existing, reason=_repair_original(archive, sha, data)
        )
    try:
        extracted = (pool or extraction_pool()).extract(data, name, password, cancel=cancel)
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
    return store_extracted(archive, extracted, data, name, shown=shown, tags=tags, sync=sync)


def import_bundle(
    archive: Archive,
    data: bytes,
    *,
    shown: str,
    tags: Sequence[str] = (),
    pool: ExtractionPool | None = None,
) -> list[ImportResult]:
    """Restore the clippings of an exported bundle: metadata, tags, notes and originals.

    The whole bundle is read and checked before anything is stored; each bad record is
    one failed result with its reason, and the good ones are imported all the same.
    Each clipping is one result, with the bundle's path; duplicates are reported as in
    any import.
    """
    try:
        # In a worker too: the bundle's limits bound what it unpacks, the worker's the
        # memory and time its checks take.
        contents = (pool or extraction_pool()).call(read_bundle, data)
    except ClippingsError as error:
        return [ImportResult(shown, "failed", reason=str(error))]
    results = [ImportResult(shown, "failed", reason=problem) for problem in contents.problems]
    for entry in contents.entries:
        results.append(
            store_extracted(
                archive,
                entry.extracted,
                entry.original,
                entry.original_name,
                shown=shown,
                tags=[*entry.tags, *tags],
                notes=entry.notes,
                sync=False,
            )
        )
    return results


def _repair_original(archive: Archive, sha: str, data: bytes) -> str:
    """The same file again: if its stored original is missing or altered, these bytes
    (whose SHA-256 is the one recorded) put it back."""
    state = archive.originals.verify(sha)
    if state == "ok" or archive.read_only:
        return "the same file is already in the archive"
    archive.store.restore_original(sha, lambda: archive.originals.replace(data))
    return f"the same file is already in the archive; its {state} original was restored"


def store_extracted(
    archive: Archive,
    extracted: Extracted,
    data: bytes,
    name: str,
    *,
    shown: str,
    tags: Sequence[str] = (),
    notes: str | None = None,
    sync: bool = True,
) -> ImportResult:
    """Store an extracted file unless it duplicates a clipping already there.

    The duplicate check, the claim on the original and the write of its file happen
    in one database transaction (``ClippingStore.add_new``), so two programs importing
    the same file at once store one clipping and never remove each other's files.
    """
    fingerprint = text_fingerprint(extracted.text) if extracted.has_text else None
    sha = sha256_of(data)
    new = NewClipping(
        extracted=extracted,
        sha256=sha,
        size=len(data),
        original_name=Path(name).name,
        text_hash=fingerprint,
        word_count=importers.word_count(extracted.text),
        notes=notes,
    )
    try:
        clipping_id, created = archive.store.add_new(
            new, tags, store_original=lambda: archive.originals.put(data)
        )
    except ClippingsError as error:
        _forget_unclaimed(archive, sha)
        return ImportResult(shown, "failed", reason=f"could not be stored: {error}")
    except OSError as error:
        _forget_unclaimed(archive, sha)
        return ImportResult(shown, "failed", reason=f"could not be stored: {_os_reason(error)}")
    except Exception as error:
        _forget_unclaimed(archive, sha)
        log.exception("storing %s", shown)
        return ImportResult(shown, "failed", reason=f"could not be stored: {error}")
    if not created:
        return ImportResult(
            shown, "duplicate", id=clipping_id, reason="the same article is already in the archive"
        )
    if extracted.has_text:
        try:
            related.remember(archive, clipping_id)  # features for related pieces, once
        except ClippingsError as error:  # stored all the same; analysed again later
            log.warning("clipping %s is stored; its features wait: %s", clipping_id, error)
        except Exception:  # the clipping is stored; the window analyses it again later
            log.exception("features of clipping %s", clipping_id)
    if sync:
        archive.sync_quietly()
    title = extracted.title or Path(name).stem
    return ImportResult(
        shown,
        "imported",
        id=clipping_id,
        title=title,
        without_text=not extracted.has_text,
        reason="; ".join(extracted.warnings) or None,
    )


def _forget_unclaimed(archive: Archive, sha: str) -> None:
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
