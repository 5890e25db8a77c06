"""Stored analysis of clippings: features, speakers, document frequencies and
candidate postings (schema 5); the kept neighbours of related pieces are ``edges.py``.

A part of ``ClippingStore``. It stores and finds; what the numbers mean is
``clippings.analysis``'s business, and ``clippings.services.related`` joins the two.
Terms arrive hashed to 64-bit integers. Features are packed compactly
(``packing.py``); the MinHash signature as 32-bit values.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from sqlalchemy import ColumnElement, Connection, delete, func, insert, select

from clippings.storage.edges import EdgeRow
from clippings.storage.packing import pack_terms, posted_keys, term_keys, unpack_terms
from clippings.storage.queue import chunks, marks, run_driver_sql
from clippings.storage.schema import (
    analysis_queue,
    analysis_terms,
    archive_meta,
    clipping_analysis,
    clippings,
    related_edges,
)

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt

    #: Given document frequencies (a lookup of hashed terms) and the number of analysed
    #: clippings, the terms each newly analysed clipping is listed under.
    ChoosePostings = Callable[
        [Callable[[Sequence[int]], dict[int, int]], int], Mapping[int, npt.NDArray[np.int64]]
    ]
else:
    from clippings.storage.packing import np

_FEATURES_VERSION_KEY = "features_version"
_RULES_VERSION_KEY = "related_rules_version"


def _recorded(conn: Connection, key: str) -> str | None:
    """The version recorded under ``key`` in the archive's notes, if any."""
    found = conn.execute(select(archive_meta.c.value).where(archive_meta.c.key == key)).scalar()
    return None if found is None else str(found)


def _queue_live(conn: Connection, which: ColumnElement[bool]) -> list[int]:
    """Queue for analysis the live clippings ``which`` selects that are not queued yet;
    returns their ids."""
    queued = select(analysis_queue.c.clipping_id)
    ids = list(
        conn.execute(
            select(clippings.c.id)
            .where(clippings.c.trashed.is_(False), which, clippings.c.id.not_in(queued))
            .order_by(clippings.c.id)
        ).scalars()
    )
    now = _now()
    for chunk in chunks(ids, 10_000):
        conn.execute(insert(analysis_queue), [{"clipping_id": i, "queued_at": now} for i in chunk])
    return ids


def _record(conn: Connection, key: str, version: int) -> None:
    """Record ``version`` under ``key`` in the archive's notes."""
    conn.execute(delete(archive_meta).where(archive_meta.c.key == key))
    conn.execute(insert(archive_meta).values(key=key, value=str(version)))


def _older_rules(recorded: str | None, version: int) -> bool:
    """Whether the related rules recorded are older than ``version`` (none: older)."""
    return recorded is None or not recorded.isdigit() or int(recorded) < version


def _recorded_features_version(conn: Connection) -> str | None:
    """The features version the archive's stored features were brought to, if any."""
    return _recorded(conn, _FEATURES_VERSION_KEY)


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


@dataclass(frozen=True)
class NewAnalysis:
    """A clipping's freshly computed features and speakers, to store."""

    clipping_id: int
    version: int
    source: str
    terms: npt.NDArray[np.int64]
    counts: npt.NDArray[np.float64]
    flags: npt.NDArray[np.int64]
    signature: Sequence[int]
    shingle_count: int
    word_count: int
    speakers: tuple[str, ...]


@dataclass(frozen=True)
class StoredProfile:
    """A live clipping's stored features, unpacked, and its day (an ordinal)."""

    clipping_id: int
    terms: npt.NDArray[np.int64]
    counts: npt.NDArray[np.float64]
    flags: npt.NDArray[np.int64]
    signature: tuple[int, ...]
    shingle_count: int
    day: int | None
    #: In which order the clippings were analysed.
    serial: int = 0
    #: The clipping's language (a code such as "de" or "pt-BR"; None when unknown).
    language: str | None = None


