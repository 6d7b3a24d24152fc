import GoalSyncGit

/// What the `co-created` lint takes from the history (SPEC §4: "contributors besides the owner, from
/// `contributors` or the history"): for a goal whose content names nobody but its owner, whether
/// someone else committed a version of it. It runs in the pre-commit hook, so it is asked only
/// about the goals the lint found alone, and walks only as far as it must.
extension Auditor {
    /// The most commits one look at the history reads, newest first (breadth first from HEAD): a
    /// goal whose other authors lie further back than that is linted as if it had none.
    package static let historyContributorsCommitLimit = 1_000

    /// For goals the lint found alone (their content names no contributor besides the owner), by
    /// goal id: the authors other than the owner that the history of their file shows
    /// (`Name <email>`), up to the first one found.
    ///
    /// An author is the owner when the name or the email matches the owner's. A commit is an
    /// author's when it holds a version of the file that none of its parents holds (a merge that
    /// took one side is not). The walk stops when every goal has another author, when none of
    /// them exists in the commits left (their files were created after), or after
    /// ``historyContributorsCommitLimit`` commits.
    func historyAuthorsBesidesOwners(_ goals: [(id: String, owner: String?)]) -> [String: Set<String>] {
        var pending = [String: (id: String, owner: String?)]()  // by file name in goals/
        for goal in goals where !goal.id.isEmpty {
            pending[goal.id + ".md"] = (goal.id, (goal.owner ?? "").isEmpty ? nil : goal.owner)
        }
        guard !pending.isEmpty, let head = try? git.headID() else { return [:] }

        var found = [String: Set<String>]()
        var headers = [ObjectKey: CommitHeader]()
        var versions = [ObjectKey: [String: ObjectID]]()  // by tree: the pending goals' blobs in it
        func header(_ id: ObjectID) -> CommitHeader? {
            if let h = headers[ObjectKey(id)] { return h }
            // A parent missing from a shallow clone ends the walk there.
            let h = try? git.commitHeader(id, details: true)
            headers[ObjectKey(id)] = h
            return h
        }
        func goalVersions(_ tree: ObjectID) -> [String: ObjectID] {
            if let v = versions[ObjectKey(tree)] { return v }
            var v = [String: ObjectID]()
            if let goals = try? git.entry(inTree: tree, named: GoalPaths.goalsDirectory), goals.isTree,
                let goalsTree = try? git.tree(goals.id) {
                for name in pending.keys { v[name] = goalsTree.entryID(named: name) }
            }
            versions[ObjectKey(tree)] = v
            return v
        }

        var queue = [head], next = 0
        var queued: Set<ObjectKey> = [ObjectKey(head)]
        while next < queue.count, next < Self.historyContributorsCommitLimit, !pending.isEmpty {
            let commit = queue[next]
            next += 1
            guard let h = header(commit) else { continue }
            let here = goalVersions(h.tree).filter { pending[$0.key] != nil }
            guard !here.isEmpty else { continue }  // none of them exists yet: their history ends here
            var parents = [[String: ObjectID]]()
            for p in h.parents {
                guard let ph = header(p) else { continue }
                parents.append(goalVersions(ph.tree))
                if queued.insert(ObjectKey(p)).inserted { queue.append(p) }
            }
            guard let author = h.author else { continue }
            for (name, blob) in here where !parents.contains(where: { $0[name] == blob }) {
                guard let goal = pending[name], !Self.isOwner(author, goal.owner) else { continue }
                found[goal.id] = [author.person]
                pending[name] = nil
            }
        }
        return found
    }

    /// Whether a commit's author is the goal's owner (`Name <email>` or a bare name or email): the
    /// same email, or the same name, ignoring case. Nobody is the owner of a goal without one.
    static func isOwner(_ author: Signature, _ owner: String?) -> Bool {
        guard let owner else { return false }
        var name = owner.trimmingCharacters(in: .whitespaces), email: String?
        if let open = owner.lastIndex(of: "<"), let close = owner.lastIndex(of: ">"), open < close {
            email = String(owner[owner.index(after: open)..<close])
            name = owner[..<open].trimmingCharacters(in: .whitespaces)
        } else if name.contains("@") {
            email = name
        }
        func same(_ a: String, _ b: String) -> Bool { !a.isEmpty && a.lowercased() == b.lowercased() }
        return same(name, author.name.trimmingCharacters(in: .whitespaces)) || email.map { same($0, author.email) } == true
    }
}
