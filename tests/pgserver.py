"""A real PostgreSQL server for the tests: a throw-away cluster in a temporary folder.

``scripts/setup.sh test`` installs Debian's ``postgresql``; the tests start their own
cluster (never the system's), owned by the ``postgres`` user when they run as root
(the server refuses to run as root), listening on a free port of 127.0.0.1 and on a
socket in the cluster's folder. Every xdist worker starts its own. Durability is
switched off (``fsync=off``): the tests test the app, not the server's disk writes.

``CLIPPINGS_TEST_PG_URL`` (a superuser's ``postgresql://`` URL) uses a running server
instead. Without a server the PostgreSQL tests are skipped, except under CI, where
they fail: a CI run that silently tested one dialect would prove nothing.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import count
from pathlib import Path

ENV_URL = "CLIPPINGS_TEST_PG_URL"


@dataclass
class Server:
    """A running cluster: where it listens and how to reach it as its superuser."""

    host: str
    port: int
    superuser: str = "postgres"
    folder: Path | None = None
    _numbers: Iterator[int] = field(default_factory=lambda: count(1))

    def url(self, database: str, user: str | None = None) -> str:
        return f"postgresql://{user or self.superuser}@{self.host}:{self.port}/{database}"

    def admin_sql(self, statement: str, database: str = "postgres") -> None:
        """Run one statement as the superuser (CREATE/DROP DATABASE, roles)."""
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True) as conn:
            conn.execute(statement)  # type: ignore[arg-type]

    def new_database(self, template: str = "template0") -> str:
        """A new database's name (``clippings_t<pid>_<n>``): empty, or a copy of
        ``template``."""
        name = f"clippings_t{os.getpid()}_{next(self._numbers)}"
        self.admin_sql(f'CREATE DATABASE "{name}" TEMPLATE "{template}" ENCODING \'UTF8\'')
        return name

    def drop_database(self, name: str) -> None:
        """Drop the database, and the archive's roles named after it (roles are the
        cluster's, so they outlive the database)."""
        self.admin_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        for kind in ("reader", "editor", "admin"):
            self.admin_sql(f'DROP ROLE IF EXISTS "{name}_{kind}"')


def find_bin() -> Path | None:
    """The folder of Debian's server programs (initdb, pg_ctl), the newest version."""
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=_version_key)
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


def _version_key(path: str) -> int:
    part = Path(path).parts[-3]
    return int(part) if part.isdigit() else 0


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _as_owner(owner: str | None, args: list[str]) -> list[str]:
    return ["runuser", "-u", owner, "--", *args] if owner else args


def start(bin_dir: Path) -> Server:
    """Initialise and start a cluster in a new temporary folder."""
    owner = "postgres" if os.geteuid() == 0 else None
    folder = Path(tempfile.mkdtemp(prefix="clippings-pg-"))
    data = folder / "data"
    if owner:
        entry = pwd.getpwnam(owner)
        os.chown(folder, entry.pw_uid, entry.pw_gid)
    folder.chmod(0o700)
    subprocess.run(
        _as_owner(
            owner,
            [
                str(bin_dir / "initdb"),
                "-D",
                str(data),
                "-U",
                "postgres",
                "--auth=trust",
                "-E",
                "UTF8",
                "--locale=C.UTF-8",
                "--no-sync",
            ],
        ),
        check=True,
        capture_output=True,
    )
    # The port is free when chosen, but another worker's server (every xdist worker
    # starts its own) may take it before this one listens: then try another.
    for attempt in range(3):
        port = _free_port()
        options = (
            f"-p {port} -k {folder} -c listen_addresses=127.0.0.1 -c fsync=off "
            "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200 "
            "-c shared_buffers=64MB"
        )
        started = subprocess.run(
            _as_owner(
                owner,
                [
                    str(bin_dir / "pg_ctl"),
                    "-D",
                    str(data),
                    "-o",
                    options,
                    "-l",
                    str(folder / "server.log"),
                    "-w",
                    "-t",
                    "60",
                    "start",
                ],
            ),
            check=False,
            capture_output=True,
        )
        if started.returncode == 0:
            break
        if attempt == 2:
            started.check_returncode()
    server = Server("127.0.0.1", port, folder=folder)
    for _ in range(100):
        try:
            server.admin_sql("SELECT 1")
            break
        except Exception:  # noqa: BLE001 - any failure to connect: not up yet
            time.sleep(0.1)
    return server


def stop(bin_dir: Path, server: Server) -> None:
    if server.folder is None:
        return
    owner = "postgres" if os.geteuid() == 0 else None
    subprocess.run(
        _as_owner(
            owner,
            [str(bin_dir / "pg_ctl"), "-D", str(server.folder / "data"), "-m", "immediate", "stop"],
        ),
        capture_output=True,
    )
    shutil.rmtree(server.folder, ignore_errors=True)


def from_environment() -> Server | None:
    url = os.environ.get(ENV_URL)
    if not url:
        return None
    from urllib.parse import urlsplit

    parts = urlsplit(url)
    return Server(parts.hostname or "127.0.0.1", parts.port or 5432, parts.username or "postgres")
