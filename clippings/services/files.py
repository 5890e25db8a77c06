"""Finding the files to import, and reading them safely.

A folder given to an import may hold anything: links out of the folder (to
``/etc/shadow``), links to devices (``/dev/zero`` has no end and reports size 0),
named pipes (reading one waits for ever), links to folders (which may loop). So:

* ``expand`` walks folders without leaving them: a link is imported only when its
  file lies inside the folder, links to folders are not followed, and anything that
  is not a regular file is listed with the reason it is skipped;
* a folder's files that are not articles by their name (``data.json``, ``README.md``,
  ``script.py``, ``photos.tar.gz``: ``importers.kinds.reason_for_name``) are listed with
  the reason and never read; a file given directly is always tried (the importers then
  judge its bytes);
* ``read_file`` never blocks on a pipe, refuses anything but a regular file, and stops
  after ``limit`` bytes actually read, whatever size the file claims to have.

File names are bytes on Linux and need not be UTF-8: ``FileToImport.shown`` is always
printable and JSON-encodable, while ``FileToImport.path`` opens the real file.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from clippings.importers.kinds import is_junk, reason_for_name
from clippings.model import ExtractionError, TooLargeError, UnsupportedFormatError

#: Why a file is not imported (the import shows these to the user).
NOT_FOUND = "no such file or folder"
BROKEN_LINK = "a link to a file that does not exist"
LINK_OUTSIDE = "a link to a file outside the folder"
LINK_TO_FOLDER = "a link to a folder (links to folders are not followed)"
NAMED_PIPE = "a named pipe, not a file"
DEVICE = "a device, not a file"
SOCKET = "a socket, not a file"
FOLDER = "a folder, not a file"
NOT_REGULAR = "not a regular file"

#: How much ``read_file`` reads at a time once a file turns out larger than it said.
_CHUNK = 1024 * 1024
_MB = 1024 * 1024


@dataclass(frozen=True)
class FileToImport:
    """One file an import will read, or a path it skips and why.

    Attributes:
        shown: the path as the user sees it: the argument as given, joined with the path
            below a folder; undecodable bytes and control characters are replaced by
            ``�``, so it can always be printed and stored as JSON.
        path: the real path to open (``None`` when it is skipped).
        skip_reason: why the path is not imported (``None`` for a file to import).
    """

    shown: str
    path: Path | None
    skip_reason: str | None = None

    @property
    def name(self) -> str:
        """The file's name (for the importers, which look at its suffix), printable."""
        return printable(self.path.name) if self.path is not None else ""


def printable(name: str) -> str:
    """``name`` with undecodable bytes and control characters replaced by ``�``.

    Python gives undecodable bytes of a file name as lone surrogates
    (``surrogateescape``), which cannot be printed or encoded as UTF-8.
    """
    try:
        name = name.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
    except UnicodeEncodeError:  # a surrogate that is not an escaped byte
        name = "".join("\ufffd" if "\ud800" <= ch <= "\udfff" else ch for ch in name)
    if name.isprintable():
        return name
    return "".join(ch if ch.isprintable() or ch == " " else "\ufffd" for ch in name)


def _skip_folder(name: str) -> bool:
    # A saved web page's resources ("Page_files/") and hidden folders are not clippings.
    return name.startswith(".") or name.endswith("_files") or name == "__MACOSX"


def _not_a_file(mode: int) -> str:
    """Why something with this ``st_mode`` is not a file to read."""
    if stat.S_ISFIFO(mode):
        return NAMED_PIPE
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return DEVICE
    if stat.S_ISSOCK(mode):
        return SOCKET
    if stat.S_ISDIR(mode):
        return FOLDER
    return NOT_REGULAR


def _cannot_read(error: OSError) -> str:
    return f"cannot read the file: {error.strerror or error}"


def expand(paths: Sequence[str | os.PathLike[str]]) -> Iterator[FileToImport]:
    """Each file to import, and each path skipped with its reason.

    A folder's files come in name order, recursively (a folder's own files before
    those of its subfolders); the shown path is the folder argument exactly as typed
    (``./in/`` stays) joined with the path below it. Hidden files and folders, a saved
    page's ``*_files`` folder, ``__MACOSX`` and the system's leftovers (``Thumbs.db``,
    ``desktop.ini``) are left out silently; a folder's files that are not articles by
    their name (data, code, archives, ``README``, ``LICENSE``) are listed with the reason.
    A file given directly is always tried, whatever its name. It may be a link, which is
    followed; it must end at a regular file.
    """
    for given in paths:
        shown = os.fspath(given)
        path = Path(given)
        try:
            info = path.stat()
        except FileNotFoundError:
            reason = BROKEN_LINK if path.is_symlink() else NOT_FOUND
            yield FileToImport(printable(shown), None, reason)
            continue
        except OSError as error:
            yield FileToImport(printable(shown), None, _cannot_read(error))
            continue
        if stat.S_ISDIR(info.st_mode):
            yield from _walk(path, shown, os.path.realpath(path))
        elif stat.S_ISREG(info.st_mode):
            yield FileToImport(printable(shown), path)
        else:
            yield FileToImport(printable(shown), None, _not_a_file(info.st_mode))


