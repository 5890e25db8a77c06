"""The team archive's search on PostgreSQL (``PostgresIndex``), through the search
interface: the query language, each language's stemming, CJK bigrams, snippets,
ranking, and writers taking turns."""

from __future__ import annotations

import threading
import time
from dataclasses import replace
from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from clippings.model import IndexBusyError, IndexDamagedError, IndexDocument, QueryError
from clippings.search import SearchIndex, open_server_index
from clippings.search.postgres_index import PostgresIndex, language_config


def _document(number: int, text: str, **fields) -> IndexDocument:
    fields.setdefault("title", text.split(".")[0][:60])
    values = {
        "outlet": None,
        "author": None,
        "language": "en",
        "published": None,
        "tags": (),
    } | fields
    return IndexDocument(id=number, revision=1, text=text, **values)


DOCUMENTS = {
    "summit": _document(
        1,
        "Presidents Putin and Biden held a summit meeting in Geneva. "
        "The ambassadors will return to their postings.",
        title="Geneva summit ends",
        outlet="Reuters",
        author="Jane Doe",
        published=datetime(2021, 7, 31, 23, 30, tzinfo=UTC),
        tags=("Russia", "Russia/US relations"),
        speakers=("Anatoly Antonov",),
    ),
    "august": _document(
        2,
        "Energy policies dominated the talks about electricity prices in Europe.",
        title="Energy talks",
        outlet="Associated Press",
        published=date(2021, 8, 1),
    ),
    "early": _document(
        3,
        "Elections were held across the country; the electoral commission counted ballots.",
        title="Election day",
        outlet="www.bbc.co.uk",
        # 1 July at 01:00 in UTC+5 is 30 June in UTC: the source's own day counts.
        published=datetime(2021, 7, 1, 1, 0, tzinfo=timezone(timedelta(hours=5))),
    ),
    "russian": _document(
        4,
        "Посол России Анатолий Антонов заявил, что отношения с Вашингтоном остаются сложными.",
        title="Антонов о России",
        outlet="ТАСС",
        language="ru",
        published=date(2021, 7, 24),
    ),
    "german": _document(
        5,
        "Die Bundesregierung hat über die Häuser der Botschaft entschieden.",
        title="Entscheidung über Häuser",
        language="de",
    ),
    "french": _document(
        6,
        "Le président a prononcé des discours sur les politiques économiques à l'Élysée.",
        title="Discours à l'Élysée",
        language="fr",
    ),
    "spanish": _document(
        7,
        "El gobierno aprobó nuevas leyes para las ciudades del norte.",
        title="Nuevas leyes",
        language="es",
    ),
    "chinese": _document(
        8,
        "特首向香港民众道歉，并承认违章建筑问题。东京的记者也报道了此事。",
        title="香港特首道歉",
        language="zh",
    ),
    "english_die": _document(
        9,
        "Old habits die hard, the minister said about the harbour.",
        title="Habits",
        language="en-GB",
    ),
    "title_word": _document(
        10,
        "A report about nothing in particular.",
        title="Lighthouse keepers",
        language=None,
    ),
    "text_word": _document(
        11,
        "The lighthouse stood on the rock for a hundred years, and nobody kept it.",
        title="A rock in the sea",
        language=None,
    ),
}


@pytest.fixture(scope="module")
def database(pg_server):
    from sqlalchemy import create_engine

    name = pg_server.new_database()
    url = pg_server.url(name).replace("postgresql://", "postgresql+psycopg://", 1)
    engine = create_engine(url)
    yield engine
    engine.dispose()
    pg_server.drop_database(name)


@pytest.fixture(scope="module")
def index(database):
    built = PostgresIndex(database)
    assert built.needs_rebuild() == "the search index is missing"
    built.prepare()
    built.prepare()  # idempotent
    assert built.needs_rebuild() == "the search index has not been built"
    documents = list(DOCUMENTS.values())
    progress = []
    with built.locked():
        batches = [documents[:5], documents[5:]]
        assert built.rebuild(lambda _after: batches, 11, mark=3, report=progress.append) == 3
    assert [(p.done, p.total) for p in progress] == [(5, 11), (11, 11)]
    assert built.needs_rebuild() is None
    yield built
    built.close()


def found(index: SearchIndex, query: str) -> set[str]:
    ids = {document.id: name for name, document in DOCUMENTS.items()}
    return {ids[clipping_id] for clipping_id, _score in index.search(query, limit=None).hits}


