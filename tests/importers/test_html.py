"""The HTML importer over real pages (``../shared/corpus``) and small built ones."""

from __future__ import annotations

import json
import re
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest

from clippings.importers.html import HtmlImporter, decode_page, parse_html
from clippings.importers.html_body import without_teasers
from clippings.model import ExtractionError

importer = HtmlImporter()


def _squash(text: str) -> str:
    return re.sub(r"\s+", " ", text).strip()


def _readability(corpus: Path, name: str) -> tuple[bytes, dict[str, str | None]]:
    folder = corpus / "readability" / "test-pages" / name
    expected = json.loads((folder / "expected-metadata.json").read_text("utf-8"))
    return (folder / "source.html").read_bytes(), expected


def _trafilatura_entry(corpus: Path, file: str) -> dict[str, object]:
    evaldata = json.loads((corpus / "trafilatura" / "evaldata-subset.json").read_text("utf-8"))
    return next(entry for entry in evaldata.values() if entry["file"] == file)


# --- metadata -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["bug-1255978", "folha", "theverge"])
def test_metadata_of_real_pages_matches_readability_expectations(corpus: Path, name: str) -> None:
    data, expected = _readability(corpus, name)
    clipping = importer.extract(data, f"{name}.html")
    assert clipping.format == "html"
    assert clipping.title == expected["title"]
    assert clipping.author == expected["byline"]
    assert clipping.outlet == expected["siteName"]
    published = expected["publishedTime"]
    assert published is not None
    assert isinstance(clipping.published, datetime)
    assert clipping.published == datetime.fromisoformat(published.replace("Z", "+00:00"))
    assert clipping.url is not None and clipping.url.startswith("http")
    assert clipping.language == "en" if name != "folha" else clipping.language == "pt"
    assert set(clipping.provenance) >= {"title", "author", "published", "outlet", "url"}


def test_published_keeps_the_pages_own_offset(corpus: Path) -> None:
    data, _ = _readability(corpus, "bug-1255978")
    published = importer.extract(data, "page.html").published
    assert isinstance(published, datetime)
    assert published.utcoffset() == timedelta(hours=1)


_PRECEDENCE_PAGE = """<!DOCTYPE html>
<html lang="de-AT"><head><meta charset="utf-8">
<title>Page title | Some Site</title>
<meta property="og:title" content="OpenGraph headline">
<meta property="og:site_name" content="The OG Outlet">
<meta property="og:url" content="https://example.org/og-url">
<meta property="article:published_time" content="2021-07-20T08:00:00+00:00">
<meta name="author" content="Meta Author">
<link rel="canonical" href="https://example.org/canonical">
<script type="application/ld+json">
{"@context": "https://schema.org", "@graph": [
  {"@type": "WebSite", "@id": "https://example.org/#site", "name": "Site"},
  {"@type": ["ReportageNewsArticle"], "headline": "JSON-LD headline",
   "datePublished": "2021-07-25T05:05:00+03:00",
   "author": [{"@type": "Person", "name": "Ada Reporter"},
              {"@type": "Person", "name": "Bo Editor"}],
   "publisher": {"@id": "https://example.org/#org"}},
  {"@type": "NewsMediaOrganization", "@id": "https://example.org/#org", "name": "The Daily Example"}
]}
</script>
<script>alert("not article text")</script>
</head><body>
<nav><a href="/">Home</a> <a href="/news">News</a></nav>
<article>
<h1>JSON-LD headline</h1>
<p>The council met on Sunday to discuss the new bridge over the river, which has divided the
town for years and cost more than anyone had planned when it was first proposed.</p>
<p>Residents said they would keep protesting until the plans were published in full, and the
mayor promised a public hearing before the end of the summer holidays this year.</p>
<iframe src="https://ads.example.net/frame"></iframe><img src="https://cdn.example.net/p.jpg">
<p>Engineers will present three options, including a cheaper footbridge, at the hearing, where
the council hopes to settle a question that has dominated local politics for a decade.</p>
<p>Share this article on Facebook</p>
</article>
<footer>© 2021 The Daily Example. All rights reserved.</footer>
</body></html>
"""


