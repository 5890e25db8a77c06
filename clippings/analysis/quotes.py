"""Direct quotations in a clipping's text and who said them.

``extract_quotes`` finds quotations between quote marks (straight ``"…"``, typographic
``“…”``, British ``‘…’`` when they open before a word, French ``«…»``, German ``„…“``
and ``»…«``, and the spaced forms of tokenised texts such as ECB+'s ``“ It ’ s ”``).
Straight single quotes (``'``) are left alone: they are apostrophes far more often.
A quotation never crosses a paragraph (blank line); one left open at a paragraph's end
runs to that end when the next paragraph opens a quote again (the newspaper convention
for a quotation over several paragraphs).

Scare quotes are not quotations: a quotation has at least four words, or is a short
sentence of its own ("No," he said) with an attribution right beside it.

Speakers are found by ``clippings.analysis.attribution`` (see its docstring for the
order in which they are looked for and the speaker rule).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, replace
from difflib import SequenceMatcher

from clippings.analysis.align import sentence_spans, words
from clippings.analysis.attribution import (
    VERB,
    attribute_after,
    attribute_before,
    find_people,
    name_key,
    reporter,
)
from clippings.analysis.paraphrase import stop_if
from clippings.model import Quote

# A speech verb ending the text before a quotation ("He said: ..."), compiled once.
_VERB_AT_END = re.compile(rf"{VERB}\s*[,:]?\s*$")


def _wordset(words: str) -> frozenset[str]:
    """A set of words written as one whitespace-separated string (easier to read)."""
    return frozenset(words.split())


# --- Quote marks ----------------------------------------------------------------------

_MARKS = re.compile(r"[\"“”„«»‘’]")
_CLOSERS: dict[str, str] = {
    '"': '"',
    "“": "”“",
    "„": "“”",
    "«": "»",
    "»": "«",
    "‘": "’",
}
_OPEN_CONTEXT = "([{—–-:/\u00a0"
_CLOSE_CONTEXT = ".,;:!?)]}—–-…’'"
_PARAGRAPH = re.compile(r"\n[ \t]*\n")
_MAX_QUOTE = 2500
_MIN_WORDS = 4


def _after_open_context(text: str, i: int) -> bool:
    return i == 0 or text[i - 1].isspace() or text[i - 1] in _OPEN_CONTEXT


def _opener_only(text: str, i: int) -> bool:
    """A mark that can only open: after a space, straight before a word (` "It`)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return _after_open_context(text, i) and (nxt.isalnum() or nxt in "‘'(…[")


def _closer_only(text: str, i: int) -> bool:
    """A mark that can only close: straight after a word, before a space (`it," `)."""
    nxt = text[i + 1] if i + 1 < len(text) else " "
    return not _after_open_context(text, i) and (nxt.isspace() or nxt in _CLOSE_CONTEXT)


@dataclass
class _Span:
    open: int  # the opening mark
    start: int  # the quoted words
    end: int
    close: int  # just after the closing mark (the paragraph's end when continued)
    continued: bool = False
    speaker: str | None = None
    direct: bool = False  # an attribution stands right beside it


def _paragraph_ends(text: str) -> list[tuple[int, int]]:
    ends = [(m.start(), m.end()) for m in _PARAGRAPH.finditer(text)]
    ends.append((len(text), len(text)))
    return ends


