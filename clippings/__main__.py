"""``python -m clippings`` runs the command line (or the window)."""

from __future__ import annotations

import sys

from clippings.cli import main

if __name__ == "__main__":
    sys.exit(main())