def test_json_ld_wins_over_opengraph_and_meta() -> None:
    clipping = importer.extract(_PRECEDENCE_PAGE.encode("utf-8"), "page.html")
    assert clipping.title == "JSON-LD headline"
    assert clipping.author == "Ada Reporter, Bo Editor"
    assert clipping.published == datetime.fromisoformat("2021-07-25T05:05:00+03:00")
    assert clipping.url == "https://example.org/canonical"
    assert clipping.outlet == "The OG Outlet"
    assert clipping.language == "de"
    assert clipping.provenance["title"] == "json-ld"
    assert clipping.provenance["author"] == "json-ld"
    assert clipping.provenance["published"] == "json-ld"
    assert clipping.provenance["outlet"] == "opengraph"
    assert clipping.provenance["language"] == "html-meta"


def test_text_drops_headline_and_furniture_and_html_is_safe() -> None:
    clipping = importer.extract(_PRECEDENCE_PAGE.encode("utf-8"), "page.html")
    paragraphs = clipping.text.split("\n\n")
    assert paragraphs[0].startswith("The council met on Sunday")
    assert paragraphs[-1].startswith("Engineers will present")
    assert "Share this" not in clipping.text and "alert" not in clipping.text
    assert clipping.html is not None and "<p>" in clipping.html
    for tag in ("<script", "<iframe", "<img", "<style"):
        assert tag not in clipping.html


def test_opengraph_and_meta_fill_in_without_json_ld() -> None:
    page = re.sub(
        r"<script type=\"application/ld\+json\">.*?</script>", "", _PRECEDENCE_PAGE, flags=re.S
    )
    clipping = importer.extract(page.encode("utf-8"), "page.html")
    assert clipping.title == "OpenGraph headline"
    assert clipping.author == "Meta Author"
    assert clipping.provenance["author"] == "html-meta"
    assert clipping.provenance["title"] == "opengraph"
    # A UTC time and no local one: still the same instant.
    assert clipping.published == datetime.fromisoformat("2021-07-20T08:00:00+00:00")


def test_date_only_metadata_gives_a_date() -> None:
    page = _PRECEDENCE_PAGE.replace("2021-07-25T05:05:00+03:00", "2021-07-25")
    assert importer.extract(page.encode("utf-8"), "page.html").published == date(2021, 7, 25)


# --- charsets -------------------------------------------------------------------------------

_RUSSIAN = (
    "Правительство объявило о новых мерах поддержки малого бизнеса. По словам министра, "
    "программа начнёт работать в следующем месяце и охватит более ста тысяч предприятий. "
    "Эксперты считают, что этого недостаточно, чтобы компенсировать потери прошлого года. "
)


def _cyrillic_page(declared: str) -> bytes:
    body = "".join(f"<p>{_RUSSIAN}</p>" for _ in range(4))
    page = (
        f'<!DOCTYPE html><html><head><meta charset="{declared}">'
        f"<title>Новости</title></head><body><article>{body}</article></body></html>"
    )
    return page.encode("cp1251")


def test_declared_charset_is_used() -> None:
    text, codec, how = decode_page(_cyrillic_page("windows-1251"))
    assert (codec, how) == ("cp1251", "declared")
    assert "Правительство" in text


def test_wrong_utf8_declaration_falls_back_to_detection() -> None:
    data = _cyrillic_page("utf-8")
    _, codec, how = decode_page(data)
    assert how == "detected" and codec == "cp1251"
    clipping = importer.extract(data, "news.html")
    assert "Правительство объявило" in clipping.text
    assert clipping.language == "ru" and clipping.provenance["language"] == "detected"


def test_utf8_declared_as_latin1_is_not_mojibake() -> None:
    page = '<html><head><meta charset="iso-8859-1"></head><body><p>Café crème à Zürich</p>'
    text, codec, _ = decode_page(page.encode("utf-8"))
    assert codec == "utf-8" and "Café crème à Zürich" in text


