import Foundation
import GoalSyncGit

/// What `validate --rev` / `validate --range` found.
package struct RevisionCheckReport: Sendable {
    /// The commits that break the rules, oldest first.
    package var problems: [OutgoingCommitProblem]
    /// How many commits were checked.
    package var checked: Int
    /// How many goal files (`goals/*.md`) the newest commit checked holds.
    package var goalFiles: Int
}

/// One `OLD NEW REF` line git gives a `pre-receive` hook, and what the check found in it.
package struct ReceivedUpdate: Sendable {
    package var old: String
    package var new: String
    package var reference: String
    /// The pushed commits of this update that break the rules, oldest first.
    package var problems: [OutgoingCommitProblem] = []
    /// Why the update cannot be checked at all (its new value is not a commit), when so.
    package var unusable: String?
    /// The `validate --range` argument that lists the same problems in the pusher's clone.
    package var range = ""
}

extension RepositoryChecks {
    /// `goalsync validate --rev REV`: the whole tree of commit `REV` (every goal file, the rules
    /// across files, VISION.md, and every path as a clone checks it).
    package func checkRevision(_ revision: String) throws -> RevisionCheckReport {
        let id = try commitID(revision)
        var known = GoalsTreeSummary.load(gitDir: git.gitDir)
        let problems = try commitProblems([id], known: &known, paths: .whole)
        return RevisionCheckReport(problems: problems, checked: 1, goalFiles: try goalFileCount(id))
    }

    /// `goalsync validate --range A..B`: every commit `git rev-list A..B` lists (`--range REV`: every
    /// commit reachable from REV), oldest first, each tree with the rules of ``checkRevision(_:)``;
    /// paths are checked for what each commit changes from its first parent (the whole tree of a
    /// commit with no parent in the repository).
    package func checkRange(_ range: String) throws -> RevisionCheckReport {
        let tip: ObjectID, hidden: [ObjectID]
        if range.contains("...") {
            throw GoalSyncError.usage("--range takes A..B (the commits of B that A lacks) or one revision, not A...B")
        } else if let dots = range.range(of: "..") {
            let from = String(range[..<dots.lowerBound]), to = String(range[dots.upperBound...])
            guard !from.isEmpty, !to.isEmpty else {
                throw GoalSyncError.usage("--range \(range): give both ends, A..B (e.g. origin/main..HEAD)")
            }
            hidden = [try commitID(from)]
            tip = try commitID(to)
        } else {
            guard !range.isEmpty else { throw GoalSyncError.usage("--range needs A..B or a revision") }
            hidden = []
            tip = try commitID(range)
        }
        let commits = Array(try git.commits(from: [tip], hiding: hidden).reversed())
        var known = GoalsTreeSummary.load(gitDir: git.gitDir)
        let problems = try commitProblems(commits, known: &known, paths: .againstFirstParent)
        return RevisionCheckReport(problems: problems, checked: commits.count, goalFiles: commits.isEmpty ? 0 : try goalFileCount(tip))
    }

