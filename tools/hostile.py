#!/usr/bin/env python3
"""Hostile moments and hostile files, more of them than CI can afford (issue 8).

Runs every class of ``tests/reliability`` with more cases, plus files and bundles made
to hurt an importer, and prints a table: class, cases tried, survived, faults (a
traceback, a hang, an unclear message, too much memory) and lost (something a user
stored is gone, twice or unfindable: must be 0)::

    .venv/bin/python tools/hostile.py --rounds 3
    .venv/bin/python tools/hostile.py --only bad-files,bundles --timeout 180 --keep

Mounting a tmpfs (disk full, read-only) needs root; without it those classes say so.
"""

from __future__ import annotations

import argparse
import hashlib
import io
import json
import os
import random
import resource
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
import traceback
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from tests.conftest import CORPUS  # noqa: E402
from tests.reliability import test_concurrency, test_faults, test_kill  # noqa: E402
from tests.reliability.conftest import (  # noqa: E402
    DATABASE,
    LossError,
    Run,
    assert_nothing_lost,
    cli_argv,
    cli_env,
    copy_archive,
    kill_after,
    make_archive,
    mount,
    reported_paths,
    run_cli,
    start_cli,
    umount,
    unique_corpus_articles,
    write_articles,
)

MIB = 1024 * 1024


# --- Bookkeeping -----------------------------------------------------------------------


@dataclass
class Tally:
    """What happened to the cases of one class."""

    name: str
    cases: int = 0
    survived: int = 0
    lost: int = 0
    peak_mb: float = 0.0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    skipped: str = ""
    #: one line per hostile file: what, exit status, seconds, peak MB, outcome
    files: list[tuple[str, int, float, float, str]] = field(default_factory=list)

    @property
    def faults(self) -> int:
        return self.cases - self.survived - self.lost


class Skip(Exception):  # noqa: N818 - it names what happens
    """A class that cannot run here (not root, no corpus)."""


def run_case(tally: Tally, label: str, case: Callable[[], object]) -> None:
    """Run one case; a LossError counts as lost, any other failure as a fault."""
    tally.cases += 1
    try:
        faults = case()
    except LossError as error:
        tally.lost += 1
        tally.notes.append(f"LOST {label}: {_first_lines(str(error))}")
        return
    except AssertionError as error:
        tally.notes.append(f"fault {label}: {_first_lines(str(error))}")
        return
    except Exception as error:  # noqa: BLE001 - a bug of the tool is one case's fault
        tally.notes.append(f"fault {label} (the tool itself): {error!r}")
        traceback.print_exc()
        return
    except BaseException as error:  # pytest.skip() and friends
        if type(error).__name__ == "Skipped":
            tally.cases -= 1
            tally.skipped = str(error)
            return
        raise
    if isinstance(faults, list) and faults:
        tally.notes.append(f"fault {label}: {_first_lines(faults[0])}")
        return
    tally.survived += 1


def _first_lines(text: str, count: int = 4) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    shown = " | ".join(line.strip() for line in lines[:count])
    return shown[:400] + (" …" if len(lines) > count or len(shown) > 400 else "")


# --- A child's time and memory ---------------------------------------------------------


@dataclass
class Measured:
    run: Run
    seconds: float
    peak_mb: float
    timed_out: bool


def run_measured(
    archive: Path, *args: str | os.PathLike[str], timeout: float, memory_limit_mb: int
) -> Measured:
    """Run ``clippings`` with a time bound and an address-space cap; its peak RSS."""
    argv = cli_argv(archive, *args)
    limit = memory_limit_mb * MIB

    def cap_memory() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        started = time.monotonic()
        process = subprocess.Popen(
            argv,
            stdout=out,
            stderr=err,
            stdin=subprocess.DEVNULL,
            env=cli_env(),
            cwd=REPO,
            preexec_fn=cap_memory,  # no threads start before the exec
        )
        timed_out = threading.Event()

        def stop() -> None:
            timed_out.set()
            process.kill()

        timer = threading.Timer(timeout, stop)
        timer.start()
        try:
            _, status, usage = os.wait4(process.pid, 0)
        finally:
            timer.cancel()
        process.returncode = os.waitstatus_to_exitcode(status)
        seconds = time.monotonic() - started
        out.seek(0)
        err.seek(0)
        run = Run(
            tuple(argv),
            process.returncode,
            out.read().decode("utf-8", "replace"),
            err.read().decode("utf-8", "replace"),
        )
    # Linux reports ru_maxrss in KiB, for the child and the children it waited for.
    return Measured(run, seconds, usage.ru_maxrss / 1024, timed_out.is_set())


