"""Comparison quality on ECB+: how many passages two reports of one event align.

    .venv/bin/python bench/align_quality.py [--corpus PATH] [--pairs N]

Every ECB+ text (``ecbplus/index.tsv``: doc, topic, subtopic, ..., path) is read through
the importer a user's import runs (``clippings.importers.extract``: the text importer
strips the URL, headline and date lines of ECB+'s header exactly as an import does, and
detects the language), without an archive. Pairs are then aligned with
``analysis.align.align`` and counted with ``aligned_share``: the share of passages, over
both texts, that have a partner (``same``, ``changed``, ``moved`` or ``similar``).

* same event: two different documents of one ``subtopic``;
* different event: documents of two subtopics of one topic (the corpus's hard negatives:
  two rehab check-ins, two earthquakes, two product launches).

Pairs are sampled deterministically (a fixed seed, at most ``--pairs`` of each kind per
subtopic). The thresholds of ``analysis/paraphrase`` were chosen on the odd-numbered
topics ("calibration"); the even-numbered ones ("held out") report them. Goals: >= 25%
aligned for the same event, <= 8% for different events.

The share counts every pair the program makes, right or wrong; so the bench also holds
the program against a reader: ``bench/data/align_gold.json`` lists, for 52 pairs of ECB+
texts, every pair of sentences a reader blind to the code found to report the same fact
(``same``) or to share one (``partial``). For each half it prints the precision and
recall of the program's aligned pairs against those (a pair counts when both sentences
are the reader's), the share of its ``similar`` pairs that are the reader's, and the
share of passages the reader aligned beside the program's.

Measured: see ``clippings/analysis/paraphrase.py``'s docstring (about 10 s).
"""

from __future__ import annotations

import argparse
import csv
import hashlib
import itertools
import json
import random
import sys
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

from clippings.analysis.align import align, aligned_share, split_sentences
from clippings.importers import extract

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "corpus"
GOLD = ROOT / "bench" / "data" / "align_gold.json"


@dataclass(frozen=True)
class Report:
    """One ECB+ document as an import would see it."""

    doc: str
    topic: int
    subtopic: str
    text: str
    language: str | None


@dataclass(frozen=True)
class HalfResult:
    """The aligned share of one half of the corpus."""

    same_event: float
    different_event: float
    same_pairs: int
    different_pairs: int
    #: Share of same-event pairs with at least one aligned passage.
    same_any: float
    different_any: float
    #: 95% intervals of the two shares when the topics are drawn again (``_interval``).
    same_interval: tuple[float, float] = (float("nan"), float("nan"))
    different_interval: tuple[float, float] = (float("nan"), float("nan"))


