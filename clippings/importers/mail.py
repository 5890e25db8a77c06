"""E-mail messages (``.eml``): a newsletter or a forwarded article becomes a clipping.

Read with the standard library's ``email`` package, never by hand:

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

All metadata from the headers is marked ``email-header`` (the URL from the body,
``email-body``). The module is ``mail``, not ``email``, so that it never shadows the
standard library. The MIME structure and headers are ``mail_mime``'s, the text and HTML
parts ``mail_body``'s, the newsletter furniture ``mail_boilerplate``'s; ``mbox`` reads
each message of a mailbox with ``read_message``, ``mhtml`` a saved page's parts.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from email.message import Message
from email.utils import formataddr, getaddresses

from clippings.importers.base import paragraphs, text_to_html
from clippings.importers.language import detect_language
from clippings.importers.mail_body import html_article, plain_article, unflow, without_blocks
from clippings.importers.mail_forward import find_forward, forwarded_date
from clippings.importers.mail_mime import (
    attached_message,
    attachment_name,
    header,
    header_date,
    is_attachment,
    parse_message,
    part_text,
    parts,
    sender_outlet,
    subject_title,
)
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    Published,
)

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
        attachment_name(part) or part.get_content_type()
        for part, _related in parts(outer)
        if is_attachment(part) and part is not _body_part(message)
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
            content = unflow(content)
        text, url = plain_article(content)
        if not text.strip():
            raise ExtractionError("the message has no text")
        article = Extracted(text=text, format="text", html=text_to_html(text))
    headers = _Headers(
        header(message, "subject"),
        _sender(message),
        header_date(message),
        _web_address(header(message, "list-post")),
        header(message, "list-id"),
    )
    if message is outer:
        headers, article = _inline_forward(message, body, headers, article)
    article = _without_headline(article, headers.subject)
    if attachments:
        names = ", ".join(sorted(set(attachments))[:10])
        warnings.append(f"its attachments were not imported ({names})")
    return _with_headers(headers, article, url, format, warnings)


def _sender(message: Message) -> str | None:
    """The From header; when it gives no name, with the mailing list's name
    (``List-Id: CNN Money <money.lists.cnn.com>``), which names the newsletter."""
    sender = header(message, "from")
    if _display_name(sender):
        return sender
    name = _display_name(header(message, "list-id"))
    if not name:
        return sender
    address = _first_address(sender)[1] if sender else ""
    return formataddr((name, address or "list@example.invalid"))


def _first_address(value: str) -> tuple[str, str]:
    try:
        found = getaddresses([value])
    except Exception:  # noqa: BLE001 - a malformed address list
        return "", ""
    return found[0] if found else ("", "")


def _display_name(value: str | None) -> str | None:
    if not value:
        return None
    name = _first_address(value)[0].strip().strip("\"'").strip()
    return name if name and "@" not in name else None


@dataclass(frozen=True)
class _Headers:
    """What a clipping takes from a message's headers (or a forwarded message's)."""

    subject: str | None
    sender: str | None
    published: Published | None
    #: List-Post, which Substack and others set to the post's web address.
    post_url: str | None = None
    list_id: str | None = None


def _web_address(value: str | None) -> str | None:
    """An http(s) address from a header that wraps it in angle brackets."""
    found = re.search(r"https?://[^\s<>]+", value or "")
    return found.group(0) if found else None


_AUTHOR_FROM = re.compile(r"(.+?)\s+(?:from|at)\s+(.+)")


def _author_and_outlet(headers: _Headers) -> tuple[str | None, str | None]:
    """The outlet a sender names, and its author when the name says both ("Ethan
    Mollick from One Useful Thing <oneusefulthing@substack.com>": the part after
    "from" is the outlet when the address or the list names it too)."""
    outlet = sender_outlet(headers.sender)
    name = _display_name(headers.sender)
    match = _AUTHOR_FROM.fullmatch(name) if name else None
    if match is None or headers.sender is None:
        return None, outlet
    key = re.sub(r"\W+", "", match.group(2)).casefold()
    listed = _first_address(headers.list_id)[1] if headers.list_id else ""
    names = (_first_address(headers.sender)[1] + " " + listed).casefold()
    if len(key) < 4 or key not in names:
        return None, outlet
    return match.group(1).strip(), match.group(2).strip()


def _inline_forward(
    message: Message, body: Message, headers: _Headers, article: Extracted
) -> tuple[_Headers, Extracted]:
    """The headers of a message forwarded inline, and the article without the forward's
    header block and the note above it; as they were when nothing is forwarded."""
    found = find_forward(article.text)
    if found is not None and found.text.strip():
        article = replace(article, text=found.text, html=text_to_html(found.text))
    elif body.get_content_type() == "text/html":
        # The extraction may have left the block out: the text alternative still has it.
        plain = next(
            (
                part
                for part, _related in parts(message)
                if part.get_content_type() == "text/plain" and not is_attachment(part)
            ),
            None,
        )
        found = find_forward(part_text(plain)[0]) if plain is not None else None
    if found is None:
        return headers, article
    return (
        _Headers(
            found.subject or headers.subject,
            found.sender or headers.sender,
            forwarded_date(found.date) or headers.published,
        ),
        article,
    )


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
        html=without_blocks(article.html, {" ".join(found[0].split())}) if article.html else None,
    )


def _folded(text: str) -> str:
    return " ".join(re.findall(r"\w+", text.casefold()))


def _attachment_names(message: Message) -> set[str]:
    return {
        attachment_name(part) or part.get_content_type()
        for part, _related in parts(message)
        if is_attachment(part)
    }


def _body_part(message: Message) -> Message | None:
    """The part that holds the message's text: the first HTML part that is not an
    attachment, else the first plain-text one."""
    html_part = plain_part = None
    for part, _related in parts(message):
        if is_attachment(part):
            continue
        kind = part.get_content_type()
        if kind == "text/html" and html_part is None:
            html_part = part
        elif kind == "text/plain" and plain_part is None:
            plain_part = part
    return html_part or plain_part


def _with_headers(
    headers: _Headers, article: Extracted, url: str | None, format: str, warnings: list[str]
) -> Extracted:
    provenance = {
        name: source
        for name, source in article.provenance.items()
        if name in {"language", "author"} and (name == "language" or source in _DECLARED)
    }
    title = subject_title(headers.subject)
    if title:
        provenance["title"] = "email-header"
    elif article.title:
        title = article.title
        provenance["title"] = article.provenance.get("title", "derived")
    sender_author, outlet = _author_and_outlet(headers)
    if outlet:
        provenance["outlet"] = "email-header"
    published = headers.published
    if published is not None:
        provenance["published"] = "email-header"
    if headers.post_url:
        # The publisher's own address of the post (Substack's List-Post) over the web
        # copy a "View in browser" link opens.
        url = headers.post_url
        provenance["url"] = "email-header"
    elif url:
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
    if author is None and sender_author:
        author = sender_author
        provenance["author"] = "email-header"
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


_EMLX_COUNT = re.compile(rb"\s*(\d{1,10})[ \t]*\r?\n")


def without_emlx_frame(data: bytes) -> bytes:
    """The message of an Apple Mail ``.emlx`` file: after the line giving its length in
    bytes, and before the property list that follows it; other bytes as they are."""
    match = _EMLX_COUNT.match(data)
    if match is None:
        return data
    return data[match.end() : match.end() + int(match.group(1))]


class EmailImporter:
    """One e-mail message (``.eml``, Apple Mail's ``.emlx``), a newsletter or a
    forwarded article."""

    name = "email"
    label = "E-mail messages"
    suffixes = frozenset({".eml", ".emlx"})

    def sniff(self, head: bytes) -> bool:
        return looks_like_email(without_emlx_frame(head))

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        data = without_emlx_frame(data)
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