    /// The server's `pre-receive` check: for each pushed update of a branch (`refs/heads/...`; only
    /// `branch` when given), every commit it brings that no checked branch holds yet (`git rev-list
    /// NEW --not --branches`, or `--not BRANCH`), oldest first, with the rules of ``checkRange(_:)``.
    /// Deletions, tags and other references pass unchecked. When every update passes, the summaries
    /// of the new tips' `goals/` trees are kept for the next push (in the git folder, not among the
    /// quarantined objects).
    /// - Parameter input: the hook's standard input, one `OLD NEW REF` line per update.
    package func checkReceivedUpdates(_ input: String, branch: String?) throws -> [ReceivedUpdate] {
        var updates = [ReceivedUpdate]()
        for line in input.split(whereSeparator: { $0 == "\n" || $0 == "\r" }) {
            let f = line.split(separator: " ", maxSplits: 2)
            guard f.count == 3 else { throw GoalSyncError.usage("unexpected line on the pre-receive hook's input: '\(line.prefix(200))' (git gives OLD NEW REF)") }
            updates.append(ReceivedUpdate(old: String(f[0]), new: String(f[1]), reference: String(f[2])))
        }
        var known = GoalsTreeSummary.load(gitDir: git.gitDir)
        let kept = known
        var problemsByCommit = [ObjectID: OutgoingCommitProblem]()
        var checked = Set<ObjectID>()
        var tips = [ObjectID]()
        for i in updates.indices {
            let u = updates[i]
            guard u.reference.hasPrefix("refs/heads/"), branch.map({ u.reference == "refs/heads/" + $0 }) ?? true else { continue }
            guard let new = ObjectID(hex: u.new), new.bytes.contains(where: { $0 != 0 }) else { continue }  // a deletion
            let commits: [ObjectID]
            do {
                // The commits the checked branches do not hold yet (what a tag or an unchecked
                // branch brought in earlier is checked when it comes to a checked branch).
                if let branch {
                    commits = try git.commits(from: [new], hiding: try git.referenceID("refs/heads/" + branch).map { [$0] } ?? []).reversed()
                } else {
                    commits = try git.commits(from: [new], hidingReferences: "refs/heads/*").reversed()
                }
            } catch {
                updates[i].unusable = "\(u.new.prefix(8)) is not a commit that can be read (\(error))"
                continue
            }
            if u.old.allSatisfy({ $0 == "0" }) {
                // A new branch: its commits that the server's default branch lacks.
                let base = (try? git.headReferenceName())??.replacingOccurrences(of: "refs/heads/", with: "") ?? "main"
                updates[i].range = "origin/\(base)..\(u.new.prefix(12))"
            } else {
                updates[i].range = "\(u.old.prefix(12))..\(u.new.prefix(12))"
            }
            let fresh = commits.filter { !checked.contains($0) }
            for problem in try commitProblems(fresh, known: &known, paths: .againstFirstParent) {
                if let id = ObjectID(hex: problem.commit) { problemsByCommit[id] = problem }
            }
            checked.formUnion(fresh)
            updates[i].problems = commits.compactMap { problemsByCommit[$0] }
            tips.append(new)
        }
        if updates.allSatisfy({ $0.problems.isEmpty && $0.unusable == nil }), !tips.isEmpty {
            var keep = [GoalsTreeSummary]()
            for tip in tips {
                guard let goals = try? git.commit(tip).tree().subtree(at: GoalPaths.goalsDirectory),
                    let summary = known.first(where: { $0.tree == goals.id }), !keep.contains(summary) else { continue }
                keep.append(summary)
            }
            for summary in kept where !keep.contains(summary) && keep.count < 8 { keep.append(summary) }
            if keep != kept { GoalsTreeSummary.save(keep, gitDir: git.gitDir) }
        }
        return updates
    }

    /// Works out and keeps the ``GoalsTreeSummary`` of the `goals/` tree of `revision` (each goal
    /// file checked once), so the first push the server hook checks carries it forward instead of
    /// reading every goal. Nothing happens for an unborn branch.
    package func primeTreeSummary(for revision: String) throws {
        guard let id = try? git.resolveCommit(revision), let goals = try git.commit(id).tree().subtree(at: GoalPaths.goalsDirectory) else { return }
        _ = try goalsTreeSummary(for: goals)
    }

    private func commitID(_ revision: String) throws -> ObjectID {
        do {
            return try git.resolveCommit(revision)
        } catch let error as Repository.RevisionError {
            let where_ = root
            switch error {
            case .unknown(let r): throw GoalSyncError.repository("unknown revision '\(r)' in \(where_); name a commit, branch or tag the repository has (git log shows them; a CI checkout may need the full history, e.g. fetch-depth: 0)")
            case .ambiguous(let r): throw GoalSyncError.repository("revision '\(r)' is ambiguous in \(where_); give more digits of the commit id")
            case .notACommit(let r): throw GoalSyncError.repository("revision '\(r)' in \(where_) is not a commit; name a commit, branch or tag")
            }
        }
    }

    private func goalFileCount(_ commit: ObjectID) throws -> Int {
        guard let goals = try git.commit(commit).tree().subtree(at: GoalPaths.goalsDirectory) else { return 0 }
        return goals.entries.filter { GoalPaths.isGoalFile(GoalPaths.goalsDirectory + "/" + $0.name) }.count
    }
}
