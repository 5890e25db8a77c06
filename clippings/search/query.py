"""The query language users type, turned into Whoosh queries.

Words, "exact phrases", AND / OR / NOT and -word, prefix*, and the fields
``title:`` ``outlet:`` ``author:`` ``tag:`` ``lang:`` ``published:``.

Dates are handled here rather than by Whoosh's date plugin, which gets inclusive
ranges wrong: ``published:2021-07`` is the whole month, and in
``published:[2021-07-01 to 2021-07-31]`` both ends are whole days, included. A date
is the source's own calendar day (an article of 25 July 02:00 +05:00 is of the 25th).

An unknown field or an unreadable date raises ``QueryError``; nothing is silently
reinterpreted.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Sequence
from datetime import date
from typing import Any

from whoosh import query as wq
from whoosh.fields import NUMERIC
from whoosh.qparser import (
    AndGroup,
    FieldAliasPlugin,
    GtLtPlugin,
    MultifieldParser,
    PlusMinusPlugin,
)
from whoosh.qparser.common import QueryParserError

from clippings.model import QueryError, SearchFilters

#: What users type before the colon -> the index field.
USER_FIELDS = {
    "title": "title",
    "text": "text",
    "outlet": "outlet",
    "author": "author",
    "tag": "tags",
    "tags": "tags",
    "lang": "language",
    "language": "language",
    "published": "published",
    "date": "published",
    "speaker": "speakers",
}

#: Fields searched by words without a field, and their weights.
DEFAULT_FIELDS = ("title", "text", "outlet", "author")
FIELD_BOOSTS = {"title": 3.0, "text": 1.0, "outlet": 1.5, "author": 1.5}

_DATE = re.compile(r"^(\d{4})(?:[-/.](\d{1,2})(?:[-/.](\d{1,2}))?)?$")
_FIELD_USE = re.compile(r"(?<![\w.])([A-Za-z_]\w*):")
_QUOTED = re.compile(r'"[^"]*"?')
_TAG_USE = re.compile(r'(?<![\w.])tags?:("[^"]*"|[^\s()]+)', re.IGNORECASE)
_SPEAKER_USE = re.compile(r'(?<![\w.])speaker:("[^"]*"|[^\s()]+)', re.IGNORECASE)
_OUTLET_USE = re.compile(r'(?<![\w.])outlet:("[^"]*"|[^\s()]+)', re.IGNORECASE)
_LANG_USE = re.compile(r'(?<![\w.])(?:lang|language):("[^"]*"|[^\s()]+)', re.IGNORECASE)
#: A web address as an outlet's name: "reuters.com", "www.bbc.co.uk", "https://cnn.com/".
_WEB_ADDRESS = re.compile(r"^(?:https?://)?(?:www\.)?((?:[\w-]+\.)+[a-z]{2,})/?$", re.IGNORECASE)
_SECOND_LEVEL = {"co", "com", "org", "net", "gov", "ac", "edu", "ne", "or", "gv"}
#: The index field of whole outlet names (``outlet_token``), beside the ``outlet`` words.
OUTLET_NAME_FIELD = "outlet_name"


def day_number(value: date) -> int:
    return value.year * 10000 + value.month * 100 + value.day


def date_span(text: str) -> tuple[int, int]:
    """The first and last day that ``2021``, ``2021-07`` or ``2021-07-25`` covers.

    Raises:
        QueryParserError: not such a date (Whoosh turns this into an error query).
    """
    match = _DATE.match(text.strip())
    if not match:
        raise QueryParserError(
            f"cannot read the date {text.strip()!r}: write it as 2021, 2021-07 or 2021-07-25"
        )
    year = int(match.group(1))
    month = int(match.group(2)) if match.group(2) else None
    day = int(match.group(3)) if match.group(3) else None
    try:
        if month is None:
            return day_number(date(year, 1, 1)), day_number(date(year, 12, 31))
        if day is None:
            last = calendar.monthrange(year, month)[1]
            return day_number(date(year, month, 1)), day_number(date(year, month, last))
        exact = day_number(date(year, month, day))
    except ValueError as error:
        raise QueryParserError(f"{text.strip()!r} is not a date on the calendar") from error
    return exact, exact


class DayField(NUMERIC):  # type: ignore[misc]
    """A calendar day stored as the number yyyymmdd, parsed from the user's dates."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(numtype=int, bits=32, **kwargs)

    def self_parsing(self) -> bool:
        return True

    def parse_query(self, fieldname: str, qstring: str, boost: float = 1.0) -> Any:
        first, last = date_span(qstring)
        return wq.NumericRange(fieldname, first, last, boost=boost, constantscore=True)

    def parse_range(
        self,
        fieldname: str,
        start: str | None,
        end: str | None,
        startexcl: bool,
        endexcl: bool,
        boost: float = 1.0,
    ) -> Any:
        low = high = None
        if start and start.strip():
            first, last = date_span(start)
            low = last + 1 if startexcl else first
        if end and end.strip():
            first, last = date_span(end)
            high = first - 1 if endexcl else last
        if low is None and high is None:
            raise QueryParserError("a date range needs at least one end: [2021-07-01 to ]")
        # Whoosh mishandles open-ended numeric ranges: close them at the calendar's ends.
        low = 101 if low is None else low
        high = 99991231 if high is None else high
        if low > high:
            raise QueryParserError("the date range ends before it starts")
        return wq.NumericRange(fieldname, low, high, boost=boost, constantscore=True)


