"""Side-by-side comparison of two article texts, sentence by sentence.

``align`` pairs the sentences of two texts so that a reworded sentence still meets its
original: every sentence of A is compared with the sentences of B that could reach the
threshold (a cheap bound on shared words rules the rest out), the one-to-one matches are
taken greedily, those of the heaviest chain that keeps both texts' order first (the rows
of a table stay in place) and the rest by similarity, and a longest increasing
subsequence over the matched B positions tells which matches keep their order
(``same``/``changed``) and which were moved. A matched sentence then takes in the
neighbours that its text, or its partner's, ran together with it (a lost full stop, two
sentences a rewrite joined with "and"): the pair is one passage of two or more sentences
a side (``JOIN_WORDS``). Sentences left over are ``only_a``/``only_b``.

Similarity is ``difflib``'s ratio over the normalised word lists (lowercase, accents
folded, punctuation dropped), so ECB+'s tokenised spacing (``It ’ s``) compares equal to
``It's``. Sentences no word match pairs are then paired on lexical evidence as
``similar`` (``analysis/paraphrase``): two reports of one event in other words. A
"sentence" without a letter or digit (a lone closing ``"``) joins its neighbour.
"""

from __future__ import annotations

import re
import unicodedata
import zlib
from bisect import bisect_left
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Sequence
from difflib import SequenceMatcher
from typing import Literal

import numpy as np

