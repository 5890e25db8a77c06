"""Related pieces and stories of an archive.

The comparison itself is ``clippings.analysis.related``; this module feeds it. Each
clipping's features are computed once, at import (``remember``) or on first use, and
stored in the database (``clipping_features``) with the version of the algorithm and
the clipping's revision, so a new algorithm or an edited clipping recomputes them.

An open archive has one in-memory ``RelatednessIndex``, built on first use from the
stored features and kept in step with the database before each query: a cheap look at
the live clippings' count, highest id and revisions tells whether anything was added,
edited, trashed or restored since (by this process or another), and only those
clippings are re-read. No query ever compares every pair.
"""

from __future__ import annotations

import logging
import threading
import weakref
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime

from clippings.analysis.related import (
    FEATURES_VERSION,
    STORY_THRESHOLD,
    Features,
    RelatednessIndex,
    features,
)
from clippings.model import (
    ClippingSummary,
    Progress,
    Published,
    RelatedClipping,
    Story,
    published_utc,
)
from clippings.services.archive import Archive

log = logging.getLogger(__name__)

#: Clippings whose features are computed and stored in one transaction.
FEATURES_BATCH = 500

__all__ = [
    "STORY_THRESHOLD",
    "compute_missing_features",
    "forget",
    "missing_features",
    "related",
    "remember",
    "stories",
]


@dataclass
class _State:
    """The in-memory index of one open archive and what it knows of the database."""

    index: RelatednessIndex = field(default_factory=RelatednessIndex)
    revisions: dict[int, int] = field(default_factory=dict)
    live: tuple[int, int, int] | None = None
    lock: threading.RLock = field(default_factory=threading.RLock)


_states: weakref.WeakKeyDictionary[Archive, _State] = weakref.WeakKeyDictionary()
_states_lock = threading.Lock()


def _state(archive: Archive) -> _State:
    with _states_lock:
        found = _states.get(archive)
        if found is None:
            found = _states[archive] = _State()
        return found


def forget(archive: Archive) -> None:
    """Drop the archive's in-memory index (the next query builds it again)."""
    with _states_lock:
        _states.pop(archive, None)


def _compute(archive: Archive, ids: Sequence[int]) -> dict[int, Features]:
    """Compute and store the features of these clippings; returns them."""
    found: dict[int, Features] = {}
    for start in range(0, len(ids), FEATURES_BATCH):
        sources = archive.store.feature_sources(ids[start : start + FEATURES_BATCH])
        rows = []
        for clipping_id, (title, text, language, revision) in sources.items():
            computed = features(text, title, language)
            found[clipping_id] = computed
            rows.append((clipping_id, FEATURES_VERSION, revision, computed.to_json()))
        archive.store.save_features(rows)
    return found


def remember(archive: Archive, clipping_id: int) -> None:
    """Compute and store the features of a newly stored clipping (the import calls
    this, so that no later query has to)."""
    _compute(archive, [clipping_id])


def missing_features(archive: Archive) -> list[int]:
    """Live clippings that have no features of the current version yet."""
    return [
        clipping_id
        for clipping_id, _rev, _published, version, _data in archive.store.stored_features()
        if version != FEATURES_VERSION
    ]


def compute_missing_features(
    archive: Archive,
    *,
    report: Callable[[Progress], None] | None = None,
    cancel: Callable[[], bool] | None = None,
) -> int:
    """Compute the features of every live clipping that has none of the current
    version (an archive made before schema 3, clippings added by other means, or after
    an algorithm change), in batches; returns how many were computed."""
    missing = missing_features(archive)
    done = 0
    for start in range(0, len(missing), FEATURES_BATCH):
        if cancel and cancel():
            break
        batch = missing[start : start + FEATURES_BATCH]
        _compute(archive, batch)
        done += len(batch)
        if report:
            report(Progress(done, len(missing), "Analysing clippings for related pieces"))
    return done


def _day(published: Published | None) -> datetime | None:
    return published_utc(published)


