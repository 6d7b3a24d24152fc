import ArgumentParser
import Foundation
import GoalSyncCore

struct Report: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show how each goal is going: key results, pace, confidence, check-ins.",
        discussion: """
            Per key result: baseline → current → target, progress ((current − baseline) / (target − baseline); \
            "no check-in yet" before its first), and pace: the progress \
            expected from the time gone in the goal's timeframe against the actual (ahead, on pace \
            within 5 points, or behind). Guardrails (stay_above / stay_below) are listed apart, held \
            or BREACHED, and never count in progress; a correction (checkin --amend) counts in place \
            of the check-in it corrects (goalsync help progress). Then the latest confidence and its trend over the last three \
            check-ins; days since the last check-in, flagged stale past the cadence (the goal's \
            cadence_days, else the config's). Achieved and abandoned goals show their outcome and \
            closed.reason. Dates are as of today (GOALSYNC_TODAY=YYYY-MM-DD sets it).
            --html FILE writes one self-contained page (no network; inline CSS and SVG charts) for \
            stakeholders, readable on a phone and printable: first the vision, the strategy and the \
            North Star with its check-ins; then the active goal and its lens, a chart per key result \
            and its guardrails (stay_above/stay_below, held or breached) apart, its sprint goals with \
            their status, its check-ins with their notes, the key results of open goals by framework \
            (HEART, AARRR, EBM), the other goals, its history in sentences, and who took part.
            --json prints {format, today, product, vision: {front_matter, body}, active, goals: [{id, title, \
            status, order, owner, timeframe: {start, end}, progress, expected, pace, confidence, \
            confidence_trend, last_checkin, days_since_checkin, cadence_days, stale, \
            breached_guardrails, recent_confidence, metrics: [{id, name, unit, direction, baseline, \
            target, current, progress, last_checkin, confidence, guardrail, guardrail_state, \
            expected, pace, confidence_trend, recent_confidence, checkins: [{id, on, by, value, \
            confidence, note, supersedes, superseded}]}], closed: {outcome, on, reason}}], \
            unreadable, contributors: [{name, email, roles, commits, created, proposed, edits, \
            checkins, activated, closed, renamed, deleted, fields, first, last}]}; active is the \
            active goal's entry, or null; contributors are who took part in the active goal, from \
            the history (empty without one).
            Without --json or --html, the text report ends with the active goal's check-ins and who \
            took part in it.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON.") var json = false
    @Option(help: ArgumentHelp("Write the report as one self-contained HTML page to FILE.", valueName: "FILE")) var html: String?

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            if let html {
                let page = try Reporter(repo).htmlReport()
                let path = try writeUserFile(Array(page.utf8), to: html, what: "the report")
                if !json { Output.err("wrote \(path)") }
            }
            let report = Reporter(repo).progressReport()
            for p in report.problems { Output.err(p.formatted) }
            if html != nil && !json { return }
            let contributors = try Reporter(repo).activeGoalHistory(report).contributors
            if json {
                guard case .object(var fields) = report.json else { return }
                fields.append(("contributors", .array(contributors?.people.map(\.json) ?? [])))
                printJSON(JSONValue.object(fields))
                return
            }
            let text = ReportText(style: .stdout)
            for line in text.lines(report) { print(line) }
            if let active = report.active {
                let checkins = text.checkinTimelineLines(active)
                if !checkins.isEmpty { print("\n" + text.style.bold("Check-ins of \(active.id ?? "the active goal")")); checkins.forEach { print($0) } }
                if let people = contributors?.people, !people.isEmpty {
                    print("\n" + text.style.bold("Who took part in \(active.id ?? "the active goal")"))
                    text.contributorLines(people).forEach { print($0) }
                }
            }
        }
    }
}

/// The terminal rendering of the progress report, and the lines `status` adds.
struct ReportText {
    let style: TextStyle

    func lines(_ report: ProgressReport) -> [String] {
        var out = [String]()
        var head = style.bold(report.product ?? "Goals")
        if let v = report.vision?.frontMatter["vision"]?.scalarText { head += " — " + v }
        out.append(head)
        out.append(style.dim("as of \(report.today)"))
        out += visionLines(report)
        if let a = report.active {
            out.append("")
            out += activeGoalLines(a)
        } else {
            out.append("")
            out.append(noActiveGoalLine(unreadable: report.problems.count))
        }
        for status in ["proposed", "draft"] {
            let group = report.goals.filter { $0.status == status }
            guard !group.isEmpty else { continue }
            out.append("")
            out.append(style.bold(status.capitalized))
            out += tableLines(header: ["ORDER", "ID", "PROGRESS", "TITLE"], rows: group.map { g in
                [g.goal.order.map(String.init) ?? "", g.id ?? "?", overallText(g.progress), g.title ?? ""]
            }, indent: "  ", style: style)
        }
        for status in ["achieved", "abandoned"] {
            let group = report.goals.filter { $0.status == status }
            guard !group.isEmpty else { continue }
            out.append("")
            out.append(style.bold(status.capitalized))
            out += tableLines(header: ["ID", "CLOSED", "PROGRESS", "WHY"], rows: group.map { g in
                [g.id ?? "?", g.closed?.on ?? "—", percent(g.progress.overall), g.closed?.reason ?? ""]
            }, indent: "  ", style: style)
        }
        out += frameworkLines(report)
        return out
    }

    /// The active goal: its title, pace, check-ins and confidence, and a table of its key results
    /// with progress bars (`report` and `status` both show it).
    func activeGoalLines(_ a: GoalReport) -> [String] {
        var out = [style.bold("Active goal: \(a.id ?? "?")") + " — \(a.title ?? "")"]
        out += activeLines(a).map { "  " + $0 }
        let keyResults = a.metrics.filter { !$0.progress.guardrail }
        let guardrails = a.metrics.filter(\.progress.guardrail)
        if !keyResults.isEmpty {
            out.append("")
            let rows = keyResults.map { m -> [String] in
                let p = m.progress
                return [
                    p.id, "\(number(p.baseline)) → \(number(p.current)) → \(number(p.target))\(p.unit.map { " " + $0 } ?? "")",
                    progressText(p), paceText(m.pace), confidenceText(p.confidence, m.trend), p.lastCheckin ?? "—",
                ]
            }
            out += tableLines(header: ["KEY RESULT", "BASELINE → CURRENT → TARGET", "PROGRESS", "PACE", "CONFIDENCE", "LAST CHECK-IN"], rows: rows, indent: "  ", style: style)
        }
        if !guardrails.isEmpty {
            out.append("")
            out += tableLines(header: ["GUARDRAIL", "LIMIT", "CURRENT", "STATE", "CONFIDENCE", "LAST CHECK-IN"], rows: guardrails.map { m in
                let p = m.progress
                return [p.id, limitText(p), number(p.current) + (p.current == nil ? "" : p.unit.map { " " + $0 } ?? ""),
                        guardrailText(p), confidenceText(p.confidence, m.trend), p.lastCheckin ?? "—"]
            }, indent: "  ", style: style)
        }
        return out
    }

    /// A goal's progress in a table: a bar and the percentage, "no check-in yet", or "—" when it
    /// has no key result to measure.
    func overallText(_ p: GoalProgress) -> String {
        if let overall = p.overall { return bar(overall, width: 10) + " " + percent(overall) }
        return p.keyResults.isEmpty ? "—" : style.dim("no check-in yet")
    }

    /// A key result's progress: a bar and the percentage, or "no check-in yet".
    func progressText(_ p: MetricProgress) -> String {
        guard let progress = p.progress else { return p.current == nil ? style.dim("no check-in yet") : "—" }
        return bar(progress, width: 10) + " " + percent(progress)
    }

    /// A guardrail's limit: "stay above 99.5 percent".
    func limitText(_ p: MetricProgress) -> String {
        let side = p.direction == MetricDirection.stayAbove.rawValue ? "stay above" : "stay below"
        return "\(side) \(number(p.target))\(p.unit.map { " " + $0 } ?? "")"
    }

    /// held, BREACHED, or no check-in yet.
    func guardrailText(_ p: MetricProgress) -> String {
        switch p.breached {
        case true?: return style.red("BREACHED")
        case false?: return style.green("held")
        case nil: return style.dim(p.current == nil ? "no check-in yet" : "—")
        }
    }

    /// What to say when no goal is active: maybe one is, in a file that cannot be read.
    func noActiveGoalLine(unreadable: Int) -> String {
        guard unreadable > 0 else { return "No active goal. Propose one and run goalsync activate ID." }
        return "No active goal could be read: \(unreadable) goal file\(unreadable == 1 ? "" : "s") cannot be read (listed on stderr); "
            + "fix \(unreadable == 1 ? "it" : "them") first (goalsync validate), one may be the active goal."
    }

    /// Every check-in of a goal, oldest first: when, who, which key result, the value, the
    /// confidence and the note.
    func checkinTimelineLines(_ a: GoalReport) -> [String] {
        let superseded = a.metrics.reduce(into: Swift.Set<String>()) { $0.formUnion($1.superseded) }
        let checkins = a.metrics.flatMap(\.allCheckins).sorted { ($0.on?.dayNumber ?? 0, $0.id) < ($1.on?.dayNumber ?? 0, $1.id) }
        return tableLines(header: ["ON", "BY", "KEY RESULT", "VALUE", "CONFIDENCE", "NOTE"], rows: checkins.map { c in
            var note = c.note ?? ""
            if let old = c.supersedes { note = "corrects \(old)" + (note.isEmpty ? "" : ": " + note) }
            let value = number(c.value) + (superseded.contains(c.id) ? style.dim(" (corrected)") : "")
            return [c.on?.description ?? "—", c.by ?? "—", c.metric ?? "—", value, confidenceText(c.confidence?.rawValue, nil), note]
        }, indent: "  ", style: style)
    }

    /// Who took part in a goal and how, from the history (`goalsync contributors ID` has more).
    func contributorLines(_ people: [GoalContributors.Person]) -> [String] {
        tableLines(header: ["PERSON", "HOW", "COMMITS", "CHECK-INS", "FIRST", "LAST"], rows: people.map { p in
            [p.person, p.roles.joined(separator: ", "), String(p.commits), String(p.checkins), p.first.description, p.last.description]
        }, indent: "  ", style: style)
    }

    /// The lines about the active goal's pace, check-ins and confidence.
    func activeLines(_ a: GoalReport) -> [String] {
        var out = [String]()
        if let s = a.goal.timeframeStart, let e = a.goal.timeframeEnd {
            out.append("timeframe \(s) → \(e)" + (a.elapsed.map { ", \(percent($0)) of the time gone" } ?? ""))
        }
        if let overall = a.progress.overall {
            var progress = "progress  \(bar(overall, width: 20)) \(percent(overall))"
            if let pace = a.pace { progress += "  \(paceText(pace)) (expected \(percent(a.elapsed)))" }
            out.append(progress)
        } else {
            out.append("progress  " + style.dim(a.progress.keyResults.isEmpty ? "no key result to measure" : "no check-in yet"))
        }
        for id in a.breachedGuardrails {
            guard let p = a.progress.metrics.first(where: { $0.id == id }) else { continue }
            out.append(style.red("guardrail \(id) breached") + ": \(number(p.current))\(p.unit.map { " " + $0 } ?? "") against \(limitText(p))")
        }
        out.append(checkinLine(a))
        if let c = a.latestConfidence { out.append("confidence \(confidenceText(c, a.trend))" + (a.recentConfidence.count > 1 ? style.dim("  (last: \(a.recentConfidence.joined(separator: ", ")))") : "")) }
        return out
    }

    /// How long since the last check-in, against the cadence; flagged when stale.
    func checkinLine(_ a: GoalReport) -> String {
        var line: String
        if let d = a.daysSinceCheckin, let last = a.lastCheckin {
            line = "last check-in \(d) day\(d == 1 ? "" : "s") ago (\(last)), cadence \(a.cadenceDays) days"
        } else if a.lastCheckinInFuture, let last = a.lastCheckin {
            line = "last check-in dated \(last), after today: " + style.red("correct its date with goalsync checkin --amend CHECKIN --on YYYY-MM-DD")
        } else {
            line = "no check-in yet, cadence \(a.cadenceDays) days"
        }
        if a.stale { line += " — " + style.red("stale: record one with goalsync checkin \(a.id ?? "ID") METRIC VALUE") }
        return line
    }

    func bar(_ p: Double?, width: Int) -> String {
        let v = min(1, max(0, p ?? 0))
        let full = Int((v * Double(width)).rounded())
        return style.cyan(String(repeating: "█", count: full)) + style.dim(String(repeating: "░", count: width - full))
    }

    func paceText(_ pace: GoalReport.Pace?) -> String {
        switch pace {
        case .ahead?: return style.green("ahead")
        case .onPace?: return style.green("on pace")
        case .behind?: return style.red("behind")
        case nil: return "—"
        }
    }

    func confidenceText(_ confidence: String?, _ trend: GoalReport.Trend?) -> String {
        guard let confidence else { return "—" }
        let c: String
        switch confidence {
        case "on_track": c = style.green(confidence)
        case "off_track": c = style.red(confidence)
        default: c = style.yellow(confidence)
        }
        return c + (trend.map { " (\($0.rawValue))" } ?? "")
    }
}

extension StatusReport {
    /// `status --json` with the active goal's pace, confidence trend and check-in age added.
    func jsonWithProgress(_ repo: GoalRepository) -> JSONValue {
        guard let active, case .object(var fields) = json, let i = fields.firstIndex(where: { $0.0 == "active" }),
            case .object(let activeFields) = fields[i].1
        else { return json }
        fields[i].1 = .object(activeFields + GoalReport(goal: active, today: repo.today, cadenceDays: repo.config.cadenceDays).statusJSON)
        return .object(fields)
    }
}
