"""Screenshots of the window for the README, taken from a real window under Xvfb.

    xvfb-run -s "-screen 0 1400x900x24" .venv/bin/python tools/screenshots.py [OUT]
    xvfb-run -s "-screen 0 1920x1080x24" .venv/bin/python tools/screenshots.py --walkthrough [OUT]

Builds a small archive in a temporary folder from the seed clipping and corpus pages
of ../shared (read, never copied into the repository), then saves PNGs of: the empty
start, an import in progress, search results, a clipping open, the tag sidebar, the
Related panel, the Stories view and a comparison of two reports of one event.

``--team`` shows a team archive (issue 14): File › Connect to Team Archive…, a
clipping's history with two people's changes, and the window of a reader
(``14-<step>.png``). It starts a PostgreSQL cluster of its own (tests/pgserver.py).

``--walkthrough`` is a new user's first hour instead, at 1024×640, 1280×800 and
1920×1080 (``13-<size>-<step>.png``): the welcome, Help › Open Sample Archive while it
imports and once it has, a search, a clipping open, Stories, Compare, the Export
dialog and About. It needs nothing from ../shared (the sample articles ship with
Clippings) and keeps its settings and the sample archive in a temporary folder.
"""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"

from PySide6.QtCore import QObject, QSettings, QTimer, Slot  # noqa: E402
from PySide6.QtWidgets import QApplication, QWidget  # noqa: E402

from clippings.model import Progress  # noqa: E402
from clippings.services import Archive, import_paths  # noqa: E402
from clippings.ui.importing import IMPORTING  # noqa: E402
from clippings.ui.jobs import Job, JobRunner  # noqa: E402
from clippings.ui.main_window import MainWindow  # noqa: E402

SIZE = (1360, 820)


def articles() -> list[Path]:
    """A mixed handful: the seed, web pages of several outlets, a PDF, two events."""
    pages = CORPUS / "readability" / "test-pages"
    return [
        SHARED / "seed",
        *(
            pages / name / "source.html"
            for name in ("nytimes-1", "wapo-1", "theverge", "seattletimes-1")
        ),
        CORPUS / "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf",
        *sorted((CORPUS / "ecbplus" / "text" / "2").glob("2_*ecbplus.txt"))[:8],
        *sorted((CORPUS / "ecbplus" / "text" / "3").glob("3_*ecbplus.txt"))[:5],
        CORPUS / "newspaper4k/txt/chinese_article.txt",
    ]


def shoot(window: MainWindow, out: Path, name: str) -> None:
    save(window, out / f"{name}.png")


def wait_for(app: QApplication, condition: object, seconds: float = 30.0) -> None:
    """Let the event loop run until ``condition()`` holds (a background lookup)."""
    import time

    deadline = time.monotonic() + seconds
    while not condition() and time.monotonic() < deadline:  # type: ignore[operator]
        app.processEvents()
        time.sleep(0.02)


#: The window sizes of the walkthrough: a small laptop, a common one, a full-HD screen.
WALKTHROUGH_SIZES = ((1024, 640), (1280, 800), (1920, 1080))


class _Snapshot(QObject):
    """Takes one picture when an import's progress passes ``at`` (a slot on the GUI
    thread, so the worker's signal is queued to it)."""

    def __init__(self, window: MainWindow, path: Path, at: int) -> None:
        super().__init__(window)
        self.window, self.path, self.at, self.taken = window, path, at, False

    @Slot(object)
    def on_job_started(self, job: Job) -> None:
        if job.title == IMPORTING:
            job.progress.connect(self.on_progress)

    @Slot(object)
    def on_progress(self, progress: Progress) -> None:
        if progress.done >= self.at and not self.taken:
            self.taken = True
            save(self.window, self.path)


def save(widget: QWidget, path: Path) -> None:
    QApplication.processEvents()
    widget.grab().save(str(path))
    print(f"saved {path}")


