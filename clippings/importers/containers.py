"""Reading zip-based containers (bundles now; .docx, .odt and .epub later) safely.

A zip says how large each member is, but a hostile one lies: a 1 MB file can inflate
to gigabytes, or hold millions of members. ``ZipContainer`` therefore enforces every
limit on the bytes it actually inflates while streaming a member, never on the sizes
the archive declares (those only let it refuse early). It refuses encrypted members,
compression methods whose output cannot be bounded while streaming, and member names
that would leave their folder.

Errors are the project's own: ``TooLargeError`` for anything over a limit,
``ExtractionError`` for the rest, with messages that name the container ("the
bundle's member originals/x.pdf would unpack to more than 200 MB").
"""

from __future__ import annotations

import io
import struct
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from types import TracebackType

from clippings.model import ExtractionError, TooLargeError

KB = 1024
MB = 1024 * KB
GB = 1024 * MB

#: Bytes inflated per read while streaming a member. Small, because ``zipfile`` reads
#: about this much compressed data ahead, and the ratio is measured against what it read.
CHUNK = 8 * KB

# Only these can be inflated a bounded chunk at a time: ``zipfile`` hands bzip2 and LZMA
# data to their decompressors without an output limit, so one read could inflate
# gigabytes. Every office and e-book format, and our own bundles, use deflate.
_READABLE_METHODS = {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED}
_METHOD_NAMES = {
    9: "Deflate64",
    12: "bzip2",
    14: "LZMA",
    93: "Zstandard",
    95: "XZ",
    98: "PPMd",
    99: "AES encryption",
}
# What a zip's table of contents may take per member before it is refused unread: the
# fixed 46 bytes, a long name and its extra fields, generously.
_DIRECTORY_BYTES_PER_MEMBER = 1024


@dataclass(frozen=True)
class ContainerLimits:
    """How much a container may hold and unpack to.

    Attributes:
        members: the most members it may list.
        member_bytes: the most one member may unpack to.
        total_bytes: the most all reads together may unpack to.
        ratio: the most one member may inflate per compressed byte (a zip bomb's tell)...
        ratio_grace: ...once it has unpacked more than this many bytes (a small run of
            blank space compresses well and is harmless).
    """

    members: int = 10_000
    member_bytes: int = 200 * MB
    total_bytes: int = 1 * GB
    ratio: int = 100
    ratio_grace: int = 1 * MB


def size_text(size: int) -> str:
    """A limit in plain words: ``200 MB``, ``64 KB``, ``1 GB``, ``300 bytes``."""
    for unit, name in ((GB, "GB"), (MB, "MB"), (KB, "KB")):
        if size >= unit:
            return f"{size / unit:.3g} {name}"
    return f"{size} bytes"


def is_zip(data: bytes) -> bool:
    """Whether these bytes start like a zip archive (a cheap look, nothing is read)."""
    return data.startswith(b"PK\x03\x04")


def safe_member_name(name: str) -> bool:
    """Whether a member name stays inside its folder: relative, no ``..``, no drive."""
    if not name or "\\" in name or "\0" in name or name.startswith("/"):
        return False
    path = PurePosixPath(name)
    return ".." not in path.parts and ":" not in path.parts[0]


