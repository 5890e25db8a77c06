#!/usr/bin/env bash
# Builds Clippings' one-folder program with PyInstaller and a Debian package from it.
#   packaging/build.sh            -> build/pyinstaller/dist/clippings/ and
#                                    build/deb/clippings_<version>_<arch>.deb
# Needs Debian/Ubuntu (dpkg-deb); scripts/setup.sh makes .venv, this adds PyInstaller to it.
# tools/build_package.sh runs this, then validates and smoke-tests what it built.
set -euo pipefail
cd "$(dirname "$0")/.."
root="$PWD"

# The project's public address: a placeholder until it has one (the metainfo names it too).
PROJECT_URL="https://clippings.example.org/"
APP_ID="org.example.clippings"

scripts/setup.sh app
if [ ! -x .venv/bin/pyinstaller ]; then
    echo "build: installing PyInstaller into .venv" >&2
    .venv/bin/python -m pip install --quiet -e ".[package]" 2>&1 \
        | { grep -v "^WARNING: Location\|^  \|^$\|!!" >&2 || true; }
fi
version="$(.venv/bin/python -c 'import clippings; print(clippings.__version__)')"
arch="$(dpkg --print-architecture)"

echo "build: PyInstaller (one folder)" >&2
.venv/bin/pyinstaller --noconfirm --log-level WARN \
    --distpath build/pyinstaller/dist --workpath build/pyinstaller/work \
    packaging/clippings.spec
dist="build/pyinstaller/dist/clippings"

echo "build: Debian package" >&2
stage="build/deb/clippings_${version}_${arch}"
rm -rf "$stage"
mkdir -p "$stage/DEBIAN" "$stage/opt" "$stage/usr/bin" "$stage/usr/share/applications" \
    "$stage/usr/share/metainfo" "$stage/usr/share/doc/clippings" \
    "$stage/usr/share/icons/hicolor/scalable/apps"
cp -a "$dist" "$stage/opt/clippings"
cat >"$stage/usr/bin/clippings" <<'LAUNCHER'
#!/bin/sh
# Clippings lives in /opt/clippings (a PyInstaller one-folder build).
exec /opt/clippings/clippings "$@"
LAUNCHER
chmod 0755 "$stage/usr/bin/clippings"
install -m 0644 packaging/linux/clippings.desktop "$stage/usr/share/applications/"
install -m 0644 "packaging/linux/$APP_ID.metainfo.xml" "$stage/usr/share/metainfo/"
install -m 0644 resources/icons/clippings.svg "$stage/usr/share/icons/hicolor/scalable/apps/"
for png in resources/icons/*x*/clippings.png; do
    size="$(basename "$(dirname "$png")")"
    install -D -m 0644 "$png" "$stage/usr/share/icons/hicolor/$size/apps/clippings.png"
done
cat >"$stage/usr/share/doc/clippings/copyright" <<COPYRIGHT
Format: https://www.debian.org/doc/packaging-manuals/copyright-format/1.0/
Upstream-Name: Clippings
Source: $PROJECT_URL

Files: *
Copyright: The Clippings team
License: GPL-3.0-or-later
 On Debian systems the full text is in /usr/share/common-licenses/GPL-3.
 /opt/clippings/_internal holds the Python libraries and Qt under their own licences
 (their *.dist-info folders name them).
COPYRIGHT

# What the program needs from the system: the packages scripts/setup.sh installs for the
# app (Qt's xcb libraries, fonts, Tesseract and its language packs).
depends="$(SETUP_PRINT_PACKAGES=1 scripts/setup.sh | paste -sd, - | sed 's/,/, /g')"
installed_kib="$(du -sk --exclude=DEBIAN "$stage" | cut -f1)"
cat >"$stage/DEBIAN/control" <<CONTROL
Package: clippings
Version: $version
Architecture: $arch
Maintainer: The Clippings team <clippings@example.org>
Installed-Size: $installed_kib
Depends: $depends
Section: text
Priority: optional
Homepage: $PROJECT_URL
Description: desktop archive for press clippings
 Keep the articles you collect (web pages, PDFs, Word and OpenDocument files,
 e-mail, scans) in one searchable archive on your own computer: clean article
 text and metadata, duplicates recognised, originals kept, full-text search,
 tags, related pieces, stories, comparison and exports.
CONTROL

deb="build/deb/clippings_${version}_${arch}.deb"
dpkg-deb --root-owner-group -Zxz --build "$stage" "$deb" >/dev/null
echo "$root/$deb"
