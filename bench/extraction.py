"""Extraction quality over ../shared/corpus: every number the archive core promises.

    .venv/bin/python bench/extraction.py [--corpus PATH] [--ours-only]

Prints, ours beside plain trafilatura (default settings, measured in the same run):
token-level F1 against the AEB gold, trafilatura's `with`/`without` snippets, dates,
titles, ms a page; then the ecbplus text headers (url, title, date) and the share of
legacy-encoded files decoded exactly. The details are in eval_html.py and eval_text.py.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import eval_html  # noqa: E402
import eval_text  # noqa: E402

GOALS = {
    "aeb_f1_mean": 0.96,
    "with_found": 0.97,
    "without_absent": 0.97,
    "date_accuracy": 0.90,
    "url": 0.85,
    "title": 0.85,
    "published": 0.85,
    "exact": 0.95,
}


def _line(name: str, value: float, reference: float | None = None) -> str:
    goal = GOALS.get(name)
    shown = f"{value:8.3f}" if value <= 1.5 else f"{value:8.1f}"
    ref = (
        ""
        if reference is None
        else (f"{reference:10.3f}" if reference <= 1.5 else f"{reference:10.1f}")
    )
    verdict = "" if goal is None else f"  goal {goal:.2f} {'met' if value >= goal else 'NOT MET'}"
    return f"  {name:<30}{shown}{ref:>12}{verdict}"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=HERE.parent.parent / "shared" / "corpus")
    parser.add_argument("--ours-only", action="store_true", help="skip the trafilatura reference")
    args = parser.parse_args()
    corpus = args.corpus

    ours = eval_html.evaluate_html(corpus)
    plain = None if args.ours_only else eval_html.evaluate_plain_trafilatura(corpus)
    print("Web pages (HTML importer)" + ("" if plain is None else "      ours   plain trafilatura"))
    for name, value in ours.items():
        print(_line(name, value, None if plain is None else plain.get(name)))
    print("ecbplus text headers (text importer)")
    for name, value in eval_text.evaluate_ecbplus(corpus).items():
        print(_line(name, value))
    print("Legacy encodings (text importer's decoder)")
    for name, value in eval_text.evaluate_encodings(corpus).items():
        print(_line(name, value))
    return 0


if __name__ == "__main__":
    sys.exit(main())
