import GoalSyncGit

/// The merge of one file of the repository, by kind: goals and VISION.md semantically, other files
/// with git's text merge. A pure function of three byte strings (nil: the file is absent).
package enum FileMerge {
    package enum Kind: Sendable {
        case goal, vision, text

        package init(path: String) {
            self = GoalPaths.isGoalFile(path) ? .goal : path == GoalPaths.vision ? .vision : .text
        }
    }

    package struct Outcome: Sendable {
        /// The merged file (nil: deleted). Where there are conflicts, ours decides these bytes.
        package var bytes: [UInt8]?
        package var conflicts: [FieldConflict]
        /// The three sides with every conflicting field set to that side's value, for conflict markers.
        package var sides: (base: [UInt8], ours: [UInt8], theirs: [UInt8])?
    }

    package static func merge(base: [UInt8]?, ours: [UInt8]?, theirs: [UInt8]?, kind: Kind) -> Outcome {
        if ours == theirs { return Outcome(bytes: ours, conflicts: []) }
        if ours == base { return Outcome(bytes: theirs, conflicts: []) }
        if theirs == base { return Outcome(bytes: ours, conflicts: []) }
        guard let ours, let theirs else {
            // Edited on one side, deleted on the other: keep the edit in the file until it is settled.
            let kept = ours ?? theirs!
            let conflict = FieldConflict(field: "(file)", base: base == nil ? nil : "present", ours: ours == nil ? nil : "edited", theirs: theirs == nil ? nil : "edited")
            return Outcome(bytes: kept, conflicts: [conflict])
        }
        if kind != .text, let o = try? MarkdownDocument.parse(ours), let t = try? MarkdownDocument.parse(theirs) {
            let b = base.flatMap { try? MarkdownDocument.parse($0) }
            if base == nil || b != nil {
                let keyOrder = kind == .goal ? YAMLWriter.goalKeyOrder : []
                var conflicts = [FieldConflict]()
                let fm = GoalMerge.mergeMap(b?.frontMatter ?? YAMLMap(), o.frontMatter, t.frontMatter, path: "", keyOrder: keyOrder, conflicts: &conflicts)
                let body = GoalMerge.mergeBody(b?.body ?? "", o.body, t.body, conflicts: &conflicts)
                let merged = MarkdownDocument(frontMatter: fm, body: body)
                let bytes = Array(YAMLWriter.document(merged, keyOrder: keyOrder).utf8)
                var sides: (base: [UInt8], ours: [UInt8], theirs: [UInt8])?
                if !conflicts.isEmpty {
                    func side(_ pick: (FieldConflict) -> String?) -> [UInt8] {
                        var doc = merged
                        for c in conflicts { ConflictValue.apply(pick(c), field: c.field, to: &doc) }
                        return Array(YAMLWriter.document(doc, keyOrder: keyOrder).utf8)
                    }
                    sides = (side(\.base), side(\.ours), side(\.theirs))
                }
                return Outcome(bytes: bytes, conflicts: conflicts, sides: sides)
            }
        }
        // Not parseable as front matter, or a plain text file: git's line merge.
        guard let merged = try? TextMerge.merge(base: base ?? [], ours: ours, theirs: theirs) else {
            return Outcome(bytes: ours, conflicts: [FieldConflict(field: "(file)", base: nil, ours: "edited", theirs: "edited")])
        }
        if merged.clean { return Outcome(bytes: merged.text, conflicts: []) }
        return Outcome(bytes: ours, conflicts: [FieldConflict(field: "(text)", base: nil, ours: "edited", theirs: "edited")],
                       sides: (base ?? [], ours, theirs))
    }

    /// The merge as it stands in a virtual merge base (see ``VirtualBase``): where it is clean, the
    /// merge; where a field conflicts, that field takes its value in `base` (the merge base of
    /// the two bases being merged), so the outer merge sees what each side settled as a change
    /// of its own and reports a conflict only where the two sides truly differ. A file edited on
    /// one side and deleted on the other keeps its `base` version, as git's merge-ort does for a
    /// virtual base; a text file whose lines conflict is its `base` version (empty when both sides
    /// added it). Never a conflict, never conflict markers.
    package static func virtualBase(base: [UInt8]?, ours: [UInt8]?, theirs: [UInt8]?, kind: Kind) -> [UInt8]? {
        let outcome = merge(base: base, ours: ours, theirs: theirs, kind: kind)
        if outcome.conflicts.isEmpty { return outcome.bytes }
        if let sides = outcome.sides { return sides.base }
        return ours == nil || theirs == nil ? base : base ?? []
    }

    /// The file with git-style conflict markers around each conflicting field (for git's merge
    /// driver protocol): validation rejects it until a person settles it.
    package static func markedText(_ outcome: Outcome) -> [UInt8] {
        guard let sides = outcome.sides,
            let marked = try? TextMerge.merge(base: sides.base, ours: sides.ours, theirs: sides.theirs)
        else { return outcome.bytes ?? [] }
        return marked.text
    }
}

