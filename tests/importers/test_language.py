"""Language detection: the model unpacked once into the cache, and the same answers."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from clippings.importers import language

SENTENCES = {
    "en": "The harbour authority said on Tuesday that the ferry would run again next week.",
    "de": "Die Hafenbehörde teilte am Dienstag mit, dass die Fähre nächste Woche wieder fährt.",
    "fr": "L'autorité portuaire a annoncé mardi que le ferry reprendrait la semaine prochaine.",
    "es": "La autoridad portuaria dijo el martes que el ferri volverá a navegar la próxima semana.",
}


def test_the_model_is_unpacked_once_and_answers_as_the_packed_one(tmp_path: Path) -> None:
    from py3langid.langid import LanguageIdentifier

    packed = language._packed_model()
    first = language.unpacked_model(packed, tmp_path)
    written = first.stat().st_mtime_ns
    again = language.unpacked_model(packed, tmp_path)

    assert again == first and first.stat().st_mtime_ns == written
    assert [p.name for p in tmp_path.iterdir()] == [first.name]  # no temporary left
    unpacked = language._from_unpacked(first)
    reference = LanguageIdentifier.from_model_file(packed, norm_probs=True)
    for code, sentence in SENTENCES.items():
        found, probability = unpacked.classify(sentence)
        assert found == code
        assert probability == pytest.approx(reference.classify(sentence)[1])


def test_an_older_unpacked_model_is_replaced(tmp_path: Path) -> None:
    old = tmp_path / "model-1-1.npz"
    old.write_bytes(b"an older model")

    current = language.unpacked_model(language._packed_model(), tmp_path)

    assert not old.exists() and current.exists()


def test_detection_works_when_the_cache_cannot_be_written(tmp_path: Path) -> None:
    # A fresh process: the identifier is made once per process.
    blocked = tmp_path / "cache"
    blocked.write_text("a file where the cache folder should be")
    script = (
        "from clippings.importers.language import detect_language\n"
        f"print(detect_language({SENTENCES['de']!r}))\n"
    )
    env = dict(os.environ, XDG_CACHE_HOME=str(blocked))
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, env=env, check=True
    )

    assert done.stdout.strip() == "de"


def test_a_reader_that_warms_up_does_not_load_the_page_reader() -> None:
    # A worker of an import of texts (or PDFs) spends no CPU on trafilatura.
    script = (
        "import sys\n"
        "from clippings.importers import worker\n"
        "worker.warm_up()\n"
        "print('py3langid' in sys.modules, 'trafilatura' in sys.modules)\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], capture_output=True, text=True, check=True
    )

    assert done.stdout.split() == ["True", "False"]
