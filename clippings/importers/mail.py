"""E-mail messages (``.eml``): a newsletter or a forwarded article becomes a clipping.

Read with the standard library's ``email`` package (``policy.default``), never by hand:

* the **title** is the Subject (RFC 2047 decoded), without "Fwd:"-style prefixes;
* the **outlet** is the sender's display name ("CNNMoney" from ``CNNMoney
  <newsletter@e.cnn.com>``), or the address's domain when there is none;
* **published** is the Date header;
* the **text** is the HTML part through the HTML importer's extraction
  (``html.extract_article``), with the newsletter's furniture removed first
  (``mail_boilerplate``), or else the text part; multipart/alternative and
  multipart/related are read (``cid:`` images dropped); a forwarded message attached
  whole (``message/rfc822``) is read instead of the note around it;
* the **URL** is the target of the newsletter's "View in browser" link, if any;
* attachments are not imported: a warning names them.

All metadata from the headers is marked ``email-header``. The module is ``mail``, not
``email``, so that it never shadows the standard library. ``mbox`` reads each message of
a mailbox with ``read_message``.
"""

from __future__ import annotations

import binascii
import codecs
import email.policy
import re
from collections.abc import Iterator
from dataclasses import replace
from datetime import UTC, datetime
from email.header import decode_header
from email.message import Message
from email.parser import BytesParser
from email.utils import getaddresses, parsedate_to_datetime
from typing import TYPE_CHECKING

from clippings.importers.base import paragraphs, text_to_html
from clippings.importers.encoding import decode_text
from clippings.importers.language import detect_language
from clippings.importers.mail_boilerplate import (
    browser_link,
    browser_link_in_text,
    remove_furniture,
    trim_paragraphs,
)
from clippings.importers.sanitize import sanitize_html
from clippings.importers.text import is_interface_line
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    Published,
)

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# --- sniffing -------------------------------------------------------------------------


def _names(text: str) -> frozenset[str]:
    """Header names from a string of them (long lists read better as one string)."""
    return frozenset(text.split())


#: Header fields that mail has and a text clipping's header lines do not.
MAIL_HEADERS = _names(
    "from to cc bcc date subject message-id mime-version received return-path delivered-to "
    "reply-to sender content-type content-transfer-encoding x-mailer user-agent in-reply-to "
    "references dkim-signature list-unsubscribe list-id list-post precedence thread-topic "
    "thread-index authentication-results arc-seal arc-message-signature "
    "arc-authentication-results x-originating-ip x-received x-google-smtp-source "
    "feedback-id x-mailchimp-campaign x-campaign x-mc-user x-sg-eid importance "
    "x-priority content-language errors-to x-mozilla-status x-mozilla-status2 "
    "x-mozilla-keys x-gm-thrid x-gmail-labels organization"
)
# One of these makes a header block mail, not a clipping's "From: Reuters" header.
_MAIL_ONLY = _names(
    "message-id mime-version received return-path delivered-to dkim-signature x-mailer "
    "content-transfer-encoding list-unsubscribe list-id authentication-results arc-seal "
    "x-received x-google-smtp-source feedback-id in-reply-to references"
)
_FIELD = re.compile(r"([!-9;-~]+)[ \t]*:(.*)")


def header_block(head: bytes) -> dict[str, str] | None:
    """The header fields at the start of ``head`` (lower-case names, first of each), or
    None when ``head`` does not start with a block of ``Name: value`` lines.

    A block cut off where ``head`` ends counts, so that a message with kilobytes of
    ``Received:`` lines is still known by its first bytes.
    """
    text = head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")
    lines = re.split(r"\r?\n", text)
    if len(head) >= 4096 and len(lines) > 1:
        lines = lines[:-1]  # the last line may be cut in the middle
    fields: dict[str, str] = {}
    last: str | None = None
    for line in lines:
        if not line.strip():
            break
        if line[0] in " \t":
            if last is None:
                return None
            fields[last] += " " + line.strip()
            continue
        match = _FIELD.fullmatch(line)
        if match is None:
            return None
        last = match.group(1).lower()
        if last in fields:
            last = f"{last}\x00{len(fields)}"  # a repeated field: kept, not merged
        fields[last] = match.group(2).strip()
    return fields or None


