"""Speed of importing many files end to end: texts, HTML pages and PDFs, per kind.

    .venv/bin/python bench/import_pool.py [--files N] [--only KIND] [--corpus PATH] [--code DIR]
        [--engine whoosh|tantivy] [--archive PATH]

Makes N files from the shared corpus (ecbplus texts; aeb, trafilatura and readability
pages; one-page PDFs typeset from ecbplus sentences), each made unique by a line of
its own so that none is a duplicate, and imports each kind's folder through
``import_paths`` (the real path: read, extract in the workers, store, originals,
related pieces, index) into one new temporary archive. Prints, per kind: files/s, the
outcomes, and the longest gap between two progress reports; and the peak memory of
the program with its extraction workers (the sum of their RSS, sampled from /proc
every 50 ms) and the CPU time of each.

``--engine`` picks the new archive's search engine (``--archive PATH``: import into a
copy of that archive instead, for example a bench/scale.py build; a switch of its engine
rebuilds its index first).

``--code DIR`` imports ``clippings`` from another checkout (for a reference measured
in the same run, for example the code before a change: ``git archive HEAD | tar -x``).
"""

from __future__ import annotations

import argparse
import gzip
import itertools
import os
import random
import re
import shutil
import sys
import tempfile
import threading
import time
import zlib
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]

if "--code" in sys.argv:  # before anything imports clippings (spawned workers inherit it)
    sys.path.insert(0, str(Path(sys.argv[sys.argv.index("--code") + 1]).resolve()))
else:
    sys.path.insert(0, str(REPO))

#: Of N files: texts, HTML pages, PDFs.
SHARES = {"texts": 0.6, "pages": 0.27, "pdfs": 0.13}


def _texts(corpus: Path) -> list[str]:
    return [p.read_text(encoding="utf-8") for p in sorted(corpus.glob("ecbplus/text/*/*.txt"))]


def _pages(corpus: Path) -> list[bytes]:
    pages = [gzip.decompress(p.read_bytes()) for p in sorted(corpus.glob("aeb/html/*.html.gz"))]
    pages += [p.read_bytes() for p in sorted(corpus.glob("readability/test-pages/*/source.html"))]
    for path in sorted((corpus / "trafilatura").rglob("*")):
        if path.suffix in (".html", ".htm"):
            pages.append(path.read_bytes())
        elif path.name.endswith((".html.gz", ".htm.gz")):
            pages.append(gzip.decompress(path.read_bytes()))
    return [page for page in pages if re.search(rb"<p[\s>]", page, re.IGNORECASE)]


def _unique_page(page: bytes, number: int) -> bytes:
    """The page with a sentence of its own at the start of its first paragraph, so the
    extracted article differs from every other copy's."""
    paragraphs = [m.end() for m in re.finditer(rb"<p[\s>]", page, re.IGNORECASE)]
    at = paragraphs[len(paragraphs) // 2] - 1  # the middle one: in the article's body
    close = page.find(b">", at)
    note = f"Bench copy {number} of this article, filed under reference {number * 7919}. "
    return page[: close + 1] + note.encode() + page[close + 1 :]


def _pdf(lines: list[str]) -> bytes:
    """A one-page PDF with ``lines`` of Helvetica text (a typeset clipping)."""
    text = ["BT /F1 10 Tf 12 TL 50 790 Td"]
    for line in lines:
        safe = line.encode("latin-1", "replace").decode("latin-1")
        safe = safe.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
        text.append(f"({safe}) Tj T*")
    text.append("ET")
    stream = zlib.compress("\n".join(text).encode("latin-1"))
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d /Filter /FlateDecode >>\nstream\n" % len(stream) + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    out += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1,
        xref,
    )
    return bytes(out)


def make_files(corpus: Path, folder: Path, count: int, shares: dict[str, float]) -> dict[str, Path]:
    """``count`` unique files, by kind, in ``folder``/<kind>/."""
    rng = random.Random(9)
    texts, pages = _texts(corpus), _pages(corpus)
    sentences = [line.strip() for text in texts for line in text.splitlines()[3:] if len(line) > 60]
    wanted = {kind: int(count * share) for kind, share in shares.items()}
    wanted[next(iter(wanted))] += count - sum(wanted.values())
    kinds = {}
    for kind, n in wanted.items():
        kinds[kind] = target = folder / kind
        target.mkdir(parents=True)
        for number in range(n):
            if kind == "texts":
                body = texts[number % len(texts)]
                note = f"\n\nBench copy {number}, filed under reference {number * 7919}.\n"
                (target / f"t{number:05d}.txt").write_text(body + note, encoding="utf-8")
            elif kind == "pages":
                page = _unique_page(pages[number % len(pages)], number)
                (target / f"p{number:05d}.html").write_bytes(page)
            else:
                lines = [f"Bench clipping {number}, reference {number * 7919}"]
                for _ in range(12):  # a page of prose, wrapped at ~90 characters
                    words = rng.choice(sentences).split()
                    line: list[str] = []
                    for word in words:
                        if sum(len(w) + 1 for w in line) + len(word) > 90:
                            lines.append(" ".join(line))
                            line = []
                        line.append(word)
                    lines.append(" ".join(line))
                (target / f"d{number:05d}.pdf").write_bytes(_pdf(lines[:60]))
    return kinds


