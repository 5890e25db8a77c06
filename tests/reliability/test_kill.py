"""SIGKILL at 30 moments of import, purge, reindex and export: the archive opens
again, nothing a completed run stored is lost, and what the killed run left behind
is reported by `check` and cleared by the next open or `check --repair`.

Each operation is timed once on a copy of the archive; the kills then fall at even
fractions of that time (the waiting is the subject of the test, not a sleep).
"""

from __future__ import annotations

import os
import time
import zipfile
from dataclasses import dataclass
from pathlib import Path

import pytest

from tests.reliability.conftest import (
    assert_nothing_lost,
    check_problems,
    copy_archive,
    finish,
    kill_after,
    read_archive,
    reported_paths,
    run_cli,
    start_cli,
    write_articles,
)

#: Moments per operation (30 in all).
MOMENTS = {"import": 8, "purge": 6, "reindex": 8, "export-bundle": 4, "export-pdf": 4}
TAG = "Kept"


@dataclass(frozen=True)
class Templates:
    """Archives made once, copied for every kill."""

    saved: Path  # 40 clippings, tagged Kept
    saved_files: dict[Path, int | None]
    trashed: Path  # the same with 30 of them in the trash
    kept_after_purge: dict[Path, int | None]
    new_files: Path  # 30 more articles to import
    exported: tuple[int, ...]  # the clippings an export writes
    timings: dict[str, tuple[float, float]]  # operation -> (start-up, whole run) seconds


def _command(operation: str, workdir: Path, templates: Templates) -> list[str]:
    if operation == "import":
        return ["import", str(templates.new_files), "--json"]
    if operation == "purge":
        return ["purge"]
    if operation == "reindex":
        return ["reindex"]
    kind = operation.split("-", 1)[1]
    target = workdir / "out" / f"clippings.{'zip' if kind == 'bundle' else kind}"
    ids = [str(i) for i in templates.exported]
    return ["export", "--ids", *ids, "--format", kind, "--output", str(target), "--force"]


def build_templates(root: Path) -> Templates:
    """The archives every kill starts from, and how long each operation takes on them."""
    files = write_articles(root / "saved-in", range(40), prefix="saved", paragraphs=6)
    saved = root / "saved"
    run = run_cli(saved, "import", *files, "--tag", TAG, "--json")
    assert run.returncode == 0, run.describe()
    stored = reported_paths(run.json())
    trashed = copy_archive(saved, root / "trashed")
    doomed = sorted(i for i in stored.values() if i is not None)[:30]
    gone = run_cli(trashed, "delete", *map(str, doomed))
    assert gone.returncode == 0, gone.describe()
    kept = {p: i for p, i in stored.items() if i not in doomed}
    write_articles(root / "new", range(100, 130), prefix="new", paragraphs=6)
    exported = tuple(sorted(kept.values())[:8])  # type: ignore[type-var]
    made = Templates(saved, stored, trashed, kept, root / "new", exported, {})

    started = time.monotonic()
    up = run_cli(saved, "list", "--json")
    startup = time.monotonic() - started
    assert up.returncode == 0, up.describe()
    for operation in MOMENTS:
        source = trashed if operation == "purge" else saved
        probe = copy_archive(source, root / f"probe-{operation}")
        (probe / "out").mkdir()
        started = time.monotonic()
        whole = run_cli(probe, *_command(operation, probe, made))
        made.timings[operation] = (startup, time.monotonic() - started)
        assert whole.returncode == 0, f"{operation} fails even without a kill:\n{whole.describe()}"
    return made


@pytest.fixture(scope="module")
def templates(tmp_path_factory) -> Templates:
    return build_templates(tmp_path_factory.mktemp("kill"))


CASES = [(operation, k) for operation, count in MOMENTS.items() for k in range(count)]


def _orphans_reported(problems: list[dict], orphans: dict[str, Path]) -> list[str]:
    """The orphan originals that no check problem names (by the start of their SHA-256,
    or as a count under an "orphan" kind)."""
    general = any(
        any(word in str(p.get("kind")) for word in ("orphan", "unused", "unreferenced"))
        and not any(sha[:12] in str(p.get("message")) for sha in orphans)
        for p in problems
    )
    if general:
        return []
    return [sha for sha in orphans if not any(sha[:12] in str(p.get("message")) for p in problems)]


