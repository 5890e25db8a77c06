"""Two `clippings import` processes at once, one with a web page, the other with its
print-to-PDF (or both with both): one clipping, the other file kept as its copy, and
no original lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.conftest import skip_unless_installed
from tests.reliability.conftest import (
    assert_nothing_lost,
    copy_archive,
    finish,
    make_archive,
    read_archive,
    reported_paths,
    start_cli,
)

PAGE = "readability/test-pages/herald-sun-1/source.html"


@pytest.fixture(scope="module")
def page_and_print(corpus, tmp_path_factory) -> tuple[Path, Path]:
    from tools.make_print_pdfs import print_file

    folder = tmp_path_factory.mktemp("race-page")
    html = folder / "page.html"
    shutil.copy(corpus / PAGE, html)
    try:
        return html, print_file(html, folder / "page.pdf")
    except FileNotFoundError:
        skip_unless_installed("Chromium is not installed: no print-to-PDF of the page can be made")


@pytest.fixture(scope="module")
def saved_archive(tmp_path_factory, corpus_articles) -> tuple[Path, dict[Path, int | None]]:
    """An archive of two real articles, imported before the race (copied by each case)."""
    archive = tmp_path_factory.mktemp("race-saved") / "archive"
    return archive, make_archive(archive, corpus_articles[:2])


@pytest.mark.slow
@pytest.mark.parametrize("case", ["page-and-print", "print-and-page", "both-in-both"])
def test_a_page_and_its_print_imported_at_once_are_one_clipping(
    tmp_path, corpus_articles, page_and_print, saved_archive, case
):
    html, pdf = page_and_print
    archive = copy_archive(saved_archive[0], tmp_path / "archive")
    saved = saved_archive[1]
    # Each process also imports other articles, so that the two stores overlap.
    inputs = []
    for n, first in enumerate(
        {"page-and-print": (html, pdf), "print-and-page": (pdf, html), "both-in-both": (html, pdf)}[
            case
        ]
    ):
        folder = tmp_path / f"in{n}"
        folder.mkdir()
        for article in corpus_articles[2 + 4 * n : 6 + 4 * n]:
            shutil.copy(article, folder)
        shutil.copy(first, folder)
        if case == "both-in-both":
            shutil.copy(pdf if first == html else html, folder)
        inputs.append(folder)

    running = [start_cli(archive, "import", folder, "--json") for folder in inputs]
    runs = [finish(process) for process in running]
    for run in runs:
        assert run.returncode == 0 and not run.traceback, run.describe()

    stored = dict(saved)
    for run in runs:
        stored.update(reported_paths(run.json()))
    state = assert_nothing_lost(archive, stored)
    pieces = [
        clipping_id
        for clipping_id, (sha, _, _) in state.clippings.items()
        if sha in {_sha(html), _sha(pdf)}
    ]
    assert len(pieces) == 1, f"the page and its print are clippings {pieces}"
    [kept] = pieces
    other = _sha(pdf) if state.clippings[kept][0] == _sha(html) else _sha(html)
    assert state.copies == {other: [kept]}
    assert {_sha(html), _sha(pdf)} <= set(read_archive(archive).original_files)
    # Every file of the page that a run reported is reported as that clipping.
    for path, clipping_id in stored.items():
        if path.name in ("page.html", "page.pdf"):
            assert clipping_id == kept


def _sha(path: Path) -> str:
    import hashlib

    return hashlib.sha256(path.read_bytes()).hexdigest()
