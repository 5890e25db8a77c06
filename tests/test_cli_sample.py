"""``clippings sample``: the sample archive from the command line."""

from __future__ import annotations

import json

from clippings.cli import main
from clippings.services import Archive


def test_sample_builds_the_sample_archive_in_the_data_folder(monkeypatch, tmp_path, capsys):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    monkeypatch.delenv("CLIPPINGS_ARCHIVE", raising=False)
    assert main(["sample"]) == 0
    made = tmp_path / "data" / "clippings" / "Sample archive"
    assert "imported 9 sample articles" in capsys.readouterr().err
    with Archive.open(made) as archive:
        assert archive.count() == 9
        assert archive.count(tag="Kestrel Valley") == 4
    assert not (tmp_path / "data" / "clippings" / "archive").exists()  # the user's own


def test_sample_into_a_chosen_folder_and_again(tmp_path, capsys):
    target = tmp_path / "mine"
    assert main(["sample", "--archive", str(target), "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert len(out["imported"]) == 9 and out["failed"] == []
    assert {t["tag"] for t in out["tagged"]} == {"Kestrel Valley", "Culture"}
    assert main(["--archive", str(target), "sample"]) == 0
    assert "already has clippings" in capsys.readouterr().err
    with Archive.open(target) as archive:
        assert archive.count() == 9
