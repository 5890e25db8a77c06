"""Plain-text clippings: text copied from a news site, saved notes, Markdown, subtitles.

What a saved clipping looks like: a header of a few lines (the page's URL, the
headline, a dateline, a byline, in no fixed order, sometimes with a one-sentence
standfirst between them), then the article, often with the site's interface words
copied along ("Listen Live", "Get short URL", "Community standardsDiscussion").

This importer reads the header into metadata and out of the text, drops interface
lines, and keeps the paragraphs: blank-line separated blocks, or one paragraph a line
when the file has no blank lines; hard-wrapped lines are joined again.

Metadata and where it comes from (``Extracted.provenance``):

* ``url``, ``title``, ``author`` from the header: ``text-header``;
* ``published`` from a dateline (see ``dates``): ``text-dateline``; without one, the
  whole date the URL gives (``/2013/05/03/``, see ``dates.url_date``): ``url``;
* ``title`` made from the first sentence when there is no headline: ``derived``;
* ``outlet`` is the URL's host without ``www.``/``m.``/``amp.`` (``articles.latimes.com``
  stays as it is: a subdomain often names a section or edition, and cutting it well
  needs a public-suffix list): ``url``;
* ``language`` detected from the text: ``detected``.
"""

from __future__ import annotations

import html as html_lib
import re
from pathlib import PurePath
from urllib.parse import urlsplit

from clippings.importers.base import text_to_html
from clippings.importers.dates import find_date, parse_dateline, url_date, url_month
from clippings.importers.encoding import decode_text, looks_like_text
from clippings.importers.language import detect_language
from clippings.model import DEFAULT_OPTIONS, Extracted, ExtractionError, ImportOptions, Published


def _wordset(text: str) -> frozenset[str]:
    """The words of ``text`` (long word lists read better as one string)."""
    return frozenset(text.split())


#: How long a derived title may be before it is cut at a word boundary.
TITLE_MAX = 100
#: How many leading lines may hold the header (URL, headline, dateline, byline,
#: standfirst, interface lines).
HEADER_LINES = 8

# --- Interface lines ------------------------------------------------------------------

