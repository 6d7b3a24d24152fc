// Written by scripts/embed-resources.py from the files named below. Do not edit by hand.

/// The project files the binary carries: schemas for editors and tools, the hooks, and the docs of `goalsync help TOPIC`.
package enum EmbeddedFiles {
    /// `schema/goal.schema.json`.
    package static let goalSchema = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://goalsync.dev/schema/goal.schema.json",
  "title": "goalsync Product Goal",
  "description": "The YAML front matter of a goal file (goals/<id>.md). The Markdown body after the front matter is the goal's free-form narrative and is not described here. Keys this schema does not know are allowed and kept as they are. Rules the schema cannot express (id equals the file name, unique ids, one active goal, legal status moves, timeframe.start <= timeframe.end, metric direction agrees with baseline/target, check-ins name an existing metric and have unique ids) are checked by `goalsync validate`.",
  "type": "object",
  "required": ["id", "title", "status"],
  "additionalProperties": true,
  "properties": {
    "id": {
      "title": "Id",
      "description": "Immutable identifier of the goal, unique in the repository and equal to the file name without `.md`: lowercase letters, digits and hyphens, starting with a letter or digit, at most 64 characters.",
      "type": "string",
      "pattern": "^[a-z0-9][a-z0-9-]{0,63}$",
      "examples": ["faster-activation"]
    },
    "title": {
      "title": "Title",
      "description": "The goal as one sentence, stated as an outcome rather than an output, e.g. \"Raise new-admin activation from 30% to 50%\".",
      "type": "string",
      "minLength": 1
    },
    "status": {
      "title": "Status",
      "description": "Lifecycle state. Legal moves: draft <-> proposed -> active -> achieved | abandoned, and proposed -> abandoned. achieved and abandoned are final and carry `closed`. At most one goal is active at a time.",
      "type": "string",
      "enum": ["draft", "proposed", "active", "achieved", "abandoned"]
    },
    "order": {
      "title": "Order",
      "description": "Position of the goal in the ordered list of Product Goals (0 or more; lower comes first).",
      "type": "integer",
      "minimum": 0
    },
    "owner": {
      "title": "Owner",
      "description": "The one accountable Product Owner, written \"Name <email>\".",
      "type": "string",
      "minLength": 1,
      "examples": ["Ana Ruiz <ana@example.com>"]
    },
    "created": {
      "$ref": "#/$defs/date",
      "title": "Created",
      "description": "Date the goal was created, YYYY-MM-DD."
    },
    "timeframe": {
      "title": "Timeframe",
      "description": "When the team works toward the goal. `start` must not be after `end` (checked by goalsync validate).",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "start": {
          "$ref": "#/$defs/date",
          "title": "Start",
          "description": "First day of the timeframe, YYYY-MM-DD."
        },
        "end": {
          "$ref": "#/$defs/date",
          "title": "End",
          "description": "Last day of the timeframe (the deadline), YYYY-MM-DD."
        }
      }
    },
    "closed": {
      "title": "Closed",
      "description": "How the goal ended. Required when status is achieved or abandoned, absent otherwise.",
      "type": "object",
      "required": ["on", "reason"],
      "additionalProperties": false,
      "properties": {
        "on": {
          "$ref": "#/$defs/date",
          "title": "Closed on",
          "description": "Date the goal was achieved or abandoned, YYYY-MM-DD."
        },
        "reason": {
          "title": "Reason",
          "description": "Why the goal was closed: what was achieved, or why it was abandoned.",
          "type": "string",
          "minLength": 1
        }
      }
    },
    "persona": {
      "title": "Persona",
      "description": "Who the goal is for (product manager's lens).",
      "type": "string"
    },
    "problem": {
      "title": "Problem",
      "description": "What problem the goal solves for the persona (product manager's lens).",
      "type": "string"
    },
    "why": {
      "title": "Why",
      "description": "Why the team and the business care (product manager's lens).",
      "type": "string"
    },
    "moves_north_star": {
      "title": "How it moves the North Star",
      "description": "In a sentence, how reaching this goal moves the North Star metric of VISION.md. The north-star lint asks for it on proposed and active goals.",
      "type": "string"
    },
    "proof": {
      "title": "Proof",
      "description": "Evidence that the problem is real: data, research, quotes.",
      "type": "array",
      "items": {
        "title": "Evidence",
        "description": "One piece of evidence.",
        "type": "string"
      }
    },
    "assumptions": {
      "title": "Assumptions",
      "description": "What the team assumes and has not yet validated.",
      "type": "array",
      "items": {
        "title": "Assumption",
        "description": "One assumption.",
        "type": "string"
      }
    },
    "contributors": {
      "title": "Contributors",
      "description": "People besides the owner who shaped the goal, each \"Name <email>\".",
      "type": "array",
      "items": {
        "title": "Contributor",
        "description": "A contributor, \"Name <email>\".",
        "type": "string"
      }
    },
    "tags": {
      "title": "Tags",
      "description": "Free-form labels.",
      "type": "array",
      "items": {
        "title": "Tag",
        "description": "One non-empty label.",
        "type": "string",
        "minLength": 1
      }
    },
    "cadence_days": {
      "title": "Check-in cadence (days)",
      "description": "How many days may pass without a check-in before the `stale` lint fires for this goal; overrides `cadence_days` in .goalsync/config.yaml.",
      "type": "integer",
      "minimum": 1
    },
    "metrics": {
      "title": "Metrics",
      "description": "The key results the goal's progress is measured against.",
      "type": "array",
      "items": { "$ref": "#/$defs/metric" }
    },
    "checkins": {
      "title": "Check-ins",
      "description": "Append-only log of measured metric values.",
      "type": "array",
      "items": { "$ref": "#/$defs/checkin" }
    },
    "sprint_goals": {
      "title": "Sprint goals",
      "description": "Sprint goals that are stepping stones toward this goal (carried only while the goal is active).",
      "type": "array",
      "items": { "$ref": "#/$defs/sprintGoal" }
    }
  },
  "allOf": [
    {
      "description": "A final goal (achieved or abandoned) says when and why it was closed.",
      "if": {
        "type": "object",
        "required": ["status"],
        "properties": { "status": { "enum": ["achieved", "abandoned"] } }
      },
      "then": { "required": ["closed"] }
    },
    {
      "description": "A goal that is not final carries no `closed`.",
      "if": {
        "type": "object",
        "required": ["status"],
        "properties": { "status": { "enum": ["draft", "proposed", "active"] } }
      },
      "then": { "not": { "required": ["closed"] } }
    }
  ],
  "$defs": {
    "date": {
      "title": "Date",
      "description": "A calendar date written YYYY-MM-DD (a plain YAML date such as 2026-01-05).",
      "type": "string",
      "format": "date",
      "pattern": "^\\d{4}-\\d{2}-\\d{2}$"
    },
    "key": {
      "title": "Key",
      "description": "A stable key: lowercase letters, digits, `_` and `-`, starting with a letter or digit, at most 64 characters.",
      "type": "string",
      "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$"
    },
    "metric": {
      "title": "Metric",
      "description": "A key result. Its current value is its latest check-in; progress is (current - baseline) / (target - baseline), sign-flipped for `decrease`.",
      "type": "object",
      "required": ["id", "name", "direction"],
      "additionalProperties": true,
      "properties": {
        "id": {
          "$ref": "#/$defs/key",
          "title": "Metric id",
          "description": "Stable id of the metric, referenced by check-ins."
        },
        "name": {
          "title": "Name",
          "description": "What is measured, in words.",
          "type": "string",
          "minLength": 1
        },
        "unit": {
          "title": "Unit",
          "description": "Unit of baseline, target and check-in values, e.g. percent, ms, users.",
          "type": "string"
        },
        "direction": {
          "title": "Direction",
          "description": "Which way is good: increase (target > baseline), decrease (target < baseline), stay_above or stay_below (keep the value on the right side of target).",
          "type": "string",
          "enum": ["increase", "decrease", "stay_above", "stay_below"]
        },
        "baseline": {
          "title": "Baseline",
          "description": "Value when the goal was set.",
          "type": "number"
        },
        "target": {
          "title": "Target",
          "description": "Value that means the goal is achieved; must differ from baseline.",
          "type": "number"
        },
        "source": {
          "title": "Source",
          "description": "Where the numbers come from (dashboard, query, report).",
          "type": "string"
        },
        "framework": {
          "title": "Framework category",
          "description": "The measurement-framework category of the metric: HEART (happiness, engagement, adoption, retention, task_success), AARRR (acquisition, activation, retention, referral, revenue) or Evidence-Based Management's key value areas (current_value, unrealized_value, time_to_market, ability_to_innovate). The report groups key results by it.",
          "type": "string",
          "enum": ["happiness", "engagement", "adoption", "retention", "task_success", "acquisition", "activation", "referral", "revenue", "current_value", "unrealized_value", "time_to_market", "ability_to_innovate"]
        }
      }
    },
    "checkin": {
      "title": "Check-in",
      "description": "One measured value of one metric.",
      "type": "object",
      "required": ["id", "on", "by", "metric", "value"],
      "additionalProperties": true,
      "properties": {
        "id": {
          "$ref": "#/$defs/key",
          "title": "Check-in id",
          "description": "Unique id of the check-in within the goal."
        },
        "on": {
          "$ref": "#/$defs/date",
          "title": "On",
          "description": "Date of the measurement, YYYY-MM-DD."
        },
        "by": {
          "title": "By",
          "description": "Who checked in, \"Name <email>\".",
          "type": "string"
        },
        "metric": {
          "$ref": "#/$defs/key",
          "title": "Metric",
          "description": "Id of the metric (in `metrics`) this value is for."
        },
        "value": {
          "title": "Value",
          "description": "The measured value, in the metric's unit.",
          "type": "number"
        },
        "confidence": {
          "title": "Confidence",
          "description": "How confident the team is of reaching the target; at_risk and off_track should come with a note.",
          "type": "string",
          "enum": ["on_track", "at_risk", "off_track"]
        },
        "note": {
          "title": "Note",
          "description": "Context for the value: what changed, what the team will do. goalsync checkin --add-note adds to it.",
          "type": "string"
        },
        "supersedes": {
          "$ref": "#/$defs/key",
          "title": "Supersedes",
          "description": "The id of the check-in of the same metric that this one corrects (goalsync checkin --amend): progress counts this one in its place; both are kept."
        }
      }
    },
    "sprintGoal": {
      "title": "Sprint goal",
      "description": "A sprint goal that serves this Product Goal.",
      "type": "object",
      "required": ["sprint", "goal"],
      "additionalProperties": true,
      "properties": {
        "sprint": {
          "title": "Sprint",
          "description": "Name or number of the sprint, e.g. \"2026-S03\".",
          "type": "string",
          "minLength": 1
        },
        "goal": {
          "title": "Sprint goal",
          "description": "The sprint goal, in one sentence.",
          "type": "string",
          "minLength": 1
        },
        "status": {
          "title": "Status",
          "description": "Where the sprint goal stands.",
          "type": "string",
          "enum": ["planned", "in_progress", "done", "missed"]
        }
      }
    }
  }
}

