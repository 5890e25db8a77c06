"""The window on a team archive: each role sees what it may do, and every clipping's
history says who changed it."""

from __future__ import annotations

import psycopg
import pytest

from clippings import address
from clippings.services import Archive
from clippings.services.server import init_server, set_member
from tests.conftest import add_clipping


@pytest.fixture
def team(pg_server, pg_url):
    init_server(pg_url)
    yield pg_url
    with psycopg.connect(pg_server.url("postgres"), autocommit=True) as conn:
        conn.execute(
            "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
            "WHERE usename IN ('rita', 'eddie')"
        )
        conn.execute("DROP ROLE IF EXISTS rita")
        conn.execute("DROP ROLE IF EXISTS eddie")


def _tag_menu_labels(window) -> list[str]:
    """The labels of the sidebar's menu of the tag "Desk"."""
    sidebar = window.sidebar
    item = next(
        sidebar.topLevelItem(i).child(j)
        for i in range(sidebar.topLevelItemCount())
        for j in range(sidebar.topLevelItem(i).childCount())
        if sidebar.topLevelItem(i).child(j).text(0).startswith("Desk")
    )
    return [action.text() for action in sidebar.menu_for(item).actions()]


def test_an_editor_is_not_offered_purge_nor_the_tags_shape(team, make_window):
    set_member(team, "eddie", "editor")
    archive = Archive.open(address.with_user(team, "eddie"))
    add_clipping(archive, "The council met in the old town hall.", tags=("Desk",))
    window = make_window(archive)
    assert archive.role == "editor" and not archive.read_only
    window.show_trash()
    window.update_actions()
    assert not window.purge_action.isVisible()
    assert window.restore_action.isVisible()
    window.show_all()
    labels = _tag_menu_labels(window)
    assert "Rename…" not in labels and "Delete Tag…" not in labels
    assert "Export…" in labels and "New Tag Inside…" in labels


def test_a_reader_sees_a_read_only_window_and_an_admin_everything(team, make_window):
    set_member(team, "rita", "reader")
    with Archive.open(team) as owner:  # the owner counts as the archive's admin
        add_clipping(owner, "The harbour reopened after the storm.", tags=("Desk",))
    reader = Archive.open(address.with_user(team, "rita"))
    window = make_window(reader)
    assert reader.role == "reader" and reader.read_only
    assert not window.import_files_action.isEnabled()
    assert window.read_only_label.isVisible() or window.archive_title().endswith("(read-only)")
    admin = Archive.open(team)
    assert admin.role == "admin" and admin.may_purge and admin.may_restructure_tags
    admin.close()


def test_the_reading_pane_shows_who_changed_a_clipping(window, qtbot):
    clipping_id = add_clipping(window.archive, "The bridge closed for repairs.", tags=("Works",))
    window.archive.trash([clipping_id])
    window.archive.restore([clipping_id])
    window.refresh_all()
    assert window.select_clipping(clipping_id)
    window.show_current()
    shown = window.reading.browser.toPlainText()
    assert "History" in shown
    assert "imported it" in shown
    assert "tagged it “Works”" in shown
    assert "moved it to the trash" in shown and "restored it from the trash" in shown
