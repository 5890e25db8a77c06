"""Who said a quotation: the persons a text names, and the speaker of each quotation
(``"…," he said`` followed back to the person named before).

Apart from ``quotes`` (finding the quotations between their marks) because it is a
reading of the text's names and speech verbs that stands on its own; ``extract_quotes``
calls it for each quotation it found.

A quotation's speaker is looked for, in this order (``extract_quotes`` keeps the order
and borrows from neighbouring quotations, steps 3 and 5; the readings of the text,
steps 1, 2 and 4's reporter, are here):

1. right after it: ``"…," Antonov said`` / ``said Antonov`` / ``he added`` /
   ``the diplomat indicated`` / ``according to X`` / ``People quoted him as saying``;
2. before it in the same sentence: ``Antonov said: "…"``, ``Putin said he felt he and
   Biden "…"``, ``according to X, … "…"`` (the speech verb nearest the quote, and the
   name, pronoun or role noun before it, else the sentence's first known person);
3. from a quotation earlier in the same sentence (``"…," he said, "…"`` and
   ``would "…," and his presidency would "…"``);
4. from the sentence just before, in the same paragraph, when the quotation opens its
   sentence: that sentence's quoted speaker, or its ``X noted that …`` reporter;
5. from the quotation that follows at once, for one left open at a paragraph's end or
   one followed straight away by an attributed quotation.

Pronouns (he, she, him, her) and role nouns (the diplomat, the minister, the president,
the spokesman …) resolve to the most recent person named before them whose gender does
not conflict (a person's gender comes from a title or role, else, in English, from the
pronoun that follows their name: "Tishana King says she saw"; a role no one was given
takes the gender of the pronoun after it: "the witness told detectives she"); a role
noun that the text used as a title of someone ("Ambassador Anatoly Antonov", "Antonov,
the ambassador") means that person. Persons are the names the text
gives a title or role, or makes the subject of a speech verb.

The speaker rule: a person is returned in the fullest form the text gives anywhere
(titles dropped): "Antonov" and "Ambassador Anatoly Antonov" give "Anatoly Antonov".
Joint speakers come as "Laurence Mark and Bill Condon". A proper name that is directly
the subject of a speech verb but not known as a person (an organisation: "Kremlin") is
returned as written; anything else (the ministry, a report, "they") gives None. A
quotation attributed right beside it to someone the text leaves unnamed ("the company
said in a statement", "a source said", "a reporter asked X, “…”") is ``UNNAMED``'s: no
one's, and never given the speaker of a quotation around it.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cached_property, lru_cache


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read)."""
    return frozenset(words.split())


def _wordlist(words: str) -> list[str]:
    return words.split()


# --- Character classes ----------------------------------------------------------------


def _upper_letters() -> str:
    ranges = [(0x41, 0x5B), (0xC0, 0x250), (0x370, 0x530), (0x1E00, 0x1F00)]
    letters = (chr(c) for lo, hi in ranges for c in range(lo, hi))
    return "".join(ch for ch in letters if ch.isupper())


_UP = re.escape(_upper_letters())
# A full stop only after an initial or a short abbreviation ("J.", "Jr.", "Gov."): a
# longer word with one ends a sentence, and a name run went on across it
# ("Kugelschreibern. Deniz Yücel", "Tokyo. Izuku").
_CAPWORD = (
    rf"(?:[{_UP}][^\W\d_]{{0,3}}\.|[{_UP}][^\W\d_]*(?:['’][{_UP}][^\W\d_]*|-[^\W\d_]+)*"
    rf"(?![\w'’\-]*\.[^\W\d_]))"
)
_PARTICLE = r"(?:de|da|di|do|dos|das|du|del|della|der|den|van|von|zu|le|la|bin|ibn|al|el|ter|y)"
_NAMERUN = rf"{_CAPWORD}(?:[ \t]+(?:{_PARTICLE}[ \t]+)*{_CAPWORD})*"
_NAMES = (
    rf"{_NAMERUN}(?:(?:[ \t]*,[ \t]*{_NAMERUN})*[ \t]*,?[ \t]+(?:and|&|und|et|и)[ \t]+{_NAMERUN})?"
)
_NAMES_RE = re.compile(_NAMES)
_NAMES_AT_END = re.compile(rf"(?<![\w'’\-])({_NAMES})\s*$")

# --- Vocabulary -------------------------------------------------------------------------

