"""The archive's vocabulary: plain frozen dataclasses and the project's errors.

Every layer may import this module; it imports nothing of the project's own.
Services hand these objects upward, never ORM rows or index documents.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from types import MappingProxyType
from typing import Literal

# A publication date: an aware ``datetime`` in the source's own offset when a time is
# known, a plain ``date`` when only the day is.
Published = datetime | date

#: The metadata fields whose origin is recorded (``Clipping.provenance``).
METADATA_FIELDS = (
    "title",
    "outlet",
    "author",
    "published",
    "language",
    "url",
    "page",
    "section",
    "edition",
)

#: Keys of ``provenance`` that describe the clipping as a whole rather than where one
#: field came from (their values are the facts themselves):
#: ``text``: "ocr" when the text was recognised in images; ``ocr_confidence``: the
#: recognition's mean word confidence, 0 to 100; ``ocr_languages``: the Tesseract
#: languages used ("eng+deu"); ``printed``: when a browser printed the page to PDF
#: (ISO 8601), which is not its publication date.
PROVENANCE_FACTS = ("text", "ocr_confidence", "ocr_languages", "printed")

#: Where a metadata value came from, from most to least sure. Importers may use others
#: (a short lowercase word or two joined by ``-``); these are the ones the UI knows.
PROVENANCE_LABELS = {
    "user": "set by you",
    "json-ld": "from the page's structured data",
    "html-meta": "from the page's meta tags",
    "opengraph": "from the page's OpenGraph tags",
    "pdf-info": "from the PDF's document information",
    "pdf-xmp": "from the PDF's XMP metadata",
    "text-header": "from the clipping's header lines",
    "text-dateline": "from a dateline in the text",
    "html-heuristic": "guessed from the page",
    "pdf-heuristic": "guessed from the first page",
    "pdf-date-heuristic": "guessed from when the PDF file was made",
    "text-heuristic": "guessed from the text",
    "url": "derived from the URL",
    "derived": "made up from the text (no headline found)",
    "detected": "detected from the text",
    "bundle": "from an exported bundle",
    "docx-properties": "from the document's properties",
    "odt-properties": "from the document's properties",
    "rtf-info": "from the document's information",
    "epub-metadata": "from the e-book's metadata",
    "document-heading": "from the document's first heading",
    "docx-heuristic": "guessed from the document",
    "odt-heuristic": "guessed from the document",
    "rtf-heuristic": "guessed from the document",
    "epub-heuristic": "guessed from the e-book",
    "nexis": "from the news database's header",
    "email-header": "from the e-mail's headers",
    "email-body": 'from the e-mail\'s "View in browser" link',
    "mhtml-header": "from the saved page's headers",
    "print-footer": "from the browser's print header or footer",
    "ocr": "recognised in the image (OCR)",
}


@dataclass(frozen=True)
class ImportOptions:
    """What the user chose for an import, handed to every importer (picklable, so it
    travels to the extraction workers).

    Attributes:
        password: the password to try on a protected file.
        ocr_languages: Tesseract language codes for OCR (``("eng", "deu")``); empty
            means automatic: the script that Tesseract's orientation and script
            detection finds picks them.
        force_ocr: recognise the text of a PDF's pages even when it has a text layer
            (``clippings ocr`` on a clipping already stored).
    """

    password: str | None = None
    ocr_languages: tuple[str, ...] = ()
    force_ocr: bool = False


#: The options of an import that chose nothing.
DEFAULT_OPTIONS = ImportOptions()


def _frozen(mapping: Mapping[str, str] | None) -> Mapping[str, str]:
    return MappingProxyType(dict(mapping or {}))


@dataclass(frozen=True)
class Extracted:
    """What an importer makes of one file: article text and metadata.

    Importers are pure functions of a file's bytes and name (see ``importers``);
    ``provenance`` maps each metadata field that has a value to where it came from.
    """

    text: str
    format: str
    title: str | None = None
    html: str | None = None
    outlet: str | None = None
    author: str | None = None
    published: Published | None = None
    language: str | None = None
    url: str | None = None
    page: str | None = None
    section: str | None = None
    edition: str | None = None
    provenance: Mapping[str, str] = field(default_factory=dict)
    #: False for a file with no text layer (an image-only scan): stored, flagged, not indexed
    #: as a searchable success.
    has_text: bool = True
    #: Plain-words notes on what the importer could not do (e.g. "no text layer").
    warnings: tuple[str, ...] = ()
    #: Which article of a file that holds several (a message of an mbox, a chapter of
    #: an e-book, an article of a database export), counted from 1; None for a file
    #: that is one article. Every part keeps the whole file as its original.
    part: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "provenance", _frozen(self.provenance))


@dataclass(frozen=True)
class Outlet:
    """A publication: the one name its clippings show, and how it is recognised."""

    id: int
    name: str
    #: How it got its name: "page" (a page declared it), "domain" (no page did: the
    #: site's address stands in) or "user" (yours: no import replaces it).
    named_by: str
    #: Its clippings outside the trash.
    count: int = 0
    #: The sites it publishes on ("theguardian.com") ...
    domains: tuple[str, ...] = ()
    #: ... and the names pages declared for it, folded ("the guardian").
    names: tuple[str, ...] = ()


@dataclass(frozen=True)
class Tag:
    """A tag: a hierarchical name (``Russia/US relations``), a colour and a count."""

    name: str
    colour: str | None = None
    count: int = 0

    @property
    def parent(self) -> str | None:
        head, sep, _ = self.name.rpartition("/")
        return head if sep else None

    @property
    def leaf(self) -> str:
        return self.name.rpartition("/")[2]


@dataclass(frozen=True)
class ClippingSummary:
    """One row of the list: what a table shows, never the article text."""

    id: int
    title: str
    outlet: str | None
    published: Published | None
    language: str | None
    word_count: int
    tags: tuple[str, ...] = ()
    trashed: bool = False
    has_text: bool = True


@dataclass(frozen=True)
class ListPosition:
    """Where a page of the list ended: the sort value of its last row, as the archive
    stores it (None when that row has no value, so it sorts last), and the row's id.

    The next page starts right after it (keyset paging), whatever was added or removed
    meanwhile. Meaningful only for the sort, direction, tag and trash it was read with.
    """

    value: str | int | float | None
    id: int


@dataclass(frozen=True)
class ListPage:
    """A page of the list, and where the following one starts (None after the last)."""

    rows: tuple[ClippingSummary, ...]
    next: ListPosition | None


@dataclass(frozen=True)
class ClippingCopy:
    """Another file of a clipping's piece (a web page's print-to-PDF, a .docx of it),
    recognised at import as the same piece and kept as another original of the
    clipping instead of becoming a clipping of its own."""

    sha256: str
    original_name: str
    format: str
    added_at: datetime | None = None


@dataclass(frozen=True)
class Clipping:
    """A whole clipping as stored in the archive."""

    id: int
    title: str
    text: str
    outlet: str | None = None
    author: str | None = None
    published: Published | None = None
    language: str | None = None
    url: str | None = None
    html: str | None = None
    word_count: int = 0
    page: str | None = None
    section: str | None = None
    edition: str | None = None
    notes: str | None = None
    original_name: str = ""
    sha256: str = ""
    format: str = ""
    imported_at: datetime | None = None
    trashed: bool = False
    has_text: bool = True
    tags: tuple[str, ...] = ()
    provenance: Mapping[str, str] = field(default_factory=dict)
    #: Which article of its original file (a message of an mbox), from 1; None for a
    #: file that is one article (``Extracted.part``).
    part: int | None = None
    #: Other files of the same piece imported later (its print-to-PDF, a .docx of it),
    #: kept as originals of this clipping, oldest first.
    copies: tuple[ClippingCopy, ...] = ()

    def __post_init__(self) -> None:
        object.__setattr__(self, "provenance", _frozen(self.provenance))

    def summary(self) -> ClippingSummary:
        return ClippingSummary(
            id=self.id,
            title=self.title,
            outlet=self.outlet,
            published=self.published,
            language=self.language,
            word_count=self.word_count,
            tags=self.tags,
            trashed=self.trashed,
            has_text=self.has_text,
        )


@dataclass(frozen=True)
class SearchHit:
    """A search result: the row, its score and a snippet.

    ``snippet`` is HTML-escaped text in which the matched words are wrapped in
    ``<mark>…</mark>``.
    """

    clipping: ClippingSummary
    score: float
    snippet: str


@dataclass(frozen=True)
class SearchResults:
    """The first hits of a search and how many match in all (see ``Ranking``)."""

    hits: tuple[SearchHit, ...]
    total: int
    exact: bool = True
    notes: tuple[str, ...] = ()


@dataclass(frozen=True)
class Ranking:
    """What a search index answers: clipping ids with scores, best first, and how many
    clippings match in all.

    ``exact`` is False when ``total`` is only a lower bound: counting every match would
    have cost the index a second pass, so the window says "more than N". ``notes`` say,
    in the user's words, where the search was narrowed (a prefix that stands for too
    many words), so that nothing is hidden.
    """

    hits: tuple[tuple[int, float], ...]
    total: int
    exact: bool = True
    notes: tuple[str, ...] = ()

    @property
    def ids(self) -> list[int]:
        return [clipping_id for clipping_id, _score in self.hits]


def plural(count: int, word: str, words: str | None = None) -> str:
    """ "1 clipping", "2 clippings", "1,234 stories" (``words``: the plural, when it is
    not ``word`` + "s")."""
    return f"{count:,} {word if count == 1 else (words or word + 's')}"


def story_summary(story: Story) -> str:
    """ "3 reports, 1 outlet, 2 copies": a story in the same words in the window and the
    command line."""
    parts = [plural(len(story.clippings), "report")]
    if story.outlets:  # texts without an outlet (pasted, ECB+): "0 outlets" says nothing
        parts.append(plural(len(story.outlets), "outlet"))
    if story.copies:
        parts.append(plural(story.copies, "copy", "copies"))
    return ", ".join(parts)


def judged_with(story: Story) -> dict[int, list[int]]:
    """For each clipping of ``story`` in a same-story verdict of the user's: the other
    clippings of the story the user said it is the same story as (the window and the
    command line mark those rows)."""
    said: dict[int, list[int]] = {}
    for a, b in story.judged:
        said.setdefault(a, []).append(b)
        said.setdefault(b, []).append(a)
    return {i: sorted(others) for i, others in said.items()}


def story_change(before: Sequence[Story], after: Sequence[Story], a: int, b: int) -> str | None:
    """What a verdict on ``a`` and ``b`` did to the stories (those ``before`` and
    ``after`` it), in one sentence for the window and the command line, or None when it
    did not join or part them."""

    def story_of(stories: Sequence[Story], clipping: int) -> Story | None:
        return next((s for s in stories if any(c.id == clipping for c in s.clippings)), None)

    def title(stories: Sequence[Story], clipping: int) -> str:
        for story in stories:
            for row in story.clippings:
                if row.id == clipping:
                    return _short_title(row.title)
        return str(clipping)

    was_a, was_b = story_of(before, a), story_of(before, b)
    now_a, now_b = story_of(after, a), story_of(after, b)
    joined_before = was_a is not None and was_a is was_b
    joined_now = now_a is not None and now_a is now_b
    if joined_now and not joined_before and now_a is not None:
        size = plural(len(now_a.clippings), "report")
        if was_a is not None and was_b is not None:
            return (
                f"Two stories are one now: “{_short_title(was_a.title)}” and "
                f"“{_short_title(was_b.title)}” ({size})."
            )
        if was_a is None and was_b is None:
            return f"“{title(after, a)}” and “{title(after, b)}” are a story now."
        newcomer = a if was_a is None else b
        if now_a.clippings[0].id == newcomer:  # the story is named after it
            return f"“{title(after, newcomer)}” is in a story of {size} now."
        return (
            f"“{title(after, newcomer)}” joined the story “{_short_title(now_a.title)}” ({size})."
        )
    if joined_before and not joined_now:
        where = []
        for clipping, now in ((a, now_a), (b, now_b)):
            if now is None:
                place = "in no story"
            elif now.clippings[0].id == clipping:  # the story is named after it
                place = f"at the head of a story of {plural(len(now.clippings), 'report')}"
            else:
                place = f"in “{_short_title(now.title)}”"
            where.append(f"“{title(before, clipping)}” is {place}")
        return "The story is split: " + "; ".join(where) + "."
    return None


def _short_title(title: str, width: int = 50) -> str:
    return title if len(title) <= width else title[: width - 1].rstrip() + "…"


def count_found(total: int, exact: bool = True) -> str:
    """How a search's count reads: "1,234 found", or "more than 1,234 found"."""
    return f"{total:,} found" if exact else f"more than {total:,} found"


