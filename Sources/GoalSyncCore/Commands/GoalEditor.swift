import Foundation
import GoalSyncGit

/// The writing commands of SPEC §5 (`new`, `set`, `add`, `remove`, `checkin`, `activate`, `edit`):
/// each changes goal files in the working tree and makes one commit whose message says what
/// changed (``commit(_:message:noVerify:allowWhileMerging:)``, all or nothing).
package struct GoalEditor: RepositoryService {
    package let repository: GoalRepository

    package init(_ repository: GoalRepository) { self.repository = repository }
}

extension GoalEditor {
    /// The person running goalsync, as goal files write people: `Name <email>`.
    package func currentPerson() throws -> String {
        let author = try repository.identity().author
        return "\(author.name) <\(author.email)>"
    }

    /// Goal `id` from the working tree, to be changed and written back to `goals/<id>.md`. A file
    /// whose own id differs from its name is refused with validate's message: writing it would put
    /// the goal under another file name.
    func loadGoalForWriting(_ id: String) throws -> Goal {
        let goal = try repository.loadGoal(id)
        guard goal.id == id else {
            let path = GoalPaths.path(forID: id)
            let errors = repository.validator.validate(goal, path: path).filter { $0.field == "id" && $0.severity == .error }
            throw GoalSyncError.validationFailed(errors.isEmpty
                ? [Diagnostic(file: path, line: goal.document.lines["id"] ?? 1, field: "id", severity: .error, code: "error",
                              message: "the goal's id does not match its file name \(id).md; restore id: \(id)")]
                : errors)
        }
        return goal
    }

    /// The version of goal `id` in HEAD, for the semantic diff of the commit message.
    func committedGoal(_ id: String) -> Goal? {
        guard let tree = try? git.headTree(), let entry = try? tree.entry(at: GoalPaths.path(forID: id)),
            let bytes = try? git.blobData(entry.id), let doc = try? MarkdownDocument.parse(bytes)
        else { return nil }
        return Goal(document: doc)
    }

    /// Commits new versions of goals, with the message `verb(ids): summary` and trailers.
    /// Returns nil when nothing would change.
    func commitGoals(_ goals: [Goal], verb: String, summary: String? = nil, noVerify: Bool) throws -> CommitResult? {
        var writes = [FileWrite]()
        var fields = [String]()
        var changes = [FieldChange]()
        var ids = [String]()
        for goal in goals {
            guard let id = goal.id else { continue }
            let path = try repository.path(forID: id)
            let text = goal.text
            let current = try? FileSystem.readRegularFile(absolute(path))
            let committed = committedGoal(id)
            let diff = FieldDiff.changes(from: committed, to: goal)
            if current == Array(text.utf8) && diff.isEmpty && committed != nil { continue }
            writes.append(FileWrite(path: path, text: text))
            ids.append(id)
            changes += diff
            fields += diff.map(\.field)
        }
        guard !writes.isEmpty else { return nil }
        let message = CommitMessage(verb: verb, goalIDs: ids, summary: summary ?? CommitMessage.summarize(changes), fields: fields)
        return try commit(writes, message: message, noVerify: noVerify)
    }

    // MARK: new

