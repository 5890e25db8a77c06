"""Readable, safe HTML for the reading pane and exports (nh3, the Ammonia sanitizer).

What comes out has no script, style, iframe, form, event handler or remote resource:
images and every other element that would fetch something are dropped, links keep
only their ``href`` (http, https, mailto, or a relative path; a link to ``//host``
becomes ``https://host``).
"""

from __future__ import annotations

import re

import nh3

_TAGS = {
    "a",
    "abbr",
    "b",
    "blockquote",
    "br",
    "caption",
    "cite",
    "code",
    "dd",
    "del",
    "dfn",
    "div",
    "dl",
    "dt",
    "em",
    "figcaption",
    "h1",
    "h2",
    "h3",
    "h4",
    "h5",
    "h6",
    "hr",
    "i",
    "ins",
    "kbd",
    "li",
    "mark",
    "ol",
    "p",
    "pre",
    "q",
    "s",
    "small",
    "span",
    "strong",
    "sub",
    "sup",
    "table",
    "tbody",
    "td",
    "tfoot",
    "th",
    "thead",
    "time",
    "tr",
    "u",
    "ul",
}
_ATTRIBUTES = {"a": {"href", "title"}, "td": {"colspan", "rowspan"}, "th": {"colspan", "rowspan"}}


# Browsers ignore tabs and newlines anywhere in a URL, and controls and blanks around it.
_URL_IGNORED = re.compile(r"[\t\n\r]")
_URL_BLANKS = "".join(chr(c) for c in range(33))


def _attribute(tag: str, name: str, value: str) -> str:
    """A link to ``//host/page`` takes the scheme of the page showing it: ``file:`` for an
    exported page opened from disk, which on Windows connects to a share on that host
    when clicked. Such a link is made an https link (what it meant on the web)."""
    if tag == "a" and name == "href":
        url = _URL_IGNORED.sub("", value).strip(_URL_BLANKS)
        if url[:2].replace("\\", "/") == "//":
            return "https://" + url.lstrip("/\\")
    return value


def sanitize_html(fragment: str) -> str:
    """Keep the readable structure of ``fragment`` and nothing that runs or fetches."""
    return nh3.clean(
        fragment,
        tags=_TAGS,
        attributes=_ATTRIBUTES,
        url_schemes={"http", "https", "mailto"},
        link_rel="noopener noreferrer nofollow",
        strip_comments=True,
        attribute_filter=_attribute,
    ).strip()
