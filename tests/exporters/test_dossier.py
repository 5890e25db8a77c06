"""The PDF dossier, read back with pdfminer as a reader's PDF viewer would."""

from __future__ import annotations

import csv
import re
from datetime import UTC, date, datetime
from pathlib import Path

import pytest
from pdfminer.converter import PDFPageAggregator
from pdfminer.high_level import extract_text
from pdfminer.layout import LTChar
from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
from pdfminer.pdfpage import PDFPage

from clippings.exporters.dossier import DossierExporter
from clippings.model import Cancelled, Clipping, Collection, Progress

MADE = datetime(2024, 3, 11, 9, 30, tzinfo=UTC)
GREEK = "Η κυβέρνηση ανακοίνωσε σήμερα νέα μέτρα για την οικονομία."
HEBREW = "הממשלה הודיעה היום על צעדים חדשים בכלכלה."
LIGATURES = "The official affidavit flagged fluffy financial efficiencies."
CYRILLIC = "Правительство объявило сегодня о новых мерах в экономике."


def squash(text: str) -> str:
    """Text without whitespace, so line breaks and justified spaces do not matter."""
    return re.sub(r"\s+", "", text)


def page_text(pdf: Path, number: int) -> str:
    """The text of page ``number`` (from 1, as the dossier numbers its pages)."""
    return str(extract_text(pdf, page_numbers=[number - 1]))


def stream_text(pdf: Path, number: int) -> str:
    """Page text in the order it was drawn (no layout analysis, which splits Thai marks)."""
    with pdf.open("rb") as file:
        resources = PDFResourceManager()
        device = PDFPageAggregator(resources, laparams=None)
        interpreter = PDFPageInterpreter(resources, device)
        for page in PDFPage.get_pages(file, pagenos=[number - 1]):
            interpreter.process_page(page)
        layout = device.get_result()
    return "".join(item.get_text() for item in layout if isinstance(item, LTChar))


def clipping(number: int, title: str, text: str, **fields: object) -> Clipping:
    fields.setdefault("outlet", f"Outlet {number}")
    fields.setdefault("published", date(2024, 3, number))
    return Clipping(id=number, title=title, text=text, **fields)  # type: ignore[arg-type]


def write(collection: Collection, path: Path, **kwargs: object) -> Path:
    DossierExporter().write(collection, path, read_original=lambda _sha: b"", **kwargs)  # type: ignore[arg-type]
    return path


def ecbplus(corpus: Path, count: int) -> list[tuple[str, str, str]]:
    """(title, outlet, text) of the longest ECB+ texts, their sentences as paragraphs."""
    with (corpus / "ecbplus" / "index.tsv").open(encoding="utf-8") as index:
        rows = [r for r in csv.DictReader(index, delimiter="\t") if r["subcorpus"] == "ecbplus"]
    rows.sort(key=lambda r: -int(r["n_tokens"]))
    chosen = []
    for row in rows[:count]:
        lines = (corpus / "ecbplus" / row["path"]).read_text(encoding="utf-8").splitlines()
        body = "\n\n".join(line for line in lines[3:] if line.strip())
        chosen.append((row["title"], row["outlet"], body))
    return chosen


@pytest.fixture(scope="module")
def samples(corpus: Path) -> dict[str, str]:
    txt = corpus / "newspaper4k" / "txt"
    scripts = {
        s: (txt / f"{s}_article.txt").read_text(encoding="utf-8")
        for s in ("arabic", "chinese", "japanese", "korean", "thai")
    }
    return {**scripts, "greek": GREEK, "hebrew": HEBREW, "latin": LIGATURES, "cyrillic": CYRILLIC}


LANGUAGES = {
    "arabic": "ar",
    "chinese": "zh",
    "japanese": "ja",
    "korean": "ko",
    "thai": "th",
    "greek": "el",
    "hebrew": "he",
    "latin": "en",
    "cyrillic": "ru",
}


@pytest.fixture(scope="module")
def dossier(
    tmp_path_factory: pytest.TempPathFactory, corpus: Path, samples: dict[str, str]
) -> tuple[Path, Collection, list[Progress]]:
    from PySide6.QtWidgets import QApplication

    # The window's application, as pytest-qt's qapp would make it: the exporter must use it.
    app = QApplication.instance() or QApplication([])
    assert app is not None
    made = []
    for title, outlet, text in ecbplus(corpus, 3):
        made.append(
            clipping(
                len(made) + 1,
                title,
                text,
                outlet=outlet,
                author="Staff reporter",
                url="https://example.org/a",
            )
        )
    for script, text in samples.items():
        made.append(
            clipping(len(made) + 1, f"Sample in {script}", text, language=LANGUAGES[script])
        )
    made.append(clipping(len(made) + 1, "A scanned page", "", has_text=False))
    collection = Collection(title="Week 10 coverage", clippings=tuple(made), made_at=MADE)
    progress: list[Progress] = []
    path = write(
        collection, tmp_path_factory.mktemp("dossier") / "week.pdf", report=progress.append
    )
    return path, collection, progress


def toc(pdf: Path, collection: Collection) -> dict[int, int]:
    """Clipping id -> the page the table of contents gives for it."""
    text = page_text(pdf, 2)
    numbers = [int(n) for n in re.findall(r"^\s*(\d+)\s*$", text, re.M)]
    # The summary comes first; this collection has no tags, so no sections.
    assert "Summary" in text
    numbers = numbers[1:]
    assert len(numbers) == len(collection.clippings), text
    for clip in collection.clippings:
        assert squash(clip.title)[:30] in squash(text)
    return {clip.id: page for clip, page in zip(collection.clippings, numbers, strict=True)}


