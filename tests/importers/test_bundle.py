"""Reading bundles: a real export round-trips; crafted, damaged and hostile bundles cost
a plain message (per record where they can), never the good records, memory or a
traceback. Every bundle here is made in memory by the test."""

from __future__ import annotations

import io
import json
import random
import re
import struct
import time
import zipfile
import zlib
from dataclasses import dataclass
from datetime import date

import pytest

from clippings.exporters import bundle as exporter
from clippings.importers import bundle as reader
from clippings.importers.bundle import BundleLimits, is_bundle, read_bundle
from clippings.importers.containers import KB, MB, ContainerLimits, ZipContainer
from clippings.importers.sanitize import _TAGS, sanitize_html
from clippings.model import ExtractionError, TooLargeError
from clippings.services.exporting import export, gather
from tests.conftest import add_clipping

# --- Making bundles -------------------------------------------------------------------------

MANIFEST = {"format": "clippings-bundle", "version": 1, "title": "Test", "clippings": 0}


def record(number: int = 1, **fields: object) -> dict[str, object]:
    """A good record, as the exporter writes it, with ``fields`` changed."""
    made: dict[str, object] = {
        "id": number,
        "title": f"Clipping {number}",
        "outlet": "The Daily",
        "author": "A. Writer",
        "published": "2024-05-0" + str(number % 9 + 1),
        "language": "en",
        "url": f"https://example.com/{number}",
        "text": f"The text of clipping {number}.",
        "html": f"<p>The text of clipping {number}.</p>",
        "tags": ["Review/Week 30"],
        "notes": None,
        "original_name": f"clipping-{number}.txt",
        "provenance": {"title": "user"},
        "format": "text",
        "has_text": True,
        "bundle_original": f"originals/clipping-{number}.txt",
    }
    made.update(fields)
    return made


def originals_of(records: list[object]) -> dict[str, bytes]:
    return {
        r["bundle_original"]: f"original of {r['bundle_original']}".encode()
        for r in records
        if isinstance(r, dict) and isinstance(r.get("bundle_original"), str)
    }


def make_bundle(
    records: list[object] | str | None = None,
    *,
    originals: dict[str, bytes] | None = None,
    manifest: object = MANIFEST,
    method: int = zipfile.ZIP_DEFLATED,
) -> bytes:
    """A bundle zip: the originals first (as the exporter writes), then the records."""
    records = [record(1), record(2), record(3)] if records is None else records
    if originals is None:
        originals = originals_of(records) if isinstance(records, list) else {}
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=method) as bundle:
        for name, data in originals.items():
            bundle.writestr(name, data)
        text = records if isinstance(records, str) else json.dumps(records)
        bundle.writestr("clippings.json", text)
        if manifest is not None:
            bundle.writestr("bundle.json", json.dumps(manifest))
    return buffer.getvalue()


@dataclass(frozen=True)
class Member:
    """A zip member written by hand: its header says what the test wants it to say."""

    name: str
    payload: bytes
    size: int
    crc: int = 0
    method: int = zipfile.ZIP_DEFLATED
    flags: int = 0


def craft_zip(members: list[Member]) -> bytes:
    """A zip with headers written byte by byte (flags, methods, sizes of our choosing)."""
    body, directory = b"", b""
    for m in members:
        name = m.name.encode()
        header = (m.flags, m.method, 0, 0x21, m.crc, len(m.payload), m.size, len(name))
        directory += struct.pack(
            "<4s6H3L5H2L", b"PK\x01\x02", 20, 20, *header, 0, 0, 0, 0, 0, len(body)
        )
        directory += name
        body += struct.pack("<4s5H3L2H", b"PK\x03\x04", 20, *header, 0) + name + m.payload
    end = struct.pack(
        "<4s4H2LH", b"PK\x05\x06", 0, 0, len(members), len(members), len(directory), len(body), 0
    )
    return body + directory + end


def deflated(data: bytes) -> bytes:
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def crafted_bundle(bad: Member) -> bytes:
    """Three records; the second's original is ``bad``."""
    records = [record(1), record(2, bundle_original=bad.name), record(3)]
    good = [
        Member(name, deflated(data), len(data), zlib.crc32(data))
        for name, data in originals_of([records[0], records[2]]).items()
    ]
    files = [
        Member(name, deflated(data), len(data), zlib.crc32(data))
        for name, data in (
            ("clippings.json", json.dumps(records).encode()),
            ("bundle.json", json.dumps(MANIFEST).encode()),
        )
    ]
    return craft_zip([good[0], bad, good[1], *files])


