"""The worker process's side of ``clippings.services.extraction``: run tasks, send replies.

This module runs in the worker processes the extraction pool starts. It imports only
the standard library, ``model`` and the importers (trafilatura and the other libraries
load on the first file), not the half second of ``clippings.services``. A spawned
worker still imports what the program's main script imports (``python -m clippings``
is exempt). The parent sends a pickled ``(function, args, with_data)``; when
``with_data`` is true the file's bytes follow as a message of their own (no pickle
copy of up to 200 MB). Every reply is a pickled tuple:

* ``("ok", result)``;
* ``("error", module, class name, args, attributes)`` for one of the project's errors;
* ``("unexpected", repr, traceback)`` for any other exception;
* ``("memory",)`` when the task ran out of memory; the worker then exits.

Before its reply, a long task may send any number of ``("step", done, total, message)``
(an importer's ``report_step``): the parent shows them, and each one restarts the
task's time limit, here and in the parent.
"""

from __future__ import annotations

import copyreg
import io
import math
import pickle
import resource
import signal
import traceback
from multiprocessing.connection import Connection
from types import MappingProxyType
from typing import Any

from clippings import importers
from clippings.importers.base import reporting_steps
from clippings.model import ClippingsError, Extracted, ImportOptions

#: A worker whose parent died ends its task this long after the time limit (an alarm).
BACKSTOP_S = 10
#: The reply of a task that ran out of memory.
OUT_OF_MEMORY = pickle.dumps(("memory",))


def _mapping_proxy(mapping: dict[Any, Any]) -> MappingProxyType[Any, Any]:
    return MappingProxyType(mapping)


def _reduce_mapping_proxy(proxy: MappingProxyType[Any, Any]) -> tuple[Any, ...]:
    return _mapping_proxy, (dict(proxy),)


# ``Extracted.provenance`` is a read-only mapping proxy, which pickle cannot carry.
_REDUCERS = {**copyreg.dispatch_table, MappingProxyType: _reduce_mapping_proxy}


def dumps(message: object) -> bytes:
    """``message`` pickled, read-only mappings (``Extracted.provenance``) included."""
    buffer = io.BytesIO()
    pickler = pickle.Pickler(buffer, pickle.HIGHEST_PROTOCOL)
    pickler.dispatch_table = _REDUCERS
    pickler.dump(message)
    return buffer.getvalue()


def _error_reply(error: ClippingsError) -> tuple[Any, ...]:
    """One of the project's errors as plain values (the parent rebuilds it)."""
    kind = type(error)
    return ("error", kind.__module__, kind.__qualname__, error.args, dict(vars(error)))


def extract(data: bytes, name: str, options: ImportOptions) -> tuple[Extracted, ...]:
    """The task the pool's ``extract`` sends: the registry's ``extract_articles``."""
    return importers.extract_articles(data, name, options)


#: Read once when a worker starts: the registry, language detection and the text reader,
#: which every file needs.
_WARM_UP = (
    b"A sentence for the reader to be ready when the first file comes.\n\nAnd one more.",
    "a.txt",
)


def warm_up() -> None:
    """Load what every file needs (about half a second) before the first file, so its
    time limit is the file's alone. The libraries of one kind (trafilatura for pages,
    pdfminer, the office and mail readers) load with the first file of that kind: a
    worker of an import of texts or PDFs does not spend the CPU of loading the page
    reader (0.4 s), which several imports at once (a team archive's clients) felt."""
    try:
        importers.extract(*_WARM_UP)
    except Exception:  # noqa: BLE001 - the first real file then loads them
        return


def serve(connection: Connection, memory_limit: int | None, time_limit: float) -> None:
    """A worker's life: set its limits, then run tasks until the pipe closes."""
    # Ctrl+C in a terminal reaches the whole process group; the parent decides.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory_limit is not None:
        _, hard = resource.getrlimit(resource.RLIMIT_AS)
        if hard != resource.RLIM_INFINITY:
            memory_limit = min(memory_limit, hard)
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit, memory_limit))
    backstop = math.ceil(time_limit) + BACKSTOP_S
    warm_up()
    connection.send_bytes(dumps(("ready",)))
    while True:
        try:
            task = connection.recv_bytes()
        except (EOFError, OSError):
            return  # the pool closed, or the parent died
        signal.alarm(backstop)  # the default action ends the process

        def step(done: int, total: int, message: str) -> None:
            signal.alarm(backstop)  # each step has the whole time limit
            connection.send_bytes(dumps(("step", done, total, message)))

        try:
            with reporting_steps(step):
                reply = _perform(connection, task)
        finally:
            signal.alarm(0)
        try:
            connection.send_bytes(reply)
        except OSError:
            return  # the parent is gone
        if reply is OUT_OF_MEMORY:
            return  # the heap may be in a poor state, and a file's bytes may be unread


def _perform(connection: Connection, task: bytes) -> bytes:
    """Run one task; the reply to send back, pickled."""
    try:
        function, args, with_data = pickle.loads(task)
        if with_data:  # a file's bytes come apart from the task, with no pickle copy
            args = (connection.recv_bytes(), *args)
        reply: tuple[Any, ...] = ("ok", function(*args))
    except MemoryError:
        return OUT_OF_MEMORY
    except ClippingsError as error:
        reply = _error_reply(error)
    except Exception as error:  # noqa: BLE001 - a library's bug: the parent logs it
        reply = ("unexpected", repr(error), traceback.format_exc())
    try:
        return dumps(reply)
    except MemoryError:
        return OUT_OF_MEMORY
    except Exception as error:  # noqa: BLE001 - a result or error pickle cannot carry
        if reply[0] == "error":
            return dumps((*reply[:4], {}))
        return dumps(("unexpected", f"the result cannot be sent back: {error!r}", ""))
