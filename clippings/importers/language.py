"""Language detection for texts that do not declare one (py3langid, offline).

py3langid ships its model compressed (4.5 MB of LZMA, 68 MB unpacked), and unpacking it
is most of the half second each reader process spends on its first text; an import by
several processes (a team archive's clients, the reader processes of one import) paid
it in each. So the model is unpacked once per machine into the user's cache folder
(``<cache>/clippings/langid``, named after the packed file's size and time) and read
from there, which takes a fifth of the time; when that folder cannot be written or the
copy cannot be read, the packed model is read as before.
"""

from __future__ import annotations

import contextlib
import logging
import lzma
import os
import shutil
import tempfile
from array import array
from functools import lru_cache
from pathlib import Path
from typing import Any

log = logging.getLogger(__name__)

#: The unpacked model's folder under the user's cache folder.
CACHE_FOLDER = "langid"


def _packed_model() -> Path:
    from py3langid.langid import MODEL_DIR, MODEL_FILE

    return Path(MODEL_DIR) / str(MODEL_FILE)


def unpacked_model(packed: Path, cache: Path) -> Path:
    """The unpacked copy of ``packed`` in ``cache``, written the first time (atomically:
    processes starting together each write their own and the last rename wins, and
    copies of older models are removed)."""
    stat = packed.stat()
    target = cache / f"model-{stat.st_size}-{stat.st_mtime_ns}.npz"
    if target.exists():
        return target
    cache.mkdir(parents=True, exist_ok=True)
    handle, name = tempfile.mkstemp(prefix=".unpacking-", suffix=".npz", dir=cache)
    temporary = Path(name)
    try:
        with os.fdopen(handle, "wb") as out, lzma.open(packed) as source:
            shutil.copyfileobj(source, out, length=1 << 20)
        temporary.replace(target)
    except BaseException:
        temporary.unlink(missing_ok=True)
        raise
    for old in cache.glob("model-*.npz"):
        if old != target:
            with contextlib.suppress(OSError):
                old.unlink()
    return target


def _stdlib_array(values: Any) -> array[int]:
    """A NumPy array of unsigned integers as a stdlib array (what py3langid indexes)."""
    code = next(c for c in "HILQ" if array(c).itemsize == values.dtype.itemsize)
    out = array(code)
    out.frombytes(values.tobytes())
    return out


def _from_unpacked(path: Path) -> Any:
    import numpy as np
    from py3langid.langid import LanguageIdentifier

    with np.load(path, allow_pickle=False) as data:
        return LanguageIdentifier(
            np.asarray(data["ptc"]),
            np.asarray(data["pc"]),
            data["classes"].tolist(),
            _stdlib_array(data["nextmove"]),
            data["out_feat"].tolist(),
            norm_probs=True,
            tk_row=_stdlib_array(data["nextmove_row"]),
        )


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import LanguageIdentifier

    try:
        import platformdirs

        cache = platformdirs.user_cache_path("clippings", appauthor=False) / CACHE_FOLDER
        return _from_unpacked(unpacked_model(_packed_model(), cache))
    except Exception as error:  # noqa: BLE001 - the packed model still works
        log.info("reading the packed language model (%s)", error)
    return LanguageIdentifier.from_model_file(_packed_model(), norm_probs=True)


def detect_language(text: str) -> str | None:
    """The ISO 639-1 code of ``text``'s language, or None when too short or unsure."""
    sample = text[:5000]
    if len(sample.strip()) < 40:
        return None
    code, probability = _identifier().classify(sample)
    return str(code) if probability >= 0.5 else None


def normalise_language(value: str | None) -> str | None:
    """``en-GB``, ``en_US``, ``EN`` -> ``en``; None for an empty or odd value."""
    if not value:
        return None
    code = value.strip().replace("_", "-").split("-")[0].lower()
    return code if 2 <= len(code) <= 3 and code.isalpha() else None
