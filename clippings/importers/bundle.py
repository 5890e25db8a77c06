"""Reading a bundle back: the zip that ``clippings export --format bundle`` writes.

A bundle comes from another archive, or from someone who made it by hand to look like
one, so nothing in it is trusted. Its zip is read within limits
(``importers.containers``); ``clippings.json`` is parsed one record at a time and every
record is checked field by field before anything is stored; its HTML is sanitized
again; each original is unpacked once however many records name it. A bad record costs
one problem message, never the rest of the bundle. Writing bundles stays in
``exporters/bundle.py``.

``clippings.json`` comes in two shapes: a bare list of records (bundles of version 1,
made before the JSON export had a version), and ``{"version": 1, "clippings": [...],
"tag_colours": {...}}`` (bundle version 2). Both are read; a newer version of the
records is refused with the version named.
"""

from __future__ import annotations

import json
import re
import struct
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import PurePosixPath
from types import MappingProxyType
from urllib.parse import urlsplit

from clippings.importers.bundle_records import RECORDS, RecordsHeader, records
from clippings.importers.bundle_records import RECORDS_VERSION as RECORDS_VERSION
from clippings.importers.containers import (
    MB,
    ContainerLimits,
    ZipContainer,
    is_zip,
    safe_member_name,
)
from clippings.importers.sanitize import sanitize_html
from clippings.model import (
    METADATA_FIELDS,
    PROVENANCE_FACTS,
    ClippingsError,
    Extracted,
    ExtractionError,
    TagError,
    published_from_iso,
    tag_name,
)

# The format's names. exporters/bundle.py, which writes bundles, keeps the same four
# (importers/ and exporters/ may not import each other); tests/importers/test_bundle.py
# checks that they agree.
BUNDLE_FORMAT = "clippings-bundle"
#: The name a bundle is written with (``exporters/bundle.py``) and read back from.
BUNDLE_SUFFIX = ".zip"
#: How the import dialog and the README name bundles.
BUNDLE_LABEL = "Clippings bundles"
BUNDLE_VERSION = 2
MANIFEST = "bundle.json"
ORIGINALS = "originals/"

# A bundle holds two members a clipping (its page and its original) and a few more.
_CONTAINER = ContainerLimits(members=100_000)


@dataclass(frozen=True)
class BundleLimits:
    """How much a bundle may hold.

    Attributes:
        container: the zip's limits: members, bytes per original, bytes in all, ratio.
        manifest_bytes: the most ``bundle.json`` may unpack to.
        records_bytes: the most ``clippings.json`` may unpack to.
        records: the most clippings one bundle may hold.
    """

    container: ContainerLimits = _CONTAINER
    manifest_bytes: int = 64 * 1024
    records_bytes: int = 256 * MB
    records: int = 50_000


@dataclass(frozen=True)
class BundleCopy:
    """Another file of a bundled clipping's piece (its print-to-PDF, a .docx of it),
    kept as a copy of the clipping.

    Attributes:
        original: its bytes.
        original_name: its file's name, without any folder.
        format: the format it was read as ("pdf").
    """

    original: bytes = field(repr=False)
    original_name: str
    format: str


@dataclass(frozen=True)
class BundleEntry:
    """One clipping of a bundle, checked and ready to store.

    Attributes:
        extracted: its text and metadata (the HTML sanitized again).
        original: the bytes of its original file (shared by records naming the same one).
        original_name: the original file's name, without any folder.
        tags: its tags, each a valid tag name.
        notes: the user's notes on it.
        number: its position in the bundle's ``clippings.json``, from 1.
    """

    extracted: Extracted
    original: bytes = field(repr=False)
    original_name: str
    tags: tuple[str, ...]
    notes: str | None
    number: int
    #: The other files of the same piece that the clipping keeps (``bundle_copies``).
    copies: tuple[BundleCopy, ...] = ()


@dataclass(frozen=True)
class BundleContents:
    """The clippings of a bundle that can be stored, and why the others cannot.

    Attributes:
        entries: the good records, in the bundle's order.
        problems: one plain message per bad record ("record 12: its title is not text").
        tag_colours: the colours of the bundle's tags (``#rrggbb``) by tag name, for the
            tags that had one; a colour that is not valid is left out.
    """

    entries: tuple[BundleEntry, ...]
    problems: tuple[str, ...] = ()
    tag_colours: Mapping[str, str] = field(default_factory=lambda: MappingProxyType({}))


