"""``check`` and ``check --repair``: small checks, each with a severity.

Every check is a function of the archive that returns problems; a check that cannot
run (the database is damaged) reports that as a problem instead of stopping the
others. Repairs never remove anything a clipping uses: files are removed only
through ``ClippingStore.remove_unclaimed``, which decides inside a write transaction.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from clippings.model import CheckProblem, ClippingsError, IndexDamagedError, Progress, plural

if TYPE_CHECKING:
    from clippings.services.archive import Archive, Report

Check = Callable[["Archive", "Report | None"], list[CheckProblem]]


def database(archive: Archive, _report: Report | None) -> list[CheckProblem]:
    return [
        CheckProblem("database", f"the database reports: {line}")
        for line in archive.store.integrity_problems()
    ]


def originals_in_use(archive: Archive, report: Report | None) -> list[CheckProblem]:
    """Every original a clipping uses is there, with its bytes unchanged."""
    problems = []
    used = archive.store.original_hashes()
    for number, (sha, ids) in enumerate(sorted(used.items()), start=1):
        state = archive.originals.verify(sha)
        if state != "ok":
            which = ", ".join(str(i) for i in ids)
            verb = "is missing" if state == "missing" else "has been altered (its bytes differ)"
            problems.append(
                CheckProblem(
                    f"original-{state}",
                    f"the original file of clipping {which} {verb}: "
                    f"{archive.originals.where(sha)}; importing the same file again "
                    "restores it",
                    ids[0],
                )
            )
        if report:
            report(Progress(number, len(used), "Checking original files"))
    return problems


def leftover_originals(archive: Archive, _report: Report | None) -> list[CheckProblem]:
    """Files no clipping uses: unfinished purges, and files a crash left unrecorded."""
    problems = []
    pending = set(archive.store.pending_removals())
    claimed = archive.store.claimed_originals()
    for sha in sorted(pending):
        if archive.originals.exists(sha):
            problems.append(
                CheckProblem(
                    "purge-unfinished",
                    f"a purge was interrupted before it removed the file {sha[:12]}…",
                    severity="warning",
                    repairable=True,
                )
            )
    for sha in archive.originals.stored():
        if sha not in claimed and sha not in pending:
            problems.append(
                CheckProblem(
                    "original-orphan",
                    f"the file originals/{sha[:2]}/{sha} belongs to no clipping (an import "
                    "was interrupted after writing it)",
                    severity="warning",
                    repairable=True,
                )
            )
    for sha in archive.store.unused_original_rows():
        problems.append(
            CheckProblem(
                "original-unused",
                f"the original {sha[:12]}… is recorded but no clipping uses it",
                severity="warning",
                repairable=True,
            )
        )
    for path in archive.originals.leftovers():
        problems.append(
            CheckProblem(
                "incoming-leftover",
                f"a half-written file was left by an interrupted import: {path.name}",
                severity="warning",
                repairable=True,
            )
        )
    return problems


def search_index(archive: Archive, _report: Report | None) -> list[CheckProblem]:
    """The index holds exactly the live clippings, each at its current revision."""
    problems = []
    if archive.store.pending_count():
        problems.append(
            CheckProblem(
                "index-pending",
                "some changes have not reached the search index yet",
                repairable=True,
            )
        )
    reason = archive.index.needs_rebuild()
    if reason:
        return [*problems, CheckProblem("index-damaged", reason, repairable=True)]
    expected = archive.store.revisions()
    try:
        indexed = archive.index.revisions()
    except IndexDamagedError as error:
        return [*problems, CheckProblem("index-damaged", str(error), repairable=True)]
    for clipping_id in sorted(set(expected) - set(indexed)):
        problems.append(
            CheckProblem(
                "index-missing",
                f"clipping {clipping_id} is missing from the search index",
                clipping_id,
                repairable=True,
            )
        )
    for clipping_id in sorted(set(indexed) - set(expected)):
        problems.append(
            CheckProblem(
                "index-stale",
                f"the search index has an entry for clipping {clipping_id}, "
                "which is deleted or in the trash",
                clipping_id,
                repairable=True,
            )
        )
    for clipping_id in sorted(set(indexed) & set(expected)):
        if indexed[clipping_id] != expected[clipping_id]:
            problems.append(
                CheckProblem(
                    "index-outdated",
                    f"the search index holds an old version of clipping {clipping_id}",
                    clipping_id,
                    repairable=True,
                )
            )
    return problems


#: The checks, in the order they run.
CHECKS: tuple[tuple[str, Check], ...] = (
    ("the database", database),
    ("the original files", originals_in_use),
    ("files no clipping uses", leftover_originals),
    ("the search index", search_index),
)


def run_checks(archive: Archive, *, report: Report | None = None) -> list[CheckProblem]:
    problems: list[CheckProblem] = []
    for label, check in CHECKS:
        try:
            problems += check(archive, report)
        except ClippingsError as error:
            problems.append(CheckProblem("check-failed", f"cannot check {label}: {error}"))
        except OSError as error:
            problems.append(
                CheckProblem("check-failed", f"cannot check {label}: {error.strerror or error}")
            )
    return problems


def repair(archive: Archive, *, report: Report | None = None) -> list[str]:
    """Fix what ``check`` finds that can be fixed without losing anything."""
    archive.require_writable()
    done: list[str] = []
    finished = archive.finish_removals()
    if finished:
        done.append(f"finished {plural(finished, 'interrupted purge')}")
    released = archive.store.release_unused_originals()
    if released:
        archive.finish_removals()
        done.append(f"removed {plural(len(released), 'recorded original')} no clipping uses")
    claimed = archive.store.claimed_originals()
    orphans = [sha for sha in archive.originals.stored() if sha not in claimed]
    removed = sum(
        1 for sha in orphans if archive.store.remove_unclaimed(sha, archive.originals.remove)
    )
    if removed:
        done.append(f"removed {plural(removed, 'original file')} that belonged to no clipping")
    leftovers = archive.originals.leftovers()
    for path in leftovers:
        path.unlink(missing_ok=True)
    if leftovers:
        done.append(f"removed {plural(len(leftovers), 'half-written file')} of interrupted imports")
    index_kinds = {p.kind for p in search_index(archive, None)}
    if index_kinds - {"index-pending"}:
        archive.rebuild_index(report=report)
        done.append("rebuilt the search index")
    elif index_kinds:
        archive.sync_index()
        done.append("brought the search index up to date")
    return done
