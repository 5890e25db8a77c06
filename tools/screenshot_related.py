"""Screenshots of the Related panel in a mixed archive, for the README.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshot_related.py [OUT]

Imports, through the real import path into a temporary archive, the ECB+ reports of
topic 1 (Lindsay Lohan entering Betty Ford in 2013, and Tara Reid entering Promises in
2008: two events of one kind) beside unrelated pages of the shared corpus in several
languages (``../shared``: read, never copied into the repository). Then saves:

* ``11-related-mixed.png``: the people.com report on Lohan open, its Related panel
  listing the other reports of that event as same story, Tara Reid's rehab at most as
  related, and none of the unrelated pages (the issue's window showed "Apple's Vision
  Pro hands-on" and a storm forecast there);
* ``11-related-none.png``: an unrelated page open, its panel saying that nothing in
  the archive is alike enough, rather than listing the nearest noise;
* ``11-related-verdict.png``: back on the Lohan report, one of its same-story pieces
  given the user's verdict "not the same story" (as the "Same story?" button does), with
  its menu open on it (the screen is photographed, so that the menu shows);
* ``11-stories-verdict.png``: the Stories view after the user said a report of Tara
  Reid's rehab is the same story as the Lohan report: the two stories joined, the status
  bar saying so (and how to undo it), the rows there by the user's word marked.
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

from PySide6.QtCore import QPoint, QSettings  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402
from shot_args import output_folder  # noqa: E402

from clippings.services import Archive, import_paths  # noqa: E402
from clippings.services import related as related_service  # noqa: E402
from clippings.ui.commands import VerdictCommand, push  # noqa: E402
from clippings.ui.jobs import JobRunner  # noqa: E402
from clippings.ui.main_window import MainWindow  # noqa: E402
from tools.screenshots import SIZE, shoot, wait_for  # noqa: E402

#: people.com on Lohan entering Betty Ford (ECB+ subtopic 1_ecbplus).
LOHAN = "1_14ecbplus.txt"
#: Unrelated pages: the ones the issue saw in the Lohan report's panel, and others in
#: several languages.
PAGES = (
    "theverge",
    "seattletimes-1",
    "nytimes-1",
    "wapo-1",
    "tmz-1",
    "buzzfeed-1",
    "heise",
    "liberation-1",
    "folha",
    "la-nacion",
    "qq",
    "cnn",
    "herald-sun-1",
)


def articles() -> list[Path]:
    pages = CORPUS / "readability" / "test-pages"
    found = [pages / name / "source.html" for name in PAGES if (pages / name).is_dir()]
    return [*sorted((CORPUS / "ecbplus" / "text" / "1").glob("1_*.txt")), *found]


def main() -> int:
    out = output_folder(__doc__, REPO / "docs" / "screenshots")
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="clippings-related-shot-"))
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    archive = Archive.open(work / "archive")
    report = import_paths(archive, articles())
    related_service.sync(archive)
    ids = {
        Path(r.path).name if "ecbplus" in r.path else r.path: r.id for r in report.of("imported")
    }
    window = MainWindow(archive, settings=settings, jobs=JobRunner())
    window.resize(*SIZE)
    window.show()

    lohan = ids[LOHAN]
    window.select_clipping(lohan)
    wait_for(app, lambda: window.related.list.count() > 0)
    shoot(window, out, "11-related-mixed")
    for found in related_service.related(archive, lohan, limit=30):
        print(f"  {found.relation:10} {found.score:.2f}  {found.clipping.title[:70]}")

    verge = next(i for p, i in ids.items() if "theverge" in p)
    window.select_clipping(verge)
    wait_for(app, lambda: window.related.list.count() > 0)
    shoot(window, out, "11-related-none")
    print(f"  the Verge page: {len(related_service.related(archive, verge))} related")

    window.select_clipping(lohan)
    wait_for(app, lambda: window.related.list.count() > 0)
    panel = window.related
    rows = [panel.list.item(k) for k in range(panel.list.count())]
    same = [r for r in rows if r is not None and r.text().startswith("Same story")]
    panel.list.setCurrentItem(same[-1])
    panel.verdict_actions["not same story"].trigger()
    wait_for(
        app,
        lambda: any("your verdict" in panel.list.item(k).text() for k in range(panel.list.count())),
    )
    panel.verdict_menu.popup(
        panel.verdict_button.mapToGlobal(QPoint(0, panel.verdict_button.height()))
    )
    wait_for(app, lambda: False, 1.0)
    frame = window.frameGeometry()
    screen = app.primaryScreen()
    picture = screen.grabWindow(0, frame.x(), frame.y(), frame.width(), frame.height())
    picture.save(str(out / "11-related-verdict.png"))
    panel.verdict_menu.hide()

    window.show_stories()
    tree = window.stories_view.tree
    wait_for(app, lambda: tree.topLevelItemCount() >= 2)
    reid = ids["1_11ecb.txt"]
    push(window.undo_stack, VerdictCommand(window, lohan, reid, "same story"))
    wait_for(app, lambda: "one now" in window.statusBar().currentMessage())
    wait_for(app, lambda: False, 0.5)
    shoot(window, out, "11-stories-verdict")
    print(f"  {window.statusBar().currentMessage()}")
    window.close()
    archive.close()
    shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
