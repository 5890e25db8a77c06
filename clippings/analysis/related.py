"""Related pieces and stories: which clippings tell the same text, event or subject.

Pure code, no storage: the caller hands over one clipping's ``Profile`` (its features
and day) with those of its *candidates* (found in stored, indexed data, see
``clippings.services.related``) and the archive's document frequencies; ``Scoring``
ranks the candidates. ``stories`` groups clippings by the closest pieces each one
kept. Nothing here ever holds the whole archive.

How a pair is scored:

* Each clipping is a vector of term weights: ``(1 + ln tf) * idf``, the idf of a word
  counted among the clippings of the clipping's language (of a name or a number, among
  all), with more weight for terms of the title and for names (capitalised words and
  runs of them, which name the people, places and organisations of an event).
  Candidates are the clippings that share the query's most distinctive terms
  (``query_terms`` and ``pick_candidates``); only those are scored exactly (cosine),
  never every pair.
* The query is then widened with its closest neighbours (pseudo-relevance feedback):
  the vocabulary the reports of one event share weighs more than the words one report
  happens to use, which tells two similar events (two earthquakes, two Oscar hosts)
  apart. The final score mixes both cosines.
* Then the neighbourhood (the best candidates) is a graph whose likenesses count only
  terms that some of its members lack (the subject's words say nothing of the event);
  a random walk from the clipping and the likeness of two pieces' rows (do they
  resemble the same neighbours?) re-rank it.
* Dates, when both clippings have one, scale the score: days apart cost nothing,
  months a little, years more. A missing date neither helps nor hurts.
* Labels: ``duplicate`` when the MinHash estimate says most of the shorter text is in
  the other; ``same story`` when the score passes a threshold, or is near the
  clipping's best match, or a little less near for a piece of the clipping's event
  group (its mutual nearest neighbours in the graph); ``related`` otherwise.
* Stories: each clipping keeps its ``STORY_NEIGHBOURS`` closest pieces by the dated
  cosine (a symmetric score); two clippings are joined when one is a duplicate of the
  other or when each is among the other's closest with a score over the threshold.

The code is in three modules, all re-exported here: ``related_profile`` (the tunables,
``Profile`` and ``Frequencies``), ``related_vectors`` (``Scoring``, ``VectorCache``,
``pick_candidates``: vectors and the ranking of candidates) and ``related_stories``
(``edges``, ``admit``: kept neighbour lists; ``stories``, ``copy_groups``).
"""

from __future__ import annotations

from clippings.analysis.features import FEATURES_VERSION, Features, features
from clippings.analysis.related_evidence import (
    CROSS_MIN_SHARED,
    CROSS_STORY_COSINE,
    CROSS_STORY_SHARED,
    FOLLOW_UP_COPIED,
    FOLLOW_UP_COSINE,
    FOLLOW_UP_DAYS,
    FOLLOW_UP_SPECIFIC,
    LONG_MIN_COSINE,
    LONG_WORDS,
    RELATED_MIN,
    SHORT_WORDS,
    STORY_MIN_COSINE,
    STORY_MIN_SPECIFIC,
    STORY_THRESHOLD,
    Evidence,
    label,
)
from clippings.analysis.related_profile import (
    CANDIDATE_DF_CAP,
    CANDIDATES,
    COMMON_SHARE,
    DATE_BONUS,
    DATE_CLOSE_DAYS,
    DATE_FLOOR,
    DATE_GRACE_DAYS,
    DUPLICATE_SHARED,
    FEEDBACK_MIX,
    FEEDBACK_NEIGHBOURS,
    FEEDBACK_WEIGHT,
    GRAPH_DEGREE,
    IN_TITLE,
    IS_NAME,
    IS_NUMBER,
    IS_PHRASE,
    LABEL_CANDIDATES,
    LOCAL_DAMP,
    LOCAL_MIN,
    LOCAL_POWER,
    NAME_BOOST,
    NEIGHBOURHOOD,
    PHRASE_BOOST,
    POSTING_TERMS,
    QUERY_TERMS,
    RELATED_EDGES,
    REWEIGHT_SHARE,
    RULES_VERSION,
    SECOND_MIX,
    TITLE_BOOST,
    VECTOR_TERMS,
    WALK_MIX,
    WALK_STAY,
    WALK_STEPS,
    Frequencies,
    Link,
    Neighbours,
    Profile,
    RelatedResult,
    Relation,
    Term,
    profile,
    term_flags,
)
from clippings.analysis.related_stories import (
    Edge,
    admit,
    copy_groups,
    edges,
    shares_story,
    stories,
    verdict_clash,
)
from clippings.analysis.related_vectors import (
    Packed,
    Scoring,
    VectorCache,
    pick_candidates,
    shared_share,
)

__all__ = [
    "CANDIDATES",
    "CANDIDATE_DF_CAP",
    "COMMON_SHARE",
    "CROSS_MIN_SHARED",
    "CROSS_STORY_COSINE",
    "CROSS_STORY_SHARED",
    "DATE_BONUS",
    "DATE_CLOSE_DAYS",
    "DATE_FLOOR",
    "DATE_GRACE_DAYS",
    "DUPLICATE_SHARED",
    "FEATURES_VERSION",
    "FEEDBACK_MIX",
    "FEEDBACK_NEIGHBOURS",
    "FEEDBACK_WEIGHT",
    "FOLLOW_UP_COPIED",
    "FOLLOW_UP_COSINE",
    "FOLLOW_UP_DAYS",
    "FOLLOW_UP_SPECIFIC",
    "GRAPH_DEGREE",
    "IN_TITLE",
    "IS_NAME",
    "IS_NUMBER",
    "IS_PHRASE",
    "LABEL_CANDIDATES",
    "LOCAL_DAMP",
    "LOCAL_MIN",
    "LOCAL_POWER",
    "LONG_MIN_COSINE",
    "LONG_WORDS",
    "NAME_BOOST",
    "NEIGHBOURHOOD",
    "PHRASE_BOOST",
    "POSTING_TERMS",
    "QUERY_TERMS",
    "RELATED_EDGES",
    "RELATED_MIN",
    "REWEIGHT_SHARE",
    "RULES_VERSION",
    "SECOND_MIX",
    "SHORT_WORDS",
    "STORY_MIN_COSINE",
    "STORY_MIN_SPECIFIC",
    "STORY_THRESHOLD",
    "TITLE_BOOST",
    "VECTOR_TERMS",
    "WALK_MIX",
    "WALK_STAY",
    "WALK_STEPS",
    "Edge",
    "Evidence",
    "Features",
    "Frequencies",
    "Link",
    "Neighbours",
    "Packed",
    "Profile",
    "RelatedResult",
    "Relation",
    "Scoring",
    "Term",
    "VectorCache",
    "admit",
    "copy_groups",
    "edges",
    "features",
    "label",
    "pick_candidates",
    "profile",
    "shared_share",
    "shares_story",
    "stories",
    "term_flags",
    "verdict_clash",
]
