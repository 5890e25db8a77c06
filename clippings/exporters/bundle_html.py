"""HTML for the bundle's pages: the article cleaned again, and saved web pages made safe.

Exporters may not use nh3 (only importers/ import the extraction libraries), and the
stored HTML already passed it: ``page_html`` is a second, independent allow-list, rebuilt
from the parser's events, so whatever it writes is escaped text and the tags below. It
keeps what importers/sanitize.py keeps (tests/importers/test_bundle.py checks the two
lists).

A saved web page (``.html``, ``.mhtml``) is an original the bundle keeps as it is, for
importing again; opened in a browser it would run the site's scripts and fetch its
trackers. ``saved_page_html`` gives its readable content through the same allow-list:
no script, frame, form, image, style sheet, font or anything else that fetches.
"""

from __future__ import annotations

import codecs
import html
import re
from email import policy
from email.message import Message
from email.parser import BytesParser
from html.parser import HTMLParser
from urllib.parse import urljoin, urlsplit

PAGE_TAGS = frozenset(
    {
        "a", "abbr", "b", "blockquote", "br", "caption", "cite", "code", "dd", "del", "dfn",
        "div", "dl", "dt", "em", "figcaption", "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i",
        "ins", "kbd", "li", "mark", "ol", "p", "pre", "q", "s", "small", "span", "strong",
        "sub", "sup", "table", "tbody", "td", "tfoot", "th", "thead", "time", "tr", "u", "ul",
    }
)  # fmt: skip
_VOID = {"br", "hr"}
# Elements whose content is dropped with them (code, styles, embedded documents).
# (Void elements such as embed have no content and are simply not kept.)
_DROPPED = {
    "script", "style", "template", "iframe", "frameset", "object", "svg", "math",
    "noscript", "noembed", "noframes", "textarea", "select", "title", "xmp",
}  # fmt: skip
_SPAN = re.compile(r"[1-9][0-9]{0,2}")
# Browsers ignore tabs and newlines anywhere in a URL, and controls and blanks around it.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_BLANKS = "".join(chr(c) for c in range(33))
_WEB = {"http", "https"}


def _scheme(url: str) -> str | None:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:
        return None


def page_link(href: str) -> str | None:
    """``href`` if following it can only open a web page, a mail or a file of the bundle:
    http(s), mailto or a relative path; not ``javascript:``, ``data:`` or ``//host``."""
    url = _URL_IGNORED.sub("", href).strip(_URL_BLANKS)
    if url[:2].replace("\\", "/") == "//":
        return None  # another host, by whatever scheme the page has (file: on a disk)
    scheme = _scheme(url)
    return url if scheme in {"", "http", "https", "mailto"} else None


def _web_link(href: str, base: str | None) -> str | None:
    """A saved page's link as an absolute web address (its relative links meant the
    site, not the bundle), or None: without the page's address they lead nowhere."""
    url = _URL_IGNORED.sub("", href).strip(_URL_BLANKS).replace("\\", "/")
    if not url or url.startswith("#"):
        return None
    scheme = _scheme(url)
    if scheme == "mailto":
        return url
    if scheme == "" and base is not None:
        try:
            url = urljoin(base, url)
        except ValueError:
            return None
        scheme = _scheme(url)
    return url if scheme in _WEB and urlsplit(url).netloc else None


class _PageHtml(HTMLParser):
    def __init__(self, saved_page: bool, base: str | None) -> None:
        super().__init__(convert_charrefs=True)
        self.saved_page = saved_page
        self.base = base
        self.parts: list[str] = []
        self.open: list[str] = []
        self.dropping: list[str] = []

    def parse_marked_section(self, i: int, report: bool = True) -> int:
        # The standard library raises AssertionError on "<![foo" (a marked section other
        # than CDATA, which HTML does not have); browsers read it as a bogus comment.
        try:
            return super().parse_marked_section(i, report)
        except AssertionError:
            end = self.rawdata.find(">", i + 3)
            return -1 if end < 0 else end + 1

    def _attribute(self, tag: str, name: str, value: str) -> str | None:
        """The value of an attribute a page keeps, or None to leave it out."""
        if tag == "a" and name == "href":
            return _web_link(value, self.base) if self.saved_page else page_link(value)
        if tag == "a" and name == "title":
            return value
        if tag in ("td", "th") and name in ("colspan", "rowspan") and _SPAN.fullmatch(value):
            return value
        return None

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self.dropping or tag in _DROPPED:
            if tag in _DROPPED:
                self.dropping.append(tag)
            return
        if tag not in PAGE_TAGS:
            return
        kept = []
        for name, value in attrs:
            value = self._attribute(tag, name, value) if value is not None else None
            if value is not None:
                kept.append(f' {name}="{html.escape(value, quote=True)}"')
        if tag == "a":
            kept.append(' rel="noopener noreferrer nofollow"')
        self.parts.append(f"<{tag}{''.join(kept)}>")
        if tag not in _VOID:
            self.open.append(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.dropping:
            if tag == self.dropping[-1]:
                self.dropping.pop()
            return
        if tag in self.open:
            while self.open:
                last = self.open.pop()
                self.parts.append(f"</{last}>")
                if last == tag:
                    break

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(html.escape(data, quote=False))

    def result(self) -> str:
        self.close()
        return "".join(self.parts) + "".join(f"</{tag}>" for tag in reversed(self.open))


def page_html(fragment: str) -> str:
    """The article HTML as a page shows it: only readable elements and safe links.

    Nothing that runs, fetches, submits or redirects survives (``meta`` refresh,
    ``base``, ``form``, ``script``, ``iframe``, images, event attributes,
    ``javascript:`` links); every element left open is closed, so the article cannot
    swallow the page around it.
    """
    cleaner = _PageHtml(saved_page=False, base=None)
    cleaner.feed(fragment)
    return cleaner.result()


def article_html(fragment: str, address: str | None) -> str:
    """The article HTML as its clipping's page shows it: as ``page_html``, with its
    relative links made absolute against the clipping's web address (they meant the
    site, not the bundle), or left out when it has none."""
    cleaner = _PageHtml(
        saved_page=True, base=address if address and _scheme(address) in _WEB else None
    )
    cleaner.feed(fragment)
    return cleaner.result()


# --- Saved web pages ---------------------------------------------------------------------------

#: Formats whose original is a web page a browser would run (``Clipping.format``).
WEB_PAGE_FORMATS = frozenset({"html", "mhtml"})
#: Suffixes a browser opens as a document that may run or fetch, whatever the format a
#: file was read as (a text clipping saved as ``notes.html`` is a page to a browser).
WEB_PAGE_SUFFIXES = frozenset(
    {".html", ".htm", ".xhtml", ".xht", ".shtml", ".svg", ".xml", ".mhtml", ".mht"}
)
# How far into a page a browser looks for its <meta charset> (the HTML standard says
# 1024 bytes; saved pages put long comments first, so a little more).
_CHARSET_PRESCAN = 4096
_META_CHARSET = re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9._:-]+)", re.IGNORECASE)
# The HTML standard reads these labels as windows-1252, and UTF-16 declared inside a page
# that is readable as ASCII as UTF-8.
_LABELS = {"iso-8859-1": "cp1252", "latin-1": "cp1252", "ascii": "cp1252", "us-ascii": "cp1252"}
_MOST_SECTIONS = 1000


