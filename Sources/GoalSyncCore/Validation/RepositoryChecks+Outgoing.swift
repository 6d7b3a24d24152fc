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

extension RepositoryChecks {
    /// Checks the tree of every commit reachable from `head` and not from `hidden` (the commits a push
    /// would add to the remote), oldest first, with the errors `goalsync validate` reports: each goal
    /// file's own errors, unique ids, one active goal, VISION.md. Commits in `skipping` were checked
    /// already (an earlier attempt of the same push) and are passed over.
    ///
    /// The cost follows the outgoing commits and the files they change, not the repository
    /// (``commitProblems(_:known:paths:)``, starting from the summary the repository keeps for HEAD).
    /// - Returns: the commits that break the rules, oldest first, and every commit checked.
    package func outgoingCommitProblems(head: ObjectID, hiding hidden: [ObjectID], skipping: Set<ObjectID> = [])
        throws -> (problems: [OutgoingCommitProblem], checked: [ObjectID])
    {
        let outgoing = try git.commits(from: [head], hiding: hidden).reversed().filter { !skipping.contains($0) }
        guard !outgoing.isEmpty else { return ([], []) }
        var known = GoalsTreeSummary.load(gitDir: git.gitDir)
        let problems = try commitProblems(outgoing, known: &known, paths: .none)
        // HEAD's summary, worked out on the way, is the one the pre-commit hook starts from next.
        if let newest = known.first, newest.tree != nil, outgoing.last == head,
            try git.headTree()?.subtree(at: GoalPaths.goalsDirectory)?.id == newest.tree,
            !GoalsTreeSummary.load(gitDir: git.gitDir).contains(where: { $0.tree == newest.tree }) {
            GoalsTreeSummary.save([newest], gitDir: git.gitDir)
        }
        return (problems, outgoing)
    }
}
