import ArgumentParser
import Foundation
import GoalSyncCore

struct List: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List the goals, ordered by order then id.",
        discussion: "--json prints {format, goals: [{id, title, status, order, owner: {name, email}, timeframe: {start, end}, progress, path}], unreadable: [{file, line, field, severity, code, message}]}.")

    @OptionGroup var global: GlobalOptions
    @Option(help: "Only goals with this status (draft, proposed, active, achieved, abandoned).", completion: Completions.statuses) var status: String?
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if let status, GoalStatus(rawValue: status) == nil {
            throw ValidationError("--status is one of \(GoalStatus.allCases.map(\.rawValue).joined(separator: ", ")), not '\(status)'")
        }
    }

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let (all, problems) = repo.loadAllGoals()
            var goals = all.filter { status == nil || $0["status"]?.scalarText == status }
            goals.sort { ($0.order ?? Int.max, $0.id ?? "") < ($1.order ?? Int.max, $1.id ?? "") }
            for p in problems { Output.err(p.formatted) }
            if json {
                printJSON(.object([("goals", JSONValue.array(goals.map { g in
                    .object([
                        ("id", .optional(g.id)), ("title", .optional(g.title)), ("status", .optional(g["status"]?.scalarText)),
                        ("order", .optional(g.order)), ("owner", .person(g.owner)),
                        ("timeframe", .object([("start", .optional(g.timeframeStart?.description)), ("end", .optional(g.timeframeEnd?.description))])),
                        ("progress", .optional(GoalProgress(goal: g).overall)),
                        ("path", .optional(g.id.map(GoalPaths.path(forID:)))),
                    ])
                })), ("unreadable", .array(problems.map(\.json)))]))
                return
            }
            if goals.isEmpty {
                print(all.isEmpty ? "No goals yet. Create one with: goalsync new \"TITLE\"" : "No \(status ?? "") goals.")
                return
            }
            let rows = goals.map { g in
                [g.id ?? "?", g["status"]?.scalarText ?? "?", g.order.map(String.init) ?? "", percent(GoalProgress(goal: g).overall), g.title ?? ""]
            }
            printTable(header: ["ID", "STATUS", "ORDER", "PROGRESS", "TITLE"], rows: rows)
        }
    }
}

/// Prints aligned columns (the last one unpadded).
func printTable(header: [String], rows: [[String]]) {
    for line in tableLines(header: header, rows: rows, style: TextStyle(enabled: false)) { print(line) }
}

