"""The Stories view: clippings grouped by event, each story's reports by time."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal, Slot
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QSlider,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from clippings.model import Story, published_to_iso

IdRole = Qt.ItemDataRole.UserRole + 30

#: The slider's range maps to these thresholds (how alike reports must be).
THRESHOLD_STEPS = 20


class StoriesView(QWidget):
    """Signals:
    clipping_chosen(int): a clipping of a story was selected.
    threshold_changed(float): the user moved the "how alike" slider (0..1).
    """

    clipping_chosen = Signal(int)
    threshold_changed = Signal(float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.tree = QTreeWidget(self)
        self.tree.setObjectName("storiesTree")
        self.tree.setAccessibleName("Stories")
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels(["Story / clipping", "Outlet", "Published"])
        self.tree.setAlternatingRowColors(True)
        self.slider = QSlider(Qt.Orientation.Horizontal, self)
        self.slider.setObjectName("storyThreshold")
        self.slider.setAccessibleName("How alike reports must be to join a story")
        self.slider.setRange(1, THRESHOLD_STEPS - 1)
        self.slider.setToolTip("How alike two reports must be to count as the same story")
        self.summary = QLabel("", self)
        top = QHBoxLayout()
        top.addWidget(QLabel("Group loosely", self))
        top.addWidget(self.slider, 1)
        top.addWidget(QLabel("strictly", self))
        top.addWidget(self.summary)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 0)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        self.tree.currentItemChanged.connect(self._on_tree_current_item_changed)
        self.slider.sliderReleased.connect(self._on_slider_released)
        self.slider.valueChanged.connect(self._on_slider_value_changed)

    def threshold(self) -> float:
        return self.slider.value() / THRESHOLD_STEPS

    def set_threshold(self, value: float) -> None:
        self.slider.blockSignals(True)
        self.slider.setValue(round(value * THRESHOLD_STEPS))
        self.slider.blockSignals(False)

    def show_pending(self) -> None:
        self.tree.clear()
        self.summary.setText("grouping…")

    @Slot(object)
    def show_stories(self, stories: list[Story]) -> None:
        self.tree.clear()
        for story in stories:
            copies = (
                f", {story.copies} cop{'ies' if story.copies != 1 else 'y'}" if story.copies else ""
            )
            outlets = len(story.outlets)
            top = QTreeWidgetItem(
                self.tree,
                [f"{story.title}  ({len(story.clippings)} reports, {outlets} outlets{copies})"],
            )
            font = top.font(0)
            font.setBold(True)
            top.setFont(0, font)
            for row in story.clippings:
                first = "  ★ first" if row.id == story.first else ""
                child = QTreeWidgetItem(
                    top,
                    [
                        row.title + first,
                        row.outlet or "",
                        (published_to_iso(row.published) or "")[:16].replace("T", " "),
                    ],
                )
                child.setData(0, IdRole, row.id)
            top.setExpanded(True)
        self.tree.resizeColumnToContents(1)
        self.tree.setColumnWidth(0, max(self.tree.columnWidth(0), 420))
        count = len(stories)
        self.summary.setText(f"{count} stor{'ies' if count != 1 else 'y'}")

    @Slot(QTreeWidgetItem, QTreeWidgetItem)
    def _on_tree_current_item_changed(
        self, current: QTreeWidgetItem | None, _previous: QTreeWidgetItem | None
    ) -> None:
        if current is not None and current.data(0, IdRole) is not None:
            self.clipping_chosen.emit(int(current.data(0, IdRole)))

    @Slot()
    def _on_slider_released(self) -> None:
        self.threshold_changed.emit(self.threshold())

    @Slot(int)
    def _on_slider_value_changed(self, _value: int) -> None:
        if not self.slider.isSliderDown():
            self.threshold_changed.emit(self.threshold())
