"""Importing real files: batches, duplicates, bad files, and nothing half-stored."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime
from pathlib import Path

import pytest

from clippings.model import Progress
from clippings.services import import_paths


def originals_on_disk(archive):
    return sorted(archive.originals.stored())


def test_a_mixed_folder_imports_recursively_and_one_bad_file_never_stops_it(
    archive, corpus, seed, tmp_path
):
    folder = tmp_path / "drop"
    (folder / "pages" / "Saved page_files").mkdir(parents=True)
    (folder / "pdf").mkdir()
    shutil.copy(seed, folder / "seed.txt")
    shutil.copy(corpus / "readability/test-pages/nytimes-1/source.html", folder / "pages/ny.html")
    (folder / "pages" / "Saved page_files" / "style.css").write_text("body { color: red }")
    shutil.copy(corpus / "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf", folder / "pdf")
    shutil.copy(corpus / "pdf/pdfplumber/malformed-from-issue-932.pdf", folder / "pdf/bad.pdf")
    (folder / "pdf" / "truncated.pdf").write_bytes(
        (corpus / "pdf/pdfminer.six/simple1.pdf").read_bytes()[:40]
    )
    shutil.copy(corpus / "pdf/pdfplumber/password-example.pdf", folder / "pdf/locked.pdf")
    shutil.copy(corpus / "pdf/pdfminer.six/contrib/pdf-with-jbig2.pdf", folder / "pdf/scan.pdf")
    (folder / "photo.png").write_bytes(b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 8)
    (folder / ".hidden.txt").write_text("not imported")

    progress: list[Progress] = []
    report = import_paths(archive, [folder], report=progress.append)

    outcomes = {r.path.replace(str(folder) + "/", ""): r for r in report.results}
    assert outcomes["seed.txt"].outcome == "imported"
    assert outcomes["pages/ny.html"].outcome == "imported"
    assert outcomes["pdf/issue-00352-asw-oct96-p41.pdf"].outcome == "imported"
    assert outcomes["pdf/truncated.pdf"].outcome == "failed"
    assert outcomes["pdf/locked.pdf"].outcome == "failed"
    assert outcomes["pdf/locked.pdf"].needs_password
    assert "password" in outcomes["pdf/locked.pdf"].reason
    # An image that cannot be decoded is a damaged file of a known kind.
    assert outcomes["photo.png"].outcome == "failed"
    assert "damaged" in outcomes["photo.png"].reason
    # A scan with no text layer is recognised (OCR).
    scan = outcomes["pdf/scan.pdf"]
    assert scan.outcome == "imported" and not scan.without_text
    assert archive.get(scan.id).provenance["text"] == "ocr"
    assert "Saved page_files/style.css" not in outcomes and ".hidden.txt" not in outcomes
    assert progress[-1].done == progress[-1].total == len(report.results)

    # Every imported file is in the archive and searchable; failures left nothing behind.
    imported = report.of("imported")
    assert archive.count() == len(imported)
    assert len(originals_on_disk(archive)) == len(imported)
    assert archive.search("Antonov").total == 1
    assert archive.search('"losing the cabin"').total == 1
    assert archive.check() == []


def test_a_password_opens_a_protected_pdf(archive, corpus, tmp_path):
    locked = tmp_path / "locked.pdf"
    shutil.copy(corpus / "pdf/pdfplumber/password-example.pdf", locked)
    wrong = import_paths(archive, [locked], passwords={str(locked): "nope"})
    assert wrong.results[0].needs_password
    right = import_paths(archive, [locked], passwords={str(locked): "test"})
    assert right.results[0].outcome == "imported"


def test_the_seed_imports_as_the_issue_asks(archive, seed):
    report = import_paths(archive, [seed])
    clipping = archive.get(report.results[0].id)
    assert clipping.published == datetime(2021, 7, 25, 5, 5, tzinfo=UTC)
    for chrome in ("Listen Live", "Get short URL", "Community standards", "Discussion"):
        assert chrome not in clipping.text
    assert clipping.text.startswith("Russia-US relations deteriorated")
    assert clipping.text.count("\n\n") >= 10
    assert clipping.provenance["title"] == "derived"
    assert 10 < len(clipping.title) <= 101
    assert clipping.original_name == seed.name
    assert archive.original(clipping.id) == seed.read_bytes()


def test_nothing_half_stored_when_the_database_write_fails(archive, seed, monkeypatch):
    def fail(*args, **kwargs):
        raise RuntimeError("disk full")

    monkeypatch.setattr(archive.store, "add_many", fail)  # a batch of files
    monkeypatch.setattr(archive.store, "add_new", fail)  # then each file alone
    report = import_paths(archive, [seed])
    assert report.results[0].outcome == "failed"
    assert "disk full" in report.results[0].reason
    assert originals_on_disk(archive) == []
    assert archive.count() == 0


def test_cancel_keeps_what_was_imported(archive, corpus):
    folder = corpus / "ecbplus" / "text" / "3"
    total = len(list(folder.glob("*.txt")))
    progress: list[Progress] = []

    # Cancel once two files are read: those taken for storing are stored, the rest
    # (read or not) are not.
    report = import_paths(
        archive,
        [folder],
        report=progress.append,
        cancel=lambda: any(p.done >= 2 for p in progress),
    )
    assert report.cancelled
    assert 2 <= len(report.results) < total
    assert archive.count() == len(report.of("imported"))
    assert len(originals_on_disk(archive)) == archive.count()
    assert archive.check() == []


@pytest.mark.slow
def test_a_whole_corpus_folder_of_texts(archive, corpus):
    report = import_paths(archive, [corpus / "ecbplus" / "text" / "1"])
    assert report.ok
    assert archive.count() + len(report.of("duplicate")) == len(report.results)
    assert archive.search("Lohan").total >= 5


def test_hostile_files_in_a_folder_cost_a_message_each_and_the_batch_goes_on(
    archive, seed, tmp_path
):
    import os

    from clippings.services.extraction import ExtractionPool

    drop = tmp_path / "drop"
    drop.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text("A private note that is not in the folder.")
    os.mkfifo(drop / "a-pipe.txt")
    (drop / "b-zero.txt").symlink_to("/dev/zero")
    (drop / "c-outside.txt").symlink_to(outside)
    # Slow to read: many paragraphs of markup (stopped by a short time limit).
    slow = "".join(
        f"<p>Paragraph {i} of a very long page about the harbour.</p>" for i in range(60_000)
    )
    (drop / "d-slow.html").write_text(f"<html><body><article>{slow}</article></body></html>")
    shutil.copy(seed, drop / "e-seed.txt")
    with ExtractionPool(time_limit=1.0) as pool:
        report = import_paths(archive, [drop], pool=pool)
    outcomes = {Path(r.path).name: (r.outcome, r.reason) for r in report.results}
    assert outcomes["a-pipe.txt"] == ("skipped", "a named pipe, not a file")
    assert outcomes["b-zero.txt"][0] == "skipped"
    assert outcomes["c-outside.txt"] == ("skipped", "a link to a file outside the folder")
    assert outcomes["d-slow.html"][0] == "skipped"
    assert "too slow" in outcomes["d-slow.html"][1]
    assert outcomes["e-seed.txt"][0] == "imported", outcomes["e-seed.txt"]
    assert archive.count() == 1
    assert archive.search("Antonov").total == 1
