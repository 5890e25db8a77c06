"""Shared fixtures: where the real documents are, and a temporary archive."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
import time
from pathlib import Path

import pytest

# The tests never read nor write the user's own keyring (team archives' passwords), nor
# the user's cache (a team archive's working folder).
os.environ.setdefault("PYTHON_KEYRING_BACKEND", "keyring.backends.null.Keyring")
# The cache folder goes when the test process ends (it holds the language detector's
# unpacked model, 68 MB, and would otherwise stay behind after every run).
_CACHE = tempfile.mkdtemp(prefix="clippings-tests-cache-")
os.environ["XDG_CACHE_HOME"] = _CACHE
atexit.register(shutil.rmtree, _CACHE, ignore_errors=True)

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))
CORPUS = SHARED / "corpus"
SEED = SHARED / "seed" / "000_68045496e93c7aa0.txt"
DATA = Path(__file__).resolve().parent / "data"


#: Test modules that must run on one worker, one after another (name -> module paths
#: from the repository's root). pytest-xdist 3.8 ignores ``@pytest.mark.xdist_group``
#: under pytest 9.2 (pytest-xdist issue #1386), so groups of modules are named here.
ONE_WORKER: dict[str, tuple[str, ...]] = {}

#: About how long the slowest modules take, in seconds on one worker of a 2-core machine
#: (``--durations``; the order is what matters, not the numbers). A module not named
#: counts ``SECONDS_A_TEST`` a test. Update it when a module grows slow or fast.
MODULE_SECONDS: dict[str, float] = {
    "tests/reliability/test_faults.py": 140,
    "tests/reliability/test_kill.py": 95,
    "tests/reliability/test_concurrency.py": 80,
    "tests/services/test_ocr.py": 40,
    "tests/services/test_team_archive.py": 40,
    "tests/services/test_related_expected.py": 35,
    "tests/reliability/test_copies_race.py": 30,
    "tests/services/test_related_memory.py": 30,
    "tests/exporters/test_dossier_script_runs.py": 30,
    "tests/ui/test_other_programs.py": 25,
    "tests/services/test_importing_pool.py": 16,
    "tests/services/test_extraction.py": 14,
    "tests/services/test_related_store.py": 14,
    "tests/test_cli_ocr.py": 13,
    "tests/search/test_fast_terms.py": 13,
    "tests/ui/test_large_archive.py": 12,
    "tests/exporters/test_dossier.py": 12,
    "tests/test_app_start.py": 11,
}
#: What a test of a module not in ``MODULE_SECONDS`` counts (the suite's average).
SECONDS_A_TEST = 0.4


@pytest.hookimpl(optionalhook=True)
def pytest_xdist_make_scheduler(config: pytest.Config, log: object) -> object:
    """``./test.sh`` runs the tests on every core (pytest-xdist, ``--dist loadgroup``).
    There a test module runs whole on one worker, so its module-scoped fixtures are
    made once, and the modules of a group in ``ONE_WORKER`` run on one worker, one
    after another.

    The longest modules are handed out first (``MODULE_SECONDS``), so that the last
    ones are short and the workers finish together. pytest-xdist's own order is most
    tests first, which hands out the modules of a few long tests among the last
    (test_related_memory: one test, 50 s before it was made faster): one worker ran
    them while the others had nothing left to do.
    """
    if config.getvalue("dist") != "loadgroup":
        return None
    from xdist.scheduler import LoadGroupScheduling

    group_of = {module: name for name, modules in ONE_WORKER.items() for module in modules}

    class ModuleOrGroup(LoadGroupScheduling):
        def _split_scope(self, nodeid: str) -> str:
            scope: str = super()._split_scope(nodeid)
            if scope != nodeid:  # an xdist_group mark, once pytest-xdist honours it again
                return scope
            module = nodeid.split("::", 1)[0]
            return group_of.get(module, module)

        def _seconds(self, scope: str, tests: int) -> float:
            modules = ONE_WORKER.get(scope, (scope,))
            known = [MODULE_SECONDS[m] for m in modules if m in MODULE_SECONDS]
            return sum(known) if known else SECONDS_A_TEST * tests

        def _assign_work_unit(self, node) -> None:
            # At the first hand-out, the queue (xdist's: most tests first) longest first.
            if not getattr(self, "_longest_first", False):
                self._longest_first = True
                seconds = {
                    scope: self._seconds(scope, len(tests))
                    for scope, tests in self.workqueue.items()
                }
                ordered = sorted(self.workqueue.items(), key=lambda item: -seconds[item[0]])
                self.workqueue.clear()
                self.workqueue.update(ordered)
            super()._assign_work_unit(node)

    return ModuleOrGroup(config, log)


@pytest.fixture(scope="session")
def corpus() -> Path:
    """The real documents of ``../shared/corpus`` (read-only)."""
    if not (CORPUS / "MANIFEST.md").is_file():
        pytest.skip(f"the shared corpus is not at {CORPUS} (set CLIPPINGS_SHARED)")
    return CORPUS


@pytest.fixture(scope="session")
def seed() -> Path:
    """The project's original clipping (read-only)."""
    if not SEED.is_file():
        pytest.skip(f"the seed clipping is not at {SEED} (set CLIPPINGS_SHARED)")
    return SEED


