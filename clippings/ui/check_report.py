"""What Tools › Check Archive found, in plain words, with a way to repair it."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtWidgets import QMessageBox, QWidget

from clippings.model import CheckProblem

#: How many problems the message lists before "and N more".
SHOWN = 12


def describe(problems: Sequence[CheckProblem], repaired: Sequence[str] = ()) -> tuple[str, str]:
    """(headline, details) for the check's result."""
    done = "".join(f"Repaired: {line}.\n" for line in repaired)
    if not problems:
        return "The archive is sound.", done + (
            "The database, every original file and the search index were checked."
        )
    errors = [p for p in problems if p.severity == "error"]
    warnings = [p for p in problems if p.severity != "error"]
    parts = []
    if errors:
        parts.append(f"{len(errors)} problem{'s' if len(errors) != 1 else ''}")
    if warnings:
        parts.append(f"{len(warnings)} leftover{'s' if len(warnings) != 1 else ''}")
    headline = "The check found " + " and ".join(parts) + "."
    lines = [f"• {p.message[0].upper()}{p.message[1:]}" for p in [*errors, *warnings][:SHOWN]]
    if len(problems) > SHOWN:
        lines.append(f"… and {len(problems) - SHOWN} more")
    if any(p.repairable for p in problems):
        lines.append("\nRepair fixes what can be fixed without losing anything.")
    if any(p.kind in ("original-missing", "original-altered") for p in problems):
        lines.append(
            "A missing or altered original cannot be made up: import the same file again "
            "to put it back, or restore the archive from a backup."
        )
    return headline, done + "\n".join(lines)


def show_check_result(
    parent: QWidget,
    problems: Sequence[CheckProblem],
    *,
    repaired: Sequence[str] = (),
    can_repair: bool = True,
) -> bool:
    """Show what the check found; True when the user asks to repair."""
    headline, details = describe(problems, repaired)
    box = QMessageBox(parent)
    box.setWindowTitle("Check Archive")
    box.setIcon(
        QMessageBox.Icon.Warning
        if any(p.severity == "error" for p in problems)
        else QMessageBox.Icon.Information
    )
    box.setText(headline)
    box.setInformativeText(details)
    repair = None
    if can_repair and any(p.repairable for p in problems):
        repair = box.addButton("&Repair", QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QMessageBox.StandardButton.Close)
    box.exec()
    return repair is not None and box.clickedButton() is repair
