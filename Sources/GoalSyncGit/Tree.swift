import CLibgit2
import Foundation

/// A tree object. Holds its ``Repository`` so the repository outlives it.
public final class Tree {
    let pointer: OpaquePointer
    public let repository: Repository

    init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_tree_free(pointer) }

    public var id: ObjectID { ObjectID(git_tree_id(pointer)) }

    /// One entry of a tree, copied out as a value.
    public struct Entry: Sendable, Hashable {
        public let name: String
        public let id: ObjectID
        public let isTree: Bool
        public let isBlob: Bool
        public let isSymlink: Bool
        public let isSubmodule: Bool
        public let isExecutable: Bool
    }

    /// The entries of this tree, in git's order (`git_tree_entry_byindex`).
    public var entries: [Entry] {
        let count = git_tree_entrycount(pointer)
        var out = [Entry]()
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_tree_entry_byindex(pointer, i) else { continue }
            out.append(Self.entry(e))
        }
        return out
    }

    static func entry(_ e: OpaquePointer) -> Entry {
        let mode = git_tree_entry_filemode(e)
        return Entry(
            name: String(cString: git_tree_entry_name(e)),
            id: ObjectID(git_tree_entry_id(e)),
            isTree: mode == GIT_FILEMODE_TREE,
            isBlob: mode == GIT_FILEMODE_BLOB || mode == GIT_FILEMODE_BLOB_EXECUTABLE,
            isSymlink: mode == GIT_FILEMODE_LINK,
            isSubmodule: mode == GIT_FILEMODE_COMMIT,
            isExecutable: mode == GIT_FILEMODE_BLOB_EXECUTABLE)
    }

    /// One entry as the tree object stores it: the name's bytes (not repaired into UTF-8) and the
    /// mode as written (`git_tree_entry_filemode_raw`), for checking a tree as `git fsck` does.
    public struct RawEntry: Sendable {
        public let name: [UInt8]
        public let mode: UInt32
        public let id: ObjectID
    }

    /// The entries as stored, in the tree's own order (`git_tree_entry_byindex`, `git_tree_entry_name`,
    /// `git_tree_entry_filemode_raw`).
    public var rawEntries: [RawEntry] {
        let count = git_tree_entrycount(pointer)
        var out = [RawEntry]()
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_tree_entry_byindex(pointer, i), let name = git_tree_entry_name(e) else { continue }
            let bytes = UnsafeRawBufferPointer(start: name, count: strlen(name))
            out.append(RawEntry(name: Array(bytes), mode: git_tree_entry_filemode_raw(e).rawValue, id: ObjectID(git_tree_entry_id(e))))
        }
        return out
    }

    /// The entry at a slash-separated path, or nil (`git_tree_entry_bypath`).
    public func entry(at path: String) throws -> Entry? {
        var e: OpaquePointer?
        let rc = git_tree_entry_bypath(&e, pointer, path)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "look up \(path) in tree \(id.short)")
        defer { git_tree_entry_free(e) }
        return Self.entry(e!)
    }

    /// The subtree at `path`, or nil when there is none.
    public func subtree(at path: String) throws -> Tree? {
        guard let e = try entry(at: path), e.isTree else { return nil }
        return try repository.tree(e.id)
    }
}

/// A commit object. Holds its ``Repository`` so the repository outlives it.
public final class Commit {
    let pointer: OpaquePointer
    public let repository: Repository

    init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_commit_free(pointer) }

    public var id: ObjectID { ObjectID(git_commit_id(pointer)) }
    public var treeID: ObjectID { ObjectID(git_commit_tree_id(pointer)) }
    public var author: Signature { Signature(git_commit_author(pointer)) }
    public var committer: Signature { Signature(git_commit_committer(pointer)) }
    public var message: String { git_commit_message(pointer).map { String(cString: $0) } ?? "" }
    public var summary: String { git_commit_summary(pointer).map { String(cString: $0) } ?? "" }

    /// The ids of the parents (`git_commit_parent_id`).
    public var parentIDs: [ObjectID] {
        (0..<git_commit_parentcount(pointer)).compactMap { i in git_commit_parent_id(pointer, i).map(ObjectID.init) }
    }

    /// The commit's tree (`git_commit_tree`).
    public func tree() throws -> Tree {
        var tree: OpaquePointer?
        try check(git_commit_tree(&tree, pointer), "read tree of commit \(id.short)")
        return Tree(pointer: tree!, repository: repository)
    }
}

