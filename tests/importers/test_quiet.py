"""Importing leaves stderr clean: no library's notice of what it could not use."""

from __future__ import annotations

import contextlib
import logging
import warnings

import pytest

from clippings.importers import extract
from clippings.model import ExtractionError

#: Pages on which trafilatura logs "discarding data: None" and htmldate makes dateutil
#: warn about the zone "EST" it does not know.
NOISY = (
    "newspaper4k/legacy_fulltext_2015/html/readwrite.com1.html",
    "newspaper4k/legacy_fulltext_2015/html/theglobeandmail.com1.html",
)


@pytest.mark.parametrize("name", NOISY)
def test_importing_prints_no_library_noise(corpus, name, caplog, capfd):
    page = corpus / name
    caplog.set_level(logging.WARNING)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        # A page with no article is said in the import summary, and only there.
        with contextlib.suppress(ExtractionError):
            extract(page.read_bytes(), page.name)
    assert [r.getMessage() for r in caplog.records if r.levelno >= logging.WARNING] == []
    assert [str(w.message) for w in caught] == []
    out, err = capfd.readouterr()
    assert err == ""
