import CLibgit2
import Foundation

/// The repository's index (staging area). Holds its ``Repository``.
public final class Index {
    let pointer: OpaquePointer
    public let repository: Repository

    init(pointer: OpaquePointer, repository: Repository) {
        self.pointer = pointer
        self.repository = repository
    }

    deinit { git_index_free(pointer) }

    /// One staged entry, copied out as a value.
    public struct Entry: Sendable, Hashable {
        public let path: String
        public let id: ObjectID
        public let mode: UInt32
        /// 0 for a normal entry; 1, 2, 3 for the base, ours and theirs of a conflict.
        public let stage: Int
        /// Added with `git add -N`: in the index, but not in the next commit.
        public var isIntentToAdd = false

        public var isSymlink: Bool { mode == 0o120000 }
        public var isSubmodule: Bool { mode == 0o160000 }
    }

    /// Re-reads the index from disk when the file changed since it was read (`git_index_read`,
    /// unforced: libgit2 compares the file's stat data, so an unchanged index is not read again).
    public func reload() throws {
        try check(git_index_read(pointer, 0), "read index")
    }

    /// All entries, in path order (`git_index_get_byindex`).
    public var entries: [Entry] {
        let count = git_index_entrycount(pointer)
        var out = [Entry]()
        out.reserveCapacity(count)
        for i in 0..<count {
            guard let e = git_index_get_byindex(pointer, i) else { continue }
            out.append(Self.entry(e))
        }
        return out
    }

    static func entry(_ e: UnsafePointer<git_index_entry>) -> Entry {
        let stage = Int((e.pointee.flags & UInt16(GIT_INDEX_ENTRY_STAGEMASK)) >> UInt16(GIT_INDEX_ENTRY_STAGESHIFT))
        return Entry(path: String(cString: e.pointee.path), id: ObjectID(e.pointee.id), mode: e.pointee.mode, stage: stage,
                     isIntentToAdd: e.pointee.flags_extended & UInt16(GIT_INDEX_ENTRY_INTENT_TO_ADD.rawValue) != 0)
    }

    /// The stage-0 entry at `path`, or nil (`git_index_get_bypath`).
    public func entry(at path: String) -> Entry? {
        git_index_get_bypath(pointer, path, 0).map(Self.entry)
    }

    public var hasConflicts: Bool { git_index_has_conflicts(pointer) == 1 }

    /// Which stat data git compares (`core.trustctime`, `core.checkStat`); by default all of it.
    public struct StatCheck: Sendable {
        /// `core.trustctime`: compare the change time.
        public var trustCTime: Bool
        /// `core.checkStat=minimal`: compare only the modification time, the size and the mode.
        public var minimal: Bool

        public init(trustCTime: Bool = true, minimal: Bool = false) {
            self.trustCTime = trustCTime
            self.minimal = minimal
        }
    }

    /// The modification time of the index file on disk (`git_index_path`, `lstat`), nil when there
    /// is none: an entry recorded no earlier than this may be racily clean (see ``statMatches(at:_:indexTime:check:)``).
    public var fileModificationTime: timespec? {
        guard let path = git_index_path(pointer) else { return nil }
        var st = stat()
        guard lstat(path, &st) == 0 else { return nil }
        #if canImport(Darwin)
        return st.st_mtimespec
        #else
        return st.st_mtim
        #endif
    }

    /// Whether the regular file described by `st` (its `lstat`) is certainly the one the stage-0
    /// entry at `path` was staged from, decided from stat data alone as git's `ie_match_stat` does:
    /// the same executable bit, size and modification time (to the nanosecond), and unless
    /// `check.minimal` the same change time (when `check.trustCTime`), inode, user and group; and
    /// the entry is not racily clean (recorded at or after `indexTime`, the index file's
    /// modification time, when the file may have changed again within the same tick). false
    /// means only that stat data cannot tell: compare the content.
    public func statMatches(at path: String, _ st: stat, indexTime: timespec?, check: StatCheck) -> Bool {
        guard let e = git_index_get_bypath(pointer, path, 0)?.pointee, let indexTime else { return false }
        #if canImport(Darwin)
        let (ctime, mtime) = (st.st_ctimespec, st.st_mtimespec)
        #else
        let (ctime, mtime) = (st.st_ctim, st.st_mtim)
        #endif
        func same(_ t: git_index_time, _ s: timespec) -> Bool {
            t.seconds == Int32(truncatingIfNeeded: s.tv_sec) && t.nanoseconds == UInt32(truncatingIfNeeded: s.tv_nsec)
        }
        guard (st.st_mode & S_IFMT) == S_IFREG, e.mode == 0o100644 || e.mode == 0o100755,
            ((st.st_mode & 0o100) != 0) == (e.mode == 0o100755),
            e.file_size == UInt32(truncatingIfNeeded: st.st_size), same(e.mtime, mtime)
        else { return false }
        if !check.minimal {
            guard !check.trustCTime || same(e.ctime, ctime), e.ino == UInt32(truncatingIfNeeded: st.st_ino),
                e.uid == st.st_uid, e.gid == st.st_gid
            else { return false }
        }
        // Racily clean: the file may have been written again in the tick the index was written.
        let racy = Int64(e.mtime.seconds) > Int64(indexTime.tv_sec)
            || (Int64(e.mtime.seconds) == Int64(indexTime.tv_sec) && Int(e.mtime.nanoseconds) >= Int(indexTime.tv_nsec))
        return !racy
    }

