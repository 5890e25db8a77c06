"""The commands that change what the archive holds about clippings: ``tag``, ``tags``,
``edit``, and the trash (``delete``, ``restore``, ``trash``, ``purge``).
"""

from __future__ import annotations

import argparse
import sys
from typing import TYPE_CHECKING

from clippings.cli.output import EXIT_OK, _emit_json, _ids, _print_rows, _summary_json
from clippings.model import METADATA_FIELDS, QueryError, plural
from clippings.services.dates import parse_user_date

if TYPE_CHECKING:
    from clippings.services.archive import Archive

#: `edit`'s text options (``--published`` is read as a date): storage's EDITABLE_FIELDS
#: without the date, spelled out from the model so that ``--help`` needs no database
#: library (a test checks that the two agree).
EDIT_OPTIONS = tuple(field for field in (*METADATA_FIELDS, "notes") if field != "published")


def cmd_tag(archive: Archive, args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    if args.add is not None:
        change = archive.add_tag(ids, args.add)
        print(f"tagged {plural(len(change.added), 'clipping')} {change.tag!r}", file=sys.stderr)
    else:
        change = archive.remove_tag(ids, args.remove)
        removed = plural(len(change.removed or {}), "clipping")
        print(f"removed {change.tag!r} from {removed}", file=sys.stderr)
    return EXIT_OK


def cmd_tags(archive: Archive, args: argparse.Namespace) -> int:
    action = args.tags_action
    if action == "rename":
        archive.rename_tag(args.old, args.new)
        print(f"renamed tag {args.old!r} to {args.new!r}", file=sys.stderr)
    elif action == "merge":
        archive.merge_tag(args.source, args.target)
        print(f"merged tag {args.source!r} into {args.target!r}", file=sys.stderr)
    elif action == "colour":
        archive.set_tag_colour(args.tag, args.colour)
        print(f"tag {args.tag!r} is now {args.colour}", file=sys.stderr)
    elif action == "delete":
        affected = archive.delete_tag(args.tag)
        print(
            f"deleted tag {args.tag!r} ({plural(len(affected), 'clipping')} kept, untagged)",
            file=sys.stderr,
        )
    else:
        tags = archive.tags()
        if getattr(args, "json", False):
            _emit_json([{"name": t.name, "colour": t.colour, "count": t.count} for t in tags])
        elif not tags:
            print("(no tags)")
        else:
            for t in tags:
                depth = t.name.count("/")
                colour = f"  {t.colour}" if t.colour else ""
                print(f"{'  ' * depth}{t.leaf}  ({t.count}){colour}")
    return EXIT_OK


def cmd_outlets(archive: Archive, args: argparse.Namespace) -> int:
    if getattr(args, "outlets_action", None) == "rename":
        outlet = archive.rename_outlet(args.old, args.new)
        clippings = f"{outlet.count} clipping{'' if outlet.count == 1 else 's'}"
        print(f"renamed outlet {args.old!r} to {outlet.name!r} ({clippings})", file=sys.stderr)
        return EXIT_OK
    outlets = archive.outlet_table()
    if getattr(args, "json", False):
        _emit_json(
            [
                {
                    "name": o.name,
                    "named_by": o.named_by,
                    "count": o.count,
                    "domains": list(o.domains),
                    "names": list(o.names),
                }
                for o in outlets
            ]
        )
    elif not outlets:
        print("(no outlets)")
    else:
        for o in outlets:
            where = f"  {', '.join(o.domains)}" if o.domains else ""
            mark = "  (named by you)" if o.named_by == "user" else ""
            print(f"{o.name}  ({o.count}){where}{mark}")
    return EXIT_OK


def cmd_edit(archive: Archive, args: argparse.Namespace) -> int:
    changes: dict[str, object] = {}
    for field in EDIT_OPTIONS:
        value = getattr(args, field)
        if value is not None:
            changes[field] = value or None
    if args.published is not None:
        changes["published"] = parse_user_date(args.published) if args.published else None
    if not changes:
        raise QueryError("nothing to change: give --title, --outlet, --published, …")
    clipping = archive.edit(_ids([args.id])[0], changes)
    print(f"saved clipping {clipping.id}: {clipping.title}", file=sys.stderr)
    return EXIT_OK


def cmd_delete(archive: Archive, args: argparse.Namespace) -> int:
    ids = _ids(args.ids)
    changed = archive.trash(ids)
    already = len(set(ids)) - len(changed)
    note = f"; {already} already in the trash" if already else ""
    # The ids themselves, ready to paste, when there are few.
    trashed = sorted(set(ids))  # moved now or before: all in the trash
    restore = " ".join(str(i) for i in trashed) if len(trashed) <= 5 else "ID …"
    print(
        f"moved {plural(len(changed), 'clipping')} to the trash{note} "
        f"(restore with: clippings restore {restore})",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_restore(archive: Archive, args: argparse.Namespace) -> int:
    changed = archive.restore(_ids(args.ids))
    print(f"restored {plural(len(changed), 'clipping')}", file=sys.stderr)
    return EXIT_OK


def cmd_trash(archive: Archive, args: argparse.Namespace) -> int:
    rows = archive.list(trashed=True)
    if args.json:
        _emit_json([_summary_json(r) for r in rows])
    else:
        _print_rows(rows)
    return EXIT_OK


def cmd_purge(archive: Archive, args: argparse.Namespace) -> int:
    try:
        removed = archive.purge(_ids(args.ids) if args.ids else None)
    except ValueError as error:
        raise QueryError(str(error)) from None
    print(f"removed {plural(len(removed), 'clipping')} for good", file=sys.stderr)
    return EXIT_OK
