"""A batch's duplicate checks: against the archive and against the batch's own files."""

from __future__ import annotations

import dataclasses
import hashlib

from tests.storage.made import clipping


def _part(new, part: int, text: str):
    """An article of a file of several (the same bytes, its own text)."""
    extracted = dataclasses.replace(new.extracted, part=part, text=text)
    text_hash = hashlib.sha256(text.lower().encode()).hexdigest()
    return dataclasses.replace(new, extracted=extracted, text_hash=text_hash)


def test_a_batch_finds_the_duplicates_of_the_archive_and_of_itself(archive):
    store = archive.store
    kept = clipping("The harbour reopens on Monday after the storm.")
    wire = clipping("Ferries sail again from the north pier at dawn.")
    [stored] = store.add_many([kept], store_originals=lambda positions: None)
    assert stored.created

    same_text = clipping("THE HARBOUR REOPENS ON MONDAY AFTER THE STORM.")  # other bytes
    first, second = _part(wire, 0, "First article."), _part(wire, 1, "Second article.")
    outcomes = store.add_many(
        [
            kept,  # the same bytes as a stored clipping
            same_text,  # the same text as a stored clipping
            first,  # two articles of one new file: two clippings
            second,
            _part(wire, 0, "First article."),  # articles the batch already has
            _part(wire, 1, "Second article."),
        ],
        store_originals=lambda positions: None,
    )

    assert [(o.id, o.created) for o in outcomes[:2]] == [(stored.id, False)] * 2
    assert outcomes[2].created and outcomes[3].created
    assert outcomes[2].id != outcomes[3].id
    assert (outcomes[4].id, outcomes[4].created) == (outcomes[2].id, False)
    assert (outcomes[5].id, outcomes[5].created) == (outcomes[3].id, False)
    assert archive.count() == 3
