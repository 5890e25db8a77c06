"""E-mail, mailbox and saved-page importers, on messages the tests make with the
standard library around real corpus articles (``samples_mail``)."""

from __future__ import annotations

import base64
import re
from datetime import UTC, date, datetime
from email.message import EmailMessage
from email.policy import SMTP

import pytest

from clippings import importers
from clippings.importers.html import HtmlImporter
from clippings.importers.mail import EmailImporter, looks_like_email, sender_outlet, subject_title
from clippings.importers.mbox import MboxImporter, split_mbox
from clippings.importers.mhtml import MhtmlImporter
from clippings.model import ClippingsError, ExtractionError
from tests.importers.samples_mail import (
    DEFAULT_DATE,
    FURNITURE,
    ecbplus_article,
    make_inline_forward,
    make_mbox,
    make_mhtml,
    make_newsletter,
    readability_article,
    word_scores,
)

# (language, the article, the sender) for each newsletter.
NEWSLETTERS = {
    "en": ("ecbplus", "2_1ecbplus", "CNNMoney <newsletter@e.cnn.com>", "CNNMoney"),
    "en-long": ("ecbplus", "5_1ecbplus", "Philly.com Sports <sports@mail.philly.com>", None),
    "de": ("readability", "heise", "heise online <newsletter@heise.de>", "heise online"),
    "fr": ("readability", "liberation-1", "Libération <lettre@liberation.fr>", "Libération"),
    "es": ("readability", "la-nacion", "LA NACION <boletin@lanacion.com.ar>", "LA NACION"),
}


def _article(corpus, source, name):
    if source == "ecbplus":
        return ecbplus_article(corpus, name)
    return readability_article(corpus, name)


def _boilerplate_words(language: str, outlet: str) -> list[str]:
    words = FURNITURE[language]
    return [
        words["browser"],
        words["preheader"].format(outlet=outlet),
        *(line.format(outlet=outlet) for line in words["footer"]),
    ]


@pytest.mark.parametrize("with_html", [True, False], ids=["html", "text-only"])
@pytest.mark.parametrize("case", sorted(NEWSLETTERS))
def test_a_newsletter_becomes_its_article(corpus, case, with_html):
    source, name, sender, outlet = NEWSLETTERS[case]
    language = case.split("-")[0]
    article = _article(corpus, source, name)
    browser = "https://newsletters.example.com/view/20261130?id=42"
    data = make_newsletter(
        article, sender=sender, language=language, browser_url=browser, with_html=with_html
    )
    assert importers.importer_for(data, "message.eml").name == "email"
    assert importers.importer_for(data, "download.bin").name == "email"
    extracted = importers.extract(data, "message.eml")

    assert extracted.format == "email"
    assert extracted.title == article.title
    assert extracted.outlet == (outlet or "Philly.com Sports")
    assert extracted.published == DEFAULT_DATE
    assert extracted.url == browser
    for field in ("title", "outlet", "published"):
        assert extracted.provenance[field] == "email-header"
    precision, recall = word_scores(extracted.text, article.text)
    assert recall >= 0.95, (case, recall)
    assert precision >= 0.9, (case, precision)
    shown = sender.split("<")[0].strip()
    for furniture in _boilerplate_words(language, shown):
        first_words = " ".join(furniture.split()[:3])
        assert first_words not in extracted.text, furniture
    assert "1 CNN Center" not in extracted.text
    assert extracted.part is None and not extracted.warnings
    if with_html:
        assert "<img" not in extracted.html and "cid:" not in extracted.html


@pytest.mark.parametrize("doc", ["3_5ecbplus", "6_2ecbplus"])
def test_a_newsletter_of_line_breaks_keeps_its_paragraphs(corpus, doc):
    article = ecbplus_article(corpus, doc)
    extracted = importers.extract(make_newsletter(article, layout="breaks"), "m.eml")
    assert extracted.text.count("\n\n") >= len(article.paragraphs) - 2
    assert not extracted.text.startswith(article.title)  # the headline is the title
    precision, recall = word_scores(extracted.text, article.text)
    assert recall >= 0.95 and precision >= 0.95


