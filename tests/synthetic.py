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


def fill_analysis(database: Path, *, terms: int = 120, posted: int = 40, edges: int = 30) -> None:
    """Store made-up analysis for every clipping of an archive filled by ``fill``: term
    counts drawn from a Zipf-like vocabulary, document frequencies, candidate postings
    and kept neighbours, as ``services.related.sync`` would leave them (in seconds,
    where computing them would take minutes). The source digest is the real one, so
    the stored features are taken as current."""
    import json
    import random
    from collections import Counter

    import numpy as np

    from clippings.analysis.features import FEATURES_VERSION, source_digest
    from clippings.analysis.related_profile import RULES_VERSION
    from clippings.storage.analysis import pack_terms

    db = sqlite3.connect(database)
    # Room for the indexes being filled (1.5 million rows at 20,000 clippings), so that
    # SQLite does not write pages out and read them back while inserting.
    db.execute("PRAGMA cache_size = -400000")
    rows = db.execute("SELECT id, title, text, language FROM clippings ORDER BY id").fetchall()
    rng = np.random.default_rng(7)
    pick = random.Random(7)
    vocabulary = rng.integers(-(1 << 62), 1 << 62, size=60_000, dtype=np.int64)
    weights = 1.0 / np.arange(1, len(vocabulary) + 1)
    weights /= weights.sum()
    # What ``rng.choice(vocabulary, size=terms, p=weights)`` does (numpy 2's Generator:
    # the cumulated weights, searched for ``rng.random(terms)``), the same numbers from
    # the same generator, with the weights cumulated and checked once instead of once a
    # clipping (that took 30 of the 32 seconds 20,000 clippings took).
    cumulated = weights.cumsum()
    cumulated /= cumulated[-1]
    ids = [r[0] for r in rows]
    df: Counter[int] = Counter()
    digests: dict[tuple[str, str, str | None], str] = {}
    analysis, postings, kept = [], [], []
    for serial, (clipping_id, title, text, language) in enumerate(rows, 1):
        chosen = np.unique(vocabulary[cumulated.searchsorted(rng.random(terms), side="right")])
        counts = rng.integers(1, 4, size=len(chosen)).astype(np.float64)
        df.update(chosen.tolist())
        key = (title, text, language)
        if key not in digests:
            digests[key] = source_digest(title, text, language)
        analysis.append(
            (
                clipping_id,
                FEATURES_VERSION,
                digests[key],
                pack_terms(chosen, counts, np.zeros(len(chosen), dtype=np.int64)),
                rng.integers(0, 1 << 31, size=64, dtype=np.uint32).astype("<u4").tobytes(),
                200,
                600,
                json.dumps([]),
                1,
                chosen[:posted].astype("<i8").tobytes(),
                len(rows),
                serial,
                len(rows),
            )
        )
        postings.extend((int(t), clipping_id) for t in chosen[:posted].tolist())
        for rank, other in enumerate(pick.sample(ids, min(edges + 1, len(ids)))):
            if other != clipping_id and rank < edges:
                score = round(0.6 - rank * 0.01, 4)
                kept.append((clipping_id, other, score, 0.0, "related", score, rank < 6))
    db.executemany(
        "INSERT INTO clipping_analysis (clipping_id, version, source, terms, signature, "
        "shingle_count, word_count, speakers, counted, posted, edges_at, serial, edges_after) "
        "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
        analysis,
    )
    db.executemany("INSERT INTO analysis_terms (term, df) VALUES (?, ?)", list(df.items()))
    db.executemany(
        "INSERT OR IGNORE INTO term_postings (term, clipping_id) VALUES (?, ?)", postings
    )
    db.executemany(
        "INSERT OR IGNORE INTO related_edges (clipping_id, other_id, score, shared, relation, "
        "closeness, story) VALUES (?, ?, ?, ?, ?, ?, ?)",
        kept,
    )
    db.execute(
        "INSERT OR REPLACE INTO archive_meta (key, value) VALUES ('features_version', ?)",
        (str(FEATURES_VERSION),),
    )
    db.execute(  # edges as the current rules give them (made up, but not to redo)
        "INSERT OR REPLACE INTO archive_meta (key, value) VALUES ('related_rules_version', ?)",
        (str(RULES_VERSION),),
    )
    db.commit()
    db.close()
