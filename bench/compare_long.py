"""How long comparing two long documents takes (a 100-page report and its rewrite).

    .venv/bin/python bench/compare_long.py [--corpus PATH] [--reference CHECKOUT]
        [--sizes 2,5,15,30] [--runs 3]

Press clippings are short, but a user also compares long PDFs: two versions of a
report, a dossier against another. The window compares on its own thread of work, so
the time here is how long the user waits. The documents are ECB+ texts joined end to
end: A holds topics ``1..k``, B topics ``2..k+1`` (most of A again, in other
documents' order, as a rewrite would) and C topics ``20..19+k`` (another subject);
and a table of ``200 * k`` rows of one pattern ("The price of item 7 was 3 dollars
today.") against its rows shuffled, every other full stop lost (before
``align.MATCH_CANDIDATES``, 3,000 such rows took six minutes). For each size ``k`` the
bench times what ``services.comparing.compare`` runs on the texts
(``align`` with paraphrases, and the quotations of both, read and compared), median of
``--runs`` (one run from 10,000 sentences up).

``--reference`` runs the same measure, in the same run and alternating with this
build, on another checkout of Clippings (``git worktree add /tmp/ref <commit>``), so
that the two builds' figures are of one machine at one moment.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
SHARED = Path(os.environ.get("CLIPPINGS_SHARED", REPO.parent / "shared"))

#: Run in a child process (this build's or the reference's) to time one comparison.
_CHILD = """
import json, resource, sys, time
from pathlib import Path
from clippings.analysis.align import align, split_sentences
from clippings.analysis.quotes import compare_quotes, extract_quotes
root, first, count, runs = Path(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
def joined(start):
    return "\\n\\n".join(
        p.read_text(encoding="utf-8")
        for t in range(start, start + count)
        for p in sorted((root / str(t)).glob("*.txt"))
    )
def table(rows):
    import random
    pick = random.Random(3)
    lines = [
        f"The price of item {n % 40} was {pick.randint(1, 9)} dollars today."
        for n in range(rows)
    ]
    pick.shuffle(copy := list(lines))
    return " ".join(lines), " ".join(t[:-1] if k % 2 else t for k, t in enumerate(copy))
a, b = table(count * 200) if first == 0 else (joined(1), joined(first))
times = []
for _ in range(runs):
    started = time.perf_counter()
    align(a, b, "en", "en")
    compare_quotes(extract_quotes(a), extract_quotes(b), a, b)
    times.append(time.perf_counter() - started)
print(json.dumps({
    "sentences": [len(split_sentences(a)), len(split_sentences(b))],
    "times": times,
    "peak_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024,
}))
"""


def measure(checkout: Path, root: Path, first: int, count: int, runs: int) -> dict[str, object]:
    env = dict(os.environ, PYTHONPATH=str(checkout))
    done = subprocess.run(
        [sys.executable, "-c", _CHILD, str(root), str(first), str(count), str(runs)],
        env=env,
        cwd=checkout,
        capture_output=True,
        text=True,
        check=True,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=SHARED / "corpus")
    parser.add_argument("--reference", type=Path, help="another checkout to time beside")
    parser.add_argument("--sizes", default="2,5,15,30", help="how many ECB+ topics a text joins")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    root = args.corpus / "ecbplus" / "text"
    if not root.is_dir():
        print(f"no ECB+ texts at {root}", file=sys.stderr)
        return 1
    builds = [("this build", REPO)]
    if args.reference is not None:
        builds.append(("reference", args.reference.resolve()))
    print(f"{'texts':>34}  {'sentences':>13}  " + "  ".join(f"{n:>22}" for n, _ in builds))
    for count in (int(s) for s in args.sizes.split(",")):
        for label, first in (
            ("A and its rewrite", 2),
            ("A and another subject", 20),
            (f"a table of {count * 200} like rows", 0),
        ):
            row: list[str] = []
            sentences = ""
            for _name, checkout in builds:
                started = time.perf_counter()
                runs = 1 if count >= 15 else args.runs
                got = measure(checkout, root, first, count, runs)
                times = got["times"]
                assert isinstance(times, list)
                sentences = "{} / {}".format(*got["sentences"])  # type: ignore[misc]
                median = statistics.median(times)
                row.append(f"{median:8.2f} s {got['peak_mb']:6.0f} MB")
                if time.perf_counter() - started > 900:
                    print("(stopping: a comparison took more than 15 minutes)")
                    return 0
            print(
                f"{label + (f' ({count} topics)' if first else ''):>34}  {sentences:>13}  "
                + "  ".join(f"{cell:>22}" for cell in row),
                flush=True,
            )
    return 0


if __name__ == "__main__":
    sys.exit(main())
