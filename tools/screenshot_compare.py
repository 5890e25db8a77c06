"""A screenshot of the comparison of two outlets' reports of one event, for the README.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshot_compare.py [OUT]

Imports two ECB+ reports of Lindsay Lohan entering the Betty Ford clinic (people.com and
usmagazine.com, ``../shared/corpus/ecbplus``: read, never copied into the repository)
through the real import path into a temporary archive, compares them as the window
does, and saves the comparison window as ``11-compare-similar.png``: passages said in
other words paired as ``similar``, their shared names and numbers marked.

Then ``11-compare-joined.png``: an ECB+ report (``3_1ecbplus``) against a copy of it
written in the temporary folder with every second full stop lost, a figure changed and
a sentence added (as a print page's text layer and a later edit might give): the
sentences the copy runs together are one passage beside the two they were.
"""

from __future__ import annotations

import os
import shutil
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

from PySide6.QtWidgets import QApplication  # noqa: E402
from shot_args import output_folder  # noqa: E402

from clippings.services import Archive, import_paths  # noqa: E402
from clippings.services.comparing import compare  # noqa: E402
from clippings.ui.compare_window import CompareWindow  # noqa: E402

#: people.com and usmagazine.com on Lohan entering Betty Ford (ECB+ subtopic 1_ecbplus).
PAIR = ("1_14ecbplus.txt", "1_19ecbplus.txt")
SIZE = (1360, 820)


def main() -> int:
    out = output_folder(__doc__, REPO / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="clippings-compare-shot-"))
    with Archive.open(work / "archive") as archive:
        paths = [CORPUS / "ecbplus" / "text" / "1" / name for name in PAIR]
        report = import_paths(archive, paths)
        ids = {Path(r.path).name: r.id for r in report.of("imported")}
        comparison = compare(archive, ids[PAIR[0]], ids[PAIR[1]])
        window = CompareWindow(comparison)
        window.resize(*SIZE)
        window.show()
        app.processEvents()
        path = out / "11-compare-similar.png"
        window.grab().save(str(path))
        print(f"saved {path}")
        kinds = [pair.kind for pair in comparison.pairs]
        print(f"text in common {comparison.similarity:.0%}; passages: {kinds}")
        window.close()
        path = out / "11-compare-joined.png"
        kinds = _joined_shot(app, archive, work, path)
        print(f"saved {path}; passages: {kinds}")
    shutil.rmtree(work, ignore_errors=True)
    return 0


def _joined_shot(app: QApplication, archive: Archive, work: Path, path: Path) -> list[str]:
    lines = [
        line.strip()
        for line in (CORPUS / "ecbplus" / "text" / "3" / "3_1ecbplus.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    header, body = lines[:3], lines[3:]
    web = work / "web.txt"
    web.write_text("\n".join(header) + "\n\n" + "\n\n".join(body), encoding="utf-8")
    lost = [line[:-1] if k % 2 == 0 and line.endswith(".") else line for k, line in enumerate(body)]
    lost[2] = lost[2].replace("49", "48")
    lost.insert(5, "Officials did not say how he got the gun.")
    printed = work / "printed.txt"
    printed.write_text("\n".join(header) + "\n\n" + " ".join(lost), encoding="utf-8")
    report = import_paths(archive, [web, printed], keep_copies=True)
    first, second = (r.id for r in report.results)
    assert first is not None and second is not None
    window = CompareWindow(compare(archive, first, second))
    window.resize(*SIZE)
    window.show()
    app.processEvents()
    window.grab().save(str(path))
    kinds = [pair.kind for pair in window.comparison.pairs]
    window.close()
    return kinds


if __name__ == "__main__":
    sys.exit(main())
