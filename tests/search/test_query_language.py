"""The query language, as a user types it, on a small archive."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from clippings.model import QueryError
from tests.conftest import add_clipping

UTC = UTC


@pytest.fixture
def news(archive):
    ids = {
        "summit": add_clipping(
            archive,
            "Presidents Putin and Biden held a summit meeting in Geneva. "
            "The ambassadors will return to their postings.",
            title="Geneva summit ends",
            outlet="Reuters",
            author="Jane Doe",
            language="en",
            published=datetime(2021, 7, 31, 23, 30, tzinfo=UTC),
            tags=["Russia/US relations"],
        ),
        "august": add_clipping(
            archive,
            "Energy policies dominated the talks about electricity prices in Europe.",
            title="Energy talks",
            outlet="Associated Press",
            language="en",
            published=date(2021, 8, 1),
        ),
        "early": add_clipping(
            archive,
            "Elections were held across the country; the electoral commission counted ballots.",
            title="Election day",
            outlet="BBC News",
            language="en",
            # 1 July at 01:00 in UTC+5 is 30 June in UTC: the source's own day counts.
            published=datetime(2021, 7, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))),
        ),
        "russian": add_clipping(
            archive,
            "Посол России Анатолий Антонов заявил, что отношения с Вашингтоном остаются сложными.",
            title="Антонов о России",
            outlet="ТАСС",
            language="ru",
            published=date(2021, 7, 24),
        ),
        "german": add_clipping(
            archive,
            "Die Bundesregierung hat über die Häuser der Botschaft entschieden.",
            title="Entscheidung über Häuser",
            language="de",
        ),
        "french": add_clipping(
            archive,
            "Le président a prononcé un discours sur l'économie française à l'Élysée.",
            title="Discours à l'Élysée",
            language="fr",
        ),
    }
    return archive, ids


def found(archive, query, **kwargs):
    return {hit.clipping.id for hit in archive.search(query, **kwargs).hits}


def test_words_are_stemmed_and_combined_with_and(news):
    archive, ids = news
    assert found(archive, "summits") == {ids["summit"]}
    assert found(archive, "policy") == {ids["august"]}  # "policies" in the text
    assert found(archive, "summit ambassadors") == {ids["summit"]}
    assert found(archive, "summit energy") == set()


def test_phrases_or_not_and_minus(news):
    archive, ids = news
    assert found(archive, '"summit meeting"') == {ids["summit"]}
    assert found(archive, '"meeting summit"') == set()
    assert found(archive, "summit OR energy") == {ids["summit"], ids["august"]}
    assert found(archive, "held NOT summit") == {ids["early"]}
    assert found(archive, "held -summit") == {ids["early"]}
    # A hyphen inside a word is not a minus.
    assert found(archive, "summit-meeting") == {ids["summit"]}


def test_prefix(news):
    archive, ids = news
    assert found(archive, "elect*") == {ids["august"], ids["early"]}


def test_fields(news):
    archive, ids = news
    assert found(archive, "title:summit") == {ids["summit"]}
    assert found(archive, "title:ambassadors") == set()
    assert found(archive, "outlet:reuters") == {ids["summit"]}
    assert found(archive, 'outlet:"associated press"') == {ids["august"]}
    assert found(archive, 'author:"jane doe"') == {ids["summit"]}
    assert found(archive, "lang:ru") == {ids["russian"]}
    assert found(archive, "tag:russia") == {ids["summit"]}
    assert found(archive, "Title:summit") == {ids["summit"]}


def test_published_month_and_day(news):
    archive, ids = news
    assert found(archive, "published:2021-07") == {ids["summit"], ids["early"], ids["russian"]}
    assert found(archive, "published:2021-08") == {ids["august"]}
    assert found(archive, "published:2021-07-31") == {ids["summit"]}
    assert found(archive, "published:2021-07-01") == {ids["early"]}
    assert found(archive, "published:2021") == {
        ids["summit"],
        ids["august"],
        ids["early"],
        ids["russian"],
    }


def test_published_ranges_include_both_ends_and_nothing_more(news):
    archive, ids = news
    july = {ids["summit"], ids["early"], ids["russian"]}
    assert found(archive, "published:[2021-07-01 to 2021-07-31]") == july
    assert found(archive, "published:[2021-07-02 to 2021-07-31]") == july - {ids["early"]}
    assert found(archive, "published:[2021-07-01 to 2021-07-30]") == july - {ids["summit"]}
    assert found(archive, "published:[2021-08-01 to]") == {ids["august"]}
    assert found(archive, "published:[to 2021-07-24]") == {ids["early"], ids["russian"]}
    assert found(archive, "published:[2021-07 to 2021-07]") == july
    assert found(archive, "summit published:[2021-07-01 TO 2021-07-31]") == {ids["summit"]}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour:red", "unknown field colour:"),
        ("published:July", "cannot read the date 'July'"),
        ("published:2021-13", "not a date on the calendar"),
        ("published:[2021-08 to 2021-07]", "ends before it starts"),
        ("   ", "empty"),
        # A lone minus in brackets (found by the query properties test): Whoosh's parser
        # cannot make a query of it; the user is told, the index is not called damaged.
        ("0(-)", "cannot be understood"),
        # What Whoosh reads quietly as something else (no result) is said plainly.
        ("title:(", "a bracket is opened and never closed"),
        ("summit)", "a bracket is closed that was never opened"),
        ('"summit meeting', "a quote is opened and never closed"),
        ("tag:", "tag: needs something to look for"),
    ],
)
def test_bad_queries_are_clear_errors(news, query, message):
    archive, _ = news
    with pytest.raises(QueryError, match=message):
        archive.search(query)


def test_a_space_after_a_field_name_is_forgiven(news):
    archive, _ = news
    assert found(archive, "title: summit") == found(archive, "title:summit")
    assert found(archive, 'tag: "Kestrel Valley"') == found(archive, 'tag:"Kestrel Valley"')


def test_other_languages_findable_by_their_words(news):
    archive, ids = news
    assert found(archive, "России") == {ids["russian"]}
    assert found(archive, "россия") == {ids["russian"]}  # another case of the same noun
    assert found(archive, "Антонов") == {ids["russian"]}
    assert found(archive, "Häuser") == {ids["german"]}
    assert found(archive, "hauser") == {ids["german"]}  # accents folded
    assert found(archive, "Bundesregierung") == {ids["german"]}
    assert found(archive, "elysee") == {ids["french"]}
    assert found(archive, "économie") == {ids["french"]}


def test_results_by_date_newest_first_and_snippets_marked(news):
    archive, ids = news
    results = archive.search("held OR energy OR Антонов", sort="date")
    assert [h.clipping.id for h in results.hits] == [
        ids["august"],
        ids["summit"],
        ids["russian"],
        ids["early"],
    ]
    assert results.total == 4
    hit = archive.search("ambassadors").hits[0]
    assert "<mark>ambassadors</mark>" in hit.snippet


def test_snippet_escapes_html_of_the_text(archive):
    add_clipping(archive, "Text about treaties <script>alert(1)</script> and more words.")
    snippet = archive.search("treaties").hits[0].snippet
    assert "<script>" not in snippet
    assert "&lt;script&gt;" in snippet


def test_trashed_clippings_are_hidden_from_search(news):
    archive, ids = news
    archive.trash([ids["summit"]])
    assert found(archive, "summit") == set()
    archive.restore([ids["summit"]])
    assert found(archive, "summit") == {ids["summit"]}


def test_chinese_two_character_word_inside_a_run(archive, corpus):
    text = (corpus / "newspaper4k/txt/chinese_article.txt").read_text(encoding="utf-8")
    clipping = add_clipping(archive, text, title="香港特首道歉", language="zh")
    # 道歉 (apologise) and 违章 (illegal) stand inside longer runs of characters.
    assert "向香港民众道歉" in text
    assert found(archive, "道歉") == {clipping}
    assert found(archive, "违章建筑") == {clipping}
    assert found(archive, '"民众道歉"') == {clipping}
    assert found(archive, "道德") == set()
    assert "<mark>" in archive.search("道歉").hits[0].snippet


@pytest.mark.parametrize(
    ("name", "word"),
    [("japanese_article.txt", None), ("korean_article.txt", None), ("thai_article.txt", None)],
)
def test_unspaced_scripts_found_by_a_piece_of_a_run(archive, corpus, name, word):
    text = (corpus / "newspaper4k/txt" / name).read_text(encoding="utf-8")
    clipping = add_clipping(archive, text, title=name)
    # Take two characters from the middle of the longest run of the text.
    run = max(text.split(), key=len)
    middle = len(run) // 2
    piece = run[middle : middle + 2]
    assert found(archive, f'"{piece}"') == {clipping}


def test_an_outlet_named_by_its_web_address_is_found_by_its_name(archive):
    clipping = add_clipping(archive, "Markets closed higher.", outlet="reuters.com")
    assert found(archive, "outlet:reuters") == {clipping}
    assert found(archive, "outlet:reuters.com") == {clipping}