def walkthrough(app: QApplication, out: Path, size: tuple[int, int]) -> None:
    """A new user's first steps at one window size."""
    from clippings.ui.export_dialog import ExportDialog

    work = Path(tempfile.mkdtemp(prefix="clippings-walk-"))
    os.environ["XDG_DATA_HOME"] = str(work / "data")  # the sample archive goes here
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
    name = f"13-{size[0]}x{size[1]}"

    def shot(widget: QWidget, step: str) -> None:
        save(widget, out / f"{name}-{step}.png")

    window = MainWindow(Archive.open(work / "archive"), settings=settings, jobs=JobRunner())
    window.resize(*size)
    window.show()
    shot(window, "1-welcome")

    # Switching to the sample archive is a job; its import starts once it is open.
    snapshot = _Snapshot(window, out / f"{name}-2-import-in-progress.png", at=3)
    window.jobs.started.connect(snapshot.on_job_started)
    assert window.open_sample_archive() is not None
    wait_for(app, lambda: snapshot.taken and not window.jobs.pending, 120)
    window.table.selectRow(0)
    wait_for(app, lambda: "looking" not in window.related.title.text())
    shot(window, "3-sample-archive")

    window.search_bar.field.setText("bridge")
    window.search_bar.flush()
    window.table.selectRow(0)
    wait_for(app, lambda: window.related.list.count() > 0)
    shot(window, "4-search")

    window.show_all()
    by_title = {row.title: row.id for row in window.archive.list()}
    first = by_title["Alder Bridge collapses after three days of rain in Kestrel Valley"]
    other = by_title[
        "Kestrel Valley cut off as Alder Bridge gives way: engineers had warned of cracks"
    ]
    window.select_clipping(first)
    wait_for(app, lambda: window.related.list.count() > 0)
    shot(window, "5-clipping-open")

    window.show_stories()
    wait_for(app, lambda: window.stories_view.tree.topLevelItemCount() > 0)
    tree = window.stories_view.tree
    tree.expandAll()
    tree.setCurrentItem(tree.topLevelItem(0).child(0))
    wait_for(app, lambda: window.related.list.count() > 0)
    shot(window, "6-stories")

    window.show_all()
    count = len(window.compare_windows)
    window.compare_clippings(first, other)
    wait_for(app, lambda: len(window.compare_windows) > count)
    compare = window.compare_windows[-1]
    compare.resize(*size)
    shot(compare, "7-compare")
    compare.close()

    window.select_clipping(first)
    export = ExportDialog(window.export_scopes(), work, window)
    export.show()
    shot(export, "8-export-dialog")
    export.close()

    about = window.show_about()
    wait_for(app, lambda: about.facts is not None)
    shot(about, "9-about")
    about.close()
    window.close()
    window.archive.close()


def team(app: QApplication, out: Path) -> None:
    """A team archive: connecting, a clipping's history, a reader's window."""
    from clippings import address
    from clippings.services.server import init_server, set_member
    from clippings.ui.connect_dialog import ConnectDialog
    from tests import pgserver

    bin_dir = pgserver.find_bin()
    assert bin_dir is not None, "PostgreSQL's server programs are needed (apt install postgresql)"
    server = pgserver.start(bin_dir)
    try:
        work = Path(tempfile.mkdtemp(prefix="clippings-team-"))
        os.environ["XDG_CACHE_HOME"] = str(work / "cache")
        os.environ["PYTHON_KEYRING_BACKEND"] = "keyring.backends.null.Keyring"
        settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)
        name = server.new_database()
        url = server.url(name)
        init_server(url)
        for login, role in (("ann", "editor"), ("bob", "editor"), ("carla", "reader")):
            set_member(url, login, role)

        dialog = ConnectDialog(None, keyring_available=True)
        dialog.host.setText("db.newsroom.example")
        dialog.database.setText("newsroom")
        dialog.user.setText("ann")
        dialog.password_field.setText("correct horse")
        dialog.resize(520, dialog.sizeHint().height())
        dialog.show()
        save(dialog, out / "14-connect.png")
        dialog.close()

        with Archive.open(address.with_user(url, "ann")) as ann:
            report = import_paths(ann, articles()[:3])
            first = report.of("imported")[0].id
            ann.add_tag([first], "Desk/Politics")
        with Archive.open(address.with_user(url, "bob")) as bob:
            bob.edit(first, {"notes": "Follow up with the embassy on Monday."})
            bob.add_tag([first], "Weekly review")
        window = MainWindow(
            Archive.open(address.with_user(url, "ann")), settings=settings, jobs=JobRunner()
        )
        window.resize(*SIZE)
        window.show()
        window.sidebar.expandAll()
        window.select_clipping(first)
        window.show_current()
        window.reading.browser.verticalScrollBar().setValue(
            window.reading.browser.verticalScrollBar().maximum()
        )
        shoot(window, out, "14-history")
        window.jobs.wait()
        window.archive.close()
        window.close()

        reader = MainWindow(
            Archive.open(address.with_user(url, "carla")), settings=settings, jobs=JobRunner()
        )
        reader.resize(*SIZE)
        reader.show()
        reader.show_archive_notes()
        reader.select_clipping(first)
        reader.show_current()
        wait_for(app, lambda: "looking" not in reader.related.title.text(), 20)
        shoot(reader, out, "14-reader")
        reader.jobs.wait()
        reader.archive.close()
        reader.close()
    finally:
        pgserver.stop(bin_dir, server)  # the whole cluster goes, its roles with it


