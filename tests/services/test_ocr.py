"""Scans in the archive: an image-only PDF imported and searchable by its recognised
text, its pages shown as pictures, its text recognised again on request (the user's
own edits kept), and Cancel leaving nothing running."""

from __future__ import annotations

import hashlib
import os
from io import BytesIO
from pathlib import Path

import pytest
from PIL import Image

from clippings.model import (
    DEFAULT_OPTIONS,
    Cancelled,
    Extracted,
    ExtractionError,
    ImportOptions,
    NotFoundError,
)
from clippings.services import ocr
from clippings.services.extraction import ExtractionPool
from clippings.services.importing import import_paths
from tests.conftest import add_clipping
from tests.importers.samples_ocr import article, pdf_of, render_page, tiff_of, word_recall

HEADLINE = "Holiday travel: we dodged a bullet"


@pytest.fixture(scope="module")
def pool():
    with ExtractionPool(1, time_limit=60) as shared:
        yield shared


@pytest.fixture(scope="module")
def scan(corpus, tmp_path_factory):
    """An image-only PDF of two pages made from an English corpus article (Pillow's PDF
    writer: no text layer), and the article's text."""
    _, text = article(corpus, "eng", max_words=260)
    paragraphs = text.split("\n\n")
    half = len(paragraphs) // 2
    first, second = "\n\n".join(paragraphs[:half]), "\n\n".join(paragraphs[half:])
    path = tmp_path_factory.mktemp("scans") / "scan.pdf"
    path.write_bytes(
        pdf_of([render_page(first, "eng", title=HEADLINE), render_page(second, "eng")])
    )
    return path, text


class _ReadOnce:
    """``pool``, reading a file once for the same name and options: an importer is a
    pure function of those and the bytes, so what it gave the first time it gives every
    time (its later calls are answered with that; everything else is ``pool``'s)."""

    def __init__(self, pool: ExtractionPool) -> None:
        self._pool = pool
        self._read: dict[tuple[bytes, str, ImportOptions], tuple[Extracted, ...]] = {}

    def extract(self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS, **how):
        key = (hashlib.sha256(data).digest(), name, options)
        if key not in self._read:
            self._read[key] = self._pool.extract(data, name, options, **how)
        return self._read[key]

    def __getattr__(self, name: str):
        return getattr(self._pool, name)


@pytest.fixture(scope="module")
def scan_reader(pool):
    """The pool ``stored_scan`` imports with: the scan is recognised once for the
    module (the first test to store it), not once per test and archive kind (4 s each).
    The tests' own imports and recognitions use ``pool`` and recognise for real."""
    return _ReadOnce(pool)


@pytest.fixture
def stored_scan(archive, scan_reader, scan):
    path, text = scan
    report = import_paths(archive, [path], pool=scan_reader)
    [result] = report.results
    assert result.outcome == "imported", result
    return result.id, text


def test_an_image_only_pdf_imports_with_its_recognised_text(archive, stored_scan):
    clipping_id, text = stored_scan

    clipping = archive.get(clipping_id)

    assert clipping.format == "pdf" and clipping.has_text
    assert word_recall(text, clipping.text) >= 0.9
    assert clipping.title == HEADLINE
    assert clipping.language == "en"
    assert clipping.provenance["text"] == "ocr"
    assert clipping.provenance["ocr_languages"] == "eng"
    assert 50 <= int(clipping.provenance["ocr_confidence"]) <= 100
    # Pillow's PDF writer records when the file was made: that is not a publication date.
    assert clipping.published is None
    assert clipping.word_count > 200
    assert archive.search("Pennsylvania").total == 1


def test_a_scans_pages_are_pictures_for_the_reading_pane(archive, pool, stored_scan):
    clipping_id, _ = stored_scan

    pictures = ocr.page_images(archive, clipping_id, width=600, pool=pool)

    assert len(pictures) == 2
    assert all(p.startswith(b"\x89PNG") for p in pictures)
    assert ocr.page_images(archive, clipping_id, width=600, max_pages=1, pool=pool) == pictures[:1]
    with Image.open(BytesIO(pictures[0])) as first:
        assert first.width == 600 and first.height > 200


def test_an_images_pages_are_pictures_too(archive, pool):
    from clippings.model import Extracted
    from clippings.services.importing import store_extracted

    fax = Image.new("1", (1700, 2200), 1)  # a bilevel scan, as a fax or a copier makes
    data = tiff_of([fax, fax.convert("L").resize((850, 1100))])
    extracted = Extracted(text="", format="image", title="Fax", has_text=False)
    [result] = store_extracted(archive, [extracted], data, "fax.tif", shown="fax.tif")

    pictures = ocr.page_images(archive, result.id, width=500, pool=pool)

    sizes = [Image.open(BytesIO(p)).size for p in pictures]
    assert sizes == [(500, 647), (500, 647)]
    assert ocr.can_recognise(archive.get(result.id))