    /// Stages the working-tree file at `path` with its stat data (`git_index_add_bypath`).
    public func addFromWorkdir(_ path: String) throws {
        try check(git_index_add_bypath(pointer, path), "stage \(path)")
    }

    /// Stages a blob at `path` without touching the working tree (`git_index_add`).
    public func add(path: String, blob: ObjectID, mode: UInt32 = 0o100644) throws {
        var entry = git_index_entry()
        entry.mode = mode
        entry.id = blob.raw
        try path.withCString { p in
            entry.path = p
            try check(git_index_add(pointer, &entry), "stage \(path)")
        }
    }

    /// Stages a blob at `path` whose bytes the caller has just written to the working-tree file
    /// described by `workdirStat` (its `lstat`), as git's checkout does: the entry records the
    /// file's stat data, so git sees the file as unchanged without reading or hashing it again
    /// (`git_index_add`; libgit2 checks that the blob exists). Like ``addFromWorkdir(_:)``, it
    /// settles a conflict at `path`: the conflict's entries go (`git_index_conflict_remove`).
    public func add(path: String, blob: ObjectID, mode: UInt32, workdirStat st: stat) throws {
        #if canImport(Darwin)
        let (ctime, mtime) = (st.st_ctimespec, st.st_mtimespec)
        #else
        let (ctime, mtime) = (st.st_ctim, st.st_mtim)
        #endif
        var entry = git_index_entry()
        entry.ctime.seconds = Int32(truncatingIfNeeded: ctime.tv_sec)
        entry.ctime.nanoseconds = UInt32(truncatingIfNeeded: ctime.tv_nsec)
        entry.mtime.seconds = Int32(truncatingIfNeeded: mtime.tv_sec)
        entry.mtime.nanoseconds = UInt32(truncatingIfNeeded: mtime.tv_nsec)
        entry.dev = UInt32(truncatingIfNeeded: st.st_dev)
        entry.ino = UInt32(truncatingIfNeeded: st.st_ino)
        entry.uid = st.st_uid
        entry.gid = st.st_gid
        entry.file_size = UInt32(truncatingIfNeeded: st.st_size)
        entry.mode = mode
        entry.id = blob.raw
        try path.withCString { p in
            entry.path = p
            try check(git_index_add(pointer, &entry), "stage \(path)")
            let removed = git_index_conflict_remove(pointer, p)
            if removed == GIT_ENOTFOUND.rawValue { git_error_clear() } else { try check(removed, "settle the conflict at \(path)") }
        }
    }

    /// Unstages `path` (`git_index_remove_bypath`).
    public func remove(path: String) throws {
        try check(git_index_remove_bypath(pointer, path), "unstage \(path)")
    }

    /// Writes the index back to disk, under git's `index.lock` (`git_index_write`).
    public func write() throws {
        try check(git_index_write(pointer), "write index")
    }

    /// Writes the staged content as a tree (`git_index_write_tree`).
    public func writeTree() throws -> ObjectID {
        var oid = git_oid()
        try check(git_index_write_tree(&oid, pointer), "write tree from index")
        return ObjectID(oid)
    }

    /// Makes the index match a tree (`git_index_read_tree`).
    public func read(tree: Tree) throws {
        try check(git_index_read_tree(pointer, tree.pointer), "read tree \(tree.id.short) into index")
    }
}

extension Repository {
    /// An index file other than the repository's own, such as the temporary one git hands its
    /// hooks in `GIT_INDEX_FILE` during `git commit -a` (`git_index_open`).
    public func index(atPath path: String) throws -> Index {
        var idx: OpaquePointer?
        try check(git_index_open(&idx, path), "open index \(path)")
        return Index(pointer: idx!, repository: self)
    }
}
