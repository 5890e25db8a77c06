"""Turning a text file's bytes into ``str``: BOMs, UTF-16/32, legacy code pages.

Order of evidence, surest first:

1. a byte order mark (UTF-8, UTF-16, UTF-32);
2. the NUL-byte pattern of UTF-16/32 written without a BOM;
3. strict UTF-8 (valid non-ASCII UTF-8 is almost never an accident);
4. an encoding the file declares itself (an XML prolog, ``<meta charset>``) when the
   bytes decode with it;
5. charset-normalizer's guess, then our own tie-break between the code pages of one
   script family (Western/Central European/Turkish/Baltic Latin, Cyrillic): the one
   whose decoding reads like natural text wins. charset-normalizer alone likes to pick
   ``cp1250`` or ``hp_roman8`` for Portuguese and ``iso8859_10`` for Polish.
"""

from __future__ import annotations

import codecs
import re
from collections import Counter
from collections.abc import Iterable

from clippings.model import ExtractionError


def _wordset(text: str) -> frozenset[str]:
    """The words of ``text`` (long word lists read better as one string)."""
    return frozenset(text.split())


_BOMS: tuple[tuple[bytes, str], ...] = (
    # UTF-32 first: its little-endian BOM starts with UTF-16's.
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

#: Declared names that browsers (WHATWG) read as a superset; decoding with the superset
#: gives the same text for valid bytes and survives the extra characters real files use.
_SUPERSETS = {
    "gb2312": "gb18030",
    "gbk": "gb18030",
    "euc_kr": "cp949",
    "shift_jis": "cp932",
    "tis-620": "cp874",
    "ascii": "utf-8",
}
_ALIASES = {
    "x-mac-cyrillic": "mac-cyrillic",
    "windows-874": "cp874",
    "x-sjis": "shift_jis",
    "x-euc-jp": "euc_jp",
    "iso-8859-8-i": "iso8859-8",
    "x-cp1251": "cp1251",
    "unicode": "utf-16",
}

_DECLARED = re.compile(
    rb"""<\?xml[^>]{0,200}?encoding\s*=\s*["']([A-Za-z0-9._:-]{2,40})["']"""
    rb"""|<meta[^>]{0,200}?charset\s*=\s*["']?([A-Za-z0-9._:-]{2,40})""",
    re.IGNORECASE,
)

# Control bytes that never occur in text (tab, newlines, form feed and ESC, which
# ISO-2022-JP uses, are allowed).
_CONTROL = frozenset(range(0x00, 0x09)) | {0x0B, 0x0E, 0x0F} | frozenset(range(0x10, 0x1B))
_CONTROL |= frozenset(range(0x1C, 0x20)) | {0x7F}

# Code pages of one script family: a decoding is chosen among them by how natural the
# text looks. The order breaks exact ties (identical scores): the most common first.
_LATIN_FAMILY = (
    "cp1252",
    "iso8859-1",
    "iso8859-15",
    "cp1250",
    "iso8859-2",
    "cp1254",
    "iso8859-9",
    "cp1257",
    "iso8859-13",
)
_CYRILLIC_FAMILY = (
    "cp1251",
    "koi8-r",
    "iso8859-5",
    "cp866",
    "mac-cyrillic",
    "cp855",
    "koi8-u",
    "cp1125",
)

# The accented letters each language writes with; a right decoding fits one language,
# a wrong one mixes letters of several (Portuguese "não" read as cp1250 gives "nă").
_ALPHABETS = {
    "pt": "áàâãçéêíóôõúü",
    "es": "áéíóúñü",
    "ca": "àçèéíïòóúü·",
    "fr": "àâæçéèêëîïôœùûüÿ",
    "it": "àèéìíîòóùú",
    "de": "äöüß",
    "nl": "éëïöüèáó",
    "da": "æøåé",
    "sv": "åäöé",
    "fi": "äöå",
    "is": "áðéíóúýþæö",
    "cs": "áčďéěíňóřšťúůýž",
    "sk": "áäčďéíĺľňóôŕšťúýž",
    "pl": "ąćęłńóśźż",
    "hu": "áéíóöőúüű",
    "ro": "ăâîșşțţ",
    "hr": "čćđšž",
    "sl": "čšž",
    "tr": "çğıİöşüâîû",
    "lt": "ąčęėįšųūž",
    "lv": "āčēģīķļņšūž",
    "et": "äöõüšž",
}
#: charset-normalizer's odder picks for Western and Central European text.
_ODD_LATIN = _wordset(
    "hp-roman8 cp775 cp850 cp858 cp437 cp1258 mac-roman iso8859-10 iso8859-14 iso8859-4 "
    "iso8859-3 mac-latin2 cp852 iso8859-16 cp860 cp863 cp865 mac-iceland"
)
_ALPHABET_SETS = {lang: frozenset(letters) for lang, letters in _ALPHABETS.items()}
# Non-letters that natural text in any of these languages uses.
_COMMON_SYMBOLS = frozenset("“”„‘’‚–—…«»°€£¥§©®™·•¡¿×±½¼¾¹²³µ¶¤¢ ")


def looks_like_text(head: bytes) -> bool:
    """Whether the first bytes of a file look like text rather than binary data.

    A BOM or the NUL pattern of UTF-16/32 counts as text; other NUL bytes, or more than
    a few control bytes, do not.
    """
    if not head:
        return False
    if _bom_codec(head) or _nul_pattern_codec(head):
        return True
    if b"\x00" in head:
        return False
    controls = sum(1 for byte in head if byte in _CONTROL)
    return controls <= max(2, len(head) // 200)


def decode_text(data: bytes) -> tuple[str, str]:
    """Decode a text file's bytes.

    Returns:
        The text (without a BOM) and the Python codec that decoded it.

    Raises:
        ExtractionError: the bytes are binary data, not text.
    """
    if not data:
        return "", "utf-8"
    bom = _bom_codec(data)
    if bom:
        try:
            return data.decode(bom), bom
        except UnicodeDecodeError as error:
            raise ExtractionError(f"the file starts like {bom} text but is not ({error})") from None
    wide = _nul_pattern_codec(data)
    if wide:
        try:
            return data.decode(wide), wide
        except UnicodeDecodeError:
            pass  # not UTF-16/32 after all; the binary check below decides
    if not looks_like_text(data[:65536]):
        raise ExtractionError("the file is binary data, not text")
    if b"\x1b$" in data or b"\x1b(" in data:
        # ISO-2022-JP/KR is 7-bit and so valid UTF-8: its escape sequences give it away.
        for codec in ("iso2022_jp", "iso2022_kr"):
            text = _try_decode(data, codec)
            if text is not None and "\x1b" not in text:
                return text, codecs.lookup(codec).name
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    declared = _declared_codec(data)
    if declared:
        text = _try_decode(data, declared)
        if text is not None:
            return text, declared
    return _guess(data)


def _bom_codec(data: bytes) -> str | None:
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return codec
    return None


def _nul_pattern_codec(data: bytes) -> str | None:
    """UTF-16/32 without a BOM: the high bytes of most characters are NULs."""
    sample = data[:4096]
    if len(sample) < 8 or b"\x00" not in sample:
        return None
    quads = len(sample) // 4
    at = [sample[i : quads * 4 : 4].count(0) / quads for i in range(4)]
    if at[3] > 0.95 and at[2] > 0.9 and at[0] < 0.5:
        return _if_wide_text(sample, "utf-32-le")
    if at[0] > 0.95 and at[1] > 0.9 and at[3] < 0.5:
        return _if_wide_text(sample, "utf-32-be")
    pairs = len(sample) // 2
    even = sample[0 : pairs * 2 : 2].count(0) / pairs
    odd = sample[1 : pairs * 2 : 2].count(0) / pairs
    # Text in any script has some ASCII (spaces, digits, newlines), whose high byte is
    # NUL; binary data has NULs on both sides. Cyrillic or Greek UTF-16 has few NULs (the
    # spaces), so the decoded sample must also look like text.
    if even * pairs >= 2 and odd < 0.002:
        return _if_wide_text(sample, "utf-16-be")
    if odd * pairs >= 2 and even < 0.002:
        return _if_wide_text(sample, "utf-16-le")
    return None


def _if_wide_text(sample: bytes, codec: str) -> str | None:
    width = 4 if codec.startswith("utf-32") else 2
    try:
        text = sample[: len(sample) // width * width].decode(codec)
    except UnicodeDecodeError:
        # A sample may end inside a surrogate pair.
        try:
            text = sample[: len(sample) // width * width - width].decode(codec)
        except UnicodeDecodeError:
            return None
    odd = sum(
        1
        for ch in text
        if (ch < " " and ch not in "\t\n\r\f") or "\ue000" <= ch <= "\uf8ff" or ch == "\ufffd"
    )
    return codec if odd <= len(text) // 100 else None


def _canonical(name: str) -> str | None:
    name = name.strip().lower()
    name = _ALIASES.get(name, name)
    try:
        canonical = codecs.lookup(name).name
    except LookupError:
        return None
    return _SUPERSETS.get(canonical, canonical)


def _declared_codec(data: bytes) -> str | None:
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    raw = (match.group(1) or match.group(2)).decode("ascii", "replace")
    codec = _canonical(raw)
    # A page that claims UTF-8 or UTF-16 yet failed strict UTF-8 (or has no NUL pattern)
    # is lying; the guess below does better.
    if codec is None or codec.startswith(("utf-8", "utf-16", "utf-32")):
        return None
    return codec


def _try_decode(data: bytes, codec: str) -> str | None:
    try:
        return data.decode(codec)
    except (UnicodeDecodeError, LookupError):
        return None


def _guess(data: bytes) -> tuple[str, str]:
    from charset_normalizer import from_bytes

    matches = from_bytes(data, cp_isolation=None)
    best = matches.best()
    if best is None:
        # Every byte decodes in cp1252 but for five; latin-1 takes anything.
        text = _try_decode(data, "cp1252")
        return (text, "cp1252") if text is not None else (data.decode("iso8859-1"), "iso8859-1")
    guessed = _canonical(best.encoding) or "iso8859-1"
    family: tuple[str, ...] = ()
    if guessed in _CYRILLIC_FAMILY:
        family = _CYRILLIC_FAMILY
    elif guessed in _LATIN_FAMILY or guessed in _ODD_LATIN:
        family = _LATIN_FAMILY
    if family:
        # The common code pages first: on a tie (the same text) the familiar name wins.
        choice = _most_natural(data, (*family, guessed), cyrillic=family is _CYRILLIC_FAMILY)
        if choice is not None:
            return choice
    text = _try_decode(data, guessed)
    if text is None:
        text = str(best)
    return text, guessed


#: How much of a file the code pages of one family are scored on: a sample decides as
#: well as the whole, and scoring is slow Python (a 20 MB file took a minute).
SCORE_BYTES = 262144


def _most_natural(data: bytes, codecs_: Iterable[str], *, cyrillic: bool) -> tuple[str, str] | None:
    # Every code page of these families is one byte a character: any cut is clean.
    sample = data[:SCORE_BYTES]
    ranked: list[tuple[float, int, str]] = []
    seen: set[str] = set()
    for order, codec in enumerate(codecs_):
        if codec in seen:
            continue
        seen.add(codec)
        text = _try_decode(sample, codec)
        if text is None:
            continue
        score = _cyrillic_score(text) if cyrillic else _latin_score(text)
        # On equal scores the earlier codec (the guess, then the common ones) wins.
        ranked.append((-score, order, codec))
    for _, _, codec in sorted(ranked):
        text = _try_decode(data, codec)
        if text is not None:
            return text, codec
    return None


def _latin_score(text: str) -> float:
    """How well the non-ASCII characters of ``text`` fit one European alphabet."""
    counts = Counter(ch for ch in text if ord(ch) > 0x7F)
    if not counts:
        return 0.0
    junk = sum(n for ch, n in counts.items() if 0x80 <= ord(ch) <= 0x9F)
    letters: Counter[str] = Counter()
    symbols = 0
    for ch, n in counts.items():
        if ch.isalpha():
            letters[ch.lower()] += n
        elif ch in _COMMON_SYMBOLS:
            symbols += n
        else:
            junk += n
    best_fit = float("-inf")
    for alphabet in _ALPHABET_SETS.values():
        inside = sum(n for ch, n in letters.items() if ch in alphabet)
        outside = sum(letters.values()) - inside
        best_fit = max(best_fit, inside - 3 * outside)
    return best_fit + 0.5 * symbols - 5 * junk


_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")


def _cyrillic_score(text: str) -> float:
    """Natural Cyrillic words are lower case, Capitalised or ALL CAPS, never mIxEd."""
    good = bad = 0
    for word in _CYRILLIC_WORD.findall(text):
        if word.islower() or word.isupper() or (word[0].isupper() and word[1:].islower()):
            good += len(word)
        else:
            bad += len(word)
    junk = sum(1 for ch in text if 0x80 <= ord(ch) <= 0x9F or ch in "\u2500\u2502\u2591\u2592")
    return good - 3 * bad - 5 * junk