def tag_token(name: str) -> str:
    """How a tag name is stored in the index: one token, case-folded, no spaces."""
    return name.strip().strip("/").casefold().replace(" ", "_")


def outlet_token(name: str) -> str:
    """How an outlet's whole name is stored as one index token, and how ``outlet:`` finds
    it: case-folded, its words joined by "_" ("Thomson Reuters Foundation" ->
    ``thomson_reuters_foundation``). ``outlet:Reuters`` finds "Reuters" and "REUTERS",
    never "Thomson Reuters Foundation"; punctuation is not part of a name ("Reuters." is
    "Reuters"). The token has only word characters and "_", so it passes any query parser.
    """
    import unicodedata

    folded = unicodedata.normalize("NFKC", name).casefold()
    return "_".join(re.findall(r"[^\W_]+", folded))


def outlet_tokens(name: str | None) -> list[str]:
    """Every token an outlet is indexed under: its whole name and, for a web address,
    also the address without "www." and the site's name ("www.reuters.com" is found by
    ``outlet:reuters`` and ``outlet:reuters.com``; "news.bbc.co.uk" by ``outlet:bbc``)."""
    if not name or not outlet_token(name):
        return []
    tokens = [outlet_token(name)]
    address = _WEB_ADDRESS.match(name.strip())
    if address:
        labels = address.group(1).lower().split(".")
        second_level = len(labels) >= 3 and labels[-2] in _SECOND_LEVEL
        site = labels[-3] if second_level else labels[-2]
        for token in (outlet_token(address.group(1)), outlet_token(site)):
            if token and token not in tokens:
                tokens.append(token)
    return tokens


def speaker_token(name: str) -> str:
    """How a speaker is stored in the index: the last name, case and accents folded
    ("Anatoly Antonov" and "antonov" are the same speaker)."""
    import unicodedata

    words = re.findall(r"[^\W\d_][\w'’-]*", name)
    last = words[-1] if words else name.strip()
    folded = unicodedata.normalize("NFKD", last.casefold())
    return "".join(c for c in folded if not unicodedata.combining(c))


def _rewrite_speakers(text: str) -> str:
    def replace(match: re.Match[str]) -> str:
        value = match.group(1).strip('"')
        if not value.strip():
            raise QueryError("speaker: needs a name, as in speaker:antonov")
        return f"speakers:{speaker_token(value)}"

    return _SPEAKER_USE.sub(replace, text)


def _rewrite_tags(text: str) -> str:
    """``tag:"Russia/US relations"`` -> ``tags:russia/us_relations`` (one token)."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(1).strip('"')
        if not value.strip():
            raise QueryError('tag: needs a tag name, as in tag:Russia or tag:"US relations"')
        return f"tags:{tag_token(value)}"

    return _TAG_USE.sub(replace, text)


def outlet_index_tokens(name: str | None, other_names: Sequence[str] = ()) -> list[str]:
    """Every token a clipping's outlet is indexed under: its name's, then its other
    names' and sites' (``outlet:bbc`` finds an outlet once called "BBC", now "BBC News",
    and ``outlet:theguardian.com`` its pages whatever they declared)."""
    tokens: list[str] = []
    for each in (name, *other_names):
        tokens.extend(t for t in outlet_tokens(each) if t not in tokens)
    return tokens


def _rewrite_outlets(text: str) -> str:
    """``outlet:"Thomson Reuters"`` -> ``outlet_name:thomson_reuters`` (the whole name);
    ``outlet:reut*`` -> names that begin so."""

    def replace(match: re.Match[str]) -> str:
        raw = match.group(1)
        value = raw.strip('"')
        prefix = not raw.startswith('"') and value.endswith("*")
        token = outlet_token(value.rstrip("*") if prefix else value)
        if not token:
            raise QueryError('outlet: needs a name, as in outlet:Reuters or outlet:"Le Monde"')
        return f"{OUTLET_NAME_FIELD}:{token}{'*' if prefix else ''}"

    return _OUTLET_USE.sub(replace, text)


def _rewrite_languages(text: str) -> str:
    """``lang:DE`` -> ``language:de``: language codes are stored in lower case."""

    def replace(match: re.Match[str]) -> str:
        value = match.group(1).strip('"').strip()
        if not value:
            raise QueryError("lang: needs a language code, as in lang:en")
        return f"language:{value.casefold()}"

    return _LANG_USE.sub(replace, text)


def rewrite(text: str) -> str:
    """A user's query with the exact filters (tag, outlet, language, speaker) turned
    into the index's single tokens, before any engine parses it."""
    return _rewrite_languages(_rewrite_outlets(_rewrite_speakers(_rewrite_tags(text))))


