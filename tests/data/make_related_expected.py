"""How ``related_expected.json`` was made: the related pieces and stories of a fixed
archive (the ECB+ texts of topics 1-7 of ``../shared/corpus``, imported in the order
of its ``index.tsv``, one file at a time), as the scoring of issue 11 gives them; it is
made again only when the scoring is changed on purpose.
``tests/services/test_related_expected.py`` checks that other work leaves them alone.

    .venv/bin/python tests/data/make_related_expected.py tests/data/related_expected.json
"""

from __future__ import annotations

import csv
import json
import sys
import tempfile
from pathlib import Path

from clippings.services import Archive, import_paths
from clippings.services import related as related_service

TOPICS = {"1", "2", "3", "4", "5", "6", "7"}
LIMIT = 20


def fixed_paths(corpus: Path) -> list[tuple[str, Path]]:
    """(document name, path) of the fixed archive's texts, in import order."""
    root = corpus / "ecbplus"
    with (root / "index.tsv").open(encoding="utf-8") as handle:
        rows = [r for r in csv.DictReader(handle, delimiter="\t") if r["topic"] in TOPICS]
    return [(r["doc"], root / r["path"]) for r in rows]


def import_fixed(archive: Archive, paths: list[tuple[str, Path]]) -> dict[int, str]:
    """Import the fixed archive's texts one file at a time, in order (clipping ids in
    the files' order, each clipping analysed beside those before it, as a user adding
    files one by one would have it: the order decides a few close labels and story
    links), and give each clipping's document name."""
    from clippings.services.extraction import ExtractionPool

    names: dict[int, str] = {}
    with ExtractionPool(workers=1) as pool:
        for doc, path in paths:
            result = import_paths(archive, [path], pool=pool).results[0]
            if result.id is not None and result.id not in names:
                names[result.id] = doc
    related_service.sync(archive)
    return names


def capture(archive: Archive, names: dict[int, str]) -> dict[str, object]:
    related = {
        names[i]: [
            [names[r.clipping.id], r.relation, r.score, r.shared]
            for r in related_service.related(archive, i, limit=LIMIT)
        ]
        for i in sorted(names)
    }
    stories = [
        {"clippings": sorted(names[c.id] for c in s.clippings), "copies": s.copies}
        for s in related_service.stories(archive)
    ]
    return {"related": related, "stories": stories}


def main(target: Path, corpus: Path) -> None:
    paths = fixed_paths(corpus)
    with tempfile.TemporaryDirectory() as work, Archive.open(Path(work) / "a") as archive:
        names = import_fixed(archive, paths)
        found = capture(archive, names)
    target.write_text(json.dumps(found, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


if __name__ == "__main__":
    main(Path(sys.argv[1]), Path(__file__).resolve().parents[3] / "shared" / "corpus")
