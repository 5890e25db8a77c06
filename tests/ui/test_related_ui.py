"""Related pieces, stories and comparison in the window."""

from __future__ import annotations

import pytest

from clippings.services import import_paths
from clippings.ui.stories_view import IdRole
from tests.conftest import add_clipping, opened_comparison, syndicated_copy


@pytest.fixture
def oscars(window, corpus):
    """Reports of two events of one topic: Ellen DeGeneres (2013) and Hugh Jackman (2008)
    hosting the Oscars, plus a rewritten copy of one report."""
    folder = corpus / "ecbplus" / "text" / "2"
    paths = sorted(folder.glob("2_*ecbplus.txt"))[:6] + sorted(folder.glob("2_*ecb.txt"))[:4]
    report = import_paths(window.archive, paths)
    window.refresh_all()
    return window, [r.id for r in report.of("imported")]


def test_related_panel_lists_reports_of_the_same_event(qtbot, oscars):
    window, ids = oscars
    window.select_clipping(ids[0])
    panel = window.related
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=10_000)
    first = panel.list.item(0).text()
    assert "Same story" in first or "Copy" in first
    assert "DeGeneres" in window.archive.get(int(panel.list.item(0).data(panel_id_role()))).text


def panel_id_role():
    from clippings.ui.related_panel import IdRole

    return IdRole


def test_a_clipping_with_nothing_alike_says_so_instead_of_listing_noise(qtbot, oscars, corpus):
    window, ids = oscars
    page = corpus / "readability" / "test-pages" / "theverge" / "source.html"
    [verge] = import_paths(window.archive, [page]).results
    window.refresh_all()
    window.select_clipping(verge.id)
    panel = window.related
    qtbot.waitUntil(lambda: panel.empty_note.isVisible(), timeout=10_000)
    assert panel.list.count() == 0 and not panel.list.isVisible()
    assert "none alike enough" in panel.title.text()
    assert "No clipping in the archive is alike enough" in panel.empty_note.text()
    # Back on a report of the Oscars: the list again.
    window.select_clipping(ids[0])
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=10_000)
    assert panel.list.isVisible() and not panel.empty_note.isVisible()


def test_same_story_without_a_date_is_marked_and_says_how_to_give_one(qtbot, oscars):
    """Every wrong same-story label of the mixed archive has an undated clipping in it:
    the panel marks such labels and says how to date the clipping shown."""
    window, ids = oscars
    panel = window.related
    window.select_clipping(ids[0])  # Ellen DeGeneres to host: dated, as its reports are
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=10_000)
    rows = [panel.list.item(k) for k in range(panel.list.count())]
    assert any(r.text().startswith("Same story") for r in rows)
    assert not any("no date to compare" in r.text() for r in rows)
    assert panel.undated_note.isHidden()
    assert "close in time" in rows[0].toolTip()

    # A report of the same story loses its date: its row says so where the date was.
    piece = int(rows[0].data(panel_id_role()))
    window.archive.edit(piece, {"published": None})
    window.refresh_all()
    window.select_clipping(ids[1])
    window.select_clipping(ids[0])
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=10_000)
    rows = [panel.list.item(k) for k in range(panel.list.count())]
    undated = [r for r in rows if "no date to compare" in r.text()]
    assert [int(r.data(panel_id_role())) for r in undated] == [piece]
    assert "That piece has no date" in undated[0].toolTip()
    assert "open it (double-click)" in undated[0].toolTip()
    assert panel.undated_note.isHidden()

    # The clipping shown loses its date: one note under the list says how to give it one.
    window.archive.edit(ids[0], {"published": None})
    window.refresh_all()
    window.select_clipping(ids[1])
    window.select_clipping(ids[0])
    qtbot.waitUntil(
        lambda: panel.list.count() > 0 and panel.undated_note.isVisible(), timeout=10_000
    )
    rows = [panel.list.item(k) for k in range(panel.list.count())]
    same = [r for r in rows if r.text().startswith("Same story")]
    assert len(same) >= 2
    tips = {int(r.data(panel_id_role())): r.toolTip() for r in same}
    assert "Neither of the two has a date" in tips.pop(piece)
    assert tips and all("This clipping has no date" in tip for tip in tips.values())
    assert "Ctrl+E" in panel.undated_note.text()
    assert "Edit › Edit Metadata (Ctrl+E)" in panel.undated_note.toolTip()

    # Showing nothing (a clipping is being looked up) hides the note with the list.
    panel.show_pending(ids[0])
    assert panel.undated_note.isHidden()


