"""What is not an article: data, code, licences, feeds, archives and programs.

A folder a press archivist imports holds more than articles: the JSON and CSV a scraper
wrote beside them, a README, a licence, scripts, an archive of the same files. Stored as
clippings they would be titled "{" or "MIT License" and pollute Related and Stories.

Two looks, both giving the reason a person reads in the import's "skipped" list:

* ``reason_for_name`` looks only at a file's name (its suffix, or names such as
  ``README.md`` and ``LICENSE.txt``): the folder walk uses it, so such files found in a
  folder are never even read;
* ``not_an_article`` looks at the bytes: the registry asks it about any file that only
  the plain-text or HTML importer would take (a ``.txt`` that holds JSON, a feed), and
  about files no importer takes (an archive, a program), so a file given explicitly is
  always tried and, if it is not an article, refused with the reason.

Both stay on the side of importing: a news format (NITF, NewsML), a web page, an e-mail,
an RTF document or Markdown with code blocks is never called "not an article".
"""

from __future__ import annotations

import csv
import io
import json
import re
from pathlib import PurePath

from clippings.importers.encoding import decode_text
from clippings.importers.html_decoding import looks_like_html
from clippings.model import ExtractionError


def _words(text: str) -> frozenset[str]:
    """The words of ``text`` (long word lists read better as one string)."""
    return frozenset(text.split())


#: The end of every reason: the import lists the file as skipped with it.
NOT_AN_ARTICLE = "not an article"

# --- By name: what the folder walk skips without reading --------------------------------

_JSON = "a JSON data file"
_CSV = "a CSV table (comma-separated data)"
_TSV = "a TSV table (tab-separated data)"
_CONFIG = "a configuration file"
_ARCHIVE = "an archive"
_PROGRAM = "a program or library"
_MEDIA = "an audio or video file"
_DATABASE = "a database file"

_BY_SUFFIX: dict[str, str] = {
    **dict.fromkeys((".json", ".jsonl", ".ndjson", ".geojson", ".ipynb"), _JSON),
    ".csv": _CSV,
    **dict.fromkeys((".tsv", ".tab"), _TSV),
    **dict.fromkeys((".yaml", ".yml", ".toml", ".ini", ".cfg", ".conf", ".properties"), _CONFIG),
    **dict.fromkeys(
        (".tar", ".gz", ".tgz", ".bz2", ".tbz2", ".xz", ".txz", ".zst", ".7z", ".rar", ".lz"),
        _ARCHIVE,
    ),
    **dict.fromkeys(
        (".exe", ".dll", ".so", ".dylib", ".msi", ".dmg", ".deb", ".rpm", ".apk", ".jar",
         ".class", ".o", ".a", ".pyc", ".wasm", ".bin", ".iso"),
        _PROGRAM,
    ),
    **dict.fromkeys(
        (".mp3", ".m4a", ".aac", ".flac", ".ogg", ".oga", ".opus", ".wav", ".mp4", ".m4v",
         ".mov", ".avi", ".mkv", ".webm", ".wmv", ".flv"),
        _MEDIA,
    ),
    **dict.fromkeys((".sqlite", ".sqlite3", ".db"), _DATABASE),
}  # fmt: skip
#: Suffixes of source code (the reason names the suffix: "source code (.py)").
CODE_SUFFIXES = _words(
    ".py .pyw .pyi .js .mjs .cjs .jsx .ts .tsx .css .scss .sass .less .sh .bash .zsh .fish "
    ".ps1 .bat .cmd .c .h .cc .cpp .cxx .hpp .hh .cs .java .kt .kts .scala .go .rs .rb .php "
    ".pl .pm .swift .lua .sql .vb .vbs .r .jl .dart .groovy .gradle .mk .cmake .asm .s"
)
# A project's notes about itself ("README.md", "LICENSE.txt", "COPYING.LESSER"): the name
# before its first dot, in any case.
_PROJECT_FILES = {
    "readme": "a README file (notes about the folder)",
    "license": "a licence text",
    "licence": "a licence text",
    "copying": "a licence text",
    "notice": "a licence notice (NOTICE)",
    "changelog": "a change log",
    "authors": "a list of authors (AUTHORS)",
    "contributing": "a guide for contributors (CONTRIBUTING)",
    "code_of_conduct": "a code of conduct",
    "makefile": "a build script (Makefile)",
    "dockerfile": "a build script (Dockerfile)",
}
# The same words in capitals joined to others ("UPSTREAM-tests-README.rst",
# "GOOSE-LICENSE.txt", "LICENSE-MIT"); only capitals: "license-plate-readers.html" is news.
_PROJECT_WORD = re.compile(r"(?:^|[-_])(README|LICEN[CS]E|COPYING|CHANGELOG)(?:$|[-_])")
#: Files the operating system leaves in folders; skipped without a word, like hidden ones.
_JUNK = frozenset({"thumbs.db", "ehthumbs.db", "desktop.ini", "icon\r"})


