import Foundation
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
    private var versions = [ObjectKey: GoalVersion]()
    private let parser = GoalFileParser()
    /// Per commit: its `goals/` subtree id (nil: not read yet; .some(nil): none).
    private var goalsTreeIDs: [ObjectID??]
    /// Per commit: the last path looked up and its blob id.
    private var entries: [(path: String, id: ObjectID?)?]
    private var recentTrees = [Tree]()
    private var commits: [HistoryCommit?]

    /// Turns off, for as long as the reader lives, what only costs when each object of a long
    /// history is read once: libgit2's object cache (a process-wide setting, for repositories
    /// opened after it is set); `deinit` turns it back on.
    package init(git: Repository, history: History) {
        GitOptions.setCaching(false)
        self.git = git
        self.history = history
        goalsTreeIDs = Array(repeating: nil, count: history.commits.count)
        entries = Array(repeating: nil, count: history.commits.count)
        commits = Array(repeating: nil, count: history.commits.count)
    }

    deinit {
        GitOptions.setCaching(true)
    }

    /// The commit at position `i`, with its author and summary.
    package func commit(_ i: Int) throws -> HistoryCommit {
        if let c = commits[i] { return c }
        let node = history.commits[i]
        let (author, summary) = try node.details ?? {
            let h = try git.commitHeader(node.id, details: true)
            return (h.author ?? Signature(name: "", email: "", time: 0, offsetMinutes: 0), h.summary ?? "")
        }()
        let c = HistoryCommit(id: node.id, parents: node.parents, author: author, summary: summary, isBoundary: node.isBoundary)
        commits[i] = c
        return c
    }

    // MARK: Reading trees and blobs

    /// A tree, from the last two read (a commit's `goals/` subtree is read once as a parent, then
    /// used again as the next commit).
    private func tree(_ id: ObjectID) throws -> Tree {
        if let t = recentTrees.first(where: { $0.id == id }) { return t }
        let t = try git.tree(id)
        recentTrees = [t] + recentTrees.prefix(1)
        return t
    }

    /// The id of the `goals/` subtree of commit `i`, or nil.
    func goalsTreeID(_ i: Int) throws -> ObjectID? {
        if let cached = goalsTreeIDs[i] { return cached }
        let entry = try git.entry(inTree: history.commits[i].tree, named: GoalPaths.goalsDirectory)
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
        let name = String(path.dropFirst(GoalPaths.goalsDirectory.count + 1))
        // A subtree read already (walking all goals) answers at once; else one name is looked up
        // in the raw tree, without building its entry list.
        let id: ObjectID?
        if let read = recentTrees.first(where: { $0.id == sub }) {
            id = read.entryID(named: name)
        } else {
            id = try git.entry(inTree: sub, named: name).map(\.id)
        }
        entries[i] = (path, id)
        return id
    }

    /// The parsed content of a goal blob, cached by id.
    package func version(_ blob: ObjectID) -> GoalVersion {
        if let v = versions[ObjectKey(blob)] { return v }
        if versions.count > 65_536 { versions.removeAll(keepingCapacity: true) }
        let v: GoalVersion
        do {
            v = Self.parse(try git.blobData(blob), parser)
        } catch {
            v = .unparsable("cannot read the file: \(error)")
        }
        versions[ObjectKey(blob)] = v
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
        // The most similar of the files that went away, as git's rename detection picks.
        let scored = removed.map { (name: $0.name, score: renameSimilarity(old: $0.old!, new: blob)) }.filter { $0.score >= 0.5 }
        return scored.max { $0.score < $1.score }.map { "\(GoalPaths.goalsDirectory)/\($0.name)" }
    }

    /// How much of a goal a new file keeps, from 0 to 1: 1 for the same blob, the same id, or the
    /// same goal but for its id (a rename by hand must change the id to the new file name); else
    /// the share of its front matter's values (leaves other than `id`) and body lines that are
    /// unchanged, so a rename made together with an edit is still followed (git calls 50% a rename).
    func renameSimilarity(old: ObjectID, new: ObjectID) -> Double {
        if old == new { return 1 }
        guard let o = version(old).goal, let n = version(new).goal else { return 0 }
        if let id = o.id, id == n.id { return 1 }
        var a = o.frontMatter, b = n.frontMatter
        a["id"] = nil
        b["id"] = nil
        if a == b && o.body == n.body { return 1 }
        func leaves(_ v: YAMLValue, _ path: String, _ out: inout [String]) {
            switch v {
            case .map(let m): for (k, x) in m.entries { leaves(x, path + "." + k, &out) }
            case .list(let l): for (i, x) in l.enumerated() { leaves(x, path + "[\(i)]", &out) }
            default: out.append(path + "=" + (v.scalarText ?? ""))
            }
        }
        var la = [String](), lb = [String]()
        leaves(.map(a), "", &la)
        leaves(.map(b), "", &lb)
        la += o.body.split(separator: "\n").map { "body:" + $0 }
        lb += n.body.split(separator: "\n").map { "body:" + $0 }
        let shared = Set(la).intersection(lb).count
        return Double(shared) / Double(max(la.count, lb.count, 1))
    }

    static func isGoalName(_ name: String) -> Bool { GoalPaths.isGoalFile("\(GoalPaths.goalsDirectory)/\(name)") }

    // MARK: One goal

    /// A parent's side of a change: the parent commit, the file's path there and its blob.
    struct Side: Sendable {
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
            if let e = try fileDiff(i, path: path, entry: entry, sides: sides)?.entry() { out.append(e) }
        }
        return out
    }

    // MARK: All goals

    /// Every change to every goal file, newest first (in one commit, by path).
    ///
    /// The trees give the files each commit changed (only changed `goals/` subtrees are compared,
    /// entry by entry); their versions are read as the walk meets them, and parsed and diffed on
    /// another thread meanwhile (``BackgroundDiffer``).
    package func logAll() throws -> [GoalLogEntry] {
        let differ = BackgroundDiffer()
        var blobs = [(ObjectKey, BackgroundDiffer.Input)]()
        var changes = [(seq: Int, index: Int, commit: HistoryCommit, change: FileChange)]()
        var sent = Set<ObjectKey>()
        func send(_ blob: ObjectID?) {
            guard let blob else { return }
            let key = ObjectKey(blob)
            guard sent.insert(key).inserted else { return }
            blobs.append((key, versions[key].map { .version($0) } ?? .bytes(Result { try git.blobData(blob) })))
        }
        func add(_ i: Int, path: String, entry: ObjectID?, sides: [Side]) throws {
            send(entry)
            sides.forEach { send($0.entry) }
            let change = FileChange(isBoundary: history.commits[i].isBoundary, path: path, entry: entry, sides: sides)
            changes.append((changes.count, i, try commit(i), change))
            if changes.count % 64 == 0 { flush() }
        }
        var flushed = 0
        func flush() {
            differ.submit(blobs, changes[flushed...].map { ($0.seq, $0.commit, $0.change) })
            blobs.removeAll(keepingCapacity: true)
            flushed = changes.count
        }
        for (i, c) in history.commits.enumerated() {
            let sub = try goalsTreeID(i)
            let parentSubs = try history.parentPositions[i].map { try goalsTreeID($0) }
            if parentSubs.contains(where: { $0 == sub }) { continue }
            let now = try sub.map(tree)
            if c.parents.isEmpty {
                for change in now?.changes(since: nil) ?? [] where Self.isGoalName(change.name) {
                    try add(i, path: "\(GoalPaths.goalsDirectory)/\(change.name)", entry: change.new, sides: [])
                }
                continue
            }
            let perParent = try parentSubs.map { ps -> [TreeEntryChange] in
                let before = try ps.map(tree)
                if let now { return now.changes(since: before) }
                return (before?.changes(since: nil) ?? []).map { TreeEntryChange(name: $0.name, old: $0.new, new: nil) }
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
                    let scored = removed.filter { !renamedFrom.values.contains($0.name) }
                        .map { (name: $0.name, score: renameSimilarity(old: $0.old!, new: added.new!)) }.filter { $0.score >= 0.5 }
                    if let best = scored.max(by: { $0.score < $1.score }) { renamedFrom[added.name] = best.name }
                }
            }
            let renamedAway = Set(renamedFrom.values)
            for change in firstChanges.sorted(by: { $0.name < $1.name }) where !renamedAway.contains(change.name) {
                let path = "\(GoalPaths.goalsDirectory)/\(change.name)"
                let sidePath = renamedFrom[change.name].map { "\(GoalPaths.goalsDirectory)/\($0)" } ?? path
                let sides = try history.parentPositions[i].map { Side(index: $0, path: sidePath, entry: try entryID($0, sidePath)) }
                try add(i, path: path, entry: change.new, sides: sides)
            }
        }
        flush()
        let done = differ.finish()
        versions.merge(done.versions) { _, new in new }
        var entries = done.entries
        // A parent's version that did not parse: back on this thread, which may read the history.
        for seq in done.waiting {
            let c = changes[seq]
            if let e = try fileDiff(c.index, path: c.change.path, entry: c.change.entry, sides: c.change.sides)?.entry() { entries.append((seq, e)) }
        }
        return entries.sorted { $0.0 < $1.0 }.map(\.1)
    }

    // MARK: One file in one commit

    /// What commit `i` did to the file at `path` (blob `entry`, nil when absent), given its parents'
    /// sides, ready for the field diff; nil when it did nothing of its own.
    func fileDiff(_ i: Int, path: String, entry: ObjectID?, sides: [Side]) throws -> FileDiff? {
        let change = FileChange(isBoundary: history.commits[i].isBoundary, path: path, entry: entry, sides: sides)
        switch change.decide(version: { self.version($0) }) {
        case .nothing:
            return nil
        case .shape(let path, let new, let shape):
            return FileDiff(commit: try commit(i), path: path, new: new, shape: shape)
        case .needsHistory(let new):
            let olds = try sides.map { s in try lastParsable(s.index, s.path, s.entry) }
            let (path, shape) = change.shape(olds: olds)
            return FileDiff(commit: try commit(i), path: path, new: new, shape: shape)
        }
    }

    static func parse(_ bytes: [UInt8], _ parser: GoalFileParser) -> GoalVersion {
        do {
            return .parsed(Goal(document: try parser.parse(bytes)))
        } catch {
            return .unparsable((error.line.map { "line \($0): " } ?? "") + error.message)
        }
    }
}

