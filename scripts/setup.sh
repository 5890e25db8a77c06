#!/usr/bin/env bash
# Sets up a virtual environment with Clippings in it, and the system libraries Qt needs.
# Used by run.sh and test.sh; safe to run again (it only adds what is missing).
#   scripts/setup.sh          the app
#   scripts/setup.sh test     the app and what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

want="${1:-app}"

# Qt's system libraries (the xcb platform plugin of a real window, EGL, fonts) and, for
# the tests, Xvfb. Debian/Ubuntu package names; other systems: install the equivalents.
packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
          libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1 libxcb-image0 libxcb-randr0
          libxcb-render-util0 libxcb-shape0 libxcb-xkb1 libxcb-xinerama0 libx11-xcb1
          fonts-dejavu-core
          # Clippings come in every script: Noto covers Arabic, Hebrew, Greek, Thai, CJK.
          fonts-noto-core fonts-noto-cjk
          # OCR of scans and images: Tesseract's orientation and script detection, and the
          # languages people clip (tesserocr's wheel brings the library; these the data).
          tesseract-ocr tesseract-ocr-osd tesseract-ocr-eng tesseract-ocr-deu
          tesseract-ocr-fra tesseract-ocr-spa tesseract-ocr-ita tesseract-ocr-por
          tesseract-ocr-pol tesseract-ocr-rus tesseract-ocr-ukr tesseract-ocr-ara
          tesseract-ocr-chi-sim tesseract-ocr-jpn)
if [ "$want" = test ]; then
    # Xvfb for the window's tests; Chromium prints web pages to PDF for the tests of
    # copies in other formats (tools/make_print_pdfs.py); poppler's pdftotext reads the
    # PDF dossier's text layer as readers copy it.
    packages+=(xvfb chromium poppler-utils)
fi

missing=()
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}" >&2
    if [ "$(id -u)" = 0 ]; then
        apt-get update -qq >/dev/null
        DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    elif command -v sudo >/dev/null 2>&1; then
        sudo apt-get update -qq >/dev/null
        sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends \
            "${missing[@]}" >/dev/null
    else
        echo "setup: please install these packages as root: ${missing[*]}" >&2
    fi
fi

python=""
for candidate in python3.11 python3.12 python3.13 python3; do
    if command -v "$candidate" >/dev/null 2>&1 \
        && "$candidate" -c 'import sys; sys.exit(sys.version_info < (3, 11))'; then
        python="$candidate"
        break
    fi
done
if [ -z "$python" ]; then
    echo "setup: Clippings needs Python 3.11 or newer (apt-get install python3 python3-venv)" >&2
    exit 1
fi

if [ ! -x .venv/bin/python ]; then
    "$python" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" >&2 || true
if [ "$want" = test ]; then
    spec=".[test]"
else
    spec="."
fi
.venv/bin/python -m pip install --quiet --editable "$spec" 2>&1 \
    | grep -v "^WARNING: Location\|^  \|^$\|!!" >&2 || true
.venv/bin/python -c "import clippings" || { echo "setup: installing Clippings failed" >&2; exit 1; }
