"""Every input format, measured on articles the importers were not tuned on.

Run ``.venv/bin/python bench/formats.py [--limit N] [--only docx,eml] [--corpus PATH]``.

The articles are the readability test pages of the shared corpus (title from
``expected-metadata.json``, text from ``expected.html``): the importers' tests use the
trafilatura and ECB+ parts, so these are held out from what was tuned. Each article is
written in every format the way a person would have it (the makers the tests use, in
``tests/importers/samples_*.py``: a Word or OpenDocument file, RTF, an EPUB, a
newsletter e-mail, an mbox, a browser's single-file page, a scanned and photographed
page), imported through the registry exactly as an import reads it, and compared with
the article:

* files tried, imported (an article with text came out), title right (after folding
  case, spaces and typographic quotes; the readability set's titles);
* word precision and recall of the text (``\\w+`` tokens, lowercased, as multisets),
  median and lowest over the files.

OCR formats render the first ``OCR_WORDS`` words of each article (one page), so their
recall is measured against that part.
"""

from __future__ import annotations

import argparse
import html as html_lib
import json
import logging
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
for extra in (REPO, REPO / "tests" / "importers"):
    if str(extra) not in sys.path:
        sys.path.insert(0, str(extra))

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"
#: ISO 639-1 -> the Tesseract language a page is set in (its font's script).
TESSERACT = {
    "en": "eng",
    "de": "deu",
    "fr": "fra",
    "es": "spa",
    "it": "ita",
    "pt": "por",
    "ru": "rus",
    "ja": "jpn",
    "zh": "chi_sim",
}
#: Words of an article put on a scanned page (about one page of print).
OCR_WORDS = 350

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")
_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "–": "-", "—": "-"})


@dataclass(frozen=True)
class Article:
    name: str
    title: str
    paragraphs: tuple[str, ...]
    source_html: bytes
    language: str | None

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


@dataclass
class Outcome:
    imported: bool
    title_right: bool
    precision: float
    recall: float
    seconds: float
    note: str = ""
    #: False when the file could not be made (Chromium timed out): not counted.
    made: bool = True


#: A maker: an article -> (file bytes, file name, the text it holds).
Maker = Callable[[Article], tuple[bytes, str, str]]


def tokens(text: str) -> Counter[str]:
    return Counter(_TOKEN.findall(text.lower()))


def precision_recall(found: str, expected: str) -> tuple[float, float]:
    got, want = tokens(found), tokens(expected)
    common = sum((got & want).values())
    return (
        common / max(1, sum(got.values())),
        common / max(1, sum(want.values())),
    )


def fold(title: str | None) -> str:
    return _SPACE.sub(" ", (title or "").translate(_QUOTES)).strip().casefold()


def load_articles(corpus: Path) -> list[Article]:
    from lxml import html as lxml_html

    articles = []
    for folder in sorted((corpus / "readability" / "test-pages").iterdir()):
        meta = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
        title = (meta.get("title") or "").strip()
        # The expected pages are UTF-8 with no charset declared (lxml would guess latin-1).
        tree = lxml_html.fromstring((folder / "expected.html").read_text("utf-8"))
        blocks = [
            _SPACE.sub(" ", element.text_content()).strip()
            for element in tree.iter("p", "h2", "h3", "li", "blockquote")
        ]
        paragraphs = tuple(b for b in blocks if len(b.split()) >= 3)
        if not title or len(paragraphs) < 3:
            continue
        articles.append(
            Article(
                folder.name,
                title,
                paragraphs,
                (folder / "source.html").read_bytes(),
                meta.get("lang"),
            )
        )
    return articles


def first_words(article: Article, count: int) -> tuple[str, ...]:
    kept: list[str] = []
    words = 0
    for paragraph in article.paragraphs:
        if words >= count:
            break
        kept.append(paragraph)
        words += len(paragraph.split())
    return tuple(kept)


