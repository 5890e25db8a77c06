"""The dossier's text layer follows the script of each run of text, not the clipping's
language: an Arabic name quoted in an English clipping, Arabic in a clipping of unknown
language, long Thai and Burmese clippings on every one of their pages, and the CJK face
of each entry in the contents, the summary and the running headers.

Read back with pdfminer (always installed) and poppler's ``pdftotext`` (where installed),
as a reader's search and copy would: whitespace and format characters dropped.

poppler and lam-alef: poppler reads right-to-left text in the order its glyphs stand on
the page and reverses it; a ligature's letters, which a font's ToUnicode map gives in
their logical order (ل then ا, as the PDF format wants), come out reversed with it:
"الأسد" reads "األسد" in ``pdftotext``. pdfminer reads the same file right, so the file is
right; other readers had the same bug (PDFBox fixed it as PDFBOX-4531; pdfminer.six
issue 850 and pypdf issue 1589 are about it). Words with a lam-alef are therefore
checked with pdfminer only (see the README's export checks).
"""

from __future__ import annotations

import functools
import re
import shutil
import subprocess
from collections.abc import Iterable
from datetime import UTC, date, datetime
from pathlib import Path

import pikepdf
import pytest
from pdfminer.high_level import extract_pages, extract_text
from pdfminer.layout import LTChar, LTTextLine

from clippings.exporters.dossier import DossierExporter
from clippings.model import Clipping, Collection
from tests.conftest import skip_unless_installed
from tests.exporters.test_dossier_text_layer import article, paragraphs, searchable, words

MADE = datetime(2024, 3, 11, tzinfo=UTC)
TOOLS = ["pdfminer", "pdftotext"]
#: A lam followed by an alef: drawn as one ligature (see the module docstring).
LAM_ALEF = re.compile("ل[اأإآ]")


def app() -> None:
    from PySide6.QtWidgets import QApplication

    assert QApplication.instance() or QApplication([])


def write(path: Path, title: str, clippings: list[Clipping]) -> Path:
    collection = Collection(title=title, clippings=tuple(clippings), made_at=MADE)
    DossierExporter().write(collection, path, read_original=lambda _sha: b"")
    return path


# A PDF written here is never changed after: what is read from it is kept (by its path)
# for the module's other tests, which read the same pages again and again (every test
# of a long clipping looks for its pages through all of them).


@functools.cache
def page_count(path: Path) -> int:
    with pikepdf.open(path) as pdf:
        return len(pdf.pages)


@functools.cache
def page_text(path: Path, page: int, tool: str) -> str:
    """One page's text (from 1) as pdfminer or pdftotext reads it."""
    if tool == "pdfminer":
        return str(extract_text(path, page_numbers=[page - 1]))
    if shutil.which("pdftotext") is None:
        skip_unless_installed(
            "poppler's pdftotext is not installed (apt-get install poppler-utils)"
        )
    command = ["pdftotext", "-f", str(page), "-l", str(page), str(path), "-"]
    return subprocess.run(command, capture_output=True, text=True, check=True).stdout


def whole_text(path: Path, tool: str) -> str:
    return "".join(page_text(path, n, tool) for n in range(1, page_count(path) + 1))


# --- Arabic in clippings that are not in Arabic ----------------------------------------------

QUOTED = (
    "President Bashar al-Assad (بشار الأسد) met the National Coalition (الائتلاف الوطني) "
    "in Damascus, the news agency said.\n\n"
    "The slogan read السلام عليكم and نعم للحرية on every banner."
)


@pytest.fixture(scope="module")
def quoted_arabic(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, list]:
    """Arabic in an English clipping, in one of unknown language and in a German one."""
    app()
    arabic = "\n\n".join(paragraphs(article(corpus, "arabic")))
    clippings = [
        Clipping(
            id=1,
            title="Assad meets the coalition (بشار الأسد)",
            author="سامر الحلبي",
            outlet="Outlet",
            notes="Spelling: بشار الأسد",
            text=QUOTED,
            published=date(2024, 3, 1),
            language="en",
        ),
        Clipping(
            id=2,
            title="Language unknown",
            outlet="الجزيرة نت",
            text=arabic,
            published=date(2024, 3, 2),
            language=None,
        ),
        Clipping(
            id=3,
            title="Auf Deutsch",
            outlet="Outlet",
            text=f"Der Präsident sagte: {arabic.split(chr(10))[0]} Das war alles.",
            published=date(2024, 3, 3),
            language="de",
        ),
    ]
    path = write(tmp_path_factory.mktemp("quoted") / "quoted.pdf", "Quoted", clippings)
    return path, clippings


