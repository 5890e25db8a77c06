"""Synthetic clippings for ``bench/scale.py``, recombined from the real corpus.

Every clipping is a pure function of its number (and the corpus), so a killed bulk load
continues where it stopped and two runs make the same archive. The shape is that of a
press office's archive: stories of one to eight reports from different outlets within a
few days (the same event told with shared sentences, as wire copy is), most clippings
alone; several years of dates; a long tail of outlets (one of them "Thomson Reuters
Foundation", which ``outlet:Reuters`` must not match); authors; hierarchical tags on a
third of them; a few percent in other languages and scripts (CJK, Arabic, Thai...).

Texts are English sentences of the ECB+ corpus (``ecbplus/``), grouped by event so that
a story's reports share some of its sentences, and paragraphs of the newspaper4k
articles in other languages.
"""

from __future__ import annotations

import csv
import random
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from functools import cached_property
from pathlib import Path

#: Outlets with weights (a long tail, as in a real archive).
OUTLETS: tuple[tuple[str, int], ...] = (
    ("Reuters", 14),
    ("Associated Press", 12),
    ("BBC News", 9),
    ("The Guardian", 7),
    ("The New York Times", 6),
    ("Los Angeles Times", 4),
    ("USA Today", 4),
    ("Fox News", 4),
    ("NBC News", 3),
    ("Sky News", 3),
    ("CNN", 3),
    ("Al Jazeera English", 3),
    ("Deutsche Welle", 2),
    ("Thomson Reuters Foundation", 2),
    ("The Independent", 2),
    ("HuffPost", 2),
    ("Daily Mail", 2),
    ("ABC News", 2),
    ("The Hollywood Reporter", 1),
    ("ESPN", 1),
    ("Trend News Agency", 1),
    ("The Irish Times", 1),
    ("Yahoo News", 1),
    ("New York Daily News", 1),
    ("Examiner", 1),
)
#: Outlets of the clippings in other languages.
FOREIGN_OUTLETS = {
    "es": ("El País", "La Nación", "El Mundo"),
    "zh": ("新华社", "人民日报", "South China Morning Post"),
    "ja": ("朝日新聞", "NHK", "読売新聞"),
    "ko": ("연합뉴스", "The Korea Herald"),
    "ar": ("الجزيرة", "العربية"),
    "hi": ("दैनिक जागरण", "Hindustan Times"),
    "th": ("ไทยรัฐ", "Bangkok Post"),
    "lv": ("Delfi", "LSM"),
    "bn": ("প্রথম আলো",),
    "ne": ("कान्तिपुर",),
    "my": ("The Irrawaddy",),
}
#: newspaper4k's plain-text articles by language.
FOREIGN_FILES = {
    "es": ("spanish_article.txt",),
    "zh": ("chinese_article.txt", "chinese_article_001.txt", "chinese_article_002.txt"),
    "ja": ("japanese_article.txt", "japanese_article2.txt"),
    "ko": ("korean_article.txt", "yna_co_kr.txt"),
    "ar": ("arabic_article.txt",),
    "hi": ("hindi_article.txt",),
    "th": ("thai_article.txt",),
    "lv": ("latvian_article.txt",),
    "bn": ("bengali_article.txt",),
    "ne": ("nepali_article.txt",),
    "my": ("burmese_article.txt",),
}
#: Tags by ECB+ topic (a topic's stories often carry its tag), plus tags given at random.
TOPIC_TAGS = (
    "Culture/Film",
    "Crime",
    "Culture/Awards",
    "Crime/Shootings",
    "Sport/Basketball",
    "Politics/Appointments",
    "Sport/Boxing",
    "Economy/Companies",
    "Environment",
    "Sport/Baseball",
    "Politics/Elections",
    "Disasters/Earthquakes",
    "World/Conflicts",
    "Disasters/Fires",
    "Disasters/Floods",
    "Economy/Technology",
)
OTHER_TAGS = ("Russia/US relations", "To read", "Press review/2021", "Quotes", "Follow up")
_FIRST = "Anna Ben Carla David Elena Frank Grace Hugo Irene James Karen Luis Maria Nadia Omar"
_MORE_FIRST = (
    "Paula Quentin Rosa Samuel Tara Victor Wendy Yusuf Zoe Alice Marco Chen Priya Sven Ines"
)
FIRST_NAMES = tuple(f"{_FIRST} {_MORE_FIRST}".split(" "))
_LAST = "Smith Jones Garcia Müller Rossi Dubois Kowalski Tanaka Kim Nguyen Brown Taylor Wilson"
_MORE_LAST = "Martin Lopez Clark Lewis Walker Hall Young Allen King Wright Scott Green Baker Adams"
_EVEN_MORE = "Nelson Hill Campbell Mitchell Roberts Carter Phillips Evans Turner Torres Parker"
LAST_NAMES = tuple(f"{_LAST} {_MORE_LAST} {_EVEN_MORE}".split(" "))
TITLE_VARIANTS = ("", "", "", "UPDATE: ", "", " (video)", "", " - live updates", "", "")

