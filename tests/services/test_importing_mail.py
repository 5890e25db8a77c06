"""Importing mail and saved pages through the real import: a mailbox's messages become
clippings sharing one original, survive a bundle's export and import, and are found as
duplicates when imported again."""

from __future__ import annotations

from clippings.services import Archive, import_paths
from clippings.services.exporting import export, gather
from tests.importers.samples_mail import (
    ecbplus_article,
    make_mbox,
    make_mhtml,
    make_newsletter,
)

DOCS = ("2_1ecbplus", "3_1ecbplus", "6_1ecbplus")


def _mailbox(corpus, tmp_path):
    articles = [ecbplus_article(corpus, doc) for doc in DOCS]
    path = tmp_path / "Newsletters.mbox"
    path.write_bytes(make_mbox([make_newsletter(a) for a in articles]))
    return articles, path


def test_a_mailbox_imports_one_clipping_per_message_then_duplicates(archive, corpus, tmp_path):
    articles, path = _mailbox(corpus, tmp_path)
    report = import_paths(archive, [path])
    imported = report.of("imported")
    assert [r.path for r in imported] == [f"{path} › {n}" for n in (1, 2, 3)]
    clippings = [archive.get(r.id) for r in imported]
    assert [c.title for c in clippings] == [a.title for a in articles]
    assert {c.outlet for c in clippings} == {"CNNMoney"}
    assert [c.part for c in clippings] == [1, 2, 3]
    assert len({c.sha256 for c in clippings}) == 1  # one original for the three
    assert archive.search("DeGeneres").total == 1
    assert archive.count() == 3

    # The same file again is known by its bytes before it is read.
    again = import_paths(archive, [path])
    assert [r.outcome for r in again.results] == ["duplicate"]
    assert archive.count() == 3


def test_a_saved_page_imports_with_its_address(archive, corpus, tmp_path):
    source = corpus / "readability" / "test-pages" / "nytimes-1" / "source.html"
    url = "https://www.nytimes.com/2016/12/28/world/africa/sudan-sanctions.html"
    path = tmp_path / "Sudan.mhtml"
    path.write_bytes(make_mhtml(source.read_text("utf-8"), url))
    [result] = import_paths(archive, [path]).results
    assert result.outcome == "imported", result.reason
    clipping = archive.get(result.id)
    assert clipping.url == url and clipping.format == "mhtml"
    assert clipping.title == "United States to Lift Sudan Sanctions"


def test_the_messages_of_a_mailbox_survive_a_bundle(archive, corpus, tmp_path):
    _articles, path = _mailbox(corpus, tmp_path)
    ids = [r.id for r in import_paths(archive, [path]).of("imported")]
    bundle = export(archive, gather(archive, ids=ids), "bundle", tmp_path / "mail.zip")
    with Archive.open(tmp_path / "other") as other:
        report = import_paths(other, [bundle])
        imported = report.of("imported")
        assert len(imported) == 3, [(r.outcome, r.reason) for r in report.results]
        restored = sorted((other.get(r.id) for r in imported), key=lambda c: c.part or 0)
        originals = sorted((archive.get(i) for i in ids), key=lambda c: c.part or 0)
        assert [c.part for c in restored] == [1, 2, 3]
        assert [c.title for c in restored] == [c.title for c in originals]
        assert [c.text for c in restored] == [c.text for c in originals]
        assert other.original(restored[0].id) == path.read_bytes()
        # The bundle again, and the mailbox itself: the same three clippings.
        assert len(import_paths(other, [bundle]).of("duplicate")) == 3
        assert [r.outcome for r in import_paths(other, [path]).results] == ["duplicate"]
        assert other.count() == 3
