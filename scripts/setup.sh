#!/usr/bin/env bash
# One command from a fresh Debian machine with the Swift toolchain: installs what is missing,
# builds goalsync, and runs its main job on a demo repository whose remote is a local bare repo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
# The Swift runtime linked in: goalsync starts faster, which git's hook and merge driver feel on
# every commit and every merged file.
swift build -c release --product goalsync --static-swift-stdlib
echo "built: $(pwd)/.build/release/goalsync"
# The man pages (man goalsync, man goalsync-pull, ...), written from the binary's own help.
python3 scripts/make-man.py .build/release/goalsync .build/man >/dev/null
mandir="${GOALSYNC_MANDIR:-/usr/local/share/man/man1}"
SUDO=""
if [ "$(id -u)" -ne 0 ] && [ ! -w "$(dirname "$mandir")" ]; then SUDO="sudo"; fi
$SUDO mkdir -p "$mandir" && $SUDO cp .build/man/*.1 "$mandir"/ && echo "man pages: $mandir (man goalsync)"
bash scripts/demo.sh "$(pwd)/.build/release/goalsync"
