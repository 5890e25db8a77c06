"""Edit › Preferences…: the settings of the open archive, starting with its search engine.

Each archive records the engine its search index uses. Whoosh (pure Python) is the
default; tantivy answers far faster once an archive holds tens of thousands of
clippings. Switching builds the other engine's index in the background; the archive
keeps working with the old one until the new one is complete.
"""

from __future__ import annotations

from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QRadioButton,
    QVBoxLayout,
    QWidget,
)

#: From this many clippings the window suggests tantivy, once per archive.
ENGINE_HINT_SIZE = 20_000

#: The engines, as the user sees them: (engine, label, explanation).
ENGINES = (
    ("whoosh", "&Whoosh", "The default. Written in Python; fast enough for most archives."),
    (
        "tantivy",
        "&tantivy",
        "Much faster searches and index rebuilds in archives of tens of thousands of clippings.",
    ),
)

#: The link in the hint that opens the switch.
SWITCH_LINK = "switch-engine"


def engine_name(engine: str) -> str:
    """An engine as the user sees it."""
    return "tantivy" if engine == "tantivy" else "Whoosh"


def engine_hint(engine: str, clippings: int) -> str | None:
    """The one-time suggestion to switch to tantivy (HTML with a link), or None."""
    if engine != "whoosh" or clippings < ENGINE_HINT_SIZE:
        return None
    return (
        f"This archive holds {clippings:,} clippings: searches are much faster with the "
        f'tantivy search engine. <a href="{SWITCH_LINK}">Switch to tantivy…</a> '
        "(Edit › Preferences… switches back at any time.)"
    )


class PreferencesDialog(QDialog):
    """The archive's settings: which search engine indexes it."""

    def __init__(
        self, engine: str, clippings: int, *, read_only: bool, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Preferences")
        self.setObjectName("preferencesDialog")
        self.current = engine
        layout = QVBoxLayout(self)
        box = QGroupBox("Search engine of this archive", self)
        box_layout = QVBoxLayout(box)
        self.group = QButtonGroup(self)
        self.buttons: dict[str, QRadioButton] = {}
        for key, label, explanation in ENGINES:
            button = QRadioButton(label, box)
            button.setObjectName(f"engine_{key}")
            button.setChecked(key == engine)
            button.setEnabled(not read_only)
            self.group.addButton(button)
            self.buttons[key] = button
            note = QLabel(explanation, box)
            note.setWordWrap(True)
            note.setIndent(24)
            note.setBuddy(button)
            box_layout.addWidget(button)
            box_layout.addWidget(note)
        status = (
            f"This archive holds {clippings:,} clipping{'s' if clippings != 1 else ''} and is "
            f"searched with {engine_name(engine)}."
        )
        if read_only:
            status += " It is open read-only, so its engine cannot be changed."
        else:
            status += (
                " Switching builds a new search index in the background (under a minute "
                "per 50,000 clippings with tantivy, about five with Whoosh); until it is "
                "complete, searches use the current one."
            )
        self.status = QLabel(status, box)
        self.status.setObjectName("engineStatus")
        self.status.setWordWrap(True)
        box_layout.addWidget(self.status)
        layout.addWidget(box)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def chosen_engine(self) -> str:
        """The engine the user chose (the current one when unchanged)."""
        for key, button in self.buttons.items():
            if button.isChecked():
                return key
        return self.current
