#!/usr/bin/env bash
# goalsync over ssh: `goalsync clone` and `goalsync pull` against plain git over the same ssh URL.
#
#   scripts/bench-ssh.sh [--quick] [--git-daemon]
#
# Builds goalsync in release mode under .build-bench (unless GOALSYNC_BIN names a binary), then, in
# temp folders under ${TMPDIR:-/tmp} (removed on exit):
#   - starts OpenSSH's sshd on 127.0.0.1 (a free port; its own ed25519 host key; public-key login for
#     the user running the script, so root or the sshd's owner) and reaches it as a team would,
#     through an ssh config alias: GIT_SSH_COMMAND="ssh -F FILE" names a config with
#     `Host benchgit` (HostName, Port, User, IdentityFile, UserKnownHostsFile, BatchMode), which
#     goalsync and git both run; the URL is benchgit:/path/remote.git;
#   - the scenario of scripts/bench-sync.sh: a bare remote of N=10,000 valid goals; two clones, A
#     edits 1,000 goals and B 1,000, 500 of them on both sides in different fields; A pushes;
#   - clone: `goalsync clone URL` vs `git clone -q URL` (each checks out the 10,000 files),
#     interleaved (each goes first in every other run), each clone into a file system made for it
#     alone (BENCH_FS, below), the server's repository read into the page cache before each, one
#     untimed clone each first (scripts/bench_clone.py time-clone); medians and ratio (target <= 1.0);
#   - pull: on fresh copies of B (cp -a before every run, runs interleaved), `goalsync pull` vs
#     `git pull --no-rebase --no-edit` with git's text merge; medians and ratio (target <= 1.0).
#   With --git-daemon, the same two figures over git:// (`git daemon` on a free port) as well.
# --quick: 2,000 goals (200 edits per side), 3 runs. Ends with `bench ssh-clone: ...` and
# `bench ssh-pull: ...` lines (and `bench git-clone`/`bench git-pull` with --git-daemon). Exit 0
# whatever the figures say; non-zero only when something could not run.
#
# Why a file system per clone: a 10,000-file clone into a folder of a long-used ext4 disk took 0.9 s
# in one run and 4.4 s in the next, for git and goalsync alike (page cache, recently deleted inodes,
# the journal); on a new file system each clone starts from the same state.
# BENCH_FS=ext4 (default): a new loop-mounted ext4 image per clone (mkfs.ext4, no lazy init; the
# write-back at unmount is printed, untimed); BENCH_FS=tmpfs: a new tmpfs per clone; both need root.
# BENCH_FS=dir: a new folder on the host's file system (no root; figures depend on its state).
#
# Environment: GOALSYNC_BIN (use this binary, no build), BENCH_SWIFT_BUILD_FLAGS (extra flags for
# swift build; default --static-swift-stdlib), BENCH_RUNS (timed runs per figure), BENCH_FS, TMPDIR.
set -euo pipefail

QUICK=0; DAEMON=0
while [[ $# -gt 0 ]]; do
    case $1 in
        --quick) QUICK=1; shift ;;
        --git-daemon) DAEMON=1; shift ;;
        -h|--help) sed -n '2,/^set -euo/p' "$0" | sed '$d; s/^# \{0,1\}//'; exit 0 ;;
        *) echo "bench-ssh: unknown argument $1 (see --help)" >&2; exit 64 ;;
    esac
done
if [[ $QUICK == 1 ]]; then
    GOALS=2000; EDITS=200; BOTH=100; RUNS=${BENCH_RUNS:-3}
else
    GOALS=10000; EDITS=1000; BOTH=500; RUNS=${BENCH_RUNS:-5}
fi
[[ $RUNS =~ ^[0-9]+$ && $RUNS -ge 3 ]] || { echo "bench-ssh: BENCH_RUNS must be a number >= 3" >&2; exit 64; }

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
HELPER=$ROOT/scripts/bench_sync.py
CLONER=$ROOT/scripts/bench_clone.py
GEN=$ROOT/scripts/bench_gen.py
BENCH_NAME=bench-ssh
# shellcheck source=scripts/bench-lib.sh
source "$ROOT/scripts/bench-lib.sh"
command -v git >/dev/null || die "git is not installed"
command -v python3 >/dev/null || die "python3 is not installed"
command -v ssh >/dev/null || die "OpenSSH's client is not installed (scripts/install-deps.sh)"
[[ -x /usr/sbin/sshd ]] || die "OpenSSH's server is not installed (scripts/install-deps.sh)"
FS_ARGS=$(bench_clone_fs_args)
bench_env

