#!/usr/bin/env bash
# goalsync over https: `goalsync clone` and `goalsync pull` against plain git over the same URL.
#
#   scripts/bench-https.sh [--quick] [--clone-only | --pull-only]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), then, in a
# temp folder under ${TMPDIR:-/tmp} (removed on exit):
#   - a private CA and a server certificate (CN and SAN localhost, IP 127.0.0.1) made with openssl;
#   - nginx (its own config, pid, logs and temp folders in the temp folder, 127.0.0.1, a free port,
#     TLS) in front of fcgiwrap and `git http-backend`, serving a bare remote with N=10,000 valid goals
#     (the scenario of scripts/bench-sync.sh: A edits 1,000 goals and pushes, B edits 1,000, 500 of
#     them on both sides); pushes need basic auth, reads do not;
#   - clone: `goalsync clone https://localhost:PORT/remote.git` against `git clone -q` of the same URL,
#     interleaved (each goes first in every other run), each clone into a file system made for it
#     alone (BENCH_FS, below), the server's repository read into the page cache before each, one
#     untimed clone each first (scripts/bench_clone.py time-clone);
#   - pull: on identical copies of B whose origin is the https URL, `goalsync pull` against
#     `git pull --no-rebase --no-edit` (git's text merge), interleaved (scripts/bench_sync.py time-pull).
# Both trust the CA through GIT_SSL_CAINFO. Medians, ratios (target <= 1.0). Ends with `bench https ...`
# lines. Exit 0 whatever the figures say; non-zero only when something could not run.
# --quick: 2,000 goals (200 edits per side), 3 runs. --clone-only, --pull-only: only that figure.
#
# Why a file system per clone: a 10,000-file clone into a folder of a long-used ext4 disk took 0.9 s
# in one run and 4.4 s in the next, for git and goalsync alike (page cache, recently deleted inodes,
# the journal); on a new file system each clone starts from the same state.
# BENCH_FS=ext4 (default): a new loop-mounted ext4 image per clone (mkfs.ext4, no lazy init; the
# write-back at unmount is printed, untimed); BENCH_FS=tmpfs: a new tmpfs per clone; both need root.
# BENCH_FS=dir: a new folder on the host's file system (no root; figures depend on its state).
#
# Needs nginx, fcgiwrap, openssl (scripts/install-deps.sh). Environment: GOALSYNC_BIN,
# BENCH_SWIFT_BUILD_FLAGS (default --static-swift-stdlib), BENCH_RUNS, BENCH_FS, TMPDIR.
set -euo pipefail

QUICK=0; ONLY=
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        --clone-only) ONLY=clone; shift ;;
        --pull-only) ONLY=pull; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-https: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [[ $QUICK == 1 ]]; then GOALS=2000; EDITS=200; BOTH=100; RUNS=${BENCH_RUNS:-3}