# Words and phrases of site chrome, in English, Russian, German, French, Spanish,
# Italian and Portuguese. A line is chrome when nothing but these (and counts, arrows,
# bullets) is left on it, so "Share" goes and "Shares in Aeroflot fell" stays.
_CHROME_PHRASES = [
    # English
    "share this article", "share this story", "share this", "share on", "shares", "share",
    "tweet this", "tweet", "facebook", "twitter", "linkedin", "whatsapp", "telegram",
    "reddit", "pinterest", "flipboard", "vkontakte", "vk", "ok", "x", "email this",
    "e-mail", "email", "mail", "print this article", "print this page", "print", "subscribe now",
    "subscribe", "unsubscribe", "listen live", "listen to this article", "listen",
    "get short url", "short url", "short link", "copy link", "link copied", "copy",
    "comments", "comment", "view comments", "show comments", "add comment",
    "join the discussion", "discussion", "discuss", "community standards", "community guidelines",
    "cookies", "cookie policy", "cookie settings", "accept cookies", "accept all", "accept",
    "we use cookies", "privacy policy", "privacy", "terms of use", "terms of service",
    "newsletter", "newsletters", "sign up", "sign in", "log in", "login", "log out",
    "register", "my account", "follow us on", "follow us", "follow", "advertisement",
    "advertising", "advert", "ad", "sponsored", "sponsored content", "read more",
    "read next", "read also", "read the full story", "more", "continue reading",
    "see also", "related articles", "related stories", "related", "most read",
    "most popular", "trending", "top stories", "back to top", "skip to content",
    "skip to main content", "menu", "home", "next", "previous", "prev", "close", "open",
    "search", "watch", "watch live", "live", "video", "photo", "photos", "gallery",
    "loading", "click here", "all rights reserved", "rss", "tags", "topics", "on", "via",
    "to", "the", "this", "and", "us", "our", "with", "your", "for", "a", "in", "now",
    "story", "article", "page", "view", "views", "like", "likes", "reply", "replies",
    # Russian
    "поделиться", "поделитесь", "подписаться", "подписывайтесь", "подпишитесь",
    "комментарии", "комментарий", "комментировать", "обсуждение", "обсудить",
    "читать далее", "читать также", "читайте также", "читать полностью", "подробнее",
    "реклама", "версия для печати", "печать", "распечатать", "войти", "вход",
    "регистрация", "следите за нами", "мы в соцсетях", "слушать", "прямой эфир",
    "получить короткую ссылку", "короткая ссылка", "скопировать ссылку", "ссылка",
    "рассылка", "правила сообщества", "ещё", "еще", "наверх", "на", "в", "и", "нас",
    "твитнуть", "отправить", "телеграм", "телеграмм", "вконтакте", "одноклассники",
    "нравится", "просмотры", "просмотров", "смотреть", "видео", "фото",
    # German
    "artikel teilen", "teilen sie", "teilen", "kommentare", "kommentar", "kommentieren",
    "diskussion", "abonnieren", "abonnement", "anmelden", "abmelden", "registrieren",
    "folgen sie uns", "folgen", "werbung", "anzeige", "artikel drucken", "drucken",
    "weiterlesen", "mehr lesen", "mehr zum thema", "lesen sie auch", "mehr", "datenschutz",
    "cookie-einstellungen", "live hören", "jetzt hören", "anhören", "link kopieren",
    "kurz-url", "zurück", "nach oben", "auf", "uns", "sie", "per",
    # French
    "partager sur", "partager", "partagez", "commentaires", "commentaire", "réagir",
    "réagissez", "s'abonner", "abonnez-vous", "abonnement", "se connecter", "connexion",
    "s'inscrire", "inscription", "suivez-nous", "suivez-nous sur", "publicité", "imprimer",
    "lire la suite", "à lire aussi", "lire aussi", "lire plus", "envoyer par e-mail",
    "écouter", "en direct", "copier le lien", "lien court", "retour en haut", "sur", "nous",
    # Spanish
    "compartir en", "compartir", "comparte", "comentarios", "comentario", "discusión",
    "suscribirse", "suscríbete", "suscribete", "boletín", "iniciar sesión", "registrarse",
    "síguenos", "siguenos", "síguenos en", "publicidad", "imprimir", "leer más",
    "lee también", "seguir leyendo", "enviar por correo", "correo electrónico", "escuchar",
    "en directo", "en vivo", "copiar enlace", "volver arriba", "en", "nos",
    # Italian and Portuguese
    "condividi", "commenti", "iscriviti", "pubblicità", "stampa", "leggi anche",
    "leggi tutto", "compartilhar", "comentários", "assine", "publicidade", "leia mais",
    "leia também",
]  # fmt: skip
# Chrome-only words: a line made only of these is not chrome ("On the": not a line).
_FILLERS = _wordset(
    "on via to the this and us our with your for a in now на в и нас auf uns sie per sur nous "
    "en nos x ok"
)
_CHROME = re.compile(
    r"(?<!\w)(?:"
    + "|".join(re.escape(p) for p in sorted(_CHROME_PHRASES, key=len, reverse=True))
    + r")(?!\w)",
    re.IGNORECASE,
)
_CHROME_NOISE = re.compile(r"[\d\s\W_]+")
_GLUED = re.compile(r"(?<=[a-zа-яё])(?=[A-ZА-ЯЁ])")


def is_interface_line(line: str) -> bool:
    """Whether ``line`` is a site's interface words ("Share", "Listen Live", "12 Comments").

    Glued words ("Community standardsDiscussion") are split first. A line counts only
    when every word on it is an interface word, so an article sentence that uses one
    ("Shares in Aeroflot fell 3%") stays.
    """
    stripped = line.strip()
    if not stripped or len(stripped) > 80:
        return False
    spaced = _GLUED.sub(" ", stripped)
    if not re.search(r"[^\W\d_]", spaced):
        return False
    words = [w.lower() for w in _CHROME.findall(spaced)]
    if not words or all(w in _FILLERS for w in words):
        return False
    return not _CHROME_NOISE.sub("", _CHROME.sub(" ", spaced))