def assert_only_second_bad(contents: reader.BundleContents, message: str) -> None:
    assert [entry.number for entry in contents.entries] == [1, 3]
    assert len(contents.problems) == 1
    assert contents.problems[0].startswith("record 2: ")
    assert message in contents.problems[0], contents.problems[0]


# --- A real export --------------------------------------------------------------------------

# What the importers' sanitizer keeps, so that the round trip compares like with like.
KEPT_HTML = sanitize_html('<h2>Heading</h2><p>A <a href="https://example.com/a">link</a>.</p>')


@pytest.fixture
def exported(archive, tmp_path):
    first = add_clipping(
        archive,
        "Kyiv talks resume. Delegates met on Tuesday.",
        outlet="The Daily",
        author="Jane Doe",
        published=date(2024, 5, 2),
        url="https://example.com/kyiv",
        html=KEPT_HTML,
        tags=("Review/Week 30", "Ukraine"),
    )
    second = add_clipping(
        archive,
        "Harvest forecast cut. Rain delayed the sowing.",
        name="forecast.txt",
        # Stored without passing the importers' sanitizer (an old archive, say).
        html=(
            '<meta http-equiv="refresh" content="0;url=https://evil.example/">'
            "<base href='https://evil.example/'><script>alert(1)</script>"
            "<form action='https://evil.example/'><button>Go</button></form>"
            "<p onclick='alert(2)'>Rain <a href='javascript:alert(3)'>delayed</a></p>"
        ),
    )
    archive.edit(first, {"notes": "check the quotes"})
    collection = gather(archive, ids=[first, second])
    path = export(archive, collection, "bundle", tmp_path / "week.zip")
    return archive, collection, path


def test_an_exported_bundle_round_trips(exported):
    archive, collection, path = exported
    data = path.read_bytes()
    assert is_bundle(data)
    contents = read_bundle(data)
    assert contents.problems == ()
    assert [entry.number for entry in contents.entries] == [1, 2]
    by_title = {entry.extracted.title: entry for entry in contents.entries}
    for clipping in collection.clippings:
        entry = by_title[clipping.title]
        for name in ("text", "outlet", "author", "published", "url", "format", "has_text"):
            assert getattr(entry.extracted, name) == getattr(clipping, name), name
        assert dict(entry.extracted.provenance) == dict(clipping.provenance)
        assert entry.tags == clipping.tags
        assert entry.notes == clipping.notes
        assert entry.original_name == clipping.original_name
        assert entry.original == archive.original(clipping.id)
    assert by_title["Kyiv talks resume"].extracted.html == KEPT_HTML
    hostile = by_title["Harvest forecast cut"].extracted.html or ""
    assert "Rain" in hostile and "delayed" in hostile
    for gone in ("refresh", "<base", "<script", "<form", "onclick", "javascript:"):
        assert gone not in hostile.lower()


def test_exported_pages_forbid_forms_and_base_and_never_redirect(exported):
    _, _, path = exported
    with zipfile.ZipFile(path) as bundle:
        pages = [n for n in bundle.namelist() if n.endswith(".html")]
        assert "index.html" in pages and len(pages) == 3
        for name in pages:
            page = bundle.read(name).decode("utf-8")
            policy = re.search(r"Content-Security-Policy' content=\"([^\"]*)\"", page)
            assert policy, name
            assert "form-action 'none'" in policy.group(1), name
            assert "base-uri 'none'" in policy.group(1), name
            assert "default-src 'none'" in policy.group(1), name
            for gone in ("refresh", "<base", "<form", "onclick", "javascript:", "alert(1)"):
                assert gone not in page.lower(), (name, gone)
        forecast = next(bundle.read(n).decode() for n in pages if "Harvest" in n)
        assert "Rain" in forecast and "<script" not in forecast


