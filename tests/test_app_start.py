"""Starting the window where it cannot open, the application icon, and what a wheel ships."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from clippings import app
from clippings.resources import resource_path

ROOT = Path(__file__).resolve().parent.parent


def _free_display() -> str:
    """An X display number no server listens on (a socket file or an abstract socket)."""
    try:
        sockets = Path("/proc/net/unix").read_text()
    except OSError:
        sockets = ""
    for number in range(4999, 5100):
        name = f"/tmp/.X11-unix/X{number}"
        if not Path(name).exists() and name not in sockets:
            return f":{number}"
    pytest.skip("every display number tried has an X server")


def _start_window(tmp_path: Path, **env: str | None) -> subprocess.CompletedProcess[str]:
    environment = {
        k: v
        for k, v in os.environ.items()
        if k not in {"QT_QPA_PLATFORM", "DISPLAY", "WAYLAND_DISPLAY"}
    }
    environment |= {k: v for k, v in env.items() if v is not None}
    environment["XDG_STATE_HOME"] = str(tmp_path / "state")
    environment["XDG_CONFIG_HOME"] = str(tmp_path / "config")
    environment["PYTHONPATH"] = str(ROOT)
    return subprocess.run(
        [sys.executable, "-m", "clippings", "--archive", str(tmp_path / "archive")],
        env=environment,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 displays are Linux's")
def test_an_unreachable_display_is_explained_not_a_qt_abort(tmp_path):
    display = _free_display()
    done = _start_window(tmp_path, DISPLAY=display)
    assert done.returncode == app.EXIT_NO_DISPLAY, done.stderr
    assert f"Clippings cannot open its window: no display at {display}." in done.stderr
    assert "clippings --help" in done.stderr
    assert "reinstalling the application" not in done.stderr
    assert not (tmp_path / "archive").exists()  # nothing was made of a start that failed


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="X11 displays are Linux's")
def test_no_display_at_all_is_explained(tmp_path):
    done = _start_window(tmp_path)
    assert done.returncode != 0
    assert "clippings --help" in done.stderr
    assert "reinstalling the application" not in done.stderr


def test_a_display_problem_names_the_display(monkeypatch):
    monkeypatch.setattr(sys, "platform", "linux")
    monkeypatch.setattr(app.QApplication, "instance", staticmethod(lambda: None))
    monkeypatch.delenv("WAYLAND_DISPLAY", raising=False)
    monkeypatch.setenv("QT_QPA_PLATFORM", "xcb")
    monkeypatch.setenv("DISPLAY", ":4321")
    monkeypatch.setattr(app, "_x_display_opens", lambda display: False)
    assert app.display_problem() == (
        "Clippings cannot open its window: no display at :4321. "
        "Run it on a desktop, or use the command line: clippings --help"
    )
    monkeypatch.setenv("QT_QPA_PLATFORM", "offscreen")
    assert app.display_problem() is None  # the tests' and the screenshots' platform


def test_the_application_icon_has_every_size(qapp):
    icon = app.app_icon()
    sizes = {size.width() for size in icon.availableSizes()}
    assert sizes == set(app.ICON_SIZES)
    assert resource_path("icons", "clippings.svg").is_file()


def test_a_wheel_carries_the_resources(tmp_path):
    """``pip install .`` (not editable) must find the icon: the wheel has it inside."""
    source = tmp_path / "source"  # a copy: building writes build/ and *.egg-info beside
    source.mkdir()
    for name in ("pyproject.toml", "setup.py", "MANIFEST.in", "README.md"):
        shutil.copy(ROOT / name, source / name)
    for name in ("clippings", "resources"):
        shutil.copytree(ROOT / name, source / name, ignore=shutil.ignore_patterns("__pycache__"))
    done = subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w", str(tmp_path), str(source)],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    if done.returncode != 0 and any(
        words in done.stderr
        for words in ("No matching distribution", "Could not find a version", "NewConnection")
    ):
        pytest.skip("building a wheel needs setuptools from the network, which is not there")
    assert done.returncode == 0, done.stderr
    (wheel,) = tmp_path.glob("clippings-*.whl")
    names = set(zipfile.ZipFile(wheel).namelist())
    assert "clippings/_resources/icons/clippings.svg" in names
    assert "clippings/_resources/icons/16x16/clippings.png" in names
    assert "clippings/resources.py" in names


def test_a_named_archive_that_is_not_there_is_made_only_when_the_user_says_so(
    qapp, tmp_path, monkeypatch
):
    # `clippings --archive TYPO` must not quietly open a new, empty archive.
    from PySide6.QtWidgets import QMessageBox

    asked = []
    answer = [QMessageBox.StandardButton.Cancel]

    def question(_parent, _title, text, *_args):
        asked.append(text)
        return answer[0]

    monkeypatch.setattr(QMessageBox, "question", question)
    typo = tmp_path / "archve"
    assert not app.confirm_new_archive(typo, named=True)
    assert f"There is no archive at {typo}" in asked[0] and not typo.exists()
    answer[0] = QMessageBox.StandardButton.Yes
    assert app.confirm_new_archive(typo, named=True)
    # The first start's default archive, or one that exists, is opened without a question.
    asked.clear()
    assert app.confirm_new_archive(tmp_path / "default", named=False)
    (tmp_path / "real").mkdir()
    (tmp_path / "real" / "clippings.sqlite3").write_bytes(b"")
    assert app.confirm_new_archive(tmp_path / "real", named=True)
    assert asked == []
