"""What every command shares: exit statuses, JSON and row printing, the progress bar.

Separate from the commands so that each command module, and ``main``, take the same
helpers from one place; nothing here imports beyond the model.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Sequence
from typing import Any, TextIO

from clippings.model import (
    Clipping,
    ClippingSummary,
    Progress,
    QueryError,
    published_to_iso,
)

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2


def _emit_json(value: Any) -> None:
    json.dump(value, sys.stdout, ensure_ascii=False, indent=2)
    sys.stdout.write("\n")


def _summary_json(row: ClippingSummary) -> dict[str, Any]:
    return {
        "id": row.id,
        "title": row.title,
        "outlet": row.outlet,
        "published": published_to_iso(row.published),
        "tags": list(row.tags),
    }


def _date_text(row: ClippingSummary | Clipping) -> str:
    value = published_to_iso(row.published)
    return value[:10] if value else "—"


def _print_rows(rows: Sequence[ClippingSummary], out: TextIO = sys.stdout) -> None:
    if not rows:
        print("(none)", file=out)
        return
    width = max(len(str(r.id)) for r in rows)
    for row in rows:
        print(_row_text(row, width), file=out)


def _row_text(row: ClippingSummary, width: int) -> str:
    outlet = f"  [{row.outlet}]" if row.outlet else ""
    tags = f"  #{' #'.join(row.tags)}" if row.tags else ""
    return f"{row.id:>{width}}  {_date_text(row):<10}  {row.title}{outlet}{tags}"


class _ProgressBar:
    """A one-line progress bar on standard error, only when it is a terminal."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.enabled = sys.stderr.isatty()

    def __call__(self, progress: Progress) -> None:
        if not self.enabled or not progress.total:
            return
        columns = shutil.get_terminal_size((80, 20)).columns
        width = max(10, min(30, columns - 50))
        filled = int(width * progress.done / progress.total)
        name = progress.message[-(columns - width - 25) :] if progress.message else ""
        sys.stderr.write(
            f"\r{self.label} [{'#' * filled}{'.' * (width - filled)}] "
            f"{progress.done}/{progress.total} {name}\x1b[K"
        )
        sys.stderr.flush()

    def finish(self) -> None:
        if self.enabled:
            sys.stderr.write("\r\x1b[K")
            sys.stderr.flush()


def _ids(values: Sequence[str]) -> list[int]:
    ids = []
    for value in values:
        try:
            ids.append(int(value))
        except ValueError:
            raise QueryError(f"{value!r} is not a clipping id (ids are whole numbers)") from None
    return ids


def _safe_output() -> None:
    """File names that are not valid UTF-8 print as escapes instead of crashing."""
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            reconfigure(errors="backslashreplace")