class MemorySampler(threading.Thread):
    """The peak of the summed RSS of this process and all its descendants."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.peak_kb = 0
        self.peak_processes = 0
        self.cpu_ticks: dict[int, int] = {}  # per process of the family, the last seen
        self._halt = threading.Event()

    def run(self) -> None:
        while not self._halt.wait(0.05):
            self.sample()

    def sample(self) -> None:
        pids = _family(os.getpid())
        for pid in pids:
            ticks = _cpu_ticks(pid)
            if ticks is not None:
                self.cpu_ticks[pid] = ticks
        total = sum(_rss_kb(pid) for pid in pids)
        if total > self.peak_kb:
            self.peak_kb, self.peak_processes = total, len(pids)

    def cpu_seconds(self) -> tuple[float, float]:
        """CPU time so far: (this process, its descendants)."""
        self.sample()
        hertz = os.sysconf("SC_CLK_TCK")
        own = self.cpu_ticks.get(os.getpid(), 0) / hertz
        return own, sum(self.cpu_ticks.values()) / hertz - own

    def stop(self) -> None:
        self._halt.set()
        self.join()


def _family(root: int) -> list[int]:
    """``root`` and its descendants (from each thread's ``children`` list in /proc)."""
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        try:
            threads = os.listdir(f"/proc/{pid}/task")
        except OSError:
            continue
        for thread in threads:
            try:
                children = Path(f"/proc/{pid}/task/{thread}/children").read_text().split()
            except OSError:
                continue
            todo.extend(int(child) for child in children)
    return found


def _cpu_ticks(pid: int) -> int | None:
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return int(fields[11]) + int(fields[12])  # utime + stime


def _rss_kb(pid: int) -> int:
    return _status_kb(pid, "VmRSS:")


def _status_kb(pid: int, key: str) -> int:
    try:
        for line in Path(f"/proc/{pid}/status").read_text().splitlines():
            if line.startswith(key):
                return int(line.split()[1])
    except OSError:
        pass
    return 0


def _stamp(stamps: list[float]) -> Callable[[object], None]:
    return lambda _progress: stamps.append(time.perf_counter())


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--files", type=int, default=1500)
    parser.add_argument("--code", type=Path, help="import clippings from this checkout")
    parser.add_argument("--only", choices=sorted(SHARES), help="import files of this kind only")
    parser.add_argument(
        "--engine", choices=("whoosh", "tantivy"), default="whoosh", help="the archive's engine"
    )
    parser.add_argument(
        "--archive", type=Path, help="import into a copy of this archive (default: a new one)"
    )
    args = parser.parse_args()

    from clippings.services import Archive, import_paths

    work = Path(tempfile.mkdtemp(prefix="clippings-import-bench-"))
    sampler = MemorySampler()
    try:
        shares = {args.only: 1.0} if args.only else SHARES
        kinds = make_files(args.corpus, work / "in", args.files, shares)
        import clippings

        print(f"clippings from {Path(clippings.__file__).parent.parent}")
        sampler.start()
        total_files, total_time, worst_gap = 0, 0.0, 0.0
        if args.archive:
            shutil.copytree(args.archive, work / "archive")
        with Archive.open(work / "archive") as archive:
            if args.engine != archive.engine:
                archive.switch_engine(args.engine)
            print(f"engine: {archive.engine}")
            for kind, folder in kinds.items():
                stamps: list[float] = []
                cpu_before = sampler.cpu_seconds()
                started = time.perf_counter()
                report = import_paths(archive, [folder], report=_stamp(stamps))
                elapsed = time.perf_counter() - started
                own, workers = (
                    b - a for a, b in zip(cpu_before, sampler.cpu_seconds(), strict=True)
                )
                moments = [started, *stamps, time.perf_counter()]
                gap = max(b - a for a, b in itertools.pairwise(moments))
                n = len(report.results)
                counts = {
                    k: len(report.of(k)) for k in ("imported", "duplicate", "skipped", "failed")
                }
                shown = ", ".join(f"{v} {k}" for k, v in counts.items() if v)
                print(
                    f"{kind:<6} {n:5d} files {elapsed:7.1f} s {n / elapsed:7.1f} files/s   "
                    f"longest progress gap {gap:5.2f} s   cpu: program {own:5.1f} s, "
                    f"workers {workers:5.1f} s   ({shown})",
                    flush=True,
                )
                total_files += n
                total_time += elapsed
                worst_gap = max(worst_gap, gap)
            print(f"stored clippings: {archive.count()}")
        sampler.stop()
        print(
            f"all    {total_files:5d} files {total_time:7.1f} s "
            f"{total_files / total_time:7.1f} files/s   longest progress gap {worst_gap:5.2f} s"
        )
        print(
            f"peak memory, program + workers: {sampler.peak_kb / 1024:.0f} MB "
            f"({sampler.peak_processes} processes); the program alone at most "
            f"{_status_kb(os.getpid(), 'VmHWM:') / 1024:.0f} MB"
        )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
