#!/usr/bin/env python3
"""Helper of scripts/bench.sh: generates a goal repository's files and measures commands.

    bench_gen.py gen DIR --goals N [--seed S] [--style goalsync|pyyaml]
                                                      write DIR/goals/<id>.md (N valid goals); --style pyyaml
                                                      writes each front matter as PyYAML's safe_dump does
                                                      (block lists of mappings at the key's column, quoted
                                                      keys such as 'on', long scalars folded over lines)
    bench_gen.py measure --runs R [--warmup W] [--rss] [--ok-codes 0,1] -- CMD...
                                                      run CMD R times; print JSON {median_s, runs_s, peak_rss_kb}
    bench_gen.py commits DIR --runs R --goalsync-dir D [--offset K]
                                                      R pairs of commits of one changed goal (a different goal
                                                      each time), alternately with and without the pre-commit
                                                      hook; print JSON {hook_s: [...], nohook_s: [...]}
    bench_gen.py median X...                          the median of numbers

Only the standard library (it must run before pyyaml is installed), except --style pyyaml, which
needs PyYAML.
"""

from __future__ import annotations

import argparse
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
import unicodedata

# --------------------------------------------------------------------------- generating goals

FIRST = ["Ana", "Ben", "Caro", "Dee", "Eli", "Fay", "Gil", "Hana", "Ida", "Jon", "Kim", "Lea", "Mo", "Nia", "Ola",
         "Pau", "Quin", "Rui", "Sam", "Tove", "Uma", "Vik", "Wen", "Xiu", "Yara", "Zoë", "Łukasz", "Søren", "Aïcha", "José"]
LAST = ["Ruiz", "Ode", "Lim", "Park", "Moss", "Gul", "O'Neil", "Ito", "Lund", "Bell", "Roe", "Fox", "Diallo", "Nakamura",
        "Kowalski", "Haddad", "Silva", "Berg", "Okafor", "Novak", "Żółw", "Müller", "Ng", "Rossi"]
PERSONAS = ["Admins of newly created workspaces", "Project leads in agencies with more than five clients",
            "Developers integrating the public API", "Owners of small teams on the monthly plan",
            "Analysts who build the weekly report", "Support agents handling billing tickets",
            "Finance teams closing the month", "First-time mobile users", "Enterprise security reviewers",
            "Designers sharing prototypes with clients", "Warehouse leads scheduling shifts",
            "Teachers setting up a new class", "Sales reps preparing renewals"]
PROBLEMS = ["Most new admins never invite a teammate, so their workspace never becomes useful.",
            "Projects stall after the first milestone because nobody plans the next one.",
            "Integrations stall at the prototype stage because rate limits are undocumented.",
            "Teams leave in month two because nobody set up the weekly digest.",
            "Building a report takes 20 minutes: too many clicks, no templates.",
            "Plan changes need a support ticket, which takes two days on average.",
            "The month-end export breaks on large ledgers and has to be redone by hand.",
            "Sign-up on mobile asks for too much before showing any value.",
            "Security questionnaires take weeks because answers live in scattered documents.",
            "Clients cannot comment on prototypes without creating an account.",
            "Shift schedules are built in spreadsheets and published late.",
            "Setting up a class takes an hour of copying names from another system.",
            "Renewal conversations start too late to fix adoption problems."]
WHYS = ["Activated workspaces retain at 3x the rate of the rest.", "Second-milestone projects renew.",
        "API customers have twice the contract value.", "Every point of churn is 8% of new revenue.",
        "Reports are the #1 reason people open the app.", "Support cost per account doubled last year.",
        "Finance is our fastest-growing segment.", "Mobile is 60% of sign-ups and 20% of activations.",
        "Enterprise deals stall in security review for six weeks on average.",
        "Shared prototypes convert to paid plans at twice the rate.",
        "Late schedules are the top complaint in exit interviews.", "Teachers who finish setup stay all year.",
        "Renewals are 70% of next year's revenue."]
