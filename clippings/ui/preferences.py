"""Edit › Preferences…: the settings of the open archive: its search engine and the
languages of its scans.

Each archive records the engine its search index uses. Whoosh (pure Python) is the
default; tantivy answers far faster once an archive holds tens of thousands of
clippings. Switching builds the other engine's index in the background; the archive
keeps working with the old one until the new one is complete.

Text recognition (OCR) of scans and photos picks its languages from the script it finds
on each page, or uses the languages chosen here (the command line's ``--ocr-lang``).
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (
    QButtonGroup,
    QDialog,
    QDialogButtonBox,
    QGroupBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
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

#: Tesseract's language codes as people name the languages (others show their code).
LANGUAGE_NAMES = {
    "ara": "Arabic",
    "chi_sim": "Chinese (simplified)",
    "chi_tra": "Chinese (traditional)",
    "ces": "Czech",
    "dan": "Danish",
    "deu": "German",
    "ell": "Greek",
    "eng": "English",
    "fin": "Finnish",
    "fra": "French",
    "heb": "Hebrew",
    "hin": "Hindi",
    "hun": "Hungarian",
    "ita": "Italian",
    "jpn": "Japanese",
    "kor": "Korean",
    "nld": "Dutch",
    "nor": "Norwegian",
    "pol": "Polish",
    "por": "Portuguese",
    "ron": "Romanian",
    "rus": "Russian",
    "spa": "Spanish",
    "swe": "Swedish",
    "tur": "Turkish",
    "ukr": "Ukrainian",
}

#: The link in the hint that opens the switch.
SWITCH_LINK = "switch-engine"


def engine_name(engine: str) -> str:
    """An engine as the user sees it."""
    return {"tantivy": "tantivy", "postgresql": "PostgreSQL"}.get(engine, "Whoosh")


def engine_hint(engine: str, clippings: int) -> str | None:
    """The one-time suggestion to switch to tantivy (HTML with a link), or None."""
    if engine != "whoosh" or clippings < ENGINE_HINT_SIZE:
        return None
    return (
        f"This archive holds {clippings:,} clippings: searches are much faster with the "
        f'tantivy search engine. <a href="{SWITCH_LINK}">Switch to tantivy…</a> '
        "(Edit › Preferences… switches back at any time.)"
    )


def language_label(code: str) -> str:
    """``German (deu)``; a code without a known name stays as it is."""
    name = LANGUAGE_NAMES.get(code)
    return f"{name} ({code})" if name else code


class PreferencesDialog(QDialog):
    """The archive's settings: which search engine indexes it, which languages its
    scans are read in."""

    def __init__(
        self,
        engine: str,
        clippings: int,
        *,
        read_only: bool,
        ocr_available: Sequence[str] = (),
        ocr_chosen: Sequence[str] = (),
        parent: QWidget | None = None,
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
            button.setEnabled(not read_only and engine != "postgresql")
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
        if engine == "postgresql":
            status = (
                f"This team archive holds {clippings:,} clipping{'s' if clippings != 1 else ''} "
                "and is searched on its server (PostgreSQL), by everyone alike."
            )
        elif read_only:
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
        layout.addWidget(self._ocr_box(ocr_available, ocr_chosen, read_only=read_only))
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout.addWidget(buttons)
        self.resize(460, self.sizeHint().height())

    def _ocr_box(
        self, available: Sequence[str], chosen: Sequence[str], *, read_only: bool
    ) -> QGroupBox:
        box = QGroupBox("Languages of scans and photos (text recognition)", self)
        box_layout = QVBoxLayout(box)
        self.ocr_automatic = QRadioButton("&Automatic: the script found on each page picks", box)
        self.ocr_automatic.setObjectName("ocrAutomatic")
        self.ocr_listed = QRadioButton("&These languages:", box)
        self.ocr_listed.setObjectName("ocrListed")
        group = QButtonGroup(box)
        group.addButton(self.ocr_automatic)
        group.addButton(self.ocr_listed)
        self.ocr_languages = QListWidget(box)
        self.ocr_languages.setObjectName("ocrLanguages")
        self.ocr_languages.setMaximumHeight(140)
        for code in sorted(set(available) | set(chosen), key=language_label):
            item = QListWidgetItem(language_label(code), self.ocr_languages)
            item.setData(Qt.ItemDataRole.UserRole, code)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if code in chosen else Qt.CheckState.Unchecked)
        self.ocr_automatic.setChecked(not chosen)
        self.ocr_listed.setChecked(bool(chosen))
        self.ocr_languages.setEnabled(bool(chosen) and not read_only)
        self.ocr_listed.toggled.connect(
            lambda on: self.ocr_languages.setEnabled(on and not read_only)
        )
        for widget in (self.ocr_automatic, self.ocr_listed):
            widget.setEnabled(not read_only)
            box_layout.addWidget(widget)
        box_layout.addWidget(self.ocr_languages)
        if not available:
            missing = QLabel(
                "Text recognition is not installed: scans are kept without text until "
                "Tesseract is (the setup script installs it).",
                box,
            )
            missing.setWordWrap(True)
            box_layout.addWidget(missing)
        self._ocr_was = tuple(chosen)
        return box

    def chosen_ocr_languages(self) -> tuple[str, ...]:
        """The OCR languages chosen (empty: automatic)."""
        if self.ocr_automatic.isChecked():
            return ()
        codes = []
        for row in range(self.ocr_languages.count()):
            item = self.ocr_languages.item(row)
            if item.checkState() == Qt.CheckState.Checked:
                codes.append(str(item.data(Qt.ItemDataRole.UserRole)))
        return tuple(codes)

    def ocr_languages_changed(self) -> bool:
        return self.chosen_ocr_languages() != self._ocr_was

    def chosen_engine(self) -> str:
        """The engine the user chose (the current one when unchanged)."""
        for key, button in self.buttons.items():
            if button.isChecked():
                return key
        return self.current