def test_opening_a_comparison_from_the_related_panel(qtbot, oscars):
    window, ids = oscars
    window.select_clipping(ids[0])
    panel = window.related
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=10_000)
    panel.list.setCurrentRow(0)
    assert panel.compare_button.isEnabled()
    compare = opened_comparison(qtbot, window, panel.compare_button.click)
    qtbot.addWidget(compare)
    other = int(panel.list.item(0).data(panel_id_role()))
    assert compare.comparison.a.id == ids[0] and compare.comparison.b.id == other
    assert "Text in common" in compare.header.text()
    shown = compare.panes.toPlainText()
    assert window.archive.get(ids[0]).title.split()[0] in compare.header.text()
    assert shown.strip()
    assert compare.panes.requested == []


def test_compare_two_selected_with_ctrl_d(qtbot, oscars):
    window, ids = oscars
    window.table.selectRow(0)
    window.table.selectRow(1)
    window.table.selectAll()
    assert not window.compare_action.isEnabled()
    window.table.clearSelection()
    window._select_ids(ids[:2])
    assert window.compare_action.isEnabled()
    assert window.compare_action.shortcut().toString() == "Ctrl+D"
    compare = opened_comparison(qtbot, window, window.compare_action.trigger)
    assert compare.comparison.b.id in ids[:2]


def test_stories_view_groups_the_reports(qtbot, oscars):
    from clippings.ui.stories_view import IdRole

    window, ids = oscars
    window.sidebar.itemClicked.emit(window.sidebar.stories_item, 0)
    assert window.list_stack.currentWidget() is window.stories_view
    tree = window.stories_view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 1, timeout=20_000)
    story = tree.topLevelItem(0)
    assert story.childCount() >= 2
    assert "reports" in story.text(0)
    first = story.child(0)
    tree.setCurrentItem(first)
    assert window.reading.clipping is not None
    # Two reports of a story, Ctrl+clicked, compare side by side (Ctrl+D).
    second = story.child(1)
    first.setSelected(True)
    second.setSelected(True)
    chosen = [int(item.data(0, IdRole)) for item in (first, second)]
    assert window.selected_ids() == chosen
    assert window.compare_action.isEnabled()
    shown = opened_comparison(qtbot, window, window.compare_action.trigger).comparison
    assert {shown.a.id, shown.b.id} == set(chosen)


def test_stories_view_marks_the_copies(qtbot, window, corpus, tmp_path):
    folder = corpus / "ecbplus" / "text" / "2"
    source = folder / "2_2ecbplus.txt"
    # The copy comes later (one import may store its files in any order): of two texts
    # of one date, the one stored first is the original.
    original, _other = (
        r.id for r in import_paths(window.archive, [source, folder / "2_4ecbplus.txt"]).results
    )
    [copy] = (
        r.id for r in import_paths(window.archive, [syndicated_copy(source, tmp_path)]).results
    )
    window.refresh_all()
    window.sidebar.itemClicked.emit(window.sidebar.stories_item, 0)
    tree = window.stories_view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 1, timeout=20_000)
    story = tree.topLevelItem(0)
    assert "1 copy" in story.text(0)
    rows = {int(story.child(k).data(0, IdRole)): story.child(k) for k in range(story.childCount())}
    assert rows[copy].text(0).startswith("(copy) ")
    assert "A copy of the text of: " + window.archive.get(original).title in rows[copy].toolTip(0)
    assert not any("(copy)" in rows[i].text(0) for i in rows if i != copy)
    # The first report is marked before its title, where a narrow window never cuts
    # the mark off.
    from clippings.services.related import stories

    [shown] = [s for s in stories(window.archive) if copy in {c.id for c in s.clippings}]
    assert rows[shown.first].text(0).startswith("★ ")
    assert sum(rows[i].text(0).startswith("★ ") for i in rows) == 1
    # The key to the marks stands below the list.
    legend = window.stories_view.legend
    assert legend.isVisible() and "★ published first" in legend.text()
    assert "(copy) a copy" in legend.text()
    # With no date to any report, which came first is not known: no mark.
    for clipping_id in rows:
        window.archive.edit(clipping_id, {"published": None})
    window.refresh_all()
    window.sidebar.itemClicked.emit(window.sidebar.stories_item, 0)
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 1, timeout=20_000)
    story = tree.topLevelItem(0)
    assert not any(story.child(k).text(0).startswith("★") for k in range(story.childCount()))