def test_the_reader_and_the_writer_agree_on_the_format():
    for name in ("BUNDLE_FORMAT", "BUNDLE_VERSION", "MANIFEST", "RECORDS", "RECORDS_VERSION"):
        assert getattr(reader, name) == getattr(exporter, name), name
    # The pages keep what the importers' sanitizer keeps, no more.
    assert exporter.PAGE_TAGS == _TAGS


# --- Hostile HTML ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("html", "gone"),
    [
        ('<meta http-equiv="refresh" content="0;url=https://evil.example/">', "refresh"),
        ("<script>fetch('https://evil.example/')</script>", "script"),
        ("<iframe src='https://evil.example/'></iframe>", "iframe"),
        ("<body onload='alert(1)'><p onmouseover='alert(1)'>x</p></body>", "alert"),
        ("<a href='javascript:alert(1)'>x</a><a href=' JaVa&#x09;script:alert(2)'>y</a>", "alert"),
        ("<base href='https://evil.example/'>", "base"),
        ("<form action='https://evil.example/'><input name=q><button>Go</button></form>", "form"),
        ("<img src='https://evil.example/pixel.gif' onerror='alert(1)'>", "evil"),
        ("<svg><script>alert(1)</script></svg><style>p{}</style>", "alert"),
    ],
)
def test_html_that_runs_fetches_or_redirects_is_gone_after_reading(html, gone):
    contents = read_bundle(make_bundle([record(1, html=f"<p>Kept words</p>{html}")]))
    assert contents.problems == ()
    kept = contents.entries[0].extracted.html or ""
    assert "Kept words" in kept
    assert gone not in kept.lower()
    # The exported page cleans it again, independently of nh3.
    assert gone not in exporter.page_html(f"<p>Kept words</p>{html}").lower()


def test_links_to_another_host_without_a_scheme_become_https():
    contents = read_bundle(make_bundle([record(1, html="<p><a href='//example.com/a'>a</a></p>")]))
    assert 'href="https://example.com/a"' in (contents.entries[0].extracted.html or "")
    assert "href" not in exporter.page_html("<a href='//evil.example/share'>a</a>")


# --- Bad records ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        (42, "it is not a clipping's record but a number"),
        ({"title": 12, "bundle_original": "originals/clipping-2.txt"}, "its title is not text"),
        (record(2, title=12), "its title is not text but a number"),
        (record(2, text=["a", "b"]), "its text is not text but a list"),
        (record(2, tags=None), "its tags are not a list of names"),
        (record(2, tags=["ok", 7]), "one of its tags is not text"),
        (record(2, tags=["a//b"]), "its tag 'a//b' is not a tag name"),
        (record(2, title="x" * 10_000_000), "its title is longer than 2,000 characters"),
        (record(2, published="the fifth of May"), "is not a date"),
        (record(2, has_text="yes"), "its has_text field is not true or false"),
        (record(2, html="<p>a\ud800b</p>"), "its HTML holds characters that are not valid"),
        (record(2, tags=["a\udfffb"]), "one of its tags holds characters that are not valid"),
        (record(2, provenance={"title": 3}), "the provenance of its title is not a short label"),
        (record(2, provenance=["user"]), "its provenance is not a table of fields"),
        (record(2, bundle_original=None), "it names no original file"),
        (record(2, bundle_original="originals/missing.pdf"), "has no member originals/missing.pdf"),
        (
            record(2, bundle_original="originals/../bundle.json"),
            "is not in the bundle's originals/",
        ),
        (record(2, bundle_original="clippings.json"), "is not in the bundle's originals/"),
    ],
)
def test_a_bad_record_costs_one_message_and_the_others_come_back(bad, message):
    records = [record(1), bad, record(3)]
    originals = originals_of([records[0], records[2]])
    contents = read_bundle(make_bundle(records, originals=originals))
    assert_only_second_bad(contents, message)
    assert [e.extracted.title for e in contents.entries] == ["Clipping 1", "Clipping 3"]
    assert contents.entries[0].tags == ("Review/Week 30",)


def test_unknown_fields_are_ignored_and_odd_web_addresses_left_out():
    contents = read_bundle(
        make_bundle(
            [
                record(1, colour="red", url="javascript:alert(1)", provenance={"x": 1}),
                record(2, url="http://[::1"),
            ]
        )
    )
    assert contents.problems == ()
    for entry in contents.entries:
        assert entry.extracted.url is None
        assert "was left out" in entry.extracted.warnings[0]
    assert dict(contents.entries[0].extracted.provenance) == {}


