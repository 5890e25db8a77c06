"""Dates as people type them (``edit --published``)."""

from __future__ import annotations

from datetime import date, datetime, time

from clippings.model import Published, QueryError


def parse_user_date(text: str) -> Published:
    """``2021-07-25``, ``2021-07-25T05:05+00:00``, ``25 July 2021``…

    Raises:
        QueryError: the text is not a date.
    """
    value = text.strip()
    try:
        if len(value) == 10:
            return date.fromisoformat(value)
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    except ValueError:
        pass
    else:
        if parsed.tzinfo is not None:
            return parsed
        if parsed.time() == time(0):
            return parsed.date()
        raise QueryError(
            f"{value!r} has a time but no offset from UTC: write it as {value}+00:00 "
            "(or the offset of the source's own time zone)"
        )
    from clippings.importers.dates import parse_dateline

    found = parse_dateline(value)
    if found is None:
        raise QueryError(
            f"cannot read the date {value!r}: write it as 2021-07-25 or 2021-07-25T05:05+00:00"
        )
    return found
