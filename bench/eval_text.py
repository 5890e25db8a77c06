"""How well the text importer reads clipping headers and the decoder reads encodings.

Run: ``.venv/bin/python bench/eval_text.py [--verbose] [--corpus PATH]``

(a) Over every ``ecbplus`` row of ``ecbplus/index.tsv``: the share of texts whose
extracted URL equals the gold URL, whose title equals the gold title (whitespace
normalised), and whose published date equals the gold date line read by
``parse_dateline`` (a slashed date that reads both ways as the gold URL's year and month
say: ``11 / 09 / 2010`` under ``/2010/09/`` is 11 September; a row with an empty gold
date line is right only when no date is found). The gold header was marked by hand on
token-rebuilt texts and misses a few datelines (two-digit years, a dateline under a
standfirst): ``--verbose`` lists them.

(b) The share of ``encodings/encodings_index.tsv`` rows that ``decode_text`` decodes to
exactly the text of the listed codec.
"""

from __future__ import annotations

import argparse
import csv
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

from clippings.importers.dates import parse_dateline, url_month  # noqa: E402
from clippings.importers.encoding import decode_text  # noqa: E402
from clippings.importers.text import TextImporter  # noqa: E402

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"


def _norm(value: str | None) -> str:
    return re.sub(r"\s+", " ", value or "").strip()


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle, delimiter="\t", quoting=csv.QUOTE_NONE))


def evaluate_ecbplus(corpus: Path, failures: list[str] | None = None) -> dict[str, float]:
    """Shares (0..1) of ecbplus rows with the right ``url``, ``title`` and ``published``."""
    importer = TextImporter()
    rows = [r for r in _rows(corpus / "ecbplus" / "index.tsv") if r["subcorpus"] == "ecbplus"]
    right = {"url": 0, "title": 0, "published": 0}
    dated = dated_right = 0
    started = time.perf_counter()
    for row in rows:
        data = (corpus / "ecbplus" / row["path"]).read_bytes()
        got = importer.extract(data, Path(row["path"]).name)
        gold_line = row["date_line"].strip()
        hint = url_month(row["url"])
        gold_date = parse_dateline(gold_line, month_hint=hint) if gold_line else None
        checks = {
            "url": (got.url or "") == row["url"],
            "title": _norm(got.title) == _norm(row["title"]),
            "published": got.published == gold_date,
        }
        if gold_line:
            dated += 1
            dated_right += checks["published"]
        for key, ok in checks.items():
            right[key] += ok
            if not ok and failures is not None:
                gold = {"url": row["url"], "title": row["title"], "published": gold_line}[key]
                mine = {"url": got.url, "title": got.title, "published": got.published}[key]
                failures.append(f"{row['doc']} {key}: gold={gold!r} got={mine!r}")
    elapsed = time.perf_counter() - started
    n = len(rows) or 1
    return {
        "rows": float(len(rows)),
        "url": right["url"] / n,
        "title": right["title"] / n,
        "published": right["published"] / n,
        # Rows whose gold has a date line: the share where the texts' dateline reads the same.
        "published_where_gold_dated": dated_right / (dated or 1),
        "ms_per_text": 1000 * elapsed / n,
    }


def evaluate_encodings(corpus: Path, failures: list[str] | None = None) -> dict[str, float]:
    """Share (0..1) of encodings rows decoded to exactly the listed codec's text."""
    base = corpus / "encodings"
    rows = _rows(base / "encodings_index.tsv")
    right = 0
    for row in rows:
        data = (base / row["path"]).read_bytes()
        expected = data.decode(row["python_codec"]).lstrip("\ufeff")
        try:
            text, codec = decode_text(data)
        except Exception as error:  # noqa: BLE001 - a failure to count, not to stop on
            text, codec = "", f"error: {error}"
        if text.lstrip("\ufeff") == expected:
            right += 1
        elif failures is not None:
            failures.append(f"{row['path']}: expected {row['python_codec']}, got {codec}")
    return {"rows": float(len(rows)), "exact": right / (len(rows) or 1)}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="list the failures")
    args = parser.parse_args()
    failures: list[str] = []
    ecb = evaluate_ecbplus(args.corpus, failures)
    print(
        f"ecbplus headers ({ecb['rows']:.0f} texts): url {ecb['url']:.1%}  "
        f"title {ecb['title']:.1%}  published {ecb['published']:.1%} "
        f"(of rows with a gold date line: {ecb['published_where_gold_dated']:.1%})  "
        f"({ecb['ms_per_text']:.1f} ms a text)"
    )
    if args.verbose:
        for line in failures:
            print("  ", line)
    failures = []
    enc = evaluate_encodings(args.corpus, failures)
    print(f"encodings ({enc['rows']:.0f} files): decoded exactly {enc['exact']:.1%}")
    if args.verbose:
        for line in failures:
            print("  ", line)


if __name__ == "__main__":
    main()
