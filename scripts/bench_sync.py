#!/usr/bin/env python3
"""Helper of scripts/bench-sync.sh: concurrent edits of goal files, timed pulls, merge quality.

    bench_sync.py edit DIR --side A|B --edits N --both K [--seed S] [--style goalsync|pyyaml]
        Edits goal files of the clone DIR as teammate A or B would: N goals per side, K of them
        edited by both sides (the same seed picks the same goals for both sides). A changes
        title, persona and a metric's target and adds a proof item; B changes owner and why, adds
        a check-in and a tag, and on every other shared goal also adds a proof item (so plain
        git's line merge meets two additions at the end of one list). Every edit keeps the file valid.
        --style pyyaml: the files are in PyYAML's style (bench_gen.py gen --style pyyaml), and each
        edited file is written back in that style, as a Python tool that edits goals would.
    bench_sync.py time-pull --runs R --work DIR --case NAME=TEMPLATE=MODE ... [--keep NAME ...]
        For each run and each case (order rotated from run to run), copies TEMPLATE (cp -a, not
        timed) and times the pull of MODE in the copy: goalsync (`goalsync pull`), git
        (`git pull --no-rebase --no-edit`, the copy's config decides whether a merge driver runs).
        Prints JSON per case: median_s, runs_s, peak_rss_kb, conflicted files, exit codes, tree.
        Cases named with --keep leave their last copy at DIR/keep-NAME.
    bench_sync.py quality --pairs N --bin GOALSYNC --work DIR [--seed S] [--jobs J]
        Pairs of concurrent edits of one goal file, in two categories: disjoint_fields (each side
        changes three different fields) and list_additions (each side adds a different item to one
        list: proof, assumptions, tags or checkins). Merges each pair with `git merge-file -p
        --diff3` and with `goalsync merge-driver`; checks goalsync kept every edit and wrote valid
        files. Prints JSON per category.
    bench_sync.py median X...

Standard library only (but PyYAML for --style pyyaml); reuses scripts/bench_gen.py's generator of valid goals.
"""

from __future__ import annotations

import argparse
import concurrent.futures
import json
import os
import random
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import bench_gen  # noqa: E402  (the generator of valid goals: vocabularies, scalar(), person(), goal_text())

scalar, person, num, date_str = bench_gen.scalar, bench_gen.person, bench_gen.num, bench_gen.date_str

# --------------------------------------------------------------------------- a goal file as blocks