def test_it_is_a_search_index(database):
    index: SearchIndex = open_server_index(database)
    assert isinstance(index, PostgresIndex)


def test_words_are_stemmed_in_the_clippings_language(index):
    assert found(index, "summits") == {"summit"}
    assert found(index, "policy") == {"august"}  # "policies"
    assert found(index, "Häusern") == {"german"}  # German: Häuser
    assert found(index, "hauser") == {"german"}  # accents folded
    assert found(index, "politique") == {"french"}  # French: politiques
    assert found(index, "économique") == {"french"}
    assert found(index, "elysee") == {"french"}
    assert found(index, "ley") == {"spanish"}  # Spanish: leyes
    assert found(index, "nueva") == {"spanish"}  # nuevas
    assert found(index, "россия") == {"russian"}  # Russian: России
    assert found(index, "отношение") == {"russian"}  # отношения


def test_a_stop_word_is_left_out_only_in_its_own_language(index):
    # "die" is a German stop word and an English verb.
    assert found(index, "die") == {"english_die"}
    assert found(index, "die hard") == {"english_die"}
    ranking = index.search("Bundesregierung die")
    assert [i for i, _s in ranking.hits] == [DOCUMENTS["german"].id]
    assert any("“die” is too common a word in German" in note for note in ranking.notes)
    # An English query with a stop word still finds the English clipping.
    assert found(index, "the minister") == {"english_die"}


def test_a_clipping_without_a_language_is_stemmed_as_the_app_does(index):
    assert language_config(None, frozenset({"clippings_any"})) == "clippings_any"
    assert language_config("de-CH", frozenset({"german"})) == "german"
    assert language_config("xx", frozenset()) == "simple"
    assert found(index, "lighthouses") == {"title_word", "text_word"}
    assert found(index, "keeper") == {"title_word"}


def test_chinese_bigrams_inside_a_run(index):
    assert found(index, "道歉") == {"chinese"}
    assert found(index, "违章建筑") == {"chinese"}
    assert found(index, '"民众道歉"') == {"chinese"}
    assert found(index, "东京") == {"chinese"}
    assert found(index, "道德") == set()
    assert found(index, '"道歉民众"') == set()


def test_phrases_or_not_and_minus(index):
    assert found(index, '"summit meeting"') == {"summit"}
    assert found(index, '"meeting summit"') == set()
    assert found(index, '"meeting in geneva"') == {"summit"}
    assert found(index, "summit OR energy") == {"summit", "august"}
    assert found(index, "held NOT summit") == {"early"}
    assert found(index, "held -summit") == {"early"}
    assert found(index, "summit-meeting") == {"summit"}  # a hyphen inside a word
    assert found(index, "(summit OR energy) -geneva") == {"august"}
    # Words near each other: "summit meeting in Geneva".
    assert found(index, '"summit geneva"~3') == {"summit"}
    assert found(index, '"summit geneva"~2') == set()
    assert found(index, '"putin biden summit"~3') == {"summit"}


def test_a_phrase_stays_in_one_field(index):
    # The title ends "… summit ends" and the outlet is "Reuters": no phrase across them.
    assert found(index, '"ends reuters"') == set()
    assert found(index, '"geneva summit"') == {"summit"}
    # Both pairs are in the clipping ("Geneva summit" in the title, "summit meeting" in
    # the text), the phrase is not.
    assert found(index, '"geneva summit meeting"') == set()
    assert found(index, '"geneva summit ends"') == {"summit"}
    assert found(index, '"putin and biden held"') == {"summit"}  # "and": a stop word
    assert found(index, '"putin biden"') == set()


def test_two_word_phrases_and_dates_need_no_clippings_positions(index, database):
    """A phrase of two words, and words within dates, are looked up in the GIN indexes
    alone: no clipping's positions are read (at 100,000 clippings reading them cost
    more than half a second)."""
    from sqlalchemy import text as sql

    with database.connect() as connection:
        connection.execute(sql("SET enable_seqscan = off"))  # as a search does
        for query in ['"summit meeting"', "summit published:2021-07", "道歉"]:
            translation, _tree = index._translate(connection, query)
            tsqueries = " ".join(str(value) for value in translation.params.values())
            assert "<" not in tsqueries, query  # no phrase operator: nothing to re-read
            assert "published" not in translation.where, query
            plan = connection.execute(
                sql(f"EXPLAIN SELECT 1 FROM search_documents AS d WHERE {translation.where}"),
                translation.params,
            ).scalars()
            assert "Index Scan" in "\n".join(plan), query