    /// `goalsync new TITLE [--id ID] [--set FIELD=VALUE]...`: a draft goal, committed.
    /// `template`: the body's questions (``GoalTemplate``); nil: the short default body.
    package func newGoal(title: String, id requested: String?, sets: [String], template: GoalTemplate? = nil, noVerify: Bool) throws -> (id: String, result: CommitResult) {
        guard !title.trimmingCharacters(in: .whitespaces).isEmpty else { throw GoalSyncError.usage("the title is empty; say the outcome the goal aims for") }
        let id: String
        if let requested {
            guard GoalID.isValid(requested) else { throw GoalSyncError.invalidID(requested) }
            id = requested
        } else {
            var candidate = GoalID.make(forTitle: title)
            while FileSystem.exists(absolute(GoalPaths.path(forID: candidate))) { candidate = GoalID.make(forTitle: title) }
            id = candidate
        }
        let path = GoalPaths.path(forID: id)
        if FileSystem.exists(absolute(path)) || (try? git.headTree()?.entry(at: path)) != nil {
            throw GoalSyncError.goalExists(id)
        }
        var fm = YAMLMap()
        fm["id"] = .string(id)
        fm["title"] = .string(title)
        fm["status"] = .string(GoalStatus.draft.rawValue)
        fm["owner"] = .string(try currentPerson())
        fm["created"] = .plain(today.description)
        var goal = Goal(frontMatter: fm, body: template?.body(id: id) ?? "\n# Why now\n\nThe narrative: context, decisions and links, in the team's own words.\n")
        for assignment in sets {
            guard let eq = assignment.firstIndex(of: "=") else {
                throw GoalSyncError.usage("--set takes FIELD=VALUE, e.g. --set owner='Ana Ruiz <ana@example.com>'; got '\(assignment)'")
            }
            let field = String(assignment[..<eq]), value = String(assignment[assignment.index(after: eq)...])
            if field == "id" || field == "status" {
                throw GoalSyncError.usage("--set \(field) is not allowed: a new goal's \(field == "id" ? "id comes from --id" : "status is draft; change it later with goalsync set or activate")")
            }
            if case .textList? = FieldSchema.goalFields[field] {
                var items = goal.frontMatter[field]?.list ?? []
                items.append(.string(value))
                goal[field] = .list(items)
            } else {
                try apply(field: field, value: value, to: &goal, reason: nil)
            }
        }
        guard let result = try commitGoals([goal], verb: "new", summary: title, noVerify: noVerify) else {
            throw GoalSyncError.repository("goal \(id) could not be written")
        }
        return (id, result)
    }

    // MARK: set

    /// `goalsync set ID FIELD VALUE`. An empty VALUE removes an optional field.
    package func set(id: String, field: String, value: String, reason: String?, noVerify: Bool) throws -> CommitResult? {
        var goal = try loadGoalForWriting(id)
        try apply(field: field, value: value, to: &goal, reason: reason)
        return try commitGoals([goal], verb: "set", noVerify: noVerify)
    }

    /// Applies one `FIELD VALUE` to a goal, with the format's rules.
    func apply(field: String, value: String, to goal: inout Goal, reason: String?) throws {
        let parts = field.split(separator: ".", omittingEmptySubsequences: false).map(String.init)
        guard let top = parts.first, !top.isEmpty, parts.allSatisfy({ !$0.isEmpty }) else {
            throw GoalSyncError.usage("'\(field)' is not a field; use a name such as title, timeframe.end or metrics.activation.target")
        }
        let kind = FieldSchema.goalFields[top]
        switch top {
        case "id":
            throw GoalSyncError.usage("a goal's id never changes (it names the file and links the history); create a new goal instead")
        case "status":
            guard parts.count == 1 else { break }
            try setStatus(value, of: &goal, reason: reason)
            return
        case "checkins":
            throw GoalSyncError.usage("check-ins are append-only: record a new one with goalsync checkin \(goal.id ?? "ID") METRIC VALUE")
        default: break
        }
        if parts.count == 1 {
            if case .keyedList? = kind { throw GoalSyncError.usage("\(top) is a list: use goalsync add or goalsync remove, or set one item's field (\(top).KEY.FIELD)") }
            if case .textList? = kind { throw GoalSyncError.usage("\(top) is a list: use goalsync add \(goal.id ?? "ID") \(top) VALUE or goalsync remove") }
            if kind == nil, top.range(of: #"^[A-Za-z_][A-Za-z0-9_-]*$"#, options: .regularExpression) == nil {
                throw GoalSyncError.usage("'\(top)' is not a field name goalsync can write")
            }
            if value.isEmpty {
                if ["title"].contains(top) { throw GoalSyncError.usage("title cannot be empty") }
                goal[top] = nil
            } else {
                goal[top] = try FieldSchema.value(value, kind: kind, field: top)
            }
            return
        }
        switch kind {
        case .map(let fields)?:
            guard parts.count == 2, let sub = fields[parts[1]] else {
                throw GoalSyncError.usage("\(top) has no field '\(parts.dropFirst().joined(separator: "."))'; it takes \(fields.keys.sorted().joined(separator: ", "))")
            }
            if top == "closed", !(goal.status?.isFinal ?? false) {
                throw GoalSyncError.rule("goal \(goal.id ?? "") is \(goal.status?.rawValue ?? "not closed"); only achieved and abandoned goals carry closed")
            }
            var m = goal[top]?.map ?? YAMLMap()
            m[parts[1]] = value.isEmpty ? nil : try FieldSchema.value(value, kind: sub, field: field)
            goal[top] = m.isEmpty ? nil : .map(m)
        case .keyedList(let key)?:
            guard parts.count == 3 else {
                throw GoalSyncError.usage("name one item's field: \(top).KEY.FIELD, e.g. metrics.activation.target")
            }
            let fields = FieldSchema.itemFields(of: top)
            var items = goal[top]?.list ?? []
            guard let i = items.firstIndex(where: { $0.map?[key]?.scalarText == parts[1] }), var m = items[i].map else {
                let keys = items.compactMap { $0.map?[key]?.scalarText }
                throw GoalSyncError.usage("goal \(goal.id ?? "") has no \(top) item '\(parts[1])'\(keys.isEmpty ? "" : " (it has \(keys.joined(separator: ", ")))")")
            }
            if parts[2] == key { throw GoalSyncError.usage("\(top) items are known by their \(key), which never changes; remove the item and add a new one") }
            m[parts[2]] = value.isEmpty ? nil : try FieldSchema.value(value, kind: fields[parts[2]], field: field)
            items[i] = .map(m)
            goal[top] = .list(items)
        default:
            throw GoalSyncError.usage("'\(field)': \(top) has no fields to set one by one")
        }
    }