def test_a_newsletter_the_extractor_finds_no_article_in_keeps_its_visible_text(monkeypatch):
    from clippings.importers import html as html_importer
    from clippings.importers.mail_body import html_article

    def finds_nothing(text):
        raise ExtractionError("no article text found in the page")

    monkeypatch.setattr(html_importer, "extract_article", finds_nothing)
    markup = (
        "<html><body><table><tr><td><a href='https://x.example/v'>View in browser</a></td></tr>"
        "<tr><td>The council voted on Monday to close the bridge.<br><br>"
        "Repairs will take two years, the mayor said.</td></tr>"
        "<tr><td>Unsubscribe | Manage preferences</td></tr></table></body></html>"
    )
    article, url = html_article(markup)
    assert article.text == (
        "The council voted on Monday to close the bridge.\n\n"
        "Repairs will take two years, the mayor said."
    )
    assert url == "https://x.example/v"


def test_an_apple_mail_emlx_is_its_message(corpus):
    article = ecbplus_article(corpus, "2_1ecbplus")
    message = make_newsletter(article)
    plist = b'<?xml version="1.0"?>\n<plist version="1.0"><dict><key>flags</key></dict></plist>\n'
    data = str(len(message)).encode() + b"        \n" + message + plist
    assert importers.importer_for(data, "12345.emlx").name == "email"
    extracted = importers.extract(data, "12345.emlx")
    assert extracted.title == article.title and "plist" not in extracted.text


def test_subject_sender_and_date_headers():
    assert subject_title("Fwd: FW: WG: Der Titel") == "Der Titel"
    assert subject_title("TR: RV: Fwd[2]: Le titre") == "Le titre"
    assert subject_title("Re: a reply keeps its Re") == "Re: a reply keeps its Re"
    assert sender_outlet("CNNMoney <newsletter@e.cnn.com>") == "CNNMoney"
    assert sender_outlet('"The Guardian" <newsletters@theguardian.com>') == "The Guardian"
    assert sender_outlet("newsletter@email.nytimes.com") == "nytimes.com"
    assert sender_outlet("<alerts@news.bbc.co.uk>") == "bbc.co.uk"
    assert sender_outlet(None) is None


def test_a_sender_without_a_name_is_named_by_its_mailing_list(corpus):
    article = ecbplus_article(corpus, "2_1ecbplus")
    data = make_newsletter(article, sender="<alerts@e.example.com>")
    data = re.sub(rb"List-Id: [^\r\n]*", b"List-Id: Morning Alerts <alerts.example.com>", data)
    assert importers.extract(data, "m.eml").outlet == "Morning Alerts"
    bare = make_newsletter(article, sender="<alerts@e.example.com>").replace(b"List-Id:", b"X-L:")
    assert importers.extract(bare, "m.eml").outlet == "example.com"


def test_a_substack_sender_names_author_and_outlet_and_list_post_the_address(corpus):
    article = ecbplus_article(corpus, "2_1ecbplus")
    data = make_newsletter(
        article,
        sender="Ethan Mollick from One Useful Thing <oneusefulthing@substack.com>",
        with_text=False,
    )
    data = data.replace(b"View this email in your browser", b"Read the whole story")
    data = data.replace(
        b"List-Id:", b"List-Post: <https://www.oneusefulthing.org/p/a-guide>\r\nList-Id:"
    )
    extracted = importers.extract(data, "m.eml")
    assert extracted.outlet == "One Useful Thing"
    assert extracted.author == "Ethan Mollick"
    assert extracted.provenance["author"] == "email-header"
    assert extracted.url == "https://www.oneusefulthing.org/p/a-guide"
    # "News from Berlin" names no author: the address does not name "Berlin".
    berlin = make_newsletter(article, sender="News from Berlin <daily@example.com>")
    extracted = importers.extract(berlin, "m.eml")
    assert extracted.outlet == "News from Berlin" and extracted.author is None


def test_encoded_headers_and_a_forwarded_subject():
    data = (
        b"From: =?utf-8?b?TGUgTW9uZGU=?= <lettre@lemonde.fr>\r\n"
        b"Subject: =?iso-8859-1?q?Fwd:_La_r=E9forme_des_retraites?=\r\n"
        b"Date: Tue, 1 Dec 2026 07:15:00 +0100\r\n"
        b"MIME-Version: 1.0\r\n"
        b"Content-Type: text/plain; charset=utf-8\r\n\r\n"
        + "La réforme des retraites a été adoptée hier soir par l'Assemblée. ".encode()
        * 12
    )
    extracted = importers.extract(data, "lettre.eml")
    assert extracted.title == "La réforme des retraites"
    assert extracted.outlet == "Le Monde"
    assert extracted.published == datetime(2026, 12, 1, 6, 15, tzinfo=UTC)
    assert extracted.published.utcoffset().total_seconds() == 3600
    assert extracted.url is None  # no "View in browser" link: no address


