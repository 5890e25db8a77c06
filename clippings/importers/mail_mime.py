"""A mail message's structure: parsing within limits, headers as text, the parts.

The structure is read with the standard library's ``email`` package under
``policy.compat32``, whose MIME headers are split rather than parsed; the headers a
clipping shows (Subject, From, Date) are decoded with ``policy.default``, each cut to
``MAX_HEADER_CHARS`` first. Parts are walked without recursion, to ``MAX_DEPTH``; a
part's content is decoded by its transfer encoding (a truncated base64 body keeps what
decodes) and its charset (an unknown one is sniffed). Shared by ``mail``, ``mbox`` and
``mhtml``.
"""

from __future__ import annotations

import binascii
import codecs
import email.policy
import re
from collections.abc import Iterator
from datetime import UTC, datetime
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime

from clippings.importers.encoding import decode_text
from clippings.model import ExtractionError

# --- parsing --------------------------------------------------------------------------

#: The most multipart containers one message may hold (nested or not); the parser
#: recurses into each, and 10,000 nested ones exhaust its stack.
MAX_CONTAINERS = 200
#: How long a title may be (a hostile Subject can be megabytes).
TITLE_MAX = 300
_BOUNDARY = re.compile(rb"boundary\s*=", re.IGNORECASE)


def parse_message(data: bytes) -> Message:
    """A message's bytes as a ``Message``.

    Raises:
        ExtractionError: the message is empty or nested too deeply to read.
    """
    if not data.strip():
        raise ExtractionError("the message is empty")
    if len(_BOUNDARY.findall(data)) > MAX_CONTAINERS:
        raise ExtractionError(
            f"the message has more than {MAX_CONTAINERS} multipart sections: too deeply "
            "nested to read (a damaged or hostile message)"
        )
    try:
        # The structure with compat32, whose MIME headers are split, not parsed: the
        # default policy's parser takes minutes over a megabyte-long Content-Type, and
        # runs while the message is read. Headers a clipping shows are decoded with the
        # default policy (``header``), each cut to ``MAX_HEADER_CHARS`` first.
        message = BytesParser(policy=email.policy.compat32).parsebytes(data)
    except RecursionError:
        raise ExtractionError("the message is nested too deeply to read") from None
    _bound_mime_headers(message)
    return message


_MIME_HEADERS = frozenset(
    {"content-type", "content-disposition", "content-transfer-encoding", "content-id"}
)


def _bound_mime_headers(message: Message) -> None:
    """Cut every part's MIME headers to ``MAX_HEADER_CHARS``: the library parses them
    whenever a part's type or file name is asked for."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        for name, value in part.raw_items():
            if name.lower() in _MIME_HEADERS and len(str(value)) > MAX_HEADER_CHARS:
                part.replace_header(name, "".join(str(value)[:MAX_HEADER_CHARS].splitlines()))
        payload = part.get_payload()
        if isinstance(payload, list) and depth < MAX_DEPTH:
            stack.extend((child, depth + 1) for child in payload if isinstance(child, Message))


#: How much of one header field is read: the parser takes seconds a hundred kilobytes,
#: and a hostile Subject can be megabytes.
MAX_HEADER_CHARS = 16384


def header(message: Message, name: str) -> str | None:
    """A header's value as text (RFC 2047 decoded), at most ``MAX_HEADER_CHARS`` of it,
    or None; never raises on a malformed one (the raw value is kept, its encoded words
    decoded where they can be, in a charset Python does not know by a guess)."""
    wanted = name.lower()
    raw = next((str(v) for k, v in message.raw_items() if k.lower() == wanted), None)
    if raw is None:
        return None
    raw = "".join(raw[:MAX_HEADER_CHARS].splitlines())
    try:
        text = str(email.policy.default.header_fetch_parse(name, raw))
    except Exception:  # noqa: BLE001 - the stdlib's header parser has bugs on odd input
        text = _decoded_words(raw) or raw
    if "\ufffd" in text and "=?" in raw:
        text = _decoded_words(raw) or text
    text = " ".join(text.split())
    return text or None


def _decoded_words(raw: str) -> str | None:
    """A header's encoded words decoded by hand: each by its charset, or by a guess when
    Python does not know the charset (``=?x-unknown?q?caf=E9?=``)."""
    try:
        pieces = decode_header(raw)
    except Exception:  # noqa: BLE001 - a malformed encoded word
        return None
    out = []
    for piece, charset in pieces:
        if isinstance(piece, str):
            out.append(piece)
            continue
        codec = _codec(charset)
        if codec:
            out.append(piece.decode(codec, errors="replace"))
            continue
        try:
            out.append(piece.decode("utf-8"))
        except UnicodeDecodeError:
            # Too short for a detector to guess well: the West's most common charset.
            out.append(piece.decode("cp1252", errors="replace"))
    return "".join(out)


_FORWARD_PREFIX = re.compile(
    r"^(?:\s*(?:fwd?|fw|wg|tr|rv|enc|i|doorst|vs|vb|fs)\s*(?:\[\d+\])?\s*:\s*)+", re.IGNORECASE
)


def subject_title(subject: str | None) -> str | None:
    """The Subject as a title: "Fwd:", "FW:", "WG:", "TR:", "RV:" prefixes dropped."""
    if not subject:
        return None
    title = _FORWARD_PREFIX.sub("", subject).strip()
    if len(title) > TITLE_MAX:
        title = title[:TITLE_MAX].rsplit(" ", 1)[0] + "…"
    return title or None


# Subdomains a sender's mail goes out from ("newsletter@e.cnn.com" is from cnn.com).
_MAIL_SUBDOMAIN = re.compile(
    r"^(?:(?:e|em|email|mail|mailer|mailing|news|newsletters?|info|lists?|send|bounce"
    r"|go|m|mg|post|noreply|no-reply|campaign|marketing|edm|t|links?)\d*\.)+"
)


def sender_outlet(value: str | None) -> str | None:
    """The outlet a From header names: its display name, else its address's domain."""
    if not value:
        return None
    try:
        found = getaddresses([value])
    except Exception:  # noqa: BLE001 - a malformed address list
        found = []
    for name, address in found:
        name = name.strip().strip("\"'").strip()
        if name and "@" not in name:
            return name[:200]
        domain = address.rpartition("@")[2].strip().lower().rstrip(".>")
        if domain:
            trimmed = _MAIL_SUBDOMAIN.sub("", domain)
            return trimmed if "." in trimmed else domain
    return None