PROOFS = ["Q3 funnel: 70% of new admins never send an invite", "Exit survey, n=212, 41% \"never saw value\"",
          "Cohort retention chart, H1 2025", "Session recordings: median 19.6 min",
          "Support tickets tagged 'reporting': 140/month", "API logs, partner interviews",
          "Twelve customer interviews in March", "NPS verbatims mention speed 3x more than price",
          "Sales call notes from the last two quarters", "Benchmark of five competitors' onboarding",
          "Warehouse study: p95 export time 14 min", "Churned-account review with customer success"]
ASSUMPTIONS = ["Admins want to invite teammates during their first session", "The digest is what brings people back",
               "Docs are the bottleneck, not pricing", "Templates cover 80% of reports",
               "Customers prefer self-serve to talking to sales", "Faster exports reduce month-end tickets",
               "A shorter form does not lower lead quality", "Reviewers accept a shared trust page",
               "Clients will comment without an account if the link is private", "Managers publish earlier if it is one click"]
METRIC_NAMES = [("activation", "Workspaces with 3+ active members after 14 days", "percent"),
                ("second-milestone", "Projects reaching a second milestone within 60 days", "percent"),
                ("api-calls", "API calls per day", "calls"), ("logo_churn", "Share of paying workspaces that cancel in a month", "percent"),
                ("ttfr", "Median time to first report", "minutes"), ("self-serve-share", "Plan changes made in the app", "percent"),
                ("export-p95", "p95 month-end export time", "seconds"), ("mobile-activation", "Mobile sign-ups that create a first item", "percent"),
                ("review-days", "Median days in security review", "days"), ("uptime", "Monthly API uptime", "percent"),
                ("p95_latency", "p95 latency", "ms"), ("digest-opens", "Weekly digest open rate", "percent"),
                ("nps", "Net promoter score", "points"), ("tickets", "Support tickets per 100 accounts", "tickets")]
TAGS = ["onboarding", "retention", "billing", "api", "reliability", "reporting", "mobile", "growth", "enterprise",
        "support", "2026", "ux", "performance", "security", "pricing"]
SPRINT_GOALS = ["Invite teammates from the signup flow", "Publish the rate-limit guide", "Add SDK retries",
                "Send the first weekly digest to every workspace", "Let owners choose the digest day",
                "Ship the usage dashboard", "Cut the signup form to three fields", "Add report templates"]
BODY = ["Narrative, decisions and links, in the team's own words.",
        "We chose this goal after the quarterly review: the numbers above are the ones the leadership team agreed to watch.",
        "Decision log: the first experiment ran for two weeks with 20% of new accounts; results are in the analytics notebook.",
        "Open questions: does the change help larger teams as much as small ones? We will segment the cohort chart to find out.",
        "Risks: the data pipeline lags by two days, so check-ins on Mondays use the previous week's numbers.",
        "Links: [research summary](https://example.com/research), [dashboard](https://example.com/d/42), [design brief](https://example.com/brief).",
        "What we will not do: we are not redesigning pricing as part of this goal, even if the interviews keep bringing it up.",
        "Who to ask: the owner for scope, the analytics guild for the numbers, support for the customer stories behind them."]
YAML_WORDS = {"y", "n", "yes", "no", "on", "off", "true", "false", "null", "~"}
PLAIN_OK = re.compile(r"^[A-Za-zÀ-ɏ][^\n]*$")


def person(rng: random.Random) -> str:
    f, l = rng.choice(FIRST), rng.choice(LAST)
    ascii_name = unicodedata.normalize("NFKD", f + "." + l).encode("ascii", "ignore").decode()
    email = ascii_name.lower().replace("'", "") + "@example.com"
    return f"{f} {l} <{email}>"


def scalar(s: str, flow: bool = False) -> str:
    """`s` as a YAML scalar that reads back as the same string: plain when safe, else double-quoted."""
    risky = ": " in s or " #" in s or s.endswith(":") or s.lower() in YAML_WORDS or not PLAIN_OK.match(s)
    if flow and any(c in s for c in ",[]{}"):
        risky = True
    return json.dumps(s, ensure_ascii=False) if risky else s


def num(v: float) -> str:
    return str(int(v)) if float(v).is_integer() else f"{v:.2f}".rstrip("0")