extension Tree {
    /// How a folder differs from an older version of it, found in C over libgit2's entries
    /// (`git_tree_entry_byindex`, `git_tree_entry_cmp`, `git_oid_equal`), copying out only what
    /// differs: for checking a pushed folder of 10,000 goals whose commit changes one.
    public struct RawDifferences: Sendable {
        /// The entries that the old folder does not hold with the same name, mode (as stored) and id,
        /// each with the old folder's entry of that name, if any.
        public var changed: [(entry: RawEntry, was: RawEntry?)]
        /// The first entry that is not after the one before it in git's order (out of order, or the
        /// same name twice), with that one.
        public var misordered: (previous: RawEntry, entry: RawEntry)?
        /// An entry that is not a folder but has the name of a folder of this tree.
        public var namesakeOfFolder: RawEntry?
    }

    /// This folder's ``RawDifferences`` from `old`; nil when the folder holds more than
    /// `maximumFolders` subfolders (checking that no file has a folder's name is then left to the
    /// caller, who reads every entry).
    public func rawDifferences(from old: Tree, maximumFolders: Int = 64) -> RawDifferences? {
        let count = git_tree_entrycount(pointer)
        var folders = [OpaquePointer]()
        for i in 0..<count {
            guard let e = git_tree_entry_byindex(pointer, i), git_tree_entry_type(e) == GIT_OBJECT_TREE else { continue }
            folders.append(e)
            if folders.count > maximumFolders { return nil }
        }
        var out = RawDifferences(changed: [], misordered: nil, namesakeOfFolder: nil)
        let oldCount = git_tree_entrycount(old.pointer)
        var j = 0
        var previous: OpaquePointer?
        for i in 0..<count {
            guard let e = git_tree_entry_byindex(pointer, i) else { continue }
            if let p = previous, out.misordered == nil, git_tree_entry_cmp(p, e) >= 0 {
                out.misordered = (Self.raw(p), Self.raw(e))
            }
            previous = e
            // The old entry of the same name, if any: both lists are in git's order.
            while j < oldCount, let o = git_tree_entry_byindex(old.pointer, j), git_tree_entry_cmp(o, e) < 0 { j += 1 }
            if j < oldCount, let o = git_tree_entry_byindex(old.pointer, j), Self.sameName(o, e) {
                if git_tree_entry_filemode_raw(o) == git_tree_entry_filemode_raw(e), git_oid_equal(git_tree_entry_id(o), git_tree_entry_id(e)) != 0 {
                    continue
                }
                out.changed.append((Self.raw(e), Self.raw(o)))
            } else {
                out.changed.append((Self.raw(e), nil))
            }
        }
        for folder in folders {
            for i in 0..<count {
                guard let e = git_tree_entry_byindex(pointer, i), git_tree_entry_type(e) != GIT_OBJECT_TREE, Self.sameName(folder, e) else { continue }
                out.namesakeOfFolder = Self.raw(e)
                return out
            }
        }
        return out
    }

    private static func sameName(_ a: OpaquePointer, _ b: OpaquePointer) -> Bool {
        strcmp(git_tree_entry_name(a), git_tree_entry_name(b)) == 0
    }

    private static func raw(_ e: OpaquePointer) -> RawEntry {
        let name = git_tree_entry_name(e)
        let bytes = name.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        return RawEntry(name: bytes, mode: git_tree_entry_filemode_raw(e).rawValue, id: ObjectID(git_tree_entry_id(e)))
    }
}