@dataclass(frozen=True)
class SearchFilters:
    """What the window's filters narrow a search or the list to (empty: no filter)."""

    date_from: date | None = None
    date_to: date | None = None
    outlet: str | None = None
    language: str | None = None
    tag: str | None = None

    def is_empty(self) -> bool:
        return not any((self.date_from, self.date_to, self.outlet, self.language, self.tag))


@dataclass(frozen=True)
class SavedSearch:
    """A named query and its filters."""

    name: str
    query: str
    filters: SearchFilters = SearchFilters()


@dataclass(frozen=True)
class Progress:
    """Where a long job is: ``done`` of ``total`` steps, and what it is doing now."""

    done: int
    total: int
    message: str = ""


ImportOutcome = Literal["imported", "duplicate", "skipped", "failed"]


@dataclass(frozen=True)
class ImportResult:
    """What happened to one file of an import."""

    path: str
    outcome: ImportOutcome
    id: int | None = None
    title: str | None = None
    reason: str | None = None
    #: True for a clipping stored without text (a scan with no text layer).
    without_text: bool = False
    #: True when the file needs a password to be read (the UI may ask and retry).
    needs_password: bool = False
    #: A duplicate that is the same piece in another format: the file is kept as
    #: another original of clipping ``id`` (``Clipping.copies``).
    kept_as_copy: bool = False