def date_str(day: int) -> str:
    """Day number (days since 2024-01-01, 0-based) as YYYY-MM-DD."""
    import datetime
    return (datetime.date(2024, 1, 1) + datetime.timedelta(days=day)).isoformat()


def text_list(key: str, items: list[str], rng: random.Random) -> str:
    if not items:
        return f"{key}: []\n"
    if rng.random() < 0.4:
        return f"{key}: [" + ", ".join(scalar(i, flow=True) for i in items) + "]\n"
    return f"{key}:\n" + "".join(f"  - {scalar(i)}\n" for i in items)


def mapping_item(fields: list[tuple[str, str]], flow: bool) -> str:
    """One item of a keyed list; values are already YAML text (use scalar())."""
    if flow:
        return "  - {" + ", ".join(f"{k}: {v}" for k, v in fields) + "}\n"
    out = ""
    for i, (k, v) in enumerate(fields):
        out += ("  - " if i == 0 else "    ") + f"{k}: {v}\n"
    return out


def make_metric(rng: random.Random, used: set[str]) -> dict:
    mid, name, unit = rng.choice([m for m in METRIC_NAMES if m[0] not in used] or METRIC_NAMES)
    if mid in used:
        mid = f"{mid}-{len(used)}"
    used.add(mid)
    direction = rng.choices(["increase", "decrease", "stay_above", "stay_below"], [5, 4, 1, 1])[0]
    if unit == "percent":  # stays within 0-100 whichever way it moves
        base = round(rng.uniform(20, 80), 1)
        delta = round(rng.uniform(1, 19), 1)
    else:
        base = rng.choice([round(rng.uniform(1, 90), 1), float(rng.randint(2, 500))])
        delta = max(1.0, round(abs(base) * rng.uniform(0.1, 0.8), 1))
    if direction == "increase":
        target = base + delta
    elif direction == "decrease":
        target = base - delta
    else:
        target = base + (delta if rng.random() < 0.5 else -delta)
    return {"id": mid, "name": name, "unit": unit, "direction": direction, "baseline": base, "target": target}


