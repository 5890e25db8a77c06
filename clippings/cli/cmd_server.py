"""``clippings server …``: set up, upgrade and staff a team archive on PostgreSQL.

These commands speak to the server themselves rather than to an opened archive:
``init`` and ``upgrade`` need the database owner's rights (which clients never use),
and ``user`` an admin's.
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from clippings.cli.output import EXIT_OK, EXIT_USAGE, _emit_json, _ProgressBar
from clippings.model import ArchiveError, plural


def _address(args: argparse.Namespace) -> str:
    """The team archive's address: the command's URL, else ``--archive`` or
    ``CLIPPINGS_ARCHIVE``."""
    from clippings.services.locate import resolve_archive_path

    given = getattr(args, "url", None) or args.archive
    found = resolve_archive_path(given)
    if not isinstance(found, str):
        raise ArchiveError(
            f"{found} is an archive folder; the server commands take a team archive's "
            "address (postgresql://user@host/database)"
        )
    return found


def cmd_server_init(args: argparse.Namespace) -> int:
    from clippings.services.server import init_server

    url = _address(args)
    bar = _ProgressBar("Preparing the search index")
    try:
        done = init_server(url, report=bar)
    finally:
        bar.finish()
    reader, editor, admin = done.roles
    print(
        f"made the team archive {done.address} (schema {done.schema_now}); its roles: "
        f"{reader}, {editor}, {admin}. Add people with: clippings --archive {done.address} "
        "server user add NAME --role reader|editor|admin",
        file=sys.stderr,
    )
    return EXIT_OK


def cmd_server_upgrade(args: argparse.Namespace) -> int:
    from clippings.services.server import upgrade_server

    url = _address(args)
    bar = _ProgressBar("Rebuilding the search index")
    try:
        done = upgrade_server(url, report=bar)
    finally:
        bar.finish()
    if done.schema_before == done.schema_now:
        what = f"already at schema {done.schema_now}; roles and search checked"
    else:
        what = f"upgraded from schema {done.schema_before} to {done.schema_now}"
    print(
        f"{done.address}: {what} ({plural(done.indexed, 'clipping')} searchable)", file=sys.stderr
    )
    return EXIT_OK


def cmd_server_user_add(args: argparse.Namespace) -> int:
    from clippings.services.server import set_member

    password = None
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\n")
        if not password:
            print("clippings: no password on standard input", file=sys.stderr)
            return EXIT_USAGE
    url = _address(args)
    set_member(url, args.name, args.role, password=password)
    print(f"{args.name} is now {_article(args.role)} {args.role} of {url}", file=sys.stderr)
    return EXIT_OK


def cmd_server_user_remove(args: argparse.Namespace) -> int:
    from clippings.services.server import remove_member

    url = _address(args)
    remove_member(url, args.name)
    print(f"{args.name} no longer has a role in {url}", file=sys.stderr)
    return EXIT_OK


def cmd_server_user_list(args: argparse.Namespace) -> int:
    from clippings.services.server import members

    found = members(_address(args))
    if args.json:
        _emit_json([{"name": m.login, "role": m.role} for m in found])
        return EXIT_OK
    for member in found:
        print(f"{member.login}\t{member.role}")
    return EXIT_OK


def cmd_server_work(args: argparse.Namespace) -> int:
    from clippings.services.server import WorkRound, work

    url = _address(args)

    def said(done: WorkRound) -> None:
        if done.indexed or done.analysed or args.once:
            print(
                f"indexed {plural(done.indexed, 'clipping')}, analysed "
                f"{plural(done.analysed, 'clipping')} for related pieces",
                file=sys.stderr,
            )

    if not args.once:
        print(f"keeping {url} up to date (Ctrl+C stops)", file=sys.stderr)
    work(url, rounds=1 if args.once else None, each=said)
    return EXIT_OK


def _article(word: str) -> str:
    return "an" if word[:1] in "aeiou" else "a"


def add_server_commands(commands: argparse._SubParsersAction[Any]) -> None:
    """The ``server`` command and its subcommands."""
    server = commands.add_parser(
        "server",
        help="set up and staff a team archive on a PostgreSQL server",
        description="Set up, upgrade and staff a team archive on a PostgreSQL server. "
        "init and upgrade run as the database's owner (a role that may create roles).",
    )
    verbs = server.add_subparsers(dest="server_command", metavar="ACTION", required=True)
    sub = verbs.add_parser(
        "init",
        help="make an empty PostgreSQL database a team archive (schema, search, roles)",
    )
    sub.add_argument("url", metavar="URL", help="postgresql://owner@host:5432/database")
    sub.set_defaults(standalone=cmd_server_init)
    sub = verbs.add_parser(
        "upgrade",
        help="bring a team archive to this version of Clippings (back it up first: pg_dump)",
    )
    sub.add_argument("url", metavar="URL", help="postgresql://owner@host:5432/database")
    sub.set_defaults(standalone=cmd_server_upgrade)
    sub = verbs.add_parser(
        "work",
        help="keep a team archive's search index and related pieces up to date (runs until "
        "stopped; any editor's account)",
    )
    sub.add_argument("url", metavar="URL", nargs="?", help="default: --archive")
    sub.add_argument("--once", action="store_true", help="do what is due, then stop")
    sub.set_defaults(standalone=cmd_server_work)
    user = verbs.add_parser(
        "user", help="give people a role in the team archive named by --archive (as its admin)"
    )
    actions = user.add_subparsers(dest="user_command", metavar="ACTION", required=True)
    sub = actions.add_parser("add", help="give NAME a role (making the login if it is new)")
    sub.add_argument("name", metavar="NAME", help="the person's login name on the server")
    sub.add_argument("--role", required=True, choices=("reader", "editor", "admin"))
    sub.add_argument(
        "--password-stdin",
        action="store_true",
        help="read a new login's password from standard input (one line)",
    )
    sub.set_defaults(standalone=cmd_server_user_add)
    sub = actions.add_parser("remove", help="take NAME's role in this archive away")
    sub.add_argument("name", metavar="NAME")
    sub.set_defaults(standalone=cmd_server_user_remove)
    sub = actions.add_parser("list", help="who has which role")
    sub.add_argument("--json", action="store_true", help="print JSON on standard output")
    sub.set_defaults(standalone=cmd_server_user_list)