/// A file that differs in a commit from (at least one of) its parents, before its versions are
/// looked at.
struct FileChange: Sendable {
    var isBoundary: Bool
    var path: String
    var entry: ObjectID?
    var sides: [GoalHistoryReader.Side]

    enum Decision {
        /// The commit did nothing of its own to the file.
        case nothing
        case shape(path: String, new: GoalVersion?, shape: FileDiff.Shape)
        /// A parent's version did not parse: the nearest earlier one that did must be found in
        /// the history (``GoalHistoryReader/lastParsable(_:_:_:)``).
        case needsHistory(new: GoalVersion)
    }

    /// What the commit did, given each blob's parsed version.
    func decide(version: (ObjectID) -> GoalVersion) -> Decision {
        if isBoundary {
            guard let entry else { return .nothing }
            return .shape(path: path, new: version(entry), shape: .boundary)
        }
        // Unchanged from a parent (the same blob at the same path, or absent from both): nothing
        // of its own.
        if sides.contains(where: { $0.entry == entry && ($0.path == path || entry == nil) }) { return .nothing }
        guard let entry else {
            guard let gone = sides.first else { return .nothing }
            return .shape(path: gone.path, new: nil, shape: .deleted)
        }
        let new = version(entry)
        if new.goal == nil || sides.isEmpty {
            return .shape(path: path, new: new, shape: .single(old: nil, existed: false, renamedFrom: nil))
        }
        var olds = [Goal?]()
        for side in sides {
            guard let e = side.entry else {
                olds.append(nil)
                continue
            }
            guard let g = version(e).goal else { return .needsHistory(new: new) }
            olds.append(g)
        }
        let (changed, shape) = self.shape(olds: olds)
        return .shape(path: changed, new: new, shape: shape)
    }

