"""Reading files in worker processes: a file that hangs, eats memory or crashes the
reader costs a message, and the next file is read as usual."""

from __future__ import annotations

import itertools
import logging
import os
import select
import subprocess
import sys
import threading
import zlib

import pytest

from clippings import importers
from clippings.model import (
    Cancelled,
    ExtractionError,
    PasswordRequiredError,
    TooLargeError,
    UnsupportedFormatError,
)
from clippings.services.extraction import ExtractionPool
from tests.conftest import REPO
from tests.services import hostile_tasks


@pytest.fixture(scope="module")
def pool():
    """One pool for the tests that do not break their worker (a worker takes ~0.5 s)."""
    with ExtractionPool(time_limit=30) as shared:
        yield shared


def test_a_real_file_reads_in_a_worker_as_it_does_in_the_window(pool, seed):
    data = seed.read_bytes()

    (extracted,) = pool.extract(data, seed.name)

    assert extracted == importers.extract(data, seed.name)
    assert extracted.title and extracted.provenance["title"]


def test_the_importers_own_errors_arrive_as_they_are(pool):
    with pytest.raises(UnsupportedFormatError, match="not a format Clippings reads"):
        pool.extract(b"GIF89a" + bytes(range(256)) * 8, "animation.gif")
    with pytest.raises(PasswordRequiredError, match="the password is wrong") as refused:
        pool.call(hostile_tasks.refuse_password)
    assert refused.value.wrong is True
    with pytest.raises(ExtractionError, match="the file is truncated") as failed:
        pool.call(hostile_tasks.fail_to_read)
    assert type(failed.value) is ExtractionError


def test_an_unexpected_error_is_a_reading_failure_and_is_logged(pool, caplog):
    with (
        caplog.at_level(logging.ERROR, logger="clippings.services.extraction"),
        pytest.raises(ExtractionError, match=r"ZeroDivisionError\('division by zero'\)"),
    ):
        pool.call(hostile_tasks.divide_by_zero)
    assert "1 / 0" in caplog.text  # the worker's traceback


def test_workers_are_reused_and_work_from_any_thread(pool):
    first = pool.call(hostile_tasks.worker_id)
    results = []
    thread = threading.Thread(target=lambda: results.append(pool.call(hostile_tasks.worker_id)))
    thread.start()
    thread.join()

    assert results == [first] and first != os.getpid()
    assert pool.call(hostile_tasks.add, 2, 3) == 5


def test_a_file_that_takes_too_long_is_stopped_and_the_next_one_gets_a_new_worker():
    with ExtractionPool(time_limit=1) as pool:
        before = pool.call(hostile_tasks.worker_id)
        with pytest.raises(TooLargeError, match="too slow to read: it took more than 1 s"):
            pool.call(hostile_tasks.sleep_for, 30)
        after = pool.call(hostile_tasks.worker_id)

    assert after != before


def test_a_file_that_needs_too_much_memory_is_stopped_and_the_pool_goes_on():
    with ExtractionPool(memory_limit_mb=512, time_limit=10) as pool:
        with pytest.raises(
            TooLargeError, match="too large to read: it needs more than 512 MB of memory"
        ):
            pool.call(hostile_tasks.allocate, 1024)
        assert pool.call(hostile_tasks.allocate, 16) == 16 * 1024 * 1024


def flate_bomb(inflated_mb: int) -> bytes:
    """A one-page PDF of 3 MB whose drawing inflates to ``inflated_mb`` MB."""
    packer = zlib.compressobj(1)
    lines = b"0 0 m 1 1 l S\n" * 65536
    stream = b"".join(packer.compress(lines) for _ in range(inflated_mb * 2**20 // len(lines)))
    stream += packer.flush()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n%s\nendstream" % (len(stream), stream),
    ]
    pdf = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(pdf))
        pdf += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    xref = len(pdf)
    pdf += b"xref\n0 5\n0000000000 65535 f \n"
    pdf += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    pdf += b"trailer\n<< /Size 5 /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(pdf)


def test_a_pdf_that_inflates_past_the_memory_limit_is_too_large_not_damaged(corpus):
    with ExtractionPool(memory_limit_mb=400, time_limit=30) as pool:
        with pytest.raises(TooLargeError, match="it needs more than 400 MB of memory"):
            pool.extract(flate_bomb(512), "bomb.pdf")
        simple = corpus / "pdf/pdfminer.six/simple1.pdf"
        assert pool.extract(simple.read_bytes(), simple.name)[0].has_text


