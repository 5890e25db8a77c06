"""Tools › Check Archive…: what is wrong said in plain words, and repaired on request."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QAction

from clippings.ui import archive_actions
from tests.conftest import add_clipping


@pytest.fixture
def answers(monkeypatch):
    """What the check showed, and whether the user pressed Repair (first time only)."""
    shown: list[dict] = []

    def show(parent, problems, *, repaired=(), can_repair=True):
        shown.append({"problems": list(problems), "repaired": list(repaired)})
        return can_repair and len(shown) == 1 and any(p.repairable for p in problems)

    monkeypatch.setattr(archive_actions, "show_check_result", show)
    return shown


def trigger_check(qtbot, window):
    action = window.findChild(QAction, "checkArchive")
    assert action is not None and action.text() == "&Check Archive…"
    with qtbot.waitSignal(window.jobs.idle, timeout=20_000):
        action.trigger()


def test_a_sound_archive_is_said_to_be_sound(qtbot, make_window, answers):
    window = make_window()
    add_clipping(window.archive, "The harbour reopened after the storm.")
    trigger_check(qtbot, window)
    assert answers == [{"problems": [], "repaired": []}]


def test_leftovers_are_found_and_repaired_without_losing_a_clipping(qtbot, make_window, answers):
    window = make_window()
    archive = window.archive
    kept = add_clipping(archive, "The harbour reopened after the storm.")
    # What a crash between writing a file and recording it leaves behind.
    sha, _ = archive.originals.put(b"bytes of an import that never finished")
    trigger_check(qtbot, window)
    qtbot.waitUntil(lambda: len(answers) == 2, timeout=20_000)
    first, second = answers
    assert [p.kind for p in first["problems"]] == ["original-orphan"]
    assert any("belonged to no clipping" in line for line in second["repaired"])
    assert second["problems"] == []
    assert not archive.originals.path_for(sha).exists()
    assert archive.originals.verify(archive.get(kept).sha256) == "ok"


def test_a_read_only_archive_is_checked_but_never_offered_repair(qtbot, make_window, answers):
    window = make_window()
    archive = window.archive
    archive.originals.put(b"an orphan")
    archive.read_only = True
    trigger_check(qtbot, window)
    assert len(answers) == 1
    assert [p.kind for p in answers[0]["problems"]] == ["original-orphan"]
