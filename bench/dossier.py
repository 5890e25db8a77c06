"""How long the PDF dossier takes for N clippings, and how much of it is the contents.

Clippings are made from the ECB+ texts of ../shared/corpus (repeated to reach N), each
with a title, an outlet and a date, so the dossier looks like a real press review.
Prints, for each N: the whole export's wall and CPU time, the time spent building the
contents table (``_contents_document``), and the PDF's page count.

    python bench/dossier.py [N ...]            (default: 100 500)
    python bench/dossier.py --mixed [N ...]    every fifth clipping in another script
                                               (Arabic, Thai, Burmese, Chinese, Hebrew)

Prints the median of ``--runs N`` runs (default 3): wall and CPU time, the contents' share
and the page count.
"""

from __future__ import annotations

import csv
import os
import re
import resource
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

from clippings.exporters import dossier  # noqa: E402
from clippings.model import Clipping, Collection  # noqa: E402


def corpus_texts() -> list[tuple[str, str, str]]:
    """(title, outlet, text) of the ECB+ articles."""
    folder = CORPUS / "ecbplus"
    with (folder / "index.tsv").open(encoding="utf-8") as index:
        rows = [r for r in csv.DictReader(index, delimiter="\t") if r["subcorpus"] == "ecbplus"]
    found = []
    for row in rows:
        lines = (folder / row["path"]).read_text(encoding="utf-8").splitlines()
        body = [line for line in lines[3:] if line.strip()]
        if body:
            found.append((row["title"] or "Untitled", row["outlet"], "\n\n".join(body)))
    return found


def script_texts() -> list[tuple[str, str, str, str]]:
    """(title, outlet, text, language) of articles in scripts that need shaping."""
    folder = CORPUS / "newspaper4k" / "txt"
    found = [
        (
            f"{name} article",
            "newspaper4k",
            (folder / f"{name}_article.txt").read_text("utf-8"),
            lang,
        )
        for name, lang in (("arabic", "ar"), ("thai", "th"), ("burmese", "my"), ("chinese", "zh"))
    ]
    hebrew = CORPUS / "encodings" / "chardet-tests" / "windows-1255-hebrew" / "_ude_he2.txt"
    found.append(("hebrew article", "chardet", hebrew.read_bytes().decode("cp1255"), "he"))
    return found


def collection(count: int, mixed: bool = False) -> Collection:
    texts = corpus_texts()
    others = script_texts() if mixed else []
    start = date(2013, 1, 1)
    clippings = tuple(
        Clipping(
            id=n + 1,
            title=texts[n % len(texts)][0],
            text=texts[n % len(texts)][2],
            outlet=texts[n % len(texts)][1],
            published=start + timedelta(days=n // 3),
            language="en",
        )
        if not (others and n % 5 == 4)
        else Clipping(
            id=n + 1,
            title=others[n // 5 % len(others)][0],
            text=others[n // 5 % len(others)][2],
            outlet=others[n // 5 % len(others)][1],
            published=start + timedelta(days=n // 3),
            language=others[n // 5 % len(others)][3],
        )
        for n in range(count)
    )
    return Collection(
        title=f"Bench dossier of {count}",
        clippings=clippings,
        made_at=datetime(2024, 3, 11, 9, 30, tzinfo=UTC),
    )


def main() -> None:
    arguments = sys.argv[1:]
    mixed = "--mixed" in arguments
    runs = 3
    if "--runs" in arguments:
        runs = int(arguments[arguments.index("--runs") + 1])
        del arguments[arguments.index("--runs") : arguments.index("--runs") + 2]
    counts = [int(a) for a in arguments if a != "--mixed"] or [100, 500]
    contents_time = [0.0]
    original = dossier.contents_document

    def timed(*args, **kwargs):  # type: ignore[no-untyped-def]
        started = time.perf_counter()
        try:
            return original(*args, **kwargs)
        finally:
            contents_time[0] += time.perf_counter() - started

    dossier.contents_document = timed  # type: ignore[assignment]
    print(f"{'clippings':>9} {'wall s':>8} {'cpu s':>8} {'contents s':>11} {'pages':>6}")
    for count in counts:
        made = collection(count, mixed)
        measured = []
        for _ in range(runs):
            contents_time[0] = 0.0
            with tempfile.TemporaryDirectory() as folder:
                path = Path(folder) / "dossier.pdf"
                cpu = resource.getrusage(resource.RUSAGE_SELF)
                started = time.perf_counter()
                dossier.DossierExporter().write(made, path, read_original=lambda _sha: b"")
                wall = time.perf_counter() - started
                after = resource.getrusage(resource.RUSAGE_SELF)
                used = (after.ru_utime - cpu.ru_utime) + (after.ru_stime - cpu.ru_stime)
                data = path.read_bytes()
                pages = len(re.findall(rb"/Type\s*/Page\b(?!s)", data))
            measured.append((wall, used, contents_time[0], pages))
        wall, used, contents, pages = sorted(measured)[len(measured) // 2]
        print(f"{count:>9} {wall:>8.1f} {used:>8.1f} {contents:>11.1f} {pages:>6}", flush=True)


if __name__ == "__main__":
    main()