def test_quotations_are_shown_in_the_reading_pane(qtbot, window, seed):
    import_paths(window.archive, [seed])
    window.refresh_all()
    window.table.selectRow(0)
    text = window.reading.browser.toPlainText()
    assert "Quotations" in text
    assert "Antonov:" in text or "Anatoly Antonov:" in text


def test_an_archive_without_features_is_analysed_in_the_background(
    qtbot, make_window, tmp_path, corpus
):
    from clippings.services import Archive
    from clippings.services.related import missing_features

    archive = Archive.open(tmp_path / "old")
    import_paths(archive, sorted((corpus / "ecbplus" / "text" / "2").glob("2_*ecbplus.txt"))[:4])
    archive.store.engine.dispose()
    with archive.store.engine.begin() as conn:
        for table in ("clipping_analysis", "analysis_terms", "term_postings", "related_edges"):
            conn.exec_driver_sql(f"DELETE FROM {table}")
        conn.exec_driver_sql("DELETE FROM archive_meta WHERE key = 'features_version'")
    assert len(missing_features(archive)) == 4
    window = make_window(archive)
    qtbot.waitUntil(lambda: not missing_features(archive), timeout=30_000)
    window.select_clipping(window.model.id_at(0))
    qtbot.waitUntil(lambda: window.related.list.count() > 0, timeout=10_000)


def test_labels_of_older_rules_are_shown_until_the_background_job_replaces_them(
    qtbot, make_window, tmp_path, corpus
):
    """An archive whose related pieces were labelled by an older Clippings (here every
    pair only "related", no rules recorded): the window answers at once from what is
    stored, finds them again in the background, and then shows the new labels."""
    from clippings.services import Archive
    from clippings.services import related as related_service

    archive = Archive.open(tmp_path / "old")
    paths = sorted((corpus / "ecbplus" / "text" / "2").glob("2_*ecbplus.txt"))[:5]
    ids = [r.id for r in import_paths(archive, paths).results]
    related_service.sync(archive)
    with archive.store.engine.begin() as conn:
        conn.exec_driver_sql(
            "UPDATE related_edges SET relation = 'related' WHERE relation IS NOT NULL"
        )
        conn.exec_driver_sql("DELETE FROM archive_meta WHERE key = 'related_rules_version'")
    window = make_window(archive)
    qtbot.waitUntil(lambda: not related_service.upkeep_due(archive), timeout=30_000)
    qtbot.waitUntil(lambda: not archive.store.analysis_due_count(), timeout=30_000)
    window.select_clipping(ids[0])
    panel = window.related
    qtbot.waitUntil(
        lambda: any(
            panel.list.item(k).text().startswith("Same story") for k in range(panel.list.count())
        ),
        timeout=10_000,
    )


def test_an_archive_from_before_copies_is_marked_in_the_background(
    qtbot, make_window, tmp_path, corpus
):
    from sqlalchemy import delete, insert

    from clippings.services import Archive
    from clippings.services.related import upkeep_due
    from clippings.storage.schema import archive_meta, copy_marks

    page = corpus / "readability" / "test-pages" / "nytimes-1" / "source.html"
    archive = Archive.open(tmp_path / "old")
    [first] = import_paths(archive, [page]).results
    # As after the upgrade to schema 8: the clipping has no marks yet.
    with archive.store._writing() as conn:
        conn.execute(delete(copy_marks))
        conn.execute(insert(archive_meta).values(key="copy_marks_below", value=str(first.id + 1)))
    assert archive.store.unmarked_count() == 1 and upkeep_due(archive)
    make_window(archive)
    qtbot.waitUntil(lambda: not upkeep_due(archive), timeout=30_000)
    assert archive.store.unmarked_count() == 0