def test_attachments_are_named_in_a_warning_and_not_imported(corpus):
    article = ecbplus_article(corpus, "2_1ecbplus")
    data = make_newsletter(article, attachments={"Rapport annuel.pdf": b"%PDF-1.7 ..."})
    extracted = importers.extract(data, "message.eml")
    assert extracted.title == article.title
    assert any("Rapport annuel.pdf" in w and "not imported" in w for w in extracted.warnings)
    assert "%PDF" not in extracted.text


def test_a_forwarded_newsletter_is_read_as_the_inner_message(corpus):
    article = ecbplus_article(corpus, "2_9ecbplus")
    data = make_newsletter(
        article, sender="The Guardian <newsletters@theguardian.com>", forwarded_by="Me <me@x.org>"
    )
    extracted = importers.extract(data, "forward.eml")
    assert extracted.title == article.title
    assert extracted.outlet == "The Guardian"
    assert extracted.published == DEFAULT_DATE  # the newsletter's date, not the forward's
    assert "Worth keeping" not in extracted.text
    precision, recall = word_scores(extracted.text, article.text)
    assert recall >= 0.95 and precision >= 0.9


@pytest.mark.parametrize("with_html", [True, False], ids=["html", "text-only"])
def test_a_newsletter_forwarded_inline_is_the_forwarded_message(corpus, with_html):
    article = ecbplus_article(corpus, "2_4ecbplus")
    data = make_inline_forward(
        article, sender="The Hollywood Reporter <news@thr.com>", with_html=with_html
    )
    extracted = importers.extract(data, "forward.eml")
    assert extracted.title == article.title
    assert extracted.outlet == "The Hollywood Reporter"  # not the forwarder
    assert extracted.published == date(2026, 11, 30)  # the newsletter's day, not the forward's
    assert "Worth keeping" not in extracted.text
    assert "Forwarded message" not in extracted.text
    precision, recall = word_scores(extracted.text, article.text)
    assert recall >= 0.95 and precision >= 0.9, (precision, recall)


def test_a_text_clipping_with_header_lines_stays_text(seed):
    clipping = (
        b"From: Reuters\nDate: May 3, 2013\n\n"
        b"Lindsay Lohan has checked into the Betty Ford Center, her lawyer said.\n"
    )
    assert not looks_like_email(clipping)
    assert importers.importer_for(clipping, "note.txt").name == "text"
    assert importers.importer_for(b"Title: A headline\nSource: somewhere\n\nText.", "a").name == (
        "text"
    )
    assert importers.importer_for(seed.read_bytes(), seed.name).name == "text"
    # An e-mail address in From and a Subject make it mail, as do mail-only headers.
    assert looks_like_email(b"From: Jane <jane@example.com>\nSubject: Hi\n\nText")
    assert looks_like_email(b"Received: from mx by mx2\nMIME-Version: 1.0\n\nText")


# --- hostile messages -----------------------------------------------------------------

HEAD = b"From: News <news@example.com>\r\nDate: Mon, 30 Nov 2026 09:38:00 +0000\r\n"
BODY = b"\r\n\r\n" + b"The article text of a plain message goes on here. " * 40 + b"\r\n"


def test_ten_thousand_nested_multiparts_are_refused_with_a_reason():
    depth = 10_000
    data = (
        HEAD
        + b"Subject: deep\r\nMIME-Version: 1.0\r\n"
        + b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
            for i in range(depth)
        )
        + b"Content-Type: text/plain\r\n\r\nhello\r\n"
        + b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    )
    with pytest.raises(ExtractionError, match="nested"):
        importers.extract(data, "deep.eml")
    forwards = HEAD + b"Subject: x\r\n" + b"Content-Type: message/rfc822\r\n\r\n" * depth + b"hi"
    with pytest.raises(ExtractionError, match="nested"):
        importers.extract(forwards, "deep.eml")


