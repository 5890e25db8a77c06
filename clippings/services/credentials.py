"""A team archive's password, kept in the system's keyring (never in the settings).

The keyring is the desktop's own store (GNOME Keyring or KWallet through the Secret
Service, macOS Keychain, Windows Credential Locker), reached through the ``keyring``
library. Where there is none (a server without a desktop session), nothing is kept:
the command line then uses what PostgreSQL's own client reads, ``PGPASSWORD`` or
``~/.pgpass``, and the window asks each time.
"""

from __future__ import annotations

import logging

log = logging.getLogger(__name__)

#: The keyring's service name; the entry's user name is the archive's address.
SERVICE = "Clippings team archive"


def keyring_available() -> bool:
    """Whether this computer has a keyring that can keep a password."""
    try:
        import keyring
        from keyring.backends import fail

        return not isinstance(keyring.get_keyring(), fail.Keyring)
    except Exception:  # noqa: BLE001 - a broken keyring set-up is no keyring
        return False


def password_for(url: str, given: str | None = None) -> str | None:
    """The password to connect to the team archive at ``url`` with: the one ``given``,
    else none when the address carries its own, else the one kept in the keyring (None:
    PostgreSQL's client then looks in ``PGPASSWORD`` and ``~/.pgpass``)."""
    from clippings.address import display, password_in

    if given is not None or password_in(url) is not None:
        return given
    return saved_password(display(url))


def saved_password(address: str) -> str | None:
    """The password kept for ``address`` (``postgresql://user@host/db``), if any."""
    try:
        import keyring

        return keyring.get_password(SERVICE, address)
    except Exception as error:  # noqa: BLE001 - no keyring, a locked one: nothing kept
        log.info("no password from the keyring (%s)", error)
        return None


def save_password(address: str, password: str) -> bool:
    """Keep ``password`` for ``address``; False when there is no keyring to keep it in."""
    try:
        import keyring

        keyring.set_password(SERVICE, address, password)
    except Exception as error:  # noqa: BLE001 - no keyring: the user is told by the caller
        log.warning("the password could not be kept in the keyring (%s)", error)
        return False
    return True


def forget_password(address: str) -> None:
    try:
        import keyring

        keyring.delete_password(SERVICE, address)
    except Exception as error:  # noqa: BLE001 - nothing kept, or no keyring
        log.info("no password to forget (%s)", error)
