#!/usr/bin/env python3
"""Print short article pages to PDF with headless Chromium, as a reader would (issue 10).

Writes a few news pages of its own (a headline, a byline, a date line, paragraphs, the
outlet in ``<title>``), serves them from a local ``http.server`` and has Chromium print
each one with its default header and footer (the print time and the page's title at the
top, the URL and "n/m" at the bottom), and one of them again without them. The PDFs land
in ``tests/data/print/`` beside the text each page shows (``<name>.txt``: headline,
byline, date line and paragraphs, a blank line between two) and a ``pages.json`` with
what the tests expect of each. The pages are served under made-up host names
(``www.coastal-herald.example``, mapped to 127.0.0.1 by ``--host-resolver-rules``) so
that the footer's URL names the outlet as a real one would.

Not run in CI (it needs Chromium); the tests read the committed files::

    .venv/bin/python tools/make_print_pdfs.py [--out tests/data/print] [--chromium PATH]
"""

from __future__ import annotations

import argparse
import html
import json
import shutil
import subprocess
import sys
import tempfile
import threading
from dataclasses import dataclass
from functools import partial
from http.server import SimpleHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class ArticlePage:
    """One page the tool writes and prints."""

    name: str
    host: str
    path: str
    lang: str
    headline: str
    outlet: str
    separator: str
    byline: str
    dateline: str | None
    #: The date line's day as ISO 8601 (what the importer should find), or None.
    published: str | None
    paragraphs: tuple[str, ...]
    #: Also print it with the header and footer turned off (``<name>-no-margins.pdf``).
    also_without_margins: bool = False

    @property
    def title(self) -> str:
        return f"{self.headline}{self.separator}{self.outlet}"

    def shown_text(self) -> str:
        """The page's text as a reader sees it: one paragraph a block."""
        lines = [self.headline, self.byline, *([self.dateline] if self.dateline else [])]
        return "\n\n".join([*lines, *self.paragraphs]) + "\n"

    def html(self) -> str:
        e = partial(html.escape, quote=True)
        date = f'<p class="dateline">{e(self.dateline)}</p>' if self.dateline else ""
        body = "\n".join(f"<p>{e(p)}</p>" for p in self.paragraphs)
        return f"""<!doctype html>
<html lang="{self.lang}">
<head>
<meta charset="utf-8">
<title>{e(self.title)}</title>
<style>
body {{ font-family: serif; max-width: 40em; margin: 0 auto; line-height: 1.5; font-size: 13pt; }}
.masthead {{ font-family: sans-serif; font-size: 0.8em; border-bottom: 1px solid #999; }}
.byline, .dateline {{ font-family: sans-serif; font-size: 0.9em; color: #444; }}
</style>
</head>
<body>
<article>
<h1>{e(self.headline)}</h1>
<p class="byline">{e(self.byline)}</p>
{date}
{body}
</article>
</body>
</html>
"""


