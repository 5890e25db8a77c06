"""A search as PostgreSQL full text: the Whoosh parse tree of the project's query
language (``query.parse``) translated node by node into one ``tsquery`` per language
configuration, and SQL for what a ``tsquery`` cannot say (date ranges).

How a document is indexed (see ``postgres_index``): a weighted ``tsvector`` per
clipping, made with the configuration of the clipping's language (title ``A``, outlet
``B``, author ``C``, text ``D``), plus position-less keys for the exact filters
(``tag:…``, ``speaker:…``, ``outlet:…``, ``lang:…``) and the configuration itself
(``cfg:german``): ``body`` holds it all, ``head`` the title, outlet, author, keys and the
text's first words. A part of a query on the title, outlet or author only is looked up
in ``head`` (its weights are checked in a small vector kept in the row, not in the
whole text's); the rest in ``body``; parts on one column make one ``tsquery``.

How a query finds documents of several languages: every word is looked up under each
configuration the index uses, and each configuration's query is joined to its key,
``('cfg:german' & Q_german) | ('cfg:english' & Q_english) | …``, one ``tsquery`` and one
GIN scan. So a German clipping is searched with German stems and German stop words only,
exactly as if the archive held German alone (``Häusern`` finds ``Häuser``; ``die`` is a
stop word for it but still a word for an English clipping), and a stop word is left out
of its own language's query as PostgreSQL's ``plainto_tsquery`` does.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from itertools import product
from typing import Any

from whoosh import query as wq
from whoosh.analysis import CharsetFilter, LowercaseFilter, RegexTokenizer
from whoosh.fields import TEXT
from whoosh.support.charset import accent_map

from clippings.model import QueryError
from clippings.search.analysis import WORD_PATTERN, UnspacedBigramFilter
from clippings.search.fast_terms import WORD

#: Text fields and their weight labels in the document's ``tsvector``.
WEIGHTS = {"title": "A", "outlet": "B", "author": "C", "text": "D"}
ALL_LABELS = "ABCD"
#: Exact filters stored as keys (position-less lexemes) in the ``tsvector``.
KEY_PREFIX = {
    "tags": "tag:",
    "speakers": "speaker:",
    "outlet_name": "outlet:",
    "language": "lang:",
}
CONFIG_KEY = "cfg:"
#: A dated clipping's year, month and day as keys (``date:2012``, ``date:201201``,
#: ``date:20120105``): a range of dates beside words is part of their tsquery.
DATE_KEY = "date:"
#: A range needing more keys than this (centuries) is compared with the date column.
DATE_KEYS_AT_MOST = 400
#: A wildcard inside a word (``te?t``, ``*ummit``) stands for at most this many of the
#: index's words (the first in alphabetical order; the result says so).
WILDCARD_WORDS = 64
#: A phrase with slop (``"a b c"~3``) is spelled out as every spacing of its words up
#: to this many; a longer one is searched as all of its words.
SLOP_SPELLED_OUT = 16
NUMBER_FIELDS = ("published", "moment", "id", "revision")
#: What a ``Ts`` part's column names in SQL (``pairs`` is the expression of its index).
COLUMNS = {"body": "d.body", "head": "d.head", "pairs": "clippings_pairs(d.body)"}

#: Lexemes of a string under one configuration: (lexeme, positions), as to_tsvector gives.
Lexemes = tuple[tuple[str, tuple[int, ...]], ...]


class _Skip:
    """A part of the query left out for one configuration (only stop words)."""

    def __repr__(self) -> str:
        return "SKIP"


class _Nothing:
    def __repr__(self) -> str:
        return "NOTHING"


SKIP = _Skip()
NOTHING = _Nothing()
#: A configuration's query: tsquery text, or left out, or matching nothing.
Expr = str | _Skip | _Nothing


def plain_analyzer() -> Any:
    """The project's words without stemming: lower-cased, unspaced scripts as bigrams,
    accents folded. PostgreSQL stems them with each clipping's own configuration."""
    return (
        RegexTokenizer(WORD_PATTERN)
        | LowercaseFilter()
        | UnspacedBigramFilter()
        | CharsetFilter(accent_map)
    )


