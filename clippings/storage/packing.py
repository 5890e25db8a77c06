"""How stored analysis is packed into blobs, and numpy loaded only when it is needed.

Per term its hash (8 bytes, little-endian), count (2) and flags (1), all the hashes
first, then all the counts, then all the flags; the terms a clipping is listed under
(its postings) as 8-byte hashes. Separate from ``analysis.py`` so that the features
and the edges (``edges.py``) read the same format, and tests can build it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np
    import numpy.typing as npt
else:

    class _Numpy:
        """numpy, imported on first use: reading the list or searching never needs it
        (the command line starts faster without it)."""

        def __getattr__(self, name: str) -> object:
            import numpy

            return getattr(numpy, name)

    np = _Numpy()


def pack_terms(
    terms: npt.NDArray[np.int64], counts: npt.NDArray[np.float64], flags: npt.NDArray[np.int64]
) -> bytes:
    return (
        np.asarray(terms, dtype="<i8").tobytes()
        + np.clip(counts, 0, 65535).astype("<u2").tobytes()
        + np.asarray(flags, dtype="u1").tobytes()
    )


def unpack_terms(
    data: bytes,
) -> tuple[npt.NDArray[np.int64], npt.NDArray[np.float64], npt.NDArray[np.int64]]:
    n = len(data) // 11
    terms = np.frombuffer(data, dtype="<i8", count=n).astype(np.int64)
    counts = np.frombuffer(data, dtype="<u2", count=n, offset=8 * n).astype(np.float64)
    flags = np.frombuffer(data, dtype="u1", count=n, offset=10 * n).astype(np.int64)
    return terms, counts, flags


def posted_keys(data: bytes | None) -> list[int]:
    if not data:
        return []
    return [int(k) for k in np.frombuffer(data, dtype="<i8")]


def term_keys(data: bytes) -> list[int]:
    return [int(k) for k in np.unique(unpack_terms(data)[0])]


__all__ = ["np", "pack_terms", "posted_keys", "term_keys", "unpack_terms"]
