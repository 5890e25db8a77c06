"""Helpers for the reliability tests: "nothing a user imported is ever lost".

The command line runs as a separate process (``python -m clippings --archive DIR …``),
as a user or a script would run it, so several of them can race, be killed or meet
a full disk. The archive is then inspected read-only and with ``clippings check``.

``tools/hostile.py`` imports these helpers too; keep them free of pytest fixtures
where they are shared.
"""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import pytest

REPO = Path(__file__).resolve().parents[2]
DATABASE = "clippings.sqlite3"
#: No command of a small test archive takes this long; past it the test fails.
CLI_TIMEOUT = 120.0
#: Rounds of each race (imports racing, commands creating one archive): 1 in CI,
#: ``CLIPPINGS_STRESS_ROUNDS=N`` runs N (``tools/stress.sh`` runs 3).
STRESS_ROUNDS = int(os.environ.get("CLIPPINGS_STRESS_ROUNDS", "1"))
#: ``check`` problems that mean something a user stored is gone, damaged or unfindable.
LOSS_KINDS = frozenset(
    {
        "database",
        "original-missing",
        "original-altered",
        "index-missing",
        "index-stale",
        "index-outdated",
    }
)
#: What a crash may leave behind, and the next open or repair must clear.
DEBRIS_PATTERNS = ("originals/*/.incoming-*", "index.new", "index.old")

#: Consonants only, no "s": a marker word is never changed by the stemmer.
_MARK_LETTERS = "bcdfghjklmnpqrtvwxz"
_VOCABULARY = (
    "harbour council budget river bridge minister school hospital tram festival court "
    "election strike museum library farmers weather storm market railway airport police "
    "treaty summit border factory workers pension tax energy climate water forest coast "
    "island village mayor report committee inquiry verdict protest agreement"
)
_WORDS = _VOCABULARY.split()


# --- Running the command line ----------------------------------------------------------


def cli_env() -> dict[str, str]:
    """The environment of a child ``clippings``: offscreen Qt, no archive of the user's."""
    env = dict(os.environ)
    env.pop("CLIPPINGS_ARCHIVE", None)
    env["QT_QPA_PLATFORM"] = "offscreen"
    env["PYTHONUNBUFFERED"] = "1"
    return env


def cli_argv(archive: Path, *args: str | os.PathLike[str]) -> list[str]:
    return [sys.executable, "-m", "clippings", "--archive", str(archive), *map(str, args)]


@dataclass(frozen=True)
class Run:
    """A finished ``clippings`` process."""

    argv: tuple[str, ...]
    returncode: int
    stdout: str
    stderr: str

    @property
    def command(self) -> str:
        shown = [a for a in self.argv if a not in (sys.executable, "-m")]
        return " ".join(shown)

    def describe(self) -> str:
        """The command, its exit status and its output, for an assertion message."""
        err = self.stderr.strip()
        if len(err) > 3000:
            err = "…" + err[-3000:]
        out = self.stdout.strip()
        if len(out) > 800:
            out = out[:800] + "…"
        return f"$ {self.command}\nexit {self.returncode}\nstderr:\n{err}\nstdout:\n{out}"

    def json(self) -> Any:
        try:
            return json.loads(self.stdout)
        except ValueError as error:
            raise AssertionError(
                f"standard output is not JSON ({error}):\n{self.describe()}"
            ) from None

    @property
    def traceback(self) -> bool:
        return "Traceback (most recent call last)" in self.stderr


def run_cli(archive: Path, *args: str | os.PathLike[str], timeout: float = CLI_TIMEOUT) -> Run:
    """Run ``clippings --archive ARCHIVE ARGS…`` to its end (failing the test on a hang)."""
    argv = cli_argv(archive, *args)
    try:
        done = subprocess.run(
            argv,
            capture_output=True,
            timeout=timeout,
            env=cli_env(),
            cwd=REPO,
            check=False,
            stdin=subprocess.DEVNULL,
        )
    except subprocess.TimeoutExpired:
        raise AssertionError(
            f"`{' '.join(argv[2:])}` did not finish within {timeout:.0f} s"
        ) from None
    return Run(
        tuple(argv),
        done.returncode,
        done.stdout.decode("utf-8", "replace"),
        done.stderr.decode("utf-8", "replace"),
    )


