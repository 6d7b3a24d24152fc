import GoalSyncGit

/// The merge of two commits' trees against their base, file by file: what changed on one side
/// only is taken as it is; files changed on both sides go through ``FileMerge``. Only subtrees that
/// differ are read, so the cost follows the size of the change, not of the repository.
package struct TreeMerge {
    /// One path whose content in the result differs from ours.
    package struct Update: Sendable {
        package var path: String
        /// The blob to write (nil: delete the path).
        package var blob: ObjectID?
        package var executable: Bool

        package var treeUpdate: Repository.TreeUpdate {
            blob.map { .upsert(path: path, blob: $0, executable: executable) } ?? .remove(path: path)
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

    package var updates: [Update] = []
    package var conflicts: [FileConflict] = []
    /// Paths changed on both sides and merged (cleanly or not).
    package var mergedBothSides: [String] = []

    /// Merges `theirs` into `ours` against `base` (nil: no common history, an empty base).
    /// `forVirtualBase`: the merge of two merge bases into a virtual one, which has no conflicts.
    package static func merge(_ repo: Repository, base: ObjectID?, ours: ObjectID, theirs: ObjectID, forVirtualBase: Bool = false) throws -> TreeMerge {
        var result = TreeMerge()
        result.forVirtualBase = forVirtualBase
        try result.walk(repo, base: base, ours: ours, theirs: theirs, prefix: "")
        try result.mergeFiles(repo)
        return result
    }

    private typealias Entry = Tree.Entry

    /// A file changed on both sides, merged after the walk (in parallel): its result goes to the
    /// places `walk` kept for it in `updates` and `conflicts`, so the order is the walk's.
    private struct FileJob {
        var path: String
        var base: Entry?, ours: Entry?, theirs: Entry?
        var updateSlot: Int, conflictSlot: Int
    }

    private var jobs: [FileJob] = []

    /// Runs the file merges the walk queued, a bounded batch at a time: each file's three blobs are
    /// read and merged (`FileMerge`, a pure function) on the machine's cores, each worker with its
    /// own libgit2 handle; the results are written on this thread, a batch at once
    /// (`Repository.writeBlobs`: many as one pack).
    private mutating func mergeFiles(_ repo: Repository) throws {
        guard !jobs.isEmpty else { return }
        var keepUpdate = [Bool](repeating: true, count: updates.count)
        var keepConflict = [Bool](repeating: true, count: conflicts.count)
        for batch in stride(from: 0, to: jobs.count, by: 512) {
            let slice = jobs[batch..<min(batch + 512, jobs.count)]
            let virtual = forVirtualBase
            let outcomes = ParallelMap.map(Array(slice), repository: repo, perWorker: 32) { repo, job in
                Result {
                    let base = try job.base.map { try repo.blobData($0.id) }, ours = try job.ours.map { try repo.blobData($0.id) }
                    let theirs = try job.theirs.map { try repo.blobData($0.id) }, kind = FileMerge.Kind(path: job.path)
                    if virtual { return FileMerge.Outcome(bytes: FileMerge.virtualBase(base: base, ours: ours, theirs: theirs, kind: kind), conflicts: []) }
                    return FileMerge.merge(base: base, ours: ours, theirs: theirs, kind: kind)
                }
            }
            // The batch's results written together (many: as one pack).
            let merged = try outcomes.map { try $0.get() }
            var blobs = try repo.writeBlobs(merged.compactMap(\.bytes))[...]
            for (job, outcome) in zip(slice, merged) {
                let executable = (job.ours ?? job.theirs)?.isExecutable ?? false
                keepUpdate[job.updateSlot] = false
                if outcome.bytes != nil {
                    let blob = blobs.removeFirst()
                    if blob != job.ours?.id || !(job.ours?.isBlob ?? false) {
                        updates[job.updateSlot] = Update(path: job.path, blob: blob, executable: executable)
                        keepUpdate[job.updateSlot] = true
                    }
                } else if job.ours != nil {
                    updates[job.updateSlot] = Update(path: job.path, blob: nil, executable: false)
                    keepUpdate[job.updateSlot] = true
                }
                conflicts[job.conflictSlot].conflicts = outcome.conflicts
                keepConflict[job.conflictSlot] = !outcome.conflicts.isEmpty
            }
        }
        jobs = []
        updates = zip(updates, keepUpdate).filter(\.1).map(\.0)
        conflicts = zip(conflicts, keepConflict).filter(\.1).map(\.0)
    }

    private mutating func walk(_ repo: Repository, base: ObjectID?, ours: ObjectID?, theirs: ObjectID?, prefix: String) throws {
        func entries(_ id: ObjectID?) throws -> [String: Entry] {
            guard let id else { return [:] }
            return Dictionary(try repo.tree(id).entries.map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        }
        let b = try entries(base), o = try entries(ours), t = try entries(theirs)
        // Only the names whose entries differ between ours and theirs can need anything (a name in
        // the base only is gone on both sides): sort those, not the whole folder.
        var names = [String]()
        for (name, eo) in o where !same(eo, t[name]) { names.append(name) }
        for name in t.keys where o[name] == nil { names.append(name) }
        for name in names.sorted() {
            let path = prefix + name
            let eb = b[name], eo = o[name], et = t[name]
            if same(eo, eb) {  // only theirs changed
                try take(repo, et, over: eo, path: path)
                continue
            }
            if same(et, eb) { continue }  // only ours changed
            // Both changed.
            let treeLike = [eb, eo, et].allSatisfy { $0 == nil || $0!.isTree }
            if treeLike {
                try walk(repo, base: eb?.id, ours: eo?.id, theirs: et?.id, prefix: path + "/")
                continue
            }
            let blobLike = [eb, eo, et].allSatisfy { $0 == nil || $0!.isBlob }
            mergedBothSides.append(path)
            guard blobLike else {
                if forVirtualBase {  // the base's file stands (a folder or a link there: absent)
                    if let eb, eb.isBlob {
                        updates.append(Update(path: path, blob: eb.id, executable: eb.isExecutable))
                    } else if eo != nil {
                        updates.append(Update(path: path, blob: nil, executable: false))
                    }
                    continue
                }
                conflicts.append(FileConflict(path: path, conflicts: [FieldConflict(field: "(file)", base: eb.map(kind), ours: eo.map(kind), theirs: et.map(kind))], base: eb?.id, ours: eo?.id, theirs: et?.id))
                continue
            }
            // Merged after the walk (see mergeFiles): keep its places in updates and conflicts.
            jobs.append(FileJob(path: path, base: eb, ours: eo, theirs: et, updateSlot: updates.count, conflictSlot: conflicts.count))
            updates.append(Update(path: path, blob: nil, executable: false))
            conflicts.append(FileConflict(path: path, conflicts: [], base: eb?.id, ours: eo?.id, theirs: et?.id))
        }
    }

    private func same(_ a: Entry?, _ b: Entry?) -> Bool {
        switch (a, b) {
        case (nil, nil): return true
        case (let x?, let y?): return x.id == y.id && x.isTree == y.isTree && x.isExecutable == y.isExecutable && x.isSymlink == y.isSymlink
        default: return false
        }
    }

    private func kind(_ e: Entry) -> String { e.isTree ? "folder" : e.isSymlink ? "symlink" : e.isSubmodule ? "submodule" : "file" }

    /// Takes their entry over ours: a blob replaces, a tree is expanded into its files, nil deletes.
    private mutating func take(_ repo: Repository, _ theirs: Entry?, over ours: Entry?, path: String) throws {
        if let o = ours, o.isTree, let t = theirs, t.isTree {  // only the files that differ
            try walk(repo, base: o.id, ours: o.id, theirs: t.id, prefix: path + "/")
            return
        }
        if let ours, ours.isTree { try removeTree(repo, ours.id, prefix: path + "/") }
        guard let theirs else {
            if let ours, !ours.isTree { updates.append(Update(path: path, blob: nil, executable: false)) }
            return
        }
        if theirs.isTree {
            if let ours, !ours.isTree { updates.append(Update(path: path, blob: nil, executable: false)) }
            try addTree(repo, theirs.id, prefix: path + "/")
        } else if theirs.isBlob {
            updates.append(Update(path: path, blob: theirs.id, executable: theirs.isExecutable))
        } else if !forVirtualBase {  // a link or a submodule; a virtual base keeps ours, the base's entry
            conflicts.append(FileConflict(path: path, conflicts: [FieldConflict(field: "(file)", base: nil, ours: ours.map(kind), theirs: kind(theirs))], base: nil, ours: ours?.id, theirs: theirs.id))
        }
    }

    private mutating func addTree(_ repo: Repository, _ id: ObjectID, prefix: String) throws {
        for e in try repo.tree(id).entries {
            if e.isTree { try addTree(repo, e.id, prefix: prefix + e.name + "/") } else if e.isBlob { updates.append(Update(path: prefix + e.name, blob: e.id, executable: e.isExecutable)) }
        }
    }

    private mutating func removeTree(_ repo: Repository, _ id: ObjectID, prefix: String) throws {
        for e in try repo.tree(id).entries {
            if e.isTree { try removeTree(repo, e.id, prefix: prefix + e.name + "/") } else { updates.append(Update(path: prefix + e.name, blob: nil, executable: false)) }
        }
    }
}