def _quote_spans(text: str) -> list[_Span]:
    marks = [m.start() for m in _MARKS.finditer(text)]
    paragraphs = _paragraph_ends(text)
    spans: list[_Span] = []
    k = 0
    para = 0
    while k < len(marks):
        i = marks[k]
        while paragraphs[para][1] <= i and para < len(paragraphs) - 1:
            para += 1
        para_end = paragraphs[para][0]
        ch = text[i]
        opens = ch in _CLOSERS and not _closer_only(text, i)
        if ch in "»‘":
            opens = _opener_only(text, i)
        if not opens:
            k += 1
            continue
        closers = _CLOSERS[ch]
        found = -1
        restart = -1
        for m in range(k + 1, len(marks)):
            j = marks[m]
            if j >= para_end or j - i > _MAX_QUOTE:
                break
            c = text[j]
            if c not in closers:
                continue
            if ch == "‘" and (text[j - 1].isspace() or not _closer_only(text, j)):
                continue
            spaced_close = text[j - 1] == " " and text[j - 2 : j - 1] in tuple(",.!?…")
            if (
                c in '"“'
                and _opener_only(text, j)
                and not spaced_close  # ECB+'s 'delivers, "said'
                and not (ch == "„" and c == "“")
            ):
                restart = m  # a clear opener: the mark at ``i`` was a stray one
                break
            found = m
            break
        if found >= 0:
            j = marks[found]
            spans.append(_trimmed(text, i, i + 1, j, j + 1))
            k = found + 1
            continue
        if restart >= 0:
            k = restart
            continue
        across = _closed_in_next_paragraph(text, marks, k, closers, paragraphs, para)
        if across >= 0:
            j = marks[across]
            spans.append(_trimmed(text, i, i + 1, j, j + 1))
            k = across + 1
            continue
        next_para = paragraphs[para][1]
        if para_end < len(text) and text[next_para : next_para + 1] == ch and para_end - i < 2000:
            spans.append(_trimmed(text, i, i + 1, para_end, para_end, continued=True))
        k += 1
    return [s for s in spans if s.end > s.start]


def _closed_in_next_paragraph(
    text: str,
    marks: list[int],
    k: int,
    closers: str,
    paragraphs: list[tuple[int, int]],
    para: int,
) -> int:
    """The index in ``marks`` of the mark that closes the quotation opened at
    ``marks[k]`` in the next paragraph, or -1: a quotation of two paragraphs whose second
    does not open again ("And she showed up … hated it. / She is interested … there." ,
    people.com). Only when that paragraph's first mark is such a closer that cannot
    open, the next paragraph does not begin with a mark of its own (the usual way to go
    on: that is a ``continued`` quotation), and the whole is no longer than a
    quotation may be."""
    if para + 1 >= len(paragraphs):
        return -1
    start, end = paragraphs[para][1], paragraphs[para + 1][0]
    if text[start : start + 1] in _CLOSERS:
        return -1
    for m in range(k + 1, len(marks)):
        j = marks[m]
        if j < start:
            continue
        if j >= end or j - marks[k] > _MAX_QUOTE:
            return -1
        if text[j] not in closers or _opener_only(text, j):
            return -1
        spaced = text[j - 1] == " " and text[j - 2 : j - 1] in tuple(",.!?…")
        return m if _closer_only(text, j) or spaced else -1
    return -1


def _trimmed(
    text: str, mark: int, start: int, end: int, close: int, *, continued: bool = False
) -> _Span:
    while start < end and text[start].isspace():
        start += 1
    while end > start and (text[end - 1].isspace() or text[end - 1] == ","):
        end -= 1
    return _Span(mark, start, end, close, continued)


def _content_words(text: str) -> list[str]:
    return re.findall(r"[^\W\d_]+(?:[\-'’][^\W\d_]+)*", text)


_MINOR = _wordset("a an the of and or in on at to for from by with de la le")


def _looks_like_title(words_: list[str]) -> bool:
    """A quoted title ("X-Men Origins: Wolverine", "The Boy from Oz"): most words capitalised."""
    major = [w for w in words_ if w.lower() not in _MINOR]
    return bool(major) and sum(w[0].isupper() for w in major) >= 0.75 * len(major)


