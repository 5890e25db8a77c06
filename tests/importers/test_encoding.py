"""Text files in every common encoding read as the words their authors wrote."""

from __future__ import annotations

import csv
import os
from pathlib import Path

import pytest

from clippings.importers.encoding import decode_text, looks_like_text
from clippings.model import ExtractionError

# Parametrising needs the rows at collection time, before the ``corpus`` fixture runs;
# the same place ``tests/conftest.py`` looks.
_SHARED = Path(os.environ.get("CLIPPINGS_SHARED", Path(__file__).resolve().parents[3] / "shared"))
INDEX = _SHARED / "corpus" / "encodings" / "encodings_index.tsv"


def _rows() -> list[dict[str, str]]:
    if not INDEX.is_file():
        return []
    with INDEX.open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


@pytest.mark.parametrize("row", _rows(), ids=lambda row: row["path"])
def test_corpus_file_decodes_exactly(corpus: Path, row: dict[str, str]) -> None:
    data = (corpus / "encodings" / row["path"]).read_bytes()
    text, codec = decode_text(data)
    # A text identical in two codecs is the same text: compare text, not codec names.
    assert text.lstrip("\ufeff") == data.decode(row["python_codec"]).lstrip("\ufeff"), codec


RUSSIAN = (
    "Отношения между Россией и США резко ухудшились после украинского кризиса 2014 года. "
    "В прошлом месяце президенты Путин и Байден провели встречу в Женеве.\n"
) * 3
PORTUGUESE = (
    "A relação entre os dois países deteriorou-se drasticamente. O embaixador disse que "
    "não há sinais de mudança, mas está disposto a cooperar onde for possível.\n"
) * 3
POLISH = (
    "Stosunki między Rosją a Stanami Zjednoczonymi gwałtownie się pogorszyły. Źródła "
    "wskazują, że ściśle tajne rozmowy trwają.\n"
) * 3


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (RUSSIAN, "cp1251"),
        (RUSSIAN, "koi8_r"),
        (RUSSIAN, "cp866"),
        (RUSSIAN, "mac_cyrillic"),
        (RUSSIAN, "utf_16_le"),
        (RUSSIAN, "utf_16_be"),
        (RUSSIAN, "utf_32_le"),
        (PORTUGUESE, "cp1252"),
        (PORTUGUESE, "utf_16_le"),
        (POLISH, "iso8859_2"),
        (POLISH, "cp1250"),
    ],
)
def test_legacy_and_bomless_encodings(text: str, codec: str) -> None:
    assert decode_text(text.encode(codec))[0] == text


def test_bom_is_removed() -> None:
    assert decode_text("\ufeffHello".encode("utf-8")) == ("Hello", "utf-8-sig")
    assert decode_text("Hello, world".encode("utf-16"))[0] == "Hello, world"


def test_declared_encoding_is_honoured() -> None:
    body = "<?xml version='1.0' encoding='windows-1251'?><p>Привет, мир</p>"
    assert decode_text(body.encode("cp1251")) == (body, "cp1251")


def test_binary_is_refused() -> None:
    png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4
    assert not looks_like_text(png)
    with pytest.raises(ExtractionError, match="binary"):
        decode_text(png)


def test_text_is_recognised() -> None:
    assert looks_like_text(b"Plain words\n")
    assert looks_like_text("Слова".encode("utf-16"))
    assert looks_like_text(RUSSIAN.encode("utf_16_le"))
    assert not looks_like_text(b"")
