#!/usr/bin/env bash
# goalsync server hook benchmark: a plain `git push` of one changed goal into a bare repository of
# 10,000 goals, with goalsync's pre-receive hook (`goalsync hooks install --server`) and without.
#
#   scripts/bench-server-hook.sh [--quick]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), then, in
# a temp folder under ${TMPDIR:-/tmp} (removed on exit): N=10,000 valid goals (goalsync init,
# scripts/bench_gen.py, plain git commit --no-verify) pushed to two bare repositories, `hooked.git`
# (with `goalsync hooks install --server`, which also works out the goal tree summary of the tip,
# once) and `plain.git` (no hook); one plain git clone of each. Each run appends a line to the body
# of one goal (a different goal every run, the same in both clones), commits with plain git
# --no-verify, and times `git push -q origin HEAD:main` (git's pack-objects, receive-pack,
# index-pack, the hook, the ref update). Runs alternate between the two repositories. Medians and
# their ratio (target <= 1.5), and, as a check that the hook does refuse, a push of a second
# active goal into hooked.git (must be refused).
# --quick: 2,000 goals, 7 runs.
# Ends with `bench server-hook: ...` lines (stable, greppable). Exit 0 whatever the figures say (it
# reports, it does not gate); non-zero only when something could not run.
#
# Environment: GOALSYNC_BIN (use this binary, no build), BENCH_SWIFT_BUILD_FLAGS (extra flags for
# swift build; default --static-swift-stdlib, as scripts/bench.sh, so they share one build),
# BENCH_RUNS (timed runs per case, default 21), TMPDIR.
set -euo pipefail

QUICK=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-server-hook: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [[ $QUICK == 1 ]]; then GOALS=2000; RUNS=${BENCH_RUNS:-7}; else GOALS=10000; RUNS=${BENCH_RUNS:-21}; fi
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 3 ]] || { echo "bench-server-hook: BENCH_RUNS must be a number >= 3" >&2; exit 64; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
GEN=$ROOT/scripts/bench_gen.py
BENCH_NAME=bench-server-hook
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"
command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
bench_env

WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench-hook.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# ---------------------------------------------------------------------------- 1. build
# Our own copy (the hook names it by its absolute path), so a build during the run cannot swap it.
bench_build "$WORK"
bench_home "$WORK"
git config --global receive.autogc false
log "goalsync: $SRC ($BUILD), $("$BIN" --version 2>&1 | head -1)"

# ---------------------------------------------------------------------------- 2. repositories
log "a repository of $GOALS goals"
"$BIN" init "$WORK/seed" --product "Bench Product" >/dev/null || die "goalsync init failed"
python3 "$GEN" gen "$WORK/seed" --goals "$GOALS" >&2 || die "generating $GOALS goals failed"
git -C "$WORK/seed" add -A
git -C "$WORK/seed" commit -q --no-verify -m "bench: $GOALS goals" || die "committing $GOALS goals failed"
"$BIN" -C "$WORK/seed" validate --quiet >/dev/null 2>&1 || die "the generated goals are not valid"
for r in hooked plain; do
    git init -q --bare "$WORK/$r.git"
    git -C "$WORK/seed" push -q "$WORK/$r.git" HEAD:main >/dev/null 2>&1 || die "pushing to $r.git failed"
done
START=$(date +%s.%N)
"$BIN" -C "$WORK/hooked.git" hooks install --server >&2 || die "goalsync hooks install --server failed"
INSTALL_S=$(python3 -c "import sys; print(f'{float(sys.argv[2]) - float(sys.argv[1]):.2f}')" "$START" "$(date +%s.%N)")
for r in hooked plain; do
    git clone -q "$WORK/$r.git" "$WORK/clone-$r" || die "git clone $r.git failed"
done
mapfile -t IDS < <(cd "$WORK/seed/goals" && ls | sed -n 's/\.md$//p' | sort)
rm -rf "$WORK/seed"

# ---------------------------------------------------------------------------- 3. timed pushes
log "$RUNS pushes of one changed goal into each, alternating (hook: $WORK/hooked.git/hooks/pre-receive)"
python3 - "$WORK" "$RUNS" "${IDS[@]}" >"$WORK/times.json" <<'PY' || die "timing the pushes failed"
import json, statistics, subprocess, sys, time
work, runs, ids = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = {"hooked": [], "plain": []}
for i in range(runs):
    goal = ids[(i * 7919) % len(ids)]
    order = ["hooked", "plain"] if i % 2 == 0 else ["plain", "hooked"]
    for r in order:
        clone = f"{work}/clone-{r}"
        with open(f"{clone}/goals/{goal}.md", "a", encoding="utf-8") as f:
            f.write(f"\nBench note {i}.\n")
        subprocess.run(["git", "-C", clone, "commit", "-q", "--no-verify", "-am", f"bench: edit {goal}"], check=True)
        t = time.perf_counter()
        p = subprocess.run(["git", "-C", clone, "push", "-q", "origin", "HEAD:main"], capture_output=True, text=True)
        elapsed = time.perf_counter() - t
        if p.returncode != 0:
            sys.exit(f"push into {r}.git failed: {p.stderr}")
        times[r].append(elapsed)
print(json.dumps({r: {"median_s": statistics.median(v), "runs_s": [round(x, 4) for x in v]} for r, v in times.items()}))
PY

# ---------------------------------------------------------------------------- 4. the hook refuses
C=$WORK/clone-hooked
# Two active goals: the generated repository has one; make a second one active.
python3 - "$C/goals" <<'PY' || die "could not make a second goal active"
import os, re, sys
d = sys.argv[1]
names = sorted(n for n in os.listdir(d) if n.endswith(".md"))
texts = {n: open(os.path.join(d, n), encoding="utf-8").read() for n in names}
active = [n for n in names if re.search(r"^status: active$", texts[n], re.M)]
for n in [n for n in names if n not in active][: 2 - len(active)]:
    open(os.path.join(d, n), "w", encoding="utf-8").write(re.sub(r"^status: .*$", "status: active", texts[n], count=1, flags=re.M))
PY
git -C "$C" commit -q --no-verify -am "bench: a second active goal"
REFUSED=no
if ! git -C "$C" push -q origin HEAD:main >"$WORK/refused.out" 2>&1 && grep -q "goals are active" "$WORK/refused.out"; then REFUSED=yes; fi

python3 - "$WORK/times.json" "$GOALS" "$RUNS" "$BUILD" "$INSTALL_S" "$REFUSED" <<'PY'
import json, sys
t = json.load(open(sys.argv[1]))
goals, runs, build, install_s, refused = sys.argv[2:]
h, p = t["hooked"], t["plain"]
ratio = h["median_s"] / p["median_s"]
ok = lambda b: "PASS" if b else "FAIL"
print()
print(f"bench: goalsync {build}; medians of {runs} runs")
print(f"bench server-hook: goals={goals} push_with_hook_median_s={h['median_s']:.4f} push_without_hook_median_s={p['median_s']:.4f} ratio={ratio:.2f} target<=1.5 {ok(ratio <= 1.5)}")
print(f"bench server-hook: runs_with_hook_s={h['runs_s']}")
print(f"bench server-hook: runs_without_hook_s={p['runs_s']}")
print(f"bench server-hook: hooks_install_server_s={install_s} (once: the tip's goal tree summary) second_active_goal_refused={refused} {ok(refused == 'yes')}")
PY