@dataclass
class Started:
    """A ``clippings`` process started and not waited for; its output goes to files, so
    a chatty process never blocks on a full pipe while the test waits on another."""

    process: subprocess.Popen[bytes]
    out: IO[bytes]
    err: IO[bytes]

    def collect(self) -> Run:
        texts = []
        for stream in (self.out, self.err):
            stream.seek(0)
            texts.append(stream.read().decode("utf-8", "replace"))
            stream.close()
        return Run(tuple(map(str, self.process.args)), self.process.returncode, *texts)


def start_cli(archive: Path, *args: str | os.PathLike[str]) -> Started:
    """Start ``clippings --archive ARCHIVE ARGS…`` without waiting for it."""
    # Closed by Started.collect(), after the process ends.
    out = tempfile.TemporaryFile()  # noqa: SIM115
    err = tempfile.TemporaryFile()  # noqa: SIM115
    process = subprocess.Popen(
        cli_argv(archive, *args),
        stdout=out,
        stderr=err,
        stdin=subprocess.DEVNULL,
        env=cli_env(),
        cwd=REPO,
    )
    return Started(process, out, err)


def finish(started: Started, timeout: float = CLI_TIMEOUT) -> Run:
    """Wait for a started process and collect what it printed."""
    try:
        started.process.wait(timeout=timeout)
    except subprocess.TimeoutExpired:
        started.process.kill()
        started.process.wait()
        run = started.collect()
        raise AssertionError(
            f"`{run.command}` did not finish within {timeout:.0f} s:\n{run.stderr[-2000:]}"
        ) from None
    return started.collect()


def kill_after(started: Started, delay: float) -> bool:
    """SIGKILL the process ``delay`` seconds after now; False if it had already ended."""
    try:
        started.process.wait(timeout=max(delay, 0.0))
    except subprocess.TimeoutExpired:
        started.process.send_signal(signal.SIGKILL)
        started.process.wait()
        started.collect()
        return True
    started.collect()
    return False


def assert_clean_failure(run: Run, *, what: str) -> None:
    """A refused command: exit 1 or 2, one line on standard error, no traceback."""
    lines = [line for line in run.stderr.splitlines() if line.strip()]
    assert not run.traceback, f"{what}: a traceback instead of a message:\n{run.describe()}"
    assert run.returncode in (1, 2), f"{what}: expected exit 1 or 2:\n{run.describe()}"
    assert len(lines) == 1, f"{what}: expected a one-line message:\n{run.describe()}"


def assert_no_traceback(run: Run, *, what: str) -> None:
    assert not run.traceback, f"{what}: a traceback instead of a message:\n{run.describe()}"
    assert run.returncode >= 0, f"{what}: killed by signal {-run.returncode}:\n{run.describe()}"


# --- Input files -----------------------------------------------------------------------


def marker_word(number: int) -> str:
    """A word found in one generated file only (the stemmer leaves it as it is)."""
    letters = []
    value = number
    while True:
        value, digit = divmod(value, len(_MARK_LETTERS))
        letters.append(_MARK_LETTERS[digit])
        if value == 0:
            break
    return "qzv" + "".join(reversed(letters)).rjust(3, "b")


def article_text(number: int, *, paragraphs: int = 4, words: int = 60) -> str:
    """A distinct little news article carrying ``marker_word(number)``."""
    chooser = random.Random(number)
    mark = marker_word(number)
    parts = [f"The {chooser.choice(_WORDS)} {mark} report number {number}"]
    for _ in range(paragraphs):
        sentence = [chooser.choice(_WORDS) for _ in range(words)]
        sentence.insert(chooser.randrange(len(sentence)), mark)
        parts.append(" ".join(sentence).capitalize() + ".")
    return "\n\n".join(parts) + "\n"


def write_articles(
    folder: Path, numbers: Iterable[int], *, prefix: str = "article", **sizes: int
) -> list[Path]:
    """Generated text files, one per number (``prefix-NNNNN.txt``), distinct content."""
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for number in numbers:
        path = folder / f"{prefix}-{number:05d}.txt"
        path.write_text(article_text(number, **sizes), encoding="utf-8")
        written.append(path)
    return written


def same_article_other_bytes(source: Path, target: Path) -> Path:
    """A copy of an article with other bytes but the same text (spacing differs):
    Clippings must keep one of the two and call the other a duplicate."""
    text = source.read_text(encoding="utf-8")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(text.replace(" ", "  ", 3) + "\n\n", encoding="utf-8")
    return target