@pytest.mark.parametrize(
    ("file", "words"),
    [
        ("archive.org.he.xinhuanet.com.25340717.html", "约定无期限"),
        ("Sprzeciw wobec ataków na Fundację Lux Veritatis – RadioMaryja.pl.html", "ataków"),
        ("Unijne fundusze coraz bliżej. Sejm zagłosował _za_ - Polityka - rp.pl.html", "Sejm"),
        ("kyffhaeuser-nachrichten.de-Regen.html", "Regen"),
    ],
)
def test_pages_with_encoding_notes_decode(corpus: Path, file: str, words: str) -> None:
    entry = _trafilatura_entry(corpus, file)
    assert entry.get("encoding_note")
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    assert words in clipping.text or words in (clipping.title or "")
    assert "\ufffd" not in (clipping.title or "")
    assert not re.search("[ÃÅÄ][\u0080-\u00bf]", clipping.text)  # no UTF-8-as-Latin mojibake


# --- sniffing -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "head",
    [
        b"<!DOCTYPE html><html><head><title>x</title>",
        b"\xef\xbb\xbf  <html lang='en'><body>",
        b'<?xml version="1.0" encoding="utf-8"?>\n<html xmlns="http://www.w3.org/1999/xhtml">',
        b"<!-- saved from url=(0042)https://example.org/ -->\n<html><head>",
        b"<meta charset='utf-8'><title>Fragment</title><p>text",
        "<!DOCTYPE html><html><body>".encode("utf-16"),
        "<html><head></head>".encode("utf-16-le"),
        b"Some junk first\n<html>\n<head><title>t</title></head><body>",
    ],
)
def test_sniff_recognises_html(head: bytes) -> None:
    assert importer.sniff(head)


@pytest.mark.parametrize(
    "head",
    [
        b"Use <b>bold</b> and <i>italic</i> in the comment box, said the editor.",
        b"The <html> tag starts every page, the reporter explained.",
        "Plain Cyrillic text: Правительство объявило".encode("cp1251"),
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3",
        b"",
    ],
)
def test_sniff_rejects_text_that_mentions_tags(head: bytes) -> None:
    assert not importer.sniff(head)


# --- main text on real pages ------------------------------------------------------------------


@pytest.mark.parametrize(
    "file",
    [
        "0a6291ebbce449b3b04256b43c73e39d.html",
        "dw.com-elephants.html",
        "corkbeo.ie.level.html",
        "elespectador.com-orion.html",
        "timesofisrael.com.washington.html",
    ],
)
def test_with_and_without_snippets(corpus: Path, file: str) -> None:
    entry = _trafilatura_entry(corpus, file)
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    text = _squash(clipping.text)
    assert [s for s in entry["with"] if _squash(s) not in text] == []  # type: ignore[union-attr]
    assert [s for s in entry["without"] if _squash(s) in text] == []  # type: ignore[union-attr]
    assert clipping.html and "<script" not in clipping.html and "<img" not in clipping.html


# --- refusals ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html><head><title>Nothing</title></head><body></body></html>",
        b"<html><body><nav><a href='/'>Home</a></nav></body></html>",
        b"\x00\x01\x02<html>",
    ],
)
def test_empty_or_broken_page_is_refused_clearly(data: bytes) -> None:
    with pytest.raises(ExtractionError, match="no article text found in the page"):
        importer.extract(data, "empty.html")


def _aeb(corpus: Path, prefix: str) -> bytes:
    import gzip

    (path,) = (corpus / "aeb" / "html").glob(f"{prefix}*.html.gz")
    return gzip.decompress(path.read_bytes())


def test_text_trafilatura_leaves_between_headings_is_kept(corpus: Path) -> None:
    # A deals list: each heading's paragraph is loose text after the heading.
    clipping = importer.extract(_aeb(corpus, "287e4d9f4af3"), "page.html")
    assert "The price of one of the PS4 DualShock controllers" in clipping.text
    assert "this is the best price out there for this TV" in clipping.text


def test_precise_pass_trims_the_edges_but_not_the_middle(corpus: Path) -> None:
    # Related-link titles below the article go ...
    clipping = importer.extract(_aeb(corpus, "35b158918c67"), "page.html")
    assert "Who will make the Rock Hall in 2020?" not in clipping.text
    # ... a paragraph the precise pass drops between two it keeps stays.
    clipping = importer.extract(_aeb(corpus, "7837c9d66c81"), "page.html")
    assert "Islam pecah jadi Sunni dan Syi’ah karena faktor politik" in clipping.text


