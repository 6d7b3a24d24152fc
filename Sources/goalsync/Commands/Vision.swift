import ArgumentParser
import Foundation
import GoalSyncCore

struct VisionCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "vision",
        abstract: "Show or set the Product Vision, the strategy and the North Star metric (VISION.md).",
        usage: """
            goalsync vision [--json]
              goalsync vision --set FIELD=VALUE [--set FIELD=VALUE]...
              goalsync vision checkin VALUE [--note TEXT] [--on DATE] [--confidence C]
            """,
        discussion: """
            Every Product Goal is a step toward the vision; the North Star is the one number that \
            shows the product getting there. Each change is one commit.
              goalsync vision
              goalsync vision --set vision="Every small team knows what matters this week" --set strategy="Win small teams first"
              goalsync vision --set north_star.name="Weekly active teams" --set north_star.unit=teams --set north_star.target=2000
              goalsync vision checkin 1240 --note "Invite flow live"
            Fields: product, vision, strategy, north_star.name, north_star.unit, north_star.direction, \
            north_star.baseline, north_star.target, north_star.framework (a HEART, AARRR or EBM \
            category). An empty VALUE removes an optional field.
            """,
        subcommands: [VisionShow.self, VisionCheckin.self],
        defaultSubcommand: VisionShow.self)
}

struct VisionShow: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "show",
        abstract: "Show VISION.md (the default), or set its fields with --set.",
        discussion: """
            --json prints {format, product, vision, strategy, north_star: {name, unit, direction, \
            baseline, target, framework, current, current_on} or null, checkins: [{id, on, by, value, \
            confidence, note}], body, problems: [{file, line, field, severity, code, message}]}. \
            current is the latest check-in's value. problems are what goalsync validate says of \
            VISION.md (a placeholder still there is a warning).
            With --set, each FIELD=VALUE is written and committed in one commit.
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Option(name: .customLong("set"), help: ArgumentHelp("Set a field: FIELD=VALUE (repeatable): vision, strategy, product, north_star.name, north_star.unit, …", valueName: "FIELD=VALUE"))
    var sets: [String] = []
    @Flag(help: "Print JSON.") var json = false

    func validate() throws {
        if json && !sets.isEmpty { throw ValidationError("--json shows VISION.md; run --set without it") }
    }

    func run() throws {
        try goalsync.run {
            if !sets.isEmpty {
                let repo = try global.open()
                report(try GoalEditor(repo).setVision(sets, noVerify: commit.noVerify), nothing: "VISION.md already says so; nothing to commit")
                return
            }
            let repo = try global.openDespiteConfig()
            let (vision, problems) = Reporter(repo).visionView()
            if json {
                printJSON(vision?.json(problems: problems) ?? .object([
                    ("product", .null), ("vision", .null), ("strategy", .null), ("north_star", .null), ("checkins", .array([])),
                    ("body", .string("")), ("problems", .array(problems.map(\.json))),
                ]))
                return
            }
            if let vision { printVision(vision) }
            for d in problems { Output.err(d.formatted) }
        }
    }

    private func printVision(_ v: GoalSyncCore.Vision) {
        if let product = v.product { print(product + "\n") }
        var rows = [[String]]()
        rows.append(["Vision", v.statement ?? "—"])
        rows.append(["Strategy", v.strategy ?? "— (goalsync vision --set strategy='...')"])
        if let ns = v.northStar {
            let unit = ns.unit.map { " " + $0 } ?? ""
            var line = "\(ns.name ?? "?"): "
            if let c = v.current {
                line += "\(number(c.value))\(unit) on \(c.on?.description ?? "?")"
            } else {
                line += "no check-in yet"
            }
            var facts = [String]()
            if ns.baseline != nil { facts.append("baseline \(number(ns.baseline))") }
            if ns.target != nil { facts.append("target \(number(ns.target))") }
            if let f = ns.framework { facts.append("\(f.families.joined(separator: "/")) \(f.label)") }
            if !facts.isEmpty { line += " (" + facts.joined(separator: ", ") + ")" }
            rows.append(["North Star", line])
        } else {
            rows.append(["North Star", "— (goalsync vision --set north_star.name='...' --set north_star.unit=...)"])
        }
        for r in rows { print(r[0].padding(toLength: 12, withPad: " ", startingAt: 0) + r[1]) }
        let checkins = v.datedCheckins
        if !checkins.isEmpty {
            print("\nNorth Star check-ins")
            printTable(header: ["ON", "VALUE", "BY", "NOTE"], rows: checkins.reversed().map { c in
                [c.on?.description ?? "", number(c.value), c.by ?? "", c.note ?? ""]
            })
        }
    }
}

struct VisionCheckin: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "checkin",
        abstract: "Record the North Star's value and commit.",
        discussion: """
            Appends a check-in {id, on, by, value, confidence, note} to VISION.md; check-ins are \
            never changed afterwards, so two people checking in offline both keep theirs. The \
            North Star's current value is its latest check-in.
              goalsync vision checkin 1240 --note "Invite flow live for everyone"
            """)

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: "The measured value.") var value: String
    @Option(help: "What happened.") var note: String?
    @Option(help: "The date measured (default: today), YYYY-MM-DD; not after today.") var on: String?
    @Option(help: "on_track, at_risk or off_track.", completion: Completions.confidences) var confidence: String?

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let (checkin, result) = try GoalEditor(repo).northStarCheckin(value: value, note: note, on: on, confidence: confidence, noVerify: commit.noVerify)
            lintNote(result)
            print("checked in \(checkin) (commit \(result.commit.prefix(8)))")
        }
    }
}

extension ReportText {
    /// Under the report's title: the strategy and the North Star with its current value.
    func visionLines(_ report: ProgressReport) -> [String] {
        guard let doc = report.vision else { return [] }
        let v = GoalSyncCore.Vision(document: doc)
        var out = [String]()
        if let s = v.strategy, !s.isEmpty { out.append("Strategy: " + s) }
        if let ns = v.northStar, let name = ns.name {
            let unit = ns.unit.map { " " + $0 } ?? ""
            var line = "North Star: \(name) "
            if let c = v.current { line += "\(number(c.value))\(unit) on \(c.on?.description ?? "?")" } else { line += "(no check-in yet)" }
            if ns.target != nil { line += ", target \(number(ns.target))\(unit)" }
            out.append(line)
        }
        return out
    }

    /// The key results of the goals not closed, grouped by framework category.
    func frameworkLines(_ report: ProgressReport) -> [String] {
        var rows = [[String]]()
        for f in MetricFramework.allCases {
            for g in report.goals where !(g.goal.status?.isFinal ?? false) {
                for m in g.goal.metrics where g.goal.metricFramework(m.id) == f {
                    rows.append([f.families.joined(separator: "/"), f.label, g.id ?? "?", m.id])
                }
            }
        }
        guard !rows.isEmpty else { return [] }
        return ["", style.bold("Key results by framework")]
            + tableLines(header: ["FRAMEWORK", "CATEGORY", "GOAL", "KEY RESULT"], rows: rows, indent: "  ", style: style)
    }
}