def test_date_keys_cover_a_range_with_the_fewest_years_months_and_days():
    from clippings.search.postgres_query import date_keys

    assert date_keys(20120101, 20131231) == ["2012", "2013"]
    assert date_keys(20120130, 20120302) == [
        "20120130",
        "20120131",
        "201202",
        "20120301",
        "20120302",
    ]
    assert date_keys(20111231, 20120131) == ["20111231", "201201"]
    assert date_keys(20120301, 20120229) == []  # ends before it starts: no day
    assert date_keys(20120101, None) is None  # open: the date column answers
    assert date_keys(10000101, 99991231) is None  # too many keys: the date column answers
    assert date_keys(99990101, 99991231) == ["9999"]


def test_prefix(index):
    assert found(index, "elect*") == {"august", "early"}
    assert found(index, "title:elect*") == {"early"}
    assert found(index, "outlet:assoc*") == {"august"}


def test_wildcards_inside_a_word(index):
    assert found(index, "summ?t") == {"summit"}
    assert found(index, "*ummit") == {"summit"}
    assert found(index, "s*it") == {"summit"}
    assert found(index, "title:l?ghthous*") == {"title_word"}  # stems: "lighthous"
    assert found(index, "text:l?ghthous*") == {"text_word"}
    assert found(index, "h?user") == set()  # the German words are stems: "haus"
    assert found(index, "ha?s") == {"german"}
    assert found(index, "su?mit -geneva") == set()
    assert "<mark>summit</mark>" in index.snippet("summ?t", DOCUMENTS["summit"].text)
    assert not index.search("s*", limit=None).notes  # a prefix stands for all its words


def test_a_wildcard_for_too_many_words_says_so(index, monkeypatch):
    monkeypatch.setattr("clippings.search.postgres_index.WILDCARD_WORDS", 2)
    monkeypatch.setattr("clippings.search.postgres_query.WILDCARD_WORDS", 2)
    ranking = index.search("*e?")
    assert ranking.notes == (
        "*e? stands for more than 2 words; searched the first 2 in alphabetical order",
    )


def test_fields(index):
    assert found(index, "title:summit") == {"summit"}
    assert found(index, "title:ambassadors") == set()
    assert found(index, "text:ambassadors") == {"summit"}
    assert found(index, "outlet:reuters") == {"summit"}
    assert found(index, "reuters") == {"summit"}  # the outlet's words are words too
    assert found(index, 'outlet:"associated press"') == {"august"}
    assert found(index, "outlet:associated") == set()  # the whole name
    assert found(index, "outlet:bbc") == {"early"}  # a web address by its site
    assert found(index, 'author:"jane doe"') == {"summit"}
    assert found(index, "author:doe") == {"summit"}
    assert found(index, "lang:ru") == {"russian"}
    assert found(index, "lang:EN-gb") == {"english_die"}
    assert found(index, "tag:russia") == {"summit"}
    assert found(index, 'tag:"Russia/US relations"') == {"summit"}
    assert found(index, "tag:relations") == set()
    assert found(index, "speaker:antonov") == {"summit"}
    assert found(index, 'speaker:"Anatoly Antonov"') == {"summit"}
    assert found(index, "Title:summit") == {"summit"}
    assert found(index, "-tag:russia held") == {"early"}
    # Fields mixed (the title is looked up in the clipping's head, the text in its body).
    assert found(index, "title:summit OR text:energy") == {"summit", "august"}
    assert found(index, 'title:"geneva summit" tag:russia') == {"summit"}
    assert found(index, "title:summit -text:energy") == {"summit"}
    assert found(index, "title:energy -text:electricity") == set()
    assert found(index, "(title:summit OR author:doe) published:2021-07") == {"summit"}


