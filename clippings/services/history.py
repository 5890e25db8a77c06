"""A clipping's history (the audit trail) in words, as the reading pane and
``clippings show --history`` say it: "tagged it “Ports”", "said it is not the same
story as “Lohan checks in” (clipping 12)"."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from clippings.model import AuditEntry
from clippings.services.archive import Archive

#: An audit trail's actions in words.
DONE = {
    "imported": "imported it",
    "edited": "edited",
    "tagged": "tagged it",
    "untagged": "removed the tag",
    "trashed": "moved it to the trash",
    "restored": "restored it from the trash",
    "purged": "deleted it for good",
    "judged": "judged it",
}

#: A verdict names the other clipping by its title, cut to this many characters.
TITLE_CHARS = 60

#: A verdict's detail as the trail stores it: "not same story as 12", "no verdict on 12".
_VERDICT_DETAIL = re.compile(r"(?:(same story|not same story) as|no verdict on) (\d+)")


def judged_ids(history: Sequence[AuditEntry]) -> list[int]:
    """The other clippings of the verdicts in a trail (to name them by their titles)."""
    found = []
    for entry in history:
        match = _VERDICT_DETAIL.fullmatch(entry.detail or "") if entry.action == "judged" else None
        if match is not None:
            found.append(int(match.group(2)))
    return found


def titles_named(archive: Archive, history: Sequence[AuditEntry]) -> dict[int, str]:
    """The titles of the other clippings the trail's verdicts name (those still kept)."""
    return {i: row.title for i, row in archive.summaries(judged_ids(history)).items()}


def described(entry: AuditEntry, titles: Mapping[int, str] | None = None) -> str:
    """What the entry says was done, in words (without who and when); ``titles`` names
    the other clipping of a verdict (a clipping purged since: by its number alone)."""
    done = DONE.get(entry.action, entry.action)
    if not entry.detail:
        return done
    if entry.action in ("tagged", "untagged"):
        return f"{done} “{entry.detail}”"
    if entry.action == "edited":
        return f"{done} {entry.detail}"
    if entry.action != "judged":
        return done
    match = _VERDICT_DETAIL.fullmatch(entry.detail)
    if match is None:
        return f"{done}: {entry.detail}"
    verdict, other = match.groups()
    title = (titles or {}).get(int(other), "")
    if len(title) > TITLE_CHARS:
        title = title[: TITLE_CHARS - 1].rstrip() + "…"
    named = f"“{title}” (clipping {other})" if title else f"clipping {other}"
    if verdict is None:
        return f"took back the verdict that it is or is not the same story as {named}"
    said = "the same story" if verdict == "same story" else "not the same story"
    return f"said it is {said} as {named}"