_VERBS = _wordlist(r"""
said says say told tells added adds noted notes indicated indicates stressed stresses
explained explains wrote writes writing tweeted tweets tweeting posted posting stated
declared declares announced announces insisted insists warned warns argued argues claimed
claims asked asks replied replies responded answered recalled recalls concluded
emphasised emphasized emphasises emphasizes underlined underscored admitted acknowledged
confirmed denied suggested observed remarked commented quipped joked joking saying adding
noting telling expressed urged cautioned predicted promised vowed conceded lamented
complained exclaimed shouted assured reiterated maintained contended boasted retorted mused
sagte sagt erklärte erklärt betonte betont meinte meint schrieb schreibt fügte warnte
kritisierte widersprach widerspricht ergänzte ergänzt fragte fragt antwortete antwortet
berichtete berichtet précisé précise indiqué indique répondu répond annoncé annonce
assuré assure insisté insiste confié confie raconté raconte
déclaré déclare dit affirmé affirme ajouté ajoute expliqué explique souligné
souligne estimé estime écrit сказал сказала заявил заявила отметил отметила добавил
добавила подчеркнул подчеркнула написал написала
""")
_MULTIWORD_VERBS = [r"pointed\s+out", r"went\s+on", r"told\s+reporters"]
#: A speech verb, as a regular expression to embed (``quotes`` looks for one before a quote).
VERB = r"(?:" + "|".join([*_MULTIWORD_VERBS, *sorted(_VERBS, key=len, reverse=True)]) + r")"
_VERB_RE = re.compile(rf"(?<![\w\-]){VERB}(?![\w\-])", re.IGNORECASE)
_PARTICIPLES = _wordset("writing tweeting posting joking saying adding noting telling")
_ACCORDING = re.compile(
    r"(?<!\w)(?:according\s+to|laut|selon|по\s+словам)\s+(?P<ref>[^,.;:!?\"“”«»„]{1,80})",
    re.IGNORECASE,
)
_QUOTED_AS = re.compile(
    r"^\s*[,;:]?\s*[^,.;\"“”«»]{0,60}?\bquoted\s+(?P<ref>him|her|[^,.;]{1,60}?)\s+as\s+saying",
    re.IGNORECASE,
)
# Words between a speaker and the verb ("Antonov has also indicated").
_BETWEEN = _wordset(
    """has have had was is also then later again jointly herself himself themselves further
    once reportedly previously repeatedly recently would will a hat ha"""
)
# Around a name run (``find_people``), compiled once: the speech verb's alternation is
# long, and building it for every name cost more than the matching.
_VERB_AFTER = re.compile(
    rf"\s+(?:(?:{'|'.join(sorted(_BETWEEN))})\s+)*{VERB}(?![\w\-])", re.IGNORECASE
)
_VERB_BEFORE = re.compile(rf"(?<![\w\-]){VERB}\s+$", re.IGNORECASE)
_ACCORDING_BEFORE = re.compile(r"(?:according\s+to|laut|selon)\s+$", re.IGNORECASE)
_WHO_AFTER = re.compile(r",\s+who\b")
# A person's age between the name and the verb, as news gives it.
_INVERTED_PRONOUN = re.compile(r"\s*(?:a|avait|aura|ont|avaient)-t?-?(il|elle)s?\s*", re.IGNORECASE)
_AGE_AT_END = re.compile(r"\s*,\s*\d{1,3}\s*,\s*$")
_PRONOUNS = {"he": "m", "him": "m", "she": "f", "her": "f", "il": "m", "elle": "f", "er": "m"}
# What tells a person's gender after their name (``People.learn_genders``): English only.
_PRONOUN_GENDER = {"he": "m", "his": "m", "she": "f", "her": "f"}
# A subject or a possessive: "him", and "her" as an object ("Rothman reached out to her,
# and"; "told her the news"), is someone else. "her" counts before a word that is not a
# function word ("from her window").
_ANY_PRONOUN = re.compile(r"(?<![\w'’])(?:he|him|his|she|her|hers)(?![\w'’])", re.IGNORECASE)
_PRONOUN_WORD = re.compile(
    r"(?<![\w'’])(?:he|his|she|her(?=\s+(?!(?:the|a|an|to|that|if|and|or|as|about|in|on"
    r"|at|for|with|from|of|by|but|so|because|when|while|after|before|was|is|had|has|who"
    r"|what|how|why|where|not|up|out|down|off|back|again|now|then)\b)[^\W\d_]))(?![\w'’])",
    re.IGNORECASE,
)
_DETERMINERS = _wordset("the a an our this that another")
_THE = re.compile(r"(?<!\w)the(?!\w)", re.IGNORECASE)
_SENTENCE_STOP = re.compile(r"[.!?;]\s|\n")
#: The speaker of a quotation attributed to someone the text does not name ("the company
#: said", "a source said", "a cop yelled"): no person, and none to borrow from the
#: quotations around it.
UNNAMED = ""
# An indefinite or unnamed subject right before a speech verb ("heard a cop yell").
_UNNAMED_END = re.compile(
    r"(?<![\w\-])(?:(?:a|an|another)(?:\s+[\w\-]+){1,3}|someone|somebody|anyone|nobody)\s*$",
    re.IGNORECASE,
)
_ROLES = _wordset(
    """ambassador diplomat envoy minister president premier chancellor spokesman spokeswoman
    spokesperson senator congressman congresswoman lawmaker governor mayor secretary director
    chairman chairwoman chair chief leader official actor actress comedian comedienne host
    producer producers star author writer lawyer attorney general commander officer professor
    analyst economist expert king queen prince princess pope envoy negotiator executive ceo
    founder coach manager player singer judge prosecutor sheriff captain colonel sergeant
    inspector detective spokesmen presidents ambassadors prexy emcee presenter anchor
    journalist reporter editor columnist candidate representative deputy justice commissioner
    superintendent witness victim activist prime foreign defence defense interior
    kanzler kanzlerin bundeskanzler präsident präsidentin sprecher sprecherin botschafter
    président présidente ministre porte-parole ambassadeur президент министр посол
    councillor councilor councilman councilwoman alderman mp mep legislator assemblyman
    assemblywoman bishop archbishop imam rabbi priest doctor surgeon nurse engineer scientist
    researcher teacher headteacher principal farmer driver resident owner
    directeur directrice maire ouvrier ouvrière délégué déléguée avocat avocate juge
    procureur procureure député députée sénateur sénatrice secrétaire responsable
    bürgermeister bürgermeisterin gemeinderat gemeinderätin stadtrat stadträtin anwohner
    anwohnerin ministerin direktor direktorin richter richterin anwalt anwältin
    """
)
#: Role words that are common last names too ("Billy King", "Cpl. Janice Leader"): one
#: ending a name is its last name (``_strip_titles``).
_SURNAME_ROLES = _wordset("king judge bishop player leader prince pope")
_ROLE_GENDER = {
    "spokesman": "m",
    "spokeswoman": "f",
    "chairman": "m",
    "chairwoman": "f",
    "congressman": "m",
    "congresswoman": "f",
    "councilman": "m",
    "councilwoman": "f",
    "assemblyman": "m",
    "assemblywoman": "f",
    "actress": "f",
    "comedienne": "f",
    "king": "m",
    "queen": "f",
    "prince": "m",
    "princess": "f",
    "directeur": "m",
    "directrice": "f",
    "ouvrier": "m",
    "ouvrière": "f",
    "délégué": "m",
    "déléguée": "f",
    "avocat": "m",
    "avocate": "f",
    "député": "m",
    "députée": "f",
    "sénateur": "m",
    "sénatrice": "f",
    "présidente": "f",
    "bürgermeister": "m",
    "bürgermeisterin": "f",
    "gemeinderat": "m",
    "gemeinderätin": "f",
    "stadtrat": "m",
    "stadträtin": "f",
    "anwohner": "m",
    "anwohnerin": "f",
    "ministerin": "f",
    "direktor": "m",
    "direktorin": "f",
    "richter": "m",
    "richterin": "f",
    "anwalt": "m",
    "anwältin": "f",
    "kanzlerin": "f",
    "präsidentin": "f",
    "sprecherin": "f",
}
_TITLES = {
    "mr": "m",
    "mrs": "f",
    "ms": "f",
    "miss": "f",
    "sir": "m",
    "lady": "f",
    "lord": "m",
    "herr": "m",
    "frau": "f",
    "monsieur": "m",
    "madame": "f",
    "mme": "f",
    "dr": "",
    "prof": "",
    "sen": "",
    "rep": "",
    "gov": "",
    "gen": "",
    "lt": "",
    "col": "",
    "capt": "",
    "sgt": "",
    "pres": "",
}
# Capitalised words that do not begin a name (sentence openers, days, months...).
_NOT_NAMES = _wordset(
    """the a an but and or so then now also yet in on at for by with after before
    meanwhile however still this that these those his her their its our my your it he she
    they we i you there here when while if as last next earlier later today yesterday
    tomorrow monday tuesday wednesday thursday friday saturday sunday january february march
    april may june july august september october november december unfortunately according
    commenting speaking asked despite though although both all some many most several one
    two three no not never newly of to from as into about over under what who how why where
    which whose even just only first once true okay yes oh well indeed perhaps maybe already
    instead thus plus like mine ours
    er sie es wir ihr il elle ils elles nous vous"""
)