struct Show: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show one goal: its file and its progress.",
        discussion: """
            Below the file: the goal's progress (the mean of its key results, each clamped to \
            0–100%; "no check-in yet" until one has a check-in) and its guardrails (stay_above / \
            stay_below metrics: held or BREACHED, never part of progress). goalsync help progress \
            gives the formulas.
            --json prints {format, id, path, front_matter, body, progress, metrics: [{id, name, unit, \
            direction, baseline, target, current, progress, last_checkin, confidence, guardrail, \
            guardrail_state}], breached_guardrails}.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "The goal's id.", completion: Completions.goalIDs) var id: String
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let id = try repo.resolveGoalID(self.id)
            let goal = try repo.loadGoal(id)
            let progress = GoalProgress(goal: goal)
            if json {
                printJSON(JSONValue.object([
                    ("id", .string(id)), ("path", .string(GoalPaths.path(forID: id))),
                    ("front_matter", YAMLValue.map(goal.frontMatter).json), ("body", .string(goal.body)),
                    ("progress", .optional(progress.overall)), ("metrics", .array(progress.metrics.map(\.json))),
                    ("breached_guardrails", .array(progress.breachedGuardrails.map { .string($0.id) })),
                ]))
                return
            }
            print(goal.text, terminator: goal.body.hasSuffix("\n") || goal.body.isEmpty ? "" : "\n")
            let text = ReportText(style: TextStyle(enabled: false))
            if !progress.keyResults.isEmpty {
                print("\nProgress: \(progress.overall.map(percent) ?? "no check-in yet")")
                for m in progress.keyResults {
                    let shown = m.progress.map(percent) ?? (m.current == nil ? "no check-in yet" : "—")
                    print("  \(m.id): \(number(m.baseline)) → \(number(m.current)) → \(number(m.target)) \(m.unit ?? "")  \(shown)")
                }
            }
            if !progress.guardrails.isEmpty {
                print("\nGuardrails (never part of progress):")
                for m in progress.guardrails {
                    let state = m.breached.map { $0 ? "BREACHED" : "held" } ?? (m.current == nil ? "no check-in yet" : "—")
                    print("  \(m.id): \(text.limitText(m)), now \(number(m.current))  \(state)")
                }
            }
        }
    }
}

struct Status: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "The active goal and its progress, the branch against its upstream, pending conflicts.",
        discussion: """
            Exit 1 while a stopped pull has conflicts to settle.
            --json prints {format, branch, upstream, ahead, behind, merging, conflicts: [{goal, path, field, \
            base, ours, theirs, ours_by: {name, email, date}, theirs_by: {name, email, date}, resolution}], active_conflict: {goals, resolution}, \
            active: {id, title, timeframe: {start, end}, progress, metrics: [{id, name, unit, \
            direction, baseline, target, current, progress, last_checkin, confidence, guardrail, \
            guardrail_state}], expected, pace, confidence, confidence_trend, last_checkin, \
            days_since_checkin, cadence_days, stale, breached_guardrails}, active_goals, goals: {<status>: <count>}, unreadable: [{file, line, field, \
            severity, code, message}]}.
            upstream, ahead and behind are null without an upstream. conflicts are the stopped \
            pull's, one per goal and field (empty when no pull is stopped; a merge plain git stopped \
            is read field by field as goalsync pull would have stopped it): base, ours and theirs \
            values, who wrote ours and theirs, and resolution (ours, theirs, base or value; null \
            while pending). active_conflict names two goals activated concurrently and the one \
            chosen (resolve --active), else null. active_goals lists every active goal (more than one \
            breaks the one-active rule; status names them all). active is the active goal, or null: progress and \
            expected are fractions (1 = 100%; expected is what the time gone in the timeframe \
            calls for), pace is ahead, on_pace or behind, confidence the latest check-in's, \
            confidence_trend improving, steady or worsening over the last three, days_since_checkin \
            since the latest check-in (null when it is dated after today), stale true when that is \
            past cadence_days. progress is null until a key result has a check-in; guardrails \
            (stay_above / stay_below) are never in it: guardrail_state is held or breached, and \
            breached_guardrails lists the breached ones (goalsync help progress). goals counts the \
            goals by status; unreadable lists goal files that could not be read.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let report = try Reporter(repo).statusReport()
            if json {
                printJSON(report.jsonWithProgress(repo))
                return
            }
            var branchLine = "On branch \(report.branch ?? "(detached HEAD)")"
            if let upstream = report.upstream, let a = report.ahead, let b = report.behind {
                branchLine += a == 0 && b == 0 ? ", up to date with \(upstream)" : ", \(a) ahead and \(b) behind \(upstream)"
            } else if report.branch != nil {
                branchLine += ", no upstream yet (goalsync push sets it)"
            }
            print(branchLine)
            if report.merging && report.mergeState == nil {
                print("A merge started by plain git is in progress: finish it with git add and git commit (or git merge --continue), or undo it with git merge --abort.")
            }
            if let active = report.active {
                let goal = GoalReport(goal: active, today: repo.today, cadenceDays: repo.config.cadenceDays)
                print("\n" + ReportText(style: .stdout).activeGoalLines(goal).joined(separator: "\n"))
            } else {
                print("\n" + ReportText(style: .stdout).noActiveGoalLine(unreadable: report.problems.count))
            }
            if report.activeGoals.count > 1, report.mergeState?.active == nil {
                let ids = report.activeGoals
                print("\n\(ids.count) goals are active: \(ids.joined(separator: ", ")). Only one Product Goal is active at a time: keep one with goalsync activate ID --close achieved|abandoned --reason TEXT, which closes the others.")
            }
            if !report.counts.isEmpty {
                print("\nGoals: " + report.counts.map { "\($0.count) \($0.status)" }.joined(separator: ", "))
            }
            for p in report.problems { Output.err(p.formatted) }
            if let state = report.mergeState {
                if state.startedBy == "git" {
                    print("\nMerge of \(state.source) in progress, started by plain git; goalsync reads it field by field:")
                } else {
                    print("\nPull of \(state.source) in progress:")
                }
                for (path, blob) in (state.kept ?? [:]).sorted(by: { $0.key < $1.key }) {
                    print("  note: \(path) held conflict markers goalsync did not write; the file as it was is kept (git show \(blob.prefix(12)))")
                }
                for c in state.conflicts {
                    let mark = c.resolution.map { "settled (\($0))" } ?? "CONFLICT"
                    print("  \(mark): \(c.goal ?? c.path) \(c.field)")
                    if c.resolution == nil {
                        if c.field != "body" {
                            print("    base:   \(c.base ?? "(absent)")")
                            print("    ours:   \(c.ours ?? "(absent)")\(c.oursBy.map { "   — \($0)" } ?? "")")
                            print("    theirs: \(c.theirs ?? "(absent)")\(c.theirsBy.map { "   — \($0)" } ?? "")")
                        } else {
                            print("    the body changed on both sides (ours — \(c.oursBy ?? "?"); theirs — \(c.theirsBy ?? "?"))")
                        }
                        print("    settle: goalsync resolve \(c.goal ?? c.path) \(c.field) --ours|--theirs|--base|--value V")
                    }
                }
                if let a = state.active {
                    print("  \(a.resolution == nil ? "CONFLICT" : "settled (\(a.resolution!))"): goals activated concurrently: \(a.goals.joined(separator: ", "))")
                    if a.resolution == nil { print("    settle: goalsync resolve --active ID") }
                }
                if !state.message.isEmpty { print("  to fix by editing:\n" + state.message.split(separator: "\n").map { "    \($0)" }.joined(separator: "\n")) }
                if !state.message.isEmpty {
                    print("Fix what is listed to fix and stage it (git add)\(state.isSettled ? "" : ", settle the conflicts"); then goalsync pull --continue checks the files again and commits; or goalsync pull --abort returns to before the pull.")
                } else {
                    let before = state.startedBy == "git" ? "before git's merge (git merge --abort does too)" : "before the pull"
                    print(state.isSettled
                        ? "All settled: goalsync pull --continue commits the merge (or goalsync pull --abort returns to \(before))."
                        : "Then goalsync pull --continue commits the merge; or goalsync pull --abort returns to \(before).")
                }
                if !state.isSettled { throw ExitCode(1) }
            } else {
                print("No conflicts.")
            }
        }
    }
}

