"""Hierarchical tags: a tag includes its children everywhere."""

from __future__ import annotations

import pytest

from clippings.model import NotFoundError, TagError
from tests.conftest import add_clipping


@pytest.fixture
def tagged(archive):
    a = add_clipping(archive, "Antonov met senators in Washington.", tags=["Russia/US relations"])
    b = add_clipping(archive, "Gas prices rose in Moscow.", tags=["Russia/Economy"])
    c = add_clipping(archive, "The Senate passed a budget.", tags=["US"])
    return archive, a, b, c


def test_parent_tag_exists_implicitly_and_counts_children(tagged):
    archive, _a, _b, _c = tagged
    tags = {t.name: t.count for t in archive.tags()}
    assert tags == {"Russia": 2, "Russia/Economy": 1, "Russia/US relations": 1, "US": 1}


def test_filtering_by_a_tag_includes_its_children(tagged):
    archive, a, b, _c = tagged
    assert {r.id for r in archive.list(tag="Russia")} == {a, b}
    assert {r.id for r in archive.list(tag="Russia/Economy")} == {b}
    assert archive.list(tag="Rus") == []  # a prefix of a name is not a parent
    assert {h.clipping.id for h in archive.search("tag:Russia").hits} == {a, b}
    assert {h.clipping.id for h in archive.search('tag:"Russia/US relations"').hits} == {a}


def test_bulk_tagging_and_removal(tagged):
    archive, a, b, c = tagged
    change = archive.add_tag([a, b, c], "Press review")
    assert set(change.added) == {a, b, c}
    assert archive.add_tag([a], "Press review").added == ()
    assert {h.clipping.id for h in archive.search("tag:press_review").hits} == {a, b, c}
    archive.remove_tag([a, c], "Press review")
    assert [r.id for r in archive.list(tag="Press review")] == [b]
    assert archive.search('tag:"Press review"').total == 1


def test_undo_of_a_tag_removal_restores_exact_tags(tagged):
    archive, a, b, _c = tagged
    change = archive.remove_tag([a, b], "Russia")
    assert archive.list(tag="Russia") == []
    archive.undo_tag_change(change)
    assert set(archive.get(a).tags) == {"Russia/US relations"}
    assert set(archive.get(b).tags) == {"Russia/Economy"}
    assert archive.search("tag:Russia").total == 2


def test_undo_of_tagging_with_a_new_tag_leaves_no_empty_tag(tagged):
    archive, a, b, _c = tagged
    change = archive.add_tag([a, b], "Local business")
    archive.undo_tag_change(change)
    assert "Local business" not in {t.name for t in archive.tags()}
    # A tag that existed before stays, even with nobody carrying it after the undo.
    archive.create_tag("Kept")
    archive.undo_tag_change(archive.add_tag([a], "Kept"))
    assert "Kept" in {t.name for t in archive.tags()}


def test_rename_moves_children_and_reindexes(tagged):
    archive, _a, _b, _c = tagged
    archive.rename_tag("Russia", "Russian Federation")
    assert {t.name for t in archive.tags()} >= {
        "Russian Federation/US relations",
        "Russian Federation/Economy",
    }
    assert archive.search("tag:Russia").total == 0
    assert archive.search('tag:"Russian Federation"').total == 2
    with pytest.raises(TagError):
        archive.rename_tag("US", "Russian Federation/Economy")


def test_merge_puts_clippings_under_the_target(tagged):
    archive, a, _b, c = tagged
    archive.merge_tag("US", "Russia/US relations")
    assert {r.id for r in archive.list(tag="Russia/US relations")} == {a, c}
    assert "US" not in {t.name for t in archive.tags()}


def test_delete_removes_the_tag_never_the_clippings(tagged):
    archive, a, _b, _c = tagged
    archive.delete_tag("Russia")
    assert archive.count() == 3
    assert {t.name for t in archive.tags()} == {"US"}
    assert archive.get(a).tags == ()
    with pytest.raises(NotFoundError):
        archive.delete_tag("Russia")


def test_colour_and_bad_names(tagged):
    archive, *_ = tagged
    archive.set_tag_colour("Russia", "#D9534F")
    assert {t.name: t.colour for t in archive.tags()}["Russia"] == "#d9534f"
    with pytest.raises(TagError):
        archive.set_tag_colour("Russia", "red")
    with pytest.raises(TagError):
        archive.add_tag([1], "a//b")
    with pytest.raises(NotFoundError):
        archive.add_tag([999], "x")


def test_tag_names_with_like_wildcards_do_not_leak(archive):
    a = add_clipping(archive, "One text about the first thing.", tags=["50%_off/x"])
    b = add_clipping(archive, "Another text about the second thing.", tags=["50abcoff/y"])
    assert [r.id for r in archive.list(tag="50%_off")] == [a]
    assert b not in [r.id for r in archive.list(tag="50%_off")]


def test_a_tag_is_read_in_any_letter_case_but_written_exactly(archive):
    a = add_clipping(archive, "Floods in the north.", tags=["Climate/Floods"])
    b = add_clipping(archive, "A heatwave in the south.", tags=["climate"])
    # The exact name wins; another letter case finds the tag that exists.
    assert [r.id for r in archive.list(tag="Climate")] == [a]
    assert [r.id for r in archive.list(tag="climate")] == [b]
    assert [r.id for r in archive.list(tag="CLIMATE/floods")] == [a]
    assert archive.tag_called("climate/FLOODS") == "Climate/Floods"
    with pytest.raises(NotFoundError, match="there is no tag 'Drought'"):
        archive.tag_called("Drought")
    # Renaming one does not touch its sibling in another case.
    archive.rename_tag("climate", "Weather")
    assert {t.name for t in archive.tags()} == {"Climate", "Climate/Floods", "Weather"}