FIRST_DAY = date(2010, 1, 1)
LAST_DAY = date(2025, 12, 31)


@dataclass(frozen=True)
class Synthetic:
    """One clipping to store: its metadata, text and the bytes of its original."""

    number: int
    title: str
    text: str
    outlet: str
    author: str | None
    published: datetime
    language: str
    tags: tuple[str, ...]
    story: int

    @property
    def original(self) -> bytes:
        """The original "file": the text as a user would have saved it."""
        return f"{self.title}\n\n{self.text}\n".encode()

    @property
    def original_name(self) -> str:
        return f"scale-{self.number:07d}.txt"


@dataclass
class Corpus:
    """Sentences, events and paragraphs of the real corpus (read once, a few MB)."""

    root: Path
    sentences: list[str] = field(default_factory=list)
    by_event: dict[str, list[str]] = field(default_factory=dict)
    topic_of: dict[str, int] = field(default_factory=dict)
    titles: dict[str, list[str]] = field(default_factory=dict)
    foreign: dict[str, list[str]] = field(default_factory=dict)

    @classmethod
    def read(cls, root: Path) -> Corpus:
        corpus = cls(root)
        with (root / "ecbplus" / "index.tsv").open(encoding="utf-8") as handle:
            for row in csv.DictReader(handle, delimiter="\t"):
                lines = (root / "ecbplus" / row["path"]).read_text(encoding="utf-8").splitlines()
                if row["subcorpus"] == "ecbplus":
                    lines = lines[3:]  # url, title and date line
                    if row["title"]:
                        corpus.titles.setdefault(row["subtopic"], []).append(row["title"])
                found = [_tidy(line) for line in lines if len(line.split()) > 6]
                corpus.by_event.setdefault(row["subtopic"], []).extend(found)
                corpus.topic_of[row["subtopic"]] = int(row["topic"])
                corpus.sentences.extend(found)
        for language, names in FOREIGN_FILES.items():
            paragraphs: list[str] = []
            for name in names:
                path = root / "newspaper4k" / "txt" / name
                if path.is_file():
                    text = path.read_text(encoding="utf-8", errors="replace")
                    paragraphs += [p.strip() for p in text.splitlines() if len(p.strip()) > 30]
            if len(paragraphs) >= 3:
                corpus.foreign[language] = paragraphs
        return corpus

    @cached_property
    def events(self) -> list[str]:
        return sorted(e for e, found in self.by_event.items() if len(found) >= 8)


def _tidy(line: str) -> str:
    # ECB+ texts were rebuilt from tokens ("Hollywood ’ s", "90 - day"): glue them back.
    line = re.sub(r" ([,.;:!?’']) ?", lambda m: m.group(1) + " ", line.strip())
    return re.sub(r" - ", "-", line).strip()