struct Validate: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Check goal files against the schema, the rules and the lint (goalsync help lint).",
        discussion: """
            Without PATH, every goal in the working tree. --staged checks exactly what the next \
            commit would contain (the pre-commit hook runs it): changed files in full, and the rules \
            across files (one active goal, unique ids) over the whole staged tree. Lint severities \
            come from .goalsync/config.yaml. A file whose YAML goes past goalsync's bounds (more than \
            10,000 aliases or 100,000 values made by aliases, nesting deeper than 100 levels, more \
            than 1,000,000 values, over 1 MiB) is an error, like any file that cannot be read. Exit 1 \
            when there is an error.
            --rev REV checks the tree of one commit and --range A..B every commit git rev-list A..B \
            lists (--range REV: every commit reachable from REV), each on its own: every goal file \
            valid, unique ids, at most one active goal, VISION.md, and no path a goalsync clone \
            refuses (.git, .., symbolic links, submodules...). They read commits only, so they work in \
            a bare repository and in CI; errors only, no lint. Each problem is printed as \
            commit ID "SUBJECT": FILE:LINE: error: FIELD: MESSAGE. Exit 1 when a commit breaks a rule, \
            2 when a revision is unknown or the repository cannot be read.
            --json prints {format, files, errors, warnings, diagnostics: [{file, line, field, severity, code, message}]}; \
            with --rev or --range also commits (how many were checked), and each diagnostic has its commit.
            """)

    @OptionGroup var global: GlobalOptions
    @Argument(help: "Goal files to check in full (the rules across files still cover all goals).") var paths: [String] = []
    @Flag(help: "Check what is staged for the next commit.") var staged = false
    @Option(help: ArgumentHelp("Check the tree of one commit (no work tree needed).", valueName: "REV")) var rev: String?
    @Option(help: ArgumentHelp("Check every commit of A..B (as git rev-list A..B), or every commit reachable from REV.", valueName: "A..B")) var range: String?
    @Flag(help: "Print JSON.") var json = false
    @Flag(help: "Print only problems, no summary line.") var quiet = false

    func run() throws {
        if rev != nil || range != nil {
            try goalsync.run {
                guard rev == nil || range == nil else { throw GoalSyncError.usage("give --rev or --range, not both") }
                guard !staged, paths.isEmpty else { throw GoalSyncError.usage("--rev and --range check commits; give no PATH and no --staged with them") }
                try Self.checkCommits(rev: rev, range: range, json: json, quiet: quiet, in: global.path)
            }
            return
        }
        try Self.check(paths: paths, staged: staged, json: json, quiet: quiet, in: global.path)
    }

    /// `--rev` / `--range`: the commits' trees, read from the object database (a bare repository
    /// will do).
    static func checkCommits(rev: String?, range: String?, json: Bool, quiet: Bool, in directory: String) throws {
        // Each commit's goals/ tree and its parent's are read several times: keep them parsed.
        GitRuntime.keepParsedTrees(upTo: 16 << 20)
        let repo = try GoalRepository.openForCommitChecks(at: directory, environment: ProcessInfo.processInfo.environment)
        let report = try rev.map { try RepositoryChecks(repo).checkRevision($0) } ?? RepositoryChecks(repo).checkRange(range ?? "")
        let errors = report.problems.reduce(0) { $0 + $1.diagnostics.count }
        if json {
            let diagnostics = report.problems.flatMap { p in
                p.diagnostics.map { d -> JSONValue in
                    guard case .object(let fields) = d.json else { return d.json }
                    return .object([("commit", .string(p.commit))] + fields)
                }
            }
            printJSON(JSONValue.object([
                ("files", .number(Double(report.goalFiles))), ("commits", .number(Double(report.checked))),
                ("errors", .number(Double(errors))), ("warnings", .number(0)), ("diagnostics", .array(diagnostics)),
            ]))
        } else {
            for problem in report.problems {
                for d in problem.diagnostics { print("commit \(problem.label): \(oneLine(d.formatted))") }
            }
            if !quiet || errors > 0 {
                let n = report.checked, bad = report.problems.count
                print("\(n) commit\(n == 1 ? "" : "s") checked: \(bad) with errors, \(errors) error\(errors == 1 ? "" : "s")")
            }
        }
        if errors > 0 { throw ExitCode(1) }
    }

    /// The command's work, also called without the argument parser for the pre-commit hook's
    /// `validate --staged --quiet` (see `GoalSync.hotCommand`).
    static func check(paths: [String], staged: Bool, json: Bool, quiet: Bool, in directory: String) throws {
        try goalsync.run {
            let diagnostics: [Diagnostic]
            var fileCount: Int
            if staged {
                if !paths.isEmpty { throw GoalSyncError.usage("--staged checks the whole index; give no PATH with it") }
                // A hook goalsync runs for its own commit (set, checkin, ...), e.g. the pre-commit
                // framework's goalsync-validate: that commit was validated in process already.
                if ProcessInfo.processInfo.environment["GOALSYNC_IN_PROCESS"] == "1", !json { return }
                (diagnostics, fileCount) = try RepositoryChecks.staged(in: directory, environment: ProcessInfo.processInfo.environment)
            } else {
                let repo = try GoalRepository.open(at: directory)
                let cwd = URL(fileURLWithPath: directory).standardizedFileURL.path
                let relative = try paths.map { p -> String in
                    let abs = URL(fileURLWithPath: p.hasPrefix("/") ? p : cwd + "/" + p).standardizedFileURL.path
                    guard abs.hasPrefix(repo.root + "/") else { throw GoalSyncError.usage("\(p) is outside the goal repository \(repo.root)") }
                    let rel = String(abs.dropFirst(repo.root.count + 1))
                    guard GoalPaths.isGoalFile(rel) || rel == GoalPaths.vision else {
                        throw GoalSyncError.usage("\(p) is not a goal file (goals/ID.md) or VISION.md")
                    }
                    guard FileSystem.exists(abs) else { throw GoalSyncError.usage("\(p) does not exist") }
                    return rel
                }
                diagnostics = RepositoryChecks(repo).validateWorkingTree(paths: relative.isEmpty ? nil : relative)
                fileCount = relative.isEmpty ? repo.workingGoalPaths().count : relative.count
            }
            let errors = diagnostics.filter { $0.severity == .error }.count
            let warnings = diagnostics.filter { $0.severity == .warning }.count
            if json {
                printJSON(JSONValue.object([
                    ("files", .number(Double(fileCount))), ("errors", .number(Double(errors))), ("warnings", .number(Double(warnings))),
                    ("diagnostics", .array(diagnostics.map(\.json))),
                ]))
            } else {
                let style = TextStyle.stdout
                for d in diagnostics { print(d.formatted(style: style)) }
                if !quiet || errors > 0 {
                    let summary = "\(fileCount) goal file\(fileCount == 1 ? "" : "s") checked: \(errors) error\(errors == 1 ? "" : "s"), \(warnings) warning\(warnings == 1 ? "" : "s")"
                    print(summary)
                }
            }
            if errors > 0 { throw ExitCode(1) }
        }
    }
}
