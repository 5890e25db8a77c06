"""What a newsletter wraps around its article: the rules that find it, in several languages.

A newsletter e-mail opens with "View in browser" and closes with "Unsubscribe", "Manage
preferences", "You are receiving this because...", "Forward to a friend", the sender's
postal address and a copyright line. None of it is the article. The rules here find
those paragraphs (``is_boilerplate``) in English, German, French, Spanish, Italian and
Portuguese, and cut them from the ends of a message's paragraphs (``trim_paragraphs``):
a newsletter's furniture sits at its top and bottom, and an article sentence that
happens to say "unsubscribe" in its middle stays. Only short lines that are nothing but
furniture ("Unsubscribe | Preferences") go wherever they stand.

``browser_link`` finds the "View in browser" link, whose target is the newsletter's web
copy: the clipping's URL.

Separate from ``mail`` because these rules grow with every newsletter that shows a new
kind of furniture, and are tested on their own.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from lxml.html import HtmlElement

# "View in browser": the link to the newsletter's web copy.
_BROWSER = (
    # English
    r"view\ (?:this\ (?:e-?mail|newsletter|message)\ )?(?:in\ (?:your\ |a\ )?browser|online"
    r"|as\ (?:a\ )?web\ ?page)"
    r"|web\ version|online\ version|read\ (?:it\ )?online|open\ in\ (?:your\ )?browser"
    r"|read\ in\ (?:the\ )?app"
    r"|(?:having\ )?trouble\ (?:viewing|reading)\ this|(?:e-?mail|message)\ not\ displaying"
    r"|can'?t\ see\ (?:this|the)\ (?:e-?mail|images)|click\ here\ to\ view"
    # German
    r"|im\ (?:web)?browser\ (?:ansehen|anzeigen|öffnen|lesen)|web-?version|online-?version"
    r"|online\ (?:ansehen|lesen|anzeigen)|wird\ (?:diese|die)\ (?:e-?mail|nachricht)\ nicht"
    # French
    r"|(?:voir|afficher|consulter|lire|ouvrir)\ (?:ce\ (?:message|mail|courriel)\ )?"
    r"(?:dans\ (?:votre|le|un)\ navigateur|en\ ligne)"
    r"|version\ (?:en\ ligne|web|navigateur)|si\ ce\ (?:message|mail)\ ne\ s'affiche"
    # Spanish, Italian, Portuguese
    r"|ver\ (?:este\ (?:correo|email|mensaje)\ )?(?:en\ (?:el\ |tu\ |su\ )?navegador|en\ línea"
    r"|online)|versión\ (?:web|online|en\ línea)"
    r"|visualizza\ (?:nel\ browser|online)|versione\ (?:web|online)"
    r"|ver\ no\ navegador|versão\ (?:web|online)"
)
# Paragraphs that are a newsletter's furniture, whatever else they say.
_FURNITURE = (
    _BROWSER
    # English
    + r"|unsubscribe|opt[\ -]out|manage\ (?:your\ )?(?:e-?mail\ )?(?:preferences|subscriptions?"
    r"|settings)|update\ (?:your\ )?(?:e-?mail\ )?(?:preferences|profile|subscription)"
    r"|(?:e-?mail|subscription|newsletter)\ (?:preferences|settings)"
    r"|you\ (?:are|were)\ receiving\ this|you\ received\ this|you(?:'re|\ are)\ getting\ this"
    r"|this\ (?:e-?mail|message|newsletter)\ was\ sent\ (?:to|by)"
    r"|(?:sent|delivered)\ to\ [\w.+-]+@|because\ you\ (?:signed\ up|subscribed|opted)"
    r"|forward\ (?:this\ (?:e-?mail|newsletter|message)\ )?to\ a\ friend|forwarded\ this"
    r"|add\ (?:us|[\w.+-]+@[\w.-]+)\ to\ your\ (?:address\ book|contacts|safe)"
    r"|(?:free|paid)\ subscriber|upgrade\ to\ paid|read\ in\ app|restack"
    r"|our\ mailing\ address\ is|mailing\ address:|powered\ by\ (?:mailchimp|substack"
    r"|sendinblue|brevo|campaign\ monitor|constant\ contact|hubspot)"
    r"|all\ rights\ reserved|privacy\ (?:policy|notice)|terms\ (?:of\ (?:use|service)"
    r"|and\ conditions)"
    # German
    r"|abmelden|abbestellen|austragen|newsletter\ (?:kündigen|abbestellen)|abmeldung"
    r"|(?:einstellungen|präferenzen|abonnement)\ (?:verwalten|ändern|anpassen)"
    r"|sie\ erhalten\ diese[nrs]?\ (?:e-?mail|nachricht|newsletter)|an\ (?:eine[nr]?\ )?"
    r"(?:freund(?:in)?|bekannte[nr]?)\ weiterleiten|weiterempfehlen|impressum"
    r"|alle\ rechte\ vorbehalten|datenschutz(?:erklärung|hinweise)?"
    # French
    r"|(?:se\ |vous\ )?désabonner|désabonnement|(?:se\ |vous\ )?désinscrire|désinscription"
    r"|gérer\ (?:mes|vos)\ (?:préférences|abonnements)|vous\ recevez\ (?:cet|ce|cette)"
    r"|vous\ avez\ reçu\ (?:cet|ce|cette)|transférer\ à\ un\ ami|tous\ droits\ réservés"
    r"|mentions\ légales|politique\ de\ confidentialité"
    # Spanish
    r"|darse\ de\ baja|darte\ de\ baja|date\ de\ baja|cancelar\ (?:la\ )?suscripción"
    r"|anular\ (?:la\ )?suscripción|(?:gestionar|administrar)\ (?:tus\ |sus\ )?preferencias"
    r"|(?:recibes|recibe|has\ recibido|ha\ recibido)\ este\ (?:correo|e-?mail|mensaje|boletín)"
    r"|reenviar\ a\ un\ amigo|todos\ los\ derechos\ reservados|aviso\ legal"
    r"|política\ de\ privacidad"
    # Italian, Portuguese
    r"|annulla\ (?:l'|la\ )?iscrizione|disiscriviti|cancellati"
    r"|ricevi\ questa\ (?:e-?mail|newsletter)"
    r"|tutti\ i\ diritti\ riservati|descadastr\w+|cancelar\ (?:a\ )?inscrição"
    r"|(?:você\ )?recebeu\ este\ (?:e-?mail|mensagem)|todos\ os\ direitos\ reservados"
)
_BROWSER_PHRASE = re.compile(rf"(?<!\w)(?:{_BROWSER})(?!\w)", re.IGNORECASE | re.VERBOSE)
_FURNITURE_PHRASE = re.compile(rf"(?<!\w)(?:{_FURNITURE})(?!\w)", re.IGNORECASE | re.VERBOSE)

# "© 2026 CNN", "Copyright (c) 2026 Example Ltd.", "(C) 2026".
_COPYRIGHT = re.compile(r"^\W{0,3}(?:©|\(c\)|copyright\b|®)", re.IGNORECASE)
# A postal address: a house number and a street word, or a postcode, on a short line.
_STREET = re.compile(
    r"\b\d{1,5}[a-z]?\s+(?:[\w.'-]+\s+){0,4}(?:street|st\.?|avenue|ave\.?|road|rd\.?|blvd\.?"
    r"|boulevard|lane|ln\.?|drive|dr\.?|way|place|pl\.?|square|sq\.?|plaza|center|centre"
    r"|suite|floor)\b"
    r"|\b(?:straße|strasse|str\.|platz|weg|allee|gasse|ring)\s+\d{1,4}"
    r"|\b\d{1,4}(?:\s*[-,]\s*\d{1,4})?,?\s+(?:rue|avenue|boulevard|bd|place|quai|allée|chemin)\b"
    r"|\b(?:calle|c/|avenida|avda\.?|plaza|paseo|via|viale|piazza|rua|avenida)\s+[\w\s.'-]{2,40}"
    r"\d{1,4}"
    r"|\b(?:p\.?\s?o\.?\s+box|postfach|boîte\ postale|apartado\ de\ correos)\b",
    re.IGNORECASE,
)
_POSTCODE = re.compile(
    r"\b[A-Z]{2}\s+\d{5}(?:-\d{4})?\b"  # US: GA 30303
    r"|\b[A-Z]{1,2}\d[A-Z\d]?\s+\d[A-Z]{2}\b"  # UK: EC1A 1BB
    r"|\b(?:D-|F-|E-|A-|CH-)?\d{4,5}\s+[A-ZÄÖÜÉ][\w-]+"  # DE/FR/ES/IT: 10117 Berlin
)
# Social links and the like: short words joined by bars or bullets.
_SEPARATED = re.compile(r"^[^|•·]{1,40}(?:\s*[|•·]\s*[^|•·]{1,40})+$")
_TRACKING = re.compile(
    r"^\W*(?:\[(?:image|img|cid|bild|imagen)[^\]]*\]|<https?://\S+>|\[?https?://\S+\]?"
    r"|tracking\ pixel|open\ tracking|pixel)\W*$",
    re.IGNORECASE,
)
_WORD = re.compile(r"\w+")

#: The most words a furniture paragraph has ("You are receiving this e-mail because you
#: signed up..." runs to a few dozen).
FURNITURE_WORDS = 70
#: The most words of a line that is nothing but furniture, cut wherever it stands.
CHROME_WORDS = 8


def _words(text: str) -> int:
    return len(_WORD.findall(text))


def is_postal_address(paragraph: str) -> bool:
    """Whether a short paragraph is a postal address (a newsletter footer's sender)."""
    if _words(paragraph) > 30:
        return False
    # Both a street and a postcode: an article's "a 1,500-square-kilometer island,
    # ..., south of Tehran" has neither a postcode nor a house on a street.
    return bool(_STREET.search(paragraph)) and bool(_POSTCODE.search(paragraph))


def is_boilerplate(paragraph: str) -> bool:
    """Whether a paragraph is a newsletter's furniture: "View in browser", "Unsubscribe",
    "Manage preferences", "You are receiving this because...", "Forward to a friend", a
    copyright line, a postal address, links joined by bars, a tracking image's text."""
    text = paragraph.strip()
    if not text:
        return True
    words = _words(text)
    if words > FURNITURE_WORDS:
        return False
    if _FURNITURE_PHRASE.search(text) or _TRACKING.match(text):
        return True
    if words <= 30 and _COPYRIGHT.match(text):
        return True
    if is_postal_address(text):
        return True
    # "Facebook | Twitter | Instagram"
    return words <= 12 and bool(_SEPARATED.match(text))


def is_chrome(paragraph: str) -> bool:
    """Whether a short paragraph is nothing but furniture ("Unsubscribe | Preferences"),
    cut wherever it stands."""
    text = paragraph.strip()
    if _words(text) > CHROME_WORDS:
        return False
    return bool(_FURNITURE_PHRASE.search(text) or _TRACKING.match(text))


def trim_paragraphs(paragraphs: Sequence[str]) -> list[int]:
    """The positions of the paragraphs to keep: the furniture at either end goes, and
    short furniture-only lines anywhere.

    A short paragraph among the furniture at the end that is neither furniture nor
    article (a sender's slogan between "Unsubscribe" and the copyright line) goes with
    it.
    """
    count = len(paragraphs)
    start = 0
    while start < count and is_boilerplate(paragraphs[start]):
        start += 1
    end = count
    while end > start and is_boilerplate(paragraphs[end - 1]):
        end -= 1
    # One short non-furniture paragraph between furniture-only lines in the footer
    # ("Unsubscribe | Preferences", "The Daily Briefing team", "© 2026 ...") goes too.
    while (
        end < count
        and end - 2 > start
        and _words(paragraphs[end - 1]) <= 15
        and is_chrome(paragraphs[end - 2])
    ):
        end -= 2
        while end > start and is_boilerplate(paragraphs[end - 1]):
            end -= 1
    return [i for i in range(start, end) if not is_chrome(paragraphs[i])]


def browser_link(tree: HtmlElement) -> str | None:
    """The target of a newsletter's "View in browser" link (its web copy), if any,
    unwrapped from a mailer's click-tracking redirect when the redirect carries it."""
    for link in tree.iter("a"):
        href = (link.get("href") or "").strip()
        if not href.lower().startswith(("http://", "https://")):
            continue
        text = " ".join(link.text_content().split())
        title = link.get("title") or ""
        if _words(text) <= 12 and (_BROWSER_PHRASE.search(text) or _BROWSER_PHRASE.search(title)):
            return unwrap_redirect(href)
    return None


_TRACKING_PARAMETER = re.compile(r"^(?:utm_\w+|mc_[ce]id|token|r|_hsenc|_hsmi)$", re.IGNORECASE)


def unwrap_redirect(url: str) -> str:
    """The address a click-tracking redirect leads to, when the redirect carries it (a
    query parameter holding a URL, or a path segment of base64-encoded JSON holding one,
    as Substack writes), without tracking parameters; else ``url`` itself."""
    import base64
    import binascii
    import json
    from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

    try:
        parts = urlsplit(url)
    except ValueError:
        return url
    target = None
    for _name, value in parse_qsl(parts.query):
        if value.startswith(("http://", "https://")):
            target = value
            break
    # A signed token is "payload.signature": each dot-separated piece is tried.
    pieces = [p for s in parts.path.split("/") for p in s.split(".")] if target is None else []
    for segment in pieces:
        if len(segment) < 24:
            continue
        try:
            decoded = json.loads(base64.urlsafe_b64decode(segment + "=" * (-len(segment) % 4)))
        except (ValueError, binascii.Error):
            continue
        if isinstance(decoded, dict):
            target = next(
                (v for v in decoded.values() if isinstance(v, str) and v.startswith("http")),
                None,
            )
        if target:
            break
    try:
        found = urlsplit(target or url)
    except ValueError:
        return url
    pairs = parse_qsl(found.query, keep_blank_values=True)
    query = [(k, v) for k, v in pairs if not _TRACKING_PARAMETER.match(k)]
    if len(query) == len(pairs):
        return target or url
    return urlunsplit(found._replace(query=urlencode(query)))


def browser_link_in_text(text: str) -> str | None:
    """The "View in browser" link of a plain-text newsletter: a URL on the phrase's line
    or the line after it."""
    lines = text.splitlines()
    for index, line in enumerate(lines[:40]):
        if _BROWSER_PHRASE.search(line) and _words(line) <= 25:
            for candidate in (line, lines[index + 1] if index + 1 < len(lines) else ""):
                found = re.search(r"https?://[^\s<>\]\)\"']+", candidate)
                if found:
                    return found.group(0)
    return None


# Elements that hold one paragraph of a newsletter's layout (tables of tables).
_BLOCKS = ("p", "td", "th", "div", "li", "h1", "h2", "h3", "h4", "h5", "h6", "tr", "table")


def remove_furniture(tree: HtmlElement) -> int:
    """Remove a newsletter's furniture from its HTML before the article is extracted: the
    smallest block around each furniture paragraph at the message's top or bottom (the
    extractor then neither keeps it nor mistakes a footer for the article).

    Returns:
        How many blocks were removed.
    """
    leaves = [
        element
        for element in tree.iter(*_BLOCKS)
        if not any(child.tag in _BLOCKS for child in element.iterdescendants())
        and " ".join(element.text_content().split())
    ]
    texts = [" ".join(element.text_content().split()) for element in leaves]
    kept = set(trim_paragraphs(texts))
    removed = 0
    for index, element in enumerate(leaves):
        if index in kept:
            continue
        parent = element.getparent()
        if parent is None:
            continue
        element.drop_tree()
        removed += 1
    return removed
