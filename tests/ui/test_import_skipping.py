"""What the window says about files that are not articles, and the formats it offers."""

from __future__ import annotations

import json
import shutil

from PySide6.QtWidgets import QFileDialog

from clippings import importers
from clippings.ui.importing import import_file_filter

MIT = (
    "MIT License\n\nPermission is hereby granted, free of charge, to any person obtaining "
    'a copy\nof this software.\n\nTHE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY.\n'
)


def test_the_import_summary_lists_skipped_files_with_their_reasons(qtbot, window, seed, tmp_path):
    folder = tmp_path / "press"
    folder.mkdir()
    shutil.copy(seed, folder / "seed.txt")
    (folder / "ground-truth.json").write_text(json.dumps({"1": {"articleBody": "..."}}))
    (folder / "LICENSE").write_text(MIT)
    (folder / "notes.txt").write_text(json.dumps([{"title": "a"}, {"title": "b"}]))

    with qtbot.waitSignal(window.jobs.idle, timeout=60_000):
        window.import_paths([folder])

    dialog = window.summary_dialog
    assert dialog is not None and dialog.isVisible()
    text = dialog.browser.toPlainText()
    assert "1 imported, 3 skipped" in text
    assert "Skipped (3)" in text
    assert "ground-truth.json in " in text and "a JSON data file, not an article" in text
    assert "LICENSE in " in text and "a licence text, not an article" in text
    assert "notes.txt in " in text  # judged by its bytes: a .txt holding JSON
    assert "1 imported, 3 skipped" in window.statusBar().currentMessage()
    assert window.model.rowCount() == 1
    dialog.close()


def test_the_import_dialog_offers_every_format_the_importers_read(window, monkeypatch):
    offered = []

    def choose(parent, caption, folder, filters):
        offered.append(filters)
        return [], ""

    monkeypatch.setattr(QFileDialog, "getOpenFileNames", staticmethod(choose))
    window.importing.choose_files()

    assert offered == [import_file_filter()]
    filters = offered[0].split(";;")
    assert filters[0].startswith("All articles (") and filters[-1] == "All files (*)"
    every = set(filters[0].removeprefix("All articles (").removesuffix(")").split())
    for importer in importers.importers():
        assert {f"*{suffix}" for suffix in importer.suffixes} <= every, importer.name
        # ... and each format has a filter of its own, named as a person would.
        label = getattr(importer, "label", importer.name)
        assert any(f.startswith(f"{label} (") for f in filters[1:-1]), label
    assert "*.zip" in every  # bundles