def read_reports(corpus: Path) -> list[Report]:
    """Every ECB+ text with a body, read through the importer."""
    root = corpus / "ecbplus"
    reports = []
    with (root / "index.tsv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            path = root / row["path"]
            extracted = extract(path.read_bytes(), path.name)
            if not extracted.text.strip():
                continue
            reports.append(
                Report(
                    row["doc"],
                    int(row["topic"]),
                    row["subtopic"],
                    extracted.text,
                    extracted.language,
                )
            )
    return reports


def sample_pairs(
    reports: list[Report], per_subtopic: int, seed: int = 11
) -> tuple[list[tuple[Report, Report]], list[tuple[Report, Report]]]:
    """Same-event and different-event pairs, at most ``per_subtopic`` of each a subtopic."""
    rng = random.Random(seed)
    by_subtopic: dict[str, list[Report]] = defaultdict(list)
    for report in reports:
        by_subtopic[report.subtopic].append(report)
    by_topic: dict[int, list[str]] = defaultdict(list)
    for subtopic, members in sorted(by_subtopic.items()):
        by_topic[members[0].topic].append(subtopic)
    same: list[tuple[Report, Report]] = []
    different: list[tuple[Report, Report]] = []
    for subtopic, members in sorted(by_subtopic.items()):
        pairs = list(itertools.combinations(members, 2))
        same.extend(rng.sample(pairs, min(per_subtopic, len(pairs))))
        others = [
            other
            for name in by_topic[members[0].topic]
            if name != subtopic
            for other in by_subtopic[name]
        ]
        crossed = [(m, o) for m in members for o in others]
        different.extend(rng.sample(crossed, min(per_subtopic, len(crossed))))
    return same, different


def _aligned(pairs: list[tuple[Report, Report]]) -> list[tuple[int, int]]:
    """Each pair's (aligned passages, passages), both texts counted."""
    counts = []
    for a, b in pairs:
        aligned = align(a.text, b.text, a.language, b.language)
        total = sum((p.a is not None) + (p.b is not None) for p in aligned)
        counts.append((round(aligned_share(aligned) * total), total))
    return counts


def _pooled(counts: list[tuple[int, int]]) -> float:
    total = sum(t for _, t in counts)
    return sum(a for a, _ in counts) / total if total else 0.0


def _interval(
    counts: list[tuple[int, int]], topics: list[int], draws: int = 2000, seed: int = 11
) -> tuple[float, float]:
    """The 95% interval of the pooled share when the topics are drawn again with
    replacement: pairs of one topic are not independent (one topic's two events may be
    told alike throughout), so the topics are the units resampled."""
    by_topic: dict[int, list[tuple[int, int]]] = defaultdict(list)
    for count, topic in zip(counts, topics, strict=True):
        by_topic[topic].append(count)
    names = sorted(by_topic)
    rng = random.Random(seed)
    shares = sorted(
        _pooled([c for t in rng.choices(names, k=len(names)) for c in by_topic[t]])
        for _ in range(draws)
    )
    return shares[int(0.025 * draws)], shares[int(0.975 * draws) - 1]


def _any(counts: list[tuple[int, int]]) -> float:
    return sum(a > 0 for a, _ in counts) / len(counts) if counts else 0.0


def measure(corpus: Path = DEFAULT_CORPUS, per_subtopic: int = 12) -> dict[str, HalfResult]:
    """The aligned share per half: ``{"calibration": ..., "held out": ...}``.

    Calibration is the odd-numbered topics, held out the even-numbered ones. The share
    is pooled: aligned passages of all the pairs over all their passages.
    """
    reports = read_reports(corpus)
    same, different = sample_pairs(reports, per_subtopic)
    results: dict[str, HalfResult] = {}
    for half, parity in (("calibration", 1), ("held out", 0)):
        same_half = [p for p in same if p[0].topic % 2 == parity]
        different_half = [p for p in different if p[0].topic % 2 == parity]
        s = _aligned(same_half)
        d = _aligned(different_half)
        results[half] = HalfResult(
            same_event=_pooled(s),
            different_event=_pooled(d),
            same_pairs=len(s),
            different_pairs=len(d),
            same_any=_any(s),
            different_any=_any(d),
            same_interval=_interval(s, [a.topic for a, _ in same_half]),
            different_interval=_interval(d, [a.topic for a, _ in different_half]),
        )
    return results


def print_results(results: dict[str, HalfResult]) -> None:
    for half, result in results.items():
        print(
            f"comparison ({half}): aligned passages, same event "
            f"{result.same_event:.1%} [{_span(result.same_interval)}] over "
            f"{result.same_pairs} pairs (goal >= 25%; a pair with any: "
            f"{result.same_any:.0%}); different event of the topic "
            f"{result.different_event:.1%} [{_span(result.different_interval)}] over "
            f"{result.different_pairs} pairs (goal <= 8%; any: {result.different_any:.0%})"
        )
    print("[..]: 95% interval when the topics are drawn again")


def _span(interval: tuple[float, float]) -> str:
    return f"{interval[0]:.1%}, {interval[1]:.1%}"


@dataclass
class Agreement:
    """The program's aligned pairs against the reader's, over one half's gold pairs."""

    texts: int = 0
    passages: int = 0
    reader: int = 0  # the reader's counterparts
    program: int = 0  # the program's aligned pairs
    both: int = 0  # pairs both made
    similar: int = 0  # the program's ``similar`` pairs
    similar_right: int = 0  # of them, the reader's

    def line(self, half: str) -> str:
        precision = self.both / self.program if self.program else 0.0
        recall = self.both / self.reader if self.reader else 0.0
        f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
        return (
            f"against a reader ({half}, {self.texts} text pairs): aligned pairs precision "
            f"{precision:.2f}, recall {recall:.2f}, F1 {f1:.2f}; similar pairs the "
            f"reader's {self.similar_right}/{self.similar}; passages aligned by the reader "
            f"{2 * self.reader / self.passages:.1%}, by the program "
            f"{2 * self.program / self.passages:.1%} (reports of one event)"
        )


def _fingerprint(sentence: str) -> str:
    return hashlib.sha1(sentence.encode("utf-8")).hexdigest()[:8]


def _numbers(sentences: list[str], passage: str) -> range:
    """The numbers (from 1) of the sentences a passage of ``align`` is made of: one, or
    a few run together (``align.JOIN_WORDS``), each pair of whose counts as made."""
    for first, sentence in enumerate(sentences):
        if not passage.startswith(sentence):
            continue
        for last in range(first + 1, len(sentences) + 1):
            joined = " ".join(sentences[first:last])
            if joined == passage:
                return range(first + 1, last + 1)
            if len(joined) >= len(passage):
                break
    raise ValueError(f"a passage that is no run of sentences: {passage[:60]!r}")


def against_reader(reports: list[Report], gold: Path = GOLD) -> dict[str, Agreement]:
    """The program against the reader's counterparts, per half, over the gold pairs of
    reports of one event.

    Raises:
        ValueError: the sentences of a gold pair are no longer cut as when it was made.
    """
    by_doc = {r.doc: r for r in reports}
    found: dict[str, Agreement] = {}
    for entry in json.loads(gold.read_text(encoding="utf-8"))["pairs"]:
        if entry["kind"] != "same event":
            continue
        a, b = by_doc[entry["a"]], by_doc[entry["b"]]
        sa, sb = split_sentences(a.text), split_sentences(b.text)
        if [len(sa), len(sb)] != entry["sentences"]:
            raise ValueError(f"{a.doc}/{b.doc}: the sentences are cut differently now")
        reader = set()
        for i, j, _label, fa, fb in entry["counterparts"]:
            if (_fingerprint(sa[i - 1]), _fingerprint(sb[j - 1])) != (fa, fb):
                raise ValueError(f"{a.doc}/{b.doc}: sentence A{i} or B{j} has changed")
            reader.add((i, j))
        made = {
            (i, j): p.kind
            for p in align(a.text, b.text, a.language, b.language)
            if p.a is not None and p.b is not None
            for i in _numbers(sa, p.a)
            for j in _numbers(sb, p.b)
        }
        tally = found.setdefault(entry["half"], Agreement())
        tally.texts += 1
        tally.passages += len(sa) + len(sb)
        tally.reader += len(reader)
        tally.program += len(made)
        tally.both += len(reader & set(made))
        similar = {pair for pair, kind in made.items() if kind == "similar"}
        tally.similar += len(similar)
        tally.similar_right += len(similar & reader)
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pairs", type=int, default=12, help="pairs of each kind a subtopic")
    args = parser.parse_args(argv)
    if not (args.corpus / "ecbplus" / "index.tsv").exists():
        print(f"no ECB+ corpus at {args.corpus}", file=sys.stderr)
        return 1
    print_results(measure(args.corpus, args.pairs))
    for half, agreement in against_reader(read_reports(args.corpus)).items():
        print(agreement.line(half))
    return 0


if __name__ == "__main__":
    sys.exit(main())
