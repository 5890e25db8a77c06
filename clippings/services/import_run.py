"""``import_paths``' run: reader threads hand files to the extraction workers, and this
thread stores what they read in batches (``ImportRun``).

Reading and storing are a pipeline, as quick as its slower half. Files read wait for
the storing (up to a batch's worth more while a batch is stored), and another worker
starts only when reading is the slower half: when a file takes a worker longer, split
among the workers, than storing one takes this thread. An import of text files (a few
ms to read, more to store) reads them all on one worker; web pages and PDFs get more.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, replace

from clippings.importers.bundle import BundleContents, is_bundle, read_bundle
from clippings.model import (
    ArchiveError,
    Cancelled,
    ClippingsError,
    Extracted,
    ImportOptions,
    ImportOutcome,
    ImportReport,
    ImportResult,
    Progress,
    TooLargeError,
    UnsupportedFormatError,
)
from clippings.services.archive import Archive, Cancel, Report
from clippings.services.copies import SamePieceCheck
from clippings.services.extraction import ExtractionPool, Steps
from clippings.services.files import BROKEN_LINK, NOT_FOUND, FileToImport, read_file
from clippings.services.import_steps import (
    extract_file,
    forget_unclaimed,
    new_clipping,
    part_shown,
    remember_related,
    repair_original,
    store_bundle,
    store_failure,
    stored_result,
)
from clippings.services.index_updates import IndexUpdates
from clippings.storage import Incoming, NewClipping, sha256_of

log = logging.getLogger(__name__)

#: Files above this size are skipped: no press clipping is that large.
MAX_FILE_BYTES = 200 * 1024 * 1024
#: Files stored in one transaction, with one sync of their originals to disk, at most.
BATCH_FILES = 50
#: A batch is stored once its first file has waited this long, full or not (seconds).
BATCH_SECONDS = 1.5
#: Progress is reported at least this often while an import runs (seconds).
PROGRESS_EVERY = 0.5
#: Files read by the workers that may wait to be stored (flat memory: a batch's worth,
#: their originals on disk and only their text in memory).
WAITING = BATCH_FILES


@dataclass
class _Read:
    """A file a worker has read, waiting to be stored; its original waits on disk. Its
    articles (one for most files) are stored in the same transaction."""

    number: int
    shown: str
    name: str
    articles: tuple[Extracted, ...]
    news: list[NewClipping]
    original: Incoming


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


class ImportRun:
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
        options: ImportOptions,
        tags: Sequence[str],
        keep_copies: bool = False,
    ) -> None:
        self.archive = archive
        #: How the same piece in another format is recognised (None: kept as a
        #: clipping of its own).
        self.copies = None if keep_copies else SamePieceCheck()
        self.files = files
        self.pool = pool
        self.report = report
        self.user_cancel = cancel
        self.passwords = passwords
        self.options = options
        self.tags = tags
        self.results: dict[int, list[ImportResult]] = {}
        self.cancelled = False
        self.current = ""
        # One reader more than workers: one file is read from disk (or written to the
        # originals) while each worker extracts another.
        self.readers = pool.workers + 1
        # Read files wait here; a full queue holds the readers back (flat memory).
        self.ready: queue.Queue[object] = queue.Queue(WAITING)
        #: What storing a file takes this thread, lately (seconds; None: none stored).
        self.storing: float | None = None
        self.stopping = threading.Event()
        #: The archive itself could not be read (a damaged database): the import stops
        #: and says so, rather than failing every file.
        self.fatal: ArchiveError | None = None
        self.index_updates: IndexUpdates
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
        self.index_updates = IndexUpdates(self.archive)
        batch: list[_Read] = []
        started = 0.0
        reported = -PROGRESS_EVERY
        try:
            while running:
                if self._cancelled_by_user():
                    # What this thread has taken is stored; what still waits is not.
                    if batch:
                        self._store(batch)
                        batch = []
                    break
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
            self.index_updates.finish(
                lambda: self._progress(0, "Updating the search index"), PROGRESS_EVERY
            )
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
        began = time.monotonic()
        try:
            self._store_batch(batch)
        finally:
            each = (time.monotonic() - began) / len(batch)
            self.storing = each if self.storing is None else (self.storing + each) / 2

    def _store_batch(self, batch: list[_Read]) -> None:
        archive = self.archive
        # Every article of every file, and the file each one came from.
        owners = [item for item in batch for _ in item.news]
        try:
            archive.originals.sync_all(item.original for item in batch)
            outcomes = archive.store.add_many(
                [new for item in batch for new in item.news],
                self.tags,
                store_originals=lambda stored: archive.originals.place_all(
                    _unique(owners[n].original for n in stored)
                ),
                copies=self.copies,
            )
        except Exception as error:  # noqa: BLE001 - one file's fault must not cost the others
            log.warning("storing %d files at once failed (%s): one by one", len(batch), error)
            stored = [(item, self._store_alone(item)) for item in batch]
        else:
            results = iter(outcomes)
            stored = [
                (
                    item,
                    [
                        stored_result(
                            part_shown(item.shown, extracted), item.name, extracted, *next(results)
                        )
                        for extracted in item.articles
                    ],
                )
                for item in batch
            ]
        finally:
            for item in batch:
                item.original.discard()
        for item, results_of_file in stored:
            self.results[item.number] = results_of_file
        self._progress(0)  # the batch is saved; its features follow
        remember_related(
            archive,
            [
                r.id
                for item, results_of_file in stored
                for r, extracted in zip(results_of_file, item.articles, strict=False)
                if r.id and r.outcome == "imported" and extracted.has_text
            ],
        )
        self.index_updates.request(
            sum(r.outcome == "imported" for _, results_of_file in stored for r in results_of_file)
        )

    def _store_alone(self, item: _Read) -> list[ImportResult]:
        archive = self.archive
        sha = item.news[0].sha256
        try:
            outcomes = archive.store.add_many(
                item.news,
                self.tags,
                store_originals=lambda stored: (
                    archive.originals.place_all([item.original]) if stored else None
                ),
                copies=self.copies,
            )
        except Exception as error:  # noqa: BLE001 - the reason goes into its result
            forget_unclaimed(archive, sha)
            return [store_failure(part_shown(item.shown, ex), error) for ex in item.articles]
        if not any(a.created or a.copy_reason for a in outcomes) and item.original.placed:
            forget_unclaimed(archive, sha)  # put there by the failed batch
        return [
            stored_result(part_shown(item.shown, extracted), item.name, extracted, *outcome)
            for extracted, outcome in zip(item.articles, outcomes, strict=True)
        ]

    def _discard_waiting(self) -> None:
        while True:
            try:
                item = self.ready.get_nowait()
            except queue.Empty:
                return
            if isinstance(item, _Read):
                item.original.discard()

    # --- Reader threads ---------------------------------------------------------------

    def _reading_behind(self) -> bool:
        """Whether another worker would speed this import up: a file takes the workers
        (shared among them) longer to read than this thread to store. Not known, and
        so not done, before the first batch is stored."""
        reading = self.pool.task_seconds
        if self.storing is None or reading is None:
            return False
        return reading / self.pool.started > self.storing

    def _cancelled_by_user(self) -> bool:
        if not self.cancelled and self.user_cancel is not None and self.user_cancel():
            self.cancelled = True
        return self.cancelled

    def _stopped(self) -> bool:
        return self.stopping.is_set() or self._cancelled_by_user()

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
            reason = repair_original(self.archive, sha, data)
            return _Decided(number, [ImportResult(shown, "duplicate", id=existing, reason=reason)])
        options = self.options
        if shown in self.passwords:
            options = replace(options, password=self.passwords[shown])
        articles = extract_file(
            self.pool,
            data,
            found.name,
            options,
            shown,
            self._stopped,
            self._steps(shown),
            wanted=self._reading_behind,
        )
        if isinstance(articles, ImportResult):
            return _Decided(number, [articles])
        news = [new_clipping(extracted, data, found.name) for extracted in articles]
        try:
            original = self.archive.originals.write_incoming(data)
        except OSError as error:
            return _Decided(number, [store_failure(shown, error)])
        return _Read(number, shown, found.name, articles, news, original)

    def _steps(self, shown: str) -> Steps:
        """What a long file's steps (pages of OCR) show while it is read."""

        def step(done: int, total: int, message: str) -> None:
            self.current = (
                f"{shown}: {message} ({done}/{total})" if total else f"{shown}: {message}"
            )

        return step


def _unique(originals: Iterable[Incoming]) -> list[Incoming]:
    """Each original once (the articles of one file share it), in order."""
    return list({id(original): original for original in originals}.values())
