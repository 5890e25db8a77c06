"""Open the CSV export in LibreOffice Calc, as a user would, and check what it shows.

    .venv/bin/python tools/check_exports_libreoffice.py [--soffice PATH] [--keep DIR]

Not part of CI (LibreOffice is large and slow to start): run it before closing work on
the exports. It makes an archive of hostile and multilingual clippings (formula-like
titles and notes, Polish and Arabic text, a day and a moment as dates), exports it as
CSV, and has LibreOffice convert the CSV to a flat OpenDocument spreadsheet (``.fods``)
with the import settings a double-click uses (comma separated, the character set of
Windows, cp1252: only the file's byte order mark says UTF-8). Then it reads the
spreadsheet's XML:

* no cell is a formula (``table:formula``), and the formula-like values read as text;
* the accented and Arabic text reads as written (no mojibake such as "bliÅ¼ej");
* every ``published`` cell is a date value, so the column sorts;
* ``imported_at`` cells are date-times.

Exit status 0 when every check passes.
"""

from __future__ import annotations

import argparse
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

NS = {
    "table": "urn:oasis:names:tc:opendocument:xmlns:table:1.0",
    "office": "urn:oasis:names:tc:opendocument:xmlns:office:1.0",
    "text": "urn:oasis:names:tc:opendocument:xmlns:text:1.0",
}

HOSTILE = [
    ('=HYPERLINK("http://evil.example","click")', "Wyniki są bliżej niż myślisz."),
    ("+44 figures", "Ceny wzrosły o 5%."),
    ("-3% at close", "Rynki spadły."),
    ("@SUM(1+1)", "Nothing to sum."),
    ("الأسد يلتقي الوفد", "التقى الأسد بالوفد في دمشق."),
]


def build(folder: Path) -> Path:
    """An archive of hostile clippings, exported as CSV; returns the CSV's path."""
    from clippings.model import Extracted
    from clippings.services import Archive
    from clippings.services.exporting import export, gather
    from clippings.services.importing import store_extracted

    offset = timezone(timedelta(hours=2))
    with Archive.open(folder / "archive") as archive:
        for number, (title, text) in enumerate(HOSTILE):
            published: date | datetime = (
                datetime(2021, 7, 25, 5, number, tzinfo=offset) if number % 2 else date(2021, 7, 26)
            )
            extracted = Extracted(
                text=text, format="text", title=title, published=published, outlet="Gazeta"
            )
            name = f"clipping-{number}.txt"
            [result] = store_extracted(
                archive, [extracted], text.encode(), name, shown=name, tags=["Check"]
            )
            if number == 0 and result.id is not None:
                archive.edit(result.id, {"notes": "=1+1\r\nsecond line"})
        return export(archive, gather(archive, tag="Check"), "csv", folder / "check.csv")


def convert(soffice: str, csv_path: Path, out: Path) -> Path:
    """LibreOffice's reading of the CSV, as a flat ODS file in ``out``."""
    # CSV import options: comma, double quote, Windows' Western character set (what a
    # double-click there assumes when the file does not say), first line 1.
    options = "44,34,MS_1252,1"
    subprocess.run(
        [
            soffice,
            "--headless",
            f"-env:UserInstallation=file://{out / 'profile'}",
            f"--infilter=CSV:{options}",
            "--convert-to",
            "fods",
            "--outdir",
            str(out),
            str(csv_path),
        ],
        check=True,
        capture_output=True,
        timeout=240,
    )
    return out / (csv_path.stem + ".fods")