def test_cover_shows_title_count_dates_and_when_made(dossier) -> None:
    pdf, collection, _ = dossier
    cover = page_text(pdf, 1)
    assert "Week 10 coverage" in cover
    assert f"{len(collection.clippings)} clippings" in cover
    assert "1 March 2024 – 13 March 2024" in cover
    assert "Made 11 March 2024, 09:30" in cover
    assert "Page 1" not in cover  # no footer on the cover


def test_contents_name_the_page_where_each_clipping_starts(dossier) -> None:
    pdf, collection, _ = dossier
    starts = toc(pdf, collection)
    assert list(starts.values()) == sorted(starts.values())
    assert starts[collection.clippings[1].id] > starts[collection.clippings[0].id] + 1  # long
    for clip in collection.clippings:
        page = starts[clip.id]
        text = squash(page_text(pdf, page))
        assert squash(clip.title) in text, (clip.title, page)
        assert squash(f"{clip.outlet}·{clip.published.day} March 2024") in text
        if clip is not collection.clippings[0]:  # the page before the first is the contents
            previous = squash(page_text(pdf, page - 1))
            assert squash(clip.title) not in previous
        if clip.has_text and clip.language in {"en", "el", "ru", "ko"}:
            first = clip.text.split("\n")[0][:40]
            assert squash(first) in text, (first, page)


def test_the_first_clipping_has_its_author_url_and_paragraphs(dossier) -> None:
    pdf, collection, _ = dossier
    first = collection.clippings[0]
    page = toc(pdf, collection)[first.id]
    text = page_text(pdf, page)
    assert "By Staff reporter" in text
    assert "https://example.org/a" in text
    paragraphs = first.text.split("\n\n")
    # Each paragraph starts its own line (kept apart, not run together).
    assert re.search(r"\n\s*" + re.escape(paragraphs[1][:15]), text)


def test_every_page_after_the_cover_carries_its_number(dossier) -> None:
    pdf, _, _ = dossier
    with pdf.open("rb") as file:  # the pages, without laying each out
        pages = sum(1 for _ in PDFPage.get_pages(file))
    assert pages > 12
    for number in range(2, pages + 1):
        assert f"Page {number}" in page_text(pdf, number)


def test_a_clipping_without_text_says_so(dossier) -> None:
    pdf, collection, _ = dossier
    scan = collection.clippings[-1]
    text = page_text(pdf, toc(pdf, collection)[scan.id])
    assert "A scanned page" in text
    assert "No text could be read" in text


@pytest.mark.parametrize(
    ("script", "expected"),
    [
        ("latin", "official affidavit flagged fluffy financial efficiencies"),
        ("cyrillic", "объявило сегодня о новых мерах"),
        ("greek", "κυβέρνηση ανακοίνωσε σήμερα"),
        ("chinese", "香港行政长官梁振英在各方压力下"),
        ("japanese", "歴史的な米朝首脳会談を巡って"),
        ("korean", "노소영 아트센터 나비 관장이"),
        ("thai", "ผู้สื่อข่าวได้รับแจ้งจากนาย"),
        ("arabic", "أكدت جهات سورية معارضة"),
        ("hebrew", "הממשלה הודיעה היום"),
    ],
)
def test_each_script_is_extracted_as_its_text(dossier, script: str, expected: str) -> None:
    pdf, collection, _ = dossier
    clip = next(c for c in collection.clippings if c.title == f"Sample in {script}")
    page = toc(pdf, collection)[clip.id]
    # Thai marks sit above or below their letter; pdfminer's layout analysis takes them
    # for lines of their own, so Thai is read in drawing order (what copy and paste give).
    text = stream_text(pdf, page) if script == "thai" else page_text(pdf, page)
    # Exactly the characters of the article: no ligature glyphs (ﬁ), radicals (⻓) or
    # Arabic presentation forms, so no normalisation here.
    assert squash(expected) in squash(text), text[:300]


def test_the_cjk_text_extracts_without_radicals(dossier) -> None:
    pdf, collection, _ = dossier
    clip = next(c for c in collection.clippings if c.title == "Sample in chinese")
    text = page_text(pdf, toc(pdf, collection)[clip.id])
    assert "⻓" not in text and "长" in text


def test_progress_counts_two_steps_per_clipping(dossier) -> None:
    _, collection, progress = dossier
    total = 2 * len(collection.clippings)
    assert [p.done for p in progress] == list(range(1, total + 1))
    assert {p.total for p in progress} == {total}


def test_cancel_leaves_no_file(tmp_path: Path, dossier) -> None:
    _, collection, _ = dossier
    path = tmp_path / "cancelled.pdf"
    asked = []

    def cancel() -> bool:
        asked.append(1)
        return len(asked) > 3

    with pytest.raises(Cancelled):
        write(collection, path, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_a_cancelled_export_keeps_the_previous_file(tmp_path: Path, dossier) -> None:
    _, collection, _ = dossier
    path = tmp_path / "dossier.pdf"
    path.write_bytes(b"the dossier of last week")
    with pytest.raises(Cancelled):
        write(collection, path, cancel=lambda: True)
    assert path.read_bytes() == b"the dossier of last week"
    assert list(tmp_path.iterdir()) == [path]
