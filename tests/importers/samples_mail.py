"""Mail and saved-page samples the tests make themselves with the standard library.

``make_newsletter`` wraps a real article (from the shared corpus) in a newsletter's
furniture, as a multipart/alternative message; ``make_mbox`` puts messages in a mailbox;
``make_mhtml`` saves a page the way Chrome's "Save as... single file" does. The
article loaders read the corpus (``ecbplus_article``, ``readability_article``). The
integrator's bench reuses all of them.
"""

from __future__ import annotations

import html
import quopri
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from email.message import EmailMessage
from email.policy import SMTP
from email.utils import format_datetime
from pathlib import Path


@dataclass(frozen=True)
class Article:
    """A real article: its headline, its paragraphs and its address."""

    title: str
    paragraphs: tuple[str, ...]
    url: str | None = None
    language: str = "en"

    @property
    def text(self) -> str:
        return "\n\n".join(self.paragraphs)


def ecbplus_article(corpus: Path, doc: str) -> Article:
    """An ECB+ text (``2_1ecbplus``): its header's headline and URL, a paragraph a line."""
    for line in (corpus / "ecbplus" / "index.tsv").read_text(encoding="utf-8").splitlines():
        fields = line.split("\t")
        if fields[0] == doc:
            lines = (corpus / "ecbplus" / fields[9]).read_text(encoding="utf-8").splitlines()
            body = tuple(line.strip() for line in lines[3:] if line.strip())
            return Article(title=fields[6], paragraphs=body, url=fields[4] or None)
    raise LookupError(doc)


def readability_article(corpus: Path, name: str) -> Article:
    """A page of mozilla/readability's tests: its expected main text, paragraph by
    paragraph, and its title and language from ``expected-metadata.json``."""
    import json

    from lxml import html as lxml_html

    folder = corpus / "readability" / "test-pages" / name
    metadata = json.loads((folder / "expected-metadata.json").read_text(encoding="utf-8"))
    tree = lxml_html.fromstring((folder / "expected.html").read_text(encoding="utf-8"))
    found = []
    for element in tree.iter("p", "h2", "h3", "li", "blockquote"):
        if any(parent.tag in ("p", "li", "blockquote") for parent in element.iterancestors()):
            continue
        text = " ".join(element.text_content().split())
        if len(text.split()) >= 4:
            found.append(text)
    return Article(
        title=metadata["title"],
        paragraphs=tuple(found),
        language=(metadata.get("lang") or "en")[:2],
    )


# The furniture of a newsletter, per language: the top, and the footer's lines.
FURNITURE = {
    "en": {
        "browser": "View this email in your browser",
        "preheader": "Your morning briefing from {outlet}",
        "footer": [
            "You are receiving this email because you subscribed to {outlet} newsletters.",
            "Unsubscribe | Manage preferences | Forward to a friend",
            "© 2026 {outlet}. All rights reserved.",
            "{outlet}, 1 CNN Center, Atlanta, GA 30303",
        ],
    },
    "de": {
        "browser": "Im Browser ansehen",
        "preheader": "Ihr Morgenbriefing von {outlet}",
        "footer": [
            "Sie erhalten diese E-Mail, weil Sie den Newsletter von {outlet} abonniert haben.",
            "Abmelden | Einstellungen verwalten | An einen Freund weiterleiten",
            "© 2026 {outlet}. Alle Rechte vorbehalten.",
            "{outlet}, Karl-Wiechert-Allee 10, 30625 Hannover",
        ],
    },
    "fr": {
        "browser": "Voir dans le navigateur",
        "preheader": "Votre lettre du matin de {outlet}",
        "footer": [
            "Vous recevez cet e-mail car vous êtes abonné à la lettre de {outlet}.",
            "Se désabonner | Gérer mes préférences | Transférer à un ami",
            "© 2026 {outlet}. Tous droits réservés.",
            "{outlet}, 2 rue du Louvre, 75001 Paris",
        ],
    },
    "es": {
        "browser": "Ver en el navegador",
        "preheader": "Tu boletín de la mañana de {outlet}",
        "footer": [
            "Recibes este correo porque estás suscrito al boletín de {outlet}.",
            "Darse de baja | Gestionar preferencias | Reenviar a un amigo",
            "© 2026 {outlet}. Todos los derechos reservados.",
            "{outlet}, Calle de Alcalá 120, 28009 Madrid",
        ],
    },
}

DEFAULT_DATE = datetime(2026, 11, 30, 9, 38, tzinfo=UTC)


