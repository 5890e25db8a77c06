"""File › Connect to Team Archive…: a team archive's server, database and account.

The password goes to the system's keyring when the user asks (``services.credentials``),
never into the window's settings; the settings keep the address without it.
"""

from __future__ import annotations

import getpass
from urllib.parse import quote, urlsplit

from PySide6.QtWidgets import (
    QCheckBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from clippings.address import display, is_server_url


class ConnectDialog(QDialog):
    """Asks where a team archive is and who connects; ``address()`` and ``password()``
    after it is accepted."""

    def __init__(
        self,
        parent: QWidget | None,
        *,
        last: str | None = None,
        problem: str | None = None,
        keyring_available: bool = True,
    ) -> None:
        super().__init__(parent)
        self.setObjectName("connectDialog")
        self.setWindowTitle("Connect to Team Archive")
        intro = QLabel(
            "A team archive lives on a PostgreSQL server that several people share. "
            "Its admin gives you the server's name, the database and your account.",
            self,
        )
        intro.setWordWrap(True)
        self.problem = QLabel(problem or "", self)
        self.problem.setObjectName("connectProblem")
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #b00020")
        self.problem.setVisible(bool(problem))
        self.host = QLineEdit(self)
        self.host.setObjectName("connectHost")
        self.host.setAccessibleName("Server")
        self.host.setPlaceholderText("db.example.org")
        self.port = QSpinBox(self)
        self.port.setObjectName("connectPort")
        self.port.setAccessibleName("Port")
        self.port.setRange(1, 65535)
        self.port.setValue(5432)
        self.database = QLineEdit(self)
        self.database.setObjectName("connectDatabase")
        self.database.setAccessibleName("Database")
        self.database.setPlaceholderText("newsroom")
        self.user = QLineEdit(self)
        self.user.setObjectName("connectUser")
        self.user.setAccessibleName("User name")
        self.user.setText(getpass.getuser())
        self.password_field = QLineEdit(self)
        self.password_field.setObjectName("connectPassword")
        self.password_field.setAccessibleName("Password")
        self.password_field.setEchoMode(QLineEdit.EchoMode.Password)
        self.remember = QCheckBox("&Remember the password in the system's keyring", self)
        self.remember.setObjectName("connectRemember")
        self.remember.setChecked(keyring_available)
        self.remember.setEnabled(keyring_available)
        if not keyring_available:
            self.remember.setToolTip(
                "This computer has no keyring: the password is asked each time."
            )
        form = QFormLayout()
        form.addRow("&Server:", self.host)
        form.addRow("P&ort:", self.port)
        form.addRow("&Database:", self.database)
        form.addRow("&User name:", self.user)
        form.addRow("&Password:", self.password_field)
        form.addRow("", self.remember)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        self.connect_button = self.buttons.button(QDialogButtonBox.StandardButton.Ok)
        self.connect_button.setText("&Connect")
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.problem)
        layout.addLayout(form)
        layout.addWidget(self.buttons)
        for field in (self.host, self.database, self.user):
            field.textChanged.connect(self._update)
        if last and is_server_url(last):
            self._fill(last)
        self._update()
        (self.password_field if self.host.text() else self.host).setFocus()

    def _fill(self, address: str) -> None:
        parts = urlsplit(display(address))
        self.host.setText(parts.hostname or "")
        self.port.setValue(parts.port or 5432)
        self.database.setText(parts.path.strip("/"))
        if parts.username:
            self.user.setText(parts.username)

    def _update(self) -> None:
        ready = all(f.text().strip() for f in (self.host, self.database, self.user))
        self.connect_button.setEnabled(ready)

    def address(self) -> str:
        """The team archive's address, without the password."""
        host = self.host.text().strip()
        if ":" in host and not host.startswith("["):
            host = f"[{host}]"  # an IPv6 address
        user = quote(self.user.text().strip(), safe="")
        database = quote(self.database.text().strip(), safe="")
        return f"postgresql://{user}@{host}:{self.port.value()}/{database}"

    def password(self) -> str | None:
        """The password typed, or None (the server may need none, or ``~/.pgpass`` has it)."""
        return self.password_field.text() or None
