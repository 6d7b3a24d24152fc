#!/usr/bin/env python3
"""Helper of scripts/bench-audit.sh: makes a goal history with `git fast-import`, times commands.

    bench_audit.py history --commits N --goals G --authors A [--seed S] [--meta FILE]
        write a `git fast-import` stream to stdout: N commits (merges of short side branches
        included) by A authors over G goals, each commit a realistic goalsync edit (a new goal, a
        field set, a list item added, a status move, a check-in, a body edit) of valid goal files;
        FILE gets JSON {goal, goal_commits, commits, merges} (goal: the goal touched most often)
    bench_audit.py measure --runs R -- CMD_A... --vs CMD_B...
        run A and B alternately R times each after a warm-up (stdout to /dev/null); print JSON
        {a_median_s, b_median_s, a_runs_s, b_runs_s}

Only the standard library.
"""

from __future__ import annotations

import argparse
import json
import random
import statistics
import subprocess
import sys
import time

AUTHORS = [("Ana Ruiz", "ana@example.com"), ("Ben Ode", "ben@example.com"), ("Caro Lim", "caro@example.com"),
           ("Dee Park", "dee@example.com"), ("Eli Moss", "eli@example.com"), ("Fay Gul", "fay@example.com"),
           ("Gil Ito", "gil@example.com"), ("Hana Lund", "hana@example.com"), ("Ida Bell", "ida@example.com"),
           ("Jon Roe", "jon@example.com")]
PERSONAS = ["Admins of newly created workspaces", "Project leads in agencies", "Developers integrating the API",
            "Owners of small teams", "Analysts who build the weekly report", "First-time mobile users"]
PROBLEMS = ["Most new admins never invite a teammate.", "Projects stall after the first milestone.",
            "Integrations stall at the prototype stage.", "Teams leave in month two.",
            "Building a report takes 20 minutes.", "Sign-up on mobile asks for too much."]
WHYS = ["Activated workspaces retain at 3x the rate.", "Second-milestone projects renew.",
        "API customers have twice the contract value.", "Every point of churn is 8% of new revenue."]
PROOFS = ["\"Q3 funnel: 70% of new admins never send an invite\"", "Cohort retention chart, H1 2025",
          "Twelve customer interviews in March", "Support tickets tagged reporting, 140 a month",
          "Session recordings, median 19.6 min", "Sales call notes from the last two quarters"]
ASSUMPTIONS = ["Admins want to invite teammates in their first session", "The digest brings people back",
               "Docs are the bottleneck, not pricing", "Templates cover 80% of reports"]
TAGS = ["onboarding", "retention", "billing", "api", "reporting", "mobile", "growth", "ux"]
METRICS = [("activation", "Workspaces with 3+ active members after 14 days", "percent"),
           ("retention", "Accounts active in week 8", "percent"), ("ttfr", "Median minutes to first report", "minutes"),
           ("nps", "Net promoter score", "points")]
SPRINTS = ["Invite teammates from the signup flow", "Publish the rate-limit guide", "Ship the usage dashboard",
           "Cut the signup form to three fields", "Add report templates"]
NOTES = ["Invite step live for 20%", "Cohort still small", "Data pipeline lagged two days", "Experiment extended"]
BODY_LINES = ["Decision: we run the experiment for two more weeks.", "Link: https://example.com/research",
              "Open question: does it help larger teams as much?", "Risk: the pipeline lags by two days."]


def date(day: int) -> str:
    import datetime
    return (datetime.date(2025, 1, 1) + datetime.timedelta(days=day)).isoformat()


def num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.1f}"


