import Foundation

/// Checks one goal file against the schema and the rules of SPEC §4 that concern a single file.
/// Rules across files (one active goal, unique ids) live in ``RepositoryValidator``.
package struct GoalValidator: Sendable {
    package var config: RepoConfig
    package var today: SimpleDate

    package init(config: RepoConfig, today: SimpleDate) {
        self.config = config
        self.today = today
    }

    /// Parses and validates a file's bytes. `path` is relative to the repository root.
    package func validate(bytes: [UInt8], path: String, historyContributors: Set<String>? = nil) -> (goal: Goal?, diagnostics: [Diagnostic]) {
        do {
            let doc = try MarkdownDocument.parse(bytes)
            let goal = Goal(document: doc)
            return (goal, validate(goal, path: path, historyContributors: historyContributors))
        } catch {
            return (nil, [Diagnostic(file: path, line: error.line, field: nil, severity: .error, code: "error", message: error.message)])
        }
    }

    /// Validates a parsed goal. `historyContributors` are the people the history shows editing it,
    /// for the `co-created` rule (nil when not looked up).
    package func validate(_ goal: Goal, path: String, historyContributors: Set<String>? = nil) -> [Diagnostic] {
        var c = Collector(path: path, lines: goal.document.lines)
        let fm = goal.frontMatter
        let fileID = GoalPaths.id(fromPath: path)

        // id
        if let v = fm["id"] {
            if let id = Self.text(v) {
                if !GoalID.isValid(id) {
                    c.error("id", "id '\(id)' is not a valid goal id: use 1–64 lower-case letters, digits and hyphens, starting with a letter or digit")
                } else if let fileID, id != fileID {
                    c.error("id", "id '\(id)' differs from the file name '\(fileID).md'; ids never change, so rename the file back to \(id).md or restore id: \(fileID)")
                }
            } else {
                c.error("id", "id must be text, not \(v.typeName)\(v.scalarText.map { "; quote it: id: \"\($0)\"" } ?? "")")
            }
        } else {
            c.error("id", "the goal has no id; add 'id: \(fileID ?? "<file name>")' (the file name without .md)", line: 1)
        }
        // title
        if let v = fm["title"] {
            if Self.text(v).map(isBlank) ?? true {
                c.error("title", Self.text(v) == nil ? "title must be text, not \(v.typeName); quote it if it looks like a number or date" : "title is empty; say the outcome the goal aims for")
            }
        } else {
            c.error("title", "the goal has no title; add one that states the outcome, e.g. 'Raise activation from 30% to 50%'", line: 1)
        }
        // status
        let statusValues = GoalStatus.allCases.map(\.rawValue).joined(separator: ", ")
        var status: GoalStatus?
        if let v = fm["status"] {
            if let s = v.stringValue, let st = GoalStatus(rawValue: s) {
                status = st
            } else {
                c.error("status", "status '\(v.scalarText ?? v.typeName)' is not one of \(statusValues)")
            }
        } else {
            c.error("status", "the goal has no status; add 'status: draft'", line: 1)
        }
        // order, cadence
        if let v = fm["order"], (v.integer ?? -1) < 0 {
            c.error("order", "order must be a whole number ≥ 0, not \(v.scalarText ?? v.typeName)")
        }
        if let v = fm["cadence_days"], (v.integer ?? 0) < 1 {
            c.error("cadence_days", "cadence_days must be a whole number of days ≥ 1, not \(v.scalarText ?? v.typeName)")
        }
        for key in ["owner", "persona", "problem", "why"] {
            if let v = fm[key], Self.text(v) == nil, v != .null {
                c.error(key, "\(key) must be text, not \(v.typeName); quote it if it looks like a number or date")
            }
        }
        if let v = fm["owner"], let s = Self.text(v), isBlank(s) {
            c.error("owner", "owner is empty; name one person, e.g. 'Ana Ruiz <ana@example.com>'")
        }
        if let v = fm["created"], v.date == nil {
            c.error("created", "created must be a date YYYY-MM-DD, not '\(v.scalarText ?? v.typeName)'")
        }
        checkTimeframe(fm["timeframe"], &c)
        checkClosed(fm["closed"], status: status, &c)
        for key in ["proof", "assumptions", "contributors", "tags"] {
            guard let v = fm[key] else { continue }
            guard let items = v.list else {
                c.error(key, "\(key) must be a list of text items ('- item' on each line), not \(v.typeName)")
                continue
            }
            for (i, item) in items.enumerated() where Self.text(item)?.isEmpty ?? true {
                c.error(key, "\(key)[\(i)] must be non-empty text, not \(item.typeName); quote it", at: "\(key).\(i)", field: "\(key)[\(i)]")
            }
        }
        let metricIDs = checkMetrics(fm["metrics"], &c)
        checkCheckins(fm["checkins"], metricIDs: metricIDs, &c)
        checkSprintGoals(fm["sprint_goals"], &c)
        checkVisionFields(fm, &c)

        if let status, status == .proposed || status == .active {
            lint(goal, status: status, historyContributors: historyContributors, &c)
            lintNorthStar(goal, status: status, &c)
        }
        if let status, !status.isFinal {
            lintDates(goal, status: status, &c)
        }
        return c.diagnostics
    }

    private func checkTimeframe(_ value: YAMLValue?, _ c: inout Collector) {
        guard let value else { return }
        guard let m = value.map else {
            c.error("timeframe", "timeframe must be a mapping such as {start: 2026-01-05, end: 2026-03-31}, not \(value.typeName)")
            return
        }
        for key in m.keys where key != "start" && key != "end" {
            c.error("timeframe", "timeframe has an unknown field '\(key)'; it takes only start and end", at: "timeframe.\(key)", field: "timeframe.\(key)")
        }
        for key in ["start", "end"] {
            if let v = m[key], v.date == nil {
                c.error("timeframe.\(key)", "timeframe.\(key) must be a date YYYY-MM-DD, not '\(v.scalarText ?? v.typeName)'", at: "timeframe.\(key)")
            }
        }
        if let s = m["start"]?.date, let e = m["end"]?.date, e < s {
            c.error("timeframe.end", "timeframe ends (\(e)) before it starts (\(s)); swap or correct the dates", at: "timeframe.end")
        }
    }

    private func checkClosed(_ value: YAMLValue?, status: GoalStatus?, _ c: inout Collector) {
        guard let status else { return }
        if !status.isFinal {
            if value != nil {
                c.error("closed", "\(status.withArticle) goal is not closed; remove 'closed' (only achieved and abandoned goals carry it)")
            }
            return
        }
        guard let value else {
            c.error("closed", "\(status.withArticle) goal must say when and why it closed: add closed: {on: \(today), reason: ...}", at: "status")
            return
        }
        guard let m = value.map else {
            c.error("closed", "closed must be a mapping {on: DATE, reason: TEXT}, not \(value.typeName)")
            return
        }
        if m["on"]?.date == nil {
            c.error("closed.on", "closed.on must be the date the goal closed (YYYY-MM-DD)", at: m["on"] == nil ? "closed" : "closed.on")
        }
        if isBlank(Self.text(m["reason"]) ?? "") {
            c.error("closed.reason", status == .abandoned ? "an abandoned goal says why: add closed.reason" : "closed.reason is missing; say what was achieved", at: m["reason"] == nil ? "closed" : "closed.reason")
        }
        for key in m.keys where key != "on" && key != "reason" {
            c.error("closed", "closed has an unknown field '\(key)'; it takes only on and reason", at: "closed.\(key)", field: "closed.\(key)")
        }
    }

    private func itemName(_ list: String, _ i: Int, _ m: YAMLMap?, key: String = "id") -> String {
        if let id = m?[key]?.scalarText, !id.contains(".") { return "\(list).\(id)" }
        return "\(list)[\(i)]"
    }

    private func checkMetrics(_ value: YAMLValue?, _ c: inout Collector) -> Set<String> {
        var ids = Set<String>()
        guard let value else { return ids }
        guard let items = value.list else {
            c.error("metrics", "metrics must be a list of key results, not \(value.typeName)")
            return ids
        }
        let directions = MetricDirection.allCases.map(\.rawValue).joined(separator: ", ")
        for (i, item) in items.enumerated() {
            let at = "metrics.\(i)"
            guard let m = item.map else {
                c.error("metrics[\(i)]", "each metric is a mapping with id, name, unit, direction, baseline, target", at: at)
                continue
            }
            let name = itemName("metrics", i, m)
            if let id = Self.text(m["id"]), GoalID.isValidItemID(id) {
                if !ids.insert(id).inserted { c.error("\(name).id", "metric id '\(id)' is used twice; give each key result its own id", at: "\(at).id") }
            } else {
                c.error("\(name).id", m["id"] == nil ? "the metric has no id; add one such as 'activation'" : "metric id must be text of lower-case letters, digits, '-' or '_' (quote one that looks like a number)", at: m["id"] == nil ? at : "\(at).id")
            }
            if (Self.text(m["name"]) ?? "").isEmpty {
                c.error("\(name).name", "the metric has no name; say what is measured", at: m["name"] == nil ? at : "\(at).name")
            }
            var direction: MetricDirection?
            if let d = m["direction"] {
                direction = d.stringValue.flatMap(MetricDirection.init(rawValue:))
                if direction == nil { c.error("\(name).direction", "direction '\(d.scalarText ?? d.typeName)' is not one of \(directions)", at: "\(at).direction") }
            } else {
                c.error("\(name).direction", "the metric has no direction; add one of \(directions)", at: at)
            }
            for key in ["baseline", "target"] {
                if let v = m[key], v.number == nil {
                    c.error("\(name).\(key)", "\(key) must be a number, not \(v.scalarText.map { "'\($0)'" } ?? v.typeName)", at: "\(at).\(key)")
                }
            }
            for key in ["unit", "source"] {
                if let v = m[key], Self.text(v) == nil {
                    c.error("\(name).\(key)", "\(key) must be text, not \(v.typeName); quote it if it looks like a number", at: "\(at).\(key)")
                }
            }
            if let b = m["baseline"]?.number, let t = m["target"]?.number {
                if b == t {
                    c.error("\(name).target", "target equals baseline (\(format(b))): a key result must aim for a change or a bound", at: "\(at).target")
                } else if direction == .increase, t < b {
                    c.error("\(name).target", "direction is increase but target \(format(t)) is below baseline \(format(b)); raise the target or use direction: decrease", at: "\(at).target")
                } else if direction == .decrease, t > b {
                    c.error("\(name).target", "direction is decrease but target \(format(t)) is above baseline \(format(b)); lower the target or use direction: increase", at: "\(at).target")
                }
            }
        }
        return ids
    }

    private func checkCheckins(_ value: YAMLValue?, metricIDs: Set<String>, _ c: inout Collector) {
        guard let value else { return }
        guard let items = value.list else {
            c.error("checkins", "checkins must be a list of check-ins, not \(value.typeName)")
            return
        }
        var ids = Set<String>()
        let confidences = Confidence.allCases.map(\.rawValue).joined(separator: ", ")
        for (i, item) in items.enumerated() {
            let at = "checkins.\(i)"
            let name = "checkins[\(i)]"
            guard let m = item.map else {
                c.error(name, "each check-in is a mapping {id, on, by, metric, value}", at: at)
                continue
            }
            if let id = Self.text(m["id"]), GoalID.isValidItemID(id) {
                if !ids.insert(id).inserted { c.error("\(name).id", "check-in id '\(id)' is used twice; check-in ids are unique", at: "\(at).id") }
            } else {
                c.error("\(name).id", "the check-in needs an id of lower-case letters and digits", at: m["id"] == nil ? at : "\(at).id")
            }
            if m["on"]?.date == nil { c.error("\(name).on", "the check-in needs 'on', a date YYYY-MM-DD", at: m["on"] == nil ? at : "\(at).on") }
            if Self.text(m["by"]) == nil { c.error("\(name).by", "the check-in needs 'by', who measured, as text", at: m["by"] == nil ? at : "\(at).by") }
            if let metric = Self.text(m["metric"]) {
                if !metricIDs.contains(metric) {
                    c.error("\(name).metric", "the check-in names metric '\(metric)', which the goal does not have (\(metricIDs.sorted().joined(separator: ", ")))", at: "\(at).metric")
                }
            } else {
                c.error("\(name).metric", "the check-in needs 'metric', the id of a key result", at: at)
            }
            if let v = m["value"] {
                if v.number == nil { c.error("\(name).value", "value must be a number, not \(v.scalarText.map { "'\($0)'" } ?? v.typeName)", at: "\(at).value") }
            } else {
                c.error("\(name).value", "the check-in needs 'value', the measured number", at: at)
            }
            if let v = m["confidence"], v.stringValue.flatMap(Confidence.init(rawValue:)) == nil {
                c.error("\(name).confidence", "confidence '\(v.scalarText ?? v.typeName)' is not one of \(confidences)", at: "\(at).confidence")
            }
            if let v = m["note"], Self.text(v) == nil, v != .null {
                c.error("\(name).note", "note must be text, not \(v.typeName)", at: "\(at).note")
            }
        }
    }

    private func checkSprintGoals(_ value: YAMLValue?, _ c: inout Collector) {
        guard let value else { return }
        guard let items = value.list else {
            c.error("sprint_goals", "sprint_goals must be a list of {sprint, goal, status}, not \(value.typeName)")
            return
        }
        let statuses = ["planned", "in_progress", "done", "missed"]
        for (i, item) in items.enumerated() {
            let at = "sprint_goals.\(i)"
            let name = "sprint_goals[\(i)]"
            guard let m = item.map else {
                c.error(name, "each sprint goal is a mapping {sprint, goal, status}", at: at)
                continue
            }
            if (Self.text(m["sprint"]) ?? "").isEmpty { c.error("\(name).sprint", "the sprint goal needs 'sprint', the sprint's name", at: at) }
            if (Self.text(m["goal"]) ?? "").isEmpty { c.error("\(name).goal", "the sprint goal needs 'goal', what the sprint aims for", at: at) }
            if let v = m["status"], !statuses.contains(v.stringValue ?? "") {
                c.error("\(name).status", "status '\(v.scalarText ?? v.typeName)' is not one of \(statuses.joined(separator: ", "))", at: "\(at).status")
            }
        }
    }

    // MARK: Lint

    private func lint(_ goal: Goal, status: GoalStatus, historyContributors: Set<String>?, _ c: inout Collector) {
        let fm = goal.frontMatter
        func emit(_ rule: LintRule, _ field: String, _ message: String, at: String? = nil) {
            let severity = config.severity(of: rule)
            guard severity != .off else { return }
            c.add(field: field, at: at ?? field, severity: severity, code: rule.code, message: message)
        }
        let metrics = goal.metrics
        if !metrics.contains(where: { $0.baseline != nil && $0.target != nil && !($0.unit ?? "").isEmpty }) {
            emit(.measurable, "metrics", "\(status.withArticle) goal needs a key result to measure progress: goalsync add \(goal.id ?? "ID") metrics '{id: ..., name: ..., unit: ..., direction: increase, baseline: ..., target: ...}'", at: fm["metrics"] == nil ? "title" : "metrics")
        }
        if goal.timeframeEnd == nil {
            emit(.timeBound, "timeframe.end", "say when the goal ends: goalsync set \(goal.id ?? "ID") timeframe.end YYYY-MM-DD", at: fm["timeframe"] == nil ? "title" : "timeframe")
        }
        if (goal.owner ?? "").isEmpty {
            emit(.owner, "owner", "name exactly one accountable owner: goalsync set \(goal.id ?? "ID") owner 'Name <email>'", at: fm["owner"] == nil ? "title" : "owner")
        } else if let o = goal.owner, o.contains(",") || o.components(separatedBy: "@").count > 2 {
            emit(.owner, "owner", "owner names more than one person; keep one accountable owner and list the others in contributors")
        }
        for key in ["persona", "problem", "why"] where isBlank(fm[key]?.scalarText ?? "") {
            let what = ["persona": "who the goal is for", "problem": "what problem it solves for them", "why": "why the team cares"][key]!
            emit(.lens, key, "say \(what): goalsync set \(goal.id ?? "ID") \(key) '...'", at: fm[key] == nil ? "title" : key)
        }
        for key in ["proof", "assumptions"] where goal.textList(key).isEmpty {
            let what = key == "proof" ? "the evidence behind the goal" : "what the team assumes"
            emit(.evidence, key, "write down \(what): goalsync add \(goal.id ?? "ID") \(key) '...'", at: fm[key] == nil ? "title" : key)
        }
        if let title = goal.title {
            let words = Set(title.lowercased().split(whereSeparator: { !$0.isLetter }).map(String.init))
            let outputVerbs = ["launch", "ship", "build", "implement", "release", "deliver"]
            let hasMetric = title.contains(where: \.isNumber)
            if !hasMetric, let verb = outputVerbs.first(where: { words.contains($0) }) {
                emit(.outcome, "title", "the title reads as an output ('\(verb)'); state the outcome you expect and how much, e.g. 'Raise activation from 30% to 50%'")
            }
        }
        let owner = goal.owner.map(Self.personKey)
        var others = Set(goal.textList("contributors").map(Self.personKey))
        if let history = historyContributors { others.formUnion(history.map(Self.personKey)) }
        if let owner { others.remove(owner) }
        if others.isEmpty {
            emit(.coCreated, "contributors", "goals are set together: add the people who shaped it with goalsync add \(goal.id ?? "ID") contributors 'Name <email>'", at: fm["contributors"] == nil ? "title" : "contributors")
        }
        if status == .active {
            let cadence = fm["cadence_days"]?.integer ?? config.cadenceDays
            let checkins = goal.checkins
            let last = checkins.compactMap(\.on).max() ?? goal.timeframeStart ?? fm["created"]?.date
            if let last, today.dayNumber - last.dayNumber > cadence {
                emit(.stale, "checkins", "the last check-in was \(today.dayNumber - last.dayNumber) days ago (cadence \(cadence) days); record one with goalsync checkin \(goal.id ?? "ID") METRIC VALUE", at: fm["checkins"] == nil ? "status" : "checkins")
            } else if last == nil, checkins.isEmpty {
                emit(.stale, "checkins", "the active goal has no check-in yet; record one with goalsync checkin \(goal.id ?? "ID") METRIC VALUE", at: "status")
            }
        }
        for (i, item) in (fm["checkins"]?.list ?? []).enumerated() {
            guard let m = item.map, let conf = m["confidence"]?.stringValue, conf == "at_risk" || conf == "off_track" else { continue }
            if isBlank(m["note"]?.scalarText ?? "") {
                emit(.atRiskNote, "checkins[\(i)].note", "a check-in that is \(conf) needs a note saying why and what the team will do", at: "checkins.\(i)")
            }
        }
        if status == .active {
            lintGuardrails(goal, &c)
        }
        if status != .active, !(fm["sprint_goals"]?.list ?? []).isEmpty {
            emit(.sprintLink, "sprint_goals", "sprint goals serve the active Product Goal; this goal is \(status.rawValue), so move them to the active goal or remove them")
        }
    }

    // MARK: Vision and North Star

    /// The fields that tie a goal to the vision: `moves_north_star` (text) and each metric's
    /// `framework` (a HEART, AARRR or EBM category).
    private func checkVisionFields(_ fm: YAMLMap, _ c: inout Collector) {
        if let v = fm["moves_north_star"], Self.text(v) == nil, v != .null {
            c.error("moves_north_star", "moves_north_star must be text, not \(v.typeName); say in a sentence how the goal moves the North Star")
        }
        let categories = MetricFramework.allCases.map(\.rawValue)
        for (i, item) in (fm["metrics"]?.list ?? []).enumerated() {
            guard let m = item.map, let v = m["framework"] else { continue }
            if !categories.contains(v.stringValue ?? "") {
                c.error("\(itemName("metrics", i, m)).framework",
                        "framework '\(v.scalarText ?? v.typeName)' is not a category goalsync knows: HEART (happiness, engagement, adoption, retention, task_success), AARRR (acquisition, activation, retention, referral, revenue) or EBM (current_value, unrealized_value, time_to_market, ability_to_innovate)",
                        at: "metrics.\(i).framework")
            }
        }
    }

    /// The `north-star` lint: a proposed or active goal says how it moves the North Star.
    private func lintNorthStar(_ goal: Goal, status: GoalStatus, _ c: inout Collector) {
        let severity = config.severity(of: .northStar)
        guard severity != .off, isBlank(goal["moves_north_star"]?.scalarText ?? "") else { return }
        c.add(field: "moves_north_star", at: goal["moves_north_star"] == nil ? "title" : "moves_north_star", severity: severity, code: LintRule.northStar.code,
              message: "Product Goals are steps toward the vision: say in a sentence how this goal moves the North Star: goalsync set \(goal.id ?? "ID") moves_north_star '...'")
    }

    /// A value the schema reads as text: a string, or a plain date (the schema keeps dates as their
    /// text, so `title: 2026-03-31` is text while `title: 2026` is a number).
    static func text(_ value: YAMLValue?) -> String? {
        switch value {
        case .string(let s)?: return s
        case .plain(let t)?: if case .date? = PlainScalar.classify(t) { return t } else { return nil }
        default: return nil
        }
    }

    /// A person's identity for comparison: the email inside `<>` when there is one, else the name.
    static func personKey(_ s: String) -> String {
        if let open = s.lastIndex(of: "<"), let close = s.lastIndex(of: ">"), open < close {
            return s[s.index(after: open)..<close].lowercased()
        }
        return s.trimmingCharacters(in: .whitespaces).lowercased()
    }

    private func format(_ d: Double) -> String {
        d == d.rounded() && abs(d) < 1e15 ? String(Int(d)) : String(d)
    }
}

