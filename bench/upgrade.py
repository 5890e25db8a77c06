"""A features upgrade of a large archive: progress, resumption after a kill, and the
archive's answers meanwhile.

    python bench/upgrade.py --archive DIR [--minutes 6] [--kill-at 0.4]
                            [--scratch /var/tmp/upgrade-bench] [--reuse] [--carry | --rules]

A new Clippings whose ``FEATURES_VERSION`` changed analyses every clipping again in the
background (``related.sync``: features, candidate postings, edges), while the old
edges keep answering. This works on a copy of an archive built by ``bench/scale.py``
(for example ``/var/tmp/clippings-scale/100000/whoosh``), made to look as an older version left
it (every clipping's features of version 0). Then:

1. the window's reads are timed before the upgrade starts (the reference): a search's
   first 20 hits with snippets, a Related panel (stored edges, as the window asks) and
   a page of the list;
2. the upgrade runs in a separate process (as the window's background job does in its
   thread) that prints each progress report; the same reads are timed meanwhile,
   every 2 s;
3. at ``--kill-at`` of the time it is killed with SIGKILL (a crash, a power cut), and
   started again: it must resume with what was left, not start over;
4. at the end it is stopped (as closing the window does), and the figures printed:
   clippings analysed a second, the time the whole archive would take at that rate,
   the longest gap between two progress reports, the upgrading process's peak memory,
   and the reads' medians and 95th percentiles before and during.

The whole archive is not run to the end (about an hour of CPU at 100,000 clippings):
the rate is measured over ``--minutes``, with the queue drained from the start.

``--carry`` measures the other kind of upgrade instead: from a version whose features
the new one keeps where they are still what it computes (``CARRIED_VERSIONS``; 5 to 6
changed only texts with combining marks, spaced thousands or text not in NFC, 6 to 7
only the speakers of some quotations; the newest carried version is measured). Every
clipping's features are marked as of that version, and ``related.upgrade_features``
(what the background work does first) reads every text once, keeps what is current and
queues the rest: printed are its time, how many were kept and queued, the longest gap
between its progress reports and its peak memory.

``--rules`` measures an upgrade of the rules that rank and label related pieces
(``RULES_VERSION``): the archive is made to look as one whose edges older rules computed
(no rules version recorded), so every clipping is queued for its edges alone (its
features stand), and the run is then the same as a features upgrade's: rate, kill and
resumption, and the window's reads meanwhile.
"""

from __future__ import annotations

import argparse
import itertools
import os
import random
import shutil
import signal
import sqlite3
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

DATABASE = "clippings.sqlite3"
QUERIES = ("police", "police fire", '"police said"')


def work(folder: Path) -> None:
    """The upgrading process: drain the analysis queue, printing every report."""
    from clippings.analysis.features import FEATURES_VERSION
    from clippings.model import Progress
    from clippings.services import Archive, related

    def report(progress: Progress) -> None:
        print(f"{time.time():.3f} {progress.done} {progress.total}", flush=True)

    with Archive.open(folder) as archive:
        archive.store.ensure_features_version(FEATURES_VERSION)  # what sync does first
        related.upgrade_rules(archive)
        print(f"{time.time():.3f} start {archive.store.analysis_due_count()}", flush=True)
        related.sync(archive, report=report)
        print(f"{time.time():.3f} finished", flush=True)


def carry(folder: Path) -> None:
    """The carrying process (``--carry``): ``upgrade_features`` alone, timed."""
    import resource

    from clippings.model import Progress
    from clippings.services import Archive, related

    reports = [time.perf_counter()]

    def report(progress: Progress) -> None:
        reports.append(time.perf_counter())

    with Archive.open(folder) as archive:
        started = reports[0]
        related.upgrade_features(archive, report=report)
        seconds = time.perf_counter() - started
        queued = archive.store.analysis_due_count()
    gap = max((b - a for a, b in itertools.pairwise(reports)), default=0.0)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"upgrade_features: {seconds:.1f} s, {queued} queued for analysis, "
        f"{len(reports) - 1} progress reports (longest gap {gap:.1f} s), "
        f"peak {peak:.0f} MB",
        flush=True,
    )


