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
bash scripts/demo.sh "$(pwd)/.build/release/goalsync"