@dataclass(frozen=True)
class ImportReport:
    results: tuple[ImportResult, ...]
    cancelled: bool = False

    def of(self, outcome: ImportOutcome) -> tuple[ImportResult, ...]:
        return tuple(r for r in self.results if r.outcome == outcome)

    @property
    def ok(self) -> bool:
        return not self.of("failed")


@dataclass(frozen=True)
class Collection:
    """Clippings chosen for an export, in the order they are exported (by publication
    date, then title), with a name for the cover (a tag, a query, "Selection")."""

    title: str
    clippings: tuple[Clipping, ...]
    made_at: datetime
    #: The archive's tag colours by tag name (``#rrggbb``), for formats that show tags.
    tag_colours: Mapping[str, str] = field(default_factory=dict)

    @property
    def date_range(self) -> tuple[Published, Published] | None:
        """The earliest and latest publication dates (None when no clipping has one)."""
        dates = [c.published for c in self.clippings if c.published is not None]
        if not dates:
            return None
        ordered = sorted(dates, key=lambda d: published_utc(d) or datetime.min)
        return ordered[0], ordered[-1]


Relation = Literal["duplicate", "same story", "related"]

#: A user's verdict on two clippings, which outranks the program's label.
Verdict = Literal["same story", "not same story"]
VERDICTS: tuple[Verdict, ...] = ("same story", "not same story")


