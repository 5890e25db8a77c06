"""Outlets as one table: one name per publication, for every view and export."""

from __future__ import annotations

import json

import pytest

from clippings.model import NotFoundError, QueryError
from clippings.services.importing import import_paths
from tests.conftest import add_clipping


def test_pages_of_one_site_share_one_outlet_named_by_the_page(archive):
    # No name declared: the site's address stands in ...
    first = add_clipping(archive, "One.", url="https://www.afpbb.com/articles/1")
    assert archive.get(first).outlet == "afpbb.com"
    assert archive.get(first).provenance["outlet"] == "url"
    # ... until a page of the site names it: then every clipping of it shows that name.
    second = add_clipping(archive, "Two.", outlet="AFPBB News", url="http://afpbb.com/articles/2")
    assert archive.get(second).outlet == "AFPBB News"
    assert archive.get(first).outlet == "AFPBB News"
    # A name that is only the address is no name ("deadline.com" from a text's URL line).
    add_clipping(archive, "Five.", outlet="www.afpbb.com", url="https://afpbb.com/5")
    # A later page's other spelling does not rename it; a name alone finds it too.
    third = add_clipping(archive, "Three.", outlet="afpbb", url="https://www.afpbb.com/3")
    fourth = add_clipping(archive, "Four.", outlet="AFPBB News")  # a PDF, no URL
    assert {archive.get(i).outlet for i in (third, fourth)} == {"AFPBB News"}
    [outlet] = archive.outlet_table()
    assert outlet.count == 5 and outlet.domains == ("afpbb.com",)
    assert set(outlet.names) == {"afpbb news", "afpbb"}
    # The filters list the one name; search finds it under that name.
    assert archive.outlets() == [("AFPBB News", 5)]
    archive.sync_index()
    assert len(archive.search('outlet:"AFPBB News"').hits) == 5


def test_a_rename_reaches_every_clipping_and_wins_over_imports(archive):
    ids = [
        add_clipping(archive, "One.", outlet="FR", url="https://www.fr.de/a"),
        add_clipping(archive, "Two.", url="https://www.fr.de/b"),
    ]
    outlet = archive.rename_outlet("fr", "Frankfurter Rundschau")
    assert outlet.count == 2 and outlet.named_by == "user"
    assert {archive.get(i).outlet for i in ids} == {"Frankfurter Rundschau"}
    archive.sync_index()
    assert len(archive.search('outlet:"Frankfurter Rundschau"').hits) == 2
    # The former name still finds them (it stays one of the outlet's names).
    assert len(archive.search("outlet:FR").hits) == 2
    # An import declaring another name keeps the user's.
    later = add_clipping(archive, "Three.", outlet="fr.de", url="https://fr.de/c")
    assert archive.get(later).outlet == "Frankfurter Rundschau"
    with pytest.raises(NotFoundError):
        archive.rename_outlet("Nowhere", "X")
    with pytest.raises(QueryError):
        archive.rename_outlet("Frankfurter Rundschau", " ")


def test_renaming_into_an_existing_outlet_merges_them(archive):
    a = add_clipping(archive, "One.", outlet="NYTimes", url="https://www.nytimes.com/a")
    b = add_clipping(archive, "Two.", outlet="The New York Times")
    archive.rename_outlet("NYTimes", "The New York Times")
    assert {archive.get(i).outlet for i in (a, b)} == {"The New York Times"}
    [outlet] = archive.outlet_table()
    assert outlet.count == 2 and outlet.domains == ("nytimes.com",)
    # Both old names now find it.
    c = add_clipping(archive, "Three.", outlet="NYTimes")
    assert archive.get(c).outlet == "The New York Times"


