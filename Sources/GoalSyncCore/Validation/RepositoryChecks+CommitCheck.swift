import Foundation
import GoalSyncGit

extension RepositoryChecks {
    /// How a commit's tree is checked for paths goalsync refuses to check out (``TreePathCheck``).
    enum PathCheck: Sendable {
        /// Not checked (the commits were made here, through git's own index).
        case none
        /// What differs from the first parent's tree (the parent was checked, or is on the server
        /// already); the whole tree for a commit without a readable parent.
        case againstFirstParent
        /// The whole tree, as a clone checks it.
        case whole
    }

    /// Checks the tree of each of `commits`, in the order given (oldest first, so that a commit's
    /// first parent, when among them, comes before it), with the errors `goalsync validate` reports:
    /// each goal file's own errors, unique ids, one active goal, VISION.md; and with `paths`, the
    /// paths goalsync refuses to check out. This is the one rule set of the push's outgoing check,
    /// `validate --rev/--range` and the server's pre-receive hook.
    ///
    /// The cost follows the commits and the files they change, not the repository: each commit's
    /// `goals/` tree is described by a ``GoalsTreeSummary`` carried forward from its first parent's
    /// (the files that differ are checked), found in `known`, which gains the summary of every
    /// commit checked (the newest first); only the files a summary marks notable (active, in error,
    /// misnamed, not regular) are looked at again for the rules across files.
    /// - Returns: the commits that break the rules, in the order checked.
    func commitProblems(_ commits: [ObjectID], known: inout [GoalsTreeSummary], paths: PathCheck) throws -> [OutgoingCommitProblem] {
        var visionChecked = [ObjectID: [Diagnostic]]()
        var problems = [OutgoingCommitProblem]()
        for id in commits {
            let commit = try git.commit(id)
            let tree = try commit.tree()
            let goals = try tree.subtree(at: GoalPaths.goalsDirectory)
            // The first parent's tree (nil when there is none, or it is not in a shallow clone).
            let parentTree = commit.parentIDs.first.flatMap { try? git.commit($0).tree() }
            // The first parent's summary first: it is usually the nearest tree.
            var summary = GoalsTreeSummary.empty
            if let goals {
                if let parentGoals = try parentTree?.subtree(at: GoalPaths.goalsDirectory),
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
            if let refusal = try pathRefusal(tree: tree.id, parent: parentTree?.id, paths) {
                diagnostics.append(Diagnostic(file: refusal.path, line: nil, field: nil, severity: .error, code: "error",
                    message: "\(refusal.reason); goalsync refuses to check out a tree that holds it (remove or rename it in a new commit, or rewrite the commit)"))
            }
            if !diagnostics.isEmpty {
                problems.append(OutgoingCommitProblem(commit: id.hex, subject: commit.summary, diagnostics: diagnostics))
            }
        }
        return problems
    }

    private func pathRefusal(tree: ObjectID, parent: ObjectID?, _ paths: PathCheck) throws -> TreePathCheck.Refusal? {
        do {
            switch paths {
            case .none: return nil
            case .againstFirstParent: try TreePathCheck.checkChanges(git, tree, since: parent)
            case .whole: try TreePathCheck.checkTree(git, tree, current: nil)
            }
        } catch let refusal as TreePathCheck.Refusal {
            return refusal
        }
        return nil
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
