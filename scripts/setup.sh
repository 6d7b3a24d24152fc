#!/usr/bin/env bash
# One command from a fresh Debian machine with the Swift toolchain: installs what is missing,
# builds goalsync, and runs its main job on a demo repository whose remote is a local bare repo.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-deps.sh
swift build -c release --product goalsync
echo "built: $(pwd)/.build/release/goalsync"
bash scripts/demo.sh "$(pwd)/.build/release/goalsync"