def unique_corpus_articles(corpus: Path, count: int | None = None) -> list[Path]:
    """ECB+ news texts with distinct contents, in a stable order (read-only paths)."""
    seen: set[str] = set()
    found = []
    for path in sorted((corpus / "ecbplus" / "text").glob("*/*.txt")):
        folded = " ".join(path.read_text(encoding="utf-8", errors="replace").split()).casefold()
        if len(folded) < 200 or folded in seen:
            continue
        seen.add(folded)
        found.append(path)
        if count is not None and len(found) >= count:
            break
    return found


def copy_files(sources: Iterable[Path], folder: Path) -> list[Path]:
    folder.mkdir(parents=True, exist_ok=True)
    copies = []
    for source in sources:
        target = folder / source.name
        shutil.copyfile(source, target)
        copies.append(target)
    return copies


def sha256_file(path: Path) -> str:
    return hashlib.sha256(Path(path).read_bytes()).hexdigest()


# --- Looking at an archive -------------------------------------------------------------


class LossError(AssertionError):
    """Something a user stored is gone, damaged, duplicated or unfindable."""


@dataclass
class ArchiveState:
    """What an archive holds, read straight from its database and folders."""

    path: Path
    #: id -> (sha256, text_hash, trashed)
    clippings: dict[int, tuple[str, str | None, bool]] = field(default_factory=dict)
    #: tag name -> clipping ids
    tags: dict[str, set[int]] = field(default_factory=dict)
    #: sha256 -> path of every original file on disk
    original_files: dict[str, Path] = field(default_factory=dict)
    #: sha256 -> the clippings that keep a file of these bytes as a copy (the same
    #: piece in another format)
    copies: dict[str, list[int]] = field(default_factory=dict)

    @property
    def shas(self) -> dict[str, list[int]]:
        """sha256 -> the clippings whose original (or a copy's) has these bytes."""
        found: dict[str, list[int]] = {}
        for clipping_id, (sha, _, _) in self.clippings.items():
            found.setdefault(sha, []).append(clipping_id)
        for sha, ids in self.copies.items():
            found.setdefault(sha, []).extend(ids)
        return found

    @property
    def orphans(self) -> dict[str, Path]:
        """Original files no clipping uses (a crash may leave them: not a loss)."""
        used = self.shas
        return {sha: p for sha, p in self.original_files.items() if sha not in used}

    def debris(self) -> list[Path]:
        found = []
        for pattern in DEBRIS_PATTERNS:
            if "/" in pattern:
                found += sorted(self.path.glob(pattern))
            else:
                candidate = self.path / pattern
                if candidate.exists():
                    found.append(candidate)
        return found


def read_archive(path: Path) -> ArchiveState:
    """The archive's clippings, tags and original files (the database opened read-only)."""
    state = ArchiveState(Path(path))
    database = Path(path) / DATABASE
    assert database.is_file(), f"there is no database at {database}"
    try:
        conn = sqlite3.connect(f"file:{database}?mode=ro", uri=True, timeout=30)
        conn.execute("SELECT 1 FROM clippings LIMIT 1").fetchall()
    except sqlite3.OperationalError:  # a WAL file without its index: open it normally
        conn = sqlite3.connect(database, timeout=30)
    try:
        for clipping_id, sha, text_hash, trashed in conn.execute(
            "SELECT id, sha256, text_hash, trashed FROM clippings"
        ):
            state.clippings[int(clipping_id)] = (str(sha), text_hash, bool(trashed))
        for name, clipping_id in conn.execute(
            "SELECT tags.name, clipping_tags.clipping_id FROM tags "
            "JOIN clipping_tags ON clipping_tags.tag_id = tags.id"
        ):
            state.tags.setdefault(str(name), set()).add(int(clipping_id))
        has_copies = conn.execute(
            "SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'clipping_copies'"
        ).fetchone()
        if has_copies:
            for sha, clipping_id in conn.execute("SELECT sha256, clipping_id FROM clipping_copies"):
                state.copies.setdefault(str(sha), []).append(int(clipping_id))
    finally:
        conn.close()
    originals = Path(path) / "originals"
    if originals.is_dir():
        for file in originals.glob("*/*"):
            if not file.name.startswith("."):
                state.original_files[file.name] = file
    return state


