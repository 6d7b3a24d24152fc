import CLibgit2
import Foundation

/// A git repository opened through libgit2. Owns its `git_repository*` and frees it in `deinit`;
/// every handle made from it (``Tree``, ``Commit``, ``Index``) keeps it alive.
public final class Repository {
    let pointer: OpaquePointer

    private init(pointer: OpaquePointer) {
        self.pointer = pointer
    }

    deinit { git_repository_free(pointer) }

    /// Opens the repository containing `path`, searching upward like git (`git_repository_open_ext`).
    public static func discover(from path: String) throws -> Repository {
        Libgit2.ensure()
        var repo: OpaquePointer?
        try check(git_repository_open_ext(&repo, path, 0, nil), "open repository at \(path)")
        return Repository(pointer: repo!)
    }

    /// Opens exactly `path` (a work tree or a bare repository) with no discovery.
    public static func open(at path: String) throws -> Repository {
        Libgit2.ensure()
        var repo: OpaquePointer?
        let flags = GIT_REPOSITORY_OPEN_NO_SEARCH.rawValue
        try check(git_repository_open_ext(&repo, path, flags, nil), "open repository at \(path)")
        return Repository(pointer: repo!)
    }

    /// Creates a repository (`git_repository_init_ext`), or reopens the one already at `path`.
    /// `initialHead` names the unborn branch (e.g. "main"); nil leaves libgit2's choice (init.defaultBranch).
    public static func initialize(at path: String, bare: Bool = false, initialHead: String? = nil) throws -> Repository {
        Libgit2.ensure()
        var opts = git_repository_init_options()
        try check(git_repository_init_options_init(&opts, UInt32(GIT_REPOSITORY_INIT_OPTIONS_VERSION)), "git_repository_init_options_init")
        opts.flags = GIT_REPOSITORY_INIT_MKPATH.rawValue | GIT_REPOSITORY_INIT_MKDIR.rawValue
        if bare { opts.flags |= GIT_REPOSITORY_INIT_BARE.rawValue }
        var repo: OpaquePointer?
        let result: Int32
        if let initialHead {
            result = initialHead.withCString { head in
                opts.initial_head = head
                return git_repository_init_ext(&repo, path, &opts)
            }
        } else {
            result = git_repository_init_ext(&repo, path, &opts)
        }
        try check(result, "init repository at \(path)")
        return Repository(pointer: repo!)
    }

    /// The work tree with a trailing slash, or nil for a bare repository (`git_repository_workdir`).
    public var workdir: String? {
        git_repository_workdir(pointer).map { String(cString: $0) }
    }

    /// The `.git` folder with a trailing slash (`git_repository_path`).
    public var gitDir: String { String(cString: git_repository_path(pointer)) }

    public var isBare: Bool { git_repository_is_bare(pointer) == 1 }

    /// True when HEAD names a branch with no commit yet (`git_repository_head_unborn`).
    public var isHeadUnborn: Bool { git_repository_head_unborn(pointer) == 1 }

    /// True for a shallow clone (`git_repository_is_shallow`).
    public var isShallow: Bool { git_repository_is_shallow(pointer) == 1 }

    /// The state of an operation in progress (`git_repository_state`), e.g. a merge.
    public var isMerging: Bool { git_repository_state(pointer) == Int32(GIT_REPOSITORY_STATE_MERGE.rawValue) }

    // MARK: References