def test_published_years_months_days_and_ranges(index):
    july = {"summit", "early", "russian"}
    assert found(index, "published:2021-07") == july
    assert found(index, "published:2021-08") == {"august"}
    assert found(index, "published:2021-07-31") == {"summit"}
    assert found(index, "date:2021-07-01") == {"early"}
    assert found(index, "published:2021") == july | {"august"}
    assert found(index, "published:[2021-07-01 to 2021-07-31]") == july
    assert found(index, "published:[2021-07-02 to 2021-07-31]") == july - {"early"}
    assert found(index, "published:[2021-08-01 to]") == {"august"}
    assert found(index, "published:[to 2021-07-24]") == {"early", "russian"}
    assert found(index, "summit published:[2021-07-01 TO 2021-07-31]") == {"summit"}
    assert found(index, "summit OR published:2021-08") == {"summit", "august"}
    # Clippings without a date are outside every range, and inside its negation.
    assert found(index, "-published:2021 lighthouse") == {"title_word", "text_word"}


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("colour:red", "unknown field colour:"),
        ("published:July", "cannot read the date 'July'"),
        ("published:2021-13", "not a date on the calendar"),
        ("published:[2021-08 to 2021-07]", "ends before it starts"),
        ("   ", "empty"),
        ("0(-)", "cannot be understood"),
        ("title:(", "a bracket is opened and never closed"),
        ('"summit meeting', "a quote is opened and never closed"),
        ("tag:", "tag: needs something to look for"),
    ],
)
def test_bad_queries_are_clear_errors(index, query, message):
    with pytest.raises(QueryError, match=message):
        index.search(query)


def test_ranking_title_above_text_and_by_date(index):
    ranking = index.search("lighthouse")
    assert [i for i, _s in ranking.hits] == [DOCUMENTS["title_word"].id, DOCUMENTS["text_word"].id]
    assert ranking.total == 2 and ranking.exact
    assert ranking.hits[0][1] > ranking.hits[1][1] > 0
    by_date = index.search("held OR energy OR Антонов", sort="date")
    assert [i for i, _s in by_date.hits] == [
        DOCUMENTS[name].id for name in ("august", "summit", "russian", "early")
    ]
    first = index.search("held OR energy OR Антонов", limit=1)
    assert len(first.hits) == 1 and first.total == 4
    assert index.search("held", limit=0).total == 2


def test_snippets_mark_the_hit(index):
    summit = DOCUMENTS["summit"].text
    assert "<mark>ambassadors</mark>" in index.snippet("ambassadors", summit)
    assert "<mark>summit</mark>" in index.snippet("summits", summit)
    assert "<mark>summit</mark>" in index.snippet("summ*", summit)
    # Marked the way the server's German stemming found it.
    german = DOCUMENTS["german"].text
    assert "<mark>Häuser</mark>" in index.snippet("Häusern", german)
    assert "<mark>道歉</mark>" in index.snippet("道歉", DOCUMENTS["chinese"].text)
    whole = index.highlight_all('"summit meeting"', summit + " <b>")
    assert "<mark>summit</mark> <mark>meeting</mark>" in whole
    assert whole.endswith("&lt;b&gt;")
    # No word of the query in the text: the opening words.
    assert index.snippet("outlet:reuters", summit).startswith("Presidents Putin")


def test_snippets_read_as_the_embedded_engines(index, tmp_path):
    from clippings.search.whoosh_index import WhooshIndex

    whoosh = WhooshIndex(tmp_path / "whoosh")
    documents = list(DOCUMENTS.values())
    with whoosh.locked():
        whoosh.rebuild(lambda _after: [documents], len(documents))
    for query in ("ambassadors", "summit OR energy", '"summit meeting"', "道歉", "title:summit"):
        for document in documents:
            assert index.snippet(query, document.text) == whoosh.snippet(query, document.text)
    whoosh.close()


def test_writes_and_deletions(database):
    index = PostgresIndex(database)
    index.prepare()
    with index.locked():
        index.apply([_document(101, "A quayside report.", language="en")], [])
        assert index.search("quayside").total == 1
        edited = _document(101, "A lighthouse report.", title="Lighthouse")
        edited = replace(edited, revision=2)
        index.apply([edited], [])
        assert {i for i, _s in index.search("lighthouse").hits} >= {101}
        assert index.search("quayside").total == 0
        assert index.revisions()[101] == 2
        index.apply([], [101])
        assert 101 not in index.revisions()


def test_a_cancelled_rebuild_leaves_the_index_unchanged(database, index):
    before = index.revisions()
    other = PostgresIndex(database)
    batches = [[_document(200 + n, f"Report {n}.")] for n in range(3)]
    asked = iter([False, True])
    with other.locked():
        assert other.rebuild(lambda _after: batches, 3, cancel=lambda: next(asked)) is None
    assert index.revisions() == before
    assert index.needs_rebuild() is None