@functools.lru_cache(maxsize=200_000)
def plain_word(word: str) -> str:
    """One word's tokens (see ``plain_analyzer``), separated by spaces."""
    return " ".join(t.text for t in _analyzer()(word) if t.text)


@functools.cache
def _analyzer() -> Any:
    return plain_analyzer()


def plain_text(text: str) -> str:
    """A text as the tokens PostgreSQL's parser reads, one word each, in order."""
    return " ".join(filter(None, map(plain_word, WORD.findall(text))))


@functools.cache
def query_schema() -> Any:
    """The Whoosh schema the query parser reads: the index's, with text fields that do
    not stem (the server stems each word per language)."""
    from clippings.search.whoosh_index import make_schema

    schema = make_schema()
    for name in WEIGHTS:
        schema.remove(name)
        schema.add(name, TEXT(analyzer=plain_analyzer(), phrase=True, multitoken_query="phrase"))
    return schema


def quote(lexeme: str) -> str:
    """A lexeme as a tsquery literal."""
    return "'" + lexeme.replace("\\", "\\\\").replace("'", "''") + "'"


@dataclass
class Sql:
    """A condition on the row ``d`` (a date range, or a tsquery that had to meet one)."""

    text: str
    #: The same condition written so that the planner filters the rows a full-text
    #: condition beside it found, rather than reading its own index for them: the
    #: planner does not reckon what reading each row's tsvector costs, and would
    #: rather read every clipping of a year's tsvector than look a word up.
    beside_words: str | None = None
    #: Whether it holds a full-text condition (a GIN index finds its rows).
    words: bool = False


@dataclass
class Ts:
    """A full-text condition: each configuration's tsquery, on the column ``column``
    (``body``: everything; ``head``: the title, outlet, author and the text's first
    words, small and kept in the row; ``pairs``: the pairs of neighbouring words of
    ``body``, and its keys; None: any, as for the exact filters)."""

    by_config: dict[str, Expr]
    column: str | None = "body"


Part = Sql | Ts


@dataclass
class Translation:
    """What a query became: the WHERE condition, its parameters, the tsquery ranking
    the matches, and notes for the user."""

    where: str
    params: dict[str, Any]
    rank: str
    notes: tuple[str, ...]
    matches_nothing: bool = False


def text_strings(node: Any) -> set[str]:
    """The strings whose lexemes a query needs (words and phrases of the text fields)."""
    found: set[str] = set()
    for leaf in node.leaves():
        if getattr(leaf, "fieldname", None) not in WEIGHTS:
            continue
        if isinstance(leaf, wq.Phrase):
            found.add(" ".join(str(w) for w in leaf.words))
            found.update(str(w) for w in leaf.words)
        elif isinstance(leaf, wq.Term) and not isinstance(leaf, wq.PatternQuery):
            text = leaf.text
            found.add(text.decode("utf-8") if isinstance(text, bytes) else str(text))
    return found


