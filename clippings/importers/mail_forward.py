"""A message forwarded inline: the forwarded message's sender, date and subject.

A reader who forwards a newsletter to themselves (or to the archive's address) sends it
below a marker and a block of its headers, in the language of their mail program::

    ---------- Forwarded message ---------
    From: CNNMoney <newsletter@e.cnn.com>
    Date: Mon, Nov 30, 2026 at 9:38 AM
    Subject: The day's top story
    To: <reader@example.org>

The clipping is the forwarded message: its title, outlet and date come from that block
(``find_forward``), and the text starts after it (the forwarder's note above it goes).
A forward attached whole (``message/rfc822``) is ``mail_mime.attached_message``'s case.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime

from clippings.importers.dates import parse_dateline
from clippings.model import Published

# The marker lines of Gmail, Outlook, Apple Mail and Thunderbird, in their languages.
_MARK = re.compile(
    r"^[\s>]*(?:-{2,}|_{2,}|—)?\s*(?:forwarded\ message|original\ message|begin\ forwarded\ message"
    r"|weitergeleitete\ nachricht|ursprüngliche\ nachricht|message\ transféré"
    r"|message\ d'origine|mensaje\ reenviado|mensaje\ original|messaggio\ inoltrato"
    r"|messaggio\ originale|mensagem\ encaminhada|mensagem\ original)\s*:?\s*(?:-{2,}|_{2,})?\s*$",
    re.IGNORECASE | re.VERBOSE,
)
_FIELD_LINE = re.compile(r"^[\s>]*\*?([^\W\d_][^\W\d_ ]{0,11}(?: [^\W\d_]+)?)\*?\s*:\s*(.*)$")
_FIELDS = {
    "from": {"from", "von", "de", "da", "van"},
    "date": {"date", "datum", "fecha", "data", "sent", "gesendet", "envoyé", "enviado", "inviato"},
    "subject": {"subject", "betreff", "objet", "asunto", "oggetto", "assunto", "onderwerp"},
    "to": {"to", "an", "à", "a", "para", "cc", "aan", "reply to", "antwort an"},
}
_NAME = {alias: field for field, aliases in _FIELDS.items() for alias in aliases}
#: How far into the text the marker may stand (a forwarder's note is short).
_MARK_LINES = 40


@dataclass(frozen=True)
class Forwarded:
    """The headers of a message forwarded inline, and where its text starts.

    Attributes:
        sender: its From, as written ("CNNMoney <newsletter@e.cnn.com>").
        date: its Date, as written.
        subject: its Subject.
        text: the text after the header block.
    """

    sender: str | None
    date: str | None
    subject: str | None
    text: str


def find_forward(text: str) -> Forwarded | None:
    """The forwarded message in a message's text, or None when it forwards nothing."""
    lines = text.split("\n")
    for index, line in enumerate(lines[:_MARK_LINES]):
        if _MARK.match(line):
            return _read_block(lines, index + 1)
    return None


def _read_block(lines: list[str], start: int) -> Forwarded | None:
    found: dict[str, str] = {}
    position = start
    while position < len(lines) and position < start + 20:
        line = lines[position]
        if not line.strip():
            position += 1
            continue
        match = _FIELD_LINE.match(line)
        field = _NAME.get(match.group(1).strip().lower()) if match else None
        if match is None or field is None:
            break
        found.setdefault(field, _clean(match.group(2)))
        position += 1
    if "from" not in found and "subject" not in found:
        return None
    rest = "\n".join(lines[position:]).strip("\n")
    return Forwarded(
        sender=found.get("from") or None,
        date=found.get("date") or None,
        subject=found.get("subject") or None,
        text=rest,
    )


def _clean(value: str) -> str:
    value = value.replace("*", "").strip()
    # Outlook: "CNNMoney [mailto:newsletter@e.cnn.com]".
    return re.sub(r"\[mailto:([^\]]+)\]", r"<\1>", value)


def forwarded_date(value: str | None) -> Published | None:
    """The forwarded Date as a time (a mail date) or a day (a mail program's own form,
    "Mon, Nov 30, 2026 at 9:38 AM", which gives no zone)."""
    if not value:
        return None
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, IndexError, OverflowError):
        return parse_dateline(value)
    return when if when.tzinfo is not None else when.replace(tzinfo=UTC)
