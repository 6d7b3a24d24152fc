import GoalSyncGit

/// One entry of a git tree, as the merge reads it.
package struct TreeEntry: Sendable, Hashable {
    /// What the entry is, from its mode.
    package enum Kind: Sendable, Hashable {
        case file, executable, folder, symlink, submodule
        /// A mode git does not write (read from a damaged or hand-made tree).
        case other
    }

    package var name: String
    package var id: ObjectID
    package var kind: Kind

    package init(name: String, id: ObjectID, kind: Kind) {
        self.name = name
        self.id = id
        self.kind = kind
    }

    package init(_ entry: Tree.Entry) {
        let kind: Kind = entry.isTree ? .folder : entry.isBlob ? (entry.isExecutable ? .executable : .file)
            : entry.isSymlink ? .symlink : entry.isSubmodule ? .submodule : .other
        self.init(name: entry.name, id: entry.id, kind: kind)
    }

    package var isTree: Bool { kind == .folder }
    package var isBlob: Bool { kind == .file || kind == .executable }
    package var isExecutable: Bool { kind == .executable }
    package var isSymlink: Bool { kind == .symlink }
    package var isSubmodule: Bool { kind == .submodule }
}

/// The git objects a merge reads and writes: what ``TreeMerge`` and ``VirtualBase`` plan from, and
/// where their caller writes the plan (``TreeMerge/writeBlobs(to:)``, ``writeTree(updating:with:)``).
/// ``LibGit2ObjectStore`` is a repository's object database; ``InMemoryObjectStore`` keeps objects
/// in dictionaries, so the merge of two commits is tested without libgit2 or a disk.
///
/// Used through generics (`some GitObjectStore`, `<Store: GitObjectStore>`), so the pull's merge
/// is specialized for libgit2's store and pays no dynamic dispatch per file.
package protocol GitObjectStore {
    /// The entries of tree `id`.
    func treeEntries(_ id: ObjectID) throws -> [TreeEntry]
    /// The bytes of blob `id`.
    func blob(_ id: ObjectID) throws -> [UInt8]
    /// `transform` over `items`, results in order: on the machine's cores when there are many
    /// (`perWorker` each at least), each worker with a store of its own on the same objects.
    func concurrentMap<T, R>(_ items: [T], perWorker: Int, _ transform: (Self, T) -> R) -> [R]

    /// The tree of commit `id`.
    func commitTree(_ id: ObjectID) throws -> ObjectID
    /// The committer time of commit `id` (seconds since the epoch).
    func commitTime(_ id: ObjectID) throws -> Int64
    /// The best common ancestors of two commits (`git merge-base --all`).
    func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID]
    /// The best common ancestors of `one` and a commit whose parents are `others`.
    func mergeBases(of one: ObjectID, and others: [ObjectID]) throws -> [ObjectID]

    /// The empty tree's id, written if needed.
    func emptyTree() throws -> ObjectID
    /// Writes blobs, returning their ids in order (a blob the store has is not written again).
    func writeBlobs(_ contents: [[UInt8]]) throws -> [ObjectID]
    /// A new tree: `base` (nil: the empty tree) with `updates` applied.
    func writeTree(updating base: ObjectID?, with updates: [TreeMerge.Update]) throws -> ObjectID
    /// A new commit, referenced by nothing yet.
    func writeCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws -> ObjectID
}

/// A repository's object database, through libgit2.
package struct LibGit2ObjectStore: GitObjectStore {
    package let git: Repository

    package init(_ git: Repository) { self.git = git }

    package func treeEntries(_ id: ObjectID) throws -> [TreeEntry] { try git.tree(id).entries.map(TreeEntry.init) }
    package func blob(_ id: ObjectID) throws -> [UInt8] { try git.blobData(id) }
    package func concurrentMap<T, R>(_ items: [T], perWorker: Int, _ transform: (LibGit2ObjectStore, T) -> R) -> [R] {
        ParallelMap.map(items, repository: git, perWorker: perWorker) { repo, item in transform(LibGit2ObjectStore(repo), item) }
    }
    package func commitTree(_ id: ObjectID) throws -> ObjectID { try git.commit(id).treeID }
    package func commitTime(_ id: ObjectID) throws -> Int64 { try git.commit(id).committer.time }
    package func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] { try git.mergeBases(a, b) }
    package func mergeBases(of one: ObjectID, and others: [ObjectID]) throws -> [ObjectID] { try git.mergeBases(of: one, and: others) }
    package func emptyTree() throws -> ObjectID { try git.emptyTreeID() }
    package func writeBlobs(_ contents: [[UInt8]]) throws -> [ObjectID] { try git.writeBlobs(contents) }
    package func writeTree(updating base: ObjectID?, with updates: [TreeMerge.Update]) throws -> ObjectID {
        try git.tree(updating: base, with: updates.map(\.treeUpdate))
    }
    package func writeCommit(tree: ObjectID, parents: [ObjectID], author: Signature, committer: Signature, message: String) throws -> ObjectID {
        try git.createCommit(tree: tree, parents: parents, author: author, committer: committer, message: message, updateReference: nil)
    }
}