def as_left_by_an_older_version(folder: Path, version: int = 0, *, rules: bool = False) -> int:
    """Mark every clipping's stored features as of ``version`` (0: one no longer
    carried), or with ``rules`` its edges as of older related rules (the features stand);
    returns how many."""
    db = sqlite3.connect(folder / DATABASE)
    try:
        if rules:
            changed = db.execute("SELECT count(*) FROM clipping_analysis").fetchone()[0]
            db.execute("DELETE FROM archive_meta WHERE key = 'related_rules_version'")
        else:
            changed = db.execute("UPDATE clipping_analysis SET version = ?", (version,)).rowcount
            db.execute("DELETE FROM archive_meta WHERE key = 'features_version'")
        db.commit()
    finally:
        db.close()
    return int(changed)


class Worker:
    """One run of the upgrading process, read line by line on a thread."""

    def __init__(self, folder: Path) -> None:
        self.process = subprocess.Popen(
            [sys.executable, __file__, "_work", str(folder)],
            stdout=subprocess.PIPE,
            text=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        self.started = time.time()
        self.reports: list[tuple[float, int, int]] = []
        self.due_at_start: int | None = None
        self.finished = False
        self.peak_kb = 0
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            parts = line.split()
            if len(parts) == 3 and parts[1] == "start":
                self.due_at_start = int(parts[2])
            elif len(parts) == 2 and parts[1] == "finished":
                self.finished = True
            elif len(parts) == 3:
                self.reports.append((float(parts[0]), int(parts[1]), int(parts[2])))

    def sample_memory(self) -> None:
        try:
            status = Path(f"/proc/{self.process.pid}/status").read_text()
        except OSError:
            return
        for line in status.splitlines():
            if line.startswith("VmHWM:"):
                self.peak_kb = max(self.peak_kb, int(line.split()[1]))

    def stop(self, sig: int) -> None:
        self.sample_memory()
        if self.process.poll() is None:
            self.process.send_signal(sig)
        self.process.wait()
        self._reader.join(5)

    def done(self) -> int:
        return self.reports[-1][1] if self.reports else 0

    def rate(self) -> float:
        """Clippings a second between the first and the last report."""
        if len(self.reports) < 2:
            return 0.0
        (t0, d0, _), (t1, d1, _) = self.reports[0], self.reports[-1]
        return (d1 - d0) / (t1 - t0) if t1 > t0 else 0.0

    def longest_gap(self) -> float:
        times = [self.started] + [t for t, _, _ in self.reports]
        return max((b - a for a, b in itertools.pairwise(times)), default=0.0)


def reads(folder: Path) -> Callable[[], dict[str, float]]:
    """The window's reads, timed in ms each time the returned function is called."""
    from clippings.services import Archive
    from clippings.services.related import related

    archive = Archive.open(folder)
    rng = random.Random(7)
    ids = [row.id for row in archive.page(limit=2000).rows]

    def timed(action: Callable[[], object]) -> float:
        start = time.perf_counter()
        action()
        return (time.perf_counter() - start) * 1000

    def once() -> dict[str, float]:
        query = rng.choice(QUERIES)
        clipping = rng.choice(ids)
        return {
            "search, first 20 with snippets": timed(lambda: archive.search(query, limit=20)),
            "Related panel (stored edges)": timed(
                lambda: related(archive, clipping, compute_missing=False)
            ),
            "list page (200 rows)": timed(lambda: archive.page(limit=200, skip=5000)),
        }

    return once


def summary(samples: list[dict[str, float]]) -> dict[str, tuple[float, float]]:
    found: dict[str, tuple[float, float]] = {}
    for key in samples[0] if samples else {}:
        values = sorted(s[key] for s in samples)
        p95 = values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]
        found[key] = (statistics.median(values), p95)
    return found


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "_work":
        work(Path(sys.argv[2]))
        return
    if len(sys.argv) == 3 and sys.argv[1] == "_carry":
        carry(Path(sys.argv[2]))
        return
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, required=True, help="a built archive (copied)")
    parser.add_argument("--minutes", type=float, default=6.0)
    parser.add_argument("--kill-at", type=float, default=0.4, help="share of the time")
    parser.add_argument("--scratch", type=Path, default=Path("/var/tmp/upgrade-bench"))
    parser.add_argument("--reuse", action="store_true", help="use the copy made before")
    kind = parser.add_mutually_exclusive_group()
    kind.add_argument(
        "--carry", action="store_true", help="an upgrade from a carried version (see above)"
    )
    kind.add_argument(
        "--rules", action="store_true", help="an upgrade of the related rules (see above)"
    )
    args = parser.parse_args()

    folder = args.scratch / "archive"
    if not (args.reuse and folder.is_dir()):
        shutil.rmtree(args.scratch, ignore_errors=True)
        args.scratch.mkdir(parents=True)
        start = time.time()
        shutil.copytree(args.archive, folder)
        print(f"copied {args.archive} in {time.time() - start:.0f} s", flush=True)
    if args.carry:
        from clippings.analysis.features import CARRIED_VERSIONS

        version = max(CARRIED_VERSIONS)
        marked = as_left_by_an_older_version(folder, version)
        print(f"{marked} clippings' features marked as of version {version}", flush=True)
        subprocess.run(
            [sys.executable, __file__, "_carry", str(folder)],
            check=True,
            env={**os.environ, "PYTHONPATH": str(REPO)},
        )
        return
    if args.rules:
        marked = as_left_by_an_older_version(folder, rules=True)
        print(f"{marked} clippings' edges left as of older related rules", flush=True)
    else:
        marked = as_left_by_an_older_version(folder)
        print(f"{marked} clippings' features marked as an older version's", flush=True)

    read = reads(folder)
    read()  # warm: the window has searched before
    before = [read() for _ in range(15)]

    during: list[dict[str, float]] = []
    budget = args.minutes * 60
    runs: list[Worker] = []
    for share, sig in ((args.kill_at, signal.SIGKILL), (1 - args.kill_at, signal.SIGTERM)):
        worker = Worker(folder)
        runs.append(worker)
        until = time.time() + budget * share
        while time.time() < until and worker.process.poll() is None:
            during.append(read())
            worker.sample_memory()
            time.sleep(2)
        worker.stop(sig)
        name = "killed (SIGKILL)" if sig == signal.SIGKILL else "stopped"
        print(
            f"run {len(runs)}: {worker.due_at_start} due at start, {worker.done()} analysed, "
            f"{worker.rate():.1f} clippings/s, longest progress gap "
            f"{worker.longest_gap():.1f} s, peak {worker.peak_kb / 1024:.0f} MB; {name}",
            flush=True,
        )
        if worker.finished:
            break

    first, second = runs[0], runs[-1]
    if len(runs) == 2 and first.due_at_start is not None and second.due_at_start is not None:
        lost = first.due_at_start - first.done() - second.due_at_start
        print(
            f"resumed: {second.due_at_start} due after the kill = {first.due_at_start} "
            f"- {first.done()} analysed before it"
            + (" (exactly)" if lost == 0 else f" ({lost:+d}: the batch under way at the kill)"),
            flush=True,
        )
    rates = [w.rate() for w in runs if w.rate() > 0]
    if rates and marked:
        rate = statistics.median(rates)
        print(
            f"rate {rate:.1f} clippings/s: the whole archive ({marked}) in "
            f"{marked / rate / 60:.0f} min",
            flush=True,
        )
    print(f"\n{'the window meanwhile (ms)':<34} {'before: median / p95':>22} {'during':>18}")
    was, now = summary(before), summary(during)
    for key, (median, p95) in was.items():
        during_median, during_p95 = now.get(key, (float("nan"), float("nan")))
        print(f"{key:<34} {median:>12.1f} / {p95:<7.1f} {during_median:>9.1f} / {during_p95:.1f}")
    print(f"({len(before)} reads before, {len(during)} during)")


if __name__ == "__main__":
    main()
