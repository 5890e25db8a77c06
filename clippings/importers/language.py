"""Language detection for texts that do not declare one (py3langid, offline)."""

from __future__ import annotations

from functools import lru_cache
from typing import Any


@lru_cache(maxsize=1)
def _identifier() -> Any:
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


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
