import Foundation

/// `goalsync import FILE.csv`: goals, key results and check-ins from a spreadsheet or an OKR tool
/// (the table of ``GoalTable``), in one commit or not at all.
extension GoalEditor {
    /// What an import added.
    package struct ImportSummary: Sendable {
        package var goals = 0
        package var metrics = 0
        package var checkins = 0
        package var result: CommitResult?
    }

    /// Applies every row: a goal row makes a draft goal (or one with the row's status), a metric row
    /// adds a key result to a goal of the file or of the repository, a check-in row records a value.
    /// Every row that cannot be applied, and every goal that would break the rules, is reported as a
    /// diagnostic of `file` at the row's line (``GoalSyncError/validationFailed(_:)``), and nothing is
    /// written; else one commit holds it all.
    package func importTable(_ rows: [GoalTable.Row], file: String, noVerify: Bool) throws -> ImportSummary {
        var goals = [String: Goal](), order = [String](), introducedAt = [String: Int]()
        var createdHere = Set<String>()  // the goals a goal row of this file creates
        // The row of each key result and check-in added, by "goal/metrics.ID" and "goal/checkins.ID",
        // so that what the format says of one is named at its row.
        var itemLine = [String: Int]()
        var problems = [Diagnostic]()
        var summary = ImportSummary()
        let person = try currentPerson()
        func problem(_ line: Int, _ field: String?, _ message: String) {
            problems.append(Diagnostic(file: file, line: line, field: field, severity: .error, code: "error", message: message))
        }
        /// The goal `id` as the import has it so far: from an earlier row, else from the work tree.
        func goal(_ id: String, line: Int) -> Goal? {
            if let g = goals[id] { return g }
            guard GoalID.isValid(id), FileSystem.exists(absolute(GoalPaths.path(forID: id))) else {
                problem(line, "goal", "no goal '\(id)' in the file (above this row) or in the repository")
                return nil
            }
            do {
                let g = try loadGoalForWriting(id)
                goals[id] = g
                order.append(id)
                introducedAt[id] = line
                return g
            } catch {
                problem(line, "goal", "goal '\(id)' cannot be read: \((error as? GoalSyncError)?.errorDescription ?? "\(error)")")
                return nil
            }
        }
        func typed(_ text: String, _ kind: FieldKind?, _ column: String, line: Int) -> YAMLValue? {
            do {
                return try FieldSchema.value(text, kind: kind, field: column)
            } catch {
                problem(line, column, (error as? GoalSyncError)?.errorDescription ?? "\(error)")
                return nil
            }
        }
        for row in rows {
            switch row.kind {
            case .goal:
                let title = row["title"] ?? ""
                let id = row["goal"] ?? {
                    var candidate = GoalID.make(forTitle: title)
                    while goals[candidate] != nil || FileSystem.exists(absolute(GoalPaths.path(forID: candidate))) { candidate = GoalID.make(forTitle: title) }
                    return candidate
                }()
                guard GoalID.isValid(id) else {
                    problem(row.line, "goal", GoalSyncError.invalidID(id).errorDescription ?? id)
                    continue
                }
                let path = GoalPaths.path(forID: id)
                if goals[id] != nil || FileSystem.exists(absolute(path)) || (try? git.headTree()?.entry(at: path)) != nil {
                    problem(row.line, "goal", "a goal with id '\(id)' already exists; give this row another id, or leave the goal column empty")
                    continue
                }
                var fm = YAMLMap()
                fm["id"] = .string(id)
                fm["title"] = .string(title)
                fm["status"] = .string(GoalStatus.draft.rawValue)
                fm["owner"] = .string(row["owner"] ?? person)
                fm["created"] = .plain(today.description)
                var g = Goal(frontMatter: fm, body: "\n# Why now\n\nThe narrative: context, decisions and links, in the team's own words.\n")
                if let status = row["status"], let value = typed(status, FieldSchema.goalFields["status"], "status", line: row.line) { g["status"] = value }
                var failed = false
                for (column, field) in [("start", "timeframe.start"), ("end", "timeframe.end"), ("persona", "persona"), ("problem", "problem")] {
                    guard let value = row[column] else { continue }
                    do {
                        try apply(field: field, value: value, to: &g, reason: nil)
                    } catch {
                        problem(row.line, column, (error as? GoalSyncError)?.errorDescription ?? "\(error)")
                        failed = true
                    }
                }
                if failed { continue }
                goals[id] = g
                order.append(id)
                introducedAt[id] = row.line
                createdHere.insert(id)
                summary.goals += 1
            case .metric:
                guard let id = row["goal"], var g = goal(id, line: row.line), let metric = row["metric"] else { continue }
                if g.metrics.contains(where: { $0.id == metric }) {
                    problem(row.line, "metric", "goal '\(id)' already has a metric '\(metric)'")
                    continue
                }
                var item = YAMLMap()
                item["id"] = .string(metric)
                var complete = true
                for column in ["name", "unit", "direction", "baseline", "target"] {
                    guard let text = row[column] else { continue }
                    guard let value = typed(text, FieldSchema.metricFields[column], column, line: row.line) else { complete = false; continue }
                    item[column] = value
                }
                guard complete else { continue }
                g["metrics"] = .list((g["metrics"]?.list ?? []) + [.map(item)])
                itemLine["\(id)/metrics.\(metric)"] = row.line
                goals[id] = g
                summary.metrics += 1
            case .checkin:
                guard let id = row["goal"], var g = goal(id, line: row.line), let metric = row["metric"], let valueText = row["value"] else { continue }
                guard g.metrics.contains(where: { $0.id == metric }) else {
                    problem(row.line, "metric", "goal '\(id)' has no metric '\(metric)'; add it with a metric row above this one")
                    continue
                }
                if let status = g.status, status.isFinal {
                    problem(row.line, "goal", "goal '\(id)' is \(status.rawValue); closed goals take no check-ins")
                    continue
                }
                var entry = YAMLMap()
                let checkinID = GoalID.makeCheckinID()
                entry["id"] = .string(checkinID)
                itemLine["\(id)/checkins.\(checkinID)"] = row.line
                guard let on = typed(row["on"] ?? today.description, .date, "on", line: row.line),
                    let value = typed(valueText, .number, "value", line: row.line)
                else { continue }
                if let day = SimpleDate(row["on"] ?? ""), day > today {
                    problem(row.line, "on", "check-in date \(day) is after today (\(today)); a check-in records a value measured")
                    continue
                }
                entry["on"] = on
                // A goal this import creates existed as data since its earliest check-in: its
                // created date goes back to it, so no check-in predates the goal (checkin-date).
                if createdHere.contains(id), let day = on.date, let created = g["created"]?.date, day < created {
                    g["created"] = .plain(day.description)
                }
                entry["by"] = .string(row["by"] ?? person)
                entry["metric"] = .string(metric)
                entry["value"] = value
                if let c = row["confidence"] {
                    guard let confidence = typed(c, FieldSchema.checkinFields["confidence"], "confidence", line: row.line) else { continue }
                    entry["confidence"] = confidence
                }
                if let note = row["note"] { entry["note"] = .string(note) }
                g["checkins"] = .list((g["checkins"]?.list ?? []) + [.map(entry)])
                goals[id] = g
                summary.checkins += 1
            }
        }
        // Each goal against the format and the lint's errors, named at the row that brought it.
        for id in order {
            guard let g = goals[id] else { continue }
            for d in repository.validator.validate(g, path: GoalPaths.path(forID: id)) where d.severity == .error {
                // `metrics.ID.name` → the row of metric ID; anything else → the goal's row.
                let parts = (d.field ?? "").split(separator: ".", maxSplits: 2)
                let item = parts.count >= 2 ? itemLine["\(id)/\(parts[0]).\(parts[1])"] : nil
                problem(item ?? introducedAt[id] ?? 1, d.field, "goal '\(id)': \(d.message)")
            }
        }
        guard problems.isEmpty else { throw GoalSyncError.validationFailed(problems.sorted { ($0.line ?? 0) < ($1.line ?? 0) }) }
        let parts = [(summary.goals, "goal"), (summary.metrics, "key result"), (summary.checkins, "check-in")]
            .filter { $0.0 > 0 }.map { "\($0.0) \($0.1)\($0.0 == 1 ? "" : "s")" }
        let name = (file as NSString).lastPathComponent
        summary.result = try commitGoals(order.compactMap { goals[$0] }, verb: "import", summary: "\(parts.joined(separator: ", ")) from \(name)", noVerify: noVerify)
        return summary
    }
}
