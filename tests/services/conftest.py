"""Fixtures of the service tests."""

from __future__ import annotations

import csv

import pytest

from clippings.services import import_paths

#: ECB+ topic 1: reports of Lindsay Lohan entering Betty Ford (2013), and of Tara Reid
#: entering Promises (2008): two events of one kind.
LOHAN = ["1_10ecbplus", "1_11ecbplus", "1_13ecbplus", "1_2ecbplus", "1_3ecbplus"]
REID = ["1_10ecb", "1_11ecb", "1_12ecb", "1_13ecb"]


@pytest.fixture
def rehab_reports(archive, corpus):
    """Reports of two similar events imported as a user would: (archive, the ids of
    Lohan's reports, the ids of Reid's)."""
    root = corpus / "ecbplus"
    with (root / "index.tsv").open(encoding="utf-8") as handle:
        paths = {r["doc"]: root / r["path"] for r in csv.DictReader(handle, delimiter="\t")}
    report = import_paths(archive, [paths[doc] for doc in LOHAN + REID])
    ids = [r.id for r in report.results]
    assert None not in ids and len(set(ids)) == len(ids)
    return archive, ids[: len(LOHAN)], ids[len(LOHAN) :]