from clippings.analysis.paraphrase import similar_candidates, stop_if
from clippings.languages import WORD_MARKS
from clippings.model import AlignedPair


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read)."""
    return frozenset(words.split())


#: Below this similarity two sentences are not a pair (a reworded sentence with a few
#: words changed scores 0.7-0.95; unrelated sentences sharing function words stay below).
MATCH_THRESHOLD = 0.5
#: At most this many sentences of B are compared word by word with one of A: those
#: whose words in common could make the most alike. Prose never has more that could
#: match; a table's 3,000 rows of one pattern had, and comparing two such tables took
#: minutes (every row against every row).
MATCH_CANDIDATES = 32
#: A run of more words than this (counted between spaces) is not a sentence but text
#: without sentence punctuation (OCR, a transcript, a flattened table): it is cut into
#: passages of ``CUT_MIN``..``LONGEST_SENTENCE`` words at points its own words choose
#: (after a pair of words whose hash is 0 modulo ``CUT_EVERY``). The cuts fall on the
#: same words in both texts, so after an insertion or a deletion the passages meet
#: again; cuts every N words would all shift by the words added. Twelve 1,700-word
#: texts of ECB+ stripped of punctuation beside a lightly edited copy (some sentences
#: dropped, reworded or added): 81% of the words shown as shared, in 65 rows (85% for
#: the same texts punctuated; 68% in seven rows with cuts every 300 words).
#: (Of 13,212 sentences of the shared corpus' texts, 99.9% have at most 77 words.)
LONGEST_RUN = 80
CUT_EVERY = 20
CUT_MIN = 10
#: No passage is longer (in words).
LONGEST_SENTENCE = 60
#: Sentences one text runs together ("X. Y." in A, "X Y." in B, where a full stop was
#: lost or a rewrite joined two sentences with "and") are one passage of the
#: comparison: a matched sentence takes in a neighbour of its own text or of its
#: partner's that no other match holds when at least ``MATCH_THRESHOLD`` of the
#: neighbour's words then find a partner (as much as a sentence must share to be a
#: match at all) and the pair grows more alike. A side of a passage so joined holds at
#: most ``JOIN_WORDS`` words: room for the sentences of the longest sentence the other
#: text can have (``LONGEST_RUN``) twice over.
JOIN_WORDS = 160
#: A sentence that no sentence of the other text matches alone, but that lies
#: ``SEED_SHARE`` of its words inside a longer unmatched sentence there (one of four
#: sentences run together), starts such a passage, kept only if it ends a match
#: (``MATCH_THRESHOLD``). Sentences of fewer than ``SEED_WORDS`` words ("He said.")
#: fit inside too many others to start one.
SEED_SHARE = 0.8
SEED_WORDS = 5
#: Seeds kept per sentence of A, the best first (a list of like lines, a table, must not
#: make every pair of them one).
SEEDS_EACH = 3
#: A table's rows whose figures changed: each row is like its own row in the other text
#: and, by the template and a figure that happens to recur, about as like other rows.
#: Taken best first, rows paired across the table and were shown as moved. So the
#: matches that keep both texts' order and together are the most alike (each counting
#: what its score is above ``ORDER_FLOOR``, so that many weak matches in order do not
#: outweigh one strong one out of it) are taken first, unless another candidate of one
#: of its two sentences is better by ``MOVE_MARGIN``: a sentence copied elsewhere (0.9
#: and more) is moved, a row about as like another row (0.6 against 0.7) stays in place.
ORDER_FLOOR = 0.45
MOVE_MARGIN = 0.25

# Words after which a full stop does not end a sentence (compared lowercased, no dot).
_ABBREVIATIONS = _wordset("""
    mr mrs ms messrs mme mlle dr prof st sr jr rev fr hon gen lt col capt cmdr sgt maj adm
    sen rep gov pres amb supt insp det cpl pvt
    jan feb mar apr jun jul aug sep sept oct nov dec tue tues thu thur thurs fri
    ed eds approx ca cf vs v etc al
    inc ltd co corp bros dept univ assn est
    u.s u.k u.n u.s.a e.u e.g i.e a.m p.m d.c n.y l.a
    """)

# Abbreviations that stand before a number ("No. 10", "p. 4").
_NUMBERED = _wordset("no nos vol vols p pp fig figs ch sec art para")

# Words that begin sentences, for telling "in the U.S. The ..." from "U.S. Treasury".
_STARTERS = _wordset(
    "the a an he she it they we i this that these those but and or so yet in on at for "
    "his her its their our my there here when while after before if as however"
)

_BOUNDARY = re.compile(r"[.!?…]+[\"'”’»)\]]*\s+")
# Marks that end a sentence with no space after them: a danda (Hindi, Bengali, Nepali),
# Burmese's full stop, an ideographic full stop, exclamation or question mark.
_HARD_STOPS = "।॥။。！？"
# A sentence's end: terminal punctuation and any closing marks, then a space or the end;
# or one of ``_HARD_STOPS``.
_SENTENCE_END = re.compile(rf"[.!?…]+[\"'”’»)\]]*(?:\s|$)|[{_HARD_STOPS}]")
_CLOSERS = "\"'”’»)]"
# A word: letters, digits and the combining marks that belong to them (Hindi's vowel
# signs; see ``languages.WORD_MARKS``).
_WORD = re.compile(rf"[\w{WORD_MARKS}]+")
# Chinese and Japanese write no spaces between words: each of their characters is a
# word of its own here (a changed figure in a sentence then changes one word of it).
_IDEOGRAPHS = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff"
_WORD_OR_MARK = re.compile(rf"[{_IDEOGRAPHS}]|(?:(?![{_IDEOGRAPHS}])[\w{WORD_MARKS}])+|[^\w\s]")
# A sentence end that needs no space after it, and its closing marks.
_HARD_END = re.compile(rf"[{_HARD_STOPS}][\"'”’»)\]」』）]*\s*")
# Unicode's categories of currency signs, mathematical signs (+, −, <, ±) and other
# symbols (★, ✓, ♥, ©).
_SYMBOLS = frozenset(("Sc", "Sm", "So"))
# A hyphen before a number, not inside a word or a number: a minus sign ("-0.5%").
_MINUS = re.compile(r"(?<![\w.,])-(?=\d)")
_TOKEN = re.compile(r"\S+")
_PARAGRAPH = re.compile(r"\n[ \t]*\n\s*")
_TERMINAL = ".!?…:;"
# Who said a quotation that ends in "!" or "?", after it: a few capitalised words and a
# speech verb, the sentence's end soon after ('"…gun!" Vanore said.', '"…?" Lt. Frank
# Vanore asked reporters.'): that is the quotation's sentence, not one of its own (a
# row "Vanore said." in a comparison).
_QUOTE_CLOSERS = "\"'”’»"
_ATTRIBUTION_TAG = re.compile(
    r"(?:[A-Z][\w'’.\-]*\s+){1,4}(?:said|says|asked|asks|added|adds|told|tells|wrote|"
    r"writes|replied|yelled|shouted|screamed|explained|insisted|recalled)"
    r"(?:\s+[\w'’\-]+){0,3}\s*[.!?]"
)
# A line this short that does not end a sentence is a headline, a dateline or a byline
# (hard-wrapped prose runs longer), so it stands alone.
_SHORT_LINE = 60


def _fold(text: str) -> str:
    """``text`` casefolded, the accents of Latin, Greek and Cyrillic letters dropped
    ("café" is "cafe"); the marks of other scripts are kept, as they make other words
    (Hindi's virama, Hebrew's points)."""
    if text.isascii():  # no accent to fold: most sentences of most archives
        return text.lower()
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    kept: list[str] = []
    accented = True  # whether the letter before takes accents that fold away
    for ch in decomposed:
        if not unicodedata.combining(ch):
            kept.append(ch)
            accented = ch < "\u0530" or "\u1e00" <= ch <= "\u1fff"
        elif not accented:
            kept.append(ch)
    return "".join(kept)


def words(text: str) -> list[str]:
    """The normalised words of ``text``: casefolded, accents folded, no punctuation;
    currency, mathematical and other signs are words of their own ("$5" is not "€5",
    "-0.5%" not "0.5%", "< 50%" not "> 50%", "★★★★☆" not "★☆☆☆☆")."""
    return [
        token
        for token in _WORD_OR_MARK.findall(_MINUS.sub("−", _fold(text)))
        if len(token) > 1 or _WORD.match(token) or unicodedata.category(token) in _SYMBOLS
    ]


def _ends_sentence(line: str) -> bool:
    stripped = line.rstrip().rstrip(_CLOSERS).rstrip()
    return bool(stripped) and stripped[-1] in _TERMINAL


def _split_line_run(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]`` (one paragraph or one line)."""
    begin = start
    for match in _HARD_END.finditer(text, start, end):
        if match.end() < end:
            yield from _split_spaced(text, begin, match.end())
            begin = match.end()
    yield from _split_spaced(text, begin, end)


