"""Near-duplicate text detection: word shingles and their MinHash signature.

A text's *shingles* are its runs of ``SHINGLE_WORDS`` consecutive words (case and
punctuation folded). Two texts that share most of their shingles share most of their
text, whatever the order of their paragraphs. A MinHash signature keeps a fixed number
of those shingles' minimum hashes, so that the share of equal positions in two
signatures estimates the Jaccard similarity of their shingle sets.

Hashes are stable across processes and machines (they are stored in the archive):
``blake2b`` of the shingle, then fixed universal hash functions.
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence

import numpy as np
import numpy.typing as npt

#: Words per shingle: long enough that unrelated texts rarely share one.
SHINGLE_WORDS = 4
#: Hash functions in a signature.
SIGNATURE_SIZE = 64

_EMPTY = (1 << 32) - 1
#: The signature value of a text without shingles.
EMPTY = _EMPTY
_rng = np.random.default_rng(20240605)
_SEEDS = _rng.integers(1, 1 << 63, size=SIGNATURE_SIZE, dtype=np.uint64)


def _mix(values: npt.NDArray[np.uint64]) -> npt.NDArray[np.uint64]:
    """SplitMix64's finaliser: a strong 64-bit scramble (uint64 arithmetic wraps).

    Each seed gives an independent-looking permutation of the shingle hashes, so the
    minimum of two sets agrees with probability equal to their Jaccard similarity.
    (A linear ``a*x + b mod p`` with small ``a`` keeps the hashes' order and makes every
    pair of texts look alike.)
    """
    values = values ^ (values >> np.uint64(30))
    values = values * np.uint64(0xBF58476D1CE4E5B9)
    values = values ^ (values >> np.uint64(27))
    values = values * np.uint64(0x94D049BB133111EB)
    return values ^ (values >> np.uint64(31))


def shingle_hashes(words: Sequence[str]) -> npt.NDArray[np.uint64]:
    """The distinct 32-bit hashes of a word sequence's shingles (one shingle if shorter)."""
    if not words:
        return np.zeros(0, dtype=np.uint64)
    span = min(SHINGLE_WORDS, len(words))
    found = {
        int.from_bytes(
            hashlib.blake2b(" ".join(words[i : i + span]).encode("utf-8"), digest_size=4).digest(),
            "little",
        )
        for i in range(len(words) - span + 1)
    }
    return np.fromiter(found, dtype=np.uint64, count=len(found))


def signature(hashes: npt.NDArray[np.uint64]) -> tuple[int, ...]:
    """The MinHash signature of a set of shingle hashes (all ``_EMPTY`` for no shingle)."""
    if hashes.size == 0:
        return (_EMPTY,) * SIGNATURE_SIZE
    with np.errstate(over="ignore"):
        mixed = _mix(hashes[None, :] ^ _SEEDS[:, None])
    # 32 bits of each minimum are plenty, and keep stored signatures compact.
    return tuple(int(v) & (_EMPTY - 1) for v in mixed.min(axis=1))


def jaccard(a: Sequence[int], b: Sequence[int]) -> float:
    """The estimated Jaccard similarity of the shingle sets behind two signatures."""
    if not a or len(a) != len(b) or a[0] == _EMPTY or b[0] == _EMPTY:
        return 0.0
    return sum(1 for x, y in zip(a, b, strict=True) if x == y) / len(a)


def shared_share(jaccard_estimate: float, size_a: int, size_b: int) -> float:
    """The share of the shorter text's shingles that the other text also has.

    From the Jaccard estimate J and the set sizes: |A ∩ B| = J (|A| + |B|) / (1 + J).
    """
    if jaccard_estimate <= 0.0 or min(size_a, size_b) <= 0:
        return 0.0
    common = jaccard_estimate * (size_a + size_b) / (1.0 + jaccard_estimate)
    return min(1.0, common / min(size_a, size_b))
