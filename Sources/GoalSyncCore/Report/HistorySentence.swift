/// A goal's history as sentences a stakeholder reads: "Ana Ruiz raised the activation target from
/// 50 to 55", "Ben Ode checked in activation at 34 (on track): Invite step live", from the field
/// changes of its log (``GoalLogEntry``), without YAML.
package enum HistorySentence {
    /// What one log entry did, as sentences that start with who did it.
    package static func sentences(_ entry: GoalLogEntry) -> [String] {
        let who = entry.commit.author.name
        switch entry.kind {
        case .created: return ["\(who) created the goal" + (entry.title.map { " “\($0)”" } ?? "")]
        case .deleted: return ["\(who) deleted the goal's file"]
        case .renamed: return ["\(who) renamed the goal's file from \(entry.renamedFrom ?? "?")"]
        case .unparsable: return ["\(who) left the file unreadable" + (entry.error.map { " (\($0))" } ?? "")]
        case .boundary: return ["(the history before this is not in this shallow clone)"]
        case .merge, .changed: break
        }
        var out = entry.changes.map { "\(who) \(phrase($0))" }
        if entry.body != nil { out.append("\(who) edited the narrative") }
        if out.isEmpty { out.append(entry.kind == .merge ? "\(who) settled a merge" : "\(who) changed the goal") }
        return out
    }

    /// What one field change did, without the subject: "raised the activation target from 50 to 55".
    package static func phrase(_ c: FieldChange) -> String {
        let path = ConflictValue.components(c.field)
        let old = c.old.map { text(c.field, $0) }, new = c.new.map { text(c.field, $0) }
        let oldValue = c.old.flatMap { ConflictValue.parse($0, field: c.field) }, newValue = c.new.flatMap { ConflictValue.parse($0, field: c.field) }
        guard let head = path.first else { return "changed the goal" }
        switch (head, path.count) {
        case ("status", 1):
            return "moved it from \(old ?? "no status") to \(new ?? "no status")"
        case ("title", 1):
            return new.map { "retitled it “\($0)”" } ?? "removed the title"
        case ("metrics", 2):
            if old == nil { return "added the key result \(newValue?.map?["name"]?.scalarText.map { "“\($0)” " } ?? "")(\(path[1]))" }
            if new == nil { return "removed the key result \(path[1])" }
        case ("metrics", 3):
            let what = "the \(path[1]) \(path[2])"
            if let a = oldValue?.number, let b = newValue?.number, ["target", "baseline"].contains(path[2]) {
                return "\(b > a ? "raised" : "lowered") \(what) from \(number(a)) to \(number(b))"
            }
            return change(what, old, new)
        case ("checkins", 2):
            if let m = newValue?.map, old == nil {
                var s = "checked in \(m["metric"]?.scalarText ?? "the North Star") at \(m["value"]?.scalarText ?? "?")"
                if let conf = m["confidence"]?.scalarText { s += " (\(conf.replacingOccurrences(of: "_", with: " ")))" }
                if let note = m["note"]?.scalarText, !note.isEmpty { s += ": \(note)" }
                return s
            }
        case ("sprint_goals", 2):
            if let m = newValue?.map, old == nil {
                return "planned sprint goal \(path[1])" + (m["goal"]?.scalarText.map { ": \($0)" } ?? "") + (m["status"]?.scalarText.map { " (\($0.replacingOccurrences(of: "_", with: " ")))" } ?? "")
            }
            if new == nil { return "removed sprint goal \(path[1])" }
        case ("sprint_goals", 3) where path[2] == "status":
            return "marked sprint goal \(path[1]) \(new?.replacingOccurrences(of: "_", with: " ") ?? "without a status")"
        case ("timeframe", 2):
            return change("the \(path[1]) date", old, new)
        case ("closed", 2) where path[1] == "reason":
            return new.map { "gave the reason “\($0)”" } ?? "removed the closing reason"
        case (let list, 1) where FieldDiff.textLists.contains(list):
            let singular = ["proof": "proof", "assumptions": "an assumption", "contributors": "a contributor", "tags": "a tag"][list] ?? list
            if let n = new, old == nil { return "added \(singular): “\(n)”" }
            if let o = old, new == nil { return "removed \(singular): “\(o)”" }
            return "reordered \(list)"
        default: break
        }
        return change(label(c.field), old, new)
    }

    private static func change(_ what: String, _ old: String?, _ new: String?) -> String {
        // Words in quotes; a number or a date as it is.
        func q(_ s: String) -> String { s.contains(where: { $0 == " " || $0.isLetter }) ? "“\(s)”" : s }
        switch (old, new) {
        case (let o?, let n?): return "changed \(what) from \(q(o)) to \(q(n))"
        case (nil, let n?): return "set \(what) to \(q(n))"
        case (let o?, nil): return "removed \(what) (\(q(o)))"
        default: return "changed \(what)"
        }
    }

    /// A field's name as words: `moves_north_star` → "how it moves the North Star".
    private static func label(_ field: String) -> String {
        let known = ["persona": "who it is for", "problem": "the problem", "why": "why it matters", "owner": "the owner",
                     "moves_north_star": "how it moves the North Star", "cadence_days": "the check-in cadence (days)", "order": "the order"]
        if let k = known[field] { return k }
        return "the " + field.replacingOccurrences(of: "_", with: " ").replacingOccurrences(of: ".", with: " ")
    }

    /// A recorded value as text: a scalar unquoted, a list or mapping as one line.
    private static func text(_ field: String, _ recorded: String) -> String {
        let value = ConflictValue.parse(recorded, field: field)
        if let s = value?.scalarText { return clip(s) }
        return clip(recorded)
    }

    private static func clip(_ s: String) -> String { s.count <= 120 ? s : String(s.prefix(119)) + "…" }

    private static func number(_ d: Double) -> String {
        if d == d.rounded(), abs(d) < 1e15 { return String(Int64(d)) }
        return String(d)
    }
}
