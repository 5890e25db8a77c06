"""CPU per clipping of the related-pieces analysis: features and edges.

    .venv/bin/python bench/related_sync.py [--clippings 3000] [--corpus PATH] [--profile]

Builds an archive of N clippings recombined from the ECB+ texts (the recipe of
``bench/related.py``'s speed part, bulk-stored), then times ``related.remember_many``
(features, speakers, document frequencies, postings) and ``related.sync`` (the edges),
in CPU milliseconds per clipping (process time: less sensitive to a busy machine than
the wall clock), with the peak resident memory. ``--profile`` prints a cProfile of
``sync``.
"""

from __future__ import annotations

import argparse
import cProfile
import pstats
import resource
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--clippings", type=int, default=3000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    import random
    from datetime import date

    from clippings.model import Extracted
    from clippings.services import Archive
    from clippings.services import related as related_service
    from clippings.services.importing import text_fingerprint
    from clippings.storage import NewClipping

    paragraphs: list[list[str]] = []
    for path in sorted((args.corpus / "ecbplus" / "text").glob("*/*.txt")):
        lines = [ln.strip() for ln in path.read_text(encoding="utf-8").splitlines()]
        body = [ln for ln in lines if len(ln.split()) > 6]
        if body:
            paragraphs.append(body)
    rng = random.Random(11)
    count = args.clippings
    with tempfile.TemporaryDirectory() as work, Archive.open(Path(work) / "a") as archive:
        for number in range(count):
            source = rng.choice(paragraphs)
            body = rng.sample(source, k=max(1, int(len(source) * 0.7)))
            if len(body) >= 4:
                body.append(rng.choice(rng.choice(paragraphs)))
            text = "\n\n".join(body) + f"\n\nRef {number}."
            title = " ".join(rng.choice(body).split()[:8])
            day = date(2010 + number % 4, 1 + number % 12, 1 + number % 28)
            extracted = Extracted(
                text=text, format="text", title=title, published=day, language="en"
            )
            archive.store.add(
                NewClipping(
                    extracted=extracted,
                    sha256=f"{number:064x}",
                    size=len(text),
                    original_name=f"{number}.txt",
                    text_hash=text_fingerprint(text),
                    word_count=len(text.split()),
                )
            )
        archive.store.done([q for q, _ in archive.store.pending(count + 10)])
        started = time.process_time()
        related_service.remember_many(archive, list(range(1, count + 1)))
        features = time.process_time() - started
        profile = cProfile.Profile() if args.profile else None
        started = time.process_time()
        if profile:
            profile.enable()
        related_service.sync(archive)
        if profile:
            profile.disable()
        edges = time.process_time() - started
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(
        f"{count} clippings: features {features / count * 1000:.2f} ms CPU per clipping, "
        f"edges {edges / count * 1000:.2f} ms CPU per clipping; peak {peak:.0f} MB"
    )
    if profile:
        pstats.Stats(profile).sort_stats("tottime").print_stats(30)


if __name__ == "__main__":
    main()
