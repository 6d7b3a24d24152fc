#!/usr/bin/env python3
"""Writes goalsync's man pages from a built binary: goalsync.1 (every command, EXIT STATUS,
ENVIRONMENT, FILES, EXAMPLES) and goalsync-COMMAND.1 for each command, in roff (man(7)).

    python3 scripts/make-man.py BINARY OUTDIR

The commands, their options and their help text come from the binary itself
(`goalsync --experimental-dump-help`), so the pages say what that binary does; the sections the
argument parser does not know of are written here. scripts/setup.sh runs it after the build and
installs the pages (man goalsync, man goalsync-pull); the binary needs nothing of this at run time.
"""
import datetime
import json
import pathlib
import subprocess
import sys

EXIT_STATUS = [
    ("0", "Success: the command did what it says (a pull that is up to date, a validate with warnings only)."),
    ("1", "Validation failed (a goal file breaks the schema, the rules or a lint set to error), or a pull "
          "stopped with conflicts to settle (goalsync status lists them; goalsync resolve settles them)."),
    ("2", "The repository or a remote could not be used: not a goal repository, a damaged file under "
          ".git/goalsync, a remote that cannot be reached or refused the push, a missing identity. "
          "The message says what, where and what to do; nothing was changed."),
    ("64", "Usage error: an unknown command or option, a missing argument, a value of the wrong kind."),
]

ENVIRONMENT = [
    ("GIT_AUTHOR_NAME, GIT_AUTHOR_EMAIL, GIT_COMMITTER_NAME, GIT_COMMITTER_EMAIL, EMAIL",
     "Who a commit is by, as git reads them; then user.name and user.email of git config."),
    ("GIT_AUTHOR_DATE, GIT_COMMITTER_DATE",
     "When a commit is dated: git's own form (@1767603600 +0100), ISO 8601 or RFC 2822."),
    ("GOALSYNC_TODAY", "The date goalsync takes as today (YYYY-MM-DD), for scripts and tests."),
    ("GOALSYNC_LOCK_TIMEOUT", "Seconds a write waits for another goalsync writing to the same repository (default 10)."),
    ("GOALSYNC_TOKEN", "A token for https remotes, sent as the password; masked as *** in everything goalsync writes."),
    ("GIT_SSH_COMMAND, GIT_SSH, GIT_SSH_VARIANT",
     "The ssh program for ssh remotes, as git runs it (then core.sshCommand; OpenSSH's ssh by default)."),
    ("GIT_ASKPASS, SSH_ASKPASS, GIT_TERMINAL_PROMPT",
     "How a password is asked for, as with git (after git's credential helpers)."),
    ("GIT_SSL_CAINFO, GIT_SSL_CAPATH, GIT_SSL_NO_VERIFY",
     "Which certificate authorities https remotes are checked against, as with git (also http.sslCAInfo, http.sslCAPath, http.sslVerify)."),
    ("GIT_DIR, GIT_WORK_TREE, GIT_INDEX_FILE, GIT_OBJECT_DIRECTORY",
     "Where the repository, its work tree, index and objects are, as git reads them."),
    ("VISUAL, EDITOR", "The editor goalsync edit opens (then git's core.editor, then vi)."),
    ("NO_COLOR", "When set and not empty, no colour (unless --color always)."),
    ("CLICOLOR_FORCE", "When set and not 0, colour even when the output is not a terminal (unless NO_COLOR or --color never)."),
]

FILES = [
    ("goals/ID.md", "One goal: YAML front matter between two --- lines, then Markdown (goalsync help format)."),
    ("VISION.md", "The product vision the goals step towards."),
    (".goalsync/config.yaml", "The team's settings: lint severities, the sync remote and branch."),
    (".gitattributes", "Routes goals/*.md to goalsync's merge driver (merge=goalsync), for plain git merges."),
    (".git/hooks/pre-commit, .git/hooks/pre-merge-commit",
     "goalsync's hook: holds plain git commits and merges to the rules; a hook that was there before is kept as NAME.goalsync-chained and runs after it."),
    (".git/goalsync/", "goalsync's own state: a merge in progress (merge.json), the write journal, caches, temporary files."),
]

EXAMPLES = [
    ("Make a goal repository, propose a goal and make it the active one:",
     ["goalsync init acme-goals --product Acme", "cd acme-goals",
      "goalsync new 'Raise new-admin activation from 30% to 50%' --id faster-activation "
      "--set timeframe.end=$(date -d '+90 days' +%F)",
      "goalsync add faster-activation metrics '{id: activation, name: Workspaces with 3+ members, "
      "unit: percent, direction: increase, baseline: 30, target: 50}'",
      "goalsync set faster-activation status proposed", "goalsync activate faster-activation"]),
    ("Record a key result's value, then see the progress:",
     ["goalsync checkin faster-activation activation 34 --confidence on_track", "goalsync status"]),
    ("Share with the team, merging concurrent edits field by field:",
     ["goalsync clone https://git.example.com/acme/goals.git", "goalsync sync"]),
    ("Check every commit of a branch in CI, with no work tree:",
     ["goalsync validate --range origin/main..HEAD"]),
]