def test_a_huge_header_costs_a_cut_title_not_minutes():
    data = HEAD + b"MIME-Version: 1.0\r\nSubject: " + b"word " * 1_000_000 + BODY
    extracted = importers.extract(data, "huge.eml")
    assert 0 < len(extracted.title) <= 301
    assert "article text" in extracted.text
    huge_type = HEAD + b"Subject: x\r\nContent-Type: text/plain; " + b"a=b; " * 500_000 + BODY
    assert "article text" in importers.extract(huge_type, "huge.eml").text


def test_an_unknown_charset_is_guessed_not_fatal():
    data = (
        HEAD
        + b"Subject: =?x-unknown?q?caf=E9_cr=E8me?=\r\nMIME-Version: 1.0\r\n"
        + b'Content-Type: text/plain; charset="x-unknown"\r\n\r\n'
        + "Café au lait et croissants, le matin à Paris, avant le travail. ".encode("latin-1") * 20
    )
    extracted = importers.extract(data, "odd.eml")
    assert extracted.title == "café crème"
    assert "Café au lait et croissants" in extracted.text
    html_part = (
        HEAD + b'Subject: x\r\nMIME-Version: 1.0\r\nContent-Type: text/html; charset="x-unknown"'
        b"\r\n\r\n<html><body>"
        + b"<p>Stra\xdfenbahn f\xe4hrt wieder durch die Innenstadt, sagt die Stadt heute.</p>" * 10
        + b"</body></html>"
    )
    assert "Straßenbahn fährt" in importers.extract(html_part, "odd.eml").text


@pytest.mark.parametrize(
    ("declared", "body", "expected"),
    [
        # Windows quotes in mail labelled Latin-1, as mail programs have always sent it.
        ("iso-8859-1", "\u201cCaf\u00e9\u201d, she said.".encode("cp1252"), "\u201cCafé\u201d"),
        # UTF-8 labelled ASCII or Latin-1.
        ("us-ascii", "Stra\u00dfenbahn f\u00e4hrt".encode(), "Straßenbahn fährt"),
        ("iso-8859-1", "Stra\u00dfenbahn f\u00e4hrt".encode(), "Straßenbahn fährt"),
        ("koi8-r", "Москва, пятница".encode("koi8-r"), "Москва, пятница"),
    ],
)
def test_a_mislabelled_charset_is_read_as_mail_programs_read_it(declared, body, expected):
    data = (
        HEAD
        + b"Subject: x\r\nMIME-Version: 1.0\r\n"
        + f"Content-Type: text/plain; charset={declared}\r\n".encode()
        + b"Content-Transfer-Encoding: 8bit\r\n\r\n"
        + (body + b" The rest of the article goes on in plain words.") * 10
    )
    assert expected in importers.extract(data, "m.eml").text


def test_an_html_fragment_as_mail_programs_send_it():
    data = (
        HEAD + b"Subject: Fragment\r\nMIME-Version: 1.0\r\n"
        b"Content-Type: text/html; charset=utf-8\r\n\r\n"
        + "<p>Le café de la gare rouvre après deux ans de travaux, dit la mairie.</p>".encode()
        * 12
    )
    assert "Le café de la gare rouvre" in importers.extract(data, "f.eml").text


def test_a_truncated_base64_body_keeps_what_decodes_and_says_so():
    text = ("The article text goes on and on, sentence after sentence. " * 40).encode()
    data = (
        HEAD
        + b"Subject: Cut\r\nMIME-Version: 1.0\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + base64.encodebytes(text)[:-42]  # mid-quantum
    )
    extracted = importers.extract(data, "cut.eml")
    assert extracted.text.startswith("The article text goes on")
    assert len(extracted.text) > len(text) * 0.9
    assert any("cut off" in w for w in extracted.warnings)


def test_a_message_with_only_an_attachment_is_refused_naming_it():
    message = EmailMessage()
    message["From"] = "a@example.com"
    message["Subject"] = "scan"
    message["Date"] = "Mon, 30 Nov 2026 09:38:00 +0000"
    message.add_attachment(b"\x89PNG...", maintype="image", subtype="png", filename="scan.png")
    with pytest.raises(ExtractionError, match=r"scan\.png"):
        importers.extract(message.as_bytes(policy=SMTP), "scan.eml")


# --- mailboxes ------------------------------------------------------------------------


def _three(corpus):
    articles = [ecbplus_article(corpus, d) for d in ("2_1ecbplus", "3_1ecbplus", "6_1ecbplus")]
    senders = ["Deadline <n@deadline.com>", "HuffPost <n@e.huffpost.com>", "<n@cinemablend.com>"]
    return articles, [make_newsletter(a, sender=s) for a, s in zip(articles, senders, strict=True)]


