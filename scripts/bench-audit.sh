#!/usr/bin/env bash
# goalsync audit benchmark: log, blame and contributors against plain git over a long history.
#
#   scripts/bench-audit.sh [--commits N] [--goals G] [--authors A] [--runs R] [--quick]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), makes a
# history of N commits (default 10,000) by A authors (8) over G goals (200) with `git fast-import`:
# valid goal files written as goalsync writes them, each commit one realistic edit (a new goal, a
# field set, a list item added, a status move, a check-in, a body edit), and now and then a short
# side branch merged back. The pack is then rebuilt with `git repack -a -d -f`, as a clone from a
# server's gc'd repository has it (fast-import's own pack is a raw import that git's documentation
# says to repack). In this one run it measures (medians of R runs each, default 7, the two commands
# run alternately so a busy machine slows both alike):
#   1. audit-log:          goalsync log GOAL       vs git log -p -- goals/GOAL.md   target ratio <= 1.0
#   2. audit-blame:        goalsync blame GOAL     vs git log -p -- goals/GOAL.md   target ratio <= 1.0
#   3. audit-contributors: goalsync contributors   vs git log --name-only           target ratio <= 2.0
# GOAL is the goal with the most commits. Ends with `bench audit-...` lines (stable, greppable).
# Exit 0 whatever the figures say (it reports, it does not gate); non-zero only when something could
# not run.
#
# Environment: GOALSYNC_BIN (use this binary, no build), BENCH_SWIFT_BUILD_FLAGS (extra flags for
# swift build), TMPDIR.
set -euo pipefail

COMMITS=10000
GOALS=200
AUTHORS=8
RUNS=7
while [[ $# -gt 0 ]]; do
    case $1 in
        --commits) COMMITS=${2:?}; shift 2 ;;
        --goals) GOALS=${2:?}; shift 2 ;;
        --authors) AUTHORS=${2:?}; shift 2 ;;
        --runs) RUNS=${2:?}; shift 2 ;;
        --quick) COMMITS=2000; RUNS=3; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-audit: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
for n in "$COMMITS" "$GOALS" "$AUTHORS" "$RUNS"; do
    [[ $n =~ ^[0-9]+$ && $n -gt 0 ]] || { echo "bench-audit: counts must be positive numbers" >&2; exit 64; }
done

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/scripts/bench_audit.py
die() { echo "bench-audit: error: $*" >&2; exit 2; }
log() { echo "bench-audit: $*" >&2; }
command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

# A fixed identity and no pager, whatever the machine's git config says.
export GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL="author@bench.invalid"
export GIT_COMMITTER_NAME="Bench Committer" GIT_COMMITTER_EMAIL="committer@bench.invalid"
export GIT_PAGER=cat PAGER=cat GIT_CONFIG_NOSYSTEM=1
unset NO_COLOR

if [[ -n ${GOALSYNC_BIN:-} ]]; then
    BIN=$GOALSYNC_BIN
    [[ -x $BIN ]] || die "GOALSYNC_BIN=$BIN is not an executable"
else
    log "building goalsync (release) under .build-bench"
    # shellcheck disable=SC2086
    (cd "$ROOT" && swift build -c release --scratch-path .build-bench --product goalsync ${BENCH_SWIFT_BUILD_FLAGS:-} >&2) ||
        die "swift build failed"
    BIN=$ROOT/.build-bench/release/goalsync
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench-audit.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REPO=$WORK/repo
export HOME=$WORK/home XDG_CONFIG_HOME=$WORK/home/.config
mkdir -p "$HOME" "$REPO"

log "making a history of $COMMITS commits by $AUTHORS authors over $GOALS goals"
git -C "$REPO" init -q -b main
python3 "$HELPER" history --commits "$COMMITS" --goals "$GOALS" --authors "$AUTHORS" --meta "$WORK/meta.json" |
    git -C "$REPO" fast-import --quiet || die "git fast-import failed"
git -C "$REPO" repack -a -d -f -q || die "git repack failed"
git -C "$REPO" checkout -q -f main || die "git checkout failed"
GOAL=$(python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["goal"])' "$WORK/meta.json")
META=$(python3 -c 'import json,sys; m=json.load(open(sys.argv[1])); print(" ".join(f"{k}={m[k]}" for k in ("commits", "merges", "goal", "goal_commits")))' "$WORK/meta.json")
# Check once that both sides do the work being timed.
"$BIN" -C "$REPO" log "$GOAL" >/dev/null || die "goalsync log failed"
"$BIN" -C "$REPO" blame "$GOAL" >/dev/null || die "goalsync blame failed"
"$BIN" -C "$REPO" contributors >/dev/null || die "goalsync contributors failed"

# measure NAME TARGET -- GOALSYNC-COMMAND... --vs GIT-COMMAND...
measure() {
    local name=$1 target=$2
    shift 3
    local json
    json=$(cd "$REPO" && python3 "$HELPER" measure --runs "$RUNS" -- "$@") || die "measuring $name failed"
    python3 - "$name" "$target" "$json" <<'PY'
import json, sys
name, target, m = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
ratio = m["a_median_s"] / m["b_median_s"]
verdict = "PASS" if ratio <= target else "FAIL"
print(f"bench {name}: goalsync_median_s={m['a_median_s']:.3f} git_median_s={m['b_median_s']:.3f} "
      f"ratio={ratio:.2f} target<={target:.1f} {verdict}")
PY
}

log "timing ($RUNS runs each, alternating)"
echo "bench audit-setup: $META goals=$GOALS authors=$AUTHORS runs=$RUNS"
measure audit-log 1.0 -- "$BIN" log "$GOAL" --vs git --no-pager log -p -- "goals/$GOAL.md"
measure audit-blame 1.0 -- "$BIN" blame "$GOAL" --vs git --no-pager log -p -- "goals/$GOAL.md"
measure audit-contributors 2.0 -- "$BIN" contributors --vs git --no-pager log --name-only
