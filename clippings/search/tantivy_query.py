"""A search as a tantivy query: the Whoosh parse tree of the project's query language
(``query.parse``) translated node by node, so that both engines understand the same
queries. Prefixes, wildcards and ranges of words are expanded against the index
(at most ``PREFIX_TERMS`` words, the most frequent, and the result says so)."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Callable
from typing import Any

import tantivy
from tantivy import Occur, Query
from whoosh import query as wq

from clippings.model import QueryError
from clippings.search.whoosh_queries import PREFIX_CAP

#: A prefix (``elect*``) searches at most this many of the words it stands for, the
#: most frequent ones; the ranking's notes say when it was narrowed.
PREFIX_TERMS = PREFIX_CAP  # the same words on both engines

TEXT_FIELDS = ("title", "text", "outlet", "author")
KEYWORD_FIELDS = ("tags", "speakers", "language", "outlet_name")
#: Fields holding whole numbers (the rest hold terms).
NUMBER_FIELDS = ("published", "moment", "id", "revision")


class Translator:
    """A Whoosh query tree as a tantivy query, node by node."""

    def __init__(self, schema: tantivy.Schema, searcher: tantivy.Searcher) -> None:
        self.schema = schema
        self.searcher = searcher
        self._notes: dict[str, str] = {}

    @property
    def notes(self) -> tuple[str, ...]:
        return tuple(self._notes.values())

    def translate(self, node: Any) -> tantivy.Query:
        query = self._node(node)
        boost = float(getattr(node, "boost", 1.0) or 1.0)
        if boost != 1.0 and not isinstance(node, wq.NumericRange):
            query = tantivy.Query.boost_query(query, boost)
        return query

    def _node(self, node: Any) -> tantivy.Query:
        if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
            return Query.empty_query()
        if isinstance(node, wq.Every):
            return Query.all_query()
        if isinstance(node, wq.Not):
            return Query.boolean_query(
                [(Occur.Must, Query.all_query()), (Occur.MustNot, self.translate(node.query))]
            )
        if isinstance(node, wq.AndNot):
            return Query.boolean_query(
                [(Occur.Must, self.translate(node.a)), (Occur.MustNot, self.translate(node.b))]
            )
        if isinstance(node, wq.AndMaybe):
            return Query.boolean_query(
                [(Occur.Must, self.translate(node.a)), (Occur.Should, self.translate(node.b))]
            )
        if isinstance(node, wq.Require):
            return Query.boolean_query(
                [
                    (Occur.Must, self.translate(node.a)),
                    (Occur.Must, Query.const_score_query(self.translate(node.b), 0.0)),
                ]
            )
        if isinstance(node, wq.Otherwise):
            first = self.translate(node.a)
            return first if self._matches(first) else self.translate(node.b)
        if isinstance(node, wq.And):
            clauses = []
            for child in node.subqueries:
                if isinstance(child, wq.Not):
                    clauses.append((Occur.MustNot, self.translate(child.query)))
                else:
                    clauses.append((Occur.Must, self.translate(child)))
            if all(occur == Occur.MustNot for occur, _q in clauses):
                clauses.append((Occur.Must, Query.all_query()))
            return Query.boolean_query(clauses)
        if isinstance(node, wq.DisjunctionMax):
            return Query.disjunction_max_query(
                [self.translate(child) for child in node.subqueries],
                float(getattr(node, "tiebreak", 0.0) or 0.0),
            )
        if isinstance(node, wq.Or):
            return Query.boolean_query([(Occur.Should, self.translate(c)) for c in node.subqueries])
        if isinstance(node, wq.ConstantScoreQuery):
            return Query.const_score_query(self.translate(node.child), float(node.score))
        if isinstance(node, wq.NumericRange):
            return self._range(node)
        if isinstance(node, wq.Term):
            return self._term(node.fieldname, node.text)
        if isinstance(node, wq.Phrase):
            words: list[str | tuple[int, str]] = [str(w) for w in node.words]
            if not words:
                return Query.empty_query()
            if len(words) == 1:
                return self._term(node.fieldname, str(node.words[0]))
            # Whoosh's slop 1 is "next to each other"; tantivy's is 0.
            slop = max(int(node.slop) - 1, 0)
            return Query.phrase_query(self.schema, node.fieldname, words, slop=slop)
        if isinstance(node, wq.PatternQuery | wq.TermRange):
            terms = self.expand(node)
            if not terms:
                return Query.empty_query()
            return Query.boolean_query(
                [(Occur.Should, self._term(node.fieldname, term)) for term in terms]
            )
        raise QueryError(
            "the query uses a kind of search this archive's engine does not offer "
            f"({type(node).__name__}); rewrite it with words, phrases and fields"
        )

    def _matches(self, query: tantivy.Query) -> bool:
        return bool(self.searcher.search(query, 1, count=False).hits)

    def _term(self, fieldname: str, text: Any) -> tantivy.Query:
        if fieldname in NUMBER_FIELDS:
            raise QueryError(f"{fieldname}: needs a date or a range of dates")
        if fieldname not in TEXT_FIELDS + KEYWORD_FIELDS:
            raise QueryError(f"this archive's search engine has no field {fieldname}:")
        if isinstance(text, bytes):
            text = text.decode("utf-8")
        return tantivy.Query.term_query(self.schema, fieldname, str(text))

    def _range(self, node: Any) -> tantivy.Query:
        if node.fieldname not in ("published", "moment"):
            raise QueryError(f"{node.fieldname}: cannot take a range of numbers")
        query = tantivy.Query.range_query(
            self.schema,
            node.fieldname,
            tantivy.FieldType.Integer,
            int(node.start) if node.start is not None else None,
            int(node.end) if node.end is not None else None,
            include_lower=not node.startexcl,
            include_upper=not node.endexcl,
        )
        boost = float(getattr(node, "boost", 1.0) or 1.0)
        # Whoosh scores a date range as a constant (its boost).
        return tantivy.Query.const_score_query(query, boost)

    def expand(self, node: Any, *, first: int | None = None) -> list[str]:
        """The terms a prefix, a wildcard or a range of words stands for in the index,
        at most ``PREFIX_TERMS`` of them (the most frequent; noted), or with ``first``
        the first so many in the index's (alphabetical) order."""
        if node.fieldname in NUMBER_FIELDS:
            raise QueryError(f"{node.fieldname}: needs a date or a range of dates")
        keep: Callable[[str], Any] | None = None
        if isinstance(node, wq.Prefix):
            prefix = str(node.text)
        elif isinstance(node, wq.Wildcard):
            pattern = str(node.text)
            prefix = re.split(r"[*?\[]", pattern, maxsplit=1)[0]
            compiled = re.compile(fnmatch.translate(pattern))
            keep = compiled.match
        elif isinstance(node, wq.TermRange):
            prefix = ""
            low, high = node.start, node.end

            def within(term: str) -> bool:
                above = low is None or (term > low if node.startexcl else term >= low)
                below = high is None or (term < high if node.endexcl else term <= high)
                return above and below

            keep = within
        else:
            raise QueryError(
                f"the query uses a pattern this archive's engine does not offer ({node!r})"
            )
        found = self.searcher.terms_with_prefix(node.fieldname, prefix)
        if keep is not None:
            found = [(term, freq) for term, freq in found if keep(term)]
        if first is not None:
            return [term for term, _freq in found[:first]]
        if len(found) > PREFIX_TERMS:
            shown = str(node.text) + ("*" if isinstance(node, wq.Prefix) else "")
            self._notes[shown] = (
                f"{shown} stands for more than {PREFIX_TERMS} words; "
                f"searched the {PREFIX_TERMS} most common"
            )
            found = sorted(found, key=lambda pair: (-pair[1], pair[0]))[:PREFIX_TERMS]
        return [term for term, _freq in found]