@dataclass(frozen=True)
class RelatedClipping:
    """Another clipping related to one, how, and how strongly (0..1)."""

    clipping: ClippingSummary
    relation: Relation
    score: float
    #: For duplicates: the share of text the two have in common (0..1).
    shared: float = 0.0
    #: The user's verdict on the pair, when they gave one (``relation`` follows it).
    verdict: Verdict | None = None


@dataclass(frozen=True)
class Story:
    """Clippings about the same event, in order of publication."""

    id: int
    title: str
    clippings: tuple[ClippingSummary, ...]
    outlets: tuple[str, ...]
    #: The clipping published first (the earliest dated one; a date without a time
    #: counts as midday of its day against reports of that day with a time).
    first: int
    #: How many of the clippings are copies of another one's text (duplicates).
    copies: int
    #: The pairs of its clippings the user said are the same story (smaller id first):
    #: a story may hold them only because of that verdict.
    judged: tuple[tuple[int, int], ...] = ()
    #: Each copy and the clipping of its text published first (that one is no copy):
    #: (copy, original) pairs, as many as ``copies``.
    copy_of: tuple[tuple[int, int], ...] = ()

    @property
    def known_first(self) -> int | None:
        """``first`` where a report has a date; None where none has (then which came
        first is not known, and nothing is marked so)."""
        dated = any(c.published is not None for c in self.clippings)
        return self.first if dated else None