# A popup menu on the offscreen platform: it cannot raise or grab the keyboard.
@pytest.mark.qt_log_ignore("This plugin does not support")
def test_the_users_verdict_on_a_pair_is_shown_undone_and_regroups_stories(qtbot, oscars):
    """A wrong "same story" is the user's to correct: from the "Same story?" button or a
    row's context menu, undoable, and Stories follows it."""
    from clippings.ui.stories_view import IdRole as StoryRole

    window, ids = oscars
    panel = window.related
    window.select_clipping(ids[0])
    qtbot.waitUntil(lambda: panel.list.count() > 0, timeout=10_000)
    rows = [panel.list.item(k) for k in range(panel.list.count())]
    same = next(r for r in rows if r.text().startswith("Same story"))
    piece = int(same.data(panel_id_role()))
    assert not panel.verdict_button.isEnabled()  # nothing chosen yet

    panel.list.setCurrentItem(same)
    assert panel.verdict_button.isEnabled()
    panel.verdict_menu.aboutToShow.emit()
    assert not panel.verdict_actions[None].isEnabled()  # no verdict to take back yet
    panel.verdict_actions["not same story"].trigger()

    def row_of(clipping_id):
        for k in range(panel.list.count()):
            if int(panel.list.item(k).data(panel_id_role())) == clipping_id:
                return panel.list.item(k)
        return None

    qtbot.waitUntil(
        lambda: (row := row_of(piece)) is not None and "your verdict" in row.text(),
        timeout=10_000,
    )
    row = row_of(piece)
    assert row.text().startswith("Not the same story (your verdict)")
    assert "You said these two are not the same story" in row.toolTip()
    assert panel.chosen() == piece  # the row stays chosen
    assert window.undo_stack.undoText() == "Not the Same Story"
    # The clipping's history says who said so.
    history = window.reading.browser.toPlainText()
    title = window.archive.get(piece).title
    assert f"said it is not the same story as “{title}” (clipping {piece})" in history
    # A row's context menu (right-click, the Menu key) is the same menu, on that row.
    panel.list.setCurrentRow(0 if panel.list.row(row) else 1)
    panel.list.customContextMenuRequested.emit(panel.list.visualItemRect(row).center())
    assert panel.verdict_menu.isVisible() and panel.chosen() == piece
    assert panel.verdict_actions["not same story"].isChecked()
    assert panel.verdict_actions[None].isEnabled()
    panel.verdict_menu.hide()

    # Stories never hold the two together now.
    window.sidebar.itemClicked.emit(window.sidebar.stories_item, 0)
    tree = window.stories_view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 1, timeout=20_000)

    def storied_together():
        for top in range(tree.topLevelItemCount()):
            story = tree.topLevelItem(top)
            members = {int(story.child(n).data(0, StoryRole)) for n in range(story.childCount())}
            if {ids[0], piece} <= members:
                return True
        return False

    assert not storied_together()

    # Edit › Undo brings Clippings's own label back, in the list and in Stories.
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 1 and storied_together(), timeout=20_000)
    window.show_all()
    window.select_clipping(ids[0])
    qtbot.waitUntil(
        lambda: (row := row_of(piece)) is not None and row.text().startswith("Same story —"),
        timeout=10_000,
    )
    assert window.archive.store.verdicts_of(ids[0]) == {}


