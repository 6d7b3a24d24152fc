import CLibgit2
import Foundation

/// Process-wide libgit2 settings. (libgit2's re-hashing of every object read is off from the
/// start, set once where libgit2 starts: see `Libgit2.initialized`.)
public enum GitOptions {
    /// Whether libgit2 keeps the objects it reads in its per-repository cache
    /// (`GIT_OPT_ENABLE_CACHING`, on by default). A walk that reads each object of a long history
    /// once gains nothing from it and pays for filling and freeing it. It applies to the whole
    /// process, to repositories opened after the call.
    public static func setCaching(_ enabled: Bool) {
        Libgit2.ensure()
        _ = goalsync_set_caching(enabled ? 1 : 0)
    }

    /// The largest tree libgit2 keeps in its per-repository cache (`GIT_OPT_SET_CACHE_OBJECT_LIMIT`;
    /// 4 KiB by default). A `goals/` tree of 10,000 goals is about 500 KiB: a check that reads the
    /// same large trees several times (a commit's and its parent's) keeps them parsed instead of
    /// inflating them again. It applies to the whole process.
    public static func setTreeCacheLimit(bytes: Int) {
        Libgit2.ensure()
        _ = goalsync_set_cache_object_limit(GIT_OBJECT_TREE, bytes)
    }
}

/// A name whose entry differs between two trees: added (`old` nil), removed (`new` nil) or changed.
public struct TreeEntryChange: Sendable, Hashable {
    public let name: String
    public let old: ObjectID?
    public let new: ObjectID?
    /// The entries' file modes (`0o100644`, `0o120000`, `0o40000`...), when known.
    public let oldMode: UInt32?
    public let newMode: UInt32?

    public init(name: String, old: ObjectID?, new: ObjectID?, oldMode: UInt32? = nil, newMode: UInt32? = nil) {
        self.name = name
        self.old = old
        self.new = new
        self.oldMode = oldMode
        self.newMode = newMode
    }
}

extension Tree {
    /// The id of the entry called `name` directly in this tree, or nil (`git_tree_entry_byname`).
    public func entryID(named name: String) -> ObjectID? {
        git_tree_entry_byname(pointer, name).map { ObjectID(git_tree_entry_id($0)) }
    }

    /// The entries of this tree that differ from `old`'s, by name and id (and with `comparingModes`,
    /// also by file mode: a file made a symbolic link), in git's tree order.
    /// Walks both sorted entry lists once (`git_tree_entry_byindex`, `git_tree_entry_cmp`), comparing
    /// ids in C; only what differs is copied out, so an unchanged entry costs no allocation.
    public func changes(since old: Tree?, comparingModes: Bool = false) -> [TreeEntryChange] {
        var out = [TreeEntryChange]()
        let newCount = git_tree_entrycount(pointer)
        guard let old else {
            for i in 0..<newCount {
                guard let e = git_tree_entry_byindex(pointer, i) else { continue }
                out.append(TreeEntryChange(name: String(cString: git_tree_entry_name(e)), old: nil, new: ObjectID(git_tree_entry_id(e)), newMode: Self.mode(e)))
            }
            return out
        }
        let oldCount = git_tree_entrycount(old.pointer)
        var i = 0, j = 0
        while i < oldCount || j < newCount {
            let a = i < oldCount ? git_tree_entry_byindex(old.pointer, i) : nil
            let b = j < newCount ? git_tree_entry_byindex(pointer, j) : nil
            let order: Int32
            if let a, let b {
                // Most names match one for one: strcmp settles those; git's tree order the rest.
                order = strcmp(git_tree_entry_name(a), git_tree_entry_name(b)) == 0 ? 0 : git_tree_entry_cmp(a, b)
            } else {
                order = a == nil ? 1 : -1
            }
            if order == 0, let a, let b {
                if git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) == 0 || (comparingModes && git_tree_entry_filemode(a) != git_tree_entry_filemode(b)) {
                    out.append(TreeEntryChange(
                        name: String(cString: git_tree_entry_name(b)), old: ObjectID(git_tree_entry_id(a)), new: ObjectID(git_tree_entry_id(b)),
                        oldMode: Self.mode(a), newMode: Self.mode(b)))
                }
                i += 1
                j += 1
            } else if order < 0, let a {
                out.append(TreeEntryChange(name: String(cString: git_tree_entry_name(a)), old: ObjectID(git_tree_entry_id(a)), new: nil, oldMode: Self.mode(a)))
                i += 1
            } else if let b {
                out.append(TreeEntryChange(name: String(cString: git_tree_entry_name(b)), old: nil, new: ObjectID(git_tree_entry_id(b)), newMode: Self.mode(b)))
                j += 1
            }
        }
        return out
    }

    private static func mode(_ e: OpaquePointer) -> UInt32 { UInt32(git_tree_entry_filemode(e).rawValue) }
}

