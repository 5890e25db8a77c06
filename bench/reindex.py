"""A Whoosh reindex of a large archive, killed half-way and run again: how long each
run takes, where the second one picks up, and that the index is whole afterwards.

    python bench/reindex.py --archive DIR [--kill-after 300] [--scratch /var/tmp/reindex-bench]

Works on a copy of a built archive (for example ``/var/tmp/clippings-scale/100000/whoosh`` from
``bench/scale.py build``). Runs ``clippings reindex`` as a user would, kills it with
SIGKILL ``--kill-after`` seconds in (a crash or a power cut), reads the checkpoint the
build left (``index.new/clippings-rebuild.json``), runs ``clippings reindex`` again and
times it to the end, then checks the new index: as many entries as live clippings,
each at the database's revision. Prints the figures; the progress the second run
reports (its first and last lines, on a pseudo-terminal) shows where it began.
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import pty
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


#: The longest time without output of each run (its progress bar's stalls), in s.
gaps: list[float] = []


def run_cli(folder: Path, *args: str, kill_after: float | None = None) -> tuple[float, str, bool]:
    """Run ``clippings --archive folder args`` on a pseudo-terminal (so that it shows
    its progress bar); returns (seconds, what it printed, whether it was killed)."""
    leader, follower = pty.openpty()
    started = time.monotonic()
    process = subprocess.Popen(
        [sys.executable, "-m", "clippings", "--archive", str(folder), *args],
        stdin=subprocess.DEVNULL,
        stdout=follower,
        stderr=follower,
        env={**os.environ, "PYTHONPATH": str(REPO), "COLUMNS": "120"},
    )
    os.close(follower)
    printed = bytearray()
    killed = False
    arrivals = [started]
    os.set_blocking(leader, False)
    while process.poll() is None:
        if kill_after is not None and time.monotonic() - started > kill_after:
            process.send_signal(signal.SIGKILL)
            process.wait()
            killed = True
            break
        try:
            printed += os.read(leader, 65536)
            arrivals.append(time.monotonic())
        except (BlockingIOError, OSError):
            time.sleep(0.2)
    seconds = time.monotonic() - started
    gaps.append(max(b - a for a, b in itertools.pairwise(arrivals)) if len(arrivals) > 1 else 0)
    try:
        while chunk := os.read(leader, 65536):
            printed += chunk
    except OSError:
        pass
    os.close(leader)
    return seconds, printed.decode("utf-8", "replace"), killed


def progress_lines(printed: str) -> list[str]:
    return [part.strip() for part in printed.replace("\x1b[K", "").split("\r") if part.strip()]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--archive", type=Path, required=True)
    parser.add_argument("--kill-after", type=float, default=300.0)
    parser.add_argument("--scratch", type=Path, default=Path("/var/tmp/reindex-bench"))
    parser.add_argument("--keep", action="store_true", help="keep the rebuilt copy")
    args = parser.parse_args()

    folder = args.scratch / "archive"
    shutil.rmtree(args.scratch, ignore_errors=True)
    args.scratch.mkdir(parents=True)
    started = time.time()
    shutil.copytree(args.archive, folder)
    print(f"copied {args.archive} in {time.time() - started:.0f} s", flush=True)

    seconds, printed, killed = run_cli(folder, "reindex", kill_after=args.kill_after)
    lines = progress_lines(printed)
    ended = "killed (SIGKILL)" if killed else "finished by itself (not killed)"
    print(
        f"run 1: {ended} after {seconds:.0f} s; longest time without progress "
        f"{gaps[-1]:.1f} s; last progress: {lines[-1:]}"
    )
    checkpoint_file = folder / "index.new" / "clippings-rebuild.json"
    checkpoint = json.loads(checkpoint_file.read_text()) if checkpoint_file.exists() else None
    print(f"checkpoint left: {checkpoint}", flush=True)

    seconds, printed, _killed = run_cli(folder, "reindex")
    lines = progress_lines(printed)
    print(
        f"run 2: finished in {seconds:.0f} s; longest time without progress {gaps[-1]:.1f} s; "
        f"first progress: {lines[:1]}; last: {lines[-1:]}"
    )

    from clippings.services import Archive

    with Archive.open(folder) as archive:
        expected, indexed = archive.store.revisions(), archive.index.revisions()
        stale = sum(1 for i, r in expected.items() if indexed.get(i) != r)
        extra = sum(1 for i in indexed if i not in expected)
        print(
            f"index: {len(indexed)} entries for {len(expected)} live clippings; "
            f"{stale} missing or at another revision, {extra} that should be gone; "
            f"{archive.index.segment_count()} segments; queue {archive.store.pending_count()}"
        )
    if not args.keep:
        shutil.rmtree(args.scratch, ignore_errors=True)


if __name__ == "__main__":
    main()
