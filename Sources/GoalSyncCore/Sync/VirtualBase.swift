import GoalSyncGit

/// The merge base a merge of two commits is made against, as git's recursive and ort strategies
/// make it. Usually one commit; after criss-cross merges (each of two clones merged the other's
/// work, then both went on) there are several best common ancestors, and merging against any one
/// of them would take back what the other one brought, or report conflicts on fields nobody
/// touched since. Then the bases are merged into one *virtual* base, oldest first, each merge made
/// against the bases' own merge base (itself virtual when needed, recursively). The virtual tree
/// and the blobs merged for it are written to the object database but referenced by nothing
/// (git's `gc` removes them after its prune delay).
///
/// A field that conflicts between two bases takes, in the virtual base, its value in the bases'
/// own merge base (``FileMerge/virtualBase(base:ours:theirs:kind:)``): each side's settlement of
/// that old conflict is then a change of its own, so the outer merge reports a conflict exactly
/// where ours and theirs still differ, and takes the one value when they agree.
package struct VirtualBase: Sendable {
    /// The merge bases of ours and theirs, oldest first (empty: no common history).
    package var commits: [ObjectID]
    /// The tree to merge against: the one base's, the virtual tree made from several, or nil when
    /// the commits share no history.
    package var tree: ObjectID?

    /// Whether several bases were merged into a virtual one.
    package var isVirtual: Bool { commits.count > 1 }

    /// How deep bases of bases are merged; deeper, the oldest base stands for the rest (git
    /// itself has no limit; libgit2 has one). Real histories are nowhere near it.
    static let maximumDepth = 8

    /// The base for merging commits `ours` and `theirs` (`git_merge_bases`, then the virtual merge).
    package static func of<Store: GitObjectStore>(_ store: Store, ours: ObjectID, theirs: ObjectID) throws -> VirtualBase {
        let bases = try oldestFirst(store, try store.mergeBases(ours, theirs))
        return VirtualBase(commits: bases, tree: try mergedTree(store, of: bases, depth: 0))
    }

    /// The tree of `commits` merged one by one, oldest first (nil for none).
    private static func mergedTree<Store: GitObjectStore>(_ store: Store, of commits: [ObjectID], depth: Int) throws -> ObjectID? {
        guard let first = commits.first else { return nil }
        var tree = try store.commitTree(first)
        guard depth < maximumDepth else { return tree }
        var merged = [first]
        for next in commits.dropFirst() {
            // The bases of `next` and of the virtual commit made so far (whose parents are `merged`).
            let bases = try oldestFirst(store, try store.mergeBases(of: next, and: merged))
            let baseTree = try mergedTree(store, of: bases, depth: depth + 1)
            let merge = try TreeMerge.plan(store, base: baseTree, ours: tree, theirs: try store.commitTree(next), forVirtualBase: true)
            tree = try store.writeTree(updating: tree, with: try merge.writeBlobs(to: store))
            merged.append(next)
        }
        return tree
    }

    /// Commits ordered by committer time, oldest first, then by id: the same order whichever
    /// side merges, as git's (which merges the oldest base first).
    private static func oldestFirst<Store: GitObjectStore>(_ store: Store, _ commits: [ObjectID]) throws -> [ObjectID] {
        guard commits.count > 1 else { return commits }
        let timed = try commits.map { (id: $0, time: try store.commitTime($0)) }
        return timed.sorted { $0.time != $1.time ? $0.time < $1.time : $0.id < $1.id }.map(\.id)
    }
}
