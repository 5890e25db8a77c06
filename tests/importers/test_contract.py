"""One contract that every importer meets, whatever its format."""

from __future__ import annotations

import contextlib
import os
from datetime import date, datetime

import pytest

from clippings import importers
from clippings.model import METADATA_FIELDS, PROVENANCE_FACTS, ClippingsError, Extracted
from tests.importers import samples_mail, samples_office

#: A format the corpus has no file of: the test makes its sample from a corpus article.
MADE_BY_TEST = "made by the test"
# A real sample of each format (relative to the corpus), and broken bytes of it.
SAMPLES = {
    "text": "ecbplus/text/2/2_1ecbplus.txt",
    "html": "readability/test-pages/nytimes-1/source.html",
    "pdf": "pdf/pdfminer.six/contrib/issue-00352-asw-oct96-p41.pdf",
    "image": MADE_BY_TEST,
}


def _office(fmt):
    return lambda corpus: samples_office.sample(fmt, corpus)


def _named(name, make):
    return lambda corpus: (name, make(corpus))


# Formats no corpus file holds: the tests make a sample from a corpus article (a maker
# of (file name, bytes)).
MADE = {
    **{fmt: _office(fmt) for fmt in ("docx", "odt", "rtf", "epub")},
    "email": _named("newsletter.eml", samples_mail.contract_newsletter),
    "mbox": _named("newsletters.mbox", samples_mail.contract_mbox),
    "mhtml": _named("saved page.mhtml", samples_mail.contract_mhtml),
}

BROKEN = {
    "text": b"\x00\x01\x02\x03" * 200 + bytes(range(256)),
    "html": b"<!DOCTYPE html><html><head><title></title></head><body></body></html>",
    "pdf": b"%PDF-1.7\n1 0 obj << /Type /Catalog",
    "docx": b"PK\x03\x04" + bytes(200),
    "odt": b"PK\x03\x04\x14\x00\x00\x00\x00\x00" + bytes(20) + b"mimetype" + bytes(100),
    "rtf": b"{\\rtf1\\ansi{\\fonttbl{\\f0 Arial;}}}",
    "epub": b"PK\x03\x04" + bytes(26) + b"mimetypeapplication/epub+zip" + bytes(100),
    "image": b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4,
    "email": b"From: News <news@example.com>\r\nSubject: x\r\nMIME-Version: 1.0\r\n\r\n",
    "mbox": b"From news@example.com Mon Nov 30 09:38:00 2026\nFrom: a@b.c\nSubject: x\n\n",
    "mhtml": b"From: <Saved by Blink>\r\nContent-Type: multipart/related; boundary=b\r\n\r\n",
}


def _made_sample(name, corpus, folder):
    """A sample the test makes (an image: a corpus article set in type)."""
    from tests.importers.samples_ocr import contract_sample

    path = folder / f"{name}-sample.png"
    if not path.exists():
        path.write_bytes(contract_sample(corpus))
    return path


@pytest.fixture(params=sorted({*SAMPLES, *MADE}), ids=lambda name: name)
def importer_and_sample(request, corpus, tmp_path_factory):
    by_name = {importer.name: importer for importer in importers.importers()}
    if request.param in MADE:
        name, data = MADE[request.param](corpus)
        path = tmp_path_factory.mktemp(request.param) / name
        path.write_bytes(data)
    elif SAMPLES[request.param] == MADE_BY_TEST:
        path = _made_sample(request.param, corpus, tmp_path_factory.getbasetemp())
    else:
        path = corpus / SAMPLES[request.param]
    return by_name[request.param], path


def test_every_format_has_a_sample():
    assert {importer.name for importer in importers.importers()} == {*SAMPLES, *MADE}


def test_every_importer_names_its_format(importer_and_sample):
    # The import dialog's file filter and the README list formats by this name.
    importer, _path = importer_and_sample
    assert importer.label and importer.label.strip() == importer.label
    assert importer.suffixes and all(
        s.startswith(".") and s == s.lower() for s in importer.suffixes
    )


def test_the_registry_picks_the_importer_by_content(importer_and_sample, tmp_path):
    importer, path = importer_and_sample
    data = path.read_bytes()
    assert importer.sniff(data[: importers.SNIFF_BYTES])
    # Content decides, not the name: the same bytes under a misleading name.
    assert importers.importer_for(data, "download.bin").name == importer.name
    assert importers.importer_for(data, "no-suffix").name == importer.name


def test_extraction_meets_the_contract(importer_and_sample):
    importer, path = importer_and_sample
    data = path.read_bytes()
    extracted = importer.extract(data, path.name)
    assert isinstance(extracted, Extracted)
    assert extracted.format == importer.name
    assert extracted.has_text and len(extracted.text.split()) > 50
    assert extracted.title and extracted.title.strip() == extracted.title
    assert "\r" not in extracted.text
    assert "\n\n" in extracted.text, "paragraphs are kept"
    for field in METADATA_FIELDS:
        value = getattr(extracted, field)
        if value not in (None, ""):
            assert extracted.provenance.get(field), f"{field} has a value but no provenance"
    assert set(extracted.provenance) <= {*METADATA_FIELDS, *PROVENANCE_FACTS}
    if isinstance(extracted.published, datetime):
        assert extracted.published.tzinfo is not None, "a time comes with its offset"
    else:
        assert extracted.published is None or isinstance(extracted.published, date)
    if extracted.html:
        lowered = extracted.html.lower()
        for forbidden in ("<script", "<iframe", "<img", "<object", "<embed", " onload=", "<style"):
            assert forbidden not in lowered
    # A pure function of the bytes: the same again.
    assert importer.extract(data, path.name) == extracted


def test_bad_bytes_raise_the_projects_own_errors(importer_and_sample):
    importer, path = importer_and_sample
    try:
        importer.extract(BROKEN[importer.name], path.name)
    except ClippingsError as error:
        assert str(error), "a message a person can act on"
        assert type(error) is not ImportError
    else:
        pytest.fail(f"{importer.name} accepted broken bytes")
    # Truncated files: empty for every format; a cut text file is still text.
    for size in (0,) if importer.name == "text" else (0, 1, 37):
        with pytest.raises(ClippingsError):
            importer.extract(path.read_bytes()[:size], path.name)


def test_random_bytes_are_never_a_traceback():
    data = os.urandom(4096)
    with contextlib.suppress(ClippingsError):
        importers.extract(data, "random.dat")
