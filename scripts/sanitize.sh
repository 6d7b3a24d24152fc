#!/usr/bin/env bash
# Builds the test suite with a sanitizer and runs it (or the suites named with --filter).
#
#   scripts/sanitize.sh address|thread [swift test options...]
#   scripts/sanitize.sh thread --filter 'InProcessTests|SyncTests|MergePropertyTests|ConvergenceTests'
#
# Each sanitizer builds in its own scratch path (.build-address, .build-thread; or
# GOALSYNC_SANITIZE_SCRATCH), so the instrumented build never mixes with the normal one. The tests
# that run the `goalsync` binary run the instrumented one (it is built beside the test bundle).
# Runs under nice: a whole instrumented suite takes several times the ordinary one, so on a busy
# machine the tests with a time limit or a timing bound can fail for time alone; run those suites
# again on their own. Known: the git:// case of "No stall on a silent server" fails under either
# sanitizer, whose runtime refuses a dlopen of libc with RTLD_DEEPBIND made on that path
# (github.com/google/sanitizers/issues/611); it is not a goalsync defect.
set -euo pipefail
cd "$(dirname "$0")/.."

sanitizer=${1:-}
case "$sanitizer" in
    address|thread) shift ;;
    *) echo "usage: scripts/sanitize.sh address|thread [swift test options...]" >&2; exit 64 ;;
esac
scratch=${GOALSYNC_SANITIZE_SCRATCH:-.build-$sanitizer}

# Swift's crash handler would hide the sanitizer's report. Leaks are not checked: a process's
# caches and libgit2's global state live until exit by design, and a report at exit would land
# in the stderr the tests check. TSan: the suppressions file names each known report and why.
export SWIFT_BACKTRACE=enable=no
export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=0}
export TSAN_OPTIONS=${TSAN_OPTIONS:-suppressions=$PWD/scripts/tsan.supp:second_deadlock_stack=1}

# ld.gold warns once per AddressSanitizer runtime symbol it cannot export: harmless, left out.
nice -n 10 swift build --build-tests --sanitize="$sanitizer" --scratch-path "$scratch" 2>&1 |
    { grep -v "ld.gold: warning: Cannot export local symbol" || true; }
nice -n 10 swift test --skip-build --sanitize="$sanitizer" --scratch-path "$scratch" "$@"