def test_a_sidebar_of_other_articles_inside_the_article_is_left_out(corpus: Path) -> None:
    # Clarín's "Últimas Noticias": cards of other articles (headline, kicker, picture,
    # link) inside the article's container opened the text with six section names.
    file = "clarin.com-albertofernandez.html"
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    paragraphs = clipping.text.split("\n\n")
    assert paragraphs[0].startswith("En una jornada de cruces feroces")
    for card in ("Sin anestesia", "Crítica y polémica", "Un dirigente del Partido Obrero"):
        assert card not in clipping.text
    opening = '"No soy el dueño del Gobierno, nadie es el dueño del Gobierno". Con esa frase'
    assert clipping.text.count(opening) == 1
    assert "cuenta administrada por su" in clipping.text


def _cards_page(cards: int) -> bytes:
    story = "".join(
        f"<p>The harbour of Northport reopened on Tuesday after the storm, part {n} of the"
        " report, with the mayor and the port's workers on the quay at dawn.</p>"
        for n in range(6)
    )
    card = '<li><h3>Another story, number {n}</h3><p>Section</p><a href="/other-{n}.html"></a></li>'
    sidebar = "<ul>" + "".join(card.format(n=n) for n in range(cards)) + "</ul>"
    return (
        "<html><head><title>Northport harbour reopens</title></head><body><article>"
        f"<h1>Northport harbour reopens</h1>{sidebar}{story}</article></body></html>"
    ).encode()


def test_a_list_of_cards_goes_but_a_single_box_stays() -> None:
    text = importer.extract(_cards_page(3), "page.html").text
    assert "Another story" not in text and "Section" not in text
    assert text.startswith("The harbour of Northport reopened")
    # One box with a heading and a link may be the article's own: what the extractor
    # reads keeps it.
    for cards, kept in ((1, True), (2, True), (3, False)):
        tree = without_teasers(parse_html(_cards_page(cards).decode()))
        assert ("Another story, number 0" in tree.text_content()) is kept
    # The list's title goes with it, where its box is left empty.
    boxed = _cards_page(3).decode().replace("<ul>", "<h2>Latest news</h2><div><ul>", 1)
    boxed = boxed.replace("</ul>", "</ul></div>", 1)
    assert "Latest news" not in without_teasers(parse_html(boxed)).text_content()
    # A listicle's items (a heading, a link, a sentence of their own) are the article.
    item = (
        '<li><h3>Lamp {n}</h3><a href="/shop/lamp-{n}">Buy</a><p>A brass desk lamp that'
        " folds flat for travel and runs for a week on one charge.</p></li>"
    )
    listicle = "<html><body><ul>" + "".join(item.format(n=n) for n in range(5)) + "</ul>"
    tree = without_teasers(parse_html(listicle + "</body></html>"))
    assert tree.text_content().count("brass desk lamp") == 5


def test_a_kicker_above_the_headline_is_left_out(corpus: Path) -> None:
    file = "fr.de.nordkorea.html"
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    assert not clipping.text.startswith("Nordkorea")
    assert clipping.title is not None and clipping.title not in clipping.text.split("\n\n")[:2]


def test_a_date_line_in_portuguese_above_the_article_is_left_out(corpus: Path) -> None:
    clipping = importer.extract(_aeb(corpus, "11ea381ad92b"), "page.html")
    assert "22 de outubro de 2010" not in clipping.text.split("\n\n")[0]
    assert clipping.text.startswith("Nesta página você terá sempre a classificação")


@pytest.mark.parametrize(
    "line", ["Tempo de leitura: 1 minuto", "Reading time: 4 minutes", "3 Min. Lesezeit"]
)
def test_the_reading_time_above_the_article_is_left_out(line: str) -> None:
    paragraph = (
        "A banda de Belo Horizonte tocou no sábado para as crianças da escola, que cantaram"
        " junto com os músicos durante toda a tarde e pediram mais uma canção no fim."
    )
    page = (
        f"<html><body><article><h1>Uma tarde de música</h1><p>{line}</p>"
        + "".join(f"<p>{paragraph} Parte {n}.</p>" for n in range(4))
        + "</article></body></html>"
    )
    clipping = importer.extract(page.encode(), "page.html")
    assert clipping.text.startswith("A banda de Belo Horizonte")
    assert line not in clipping.text


