"""Corrections to Whoosh's matchers (2.7.5, no longer maintained), applied on import.

Each one makes a search find exactly what the query says; ``tests/search`` shows the
wrong result each one corrects.
"""

from __future__ import annotations

from typing import Any

from whoosh.matching.binary import AndNotMatcher


def _and_not_find_first(self: Any) -> None:
    """``AndNotMatcher._find_first`` that also passes over a first match the excluded
    side holds further on: Whoosh's only looked whether both stood on the same
    document, so ``police -killed`` could show a clipping with "killed" (the first
    match of a segment whose "killed" list starts before it)."""
    if self.a.is_active() and self.b.is_active():
        self._find_next()


AndNotMatcher._find_first = _and_not_find_first
