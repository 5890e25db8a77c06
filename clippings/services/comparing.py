"""Side-by-side comparison of two clippings, and each clipping's quotations."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from clippings.analysis.align import align, shared_share, side_share
from clippings.analysis.quotes import compare_quotes, extract_quotes
from clippings.model import AlignedPair, Clipping, QueryError, Quote
from clippings.services.archive import Archive


@dataclass(frozen=True)
class Comparison:
    """Two clippings passage by passage, with the quotations they share."""

    a: Clipping
    b: Clipping
    #: The share of text the two have in common (0..1).
    similarity: float
    pairs: tuple[AlignedPair, ...]
    quotes_both: tuple[Quote, ...]
    quotes_only_a: tuple[Quote, ...]
    quotes_only_b: tuple[Quote, ...]
    #: The share of A's text that B has, and of B's that A has (0..1): a text that is
    #: the other's start is all in it, though the two have less in common.
    a_in_b: float = 0.0
    b_in_a: float = 0.0

    def coverage(self) -> str:
        """Each side's share in the other, in words ("96% of B is in A, 40% of A in
        B"), or "" when the two shares are within ten points of each other (then the
        text in common says it)."""
        if abs(self.a_in_b - self.b_in_a) < 0.1:
            return ""
        (more, more_share), (less, less_share) = sorted(
            (("A", self.a_in_b), ("B", self.b_in_a)), key=lambda side: -side[1]
        )
        other = {"A": "B", "B": "A"}
        return (
            f"{more_share:.0%} of {more} is in {other[more]},"
            f" {less_share:.0%} of {less} in {other[less]}"
        )


def quotes(archive: Archive, clipping_id: int) -> list[Quote]:
    """The direct quotations of a clipping, in order, with their speakers."""
    return extract_quotes(archive.get(clipping_id).text)


def compare(
    archive: Archive, a_id: int, b_id: int, cancel: Callable[[], bool] | None = None
) -> Comparison:
    """Align two clippings sentence by sentence and compare their quotations.

    Each side's stop words and stems follow its ``language``; sentences that say the
    same thing in other words pair as ``similar`` (``analysis/paraphrase``).

    Raises:
        NotFoundError: an id the archive does not have.
        QueryError: the same clipping twice.
        Cancelled: ``cancel()`` said to stop (the window closing meanwhile).
    """
    if a_id == b_id:
        raise QueryError("choose two different clippings to compare")
    a, b = archive.get(a_id), archive.get(b_id)
    pairs = align(a.text, b.text, a.language, b.language, cancel=cancel)
    quoted = compare_quotes(
        extract_quotes(a.text), extract_quotes(b.text), a.text, b.text, cancel=cancel
    )
    return Comparison(
        a=a,
        b=b,
        similarity=shared_share(pairs),
        pairs=tuple(pairs),
        quotes_both=tuple(quoted["both"]),
        quotes_only_a=tuple(quoted["only_a"]),
        quotes_only_b=tuple(quoted["only_b"]),
        a_in_b=side_share(pairs, "a"),
        b_in_a=side_share(pairs, "b"),
    )
