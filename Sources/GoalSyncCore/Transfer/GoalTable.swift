/// Goals as a table, for `goalsync export --format csv` and `goalsync import FILE.csv`: one row per
/// goal, per key result (metric) and per check-in, told apart by the `kind` column, so a team can move
/// in from a spreadsheet or an OKR tool and feed a dashboard.
///
/// Columns (a header row names them, in any order; empty cells are absent values):
/// `kind` (`goal`, `metric` or `checkin`), `goal` (the goal's id), `title`, `status`, `owner`,
/// `start`, `end` (the timeframe), `persona`, `problem`, `metric` (a metric's id), `name`, `unit`,
/// `direction`, `baseline`, `target`, `on`, `value`, `confidence`, `note`, `by`.
package enum GoalTable {
    package static let columns = [
        "kind", "goal", "title", "status", "owner", "start", "end", "persona", "problem",
        "metric", "name", "unit", "direction", "baseline", "target", "on", "value", "confidence", "note", "by",
    ]

    /// The columns each kind of row may fill (besides `kind`).
    static let allowed: [String: Set<String>] = [
        "goal": ["goal", "title", "status", "owner", "start", "end", "persona", "problem"],
        "metric": ["goal", "metric", "name", "unit", "direction", "baseline", "target"],
        "checkin": ["goal", "metric", "on", "value", "confidence", "note", "by"],
    ]

    /// One row of an import, with the line it is on.
    package struct Row: Sendable, Equatable {
        package enum Kind: String, Sendable { case goal, metric, checkin }
        package var line: Int
        package var kind: Kind
        /// The non-empty cells, by column.
        package var cells: [String: String]

        package init(line: Int, kind: Kind, cells: [String: String]) {
            self.line = line
            self.kind = kind
            self.cells = cells
        }

        package subscript(column: String) -> String? { cells[column] }
    }

    /// A row that cannot be imported, with its line.
    package struct RowError: Error, Sendable, Equatable {
        package var line: Int
        package var message: String

        package init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// Every problem of a file's rows, each with its line.
    package struct RowErrors: Error, Sendable, Equatable {
        package var errors: [RowError]
    }

    /// The rows of a CSV file: every problem of every row (an unknown column, a missing kind or
    /// goal, a cell a row of its kind does not take), or the rows.
    package static func rows(fromCSV text: String) -> Result<[Row], RowErrors> {
        let records: [CSV.Record]
        do {
            records = try CSV.parse(text)
        } catch {
            return .failure(RowErrors(errors: [RowError(line: error.line, message: error.message)]))
        }
        guard let header = records.first else {
            return .failure(RowErrors(errors: [RowError(line: 1, message: "the file is empty; the first line names the columns (\(columns.joined(separator: ",")))")]))
        }
        let names = header.fields.map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        var errors = [RowError]()
        for name in names where !columns.contains(name) {
            errors.append(RowError(line: header.line, message: "unknown column '\(name)'; the columns are \(columns.joined(separator: ", "))"))
        }
        for (i, name) in names.enumerated() where names[..<i].contains(name) {
            errors.append(RowError(line: header.line, message: "column '\(name)' appears twice"))
        }
        if !names.contains("kind") { errors.append(RowError(line: header.line, message: "no 'kind' column: each row says whether it is a goal, a metric or a checkin")) }
        guard errors.isEmpty else { return .failure(RowErrors(errors: errors)) }
        var rows = [Row]()
        for record in records.dropFirst() {
            guard record.fields.count <= names.count else {
                errors.append(RowError(line: record.line, message: "\(record.fields.count) fields, but the header names \(names.count) columns"))
                continue
            }
            var cells = [String: String]()
            for (name, value) in zip(names, record.fields) {
                let v = value.trimmingCharacters(in: .whitespaces)
                if !v.isEmpty { cells[name] = v }
            }
            guard let kindText = cells.removeValue(forKey: "kind") else {
                errors.append(RowError(line: record.line, message: "no kind: say goal, metric or checkin"))
                continue
            }
            guard let kind = Row.Kind(rawValue: kindText.lowercased()) else {
                errors.append(RowError(line: record.line, message: "kind '\(kindText)' is not goal, metric or checkin"))
                continue
            }
            let extra = cells.keys.filter { !(allowed[kind.rawValue] ?? []).contains($0) }.sorted()
            if !extra.isEmpty {
                errors.append(RowError(line: record.line, message: "a \(kind.rawValue) row does not take \(extra.joined(separator: ", ")); leave \(extra.count == 1 ? "that cell" : "those cells") empty"))
                continue
            }
            switch kind {
            case .goal where cells["title"] == nil:
                errors.append(RowError(line: record.line, message: "a goal row needs a title (the outcome the goal aims for)"))
                continue
            case .metric where cells["goal"] == nil || cells["metric"] == nil:
                errors.append(RowError(line: record.line, message: "a metric row needs the goal's id (goal) and the metric's id (metric)"))
                continue
            case .checkin where cells["goal"] == nil || cells["metric"] == nil || cells["value"] == nil:
                errors.append(RowError(line: record.line, message: "a checkin row needs goal, metric and value"))
                continue
            default: break
            }
            rows.append(Row(line: record.line, kind: kind, cells: cells))
        }
        return errors.isEmpty ? .success(rows) : .failure(RowErrors(errors: errors))
    }

    /// The table of `goals` (by id): a goal row, then its metric rows, then its check-in rows.
    package static func rows(of goals: [Goal]) -> [[String]] {
        var out = [columns]
        func row(_ cells: [String: String?]) -> [String] { columns.map { (cells[$0] ?? nil) ?? "" } }
        for goal in goals.sorted(by: { ($0.id ?? "") < ($1.id ?? "") }) {
            let id = goal.id ?? ""
            out.append(row([
                "kind": "goal", "goal": id, "title": goal.title, "status": goal.status?.rawValue, "owner": goal.owner,
                "start": goal.timeframeStart?.description, "end": goal.timeframeEnd?.description,
                "persona": goal["persona"]?.scalarText, "problem": goal["problem"]?.scalarText,
            ]))
            for m in goal.metrics {
                out.append(row([
                    "kind": "metric", "goal": id, "metric": m.id, "name": m.name, "unit": m.unit, "direction": m.direction?.rawValue,
                    "baseline": m.baseline.map(number), "target": m.target.map(number),
                ]))
            }
            for c in goal.checkins {
                out.append(row([
                    "kind": "checkin", "goal": id, "metric": c.metric, "on": c.on?.description, "value": c.value.map(number),
                    "confidence": c.confidence?.rawValue, "note": c.note, "by": c.by,
                ]))
            }
        }
        return out
    }

    /// A number as a person writes it: no `.0` on a whole number.
    static func number(_ v: Double) -> String {
        v == v.rounded() && abs(v) < 1e15 ? String(Int64(v)) : String(v)
    }
}