# --- People -----------------------------------------------------------------------------


def _mentions_pattern(lasts: tuple[str, ...]) -> re.Pattern[str]:
    """Where any of these last names stands as a word of its own (not inside a longer
    word or a double-barrelled name; of two names that begin alike, the longer is tried
    first)."""
    ordered = sorted(lasts, key=lambda last: (-len(last), last))
    names = "|".join(re.escape(last) for last in ordered)
    return re.compile(rf"(?<![\w\-])(?:{names})(?![\w]|-\w)")


@lru_cache(maxsize=8192)
def _fold(text: str) -> str:
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch))


# The role words as ``_fold`` reads them ("präsident" is "prasident"): they are looked
# up folded, so an accented one never matched before.
_ROLES = frozenset(_fold(w) for w in _ROLES)
_ROLE_GENDER = {_fold(w): g for w, g in _ROLE_GENDER.items()}

_SUFFIXES = frozenset({"jr", "sr", "ii", "iii", "iv"})


def name_key(name: str) -> str:
    """The key persons are matched by: the last word of the name, case and accents folded
    (suffixes such as "Jr." left out)."""
    parts = [p for p in re.findall(r"[^\W\d_][\w'’\-]*", _fold(name)) if p not in _SUFFIXES]
    return parts[-1] if parts else ""


