"""What the audit trail's triggers cost an import: 1,000 clippings stored in batches of
50 (as ``import_paths`` stores them), with the triggers and without, on an archive
folder and on a team archive (a throw-away PostgreSQL cluster of the tests', or the
server at ``CLIPPINGS_TEST_PG_URL``).

    python bench/audit.py [--clippings 1000] [--rounds 5]

Prints the median seconds of each round and the difference. The database work only:
no extraction, no originals' bytes, no index.
"""

from __future__ import annotations

import argparse
import hashlib
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from clippings.model import Extracted
from clippings.storage import ClippingStore, NewClipping, sqlite

BATCH = 50
WORDS = [
    "harbour",
    "bridge",
    "council",
    "storm",
    "ferry",
    "port",
    "trade",
    "union",
    "budget",
    "mayor",
]


def clippings(count: int, salt: str) -> list[NewClipping]:
    made = []
    for n in range(count):
        text = " ".join(WORDS[(n * 7 + i) % len(WORDS)] for i in range(300)) + f" {salt} {n}"
        data = text.encode()
        made.append(
            NewClipping(
                extracted=Extracted(
                    text=text, format="text", title=f"Clipping {n}", outlet="Town Bulletin"
                ),
                sha256=hashlib.sha256(data).hexdigest(),
                size=len(data),
                original_name=f"{n}.txt",
                text_hash=hashlib.sha256(data).hexdigest(),
                word_count=301,
            )
        )
    return made


def import_all(store: ClippingStore, batch: list[NewClipping]) -> tuple[float, float]:
    """(wall-clock, this process's CPU) seconds of storing ``batch``."""
    started, cpu = time.perf_counter(), time.process_time()
    for start in range(0, len(batch), BATCH):
        store.add_many(batch[start : start + BATCH], ["Bench"], store_originals=lambda _: None)
    return time.perf_counter() - started, time.process_time() - cpu


def measure(make: Callable[[bool, int], ClippingStore], count: int, rounds: int) -> None:
    """Rounds alternate which goes first. The machine is shared, so both the wall
    clock and this process's CPU time (all of SQLite's work) are shown, each as the
    median and the fastest round (the least disturbed by others)."""
    times: dict[bool, list[tuple[float, float]]] = {True: [], False: []}
    for round_ in range(rounds):
        for audited in (True, False) if round_ % 2 else (False, True):
            store = make(audited, round_)
            try:
                times[audited].append(import_all(store, clippings(count, f"r{round_}")))
            finally:
                store.close()
    for label, index in (("wall clock", 0), ("client CPU", 1)):
        for summary, pick in (("median", statistics.median), ("fastest", min)):
            with_ = pick(t[index] for t in times[True])
            without = pick(t[index] for t in times[False])
            print(
                f"  {label}, {summary}: without triggers {without:.3f} s, with {with_:.3f} s:"
                f" {with_ - without:+.3f} s ({(with_ / without - 1) * 100:+.1f} %)"
            )


def folder_store(root: Path) -> Callable[[bool, int], ClippingStore]:
    installer = sqlite._install_audit

    def make(audited: bool, round_: int) -> ClippingStore:
        sqlite._install_audit = installer if audited else (lambda *args: None)  # type: ignore[assignment]
        store = ClippingStore.for_file(root / f"{audited}-{round_}.sqlite3")
        store.upgrade()
        return store

    return make


def server_store(server: object, databases: list[str]) -> Callable[[bool, int], ClippingStore]:
    def make(audited: bool, round_: int) -> ClippingStore:
        database = server.new_database()  # type: ignore[attr-defined]
        server.admin_sql(f'ALTER DATABASE "{database}" SET track_functions = pl')  # type: ignore[attr-defined]
        databases.append(database)
        url = server.url(database)  # type: ignore[attr-defined]
        store = ClippingStore.for_server(url)
        store.upgrade()
        store.install_server_roles()
        if not audited:
            with store._writing() as conn:
                for name, table in (
                    ("clippings_audit_insert", "clippings"),
                    ("clippings_audit_update", "clippings"),
                    ("clippings_audit_delete", "clippings"),
                    ("clippings_audit_tags", "clipping_tags"),
                ):
                    conn.exec_driver_sql(f"DROP TRIGGER {name} ON {table}")
        return store

    return make


def trigger_time(server: object, databases: list[str]) -> str:
    """The server's own count of the audit function's calls and time, per import."""
    import psycopg

    spent = []
    for database in databases:
        with psycopg.connect(server.url(database), autocommit=True) as conn:  # type: ignore[attr-defined]
            row = conn.execute(
                "SELECT calls, total_time FROM pg_stat_user_functions "
                "WHERE funcname = 'clippings_audit'"
            ).fetchone()
        if row is not None:
            spent.append((int(row[0]), float(row[1])))
    if not spent:
        return "not reported"
    calls = statistics.median(c for c, _ in spent)
    ms = statistics.median(t for _, t in spent)
    return f"{calls:.0f} calls, {ms:.1f} ms per import (median of {len(spent)})"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clippings", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=("folder", "server"))
    args = parser.parse_args()
    if args.only != "server":
        with tempfile.TemporaryDirectory() as folder:
            print(f"archive folder (SQLite), {args.clippings} clippings:")
            measure(folder_store(Path(folder)), args.clippings, args.rounds)
    if args.only == "folder":
        return
    from tests import pgserver

    server = pgserver.from_environment()
    bin_dir = None
    if server is None:
        bin_dir = pgserver.find_bin()
        if bin_dir is None:
            print("team archive: no PostgreSQL server programs; skipped")
            return
        server = pgserver.start(bin_dir)
    try:
        print(f"team archive (PostgreSQL), {args.clippings} clippings:")
        databases: list[str] = []
        measure(server_store(server, databases), args.clippings, args.rounds)
        print(f"  the server's time in the trigger function: {trigger_time(server, databases)}")
    finally:
        if bin_dir is not None:
            pgserver.stop(bin_dir, server)


if __name__ == "__main__":
    main()
