import GoalSyncGit

/// Git objects kept in memory, for tests of the merge without libgit2 (see ``GitObjectStore``).
/// Ids are handed out in order of first writing and are content-addressed within the store (the
/// same bytes, or the same entries, get the same id), as the merge expects; they are not git's
/// hashes. Not for use from several threads: ``concurrentMap(_:perWorker:_:)`` runs on the caller's.
package final class InMemoryObjectStore: GitObjectStore {
    private struct Commit {
        var tree: ObjectID
        var parents: [ObjectID]
        var time: Int64
    }

    private var blobs = [ObjectID: [UInt8]]()
    private var blobIDs = [[UInt8]: ObjectID]()
    private var trees = [ObjectID: [TreeEntry]]()
    private var treeIDs = [[TreeEntry]: ObjectID]()
    private var commits = [ObjectID: Commit]()
    private var next: UInt64 = 1

    package init() {}

    /// What a lookup of a missing object throws.
    package struct MissingObject: Error, CustomStringConvertible {
        package var description: String

        init(id: ObjectID, kind: String) { description = "no \(kind) \(id.hex) in the store" }
        init(_ description: String) { self.description = description }
    }

    private func newID() throws -> ObjectID {
        defer { next += 1 }
        let hex = String(next, radix: 16)
        guard let id = ObjectID(hex: String(repeating: "0", count: 40 - hex.count) + hex) else { throw MissingObject("cannot make an id for object \(next)") }
        return id
    }

    package func treeEntries(_ id: ObjectID) throws -> [TreeEntry] {
        guard let entries = trees[id] else { throw MissingObject(id: id, kind: "tree") }
        return entries
    }

    package func blob(_ id: ObjectID) throws -> [UInt8] {
        guard let bytes = blobs[id] else { throw MissingObject(id: id, kind: "blob") }
        return bytes
    }

    package func concurrentMap<T, R>(_ items: [T], perWorker: Int, _ transform: (InMemoryObjectStore, T) -> R) -> [R] {
        items.map { transform(self, $0) }
    }

    package func commitTree(_ id: ObjectID) throws -> ObjectID {
        guard let commit = commits[id] else { throw MissingObject(id: id, kind: "commit") }
        return commit.tree
    }

    package func commitTime(_ id: ObjectID) throws -> Int64 {
        guard let commit = commits[id] else { throw MissingObject(id: id, kind: "commit") }
        return commit.time
    }

    /// `id` and every commit it descends from.
    private func ancestry(_ id: ObjectID) throws -> Set<ObjectID> {
        var seen: Set<ObjectID> = [id], queue = [id]
        while let c = queue.popLast() {
            guard let commit = commits[c] else { throw MissingObject(id: c, kind: "commit") }
            for p in commit.parents where seen.insert(p).inserted { queue.append(p) }
        }
        return seen
    }

    /// The common ancestors that are not ancestors of another common ancestor.
    private func best(_ common: Set<ObjectID>) throws -> [ObjectID] {
        var dominated = Set<ObjectID>()
        for c in common { dominated.formUnion(try ancestry(c).subtracting([c])) }
        return common.subtracting(dominated).sorted()
    }

    package func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] {
        try best(try ancestry(a).intersection(try ancestry(b)))
    }

    package func mergeBases(of one: ObjectID, and others: [ObjectID]) throws -> [ObjectID] {
        var theirs = Set<ObjectID>()
        for o in others { theirs.formUnion(try ancestry(o)) }
        return try best(try ancestry(one).intersection(theirs))
    }

    package func emptyTree() throws -> ObjectID { try tree([]) }

    package func writeBlobs(_ contents: [[UInt8]]) throws -> [ObjectID] { try contents.map(writeBlob) }

    /// Writes one blob (the same bytes: the same id).
    @discardableResult
    package func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        if let id = blobIDs[bytes] { return id }
        let id = try newID()
        blobs[id] = bytes
        blobIDs[bytes] = id
        return id
    }

    /// Writes a tree of these entries, sorted by name (the same entries: the same id).
    @discardableResult
    package func tree(_ entries: [TreeEntry]) throws -> ObjectID {
        let sorted = entries.sorted { $0.name < $1.name }
        if let id = treeIDs[sorted] { return id }
        let id = try newID()
        trees[id] = sorted
        treeIDs[sorted] = id
        return id
    }

    package func writeTree(updating base: ObjectID?, with updates: [TreeMerge.Update]) throws -> ObjectID {
        try update(base, updates.map { (components: $0.path.split(separator: "/", omittingEmptySubsequences: false).map(String.init), update: $0) })
    }

    private func update(_ base: ObjectID?, _ updates: [(components: [String], update: TreeMerge.Update)]) throws -> ObjectID {
        var entries = Dictionary((try base.map(treeEntries) ?? []).map { ($0.name, $0) }, uniquingKeysWith: { a, _ in a })
        var nested = [String: [(components: [String], update: TreeMerge.Update)]]()
        for (components, u) in updates {
            guard let first = components.first, !first.isEmpty else { continue }
            if components.count == 1 {
                entries[first] = u.blob.map { TreeEntry(name: first, id: $0, kind: u.executable ? .executable : .file) }
            } else {
                nested[first, default: []].append((Array(components.dropFirst()), u))
            }
        }
        for (name, inner) in nested {
            let current = entries[name].flatMap { $0.isTree ? $0.id : nil }
            let id = try update(current, inner)
            entries[name] = try treeEntries(id).isEmpty ? nil : TreeEntry(name: name, id: id, kind: .folder)
        }
        return try tree(Array(entries.values))
    }

    package func writeCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws -> ObjectID {
        try commit(tree: tree, parents: parents, time: committer.time)
    }

    /// Writes a commit (each call a new one).
    @discardableResult
    package func commit(tree: ObjectID, parents: [ObjectID], time: Int64 = 0) throws -> ObjectID {
        let id = try newID()
        commits[id] = Commit(tree: tree, parents: parents, time: time)
        return id
    }

    /// A tree made of files given by path and text (folders made as the paths say).
    package func tree(files: [String: String]) throws -> ObjectID {
        try writeTree(updating: nil, with: files.map { TreeMerge.Update(path: $0.key, blob: try writeBlob(Array($0.value.utf8)), executable: false) })
    }

    /// The files of a tree, by path, as text (folders walked).
    package func files(of tree: ObjectID, prefix: String = "") throws -> [String: String] {
        var out = [String: String]()
        for e in try treeEntries(tree) {
            if e.isTree {
                out.merge(try files(of: e.id, prefix: prefix + e.name + "/")) { a, _ in a }
            } else {
                out[prefix + e.name] = String(decoding: try blob(e.id), as: UTF8.self)
            }
        }
        return out
    }
}