# --- Header ---------------------------------------------------------------------------

_URL_LINE = re.compile(
    r"(?:(?:url|source|link|quelle|источник|fuente)\s*:\s*)?(https?://\S+|www\.\S+\.\S+)",
    re.IGNORECASE,
)
_BYLINE = re.compile(
    r"(?:by|von|par|por|di|автор:?|текст:?)\s+"
    r"([^\W\d_][\w.'’-]*(?:\s+(?:[^\W\d_][\w.'’-]*|and|und|et|y|и)){0,5})\s*(?:[,|].*)?",
    re.IGNORECASE,
)
_SENTENCE_END = re.compile(r"(?<=[.!?…])[\"”’»)]?\s+(?=[\"“‘«(]?[A-ZА-ЯЁÀ-ÖØ-Þ])")
# Words whose period does not end a sentence ("Mr. Smith", "John W. Henry", "U. S.").
_ABBREVIATION = re.compile(
    r"(?:\b[^\W\d_]|\b(?:mr|mrs|ms|dr|st|jr|sr|prof|gen|gov|sen|rep|lt|col|sgt|capt|inc|co|"
    r"corp|vs|no|mt|ft|jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|гг?|т\.?е|им))\.$",
    re.IGNORECASE,
)
_SUBTITLE_TIME = re.compile(
    r"^\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}\s*-->\s*\d{1,2}:\d{2}:\d{2}[,.]\d{1,3}.*$"
)


# A line that is markup rather than words: an XML declaration or processing instruction,
# a doctype, a comment's start or end, or tags with nothing but space between them
# (``<rss version="2.0">``, ``<channel>``, ``</item>``). Never a headline.
_MARKUP_LINE = re.compile(
    r"<\?.*|<!(?:doctype\b|--|\[CDATA\[).*|.*-->|(?:\s*</?[A-Za-z][^<>]*>)+\s*",
    re.IGNORECASE | re.DOTALL,
)
_TAG = re.compile(r"<[^<>]*>")
_COMMENT = re.compile(r"<!--.*?(?:-->|$)", re.DOTALL)
_INSTRUCTION = re.compile(r"<\?.*?\?>|<!doctype[^>]*>", re.IGNORECASE | re.DOTALL)
_CDATA = re.compile(r"<!\[CDATA\[(.*?)\]\]>", re.DOTALL)
_TITLE_ELEMENT = re.compile(r"<title\b[^>]*>(.*?)</title\s*>", re.IGNORECASE | re.DOTALL)


def is_markup_line(line: str) -> bool:
    """Whether ``line`` is markup with no words of its own (``<?xml ...?>``, ``<channel>``)."""
    return bool(_MARKUP_LINE.fullmatch(line.strip()))


def _element_text(markup: str) -> str:
    """The words of a piece of markup: CDATA kept, tags and comments gone, entities read."""
    markup = _CDATA.sub(r"\1", _COMMENT.sub(" ", markup))
    return html_lib.unescape(_TAG.sub(" ", markup))


def _markup_title(text: str) -> str | None:
    """The first ``<title>`` element's text (an RSS channel's or an XHTML page's name)."""
    for match in _TITLE_ELEMENT.finditer(text[:65536]):
        title = re.sub(r"\s+", " ", _element_text(match.group(1))).strip()
        if re.search(r"[^\W\d_]", title):
            return title
    return None


def _markup_as_lines(text: str) -> str:
    """A markup file (an RSS feed saved as text) as the text of its elements, line by line."""
    text = _CDATA.sub(r"\1", _INSTRUCTION.sub(" ", _COMMENT.sub(" ", text)))
    lines = (re.sub(r"[ \t]+", " ", _element_text(line)).strip() for line in text.split("\n"))
    return "\n".join(lines)


