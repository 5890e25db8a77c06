"""Importing files into an archive: the pipeline every front end uses.

For each file: read its bytes (bounded, ``files.read_file``); a file already in the
archive (same bytes) is a duplicate at once; otherwise the registry picks an importer
and the text is extracted in a worker process (``extraction.ExtractionPool``), a
clipping with the same normalised text is a duplicate too; else the original is
stored and the clipping written in one transaction. ``import_paths`` keeps every
worker busy and stores many files per transaction (``_ImportRun``). One bad file
never stops a batch, and nothing half-stored remains after a failure.
"""

from __future__ import annotations

import atexit
import errno
import hashlib
import logging
import queue
import re
import threading
import time
import unicodedata
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path

from clippings import importers
from clippings.importers.bundle import BundleContents, is_bundle, read_bundle
from clippings.model import (
    ArchiveError,
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
from clippings.services.files import BROKEN_LINK, NOT_FOUND, FileToImport, expand, read_file
from clippings.storage import IncomingOriginal, NewClipping, sha256_of

log = logging.getLogger(__name__)

#: Files above this size are skipped: no press clipping is that large.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Files stored in one transaction, with one sync of their originals to disk, at most.
BATCH_FILES = 50
#: A batch is stored once its first file has waited this long, full or not (seconds).
BATCH_SECONDS = 1.5
#: Progress is reported at least this often while an import runs (seconds).
PROGRESS_EVERY = 0.5
#: Files read by the workers that may wait to be stored, per worker (flat memory).
WAITING_PER_WORKER = 2
#: Stored clippings the search index takes in one commit during an import, at most ...
INDEX_BATCH = 500
#: ... and how long a stored clipping waits for it at most (seconds): a new clipping is
#: found by search this long after it is stored, while an import goes on.
INDEX_SECONDS = 10.0

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
    password: str | None = None,
    tags: Sequence[str] = (),
    pool: ExtractionPool | None = None,
) -> ImportReport:
    """Import files and folders (recursively); one result per file, in the order given.

    Each file is read within the size limit (by the bytes actually read) and extracted
    in one of the pool's worker processes within a time and memory limit, so a hostile
    file costs one message and the batch goes on. As many files are extracted at once
    as the pool has workers; this thread stores them as they come (in the order they
    are ready, not the order given, so one slow file holds nothing up), in batches of
    up to ``BATCH_FILES`` files or ``BATCH_SECONDS`` of waiting: one transaction and one
    sync of their originals to disk each. The search index takes the stored clippings
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
        password: the password to try for any other file that needs one.
        tags: tags to give every imported clipping.
        pool: the extraction workers to use (by default the program's shared pool).
    """
    archive.require_writable()
    run = _ImportRun(
        archive,
        list(expand(paths)),
        pool=pool or extraction_pool(),
        report=report,
        cancel=cancel,
        passwords=passwords or {},
        password=password,
        tags=tags,
    )
    return run.run()


def remember_related(archive: Archive, ids: Sequence[int]) -> None:
    """Compute the related-pieces features of newly stored clippings (once per stored
    batch). A failure leaves them stored all the same; they are analysed again later."""
    try:
        related.remember_many(archive, ids)
    except ClippingsError as error:
        log.warning("%d clippings are stored; their features wait: %s", len(ids), error)
    except Exception:  # the clippings are stored; the window analyses them again later
        log.exception("features of clippings %s", list(ids)[:10])


@dataclass
class _Read:
    """A file a worker has read, waiting to be stored; its original waits on disk."""

    number: int
    shown: str
    name: str
    extracted: Extracted
    new: NewClipping
    original: IncomingOriginal


@dataclass
class _Decided:
    """A file whose results are known without storing it (skipped, failed, the same
    bytes already stored, or a bundle's clippings)."""

    number: int
    results: list[ImportResult]


@dataclass
class _Bundle:
    number: int
    shown: str
    contents: BundleContents


#: A reader thread's last message: it takes no more files.
_READER_DONE = object()