def test_a_headline_and_date_set_in_the_article_s_own_paragraph_are_left_out() -> None:
    text = (
        "Verified video footage and eyewitness testimony reveal a harrowing pattern of"
        " killings by security forces in more than one hundred cities across the country."
    )
    title = "More than 100 protesters killed in unrest"
    page = (
        f"<html><head><title>{title}</title><meta name='description' content='{title}'>"
        f"</head><body><p><br>{title}<br>November 20, 2019 - 11:28<br>"
        + "<br>".join(f"{text} Part {n}." for n in range(5))
        + "</p></body></html>"
    )
    clipping = importer.extract(page.encode(), "page.html")
    assert clipping.title == title
    assert clipping.text.startswith("Verified video footage")
    assert "November 20, 2019" not in clipping.text
    # A first line that only happens to be the headline's words, where the sentence
    # goes on below it, stays.
    page = page.replace(f"<br>{title}<br>November 20, 2019 - 11:28<br>", f"<br>{title}<br>")
    page = page.replace("Verified video", "went on as verified video", 1)
    assert importer.extract(page.encode(), "page.html").text.startswith(title)


_DECK = "Residents fear the cost of the new river bridge will keep rising for many more years"


def _deck_page(*, in_header: bool) -> bytes:
    deck = f"<h2>{_DECK}</h2>"
    header = f"<header><h1>Bridge plans divide the town</h1>{deck if in_header else ''}</header>"
    paragraph = (
        "The council met on Sunday to discuss the new bridge over the river, which has divided"
        " the town for years and cost more than anyone had planned when it was first proposed."
    )
    body = "".join(f"<p>{paragraph} Part {n} of the story.</p>" for n in range(5))
    return (
        f'<html><head><meta name="description" content="{_DECK}"></head><body><article>'
        f"{header}{'' if in_header else deck}{body}</article></body></html>"
    ).encode()


def test_standfirst_set_as_a_subheading_is_kept_unless_in_the_header() -> None:
    clipping = importer.extract(_deck_page(in_header=False), "page.html")
    assert clipping.text.startswith(_DECK)
    clipping = importer.extract(_deck_page(in_header=True), "page.html")
    assert _DECK not in clipping.text
    assert clipping.text.startswith("The council met on Sunday")


def test_lead_in_to_links_at_the_end_is_dropped(corpus: Path) -> None:
    file = "mdr.de.autohaeuser.html"
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    assert "Weitere Informationen zum Coronavirus in Thüringen:" not in clipping.text
    assert "Nach Informationen von MDR THÜRINGEN" in clipping.text


def test_prose_the_extractor_skips_among_the_article_paragraphs_is_added(corpus: Path) -> None:
    # An intro <div> with bare text above the paragraphs, in the article's own container.
    file = "lopinion.fr.glyphosate.html"
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    text = _squash(clipping.text)
    assert "La firme Bayer, propriétaire de Monsanto, a été condamnée" in text
    assert text.index("La firme Bayer") < text.index("Jackpot pour Monsanto")
    # Questions set apart from the answers, between them.
    clipping = importer.extract(_aeb(corpus, "b6906ca016bb"), "page.html")
    assert "How big an impact have the Trump tariffs had overall?" in clipping.text
    # Readers' comments below the article are not article text.
    clipping = importer.extract(_aeb(corpus, "232a43fb15ab"), "page.html")
    assert "Apple switched to a 14” MacBook Pro with slimmer bezels" not in clipping.text


def test_originally_published_note_at_the_end_is_kept(corpus: Path) -> None:
    clipping = importer.extract(_aeb(corpus, "14cc2a0ca59c"), "page.html")
    assert "This article was originally published by Futurism." in clipping.text


# --- sniffing pages whose markup starts late ---------------------------------------------------


def test_page_opening_with_a_long_style_sheet_is_html(corpus: Path) -> None:
    from clippings.importers import SNIFF_BYTES, importer_for

    path = corpus / "trafilatura" / "html" / "laweekly.com-Cultivation.html"
    data = path.read_bytes()
    assert data.lstrip().startswith(b"<style") and data.find(b"<html") > SNIFF_BYTES
    assert importer_for(data, path.name).name == "html"
    assert importer_for(data, "page").name == "html"  # by content, whatever the name


