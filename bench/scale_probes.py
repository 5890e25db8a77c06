"""The rows of ``bench/scale.py`` that run in a new process (``scale.py probe NAME``):
memory and cold starts are measured there, apart from the bench's own process."""

from __future__ import annotations

import os
import random
import shutil
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import scale_data as data
from bench.scale_common import Progress, status_mb
from bench.scale_postgres import probe_import_client

# --- Probes: rows measured in a new process --------------------------------------------------


def random_ids(archive: Any, count: int, *, seed: int) -> list[int]:
    """``count`` live clippings (fewer if the archive has fewer) at random, without
    listing the archive: random ids are tried a thousand at a time."""
    live = archive.count()
    rng = random.Random(seed)
    highest = 2 * live + 10  # ids are never reused; bulk-loaded ones have no gaps
    ids: list[int] = []
    for _ in range(100):
        if len(ids) >= min(count, live):
            break
        wanted = rng.sample(range(1, highest + 1), min(highest, 1_000))
        ids = list(dict.fromkeys(ids + sorted(archive.store.exists(wanted))))
    rng.shuffle(ids)
    return ids[:count]


def probe_related(path: str, size: str) -> dict[str, Any]:
    from clippings.services import Archive
    from clippings.services.related import related

    with Archive.open(Path(path)) as archive:
        ids = random_ids(archive, 51, seed=5)
        rss_before = status_mb("VmRSS")
        started = time.perf_counter()
        related(archive, ids[0])
        first = (time.perf_counter() - started) * 1000
        warm = []
        for clipping_id in ids[1:51]:
            started = time.perf_counter()
            related(archive, clipping_id)
            warm.append((time.perf_counter() - started) * 1000)
        return {
            "first": first,
            "warm": warm,
            "ids": ids[1:11],
            "rss_before": rss_before,
            "extra_after": status_mb("VmRSS") - rss_before,
            "extra_peak": status_mb("VmHWM") - rss_before,
        }


def probe_stories(path: str) -> dict[str, Any]:
    from clippings.services import Archive
    from clippings.services.related import stories

    with Archive.open(Path(path)) as archive:
        started = time.perf_counter()
        found = stories(archive)
        seconds = time.perf_counter() - started
    return {
        "seconds": seconds,
        "stories": len(found),
        "grouped": sum(len(s.clippings) for s in found),
        "peak": status_mb("VmHWM"),
    }


def probe_import(path: str, manifest: str) -> dict[str, Any]:
    from clippings.services import Archive, import_paths

    files = data.read_manifest(Path(manifest))
    kinds: dict[str, Any] = {}
    with Archive.open(Path(path)) as archive:
        for kind in ("text", "html", "pdf"):
            chosen = [f for f in files if f.kind == kind]
            if not chosen:
                continue
            progress = Progress(f"import {kind}", every=30)
            start = time.time()
            done = import_paths(archive, [f.path for f in chosen], report=progress)
            seconds = progress.finish()
            statuses: dict[str, int] = {}
            for result in done.results:
                status = str(result.outcome)
                statuses[status] = statuses.get(status, 0) + 1
            kinds[kind] = {
                "files": len(chosen),
                "units": sum(f.pages for f in chosen) if kind == "pdf" else len(chosen),
                "seconds": seconds,
                "gap": progress.longest,
                "start": start,
                "end": time.time(),
                "statuses": ", ".join(f"{n} {s}" for s, n in sorted(statuses.items())),
            }
    return {"kinds": kinds, "peak": status_mb("VmHWM")}


def probe_window(path: str, parent_started: str) -> dict[str, Any]:
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import QEvent, QEventLoop, QObject, QSettings
    from PySide6.QtWidgets import QApplication

    from clippings.model import SearchFilters
    from clippings.services import Archive
    from clippings.ui.main_window import MainWindow

    painted: list[float] = []

    class FirstPaint(QObject):
        def eventFilter(self, _watched: QObject, event: QEvent) -> bool:  # noqa: N802
            if event.type() == QEvent.Type.Paint and not painted:
                painted.append(time.time())
            return False

    app = QApplication.instance() or QApplication(["clippings"])
    settings = QSettings(str(Path(tempfile.mkdtemp()) / "settings.ini"), QSettings.Format.IniFormat)
    archive = Archive.open(Path(path))
    window = MainWindow(archive, settings=settings)
    spy = FirstPaint()
    window.installEventFilter(spy)
    window.show()

    def wait_for(condition: Callable[[], bool], seconds: float = 120) -> None:
        deadline = time.monotonic() + seconds
        while not condition() and time.monotonic() < deadline:
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, 20)

    wait_for(lambda: bool(painted))
    first_paint = painted[0] - float(parent_started)
    rss_painted = status_mb("VmRSS")
    started = time.perf_counter()
    window.search_bar.set_search("police", SearchFilters())
    app.processEvents()
    search_ms = (time.perf_counter() - started) * 1000
    rows = window.model.rowCount()
    started = time.perf_counter()
    window.table.selectRow(0)
    panel = window.related
    # The panel says "looking…" from the selection until the lookup's answer is shown.
    wait_for(lambda: "looking" in panel.title.text() or panel.list.count() > 0, 10)
    wait_for(lambda: "looking" not in panel.title.text(), 120)
    related_ms = (time.perf_counter() - started) * 1000
    window.lookups.wait()
    window.jobs.wait()
    app.processEvents()
    result = {
        "first_paint": first_paint,
        "rss_painted": rss_painted,
        "search_ms": search_ms,
        "rows": rows,
        "related_ms": related_ms,
        "related": panel.list.count(),
        "rss_after": status_mb("VmRSS"),
        "peak": status_mb("VmHWM"),
    }
    window.watch_timer.stop()
    window.close()
    archive.close()
    return result


def probe_dossier(path: str, count: str, budget: str) -> dict[str, Any]:
    from clippings.model import Cancelled
    from clippings.services import Archive
    from clippings.services.exporting import export, gather

    out = Path(tempfile.mkdtemp()) / "dossier.pdf"
    with Archive.open(Path(path)) as archive:
        ids = random_ids(archive, int(count), seed=11)
        started = time.perf_counter()
        deadline = started + float(budget)
        try:
            collection = gather(archive, ids=ids)
            export(archive, collection, "pdf", out, cancel=lambda: time.perf_counter() > deadline)
        except Cancelled:
            stopped = True
        else:
            stopped = False
        seconds = time.perf_counter() - started
    content = out.read_bytes() if out.exists() else b""
    shutil.rmtree(out.parent, ignore_errors=True)
    return {
        "seconds": seconds,
        "stopped": stopped,
        "clippings": len(ids),
        "pages": len(data.PDF_PAGE.findall(content)),
        "mb": len(content) / 2**20,
        "peak": status_mb("VmHWM"),
    }


PROBES: dict[str, Callable[..., dict[str, Any]]] = {
    "related": probe_related,
    "stories": probe_stories,
    "import": probe_import,
    "window": probe_window,
    "dossier": probe_dossier,
    "import-client": probe_import_client,
}