class _Header:
    def __init__(self) -> None:
        self.url: str | None = None
        self.title: str | None = None
        self.author: str | None = None
        self.published: Published | None = None
        #: The dateline's line (read again when the URL comes after it).
        self.dateline: str | None = None
        self.lines: set[int] = set()


def _headline_like(line: str, *, after_url: bool) -> bool:
    if is_markup_line(line):
        return False
    words = line.split()
    if not 1 <= len(words) <= 30 or len(line) > 220:
        return False
    if line.endswith((",", ";")):
        return False
    if line.endswith(".") and not line.endswith(("...", "…")):
        # "Esther Williams Dies Aged 91." under a URL; never a body's first sentence.
        return after_url and len(words) <= 14 and not _first_sentence_end(line)
    return True


def _read_header(lines: list[str], blank_after: list[bool]) -> _Header:
    """Find the header among the first non-empty lines.

    Args:
        lines: the non-empty lines of the text.
        blank_after: for each, whether a blank line follows it.
    """
    header = _Header()
    standfirst = 0
    for index, line in enumerate(lines[:HEADER_LINES]):
        previous_is_header = index == 0 or (index - 1) in header.lines
        url = _URL_LINE.fullmatch(line)
        if url and header.url is None:
            header.url = url.group(1)
            header.lines.add(index)
            continue
        when = parse_dateline(line, month_hint=url_month(header.url))
        if when is not None:
            if header.published is None:
                header.published = when
                header.dateline = line
                header.lines.add(index)
                continue
            if previous_is_header:  # "Updated: ..." right under the dateline
                header.lines.add(index)
                continue
        byline = _BYLINE.fullmatch(line)
        if byline and header.author is None and previous_is_header and len(line) <= 80:
            header.author = byline.group(1).strip()
            header.lines.add(index)
            continue
        if header.title is None and standfirst == 0 and len(header.lines) == index:
            following = lines[index + 1] if index + 1 < len(lines) else ""
            # A lowercase next line continues a headline, unless it is a dateline
            # ("mardi 3 mars 2026", "martes, 3 de marzo de 2026").
            continues = (
                following[:1].islower()
                and not blank_after[index]
                and parse_dateline(following) is None
            )
            if _headline_like(line, after_url=header.url is not None) and not continues:
                header.title = line
                header.lines.add(index)
                continue
            if header.url is None or len(line) > 300 or is_markup_line(line):
                break  # the body starts at once: no headline
            # Under a URL the next line is the headline as the clipping gives it. When it
            # reads like the article's first sentence (a page without a headline), it is
            # the title and stays in the text.
            header.title = line
            standfirst = 2
            continue
        if header.title is not None and standfirst < 2 and len(line) <= 250:
            standfirst += 1  # a standfirst: stays in the text
            continue
        break
    if header.dateline is not None and header.url is not None:
        # A slashed date that reads both ways is read as the page's address says.
        header.published = parse_dateline(header.dateline, month_hint=url_month(header.url))
    return header


_PARAGRAPH_END = (".", "!", "?", ":", "…", '"', "”", "»")

# --- Paragraphs -----------------------------------------------------------------------


def _is_wrapped(lines: list[str]) -> bool:
    """Hard-wrapped prose: lines broken mid-sentence near one width.

    A paragraph's last line may be short; most other lines are near the widest and many
    end without a sentence's final stop.
    """
    if len(lines) < 2:
        return False
    width = max(len(line) for line in lines)
    if not 30 <= width <= 100:
        return False
    inner = lines[:-1]
    long_lines = [line for line in inner if len(line) >= 0.6 * width]
    ends = [line for line in inner if line.endswith(_PARAGRAPH_END)]
    mid_sentence = [line for line in long_lines if not line.endswith(_PARAGRAPH_END)]
    return (
        len(set(long_lines) | set(ends)) >= 0.8 * len(inner) and len(mid_sentence) >= len(inner) / 2
    )


