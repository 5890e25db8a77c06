"""The comparison window on two outlets' reports of one event told in other words."""

from __future__ import annotations

from clippings.services.comparing import compare
from clippings.ui.compare_window import KINDS, SHARED_STYLE, CompareWindow, panes_html
from tests.analysis.test_paraphrase import RESCUE_A, RESCUE_B
from tests.conftest import add_clipping


def test_similar_passages_in_the_legend_counts_and_marks(qtbot, archive) -> None:
    a = add_clipping(
        archive, RESCUE_A, title="Hikers rescued", outlet="granville.news", language="en"
    )
    b = add_clipping(
        archive, RESCUE_B, title="Rockslide strands walkers", outlet="ardent.fm", language="en"
    )
    comparison = compare(archive, a, b)
    window = CompareWindow(comparison)
    qtbot.addWidget(window)
    header = window.header.text()
    # The legend names the new kind in its own colour, and the summary counts it.
    colour, label = KINDS["similar"]
    assert colour not in {c for kind, (c, _) in KINDS.items() if kind != "similar"}
    assert label in header and colour in header
    assert "3 similar" in header and "1 only in A" in header and "1 only in B" in header
    assert "Text in common: 0%" not in header
    # The rows of similar passages carry their colour and mark the shared names, on
    # both sides, and only those.
    rows = panes_html(comparison)
    assert rows.count(f"background-color: {colour}") == 2 * 3
    for name in ("Okafor", "Bellmore", "Granville", "14"):
        assert rows.count(f"<span style='{SHARED_STYLE}'>{name}</span>") == 2, name
    assert f"<span style='{SHARED_STYLE}'>Sunday</span>" not in rows
    assert "Chief Maria Okafor told reporters" in window.panes.toPlainText()