WORK=$(mktemp -d "${TMPDIR:-/tmp}/goalsync-bench-ssh.XXXXXX")
SSHD_PID= DAEMON_PID=
cleanup() {
    for pid in $SSHD_PID $DAEMON_PID; do kill "$pid" 2>/dev/null || true; wait "$pid" 2>/dev/null || true; done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

bench_build "$WORK"
bench_home "$WORK"
log "goalsync: $SRC ($BUILD), $("$BIN" --version 2>&1 | head -1)"

# ---------------------------------------------------------------------------- sshd and the alias
S=$WORK/ssh
mkdir -p "$S" /run/sshd 2>/dev/null || mkdir -p "$S"
ssh-keygen -q -t ed25519 -N "" -C bench-host -f "$S/host_key"
ssh-keygen -q -t ed25519 -N "" -C bench-client -f "$S/id_ed25519"
cp "$S/id_ed25519.pub" "$S/authorized_keys"
cat >"$S/sshd_config" <<CONF
HostKey $S/host_key
ListenAddress 127.0.0.1
AuthorizedKeysFile $S/authorized_keys
PidFile $S/sshd.pid
PermitRootLogin prohibit-password
PubkeyAuthentication yes
PasswordAuthentication no
KbdInteractiveAuthentication no
UsePAM no
StrictModes no
CONF
SSH_USER=$(id -un)
start_sshd() {
    local attempt tries
    for attempt in 1 2 3 4 5; do
        SSH_PORT=$(free_port)
        /usr/sbin/sshd -D -f "$S/sshd_config" -E "$S/sshd.log" -p "$SSH_PORT" &
        SSHD_PID=$!
        echo "[127.0.0.1]:$SSH_PORT $(cut -d' ' -f1-2 "$S/host_key.pub")" >"$S/known_hosts"
        cat >"$S/config" <<CONF
Host benchgit
    HostName 127.0.0.1
    Port $SSH_PORT
    User $SSH_USER
    IdentityFile $S/id_ed25519
    IdentitiesOnly yes
    UserKnownHostsFile $S/known_hosts
    StrictHostKeyChecking yes
    BatchMode yes
CONF
        # Poll without sleeping: each try is a connection attempt that fails at once until it listens.
        for tries in $(seq 2000); do
            kill -0 "$SSHD_PID" 2>/dev/null || break
            if ssh -F "$S/config" benchgit true >/dev/null 2>&1; then return 0; fi
        done
        kill "$SSHD_PID" 2>/dev/null || true; wait "$SSHD_PID" 2>/dev/null || true; SSHD_PID=
        log "sshd on port $SSH_PORT did not answer (attempt $attempt)"
    done
    tail -5 "$S/sshd.log" >&2
    die "could not start sshd"
}
start_sshd
export GIT_SSH_COMMAND="ssh -F $S/config"
log "sshd on 127.0.0.1:$SSH_PORT; GIT_SSH_COMMAND=\"$GIT_SSH_COMMAND\" (Host benchgit)"

# ---------------------------------------------------------------------------- the scenario (bench-sync.sh's)
make_remote() {
    local n=$1 dir=$2
    mkdir -p "$dir"
    "$BIN" init "$dir/seed" --product "Bench Product" >/dev/null || die "goalsync init failed"
    python3 "$GEN" gen "$dir/seed" --goals "$n" >&2 || die "generating $n goals failed"
    git -C "$dir/seed" add -A
    git -C "$dir/seed" commit -q --no-verify -m "bench: $n goals" || die "committing $n goals failed"
    git init -q --bare "$dir/remote.git"
    git -C "$dir/seed" push -q "$dir/remote.git" HEAD:main >/dev/null 2>&1 || die "pushing $n goals failed"
    rm -rf "$dir/seed"
}
clone() {
    git clone -q "$1" "$2" || die "git clone $1 failed"
    (cd "$2" && "$BIN" hooks install >/dev/null) || die "goalsync hooks install failed in $2"
}
edit_commit() {
    local dir=$1 side=$2
    python3 "$HELPER" edit "$dir" --side "$side" --edits "$3" --both "$4" --seed "$5" >&2 || die "editing as $side failed"
    git -C "$dir" add -A
    git -C "$dir" commit -q --no-verify -m "bench: side $side edits $3 goals" || die "side $side's commit failed"
}

log "a remote of $GOALS goals; A edits $EDITS, B edits $EDITS, $BOTH on both sides"
make_remote "$GOALS" "$WORK/r"
URL="benchgit:$WORK/r/remote.git"
mkdir -p "$WORK/pull"
clone "$URL" "$WORK/pull/A"
clone "$URL" "$WORK/pull/B"
edit_commit "$WORK/pull/A" A "$EDITS" "$BOTH" 4242
git -C "$WORK/pull/A" push -q origin HEAD >/dev/null 2>&1 || die "side A's push failed"
edit_commit "$WORK/pull/B" B "$EDITS" "$BOTH" 4242
rm -rf "$WORK/pull/A"
cp -a "$WORK/pull/B" "$WORK/pull/B-git"
git -C "$WORK/pull/B-git" config --remove-section merge.goalsync

json() { python3 -c 'import json,sys; d=json.load(open(sys.argv[1]))
for k in sys.argv[2:]: d=d[k]
print(d if d is not None else "")' "$@"; }

# measure NAME URL: the clone and pull figures over URL (B's copies are pointed at it).
measure() {
    local name=$1 url=$2 c
    for c in B B-git; do
        rm -rf "$WORK/pull/$c-$name"; cp -a "$WORK/pull/$c" "$WORK/pull/$c-$name"
        git -C "$WORK/pull/$c-$name" config remote.origin.url "$url"
    done
    log "$name: $RUNS runs each of goalsync clone and git clone of $url, interleaved, $FS_ARGS per clone; load: $(uptime)"
    # shellcheck disable=SC2086
    python3 "$CLONER" time-clone --runs "$RUNS" --work "$WORK" --goalsync "$BIN" --url "$url" $FS_ARGS \
        --warm "$WORK/r/remote.git" --case goalsync=goalsync --case git=git >"$WORK/$name-clone.json" || die "timing the clones failed"
    uptime | sed 's/.*load average: //; s/ //g' >"$WORK/$name-clone.load"
    log "$name: $RUNS runs each of goalsync pull and git pull (text merge), interleaved, on fresh copies of B"
    python3 "$HELPER" time-pull --runs "$RUNS" --work "$WORK/pull" --goalsync "$BIN" \
        --case "goalsync=$WORK/pull/B-$name=goalsync" --case "git=$WORK/pull/B-git-$name=git" \
        >"$WORK/$name-pull.json" || die "timing the pulls failed"
    uptime | sed 's/.*load average: //; s/ //g' >"$WORK/$name-pull.load"
    for f in clone pull; do for c in goalsync git; do
        log "  $name $f $c: runs (s) $(json "$WORK/$name-$f.json" $c runs_s)"
    done; done
    [[ $(json "$WORK/$name-clone.json" goalsync head) == "$(json "$WORK/$name-clone.json" git head)" ]] \
        || log "  warning: goalsync clone and git clone checked out different commits"
}
measure ssh "$URL"
if [[ $DAEMON == 1 ]]; then
    for attempt in 1 2 3 4 5; do
        DAEMON_PORT=$(free_port)
        git daemon --export-all --reuseaddr --listen=127.0.0.1 --port="$DAEMON_PORT" --base-path="$WORK/r" "$WORK/r" \
            >>"$WORK/daemon.log" 2>&1 &
        DAEMON_PID=$!
        for tries in $(seq 2000); do
            kill -0 "$DAEMON_PID" 2>/dev/null || break
            git ls-remote "git://127.0.0.1:$DAEMON_PORT/remote.git" >/dev/null 2>&1 && break 2
        done
        kill "$DAEMON_PID" 2>/dev/null || true; wait "$DAEMON_PID" 2>/dev/null || true; DAEMON_PID=
    done
    [[ -n $DAEMON_PID ]] || die "could not start git daemon"
    measure git "git://127.0.0.1:$DAEMON_PORT/remote.git"
fi

# ---------------------------------------------------------------------------- report
python3 - "$WORK" "$GOALS" "$RUNS" "$BUILD" "$DAEMON" "${BENCH_FS:-ext4}" <<'PY'
import json, os, statistics, sys
work, goals, runs, build, daemon, fs = sys.argv[1:]
ok = lambda b: "PASS" if b else "FAIL"
print()
print(f"bench: goalsync {build}; medians of {runs} runs; ssh through an ~/.ssh/config-style alias (GIT_SSH_COMMAND=\"ssh -F FILE\"); clones each into a new {fs} file system")
for name in ["ssh"] + (["git"] if daemon == "1" else []):
    for what in ("clone", "pull"):
        d = json.load(open(os.path.join(work, f"{name}-{what}.json")))
        gs, git = d["goalsync"]["median_s"], d["git"]["median_s"]
        load = open(os.path.join(work, f"{name}-{what}.load")).read().strip()
        print(f"bench {name}-{what}: goals={goals} goalsync_median_s={gs:.3f} git_median_s={git:.3f} "
              f"ratio={gs / git:.2f} target<=1.0 {ok(gs <= git)} load={load}")
    for client in ("goalsync", "git"):
        c = json.load(open(os.path.join(work, f"{name}-clone.json")))[client]
        um = f" umount_median_s={c['umount_median_s']:.3f}" if c.get("umount_median_s") is not None else ""
        print(f"bench {name}-clone runs: {client} runs_s={c['runs_s']}{um}")
    clone = json.load(open(os.path.join(work, f"{name}-clone.json")))
    pairs = sorted(g / t for g, t in zip(clone["goalsync"]["runs_s"], clone["git"]["runs_s"]))
    print(f"bench {name}-clone runs: paired_ratio_median={statistics.median(pairs):.2f} (each run's goalsync/git, taken together) range={pairs[0]:.2f}-{pairs[-1]:.2f}")
PY
