"""Evaluate the e-mail, mailbox and saved-page importers on samples made from the corpus.

Run ``.venv/bin/python bench/eval_mail.py [--corpus PATH] [--limit N]``. The samples are
made by ``tests/importers/samples_mail.py`` around real articles:

* ``email`` (HTML + text) and ``email-text`` (text only): a newsletter around each ECB+
  text of the ``ecbplus`` subcorpus with at least 150 tokens (English), and around the
  readability pages heise (de), liberation-1 (fr) and la-nacion (es), with the
  furniture of its language ("View in browser", "Unsubscribe", the footer's address and
  copyright);
* ``email-br``: the same with paragraphs parted by ``<br><br>`` in one cell;
* ``email-fwd``: each English newsletter forwarded inline as Gmail does it (a note, the
  "Forwarded message" marker and the newsletter's headers above it);
* ``mbox``: those newsletters in mailboxes of 50 messages;
* ``mhtml``: every readability test page saved as Chrome saves it, against its
  ``expected.html``.

It prints, per format: files tried, imported, title right (the article's headline for
mail, ``expected-metadata.json``'s title for pages), word precision and recall of the
text against the article (bags of ``\\w+`` words, case folded: mean and minimum), and
how many texts still hold a line of the newsletter's furniture.
"""

from __future__ import annotations

import argparse
import statistics
import sys
from collections.abc import Iterator
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:
    sys.path.insert(0, str(REPO))


def _fold(text: str | None) -> str:
    return " ".join((text or "").replace("’", "'").casefold().split())


def main() -> None:
    from clippings import importers
    from clippings.model import ClippingsError, Extracted
    from tests.importers.samples_mail import (
        FURNITURE,
        Article,
        ecbplus_article,
        make_inline_forward,
        make_mbox,
        make_mhtml,
        make_newsletter,
        readability_article,
        word_scores,
    )

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--limit", type=int, default=0, help="at most N ECB+ texts")
    args = parser.parse_args()
    corpus: Path = args.corpus

    def newsletters() -> Iterator[tuple[str, Article]]:
        rows = (corpus / "ecbplus" / "index.tsv").read_text(encoding="utf-8").splitlines()[1:]
        docs = [r.split("\t") for r in rows]
        chosen = [d[0] for d in docs if d[3] == "ecbplus" and int(d[8]) >= 150]
        for doc in chosen[: args.limit or None]:
            yield "en", ecbplus_article(corpus, doc)
        for language, page in (("de", "heise"), ("fr", "liberation-1"), ("es", "la-nacion")):
            yield language, readability_article(corpus, page)

    rows: dict[str, list[tuple[bool, bool, float, float, bool]]] = {}

    def score(fmt: str, extracted: Extracted, article: Article, language: str) -> None:
        precision, recall = word_scores(extracted.text, article.text)
        furniture = FURNITURE[language]
        lines = [furniture["browser"], *furniture["footer"]]
        left = any(" ".join(line.split()[:3]).format(outlet="") in extracted.text for line in lines)
        title_right = _fold(extracted.title) == _fold(article.title)
        rows.setdefault(fmt, []).append((True, title_right, precision, recall, left))

    def failed(fmt: str) -> None:
        rows.setdefault(fmt, []).append((False, False, 0.0, 0.0, False))

    mailbox: list[tuple[bytes, Article, str]] = []
    for language, article in newsletters():
        for fmt, with_html, layout in (
            ("email", True, "paragraphs"),
            ("email-br", True, "breaks"),
            ("email-text", False, "paragraphs"),
        ):
            data = make_newsletter(article, language=language, with_html=with_html, layout=layout)
            try:
                score(fmt, importers.extract(data, "message.eml"), article, language)
            except ClippingsError:
                failed(fmt)
            if fmt == "email":
                mailbox.append((data, article, language))
        if language == "en":
            try:
                forward = make_inline_forward(article)
                score("email-fwd", importers.extract(forward, "fwd.eml"), article, language)
            except ClippingsError:
                failed("email-fwd")
    for start in range(0, len(mailbox), 50):
        chunk = mailbox[start : start + 50]
        box = make_mbox([data for data, _a, _l in chunk])
        try:
            found = {e.part: e for e in importers.extract_articles(box, "box.mbox")}
        except ClippingsError:
            found = {}
        for number, (_data, article, language) in enumerate(chunk, start=1):
            extracted = found.get(number if len(chunk) > 1 else None)
            if extracted is None:
                failed("mbox")
            else:
                score("mbox", extracted, article, language)

    pages = sorted((corpus / "readability" / "test-pages").iterdir())
    for folder in pages:
        expected = readability_article(corpus, folder.name)
        source = (folder / "source.html").read_text(encoding="utf-8", errors="replace")
        data = make_mhtml(source, f"https://example.com/{folder.name}")
        try:
            extracted = importers.extract(data, f"{folder.name}.mhtml")
        except ClippingsError:
            failed("mhtml")
            continue
        if extracted.url != f"https://example.com/{folder.name}":
            failed("mhtml")
            continue
        score("mhtml", extracted, expected, "en")

    print(f"{'format':<11} {'tried':>5} {'imported':>8} {'title':>6} {'P mean':>7} {'P min':>6} "
          f"{'R mean':>7} {'R min':>6} {'furniture left':>14}")  # fmt: skip
    for fmt, found_rows in rows.items():
        ok = [r for r in found_rows if r[0]]
        precision = [r[2] for r in ok] or [0.0]
        recall = [r[3] for r in ok] or [0.0]
        print(
            f"{fmt:<11} {len(found_rows):>5} {len(ok):>8} {sum(r[1] for r in ok):>6} "
            f"{statistics.mean(precision):>7.3f} {min(precision):>6.3f} "
            f"{statistics.mean(recall):>7.3f} {min(recall):>6.3f} {sum(r[4] for r in ok):>14}"
        )


if __name__ == "__main__":
    main()
