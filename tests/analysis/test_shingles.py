"""MinHash estimates the share of shingles two texts have in common."""

from __future__ import annotations

import re

from clippings.analysis import shingles


def words(text: str) -> list[str]:
    return re.findall(r"\w+", text.lower())


def estimate(a: str, b: str) -> float:
    sa = shingles.signature(shingles.shingle_hashes(words(a)))
    sb = shingles.signature(shingles.shingle_hashes(words(b)))
    return shingles.jaccard(sa, sb)


def test_estimates_track_the_true_overlap(corpus):
    texts = sorted((corpus / "ecbplus" / "text" / "3").glob("*.txt"))[:12]
    bodies = [p.read_text(encoding="utf-8") for p in texts]
    for a in bodies[:6]:
        assert estimate(a, a) == 1.0
        for b in bodies[6:]:
            true = len(
                set(shingles.shingle_hashes(words(a))) & set(shingles.shingle_hashes(words(b)))
            ) / max(
                1,
                len(
                    set(shingles.shingle_hashes(words(a))) | set(shingles.shingle_hashes(words(b)))
                ),
            )
            # 64 hashes: the estimate is within about 0.2 of the truth.
            assert abs(estimate(a, b) - true) < 0.2, (true, estimate(a, b))
    half = bodies[0][: len(bodies[0]) // 2]
    assert 0.3 < estimate(bodies[0], half) < 0.75