def newsletter_html(
    article: Article,
    outlet: str,
    language: str = "en",
    browser_url: str | None = None,
    layout: str = "paragraphs",
) -> str:
    """A newsletter's HTML: tables of tables, its furniture above and below the article,
    a tracking pixel. ``layout`` "paragraphs" puts each paragraph in a ``<p>``; "breaks"
    writes them into one cell separated by ``<br><br>``, as older mailers do."""
    words = FURNITURE[language]
    link = browser_url or "https://newsletters.example.com/view/20261130"
    if layout == "breaks":
        paragraphs = "<br><br>\n".join(html.escape(p) for p in article.paragraphs)
    else:
        paragraphs = "\n".join(
            f'<p style="font-size:16px;line-height:24px">{html.escape(p)}</p>'
            for p in article.paragraphs
        )
    footer = "\n".join(
        f'<tr><td style="font-size:11px;color:#999">{_footer_line(line, outlet)}</td></tr>'
        for line in words["footer"]
    )
    return f"""<!DOCTYPE html>
<html lang="{language}"><head><meta charset="utf-8">
<title>{html.escape(article.title)}</title>
<style>td {{ font-family: Arial }}</style></head>
<body style="margin:0">
<div style="display:none">{html.escape(words["preheader"].format(outlet=outlet))}</div>
<table width="100%" cellpadding="0" cellspacing="0"><tr><td align="center">
<table width="600">
<tr><td style="font-size:11px" align="right"><a href="{link}">{words["browser"]}</a></td></tr>
<tr><td><img src="cid:logo@example" alt="{html.escape(outlet)}" width="200"></td></tr>
<tr><td>
<h1>{html.escape(article.title)}</h1>
{paragraphs}
</td></tr>
{footer}
</table></td></tr></table>
<img src="https://t.example.com/open/abc123.gif" width="1" height="1" alt="">
</body></html>"""


def _footer_line(line: str, outlet: str) -> str:
    text = html.escape(line.format(outlet=outlet))
    # Links as newsletters write them: each bar-separated word a link.
    if " | " in text:
        return " | ".join(
            f'<a href="https://newsletters.example.com/{i}">{part}</a>'
            for i, part in enumerate(text.split(" | "))
        )
    return text


def newsletter_text(
    article: Article, outlet: str, language: str = "en", browser_url: str | None = None
) -> str:
    """The same newsletter as the plain-text alternative."""
    words = FURNITURE[language]
    link = browser_url or "https://newsletters.example.com/view/20261130"
    lines = [f"{words['browser']}: {link}", "", article.title, ""]
    for paragraph in article.paragraphs:
        lines.extend([paragraph, ""])
    lines.append("----")
    lines.extend(line.format(outlet=outlet) for line in words["footer"])
    return "\n".join(lines) + "\n"


def make_newsletter(
    article: Article,
    *,
    sender: str = "CNNMoney <newsletter@e.cnn.com>",
    subject: str | None = None,
    date: datetime = DEFAULT_DATE,
    language: str = "en",
    browser_url: str | None = None,
    with_html: bool = True,
    with_text: bool = True,
    attachments: dict[str, bytes] | None = None,
    forwarded_by: str | None = None,
    layout: str = "paragraphs",
) -> bytes:
    """A newsletter e-mail around ``article``: multipart/alternative (text and HTML, as
    chosen), with a ``cid:`` logo (multipart/related), List-Unsubscribe and List-Id
    headers, attachments as given; wrapped as an attachment of a forward from
    ``forwarded_by`` when given."""
    outlet = sender.split("<")[0].strip().strip('"') or "Example News"
    message = EmailMessage()
    message["From"] = sender
    message["To"] = "reader@example.org"
    message["Subject"] = subject if subject is not None else article.title
    message["Date"] = format_datetime(date)
    message["Message-ID"] = f"<{abs(hash((article.title, date)))}@example.com>"
    message["List-Unsubscribe"] = "<https://newsletters.example.com/unsubscribe>"
    message["List-Id"] = f"{outlet} <daily.newsletters.example.com>"
    if with_text:
        message.set_content(newsletter_text(article, outlet, language, browser_url))
    if with_html:
        markup = newsletter_html(article, outlet, language, browser_url, layout)
        if with_text:
            message.add_alternative(markup, subtype="html")
            html_part = message.get_payload()[1]
        else:
            message.set_content(markup, subtype="html")
            html_part = message
        html_part.add_related(
            b"GIF89a\x01\x00\x01\x00\x00\x00\x00;", "image", "gif", cid="<logo@example>"
        )
    for name, data in (attachments or {}).items():
        message.add_attachment(data, maintype="application", subtype="pdf", filename=name)
    if forwarded_by:
        forward = EmailMessage()
        forward["From"] = forwarded_by
        forward["To"] = "archive@example.org"
        forward["Subject"] = "Fwd: " + str(message["Subject"])
        forward["Date"] = format_datetime(date.replace(hour=12))
        forward["Message-ID"] = "<forward-1@example.org>"
        forward.set_content("Worth keeping, see the attached newsletter.\n")
        forward.add_attachment(message)
        message = forward
    return message.as_bytes(policy=SMTP)


