"""The ``clippings`` command: everything the window does, from a terminal.

A stable contract that scripts rely on. With ``--json`` standard output holds that
JSON and nothing else; progress and messages go to standard error. Exit status: 0
success, 1 a failed import or an unknown id, 2 a usage or query error.

Each command imports what it needs when it runs: ``--help`` needs no database and no
search engine, and ``search``, ``list`` and ``show`` never load Qt, the importers,
the analysis of related pieces or numpy (``tests/test_cli_imports.py`` checks).

The commands live in ``cmd_*`` modules grouped by what they do (calibre's
``db/cli/cmd_*.py``), their shared printing in ``output``; this module builds the
parser, runs the chosen command on the opened archive, and turns every error into one
line and an exit status.
"""

from __future__ import annotations

import argparse
import logging
import re
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, NoReturn

from clippings import __version__
from clippings.cli.cmd_analysis import cmd_compare, cmd_quotes, cmd_related, cmd_stories
from clippings.cli.cmd_files import cmd_backup, cmd_copy, cmd_export, cmd_import, import_json
from clippings.cli.cmd_ocr import cmd_ocr
from clippings.cli.cmd_organise import (
    EDIT_OPTIONS,
    cmd_delete,
    cmd_edit,
    cmd_outlets,
    cmd_purge,
    cmd_restore,
    cmd_tag,
    cmd_tags,
    cmd_trash,
)
from clippings.cli.cmd_read import LIST_PAGE, cmd_list, cmd_search, cmd_show
from clippings.cli.cmd_sample import cmd_sample
from clippings.cli.cmd_server import add_server_commands
from clippings.cli.cmd_upkeep import cmd_check, cmd_reindex
from clippings.cli.output import EXIT_FAILED, EXIT_OK, EXIT_USAGE, _ProgressBar, _safe_output
from clippings.exporters import FORMAT_NAMES, FORMATS
from clippings.model import (
    ArchiveError,
    Cancelled,
    ClippingsError,
    NotFoundError,
    QueryError,
    TagError,
)
from clippings.services.locate import archive_exists, resolve_archive_path

if TYPE_CHECKING:
    from clippings.services.archive import Archive

__all__ = [
    "EDIT_OPTIONS",
    "EXIT_FAILED",
    "EXIT_OK",
    "EXIT_USAGE",
    "LIST_PAGE",
    "QUERY_HELP",
    "build_parser",
    "cmd_backup",
    "cmd_check",
    "cmd_compare",
    "cmd_delete",
    "cmd_edit",
    "cmd_export",
    "cmd_import",
    "cmd_list",
    "cmd_ocr",
    "cmd_outlets",
    "cmd_purge",
    "cmd_quotes",
    "cmd_reindex",
    "cmd_related",
    "cmd_restore",
    "cmd_sample",
    "cmd_search",
    "cmd_show",
    "cmd_stories",
    "cmd_tag",
    "cmd_tags",
    "cmd_trash",
    "import_json",
    "main",
]

log = logging.getLogger("clippings")

QUERY_HELP = """\
query syntax:
  climate policy               clippings with both words (stemmed: policies, policy)
  "climate policy"             the exact phrase
  climate OR energy            either word;  climate NOT coal, climate -coal: without coal
  elect*                       words starting with elect
  title:summit outlet:reuters  a word in the title, in the outlet's name
  author:"Jane Doe"            author;  lang:ru  language (ISO code)
  tag:Russia                   tagged Russia or any tag below it (Russia/US relations)
  tag:"US relations"           a tag name with spaces
  published:2021-07            a year, a month or a day: published:2021-07-25
  published:[2021-07-01 to 2021-07-31]   a range, both ends included; [2021-07 to] open
"""


# --- Parser ----------------------------------------------------------------------------


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError("give a number of 1 or more")
    return value