def _split_spaced(text: str, start: int, end: int) -> Iterable[tuple[int, int]]:
    """Sentence spans inside ``text[start:end]`` where a sentence ends with terminal
    punctuation, a space and a capital, a digit or an opening mark."""
    begin = start
    for match in _BOUNDARY.finditer(text, start, end):
        after = match.end()
        if after >= end:
            break
        nxt = text[after]
        if not (nxt.isupper() or nxt.isdigit() or nxt in "\"'“‘«„([¿¡"):
            continue
        ending = text[match.start() : match.end()].strip()
        if (
            ending[-1:] in _QUOTE_CLOSERS
            and ending[:1] in "!?"
            and _ATTRIBUTION_TAG.match(text, after, end)
        ):
            continue  # '"Hide, she's got a gun!" Vanore said.': one sentence
        dot = text.find(".", match.start(), match.end())
        if dot == match.start() and text[match.start() : match.end()].count(".") == 1:
            # A single full stop: is it an abbreviation's?
            head = text[begin : match.start()].rsplit(None, 1)
            last = head[-1] if head else ""
            bare = last.lstrip("\"'“‘«„([").lower()
            if bare in _NUMBERED and nxt.isdigit():
                continue
            if bare in _ABBREVIATIONS:
                if "." not in bare:
                    continue
                next_word = _WORD.match(text, after)
                if not next_word or next_word.group().lower() not in _STARTERS:
                    continue
            elif len(bare) == 1 and bare.isalpha():
                continue  # an initial: "J. K. Rowling"
        yield begin, match.end()
        begin = after
    if begin < end:
        yield begin, end


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """``(start, end)`` offsets of the sentences of ``text``, stripped of whitespace.

    Paragraphs (split at blank lines) never share a sentence. Inside a paragraph a line
    break ends a sentence when the line ends like one (after terminal punctuation and
    any closing quotes) or is short (a headline, a dateline); otherwise it is wrapped
    prose and the lines are joined.
    """
    spans: list[tuple[int, int]] = []
    paragraph_start = 0
    bounds = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    bounds.append((len(text), len(text)))
    for para_end, next_start in bounds:
        # Cut the paragraph into runs of lines that belong together.
        run_start = paragraph_start
        line_start = paragraph_start
        while line_start < para_end:
            newline = text.find("\n", line_start, para_end)
            line_end = para_end if newline < 0 else newline
            line = text[line_start:line_end]
            if newline < 0 or _ends_sentence(line) or len(line.strip()) < _SHORT_LINE:
                spans.extend(_split_line_run(text, run_start, line_end))
                run_start = line_end + 1
            line_start = line_end + 1
        if run_start < para_end:
            spans.extend(_split_line_run(text, run_start, para_end))
        paragraph_start = next_start
    stripped: list[tuple[int, int]] = []
    for start, end in spans:
        chunk = text[start:end]
        if not chunk.strip():
            continue
        left = len(chunk) - len(chunk.lstrip())
        right = len(chunk) - len(chunk.rstrip())
        stripped.append((start + left, end - right))
    return _merge_wordless(text, _cut_overlong(text, stripped))


