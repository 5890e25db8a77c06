"""Exports never leave debris in the user's folder, and colleagues can open them."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")  # the PDF dossier draws with Qt

import signal
import stat
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from clippings.exporters import exporter
from clippings.model import Cancelled, ClippingsError
from clippings.services.exporting import (
    MissingOriginalError,
    clean_unfinished_exports,
    export,
    gather,
)
from clippings.services.unfinished import clean_unfinished, journal_folder, unfinished
from tests.conftest import add_clipping

REPO = Path(__file__).resolve().parents[2]


@pytest.fixture(autouse=True)
def state_folder(tmp_path, monkeypatch):
    """The journal of unfinished exports goes to a state folder of the test's own."""
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))
    return tmp_path / "state"


@pytest.fixture
def tagged(archive):
    ids = [
        add_clipping(archive, "Talks resumed in Geneva. Both sides spoke of progress.", tags=["W"]),
        add_clipping(archive, "Markets fell sharply. Traders blamed the talks.", tags=["W"]),
    ]
    return archive, ids


@pytest.fixture
def folder(tmp_path):
    made = tmp_path / "exports"
    made.mkdir()
    return made


def journal_entries() -> list[Path]:
    return sorted(journal_folder().glob("*")) if journal_folder().is_dir() else []


# --- Failure and cancel -----------------------------------------------------------------


def test_a_failed_export_leaves_no_file(tagged, folder, monkeypatch):
    archive, _ = tagged
    writer = exporter("csv")

    def broken(collection, path, **kwargs):
        Path(path).write_text("half a table")
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(writer, "write", broken)
    with pytest.raises(ClippingsError, match="No space left"):
        export(archive, gather(archive, tag="W"), "csv", folder / "week.csv")
    assert list(folder.iterdir()) == []
    assert journal_entries() == []


@pytest.mark.parametrize("format_name", ["csv", "bundle", "pdf"])
def test_a_cancelled_export_leaves_no_file(tagged, folder, format_name, request):
    archive, _ = tagged
    if format_name == "pdf":
        request.getfixturevalue("qapp")  # the window's kind of application, as the GUI tests use
    with pytest.raises(Cancelled):
        export(archive, gather(archive, tag="W"), format_name, folder / "out", cancel=lambda: True)
    assert list(folder.iterdir()) == []
    assert journal_entries() == []


