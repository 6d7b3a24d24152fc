#!/usr/bin/env bash
# goalsync sync benchmark: `goalsync pull` against plain `git pull`, measured in the same run.
#
#   scripts/bench-sync.sh [--quick] [--style goalsync|pyyaml] [--pull-only]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), then, in
# temp folders under ${TMPDIR:-/tmp} (removed on exit):
#   1. pull: a bare remote with N=10,000 valid goals (goalsync init, scripts/bench_gen.py, plain git
#      commit --no-verify, push); two plain git clones with `goalsync hooks install`; A edits 1,000
#      goals, B edits 1,000, 500 of them on both sides in different fields (and half of those with
#      both sides adding to the proof list); both commit with plain git, A pushes. On identical
#      copies of B (cp -a before every run, runs interleaved): `goalsync pull` vs
#      `git pull --no-rebase --no-edit` with no [merge "goalsync"] config (git's text merge), and
#      `git pull` with the goalsync merge driver. Medians, ratio (target <= 1.0), files left in
#      conflict (target: goalsync 0), goalsync's peak RSS (target <= 200 MB), and whether git with
#      the driver gives byte for byte goalsync pull's result.
#      The goalsync/git comparison is made over two transports, interleaved in the same runs:
#      - transport=local: B's remote is the bare repository's path. git fetches through its
#        upload-pack, which reuses the stored deltas; libgit2 (goalsync) has its own local
#        transport, which builds the pack in process with a fresh delta search. So this figure
#        includes the "server's" packing, done differently by each client.
#      - transport=git: the same bare repository served by `git daemon` on 127.0.0.1 (a free port,
#        stopped on exit); the copies of B fetch from git://127.0.0.1:PORT/remote.git (their
#        remote.origin.url). Both clients then receive the pack from the same git upload-pack, as
#        from a team's git server: the figure compares client work with client work.
#   2. pull-scale: 100 goals edited per side (50 on both) on repositories of 1,000, 10,000 and
#      50,000 goals: goalsync pull's median for each, and the ratio largest/smallest; the clone's
#      status cache empty (as in a fresh clone), and, for reference, warm (after validate --staged),
#      and plain git pull (text merge) on the same change.
#   3. merge-quality: 1,000 pairs of concurrent edits of one goal per category, merged by
#      `git merge-file --diff3` and by `goalsync merge-driver`: (a) disjoint fields, each side changes
#      three of title, order, owner, persona, problem, why, timeframe.end, a metric's target and
#      name, a body paragraph; (b) each side adds a different item to one list (proof, assumptions,
#      tags, checkins). Conflict rates, and whether goalsync kept every edit and wrote valid files.
# --style pyyaml: the goals' front matter written, and edited, as a Python tool does (PyYAML's
# safe_dump: lists at their key's column, quoted keys such as 'on', long values folded over lines;
# needs PyYAML). --pull-only: only part 1 (pull vs git pull).
# --quick: 2,000 goals (200 edits per side), scale 1,000/2,000/5,000, 200 pairs, 3 runs.
# Ends with `bench ...` lines (stable, greppable): `bench pull: transport=local ...` and
# `bench pull: transport=git ...` (the two figures above), then the conflicted files, goalsync's
# peak RSS and the merge driver's identity (of the local-path runs), pull-scale and merge-quality. Exit 0 whatever the figures say (it reports, it does
# not gate); non-zero only when something could not run.
#
# Environment: GOALSYNC_BIN (use this binary, no build), BENCH_SWIFT_BUILD_FLAGS (extra flags for
# swift build; default --static-swift-stdlib, as scripts/bench.sh, so the two share one build),
# BENCH_RUNS (timed runs per figure), TMPDIR.
set -euo pipefail

