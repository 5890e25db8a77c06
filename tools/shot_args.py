"""The command line of the screenshot tools: one optional folder to save in."""

from __future__ import annotations

import sys
from pathlib import Path


def output_folder(doc: str | None, default: Path) -> Path:
    """The folder named on the command line, else ``default``. ``-h``/``--help`` prints
    the tool's docstring and exits; anything else that looks like an option, or more
    than one folder, is refused (rather than made into a folder named "--help")."""
    arguments = sys.argv[1:]
    if any(a in ("-h", "--help") for a in arguments):
        print(doc or "")
        raise SystemExit(0)
    if len(arguments) > 1 or (arguments and arguments[0].startswith("-")):
        raise SystemExit(
            f"usage: {Path(sys.argv[0]).name} [OUT]: the folder to save the screenshots in "
            f"(default {default}); -h for what it shows"
        )
    return Path(arguments[0]) if arguments else default