class GoalText:
    """A goal file's front matter as top-level blocks (a key line plus its indented lines), so an
    edit rewrites only the lines it must, as a person editing the file would."""

    def __init__(self, text: str):
        if not text.startswith("---\n"):
            raise ValueError("no front matter")
        end = text.index("\n---\n", 3)
        self.blocks: list[list] = []  # [key, [lines]]
        for line in text[4:end + 1].splitlines(keepends=True):
            if line[:1] not in (" ", "\t", "-", "#", "") and ":" in line:
                self.blocks.append([line.split(":", 1)[0], [line]])
            else:
                self.blocks[-1][1].append(line)
        self.body = text[end + 5:]

    def text(self) -> str:
        return "---\n" + "".join("".join(b[1]) for b in self.blocks) + "---\n" + self.body

    def block(self, key: str) -> list | None:
        return next((b for b in self.blocks if b[0] == key), None)

    def value(self, key: str) -> str | None:
        """A one-line scalar's text (unquoted); a folded block's text joined."""
        b = self.block(key)
        if b is None:
            return None
        first = b[1][0].split(":", 1)[1].strip()
        if first in (">", "|", ">-", "|-"):
            return " ".join(l.strip() for l in b[1][1:])
        return json.loads(first) if first.startswith('"') else first

    def set(self, key: str, yaml_value: str, after: str | None = None) -> None:
        b = self.block(key)
        if b is not None:
            b[1] = [f"{key}: {yaml_value}\n"]
        else:
            self.insert([key, [f"{key}: {yaml_value}\n"]], after)

    def insert(self, block: list, after: str | None) -> None:
        keys = [b[0] for b in self.blocks]
        at = keys.index(after) + 1 if after in keys else len(self.blocks)
        self.blocks.insert(at, block)

    def items(self, key: str) -> list[str]:
        """The raw texts of a list's items (flow or block), enough to check membership."""
        b = self.block(key)
        if b is None:
            return []
        first = b[1][0].split(":", 1)[1].strip()
        if first.startswith("["):
            inner = first[1:-1].strip()
            return [] if not inner else [i.strip() for i in split_flow(inner)]
        return [l.strip()[2:] for l in b[1][1:] if l.lstrip().startswith("- ")]

    def add_text_item(self, key: str, item: str, after: str | None) -> None:
        b = self.block(key)
        if b is None:
            self.insert([key, [f"{key}:\n", f"  - {scalar(item)}\n"]], after)
            return
        first = b[1][0].rstrip("\n")
        rest = first.split(":", 1)[1].strip()
        if rest == "[]":
            b[1] = [f"{key}: [{scalar(item, flow=True)}]\n"]
        elif rest.startswith("["):
            assert rest.endswith("]"), first
            b[1][0] = first[:-1] + ", " + scalar(item, flow=True) + "]\n"
        else:
            b[1].append(f"  - {scalar(item)}\n")

    def add_map_item(self, key: str, fields: list[tuple[str, str]], after: str | None) -> None:
        line = "  - {" + ", ".join(f"{k}: {v}" for k, v in fields) + "}\n"
        b = self.block(key)
        if b is None:
            self.insert([key, [f"{key}:\n", line]], after)
        elif b[1][0].split(":", 1)[1].strip() == "[]":
            b[1] = [f"{key}:\n", line]
        else:
            assert not b[1][0].split(":", 1)[1].strip(), b[1][0]
            b[1].append(line)

    def first_metric(self) -> tuple[list, int, int] | None:
        """(metrics block, index of the first item's first line, one past its last line)."""
        b = self.block("metrics")
        if b is None or len(b[1]) < 2:
            return None
        lo = 1
        hi = lo + 1
        while hi < len(b[1]) and not b[1][hi].startswith("  - "):
            hi += 1
        return b, lo, hi


def goalsync_style(text: str) -> str:
    """A goal file in PyYAML's style rewritten in the style the edits above read (goalsync's:
    lists indented under their key, one-line scalars); the body is kept."""
    import datetime
    import yaml

    class Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
        pass

    def text_keys(loader, node, deep=False):
        loader.flatten_mapping(node)
        return {k.value: loader.construct_object(v, deep) for k, v in node.value}

    Loader.add_constructor("tag:yaml.org,2002:map", text_keys)

    def one(v, flow: bool) -> str:
        if isinstance(v, bool):
            return "true" if v else "false"
        if isinstance(v, (int, float)):
            return repr(v)
        if isinstance(v, datetime.date):
            return v.isoformat()
        if isinstance(v, str):
            return scalar(v, flow)
        raise ValueError(f"unexpected value {v!r}")

    end = text.index("\n---\n", 3)
    data = yaml.load(text[4:end + 1], Loader=Loader)
    out = "---\n"
    for key, v in data.items():
        if isinstance(v, dict):
            out += f"{key}:\n" + "".join(f"  {k}: {one(x, False)}\n" for k, x in v.items())
        elif isinstance(v, list) and not v:
            out += f"{key}: []\n"
        elif isinstance(v, list) and all(isinstance(x, dict) for x in v):
            out += f"{key}:\n" + "".join(bench_gen.mapping_item([(k, one(x, False)) for k, x in item.items()], flow=False) for item in v)
        elif isinstance(v, list):
            out += f"{key}:\n" + "".join(f"  - {one(x, False)}\n" for x in v)
        else:
            out += f"{key}: {one(v, False)}\n"
    return out + text[end + 1:]