@dataclass
class _Person:
    name: str
    gender: str = ""
    roles: set[str] = field(default_factory=set)


@dataclass
class People:
    """The persons of one text, their mentions in order, and the roles bound to them."""

    text: str
    persons: dict[str, _Person] = field(default_factory=dict)
    mentions: list[tuple[int, str]] = field(default_factory=list)

    def add(self, name: str, *, gender: str = "", roles: tuple[str, ...] = ()) -> str:
        key = name_key(name)
        if not key:
            return ""
        person = self.persons.setdefault(key, _Person(name))
        if len(name.split()) > len(person.name.split()):
            person.name = name
        if gender and not person.gender:
            person.gender = gender
        person.roles.update(roles)
        return key

    def index_mentions(self) -> None:
        # One pass over the text for every last name (one pass a person made a long
        # report with hundreds of people named take seconds).
        by_last: dict[str, list[str]] = {}
        for key, person in self.persons.items():
            by_last.setdefault(person.name.split()[-1], []).append(key)
        self.mentions = []
        if by_last:
            for m in _mentions_pattern(tuple(sorted(by_last))).finditer(self.text):
                self.mentions.extend((m.start(), key) for key in by_last[m.group()])
        self.mentions.sort()

    @cached_property
    def english(self) -> bool:
        """Whether the text reads as English (one word in fifty at least is "the"): the
        readings of pronouns and articles below are English ones. Read once: each
        quotation's attribution asks."""
        return len(_THE.findall(self.text)) * 50 >= len(self.text.split())

    def learn_genders(self) -> None:
        """The gender of persons no title or role gave one, from the pronoun that next
        follows their mentions before another person's or the sentence's end ("Tishana
        King says she saw", "Gray 'didn't have anything in his hands'"), by majority:
        else "she said" went to the most recent person of no known gender, the teen
        Kimani Gray, for the witness Tishana King's words."""
        if not self.english:
            return  # "her" is German for "hither"
        votes: dict[str, list[str]] = {}
        for n, (pos, key) in enumerate(self.mentions):
            person = self.persons[key]
            if person.gender:
                continue
            start = pos + len(person.name.split()[-1])
            stop = self.mentions[n + 1][0] if n + 1 < len(self.mentions) else len(self.text)
            window = _SENTENCE_STOP.split(self.text[start : min(stop, start + 150)], 1)[0]
            gender = _first_pronoun(window)
            if gender:
                votes.setdefault(key, []).append(gender)
        for key, said in votes.items():
            male, female = said.count("m"), said.count("f")
            if male != female:
                self.persons[key].gender = "m" if male > female else "f"

    def recent(self, before: int, *, gender: str = "", role: str = "") -> str | None:
        bound = {k for k, p in self.persons.items() if role and role in p.roles}
        for pos, key in reversed(self.mentions):
            if pos >= before:
                continue
            person = self.persons[key]
            if bound and key not in bound:
                continue
            if gender and person.gender and person.gender != gender:
                continue
            if gender and not person.gender and not role:
                person.gender = gender  # what we learn from "he said" helps "she said"
            return person.name
        if bound:
            return self.persons[sorted(bound)[0]].name
        return None


