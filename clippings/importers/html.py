"""Web pages: a saved news page becomes its article text, readable HTML and metadata.

The main text comes from trafilatura, run twice (its default and its precision-leaning
setting) and chosen between by what the page says about itself: the JSON-LD
``articleBody`` or the description when the page has one, the size of the two results
otherwise. The chosen text then loses what a press clipping never wants: the headline
repeated as the first line, bylines and datelines above the article, and the trail of
"share this", newsletter, cookie, related-links and photo-credit paragraphs below it,
and gains the paragraphs of prose both passes skipped among the article's own ones.
A page whose text sits directly in ``<body>`` (no ``<p>``: old and hand-written pages)
is no article to trafilatura: its visible text is the article then
(``html_body.bare_text``), in paragraphs at ``<br><br>`` and block boundaries.

Metadata is read from the page's own structured data first (JSON-LD ``NewsArticle``
and friends, OpenGraph, ``<meta>`` tags), and only then from trafilatura's guesses; each
field records where it came from (``Extracted.provenance``).

The steps live in their own modules, for the formats that carry a page inside them (an
e-mail's HTML part, an MHTML archive's main page): ``html_decoding`` (bytes to a parsed
page), ``html_metadata`` (what the page declares), ``html_body`` (trafilatura's passes
and the choice between them), ``html_cleanup`` (furniture out, missed paragraphs in),
``html_fields`` (settling each metadata field). ``extract_article`` runs them all on a
page's text.

A saved page's ``<name>_files/`` folder (images, scripts) is the import service's
concern: it skips that folder. Nothing here ever fetches a remote resource.
"""

from __future__ import annotations

from clippings.importers.html_body import (
    bare_text,
    choose,
    prefer_bare_text,
    run_extractor,
    tokens,
    without_code,
    without_teasers,
)
from clippings.importers.html_cleanup import trim, visible_lead, with_lead, with_missed
from clippings.importers.html_decoding import NOT_FOUND, decode_page, looks_like_html, parse_html
from clippings.importers.html_fields import page_fields, pick
from clippings.importers.html_metadata import PageMetadata, parse_published, read_page_metadata
from clippings.importers.language import detect_language, normalise_language
from clippings.importers.sanitize import sanitize_html
from clippings.model import DEFAULT_OPTIONS, Extracted, ExtractionError, ImportOptions


class HtmlImporter:
    """A saved web page (``.html``)."""

    name = "html"
    suffixes = frozenset({".html", ".htm", ".xhtml", ".shtml"})
    label = "Web pages"

    def sniff(self, head: bytes) -> bool:
        """Whether the bytes are a web page: by how they start, or by tags only a page has.

        Looks at all of ``head`` (the registry passes its first ``SNIFF_BYTES``, and more
        when the file's name says HTML).
        """
        return looks_like_html(head)

    def extract(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Extracted:
        text, _codec_name, _how = decode_page(data)
        return extract_article(text)


def extract_article(text: str) -> Extracted:
    """A page's article text, readable HTML and metadata, from the page as text.

    Raises:
        ExtractionError: the page is empty, cannot be parsed, or holds no article text.
    """
    tree = parse_html(text)
    page = read_page_metadata(tree)
    url = pick(page.candidates("canonical") + page.candidates("url"))
    # The extractor's guesses (the date above all) read the page as a reader sees it:
    # never a script's or style sheet's text ("// Updated 2015.02.04 by ...").
    visible = without_teasers(without_code(tree))
    default = run_extractor(visible, url=url[0] if url else None, with_metadata=True)
    precise = run_extractor(visible, url=url[0] if url else None, favor_precision=True)
    reference = tokens(page.article_body or "")
    if page.article_body and page.article_body.rstrip().endswith(("...", "…")):
        reference = []  # a teaser, not the article
    if len(reference) < 50:
        reference = []
    chosen = choose(default, precise, reference)
    if chosen is None or chosen.fallback:
        # Text directly in <body>, with no <p>: the extractor sees no article in it.
        # The bare text is the page's with its teaser lists: set against the extractor's
        # last resort, which has none, a page of menus and teasers (pe.com's) would
        # otherwise pass for the same words.
        chosen = prefer_bare_text(chosen, bare_text(without_code(tree)))
    if chosen is None:
        raise ExtractionError(NOT_FOUND)
    guesses = default.document if default is not None else None
    fields, provenance = page_fields(tree, visible, page, guesses, chosen.blocks, url)

    blocks = trim(chosen.blocks, fields.get("title"), page.description, fields.get("author"))
    blocks = with_missed(tree, blocks)
    blocks = with_lead(blocks, visible_lead(tree, page.description), fields.get("title"))
    article = "\n\n".join(block.text for block in blocks)
    if not article.strip():
        raise ExtractionError(NOT_FOUND)

    language = pick(page.candidates("language"), normalise_language)
    if language is None:
        detected = detect_language(article)
        language = (detected, "detected") if detected else None
    if language is not None:
        fields["language"], provenance["language"] = language

    return Extracted(
        text=article,
        format="html",
        html=sanitize_html("\n".join(block.html for block in blocks)),
        provenance=provenance,
        **fields,
    )


__all__ = [
    "HtmlImporter",
    "PageMetadata",
    "decode_page",
    "extract_article",
    "looks_like_html",
    "parse_html",
    "parse_published",
    "read_page_metadata",
]
