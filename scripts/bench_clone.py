#!/usr/bin/env python3
"""Helper of scripts/bench-https.sh and scripts/bench-ssh.sh: timed clones, side by side.

    bench_clone.py time-clone --runs R --work DIR --goalsync BIN --url URL [--case NAME=MODE ...]
                              [--fs ext4|tmpfs|dir] [--fs-mb MB] [--warm PATH ...] [--warmup N]

For each run and each case (the order rotated from run to run, so each client goes first as often),
times the clone of URL into a folder of a file system made for that one clone: goalsync
(`goalsync clone URL DEST`, MODE goalsync; MODE goalsync:PATH runs the binary at PATH, to compare
two builds) or git (`git clone -q URL DEST`, MODE git).

--fs (default ext4) is that file system:
  ext4   a new sparse image of --fs-mb MB (default 1024) under DIR, `mkfs.ext4` with its inode
         tables and journal written at once (no lazy init running in the background), loop-mounted;
         unmounted (which writes back what the clone left dirty) and deleted after the clone.
  tmpfs  a new tmpfs of --fs-mb MB, unmounted after the clone (no disk at all: what is left is CPU).
  dir    a new folder under DIR on the host's file system, removed when every run is done (the
         older way: the host's page cache, journal and recently deleted inodes show in the figures).
ext4 and tmpfs need root (mount). Each clone thus starts on an empty file system of the same kind,
whatever the runs before it did: the host file system's state was what made the 10,000-goal clone
swing 0.9-4.4 s between runs for git and goalsync alike.

Before each timed clone, every file under each --warm PATH (the server's repository) is read, so
the server reads from the page cache for both clients alike, and `sync` writes back what earlier
steps left dirty, so no write-back of theirs falls inside a timed clone. --warmup N (default 1)
untimed clones per case come first (binaries, server processes, TLS session caches).

Prints JSON per case: median_s, runs_s, umount_s (the write-back at unmount, ext4 only: a measure
of what each client left to write, not part of the timed figure), peak_rss_kb, exit codes, files
checked out under goals/, and the clone's HEAD. Standard library only; the timing (wall clock,
peak RSS by GNU time or wait4) is bench_sync.py's.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from bench_sync import git_out, run_timed  # noqa: E402


class FreshFS:
    """A file system made for one clone (see --fs), mounted at `mount`."""

    def __init__(self, kind: str, work: str, tag: str, size_mb: int):
        self.kind, self.size_mb = kind, size_mb
        self.mount = os.path.join(work, f"fs-{tag}")
        self.image = os.path.join(work, f"fs-{tag}.img") if kind == "ext4" else None
        self.mounted = False

    def __enter__(self) -> "FreshFS":
        shutil.rmtree(self.mount, ignore_errors=True)
        os.makedirs(self.mount)
        if self.kind == "ext4":
            with open(self.image, "wb") as f:
                f.truncate(self.size_mb << 20)
            subprocess.run(["mkfs.ext4", "-q", "-F", "-N", "65536", "-E", "lazy_itable_init=0,lazy_journal_init=0",
                            self.image], check=True, stdout=subprocess.DEVNULL)
            subprocess.run(["mount", "-o", "loop", self.image, self.mount], check=True)
            self.mounted = True
        elif self.kind == "tmpfs":
            subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={self.size_mb}m", "tmpfs", self.mount], check=True)
            self.mounted = True
        return self

    def unmount(self) -> float | None:
        """Unmounts (timed: the write-back of what was left dirty) and deletes the image."""
        if not self.mounted:
            return None
        t0 = time.perf_counter()
        subprocess.run(["umount", self.mount], check=True)
        dt = time.perf_counter() - t0
        self.mounted = False
        if self.image:
            os.unlink(self.image)
        os.rmdir(self.mount)
        return dt

    def __exit__(self, *exc) -> None:
        if self.mounted:
            subprocess.run(["umount", "-l", self.mount], check=False)
            if self.image and os.path.exists(self.image):
                os.unlink(self.image)


def warm(paths: list[str]) -> None:
    for root in paths:
        for folder, _, names in os.walk(root):
            for name in names:
                try:
                    with open(os.path.join(folder, name), "rb") as f:
                        while f.read(1 << 20):
                            pass
                except OSError:
                    pass


def cmd_time_clone(args: argparse.Namespace) -> int:
    cases = [tuple(spec.split("=", 1)) for spec in args.case]
    env = dict(os.environ)
    results = {name: {"runs_s": [], "umount_s": [], "rss_kb": [], "rc": [], "files": [], "head": None} for name, _ in cases}
    kept: list[str] = []
    for r in range(args.warmup + args.runs):
        for name, mode in cases[r % len(cases):] + cases[:r % len(cases)]:
            with FreshFS(args.fs, args.work, f"{name}-{r}", args.fs_mb) as fs:
                dest = os.path.join(fs.mount, "clone")
                if mode == "git":
                    cmd = ["git", "clone", "-q", args.url, dest]
                else:
                    cmd = [args.goalsync if mode == "goalsync" else mode.removeprefix("goalsync:"), "clone", args.url, dest]
                warm(args.warm)
                os.sync()
                dt, peak, rc, err = run_timed(cmd, args.work, env)
                if rc != 0:
                    sys.stderr.write(err)
                    print(f"bench_clone: {' '.join(cmd)} exited with {rc}", file=sys.stderr)
                    return 2
                goals = os.path.join(dest, "goals")
                files = len(os.listdir(goals)) if os.path.isdir(goals) else 0
                if files == 0:
                    print(f"bench_clone: {name} checked out no goals in {dest}: the comparison would be void", file=sys.stderr)
                    return 2
                head = git_out(dest, "rev-parse", "HEAD").strip()
                umount = fs.unmount()
                if fs.kind == "dir":
                    kept.append(fs.mount)
            if r < args.warmup:
                continue
            res = results[name]
            res["runs_s"].append(round(dt, 4))
            if umount is not None:
                res["umount_s"].append(round(umount, 4))
            if peak is not None:
                res["rss_kb"].append(peak)
            res["rc"].append(rc)
            res["files"].append(files)
            res["head"] = head
    for folder in kept:
        shutil.rmtree(folder, ignore_errors=True)
    counts = {name: set(res["files"]) for name, res in results.items()}
    if len(set.union(*counts.values())) != 1:
        print(f"bench_clone: the clones checked out different numbers of goal files: {counts}", file=sys.stderr)
        return 2
    for res in results.values():
        res["median_s"] = statistics.median(res["runs_s"])
        res["umount_median_s"] = statistics.median(res["umount_s"]) if res["umount_s"] else None
        res["peak_rss_kb"] = max(res["rss_kb"]) if res["rss_kb"] else None
    print(json.dumps(results))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench_clone.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = ap.add_subparsers(dest="command", required=True)
    c = sub.add_parser("time-clone")
    c.add_argument("--runs", type=int, default=5)
    c.add_argument("--work", required=True)
    c.add_argument("--goalsync", required=True)
    c.add_argument("--url", required=True)
    c.add_argument("--case", action="append", required=True)
    c.add_argument("--fs", choices=["ext4", "tmpfs", "dir"], default="ext4")
    c.add_argument("--fs-mb", type=int, default=1024)
    c.add_argument("--warm", action="append", default=[])
    c.add_argument("--warmup", type=int, default=1)
    args = ap.parse_args()
    if args.fs != "dir" and os.geteuid() != 0:
        print(f"bench_clone: --fs {args.fs} mounts a file system per clone and needs root; use --fs dir (BENCH_FS=dir)", file=sys.stderr)
        return 64
    return cmd_time_clone(args)


if __name__ == "__main__":
    sys.exit(main())
