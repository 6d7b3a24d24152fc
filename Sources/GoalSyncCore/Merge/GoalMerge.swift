import GoalSyncGit

/// A field both sides changed differently (or an edit against a deletion): a true conflict.
package struct FieldConflict: Sendable, Equatable, Codable {
    /// `title`, `timeframe.end`, `metrics.activation.target`, `metrics.activation` (edit vs delete),
    /// `body`, or `(file)` for a goal edited on one side and deleted on the other.
    package var field: String
    /// Each side's value as one line of YAML; nil where the field is absent.
    package var base: String?
    package var ours: String?
    package var theirs: String?

    package init(field: String, base: String?, ours: String?, theirs: String?) {
        self.field = field
        self.base = base
        self.ours = ours
        self.theirs = theirs
    }
}

/// The semantic three-way merge of one goal (SPEC §6), a pure function of three values: scalars take
/// the side that changed; text lists merge as ordered sets; keyed lists (`metrics`, `checkins` by
/// `id`, `sprint_goals` by `sprint`) item by item and field by field; the body line by line; keys
/// goalsync does not know like scalars. Deterministic and symmetric; where a field conflicts the
/// result holds ours, and the conflict is reported.
package enum GoalMerge {
    package struct Result: Sendable {
        package var goal: Goal
        package var conflicts: [FieldConflict]
    }

    /// Merges two versions of a goal against their base (nil: both sides created it).
    package static func merge(base: Goal?, ours: Goal, theirs: Goal) -> Result {
        var conflicts = [FieldConflict]()
        let fm = mergeMap(base?.frontMatter ?? YAMLMap(), ours.frontMatter, theirs.frontMatter, path: "", keyOrder: YAMLWriter.goalKeyOrder, conflicts: &conflicts)
        let body = mergeBody(base?.body ?? "", ours.body, theirs.body, conflicts: &conflicts)
        return Result(goal: Goal(frontMatter: fm, body: body), conflicts: conflicts)
    }

    /// Merges front matter mappings key by key.
    static func mergeMap(_ base: YAMLMap, _ ours: YAMLMap, _ theirs: YAMLMap, path: String, keyOrder: [String], conflicts: inout [FieldConflict]) -> YAMLMap {
        if ours == theirs || theirs == base { return ours }
        if ours == base { return theirs }
        let keys = OrderedMerge.merge(base: base.keys, ours: ours.keys, theirs: theirs.keys)
        // Keys a side removed are absent from `keys`, but a removal against an edit must still be seen.
        var allKeys = keys
        var seen = Set(keys)
        for k in ours.keys + theirs.keys + base.keys where seen.insert(k).inserted { allKeys.append(k) }
        let baseValues = base.lookup, ourValues = ours.lookup, theirValues = theirs.lookup
        var out = YAMLMap()
        out.entries.reserveCapacity(allKeys.count)
        for key in allKeys {
            let field = path.isEmpty ? key : "\(path).\(key)"
            let b = baseValues[key], o = ourValues[key], t = theirValues[key]
            let merged: YAMLValue?
            if path.isEmpty, let itemKey = FieldDiff.keyedLists[key], let lists = lists(b, o, t), [lists.0, lists.1, lists.2].allSatisfy({ keysOf($0, itemKey) != nil }) {
                merged = .list(mergeKeyedList(lists.0, lists.1, lists.2, itemKey: itemKey, list: key, conflicts: &conflicts))
            } else if path.isEmpty, FieldDiff.textLists.contains(key), let lists = lists(b, o, t),
                [lists.0, lists.1, lists.2].allSatisfy({ Set($0).count == $0.count }) {
                merged = .list(OrderedMerge.merge(base: lists.0.map(SortKey.init), ours: lists.1.map(SortKey.init), theirs: lists.2.map(SortKey.init)).map(\.value))
            } else if path.isEmpty, key == "timeframe" || key == "closed" || key == "north_star", let mo = o?.map, let mt = t?.map, b == nil || b?.map != nil {
                merged = .map(mergeMap(b?.map ?? YAMLMap(), mo, mt, path: field, keyOrder: YAMLWriter.nestedKeyOrder[key] ?? [], conflicts: &conflicts))
            } else {
                merged = mergeScalar(b, o, t, field: field, conflicts: &conflicts)
            }
            if let merged { out.entries.append((key, merged)) }
        }
        // Canonical order for the known keys; the merged order for the rest.
        return YAMLMap(YAMLWriter.ordered(out, by: keyOrder))
    }

    /// Merges one value as a whole: the side that changed wins; both changed differently is a conflict.
    static func mergeScalar(_ b: YAMLValue?, _ o: YAMLValue?, _ t: YAMLValue?, field: String, conflicts: inout [FieldConflict]) -> YAMLValue? {
        if o == t { return o }
        if o == b { return t }
        if t == b { return o }
        conflicts.append(FieldConflict(field: field, base: b.map(FieldDiff.display), ours: o.map(FieldDiff.display), theirs: t.map(FieldDiff.display)))
        return o
    }

    private static func lists(_ b: YAMLValue?, _ o: YAMLValue?, _ t: YAMLValue?) -> ([YAMLValue], [YAMLValue], [YAMLValue])? {
        func list(_ v: YAMLValue?) -> [YAMLValue]? { v == nil ? [] : v?.list }
        guard let lb = list(b), let lo = list(o), let lt = list(t) else { return nil }
        return (lb, lo, lt)
    }

    private static func keysOf(_ items: [YAMLValue], _ itemKey: String) -> [String]? {
        var keys = [String]()
        for item in items {
            guard let k = item.map?[itemKey]?.scalarText else { return nil }
            keys.append(k)
        }
        return Set(keys).count == keys.count ? keys : nil
    }

    /// Merges a keyed list item by item (by key) and each item field by field.
    static func mergeKeyedList(_ base: [YAMLValue], _ ours: [YAMLValue], _ theirs: [YAMLValue], itemKey: String, list: String, conflicts: inout [FieldConflict]) -> [YAMLValue] {
        if ours == theirs || theirs == base { return ours }
        if ours == base { return theirs }
        func byKey(_ items: [YAMLValue]) -> [String: YAMLMap] {
            Dictionary(items.compactMap { v in v.map.flatMap { m in m[itemKey]?.scalarText.map { ($0, m) } } }, uniquingKeysWith: { a, _ in a })
        }
        let b = byKey(base), o = byKey(ours), t = byKey(theirs)
        let keys = OrderedMerge.merge(base: keysOf(base, itemKey)!, ours: keysOf(ours, itemKey)!, theirs: keysOf(theirs, itemKey)!)
        var out = [YAMLValue]()
        for key in keys {
            let name = key.contains(".") ? "\(list)[\(key)]" : "\(list).\(key)"
            let bi = b[key] ?? YAMLMap()
            switch (o[key], t[key]) {
            case (var oi?, var ti?):
                // A check-in's note grows (goalsync checkin --add-note): notes added on both
                // sides merge line by line, both kept, rather than conflict.
                if list == "checkins", let note = mergeNotes(bi["note"], oi["note"], ti["note"]) {
                    oi["note"] = note
                    ti["note"] = note
                }
                out.append(.map(mergeMap(bi, oi, ti, path: name, keyOrder: YAMLWriter.nestedKeyOrder[list] ?? [], conflicts: &conflicts)))
            case (let oi?, nil):
                out.append(.map(oi))
            case (nil, let ti?):
                out.append(.map(ti))
            case (nil, nil):
                break
            }
        }
        // An item removed on one side and changed on the other: a conflict; ours decides the file.
        for key in b.keys.sorted() {
            let name = key.contains(".") ? "\(list)[\(key)]" : "\(list).\(key)"
            switch (o[key], t[key]) {
            case (nil, let ti?) where ti != b[key]:
                conflicts.append(FieldConflict(field: name, base: FieldDiff.display(.map(b[key]!)), ours: nil, theirs: FieldDiff.display(.map(ti))))
            case (let oi?, nil) where oi != b[key]:
                conflicts.append(FieldConflict(field: name, base: FieldDiff.display(.map(b[key]!)), ours: FieldDiff.display(.map(oi)), theirs: nil))
                if !keys.contains(key) { out.append(.map(oi)) }
            default: break
            }
        }
        return out
    }

    /// Two notes of one check-in that both sides changed, merged as ordered sets of lines (each
    /// side's added lines kept, in a deterministic order); nil when they need no merge or cannot
    /// be merged so (not text, or a line written twice), which leaves them to ``mergeScalar``.
    static func mergeNotes(_ b: YAMLValue?, _ o: YAMLValue?, _ t: YAMLValue?) -> YAMLValue? {
        guard o != t, o != b, t != b else { return nil }
        func lines(_ v: YAMLValue?) -> [String]? {
            guard let v else { return [] }
            guard case .string(let s) = v else { return v.scalarText.map { [$0] } }
            let l = s.components(separatedBy: "\n")
            return Set(l).count == l.count ? l : nil
        }
        guard let bl = lines(b), let ol = lines(o), let tl = lines(t) else { return nil }
        let merged = OrderedMerge.merge(base: bl, ours: ol, theirs: tl)
        return merged.isEmpty ? nil : .string(merged.joined(separator: "\n"))
    }

    /// Merges the Markdown body line by line (`git_merge_file`); a conflict keeps ours in the file.
    static func mergeBody(_ base: String, _ ours: String, _ theirs: String, conflicts: inout [FieldConflict]) -> String {
        if ours == theirs || theirs == base { return ours }
        if ours == base { return theirs }
        if let merged = try? TextMerge.merge(base: Array(base.utf8), ours: Array(ours.utf8), theirs: Array(theirs.utf8)), merged.clean,
            let text = String(validating: merged.text, as: UTF8.self) {
            return text
        }
        conflicts.append(FieldConflict(field: "body", base: base, ours: ours, theirs: theirs))
        return ours
    }
}

/// A YAML value ordered by its text, for ordered-set merges of text lists.
struct SortKey: Hashable, Comparable {
    let value: YAMLValue
    init(_ value: YAMLValue) { self.value = value }
    static func < (a: SortKey, b: SortKey) -> Bool { FieldDiff.display(a.value) < FieldDiff.display(b.value) }
}
