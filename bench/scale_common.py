"""What the modules of ``bench/scale.py`` share: figures and their targets, the size's
folder and state, progress, timing, and running things in new processes."""

from __future__ import annotations

import json
import math
import os
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
PYTHON = sys.executable
DEFAULT_DIR = Path("/var/tmp/clippings-scale")
CORPUS = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared")) / "corpus"
ENGINES = ("whoosh", "tantivy")
SCRIPT = Path(__file__).with_name("scale.py")

# --- Figures and targets -------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """A limit from the issue's table: at most (or, for throughput, at least) ``limit``."""

    limit: float
    unit: str
    at_least: bool = False

    def text(self) -> str:
        return f"{'>=' if self.at_least else '<='} {number(self.limit)} {self.unit}"

    def passed(self, value: float) -> bool:
        return value >= self.limit if self.at_least else value <= self.limit


@dataclass
class Figure:
    """One measured line of the table."""

    row: str
    label: str
    value: float | None  # what the target is checked on; None: not measured (see note)
    unit: str = ""
    target: Target | None = None
    shown: str = ""  # the figure as printed ("12.1 / p95 15.3")
    refs: str = ""  # the same measure in FTS5 / tantivy, or context
    note: str = ""

    @property
    def mark(self) -> str:
        if self.value is None:
            return "n/a"
        if self.target is None:
            return ""
        return "pass" if self.target.passed(self.value) else "FAIL"

    @property
    def ratio(self) -> str:
        if self.value is None or self.target is None or not self.target.limit:
            return ""
        return f"{self.value / self.target.limit:.2f}"

    @classmethod
    def missing(cls, row: str, label: str, why: str, target: Target | None = None) -> Figure:
        return cls(row, label, None, target=target, shown="—", note=f"n/a: {why}")


def number(value: float) -> str:
    if value >= 100:
        return f"{value:,.0f}"
    if value >= 10:
        return f"{value:.1f}"
    return f"{value:.2f}" if value < 1 else f"{value:.1f}"


def p95(values: Sequence[float]) -> float:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(0.95 * len(ordered)) - 1)]


def timed_ms(call: Callable[[], object], times: int, warmup: int = 1) -> list[float]:
    for _ in range(warmup):
        call()
    spent = []
    for _ in range(times):
        started = time.perf_counter()
        call()
        spent.append((time.perf_counter() - started) * 1000)
    return spent


def med_p95(values: Sequence[float]) -> str:
    return f"{number(statistics.median(values))} / p95 {number(p95(values))}"


# --- Where things are ----------------------------------------------------------------------


@dataclass
class Bench:
    """One size's folder, its state file and what the rows share."""

    root: Path
    size: int
    repeat: int = 15
    reindex: bool = False
    #: Seconds after which a row that can be stopped (the dossier) is stopped.
    budget: float = 300.0
    import_count: int = 0
    #: "real": related.sync computes the analysis; "synthetic": made up, in minutes.
    analysis: str = "real"
    state: dict[str, Any] = field(default_factory=dict)
    refs: dict[str, dict[str, str]] = field(default_factory=dict)

    @classmethod
    def at(cls, base: Path, size: int) -> Bench:
        bench = cls(base / str(size), size)
        bench.root.mkdir(parents=True, exist_ok=True)
        if bench.state_file.exists():
            bench.state = json.loads(bench.state_file.read_text())
        return bench

    @property
    def state_file(self) -> Path:
        return self.root / "state.json"

    def archive(self, engine: str) -> Path:
        return self.root / engine

    @property
    def fts5(self) -> Path:
        return self.root / "refs" / "fts5.sqlite3"

    @property
    def tantivy_raw(self) -> Path:
        return self.root / "refs" / "tantivy"

    @property
    def import_manifest(self) -> Path:
        return self.root / "import-files" / "manifest.tsv"

    def done(self, stage: str) -> bool:
        return bool(self.state.get(stage, {}).get("done"))

    def record(self, stage: str, **facts: Any) -> None:
        self.state.setdefault(stage, {}).update(facts)
        if facts.get("done"):
            self.state[stage].pop("note", None)  # an earlier run's "n/a: ..."
        partial = self.state_file.with_suffix(".partial")
        partial.write_text(json.dumps(self.state, indent=1, default=str))
        partial.replace(self.state_file)

    def engines(self) -> list[str]:
        """The engines whose archive copy is ready."""
        return [e for e in ENGINES if self.done(e)]


