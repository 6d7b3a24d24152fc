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