class ZipContainer:
    """A zip archive held in memory, read within limits.

    Use it as a context manager. Every ``read`` counts the bytes it inflates toward
    ``limits.total_bytes``, so read each member once and keep the bytes.

    Raises (from the constructor):
        ExtractionError: the bytes are not a readable zip archive.
        TooLargeError: the archive lists more members than ``limits.members``.
    """

    def __init__(
        self, data: bytes, *, what: str = "file", limits: ContainerLimits = ContainerLimits()
    ) -> None:
        self.what = what
        self.limits = limits
        self._inflated = 0
        directory = _directory_size(data)
        if directory is not None and directory > limits.members * _DIRECTORY_BYTES_PER_MEMBER:
            raise TooLargeError(self._too_many())
        self._file = _CountingFile(data)
        try:
            self._zip = zipfile.ZipFile(self._file)
        except (zipfile.BadZipFile, OSError, EOFError, ValueError, struct.error) as error:
            raise ExtractionError(self._damaged()) from error
        if len(self._zip.infolist()) > limits.members:
            self._zip.close()
            raise TooLargeError(self._too_many())

    def __enter__(self) -> ZipContainer:
        return self

    def __exit__(
        self,
        kind: type[BaseException] | None,
        error: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.close()

    def close(self) -> None:
        self._zip.close()

    @property
    def inflated(self) -> int:
        """How many bytes the reads so far have unpacked."""
        return self._inflated

    def names(self) -> tuple[str, ...]:
        """The names of its members, folders excepted, in the archive's order."""
        return tuple(info.filename for info in self._zip.infolist() if not info.is_dir())

    def has(self, name: str) -> bool:
        try:
            self._zip.getinfo(name)
        except KeyError:
            return False
        return True

    def read(self, name: str, *, limit: int | None = None, check_ratio: bool = True) -> bytes:
        """The bytes of one member, inflated a chunk at a time within the limits.

        Args:
            name: the member's name inside the archive.
            limit: the most this member may unpack to, if lower than
                ``limits.member_bytes`` (a manifest of a few kilobytes, say).
            check_ratio: False to let the member inflate by any ratio within its size
                limit (data whose size limit is its bound, such as a list of records
                that may hold a long run of one character).

        Raises:
            ExtractionError: the member is missing, named outside its folder,
                encrypted, compressed with an unreadable method, or damaged.
            TooLargeError: it would unpack to more than a limit allows.
        """
        limit = min(limit or self.limits.member_bytes, self.limits.member_bytes)
        member = f"the {self.what}'s member {name}"
        if not safe_member_name(name):
            raise ExtractionError(f"the {self.what} names a file outside its folders: {name!r}")
        try:
            info = self._zip.getinfo(name)
        except KeyError:
            raise ExtractionError(f"the {self.what} has no member {name}") from None
        if info.flag_bits & 0x1:
            raise ExtractionError(
                f"{member} is encrypted, and Clippings cannot read encrypted zip members"
            )
        if info.compress_type not in _READABLE_METHODS:
            method = _METHOD_NAMES.get(info.compress_type, f"method {info.compress_type}")
            raise ExtractionError(
                f"{member} is compressed with {method}, which Clippings cannot read: "
                "make the zip again with ordinary (deflate) compression"
            )
        too_large = f"{member} would unpack to more than {size_text(limit)}"
        if info.file_size > limit:  # the declared size lets us refuse early, never late
            raise TooLargeError(too_large)
        chunks = []
        size = 0
        try:
            with self._zip.open(info) as stream:
                start = self._file.consumed
                while chunk := stream.read(min(CHUNK, limit - size + 1)):
                    size += len(chunk)
                    self._inflated += len(chunk)
                    if size > limit:
                        raise TooLargeError(too_large)
                    if self._inflated > self.limits.total_bytes:
                        raise TooLargeError(
                            f"the {self.what} would unpack to more than "
                            f"{size_text(self.limits.total_bytes)} in all"
                        )
                    # Against the compressed bytes read so far (a little ahead of what
                    # was inflated, so never more than the true ratio).
                    compressed = max(self._file.consumed - start, 1)
                    if (
                        check_ratio
                        and size > self.limits.ratio_grace
                        and size > self.limits.ratio * compressed
                    ):
                        raise TooLargeError(
                            f"{member} inflates more than {self.limits.ratio} times its "
                            "compressed size, as a zip bomb does: it was not unpacked"
                        )
                    chunks.append(chunk)
        except (zipfile.BadZipFile, zlib.error, OSError, EOFError, ValueError) as error:
            raise ExtractionError(f"{member} is damaged ({error})") from error
        except (RuntimeError, NotImplementedError) as error:  # zipfile's own refusals
            raise ExtractionError(f"{member} cannot be read ({error})") from error
        return b"".join(chunks)

    def _damaged(self) -> str:
        return f"the {self.what} is damaged or truncated: it is not a readable zip archive"

    def _too_many(self) -> str:
        return f"the {self.what} holds more than {self.limits.members} files"


class _CountingFile(io.BytesIO):
    """The archive's bytes, counting how many ``zipfile`` reads: what a member's ratio is
    measured against, since its header's compressed size may lie."""

    consumed = 0

    def read(self, size: int | None = -1, /) -> bytes:
        data = super().read(size)
        self.consumed += len(data)
        return data


def _directory_size(data: bytes) -> int | None:
    """The size the archive gives its table of contents, read from its end record.

    ``zipfile`` builds an object for every entry of that table when it opens the
    archive; this lets a table of millions of entries be refused before that. None when
    there is no end record (``zipfile`` then refuses the archive itself).
    """
    end = data.rfind(b"PK\x05\x06", max(0, len(data) - 22 - 65535))
    if end < 0 or end + 22 > len(data):
        return None
    (size,) = struct.unpack_from("<I", data, end + 12)
    record64 = end - 20 - 56
    if size == 0xFFFFFFFF and record64 >= 0 and data[record64 : record64 + 4] == b"PK\x06\x06":
        (size,) = struct.unpack_from("<Q", data, record64 + 40)
    return int(size)