"""#

    /// `schema/vision.schema.json`.
    package static let visionSchema = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://goalsync.dev/schema/vision.schema.json",
  "title": "goalsync Product Vision",
  "description": "The YAML front matter of VISION.md. The Markdown body after the front matter is the vision's narrative. Keys this schema does not know are allowed and kept.",
  "type": "object",
  "required": ["product", "vision"],
  "additionalProperties": true,
  "properties": {
    "product": {
      "title": "Product",
      "description": "Name of the product the goals belong to.",
      "type": "string",
      "minLength": 1
    },
    "vision": {
      "title": "Vision",
      "description": "The Product Vision in a sentence or two: the long-term future state every Product Goal moves toward.",
      "type": "string",
      "minLength": 1
    },
    "strategy": {
      "title": "Strategy",
      "description": "The strategy in one line: how the product gets to its vision, the bets that come first.",
      "type": "string"
    },
    "north_star": {
      "title": "North Star",
      "description": "The North Star metric: the one number that shows the product moving toward its vision. Its current value is its latest check-in.",
      "type": "object",
      "required": ["name"],
      "additionalProperties": false,
      "properties": {
        "name": { "title": "Name", "description": "What is counted, e.g. Weekly active teams.", "type": "string", "minLength": 1 },
        "unit": { "title": "Unit", "description": "Unit of the values, e.g. teams.", "type": "string" },
        "direction": { "title": "Direction", "description": "Which way is good.", "type": "string", "enum": ["increase", "decrease", "stay_above", "stay_below"] },
        "baseline": { "title": "Baseline", "description": "Value when the North Star was chosen.", "type": "number" },
        "target": { "title": "Target", "description": "Value the team aims for.", "type": "number" },
        "framework": {
          "title": "Framework category",
          "description": "The measurement-framework category of the metric: HEART (happiness, engagement, adoption, retention, task_success), AARRR (acquisition, activation, retention, referral, revenue) or Evidence-Based Management's key value areas (current_value, unrealized_value, time_to_market, ability_to_innovate). The report groups key results by it.",
          "type": "string",
          "enum": ["happiness", "engagement", "adoption", "retention", "task_success", "acquisition", "activation", "referral", "revenue", "current_value", "unrealized_value", "time_to_market", "ability_to_innovate"]
        }
      }
    },
    "checkins": {
      "title": "North Star check-ins",
      "description": "Measured values of the North Star, appended by goalsync vision checkin and never changed.",
      "type": "array",
      "items": {
        "type": "object",
        "required": ["id", "on", "by", "value"],
        "additionalProperties": true,
        "properties": {
          "id": { "title": "Check-in id", "type": "string", "pattern": "^[a-z0-9][a-z0-9_-]{0,63}$" },
          "on": { "title": "On", "description": "Date of the measurement, YYYY-MM-DD, not after today.", "type": "string", "pattern": "^[0-9]{4}-[0-9]{2}-[0-9]{2}$" },
          "by": { "title": "By", "description": "Who checked in, \"Name <email>\".", "type": "string" },
          "value": { "title": "Value", "description": "The measured value, in the North Star's unit.", "type": "number" },
          "confidence": { "title": "Confidence", "type": "string", "enum": ["on_track", "at_risk", "off_track"] },
          "note": { "title": "Note", "description": "What happened.", "type": "string" }
        }
      }
    }
  }
}

"""#

    /// `schema/config.schema.json`.
    package static let configSchema = #"""
{
  "$schema": "https://json-schema.org/draft/2020-12/schema",
  "$id": "https://goalsync.dev/schema/config.schema.json",
  "title": "goalsync repository configuration",
  "description": "The file .goalsync/config.yaml: format version, product, lint severities, check-in cadence and sync settings.",
  "type": "object",
  "required": ["format"],
  "additionalProperties": false,
  "properties": {
    "format": {
      "title": "Format version",
      "description": "Version of the goal repository format. Only 1 exists.",
      "const": 1
    },
    "product": {
      "title": "Product",
      "description": "Name of the product (VISION.md says the same).",
      "type": "string"
    },
    "lint": {
      "title": "Lint severities",
      "description": "Severity of each lint rule, by its code: error fails validation, warning is reported, off is silent. Rules not listed are warnings.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "measurable": { "$ref": "#/$defs/severity", "title": "measurable", "description": "A proposed or active goal has at least one metric with baseline, target and unit." },
        "time-bound": { "$ref": "#/$defs/severity", "title": "time-bound", "description": "A proposed or active goal has timeframe.end." },
        "owner": { "$ref": "#/$defs/severity", "title": "owner", "description": "A proposed or active goal has exactly one owner." },
        "lens": { "$ref": "#/$defs/severity", "title": "lens", "description": "A proposed or active goal says persona, problem and why." },
        "evidence": { "$ref": "#/$defs/severity", "title": "evidence", "description": "A proposed or active goal has proof and assumptions." },
        "outcome": { "$ref": "#/$defs/severity", "title": "outcome", "description": "A proposed or active goal does not read as an output (launch, ship, build, implement with no metric in the title)." },
        "co-created": { "$ref": "#/$defs/severity", "title": "co-created", "description": "A proposed or active goal has contributors besides the owner." },
        "stale": { "$ref": "#/$defs/severity", "title": "stale", "description": "An active goal has a check-in newer than its cadence." },
        "at-risk-note": { "$ref": "#/$defs/severity", "title": "at-risk-note", "description": "Every at_risk / off_track check-in has a note." },
        "sprint-link": { "$ref": "#/$defs/severity", "title": "sprint-link", "description": "A goal carries sprint_goals only while active." },
        "north-star": { "$ref": "#/$defs/severity", "title": "north-star", "description": "A proposed or active goal says in moves_north_star how it moves the North Star of VISION.md." },
        "placeholder": { "$ref": "#/$defs/severity", "title": "placeholder", "description": "VISION.md no longer holds the placeholder text goalsync init wrote (vision, strategy, narrative)." },
        "guardrail-breached": { "$ref": "#/$defs/severity", "title": "guardrail-breached", "description": "Every guardrail (stay_above / stay_below) of the active goal is held by its latest check-in." },
        "checkin-date": { "$ref": "#/$defs/severity", "title": "checkin-date", "description": "No check-in is dated after today or before the goal was created." },
        "past-end": { "$ref": "#/$defs/severity", "title": "past-end", "description": "A goal that is not closed has timeframe.end today or later." }
      }
    },
    "cadence_days": {
      "title": "Check-in cadence (days)",
      "description": "Days an active goal may go without a check-in before the `stale` lint fires; a goal's own cadence_days overrides it.",
      "type": "integer",
      "minimum": 1,
      "default": 14
    },
    "sync": {
      "title": "Sync",
      "description": "Where `goalsync pull` / `goalsync push` go when no remote is given and the branch has no upstream.",
      "type": "object",
      "additionalProperties": false,
      "properties": {
        "remote": {
          "title": "Remote",
          "description": "Name of the git remote, e.g. origin; never a URL or a path (this file comes with every pull, so a URL here would send everyone's pushes where its author chose).",
          "type": "string",
          "pattern": "^[A-Za-z0-9_][A-Za-z0-9._-]*$"
        },
        "branch": {
          "title": "Branch",
          "description": "Name of the branch on the remote, e.g. main.",
          "type": "string"
        }
      }
    }
  },
  "$defs": {
    "severity": {
      "title": "Severity",
      "description": "error, warning or off.",
      "type": "string",
      "enum": ["error", "warning", "off"]
    }
  }
}