class _IndexUpdates:
    """Applies an import's queued index changes on a thread of its own, so that a slow
    index commit holds up neither the storing of the next batches nor the progress
    reports. The changes are in the database's index queue already: a crash loses none
    of them.

    The stored batches are gathered into commits of up to ``INDEX_BATCH`` clippings, at
    least every ``INDEX_SECONDS`` (and at the end): Whoosh spends much of a commit per
    distinct word it writes and per segment it leaves, so one commit of 500 clippings
    costs about half of ten commits of 50, and leaves one segment instead of ten to
    merge (measured: 4.5 against 9 ms of CPU a clipping, at 100,000 clippings).
    """

    def __init__(self, archive: Archive) -> None:
        self._archive = archive
        self._changed = threading.Condition()
        self._waiting = 0  # clippings stored since the last update began
        self._since: float | None = None  # since when the oldest of them waits
        self._finished = False
        self._thread = threading.Thread(target=self._run, name="clippings-import-index")
        self._thread.start()

    def request(self, stored: int) -> None:
        """A batch of ``stored`` clippings is stored: they go into the index with the
        next update (once enough are waiting, or they have waited long enough)."""
        with self._changed:
            self._waiting += stored
            if self._since is None:
                self._since = time.monotonic()
            self._changed.notify()

    def finish(self, waiting: Callable[[], None]) -> None:
        """Apply all that is still queued and end; ``waiting()`` is called now and then
        meanwhile."""
        with self._changed:
            self._finished = True
            self._changed.notify()
        while self._thread.is_alive():
            self._thread.join(PROGRESS_EVERY)
            if self._thread.is_alive():
                waiting()

    def _due(self) -> bool:
        return self._since is not None and (
            self._waiting >= INDEX_BATCH or time.monotonic() - self._since >= INDEX_SECONDS
        )

    def _run(self) -> None:
        while True:
            with self._changed:
                while not self._finished and not self._due():
                    wait = None if self._since is None else self._since + INDEX_SECONDS
                    self._changed.wait(None if wait is None else max(0.0, wait - time.monotonic()))
                finished = self._finished
                # What is stored from now on waits for the next update.
                taken, self._waiting, since, self._since = self._waiting, 0, self._since, None
            try:
                # One commit of what waits now; what is stored meanwhile waits for the
                # next (a loop until the queue is empty would chase the import with
                # ever smaller commits). At the end, everything.
                applied = self._archive.sync_quietly(batch=INDEX_BATCH, once=not finished)
            except Exception:  # the changes stay queued; the next sync applies them
                log.exception("updating the search index during an import")
                applied = 0
            if finished:
                return
            left = taken - applied
            if left > 0 and applied >= INDEX_BATCH:  # more were queued than one commit takes
                with self._changed:
                    self._waiting += left
                    self._since = since
            elif taken and not applied:  # the index was busy (or failed): again in a while
                with self._changed:
                    self._waiting += taken
                    self._since = self._since or time.monotonic()