def goal_text(i: int, gid: str, status: str, rng: random.Random) -> str:
    start = rng.randint(0, 700)
    end = start + rng.randint(30, 180)
    created = start - rng.randint(0, 20)
    owner = person(rng)
    metrics = [make_metric(rng, set()) for _ in range(1)]
    used = {metrics[0]["id"]}
    metrics += [make_metric(rng, used) for _ in range(rng.choice([0, 0, 1, 1, 2]))]
    m0 = metrics[0]
    unit = "%" if m0["unit"] == "percent" else " " + m0["unit"]
    verb = {"increase": "Raise", "decrease": "Cut"}.get(m0["direction"], "Keep")
    what = m0["name"][0].lower() + m0["name"][1:]
    if m0["direction"] in ("increase", "decrease"):
        title = f"{verb} {what} from {num(m0['baseline'])}{unit} to {num(m0['target'])}{unit}"
    else:
        title = f"Keep {what} {m0['direction'][5:]} {num(m0['target'])}{unit}"
    if rng.random() < 0.2:
        title += f" by {date_str(end)}"
    out = "---\n"
    out += f"id: {gid}\n"
    out += f"title: {scalar(title)}\n"
    out += f"status: {status}\n"
    out += f"order: {i}\n"
    out += f"owner: {scalar(owner)}\n"
    out += f"created: {date_str(created)}\n"
    if rng.random() < 0.5:
        out += f"timeframe: {{start: {date_str(start)}, end: {date_str(end)}}}\n"
    else:
        out += f"timeframe:\n  start: {date_str(start)}\n  end: {date_str(end)}\n"
    if status in ("achieved", "abandoned"):
        on = date_str(rng.randint(start, end))
        reason = ("Held the target for two consecutive months." if status == "achieved"
                  else "Priorities changed after the quarterly review; see the decision log.")
        if rng.random() < 0.5:
            out += f"closed: {{on: {on}, reason: {scalar(reason, flow=True)}}}\n"
        else:
            out += f"closed:\n  on: {on}\n  reason: {scalar(reason)}\n"
    k = rng.randrange(len(PERSONAS))
    out += f"persona: {scalar(PERSONAS[k])}\n"
    if rng.random() < 0.15:
        out += "problem: >\n  " + PROBLEMS[k].replace(", ", ",\n  ", 1) + "\n"
    else:
        out += f"problem: {scalar(PROBLEMS[k])}\n"
    out += f"why: {scalar(WHYS[k])}\n"
    out += text_list("proof", rng.sample(PROOFS, rng.randint(1, 3)), rng)
    out += text_list("assumptions", rng.sample(ASSUMPTIONS, rng.randint(1, 2)), rng)
    contributors = []
    while len(contributors) < rng.randint(1, 3):
        p = person(rng)
        if p != owner and p not in contributors:
            contributors.append(p)
    out += text_list("contributors", contributors, rng)
    out += text_list("tags", rng.sample(TAGS, rng.randint(1, 3)), rng)
    if rng.random() < 0.3:
        out += f"cadence_days: {rng.choice([7, 14, 21, 28])}\n"
    out += "metrics:\n"
    for m in metrics:
        fields = [("id", m["id"]), ("name", scalar(m["name"], True)), ("unit", m["unit"]), ("direction", m["direction"]),
                  ("baseline", num(m["baseline"])), ("target", num(m["target"]))]
        if rng.random() < 0.5:
            fields.append(("source", scalar(rng.choice(["Product analytics, weekly cohort chart", "Billing warehouse, monthly close",
                                                        "Event stream", "Support desk export"]), True)))
        out += mapping_item(fields, flow=rng.random() < 0.3)
    n_checkins = 0 if status == "draft" else rng.randint(0, 6)
    if n_checkins or rng.random() < 0.5:
        out += "checkins:" + ("\n" if n_checkins else " []\n")
    flow = rng.random() < 0.6
    for c in range(n_checkins):
        m = rng.choice(metrics)
        value = m["baseline"] + (m["target"] - m["baseline"]) * rng.uniform(-0.1, 1.1)
        conf = rng.choices(["on_track", "at_risk", "off_track", None], [6, 2, 1, 2])[0]
        fields = [("id", f"c{c + 1}"), ("on", date_str(start + 14 * (c + 1))), ("by", scalar(rng.choice([owner] + contributors), flow)),
                  ("metric", m["id"]), ("value", num(round(value, 1)))]
        if conf:
            fields.append(("confidence", conf))
        if conf in ("at_risk", "off_track") or rng.random() < 0.3:
            fields.append(("note", scalar(rng.choice(["Rollout slipped two weeks.", "Experiment live for 20% of new accounts",
                                                      "Second month under target.", "Data lag: numbers from last week"]), flow)))
        out += mapping_item(fields, flow)
    if status == "active" or (status in ("achieved", "abandoned") and rng.random() < 0.4):
        out += "sprint_goals:\n"
        for s in range(rng.randint(1, 3)):
            fields = [("sprint", json.dumps(f"{date_str(start)[:4]}-S{s + 1:02d}")), ("goal", scalar(rng.choice(SPRINT_GOALS), True)),
                      ("status", rng.choice(["done", "missed", "in_progress", "planned"]))]
            out += mapping_item(fields, flow=True)
    if rng.random() < 0.1:
        out += f"x-jira: {{project: GOAL, epic: \"GOAL-{i}\"}}\n"
    out += "---\n"
    out += f"# {title}\n\n"
    paragraphs = rng.sample(BODY, rng.randint(2, 5))
    body = "\n\n".join(paragraphs) + "\n"
    text = out + body
    # 1–3 KB: grow with more narrative, or drop narrative.
    extra = 0
    while len(text.encode()) < 1024:
        text += "\n" + BODY[extra % len(BODY)] + "\n"
        extra += 1
    while len(text.encode()) > 3072 and paragraphs:
        paragraphs.pop()
        text = out + "\n\n".join(paragraphs) + "\n"
    return text