def test_editing_a_clippings_outlet_puts_it_under_that_outlet(archive):
    a = add_clipping(archive, "One.", outlet="Reuters", url="https://www.reuters.com/a")
    b = add_clipping(archive, "Two.", outlet="Reutres")  # a typo in a PDF's metadata
    archive.edit(b, {"outlet": "reuters"})
    assert archive.get(b).outlet == "Reuters"
    assert archive.get(b).provenance["outlet"] == "user"
    # The typo's outlet, now without clippings, is no longer listed.
    assert {o.name: o.count for o in archive.outlet_table()} == {"Reuters": 2}
    archive.edit(a, {"outlet": None})
    assert archive.get(a).outlet is None


def test_web_pages_get_real_outlet_names(archive, corpus):
    pages = corpus / "trafilatura" / "html"
    report = import_paths(
        archive,
        [
            pages / "fr.de.nordkorea.html",
            pages / "handelsblatt.com.grenzschliessungen.html",
            corpus / "newspaper4k" / "html" / "japanese_article2.html",
            pages / "timesofisrael.com.washington.html",
            corpus / "newspaper4k" / "html" / "thai_article.html",
        ],
    )
    outlets = {archive.get(r.id).original_name: archive.get(r.id).outlet for r in report.results}
    # Not "https://www.fr.de" (og:site_name), "handelsblatt_de" or "afpbbcom" (handles).
    assert outlets == {
        "fr.de.nordkorea.html": "Frankfurter Rundschau",
        # From schema.org microdata (the page's only declaration of its name).
        "handelsblatt.com.grenzschliessungen.html": "Handelsblatt",
        # From the end of its <title>, "…：AFPBB News", which starts as afpbb.com does.
        "japanese_article2.html": "AFPBB News",
        # The side of the <title> that names the site, not trafilatura's headline guess
        # or the domain run together ("Timesofisrael").
        "timesofisrael.com.washington.html": "The Times of Israel",
        "thai_article.html": "ประชาไท Prachatai.com",
    }


def test_cli_outlets(archive, tmp_path, capsys):
    from clippings.cli import main

    add_clipping(archive, "One.", outlet="DW", url="https://www.dw.com/a")
    folder = archive.location
    archive.close()
    assert main(["--archive", folder, "outlets", "rename", "DW", "Deutsche Welle"]) == 0
    capsys.readouterr()
    assert main(["--archive", folder, "outlets", "--json"]) == 0
    [listed] = json.loads(capsys.readouterr().out)
    assert listed["name"] == "Deutsche Welle" and listed["domains"] == ["dw.com"]
    assert listed["named_by"] == "user" and listed["count"] == 1


def test_outlet_search_finds_former_names_and_sites(engine_archive):
    archive = engine_archive
    a = add_clipping(archive, "One.", outlet="BBC", url="https://www.bbc.co.uk/news/a")
    b = add_clipping(archive, "Two.", outlet="BBC News Myanmar")
    archive.rename_outlet("BBC News Myanmar", "BBC News")
    archive.rename_outlet("BBC", "BBC News")  # a merge: both are one outlet now
    archive.sync_index()
    for query in (
        'outlet:"BBC News"',
        "outlet:bbc",
        'outlet:"bbc news myanmar"',
        "outlet:bbc.co.uk",
    ):
        assert {h.clipping.id for h in archive.search(query).hits} == {a, b}, query


def test_an_address_declared_as_the_outlet_shows_as_its_site(archive):
    # Without a URL of its own, a page naming its outlet "https://www.fr.de" shows "fr.de".
    first = add_clipping(archive, "One.", outlet="https://www.fr.de")
    assert archive.get(first).outlet == "fr.de"
    [outlet] = archive.outlet_table()
    assert outlet.named_by == "domain" and outlet.domains == ("fr.de",)
    # ...until a page of that site declares a real name.
    add_clipping(archive, "Two.", outlet="Frankfurter Rundschau", url="https://www.fr.de/b")
    assert archive.get(first).outlet == "Frankfurter Rundschau"
    assert "://" not in (archive.get(add_clipping(archive, "Three.", outlet="www.fr.de")).outlet)