class _ImportRun:
    """One ``import_paths``: reader threads hand files to the workers and the files
    they read to this thread, which stores them in batches."""

    def __init__(
        self,
        archive: Archive,
        files: list[FileToImport],
        *,
        pool: ExtractionPool,
        report: Report | None,
        cancel: Cancel | None,
        passwords: Mapping[str, str],
        password: str | None,
        tags: Sequence[str],
    ) -> None:
        self.archive = archive
        self.files = files
        self.pool = pool
        self.report = report
        self.user_cancel = cancel
        self.passwords = passwords
        self.password = password
        self.tags = tags
        self.results: dict[int, list[ImportResult]] = {}
        self.cancelled = False
        self.current = ""
        # One reader more than workers: one file is read from disk (or written to the
        # originals) while each worker extracts another.
        self.readers = pool.workers + 1
        # Read files wait here; a full queue holds the readers back (flat memory).
        self.ready: queue.Queue[object] = queue.Queue(WAITING_PER_WORKER * pool.workers)
        self.stopping = threading.Event()
        #: The archive itself could not be read (a damaged database): the import stops
        #: and says so, rather than failing every file.
        self.fatal: ArchiveError | None = None
        self.index_updates: _IndexUpdates
        self._next = 0
        self._lock = threading.Lock()

    # --- This thread: storing ---------------------------------------------------------

    def run(self) -> ImportReport:
        threads = [
            threading.Thread(target=self._read_files, name=f"clippings-import-{n}", daemon=True)
            for n in range(self.readers)
        ]
        for thread in threads:
            thread.start()
        running = len(threads)
        self.index_updates = _IndexUpdates(self.archive)
        batch: list[_Read] = []
        started = 0.0
        reported = -PROGRESS_EVERY
        try:
            while running:
                wait = PROGRESS_EVERY
                if batch:
                    wait = min(wait, max(0.0, started + BATCH_SECONDS - time.monotonic()))
                try:
                    item = self.ready.get(timeout=wait)
                except queue.Empty:
                    item = None
                if item is _READER_DONE:
                    running -= 1
                elif isinstance(item, _Read):
                    if not batch:
                        started = time.monotonic()
                    batch.append(item)
                elif isinstance(item, _Decided):
                    self.results[item.number] = item.results
                elif isinstance(item, _Bundle):
                    self.results[item.number] = store_bundle(
                        self.archive, item.contents, shown=item.shown, tags=self.tags
                    )
                if batch and (
                    len(batch) >= BATCH_FILES
                    or time.monotonic() - started >= BATCH_SECONDS
                    or not running
                ):
                    self._store(batch)
                    batch = []
                now = time.monotonic()
                if item not in (None, _READER_DONE) or now - reported >= PROGRESS_EVERY:
                    self._progress(len(batch))
                    reported = now
        finally:
            self.stopping.set()
            for waiting in batch:
                waiting.original.discard()
            for thread in threads:
                while thread.is_alive():
                    self._discard_waiting()
                    thread.join(0.05)
            self._discard_waiting()
            # The clippings stored last go into the index now (with progress meanwhile).
            self.index_updates.finish(lambda: self._progress(0, "Updating the search index"))
        if self.fatal is not None:
            raise self.fatal
        results = tuple(r for number in sorted(self.results) for r in self.results[number])
        if self.report:
            self.report(Progress(len(self.results), len(self.files), "Done"))
        return ImportReport(results=results, cancelled=self.cancelled)

    def _progress(self, waiting: int, message: str | None = None) -> None:
        if self.report:
            done = len(self.results) + waiting
            self.report(Progress(done, len(self.files), message or self.current))

    def _store(self, batch: list[_Read]) -> None:
        """Store a batch: its originals synced at once, its clippings in one
        transaction (which renames the originals into place before it commits)."""
        archive = self.archive
        try:
            archive.originals.sync_all(item.original for item in batch)
            outcomes = archive.store.add_many(
                [item.new for item in batch],
                self.tags,
                store_originals=lambda created: archive.originals.place_all(
                    batch[n].original for n in created
                ),
            )
        except Exception as error:  # noqa: BLE001 - one file's fault must not cost the others
            log.warning("storing %d files at once failed (%s): one by one", len(batch), error)
            stored = [(item, self._store_alone(item)) for item in batch]
        else:
            stored = [
                (item, _stored_result(item.shown, item.name, item.extracted, *outcome))
                for item, outcome in zip(batch, outcomes, strict=True)
            ]
        finally:
            for item in batch:
                item.original.discard()
        for item, result in stored:
            self.results[item.number] = [result]
        self._progress(0)  # the batch is saved; its features follow
        remember_related(
            archive,
            [
                r.id
                for item, r in stored
                if r.id and r.outcome == "imported" and item.extracted.has_text
            ],
        )
        self.index_updates.request(sum(r.outcome == "imported" for _, r in stored))

    def _store_alone(self, item: _Read) -> ImportResult:
        archive = self.archive
        sha = item.new.sha256
        try:
            clipping_id, created = archive.store.add_new(
                item.new,
                self.tags,
                store_original=lambda: archive.originals.place_all([item.original]),
            )
        except Exception as error:  # noqa: BLE001 - the reason goes into its result
            _forget_unclaimed(archive, sha)
            return _store_failure(item.shown, error)
        if not created and item.original.placed:  # put there by the failed batch
            _forget_unclaimed(archive, sha)
        return _stored_result(item.shown, item.name, item.extracted, clipping_id, created)

    def _discard_waiting(self) -> None:
        while True:
            try:
                item = self.ready.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Read):
                item.original.discard()

    # --- Reader threads ---------------------------------------------------------------

    def _stopped(self) -> bool:
        if self.stopping.is_set():
            return True
        if self.user_cancel is not None and self.user_cancel():
            self.cancelled = True
            return True
        return False

    def _read_files(self) -> None:
        try:
            while not self._stopped():
                with self._lock:
                    number = self._next
                    if number >= len(self.files):
                        return
                    self._next += 1
                found = self.files[number]
                self.current = found.shown
                try:
                    item = self._read(number, found)
                except Cancelled:  # stopped while the file was read: nothing of it stored
                    if not self.stopping.is_set():  # the user, or the program closing
                        self.cancelled = True
                    return
                except ArchiveError as error:  # not this file's fault: the archive's
                    self.fatal = self.fatal or error
                    self.stopping.set()
                    return
                except Exception as error:  # a bug must not stop the other files
                    log.exception("importing %s", found.shown)
                    reason = f"unexpected error while reading the file: {error!r}"
                    item = _Decided(number, [ImportResult(found.shown, "failed", reason=reason)])
                self._hand_over(item)
        finally:
            self._hand_over(_READER_DONE)

    def _hand_over(self, item: object) -> None:
        while True:
            try:
                self.ready.put(item, timeout=0.2)
                return
            except queue.Full:
                if self.stopping.is_set():
                    if isinstance(item, _Read):
                        item.original.discard()
                    return

    def _read(self, number: int, found: FileToImport) -> object:
        shown = found.shown
        if found.path is None or found.skip_reason:
            # What is not there fails; what is there but not a file to read is skipped.
            missing = found.skip_reason in (NOT_FOUND, BROKEN_LINK) or not found.skip_reason
            outcome: ImportOutcome = "failed" if missing else "skipped"
            reason = found.skip_reason or NOT_FOUND
            return _Decided(number, [ImportResult(shown, outcome, reason=reason)])
        try:
            data = read_file(found.path, MAX_FILE_BYTES)
        except (TooLargeError, UnsupportedFormatError) as error:
            return _Decided(number, [ImportResult(shown, "skipped", reason=str(error))])
        except ClippingsError as error:
            return _Decided(number, [ImportResult(shown, "failed", reason=str(error))])
        if is_bundle(data):
            try:
                contents = self.pool.call(read_bundle, data, cancel=self._stopped)
            except Cancelled:
                raise
            except ClippingsError as error:
                return _Decided(number, [ImportResult(shown, "failed", reason=str(error))])
            return _Bundle(number, shown, contents)
        sha = sha256_of(data)
        existing = self.archive.store.find_duplicate(sha, None)
        if existing is not None:
            reason = _repair_original(self.archive, sha, data)
            return _Decided(number, [ImportResult(shown, "duplicate", id=existing, reason=reason)])
        password = self.passwords.get(shown, self.password)
        extracted = _extract(self.pool, data, found.name, password, shown, self._stopped)
        if isinstance(extracted, ImportResult):
            return _Decided(number, [extracted])
        new = _new_clipping(extracted, data, found.name)
        try:
            original = self.archive.originals.write_incoming(data)
        except OSError as error:
            return _Decided(number, [_store_failure(shown, error)])
        return _Read(number, shown, found.name, extracted, new, original)


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
    extracted = _extract(pool or extraction_pool(), data, name, password, shown, cancel)
    if isinstance(extracted, ImportResult):
        return extracted
    return store_extracted(archive, extracted, data, name, shown=shown, tags=tags, sync=sync)


