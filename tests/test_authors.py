"""Bylines read once into a list of people and organisations (``clippings.authors``)."""

from __future__ import annotations

import pytest

from clippings.authors import Author, author_list, parse_byline, parse_edited


@pytest.mark.parametrize(
    ("byline", "outlet", "stored"),
    [
        ("Associated Press", None, "Associated Press"),
        ("Mac & i", None, "Mac & i"),
        ("By Jane Doe and Tom Watkins, CNN", "CNN", "Jane Doe; Tom Watkins"),
        ("Jane Doe and Tom Watkins, CNN", None, "Jane Doe; Tom Watkins"),
        ("TOM KRISHER, AP Auto Writer", "AP", "Tom Krisher"),
        ("Doe, Jane", None, "Jane Doe"),
        ("Jane Doe, John Roe", None, "Jane Doe; John Roe"),
        ("Von Hans Meier und Anna Schmidt", None, "Hans Meier; Anna Schmidt"),
        ("Procter & Gamble", None, "Procter & Gamble"),
        ("Jane Doe | Reuters", "Reuters", "Jane Doe"),
        ("No Author", None, None),
        ("By Submitted", None, None),
        ("Administrator", None, None),
        ("  ", None, None),
        (None, None, None),
    ],
)
def test_a_byline_becomes_a_list_of_names(byline, outlet, stored):
    assert parse_byline(byline, outlet=outlet) == stored


def test_a_stored_list_reads_the_same_again():
    # A bundle's or an old archive's list, read again, is the same list.
    for stored in ("Jane Doe; Tom Watkins", "Associated Press", "Mac & i", "Tom Krisher"):
        assert parse_byline(stored) == stored
        assert parse_edited(stored) == stored


def test_each_name_is_a_person_or_a_literal():
    people = author_list("Jane Doe; Associated Press; Mac & i; Charles de Gaulle; dpa")
    assert people == (
        Author("Jane Doe", family="Doe", given="Jane"),
        Author("Associated Press"),
        Author("Mac & i"),
        Author("Charles de Gaulle", family="de Gaulle", given="Charles"),
        Author("dpa"),
    )
    assert [a.inverted() for a in people] == [
        "Doe, Jane",
        "Associated Press",
        "Mac & i",
        "de Gaulle, Charles",
        "dpa",
    ]
    assert author_list("Martin Luther King Jr.") == (
        Author("Martin Luther King Jr.", family="King", given="Martin Luther", suffix="Jr."),
    )
    # A name without spaces (Chinese, Japanese) is cited as written.
    assert author_list("王小明") == (Author("王小明"),)


def test_an_edit_splits_only_on_semicolons():
    assert parse_edited("Jane Doe; Associated Press") == "Jane Doe; Associated Press"
    # "and" in what the user typed is theirs: one name.
    assert parse_edited("Simon and Garfunkel") == "Simon and Garfunkel"
    assert parse_edited("Doe, Jane; Roe, John") == "Jane Doe; John Roe"
    assert parse_edited("No Author") is None
    assert parse_edited("") is None
