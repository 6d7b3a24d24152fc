# Shared preamble of the benchmarks over a server (scripts/bench-https.sh, scripts/bench-ssh.sh,
# scripts/bench-server-hook.sh):
# sourced, not run. The caller sets BENCH_NAME (the prefix of its messages) and ROOT first.
#
#   bench_env               a fixed identity and plain git settings; no proxy, no system config
#   bench_build WORK        SRC, BIN (a copy under WORK/bin when it runs from there), BUILD; PATH
#   bench_home WORK         HOME=WORK/home with a git config that never prompts, signs or gcs
#   free_port               a free TCP port on 127.0.0.1
#   bench_clone_fs_args     the --fs arguments of bench_clone.py from BENCH_FS (see below)
#
# BENCH_FS chooses the file system each timed clone writes into (scripts/bench_clone.py --fs):
#   ext4 (default, needs root and loop devices): a new ext4 image, loop-mounted, per clone;
#   tmpfs (needs root): a new tmpfs per clone; dir: a new folder in the temp folder (no mount:
#   the host file system's state, its page cache and recently deleted inodes, shows in the figures).

die() { echo "$BENCH_NAME: error: $*" >&2; exit 2; }
log() { echo "$BENCH_NAME: $*" >&2; }

bench_env() {
    export GIT_AUTHOR_NAME="Bench Author" GIT_AUTHOR_EMAIL="author@bench.invalid"
    export GIT_COMMITTER_NAME="Bench Committer" GIT_COMMITTER_EMAIL="committer@bench.invalid"
    export GIT_EDITOR=true GIT_TERMINAL_PROMPT=0 GIT_PAGER=cat NO_COLOR=1 LC_ALL=C.UTF-8
    export GIT_CONFIG_NOSYSTEM=1
    unset GIT_DIR GIT_WORK_TREE GIT_INDEX_FILE GIT_OBJECT_DIRECTORY GIT_ALTERNATE_OBJECT_DIRECTORIES
    unset GOALSYNC_IN_PROCESS GOALSYNC_TODAY GOALSYNC_TOKEN
    unset GIT_SSH GIT_SSH_VARIANT SSH_AUTH_SOCK
    unset GIT_SSL_CAPATH SSL_CERT_FILE SSL_CERT_DIR GIT_SSL_NO_VERIFY http_proxy https_proxy HTTPS_PROXY all_proxy ALL_PROXY
}

bench_build() {
    local work=$1
    if [[ -n ${GOALSYNC_BIN:-} ]]; then
        SRC=$GOALSYNC_BIN
        [[ $SRC == */* ]] || SRC=$(command -v "$SRC" || true)
        [[ -n $SRC && -x $SRC ]] || die "GOALSYNC_BIN=$GOALSYNC_BIN is not an executable"
        BUILD="GOALSYNC_BIN"
    else
        command -v swift >/dev/null || die "swift is not installed (or set GOALSYNC_BIN)"
        local flags
        # shellcheck disable=SC2206
        flags=(${BENCH_SWIFT_BUILD_FLAGS---static-swift-stdlib})
        log "building: swift build -c release --scratch-path .build-bench --product goalsync ${flags[*]}"
        (cd "$ROOT" && swift build -c release --scratch-path .build-bench --product goalsync "${flags[@]}") >"$work/build.log" 2>&1 \
            || { tail -30 "$work/build.log" >&2; die "swift build failed"; }
        SRC=$ROOT/.build-bench/release/goalsync
        BUILD="release ${flags[*]}"
    fi
    "$SRC" --version >/dev/null 2>&1 || die "$SRC does not run"
    mkdir -p "$work/bin"
    cp "$SRC" "$work/bin/goalsync"
    if "$work/bin/goalsync" --version >/dev/null 2>&1; then BIN=$work/bin/goalsync
    else rm -f "$work/bin/goalsync"; BIN=$(cd "$(dirname "$SRC")" && pwd)/$(basename "$SRC"); fi
    export PATH="$(dirname "$BIN"):$PATH"
}

bench_home() {
    export HOME=$1/home
    mkdir -p "$HOME"
    git config --global init.defaultBranch main
    git config --global pull.rebase false
    git config --global gc.auto 0
    git config --global maintenance.auto false
    git config --global commit.gpgsign false
}

free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }

bench_clone_fs_args() {
    case ${BENCH_FS:-ext4} in
        ext4|tmpfs|dir) echo "--fs ${BENCH_FS:-ext4}" ;;
        *) die "BENCH_FS must be ext4, tmpfs or dir (not ${BENCH_FS})" ;;
    esac
}