"""#

    /// `hooks/pre-commit`.
    package static let preCommitHook = #"""
#!/bin/sh
# goalsync pre-commit hook: holds a plain `git commit` (and, installed as pre-merge-commit, a plain
# `git merge`) to the rules goalsync's own commits follow: schema, one active goal, unique ids,
# settled conflicts, lint severities from .goalsync/config.yaml.
# Installed by `goalsync init`, `goalsync clone` and `goalsync hooks install`. A hook that was
# there before is kept as <name>.goalsync-chained and runs after this one.
# It runs on every commit: no command besides goalsync itself is started.

chained="$0.goalsync-chained"

# Whether the pre-commit framework (https://pre-commit.com) validates this commit: its
# .pre-commit-config.yaml lists goalsync-validate, and the framework runs this hook (as
# pre-commit.legacy) or this hook runs the framework's (chained). Then the framework's run is the
# one check, so a commit is validated once. Shell built-ins only: no command is started.
framework_validates() {
    [ -f .pre-commit-config.yaml ] || return 1
    case "$0" in
        *.legacy) ;;
        *)
            [ -f "$chained" ] || return 1
            framework_hook=
            while IFS= read -r line; do
                case "$line" in *"File generated by pre-commit"*) framework_hook=1; break ;; esac
            done < "$chained"
            [ -n "$framework_hook" ] || return 1
            ;;
    esac
    while IFS= read -r line || [ -n "$line" ]; do
        case "$line" in *"id: goalsync-validate"*) return 0 ;; esac
    done < .pre-commit-config.yaml
    return 1
}

# goalsync validates its own commits in process and sets GOALSYNC_IN_PROCESS; then only the
# chained hook runs.
if [ -z "$GOALSYNC_IN_PROCESS" ] && ! framework_validates; then
    goalsync_bin=goalsync
    if ! command -v goalsync >/dev/null 2>&1; then
        # The binary that installed this hook, when goalsync is not on PATH.
        goalsync_bin="@GOALSYNC_BIN@"
        if [ ! -x "$goalsync_bin" ]; then
            echo "goalsync pre-commit hook: goalsync is not on PATH; install it, or commit with --no-verify" >&2
            exit 1
        fi
    fi
    if [ ! -x "$chained" ]; then
        exec "$goalsync_bin" validate --staged --quiet
    fi
    "$goalsync_bin" validate --staged --quiet || exit 1
fi

if [ -x "$chained" ]; then
    exec "$chained" "$@"
fi
exit 0

"""#

    /// `hooks/pre-receive`.
    package static let preReceiveHook = #"""
#!/bin/sh
# goalsync pre-receive hook: refuses a push whose new commits break goalsync's rules (every goal
# file valid, at most one active goal, unique ids, no path a goalsync clone refuses), with the
# reasons on stderr, which git shows the pusher as "remote:" lines.
# Installed by `goalsync hooks install --server` in the bare repository teammates push to. A hook
# that was there before is kept as pre-receive.goalsync-chained and runs after this one, with the
# same input. Only the goalsync binary named below runs (or, when it is not there, as on a shared
# drive reached from another machine, the goalsync on the pusher's PATH): nothing from the pushed
# content does.

goalsync_bin=@GOALSYNC_BIN@
chained="$0.goalsync-chained"

if [ ! -x "$goalsync_bin" ]; then
    goalsync_bin=$(command -v goalsync) || goalsync_bin=
    if [ -z "$goalsync_bin" ]; then
        echo "goalsync pre-receive hook: "@GOALSYNC_BIN@" is missing and goalsync is not on PATH; pushes are refused until goalsync is installed (then run goalsync hooks install --server in this repository)" >&2
        exit 1
    fi
fi
if [ ! -x "$chained" ]; then
    exec "$goalsync_bin" hooks pre-receive@GOALSYNC_ARGS@
fi
# Both hooks read the same updates.
input=$(cat)
printf '%s\n' "$input" | "$goalsync_bin" hooks pre-receive@GOALSYNC_ARGS@ || exit 1
printf '%s\n' "$input" | "$chained" "$@"

"""#

    /// `docs/file-format.md`.
    package static let fileFormatDoc = #"""
# The goal repository and its file format

A goal repository is an ordinary git repository. goalsync owns these paths in it:

```
VISION.md              the product vision: front matter (product, vision) + narrative
goals/<id>.md          one Product Goal per file
.goalsync/config.yaml  settings: format version, product, lint severities, check-in cadence, sync
.goalsync/schema/      JSON Schemas of goal files, VISION.md and the config, for editors and tools
.gitattributes         goals/*.md and VISION.md merge=goalsync (plain git merges by meaning too)
```

State that must never be committed lives under `.git/goalsync/`: a stopped pull (`merge.json`),
the pull and write journals that finish or undo a killed command, caches (`status-cache`,
`tree-summary`) and the repository lock. Deleting a cache costs one slower command; nothing else.

`goalsync init`, `clone` and `hooks install` install `.git/hooks/pre-commit` and
`.git/hooks/pre-merge-commit`, which run `goalsync validate --staged` (a hook already there is kept
as `NAME.goalsync-chained` and still runs afterwards), and set `merge.goalsync.driver` in the
repository's git config.

## A goal file

Markdown with YAML front matter between two `---` lines. The front matter holds the fields below;
everything after the closing `---` is the goal's narrative, free Markdown, kept byte for byte.

