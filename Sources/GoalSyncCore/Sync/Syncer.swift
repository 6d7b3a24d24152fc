import Foundation
import GoalSyncGit

/// The outcome of `goalsync push`.
package enum PushOutcome: Sendable {
    /// The branch has no commit yet.
    case upToDate
    /// The remote's branch holds `commit`. `remote`: its name, or its URL without secrets.
    /// `allowedInvalid`: outgoing commits that break the rules, pushed because `--allow-invalid` said so.
    /// `serverMessages`: what the server wrote for people on the way (its hooks' output), every attempt's.
    case pushed(
        branch: String, remote: String, commit: String, pulls: Int, setUpstream: Bool, allowedInvalid: [OutgoingCommitProblem],
        serverMessages: [String])
    /// The remote moved on and merging its commits stopped on conflicts.
    case stoppedOnConflicts(MergeState)
}

/// Sync with a remote (SPEC §6): `pull` (fetch, then fast-forward or merge per goal and per field,
/// ``integrate(theirs:source:headSkim:)``), `push` (checked, retried over a moving remote), and a
/// stopped pull's `resolve`, `--continue` and `--abort`. Work-tree writes go through the pull
/// journal, so a killed pull is finished or rolled back by the next command.
package struct Syncer: RepositoryService {
    package let repository: GoalRepository

    package init(_ repository: GoalRepository) { self.repository = repository }
}

extension Syncer {
    /// Where the current branch syncs: its upstream, else `REMOTE` (default `sync.remote` from the
    /// config, else `origin`) and the branch of the same name.
    package struct SyncTarget: Sendable {
        package var branch: String
        package var remote: String
        package var remoteBranch: String
        package var hasUpstream: Bool
        /// The remote-tracking reference fetched into, e.g. `refs/remotes/origin/main`.
        package var trackingReference: String
    }

    package func syncTarget(remote requested: String?) throws -> SyncTarget {
        guard let reference = try git.headReferenceName(), reference.hasPrefix("refs/heads/") else {
            throw GoalSyncError.repository("HEAD is detached; check out a branch (git switch main) before syncing")
        }
        let branch = String(reference.dropFirst("refs/heads/".count))
        let config = try git.config()
        let upstreamRemote = try config.string("branch.\(branch).remote")
        let upstreamMerge = try config.string("branch.\(branch).merge")
        if let upstreamRemote, let upstreamMerge, requested == nil || requested == upstreamRemote {
            let remoteBranch = upstreamMerge.replacingOccurrences(of: "refs/heads/", with: "")
            return SyncTarget(branch: branch, remote: upstreamRemote, remoteBranch: remoteBranch, hasUpstream: true,
                              trackingReference: "refs/remotes/\(upstreamRemote)/\(remoteBranch)")
        }
        let remote = requested ?? self.config.syncRemote ?? "origin"
        let remoteBranch = self.config.syncBranch ?? branch
        let tracking = isURL(remote) ? "refs/goalsync/fetched/\(remoteBranch)" : "refs/remotes/\(remote)/\(remoteBranch)"
        return SyncTarget(branch: branch, remote: remote, remoteBranch: remoteBranch, hasUpstream: false, trackingReference: tracking)
    }

    func isURL(_ remote: String) -> Bool { remote.contains("/") || remote.contains(":") }

    /// A remote's name, or a URL without its secrets (``Redaction/url(_:)``), as messages show it.
    func display(_ remote: String) -> String { isURL(remote) ? Redaction.url(remote) : remote }

    var authentication: Authentication {
        Authentication(environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory(), warn: repository.transportWarning)
    }

    func openRemote(_ name: String) throws -> Remote {
        do {
            if isURL(name) { return try Remote.anonymous(git, url: name) }
            return try Remote.lookup(git, name: name)
        } catch let e as GitError where e.isNotFound {
            let known = (try? git.remoteNames()) ?? []
            throw GoalSyncError.repository("there is no remote '\(name)'\(known.isEmpty ? "; add one with git remote add origin URL" : " (remotes: \(known.joined(separator: ", ")))")")
        }
    }

