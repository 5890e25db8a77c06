"""Quotations and their speakers, on the seed clipping, ECB+ texts and small made-up cases."""

from __future__ import annotations

from pathlib import Path

import pytest

from clippings.analysis.attribution import find_people
from clippings.analysis.quotes import compare_quotes, extract_quotes, speaker_key
from clippings.importers import extract
from clippings.model import Quote


def _seed_text(seed: Path) -> str:
    # The first three lines are the site's interface words, not article text.
    return "\n".join(seed.read_text(encoding="utf-8").splitlines()[3:])


def _by_start(quotes: list[Quote], beginning: str) -> Quote:
    found = [q for q in quotes if q.text.startswith(beginning)]
    assert len(found) == 1, (beginning, [q.text[:40] for q in quotes])
    return found[0]


@pytest.fixture
def seed_quotes(seed: Path) -> tuple[str, list[Quote]]:
    text = _seed_text(seed)
    return text, extract_quotes(text)


def test_seed_quotes_of_antonov_are_his(seed_quotes: tuple[str, list[Quote]]) -> None:
    _, quotes = seed_quotes
    # "…," Antonov said / "…," he said / "…," the diplomat indicated / after "Antonov noted"
    for beginning in (
        "It would probably be hasty",
        "We are trying to get to a situation",
        "It's obvious to me",
        "At the same time, they have assumed",
    ):
        assert speaker_key(_by_start(quotes, beginning).speaker or "") == "antonov", beginning
    assert _by_start(quotes, "It would probably").speaker == "Anatoly Antonov"


def test_seed_quotes_of_putin_are_his(seed_quotes: tuple[str, list[Quote]]) -> None:
    _, quotes = seed_quotes
    assert _by_start(quotes, "generally spoke the same language").speaker == "Vladimir Putin"
    assert _by_start(quotes, "allowed to work in peace").speaker == "Vladimir Putin"


def test_seed_scare_quotes_are_not_quotations(seed_quotes: tuple[str, list[Quote]]) -> None:
    _, quotes = seed_quotes
    texts = [q.text.rstrip(".,") for q in quotes]
    for scare in ("human rights", "no's", "impolite silence"):
        assert scare not in texts
    assert len(quotes) == 7


def test_offsets_point_at_the_quoted_words(seed_quotes: tuple[str, list[Quote]]) -> None:
    text, quotes = seed_quotes
    for quote in quotes:
        assert " ".join(text[quote.start : quote.end].split()) == quote.text
    assert quotes == sorted(quotes, key=lambda q: q.start)


def test_guillemets_and_german_quotes() -> None:
    french = "« Nous ne céderons jamais sur ce point essentiel », a déclaré Emmanuel Macron."
    german = "Kanzler Olaf Scholz sagte: „Wir werden die Ukraine weiter unterstützen.“"
    [fr] = extract_quotes(french)
    [de] = extract_quotes(german)
    assert fr.text == "Nous ne céderons jamais sur ce point essentiel"
    assert fr.speaker == "Emmanuel Macron"
    assert de.text == "Wir werden die Ukraine weiter unterstützen."
    assert de.speaker == "Olaf Scholz"
    assert speaker_key("Émile Zola") == "zola"