def split_flow(s: str) -> list[str]:
    """Splits a flow sequence's inside at top-level commas (quotes and brackets respected)."""
    out, cur, depth, quote = [], "", 0, None
    for ch in s:
        if quote:
            cur += ch
            if ch == quote:
                quote = None
            continue
        if ch in "\"'":
            quote = ch
        elif ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
        elif ch == "," and depth == 0:
            out.append(cur)
            cur = ""
            continue
        cur += ch
    if cur.strip():
        out.append(cur)
    return out


def metric_field(item: str, name: str) -> str | None:
    m = re.search(r"(?:^|[\s{,])" + name + r": ([^,}\n]+)", item)
    return m.group(1).strip() if m else None


# --------------------------------------------------------------------------- edits (each keeps the file valid)


def fnum(v: float) -> str:
    return num(round(v, 2))


def edit_title(g: GoalText, rng: random.Random, tag: str) -> str:
    title = g.value("title") or "Goal"
    title = re.sub(r" \(rev [a-z0-9-]+\)$", "", title) + f" (rev {tag})"
    g.set("title", scalar(title))
    return title


def edit_persona(g: GoalText, rng: random.Random, tag: str) -> str:
    old = g.value("persona")
    new = rng.choice([p for p in bench_gen.PERSONAS if p != old]) + f", segment {tag}"
    g.set("persona", scalar(new), after="closed" if g.block("closed") else "timeframe")
    return new


def edit_problem(g: GoalText, rng: random.Random, tag: str) -> str:
    new = rng.choice(bench_gen.PROBLEMS).rstrip(".") + f" (seen in cohort {tag})."
    g.set("problem", scalar(new), after="persona")
    return new


def edit_why(g: GoalText, rng: random.Random, tag: str) -> str:
    old = g.value("why")
    new = rng.choice([w for w in bench_gen.WHYS if w != old]).rstrip(".") + f", per review {tag}."
    g.set("why", scalar(new), after="problem")
    return new


def edit_owner(g: GoalText, rng: random.Random, tag: str) -> str:
    old = g.value("owner")
    new = old
    while new == old:
        new = person(rng)
    g.set("owner", scalar(new), after="order")
    return new


def edit_order(g: GoalText, rng: random.Random, tag: str) -> str:
    new = str(int(g.value("order") or 0) + rng.randint(10_000, 99_999))
    g.set("order", new, after="status")
    return f"order: {new}"


def edit_timeframe_end(g: GoalText, rng: random.Random, tag: str) -> str:
    b = g.block("timeframe")
    text = "".join(b[1])
    m = re.search(r"end: (\d{4}-\d{2}-\d{2})", text)
    import datetime
    end = datetime.date.fromisoformat(m.group(1)) + datetime.timedelta(days=rng.randint(7, 60))
    b[1] = [l.replace(m.group(0), f"end: {end.isoformat()}") for l in b[1]]
    return f"end: {end.isoformat()}"


def edit_metric_target(g: GoalText, rng: random.Random, tag: str) -> str | None:
    """Moves the first metric's target part of the way toward its baseline: the direction, the
    range of a percentage and target != baseline all still hold."""
    fm = g.first_metric()
    if fm is None:
        return None
    b, lo, hi = fm
    item = "".join(b[1][lo:hi])
    base, target = metric_field(item, "baseline"), metric_field(item, "target")
    if base is None or target is None:
        return None
    bv, tv = float(base), float(target)
    for frac in (0.1, 0.2, 0.3, 0.05, 0.4):
        nv = round(tv + (bv - tv) * frac, 2)
        if nv != tv and nv != bv and (nv - bv) * (tv - bv) > 0:
            break
    else:
        return None
    new = fnum(nv)
    for i in range(lo, hi):
        line, n = re.subn(r"((?:^|[\s{,])target: )([^,}\n]+)", lambda m: m.group(1) + new, b[1][i], count=1)
        if n:
            b[1][i] = line
            return f"target: {new}"
    return None


