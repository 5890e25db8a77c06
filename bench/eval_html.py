"""Evaluate the HTML importer against the shared corpus, beside plain trafilatura.

Run ``.venv/bin/python bench/eval_html.py [--verbose] [--corpus PATH]``. It prints, for
our importer and for a plain ``trafilatura.extract(html)`` with default settings:

1. token-level F1 of the main text against ``aeb/ground-truth.json`` (mean, median);
2. the share of the trafilatura set's ``with`` snippets found and ``without`` snippets
   absent in the text;
3. publication date accuracy (the day) against the trafilatura set's ``date`` and the
   readability set's ``publishedTime``;
4. title accuracy against the readability set's ``expected-metadata.json`` and the
   trafilatura set's titles;
5. milliseconds per page (median over every page extracted).

Tokens are lowercase ``\\w+`` runs on both sides; F1 counts tokens as a multiset (bag of
words). A paywalled gold body ends in "...": there the extracted text is cut to the gold's
length (plus a tenth) before counting, so a full article is not punished for the paywall.
Snippets and titles are compared after collapsing whitespace (and, for titles, case
folding and unifying typographic quotes).
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))

DEFAULT_CORPUS = REPO.parent / "shared" / "corpus"

_TOKEN = re.compile(r"\w+")
_SPACE = re.compile(r"\s+")


@dataclass
class PageResult:
    """What one extractor made of one page."""

    text: str
    title: str | None
    published: date | None
    seconds: float


Extractor = Callable[[bytes], PageResult]


def tokens(text: str) -> list[str]:
    return _TOKEN.findall(text.lower())


def token_f1(extracted: str, gold: str) -> float:
    gold_tokens = tokens(gold)
    ours = tokens(extracted)
    if gold.rstrip().endswith("..."):
        # A paywalled gold body stops where the paywall did; compare like with like.
        ours = ours[: int(len(gold_tokens) * 1.1) + 1]
    if not gold_tokens and not ours:
        return 1.0
    common = sum((Counter(ours) & Counter(gold_tokens)).values())
    if not common:
        return 0.0
    precision = common / len(ours)
    recall = common / len(gold_tokens)
    return 2 * precision * recall / (precision + recall)


def squash(text: str) -> str:
    return _SPACE.sub(" ", text).strip()


def normalise_title(title: str | None) -> str:
    if not title:
        return ""
    title = title.replace("’", "'").replace("‘", "'").replace("“", '"').replace("”", '"')
    return squash(title).casefold()


def day_of(value: Any) -> date | None:
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str) and value:
        match = re.match(r"(\d{4})-(\d{2})-(\d{2})", value)
        if match:
            try:
                return date(int(match[1]), int(match[2]), int(match[3]))
            except ValueError:
                return None
    return None


# --- the two extractors ----------------------------------------------------------------


def ours(data: bytes) -> PageResult:
    from clippings.importers.html import HtmlImporter
    from clippings.model import ClippingsError

    start = time.perf_counter()
    try:
        result = HtmlImporter().extract(data, "page.html")
    except ClippingsError:
        return PageResult("", None, None, time.perf_counter() - start)
    seconds = time.perf_counter() - start
    return PageResult(result.text, result.title, day_of(result.published), seconds)


def plain_trafilatura(data: bytes) -> PageResult:
    import trafilatura

    start = time.perf_counter()
    text = trafilatura.extract(data) or ""
    seconds = time.perf_counter() - start
    # Metadata from trafilatura's own reader (not timed: the plain call above has none).
    metadata = trafilatura.extract_metadata(data)
    title = metadata.title if metadata else None
    published = day_of(metadata.date) if metadata else None
    return PageResult(text, title, published, seconds)


# --- the evaluation --------------------------------------------------------------------


def evaluate(
    corpus: Path,
    extractor: Extractor,
    worst: list[tuple[float, str, str]] | None = None,
    per_page: dict[str, float] | None = None,
) -> dict[str, float]:
    """Every number of the report for one extractor.

    ``worst`` collects diagnostics; ``per_page`` collects each AEB page's F1 by its label.
    """
    seconds: list[float] = []
    diagnostics = worst if worst is not None else []
    page_scores = per_page if per_page is not None else {}

    # 1. AEB token F1.
    gold = json.loads((corpus / "aeb" / "ground-truth.json").read_text("utf-8"))
    f1s: list[float] = []
    for page_id, entry in sorted(gold.items()):
        path = corpus / "aeb" / "html" / f"{page_id}.html.gz"
        if not path.is_file():
            continue
        page = extractor(gzip.decompress(path.read_bytes()))
        seconds.append(page.seconds)
        score = token_f1(page.text, entry["articleBody"])
        f1s.append(score)
        label = f"{page_id[:12]} {entry.get('url', '')}"
        page_scores[label] = score
        diagnostics.append((score, "aeb", label))

    # 2-4. The trafilatura set: snippets, dates, titles.
    evaldata = json.loads((corpus / "trafilatura" / "evaldata-subset.json").read_text("utf-8"))
    with_found = with_total = without_absent = without_total = 0
    date_right = date_total = title_right = title_total = 0
    for _url, entry in sorted(evaldata.items()):
        path = corpus / "trafilatura" / "html" / entry["file"]
        if not path.is_file():
            continue
        page = extractor(path.read_bytes())
        seconds.append(page.seconds)
        text = squash(page.text)
        missing = [s for s in entry.get("with", []) if squash(s) not in text]
        leaked = [s for s in entry.get("without", []) if squash(s) in text]
        with_total += len(entry.get("with", []))
        with_found += len(entry.get("with", [])) - len(missing)
        without_total += len(entry.get("without", []))
        without_absent += len(entry.get("without", [])) - len(leaked)
        if missing or leaked:
            diagnostics.append(
                (
                    0.5 - 0.1 * (len(missing) + len(leaked)),
                    "snippets",
                    f"{entry['file']}: missing {missing} leaked {leaked}",
                )
            )
        gold_day = day_of(entry.get("date"))
        if gold_day:
            date_total += 1
            if page.published == gold_day:
                date_right += 1
            else:
                diagnostics.append(
                    (0.9, "date", f"{entry['file']}: {page.published} != {gold_day}")
                )
        if entry.get("title"):
            title_total += 1
            if normalise_title(page.title) == normalise_title(entry["title"]):
                title_right += 1
            else:
                diagnostics.append(
                    (0.95, "title", f"{entry['file']}: {page.title!r} != {entry['title']!r}")
                )

    readability_titles = readability_title_total = 0
    for folder in sorted((corpus / "readability" / "test-pages").iterdir()):
        expected_path = folder / "expected-metadata.json"
        if not expected_path.is_file():
            continue
        expected = json.loads(expected_path.read_text("utf-8"))
        page = extractor((folder / "source.html").read_bytes())
        seconds.append(page.seconds)
        if expected.get("title"):
            readability_title_total += 1
            if normalise_title(page.title) == normalise_title(expected["title"]):
                readability_titles += 1
            else:
                diagnostics.append(
                    (0.95, "title", f"{folder.name}: {page.title!r} != {expected['title']!r}")
                )
        gold_day = day_of(expected.get("publishedTime"))
        if gold_day:
            date_total += 1
            if page.published == gold_day:
                date_right += 1
            else:
                diagnostics.append((0.9, "date", f"{folder.name}: {page.published} != {gold_day}"))

    def share(part: int, whole: int) -> float:
        return part / whole if whole else float("nan")

    return {
        "aeb_f1_mean": statistics.fmean(f1s) if f1s else float("nan"),
        "aeb_f1_median": statistics.median(f1s) if f1s else float("nan"),
        "aeb_pages": float(len(f1s)),
        "with_found": share(with_found, with_total),
        "without_absent": share(without_absent, without_total),
        "date_accuracy": share(date_right, date_total),
        "date_pages": float(date_total),
        "title_accuracy_readability": share(readability_titles, readability_title_total),
        "title_accuracy_trafilatura": share(title_right, title_total),
        "ms_per_page_median": statistics.median(seconds) * 1000 if seconds else float("nan"),
        "ms_per_page_mean": statistics.fmean(seconds) * 1000 if seconds else float("nan"),
    }


def evaluate_html(corpus: Path) -> dict[str, float]:
    """The numbers for our importer (``clippings.importers.html``)."""
    return evaluate(corpus, ours)


def evaluate_plain_trafilatura(corpus: Path) -> dict[str, float]:
    """The same numbers for ``trafilatura.extract(html)`` with default settings."""
    return evaluate(corpus, plain_trafilatura)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--verbose", action="store_true", help="print the worst pages")
    parser.add_argument("--worst", type=int, default=40, help="how many worst pages")
    parser.add_argument("--ours-only", action="store_true", help="skip the reference run")
    parser.add_argument(
        "--regressions",
        type=float,
        default=0.05,
        help="list AEB pages where ours is this much below plain trafilatura",
    )
    args = parser.parse_args(argv)
    if not (args.corpus / "MANIFEST.md").is_file():
        print(f"no corpus at {args.corpus}", file=sys.stderr)
        return 2

    # Warm both up (imports, models) so the first page's time is not the import's.
    import trafilatura

    from clippings.importers.html import HtmlImporter

    warm = b"<html><body><article><p>" + b"Warm up text for the extractor. " * 20 + b"</p>"
    trafilatura.extract(warm)
    HtmlImporter().extract(warm + b"</article></body></html>", "warm.html")

    worst: list[tuple[float, str, str]] = []
    ours_pages: dict[str, float] = {}
    plain_pages: dict[str, float] = {}
    results = {"ours": evaluate(args.corpus, ours, worst, ours_pages)}
    if not args.ours_only:
        results["plain trafilatura"] = evaluate(args.corpus, plain_trafilatura, None, plain_pages)
    keys = list(results["ours"])
    print(f"{'metric':<28}" + "".join(f"{name:>20}" for name in results))
    for key in keys:
        print(f"{key:<28}" + "".join(f"{r[key]:>20.3f}" for r in results.values()))
    if args.verbose:
        print("\nworst pages (ours):")
        for score, kind, what in sorted(worst)[: args.worst]:
            if score < 1.0:
                print(f"  {score:.3f} {kind:<9} {what}")
    if plain_pages:
        drops = sorted(
            (ours_pages[label] - plain_pages[label], label)
            for label in ours_pages
            if label in plain_pages and ours_pages[label] < plain_pages[label] - 0.01
        )
        big = [(drop, label) for drop, label in drops if -drop > args.regressions]
        print(
            f"\nAEB pages below plain trafilatura: {len(drops)} by >0.01, "
            f"{len(big)} by >{args.regressions:g}"
        )
        for drop, label in big if not args.verbose else drops:
            print(
                f"  {drop:+.3f} ours {ours_pages[label]:.3f} plain {plain_pages[label]:.3f} {label}"
            )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
