"""The program PyInstaller freezes: the ``clippings`` command line (and, without a command,
the window). ``freeze_support`` lets the frozen program start the extraction workers
(``multiprocessing``'s spawn and forkserver re-run this executable)."""

from __future__ import annotations

import multiprocessing
import sys

if __name__ == "__main__":
    multiprocessing.freeze_support()
    from clippings.cli import main

    sys.exit(main())