def _strip_titles(run: str) -> tuple[str, str, tuple[str, ...]]:
    """A name run without its leading titles and openers: (name, gender, roles)."""
    tokens = run.split()
    gender = ""
    roles: list[str] = []
    cut = before_last = 0
    gender_before_last = ""
    for n, token in enumerate(tokens):
        if n == len(tokens) - 1:
            before_last, gender_before_last = cut, gender
        bare = _fold(token).rstrip(".")
        if bare in _TITLES:
            gender = gender or _TITLES[bare]
            cut = n + 1
        elif bare in _ROLES or bare.rstrip("s") in _ROLES:
            roles.append(bare.rstrip("s") if bare not in _ROLES else bare)
            gender = gender or _ROLE_GENDER.get(bare, "")
            cut = n + 1
        elif bare in _NOT_NAMES and n == cut:
            cut = n + 1
    if cut == len(tokens) > before_last + 1 and _fold(tokens[-1]).rstrip(".") in _SURNAME_ROLES:
        # A role word that is also a last name, ending a name, is that ("Tishana King",
        # "Gary Player"), not a title of nobody ("Alaska Governor" stays a title).
        cut, gender = before_last, gender_before_last
        roles = roles[:-1]
    kept = [t.rstrip(",") for t in tokens[cut:]]
    if kept and len(kept[-1]) > 2 and kept[-1].endswith("."):
        kept[-1] = kept[-1][:-1]  # a full stop, not an initial's ("Lee.", not "J.")
    name = " ".join(kept)
    if name and _fold(name.split()[-1]).rstrip(".") in _NOT_NAMES:
        name = ""
    return name, gender, tuple(roles)


def _split_names(names: str) -> list[str]:
    return [p for p in re.split(r"\s*(?:,|\band\b|&|\bund\b|\bet\b|\bи\b)\s*", names) if p]


def _role_words_before(text: str, start: int) -> tuple[tuple[str, ...], str]:
    """Lowercase role words straight before a name ("producers Craig Zadan")."""
    head = text[max(0, start - 60) : start]
    # Not across a sentence's end or a quotation mark ('the stall owners. "Nobody will'
    # made "Nobody" an owner).
    head = re.split(r"[.!?;:\"“”„«»\n]", head)[-1]
    tail = re.findall(r"[^\W\d_][\w\-]*", head)[-3:]
    roles: list[str] = []
    for word in reversed(tail):
        bare = _fold(word)
        role = bare if bare in _ROLES else bare.rstrip("s") if bare.rstrip("s") in _ROLES else ""
        if not role:
            break
        roles.append(role)
    if not roles:
        # A role set before the name by a comma, perhaps with what it is of: "Le
        # directeur du site, Philippe Dumont", "The mayor of Ashby, Jane Holt".
        before_comma = _ROLE_BEFORE_COMMA.search(head)
        if before_comma and _fold(before_comma.group(1)) in _ROLES:
            roles.append(_fold(before_comma.group(1)))
    gender = next((_ROLE_GENDER[r] for r in roles if r in _ROLE_GENDER), "")
    return tuple(roles), gender


_ROLE_BEFORE_COMMA = re.compile(
    r"(?<![\w\-])([^\W\d_][\w\-]*)(?:\s+(?:of|of\s+the|du|de|de\s+la|des|der|des)\s+"
    r"[^\W\d_][\w\-]*)?\s*,\s*$",
    re.IGNORECASE,
)


_APPOSITION = re.compile(
    r"^\s*,\s+(?:the\s+|a\s+|an\s+|his\s+|her\s+)?(?:[\w\-]+\s+){0,3}?(?P<role>[\w\-]+)\b"
)


def find_people(text: str) -> People:
    """Pass one: the names the text gives a title or role, or makes a speaker."""
    people = People(text)

    def register(run: str, start: int, end: int) -> None:
        roles, gender = _role_words_before(text, start)
        after = _APPOSITION.match(text, end)
        if after and _fold(after.group("role")) in _ROLES:
            roles = (*roles, _fold(after.group("role")))
        for part in _split_names(run):
            name, title_gender, title_roles = _strip_titles(part)
            if name:
                people.add(name, gender=title_gender or gender, roles=(*roles, *title_roles))

    for match in _NAMES_RE.finditer(text):
        run = match.group()
        stripped = [_strip_titles(p) for p in _split_names(run)]
        titled = any(g or r for _, g, r in stripped)
        roles, _ = _role_words_before(text, match.start())
        follows = text[match.end() : match.end() + 40]
        verb_after = _VERB_AFTER.match(follows)
        precedes = text[max(0, match.start() - 20) : match.start()]
        verb_before = _VERB_BEFORE.search(precedes)
        according = _ACCORDING_BEFORE.search(precedes)
        # "Ruth Penhale, who chairs the committee": a relative "who" follows only a person.
        who_after = len(stripped) == 1 and _WHO_AFTER.match(follows) is not None
        if titled or roles or verb_after or verb_before or according or who_after:
            register(run, match.start(), match.end())
    # The fullest form: a longer run ending in a known name ("Television icon Ellen
    # DeGeneres will" gives "Ellen DeGeneres" for "DeGeneres").
    for match in _NAMES_RE.finditer(text):
        for part in _split_names(match.group()):
            name, _, _ = _strip_titles(part)
            if 1 < len(name.split()) <= 3 and name_key(name) in people.persons:
                people.add(name)
    people.index_mentions()
    people.learn_genders()
    return people


