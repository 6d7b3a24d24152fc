import Foundation
import GoalSyncGit

/// Corrections without rewriting history (issue 9): a check-in is corrected by a new one that
/// `supersedes` it (both kept; ``Goal/effectiveCheckins`` counts the new one), a note is added to a
/// check-in without touching its value, and a draft that nobody else has seen can be removed.
extension GoalEditor {
    /// A check-in's date from `--on` (default today): never after today, never before the goal was
    /// created (its `created` field).
    func checkinDate(_ text: String?, goal: Goal, field: String = "--on") throws -> YAMLValue {
        let value = try FieldSchema.value(text ?? today.description, kind: .date, field: field)
        guard let date = value.date else { return value }
        if date > today {
            throw GoalSyncError.rule("\(field) \(date) is after today (\(today)); a check-in records a value already measured: give its date, today or earlier")
        }
        if let created = goal["created"]?.date, date < created {
            throw GoalSyncError.rule("\(field) \(date) is before goal \(goal.id ?? "") was created (\(created)); give a date from \(created) to \(today)")
        }
        return value
    }

    /// `goalsync checkin --amend CHECKIN [VALUE] [--on DATE] [--confidence C] [--note TEXT]`:
    /// records a correction of check-in CHECKIN (an id or the start of one) as a new check-in of
    /// the same key result with `supersedes: CHECKIN`. What is not given is taken from the
    /// corrected check-in (its date, value, confidence and note); the person is who corrects.
    /// - Returns: the goal, the new check-in's id and the commit.
    package func amendCheckin(_ typed: String, value: String?, confidence: String?, note: String?, on: String?, noVerify: Bool) throws -> (goal: String, checkin: String, result: CommitResult) {
        let (goalID, oldID) = try repository.resolveCheckinID(typed)
        var goal = try loadGoalForWriting(goalID)
        if let status = goal.status, status.isFinal {
            throw GoalSyncError.rule("goal \(goalID) is \(status.rawValue); closed goals take no check-ins, corrections included (add a note instead: goalsync checkin --add-note \(oldID) TEXT)")
        }
        guard let old = goal.checkins.first(where: { $0.id == oldID }) else {
            throw GoalSyncError.usage("no check-in has the id '\(typed)'")
        }
        if let newer = goal.checkins.first(where: { $0.supersedes == oldID && $0.metric == old.metric }) {
            throw GoalSyncError.rule("check-in \(oldID) is already corrected by \(newer.id); correct that one instead: goalsync checkin --amend \(newer.id) ...")
        }
        guard value != nil || confidence != nil || note != nil || on != nil else {
            throw GoalSyncError.usage("say what the correction changes: a VALUE, --on DATE, --confidence or --note")
        }
        guard let metric = old.metric else { throw GoalSyncError.rule("check-in \(oldID) names no metric; fix it with goalsync edit \(goalID)") }
        var entry = YAMLMap()
        let newID = GoalID.makeCheckinID()
        entry["id"] = .string(newID)
        if let on {
            entry["on"] = try checkinDate(on, goal: goal)
        } else if let date = old.on {
            entry["on"] = .plain(date.description)
        } else {
            entry["on"] = try checkinDate(nil, goal: goal)
        }
        entry["by"] = .string(try currentPerson())
        entry["metric"] = .string(metric)
        if let value {
            entry["value"] = try FieldSchema.value(value, kind: .number, field: "VALUE")
        } else if let v = goal.frontMatter["checkins"]?.list?.first(where: { $0.map?["id"]?.scalarText == oldID })?.map?["value"] {
            entry["value"] = v
        }
        if let confidence {
            entry["confidence"] = try FieldSchema.value(confidence, kind: FieldSchema.checkinFields["confidence"], field: "--confidence")
        } else if let c = old.confidence {
            entry["confidence"] = .plain(c.rawValue)
        }
        if let text = note ?? old.note, !text.isEmpty { entry["note"] = .string(text) }
        entry["supersedes"] = .string(oldID)
        var items = goal["checkins"]?.list ?? []
        items.append(.map(entry))
        goal["checkins"] = .list(items)
        let shown = value ?? old.value.map { $0 == $0.rounded() && abs($0) < 1e15 ? String(Int64($0)) : String($0) } ?? "?"
        let summary = "\(metric) = \(shown), correcting \(oldID)"
        guard let result = try commitGoals([goal], verb: "checkin", summary: summary, noVerify: noVerify) else {
            throw GoalSyncError.repository("the correction could not be written")
        }
        return (goalID, newID, result)
    }

    /// `goalsync checkin --add-note CHECKIN TEXT`: adds TEXT to the note of check-in CHECKIN (an id
    /// or the start of one), after the note it has on a line of its own; its value, date and the
    /// rest stay as they are.
    package func addNote(toCheckin typed: String, text: String, noVerify: Bool) throws -> (goal: String, checkin: String, result: CommitResult) {
        guard !text.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else { throw GoalSyncError.usage("the note is empty; say what the team should know about the check-in") }
        let (goalID, checkinID) = try repository.resolveCheckinID(typed)
        var goal = try loadGoalForWriting(goalID)
        var items = goal["checkins"]?.list ?? []
        guard let i = items.firstIndex(where: { $0.map?["id"]?.scalarText == checkinID }), var m = items[i].map else {
            throw GoalSyncError.usage("no check-in has the id '\(typed)'")
        }
        let existing = m["note"]?.scalarText ?? ""
        m["note"] = .string(existing.isEmpty ? text : existing + "\n" + text)
        items[i] = .map(m)
        goal["checkins"] = .list(items)
        guard let result = try commitGoals([goal], verb: "note", summary: "note on check-in \(checkinID)", noVerify: noVerify) else {
            throw GoalSyncError.repository("the note could not be written")
        }
        return (goalID, checkinID, result)
    }

    /// `goalsync rm ID`: removes a draft goal's file in one commit. Only a draft: a goal the team
    /// has seen (proposed or later) is abandoned with a reason instead, so its history says why.
    package func removeDraft(id: String, noVerify: Bool) throws -> CommitResult {
        let goal = try loadGoalForWriting(id)
        guard goal.status == .draft else {
            let s = goal.status.map { "\($0.withArticle) goal" } ?? "a goal with no valid status"
            let what = goal.status?.isFinal == true
                ? "it stays in the repository as the record of what the team decided"
                : "abandon it with a reason instead: goalsync set \(id) status abandoned --reason TEXT"
            throw GoalSyncError.rule("goal \(id) is \(s); only a draft can be removed (goalsync rm), \(what)")
        }
        let path = try repository.path(forID: id)
        let message = CommitMessage(verb: "rm", goalIDs: [id], summary: "remove draft \(goal.title ?? id)", fields: [])
        return try commit([FileWrite(path: path, bytes: nil)], message: message, noVerify: noVerify)
    }
}
