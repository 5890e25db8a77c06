"""Fixtures for the window's tests (pytest-qt, offscreen)."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest
from PySide6.QtCore import QSettings

from clippings.services import Archive
from clippings.ui.jobs import JobRunner
from clippings.ui.main_window import MainWindow


@pytest.fixture
def settings(tmp_path):
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def make_window(qtbot, tmp_path, settings):
    """Makes main windows on temporary archives; closes them after the test."""
    made = []

    def make(archive=None, *, inline=False, **options):
        archive = archive or Archive.open(tmp_path / "archive")
        window = MainWindow(archive, settings=settings, jobs=JobRunner(inline=inline), **options)
        qtbot.addWidget(window)
        window.show()
        made.append(window)
        return window

    yield make
    for window in made:
        window.watch_timer.stop()
        window.jobs.wait()
        window.lookups.wait()
        window.groupings.wait()
        window.comparisons.wait()
        window.catch_up_runner.wait()
        window.archive.close()


@pytest.fixture
def window(make_window):
    return make_window()
