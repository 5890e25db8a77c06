"""Word, OpenDocument, RTF and EPUB imports measured on files made from corpus articles.

    PYTHONPATH=. .venv/bin/python bench/formats_office.py [--corpus PATH]

Every readability test page of the corpus with at least three paragraphs of expected
text is written as .docx (python-docx), .odt (odfpy), .rtf and .epub (by hand, as
their specifications lay them out; see tests/importers/samples_office.py), once with
the title in the document's properties and once with it only as the first heading;
plus the Russian news text of the corpus as a Windows-1251 RTF, and EPUB collections
and Nexis Uni downloads (.docx and .rtf) of three articles each. Prints per format:
articles tried, imported, title right, and the mean and lowest word precision and
recall of the text against the article.
"""

from __future__ import annotations

import argparse
import sys
from collections import defaultdict
from datetime import date
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "tests" / "importers"))
sys.path.insert(0, str(HERE.parent))

from samples_office import (  # noqa: E402
    Article,
    corpus_article,
    make_docx,
    make_epub,
    make_nexis_docx,
    make_nexis_rtf,
    make_odt,
    make_rtf,
    russian_article,
    word_scores,
)

from clippings import importers  # noqa: E402
from clippings.model import ClippingsError  # noqa: E402

DAY = date(2017, 1, 13)


def _cases(corpus: Path) -> list[tuple[str, str, bytes, list[Article]]]:
    """(format, how it was made, bytes, the articles it holds)."""
    pages = sorted(p.name for p in (corpus / "readability" / "test-pages").iterdir() if p.is_dir())
    articles = [corpus_article(corpus, page) for page in pages]
    articles = [a for a in articles if len(a.paragraphs) >= 3]
    cases: list[tuple[str, str, bytes, list[Article]]] = []
    for article in articles:
        title, paragraphs = article.title, article.paragraphs
        for in_properties in (True, False):
            how = "properties" if in_properties else "heading"
            cases += [
                ("docx", how, make_docx(title, paragraphs, "Jane Doe", DAY,
                                        title_property=in_properties), [article]),
                ("odt", how, make_odt(title, paragraphs, "Jane Doe", DAY,
                                      title_property=in_properties), [article]),
                ("rtf", how, make_rtf(title, paragraphs, "Jane Doe", DAY,
                                      info_title=in_properties), [article]),
            ]  # fmt: skip
        cases.append(("epub", "book", make_epub([(title, paragraphs)], published=DAY), [article]))
    russian = russian_article(corpus)
    cases.append(
        ("rtf", "cp1251", make_rtf(russian.title, russian.paragraphs, codepage=1251), [russian])
    )
    for start in range(0, len(articles) - 2, 3):
        group = articles[start : start + 3]
        chapters = [(a.title, a.paragraphs) for a in group]
        cases.append(("epub", "collection", make_epub(chapters, title="Reading list"), group))
        export = [(a, "The Daily", f"January {13 + i}, 2017 Friday", "Jane Doe")
                  for i, a in enumerate(group)]  # fmt: skip
        cases.append(("docx", "nexis", make_nexis_docx(export), group))
        cases.append(("rtf", "nexis", make_nexis_rtf(export), group))
    return cases


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    corpus = parser.parse_args().corpus
    tally: dict[str, dict[str, list[float] | int]] = defaultdict(
        lambda: {"tried": 0, "imported": 0, "titles": 0, "p": [], "r": []}
    )
    failures = []
    for fmt, how, data, articles in _cases(corpus):
        row = tally[fmt]
        row["tried"] += len(articles)  # type: ignore[operator]
        try:
            extracted = importers.extract_articles(data, f"sample.{fmt}")
        except ClippingsError as error:
            failures.append(f"{fmt} ({how}): {error}")
            continue
        if len(extracted) != len(articles):
            failures.append(f"{fmt} ({how}): {len(extracted)} clippings for {len(articles)}")
            continue
        for one, article in zip(extracted, articles, strict=True):
            row["imported"] += 1  # type: ignore[operator]
            right = " ".join((one.title or "").split()) == " ".join(article.title.split())
            row["titles"] += right  # type: ignore[operator]
            if not right:
                failures.append(f"{fmt} ({how}): title {one.title!r} for {article.title!r}")
            precision, recall = word_scores(one.text, "\n".join(article.paragraphs))
            row["p"].append(precision)  # type: ignore[union-attr]
            row["r"].append(recall)  # type: ignore[union-attr]
    print(f"{'format':8}{'tried':>6}{'imported':>9}{'title':>7}"
          f"{'P mean':>8}{'P min':>7}{'R mean':>8}{'R min':>7}")  # fmt: skip
    for fmt, row in tally.items():
        p, r = row["p"], row["r"]
        assert isinstance(p, list) and isinstance(r, list)
        print(
            f"{fmt:8}{row['tried']:>6}{row['imported']:>9}{row['titles']:>7}"
            f"{sum(p) / max(len(p), 1):>8.3f}{min(p, default=0):>7.3f}"
            f"{sum(r) / max(len(r), 1):>8.3f}{min(r, default=0):>7.3f}"
        )
    for failure in failures:
        print("  ", failure)


if __name__ == "__main__":
    main()