class Goal:
    def __init__(self, gid: str, order: int, owner: str, day: int, rng: random.Random):
        self.id = gid
        self.title = f"Raise outcome {order} for our users"
        self.status = "draft"
        self.order = order
        self.owner = owner
        self.created = date(day)
        self.start, self.end = date(day), date(day + rng.randint(60, 120))
        self.closed = None
        self.persona = rng.choice(PERSONAS)
        self.problem = rng.choice(PROBLEMS)
        self.why = rng.choice(WHYS)
        self.proof: list[str] = []
        self.assumptions: list[str] = []
        self.contributors: list[str] = []
        self.metrics = []
        for mid, name, unit in rng.sample(METRICS, rng.choice([1, 1, 2])):
            base = float(rng.randint(10, 60))
            self.metrics.append({"id": mid, "name": name, "unit": unit, "direction": "increase",
                                 "baseline": base, "target": base + rng.randint(5, 30)})
        self.checkins: list[dict] = []
        self.sprints: list[dict] = []
        self.tags: list[str] = []
        self.body = ["", "# Why now", "", "The narrative: context, decisions and links, in the team's own words."]

    def text(self) -> str:
        out = ["---", f"id: {self.id}", f"title: {self.title}", f"status: {self.status}", f"order: {self.order}",
               f"owner: {self.owner}", f"created: {self.created}", f"timeframe: {{start: {self.start}, end: {self.end}}}"]
        if self.closed:
            out.append(f"closed: {{on: {self.closed[0]}, reason: {self.closed[1]}}}")
        out += [f"persona: {self.persona}", f"problem: {self.problem}", f"why: {self.why}"]
        for key, items in (("proof", self.proof), ("assumptions", self.assumptions), ("contributors", self.contributors)):
            if items:
                out.append(f"{key}:")
                out += [f"  - {i}" for i in items]
        out.append("metrics:")
        for m in self.metrics:
            out += [f"  - id: {m['id']}", f"    name: {m['name']}", f"    unit: {m['unit']}",
                    f"    direction: {m['direction']}", f"    baseline: {num(m['baseline'])}", f"    target: {num(m['target'])}"]
        if self.checkins:
            out.append("checkins:")
            for c in self.checkins:
                note = f", note: {c['note']}" if c.get("note") else ""
                out.append(f"  - {{id: {c['id']}, on: {c['on']}, by: {c['by']}, metric: {c['metric']}, value: {num(c['value'])}, "
                           f"confidence: {c['confidence']}{note}}}")
        if self.sprints:
            out.append("sprint_goals:")
            out += [f"  - {{sprint: \"{s['sprint']}\", goal: {s['goal']}, status: {s['status']}}}" for s in self.sprints]
        if self.tags:
            out.append("tags: [" + ", ".join(self.tags) + "]")
        out.append("---")
        return "\n".join(out + self.body) + "\n"