def arabic_words(clipping: Clipping) -> list[str]:
    fields = [clipping.title, clipping.author or "", clipping.notes or "", clipping.text]
    fields.append(clipping.outlet or "")
    found = [w for field in fields for w in words(field)]
    return [w for w in found if re.search("[\u0600-\u06ff]", w)]


@pytest.mark.parametrize("tool", TOOLS)
def test_arabic_in_a_clipping_of_another_language_reads_back(quoted_arabic, tool: str) -> None:
    """The words of Arabic quoted in English, German or unknown-language clippings come
    back as themselves (an English line's Arabic name read backwards in poppler)."""
    path, clippings = quoted_arabic
    text = searchable(whole_text(path, tool))
    assert "(cid:" not in text
    for clipping in clippings:
        wanted = arabic_words(clipping)
        if tool == "pdftotext":
            # poppler reverses a ligature's letters (the module docstring): pdfminer only.
            wanted = [w for w in wanted if not LAM_ALEF.search(w)]
        assert wanted, clipping.title
        missing = [w for w in wanted if w not in text]
        assert not missing, (clipping.title, tool, missing[:10])


def test_the_quoted_names_read_in_order_in_pdfminer(quoted_arabic) -> None:
    """Whole Arabic phrases inside English lines, lam-alef included."""
    path, _ = quoted_arabic
    text = searchable(whole_text(path, "pdfminer"))
    for phrase in ("بشار الأسد", "الائتلاف الوطني", "السلام عليكم", "نعم للحرية"):
        assert searchable(phrase) in text, phrase


def test_poppler_reads_quoted_names_without_a_ligature_in_order(quoted_arabic) -> None:
    path, _ = quoted_arabic
    text = searchable(whole_text(path, "pdftotext"))
    for phrase in ("بشار", "نعم", "سامر الحلبي", "عليكم"):
        assert searchable(phrase) in text, phrase


# --- Long Thai and Burmese: every page -------------------------------------------------------


def long_text(corpus: Path, script: str) -> str:
    """Several pages: the article's first paragraphs eight times over (Burmese with its
    Latin words and quotes)."""
    return "\n\n".join(paragraphs(article(corpus, script)) * 8)


@pytest.fixture(scope="module")
def long_clippings(tmp_path_factory: pytest.TempPathFactory, corpus: Path) -> tuple[Path, dict]:
    app()
    made = {}
    number = 0
    for script, language in (("thai", "th"), ("burmese", "my")):
        text = long_text(corpus, script)
        # Paragraphs, and the same text as one paragraph running over the page breaks.
        for shape, body in (("paragraphs", text), ("one", re.sub(r"\s*\n\s*", " ", text))):
            number += 1
            made[f"{script}-{shape}"] = Clipping(
                id=number,
                title=f"Long {script} {shape}",
                outlet="Outlet",
                text=body,
                published=date(2024, 3, number),
                language=language,
            )
    path = write(tmp_path_factory.mktemp("long") / "long.pdf", "Long", list(made.values()))
    return path, made


def clipping_pages(path: Path, title: str) -> list[int]:
    """The pages (from 1) of a clipping: its first and those headed "… (continued)"."""
    found = []
    for number in range(2, page_count(path) + 1):
        text = page_text(path, number, "pdfminer")
        if text.startswith(("Contents", "Summary")):
            continue
        if f"{title} (continued)" in text or (not found and f"\n{title}\n" in text):
            found.append(number)
    return found


@pytest.mark.parametrize("tool", TOOLS)
@pytest.mark.parametrize(
    "name", ["thai-paragraphs", "thai-one", "burmese-paragraphs", "burmese-one"]
)
def test_every_page_of_a_long_clipping_reads_back(long_clippings, name: str, tool: str) -> None:
    """Each page's text is the next piece of the clipping's text, clusters whole, and the
    pages together give all of it: no word split, no mark lost after the first page."""
    path, made = long_clippings
    clipping = made[name]
    pages = clipping_pages(path, clipping.title)
    assert len(pages) >= 2, pages
    wanted = searchable(clipping.text)
    read = ""
    for page in pages:
        body = searchable(page_text(path, page, tool))
        for furniture in (
            f"Outlet·{clipping.title}(continued)",
            f"Outlet·{clipping.published.day}March2024",  # type: ignore[union-attr]
            searchable(clipping.title),
            f"Page{page}",
            "Long",
        ):
            body = body.replace(searchable(furniture), "", 1)
        assert body, (name, tool, page)
        # A page's text starts where the page before stopped.
        assert wanted.startswith(read + body), (name, tool, page, body[:60])
        read += body
    assert read == wanted, (name, tool, len(read), len(wanted))


# --- CJK faces in the contents, the summary and the running headers --------------------------

