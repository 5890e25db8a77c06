"""The reading pane marks every guessed value with ≈, whatever importer guessed it."""

from __future__ import annotations

from datetime import date

from clippings.model import Clipping
from clippings.ui.reading_pane import header_html


def test_a_date_guessed_from_a_pdfs_creation_is_marked_as_a_guess() -> None:
    clipping = Clipping(
        id=1,
        title="Losing the Cabin",
        text="...",
        published=date(2006, 10, 6),
        outlet="The Coastal Herald",
        provenance={"published": "pdf-date-heuristic", "outlet": "pdf-heuristic"},
    )
    shown = header_html(clipping)
    assert "≈" in shown
    assert "guessed from when the PDF file was made" in shown


def test_a_declared_date_is_not_marked() -> None:
    clipping = Clipping(
        id=1,
        title="Losing the Cabin",
        text="...",
        published=date(2006, 10, 6),
        provenance={"published": "pdf-info"},
    )
    assert "≈" not in header_html(clipping)