/// Reads a conflict's recorded value back and puts it in a document, by field path.
package enum ConflictValue {
    /// Parses a value as recorded in a ``FieldConflict`` (one line of YAML flow, or the body's text).
    package static func parse(_ text: String?, field: String) -> YAMLValue? {
        guard let text else { return nil }
        if field == "body" { return .string(text) }
        guard let doc = try? MarkdownDocument.parse("---\nvalue: \(text)\n---\n") else { return .string(text) }
        return doc.frontMatter["value"]
    }

    /// Sets `field` (`title`, `timeframe.end`, `metrics.activation.target`, `metrics.activation`,
    /// `body`) of `doc` to the recorded value `text` (nil: remove it).
    package static func apply(_ text: String?, field: String, to doc: inout MarkdownDocument) {
        if field == "body" {
            doc.body = text ?? ""
            return
        }
        if field.hasPrefix("(") { return }
        set(parse(text, field: field), at: components(field), in: &doc.frontMatter)
    }

    /// Splits a field path; a keyed list's key may be written `list[key]` when it holds dots.
    package static func components(_ field: String) -> [String] {
        if let open = field.firstIndex(of: "["), let close = field.firstIndex(of: "]"), open < close {
            let list = String(field[..<open])
            let key = String(field[field.index(after: open)..<close])
            let rest = field[field.index(after: close)...].drop(while: { $0 == "." })
            return [list, key] + (rest.isEmpty ? [] : rest.split(separator: ".").map(String.init))
        }
        return field.split(separator: ".").map(String.init)
    }

    /// The value at a field path (as ``components(_:)`` splits it), the reverse of `set`: a keyed
    /// list's item is found by its key. Nil when absent.
    package static func value(at path: [String], in map: YAMLMap) -> YAMLValue? {
        guard let head = path.first else { return nil }
        guard path.count > 1 else { return map[head] }
        if let itemKey = FieldDiff.keyedLists[head], let items = map[head]?.list {
            guard let item = items.first(where: { $0.map?[itemKey]?.scalarText == path[1] }) else { return nil }
            guard path.count > 2 else { return item }
            return item.map.flatMap { value(at: Array(path.dropFirst(2)), in: $0) }
        }
        return map[head]?.map.flatMap { value(at: Array(path.dropFirst()), in: $0) }
    }

    static func set(_ value: YAMLValue?, at path: [String], in map: inout YAMLMap) {
        guard let head = path.first else { return }
        if path.count == 1 {
            map[head] = value
            return
        }
        if let itemKey = FieldDiff.keyedLists[head], map[head]?.list != nil || value != nil {
            var items = map[head]?.list ?? []
            let key = path[1]
            let index = items.firstIndex { $0.map?[itemKey]?.scalarText == key }
            if path.count == 2 {
                if let index {
                    if let value { items[index] = value } else { items.remove(at: index) }
                } else if let value {
                    items.append(value)
                }
            } else if let index, var item = items[index].map {
                set(value, at: Array(path.dropFirst(2)), in: &item)
                items[index] = .map(item)
            }
            map[head] = items.isEmpty ? nil : .list(items)
            return
        }
        var sub = map[head]?.map ?? YAMLMap()
        set(value, at: Array(path.dropFirst()), in: &sub)
        map[head] = sub.isEmpty ? nil : .map(sub)
    }
}