@dataclass
class Translator:
    """A Whoosh query tree as SQL and tsqueries, for the configurations ``configs``.

    Args:
        configs: the configurations the index uses.
        lexemes: (configuration, string) -> the lexemes of the string.
    """

    configs: tuple[str, ...]
    lexemes: Callable[[str, str], Lexemes]
    #: a wildcard pattern -> the index's words it stands for (at most ``WILDCARD_WORDS``
    #: of them) and whether there are more; a pattern missing here is searched by its
    #: beginning.
    wildcards: dict[str, tuple[tuple[str, ...], bool]] = field(default_factory=dict)
    params: dict[str, Any] = field(default_factory=dict)
    _notes: dict[str, str] = field(default_factory=dict)
    _rank: set[str] = field(default_factory=set)
    #: word -> the configurations for which it is a stop word (left out)
    _stopped: dict[str, list[str]] = field(default_factory=dict)

    def translate(self, node: Any) -> Translation:
        part = self._node(node, negated=False)
        where = self._sql(part, context="top")
        rank = " | ".join(sorted(self._rank))
        if where is None:
            return Translation("false", self.params, rank, self.notes, matches_nothing=True)
        return Translation(where, self.params, rank, self.notes)

    @property
    def notes(self) -> tuple[str, ...]:
        stopped = []
        for word, configs in self._stopped.items():
            names = sorted(c.replace("_", " ").capitalize() for c in set(configs))
            languages = names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]
            stopped.append(
                f"“{word}” is too common a word in {languages} to search for; "
                f"left out for clippings in {'that language' if len(names) == 1 else 'those'}"
            )
        return (*self._notes.values(), *stopped)

    # --- Nodes --------------------------------------------------------------------------

    def _node(self, node: Any, *, negated: bool) -> Part:
        if node is wq.NullQuery or isinstance(node, type(wq.NullQuery)):
            return self._same(NOTHING)
        if isinstance(node, wq.Every):
            return Ts({c: quote(CONFIG_KEY + c) for c in self.configs}, None)
        if isinstance(node, wq.Not):
            return self._not(self._node(node.query, negated=not negated))
        if isinstance(node, wq.AndNot):
            return self._and(
                [
                    self._node(node.a, negated=negated),
                    self._not(self._node(node.b, negated=not negated)),
                ]
            )
        if isinstance(node, wq.AndMaybe):
            # The optional side only ranks: it is in the ranking query, not the match.
            self._node(node.b, negated=negated)
            return self._node(node.a, negated=negated)
        if isinstance(node, wq.Require):
            required = self._node(node.b, negated=True)  # matched, not ranked
            return self._and([self._node(node.a, negated=negated), required])
        if isinstance(node, wq.Otherwise):
            return self._node(node.a, negated=negated)
        if isinstance(node, wq.And):
            return self._and([self._node(child, negated=negated) for child in node.subqueries])
        if isinstance(node, wq.Or):
            merged = self._default_fields(node, negated=negated)
            if merged is not None:
                return merged
            return self._or([self._node(child, negated=negated) for child in node.subqueries])
        if isinstance(node, wq.ConstantScoreQuery):
            return self._node(node.child, negated=negated)
        if isinstance(node, wq.NumericRange):
            return self._range(node)
        return self._leaf(node, self._labels(node), negated=negated)

    def _labels(self, node: Any) -> str:
        fieldname = getattr(node, "fieldname", None)
        if fieldname in NUMBER_FIELDS:
            raise QueryError(f"{fieldname}: needs a date or a range of dates")
        if fieldname in WEIGHTS:
            return WEIGHTS[fieldname]
        if fieldname in KEY_PREFIX:
            return ""
        raise QueryError(f"this archive's search engine has no field {fieldname}:")

    def _default_fields(self, node: Any, *, negated: bool) -> Part | None:
        """A word or phrase without a field (an OR of the same leaf on the text fields)
        as one leaf on those fields' weights."""
        children = list(node.subqueries)
        if len(children) < 2 or not all(
            type(c) is type(children[0]) and getattr(c, "fieldname", None) in WEIGHTS
            for c in children
        ):
            return None
        keys = {_leaf_key(c) for c in children}
        if len(keys) != 1 or None in keys:
            return None
        labels = "".join(sorted({WEIGHTS[c.fieldname] for c in children}))
        return self._leaf(children[0], labels, negated=negated)

    def _leaf(self, node: Any, labels: str, *, negated: bool) -> Part:
        fieldname = node.fieldname
        if fieldname in KEY_PREFIX:
            return Ts(dict.fromkeys(self.configs, self._key(node, KEY_PREFIX[fieldname])), None)
        part = self._text_leaf(node, labels, negated=negated)
        if isinstance(part, Ts) and labels and "D" not in labels:
            # The title, outlet and author are whole in the head: its small tsvector
            # is checked for their weights, not the whole text's.
            part.column = "head"
        return part

    def _text_leaf(self, node: Any, labels: str, *, negated: bool) -> Part:
        if isinstance(node, wq.Prefix):
            return self._same(self._prefix(str(node.text), labels, negated))
        if isinstance(node, wq.Wildcard) and str(node.text) in self.wildcards:
            return self._same(self._wildcard(str(node.text), labels, negated))
        if isinstance(node, wq.Wildcard):
            start = _literal_start(str(node.text))
            self._notes[str(node.text)] = (
                f"{node.text} is searched as {start}* (this archive's server finds "
                "words by how they begin)"
            )
            return self._same(self._prefix(start, labels, negated))
        if isinstance(node, wq.TermRange):
            raise QueryError(
                "this archive's server cannot search a range of words; search for the "
                "words themselves"
            )
        if isinstance(node, wq.Phrase):
            words = [str(w) for w in node.words]
            if not words:
                return self._same(NOTHING)
            slop = int(node.slop or 1)
            if slop > 1 and len(words) > 1 and slop ** (len(words) - 1) <= SLOP_SPELLED_OUT:
                return self._phrase(" ".join(words), labels, negated, slop)
            if slop > 1 and len(words) > 1:
                self._notes[f"~{slop}"] = (
                    f'"{" ".join(words)}"~{slop} is searched as all of its words, '
                    "anywhere in the clipping"
                )
                return self._and([self._word(w, labels, negated) for w in words])
            return self._phrase(" ".join(words), labels, negated)
        if isinstance(node, wq.Term):
            text = node.text.decode("utf-8") if isinstance(node.text, bytes) else str(node.text)
            return self._word(text, labels, negated)
        raise QueryError(
            "the query uses a kind of search this archive's engine does not offer "
            f"({type(node).__name__}); rewrite it with words, phrases and fields"
        )

    def _key(self, node: Any, prefix: str) -> Expr:
        if isinstance(node, wq.Prefix):
            return quote(prefix + str(node.text)) + ":*"
        if isinstance(node, wq.Wildcard):
            return quote(prefix + _literal_start(str(node.text))) + ":*"
        if isinstance(node, wq.Term) and not isinstance(node, wq.PatternQuery):
            text = node.text.decode("utf-8") if isinstance(node.text, bytes) else str(node.text)
            return quote(prefix + text)
        raise QueryError(f"{node.fieldname}: takes a name, as in tag:Russia")

    def _wildcard(self, pattern: str, labels: str, negated: bool) -> Expr:
        words, more = self.wildcards[pattern]
        if more:
            self._notes[pattern] = (
                f"{pattern} stands for more than {WILDCARD_WORDS} words; searched the "
                f"first {WILDCARD_WORDS} in alphabetical order"
            )
        if not words:
            return NOTHING
        label = _label(labels)
        expr = " | ".join(quote(word) + (f":{label}" if label else "") for word in words)
        if not negated:
            self._rank.add(" | ".join(quote(word) for word in words))
        return expr if len(words) == 1 else f"({expr})"

    def _prefix(self, text: str, labels: str, negated: bool) -> Expr:
        expr = quote(text) + ":*" + _label(labels)
        if not negated:
            self._rank.add(expr)
        return expr

    def _word(self, text: str, labels: str, negated: bool) -> Part:
        # A word of several tokens (bigrams of an unspaced run) is a phrase of them.
        return self._phrase(text, labels, negated)

    def _phrase(self, text: str, labels: str, negated: bool, slop: int = 1) -> Part:
        by_config: dict[str, Expr] = {}
        #: each configuration's pairs of neighbouring words, where it has them
        pairs: dict[str, Expr] = {}
        exact = True  # the pairs alone decide (no phrase longer than two words)
        for config in self.configs:
            found = self.lexemes(config, text)
            if not found:
                by_config[config] = pairs[config] = SKIP
                if " " not in text:
                    self._stopped.setdefault(text, []).append(config)
                continue
            by_config[config] = _phrase_expr(found, labels, slop)
            if not negated:
                self._rank.add(" | ".join(sorted({quote(lexeme) for lexeme, _p in found})))
            joined = _pairs_expr(found, labels, slop)
            pairs[config] = SKIP if joined is None else joined[0]
            exact = exact and joined is not None and joined[1]
        if negated or all(isinstance(expr, _Skip) for expr in pairs.values()):
            # A word, a phrase without pairs to look up, or one left out (whose pairs
            # would have to be made for every row the rest of the query finds).
            return Ts(by_config)
        if exact:
            return Ts(pairs, "pairs")
        return self._and([Ts(pairs, "pairs"), Ts(by_config)])

    def _range(self, node: Any) -> Part:
        if node.fieldname != "published":
            raise QueryError(f"{node.fieldname}: cannot take a range of numbers")
        low = int(node.start) if node.start is not None else None
        high = int(node.end) if node.end is not None else None
        if low is not None and node.startexcl:
            low += 1
        if high is not None and node.endexcl:
            high -= 1
        keys = date_keys(low, high)
        if keys is not None:
            # Whole years, months and days, each a key of its clippings: one look-up
            # in the GIN index with the query's words, exact to the day.
            expr = " | ".join(quote(DATE_KEY + key) for key in keys) if keys else NOTHING
            if isinstance(expr, str) and len(keys) > 1:
                expr = f"({expr})"
            return Ts(dict.fromkeys(self.configs, expr), None)
        bounds = []
        if low is not None:
            bounds.append(f">= {self._param(low)}")
        if high is not None:
            bounds.append(f"<= {self._param(high)}")
        bounds.append("> 0")  # a clipping without a date is in no range

        def compared(column: str) -> str:
            return " AND ".join(f"{column} {bound}" for bound in bounds)

        return Sql(compared("d.published"), beside_words=compared("(d.published + 0)"))

    # --- Combining ----------------------------------------------------------------------

    def _same(self, expr: Expr) -> Ts:
        return Ts(dict.fromkeys(self.configs, expr))

    def _not(self, part: Part) -> Part:
        if isinstance(part, Sql):
            return Sql(f"NOT ({part.text})")  # a negation finds no rows through an index
        out: dict[str, Expr] = {}
        for config, expr in part.by_config.items():
            if isinstance(expr, _Skip):
                out[config] = SKIP
            elif isinstance(expr, _Nothing):
                out[config] = quote(CONFIG_KEY + config)
            else:
                out[config] = f"!({expr})"
        return Ts(out, part.column)

    def _by_column(
        self, parts: list[Part], merge: Callable[[Iterable[Expr]], Expr]
    ) -> tuple[list[Ts], list[Sql]]:
        """The full-text parts merged into one per column (those on either column join
        the first), and the SQL parts."""
        columns: dict[str | None, list[Ts]] = {}
        for part in parts:
            if isinstance(part, Ts):
                columns.setdefault(part.column, []).append(part)
        either = columns.pop(None, [])
        if either:
            first = next(iter(columns), None)
            columns.setdefault(first, []).extend(either)
        merged = [
            Ts({c: merge([t.by_config[c] for t in group]) for c in self.configs}, column)
            for column, group in columns.items()
        ]
        return merged, [p for p in parts if isinstance(p, Sql)]

    def _and(self, parts: list[Part]) -> Part:
        merged, sqls = self._by_column(parts, _and_exprs)
        if not sqls and len(merged) <= 1:
            return merged[0] if merged else self._same(SKIP)
        conditions = []
        for each in merged:
            where = self._sql(each, context="and")
            if where is None:
                return Sql("false")
            if where != "true":
                conditions.append(where)
        words = any(_finds(each) for each in merged) or any(s.words for s in sqls)
        conditions += [(s.beside_words or s.text) if words else s.text for s in sqls]
        if not conditions:
            return Sql("true")
        return Sql(" AND ".join(f"({c})" for c in conditions), words=words)

    def _or(self, parts: list[Part]) -> Part:
        merged, sqls = self._by_column(parts, _or_exprs)
        if not sqls and len(merged) <= 1:
            return merged[0] if merged else self._same(NOTHING)
        conditions = []
        for each in merged:
            where = self._sql(each, context="or")
            if where == "true":
                return Sql("true")
            if where is not None:
                conditions.append(where)
        conditions += [s.text for s in sqls]
        if not conditions:
            return Sql("false")
        words = all(_finds(each) for each in merged) and all(s.words for s in sqls)
        return Sql(" OR ".join(f"({c})" for c in conditions), words=words)

    def _sql(self, part: Part, *, context: str) -> str | None:
        """A condition in SQL (None: matches nothing). A configuration whose query was
        left out (only stop words) matches its clippings inside an AND, none elsewhere."""
        if isinstance(part, Sql):
            return part.text
        groups: dict[str, list[str]] = {}
        for config in self.configs:
            expr = part.by_config.get(config, NOTHING)
            if isinstance(expr, _Skip):
                if context != "and":
                    continue
                expr = quote(CONFIG_KEY + config)
            if isinstance(expr, _Nothing):
                continue
            groups.setdefault(expr, []).append(config)
        if not groups:
            return None
        if len(groups) == 1 and len(next(iter(groups.values()))) == len(self.configs):
            [only] = groups
            if only == quote(CONFIG_KEY + self.configs[0]) and len(self.configs) == 1:
                return "true"
            tsquery = only
        else:
            branches = []
            for expr, configs in groups.items():
                keys = " | ".join(quote(CONFIG_KEY + c) for c in configs)
                if expr in {quote(CONFIG_KEY + c) for c in configs}:
                    branches.append(f"({keys})")
                else:
                    branches.append(f"(({keys}) & ({expr}))")
            tsquery = " | ".join(branches)
        column = COLUMNS[part.column or "body"]
        return f"{column} @@ CAST({self._param(tsquery)} AS tsquery)"

    def _param(self, value: Any) -> str:
        name = f"p{len(self.params)}"
        self.params[name] = value
        return f":{name}"


