#!/usr/bin/env bash
# Builds goalsync's libFuzzer targets and runs each for a bounded time (Fuzz/README.md).
#
#   scripts/fuzz.sh [--time SECONDS] [--jobs N] [--out DIR] [--resume DIR] [--build-only] [target...]
#
# Targets: frontmatter merge index config remoteurl (all when none is named). Each runs for
# --time seconds (default 600) on a copy of its seed corpus (Fuzz/corpus/<target>), so new corpus
# entries stay out of the repository, at most --jobs targets at a time (default 1), under nice.
# --resume DIR also starts from the corpus a previous run grew (its --out folder).
# Everything goes to --out (default: a new folder under /tmp, printed): the corpus copies,
# <target>.log, and crashes/<target>-crash-… (or -timeout-, -oom-) reproducers. To replay one:
#   SWIFT_BACKTRACE=enable=no .build-fuzz/x86_64-unknown-linux-gnu/debug/fuzz-<target> FILE
# Exit status: 0 when no target crashed, 1 when one did (its log and reproducer are in --out).
set -euo pipefail
cd "$(dirname "$0")/.."

all=(frontmatter merge index config remoteurl)
time=600
jobs=1
out=""
resume=""
build_only=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --time) time="$2"; shift 2 ;;
        --jobs) jobs="$2"; shift 2 ;;
        --out) out="$2"; shift 2 ;;
        --resume) resume="$2"; shift 2 ;;
        --build-only) build_only=1; shift ;;
        -h|--help) sed -n '2,14p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
        -*) echo "fuzz.sh: unknown option $1; see --help" >&2; exit 64 ;;
        *) targets+=("$1"); shift ;;
    esac
done
[ ${#targets[@]} -gt 0 ] || targets=("${all[@]}")
for t in "${targets[@]}"; do
    [[ " ${all[*]} " == *" $t "* ]] || { echo "fuzz.sh: no target '$t'; the targets are: ${all[*]}" >&2; exit 64; }
done

# The fuzz build: its own scratch path (instrumented objects never mix with the normal build), the
# fuzz targets declared by Package.swift only under GOALSYNC_FUZZ, every module built with
# libFuzzer's coverage and AddressSanitizer.
# `--sanitize=fuzzer --sanitize=address` reaches the C targets (clang adds up repeated -fsanitize),
# but SwiftPM hands swiftc two `-sanitize=` options and swiftc keeps only the last: without the
# combined `-Xswiftc -sanitize=fuzzer,address` (passed after them), no Swift code gets coverage.
scratch=.build-fuzz
build=(swift build -c debug --scratch-path "$scratch" --sanitize=fuzzer --sanitize=address
       -Xswiftc -sanitize=fuzzer,address)
export GOALSYNC_FUZZ=1
for t in "${targets[@]}"; do
    log=$(mktemp)
    if ! nice -n 10 "${build[@]}" --product "fuzz-$t" > "$log" 2>&1; then
        grep -v "ld.gold: warning: Cannot export local symbol" "$log" | tail -40
        echo "fuzz.sh: building fuzz-$t failed" >&2
        rm -f "$log"
        exit 2
    fi
    rm -f "$log"
done
bin=$("${build[@]}" --show-bin-path)
[ "$build_only" = 0 ] || { echo "fuzz.sh: built ${targets[*]} in $bin"; exit 0; }

[ -n "$out" ] || out=$(mktemp -d /tmp/goalsync-fuzz.XXXXXX)
mkdir -p "$out/crashes"
echo "fuzz.sh: ${targets[*]}, ${time}s each, $jobs at a time; corpus copies, logs and crashes in $out"

# Per-target bounds: the largest input, and dictionaries of the format's tokens.
max_len() { case "$1" in remoteurl) echo 512 ;; index) echo 4096 ;; *) echo 8192 ;; esac; }
dict() { case "$1" in frontmatter|merge|config) echo Fuzz/dict/yaml.dict ;; *) echo "Fuzz/dict/$1.dict" ;; esac; }

run() {
    local t=$1
    rm -rf "$out/corpus-$t"
    cp -R "Fuzz/corpus/$t" "$out/corpus-$t"
    if [ -n "$resume" ] && [ -d "$resume/corpus-$t" ]; then cp "$resume/corpus-$t"/* "$out/corpus-$t"/ 2>/dev/null || true; fi
    # SWIFT_BACKTRACE: Swift's own crash handler would hide AddressSanitizer's report.
    # A leak report from one input is noise here: libFuzzer's own leak check stays off.
    SWIFT_BACKTRACE=enable=no ASAN_OPTIONS=detect_leaks=0:abort_on_error=0 \
    nice -n 10 "$bin/fuzz-$t" "$out/corpus-$t" \
        -dict="$(dict "$t")" -max_len="$(max_len "$t")" \
        -max_total_time="$time" -timeout=10 -rss_limit_mb=2048 -detect_leaks=0 \
        -print_final_stats=1 -artifact_prefix="$out/crashes/$t-" \
        > "$out/$t.log" 2>&1
}

status=0
running=0
for t in "${targets[@]}"; do
    if [ "$running" -ge "$jobs" ]; then wait -n || true; running=$((running - 1)); fi
    (if run "$t"; then echo ok; else echo FAILED; fi > "$out/$t.status") &
    running=$((running + 1))
done
wait
for t in "${targets[@]}"; do
    result=$(cat "$out/$t.status")
    [ "$result" = ok ] || status=1
    # The closing lines: executions, coverage, corpus size.
    done_line=$(grep -E "^#[0-9]+[[:space:]]+DONE" "$out/$t.log" | tail -1 || true)
    [ -n "$done_line" ] || done_line=$(grep -E "^#[0-9]+" "$out/$t.log" | tail -1 || true)
    execs=$(grep -E "^stat::number_of_executed_units" "$out/$t.log" | awk '{print $2}' || true)
    echo "fuzz-$t: $result: $done_line (executions: ${execs:-?})"
    if [ "$result" = FAILED ]; then
        grep -E "ERROR: |Precondition failed|Fatal error|SUMMARY|Test unit written" "$out/$t.log" | head -8 | sed 's/^/    /'
    fi
done
ls "$out/crashes" | sed 's/^/crash: /' || true
exit "$status"
