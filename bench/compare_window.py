"""How long the comparison window takes to be built and shown for two long documents.

    xvfb-run -a .venv/bin/python bench/compare_window.py [--corpus PATH] [--sizes 5,30]

ECB+ texts joined end to end stand for two long documents, as in
``bench/compare_long.py`` (A: topics 1..k; B: topics 2..k+1). The comparison is
computed once (not timed); then the window is built and shown, its first page laid out,
``--runs`` times: as it is (``PAGE_ROWS`` passages a page) and, the reference measured
in the same run, with every passage on one page (as before pages). Medians printed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from PySide6.QtWidgets import QApplication  # noqa: E402

from clippings.analysis.align import align, shared_share  # noqa: E402
from clippings.model import Clipping  # noqa: E402
from clippings.services.comparing import Comparison  # noqa: E402
from clippings.ui import compare_window  # noqa: E402


def joined(root: Path, first: int, count: int) -> str:
    return "\n\n".join(
        path.read_text(encoding="utf-8")
        for topic in range(first, first + count)
        for path in sorted((root / str(topic)).glob("*.txt"))
    )


def shown_in(app: QApplication, comparison: Comparison) -> float:
    started = time.perf_counter()
    window = compare_window.CompareWindow(comparison)
    window.show()
    app.processEvents()
    elapsed = time.perf_counter() - started
    window.close()
    window.deleteLater()
    app.processEvents()
    return elapsed


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--sizes", default="5,30", help="how many ECB+ topics a text joins")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    app = QApplication.instance() or QApplication([])
    assert isinstance(app, QApplication)
    root = args.corpus / "ecbplus" / "text"
    paged = compare_window.PAGE_ROWS
    print(f"{'topics':>6} {'passages':>9} {'pages of ' + str(paged):>14} {'one page':>10}")
    for count in (int(size) for size in args.sizes.split(",")):
        a, b = joined(root, 1, count), joined(root, 2, count)
        pairs = align(a, b, "en", "en")
        comparison = Comparison(
            a=Clipping(id=1, title="A", text=a),
            b=Clipping(id=2, title="B", text=b),
            similarity=shared_share(pairs),
            pairs=tuple(pairs),
            quotes_both=(),
            quotes_only_a=(),
            quotes_only_b=(),
        )
        times: dict[int, list[float]] = {paged: [], len(pairs) + 1: []}
        for _ in range(args.runs):
            for rows in times:  # alternating, so that both see the same machine
                compare_window.PAGE_ROWS = rows
                times[rows].append(shown_in(app, comparison))
        compare_window.PAGE_ROWS = paged
        this, reference = (statistics.median(t) for t in times.values())
        print(f"{count:>6} {len(pairs):>9,} {this:>12.2f} s {reference:>8.2f} s")
    return 0


if __name__ == "__main__":
    sys.exit(main())
