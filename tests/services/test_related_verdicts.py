"""The user's verdicts on pairs ("same story", "not same story") outrank the labels."""

from __future__ import annotations

import threading
import time

import pytest

from clippings.model import ClippingsError, NotFoundError
from clippings.services import related as related_service
from tests.conftest import reopen


def _relation(archive, a: int, b: int) -> tuple[str | None, str | None]:
    """How ``a``'s list shows ``b``: (relation, verdict), or (None, None) if not listed."""
    for found in related_service.related(archive, a, limit=50):
        if found.clipping.id == b:
            return found.relation, found.verdict
    return None, None


def _together(archive, a: int, b: int) -> bool:
    return any(
        {a, b} <= {c.id for c in story.clippings} for story in related_service.stories(archive)
    )


def _stories_without(archive, *ids: int) -> list[list[int]]:
    stories = ([c.id for c in story.clippings] for story in related_service.stories(archive))
    return sorted(sorted(s) for s in stories if not set(s) & set(ids))


def _same_story_pair(archive, ids: list[int]) -> tuple[int, int]:
    for a in ids:
        for found in related_service.related(archive, a):
            if found.relation == "same story" and found.clipping.id in ids:
                return a, found.clipping.id
    raise AssertionError("no same-story pair among the reports of one event")


def test_not_the_same_story_is_shown_from_both_sides_and_splits_the_story(rehab_reports):
    archive, lohan, _reid = rehab_reports
    a, b = _same_story_pair(archive, lohan)
    assert _together(archive, a, b)
    others = _stories_without(archive, a, b)

    assert related_service.set_verdict(archive, a, b, "not same story") is None
    assert _relation(archive, a, b) == ("related", "not same story")
    assert _relation(archive, b, a) == ("related", "not same story")
    assert not _together(archive, a, b)
    # The other stories are as they were.
    assert _stories_without(archive, a, b) == others

    # Taken back, the program's label stands again.
    assert related_service.set_verdict(archive, a, b, None) == "not same story"
    assert _relation(archive, a, b) == ("same story", None)
    assert _together(archive, a, b)


def test_same_story_joins_two_pieces_the_program_kept_apart(rehab_reports):
    archive, lohan, reid = rehab_reports
    a, b = lohan[0], reid[0]
    assert _relation(archive, a, b)[0] != "same story"
    assert not _together(archive, a, b)

    related_service.set_verdict(archive, b, a, "same story")
    for one, other in ((a, b), (b, a)):
        assert _relation(archive, one, other) == ("same story", "same story")
        # The user's same-story pieces come right after copies.
        found = related_service.related(archive, one)
        assert next(r.clipping.id for r in found if r.relation != "duplicate") == other
    assert _together(archive, a, b)
    # Changing one's mind replaces the verdict (a pair the program does not list
    # stays unlisted).
    assert related_service.set_verdict(archive, a, b, "not same story") == "same story"
    assert archive.store.verdicts_of(a) == {b: "not same story"}
    assert _relation(archive, a, b)[1] in (None, "not same story")
    assert not _together(archive, a, b)


def test_a_verdict_outlives_analysis_and_the_trash_but_not_a_purge(rehab_reports):
    archive, lohan, _reid = rehab_reports
    a, b = _same_story_pair(archive, lohan)
    related_service.set_verdict(archive, a, b, "not same story")
    # An edit queues the clipping; its new lists keep the user's word.
    archive.edit(a, {"title": archive.get(a).title + " (edited)"})
    related_service.sync(archive)
    assert _relation(archive, a, b) == ("related", "not same story")
    archive.trash([b])
    assert _relation(archive, a, b) == (None, None)
    archive.restore([b])
    assert _relation(archive, a, b) == ("related", "not same story")
    archive.trash([b])
    archive.purge([b])
    assert archive.store.verdicts_of(a) == {}


def test_a_verdict_needs_two_live_clippings_of_the_archive(rehab_reports):
    archive, lohan, _reid = rehab_reports
    with pytest.raises(ClippingsError, match="two different"):
        related_service.set_verdict(archive, lohan[0], lohan[0], "same story")
    with pytest.raises(NotFoundError):
        related_service.set_verdict(archive, lohan[0], 999_999, "same story")
    archive.trash([lohan[1]])
    with pytest.raises(ClippingsError, match=f"clipping {lohan[1]} is in the trash"):
        related_service.set_verdict(archive, lohan[0], lohan[1], "not same story")
    assert archive.store.verdicts() == {}


