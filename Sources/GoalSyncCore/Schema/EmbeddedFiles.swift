// Written by scripts/embed-resources.py from the files named below. Do not edit by hand.

/// The project files the binary carries: schemas for editors and tools, and the hooks.
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
          "description": "Context for the value: what changed, what the team will do.",
          "type": "string"
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
        "sprint-link": { "$ref": "#/$defs/severity", "title": "sprint-link", "description": "A goal carries sprint_goals only while active." }
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
}
