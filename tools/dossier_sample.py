"""A sample press review dossier, and PNGs of its first pages for the README.

    .venv/bin/python tools/dossier_sample.py [OUT_DIR]

Reads a handful of real articles from ../shared/corpus (never copied into the
repository): web pages through the project's own importer, ECB+ texts, and a Chinese
article. Writes ``dossier-sample.pdf`` to a temporary folder and, with ``pdftoppm``
(poppler-utils), ``dossier-page-1.png`` and ``dossier-page-2.png`` into OUT_DIR
(default ``docs/screenshots``).
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
    )


def main() -> None:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots"
    clippings = [*web_clippings(1), *ecbplus_clippings(10, 4), chinese_clipping(20)]
    collection = Collection(
        title="Oscars and other news",
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
    subprocess.run(
        ["pdftoppm", "-png", "-r", "60", "-f", "1", "-l", "2", str(pdf), str(work / "page")],
        check=True,
    )
    out.mkdir(parents=True, exist_ok=True)
    for number, made in enumerate(sorted(work.glob("page-*.png")), start=1):
        shutil.copyfile(made, out / f"dossier-page-{number}.png")
        print(out / f"dossier-page-{number}.png")


if __name__ == "__main__":
    main()