def _sync(archive: Archive, state: _State, *, compute_missing: bool = True) -> None:
    """Bring the in-memory index in step with the database's live clippings.

    With ``compute_missing=False`` clippings without stored features are left out
    (and looked at again next time) instead of being analysed now: the window does
    that in a background job, so that a lookup never stalls on a large archive.
    """
    live = archive.store.live_state()
    if live == state.live:
        return
    current = archive.store.revisions()
    for gone in set(state.revisions) - set(current):
        state.index.remove(gone)
        del state.revisions[gone]
    changed = [i for i, revision in current.items() if state.revisions.get(i) != revision]
    if changed:
        rows = archive.store.stored_features(changed)
        loaded: dict[int, Features] = {}
        stale = []
        for clipping_id, _revision, _published, version, data in rows:
            if version == FEATURES_VERSION and data is not None:
                try:
                    loaded[clipping_id] = Features.from_json(data)
                    continue
                except ValueError:
                    log.warning("clipping %d: unreadable stored features", clipping_id)
            stale.append(clipping_id)
        if compute_missing:
            loaded.update(_compute(archive, stale))
        for clipping_id, revision, published, _version, _data in rows:
            if clipping_id in loaded:
                moment = _day(published)
                state.index.add(clipping_id, loaded[clipping_id], moment.date() if moment else None)
                state.revisions[clipping_id] = revision
    # Clippings left out stay "changed", so the next look tries them again.
    state.live = live if compute_missing or not changed or len(loaded) == len(changed) else None


def _index(archive: Archive) -> tuple[_State, RelatednessIndex]:
    state = _state(archive)
    _sync(archive, state)
    return state, state.index


def related(
    archive: Archive, clipping_id: int, *, limit: int = 20, compute_missing: bool = True
) -> list[RelatedClipping]:
    """The live clippings related to one, best first, each with how and how strongly.

    A clipping in the trash has no related pieces (an empty list); trashed clippings
    are never among the results.

    Raises:
        NotFoundError: the archive has no such clipping.
    """
    state = _state(archive)
    with state.lock:
        _sync(archive, state, compute_missing=compute_missing)
        if clipping_id not in state.index:
            archive.store.require([clipping_id])
            return []
        found = state.index.related(clipping_id, limit)
    rows = archive.store.summaries_by_id([other for other, *_ in found])
    return [
        RelatedClipping(clipping=rows[other], relation=relation, score=score, shared=shared)
        for other, relation, score, shared in found
        if other in rows and not rows[other].trashed
    ]


def _by_time(row: ClippingSummary) -> tuple[int, datetime, int]:
    moment = published_utc(row.published)
    return (0, moment, row.id) if moment else (1, datetime.min, row.id)


def stories(
    archive: Archive, *, threshold: float = STORY_THRESHOLD, compute_missing: bool = True
) -> list[Story]:
    """Groups of live clippings about one event, the most recent story first.

    Args:
        archive: the open archive.
        threshold: the score (0..1) from which two clippings count as the same story;
            lower it for larger, looser stories.
    """
    state = _state(archive)
    with state.lock:
        _sync(archive, state, compute_missing=compute_missing)
        groups = state.index.stories(threshold)
        copies = [state.index.copies(group) for group in groups]
    rows = archive.store.summaries_by_id([i for group in groups for i in group])
    found = []
    for group, copy_count in zip(groups, copies, strict=True):
        members = sorted((rows[i] for i in group if i in rows), key=_by_time)
        if len(members) < 2:
            continue
        dated = [m for m in members if m.published is not None]
        outlets = tuple(dict.fromkeys(m.outlet for m in members if m.outlet))
        found.append(
            Story(
                id=min(group),
                title=members[0].title,
                clippings=tuple(members),
                outlets=outlets,
                first=(dated[0] if dated else members[0]).id,
                copies=copy_count,
            )
        )

    def latest(story: Story) -> datetime:
        moments = [m for m in (published_utc(c.published) for c in story.clippings) if m]
        return max(moments, default=datetime.min)

    found.sort(key=latest, reverse=True)
    return found
