"""The same piece in another format: a web page, its print-to-PDF and a .docx of it
are one clipping with two copies; an unrelated page and a page that quotes another
are clippings of their own."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from clippings.model import Extracted
from clippings.services import copies, import_paths
from clippings.services.checks import run_checks
from clippings.services.import_steps import store_extracted
from tests.conftest import skip_unless_installed

PAGES = "readability/test-pages"
#: A news page with much site furniture around the article (menus, links, a footer):
#: its print has about 1.4 times the article's words.
PAGE = "herald-sun-1"


@pytest.fixture(scope="session")
def page_files(corpus, tmp_path_factory) -> dict[str, Path]:
    """The page as saved from the browser, its print-to-PDF (made by Chromium) and a
    .docx of its article's text (made with python-docx), once per test session."""
    docx = pytest.importorskip("docx", reason="python-docx (a test dependency) is missing")
    from clippings.importers import extract_articles
    from tools.make_print_pdfs import print_file

    folder = tmp_path_factory.mktemp("same-piece")
    html = folder / "surveillance.html"
    shutil.copy(corpus / PAGES / PAGE / "source.html", html)
    try:
        pdf = print_file(html, folder / "surveillance.pdf")
    except FileNotFoundError:
        skip_unless_installed("Chromium is not installed: no print-to-PDF of the page can be made")
    [article] = extract_articles(html.read_bytes(), html.name)
    document = docx.Document()
    document.add_heading(article.title or "", level=1)
    for paragraph in article.text.split("\n\n"):
        if paragraph.strip():
            document.add_paragraph(paragraph.strip())
    word = folder / "surveillance.docx"
    document.save(str(word))
    return {"html": html, "pdf": pdf, "docx": word}


def one(report):
    [result] = report.results
    return result


def originals_on_disk(archive) -> set[str]:
    return set(archive.originals.stored())


def test_a_page_its_print_and_a_docx_of_it_are_one_clipping_with_two_copies(
    archive, page_files, corpus, tmp_path
):
    page = one(import_paths(archive, [page_files["html"]]))
    assert page.outcome == "imported"

    printed = one(import_paths(archive, [page_files["pdf"]]))
    assert printed.outcome == "duplicate" and printed.id == page.id
    assert printed.kept_as_copy
    assert f"the same article as clipping {page.id} (web page)" in printed.reason

    word = one(import_paths(archive, [page_files["docx"]]))
    assert word.outcome == "duplicate" and word.id == page.id and word.kept_as_copy
    # Its text is the page's word for word: said in the same words as the print's.
    assert f"the same article as clipping {page.id} (web page)" in word.reason

    # One clipping, which keeps both files as originals of its own.
    assert archive.store.count() == 1
    clipping = archive.get(page.id)
    assert [(c.original_name, c.format) for c in clipping.copies] == [
        ("surveillance.pdf", "pdf"),
        ("surveillance.docx", "docx"),
    ]
    for copy, source in zip(clipping.copies, (page_files["pdf"], page_files["docx"]), strict=True):
        assert copies.copy_original(archive, page.id, copy) == source.read_bytes()

    # The same PDF again is the same file, not another copy.
    again = one(import_paths(archive, [page_files["pdf"]]))
    assert again.outcome == "duplicate" and again.id == page.id and not again.kept_as_copy
    assert again.reason == "the same file is already in the archive"
    assert len(archive.get(page.id).copies) == 2

    # `check` knows the copies' files: nothing orphaned, nothing missing.
    assert run_checks(archive) == []

    # Purging the clipping removes its copies' originals with its own.
    files = originals_on_disk(archive)
    assert {c.sha256 for c in clipping.copies} | {clipping.sha256} == files
    archive.trash([page.id])
    archive.purge([page.id])
    assert originals_on_disk(archive) == set()
    assert run_checks(archive) == []


def test_a_copy_shown_by_the_command_line(archive, page_files, tmp_path, capsys):
    from clippings.cli import main

    page = one(import_paths(archive, [page_files["html"]]))
    one(import_paths(archive, [page_files["pdf"]]))
    archive.close()
    assert main(["--archive", archive.location, "show", str(page.id), "--json"]) == 0
    shown = json.loads(capsys.readouterr().out)
    assert [(c["original_name"], c["format"]) for c in shown["copies"]] == [
        ("surveillance.pdf", "pdf")
    ]
    assert main(["--archive", archive.location, "show", str(page.id)]) == 0
    assert "Also as:   surveillance.pdf (pdf" in capsys.readouterr().out


