"""Big archives made quickly: clippings bulk-inserted with SQL, not imported (for tests
and benchmarks of the list, the window's polling and other code that reads rows)."""

from __future__ import annotations

import sqlite3
from datetime import datetime, timedelta
from pathlib import Path


def fill(database: Path, rows: int) -> None:
    """Insert ``rows`` clippings of ~600 words into an archive's database file."""
    db = sqlite3.connect(database)
    sha = "0" * 64
    now = datetime(2026, 1, 1)
    db.execute("INSERT INTO originals (sha256, size, stored_at) VALUES (?, 1, ?)", (sha, now))
    start = datetime(2000, 1, 1)
    db.executemany(
        "INSERT INTO clippings (title, outlet, published, published_utc, language, text, "
        "word_count, original_name, sha256, format, has_text, imported_at, trashed, revision, "
        "provenance) VALUES (?, ?, ?, ?, 'en', ?, 600, 'x.txt', ?, 'text', 1, ?, 0, 1, '{}')",
        (
            (
                f"Clipping number {n}",
                f"Outlet {n % 97}",
                (start + timedelta(hours=n)).date().isoformat(),
                start + timedelta(hours=n),
                "long article text " * 200,
                sha,
                now,
            )
            for n in range(rows)
        ),
    )
    db.commit()
    db.close()