def _label(labels: str) -> str:
    return "" if not labels or set(labels) >= set(ALL_LABELS) else labels


def _phrase_expr(found: Lexemes, labels: str, slop: int = 1) -> str:
    """The lexemes of a word or phrase, in order, as a phrase (each field's weight on
    its own: a phrase never runs from the title into the text). With ``slop`` (Whoosh's:
    1 is "next to each other"), each gap may hold up to ``slop - 1`` more words."""
    at: dict[int, list[str]] = {}
    for lexeme, positions in found:
        for position in positions:
            at.setdefault(position, []).append(lexeme)
    ordered = sorted(at)
    gaps = [position - ordered[n] for n, position in enumerate(ordered[1:])]

    def chain(label: str, distances: Sequence[int]) -> str:
        pieces = []
        for number, position in enumerate(ordered):
            alternatives = [quote(lex) + (f":{label}" if label else "") for lex in at[position]]
            piece = alternatives[0] if len(alternatives) == 1 else f"({' | '.join(alternatives)})"
            if number:
                distance = distances[number - 1]
                pieces.append("<->" if distance == 1 else f"<{distance}>")
            pieces.append(piece)
        return " ".join(pieces)

    def spans(label: str) -> str:
        choices = [range(gap, gap + max(slop, 1)) for gap in gaps]
        chains = [chain(label, distances) for distances in product(*choices)]
        return chains[0] if len(chains) == 1 else " | ".join(f"({c})" for c in chains)

    if len(ordered) == 1 and len(at[ordered[0]]) == 1:
        [lexeme] = at[ordered[0]]
        return quote(lexeme) + (f":{_label(labels)}" if _label(labels) else "")
    if not _label(labels):
        if len(ordered) == 1:
            return spans("")
        labels = ALL_LABELS
    if len(labels) == 1:
        return f"({spans(labels)})"
    return "(" + " | ".join(f"({spans(label)})" for label in labels) + ")"