@pytest.mark.slow
@pytest.mark.parametrize(("operation", "moment"), CASES, ids=[f"{o}-{k}" for o, k in CASES])
def test_sigkill_loses_nothing(templates, tmp_path, operation, moment):
    startup, whole = templates.timings[operation]
    # From just before the archive is open to just past the usual end.
    first, last = 0.8 * startup, 1.05 * whole
    delay = first + (last - first) * (moment + 0.5) / MOMENTS[operation]
    kill_case(templates, tmp_path / "w", operation, delay, import_again=moment % 3 == 0)


def kill_case(
    templates: Templates, workdir: Path, operation: str, delay: float, *, import_again: bool
) -> None:
    """Kill ``operation`` ``delay`` seconds after its start, then check what a user would:
    the archive opens, nothing is lost, no debris stays, the work can be done again.

    Raises:
        LossError: something stored before is gone.
        AssertionError: any other fault.
    """
    source = templates.trashed if operation == "purge" else templates.saved
    archive = copy_archive(source, workdir)
    (workdir / "out").mkdir()
    argv = _command(operation, workdir, templates)
    killed = kill_after(start_cli(archive, *argv), delay)
    # The next start comes a while later: half-written files are past any grace period
    # the program gives a writer that might still be running.
    age_leftovers(workdir)

    # Reopening works, and check tells of whatever the kill left behind.
    problems, check_run = check_problems(archive)
    state = read_archive(archive)
    unreported = _orphans_reported(problems, state.orphans)
    assert not unreported, (
        f"killed {'during' if killed else 'after'} `{' '.join(argv)}` at {delay:.2f} s: "
        f"{len(unreported)} original file(s) belong to no clipping and `check` does not say so: "
        f"{[state.orphans[s].name[:12] for s in unreported]}\ncheck said: {check_run.stdout}"
    )
    expected = templates.kept_after_purge if operation == "purge" else dict(templates.saved_files)
    after = assert_nothing_lost(
        archive,
        expected,
        repair=bool(problems),
        checked=None if problems else (problems, check_run),
        tags={TAG: [i for i in expected.values() if i is not None]},
    )
    debris = after.debris()
    assert not debris, (
        f"killed at {delay:.2f} s into `{' '.join(argv)}`; after the next open"
        f"{' and check --repair' if problems else ''} these are still there: "
        f"{[str(p.relative_to(archive)) for p in debris]}"
    )

    if operation == "import" and import_again:
        # Importing the same folder again finishes the job (at some moments: it is slow).
        again = run_cli(archive, *argv)
        assert again.returncode == 0, f"importing again after the kill:\n{again.describe()}"
        report = again.json()
        done = {r["path"]: r["id"] for k in ("imported", "duplicates") for r in report[k]}
        expected.update({Path(p): i for p, i in done.items()})
        assert len(done) == 30, f"not every new file is stored:\n{again.describe()}"
        assert_nothing_lost(archive, expected)
    if operation.startswith("export"):
        _assert_export_whole_or_absent(Path(argv[-2]), operation)
        again = finish(start_cli(archive, *argv))
        assert again.returncode == 0, f"exporting again after the kill:\n{again.describe()}"
        partial = [p.name for p in (workdir / "out").iterdir() if p.name != Path(argv[-2]).name]
        assert not partial, (
            f"killed at {delay:.2f} s into the export; after the next export these partial "
            f"files are still in the target folder: {partial}"
        )
        _assert_export_whole_or_absent(Path(argv[-2]), operation)


def age_leftovers(folder: Path, seconds: float = 3600) -> None:
    """Date back what a killed command left (hidden files, ``index.*`` folders) below
    ``folder``, as if the next start came ``seconds`` later."""
    then = time.time() - seconds
    for path in folder.rglob(".*"):
        if path.is_file() and not path.is_symlink():
            os.utime(path, (then, then))
    for path in [*folder.glob("index.*"), *folder.glob("*/index.*")]:
        os.utime(path, (then, then))


def _assert_export_whole_or_absent(target: Path, operation: str) -> None:
    if not target.exists():
        return
    data = target.read_bytes()
    if operation == "export-bundle":
        try:
            with zipfile.ZipFile(target) as bundle:
                assert bundle.testzip() is None
        except zipfile.BadZipFile as error:
            raise AssertionError(f"{target.name} is a broken bundle: {error}") from None
    else:
        assert data.startswith(b"%PDF") and b"%%EOF" in data[-64:], (
            f"{target.name} is a partial PDF ({len(data)} bytes)"
        )
