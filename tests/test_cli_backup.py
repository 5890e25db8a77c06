"""`clippings backup DEST`: a backup that `--archive DEST` opens, with its index rebuilt."""

from __future__ import annotations

import pytest

from tests.test_cli import Cli


@pytest.fixture(autouse=True)
def state_folder(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_STATE_HOME", str(tmp_path / "state"))


def test_backup_command(tmp_path, capsys, seed):
    cli = Cli(tmp_path / "archive", capsys)
    imported = cli.json("import", str(seed), "--tag", "Russia/US relations")["imported"]
    destination = tmp_path / "backup"

    code, out, err = cli("backup", str(destination))
    assert code == 0, err
    assert out == f"backed up 1 clipping and 1 original to {destination}\n"
    assert f"clippings --archive {destination} list" in err

    backup = Cli(destination, capsys)
    listed = backup.json("list", "--tag", "Russia")
    assert [(r["id"], r["tags"]) for r in listed] == [(imported[0]["id"], ["Russia/US relations"])]
    assert [h["id"] for h in backup.json("search", "Antonov")] == [imported[0]["id"]]
    code, out, err = backup("check")
    assert code == 0, err

    code, out, err = cli("backup", str(destination))  # now it holds files
    assert code == 2 and "already holds files" in err and out == ""
    code, out, err = cli("backup", str(tmp_path / "archive" / "inside"))
    assert code == 2 and "inside the archive" in err