    func setStatus(_ value: String, of goal: inout Goal, reason: String?) throws {
        guard let next = GoalStatus(rawValue: value) else {
            throw GoalSyncError.usage("status is one of \(GoalStatus.allCases.map(\.rawValue).joined(separator: ", ")), not '\(value)'")
        }
        let id = goal.id ?? "ID"
        guard let current = goal.status else {
            goal["status"] = .string(next.rawValue)
            return
        }
        if next == current { return }
        if next == .active {
            throw GoalSyncError.usage("use goalsync activate \(id): it holds the one-active-goal rule")
        }
        guard current.canMove(to: next) else {
            if current.isFinal {
                throw GoalSyncError.rule("goal \(id) is \(current.rawValue), which is final; create a new goal to pursue it again")
            }
            throw GoalSyncError.rule("\(current.withArticle) goal cannot become \(next.rawValue); the moves are draft ⇄ proposed → active → achieved | abandoned, and draft or proposed → abandoned")
        }
        goal["status"] = .string(next.rawValue)
        if next.isFinal {
            guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw GoalSyncError.usage("say why goal \(id) is \(next.rawValue): add --reason TEXT")
            }
            goal["closed"] = .map(YAMLMap([("on", .plain(today.description)), ("reason", .string(reason))]))
        }
    }

    // MARK: add / remove

    /// `goalsync add ID LIST VALUE`: a text item, or a keyed item given as a YAML flow mapping.
    package func add(id: String, list: String, value: String, noVerify: Bool) throws -> CommitResult? {
        var goal = try loadGoalForWriting(id)
        var items = goal[list]?.list ?? []
        switch FieldSchema.goalFields[list] {
        case .textList?:
            guard !value.isEmpty else { throw GoalSyncError.usage("the item is empty") }
            if items.contains(.string(value)) { throw GoalSyncError.usage("\(list) of \(id) already holds '\(value)'") }
            items.append(.string(value))
        case .keyedList(let key)? where list != "checkins":
            let fields = FieldSchema.itemFields(of: list)
            let parsed = try FieldSchema.flowMapping(value, what: list)
            var item = YAMLMap()
            for (k, v) in parsed.entries {
                if let text = v.scalarText { item[k] = try FieldSchema.value(text, kind: fields[k], field: "\(list).\(k)") } else { item[k] = v }
            }
            guard let k = item[key]?.scalarText else { throw GoalSyncError.usage("a \(list) item needs its \(key), e.g. '{\(key): ..., ...}'") }
            if items.contains(where: { $0.map?[key]?.scalarText == k }) {
                throw GoalSyncError.usage("\(list) of \(id) already has an item '\(k)'; change its fields with goalsync set \(id) \(list).\(k).FIELD VALUE")
            }
            items.append(.map(item))
        case .keyedList?:
            throw GoalSyncError.usage("check-ins are recorded with goalsync checkin \(id) METRIC VALUE")
        default:
            throw GoalSyncError.usage("'\(list)' is not a list goalsync can add to; the lists are proof, assumptions, contributors, tags, metrics, sprint_goals")
        }
        goal[list] = .list(items)
        return try commitGoals([goal], verb: "add", noVerify: noVerify)
    }

    /// `goalsync remove ID LIST VALUE`: a text item by its text, a keyed item by its key.
    package func remove(id: String, list: String, value: String, noVerify: Bool) throws -> CommitResult? {
        var goal = try loadGoalForWriting(id)
        var items = goal[list]?.list ?? []
        switch FieldSchema.goalFields[list] {
        case .textList?:
            guard let i = items.firstIndex(of: .string(value)) ?? items.firstIndex(where: { $0.scalarText == value }) else {
                throw GoalSyncError.usage("\(list) of \(id) has no item '\(value)'")
            }
            items.remove(at: i)
        case .keyedList(let key)? where list != "checkins":
            guard let i = items.firstIndex(where: { $0.map?[key]?.scalarText == value }) else {
                throw GoalSyncError.usage("\(list) of \(id) has no item with \(key) '\(value)'")
            }
            items.remove(at: i)
        case .keyedList?:
            throw GoalSyncError.usage("check-ins are append-only; record a correcting check-in instead")
        default:
            throw GoalSyncError.usage("'\(list)' is not a list goalsync can remove from; the lists are proof, assumptions, contributors, tags, metrics, sprint_goals")
        }
        goal[list] = items.isEmpty ? nil : .list(items)
        return try commitGoals([goal], verb: "remove", noVerify: noVerify)
    }

    // MARK: checkin

    /// `goalsync checkin ID METRIC VALUE [--confidence C] [--note TEXT] [--on DATE]`: appends a check-in.
    package func checkin(id: String, metric: String, value: String, confidence: String?, note: String?, on: String?, noVerify: Bool) throws -> (checkin: String, result: CommitResult) {
        var goal = try loadGoalForWriting(id)
        if let status = goal.status, status.isFinal {
            throw GoalSyncError.rule("goal \(id) is \(status.rawValue); closed goals take no check-ins")
        }
        let metrics = goal.metrics.map(\.id)
        guard metrics.contains(metric) else {
            throw GoalSyncError.usage("goal \(id) has no metric '\(metric)'\(metrics.isEmpty ? "; add one with goalsync add \(id) metrics '{id: ..., name: ..., unit: ..., direction: increase, baseline: ..., target: ...}'" : " (it has \(metrics.joined(separator: ", ")))")")
        }
        var entry = YAMLMap()
        let checkinID = GoalID.makeCheckinID()
        entry["id"] = .string(checkinID)
        entry["on"] = try checkinDate(on, goal: goal)
        entry["by"] = .string(try currentPerson())
        entry["metric"] = .string(metric)
        entry["value"] = try FieldSchema.value(value, kind: .number, field: "VALUE")
        if let confidence { entry["confidence"] = try FieldSchema.value(confidence, kind: FieldSchema.checkinFields["confidence"], field: "--confidence") }
        if let note, !note.isEmpty { entry["note"] = .string(note) }
        var items = goal["checkins"]?.list ?? []
        items.append(.map(entry))
        goal["checkins"] = .list(items)
        let summary = "\(metric) = \(value)" + (confidence.map { " (\($0))" } ?? "")
        guard let result = try commitGoals([goal], verb: "checkin", summary: summary, noVerify: noVerify) else {
            throw GoalSyncError.repository("the check-in could not be written")
        }
        return (checkinID, result)
    }

    // MARK: activate

    /// `goalsync activate ID [--close achieved|abandoned --reason TEXT]`: makes ID the one active goal,
    /// closing the current one in the same commit when told how. When ID is already active but
    /// others are too (a pull brought them), it stays active and the others are closed.
    package func activate(id: String, close: GoalStatus?, reason: String?, noVerify: Bool) throws -> CommitResult? {
        var goal = try loadGoalForWriting(id)
        let alreadyActive = goal.status == .active
        switch goal.status {
        case .active?: break
        case .draft?:
            throw GoalSyncError.rule("goal \(id) is a draft; propose it first so the team sees it: goalsync set \(id) status proposed")
        case .proposed?: break
        case let s?: throw GoalSyncError.rule("goal \(id) is \(s.rawValue), which is final; create a new goal to pursue it again")
        case nil: throw GoalSyncError.rule("goal \(id) has no valid status; fix it with goalsync edit \(id)")
        }
        if let close, !close.isFinal {
            throw GoalSyncError.usage("--close takes achieved or abandoned")
        }
        let (all, _) = repository.loadAllGoals()
        var seen = Swift.Set<String>()
        // One per id: a copy of a goal under another name (a duplicate id) is the validator's to report.
        let others = all.filter { $0.status == .active && $0.id != id && seen.insert($0.id ?? "").inserted }
        if alreadyActive && others.isEmpty { return nil }
        var changed = [Goal]()
        if !others.isEmpty {
            guard let close else {
                let names = others.compactMap(\.id).joined(separator: ", ")
                throw GoalSyncError.rule("goal \(names) is active; only one Product Goal is active at a time. Close it in the same step: goalsync activate \(id) --close achieved|abandoned --reason TEXT")
            }
            guard let reason, !reason.trimmingCharacters(in: .whitespaces).isEmpty else {
                throw GoalSyncError.usage("say why the current goal is \(close.rawValue): add --reason TEXT")
            }
            for var other in others {
                try setStatus(close.rawValue, of: &other, reason: reason)
                changed.append(other)
            }
        }
        if !alreadyActive, let end = goal.timeframeEnd, end < today {
            throw GoalSyncError.rule("goal \(id) ends before today: its timeframe.end is \(end) and today is \(today); change timeframe.end first (goalsync set \(id) timeframe.end YYYY-MM-DD), then run goalsync activate \(id) again")
        }
        if !alreadyActive, let start = goal.timeframeStart, let end = goal.timeframeEnd, start > end {
            throw GoalSyncError.rule("goal \(id)'s timeframe ends (\(end)) before it starts (\(start)); change timeframe.start or timeframe.end first (goalsync set \(id) timeframe.start YYYY-MM-DD)")
        }
        if !alreadyActive {
            goal["status"] = .string(GoalStatus.active.rawValue)
            if goal.timeframeStart == nil {
                var tf = goal["timeframe"]?.map ?? YAMLMap()
                tf["start"] = .plain(today.description)
                goal["timeframe"] = .map(tf)
            }
            changed.insert(goal, at: 0)
        }
        let closed = "\(others.compactMap(\.id).joined(separator: ", ")) active -> \(close?.rawValue ?? "")"
        let summary = others.isEmpty ? "proposed -> active" : "\(alreadyActive ? "\(id) stays active" : "proposed -> active"); \(closed)"
        return try commitGoals(changed, verb: "activate", summary: summary, noVerify: noVerify)
    }

    // MARK: edit

    /// Commits a person's edit of goal `id` (from `goalsync edit`), after validating it. The front
    /// matter is written back in canonical form; the body as they wrote it.
    package func applyEdit(id: String, text: [UInt8], noVerify: Bool) throws -> CommitResult? {
        let original = try repository.loadGoal(id)
        let doc: MarkdownDocument
        do {
            doc = try MarkdownDocument.parse(text)
        } catch {
            throw GoalSyncError.unreadableGoal(path: GoalPaths.path(forID: id), line: error.line, message: error.message)
        }
        let edited = Goal(document: doc)
        if edited.id != id {
            throw GoalSyncError.rule("the edit changes the id from '\(id)' to '\(edited.id ?? "")'; ids never change")
        }
        let committed = committedGoal(id)
        if let before = committed?.status ?? original.status, let after = edited.status, before != after {
            if after == .active {
                let others = repository.loadAllGoals().goals.filter { $0.status == .active && $0.id != id }
                if !others.isEmpty {
                    throw GoalSyncError.rule("goal \(others.compactMap(\.id).joined(separator: ", ")) is active; use goalsync activate \(id) --close achieved|abandoned --reason TEXT")
                }
            }
            if !before.canMove(to: after) {
                throw GoalSyncError.rule("\(before.withArticle) goal cannot become \(after.rawValue); the moves are draft ⇄ proposed → active → achieved | abandoned, and draft or proposed → abandoned")
            }
        }
        if let old = committed?.checkins ?? Optional(original.checkins) {
            let now = Dictionary(edited.checkins.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
            for c in old {
                guard var edited = now[c.id] else {
                    throw GoalSyncError.rule("the edit removes check-in \(c.id); check-ins are append-only (a correction is a new check-in: goalsync checkin --amend \(c.id) VALUE)")
                }
                edited.note = c.note
                if edited != c {
                    throw GoalSyncError.rule("the edit changes check-in \(c.id); check-ins are append-only but for their note: record the correction with goalsync checkin --amend \(c.id) VALUE")
                }
            }
        }
        return try commitGoals([edited], verb: "edit", noVerify: noVerify)
    }
}