// MARK: Lint: guardrails and dates (issue 9)

extension GoalValidator {
    private func emit(_ rule: LintRule, _ field: String, _ message: String, at: String, _ c: inout Collector) {
        let severity = config.severity(of: rule)
        guard severity != .off else { return }
        c.add(field: field, at: at, severity: severity, code: rule.code, message: message)
    }

    /// `guardrail-breached`: a guardrail of the active goal whose latest check-in (corrections
    /// counted, ``Goal/effectiveCheckins``) is past its limit.
    private func lintGuardrails(_ goal: Goal, _ c: inout Collector) {
        let progress = GoalProgress(goal: goal)
        for (i, m) in progress.metrics.enumerated() where m.breached == true {
            let side = m.direction == MetricDirection.stayAbove.rawValue ? "above" : "below"
            let value = m.current.map(format) ?? "?", limit = m.target.map(format) ?? "?"
            emit(.guardrailBreached, "metrics.\(m.id)",
                 "guardrail \(m.id) is breached: \(value)\(m.unit.map { " " + $0 } ?? "") on \(m.lastCheckin ?? "its last check-in"), and it must stay \(side) \(limit); say what the team does about it in a check-in note",
                 at: goal.frontMatter["metrics"]?.list?.indices.contains(i) == true ? "metrics.\(i)" : "metrics", &c)
        }
    }

