"""Related pieces: features of a text, near-duplicates, same story and stories."""

from __future__ import annotations

import csv
from collections import Counter
from datetime import date
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from clippings.analysis import related as scoring
from clippings.analysis import shingles
from clippings.analysis.features import FEATURES_VERSION, Features, features, still_current
from clippings.analysis.related_evidence import Evidence


class _Small:
    """A few clippings in memory, scored as the archive scores them: candidates from
    postings of every term, document frequencies over all of them (for these tests;
    the archive keeps both in its database).

    The scoring is made once for the clippings held, and anew after an ``add`` or a
    ``remove`` (``Scoring`` keeps the vectors it computes, which depend only on the
    profiles and the frequencies), and so are the closest links stories are made of:
    made for every clipping asked about, the stories of 60 clippings took 60 scorings
    of all 60, and at eight thresholds 16 seconds."""

    def __init__(self, items) -> None:
        self.items = {i: (found, day) for i, found, day in items}
        self._forget()

    def add(self, clipping_id, found, day=None) -> None:
        self.items[clipping_id] = (found, day)
        self._forget()

    def remove(self, clipping_id) -> None:
        self.items.pop(clipping_id, None)
        self._forget()

    def _forget(self) -> None:
        self._scored = None
        self._links = None

    def _scoring(self):
        if self._scored is None:
            self._scored = self._score_all()
        return self._scored

    def _score_all(self):
        df = Counter(t for found, _ in self.items.values() for t in found.terms)
        total = len(self.items)

        class Frequencies:
            def __init__(self) -> None:
                self.total = total

            def in_language(self, language):
                return 0  # these tests' clippings have no language

            def of(self, terms):
                return np.array([df[t] for t in terms], dtype=np.float64)

        profiles = {i: scoring.profile(f, d) for i, (f, d) in self.items.items()}
        postings: dict[str, list[int]] = {}
        for i, (found, _) in self.items.items():
            for term in found.terms:
                postings.setdefault(term, []).append(i)
        return scoring.Scoring(profiles, Frequencies()), postings

    def neighbours(self, clipping_id, limit=20):
        if clipping_id not in self.items:
            raise KeyError(clipping_id)
        found, postings = self._scoring()
        candidates = scoring.pick_candidates(found.query_terms(clipping_id), postings, clipping_id)
        return found.neighbours(clipping_id, candidates, limit)

    def related(self, clipping_id, limit=20):
        return self.neighbours(clipping_id, limit).related

    def stories(self, threshold=None):
        if self._links is None:  # whatever the threshold
            self._links = {i: self.neighbours(i).closest for i in self.items}
        return scoring.stories(self._links, threshold)


def build_index(items):
    return _Small(items)


HARBOUR = (
    "The harbour of Northport reopened on Tuesday after the storm, said Mayor Anna Berg.\n\n"
    "Fishing boats left at dawn, and the fishing fleet followed. "
    "The Northport Harbour Authority said repairs cost 2.5 million euros."
)


def test_features_keep_distinctive_terms_title_and_names():
    found = features(HARBOUR, "Northport harbour reopens", "en")
    assert found.terms["@northport"] == 3  # twice in the text, once in the title
    assert "the" not in found.terms and "said" not in found.terms
    assert "boat" in found.terms  # plurals folded
    assert "2.5" in found.terms  # numbers are event-specific
    assert {"@northport", "@harbour", "reopen"} <= found.title
    assert {"@northport", "@anna", "@berg"} <= found.names
    assert "@fishing" not in found.names  # a capital that only starts a sentence
    assert "=@northport @harbour @authority" in found.terms  # a multi-word name
    assert found.version == FEATURES_VERSION
    assert found.shingle_count > 0 and found.word_count > 20


def test_features_are_pure_and_survive_storage():
    a = features(HARBOUR, "Northport harbour reopens", "en")
    b = features(HARBOUR, "Northport harbour reopens", "en")
    assert a == b
    assert Features.from_json(a.to_json()) == a
    with pytest.raises(ValueError, match="not stored features"):
        Features.from_json('{"v": 1}')