def _extract(
    pool: ExtractionPool,
    data: bytes,
    name: str,
    password: str | None,
    shown: str,
    cancel: Cancel | None,
) -> Extracted | ImportResult:
    """What a worker reads of the file, or the result that says why it cannot.

    Raises:
        Cancelled: ``cancel()`` returned True while the file was being read.
    """
    try:
        return pool.extract(data, name, password, cancel=cancel)
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


def store_bundle(
    archive: Archive, contents: BundleContents, *, shown: str, tags: Sequence[str] = ()
) -> list[ImportResult]:
    """Store the clippings of a bundle read by ``read_bundle`` (see ``import_bundle``)."""
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
    new = _new_clipping(extracted, data, name, notes)
    try:
        clipping_id, created = archive.store.add_new(
            new, tags, store_original=lambda: archive.originals.put(data)
        )
    except Exception as error:  # noqa: BLE001 - the reason goes into its result
        _forget_unclaimed(archive, new.sha256)
        return _store_failure(shown, error)
    if created and extracted.has_text:
        remember_related(archive, [clipping_id])
    if sync:
        archive.sync_quietly()
    return _stored_result(shown, name, extracted, clipping_id, created)


def _new_clipping(
    extracted: Extracted, data: bytes, name: str, notes: str | None = None
) -> NewClipping:
    return NewClipping(
        extracted=extracted,
        sha256=sha256_of(data),
        size=len(data),
        original_name=Path(name).name,
        text_hash=text_fingerprint(extracted.text) if extracted.has_text else None,
        word_count=importers.word_count(extracted.text),
        notes=notes,
    )


def _stored_result(
    shown: str, name: str, extracted: Extracted, clipping_id: int, created: bool
) -> ImportResult:
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


def _store_failure(shown: str, error: Exception) -> ImportResult:
    """The result of a file that could not be stored (nothing of it is kept)."""
    if isinstance(error, ClippingsError):
        reason = str(error)
    elif isinstance(error, OSError):
        reason = _os_reason(error)
    else:
        log.error("storing %s", shown, exc_info=error)
        reason = str(error)
    return ImportResult(shown, "failed", reason=f"could not be stored: {reason}")


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