PAGES = (
    ArticlePage(
        name="storm-closes-harbour",
        host="www.coastal-herald.example",
        path="/news/2026/03/12/storm-closes-harbour.html",
        lang="en",
        headline="Storm closes harbour as waves top the sea wall",
        outlet="The Coastal Herald",
        separator=" - ",
        byline="By Jane Doe, Harbour Reporter",
        dateline="Published 12 March 2026, 07:45",
        published="2026-03-12",
        paragraphs=(
            "The harbour at Port Ellery was closed to all shipping on Wednesday night after "
            "a storm drove waves over the old sea wall and flooded the quay for the second "
            "time this winter.",
            "The harbour master, Tom Reilly, said the closure would last at least until "
            "Friday morning. Ferries to the islands were cancelled and twelve fishing boats "
            "were moved to the inner basin before the tide turned.",
            "Residents of Quay Street were woken shortly after midnight by the coastguard, "
            "who went from door to door with torches. Most chose to stay upstairs rather "
            "than leave their homes, and the community hall stayed open for those who did.",
            "The council said engineers would inspect the sea wall as soon as the wind "
            "dropped. A report last year found that parts of the wall, built in 1887, were "
            "in poor condition and recommended repairs costing four million pounds.",
            "Fishermen said the waves were the highest they had seen in thirty years. "
            "\u201cWe lost two pots of gear and a dinghy, but nobody was hurt, and that is "
            "what matters,\u201d said Maggie Flynn, who has fished from the harbour since "
            "she was a girl.",
        ),
        also_without_margins=True,
    ),
    ArticlePage(
        name="sturm-faehre",
        host="www.kuestenbote.example",
        path="/lokales/2026/03/14/sturm-legt-faehrverkehr-lahm.html",
        lang="de",
        headline="Sturm legt den Fährverkehr zu den Inseln lahm",
        outlet="Der Küstenbote",
        separator=" | ",
        byline="Von Anna Schmidt",
        dateline="Veröffentlicht am 14. März 2026, 09:12 Uhr",
        published="2026-03-14",
        paragraphs=(
            "Der Sturm über der Nordsee hat am Freitag den gesamten Fährverkehr zu den "
            "Ostfriesischen Inseln zum Erliegen gebracht. Die Reedereien sagten alle "
            "Abfahrten bis zum Abend ab, nachdem Böen von mehr als hundert Kilometern pro "
            "Stunde gemessen worden waren.",
            "Auf den Inseln saßen nach Angaben der Gemeinden rund dreihundert Tagesgäste "
            "fest. Hotels und Pensionen stellten kurzfristig Zimmer zur Verfügung, die "
            "Kurverwaltung öffnete die Turnhalle der Inselschule als Notunterkunft.",
            "Im Hafen von Norddeich wurden mehrere Fahrzeuge vom Wasser erfasst, als die "
            "Flut am Vormittag über die Kaimauer schwappte. Verletzt wurde niemand, teilte "
            "die Polizei mit. Der Deutsche Wetterdienst warnte vor einer weiteren "
            "Sturmflut in der Nacht zum Samstag.",
            "Die Reedereien wollen den Verkehr am Samstagmorgen wieder aufnehmen, sofern "
            "der Wind nachlässt. Fahrgäste sollten sich vor der Abreise im Internet über "
            "die aktuellen Abfahrtszeiten informieren, hieß es.",
        ),
    ),
    ArticlePage(
        name="sea-wall-decade",
        host="www.coastal-herald.example",
        path="/features/sea-wall-a-decade-of-debate.html",
        lang="en",
        headline="The sea wall that nobody wanted to pay for",
        outlet="The Coastal Herald",
        separator=" | ",
        byline="By Owen Price",
        dateline=None,  # no date line: the importer must not invent one (the print time)
        published=None,
        paragraphs=tuple(
            paragraph
            for section in (
                (
                    "For ten years the sea wall at Port Ellery has been the subject of "
                    "reports, consultations and promises. Every winter the waves come over "
                    "it, and every spring the council says that something will be done.",
                    "The wall was built in 1887 by the harbour company, which went bankrupt "
                    "two decades later. Since then it has belonged, in turn, to the county, "
                    "to a water board, to the port authority and, since 1996, to the town "
                    "council, which inherited it along with the harbour's debts.",
                    "The first survey to warn that the wall was failing was published on 3 "
                    "May 2016. It found cracks in the lower courses of stone and recommended "
                    "that the worst stretch, below Quay Street, be rebuilt within five years.",
                ),
                (
                    "Nothing happened. The council said it could not afford the work on its "
                    "own, and the government said that coastal defences in small towns were "
                    "a matter for local authorities. A second survey in 2019 found the "
                    "cracks had doubled in length.",
                    "Residents formed a campaign group, Save Our Quay, which collected four "
                    "thousand signatures in a town of nine thousand people. Its chair, "
                    "Helen Marsh, a retired teacher, still keeps the petition in a box "
                    "under her stairs.",
                    "\u201cWe handed it in at the town hall, and we were told it would be "
                    "considered,\u201d she said. \u201cI suppose it was considered. It just "
                    "wasn't acted on.\u201d",
                    "The cost of the repairs has grown with every year of delay. In 2016 the "
                    "engineers estimated one and a half million pounds; by last year the "
                    "figure had reached four million, and the council's own officers now "
                    "expect more once the work begins.",
                ),
                (
                    "Part of the problem, councillors say, is that the benefit of a sea wall "
                    "is invisible when it works. A flood that does not happen wins no votes, "
                    "and a budget spent on stone leaves less for libraries and buses.",
                    "The harbour master, Tom Reilly, has a simpler explanation. \u201cEveryone "
                    "agrees it needs doing, and everyone agrees someone else should pay for "
                    "it,\u201d he said, standing on the quay where the paving stones lift "
                    "a little further every winter.",
                    "This winter may have changed the arithmetic. Two floods in three months "
                    "closed the harbour for a total of nine days, cost the ferry company its "
                    "busiest weekend and left the fish market under half a metre of water.",
                    "Insurers have noticed. Several households on Quay Street say their "
                    "premiums have doubled, and two businesses have been told that flood "
                    "cover will not be renewed unless the wall is repaired.",
                ),
                (
                    "Last month the council finally voted to borrow the money, on condition "
                    "that the government matches half of it from its coastal resilience "
                    "fund. An answer is expected before the summer.",
                    "If it is yes, work could start in the autumn and take two years. The "
                    "plan is to rebuild the wall below Quay Street in concrete faced with "
                    "the old stone, and to raise it by sixty centimetres along its length.",
                    "If it is no, the council says it will have to think again. Nobody in "
                    "the town seems to know what that would mean, and nobody at the town "
                    "hall was willing to say.",
                    "Meanwhile the waves keep coming. On the night of the last storm, Helen "
                    "Marsh walked down to the quay to watch them. \u201cThey were beautiful, "
                    "in a way,\u201d she said. \u201cYou just don't want them in your "
                    "kitchen.\u201d",
                    "The harbour reopened two days later. The cracks in the wall, the "
                    "engineers say, are now long enough to put a hand into.",
                ),
                (
                    "The history of the wall is written in its stones. Local masons cut "
                    "them from the quarry above the town, and each one still carries the "
                    "mark of the man who shaped it: a cross, a star, a pair of initials.",
                    "Some of those marks are now under water at every high tide. Others "
                    "have been worn smooth by a century of waves, and a few have gone "
                    "altogether, prised loose by the storms and carried out to sea.",
                    "The town museum keeps a photograph of the wall being built, taken from "
                    "the church tower in the summer of 1886. It shows a line of scaffolding, "
                    "a crane made of timber, and a crowd of children watching from the beach.",
                    "One of those children, the museum's notes say, was the grandfather of "
                    "the present harbour master. Tom Reilly laughs at the thought. \u201cHe "
                    "watched them build it, and I'll watch it fall down,\u201d he said. "
                    "\u201cUnless somebody pays.\u201d",
                ),
                (
                    "Other towns along the coast are watching. At Kilbride, ten miles north, "
                    "a similar wall was rebuilt in 2021 after a storm breached it and "
                    "flooded forty homes; the repairs there cost three times what the "
                    "earlier estimate had been.",
                    "Engineers say the lesson is the same everywhere: a wall repaired before "
                    "it fails costs a fraction of one rebuilt after it has failed, and far "
                    "less than the homes and businesses behind it.",
                    "Whether Port Ellery learns that lesson in time depends, for now, on a "
                    "letter from the government. The town, as it has for ten years, is "
                    "waiting.",
                ),
            )
            for paragraph in section
        ),
    ),
)