@dataclass(frozen=True)
class Quote:
    """A direct quotation in a clipping's text, with its speaker when the text names one."""

    text: str
    speaker: str | None
    #: Where the quotation stands in the clipping's text (character offsets).
    start: int = 0
    end: int = 0


PairKind = Literal["same", "changed", "moved", "similar", "only_a", "only_b"]


@dataclass(frozen=True)
class AlignedPair:
    """One passage of a comparison: a sentence of A, of B, or one of each.

    ``similar`` pairs say the same thing in other words (see ``analysis/paraphrase``).
    """

    kind: PairKind
    a: str | None
    b: str | None
    #: How alike the two passages are (1.0 for the same words; for ``similar`` the
    #: weighted share of distinctive terms the two have in common).
    similarity: float = 0.0
    #: For ``similar``: the names and numbers both passages carry, as written in either
    #: (each spelling once, A's first), so a view can mark them.
    shared: tuple[str, ...] = ()


@dataclass(frozen=True)
class CheckProblem:
    """One fault found by ``check``.

    ``severity`` is "error" when something is lost or wrong (a missing original, a
    damaged database, search out of step) and "warning" for leftovers that cost only
    disk space (an original no clipping uses, an unfinished purge).
    """

    kind: str
    message: str
    clipping_id: int | None = None
    severity: Literal["error", "warning"] = "error"
    #: Whether ``check --repair`` fixes it without losing anything.
    repairable: bool = False


#: The roles of a team archive, from the fewest rights to the most: a reader searches,
#: reads and exports; an editor also imports, tags, edits and trashes; an admin also
#: purges, renames, recolours, merges and deletes tags, and manages the members.
ROLES = ("reader", "editor", "admin")


@dataclass(frozen=True)
class Member:
    """A person's account in a team archive and its role there (one of ``ROLES``)."""

    login: str
    role: str


#: What the audit trail records of a clipping (``AuditEntry.action``).
AUDIT_ACTIONS = (
    "imported",
    "edited",
    "tagged",
    "untagged",
    "trashed",
    "restored",
    "purged",
    "judged",
)


@dataclass(frozen=True)
class AuditEntry:
    """One change of a clipping in the audit trail: who did what, and when.

    ``who`` is the server's user name in a team archive and the operating system's
    user for an archive folder. ``detail``: the fields an edit changed ("title,
    notes"), the tag of a tagging, the title of a purged clipping, a verdict on a pair
    ("not same story as 12", "no verdict on 12" when taken back); else None.
    """

    at: datetime
    who: str
    action: str
    detail: str | None = None


# --- Errors ---------------------------------------------------------------------------