def is_junk(name: str) -> bool:
    """Whether a file is one the system or an office program leaves behind (a thumbnail
    cache, a folder's settings, Word's ``~$`` lock file): the walk leaves it out silently."""
    return name.lower() in _JUNK or name.startswith("~$")


def reason_for_name(name: str) -> str | None:
    """Why a file found in a folder is not an article, by its name alone (None: read it).

    Only names that never hold an article: data (``.json``, ``.csv``), code, archives
    other than ``.zip`` (a zip may be a Clippings bundle or a Word document: its bytes
    decide), programs, audio and video, and a project's notes (``README``, ``LICENSE``).
    """
    path = PurePath(name)
    suffix = path.suffix.lower()
    kind = _BY_SUFFIX.get(suffix)
    if kind is None and suffix in CODE_SUFFIXES:
        kind = f"source code ({suffix})"
    if kind is None:
        stem = path.name.split(".", 1)[0]
        word = _PROJECT_WORD.search(stem)
        kind = _PROJECT_FILES.get(word.group(1).lower() if word else stem.lower())
    if kind is None:
        return None
    if kind == _ARCHIVE:
        if len(path.suffixes) >= 2 and path.suffixes[-2].lower() == ".tar":
            suffix = f".tar{suffix}"
        return f"an archive ({suffix}), {NOT_AN_ARTICLE}: unpack it and import the files inside"
    return f"{kind}, {NOT_AN_ARTICLE}"


# --- By content -------------------------------------------------------------------------

#: How much of a text file the checks read (whole lines of it).
TEXT_BYTES = 256 * 1024
#: Up to this size, a file that opens like JSON is parsed whole to be sure.
JSON_PARSE_BYTES = 16 * 1024 * 1024

# Leading bytes of archives and programs (a ``.zip`` is left to the registry: Word,
# OpenDocument and EPUB files are zips, and so is a Clippings bundle).
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"\x1f\x8b", "a gzip-compressed file"),
    (b"\xfd7zXZ\x00", "an xz-compressed file"),
    (b"7z\xbc\xaf\x27\x1c", "a 7-Zip archive"),
    (b"Rar!\x1a\x07", "a RAR archive"),
    (b"\x28\xb5\x2f\xfd", "a Zstandard-compressed file"),
    (b"\x7fELF", "a program (ELF)"),
    (b"\xcf\xfa\xed\xfe", "a program (Mach-O)"),
    (b"\xce\xfa\xed\xfe", "a program (Mach-O)"),
    (b"\xca\xfe\xba\xbe", "a program (Mach-O or Java class)"),
    (b"\x00asm", "a WebAssembly program"),
    (b"SQLite format 3\x00", "an SQLite database"),
)
_UNPACK = "unpack it and import the files inside"


def _binary_kind(data: bytes) -> str | None:
    kind = next((kind for magic, kind in _MAGIC if data.startswith(magic)), None)
    if kind is None:
        if data.startswith(b"BZh") and data[4:10] == b"1AY&SY":
            kind = "a bzip2-compressed file"
        elif len(data) >= 512 and data[257:262] == b"ustar":
            kind = "a tar archive"
        elif data.startswith(b"MZ") and _is_windows_program(data):
            kind = "a Windows program"
        else:
            return None
    if kind.startswith(("a program", "a Windows", "a WebAssembly", "an SQLite")):
        return f"{kind}, {NOT_AN_ARTICLE}"
    return f"{kind}, {NOT_AN_ARTICLE}: {_UNPACK}"


