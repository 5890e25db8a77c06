"""The search field and the filters beside it.

Typing updates the results after a short pause (debounced). A query that cannot be
understood shows its message inline, under the field, never in a dialog.
"""

from __future__ import annotations

from datetime import date

from PySide6.QtCore import QDate, Qt, QTimer, Signal, Slot
from PySide6.QtGui import QKeyEvent
from PySide6.QtWidgets import (
    QComboBox,
    QDateEdit,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from clippings.model import SearchFilters
from clippings.ui.wording import short_date_format

DEBOUNCE_MS = 250

QUERY_HELP_HTML = """
<b>Search syntax</b>
<table cellspacing=4>
<tr><td><code>climate policy</code></td><td>both words, any form (policies, policy)</td></tr>
<tr><td><code>"climate policy"</code></td><td>the exact phrase</td></tr>
<tr><td><code>climate OR energy</code></td><td>either word</td></tr>
<tr><td><code>climate -coal</code>, <code>NOT coal</code></td><td>without a word</td></tr>
<tr><td><code>elect*</code></td><td>words starting with elect</td></tr>
<tr><td><code>title:summit</code>, <code>outlet:reuters</code></td><td>a word in one field</td></tr>
<tr><td><code>author:"Jane Doe"</code>, <code>lang:ru</code></td><td>author, language</td></tr>
<tr><td><code>tag:Russia</code></td><td>a tag and the tags below it</td></tr>
<tr><td><code>speaker:antonov</code></td><td>quoting someone (by last name)</td></tr>
<tr><td><code>published:2021-07</code></td><td>a year, month or day</td></tr>
<tr><td><code>published:[2021-07-01 to 2021-07-31]</code></td><td>a range, ends included</td></tr>
</table>
"""

NO_DATE = QDate(1900, 1, 1)


class OptionalDateEdit(QDateEdit):
    """A date field whose lowest value means "any date"."""

    def __init__(self, label: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setCalendarPopup(True)
        self.setDisplayFormat(short_date_format())
        self.setMinimumDate(NO_DATE)
        self.setSpecialValueText(label)
        self.setDate(NO_DATE)

    def value(self) -> date | None:
        chosen = self.date()
        return None if chosen == NO_DATE else date(chosen.year(), chosen.month(), chosen.day())

    def set_value(self, value: date | None) -> None:
        self.setDate(QDate(value.year, value.month, value.day) if value else NO_DATE)

    def keyPressEvent(self, event: QKeyEvent) -> None:  # noqa: N802
        # Tab leaves the field: QDateEdit keeps it to step through its sections, and
        # while it shows "any date" it swallows it (a keyboard trap). Arrows step.
        tab = event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
        if tab and not event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            backwards = event.key() == Qt.Key.Key_Backtab or bool(
                event.modifiers() & Qt.KeyboardModifier.ShiftModifier
            )
            QWidget.focusNextPrevChild(self, not backwards)
            return
        super().keyPressEvent(event)


class SearchBar(QWidget):
    """Signals:
    changed(str query, object filters): the query or a filter changed (debounced for
    typing, at once for filters).
    save_requested(): the user wants to save the current search.
    """

    changed = Signal(str, object)
    save_requested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.field = QLineEdit(self)
        self.field.setObjectName("searchField")
        self.field.setAccessibleName("Search clippings")
        self.field.setPlaceholderText('Search clippings (Ctrl+F) — words, "phrases", title:, tag:…')
        self.field.setClearButtonEnabled(True)
        # Files dropped here import, like anywhere on the window; they are not text to type.
        self.field.setAcceptDrops(False)
        self.field.setToolTip(QUERY_HELP_HTML)
        self.help_button = QToolButton(self)
        self.help_button.setText("?")
        self.help_button.setToolTip(QUERY_HELP_HTML)
        self.help_button.setAccessibleName("Search syntax")
        self.help_button.clicked.connect(self._on_help_button_clicked)
        self.save_button = QToolButton(self)
        self.save_button.setText("Save…")
        self.save_button.setToolTip("Save this search in the sidebar")
        self.save_button.clicked.connect(self.save_requested)
        self.date_from = OptionalDateEdit("from any date", self)
        self.date_to = OptionalDateEdit("to any date", self)
        self.date_from.setAccessibleName("Published from")
        self.date_to.setAccessibleName("Published until")
        self.outlet = self._combo("outletFilter", "Any outlet")
        self.language = self._combo("languageFilter", "Any language")
        self.tag = self._combo("tagFilter", "Any tag")
        self.count = QLabel("", self)
        self.count.setObjectName("hitCount")
        self.count.setMinimumWidth(self.count.fontMetrics().horizontalAdvance("000,000 found") + 8)
        self.error = QLabel("", self)
        self.error.setObjectName("queryError")
        self.error.setStyleSheet("color: #c0392b")
        self.error.setWordWrap(True)
        self.error.hide()

        top = QHBoxLayout()
        top.addWidget(self.field, 1)
        top.addWidget(self.help_button)
        top.addWidget(self.save_button)
        top.addWidget(self.count)
        filters = QHBoxLayout()
        for widget in (self.date_from, self.date_to, self.outlet, self.language, self.tag):
            filters.addWidget(widget)
        filters.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(filters)
        layout.addWidget(self.error)

        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(DEBOUNCE_MS)
        self._timer.timeout.connect(self._emit)
        self._quiet = False
        self.field.textChanged.connect(self._on_field_text_changed)
        self.field.returnPressed.connect(self._emit)
        for editor in (self.date_from, self.date_to):
            editor.dateChanged.connect(self._on_filter_changed)
        for combo in (self.outlet, self.language, self.tag):
            combo.currentIndexChanged.connect(self._on_filter_changed)

    def _combo(self, name: str, label: str) -> QComboBox:
        combo = QComboBox(self)
        combo.setObjectName(name)
        # "Any outlet" → "Filter by outlet": a screen reader names the control, not its value.
        combo.setAccessibleName("Filter by " + label.removeprefix("Any "))
        combo.addItem(label, None)
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToContents)
        combo.setMaximumWidth(220)
        return combo

    # --- State ------------------------------------------------------------------------

    def query(self) -> str:
        return self.field.text().strip()

    def filters(self) -> SearchFilters:
        return SearchFilters(
            date_from=self.date_from.value(),
            date_to=self.date_to.value(),
            outlet=self.outlet.currentData(),
            language=self.language.currentData(),
            tag=self.tag.currentData(),
        )

    def set_choices(
        self, outlets: list[tuple[str, int]], languages: list[tuple[str, int]], tags: list[str]
    ) -> None:
        """Fill the filter lists, keeping what is chosen."""
        self._quiet = True
        try:
            for combo, values in (
                (self.outlet, [(name, f"{name} ({n})") for name, n in outlets]),
                (self.language, [(code, f"{code} ({n})") for code, n in languages]),
                (self.tag, [(name, name) for name in tags]),
            ):
                chosen = combo.currentData()
                while combo.count() > 1:
                    combo.removeItem(1)
                for value, label in values:
                    combo.addItem(label, value)
                found = combo.findData(chosen) if chosen is not None else 0
                if chosen is not None and found < 0:
                    combo.addItem(str(chosen), chosen)
                    found = combo.count() - 1
                combo.setCurrentIndex(max(found, 0))
        finally:
            self._quiet = False

    def set_search(self, query: str, filters: SearchFilters) -> None:
        """Show a saved search (and run it)."""
        self._quiet = True
        try:
            self.field.setText(query)
            self.date_from.set_value(filters.date_from)
            self.date_to.set_value(filters.date_to)
            for combo, value in (
                (self.outlet, filters.outlet),
                (self.language, filters.language),
                (self.tag, filters.tag),
            ):
                found = combo.findData(value) if value else 0
                if value and found < 0:
                    combo.addItem(value, value)
                    found = combo.count() - 1
                combo.setCurrentIndex(found)
        finally:
            self._quiet = False
        self._emit()

    def set_tag(self, tag: str | None) -> None:
        found = self.tag.findData(tag) if tag else 0
        if tag and found < 0:
            self.tag.addItem(tag, tag)
            found = self.tag.count() - 1
        self.tag.setCurrentIndex(found)

    def clear(self) -> None:
        self.set_search("", SearchFilters())

    def reset_quietly(self) -> None:
        """Empty the field and the filters without running a search (another view)."""
        self._quiet = True
        try:
            self.field.clear()
            self.date_from.set_value(None)
            self.date_to.set_value(None)
            for combo in (self.outlet, self.language, self.tag):
                combo.setCurrentIndex(0)
        finally:
            self._quiet = False
        self._timer.stop()

    def show_error(self, message: str) -> None:
        self.error.setText(message)
        self.error.setVisible(bool(message))
        self.field.setProperty("invalid", bool(message))

    def show_count(self, text: str) -> None:
        self.count.setText(text)

    # --- Slots ------------------------------------------------------------------------

    @Slot(str)
    def _on_field_text_changed(self, _text: str) -> None:
        if not self._quiet:
            self._timer.start()

    @Slot()
    def _on_filter_changed(self) -> None:
        if not self._quiet:
            self._emit()

    @Slot()
    def _emit(self) -> None:
        self._timer.stop()
        self.changed.emit(self.query(), self.filters())

    @Slot()
    def _on_help_button_clicked(self) -> None:
        from PySide6.QtWidgets import QToolTip

        QToolTip.showText(
            self.help_button.mapToGlobal(self.help_button.rect().bottomLeft()),
            QUERY_HELP_HTML,
            self.help_button,
        )

    def flush(self) -> None:
        """Run a pending debounced search now (tests, Enter)."""
        if self._timer.isActive():
            self._emit()
