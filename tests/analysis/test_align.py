"""Sentence alignment of two texts: a corpus article against a rewritten copy of it."""

from __future__ import annotations

import random
import re
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from clippings.analysis.align import (
    CUT_MIN,
    LONGEST_SENTENCE,
    align,
    sentence_spans,
    shared_share,
    side_share,
    split_sentences,
    word_diff,
    words,
)
from clippings.model import AlignedPair

ARTICLE = "ecbplus/text/2/2_1ecbplus.txt"


def _article(corpus: Path, name: str = ARTICLE) -> tuple[str, list[list[str]]]:
    """The headline and the body in paragraphs of three sentences (ECB+: one a line)."""
    lines = (corpus / name).read_text(encoding="utf-8").splitlines()
    headline, body = lines[1], [line for line in lines[3:] if line.strip()]
    # Keep whole sentences (not a quotation over two lines, nor "official release:").
    body = [
        line
        for line in body
        if split_sentences(line) == [line] and line.rstrip(' "”’').endswith((".", "!", "?"))
    ][:12]
    return headline, [body[i : i + 3] for i in range(0, len(body), 3)]


def _text(headline: str, paragraphs: list[list[str]]) -> str:
    return headline + "\n\n" + "\n\n".join(" ".join(p) for p in paragraphs) + "\n"


@dataclass(frozen=True)
class Rewrite:
    """An article and a rewritten copy, with what the rewrite did."""

    a: str
    b: str
    headline: str
    new_headline: str
    moved: list[str]
    reworded: tuple[str, str]
    dropped: str
    added: str


@pytest.fixture
def rewritten(corpus: Path) -> Rewrite:
    headline, paragraphs = _article(corpus)
    assert len(paragraphs) == 4
    original = _text(headline, paragraphs)
    copy = [list(p) for p in paragraphs]
    copy[1], copy[2] = copy[2], copy[1]  # two paragraphs swapped
    reworded_from = copy[0][1]
    words = reworded_from.split()
    words[2], words[5] = "REPLACED", "ALSO-NEW"  # a few words changed in one sentence
    reworded_to = " ".join(words)
    copy[0][1] = reworded_to
    dropped = copy[3].pop(1)
    added = "A spokesman for the network declined to comment on the ratings on Friday."
    copy[3].insert(0, added)
    new_headline = "Talk show star picked again to present Hollywood's biggest night"
    return Rewrite(
        a=original,
        b=_text(new_headline, copy),
        headline=headline,
        new_headline=new_headline,
        # The LIS keeps one of the two swapped paragraphs in order: the other one moved.
        moved=paragraphs[1] if len(paragraphs[1]) <= len(paragraphs[2]) else paragraphs[2],
        reworded=(reworded_from, reworded_to),
        dropped=dropped,
        added=added,
    )


def _kind_of(pairs: list[AlignedPair], sentence: str) -> str:
    kinds = [p.kind for p in pairs if sentence in (p.a, p.b)]
    assert len(kinds) == 1, (sentence, kinds)
    return kinds[0]


def test_split_sentences_copes_with_abbreviations_and_quotes() -> None:
    text = (
        'Mr. Smith met J. K. Rowling in the U.S. The talks began on Jan. 5 and he said "Go now." '
        'She left!\n"Is it over?" he asked. The U.S. Treasury agreed.\n\nA new paragraph'
    )
    assert split_sentences(text) == [
        "Mr. Smith met J. K. Rowling in the U.S.",
        'The talks began on Jan. 5 and he said "Go now."',
        "She left!",
        '"Is it over?" he asked.',
        "The U.S. Treasury agreed.",
        "A new paragraph",
    ]
    # Who said a quotation ending in "!" or "?" belongs to its sentence: a comparison
    # showed a row "Vanore said." alone. A sentence that only opens with a name stays.
    text = (
        'An employee had yelled, "Hide, she\'s got a gun!" Vanore said. That shot missed. '
        '"Is that right?" Lt. Frank Vanore asked reporters. "Stop!" Police then arrived at'
        " the scene and arrested the man."
    )
    assert split_sentences(text) == [
        'An employee had yelled, "Hide, she\'s got a gun!" Vanore said.',
        "That shot missed.",
        '"Is that right?" Lt. Frank Vanore asked reporters.',
        '"Stop!"',
        "Police then arrived at the scene and arrested the man.",
    ]


