"""Tasks for the extraction pool's tests: top-level functions a spawned worker can import.

Each misbehaves the way a hostile file makes a reader misbehave.
"""

from __future__ import annotations

import os
import signal
import time

from clippings.model import ExtractionError, ImportOptions, PasswordRequiredError


def add(a: int, b: int) -> int:
    return a + b


def worker_id() -> int:
    """The worker's process id (to tell a fresh worker from a reused one)."""
    return os.getpid()


def slow_id(seconds: float) -> int:
    """The worker's process id, after a while (to see two workers busy at once)."""
    time.sleep(seconds)
    return os.getpid()


def sleep_for(seconds: float) -> str:
    time.sleep(seconds)
    return "woke up"


def allocate(megabytes: int) -> int:
    block = bytearray(megabytes * 1024 * 1024)
    return len(block)


def exit_at_once() -> None:
    os._exit(3)


def kill_itself() -> None:
    os.kill(os.getpid(), signal.SIGKILL)


def refuse_password() -> None:
    raise PasswordRequiredError("the password is wrong", wrong=True)


def fail_to_read() -> None:
    raise ExtractionError("the file is truncated")


def divide_by_zero() -> float:
    return 1 / 0


def memory_in_use() -> dict[str, int]:
    """The worker's address space and resident memory, in MB, after loading every importer."""
    from clippings import importers
    from clippings.importers.language import detect_language

    importers.importers()
    detect_language("A sentence long enough for the language detector to have a say.")
    sizes = {}
    with open("/proc/self/status") as status:
        for line in status:
            key, _, value = line.partition(":")
            if key in ("VmPeak", "VmSize", "VmRSS", "VmHWM"):
                sizes[key] = int(value.split()[0]) // 1024
    return sizes


def extract_as(data: bytes, name: str, password: str | None) -> tuple[int, object]:
    """The worker's process id and the file's extraction; a file named ``*crash*``
    kills the worker, one named ``*hang*`` never ends (a hostile file's stand-ins), one
    named ``*slow*`` takes 0.2 s (a web page or a PDF's)."""
    from clippings import importers

    if "crash" in name:
        os.kill(os.getpid(), signal.SIGKILL)
    if "hang" in name:
        time.sleep(3600)
    if "slow" in name:
        time.sleep(0.2)
    return os.getpid(), importers.extract(data, name, ImportOptions(password=password))
