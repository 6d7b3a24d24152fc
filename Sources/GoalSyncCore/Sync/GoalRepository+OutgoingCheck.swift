import Foundation
import GoalSyncGit

/// An outgoing commit whose tree breaks the rules `goalsync validate` checks (its errors, not lint).
package struct OutgoingCommitProblem: Sendable, Equatable {
    /// The commit's id (hex).
    package var commit: String
    /// The first line of its message.
    package var subject: String
    /// Its tree's errors.
    package var diagnostics: [Diagnostic]

    /// `1a2b3c4d "set(x): status proposed -> active"`, for messages.
    package var label: String { "\(commit.prefix(8)) \"\(subject)\"" }
}

extension GoalRepository {
    /// Checks the tree of every commit reachable from `head` and not from `hidden` (the commits a push
    /// would add to the remote), oldest first, with the errors `goalsync validate` reports: each goal
    /// file's own errors, unique ids, one active goal, VISION.md. Commits in `skipping` were checked
    /// already (an earlier attempt of the same push) and are passed over.
    ///
    /// The cost follows the outgoing commits and the files they change, not the repository: each
    /// commit's `goals/` tree is described by a ``GoalsTreeSummary`` carried forward from its first
    /// parent's (the files that differ are checked), starting from the summary the repository keeps for
    /// HEAD; only the files a summary marks notable (active, in error, misnamed, not regular) are looked
    /// at again for the rules across files.
    /// - Returns: the commits that break the rules, oldest first, and every commit checked.
    package func outgoingCommitProblems(head: ObjectID, hiding hidden: [ObjectID], skipping: Set<ObjectID> = [])
        throws -> (problems: [OutgoingCommitProblem], checked: [ObjectID])
    {
        let outgoing = try git.commits(from: [head], hiding: hidden).reversed().filter { !skipping.contains($0) }
        guard !outgoing.isEmpty else { return ([], []) }
        var known = GoalsTreeSummary.load(gitDir: git.gitDir)
        var visionChecked = [ObjectID: [Diagnostic]]()
        var problems = [OutgoingCommitProblem]()
        for id in outgoing {
            let commit = try git.commit(id)
            let tree = try commit.tree()
            let goals = try tree.subtree(at: GoalPaths.goalsDirectory)
            // The first parent's summary first: it is usually the nearest tree.
            var summary = GoalsTreeSummary.empty
            if let goals {
                if let parent = commit.parentIDs.first,
                    let parentGoals = try git.commit(parent).tree().subtree(at: GoalPaths.goalsDirectory),
                    let index = known.firstIndex(where: { $0.tree == parentGoals.id }) {
                    known.insert(known.remove(at: index), at: 0)
                }
                summary = carriedSummary(for: goals, from: known)
                known.insert(summary, at: 0)
                if known.count > 64 { known.removeLast() }
            }
            var diagnostics = try treeErrors(summary: summary, goals: goals)
            if let vision = try tree.entry(at: GoalPaths.vision) {
                if visionChecked[vision.id] == nil {
                    let file = TreeFile(path: GoalPaths.vision, blob: Self.hex(vision.id), isSymlink: vision.isSymlink)
                    visionChecked[vision.id] = RepositoryValidator(goalValidator: validator).validateVision(file, read: blobReader)
                        .filter { $0.severity == .error }
                }
                diagnostics += visionChecked[vision.id] ?? []
            }
            if !diagnostics.isEmpty {
                problems.append(OutgoingCommitProblem(commit: id.hex, subject: commit.summary, diagnostics: diagnostics))
            }
        }
        // HEAD's summary, worked out on the way, is the one the pre-commit hook starts from next.
        if let newest = known.first, newest.tree != nil, outgoing.last == head,
            try git.headTree()?.subtree(at: GoalPaths.goalsDirectory)?.id == newest.tree,
            !GoalsTreeSummary.load(gitDir: git.gitDir).contains(where: { $0.tree == newest.tree }) {
            GoalsTreeSummary.save([newest], gitDir: git.gitDir)
        }
        return (problems, outgoing)
    }

    /// The errors of a `goals/` tree described by `summary`: the notable files' own errors and the rules
    /// across files, found by validating the notable files (every other file is an error-free, inactive
    /// goal owning the id of its name) and the files named after an id a notable file claims.
    private func treeErrors(summary: GoalsTreeSummary, goals: Tree?) throws -> [Diagnostic] {
        guard let goals, !summary.notable.isEmpty else { return [] }
        func path(_ name: String) -> String { GoalPaths.goalsDirectory + "/" + name }
        let cache = StatusCache()
        var files = [TreeFile]()
        for (name, entry) in summary.notable.sorted(by: { $0.key < $1.key }) {
            let hex = Self.hex(entry.blob)
            files.append(TreeFile(path: path(name), blob: hex, isSymlink: entry.isSymlink))
            if let s = entry.summary { cache[hex] = s }
        }
        // A second file with the id of a notable file's claim: the file named after it owns the id.
        let listed = Set(files.map(\.path))
        var owners = Set<String>()
        for (name, entry) in summary.notable {
            guard let id = entry.summary?.id, !id.isEmpty, GoalPaths.id(fromPath: path(name)) != id else { continue }
            let owner = GoalPaths.path(forID: id)
            guard !listed.contains(owner), !owners.contains(owner), let blob = goals.entryID(named: "\(id).md") else { continue }
            owners.insert(owner)
            files.append(TreeFile(path: owner, blob: Self.hex(blob), isSymlink: false))
        }
        return RepositoryValidator(goalValidator: validator).validate(
            files: files, fullyValidated: [], cache: cache, concurrentReads: false, read: blobReader
        ).filter { $0.severity == .error }
    }
}