def test_alignment_of_a_rewritten_copy(rewritten: Rewrite) -> None:
    a, b = rewritten.a, rewritten.b
    pairs = align(a, b)
    reworded_from, reworded_to = rewritten.reworded

    changed = [p for p in pairs if p.kind == "changed"]
    assert [(p.a, p.b) for p in changed] == [(reworded_from, reworded_to)]
    assert 0.7 < changed[0].similarity < 1.0
    assert _kind_of(pairs, rewritten.headline) == "only_a"
    assert _kind_of(pairs, rewritten.new_headline) == "only_b"
    assert _kind_of(pairs, rewritten.dropped) == "only_a"
    assert _kind_of(pairs, rewritten.added) == "only_b"
    moved = [p.a for p in pairs if p.kind == "moved"]
    assert moved == rewritten.moved
    assert all(p.a == p.b for p in pairs if p.kind == "same")
    assert len([p for p in pairs if p.kind == "same"]) == 12 - 1 - 1 - 3

    # Reading order follows A: the pairs' A sentences come in A's order.
    assert [p.a for p in pairs if p.a] == split_sentences(a)
    # The added sentence stands where it falls in B: just before its B neighbour.
    b_order = [p.b for p in pairs if p.b and p.kind != "moved"]
    in_b = [s for s in split_sentences(b) if s in b_order]
    assert b_order == in_b


def test_word_diff_marks_exactly_the_changed_words(rewritten: Rewrite) -> None:
    reworded_from, reworded_to = rewritten.reworded
    runs = word_diff(reworded_from, reworded_to)
    old = reworded_from.split()
    assert [r for r in runs if r[0] != "same"] == [
        ("removed", old[2]),
        ("added", "REPLACED"),
        ("removed", old[5]),
        ("added", "ALSO-NEW"),
    ]
    assert " ".join(words for kind, words in runs if kind != "added") == reworded_from
    assert word_diff("The cat sat.", "the cat sat") == [("same", "The cat sat.")]
    assert word_diff("The cat sat.", "the cat sat", "b") == [("same", "the cat sat")]


def test_shared_share(rewritten: Rewrite, corpus: Path) -> None:
    a, b = rewritten.a, rewritten.b
    assert shared_share(align(a, b)) > 0.8
    assert shared_share(align(a, a)) == 1.0
    unrelated = (corpus / "ecbplus/text/10/10_1ecbplus.txt").read_text(encoding="utf-8")
    assert shared_share(align(a, unrelated)) < 0.2
    assert shared_share([]) == 0.0


def test_two_eighty_sentence_texts_align_quickly(corpus: Path) -> None:
    sentences: list[str] = []
    for path in sorted((corpus / "ecbplus/text/3").glob("*.txt")):
        sentences.extend(split_sentences(path.read_text(encoding="utf-8")))
        if len(sentences) >= 80:
            break
    a_sentences = sentences[:80]
    b_sentences = a_sentences[40:] + a_sentences[:40]
    b_sentences[10] = b_sentences[10].replace("the", "a")
    a, b = "\n\n".join(a_sentences), "\n\n".join(b_sentences)
    started = time.perf_counter()
    pairs = align(a, b)
    elapsed = time.perf_counter() - started
    print(f"align 80 x 80 sentences: {elapsed * 1000:.1f} ms")
    assert elapsed < 1.0  # the goal is < 100 ms; bench/ measures it precisely
    assert sum(1 for p in pairs if p.kind in ("same", "changed", "moved")) >= 78


def test_a_text_without_sentence_punctuation_is_compared_in_pieces():
    # OCR without full stops, a flattened table: not one sentence of thousands of
    # words (one row in the comparison, and minutes of word-by-word diffing).
    text = " ".join(f"word{n % 50} item{n}" for n in range(2_000))
    spans = sentence_spans(text)
    assert all(CUT_MIN <= len(text[s:e].split()) <= LONGEST_SENTENCE for s, e in spans)
    assert len(spans) >= 4_000 // LONGEST_SENTENCE
    assert " ".join(text[s:e] for s, e in spans) == text
    pairs = align(text, text)
    assert [p.kind for p in pairs] == ["same"] * len(spans)