def edit_metric_name(g: GoalText, rng: random.Random, tag: str) -> str | None:
    fm = g.first_metric()
    if fm is None:
        return None
    b, lo, hi = fm
    for i in range(lo, hi):
        name = metric_field(b[1][i], "name")
        if name:
            old = json.loads(name) if name.startswith('"') else name
            new = f"{old} ({tag})"
            b[1][i] = b[1][i].replace(f"name: {name}", f"name: {scalar(new, flow=True)}", 1)
            return new
    return None


def edit_body(g: GoalText, rng: random.Random, tag: str) -> str | None:
    lines = g.body.splitlines(keepends=True)
    cands = [i for i, l in enumerate(lines) if l.strip() and not l.startswith("#")]
    if not cands:
        return None
    i = cands[0]
    lines[i] = lines[i].rstrip("\n") + f" Update {tag}: the review kept this.\n"
    g.body = "".join(lines)
    return f"Update {tag}: the review kept this."


def add_proof(g: GoalText, rng: random.Random, tag: str) -> str:
    item = f"Interview round {tag}: {rng.randint(5, 12)} of 12 customers raised it"
    g.add_text_item("proof", item, after="why")
    return item


def add_assumption(g: GoalText, rng: random.Random, tag: str) -> str:
    item = f"{rng.choice(bench_gen.ASSUMPTIONS)} (checked in round {tag})"
    g.add_text_item("assumptions", item, after="proof")
    return item


def add_tag(g: GoalText, rng: random.Random, tag: str) -> str:
    item = f"{rng.choice(bench_gen.TAGS)}-{tag}"
    g.add_text_item("tags", item, after="contributors")
    return item


def add_checkin(g: GoalText, rng: random.Random, tag: str) -> str | None:
    fm = g.first_metric()
    if fm is None:
        return None
    b, lo, hi = fm
    item = "".join(b[1][lo:hi])
    mid, base, target = metric_field(item, "id"), metric_field(item, "baseline"), metric_field(item, "target")
    if not (mid and base and target):
        return None
    value = float(base) + (float(target) - float(base)) * rng.uniform(0.1, 0.9)
    by = person(rng)
    cid = f"k{tag}"
    fields = [("id", cid), ("on", date_str(rng.randint(400, 900))), ("by", scalar(by, flow=True)), ("metric", mid),
              ("value", fnum(value)), ("confidence", "on_track")]
    g.add_map_item("checkins", fields, after="metrics")
    return f"id: {cid}"


SIDE_A = [edit_title, edit_persona, edit_metric_target, add_proof]
SIDE_B = [edit_owner, edit_why, add_checkin, add_tag]


def pick(goals: list[str], edits: int, both: int, seed: int) -> tuple[list[str], list[str], list[str]]:
    """(both, A only, B only) goal file names, the same for both sides with the same seed."""
    rng = random.Random(seed)
    total = 2 * edits - both
    if total > len(goals):
        raise SystemExit(f"bench_sync: {total} goals to edit, only {len(goals)} in the repository")
    chosen = rng.sample(goals, total)
    return chosen[:both], chosen[both:edits], chosen[edits:]


def cmd_edit(args: argparse.Namespace) -> int:
    gdir = os.path.join(args.dir, "goals")
    goals = sorted(n for n in os.listdir(gdir) if n.endswith(".md"))
    both, a_only, b_only = pick(goals, args.edits, args.both, args.seed)
    mine = both + (a_only if args.side == "A" else b_only)
    shared = set(both)
    ops = SIDE_A if args.side == "A" else SIDE_B
    rng = random.Random(f"{args.seed}-{args.side}")
    for k, name in enumerate(sorted(mine)):
        path = os.path.join(gdir, name)
        with open(path, encoding="utf-8") as f:
            text = f.read()
        g = GoalText(goalsync_style(text) if args.style == "pyyaml" else text)
        tag = f"{args.side.lower()}{args.seed % 1000}-{k}"
        for op in ops:
            op(g, rng, tag)
        # On every other shared goal B also adds evidence: both sides then append to one list.
        if args.side == "B" and name in shared and (k % 2 == 0):
            add_proof(g, rng, tag + "x")
        with open(path, "w", encoding="utf-8") as f:
            f.write(bench_gen.pyyaml_style(g.text()) if args.style == "pyyaml" else g.text())
    print(f"edited {len(mine)} goals as {args.side} ({len(both)} also edited by the other side)")
    return 0