def pyyaml_style(text: str) -> str:
    """A goal file with its front matter rewritten as a Python tool writes it:
    `yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)` of what
    PyYAML's safe loader read (keys kept as their text, dates as dates); the body is kept."""
    import yaml  # only this style needs PyYAML

    class Loader(yaml.CSafeLoader if hasattr(yaml, "CSafeLoader") else yaml.SafeLoader):
        pass

    def text_keys(loader, node, deep=False):
        loader.flatten_mapping(node)
        return {(k.value if isinstance(k, yaml.ScalarNode) else loader.construct_object(k, deep)):
                loader.construct_object(v, deep) for k, v in node.value}

    Loader.add_constructor("tag:yaml.org,2002:map", text_keys)
    if not text.startswith("---\n"):
        raise ValueError("no front matter")
    end = text.index("\n---\n", 3)
    data = yaml.load(text[4:end + 1], Loader=Loader)
    return "---\n" + yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False) + text[end + 1:]


STYLES = {"goalsync": lambda text: text, "pyyaml": pyyaml_style}


def gen(args: argparse.Namespace) -> int:
    rng = random.Random(args.seed)
    goals = os.path.join(args.dir, "goals")
    os.makedirs(goals, exist_ok=True)
    n = args.goals
    # Varied statuses; exactly one active goal (the Highlander rule).
    statuses = rng.choices(["draft", "proposed", "achieved", "abandoned"], [25, 20, 35, 20], k=n)
    if n:
        statuses[rng.randrange(n)] = "active"
    words = ["activation", "churn", "api", "reports", "billing", "mobile", "security", "prototype", "shifts",
             "classes", "renewals", "latency", "digest", "export", "search", "uptime"]
    sizes = []
    for i in range(n):
        gid = f"{rng.choice(['raise', 'cut', 'keep', 'grow', 'halve'])}-{rng.choice(words)}-{i:05d}"
        text = STYLES[args.style](goal_text(i, gid, statuses[i], rng))
        data = text.encode()
        sizes.append(len(data))
        with open(os.path.join(goals, gid + ".md"), "wb") as f:
            f.write(data)
    if sizes:
        print(f"generated {n} goals: {sum(sizes) / 1024 / 1024:.1f} MiB, {min(sizes)}-{max(sizes)} bytes each, "
              f"{', '.join(f'{s}={statuses.count(s)}' for s in ['draft', 'proposed', 'active', 'achieved', 'abandoned'])}")
    return 0


# --------------------------------------------------------------------------- measuring


def gnu_time() -> str | None:
    t = shutil.which("time", path="/usr/bin:/bin") or None
    if t is None:
        return None
    try:
        r = subprocess.run([t, "-f", "%M", "true"], capture_output=True, text=True)
    except OSError:
        return None
    return t if r.returncode == 0 and r.stderr.strip().isdigit() else None


