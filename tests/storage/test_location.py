"""Where an archive lives: network shares, synced folders and conflict copies."""

from __future__ import annotations

from pathlib import Path

from clippings.services import Archive
from clippings.storage import location


def test_a_local_folder_needs_no_warning(tmp_path):
    assert location.location_warnings(tmp_path) == []


def test_a_folder_a_sync_tool_syncs_is_recognised_by_its_marker(tmp_path):
    (tmp_path / "Sync" / ".stfolder").mkdir(parents=True)
    archive = tmp_path / "Sync" / "press" / "archive"
    archive.mkdir(parents=True)
    warnings = location.location_warnings(archive)
    assert len(warnings) == 1
    assert "Syncthing" in warnings[0] and "one computer at a time" in warnings[0]


def test_a_folder_a_sync_tool_syncs_is_recognised_by_its_name(tmp_path):
    archive = tmp_path / "Dropbox (Newsroom)" / "clippings"
    archive.mkdir(parents=True)
    assert "Dropbox" in location.location_warnings(archive)[0]


def test_a_network_share_is_recognised_from_the_mount_table(tmp_path, monkeypatch):
    table = (
        "22 1 8:1 / / rw,relatime - ext4 /dev/sda1 rw\n"
        f"90 22 0:50 / {tmp_path} rw,relatime - nfs4 server:/export rw\n"
    )
    real = Path.read_text

    def read_text(self, *args, **kwargs):
        if str(self) == "/proc/self/mountinfo":
            return table
        return real(self, *args, **kwargs)

    monkeypatch.setattr(Path, "read_text", read_text)
    assert location.file_system_type(tmp_path / "archive") == "nfs4"
    warnings = location.location_warnings(tmp_path)
    assert "NFS network share" in warnings[0]


def test_conflict_copies_are_named_and_never_opened_as_the_archive(tmp_path):
    folder = tmp_path / "archive"
    with Archive.open(folder) as archive:
        clipping_count = archive.count()
    copy = folder / "clippings (Jane's conflicted copy 2026-11-30).sqlite3"
    copy.write_bytes(b"what the other computer had")
    (folder / "clippings.sync-conflict-20261130-101010-ABCDEFG.sqlite3").write_bytes(b"x")
    with Archive.open(folder) as archive:
        assert archive.count() == clipping_count
        (warning,) = archive.warnings
    assert "conflicted copy" in warning and "sync-conflict" in warning
    assert "does not use them" in warning
    assert copy.read_bytes() == b"what the other computer had"
