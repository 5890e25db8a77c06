"""`clippings ocr`: a stored scan's text recognised again, in the languages given."""

from __future__ import annotations

import pytest

from tests.importers.samples_ocr import article, pdf_of, render_page, word_recall
from tests.test_cli import Cli


@pytest.fixture
def cli(tmp_path, capsys):
    return Cli(tmp_path / "archive", capsys)


@pytest.fixture
def scan(corpus, tmp_path):
    _, text = article(corpus, "fra", max_words=120)
    path = tmp_path / "scan.pdf"
    path.write_bytes(pdf_of([render_page(text, "fra", title="Séisme au Népal")]))
    return path, text


def test_ocr_recognises_a_stored_scan_again_in_the_languages_given(cli, scan):
    path, text = scan
    [imported] = cli.json("import", str(path))["imported"]
    assert not imported["without_text"]

    [result] = cli.json("ocr", str(imported["id"]), "--ocr-lang", "fra")

    assert result["outcome"] == "recognised" and result["id"] == imported["id"]
    assert result["title"] == "Séisme au Népal"
    shown = cli.json("show", str(imported["id"]))
    assert word_recall(text, shown["text"]) >= 0.9
    code, out, _ = cli("ocr", str(imported["id"]))
    assert code == 0 and out.startswith(f"recognised {imported['id']}: Séisme au Népal")
    code, out, _ = cli("show", str(imported["id"]))
    assert "Text:      from OCR (fra+eng, mean confidence " in out


def test_ocr_names_the_installed_languages_when_one_is_missing(cli, scan):
    path, _ = scan
    [imported] = cli.json("import", str(path))["imported"]

    code, _, err = cli("ocr", str(imported["id"]), "--ocr-lang", "eng+xyz")

    assert code == 1
    assert "xyz is not installed; installed: ara, chi_sim, deu, eng" in err


def test_ocr_of_what_is_not_a_scan_or_not_there(cli, seed):
    [imported] = cli.json("import", str(seed))["imported"]

    code, out, _ = cli("ocr", str(imported["id"]))
    assert code == 1 and out.startswith(f"skipped    {imported['id']}: not a scan or an image")
    code, _, err = cli("ocr", "999")
    assert code == 1 and "there is no clipping 999" in err
    code, _, err = cli("ocr", "first")
    assert code == 2 and "not a clipping id" in err


def test_the_archives_ocr_languages_are_set_shown_and_used(cli, scan):
    code, out, _ = cli("ocr")
    assert code == 0 and "automatic" in out
    code, out, _ = cli("ocr", "--languages", "fra")
    assert code == 0 and out.strip() == "OCR languages: fra"
    # The next import reads the scan in the archive's languages, as the window's would.
    path, _ = scan
    [imported] = cli.json("import", str(path))["imported"]
    shown = cli.json("show", str(imported["id"]))
    assert shown["provenance"]["ocr_languages"] == "fra"
    code, _, err = cli("ocr", "--languages", "klingon+eng")
    assert code == 2 and "not installed: klingon" in err
    code, out, _ = cli("ocr", "--languages", "auto")
    assert code == 0 and "automatic" in out