extension Repository {
    /// The id of the entry called `name` directly in tree `tree`, and whether it is a tree itself,
    /// found in the raw tree object (`git_odb_read`) without building the tree's entry list: for one
    /// name looked up in each of many trees. Nil when there is no such entry.
    public func entry(inTree tree: ObjectID, named name: String) throws -> (id: ObjectID, isTree: Bool)? {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        var object: OpaquePointer?
        try tree.withRaw { oid in try check(git_odb_read(&object, odb, oid), "read tree \(tree.short)") }
        defer { git_odb_object_free(object) }
        guard git_odb_object_type(object) == GIT_OBJECT_TREE, let data = git_odb_object_data(object) else {
            throw GitError(code: -1, errorClass: 0, message: "not a tree", operation: "read tree \(tree.short)")
        }
        let base = UnsafeMutablePointer(mutating: data.assumingMemoryBound(to: UInt8.self))
        let count = git_odb_object_size(object)
        let target = Array(name.utf8)
        // Entries are "<mode> <name>\0<20-byte id>", one after the other.
        var i = 0
        while i < count {
            guard let space = memchr(base + i, 32, count - i).map({ $0.assumingMemoryBound(to: UInt8.self) - base }),
                let nul = memchr(base + space, 0, count - space).map({ $0.assumingMemoryBound(to: UInt8.self) - base }),
                nul + 21 <= count
            else { break }
            if nul - space - 1 == target.count, memcmp(base + space + 1, target, target.count) == 0 {
                var oid = git_oid()
                withUnsafeMutableBytes(of: &oid.id) { $0.copyMemory(from: UnsafeRawBufferPointer(start: base + nul + 1, count: 20)) }
                // A tree's mode is "40000"; every other mode is longer.
                return (ObjectID(oid), space - i == 5 && base[i] == 52)
            }
            i = nul + 21
        }
        return nil
    }
}

/// What a history walk needs of a commit: its tree, its parents and the committer's time; and,
/// when asked, its author and summary.
public struct CommitHeader: Sendable {
    public let tree: ObjectID
    public let parents: [ObjectID]
    /// The committer's time, in seconds since the epoch.
    public let time: Int64
    public let author: Signature?
    /// The message's first paragraph on one line, as `git_commit_summary` gives it.
    public let summary: String?
}

extension Repository {
    /// A commit's tree, parents and committer time (and with `details` its author and summary),
    /// read from the raw object (`git_odb_read`) without building a `git_commit`: for walking long
    /// histories.
    public func commitHeader(_ id: ObjectID, details: Bool = false) throws -> CommitHeader {
        var odb: OpaquePointer?
        try check(git_repository_odb(&odb, pointer), "open object database")
        defer { git_odb_free(odb) }
        var object: OpaquePointer?
        try id.withRaw { oid in try check(git_odb_read(&object, odb, oid), "look up commit \(id.short)") }
        defer { git_odb_object_free(object) }
        func bad(_ why: String) -> GitError {
            GitError(code: -1, errorClass: 0, message: why, operation: "read commit \(id.short)")
        }
        guard git_odb_object_type(object) == GIT_OBJECT_COMMIT, let data = git_odb_object_data(object) else { throw bad("not a commit") }
        let bytes = UnsafeRawBufferPointer(start: data, count: git_odb_object_size(object))
        var tree: ObjectID?
        var parents = [ObjectID]()
        var time: Int64 = 0
        var author: Signature?
        var start = 0
        while start < bytes.count {
            let end = bytes[start...].firstIndex(of: 10) ?? bytes.count
            defer { start = end + 1 }
            if end == start { break }  // the blank line before the message
            let line = bytes[start..<end]
            func hex(after prefix: String) -> ObjectID? {
                guard line.count == prefix.utf8.count + 40, line.starts(with: prefix.utf8) else { return nil }
                return ObjectID(hex: String(decoding: line.dropFirst(prefix.utf8.count), as: UTF8.self))
            }
            if let t = hex(after: "tree ") {
                tree = t
            } else if let p = hex(after: "parent ") {
                parents.append(p)
            } else if line.starts(with: "committer ".utf8) {
                // "committer Name <email> 1700000000 +0100": the time is the next-to-last field.
                let fields = line.split(separator: 32)
                if fields.count >= 2 { time = Int64(String(decoding: fields[fields.count - 2], as: UTF8.self)) ?? 0 }
            } else if details, author == nil, line.starts(with: "author ".utf8) {
                author = Self.signature(line.dropFirst(7))
            }
        }
        guard let tree else { throw bad("no tree line") }
        var summary: String?
        if details {
            // The first paragraph, its lines joined by spaces, blank space around it dropped.
            var from = min(start, bytes.count)
            while from < bytes.count, bytes[from] == 32 || bytes[from] == 10 || bytes[from] == 9 { from += 1 }
            var text = [UInt8]()
            var i = from
            while i < bytes.count, !(bytes[i] == 10 && i + 1 < bytes.count && bytes[i + 1] == 10) {
                text.append(bytes[i] == 10 ? 32 : bytes[i])
                i += 1
            }
            while let last = text.last, last == 32 || last == 10 || last == 9 { text.removeLast() }
            summary = String(decoding: text, as: UTF8.self)
        }
        return CommitHeader(tree: tree, parents: parents, time: time, author: author, summary: summary)
    }

    /// "Name <email> 1700000000 +0100" as a signature (parsed on the bytes).
    static func signature(_ line: Slice<UnsafeRawBufferPointer>) -> Signature? {
        guard let lt = line.lastIndex(of: 60), let gt = line.lastIndex(of: 62), lt < gt else { return nil }
        var nameEnd = lt
        while nameEnd > line.startIndex, line[nameEnd - 1] == 32 { nameEnd -= 1 }
        let name = String(decoding: line[line.startIndex..<nameEnd], as: UTF8.self)
        let email = String(decoding: line[(lt + 1)..<gt], as: UTF8.self)
        let rest = line[(gt + 1)...].split(separator: 32)
        guard let first = rest.first, let seconds = Int64(String(decoding: first, as: UTF8.self)) else { return nil }
        var offset: Int32 = 0
        if rest.count > 1, rest[1].count == 5, let tz = Int32(String(decoding: rest[1].dropFirst(), as: UTF8.self)) {
            offset = (tz / 100 * 60 + tz % 100) * (rest[1].first == 45 ? -1 : 1)
        }
        return Signature(name: name, email: email, time: seconds, offsetMinutes: offset)
    }
}