```markdown
---
id: faster-activation
title: Raise new-admin activation from 30% to 50%
status: active
order: 1
owner: Ana Ruiz <ana@example.com>
created: 2026-01-05
timeframe: {start: 2026-01-05, end: 2026-03-31}
persona: Admins of newly created workspaces
problem: Most new admins never invite a teammate, so their workspace never becomes useful.
why: Activated workspaces retain at 3x the rate of the rest.
moves_north_star: Activated workspaces become weekly active teams.
proof:
  - "Q3 funnel: 70% of new admins never send an invite"
assumptions:
  - Admins want to invite teammates during their first session
contributors:
  - Ben Ode <ben@example.com>
metrics:
  - id: activation
    name: Workspaces with 3+ active members after 14 days
    unit: percent
    direction: increase
    baseline: 30
    target: 50
    source: Product analytics, weekly cohort chart
    framework: activation
checkins:
  - {id: 01jd4x7k2m, on: 2026-01-19, by: Ben Ode <ben@example.com>, metric: activation, value: 34, confidence: on_track, note: Invite step live for 20%}
sprint_goals:
  - {sprint: "2026-S03", goal: Invite teammates from the signup flow, status: done}
tags:
  - onboarding
---
# Why now
Narrative, decisions and links, in the team's own words.
```

| field | what it holds |
|---|---|
| `id` | never changes; equals the file name without `.md`; `^[a-z0-9][a-z0-9-]{0,63}$`; unique. `goalsync new` makes it from the title plus a random suffix, so two people who create goals with the same title offline both keep theirs |
| `title` | the goal in one sentence, as an outcome ("raise activation from 30% to 50%"), not an output ("ship onboarding") |
| `status` | `draft`, `proposed`, `active`, `achieved`, `abandoned` (see below) |
| `order` | a whole number ≥ 0; lower comes first in `list` and the report |
| `owner` | the one accountable Product Owner, `Name <email>` |
| `created` | the date the goal was created (`YYYY-MM-DD`) |
| `timeframe` | `{start, end}` dates; `activate` sets `start` when it is missing |
| `persona`, `problem`, `why` | who it is for, what problem it solves for them, why the team cares |
| `proof`, `assumptions` | lists of text: the evidence, and what the team assumes |
| `contributors` | list of `Name <email>`: the people who shaped it besides the owner |
| `metrics` | the key results: `id`, `name`, `unit`, `direction`, `baseline`, `target`, optional `source` |
| `checkins` | append-only measurements: `id`, `on` (date), `by`, `metric`, `value`, optional `confidence` (`on_track`, `at_risk`, `off_track`), `note`, and `supersedes` (the id of the check-in this one corrects) |
| `sprint_goals` | `{sprint, goal, status}` items: the sprint goals serving the active goal |
| `tags` | list of text |
| `cadence_days` | days the active goal may go without a check-in (default from the config, 14) |
| `closed` | `{on, reason}`: present exactly on achieved and abandoned goals |

Keys goalsync does not know are kept as they are, in their place (a newer version may have written
them). The full schema is `schema/goal.schema.json` (JSON Schema draft 2020-12); `init` copies it
into `.goalsync/schema/` for editors and other tools.

### Status and the one-active rule

`draft` ⇄ `proposed` → `active` → `achieved` | `abandoned`, and `draft` or `proposed` → `abandoned`
(with a reason: `goalsync set ID status abandoned --reason TEXT`). Achieved and abandoned are final
and carry `closed: {on, reason}`. A draft can also be removed (`goalsync rm ID`, a commit; its
file stays in the history); any other goal stays as the record of what the team decided. Only a proposed goal can be activated (the
team has seen it). **At most one goal is active at a time**: `goalsync activate` refuses while another
is active unless told how to close it (`--close achieved|abandoned --reason TEXT`), the pre-commit
hook refuses a plain `git commit` that makes a second one active, a merge that would activate two
stops as a conflict for the team to settle (`goalsync resolve --active ID`), and `goalsync push`
refuses to publish commits that break the rule.

### Key results and progress

A metric's `direction` is `increase`, `decrease`, `stay_above` or `stay_below`. Its current value is
its latest check-in (a correction counting in place of the check-in it `supersedes`). `increase` and
`decrease` metrics are key results: progress is (current − baseline) / (target − baseline), positive
for a decrease that goes the right way too, shown uncapped; a key result with no check-in has no
progress yet ("no check-in yet"). `stay_above` and `stay_below` metrics are guardrails: held or
breached, never part of the goal's progress. The goal's progress is the mean of its key results'
progress, each clamped to 0–100%. The formulas, pace and the date rules are in
[progress.md](progress.md).

Check-ins are never changed or removed: a wrong value is corrected by a new check-in that
`supersedes` it (`goalsync checkin --amend CHECKIN VALUE`), and both stay in the file and the
history; only a check-in's `note` may grow (`goalsync checkin --add-note CHECKIN TEXT`). A check-in is
dated no later than today and no earlier than the goal's `created` date.

### Canonical style

goalsync writes front matter in one canonical key order and style — one field per line, one list
item per line, check-ins and sprint goals one per line as flow mappings — so a machine edit changes
only the lines it must. The body is never rewritten. Files written in another tool's style are read
as they are; goalsync rewrites only the front matter of a goal it changes.

goalsync reads any YAML 1.1 front matter. The styles people and tools write are read by a fast
reader that gives exactly what the full YAML parser (libyaml) gives, with the same line numbers in
messages: goalsync's own style; PyYAML's `yaml.safe_dump(..., sort_keys=False, allow_unicode=True)`
(with or without `default_flow_style=False`: lists at their key's column, quoted keys such as
`'on':`, long values folded over several lines, quoted values over several lines); and what editors
and people write (comments, blank lines, indented lists, keys with spaces or colons, `|` and `>`
block scalars with `-` or `+`, CRLF line ends). Anything else is read by libyaml and gives the same
result, only more slowly: anchors and aliases, tags, tabs, `?` keys, flow collections over several
lines, block scalars with an indentation indicator. A key that is itself a list or a mapping names
no field and is an error.

### Measurement frameworks

A metric may name its category in a measurement framework with `framework`, and the report groups
key results by it:

- HEART: `happiness`, `engagement`, `adoption`, `retention`, `task_success`;
- AARRR (pirate metrics): `acquisition`, `activation`, `retention`, `referral`, `revenue`;
- Evidence-Based Management's key value areas: `current_value`, `unrealized_value`,
  `time_to_market`, `ability_to_innovate`.

Any other value is an error. `goalsync new TITLE --template okr|smart|north-star|heart|aarrr|ebm`
starts a goal whose narrative asks that framework's questions, with the product manager's: who it
is for, the problem, the proof, why it matters, the assumptions, how it is measured and how it
moves the North Star.

## VISION.md

The Product Vision, the strategy and the North Star: front matter, then the vision's narrative.
Every Product Goal is a step toward it; `goalsync report` starts with it.

```markdown
---
product: Acme Teams
vision: Every small team knows what matters this week, and why.
strategy: Win small teams first, through the first week after signup.
north_star:
  name: Weekly active teams
  unit: teams
  direction: increase
  baseline: 800
  target: 2000
  framework: engagement
checkins:
  - {id: 01m8ymaett0wsb3c, on: 2026-01-19, by: Ana Ruiz <ana@example.com>, value: 1240, note: Invite flow live}
---
# Product vision

Who the product is for, what it changes for them, why it matters.
```