def check_problems(
    archive: Path, *, repair: bool | str = False
) -> tuple[list[dict[str, Any]], Run]:
    """``clippings check --json`` (after ``check --repair`` when asked): its problems.

    Opening the archive finishes the index queue, so what remains is real. With
    ``repair="if-needed"``, the repair runs only when the first check finds something.
    """
    if repair == "if-needed":
        problems, run = check_problems(archive)
        if not problems:
            return problems, run
    if repair:
        fixed = run_cli(archive, "check", "--repair")
        assert not fixed.traceback, f"check --repair crashed:\n{fixed.describe()}"
        assert fixed.returncode in (0, 1), (
            f"`check --repair` is refused (is it implemented?):\n{fixed.describe()}"
        )
    run = run_cli(archive, "check", "--json")
    assert not run.traceback, f"check crashed:\n{run.describe()}"
    assert run.returncode in (0, 1), f"check failed to run:\n{run.describe()}"
    found = run.json()
    if isinstance(found, dict):  # a later shape may wrap the list
        found = found.get("problems", [])
    return list(found), run


def assert_nothing_lost(
    archive_path: Path,
    expected_files: Iterable[Path] | Mapping[Path, int | None] = (),
    *,
    same_article: Mapping[Path, Path] | None = None,
    repair: bool | str = False,
    tags: Mapping[str, Iterable[int]] | None = None,
    checked: tuple[list[dict[str, Any]], Run] | None = None,
) -> ArchiveState:
    """Fail unless the archive holds everything it should, once each, findable.

    Args:
        archive_path: the archive folder (no command may be running on it).
        expected_files: input files that a run reported imported or duplicate: each
            must be in the archive by the SHA-256 of its bytes. As a mapping, the id
            the run reported must also be the clipping holding those bytes.
        same_article: for a file made to carry the same text as another with other
            bytes, that other file: finding either one's bytes is enough.
        repair: run ``check --repair`` first (what a kill may leave, orphan originals,
            is allowed; losing something is not); ``"if-needed"``: only if check finds
            a problem.
        tags: tag name -> clipping ids that must carry it.
        checked: what ``check_problems`` returned just before (saves running it again).

    Returns:
        The archive's state after the checks.

    Raises:
        LossError: what is lost, all of it in one message.
    """
    problems, check_run = checked or check_problems(archive_path, repair=repair)
    failures = [
        f"check: {p.get('kind')}: {p.get('message')}"
        for p in problems
        if p.get("kind") in LOSS_KINDS
    ]
    state = read_archive(archive_path)
    for clipping_id, (sha, _, _) in sorted(state.clippings.items()):
        stored = state.original_files.get(sha)
        if stored is None:
            failures.append(f"clipping {clipping_id}: its original {sha[:12]}… is gone")
        elif sha256_file(stored) != sha:
            failures.append(f"clipping {clipping_id}: its original {sha[:12]}… was altered")
    for sha, ids in sorted(state.copies.items()):
        stored = state.original_files.get(sha)
        if stored is None or sha256_file(stored) != sha:
            failures.append(f"clipping {ids}: the original of its copy {sha[:12]}… is lost")
    live: dict[str, list[int]] = {}
    texts: dict[str, list[int]] = {}
    for clipping_id, (sha, text_hash, trashed) in state.clippings.items():
        if trashed:
            continue
        live.setdefault(sha, []).append(clipping_id)
        if text_hash:
            texts.setdefault(text_hash, []).append(clipping_id)
    failures += [f"clippings {ids} are duplicates (same bytes)" for ids in live.values() if ids[1:]]
    failures += [
        f"clippings {ids} are duplicates (same article text)" for ids in texts.values() if ids[1:]
    ]
    shas = state.shas
    reported = expected_files if isinstance(expected_files, Mapping) else {}
    for path in expected_files:
        candidates = [path]
        if same_article and path in same_article:
            candidates.append(same_article[path])
        holders = [i for c in candidates for i in shas.get(sha256_file(c), [])]
        if not holders:
            failures.append(f"{path.name}: reported stored, but its bytes are not in the archive")
            continue
        reported_id = reported.get(path)
        if reported_id is not None and reported_id not in holders:
            failures.append(
                f"{path.name}: reported as clipping {reported_id}, "
                f"but its bytes are clipping {holders}"
            )
    for name, ids in (tags or {}).items():
        missing = sorted(set(ids) - state.tags.get(name, set()))
        if missing:
            failures.append(f"tag {name!r} was added to clippings {missing} and is gone")
    if failures:
        raise LossError(
            f"{len(failures)} thing(s) lost in {archive_path}:\n  "
            + "\n  ".join(failures[:40])
            + f"\n(check said: {check_run.stdout.strip()[:1500]})"
        )
    return state