def history(args: argparse.Namespace) -> None:
    rng = random.Random(args.seed)
    authors = [f"{n} <{e}>" for n, e in AUTHORS[:args.authors]]
    out = sys.stdout.buffer
    mark = 0
    when = 1735725600  # 2025-01-01T10:00:00Z
    touches: dict[str, int] = {}
    goals: dict[str, Goal] = {}
    active: str | None = None
    commits = merges = 0

    def blob(text: str) -> int:
        nonlocal mark
        mark += 1
        data = text.encode()
        out.write(b"blob\nmark :%d\ndata %d\n" % (mark, len(data)) + data + b"\n")
        return mark

    def commit(ref: str, who: str, message: str, files: dict[str, str], parents: list[int]) -> int:
        nonlocal mark, when, commits
        marks = {path: blob(text) for path, text in files.items()}
        mark += 1
        when += rng.randint(600, 7200)
        commits += 1
        name, email = who[:-1].split(" <")
        msg = message.encode()
        out.write(b"commit %s\nmark :%d\n" % (ref.encode(), mark))
        out.write(f"author {name} <{email}> {when} +0000\ncommitter {name} <{email}> {when} +0000\n".encode())
        out.write(b"data %d\n" % len(msg) + msg + b"\n")
        if parents:
            out.write(b"from :%d\n" % parents[0])
            for p in parents[1:]:
                out.write(b"merge :%d\n" % p)
        for path, m in marks.items():
            out.write(b"M 100644 :%d %s\n" % (m, path.encode()))
        out.write(b"\n")
        return mark

    def today() -> int:
        return (when - 1735725600) // 86400

    def edit(g: Goal, who: str) -> tuple[str, list[str]]:
        """One realistic change to goal g; returns (verb, fields)."""
        nonlocal active
        r = rng.random()
        if g.status in ("achieved", "abandoned"):
            g.body.append(rng.choice(BODY_LINES))
            return "edit", ["body"]
        if r < 0.40 and g.status in ("proposed", "active"):
            m = rng.choice(g.metrics)
            prev = [c["value"] for c in g.checkins if c["metric"] == m["id"]]
            value = (prev[-1] if prev else m["baseline"]) + rng.choice([-1, 0, 1, 1, 2])
            c = {"id": f"c{len(g.checkins) + 1:04d}{rng.randint(0, 99):02d}", "on": date(today()), "by": who,
                 "metric": m["id"], "value": value, "confidence": rng.choice(["on_track", "on_track", "at_risk"])}
            if c["confidence"] == "at_risk":
                c["note"] = rng.choice(NOTES)
            g.checkins.append(c)
            return "checkin", [f"checkins.{c['id']}"]
        if r < 0.60:
            field = rng.choice(["title", "persona", "problem", "why", "timeframe.end", "target"])
            if field == "title":
                g.title = f"Raise outcome {g.order} to {rng.randint(20, 90)}% for our users"
            elif field == "timeframe.end":
                g.end = date(today() + rng.randint(30, 120))
            elif field == "target":
                m = rng.choice(g.metrics)
                m["target"] = m["baseline"] + rng.randint(5, 40)
                field = f"metrics.{m['id']}.target"
            else:
                setattr(g, field, rng.choice({"persona": PERSONAS, "problem": PROBLEMS, "why": WHYS}[field]))
            return "set", [field]
        if r < 0.75:
            key = rng.choice(["proof", "assumptions", "tags", "contributors"])
            pool = {"proof": PROOFS, "assumptions": ASSUMPTIONS, "tags": TAGS, "contributors": authors}[key]
            items = getattr(g, key)
            fresh = [p for p in pool if p not in items]
            if fresh:
                items.append(rng.choice(fresh))
                return "add", [key]
            g.body.append(rng.choice(BODY_LINES))
            return "edit", ["body"]
        if r < 0.85:
            g.body.append(rng.choice(BODY_LINES))
            if len(g.body) > 6 and rng.random() < 0.3:
                del g.body[4]
            return "edit", ["body"]
        if r < 0.92 and g.status == "active":
            if g.sprints and g.sprints[-1]["status"] == "planned":
                g.sprints[-1]["status"] = "done"
                return "set", [f"sprint_goals.{g.sprints[-1]['sprint']}.status"]
            s = {"sprint": f"2025-S{len(g.sprints) + 1:02d}", "goal": rng.choice(SPRINTS), "status": "planned"}
            g.sprints.append(s)
            return "add", ["sprint_goals"]
        if g.status == "draft":
            g.status = "proposed"
            return "set", ["status"]
        if g.status == "proposed" and rng.random() < 0.3:
            return "activate", ["status"]
        g.order = rng.randint(1, 400)
        return "set", ["order"]

    root = commit("refs/heads/main", authors[0], "init: goal repository for Bench\n",
                  {".goalsync/config.yaml": "format: 1\nproduct: Bench\ncadence_days: 14\n",
                   "VISION.md": "---\nproduct: Bench\nvision: Teams that ship what matters.\n---\n# Product vision\n",
                   ".gitattributes": "goals/*.md merge=goalsync\n", "goals/.gitkeep": ""}, [])
    tip = root
    ids = [f"goal-{i:03d}" for i in range(1, args.goals + 1)]
    weights = [1.0 / (1 + i % 17) for i in range(len(ids))]
    while commits < args.commits:
        who = rng.choice(authors)
        # A short side branch merged back, now and then (two teammates working apart).
        if len(goals) > 10 and rng.random() < 0.02 and commits + 5 < args.commits:
            a, b = rng.sample(sorted(goals), 2)
            side = tip
            for _ in range(2):
                verb, fields = edit(goals[a], who)
                side = commit("refs/heads/side", who, f"{verb}({a}): {', '.join(fields)}\n\nGoal-Id: {a}\n",
                              {f"goals/{a}.md": goals[a].text()}, [side])
            other = rng.choice(authors)
            verb, fields = edit(goals[b], other)
            tip = commit("refs/heads/main", other, f"{verb}({b}): {', '.join(fields)}\n\nGoal-Id: {b}\n",
                         {f"goals/{b}.md": goals[b].text()}, [tip])
            tip = commit("refs/heads/main", other, "Merge branch 'side'\n", {f"goals/{a}.md": goals[a].text()}, [tip, side])
            merges += 1
            touches[a] = touches.get(a, 0) + 2
            touches[b] = touches.get(b, 0) + 1
            continue
        gid = rng.choices(ids, weights)[0]
        while gid in goals and goals[gid].status in ("achieved", "abandoned") and rng.random() < 0.8:
            gid = rng.choices(ids, weights)[0]  # closed goals are rarely touched again
        files = {}
        if gid not in goals:
            goals[gid] = Goal(gid, len(goals) + 1, who, today(), rng)
            message = f"new({gid}): {goals[gid].title}\n\nGoal-Id: {gid}\n"
        else:
            g = goals[gid]
            verb, fields = edit(g, who)
            if verb == "activate":
                if active and active != gid:
                    old = goals[active]
                    old.status = rng.choice(["achieved", "abandoned"])
                    old.closed = (date(today()), "Held the target for a month" if old.status == "achieved" else "Priorities changed")
                    old.sprints = []
                    files[f"goals/{active}.md"] = old.text()
                g.status = "active"
                active = gid
            message = f"{verb}({gid}): {', '.join(fields)}\n\nGoal-Id: {gid}\nGoal-Fields: {', '.join(fields)}\n"
        files[f"goals/{gid}.md"] = goals[gid].text()
        touches[gid] = touches.get(gid, 0) + 1
        tip = commit("refs/heads/main", who, message, files, [tip])
    out.write(b"reset refs/heads/side\nfrom 0000000000000000000000000000000000000000\n\n")
    out.flush()
    top = max(touches, key=lambda k: touches[k])
    if args.meta:
        with open(args.meta, "w") as f:
            json.dump({"goal": top, "goal_commits": touches[top], "commits": commits, "merges": merges}, f)