    /// Fetches the target branch into its tracking reference; returns the fetched commit (nil when
    /// the remote has no such branch). Nothing local changes but remote-tracking references.
    package func fetch(_ target: SyncTarget, progress: ((TransferProgress) -> Void)?) throws -> ObjectID? {
        let remote = try openRemote(target.remote)
        do {
            if isURL(target.remote) {
                try remote.fetch(refspecs: ["+refs/heads/\(target.remoteBranch):\(target.trackingReference)"], authentication: authentication, progress: progress)
            } else {
                try remote.fetch(refspecs: nil, authentication: authentication, progress: progress)
            }
        } catch {
            throw GoalSyncError.remoteFailed(remote: remote.displayURL, operation: "fetch", reason: "\(error)")
        }
        return try git.referenceID(target.trackingReference)
    }

    /// `goalsync pull [REMOTE]`: fetch, then fast-forward or merge per goal and per field.
    package func pull(remote requested: String?, progress: ((TransferProgress) -> Void)?) throws -> IntegrateOutcome {
        try recoverInterruptedPull()
        try repository.refuseWhileMerging()
        let target = try syncTarget(remote: requested)
        // HEAD's goals are read while the fetch waits on the network (a merge needs them).
        let headSkim = HeadGoalSkim(gitDir: git.gitDir)
        defer { _ = headSkim.finish() }
        guard let theirs = try fetch(target, progress: progress) else { return .upToDate }
        // It names the pull in messages, the merge commit and .git/goalsync: a URL without its secrets.
        let source = isURL(target.remote) ? "\(Redaction.url(target.remote)) \(target.remoteBranch)" : "\(target.remote)/\(target.remoteBranch)"
        return try integrate(theirs: theirs, source: source, headSkim: headSkim)
    }

    /// How many times `push` pushes before it gives up on a remote that keeps moving (each time another
    /// push won the race, it pulls, merges and pushes again); `goalsync push --help` says it.
    package static let pushAttempts = 20

    /// `goalsync push [REMOTE]`: never forces. Every commit the push would add to the remote is checked
    /// first with `goalsync validate`'s rules; one that breaks them stops the push
    /// (``GoalSyncError/outgoingCommitsBreakRules(_:)``) unless `allowInvalid`. When the remote's branch
    /// moved on (the push was not a fast-forward of what the remote had, or another push updated it
    /// first), pulls (merging per goal and per field) and pushes again, at most `attempts` times in all,
    /// waiting a random moment that grows with each attempt so that concurrent pushers spread out. A
    /// reference the server refuses while its branch did not move (a hook declined it) stops the push
    /// with the server's reason (``GoalSyncError/pushRefused(remote:reference:reason:serverMessages:)``).
    /// `.pushed` only when the remote's branch holds HEAD. The first push to an empty remote sets the
    /// upstream.
    package func push(
        remote requested: String?, allowInvalid: Bool = false, attempts: Int = pushAttempts,
        progress: ((TransferProgress) -> Void)?
    ) throws -> PushOutcome {
        try recoverInterruptedPull()
        try repository.refuseWhileMerging()
        let target = try syncTarget(remote: requested)
        let reference = "refs/heads/\(target.remoteBranch)"
        let refspec = "refs/heads/\(target.branch):\(reference)"
        var pulls = 0
        var checked = Set<ObjectID>()
        var allowed = [OutgoingCommitProblem]()
        var serverMessages = [String]()
        let attempts = max(1, attempts)
        for attempt in 1...attempts {
            guard let head = try git.headID() else { return .upToDate }
            let (problems, newlyChecked) = try RepositoryChecks(repository).outgoingCommitProblems(head: head, hiding: try commitsOnRemote(target), skipping: checked)
            checked.formUnion(newlyChecked)
            if !problems.isEmpty {
                guard allowInvalid else { throw GoalSyncError.outgoingCommitsBreakRules(problems) }
                allowed += problems
            }
            let remote = try openRemote(target.remote)
            let result: PushResult
            do {
                result = try remote.push(refspecs: [refspec], authentication: authentication)
            } catch {
                throw GoalSyncError.remoteFailed(remote: remote.displayURL, operation: "push", reason: "\(error)")
            }
            serverMessages += result.serverMessages
            switch try judge(result, reference: reference, head: head, remote: remote) {
            case .landed:
                break
            case .refused(let rejection):
                throw GoalSyncError.pushRefused(
                    remote: display(target.remote), reference: reference, reason: "\(rejection)", serverMessages: serverMessages)
            case .moved:
                guard attempt < attempts else {
                    throw GoalSyncError.pushKeptMoving(remote: remote.displayURL, branch: target.remoteBranch, attempts: attempts)
                }
                Self.waitBeforeRetry(attempt: attempt)
                pulls += 1
                if case .conflicts(let state) = try pull(remote: requested, progress: progress) {
                    return .stoppedOnConflicts(state)
                }
                continue
            }
            var setUpstream = false
            if !target.hasUpstream, !isURL(target.remote) {
                try git.setUpstream(branch: target.branch, remote: target.remote, remoteBranch: target.remoteBranch)
                setUpstream = true
            }
            try? git.setReference(target.trackingReference, to: head, expected: nil, message: "push")
            return .pushed(
                branch: target.branch, remote: display(target.remote), commit: head.hex, pulls: pulls, setUpstream: setUpstream,
                allowedInvalid: allowed, serverMessages: serverMessages)
        }
        throw GoalSyncError.pushKeptMoving(remote: display(target.remote), branch: target.remoteBranch, attempts: attempts)
    }

