import Foundation
import GoalSyncGit

/// The outcome of `goalsync push`.
package enum PushOutcome: Sendable {
    case upToDate
    case pushed(branch: String, remote: String, commit: String, pulls: Int, setUpstream: Bool)
    /// The remote moved on and merging its commits stopped on conflicts.
    case stoppedOnConflicts(MergeState)
}

extension GoalRepository {
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

    var authentication: Authentication {
        Authentication(environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory())
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
            throw GoalSyncError.remoteFailed(remote: remote.url, operation: "fetch", reason: "\(error)")
        }
        return try git.referenceID(target.trackingReference)
    }

    /// `goalsync pull [REMOTE]`: fetch, then fast-forward or merge per goal and per field.
    package func pull(remote requested: String?, progress: ((TransferProgress) -> Void)?) throws -> IntegrateOutcome {
        // A pull reads thousands of objects (the fetch's pack building, the merge, the validation of
        // the result): read them as git does, without re-hashing each one. What arrives is still
        // hashed by the fetch's indexer as it is stored, and what the pull writes by libgit2.
        GitOptions.setStrictHashVerification(false)
        defer { GitOptions.setStrictHashVerification(true) }
        try recoverInterruptedPull()
        try refuseWhileMerging()
        let target = try syncTarget(remote: requested)
        // HEAD's goals are read while the fetch waits on the network (a merge needs them).
        let headSkim = HeadGoalSkim(gitDir: git.gitDir)
        defer { _ = headSkim.finish() }
        guard let theirs = try fetch(target, progress: progress) else { return .upToDate }
        let source = isURL(target.remote) ? "\(target.remote) \(target.remoteBranch)" : "\(target.remote)/\(target.remoteBranch)"
        return try integrate(theirs: theirs, source: source, headSkim: headSkim)
    }

    /// `goalsync push [REMOTE]`: never forces. When the remote moved on, pulls (merging per goal
    /// and per field) and pushes again, at most `attempts` times. The first push to an empty remote
    /// sets the upstream.
    package func push(remote requested: String?, attempts: Int = 3, progress: ((TransferProgress) -> Void)?) throws -> PushOutcome {
        try recoverInterruptedPull()
        try refuseWhileMerging()
        let target = try syncTarget(remote: requested)
        var pulls = 0
        for attempt in 1...max(1, attempts) {
            guard let head = try git.headID() else { return .upToDate }
            let remote = try openRemote(target.remote)
            let refspec = "refs/heads/\(target.branch):refs/heads/\(target.remoteBranch)"
            var rejection: String?
            do {
                let results = try remote.push(refspecs: [refspec], authentication: authentication)
                rejection = results.first { $0.rejection != nil }?.rejection
            } catch let e as GitError where e.code == -11 /* GIT_ENONFASTFORWARD */ {
                rejection = "non-fast-forward"
            } catch {
                throw GoalSyncError.remoteFailed(remote: remote.url, operation: "push", reason: "\(error)")
            }
            if let rejection {
                let behind = ["non-fast-forward", "fetch first", "stale info", "rejected"].contains { rejection.lowercased().contains($0) }
                guard behind, attempt < attempts else {
                    throw GoalSyncError.remoteFailed(remote: remote.url, operation: "push", reason: "the remote rejected \(target.remoteBranch): \(rejection)\(behind ? " (it kept moving; pull and push again)" : "")")
                }
                pulls += 1
                switch try pull(remote: requested, progress: progress) {
                case .conflicts(let state): return .stoppedOnConflicts(state)
                default: continue
                }
            }
            var setUpstream = false
            if !target.hasUpstream, !isURL(target.remote) {
                try git.setUpstream(branch: target.branch, remote: target.remote, remoteBranch: target.remoteBranch)
                setUpstream = true
            }
            try? git.setReference(target.trackingReference, to: head, expected: nil, message: "push")
            return .pushed(branch: target.branch, remote: target.remote, commit: head.hex, pulls: pulls, setUpstream: setUpstream)
        }
        return .upToDate
    }
}