def test_html_suffix_wins_over_a_text_guess_when_markup_comes_late() -> None:
    from clippings.importers import importer_for

    notes = b"Notes taken before saving the page, nothing but words here.\n" * 200
    page = notes + b"<html><head><title>T</title></head><body><p>Text</p></body></html>"
    assert importer_for(page, "saved.html").name == "html"
    assert importer_for(page, "saved.txt").name == "text"
    mentions = b"Use <b>bold</b> in the comment box, said the editor.\n" * 400
    assert importer_for(mentions, "notes.html").name == "text"


@pytest.mark.parametrize(
    "head",
    [
        b"<style>\n" + b".grid { display: grid; gap: 10px; }\n" * 400,
        b"<!-- x -->\n<script>var a = 1;</script>\n<style>p{}</style>\n<meta charset='utf-8'>",
        b"junk\n<meta name='viewport' content='x'>\n<link rel='stylesheet' href='a.css'>",
    ],
)
def test_sniff_recognises_pages_with_late_or_headless_markup(head: bytes) -> None:
    assert importer.sniff(head)


def test_sniff_still_rejects_prose_mentioning_a_head_tag() -> None:
    assert not importer.sniff(b"Put a <meta> tag and a <link> tag in the head, she wrote.")


# --- metadata the heuristics got wrong ------------------------------------------------------


def test_declared_title_beats_a_section_h1_that_shares_no_word(corpus: Path) -> None:
    data, expected = _readability(corpus, "webmd-1")
    clipping = importer.extract(data, "page.html")
    assert clipping.title == expected["title"] == "Babies Who Eat Peanuts Early May Avoid Allergy"


def test_dates_are_never_read_from_scripts(corpus: Path) -> None:
    # The page's scripts say "// Updated 2015.02.04 by ..."; the article "Feb. 23, 2015 --".
    data, _ = _readability(corpus, "webmd-1")
    assert importer.extract(data, "page.html").published == date(2015, 2, 23)
    body = "".join(
        f"<p>{_DECK}, said the council in a long statement. Part {n}.</p>" for n in range(6)
    )
    page = (
        "<html><head><script>// Updated 2016.03.04 by the web team\nvar x = 1;</script>"
        "<style>/* 2017-05-06 */</style></head><body><!-- built 2018-07-08 -->"
        f"<article>{body}</article></body></html>"
    )
    published = importer.extract(page.encode(), "page.html").published
    assert published not in {date(2016, 3, 4), date(2017, 5, 6), date(2018, 7, 8)}


@pytest.mark.parametrize(
    ("name", "author"), [("wapo-1", "Erin Cunningham"), ("wapo-2", "Steven Mufson")]
)
def test_login_widget_is_no_author(corpus: Path, name: str, author: str) -> None:
    data, _ = _readability(corpus, name)
    assert importer.extract(data, "page.html").author == author


def test_leading_by_is_stripped_from_the_author(corpus: Path) -> None:
    data, expected = _readability(corpus, "nytimes-3")
    assert importer.extract(data, "page.html").author == expected["byline"] == "Corey Kilgannon"


@pytest.mark.parametrize(
    ("value", "author"),
    [
        ("By Corey Kilgannon", "Corey Kilgannon"),
        ("BY: JANE DOE", "JANE DOE"),
        ("by Jane Doe", "Jane Doe"),
        ("Von Hans Meier", "Hans Meier"),
        ("par Jean Dupont", "Jean Dupont"),
        ("Por Ana Ruiz", "Ana Ruiz"),
        ("Von Miller", "Von Miller"),
        ("von der Leyen", "von der Leyen"),
        ("Byron Smith", "Byron Smith"),
    ],
)
def test_author_prefixes(value: str, author: str) -> None:
    from clippings.importers.html_fields import _author_value

    assert _author_value(value) == author


def _author_page(json_ld_author: str | None, meta_author: str | None) -> bytes:
    ld = (
        '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "Bridge",'
        f' "author": {{"@type": "Person", "name": "{json_ld_author}"}}}}</script>'
        if json_ld_author
        else ""
    )
    meta = f'<meta name="author" content="{meta_author}">' if meta_author else ""
    body = "".join(
        f"<p>{_DECK}, said the council in a long statement. Part {n}.</p>" for n in range(6)
    )
    return f"<html><head>{ld}{meta}</head><body><article>{body}</article></body></html>".encode()


