"""What the audit trail's triggers cost an import: 1,000 clippings stored in batches of
50 (as ``import_paths`` stores them), with the triggers and without, on an archive
folder and on a team archive (a throw-away PostgreSQL cluster of the tests', or the
server at ``CLIPPINGS_TEST_PG_URL``).

    python bench/audit.py [--clippings 1000] [--rounds 5] [--only folder|server]
    python bench/audit.py --whole FOLDER [--rounds 3]

Prints the seconds with and without the triggers, and the difference: of the
database work only (no extraction, no originals' bytes, no index), or with
``--whole`` of a whole import of FOLDER's files into a new archive folder.
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

from sqlalchemy import create_engine

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
    def make(audited: bool, round_: int) -> ClippingStore:
        path = root / f"{audited}-{round_}.sqlite3"
        if audited:
            store = ClippingStore.for_file(path)
        else:  # the same engines, without the audit trail's triggers
            url = f"sqlite:///{path}"
            reader, writer = create_engine(url), create_engine(url)
            sqlite._configure(reader, begin="BEGIN")
            sqlite._configure(writer, begin="BEGIN IMMEDIATE")
            store = ClippingStore(url, reader=reader, writer=writer, path=path)
        store.upgrade()
        return store

    return make


def interleaved(make: Callable[[bool, int], ClippingStore], count: int, rounds: int) -> None:
    """Both stores open at once, taking turns batch by batch: what others do to the
    machine meanwhile falls on both alike. This process's CPU time per import."""
    spent: dict[bool, list[float]] = {True: [], False: []}
    for round_ in range(rounds):
        stores = {audited: make(audited, 100 + round_) for audited in (True, False)}
        batches = {a: clippings(count, f"i{round_}{a}") for a in (True, False)}
        totals = {True: 0.0, False: 0.0}
        try:
            for start in range(0, count, BATCH):
                for audited in (True, False) if start // BATCH % 2 else (False, True):
                    cpu = time.process_time()
                    stores[audited].add_many(
                        batches[audited][start : start + BATCH],
                        ["Bench"],
                        store_originals=lambda _: None,
                    )
                    totals[audited] += time.process_time() - cpu
        finally:
            for store in stores.values():
                store.close()
        for audited in (True, False):
            spent[audited].append(totals[audited])
    with_, without = statistics.median(spent[True]), statistics.median(spent[False])
    print(
        f"  interleaved batches, client CPU, median: without triggers {without:.3f} s, "
        f"with {with_:.3f} s: {with_ - without:+.3f} s ({(with_ / without - 1) * 100:+.1f} %)"
    )


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


def whole(folder: Path, rounds: int) -> None:
    """A whole import (extraction, originals, index) of ``folder`` into a new archive
    folder, with the triggers and without, alternating."""
    from clippings.services import Archive
    from clippings.services.importing import import_paths

    installer = sqlite._install_audit
    spent: dict[bool, list[float]] = {True: [], False: []}
    with tempfile.TemporaryDirectory() as root:
        for round_ in range(rounds):
            for audited in (True, False) if round_ % 2 else (False, True):
                sqlite._install_audit = installer if audited else (lambda *args: None)  # type: ignore[assignment]
                started = time.perf_counter()
                with Archive.open(Path(root) / f"{audited}-{round_}") as archive:
                    report = import_paths(archive, [folder])
                spent[audited].append(time.perf_counter() - started)
                stored = sum(1 for r in report.results if r.outcome == "imported")
                print(
                    f"  {'with' if audited else 'without'} triggers: {spent[audited][-1]:.1f} s"
                    f" ({stored} clippings)"
                )
    sqlite._install_audit = installer
    with_, without = statistics.median(spent[True]), statistics.median(spent[False])
    print(
        f"  whole import, median: without triggers {without:.2f} s, with {with_:.2f} s: "
        f"{with_ - without:+.2f} s ({(with_ / without - 1) * 100:+.1f} %)"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clippings", type=int, default=1000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--only", choices=("folder", "server"))
    parser.add_argument("--whole", type=Path, help="a folder of files to import whole")
    args = parser.parse_args()
    if args.whole:
        print(f"whole import of {args.whole} into an archive folder:")
        whole(args.whole, args.rounds)
        return
    if args.only != "server":
        with tempfile.TemporaryDirectory() as folder:
            print(f"archive folder (SQLite), {args.clippings} clippings:")
            measure(folder_store(Path(folder)), args.clippings, args.rounds)
            interleaved(folder_store(Path(folder)), args.clippings, args.rounds)
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