def test_a_verdict_that_joins_two_stories_says_so_and_marks_its_rows(qtbot, window, corpus):
    """One same-story verdict can join two whole stories: Stories says what happened,
    marks the rows that are there by the user's word, and Undo parts them again."""
    from clippings.services.related import stories
    from clippings.ui.commands import VerdictCommand, push

    # ECB+ topic 1: Lindsay Lohan entering rehab (2013), Tara Reid entering rehab (2008).
    names = ["1_10ecbplus", "1_11ecbplus", "1_13ecbplus", "1_10ecb", "1_11ecb", "1_12ecb"]
    import_paths(window.archive, [corpus / "ecbplus" / "text" / "1" / f"{n}.txt" for n in names])
    window.refresh_all()
    window.sidebar.itemClicked.emit(window.sidebar.stories_item, 0)
    tree = window.stories_view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 2, timeout=20_000)
    one, other = stories(window.archive)[:2]
    a, b = one.clippings[0].id, other.clippings[0].id

    def rows_marked():
        marked = {}
        for child, clipping in window.stories_view._clipping_rows():
            if child.text(0).startswith("✓ "):
                marked[clipping] = child.toolTip(0)
        return marked

    assert not rows_marked()
    messages = []
    window.statusBar().messageChanged.connect(messages.append)
    shown = tree.topLevelItemCount()
    assert push(window.undo_stack, VerdictCommand(window, a, b, "same story"))
    # The stories stay on screen while they are grouped anew (no blank view); the new
    # ones can only arrive through the event loop, which has not run yet.
    assert window.groupings.busy
    assert tree.topLevelItemCount() == shown
    assert window.stories_view.summary.text().endswith("· regrouping…")
    qtbot.waitUntil(lambda: any("Two stories are one now" in m for m in messages), timeout=20_000)
    assert not window.stories_view.summary.text().endswith("regrouping…")
    told = next(m for m in messages if "Two stories are one now" in m)
    assert f"“{one.title[:20]}" in told and f"“{other.title[:20]}" in told
    assert "Ctrl+Z" in told
    qtbot.waitUntil(lambda: set(rows_marked()) == {a, b}, timeout=20_000)
    tips = rows_marked()
    assert "because you said it is the same story as" in tips[a]
    assert window.archive.get(b).title in tips[a]

    window.undo_stack.undo()
    qtbot.waitUntil(lambda: any("The story is split" in m for m in messages), timeout=20_000)
    assert "Redo (Ctrl+Shift+Z)" in next(m for m in messages if "The story is split" in m)
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 2 and not rows_marked(), timeout=20_000)


def test_what_a_verdict_did_to_the_stories_reads_plainly():
    from clippings.model import ClippingSummary, Story
    from clippings.ui.stories_view import verdict_outcome

    def story(*ids: int) -> Story:
        rows = tuple(
            ClippingSummary(
                id=i, title=f"Report {i}", outlet=None, published=None, language="en", word_count=90
            )
            for i in ids
        )
        return Story(
            id=ids[0], title=f"Report {ids[0]}", clippings=rows, outlets=(), first=ids[0], copies=0
        )

    assert verdict_outcome([story(1, 2)], [story(1, 2, 3)], 1, 3) == (
        "“Report 3” joined the story “Report 1” (3 reports). Edit › Undo (Ctrl+Z) takes it back."
    )
    assert verdict_outcome([], [story(1, 3)], 1, 3).startswith(
        "“Report 1” and “Report 3” are a story now."
    )
    assert verdict_outcome([story(1, 2, 3)], [story(1, 2)], 1, 3) == (
        "The story is split: “Report 1” is at the head of a story of 2 reports;"
        " “Report 3” is in no story. Edit › Undo (Ctrl+Z) takes it back."
    )
    assert verdict_outcome([story(1, 2, 3)], [story(2, 1)], 1, 3, undoing=True) == (
        "The story is split: “Report 1” is in “Report 2”; “Report 3” is in no story."
        " Edit › Redo (Ctrl+Shift+Z) gives your verdict again."
    )
    # A clipping that comes back at the head of its story: not "joined the story"
    # named after itself.
    assert verdict_outcome([story(2, 1)], [story(3, 2, 1)], 1, 3).startswith(
        "“Report 3” is in a story of 3 reports now."
    )
    # Nothing joined or parted: nothing to say.
    assert verdict_outcome([story(1, 2)], [story(1, 2)], 1, 3) is None


def test_comparing_is_done_off_the_gui_thread_and_a_failure_is_told(qtbot, oscars, monkeypatch):
    from PySide6.QtWidgets import QMessageBox

    window, ids = oscars
    told: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: told.append(text))
    job = window.compare_clippings(ids[0], 999_999)
    assert window.statusBar().currentMessage() == "Comparing the two clippings…"
    qtbot.waitUntil(lambda: bool(told), timeout=20_000)
    assert told == ["there is no clipping 999999"]
    assert not window.statusBar().currentMessage()
    assert job.title == "Comparing two clippings"
    assert not window.compare_windows


