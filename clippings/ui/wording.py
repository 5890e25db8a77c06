"""How the window writes dates and shortens long titles, the same way everywhere.

Dates follow the user's locale (``QLocale()``): its short form, with the year in full,
where room is tight (the list, Stories, the related pieces, the search's date fields),
the long form with the time where there is room (the reading pane, Compare, the Edit
dialog). A day is the day the source gives, in its
own time zone, never moved to another one. Under the "C" locale (no language chosen)
the short form is ISO's 2021-07-25 rather than Qt's "25 07 2021". ``EDGE_MARGIN`` is the
room the right-hand pane keeps from the window's edge.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

from PySide6.QtCore import QDate, QLocale, QTime

from clippings.model import Published

ELLIPSIS = "…"

#: The room between the window's right-hand pane and the window's edge.
EDGE_MARGIN = 8

#: Where a title may be cut: after a space, or after a dash or slash between words.
_BREAK = re.compile(r"\s+|(?<=[-/–—])")


def _locale() -> QLocale:
    return QLocale()


def _qdate(value: Published) -> QDate:
    return QDate(value.year, value.month, value.day)


def short_date(value: Published | None) -> str:
    """The day, short, with its year in full: "25/07/2021" (en_GB), "7/25/2021"
    (en_US), "2021-07-25" (C)."""
    if value is None:
        return ""
    return _locale().toString(_qdate(value), short_date_format())


def long_date(value: Published | None) -> str:
    """The day in words with the time and its offset when the source gives them:
    "Sunday, 25 July 2021, 05:05 (UTC+01:00)"."""
    if value is None:
        return ""
    locale = _locale()
    text = locale.toString(_qdate(value), QLocale.FormatType.LongFormat)
    if isinstance(value, datetime):
        clock = locale.toString(
            QTime(value.hour, value.minute, value.second), QLocale.FormatType.ShortFormat
        )
        text += f", {clock}{offset_text(value)}"
    return text


def offset_text(value: datetime) -> str:
    """ " (UTC+01:00)": the source's time zone, "" when the time has none."""
    offset = value.utcoffset()
    if offset is None:
        return ""
    sign = "-" if offset < timedelta(0) else "+"
    minutes = abs(int(offset.total_seconds())) // 60
    return f" (UTC{sign}{minutes // 60:02d}:{minutes % 60:02d})"


def short_date_format() -> str:
    """The short date's pattern for a date field (``QDateEdit``), with the year in
    full: a two-digit year typed there would be read as 19xx."""
    locale = _locale()
    if locale.language() == QLocale.Language.C:
        return "yyyy-MM-dd"
    pattern = locale.dateFormat(QLocale.FormatType.ShortFormat)
    return pattern if "yyyy" in pattern else pattern.replace("yy", "yyyy")


def elide_words(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters at a word's end, with "…"; a single
    word longer than that is cut inside it (there is no other place)."""
    text = " ".join(text.split())
    if len(text) <= limit:
        return text
    room = max(limit - 1, 1)
    cut = 0
    for found in _BREAK.finditer(text):
        if found.start() > room:
            break
        cut = found.start()
    if cut <= room // 3:  # no break near the end: cut inside the word
        cut = room
    return text[:cut].rstrip(" -/–—,;:") + ELLIPSIS


def elide_path(path: str, limit: int) -> str:
    """A path cut from its start at a folder's edge: "…/archives/press"; the last
    folder's name stays whole."""
    if len(path) <= limit:
        return path
    parts = path.replace("\\", "/").split("/")
    kept = parts[-1]
    for part in reversed(parts[:-1]):
        longer = f"{part}/{kept}"
        if len(longer) + 2 > limit:
            break
        kept = longer
    return f"{ELLIPSIS}/{kept}"