CJK = {
    "ja": ("直木賞の選考会", "朝日新聞", "文芸", "直木賞の選考会が開かれ、受賞作が発表された。"),
    "zh": ("直播经济发展报告", "人民日报", "经济", "直播经济发展报告今天发布。"),
    "zh-TW": ("臺灣經濟報導", "聯合報", "經濟", "臺灣經濟報導今天發表。"),
    "ko": ("한국 경제 기사", "조선일보", "경제", "한국 경제 기사를 오늘 발표했다. "),
}
FACES = {"ja": "jp", "zh": "sc", "zh-TW": "tc", "ko": "kr"}


@pytest.fixture(scope="module")
def cjk_review(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Four CJK clippings, two pages each, in sections by sub-tag."""
    app()
    clippings = [
        Clipping(
            id=number,
            title=title,
            outlet=outlet,
            text="\n\n".join([sentence * 12] * 14),
            tags=(f"Asia/{section}",),
            published=date(2024, 3, number),
            language=language,
        )
        for number, (language, (title, outlet, section, sentence)) in enumerate(
            CJK.items(), start=1
        )
    ]
    return write(tmp_path_factory.mktemp("cjk") / "cjk.pdf", "東アジア", clippings)


def faces(path: Path, page: int, wanted: str) -> set[str]:
    """The CJK faces ("jp", "sc"…) of a text's characters on a page (from 1), line by line."""
    found: set[str] = set()

    def walk(item: object) -> None:
        if isinstance(item, LTTextLine):
            chars = [c for c in item if isinstance(c, LTChar)]
            text = "".join(c.get_text() for c in chars)
            start = text.find(wanted)
            if start >= 0:
                for char in chars[start : start + len(wanted)]:
                    name = char.fontname.split("+")[-1].split("-")[0]
                    if "CJK" in name and not char.get_text().isspace():
                        found.add(name[-2:].lower())
        elif isinstance(item, Iterable):
            for child in item:
                walk(child)

    for layout in page_layout(path, page):
        walk(layout)
    return found


@functools.cache
def page_layout(path: Path, page: int) -> list:
    """pdfminer's layout of a page (from 1)."""
    return list(extract_pages(path, page_numbers=[page - 1]))


def require_cjk_faces(path: Path) -> None:
    with pikepdf.open(path) as pdf:
        names = {str(f.BaseFont) for page in pdf.pages for f in page.Resources.Font.values()}
    if not any("CJK" in name for name in names):
        skip_unless_installed(
            "no Noto CJK fonts installed (scripts/setup.sh installs fonts-noto-cjk)"
        )


@pytest.mark.parametrize("language", list(CJK))
def test_contents_and_summary_set_each_entry_in_its_language_face(
    cjk_review: Path, language: str
) -> None:
    """The contents (page 2: title, outlet, section) and the summary (page 3: outlet,
    section) in the face of the clipping's language: Japanese in the JP face, not SC."""
    require_cjk_faces(cjk_review)
    title, outlet, section, _ = CJK[language]
    face = FACES[language]
    assert page_text(cjk_review, 2, "pdfminer").startswith("Contents")
    assert page_text(cjk_review, 3, "pdfminer").startswith("Summary")
    for page, text in ((2, title), (2, outlet), (2, section), (3, outlet), (3, section)):
        assert faces(cjk_review, page, text) == {face}, (page, text)


@pytest.mark.parametrize("language", list(CJK))
def test_running_header_is_set_in_the_clippings_face(cjk_review: Path, language: str) -> None:
    require_cjk_faces(cjk_review)
    title, outlet, _, _ = CJK[language]
    continued = [
        n
        for n in range(4, page_count(cjk_review) + 1)
        if "(continued)" in page_text(cjk_review, n, "pdfminer")
        and title in page_text(cjk_review, n, "pdfminer")
    ]
    assert continued, title
    assert faces(cjk_review, continued[0], f"{outlet} · {title}") == {FACES[language]}


def test_kana_is_japanese_whatever_the_language_says(tmp_path: Path) -> None:
    """A collection's own words (its title on the cover and in the footers) belong to no
    clipping: kana are set in the JP face, Hangul in the KR face, by their script."""
    app()
    clippings = [
        Clipping(id=1, title="中文", text="中文报道。" * 20, language="zh"),
        Clipping(id=2, title="English", text="Nothing in Japanese.", language=None),
    ]
    path = write(tmp_path / "kana.pdf", "ニュースのまとめ", clippings)
    require_cjk_faces(path)
    assert faces(path, 1, "ニュースのまとめ") == {"jp"}
    assert faces(path, 2, "ニュースのまとめ") == {"jp"}  # the footer of the contents