# --- Attribution ------------------------------------------------------------------------


def _resolve(ref: str, at: int, people: People, *, allow_unknown: bool) -> str | None:
    """The speaker a reference names: a name, a pronoun or a role noun phrase."""
    ref = ref.strip().strip(",")
    if not ref:
        return None
    lowered = _fold(ref)
    if lowered in _PRONOUNS:
        return people.recent(at, gender=_PRONOUNS[lowered])
    ref_words = lowered.split()
    if (
        len(ref_words) > 1
        and ref_words[0] in ("the", "our", "this", "that", "le", "la", "der", "die")
        and all(w.isalpha() or "-" in w for w in ref_words[1:])
    ):
        if any(ch.isupper() for ch in ref.split(None, 1)[1][:1]) and allow_unknown:
            named = _name_of(ref.split(None, 1)[1], people)
            return named
        roles = [w.rstrip("s") if w not in _ROLES else w for w in ref_words[1:]]
        roles = [r for r in roles if r in _ROLES]
        if not roles:
            return None
        gender = next((_ROLE_GENDER[r] for r in roles if r in _ROLE_GENDER), "")
        for role in roles:
            if any(role in p.roles for p in people.persons.values()):
                return people.recent(at, gender=gender, role=role)
        # A role no one was given: the person last named, unless the pronoun that
        # follows says otherwise ("the witness told detectives she …" is not the young
        # man quoted before).
        return people.recent(at, gender=gender or _pronoun_after(people.text, at))
    match = _NAMES_RE.fullmatch(ref)
    if match is None:
        return None
    named = _name_of(ref, people)
    if named and not allow_unknown and name_key(named) not in people.persons:
        return None
    return named


def _pronoun_after(text: str, at: int) -> str:
    """The gender of the first he/she/his/her in the sentence from ``at`` on ("")."""
    return _first_pronoun(_SENTENCE_STOP.split(text[at : at + 150], 1)[0])


def _first_pronoun(window: str) -> str:
    """The gender the first third-person pronoun of ``window`` gives: "" where there is
    none, or it is an object ("reached out to her, and she agreed": the "she" is hers)."""
    first = _ANY_PRONOUN.search(window)
    if first is None:
        return ""
    found = _PRONOUN_WORD.match(window, first.start())
    return _PRONOUN_GENDER[_fold(found.group())] if found else ""


def _name_of(run: str, people: People) -> str | None:
    names: list[str] = []
    for part in _split_names(run):
        name, _, _ = _strip_titles(part)
        if not name and len(part.split()) == 1 and name_key(part) in people.persons:
            name = part  # "King said", of Tishana King: a last name that is a role word
        if not name:
            continue
        person = people.persons.get(name_key(name))
        # Another person of the same last name, named in full ("Makaeo Williams" where
        # the text knows "Jumaane Williams"), is not the one known.
        other = person is not None and len(name.split()) > 1 and not _same_name(name, person.name)
        names.append(person.name if person and not other else name)
    if not names:
        return None
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _same_name(shorter: str, fuller: str) -> bool:
    """Whether ``shorter`` is ``fuller`` or a part of it ("Anatoly Antonov" of "Anatoly
    Ivanovich Antonov"; initials match their word)."""
    words = [_fold(w).rstrip(".") for w in fuller.split()]
    for word in (_fold(w).rstrip(".") for w in shorter.split()):
        found = next(
            (n for n, w in enumerate(words) if w == word or (len(word) == 1 and w[:1] == word)),
            None,
        )
        if found is None:
            return False
        words = words[found + 1 :]
    return True


def _ref_before(fragment: str) -> str | None:
    """The reference at the end of ``fragment`` (the words before a speech verb)."""
    tokens = fragment.rstrip().split(" ")
    while tokens and _fold(tokens[-1]) in _BETWEEN:
        tokens.pop()
    fragment = " ".join(tokens).rstrip()
    if not fragment:
        return None
    last = fragment.split()[-1]
    if _fold(last) in _PRONOUNS:
        return last
    the_np = re.search(r"(?<!\w)(?:the|our)\s+(?:[\w\-]+\s+){0,5}[\w\-]+$", fragment, re.I)
    if the_np and any(
        w in _ROLES or w.rstrip("s") in _ROLES for w in _fold(the_np.group()).split()[1:]
    ):
        return the_np.group()
    names = _NAMES_AT_END.search(fragment)
    if names:
        return names.group(1)
    if the_np and len(the_np.group().split()) <= 3:
        return the_np.group()
    return None