# --- Members that cannot be read -----------------------------------------------------------


def test_an_encrypted_member_costs_its_record():
    data = b"secret bytes"
    bad = Member("originals/secret.pdf", data, len(data), zlib.crc32(data), zipfile.ZIP_STORED, 1)
    contents = read_bundle(crafted_bundle(bad))
    assert_only_second_bad(contents, "originals/secret.pdf is encrypted")


def test_an_unsupported_compression_method_costs_its_record():
    bad = Member("originals/big.pdf", b"\0" * 64, 1000, method=9)  # Deflate64
    contents = read_bundle(crafted_bundle(bad))
    assert_only_second_bad(contents, "is compressed with Deflate64, which Clippings cannot read")


def test_a_damaged_member_costs_its_record():
    bad = Member("originals/broken.txt", b"\xff" * 100, 1000)
    contents = read_bundle(crafted_bundle(bad))
    assert_only_second_bad(contents, "originals/broken.txt is damaged")


SMALL = BundleLimits(container=ContainerLimits(member_bytes=100 * KB, ratio_grace=MB))


def test_a_stored_member_larger_than_the_limit_costs_its_record():
    data = random.Random(1).randbytes(150 * KB)
    bad = Member("originals/stored.bin", data, len(data), zlib.crc32(data), zipfile.ZIP_STORED)
    contents = read_bundle(crafted_bundle(bad), limits=SMALL)
    assert_only_second_bad(contents, "originals/stored.bin would unpack to more than 100 KB")


def test_a_deflate_bomb_over_the_member_limit_costs_its_record():
    data = b"\0" * (200 * KB)
    bad = Member("originals/bomb.txt", deflated(data), len(data), zlib.crc32(data))
    contents = read_bundle(crafted_bundle(bad), limits=SMALL)
    assert_only_second_bad(contents, "originals/bomb.txt would unpack to more than 100 KB")


def test_five_megabytes_of_zeros_are_refused_as_a_bomb_with_the_default_limits():
    data = b"\0" * (5 * MB)
    bad = Member("originals/zeros.pdf", deflated(data), len(data), zlib.crc32(data))
    contents = read_bundle(crafted_bundle(bad))
    assert_only_second_bad(contents, "originals/zeros.pdf inflates more than 100 times")


def gigabyte_of_zeros() -> bytes:
    """A raw deflate stream of 1 GiB of zeros, under 2 MB: one 16 MiB piece repeated (a
    piece made by a fresh compressor refers only to itself, so its copies stay valid)."""
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    piece = compressor.compress(b"\0" * (16 * MB)) + compressor.flush(zlib.Z_SYNC_FLUSH)
    return piece * 64 + b"\x03\x00"


@pytest.mark.parametrize(
    ("declared", "limits", "message", "most"),
    [
        # As it is: refused on what the header says, before anything is unpacked.
        (1024 * MB, ContainerLimits(), "would unpack to more than 200 MB", 0),
        # Within a generous limit: stopped while streaming, by its compression ratio.
        (
            1024 * MB,
            ContainerLimits(member_bytes=2048 * MB),
            "inflates more than 100 times",
            2 * MB,
        ),
        # Lying small: never unpacked past what the header says, then found damaged.
        (100 * KB, ContainerLimits(), "is damaged", 100 * KB),
    ],
)
def test_a_one_megabyte_zip_of_a_gigabyte_original_is_stopped_early(
    declared, limits, message, most
):
    stream = gigabyte_of_zeros()
    assert len(stream) < 2 * MB
    bomb = Member("originals/gigabyte.pdf", stream, declared)
    started = time.perf_counter()
    with ZipContainer(crafted_bundle(bomb), what="bundle", limits=limits) as bundle:
        with pytest.raises(ExtractionError, match=message):
            bundle.read("originals/gigabyte.pdf")
        assert bundle.inflated <= most
    assert time.perf_counter() - started < 2
    contents = read_bundle(crafted_bundle(bomb), limits=BundleLimits(container=limits))
    assert_only_second_bad(contents, message)