def _is_windows_program(data: bytes) -> bool:
    """An ``MZ`` header that points at a ``PE`` header (text may start with "MZ")."""
    if len(data) < 64:
        return False
    offset = int.from_bytes(data[0x3C:0x40], "little")
    return data[offset : offset + 4] == b"PE\x00\x00"


def _text_of(data: bytes) -> str | None:
    """The first ``TEXT_BYTES`` as text (whole lines), or None for binary data."""
    if len(data) <= TEXT_BYTES:
        return _decoded(data)
    head = data[:TEXT_BYTES]
    if b"\x00" not in head[:4096]:  # whole lines, and so whole characters
        return _decoded(head[: head.rfind(b"\n") + 1] or head)
    # UTF-16/32: whole units; one step back if the cut split a surrogate pair.
    end = len(head) // 4 * 4
    return _decoded(head[:end]) or _decoded(head[: end - 4])


def _decoded(data: bytes) -> str | None:
    try:
        return decode_text(data)[0].lstrip("\ufeff")
    except ExtractionError:
        return None


def not_an_article(data: bytes, name: str) -> str | None:
    """Why a file's bytes are not an article, or None when they may be one.

    Recognised: archives and programs by their leading bytes; JSON (an object or array
    that parses, or JSON Lines); a CSV/TSV table (the same number of fields on every
    line); a list of web addresses; XML whose root is not a news format (an RSS or Atom
    feed is a list of articles, not one; NITF and NewsML are news and pass); a software
    licence; source code (a ``#!`` line, or mostly lines of code). Web pages, e-mails,
    RTF, Markdown with code blocks, subtitles and binary formats that an importer reads
    (PDF, images, zips) pass: None.

    Args:
        data: the file's bytes.
        name: its name; its suffix only lowers the bar for what it announces (a
            two-line ``.csv`` is a table, a two-line ``.txt`` is not).
    """
    kind = _binary_kind(data)
    if kind is not None:
        return kind
    text = _text_of(data)
    if text is None or not text.strip():
        return None
    suffix = PurePath(name).suffix.lower()
    markup = _markup_kind(text, data)
    if markup is not None:
        return markup or None  # "" = markup that may be an article (a page, NITF)
    if _is_other_document(text):
        return None
    for check in (_json_kind, _table_kind, _links_kind, _licence_kind, _code_kind):
        kind = check(text, data, suffix)
        if kind is not None:
            return f"{kind}, {NOT_AN_ARTICLE}"
    return None


# --- Markup -------------------------------------------------------------------------------

_XML_ROOT = re.compile(
    r"\A\s*(?:<\?xml[^>]*>\s*)?"
    r"(?:<!--.*?-->\s*|<\?[^>]*\?>\s*|<!DOCTYPE(?:[^>\[]|\[.*?\])*>\s*)*"
    r"<([A-Za-z_][\w.:-]*)(?=[\s/>])([^>]{0,4096})>",
    re.DOTALL,
)
#: Roots of the news industry's XML: an article, or a package of them, in a news format.
NEWS_ROOTS = frozenset({"nitf", "newsml", "newsmessage", "newsitem", "packageitem"})
# Elements an HTML page or fragment may open with (a saved article's body, a clipping
# copied as HTML): markup, but the HTML or text importer's to judge.
_HTML_ELEMENTS = _words(
    "html head body title meta link base style script noscript template div span p a b i u "
    "s em strong small big font center br hr img figure figcaption picture table thead "
    "tbody tr td th ul ol li dl dt dd h1 h2 h3 h4 h5 h6 header footer main nav aside "
    "section article address blockquote pre code q cite abbr time mark sub sup iframe form "
    "input button label select option textarea canvas video audio source details summary "
    "frameset frame"
)


def not_a_page(data: bytes) -> str | None:
    """Why bytes that the HTML importer recognises are not an article (an RSS feed that
    carries HTML, an XML export), or None: only the markup is judged, since a page may
    carry scripts and style sheets that look like code."""
    text = _text_of(data)
    return (_markup_kind(text, data) or None) if text else None


