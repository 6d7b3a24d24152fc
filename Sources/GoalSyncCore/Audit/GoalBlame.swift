import GoalSyncGit

/// `goalsync blame ID`: for each field of a goal, who set its current value, when, in which commit.
package struct GoalBlame: Sendable {
    /// One blamed piece of the goal.
    package struct Line: Sendable {
        /// `title`, `timeframe.end`, `metrics.activation.target`, `checkins.c1`, `proof`, `body`.
        package var field: String
        /// For an item of a text list (proof, assumptions, contributors, tags): the item.
        package var item: String?
        /// The current value, as YAML on one line (nil for the body).
        package var value: String?
        package var commit: HistoryCommit
        /// The commit is a shallow clone's boundary: the value was set there or before it.
        package var atBoundary: Bool { commit.isBoundary }
    }

    package var goal: String
    package var path: String
    /// The commit blamed from (HEAD).
    package var head: String
    package var lines: [Line]
    package var isShallow: Bool

    package var json: JSONValue {
        .object([
            ("goal", .string(goal)), ("path", .string(path)), ("head", .string(head)), ("shallow", .bool(isShallow)),
            ("fields", .array(lines.map { l in
                .object([
                    ("field", .string(l.field)), ("item", .optional(l.item)), ("value", .yamlValue(l.value)),
                    ("commit", .string(l.commit.id.hex)),
                    ("author", .object([("name", .string(l.commit.author.name)), ("email", .string(l.commit.author.email))])),
                    ("date", .string(l.commit.author.date.description)), ("time", .string(l.commit.author.isoTime)),
                    ("summary", .string(l.commit.summary)), ("boundary", .bool(l.atBoundary)),
                ])
            })),
        ])
    }

    /// One blamable piece of a goal: `key` identifies it across versions, `value` is compared.
    struct Leaf {
        var key: String
        var field: String
        var item: String?
        var value: YAMLValue

        /// The value as YAML on one line; nil for the body.
        var display: String? { field == "body" ? nil : FieldDiff.display(value) }
    }

    /// Each piece's value by key.
    static func values(_ goal: Goal) -> [String: YAMLValue] {
        Dictionary(leaves(goal).map { ($0.key, $0.value) }, uniquingKeysWith: { a, _ in a })
    }

    /// The pieces of a goal blame speaks about, in file order: each scalar field (nested mappings
    /// field by field), each metric's fields, each check-in and each sprint goal as a whole, each
    /// item of the text lists, and the body as a whole.
    static func leaves(_ goal: Goal) -> [Leaf] {
        var out = [Leaf]()
        func scalarLeaves(_ field: String, _ value: YAMLValue) {
            if case .map(let m) = value, !m.isEmpty {
                for (k, v) in m.entries { scalarLeaves("\(field).\(k)", v) }
            } else {
                out.append(Leaf(key: field, field: field, item: nil, value: value))
            }
        }
        /// An item known by its value: a text-list item, or a keyed-list item without its key.
        func itemLeaf(_ list: String, _ item: YAMLValue) -> Leaf {
            let text = item.scalarText ?? FieldDiff.display(item)
            return Leaf(key: "\(list)\u{1F}\(text)", field: list, item: text, value: item)
        }
        for (key, value) in YAMLWriter.ordered(goal.frontMatter, by: YAMLWriter.goalKeyOrder) {
            if let itemKey = FieldDiff.keyedLists[key], let list = value.list {
                for item in list {
                    guard let m = item.map, let k = m[itemKey]?.scalarText else {
                        out.append(itemLeaf(key, item))
                        continue
                    }
                    let name = k.contains(".") ? "\(key)[\(k)]" : "\(key).\(k)"
                    if key == "metrics" {
                        for (f, v) in m.entries { out.append(Leaf(key: "\(name).\(f)", field: "\(name).\(f)", item: nil, value: v)) }
                    } else {
                        out.append(Leaf(key: name, field: name, item: nil, value: item))
                    }
                }
            } else if FieldDiff.textLists.contains(key), let list = value.list {
                for item in list { out.append(itemLeaf(key, item)) }
            } else {
                scalarLeaves(key, value)
            }
        }
        out.append(Leaf(key: "body", field: "body", item: nil, value: .string(goal.body)))
        return out
    }
}