def main() -> int:
    arguments = sys.argv[1:]
    if arguments[:1] == ["--team"]:
        out = Path(arguments[1]) if len(arguments) > 1 else REPO / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        app = QApplication(sys.argv[:1])
        team(app, out)
        return 0
    if arguments[:1] == ["--walkthrough"]:
        out = Path(arguments[1]) if len(arguments) > 1 else REPO / "docs" / "screenshots"
        out.mkdir(parents=True, exist_ok=True)
        app = QApplication(sys.argv[:1])
        for size in WALKTHROUGH_SIZES:
            walkthrough(app, out, size)
        return 0
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else REPO / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication(sys.argv[:1])
    work = Path(tempfile.mkdtemp(prefix="clippings-shots-"))
    settings = QSettings(str(work / "settings.ini"), QSettings.Format.IniFormat)

    # 1. The empty start.
    window = MainWindow(Archive.open(work / "archive"), settings=settings, jobs=JobRunner())
    window.resize(*SIZE)
    window.show()
    shoot(window, out, "1-empty-start")

    # 2. An import in progress: a folder of texts, photographed part-way through.
    photographer = _Snapshot(window, out / "2-import-in-progress.png", at=12)
    job = window.import_paths([CORPUS / "ecbplus" / "text" / "1"])
    job.progress.connect(photographer.on_progress)
    while window.jobs.pending:
        app.processEvents()
    if window.summary_dialog:
        window.summary_dialog.close()

    # A fresh archive of mixed articles, tagged, for the other pictures.
    archive = Archive.open(work / "press")
    report = import_paths(archive, articles())
    ids = {r.path: r.id for r in report.of("imported")}
    oscars = [i for p, i in ids.items() if "/2/2_" in p]
    archive.add_tag(oscars, "Culture/Oscars")
    archive.add_tag([i for p, i in ids.items() if "/3/3_" in p], "Crime")
    seed_id = next(i for p, i in ids.items() if "seed" in p)
    archive.add_tag([seed_id], "Russia/US relations")
    archive.add_tag([i for p, i in ids.items() if p.endswith(".html")], "Press review/2019")
    archive.set_tag_colour("Culture", "#8e44ad")
    archive.set_tag_colour("Russia", "#c0392b")
    archive.set_tag_colour("Crime", "#2c7fb8")
    archive.set_tag_colour("Press review", "#27ae60")
    press = archive.path
    archive.close()
    window.switch_archive(press)
    # The archive opens in the background: the pictures wait for it, and for the work
    # that follows an opening (the related pieces' catch-up).
    wait_for(app, lambda: window.archive.path == press and not window.jobs.pending, 120)
    window.sidebar.expandAll()

    # 3. Search results with snippets.
    window.search_bar.field.setText("Oscars host")
    window.search_bar.flush()
    window.table.selectRow(0)
    shoot(window, out, "3-search-results")

    # 4. A clipping open: the seed, with its derived title marked.
    window.show_all()
    window.select_clipping(seed_id)
    shoot(window, out, "4-clipping-open")

    # 5. The tag sidebar, filtering by a tag.
    window.sidebar.itemClicked.emit(window.sidebar.tag_items["Culture/Oscars"], 0)
    window.table.selectRow(1)
    wait_for(app, lambda: window.related.list.count() > 0)
    shoot(window, out, "5-tag-sidebar")

    # 6. The Related panel beside a clipping.
    window.show_all()
    window.select_clipping(oscars[0])
    wait_for(app, lambda: window.related.list.count() > 0)
    shoot(window, out, "6-related-panel")

    # 7. Stories: reports grouped by event.
    window.show_stories()
    wait_for(app, lambda: window.stories_view.tree.topLevelItemCount() > 0)
    tree = window.stories_view.tree
    tree.setCurrentItem(tree.topLevelItem(0).child(0))
    wait_for(app, lambda: window.related.list.count() > 0)
    shoot(window, out, "7-stories")

    # 8. Two reports of the same event side by side.
    window.show_all()
    window.select_clipping(oscars[0])
    wait_for(app, lambda: window.related.list.count() > 0)
    window.related.list.setCurrentRow(0)
    count = len(window.compare_windows)
    window.related.compare_button.click()
    wait_for(app, lambda: len(window.compare_windows) > count)
    compare = window.compare_windows[-1]
    compare.resize(*SIZE)
    QApplication.processEvents()
    path = out / "8-comparison.png"
    compare.grab().save(str(path))
    print(f"saved {path}")
    compare.close()
    QTimer.singleShot(0, window.close)
    window.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
