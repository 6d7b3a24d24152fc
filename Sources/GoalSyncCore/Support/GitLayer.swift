import Foundation
import GoalSyncGit

// What the command-line tool needs of the git layer, in Core's words: the executable imports only
// GoalSyncCore, and GoalSyncGit stays the one place that touches libgit2.

/// libgit2's process-wide start and settings, for the commands that tune them.
package enum GitRuntime {
    /// Starts libgit2 on another thread, so that a short command (the pre-commit hook, the
    /// server hook) reads its input while libgit2 reads its settings.
    package static func startInBackground() { GitLibrary.initializeInBackground() }

    /// Keeps up to `bytes` of parsed trees in memory: for commands that read the same commits'
    /// `goals/` trees several times (the commit and revision checks).
    package static func keepParsedTrees(upTo bytes: Int) { GitOptions.setTreeCacheLimit(bytes: bytes) }
}

/// How far a fetch has come (objects received and indexed, bytes), as the transfer reports it.
package typealias SyncProgress = TransferProgress

extension GoalSyncError {
    /// The description of an error raised by the git layer (libgit2, a transport) that reached the
    /// command without being turned into a ``GoalSyncError``; nil for any other error. The
    /// command-line tool reports it on one line with exit 2, as a repository or remote it cannot use.
    package static func gitLayerDescription(of error: any Error) -> String? {
        (error as? GitError)?.description
    }
}

/// The secrets a goalsync process must never print: the passwords and tokens of the URLs on its
/// command line, of the git configuration of the repository it runs in (and of the one `-C DIR`
/// names), and `GOALSYNC_TOKEN`. Every line the tool writes goes through ``apply(_:)``.
package struct ProcessSecrets: Sendable {
    private let mask: SecretMask

    /// The secrets known to this process, read from its arguments, environment and directory.
    package init(arguments: [String], environment: [String: String], directory: String) {
        var mask = SecretMask.known(arguments: arguments, environment: environment, directory: directory)
        // `goalsync push -C DIR`: DIR's configuration too (a leading -C was applied before any output).
        if let option = arguments.lastIndex(of: "-C"), option + 1 < arguments.count {
            let named = arguments[option + 1]
            let dir = named.hasPrefix("/") ? named : directory + "/" + named
            if FileManager.default.fileExists(atPath: dir) {
                let more = SecretMask.known(arguments: [], environment: [:], directory: dir)
                mask = SecretMask(secrets: mask.secrets + more.secrets)
            }
        }
        self.mask = mask
    }

    /// Whether there is any secret to hide (so that callers can skip the work).
    package var isEmpty: Bool { mask.secrets.isEmpty }

    /// `text` with every secret replaced by `***`.
    package func apply(_ text: String) -> String { mask.apply(text) }
}
