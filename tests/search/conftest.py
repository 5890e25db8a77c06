"""Every search test runs on each search engine: the same query language, terms,
snippets and filters on Whoosh, on tantivy and on the server's (PostgreSQL)."""

from __future__ import annotations

import pytest

from tests.conftest import SEARCH_ENGINES


@pytest.fixture(params=SEARCH_ENGINES)
def engine(request) -> str:
    """Each search engine in turn, the server's included."""
    return request.param


@pytest.fixture
def archive(engine_archive):
    """A new, empty archive, searching with each engine in turn."""
    return engine_archive