def _cut_overlong(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans of more than ``LONGEST_RUN`` words cut where their words choose (see
    ``LONGEST_RUN``): a text without sentence punctuation or line breaks is not one
    sentence, and comparing two such "sentences" word by word took minutes."""
    cut: list[tuple[int, int]] = []
    for start, end in spans:
        if end - start <= LONGEST_RUN:  # too few characters for that many words
            cut.append((start, end))
            continue
        tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text, start, end)]
        if len(tokens) <= LONGEST_RUN:
            cut.append((start, end))
        else:
            cut.extend(_cut_runs(text, tokens))
    return cut


def _cut_runs(text: str, tokens: Sequence[tuple[int, int]]) -> list[tuple[int, int]]:
    """The word spans ``tokens`` (offsets in ``text``) cut into passages of ``CUT_MIN``
    to ``LONGEST_SENTENCE`` words, after each pair of words whose hash is 0 modulo
    ``CUT_EVERY``: the same words are cut at the same places in any text."""
    cut: list[tuple[int, int]] = []
    first = 0
    previous = ""
    for k, (token_start, token_end) in enumerate(tokens):
        word = " ".join(words(text[token_start:token_end]))
        chosen = zlib.crc32(f"{previous} {word}".encode()) % CUT_EVERY == 0
        previous = word
        length = k + 1 - first
        left = len(tokens) - k - 1
        if (length >= CUT_MIN and chosen and left >= CUT_MIN) or length >= LONGEST_SENTENCE:
            cut.append((tokens[first][0], token_end))
            first = k + 1
    if first < len(tokens):
        cut.append((tokens[first][0], tokens[-1][1]))
    return cut


def _unpunctuated(text: str) -> bool:
    """Whether ``text`` is written without sentence punctuation (OCR, a transcript, text
    copied without its full stops): fewer than one sentence end per ``LONGEST_RUN``
    words, where news prose ends one every 20 words or so (the shared corpus: a median
    of 19, 99.9% under 80). Of the shared corpus' 725 text files, this says so of a
    list of addresses, three encoding samples and a Thai article (Thai ends its
    sentences with a space)."""
    count = sum(1 for _ in _WORD.finditer(text))
    if count <= LONGEST_RUN:
        return False  # one passage at most either way
    ends = sum(1 for _ in _SENTENCE_END.finditer(text))
    return count > (ends + 1) * LONGEST_RUN


def _run_passages(text: str) -> list[str]:
    """The passages of a text compared as a run of words (see ``align``): its words cut
    where they choose, whatever its punctuation, lines and paragraphs."""
    tokens = [(m.start(), m.end()) for m in _TOKEN.finditer(text)]
    spans = _merge_wordless(text, _cut_runs(text, tokens)) if tokens else []
    return [" ".join(text[start:end].split()) for start, end in spans]


def _merge_wordless(text: str, spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    """Spans without a letter or digit (a closing ``"`` after the full stop, a ``—``)
    joined to the sentence before them (the first one to the sentence after): a row of
    a comparison holding only punctuation says nothing. A text without any word but
    with symbols (a rating in stars) is one passage: a comparison must not hide it."""
    merged: list[tuple[int, int]] = []
    pending: int | None = None  # the start of wordless spans before the first sentence
    for start, end in spans:
        if _WORD.search(text, start, end):
            merged.append((pending if pending is not None else start, end))
            pending = None
        elif merged:
            merged[-1] = (merged[-1][0], end)
        elif pending is None:
            pending = start
    if pending is not None and not merged and _has_symbol(text[pending : spans[-1][1]]):
        merged.append((pending, spans[-1][1]))  # no word ("★★★★☆"), but not nothing
    return merged


def _has_symbol(text: str) -> bool:
    """Whether ``text`` holds a character that is not punctuation, space or control."""
    return any(unicodedata.category(ch)[0] not in "PZC" for ch in text)


def split_sentences(text: str) -> list[str]:
    """The sentences of ``text`` in order, whitespace inside each collapsed to one space.

    Copes with abbreviations ("Mr.", "Jan.", "U.S." before a name), initials, closing
    quotes after the full stop, paragraph breaks (blank lines) and one-sentence-a-line
    texts (ECB+).
    """
    return [" ".join(text[s:e].split()) for s, e in sentence_spans(text)]


def similarity(a: Sequence[str], b: Sequence[str]) -> float:
    """How alike two word lists are (difflib's ratio, 1.0 for the same words)."""
    if not a and not b:
        return 1.0
    return SequenceMatcher(None, a, b, autojunk=False).ratio()


def _matches(
    wa: list[list[str]], wb: list[list[str]], cancel: Callable[[], bool] | None = None
) -> tuple[list[tuple[int, int, float]], list[tuple[float, int, int]]]:
    """The one-to-one sentence matches ``(i, j, similarity)``, best first, greedily, and
    the seeds of joined passages ``(share, i, j)``: a sentence lying ``SEED_SHARE`` of
    its words inside a longer one of the other text (see ``_join``), best first.

    Two sentences are worth difflib's ratio only when their words in common could reach
    ``MATCH_THRESHOLD`` (the ratio cannot exceed 2 * common / all words). The words in
    common of one sentence of A with every sentence of B are counted at once, word by
    word through an index of B's words held as arrays: "the" and "said" are in every
    sentence of a long text, and counting them pair by pair made comparing two
    100-page reports take minutes.
    """
    candidates: list[tuple[float, int, int]] = []
    seeds: list[tuple[float, int, int]] = []
    by_text: dict[tuple[str, ...], list[int]] = defaultdict(list)
    for j, ws in enumerate(wb):
        by_text[tuple(ws)].append(j)
    postings: dict[str, tuple[list[int], list[int]]] = defaultdict(lambda: ([], []))
    for j, ws in enumerate(wb):
        for word, n in Counter(ws).items():
            where, counts = postings[word]
            where.append(j)
            counts.append(n)
    index = {
        word: (np.array(where, dtype=np.intp), np.array(counts, dtype=np.int32))
        for word, (where, counts) in postings.items()
    }
    lengths_b = np.array([len(ws) for ws in wb], dtype=np.int64)
    scale = len(wb) / max(1, len(wa))  # B's sentences per sentence of A
    for i, ws in enumerate(wa):
        if i % 64 == 0:
            stop_if(cancel)
        if not ws:
            continue
        exact = set(by_text.get(tuple(ws), ()))
        place = i * scale  # where in B the partner of i would be, all else equal
        if len(exact) > MATCH_CANDIDATES:  # one line repeated down a table
            exact = set(sorted(exact, key=lambda j: abs(j - place))[:MATCH_CANDIDATES])
        for j in exact:
            candidates.append((1.0, i, j))
        common = np.zeros(len(wb), dtype=np.int64)
        for word, n in Counter(ws).items():
            found = index.get(word)
            if found is not None:
                common[found[0]] += np.minimum(found[1], n)
        bound = 2 * common / (len(ws) + lengths_b)
        worth = np.flatnonzero(bound >= MATCH_THRESHOLD)
        if len(worth) > MATCH_CANDIDATES:
            # A table's rows, a list of like lines: only the likeliest are worth a ratio,
            # and of equally likely ones those nearest the same place in B.
            away = np.abs(worth - place)
            closest = np.lexsort((away, -bound[worth]))[:MATCH_CANDIDATES]
            worth = np.sort(worth[closest])
        for j in worth.tolist():
            if j in exact:
                continue
            score = similarity(ws, wb[j])
            if score >= MATCH_THRESHOLD:
                candidates.append((score, i, j))
        # Either sentence mostly inside a longer one of the other text.
        shorter = np.minimum(lengths_b, len(ws))
        inside = (lengths_b != len(ws)) & (shorter >= SEED_WORDS) & (common >= SEED_SHARE * shorter)
        holders = np.flatnonzero(inside)
        if len(holders):
            share = common[holders] / shorter[holders]
            for k in np.argsort(-share, kind="stable")[:SEEDS_EACH].tolist():
                seeds.append((float(share[k]), i, int(holders[k])))
    placed = _in_place(candidates)
    in_order = _in_order_first(candidates, scale)
    candidates.sort(key=lambda c: ((c[1], c[2]) not in placed, in_order(c)))
    used_a: set[int] = set()
    used_b: set[int] = set()
    chosen: list[tuple[int, int, float]] = []
    for score, i, j in candidates:
        if i in used_a or j in used_b:
            continue
        used_a.add(i)
        used_b.add(j)
        chosen.append((i, j, score))
    seeds.sort(key=lambda seed: (-seed[0], seed[1], seed[2]))
    return chosen, seeds


#: A passage of a comparison as ``_join`` builds it: the first and last sentence of A,
#: the first and last of B, and the two sides' similarity.
_Span = tuple[int, int, int, int, float]


def _join(
    wa: list[list[str]],
    wb: list[list[str]],
    matches: Sequence[tuple[int, int, float]],
    seeds: Sequence[tuple[float, int, int]],
) -> list[_Span]:
    """The matches grown over the sentences a text ran together (see ``JOIN_WORDS``),
    then passages grown from ``seeds`` among the sentences still unmatched, kept when
    they end as alike as a match (``MATCH_THRESHOLD``)."""
    owner_a: dict[int, int] = {}
    owner_b: dict[int, int] = {}
    spans: list[_Span] = []
    for i, j, score in matches:
        owner_a[i] = owner_b[j] = len(spans)
        spans.append((i, i, j, j, score))
    for k in sorted(range(len(spans)), key=lambda k: -spans[k][4]):
        spans[k] = _grow(wa, wb, spans[k], k, owner_a, owner_b)
    for _share, i, j in seeds:
        if i in owner_a or j in owner_b:
            continue
        k = len(spans)
        owner_a[i] = owner_b[j] = k
        grown = _grow(wa, wb, (i, i, j, j, 0.0), k, owner_a, owner_b)
        if grown[4] >= MATCH_THRESHOLD:  # it grew (a seed alone scores 0)
            spans.append(grown)
        else:
            for n in range(grown[0], grown[1] + 1):
                del owner_a[n]
            for n in range(grown[2], grown[3] + 1):
                del owner_b[n]
    return spans


def _grow(
    wa: list[list[str]],
    wb: list[list[str]],
    span: _Span,
    k: int,
    owner_a: dict[int, int],
    owner_b: dict[int, int],
) -> _Span:
    """``span`` (passage ``k``) with the free neighbours it takes in, one at a time, the
    one that makes the pair most alike first (see ``JOIN_WORDS``); the owners updated."""
    a0, a1, b0, b1, score = span
    side_a = _words_of(wa, a0, a1)
    side_b = _words_of(wb, b0, b1)
    matched = _matched(side_a, side_b)
    while True:
        # (on A's side, the sentence, the two sides with it)
        tries: list[tuple[bool, int, list[str], list[str]]] = []
        if a0 > 0 and a0 - 1 not in owner_a:
            tries.append((True, a0 - 1, wa[a0 - 1] + side_a, side_b))
        if a1 + 1 < len(wa) and a1 + 1 not in owner_a:
            tries.append((True, a1 + 1, side_a + wa[a1 + 1], side_b))
        if b0 > 0 and b0 - 1 not in owner_b:
            tries.append((False, b0 - 1, side_a, wb[b0 - 1] + side_b))
        if b1 + 1 < len(wb) and b1 + 1 not in owner_b:
            tries.append((False, b1 + 1, side_a, side_b + wb[b1 + 1]))
        tries = [t for t in tries if len(t[2]) <= JOIN_WORDS and len(t[3]) <= JOIN_WORDS]
        best: tuple[float, int, bool, int, list[str], list[str]] | None = None
        for on_a, n, new_a, new_b in tries:
            added = len(wa[n]) if on_a else len(wb[n])
            now = _matched(new_a, new_b) if added else 0
            ratio = 2.0 * now / (len(new_a) + len(new_b))
            joins = added and now - matched >= MATCH_THRESHOLD * added and ratio > score
            if joins and (best is None or ratio > best[0]):
                best = (ratio, now, on_a, n, new_a, new_b)
        if best is None:
            return a0, a1, b0, b1, score
        score, matched, on_a, n, side_a, side_b = best
        if on_a:
            owner_a[n] = k
            a0, a1 = min(a0, n), max(a1, n)
        else:
            owner_b[n] = k
            b0, b1 = min(b0, n), max(b1, n)


def _matched(a: Sequence[str], b: Sequence[str]) -> int:
    """How many words of ``a`` and ``b`` difflib pairs in order."""
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _in_place(candidates: Sequence[tuple[float, int, int]]) -> set[tuple[int, int]]:
    """The matches ``(i, j)`` to take first: the heaviest chain of candidates rising in
    both texts, each weighing ``score - ORDER_FLOOR``, less those of its sentences
    another candidate beats by ``MOVE_MARGIN`` (see ``ORDER_FLOOR``)."""
    if len({i for _, i, _ in candidates}) == len({j for _, _, j in candidates}) == len(candidates):
        return set()  # each sentence has one candidate at most (prose): nothing to order
    best_a: dict[int, float] = defaultdict(float)  # each sentence's best candidate
    best_b: dict[int, float] = defaultdict(float)
    for score, i, j in candidates:
        best_a[i] = max(best_a[i], score)
        best_b[j] = max(best_b[j], score)
    chain = _heaviest_rising([(i, j, score - ORDER_FLOOR) for score, i, j in candidates])
    return {
        (i, j)
        for score, i, j in (candidates[k] for k in chain)
        if max(best_a[i], best_b[j]) - score < MOVE_MARGIN
    }


def _heaviest_rising(weighted: Sequence[tuple[int, int, float]]) -> list[int]:
    """Of weighted pairs ``(i, j, weight)``, the chain rising in ``i`` and in ``j`` whose
    weights add up to the most, as indexes into ``weighted`` (a Fenwick tree of the best
    chain ending below each j)."""
    if not weighted:
        return []
    size = max(j for _, j, _ in weighted) + 2
    tree_value = [0.0] * (size + 1)
    tree_at = [-1] * (size + 1)
    ordered = sorted(range(len(weighted)), key=lambda k: (weighted[k][0], weighted[k][1]))
    total = [0.0] * len(weighted)
    previous = [-1] * len(weighted)

    def best_below(j: int) -> tuple[float, int]:  # the best chain ending at a j' < j
        value, at, k = 0.0, -1, j  # tree positions 1..j hold j' = 0..j-1
        while k > 0:
            if tree_value[k] > value:
                value, at = tree_value[k], tree_at[k]
            k -= k & -k
        return value, at

    start = 0
    while start < len(ordered):  # one sentence of A at a time: its pairs chain nothing
        end = start
        while end < len(ordered) and weighted[ordered[end]][0] == weighted[ordered[start]][0]:
            end += 1
        for k in ordered[start:end]:
            _, j, weight = weighted[k]
            value, at = best_below(j)
            total[k], previous[k] = value + weight, at
        for k in ordered[start:end]:
            position = weighted[k][1] + 1
            while position <= size:
                if total[k] > tree_value[position]:
                    tree_value[position], tree_at[position] = total[k], k
                position += position & -position
        start = end
    k = max(range(len(weighted)), key=lambda n: total[n])
    chain: list[int] = []
    while k >= 0:
        chain.append(k)
        k = previous[k]
    return chain[::-1]


def _in_order_first(
    candidates: Sequence[tuple[float, int, int]], scale: float = 1.0
) -> Callable[[tuple[float, int, int]], tuple[float, bool, float, int, int]]:
    """The order in which candidate matches ``(score, i, j)`` are taken: the best first
    and, among equals (a sentence said twice: "She was 91." closing two obituaries),
    the one that keeps the order of the unambiguous matches around it (a sentence of A
    and one of B that match nothing else), so that a repeated sentence is not paired
    across the text and shown as moved; then the one nearest the same place in B
    (``i * scale``, ``scale`` being B's sentences per sentence of A): rows of a table
    that match nothing alone."""
    per_a = Counter(i for _, i, _ in candidates)
    per_b = Counter(j for _, _, j in candidates)
    anchors = sorted((i, j) for _, i, j in candidates if per_a[i] == 1 and per_b[j] == 1)
    kept = _increasing([j for _, j in anchors])
    at_a = [i for k, (i, _) in enumerate(anchors) if k in kept]
    at_b = [j for k, (_, j) in enumerate(anchors) if k in kept]

    def key(candidate: tuple[float, int, int]) -> tuple[float, bool, float, int, int]:
        score, i, j = candidate
        k = bisect_left(at_a, i)
        if k < len(at_a) and at_a[k] == i:
            in_order = at_b[k] == j
        else:
            after = at_b[k - 1] if k else -1
            before = at_b[k] if k < len(at_b) else j + 1
            in_order = after < j < before
        return (-score, not in_order, abs(j - i * scale), i, j)

    return key


def _increasing(values: Sequence[int]) -> set[int]:
    """Indexes into ``values`` of one longest strictly increasing subsequence."""
    tails: list[int] = []  # the smallest tail value of an increasing run of each length
    tail_at: list[int] = []  # where that tail stands in ``values``
    previous = [-1] * len(values)
    for k, value in enumerate(values):
        pos = bisect_left(tails, value)
        if pos == len(tails):
            tails.append(value)
            tail_at.append(k)
        else:
            tails[pos] = value
            tail_at[pos] = k
        previous[k] = tail_at[pos - 1] if pos else -1
    kept: set[int] = set()
    k = tail_at[-1] if tail_at else -1
    while k >= 0:
        kept.add(k)
        k = previous[k]
    return kept


def align(
    a: str,
    b: str,
    language: str | None = None,
    language_b: str | None = None,
    *,
    cancel: Callable[[], bool] | None = None,
) -> list[AlignedPair]:
    """Pair the sentences of two article texts for a side-by-side view.

    Returns the passages in reading order: A's order, with each sentence found only in
    B placed where it falls in B between its matched neighbours. A matched pair is
    ``same`` when the normalised words are equal, ``changed`` when they differ, and
    ``moved`` (whatever its words) when it is out of order relative to the other
    matches. Sentences still unmatched are then paired by lexical evidence
    (``analysis/paraphrase``: shared distinctive terms, names and numbers) as
    ``similar``, in or out of order; a similar pair in order places B's sentences around
    it as a word match does. ``similarity`` is 1.0 for ``same``, the word-level ratio for
    word matches, the weighted term overlap for ``similar`` and 0.0 for sentences of one
    side only.

    ``language`` is A's language (ISO 639-1) and ``language_b`` B's (A's when None), for
    stop words and stemming.
    """
    if _unpunctuated(a) or _unpunctuated(b):
        # One text has no sentences to pair with: both are cut where their words say,
        # so the same words meet in the same passages (an OCR text and the web page).
        sa, sb = _run_passages(a), _run_passages(b)
    else:
        sa, sb = split_sentences(a), split_sentences(b)
    wa, wb = [words(s) for s in sa], [words(s) for s in sb]
    spans = _join(wa, wb, *_matches(wa, wb, cancel))
    used_a = {n for a0, a1, _, _, _ in spans for n in range(a0, a1 + 1)}
    used_b = {n for _, _, b0, b1, _ in spans for n in range(b0, b1 + 1)}
    shared: dict[int, tuple[str, ...]] = {}
    similar: set[int] = set()
    if len(used_a) < len(sa) and len(used_b) < len(sb):
        rest_a = [i for i in range(len(sa)) if i not in used_a]
        rest_b = [j for j in range(len(sb)) if j not in used_b]
        found = similar_candidates(
            [sa[i] for i in rest_a],
            [sb[j] for j in rest_b],
            language,
            language_b if language_b is not None else language,
            cancel=cancel,
        )
        for candidate in found:
            i, j = rest_a[candidate.i], rest_b[candidate.j]
            if i in used_a or j in used_b:
                continue
            used_a.add(i)
            used_b.add(j)
            spans.append((i, i, j, j, candidate.score))
            shared[i] = candidate.shared
            similar.add(i)
    spans.sort()
    partner = {span[0]: span for span in spans}
    in_order = _increasing([span[2] for span in spans])
    anchored = {spans[k][0] for k in in_order}

    pairs: list[AlignedPair] = []
    next_b = 0  # B sentences before this one have been placed

    def flush_b(upto: int) -> None:
        nonlocal next_b
        for j in range(next_b, upto):
            if j not in used_b:
                pairs.append(AlignedPair("only_b", None, sb[j], 0.0))
        next_b = max(next_b, upto)

    for i, sentence in enumerate(sa):
        if i not in used_a:
            pairs.append(AlignedPair("only_a", sentence, None, 0.0))
            continue
        if i not in partner:
            continue  # joined to the passage of a sentence before it
        a0, a1, b0, b1, score = partner[i]
        text_a = _run_together(sa[a0 : a1 + 1])
        text_b = _run_together(sb[b0 : b1 + 1])
        if i in anchored:
            flush_b(b0)
            next_b = b1 + 1
        if i in similar:
            pairs.append(AlignedPair("similar", text_a, text_b, score, shared[i]))
        elif i not in anchored:
            pairs.append(AlignedPair("moved", text_a, text_b, score))
        elif _words_of(wa, a0, a1) == _words_of(wb, b0, b1):
            pairs.append(AlignedPair("same", text_a, text_b, 1.0))
        else:
            pairs.append(AlignedPair("changed", text_a, text_b, score))
    flush_b(len(sb))
    return pairs


# Marks after which Chinese and Japanese go on without a space.
_CLOSE_UP = "。！？」』）"


def _run_together(sentences: Sequence[str]) -> str:
    """Sentences of one passage as one text: a space between them, none after a
    Chinese or Japanese full stop (the text has none there)."""
    text = sentences[0]
    for sentence in sentences[1:]:
        text += sentence if text.endswith(tuple(_CLOSE_UP)) else " " + sentence
    return text


def _words_of(sentences: Sequence[Sequence[str]], first: int, last: int) -> list[str]:
    """The words of sentences ``first`` to ``last``, run together."""
    return [w for n in range(first, last + 1) for w in sentences[n]]


def word_diff(a: str, b: str, spelling: Literal["a", "b"] = "a") -> list[tuple[str, str]]:
    """The word runs of two sentences: ``("same"|"removed"|"added", words)``.

    Words are compared normalised (case, accents and punctuation around them ignored) and
    shown as written: a ``same`` run as ``spelling`` writes it (B's pane shows B's full
    stops and capitals, not A's). Runs are joined with single spaces.
    """
    ta, tb = _TOKEN.findall(a), _TOKEN.findall(b)
    ka = [" ".join(words(t)) or t for t in ta]
    kb = [" ".join(words(t)) or t for t in tb]
    runs: list[tuple[str, str]] = []
    matcher = SequenceMatcher(None, ka, kb, autojunk=False)
    for op, i1, i2, j1, j2 in matcher.get_opcodes():
        if op == "equal":
            runs.append(("same", " ".join(ta[i1:i2] if spelling == "a" else tb[j1:j2])))
            continue
        if i2 > i1:
            runs.append(("removed", " ".join(ta[i1:i2])))
        if j2 > j1:
            runs.append(("added", " ".join(tb[j1:j2])))
    return runs


#: How much a ``similar`` passage counts towards the text in common, against 1 for the
#: same words: it tells the same fact, but not in the same words, so it is half in common.
SIMILAR_WEIGHT = 0.5


def shared_share(pairs: Iterable[AlignedPair]) -> float:
    """The share of text two clippings have in common, 0..1.

    Every passage counts with its words (a pair with the words of both sides); the
    matched passages (``same``, ``changed``, ``moved``) count towards the share weighted
    by their similarity, ``similar`` ones by ``SIMILAR_WEIGHT``. Identical texts give
    1.0, texts with no sentence in common 0.0.
    """
    return _weighted_share(pairs, ("a", "b"))


def side_share(pairs: Iterable[AlignedPair], side: Literal["a", "b"]) -> float:
    """The share of one text's words that the other has, 0..1: ``shared_share`` counted
    on that side alone. A text that is the start of the other has all of its words in
    it while the two have far less in common (a duplicate that the comparison shows
    at 57%: that figure counts both texts)."""
    return _weighted_share(pairs, (side,))


def _weighted_share(pairs: Iterable[AlignedPair], sides: Sequence[Literal["a", "b"]]) -> float:
    """The words of these sides in matched passages (weighted by their similarity,
    ``similar`` ones by ``SIMILAR_WEIGHT``) over all their words."""
    common = 0.0
    total = 0
    for pair in pairs:
        size = sum(len(words((pair.a if side == "a" else pair.b) or "")) for side in sides)
        total += size
        if pair.kind in ("same", "changed", "moved"):
            common += size * pair.similarity
        elif pair.kind == "similar":
            common += size * SIMILAR_WEIGHT
    return common / total if total else 0.0


def aligned_share(pairs: Iterable[AlignedPair]) -> float:
    """The share of passages, over both texts, that have a partner in the other text.

    A pair counts two passages (one of each text), a passage of one side only one.
    """
    aligned = total = 0
    for pair in pairs:
        count = (pair.a is not None) + (pair.b is not None)
        total += count
        if pair.kind in ("same", "changed", "moved", "similar"):
            aligned += count
    return aligned / total if total else 0.0