def test_four_hundred_records_naming_one_original_unpack_it_once():
    data = random.Random(2).randbytes(300 * KB)
    records = [record(n, bundle_original="originals/shared.pdf") for n in range(1, 401)]
    limits = BundleLimits(container=ContainerLimits(total_bytes=MB))
    contents = read_bundle(
        make_bundle(records, originals={"originals/shared.pdf": data}), limits=limits
    )
    assert contents.problems == ()
    assert len(contents.entries) == 400
    assert all(entry.original is contents.entries[0].original for entry in contents.entries)


def test_originals_beyond_the_total_budget_cost_their_records():
    records = [record(1), record(2), record(3)]
    originals = {
        name: random.Random(n).randbytes(400 * KB) for n, name in enumerate(originals_of(records))
    }
    limits = BundleLimits(container=ContainerLimits(total_bytes=MB))
    contents = read_bundle(make_bundle(records, originals=originals), limits=limits)
    assert [entry.number for entry in contents.entries] == [1, 2]
    assert contents.problems == ("record 3: the bundle would unpack to more than 1 MB in all",)


# --- Bundles that cannot be read at all ----------------------------------------------------


def truncated() -> bytes:
    data = make_bundle()
    return data[: len(data) // 2]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (truncated, "the bundle is damaged or truncated: it is not a readable zip archive"),
        (lambda: b"PK\x03\x04" + b"\x00" * 200, "the bundle is damaged or truncated"),
        (lambda: make_bundle(manifest=None), "not a Clippings bundle: it has no bundle.json"),
        (lambda: make_bundle(manifest={"format": "other"}), "its bundle.json describes something"),
        (lambda: make_bundle(manifest={**MANIFEST, "version": 3}), "made by a newer version"),
        (lambda: make_bundle(manifest={**MANIFEST, "version": "1"}), "gives no valid version"),
        (lambda: make_bundle("{not json"), "its clippings.json is not valid JSON"),
        (lambda: make_bundle('{"1": {}}'), "its clippings.json is not a list of clippings"),
        (lambda: make_bundle("[{}, {]"), "its clippings.json is not valid JSON"),
        (lambda: make_bundle("[{} {}]"), "it breaks off after record 1"),
        (lambda: make_bundle("[{}] []"), "has more after its list of clippings"),
        (lambda: make_bundle("[" * 100_000), "its clippings.json is nested too deeply to read"),
        (lambda: make_bundle("[" + "[" * 100_000), "nested too deeply to read (record 1)"),
    ],
)
def test_a_bundle_that_cannot_be_read_says_why(data, message):
    with pytest.raises(ExtractionError) as error:
        read_bundle(data())
    assert message in str(error.value)
    assert "not a format Clippings reads" not in str(error.value)


def test_a_manifest_too_large_is_refused_unread():
    data = make_bundle(manifest={**MANIFEST, "padding": "x" * (2 * MB)})
    with pytest.raises(TooLargeError, match=r"member bundle\.json would unpack to more than 64 KB"):
        read_bundle(data)
    assert is_bundle(data)  # ours by name: reading it says what is wrong


def test_too_many_records_or_members_are_refused():
    records = [record(n, bundle_original="originals/one.txt") for n in range(1, 6)]
    data = make_bundle(records, originals={"originals/one.txt": b"x"})
    with pytest.raises(TooLargeError, match="more than 3 clippings"):
        read_bundle(data, limits=BundleLimits(records=3))
    many = {f"originals/file-{n}.txt": b"x" for n in range(40)}
    with pytest.raises(TooLargeError, match="the bundle holds more than 30 files"):
        read_bundle(make_bundle(originals=many), limits=BundleLimits(ContainerLimits(members=30)))
    with pytest.raises(TooLargeError, match="holds more than 1 files"):
        ZipContainer(make_bundle(originals=many), what="bundle", limits=ContainerLimits(members=1))


def test_names_outside_the_folder_are_refused():
    data = craft_zip([Member("../evil.txt", b"x", 1, zlib.crc32(b"x"), zipfile.ZIP_STORED)])
    with ZipContainer(data) as container:
        for name in ("../evil.txt", "/etc/passwd", "C:/x", "a\\..\\b"):
            with pytest.raises(ExtractionError, match="outside its folders"):
                container.read(name)


