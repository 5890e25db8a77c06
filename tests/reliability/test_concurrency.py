"""Several `clippings import` processes at once, with another command tagging and
searching meanwhile: every file ends up stored once, findable, and nothing saved
before is lost.

The race of imports is run in rounds (other file names, other real articles), each with
two and with three importers. CI runs one round; ``CLIPPINGS_STRESS_ROUNDS=N`` runs N
(``tools/stress.sh`` runs the reliability tests with 3, the number CI ran before).
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    CLI_TIMEOUT,
    REPO,
    STRESS_ROUNDS,
    assert_nothing_lost,
    assert_search_finds,
    cli_env,
    copy_archive,
    copy_files,
    finish,
    make_archive,
    markers_of,
    reported_paths,
    run_cli,
    same_article_other_bytes,
    start_cli,
    write_articles,
)

#: A second program that opens the archive again and again while imports run: it
#: lists, tags the newest clippings, searches and now and then rebuilds the index
#: (each call a whole command).
BUSY_LOOP = r"""
import contextlib, io, json, sys, traceback
from pathlib import Path
from clippings.cli import main

archive, stop = sys.argv[1], Path(sys.argv[2])
tagged = {}
failures = []

def run(*args):
    out = io.StringIO()
    try:
        with contextlib.redirect_stdout(out):
            code = main(["--archive", archive, *args])
    except BaseException:
        traceback.print_exc()
        code = "traceback"
    if code != 0:
        failures.append([list(args), code])
    return code, out.getvalue()

rounds = 0
while not stop.exists() and rounds < 400:
    code, out = run("list", "--json")
    ids = [row["id"] for row in json.loads(out)[:4]] if code == 0 else []
    if ids:
        name = f"Busy/{rounds % 3}"
        if run("tag", *map(str, ids), "--add", name)[0] == 0:
            tagged.setdefault(name, []).extend(ids)
    run("search", "harbour OR council", "--json")
    if rounds % 4 == 2:  # a rebuild racing the imports' index updates
        run("reindex")
    rounds += 1