class ClippingsError(Exception):
    """Base of the project's errors. ``str(error)`` is a message a person can act on."""


class ArchiveError(ClippingsError):
    """The archive folder cannot be opened or created."""


class NotFoundError(ClippingsError):
    """An id or a tag that the archive does not have."""


class QueryError(ClippingsError):
    """A search query that cannot be understood (an unknown field, an unreadable date)."""


class TagError(ClippingsError):
    """A tag name or operation that is not allowed."""


class UnsupportedFormatError(ClippingsError):
    """A file that no importer handles (the import lists it as skipped)."""


class ExtractionError(ClippingsError):
    """A file of a known type that cannot be read (broken, truncated, ...)."""


class PasswordRequiredError(ExtractionError):
    """A file that needs a password; ``wrong`` is True when one was given and refused."""

    def __init__(self, message: str, *, wrong: bool = False) -> None:
        super().__init__(message)
        self.wrong = wrong


class Cancelled(ClippingsError):  # noqa: N818 - it names what happened, not a fault
    """A long job stopped because the user asked."""


class TooLargeError(ExtractionError):
    """A file that takes too long or too much memory to read (the import skips it)."""


class StorageError(ClippingsError):
    """The archive's disk refused a write (full, read-only, gone); nothing was changed."""


class ReadOnlyArchiveError(StorageError):
    """A change asked of an archive that was opened read-only."""


class NotAllowedError(StorageError):
    """A change the user's role in a team archive does not allow (nothing was changed)."""


class MemberError(ClippingsError):
    """A change of a team archive's members that cannot be made: an unknown role, a
    user name the server cannot take, or an account that is not the archive's to
    change (the server's administrators, one's own)."""


class IndexDamagedError(ClippingsError):
    """The search index could not be read (a damaged file): it is rebuilt from the
    database, which holds everything."""


class IndexBusyError(ClippingsError):
    """Another program is writing the search index; the change waits in the queue."""


@dataclass(frozen=True)
class IndexDocument:
    """What the search index holds of one clipping (the storage layer makes these)."""

    id: int
    revision: int
    title: str
    text: str
    outlet: str | None
    author: str | None
    language: str | None
    published: Published | None
    #: Every tag of the clipping with all its ancestors ("Russia/US" adds "Russia").
    tags: tuple[str, ...]
    #: The people its direct quotations are attributed to.
    speakers: tuple[str, ...] = ()
    #: The outlet's other names and its sites (``outlet:`` finds them too).
    outlet_names: tuple[str, ...] = ()


def tag_name(raw: str) -> str:
    """A tag name as stored: trimmed parts joined by ``/``.

    Raises:
        TagError: the name is empty or has an empty part ("a//b").
    """
    parts = [part.strip() for part in raw.strip().strip("/").split("/")]
    if not raw.strip() or any(not part for part in parts):
        raise TagError(f"{raw!r} is not a tag name: give words separated by '/'")
    return "/".join(parts)


def tag_ancestors(name: str) -> tuple[str, ...]:
    """``"a/b/c"`` -> ``("a", "a/b", "a/b/c")``."""
    parts = name.split("/")
    return tuple("/".join(parts[: i + 1]) for i in range(len(parts)))


def published_to_iso(value: Published | None) -> str | None:
    """ISO 8601 in the source's own offset, or a bare day."""
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.isoformat(timespec="seconds")
    return value.isoformat()


def published_from_iso(value: str | None) -> Published | None:
    if not value:
        return None
    if len(value) == 10:
        return date.fromisoformat(value)
    return datetime.fromisoformat(value)


def published_utc(value: Published | None) -> datetime | None:
    """The instant as a naive UTC datetime, for sorting and ranges (a day: its midnight)."""
    if value is None:
        return None
    if isinstance(value, datetime):
        if value.tzinfo is None:
            return value
        return value.astimezone(UTC).replace(tzinfo=None)
    return datetime(value.year, value.month, value.day)