def _outcome(run: Run) -> str:
    """What an import reported, in a few words ("imported 1", "skipped: too large …")."""
    try:
        report = json.loads(run.stdout)
    except ValueError:
        return _first_lines(run.stderr, 1)
    parts = []
    for key in ("imported", "duplicates", "skipped", "failed"):
        entries = report.get(key) or []
        if entries:
            reason = entries[0].get("error") or entries[0].get("reason") or ""
            parts.append(f"{key} {len(entries)}" + (f": {reason[:70]}" if reason else ""))
    return "; ".join(parts) or "nothing reported"


def judge_import(measured: Measured, timeout: float, max_rss_mb: int) -> list[str]:
    """The faults of one import of a hostile file (empty: it survived)."""
    run = measured.run
    if measured.timed_out:
        return [f"still running after {timeout:.0f} s (killed)"]
    faults = []
    if run.traceback:
        tail = [line for line in run.stderr.strip().splitlines() if line.strip()][-1:]
        faults.append(f"a traceback ({tail[0] if tail else ''})")
    if run.returncode not in (0, 1):
        faults.append(f"exit {run.returncode}: {_first_lines(run.stderr, 2)}")
    if measured.peak_mb > max_rss_mb:
        faults.append(f"peak memory {measured.peak_mb:.0f} MB (over {max_rss_mb} MB)")
    try:
        report = json.loads(run.stdout)
    except ValueError:
        faults.append(f"no valid JSON report: {_first_lines(run.stderr, 2)}")
    else:
        if not any(report.get(k) for k in ("imported", "duplicates", "skipped", "failed")):
            faults.append("the report names no file")
        for entry in report.get("failed", []) + report.get("skipped", []):
            reason = str(entry.get("error") or entry.get("reason") or "")
            if not reason.strip() or "Error(" in reason:
                faults.append(f"not a message a person can act on: {reason[:120]!r}")
    return faults


# --- Hostile files ---------------------------------------------------------------------