def roff(text):
    """Text as roff shows it: backslashes as \\e, a leading dot or quote escaped, hyphens as \\-, and
    every character beyond ASCII as a \\[uXXXX] escape (troff reads its input as Latin-1)."""
    text = text.replace("\\", "\\e")
    text = "".join(c if ord(c) < 128 else "\\[u%04X]" % ord(c) for c in text)
    lines = []
    for line in text.split("\n"):
        if line.startswith((".", "'")):
            line = "\\&" + line
        lines.append(line.replace("-", "\\-"))
    return "\n".join(lines)


def option_names(arg):
    names = []
    for n in arg.get("names", []):
        names.append(("-" if n["kind"] in ("short", "shortWithSingleDash") else "--") + n["name"])
    return names


def synopsis(path, cmd):
    parts = [" ".join(path)]
    for arg in cmd.get("arguments", []):
        if not arg.get("shouldDisplay", True):
            continue
        if arg["kind"] == "positional":
            word = "<" + arg.get("valueName", "value") + ">" + ("..." if arg.get("isRepeating") else "")
        else:
            word = option_names(arg)[0] if option_names(arg) else ""
            if arg["kind"] == "option":
                word += " <" + arg.get("valueName", "value") + ">"
        parts.append("[" + word + "]" if arg.get("isOptional") else word)
    return " ".join(parts)


def options_section(cmd):
    out = []
    for arg in cmd.get("arguments", []):
        if not arg.get("shouldDisplay", True):
            continue
        if arg["kind"] == "positional":
            head = "<" + arg.get("valueName", "value") + ">"
        else:
            head = ", ".join(option_names(arg))
            if arg["kind"] == "option":
                head += " <" + arg.get("valueName", "value") + ">"
        text = arg.get("abstract", "")
        if arg.get("allValues"):
            text += " (one of: " + ", ".join(arg["allValues"]) + ")"
        if arg.get("defaultValue"):
            text += " (default: " + arg["defaultValue"] + ")"
        out += [".TP", "\\fB" + roff(head) + "\\fR", roff(text)]
    out += [".TP", "\\fB\\-h, \\-\\-help\\fR", "Show help information."]
    return out


def page(name, section_title, date, body):
    return "\n".join([f'.TH {name.upper()} 1 "{date}" "goalsync" "{section_title}"'] + body) + "\n"


def visible(cmd):
    return [s for s in cmd.get("subcommands", []) if s.get("shouldDisplay", True) and s["commandName"] != "help"]


def command_pages(path, cmd, date, pages):
    name = "-".join(path)
    body = [".SH NAME", roff(f"{name} - {cmd.get('abstract', '')}"), ".SH SYNOPSIS", "\\fB" + roff(synopsis(path, cmd)) + "\\fR",
            ".SH DESCRIPTION", roff(cmd.get("abstract", ""))]
    if cmd.get("discussion"):
        body += [".PP", roff(cmd["discussion"])]
    subs = visible(cmd)
    if subs:
        body += [".SH COMMANDS"]
        for s in subs:
            body += [".TP", "\\fB" + roff(s["commandName"]) + "\\fR", roff(s.get("abstract", "")) + " See \\fB" + roff("-".join(path + [s["commandName"]])) + "\\fR(1)."]
    body += [".SH OPTIONS"] + options_section(cmd)
    if len(path) == 1:
        body += [".SH EXIT STATUS"]
        for code, text in EXIT_STATUS:
            body += [".TP", "\\fB" + code + "\\fR", roff(text)]
        body += [".SH ENVIRONMENT"]
        for var, text in ENVIRONMENT:
            body += [".TP", "\\fB" + roff(var) + "\\fR", roff(text)]
        body += [".SH FILES"]
        for f, text in FILES:
            body += [".TP", "\\fI" + roff(f) + "\\fR", roff(text)]
        body += [".SH EXAMPLES"]
        for text, commands in EXAMPLES:
            body += [".PP", roff(text), ".PP", ".RS 4", ".nf"] + [roff(c) for c in commands] + [".fi", ".RE"]
        body += [".SH TOPICS", roff("goalsync help format, goalsync help merge, goalsync help lint, goalsync help json and "
                                    "goalsync help safety print the file format, the merge rules, the lint codes, the JSON "
                                    "outputs and what goalsync guarantees against hostile input.")]
        body += [".SH SEE ALSO", ", ".join(f"\\fB{roff('goalsync-' + s['commandName'])}\\fR(1)" for s in subs) + ", \\fBgit\\fR(1)"]
    else:
        body += [".SH EXIT STATUS", roff("0 on success, 1 when validation fails or conflicts remain, 2 when the repository or a "
                                         "remote cannot be used, 64 on a usage error; see goalsync(1).")]
        body += [".SH SEE ALSO", "\\fBgoalsync\\fR(1)"]
    pages[name + ".1"] = page(name, "goalsync manual", date, body)
    for s in subs:
        command_pages(path + [s["commandName"]], s, date, pages)


def main():
    if len(sys.argv) != 3:
        sys.exit("usage: make-man.py BINARY OUTDIR")
    binary, outdir = sys.argv[1], pathlib.Path(sys.argv[2])
    dump = json.loads(subprocess.run([binary, "--experimental-dump-help"], check=True, capture_output=True, text=True).stdout)
    date = datetime.date.today().isoformat()
    pages = {}
    command_pages(["goalsync"], dump["command"], date, pages)
    outdir.mkdir(parents=True, exist_ok=True)
    for name, text in sorted(pages.items()):
        (outdir / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(pages)} man pages in {outdir}")


main()