    /// The commit HEAD points at, or nil when the branch is unborn.
    public func headID() throws -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, "HEAD")
        if rc == GIT_ENOTFOUND.rawValue || rc == GIT_EUNBORNBRANCH.rawValue {
            git_error_clear()
            return nil
        }
        try check(rc, "resolve HEAD")
        return ObjectID(oid)
    }

    /// The full name HEAD points to ("refs/heads/main"), even when unborn; nil when HEAD is detached.
    public func headReferenceName() throws -> String? {
        var ref: OpaquePointer?
        try check(git_reference_lookup(&ref, pointer, "HEAD"), "look up HEAD")
        defer { git_reference_free(ref) }
        guard git_reference_type(ref) == GIT_REFERENCE_SYMBOLIC else { return nil }
        return git_reference_symbolic_target(ref).map { String(cString: $0) }
    }

    /// The id a reference resolves to, or nil when it does not exist (`git_reference_name_to_id`).
    public func referenceID(_ name: String) throws -> ObjectID? {
        var oid = git_oid()
        let rc = git_reference_name_to_id(&oid, pointer, name)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "resolve \(name)")
        return ObjectID(oid)
    }

    // MARK: Objects

    /// Looks up a commit (`git_commit_lookup`).
    public func commit(_ id: ObjectID) throws -> Commit {
        var commit: OpaquePointer?
        try id.withRaw { oid in
            try check(git_commit_lookup(&commit, pointer, oid), "look up commit \(id.short)")
        }
        return Commit(pointer: commit!, repository: self)
    }

    /// Looks up a tree (`git_tree_lookup`).
    public func tree(_ id: ObjectID) throws -> Tree {
        var tree: OpaquePointer?
        try id.withRaw { oid in
            try check(git_tree_lookup(&tree, pointer, oid), "look up tree \(id.short)")
        }
        return Tree(pointer: tree!, repository: self)
    }

    /// The tree of HEAD's commit, or nil when the branch is unborn.
    public func headTree() throws -> Tree? {
        guard let head = try headID() else { return nil }
        return try commit(head).tree()
    }

    /// Reads a blob's bytes (`git_blob_lookup`, `git_blob_rawcontent`).
    public func blobData(_ id: ObjectID) throws -> [UInt8] {
        var blob: OpaquePointer?
        try id.withRaw { oid in
            try check(git_blob_lookup(&blob, pointer, oid), "read blob \(id.short)")
        }
        defer { git_blob_free(blob) }
        let size = Int(git_blob_rawsize(blob))
        guard size > 0, let raw = git_blob_rawcontent(blob) else { return [] }
        return Array(UnsafeRawBufferPointer(start: raw, count: size))
    }

    /// The size of a blob without reading it into Swift (`git_odb_read_header`).
    public func blobSize(_ id: ObjectID) throws -> Int {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        var size = 0
        var type = GIT_OBJECT_ANY
        try id.withRaw { oid in
            try check(git_odb_read_header(&size, &type, odb, oid), "read header of \(id.short)")
        }
        return size
    }

    /// Writes bytes as a blob (`git_blob_create_from_buffer`).
    public func writeBlob(_ bytes: [UInt8]) throws -> ObjectID {
        var oid = git_oid()
        try bytes.withUnsafeBytes { buffer in
            try check(git_blob_create_from_buffer(&oid, pointer, buffer.baseAddress, buffer.count), "write blob")
        }
        return ObjectID(oid)
    }

    /// The id of the empty tree, written if needed (`git_treebuilder_write`).
    public func emptyTreeID() throws -> ObjectID {
        var builder: OpaquePointer?
        try check(git_treebuilder_new(&builder, pointer, nil), "git_treebuilder_new")
        defer { git_treebuilder_free(builder) }
        var oid = git_oid()
        try check(git_treebuilder_write(&oid, builder), "write empty tree")
        return ObjectID(oid)
    }

    /// One change to a tree: put a blob at a path, or remove the path.
    public enum TreeUpdate: Sendable {
        case upsert(path: String, blob: ObjectID, executable: Bool = false)
        case remove(path: String)
    }

    /// A new tree made from `base` (or the empty tree) with `updates` applied (`git_tree_create_updated`).
    public func tree(updating base: ObjectID?, with updates: [TreeUpdate]) throws -> ObjectID {
        let baseTree = try tree(base ?? emptyTreeID())
        let paths = updates.map { update -> UnsafeMutablePointer<CChar> in
            switch update {
            case .upsert(let path, _, _), .remove(let path): return strdup(path)!
            }
        }
        defer { paths.forEach { free($0) } }
        var raw = [git_tree_update]()
        for (i, update) in updates.enumerated() {
            var u = git_tree_update()
            u.path = UnsafePointer(paths[i])
            switch update {
            case .upsert(_, let blob, let executable):
                u.action = GIT_TREE_UPDATE_UPSERT
                u.id = blob.raw
                u.filemode = executable ? GIT_FILEMODE_BLOB_EXECUTABLE : GIT_FILEMODE_BLOB
            case .remove:
                u.action = GIT_TREE_UPDATE_REMOVE
            }
            raw.append(u)
        }
        var oid = git_oid()
        try check(git_tree_create_updated(&oid, pointer, baseTree.pointer, raw.count, raw), "update tree")
        return ObjectID(oid)
    }

    /// Writes a commit and, when `updateReference` is given, moves that reference to it
    /// (`git_commit_create`; libgit2 refuses when the reference no longer points at the first parent).
    public func createCommit(
        tree treeID: ObjectID, parents parentIDs: [ObjectID], author: Signature, committer: Signature,
        message: String, updateReference: String? = "HEAD"
    ) throws -> ObjectID {
        let treeHandle = try tree(treeID)
        let parents = try parentIDs.map { try commit($0) }
        var parentPointers: [OpaquePointer?] = parents.map { $0.pointer }
        var oid = git_oid()
        try author.withRaw { a in
            try committer.withRaw { c in
                try parentPointers.withUnsafeMutableBufferPointer { buffer in
                    try check(
                        git_commit_create(
                            &oid, pointer, updateReference, a, c, nil, message, treeHandle.pointer,
                            buffer.count, buffer.baseAddress),
                        "commit")
                }
            }
        }
        withExtendedLifetime(parents) {}
        return ObjectID(oid)
    }

    /// Points a reference at `id` (`git_reference_create`), checking that it still holds `expected`
    /// when given (`git_reference_create_matching`).
    public func setReference(_ name: String, to id: ObjectID, expected: ObjectID?, message: String) throws {
        var ref: OpaquePointer?
        try id.withRaw { oid in
            if let expected {
                try expected.withRaw { current in
                    try check(git_reference_create_matching(&ref, pointer, name, oid, 1, current, message), "update \(name)")
                }
            } else {
                try check(git_reference_create(&ref, pointer, name, oid, 1, message), "update \(name)")
            }
        }
        git_reference_free(ref)
    }

    // MARK: Config and index

    /// A read-only snapshot of the configuration (`git_repository_config_snapshot`).
    public func config() throws -> Config {
        var cfg: OpaquePointer?
        try check(git_repository_config_snapshot(&cfg, pointer), "read git config")
        return Config(pointer: cfg!)
    }

    /// The repository's writable configuration (`git_repository_config`).
    public func writableConfig() throws -> Config {
        var cfg: OpaquePointer?
        try check(git_repository_config(&cfg, pointer), "open git config")
        return Config(pointer: cfg!)
    }

    /// The index, read fresh from disk (`git_repository_index`).
    public func index() throws -> Index {
        var idx: OpaquePointer?
        try check(git_repository_index(&idx, pointer), "open index")
        let index = Index(pointer: idx!, repository: self)
        try index.reload()
        return index
    }
}

extension Repository {
    /// The remote-tracking branch a local branch follows, e.g. `refs/remotes/origin/main`, or nil
    /// (`git_branch_upstream_name`).
    public func upstreamName(ofBranch branch: String) throws -> String? {
        var buf = git_buf()
        defer { git_buf_dispose(&buf) }
        let rc = git_branch_upstream_name(&buf, pointer, branch)
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "find the upstream of \(branch)")
        return buf.ptr.map { String(cString: $0) }
    }

    /// How many commits `local` has that `upstream` lacks, and the reverse (`git_graph_ahead_behind`).
    public func aheadBehind(local: ObjectID, upstream: ObjectID) throws -> (ahead: Int, behind: Int) {
        var ahead = 0, behind = 0
        try local.withRaw { l in
            try upstream.withRaw { u in
                try check(git_graph_ahead_behind(&ahead, &behind, pointer, l, u), "count commits ahead and behind")
            }
        }
        return (ahead, behind)
    }
}