def flate_bomb_pdf(path: Path, inflated: int = 1024 * MIB) -> Path:
    """A small, valid PDF whose page content inflates to ``inflated`` bytes."""
    packer = zlib.compressobj(9)
    chunk = b"0 0 m 1 1 l S\n" * (4 * MIB // 14)
    body = bytearray()
    written = 0
    while written < inflated:
        body += packer.compress(chunk)
        written += len(chunk)
    body += packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(body)
        + bytes(body)
        + b"\nendstream",
    ]
    out = bytearray(b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n")
    offsets = []
    for number, obj in enumerate(objects, start=1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + obj + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    out += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    path.write_bytes(bytes(out))
    return path


def looping_pdf(path: Path) -> Path:
    """A PDF whose page tree contains itself."""
    path.write_bytes(
        b"%PDF-1.4\n1 0 obj << /Type /Catalog /Pages 2 0 R >> endobj\n"
        b"2 0 obj << /Type /Pages /Kids [2 0 R 3 0 R] /Count 2 >> endobj\n"
        b"3 0 obj << /Type /Page /Parent 2 0 R /Contents 3 0 R >> endobj\n"
        b"trailer << /Root 1 0 R >>\n%%EOF\n"
    )
    return path


def bad_files(folder: Path, seed: int) -> Iterator[tuple[str, Path]]:
    """(label, path to import) for every kind of hostile file; ``seed`` varies the noise."""
    noise = random.Random(seed)
    folder.mkdir(parents=True, exist_ok=True)

    def alone(label: str) -> Path:
        place = folder / label
        place.mkdir()
        return place

    place = alone("fifo")
    os.mkfifo(place / "pipe.txt")
    yield "a FIFO in a folder", place
    place = alone("dev-zero")
    (place / "zero.txt").symlink_to("/dev/zero")
    yield "a symlink to /dev/zero", place
    secret = folder / "outside" / "secret-notes.txt"
    secret.parent.mkdir()
    secret.write_text("Private notes outside the imported folder.\n" * 20, encoding="utf-8")
    place = alone("symlink-out")
    (place / "notes.txt").symlink_to(secret)
    yield "a symlink out of the folder", place
    place = alone("empty")
    (place / "empty.txt").write_bytes(b"")
    yield "a 0-byte file", place / "empty.txt"
    line = folder / "one-line.txt"
    with line.open("w", encoding="utf-8") as out:
        words = " ".join(
            noise.choice(["harbour", "council", "budget", "river"]) for _ in range(1000)
        )
        for _ in range(20 * MIB // (len(words) + 1)):
            out.write(words + " ")
    yield "a 20 MB text on one line", line
    sparse = folder / "sparse.txt"
    with sparse.open("wb") as out:
        out.truncate(250 * MIB)
    yield "a 250 MB (sparse) text", sparse
    nested = folder / "nested.html"
    depth = 200_000
    nested.write_text(
        "<html><body>" + "<div>" * depth + "deep text" + "</div>" * depth + "</body></html>",
        encoding="utf-8",
    )
    yield f"HTML nested {depth} deep", nested
    for suffix in ("pdf", "html", "txt"):
        garbage = folder / f"garbage-{seed}.{suffix}"
        garbage.write_bytes(noise.randbytes(300_000))
        yield f"binary garbage named .{suffix}", garbage
    fake_pdf = folder / "truncated.pdf"
    fake_pdf.write_bytes(b"%PDF-1.7\n" + noise.randbytes(5000))
    yield "a PDF header then garbage", fake_pdf
    yield "a PDF whose page tree loops", looping_pdf(folder / "loop.pdf")
    yield "a Flate bomb PDF (1 GiB inflated)", flate_bomb_pdf(folder / "bomb.pdf")
    names = alone("names")
    for raw in (b"caf\xe9-report.txt", b"\xff\xfe-page.html", b"r\xe9sum\xe9 \x80.txt"):
        target = Path(os.fsdecode(bytes(names) + b"/" + raw))
        target.write_text(
            f"An article saved under an odd name {raw!r} {seed}.\n" * 5, encoding="utf-8"
        )
    yield "file names that are not UTF-8", names
    from tests.importers.samples_mail import hostile_mail

    for name, data in hostile_mail().items():
        (folder / name).write_bytes(data)
        yield f"mail: {name}", folder / name


# --- Crafted bundles -------------------------------------------------------------------


def _rezip(members: dict[str, bytes], extra: list[tuple[str, bytes]] = ()) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            bundle.writestr(name, data)
        for name, data in extra:
            bundle.writestr(name, data)
    return buffer.getvalue()


def _bomb_member(bundle: zipfile.ZipFile, name: str, size: int, pattern: bytes) -> None:
    with bundle.open(name, "w", force_zip64=True) as out:
        chunk = pattern * (8 * MIB // len(pattern))
        for _ in range(size // len(chunk)):
            out.write(chunk)


def crafted_bundles(source: bytes, folder: Path, seed: int) -> Iterator[tuple[str, Path]]:
    """(label, file) for a real exported bundle broken in many ways."""
    from clippings.exporters.bundle import MANIFEST, RECORDS

    folder.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(io.BytesIO(source)) as bundle:
        members = {name: bundle.read(name) for name in bundle.namelist()}
    stored = json.loads(members[RECORDS])
    # {"version": 1, "clippings": [...]} since bundle version 2; the crafted bundles below
    # write bare lists, the shape of version 1, which bundles still import.
    records = stored["clippings"] if isinstance(stored, dict) else stored
    manifest = json.loads(members[MANIFEST])
    noise = random.Random(seed)

    def write(label: str, data: bytes) -> tuple[str, Path]:
        path = folder / f"{len(list(folder.iterdir())):02d}-{label.replace(' ', '-')[:40]}.zip"
        path.write_bytes(data)
        return label, path

    def with_records(new: object) -> bytes:
        return _rezip({**members, RECORDS: json.dumps(new).encode()})

    yield write("records not JSON", _rezip({**members, RECORDS: b"{not json"}))
    yield write("records an object", with_records({"clippings": 1}))
    yield write("records of a newer version", with_records({"version": 99, "clippings": records}))
    yield write("records numbers", with_records([1, "two", None]))
    yield write(
        "fields of the wrong type",
        with_records(
            [
                {
                    **r,
                    "title": [1, 2],
                    "published": "the day before yesterday",
                    "tags": "Russia",
                    "provenance": [1],
                    "has_text": "no",
                    "page": {"a": 1},
                }
                for r in records
            ]
        ),
    )
    yield write("tags as numbers", with_records([{**r, "tags": [1, 2.5, None]} for r in records]))
    yield write(
        "an original path out of the bundle",
        with_records(
            [{**r, "bundle_original": "originals/../../../../etc/passwd"} for r in records]
        ),
    )
    yield write(
        "an absolute original path",
        with_records([{**r, "bundle_original": "/etc/passwd"} for r in records]),
    )
    yield write(
        "a missing original",
        with_records([{**r, "bundle_original": "originals/not-here"} for r in records]),
    )
    yield write(
        "a newer bundle version",
        _rezip({**members, MANIFEST: json.dumps({**manifest, "version": 999}).encode()}),
    )
    yield write(
        "a version that is not a number",
        _rezip({**members, MANIFEST: json.dumps({**manifest, "version": "abc"}).encode()}),
    )
    yield write("cut in half", source[: len(source) // 2])
    flipped = bytearray(source)
    for _ in range(20):
        flipped[noise.randrange(len(flipped))] ^= 0xFF
    yield write("random bytes flipped", bytes(flipped))
    with warnings.catch_warnings():  # zipfile warns of the duplicate name: the point
        warnings.simplefilter("ignore", UserWarning)
        twice = _rezip(members, [(RECORDS, json.dumps(records[:1] * 3).encode())])
    yield write("the records twice", twice)
    many = [dict(records[0], title=f"Copy {n}") for n in range(20_000)]
    yield write("20,000 records of one original", with_records(many))

    # An original that inflates to 1 GiB.
    path = folder / "zip-bomb-original.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            if name != records[0]["bundle_original"]:
                bundle.writestr(name, data)
        _bomb_member(bundle, records[0]["bundle_original"], 1024 * MIB, b"\0")
    yield "an original that inflates to 1 GiB", path
    # Records that inflate to 512 MB.
    path = folder / "zip-bomb-records.zip"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as bundle:
        for name, data in members.items():
            if name != RECORDS:
                bundle.writestr(name, data)
        with bundle.open(RECORDS, "w", force_zip64=True) as out:
            out.write(b"[")
            chunk = b'{"title": "x"},' * (4 * MIB // 15)
            for _ in range(512 * MIB // len(chunk)):
                out.write(chunk)
            out.write(b'{"title": "x"}]')
    yield "records that inflate to 512 MB", path

    # A page that would send the reader elsewhere, and a script.
    evil_text = f"A planted article number {seed} about the harbour council budget.\n" * 8
    evil_original = evil_text.encode()
    evil = dict(
        records[0],
        title=f"Planted {seed}",
        text=evil_text,
        html=(
            '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
            '<script>alert(1)</script><p onclick="alert(2)">Planted.</p>'
            '<iframe src="https://evil.example/"></iframe>'
        ),
        bundle_original="originals/planted.txt",
        original_name="planted.txt",
    )
    if "sha256" in evil:
        evil["sha256"] = hashlib.sha256(evil_original).hexdigest()
    yield write(
        "meta refresh and script in the html",
        _rezip(
            {
                **members,
                RECORDS: json.dumps([evil]).encode(),
                "originals/planted.txt": evil_original,
            }
        ),
    )


def planted_html(archive: Path) -> list[str]:
    """Stored readable HTML that could run or redirect (must be none)."""
    conn = sqlite3.connect(f"file:{archive / DATABASE}?mode=ro", uri=True)
    try:
        rows = conn.execute("SELECT id, html FROM clippings WHERE html IS NOT NULL").fetchall()
    finally:
        conn.close()
    bad = ("http-equiv", "<script", "onclick", "<iframe", "evil.example")
    return [
        f"clipping {i} keeps {word!r} in its readable HTML"
        for i, html in rows
        for word in bad
        if word in html.lower()
    ]


# --- Killing a backup ------------------------------------------------------------------


def kill_backup_case(
    template: Path, stored: dict[Path, int | None], workdir: Path, delay: float
) -> None:
    """Kill ``backup DEST``: the archive keeps everything; DEST is whole or absent (or
    cleared by the next start), and the next backup to it works."""
    archive = copy_archive(template, workdir / "archive")
    target = workdir / "backup"
    kill_after(start_cli(archive, "backup", target), delay)
    test_kill.age_leftovers(workdir)
    assert_nothing_lost(archive, stored, repair="if-needed")
    if (target / DATABASE).exists():  # it had finished: a whole archive
        assert_nothing_lost(target, stored, repair="if-needed")
        target = workdir / "backup-2"
    else:
        left = list(target.iterdir()) if target.is_dir() else []
        assert not left, f"a killed backup left a partial target: {[p.name for p in left]}"
    again = run_cli(archive, "backup", target)
    assert again.returncode == 0 and not again.traceback, (
        f"backing up again after the kill:\n{again.describe()}"
    )
    assert_nothing_lost(target, stored)
    left = [p.name for p in workdir.iterdir() if p.name not in ("archive", "backup", "backup-2")]
    assert not left, f"a killed backup left these beside its target: {left}"


# --- Killing a repair ------------------------------------------------------------------


def plant_leftovers(archive: Path, seed: int) -> list[Path]:
    """What crashes leave: 30 original files of no clipping, 3 half-written ones (old)."""
    noise = random.Random(seed)
    planted = []
    for _ in range(30):
        data = noise.randbytes(2000)
        sha = hashlib.sha256(data).hexdigest()
        path = archive / "originals" / sha[:2] / sha
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
        planted.append(path)
    for n in range(3):
        path = archive / "originals" / "ab" / f".incoming-planted{n}"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(noise.randbytes(500))
        planted.append(path)
    then = time.time() - 3600
    for path in planted:
        os.utime(path, (then, then))
    return planted


def kill_repair_case(
    template: Path, stored: dict[Path, int | None], workdir: Path, delay: float, seed: int
) -> None:
    """Kill ``check --repair`` while it clears planted leftovers: nothing stored is lost,
    and the next repair finishes the job."""
    archive = copy_archive(template, workdir / "archive")
    planted = plant_leftovers(archive, seed)
    kill_after(start_cli(archive, "check", "--repair"), delay)
    test_kill.age_leftovers(workdir)
    assert_nothing_lost(archive, stored, repair=True)
    left = [p.name[:16] for p in planted if p.exists()]
    assert not left, f"after the next repair these leftovers are still there: {left}"


# --- The classes -----------------------------------------------------------------------


class Runner:
    def __init__(self, args: argparse.Namespace, work: Path) -> None:
        self.args = args
        self.work = work
        self._counter = 0

    def folder(self, label: str) -> Path:
        self._counter += 1
        made = self.work / f"{self._counter:04d}-{label}"
        made.mkdir(parents=True)
        return made

    # Each method runs its cases into a tally.

    def concurrent(self, tally: Tally) -> None:
        articles = unique_corpus_articles(CORPUS, 160) if CORPUS.is_dir() else []
        if len(articles) < 40:
            raise Skip(f"the corpus is not at {CORPUS} (set CLIPPINGS_SHARED)")
        for round_ in range(self.args.rounds):
            for importers in (2, 3):
                run_case(
                    tally,
                    f"round {round_}, {importers} imports",
                    lambda r=round_, n=importers: test_concurrency.concurrent_case(
                        self.folder("concurrent"), articles, n, r, own=30
                    ),
                )
            run_case(
                tally,
                f"round {round_}, check --repair during an import",
                lambda: test_concurrency.test_repair_while_importing_removes_nothing_of_the_import(
                    self.folder("concurrent-repair")
                ),
            )
            run_case(
                tally,
                f"round {round_}, a backup during 2 imports",
                lambda: test_concurrency.test_backup_while_importing_is_a_whole_archive(
                    self.folder("concurrent-backup"), articles
                ),
            )

    def kill(self, tally: Tally) -> None:
        templates = test_kill.build_templates(self.folder("kill-templates"))
        chooser = random.Random(self.args.seed)
        for round_ in range(self.args.rounds):
            for operation in test_kill.MOMENTS:
                for _ in range(2):
                    startup, whole = templates.timings[operation]
                    delay = chooser.uniform(0.8 * startup, 1.1 * whole)
                    run_case(
                        tally,
                        f"round {round_}, {operation} killed at {delay:.2f} s",
                        lambda o=operation, d=delay: test_kill.kill_case(
                            templates, self.folder("kill") / "w", o, d, import_again=False
                        ),
                    )

    def kill_backup(self, tally: Tally) -> None:
        home = self.folder("kill-backup")
        saved = home / "archive"
        stored = make_archive(saved, write_articles(home / "in", range(40), prefix="saved"))
        probe = copy_archive(saved, home / "probe")
        started = time.monotonic()
        run_cli(probe, "list", "--json")
        startup = time.monotonic() - started
        started = time.monotonic()
        whole = run_cli(probe, "backup", home / "probe-backup")
        if whole.returncode != 0:
            raise Skip(f"backup fails even without a kill: {_first_lines(whole.stderr)}")
        whole_seconds = time.monotonic() - started
        chooser = random.Random(self.args.seed)
        for round_ in range(self.args.rounds):
            for _ in range(4):
                delay = chooser.uniform(0.8 * startup, 1.1 * whole_seconds)
                run_case(
                    tally,
                    f"round {round_}, backup killed at {delay:.2f} s",
                    lambda d=delay: kill_backup_case(saved, stored, self.folder("kill-bk"), d),
                )

    def kill_repair(self, tally: Tally) -> None:
        home = self.folder("kill-repair")
        saved = home / "archive"
        stored = make_archive(saved, write_articles(home / "in", range(40), prefix="saved"))
        probe = copy_archive(saved, home / "probe")
        plant_leftovers(probe, 0)
        started = time.monotonic()
        run_cli(probe, "list", "--json")
        startup = time.monotonic() - started
        started = time.monotonic()
        run_cli(probe, "check", "--repair")
        whole = time.monotonic() - started
        chooser = random.Random(self.args.seed)
        for round_ in range(self.args.rounds):
            for _ in range(4):
                delay = chooser.uniform(0.8 * startup, 1.1 * whole)
                run_case(
                    tally,
                    f"round {round_}, check --repair killed at {delay:.2f} s",
                    lambda d=delay, r=round_: kill_repair_case(
                        saved, stored, self.folder("kill-rp"), d, r
                    ),
                )

    def _hostile_imports(
        self, tally: Tally, archive: Path, cases: Iterator[tuple[str, Path]]
    ) -> dict[Path, int | None]:
        stored: dict[Path, int | None] = {}
        for label, path in cases:

            def one(label: str = label, path: Path = path) -> list[str]:
                measured = run_measured(
                    archive,
                    "import",
                    path,
                    "--json",
                    timeout=self.args.timeout,
                    memory_limit_mb=self.args.memory_limit_mb,
                )
                tally.peak_mb = max(tally.peak_mb, measured.peak_mb)
                if self.args.verbose:
                    print(
                        f"  {tally.name}: {label}: exit {measured.run.returncode}, "
                        f"{measured.seconds:.1f} s, {measured.peak_mb:.0f} MB",
                        file=sys.stderr,
                    )
                faults = judge_import(measured, self.args.timeout, self.args.max_rss_mb)
                tally.files.append(
                    (
                        label,
                        measured.run.returncode,
                        measured.seconds,
                        measured.peak_mb,
                        faults[0] if faults else _outcome(measured.run),
                    )
                )
                if not faults:
                    stored.update(
                        {
                            p: i
                            for p, i in reported_paths(measured.run.json(), ("imported",)).items()
                            if Path(p).is_file()
                        }
                    )
                return faults

            run_case(tally, label, one)
        return stored

    def bad_files(self, tally: Tally) -> None:
        archive = self.folder("bad-files") / "archive"
        saved = make_archive(archive, write_articles(archive.parent / "saved", range(3)))
        for round_ in range(self.args.rounds):
            files = bad_files(self.folder("bad-files-in"), self.args.seed + round_)
            saved.update(self._hostile_imports(tally, archive, files))
        run_case(
            tally,
            "the archive after them",
            lambda: assert_nothing_lost(archive, saved, repair="if-needed"),
        )

    def bundles(self, tally: Tally) -> None:
        home = self.folder("bundles")
        source = home / "source"
        make_archive(source, write_articles(home / "source-in", range(5), prefix="bundled"))
        exported = home / "real.zip"
        run = run_cli(
            source,
            "export",
            "--ids",
            "1",
            "2",
            "3",
            "4",
            "5",
            "--format",
            "bundle",
            "--output",
            exported,
        )
        if run.returncode != 0:
            raise Skip(f"cannot export a bundle to corrupt: {_first_lines(run.stderr)}")
        archive = home / "archive"
        saved = make_archive(archive, write_articles(home / "saved", range(3)))
        for round_ in range(self.args.rounds):
            cases = crafted_bundles(exported.read_bytes(), self.folder("bundles-in"), round_)
            self._hostile_imports(tally, archive, cases)
        run_case(tally, "no planted HTML kept", lambda: planted_html(archive))
        run_case(
            tally,
            "the archive after them",
            lambda: assert_nothing_lost(archive, saved, repair="if-needed"),
        )

    def _tmpfs(self, size: str) -> Path:
        target = self.folder("mnt")
        done = mount("-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(target))
        if done.returncode != 0:
            raise Skip(f"cannot mount a tmpfs: {(done.stderr or done.stdout).strip()}")
        return target

    def _remount(self, target: Path, options: str) -> None:
        done = mount("-o", f"remount,{options}", str(target))
        if done.returncode != 0:
            raise Skip(f"cannot remount {options}: {(done.stderr or done.stdout).strip()}")

    def disk_full(self, tally: Tally) -> None:
        sizes = ["2m", "3m", "5m", "8m"]
        for round_ in range(self.args.rounds):
            size = sizes[round_ % len(sizes)]
            disk = self._tmpfs(size)
            try:
                run_case(
                    tally,
                    f"a {size} disk",
                    lambda d=disk, s=size: test_faults.disk_full_case(
                        d,
                        self.folder("disk-full"),
                        lambda: self._remount(d, "size=256m"),
                        files=int(s[:-1]) * 25,
                    ),
                )
            finally:
                umount(disk)

    def full_disk_writes(self, tally: Tally) -> None:
        home = self.folder("full-writes")
        files = write_articles(home / "in", range(20), prefix="long", paragraphs=40)
        stored = make_archive(home / "archive", files)
        ids = sorted(i for i in stored.values() if i is not None)
        chooser = random.Random(self.args.seed)
        for _ in range(self.args.rounds):
            for kind in ("pdf", "bundle", "json", "backup"):
                size = f"{chooser.randrange(64, 512)}k"
                disk = self._tmpfs(size)
                try:
                    run_case(
                        tally,
                        f"{kind} onto a {size} disk",
                        lambda d=disk, k=kind: test_faults.full_disk_write_case(
                            home / "archive", ids, d, k
                        ),
                    )
                finally:
                    umount(disk)

    def read_only(self, tally: Tally) -> None:
        home = self.folder("read-only")
        template = home / "archive"
        saved = make_archive(template, write_articles(home / "in", range(6), prefix="saved"))
        for _ in range(self.args.rounds):
            for leftovers in ("closed", "with-wal"):
                disk = self._tmpfs("32m")
                try:
                    run_case(
                        tally,
                        f"read-only, {leftovers}",
                        lambda d=disk, left=leftovers: test_faults.read_only_case(
                            template,
                            saved,
                            d,
                            self.folder("read-only-case"),
                            left,
                            lambda: self._remount(d, "ro"),
                        ),
                    )
                finally:
                    umount(disk)

    def corrupt_db(self, tally: Tally) -> None:
        home = self.folder("corrupt-db")
        template = home / "archive"
        make_archive(template, write_articles(home / "in", range(6), prefix="saved"))
        for round_ in range(self.args.rounds):
            for damage in test_faults.DAMAGE:
                run_case(
                    tally,
                    f"{damage} (seed {round_})",
                    lambda d=damage, r=round_: test_faults.damaged_database_case(
                        template, self.folder("corrupt-db-case"), d, seed=r
                    ),
                )

    def damaged_index(self, tally: Tally) -> None:
        home = self.folder("damaged-index")
        template = home / "archive"
        saved = make_archive(template, write_articles(home / "in", range(6), prefix="saved"))
        for round_ in range(self.args.rounds):
            for damage in test_faults.INDEX_DAMAGE:
                run_case(
                    tally,
                    f"{damage} (seed {round_})",
                    lambda d=damage, r=round_: test_faults.damaged_index_case(
                        template, saved, self.folder("damaged-index-case"), d, seed=r
                    ),
                )

    def openers(self, tally: Tally) -> None:
        for round_ in range(self.args.rounds):
            run_case(
                tally,
                "4 commands create one archive",
                lambda r=round_: test_faults.test_several_commands_create_a_new_archive_at_once(
                    self.folder("openers"), r
                ),
            )


CLASSES: dict[str, tuple[str, str]] = {
    "concurrent": ("concurrent imports", "concurrent"),
    "kill": ("SIGKILL moments", "kill"),
    "kill-backup": ("SIGKILL during backup", "kill_backup"),
    "kill-repair": ("SIGKILL during repair", "kill_repair"),
    "bad-files": ("bad files", "bad_files"),
    "bundles": ("crafted bundles", "bundles"),
    "disk-full": ("disk full", "disk_full"),
    "full-writes": ("export/backup, disk full", "full_disk_writes"),
    "read-only": ("read-only archive", "read_only"),
    "corrupt-db": ("corrupted databases", "corrupt_db"),
    "damaged-index": ("damaged index", "damaged_index"),
    "openers": ("new archive, 4 openers", "openers"),
}


def print_table(tallies: list[Tally]) -> None:
    header = f"{'class':<24} {'cases':>5} {'survived':>8} {'faults':>6} {'lost':>4} {'peak MB':>8}"
    print(header + f" {'time':>7}")
    print("-" * (len(header) + 8))
    for t in tallies:
        if t.skipped:
            print(f"{t.name:<24} skipped: {t.skipped}")
            continue
        peak = f"{t.peak_mb:8.0f}" if t.peak_mb else f"{'—':>8}"
        print(
            f"{t.name:<24} {t.cases:>5} {t.survived:>8} {t.faults:>6} {t.lost:>4} {peak} "
            f"{t.seconds:6.0f}s"
        )
    total_lost = sum(t.lost for t in tallies)
    print("-" * (len(header) + 8))
    print(f"lost: {total_lost} (must be 0)")
    for t in tallies:
        if t.files:
            print(f"\n{t.name}, file by file:")
            print(f"  {'file':<38} {'exit':>4} {'time':>6} {'peak MB':>7}  outcome")
            for what, code, seconds, peak, outcome in t.files:
                print(f"  {what[:38]:<38} {code:>4} {seconds:5.1f}s {peak:7.0f}  {outcome[:90]}")
    for t in tallies:
        if t.notes:
            print(f"\n{t.name}:")
            for note in t.notes[:15]:
                print(f"  {note}")
            if len(t.notes) > 15:
                print(f"  … and {len(t.notes) - 15} more")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--rounds", type=int, default=2, help="repeat each class (default 2)")
    parser.add_argument("--only", help=f"comma-separated classes: {', '.join(CLASSES)}")
    parser.add_argument("--timeout", type=float, default=180, help="seconds per hostile file")
    parser.add_argument(
        "--max-rss-mb",
        type=int,
        default=1536,
        help="peak memory allowed (default: the extraction workers' own cap, 1536 MB)",
    )
    parser.add_argument(
        "--memory-limit-mb", type=int, default=4096, help="address space cap of each child"
    )
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--work", type=Path, help="where to build archives (default: a temp dir)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder")
    parser.add_argument("-v", "--verbose", action="store_true")
    args = parser.parse_args(argv)
    chosen = args.only.split(",") if args.only else list(CLASSES)
    unknown = set(chosen) - set(CLASSES)
    if unknown:
        parser.error(f"unknown classes: {', '.join(sorted(unknown))}")

    print("$ " + " ".join([Path(sys.executable).name, *sys.argv]))
    print(
        f"rounds {args.rounds}, timeout {args.timeout:.0f} s per file, "
        f"memory cap {args.memory_limit_mb} MB, allowed peak {args.max_rss_mb} MB\n"
    )
    work = args.work or Path(tempfile.mkdtemp(prefix="clippings-hostile-"))
    work.mkdir(parents=True, exist_ok=True)
    runner = Runner(args, work)
    tallies = []
    try:
        for key in chosen:
            label, method = CLASSES[key]
            tally = Tally(label)
            started = time.monotonic()
            try:
                getattr(runner, method)(tally)
            except Skip as reason:
                tally.skipped = str(reason)
            tally.seconds = time.monotonic() - started
            tallies.append(tally)
            if args.verbose:
                print(f"{label}: {tally.survived}/{tally.cases} survived", file=sys.stderr)
    finally:
        for mounted in sorted(work.glob("*-mnt")):
            if os.path.ismount(mounted):
                umount(mounted)
        if not args.keep:
            shutil.rmtree(work, ignore_errors=True)
        else:
            print(f"(work kept in {work})")
    print_table(tallies)
    return 1 if any(t.lost for t in tallies) else 0


if __name__ == "__main__":
    sys.exit(main())