# --- Knowing a bundle -----------------------------------------------------------------------


def test_is_bundle_is_cheap_and_never_raises():
    assert is_bundle(make_bundle())
    assert is_bundle(truncated())  # a damaged bundle is read, and said to be damaged
    broken = io.BytesIO()
    with zipfile.ZipFile(broken, "w") as zip_:
        zip_.writestr("bundle.json", "{broken")
    assert is_bundle(broken.getvalue())  # ours by name: reading it says it is damaged
    assert not is_bundle(make_bundle(manifest=None))
    assert not is_bundle(make_bundle(manifest={"format": "other"}))
    assert not is_bundle(b"%PDF-1.7")
    assert not is_bundle(b"")
    other = io.BytesIO()
    with zipfile.ZipFile(other, "w") as zip_:
        zip_.writestr("word/document.xml", "<w/>")
    assert not is_bundle(other.getvalue())
    noise = random.Random(3)
    for _ in range(200):
        assert is_bundle(b"PK\x03\x04" + noise.randbytes(noise.randrange(400))) in (True, False)


# --- The two shapes of clippings.json -------------------------------------------------------


def versioned(records: list[object], **more: object) -> str:
    """``clippings.json`` as bundles of version 2 write it."""
    return json.dumps({"version": 1, "clippings": records, **more})


def test_bundles_made_before_the_json_had_a_version_still_import():
    records = [record(1), record(2)]
    old = read_bundle(make_bundle(records))  # a bare list, bundle version 1
    new = read_bundle(
        make_bundle(
            versioned(records), originals=originals_of(records), manifest={**MANIFEST, "version": 2}
        )
    )
    assert old.problems == new.problems == ()
    assert [e.extracted.title for e in old.entries] == ["Clipping 1", "Clipping 2"]
    assert [e.extracted for e in new.entries] == [e.extracted for e in old.entries]
    assert dict(old.tag_colours) == {}


@pytest.mark.parametrize(
    ("text", "message"),
    [
        (json.dumps({"version": 2, "clippings": []}), "its clippings.json is version 2"),
        (json.dumps({"clippings": [], "version": 7}), "its clippings.json is version 7"),
        (json.dumps({"clippings": []}), "its clippings.json gives no version"),
        (json.dumps({"version": "1", "clippings": []}), "gives no valid version"),
        (json.dumps({"version": 1}), "is not a list of clippings"),
        (json.dumps({"version": 1, "clippings": {}}), "is not a list of clippings"),
        ('{"version": 1, "clippings": [], "clippings": []}', "names clippings twice"),
        ('{"version": 1, "clippings": [] "x": 1}', "it breaks off after 'clippings'"),
        ('{"version": 1, "clippings": []} []', "has more after its list of clippings"),
        ('{"version" 1}', "':' expected"),
    ],
)
def test_a_versioned_clippings_json_that_cannot_be_read_says_why(text, message):
    with pytest.raises(ExtractionError) as error:
        read_bundle(make_bundle(text, originals={}))
    assert message in str(error.value), str(error.value)


def test_a_newer_clippings_json_names_its_version_and_what_to_do():
    with pytest.raises(ExtractionError) as error:
        read_bundle(make_bundle(json.dumps({"version": 2, "clippings": []}), originals={}))
    assert str(error.value) == (
        "this bundle was made by a newer version of Clippings (its clippings.json is "
        "version 2; this one reads up to version 1): update Clippings to import it"
    )


def test_tag_colours_are_read_and_bad_ones_left_out():
    records = [record(1)]
    colours = {
        "Review": "#1F77B4",
        "Review/Week 30": "#ff000080",
        "bad//name": "#123456",
        "Not a colour": "red",
        "Script": "#12345g",
        "Number": 7,
    }
    contents = read_bundle(
        make_bundle(versioned(records, tag_colours=colours), originals=originals_of(records))
    )
    assert contents.problems == ()
    assert dict(contents.tag_colours) == {"Review": "#1f77b4", "Review/Week 30": "#ff000080"}
    for odd in ([["Review", "#ffffff"]], "#ffffff", None):
        contents = read_bundle(
            make_bundle(versioned(records, tag_colours=odd), originals=originals_of(records))
        )
        assert contents.problems == () and dict(contents.tag_colours) == {}
