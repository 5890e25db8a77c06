"""Related pieces and stories of an archive, from stored, indexed data.

The comparison itself is ``clippings.analysis.related`` (pure code over a candidate
set); this module feeds it from the archive and stores what it finds. Nothing here
loads the whole archive:

* **Analysis queue.** Every change search sees (add, edit, trash, restore, purge; not
  tag changes) queues the clipping for analysis in the same transaction
  (``storage/queue.py``), so a crash loses nothing. ``sync`` drains the queue in
  batches: features and the speakers of quotations (stored compactly, once; the
  search index reuses the speakers), document frequencies (kept incrementally),
  candidate postings (each clipping under its heaviest terms), and each clipping's
  kept neighbours ("edges"): its best ``RELATED_EDGES`` related pieces, those of
  the same story marked for stories.
* **Candidates** of a clipping are the clippings listed under its most distinctive
  terms (one SQL look-up per batch, capped); only their stored features are read.
* **Symmetric.** A newly analysed clipping enters the lists of its neighbours where it
  beats their worst; a trashed or purged clipping leaves every list, and the lists it
  left are analysed again; an edited one is analysed again and re-enters the lists.
* ``related`` answers from the stored edges (analysing the one clipping first when it
  is queued, never analysed, or when the archive has grown by ``REWEIGHT_SHARE`` since
  its edges were computed); ``stories`` reads only the stored edges.
* **The user's verdicts** (``set_verdict``: "same story", "not same story") outrank the
  labels: ``related`` shows a pair as the user said, and ``stories`` keeps pairs said to
  be one story together and pairs said not to be apart. They are stored apart from the
  edges, so no analysis ever overwrites them.
* A new ``FEATURES_VERSION`` queues every clipping again whose features it changes
  (``upgrade_features``), and a new ``RULES_VERSION`` (how pieces are ranked and
  labelled) every analysed clipping for its edges alone (``upgrade_rules``); ``sync``
  (the window's background job) recomputes them with progress, resumable, while the
  archive answers from the old edges until they are replaced.

Per-archive state (a lock) lives on the ``Archive`` (``related_state``).
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

import numpy as np
import numpy.typing as npt

from clippings.analysis import related as scoring
from clippings.analysis.features import (
    CARRIED_VERSIONS,
    FEATURES_VERSION,
    features,
    source_digest,
    speakers,
    still_current,
    term_key,
)
from clippings.analysis.language import code
from clippings.analysis.related import (
    DUPLICATE_SHARED,
    RELATED_EDGES,
    REWEIGHT_SHARE,
    RULES_VERSION,
    STORY_THRESHOLD,
    Edge,
    Link,
    Profile,
    Scoring,
)
from clippings.model import (
    ClippingsError,
    ClippingSummary,
    Progress,
    Published,
    RelatedClipping,
    Relation,
    Story,
    Verdict,
    published_utc,
)
from clippings.services.archive import Archive
from clippings.storage.analysis import EdgeRow, NewAnalysis, StoredProfile

log = logging.getLogger(__name__)

#: Clippings analysed in one batch (one transaction for features, one for edges).
ANALYSIS_BATCH = 200
#: Clippings whose edges are computed together (their candidates' features in memory).
EDGES_CHUNK = 25
#: Document frequencies kept in memory between chunks of a batch.
FREQUENCIES_KEPT = 500_000
#: Unit vectors kept between chunks of a batch (about 4 kB each).
VECTORS_KEPT = 20_000
#: ``related`` applies a queue of at most this many clippings before answering.
QUICK_SYNC = 50

#: Why a clipping has no related piece (the window and the command line say it).
NONE_ALIKE = (
    "No clipping in the archive is alike enough to this one. A related piece must "
    "share more than pieces on different subjects do; another report of the same "
    "story must also share names or numbers and be close in time."
)

__all__ = [
    "NONE_ALIKE",
    "RELATED_EDGES",
    "STORY_THRESHOLD",
    "compute_missing_features",
    "forget",
    "missing_features",
    "related",
    "remember",
    "remember_many",
    "stories",
    "sync",
    "upgrade_features",
    "upkeep_due",
]


@dataclass
class _State:
    """What one open archive keeps for related pieces: a lock, so that two threads
    of this program never analyse the same batch at once."""

    lock: threading.RLock = field(default_factory=threading.RLock)
    #: The related rules this program found the archive's edges queued for (or
    #: computed by) already: no read of them at every answer.
    rules_checked: int | None = None


_create_lock = threading.Lock()


def _state(archive: Archive) -> _State:
    found = archive.related_state
    if isinstance(found, _State):
        return found
    with _create_lock:
        if not isinstance(archive.related_state, _State):
            archive.related_state = _State()
        state = archive.related_state
        assert isinstance(state, _State)
        return state


def forget(archive: Archive) -> None:
    """Drop what this program keeps of the archive in memory (nothing of the archive's
    data: that is stored)."""
    archive.related_state = None


# --- Features -------------------------------------------------------------------------


class _Frequencies:
    """Document frequencies of hashed terms, read from the archive as needed."""

    def __init__(
        self,
        lookup: Callable[[Sequence[int]], dict[int, int]],
        total: int,
        languages: Callable[[], Mapping[str, int]] = dict,
    ) -> None:
        self._lookup = lookup
        self._known: dict[int, int] = {}
        self._total = total
        self._count_languages = languages
        self._languages: dict[str, int] | None = None
        #: Unit vectors computed with these frequencies (valid as long as they are).
        self.vectors = scoring.VectorCache(VECTORS_KEPT)

    @property
    def total(self) -> int:
        return self._total

    def trim(self, size: int) -> None:
        """Forget what was looked up once more than ``size`` terms are known."""
        if len(self._known) > size:
            self._known.clear()

    def load(self, terms: Iterable[int]) -> None:
        known = self._known
        wanted = [t for t in set(terms) if t not in known]
        if wanted:
            found = self._lookup(wanted)
            for term in wanted:
                self._known[term] = found.get(term, 1)

    def in_language(self, language: str) -> int:
        """How many analysed clippings are in this language (read once)."""
        if self._languages is None:
            self._languages = {}
            for stored, count in self._count_languages().items():
                tag = code(stored)
                self._languages[tag] = self._languages.get(tag, 0) + count
        return self._languages.get(language, 0)

    def of(self, terms: Sequence[object]) -> npt.NDArray[np.float64]:
        known = self._known
        missing = [t for t in terms if t not in known]
        if missing:
            self.load(int(t) for t in missing)  # type: ignore[call-overload]
        return np.fromiter((known[t] for t in terms), dtype=np.float64, count=len(terms))  # type: ignore[index]


def _analysed(clipping_id: int, title: str, text: str, language: str | None) -> NewAnalysis:
    found = features(text, title, language)
    terms = sorted(found.terms)  # the order ``scoring.profile`` gives them
    flags = scoring.term_flags(found, terms)
    return NewAnalysis(
        clipping_id=clipping_id,
        version=FEATURES_VERSION,
        source=source_digest(title, text, language),
        terms=np.array([term_key(t) for t in terms], dtype=np.int64),
        counts=np.array([found.terms[t] for t in terms], dtype=np.float64),
        flags=np.array(flags, dtype=np.int64),
        signature=found.signature,
        shingle_count=found.shingle_count,
        word_count=found.word_count,
        speakers=speakers(text),
    )


def _profile(
    stored: StoredProfile | NewAnalysis, day: int | None = None, language: str | None = None
) -> Profile:
    if isinstance(stored, StoredProfile):
        return Profile(
            terms=stored.terms.tolist(),
            counts=stored.counts,
            flags=stored.flags,
            signature=stored.signature,
            shingle_count=stored.shingle_count,
            day=stored.day,
            language=stored.language,
        )
    return Profile(
        terms=stored.terms.tolist(),
        counts=stored.counts,
        flags=stored.flags,
        signature=tuple(stored.signature),
        shingle_count=stored.shingle_count,
        day=day,
        language=language,
    )


def _store_features(archive: Archive, ids: Sequence[int]) -> tuple[list[int], list[int]]:
    """Analyse (features, speakers, counts, postings) those of these clippings whose
    stored features are missing or out of date, and take trashed or purged ones out;
    returns (live ids, ids queued again because their lists lost a neighbour)."""
    store = archive.store
    if store.rules_version_due(RULES_VERSION) and not store.analysed_total():
        # A new archive: every edge it will hold is of these rules, none to redo.
        store.ensure_rules_version(RULES_VERSION)
    states = archive.store.analysis_states(ids)
    live = [i for i in ids if states[i].live]
    removed = [i for i in ids if not states[i].live]
    texts = archive.store.analysis_texts(
        [i for i in live if states[i].version != FEATURES_VERSION or not states[i].counted]
        + [i for i in live if states[i].version == FEATURES_VERSION and states[i].counted]
    )
    new = []
    for clipping_id in live:
        state = states[clipping_id]
        title, text, language = texts[clipping_id]
        if (
            state.counted
            and state.version == FEATURES_VERSION
            and state.source == source_digest(title, text, language)
        ):
            continue  # only metadata changed (a date, an outlet): the features stand
        try:
            new.append(_analysed(clipping_id, title, text, language))
        except Exception:  # an analysis bug must never stop the queue
            log.exception("features of clipping %s", clipping_id)
    if not new and not removed:
        return live, []

    languages = {a.clipping_id: texts[a.clipping_id][2] for a in new}
    # Counted before the transaction (a read inside it would wait on it): without the
    # batch's own clippings, which is near enough for choosing their postings.
    in_languages = archive.store.analysed_languages() if any(languages.values()) else {}

    def choose(
        lookup: Callable[[Sequence[int]], dict[int, int]], total: int
    ) -> dict[int, npt.NDArray[np.int64]]:
        frequencies = _Frequencies(lookup, total, lambda: in_languages)
        if new:  # the batch's terms at once: a few reads, not one a clipping
            frequencies.load(np.unique(np.concatenate([a.terms for a in new])).tolist())
        profiles = {
            a.clipping_id: _profile(a, states[a.clipping_id].day, languages[a.clipping_id])
            for a in new
        }
        batch = Scoring(profiles, frequencies)
        return {i: np.array(batch.posting_terms(i), dtype=np.int64) for i in profiles}

    requeued = archive.store.store_analysis(new, removed, choose)
    return live, requeued


# --- Edges ------------------------------------------------------------------------------


def _edge_row(edge: Edge) -> EdgeRow:
    return (edge.other, edge.score, edge.shared, edge.relation, edge.closeness, edge.story)


def _edge(row: EdgeRow) -> Edge:
    other, score, shared, relation, closeness, story = row
    return Edge(other, score, shared, relation, closeness, story)  # type: ignore[arg-type]


def _compute_edges(
    archive: Archive,
    ids: Sequence[int],
    done: Mapping[int, int],
    frequencies: _Frequencies | None = None,
) -> None:
    """Compute and store the kept neighbours of these (analysed, live) clippings, and
    let each enter its neighbours' lists; the queue rows up to ``done`` go in the same
    transaction. Memory: the stored features of these clippings' candidates (up to
    ``CANDIDATES`` each), so callers hand over ``EDGES_CHUNK`` at a time."""
    store = archive.store
    total = store.analysed_total()
    after = store.last_serial()
    own = store.stored_profiles(ids)
    profiles: dict[int, Profile] = {i: _profile(p) for i, p in own.items()}
    if frequencies is None or frequencies.total != total:
        frequencies = _Frequencies(store.frequencies, total, store.analysed_languages)
    if own:
        frequencies.load(np.unique(np.concatenate([p.terms for p in own.values()])).tolist())
    batch = Scoring(profiles, frequencies, frequencies.vectors)
    queries = {i: batch.query_terms(i) for i in own}
    postings = store.postings([int(t) for q in queries.values() for t, _ in q])  # type: ignore[call-overload]
    candidates = {
        i: scoring.pick_candidates(query, postings, i)  # type: ignore[arg-type]
        for i, query in queries.items()
    }
    wanted = {c for found in candidates.values() for c in found} - set(profiles)
    # Candidates whose vectors an earlier chunk computed need no terms read: their
    # vectors are handed over (held here, whatever the cache drops meanwhile).
    pinned = {i: v for i in wanted if (v := frequencies.vectors.get(i)) is not None}
    others = store.stored_profiles(sorted(wanted - set(pinned)))
    if others:
        frequencies.load(np.unique(np.concatenate([p.terms for p in others.values()])).tolist())
    others.update(store.stored_profiles(sorted(pinned), terms=False))
    profiles.update((i, _profile(p)) for i, p in others.items())
    batch.hand_over(pinned)

    computed: dict[int, list[Edge]] = {}
    for clipping_id in own:
        scored = batch.neighbours(clipping_id, candidates[clipping_id], RELATED_EDGES)
        computed[clipping_id] = scoring.edges(scored)
    posting_terms = {i: np.array(batch.posting_terms(i), dtype=np.int64) for i in own}

    # Symmetric: each newly computed clipping leaves the lists that hold an old entry
    # of it, and enters those of its neighbours where it beats the worst.
    holders = store.edge_holders(list(own))
    neighbours = {e.other for kept in computed.values() for e in kept}
    held_by = {h for found in holders.values() for h in found}
    affected = sorted((neighbours | held_by) - set(computed))
    stored_lists = store.edge_lists(affected)
    lists = {i: [_edge(r) for r in rows] for i, rows in stored_lists.items()}
    # A clipping analysed after a list was computed enters it (or leaves it) with its
    # own label for the pair: labels come from what the two share, the same from either
    # side. One analysed before was there when the list was computed, but candidates
    # are not found alike from both sides (each clipping is found under its own
    # heaviest terms): where the list lacks it, it enters too, so that a pair listed
    # from one side is listed from the other; an entry the list's own ranking made
    # stands. The lists of this chunk are held to the same.
    computed_after = store.edges_after(affected)
    for clipping_id, kept in computed.items():
        mine = {e.other: e for e in kept}
        for other in set(holders.get(clipping_id, ())) | set(mine):
            edge = mine.get(other)
            target = computed if other in computed else lists
            if other not in target:
                continue
            newer = other in lists and own[clipping_id].serial > computed_after.get(other, -1)
            if not newer and (edge is None or any(e.other == clipping_id for e in target[other])):
                continue
            target[other] = scoring.admit(
                target[other],
                clipping_id,
                None if edge is None else edge.relation,
                0.0 if edge is None else edge.score,
                0.0 if edge is None else edge.shared,
            )
    rows = {i: [_edge_row(e) for e in kept] for i, kept in computed.items()}
    for i, kept in lists.items():
        found = [_edge_row(e) for e in kept]
        if set(found) != set(stored_lists[i]):  # a list left as it was is not written again
            rows[i] = found
    store.save_edges(rows, dict.fromkeys(own, total), posting_terms, done, after)


def _analyse(
    archive: Archive,
    done: Mapping[int, int],
    *,
    edges: bool = True,
    settled: Callable[[int], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Analyse these clippings (clipping id -> the newest queue id taken); returns how
    many queue entries were settled. ``settled`` hears how many so far after each
    chunk of edges (a progress report every second or two); ``cancel`` is asked there
    too, and the clippings whose edges are not computed yet stay queued."""
    ids = sorted(done)
    live, _requeued = _store_features(archive, ids)
    if settled:
        settled(0)  # the features are stored: the edges follow, chunk by chunk
    if edges:
        live_set = set(live)
        frequencies = _Frequencies(
            archive.store.frequencies,
            archive.store.analysed_total(),
            archive.store.analysed_languages,
        )
        for start in range(0, len(live), EDGES_CHUNK):
            chunk = live[start : start + EDGES_CHUNK]
            _compute_edges(archive, chunk, {i: done[i] for i in chunk}, frequencies)
            frequencies.trim(FREQUENCIES_KEPT)
            frequencies.vectors.trim()
            if settled:
                settled(start + len(chunk))
            if cancel and cancel() and start + EDGES_CHUNK < len(live):
                ids = [i for i in ids if i not in live_set] + live[: start + len(chunk)]
                break
        gone = {i: q for i, q in done.items() if i not in live_set}
        if gone:
            archive.store.save_edges({}, {}, {}, gone)
    return len(ids)


