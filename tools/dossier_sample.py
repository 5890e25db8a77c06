"""A sample press review dossier, and PNGs of its pages for the README.

    .venv/bin/python tools/dossier_sample.py [OUT_DIR]

Reads a handful of real articles from ../shared/corpus (never copied into the
repository): web pages through the project's own importer, ECB+ texts, and Chinese,
Arabic and Hebrew articles, tagged as a tag's export would gather them ("Media coverage"
with the sub-tags "Oscars" and "World"). Writes ``dossier-sample.pdf`` to a temporary
folder and, with ``pdftoppm`` (poppler-utils), ``12-dossier-cover.png``,
``12-dossier-contents.png``, ``12-dossier-summary.png`` and ``12-dossier-article.png``
into OUT_DIR (default ``docs/screenshots``).
"""

from __future__ import annotations

import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

from clippings.exporters.dossier import DossierExporter  # noqa: E402
from clippings.importers import extract  # noqa: E402
from clippings.model import Clipping, Collection  # noqa: E402


def web_clippings(first_id: int) -> list[Clipping]:
    pages = CORPUS / "readability" / "test-pages"
    clippings = []
    for offset, name in enumerate(("nytimes-1", "wapo-1", "seattletimes-1")):
        source = pages / name / "source.html"
        found = extract(source.read_bytes(), source.name)
        clippings.append(
            Clipping(
                id=first_id + offset,
                title=found.title or name,
                text=found.text,
                outlet=found.outlet,
                author=found.author,
                published=found.published,
                language=found.language,
                url=found.url,
                tags=("Media coverage/US",),
            )
        )
    return clippings


def ecbplus_clippings(first_id: int, count: int) -> list[Clipping]:
    """ECB+ texts with a header (url, title, date line), one sentence a line."""
    folder = CORPUS / "ecbplus"
    with (folder / "index.tsv").open(encoding="utf-8") as index:
        rows = [r for r in csv.DictReader(index, delimiter="\t") if r["subcorpus"] == "ecbplus"]
    # The Oscars host stories, leaving out the ones whose "title" is only a date line.
    rows = [
        r for r in rows if r["topic"] == "2" and sum(w.isalpha() for w in r["title"].split()) > 3
    ][:count]
    clippings = []
    for offset, row in enumerate(rows):
        lines = (folder / row["path"]).read_text(encoding="utf-8").splitlines()
        body = [line for line in lines[3:] if line.strip()]
        clippings.append(
            Clipping(
                id=first_id + offset,
                title=row["title"],
                text="\n\n".join(body),
                outlet=row["outlet"],
                published=date(2013, 8, 2 + offset),
                language="en",
                url=row["url"],
                tags=("Media coverage/Oscars",),
                page="C1" if offset == 0 else None,
                section="Arts" if offset == 0 else None,
                notes=(
                    "Lead item for Monday's briefing.\nCheck the quote with the press office."
                    if offset == 0
                    else None
                ),
            )
        )
    return clippings


def chinese_clipping(clipping_id: int) -> Clipping:
    text = (CORPUS / "newspaper4k" / "txt" / "chinese_article.txt").read_text(encoding="utf-8")
    return Clipping(
        id=clipping_id,
        title="梁振英就违建问题道歉",
        text=text,
        outlet="BBC 中文网",
        published=date(2013, 12, 10),
        language="zh",
        tags=("Media coverage/World",),
    )


def arabic_clipping(clipping_id: int) -> Clipping:
    text = (CORPUS / "newspaper4k" / "txt" / "arabic_article.txt").read_text(encoding="utf-8")
    return Clipping(
        id=clipping_id,
        title="فصائل معارضة تسيطر على مستودعات أسلحة بريف دمشق",
        text=text,
        outlet="CNN بالعربية",
        published=date(2013, 11, 16),
        language="ar",
        tags=("Media coverage/World",),
    )


def hebrew_clipping(clipping_id: int) -> Clipping:
    raw = CORPUS / "encodings" / "chardet-tests" / "windows-1255-hebrew" / "_ude_he2.txt"
    return Clipping(
        id=clipping_id,
        title="העברית: שפה שמית",
        text=raw.read_bytes().decode("cp1255"),
        outlet="Wikipedia",
        published=date(2013, 11, 20),
        language="he",
        tags=("Media coverage/World",),
    )


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots"
    clippings = [
        *web_clippings(1),
        *ecbplus_clippings(10, 4),
        chinese_clipping(20),
        arabic_clipping(21),
        hebrew_clipping(22),
    ]
    clippings.sort(key=lambda c: (c.published is None, str(c.published)))
    collection = Collection(
        title="Media coverage",
        clippings=tuple(clippings),
        made_at=datetime(2024, 3, 11, 9, 30, tzinfo=UTC),
    )
    work = Path(tempfile.mkdtemp(prefix="dossier-"))
    pdf = work / "dossier-sample.pdf"
    started = time.perf_counter()
    DossierExporter().write(collection, pdf, read_original=lambda _sha: b"")
    print(f"{pdf} in {time.perf_counter() - started:.2f} s")
    if shutil.which("pdftoppm") is None:
        sys.exit("pdftoppm is missing: apt-get install poppler-utils")
    import pikepdf  # the outline says where the article with a note starts

    with pikepdf.open(pdf) as document, document.open_outline() as outline:
        numbers = {page.obj.objgen: n for n, page in enumerate(document.pages, start=1)}
        marks = [child for item in outline.root for child in [item, *item.children]]
        noted = next(m for m in marks if "Oscar" in m.title and m.destination is not None)
        article = numbers[noted.destination[0].objgen]
        # The second page of the longest clipping shows the running header.
        starts = sorted({numbers[m.destination[0].objgen] for m in marks if not m.children})
        ends = [*starts[1:], len(document.pages) + 1]
        longest = max(zip(starts, ends, strict=True), key=lambda pair: pair[1] - pair[0])[0]
    out.mkdir(parents=True, exist_ok=True)
    shots = [("cover", 1), ("contents", 2), ("summary", 3), ("article", article)]
    shots.append(("article-continued", longest + 1))
    for name, page in shots:
        stem = work / name
        subprocess.run(
            [
                "pdftoppm",
                "-png",
                "-r",
                "70",
                "-singlefile",
                "-f",
                str(page),
                "-l",
                str(page),
                str(pdf),
                str(stem),
            ],
            check=True,
        )
        shutil.copyfile(stem.with_suffix(".png"), out / f"12-dossier-{name}.png")
        print(out / f"12-dossier-{name}.png")


if __name__ == "__main__":
    main()