def check_fields(text: str) -> None:
    """Raise QueryError for a ``field:`` that the archive does not have."""
    unquoted = _QUOTED.sub(" ", text)
    for match in _FIELD_USE.finditer(unquoted):
        name = match.group(1)
        if name.lower() not in USER_FIELDS:
            known = ", ".join(
                f"{f}:"
                for f in ("title", "outlet", "author", "tag", "lang", "published", "speaker")
            )
            raise QueryError(
                f"unknown field {name}: in the query (the fields are {known}); "
                f'to search for the text itself, put it in quotes: "{name}:…"'
            )


def _join_fields(text: str) -> str:
    """``title: bridge`` read as ``title:bridge`` (outside quotes: a phrase stays as typed)."""
    parts = re.split(r'("[^"]*")', text)
    return "".join(
        part if part.startswith('"') else re.sub(r"(?<![\w.])([A-Za-z_]\w*):\s+", r"\1:", part)
        for part in parts
    )


def check_shape(text: str) -> None:
    """Raise QueryError for what Whoosh's parser would quietly read as something else:
    a quote or bracket left open (``title:(``), a bracket never opened, a field with
    nothing after it (``tag:``). Whoosh answers those with no result, not an error."""
    if text.count('"') % 2:
        raise QueryError('a quote is opened and never closed: end the phrase with "')
    unquoted = _QUOTED.sub(" phrase ", text)
    depth = 0
    for char in unquoted:
        if char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
            if depth < 0:
                raise QueryError("a bracket is closed that was never opened: remove the )")
    if depth > 0:
        raise QueryError("a bracket is opened and never closed: close it with )")
    for match in _FIELD_USE.finditer(unquoted):
        rest = unquoted[match.end() :].lstrip()
        if not rest or rest.startswith(")"):
            name = match.group(1).lower()
            raise QueryError(
                f"{name}: needs something to look for right after it, as in {name}:climate"
            )


def make_parser(schema: Any) -> Any:
    parser = MultifieldParser(
        list(DEFAULT_FIELDS), schema, fieldboosts=FIELD_BOOSTS, group=AndGroup
    )
    parser.add_plugin(
        FieldAliasPlugin(
            {
                "tags": ["tag"],
                "language": ["lang"],
                "published": ["date"],
            }
        )
    )
    # "-word" excludes a word, but only at the start of one: "e-mail" and dates stay whole.
    parser.add_plugin(PlusMinusPlugin(minusexpr=r"(?<![^\s(])-"))
    parser.remove_plugin_class(GtLtPlugin)
    return parser


def parse(text: str, schema: Any) -> Any:
    """The Whoosh query for a user's query string.

    Raises:
        QueryError: an unknown field, an unreadable date, an empty query.
    """
    if not text.strip():
        raise QueryError("the query is empty: type some words to search for")
    check_fields(text)
    check_shape(text)
    rewritten = rewrite(_join_fields(text))
    # Lower-case field names: "Title:" means title:.
    rewritten = _FIELD_USE.sub(lambda m: m.group(1).lower() + ":", rewritten)
    try:
        parsed = make_parser(schema).parse(rewritten, normalize=False)
        _raise_errors(parsed)
        parsed = parsed.normalize()
    except QueryError:
        raise
    except (
        IndexError,
        ValueError,
        TypeError,
        AttributeError,
        RecursionError,
        NotImplementedError,
    ) as error:
        # Whoosh's parser trips over some operator sequences ("NOT OR", a lone minus in
        # brackets: "0(-)"); that is a query the user can fix, not a fault of the archive.
        raise QueryError(
            "the query cannot be understood: put words between AND, OR and NOT, and "
            "close every bracket and quote"
        ) from error
    if parsed is wq.NullQuery:
        raise QueryError("the query has nothing to search for")
    return parsed


def _raise_errors(node: Any) -> None:
    error = getattr(node, "error", None)
    if error:
        raise QueryError(str(error))
    for child in node.children() if hasattr(node, "children") else ():
        _raise_errors(child)


def _quoted(value: str) -> str:
    return '"' + value.replace('"', " ").strip() + '"'


def filter_query(filters: SearchFilters) -> str:
    """The query-language form of the window's filters ("" when there are none)."""
    parts = []
    if filters.date_from or filters.date_to:
        start = filters.date_from.isoformat() if filters.date_from else ""
        end = filters.date_to.isoformat() if filters.date_to else ""
        parts.append(f"published:[{start} to {end}]")
    if filters.outlet:
        parts.append(f"outlet:{_quoted(filters.outlet)}")
    if filters.language:
        parts.append(f"lang:{filters.language.strip().lower()}")
    if filters.tag:
        parts.append(f"tag:{_quoted(filters.tag)}")
    return " ".join(parts)


def combine(text: str, filters: SearchFilters) -> str:
    """A user's query narrowed by the filters."""
    narrowing = filter_query(filters)
    if not text.strip():
        return narrowing
    if not narrowing:
        return text
    return f"({text}) {narrowing}"