def test_unpunctuated_texts_meet_again_after_an_insertion(corpus):
    """Passages of a text without punctuation are cut where its words say, so a copy
    with words added near the start is not shifted out of line for the rest of it:
    every passage but the one that changed is the same on both sides."""
    plain = " ".join(
        path.read_text(encoding="utf-8")
        for path in sorted((corpus / "ecbplus" / "text" / "2").glob("*.txt"))[:6]
    )
    words = re.sub(r"[^\w\s]", " ", plain).split()
    assert len(words) > 1_000
    text = " ".join(words)
    edited = " ".join([*words[:30], "and three more words", *words[30:]])
    pairs = align(text, edited)
    assert len(pairs) >= len(words) // LONGEST_SENTENCE
    kinds = [p.kind for p in pairs]
    assert kinds.count("same") >= len(pairs) - 2
    assert set(kinds) <= {"same", "changed"}
    assert shared_share(pairs) > 0.95


def test_a_comparison_can_be_stopped():
    from clippings.analysis.quotes import compare_quotes, extract_quotes
    from clippings.model import Cancelled

    text = " ".join(f"Sentence number {n} says something." for n in range(200))
    with pytest.raises(Cancelled, match="the comparison was stopped"):
        align(text, text, cancel=lambda: True)
    quotes = extract_quotes('"We will not stop the work on the bridge," said Ruth Penhale.')
    assert quotes
    with pytest.raises(Cancelled):
        compare_quotes(quotes, quotes, cancel=lambda: True)
    assert [p.kind for p in align(text, text, cancel=lambda: False)] == ["same"] * 200


def test_a_text_without_any_word_is_still_shown():
    """Ratings or a row of symbols with no word at all: one passage of its own side,
    not an empty comparison that hides the text."""
    pairs = align("★★ ★★★", "Five stars from the critics. A second sentence.")
    assert (pairs[0].kind, pairs[0].a) == ("only_a", "★★ ★★★")
    assert [p.kind for p in pairs] == ["only_a", "only_b", "only_b"]


def test_a_text_without_punctuation_lines_up_with_the_punctuated_one(corpus):
    """The OCR of a print page without its full stops against the web page: both are
    cut where their words say, so the same words meet (before: 59% in common for one
    article and its stripped copy). A short unpunctuated text and a longer copy of it
    are cut alike too."""
    text = (corpus / "ecbplus" / "text" / "3" / "3_1ecbplus.txt").read_text(encoding="utf-8")
    bare = " ".join(re.sub(r"[^\w\s]", " ", text).split())
    assert len(bare.split()) > 200
    pairs = align(text, bare)
    assert shared_share(pairs) > 0.9
    assert all(p.kind in ("same", "changed") for p in pairs)
    words = bare.split()
    short = " ".join(words[:78])
    longer = " ".join([*words[:40], "nine words were added here in the copy too", *words[40:78]])
    assert shared_share(align(short, longer)) > 0.6
    # Languages that end sentences with a danda or an ideographic full stop are not
    # taken for text without punctuation.
    hindi = "यह एक वाक्य है जो कुछ शब्दों से बना है और आगे चलता है। " * 30
    assert [p.kind for p in align(hindi, hindi)] == ["same"] * len(align(hindi, hindi))


def test_a_sentence_said_twice_pairs_in_order_not_across_the_text():
    """Three obituaries ending "She was 91."; the copy drops the first. The repeated
    sentence of each kept obituary pairs with its own, so nothing shows as moved and
    only the first obituary is only in A (before: two rows "moved")."""
    obituaries = [
        "Actress Jane Roe died on Monday at her home in Ohio. She was 91.",
        "Singer Ann Poe died on Tuesday in a hospital in Texas. She was 91.",
        "Painter Mia Doe died on Friday in her studio in Maine. She was 91.",
    ]
    pairs = align("\n\n".join(obituaries), "\n\n".join(obituaries[1:]))
    assert [p.kind for p in pairs] == ["only_a", "only_a", "same", "same", "same", "same"]
    assert [p.a for p in pairs[:2]] == split_sentences(obituaries[0])


def test_currency_signs_and_symbols_are_compared():
    """ "$5 billion" is not "€5 billion", nor four stars one: the passages are changed,
    with the sign marked; two identical texts of symbols alone are the same."""
    [pair] = align("The deal is worth $5 billion.", "The deal is worth €5 billion.")
    assert pair.kind == "changed"
    assert ("removed", "$5") in word_diff(pair.a, pair.b)
    assert align("Rating: ★★★★☆", "Rating: ★☆☆☆☆")[0].kind == "changed"
    assert [p.kind for p in align("★★ ★★★", "★★ ★★★")] == ["same"]
    # Signs of numbers: a minus, a plus, more or less than.
    for a, b in (
        ("Prices fell -0.5% in May.", "Prices fell 0.5% in May."),
        ("It was −5 °C at dawn.", "It was +5 °C at dawn."),
        ("Support is > 50% now.", "Support is < 50% now."),
    ):
        assert align(a, b)[0].kind == "changed", (a, b)
    assert words("out-of-cycle 2-3") == ["out", "of", "cycle", "2", "3"]


