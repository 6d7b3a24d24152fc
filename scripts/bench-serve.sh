#!/usr/bin/env bash
# goalsync serve benchmark, on the 10,000-goal repository the other benchmarks make.
#
#   scripts/bench-serve.sh [--quick]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), then, in
# a temp folder (removed on exit): a goal repository with N=10,000 valid goals (goalsync init,
# scripts/bench_gen.py, one commit), served by `goalsync serve` on 127.0.0.1 (a free port):
#   1. wrk, 8 connections, 2 threads, 10 s, against the overview (/) and one goal's page (the
#      active goal's: its fields and its history): requests/s, p50 and p99 latency;
#   2. the server's peak RSS over the whole run (VmHWM);
#   3. the overview's p99 against `goalsync list --json` as a process (median of 10):
#      target p99 <= list;
#   4. one save: a POST of the goal's title from its page's form (request to commit, the page's
#      version and form token fetched before the clock starts), against `goalsync set ID title T`
#      as a process, the same field, medians of 10 alternating runs: target ratio <= 1.0.
# Ends with `bench serve: ...` lines. Exit 0 whatever the figures say; non-zero only when something
# could not run. --quick: 2,000 goals, 5 s of wrk, 5 runs.
# Environment: GOALSYNC_BIN, BENCH_SWIFT_BUILD_FLAGS (see scripts/bench-lib.sh), TMPDIR.
set -euo pipefail

QUICK=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-serve: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
N=10000; DURATION=10; RUNS=10
if [[ $QUICK == 1 ]]; then N=2000; DURATION=5; RUNS=5; fi

ROOT=$(cd "$(dirname "$0")/.." && pwd)
BENCH_NAME=bench-serve
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"
command -v wrk >/dev/null || die "wrk is not installed (scripts/install-deps.sh installs it)"
WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench-serve.XXXXXX")
SERVER_PID=
cleanup() {
    if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
    rm -rf "$WORK"
}
trap cleanup EXIT
bench_env
bench_build "$WORK"
bench_home "$WORK"
log "load before: $(uptime)"

REPO=$WORK/repo
"$BIN" init "$REPO" --product "Bench Product" >/dev/null || die "goalsync init failed"
python3 "$ROOT/scripts/bench_gen.py" gen "$REPO" --goals "$N" >&2 || die "generating $N goals failed"
git -C "$REPO" add -A
git -C "$REPO" commit -q --no-verify -m "bench: $N goals" || die "committing $N goals failed"
GOAL=$("$BIN" -C "$REPO" list --status active --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["goals"][0]["id"])') \
    || die "the generated repository has no active goal"

PORT=$(free_port)
"$BIN" -C "$REPO" serve --port "$PORT" >"$WORK/serve.out" 2>"$WORK/serve.err" &
SERVER_PID=$!
URL=
for _ in $(seq 1 600); do
    URL=$(sed -n 's/^goalsync serve: //p' "$WORK/serve.out")
    [[ -n $URL ]] && break
    kill -0 "$SERVER_PID" 2>/dev/null || die "goalsync serve stopped: $(cat "$WORK/serve.err")"
    sleep 0.1
