"""What the import skips as "not an article", measured on the shared corpus.

    .venv/bin/python bench/eval_skipping.py [--corpus PATH] [--list]

Every file of the corpus is put in one of three groups by where it lies (see
``corpus/MANIFEST.md``):

* articles, which must never be skipped: the news pages (``aeb``'s gzip-compressed pages
  unpacked first), plain texts, subtitles, PDFs and the PDFs' reference texts;
* non-articles, which should be: the JSON and TSV ground truth, README and licence
  files, the ECB+ token XML, pdfminer's layout XML, the chardet RSS feeds, a list of
  URLs, a survey table;
* nothing else.

Three looks are measured: ``reason_for_name`` (a folder's files, by name alone;
unread), ``not_an_article`` on every file's bytes, and the registry as an import meets
it (``importer_for``: a file an importer of its own recognises, a PDF, is not asked; a
page is asked ``not_a_page``). A file counts as caught when the name or the registry
refuses it, as a folder import would. Prints the counts, then (``--list``) each file
with the reason.
"""

from __future__ import annotations

import argparse
import gzip
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from clippings.importers import importer_for  # noqa: E402
from clippings.importers.kinds import not_an_article, reason_for_name  # noqa: E402
from clippings.model import UnsupportedFormatError  # noqa: E402

NON_ARTICLE_NAMES = {
    "fulltext_url_list.txt",  # one URL a line
    "survey_pypdf_pdfminer.txt",  # a table of PDF properties, "|"-separated
    "MANIFEST.md",  # the corpus's own notes
    # Read by hand: chardet's UTF-16 samples without a BOM are a CSV of exchange-rate
    # ticks ("DateTime,Bid,Ask"), and newspaper4k's "sample_rss.html" is an RSS feed.
    "nobom-utf16be.txt",
    "nobom-utf16le.txt",
    "sample_rss.html",
}


def is_article(relative: Path) -> bool:
    """Whether a corpus file is an article (or a document an archivist keeps: a PDF)."""
    name = relative.name
    if name in NON_ARTICLE_NAMES or name.upper().startswith(("LICENSE", "README")):
        return False
    if "LICENSE" in name or "README" in name or name == "LICENSE-NOTE.md":
        return False
    if relative.suffix in {".json", ".tsv", ".xml", ".rst"}:
        return False
    return relative.suffix in {".html", ".txt", ".srt", ".pdf", ".gz", ".ref", ".md"}


def refused(data: bytes, name: str) -> str | None:
    """Why the registry refuses a file as not an article, or None."""
    try:
        importer_for(data, name)
    except UnsupportedFormatError as error:
        return str(error) if "not an article" in str(error) else None
    return None


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--list", action="store_true", help="each file with its reason")
    args = parser.parse_args()
    corpus: Path = args.corpus
    files = sorted(p for p in corpus.rglob("*") if p.is_file())
    articles = wrongly = wrongly_by_registry = 0
    others = caught = by_name = by_content = by_registry = 0
    missed: list[str] = []
    wrong: list[str] = []
    lines: list[str] = []
    started = time.perf_counter()
    for path in files:
        relative = path.relative_to(corpus)
        data = path.read_bytes()
        name = path.name
        if path.suffix == ".gz":  # a page kept compressed: judged as the page it holds
            data, name = gzip.decompress(data), path.stem
        named = reason_for_name(name)
        content = not_an_article(data, name)
        registry = refused(data, name)
        reason = named or content or registry
        if is_article(relative):
            articles += 1
            wrongly_by_registry += registry is not None
            if reason:
                wrongly += 1
                wrong.append(f"{relative}: {reason}")
        else:
            others += 1
            by_name += named is not None
            by_content += content is not None
            by_registry += registry is not None
            if named or registry:
                caught += 1
            else:
                missed.append(str(relative))
        lines.append(f"{'article ' if is_article(relative) else 'other   '} {relative}: {reason}")
    seconds = time.perf_counter() - started
    print(f"corpus: {corpus} ({len(files)} files, {seconds:.1f} s)")
    print(
        f"articles (pages, texts, subtitles, PDFs): {articles}, wrongly skipped: {wrongly} "
        f"(by the registry: {wrongly_by_registry})"
    )
    print(
        f"non-articles: {others}, caught: {caught} (by name {by_name}, by content "
        f"{by_content}, by the registry {by_registry})"
    )
    for entry in wrong:
        print(f"  WRONG  {entry}")
    for entry in missed:
        print(f"  missed {entry}")
    if args.list:
        print("\n".join(lines))


if __name__ == "__main__":
    main()