def _unwrap(lines: list[str]) -> list[str]:
    """Join hard-wrapped lines; a short line that ends a sentence ends a paragraph."""
    width = max(len(line) for line in lines)
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        current.append(line)
        if len(line) < 0.6 * width and line.endswith(_PARAGRAPH_END):
            paragraphs.append(" ".join(current))
            current = []
    if current:
        paragraphs.append(" ".join(current))
    return paragraphs


def _paragraphs(lines: list[str]) -> list[str]:
    """Paragraphs of cleaned lines ("" marks a blank line)."""
    blocks: list[list[str]] = [[]]
    for line in lines:
        if line:
            blocks[-1].append(line)
        elif blocks[-1]:
            blocks.append([])
    blocks = [block for block in blocks if block]
    if len(blocks) == 1:
        # No blank lines at all: one paragraph a line (ECB+, many copied pages), unless
        # the lines are hard-wrapped prose.
        only = blocks[0]
        return _unwrap(only) if _is_wrapped(only) else only
    paragraphs: list[str] = []
    for block in blocks:
        if _is_wrapped(block):
            paragraphs.append(" ".join(block))
        else:
            paragraphs.append("\n".join(block))
    return paragraphs


def _first_sentence_end(line: str) -> int | None:
    """Where the first sentence of ``line`` ends, or None when it is one sentence."""
    for match in _SENTENCE_END.finditer(line):
        before = line[: match.start()].rstrip('"”’»)')
        if match.start() >= 20 and not _ABBREVIATION.search(before):
            return match.start()
    return None


def derive_title(paragraphs: list[str]) -> str | None:
    """A title made from the first sentence with words, cut at a word's end."""
    for paragraph in paragraphs:
        # The first line with words: markup ("<?xml ...?>", "<channel>") is no sentence.
        first = next((line for line in paragraph.split("\n") if not is_markup_line(line)), "")
        first = re.sub(r"\s+", " ", _element_text(first)).strip() if "<" in first else first
        # Skip a too-short first "sentence" ("U. S." in "U. S. Marshals").
        end = _first_sentence_end(first)
        sentence = first if end is None else first[:end]
        sentence = sentence.strip().rstrip(".").strip()
        if not re.search(r"[^\W\d_]", sentence):
            continue
        if len(sentence) <= TITLE_MAX:
            return sentence
        cut = sentence[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(" ,;:-–—")
        return cut + "…"
    return None


def _outlet(url: str) -> str | None:
    candidate = url if "://" in url else "http://" + url
    host = (urlsplit(candidate).hostname or "").lower()
    host = re.sub(r"^(?:www\d?|m|mobile|amp)\.", "", host)
    return host or None


def _markdown_title(lines: list[str]) -> str | None:
    for line in lines:
        if line:
            match = re.fullmatch(r"#\s+(.+?)\s*#*", line)
            return _strip_markdown(match.group(1)) if match else None
    return None


def _strip_markdown(line: str) -> str:
    line = re.sub(r"^#{1,6}\s+", "", line)
    line = re.sub(r"!\[([^\]]*)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"\[([^\]]+)\]\([^)]*\)", r"\1", line)
    line = re.sub(r"(\*\*|__)(.+?)\1", r"\2", line)
    line = re.sub(r"(?<![\w*])\*(?!\s)(.+?)(?<!\s)\*(?![\w*])", r"\1", line)
    return line


def _drop_subtitle_timing(lines: list[str]) -> list[str]:
    """SubRip/WebVTT: keep what is said, not the cue numbers and timings."""
    kept: list[str] = []
    for index, line in enumerate(lines):
        if _SUBTITLE_TIME.match(line) or line.strip() == "WEBVTT":
            continue
        following = lines[index + 1] if index + 1 < len(lines) else ""
        if line.strip().isdigit() and _SUBTITLE_TIME.match(following):
            continue
        kept.append(line)
    return kept


