"""OCR quality and speed: corpus articles set in type (``tests/importers/samples_ocr``),
spoiled as a scanner or a phone would, read back by the image importer.

    .venv/bin/python bench/ocr_quality.py [--corpus PATH] [--languages eng,deu,fra,rus]
                                          [--sets]

Prints, per language and degradation, the word recall against the article (the share
of its words, with repeats, found in the recognised text), the mean confidence
Tesseract gave, the languages it read in, and the seconds per page (the median over
the pages of that language). Degradations:

* clean: the page as set, PNG;
* scan: turned 1.5 degrees, Gaussian noise (sigma 12), JPEG at quality 60;
* phone: turned -1 degree, blurred (0.6 px), noise 8, JPEG 60;
* 2 columns: a two-column page, scanned as above;
* turned 90: the clean page on its side;

and a scanned PDF of two full pages (about 450 words each) through the PDF importer,
rendered at 300 dpi as the import does (seconds a page: the file's time halved).

``--sets`` also reads the scanned page of each Latin-script language with fixed
language sets (the trade-off of the automatic choice: one language, with English, the
script's whole set), to show what the order of languages costs or gains.

Runs in this process (no worker pool): it measures Tesseract, not the pool.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))


def main() -> None:
    from clippings.importers.image import ImageImporter
    from clippings.model import DEFAULT_OPTIONS, Extracted, ImportOptions
    from tests.importers.samples_ocr import article, degrade, render_page, word_recall

    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--corpus", type=Path, default=REPO.parent / "shared" / "corpus")
    parser.add_argument("--languages", default="eng,deu,fra,rus")
    parser.add_argument("--sets", action="store_true", help="also compare fixed language sets")
    args = parser.parse_args()
    importer = ImageImporter()
    languages = [code for code in args.languages.split(",") if code]

    def read(data: bytes, options: ImportOptions = DEFAULT_OPTIONS) -> tuple[Extracted, float]:
        started = time.perf_counter()
        extracted = importer.extract(data, "page.jpg", options)
        return extracted, time.perf_counter() - started

    print(f"{'language':<9}{'page':<12}{'recall':>7}{'conf':>6}{'s/page':>8}  languages")
    medians: dict[str, float] = {}
    for lang in languages:
        _, text = article(args.corpus, lang)
        _, long_text = article(args.corpus, lang, max_words=300)
        page = render_page(text, lang)
        pages = {
            "clean": (text, degrade(page)),
            "scan": (text, degrade(page, skew=1.5, noise=12, jpeg_quality=60)),
            "phone": (text, degrade(page, skew=-1.0, noise=8, jpeg_quality=60, blur=0.6)),
            "2 columns": (
                long_text,
                degrade(render_page(long_text, lang, columns=2), 1.5, 12, 60),
            ),
            "turned 90": (text, degrade(page.rotate(90, expand=True, fillcolor=255))),
        }
        seconds = []
        for name, (truth, data) in pages.items():
            extracted, took = read(data)
            seconds.append(took)
            provenance = extracted.provenance
            print(
                f"{lang:<9}{name:<12}{word_recall(truth, extracted.text):>7.3f}"
                f"{provenance.get('ocr_confidence', '-'):>6}{took:>8.2f}  "
                f"{provenance.get('ocr_languages', '')}"
            )
        medians[lang] = statistics.median(seconds)
    print()
    for lang, median in medians.items():
        print(f"{lang}: median {median:.2f} s a page")
    print(f"all: median {statistics.median(medians.values()):.2f} s a page (medians of languages)")

    # A scanned PDF as the import reads it: two full pages, rendered at 300 dpi.
    from clippings.importers.pdf import PdfImporter
    from tests.importers.samples_ocr import pdf_of

    print(f"\n{'language':<9}{'pdf pages':<12}{'recall':>7}{'conf':>6}{'s/page':>8}  languages")
    for lang in languages:
        _, long_text = article(args.corpus, lang, max_words=450)
        pdf = pdf_of([render_page(long_text, lang)] * 2)
        started = time.perf_counter()
        extracted = PdfImporter().extract(pdf, "scan.pdf")
        took = (time.perf_counter() - started) / 2
        provenance = extracted.provenance
        print(
            f"{lang:<9}{'2 × A4':<12}{word_recall(long_text, extracted.text):>7.3f}"
            f"{provenance.get('ocr_confidence', '-'):>6}{took:>8.2f}  "
            f"{provenance.get('ocr_languages', '')}"
        )

    if args.sets:
        print(f"\n{'language':<9}{'set':<30}{'recall':>7}{'s/page':>8}   (scanned page)")
        latin = ("eng", "deu", "fra", "spa", "ita", "por", "pol")
        for lang in [code for code in languages if code in latin]:
            _, text = article(args.corpus, lang)
            data = degrade(render_page(text, lang), skew=1.5, noise=12, jpeg_quality=60)
            others = tuple(code for code in latin if code != lang)
            for chosen in ((lang,), (lang, "eng"), ("eng", lang), latin, (lang, *others)):
                options = ImportOptions(ocr_languages=tuple(dict.fromkeys(chosen)))
                extracted, took = read(data, options)
                print(
                    f"{lang:<9}{'+'.join(options.ocr_languages):<30}"
                    f"{word_recall(text, extracted.text):>7.3f}{took:>8.2f}"
                )


if __name__ == "__main__":
    main()
