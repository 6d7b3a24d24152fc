import GoalSyncGit

/// A goal file's content in one commit.
package enum GoalVersion: Sendable {
    case parsed(Goal)
    /// The file did not parse; the reason, with its line when known.
    case unparsable(String)

    package var goal: Goal? {
        if case .parsed(let g) = self { return g }
        return nil
    }
}

/// Reads goal files out of the history for the audit (`log`, `blame`, `contributors`), doing as
/// little as it can: each commit's `goals/` subtree id is read once; a file is only looked at in a
/// commit whose entry id differs from its parent's; a blob is parsed once (cached by id); and
/// across all goals only the changed entries of changed `goals/` subtrees are compared.
///
/// Everything comes from the trees, never from commit messages, so edits made with plain git
/// count like any other. Each change is credited to the commit that made it: a non-merge commit
/// is compared with its parent; a merge commit only with what it settled itself (values in the
/// result that no parent had), so a change that came through a merge appears once.
///
/// A goal renamed by hand is followed (best effort) when, in one commit, its file appears and
/// another goal file disappears that holds the same blob, the same `id` field, or the same front
/// matter and body apart from `id`.
package final class GoalHistoryReader {
    let git: Repository
    package let history: History
    private var versions = [ObjectID: GoalVersion]()
    private let parser = GoalFileParser()
    /// Per commit: its `goals/` subtree id (nil: not read yet; .some(nil): none).
    private var goalsTreeIDs: [ObjectID??]
    /// Per commit: the last path looked up and its blob id.
    private var entries: [(path: String, id: ObjectID?)?]
    private var trees = [ObjectID: Tree]()
    private var commits: [HistoryCommit?]

    package init(git: Repository, history: History) {
        self.git = git
        self.history = history
        goalsTreeIDs = Array(repeating: nil, count: history.commits.count)
        entries = Array(repeating: nil, count: history.commits.count)
        commits = Array(repeating: nil, count: history.commits.count)
    }

    /// The commit at position `i`, with its author and summary.
    package func commit(_ i: Int) throws -> HistoryCommit {
        if let c = commits[i] { return c }
        let node = history.commits[i]
        let (author, summary) = try node.details ?? { let c = try git.commit(node.id); return (c.author, c.summary) }()
        let c = HistoryCommit(id: node.id, parents: node.parents, author: author, summary: summary, isBoundary: node.isBoundary)
        commits[i] = c
        return c
    }

    // MARK: Reading trees and blobs

    private func tree(_ id: ObjectID) throws -> Tree {
        if let t = trees[id] { return t }
        if trees.count > 16 { trees.removeAll(keepingCapacity: true) }
        let t = try git.tree(id)
        trees[id] = t
        return t
    }

    /// The id of the `goals/` subtree of commit `i`, or nil.
    func goalsTreeID(_ i: Int) throws -> ObjectID? {
        if let cached = goalsTreeIDs[i] { return cached }
        let root = try git.tree(history.commits[i].tree)
        let entry = root.entry(named: GoalPaths.goalsDirectory)
        let id = entry?.isTree == true ? entry?.id : nil
        goalsTreeIDs[i] = .some(id)
        return id
    }

    /// The blob id of `path` (a goal file, `goals/<name>`) in commit `i`, or nil.
    func entryID(_ i: Int, _ path: String) throws -> ObjectID? {
        if let cached = entries[i], cached.path == path { return cached.id }
        guard let sub = try goalsTreeID(i) else {
            entries[i] = (path, nil)
            return nil
        }
        let id = try tree(sub).entryID(named: String(path.dropFirst(GoalPaths.goalsDirectory.count + 1)))
        entries[i] = (path, id)
        return id
    }

    /// The parsed content of a goal blob, cached by id.
    package func version(_ blob: ObjectID) -> GoalVersion {
        if let v = versions[blob] { return v }
        if versions.count > 8192 { versions.removeAll(keepingCapacity: true) }
        let v: GoalVersion
        do {
            v = .parsed(Goal(document: try parser.parse(try git.blobData(blob))))
        } catch let e as MarkdownDocument.ParseError {
            v = .unparsable((e.line.map { "line \($0): " } ?? "") + e.message)
        } catch {
            v = .unparsable("cannot read the file: \(error)")
        }
        versions[blob] = v
        return v
    }

    /// The goal at `path` in commit `i` (entry `entry`), or, when that version does not parse, the
    /// nearest earlier version along first parents that does; nil when there is none.
    func lastParsable(_ i: Int, _ path: String, _ entry: ObjectID?) throws -> Goal? {
        var i = i, entry = entry
        for _ in 0..<10_000 {
            guard let e = entry else { return nil }
            if let g = version(e).goal { return g }
            guard let pi = history.parentPositions[i].first else { return nil }
            i = pi
            entry = try entryID(i, path)
        }
        return nil
    }

    // MARK: Renames

    /// The path of the goal file that `blob` (new at `path` in commit `i`) was renamed from, when
    /// a file of commit `parent` disappeared in `i` and matches it.
    func renameSource(_ i: Int, parent: Int, path: String, blob: ObjectID) throws -> String? {
        guard let sub = try goalsTreeID(i), let psub = try goalsTreeID(parent) else { return nil }
        let removed = try tree(sub).changes(since: tree(psub)).filter { $0.new == nil && Self.isGoalName($0.name) }
        return try removed.first { try isRename(old: $0.old!, new: blob) }.map { "\(GoalPaths.goalsDirectory)/\($0.name)" }
    }

    func isRename(old: ObjectID, new: ObjectID) throws -> Bool {
        if old == new { return true }
        guard let o = version(old).goal, let n = version(new).goal else { return false }
        if let id = o.id, id == n.id { return true }
        var a = o.frontMatter, b = n.frontMatter
        a["id"] = nil
        b["id"] = nil
        return a == b && o.body == n.body
    }

    static func isGoalName(_ name: String) -> Bool { GoalPaths.isGoalFile("\(GoalPaths.goalsDirectory)/\(name)") }

    // MARK: One goal

    /// A parent's side of a change: the parent commit, the file's path there and its blob.
    struct Side {
        var index: Int
        var path: String
        var entry: ObjectID?
    }

    /// The parents of commit `i` as seen by the file at `path` (blob `entry`), following renames;
    /// `pathAt` records the path to follow in each parent.
    func sides(_ i: Int, path: String, entry: ObjectID?, pathAt: inout [Int: String]) throws -> [Side] {
        try history.parentPositions[i].map { pi in
            var side = Side(index: pi, path: path, entry: try entryID(pi, path))
            if side.entry == nil, let entry, let from = try renameSource(i, parent: pi, path: path, blob: entry) {
                side = Side(index: pi, path: from, entry: try entryID(pi, from))
            }
            if pathAt[pi] == nil { pathAt[pi] = side.path }
            return side
        }
    }

    /// Every change to the goal whose file is `path` at HEAD, newest first.
    package func log(path: String) throws -> [GoalLogEntry] {
        var out = [GoalLogEntry]()
        var pathAt = [0: path]
        for i in history.commits.indices {
            guard let path = pathAt.removeValue(forKey: i) else { continue }
            let entry = try entryID(i, path)
            let sides = try sides(i, path: path, entry: entry, pathAt: &pathAt)
            if let e = try fileEntry(i, path: path, entry: entry, sides: sides) { out.append(e) }
        }
        return out
    }

    // MARK: All goals

    /// Every change to every goal file, newest first (in one commit, by path).
    package func logAll() throws -> [GoalLogEntry] {
        var out = [GoalLogEntry]()
        for (i, c) in history.commits.enumerated() {
            let sub = try goalsTreeID(i)
            let parentSubs = try history.parentPositions[i].map { try goalsTreeID($0) }
            if parentSubs.contains(where: { $0 == sub }) { continue }
            let now = try sub.map(tree)
            let perParent = try parentSubs.map { ps -> [TreeEntryChange] in
                let before = try ps.map(tree)
                if let now { return now.changes(since: before) }
                return (before?.changes(since: nil) ?? []).map { TreeEntryChange(name: $0.name, old: $0.new, new: nil) }
            }
            if c.parents.isEmpty {
                for change in now?.changes(since: nil) ?? [] where Self.isGoalName(change.name) {
                    let path = "\(GoalPaths.goalsDirectory)/\(change.name)"
                    if let e = try fileEntry(i, path: path, entry: change.new, sides: []) { out.append(e) }
                }
                continue
            }
            // A name is looked at when it differs from every parent: from one parent only, it came
            // from the other, and was credited there.
            var names = Set(perParent[0].map(\.name).filter(Self.isGoalName))
            for changes in perParent.dropFirst() { names.formIntersection(changes.map(\.name)) }
            guard !names.isEmpty else { continue }
            let firstChanges = perParent[0].filter { names.contains($0.name) }
            var renamedFrom = [String: String]()  // new name -> old name
            if !c.isMerge {
                let removed = firstChanges.filter { $0.new == nil }
                for added in firstChanges where added.old == nil {
                    for r in removed where !renamedFrom.values.contains(r.name) {
                        guard try isRename(old: r.old!, new: added.new!) else { continue }
                        renamedFrom[added.name] = r.name
                        break
                    }
                }
            }
            let renamedAway = Set(renamedFrom.values)
            for change in firstChanges.sorted(by: { $0.name < $1.name }) where !renamedAway.contains(change.name) {
                let path = "\(GoalPaths.goalsDirectory)/\(change.name)"
                let sides = try history.parentPositions[i].map { pi -> Side in
                    if let from = renamedFrom[change.name] {
                        let fromPath = "\(GoalPaths.goalsDirectory)/\(from)"
                        return Side(index: pi, path: fromPath, entry: try entryID(pi, fromPath))
                    }
                    return Side(index: pi, path: path, entry: try entryID(pi, path))
                }
                if let e = try fileEntry(i, path: path, entry: change.new, sides: sides) { out.append(e) }
            }
        }
        return out
    }

    // MARK: One file in one commit

    /// What commit `i` did to the file at `path` (blob `entry`, nil when absent), given its parents'
    /// sides; nil when it did nothing of its own.
    func fileEntry(_ i: Int, path: String, entry: ObjectID?, sides: [Side]) throws -> GoalLogEntry? {
        let c = history.commits[i]
        func make(_ kind: GoalLogEntry.Kind, path: String, changes: [FieldChange] = [], body: BodyChange? = nil, title: String? = nil) throws -> GoalLogEntry {
            GoalLogEntry(
                commit: try commit(i), goal: GoalPaths.id(fromPath: path) ?? path, path: path, kind: kind, renamedFrom: nil, error: nil,
                title: title, changes: changes, body: body)
        }
        if c.isBoundary {
            guard let entry else { return nil }
            return try make(.boundary, path: path, title: version(entry).goal?.title)
        }
        // Unchanged from a parent (the same blob at the same path, or absent from both): nothing
        // of its own.
        if sides.contains(where: { $0.entry == entry && ($0.path == path || entry == nil) }) { return nil }
        guard let entry else {
            guard let gone = sides.first else { return nil }
            return try make(.deleted, path: gone.path)
        }
        let new: Goal
        switch version(entry) {
        case .unparsable(let reason):
            var e = try make(.unparsable, path: path)
            e.error = reason
            return e
        case .parsed(let g): new = g
        }
        let olds = try sides.map { s in try lastParsable(s.index, s.path, s.entry) }
        if sides.count <= 1 {
            let old = olds.first ?? nil
            var kind: GoalLogEntry.Kind = sides.first?.entry == nil ? .created : .changed
            var renamedFrom: String?
            if let s = sides.first, s.entry != nil, s.path != path {
                kind = .renamed
                renamedFrom = s.path
            }
            var e = try make(kind, path: path, changes: FieldDiff.changes(from: old?.frontMatter ?? YAMLMap(), to: new.frontMatter),
                body: BodyChange.between(old?.body, new.body), title: new.title)
            e.renamedFrom = renamedFrom
            return e
        }
        let diffs = olds.map { FieldDiff.changes(from: $0?.frontMatter ?? YAMLMap(), to: new.frontMatter) }
        let settled = diffs[0].filter { c in diffs.dropFirst().allSatisfy { $0.contains { Self.sameChange(c, $0) } } }
        let body = BodyChange.settled(result: new.body, parents: olds.map { $0?.body })
        guard !settled.isEmpty || body != nil else { return nil }
        return try make(.merge, path: path, changes: settled, body: body, title: new.title)
    }

    /// Two changes (against different parents) that leave a field with the same value.
    static func sameChange(_ a: FieldChange, _ b: FieldChange) -> Bool {
        guard a.field == b.field, a.new == b.new else { return false }
        return a.new != nil || !FieldDiff.textLists.contains(a.field) || a.old == b.old
    }
}
