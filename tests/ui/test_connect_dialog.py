"""File › Connect to Team Archive…: the dialog, and the password kept in the keyring."""

from __future__ import annotations

import keyring
import pytest
from keyring.backend import KeyringBackend
from keyring.backends import fail

from clippings.services import credentials
from clippings.ui.connect_dialog import ConnectDialog


class MemoryKeyring(KeyringBackend):
    """A keyring that keeps passwords in memory (the tests never touch the user's)."""

    priority = 1  # type: ignore[assignment]

    def __init__(self) -> None:
        super().__init__()
        self.kept: dict[tuple[str, str], str] = {}

    def get_password(self, service: str, username: str) -> str | None:
        return self.kept.get((service, username))

    def set_password(self, service: str, username: str, password: str) -> None:
        self.kept[(service, username)] = password

    def delete_password(self, service: str, username: str) -> None:
        self.kept.pop((service, username), None)


@pytest.fixture
def memory_keyring():
    before = keyring.get_keyring()
    kept = MemoryKeyring()
    keyring.set_keyring(kept)
    yield kept
    keyring.set_keyring(before)


def test_the_dialog_builds_the_address_without_the_password(qtbot):
    dialog = ConnectDialog(None, keyring_available=True)
    qtbot.addWidget(dialog)
    assert not dialog.connect_button.isEnabled()  # no server nor database yet
    dialog.host.setText("db.example.org")
    dialog.database.setText("newsroom")
    dialog.user.setText("ann")
    dialog.password_field.setText("s3cret")
    assert dialog.connect_button.isEnabled()
    assert dialog.address() == "postgresql://ann@db.example.org:5432/newsroom"
    assert dialog.password() == "s3cret"
    assert dialog.password_field.echoMode() == dialog.password_field.EchoMode.Password


def test_the_dialog_starts_from_the_last_team_archive_and_says_what_failed(qtbot):
    dialog = ConnectDialog(
        None,
        last="postgresql://ann@db.example.org:6543/newsroom",
        problem="the server refused the password",
        keyring_available=False,
    )
    qtbot.addWidget(dialog)
    assert (dialog.host.text(), dialog.port.value(), dialog.database.text()) == (
        "db.example.org",
        6543,
        "newsroom",
    )
    assert dialog.user.text() == "ann"
    assert not dialog.problem.isHidden()
    assert "refused the password" in dialog.problem.text()
    # No keyring on this computer: the password cannot be remembered, and it says so.
    assert not dialog.remember.isEnabled()
    assert not dialog.remember.isChecked()
    assert "asked each time" in dialog.remember.toolTip()


def test_a_password_is_kept_in_the_keyring_under_the_address(memory_keyring):
    address = "postgresql://ann@db.example.org:5432/newsroom"
    assert credentials.keyring_available()
    assert credentials.save_password(address, "s3cret")
    assert memory_keyring.kept == {(credentials.SERVICE, address): "s3cret"}
    assert credentials.saved_password(address) == "s3cret"
    credentials.forget_password(address)
    assert credentials.saved_password(address) is None


def test_without_a_keyring_nothing_is_kept_and_nothing_fails():
    before = keyring.get_keyring()
    keyring.set_keyring(fail.Keyring())
    try:
        assert not credentials.keyring_available()
        assert not credentials.save_password("postgresql://ann@db/newsroom", "s3cret")
        assert credentials.saved_password("postgresql://ann@db/newsroom") is None
    finally:
        keyring.set_keyring(before)