def _codec(label: str | None) -> str | None:
    if not label:
        return None
    label = label.strip().lower()
    label = _LABELS.get(label, label)
    try:
        name = codecs.lookup(label).name
    except LookupError:
        return None
    return "utf-8" if name.startswith("utf-16") or name.startswith("utf-32") else name


def decode_page(data: bytes, declared: str | None = None) -> str:
    """A page's bytes as text, the way a browser finds the charset: a byte order mark,
    else the charset its headers declared, else its ``<meta charset>``, else UTF-8 if it
    reads as UTF-8, else windows-1252. Never raises."""
    for mark, name in (
        (codecs.BOM_UTF8, "utf-8"),
        (codecs.BOM_UTF16_LE, "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be"),
    ):
        if data.startswith(mark):
            return data[len(mark) :].decode(name, errors="replace")
    codec = _codec(declared)
    if codec is None:
        found = _META_CHARSET.search(data[:_CHARSET_PRESCAN])
        codec = _codec(found.group(1).decode("ascii")) if found else None
    if codec is None:
        try:
            return data.decode("utf-8")
        except UnicodeDecodeError:
            codec = "cp1252"
    return data.decode(codec, errors="replace")


def _main_page(message: Message) -> Message | None:
    """The saved page's own HTML part: the one ``start`` names, else the one at the
    snapshot's address, else the first (the others are frames)."""
    pages: list[Message] = []
    stack: list[tuple[Message, int]] = [(message, 0)]
    while stack:
        part, depth = stack.pop()
        payload = part.get_payload()
        if part.is_multipart() and isinstance(payload, list):
            if depth < 20:
                stack.extend((p, depth + 1) for p in reversed(payload) if isinstance(p, Message))
        elif part.get_content_type() == "text/html":
            pages.append(part)
    if not pages:
        return None
    start = str(message.get_param("start") or "").strip().strip("<>")
    location = str(message.get("snapshot-content-location") or "").strip()
    for part in pages:
        if start and str(part.get("content-id") or "").strip().strip("<>") == start:
            return part
    for part in pages:
        if location and str(part.get("content-location") or "").strip() == location:
            return part
    return pages[0]


def _saved_as_one_file(data: bytes) -> tuple[str, str | None]:
    """The main page of an MHTML file, and the address it was saved from."""
    if data.count(b"\n--") > _MOST_SECTIONS:
        return "", None  # a hostile file: nothing of it is shown
    try:
        message = BytesParser(policy=policy.compat32).parsebytes(data)
    except Exception:  # noqa: BLE001 - the stdlib's parser on a damaged file
        return "", None
    page = _main_page(message)
    if page is None:
        return "", None
    raw = page.get_payload(decode=True)
    body = raw if isinstance(raw, bytes) else b""
    address = str(
        message.get("snapshot-content-location") or page.get("content-location") or ""
    ).strip()
    return decode_page(body, page.get_content_charset()), address or None


def saved_page_html(data: bytes, format_name: str, address: str | None = None) -> str:
    """A saved web page's readable content, safe to open from the bundle.

    Its text, headings, lists, tables and links; nothing that runs or fetches (scripts,
    frames, forms, images, style sheets, fonts, ``meta`` refresh, ``base``). Its
    relative links are made absolute against the page's own address (the one an MHTML
    file names, else ``address``), or left out when it has none.

    Args:
        data: the original file's bytes.
        format_name: ``mhtml`` for a page saved as one file; any other is read as an
            HTML page.
        address: the page's web address, if the clipping knows it.
    """
    if format_name == "mhtml":
        markup, saved_at = _saved_as_one_file(data)
    else:
        markup, saved_at = decode_page(data), None
    base = next((a for a in (saved_at, address) if a and _scheme(a) in _WEB), None)
    cleaner = _PageHtml(saved_page=True, base=base)
    cleaner.feed(markup)
    return cleaner.result()