class Progress:
    """A ``report`` callback: prints now and then, and keeps the longest gap between two
    reports (a stall the user would see)."""

    def __init__(self, label: str, every: float = 10.0) -> None:
        self.label = label
        self.every = every
        self.started = self.last = self.shown = time.monotonic()
        self.longest = 0.0
        self.reports = 0

    def __call__(self, progress: Any) -> None:
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        self.last = now
        self.reports += 1
        if now - self.shown >= self.every:
            self.shown = now
            done, total = getattr(progress, "done", "?"), getattr(progress, "total", "?")
            print(f"  {self.label}: {done}/{total} ({now - self.started:.0f} s)", flush=True)

    def finish(self) -> float:
        """Seconds since the start; the gap to the end counts as a stall too."""
        now = time.monotonic()
        self.longest = max(self.longest, now - self.last)
        return now - self.started


# --- Subprocesses ------------------------------------------------------------------------


def env_for(bench: Bench | None = None) -> dict[str, str]:
    env = dict(os.environ, PYTHONPATH=str(REPO), QT_QPA_PLATFORM="offscreen")
    if bench is not None:  # the window's log and settings stay out of the user's folders
        for name in ("XDG_STATE_HOME", "XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_CACHE_HOME"):
            env[name] = str(bench.root / "xdg" / name.lower())
    return env


def run_clippings(args: list[str], *, check: bool = True) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [PYTHON, "-m", "clippings", *args],
        capture_output=True,
        text=True,
        cwd=REPO,
        env=env_for(),
        check=check,
    )


#: Runs the command line as ``python -m clippings`` does and prints its peak memory.
_CLI_WITH_PEAK = (
    "import atexit, runpy, sys\n"
    "def peak():\n"
    "    for line in open('/proc/self/status'):\n"
    "        if line.startswith('VmHWM'): sys.stderr.write('\\nVmHWM ' + line.split()[1] + '\\n')\n"
    "atexit.register(peak)\n"
    "sys.argv[0] = 'clippings'\n"
    "runpy.run_module('clippings', run_name='__main__', alter_sys=True)\n"
)


def cold_cli(args: list[str], runs: int = 5) -> tuple[list[float], float]:
    """Wall seconds of ``clippings ARGS`` in a new process, and the peak MB seen."""
    spent, peak = [], 0.0
    for _ in range(runs):
        started = time.perf_counter()
        done = subprocess.run(
            [PYTHON, "-c", _CLI_WITH_PEAK, *args],
            capture_output=True,
            text=True,
            cwd=REPO,
            env=env_for(),
        )
        spent.append(time.perf_counter() - started)
        if done.returncode != 0:
            raise RuntimeError(f"clippings {' '.join(args)} failed: {done.stderr[-500:]}")
        for line in done.stderr.splitlines():
            if line.startswith("VmHWM "):
                peak = max(peak, int(line.split()[1]) / 1024)
    return spent, peak


def probe(
    bench: Bench, name: str, *args: str, sample: bool = False, timeout: float | None = None
) -> dict[str, Any]:
    """Run ``scale.py probe NAME`` in a new process; its last line is JSON. With
    ``sample``, the memory of the process and all its children (extraction workers) is
    sampled every 0.2 s and returned as ``samples`` [(time, MB)]. After ``timeout``
    seconds the process and its children are killed: ``{"killed": True}``."""
    command = [PYTHON, str(SCRIPT), "probe", name, *args]
    started = time.time()
    process = subprocess.Popen(
        command,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        cwd=REPO,
        env=env_for(bench),
        start_new_session=True,  # its own process group: a kill takes its workers too
    )
    samples: list[tuple[float, float]] = []
    stop = threading.Event()

    def watch() -> None:
        while not stop.wait(0.2):
            samples.append((time.time(), tree_rss_mb(process.pid)))

    watcher = threading.Thread(target=watch, daemon=True)
    if sample:
        watcher.start()
    try:
        out, err = process.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        return {"killed": True, "seconds": time.time() - started, "samples": samples}
    finally:
        stop.set()
    if process.returncode != 0 or not out.strip():
        raise RuntimeError(f"probe {name} failed ({process.returncode}): {err[-2000:]}")
    result: dict[str, Any] = json.loads(out.strip().splitlines()[-1])
    result["started"] = started
    result["samples"] = samples
    return result


def tree_rss_mb(pid: int) -> float:
    """Resident memory of a process and all its descendants, in MB."""
    children: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        children.setdefault(int(fields[1]), []).append(int(entry))
    total, todo = 0, [pid]
    page = os.sysconf("SC_PAGE_SIZE")
    while todo:
        current = todo.pop()
        todo.extend(children.get(current, ()))
        try:
            with open(f"/proc/{current}/statm") as handle:
                total += int(handle.read().split()[1]) * page
        except OSError:
            continue
    return total / 2**20


def status_mb(key: str) -> float:
    """VmRSS or VmHWM of this process, in MB."""
    with open("/proc/self/status") as handle:
        for line in handle:
            if line.startswith(key + ":"):
                return int(line.split()[1]) / 1024
    return 0.0