class Generator:
    """Clippings by number: ``generator.clipping(n)`` is the same in every run."""

    def __init__(self, corpus: Corpus, size: int, seed: int = 9) -> None:
        self.corpus = corpus
        self.seed = seed
        # Where each story starts: a list of ints, small even at 100,000 clippings.
        rng = random.Random(seed)
        self._story_of: list[int] = []
        story = 0
        while len(self._story_of) < size:
            length = rng.choices((1, 2, 3, 4, 6, 8), weights=(55, 18, 10, 8, 6, 3))[0]
            self._story_of.extend([story] * length)
            story += 1
        del self._story_of[size:]
        self._outlets = [name for name, _ in OUTLETS]
        self._weights = [weight for _, weight in OUTLETS]

    def clipping(self, number: int) -> Synthetic:
        story = self._story_of[number]
        srng = random.Random(self.seed * 7_919 + story)  # what a story's reports share
        rng = random.Random(self.seed * 1_000_003 + number)
        span = (LAST_DAY - FIRST_DAY).days
        day = FIRST_DAY + timedelta(days=srng.randrange(span))
        moment = datetime(day.year, day.month, day.day, tzinfo=UTC) + timedelta(
            days=rng.randrange(3), minutes=rng.randrange(24 * 60)
        )
        foreign = sorted(self.corpus.foreign)
        if foreign and srng.random() < 0.02:
            language = srng.choice(foreign)
            title, text = self._foreign(language, srng, rng)
            outlet = rng.choice(FOREIGN_OUTLETS[language])
            topic = None
        else:
            language = "en"
            event = srng.choice(self.corpus.events)
            title, text = self._english(event, srng, rng)
            outlet = rng.choices(self._outlets, self._weights)[0]
            topic = self.corpus.topic_of[event]
        tags: list[str] = []
        if topic is not None and srng.random() < 0.3:
            tags.append(TOPIC_TAGS[topic % len(TOPIC_TAGS)])
        if rng.random() < 0.08:
            tags.append(rng.choice(OTHER_TAGS))
        author = (
            f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}" if rng.random() < 0.7 else None
        )
        return Synthetic(
            number=number,
            title=title,
            text=text,
            outlet=outlet,
            author=author,
            published=moment,
            language=language,
            tags=tuple(dict.fromkeys(tags)),
            story=story,
        )

    def clippings(self, start: int, stop: int) -> Iterator[Synthetic]:
        for number in range(start, stop):
            yield self.clipping(number)

    def _english(self, event: str, srng: random.Random, rng: random.Random) -> tuple[str, str]:
        own = self.corpus.by_event[event]
        core = srng.sample(own, min(len(own), 12))  # the story's shared sentences
        paragraphs = []
        for _ in range(rng.randint(5, 9)):
            sentences = []
            for _ in range(rng.randint(2, 5)):
                if core and rng.random() < 0.45:
                    sentences.append(core.pop(rng.randrange(len(core))))
                else:
                    sentences.append(rng.choice(self.corpus.sentences))
            paragraphs.append(" ".join(sentences))
        titles = self.corpus.titles.get(event)
        if titles:
            base = srng.choice(titles)
        else:
            base = " ".join(srng.choice(own).split()[:10]).rstrip(",.;:")
        variant = rng.choice(TITLE_VARIANTS)
        title = variant + base if variant.endswith(": ") else base + variant
        return title, "\n\n".join(paragraphs)

    def _foreign(self, language: str, srng: random.Random, rng: random.Random) -> tuple[str, str]:
        pool = self.corpus.foreign[language]
        chosen = rng.sample(pool, min(len(pool), rng.randint(3, 8)))
        lead = srng.choice(pool)
        title = lead[:40] if language in ("zh", "ja", "ko", "th", "my") else _words(lead, 9)
        return title, "\n\n".join([lead, *chosen])


def _words(text: str, count: int) -> str:
    return " ".join(text.split()[:count])


# --- Files to import (the import throughput row) ----------------------------------------


@dataclass(frozen=True)
class ImportFile:
    kind: str  # "text", "html", "pdf"
    path: Path
    pages: int = 1


def text_files(corpus: Corpus, folder: Path, count: int) -> list[ImportFile]:
    """``count`` ECB+ texts, each changed a little (a line of its own) so none is a
    duplicate of another or of the archive's clippings."""
    sources = sorted((corpus.root / "ecbplus" / "text").glob("*/*.txt"))
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(count):
        source = sources[number % len(sources)]
        lines = source.read_text(encoding="utf-8").splitlines()
        where = min(len(lines), 4)
        lines.insert(where, f"Filed as copy {number} of the import bench, edition {number % 7}.")
        path = folder / f"text-{number:05d}-{source.name}"
        path.write_text("\n".join(lines) + "\n", encoding="utf-8")
        made.append(ImportFile("text", path))
    return made


