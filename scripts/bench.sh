#!/usr/bin/env bash
# goalsync performance benchmark: validate vs the Python baseline, and the pre-commit hook's cost.
#
#   scripts/bench.sh [--goals N] [--quick] [--pack] [--style goalsync|pyyaml]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), makes a
# goal repository of N valid goals (default 10,000; --quick: 1,000 and fewer repetitions) in a temp
# folder, and measures, in this one run:
#   1. `goalsync validate` over every goal vs `python3 scripts/pyvalidate.py goals/` (median wall
#      time; goalsync's peak RSS), target: ratio <= 0.10 and peak RSS <= 100 MB;
#   2. `git commit` of one changed goal with goalsync's pre-commit hook vs with no hook (median;
#      each run changes a different goal; the hook's summary of HEAD's goals is built by one commit
#      first, as it is once in a real repository),
#      target: ratio <= 1.5.
# --style pyyaml writes the goals' front matter as a Python tool does (PyYAML's safe_dump: lists at
# their key's column, quoted keys such as 'on', long values folded over lines; needs PyYAML).
# --pack packs the repository after its first commit (as git's auto gc would have done to a real one
# of that size): a commit of a packed repository is faster, so the hook's share of it is larger.
# Ends with `bench ...` lines (stable, greppable). Exit 0 whatever the figures say (it reports, it does
# not gate); non-zero only when something could not run.
#
# Environment: GOALSYNC_BIN (use this binary, no build), BENCH_SWIFT_BUILD_FLAGS (extra flags for
# swift build; default --static-swift-stdlib), TMPDIR.
set -euo pipefail

