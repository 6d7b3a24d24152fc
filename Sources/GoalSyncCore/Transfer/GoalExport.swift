/// `goalsync export`: every goal of the work tree in one document, as CSV (the rows
/// `goalsync import` reads back, see ``GoalTable``), JSON (for a dashboard) or Markdown (for a wiki
/// or a slide).
package enum GoalExport {
    package enum Format: String, CaseIterable, Sendable {
        case csv, json, markdown
    }

    /// The goals (sorted by id) in `format`. `unreadable` are the files that could not be read,
    /// listed in the JSON and the Markdown so that nothing is left out silently.
    package static func render(_ goals: [Goal], unreadable: [Diagnostic], as format: Format) -> String {
        let sorted = goals.sorted { ($0.id ?? "") < ($1.id ?? "") }
        switch format {
        case .csv: return CSV.write(GoalTable.rows(of: sorted))
        case .json: return JSONContract.document(json(sorted, unreadable: unreadable)).text + "\n"
        case .markdown: return markdown(sorted, unreadable: unreadable)
        }
    }

    /// `{format, goals: [{id, path, front_matter, body, progress, metrics, breached_guardrails}], unreadable}`: each goal as
    /// `goalsync show ID --json` shows it.
    package static func json(_ goals: [Goal], unreadable: [Diagnostic]) -> JSONValue {
        .object([
            ("goals", .array(goals.map { goal in
                let progress = GoalProgress(goal: goal)
                return .object([
                    ("id", .optional(goal.id)), ("path", .optional(goal.id.map(GoalPaths.path(forID:)))),
                    ("front_matter", YAMLValue.map(goal.frontMatter).json), ("body", .string(goal.body)),
                    ("progress", .optional(progress.overall)), ("metrics", .array(progress.metrics.map(\.json))),
                    ("breached_guardrails", .array(progress.breachedGuardrails.map { .string($0.id) })),
                ])
            })),
            ("unreadable", .array(unreadable.map(\.json))),
        ])
    }

    /// A heading per goal with its status, owner and timeframe, a table of its key results, and its
    /// check-ins; text from the files is escaped so that it cannot break the table or add markup.
    package static func markdown(_ goals: [Goal], unreadable: [Diagnostic]) -> String {
        var out = ["# Goals", ""]
        if goals.isEmpty { out += ["No goals yet.", ""] }
        for goal in goals {
            let progress = GoalProgress(goal: goal)
            out.append("## \(cell(goal.title ?? goal.id ?? "?")) (`\(goal.id ?? "?")`)")
            out.append("")
            var facts = ["Status: \(goal.status?.rawValue ?? "?")"]
            if let owner = goal.owner { facts.append("owner: \(cell(owner))") }
            if goal.timeframeStart != nil || goal.timeframeEnd != nil {
                facts.append("timeframe: \(goal.timeframeStart?.description ?? "?") to \(goal.timeframeEnd?.description ?? "?")")
            }
            if let p = progress.overall { facts.append("progress: \(percent(p))") }
            out += [facts.joined(separator: "; ") + ".", ""]
            if !progress.metrics.isEmpty {
                out += ["| Key result | Baseline | Current | Target | Progress |", "|---|---:|---:|---:|---:|"]
                for m in progress.metrics {
                    let unit = m.unit.map { " " + cell($0) } ?? ""
                    out.append("| \(cell(m.name ?? m.id)) | \(number(m.baseline))\(unit) | \(number(m.current))\(unit) | \(number(m.target))\(unit) | \(m.guardrailState ?? m.progress.map(percent) ?? "-") |")
                }
                out.append("")
            }
            let checkins = goal.checkins
            let counted = Set(goal.effectiveCheckins.map(\.id))
            if !checkins.isEmpty {
                out.append("Check-ins:")
                out.append("")
                for c in checkins {
                    var line = "- \(c.on?.description ?? "?") \(cell(c.metric ?? "?")) = \(c.value.map(GoalTable.number) ?? "?")"
                    if let confidence = c.confidence { line += " (\(confidence.rawValue))" }
                    if let by = c.by { line += ", \(cell(by))" }
                    if let note = c.note { line += ": \(cell(note))" }
                    if let old = c.supersedes { line += " (corrects \(cell(old)))" }
                    if !counted.contains(c.id) { line += " (corrected)" }
                    out.append(line)
                }
                out.append("")
            }
        }
        if !unreadable.isEmpty {
            out += ["## Files that could not be read", ""]
            out += unreadable.map { "- \(cell($0.formatted))" }
            out.append("")
        }
        return out.joined(separator: "\n")
    }

    /// Text as one Markdown table cell or inline run: line breaks as spaces, `|` and the characters
    /// that start markup escaped.
    static func cell(_ text: String) -> String {
        var out = ""
        for c in text {
            switch c {
            case "\n", "\r", "\r\n": out += " "
            case "|", "\\", "`", "*", "_", "[", "]", "<", ">", "#": out += "\\" + String(c)
            default: out.append(c)
            }
        }
        return out
    }

    static func number(_ v: Double?) -> String { v.map(GoalTable.number) ?? "-" }
    static func percent(_ v: Double) -> String { "\(Int((v * 100).rounded()))%" }
}