    /// What one push did to the remote's branch.
    private enum PushAttemptOutcome {
        /// The branch holds HEAD.
        case landed
        /// The branch moved on from what the push saw: pull and push again.
        case moved
        /// The server refused the update while the branch stayed as the push saw it (a hook declined).
        case refused(PushRejection)
    }

    /// Judges a push by its typed result; when the server refused the reference (or did not report on
    /// it), by what the remote's branch holds now: HEAD after all, the value the push saw (the server
    /// refused for a reason of its own), or something else (another push updated it first).
    private func judge(_ result: PushResult, reference: String, head: ObjectID, remote: Remote) throws -> PushAttemptOutcome {
        let ours = result.references.first { $0.name == reference }
        if let ours, ours.rejection == nil { return .landed }
        if case .notFastForward? = ours?.rejection { return .moved }  // nothing sent: it has commits we lack
        if case .notSent? = ours?.rejection { return .moved }
        let now: ObjectID?
        do {
            now = try remote.listReferences(authentication: authentication).first { $0.name == reference }?.id
        } catch {
            throw GoalSyncError.remoteFailed(remote: remote.displayURL, operation: "push", reason: "\(error)")
        }
        if now == head { return .landed }
        guard let ours, let rejection = ours.rejection else { return .moved }
        return now == ours.remoteValue.flatMap({ $0.isZero ? nil : $0 }) ? .refused(rejection) : .moved
    }

    /// The commits the remote is known to have: what its remote-tracking references hold (the target's,
    /// and for a named remote all of `refs/remotes/NAME/`).
    func commitsOnRemote(_ target: SyncTarget) throws -> [ObjectID] {
        var names = [target.trackingReference]
        if !isURL(target.remote) { names += try git.referenceNames(glob: "refs/remotes/\(target.remote)/*") }
        return Array(Set(names.compactMap { try? git.referenceID($0) }))
    }

    /// A random wait before attempt `attempt + 1`: between half and all of 100 ms doubled with each
    /// attempt, at most 3.2 s ("equal jitter"). A push that keeps losing waits longer each time, so that
    /// pushers who met in the same race spread out, and one that lost to a busy stream of pushes outlasts
    /// it (ten losses in a row wait about 15 s in all, nineteen about 36 s).
    static func waitBeforeRetry(attempt: Int) {
        let ceiling = min(3.2, 0.1 * pow(2, Double(attempt - 1)))
        let seconds = ceiling / 2 + Double.random(in: 0...(ceiling / 2))
        Thread.sleep(forTimeInterval: seconds)
    }
}