GOALS=10000
QUICK=0
STYLE=goalsync
while [[ $# -gt 0 ]]; do
    case $1 in
        --goals) [[ $# -ge 2 && $2 =~ ^[0-9]+$ && $2 -gt 0 ]] || { echo "bench: --goals takes a positive number" >&2; exit 64; }
                 GOALS=$2; GOALS_SET=1; shift 2 ;;
        --goals=*) GOALS=${1#--goals=}; GOALS_SET=1; shift
                 [[ $GOALS =~ ^[0-9]+$ && $GOALS -gt 0 ]] || { echo "bench: --goals takes a positive number" >&2; exit 64; } ;;
        --quick) QUICK=1; shift ;;
        --pack) PACK=1; shift ;;
        --style) [[ $# -ge 2 && ( $2 == goalsync || $2 == pyyaml ) ]] || { echo "bench: --style takes goalsync or pyyaml" >&2; exit 64; }
                 STYLE=$2; shift 2 ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [[ $QUICK == 1 ]]; then
    [[ -n ${GOALS_SET:-} ]] || GOALS=1000
    VALIDATE_RUNS=3; PYTHON_RUNS=3; PYTHON_WARMUP=0; COMMIT_RUNS=5
else
    VALIDATE_RUNS=5; PYTHON_RUNS=3; PYTHON_WARMUP=1; COMMIT_RUNS=15
fi

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/scripts/bench_gen.py
die() { echo "bench: error: $*" >&2; exit 2; }
log() { echo "bench: $*" >&2; }
command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

# A fixed identity, whatever the machine's git config says; no signing or editor prompts.
export GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL="author@bench.invalid"
export GIT_COMMITTER_NAME="Bench Committer" GIT_COMMITTER_EMAIL="committer@bench.invalid"
export GIT_EDITOR=true GIT_TERMINAL_PROMPT=0 NO_COLOR=1 LC_ALL=C.UTF-8
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GOALSYNC_IN_PROCESS

# ---------------------------------------------------------------------------- 1. build
if [[ -n ${GOALSYNC_BIN:-} ]]; then
    BIN=$GOALSYNC_BIN
    [[ $BIN == */* ]] || BIN=$(command -v "$BIN" || true)
    [[ -n $BIN && -x $BIN ]] || die "GOALSYNC_BIN=$GOALSYNC_BIN is not an executable"
    BUILD="GOALSYNC_BIN"
else
    command -v swift >/dev/null || die "swift is not installed (or set GOALSYNC_BIN)"
    # Static Swift runtime: a faster process start, which is most of the pre-commit hook's cost.
    # shellcheck disable=SC2206
    FLAGS=(${BENCH_SWIFT_BUILD_FLAGS---static-swift-stdlib})
    log "building: swift build -c release --scratch-path .build-bench --product goalsync ${FLAGS[*]}"
    (cd "$ROOT" && swift build -c release --scratch-path .build-bench --product goalsync "${FLAGS[@]}") >&2 \
        || die "swift build failed"
    BIN=$ROOT/.build-bench/release/goalsync
    BUILD="release ${FLAGS[*]}"
fi
BIN=$(cd "$(dirname "$BIN")" && pwd)/$(basename "$BIN")
BIN_DIR=$(dirname "$BIN")
"$BIN" --version >/dev/null || die "$BIN does not run"

# Python baseline's dependencies, only when missing.
if ! python3 -c 'import yaml, jsonschema' 2>/dev/null; then
    log "installing pyyaml and jsonschema for the Python baseline"
    python3 -m pip install -q pyyaml jsonschema >&2 || die "pip install pyyaml jsonschema failed"
fi
python3 -c 'import yaml; assert yaml.__with_libyaml__' 2>/dev/null \
    || log "warning: PyYAML has no libyaml (C) parser here; the Python baseline is slower than it should be"

# Peak RSS: GNU time if it is (or can be) installed, else the child's own rusage (wait4).
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
    if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
        log "installing GNU time"
        apt-get install -y -qq time >/dev/null 2>&1 || log "could not install GNU time; using wait4 rusage"
    fi
fi

# ---------------------------------------------------------------------------- 2. a goal repository
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
REPO=$WORK/repo
log "goalsync: $BIN ($BUILD); repository: $REPO"
"$BIN" init "$REPO" --product "Bench Product" >/dev/null || die "goalsync init failed"
git -C "$REPO" config commit.gpgsign false
git -C "$REPO" config gc.auto 0
python3 "$HELPER" gen "$REPO" --goals "$GOALS" --style "$STYLE" >&2 || die "generating goals failed"
(cd "$REPO" && git add -A && git commit -q --no-verify -m "bench: $GOALS goals") || die "committing the goals failed"
if [[ -n ${PACK:-} ]]; then
    git -C "$REPO" repack -adq && git -C "$REPO" prune-packed -q || die "packing the repository failed"
fi
OBJECTS=$([[ -n ${PACK:-} ]] && echo packed || echo loose)

# The generated files must be valid for both validators, or the comparison means nothing.
"$BIN" -C "$REPO" validate --quiet >"$WORK/validate.out" 2>&1 \
    || { head -20 "$WORK/validate.out" >&2; die "goalsync validate found errors in the generated goals"; }
(cd "$REPO" && python3 "$HELPER" measure --runs 1 --warmup 0 -- python3 "$ROOT/scripts/pyvalidate.py" goals/ >/dev/null) \
    || { (cd "$REPO" && python3 "$ROOT/scripts/pyvalidate.py" goals/ | head -20) >&2; die "pyvalidate found errors in the generated goals"; }

json() { python3 -c 'import json,sys; v=json.load(sys.stdin)[sys.argv[1]]; print(v if v is not None else "")' "$1"; }

# ---------------------------------------------------------------------------- 3. validate vs Python
log "validate: goalsync x$VALIDATE_RUNS (+1 warm-up), python x$PYTHON_RUNS (+$PYTHON_WARMUP warm-up)"
G=$(cd "$REPO" && python3 "$HELPER" measure --runs "$VALIDATE_RUNS" --warmup 1 --rss -- "$BIN" validate) \
    || die "measuring goalsync validate failed"
P=$(cd "$REPO" && python3 "$HELPER" measure --runs "$PYTHON_RUNS" --warmup "$PYTHON_WARMUP" -- python3 "$ROOT/scripts/pyvalidate.py" goals/) \
    || die "measuring pyvalidate failed"
G_MED=$(json median_s <<<"$G"); P_MED=$(json median_s <<<"$P")
G_RSS_KB=$(json peak_rss_kb <<<"$G"); RSS_TOOL=$(json rss_tool <<<"$G")
log "goalsync validate runs (s): $(json runs_s <<<"$G")"
log "pyvalidate runs (s):        $(json runs_s <<<"$P")"

# ---------------------------------------------------------------------------- 4. commit with/without hook
[[ -x $REPO/.git/hooks/pre-commit ]] && grep -q "goalsync pre-commit hook" "$REPO/.git/hooks/pre-commit" \
    || die "goalsync init did not install its pre-commit hook"
# The first hooked commit summarizes HEAD's goals into .git/goalsync/tree-summary (every goal is new
# to it): time it once.
log "commit: warming the hook's cache with one commit"
COLD=$(python3 "$HELPER" commits "$REPO" --runs 1 --mode hook --goalsync-dir "$BIN_DIR" --offset 1000003) \
    || die "the first commit with the hook failed"
[[ -s $REPO/.git/goalsync/tree-summary ]] || die "the hook left no tree summary"
log "commit: $COMMIT_RUNS commits with the hook and $COMMIT_RUNS without, alternating"
C=$(python3 "$HELPER" commits "$REPO" --runs "$COMMIT_RUNS" --mode both --goalsync-dir "$BIN_DIR") \
    || die "measuring commits failed"
log "with hook (s): $(json hook_s <<<"$C")"
log "no hook (s):   $(json nohook_s <<<"$C")"
# For reference: the hook's command alone on a clean index (warm cache), and goalsync's process start.
S=$(cd "$REPO" && python3 "$HELPER" measure --runs "$COMMIT_RUNS" --warmup 1 -- "$BIN" validate --staged --quiet) \
    || die "measuring goalsync validate --staged failed"
STAGED_MED=$(json median_s <<<"$S")
V=$(python3 "$HELPER" measure --runs "$COMMIT_RUNS" --warmup 1 -- "$BIN" --version) || die "measuring goalsync --version failed"
START_MED=$(json median_s <<<"$V")

# ---------------------------------------------------------------------------- 5. report
python3 - "$GOALS" "$G_MED" "$P_MED" "$G_RSS_KB" "$RSS_TOOL" "$STAGED_MED" "$COLD" "$C" "$BUILD" "$START_MED" "$OBJECTS" "$STYLE" <<'EOF'
import json, statistics, sys
goals, g, p, rss_kb, rss_tool, staged, cold, c, build, start, objects, style = sys.argv[1:]
g, p, staged, start = float(g), float(p), float(staged), float(start)
cold = json.loads(cold)["hook_s"][0]
c = json.loads(c)
hook, nohook = statistics.median(c["hook_s"]), statistics.median(c["nohook_s"])
ok = lambda b: "PASS" if b else "FAIL"
ratio = g / p
print(f"bench build: {build}; repository objects: {objects}; goal style: {style}")
print(f"bench validate: goals={goals} goalsync_median_s={g:.3f} python_median_s={p:.3f} ratio={ratio:.3f} target<=0.10 {ok(ratio <= 0.10)}")
if rss_kb:
    mb = int(rss_kb) / 1024
    print(f"bench validate: goalsync_peak_rss_mb={mb:.0f} target<=100 {ok(mb <= 100)} (via {rss_tool})")
else:
    print("bench validate: goalsync_peak_rss_mb=unknown target<=100 FAIL (no RSS measurement)")
print(f"bench validate-staged: goals={goals} clean_index_median_ms={staged * 1000:.1f} process_start_median_ms={start * 1000:.1f}")
r = hook / nohook
print(f"bench commit-hook: goals={goals} runs={len(c['hook_s'])} with_hook_median_ms={hook * 1000:.1f} no_hook_median_ms={nohook * 1000:.1f} ratio={r:.2f} target<=1.5 {ok(r <= 1.5)}")
print(f"bench commit-hook: first_commit_cold_cache_ms={cold * 1000:.0f}")
EOF