def test_other_languages_are_read_in_their_own_words():
    found = features(
        "Die Feuerwehr meldete 1.200 Verletzte. Die Verletzten wurden versorgt. "
        "Feuerwehrchef Hans Weber sagte, das Werk in Ludwigshafen sei sicher.",
        "Brand im Werk",
        "de",
    )
    assert "die" not in found.terms  # German stop words
    assert found.terms["verletzt"] == 2  # Snowball stems: "Verletzte", "Verletzten"
    assert "1200" in found.terms  # numbers written the same in every language
    assert {"@hans", "@weber"} <= found.names  # a run of capitals: a name
    assert "@feuerwehr" not in found.names  # a German noun alone is no name
    russian = features("Мост закрыт на ремонт. Мост откроют в мае.", "Мост", "ru")
    assert sum(n for t, n in russian.terms.items() if t.lstrip("@").startswith("мост")) == 3


def test_words_keep_their_combining_marks_and_numbers_their_spaces():
    # Hindi's vowel signs are combining marks: "राजधानी" (capital) was read as "र",
    # "जध" and "न", fragments any two Hindi texts share.
    hindi = features("भारत की राजधानी दिल्ली है। राजधानी में बारिश हुई।", "", "hi")
    assert not {"र", "जध", "न"} & set(hindi.terms)
    assert sum(n for t, n in hindi.terms.items() if t.startswith("राजधान")) == 2
    # Thai is written without spaces between words: its runs between spaces are terms
    # (its letter pairs are in every Thai text), with their tone and vowel marks.
    thai = features("ไฟไหม้โรงงานเคมี บาดเจ็บ 23 คน", "", "th")
    assert {"ไฟไหม้โรงงานเคมี", "บาดเจ็บ", "23"} <= set(thai.terms)
    # An accent typed as a mark of its own is the accented letter.
    assert features("Le café.", "", "fr").terms == features("Le cafe\u0301.", "", "fr").terms
    # "12 000" and "12\u202f000" are the number 12000 (not 12 and a "000" every such
    # text would share), as "12,000" and "12.000" are.
    french = features("Environ 12 000 foyers et 42\u202f000 spectateurs.", "", "fr")
    assert {"12000", "42000"} <= set(french.terms) and "000" not in french.terms


def test_an_upgrade_keeps_only_the_features_the_new_version_computes_alike():
    # Version 6 reads otherwise only text with combining marks, not composed, or with
    # spaced thousands: version 5's features of any other text stand.
    assert still_current(5, "Harbour reopens", HARBOUR)
    assert still_current(5, "Zürich", "Le café de la gare.")
    assert not still_current(5, "", "भारत की राजधानी")
    assert not still_current(5, "", "Le cafe\u0301.")
    assert not still_current(5, "", "Some 12 000 homes.")
    assert not still_current(4, "Harbour reopens", HARBOUR)
    assert still_current(FEATURES_VERSION, "", "भारत की राजधानी")


def test_minhash_estimates_the_share_of_text_in_common():
    words = HARBOUR.lower().split() * 3
    base = shingles.shingle_hashes(words)
    changed = list(words)
    changed[5] = "closed"
    other = shingles.shingle_hashes(changed)
    estimate = shingles.jaccard(shingles.signature(base), shingles.signature(other))
    assert estimate > 0.6
    unrelated = shingles.shingle_hashes(["a", "different", "text", "about", "bridges"])
    assert shingles.jaccard(shingles.signature(base), shingles.signature(unrelated)) < 0.1


def test_an_empty_index_and_removal():
    index = _Small([])
    index.add(1, features(HARBOUR, "Harbour", "en"), date(2021, 7, 25))
    assert index.related(1) == []
    index.add(2, features(HARBOUR + " More boats.", "Harbour", "en"), date(2021, 7, 25))
    assert [r[0] for r in index.related(1)] == [2]
    index.remove(2)
    assert index.related(1) == [] and 2 not in index.items
    with pytest.raises(KeyError):
        index.related(2)


# --- On real articles ----------------------------------------------------------------


