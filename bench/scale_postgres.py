"""The PostgreSQL engine of ``bench/scale.py``: a team archive on a server run by the bench.

The cluster lives in ``DIR/<size>/postgresql-cluster`` (owned by the ``postgres`` user
when the bench runs as root), with durable settings (``DURABLE``: what a real server
does, unlike the tests' throw-away clusters), started by the build and by ``measure``
and stopped after. The archive is the database ``clippings_bench``, made by
``init_server``; the same synthetic clippings as the ``load`` stage are stored through
the store's own insert (a transaction per batch, originals in the same transaction);
then the server's search index is built (``Archive.rebuild_index``).

The import rows import the text files of the ``import-files`` stage into copies of the
full database (``CREATE DATABASE ... TEMPLATE``) by 1 and by 4 concurrent clients
(each a new process calling ``import_paths`` on its share, as the embedded import row
does: the related pieces found after an import are in neither), timed as the embedded
row is: from the moment every client has its archive open (they wait for one another)
to the end of the last import, reader processes' start-up included. The clients'
process start-up before that common start is reported beside it.
"""

from __future__ import annotations

import json
import os
import pwd
import shutil
import socket
import statistics
import subprocess
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from bench import scale_data as data
from bench.scale_common import PYTHON, REPO, SCRIPT, Bench, Figure, Progress, Target, env_for

DATABASE = "clippings_bench"
SCRATCH = "clippings_bench_scratch"
LOAD_BATCH = 1_000

#: The server's settings: durable (every commit flushed), sized for a small machine.
DURABLE = (
    "fsync=on",
    "synchronous_commit=on",
    "full_page_writes=on",
    "shared_buffers=512MB",
    "work_mem=16MB",
    "max_connections=50",
)


def settings_text() -> str:
    return ", ".join(DURABLE)


# --- The cluster ---------------------------------------------------------------------------


def _bin() -> Path:
    from tests.pgserver import find_bin

    found = find_bin()
    if found is None:
        raise RuntimeError("no PostgreSQL server programs (apt-get install postgresql)")
    return found


def _owner() -> str | None:
    return "postgres" if os.geteuid() == 0 else None


def _as_owner(args: list[str]) -> list[str]:
    owner = _owner()
    return ["runuser", "-u", owner, "--", *args] if owner else args


def cluster_folder(bench: Bench) -> Path:
    return bench.root / "postgresql-cluster"


def url(bench: Bench, database: str = DATABASE) -> str:
    port = bench.state.get("postgresql", {}).get("port")
    return f"postgresql://postgres@127.0.0.1:{port}/{database}"


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _admin(bench: Bench, statement: str) -> None:
    import psycopg

    with psycopg.connect(url(bench, "postgres"), autocommit=True) as conn:
        conn.execute(statement)  # type: ignore[arg-type]


def _database_exists(bench: Bench, name: str) -> bool:
    import psycopg

    with psycopg.connect(url(bench, "postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", (name,)).fetchone()
    return row is not None


@contextmanager
def running(bench: Bench) -> Iterator[None]:
    """The bench's cluster, made if new, started for the duration and stopped after."""
    folder = cluster_folder(bench)
    data_dir = folder / "data"
    binary = _bin()
    if not (data_dir / "PG_VERSION").exists():
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        owner = _owner()
        if owner:
            entry = pwd.getpwnam(owner)
            os.chown(folder, entry.pw_uid, entry.pw_gid)
        folder.chmod(0o700)
        subprocess.run(
            _as_owner(
                [
                    str(binary / "initdb"),
                    "-D",
                    str(data_dir),
                    "-U",
                    "postgres",
                    "--auth=trust",
                    "-E",
                    "UTF8",
                    "--locale=C.UTF-8",
                ]
            ),
            check=True,
            capture_output=True,
        )
    port = _free_port()
    options = f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 " + " ".join(
        f"-c {s}" for s in DURABLE
    )
    subprocess.run(
        _as_owner(
            [
                str(binary / "pg_ctl"),
                "-D",
                str(data_dir),
                "-o",
                options,
                "-l",
                str(folder / "server.log"),
                "-w",
                "-t",
                "120",
                "start",
            ]
        ),
        check=True,
        capture_output=True,
    )
    bench.record("postgresql", port=port, settings=settings_text())
    try:
        yield
    finally:
        subprocess.run(
            _as_owner([str(binary / "pg_ctl"), "-D", str(data_dir), "-m", "fast", "stop"]),
            capture_output=True,
        )


# --- The build -----------------------------------------------------------------------------