extension GoalHistoryReader {
    /// Blames each piece of the goal at `path` in HEAD on the commit that set its current value,
    /// as `git blame` does for lines: walking from HEAD, a piece whose value a parent already had
    /// passes to that parent (the first such parent of a merge); otherwise this commit set it. A
    /// merge keeps only what it settled itself. Commits whose file equals their parent's are
    /// passed through without parsing.
    package func blame(path: String) throws -> [GoalBlame.Line]? {
        guard !history.commits.isEmpty, let headEntry = try entryID(0, path) else { return nil }
        guard let headGoal = version(headEntry).goal else { return nil }
        let leaves = GoalBlame.leaves(headGoal)
        var leafValues = [ObjectID: [String: YAMLValue]]()
        func values(_ blob: ObjectID, _ goal: Goal) -> [String: YAMLValue] {
            if let v = leafValues[blob] { return v }
            if leafValues.count > 4096 { leafValues.removeAll(keepingCapacity: true) }
            let v = GoalBlame.values(goal)
            leafValues[blob] = v
            return v
        }
        var owner = [Int?](repeating: nil, count: leaves.count)
        var pending: [Int: (path: String, leaves: LeafSet)] = [0: (path, LeafSet(all: leaves.count))]
        var pathAt = [Int: String]()
        for i in history.commits.indices {
            if pending.isEmpty { break }
            guard let (path, keys) = pending.removeValue(forKey: i) else { continue }
            var remaining = keys
            func pass(_ passed: LeafSet, to side: Side) {
                guard !passed.isEmpty else { return }
                remaining.subtract(passed)
                if var p = pending[side.index] {
                    p.leaves.formUnion(passed)
                    pending[side.index] = p
                } else {
                    pending[side.index] = (side.path, passed)
                }
            }
            let entry = try entryID(i, path)
            let sides = try self.sides(i, path: path, entry: entry, pathAt: &pathAt)
            if let entry {
                if let same = sides.first(where: { $0.entry == entry }) {
                    pass(remaining, to: same)
                } else if let goal = version(entry).goal {
                    let mine = values(entry, goal)
                    for side in sides where !remaining.isEmpty {
                        guard let pentry = side.entry, let pgoal = try lastParsable(side.index, side.path, pentry) else { continue }
                        // Cached by blob only when the blob itself parsed (else it depends on the chain).
                        let theirs = version(pentry).goal == nil ? GoalBlame.values(pgoal) : values(pentry, pgoal)
                        pass(remaining.filter { k in theirs[leaves[k].key].map { $0 == mine[leaves[k].key] } ?? false }, to: side)
                    }
                } else if let first = sides.first {
                    // A version that did not parse: its children were compared with the nearest
                    // earlier version that did, so it passes everything on.
                    pass(remaining, to: first)
                }
            }
            remaining.forEach { owner[$0] = i }
        }
        return try leaves.indices.compactMap { k in
            try owner[k].map { GoalBlame.Line(field: leaves[k].field, item: leaves[k].item, value: leaves[k].display, commit: try commit($0)) }
        }
    }
}

/// A set of leaf positions, as bits: passed from commit to parent on every step of the walk.
struct LeafSet {
    private var words: [UInt64]

    init(all count: Int) {
        words = [UInt64](repeating: ~0, count: (count + 63) / 64)
        if count % 64 != 0, !words.isEmpty { words[words.count - 1] = (1 << UInt64(count % 64)) - 1 }
    }

    private init(words: [UInt64]) { self.words = words }

    var isEmpty: Bool { words.allSatisfy { $0 == 0 } }

    mutating func subtract(_ other: LeafSet) { for i in words.indices { words[i] &= ~other.words[i] } }
    mutating func formUnion(_ other: LeafSet) { for i in words.indices { words[i] |= other.words[i] } }

    func forEach(_ body: (Int) -> Void) {
        for (w, word) in words.enumerated() where word != 0 {
            for b in 0..<64 where word & (1 << UInt64(b)) != 0 { body(w * 64 + b) }
        }
    }

    func filter(_ keep: (Int) -> Bool) -> LeafSet {
        var out = LeafSet(words: [UInt64](repeating: 0, count: words.count))
        forEach { k in if keep(k) { out.words[k / 64] |= 1 << UInt64(k % 64) } }
        return out
    }
}