def _articles(corpus: Path, topics: set[str]) -> list[dict[str, str]]:
    with (corpus / "ecbplus" / "index.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["topic"] in topics]
    for row in rows:
        lines = (corpus / "ecbplus" / row["path"]).read_text(encoding="utf-8").splitlines()
        if row["subcorpus"] == "ecbplus":  # a header: url, title, date line
            lines = lines[3:]
        row["text"] = "\n\n".join(line for line in lines if line.strip())
        row["title"] = row["title"] or lines[0][:60]
    return rows


def _rewritten(text: str) -> str:
    """Another outlet's copy: paragraphs reordered, a few words changed."""
    paragraphs = text.split("\n\n")
    paragraphs = paragraphs[1:] + paragraphs[:1]
    rewritten = "\n\n".join(paragraphs)
    for old, new in (("said", "stated"), ("has", "had"), ("the", "a")):
        rewritten = rewritten.replace(f" {old} ", f" {new} ", 1)
    return rewritten


def test_a_rewritten_copy_is_a_duplicate_and_other_reports_the_same_story(corpus):
    rows = _articles(corpus, {"1", "2", "3", "4"})
    original = next(r for r in rows if r["doc"] == "1_8ecbplus")
    index = build_index(
        (number, features(r["text"], r["title"], "en"), None) for number, r in enumerate(rows)
    )
    copy_id = len(rows)
    index.add(
        copy_id, features(_rewritten(original["text"]), "Lohan enters rehab at last", "en"), None
    )
    results = index.related(rows.index(original), 50)
    by_id = {r[0]: r for r in results}
    assert by_id[copy_id][1] == "duplicate"
    assert by_id[copy_id][3] > 0.7
    assert results[0][0] == copy_id
    ranked = [r[0] for r in results]
    same_event = [i for i in ranked if i < len(rows) and rows[i]["subtopic"] == "1_ecbplus"]
    other_event = [i for i in ranked if i < len(rows) and rows[i]["subtopic"] == "1_ecb"]
    assert by_id[same_event[0]][1] == "same story"
    # The other event of the topic (another star's rehab) ranks below, if at all.
    assert not other_event or ranked.index(same_event[0]) < ranked.index(other_event[0])
    assert all(0.0 <= r[2] <= 1.0 for r in results)


def test_stories_group_reports_of_one_event(corpus):
    rows = _articles(corpus, {"1", "2"})
    index = build_index(
        (number, features(r["text"], r["title"], "en"), None) for number, r in enumerate(rows)
    )
    found = index.stories()
    assert found
    for story in found:
        events = [rows[i]["subtopic"] for i in story]
        assert max(events.count(e) for e in set(events)) / len(events) >= 0.8
    assert sum(map(len, index.stories(0.1))) >= sum(map(len, found))


def test_stories_split_as_the_threshold_rises(corpus):
    rows = _articles(corpus, {"1", "2"})
    fresh = build_index(
        (n, features(r["text"], r["title"], "en"), None) for n, r in enumerate(rows)
    )
    sizes = [sum(map(len, fresh.stories(t))) for t in (0.0, 0.2, 0.4, 0.6, 0.8, 1.0)]
    assert sizes == sorted(sizes, reverse=True)
    for strict, loose in zip(fresh.stories(0.6), [fresh.stories(0.2)], strict=False):
        assert any(set(strict) <= set(group) for group in loose)


def test_a_newcomer_enters_a_list_where_it_beats_the_worst():
    kept = [
        scoring.Edge(other, score, 0.0, "related", None, False)
        for other, score in ((1, 0.6), (2, 0.3), (3, 0.2))
    ]
    entered = scoring.admit(kept, 9, "related", 0.4, 0.0, limit=3)
    assert [e.other for e in sorted(entered, key=lambda e: -e.score)] == [1, 9, 2]
    assert scoring.admit(entered, 10, "related", 0.1, 0.0, limit=3) == entered
    assert scoring.admit(entered, 9, None, 0.0, 0.0, limit=3) == [
        e for e in entered if e.other != 9
    ]  # a newcomer no longer related leaves the list
    copy = scoring.admit(entered, 11, "duplicate", 0.3, 0.95, limit=3)
    assert next(e for e in copy if e.other == 11).relation == "duplicate"
    assert next(e for e in copy if e.other == 11).story


def test_same_story_labels_keep_two_similar_events_apart(corpus):
    """Two events of one topic (two stars in rehab, two earthquakes...): what comes back
    labelled same story is nearly always of the clipping's own event, and most of that
    event's other reports come back so labelled, ranked above the other event."""
    rows = _articles(corpus, {"1", "3"})
    index = build_index(
        (number, features(r["text"], r["title"], "en"), None) for number, r in enumerate(rows)
    )
    precision, cover, above = [], [], []
    for number, row in enumerate(rows):
        mine = {i for i, r in enumerate(rows) if r["subtopic"] == row["subtopic"]} - {number}
        results = index.related(number, 50)
        labelled = [r[0] for r in results if r[1] in ("duplicate", "same story")]
        if labelled:
            precision.append(sum(i in mine for i in labelled) / len(labelled))
        cover.append(sum(i in mine for i in labelled) / len(mine))
        ranked = [r[0] for r in results]
        other = next((k for k, i in enumerate(ranked) if i not in mine), len(ranked))
        above.append(sum(i in mine for i in ranked[:other]) / len(mine))
    assert sum(precision) / len(precision) >= 0.95
    # A small index without dates: fewer labels, every pair with ``UNDATED_EXTRA`` on
    # its threshold (0.49 at 0.03, 0.43 at 0.05; precision 1.0 at both).
    assert sum(cover) / len(cover) >= 0.4
    # Pieces under the related floor are no longer listed at all (nothing rather than
    # noise), which costs a little here: an undated index of two like events.
    assert sum(above) / len(above) >= 0.78


def _evidence(**fields: Any) -> Evidence:
    """What two English reports share, undated, with ``fields`` changed."""
    base: dict[str, Any] = {
        "cosine": 0.4,
        "names": 12.0,
        "numbers": 0.0,
        "shared_names": 6,
        "shared_numbers": 0,
        "days": None,
        "cross": False,
        "words": 150,
        "longest": 250,
        "words_shared": 20.0,
        "shared": 0.05,
    }
    return Evidence(**{**base, **fields})


def test_undated_reports_whose_numbers_all_differ_are_not_one_story():
    """Two quakes on one island years apart, one report undated: the names and words
    agree, the magnitudes and tolls do not. Without a date to tell them apart, numbers
    given by both and shared by neither say two events; one shared number, a date, or
    too few numbers to judge by leave the label to the rest of the evidence."""
    from dataclasses import replace

    from clippings.analysis.related_evidence import UNDATED_NUMBERS, label

    two_quakes = _evidence(fewest_numbers=UNDATED_NUMBERS)
    assert label(two_quakes, score=0.5) == "related"
    assert label(replace(two_quakes, shared_numbers=1, numbers=3.0), score=0.5) == "same story"
    assert label(replace(two_quakes, days=1), score=0.5) == "same story"
    few = replace(two_quakes, fewest_numbers=UNDATED_NUMBERS - 1)
    assert label(few, score=0.5) == "same story"


def test_pieces_in_two_languages_that_share_only_numbers_are_not_related():
    """A Chinese page on Hong Kong's leader and a Thai one on a body found in the Mekong
    shared "3", "10" and "12", and the panel listed one beside the other: across
    languages, numbers alone say nothing of which event two pieces tell."""
    from dataclasses import replace

    from clippings.analysis.related_evidence import label

    numbers_only = _evidence(
        cosine=0.09, names=0.0, numbers=6.0, shared_names=0, shared_numbers=3, days=2000
    )
    numbers_only = replace(
        numbers_only, cross=True, words=400, longest=500, words_shared=0.0, shared=0.0
    )
    assert label(numbers_only, score=0.1) is None
    # With a name among them (a person, a place written alike), they may be.
    assert label(replace(numbers_only, shared_names=1, names=4.0), score=0.1) == "related"


def test_shared_words_alone_never_make_a_story():
    """Two pieces alike in their words (a cosine of 0.6, a high score, the same day) but
    with at most one name or number in common share a subject, not an event: related,
    never same story. With the names and numbers of one event they are."""
    from dataclasses import replace

    from clippings.analysis.related_evidence import label

    words = _evidence(cosine=0.6, names=0.0, shared_names=0, words_shared=60.0, days=0, words=200)
    assert label(words, score=0.8) == "related"
    one_name = replace(words, shared_names=1, names=4.0)
    assert label(one_name, score=0.8) == "related"
    event = replace(one_name, shared_numbers=1, numbers=3.0)
    assert label(event, score=0.8) == "same story"


def test_across_languages_a_story_needs_many_names_and_numbers():
    """Across languages only names and numbers are compared: two in common (a country and
    its capital) say nothing, three or four make two pieces related, a story takes five
    (``CROSS_MIN_SHARED``, ``CROSS_STORY_SHARED``)."""
    from dataclasses import replace

    from clippings.analysis.related_evidence import label

    cross = _evidence(cosine=0.6, cross=True, days=0, shared_numbers=0, numbers=0.0)
    assert label(replace(cross, shared_names=2), score=0.8) is None
    assert label(replace(cross, shared_names=4), score=0.8) == "related"
    many = replace(cross, shared_names=5)
    assert label(many, score=0.8) == "same story"
    # Too short a text says too little for a story, in any language.
    assert label(replace(many, words=5), score=0.8) == "related"


def test_a_related_piece_is_of_the_story_whose_pieces_it_mostly_shares():
    from clippings.analysis.related import shares_story

    # Three of the clipping's four story pieces are the other's too.
    assert shares_story({1, 2, 3, 4}, {2, 3, 4, 9})
    # One piece in common (a briefing that tells two events) is not enough.
    assert not shares_story({1, 2}, {2, 9})
    # Two in common out of five on the smaller side: another story near this one.
    assert not shares_story({1, 2, 3, 4, 5}, {4, 5, 6, 7, 8, 9})
    # Nothing labelled same story on one side: nothing to go by.
    assert not shares_story(set(), {1, 2})


def _linked(*pairs: tuple[int, int], score: float = 0.5) -> dict[int, list[scoring.Link]]:
    """Links both ways between the pairs (each clipping a key)."""
    links: dict[int, list[scoring.Link]] = {}
    for a, b in pairs:
        links.setdefault(a, []).append((b, score, False))
        links.setdefault(b, []).append((a, score, False))
    return links


def test_stories_across_languages_join_each_languages_stories_where_dense():
    # German 1-2-3, Spanish 4-5, French 6-7: each language's reports are linked among
    # themselves, across languages only here and there (names and numbers alone).
    links = _linked((1, 2), (2, 3), (1, 3), (4, 5), (6, 7), (1, 5), (2, 4), (3, 6), (1, 7))
    languages = {1: "de", 2: "de", 3: "de", 4: "es", 5: "es", 6: "fr", 7: "fr"}
    assert scoring.stories(links, languages=lambda _ids: languages) == [[1, 2, 3, 4, 5, 6, 7]]
    # One core for all (1) left the Spanish pair, linked to it by one report, apart.
    assert [1, 2, 3, 4, 5, 6, 7] not in scoring.stories(links)
    # A single link across is not enough: a Spanish pair about another event, linked to
    # one German report by a shared name, stays its own story.
    links = _linked((1, 2), (2, 3), (1, 3), (4, 5), (1, 4))
    assert scoring.stories(links, languages=lambda _ids: languages) == [[1, 2, 3], [4, 5]]
    # Nor does a piece in another language make a chain a story: 1 and 3 share nothing
    # but 2 (a briefing of two events) and 4, a report linked to each.
    links = _linked((1, 2), (2, 3), (4, 1), (4, 3))
    found = scoring.stories(links, languages=lambda _ids: {1: "de", 2: "de", 3: "de", 4: "es"})
    assert not any({1, 3} <= set(story) for story in found), found


def test_a_pair_cut_from_a_story_joins_it_again_where_densely_linked():
    # Reports 0-5 all linked; 6 and 7, linked to each other, are each linked to two of
    # them but not to 0, the core: cut around 0, they were a story of their own.
    clique = [(a, b) for a in range(6) for b in range(a + 1, 6)]
    links = _linked(*clique, (6, 7), (6, 1), (6, 2), (7, 3), (7, 4))
    assert scoring.stories(links) == [[0, 1, 2, 3, 4, 5, 6, 7]]
    # Thinly linked (one link each), they stay apart: no chain through a member.
    links = _linked(*clique, (6, 7), (6, 1), (7, 2))
    assert scoring.stories(links) == [[0, 1, 2, 3, 4, 5], [6, 7]]
    # A piece linked to one member only is not pulled in with it, however well linked
    # that member is.
    links = _linked(*clique, (6, 7), (6, 1), (6, 2), (6, 3), (6, 4))
    assert scoring.stories(links) == [[0, 1, 2, 3, 4, 5, 6]]
    # Nor when the well-linked one was cut too (three links among nine are not enough
    # to be a member): the pair joins only if each of its pieces is linked to the story.
    larger = [(a, b) for a in range(9) for b in range(a + 1, 9)]
    links = _linked(*larger, (10, 11), (10, 1), (10, 2), (10, 3))
    assert scoring.stories(links) == [list(range(9)), [10, 11]]


def test_a_report_left_alone_joins_the_story_its_links_are_in():
    # Reports 0-6 all linked; 7 is linked to two of them, not to 0 (the core) nor to a
    # third of the others: cut off around the core, it was in no story, while the
    # Related panel called it same story with every member (``shares_story``).
    clique = [(a, b) for a in range(7) for b in range(a + 1, 7)]
    links = _linked(*clique, (7, 1), (7, 2))
    assert scoring.stories(links) == [[0, 1, 2, 3, 4, 5, 6, 7]]
    # Linked to two members of each of two stories, it is of neither: no chain. (The
    # second story: 10 linked to each of 11-14, those in a ring.)
    other = [(10, 11), (10, 12), (10, 13), (10, 14), (11, 12), (12, 13), (13, 14)]
    links = _linked(*clique, *other, (7, 1), (7, 2), (7, 11), (7, 13))
    assert scoring.stories(links) == [[0, 1, 2, 3, 4, 5, 6], [10, 11, 12, 13, 14]]
    # One link is not enough.
    links = _linked(*clique, (7, 1))
    assert scoring.stories(links) == [[0, 1, 2, 3, 4, 5, 6]]


def test_the_users_verdicts_outrank_the_links_in_stories():
    # Two stories of three the program found, and a lonely pair.
    links = _linked((1, 2), (2, 3), (1, 3), (4, 5), (5, 6), (4, 6), (7, 8))
    links[9] = []
    assert scoring.stories(links) == [[1, 2, 3], [4, 5, 6], [7, 8]]
    # "Same story": a clipping alone joins a story; two stories become one.
    assert [1, 2, 3, 9] in scoring.stories(links, together=[(3, 9)])
    assert [1, 2, 3, 4, 5, 6] in scoring.stories(links, together=[(2, 5)])
    # "Not same story": a pair leaves its story's links; the one less linked goes.
    assert scoring.stories(links, apart=[(7, 8)]) == [[1, 2, 3], [4, 5, 6]]
    assert scoring.stories(links, apart=[(1, 3)]) == [[4, 5, 6], [1, 2], [7, 8]]
    # Both: the pair kept apart never ends in one story, even through a merge.
    merged = scoring.stories(links, together=[(2, 5)], apart=[(1, 6)])
    assert not any({1, 6} <= set(story) for story in merged)
    assert any({2, 5} <= set(story) for story in merged)
    # A piece joined to a member that then leaves goes with it, not left behind.
    clique = _linked((1, 2), (1, 3), (1, 4), (2, 3), (2, 4), (3, 4))
    clique[9] = []
    regrouped = scoring.stories(clique, together=[(2, 9)], apart=[(1, 2)])
    assert sorted(regrouped) == [[1, 3, 4], [2, 9]]
    # A piece the program grouped with the other side of a merge gives way.
    regrouped = scoring.stories(links, together=[(3, 4)], apart=[(3, 6)])
    assert any({3, 4} <= set(story) for story in regrouped)
    assert not any({3, 6} <= set(story) for story in regrouped)
    # Verdicts that contradict each other: the chain that joins a pair kept apart.
    assert scoring.verdict_clash([(1, 2), (2, 3)], [(1, 3)]) == [1, 2, 3]
    assert scoring.verdict_clash([(1, 2)], [(2, 3)]) is None
    # A verdict on a clipping that is not live (in the trash) changes nothing.
    assert scoring.stories(links, together=[(3, 42)]) == scoring.stories(links)