def test_sigterm_during_a_command_line_export_removes_the_temporary(tagged, folder):
    archive, _ = tagged
    output = folder / "week.csv"
    # The real command, paused inside the export by its progress bar (the test's hook).
    script = textwrap.dedent(
        f"""
        import sys
        from clippings import cli
        from clippings.cli import output

        def pause(bar, progress):
            print("writing", flush=True)
            sys.stdin.readline()

        output._ProgressBar.__call__ = pause
        sys.exit(cli.main(["--archive", {archive.location!r}, "export", "--tag", "W",
                           "--format", "csv", "--output", {str(output)!r}]))
        """
    )
    writer = subprocess.Popen(
        [sys.executable, "-c", script],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert writer.stdout is not None
    assert writer.stdout.readline().strip() == "writing"
    assert [p.suffix for p in folder.iterdir()] == [".part"]  # it is mid-way
    writer.send_signal(signal.SIGTERM)
    _, err = writer.communicate(timeout=60)
    assert writer.returncode not in (0, -signal.SIGTERM), err  # it stopped, and cleaned up
    assert list(folder.iterdir()) == []
    assert journal_entries() == []


# --- Killed exports: the journal --------------------------------------------------------

_WRITER = """
import os, signal, sys
from pathlib import Path
from clippings.services.unfinished import unfinished

folder = Path(sys.argv[1])
with unfinished(folder, "dossier.pdf") as partial:
    partial.write_bytes(b"%PDF half a dossier")
    # A format's own scratch file beside it, as the PDF writer makes.
    Path(folder, f".{partial.name}.1234.part").write_bytes(b"scratch")
    print(partial, flush=True)
    if sys.argv[2] == "kill":
        os.kill(os.getpid(), signal.SIGKILL)
    sys.stdin.readline()
"""


def start_writer(folder: Path, how: str) -> tuple[subprocess.Popen[str], Path]:
    writer = subprocess.Popen(
        [sys.executable, "-c", _WRITER, str(folder), how],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
        cwd=REPO,
    )
    assert writer.stdout is not None
    return writer, Path(writer.stdout.readline().strip())


def test_only_a_dead_writers_temporary_is_removed(folder):
    killed, killed_part = start_writer(folder, "kill")
    assert killed.wait(timeout=60) == -signal.SIGKILL
    live, live_part = start_writer(folder, "wait")
    try:
        assert killed_part.exists() and live_part.exists()
        assert str(killed.pid) in killed_part.name and str(live.pid) in live_part.name
        assert len(journal_entries()) == 2

        assert clean_unfinished_exports() == 1

        assert not killed_part.exists()
        assert not list(folder.glob(f".{killed_part.name}.*"))  # its scratch file too
        assert live_part.exists()  # still being written: never touched
        assert list(folder.glob(f".{live_part.name}.*"))
        assert len(journal_entries()) == 1
        assert clean_unfinished_exports() == 0  # and again: nothing more to do
    finally:
        live.stdin.close()  # type: ignore[union-attr]
        live.wait(timeout=60)
        live.stdout.close()  # type: ignore[union-attr]
    assert list(folder.iterdir()) == []  # the live one cleaned up after itself
    assert journal_entries() == []


def test_an_entry_whose_lock_is_free_is_stale(folder, tmp_path):
    """An entry left without its lock (the writer died) names a temporary to remove."""
    journal = tmp_path / "journal"
    journal.mkdir()
    stale = folder / ".week.csv.clippings-999999-0badcafe.part"
    stale.write_text("half")
    (journal / "999999-0badcafe.entry").write_text(f"{stale}\n")
    assert clean_unfinished(journal) == 1
    assert not stale.exists()
    assert list(journal.iterdir()) == []


def test_a_journal_entry_never_removes_a_file_not_named_as_ours(folder, tmp_path):
    journal = tmp_path / "journal"
    journal.mkdir()
    precious = folder / "thesis.docx"
    precious.write_text("years of work")
    (journal / "1-00000000.entry").write_text(f"{precious}\n")
    assert clean_unfinished(journal) == 0
    assert precious.exists()


def test_a_temporary_in_use_by_this_process_is_kept(folder):
    with unfinished(folder, "week.csv") as partial:
        partial.write_text("half")
        assert clean_unfinished_exports() == 0
        assert partial.exists()
    assert list(folder.iterdir()) == []


# --- Permissions ------------------------------------------------------------------------


@pytest.mark.parametrize("umask", [0o022, 0o027])
@pytest.mark.parametrize("format_name", ["csv", "json", "bundle", "pdf"])
def test_an_export_gets_the_mode_of_any_new_file(tagged, folder, format_name, umask, request):
    archive, _ = tagged
    if format_name == "pdf":
        request.getfixturevalue("qapp")
    previous = os.umask(umask)
    try:
        written = export(archive, gather(archive, tag="W"), format_name, folder / "week")
    finally:
        os.umask(previous)
    assert stat.S_IMODE(written.stat().st_mode) == 0o666 & ~umask
    assert list(folder.iterdir()) == [written]


# --- A missing original ------------------------------------------------------------------


@pytest.mark.folder_only
def test_a_missing_original_is_named_with_its_clipping(tagged, folder):
    archive, ids = tagged
    lost = archive.get(ids[1])
    archive.originals.path_for(lost.sha256).unlink()
    with pytest.raises(MissingOriginalError) as raised:
        export(archive, gather(archive, tag="W"), "bundle", folder / "week.zip")
    message = str(raised.value)
    assert message.startswith(
        f"the original file of clipping {lost.id} ({lost.original_name}) is missing from the "
        "archive: check the archive"
    )
    assert "No such file" not in message and "week.zip" not in message
    assert " --" not in message  # the window shows it too: no command-line flags
    assert raised.value.clipping_id == lost.id
    assert list(folder.iterdir()) == []


def test_an_unreadable_original_says_so(tagged, folder, monkeypatch):
    archive, ids = tagged
    first = archive.get(ids[0])

    def refuse(sha256):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(archive.originals, "read", refuse)
    with pytest.raises(MissingOriginalError, match=r"cannot be read \(Permission denied\)") as e:
        export(archive, gather(archive, tag="W"), "bundle", folder / "week.zip")
    assert f"clipping {first.id}" in str(e.value) or f"clipping {ids[1]}" in str(e.value)
    assert list(folder.iterdir()) == []


@pytest.mark.folder_only
def test_an_export_into_the_archive_folder_is_refused(tagged):
    archive, _ids = tagged
    collection = gather(archive, tag="W")
    for inside in (archive.path / "w.csv", archive.path / "originals" / "w.csv"):
        with pytest.raises(ClippingsError, match="the archive's own files"):
            export(archive, collection, "csv", inside)
        assert not inside.exists()
    # A folder of the user's own inside the archive's folder is theirs.
    (archive.path / "out").mkdir()
    export(archive, collection, "csv", archive.path / "out" / "w.csv")
