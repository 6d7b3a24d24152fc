#!/usr/bin/env bash
# goalsync's main job on a demo: two teammates keep Product Goals in a git repository whose remote
# is a local bare repository, edit the same goal offline, and sync; goalsync merges by meaning.
# Usage: scripts/demo.sh [PATH/TO/goalsync]   (default: the release build)
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
bin="${1:-$root/.build/release/goalsync}"
[ -x "$bin" ] || { echo "demo: no goalsync binary at $bin (build it: swift build -c release)" >&2; exit 2; }
bindir="$(cd "$(dirname "$bin")" && pwd)"
export PATH="$bindir:$PATH"
work="$(mktemp -d "${TMPDIR:-/tmp}/goalsync-demo.XXXXXX")"
trap 'rm -rf "$work"' EXIT
cd "$work"
as() { export GIT_AUTHOR_NAME="$1" GIT_AUTHOR_EMAIL="$2" GIT_COMMITTER_NAME="$1" GIT_COMMITTER_EMAIL="$2"; }
step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
run() { printf '$ %s\n' "$*"; "$@"; }

step "Ana makes the team's goal repository and a bare remote (no server needed)"
git init -q --bare team.git
as "Ana Ruiz" ana@example.com
run goalsync init ana --product "Acme Workspaces"
cd ana
git remote add origin ../team.git
run goalsync new "Raise new-admin activation from 30% to 50%" --id faster-activation \
    --set persona="Admins of newly created workspaces" \
    --set problem="Most new admins never invite a teammate" \
    --set why="Activated workspaces retain at 3x the rate" \
    --set timeframe.end="$(date -d "+120 days" +%F)"
run goalsync add faster-activation metrics '{id: activation, name: Workspaces with 3+ active members after 14 days, unit: percent, direction: increase, baseline: 30, target: 50}'
run goalsync add faster-activation proof "Q3 funnel: 70% of new admins never send an invite"
run goalsync add faster-activation assumptions "Admins want to invite teammates in their first session"
run goalsync set faster-activation status proposed
run goalsync activate faster-activation
run goalsync push
cd ..

step "Ben clones it"
as "Ben Ode" ben@example.com
run goalsync clone team.git ben

step "Offline, both edit the same goal: different fields, and both add proof"
cd ana
as "Ana Ruiz" ana@example.com
run goalsync set faster-activation metrics.activation.target 55
run goalsync add faster-activation proof "Interviews: 8 of 10 admins wanted invites at signup"
cd ../ben
as "Ben Ode" ben@example.com
run goalsync checkin faster-activation activation 34 --confidence on_track --note "Invite step live for 20%"
run goalsync add faster-activation proof "Support tickets: invites are hard to find"
run goalsync add faster-activation contributors "Ben Ode <ben@example.com>"
run goalsync push

step "Ana syncs: goalsync merges per goal and per field, with no conflict"
cd ../ana
as "Ana Ruiz" ana@example.com
run goalsync sync
run goalsync validate
run goalsync status
run goalsync show faster-activation

step "Ben pulls the merge: both teammates hold the same bytes"
cd ../ben
as "Ben Ode" ben@example.com
run goalsync pull
cmp goals/faster-activation.md ../ana/goals/faster-activation.md && echo "identical"

step "The history tells the story"
run git log --graph --format='%h %an: %s'
echo
echo "demo: done"