done
[[ -n $URL ]] || die "goalsync serve printed no address within 60 s"
TOKEN=${URL##*token=}
BASE=http://127.0.0.1:$PORT
AUTH="Authorization: Bearer $TOKEN"
log "serving $N goals at $BASE (goal $GOAL)"

# wrk_run PATH: "requests/s p50_ms p99_ms".
wrk_run() {
    curl -fsS -o /dev/null -H "$AUTH" "$BASE$1" || die "GET $1 failed"
    wrk -t2 -c8 -d"${DURATION}s" --latency -H "$AUTH" "$BASE$1" >"$WORK/wrk.out" 2>&1 || die "wrk failed: $(cat "$WORK/wrk.out")"
    python3 - "$WORK/wrk.out" <<'PY'
import re, sys
text = open(sys.argv[1]).read()
def ms(v, unit):
    return float(v) * {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}[unit]
rps = float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
lat = dict((p, ms(v, u)) for p, v, u in re.findall(r"^\s+(50|99)%\s+([\d.]+)(us|ms|s|m)\s*$", text, re.M))
errors = re.search(r"Non-2xx or 3xx responses: (\d+)", text)
print(f"{rps:.0f} {lat['50']:.2f} {lat['99']:.2f} {errors.group(1) if errors else 0}")
PY
}
read -r OV_RPS OV_P50 OV_P99 OV_ERR <<<"$(wrk_run /)"
read -r GP_RPS GP_P50 GP_P99 GP_ERR <<<"$(wrk_run "/goals/$GOAL")"

LIST=$(python3 "$ROOT/scripts/bench_gen.py" measure --runs "$RUNS" --warmup 1 -- "$BIN" -C "$REPO" list --json) || die "timing goalsync list --json failed"
LIST_MS=$(python3 -c 'import json,sys; print("%.1f" % (json.loads(sys.argv[1])["median_s"] * 1000))' "$LIST")

# Saves: the server's form post and the command, alternating, each changing the title.
SAVES=$(python3 - "$BASE" "$TOKEN" "$GOAL" "$BIN" "$REPO" "$RUNS" <<'PY'
import http.client, re, statistics, subprocess, sys, time, urllib.parse
base, token, goal, binary, repo, runs = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5], int(sys.argv[6])
host = base.split("//", 1)[1]
def request(method, path, body=None):
    c = http.client.HTTPConnection(host, timeout=120)
    headers = {"Authorization": "Bearer " + token}
    if body is not None:
        headers["Content-Type"] = "application/x-www-form-urlencoded"
    c.request(method, path, body=body, headers=headers)
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data.decode("utf-8", "replace")
serve, cli = [], []
for i in range(runs + 1):
    status, page = request("GET", f"/goals/{goal}")
    csrf = re.search(r'name="csrf" value="([0-9a-f]+)"', page).group(1)
    version = re.search(r'name="version" value="([0-9a-f]{40})"', page).group(1)
    body = urllib.parse.urlencode({"csrf": csrf, "version": version, "title": f"Bench title served {i}"})
    t = time.perf_counter()
    status, _ = request("POST", f"/goals/{goal}/edit", body)
    dt = time.perf_counter() - t
    if status != 303:
        sys.exit(f"the save answered {status}")
    t = time.perf_counter()
    done = subprocess.run([binary, "-C", repo, "set", goal, "title", f"Bench title by the command {i}"], capture_output=True)
    dc = time.perf_counter() - t
    if done.returncode != 0:
        sys.exit("goalsync set failed: " + done.stderr.decode())
    if i > 0:
        serve.append(dt); cli.append(dc)
print(f"{statistics.median(serve)*1000:.1f} {statistics.median(cli)*1000:.1f}")
PY
) || die "timing the saves failed"
read -r SAVE_MS SET_MS <<<"$SAVES"
RSS_KB=$(awk '/VmHWM/ {print $2}' "/proc/$SERVER_PID/status")
SUBJECT=$(git -C "$REPO" log -1 --skip=1 --format=%s)
log "load after: $(uptime)"

ratio() { python3 -c "import sys; a,b=float(sys.argv[1]),float(sys.argv[2]); print(f'{a/b:.2f}' if b else 'n/a')" "$1" "$2"; }
echo "bench serve: build=$BUILD goals=$N wrk=8 connections, 2 threads, ${DURATION}s"
echo "bench serve: overview      ${OV_RPS} req/s  p50 ${OV_P50} ms  p99 ${OV_P99} ms  (non-2xx/3xx: $OV_ERR)"
echo "bench serve: goal page     ${GP_RPS} req/s  p50 ${GP_P50} ms  p99 ${GP_P99} ms  (non-2xx/3xx: $GP_ERR)"
echo "bench serve: overview p99 vs goalsync list --json: ${OV_P99} ms vs ${LIST_MS} ms = $(ratio "$OV_P99" "$LIST_MS") (target <= 1.0)"
echo "bench serve: save vs goalsync set: ${SAVE_MS} ms vs ${SET_MS} ms = $(ratio "$SAVE_MS" "$SET_MS") (target <= 1.0; the server's commit: $SUBJECT)"
echo "bench serve: server peak RSS $((RSS_KB / 1024)) MB"
