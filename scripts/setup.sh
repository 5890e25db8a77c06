#!/usr/bin/env bash
# Sets up a virtual environment with Clippings in it, and the system libraries Qt needs.
# Used by run.sh and test.sh; safe to run again. Once set up it does nothing: a stamp
# (.venv/.setup-stamp) records a hash of pyproject.toml, setup.py, what was wanted (app
# or test) and the system package list; while they are unchanged neither dpkg nor pip runs,
# so ./run.sh starts at once, offline too.
#   scripts/setup.sh          the app
#   scripts/setup.sh test     the app and what the tests need
set -euo pipefail
cd "$(dirname "$0")/.."

want="${1:-app}"
case "$want" in
    app | test) ;;
    *) echo "setup: usage: scripts/setup.sh [app|test]" >&2; exit 2 ;;
esac

# Qt's system libraries (the xcb platform plugin of a real window, EGL, fonts) and, for
# the tests, Xvfb. Debian/Ubuntu package names; other systems: install the equivalents.
# packaging/build.sh reads these lists for the Debian package's Depends: keep one name a word.
app_packages=(libegl1 libgl1 libxkbcommon0 libxkbcommon-x11-0 libfontconfig1 libdbus-1-3
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
# Xvfb for the window's tests; Chromium prints web pages to PDF for the tests of copies in
# other formats (tools/make_print_pdfs.py); poppler's pdftotext reads the PDF dossier's
# text layer as readers copy it; PostgreSQL's server runs the team archive's tests (each
# run starts a cluster of its own in a temporary folder: tests/pgserver.py).
test_packages=(xvfb chromium poppler-utils postgresql)

if [ "${SETUP_PRINT_PACKAGES:-}" = 1 ]; then  # packaging/build.sh asks for the app's list
    printf '%s\n' "${app_packages[@]}"
    exit 0
fi

stamp=.venv/.setup-stamp
# The fingerprint of one kind of set-up: what pip and apt would be asked for.
fingerprint() {
    {
        echo "$1"
        cat pyproject.toml
        if [ -f setup.py ]; then cat setup.py; fi
        printf '%s\n' "${app_packages[@]}"
        if [ "$1" = test ]; then printf '%s\n' "${test_packages[@]}"; fi
    } | sha256sum | cut -d' ' -f1
}
wanted_print="$(fingerprint "$want")"
if [ -x .venv/bin/python ] && [ -f "$stamp" ] && grep -qxF "$wanted_print" "$stamp"; then
    exit 0  # set up already, nothing changed since
fi

packages=("${app_packages[@]}")
if [ "$want" = test ]; then packages+=("${test_packages[@]}"); fi

sudo=()
if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi

# Another apt or dpkg (an unattended upgrade, a software centre) holds the lock: wait for
# it instead of failing with "Could not get lock". fuser sees the holder when it is there;
# apt's own Lock::Timeout covers the moment between our look and apt's start.
wait_for_package_manager() {
    command -v fuser >/dev/null 2>&1 || return 0
    local said="" waited=0
    while "${sudo[@]}" fuser /var/lib/dpkg/lock-frontend /var/lib/dpkg/lock \
            /var/lib/apt/lists/lock >/dev/null 2>&1; do
        if [ -z "$said" ]; then
            echo "setup: waiting for another package manager to finish…" >&2
            said=1
        fi
        sleep 2
        waited=$((waited + 2))
        if [ "$waited" -ge 600 ]; then
            echo "setup: another package manager has held the lock for 10 minutes; trying anyway" >&2
            return 0
        fi
    done
}
apt_get() {
    wait_for_package_manager
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 "$@"
}

missing=()
pending=""
if command -v dpkg-query >/dev/null 2>&1; then
    for p in "${packages[@]}"; do
        dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" \
            || missing+=("$p")
    done
fi
if [ "${#missing[@]}" -gt 0 ]; then
    echo "setup: installing system packages: ${missing[*]}" >&2
    if [ "$(id -u)" = 0 ] || command -v sudo >/dev/null 2>&1; then
        apt_get update -qq >/dev/null
        apt_get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
    else
        echo "setup: please install these packages as root: ${missing[*]}" >&2
        pending=1
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
    echo "setup: installing Clippings into .venv (the first time takes a few minutes)…" >&2
    "$python" -m venv .venv
else
    echo "setup: updating Clippings in .venv…" >&2
fi
.venv/bin/python -m pip install --quiet --upgrade pip 2>&1 | grep -v "^WARNING: Location" >&2 || true
if [ "$want" = test ]; then
    spec=".[test]"
else
    spec="."
fi
# pipefail: a failed pip fails the pipeline, so nothing is stamped and the next start retries.
if ! .venv/bin/python -m pip install --quiet --editable "$spec" 2>&1 \
    | { grep -v "^WARNING: Location\|^  \|^$\|!!" >&2 || true; }; then
    echo "setup: installing Clippings' Python packages failed (offline? see pip's words above)" >&2
    exit 1
fi
.venv/bin/python -c "import clippings" || { echo "setup: installing Clippings failed" >&2; exit 1; }

if [ -n "$pending" ]; then
    exit 0  # not stamped: the next start looks for the system packages again
fi
# Record what is set up. A test set-up covers the app's too; an app set-up keeps the
# record of a test set-up made from the same files.
{
    if [ "$want" = test ]; then
        fingerprint app
    elif [ -f "$stamp" ] && grep -qxF "$(fingerprint test)" "$stamp"; then
        fingerprint test
    fi
    echo "$wanted_print"
} >"$stamp.new"
mv "$stamp.new" "$stamp"
