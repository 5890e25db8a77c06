#!/usr/bin/env bash
# Builds the Debian package (packaging/build.sh), validates its desktop entry and AppStream
# metadata, and smoke-runs the BUILT program, unpacked from the .deb: --version, an import
# of the seed and a few corpus files (a web page, a PDF, a scan for OCR) into a temporary
# archive, a search, related pieces, a PDF dossier, the window offscreen, and the message
# for a missing display. Not part of CI (minutes long); run it before a release.
#   tools/build_package.sh
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"
shared="${CLIPPINGS_SHARED:-$root/../shared}"
[ -d "$shared/seed" ] || shared=/work/shared

step() { printf '\n== %s\n' "$*"; }
timed() {  # timed LABEL COMMAND...: runs it, says how long it took
    local label="$1" start end
    shift
    start=$(date +%s.%N)
    "$@"
    end=$(date +%s.%N)
    printf -- '-- %s: %.1f s\n' "$label" "$(echo "$end - $start" | bc)"
}

# The validators (Debian/Ubuntu packages), waiting for another apt like scripts/setup.sh.
need=()
command -v desktop-file-validate >/dev/null || need+=(desktop-file-utils)
command -v appstreamcli >/dev/null || need+=(appstream)
command -v bc >/dev/null || need+=(bc)
if [ "${#need[@]}" -gt 0 ]; then
    sudo=()
    if [ "$(id -u)" != 0 ]; then sudo=(sudo); fi
    echo "build_package: installing ${need[*]}" >&2
    "${sudo[@]}" env DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=300 \
        install -y -qq --no-install-recommends "${need[@]}" >/dev/null
fi

step "build"
start=$(date +%s)
deb="$(packaging/build.sh | tail -1)"
echo "-- packaging/build.sh: $(( $(date +%s) - start )) s"
echo "-- $deb"
echo "-- one-folder build: $(du -sh build/pyinstaller/dist/clippings | cut -f1)," \
    "package: $(du -h "$deb" | cut -f1)," \
    "installed: $(dpkg-deb -f "$deb" Installed-Size) KiB"

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT
step "package contents"
dpkg-deb --info "$deb" | sed -n '/Package:/,/Description:/p'
dpkg-deb --contents "$deb" | awk '{print $6}' | grep -v '^./opt/clippings/_internal/.' || true
dpkg-deb -x "$deb" "$work/root"

step "validators"
desktop-file-validate "$work/root/usr/share/applications/clippings.desktop" \
    && echo "desktop-file-validate: ok"
appstreamcli validate --no-net --pedantic "$work"/root/usr/share/metainfo/*.metainfo.xml

step "smoke run of the built program"
program="$work/root/opt/clippings/clippings"
archive="$work/archive"
export XDG_STATE_HOME="$work/state" XDG_CONFIG_HOME="$work/config" XDG_DATA_HOME="$work/data"
timed "--version" "$program" --version
# A scan for OCR: a line of text drawn by Qt (no corpus article is copied anywhere).
QT_QPA_PLATFORM=offscreen .venv/bin/python - "$work/scan.png" <<'PY'
import sys
from PySide6.QtGui import QFont, QGuiApplication, QImage, QPainter, Qt
app = QGuiApplication(sys.argv[:1])
image = QImage(1400, 300, QImage.Format.Format_RGB32)
image.fill(Qt.GlobalColor.white)
painter = QPainter(image)
painter.setFont(QFont("DejaVu Serif", 40))
painter.drawText(60, 120, "Harbour festival draws record crowds")
painter.drawText(60, 220, "The town council counted visitors all weekend.")
painter.end()
image.save(sys.argv[1])
PY
files=("$shared"/seed/*)
files+=("$shared/corpus/newspaper4k/html/time_001.html")
files+=("$(find "$shared/corpus/pdf" -name '*.pdf' | sort | head -1)")
files+=("$work/scan.png")
timed "import ${#files[@]} files" "$program" --archive "$archive" import "${files[@]}"
timed "search" "$program" --archive "$archive" search "summit OR harbour OR geoengineering"
timed "related" "$program" --archive "$archive" related 1
timed "PDF dossier" "$program" --archive "$archive" export --query "*" --format pdf \
    --output "$work/dossier.pdf"
echo "-- dossier: $(du -h "$work/dossier.pdf" | cut -f1)"
timed "check" "$program" --archive "$archive" check

set +e
QT_QPA_PLATFORM=offscreen timeout 10 "$program" --archive "$archive"
code=$?
set -e
if [ "$code" = 124 ]; then
    echo "-- window (offscreen): still up after 10 s, as it should be"
else
    echo "-- window (offscreen): exited with $code within 10 s: FAILED" >&2
    exit 1
fi
set +e
env -u QT_QPA_PLATFORM -u WAYLAND_DISPLAY DISPLAY=:4999 "$program" --archive "$archive"
code=$?
set -e
echo "-- window with no display at :4999: exit $code"
[ "$code" = 2 ] || { echo "expected exit 2" >&2; exit 1; }

step "all passed"