def html_sources(root: Path) -> list[tuple[str, bytes]]:
    import gzip

    found = [
        (p.name.removesuffix(".gz"), gzip.decompress(p.read_bytes()))
        for p in sorted((root / "aeb" / "html").glob("*.html.gz"))
    ]
    found += [
        (f"{p.parent.name}.html", p.read_bytes())
        for p in sorted((root / "readability" / "test-pages").glob("*/source.html"))
    ]
    return found


PDF_PAGE = re.compile(rb"/Type\s*/Page(?![a-zA-Z])")
_PARAGRAPH = re.compile(rb"<p(\s[^>]*)?>", re.IGNORECASE)


def html_files(corpus: Corpus, folder: Path, count: int) -> list[ImportFile]:
    """``count`` news pages (aeb, readability), each with a few words of its own at the
    start of every paragraph, so the extracted text differs from every other copy's
    (wherever the article's paragraphs are; a page without ``<p>`` stays a duplicate)."""
    sources = html_sources(corpus.root)
    folder.mkdir(parents=True, exist_ok=True)
    made = []
    for number in range(count):
        name, data = sources[number % len(sources)]
        mark = f"Bench copy {number}. ".encode()
        path = folder / f"html-{number:05d}-{name}"
        path.write_bytes(_PARAGRAPH.sub(lambda m, mark=mark: m.group(0) + mark, data))
        made.append(ImportFile("html", path))
    return made


def pdf_files(corpus: Corpus, folder: Path, count: int) -> list[ImportFile]:
    """``count`` PDFs with a text layer: typeset by Qt (``QPdfWriter``) from the corpus's
    sentences (a real PDF cannot be changed a little without rewriting its streams, and
    an unchanged copy is a duplicate), one to four pages each, like a clipping printed
    from a newspaper site."""
    import os

    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QMarginsF, QSizeF
    from PySide6.QtGui import QGuiApplication, QPageLayout, QPageSize, QPdfWriter, QTextDocument

    app = QGuiApplication.instance() or QGuiApplication(["bench"])  # noqa: F841 (kept alive)
    folder.mkdir(parents=True, exist_ok=True)
    generator = Generator(corpus, 1, seed=31)
    made = []
    for number in range(count):
        rng = random.Random(number)
        event = rng.choice(corpus.events)
        title, text = generator._english(event, random.Random(number + 1), rng)
        extra = "\n\n".join(
            " ".join(rng.choice(corpus.sentences) for _ in range(4))
            for _ in range(rng.choice((0, 4, 10, 18)))
        )
        path = folder / f"pdf-{number:05d}.pdf"
        writer = QPdfWriter(str(path))
        writer.setTitle(title)
        writer.setPageLayout(
            QPageLayout(
                QPageSize(QPageSize.PageSizeId.A4),
                QPageLayout.Orientation.Portrait,
                QMarginsF(15, 15, 15, 15),
            )
        )
        writer.setResolution(300)
        document = QTextDocument()
        document.documentLayout().setPaintDevice(writer)  # fonts at the printer's size
        document.setPageSize(QSizeF(writer.width(), writer.height()))
        body = "".join(f"<p>{p}</p>" for p in f"{text}\n\n{extra}".split("\n\n") if p)
        document.setHtml(
            f"<h1>{title}</h1><p><i>By {rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}, "
            f"{rng.choice(OUTLETS)[0]}, printed copy {number}</i></p>{body}"
        )
        document.print_(writer)
        del writer  # the file is finished when the writer goes
        pages = len(PDF_PAGE.findall(path.read_bytes())) or 1
        made.append(ImportFile("pdf", path, pages))
    return made


def write_manifest(files: Sequence[ImportFile], path: Path) -> None:
    path.write_text("".join(f"{f.kind}\t{f.pages}\t{f.path}\n" for f in files), encoding="utf-8")


def read_manifest(path: Path) -> list[ImportFile]:
    found = []
    for line in path.read_text(encoding="utf-8").splitlines():
        kind, pages, name = line.split("\t", 2)
        found.append(ImportFile(kind, Path(name), int(pages)))
    return found