def run_once(cmd: list[str], rss: bool, timer: str | None) -> tuple[float, int | None, int]:
    """(wall seconds, peak RSS in KiB or None, exit status) of one run, output discarded."""
    if rss and timer:
        with tempfile.NamedTemporaryFile("r", suffix=".rss") as out:
            t0 = time.perf_counter()
            p = subprocess.run([timer, "-f", "%M", "-o", out.name] + cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            dt = time.perf_counter() - t0
            lines = [l for l in open(out.name).read().splitlines() if l.strip()]
            return dt, int(lines[-1]) if lines and lines[-1].strip().isdigit() else None, p.returncode
    t0 = time.perf_counter()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(p.pid, 0)  # this child's own rusage (ru_maxrss in KiB on Linux)
    dt = time.perf_counter() - t0
    p.returncode = os.waitstatus_to_exitcode(status)
    return dt, (usage.ru_maxrss if rss else None), p.returncode


def measure(args: argparse.Namespace) -> int:
    cmd = args.cmd[1:] if args.cmd and args.cmd[0] == "--" else args.cmd
    ok = {int(c) for c in args.ok_codes.split(",")}
    timer = gnu_time() if args.rss else None
    times, peaks = [], []
    for i in range(args.warmup + args.runs):
        dt, peak, rc = run_once(cmd, args.rss, timer)
        if rc not in ok:
            print(f"bench_gen: {' '.join(cmd)} exited with {rc}", file=sys.stderr)
            return 2
        if i >= args.warmup:
            times.append(dt)
            if peak is not None:
                peaks.append(peak)
    print(json.dumps({"median_s": statistics.median(times), "runs_s": [round(t, 4) for t in times],
                      "peak_rss_kb": max(peaks) if peaks else None, "rss_tool": timer or "wait4"}))
    return 0


ORDER = re.compile(rb"^order: (\d+)$", re.M)


def bump(path: str) -> None:
    """Changes one field (order) of a goal file."""
    with open(path, "rb") as f:
        data = f.read()
    data, n = ORDER.subn(lambda m: b"order: " + str(int(m.group(1)) + 1).encode(), data, count=1)
    if n != 1:
        raise SystemExit(f"bench_gen: {path} has no order line")
    with open(path, "wb") as f:
        f.write(data)


def commits(args: argparse.Namespace) -> int:
    goals = sorted(n for n in os.listdir(os.path.join(args.dir, "goals")) if n.endswith(".md"))
    env = dict(os.environ)
    env["PATH"] = args.goalsync_dir + os.pathsep + env.get("PATH", "")
    # Hooks see a git that resolves its own GIT_DIR; nothing else from the caller's repository leaks in.
    for k in ("GIT_DIR", "GIT_INDEX_FILE", "GIT_WORK_TREE"):
        env.pop(k, None)
    result = {"hook_s": [], "nohook_s": []}
    k = args.offset
    modes = ["hook", "nohook"] * args.runs if args.mode == "both" else [args.mode] * args.runs
    for r, mode in enumerate(modes):
        # Alternate the order of each pair so neither side always runs right after the other.
        if args.mode == "both" and (r // 2) % 2 == 1:
            mode = "nohook" if mode == "hook" else "hook"
        name = goals[(k * 7919) % len(goals)]  # a different, spread-out goal each run
        k += 1
        bump(os.path.join(args.dir, "goals", name))
        subprocess.run(["git", "add", "goals/" + name], cwd=args.dir, env=env, check=True)
        cmd = ["git", "commit", "-q", "-m", "x"] + (["--no-verify"] if mode == "nohook" else [])
        t0 = time.perf_counter()
        p = subprocess.run(cmd, cwd=args.dir, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        dt = time.perf_counter() - t0
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode(errors="replace"))
            print(f"bench_gen: git commit ({mode}) of {name} failed with {p.returncode}", file=sys.stderr)
            return 2
        result[f"{mode}_s"].append(dt)
    print(json.dumps({key: [round(t, 5) for t in v] for key, v in result.items()}))
    return 0


def main() -> int:
    ap = argparse.ArgumentParser(prog="bench_gen.py")
    sub = ap.add_subparsers(dest="command", required=True)
    g = sub.add_parser("gen")
    g.add_argument("dir")
    g.add_argument("--goals", type=int, default=10000)
    g.add_argument("--seed", type=int, default=20260105)
    g.add_argument("--style", choices=sorted(STYLES), default="goalsync")
    m = sub.add_parser("measure")
    m.add_argument("--runs", type=int, default=3)
    m.add_argument("--warmup", type=int, default=1)
    m.add_argument("--rss", action="store_true")
    m.add_argument("--ok-codes", default="0")
    m.add_argument("cmd", nargs=argparse.REMAINDER)
    c = sub.add_parser("commits")
    c.add_argument("dir")
    c.add_argument("--runs", type=int, default=7)
    c.add_argument("--mode", choices=["hook", "nohook", "both"], default="both")
    c.add_argument("--goalsync-dir", required=True)
    c.add_argument("--offset", type=int, default=0)
    d = sub.add_parser("median")
    d.add_argument("values", nargs="+", type=float)
    args = ap.parse_args()
    if args.command == "gen":
        return gen(args)
    if args.command == "measure":
        return measure(args)
    if args.command == "commits":
        return commits(args)
    print(statistics.median(args.values))
    return 0


if __name__ == "__main__":
    sys.exit(main())