def _ref_after_verb(chunk: str, *, strict: bool = True) -> str | None:
    """The speaker named after an inverted verb ("said ABC's prexy Paul Lee, ...")."""
    chunk = re.split(r"[,.;:!?()\"“”«»]|\s(?:in|on|at|during|after|before|to|from|with)\s", chunk)[
        0
    ]
    first = chunk.split()[0] if chunk.split() else ""
    if _fold(first) in _PRONOUNS:
        return first
    bare = _fold(first)
    if strict and not (first[:1].isupper() or bare in ("the", "our") or bare.rstrip("s") in _ROLES):
        return None
    the_np = re.match(r"\s*(?:the|our)\s+[\w\-\s]+", chunk, re.I)
    if the_np:
        return the_np.group().strip()
    # Runs that are only titles ("Secretary" of "Secretary of the Interior Dirk
    # Kempthorne") name nobody.
    runs = [r for r in _NAMES_RE.finditer(chunk) if _strip_titles(r.group())[0]]
    if not runs:
        return None
    for run in reversed(runs):
        before = _fold(chunk[: run.start()]).split()
        if before and (before[-1] in _ROLES or before[-1].rstrip("s") in _ROLES):
            return run.group()
    return runs[0].group()


def attribute_after(after: str, at: int, people: People) -> str | None:
    """The speaker named right after a quotation (``after``: the rest of its sentence,
    starting at ``at``): ``"…," Antonov said``, ``said Antonov``, ``according to X``."""
    quoted = _QUOTED_AS.match(after)
    if quoted:
        return _resolve(quoted.group("ref"), at, people, allow_unknown=True)
    lead = re.match(r"^[\s,;:—–\-]*", after)
    offset = lead.end() if lead else 0
    body = after[offset:]
    according = re.match(_ACCORDING.pattern, body, re.IGNORECASE)
    if according:
        ref = _ref_after_verb(according.group("ref"))
        return _resolve(ref, at, people, allow_unknown=True) if ref else None
    for verb in _VERB_RE.finditer(body[:120]):
        head = _AGE_AT_END.sub("", body[: verb.start()])  # "Makaeo Williams, 18, said"
        if not _without_between(head):  # "said Antonov", "a déclaré Emmanuel Macron"
            ref = _ref_after_verb(body[verb.end() :], strict=False)  # ', said Antonov'
            inverted = re.match(r"\s*(?:a|hat)\s*$", head)
            if ref or inverted is None:
                return _named(ref, at, people) if ref else None
            continue
        inversion = _INVERTED_PRONOUN.fullmatch(head)
        if inversion:  # "», a-t-il affirmé": French puts the pronoun after the verb
            return _resolve(inversion.group(1), at + offset, people, allow_unknown=False)
        ref = _ref_before(head)
        # The reference must be all that stands before the verb ("he said", not a clause).
        if ref and _is_whole_reference(_without_between(head), ref):
            return _named(ref, at + offset, people)
        if people.english and _UNNAMED_END.fullmatch(_without_between(head).strip()):
            return UNNAMED  # '"…," a source said'
        return None
    return None


def _named(ref: str, at: int, people: People) -> str | None:
    """The speaker a reference right beside a quotation names; ``UNNAMED`` for one that
    names nobody ("the company", "the source"), None for a pronoun of nobody known."""
    speaker = _resolve(ref, at, people, allow_unknown=True)
    words = _fold(ref.strip().strip(",")).split()
    if speaker is None and words and words[0] in _DETERMINERS and people.english:
        return UNNAMED
    return speaker


def _is_whole_reference(head: str, ref: str) -> bool:
    """Whether ``head`` is just ``ref``, perhaps after a descriptor ending in a role word
    ("ABC Entertainment Group president Paul Lee", "producers Craig Zadan")."""
    ref = " ".join(ref.split())
    if head == ref:
        return True
    if not head.endswith(ref):
        return False
    descriptor = head[: -len(ref)].split()
    if not descriptor or len(descriptor) > 6 or any(re.search(r"[^\w\-'’]", w) for w in descriptor):
        return False
    last = _fold(descriptor[-1])
    return last in _ROLES or last.rstrip("s") in _ROLES


def _without_between(fragment: str) -> str:
    tokens = fragment.split()
    while tokens and _fold(tokens[-1]) in _BETWEEN:
        tokens.pop()
    return " ".join(tokens)