QUICK=0
STYLE=goalsync
PULL_ONLY=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        --style) [[ $# -ge 2 && ( $2 == goalsync || $2 == pyyaml ) ]] || { echo "bench-sync: --style takes goalsync or pyyaml" >&2; exit 64; }
                 STYLE=$2; shift 2 ;;
        --pull-only) PULL_ONLY=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-sync: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [[ $QUICK == 1 ]]; then
    PULL_GOALS=2000; PULL_EDITS=200; PULL_BOTH=100; RUNS=${BENCH_RUNS:-3}
    SCALE_SIZES=(1000 2000 5000); SCALE_EDITS=100; SCALE_BOTH=50; PAIRS=200
else
    PULL_GOALS=10000; PULL_EDITS=1000; PULL_BOTH=500; RUNS=${BENCH_RUNS:-5}
    SCALE_SIZES=(1000 10000 50000); SCALE_EDITS=100; SCALE_BOTH=50; PAIRS=1000
fi
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 3 ]] || { echo "bench-sync: BENCH_RUNS must be a number >= 3" >&2; exit 64; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/scripts/bench_sync.py
GEN=$ROOT/scripts/bench_gen.py
die() { echo "bench-sync: error: $*" >&2; exit 2; }
log() { echo "bench-sync: $*" >&2; }
command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"

# A fixed identity, whatever the machine's git config says; no signing, editor or pager prompts.
export GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL="author@bench.invalid"
export GIT_COMMITTER_NAME="Bench Committer" GIT_COMMITTER_EMAIL="committer@bench.invalid"
export GIT_EDITOR=true GIT_TERMINAL_PROMPT=0 GIT_PAGER=cat NO_COLOR=1 LC_ALL=C.UTF-8
export GIT_CONFIG_NOSYSTEM=1
unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GOALSYNC_IN_PROCESS GOALSYNC_TODAY

WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench-sync.XXXXXX")
DAEMON_PID=
# On any exit (an error, Ctrl-C, a kill): stop the git daemon, remove the temp folders.
cleanup() {
    if [[ -n $DAEMON_PID ]]; then kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- 1. build
if [[ -n ${GOALSYNC_BIN:-} ]]; then
    SRC=$GOALSYNC_BIN
    [[ $SRC == */* ]] || SRC=$(command -v "$SRC" || true)
    [[ -n $SRC && -x $SRC ]] || die "GOALSYNC_BIN=$GOALSYNC_BIN is not an executable"
    BUILD="GOALSYNC_BIN"
else
    command -v swift >/dev/null || die "swift is not installed (or set GOALSYNC_BIN)"
    # shellcheck disable=SC2206
    FLAGS=(${BENCH_SWIFT_BUILD_FLAGS---static-swift-stdlib})
    log "building: swift build -c release --scratch-path .build-bench --product goalsync ${FLAGS[*]}"
    log "(when another build holds .build-bench, SwiftPM waits for its lock)"
    built=0
    for attempt in 1 2 3; do
        if (cd "$ROOT" && swift build -c release --scratch-path .build-bench --product goalsync "${FLAGS[@]}") >"$WORK/build.log" 2>&1; then
            built=1; break
        fi
        # Someone editing a source file during the build: build again.
        grep -q "was modified during the build" "$WORK/build.log" || break
        log "a source file changed during the build; building again ($attempt)"
        sleep 5
    done
    [[ $built == 1 ]] || { tail -30 "$WORK/build.log" >&2; die "swift build failed"; }
    SRC=$ROOT/.build-bench/release/goalsync
    BUILD="release ${FLAGS[*]}"
fi
"$SRC" --version >/dev/null 2>&1 || die "$SRC does not run"
# Our own copy, so a build someone starts during the run cannot swap the binary under us (kept only
# when the copy runs: a build linked to its own folder's libraries stays where it is).
mkdir -p "$WORK/bin"
cp "$SRC" "$WORK/bin/goalsync"
if "$WORK/bin/goalsync" --version >/dev/null 2>&1; then
    BIN=$WORK/bin/goalsync
else
    rm -f "$WORK/bin/goalsync"; BIN=$(cd "$(dirname "$SRC")" && pwd)/$(basename "$SRC")
fi
export PATH="$(dirname "$BIN"):$PATH"   # git finds `goalsync merge-driver` and the hooks find goalsync here

# A git config of our own: nothing of the machine's global config (aliases, hooks paths, pull.rebase,
# automatic gc) changes what is measured.
export HOME=$WORK/home
mkdir -p "$HOME"
git config --global init.defaultBranch main
git config --global pull.rebase false
git config --global gc.auto 0
git config --global maintenance.auto false
git config --global commit.gpgsign false
log "goalsync: $SRC ($BUILD), $("$BIN" --version 2>&1 | head -1)"

# Peak RSS: GNU time (install it when missing and possible), else the child's own rusage (wait4).
if ! /usr/bin/time -f %M true >/dev/null 2>&1; then
    if command -v apt-get >/dev/null && [[ $(id -u) == 0 ]]; then
        log "installing GNU time"
        apt-get install -y -qq time >/dev/null 2>&1 || log "could not install GNU time; using wait4 rusage"
    fi
fi
RSS_TOOL=$(/usr/bin/time -f %M true >/dev/null 2>&1 && echo "GNU time %M" || echo "wait4 ru_maxrss")

# ---------------------------------------------------------------------------- helpers
# make_remote N DIR: DIR/remote.git, a bare remote holding N valid goals.
make_remote() {
    local n=$1 dir=$2
    mkdir -p "$dir"
    "$BIN" init "$dir/seed" --product "Bench Product" >/dev/null || die "goalsync init failed"
    python3 "$GEN" gen "$dir/seed" --goals "$n" --style "$STYLE" >&2 || die "generating $n goals failed"
    git -C "$dir/seed" add -A
    git -C "$dir/seed" commit -q --no-verify -m "bench: $n goals" || die "committing $n goals failed"
    git init -q --bare "$dir/remote.git"
    git -C "$dir/seed" remote add origin "$dir/remote.git"
    git -C "$dir/seed" push -q -u origin HEAD:main >/dev/null 2>&1 || die "pushing $n goals failed"
    rm -rf "$dir/seed"
}

# clone REMOTE DIR: a plain git clone with goalsync's hooks and merge driver.
clone() {
    git clone -q "$1" "$2" || die "git clone $1 failed"
    (cd "$2" && "$BIN" hooks install >/dev/null) || die "goalsync hooks install failed in $2"
    [[ -n $(git -C "$2" config --get merge.goalsync.driver) ]] || die "goalsync hooks install configured no merge driver"
}

# edit_commit DIR SIDE EDITS BOTH SEED: edits as teammate SIDE, checks the files, commits with plain git.
edit_commit() {
    local dir=$1 side=$2
    python3 "$HELPER" edit "$dir" --side "$side" --edits "$3" --both "$4" --seed "$5" --style "$STYLE" >&2 || die "editing as $side failed"
    # The edits must leave valid goals, or the comparison means nothing.
    (cd "$dir" && "$BIN" validate --quiet >"$WORK/validate.out" 2>&1) \
        || { grep -v warning "$WORK/validate.out" | head -20 >&2; die "side $side's edits are not valid goals"; }
    git -C "$dir" add -A
    git -C "$dir" commit -q --no-verify -m "bench: side $side edits $3 goals" || die "side $side's commit failed"
}

# scenario REMOTE DIR EDITS BOTH SEED: A and B clones; A's edits pushed, B's committed, B not pulled.
# Leaves DIR/B (merge driver configured) and DIR/B-git (no merge.goalsync section: git's text merge).
scenario() {
    local remote=$1 dir=$2
    mkdir -p "$dir"
    clone "$remote" "$dir/A"
    clone "$remote" "$dir/B"
    edit_commit "$dir/A" A "$3" "$4" "$5"
    git -C "$dir/A" push -q origin HEAD >/dev/null 2>&1 || die "side A's push failed"
    edit_commit "$dir/B" B "$3" "$4" "$5"
    rm -rf "$dir/A"
    cp -a "$dir/B" "$dir/B-git"
    # No [merge "goalsync"] at all: git then merges goals/*.md with its own text merge.
    git -C "$dir/B-git" config --remove-section merge.goalsync
}

# start_daemon BASE: `git daemon` serving the repositories under BASE on 127.0.0.1 (read and push),
# on a free port; sets DAEMON_PORT and DAEMON_PID (stopped by cleanup). Ready once `git ls-remote`
# answers through it; a port taken meanwhile by someone else: another port.
start_daemon() {
    local base=$1 attempt tries
    for attempt in 1 2 3 4 5; do
        DAEMON_PORT=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
        git daemon --export-all --enable=receive-pack --reuseaddr --listen=127.0.0.1 --port="$DAEMON_PORT" \
            --base-path="$base" "$base" >>"$WORK/daemon.log" 2>&1 &
        DAEMON_PID=$!
        # Poll without sleeping: each try is a connection attempt that fails at once until it listens.
        for tries in $(seq 2000); do
            kill -0 "$DAEMON_PID" 2>/dev/null || break
            if git ls-remote "git://127.0.0.1:$DAEMON_PORT/remote.git" >/dev/null 2>&1; then return 0; fi
        done
        kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=
        log "git daemon on port $DAEMON_PORT did not answer (attempt $attempt)"
    done
    tail -5 "$WORK/daemon.log" >&2
    die "could not start git daemon"
}

json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[k]
print(d if d is not None else "")' "$@"; }

# ---------------------------------------------------------------------------- 2. pull vs git pull
log "pull: a remote of $PULL_GOALS goals; A edits $PULL_EDITS, B edits $PULL_EDITS, $PULL_BOTH on both sides"
make_remote "$PULL_GOALS" "$WORK/r$PULL_GOALS"
scenario "$WORK/r$PULL_GOALS/remote.git" "$WORK/pull" "$PULL_EDITS" "$PULL_BOTH" 4242
# The same remote over git://: copies of B and B-git whose origin is the daemon's URL.
start_daemon "$WORK/r$PULL_GOALS"
DAEMON_URL="git://127.0.0.1:$DAEMON_PORT/remote.git"
log "pull: git daemon serving the remote at $DAEMON_URL"
for t in B B-git; do
    cp -a "$WORK/pull/$t" "$WORK/pull/$t-daemon"
    git -C "$WORK/pull/$t-daemon" config remote.origin.url "$DAEMON_URL"
done
log "pull: $RUNS runs each of goalsync pull, git pull (text merge), git pull (goalsync driver) from the path, and goalsync pull, git pull (text merge) over git://, interleaved, on fresh copies of B"
python3 "$HELPER" time-pull --runs "$RUNS" --work "$WORK/pull" --goalsync "$BIN" \
    --case "goalsync=$WORK/pull/B=goalsync" --case "git=$WORK/pull/B-git=git" --case "gitdriver=$WORK/pull/B=git" \
    --case "goalsync-daemon=$WORK/pull/B-daemon=goalsync" --case "git-daemon=$WORK/pull/B-git-daemon=git" \
    --keep goalsync --keep gitdriver >"$WORK/pull.json" || die "timing the pulls failed"
for c in goalsync git gitdriver goalsync-daemon git-daemon; do
    log "  $c: runs (s) $(json "$WORK/pull.json" $c runs_s), exit codes $(json "$WORK/pull.json" $c rc), conflicted files $(json "$WORK/pull.json" $c conflicted)"
done
# Over git:// goalsync must reach the same merge as from the path.
[[ $(json "$WORK/pull.json" goalsync-daemon tree) == "$(json "$WORK/pull.json" goalsync tree)" ]] \
    || log "  warning: goalsync pull over git:// gave another tree than from the path"
kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=
# git with the goalsync driver against goalsync pull: the same bytes?
KG=$WORK/pull/keep-goalsync KD=$WORK/pull/keep-gitdriver
IDENTICAL=no; DIFFSTAT="(no comparison: a pull did not commit)"
if [[ $(json "$WORK/pull.json" goalsync tree) != "" && $(json "$WORK/pull.json" gitdriver tree) != "" ]]; then
    git -C "$KD" fetch -q "$KG" HEAD:refs/bench/goalsync-pull
    DIFFSTAT=$(git -C "$KD" diff --stat HEAD refs/bench/goalsync-pull | tail -1)
    git -C "$KD" diff --quiet HEAD refs/bench/goalsync-pull && IDENTICAL=yes && DIFFSTAT="no differences"
fi
log "  git with driver vs goalsync pull: git diff --stat: $DIFFSTAT"
# goalsync's merge result: valid, and a merge commit with both parents.
GS_VALID=no
(cd "$KG" && "$BIN" validate --quiet >"$WORK/validate.out" 2>&1) && GS_VALID=yes
GS_PARENTS=$(git -C "$KG" rev-list --parents -n 1 HEAD | wc -w); GS_PARENTS=$((GS_PARENTS - 1))
log "  goalsync pull result: valid=$GS_VALID, merge commit parents=$GS_PARENTS"
rm -rf "$WORK/pull"

if [[ $PULL_ONLY == 1 ]]; then
    python3 - "$WORK/pull.json" "$PULL_GOALS" "$RUNS" "$BUILD" "$STYLE" "$GS_VALID" <<'EOF'
import json, sys
pull_f, goals, runs, build, style, valid = sys.argv[1:]
p = json.load(open(pull_f))
ok = lambda b: "PASS" if b else "FAIL"
print()
print(f"bench: goalsync {build}; medians of {runs} runs; goal style: {style}; pull only")
for t, gs, git in (("local", p["goalsync"], p["git"]), ("git", p["goalsync-daemon"], p["git-daemon"])):
    r = gs["median_s"] / git["median_s"]
    print(f"bench pull: transport={t} goals={goals} style={style} goalsync_median_s={gs['median_s']:.3f} git_median_s={git['median_s']:.3f} ratio={r:.2f} target<=1.0 {ok(r <= 1.0)}")
print(f"bench pull: goalsync_conflicts={max(p['goalsync']['conflicted'])} goalsync_result_valid={valid}")
EOF
    exit 0
fi

# ---------------------------------------------------------------------------- 3. scale
: >"$WORK/scale.txt"
for n in "${SCALE_SIZES[@]}"; do
    log "pull-scale: $n goals, $SCALE_EDITS edits per side, $SCALE_BOTH on both"
    [[ -d $WORK/r$n/remote.git ]] || make_remote "$n" "$WORK/r$n"
    scenario "$WORK/r$n/remote.git" "$WORK/scale$n" "$SCALE_EDITS" "$SCALE_BOTH" 777
    # Also with a warm status cache (as after any goalsync commit in the clone), for reference:
    # `validate --staged` records every goal of HEAD in .git/goalsync/status-cache.
    cp -a "$WORK/scale$n/B" "$WORK/scale$n/B-warm"
    (cd "$WORK/scale$n/B-warm" && "$BIN" validate --staged --quiet >/dev/null 2>&1 || true)
    [[ -s $WORK/scale$n/B-warm/.git/goalsync/status-cache ]] || die "validate --staged left no status cache"
    python3 "$HELPER" time-pull --runs "$RUNS" --work "$WORK/scale$n" --goalsync "$BIN" \
        --case "goalsync=$WORK/scale$n/B=goalsync" --case "warm=$WORK/scale$n/B-warm=goalsync" \
        --case "git=$WORK/scale$n/B-git=git" \
        >"$WORK/scale$n.json" || die "timing the pull of $n goals failed"
    log "  $n goals: runs (s) $(json "$WORK/scale$n.json" goalsync runs_s), conflicted $(json "$WORK/scale$n.json" goalsync conflicted), peak RSS $(( $(json "$WORK/scale$n.json" goalsync peak_rss_kb) / 1024 )) MB; warm cache: runs (s) $(json "$WORK/scale$n.json" warm runs_s); git pull (text merge): runs (s) $(json "$WORK/scale$n.json" git runs_s)"
    echo "$n $WORK/scale$n.json" >>"$WORK/scale.txt"
    rm -rf "$WORK/scale$n" "$WORK/r$n"
done

# ---------------------------------------------------------------------------- 4. merge quality
log "merge-quality: $PAIRS pairs per category, git merge-file --diff3 vs goalsync merge-driver"
python3 "$HELPER" quality --pairs "$PAIRS" --bin "$BIN" --work "$WORK/quality" >"$WORK/quality.json" \
    || die "the merge-quality run failed"
log "  $(cat "$WORK/quality.json")"
rm -rf "$WORK/quality"

# ---------------------------------------------------------------------------- 5. report
python3 - "$WORK/pull.json" "$WORK/scale.txt" "$WORK/quality.json" "$PULL_GOALS" "$IDENTICAL" "$GS_VALID" "$RUNS" "$BUILD" "$RSS_TOOL" "$STYLE" <<'EOF'
import json, sys
pull_f, scale_f, quality_f, goals, identical, valid, runs, build, rss_tool, style = sys.argv[1:]
p = json.load(open(pull_f))
q = json.load(open(quality_f))
ok = lambda b: "PASS" if b else "FAIL"
gs, git, gd = p["goalsync"], p["git"], p["gitdriver"]
gsd, gitd = p["goalsync-daemon"], p["git-daemon"]
ratio = gs["median_s"] / git["median_s"]
ratio_d = gsd["median_s"] / gitd["median_s"]
gs_conf, git_conf = max(gs["conflicted"]), max(git["conflicted"])
rss_mb = gs["peak_rss_kb"] / 1024 if gs["peak_rss_kb"] else float("nan")
label = lambda n: f"{n // 1000}k" if n % 1000 == 0 else str(n)
scale = [(int(n), json.load(open(f))["goalsync"]) for n, f in (l.split() for l in open(scale_f) if l.strip())]
print()
print(f"bench: goalsync {build}; medians of {runs} runs; peak RSS by {rss_tool}; goal style: {style}")
print(f"bench pull: transport=local goals={goals} goalsync_median_s={gs['median_s']:.3f} git_median_s={git['median_s']:.3f} ratio={ratio:.2f} target<=1.0 {ok(ratio <= 1.0)}")
print(f"bench pull: transport=git goals={goals} goalsync_median_s={gsd['median_s']:.3f} git_median_s={gitd['median_s']:.3f} ratio={ratio_d:.2f} target<=1.0 {ok(ratio_d <= 1.0)}")
print(f"bench pull: git_conflicted_files={git_conf} goalsync_conflicts={gs_conf} "
      f"{ok(gs_conf == 0 and git_conf > 0 and all(r == 0 for r in gs['rc']) and valid == 'yes')}")
print(f"bench pull: goalsync_peak_rss_mb={rss_mb:.0f} target<=200 {ok(rss_mb <= 200)}")
print(f"bench pull: git_with_driver_median_s={gd['median_s']:.3f} git_with_driver_conflicted_files={max(gd['conflicted'])} identical_to_goalsync={identical}")
print("bench pull-scale: " + " | ".join(f"goals={n} median_s={r['median_s']:.3f}" for n, r in scale)
      + f" ratio_{label(scale[-1][0])}_{label(scale[0][0])}={scale[-1][1]['median_s'] / scale[0][1]['median_s']:.2f}")
for case, name in (("warm", "pull-scale-warm-cache"), ("git", "pull-scale-git-reference")):
    rows = [(int(n), json.load(open(f))[case]) for n, f in (l.split() for l in open(scale_f) if l.strip())]
    print(f"bench {name}: " + " | ".join(f"goals={n} median_s={r['median_s']:.3f}" for n, r in rows)
          + f" ratio_{label(rows[-1][0])}_{label(rows[0][0])}={rows[-1][1]['median_s'] / rows[0][1]['median_s']:.2f}")
for cat in ("disjoint_fields", "list_additions"):
    c = q[cat]
    print(f"bench merge-quality: {cat} pairs={c['pairs']} git_conflict_rate={100 * c['git_conflicts'] / c['pairs']:.1f}% "
          f"goalsync_conflict_rate={100 * c['goalsync_conflicts'] / c['pairs']:.1f}% goalsync_lost_edits={c['goalsync_lost_edits']}")
print(f"bench merge-quality: goalsync_invalid_results={q['invalid_results']}")
EOF