def _markup_kind(text: str, data: bytes) -> str | None:
    """For text that opens with an element: the reason it is not an article, ``""`` when
    it may be one (a page, a news format), None when it does not open with markup."""
    match = _XML_ROOT.match(text)
    if match is None:
        return "" if looks_like_html(data[:8192]) else None
    root, attributes = match.group(1), match.group(2)
    local = root.rpartition(":")[2].lower()
    if local in NEWS_ROOTS or local in _HTML_ELEMENTS:
        return ""
    if local == "rss" or (local == "rdf" and ("purl.org/rss" in text or "<channel" in text)):
        return f"an RSS news feed (a list of headlines and links), {NOT_AN_ARTICLE}"
    if local == "feed" and ("<entry" in text or "2005/Atom" in attributes):
        return f"an Atom news feed (a list of headlines and links), {NOT_AN_ARTICLE}"
    if looks_like_html(data[:8192]):
        return ""
    if local == "svg":
        return f"an SVG image, {NOT_AN_ARTICLE}"
    # Text that merely opens with something like a tag ("<Reuters> Moscow ...") is the
    # text importer's; XML declares itself, closes its root, or closes tag after tag.
    lines = text.count("\n") + 1
    if (
        text.lstrip().startswith("<?xml")
        or "xmlns" in attributes
        or f"</{root}>" in text[-4096:]
        or text.count("</") >= max(5, lines // 3)
    ):
        return f"an XML data file (<{root}>), {NOT_AN_ARTICLE}"
    return None


# Formats of text an importer reads even though they look like data or code: RTF, an
# e-mail or mbox (headers), MHTML (MIME headers).
_RTF_OR_MBOX = re.compile(r"\A(?:\{\\rtf|From \S+ )")
_MAIL_HEADERS = re.compile(
    r"\A(?:[\w-]+:[^\n]*\n(?:[ \t][^\n]*\n)*){0,40}?"
    r"(?:MIME-Version|Content-Type|Subject|From|Received|Return-Path|Date):",
    re.IGNORECASE,
)


def _is_other_document(text: str) -> bool:
    return bool(_RTF_OR_MBOX.match(text) or _MAIL_HEADERS.match(text))


# --- Data ---------------------------------------------------------------------------------

# How a JSON document too large to parse whole opens: a bracket, then a value.
_JSON_OPENING = re.compile(r'\A\s*(?:\{\s*(?:"|\})|\[\s*(?:[\[{"\]\d-]|true|false|null))')


def _json_kind(text: str, data: bytes, suffix: str) -> str | None:
    stripped = text.lstrip()
    if stripped[:1] in ("{", "["):
        if len(data) > JSON_PARSE_BYTES:
            return _JSON if _JSON_OPENING.match(stripped) else None
        whole = text if len(data) <= TEXT_BYTES else _decoded(data)
        if whole is not None and _parses(whole):
            return _JSON
    # JSON Lines: one object a line.
    lines = [line for line in text.splitlines()[:40] if line.strip()]
    if len(lines) >= 2 and all(line.lstrip().startswith("{") and _parses(line) for line in lines):
        return "a JSON Lines data file"
    return None


def _parses(text: str) -> bool:
    try:
        json.loads(text)
    except (ValueError, RecursionError):
        return False
    return True


# Delimiters of tables, and the fields a row needs for its lines to count as a table.
_DELIMITERS = (("\t", 2, _TSV), (",", 3, _CSV), (";", 3, "a table (semicolon-separated data)"))
_TABLE_SUFFIXES = frozenset({".csv", ".tsv", ".tab", ".psv"})
#: Lines of a file the table check reads.
_TABLE_LINES = 60
#: Rows a table needs; fewer suffice when the name says it is a table.
_TABLE_ROWS = {"\t": 3, ",": 5, ";": 5}


def _table_kind(text: str, data: bytes, suffix: str) -> str | None:
    lines = [line.strip() for line in text.splitlines() if line.strip()]
    cut = len(lines) > _TABLE_LINES
    lines = lines[:_TABLE_LINES]
    for delimiter, fields, kind in _DELIMITERS:
        if not any(delimiter in line for line in lines[:3]):
            continue
        try:
            rows = list(csv.reader(io.StringIO("\n".join(lines)), delimiter=delimiter))
        except csv.Error:
            continue
        if cut and len(rows) > 1:
            rows = rows[:-1]  # its last row may be cut inside a quoted field
        needed = 2 if suffix in _TABLE_SUFFIXES else _TABLE_ROWS[delimiter]
        counts = {len(row) for row in rows}
        if len(rows) < needed or len(counts) != 1:
            continue
        width = counts.pop()
        if width >= fields or (width == 2 and _two_columns(rows)):
            return kind
    return None


_NUMBER = re.compile(r"[-+]?(?:0x[\da-fA-F]+|[$€£]?\d[\d.,:/%]*)")


def _two_columns(rows: list[list[str]]) -> bool:
    """Many rows of two short fields, one of them a number ("seed, 0x0", "1, 0.5"): a
    table; a poem with one comma a line has words on both sides."""
    return (
        len(rows) >= 10
        and all(len(field) <= 40 for row in rows for field in row)
        and sum(any(_NUMBER.fullmatch(field.strip()) for field in row) for row in rows) * 4
        >= len(rows) * 3
    )


_LINK = re.compile(r"^(?:https?|ftp)://\S+$")


def _links_kind(text: str, data: bytes, suffix: str) -> str | None:
    """A list of web addresses, one a line (a bookmark or download list)."""
    lines = [line.strip() for line in text.splitlines()[:200] if line.strip()]
    if len(lines) >= 3 and all(_LINK.match(line) for line in lines):
        return "a list of web addresses"
    return None


# Phrases of the common software licences (MIT, BSD, Apache, GPL/LGPL, MPL).
_LICENCE_PHRASES = tuple(
    re.compile(phrase)
    for phrase in (
        r"permission is hereby granted, free of charge",
        r"the above copyright notice and this permission notice shall be included",
        r"the software is provided \W?as is\W?",
        r"redistribution and use in source and binary forms",
        r"this software is provided by the copyright holders and contributors",
        r"terms and conditions for use, reproduction,? and distribution",
        r"licensed under the apache license",
        r"apache license\W+version 2\.0",
        r"gnu (?:lesser |library |affero )?general public license",
        r"everyone is permitted to copy and distribute verbatim copies",
        r"this (?:program|library) is free software",
        r"without (?:any )?warranty(?: of any kind)?",
        r"mozilla public license",
        r"\bmit license\b",
    )
)


def _licence_kind(text: str, data: bytes, suffix: str) -> str | None:
    head = " ".join(text[:6000].split()).lower()
    found = [phrase.search(head) for phrase in _LICENCE_PHRASES]
    starts = [m.start() for m in found if m is not None]
    # Two phrases, the first near the top: a licence, not an article that quotes one.
    if len(starts) >= 2 and min(starts) < 1500:
        return "a licence text"
    return None


# --- Code ---------------------------------------------------------------------------------

_SHEBANG = re.compile(r"\A#!\s*/(?:usr/)?(?:local/)?(?:s?bin|env)/|\A#!/usr/bin/env\s")
# A line only code has (matched stripped, its last character apart: see ``_is_code``).
# Keywords are lower case, where a sentence starts with a capital. No ``\s*`` follows a
# ``.*``: a line of spaces and brackets must not cost a backtracking search.
_CODE_LINE = re.compile(
    r"""(?:
        (?:import|from)\s+[\w.]+(?:\s+import\s+[\w.*, ()]+)?(?:\s+as\s+\w+)?;?$
      | (?:import|export)\s[^'"]*\bfrom\s+['"][^'"]+['"];?$
      | \#include\s*[<"] | \#define\s | \#if(?:n?def)?\s | \#endif
      | package\s+[\w.]+;?$ | using\s+[\w.]+;$
      | (?:async\s+)?def\s+\w+\s*\( | class\s+\w+\s*[(:{<]
      | (?:async\s+)?function\*?\s*[\w$]*\s*\(
      | (?:const|let|var)\s+[\w$\[\]{}, ]+=
      | (?:public|private|protected|static|final|abstract|override)\s+[\w<>\[\], ]+[({;=]
      | (?:if|for|while|switch|catch|foreach)\s*\(.*\)\s?\{?$
      | (?:if|elif|else|for|while|try|except|finally|with)\b[^.!?]*:$
      | (?:return|throw|raise|yield|assert|await|del)\b | (?:pass|break|continue);?$
      | (?:SELECT|INSERT\s+INTO|UPDATE|DELETE\s+FROM|CREATE\s+(?:TABLE|INDEX|VIEW)
         |ALTER\s+TABLE|DROP\s+TABLE)\b
      | [}\])].{0,60}$
      | [\w.$\[\]'"]+\s*(?:[-+*/%|&]|\*\*|//)?=\s*\S
      | [\w.$]+\(.*\);?$
      | @[\w.]+(?:\(.*\))?$
      | [rbuf]?['"][^'"]*['"](?:\s*:.*)?,$
      | [(\[].*[)\]],$
      | (?:echo|export|cd|fi|done|then|esac|sudo|apt-get|pip|npm|set\s+-e)\b
    )""",
    re.VERBOSE,
)
# Indented lines of an argument list, a literal or a signature: "    self,", "    name:
# str | None = None,".
_INDENTED_CODE = re.compile(
    r"[\w.'\"\[\]()*]+,$|\w+:\s*[\w\[\].]+(?:\s?\|\s?[\w\[\].]+)*(?:\s?=.*)?,?$"
)
#: Longer lines are prose (or minified code, which ``_minified_code`` looks for).
_CODE_LINE_CHARS = 400


def _is_code(line: str) -> bool:
    stripped = line.strip()
    if len(stripped) > _CODE_LINE_CHARS:
        return False
    # A statement, a block opened, a call or a list going on: ";", "{", "(", "[".
    if stripped[-1] in ";{([":
        return True
    if _CODE_LINE.match(stripped):
        return True
    return line[0] in " \t" and _INDENTED_CODE.match(stripped) is not None


# Lines that are neither code nor prose: comments (and a Markdown heading or bullet).
_COMMENT = re.compile(r"^\s*(?:\#(?!include|define|if|endif)|//|/\*|\*|<!--|-->|--\s|;;)")
_FENCE = re.compile(r"^\s*(?:```|~~~)")
_DOCSTRING = re.compile(r"^\s*[rbuRBU]?(?:\"\"\"|\'\'\')")
#: Share of a file's lines (neither blank nor comments) that must be code; lower when
#: the name says it is code.
_CODE_SHARE = 0.6
_CODE_SHARE_BY_NAME = 0.4


def _code_kind(text: str, data: bytes, suffix: str) -> str | None:
    if _SHEBANG.match(text):
        return "a script"
    if text.lstrip().startswith("<?php"):
        return "source code (PHP)"
    lines = _judged_lines(text)
    by_name = suffix in CODE_SUFFIXES
    if len(lines) < (3 if by_name else 8):
        return _minified_code(text) if len(lines) <= 3 else None
    code = sum(1 for line in lines if _is_code(line))
    if code / len(lines) >= (_CODE_SHARE_BY_NAME if by_name else _CODE_SHARE):
        return f"source code ({suffix})" if by_name else "source code"
    return None


def _judged_lines(text: str) -> list[str]:
    """The lines that say whether a text is code: not blank, not comments, not inside a
    Markdown code block (an article about code) or a docstring (prose in code)."""
    lines = []
    block: re.Pattern[str] | None = None
    for line in text.splitlines()[:1000]:
        if block is not None:
            if block.match(line) or (block is _DOCSTRING and ('"""' in line or "'''" in line)):
                block = None
        elif _FENCE.match(line):
            block = _FENCE
        elif _DOCSTRING.match(line):
            quotes = line.strip().lstrip("rbuRBU")[:3]
            if line.count(quotes) < 2:  # not a docstring of one line
                block = _DOCSTRING
        elif line.strip() and not _COMMENT.match(line):
            lines.append(line[:2000])
    return lines


def _minified_code(text: str) -> str | None:
    """A style sheet or script on one line or a few long ones."""
    if len(text) < 2000:
        return None
    punctuation = sum(text.count(ch) for ch in "{};=()")
    letters = sum(ch.isalpha() for ch in text)
    spaces = text.count(" ")
    # Prose, even with few spaces (Chinese, Japanese), has little of this punctuation.
    if punctuation > len(text) * 0.06 and spaces < len(text) * 0.1 and letters:
        return "minified code (a script or style sheet)"
    return None