def header_date(message: Message) -> datetime | None:
    """The Date header as a time with its offset (UTC when it gives none)."""
    raw = header(message, "date")
    if not raw:
        return None
    try:
        when = parsedate_to_datetime(raw)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)  # "-0000": UTC, the sender's zone unknown
    return when


# --- the parts ------------------------------------------------------------------------

#: How deep a message's parts are read (forwards of forwards included).
MAX_DEPTH = 30


def parts(message: Message) -> Iterator[tuple[Message, bool]]:
    """Every leaf part of a message with whether it lies inside multipart/related, in
    order, without recursion; attached messages are not entered."""
    stack: list[tuple[Message, bool, int]] = [(message, False, 0)]
    while stack:
        part, related, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            if isinstance(payload, list):
                inside = related or part.get_content_subtype() == "related"
                stack.extend(
                    (child, inside, depth + 1)
                    for child in reversed(payload)
                    if isinstance(child, Message)
                )
            continue
        yield part, related


def attached_message(message: Message) -> Message | None:
    """The message a forward attached whole (``message/rfc822``), if any."""
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        if depth > MAX_DEPTH:
            continue
        if part.get_content_type() == "message/rfc822":
            payload = part.get_payload()
            if isinstance(payload, list) and payload and isinstance(payload[0], Message):
                return payload[0]
            continue
        if part.get_content_maintype() == "multipart":
            payload = part.get_payload()
            if isinstance(payload, list):
                stack.extend(
                    (child, depth + 1) for child in reversed(payload) if isinstance(child, Message)
                )
    return None


def is_attachment(part: Message) -> bool:
    disposition = (part.get("content-disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or (
        disposition != "inline" and part.get_filename() is not None
    )


def attachment_name(part: Message) -> str | None:
    """An attachment's file name, its encoded words decoded (Outlook writes them)."""
    name = part.get_filename()
    if name and "=?" in name:
        name = _decoded_words(name) or name
    return " ".join(name.split()) if name else None


def payload_bytes(part: Message) -> tuple[bytes, bool]:
    """A part's content with its transfer encoding undone, and whether it was cut off
    (a truncated base64 body: what decodes is kept)."""
    encoding = str(part.get("content-transfer-encoding") or "").strip().lower()
    if encoding == "base64":
        raw = part.get_payload()
        if not isinstance(raw, str):
            return b"", False
        text = re.sub(r"[^A-Za-z0-9+/]", "", raw.split("=", 1)[0])
        usable = len(text) - len(text) % 4
        try:
            return binascii.a2b_base64(text[:usable]), usable != len(text)
        except binascii.Error:
            return b"", True
    decoded = part.get_payload(decode=True)
    return (decoded if isinstance(decoded, bytes) else b""), False


# Labels mail programs write for a wider charset than they name (as browsers read them,
# the WHATWG Encoding Standard): "iso-8859-1" mail is windows-1252, "gb2312" is GB18030.
_WIDER = {
    "ascii": "cp1252",
    "latin-1": "cp1252",
    "iso8859-1": "cp1252",
    "iso8859-9": "cp1254",
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "shift_jis": "cp932",
    "euc_kr": "cp949",
    "big5": "big5hkscs",
}


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        name = codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None
    return _WIDER.get(name, name)


def _decode(data: bytes, codec: str) -> str:
    """Bytes by their declared charset; UTF-8 when they are valid UTF-8 with non-ASCII
    characters but declared as a one-byte charset (a common mislabel: real Latin text
    is almost never valid UTF-8)."""
    if codec != "utf-8" and not data.isascii() and not codec.startswith(("utf", "gb", "big5")):
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            pass
    return data.decode(codec, errors="replace")


def part_text(part: Message) -> tuple[str, bool]:
    """A text part's content as text: by its declared charset, else sniffed (a charset
    Python does not know, like ``x-unknown``, is sniffed too). Also whether it was cut
    off."""
    data, cut = payload_bytes(part)
    codec = _codec(part.get_content_charset())
    if part.get_content_subtype() == "html":
        from clippings.importers.html_decoding import decode_page

        if codec:
            return _decode(data, codec), cut
        return decode_page(data)[0], cut
    if codec:
        return _decode(data, codec), cut
    try:
        return decode_text(data)[0], cut
    except ExtractionError:
        return data.decode("utf-8", errors="replace"), cut