def _walk(folder: Path, shown: str, root: str) -> Iterator[FileToImport]:
    """The files below ``folder``, never leaving ``root`` (the real path of the folder
    the user gave)."""
    try:
        with os.scandir(folder) as scan:
            entries = sorted(scan, key=lambda entry: entry.name)
    except OSError as error:
        yield FileToImport(printable(shown), None, f"cannot read the folder: {error.strerror}")
        return
    subfolders = []
    for entry in entries:
        if entry.name.startswith(".") or is_junk(entry.name):
            continue
        # The folder argument exactly as typed ("./in/" stays), not normalised.
        entry_shown = os.path.join(shown, entry.name)  # noqa: PTH118
        try:
            is_link = entry.is_symlink()
            if not is_link and entry.is_dir(follow_symlinks=False):
                if not _skip_folder(entry.name):
                    subfolders.append((entry, entry_shown))
                continue
            mode = entry.stat(follow_symlinks=False).st_mode
        except OSError as error:
            yield FileToImport(printable(entry_shown), None, _cannot_read(error))
            continue
        if is_link:
            found = _through_link(Path(entry.path), printable(entry_shown), root)
            if not (found.skip_reason == LINK_TO_FOLDER and _skip_folder(entry.name)):
                yield _by_name(found, entry.name)
        elif stat.S_ISREG(mode):
            yield _by_name(FileToImport(printable(entry_shown), Path(entry.path)), entry.name)
        else:
            yield FileToImport(printable(entry_shown), None, _not_a_file(mode))
    for entry, entry_shown in subfolders:
        yield from _walk(Path(entry.path), entry_shown, root)


def _by_name(found: FileToImport, name: str) -> FileToImport:
    """A file found in a folder, or the reason its name says it is not an article."""
    if found.path is None:
        return found
    reason = reason_for_name(name)
    return found if reason is None else FileToImport(found.shown, None, reason)


def _through_link(link: Path, shown: str, root: str) -> FileToImport:
    """A link found in a folder: imported only if it ends at a regular file inside it."""
    target = os.path.realpath(link)
    try:
        mode = Path(target).stat().st_mode
    except FileNotFoundError:
        return FileToImport(shown, None, BROKEN_LINK)
    except OSError as error:
        return FileToImport(shown, None, _cannot_read(error))
    if stat.S_ISDIR(mode):
        return FileToImport(shown, None, LINK_TO_FOLDER)
    if os.path.commonpath([root, target]) != root:
        return FileToImport(shown, None, LINK_OUTSIDE)
    if not stat.S_ISREG(mode):
        return FileToImport(shown, None, _not_a_file(mode))
    # The link's own path: its name (and suffix) is the one the user sees.
    return FileToImport(shown, link)


def read_file(path: str | os.PathLike[str], limit: int) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes.

    The file is opened without blocking (a named pipe that slipped through cannot hang
    the import), must be a regular file once open, and is read up to ``limit + 1``
    bytes: the limit holds by the bytes actually read, whatever size the file reports
    (``/proc`` files say 0).

    Raises:
        TooLargeError: the file holds more than ``limit`` bytes.
        UnsupportedFormatError: not a regular file (a pipe, a device, a folder).
        ExtractionError: the file cannot be read ("cannot read the file: Permission
            denied").
    """
    flags = os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOCTTY", 0) | getattr(os, "O_CLOEXEC", 0)
    try:
        descriptor = os.open(path, flags)
    except OSError as error:
        raise ExtractionError(_cannot_read(error)) from None
    try:
        info = os.fstat(descriptor)
        if not stat.S_ISREG(info.st_mode):
            raise UnsupportedFormatError(_not_a_file(info.st_mode))
        # One read of the size the file reports (no copy for the usual file), then more
        # only if it holds more than it said.
        first = os.read(descriptor, min(info.st_size, limit) + 1)
        chunks = [first]
        total = len(first)
        while first and total <= limit:
            chunk = os.read(descriptor, min(_CHUNK, limit + 1 - total))
            if not chunk:
                break
            chunks.append(chunk)
            total += len(chunk)
    except OSError as error:
        raise ExtractionError(_cannot_read(error)) from None
    finally:
        os.close(descriptor)
    if total > limit:
        raise TooLargeError(f"larger than {_describe_size(limit)}")
    return chunks[0] if len(chunks) == 1 else b"".join(chunks)


def _describe_size(size: int) -> str:
    if size >= _MB:
        return f"{size / _MB:g} MB"
    return f"{size} bytes"
