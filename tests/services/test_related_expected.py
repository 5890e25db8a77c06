"""Related pieces and stories unchanged on a fixed archive by the stored redesign.

``tests/data/related_expected.json`` holds what the in-memory implementation (before
issue 9) gave on the ECB+ texts of topics 1-7 (``tests/data/make_related_expected.py``).
The stored implementation must give the same stories, and for each clipping nearly the
same first five with the same labels; the best piece is the same for nearly every
clipping and otherwise among the other's first three (scores drift a little: candidates
now come from each clipping's 100 heaviest terms, not all of its terms).
"""

from __future__ import annotations

import json

import pytest

from clippings.services import import_paths
from clippings.services import related as related_service
from tests.conftest import DATA
from tests.data.make_related_expected import LIMIT, fixed_paths

EXPECTED = DATA / "related_expected.json"
#: How far a score may drift from the reference.
SCORE_DRIFT = 0.03


@pytest.fixture(scope="module")
def fixed(tmp_path_factory, corpus):
    from clippings.services import Archive
    from clippings.services.extraction import ExtractionPool

    paths = fixed_paths(corpus)
    with (
        Archive.open(tmp_path_factory.mktemp("fixed") / "archive") as archive,
        ExtractionPool(workers=1) as pool,
    ):
        # One file at a time: clipping ids in the files' order, as when the expected
        # results were captured (a pool stores files in the order they are read, and
        # the order in which clippings are analysed decides a few close story links).
        names: dict[int, str] = {}
        for doc, path in paths:
            result = import_paths(archive, [path], pool=pool).results[0]
            if result.id is not None and result.id not in names:
                names[result.id] = doc
        related_service.sync(archive)
        found = {
            names[i]: [
                (names[r.clipping.id], r.relation, r.score)
                for r in related_service.related(archive, i, limit=LIMIT)
            ]
            for i in sorted(names)
        }
        stories = [
            (sorted(names[c.id] for c in s.clippings), s.copies)
            for s in related_service.stories(archive)
        ]
    return found, stories


def test_stories_are_unchanged(fixed):
    _found, stories = fixed
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["stories"]
    assert sorted(stories) == sorted((s["clippings"], s["copies"]) for s in expected)


def test_related_pieces_are_unchanged_within_a_small_drift(fixed):
    found, _stories = fixed
    expected = json.loads(EXPECTED.read_text(encoding="utf-8"))["related"]
    assert set(found) == set(expected)
    same_top, near_top, same_five, labels, drift = [], [], [], [], []
    for doc, reference in expected.items():
        mine = found[doc]
        same_top.append(
            bool(mine) == bool(reference) and (not mine or mine[0][0] == reference[0][0])
        )
        near_top.append(
            bool(mine) == bool(reference)
            and (
                not mine
                or (
                    mine[0][0] in {r[0] for r in reference[:3]}
                    and reference[0][0] in {m[0] for m in mine[:3]}
                )
            )
        )
        ref_five = {r[0] for r in reference[:5]}
        same_five.append(len(ref_five & {m[0] for m in mine[:5]}) / max(1, len(ref_five)))
        ref = {r[0]: (r[1], r[2]) for r in reference}
        for other, relation, score in mine:
            if other in ref:
                labels.append(relation == ref[other][0])
                drift.append(abs(score - ref[other][1]))
    measured = (
        sum(same_top) / len(same_top),
        sum(near_top) / len(near_top),
        sum(same_five) / len(same_five),
        sum(labels) / len(labels),
        sorted(drift)[int(0.9 * len(drift))],
    )
    # Measured when written: (0.899, 0.964, 0.970, 0.987, 0.012): where the best piece
    # changed, the two were within a hundredth of each other.
    assert measured[0] >= 0.88, measured
    assert measured[1] >= 0.95, measured
    assert measured[2] >= 0.95, measured
    assert measured[3] >= 0.97, measured
    assert measured[4] <= SCORE_DRIFT, measured