else GOALS=10000; EDITS=1000; BOTH=500; RUNS=${BENCH_RUNS:-5}; fi
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 3 ]] || { echo "bench-https: BENCH_RUNS must be a number >= 3" >&2; exit 64; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/scripts/bench_sync.py
CLONER=$ROOT/scripts/bench_clone.py
GEN=$ROOT/scripts/bench_gen.py
BENCH_NAME=bench-https
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"
for tool in git python3 openssl nginx fcgiwrap; do
    command -v "$tool" >/dev/null || die "$tool is not installed (scripts/install-deps.sh)"
done
FS_ARGS=$(bench_clone_fs_args)
bench_env

WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench-https.XXXXXX")
NGINX_PID= FCGI_PID=
cleanup() {
    # fcgiwrap -c 4 forks its workers: end them too, or they outlive the bench.
    for pid in $NGINX_PID $FCGI_PID; do pkill -P "$pid" 2>/dev/null || true; kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_build "$WORK"
bench_home "$WORK"
log "goalsync: $SRC ($BUILD), $("$BIN" --version 2>&1 | head -1)"

# ---------------------------------------------------------------------------- the server
SRV=$WORK/server
mkdir -p "$SRV/repos" "$SRV/tmp"
openssl req -x509 -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -days 2 -subj "/CN=goalsync bench CA" \
    -keyout "$SRV/ca.key" -out "$SRV/ca.crt" >/dev/null 2>&1 || die "openssl could not make the CA"
openssl req -newkey ec -pkeyopt ec_paramgen_curve:prime256v1 -nodes -subj "/CN=localhost" \
    -keyout "$SRV/server.key" -out "$SRV/server.csr" >/dev/null 2>&1 || die "openssl could not make the server key"
printf 'subjectAltName=DNS:localhost,IP:127.0.0.1\nbasicConstraints=CA:FALSE\n' >"$SRV/ext.cnf"
openssl x509 -req -in "$SRV/server.csr" -CA "$SRV/ca.crt" -CAkey "$SRV/ca.key" -CAcreateserial -days 2 \
    -extfile "$SRV/ext.cnf" -out "$SRV/server.crt" >/dev/null 2>&1 || die "openssl could not sign the server certificate"
echo "bench:$(openssl passwd -apr1 bench-pw)" >"$SRV/htpasswd"
export GIT_SSL_CAINFO=$SRV/ca.crt
BACKEND=$(git --exec-path)/git-http-backend

start_server() {
    local attempt tries
    fcgiwrap -c 4 -s "unix:$SRV/fcgi.sock" >>"$SRV/fcgi.log" 2>&1 &
    FCGI_PID=$!
    for attempt in 1 2 3 4 5; do
        PORT=$(free_port)
        cat >"$SRV/nginx.conf" <<EOF
daemon off;
master_process off;
worker_processes 1;
pid $SRV/nginx.pid;
error_log $SRV/error.log;
events { worker_connections 256; }
http {
    access_log $SRV/access.log;
    client_body_temp_path $SRV/tmp/body;
    proxy_temp_path $SRV/tmp/proxy;
    fastcgi_temp_path $SRV/tmp/fastcgi;
    uwsgi_temp_path $SRV/tmp/uwsgi;
    scgi_temp_path $SRV/tmp/scgi;
    client_max_body_size 0;
    map "\$uri \$arg_service" \$git_auth { "~git-receive-pack" "git push"; default off; }
    server {
        listen 127.0.0.1:$PORT ssl;
        ssl_certificate $SRV/server.crt;
        ssl_certificate_key $SRV/server.key;
        location / {
            auth_basic \$git_auth;
            auth_basic_user_file $SRV/htpasswd;
            fastcgi_pass unix:$SRV/fcgi.sock;
            fastcgi_buffering off;
            fastcgi_request_buffering off;
            fastcgi_param SCRIPT_FILENAME $BACKEND;
            fastcgi_param GIT_PROJECT_ROOT $SRV/repos;
            fastcgi_param GIT_HTTP_EXPORT_ALL "";
            fastcgi_param PATH_INFO \$uri;
            fastcgi_param QUERY_STRING \$query_string;
            fastcgi_param REQUEST_METHOD \$request_method;
            fastcgi_param CONTENT_TYPE \$content_type;
            fastcgi_param CONTENT_LENGTH \$content_length;
            fastcgi_param REMOTE_USER \$remote_user;
            fastcgi_param REMOTE_ADDR \$remote_addr;
            fastcgi_param HTTP_GIT_PROTOCOL \$http_git_protocol;
            fastcgi_param HTTP_CONTENT_ENCODING \$http_content_encoding;
        }
    }
}
EOF
        nginx -p "$SRV" -c "$SRV/nginx.conf" -e "$SRV/error.log" >>"$SRV/nginx.out" 2>&1 &
        NGINX_PID=$!
        for tries in $(seq 2000); do
            kill -0 "$NGINX_PID" 2>/dev/null || break
            if git ls-remote "https://localhost:$PORT/remote.git" >/dev/null 2>&1; then return 0; fi
        done
        kill "$NGINX_PID" 2>/dev/null || true; wait "$NGINX_PID" 2>/dev/null || true; NGINX_PID=
        log "nginx on port $PORT did not answer (attempt $attempt)"
    done
    tail -5 "$SRV/error.log" >&2
    die "could not start nginx"
}

# ---------------------------------------------------------------------------- the scenario
log "a remote of $GOALS goals"
"$BIN" init "$WORK/seed" --product "Bench Product" >/dev/null || die "goalsync init failed"
python3 "$GEN" gen "$WORK/seed" --goals "$GOALS" >&2 || die "generating $GOALS goals failed"
git -C "$WORK/seed" add -A
git -C "$WORK/seed" commit -q --no-verify -m "bench: $GOALS goals" || die "committing failed"
git init -q --bare "$SRV/repos/remote.git"
git -C "$WORK/seed" push -q "$SRV/repos/remote.git" HEAD:main >/dev/null 2>&1 || die "pushing the goals failed"
# The remote's HEAD must name the pushed branch, or `git clone` skips the checkout and the comparison is void.
git -C "$SRV/repos/remote.git" symbolic-ref HEAD refs/heads/main
git -C "$SRV/repos/remote.git" rev-parse -q --verify HEAD >/dev/null || die "the remote's HEAD names no commit"
rm -rf "$WORK/seed"
start_server
URL="https://localhost:$PORT/remote.git"
log "nginx + fcgiwrap + git http-backend at $URL"

edit_commit() {
    python3 "$HELPER" edit "$1" --side "$2" --edits "$EDITS" --both "$BOTH" --seed 4242 >&2 || die "editing as $2 failed"
    git -C "$1" add -A
    git -C "$1" commit -q --no-verify -m "bench: side $2" || die "side $2's commit failed"
}
echo '{}' >"$WORK/clone.json"; echo '{}' >"$WORK/pull.json"; CLONE_LOAD= PULL_LOAD=
if [[ $ONLY != clone ]]; then
mkdir -p "$WORK/pull"
for side in A B; do
    git clone -q "$URL" "$WORK/pull/$side" || die "git clone $URL failed"
    (cd "$WORK/pull/$side" && "$BIN" hooks install >/dev/null) || die "goalsync hooks install failed"
done
edit_commit "$WORK/pull/A" A
git -C "$WORK/pull/A" push -q "https://bench:bench-pw@localhost:$PORT/remote.git" HEAD:main >/dev/null 2>&1 || die "side A's push failed"
edit_commit "$WORK/pull/B" B
rm -rf "$WORK/pull/A"
cp -a "$WORK/pull/B" "$WORK/pull/B-git"
git -C "$WORK/pull/B-git" config --remove-section merge.goalsync
fi

# ---------------------------------------------------------------------------- clone
if [[ $ONLY != pull ]]; then
log "clone: $RUNS runs each of goalsync clone and git clone of $URL, interleaved, $FS_ARGS per clone; load: $(uptime)"
# shellcheck disable=SC2086
python3 "$CLONER" time-clone --runs "$RUNS" --work "$WORK" --goalsync "$BIN" --url "$URL" $FS_ARGS \
    --warm "$SRV/repos/remote.git" --case goalsync=goalsync --case git=git >"$WORK/clone.json" || die "timing the clones failed"
CLONE_LOAD=$(uptime | sed 's/.*load average: //')
fi

# ---------------------------------------------------------------------------- pull
if [[ $ONLY != clone ]]; then
log "pull: $RUNS runs each of goalsync pull and git pull over $URL, interleaved, on fresh copies of B"
python3 "$HELPER" time-pull --runs "$RUNS" --work "$WORK/pull" --goalsync "$BIN" \
    --case "goalsync=$WORK/pull/B=goalsync" --case "git=$WORK/pull/B-git=git" >"$WORK/pull.json" || die "timing the pulls failed"
PULL_LOAD=$(uptime | sed 's/.*load average: //')
fi

python3 - "$WORK/clone.json" "$WORK/pull.json" "$GOALS" "$RUNS" "$BUILD" "${BENCH_FS:-ext4}" "$CLONE_LOAD" "$PULL_LOAD" <<'PY'
import json, statistics, sys
clone, pull = json.load(open(sys.argv[1])), json.load(open(sys.argv[2]))
goals, runs, build, fs = sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
load = {"clone": sys.argv[7], "pull": sys.argv[8]}
ok = lambda good: "ok" if good else "ABOVE TARGET"
print(f"bench https: goalsync {build}; nginx + fcgiwrap + git http-backend over TLS on 127.0.0.1; medians of {runs} runs; clones each into a new {fs} file system")
for name, data in (("clone", clone), ("pull", pull)):
    if not data:
        continue
    gs, git = data["goalsync"]["median_s"], data["git"]["median_s"]
    print(f"bench https {name}: goals={goals} goalsync_median_s={gs:.3f} git_median_s={git:.3f} ratio={gs / git:.2f} target<=1.0 {ok(gs / git <= 1.0)} load={load[name].replace(' ', '')}")
for name in ("goalsync", "git") if clone else ():
    c = clone[name]
    um = f" umount_median_s={c['umount_median_s']:.3f}" if c.get("umount_median_s") is not None else ""
    print(f"bench https clone runs: {name} runs_s={c['runs_s']}{um}")
if clone:
    pairs = sorted(g / t for g, t in zip(clone["goalsync"]["runs_s"], clone["git"]["runs_s"]))
    print(f"bench https clone runs: paired_ratio_median={statistics.median(pairs):.2f} (each run's goalsync/git, taken together) range={pairs[0]:.2f}-{pairs[-1]:.2f}")
if not pull:
    sys.exit(0)
print(f"bench https pull: exit codes goalsync={pull['goalsync']['rc']} git={pull['git']['rc']} files_in_conflict goalsync={pull['goalsync']['conflicted']} git={pull['git']['conflicted']}")
# git's text merge leaves files in conflict (exit 1); a git pull that exits 1 with none failed before
# merging (its fetch), and its time would compare nothing.
if any(rc != 0 and c == 0 for rc, c in zip(pull['git']['rc'], pull['git']['conflicted'])):
    sys.exit("bench-https: git pull failed without merging: the comparison is void")
PY