# --------------------------------------------------------------------------- timing pulls

GNU_TIME = "/usr/bin/time"


def run_timed(cmd: list[str], cwd: str, env: dict) -> tuple[float, int | None, int, str]:
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss, tempfile.TemporaryFile("w+") as err:
        use_time = os.access(GNU_TIME, os.X_OK)
        full = ([GNU_TIME, "-f", "%M", "-o", rss.name] if use_time else []) + cmd
        t0 = time.perf_counter()
        p = subprocess.Popen(full, cwd=cwd, env=env, stdout=subprocess.DEVNULL, stderr=err)
        _, status, usage = os.wait4(p.pid, 0)
        dt = time.perf_counter() - t0
        peak = usage.ru_maxrss
        if use_time:
            lines = [l for l in open(rss.name).read().splitlines() if l.strip().isdigit()]
            peak = int(lines[-1]) if lines else None
        err.seek(0)
        return dt, peak, os.waitstatus_to_exitcode(status), err.read()[-2000:]


def git_out(cwd: str, *args: str) -> str:
    return subprocess.run(["git", *args], cwd=cwd, capture_output=True, text=True).stdout


def conflicted(copy: str, mode: str) -> int:
    if mode == "goalsync":
        path = os.path.join(copy, ".git", "goalsync", "merge.json")
        if not os.path.exists(path):
            return 0
        with open(path) as f:
            state = json.load(f)
        files = {c["path"] for c in state.get("conflicts", [])}
        return len(files) + (1 if state.get("active") else 0)
    return len([l for l in git_out(copy, "diff", "--name-only", "--diff-filter=U").splitlines() if l])


def cmd_time_pull(args: argparse.Namespace) -> int:
    cases = []
    for spec in args.case:
        name, template, mode = spec.split("=")
        cases.append((name, template, mode))
    env = dict(os.environ)
    results = {name: {"runs_s": [], "rss_kb": [], "rc": [], "conflicted": [], "tree": None, "clean_worktree": None}
               for name, _, _ in cases}
    made: list[str] = []
    for r in range(args.warmup + args.runs):
        order = cases[r % len(cases):] + cases[:r % len(cases)]
        for name, template, mode in order:
            # A new copy each run, none removed until every run is done: removing 10,000 files just
            # before creating more makes ext4 search past the freed inodes ("recently deleted"),
            # a cost of the benchmark's own clean-up that no real pull pays (as for the clones).
            copy = os.path.join(args.work, f"run-{name}-{r}")
            shutil.rmtree(copy, ignore_errors=True)
            subprocess.run(["cp", "-a", template, copy], check=True)
            made.append(copy)
            cmd = [args.goalsync, "pull"] if mode == "goalsync" else ["git", "pull", "--no-rebase", "--no-edit", "-q"]
            dt, peak, rc, err = run_timed(cmd, copy, env)
            res = results[name]
            if rc not in (0, 1):
                sys.stderr.write(err)
                print(f"bench_sync: {' '.join(cmd)} in {copy} exited with {rc}", file=sys.stderr)
                return 2
            if r >= args.warmup:
                res["runs_s"].append(round(dt, 4))
                if peak is not None:
                    res["rss_kb"].append(peak)
                res["rc"].append(rc)
                res["conflicted"].append(conflicted(copy, mode))
                if rc == 0 and not res["conflicted"][-1]:
                    res["tree"] = git_out(copy, "rev-parse", "HEAD^{tree}").strip()
                    res["parents"] = len(git_out(copy, "rev-list", "--parents", "-n", "1", "HEAD").split()) - 1
                res["clean_worktree"] = git_out(copy, "status", "--porcelain", "--untracked-files=no").strip() == ""
                if rc and not res.get("stderr"):
                    res["stderr"] = err.strip().splitlines()[-3:]
            if name in args.keep and r == args.warmup + args.runs - 1:
                keep = os.path.join(args.work, f"keep-{name}")
                shutil.rmtree(keep, ignore_errors=True)
                os.rename(copy, keep)
    for copy in made:
        shutil.rmtree(copy, ignore_errors=True)
    for res in results.values():
        res["median_s"] = statistics.median(res["runs_s"])
        res["peak_rss_kb"] = max(res["rss_kb"]) if res["rss_kb"] else None
    print(json.dumps(results))
    return 0