def test_according_to_and_role_nouns() -> None:
    text = (
        "Foreign Minister Sergei Lavrov met his counterpart on Monday. "
        'According to Lavrov, the talks "went better than anyone in this room expected."\n\n'
        "Later the spokeswoman, Maria Zakharova, spoke to reporters. "
        '"We will not accept any ultimatum from anyone," the minister said.'
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Sergei Lavrov", "Sergei Lavrov"]


def test_she_said_goes_to_the_woman_named_before_not_an_earlier_man() -> None:
    # "Councillor" and "..., who chairs" make Mara Quill a person, so "she said" is hers.
    text = (
        '"The water was at the railings," said Tom Ashby, a delivery driver.\n\n'
        "Councillor Mara Quill, who chairs the roads committee, visited the site. "
        '"Our first duty is to the people of the valley," she said.\n\n'
        "Ines Varga, who runs the ferry, was busy all night. "
        '"We carried two hundred people across," she said.'
    )
    quotes = extract_quotes(text)
    assert [q.speaker for q in quotes] == ["Tom Ashby", "Mara Quill", "Ines Varga"]


def test_a_quote_with_no_speaker() -> None:
    text = 'The banner over the square read "we will not be moved by anyone at all" in red.'
    [quote] = extract_quotes(text)
    assert quote.speaker is None
    assert quote.text == "we will not be moved by anyone at all"


def test_split_quotation_keeps_its_speaker() -> None:
    text = '"We are ready to talk," Antonov said, "but not under pressure from anyone."'
    first, second = extract_quotes(text)
    assert (first.speaker, second.speaker) == ("Antonov", "Antonov")
    assert second.text == "but not under pressure from anyone."


def test_ecbplus_spaced_quotes(corpus: Path) -> None:
    text = (corpus / "ecbplus/text/2/2_1ecbplus.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    tweet = _by_start(quotes, "It ’ s official")
    # Closed, in this text, by a wrongly turned “ on the next line.
    assert tweet.text.endswith("there goes the orchestra")
    assert tweet.speaker == "Ellen DeGeneres"
    assert _by_start(quotes, "It is an honor").speaker == "Paul Lee"


def test_a_last_name_that_is_a_role_word_and_an_age_before_the_verb(corpus: Path) -> None:
    # Tishana King's account of the Kimani Gray shooting: "King" was read as a title of
    # nobody, and her quotes went to the Daily News she spoke to.
    text = (corpus / "ecbplus/text/19/19_4ecbplus.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    assert _by_start(quotes, "Kimani started backing up").speaker == "Tishana King"
    assert _by_start(quotes, "I ’ m certain he didn").speaker == "Tishana King"
    # "“…,” Makaeo Williams, 18, said": his words, not the last speaker's, nor those of
    # Jumaane Williams, whom the report quotes later.
    text = (corpus / "ecbplus/text/19/19_3ecbplus.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    assert _by_start(quotes, "They didn ’ t have to kill him").speaker == "Makaeo Williams"
    assert _by_start(quotes, "Please stay the HELL out").speaker == "Jumaane Williams"


def test_she_said_goes_to_the_woman_the_text_speaks_of(corpus: Path) -> None:
    # "King said … Gray appeared to be cornered by the cops. “His (Gray’s) hands were
    # down,” she said.": the teen was named last, but "Gray … his hands" says he is no
    # "she", and "King says she saw" says who is.
    text = (corpus / "ecbplus/text/19/19_4ecbplus.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    assert _by_start(quotes, "His (Gray ’ s) hands were down").speaker == "Tishana King"
    assert _by_start(quotes, "I couldn ’ t believe he let off").speaker == "Tishana King"
    assert "Gray" not in {q.speaker for q in quotes}
    # "the witness told detectives she couldn’t see … “from the angle I was at.”": the
    # witness is no one named; not the young man quoted before.
    text = (corpus / "ecbplus/text/19/19_3ecbplus.txt").read_text(encoding="utf-8")
    assert _by_start(extract_quotes(text), "from the angle I was at").speaker is None


def test_a_quotation_of_someone_unnamed_borrows_no_speaker(corpus: Path) -> None:
    # “This is a sad day for the Kraft Foods family,” the company said in a statement,
    # after a worker's quotations: the company's words, not the worker's.
    text = (corpus / "ecbplus/text/22/22_2ecbplus.txt").read_text(encoding="utf-8")
    quotes = extract_quotes(text)
    assert _by_start(quotes, "I heard the gunfire").speaker == "Andy Ryan"
    assert _by_start(quotes, "This is a sad day").speaker is None
    assert _by_start(quotes, "Our thoughts and prayers").speaker is None
    text = (
        "Reporters waited outside the court for hours. Judge Ana Ortiz left at noon.\n\n"
        "At a press conference, a reporter asked Ortiz, “What do you see as the biggest"
        " problem?” She did not answer.\n\n“We are reviewing the case,” a spokesman said."
    )
    quotes = extract_quotes(text)
    assert _by_start(quotes, "What do you see").speaker is None
    assert _by_start(quotes, "We are reviewing").speaker is None


def test_an_object_pronoun_after_a_name_is_someone_else() -> None:
    # "Rothman reached out to her": Rothman is not the woman; his "he said" stays his.
    text = (
        "Ellen Fetter said she ran the computer for years. Daniel Rothman said the paper"
        " mattered. Rothman reached out to her, and she agreed to talk.\n\n“It was one of"
        " the most important papers,” he said."
    )
    [quote] = extract_quotes(text)
    assert quote.speaker == "Daniel Rothman"
    # "then for some reason adds" names no one unnamed: the speaker is the one before.
    text = (
        "Hadvar says the bear is gone. Hadvar suggests we head to Riverwood,"
        " then for some reason adds, “It is probably best if we split up.”"
    )
    [quote] = extract_quotes(text)
    assert quote.speaker == "Hadvar"


def test_a_word_opening_a_quotation_is_no_person_and_a_lead_in_names_the_speaker() -> None:
    text = (
        '"We cannot let people walk on it," said Mayor Helen Marsh.\n\nCouncillor Priya'
        ' Anand voted against it. "This pier is the livelihood of forty families," she'
        " said.\n\nMarsh replied that the town would offer grants to the stall owners."
        ' "Nobody will be left alone," she said.\n\nAnand was not convinced. "The company'
        ' has promised us repairs for ten years."'
    )
    quotes = extract_quotes(text)
    # "the stall owners. "Nobody": a role word before a sentence's end is no one's title.
    assert _by_start(quotes, "Nobody will be left alone").speaker == "Helen Marsh"
    # A short sentence that opens with a person leads in to the words after it.
    assert _by_start(quotes, "The company has promised").speaker == "Priya Anand"


def test_german_and_french_speakers() -> None:
    # Roles in German and French ("Bürgermeisterin", "Le maire"), read with their accents
    # (a role with one never matched), "sagte er" and "a-t-il déclaré".
    german = (
        "„Diese Straße wird den Ortskern befreien“, sagte Bürgermeisterin Sabine Krüger.\n\n"
        "Gemeinderat Jürgen Albers stimmte dagegen. „Wir zerstören damit den Auwald“, sagte"
        " er.\n\n„Das stimmt so nicht“, widersprach Albers."
    )
    assert [q.speaker for q in extract_quotes(german)] == [
        "Sabine Krüger",
        "Jürgen Albers",
        "Jürgen Albers",
    ]
    french = (
        "Le maire, Luc Fabre, a appelé au calme. « Je demande à chacun de garder la tête"
        " froide », a-t-il déclaré.\n\nUne ouvrière, Nadia Benali, travaille ici depuis"
        " vingt ans. « J'ai tout donné à cette entreprise », a-t-elle dit.\n\n"
        "Le directeur du site, Philippe Dumont, a défendu le plan. « Sans ces mesures,"
        " l'usine disparaîtrait », a-t-il affirmé."
    )
    assert [q.speaker for q in extract_quotes(french)] == [
        "Luc Fabre",
        "Nadia Benali",
        "Philippe Dumont",  # a role set before the name with what it is of
    ]


def test_a_name_does_not_run_on_across_a_sentence_s_end() -> None:
    # "… with pens. Deniz Yücel said": the speaker was "Kugelschreibern. Deniz Yücel".
    text = (
        "Die Zelle war voller Kugelschreibern. Deniz Yücel sagte: „Ich wurde eingesperrt,"
        " weil ich meinen Job gemacht habe.“"
    )
    [quote] = extract_quotes(text)
    assert quote.speaker == "Deniz Yücel"
    text = '"I will not resign," Gov. J. R. Palin said.'
    assert extract_quotes(text)[0].speaker == "J. R. Palin"


def test_english_pronouns_tell_nothing_in_german() -> None:
    # "her" is a German word ("von weit her"): it made the company a woman, and "sagte
    # er" then went past it to whoever came before.
    text = (
        "Der Konzern Rheinmetall sagte, die Daten kamen von weit her. Rheinmetall sagte"
        " nichts weiter."
    )
    assert {p.gender for p in find_people(text).persons.values()} == {""}
    english = "Rheinmetall said the data came from her office. Rheinmetall said no more."
    assert {p.gender for p in find_people(english).persons.values()} == {"f"}


def test_a_quotation_of_two_paragraphs_that_does_not_open_again(corpus: Path) -> None:
    # people.com: '"And she showed up [at Morningside Recovery] in the morning and hated
    # it. / She is interested in going back to Betty Ford because she knows everyone
    # there. "' The second paragraph does not open again, so the quotation went unseen,
    # and the comparison said this report quoted no one. (Read as an import reads it:
    # each of ECB+'s lines a paragraph.)
    path = corpus / "ecbplus/text/1/1_14ecbplus.txt"
    text = extract(path.read_bytes(), path.name).text
    quote = _by_start(extract_quotes(text), "And she showed up")
    assert quote.text.endswith("because she knows everyone there.")
    # A paragraph that opens again is the usual way to go on: two quotations, the
    # first continued to its paragraph's end.
    text = (
        '"We were completing some passes but were down early," Manning said.\n\n'
        '"The crowd were into it tonight.\n\n"It has been a very different season."'
    )
    assert [q.text for q in extract_quotes(text)][1:] == [
        "The crowd were into it tonight.",
        "It has been a very different season.",
    ]


def test_compare_quotes_finds_the_shared_one(corpus: Path) -> None:
    a = extract_quotes((corpus / "ecbplus/text/2/2_2ecbplus.txt").read_text(encoding="utf-8"))
    b = extract_quotes((corpus / "ecbplus/text/2/2_1ecbplus.txt").read_text(encoding="utf-8"))
    result = compare_quotes(a, b)
    both = [q.text for q in result["both"]]
    # CNN splits the tweet in two, Deadline keeps it whole (in ECB+ spacing): both count.
    assert "It's official: I'm hosting the #Oscars!" in both
    assert any(q.text.startswith("I am so excited") for q in result["both"])
    assert any(q.text.startswith("We are thrilled") for q in result["only_b"])
    assert result["only_a"] == []
    assert all(q in a for q in result["both"])


def test_compare_quotes_on_made_up_texts() -> None:
    a = extract_quotes(
        '"The talks were useful and frank," Lavrov said. "We need more time to agree," he added.'
    )
    b = extract_quotes(
        'Lavrov told reporters: "The talks were useful and frank, we agreed on little."'
    )
    result = compare_quotes(a, b)
    assert [q.text for q in result["both"]] == ["The talks were useful and frank"]
    assert [q.text for q in result["only_a"]] == ["We need more time to agree"]
    assert result["only_b"] == []


def test_that_said_before_a_quote_is_no_speaker():
    """ "That said" is a turn of phrase, not a role noun: no speaker, and no crash."""
    from clippings.analysis.quotes import extract_quotes

    quotes = extract_quotes('That said, "we will keep working on this for many weeks to come."')
    assert [q.speaker for q in quotes] == [None]


def test_compare_quotes_across_punctuation_case_and_cut() -> None:
    """The same words of the same speaker, punctuated, capitalised and cut differently
    by two outlets, are quoted in both; the same words from someone else are not."""
    a = extract_quotes(
        '"She is interested in going back to Betty Ford, because she knows everyone there," '
        "Steve Honig told People. "
        '"The actress will stay for three months -- at least," Honig added.'
    )
    b = extract_quotes(
        'Steve Honig told reporters: "she is interested in going back to Betty Ford because '
        'she knows everyone." '
        'Shawn Holley told reporters: "The actress will stay for three months at least."'
    )
    assert [q.speaker for q in a] == ["Steve Honig", "Steve Honig"]
    assert [q.speaker for q in b] == ["Steve Honig", "Shawn Holley"]
    result = compare_quotes(a, b)
    # Cut before "there", a comma fewer, lowercase: still Honig's quotation.
    assert [q.text for q in result["both"]] == [a[0].text]
    # The same words, but Holley's in B and Honig's in A: not one quotation.
    assert [q.text for q in result["only_a"]] == [a[1].text]
    assert [q.speaker for q in result["only_b"]] == ["Shawn Holley"]


def test_compare_quotes_with_a_word_left_out_or_no_speaker() -> None:
    """Most of the shorter quotation's words in order (a word left out, an inserted
    "[the]") match, and a quotation one text leaves unnamed matches a named one."""
    a = extract_quotes(
        '"We will rebuild the bridge over the river before the winter comes back, and we '
        'will do it with local firms and with local money," Mayor Anna Berg said.'
    )
    b = extract_quotes(
        'A statement read: "we will rebuild [the] bridge over river before winter comes."'
    )
    assert a[0].speaker and not b[0].speaker
    # B kept ten of A's 23 words, with gaps: too few for a ratio, all of them in order.
    assert [q.text for q in compare_quotes(a, b)["both"]] == [a[0].text]
    # Listed from the side that leaves the speaker unnamed, it carries the other's name
    # (a comparison listed "from the angle I was at" as no one's, though B said whose).
    [shared] = compare_quotes(b, a)["both"]
    assert shared.speaker == "Anna Berg" and shared.text == b[0].text


def test_a_quotation_the_other_carries_without_readable_marks_is_in_both() -> None:
    text_a = '"I am so excited to be hosting the Oscars for the second time," DeGeneres said.'
    # The other outlet opens the quotation and never closes it: no quotation is read
    # there, but the words stand in its text in one run.
    text_b = (
        "DeGeneres wrote: \u201c I am so excited to be hosting the Oscars for the second "
        "time.\n\nShe also hosted the Grammys in 1996 and 1997."
    )
    text_c = (
        "DeGeneres, so excited, will be hosting again; the Oscars for a second time "
        "is what she wanted, she said."
    )
    a, b, c = extract_quotes(text_a), extract_quotes(text_b), extract_quotes(text_c)
    assert b == []
    found = compare_quotes(a, b, text_a, text_b)
    assert [q.text for q in found["both"]] == [a[0].text] and found["only_a"] == []
    # Without the texts, or when the words are only scattered over the other text,
    # it is A's alone.
    assert compare_quotes(a, b)["only_a"] == a
    assert compare_quotes(a, c, text_a, text_c)["only_a"] == a


def test_marks_around_symbols_alone_are_no_quotation():
    # A text with no word at all (a star rating, text decoded wrongly): nothing said,
    # and no failure (it stopped `clippings quotes` and the speakers' analysis).
    for text in ('"★★ ★★★"', "« ★★ ★★ »", '"\ufffd\ufffd \ufffd"'):
        assert extract_quotes(text) == []
    assert compare_quotes(extract_quotes('"★★"'), [], '"★★"', "") == {
        "both": [],
        "only_a": [],
        "only_b": [],
    }