def _share(text: str) -> float:
    """A number from 0 to 1 (a threshold)."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number") from None
    if not 0.0 <= value <= 1.0:
        raise argparse.ArgumentTypeError(f"give a number from 0 to 1, not {text}")
    return value


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(EXIT_USAGE, f"{self.prog}: error: {message}\n")


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="clippings",
        description="A desktop archive for press clippings. Without a command, opens the window; "
        "`clippings FILE …` opens it and imports the files and folders given.",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"clippings {__version__}")
    parser.add_argument(
        "--archive",
        metavar="DIR|URL",
        help="the archive folder, or a team archive's postgresql://user@host/database "
        "(default: $CLIPPINGS_ARCHIVE, else your data folder)",
    )
    parser.add_argument("-v", "--verbose", action="store_true", help="log what happens")
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", parser_class=_Parser)

    def command(
        name: str, handler: Callable[[Archive, argparse.Namespace], int], text: str, **kwargs: Any
    ) -> argparse.ArgumentParser:
        sub = commands.add_parser(name, help=text, description=text, **kwargs)
        sub.set_defaults(handler=handler)
        return sub

    def json_flag(sub: argparse.ArgumentParser) -> None:
        sub.add_argument("--json", action="store_true", help="print JSON on standard output")

    sub = command(
        "import",
        cmd_import,
        "import files and folders (text, web pages, PDF, Word, OpenDocument, RTF, EPUB, "
        "e-mail, saved pages, scans and photos)",
    )
    sub.set_defaults(creates_archive=True)
    sub.add_argument("paths", nargs="+", metavar="PATH")
    sub.add_argument("--tag", action="append", metavar="TAG", help="tag every new clipping")
    sub.add_argument("--password", metavar="PW", help="the password to try for PDFs that need one")
    sub.add_argument(
        "--ocr-lang",
        metavar="LANGS",
        help="the languages of scanned pages and images, as Tesseract names them "
        "(eng+deu+fra); by default the script found on each page picks them",
    )
    sub.add_argument(
        "--keep-copies",
        action="store_true",
        help="store a file that is the same piece as a clipping in another format (a web "
        "page's print-to-PDF, a .docx of it) as a clipping of its own; by default it is "
        "kept as another original of that clipping",
    )
    json_flag(sub)

    sub = command(
        "search",
        cmd_search,
        "search the archive",
        epilog=QUERY_HELP,
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    sub.add_argument("query", help="the query (start it with -- if it begins with a minus)")
    sub.add_argument("--limit", type=_positive, default=20, metavar="N")
    sub.add_argument("--sort", choices=("relevance", "date"), default="relevance")
    json_flag(sub)

    sub = command(
        "ocr",
        cmd_ocr,
        "recognise the text of stored scans and images again (OCR), or set the archive's "
        "OCR languages",
    )
    sub.set_defaults(creates_archive=True)  # --languages sets a new archive's up
    sub.add_argument("ids", nargs="*", metavar="ID")
    sub.add_argument(
        "--ocr-lang",
        metavar="LANGS",
        help="the languages of the pages, as Tesseract names them (eng+deu+fra); by "
        "default the archive's (--languages), else the script found on each page picks them",
    )
    sub.add_argument(
        "--languages",
        metavar="LANGS",
        help="set the archive's OCR languages for every import and OCR from now on (as "
        "the window's Preferences do): eng+deu, or 'auto' for the script on each page",
    )
    json_flag(sub)

    sub = command("show", cmd_show, "show one clipping")
    sub.add_argument("id")
    sub.add_argument(
        "--history",
        action="store_true",
        help="also who imported, edited, tagged, trashed or restored it, and who said "
        "it is (or is not) the same story as another clipping, and when",
    )
    json_flag(sub)

    sub = command("list", cmd_list, "list clippings, newest first")
    sub.add_argument("--tag", metavar="TAG", help="only those with this tag or one below it")
    json_flag(sub)

    sub = command("tag", cmd_tag, "add a tag to clippings or remove one")
    sub.add_argument("ids", nargs="+", metavar="ID")
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--add", metavar="TAG")
    which.add_argument("--remove", metavar="TAG")

    sub = command("tags", cmd_tags, "list tags, or rename, merge, colour or delete one")
    json_flag(sub)
    actions = sub.add_subparsers(dest="tags_action", metavar="ACTION", parser_class=_Parser)
    rename = actions.add_parser("rename", help="rename a tag (and the tags below it)")
    rename.add_argument("old")
    rename.add_argument("new")
    merge = actions.add_parser("merge", help="give FROM's clippings INTO and drop FROM")
    merge.add_argument("source", metavar="FROM")
    merge.add_argument("target", metavar="INTO")
    colour = actions.add_parser("colour", aliases=["color"], help="set a tag's colour")
    colour.add_argument("tag")
    colour.add_argument("colour", metavar="'#rrggbb'")
    delete = actions.add_parser("delete", help="delete a tag (never the clippings)")
    delete.add_argument("tag")

    sub = command("outlets", cmd_outlets, "list outlets, or rename one for all its clippings")
    json_flag(sub)
    actions = sub.add_subparsers(dest="outlets_action", metavar="ACTION", parser_class=_Parser)
    rename = actions.add_parser(
        "rename", help="rename an outlet (into an existing outlet's name: the two merge)"
    )
    rename.add_argument("old")
    rename.add_argument("new")

    sub = command("edit", cmd_edit, "change a clipping's metadata")
    sub.add_argument("id")
    for field in EDIT_OPTIONS:
        if field == "author":
            sub.add_argument(
                "--author",
                metavar="NAMES",
                help='the authors, "; " between names ("Jane Doe; Associated Press"); '
                '"Doe, Jane" is one person, family name first; "" for none',
            )
        else:
            sub.add_argument(f"--{field}", metavar=field[0].upper())
    sub.add_argument(
        "--published",
        metavar="DATE",
        help='2021-07-25 or 2021-07-25T05:05+00:00; "" for none',
    )

    sub = command("delete", cmd_delete, "move clippings to the trash")
    sub.add_argument("ids", nargs="+", metavar="ID")
    sub = command("restore", cmd_restore, "bring clippings back from the trash")
    sub.add_argument("ids", nargs="+", metavar="ID")
    sub = command("trash", cmd_trash, "list the clippings in the trash")
    json_flag(sub)
    sub = command("purge", cmd_purge, "remove clippings in the trash for good (all without IDs)")
    sub.add_argument("ids", nargs="*", metavar="ID")
    sub = command(
        "export",
        cmd_export,
        "export a tag's clippings, a search or chosen ids to a file",
        epilog="formats:\n"
        + "\n".join(f"  {name:<10} {FORMATS.get(name, name)}" for name in FORMAT_NAMES),
        formatter_class=argparse.RawDescriptionHelpFormatter,
    )
    which = sub.add_mutually_exclusive_group(required=True)
    which.add_argument("--tag", metavar="TAG", help="a tag and the tags below it")
    which.add_argument("--query", metavar="QUERY", help="the clippings a search finds")
    which.add_argument("--ids", nargs="+", metavar="ID", help="these clippings")
    sub.add_argument("--format", required=True, choices=FORMAT_NAMES)
    sub.add_argument("--output", required=True, metavar="PATH", help="the file to write")
    sub.add_argument("--force", action="store_true", help="replace the file if it exists")
    sub = command(
        "related", cmd_related, "clippings related to one: duplicates, same story, related"
    )
    sub.add_argument("id")
    sub.add_argument(
        "--limit",
        type=_positive,
        default=20,
        metavar="N",
        help="show up to N related pieces (default 20, at most 30: what each keeps)",
    )
    verdict = sub.add_mutually_exclusive_group()
    verdict.add_argument(
        "--same-story",
        metavar="OTHER",
        help="say that ID and OTHER are the same story, whatever Clippings judged "
        "(the related lists and the stories follow your word)",
    )
    verdict.add_argument(
        "--not-same-story",
        metavar="OTHER",
        help="say that ID and OTHER are not the same story (OTHER shows as related, "
        "and no story holds both)",
    )
    verdict.add_argument(
        "--forget-verdict",
        metavar="OTHER",
        help="take back what you said of ID and OTHER: Clippings's own label stands again",
    )
    json_flag(sub)
    sub = command("stories", cmd_stories, "group clippings about the same event into stories")
    sub.add_argument(
        "--threshold",
        type=_share,
        default=None,
        metavar="T",
        # The default is ``STORY_THRESHOLD`` (written out: the analysis is not loaded
        # for a command's help; a test holds the two together).
        help="how alike two reports must be to join a story (0..1; default 0.2: "
        "higher makes tighter stories)",
    )
    json_flag(sub)
    sub = command(
        "compare",
        cmd_compare,
        "compare two clippings passage by passage",
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=(
            "Each passage is marked by what became of it:\n"
            "  =  the same in both            ~  changed (A, then B)\n"
            "  ↕  moved to another place      ≈  similar: likely the same in other words,\n"
            "  A  only in A                      with the names and numbers both share\n"
            "  B  only in B\n"
            "then the quotations quoted in both, only in A and only in B.\n\n"
            "--json gives a, b, similarity (the text in common, 0..1; a similar pair counts\n"
            "less than the same words), a_in_b and b_in_a (each side's share in the\n"
            "other), pairs (kind: same, changed, moved, similar, only_a or only_b; a and\n"
            "b, the passages; shared, for similar pairs) and quotes (both, only_a,\n"
            "only_b: speaker and text)."
        ),
    )
    sub.add_argument("a", metavar="A")
    sub.add_argument("b", metavar="B")
    json_flag(sub)
    sub = command("quotes", cmd_quotes, "a clipping's direct quotations and who said them")
    sub.add_argument("id")
    json_flag(sub)
    sub = command("reindex", cmd_reindex, "rebuild the search index from the database")
    sub.set_defaults(creates_archive=True)  # --engine chooses a new archive's engine
    sub.add_argument(
        "--engine",
        choices=("whoosh", "tantivy"),
        help="switch the archive to this search engine (its index is built first; the "
        "archive keeps its engine if this is interrupted)",
    )
    sub = command("check", cmd_check, "verify the database, the originals and the index")
    sub.add_argument(
        "--repair",
        action="store_true",
        help="first fix what can be fixed without losing anything (leftovers, the index)",
    )
    json_flag(sub)
    sub = command(
        "backup",
        cmd_backup,
        "copy the archive, while in use, to a new or empty folder (an archive of its own)",
    )
    sub.add_argument("destination", metavar="DEST", help="the folder to make the backup in")
    sub = command(
        "sample",
        cmd_sample,
        "build the sample archive: a few short invented articles to try Clippings on "
        "(in your data folder's 'Sample archive' unless --archive names another)",
    )
    sub.add_argument(
        "--archive", metavar="DIR", default=argparse.SUPPRESS, help="the folder to build it in"
    )
    json_flag(sub)
    sub.set_defaults(default_archive=_sample_archive_path, creates_archive=True)
    sub = commands.add_parser(
        "copy",
        help="copy an archive into a new one and check the copy: a folder to a team archive "
        "(postgresql://…) and back",
        description="Copy every clipping, tag, note and original of SRC into DEST, then check "
        "that DEST holds the same (rows, originals' SHA-256, exact-phrase searches). DEST is a "
        "new or empty folder, or a team archive made with `clippings server init` and still "
        "empty.",
    )
    sub.add_argument("source", metavar="SRC", help="the archive folder or team archive to copy")
    sub.add_argument("target", metavar="DEST", help="a new folder, or an empty team archive")
    sub.set_defaults(standalone=cmd_copy)
    add_server_commands(commands)
    return parser


def _sample_archive_path() -> Path:
    from clippings.services.sample import sample_archive_path

    return sample_archive_path()


def main(argv: Sequence[str] | None = None) -> int:
    _safe_output()
    parser = build_parser()
    words = list(sys.argv[1:] if argv is None else argv)
    missing = mistyped_file(words, parser)
    if missing is not None:
        print(f"clippings: there is no file or folder {missing}", file=sys.stderr)
        return EXIT_FAILED
    options, files = split_files_to_open(words, parser)
    if files:  # `clippings FILE …` (a file manager's "Open with Clippings")
        try:
            args = parser.parse_args(options)
        except SystemExit as done:
            return done.code if isinstance(done.code, int) else EXIT_USAGE
        return _open_window(args, files)
    try:
        args = parser.parse_args(argv)
    except SystemExit as done:  # --help, --version, or a usage error (already printed)
        return done.code if isinstance(done.code, int) else EXIT_USAGE
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="clippings: %(name)s: %(message)s" if args.verbose else "clippings: %(message)s",
        stream=sys.stderr,
    )
    if not args.verbose:
        # pdfminer warns about every odd font or stream, with no file name; the import
        # summary already says which files could not be read.
        logging.getLogger("pdfminer").setLevel(logging.ERROR)
    if args.command is None:
        return _open_window(args)
    standalone = getattr(args, "standalone", None)
    if standalone is not None:  # a command that opens its archives itself
        return _guarded(lambda: int(standalone(args)))
    return _guarded(lambda: _run_on_archive(args))


def _run_on_archive(args: argparse.Namespace) -> int:
    """Open the archive the command names and run the command on it."""
    from clippings.services.archive import Archive

    default_archive = getattr(args, "default_archive", None)
    if default_archive is not None and not args.archive:
        path = default_archive()  # a command with an archive of its own (sample)
    else:
        path = resolve_archive_path(args.archive)
    if not getattr(args, "creates_archive", False) and not archive_exists(path):
        # A mistyped --archive would otherwise become a new, empty archive, and the
        # command would then report "there is no clipping 1".
        print(
            f"clippings: there is no archive at {path}: import files to start one "
            "(clippings import FILE …), or name another with --archive",
            file=sys.stderr,
        )
        return EXIT_FAILED
    with Archive.open(path, report=_ProgressBar("Indexing")) as archive:
        for warning in archive.warnings:
            print(f"clippings: warning: {warning}", file=sys.stderr)
        return int(args.handler(archive, args))


def _guarded(run: Callable[[], int]) -> int:
    """Run a command, every error becoming one line and an exit status."""
    previous = _stop_on_sigterm()
    try:
        return run()
    except NotFoundError as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_FAILED
    except BrokenPipeError:
        # The reader went away (`clippings list | head`): not an error of ours.
        sys.stderr.close()
        return EXIT_OK
    except (QueryError, TagError) as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_USAGE
    except ArchiveError as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_USAGE
    except Cancelled:
        print("clippings: stopped; nothing was written", file=sys.stderr)
        return EXIT_FAILED
    except ClippingsError as error:
        print(f"clippings: {error}", file=sys.stderr)
        return EXIT_FAILED
    except KeyboardInterrupt:
        print("clippings: interrupted", file=sys.stderr)
        return 130
    except OSError as error:
        # The system refused something the archive needed (a full disk, a folder that
        # vanished); what was saved before stays saved.
        log.debug("system error", exc_info=True)
        where = f" ({error.filename})" if error.filename else ""
        print(f"clippings: {error.strerror or error}{where}", file=sys.stderr)
        return EXIT_FAILED
    except Exception as error:  # a bug of ours: one line, the details with --verbose
        log.debug("unexpected error", exc_info=True)
        print(
            f"clippings: unexpected error: {error!r} (run again with --verbose for details; "
            "nothing already saved is lost)",
            file=sys.stderr,
        )
        return EXIT_FAILED
    finally:
        signal.signal(signal.SIGTERM, previous)


def _stop_on_sigterm() -> Any:
    """SIGTERM ends a command like Ctrl+C does, so an export removes its partial file."""

    def stop(_signum: int, _frame: object) -> None:
        raise KeyboardInterrupt

    try:
        return signal.signal(signal.SIGTERM, stop)
    except ValueError:  # not the main thread (a test calling main() from a thread)
        return signal.getsignal(signal.SIGTERM)


def split_files_to_open(
    argv: list[str], parser: argparse.ArgumentParser
) -> tuple[list[str], list[str]]:
    """The options and the files of ``clippings [OPTIONS] FILE …``, where the first word
    after the options names an existing file or folder, not a command; ``(argv, [])``
    for every other command line."""
    at = _first_word(argv)
    if at >= len(argv) or argv[at] in _command_names(parser) or not Path(argv[at]).exists():
        return argv, []
    return argv[:at], argv[at:]


def mistyped_file(argv: list[str], parser: argparse.ArgumentParser) -> str | None:
    """The first word after the options when it is no command and reads as a path of a
    file or folder that is not there ("artcle.html", "~/clips/x"), else None."""
    at = _first_word(argv)
    if at >= len(argv) or argv[at] in _command_names(parser):
        return None
    word = argv[at]
    looks_like_path = "/" in word or re.search(r"\.[^\W_]{2,5}$", word) is not None
    return word if looks_like_path and not Path(word).exists() else None


def _first_word(argv: list[str]) -> int:
    """Where the first word after the global options is (``len(argv)`` if none)."""
    at = 0
    while at < len(argv):
        word = argv[at]
        if len(word) >= 3 and "--archive".startswith(word):  # argparse takes "--arch DIR"
            at += 2
        elif word.startswith("-"):
            at += 1
        else:
            break
    return at


def _command_names(parser: argparse.ArgumentParser) -> set[str]:
    names: set[str] = set()
    for action in parser._actions:
        if isinstance(action, argparse._SubParsersAction):
            names.update(action.choices)
    return names


def _open_window(args: argparse.Namespace, files: Sequence[str] = ()) -> int:
    import os

    headless = not any(os.environ.get(v) for v in ("DISPLAY", "WAYLAND_DISPLAY"))
    if sys.platform.startswith("linux") and headless and not os.environ.get("QT_QPA_PLATFORM"):
        # The same words and exit status as the window's own check (app.display_problem),
        # which also catches a display that is named but cannot be reached.
        print(
            "Clippings cannot open its window: there is no display. Run it on a desktop, or "
            "use the command line: clippings --help",
            file=sys.stderr,
        )
        return EXIT_USAGE
    try:
        from clippings.app import main as window_main
    except ImportError as error:  # Qt's system libraries are missing
        print(
            f"clippings: the window cannot start ({error}); ./run.sh installs what Qt "
            "needs. Every task also has a command: see `clippings --help`.",
            file=sys.stderr,
        )
        return EXIT_FAILED
    return window_main(args.archive, files=files)
