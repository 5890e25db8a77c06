"""Reading a bundle's ``clippings.json`` one record at a time, in either of its shapes.

A bare list of records (bundles of version 1, made before the JSON export had a
version), or ``{"version": 1, "clippings": [...], "tag_colours": {...}}`` (bundle
version 2, the JSON export's shape with the tags' colours). A newer version of the
records is refused with the version named; members this version does not know are
skipped, as unknown fields of a record are.
"""

from __future__ import annotations

import json
import re
from collections.abc import Generator, Iterator
from dataclasses import dataclass
from itertools import islice

from clippings.model import ExtractionError, TagError, TooLargeError, tag_name

RECORDS = "clippings.json"
#: The newest version of ``clippings.json``'s records this reads (the JSON export's).
RECORDS_VERSION = 1

#: The most tag colours a bundle may give (a bundle holds at most 1,000 tags a record).
_MOST_COLOURS = 100_000
_COLOUR = re.compile(r"#[0-9a-fA-F]{6}(?:[0-9a-fA-F]{2})?")
_MOST_TAG_CHARACTERS = 1_000
_SURROGATE = re.compile("[\ud800-\udfff]")


_BLANK = re.compile(r"[ \t\n\r]*")


@dataclass
class RecordsHeader:
    """What ``clippings.json`` says besides its records (in its object shape)."""

    version: int | None = None
    tag_colours: object = None

    def colours(self) -> dict[str, str]:
        """The tag colours it gives: each a valid tag name and ``#rrggbb`` (or
        ``#rrggbbaa``); whatever else is left out, as unknown fields are."""
        if not isinstance(self.tag_colours, dict):
            return {}
        found: dict[str, str] = {}
        for name, colour in islice(self.tag_colours.items(), _MOST_COLOURS):
            if not isinstance(colour, str) or not _COLOUR.fullmatch(colour):
                continue
            if len(name) > _MOST_TAG_CHARACTERS or _SURROGATE.search(name):
                continue
            try:
                found[tag_name(name)] = colour.lower()
            except TagError:
                continue
        return found


def _skip(text: str, position: int) -> int:
    return _BLANK.match(text, position).end()  # type: ignore[union-attr]


def _value(decoder: json.JSONDecoder, text: str, position: int, what: str) -> tuple[object, int]:
    try:
        return decoder.raw_decode(text, position)
    except RecursionError:
        raise ExtractionError(
            f"the bundle is damaged: its {RECORDS} is nested too deeply to read{what}"
        ) from None
    except ValueError as error:
        raise ExtractionError(
            f"the bundle is damaged: its {RECORDS} is not valid JSON ({error})"
        ) from None


def _records_version(value: object) -> int:
    if not isinstance(value, int) or isinstance(value, bool) or value < 1:
        raise ExtractionError(f"the bundle is damaged: its {RECORDS} gives no valid version")
    if value > RECORDS_VERSION:
        raise ExtractionError(
            f"this bundle was made by a newer version of Clippings (its {RECORDS} is "
            f"version {value}; this one reads up to version {RECORDS_VERSION}): update "
            "Clippings to import it"
        )
    return value


def records(text: str, most: int, header: RecordsHeader | None = None) -> Iterator[object]:
    """The records of ``clippings.json``, decoded one at a time.

    One at a time, so that a file of millions of tiny records is refused at ``most``
    rather than built whole in memory. The whole file is checked before the first
    record is stored (``read_bundle`` returns only when it is through). Either shape
    is read: a bare list, or an object whose ``clippings`` is the list (its
    ``version`` and ``tag_colours`` go to ``header``).
    """
    header = header if header is not None else RecordsHeader()
    decoder = json.JSONDecoder()
    position = _skip(text, 0)
    opening = text[position : position + 1]
    if opening == "[":
        position = yield from _list(decoder, text, position, most)
    elif opening == "{":
        position = yield from _object(decoder, text, position, most, header)
    else:
        raise ExtractionError(f"the bundle is damaged: its {RECORDS} is not a list of clippings")
    if _skip(text, position) != len(text):
        raise ExtractionError(
            f"the bundle is damaged: its {RECORDS} has more after its list of clippings"
        )


def _object(
    decoder: json.JSONDecoder, text: str, position: int, most: int, header: RecordsHeader
) -> Generator[object, None, int]:
    """The records of ``{"version": 1, "clippings": [...], ...}``; returns where the
    object ends. Members other than these three are skipped, as unknown fields are."""
    position = _skip(text, position + 1)
    seen: set[str] = set()
    if text[position : position + 1] != "}":
        while True:
            key, position = _value(decoder, text, position, "")
            if not isinstance(key, str):
                raise ExtractionError(
                    f"the bundle is damaged: its {RECORDS} is not valid JSON (a name expected)"
                )
            position = _skip(text, position)
            if text[position : position + 1] != ":":
                raise ExtractionError(
                    f"the bundle is damaged: its {RECORDS} is not valid JSON (':' expected)"
                )
            position = _skip(text, position + 1)
            if key in seen and key in ("version", "clippings"):
                raise ExtractionError(f"the bundle is damaged: its {RECORDS} names {key} twice")
            seen.add(key)
            if key == "clippings":
                if text[position : position + 1] != "[":
                    raise ExtractionError(
                        f"the bundle is damaged: its {RECORDS} is not a list of clippings"
                    )
                # Records are only read once their version is known to be one this
                # reads: a writer puts the version first; one that did not is read
                # whole, then refused when its version comes.
                position = yield from _list(decoder, text, position, most)
            else:
                value, position = _value(decoder, text, position, "")
                if key == "version":
                    header.version = _records_version(value)
                elif key == "tag_colours":
                    header.tag_colours = value
            position = _skip(text, position)
            following = text[position : position + 1]
            position = _skip(text, position + 1)
            if following == "}":
                break
            if following != ",":
                raise ExtractionError(
                    f"the bundle is damaged: its {RECORDS} is not valid JSON "
                    f"(it breaks off after {key!r})"
                )
    else:
        position += 1
    if "clippings" not in seen:
        raise ExtractionError(
            f"the bundle is damaged: its {RECORDS} is not a list of clippings "
            '(it has no "clippings")'
        )
    if "version" not in seen:
        raise ExtractionError(f"the bundle is damaged: its {RECORDS} gives no version")
    return position


def _list(
    decoder: json.JSONDecoder, text: str, position: int, most: int
) -> Generator[object, None, int]:
    """The records of a list starting at ``position`` (its ``[``); returns where it ends."""
    position = _skip(text, position + 1)
    if text[position : position + 1] == "]":
        return position + 1
    count = 0
    while True:
        count += 1
        if count > most:
            raise TooLargeError(f"the bundle holds more than {most} clippings: export it in parts")
        record, position = _value(decoder, text, position, f" (record {count})")
        yield record
        position = _skip(text, position)
        following = text[position : position + 1]
        position = _skip(text, position + 1)
        if following == "]":
            return position
        if following != ",":
            raise ExtractionError(
                f"the bundle is damaged: its {RECORDS} is not valid JSON "
                f"(it breaks off after record {count})"
            )
