"""Importing files into an archive: the pipeline every front end uses.

For each file: read its bytes (bounded, ``files.read_file``); a file already in the
archive (same bytes) is a duplicate at once; otherwise the registry picks an importer
and the text is extracted in a worker process (``extraction.ExtractionPool``), a
clipping with the same normalised text is a duplicate too; else the original is
stored and the clipping written in one transaction; a file that is the same piece as a
clipping in another format (a web page's print-to-PDF, ``copies``) is a duplicate
too, its bytes kept as another original of that clipping. ``import_paths`` keeps every
worker busy and stores many files per transaction. One bad file never stops a batch,
and nothing half-stored remains after a failure.

This module is the way in; the work is done by:

- ``import_run``: ``import_paths``' reader threads and batches (``ImportRun``), with
  its tunables (``BATCH_FILES``, ``BATCH_SECONDS``, ``MAX_FILE_BYTES``, ...);
- ``index_updates``: the search index's commits during an import (``IndexUpdates``);
- ``import_steps``: the steps of one file that every way in shares (extracting in a
  worker, ``store_extracted``, ``store_bundle``, the results).
"""

from __future__ import annotations

import atexit
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path

from clippings.importers import accepted_formats
from clippings.importers.bundle import read_bundle
from clippings.model import (
    DEFAULT_OPTIONS,
    ClippingsError,
    ImportOptions,
    ImportReport,
    ImportResult,
)
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.copies import mark_old_clippings
from clippings.services.extraction import ExtractionPool
from clippings.services.files import expand
from clippings.services.import_run import ImportRun
from clippings.services.import_steps import (
    extract_file,
    remember_related,
    repair_original,
    store_bundle,
    store_extracted,
    text_fingerprint,
)
from clippings.storage import sha256_of

__all__ = [
    "ExtractionPool",
    "ImportReport",
    "accepted_formats",
    "extraction_pool",
    "import_bundle",
    "import_bytes",
    "import_paths",
    "remember_related",
    "sha256_of",
    "store_bundle",
    "store_extracted",
    "text_fingerprint",
]

_shared_pool: ExtractionPool | None = None
_shared_pool_lock = threading.Lock()


def extraction_pool() -> ExtractionPool:
    """The program's pool of extraction workers: started on first use (one worker per
    core, ``extraction.default_workers``, each reused from file to file and import to
    import), ended when the program exits."""
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
    options: ImportOptions = DEFAULT_OPTIONS,
    tags: Sequence[str] = (),
    pool: ExtractionPool | None = None,
    keep_copies: bool = False,
) -> ImportReport:
    """Import files and folders (recursively); one result per file, in the order given.

    Each file is read within the size limit (by the bytes actually read) and extracted
    in one of the pool's worker processes within a time and memory limit, so a hostile
    file costs one message and the batch goes on. As many files are extracted at once
    as the pool has workers (another starts only when reading is slower than storing);
    this thread stores them as they come (in the order they are ready, not the order
    given, so one slow file holds nothing up), in batches of up to ``BATCH_FILES``
    files or ``BATCH_SECONDS`` of waiting: one transaction and one sync of their
    originals to disk each. The search index takes the stored clippings
    on a thread of its own, in commits of up to ``INDEX_BATCH`` clippings at least every
    ``INDEX_SECONDS`` (fewer, larger index commits cost less than many small ones), and
    is up to date when this returns. Folder walks never
    leave the folder, and special files (named pipes, devices) are skipped with the
    reason.

    Args:
        archive: the open archive.
        paths: files and folders, as the user gave them.
        report: called with progress (files read, total, the file being read), at
            least every ``PROGRESS_EVERY`` seconds while the import runs.
        cancel: looked at while files are read; the files read so far are stored,
            the one being read is not.
        passwords: the password to try for a file, by its shown path.
        options: what the user chose for every file (the password to try for any
            file not in ``passwords``, the OCR languages).
        tags: tags to give every imported clipping.
        pool: the extraction workers to use (by default the program's shared pool).
        keep_copies: store a file that is the same piece as a clipping in another
            format (a web page's print-to-PDF) as a clipping of its own, instead of
            keeping it as a copy of that clipping (``services.copies``).
    """
    archive.require_writable()
    # Clippings older than the marks copies are found by: a batch of them per import.
    mark_old_clippings(archive)
    run = ImportRun(
        archive,
        list(expand(paths)),
        pool=pool or extraction_pool(),
        report=report,
        cancel=cancel,
        passwords=passwords or {},
        options=options,
        tags=tags,
        keep_copies=keep_copies,
    )
    return run.run()


def import_bytes(
    archive: Archive,
    data: bytes,
    name: str,
    *,
    shown: str | None = None,
    options: ImportOptions = DEFAULT_OPTIONS,
    tags: Sequence[str] = (),
    sync: bool = True,
    pool: ExtractionPool | None = None,
    cancel: Cancel | None = None,
    keep_copies: bool = False,
) -> list[ImportResult]:
    """Import one file's bytes (a dropped file, the clipboard, a bundle member): one
    result per article (most files hold one; an mbox one per message).

    The bytes are read in a worker process of ``pool`` (by default the program's
    shared pool), within its time and memory limits. The articles of one file are
    stored in one transaction. ``keep_copies`` as for ``import_paths``.

    Raises:
        Cancelled: ``cancel()`` returned True while the file was being read.
    """
    shown = shown or name
    sha = sha256_of(data)
    existing = archive.store.find_duplicate(sha, None)
    if existing is not None:
        return [
            ImportResult(
                shown, "duplicate", id=existing, reason=repair_original(archive, sha, data)
            )
        ]
    extracted = extract_file(pool or extraction_pool(), data, name, options, shown, cancel)
    if isinstance(extracted, ImportResult):
        return [extracted]
    return store_extracted(
        archive, extracted, data, name, shown=shown, tags=tags, sync=sync, keep_copies=keep_copies
    )


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
    return store_bundle(archive, contents, shown=shown, tags=tags)