@dataclass(frozen=True)
class AnalysisState:
    """Where a queued clipping stands: live or not, its day, and what is stored."""

    clipping_id: int
    exists: bool
    live: bool
    day: int | None
    version: int | None
    source: str | None
    counted: bool
    edges_at: int | None


def _day(moment: object) -> int | None:
    return moment.date().toordinal() if isinstance(moment, datetime) else None


class AnalysisStore:
    """The analysis tables (a part of ``ClippingStore``)."""

    if TYPE_CHECKING:

        def _reading(self) -> AbstractContextManager[Connection]: ...
        def _writing(self) -> AbstractContextManager[Connection]: ...

    # --- The queue --------------------------------------------------------------------

    def ensure_features_version(self, version: int) -> int:
        """Queue every live clipping for analysis whose features are of another version
        (a new Clippings, or an archive upgraded from schema 4), once per version;
        returns how many were queued."""
        if not self.features_version_due(version):
            return 0
        with self._writing() as conn:
            if _recorded_features_version(conn) == str(version):  # another program's
                return 0
            # Live clippings without features of this version.
            current = select(clipping_analysis.c.clipping_id).where(
                clipping_analysis.c.version == version
            )
            ids = _queue_live(conn, clippings.c.id.not_in(current))
            _record(conn, _FEATURES_VERSION_KEY, version)
        return len(ids)

    def rules_version_due(self, version: int) -> bool:
        """Whether the archive's stored edges were not yet queued to be computed again
        by the related rules of ``version`` (``ensure_rules_version``). Never when a newer
        Clippings recorded newer rules: two versions sharing a team archive must not
        queue the whole archive in turn at every start."""
        with self._reading() as conn:
            return _older_rules(_recorded(conn, _RULES_VERSION_KEY), version)

    def ensure_rules_version(self, version: int) -> int:
        """Queue every analysed live clipping once per related rules ``version``: its
        features stand, its edges are computed again. Returns how many were queued."""
        if not self.rules_version_due(version):
            return 0
        with self._writing() as conn:
            if not _older_rules(_recorded(conn, _RULES_VERSION_KEY), version):
                return 0  # another program's, meanwhile
            analysed = select(clipping_analysis.c.clipping_id)
            ids = _queue_live(conn, clippings.c.id.in_(analysed))
            _record(conn, _RULES_VERSION_KEY, version)
        return len(ids)

    def features_version_due(self, version: int) -> bool:
        """Whether the archive's stored features were not yet brought to ``version``
        (``ensure_features_version`` has not run for it)."""
        with self._reading() as conn:
            return _recorded_features_version(conn) != str(version)

    def features_of_version(self, version: int, after: int, limit: int) -> list[int]:
        """Up to ``limit`` clippings, by id after ``after``, whose counted features are of
        ``version`` (to look at them before an upgrade queues them)."""
        with self._reading() as conn:
            return [
                int(i)
                for i in conn.execute(
                    select(clipping_analysis.c.clipping_id)
                    .where(
                        clipping_analysis.c.version == version,
                        clipping_analysis.c.counted.is_(True),
                        clipping_analysis.c.clipping_id > after,
                    )
                    .order_by(clipping_analysis.c.clipping_id)
                    .limit(limit)
                ).scalars()
            ]

    def features_version_count(self, versions: Sequence[int]) -> int:
        """How many clippings have counted features of one of these versions."""
        with self._reading() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(
                        clipping_analysis.c.version.in_(list(versions)),
                        clipping_analysis.c.counted.is_(True),
                    )
                ).scalar()
                or 0
            )

    def restamp_features(self, kept: Mapping[int, str], old: int, new: int) -> None:
        """Mark the stored features of these clippings (id -> the ``source`` digest they
        were computed from) as of version ``new``, where they are still of ``old`` and
        of that source: what ``new`` computes for their texts is what ``old`` did, so
        an upgrade need not analyse them again."""
        if not kept:
            return
        with self._writing() as conn:
            run_driver_sql(
                conn,
                "UPDATE clipping_analysis SET version = ? "
                "WHERE clipping_id = ? AND version = ? AND source = ?",
                [(new, i, old, source) for i, source in kept.items()],
            )

    def restamp_speakers(
        self, changed: Mapping[int, tuple[str, tuple[str, ...]]], old: int, new: int
    ) -> None:
        """``restamp_features`` for clippings (id -> (source digest, speakers)) whose
        features stand but whose quotations the new version attributes otherwise: the
        speakers are replaced in the same write."""
        if not changed:
            return
        with self._writing() as conn:
            run_driver_sql(
                conn,
                "UPDATE clipping_analysis SET version = ?, speakers = ? "
                "WHERE clipping_id = ? AND version = ? AND source = ?",
                [
                    (new, json.dumps(list(names), ensure_ascii=False), i, old, source)
                    for i, (source, names) in changed.items()
                ],
            )

    def analysis_due(self, limit: int) -> list[tuple[int, int]]:
        """Up to ``limit`` (queue id, clipping id) pairs due for analysis, oldest first."""
        with self._reading() as conn:
            rows = conn.execute(
                select(analysis_queue.c.id, analysis_queue.c.clipping_id)
                .order_by(analysis_queue.c.id)
                .limit(limit)
            ).all()
        return [(int(a), int(b)) for a, b in rows]

    def analysis_due_count(self) -> int:
        with self._reading() as conn:
            return int(
                conn.execute(
                    select(func.count(func.distinct(analysis_queue.c.clipping_id)))
                ).scalar()
                or 0
            )

    def analysis_queued(self, ids: Sequence[int]) -> dict[int, int]:
        """The newest queue id of each of these clippings that is due for analysis."""
        found: dict[int, int] = {}
        with self._reading() as conn:
            for chunk in chunks(ids):
                for clipping_id, queue_id in conn.execute(
                    select(analysis_queue.c.clipping_id, func.max(analysis_queue.c.id))
                    .where(analysis_queue.c.clipping_id.in_(chunk))
                    .group_by(analysis_queue.c.clipping_id)
                ):
                    found[int(clipping_id)] = int(queue_id)
        return found

    # --- Reading ----------------------------------------------------------------------

    def analysis_states(self, ids: Sequence[int]) -> dict[int, AnalysisState]:
        """Where each of these clippings stands (no text read)."""
        found: dict[int, AnalysisState] = {}
        with self._reading() as conn:
            for chunk in chunks(ids):
                live = {
                    int(row.id): (not row.trashed, _day(row.published_utc))
                    for row in conn.execute(
                        select(
                            clippings.c.id, clippings.c.trashed, clippings.c.published_utc
                        ).where(clippings.c.id.in_(chunk))
                    )
                }
                stored = {
                    int(row.clipping_id): row
                    for row in conn.execute(
                        select(
                            clipping_analysis.c.clipping_id,
                            clipping_analysis.c.version,
                            clipping_analysis.c.source,
                            clipping_analysis.c.counted,
                            clipping_analysis.c.edges_at,
                        ).where(clipping_analysis.c.clipping_id.in_(chunk))
                    )
                }
                for clipping_id in chunk:
                    row = stored.get(clipping_id)
                    is_live, day = live.get(clipping_id, (False, None))
                    found[clipping_id] = AnalysisState(
                        clipping_id=clipping_id,
                        exists=clipping_id in live,
                        live=is_live,
                        day=day,
                        version=None if row is None else int(row.version),
                        source=None if row is None else str(row.source),
                        counted=bool(row is not None and row.counted),
                        edges_at=None if row is None or row.edges_at is None else int(row.edges_at),
                    )
        return found

    def analysis_texts(self, ids: Sequence[int]) -> dict[int, tuple[str, str, str | None]]:
        """(title, text, language) of these clippings, to analyse them."""
        found = {}
        with self._reading() as conn:
            for chunk in chunks(ids):
                for row in conn.execute(
                    select(
                        clippings.c.id, clippings.c.title, clippings.c.text, clippings.c.language
                    ).where(clippings.c.id.in_(chunk))
                ):
                    found[int(row.id)] = (str(row.title), str(row.text or ""), row.language)
        return found

    def analysed_total(self) -> int:
        """How many live clippings have their terms counted."""
        with self._reading() as conn:
            return int(
                conn.execute(
                    select(func.count()).where(clipping_analysis.c.counted.is_(True))
                ).scalar()
                or 0
            )

    def analysed_languages(self) -> dict[str, int]:
        """How many live clippings with counted terms are in each language (as stored:
        "de", "pt-BR"; those of no known language are left out)."""
        with self._reading() as conn:
            rows = conn.execute(
                select(clippings.c.language, func.count())
                .select_from(
                    clipping_analysis.join(
                        clippings, clippings.c.id == clipping_analysis.c.clipping_id
                    )
                )
                .where(clipping_analysis.c.counted.is_(True), clippings.c.language.is_not(None))
                .group_by(clippings.c.language)
            ).all()
        return {str(language): int(count) for language, count in rows if language}

    def clipping_languages(self, ids: Sequence[int] | None = None) -> dict[int, str]:
        """The language of these clippings (of every live one when None), as stored;
        those of no known language are left out."""
        query = select(clippings.c.id, clippings.c.language).where(
            clippings.c.language.is_not(None)
        )
        with self._reading() as conn:
            if ids is None:
                rows = conn.execute(query.where(clippings.c.trashed.is_(False))).all()
            else:
                rows = [
                    row
                    for chunk in chunks(ids)
                    for row in conn.execute(query.where(clippings.c.id.in_(chunk)))
                ]
        return {int(i): str(language) for i, language in rows if language}

    def frequencies(self, terms: Sequence[int]) -> dict[int, int]:
        """The document frequency of these (hashed) terms; unknown ones are left out."""
        with self._reading() as conn:
            return _frequencies(conn, terms)

    def postings(self, terms: Sequence[int]) -> dict[int, list[int]]:
        """The clippings listed under each of these terms."""
        found: dict[int, list[int]] = {}
        with self._reading() as conn:
            for chunk in chunks(sorted(set(terms))):
                # The driver's rows as they are: a chunk's postings are many thousands.
                for term, clipping_id in run_driver_sql(
                    conn,
                    "SELECT term, clipping_id FROM term_postings WHERE term IN "
                    f"({marks(len(chunk))})",
                    tuple(chunk),
                ):
                    found.setdefault(term, []).append(clipping_id)
        return found

    def stored_profiles(
        self, ids: Sequence[int], *, terms: bool = True
    ) -> dict[int, StoredProfile]:
        """The stored features of those of these clippings that are live and analysed
        (without ``terms``, their terms are left out: empty arrays)."""
        found = {}
        column = "a.terms" if terms else "NULL"
        with self._reading() as conn:
            for chunk in chunks(sorted(set(ids))):
                for (
                    clipping_id,
                    packed,
                    signature,
                    shingle_count,
                    serial,
                    published,
                    language,
                ) in run_driver_sql(
                    conn,
                    f"SELECT a.clipping_id, {column}, a.signature, a.shingle_count, a.serial, "
                    "c.published_utc, c.language FROM clipping_analysis AS a "
                    "JOIN clippings AS c ON c.id = a.clipping_id "
                    f"WHERE a.clipping_id IN ({marks(len(chunk))}) AND a.counted = ?",
                    (*chunk, True),
                ):
                    keys, counts, flags = unpack_terms(bytes(packed or b""))
                    found[int(clipping_id)] = StoredProfile(
                        clipping_id=int(clipping_id),
                        terms=keys,
                        counts=counts,
                        flags=flags,
                        signature=tuple(np.frombuffer(bytes(signature), dtype="<u4").tolist()),
                        shingle_count=int(shingle_count),
                        day=_day_of_text(published),
                        serial=int(serial),
                        language=str(language) if language else None,
                    )
        return found

    def stored_speakers(
        self, ids: Sequence[int], version: int
    ) -> dict[int, tuple[str, tuple[str, ...]]]:
        """(source digest, speakers) stored with features of ``version`` for these clippings."""
        found = {}
        with self._reading() as conn:
            for chunk in chunks(ids):
                for clipping_id, source, speakers in conn.execute(
                    select(
                        clipping_analysis.c.clipping_id,
                        clipping_analysis.c.source,
                        clipping_analysis.c.speakers,
                    ).where(
                        clipping_analysis.c.clipping_id.in_(chunk),
                        clipping_analysis.c.version == version,
                    )
                ):
                    found[int(clipping_id)] = (str(source), tuple(json.loads(speakers)))
        return found

    # --- Writing ----------------------------------------------------------------------

    def store_analysis(
        self,
        new: Sequence[NewAnalysis],
        removed: Sequence[int],
        choose_postings: ChoosePostings,
    ) -> list[int]:
        """In one transaction: store new features (replacing the clippings' old ones in
        the document frequencies and postings), and take ``removed`` clippings (trashed
        or purged) out of the counts, the postings and every list of neighbours (a
        restore analyses them again); the clippings whose lists lost one are queued
        again (returned).

        A clipping trashed meanwhile is stored uncounted (its queue row follows)."""
        touched = [a.clipping_id for a in new] + list(removed)
        requeued: list[int] = []
        with self._writing() as conn:
            old = {
                int(row.clipping_id): row
                for chunk in chunks(sorted(set(touched)))
                for row in conn.execute(
                    select(
                        clipping_analysis.c.clipping_id,
                        clipping_analysis.c.terms,
                        clipping_analysis.c.counted,
                        clipping_analysis.c.posted,
                    ).where(clipping_analysis.c.clipping_id.in_(chunk))
                )
            }
            live = {
                int(i)
                for chunk in chunks(sorted(set(touched)))
                for i in conn.execute(
                    select(clippings.c.id).where(
                        clippings.c.id.in_(chunk), clippings.c.trashed.is_(False)
                    )
                ).scalars()
            }
            uncount: list[int] = []
            unpost: list[tuple[int, int]] = []
            for clipping_id in touched:
                row = old.get(clipping_id)
                if row is None:
                    continue
                if row.counted:
                    uncount.extend(term_keys(bytes(row.terms)))
                unpost.extend((k, clipping_id) for k in posted_keys(row.posted))
            _add_frequencies(conn, uncount, -1)
            if unpost:
                run_driver_sql(
                    conn, "DELETE FROM term_postings WHERE term = ? AND clipping_id = ?", unpost
                )
            for chunk in chunks(sorted(set(touched))):
                conn.execute(
                    delete(clipping_analysis).where(clipping_analysis.c.clipping_id.in_(chunk))
                )
            count: list[int] = []
            rows = []
            serial = int(conn.execute(select(func.max(clipping_analysis.c.serial))).scalar() or 0)
            for a in new:
                serial += 1
                counted = a.clipping_id in live
                if counted:
                    count.extend(int(k) for k in np.unique(a.terms))
                rows.append(
                    {
                        "clipping_id": a.clipping_id,
                        "version": a.version,
                        "source": a.source,
                        "terms": pack_terms(a.terms, a.counts, a.flags),
                        "signature": np.asarray(a.signature, dtype="<u4").tobytes(),
                        "shingle_count": a.shingle_count,
                        "word_count": a.word_count,
                        "speakers": json.dumps(list(a.speakers), ensure_ascii=False),
                        "counted": counted,
                        "posted": None,
                        "edges_at": None,
                        "serial": serial,
                        "edges_after": None,
                    }
                )
            if rows:
                conn.execute(insert(clipping_analysis), rows)
            _add_frequencies(conn, count, 1)
            total = int(
                conn.execute(
                    select(func.count()).where(clipping_analysis.c.counted.is_(True))
                ).scalar()
                or 0
            )
            chosen = choose_postings(lambda terms: _frequencies(conn, terms), total)
            posting_rows: list[tuple[int, int]] = []
            posted: list[tuple[bytes, int]] = []
            for clipping_id, keys in chosen.items():
                if clipping_id not in live:
                    continue
                unique = np.unique(np.asarray(keys, dtype=np.int64))
                posting_rows.extend((int(k), clipping_id) for k in unique)
                posted.append((unique.astype("<i8").tobytes(), clipping_id))
            # Thousands of rows a batch: past SQLAlchemy's statement building, and as
            # multi-row INSERTs on a server (``run_driver_sql``).
            if posted:
                run_driver_sql(
                    conn, "UPDATE clipping_analysis SET posted = ? WHERE clipping_id = ?", posted
                )
            if posting_rows:
                run_driver_sql(
                    conn,
                    "INSERT INTO term_postings (term, clipping_id) VALUES (?, ?) "
                    "ON CONFLICT DO NOTHING",
                    posting_rows,
                )
            # Lists of neighbours: the removed ones' own go, and so do they from others'.
            gone = sorted(set(removed))
            for chunk in chunks(gone):
                conn.execute(delete(related_edges).where(related_edges.c.clipping_id.in_(chunk)))
                holders = set(
                    conn.execute(
                        select(related_edges.c.clipping_id).where(
                            related_edges.c.other_id.in_(chunk)
                        )
                    ).scalars()
                )
                conn.execute(delete(related_edges).where(related_edges.c.other_id.in_(chunk)))
                requeued.extend(int(h) for h in holders if h not in gone)
            requeued = sorted(set(requeued))
            if requeued:
                now = _now()
                conn.execute(
                    insert(analysis_queue), [{"clipping_id": i, "queued_at": now} for i in requeued]
                )
        return requeued