def test_a_text_clipping_has_no_pages_and_cannot_be_recognised(archive, pool):
    clipping_id = add_clipping(archive, "A text typed in. " * 20)

    assert ocr.page_images(archive, clipping_id, pool=pool) == []
    assert not ocr.can_recognise(archive.get(clipping_id))
    [result] = ocr.recognise(archive, [clipping_id], pool=pool)
    assert result.outcome == "skipped" and "not a scan or an image" in result.reason
    with pytest.raises(NotFoundError):
        ocr.page_images(archive, 999, pool=pool)


def test_recognising_again_keeps_what_the_user_set(archive, pool, stored_scan):
    clipping_id, text = stored_scan
    archive.edit(clipping_id, {"title": "My title", "outlet": "The Daily Planet"})
    before = archive.get(clipping_id)
    progress = []

    [result] = ocr.recognise(
        archive,
        [clipping_id],
        options=ImportOptions(ocr_languages=("eng", "fra")),
        report=progress.append,
        pool=pool,
    )

    after = archive.get(clipping_id)
    assert result.outcome == "imported" and result.id == clipping_id
    assert after.title == "My title" and after.outlet == "The Daily Planet"
    assert after.provenance["title"] == "user"
    assert after.provenance["ocr_languages"] == "eng+fra"
    assert word_recall(text, after.text) >= 0.9
    assert ocr.can_recognise(after)
    assert archive.search("Pennsylvania").total == 1  # the index has the new text
    pages = [p for p in progress if p.total]
    assert [(p.done, p.total) for p in pages] == [(0, 2), (1, 2), (2, 2)]
    assert pages[1].message == "scan.pdf: Recognising page 2 of 2"
    assert before.provenance["ocr_languages"] == "eng"


def test_a_scan_read_in_the_wrong_language_is_found_once_recognised_again(archive, pool, scan):
    path, text = scan
    report = import_paths(archive, [path], pool=pool, options=ImportOptions(ocr_languages=("rus",)))
    [imported] = report.results
    assert archive.search("Pennsylvania").total == 0  # read as Russian: Cyrillic nonsense
    before = archive.get(imported.id)

    [result] = ocr.recognise(archive, [imported.id], pool=pool)

    after = archive.get(imported.id)
    assert result.outcome == "imported"
    assert archive.search("Pennsylvania").total == 1
    assert after.language == "en" and after.provenance["ocr_languages"] == "eng"
    assert after.title == HEADLINE  # the old title was recognised too: it follows
    assert after.word_count != before.word_count or after.text != before.text


def test_the_installed_languages_are_listed_for_a_choice():
    installed = ocr.installed_languages()
    assert {"eng", "deu", "fra", "rus", "ara", "chi_sim", "jpn"} <= set(installed)
    assert "osd" not in installed  # orientation and script detection is not a language


def test_a_language_that_is_not_installed_changes_nothing(archive, pool, stored_scan):
    clipping_id, _ = stored_scan
    before = archive.get(clipping_id)

    with pytest.raises(ExtractionError, match="xyz is not installed; installed: ara"):
        ocr.recognise(archive, [clipping_id], options=ImportOptions(ocr_languages=("xyz",)))

    assert archive.get(clipping_id) == before


def _descendants(pid: int) -> list[tuple[int, str]]:
    """The processes below ``pid``: (pid, command name)."""
    children: dict[int, list[tuple[int, str]]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        name = stat[stat.index("(") + 1 : stat.rindex(")")]
        parent = int(stat[stat.rindex(")") + 2 :].split()[1])
        children.setdefault(parent, []).append((int(entry.name), name))
    found, queue = [], [pid]
    while queue:
        for child in children.get(queue.pop(), []):
            found.append(child)
            queue.append(child[0])
    return found


def test_cancel_during_a_long_tiff_stops_it_and_leaves_nothing_running(corpus, tmp_path):
    _, text = article(corpus, "eng", max_words=120)
    pages = [render_page(text, "eng")] * 8
    data = tiff_of(pages)
    steps = []
    workers = []

    def step(done, total, message):
        steps.append(done)
        workers.extend(w.process.pid for w in pool._running)

    with ExtractionPool(1, time_limit=60) as pool:
        with pytest.raises(Cancelled):
            pool.extract(data, "long.tif", cancel=lambda: len(steps) >= 2, steps=step)

        assert max(steps) < len(pages)  # stopped between pages, not after them all
        assert workers and not any(Path(f"/proc/{pid}").exists() for pid in set(workers))
        assert not [p for p in _descendants(os.getpid()) if "tesseract" in p[1]]
        assert pool._running == set()
