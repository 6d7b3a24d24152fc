import GoalSyncGit

/// The plan of a merge of two trees against their base, file by file: what changed on one side
/// only is taken as it is; files changed on both sides go through ``FileMerge``. Only subtrees that
/// differ are read, so the cost follows the size of the change, not of the repository.
///
/// Planning writes nothing: ``plan(_:base:ours:theirs:forVirtualBase:)`` returns the paths to set
/// or remove (``writes``), the new blobs the file merges made (``newBlobs``) and the conflicts.
/// The caller writes the blobs (``writeBlobs(to:)``, which returns the changes with their blob
/// ids: the tree updates and the work-tree files to write), then the tree and the work tree.
package struct TreeMerge {
    /// One path whose content in the result differs from ours, with its blob id.
    package struct Update: Sendable, Equatable {
        package var path: String
        /// The blob to write (nil: delete the path).
        package var blob: ObjectID?
        package var executable: Bool

        package init(path: String, blob: ObjectID?, executable: Bool) {
            self.path = path
            self.blob = blob
            self.executable = executable
        }

        package var treeUpdate: Repository.TreeUpdate {
            blob.map { .upsert(path: path, blob: $0, executable: executable) } ?? .remove(path: path)
        }
    }

    /// One path the merge changes from ours, as planned.
    package struct Write: Sendable, Equatable {
        package enum Content: Sendable, Equatable {
            /// A blob the store holds (theirs, or the base's).
            case blob(ObjectID)
            /// A blob the merge made: ``TreeMerge/newBlobs`` at this index, written by the caller.
            case merged(Int)
            /// The path is removed.
            case removed
        }

        package var path: String
        package var content: Content
        package var executable: Bool

        package init(path: String, content: Content, executable: Bool) {
            self.path = path
            self.content = content
            self.executable = executable
        }
    }

    /// A file with conflicts, as merged (ours decides conflicting fields) plus what each side had.
    package struct FileConflict: Sendable {
        package var path: String
        package var conflicts: [FieldConflict]
        package var base: ObjectID?
        package var ours: ObjectID?
        package var theirs: ObjectID?
    }

    /// Whether this merge makes a virtual merge base (see ``VirtualBase``): conflicts are not
    /// reported but settled to the base's version (``FileMerge/virtualBase(base:ours:theirs:kind:)``).
    package private(set) var forVirtualBase = false

    /// Every path whose content in the result differs from ours, in the walk's order.
    package var writes: [Write] = []
    /// The contents the file merges made, for ``Write/Content/merged(_:)``.
    package var newBlobs: [[UInt8]] = []
    package var conflicts: [FileConflict] = []
    /// Paths changed on both sides and merged (cleanly or not).
    package var mergedBothSides: [String] = []

    /// Plans the merge of `theirs` into `ours` against `base` (nil: no common history, an empty
    /// base), reading from `store` and writing nothing. `forVirtualBase`: the merge of two merge
    /// bases into a virtual one, which has no conflicts.
    package static func plan<Store: GitObjectStore>(_ store: Store, base: ObjectID?, ours: ObjectID, theirs: ObjectID, forVirtualBase: Bool = false) throws -> TreeMerge {
        var result = TreeMerge()
        result.forVirtualBase = forVirtualBase
        try result.walk(store, base: base, ours: ours, theirs: theirs, prefix: "")
        try result.mergeFiles(store)
        return result
    }

    /// Writes ``newBlobs`` into `store` (many: as one pack) and returns every planned change with
    /// its blob id, in order.
    package func writeBlobs<Store: GitObjectStore>(to store: Store) throws -> [Update] {
        let ids = newBlobs.isEmpty ? [] : try store.writeBlobs(newBlobs)
        return try writes.map { w in
            switch w.content {
            case .blob(let id): return Update(path: w.path, blob: id, executable: w.executable)
            case .removed: return Update(path: w.path, blob: nil, executable: false)
            case .merged(let i):
                guard ids.indices.contains(i) else { throw GoalSyncError.repository("the merge of \(w.path) lost its result (blob \(i) of \(ids.count)); nothing was written, pull again") }
                return Update(path: w.path, blob: ids[i], executable: w.executable)
            }
        }
    }

    private typealias Entry = TreeEntry

    /// A file changed on both sides, merged after the walk (in parallel): its result goes to the
    /// places `walk` kept for it in `writes` and `conflicts`, so the order is the walk's.
    private struct FileJob {
        var path: String
        var base: Entry?, ours: Entry?, theirs: Entry?
        var writeSlot: Int, conflictSlot: Int
    }

    private var jobs: [FileJob] = []

    /// Runs the file merges the walk queued, a bounded batch at a time: each file's three blobs are
    /// read and merged (`FileMerge`, a pure function) on the machine's cores, each worker with its
    /// own store (for libgit2: its own handle); a result equal to ours changes nothing.
    private mutating func mergeFiles<Store: GitObjectStore>(_ store: Store) throws {
        guard !jobs.isEmpty else { return }
        var keepWrite = [Bool](repeating: true, count: writes.count)
        var keepConflict = [Bool](repeating: true, count: conflicts.count)
        for batch in stride(from: 0, to: jobs.count, by: 512) {
            let slice = jobs[batch..<min(batch + 512, jobs.count)]
            let virtual = forVirtualBase
            let outcomes = store.concurrentMap(Array(slice), perWorker: 32) { store, job in
                Result { () -> (outcome: FileMerge.Outcome, sameAsOurs: Bool) in
                    let base = try job.base.map { try store.blob($0.id) }, ours = try job.ours.map { try store.blob($0.id) }
                    let theirs = try job.theirs.map { try store.blob($0.id) }, kind = FileMerge.Kind(path: job.path)
                    let outcome = virtual
                        ? FileMerge.Outcome(bytes: FileMerge.virtualBase(base: base, ours: ours, theirs: theirs, kind: kind), conflicts: [])
                        : FileMerge.merge(base: base, ours: ours, theirs: theirs, kind: kind)
                    return (outcome, ours != nil && outcome.bytes == ours)
                }
            }
            for (job, result) in zip(slice, outcomes) {
                let (outcome, sameAsOurs) = try result.get()
                let executable = (job.ours ?? job.theirs)?.isExecutable ?? false
                keepWrite[job.writeSlot] = false
                if let bytes = outcome.bytes {
                    if !sameAsOurs {
                        writes[job.writeSlot] = Write(path: job.path, content: .merged(newBlobs.count), executable: executable)
                        newBlobs.append(bytes)
                        keepWrite[job.writeSlot] = true
                    }
                } else if job.ours != nil {
                    writes[job.writeSlot] = Write(path: job.path, content: .removed, executable: false)
                    keepWrite[job.writeSlot] = true
                }
                conflicts[job.conflictSlot].conflicts = outcome.conflicts
                keepConflict[job.conflictSlot] = !outcome.conflicts.isEmpty
            }
        }
        jobs = []
        writes = zip(writes, keepWrite).filter(\.1).map(\.0)
        conflicts = zip(conflicts, keepConflict).filter(\.1).map(\.0)
    }

    private mutating func walk<Store: GitObjectStore>(_ store: Store, base: ObjectID?, ours: ObjectID?, theirs: ObjectID?, prefix: String) throws {
        func entries(_ id: ObjectID?) throws -> [String: Entry] {
            guard let id else { return [:] }
            return Dictionary(try store.treeEntries(id).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let b = try entries(base), o = try entries(ours), t = try entries(theirs)
        // Only the names whose entries differ between ours and theirs can need anything (a name in
        // the base only is gone on both sides): sort those, not the whole folder.
        var names = [String]()
        for (name, eo) in o where eo != t[name] { names.append(name) }
        for name in t.keys where o[name] == nil { names.append(name) }
        for name in names.sorted() {
            let path = prefix + name
            let eb = b[name], eo = o[name], et = t[name]
            if same(eo, eb) {  // only theirs changed
                try take(store, et, over: eo, path: path)
                continue
            }
            if same(et, eb) { continue }  // only ours changed
            // Both changed.
            let treeLike = [eb, eo, et].allSatisfy { $0 == nil || $0?.isTree == true }
            if treeLike {
                try walk(store, base: eb?.id, ours: eo?.id, theirs: et?.id, prefix: path + "/")
                continue
            }
            let blobLike = [eb, eo, et].allSatisfy { $0 == nil || $0?.isBlob == true }
            mergedBothSides.append(path)
            guard blobLike else {
                if forVirtualBase {  // the base's file stands (a folder or a link there: absent)
                    if let eb, eb.isBlob {
                        writes.append(Write(path: path, content: .blob(eb.id), executable: eb.isExecutable))
                    } else if eo != nil {
                        writes.append(Write(path: path, content: .removed, executable: false))
                    }
                    continue
                }
                conflicts.append(FileConflict(path: path, conflicts: [FieldConflict(field: "(file)", base: eb.map(kind), ours: eo.map(kind), theirs: et.map(kind))], base: eb?.id, ours: eo?.id, theirs: et?.id))
                continue
            }
            // Merged after the walk (see mergeFiles): keep its places in writes and conflicts.
            jobs.append(FileJob(path: path, base: eb, ours: eo, theirs: et, writeSlot: writes.count, conflictSlot: conflicts.count))
            writes.append(Write(path: path, content: .removed, executable: false))
            conflicts.append(FileConflict(path: path, conflicts: [], base: eb?.id, ours: eo?.id, theirs: et?.id))
        }
    }

    /// Whether two entries are the same (same id and kind; the name is the same by construction).
    private func same(_ a: Entry?, _ b: Entry?) -> Bool { a == b }

    private func kind(_ e: Entry) -> String { e.isTree ? "folder" : e.isSymlink ? "symlink" : e.isSubmodule ? "submodule" : "file" }

    /// Takes their entry over ours: a blob replaces, a tree is expanded into its files, nil deletes.
    private mutating func take<Store: GitObjectStore>(_ store: Store, _ theirs: Entry?, over ours: Entry?, path: String) throws {
        if let o = ours, o.isTree, let t = theirs, t.isTree {  // only the files that differ
            try walk(store, base: o.id, ours: o.id, theirs: t.id, prefix: path + "/")
            return
        }
        if let ours, ours.isTree { try removeTree(store, ours.id, prefix: path + "/") }
        guard let theirs else {
            if let ours, !ours.isTree { writes.append(Write(path: path, content: .removed, executable: false)) }
            return
        }
        if theirs.isTree {
            if let ours, !ours.isTree { writes.append(Write(path: path, content: .removed, executable: false)) }
            try addTree(store, theirs.id, prefix: path + "/")
        } else if theirs.isBlob {
            writes.append(Write(path: path, content: .blob(theirs.id), executable: theirs.isExecutable))
        } else if !forVirtualBase {  // a link or a submodule; a virtual base keeps ours, the base's entry
            conflicts.append(FileConflict(path: path, conflicts: [FieldConflict(field: "(file)", base: nil, ours: ours.map(kind), theirs: kind(theirs))], base: nil, ours: ours?.id, theirs: theirs.id))
        }
    }

    private mutating func addTree<Store: GitObjectStore>(_ store: Store, _ id: ObjectID, prefix: String) throws {
        for e in try store.treeEntries(id) {
            if e.isTree { try addTree(store, e.id, prefix: prefix + e.name + "/") } else if e.isBlob { writes.append(Write(path: prefix + e.name, content: .blob(e.id), executable: e.isExecutable)) }
        }
    }

    private mutating func removeTree<Store: GitObjectStore>(_ store: Store, _ id: ObjectID, prefix: String) throws {
        for e in try store.treeEntries(id) {
            if e.isTree { try removeTree(store, e.id, prefix: prefix + e.name + "/") } else { writes.append(Write(path: prefix + e.name, content: .removed, executable: false)) }
        }
    }
}