@pytest.mark.parametrize("crash", [hostile_tasks.exit_at_once, hostile_tasks.kill_itself])
def test_a_reader_that_dies_is_a_failure_and_the_next_file_is_read(crash):
    with ExtractionPool(time_limit=10) as pool:
        with pytest.raises(ExtractionError, match="the reader crashed on this file") as crashed:
            pool.call(crash)
        assert type(crashed.value) is ExtractionError
        assert pool.call(hostile_tasks.add, 1, 1) == 2


def test_cancelling_stops_a_slow_file_long_before_its_time_limit():
    polls = itertools.count()
    with ExtractionPool(time_limit=30) as pool:
        with pytest.raises(Cancelled):
            pool.call(hostile_tasks.sleep_for, 30, cancel=lambda: next(polls) > 5)
        assert pool.call(hostile_tasks.add, 1, 2) == 3


def test_two_workers_read_two_files_at_once():
    # A file that keeps the first worker busy past GROW_AFTER_S starts a second one.
    with ExtractionPool(workers=2, time_limit=10) as pool:
        readers: list[int] = []
        threads = [
            threading.Thread(target=lambda: readers.append(pool.call(hostile_tasks.slow_id, 1.5)))
            for _ in range(2)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(set(readers)) == 2


def test_quick_files_from_several_threads_keep_to_one_worker():
    """Texts take a worker milliseconds: a second worker (a second of CPU to start)
    would only slow an import down, and four windows importing would start eight."""
    with ExtractionPool(workers=3, time_limit=10) as pool:
        readers: list[int] = []

        def read_many() -> None:
            for _ in range(40):
                readers.append(pool.call(hostile_tasks.worker_id))

        threads = [threading.Thread(target=read_many) for _ in range(3)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()

    assert len(readers) == 120 and len(set(readers)) == 1


def read_at_once(calls: int, seconds: float, wanted: bool) -> set[int]:
    """The workers that read ``calls`` files of ``seconds`` each, two at a time, for
    a caller that says whether another worker would help (``wanted``)."""
    with ExtractionPool(workers=2, time_limit=10) as pool:
        readers: list[int] = []

        def read() -> None:
            for _ in range(calls // 2):
                readers.append(pool.call(hostile_tasks.slow_id, seconds, wanted=lambda: wanted))

        threads = [threading.Thread(target=read) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
    assert len(readers) == calls
    return set(readers)


def test_quick_files_get_a_second_worker_only_when_the_caller_wants_one():
    """Files of 0.1 s keep one worker busy for two seconds: a second starts when the
    caller says it would help (an import whose storing waits), not otherwise."""
    assert len(read_at_once(20, 0.1, wanted=False)) == 1, "a worker started unwanted"
    assert len(read_at_once(20, 0.1, wanted=True)) == 2


def test_a_slow_file_gets_company_wanted_or_not():
    """One file that keeps its worker busy (a long PDF, a hostile one) holds no other
    up, whatever the caller says."""
    assert len(read_at_once(2, 1.5, wanted=False)) == 2


_ORPHAN = """
import os, sys
from clippings.services.extraction import ExtractionPool
from tests.services import hostile_tasks

if __name__ == "__main__":
    pool = ExtractionPool()
    print(pool.call(hostile_tasks.worker_id), flush=True)
    os._exit(0)  # dies without closing the pool
"""


needs_pidfd = pytest.mark.skipif(
    not hasattr(os, "pidfd_open"), reason="waits on a process with Linux's pidfd"
)


@needs_pidfd
def test_a_worker_does_not_outlive_the_program_that_started_it(tmp_path):
    script = tmp_path / "orphan.py"
    script.write_text(_ORPHAN)

    done = subprocess.run(
        [sys.executable, str(script)],
        env={**os.environ, "PYTHONPATH": str(REPO)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    worker = int(done.stdout)

    try:
        handle = os.pidfd_open(worker)
    except ProcessLookupError:
        return  # already gone
    try:
        ended, _, _ = select.select([handle], [], [], 20)
    finally:
        os.close(handle)
    assert ended, "the worker outlived its parent"


@needs_pidfd
def test_a_closed_pool_ends_its_workers():
    pool = ExtractionPool()
    worker = pool.call(hostile_tasks.worker_id)
    handle = os.pidfd_open(worker)

    pool.close()

    try:
        ended, _, _ = select.select([handle], [], [], 0)
    finally:
        os.close(handle)
    assert ended
    with pytest.raises(RuntimeError):
        pool.call(hostile_tasks.add, 1, 1)


def test_a_worker_is_replaced_by_a_fresh_one_after_so_many_files():
    with ExtractionPool(workers=1, time_limit=30, tasks_per_worker=2) as pool:
        readers = [pool.call(hostile_tasks.worker_id) for _ in range(3)]

    assert readers[0] == readers[1] != readers[2]