def test_hindi_vowel_signs_make_other_words():
    """ "Ram's daughter won the election" and "Ram's son won": the two differ only by
    vowel signs (combining marks), which were dropped, so both compared as the same and
    the second file was stored as the same text as the first."""
    from clippings.services.import_steps import text_fingerprint

    daughter, son = "राम की बेटी ने चुनाव जीता।", "राम के बेटे ने चुनाव जीता।"
    assert words(daughter) == ["राम", "की", "बेटी", "ने", "चुनाव", "जीता"]
    [pair] = align(daughter, son)
    assert pair.kind == "changed"
    assert ("removed", "की बेटी") in word_diff(daughter, son)
    assert text_fingerprint(daughter) != text_fingerprint(son)
    # Latin accents still fold in comparisons: the same words whatever their accents.
    assert words("Café NAÏVE") == words("cafe naive")
    assert text_fingerprint("Café, NAÏVE!") == text_fingerprint("café naïve")


def test_chinese_and_hindi_sentences_end_at_their_own_full_stops():
    """。 and । end a sentence with no space after them, and each Chinese character is
    a word: an article whose second sentence changed a figure and whose third was
    dropped shows that (it was one passage, 99% in common)."""
    first, second, third = (
        "北京市政府周一宣布，新的地铁线路将于明年开通。",
        "该线路全长30公里，共设20个车站。",
        "市长表示，这将缓解交通压力。",
    )
    pairs = align(first + second + third, first + second.replace("30", "35"))
    assert [p.kind for p in pairs] == ["same", "changed", "only_a"]
    assert split_sentences("यह पहला वाक्य है। यह दूसरा वाक्य है।") == [
        "यह पहला वाक्य है।",
        "यह दूसरा वाक्य है।",
    ]


def test_sentences_run_together_pair_with_the_sentences_they_were(corpus):
    """A copy that lost some of its full stops (a print page's text layer, a careless
    paste) runs sentences together: the one long sentence is paired with the two or
    more it was, as one passage, not with one of them while the others are "only in
    A" (before: 65% of the text in common with half the full stops lost)."""
    lines = [
        line.strip()
        for line in (corpus / "ecbplus" / "text" / "3" / "3_1ecbplus.txt")
        .read_text(encoding="utf-8")
        .splitlines()
        if line.strip()
    ]
    body = [line for line in lines[3:] if line.endswith(".")]
    assert len(body) >= 8
    text = "\n\n".join(body)
    # Every second full stop lost: sentences two by two, and a run of four.
    lost = [line[:-1] if k % 2 == 0 or k in (5, 6) else line for k, line in enumerate(body)]
    pairs = align(text, " ".join(lost))
    assert all(p.kind == "same" for p in pairs), [(p.kind, p.a) for p in pairs]
    assert shared_share(pairs) == 1.0
    assert len(pairs) < len(body)
    # Each passage holds whole sentences of A, in order.
    assert " ".join(p.a or "" for p in pairs) == " ".join(body)


def test_two_sentences_a_rewrite_joined_are_one_changed_passage():
    a = (
        "Police were called at once. They surrounded the building within minutes. "
        "The gunman was arrested at the scene on Friday evening."
    )
    b = (
        "Police were called at once and surrounded the building within minutes. "
        "The gunman was arrested at the scene on Friday evening."
    )
    pairs = align(a, b)
    assert [p.kind for p in pairs] == ["changed", "same"]
    assert pairs[0].a == "Police were called at once. They surrounded the building within minutes."
    assert pairs[0].b == "Police were called at once and surrounded the building within minutes."


def test_a_neighbour_that_says_something_else_is_not_joined():
    """A sentence only in A beside a reworded one stays only in A: joining it would make
    the pair less alike, or it shares too few of its words with B's."""
    a = (
        "The council approved the new budget on Tuesday night. "
        "Separately, the city library will close for renovation in May."
    )
    b = "The council approved its new budget late on Tuesday night, with two votes against."
    assert [p.kind for p in align(a, b)] == ["changed", "only_a"]


