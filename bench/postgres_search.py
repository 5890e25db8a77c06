"""Search on the server (``PostgresIndex``) at a few thousand synthetic clippings: the
build, and each query kind of ``bench/scale.py`` (first page of 20 with a snippet each,
and the whole hit list), median and p95.

    python bench/postgres_search.py [COUNT]     (default 5000; not meant for 100,000)

Starts a throw-away PostgreSQL cluster (``tests/pgserver.py``), or uses the server of
``CLIPPINGS_TEST_PG_URL``.
"""

from __future__ import annotations

import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

QUERIES = (
    "police",
    "police fire",
    '"police said"',
    "elect*",
    "outlet:Reuters",
    "police published:[2012-01-01 to 2013-12-31]",
    "tag:Crime",
    "lang:es",
    "police -fire",
    "title:police",
    "*ection",
)
ROUNDS = 7


def main() -> None:
    from sqlalchemy import create_engine

    from bench.scale_data import Corpus, Generator
    from clippings.model import IndexDocument
    from clippings.search.postgres_index import PostgresIndex
    from tests import pgserver
    from tests.conftest import CORPUS

    count = int(sys.argv[1]) if len(sys.argv) > 1 else 5000
    server = pgserver.from_environment()
    started = None
    if server is None:
        started = pgserver.find_bin()
        if started is None:
            sys.exit("no PostgreSQL server programs (apt-get install postgresql)")
        server = pgserver.start(started)
    name = server.new_database()
    engine = create_engine(server.url(name).replace("postgresql://", "postgresql+psycopg://"))
    try:
        generator = Generator(Corpus.read(CORPUS), count)
        documents = [
            IndexDocument(
                id=c.number + 1,
                revision=1,
                title=c.title,
                text=c.text,
                outlet=c.outlet,
                author=c.author,
                language=c.language,
                published=c.published,
                tags=c.tags,
            )
            for c in generator.clippings(0, count)
        ]
        texts = {d.id: d.text for d in documents}
        index = PostgresIndex(engine)
        began = time.perf_counter()
        with index.locked():
            index.rebuild(
                lambda _after: (documents[i : i + 500] for i in range(0, count, 500)), count
            )
        built = time.perf_counter() - began
        print(f"{count} clippings built in {built:.1f} s ({count / built:.0f}/s)")
        print(f"{'query':<46} {'matches':>8} {'page+snippets ms':>17} {'all ids ms':>11}")
        for query in QUERIES:
            page, whole = [], []
            total = 0
            for _ in range(ROUNDS):
                began = time.perf_counter()
                ranking = index.search(query, limit=20)
                for clipping_id, _score in ranking.hits:
                    index.snippet(query, texts[clipping_id])
                page.append((time.perf_counter() - began) * 1000)
                began = time.perf_counter()
                total = index.search(query, limit=None).total
                whole.append((time.perf_counter() - began) * 1000)
            print(
                f"{query:<46} {total:>8} {_spread(page):>17} {_spread(whole):>11}",
                flush=True,
            )
    finally:
        engine.dispose()
        server.drop_database(name)
        if started is not None:
            pgserver.stop(started, server)


def _spread(times: list[float]) -> str:
    ordered = sorted(times)
    p95 = ordered[min(len(ordered) - 1, round(0.95 * (len(ordered) - 1)))]
    return f"{statistics.median(ordered):.0f} / {p95:.0f}"


if __name__ == "__main__":
    main()
