"""Datelines: the publication date (and time) printed at the head of a clipping.

``parse_dateline`` reads a line that *is* a dateline (``Published: May 3, 2013 at 7:31
AM ET``); ``find_date`` finds a date inside a longer line (``MOSCOW, July 25 (Reuters)
-``). Both read the shapes news sites print, in English, Russian, German, French,
Spanish, Italian and Portuguese, including text rebuilt from tokens (``08: 06AM``,
``8 / 2 / 13``, ``p. m.``) and times glued to dates (``05:05 GMT25 July 2021``).

What comes back follows ``clippings.model.Published``: an aware ``datetime`` in the
source's own offset when both a time and a zone (``GMT``, ``EDT``, ``PT``, ``UK``,
``GMT+05:00``...) are known; a plain ``date`` otherwise. A time without a zone is
dropped on purpose: guessing the zone would invent a precision the source lacks, and a
wrong offset can move the day.

Numeric dates: slashes are read month first (``8/2/13`` is 2 August, as US sites print
them) unless the first number cannot be a month, or the caller knows the year and month
the page's address gives (``/2010/09/``, ``url_month``) and only the day-first reading
agrees with it (``11/09/2010`` under it is 11 September, as European sites print it);
dots are read day first (``25.07.2021``, the European way); four-digit years first are
ISO (``2013-09-26``). A bare number is
never taken for a date, and a date without a year is only accepted when the caller
passes the year it expects (``reference_year``).

Regular expressions do the work (microseconds a line); dateparser, slow to import, is a
fallback for the rare line that has a day, a year and a month word we do not know.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta, timezone, tzinfo
from functools import lru_cache
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError


def _words(text: str) -> list[str]:
    """The words of ``text`` (long word lists read better as one string)."""
    return text.split()


def _wordset(text: str) -> frozenset[str]:
    """The words of ``text`` as a set."""
    return frozenset(text.split())


_MONTHS: dict[str, int] = {}


def _add_months(*names: str) -> None:
    for number, spellings in enumerate(names, start=1):
        for name in spellings.split():
            _MONTHS[name] = number


# English, Russian (genitive, nominative, short), German, French, Spanish, Italian,
# Portuguese; one string a month.
_add_months(
    "january jan январь января янв januar jänner jän janvier janv enero ene gennaio gen janeiro",
    "february feb февраль февраля фев февр februar februer février fevrier févr fevr febrero "
    "febbraio fevereiro fev",
    "march mar март марта märz maerz mär mrz mars marzo março marco",
    "april apr апрель апреля апр avril avr abril abr aprile",
    "may май мая mai mayo maggio mag maio",
    "june jun июнь июня июн juni juin junio giugno giu junho",
    "july jul июль июля июл juli juillet juil julio luglio lug julho",
    "august aug август августа авг août aout agosto ago",
    "september sep sept сентябрь сентября сен сент septembre septiembre setiembre settembre "
    "set setembro",
    "october oct октябрь октября окт oktober okt octobre octubre ottobre ott outubro out",
    "november nov ноябрь ноября ноя нояб novembre noviembre novembro",
    "december dec декабрь декабря дек dezember dez décembre decembre déc diciembre dic "
    "dicembre dezembro",
)
_ENGLISH_MONTHS = _words(
    "january february march april may june july august september october november december"
)

#: Zone abbreviations news sites print, as fixed offsets (hours) or IANA names (which
#: follow summer time on the day in question). "IST" is India's: the sites that print it
#: in English news are Indian far more often than Irish or Israeli.
_ZONES: dict[str, float | str] = {
    "GMT": 0, "UTC": 0, "UT": 0, "Z": 0, "WET": 0, "BST": 1, "IST": 5.5, "CET": 1,
    "CEST": 2, "MEZ": 1, "MESZ": 2, "EET": 2, "EEST": 3, "MSK": 3, "MSD": 4,
    "EST": -5, "EDT": -4, "CST": -6, "CDT": -5, "MST": -7, "MDT": -6, "PST": -8,
    "PDT": -7, "AKST": -9, "AKDT": -8, "HST": -10, "AST": -4, "ADT": -3, "NST": -3.5,
    "JST": 9, "KST": 9, "HKT": 8, "SGT": 8, "PHT": 8, "AWST": 8, "ACST": 9.5,
    "ACDT": 10.5, "AEST": 10, "AEDT": 11, "NZST": 12, "NZDT": 13, "PKT": 5, "WIB": 7,
    "ET": "America/New_York", "CT": "America/Chicago", "MT": "America/Denver",
    "PT": "America/Los_Angeles", "UK": "Europe/London", "МСК": "Europe/Moscow",
}  # fmt: skip

_WEEKDAYS = _wordset(
    "monday tuesday wednesday thursday friday saturday sunday mon tue tues wed thu thur "
    "thurs fri sat sun понедельник вторник среда среду четверг пятница пятницу суббота "
    "субботу воскресенье пн вт ср чт пт сб вс montag dienstag mittwoch donnerstag freitag "
    "samstag sonntag mo di mi do fr sa so lundi mardi mercredi jeudi vendredi samedi "
    "dimanche lunes martes miércoles jueves viernes sábado domingo"
)
#: Words a dateline may hold besides the date itself.
_DATELINE_WORDS = _WEEKDAYS | _wordset(
    "posted published updated update last first originally on at by the of date time am pm "
    "hrs hr h uhr um de del le à a mis jour publié publie modifié le du en el y "
    "публикация опубликовано обновлено обновление дата время от в г года гг "
    "veröffentlicht aktualisiert zuletzt stand am publicado actualizado pubblicato "
    "aggiornato il alle ore atualizado em às as created modified"
)
#: Dates after these words are not when the article was published.
_NOT_PUBLISHED = re.compile(
    r"(?:downloaded|retrieved|accessed|printed|saved|copied)\s+(?:on\s+)?$", re.IGNORECASE
)

_WORD = r"[^\W\d_]{2,}"
_ORD = r"(?:st|nd|rd|th|er|e|ème|го|-го)?"

# Day month year: "25 July 2021", "18th September 2013", "25. Juli 2021",
# "25 de julio de 2021", "25 июля 2021 г."
_DMY = re.compile(
    rf"(?<![\d.])(\d{{1,2}}){_ORD}\.?\s*(?:de\s+)?({_WORD})\.?,?\s+(?:de\s+|del\s+)?(\d{{4}})(?!\d)",
    re.IGNORECASE,
)
# Month day year: "July 25, 2021", "May. 3, 2013", "April 7th, 2012", "November 27 - 2005"
_MDY = re.compile(
    rf"\b({_WORD})\.?\s+(\d{{1,2}}){_ORD}(?:\s*,\s*|\s*-\s*|\s+)(\d{{4}})(?!\d)", re.IGNORECASE
)
# Year first: "2021-07-25", "2012.08.08", "2013/09/26"
_YMD = re.compile(r"(?<![\d.])(\d{4})([-./])(\d{1,2})\2(\d{1,2})(?![\d])")
# "25.07.2021", "08.07.12"
_DOTTED = re.compile(r"(?<![\d.])(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?![\d])")
# "8/2/13", "05/02/2013"
_SLASHED = re.compile(r"(?<![\d/])(\d{1,2})/(\d{1,2})/(\d{4}|\d{2})(?![\d/])")
# No year: "July 25", "Jul. 7", "25 July" (only with a reference year)
_MD = re.compile(rf"\b({_WORD})\.?\s+(\d{{1,2}}){_ORD}(?![\d:.])", re.IGNORECASE)
_DM = re.compile(rf"(?<![\d.:])(\d{{1,2}}){_ORD}\.?\s+(?:de\s+)?({_WORD})\b", re.IGNORECASE)

_TIME = re.compile(
    r"(?<![\d:])([01]?\d|2[0-3])[:h]([0-5]\d)(?::([0-5]\d))?(?:\.\d+)?(?![\d])"
    r"\s*(?:(am|pm|a|p)(?![^\W\d_]))?",
    re.IGNORECASE,
)
# "1052 GMT": a four-digit time is only a time when a zone follows.
_MILITARY_TIME = re.compile(r"(?<![\d:])([01]\d|2[0-3])([0-5]\d)(?=\s*(?:GMT|UTC|Z)\b)")
_ZONE = re.compile(
    r"\s*\(?\s*(?:([A-ZА-Я]{1,5})\b)?\s*(?:([+\-])(\d{1,2})(?::?(\d{1,2}))?)?\)?",
)


@dataclass(frozen=True)
class _Found:
    start: int
    end: int
    day: date


#: A year and month in a page's address: ``/2010/09/``, ``/2013-09-18/``.
_URL_MONTH = re.compile(r"/((?:19|20)\d\d)[/-](\d\d)(?:[/-]|$)")


def url_month(url: str | None) -> tuple[int, int] | None:
    """The year and month a page's address gives (``.../2010/09/kraft-shooting.html``,
    ``/2013-09-18/``), or None."""
    if not url:
        return None
    match = _URL_MONTH.search(url)
    if match is None:
        return None
    year, month = int(match.group(1)), int(match.group(2))
    return (year, month) if 1 <= month <= 12 else None


#: A whole date in a page's address: ``/2013/05/03/``, ``/2013-07-21/``, ``_2013_09_14_``,
#: ``/2013/aug/02/``, and eight digits set off by the address's own separators
#: (``-20120411``, ``ymd=20081216``).
_URL_DATE = re.compile(
    rf"(?<![^\W_])((?:19|20)\d\d)([/_-])(\d{{1,2}}|{_WORD})\2(\d{{1,2}})(?!\d)", re.IGNORECASE
)
_URL_COMPACT = re.compile(r"(?<=[/_=-])((?:19|20)\d\d)(\d\d)(\d\d)(?=$|[/_.&?#-])")
#: The earliest date an address is trusted to give: news sites began in the mid-1990s,
#: and an earlier "date" is an article number.
_URL_EARLIEST = date(1995, 1, 1)


def url_date(url: str | None, *, today: date | None = None) -> date | None:
    """The day a page's address gives (``ktla.com/2013/05/03/lohan-…``,
    ``theguardian.com/film/2013/aug/02/…``, ``rollingstone.com/…-sequel-20120411``), or
    None: only a whole, real date from 1995 to ``today``, so that an article number
    (``/20401724-thieves``) or a year and week (``/2013/38/``) is not read as one."""
    if not url:
        return None
    latest = today or date.today()
    path = url.split("://", 1)[-1].partition("/")[2]  # never the host
    found = [(m.group(1), m.group(3), m.group(4)) for m in _URL_DATE.finditer(path)]
    found += [(m.group(1), m.group(2), m.group(3)) for m in _URL_COMPACT.finditer(path)]
    for year, month, day in found:
        number = int(month) if month.isdigit() else _MONTHS.get(month.lower())
        if number is None:
            continue
        try:
            made = date(int(year), number, int(day))
        except ValueError:
            continue
        if _URL_EARLIEST <= made <= latest + timedelta(days=1):
            return made
    return None


def parse_dateline(
    line: str,
    *,
    reference_year: int | None = None,
    month_hint: tuple[int, int] | None = None,
) -> datetime | date | None:
    """The date (and time) of a line that is a dateline, or None when it is not one.

    A line is a dateline when, besides the date, time and zone, it holds only dateline
    words (``Posted``, ``Updated``, weekdays...) and at most three others (a city, an
    agency: ``WASHINGTON, DC, April 28, 2009``). With several dates (``Posted ...
    Updated ...``) the first wins.

    Args:
        line: one line of text.
        reference_year: the year to assume when the line has a day and month only.
        month_hint: the year and month the page's address gives (``url_month``): a
            slashed date that reads both ways is read the way that agrees with it.
    """
    if len(line) > 160:
        return None
    text = _normalise(line)
    found = _first_date(text, reference_year, month_hint)
    if found is None:
        fallback = _dateparser_fallback(text)
        return fallback
    when, spans = _with_time(text, found)
    rest = text
    for start, end in sorted(spans, reverse=True):
        rest = rest[:start] + " " + rest[end:]
    others = [
        word
        for word in re.findall(r"[^\W\d_]+", rest)
        if word.lower() not in _DATELINE_WORDS and len(word) > 1
    ]
    if len(others) > 3:
        return None
    return when


def find_date(
    text: str,
    *,
    reference_year: int | None = None,
    month_hint: tuple[int, int] | None = None,
) -> tuple[datetime | date, str] | None:
    """The first date in ``text`` (with its time when one is next to it); ``month_hint``
    as for ``parse_dateline``.

    Returns:
        The date, and the part of ``text`` it was read from; None when there is none (a
        day and month without a year count only when ``reference_year`` is given).
    """
    normalised = _normalise(text)
    found = _first_date(normalised, reference_year, month_hint)
    if found is None:
        return None
    when, spans = _with_time(normalised, found)
    start = min(s for s, _ in spans)
    end = max(e for _, e in spans)
    return when, normalised[start:end].strip(" ,")


# --- Normalising ----------------------------------------------------------------------


def _normalise(line: str) -> str:
    """Undo tokenised spacing and gluing: ``08: 06AM`` -> ``08:06AM``, ``GMT25`` -> ``GMT 25``."""
    s = line.replace("\u00a0", " ").replace("\u2009", " ").replace("\u202f", " ")
    s = s.replace("−", "-").replace("–", "-").replace("—", "-")
    s = re.sub(r"\b([ap])\s?\.\s?m\b\.?", r"\1m", s, flags=re.IGNORECASE)
    s = re.sub(r"(?<=\d) ?: ?(?=\d)", ":", s)
    # "02. 16PM", "22. 34 BST": a dotted time when a clock word or zone follows.
    s = re.sub(r"\b(\d{1,2})\. ?(\d\d) ?(?=(?:(?i:[ap]m|hrs?)|[A-Z]{2,4})\b)", r"\1:\2 ", s)
    s = re.sub(r"(?<=\d) ?/ ?(?=\d)", "/", s)
    s = re.sub(r"\b(\d{4}) ?- ?(\d{1,2}) ?- ?(\d{1,2})\b", r"\1-\2-\3", s)
    s = re.sub(r"\b(\d{1,4})\. ?(\d{1,2})\. ?(\d{2,4})\b", r"\1.\2.\3", s)
    # "GMT25 July": a zone glued to the day.
    s = re.sub(r"(?<=[^\W\d_]{2})(?=\d)", " ", s)
    return s


# --- Dates ----------------------------------------------------------------------------


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    number = _MONTHS.get(word)
    if number is not None:
        return number
    # A misspelt English month ("Novemer"): one letter off a full name.
    if len(word) >= 5:
        for index, name in enumerate(_ENGLISH_MONTHS, start=1):
            if name[:3] == word[:3] and _one_edit_apart(word, name):
                return index
    return None


def _one_edit_apart(a: str, b: str) -> bool:
    if abs(len(a) - len(b)) > 1:
        return False
    if len(a) == len(b):
        return sum(x != y for x, y in zip(a, b, strict=True)) <= 1
    short, long = (a, b) if len(a) < len(b) else (b, a)
    return any(long[:i] + long[i + 1 :] == short for i in range(len(long)))


def _year(text: str) -> int:
    year = int(text)
    if len(text) == 2:
        year += 2000 if year < 70 else 1900
    return year


def _make(year: int, month: int, day: int) -> date | None:
    if not 1900 <= year <= 2100:
        return None
    try:
        return date(year, month, day)
    except ValueError:
        return None


def _candidates(
    text: str, reference_year: int | None, month_hint: tuple[int, int] | None = None
) -> list[_Found]:
    found: list[_Found] = []

    def add(match: re.Match[str], made: date | None) -> None:
        if made is not None and not _NOT_PUBLISHED.search(text[: match.start()]):
            found.append(_Found(match.start(), match.end(), made))

    for m in _DMY.finditer(text):
        month = _month(m.group(2))
        if month:
            add(m, _make(int(m.group(3)), month, int(m.group(1))))
    for m in _MDY.finditer(text):
        month = _month(m.group(1))
        if month:
            add(m, _make(int(m.group(3)), month, int(m.group(2))))
    for m in _YMD.finditer(text):
        add(m, _make(int(m.group(1)), int(m.group(3)), int(m.group(4))))
    for m in _DOTTED.finditer(text):
        add(m, _make(_year(m.group(3)), int(m.group(2)), int(m.group(1))))
    for m in _SLASHED.finditer(text):
        first, second = int(m.group(1)), int(m.group(2))
        year = _year(m.group(3))
        day_first = first > 12 or (
            month_hint is not None and month_hint == (year, second) and month_hint != (year, first)
        )
        month, day = (second, first) if day_first else (first, second)
        add(m, _make(year, month, day))
    if not found and reference_year is not None:
        for m in _MD.finditer(text):
            month = _month(m.group(1))
            if month:
                add(m, _make(reference_year, month, int(m.group(2))))
        for m in _DM.finditer(text):
            month = _month(m.group(2))
            if month:
                add(m, _make(reference_year, month, int(m.group(1))))
    return found


def _first_date(
    text: str, reference_year: int | None, month_hint: tuple[int, int] | None = None
) -> _Found | None:
    found = _candidates(text, reference_year, month_hint)
    if not found:
        return None
    # Earliest first; of two starting together, the longer (the one with the year).
    return min(found, key=lambda f: (f.start, -f.end))


# --- Times and zones ------------------------------------------------------------------


def _with_time(text: str, found: _Found) -> tuple[datetime | date, list[tuple[int, int]]]:
    """Attach the time nearest the date (not beyond another date) and its zone."""
    spans = [(found.start, found.end)]
    others = [f for f in _candidates(text, None) if f.start != found.start]
    window_end = min([f.start for f in others if f.start > found.start] + [len(text)])
    window_start = max([f.end for f in others if f.end <= found.start] + [0])
    best: tuple[int, int, int, int, int, int] | None = None  # distance, start, end, h, m, s
    for m in list(_TIME.finditer(text)) + list(_MILITARY_TIME.finditer(text)):
        if m.start() < window_start or m.end() > window_end:
            continue
        if found.start <= m.start() < found.end:
            continue  # "25.07.2021" must not read as the time 25.07
        hour, minute = int(m.group(1)), int(m.group(2))
        second = int(m.group(3)) if m.re is _TIME and m.group(3) else 0
        meridiem = (m.group(4) or "").lower() if m.re is _TIME else ""
        if meridiem and not 1 <= hour <= 12:
            continue
        if meridiem.startswith("p") and hour != 12:
            hour += 12
        elif meridiem.startswith("a") and hour == 12:
            hour = 0
        distance = found.start - m.end() if m.end() <= found.start else m.start() - found.end
        if best is None or distance < best[0]:
            best = (distance, m.start(), m.end(), hour, minute, second)
    if best is None:
        return found.day, spans
    _, start, end, hour, minute, second = best
    spans.append((start, end))
    zone_match = _ZONE.match(text, end)
    offset = _zone(zone_match, found.day) if zone_match else None
    if zone_match and zone_match.end() > end and offset is not None:
        spans.append((end, zone_match.end()))
    if offset is None:
        return found.day, spans
    moment = datetime(found.day.year, found.day.month, found.day.day, hour, minute, second)
    return moment.replace(tzinfo=_fixed(moment, offset)), spans


def _zone(match: re.Match[str], day: date) -> float | str | None:
    name, sign, hours, minutes = match.groups()
    base: float | str | None = None
    if name:
        base = _ZONES.get(name.upper())
        if base is None:
            return None
    if sign and hours:
        if base not in (None, 0):
            return None  # "EDT+2" is not a thing; do not guess
        delta = int(hours) + int((minutes or "0").ljust(2, "0")) / 60
        return -delta if sign == "-" else delta
    return base


def _fixed(moment: datetime, offset: float | str) -> tzinfo:
    if isinstance(offset, str):
        try:
            local = moment.replace(tzinfo=ZoneInfo(offset))
        except ZoneInfoNotFoundError:
            return UTC
        utcoffset = local.utcoffset() or timedelta(0)
        return _timezone(int(utcoffset.total_seconds() // 60))
    return _timezone(round(offset * 60))


@lru_cache(maxsize=64)
def _timezone(minutes: int) -> timezone:
    return UTC if minutes == 0 else timezone(timedelta(minutes=minutes))


# --- Fallback -------------------------------------------------------------------------

_FALLBACK_SHAPE = re.compile(r"(?<!\d)\d{1,2}(?!\d).{0,3}[^\W\d_]{3,}.{0,6}(?<!\d)\d{4}(?!\d)")


def _dateparser_fallback(text: str) -> date | None:
    """dateparser for a short line with a day, a month word we lack and a year."""
    if len(text) > 60 or not _FALLBACK_SHAPE.search(text):
        return None
    if any(_month(word) for word in re.findall(r"[^\W\d_]{3,}", text)):
        return None  # a month we know, in a shape we rejected on purpose
    try:
        import dateparser
    except ImportError:  # pragma: no cover - a declared dependency
        return None
    parsed = dateparser.parse(
        text,
        settings={
            "STRICT_PARSING": True,
            "REQUIRE_PARTS": ["day", "month", "year"],
            "PREFER_DAY_OF_MONTH": "first",
        },
    )
    return parsed.date() if parsed is not None else None