def looks_like_email(head: bytes) -> bool:
    """Whether bytes start like an e-mail message: at least two header fields that mail
    has, and one that only mail has, or a From with an address."""
    fields = header_block(head)
    if fields is None:
        return False
    names = {name.split("\x00")[0] for name in fields}
    known = names & MAIL_HEADERS
    if len(known) < 2:
        return False
    if names & _MAIL_ONLY:
        return True
    sender = fields.get("from", "")
    return "@" in sender and bool(names & {"date", "to", "subject"})


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


def _is_attachment(part: Message) -> bool:
    disposition = (part.get("content-disposition") or "").split(";")[0].strip().lower()
    return disposition == "attachment" or (
        disposition != "inline" and part.get_filename() is not None
    )


def _filename(part: Message) -> str | None:
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


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    try:
        return codecs.lookup(label.strip().strip("\"'")).name
    except LookupError:
        return None


def part_text(part: Message) -> tuple[str, bool]:
    """A text part's content as text: by its declared charset, else sniffed (a charset
    Python does not know, like ``x-unknown``, is sniffed too). Also whether it was cut
    off."""
    data, cut = payload_bytes(part)
    codec = _codec(part.get_content_charset())
    if part.get_content_subtype() == "html":
        from clippings.importers.html_decoding import decode_page

        if codec and codec not in {"ascii", "us-ascii"}:
            return data.decode(codec, errors="replace"), cut
        return decode_page(data)[0], cut
    if codec:
        return data.decode(codec, errors="replace"), cut
    try:
        return decode_text(data)[0], cut
    except ExtractionError:
        return data.decode("utf-8", errors="replace"), cut


# --- the body -------------------------------------------------------------------------


def _unflow(text: str) -> str:
    """``format=flowed`` text (RFC 3676): a line ending in a space goes on on the next."""
    return re.sub(r"(?<=[^ \n]) \n(?!\n)", " ", text)


def plain_article(text: str) -> tuple[str, str | None]:
    """A text part as clean paragraphs, and its "View in browser" link."""
    url = browser_link_in_text(text)
    text = re.sub(r"\r\n?", "\n", text)
    lines = [
        "" if is_interface_line(line) or re.fullmatch(r"\s*[-=_*~]{3,}\s*", line) else line
        for line in text.split("\n")
    ]
    found = paragraphs("\n".join(line.rstrip() for line in lines))
    kept = [found[i] for i in trim_paragraphs(found)]
    return "\n\n".join(_join_wrapped(p) for p in kept), url


def _join_wrapped(paragraph: str) -> str:
    lines = paragraph.split("\n")
    if len(lines) > 1 and max(len(line) for line in lines) <= 80:
        widths = [len(line) for line in lines[:-1]]
        if sum(1 for w in widths if w >= 55) >= len(widths) * 0.7:
            return " ".join(line.strip() for line in lines)
    return paragraph


def _visible_text(tree: HtmlElement) -> str:
    """A page's visible text, a paragraph per block (when extraction finds no article in
    a newsletter's table layout)."""
    from lxml import etree

    for element in tree.iter("script", "style", "head", "title", "noscript"):
        element.text = ""
    for element in tree.iter("br"):
        element.tail = "\n" + (element.tail or "")
    blocks = ("p", "div", "td", "tr", "li", "h1", "h2", "h3", "h4", "h5", "h6", "table")
    for element in tree.iter(*blocks):
        element.tail = "\n\n" + (element.tail or "")
    text = etree.tostring(tree, method="text", encoding="unicode")
    return re.sub(r"\n[ \t]*\n(?:\s*\n)+", "\n\n", re.sub(r"[ \t\xa0]+", " ", text))