def make_inline_forward(
    article: Article,
    *,
    sender: str = "CNNMoney <newsletter@e.cnn.com>",
    forwarder: str = "Jane Reader <jane@example.org>",
    note: str = "Worth keeping for the Oscars file.",
    with_html: bool = True,
) -> bytes:
    """A newsletter forwarded inline as Gmail does it: the forwarder's note, the
    "Forwarded message" marker and the newsletter's headers above its text and HTML."""
    outlet = sender.split("<")[0].strip().strip('"')
    address = sender[sender.index("<") + 1 : sender.index(">")]
    when = "Mon, Nov 30, 2026 at 9:38 AM"
    text = (
        f"{note}\n\n---------- Forwarded message ---------\nFrom: *{outlet}* <{address}>\n"
        f"Date: {when}\nSubject: {article.title}\nTo: <reader@example.org>\n\n\n"
        + newsletter_text(article, outlet)
    )
    inner = newsletter_html(article, outlet)
    inner = inner[inner.index("<body") : inner.index("</body>")]
    inner = inner[inner.index(">") + 1 :]
    markup = (
        f'<div dir="ltr">{html.escape(note)}<br><br><div class="gmail_quote">'
        '<div dir="ltr" class="gmail_attr">---------- Forwarded message ---------<br>'
        f'From: <strong class="gmail_sendername" dir="auto">{html.escape(outlet)}</strong> '
        f'<span dir="auto">&lt;{address}&gt;</span><br>Date: {when}<br>'
        f"Subject: {html.escape(article.title)}<br>To: &lt;reader@example.org&gt;<br></div>"
        f"<br><br>{inner}</div></div>"
    )
    message = EmailMessage()
    message["From"] = forwarder
    message["To"] = "archive@example.org"
    message["Subject"] = "Fwd: " + article.title
    message["Date"] = "Tue, 01 Dec 2026 18:02:11 +0100"
    message["Message-ID"] = "<inline-forward-1@mail.gmail.com>"
    message.set_content(text)
    if with_html:
        message.add_alternative(markup, subtype="html")
    return message.as_bytes(policy=SMTP)


def make_mbox(messages: list[bytes]) -> bytes:
    """A mailbox (mboxrd) of the messages: a ``From `` line before each, body lines that
    start with "From " quoted."""
    out = []
    for number, raw in enumerate(messages):
        body = raw.replace(b"\r\n", b"\n")
        body = re.sub(rb"(?m)^(>*From )", rb">\1", body)
        stamp = datetime(2026, 11, 30, 9, number % 60, tzinfo=UTC).strftime("%a %b %d %H:%M:%S %Y")
        out.append(b"From newsletter@example.com " + stamp.encode() + b"\n" + body)
        if not body.endswith(b"\n"):
            out.append(b"\n")
        out.append(b"\n")
    return b"".join(out)


def make_mhtml(page: str, url: str, *, title: str | None = None) -> bytes:
    """A page saved as Chrome saves it: ``Snapshot-Content-Location``, the page as
    quoted-printable HTML at that address, then an image and a style sheet."""
    boundary = "----MultipartBoundary--Wv1Pz7nN9kYQ7xFhV3xgH5bIuGtbBbPn6PKyqA7XQK----"
    subject = title if title is not None else "Saved page"
    encoded_subject = (
        "=?utf-8?Q?"
        + quopri.encodestring(subject.encode("utf-8"), header=True).decode("ascii")
        + "?="
    )
    page_bytes = quopri.encodestring(page.replace("\n", "\r\n").encode("utf-8")).decode("ascii")
    head = (
        "From: <Saved by Blink>\r\n"
        f"Snapshot-Content-Location: {url}\r\n"
        f"Subject: {encoded_subject}\r\n"
        "Date: Mon, 30 Nov 2026 09:38:00 -0000\r\n"
        "MIME-Version: 1.0\r\n"
        "Content-Type: multipart/related;\r\n"
        '\ttype="text/html";\r\n'
        f'\tboundary="{boundary}"\r\n\r\n\r\n'
    )
    parts = [
        f"--{boundary}\r\n"
        "Content-Type: text/html\r\n"
        "Content-ID: <frame-4F3C2A1B@mhtml.blink>\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        f"Content-Location: {url}\r\n\r\n" + page_bytes + "\r\n",
        f"--{boundary}\r\n"
        "Content-Type: text/css\r\n"
        "Content-Transfer-Encoding: quoted-printable\r\n"
        "Content-Location: cid:css-1@mhtml.blink\r\n\r\n"
        "@charset =22utf-8=22;\r\nbody { margin: 0px; }\r\n",
        f"--{boundary}\r\n"
        "Content-Type: image/png\r\n"
        "Content-Transfer-Encoding: base64\r\n"
        "Content-Location: https://static.example.com/logo.png\r\n\r\n"
        "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==\r\n",
    ]
    return (head + "".join(parts) + f"--{boundary}--\r\n").encode("ascii")