def is_bundle(data: bytes) -> bool:
    """Whether these bytes are a Clippings bundle: a zip holding our manifest.

    Cheap and safe on any bytes: it never raises and unpacks nothing but the manifest
    (within ``BundleLimits.manifest_bytes``). A zip too damaged to list its members is
    a bundle when its first member is one a bundle starts with, so that reading it says
    the bundle is damaged rather than that the file is of an unknown kind.
    """
    if not is_zip(data):
        return False
    limits = BundleLimits()
    try:
        with ZipContainer(data, what="bundle", limits=limits.container) as bundle:
            if not bundle.has(MANIFEST):
                return False
            try:
                manifest = _json(bundle.read(MANIFEST, limit=limits.manifest_bytes), MANIFEST)
            except ClippingsError:
                return True  # ours by name; reading it will say what is wrong
    except ClippingsError:
        return _starts_like_bundle(data)
    except Exception:  # noqa: BLE001 - a sniffing test answers, whatever the bytes
        return False
    return not isinstance(manifest, dict) or manifest.get("format") == BUNDLE_FORMAT


def read_bundle(data: bytes, *, limits: BundleLimits = BundleLimits()) -> BundleContents:
    """Every clipping of a bundle that passes its checks, and a problem for each other.

    Args:
        data: the bundle's bytes.
        limits: how much the bundle may hold and unpack to.

    Raises:
        ExtractionError: the bundle as a whole cannot be read: a damaged zip, no or a
            foreign manifest, a newer bundle version, a ``clippings.json`` that is
            missing, not valid JSON, not a list of records, or of a newer version.
        TooLargeError: the bundle, its manifest or its records exceed the limits.
    """
    with ZipContainer(data, what="bundle", limits=limits.container) as bundle:
        _check_manifest(bundle, limits)
        if not bundle.has(RECORDS):
            raise ExtractionError(f"the bundle is damaged: it has no {RECORDS}")
        # Its own size limit bounds it; a record with a long run of one character packs
        # well without being a bomb, and costs only its own record (see _TEXT_FIELDS).
        raw = bundle.read(RECORDS, limit=limits.records_bytes, check_ratio=False)
        text = _utf8(raw, RECORDS)
        originals = _Originals(bundle)
        entries: list[BundleEntry] = []
        problems: list[str] = []
        header = RecordsHeader()
        for number, record in enumerate(records(text, limits.records, header), start=1):
            try:
                entries.append(_entry(record, number, originals))
            except _RecordError as error:
                problems.append(f"record {number}: {error}")
    return BundleContents(
        entries=tuple(entries),
        problems=tuple(problems),
        tag_colours=MappingProxyType(header.colours()),
    )


# --- The manifest and the records ----------------------------------------------------------


def _check_manifest(bundle: ZipContainer, limits: BundleLimits) -> None:
    if not bundle.has(MANIFEST):
        raise ExtractionError(
            f"the file is not a Clippings bundle: it has no {MANIFEST} "
            "(a zip made by another program, or a damaged bundle)"
        )
    manifest = _json(bundle.read(MANIFEST, limit=limits.manifest_bytes), MANIFEST)
    if not isinstance(manifest, dict) or manifest.get("format") != BUNDLE_FORMAT:
        raise ExtractionError(
            f"the file is not a Clippings bundle: its {MANIFEST} describes something else"
        )
    version = manifest.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise ExtractionError(f"the bundle is damaged: its {MANIFEST} gives no valid version")
    if version > BUNDLE_VERSION:
        raise ExtractionError(
            f"this bundle was made by a newer version of Clippings (bundle version "
            f"{version}; this one reads up to {BUNDLE_VERSION}): update Clippings to import it"
        )


def _utf8(raw: bytes, name: str) -> str:
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ExtractionError(f"the bundle is damaged: its {name} is not UTF-8 text") from None


def _json(raw: bytes, name: str) -> object:
    try:
        return json.loads(_utf8(raw, name))
    except RecursionError:
        raise ExtractionError(
            f"the bundle is damaged: its {name} is nested too deeply to read"
        ) from None
    except ValueError as error:
        raise ExtractionError(
            f"the bundle is damaged: its {name} is not valid JSON ({error})"
        ) from None


