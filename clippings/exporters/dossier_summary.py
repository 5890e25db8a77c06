"""The dossier's sections (by sub-tag) and its summary page (counts per outlet and day).

A press review is read by topic: when the clippings of a dossier share a tag (the one
exported, "Russia"), its sections are that tag's children ("Russia/Economy",
"Russia/Politics"), each clipping in the first of its sub-tags, those without one in
"Other clippings" at the end. Without a common tag, the top-level tags make the
sections. Fewer than two sections make none: the dossier is then one list. The order
of the collection (by date, then title) is kept inside every section.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from typing import Final

from PySide6.QtCore import Qt
from PySide6.QtGui import QTextCharFormat, QTextCursor, QTextDocument, QTextLength, QTextTableFormat

from clippings.exporters.dossier_layout import (
    FORMAT_PT,
    Typesetter,
    block_format,
    char_format,
    date_range,
    day_words,
    main_language,
    plural,
)
from clippings.model import Clipping, Collection, tag_ancestors

OTHER: Final = "Other clippings"
NO_OUTLET: Final = "Outlet unknown"


@dataclass(frozen=True)
class Section:
    """Clippings under one heading (``name`` None: the dossier has no sections)."""

    name: str | None
    clippings: tuple[Clipping, ...]


def sections(collection: Collection) -> list[Section]:
    """The clippings grouped by sub-tag, in the order they are printed (see the module)."""
    clippings = collection.clippings
    carried = [{a for tag in c.tags for a in tag_ancestors(tag)} for c in clippings]
    common = set.intersection(*carried) if carried else set()
    root = max(common, key=lambda t: (t.count("/"), t), default="")
    prefix = f"{root}/" if root else ""
    groups: dict[str, list[Clipping]] = {}
    for clipping, tags in zip(clippings, carried, strict=True):
        children = sorted(
            t for t in tags if t.startswith(prefix) and "/" not in t[len(prefix) :] and t != root
        )
        key = children[0] if children else ""
        groups.setdefault(key, []).append(clipping)
    named = sorted((k for k in groups if k), key=str.casefold)
    if len(named) + (1 if "" in groups else 0) < 2:
        return [Section(None, clippings)]
    result = [Section(key[len(prefix) :], tuple(groups[key])) for key in named]
    if "" in groups:
        result.append(Section(OTHER, tuple(groups[""])))
    return result


def _day(value: date | datetime) -> date:
    return value.date() if isinstance(value, datetime) else value


def summary_document(
    setter: Typesetter, collection: Collection, parts: Sequence[Section]
) -> QTextDocument:
    """The summary: totals, then clippings per section, per outlet and per day."""
    document = setter.new_document()
    cursor = QTextCursor(document)
    pt = FORMAT_PT
    clippings = collection.clippings
    cursor.setBlockFormat(block_format(space_after=10 * pt))
    setter.insert(cursor, "Summary", char_format(setter, sans=True, points=20, bold=True))
    outlets = Counter(c.outlet or NO_OUTLET for c in clippings)
    days = Counter(_day(c.published) for c in clippings if c.published is not None)
    undated = sum(1 for c in clippings if c.published is None)
    lines = [
        f"{plural(len(clippings), 'clipping')} from {plural(len(outlets), 'outlet')}",
        date_range(collection),
    ]
    text = char_format(setter, sans=True, points=10.5)
    for line in lines:
        cursor.insertBlock(block_format(space_after=2 * pt))
        setter.insert(cursor, line, text)

    if parts[0].name is not None:
        _heading(setter, cursor, "Clippings per section")
        counts = [(p.name or "", len(p.clippings)) for p in parts]
        languages = [main_language(p.clippings) for p in parts]
        _table(setter, cursor, counts, columns=1, languages=languages)
    _heading(setter, cursor, "Clippings per outlet")
    by_count = sorted(outlets.items(), key=lambda item: (-item[1], item[0].casefold()))
    by_outlet: dict[str, list[Clipping]] = {}
    for clipping in clippings:
        by_outlet.setdefault(clipping.outlet or NO_OUTLET, []).append(clipping)
    languages = [main_language(by_outlet[outlet]) for outlet, _ in by_count]
    _table(setter, cursor, by_count, columns=2, languages=languages)
    _heading(setter, cursor, "Clippings per day")
    per_day = [(day_words(day), count) for day, count in sorted(days.items())]
    if undated:
        per_day.append(("No date", undated))
    _table(setter, cursor, per_day, columns=3)
    return document


def _heading(setter: Typesetter, cursor: QTextCursor, text: str) -> None:
    cursor.movePosition(QTextCursor.MoveOperation.End)
    cursor.insertBlock(block_format(space_before=16 * FORMAT_PT, space_after=6 * FORMAT_PT))
    setter.insert(cursor, text, char_format(setter, sans=True, points=12.5, bold=True))


def _table(
    setter: Typesetter,
    cursor: QTextCursor,
    counts: Sequence[tuple[str, int]],
    columns: int,
    languages: Sequence[str | None] = (),
) -> None:
    """Names and counts, ``columns`` pairs side by side, filled down each column first;
    each name in the faces of its language (``languages``, one per name, if given)."""
    rows = max(1, -(-len(counts) // columns))
    table_format = QTextTableFormat()
    table_format.setBorder(0)
    table_format.setCellPadding(1.5 * FORMAT_PT)
    table_format.setCellSpacing(0)
    table_format.setWidth(QTextLength(QTextLength.Type.PercentageLength, 100))
    share = 100 / columns
    widths = []
    for _ in range(columns):
        widths += [
            QTextLength(QTextLength.Type.PercentageLength, share * 0.78),
            QTextLength(QTextLength.Type.PercentageLength, share * 0.22),
        ]
    table_format.setColumnWidthConstraints(widths)
    cursor.beginEditBlock()
    table = cursor.insertTable(rows, 2 * columns, table_format)
    names: dict[str | None, QTextCharFormat] = {None: char_format(setter, sans=True, points=9.5)}
    for language in set(languages) - {None}:
        names[language] = char_format(setter, sans=True, points=9.5, language=language)
    number = char_format(setter, sans=True, points=9.5, bold=True)
    for index, (label, count) in enumerate(counts):
        row, column = index % rows, index // rows
        cell = table.cellAt(row, 2 * column).firstCursorPosition()
        language = languages[index] if index < len(languages) else None
        setter.insert(cell, label, names[language])
        right = table.cellAt(row, 2 * column + 1).firstCursorPosition()
        aligned = block_format()
        # Gap before the next pair of columns.
        aligned.setRightMargin(10 * FORMAT_PT if column < columns - 1 else 0)
        aligned.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        right.setBlockFormat(aligned)
        setter.insert(right, str(count), number)
    cursor.endEditBlock()
    cursor.movePosition(QTextCursor.MoveOperation.End)
