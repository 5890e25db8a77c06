"""Who wrote a clipping: a list of people and organisations, parsed once.

A page's byline is free text: "By JANE DOE and Tom Watkins, CNN", "Associated Press",
"Doe, Jane", "Mac & i", "No Author". Clippings reads it once, when a file is imported
and when the user edits the field, into a list of names, and stores that list as one
string with ``SEPARATOR`` between names ("Jane Doe; Tom Watkins"). Everything else (the
reading pane, search, every export) reads the stored list through ``author_list``; no
export guesses at a byline of its own.

``parse_byline`` is the import's reading: it drops a leading "By"/"Von"/"Par"…, splits
on "and", "&", ";" and commas where each side is a person's name, drops an affiliation
or job after a comma ("Tom Watkins, CNN"; "TOM KRISHER, AP Auto Writer"), writes a name
in capitals as a name ("Tom Krisher"), and drops the placeholders content systems fill
in ("No Author", "Administrator", "By Submitted").

``parse_edited`` is the edit's reading: the user's names, split only on ";", each as
the user typed it (a name with one comma, "García Márquez, Gabriel", is a person
with the family name first).

``author_list`` then says of each stored name whether it is a person (with family and
given names, for citation formats) or an organisation or other literal name ("Associated
Press", "dpa", a name in a script without spaces), by the same rules every time.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: What stands between two names in the stored field (and what the user types).
SEPARATOR = "; "


@dataclass(frozen=True)
class Author:
    """One author of a clipping: a person, or an organisation (a literal name)."""

    name: str
    #: A person's family name (with its particles, "van Gogh"), or None for a literal.
    family: str | None = None
    given: str | None = None
    #: "Jr.", "III"…
    suffix: str | None = None

    @property
    def is_person(self) -> bool:
        return self.family is not None

    def inverted(self) -> str:
        """ "Family, Given" for a person (as RIS and library catalogues write it); the
        name itself for an organisation."""
        if self.family is None:
            return self.name
        parts = [self.family]
        if self.given:
            parts.append(self.given)
        if self.suffix:
            parts.append(self.suffix)
        return ", ".join(parts)


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# What content systems write when no one is named (compared casefolded, without "by").
_PLACEHOLDERS = _words(
    """
    admin administrator author anonymous unknown none null n/a na submitted editor
    webmaster user guest staff unbekannt inconnu desconocido anonym anonyme
    redacteur redakteur
    """
) | frozenset(
    {
        "no author",
        "not available",
        "unknown author",
        "site admin",
        "web editor",
        "the author",
        "guest author",
        "staff writer",
        "staff reports",
        "staff report",
        "wire reports",
        "wire services",
    }
)

# A byline's opening word that is no name ("By Jane Doe", "Von Hans Meier").
_BY = re.compile(
    r"^\s*(?:(?:submitted|posted|written|written and reported|reported)\s+by|by|from|von|par|"
    r"por|door|av|af|przez)\s*:?\s+",
    re.IGNORECASE,
)
# A title before a name, no part of it ("Dr. Jane Doe").
#: A bracketed aside in a byline: an address ("(www.dw.com)", "(jsmith@example.com)",
#: "(@pkim)") anywhere, or an affiliation after a name ("Jane Doe (AP)"). Names only stay.
_ADDRESS_ASIDE = re.compile(r"\s+[(\[][^)\]]*(?:https?:|www\.|@|\.\w{2,}\b)[^)\]]*[)\]]")
_NAME_ASIDE = re.compile(r"(?<=\w)\s+[(\[][^)\]]*[)\]]")
_HONORIFIC = re.compile(r"^(?:dr|prof|mr|mrs|ms|mx|sir|dame|rev)\.?\s+", re.IGNORECASE)

# Words that make a name an organisation (news agencies, desks, staff bylines).
_ORGANISATION_WORDS = _words(
    """
    press presse prensa stampa news nachrichten noticias nouvelles notizie agency agencies
    agence agencia agentur agenzia reuters afp ap dpa epa ansa efe apa sda kna kyodo xinhua
    tass ria itar upi bloomberg staff desk team redaktion rédaction redacción redazione
    redactie editorial editors editor newsroom service services wire online media group
    magazine magazin zeitung times post journal daily herald tribune gazette observer
    network networks channel radio television tv broadcasting corporation company inc
    ltd llc gmbh ag sa plc association institute university ministry department office
    council committee foundation bureau correspondents reporters contributors
    organization organisation organisation agentur institut verlag
    """
)

# Particles that belong to the family name ("Ludwig van Beethoven", "Charles de Gaulle").
_PARTICLES = _words(
    "van von der den de del della di da das dos du la le ter ten zu al el bin ibn ben st."
)
_SUFFIXES = _words("jr jr. sr sr. ii iii iv")

# After a comma: what says where or what a person works, not another person.
_AFFILIATION_WORDS = _ORGANISATION_WORDS | _words(
    """
    writer correspondent reporter columnist contributor author photographer producer
    analyst chief senior special political business science sports auto health
    technology tech economics foreign national international washington london paris
    berlin new york phd ph.d md m.d mba msc bsc ba ma
    """
)

_SPLIT_AND = re.compile(r"\s+(?:and|und|et|y|e|en|och|og|i|и)\s+|\s*&\s*", re.IGNORECASE)
_INITIAL = re.compile(r"^(?:\w\.)+$")


def parse_byline(value: str | None, *, outlet: str | None = None) -> str | None:
    """The stored author list of an imported byline, or None when it names no one.

    ``outlet`` (the clipping's) is dropped where a byline repeats it after a name.
    """
    names = _byline_names(value or "", outlet)
    return SEPARATOR.join(names) if names else None


def parse_edited(value: str | None) -> str | None:
    """The stored author list of what the user typed: names between ";", each kept as
    typed ("Doe, Jane" and "García Márquez, Gabriel": family name first)."""
    names: list[str] = []
    for piece in (value or "").split(";"):
        name = " ".join(piece.split())
        if name and name not in names:
            names.append(name)
    return SEPARATOR.join(names) if names else None


def author_list(stored: str | None) -> tuple[Author, ...]:
    """The authors of a stored author field, each a person or a literal name."""
    if not stored:
        return ()
    return tuple(_author(name) for name in (p.strip() for p in stored.split(";")) if name)


def _placeholder(name: str) -> bool:
    folded = _BY.sub("", name).strip(" .:-").casefold()
    return not folded or folded in _PLACEHOLDERS


def _byline_names(value: str, outlet: str | None) -> list[str]:
    text = " ".join(value.replace("\u00a0", " ").split())
    text = _BY.sub("", text).strip(" ,;")
    text = _NAME_ASIDE.sub("", _ADDRESS_ASIDE.sub("", text)).strip(" ,;")
    if not text or _placeholder(text):
        return []
    names: list[str] = []
    for piece in re.split(r"\s*[;|/]\s*|\s+[-–—]\s+", text):
        for part in _split_people(piece, outlet):
            part = _HONORIFIC.sub("", _BY.sub("", part)).strip(" ,;:")
            if part.endswith(".") and not _keeps_period(part):
                part = part[:-1]
            part = _recase(part)
            if part and not _placeholder(part) and part not in names:
                if outlet and part.casefold() == outlet.casefold() and names:
                    continue
                names.append(part)
    return names


def _keeps_period(name: str) -> bool:
    """Whether a name's last period is its own ("Jr.", "J."), not the sentence's."""
    last = name.split()[-1].casefold()
    return last in _SUFFIXES or bool(_INITIAL.match(last))


def _split_people(piece: str, outlet: str | None) -> list[str]:
    """A piece of a byline split into names, affiliations after commas dropped."""
    commas = [p.strip() for p in piece.split(",") if p.strip()]
    if not commas:
        return []
    if len(commas) == 2 and _looks_inverted(commas[0], commas[1]):
        # "Doe, Jane": one person, family name first; stored as written ("Jane Doe").
        return [f"{commas[1]} {commas[0]}"]
    kept: list[str] = []
    for number, part in enumerate(commas):
        if number > 0 and _affiliation(part, outlet):
            continue
        kept.extend(_split_and(part))
    return kept


def _split_and(part: str) -> list[str]:
    """ "Jane Doe and Tom Watkins" is two people; "Mac & i" or "Procter & Gamble" is one
    name: split only where every side reads as a person's name."""
    sides = [s.strip() for s in _SPLIT_AND.split(part) if s.strip()]
    if len(sides) > 1 and all(_author(_recase(s)).is_person for s in sides):
        return sides
    return [part]


def _looks_inverted(first: str, second: str) -> bool:
    """ "Doe, Jane" (one person) rather than "Jane Doe, CNN" or "Jane Doe, John Roe"."""
    return (
        len(first.split()) == 1
        and 1 <= len(second.split()) <= 2
        and not _affiliation(second, None)
        and not _affiliation(first, None)
        and all(w[:1].isupper() for w in (*first.split(), *second.split()))
    )


def _affiliation(part: str, outlet: str | None) -> bool:
    """Whether what follows a comma says where or what someone works, not who."""
    if outlet and part.casefold() == outlet.casefold():
        return True
    words = [w.strip(".").casefold() for w in part.split()]
    if any(w in _AFFILIATION_WORDS for w in words):
        return True
    # "CNN", "AP", "BBC News": one word in capitals is an outlet or agency.
    return len(words) == 1 and part.isupper() and len(part) <= 6


def _recase(name: str) -> str:
    """A name written in capitals ("TOM KRISHER") as a name ("Tom Krisher"); short
    all-capital words of a mixed name (agency initials, "AFP") stay."""
    letters = [c for c in name if c.isalpha()]
    if len(letters) < 6 or not name.isupper() or len(name.split()) < 2:
        return name
    return " ".join(
        w
        if (w.casefold() in _ORGANISATION_WORDS or (len(w) <= 3 and w.isupper() and "." not in w))
        and len(name.split()) > 3
        else _title_word(w)
        for w in name.split()
    )


def _title_word(word: str) -> str:
    # "O'BRIEN" -> "O'Brien", "JEAN-PAUL" -> "Jean-Paul"
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), word.casefold())