def extract_quotes(text: str) -> list[Quote]:
    """The direct quotations of a clipping's text, in order, with their speakers.

    Each ``Quote`` holds the quoted words with whitespace runs collapsed to one space;
    ``text[quote.start:quote.end]`` is the same words as written (inside the marks,
    without a trailing comma). See the module docstring for what counts as a quotation
    and how the speaker is found.
    """
    spans = _quote_spans(text)
    if not spans:
        return []
    sentences = sentence_spans(text)
    if not sentences:  # marks around symbols alone ("★★★"): no words, nothing said
        return []
    starts = [s for s, _ in sentences]
    people = find_people(text)
    paragraphs = _paragraph_ends(text)

    def sentence_at(pos: int) -> int:
        lo, hi = 0, len(starts)
        while lo < hi:
            mid = (lo + hi) // 2
            if starts[mid] <= pos:
                lo = mid + 1
            else:
                hi = mid
        return max(lo - 1, 0)

    def paragraph_of(pos: int) -> int:
        return next(n for n, (end, _) in enumerate(paragraphs) if pos <= end)

    for n, span in enumerate(spans):
        previous = spans[n - 1] if n else None
        following = spans[n + 1] if n + 1 < len(spans) else None
        s_open = sentence_at(span.open)
        begin = max(sentences[s_open][0], previous.close if previous else 0)
        before = text[begin : span.open]
        s_close = sentence_at(max(span.close - 1, 0))
        stop = sentences[s_close][1] if s_close < len(sentences) else len(text)
        if stop <= span.close:
            stop = span.close
        if following:
            stop = min(stop, following.open)
        after = "" if span.continued else text[span.close : stop]
        speaker = attribute_after(after, span.close, people)
        span.direct = speaker is not None or bool(_VERB_AT_END.search(before))
        if speaker is None and before.strip():
            s_begin = sentences[s_open][0]
            sentence = text[s_begin : span.open]
            speaker = attribute_before(before, begin, sentence, s_begin, people)
        if (
            speaker is None
            and previous is not None
            and previous.speaker is not None
            and sentence_at(previous.open) == s_open
        ):
            speaker = previous.speaker
        if speaker is None and not before.strip() and s_open > 0:
            s_start, s_end = sentences[s_open - 1]
            if paragraph_of(s_start) == paragraph_of(span.open):
                if (
                    previous is not None
                    and previous.close > s_start
                    and previous.speaker is not None
                ):
                    speaker = previous.speaker
                else:
                    speaker = reporter(text[s_start:s_end], s_start, people)
        span.speaker = speaker
    # Step 5: borrow from the quotation that follows at once.
    for n in range(len(spans) - 2, -1, -1):
        span, following = spans[n], spans[n + 1]
        if span.speaker is not None or not following.speaker:
            continue
        between = text[span.close : following.open]
        if span.continued or (
            not between.strip() and paragraph_of(span.close) == paragraph_of(following.open)
        ):
            span.speaker = following.speaker

    quotes: list[Quote] = []
    for span in spans:
        content = text[span.start : span.end]
        found = _content_words(content)
        count = len(found)
        if len(found) < 16 and _looks_like_title(found):
            continue
        if count < _MIN_WORDS:
            first = content.lstrip("…. ")[:1]
            if not (span.direct and first.isupper() and count >= 1):
                continue
        speaker = span.speaker or None  # ``UNNAMED``: said by someone the text names not
        quotes.append(Quote(" ".join(content.split()), speaker, span.start, span.end))
    return quotes


def speaker_key(name: str) -> str:
    """The search key of a speaker: the last name, lowercase, accents folded.

    ``speaker_key("Anatoly Antonov") == "antonov"``; for joint speakers ("Zadan and
    Meron") the last person's name.
    """
    return name_key(name.split(" and ")[-1]) if name else ""


#: Two quotations are the same when their words are this alike (or one holds the other).
QUOTE_SIMILARITY = 0.8
#: ... or when this share of the shorter one's words stand in the longer one in the same
#: order: an outlet that cut the quotation differently, left out a word or put "[the]" in.
QUOTE_IN_ORDER = 0.8


def _in_order(short: list[str], long: list[str]) -> int:
    """How many words of ``short`` stand in ``long`` in the same order (difflib's
    matching blocks: a longest common subsequence in practice)."""
    matcher = SequenceMatcher(None, short, long, autojunk=False)
    return sum(block.size for block in matcher.get_matching_blocks())


def _enough_in_common(a: Counter[str], b: Counter[str]) -> bool:
    """Whether two quotations (their words counted) share the words each test of
    ``_same_quote`` needs at least: most pairs of a long report's quotations are told
    apart by counting, without difflib."""
    common = sum((a & b).values())
    size_a, size_b = a.total(), b.total()
    return common >= QUOTE_IN_ORDER * min(size_a, size_b) or 2 * common >= QUOTE_SIMILARITY * (
        size_a + size_b
    )


