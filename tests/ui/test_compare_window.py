"""The comparison window on two outlets' reports of one event told in other words."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QKeySequence

from clippings.services.comparing import compare
from clippings.ui.compare_window import (
    KINDS,
    SHARED_STYLE,
    CompareWindow,
    header_html,
    panes_html,
)
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
    assert f"<th align='left'>Clipping</th><td>{a}</td><td>{b}</td>" in header
    # The rows of similar passages carry their colour and mark the shared names, on
    # both sides, and only those.
    rows = panes_html(comparison)
    assert rows.count(f"background-color: {colour}") == 2 * 3
    for name in ("Okafor", "Bellmore", "Granville", "14"):
        assert rows.count(f"<span style='{SHARED_STYLE}'>{name}</span>") == 2, name
    assert f"<span style='{SHARED_STYLE}'>Sunday</span>" not in rows
    assert "Chief Maria Okafor told reporters" in window.panes.toPlainText()


def test_a_long_comparison_is_read_a_page_at_a_time(qtbot, monkeypatch) -> None:
    """Two long documents: the window lays out one page of passages at a time (a
    10,000-row table froze it for seconds); the buttons turn the pages, the label says
    where the reader is, and the header still counts every passage."""
    from clippings.model import AlignedPair, Clipping
    from clippings.services.comparing import Comparison
    from clippings.ui import compare_window

    monkeypatch.setattr(compare_window, "PAGE_ROWS", 40)
    pairs = tuple(
        AlignedPair("same", f"Passage number {n}.", f"Passage number {n}.", 1.0)
        for n in range(1, 101)
    )
    comparison = Comparison(
        a=Clipping(id=1, title="A long report", text=""),
        b=Clipping(id=2, title="Its copy", text=""),
        similarity=1.0,
        pairs=pairs,
        quotes_both=(),
        quotes_only_a=(),
        quotes_only_b=(),
    )
    window = CompareWindow(comparison)
    qtbot.addWidget(window)
    window.show()
    shown = window.panes.toPlainText()
    assert "Passage number 40." in shown and "Passage number 41." not in shown
    assert window.page_label.text() == "Passages 1–40 of 100 (page 1 of 3)"
    assert "100 the same" in window.header.text()
    assert not window.previous_button.isEnabled()
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    qtbot.mouseClick(window.next_button, Qt.MouseButton.LeftButton)
    shown = window.panes.toPlainText()
    assert "Passage number 81." in shown and "Passage number 80." not in shown
    assert window.page_label.text() == "Passages 81–100 of 100 (page 3 of 3)"
    assert not window.next_button.isEnabled()
    # Alt+N and Alt+P turn the pages from the keyboard.
    assert QKeySequence.mnemonic(window.next_button.text()).toString() == "Alt+N"
    assert QKeySequence.mnemonic(window.previous_button.text()).toString() == "Alt+P"
    qtbot.mouseClick(window.previous_button, Qt.MouseButton.LeftButton)
    assert window.page_label.text().startswith("Passages 41–80")


def test_a_short_comparison_has_no_pages(qtbot, archive) -> None:
    a = add_clipping(archive, RESCUE_A, title="Hikers rescued", language="en")
    b = add_clipping(archive, RESCUE_B, title="Rockslide strands walkers", language="en")
    window = CompareWindow(compare(archive, a, b))
    qtbot.addWidget(window)
    window.show()
    assert not window.next_button.isVisible() and not window.page_label.isVisible()


def test_a_moved_passage_reworded_marks_its_differing_words() -> None:
    from clippings.model import AlignedPair, Clipping
    from clippings.services.comparing import Comparison

    moved = AlignedPair("moved", "She was 91 years old.", "She was 93 years old.", 0.8)
    comparison = Comparison(
        a=Clipping(id=1, title="A", text=""),
        b=Clipping(id=2, title="B", text=""),
        similarity=0.8,
        pairs=(moved,),
        quotes_both=(),
        quotes_only_a=(),
        quotes_only_b=(),
    )
    rows = panes_html(comparison)
    assert "<span style='background-color: #f7b3b3'>91</span>" in rows
    assert "<span style='background-color: #b3e6b3'>93</span>" in rows


def test_each_pane_shows_its_own_text_of_a_joined_passage(archive) -> None:
    """Two sentences of A that B runs together with "and": B's pane shows B's words as
    B writes them (no full stop or capital of A's), A's pane A's."""
    a = add_clipping(
        archive,
        "Lohan was in Betty Ford in 2010. Prior to this, she was arrested twice.",
        title="A",
        language="en",
    )
    b = add_clipping(
        archive,
        "Lohan was in Betty Ford in 2010 and prior to this, she was arrested twice.",
        title="B",
        language="en",
    )
    comparison = compare(archive, a, b)
    assert [p.kind for p in comparison.pairs] == ["changed"]
    rows = panes_html(comparison)
    added = "<span style='background-color: #b3e6b3'>and</span>"
    assert f"Lohan was in Betty Ford in 2010 {added} prior to this," in rows
    assert "Lohan was in Betty Ford in 2010. Prior to this," in rows
    assert "2010. <span" not in rows


def test_a_copy_cut_short_says_how_much_of_each_is_in_the_other(archive) -> None:
    """Related calls a copy cut short a duplicate (all of it is in the other); the
    comparison's text in common counts both texts, so the header says both shares."""
    sentences = [
        f"The council met on day {n} to discuss the bridge over the river." for n in range(10)
    ]
    a = add_clipping(archive, " ".join(sentences), title="The whole report", language="en")
    b = add_clipping(archive, " ".join(sentences[:4]), title="Its start", language="en")
    header = header_html(compare(archive, a, b))
    assert "(100% of B is in A, 40% of A in B)" in header
    # Reports of about the same length: the text in common says it alone.
    c = add_clipping(archive, RESCUE_A, title="Hikers rescued", language="en")
    d = add_clipping(archive, RESCUE_B, title="Rockslide strands walkers", language="en")
    assert " of B is in A" not in header_html(compare(archive, c, d))
