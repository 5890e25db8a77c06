"""The commands that compare clippings: ``related``, ``stories``, ``compare``, ``quotes``.

They load the analysis (and numpy) only when they run.
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING, Any

from clippings.cli.output import EXIT_OK, _date_text, _emit_json, _ids, _ProgressBar
from clippings.model import (
    AlignedPair,
    Quote,
    judged_with,
    plural,
    published_to_iso,
    story_summary,
)

if TYPE_CHECKING:
    from clippings.services.archive import Archive


def _analyse_queued(archive: Archive) -> bool:
    """Analyse the clippings whose related pieces are due (after an import elsewhere,
    or every clipping after an upgrade of Clippings), with a progress bar; Ctrl+C
    keeps what is done and leaves the rest queued. Returns whether nothing is left."""
    from clippings.services import related

    bar = _ProgressBar("Analysing clippings for related pieces")
    try:
        related.compute_missing_features(archive, report=bar)
    except KeyboardInterrupt:
        return False
    finally:
        bar.finish()
    return True


def _quote_json(quote: Quote) -> dict[str, Any]:
    return {"speaker": quote.speaker, "text": quote.text}


def _set_verdict(archive: Archive, clipping_id: int, args: argparse.Namespace) -> None:
    """``--same-story``, ``--not-same-story``, ``--forget-verdict``: the user's verdict
    on a pair, said on stderr (stdout keeps the list, or its JSON)."""
    from clippings.model import Verdict, story_change
    from clippings.services.related import set_verdict, stories_around

    given: tuple[tuple[str | None, Verdict | None], ...] = (
        (args.same_story, "same story"),
        (args.not_same_story, "not same story"),
        (args.forget_verdict, None),
    )
    for other_text, verdict in given:
        if other_text is None:
            continue
        other = _ids([other_text])[0]
        pair = (clipping_id, other)
        storied = stories_around(archive, pair) if clipping_id != other else None
        before = set_verdict(archive, clipping_id, other, verdict)
        if verdict is not None and before == verdict:
            said = f"clippings {clipping_id} and {other}: {verdict}, as you had said already"
        elif verdict is not None and before is not None:
            said = (
                f"clippings {clipping_id} and {other}: {verdict}, as you said; this "
                f"replaces your earlier verdict ({before})"
            )
        elif verdict is not None:
            said = f"clippings {clipping_id} and {other}: {verdict}, as you said"
        elif before is not None:
            said = (
                f"clippings {clipping_id} and {other}: your verdict ({before}) is taken "
                "back; Clippings's own label stands"
            )
        else:
            said = f"clippings {clipping_id} and {other}: you had given no verdict"
        print(said, file=sys.stderr)
        if before != verdict and storied is not None:  # it can join or part stories
            after = stories_around(archive, pair)
            told = story_change(storied, after, *pair) if after is not None else None
            if told:
                print(told, file=sys.stderr)


def cmd_related(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.related import (
        NONE_ALIKE,
        RELATED_EDGES,
        related,
        undated_piece,
        undated_with_stories,
    )

    clipping_id = _ids([args.id])[0]
    _set_verdict(archive, clipping_id, args)
    listed = related(archive, clipping_id, limit=max(args.limit, RELATED_EDGES))
    found = listed[: args.limit]
    if not found and not archive.get(clipping_id).trashed:
        print(f"(nothing related found) {NONE_ALIKE}", file=sys.stderr if args.json else None)
    if args.json:
        _emit_json(
            [
                {
                    "id": r.clipping.id,
                    "title": r.clipping.title,
                    "outlet": r.clipping.outlet,
                    "published": published_to_iso(r.clipping.published),
                    "relation": r.relation,
                    "score": round(r.score, 4),
                    "verdict": r.verdict,
                }
                for r in found
            ]
        )
        return EXIT_OK
    if not found and archive.get(clipping_id).trashed:
        print(
            f"(clipping {clipping_id} is in the trash: it has no related pieces until "
            f"restored with: clippings restore {clipping_id})"
        )
    published = archive.get(clipping_id).published
    undated: list[int] = []
    for r in found:
        row = r.clipping
        outlet = f"  [{row.outlet}]" if row.outlet else ""
        # As in the window: an undated piece says so where its date would be.
        mark = ""
        if r.verdict is not None:
            mark = f"  (your verdict: {r.verdict})"
        elif undated_piece(r):
            mark = "  (no date to compare)"
            undated.append(row.id)
        print(
            f"{row.id:>6}  {r.relation:<10} {r.score:4.2f}  {_date_text(row)}  "
            f"{row.title}{outlet}{mark}"
        )
    if len(listed) > len(found):
        print(
            f"(the {len(found)} closest of {len(listed)} shown; all with --limit {len(listed)})",
            file=sys.stderr,
        )
    if undated_with_stories(published, found):
        print(
            f"clipping {clipping_id} has no date, so its same-story pieces are judged by "
            f"names and words alone; date it with: clippings edit {clipping_id} "
            "--published YYYY-MM-DD",
            file=sys.stderr,
        )
    if undated:
        which = ", ".join(str(i) for i in undated)
        print(
            f"(no date to compare): {plural(len(undated), 'piece')} without a date "
            f"({which}), so the label rests on names and words alone; date one with: "
            f"clippings edit {undated[0]} --published YYYY-MM-DD",
            file=sys.stderr,
        )
    return EXIT_OK


def cmd_stories(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.related import STORY_THRESHOLD, stories

    complete = _analyse_queued(archive)
    threshold = STORY_THRESHOLD if args.threshold is None else args.threshold
    found = stories(archive, threshold=threshold, compute_missing=False)
    if not complete:
        print(
            "stories of the clippings analysed so far; the rest are analysed later "
            "(`stories` again, an import, or the window)",
            file=sys.stderr,
        )
    if args.json:
        _emit_json(
            [
                {
                    "id": story.id,
                    "title": story.title,
                    "clippings": [c.id for c in story.clippings],
                    "outlets": list(story.outlets),
                    "first": story.known_first,
                    "copies": story.copies,
                    "copy_of": [list(pair) for pair in story.copy_of],
                    "verdicts": [list(pair) for pair in story.judged],
                }
                for story in found
            ]
        )
        return EXIT_OK
    if not found:
        print("(no stories: no two clippings report the same event)")
    for story in found:
        # The story's number is its lowest clipping id; its title is the first
        # report's, which may be another clipping: say which.
        whose = f"; the title is clipping {story.first}'s" if story.first != story.id else ""
        print(f"Story {story.id}: {story.title} ({story_summary(story)}{whose})")
        said = judged_with(story)
        copied = dict(story.copy_of)
        for row in story.clippings:
            first = "  first" if row.id == story.known_first else ""
            outlet = f"  [{row.outlet}]" if row.outlet else ""
            if row.id in copied:
                outlet += f"  (copy of {copied[row.id]})"
            yours = ""
            if row.id in said:
                yours = f"  (you said: same story as {', '.join(map(str, said[row.id]))})"
            print(f"    {row.id:>6}  {_date_text(row):<10}  {row.title}{outlet}{first}{yours}")
    return EXIT_OK


def _pair_json(pair: AlignedPair) -> dict[str, object]:
    """One passage of ``compare --json``; a ``similar`` pair adds the names and numbers
    both passages carry (``shared``)."""
    entry: dict[str, object] = {"kind": pair.kind, "a": pair.a, "b": pair.b}
    if pair.kind == "similar":
        entry["shared"] = list(pair.shared)
    return entry


def cmd_compare(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.comparing import compare

    a_id, b_id = _ids([args.a, args.b])
    result = compare(archive, a_id, b_id)
    if args.json:
        _emit_json(
            {
                "a": a_id,
                "b": b_id,
                "similarity": round(result.similarity, 4),
                "a_in_b": round(result.a_in_b, 4),
                "b_in_a": round(result.b_in_a, 4),
                "pairs": [_pair_json(p) for p in result.pairs],
                "quotes": {
                    "both": [_quote_json(q) for q in result.quotes_both],
                    "only_a": [_quote_json(q) for q in result.quotes_only_a],
                    "only_b": [_quote_json(q) for q in result.quotes_only_b],
                },
            }
        )
        return EXIT_OK
    print(f"A {a_id}: {result.a.title}  [{result.a.outlet or '—'}, {_date_text(result.a)}]")
    print(f"B {b_id}: {result.b.title}  [{result.b.outlet or '—'}, {_date_text(result.b)}]")
    coverage = result.coverage()
    print(f"text in common: {result.similarity:.0%}" + (f" ({coverage})" if coverage else ""))
    marks = {"same": "=", "changed": "~", "moved": "↕", "only_a": "A", "only_b": "B"}
    for pair in result.pairs:
        if pair.kind == "moved" and pair.a != pair.b:  # moved and reworded: both sides
            print(f"↕ A: {pair.a}\n  B: {pair.b}")
        elif pair.kind in ("same", "moved", "only_a"):
            print(f"{marks[pair.kind]} {pair.a}")
        elif pair.kind == "only_b":
            print(f"{marks[pair.kind]} {pair.b}")
        elif pair.kind == "similar":
            shared = f"  (shared: {', '.join(pair.shared)})" if pair.shared else ""
            print(f"≈ A: {pair.a}\n  B: {pair.b}{shared}")
        else:
            print(f"~ A: {pair.a}\n  B: {pair.b}")
    for label, group in (
        ("quoted in both", result.quotes_both),
        ("quoted only in A", result.quotes_only_a),
        ("quoted only in B", result.quotes_only_b),
    ):
        if group:
            print(f"\n{label}:")
            for quote in group:
                print(f"  {quote.speaker or '(unnamed)'}: “{quote.text}”")
    return EXIT_OK


def cmd_quotes(archive: Archive, args: argparse.Namespace) -> int:
    from clippings.services.comparing import quotes

    found = quotes(archive, _ids([args.id])[0])
    if args.json:
        _emit_json([_quote_json(q) for q in found])
        return EXIT_OK
    if not found:
        print("(no direct quotations)")
    for quote in found:
        print(f"{quote.speaker or '(unnamed)'}: “{quote.text}”")
    return EXIT_OK