class _Originals:
    """The bundle's original files, each unpacked at most once (and counted once toward
    the bundle's total), however many records name it."""

    def __init__(self, bundle: ZipContainer) -> None:
        self._bundle = bundle
        self._read: dict[str, bytes | ClippingsError] = {}

    def get(self, name: str) -> bytes:
        if name not in self._read:
            try:
                self._read[name] = self._bundle.read(name)
            except ClippingsError as error:
                self._read[name] = error
        found = self._read[name]
        if isinstance(found, ClippingsError):
            raise _RecordError(str(found))
        return found


# --- One record ------------------------------------------------------------------------------


class _RecordError(Exception):
    """What is wrong with one record (the message follows "record 12: ")."""


# The record's text fields: what a message calls each, and its most characters.
_TEXT_FIELDS = {
    "title": ("its title", 2_000),
    "outlet": ("its outlet", 1_000),
    "author": ("its author", 1_000),
    "language": ("its language", 100),
    "url": ("its web address", 8_000),
    "page": ("its page", 1_000),
    "section": ("its section", 1_000),
    "edition": ("its edition", 1_000),
    "published": ("its publication date", 100),
    "format": ("its format", 100),
    "notes": ("its notes", 1_000_000),
    "original_name": ("its original file's name", 1_000),
    "bundle_original": ("its original file", 1_000),
    "text": ("its text", 20_000_000),
    "html": ("its HTML", 40_000_000),
}
_SURROGATE = re.compile("[\ud800-\udfff]")
_MOST_TAGS = 1_000
_MOST_TAG_CHARACTERS = 1_000
_MOST_PROVENANCE_CHARACTERS = 100


def _entry(record: object, number: int, originals: _Originals) -> BundleEntry:
    if not isinstance(record, dict):
        raise _RecordError(f"it is not a clipping's record but {_kind(record)}")
    texts = {name: _text(record, name) for name in _TEXT_FIELDS}
    has_text = record.get("has_text", True)
    if not isinstance(has_text, bool):
        raise _RecordError("its has_text field is not true or false")
    try:
        published = published_from_iso(texts["published"])
    except ValueError:
        raise _RecordError(
            f"its publication date {texts['published']!r} is not a date (YYYY-MM-DD or ISO 8601)"
        ) from None
    warnings = []
    url = texts["url"]
    if url and _scheme(url) not in {"http", "https"}:
        warnings.append(f"its web address {url[:80]!r} was left out: not an http(s) link")
        url = None
    member = texts["bundle_original"]
    if not member:
        raise _RecordError("it names no original file")
    if not member.startswith(ORIGINALS) or not safe_member_name(member):
        raise _RecordError(f"its original file {member!r} is not in the bundle's {ORIGINALS}")
    part = _part(record.get("part"))
    tags = _tags(record.get("tags", []))
    provenance = _provenance(record.get("provenance"))
    original = originals.get(member)  # last: a record found bad costs no unpacking
    extracted = Extracted(
        text=texts["text"] or "",
        format=texts["format"] or "text",
        title=texts["title"],
        html=(sanitize_html(texts["html"]) or None) if texts["html"] else None,
        outlet=texts["outlet"],
        author=texts["author"],
        published=published,
        language=texts["language"],
        url=url,
        page=texts["page"],
        section=texts["section"],
        edition=texts["edition"],
        provenance=provenance,
        has_text=has_text,
        warnings=tuple(warnings),
        part=part,
    )
    return BundleEntry(
        extracted=extracted,
        original=original,
        original_name=_file_name(texts["original_name"]) or PurePosixPath(member).name,
        tags=tags,
        notes=texts["notes"],
        number=number,
        copies=_copies(record.get("bundle_copies"), originals),
    )


#: The most copies one record may name (a piece in a few formats, not hundreds).
_MOST_COPIES = 100


