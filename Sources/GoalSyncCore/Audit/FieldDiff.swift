/// One field that changed between two versions of a goal, as a person names it.
package struct FieldChange: Sendable, Equatable, Codable {
    /// `title`, `timeframe.end`, `metrics.activation.target`, `checkins.01jd4x7k2m`, `proof`, `body`.
    package var field: String
    /// The value before, shown as YAML (nil: absent).
    package var old: String?
    /// The value after (nil: removed).
    package var new: String?

    package init(field: String, old: String?, new: String?) {
        self.field = field
        self.old = old
        self.new = new
    }

    /// `metrics.activation.target 45 -> 50`, `proof + "Q3 funnel"`, `tags - x`, `body`.
    package var summary: String {
        switch (old, new) {
        case (nil, let n?): return field == "body" ? "body" : "\(field) + \(n)"
        case (let o?, nil): return field == "body" ? "body" : "\(field) - \(o)"
        case (let o?, let n?): return field == "body" ? "body" : "\(field) \(o) -> \(n)"
        default: return field
        }
    }
}

/// The semantic difference between two versions of a goal's front matter: field by field, keyed
/// lists item by item, text lists item by item.
package enum FieldDiff {
    /// The keyed lists and the key of their items.
    package static let keyedLists: [String: String] = ["metrics": "id", "checkins": "id", "sprint_goals": "sprint"]
    /// The lists of text that merge and diff as ordered sets.
    package static let textLists: Set<String> = ["proof", "assumptions", "contributors", "tags"]

    package static func changes(from old: Goal?, to new: Goal?) -> [FieldChange] {
        var out = changes(from: old?.frontMatter ?? YAMLMap(), to: new?.frontMatter ?? YAMLMap())
        if (old?.body ?? "") != (new?.body ?? "") {
            out.append(FieldChange(field: "body", old: old == nil ? nil : "", new: new == nil ? nil : ""))
        }
        return out
    }

    package static func changes(from old: YAMLMap, to new: YAMLMap) -> [FieldChange] {
        var out = [FieldChange]()
        let oldValues = old.lookup, newValues = new.lookup
        let keys = YAMLWriter.ordered(YAMLMap((old.entries + new.entries.filter { !oldValues.contains($0.key) }).map { ($0.key, YAMLValue.null) }), by: YAMLWriter.goalKeyOrder).map(\.key)
        for key in keys {
            let a = oldValues[key], b = newValues[key]
            guard a != b else { continue }
            if let itemKey = keyedLists[key], let la = a?.list ?? (a == nil ? [] : nil), let lb = b?.list ?? (b == nil ? [] : nil) {
                out += keyedListChanges(key, itemKey: itemKey, la, lb)
            } else if textLists.contains(key), let la = a?.list ?? (a == nil ? [] : nil), let lb = b?.list ?? (b == nil ? [] : nil) {
                let sa = la.map(display), sb = lb.map(display)
                for item in sb where !sa.contains(item) { out.append(FieldChange(field: key, old: nil, new: item)) }
                for item in sa where !sb.contains(item) { out.append(FieldChange(field: key, old: item, new: nil)) }
                // The same items: reordered, or a list written where there was none (or the reverse).
                if Set(sa) == Set(sb) { out.append(FieldChange(field: key, old: a.map(display), new: b.map(display))) }
            } else if let ma = a?.map, let mb = b?.map {
                for change in changes(from: ma, to: mb) {
                    out.append(FieldChange(field: "\(key).\(change.field)", old: change.old, new: change.new))
                }
            } else {
                out.append(FieldChange(field: key, old: a.map(display), new: b.map(display)))
            }
        }
        return out
    }

    static func keyedListChanges(_ list: String, itemKey: String, _ a: [YAMLValue], _ b: [YAMLValue]) -> [FieldChange] {
        func key(_ v: YAMLValue) -> String? { v.map?[itemKey]?.scalarText }
        var out = [FieldChange]()
        let oldByKey = Dictionary(a.compactMap { v in key(v).map { ($0, v) } }, uniquingKeysWith: { x, _ in x })
        let newByKey = Dictionary(b.compactMap { v in key(v).map { ($0, v) } }, uniquingKeysWith: { x, _ in x })
        for item in b {
            guard let k = key(item) else { continue }
            let name = k.contains(".") ? "\(list)[\(k)]" : "\(list).\(k)"
            if let before = oldByKey[k] {
                guard before != item, let mb = before.map, let ma = item.map else { continue }
                for change in changes(from: mb, to: ma) {
                    out.append(FieldChange(field: "\(name).\(change.field)", old: change.old, new: change.new))
                }
            } else {
                out.append(FieldChange(field: name, old: nil, new: display(item)))
            }
        }
        for item in a {
            guard let k = key(item), newByKey[k] == nil else { continue }
            out.append(FieldChange(field: k.contains(".") ? "\(list)[\(k)]" : "\(list).\(k)", old: display(item), new: nil))
        }
        return out
    }

    /// A value on one line, as YAML flow.
    package static func display(_ value: YAMLValue) -> String {
        switch value {
        case .string(let s): return YAMLWriter.scalar(s, flow: true, isKey: false)
        case .plain(let s): return s
        case .null: return "null"
        case .list(let l): return "[" + l.map(display).joined(separator: ", ") + "]"
        case .map(let m): return "{" + m.entries.map { "\($0.key): \(display($0.value))" }.joined(separator: ", ") + "}"
        }
    }
}

/// A goalsync commit message: `verb(id): summary`, a body, and the trailers `Goal-Id:` and
/// `Goal-Fields:` that the audit reads back (SPEC §7).
package struct CommitMessage: Sendable, Equatable {
    package var verb: String
    package var goalIDs: [String]
    package var summary: String
    package var fields: [String]
    package var body: String?

    package init(verb: String, goalIDs: [String], summary: String, fields: [String], body: String? = nil) {
        self.verb = verb
        self.goalIDs = goalIDs
        self.summary = summary
        self.fields = fields
        self.body = body
    }

    package var text: String {
        var subject = goalIDs.isEmpty ? "\(verb): \(summary)" : "\(verb)(\(goalIDs.joined(separator: ","))): \(summary)"
        subject = subject.replacingOccurrences(of: "\n", with: " ")
        if subject.count > 200 { subject = String(subject.prefix(197)) + "..." }
        var text = subject + "\n"
        if let body, !body.isEmpty { text += "\n" + body + "\n" }
        var trailers = goalIDs.map { "Goal-Id: \($0)" }
        let fieldList = uniqued(fields)
        if !fieldList.isEmpty { trailers.append("Goal-Fields: " + fieldList.joined(separator: ", ")) }
        if !trailers.isEmpty { text += "\n" + trailers.joined(separator: "\n") + "\n" }
        return text
    }

    /// A subject summary from field changes: the first few, then "and N more".
    package static func summarize(_ changes: [FieldChange], limit: Int = 3) -> String {
        let parts = changes.prefix(limit).map(\.summary)
        let more = changes.count > limit ? " and \(changes.count - limit) more" : ""
        return parts.joined(separator: "; ") + more
    }
}

/// Unique items in first-seen order.
private func uniqued(_ items: [String]) -> [String] {
    var seen = Set<String>()
    return items.filter { seen.insert($0).inserted }
}