    /// The shape of a change to a file that parsed, given each side's nearest version that did.
    func shape(olds: [Goal?]) -> (String, FileDiff.Shape) {
        guard sides.count == 1 else { return (path, .merge(olds: olds)) }
        let s = sides[0]
        return (path, .single(old: olds[0], existed: s.entry != nil, renamedFrom: s.entry != nil && s.path != path ? s.path : nil))
    }
}

/// One commit's change to one file with every version it needs, before the field diff (a pure
/// function of it, so it can run on another thread).
struct FileDiff: Sendable {
    enum Shape: Sendable {
        case boundary
        case deleted
        /// Against the one parent: `old` is its nearest version that parsed.
        case single(old: Goal?, existed: Bool, renamedFrom: String?)
        /// A merge: each parent's nearest version that parsed.
        case merge(olds: [Goal?])
    }

    var commit: HistoryCommit
    var path: String
    var new: GoalVersion?
    var shape: Shape

    /// The log entry, or nil when a merge settled nothing itself.
    func entry() -> GoalLogEntry? {
        var e = GoalLogEntry(
            commit: commit, goal: GoalPaths.id(fromPath: path) ?? path, path: path, kind: .changed, renamedFrom: nil, error: nil,
            title: new?.goal?.title, changes: [], body: nil)
        if case .unparsable(let reason)? = new {
            e.kind = .unparsable
            e.error = reason
            return e
        }
        let new = self.new?.goal
        switch shape {
        case .boundary:
            e.kind = .boundary
        case .deleted:
            e.kind = .deleted
        case .single(let old, let existed, let renamedFrom):
            e.kind = renamedFrom != nil ? .renamed : existed ? .changed : .created
            e.renamedFrom = renamedFrom
            e.changes = Self.fieldChanges(old?.frontMatter ?? YAMLMap(), new?.frontMatter ?? YAMLMap())
            e.body = BodyChange.between(old?.body, new?.body)
        case .merge(let olds):
            let diffs = olds.map { Self.fieldChanges($0?.frontMatter ?? YAMLMap(), new?.frontMatter ?? YAMLMap()) }
            e.kind = .merge
            e.changes = diffs[0].filter { c in diffs.dropFirst().allSatisfy { $0.contains { Self.sameChange(c, $0) } } }
            e.body = BodyChange.settled(result: new?.body, parents: olds.map { $0?.body })
            guard !e.changes.isEmpty || e.body != nil else { return nil }
        }
        return e
    }