#: The kinds of archive the tests of storage, services, search and the command line run
#: on: an archive folder (SQLite) and a team archive (PostgreSQL).
ARCHIVE_KINDS = ("folder", "team")
#: Where tests that take ``archive`` run on both kinds (``pytest_generate_tests``).
BOTH_KINDS = ("tests/storage/", "tests/services/", "tests/search/", "tests/test_cli")


def pytest_generate_tests(metafunc):
    """``archive`` is each kind in turn in the storage, service, search and CLI tests."""
    if "archive_kind" not in metafunc.fixturenames:
        return
    if metafunc.definition.get_closest_marker("folder_only"):
        return
    where = str(metafunc.definition.path.relative_to(REPO))
    if any(where.startswith(prefix) for prefix in BOTH_KINDS):
        metafunc.parametrize("archive_kind", ARCHIVE_KINDS, indirect=True)


@pytest.fixture
def archive_kind(request) -> str:
    """ "folder", or "team" where the test runs on both kinds (see BOTH_KINDS)."""
    return getattr(request, "param", "folder")


@pytest.fixture
def archive(tmp_path: Path, archive_kind: str, request):
    """A new, empty archive (closed after the test): a folder in a temporary folder, or
    a team archive in a new database of the tests' PostgreSQL server."""
    from clippings.services import Archive

    if archive_kind == "team":
        url = request.getfixturevalue("team_url")
        opened = Archive.open(url)
    else:
        opened = Archive.open(tmp_path / "archive")
    yield opened
    opened.close()


def reopen(archive):
    """The same archive opened again, as another program would (its folder or server)."""
    from clippings.services import Archive

    return Archive.open(archive.server or archive.path)


def eventually(condition, seconds: float = 5.0) -> bool:
    """Whether ``condition()`` becomes true within ``seconds`` (a team archive hears of
    another client's commit a moment after it)."""
    deadline = time.monotonic() + seconds
    while True:
        if condition():
            return True
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)


def opened_comparison(qtbot, window, start):
    """The comparison window that ``start()`` opens (the two clippings are aligned off
    the GUI thread, so it shows a moment later)."""
    before = list(window.compare_windows)
    start()
    # A new window, added or in the place of a stale one on the same pair.
    qtbot.waitUntil(
        lambda: bool(window.compare_windows) and window.compare_windows[-1] not in before,
        timeout=20_000,
    )
    return window.compare_windows[-1]


def syndicated_copy(source: Path, folder: Path) -> Path:
    """Another site's copy of an ECB+ text file (address, title, date, then the lines):
    its own address, the lines in another order, a word changed. The same text or
    address would be refused at import as the same article; this one is imported and
    labelled a duplicate of the source."""
    _url, title, date, *body = source.read_text(encoding="utf-8").splitlines()
    lines = ["http://syndicate.example/" + source.stem, title, date, *body[2:], *body[:2]]
    copy = folder / f"syndicated-{source.name}"
    copy.write_text("\n".join(lines).replace(" the ", " a ", 1), encoding="utf-8")
    return copy