def _day_of_text(moment: object) -> int | None:
    """The day of a date and time as the driver gives it (SQLAlchemy's text form)."""
    if moment is None:
        return None
    if isinstance(moment, datetime):
        return _day(moment)
    return datetime.fromisoformat(str(moment)).date().toordinal()


def _frequencies(conn: Connection, terms: Sequence[int]) -> dict[int, int]:
    found: dict[int, int] = {}
    for chunk in chunks(sorted({int(t) for t in terms})):
        for term, df in conn.execute(
            select(analysis_terms.c.term, analysis_terms.c.df).where(
                analysis_terms.c.term.in_(chunk)
            )
        ):
            found[int(term)] = int(df)
    return found


def _add_frequencies(conn: Connection, terms: Sequence[int], step: int) -> None:
    """Add ``step`` to the document frequency of each term (terms that fall to zero go)."""
    if not terms:
        return
    counted: dict[int, int] = {}
    for term in terms:
        counted[term] = counted.get(term, 0) + step
    run_driver_sql(
        conn,
        "INSERT INTO analysis_terms (term, df) VALUES (?, ?) "
        "ON CONFLICT(term) DO UPDATE SET df = analysis_terms.df + excluded.df",
        [(term, n) for term, n in counted.items()],
    )
    if step < 0:
        for chunk in chunks(sorted(counted)):
            conn.execute(
                delete(analysis_terms).where(
                    analysis_terms.c.term.in_(chunk), analysis_terms.c.df <= 0
                )
            )


__all__ = [
    "AnalysisState",
    "AnalysisStore",
    "EdgeRow",
    "NewAnalysis",
    "StoredProfile",
    "pack_terms",
    "unpack_terms",
]