def stage_postgresql(bench: Bench, corpus: data.Corpus) -> None:
    """Cluster, database, ``init_server``, the bulk load, the server's search index."""
    with running(bench):
        facts = bench.state.get("postgresql", {})
        if not facts.get("initialised"):
            if _database_exists(bench, DATABASE):
                _admin(bench, f'DROP DATABASE "{DATABASE}" WITH (FORCE)')
            _admin(bench, f"CREATE DATABASE \"{DATABASE}\" TEMPLATE template0 ENCODING 'UTF8'")
            from clippings.services.server import init_server

            init_server(url(bench))
            bench.record("postgresql", initialised=True)
        if not facts.get("loaded"):
            seconds = _load(bench, corpus)
            bench.record("postgresql", loaded=True, load_seconds=seconds)
        from clippings.services import Archive

        progress = Progress("server search index")
        with Archive.open(url(bench)) as archive:
            archive.rebuild_index(report=progress)
            engine = type(archive.index).__name__
        seconds = progress.finish()
        bench.record(
            "postgresql",
            done=True,
            seconds=seconds,
            longest_gap=progress.longest,
            index=engine,
            size_mb=_size_mb(bench),
        )


def _load(bench: Bench, corpus: data.Corpus) -> float:
    """The synthetic clippings through the store's insert, originals in the same
    transaction; resumable at the last committed batch."""
    from sqlalchemy import text as sql

    from bench.scale_build import data_sha, new_clipping
    from clippings.services import Archive
    from clippings.storage.originals_db import _write

    generator = data.Generator(corpus, bench.size)
    started = time.monotonic()
    with Archive.open(url(bench)) as archive:
        store = archive.store
        count = "SELECT count(*) FROM clippings WHERE original_name LIKE 'scale-%'"
        with store._reading() as conn:
            start = int(conn.execute(sql(count)).scalar() or 0)
        if start:
            print(f"  resuming the load at clipping {start:,}")
        for first in range(start, bench.size, LOAD_BATCH):
            batch = list(generator.clippings(first, min(bench.size, first + LOAD_BATCH)))
            with store._writing() as conn:
                for made in batch:
                    sha = data_sha(made)
                    _write(conn, sha, made.original)
                    store._insert(conn, new_clipping(made, sha), made.tags)
                # The index is built whole after the load; the related pieces' analysis
                # is not computed on the server (see the note of the rows).
                conn.execute(sql("DELETE FROM index_queue"))
                conn.execute(sql("DELETE FROM analysis_queue"))
            done = first + len(batch)
            if done % (LOAD_BATCH * 10) == 0 or done == bench.size:
                rate = (done - start) / max(time.monotonic() - started, 1e-9)
                print(f"  {done:,}/{bench.size:,} stored on the server ({rate:.0f}/s)", flush=True)
    return time.monotonic() - started


def _size_mb(bench: Bench) -> float:
    import psycopg

    with psycopg.connect(url(bench, "postgres"), autocommit=True) as conn:
        row = conn.execute("SELECT pg_database_size(%s)", (DATABASE,)).fetchone()
    return float(row[0]) / 2**20 if row else 0.0


# --- The import rows -----------------------------------------------------------------------


def _fresh_scratch(bench: Bench) -> str:
    """A copy of the full team archive to import into."""
    _admin(bench, f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    _admin(bench, f'CREATE DATABASE "{SCRATCH}" TEMPLATE "{DATABASE}"')
    return url(bench, SCRATCH)


def clients_import(bench: Bench, files: list[Path], clients: int) -> dict[str, Any]:
    """``files`` imported into a fresh copy of the archive by ``clients`` concurrent
    client processes (each an equal share), timed as the embedded import row is: from
    the moment every client has its archive open (they wait for one another) to the
    last import's end. The processes' own start-up is reported beside it."""
    target = _fresh_scratch(bench)
    # The copy's writes (and the rows before's) reach the disk now, not during the import.
    os.sync()
    before = _count(bench)
    shares = [files[i::clients] for i in range(clients)]
    env = env_for(bench)
    logs = bench.root / "import-logs"
    logs.mkdir(exist_ok=True)
    go = logs / f"go-{clients}"
    go.unlink(missing_ok=True)
    launched = time.time()
    processes = []
    for n, share in enumerate(shares):
        listing = logs / f"client-{clients}-{n}.txt"
        listing.write_text("\n".join(map(str, share)) + "\n", encoding="utf-8")
        listing.with_suffix(".ready").unlink(missing_ok=True)
        log = (logs / f"client-{clients}-{n}.log").open("w")
        command = [PYTHON, str(SCRIPT), "probe", "import-client", target, str(listing), str(go)]
        processes.append(
            (
                subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, cwd=REPO, env=env),
                log,
            )
        )
    readies = [logs / f"client-{clients}-{n}.ready" for n in range(clients)]
    while not all(r.exists() for r in readies):
        if any(process.poll() is not None for process, _log in processes):
            break  # a client failed before it was ready: its log says why
        time.sleep(0.02)
    started = time.time()
    go.touch()
    codes = []
    for process, log in processes:
        codes.append(process.wait())
        log.close()
    added = _count(bench) - before
    statuses: dict[str, int] = {}
    opened = []
    ends = []
    for n in range(clients):
        lines = (logs / f"client-{clients}-{n}.log").read_text().strip().splitlines()
        try:
            found = json.loads(lines[-1])
        except (IndexError, ValueError):
            continue
        opened.append(found["opened"])
        ends.append(found["ended"] - started)
        for status, k in found["statuses"].items():
            statuses[status] = statuses.get(status, 0) + k
    _admin(bench, f'DROP DATABASE IF EXISTS "{SCRATCH}" WITH (FORCE)')
    return {
        "seconds": max(ends, default=float("nan")),
        "start-up": started - launched,
        "added": added,
        "codes": codes,
        "ends": ends,
        "statuses": ", ".join(f"{k} {s}" for s, k in sorted(statuses.items())),
        "opened": max(opened, default=0.0),
    }


