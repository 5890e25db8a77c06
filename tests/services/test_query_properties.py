"""Whatever a user types into the search box, search answers with results or a
`QueryError` message — never another exception."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from clippings.model import QueryError
from tests.conftest import ENGINES, add_clipping, open_archive

#: Pieces of the query language, so that examples reach the parser's corners.
SYNTAX = [
    "climate",
    "policy",
    "Ölpreis",
    "中华人民",
    '"',
    "(",
    ")",
    "[",
    "]",
    "{",
    "}",
    " OR ",
    " AND ",
    " NOT ",
    "-",
    "*",
    "?",
    "~",
    "^",
    "\\",
    ":",
    "/",
    " to ",
    "title:",
    "outlet:",
    "author:",
    "tag:",
    "lang:",
    "speaker:",
    "published:",
    "published:[",
    "2021",
    "2021-07",
    "2021-07-25",
    "2021-13-45",
    "99999-01",
    "0000",
    "nonsense:",
    " ",
    "\x00",
    "\u200b",
    "🙂",
]

queries = st.one_of(
    st.text(max_size=60),
    st.lists(st.sampled_from(SYNTAX), max_size=12).map("".join),
    st.lists(st.one_of(st.sampled_from(SYNTAX), st.text(max_size=4)), max_size=10).map("".join),
)

SETTINGS = settings(
    max_examples=300,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow],
)


@pytest.fixture(scope="module", params=ENGINES)
def small_archive(request, tmp_path_factory):
    # Any query either engine cannot understand is a QueryError on both.
    archive = open_archive(tmp_path_factory.mktemp("query") / "archive", request.param)
    add_clipping(
        archive,
        "Climate policy. The summit agreed a climate policy for the coast.",
        outlet="Reuters",
        author="Jane Doe",
        tags=("Climate/Policy",),
    )
    add_clipping(archive, "Ölpreis steigt. Der Ölpreis stieg am Montag.", language="de")
    add_clipping(archive, "中华人民共和国的新闻。这是一篇文章。", language="zh")
    yield archive
    archive.close()


@SETTINGS
@given(query=queries)
def test_search_answers_or_raises_query_error(small_archive, query):
    try:
        results = small_archive.search(query)
    except QueryError as error:
        assert str(error).strip(), f"a QueryError without a message for {query!r}"
        return
    assert results.total >= len(results.hits)


@SETTINGS
@given(query=queries)
def test_search_ids_answers_or_raises_query_error(small_archive, query):
    try:
        ranking = small_archive.search_ids(query)
        ids, total = ranking.ids, ranking.total
    except QueryError as error:
        assert str(error).strip(), f"a QueryError without a message for {query!r}"
        return
    assert total >= len(ids)