def test_a_mailbox_gives_one_clipping_per_message(corpus):
    articles, messages = _three(corpus)
    box = make_mbox(messages)
    assert importers.importer_for(box, "Saved.mbox").name == "mbox"
    assert importers.importer_for(box, "no-suffix").name == "mbox"
    found = importers.extract_articles(box, "Saved.mbox")
    assert [e.part for e in found] == [1, 2, 3]
    assert [e.title for e in found] == [a.title for a in articles]
    # The third sender gives no name: its mailing list (List-Id) does.
    assert [e.outlet for e in found] == ["Deadline", "HuffPost", "Example News"]
    assert {e.format for e in found} == {"mbox"}
    for extracted, article in zip(found, articles, strict=True):
        precision, recall = word_scores(extracted.text, article.text)
        assert recall >= 0.95 and precision >= 0.9


def test_from_lines_in_a_body_are_unquoted_and_never_split_a_message(corpus):
    article = ecbplus_article(corpus, "2_1ecbplus")
    text = article.paragraphs[0]
    quoted = make_newsletter(
        type(article)(
            title=article.title,
            paragraphs=(
                text,
                "From here on, the Academy said, nothing changes.",
                *article.paragraphs[1:],
            ),
        ),
        with_html=False,
    )
    unquoted_line = b"\nFrom 9:30 to 11:00 on Monday 30 Nov 2026 the doors stay shut.\n"
    raw = make_mbox([quoted, quoted.replace(b"\n\n", unquoted_line, 1)])
    assert raw.count(b"\n>From here on") == 2
    messages = list(split_mbox(raw))
    assert len(messages) == 2
    found = importers.extract_articles(raw, "box.mbox")
    assert len(found) == 2
    assert "From here on, the Academy said" in found[0].text


def test_one_broken_message_is_a_warning_not_the_whole_mailbox(corpus):
    _articles, messages = _three(corpus)
    broken = (
        HEAD + b"Subject: only a picture\r\nMIME-Version: 1.0\r\nContent-Type: image/png\r\n\r\nxx"
    )
    box = make_mbox([messages[0], broken, messages[2]])
    found = importers.extract_articles(box, "box.mbox")
    assert [e.part for e in found] == [1, 3]
    assert any("message 2" in w for w in found[0].warnings)


def test_a_message_over_the_limit_is_refused_and_the_others_import(monkeypatch, corpus):
    from clippings.importers import mbox
    from clippings.importers.base import reporting_steps

    _articles, messages = _three(corpus)
    monkeypatch.setattr(mbox, "MAX_MESSAGE_BYTES", max(len(m) for m in messages[:2]) + 100)
    big = messages[2] + b"x" * 200_000
    steps = []
    with reporting_steps(lambda done, total, message: steps.append((done, total))):
        found = importers.extract_articles(make_mbox([*messages[:2], big]), "box.mbox")
    assert [e.part for e in found] == [1, 2]
    assert any("message 3" in w and "larger than" in w for w in found[0].warnings)
    assert steps[0] == (0, 3) and steps[-1] == (3, 3)


@pytest.mark.parametrize(
    ("from_line", "extra", "newline"),
    [
        # Google Takeout
        (
            b"From 1782633019281035372@xxx Mon Nov 30 09:38:00 +0000 2026",
            b"X-GM-THRID: 1782633019281035372\nX-Gmail-Labels: Newsletters,Opened\n",
            b"\n",
        ),
        # Thunderbird
        (
            b"From - Mon Nov 30 09:38:00 2026",
            b"X-Mozilla-Status: 0001\nX-Mozilla-Status2: 00000000\nX-Mozilla-Keys: \n",
            b"\n",
        ),
        # mutt, written on Windows
        (b"From newsletter@example.com  Mon Nov  30 09:38:00 2026", b"", b"\r\n"),
    ],
    ids=["takeout", "thunderbird", "crlf"],
)
def test_mailboxes_as_mail_programs_write_them(corpus, from_line, extra, newline):
    _articles, messages = _three(corpus)
    box = b"".join(
        (from_line + b"\n" + extra + m.replace(b"\r\n", b"\n") + b"\n").replace(b"\n", newline)
        for m in messages
    )
    assert importers.importer_for(box, "All mail.mbox").name == "mbox"
    found = importers.extract_articles(box, "All mail.mbox")
    assert [e.part for e in found] == [1, 2, 3]
    assert found[0].outlet == "Deadline"