    /// `FieldDiff.changes`, field by field for the fields whose values differ when both versions
    /// list the same fields in the same order (the common case): each field is diffed on its own,
    /// so the changes are the same, found without walking the equal ones. A keyed list that only
    /// gained items at its end (a check-in) is diffed as those items alone.
    static func fieldChanges(_ old: YAMLMap, _ new: YAMLMap) -> [FieldChange] {
        guard old.entries.count == new.entries.count, zip(old.entries, new.entries).allSatisfy({ $0.key == $1.key }) else {
            return FieldDiff.changes(from: old, to: new)
        }
        let differing = old.entries.indices.filter { old.entries[$0].value != new.entries[$0].value }
        if differing.isEmpty { return [] }
        var before = YAMLMap(differing.map { old.entries[$0] }), after = YAMLMap(differing.map { new.entries[$0] })
        for (i, e) in after.entries.enumerated() {
            guard let itemKey = FieldDiff.keyedLists[e.key], let a = before.entries[i].value.list, let b = e.value.list,
                b.count > a.count, Array(b.prefix(a.count)) == a
            else { continue }
            let tail = b.dropFirst(a.count)
            let oldKeys = Set(a.compactMap { $0.map?[itemKey]?.scalarText })
            let newKeys = tail.compactMap { $0.map?[itemKey]?.scalarText }
            guard newKeys.count == tail.count, Set(newKeys).count == newKeys.count, oldKeys.isDisjoint(with: newKeys) else { continue }
            before.entries[i].value = .list([])
            after.entries[i].value = .list(Array(tail))
        }
        return FieldDiff.changes(from: before, to: after)
    }

    /// Two changes (against different parents) that leave a field with the same value.
    static func sameChange(_ a: FieldChange, _ b: FieldChange) -> Bool {
        guard a.field == b.field, a.new == b.new else { return false }
        return a.new != nil || !FieldDiff.textLists.contains(a.field) || a.old == b.old
    }
}

/// Parses goal files and diffs their versions on a serial queue of its own while the caller goes
/// on reading the history. Its parser and results are only ever touched on that queue, which is
/// what makes sharing the object between the two threads safe (hence `@unchecked Sendable`).
final class BackgroundDiffer: @unchecked Sendable {
    /// A blob's bytes (or why they could not be read), or its version parsed already.
    enum Input: Sendable {
        case bytes(Result<[UInt8], any Error>)
        case version(GoalVersion)
    }

    private let queue = DispatchQueue(label: "goalsync.audit.diff")
    private let parser = GoalFileParser()
    private var versions = [ObjectKey: GoalVersion]()
    private var entries = [(Int, GoalLogEntry)]()
    private var waiting = [Int]()

    /// Queues blobs for parsing and, after them, changes (numbered by `seq`) for diffing.
    func submit(_ blobs: [(ObjectKey, Input)], _ changes: [(seq: Int, commit: HistoryCommit, change: FileChange)]) {
        queue.async {
            for (blob, input) in blobs {
                switch input {
                case .version(let v): self.versions[blob] = v
                case .bytes(.success(let b)): self.versions[blob] = GoalHistoryReader.parse(b, self.parser)
                case .bytes(.failure(let e)): self.versions[blob] = .unparsable("cannot read the file: \(e)")
                }
            }
            for (seq, commit, change) in changes {
                switch change.decide(version: { self.versions[ObjectKey($0)] ?? .unparsable("not read") }) {
                case .nothing: break
                case .shape(let path, let new, let shape):
                    if let e = FileDiff(commit: commit, path: path, new: new, shape: shape).entry() { self.entries.append((seq, e)) }
                case .needsHistory: self.waiting.append(seq)
                }
            }
        }
    }

    /// Waits for what was queued: every version parsed, the entries (by `seq`), and the changes
    /// that need the history read again.
    func finish() -> (versions: [ObjectKey: GoalVersion], entries: [(Int, GoalLogEntry)], waiting: [Int]) {
        queue.sync { (versions, entries, waiting) }
    }
}
