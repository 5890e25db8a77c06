"""Every search test runs on each search engine: the same query language, terms,
snippets and filters on Whoosh and on tantivy."""

from __future__ import annotations

import pytest


@pytest.fixture
def archive(engine_archive):
    """A new, empty archive, once searching with Whoosh and once with tantivy."""
    return engine_archive