def makers() -> dict[str, Maker]:
    """The formats whose sample makers are present (a missing one is reported)."""
    found: dict[str, Maker] = {}
    try:
        import samples_office as office

        found["docx"] = lambda a: (
            office.make_docx(a.title, list(a.paragraphs)),
            f"{a.name}.docx",
            a.text,
        )
        found["odt"] = lambda a: (
            office.make_odt(a.title, list(a.paragraphs)),
            f"{a.name}.odt",
            a.text,
        )
        found["rtf"] = lambda a: (
            office.make_rtf(a.title, list(a.paragraphs)),
            f"{a.name}.rtf",
            a.text,
        )
        found["epub"] = lambda a: (
            office.make_epub([(a.title, list(a.paragraphs))], title=a.title),
            f"{a.name}.epub",
            a.text,
        )
    except ImportError as error:
        print(f"office formats not measured: {error}", file=sys.stderr)
    try:
        import samples_mail as mail

        def letter(a: Article) -> bytes:
            return mail.make_newsletter(
                mail.Article(a.title, a.paragraphs, language=(a.language or "en")[:2]),
                subject=a.title,
            )

        found["eml (newsletter)"] = lambda a: (letter(a), f"{a.name}.eml", a.text)
        found["mbox (3 messages)"] = lambda a: (
            mail.make_mbox([letter(a)] * 3),
            f"{a.name}.mbox",
            a.text + "\n\n" + a.text + "\n\n" + a.text,
        )
        found["mhtml"] = lambda a: (
            mail.make_mhtml(
                a.source_html.decode("utf-8", "replace"), f"https://example.org/{a.name}"
            ),
            f"{a.name}.mhtml",
            a.text,
        )
    except ImportError as error:
        print(f"mail formats not measured: {error}", file=sys.stderr)
    try:
        import samples_ocr as ocr

        def scan(article: Article, quality: str) -> tuple[bytes, str, str]:
            paragraphs = first_words(article, OCR_WORDS)
            text = "\n\n".join(paragraphs)
            lang = TESSERACT.get((article.language or "en")[:2], "eng")
            if re.search(r"[\u3040-\u30ff]", text):  # kana: set in a Japanese font
                lang = "jpn"
            elif re.search(r"[\u4e00-\u9fff]", text):
                lang = "chi_sim"
            page = ocr.render_page(text, lang, title=article.title)
            if quality == "scan":
                data = ocr.degrade(page, skew=1.0, noise=8, jpeg_quality=85)
            else:
                data = ocr.degrade(page, skew=2.0, noise=16, jpeg_quality=60)
            return data, f"{article.name}.jpg", f"{article.title}\n\n{text}"

        found["scan (jpeg)"] = lambda a: scan(a, "scan")
        found["photo (jpeg q60)"] = lambda a: scan(a, "photo")
    except ImportError as error:
        print(f"OCR formats not measured: {error}", file=sys.stderr)
    found["html (saved page)"] = lambda a: (a.source_html, f"{a.name}.html", a.text)
    if shutil.which("chromium"):
        found["print-to-pdf"] = lambda a: (print_to_pdf(a), f"{a.name}.pdf", a.text)
    else:
        print("print-to-PDF not measured: no chromium", file=sys.stderr)
    return found


def print_to_pdf(article: Article) -> bytes:
    """The article's saved page printed by headless Chromium, header and footer on (as
    a person's "Save as PDF" does), from a file:// page with no network."""
    with tempfile.TemporaryDirectory() as folder:
        page = Path(folder) / f"{article.name}.html"
        page.write_bytes(article.source_html)
        out = Path(folder) / "out.pdf"
        subprocess.run(
            [
                "chromium",
                "--headless",
                "--no-sandbox",
                "--disable-gpu",
                "--virtual-time-budget=3000",
                f"--print-to-pdf={out}",
                page.as_uri(),
            ],
            check=True,
            capture_output=True,
            timeout=60,
        )
        return out.read_bytes()


def measure(maker: Maker, article: Article) -> Outcome:
    from clippings import importers
    from clippings.model import ClippingsError

    try:
        data, name, expected = maker(article)
    except (OSError, subprocess.SubprocessError) as error:  # the maker (Chromium) failed
        return Outcome(False, False, 0.0, 0.0, 0.0, f"not made: {error}", made=False)
    started = time.perf_counter()
    try:
        found = importers.extract_articles(data, name)
    except ClippingsError as error:
        return Outcome(False, False, 0.0, 0.0, time.perf_counter() - started, str(error))
    seconds = time.perf_counter() - started
    text = "\n\n".join(e.text for e in found if e.has_text)
    first = found[0]
    precision, recall = precision_recall(text, expected)
    return Outcome(
        bool(text.strip()),
        fold(first.title) == fold(article.title),
        precision,
        recall,
        seconds,
        "" if fold(first.title) == fold(article.title) else f"title {first.title!r}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--limit", type=int, default=0, help="articles at most (0: all)")
    parser.add_argument("--only", default="", help="formats to measure, comma-separated")
    parser.add_argument("--verbose", action="store_true", help="every file's outcome")
    args = parser.parse_args()
    # pdfminer warns of every odd font, with no file name; the table says what matters.
    logging.getLogger("pdfminer").setLevel(logging.ERROR)
    articles = load_articles(args.corpus)
    if args.limit:
        articles = articles[: args.limit]
    wanted = {w.strip() for w in args.only.split(",") if w.strip()}
    print(f"{len(articles)} held-out articles (readability test pages)\n")
    print(
        f"{'format':<18} {'tried':>5} {'imported':>8} {'title':>6} "
        f"{'P med':>6} {'P min':>6} {'R med':>6} {'R min':>6} {'s/file':>7}"
    )
    for name, maker in makers().items():
        if wanted and not any(w in name for w in wanted):
            continue
        outcomes = []
        for article in articles:
            outcome = measure(maker, article)
            outcomes.append(outcome)
            if args.verbose and (outcome.note or outcome.recall < 0.9):
                print(
                    f"  {name} {article.name}: P {outcome.precision:.2f} "
                    f"R {outcome.recall:.2f} {html_lib.unescape(outcome.note)[:90]}"
                )
        outcomes = [o for o in outcomes if o.made]
        ps = [o.precision for o in outcomes if o.imported]
        rs = [o.recall for o in outcomes if o.imported]
        print(
            f"{name:<18} {len(outcomes):>5} {sum(o.imported for o in outcomes):>8} "
            f"{sum(o.title_right for o in outcomes):>6} "
            f"{statistics.median(ps) if ps else 0:>6.3f} {min(ps) if ps else 0:>6.3f} "
            f"{statistics.median(rs) if rs else 0:>6.3f} {min(rs) if rs else 0:>6.3f} "
            f"{statistics.median(o.seconds for o in outcomes):>7.2f}"
        )


if __name__ == "__main__":
    main()
