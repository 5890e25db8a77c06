"""A PDF's title is never its file's name when the PDF says more, and a placeholder
author ("Administrator") is no author."""

from __future__ import annotations

from pathlib import Path

from clippings.importers.pdf import PdfImporter
from clippings.importers.pdf_metadata import heading_line, is_file_name
from clippings.services import import_paths

importer = PdfImporter()


def test_a_pdf_without_a_title_takes_its_first_sentence_not_its_file_name(corpus: Path):
    page = corpus / "pdf/pdfplumber/issue-848.pdf"
    extracted = importer.extract(page.read_bytes(), page.name)
    assert extracted.title != "issue-848"
    assert extracted.title.startswith("The movie opens with a news report")
    assert extracted.title.endswith("…") and len(extracted.title) < 120
    assert extracted.provenance["title"] == "derived"  # shown as a guess


def test_a_title_that_repeats_the_file_name_is_not_taken():
    assert is_file_name("issue-848", "issue-848.pdf")
    assert is_file_name("Annual Report 2020", "annual_report_2020.pdf")
    assert not is_file_name("Annual Report 2020", "report.pdf")


def test_the_first_line_is_the_title_when_it_reads_as_a_heading():
    text = "Storm closes the harbour\n\nThe harbour was closed on Monday. Ships waited."
    assert heading_line(text) == "Storm closes the harbour"
    # A sentence, a lone line or a line of numbers is no heading.
    assert heading_line("The harbour was closed.\n\nShips waited.") is None
    assert heading_line("Storm closes the harbour") is None
    assert heading_line("12 3 2014 11 57 01\n\nText.") is None


def tiny_pdf(lines: list[str], info: dict[str, str]) -> bytes:
    """A one-page PDF in Helvetica with these lines and this Info dictionary."""
    shown = " ".join(f"({line}) '" for line in lines)
    stream = f"BT /F1 12 Tf 72 720 Td 14 TL {shown} ET"
    bodies = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream}\nendstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        "<< " + " ".join(f"/{key} ({value})" for key, value in info.items()) + " >>",
    ]
    out = b"%PDF-1.4\n"
    offsets = []
    for number, body in enumerate(bodies, 1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    table = len(out)
    out += f"xref\n0 {len(bodies) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += (
        f"trailer\n<< /Size {len(bodies) + 1} /Root 1 0 R /Info {len(bodies)} 0 R >>\n"
        f"startxref\n{table}\n%%EOF\n"
    ).encode()
    return out


def test_a_pdf_by_administrator_named_after_its_file_imports_with_its_heading(archive, tmp_path):
    page = tmp_path / "report_v2.pdf"
    page.write_bytes(
        tiny_pdf(
            [
                "Storm closes the harbour",
                "",
                "The harbour was closed on Monday after the storm.",
                "Ships waited outside for two days.",
            ],
            {"Author": "Administrator", "Title": "report_v2"},
        )
    )
    report = import_paths(archive, [page])
    [done] = report.of("imported")
    clipping = archive.get(done.id)
    assert clipping.title == "Storm closes the harbour"
    assert clipping.author is None