def remember(archive: Archive, clipping_id: int) -> None:
    """Analyse a newly stored clipping: its features and speakers are stored (the
    search index then reuses the speakers) and it can be found as a candidate; its
    edges follow in ``sync``. The import calls this (or ``remember_many``)."""
    remember_many(archive, [clipping_id])


def remember_many(archive: Archive, ids: Sequence[int]) -> None:
    """``remember`` for a batch of newly stored clippings in one transaction (the
    cheaper call for an import of many files: call it per batch, before the search
    index's sync, so the index takes the stored speakers)."""
    if archive.read_only or not ids:
        return
    with _state(archive).lock:
        for start in range(0, len(ids), ANALYSIS_BATCH):
            _store_features(archive, list(dict.fromkeys(ids[start : start + ANALYSIS_BATCH])))


#: Clippings looked at per read when an upgrade keeps the features that stand.
CARRY_BATCH = 500


def upgrade_features(
    archive: Archive,
    *,
    report: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> bool:
    """Bring the archive's stored features to ``FEATURES_VERSION``, once: the features
    of an older version that the new one computes alike for their texts
    (``features.still_current``) are kept, marked as of the new version (with their
    quotations' speakers read again, and the search index told where those changed),
    and every other clipping is queued for ``sync``. A version that changed what only some texts
    give (6: scripts with combining marks) so costs a read of the texts, not an
    analysis of every clipping (hours at 100,000). Resumable: a cancel or a crash
    leaves the version unrecorded, and the next call goes on past what is marked.
    Returns False when cancelled before the queue was filled."""
    store = archive.store
    if archive.read_only or not store.features_version_due(FEATURES_VERSION):
        return True
    total, seen = store.features_version_count(sorted(CARRIED_VERSIONS)), 0
    for version in sorted(CARRIED_VERSIONS):
        after = 0
        while ids := store.features_of_version(version, after, CARRY_BATCH):
            if cancel and cancel():
                return False
            after = ids[-1]
            states = store.analysis_states(ids)
            texts = store.analysis_texts(ids)
            stored = store.stored_speakers(ids, version)
            kept: dict[int, str] = {}
            reattributed: dict[int, tuple[str, tuple[str, ...]]] = {}
            for i in ids:
                title, text, language = texts[i]
                source = states[i].source
                if source == source_digest(title, text, language) and still_current(
                    version, title, text
                ):
                    # The features stand; who the quotations are by is read again
                    # (milliseconds a text, where an analysis costs its edges too).
                    names = speakers(text)
                    if i in stored and stored[i][1] != names:
                        reattributed[i] = (source, names)
                    else:
                        kept[i] = source
            store.restamp_features(kept, version, FEATURES_VERSION)
            store.restamp_speakers(reattributed, version, FEATURES_VERSION)
            store.queue_for_index(sorted(reattributed))  # for ``speaker:`` searches
            seen += len(ids)
            if report:
                message = "Checking which clippings the new analysis changes"
                report(Progress(min(seen, total), total, message))
    store.ensure_features_version(FEATURES_VERSION)
    return True


def upgrade_rules(archive: Archive) -> int:
    """Queue every analysed clipping once when the rules that rank and label related
    pieces are newer than those its edges were computed by (``RULES_VERSION``): the
    background job (``compute_missing_features``) computes the edges again (the features
    stand, so that costs the edges alone), while the archive answers from the old ones.
    Not in ``sync``, which a short queue runs before an answer: that must not become
    the whole archive's analysis. Returns how many were queued."""
    state = _state(archive)
    if archive.read_only or state.rules_checked == RULES_VERSION:
        return 0
    queued = archive.store.ensure_rules_version(RULES_VERSION)  # reads first, writes if due
    state.rules_checked = RULES_VERSION  # recorded now, or newer rules were
    return queued


def missing_features(archive: Archive) -> list[int]:
    """Clippings whose analysis is due (queued), oldest first."""
    if archive.read_only:
        return []
    upgrade_features(archive)
    upgrade_rules(archive)
    return list(dict.fromkeys(i for _, i in archive.store.analysis_due(10**9)))


def sync(
    archive: Archive,
    *,
    report: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
    batch: int = ANALYSIS_BATCH,
) -> int:
    """Drain the analysis queue in batches: features and speakers, document
    frequencies, candidate postings and edges, each batch in its own transactions
    (a crash or a cancel leaves the rest queued: the next sync resumes). Returns how
    many queued clippings were analysed."""
    if archive.read_only:
        return 0
    store = archive.store
    if not upgrade_features(archive, report=report, cancel=cancel):
        return 0
    done = 0
    total = store.analysis_due_count()
    message = "Analysing clippings for related pieces"

    def settled(count: int) -> None:
        if report:
            report(Progress(min(done + count, total), total, message))

    while True:
        if cancel and cancel():
            break
        with _state(archive).lock:
            due = store.analysis_due(batch)
            if not due:
                break
            upto: dict[int, int] = {}
            for queue_id, clipping_id in due:
                upto[clipping_id] = max(queue_id, upto.get(clipping_id, 0))
            done += _analyse(archive, upto, settled=settled, cancel=cancel)
        if report:
            total = max(total, done + store.analysis_due_count())
            report(Progress(done, total, message))
    return done


def upkeep_due(archive: Archive) -> bool:
    """Whether ``compute_missing_features`` has work: features of an older version to
    look at (``upgrade_features``), clippings queued for analysis, or older clippings to
    mark for their copies (an archive from an older version)."""
    if archive.read_only:
        return False
    store = archive.store
    if store.features_version_due(FEATURES_VERSION):
        if store.features_version_count(sorted(CARRIED_VERSIONS)):
            return True  # texts to read (``upgrade_features``): work for the background
        # Nothing to carry (a new archive, or features too old to keep): queueing is
        # one statement, done here as before, so a new archive starts with no work.
        store.ensure_features_version(FEATURES_VERSION)
    upgrade_rules(archive)
    return bool(store.analysis_due_count() or store.unmarked_count())


def compute_missing_features(
    archive: Archive,
    *,
    report: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """The window's background upkeep: older clippings marked for their copies in other
    formats (``copies.mark_all_old_clippings``), then ``sync``. Returns how many
    clippings were analysed."""
    from clippings.services.copies import mark_all_old_clippings

    mark_all_old_clippings(archive, report=report, cancel=cancel)
    if cancel and cancel():
        return 0
    upgrade_rules(archive)
    return sync(archive, report=report, cancel=cancel)


# --- Answers --------------------------------------------------------------------------


def _due(archive: Archive, clipping_id: int, at: int | None) -> dict[int, int]:
    """The clipping's queue entry when its edges must be computed before answering."""
    queued = archive.store.analysis_queued([clipping_id])
    if queued:
        return queued
    if at is None:
        return {clipping_id: 0}
    total = archive.store.analysed_total()
    if total > at * (1.0 + REWEIGHT_SHARE) + 1:
        return {clipping_id: 0}
    return {}


def related(
    archive: Archive, clipping_id: int, *, limit: int = 20, compute_missing: bool = True
) -> list[RelatedClipping]:
    """The live clippings related to one, best first, each with how and how strongly,
    from its stored edges (at most ``RELATED_EDGES``).

    A short analysis queue (``QUICK_SYNC``: a recent import, a restore) is applied
    first. With ``compute_missing`` (the default) a clipping that is still queued, was
    never analysed, or whose edges were computed when the archive was 5% smaller is then
    analysed (only that one); without (the window), the stored edges answer as they are
    (the background ``sync`` replaces them). A clipping in the trash has no related
    pieces (an empty list); trashed clippings are never among the results.

    Raises:
        NotFoundError: the archive has no such clipping.
    """
    archive.store.require([clipping_id])
    if archive.store.trashed_ids([clipping_id]):
        return []
    # New rules queue every clipping (for the background job), this one among them, so
    # that it is analysed below. Then a few queued changes (an import, a restore) are
    # applied first, so that their clippings enter this one's list; a long queue is the
    # background job's.
    if compute_missing:
        upgrade_rules(archive)
    if not archive.read_only and 0 < archive.store.analysis_due_count() <= QUICK_SYNC:
        sync(archive)
    at, rows = archive.store.related_edges(clipping_id)
    if compute_missing and not archive.read_only:
        due = _due(archive, clipping_id, at)
        if due:
            with _state(archive).lock:
                _analyse(archive, due)
            at, rows = archive.store.related_edges(clipping_id)
    ranked = sorted(rows, key=lambda r: (_RELATION_ORDER.get(r[3] or "", 2), -r[1]))[:limit]
    summaries = archive.store.summaries_by_id([r[0] for r in ranked])
    # A pair has one label from either side: the newer clipping's (the one it gave when
    # it was analysed beside the other). Lists computed in one batch each keep their own
    # ranking, so the two may differ on a borderline pair.
    newer = archive.store.relations_toward(
        clipping_id, [r[0] for r in ranked if r[0] > clipping_id]
    )
    ranked = [
        (other, score, shared, newer.get(other, relation), closeness, story)
        for other, score, shared, relation, closeness, story in ranked
    ]
    # A related piece whose own story pieces are mostly this clipping's is of its story.
    mine = {r[0] for r in rows if r[3] in ("same story", "duplicate")}
    maybe = [r[0] for r in ranked if r[3] == "related"]
    theirs = archive.store.story_links(maybe) if maybe and len(mine) >= 2 else {}
    found = [
        RelatedClipping(
            clipping=summaries[other],
            relation=(
                "same story"
                if relation == "related"
                and scoring.shares_story(mine, (o for o, _c, _s in theirs.get(other, ())))
                else relation  # type: ignore[arg-type]
            ),
            score=score,
            shared=shared,
        )
        for other, score, shared, relation, _closeness, _story in ranked
        if other in summaries and not summaries[other].trashed
    ]
    # Strongest relation first: a piece in another language that shares every number
    # of the report scores high on those alone (its cosine is of names and numbers),
    # yet is only related; it goes below the same-story pieces, not above them.
    found.sort(key=lambda r: (_RELATION_ORDER[r.relation], -r.score))
    return _with_verdicts(archive, clipping_id, found, rows, limit)


#: The order of the list: copies, then pieces of the same story, then related ones.
_RELATION_ORDER: dict[str, int] = {"duplicate": 0, "same story": 1, "related": 2}


def _with_verdicts(
    archive: Archive,
    clipping_id: int,
    found: list[RelatedClipping],
    rows: Sequence[EdgeRow],
    limit: int,
) -> list[RelatedClipping]:
    """The list as the user judged its pairs: "not same story" makes a piece related
    (even a copy), "same story" makes it same story (a copy stays a copy); a piece the
    user called same story that the list left out joins it, with the score of either
    one's kept edge to the other (0 when neither keeps one: the program finds them
    unrelated). Copies come first, then the user's same-story pieces, then the other
    same-story pieces, then the related ones, each by score; at most ``limit``."""
    verdicts = archive.store.verdicts_of(clipping_id)
    if not verdicts:
        return found
    listed = {r.clipping.id for r in found}
    missing = [o for o, v in verdicts.items() if v == "same story" and o not in listed]
    summaries = archive.store.summaries_by_id(missing) if missing else {}
    scores = {r[0]: (r[1], r[2]) for r in rows}
    toward = archive.store.edges_toward(clipping_id, [o for o in missing if o not in scores])
    added = []
    for o in missing:
        if o in summaries and not summaries[o].trashed:
            score, shared = scores.get(o) or toward.get(o) or (0.0, 0.0)
            added.append(
                RelatedClipping(
                    clipping=summaries[o], relation="same story", score=score, shared=shared
                )
            )
    judged: list[RelatedClipping] = []
    for r in found + added:
        verdict = verdicts.get(r.clipping.id)
        if verdict is None:
            judged.append(r)
            continue
        if verdict == "not same story":
            relation: Relation = "related"
        else:
            relation = "duplicate" if r.relation == "duplicate" else "same story"
        judged.append(replace(r, relation=relation, verdict=verdict))
    judged.sort(
        key=lambda r: (
            r.relation != "duplicate",
            r.verdict != "same story",
            _RELATION_ORDER[r.relation],
            -r.score,
        )
    )
    return judged[:limit]


def set_verdict(archive: Archive, a: int, b: int, verdict: Verdict | None) -> Verdict | None:
    """Say whether clippings ``a`` and ``b`` are the same story (``verdict``: "same
    story", "not same story"; None takes the user's verdict back, so the program's
    label stands again). Returns the verdict the pair had before (for undo).

    Raises:
        NotFoundError: the archive has no such clipping.
        ClippingsError: ``a`` and ``b`` are one clipping.
        ReadOnlyArchiveError, NotAllowedError: the archive may not be changed.
    """
    if a == b:
        raise ClippingsError("a clipping is always its own story: choose two different ones")
    archive.require_writable()
    archive.store.require([a, b])
    if verdict is not None:
        trashed = sorted(archive.store.trashed_ids([a, b]))
        if trashed:
            raise ClippingsError(
                f"clipping {trashed[0]} is in the trash: restore it before giving a verdict"
            )
    # Taking a verdict back cannot contradict the others.
    check = None if verdict is None else _refuse_clash
    try:
        return archive.store.set_verdict(a, b, verdict, check=check)
    except _ClashError as clash:
        assert verdict is not None  # taking a verdict back clashes with nothing
        raise ClippingsError(_clash_message(archive, clash.chain, a, b, verdict)) from None


class _ClashError(Exception):
    """A verdict contradicts the others (``chain``: see ``scoring.verdict_clash``)."""

    def __init__(self, chain: list[int]) -> None:
        super().__init__(chain)
        self.chain = chain


def _refuse_clash(verdicts: Mapping[tuple[int, int], Verdict]) -> None:
    """Raise ``_ClashError`` where the verdicts contradict each other: the check the store
    runs inside its write transaction, so that two programs cannot store a pair of
    verdicts each of which was fine alone."""
    chain = scoring.verdict_clash(
        [pair for pair, v in verdicts.items() if v == "same story"],
        [pair for pair, v in verdicts.items() if v == "not same story"],
    )
    if chain is not None:
        raise _ClashError(chain)


def _clash_message(archive: Archive, chain: list[int], a: int, b: int, verdict: Verdict) -> str:
    """Why the verdict ``verdict`` on ``a`` and ``b`` contradicts the others, from the
    point of view of that pair: ``chain`` runs from one clipping of a pair said to be
    two stories to the other, through pairs said to be one."""
    rows = archive.store.summaries_by_id(chain)

    def named(clipping_id: int) -> str:
        row = rows.get(clipping_id)
        title = row.title if row is not None else ""
        short = title if len(title) <= 50 else title[:49].rstrip() + "…"
        return f"{clipping_id} “{short}”" if short else str(clipping_id)

    first, last = chain[0], chain[-1]
    steps = " → ".join(named(i) for i in chain)
    if verdict == "not same story":
        said = (
            f"you said the clippings that join {first} and {last} are the same story "
            f"({steps}), so they cannot be two stories"
        )
    else:
        said = (
            f"saying {a} and {b} are the same story would put {first} and {last} in one "
            f"story ({steps}), but you said {first} and {last} are not the same story"
        )
    return f"that contradicts your other verdicts: {said}. Take one of those verdicts back first."


def judged_without_date(published: Published | None, found: RelatedClipping) -> bool:
    """Whether ``found`` is labelled same story with no dates to weigh: the clipping it
    is related to (published ``published``) or ``found`` itself is undated.

    Time is the evidence that tells apart two events of one kind with the same people
    (two emergency patches of one browser, years apart). Without it a label rests on
    names and words alone, and that is where every wrong same-story label of the mixed
    archive is (``bench/related.py``: the pairs of two dated reports were all right on
    both halves; 95% and 88% of those with an undated one). The window and the command
    line mark such labels and say how to give a clipping its date."""
    return found.relation == "same story" and (
        published is None or found.clipping.published is None
    )


def undated_piece(found: RelatedClipping) -> bool:
    """Whether ``found`` is a same-story piece without a date (its row says so where
    the date would be)."""
    return found.relation == "same story" and found.clipping.published is None


def undated_with_stories(published: Published | None, found: Iterable[RelatedClipping]) -> bool:
    """Whether a clipping published ``published`` is undated and has same-story pieces
    among ``found`` (the window and the command line then say how to date it)."""
    return published is None and any(r.relation == "same story" for r in found)


def _links(stored: Mapping[int, Sequence[tuple[int, float, float]]]) -> dict[int, list[Link]]:
    return {
        i: [(other, closeness, shared >= DUPLICATE_SHARED) for other, closeness, shared in found]
        for i, found in stored.items()
    }


def _by_time(row: ClippingSummary) -> tuple[int, datetime, datetime, int]:
    """A story's order: by day and time of day as each report gives them (its own
    clock), then by the instant, undated last. A date without a time stands at midday
    of its day: its likeliest place among reports of that day that have a time (at
    midnight, the start of its day, it was taken as first over a report of 8 a.m.; and
    against the instant, 9:01 in New York, 13:01 UTC, came after midday)."""
    published = row.published
    if published is None:
        return (1, datetime.min, datetime.min, row.id)
    if isinstance(published, datetime):
        instant = published_utc(published) or datetime.min
        return (0, published.replace(tzinfo=None), instant, row.id)
    midday = datetime(published.year, published.month, published.day, 12)
    return (0, midday, midday, row.id)


def stories(
    archive: Archive, *, threshold: float = STORY_THRESHOLD, compute_missing: bool = True
) -> list[Story]:
    """Groups of live clippings about one event, the most recent story first, from the
    stored edges only (never a text).

    Args:
        archive: the open archive.
        threshold: the score (0..1) from which two clippings count as the same story;
            lower it for larger, looser stories.
        compute_missing: drain the analysis queue first (``sync``); without (the
            window), only a short queue (``QUICK_SYNC``, a recent import) is, and the
            stored edges answer as they are while the background job works.
    """
    if compute_missing or 0 < archive.store.analysis_due_count() <= QUICK_SYNC:
        sync(archive)  # a few new clippings (an import) are analysed first; no old text
    return _grouped(archive, archive.store.story_links(), archive.store.verdicts(), threshold)


#: Stories read the languages of the clippings in linked groups, of every live one at
#: once (one scan) past this many.
LANGUAGES_READ_ALL = 5000

#: ``stories_around`` follows links from its clippings up to this many clippings, then
#: gives up (the synthetic 10,000-clipping archive's made-up links reach thousands:
#: following them took as long as grouping the whole archive).
AROUND_MAX = 2000


def stories_around(
    archive: Archive, ids: Collection[int], *, threshold: float = STORY_THRESHOLD
) -> list[Story] | None:
    """The stories of ``stories`` that hold any of these clippings, grouped from their
    part of the archive alone: the clippings reachable from them through stored story
    links and same-story verdicts (what a grouping of the whole archive would find for
    them, without reading the rest; the command line tells what a verdict did with
    it). From the stored edges as they are (no analysis is run). None when that part
    holds more than ``AROUND_MAX`` clippings."""
    verdicts = archive.store.verdicts()
    joined: dict[int, set[int]] = {}
    for (a, b), verdict in verdicts.items():
        if verdict == "same story":
            joined.setdefault(a, set()).add(b)
            joined.setdefault(b, set()).add(a)
    reached = set(ids)
    frontier = set(ids)
    stored: dict[int, list[tuple[int, float, float]]] = {}
    while frontier:
        found = archive.store.story_links(sorted(frontier))
        stored.update(found)
        ahead: set[int] = set()
        for clipping_id in frontier:
            ahead.update(
                other
                for other, closeness, shared in found.get(clipping_id, ())
                if closeness >= threshold or shared >= DUPLICATE_SHARED  # see scoring.stories
            )
            ahead.update(joined.get(clipping_id, ()))
        frontier = ahead - reached
        reached |= frontier
        if len(reached) > AROUND_MAX:
            return None  # too much of the archive: not worth a grouping of all of it
    near = {
        pair: verdict
        for pair, verdict in verdicts.items()
        if pair[0] in reached and pair[1] in reached
    }
    wanted = set(ids)
    return [
        story
        for story in _grouped(archive, stored, near, threshold)
        if any(row.id in wanted for row in story.clippings)
    ]


def _grouped(
    archive: Archive,
    stored: Mapping[int, Sequence[tuple[int, float, float]]],
    verdicts: Mapping[tuple[int, int], Verdict],
    threshold: float,
) -> list[Story]:
    """The stories of these clippings' stored story links and the user's verdicts."""
    links = _links(stored)
    together = [pair for pair, v in verdicts.items() if v == "same story"]

    def languages(ids: Sequence[int]) -> dict[int, str]:
        stored = archive.store.clipping_languages(
            None if len(ids) > LANGUAGES_READ_ALL else sorted(ids)
        )
        return {i: code(language) for i, language in stored.items()}

    groups = scoring.stories(
        links,
        threshold,
        together=together,
        apart=[pair for pair, v in verdicts.items() if v == "not same story"],
        languages=languages,
    )
    rows = archive.store.summaries_by_id([i for group in groups for i in group])
    # The user's same-story pairs each story holds (one pass, not one per story).
    group_of = {i: n for n, group in enumerate(groups) for i in group}
    judged: dict[int, list[tuple[int, int]]] = {}
    for a, b in sorted(together):
        if a in group_of and group_of[a] == group_of.get(b):
            judged.setdefault(group_of[a], []).append((a, b))
    found_stories = []
    for n, group in enumerate(groups):
        members = sorted(
            (rows[i] for i in group if i in rows and not rows[i].trashed), key=_by_time
        )
        if len(members) < 2:
            continue
        dated = [m for m in members if m.published is not None]
        outlets = tuple(dict.fromkeys(m.outlet for m in members if m.outlet))
        live = {m.id for m in members}
        order = {m.id: k for k, m in enumerate(members)}
        copy_of: list[tuple[int, int]] = []
        for texts in scoring.copy_groups(links, live):
            original, *others = sorted(texts, key=order.__getitem__)
            copy_of.extend((other, original) for other in others)
        found_stories.append(
            Story(
                id=min(group),
                title=members[0].title,
                clippings=tuple(members),
                outlets=outlets,
                first=(dated[0] if dated else members[0]).id,
                copies=len(copy_of),
                judged=tuple(p for p in judged.get(n, ()) if p[0] in live and p[1] in live),
                copy_of=tuple(sorted(copy_of)),
            )
        )

    def latest(story: Story) -> datetime:
        moments = [m for m in (published_utc(c.published) for c in story.clippings) if m]
        return max(moments, default=datetime.min)

    found_stories.sort(key=latest, reverse=True)
    return found_stories
