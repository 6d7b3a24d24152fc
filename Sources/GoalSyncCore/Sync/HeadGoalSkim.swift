import Foundation
import GoalSyncGit

/// What a pull learns of HEAD's goal files while it waits for the fetch: the ``RepositoryChecks/skim(_:path:)``
/// of every goal blob of HEAD that the status cache does not know, read on a thread of its own
/// (with its own libgit2 handle) while the fetch runs: this needs nothing the fetch brings.
///
/// The validation of a merge result needs a summary of every goal (the one-active rule), and
/// most of them are HEAD's files, unchanged: reading them during the fetch takes that reading off
/// the pull's critical path. ``finish()`` stops the thread wherever it is; what it did not reach
/// is skimmed by the validation as before, so the result is the same whenever it stops.
package final class HeadGoalSkim: @unchecked Sendable {
    /// What the skim settled for one path: the blob it read there, and its summary (nil: the skim
    /// cannot settle that file; the validator parses it).
    package struct Skimmed {
        package var blob: ObjectID
        package var summary: BlobSummary?
    }

    // `cancelled` and `results` are shared with the thread, under `lock`.
    private let lock = NSLock()
    private var cancelled = false
    private var results = [String: Skimmed]()
    private let done = DispatchSemaphore(value: 0)
    private var finished: [String: Skimmed]?

    /// Starts skimming HEAD's goals of the repository whose git folder is `gitDir`.
    package init(gitDir: String) {
        DispatchQueue.global(qos: .userInitiated).async { [self] in
            defer { done.signal() }
            guard let repo = try? Repository.open(at: gitDir), let head = try? repo.headTree(),
                let goals = try? head.subtree(at: GoalPaths.goalsDirectory)
            else { return }
            let cache = StatusCache(gitDir: gitDir)
            for entry in goals.entries where entry.isBlob {
                let path = "\(GoalPaths.goalsDirectory)/\(entry.name)"
                guard GoalPaths.isGoalFile(path), cache[RepositoryChecks.hex(entry.id)] == nil else { continue }
                if lock.withLock({ cancelled }) { return }
                let summary = (try? repo.blobData(entry.id)).flatMap { RepositoryChecks.skim($0, path: path) }
                lock.withLock { results[path] = Skimmed(blob: entry.id, summary: summary) }
            }
        }
    }

    /// Stops the thread (after the blob it is reading) and returns what it settled, by path.
    /// Later calls return the same.
    package func finish() -> [String: Skimmed] {
        if let finished { return finished }
        lock.withLock { cancelled = true }
        done.wait()
        finished = lock.withLock { results }
        return finished!
    }
}