def test_user_name_slugs_yield_to_a_printed_name(corpus: Path) -> None:
    file = "libero.pe-ronaldo.html"
    clipping = importer.extract((corpus / "trafilatura" / "html" / file).read_bytes(), file)
    assert clipping.author == _trafilatura_entry(corpus, file)["author"] == "Edilson La Rosa"
    clipping = importer.extract(_author_page("jane.doe", "Jane Q. Doe"), "page.html")
    assert (clipping.author, clipping.provenance["author"]) == ("Jane Q. Doe", "html-meta")
    # Only the slug, from structured data: the name it spells.
    clipping = importer.extract(_author_page("edilson.la.rosa", None), "page.html")
    assert (clipping.author, clipping.provenance["author"]) == ("Edilson La Rosa", "json-ld")


@pytest.mark.parametrize("value", ["Username", "Sign in", "My account", "Log In"])
def test_interface_words_are_no_author(value: str) -> None:
    clipping = importer.extract(_author_page(None, value), "page.html")
    assert clipping.author != value
    assert importer.extract(_author_page(None, "Staff"), "page.html").author == "Staff"


def test_a_year_alone_is_no_publication_day():
    # htmldate reads "1999." opening a paragraph as 1 January 1999; a clipping is better
    # undated than dated to a day nobody wrote.
    from clippings.importers import extract

    filler = b"More words about the harbour and the council and the town. " * 20
    page = (
        b"<html><head><title>A year</title></head><body><article><h1>A year</h1>"
        b"<p>1999. A year of change came to the harbour, and the town council met.</p>"
        b"<p>" + filler + b"</p></article></body></html>"
    )
    assert extract(page, "year.html").published is None


def outlet_of_page(meta: str) -> str | None:
    """The outlet read from a short article page with ``meta`` in its head."""
    page = f"""<!doctype html><html><head><meta charset="utf-8"><title>A headline</title>
{meta}</head><body><article><h1>A headline</h1>
<p>The council met on Sunday to discuss the new bridge over the river, which has divided
the town for years and cost more than anyone had planned when it was first proposed.</p>
<p>Residents spoke for three hours, and the vote was put off until the spring session.</p>
</article></body></html>"""
    return importer.extract(page.encode(), "page.html").outlet


@pytest.mark.parametrize(
    ("meta", "outlet"),
    [
        ('<meta name="source" content="新华社">', "新华社"),
        ('<meta name="publisher" content="Deutsche Welle (www.dw.com)">', "Deutsche Welle"),
        ('<meta name="DC.publisher" content="Badische Zeitung">', "Badische Zeitung"),
    ],
)
def test_a_page_without_a_site_name_is_named_by_its_declared_publisher(meta, outlet):
    assert outlet_of_page(meta) == outlet


@pytest.mark.parametrize(
    ("meta", "outlet"),
    [
        # A handle, a tagline, an acronym before its name, an address in capitals.
        # (the handle is no name; trafilatura's guess then reads it as one)
        ('<meta property="og:site_name" content="@politifact">', "Politifact"),
        (
            '<meta property="og:site_name" '
            """content="LinkNaija | Nigeria's popular news platform">""",
            "LinkNaija",
        ),
        (
            '<meta property="og:site_name" content="LN - Lübecker Nachrichten">',
            "Lübecker Nachrichten",
        ),
        (
            '<meta property="og:site_name" content="Business Insider - Deutschland">',
            "Business Insider - Deutschland",
        ),
        ('<meta property="og:site_name" content="MDR.DE">', "mdr.de"),
        # The address beside the name it stands for: the name.
        (
            '<meta property="og:site_name" content="DW.COM">'
            '<meta name="publisher" content="Deutsche Welle (www.dw.com)">',
            "Deutsche Welle",
        ),
        (
            '<meta property="og:site_name" content="ELESPECTADOR.COM">'
            '<script type="application/ld+json">{"@type": "NewsArticle", "headline": "A headline",'
            ' "publisher": {"@type": "Organization", "name": "El Espectador"}}</script>',
            "El Espectador",
        ),
        ('<meta property="og:site_name" content="Space.com">', "Space.com"),
    ],
)
def test_a_declared_site_name_is_written_as_a_name(meta, outlet):
    assert outlet_of_page(meta) == outlet
