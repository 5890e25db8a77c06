"""What the world does to an archive: a full disk, read-only media, a damaged
database or index, several programs creating it at once, file names that are not
UTF-8. Each time the user gets a plain message (never a traceback) and keeps
everything stored before."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import zipfile
from collections.abc import Callable, Mapping
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    DATABASE,
    STRESS_ROUNDS,
    Run,
    assert_clean_failure,
    assert_no_traceback,
    assert_nothing_lost,
    copy_archive,
    finish,
    make_archive,
    marker_word,
    markers_of,
    read_archive,
    remount,
    reported_paths,
    run_cli,
    sha256_file,
    start_cli,
    write_articles,
)


@pytest.fixture(scope="module")
def small_archive(tmp_path_factory) -> tuple[Path, dict[Path, int | None]]:
    """A closed archive of 6 generated articles, copied by the tests that damage it."""
    root = tmp_path_factory.mktemp("faults")
    files = write_articles(root / "in", range(6), prefix="saved")
    archive = root / "archive"
    return archive, make_archive(archive, files)


# --- A full disk -----------------------------------------------------------------------


@pytest.mark.slow
def test_disk_full_import_refuses_clearly_and_keeps_everything(tmpfs, tmp_path):
    disk = tmpfs("3m")
    disk_full_case(disk, tmp_path, lambda: remount(disk, "size=64m"))


def disk_full_case(
    disk: Path, tmp_path: Path, make_room: Callable[[], None], *, files: int = 60
) -> None:
    """Import more than fits on ``disk``; then ``make_room()`` and check nothing is lost.

    Raises:
        LossError: something stored is gone.
        AssertionError: a traceback, an unclear message, a file in no report.
    """
    archive = disk / "archive"
    saved = make_archive(archive, write_articles(tmp_path / "saved", range(5), prefix="saved"))
    # About 35 KB each: together they cannot fit in what is left of 3 MB.
    big = write_articles(tmp_path / "big", range(100, 100 + files), prefix="big", paragraphs=80)

    run = run_cli(archive, "import", tmp_path / "big", "--json")

    assert_no_traceback(run, what="import on a full disk")
    if run.stdout.strip():
        report = run.json()
        outcomes = reported_paths(report, ("imported", "duplicates", "skipped", "failed"))
        assert set(outcomes) == set(big), (
            "every file must be reported imported or refused:\n" + run.describe()
        )
        assert report["failed"] or report["skipped"], (
            f"the disk was too small for all of them, yet nothing was refused:\n{run.describe()}"
        )
        for failure in report["failed"] + report["skipped"]:
            reason = failure.get("error") or failure.get("reason") or ""
            assert reason.strip() and "Error(" not in reason, (
                f"{failure['path']}: not a message a person can act on: {reason!r}"
            )
        stored = {**saved, **reported_paths(report)}
    else:
        assert_clean_failure(run, what="import on a full disk")
        stored = dict(saved)

    # Still full: reading works.
    listed = run_cli(archive, "list", "--json")
    assert listed.returncode == 0 and not listed.traceback, (
        f"listing an archive on a full disk:\n{listed.describe()}"
    )
    assert {i for i in saved.values()} <= {row["id"] for row in listed.json()}
    # Room again: everything stored before and during the import is there and findable.
    make_room()
    assert_nothing_lost(archive, stored, repair="if-needed")


@pytest.fixture(scope="module")
def wordy_archive(tmp_path_factory) -> tuple[Path, list[int]]:
    """A closed archive of 20 long articles (about 350 KB of text)."""
    root = tmp_path_factory.mktemp("wordy")
    files = write_articles(root / "in", range(20), prefix="long", paragraphs=40)
    stored = make_archive(root / "archive", files)
    return root / "archive", sorted(i for i in stored.values() if i is not None)


def _whole(path: Path, kind: str) -> str | None:
    """Why the written file is not whole (None: it is)."""
    data = path.read_bytes()
    if kind == "pdf":
        return None if data.rstrip().endswith(b"%%EOF") else "a PDF without its end"
    if kind == "bundle":
        try:
            with zipfile.ZipFile(path) as bundle:
                return None if bundle.testzip() is None else "a damaged member"
        except zipfile.BadZipFile as error:
            return f"not a whole zip ({error})"
    try:
        json.loads(data)
    except ValueError as error:
        return f"not whole JSON ({error})"
    return None


@pytest.mark.parametrize("kind", ["pdf", "bundle", "json", "backup"])
def test_writing_to_a_full_disk_fails_clearly_or_writes_a_whole_file(tmpfs, wordy_archive, kind):
    full_disk_write_case(*wordy_archive, tmpfs("200k"), kind)


def full_disk_write_case(archive: Path, ids: list[int], disk: Path, kind: str) -> None:
    """Export (``kind`` a format) or back up ``archive`` onto a small ``disk``."""
    target = disk / (
        "backup" if kind == "backup" else f"clippings.{'zip' if kind == 'bundle' else kind}"
    )
    if kind == "backup":
        run = run_cli(archive, "backup", target)
    else:
        run = run_cli(
            archive, "export", "--ids", *map(str, ids), "--format", kind, "--output", target
        )

    if run.returncode == 0 and not run.traceback:
        if kind == "backup":
            usable = run_cli(target, "check").returncode == 0
            problem = None if usable else "an unusable backup"
        else:
            problem = _whole(target, kind)
        assert problem is None, (
            f"{kind} to a full disk said it worked, but wrote {problem} "
            f"({target.stat().st_size if target.is_file() else '?'} bytes):\n{run.describe()}"
        )
    else:
        assert_clean_failure(run, what=f"{kind} to a full disk")
        left = sorted(p.name for p in disk.iterdir())
        assert not left, f"a failed {kind} left these on the disk: {left}"


# --- A read-only archive ---------------------------------------------------------------


@pytest.mark.parametrize("leftovers", ["closed", "with-wal"])
def test_read_only_archive_reads_and_refuses_writes(tmpfs, tmp_path, small_archive, leftovers):
    template, saved = small_archive
    disk = tmpfs("16m")
    read_only_case(template, saved, disk, tmp_path, leftovers, lambda: remount(disk, "ro"))


def read_only_case(
    template: Path,
    saved: Mapping[Path, int | None],
    disk: Path,
    tmp_path: Path,
    leftovers: str,
    make_read_only: Callable[[], None],
) -> None:
    """Copy ``template`` onto ``disk``, make it read-only: reads work, writes are refused
    with one line."""
    archive = disk / "archive"
    keep_open = None
    if leftovers == "with-wal":
        # As a program that still had it open would leave it: -wal and -shm beside.
        keep_open = sqlite3.connect(template / DATABASE)
        keep_open.execute("PRAGMA wal_autocheckpoint=0")
        keep_open.execute("UPDATE archive_meta SET value = value")
        keep_open.commit()
    try:
        copy_archive(template, archive)
    finally:
        if keep_open is not None:
            keep_open.close()
    if leftovers == "with-wal":
        assert (archive / f"{DATABASE}-wal").exists()
    make_read_only()

    first = min(i for i in saved.values() if i is not None)
    export = tmp_path / "out.csv"
    for args in (
        ["list", "--json"],
        ["show", str(first)],
        ["search", marker_word(0), "--json"],
        ["export", "--ids", str(first), "--format", "csv", "--output", str(export)],
        ["backup", str(tmp_path / "backup")],
    ):
        run = run_cli(archive, *args)
        assert run.returncode == 0 and not run.traceback, (
            f"reading a read-only archive must work:\n{run.describe()}"
        )
        if args[0] == "list":
            assert len(run.json()) == len(saved), run.describe()
    assert export.is_file()
    for args in (
        ["tag", str(first), "--add", "Later"],
        ["import", str(tmp_path)],
        ["delete", str(first)],
        ["reindex"],
        ["check", "--repair"],
    ):
        assert_clean_failure(run_cli(archive, *args), what=f"`{args[0]}` on a read-only archive")


# --- A damaged database ----------------------------------------------------------------


def _sql(database: Path, statement: str) -> None:
    conn = sqlite3.connect(database)
    try:
        conn.execute(statement)
        conn.commit()
    finally:
        conn.close()


def _overwrite(database: Path, start: int, length: int, seed: int) -> None:
    data = bytearray(database.read_bytes())
    noise = random.Random(seed * 7919 + start).randbytes(length)
    data[start : start + length] = noise[: len(data) - start]
    database.write_bytes(bytes(data))


def _index_pages(database: Path) -> list[int]:
    """The page numbers of the database's indexes (``ix_*``), from SQLite's dbstat."""
    conn = sqlite3.connect(database)
    try:
        rows = conn.execute("SELECT pageno FROM dbstat WHERE name LIKE 'ix\\_%' ESCAPE '\\'")
        pages = sorted(int(number) for (number,) in rows)
    except sqlite3.OperationalError as error:  # SQLite built without dbstat
        pytest.skip(f"SQLite cannot list its pages here ({error})")
    finally:
        conn.close()
    assert pages, "the database has no index pages to damage"
    return pages


def damage_database(kind: str, archive: Path, seed: int = 0) -> None:
    """Damage the archive's database in one of the ways of ``DAMAGE``."""
    database = archive / DATABASE
    size = database.stat().st_size
    page = 4096
    if kind == "empty":
        database.write_bytes(b"")
    elif kind == "truncated":
        database.write_bytes(database.read_bytes()[: size // 2])
    elif kind == "header":
        _overwrite(database, 0, 100, seed)
    elif kind == "middle-pages":
        pages = size // page
        _overwrite(database, (pages // 3) * page, max(pages // 3, 1) * page, seed)
    elif kind == "index-pages":
        # Only the pages of the database's own indexes: opening may not notice.
        for page_number in _index_pages(database):
            _overwrite(database, (page_number - 1) * page, page, seed)
    elif kind == "text-file":
        database.write_text("My notes, not a database.\n" * 40, encoding="utf-8")
    elif kind == "future-schema":
        _sql(database, "UPDATE archive_meta SET value = '999' WHERE key = 'schema_version'")
    elif kind == "non-numeric-schema":
        _sql(database, "UPDATE archive_meta SET value = 'three' WHERE key = 'schema_version'")
    elif kind == "meta-dropped":
        _sql(database, "DROP TABLE archive_meta")
    elif kind == "missing":
        database.unlink()
    else:
        raise AssertionError(kind)
    for suffix in ("-wal", "-shm"):
        (archive / f"{DATABASE}{suffix}").unlink(missing_ok=True)


DAMAGE = [
    "empty",
    "truncated",
    "header",
    "middle-pages",
    "index-pages",
    "text-file",
    "future-schema",
    "non-numeric-schema",
    "meta-dropped",
    "missing",
]


def _fingerprint(path: Path) -> str | None:
    return hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else None


@pytest.mark.slow
@pytest.mark.parametrize("damage", DAMAGE)
def test_damaged_database_gives_a_message_and_is_never_replaced(small_archive, tmp_path, damage):
    faults = damaged_database_case(small_archive[0], tmp_path, damage)
    assert not faults, f"{len(faults)} fault(s):\n\n" + "\n\n".join(faults)


def damaged_database_case(template: Path, tmp_path: Path, damage: str, seed: int = 0) -> list[str]:
    """Run commands on a copy of ``template`` with its database damaged; the faults seen."""
    archive = copy_archive(template, tmp_path / "archive")
    damage_database(damage, archive, seed)
    database = archive / DATABASE
    before = _fingerprint(database)
    originals_before = sorted(p.name for p in (archive / "originals").glob("*/*"))
    new_file = write_articles(tmp_path / "new", [500], prefix="new")[0]

    runs: list[Run] = [
        run_cli(archive, "list", "--json"),
        run_cli(archive, "import", new_file),
        run_cli(archive, "check", "--repair"),
    ]
    check = run_cli(archive, "check", "--json")
    backup = run_cli(archive, "backup", tmp_path / "backup")

    faults = []
    if backup.returncode == 0 and not backup.traceback:
        # A backup that says it worked must be an archive one can restore from.
        restored = run_cli(tmp_path / "backup", "check", "--json")
        if restored.returncode != 0 or restored.traceback:
            faults.append(
                f"`backup` of the damaged database ({damage}) said it worked, but the backup "
                f"cannot be used:\n{backup.describe()}\n{restored.describe()}"
            )
    else:
        runs.append(backup)
    for run in runs:
        # Damage in pages a command does not read may go unnoticed by it: that is fine.
        if damage.endswith("-pages") and run.returncode == 0:
            continue
        try:
            assert_clean_failure(run, what=f"`{run.command.split(' ', 3)[-1]}` ({damage})")
        except AssertionError as error:
            faults.append(str(error))
    if check.traceback or check.returncode == 0:
        faults.append(f"check must report the damage ({damage}), not crash:\n{check.describe()}")
    elif check.stdout.strip() and not check.json():
        faults.append(f"check --json printed no problem ({damage}):\n{check.describe()}")
    elif not check.stdout.strip() and not check.stderr.strip():
        faults.append(f"check said nothing ({damage})")
    if _fingerprint(database) != before:
        faults.append(
            f"the damaged database ({damage}) was "
            + ("created anew" if before is None else "changed")
            + " by a command: the user's only copy of their metadata may be gone"
        )
    if sorted(p.name for p in (archive / "originals").glob("*/*")) != originals_before:
        faults.append("originals changed while the database was damaged")
    return faults


# --- A damaged index -------------------------------------------------------------------


def damage_index(kind: str, index: Path, seed: int = 7) -> None:
    """Delete or garble the index's table of contents or a segment (its postings, when
    the segment is kept as separate files rather than one compound ``.seg``)."""
    toc = sorted(index.glob("_MAIN_*.toc"))
    segments = sorted(index.glob("*.seg")) or sorted(index.glob("*.pst"))
    assert toc and segments, f"the index does not look like Whoosh's: {os.listdir(index)}"
    target = toc[-1] if kind.startswith("toc") else segments[0]
    if kind.endswith("deleted"):
        target.unlink()
    elif kind.endswith("spotted"):
        # Small damage in many places: the index still opens, reading it fails.
        data = bytearray(target.read_bytes())
        noise = random.Random(seed)
        for spot in range(1, 32):
            at = spot * len(data) // 32
            data[at : at + 64] = noise.randbytes(len(data[at : at + 64]))
        target.write_bytes(bytes(data))
    else:
        # Half of the file, from a quarter in: whatever a search reads is hit.
        data = bytearray(target.read_bytes())
        start, end = len(data) // 4, 3 * len(data) // 4
        data[start:end] = random.Random(seed).randbytes(end - start)
        target.write_bytes(bytes(data))


INDEX_DAMAGE = ["toc-deleted", "toc-garbled", "seg-deleted", "seg-garbled", "seg-spotted"]


@pytest.mark.parametrize("damage", INDEX_DAMAGE)
def test_damaged_index_is_rebuilt(small_archive, tmp_path, damage):
    damaged_index_case(*small_archive, tmp_path, damage)


def damaged_index_case(
    template: Path, saved: Mapping[Path, int | None], tmp_path: Path, damage: str, seed: int = 7
) -> None:
    """Search a copy of ``template`` whose index is damaged: it is rebuilt, nothing lost."""
    archive = copy_archive(template, tmp_path / "archive")
    damage_index(damage, archive / "index", seed)
    # A search that reads every clipping's entry: each has its own marker word.
    words = markers_of(saved)
    run = run_cli(archive, "search", " OR ".join(words), "--json")

    assert run.returncode == 0 and not run.traceback, (
        f"search with a damaged index ({damage}):\n{run.describe()}"
    )
    assert sorted(hit["id"] for hit in run.json()) == sorted(saved.values()), (
        f"the rebuilt index must find every clipping ({damage}):\n{run.describe()}"
    )
    assert_nothing_lost(archive, saved)


# --- Several programs create an archive at once ----------------------------------------


@pytest.mark.parametrize("round_", range(STRESS_ROUNDS))
def test_several_commands_create_a_new_archive_at_once(tmp_path, round_):
    archive = tmp_path / "new-archive"
    files = write_articles(tmp_path / "in", range(2), prefix="first")
    creating = [
        start_cli(archive, "import", files[0], "--json"),
        start_cli(archive, "import", files[1], "--json"),
        start_cli(archive, "reindex"),
    ]
    # Commands that only read never make an archive: they see it, or say it is not there.
    reading = [start_cli(archive, "list", "--json"), start_cli(archive, "tags")]
    runs = [finish(process) for process in creating]
    for run in runs:
        assert run.returncode == 0 and not run.traceback, (
            f"a command run while others create the same archive:\n{run.describe()}"
        )
    for run in (finish(process) for process in reading):
        assert not run.traceback and (
            run.returncode == 0 or (run.returncode == 1 and "there is no archive at" in run.stderr)
        ), f"a reading command run while others create the archive:\n{run.describe()}"
    stored = {**reported_paths(runs[0].json()), **reported_paths(runs[1].json())}
    assert set(stored) == set(files)
    assert_nothing_lost(archive, stored)


# --- File names that are not UTF-8 -----------------------------------------------------


def test_non_utf8_file_name_imports_with_valid_json(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    source = write_articles(tmp_path / "src", [42], prefix="name")[0]
    odd = Path(os.fsdecode(bytes(folder) + b"/r\xe9sum\xe9 \xff-00042.txt"))
    shutil.copyfile(source, odd)
    other = write_articles(tmp_path / "src", [43], prefix="name")[0]
    odd_direct = Path(os.fsdecode(bytes(tmp_path) + b"/caf\xe9-00043.txt"))
    shutil.copyfile(other, odd_direct)
    archive = tmp_path / "archive"

    for given in (folder, odd_direct):
        run = run_cli(archive, "import", given, "--json")
        assert not run.traceback, f"importing a file whose name is not UTF-8:\n{run.describe()}"
        report = run.json()
        assert run.returncode == 0 and len(report["imported"]) == 1, run.describe()
    shas = read_archive(archive).shas
    assert sha256_file(odd) in shas and sha256_file(odd_direct) in shas
    assert_nothing_lost(archive)


@pytest.mark.parametrize("kind", ["pdf", "bundle", "backup"])
def test_non_utf8_archive_and_output_paths(tmp_path, kind):
    """An archive in a folder named in Latin-1 works, and writes where it is told to."""
    archive = Path(os.fsdecode(bytes(tmp_path) + b"/archiv\xe9"))
    files = write_articles(tmp_path / "in", range(3), prefix="odd")
    stored = make_archive(archive, files)
    folder = Path(os.fsdecode(bytes(tmp_path) + b"/d\xe9p\xf4t"))
    folder.mkdir()
    if kind == "backup":
        target = folder / "backup"
        run = run_cli(archive, "backup", target)
    else:
        target = Path(os.fsdecode(bytes(folder) + b"/dossi\xe9r." + kind.encode()))
        ids = [str(i) for i in stored.values() if i is not None]
        run = run_cli(archive, "export", "--ids", *ids, "--format", kind, "--output", target)
    assert run.returncode == 0 and not run.traceback, (
        f"{kind} into a folder whose name is not UTF-8:\n{run.describe()}"
    )
    assert target.exists(), f"{kind} said it worked, but {os.fsencode(target)!r} is not there"
    assert_nothing_lost(archive, stored)