def test_closing_the_window_stops_a_long_comparison(qtbot, window, corpus):
    """Two long documents take seconds to align: closing the window stops that work
    instead of waiting for it (and opens no comparison)."""
    root = corpus / "ecbplus" / "text"

    def joined(topics):
        return "\n\n".join(
            p.read_text(encoding="utf-8")
            for t in topics
            for p in sorted((root / str(t)).glob("*.txt"))
        )

    a = add_clipping(window.archive, joined(range(1, 11)), title="Long A")
    b = add_clipping(window.archive, joined(range(20, 30)), title="Long B")
    job = window.compare_clippings(a, b)
    ended = []
    job.ended.connect(lambda: ended.append(True))
    failed = []
    job.failed.connect(failed.append)
    window.close()
    qtbot.waitUntil(lambda: bool(ended), timeout=10_000)
    assert failed == ["the comparison was stopped"]
    assert not window.compare_windows


def test_comparisons_asked_for_back_to_back_all_open_once(qtbot, oscars):
    window, ids = oscars
    first = window.compare_clippings(ids[0], ids[1])
    again = window.compare_clippings(ids[1], ids[0])  # the same pair: one window
    window.compare_clippings(ids[2], ids[3])
    window.compare_clippings(ids[4], ids[5])
    assert again is first
    qtbot.waitUntil(lambda: len(window.compare_windows) == 3, timeout=20_000)
    window.comparisons.wait()
    qtbot.wait(50)
    shown = [{c.comparison.a.id, c.comparison.b.id} for c in window.compare_windows]
    assert shown == [{ids[0], ids[1]}, {ids[2], ids[3]}, {ids[4], ids[5]}]
    assert not window.statusBar().currentMessage()
    assert not window.comparisons.busy


@pytest.mark.qt_log_ignore("This plugin does not support raise")
def test_a_pair_compared_again_brings_its_open_window_forward(qtbot, oscars):
    """Asking again for a comparison whose window is open raises that window (no second
    alignment, no second window); once one of the two was edited, it is compared anew."""
    window, ids = oscars
    compare = opened_comparison(qtbot, window, lambda: window.compare_clippings(ids[0], ids[1]))
    assert window.compare_clippings(ids[1], ids[0]) is None
    assert window.compare_windows == [compare]
    window.archive.add_tag([ids[0]], "Read")  # not what a comparison shows
    assert window.compare_clippings(ids[0], ids[1]) is None
    window.archive.edit(ids[0], {"title": "A title given since"})
    closed: list[bool] = []
    compare.destroyed.connect(lambda: closed.append(True))
    again = opened_comparison(qtbot, window, lambda: window.compare_clippings(ids[0], ids[1]))
    assert again is not compare and again.comparison.a.title == "A title given since"
    # The new comparison takes the place of the one showing the title before the edit.
    assert window.compare_windows == [again]
    qtbot.waitUntil(lambda: bool(closed))


def test_stories_act_only_on_what_the_user_sees(qtbot, window, corpus):
    """In Stories, a story's heading chosen: Move to Trash has nothing to act on (never
    the hidden list's selection); no report chosen: actions reach the clipping in the
    reading pane, and a verdict that takes it out of every story leaves it there."""
    names = ["1_10ecbplus", "1_11ecbplus", "1_13ecbplus", "1_10ecb", "1_11ecb", "1_12ecb"]
    import_paths(window.archive, [corpus / "ecbplus" / "text" / "1" / f"{n}.txt" for n in names])
    window.refresh_all()
    window.table.selectRow(0)
    assert window.selected_ids()  # chosen in the list, hidden once Stories shows
    window.show_stories()
    tree = window.stories_view.tree
    qtbot.waitUntil(lambda: tree.topLevelItemCount() >= 1, timeout=20_000)
    heading = tree.topLevelItem(0)
    tree.setCurrentItem(heading)
    assert window.selected_ids() == []
    assert not window.trash_action.isEnabled()
    window.trash_action.trigger()
    assert window.archive.count(trashed=True) == 0
    # A report read, then nothing chosen: the reading pane's clipping is acted on.
    report = heading.child(0)
    tree.setCurrentItem(report)
    read = window.reading.clipping.id
    tree.clearSelection()
    assert window.selected_ids() == [read]