def date_keys_of(day: int) -> list[str]:
    """The keys (without ``DATE_KEY``) of a clipping published on ``day`` (yyyymmdd)."""
    if day <= 0:
        return []
    text = f"{day:08d}"
    return [text[:4], text[:6], text]


def date_keys(low: int | None, high: int | None) -> list[str] | None:
    """The fewest keys (years, months, days) covering the days ``low`` to ``high``
    (yyyymmdd); None when a bound is open, not a day, or the range needs more than
    ``DATE_KEYS_AT_MOST`` keys."""
    if low is None or high is None:
        return None
    try:
        day = date(low // 10_000, low // 100 % 100, low % 100)
        last = date(high // 10_000, high // 100 % 100, high % 100)
    except ValueError:
        return None
    keys: list[str] = []
    while day <= last:
        if len(keys) >= DATE_KEYS_AT_MOST:
            return None
        if day.month == 1 and day.day == 1 and date(day.year, 12, 31) <= last:
            keys.append(f"{day.year:04d}")
            if day.year == date.max.year:
                break
            day = date(day.year + 1, 1, 1)
            continue
        month_end = _month_end(day)
        if day.day == 1 and month_end <= last:
            keys.append(f"{day.year:04d}{day.month:02d}")
        else:
            keys.append(f"{day:%Y%m%d}")
            month_end = day
        if month_end == date.max:
            break
        day = month_end + timedelta(days=1)
    return keys


def _month_end(day: date) -> date:
    if day.month == 12:
        return date(day.year, 12, 31)
    return date(day.year, day.month + 1, 1) - timedelta(days=1)


def _finds(part: Ts) -> bool:
    """Whether a full-text condition finds its rows through its GIN index (a negation
    alone reads every row)."""
    return any(isinstance(e, str) and not e.startswith("!") for e in part.by_config.values())


def _pairs_expr(found: Lexemes, labels: str, slop: int) -> tuple[str, bool] | None:
    """A phrase's pairs of neighbouring words as a tsquery on ``clippings_pairs``, and
    whether they decide alone (a phrase of two words); None: no pairs to look up (a
    phrase with slop, in some fields only, or with no two words side by side)."""
    if slop != 1 or _label(labels):
        return None
    at: dict[int, str] = {}
    for lexeme, positions in found:
        for position in positions:
            if position in at:
                return None  # two lexemes at one position (not a plain phrase)
            at[position] = lexeme
    ordered = sorted(at)
    joined = [
        quote(f"{at[position]} {at[ordered[n + 1]]}")
        for n, position in enumerate(ordered[:-1])
        if ordered[n + 1] == position + 1
    ]
    if not joined:
        return None
    unique = list(dict.fromkeys(joined))
    expr = unique[0] if len(unique) == 1 else "(" + " & ".join(unique) + ")"
    return expr, len(ordered) == 2 and len(joined) == 1


def _and_exprs(exprs: Iterable[Expr]) -> Expr:
    kept = []
    for expr in exprs:
        if isinstance(expr, _Nothing):
            return NOTHING
        if isinstance(expr, str):
            kept.append(expr)
    if not kept:
        return SKIP
    if len(kept) == 1:
        return kept[0]
    return " & ".join(f"({e})" for e in kept)


def _or_exprs(exprs: Iterable[Expr]) -> Expr:
    kept: list[str] = []
    skipped = False
    for expr in exprs:
        if isinstance(expr, _Skip):
            skipped = True
        elif isinstance(expr, str) and expr not in kept:
            kept.append(expr)
    if not kept:
        return SKIP if skipped else NOTHING
    if len(kept) == 1:
        return kept[0]
    return " | ".join(f"({e})" for e in kept)


def _leaf_key(node: Any) -> tuple[Any, ...] | None:
    if isinstance(node, wq.Phrase):
        return ("phrase", tuple(str(w) for w in node.words), node.slop)
    if isinstance(node, wq.Term | wq.Prefix | wq.Wildcard):
        return (type(node).__name__, str(node.text))
    return None


def wildcard_patterns(node: Any) -> set[str]:
    """The wildcard patterns (``te?t``, ``su*it``) of a query's text fields."""
    return {
        str(leaf.text)
        for leaf in node.leaves()
        if isinstance(leaf, wq.Wildcard) and getattr(leaf, "fieldname", None) in WEIGHTS
    }


def wildcard_regex(pattern: str) -> str:
    """A wildcard pattern (``*`` any characters, ``?`` one, ``[abc]`` one of them) as a
    PostgreSQL regular expression matching a whole word."""
    out = []
    at = 0
    while at < len(pattern):
        char = pattern[at]
        if char == "*":
            out.append(".*")
        elif char == "?":
            out.append(".")
        elif char == "[" and "]" in pattern[at + 2 :]:
            end = pattern.index("]", at + 2)
            inside = pattern[at + 1 : end].replace("\\", "\\\\")
            out.append("[" + ("^" + inside[1:] if inside.startswith("!") else inside) + "]")
            at = end
        elif char.isalnum() or char == "_":
            out.append(char)
        else:
            out.append("\\" + char)
        at += 1
    return "^" + "".join(out) + "$"


def _literal_start(pattern: str) -> str:
    start = ""
    for char in pattern:
        if char in "*?[":
            break
        start += char
    if not start:
        raise QueryError(
            f"{pattern} begins with a wildcard: give at least the first letters of the word"
        )
    return start