def test_rows_of_a_table_pair_with_the_row_at_their_own_place():
    """A table's rows are alike: each is compared word by word with the few likeliest
    rows of the other text (``MATCH_CANDIDATES``), of equally likely ones those at its
    own place, so a changed row pairs with its own row, in order, not with a like row
    elsewhere shown as moved."""
    rows = [
        f"The price of item {n % 40} was {n % 7 + 1} dollars on {n // 40 + 1} May."
        for n in range(600)
    ]
    copy = list(rows)
    copy[300] = copy[300].replace("dollars", "euros")
    pairs = align("\n".join(rows), "\n".join(copy))
    kinds = [p.kind for p in pairs]
    assert kinds.count("same") == 599
    assert kinds[300] == "changed"
    assert (pairs[300].a, pairs[300].b) == (rows[300], copy[300])


@pytest.mark.parametrize("seed", [0, 1])
def test_a_table_whose_figures_all_changed_stays_in_place(seed):
    """Monday's and Tuesday's closing prices: every row keeps its name and changes its
    figures, so another row, sharing the template and a figure by chance, is about as
    like it as its own row. Every row pairs with its own (``ORDER_FLOOR``), none shown
    as moved; a row that did move, word for word, is still shown as moved."""
    rng = random.Random(seed)
    names = ["Acme", "Borealis", "Cobalt", "Dunmore", "Elster"]
    names += ["Fairway", "Granite", "Harbor", "Ionic", "Juniper"]

    def row(name: str) -> str:
        return (
            f"{name} closed at {rng.randint(10, 99)}.{rng.randint(0, 99):02d}, "
            f"{rng.choice(['up', 'down'])} {rng.randint(1, 9)}.{rng.randint(0, 9)} per cent."
        )

    names += [f"{name}-Pacific" for name in names]
    monday = [row(name) for name in names]
    tuesday = [row(name) for name in names]
    pairs = align("\n".join(monday), "\n".join(tuesday))
    assert [(p.kind, p.a, p.b) for p in pairs] == [
        ("changed", a, b) for a, b in zip(monday, tuesday, strict=True)
    ]
    moved = [monday[-1], *tuesday[:-1]]  # the last row, unchanged, now first
    kinds = [(p.kind, p.a) for p in align("\n".join(monday), "\n".join(moved))]
    assert kinds.count(("moved", monday[-1])) == 1
    assert [kind for kind, _ in kinds].count("changed") == len(names) - 1


def test_a_whole_paragraph_run_together_is_one_passage():
    """Eight short sentences that B writes without a full stop are one passage, not six
    of them and two "only in A" whose words B holds (a cap of six sentences did that)."""
    storm = [
        "A storm hit the coast on Monday.",
        "Winds reached 120 km an hour.",
        "Trees fell across roads.",
        "Power was cut to 5,000 homes.",
        "Schools closed for the day.",
        "Ferries stayed in port.",
        "Nobody was hurt, the police said.",
        "Repairs could take until Wednesday.",
    ]
    pairs = align(" ".join(storm), " ".join(s[:-1] for s in storm) + ".")
    assert [(p.kind, p.a) for p in pairs] == [("same", " ".join(storm))]


def test_chinese_sentences_run_together_gain_no_space():
    pairs = align(
        "北京举行了仪式。数千人参加了活动。天气很好。",
        "北京举行了仪式，数千人参加了活动。天气很好。",
    )
    assert (pairs[0].a, pairs[0].b) == (
        "北京举行了仪式。数千人参加了活动。",
        "北京举行了仪式，数千人参加了活动。",
    )


def test_a_text_that_is_the_other_s_start_is_all_in_it() -> None:
    """A copy cut short: all of it is in the longer one, which has far more besides,
    so the text in common (over both) is lower than either text's share."""
    sentences = [
        f"The council met on day {n} to discuss the bridge over the river." for n in range(10)
    ]
    long, short = " ".join(sentences), " ".join(sentences[:4])
    pairs = align(long, short, "en", "en")
    assert side_share(pairs, "b") == 1.0
    assert side_share(pairs, "a") == pytest.approx(0.4, abs=0.02)
    assert shared_share(pairs) == pytest.approx(4 / 7, abs=0.02)