def _author(name: str) -> Author:
    """A stored name read as a person (family and given names) or a literal."""
    if _is_organisation(name):
        return Author(name)
    family, comma, given = name.partition(",")
    if comma:
        # "García Márquez, Gabriel", "Doe, J.", "King, Martin Luther, Jr.": family first.
        given, _, after = given.partition(",")
        family, given, after = family.strip(), given.strip(), after.strip()
        if family and given and len(given.split()) <= 4 and "," not in after:
            return Author(name, family=family, given=given, suffix=after or None)
        return Author(name)
    words = _HONORIFIC.sub("", name).split()
    folded = [w.strip(".,").casefold() for w in words]
    if len(words) < 2 or len(words) > 5:
        return Author(name)
    suffix: str | None = None
    if folded[-1] in _SUFFIXES and len(words) > 2:
        suffix = words[-1]
        words = words[:-1]
        folded = folded[:-1]
    for word, low in zip(words, folded, strict=True):
        if low in _PARTICLES:
            continue
        if not (word[:1].isupper() or _INITIAL.match(word)):
            return Author(name)
    # The family name is the last word with the particles before it ("de Gaulle").
    start = len(words) - 1
    while start > 1 and folded[start - 1] in _PARTICLES:
        start -= 1
    family = " ".join(words[start:])
    given = " ".join(words[:start])
    if not given or given.casefold() in _PARTICLES:
        return Author(name)
    return Author(name, family=family, given=given, suffix=suffix)


def _is_organisation(name: str) -> bool:
    """A name with a word of an organisation ("Deutsche Presse-Agentur", "World Health
    Organization") or a digit is no person."""
    words = re.split(r"[\s\-/]+", name.casefold())
    return any(w.strip(".,()") in _ORGANISATION_WORDS for w in words) or any(
        ch.isdigit() for ch in name
    )


__all__ = ["SEPARATOR", "Author", "author_list", "parse_byline", "parse_edited"]