def cells(fods: Path) -> list[list[dict[str, str]]]:
    """The first sheet's rows: each cell's text, value type, value and formula."""
    tree = ET.parse(fods)
    sheet = tree.find(".//table:table", NS)
    assert sheet is not None, "no sheet"
    rows = []
    for row in sheet.iterfind("table:table-row", NS):
        found = []
        for cell in row.iterfind("table:table-cell", NS):
            repeat = int(cell.get(f"{{{NS['table']}}}number-columns-repeated", "1"))
            texts = ["".join(p.itertext()) for p in cell.iterfind("text:p", NS)]
            value = {
                "text": "\n".join(texts),
                "type": cell.get(f"{{{NS['office']}}}value-type", ""),
                "formula": cell.get(f"{{{NS['table']}}}formula", ""),
                "date": cell.get(f"{{{NS['office']}}}date-value", ""),
            }
            found.extend([value] * min(repeat, 64))
        if any(c["text"] for c in found):
            rows.append(found)
    return rows


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--soffice", default=shutil.which("soffice") or "soffice")
    parser.add_argument("--keep", type=Path, help="work in this folder and keep it")
    args = parser.parse_args()
    if not shutil.which(args.soffice):
        print("LibreOffice (soffice) is not installed: apt-get install libreoffice-calc-nogui")
        return 1
    version = subprocess.run([args.soffice, "--version"], capture_output=True, text=True)
    print(f"      {version.stdout.strip()}")
    folder = args.keep or Path(tempfile.mkdtemp(prefix="clippings-lo-"))
    folder.mkdir(parents=True, exist_ok=True)
    failures = 0

    def check(ok: bool, message: str) -> None:
        nonlocal failures
        failures += not ok
        print(f"{'ok  ' if ok else 'FAIL'}  {message}")

    try:
        csv_path = build(folder)
        rows = cells(convert(args.soffice, csv_path, folder))
        header = [c["text"] for c in rows[0]]
        column = {name: header.index(name) for name in header if name}
        body = rows[1:]
        check(len(body) == len(HOSTILE), f"{len(body)} rows of {len(HOSTILE)}")
        formulas = [c["formula"] for r in rows for c in r if c["formula"]]
        check(not formulas, f"no cell is a formula ({len(formulas)} found: {formulas[:3]})")
        titles = [r[column["title"]]["text"] for r in body]
        for title, _ in HOSTILE:
            shown = next((t for t in titles if t.lstrip("'") == title), None)
            check(shown is not None, f"title reads as text: {shown!r}")
        texts = [r[column["text"]]["text"] for r in body]
        check(
            "Wyniki są bliżej niż myślisz." in texts and "التقى الأسد بالوفد في دمشق." in texts,
            "UTF-8 read right without asking (Polish and Arabic text as written)",
        )
        notes = next(r[column["notes"]]["text"] for r in body if r[column["notes"]]["text"])
        check(notes.lstrip("'").startswith("=1+1"), f"notes read as text: {notes!r}")
        kinds = {r[column["published"]]["type"] for r in body}
        check(kinds == {"date"}, f"every published cell is a date (types: {sorted(kinds)})")
        days = sorted(r[column["published"]]["date"] for r in body)
        print(f"      published values: {days}")
        kinds = {r[column["imported_at"]]["type"] for r in body}
        check(kinds == {"date"}, f"every imported_at cell is a date-time (types: {sorted(kinds)})")
        moments = {r[column["published_at"]]["text"] for r in body} - {""}
        print(f"      published_at (text, ISO 8601): {sorted(moments)}")
        check(
            all(m.startswith("2021-07-25T05:0") for m in moments), "published_at keeps the moment"
        )
        # The control: the same reading makes a formula of a raw "=" cell, so the
        # checks above can fail.
        control = folder / "control.csv"
        control.write_text("title\n=1+1\n", encoding="utf-8")
        raw = [c["formula"] for r in cells(convert(args.soffice, control, folder)) for c in r]
        check(any(raw), f"control: a raw '=1+1' cell is a formula here ({[f for f in raw if f]})")
    finally:
        if not args.keep:
            shutil.rmtree(folder, ignore_errors=True)
    print(f"\n{'all checks passed' if not failures else f'{failures} check(s) failed'}")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
