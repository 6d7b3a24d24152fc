#!/usr/bin/env python3
"""Helper of scripts/bench-ssh.sh: timed clones, side by side.

    bench_ssh.py time-clone --runs R --work DIR --goalsync BIN --url URL [--case NAME=MODE ...]
        For each run and each case (order rotated from run to run), removes DIR/clone-NAME and times
        the clone of URL into it: goalsync (`goalsync clone URL DIR`) or git (`git clone -q URL DIR`).
        Prints JSON per case: median_s, runs_s, peak_rss_kb, exit codes, and the clone's HEAD.

Standard library only; the timing (wall clock, peak RSS by GNU time or wait4) is bench_sync.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_sync import git_out, run_timed  # noqa: E402


def cmd_time_clone(args: argparse.Namespace) -> int:
    cases = [tuple(spec.split("=", 1)) for spec in args.case]
    env = dict(os.environ)
    results = {name: {"runs_s": [], "rss_kb": [], "rc": [], "head": None} for name, _ in cases}
    for r in range(args.runs):
        for name, mode in cases[r % len(cases):] + cases[:r % len(cases)]:
            # A new folder each run, all removed at the end: creating 10,000 files just after 10,000
            # were deleted costs ext4 several times more, for git and goalsync alike.
            dest = os.path.join(args.work, f"clone-{name}-{r}")
            shutil.rmtree(dest, ignore_errors=True)
            cmd = [args.goalsync, "clone", args.url, dest] if mode == "goalsync" else ["git", "clone", "-q", args.url, dest]
            dt, peak, rc, err = run_timed(cmd, args.work, env)
            if rc != 0:
                sys.stderr.write(err)
                print(f"bench_ssh: {' '.join(cmd)} exited with {rc}", file=sys.stderr)
                return 2
            res = results[name]
            res["runs_s"].append(round(dt, 4))
            if peak is not None:
                res["rss_kb"].append(peak)
            res["rc"].append(rc)
            res["head"] = git_out(dest, "rev-parse", "HEAD").strip()
    for r in range(args.runs):
        for name, _ in cases:
            shutil.rmtree(os.path.join(args.work, f"clone-{name}-{r}"), ignore_errors=True)
    for res in results.values():
        res["median_s"] = statistics.median(res["runs_s"])
        res["peak_rss_kb"] = max(res["rss_kb"]) if res["rss_kb"] else None
    print(json.dumps(results))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench_ssh.py")
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("time-clone")
    c.add_argument("--runs", type=int, default=5)
    c.add_argument("--work", required=True)
    c.add_argument("--goalsync", required=True)
    c.add_argument("--url", required=True)
    c.add_argument("--case", action="append", required=True)
    args = ap.parse_args()
    return cmd_time_clone(args)


if __name__ == "__main__":
    sys.exit(main())