    /// `checkin-date` and `past-end`: a check-in dated after today or before the goal was created;
    /// a timeframe that ended before today on a goal not closed.
    private func lintDates(_ goal: Goal, status: GoalStatus, _ c: inout Collector) {
        let fm = goal.frontMatter
        let created = fm["created"]?.date
        for (i, item) in (fm["checkins"]?.list ?? []).enumerated() {
            guard let m = item.map, let on = m["on"]?.date else { continue }
            let id = m["id"]?.scalarText ?? "\(i)"
            if on > today {
                emit(.checkinDate, "checkins[\(i)].on", "check-in \(id) is dated \(on), after today (\(today)); correct it with goalsync checkin --amend \(id) --on YYYY-MM-DD", at: "checkins.\(i)", &c)
            } else if let created, on < created {
                emit(.checkinDate, "checkins[\(i)].on", "check-in \(id) is dated \(on), before the goal was created (\(created)); correct it with goalsync checkin --amend \(id) --on YYYY-MM-DD", at: "checkins.\(i)", &c)
            }
        }
        if let end = goal.timeframeEnd, end < today {
            let what = status == .active
                ? "close the goal (goalsync set \(goal.id ?? "ID") status achieved|abandoned --reason TEXT) or extend it"
                : "set a later end before it is activated"
            emit(.pastEnd, "timeframe.end", "timeframe.end (\(end)) is before today (\(today)); \(what): goalsync set \(goal.id ?? "ID") timeframe.end YYYY-MM-DD", at: "timeframe.end", &c)
        }
    }
}

/// `s.trimmingCharacters(in: .whitespaces).isEmpty`, without Foundation when a byte settles it:
/// `.whitespaces` (Zs and tab) holds no ASCII byte but space and tab.
private func isBlank(_ s: String) -> Bool {
    if s.utf8.contains(where: { $0 < 0x80 && $0 != 0x20 && $0 != 0x09 }) { return false }
    return s.trimmingCharacters(in: .whitespaces).isEmpty
}

/// Gathers diagnostics for one file, looking up each field's line.
struct Collector {
    let path: String
    let lines: [String: Int]
    var diagnostics: [Diagnostic] = []

    mutating func error(_ field: String, _ message: String, at: String? = nil, field display: String? = nil, line: Int? = nil) {
        add(field: display ?? field, at: at ?? field, severity: .error, code: "error", message: message, line: line)
    }

    mutating func add(field: String, at: String, severity: Severity, code: String, message: String, line: Int? = nil) {
        var l = line ?? lines[at]
        if l == nil, let dot = at.firstIndex(of: ".") { l = lines[String(at[..<dot])] }
        diagnostics.append(Diagnostic(file: path, line: l ?? 1, field: field, severity: severity, code: code, message: message))
    }
}
