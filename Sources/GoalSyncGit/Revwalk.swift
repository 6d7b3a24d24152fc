import CLibgit2

extension Repository {
    /// The best common ancestor of two commits, or nil when they share no history (`git_merge_base`).
    public func mergeBase(_ a: ObjectID, _ b: ObjectID) throws -> ObjectID? {
        var out = git_oid()
        let rc = a.withRaw { pa in b.withRaw { pb in git_merge_base(&out, pointer, pa, pb) } }
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return nil }
        try check(rc, "find the merge base of \(a.short) and \(b.short)")
        return ObjectID(out)
    }

    /// Every best common ancestor of two commits (`git_merge_bases`): one for most histories,
    /// several after criss-cross merges, none when they share no history.
    public func mergeBases(_ a: ObjectID, _ b: ObjectID) throws -> [ObjectID] {
        var out = git_oidarray()
        let rc = a.withRaw { pa in b.withRaw { pb in git_merge_bases(&out, pointer, pa, pb) } }
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return [] }
        try check(rc, "find the merge bases of \(a.short) and \(b.short)")
        return Self.ids(&out)
    }

    /// Every best common ancestor of `one` and a merge of all of `others`, as
    /// `git merge-base --all ONE OTHER...` gives (`git_merge_bases_many`).
    public func mergeBases(of one: ObjectID, and others: [ObjectID]) throws -> [ObjectID] {
        guard !others.isEmpty else { return [one] }
        var input = ([one] + others).map(\.raw)
        var out = git_oidarray()
        let rc = input.withUnsafeMutableBufferPointer { git_merge_bases_many(&out, pointer, $0.count, $0.baseAddress) }
        if rc == GIT_ENOTFOUND.rawValue { git_error_clear(); return [] }
        try check(rc, "find the merge bases of \(one.short) and \(others.map(\.short).joined(separator: ", "))")
        return Self.ids(&out)
    }

    /// Copies the ids out of a libgit2 array and frees it (`git_oidarray_dispose`).
    private static func ids(_ array: inout git_oidarray) -> [ObjectID] {
        defer { git_oidarray_dispose(&array) }
        guard let ids = array.ids else { return [] }
        return (0..<array.count).map { ObjectID(ids + $0) }
    }

    /// True when `ancestor` is `commit` or one of its ancestors (`git_graph_descendant_of`).
    public func isAncestor(_ ancestor: ObjectID, of commit: ObjectID) throws -> Bool {
        if ancestor == commit { return true }
        let rc = commit.withRaw { c in ancestor.withRaw { a in git_graph_descendant_of(pointer, c, a) } }
        try check(rc, "compare \(ancestor.short) and \(commit.short)")
        return rc == 1
    }

    /// The commits reachable from `tips` and not from `hidden`, newest first (`git_revwalk`, time order).
    /// `limit` stops early. `hidingReferences`: also hide every reference matching this glob
    /// (`git_revwalk_hide_glob`; references that name no commit are passed over), e.g.
    /// `refs/heads/*` for `git rev-list TIPS --not --branches`.
    public func commits(from tips: [ObjectID], hiding hidden: [ObjectID] = [], hidingReferences glob: String? = nil, firstParentOnly: Bool = false, limit: Int? = nil) throws -> [ObjectID] {
        var walk: OpaquePointer?
        try check(git_revwalk_new(&walk, pointer), "start a history walk")
        defer { git_revwalk_free(walk) }
        try check(git_revwalk_sorting(walk, GIT_SORT_TIME.rawValue | GIT_SORT_TOPOLOGICAL.rawValue), "sort the history walk")
        if firstParentOnly { try check(git_revwalk_simplify_first_parent(walk), "simplify the history walk") }
        for tip in tips { try tip.withRaw { try check(git_revwalk_push(walk, $0), "walk from \(tip.short)") } }
        for h in hidden { try h.withRaw { try check(git_revwalk_hide(walk, $0), "hide \(h.short)") } }
        if let glob { try check(git_revwalk_hide_glob(walk, glob), "hide the references \(glob)") }
        var out = [ObjectID]()
        var oid = git_oid()
        while true {
            if let limit, out.count >= limit { break }
            let rc = git_revwalk_next(&oid, walk)
            if rc == GIT_ITEROVER.rawValue { git_error_clear(); break }
            try check(rc, "walk the history")
            out.append(ObjectID(oid))
        }
        return out
    }
}

extension Repository {
    /// Points HEAD at a branch, which may not exist yet (`git_repository_set_head`).
    public func setHead(_ reference: String) throws {
        try check(git_repository_set_head(pointer, reference), "point HEAD at \(reference)")
    }

    /// The names of the references under a prefix, e.g. `refs/remotes/origin/` (`git_reference_foreach_glob`).
    public func referenceNames(glob: String) throws -> [String] {
        final class Box { var names: [String] = [] }
        let box = Box()
        let rc = git_reference_foreach_glob(pointer, glob, { name, payload in
            guard let name, let payload else { return 0 }
            Unmanaged<Box>.fromOpaque(payload).takeUnretainedValue().names.append(String(cString: name))
            return 0
        }, Unmanaged.passUnretained(box).toOpaque())
        try check(rc, "list references \(glob)")
        return box.names.sorted()
    }
}