_BLOCK_CHILDREN = ("p", "div", "table", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol", "img")
_TABLE_TAGS = ("table", "thead", "tbody", "tfoot", "tr", "td", "th")


def unwrap_layout_tables(tree: HtmlElement) -> None:
    """Turn the tables a newsletter is laid out with into plain blocks (``div``), so the
    extractor reads their paragraphs as an article, not as one table cell. A table is
    for layout when a cell holds blocks (paragraphs, headings, other tables) or when no
    row has more than one cell; a table of figures stays a table."""
    layout = []
    for table in tree.iter("table"):
        rows = [row for row in table.iter("tr") if _owner(row) is table]
        cells = [cell for row in rows for cell in row if cell.tag in ("td", "th")]
        if all(sum(1 for c in row if c.tag in ("td", "th")) <= 1 for row in rows) or any(
            next(cell.iter(*_BLOCK_CHILDREN), None) is not None for cell in cells
        ):
            layout.append(table)
    owned = [
        element
        for table in layout
        for element in [table, *table.iter(*_TABLE_TAGS)]
        if element is table or _owner(element) is table
    ]
    for element in owned:
        element.tag = "div"
        for name in ("width", "height", "cellpadding", "cellspacing", "align", "border"):
            element.attrib.pop(name, None)


def _owner(element: HtmlElement) -> HtmlElement | None:
    """The table an element of a table belongs to."""
    parent = element.getparent()
    while parent is not None and parent.tag != "table":
        parent = parent.getparent()
    return parent


def html_article(markup: str) -> tuple[Extracted, str | None]:
    """A newsletter's HTML part as an article, its furniture removed, and its "View in
    browser" link.

    Raises:
        ExtractionError: the part holds no text.
    """
    from lxml import html as lxml_html

    from clippings.importers.html import extract_article
    from clippings.importers.html_decoding import parse_html

    tree = parse_html(markup)
    url = browser_link(tree)
    remove_furniture(tree)
    unwrap_layout_tables(tree)
    cleaned = lxml_html.tostring(tree, encoding="unicode")
    try:
        article = extract_article(cleaned)
    except ExtractionError:
        text, _ = plain_article(_visible_text(parse_html(cleaned)))
        if not text.strip():
            raise
        return Extracted(text=text, format="html", html=text_to_html(text)), url
    return _trimmed(article), url


def _trimmed(article: Extracted) -> Extracted:
    """The article without the furniture paragraphs extraction left at its ends."""
    lines = [line for line in article.text.split("\n") if line.strip()]
    if "\n\n" not in article.text.strip() and len(lines) >= 3:
        # Paragraphs parted by <br><br> in one cell (older mailers): a line each.
        text = "\n\n".join(line.strip() for line in lines)
        article = replace(article, text=text, html=text_to_html(text))
    found = paragraphs(article.text)
    keep = trim_paragraphs(found)
    if len(keep) == len(found) or not keep:
        return article
    kept = [found[i] for i in keep]
    dropped = {" ".join(found[i].split()) for i in range(len(found)) if i not in set(keep)}
    return Extracted(
        text="\n\n".join(kept),
        format=article.format,
        title=article.title,
        html=_without_blocks(article.html, dropped) if article.html else None,
        outlet=article.outlet,
        author=article.author,
        published=article.published,
        language=article.language,
        url=article.url,
        provenance=article.provenance,
    )


def _without_blocks(fragment: str, dropped: set[str]) -> str:
    from lxml import html as lxml_html

    try:
        elements = lxml_html.fragments_fromstring(fragment)
    except Exception:  # noqa: BLE001 - keep the HTML as it was
        return fragment
    kept = []
    for element in elements:
        if isinstance(element, str):
            kept.append(element)
        elif " ".join(element.text_content().split()) not in dropped:
            kept.append(lxml_html.tostring(element, encoding="unicode"))
    return sanitize_html("\n".join(kept))


# --- the message ----------------------------------------------------------------------

# Fields the page itself may declare and a message keeps (a newsletter's HTML rarely
# has them; a guessed one is no better than the headers).
_DECLARED = {"json-ld", "html-meta", "opengraph"}


def read_message(message: Message, *, format: str = "email") -> Extracted:
    """One message as a clipping: its body's article and its headers' metadata.

    Raises:
        ExtractionError: the message has no text part, or no text in it.
    """
    outer = message
    inner = attached_message(message)
    if inner is not None and _body_part(inner) is not None:
        message = inner
    warnings: list[str] = []
    attachments = [
        _filename(part) or part.get_content_type()
        for part, _related in parts(outer)
        if _is_attachment(part) and part is not _body_part(message)
    ]
    if message is not outer:
        attachments = [a for a in attachments if a not in _attachment_names(message)]
    body = _body_part(message)
    if body is None:
        raise ExtractionError(
            "the message has no text or HTML part"
            + (f" (only attachments: {', '.join(attachments[:5])})" if attachments else "")
        )
    content, cut = part_text(body)
    if cut:
        warnings.append("the message's text was cut off (its encoding breaks off)")
    url: str | None
    if body.get_content_subtype() == "html":
        article, url = html_article(content)
    else:
        if str(body.get_param("format") or "").lower() == "flowed":
            content = _unflow(content)
        text, url = plain_article(content)
        if not text.strip():
            raise ExtractionError("the message has no text")
        article = Extracted(text=text, format="text", html=text_to_html(text))
    article = _without_headline(article, header(message, "subject"))
    if attachments:
        names = ", ".join(sorted(set(attachments))[:10])
        warnings.append(f"its attachments were not imported ({names})")
    return _with_headers(message, article, url, format, warnings)


def _without_headline(article: Extracted, subject: str | None) -> Extracted:
    """The article without its first paragraph when that is the Subject (the headline
    above a newsletter's article, which is the clipping's title)."""
    title = subject_title(subject)
    found = paragraphs(article.text)
    if not title or len(found) < 2 or _folded(found[0]) != _folded(title):
        return article
    return replace(
        article,
        text="\n\n".join(found[1:]),
        html=_without_blocks(article.html, {" ".join(found[0].split())}) if article.html else None,
    )


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _attachment_names(message: Message) -> set[str]:
    return {
        _filename(part) or part.get_content_type()
        for part, _related in parts(message)
        if _is_attachment(part)
    }


def _body_part(message: Message) -> Message | None:
    """The part that holds the message's text: the first HTML part that is not an
    attachment, else the first plain-text one."""
    html_part = plain_part = None
    for part, _related in parts(message):
        if _is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/html" and html_part is None:
            html_part = part
        elif kind == "text/plain" and plain_part is None:
            plain_part = part
    return html_part or plain_part


def _with_headers(
    message: Message, article: Extracted, url: str | None, format: str, warnings: list[str]
) -> Extracted:
    provenance = {
        name: source
        for name, source in article.provenance.items()
        if name in {"language", "author"} and (name == "language" or source in _DECLARED)
    }
    title = subject_title(header(message, "subject"))
    if title:
        provenance["title"] = "email-header"
    elif article.title:
        title = article.title
        provenance["title"] = article.provenance.get("title", "derived")
    outlet = sender_outlet(header(message, "from"))
    if outlet:
        provenance["outlet"] = "email-header"
    published: Published | None = header_date(message)
    if published is not None:
        provenance["published"] = "email-header"
    if url:
        provenance["url"] = "email-body"
    elif article.url and article.provenance.get("url") in _DECLARED:
        url = article.url
        provenance["url"] = article.provenance["url"]
    language = article.language
    if language is None:
        language = detect_language(article.text)
        if language:
            provenance["language"] = "detected"
    author = article.author if "author" in provenance else None
    return Extracted(
        text=article.text,
        format=format,
        title=title,
        html=article.html or text_to_html(article.text),
        outlet=outlet,
        author=author,
        published=published,
        language=language,
        url=url,
        provenance=provenance,
        warnings=tuple(warnings),
    )


class EmailImporter:
    """One e-mail message (``.eml``), a newsletter or a forwarded article."""

    name = "email"
    suffixes = frozenset({".eml"})

    def sniff(self, head: bytes) -> bool:
        return looks_like_email(head)

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        if header_block(data[:8192]) is None:
            raise ExtractionError(
                "the file is not an e-mail message: it does not start with header lines "
                "(From:, Subject:, Date:)"
            )
        return read_message(parse_message(data), format=self.name)


__all__ = [
    "EmailImporter",
    "header",
    "header_block",
    "looks_like_email",
    "parse_message",
    "part_text",
    "parts",
    "read_message",
    "sender_outlet",
    "subject_title",
]