_WORD = re.compile(r"\w+")


def word_scores(found: str, expected: str) -> tuple[float, float]:
    """Precision and recall of ``found``'s words against ``expected``'s (bags of words,
    case folded)."""
    from collections import Counter

    got = Counter(w.casefold() for w in _WORD.findall(found))
    want = Counter(w.casefold() for w in _WORD.findall(expected))
    common = sum((got & want).values())
    precision = common / max(1, sum(got.values()))
    recall = common / max(1, sum(want.values()))
    return precision, recall


# --- the contract test's samples ---------------------------------------------------------


def contract_newsletter(corpus: Path) -> bytes:
    """A newsletter around ECB+ 2_1 (the shared contract test's ``email`` sample)."""
    return make_newsletter(ecbplus_article(corpus, "2_1ecbplus"))


def contract_mbox(corpus: Path) -> bytes:
    """Three newsletters in a mailbox (the contract test's ``mbox`` sample)."""
    docs = ("2_1ecbplus", "3_1ecbplus", "6_1ecbplus")
    return make_mbox([make_newsletter(ecbplus_article(corpus, doc)) for doc in docs])


def contract_mhtml(corpus: Path) -> bytes:
    """readability's nytimes-1 page saved as Chrome saves it (the ``mhtml`` sample)."""
    page = corpus / "readability" / "test-pages" / "nytimes-1" / "source.html"
    return make_mhtml(
        page.read_text(encoding="utf-8"),
        "https://www.nytimes.com/2016/12/28/world/africa/sudan-sanctions.html",
    )


# --- hostile mail ------------------------------------------------------------------------


def hostile_mail() -> dict[str, bytes]:
    """Messages, mailboxes and saved pages made to hurt an importer, by file name (for
    ``tools/hostile.py``): each must cost a message or import, never a traceback or a
    hang."""
    head = b"From: News <news@example.com>\r\nDate: Mon, 30 Nov 2026 09:38:00 +0000\r\n"
    body = b"\r\n\r\n" + b"The article text of a plain message goes on here. " * 40 + b"\r\n"
    depth = 10_000
    nested = (
        head
        + b"Subject: deep\r\nMIME-Version: 1.0\r\n"
        + b"".join(
            b'Content-Type: multipart/mixed; boundary="b%d"\r\n\r\n--b%d\r\n' % (i, i)
            for i in range(depth)
        )
        + b"Content-Type: text/plain\r\n\r\nhello\r\n"
        + b"".join(b"--b%d--\r\n" % i for i in reversed(range(depth)))
    )
    tiny = head + b"Subject: tiny\r\n\r\nA short message of a few words.\r\n"
    return {
        "nested-10000-multiparts.eml": nested,
        "forwards-10000-deep.eml": head
        + b"Subject: x\r\n"
        + b"Content-Type: message/rfc822\r\n\r\n" * depth
        + b"hi",
        "subject-5-MB.eml": head + b"MIME-Version: 1.0\r\nSubject: " + b"word " * 1_000_000 + body,
        "content-type-2-MB.eml": head
        + b"Subject: x\r\nContent-Type: text/plain; "
        + b"a=b; " * 400_000
        + body,
        "charset-x-unknown.eml": head
        + b'Subject: =?x-unknown?q?caf=E9?=\r\nContent-Type: text/html; charset="x-unknown"'
        + b"\r\n\r\n<p>"
        + b"Caf\xe9 au lait. " * 200
        + b"</p>",
        "truncated-base64.eml": head
        + b"Subject: cut\r\nContent-Type: text/plain; charset=utf-8\r\n"
        + b"Content-Transfer-Encoding: base64\r\n\r\n"
        + b"VGhlIGFydGljbGUgdGV4dCBnb2VzIG9u" * 100
        + b"VGhlIGFyd",
        "10001-messages.mbox": make_mbox([tiny] * 10_001),
        "mbox-of-garbage.mbox": b"From x@y Mon Nov 30 09:38:00 2026\nFrom: a@b.c\nSubject: x\n\n"
        + bytes(range(256)) * 2000,
        "related-10000-parts.mhtml": b"From: <Saved by Blink>\r\nSnapshot-Content-Location: "
        b"https://example.com/\r\nMIME-Version: 1.0\r\nContent-Type: multipart/related; "
        b'type="text/html"; boundary="b"\r\n\r\n'
        + b"--b\r\nContent-Type: image/png\r\n\r\nx\r\n" * 10_000
        + b"--b\r\nContent-Type: text/html\r\n\r\n<html><body><p>"
        + b"The saved page's only paragraph, at the very end of the file. " * 10
        + b"</p></body></html>\r\n--b--\r\n",
    }
