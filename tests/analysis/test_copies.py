"""The rule that makes a file the same piece as a clipping in another format."""

from __future__ import annotations

import random

from clippings.analysis.copies import (
    MARK_EVERY,
    Piece,
    candidate_floor,
    different_sources,
    marks,
    same_piece,
    same_title,
    worth_comparing,
)

_VOCABULARY = (
    "harbour council budget river bridge minister school hospital tram festival court "
    "election strike museum library farmers weather storm market railway airport police "
    "treaty summit border factory workers pension tax energy climate water forest coast "
    "island village mayor report committee inquiry verdict protest agreement the a of to"
)
_WORDS = _VOCABULARY.split()


def article(seed: int, words: int) -> str:
    rng = random.Random(seed)
    sentences = []
    while sum(len(s.split()) for s in sentences) < words:
        sentences.append(" ".join(rng.choice(_WORDS) for _ in range(12)).capitalize() + ".")
    return "\n\n".join(" ".join(sentences[i : i + 4]) for i in range(0, len(sentences), 4))


def test_another_format_of_the_same_text_is_the_same_piece():
    text = article(1, 600)
    # Other line breaks, case and quotation marks, and a print's furniture around it.
    printed = "Home | World | Sport\n\n" + text.replace("\n\n", "\n").upper() + "\n\n© 2026"
    assert same_piece(Piece.of(text, "Storm closes harbour"), Piece.of(printed, "Storm"))


def test_furniture_as_long_as_the_article_needs_the_same_headline():
    text = article(2, 500)
    printed = article(3, 400) + "\n\n" + text + "\n\n" + article(4, 200)
    headline = "Storm closes harbour as waves top the sea wall"
    assert same_piece(Piece.of(text, headline), Piece.of(printed, f"{headline} - The Herald"))
    assert not same_piece(Piece.of(text, headline), Piece.of(printed, "Front page"))


def test_a_page_of_two_articles_and_a_piece_quoting_another_are_not_the_same_piece():
    one, two = article(5, 500), article(6, 500)
    assert not same_piece(Piece.of(one, "One"), Piece.of(one + "\n\n" + two, "Two"))
    quoting = article(7, 400) + "\n\n" + one[:600] + "\n\n" + article(8, 300)
    assert not same_piece(Piece.of(one, "One"), Piece.of(quoting, "Column"))
    # A long piece that holds a short one whole, under another headline.
    short = article(9, 120)
    assert not same_piece(Piece.of(short, "Short"), Piece.of(short + article(10, 900), "Long"))


def test_the_same_text_from_two_outlets_is_not_the_same_piece():
    text = article(11, 400)
    a = Piece.of(text, "Jewellery stolen", "https://news.sky.com/story/1", "Sky News")
    b = Piece.of(text, "Jewellery stolen", "http://web.orange.co.uk/article/2", "Orange")
    assert different_sources(a, b) and not same_piece(a, b)
    # One site under other host names, or an outlet written two ways, is one source.
    c = Piece.of(text, "", "https://m.heraldsun.com.au/a", "HeraldSun")
    d = Piece.of(text, "", "http://www.heraldsun.com.au/b", "Herald Sun")
    assert not different_sources(c, d)
    e = Piece.of(text, "", None, "The Washington Post")
    f = Piece.of(text, "", "file:///home/me/page.html", "Washington Post")
    assert not different_sources(e, f) and same_piece(e, f)


def test_short_texts_are_never_matched():
    text = article(12, 30)
    assert marks(text) == ()
    assert not same_piece(Piece.of(text), Piece.of(text))


def test_marks_keep_containment_and_say_which_candidates_to_compare():
    text = article(13, 800)
    printed = article(14, 300) + "\n\n" + text
    own, theirs = set(marks(text)), set(marks(printed))
    assert own and own <= theirs  # the article's marks are all in its print
    assert all(m % MARK_EVERY == 0 for m in own)
    assert worth_comparing(len(theirs), len(own), len(own & theirs))
    assert not worth_comparing(len(theirs), len(own), 1)
    assert candidate_floor(len(theirs)) <= len(own)


def test_headlines_match_with_an_outlet_after_them():
    assert same_title("Storm closes the harbour", "Storm closes the harbour | The Herald")
    assert not same_title("Storm", "Storm closes the harbour")
    assert not same_title("Storm closes the harbour", "Storm closes the airport")
