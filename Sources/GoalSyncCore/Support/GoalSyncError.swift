import Foundation

/// Everything that stops a goalsync command, with a message that says what, where and what to do,
/// and the exit code SPEC §5 gives it.
package enum GoalSyncError: Error, LocalizedError, Equatable {
    /// The input was fine but the goals are not: exit 1.
    case validationFailed([Diagnostic])
    /// `pull --continue` found the settled merge breaking the rules: exit 1.
    case mergeBreaksRules([Diagnostic])
    /// A usage error: exit 64.
    case usage(String)
    case unknownGoal(String, known: [String])
    case invalidID(String)
    case goalExists(String)
    /// The repository or a remote could not be used: exit 2.
    case notARepository(String)
    case notAGoalRepository(String)
    case repository(String)
    case missingIdentity(role: String, field: String)
    /// `GIT_AUTHOR_DATE`/`GIT_COMMITTER_DATE` set to something that is not a date (exit 2).
    case invalidDate(variable: String, value: String, reason: String)
    case invalidConfig(line: Int?, message: String)
    case unreadableGoal(path: String, line: Int?, message: String)
    case locked(pid: String, waited: Double)
    case hookFailed(hook: String, status: Int32, output: String)
    /// A pull stopped on conflicts waits to be continued or aborted.
    case mergeInProgress
    /// A merge started by plain git waits to be committed or aborted.
    case gitMergeInProgress
    /// A network operation failed; nothing local changed.
    case remoteFailed(remote: String, operation: String, reason: String)
    /// The server refused to update `reference` while it still held what the push saw (a hook declined
    /// it): exit 2. `remote`: its name, or its URL without secrets. `serverMessages`: what the server
    /// wrote on the way (the hook's reason), which the command line shows first, each after "remote: ".
    case pushRefused(remote: String, reference: String, reason: String, serverMessages: [String])
    /// Other pushes updated the remote's branch first every time, `attempts` times: exit 2.
    case pushKeptMoving(remote: String, branch: String, attempts: Int)
    /// Commits a push would add break the rules: exit 1; nothing was pushed.
    case outgoingCommitsBreakRules([OutgoingCommitProblem])
    /// A move the goal rules forbid (an illegal status change, a second active goal): exit 1.
    case rule(String)
    /// An edit that could not be committed; the person's text is kept at `draft`.
    indirect case editRejected(draft: String, underlying: GoalSyncError)

    package var exitCode: Int32 {
        switch self {
        case .validationFailed, .mergeBreaksRules, .unreadableGoal, .hookFailed, .rule, .outgoingCommitsBreakRules: return 1
        case .editRejected(_, let underlying): return underlying.exitCode
        case .usage, .unknownGoal, .invalidID, .goalExists: return 64
        default: return 2
        }
    }

    package var errorDescription: String? {
        switch self {
        case .validationFailed(let d):
            let errors = d.filter { $0.severity == .error }
            return errors.first.map { $0.formatted + (errors.count > 1 ? " (and \(errors.count - 1) more; run goalsync validate)" : "") }
                ?? "validation failed"
        case .mergeBreaksRules(let d):
            let errors = d.filter { $0.severity == .error }
            return (errors.first.map { $0.formatted + (errors.count > 1 ? " (and \(errors.count - 1) more)" : "") } ?? "the merge breaks the rules")
                + "; the merge was not committed: fix the files (then git add them) and run goalsync pull --continue again, or goalsync pull --abort to return to before the pull"
        case .usage(let m): return m
        case .unknownGoal(let id, let known):
            let hint = known.isEmpty ? "there are no goals yet; create one with goalsync new TITLE" : "see goalsync list"
            return "no goal with id '\(id)' (goals/\(id).md); \(hint)"
        case .invalidID(let id):
            return "'\(id)' is not a valid goal id: use 1–64 lower-case letters, digits and hyphens, starting with a letter or digit"
        case .goalExists(let id): return "a goal with id '\(id)' already exists (goals/\(id).md); choose another --id"
        case .notARepository(let path):
            return "\(path) is not in a git repository; run goalsync init there, or use -C DIR to point at one"
        case .notAGoalRepository(let path):
            return "\(path) is a git repository but not a goal repository (no .goalsync/config.yaml); run goalsync init in it"
        case .repository(let m): return m
        case .missingIdentity(let role, let field):
            return "git does not know your \(field) for the \(role) of this commit; set it with: git config --global user.\(field) \(field == "name" ? "\"Your Name\"" : "you@example.com")"
        case .invalidDate(let variable, let value, let reason):
            return "\(variable)='\(value)' \(reason); set it to a date such as 2026-01-05T10:00:00+01:00, 'Mon, 5 Jan 2026 10:00:00 +0100' or '@1767603600 +0100', or unset it"
        case .invalidConfig(let line, let m):
            return "\(RepoConfig.path)\(line.map { ":\($0)" } ?? ""): \(m); fix the file (goalsync pull still fetches a teammate's fix, with the default settings)"
        case .unreadableGoal(let path, let line, let m): return "\(path)\(line.map { ":\($0)" } ?? ""): error: \(m)"
        case .locked(let pid, let waited):
            let seconds = waited == waited.rounded() ? "\(Int(waited))" : "\(waited)"
            return "another goalsync process (pid \(pid)) is writing to this repository and still held its lock after \(seconds) s; "
                + "try again when it has finished (GOALSYNC_LOCK_TIMEOUT=SECONDS waits longer), or stop it if it hangs (kill \(pid))"
        case .hookFailed(let hook, let status, let output):
            let tail = output.split(separator: "\n").suffix(3).joined(separator: " / ")
            return "the \(hook) hook refused the commit (exit \(status))\(tail.isEmpty ? "" : ": \(tail)"); nothing was committed; fix it or pass --no-verify"
        case .rule(let m): return m
        case .editRejected(let draft, let underlying):
            let detail: String
            if case .validationFailed(let d) = underlying {
                detail = d.filter { $0.severity == .error }.map(\.formatted).joined(separator: "\n")
            } else {
                detail = underlying.errorDescription ?? ""
            }
            return "\(detail)\nnothing was committed; your edit is kept in \(draft) and goalsync edit starts from it next time"
        case .remoteFailed(let remote, let operation, let reason):
            return "\(operation) \(operation == "push" ? "to" : "from") \(remote) failed: \(reason). Every local commit and file is as it was; check the remote's address and your access, then try again"
        case .pushRefused(let remote, let reference, let reason, let messages):
            let branch = reference.hasPrefix("refs/heads/") ? String(reference.dropFirst("refs/heads/".count)) : reference
            let said = messages.isEmpty ? "" : " (its words are above, after \"remote:\")"
            return "refused \(branch) on \(remote): \(reason)\(said); nothing was pushed and every local commit is as it was; "
                + "change what the remote's rules refuse, or ask whoever runs it, then push again"
        case .pushKeptMoving(let remote, let branch, let attempts):
            return "\(branch) on \(remote) kept moving: \(attempts) pushes in a row lost the race to other pushes; your commits "
                + "are kept, merged with theirs; run goalsync push again"
        case .outgoingCommitsBreakRules(let problems):
            let n = problems.count
            let which = problems.prefix(3).map(\.label).joined(separator: ", ") + (n > 3 ? " and \(n - 3) more" : "")
            return "\(n) commit\(n == 1 ? "" : "s") to push break\(n == 1 ? "s" : "") goalsync validate's rules (\(which)); nothing was "
                + "pushed; rewrite \(n == 1 ? "it" : "them") without the errors (git commit --amend for the last commit, git rebase -i for "
                + "older ones), or push anyway with --allow-invalid"
        case .mergeInProgress:
            return "a merge is in progress: a pull stopped on conflicts (goalsync status lists them); finish it with goalsync resolve, then goalsync pull --continue, or return to before the pull with goalsync pull --abort"
        case .gitMergeInProgress:
            return "a merge is in progress, started by plain git; goalsync status lists its conflicts field by field: settle them with goalsync resolve, then goalsync pull --continue (or git commit); or undo it with goalsync pull --abort (or git merge --abort)"
        }
    }
}