def _count(bench: Bench) -> int:
    import psycopg

    with psycopg.connect(url(bench, SCRATCH), autocommit=True) as conn:
        row = conn.execute("SELECT count(*) FROM clippings").fetchone()
    return int(row[0]) if row else 0


#: Runs of each client count; the figure is their median (single runs on this machine
#: differ by up to a quarter).
IMPORT_RUNS = 3


def import_figures(bench: Bench, embedded: dict[str, list[float]]) -> list[Figure]:
    """The text files by 1 and by 4 clients into a copy of the team archive:
    ``IMPORT_RUNS`` runs of each, alternating, the median reported (``embedded``: the
    embedded engines' text rates of the same run, their median beside it)."""
    files = [f.path for f in data.read_manifest(bench.import_manifest) if f.kind == "text"]
    figures = []
    target = Target(60.0, "texts/s", at_least=True)
    side = ", ".join(
        f"embedded {e} {number_rate(statistics.median(r))} texts/s" for e, r in embedded.items()
    )
    runs: dict[int, list[dict[str, Any]]] = {1: [], 4: []}
    for _ in range(IMPORT_RUNS):
        for clients in runs:
            runs[clients].append(clients_import(bench, files, clients))
    single = None
    for clients, found_runs in runs.items():
        rates = [len(files) / found["seconds"] for found in found_runs]
        rate = statistics.median(rates)
        found = found_runs[rates.index(rate)] if rate in rates else found_runs[0]
        if clients == 1:
            single = rate
        spread = ", ".join(f"{e:.0f}" for e in found["ends"])
        scaling = f"; {rate / single:.2f}× one client" if single and clients > 1 else ""
        figures.append(
            Figure(
                "import, postgresql",
                f"{len(files)} text files by {clients} concurrent "
                f"client{'s' if clients > 1 else ''} (processes), in total "
                f"(median of {len(rates)} runs)",
                rate,
                "texts/s",
                target,
                shown=number_rate(rate),
                refs=side,
                note=(
                    f"runs {', '.join(number_rate(r) for r in rates)} texts/s; the median "
                    f"run {found['seconds']:.1f} s from the common start (clients ended at "
                    f"{spread} s){scaling}; {found['statuses']}; {found['added']:,} clippings "
                    f"added; the clients' start-up before it {found['start-up']:.1f} s "
                    f"(with it {len(files) / (found['seconds'] + found['start-up']):.1f} "
                    f"texts/s), longest open {found['opened']:.1f} s; server and clients on "
                    "the same 2 cores; timed as the embedded row: the import, its reader "
                    "processes included, each client's archive already open"
                ),
            )
        )
    return figures


def probe_import_client(target: str, listing: str, go: str = "") -> dict[str, Any]:
    """One client: the files listed in ``listing`` into the team archive at ``target``,
    once the file ``go`` exists (after saying it is ready: ``listing``'s ``.ready``)."""
    from clippings.services import Archive, import_paths

    paths = [Path(p) for p in Path(listing).read_text(encoding="utf-8").split("\n") if p]
    started = time.perf_counter()
    with Archive.open(target) as archive:
        opened = time.perf_counter() - started
        if go:
            Path(listing).with_suffix(".ready").touch()
            while not Path(go).exists():
                time.sleep(0.01)
        begun = time.time()
        done = import_paths(archive, paths)
        ended = time.time()
    statuses: dict[str, int] = {}
    for result in done.results:
        statuses[str(result.outcome)] = statuses.get(str(result.outcome), 0) + 1
    return {
        "seconds": ended - begun,
        "opened": opened,
        "begun": begun,
        "ended": ended,
        "statuses": statuses,
    }


def number_rate(value: float) -> str:
    from bench.scale_common import number

    return number(value)


def search_location(bench: Bench) -> str:
    return url(bench)
