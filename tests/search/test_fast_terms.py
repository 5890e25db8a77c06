"""The tantivy index reads the project's own terms, made quickly: they must be exactly
the tokens of Whoosh's analyzer chain, and snippets exactly Whoosh's passages."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from clippings.search import fast_terms, highlighting
from clippings.search.analysis import text_analyzer

SAMPLES = [
    "The police said the fire at the café was out; e-mail U.S. officials at reuters.com.",
    "Посол России Анатолий Антонов заявил, что отношения остаются сложными. Ёлка.",
    "中华人民共和国的新闻。日本語のテキスト、한국어 텍스트 และภาษาไทยที่ไม่มีช่องว่าง",
    "Mixed abc中华def 12.5% İstanbul ǅemal naïve coöperate \u0301 lone mark",
    "",
]


def _corpus_texts(corpus: Path, limit: int) -> list[str]:
    paths = sorted(
        p for p in corpus.rglob("*") if p.is_file() and p.suffix in (".txt", ".html", ".md")
    )
    picked = random.Random(3).sample(paths, min(limit, len(paths)))
    return [p.read_bytes().decode("utf-8", "ignore") for p in picked]


def _whoosh_terms(text: str) -> list[str]:
    # Whoosh reuses one token object: read each as it passes.
    tokens = [(t.text, t.pos) for t in text_analyzer()(text, positions=True)]
    # Positions are consecutive (the tantivy index counts one per term).
    assert [pos for _text, pos in tokens] == list(range(len(tokens)))
    return [text or fast_terms.EMPTY_TERM for text, _pos in tokens]


@pytest.mark.parametrize("text", SAMPLES)
def test_terms_are_whooshs(text):
    assert fast_terms.terms(text) == _whoosh_terms(text)
    whoosh = [
        (t.text, t.startchar, t.endchar) for t in text_analyzer()(text, chars=True, mode="query")
    ]
    fast = [(t.text, t.startchar, t.endchar) for t in fast_terms.FastAnalyzer()(text)]
    assert fast == whoosh


def test_terms_are_whooshs_on_the_corpus(corpus):
    for text in _corpus_texts(corpus, 150):
        assert fast_terms.terms(text) == _whoosh_terms(text)


def test_snippets_are_whooshs_passages_on_the_corpus(corpus):
    rng = random.Random(5)
    for text in _corpus_texts(corpus, 120) + SAMPLES[:-1]:
        terms = fast_terms.terms(text)
        if not terms:
            continue
        for count in (1, 2, 5):
            wanted = frozenset(rng.choice(terms) for _ in range(count))
            for length in (240, 60):
                assert highlighting.passage(wanted, text, length) == (
                    highlighting.whoosh_passage(wanted, text, length)
                ), (sorted(wanted), length, text[:80])