def add_clipping(archive, text: str, **fields):
    """Store a clipping made in the test (no importer involved); returns its id."""
    from clippings.model import Extracted
    from clippings.services.importing import store_extracted

    fields.setdefault("title", text.split(".")[0][:60])
    tags = fields.pop("tags", ())
    name = fields.pop("name", f"{fields['title']}.txt")
    sync = fields.pop("sync", True)
    extracted = Extracted(text=text, format="text", **fields)
    [result] = store_extracted(
        archive, [extracted], text.encode("utf-8"), name, shown=name, tags=tags, sync=sync
    )
    assert result.outcome == "imported", result
    return result.id


#: The search engines of an archive folder.
ENGINES = ("whoosh", "tantivy")
#: The search engines the search tests (tests/search) run on: those and the server's
#: (PostgreSQL full text, which ``engine_archive`` puts behind an archive folder until
#: an archive opens from a URL).
SEARCH_ENGINES = (*ENGINES, "postgresql")


@pytest.fixture(params=ENGINES)
def engine(request) -> str:
    """Each search engine in turn (a test using it runs once per engine)."""
    return request.param


def open_archive(path: Path, engine: str = "whoosh"):
    """Open (or create) the archive at ``path``, searching with ``engine``."""
    from clippings.services import Archive

    opened = Archive.open(path)
    if opened.engine != engine:
        opened.switch_engine(engine)
    return opened


@pytest.fixture
def engine_archive(request, tmp_path: Path, engine: str):
    """A new, empty archive searching with each engine in turn (closed after the test)."""
    search = None
    if engine == "postgresql":
        opened = open_archive(tmp_path / "archive")
        search = server_search(opened, request.getfixturevalue("pg_url"))
    else:
        opened = open_archive(tmp_path / "archive", engine)
    yield opened
    opened.close()
    if search is not None:
        search.engine.dispose()


def server_search(archive, url: str):
    """Put the server's search (``PostgresIndex``, in the database at ``url``) in
    place of an embedded archive's index: the search tests run on it before an
    archive opens from a URL. The index is rebuilt from the archive."""
    from sqlalchemy import create_engine

    from clippings.search.postgres_index import PostgresIndex

    engine = create_engine(url.replace("postgresql://", "postgresql+psycopg://", 1))
    index = PostgresIndex(engine)
    index.prepare()
    archive.index.close()
    archive.index = index
    archive.rebuild_index()
    return index


def skip_unless_installed(reason: str) -> None:
    """Skip a test whose system tool is missing on a developer's machine; in CI, where
    ``scripts/setup.sh test`` installs it, a missing tool fails the test instead."""
    if os.environ.get("CI"):
        pytest.fail(f"{reason} (scripts/setup.sh test installs it)")
    pytest.skip(reason)


# --- PostgreSQL (the team archive) -------------------------------------------------------


@pytest.fixture(scope="session")
def pg_server():
    """A PostgreSQL server of the tests' own (``tests/pgserver.py``), for the session."""
    from tests import pgserver

    found = pgserver.from_environment()
    if found is not None:
        yield found
        return
    bin_dir = pgserver.find_bin()
    if bin_dir is None:
        if os.environ.get("CI"):
            pytest.fail("PostgreSQL's server programs are missing (scripts/setup.sh test)")
        pytest.skip("no PostgreSQL server programs (apt-get install postgresql)")
    server = pgserver.start(bin_dir)
    yield server
    pgserver.stop(bin_dir, server)


@pytest.fixture(scope="session")
def team_template(pg_server):
    """A database made a team archive by ``server init`` once, copied for each test."""
    from clippings.services.server import init_server

    name = pg_server.new_database()
    init_server(pg_server.url(name))
    yield name
    pg_server.drop_database(name)


@pytest.fixture
def team_url(pg_server, team_template):
    """The URL of a new, empty team archive (a copy of ``team_template``)."""
    name = pg_server.new_database(template=team_template)
    yield pg_server.url(name)
    pg_server.drop_database(name)


@pytest.fixture
def pg_url(pg_server):
    """The URL of a new, empty PostgreSQL database (dropped after the test)."""
    name = pg_server.new_database()
    yield pg_server.url(name)
    pg_server.drop_database(name)