def test_the_print_first_then_the_page_is_one_clipping_too(archive, page_files):
    printed = one(import_paths(archive, [page_files["pdf"]]))
    page = one(import_paths(archive, [page_files["html"]]))
    assert printed.outcome == "imported"
    assert page.outcome == "duplicate" and page.id == printed.id
    assert f"the same article as clipping {printed.id} (PDF)" in page.reason


def test_a_page_and_its_print_in_one_import_are_one_clipping(archive, page_files, tmp_path):
    folder = tmp_path / "drop"
    folder.mkdir()
    for name in ("html", "pdf", "docx"):
        shutil.copy(page_files[name], folder)
    report = import_paths(archive, [folder])
    assert len(report.of("imported")) == 1
    [kept] = report.of("imported")
    assert {r.id for r in report.of("duplicate")} == {kept.id}
    assert len(archive.get(kept.id).copies) == 2
    assert len(originals_on_disk(archive)) == 3


def test_keep_copies_stores_the_print_as_a_clipping_of_its_own(archive, page_files):
    page = one(import_paths(archive, [page_files["html"]]))
    printed = one(import_paths(archive, [page_files["pdf"]], keep_copies=True))
    assert printed.outcome == "imported" and printed.id != page.id
    assert archive.get(page.id).copies == ()


def test_unrelated_pages_and_a_page_quoting_another_are_not_copies(archive, page_files, corpus):
    page = one(import_paths(archive, [page_files["html"]]))
    text = archive.get(page.id).text
    paragraphs = [p for p in text.split("\n\n") if p.strip()]

    unrelated = one(import_paths(archive, [corpus / PAGES / "wapo-1" / "source.html"]))
    assert unrelated.outcome == "imported"

    # A column of its own (another page's text, not in the archive) that quotes three
    # paragraphs of the article.
    from clippings.importers import extract_articles

    source = corpus / PAGES / "seattletimes-1" / "source.html"
    [column] = extract_articles(source.read_bytes(), source.name)
    own = column.text
    quoting = "\n\n".join([own[:3000], *paragraphs[2:5], own[3000:]])
    [quoted] = store_extracted(
        archive,
        [Extracted(text=quoting, title="What the papers say", format="text")],
        quoting.encode(),
        "column.txt",
        shown="column.txt",
    )
    assert quoted.outcome == "imported"

    # A long piece that reprints the whole article under another headline, beside two
    # others as long: it holds the article, but it is not a copy of it.
    second = one(import_paths(archive, [corpus / PAGES / "nytimes-1" / "source.html"]))
    other = archive.get(unrelated.id).text
    digest = "\n\n".join([other, text, archive.get(second.id).text])
    [collected] = store_extracted(
        archive,
        [Extracted(text=digest, title="The week in review", format="text")],
        digest.encode(),
        "digest.txt",
        shown="digest.txt",
    )
    assert collected.outcome == "imported"
    assert archive.get(page.id).copies == ()


def test_clippings_older_than_the_marks_are_found_once_marked(archive, page_files):
    page = one(import_paths(archive, [page_files["html"]]))
    # As in an archive made before schema 8: the clipping has no marks.
    with archive.store._writing() as conn:
        from sqlalchemy import delete, insert

        from clippings.storage.schema import archive_meta, copy_marks

        conn.execute(delete(copy_marks))
        conn.execute(insert(archive_meta).values(key="copy_marks_below", value=str(page.id + 1)))
    assert copies.mark_old_clippings(archive) == 1
    assert copies.mark_old_clippings(archive) == 0
    printed = one(import_paths(archive, [page_files["pdf"]]))
    assert printed.outcome == "duplicate" and printed.id == page.id


def _forget_marks(archive, below: int) -> None:
    """As in an archive made before schema 8: clippings below ``below`` have no marks."""
    from sqlalchemy import delete, insert

    from clippings.storage.schema import archive_meta, copy_marks

    with archive.store._writing() as conn:
        conn.execute(delete(copy_marks))
        conn.execute(insert(archive_meta).values(key="copy_marks_below", value=str(below)))