def _copies(value: object, originals: _Originals) -> tuple[BundleCopy, ...]:
    """The record's ``bundle_copies``: each a file of the bundle's ``originals/``."""
    if value is None:
        return ()
    if not isinstance(value, list) or len(value) > _MOST_COPIES:
        raise _RecordError(f"its copies are not a list of at most {_MOST_COPIES} files")
    found = []
    for item in value:
        if not isinstance(item, dict):
            raise _RecordError(f"one of its copies is not a file's record but {_kind(item)}")
        member, name, kind = (item.get(k) for k in ("bundle_original", "original_name", "format"))
        if not isinstance(member, str) or not isinstance(kind, str) or len(kind) > 100:
            raise _RecordError("one of its copies names no original file or format")
        if not member.startswith(ORIGINALS) or not safe_member_name(member):
            raise _RecordError(f"its copy {member!r} is not in the bundle's {ORIGINALS}")
        shown = _file_name(name if isinstance(name, str) else None)
        found.append(
            BundleCopy(
                original=originals.get(member),
                original_name=shown or PurePosixPath(member).name,
                format=kind,
            )
        )
    return tuple(found)


def _text(record: Mapping[str, object], name: str) -> str | None:
    label, most = _TEXT_FIELDS[name]
    value = record.get(name)
    if value is None:
        return None
    if not isinstance(value, str):
        raise _RecordError(f"{label} is not text but {_kind(value)}")
    if len(value) > most:
        raise _RecordError(f"{label} is longer than {most:,} characters")
    if _SURROGATE.search(value):  # JSON allows them; UTF-8, nh3 and the database do not
        raise _RecordError(f"{label} holds characters that are not valid Unicode")
    return value


def _scheme(url: str) -> str:
    try:
        return urlsplit(url).scheme.lower()
    except ValueError:  # "http://[::1", say
        return ""


#: The highest article number a record may give (an mbox holds at most 10,000 messages;
#: other many-article formats fewer).
_MOST_PARTS = 1_000_000


def _part(value: object) -> int | None:
    """Which article of its original the record is (a message of an mbox), or None."""
    if value is None:
        return None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= _MOST_PARTS:
        raise _RecordError("its article number (part) is not a whole number from 1")
    return value


def _tags(value: object) -> tuple[str, ...]:
    if not isinstance(value, list):
        raise _RecordError(f"its tags are not a list of names but {_kind(value)}")
    if len(value) > _MOST_TAGS:
        raise _RecordError(f"it has more than {_MOST_TAGS:,} tags")
    tags = []
    for tag in value:
        if not isinstance(tag, str):
            raise _RecordError(f"one of its tags is not text but {_kind(tag)}")
        if _SURROGATE.search(tag):
            raise _RecordError("one of its tags holds characters that are not valid Unicode")
        if len(tag) > _MOST_TAG_CHARACTERS:
            raise _RecordError(
                f"one of its tags is longer than {_MOST_TAG_CHARACTERS:,} characters"
            )
        try:
            tags.append(tag_name(tag))
        except TagError:
            raise _RecordError(f"its tag {tag!r} is not a tag name") from None
    return tuple(dict.fromkeys(tags))


def _provenance(value: object) -> dict[str, str]:
    """Where each field came from; labels of fields this version does not know are left
    out, as unknown fields are."""
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise _RecordError(f"its provenance is not a table of fields but {_kind(value)}")
    found = {}
    for name, label in value.items():
        if name not in METADATA_FIELDS and name not in PROVENANCE_FACTS:
            continue
        if (
            not isinstance(label, str)
            or len(label) > _MOST_PROVENANCE_CHARACTERS
            or _SURROGATE.search(label)
        ):
            raise _RecordError(f"the provenance of its {name} is not a short label")
        found[name] = label
    return found


def _file_name(name: str | None) -> str:
    """A name without any folder, and without characters that could mislead a reader."""
    if not name:
        return ""
    last = PurePosixPath(name.replace("\\", "/")).name
    return "".join(c for c in last if c.isprintable()).strip()


def _kind(value: object) -> str:
    if value is None:
        return "empty (null)"
    if isinstance(value, bool):
        return "true or false"
    if isinstance(value, int | float):
        return "a number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, dict):
        return "a table"
    return type(value).__name__


def _starts_like_bundle(data: bytes) -> bool:
    """Whether a zip's first member is one a bundle starts with (an original file, or the
    index page of an empty export): how a bundle too damaged to list is still known."""
    try:
        (length,) = struct.unpack_from("<H", data, 26)
    except struct.error:
        return False
    first = data[30 : 30 + length].decode("utf-8", "replace")
    return first.startswith(ORIGINALS) or first == "index.html"
