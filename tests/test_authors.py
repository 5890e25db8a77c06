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
        # Addresses and affiliations in brackets are not part of a name.
        ("Deutsche Welle (www.dw.com)", None, "Deutsche Welle"),
        ("John Smith (jsmith@example.com)", None, "John Smith"),
        ("Ann Lee (Reuters) and Bob Roe (AFP)", None, "Ann Lee; Bob Roe"),
        ("Peter Kim [@pkim]", None, "Peter Kim"),
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
    # Kept as typed: "Family, Given" is a person with the family name first.
    assert parse_edited("Doe, Jane;  Roe, John ") == "Doe, Jane; Roe, John"
    assert author_list("García Márquez, Gabriel; Doe, J.; King, Martin Luther, Jr.") == (
        Author("García Márquez, Gabriel", family="García Márquez", given="Gabriel"),
        Author("Doe, J.", family="Doe", given="J."),
        Author("King, Martin Luther, Jr.", family="King", given="Martin Luther", suffix="Jr."),
    )
    # What the user typed wins, even a word an import would drop.
    assert parse_edited("Staff") == "Staff"
    assert parse_edited("") is None


def test_organisations_titles_and_placeholders():
    assert author_list("World Health Organization; Deutsche Presse-Agentur") == (
        Author("World Health Organization"),
        Author("Deutsche Presse-Agentur"),
    )
    assert parse_byline("Jane Doe, Ph.D.") == "Jane Doe"
    assert parse_byline("Dr. Jane Doe") == "Jane Doe"
    assert parse_byline("Martin Luther King Jr.") == "Martin Luther King Jr."
    assert parse_byline("By J. Smith") == "J. Smith"
    for nobody in ("From staff reports", "Submitted by admin", "Staff Writer"):
        assert parse_byline(nobody) is None, nobody