def attribute_before(
    before: str, base: int, sentence: str, sentence_base: int, people: People
) -> str | None:
    """The speaker named before a quotation in its sentence (``before``: the words since
    the sentence began or the last quotation ended; ``sentence``: since it began)."""
    according = list(_ACCORDING.finditer(before))
    if according:
        ref = _ref_after_verb(according[-1].group("ref"))
        if ref:
            return _resolve(ref, base + according[-1].start(), people, allow_unknown=True)
    verbs = list(_VERB_RE.finditer(before))
    finite = [v for v in verbs if v.group().lower() not in _PARTICIPLES]
    if verbs:
        # "DeGeneres said, joking that “…”": the participle's subject is the finite verb's.
        verb = finite[-1] if finite else verbs[-1]
        ref = _ref_before(before[: verb.start()]) if finite else None
        if ref:
            speaker = _resolve(ref, base + verb.start(), people, allow_unknown=True)
            if speaker:
                return speaker
        elif finite and people.english and _UNNAMED_END.search(before[: verb.start()]):
            return UNNAMED  # 'Kelly said a witness heard a cop yell, "…"'
        inverted = _ref_after_verb(before[verb.end() :])
        if inverted:
            speaker = _resolve(inverted, base + verb.end(), people, allow_unknown=False)
            if speaker:
                return speaker
        upto = base + verb.start() - sentence_base
        return _sentence_subject(sentence[:upto], sentence_base, people)
    if before.rstrip().endswith(":"):
        # "she released a jokey response to the honour: “…”"
        return _sentence_subject(sentence, sentence_base, people)
    return None


def _sentence_subject(sentence: str, base: int, people: People) -> str | None:
    """The first person the sentence names or the first he/she in it, whichever is first."""
    pronoun = re.search(r"(?<!\w)(?:he|she)(?!\w)", sentence, re.IGNORECASE)
    end = base + (pronoun.start() if pronoun else len(sentence))
    for pos, key in people.mentions:
        if base <= pos < end:
            return people.persons[key].name
    if pronoun:
        return _resolve(pronoun.group(), base + pronoun.start(), people, allow_unknown=False)
    return None


def reporter(sentence: str, base: int, people: People) -> str | None:
    """Who a sentence reports ("Antonov noted that ..."): the first verb with a speaker;
    else, in a short sentence that opens with a person, that person ("Anand was not
    convinced." before her words)."""
    for verb in _VERB_RE.finditer(sentence):
        ref = _ref_before(sentence[: verb.start()])
        if ref:
            speaker = _resolve(ref, base + verb.start(), people, allow_unknown=False)
            if speaker:
                return speaker
    if len(sentence.split()) <= _LEAD_IN_WORDS and not _ANY_QUOTE_MARK.search(sentence):
        opening = _NAMES_RE.match(sentence.strip())
        if opening:
            name, _, _ = _strip_titles(opening.group())
            person = people.persons.get(name_key(name)) if name else None
            if person is not None:
                return person.name
    return None


#: A sentence this short that opens with a person leads in to the quotation after it.
_LEAD_IN_WORDS = 8


# --- What a version reads otherwise -------------------------------------------------------

_ANY_QUOTE_MARK = re.compile(r"[\"“”„«»‹›「」]")
_AGE_BEFORE_VERB = re.compile(r",\s*\d{1,3}\s*,(?=" + _VERB_AFTER.pattern + ")", re.IGNORECASE)


def speakers_changed_in_7(text: str) -> bool:
    """Whether the speakers of this text's quotations may differ from what the features
    of version 6 stored (``features.still_current``): version 7 reads a last name that is
    a role word ("Tishana King"), an age between a name and its verb ("Makaeo Williams,
    18, said") and two persons of one last name named in full. False only where none of
    those is in a text with quotation marks (a name ending in such a word, an age before
    a speech verb, two full names of one known person's last name): the rest keep their
    stored speakers."""
    if not _ANY_QUOTE_MARK.search(text):
        return False
    if _AGE_BEFORE_VERB.search(text):
        return True
    persons = find_people(text).persons
    full: dict[str, list[str]] = {}
    for match in _NAMES_RE.finditer(text):
        for part in _split_names(match.group()):
            bare = [_fold(t).rstrip(".,") for t in part.split()]
            if len(bare) > 1 and bare[-1] in _SURNAME_ROLES:
                return True
            name, _, _ = _strip_titles(part)
            if len(name.split()) > 1 and name_key(name) in persons:
                full.setdefault(name_key(name), []).append(name)
    for names in full.values():
        distinct = sorted(set(names), key=len)
        for n, shorter in enumerate(distinct):
            if any(not _same_name(shorter, fuller) for fuller in distinct[n + 1 :]):
                return True
    return False