def test_writers_take_turns(database):
    first, second = PostgresIndex(database), PostgresIndex(database)
    order = []
    with first.locked():
        with (
            pytest.raises(IndexBusyError, match="busy in another program"),
            second.locked(timeout=0.2),
        ):
            pass

        def wait_then_write():
            with second.locked(timeout=10):
                order.append("second")

        # Reading never waits for a writer, in this program or another.
        searched = []
        reader = threading.Thread(target=lambda: searched.append(first.search("summit").total))
        reader.start()
        reader.join(10)
        assert searched == [1]
        waiting = threading.Thread(target=wait_then_write)
        waiting.start()
        time.sleep(0.3)
        order.append("first")
    waiting.join(10)
    assert order == ["first", "second"]
    with first.locked(), first.locked():  # the same program may nest
        pass


def test_a_rebuild_makes_what_is_missing_and_a_lost_table_asks_for_one(pg_url):
    from sqlalchemy import create_engine, text

    engine = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    index = PostgresIndex(engine)
    documents = [_document(1, "A harbour report.")]
    with index.locked():
        assert index.rebuild(lambda _after: [documents], 1) == 0
    assert index.needs_rebuild() is None
    assert index.search("harbour").total == 1
    with engine.begin() as connection:
        connection.execute(text("DROP TABLE search_documents"))
    assert index.needs_rebuild() == "the search index is missing"
    with pytest.raises(IndexDamagedError):
        index.search("harbour")
    engine.dispose()


def test_any_combination_means_what_its_parts_mean(index):
    """AND, OR and NOT of words, phrases, fields, filters and dates (on both of the
    server's columns and in SQL) find what the set algebra of their parts finds."""
    import random

    leaves = [
        "held",
        "summit",
        "energy",
        "lighthouse",
        '"summit meeting"',
        "title:summit",
        "title:lighthouse",
        "author:doe",
        "text:rock",
        "outlet:reuters",
        "tag:russia",
        "lang:de",
        "published:2021-07",
        "published:[2021-07-24 to 2021-08-01]",
        "elect*",
        "道歉",
        "Häuser",
    ]  # No stop word: one is left out of an AND (as PostgreSQL does), not a set of its own.
    everything = set(DOCUMENTS)
    known = {leaf: found(index, leaf) for leaf in leaves}
    rng = random.Random(4)

    def make(depth: int) -> tuple[str, set[str]]:
        if depth == 0 or rng.random() < 0.3:
            leaf = rng.choice(leaves)
            return leaf, known[leaf]
        (left, a), (right, b) = make(depth - 1), make(depth - 1)
        kind = rng.choice(["AND", "OR", "AND NOT"])
        result = a & b if kind == "AND" else a | b if kind == "OR" else a - b
        return f"({left}) {kind} ({right})", result

    for _ in range(120):
        query, expected = make(3)
        assert found(index, query) == expected & everything, query


def test_what_a_reader_and_a_writer_need(pg_server, pg_url):
    """SELECT on the index's tables is enough to search; INSERT, UPDATE and DELETE to
    write and rebuild (what ``server init`` grants the archive's roles)."""
    from sqlalchemy import create_engine

    from clippings.model import StorageError
    from clippings.search.postgres_index import TABLES

    name = pg_url.rsplit("/", 1)[1]
    owner = create_engine(pg_url.replace("postgresql://", "postgresql+psycopg://"))
    PostgresIndex(owner).prepare()
    reader, writer = f"{name}_reader", f"{name}_writer"
    tables = ", ".join(TABLES)
    for role in (reader, writer):
        pg_server.admin_sql(f'CREATE ROLE "{role}" LOGIN')
        pg_server.admin_sql(f'GRANT SELECT ON {tables} TO "{role}"', name)
    pg_server.admin_sql(f'GRANT INSERT, UPDATE, DELETE ON {tables} TO "{writer}"', name)

    def as_role(role):
        url = pg_server.url(name, user=role).replace("postgresql://", "postgresql+psycopg://")
        return PostgresIndex(create_engine(url))

    writing, reading = as_role(writer), as_role(reader)
    with writing.locked():
        assert writing.rebuild(lambda _after: [[_document(1, "A harbour report.")]], 1) == 0
        writing.apply([_document(2, "Another harbour report.")], [])
    assert reading.needs_rebuild() is None
    assert reading.search("harbour").total == 2
    assert "<mark>harbour</mark>" in reading.snippet("harbours", "The harbour.")
    with pytest.raises(StorageError, match="refused"), reading.locked():
        reading.apply([_document(3, "A third harbour report.")], [])
    for index in (writing, reading):
        index.engine.dispose()
    owner.dispose()
