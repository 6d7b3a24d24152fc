import Foundation
import GoalSyncGit

/// An edit made on a version of a goal that is no longer the current one, where the two changed
/// the same field differently: nothing was written (see ``GoalEditor/editGoal(id:basedOn:verb:summary:change:)``).
package struct StaleEditConflict: Error, LocalizedError, Sendable {
    package var goal: String
    /// The fields both changed, with the value each side wants (`ours`: this edit's, `theirs`: the
    /// current file's); empty when the version the edit started from is not known here.
    package var conflicts: [FieldConflict]
    /// The current version (the working file's blob id) to start again from.
    package var current: String

    package var errorDescription: String? {
        if conflicts.isEmpty {
            return "goal \(goal) changed since this page was loaded, and the version it showed is not in this repository; reload the page and make the edit again"
        }
        let fields = conflicts.map(\.field).joined(separator: ", ")
        return "goal \(goal) changed since this page was loaded, and \(fields) was changed differently meanwhile; nothing was saved: reload the page, check the current value and make the edit again"
    }
}

/// Edits from a form that showed a goal at one version (the blob id of the file it showed): the same
/// rules, commit messages and trailers as the commands (`set`, `add`), and no edit is lost when the
/// goal changed since the form was shown. Used by `goalsync serve`.
extension GoalEditor {
    /// Goal `id` as its working file holds it now, and that file's version: the git blob id of its
    /// bytes. The blob is stored (a no-op when the file is committed) so that an edit made on this
    /// version can later be merged against it.
    package func goalVersion(_ id: String) throws -> (version: String, goal: Goal) {
        let path = try repository.path(forID: id)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readRegularFile(absolute(path))
        } catch .missing {
            throw GoalSyncError.unknownGoal(id, known: repository.workingGoalPaths())
        } catch {
            throw GoalSyncError.unreadableGoal(path: path, line: nil, message: RepositoryValidator.readDiagnostic(error, path: path).message)
        }
        let goal = try loadGoalForWriting(id)
        return (try git.writeBlob(bytes).hex, goal)
    }

    /// Applies `change` to goal `id` and commits it with `verb`'s message. When `version` names an
    /// older version of the file than the current one, `change` is applied to that version and the
    /// result merged into the current file field by field, as a pull merges (``GoalMerge``, with the
    /// older version as the base): a field only this edit changed takes this edit's value, one only
    /// the other change touched keeps it; a field both changed differently throws
    /// ``StaleEditConflict`` and nothing is written.
    package func editGoal(id: String, basedOn version: String?, verb: String, summary: String? = nil,
                          change: (inout Goal) throws -> Void) throws -> CommitResult? {
        let (current, currentGoal) = try goalVersion(id)
        guard let version, version != current else {
            var goal = currentGoal
            try change(&goal)
            return try commitGoals([goal], verb: verb, summary: summary, noVerify: true)
        }
        guard let oid = ObjectID(hex: version), let bytes = try? git.blobData(oid), let doc = try? MarkdownDocument.parse(bytes) else {
            throw StaleEditConflict(goal: id, conflicts: [], current: current)
        }
        let base = Goal(document: doc)
        var ours = base
        try change(&ours)
        let merged = GoalMerge.merge(base: base, ours: ours, theirs: currentGoal)
        guard merged.conflicts.isEmpty else { throw StaleEditConflict(goal: id, conflicts: merged.conflicts, current: current) }
        return try commitGoals([merged.goal], verb: verb, summary: summary, noVerify: true)
    }

    /// `goalsync set` of several fields in one commit (`set(ID): a x -> y; b ...`); `body` sets the
    /// narrative. A field that already reads `value` is left as written (a form sends every field it
    /// shows). Every field is checked before anything is written: the errors come back together as
    /// ``GoalSyncError/validationFailed(_:)``, one ``Diagnostic`` per field, naming it.
    package func setFields(id: String, _ values: [(field: String, value: String)], basedOn version: String?, reason: String? = nil) throws -> CommitResult? {
        try editGoal(id: id, basedOn: version, verb: "set") { goal in
            var problems = [Diagnostic]()
            for (field, value) in values where Self.text(of: field, in: goal) != value {
                do {
                    if field == "body" {
                        goal.document.body = value
                    } else {
                        try apply(field: field, value: value, to: &goal, reason: reason)
                    }
                } catch let error as GoalSyncError {
                    problems.append(Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: field, severity: .error, code: "error",
                                               message: error.errorDescription ?? "\(error)"))
                }
            }
            if !problems.isEmpty { throw GoalSyncError.validationFailed(problems) }
        }
    }

    /// The value of `field` (`title`, `timeframe.end`, `body`) as a form shows it; "" when absent.
    package static func text(of field: String, in goal: Goal) -> String {
        if field == "body" { return goal.body }
        let parts = field.split(separator: ".").map(String.init)
        var value = goal[parts.first ?? field]
        for p in parts.dropFirst() { value = value?.map?[p] }
        return value?.scalarText ?? ""
    }

    /// `goalsync add ID LIST '{k: v, ...}'` from separate values (a form's inputs), without writing
    /// them as YAML text first: each value is read as its field's kind, as `add` reads the mapping's.
    package func addItem(id: String, list: String, fields: [(key: String, value: String)]) throws -> CommitResult? {
        guard case .keyedList(let key)? = FieldSchema.goalFields[list], list != "checkins" else {
            throw GoalSyncError.usage("'\(list)' is not a list of items goalsync can add to; the lists are metrics, sprint_goals")
        }
        return try editGoal(id: id, basedOn: nil, verb: "add") { goal in
            let kinds = FieldSchema.itemFields(of: list)
            var item = YAMLMap()
            var problems = [Diagnostic]()
            for (k, v) in fields where !v.isEmpty {
                do {
                    item[k] = try FieldSchema.value(v, kind: kinds[k], field: "\(list).\(k)")
                } catch let error as GoalSyncError {
                    problems.append(Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "\(list).\(k)", severity: .error, code: "error",
                                               message: error.errorDescription ?? "\(error)"))
                }
            }
            if !problems.isEmpty { throw GoalSyncError.validationFailed(problems) }
            guard let k = item[key]?.scalarText else { throw GoalSyncError.usage("a \(list) item needs its \(key)") }
            var items = goal[list]?.list ?? []
            if items.contains(where: { $0.map?[key]?.scalarText == k }) {
                throw GoalSyncError.usage("\(list) of \(id) already has an item '\(k)'")
            }
            items.append(.map(item))
            goal[list] = .list(items)
        }
    }
}