print(json.dumps({"rounds": rounds, "tagged": tagged, "failures": failures}))
"""


def make_folders(tmp_path: Path, importers: int, shared: int, own: int, start: int):
    """Folders for each importer: ``shared`` files in all of them, ``own`` files each,
    and a few articles whose same text comes with other bytes in the next folder."""
    pool = write_articles(tmp_path / "pool", range(start, start + shared), prefix="shared")
    folders, same_article = [], {}
    for n in range(importers):
        folder = tmp_path / f"in{n}"
        copy_files(pool, folder)
        first = start + shared + n * own
        write_articles(folder, range(first, first + own), prefix=f"own{n}")
        folders.append(folder)
    # The same article in two folders, differing only in spacing: one is kept.
    for n in range(importers):
        for k in range(3):
            source = folders[n] / f"own{n}-{start + shared + n * own + k:05d}.txt"
            twin = same_article_other_bytes(
                source, folders[(n + 1) % importers] / f"twin{n}-{k}.txt"
            )
            same_article[twin] = source
            same_article[source] = twin
    return folders, same_article


#: Rounds of the race of imports (see the module's docstring): 1 in CI.
ROUNDS = STRESS_ROUNDS


@pytest.fixture(scope="module")
def saved_archive(tmp_path_factory, corpus_articles) -> tuple[Path, dict[Path, int | None]]:
    """An archive of 6 real articles, imported before any race (copied by each round)."""
    root = tmp_path_factory.mktemp("saved")
    archive = root / "archive"
    return archive, make_archive(archive, copy_files(corpus_articles[:6], root / "saved"))


@pytest.mark.slow
@pytest.mark.parametrize("importers", [2, 3])
@pytest.mark.parametrize("round_", range(ROUNDS))
def test_concurrent_imports_store_every_file_once(
    tmp_path, corpus_articles, saved_archive, importers, round_
):
    concurrent_case(tmp_path, corpus_articles, importers, round_, saved=saved_archive)


def concurrent_case(
    tmp_path: Path,
    corpus_articles: list[Path],
    importers: int,
    round_: int,
    own: int = 16,
    *,
    saved: tuple[Path, dict[Path, int | None]] | None = None,
) -> None:
    """``importers`` imports at once on overlapping folders, a busy loop beside them.

    Args:
        saved: an archive of ``corpus_articles[:6]`` to copy and what it holds (None:
            it is made here, by ``clippings import``).

    Raises:
        LossError: a file is lost, stored twice or not found by search.
        AssertionError: any other fault.
    """
    archive = tmp_path / "archive"
    # A saved archive to begin with: real articles, imported before the race.
    if saved is None:
        stored_before = make_archive(archive, copy_files(corpus_articles[:6], tmp_path / "saved"))
    else:
        copy_archive(saved[0], archive)
        stored_before = saved[1]
    folders, same_article = make_folders(tmp_path, importers, 18, own, start=1000 * round_)
    first = 6 + (10 * round_) % max(len(corpus_articles) - 16, 1)
    real = corpus_articles[first : first + 6]
    for folder in folders:  # real articles too, half of them in every folder
        copy_files(real[:3], folder)
    copy_files(real[3:], folders[0])

    stop = tmp_path / "stop"
    busy = subprocess.Popen(
        [sys.executable, "-c", BUSY_LOOP, str(archive), str(stop)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=cli_env(),
        cwd=REPO,
    )
    try:
        running = [start_cli(archive, "import", folder, "--json") for folder in folders]
        runs = [finish(process) for process in running]
    finally:
        stop.touch()
        busy_out, busy_err = busy.communicate(timeout=CLI_TIMEOUT)

    # What was stored must be there, whatever else went wrong: losses first.
    stored: dict[Path, int | None] = dict(stored_before)
    for run in runs:
        if run.stdout.strip():
            stored.update(reported_paths(run.json()))
    busy_err_text = busy_err.decode("utf-8", "replace")
    try:
        loop = json.loads(busy_out.decode())
    except ValueError:
        loop = {"tagged": {}, "failures": [["the loop itself", busy_err_text[-2000:]]]}
    assert_nothing_lost(archive, stored, same_article=same_article, tags=loop["tagged"])
    every_file = [p for folder in folders for p in folder.iterdir()]
    generated = [p for p in every_file if p.name.startswith(("shared", "own"))]
    assert_search_finds(archive, markers_of(generated))

    for run in runs:
        assert not run.traceback, f"an import crashed:\n{run.describe()}"
        report = run.json()
        assert run.returncode == 0 and not report["failed"] and not report["skipped"], (
            f"every file is a readable article, yet the import did not take them all:\n"
            f"{run.describe()}"
        )
    assert set(every_file) <= set(stored), "some files are in no import's report"
    assert "Traceback" not in busy_err_text, (
        f"listing, tagging or searching during the imports crashed:\n{busy_err_text[-3000:]}"
    )
    assert not loop["failures"], (
        f"commands run during the imports failed (args, exit): {loop['failures'][:10]}\n"
        f"{busy_err_text[-2000:]}"
    )


def test_import_while_purging_the_same_files_keeps_every_original(tmp_path):
    """The trash holds clippings of some files; one program purges it while another
    imports those files again (and new ones). Whatever each reported stays true."""
    files = write_articles(tmp_path / "in", range(5000, 5030))
    archive = tmp_path / "archive"
    saved = make_archive(archive, files[:20])
    trashed = sorted(i for i in saved.values() if i is not None)
    deleted = run_cli(archive, "delete", *map(str, trashed))
    assert deleted.returncode == 0, deleted.describe()

    importing = start_cli(archive, "import", tmp_path / "in", "--json")
    purging = start_cli(archive, "purge")
    imported, purged = finish(importing), finish(purging)

    for run in (imported, purged):
        assert run.returncode == 0 and not run.traceback, run.describe()
    report = imported.json()
    assert not report["failed"] and not report["skipped"], imported.describe()
    # A file found "already there" as a clipping in the trash may go with the trash.
    kept = reported_paths(report, ("imported",))
    state = assert_nothing_lost(archive, kept)
    for entry in report["duplicates"]:
        assert entry["id"] in state.clippings or entry["id"] in trashed, (
            f"{entry['path']} was reported already stored as clipping {entry['id']}, "
            "which is gone though it was never in the trash"
        )


def test_backup_while_importing_is_a_whole_archive(tmp_path, corpus_articles):
    """A backup taken while two imports run holds every clipping it lists, each with
    its original, and nothing the imports stored is lost."""
    archive = tmp_path / "archive"
    saved = make_archive(archive, copy_files(corpus_articles[:10], tmp_path / "saved"))
    folders, same_article = make_folders(tmp_path, 2, 10, 20, start=7000)

    importing = [start_cli(archive, "import", folder, "--json") for folder in folders]
    backup = finish(start_cli(archive, "backup", tmp_path / "backup"))
    runs = [finish(process) for process in importing]

    stored = dict(saved)
    for run in runs:
        assert run.returncode == 0 and not run.traceback, run.describe()
        stored.update(reported_paths(run.json()))
    assert backup.returncode == 0 and not backup.traceback, backup.describe()
    assert_nothing_lost(archive, stored, same_article=same_article)
    # The backup: a whole archive of its own, with at least what was saved before.
    assert_nothing_lost(tmp_path / "backup", saved)


def test_repair_while_importing_removes_nothing_of_the_import(tmp_path):
    """`check --repair` run again and again during an import: what repair takes for a
    leftover (an original not yet recorded, a half-written file) belongs to the running
    import and must stay."""
    files = write_articles(tmp_path / "in", range(8000, 8060))
    archive = tmp_path / "archive"
    saved = make_archive(archive, files[:5])

    importing = start_cli(archive, "import", tmp_path / "in", "--json")
    repairs = []
    while importing.process.poll() is None:
        repairs.append(run_cli(archive, "check", "--repair"))
    imported = finish(importing)

    assert repairs, "the import ended before a repair could run beside it"
    assert imported.returncode == 0 and not imported.traceback, imported.describe()
    for run in repairs:
        assert run.returncode in (0, 1) and not run.traceback, run.describe()
    assert_nothing_lost(archive, {**saved, **reported_paths(imported.json())})


@pytest.mark.slow
def test_imports_at_once_from_one_site_make_one_outlet(tmp_path):
    # Two imports of pages from one new site at the same moment: the outlet is made
    # once (in the transaction that stores the first clipping) and both find it.
    archive = tmp_path / "archive"
    assert run_cli(archive, "reindex").returncode == 0  # a new, empty archive
    folders = []
    for n in range(2):
        folder = tmp_path / f"in{n}"
        for path in write_articles(folder, range(100 * n, 100 * n + 12), prefix=f"site{n}"):
            number = int(path.stem.rsplit("-", 1)[1])
            text = path.read_text(encoding="utf-8")
            header = f"https://www.harbour-news.example/story/{number}\n\n"
            path.write_text(header + text, encoding="utf-8")
        folders.append(folder)
    running = [start_cli(archive, "import", folder, "--json") for folder in folders]
    runs = [finish(process) for process in running]
    for run in runs:
        assert run.returncode == 0 and not run.traceback, run.describe()
    listed = run_cli(archive, "outlets", "--json")
    assert listed.returncode == 0, listed.describe()
    outlets = listed.json()
    assert [(o["name"], o["count"], o["domains"]) for o in outlets] == [
        ("harbour-news.example", 24, ["harbour-news.example"])
    ]
