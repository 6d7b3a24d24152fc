import CLibgit2
import Foundation

/// Process-wide libgit2 settings.
public enum GitOptions {
    /// Whether libgit2 re-hashes every object it reads from disk to check it
    /// (`GIT_OPT_ENABLE_STRICT_HASH_VERIFICATION`, on by default). git itself does not when it
    /// reads (objects are checked when they arrive, by fetch's indexer); turning it off makes a walk
    /// over every tree of a long history several times faster. It applies to the whole process.
    public static func setStrictHashVerification(_ enabled: Bool) {
        Libgit2.ensure()
        _ = goalsync_set_strict_hash_verification(enabled ? 1 : 0)
    }

    /// Whether libgit2 keeps the objects it reads in its per-repository cache
    /// (`GIT_OPT_ENABLE_CACHING`, on by default). A walk that reads each object of a long history
    /// once gains nothing from it and pays for filling and freeing it. It applies to the whole
    /// process, to repositories opened after the call.
    public static func setCaching(_ enabled: Bool) {
        Libgit2.ensure()
        _ = goalsync_set_caching(enabled ? 1 : 0)
    }
}

/// A name whose entry differs between two trees: added (`old` nil), removed (`new` nil) or changed.
public struct TreeEntryChange: Sendable, Hashable {
    public let name: String
    public let old: ObjectID?
    public let new: ObjectID?

    public init(name: String, old: ObjectID?, new: ObjectID?) {
        self.name = name
        self.old = old
        self.new = new
    }
}

extension Tree {
    /// The id of the entry called `name` directly in this tree, or nil (`git_tree_entry_byname`).
    public func entryID(named name: String) -> ObjectID? {
        git_tree_entry_byname(pointer, name).map { ObjectID(git_tree_entry_id($0)) }
    }

    /// The entry called `name` directly in this tree, or nil (`git_tree_entry_byname`).
    public func entry(named name: String) -> Entry? {
        git_tree_entry_byname(pointer, name).map { Self.entry($0) }
    }

    /// The entries of this tree that differ from `old`'s, by name and id, in git's tree order.
    /// Walks both sorted entry lists once (`git_tree_entry_byindex`, `git_tree_entry_cmp`), comparing
    /// ids in C; only what differs is copied out, so an unchanged entry costs no allocation.
    public func changes(since old: Tree?) -> [TreeEntryChange] {
        var out = [TreeEntryChange]()
        let newCount = git_tree_entrycount(pointer)
        guard let old else {
            for i in 0..<newCount {
                guard let e = git_tree_entry_byindex(pointer, i) else { continue }
                out.append(TreeEntryChange(name: String(cString: git_tree_entry_name(e)), old: nil, new: ObjectID(git_tree_entry_id(e))))
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
                if git_oid_equal(git_tree_entry_id(a), git_tree_entry_id(b)) == 0 {
                    out.append(TreeEntryChange(
                        name: String(cString: git_tree_entry_name(b)), old: ObjectID(git_tree_entry_id(a)), new: ObjectID(git_tree_entry_id(b))))
                }
                i += 1
                j += 1
            } else if order < 0, let a {
                out.append(TreeEntryChange(name: String(cString: git_tree_entry_name(a)), old: ObjectID(git_tree_entry_id(a)), new: nil))
                i += 1
            } else if let b {
                out.append(TreeEntryChange(name: String(cString: git_tree_entry_name(b)), old: nil, new: ObjectID(git_tree_entry_id(b))))
                j += 1
            }
        }
        return out
    }
}

extension Commit {
    /// The committer's time in seconds since the epoch (`git_commit_time`), without copying out
    /// the whole signature.
    public var time: Int64 { git_commit_time(pointer) }
}
