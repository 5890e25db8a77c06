"""Mailboxes (``.mbox``): one clipping per message.

An mbox is messages one after another, each opening with a ``From `` line (the
envelope sender and the time it arrived: ``From news@example.com Mon Nov 30 09:38:00
2026``). Body lines that start with "From " are written as ">From " (mboxo), or with one
more ">" each time (mboxrd); reading undoes one. The file is split here in memory,
because the standard library's ``mailbox`` wants a path; each message is then parsed by
``email``'s ``BytesParser`` (``mail.parse_message``) and read as an ``.eml`` is
(``mail.read_message``).

Only a ``From `` line that carries a time and a year separates messages, so a body line
"From here on..." that a writer forgot to quote stays in its message. A message that
cannot be read costs a warning on the first clipping, never the file; the messages are
numbered by their place in the file (``Extracted.part``), so that the same mailbox
imported again finds its clippings as duplicates.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Sequence
from dataclasses import replace

from clippings.importers.base import FirstArticle, report_step
from clippings.importers.containers import size_text
from clippings.importers.mail import looks_like_email, parse_message, read_message
from clippings.model import (
    DEFAULT_OPTIONS,
    Extracted,
    ExtractionError,
    ImportOptions,
    TooLargeError,
)

#: The most messages one mailbox may hold: split a larger one.
MAX_MESSAGES = 10_000
#: The most bytes one message may have (a larger one is mostly attachments).
MAX_MESSAGE_BYTES = 50 * 1024 * 1024
#: How many unreadable messages the warnings name before they only count them.
_NAMED_PROBLEMS = 20

# "From sender Mon Nov 30 09:38:00 2026", "From - Mon Nov 30 09:38:00 2026", with a
# time and a year somewhere after the sender.
_FROM_LINE = re.compile(rb"From [^\r\n]*?\b\d{1,2}:\d{2}(?::\d{2})?\b[^\r\n]*?\b\d{4}\b[^\r\n]*")
_SEPARATOR = re.compile(rb"^" + _FROM_LINE.pattern + rb"\r?\n", re.MULTILINE)
_QUOTED_FROM = re.compile(rb"^>(>*From )", re.MULTILINE)


def looks_like_mbox(head: bytes) -> bool:
    """Whether bytes start like a mailbox: a ``From `` line, then a message's headers."""
    head = head.removeprefix(b"\xef\xbb\xbf")
    first, _, rest = head.partition(b"\n")
    return bool(_FROM_LINE.fullmatch(first.rstrip(b"\r"))) and looks_like_email(rest)


def split_mbox(data: bytes) -> Iterator[bytes]:
    """The messages of a mailbox, each without its ``From `` line, ">From " unquoted.

    Raises:
        TooLargeError: the mailbox holds more than ``MAX_MESSAGES`` messages.
    """
    # A separator is a ``From `` line followed by a message's headers: a body line
    # "From 9:30 to 11:00 on Monday, 2026" that a writer forgot to quote is not one.
    separators = [
        match
        for match in _SEPARATOR.finditer(data)
        if looks_like_email(data[match.end() : match.end() + 4096])
    ]
    starts = [match.end() for match in separators]
    ends = [match.start() for match in separators[1:]] + [len(data)] if separators else []
    if len(starts) > MAX_MESSAGES:
        raise TooLargeError(
            f"the mailbox holds {len(starts):,} messages, more than {MAX_MESSAGES:,}: "
            "split it into smaller mailboxes in your mail program and import those"
        )
    for start, end in zip(starts, ends, strict=True):
        yield _QUOTED_FROM.sub(rb"\1", data[start:end])


class MboxImporter(FirstArticle):
    """A mailbox file (``.mbox``): each message is one clipping."""

    name = "mbox"
    label = "Mailboxes"
    suffixes = frozenset({".mbox", ".mbx"})

    def sniff(self, head: bytes) -> bool:
        return looks_like_mbox(head)

    def extract_articles(
        self, data: bytes, name: str, options: ImportOptions = DEFAULT_OPTIONS
    ) -> Sequence[Extracted]:
        messages = list(split_mbox(data.removeprefix(b"\xef\xbb\xbf")))
        if not messages:
            raise ExtractionError('the file is not a mailbox: it has no "From " line')
        found: list[Extracted] = []
        problems: list[str] = []
        total = len(messages)
        for number, raw in enumerate(messages, start=1):
            report_step(number - 1, total, f"message {number} of {total}")
            try:
                if len(raw) > MAX_MESSAGE_BYTES:
                    raise TooLargeError(f"larger than {size_text(MAX_MESSAGE_BYTES)}")
                extracted = read_message(parse_message(raw), format=self.name)
            except ExtractionError as error:
                problems.append(f"message {number}: {error}")
                continue
            except (RecursionError, LookupError, ValueError, TypeError) as error:
                # The standard library's parser on a broken message: that message only.
                problems.append(f"message {number} could not be read ({error!r})")
                continue
            found.append(replace(extracted, part=number if total > 1 else None))
        report_step(total, total, f"{total} messages read")
        if not found:
            first = problems[0] if problems else "no message has text"
            raise ExtractionError(f"no message of the mailbox could be read ({first})")
        if problems:
            shown = problems[:_NAMED_PROBLEMS]
            more = len(problems) - len(shown)
            note = "not imported: " + "; ".join(shown) + (f"; and {more} more" if more else "")
            found[0] = replace(found[0], warnings=(*found[0].warnings, note))
        return found


__all__ = ["MAX_MESSAGES", "MboxImporter", "looks_like_mbox", "split_mbox"]
