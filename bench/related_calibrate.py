"""Calibrating related pieces and stories on the mixed archive's calibration half.

    .venv/bin/python bench/related_calibrate.py [--half calibrate|report|whole] [--work DIR]

The half (see ``bench/mixed_corpus.py``) is imported once into ``DIR/<half>`` through
the real import path (kept for the next run); then every clipping is scored in memory
with the analysis code alone (``clippings.analysis.related``: features, candidates from
postings, ``Scoring.neighbours``, ``stories``), the way ``services/related.py`` does it
but without storage, so that a change to the scoring is measured in seconds. Prints the
measures of ``mixed_corpus.measures``; ``--pairs FILE`` also writes every scored pair's
evidence (a TSV: query, candidate, same event, same topic, distractor, and the fields of
``Evidence``) for looking at the distributions the thresholds are chosen from;
``--separability`` prints how well each field of the evidence (and the final score)
tells the right same-story labels between two ECB+ clippings from the wrong ones, as an
AUC, for the pairs where either clipping is undated (where every wrong label is): the
place to try a new kind of evidence before a threshold.

``--distractors N`` (with ``--half whole``) keeps every ECB+ text but only N distractor
pages, drawn at random ``--draws`` times, and prints each draw's measures and their
median and range: how the wrong labels grow with the pages an archive holds beside
ECB+ (the issue's own archive had about a hundred; the whole has 314).

The numbers quoted for the issue are ``bench/related.py``'s, through the archive's own
code on the report half; this script is for choosing thresholds on the other half.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Sequence
from pathlib import Path
from typing import Literal

import numpy as np
import numpy.typing as npt

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))
sys.path.insert(0, str(REPO / "bench"))

import mixed_corpus  # noqa: E402

from clippings.analysis import related as scoring  # noqa: E402
from clippings.analysis.features import features  # noqa: E402
from clippings.analysis.language import code  # noqa: E402
from clippings.model import published_utc  # noqa: E402

FINAL: dict[tuple[int, int], tuple[float, str]] = {}


class _Counts:
    def __init__(
        self, df: Counter[object], total: int, languages: Counter[str] | None = None
    ) -> None:
        self._df = df
        self._total = total
        self._languages = languages or Counter()

    def in_language(self, language: str) -> int:
        return self._languages[language]

    @property
    def total(self) -> int:
        return self._total

    def of(self, terms: Sequence[object]) -> npt.NDArray[np.float64]:
        return np.fromiter((max(1, self._df[t]) for t in terms), dtype=np.float64)


def load(
    corpus: Path, work: Path, half: mixed_corpus.Half | Literal["whole"]
) -> tuple[list[dict[str, object]], dict[int, mixed_corpus.Doc]]:
    """The half's clippings (id, title, text, language, day) and their documents,
    imported into ``work/<half>`` the first time."""
    from clippings.services import Archive, import_paths

    folder = work / half
    cache = work / f"{half}.json"
    all_docs = mixed_corpus.docs(corpus, work / "staging")
    by_path = {str(d.path): d for d in all_docs}
    if not cache.exists():
        mine = [d for d in all_docs if half in ("whole", d.half)]
        with Archive.open(folder) as archive:
            started = time.perf_counter()
            report = import_paths(archive, [d.path for d in mine])
            print(f"imported {len(mine)} files in {time.perf_counter() - started:.0f} s")
            ids: dict[str, int] = {}
            for doc, result in zip(mine, report.results, strict=True):
                if result.id is not None and result.id not in ids.values():
                    ids[str(doc.path)] = result.id
            rows = []
            for path, clipping_id in ids.items():
                c = archive.get(clipping_id)
                moment = published_utc(c.published)
                rows.append(
                    {
                        "id": clipping_id,
                        "path": path,
                        "title": c.title,
                        "text": c.text,
                        "language": c.language,
                        "day": moment.date().toordinal() if moment else None,
                    }
                )
        cache.write_text(json.dumps(rows), encoding="utf-8")
    rows = json.loads(cache.read_text(encoding="utf-8"))
    return rows, {int(r["id"]): by_path[str(r["path"])] for r in rows}


def score(
    rows: list[dict[str, object]],
) -> tuple[mixed_corpus.Rankings, list[list[int]], scoring.Scoring, dict[int, list[int]]]:
    profiles = {}
    for r in rows:
        language = r["language"] if isinstance(r["language"], str) else None
        day = r["day"] if isinstance(r["day"], int) else None
        found = features(str(r["text"]), str(r["title"]), language)
        profiles[int(str(r["id"]))] = scoring.profile(found, day, language)
    df: Counter[object] = Counter()
    for p in profiles.values():
        df.update(p.terms)
    languages = Counter(code(p.language) for p in profiles.values() if p.language)
    batch = scoring.Scoring(profiles, _Counts(df, len(profiles), languages))
    postings: dict[object, list[int]] = {}
    for i in profiles:
        for t in batch.posting_terms(i):
            postings.setdefault(t, []).append(i)
    rankings: mixed_corpus.Rankings = {}
    global FINAL
    links = {}
    candidates = {}
    for i in profiles:
        candidates[i] = scoring.pick_candidates(batch.query_terms(i), postings, i)
        scored = batch.neighbours(i, candidates[i], scoring.RELATED_EDGES)
        rankings[i] = [(o, rel) for o, rel, _s, _sh in scored.related]
        FINAL.update({(i, o): (sc, rel) for o, rel, sc, _sh in scored.related})
        links[i] = scored.closest
    tongue = {i: code(p.language) for i, p in profiles.items() if p.language}
    groups = scoring.stories(links, languages=lambda _ids: tongue)
    # As ``services.related.related``: each clipping's own same-story pieces; a pair
    # shows the newer clipping's label; a related piece whose story pieces are mostly
    # the clipping's is of its story.
    mine = {
        i: {o for o, r in ranking if r in ("same story", "duplicate")}
        for i, ranking in rankings.items()
    }
    label = {(i, o): r for i, ranking in rankings.items() for o, r in ranking}
    for i, ranking in rankings.items():
        rankings[i] = [(o, label.get((o, i), r) if o > i else r) for o, r in ranking]
    for i, ranking in rankings.items():
        rankings[i] = [
            (
                o,
                "same story"
                if r == "related" and scoring.shares_story(mine[i], mine.get(o, ()))
                else r,
            )
            for o, r in ranking
        ]
    return rankings, groups, batch, candidates


def _auc(right: list[float], wrong: list[float]) -> float:
    """The chance that a right pair's value is above a wrong pair's (ties count half)."""
    a = np.asarray(right)[:, None]
    b = np.asarray(wrong)[None, :]
    return float((a > b).mean() + 0.5 * (a == b).mean())


def separability(
    rankings: mixed_corpus.Rankings,
    batch: scoring.Scoring,
    doc_of: dict[int, mixed_corpus.Doc],
) -> None:
    """Print, for same-story labels between two ECB+ clippings of which one or both are
    undated, the AUC of each evidence field and of the final score."""
    right: dict[str, list[float]] = {}
    wrong: dict[str, list[float]] = {}
    for i, ranking in rankings.items():
        for o, relation in ranking:
            if relation != "same story" or doc_of[i].distractor or doc_of[o].distractor:
                continue
            evidence = batch.evidence(i, o)
            if evidence.days is not None:
                continue
            fields = evidence.as_dict()
            fields["final"] = FINAL.get((i, o), FINAL.get((o, i), (float("nan"), "")))[0]
            side = right if doc_of[i].event == doc_of[o].event else wrong
            for name, value in fields.items():
                side.setdefault(name, []).append(value)
    count = len(next(iter(wrong.values()), []))
    print(f"same-story pairs with an undated clipping: {count} wrong, AUC right over wrong:")
    for name in right:
        if name in ("days", "cross") or name not in wrong:
            continue
        print(f"  {name:<16}{_auc(right[name], wrong[name]):.3f}")


#: What ``draws`` prints of each draw.
DRAWN = (
    "distractor same story",
    "..., later developments aside",
    "stories merging distractors",
    "label precision",
    "label cover",
)


def draws(
    rows: list[dict[str, object]], doc_of: dict[int, mixed_corpus.Doc], count: int, times: int
) -> None:
    """Every ECB+ text beside ``count`` distractors drawn at random (seeds 0, 1, ...)."""
    # Drawn by file, so that a draw holds the same pages whatever ids an import gave.
    pages = sorted(
        (int(str(r["id"])) for r in rows if doc_of[int(str(r["id"]))].distractor),
        key=lambda i: str(doc_of[i].path),
    )
    found = []
    for seed in range(times):
        kept = set(random.Random(seed).sample(pages, min(count, len(pages))))
        drawn = [
            r for r in rows if not doc_of[int(str(r["id"]))].distractor or int(str(r["id"])) in kept
        ]
        rankings, groups, _batch, _candidates = score(drawn)
        ids = {int(str(r["id"])) for r in drawn}
        dated = {int(str(r["id"])) for r in drawn if isinstance(r["day"], int)}
        measured = mixed_corpus.measures(rankings, groups, {i: doc_of[i] for i in ids}, dated)
        found.append(measured)
        print(f"draw {seed}: " + ", ".join(f"{k} {measured[k]:.3f}" for k in DRAWN), flush=True)
    print(f"ECB+ beside {count} distractors, {times} draws: median [lowest, highest]")
    for name in DRAWN:
        values = [m[name] for m in found]
        print(
            f"  {name:<32}{statistics.median(values):8.3f}  [{min(values):.3f}, {max(values):.3f}]"
        )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--work", type=Path, default=Path("/var/tmp/relbench"))
    parser.add_argument("--half", choices=("calibrate", "report", "whole"), default="calibrate")
    parser.add_argument("--pairs", type=Path)
    parser.add_argument("--separability", action="store_true")
    parser.add_argument("--distractors", type=int)
    parser.add_argument("--draws", type=int, default=10)
    args = parser.parse_args()
    rows, doc_of = load(args.corpus, args.work, args.half)
    if args.distractors is not None:
        draws(rows, doc_of, args.distractors, args.draws)
        return
    started = time.perf_counter()
    rankings, groups, batch, candidates = score(rows)
    print(f"scored {len(rows)} clippings in memory in {time.perf_counter() - started:.1f} s")
    dated = {int(str(r["id"])) for r in rows if isinstance(r["day"], int)}
    title = "whole archive" if args.half == "whole" else f"{args.half} half"
    mixed_corpus.report(title, mixed_corpus.measures(rankings, groups, doc_of, dated))
    if args.separability:
        separability(rankings, batch, doc_of)
    if args.pairs:
        with args.pairs.open("w", encoding="utf-8") as out:
            names = None
            for i, found in candidates.items():
                for o in found:
                    evidence = batch.evidence(i, o)
                    fields = evidence.as_dict()
                    final = FINAL.get((i, o), (float("nan"), "-"))
                    fields["final"] = final[0]
                    fields["old"] = 0
                    fields["label"] = {"-": 0, "related": 1, "same story": 2, "duplicate": 3}[
                        final[1]
                    ]
                    if names is None:
                        names = list(fields)
                        out.write(
                            "query\tother\tsame_event\tsame_topic\tdistractor\t"
                            + "\t".join(names)
                            + "\n"
                        )
                    a, b = doc_of[i], doc_of[o]
                    out.write(
                        f"{i}\t{o}\t{int(a.event == b.event)}\t{int(a.topic == b.topic)}\t"
                        f"{int(a.distractor or b.distractor)}\t"
                        + "\t".join(f"{fields[n]:.4g}" for n in names)
                        + "\n"
                    )


if __name__ == "__main__":
    main()