def _same_quote(a: list[str], b: list[str]) -> bool:
    """Whether two quotations' words are one quotation (``compare_quotes`` has passed
    over the pairs without ``_enough_in_common`` words first)."""
    if not a or not b:
        return False
    if a == b:
        return True
    short, long = (a, b) if len(a) <= len(b) else (b, a)
    if len(short) >= _MIN_WORDS:
        joined = " " + " ".join(long) + " "
        if " " + " ".join(short) + " " in joined:
            return True
        if _in_order(short, long) >= QUOTE_IN_ORDER * len(short):
            return True
    return SequenceMatcher(None, a, b, autojunk=False).ratio() >= QUOTE_SIMILARITY


def _same_speaker(a: str | None, b: str | None) -> bool:
    """The same person by last name, or a speaker one of the two texts does not name."""
    return not a or not b or speaker_key(a) == speaker_key(b)


def _stands_in(text: list[str]) -> Callable[[list[str]], bool]:
    """Whether a quotation's words stand in ``text`` in one run (``QUOTE_IN_ORDER`` of
    them at least): the other outlet carries the same words without quotation marks
    that could be read (an unclosed quotation, a block quote).

    A run that long holds one of the quotation's stretches of that many words, so each
    stretch is looked for in the text as a string (a search in C): asking difflib for
    the longest common run against a 100-page report took seconds a quotation."""
    joined = " " + " ".join(text) + " "

    def stands(quote: list[str]) -> bool:
        if len(quote) < _MIN_WORDS or not text:
            return False
        run = math.ceil(QUOTE_IN_ORDER * len(quote))
        return any(
            " " + " ".join(quote[k : k + run]) + " " in joined for k in range(len(quote) - run + 1)
        )

    return stands


def compare_quotes(
    a: list[Quote],
    b: list[Quote],
    text_a: str = "",
    text_b: str = "",
    *,
    cancel: Callable[[], bool] | None = None,
) -> dict[str, list[Quote]]:
    """The quotations two clippings share and those only one carries.

    Returns ``{"both": [...A's quotes found in B], "only_a": [...], "only_b": [...]}``
    (a quotation in both whose speaker A leaves unnamed carries the one B names).
    A quotation is found in the other clipping when the same speaker says it (by last
    name; a quotation whose speaker one text leaves unnamed matches any) and the words
    agree, compared normalised (case, accents and punctuation ignored): at least
    ``QUOTE_SIMILARITY`` alike (difflib ratio), or one contains the other, or at least
    ``QUOTE_IN_ORDER`` of the shorter one's words stand in the longer in order (so a
    quotation one outlet cut short, split with "he said", or trimmed of a word still
    counts). Given the texts (``text_a``, ``text_b``), a quotation is also found in the
    other when its words stand there in one run though no quotation was read there
    (``_stands_in``); one of B's found so is listed under "both" too.
    """
    wa = [words(q.text) for q in a]
    wb = [words(q.text) for q in b]
    counts_b = [Counter(qb) for qb in wb]
    in_a, in_b = _stands_in(words(text_a)), _stands_in(words(text_b))
    matched_b: set[int] = set()
    both: list[Quote] = []
    only_a: list[Quote] = []
    for n, (quote, qa) in enumerate(zip(a, wa, strict=True)):
        if n % 64 == 0:
            stop_if(cancel)
        counted = Counter(qa)
        hits = [
            j
            for j, qb in enumerate(wb)
            if _same_speaker(quote.speaker, b[j].speaker)
            and _enough_in_common(counted, counts_b[j])
            and _same_quote(qa, qb)
        ]
        matched_b.update(hits)
        if quote.speaker is None:
            # The speaker the other text names, where this one leaves it unnamed.
            named = next((b[j].speaker for j in hits if b[j].speaker), None)
            quote = replace(quote, speaker=named) if named else quote
        (both if hits or in_b(qa) else only_a).append(quote)
    only_b: list[Quote] = []
    for j, quote in enumerate(b):
        if j in matched_b:
            continue
        (both if in_a(wb[j]) else only_b).append(quote)
    return {"both": both, "only_a": only_a, "only_b": only_b}