# --- The importer ---------------------------------------------------------------------


class TextImporter:
    """Plain text in any common encoding (see ``encoding``)."""

    name = "text"
    suffixes = frozenset({".txt", ".text", ".md", ".markdown", ".srt", ".vtt", ".rst", ".asc"})
    label = "Plain text, Markdown and subtitles"

    def sniff(self, head: bytes) -> bool:
        return looks_like_text(head)

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        text, _codec = decode_text(data)
        text = text.lstrip("\ufeff")
        text = re.sub(r"\r\n?|[\u2028\u2029\x0b\x0c\x85]", "\n", text)
        text = re.sub(r"[\x00-\x08\x0e-\x1f\x7f]", "", text)
        if not text.strip():
            raise ExtractionError("the file has no text (it is empty or only blank space)")
        # A markup file that reached the text importer (an RSS feed, an XML export): its
        # title is its first <title> element, its text the text of its elements.
        first_line = next((line for line in text.split("\n") if line.strip()), "")
        element_title = None
        if is_markup_line(first_line):
            element_title = _markup_title(text)
            text = _markup_as_lines(text)
            if not text.strip():
                raise ExtractionError("the file has no text (it is only markup)")
        suffix = PurePath(name).suffix.lower()
        lines = [line.strip() for line in text.split("\n")]
        if sum(1 for line in lines[:200] if _SUBTITLE_TIME.match(line)) >= 2:
            lines = _drop_subtitle_timing(lines)
        provenance: dict[str, str] = {}
        markdown_title = None
        if suffix in {".md", ".markdown"} or (lines and lines[0].startswith("# ")):
            markdown_title = _markdown_title(lines)
            if markdown_title:
                first = next(i for i, line in enumerate(lines) if line)
                lines[first] = ""
            lines = [_strip_markdown(line) for line in lines]
        lines = ["" if is_interface_line(line) else line for line in lines]

        filled = [i for i, line in enumerate(lines) if line]
        blank_after = [i + 1 < len(lines) and not lines[i + 1] for i in filled]
        header = _read_header([lines[i] for i in filled], blank_after)
        for position in header.lines:
            lines[filled[position]] = ""
        paragraphs = _paragraphs(lines)
        published = header.published
        if published is None and paragraphs:
            published = _lead_dateline(paragraphs[0], url_month(header.url))
        if published is not None:
            provenance["published"] = "text-dateline"
        elif header.url:
            # No dateline: the day the page's address gives, if a whole one.
            published = url_date(header.url)
            if published is not None:
                provenance["published"] = "url"
        title = element_title or markdown_title or header.title
        if title:
            provenance["title"] = "text-header"
        else:
            title = derive_title(paragraphs)
            if title:
                provenance["title"] = "derived"
        body = "\n\n".join(paragraphs)
        if not body and title:
            body = title  # a file that is only a headline keeps it as its text
        if header.url:
            provenance["url"] = "text-header"
        outlet = _outlet(header.url) if header.url else None
        if outlet:
            provenance["outlet"] = "url"
        if header.author:
            provenance["author"] = "text-header"
        language = detect_language(body)
        if language:
            provenance["language"] = "detected"
        return Extracted(
            text=body,
            format=self.name,
            title=title,
            html=text_to_html(body),
            outlet=outlet,
            author=header.author,
            published=published,
            language=language,
            url=header.url,
            provenance=provenance,
        )


def _lead_dateline(paragraph: str, month_hint: tuple[int, int] | None) -> Published | None:
    """A dateline opening the first paragraph: "MOSCOW, July 25, 2021 (Reuters) - ..."."""
    lead = re.split(r"\s[-–—]\s|\s\(\w+\)", paragraph[:100], maxsplit=1)[0]
    if len(lead) >= len(paragraph[:100]):
        return None
    found = find_date(lead, month_hint=month_hint)
    return found[0] if found else None