def measure(args: argparse.Namespace) -> None:
    """Runs command A and command B alternately (after one warm-up run each), so that a busy
    machine slows both alike; prints their medians."""
    sep = args.cmd.index("--vs")
    commands = [args.cmd[:sep], args.cmd[sep + 1:]]
    runs: list[list[float]] = [[], []]
    for i in range(args.runs + 1):
        for k, cmd in enumerate(commands):
            t = time.perf_counter()
            r = subprocess.run(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
            elapsed = time.perf_counter() - t
            if r.returncode != 0:
                sys.exit(f"bench: {' '.join(cmd)} failed (exit {r.returncode}): {r.stderr.decode()[-500:]}")
            if i > 0:
                runs[k].append(elapsed)
    print(json.dumps({"a_median_s": statistics.median(runs[0]), "b_median_s": statistics.median(runs[1]),
                      "a_runs_s": runs[0], "b_runs_s": runs[1]}))


def main() -> None:
    p = argparse.ArgumentParser()
    sub = p.add_subparsers(dest="command", required=True)
    h = sub.add_parser("history")
    h.add_argument("--commits", type=int, default=10000)
    h.add_argument("--goals", type=int, default=200)
    h.add_argument("--authors", type=int, default=8)
    h.add_argument("--seed", type=int, default=4)
    h.add_argument("--meta")
    h.set_defaults(fn=history)
    m = sub.add_parser("measure")
    m.add_argument("--runs", type=int, default=5)
    m.add_argument("cmd", nargs=argparse.REMAINDER)
    m.set_defaults(fn=measure)
    args = p.parse_args()
    if getattr(args, "cmd", None) and args.cmd[0] == "--":
        args.cmd = args.cmd[1:]
    args.fn(args)


if __name__ == "__main__":
    main()