class _QuietHandler(SimpleHTTPRequestHandler):
    def log_message(self, format: str, *args: object) -> None:
        pass


def _serve(folder: Path) -> tuple[ThreadingHTTPServer, int]:
    handler = partial(_QuietHandler, directory=str(folder))
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


def _print(
    chromium: str, url: str, out: Path, rules: str, profile: Path, *, margins: bool = True
) -> None:
    # Headless Chromium prints its header and footer by default (only
    # --no-pdf-header-footer turns them off).
    command = [
        chromium,
        "--headless",
        "--disable-gpu",
        "--no-sandbox",
        "--no-first-run",
        f"--user-data-dir={profile}",
        f"--host-resolver-rules={rules}",
        f"--print-to-pdf={out}",
        *([] if margins else ["--no-pdf-header-footer"]),
        url,
    ]
    subprocess.run(command, check=True, capture_output=True, timeout=180)
    if not out.exists() or out.stat().st_size == 0:
        raise SystemExit(f"Chromium wrote no PDF for {url}")


def print_file(source: Path, out: Path, chromium: str | None = None) -> Path:
    """Print a saved web page (an HTML file) to PDF as a reader would, with Chromium's
    default header and footer; for tests that need a page and its print (a copy of the
    same piece in another format).

    Raises:
        FileNotFoundError: Chromium is not installed (give its path as ``chromium``).
    """
    found = chromium or shutil.which("chromium") or shutil.which("chromium-browser")
    if not found:
        raise FileNotFoundError("Chromium is not installed")
    out.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as profile:
        # No host is mapped: a page's own links to other sites fail fast, offline.
        _print(found, source.resolve().as_uri(), out, "MAP * ~NOTFOUND", Path(profile))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--out", type=Path, default=REPO / "tests" / "data" / "print")
    parser.add_argument("--chromium", default=shutil.which("chromium") or "chromium")
    args = parser.parse_args()
    args.out.mkdir(parents=True, exist_ok=True)
    expected: dict[str, dict[str, object]] = {}
    with tempfile.TemporaryDirectory() as temporary:
        site = Path(temporary) / "site"
        for page in PAGES:
            file = site / page.path.lstrip("/")
            file.parent.mkdir(parents=True, exist_ok=True)
            file.write_text(page.html(), encoding="utf-8")
        server, port = _serve(site)
        # Every made-up host resolves to the local server, on port 80 as a real site.
        hosts = sorted({page.host for page in PAGES})
        rules = ", ".join(f"MAP {host}:80 127.0.0.1:{port}" for host in hosts)
        try:
            for page in PAGES:
                url = f"http://{page.host}{page.path}"
                pdf = args.out / f"{page.name}.pdf"
                _print(args.chromium, url, pdf, rules, Path(temporary) / "profile")
                (args.out / f"{page.name}.txt").write_text(page.shown_text(), encoding="utf-8")
                expected[page.name] = {
                    "url": url,
                    "title": page.headline,
                    "outlet": page.outlet,
                    "published": page.published,
                    "language": page.lang,
                    "margins": True,
                }
                print(f"{pdf.relative_to(REPO) if pdf.is_relative_to(REPO) else pdf}: {url}")
                if page.also_without_margins:
                    # No header or footer: nothing tells the URL, but the browser's
                    # name in the file still says it was printed (its date is no
                    # publication date).
                    name = f"{page.name}-no-margins"
                    plain = args.out / f"{name}.pdf"
                    _print(
                        args.chromium, url, plain, rules, Path(temporary) / "profile", margins=False
                    )
                    (args.out / f"{name}.txt").write_text(page.shown_text(), encoding="utf-8")
                    expected[name] = {**expected[page.name], "url": None, "margins": False}
        finally:
            server.shutdown()
    (args.out / "pages.json").write_text(
        json.dumps(expected, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )


if __name__ == "__main__":
    sys.exit(main())