# --------------------------------------------------------------------------- merge quality

DISJOINT_POOL = [edit_title, edit_order, edit_owner, edit_persona, edit_problem, edit_why, edit_timeframe_end,
                 edit_metric_target, edit_metric_name, edit_body]
LIST_ADDS = {"proof": add_proof, "assumptions": add_assumption, "tags": add_tag, "checkins": add_checkin}


def quality_cases(n: int, seed: int) -> list[dict]:
    rng = random.Random(seed)
    cases = []
    i = 0
    while len(cases) < 2 * n:
        status = rng.choice(["draft", "proposed", "proposed", "achieved", "abandoned"])
        gid = f"pair-goal-{i:05d}"
        base = bench_gen.goal_text(i, gid, status, rng)
        category = "disjoint_fields" if i % 2 == 0 else "list_additions"
        i += 1
        sides, marks = [], []
        if category == "disjoint_fields":
            fields = rng.sample(DISJOINT_POOL, 6)
            groups = (fields[:3], fields[3:])
        else:
            lst = rng.choice(list(LIST_ADDS))
            groups = ([LIST_ADDS[lst]], [LIST_ADDS[lst]])
        ok = True
        for s, ops in zip("ob", groups):
            g = GoalText(base)
            m = []
            for op in ops:
                v = op(g, rng, f"{s}{i}")
                if v is None:
                    ok = False
                m.append(v)
            sides.append(g.text())
            marks.append(m)
        if not ok:
            continue
        cases.append({"id": gid, "category": category, "base": base, "ours": sides[0], "theirs": sides[1],
                      "marks": marks[0] + marks[1], "fields": [f.__name__ for f in groups[0] + groups[1]]})
    return cases


