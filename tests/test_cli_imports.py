"""A command imports only what it needs: reading the archive never starts Qt, the
importers, the analysis of related pieces or numpy (a cold `clippings search` is
mostly import time)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from clippings.cli import EDIT_OPTIONS
from clippings.services import Archive
from clippings.storage import EDITABLE_FIELDS
from tests.conftest import DATA

REPO = Path(__file__).resolve().parents[1]

#: Modules a command that only reads the archive must not load.
HEAVY = ("PySide6", "trafilatura", "pdfminer", "numpy", "lxml", "clippings.analysis")

PROBE = """
import json, sys
from clippings.cli import main
code = main(sys.argv[1:])
sys.stdout.flush()
print(json.dumps({"code": code, "modules": sorted(sys.modules)}), file=sys.stderr)
"""


@pytest.fixture(scope="module")
def archive(tmp_path_factory):
    folder = tmp_path_factory.mktemp("cli-imports") / "archive"
    shutil.copytree(DATA / "archive-v1", folder)
    for path in folder.rglob("*"):
        path.chmod(0o644 if path.is_file() else 0o755)
    Archive.open(folder).close()  # upgraded and indexed here, not in the command
    return folder


def loaded(*argv: str) -> set[str]:
    """The modules a `clippings` command loaded, run in a new Python."""
    done = subprocess.run(
        [sys.executable, "-c", PROBE, *argv],
        capture_output=True,
        text=True,
        cwd=REPO,
        check=False,
    )
    report = json.loads(done.stderr.strip().splitlines()[-1])
    assert report["code"] == 0, done.stderr
    return set(report["modules"])


@pytest.mark.parametrize(
    "command",
    [["search", "harbour"], ["search", "harbour", "--json"], ["list"], ["show", "1"]],
    ids=" ".join,
)
def test_reading_commands_load_no_heavy_module(archive, command):
    modules = loaded("--archive", str(archive), *command)
    assert "clippings.services.archive" in modules  # the probe really ran the command
    heavy = sorted(m for m in modules if any(m == h or m.startswith(h + ".") for h in HEAVY))
    assert heavy == []
    assert not any(m.startswith("clippings.importers") for m in modules)


def test_help_loads_neither_the_database_library_nor_the_search_engine():
    modules = loaded("--help")
    assert not {"sqlalchemy", "whoosh", "tantivy", *HEAVY} & {m.split(".")[0] for m in modules}


def test_the_edit_options_are_the_editable_fields_but_the_date():
    assert tuple(f for f in EDITABLE_FIELDS if f != "published") == EDIT_OPTIONS