def test_verdicts_that_contradict_each_other_are_refused_with_the_chain(rehab_reports):
    archive, lohan, reid = rehab_reports
    a, b, c = lohan[0], reid[0], reid[1]
    related_service.set_verdict(archive, a, b, "same story")
    related_service.set_verdict(archive, b, c, "same story")
    with pytest.raises(ClippingsError, match="contradicts your other verdicts") as refused:
        related_service.set_verdict(archive, a, c, "not same story")
    assert f"{a} “" in str(refused.value) and " → " in str(refused.value)
    assert "you said the clippings that join" in str(refused.value)
    # The other way round too: a chain closed onto a pair said to be two, told from
    # the pair the user acted on.
    related_service.set_verdict(archive, b, c, None)
    related_service.set_verdict(archive, a, c, "not same story")
    with pytest.raises(ClippingsError, match="contradicts") as refused:
        related_service.set_verdict(archive, b, c, "same story")
    said = str(refused.value)
    assert f"saying {b} and {c} are the same story would put" in said
    assert said.endswith("Take one of those verdicts back first.")
    assert archive.store.verdicts() == {
        (min(a, b), max(a, b)): "same story",
        (min(a, c), max(a, c)): "not same story",
    }


def test_two_programs_cannot_store_verdicts_that_contradict_each_other(rehab_reports, monkeypatch):
    """Two windows on one archive each give a verdict that is fine alone but not with
    the other's, at the same moment: one of them is refused, never both stored."""
    archive, lohan, reid = rehab_reports
    a, b, c = lohan[0], reid[0], reid[1]
    related_service.set_verdict(archive, a, b, "same story")
    other = reopen(archive)
    checking = threading.Event()
    clash = related_service.scoring.verdict_clash

    def slow_clash(together, apart):
        # The first window is slow to check: the second gives its verdict meanwhile.
        if threading.current_thread().name == "first":
            checking.set()
            time.sleep(0.5)
        return clash(together, apart)

    monkeypatch.setattr(related_service.scoring, "verdict_clash", slow_clash)
    outcomes: dict[str, str] = {}

    def give(name: str, where, x: int, y: int, verdict) -> None:
        try:
            related_service.set_verdict(where, x, y, verdict)
            outcomes[name] = "stored"
        except ClippingsError as error:
            outcomes[name] = str(error)

    first = threading.Thread(target=give, args=("first", archive, b, c, "same story"), name="first")
    first.start()
    assert checking.wait(10)
    try:
        give("second", other, a, c, "not same story")
    finally:
        first.join(30)
        other.close()
    assert outcomes["first"] == "stored"
    assert "contradicts your other verdicts" in outcomes["second"]
    assert archive.store.verdicts() == {
        (min(a, b), max(a, b)): "same story",
        (min(b, c), max(b, c)): "same story",
    }


def test_a_clipping_purged_by_another_program_meanwhile_is_named_not_a_database_fault(
    rehab_reports, monkeypatch
):
    archive, lohan, reid = rehab_reports
    a, b = lohan[0], reid[0]
    other = reopen(archive)
    checked = archive.store.trashed_ids

    def purged_meanwhile(ids):
        # Between the service's checks and its write, another program purges ``b``.
        found = checked(ids)
        other.trash([b])
        other.purge([b])
        return found

    monkeypatch.setattr(archive.store, "trashed_ids", purged_meanwhile)
    try:
        with pytest.raises(NotFoundError, match=f"there is no clipping {b}"):
            related_service.set_verdict(archive, a, b, "same story")
    finally:
        other.close()
    assert archive.store.verdicts() == {}


def test_a_piece_called_same_story_keeps_its_score_and_the_list_its_length(rehab_reports):
    archive, lohan, _reid = rehab_reports
    a = next(i for i in lohan if len(related_service.related(archive, i)) >= 2)
    listed = related_service.related(archive, a, limit=50)
    outside = [r for r in listed if r.relation == "related"][-1]
    short = related_service.related(archive, a, limit=1)
    assert outside.clipping.id not in [r.clipping.id for r in short]

    related_service.set_verdict(archive, a, outside.clipping.id, "same story")
    short = related_service.related(archive, a, limit=1)
    assert len(short) == 1
    assert short[0].clipping.id == outside.clipping.id
    assert short[0].score == outside.score > 0


def test_the_stories_around_a_pair_are_those_of_the_whole_archive(rehab_reports, monkeypatch):
    """``stories_around`` (what the command line tells after a verdict) finds, from the
    clippings' own part of the archive, the stories a grouping of all of it finds for
    them, verdicts included; past ``AROUND_MAX`` clippings it gives up (None)."""
    archive, lohan, reid = rehab_reports
    related_service.set_verdict(archive, lohan[0], reid[0], "same story")
    related_service.set_verdict(archive, lohan[1], lohan[2], "not same story")
    whole = related_service.stories(archive)
    assert whole
    story_of = {row.id: story for story in whole for row in story.clippings}
    for clipping_id in lohan + reid:
        found = related_service.stories_around(archive, [clipping_id])
        if clipping_id in story_of:
            assert found == [story_of[clipping_id]]
        else:
            assert found == []
    pair = related_service.stories_around(archive, [lohan[1], lohan[2]])
    assert {s.id for s in pair} == {story_of[i].id for i in (lohan[1], lohan[2]) if i in story_of}
    monkeypatch.setattr(related_service, "AROUND_MAX", 1)
    assert related_service.stories_around(archive, [lohan[0]]) is None