def run_pair(case: dict, work: str, goalsync: str) -> dict:
    d = os.path.join(work, case["id"])
    os.makedirs(d, exist_ok=True)
    for k in ("base", "ours", "theirs"):
        with open(os.path.join(d, k), "w", encoding="utf-8") as f:
            f.write(case[k])
    g = subprocess.run(["git", "merge-file", "-p", "--diff3", "ours", "base", "theirs"], cwd=d,
                       stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    shutil.copyfile(os.path.join(d, "ours"), os.path.join(d, "merged"))
    m = subprocess.run([goalsync, "merge-driver", "base", "merged", "theirs", f"goals/{case['id']}.md"], cwd=d,
                       stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
    with open(os.path.join(d, "merged"), encoding="utf-8") as f:
        merged = f.read()
    # Every edit of both sides must be in goalsync's result (compared on its words: the writer may
    # re-quote or re-flow a value).
    words = lambda s: re.sub(r"[\"'\s]+", " ", s).strip()
    lost = [mk for mk in case["marks"] if mk and words(mk.split(": ", 1)[-1] if mk.startswith(("id: ", "target: ", "end: ", "order: ")) else mk) not in words(merged)]
    return {"id": case["id"], "category": case["category"], "git_rc": g.returncode, "gs_rc": m.returncode,
            "gs_err": m.stderr[-500:], "lost": lost, "merged": merged}


def cmd_quality(args: argparse.Namespace) -> int:
    cases = quality_cases(args.pairs, args.seed)
    os.makedirs(args.work, exist_ok=True)
    t0 = time.perf_counter()
    with concurrent.futures.ThreadPoolExecutor(max_workers=args.jobs) as pool:
        results = list(pool.map(lambda c: run_pair(c, args.work, args.bin), cases))
    elapsed = time.perf_counter() - t0
    errors = [r for r in results if r["git_rc"] < 0 or r["gs_rc"] not in (0, 1)]
    if errors:
        print(f"bench_sync: {len(errors)} merges could not run, e.g. {errors[0]['id']}: git {errors[0]['git_rc']}, "
              f"goalsync {errors[0]['gs_rc']} {errors[0]['gs_err']}", file=sys.stderr)
        return 2
    # Validate goalsync's clean results in one goal repository (schema and rules).
    repo = os.path.join(args.work, "validate-repo")
    subprocess.run([args.bin, "init", repo, "--product", "Bench"], check=True, stdout=subprocess.DEVNULL)
    for r in results:
        if r["gs_rc"] == 0:
            with open(os.path.join(repo, "goals", r["id"] + ".md"), "w", encoding="utf-8") as f:
                f.write(r["merged"])
    v = subprocess.run([args.bin, "validate", "--quiet"], cwd=repo, capture_output=True, text=True)
    invalid = sorted({l.split(":", 1)[0] for l in v.stdout.splitlines() + v.stderr.splitlines() if l.startswith("goals/")})
    out = {"elapsed_s": round(elapsed, 1), "validate_rc": v.returncode, "invalid_results": len(invalid),
           "invalid_example": (v.stdout + v.stderr).strip().splitlines()[:3] if v.returncode else []}
    for cat in ("disjoint_fields", "list_additions"):
        rs = [r for r in results if r["category"] == cat]
        lost = [r for r in rs if r["lost"] and r["gs_rc"] == 0]
        out[cat] = {"pairs": len(rs), "git_conflicts": sum(r["git_rc"] > 0 for r in rs),
                    "goalsync_conflicts": sum(r["gs_rc"] == 1 for r in rs), "goalsync_lost_edits": len(lost),
                    "lost_example": (lost[0]["id"], lost[0]["lost"]) if lost else None,
                    "conflict_example": next(((r["id"], r["gs_err"].strip().splitlines()[:2]) for r in rs if r["gs_rc"] == 1), None)}
    print(json.dumps(out))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench_sync.py")
    sub = ap.add_subparsers(dest="command", required=True)
    e = sub.add_parser("edit")
    e.add_argument("dir")
    e.add_argument("--side", choices=["A", "B"], required=True)
    e.add_argument("--edits", type=int, required=True)
    e.add_argument("--both", type=int, required=True)
    e.add_argument("--seed", type=int, default=4242)
    e.add_argument("--style", choices=["goalsync", "pyyaml"], default="goalsync")
    t = sub.add_parser("time-pull")
    t.add_argument("--runs", type=int, default=5)
    t.add_argument("--warmup", type=int, default=0)
    t.add_argument("--work", required=True)
    t.add_argument("--goalsync", required=True)
    t.add_argument("--case", action="append", required=True)
    t.add_argument("--keep", action="append", default=[])
    q = sub.add_parser("quality")
    q.add_argument("--pairs", type=int, default=1000)
    q.add_argument("--bin", required=True)
    q.add_argument("--work", required=True)
    q.add_argument("--seed", type=int, default=7)
    q.add_argument("--jobs", type=int, default=2)
    d = sub.add_parser("median")
    d.add_argument("values", nargs="+", type=float)
    args = ap.parse_args()
    if args.command == "edit":
        return cmd_edit(args)
    if args.command == "time-pull":
        return cmd_time_pull(args)
    if args.command == "quality":
        return cmd_quality(args)
    print(statistics.median(args.values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