def test_the_upkeep_marks_every_older_clipping_with_progress_and_stops_on_cancel(
    archive, page_files, corpus
):
    page = one(import_paths(archive, [page_files["html"]]))
    others = import_paths(archive, sorted((corpus / "ecbplus" / "text" / "2").glob("*.txt"))[:4])
    last = max(r.id for r in others.results if r.id is not None)
    _forget_marks(archive, last + 1)
    assert archive.store.unmarked_count() == 5
    # Cancelled at once: nothing done, nothing lost; the next run goes on.
    assert copies.mark_all_old_clippings(archive, cancel=lambda: True, batch=2) == 0
    seen = []
    assert copies.mark_all_old_clippings(archive, report=seen.append, batch=2) == 5
    assert [p.done for p in seen] == [0, 2, 4, 5]  # a batch of two at a time
    assert seen[-1].total == 5
    assert "Marking older clippings" in seen[-1].message
    assert archive.store.unmarked_count() == 0
    assert copies.mark_all_old_clippings(archive) == 0
    printed = one(import_paths(archive, [page_files["pdf"]]))
    assert printed.outcome == "duplicate" and printed.id == page.id


def test_a_bundle_keeps_the_copies(archive, page_files, tmp_path):
    from clippings.services import Archive
    from clippings.services.exporting import export, gather
    from clippings.services.importing import import_bundle

    page = one(import_paths(archive, [page_files["html"]]))
    one(import_paths(archive, [page_files["pdf"]]))
    bundle = export(archive, gather(archive, ids=[page.id]), "bundle", tmp_path / "out.zip")

    with Archive.open(tmp_path / "other") as other:
        [restored] = import_bundle(other, bundle.read_bytes(), shown="out.zip")
        assert restored.outcome == "imported"
        [copy] = other.get(restored.id).copies
        assert (copy.original_name, copy.format) == ("surveillance.pdf", "pdf")
        assert copies.copy_original(other, restored.id, copy) == page_files["pdf"].read_bytes()
        other.sync_index()
        assert run_checks(other) == []
        # The same bundle again: one clipping, one copy still.
        import_bundle(other, bundle.read_bytes(), shown="out.zip")
        assert other.store.count() == 1 and len(other.get(restored.id).copies) == 1


@pytest.mark.folder_only
def test_check_finds_a_copy_whose_file_is_gone_and_importing_it_again_restores_it(
    archive, page_files
):
    page = one(import_paths(archive, [page_files["html"]]))
    one(import_paths(archive, [page_files["pdf"]]))
    [copy] = archive.get(page.id).copies
    archive.originals.path_for(copy.sha256).unlink()

    problems = run_checks(archive)
    assert [(p.kind, p.clipping_id) for p in problems] == [("original-missing", page.id)]

    again = one(import_paths(archive, [page_files["pdf"]]))
    assert again.outcome == "duplicate" and again.id == page.id
    assert "restored" in again.reason
    assert run_checks(archive) == []


def test_one_wire_story_run_by_two_sites_is_two_clippings(archive, corpus):
    # The same Sky News report, headline and all, at news.sky.com and orange.co.uk (93%
    # of its text in common): two outlets' clippings, not one piece's files.
    texts = corpus / "ecbplus" / "text" / "24"
    report = import_paths(archive, [texts / "24_6ecbplus.txt", texts / "24_11ecbplus.txt"])
    assert [r.outcome for r in report.results] == ["imported", "imported"]


def test_the_same_text_word_for_word_from_another_site_is_a_clipping_of_its_own(
    archive, corpus, tmp_path
):
    """Word for word the same (the text's own check, before the copy's), but at
    another site: another outlet ran it. The same file saved again at the same site
    is still a copy."""
    source = corpus / "ecbplus" / "text" / "22" / "22_2ecbplus.txt"
    first_line, rest = source.read_text(encoding="utf-8").split("\n", 1)
    assert first_line.startswith("http://www.nbcphiladelphia.com/")
    elsewhere = tmp_path / "elsewhere.txt"
    elsewhere.write_text("http://www.example-news.com/2010/09/10/kraft.html\n" + rest)
    resaved = tmp_path / "resaved.txt"
    resaved.write_text(first_line + "\n" + rest + "\n")
    [original] = import_paths(archive, [source]).results
    [other] = import_paths(archive, [elsewhere]).results
    assert other.outcome == "imported" and other.id != original.id
    [again] = import_paths(archive, [resaved]).results
    assert again.outcome == "duplicate" and again.id == original.id
    assert [c.original_name for c in archive.get(original.id).copies] == ["resaved.txt"]