| field | what it holds |
|---|---|
| `product` | the product's name (required) |
| `vision` | the vision in one sentence (required) |
| `strategy` | how the product gets there, in one line |
| `north_star` | the North Star metric: `name` (required), `unit`, `direction`, `baseline`, `target`, `framework` (as a metric's) |
| `checkins` | the North Star's check-ins `{id, on, by, value, confidence, note}`, appended, never changed; its current value is the latest by date |

`goalsync vision` shows it (`--json` too); `goalsync vision --set FIELD=VALUE` sets `product`,
`vision`, `strategy` and `north_star.FIELD` (an empty VALUE removes an optional field), and
`goalsync vision checkin VALUE [--note TEXT] [--on DATE]` records the North Star's value, each in
one commit. A check-in is never dated after today. The text `goalsync init` writes in `vision`,
`strategy` and the narrative is a placeholder: `goalsync validate` warns while it is there
(`placeholder`). Each proposed or active goal says how it moves the North Star in
`moves_north_star` (`north-star`).

VISION.md merges as goals do: field by field, `north_star` field by field, check-ins by id (both
kept when two people check in offline), the narrative line by line.

## .goalsync/config.yaml

```yaml
format: 1
product: Acme
cadence_days: 14          # days an active goal may go without a check-in before 'stale' speaks
lint:                     # severity of each lint rule: error, warning or off
  measurable: warning
  outcome: error
sync:                     # optional: where pull/push go when the branch has no upstream
  remote: origin
  branch: main
```

`remote:` is the name of a git remote (never a URL or a path) and `branch:` a branch name: the
file is shared with everyone who pulls, so it cannot send anyone's push elsewhere.

Its schema is `schema/config.schema.json`. A config that cannot be read stops the commands that
write, with its file and line; it never stops `pull` (which may bring the fix) or `--help`.

## Limits on what goalsync reads

Every file goalsync reads may come from a teammate's push, so every read is bounded:

- a goal file, VISION.md or the config is at most **1 MiB**; a larger one, a binary one (a NUL
  byte), one that is not UTF-8, a symlink or anything but a regular file is reported as unreadable,
  with its path, and never crashes or hangs a command;
- the YAML readers bound aliases, nesting and the number of keys before they allocate (the figures
  are in [safety.md](safety.md));
- conflict markers left by a plain-git merge are reported with their line.

"""#

    /// `docs/merge-rules.md`.
    package static let mergeRulesDoc = #"""
# How goalsync merges

`goalsync pull` fetches the remote branch and, when both sides moved, merges **per goal and per
field** against the merge base, in process. Plain `git pull` / `git merge` use the same merge through
`goalsync merge-driver %O %A %B %P`, which `.gitattributes` names for `goals/*.md` and `VISION.md`,
and give byte for byte the same files.

## Per file

| what changed | result |
|---|---|
| a file changed on one side only | that side's file |
| a file added on one side | added |
| a file deleted on one side, unchanged on the other | deleted |
| a file deleted on one side, edited on the other | conflict (`(file)`): an edit against a deletion |
| a goal or VISION.md changed on both sides | merged field by field (below) |
| any other file changed on both sides | merged line by line, as git's merge-file does |

## Per field (goal files and VISION.md)

| field kind | rule |
|---|---|
| a scalar (`title`, `status`, `owner`, dates, numbers) | changed on one side: that side; changed the same way on both: that value; changed differently: a conflict |
| a list of text (`proof`, `assumptions`, `contributors`, `tags`) | an ordered set: both sides' additions stay, a removal on either side is honoured |
| a keyed list (`metrics` and `checkins` by `id`, `sprint_goals` by `sprint`) | item by item, then field by field inside each item; concurrent check-ins both stay |
| the Markdown body | line by line |
| a key goalsync does not know | as a whole value, like a scalar |

Concurrent additions to one list are ordered by a fixed rule (not by who merged), so the merge is
**deterministic and symmetric**: the same base, ours and theirs give the same bytes whichever side is
"ours", and two people who merge the same commits agree. Pulling again with nothing new changes
nothing. A pull that only fast-forwards needs no git identity.

When the two histories cross-merged before (git finds more than one merge base), goalsync merges
those bases into one virtual base first, as git's own recursive strategy does, so goals nobody
touched since never show up as conflicts.

## The rules after every merge

A merge never commits a tree that breaks the rules: at most one active goal, unique ids, files that
validate. Two goals activated concurrently are a conflict to settle (`goalsync resolve --active
ID`), never a silent pick.

## Conflicts

A true conflict stops the pull before anything is committed:

- the files stay valid (a conflicting field holds your value until settled); `git status` shows a
  merge in progress; the pre-commit hook refuses commits;
- `goalsync status` lists each conflict with the base, ours and theirs values and who wrote each;
- settle one field with `goalsync resolve ID FIELD --ours|--theirs|--base|--value V`, every field
  with `goalsync resolve --all --ours|--theirs`, concurrent activations with `goalsync resolve
  --active ID`; a settle never writes a goal that breaks the rules;
- `goalsync pull --continue` commits the merge with both parents; `goalsync pull --abort` returns
  exactly to before the pull (HEAD, index and files).

### Conflicts from plain `git pull` or `git merge`

When plain git stops a merge on a conflict, the merge driver has left conflict markers around each
conflicting field (or, in a clone without the driver, git's own line markers). goalsync reads that
merge as its own stopped pull:

- `goalsync status` lists each conflicting field exactly as after `goalsync pull`: base, ours,
  theirs and who wrote each (it writes nothing; `git status` still shows git's conflict);
- `goalsync resolve` (any form) and `goalsync pull --continue` take the merge over: each file git
  left in conflict is merged field by field again, written without markers (your value where a
  field conflicts), and staged, and the conflicts are recorded as a stopped `goalsync pull` records
  them. A file git left with markers goalsync's driver did not write (git's own, or a file you
  edited and left with markers) is kept first as a git blob, which `goalsync status` names
  (`git show BLOB` prints it). A file you settled by hand (no markers left) is taken as it stands;
- finish with `goalsync pull --continue` (one merge commit with both parents and git's merge
  message) or with `git commit` once every conflict is settled (the pre-commit hook refuses while one
  is pending, and says to run `goalsync resolve`); undo with `goalsync pull --abort` or `git merge
  --abort`, which both return to before the merge.

An octopus merge (several commits at once) and conflicts on symbolic links or submodules are left to
plain git: goalsync says so and names git's ways out.

## Merge commits

A merge commit has both parents and says what was merged:

```
merge: origin/main into main

Merged field by field (changed on both sides):
  goals/faster-activation.md

Goal-Id: faster-activation
```

"""#

    /// `docs/lint-codes.md`.
    package static let lintCodesDoc = #"""
# Validation rules and lint codes

`goalsync validate [PATH...]` checks goal files; `goalsync validate --staged` checks exactly what the
next commit would contain (it is what the pre-commit hook runs). Every message names the file, the
line and the field, and says what to do:

```
goals/x.md:17: error: metrics.activation.target: direction is increase but target 20 is below baseline 30; raise the target or use direction: decrease
```

Exit status: 0 when there is no error (warnings allowed), 1 when there is at least one error.

## Errors (always errors)

- The file can be read: UTF-8 text, no NUL byte, at most 1 MiB, a regular file (not a symlink), no
  conflict markers, front matter between `---` lines that is a YAML mapping with no key written twice,
  within the YAML limits in [safety.md](safety.md).
- The front matter fits the schema (`schema/goal.schema.json`): required fields, types, allowed values.
- `id` equals the file's name and is unique in the repository.
- At most one goal is `active`.
- The status is legal, and `closed: {on, reason}` is present exactly on achieved and abandoned goals
  (an abandoned goal says why).
- Dates parse, and `timeframe.start` ≤ `timeframe.end`.
- A metric's `direction` agrees with its numbers (`increase` ⇒ target > baseline, `decrease` ⇒
  target < baseline) and target ≠ baseline.
- Check-ins name a metric of the goal and have unique ids.

## Lint rules (warnings by default)

They speak for proposed and active goals (`checkin-date` and `past-end` for drafts too). Set each one's severity — `error`, `warning` or `off` —
under `lint:` in `.goalsync/config.yaml`.

| code | a proposed or active goal should… | why |
|---|---|---|
| `measurable` | have a metric with baseline, target and unit | the goal is what progress is measured against |
| `time-bound` | have `timeframe.end` | SMART: time-bound |
| `owner` | have exactly one owner | one accountable Product Owner |
| `lens` | say `persona`, `problem`, `why` | who it is for, what problem, why we care |
| `evidence` | have `proof` and `assumptions` | validated with data; assumptions written down |
| `outcome` | not read as an output ("launch", "ship", "build", "implement" with no number in the title) | intent, not solution |
| `co-created` | have contributors besides the owner: in `contributors`, or another author of a commit of its file | goals are set together |
| `stale` | (active) have a check-in newer than its cadence (`cadence_days`, default 14) | progress is inspected |
| `at-risk-note` | give a note with every `at_risk` / `off_track` check-in | a status without a story helps no one |
| `sprint-link` | carry `sprint_goals` only while active | sprint goals serve the active goal |
| `north-star` | say in `moves_north_star` how it moves the North Star of VISION.md | Product Goals are steps toward the vision |
| `placeholder` | (VISION.md) not keep the placeholder text `goalsync init` wrote in `vision`, `strategy` or the narrative | the vision is the team's own |
| `guardrail-breached` | (active) hold every guardrail (`stay_above` / `stay_below`): its latest check-in within its limit | a key result bought by breaking a guardrail is not progress |
| `checkin-date` | (also drafts) date every check-in no later than today and no earlier than `created` | a measurement cannot come from the future or before the goal |
| `past-end` | (also drafts) have `timeframe.end` today or later | a goal whose time is up is closed or given a new end; `activate` refuses it |

For `co-created`, a goal whose file names nobody besides its owner is looked up in the history: a
commit that holds a version of its file none of its parents holds, by someone other than the owner
(same name or same email counts as the owner), settles it. The walk starts at HEAD, stops as soon as
each goal has another author, and never goes past 1,000 commits.

"""#

    /// `docs/json-outputs.md`.
    package static let jsonOutputsDoc = #"""
# JSON outputs

Every reading command takes `--json` and prints one JSON object on stdout (diagnostics and notes
go to stderr), as do `push --json` and `sync --json`. The same thing has the same shape everywhere:

- `format` is the first key of every output: the version of these shapes, **1** today.
- A person is `{name, email}` (a check-in's `by`, a goal's `owner`, a commit's `author`); `email`
  is `null` when the file names someone without an address. Who last changed a side of a conflict
  is `{name, email, date}`.
- Dates are `YYYY-MM-DD`; times are ISO 8601 with their offset (`2026-01-05T10:00:00+01:00`).
- A field's value is typed JSON, as the goal file holds it: numbers and booleans as such, lists and
  mappings as arrays and objects, text as a string without YAML's quotes; absent values are `null`.
  `front_matter` (in `show` and `report`) is the file's front matter as written, in its key order.
- Progress values are fractions (1 = 100%).

**Compatibility.** Within a `format`, goalsync only adds keys; it never removes or renames one, and
never changes a value's type. A change that would comes with a new `format` number. A script should check `format` and ignore keys it does not know.

**Schemas.** `schema/output/COMMAND.schema.json` (JSON Schema 2020-12, with the shared shapes in
`common.schema.json`) describes each output exactly; a test checks every command's real output
against them. To check an output yourself (Python's `jsonschema` 4.18 or later):
`goalsync status --json | python3 scripts/check-json.py schema/output status`.
`goalsync status --help` and `goalsync report --help` list every key of their output (a test holds
the help text and the real output together).

| command | shape |
|---|---|
| `list --json` | `{format, goals: [{id, title, status, order, owner: {name, email}, timeframe: {start, end}, progress, path}], unreadable: [diagnostic]}` |
| `show ID --json` | `{id, path, front_matter, body, progress, metrics: [{id, name, unit, direction, baseline, target, current, progress, last_checkin, confidence, guardrail, guardrail_state}], breached_guardrails}`; `front_matter` is the file's front matter as JSON, in its key order |
| `status --json` | `{branch, upstream, ahead, behind, merging, conflicts: [...], active_conflict, active, goals: {<status>: <count>}, unreadable: [...]}` |
| `validate --json` | `{files, errors, warnings, diagnostics: [{file, line, field, severity, code, message}]}` |
| `log [ID] --json` | `{goal, commits, shallow, boundary, entries: [{commit, author: {name, email}, date, time, summary, merge, goal, path, kind, renamed_from, error, changes: [{field, old, new}], body}]}` |
| `blame ID --json` | `{goal, path, head, shallow, fields: [{field, item, value, commit, author: {name, email}, date, time, summary, boundary}]}` |
| `contributors [ID] --json` | `{goals: [{goal, title, contributors: [{name, email, roles, commits, created, proposed, edits, checkins, activated, closed, renamed, deleted, fields, first, last}]}], shallow}` |
| `vision --json` | `{product, vision, strategy, north_star: {name, unit, direction, baseline, target, framework, current, current_on} or null, checkins: [{id, on, by, value, confidence, note}], body, problems: [diagnostic]}`; `current` is the latest check-in's value; `problems` are validate's findings on VISION.md |
| `report --json` | `{today, product, vision: {front_matter, body}, active, goals: [...], unreadable, contributors}` |
| `push --json` | `{result, branch, remote, commit, pulls, set_upstream, reason, server_messages}`; `result` is `pushed`, `up_to_date`, `refused` or `stopped_on_conflicts`; `server_messages` are the lines the remote's hooks wrote (as strings); printed on a refusal too (exit 2) |
| `sync --json` | `{pull: {result, commit, files}, push: <as push --json, or null when the pull stopped>}` |
| `validate --rev/--range --json` | `validate --json`'s shape, plus `commits` (how many were checked) and each diagnostic's `commit` |
| `export --format json` | `{format, goals: [{id, path, front_matter, body, progress, metrics, breached_guardrails}], unreadable: [diagnostic]}`: each goal as `show --json` shows it |

## status

- `upstream`, `ahead`, `behind` are `null` when the branch has no upstream.
- `merging` is true while a pull is stopped; `conflicts` then holds one entry per goal and field:
  `{goal, path, field, base, ours, theirs, ours_by, theirs_by, resolution}`: `base`, `ours` and
  `theirs` are the three values, typed (`null` where the field is absent); `ours_by` and `theirs_by`
  are `{name, email, date}` of the last change on each side; `resolution` is `ours`, `theirs`,
  `base` or `value`, `null` while pending.
- `active_conflict` names two goals activated concurrently and the one chosen, else `null`.
- `active` is the active goal with `progress`, `expected` (what the time gone in its timeframe calls
  for), `pace` (`ahead`, `on_pace`, `behind`), `confidence` and `confidence_trend` (`improving`,
  `steady`, `worsening`), `last_checkin`, `days_since_checkin`, `cadence_days`, `stale`,
  `breached_guardrails`. `days_since_checkin` is `null` without a check-in, and when the latest
  check-in is dated after today (a wrong date the `checkin-date` lint reports).
- `unreadable` lists goal files that could not be read, as diagnostics.

## Progress and guardrails (status, report, show, export)

How the numbers are computed is in [progress.md](progress.md). In every metric object:

- `progress` is a fraction (1 = 100%), uncapped, for a key result (`increase`, `decrease`) with a
  check-in; `null` for a key result with no check-in yet and for every guardrail.
- `guardrail` is true for a `stay_above` / `stay_below` metric; `guardrail_state` is `held` or
  `breached` by its latest check-in, `null` before one (and for key results).
- The goal's `progress` is `null` until a key result has a check-in; guardrails are never in it.
  `breached_guardrails` lists the ids of the goal's breached guardrails. `pace` and `expected` are
  `null` where there is no progress.
- In `report --json`, each metric's `checkins` lists every check-in of it by date, corrections
  included: `supersedes` names the check-in a correction replaces (`goalsync checkin --amend`), and
  `superseded` is true on a check-in a later one corrects (kept, not counted).

## log

`kind` is `created`, `changed`, `renamed`, `deleted`, `unparsable` (the file could not be read at
that commit; `error` says why), `merge` (shown only for what a merge settled itself: values neither
parent had) or `boundary` (the oldest commit of a shallow clone). `changes` lists each field changed,
with its old and new value, typed (`null` where absent). `shallow` and `boundary` say where a
shallow clone's history ends.

"""#

    /// `docs/safety.md`.
    package static let safetyDoc = #"""
# What goalsync guarantees against a hostile or careless teammate

Everything a pull, a clone or a merge reads may come from someone else's push: a teammate who
commits with plain git and `--no-verify`, a broken tool, or someone who means harm. goalsync treats
every path, name and byte from a remote as untrusted. This page says what it guarantees, and what
it does not.

## Nothing is written outside the repository

- `goalsync pull` and `goalsync clone` check the tree they are about to write before the first
  write, as `git fsck` would: every entry of the fetched tip's tree (each subtree read once), then
  every path the pull will write or delete. A tree is refused when any name is empty, `.` or `..`
  (or only dots and spaces), `.git` in any case or disguised (for Windows: `git~1`, `.git.`,
  `.git ` with trailing dots or spaces, `.git::$INDEX_ALLOCATION`; for macOS: `.git` with invisible
  code points such as U+200C inside), holds `/`, a backslash or a NUL, or is not UTF-8; when a mode is
  unknown, a name repeats or entries are out of git's order; and when it holds a **symbolic link** or a
  **submodule** goalsync would have to write — goalsync writes neither.
- A tree is also refused when what goalsync reads is of the wrong kind: `goals` or `.goalsync`
  that is not a folder, `.goalsync/config.yaml` or `VISION.md` that is not a file, a folder named
  like a goal file (`goals/x.md/`), or any name longer than 255 bytes (what file systems hold).
- goalsync never writes through a folder of your work tree that is itself a symbolic link.
- A refused pull writes nothing: files, index and branch stay as they were, and the one-line error
  names the entry (hostile bytes shown escaped) and says what to do — ask whoever can push to remove
  the entry in a new commit, then pull again. A refused clone leaves no folder behind.
- Every other write goes through the same check: `resolve`, `pull --abort`, the recovery of an
  interrupted pull.

What is *not* checked: the trees of intermediate commits (goalsync never writes them; a plain
`git checkout` of such a commit is git's own business), Windows reserved names (`CON`, `NUL`), and
names that differ only in case or Unicode normalisation.

## No command hangs or eats the machine on hostile YAML

Every YAML reader (goal files, `VISION.md`, `.goalsync/config.yaml`, the history, the merge, the
merge driver) counts what a file holds before it builds anything:

| bound | limit |
|---|---|
| file size | 1 MiB |
| aliases (`*name`) | 10,000 |
| values made by aliases | 100,000 |
| nesting of lists and mappings | 100 levels |
| values in all (keys, items, scalars) | 1,000,000 |

A file past a bound is reported like any unreadable goal, with its file and line (`the YAML's
aliases expand to 1,234,567,880 values; goalsync reads at most 100,000 …`), and every command still
finishes in well under a second. A goal with a hundred thousand keys costs linear time.

A broken `.goalsync/config.yaml` never stops `goalsync pull`, so a teammate's fix can always be
fetched: `pull`, `resolve` and the reading commands print one warning naming the problem and use the
default settings; `validate`, `push` and the commands that write refuse until it is fixed.

`.goalsync/config.yaml` comes with every pull, so nothing in it can send your work elsewhere or run
anything. `sync.remote` must name a git remote (`origin`), never a URL or a path, and `sync.branch`
must be a branch name. A config that breaks this is reported like any broken config: pull uses the
defaults, and push and the write commands refuse. No setting is a path goalsync writes to or a
command it runs. `goalsync clone` of a repository whose config cannot be read names the problem in
one warning and still installs the hook and merge driver.

## Your terminal is not driven by a file

Titles, ids, file names, field values and a remote's messages are printed with control characters
escaped (`\e`, `\r`, `\u{9b}`), so a goal file cannot move your cursor, recolour your terminal or
hide text. goalsync's own colours cannot be forged by a file. `--json` output is exact (JSON escapes
control characters itself).

File names may hold line breaks (git allows them); every diagnostic stays on one line, showing one
as `\n`. Through git's merge, the file's path reaches `goalsync merge-driver` quoted by git (`%P`)
and always starts with `goals/`, so `$(…)`, backticks, `;` or a leading `-` in a name are never run
or read as options.

## Measured against hostile pushes

Figures from a debug build on 2 shared cores (load 11–14); in the tests every command is also held
to 1 GiB of address space and killed after 120 s:

- 100,000 levels of nesting in a goal file or the config: every command under 0.5 s, naming the line.
- A 50 MB goal file: refused by size in every command; a pull that brings it takes about 2–5 s and
  140 MB, as git writes it; a 50 MB file elsewhere in the tree is never read by goalsync's checks.
- A goal with 100,000 keys: pulled in 1.5 s, merged field by field in about 10 s, blamed over 5
  versions in about 20 s (linear in the keys).
- 20,000 goal files: cloned in 9–20 s, validated in 5 s.
- Five clones syncing concurrently for 2 minutes (619 remote commits): nothing pushed was lost, no
  lock was left, one active goal at every commit of the remote (`ConcurrentSoakTests`;
  `GOALSYNC_SOAK_SECONDS` makes the run longer).

## No pushed commit is lost

- A push lands as a fast-forward of what the remote had, or not at all. goalsync never forces.
- A remote given as a path or a `file://` URL (a shared drive) is pushed to through git's own
  `git-receive-pack`, as plain git does: the remote's branch is locked and compared-and-swapped, and
  the remote's hooks (`pre-receive`, `update`, `post-receive`) run. goalsync needs `git` on `PATH` for
  that.
- When the remote's branch moved on (a teammate pushed first), goalsync pulls — merging per goal and
  per field — and pushes again, up to 20 pushes in all with a short random pause between them, on
  every transport. When the remote refused for another reason (a hook declined), goalsync stops with
  the server's reason and the reference, exit 2; your commits stay as they are.
- What the remote's hooks write during a push (`pre-receive`, `update`, `post-receive`: a reason for
  refusing, a note on success) is shown on stderr, each line after `remote: ` as git shows it,
  escaped like every other text from outside; a refused push then says which branch on which remote
  and why (`refused main on origin: pre-receive hook declined`). `push --json` and `sync --json` carry
  the same lines as `server_messages`. A progress line the server rewrites in place (`\r`) shows only
  as its last state. A fetch shows none of the server's text (git shows its "Counting objects"
  progress there; no hook runs on a fetch).
- A stalled `git-receive-pack` behind a path remote, and a stalled ssh, `git://`, http or https server, is stopped
  after `goalsync.timeout` seconds without progress (git config, default 60); the command fails with
  one line naming the remote, and nothing local changes.
- ssh runs OpenSSH's client with the host, user and path from the remote's URL, as git does. A URL
  whose host or user starts with `-` (`ssh://-oProxyCommand=.../repo`, which ssh would read as an
  option and run) is refused before anything runs, with git's own words ("strange hostname ...
  blocked"), and so is a path starting with `-`; any other path reaches the server in single quotes
  (git's quoting), so quotes, `$(...)` or backticks in it are never run, here or on the server.
- "Pushed" is said only when the remote's branch holds your commit.

## No secret in a URL is printed

A remote's URL may carry a password or a token (`https://ana:S3cret@host/team.git`,
`https://ghp_…@github.com/team/goals.git`). goalsync never prints it:

- **Every URL goalsync shows** — in messages, errors, `--json`, merge commit messages, the pull's
  state in `.git/goalsync`, and the reflog messages of a clone and a fetch — is shown without its
  secrets. Over ssh (`ssh://`, `user@host:path`) the user name stays and a password becomes `***`
  (`ssh://git:***@host/team.git`); over every other scheme (`https`, `http`, `git`, `file`) the whole
  user information becomes `***` (`https://***@host/team.git`), because there a user name alone is
  often a token. Passwords may be percent-encoded (`S3%63ret`) and may hold `@`; a `/` in a password
  must be percent-encoded, as in any URL. URLs inside libgit2's error messages are shown the same way.
- **The last line of defence**: every byte goalsync writes to stdout and stderr (its output, its
  errors, usage errors that repeat an argument, a server's `remote:` lines, the team's pre-commit
  hook's output, `--json` strings) is searched for the secrets the command knows of, which are
  replaced by `***`: the passwords of the URLs on its command line and in git's configuration
  (`remote.*.url`, `remote.*.pushurl`, `url.*.insteadOf`, as written and percent-decoded), a user
  name of 16 characters or more with no password in an `http(s)` URL (a token), and the value of
  `GOALSYNC_TOKEN`. A secret shorter than 4 characters is not searched for (it would hide ordinary
  words); it is still hidden in every URL goalsync shows.
- Not covered: `.git/config` keeps the URL as you gave it to `goalsync clone` or `git remote add`,
  password included, as git does; prefer a credential helper or `GOALSYNC_TOKEN` to a password in a
  URL. Secrets goalsync does not know of (a password a server repeats that is in no URL, say) cannot
  be masked.

## The rules hold on what you publish and what you receive

- `goalsync push` checks every outgoing commit with the rules of `goalsync validate` (errors, not
  lint warnings) and refuses to publish one that breaks them, naming the commit and each problem.
  `--allow-invalid` publishes anyway and prints a warning line per broken commit.
- A fast-forward pull that brings goal files breaking the rules (not UTF-8, a duplicate id, two
  active goals, a schema error) completes — the remote already holds them — then lists every
  offending file as `goalsync validate` does and exits 1. Fix them all in one commit.
  `goalsync status` names every active goal when there are several, and `goalsync activate ID
  --close achieved|abandoned --reason TEXT` keeps ID and closes the others.
- A merge never commits a tree that breaks the rules, and a settlement never writes a goal that
  does: `goalsync resolve` takes fields that only make sense together (status and `closed`, a
  metric's direction, baseline and target, `timeframe.start` and `end`) from the same side, or
  refuses and says what to settle together.

## A clone never gets stuck

- After criss-cross merges (two teammates each merged the other's work), goalsync merges against a
  virtual base, as git does, so goals nobody touched since are never reported as conflicts.
- `goalsync status` and every command refused while a pull waits name both ways out:
  `goalsync pull --continue` and `goalsync pull --abort`. Abort returns exactly to before the pull,
  even when the pull's state file is damaged or the branch moved since.

## Kills, crashes and concurrent commands

- A pull records where it is going in a journal (synced) before it touches the work tree; the next
  goalsync command finishes an interrupted pull, or puts the files back as the branch has them when
  they cannot be written.
- Work-tree files are written under a temporary name inside `.git/goalsync/tmp` and renamed into
  place: a killed command never leaves a stray file for `git status` to show.
- A clone or pull flushes the pack it downloads, and its index, to disk before it updates a
  reference, as git does by default (git's `core.fsync` covers packs, not loose objects, the index
  or the work tree); the files of a new clone's work tree are written without a flush, as git's
  checkout writes them, each created in place (never through a link or over a file already there).
- A write command (`set`, `new`, `checkin`, …) killed before its commit is rolled back by the next
  goalsync command, which says so in one line; a file you changed since is left alone and named.
- goalsync commands that write to the same repository take turns: each waits up to 10 seconds for
  the other (`GOALSYNC_LOCK_TIMEOUT=SECONDS` changes it) before refusing. The lock is a kernel lock
  (`flock`), released the moment its holder exits or is killed.

## No input reaches a trap

No file, environment variable, git config, remote commit or state under `.git/goalsync/` makes
goalsync crash. `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE` are read in git's own form
(`@1767603600 +0100`), ISO 8601 or RFC 2822; any other value, or an impossible one (month 13, an
offset 99 hours from UTC), stops the command with one line naming the variable (exit 2), where git
would stop too or silently drop the offset. A commit time beyond any calendar is shown as 1970, as
git shows it. goalsync's own files under `.git/goalsync/` are read only when they are regular files
of a bounded size (journals 64 MiB, caches 256 MiB). A damaged `merge.json` is one line naming it:
`goalsync pull --abort` works without it and returns to before the pull. Damaged caches are rebuilt,
and a journal that cannot be read counts as none. The team's pre-commit hook runs in the work tree's
root with its output captured to a temporary file, so a hook that leaves a background process or
writes megabytes never hangs a commit (goalsync shows the first 1 MiB).

## What goalsync does not protect against

- A teammate who can push can still push wrong *content* that is valid: goalsync keeps the history,
  so `goalsync log` and `goalsync blame` show who changed what, and the change can be undone.
- A server that runs no check of its own: a teammate using plain git with `--no-verify` can push
  invalid commits to it. goalsync refuses to publish them itself and reports them on the pull that
  brings them; on your own server or shared drive `goalsync hooks install --server` refuses such
  pushes, and on hosted GitHub/GitLab a CI job running `goalsync validate --range` (see
  `examples/`) makes the check a required one. On a shared drive the hook runs on the pusher's
  machine: it stops mistakes, not someone who writes into the folder by hand.
- Hooks of your own repository run as they would under git (the team's other pre-commit hooks,
  unless `--no-verify`); goalsync never runs hooks or commands from fetched content.

"""#

    /// `docs/progress.md`.
    package static let progressDoc = #"""
# Progress, guardrails, pace and dates

What `goalsync status`, `report`, `show`, `list` and `export` compute from a goal's `metrics` and
`checkins`, and the rules for the dates they rely on.

## Which check-ins count

Every check-in counts except one that a later check-in of the same metric corrects: a check-in
with `supersedes: ID` (written by `goalsync checkin --amend ID`) replaces check-in `ID`. Both stay
in the file and in the history; the report lists the old one as corrected. A correction of a
correction replaces both. A `supersedes` that names no check-in of the same metric replaces
nothing.

A metric's **current value** is its latest counting check-in: the one with the latest `on` date,
and among check-ins of the same date the last in the file.

## Key results

`increase` and `decrease` metrics are key results. With a baseline, a target and a current value:

    progress = (current − baseline) / (target − baseline)

It is shown uncapped (120% when the target is passed, below 0% when the metric went the wrong
way) and is positive for a `decrease` that goes the right way. A key result with **no check-in has
no progress**: it shows "no check-in yet", never 0% or -0%.

## Guardrails

`stay_above` and `stay_below` metrics are guardrails: a limit (`target`) to hold while the key
results move. They never enter the goal's progress. By its current value a guardrail is:

- **held**: `stay_above` and current ≥ target, or `stay_below` and current ≤ target;
- **breached**: otherwise;
- neither before its first check-in.

A breached guardrail is shown as such (`status`, `report`, `show`, `--json`: `guardrail_state`,
`breached_guardrails`) and, on the active goal, reported by the `guardrail-breached` lint.

## The goal's progress

    goal progress = mean over the key results of clamp(progress, 0%, 100%)

Key results without a baseline and a target are left out; a key result with no check-in counts as
0% in the mean (it has not moved yet). The goal has no progress ("no check-in yet") until one of its
key results has a check-in, and none at all when it has no key result (only guardrails). So the
goal's progress is never above the best of its key results, and guardrails never raise it.

## Pace

For the active goal with `timeframe.start` ≤ `timeframe.end`:

    expected = clamp((today − start) / (end − start), 0, 1)     (1 when start = end and today ≥ start)

Pace compares progress with `expected` only where both exist (a key result or goal with no
progress has no pace): **ahead** when progress ≥ expected + 5 points, **behind** when progress ≤
expected − 5 points, else **on pace**. Guardrails have no pace.

## Check-in age and staleness

`last check-in N days ago` counts from the latest counting check-in to today. A check-in dated
after today gets no day count: status says "dated DATE, after today" and the `checkin-date` lint
reports it. The active goal is **stale** when the time since its latest check-in (else its
`timeframe.start`, else `created`) is more than its cadence (`cadence_days`, else the config's,
default 14).

## Dates

"Today" is the date in the local time zone of the person running goalsync (as git dates commits);
`GOALSYNC_TODAY=YYYY-MM-DD` sets it for scripts and tests.

- A check-in is dated no later than today and no earlier than the goal's `created` date: `goalsync
  checkin` (and `--amend --on`) refuses other dates; a file that has one is reported by the
  `checkin-date` lint.
- `timeframe.end` before today is a warning on `goalsync new` and `goalsync set` (the `past-end`
  lint), and an error on `goalsync activate`, which names the field to change: `goalsync set ID
  timeframe.end YYYY-MM-DD`.
- `goalsync activate` sets `timeframe.start` to today when it is missing, and says which start date
  the goal runs from.

"""#
}
