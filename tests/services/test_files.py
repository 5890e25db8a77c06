"""Finding and reading the files of an import: folders that are never left, nothing that
hangs or has no end, names that are not UTF-8."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from clippings.model import ExtractionError, TooLargeError, UnsupportedFormatError
from clippings.services.files import (
    BROKEN_LINK,
    DEVICE,
    FOLDER,
    LINK_OUTSIDE,
    LINK_TO_FOLDER,
    NAMED_PIPE,
    NOT_FOUND,
    FileToImport,
    expand,
    read_file,
)


def by_shown(found: list[FileToImport]) -> dict[str, FileToImport]:
    return {f.shown: f for f in found}


def test_a_folder_lists_its_files_in_name_order_and_leaves_out_hidden_and_page_resources(
    tmp_path,
):
    drop = tmp_path / "drop"
    (drop / "b" / "Saved page_files").mkdir(parents=True)
    (drop / "a").mkdir()
    (drop / "__MACOSX").mkdir()
    (drop / ".git").mkdir()
    for name in ("z.txt", "m.html", ".hidden.txt", "a/2.txt", "a/1.txt", "b/page.html"):
        (drop / name).write_text("words")
    (drop / "b" / "Saved page_files" / "style.css").write_text("body {}")
    (drop / "__MACOSX" / "._z.txt").write_text("resource fork")
    (drop / ".git" / "HEAD").write_text("ref")

    found = list(expand([f"{drop}/"]))

    # A folder's own files first, then its subfolders; the argument as typed.
    assert [f.shown for f in found] == [
        f"{drop}/m.html",
        f"{drop}/z.txt",
        f"{drop}/a/1.txt",
        f"{drop}/a/2.txt",
        f"{drop}/b/page.html",
    ]
    assert all(f.skip_reason is None and f.path is not None for f in found)
    assert found[2].path == drop / "a" / "1.txt"


def test_a_missing_path_or_a_broken_link_is_listed_with_its_reason(tmp_path):
    (tmp_path / "dangling").symlink_to(tmp_path / "gone.txt")

    found = list(expand([tmp_path / "nowhere.txt", tmp_path / "dangling"]))

    assert [(f.path, f.skip_reason) for f in found] == [(None, NOT_FOUND), (None, BROKEN_LINK)]


def test_a_named_pipe_is_skipped_and_never_waited_on(tmp_path):
    os.mkfifo(tmp_path / "pipe.txt")
    (tmp_path / "article.txt").write_text("words")

    found = by_shown(list(expand([tmp_path])))

    assert found[f"{tmp_path}/pipe.txt"].skip_reason == NAMED_PIPE
    assert found[f"{tmp_path}/article.txt"].skip_reason is None
    assert [f.skip_reason for f in expand([tmp_path / "pipe.txt"])] == [NAMED_PIPE]
    # Even if one slips through, reading it neither blocks nor reads.
    with pytest.raises(UnsupportedFormatError, match=NAMED_PIPE):
        read_file(tmp_path / "pipe.txt", 1000)


def test_a_link_to_an_endless_device_is_refused(tmp_path):
    (tmp_path / "zero.txt").symlink_to("/dev/zero")

    assert [f.skip_reason for f in expand([tmp_path / "zero.txt"])] == [DEVICE]
    with pytest.raises(UnsupportedFormatError, match=DEVICE):
        read_file(tmp_path / "zero.txt", 1000)


def test_reading_stops_at_the_limit_by_bytes_read_not_by_the_size_the_file_reports():
    status = Path("/proc/self/status")  # a regular file that says it has 0 bytes
    assert status.stat().st_size == 0

    with pytest.raises(TooLargeError, match="larger than 16 bytes"):
        read_file(status, 16)
    assert b"Pid:" in read_file(status, 1024 * 1024)


def test_a_file_of_exactly_the_limit_is_read_and_one_byte_more_is_too_large(tmp_path):
    (tmp_path / "a.txt").write_bytes(b"x" * 100)

    assert read_file(tmp_path / "a.txt", 100) == b"x" * 100
    with pytest.raises(TooLargeError, match="larger than 99 bytes"):
        read_file(tmp_path / "a.txt", 99)
    with pytest.raises(TooLargeError, match="larger than 2 MB"):
        (tmp_path / "b.txt").write_bytes(b"x" * (2 * 1024 * 1024 + 1))
        read_file(tmp_path / "b.txt", 2 * 1024 * 1024)
    (tmp_path / "empty.txt").write_bytes(b"")
    assert read_file(tmp_path / "empty.txt", 100) == b""


def test_a_folder_or_a_missing_file_cannot_be_read(tmp_path):
    with pytest.raises(UnsupportedFormatError, match=FOLDER):
        read_file(tmp_path, 100)
    with pytest.raises(ExtractionError, match="cannot read the file: No such file or directory"):
        read_file(tmp_path / "gone.txt", 100)


@pytest.mark.skipif(os.geteuid() == 0, reason="root may read any file")
def test_a_file_without_read_permission_says_so(tmp_path):
    locked = tmp_path / "locked.txt"
    locked.write_text("secret")
    locked.chmod(0)

    with pytest.raises(ExtractionError, match="cannot read the file: Permission denied"):
        read_file(locked, 100)


def test_a_folder_import_never_follows_a_link_out_of_the_folder(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "secret.txt").write_text("not for the archive")
    drop = tmp_path / "drop"
    (drop / "sub").mkdir(parents=True)
    (drop / "article.txt").write_text("an article")
    (drop / "secret.txt").symlink_to(elsewhere / "secret.txt")
    (drop / "sneaky.txt").symlink_to("../elsewhere/secret.txt")
    (drop / "sub" / "again.txt").symlink_to("../article.txt")  # inside: imported

    found = by_shown(list(expand([drop])))

    assert found[f"{drop}/secret.txt"].skip_reason == LINK_OUTSIDE
    assert found[f"{drop}/secret.txt"].path is None
    assert found[f"{drop}/sneaky.txt"].skip_reason == LINK_OUTSIDE
    again = found[f"{drop}/sub/again.txt"]
    assert again.skip_reason is None
    assert again.path is not None and read_file(again.path, 100) == b"an article"
    # A file given by itself may be a link to anywhere: the user chose it.
    given = list(expand([drop / "secret.txt"]))
    assert given == [FileToImport(str(drop / "secret.txt"), drop / "secret.txt")]


def test_a_link_to_a_folder_is_not_followed(tmp_path):
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (elsewhere / "inside.txt").write_text("words")
    drop = tmp_path / "drop"
    drop.mkdir()
    (drop / "linked").symlink_to(elsewhere)
    (drop / "loop").symlink_to(drop)

    found = list(expand([drop]))

    assert [(f.shown, f.skip_reason) for f in found] == [
        (f"{drop}/linked", LINK_TO_FOLDER),
        (f"{drop}/loop", LINK_TO_FOLDER),
    ]


def test_a_name_that_is_not_utf8_is_shown_readably_and_still_opens(tmp_path):
    name = os.fsencode(tmp_path) + b"/Caf\xe9 \xd0.txt"  # Latin-1 bytes, not UTF-8
    with open(name, "wb") as file:
        file.write(b"words")

    (found,) = expand([tmp_path])

    assert found.shown == f"{tmp_path}/Caf\ufffd \ufffd.txt"
    assert found.name == "Caf\ufffd \ufffd.txt"
    found.shown.encode("utf-8")  # printable and storable as it is
    json.dumps({"path": found.shown}, ensure_ascii=False).encode("utf-8")
    assert found.path is not None and read_file(found.path, 100) == b"words"


def test_control_characters_in_a_name_are_not_shown(tmp_path):
    (tmp_path / "red\x1b[31m.txt").write_text("words")

    (found,) = expand([tmp_path])

    assert found.shown == f"{tmp_path}/red\ufffd[31m.txt"