def reported_paths(
    report: Mapping[str, Any], outcomes: Sequence[str] = ("imported", "duplicates")
) -> dict[Path, int | None]:
    """Path -> clipping id of the files an ``import --json`` run reported stored."""
    return {Path(r["path"]): r.get("id") for outcome in outcomes for r in report.get(outcome, [])}


def search_ids(archive: Path, words: Sequence[str]) -> set[int]:
    """The ids ``clippings search`` finds for any of ``words`` (one command)."""
    found: set[int] = set()
    for start in range(0, len(words), 200):
        chunk = words[start : start + 200]
        run = run_cli(
            archive, "search", " OR ".join(chunk), "--json", "--limit", str(10 * len(chunk))
        )
        assert run.returncode == 0 and not run.traceback, f"search failed:\n{run.describe()}"
        found |= {hit["id"] for hit in run.json()}
    return found


def assert_search_finds(archive: Path, files: Mapping[str, Path]) -> None:
    """Every generated file (by its marker word) is found by ``clippings search``."""
    state = read_archive(archive)
    shas = state.shas
    expected = {}
    for word, path in files.items():
        ids = [i for i in shas.get(sha256_file(path), []) if not state.clippings[i][2]]
        if ids:
            expected[word] = ids[0]
    found = search_ids(archive, sorted(expected))
    missing = {word: i for word, i in expected.items() if i not in found}
    if missing:
        raise LossError(
            f"{len(missing)} of {len(expected)} clippings are in the archive but search does not "
            f"find them (word -> id): {dict(list(missing.items())[:20])}"
        )


def markers_of(paths: Iterable[Path]) -> dict[str, Path]:
    """Marker word -> generated file (files named ``…-NNNNN.txt``)."""
    found = {}
    for path in paths:
        stem = path.stem.rsplit("-", 1)[-1]
        if stem.isdigit():
            found[marker_word(int(stem))] = path
    return found


# --- Mounts (root only) ----------------------------------------------------------------


def mount(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["mount", *args], capture_output=True, text=True, check=False)


def umount(target: Path) -> None:
    for flags in ([], ["-l"]):
        done = subprocess.run(
            ["umount", *flags, str(target)], capture_output=True, text=True, check=False
        )
        if done.returncode == 0:
            return


def is_mounted(target: Path) -> bool:
    return os.path.ismount(target)


@pytest.fixture
def tmpfs(tmp_path: Path) -> Iterator[Any]:
    """Mount a small tmpfs: ``tmpfs(size="3m")`` returns its folder (unmounted after)."""
    mounted: list[Path] = []

    def make(size: str = "3m", name: str = "mnt") -> Path:
        target = tmp_path / name
        target.mkdir()
        done = mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target))
        if done.returncode != 0:
            pytest.skip(
                f"cannot mount a tmpfs ({'root' if os.geteuid() == 0 else 'not root'}): "
                f"`mount -t tmpfs -o size={size} tmpfs {target}` said: "
                f"{(done.stderr or done.stdout).strip()}"
            )
        mounted.append(target)
        return target

    yield make
    for target in reversed(mounted):
        umount(target)


def remount(target: Path, options: str) -> None:
    done = mount("-o", f"remount,{options}", str(target))
    if done.returncode != 0:
        pytest.skip(
            f"cannot remount {target} with {options}: `mount -o remount,{options}` said: "
            f"{(done.stderr or done.stdout).strip()}"
        )


# --- Archives --------------------------------------------------------------------------


def make_archive(path: Path, files: Sequence[Path]) -> dict[Path, int | None]:
    """A new archive at ``path`` holding ``files`` (through ``clippings import``)."""
    run = run_cli(path, "import", *files, "--json")
    assert run.returncode == 0, f"making the test archive failed:\n{run.describe()}"
    stored = reported_paths(run.json())
    assert set(stored) == {Path(f) for f in files}, run.describe()
    return stored


def copy_archive(template: Path, target: Path) -> Path:
    shutil.copytree(template, target, symlinks=True)
    return target


@pytest.fixture(scope="session")
def corpus_articles(corpus: Path) -> list[Path]:
    """Up to 120 distinct real news texts (ECB+), read-only."""
    found = unique_corpus_articles(corpus, 120)
    if len(found) < 40:
        pytest.skip(f"the corpus at {corpus} has too few ECB+ texts ({len(found)})")
    return found


def elapsed(start: float) -> float:
    return time.monotonic() - start