def test_a_mailbox_of_one_message_is_one_article(corpus):
    _articles, messages = _three(corpus)
    [only] = importers.extract_articles(make_mbox(messages[:1]), "one.mbox")
    assert only.part is None


def test_too_many_messages_are_refused(monkeypatch, corpus):
    from clippings.importers import mbox
    from clippings.model import TooLargeError

    monkeypatch.setattr(mbox, "MAX_MESSAGES", 2)
    _articles, messages = _three(corpus)
    with pytest.raises(TooLargeError, match="split it"):
        MboxImporter().extract_articles(make_mbox(messages), "big.mbox")


# --- saved pages ----------------------------------------------------------------------


@pytest.mark.parametrize("page", ["nytimes-1", "heise", "liberation-1", "la-nacion"])
def test_an_mhtml_is_its_pages_article_at_the_snapshots_address(corpus, page):
    source = (corpus / "readability" / "test-pages" / page / "source.html").read_text("utf-8")
    url = f"https://news.example.com/{page}/story.html"
    data = make_mhtml(source, url, title="The page title as Chrome saves it")
    assert importers.importer_for(data, "page.mhtml").name == "mhtml"
    assert importers.importer_for(data, "page.bin").name == "mhtml"
    assert importers.importer_for(data, "page.mht").name == "mhtml"
    extracted = importers.extract(data, "page.mhtml")
    as_page = HtmlImporter().extract(source.encode("utf-8"), "page.html")
    assert extracted.format == "mhtml"
    assert extracted.url == url and extracted.provenance["url"] == "mhtml-header"
    assert extracted.text == as_page.text
    assert extracted.title == as_page.title
    expected = readability_article(corpus, page)
    precision, recall = word_scores(extracted.text, expected.text)
    assert recall >= 0.9 and precision >= 0.9


def test_an_mhtml_without_a_title_takes_the_subject():
    page = "<html><body>" + "<p>A paragraph of the saved page, with enough words.</p>" * 8
    data = make_mhtml(page + "</body></html>", "https://example.com/a", title="Le titre sauvé")
    extracted = MhtmlImporter().extract(data, "a.mhtml")
    assert extracted.title == "Le titre sauvé"


@pytest.mark.parametrize("saved_by", ["ie", "word"])
def test_an_mht_of_internet_explorer_or_word_is_a_saved_page(saved_by):
    head = b"From: <Saved by Windows Internet Explorer 8>\r\n" if saved_by == "ie" else b""
    page = (
        b"<html><head><meta charset=windows-1252><title>Caf\xe9 society</title></head><body>"
        + b"<p>Le caf\xe9 de la place rouvre ses portes apr\xe8s deux ans de travaux.</p>" * 8
        + b"</body></html>"
    )
    data = (
        head + b"Subject: Caf=E9 society\r\nMIME-Version: 1.0\r\n"
        b'Content-Type: multipart/related; boundary="----=_NextPart_000"\r\n\r\n'
        b"------=_NextPart_000\r\n"
        b'Content-Type: text/html; charset="windows-1252"\r\n'
        b"Content-Transfer-Encoding: 8bit\r\n"
        b"Content-Location: http://www.example.fr/cafe.html\r\n\r\n"
        + page
        + b"\r\n------=_NextPart_000--\r\n"
    )
    assert importers.importer_for(data, "cafe.mht").name == "mhtml"
    extracted = importers.extract(data, "cafe.mht")
    assert extracted.url == "http://www.example.fr/cafe.html"
    assert "Le café de la place" in extracted.text


def test_a_mail_with_inline_images_is_mail_not_a_saved_page(corpus):
    data = make_newsletter(ecbplus_article(corpus, "2_1ecbplus"), with_text=False)
    assert importers.importer_for(data, "x.eml").name == "email"


@pytest.mark.parametrize("importer", [EmailImporter(), MboxImporter(), MhtmlImporter()])
@pytest.mark.parametrize(
    "data",
    [b"", b"From: a@b.c\r\n\r\n", b"MIME-Version: 1.0\r\nContent-Type: multipart/related\r\n\r\n"],
)
def test_empty_and_bodiless_files_raise_the_projects_errors(importer, data):
    with pytest.raises(ClippingsError):
        importer.extract(data, "x")
