import Foundation
import GoalSyncCore
import Synchronization

/// The Sync button's work (pull, then push, through Core's ``Syncer``), one at a time, with its
/// progress for the pages to poll.
final class SyncJob: Sendable {
    struct State: Sendable, Codable {
        var running = false
        var message = "Not synced since the server started."
        var failed = false
        var stoppedOnConflicts = false
    }

    private let state = Mutex(State())

    var current: State { state.withLock { $0 } }

    func update(_ change: (inout State) -> Void) { state.withLock { change(&$0) } }

    /// Marks the job running; false when one already is.
    func begin() -> Bool {
        state.withLock { s in
            if s.running { return false }
            s = State(running: true, message: "Pulling…")
            return true
        }
    }

    /// Pull then push, as `goalsync sync` does; what happened goes into ``current``.
    func run(root: String, environment: [String: String]) {
        let outcome: State
        do {
            let repo = try GoalRepository.open(at: root, environment: environment)
            let pulled = try Syncer(repo).pull(remote: nil) { [self] p in
                update { $0.message = p.totalObjects > 0 ? "Pulling: \(p.receivedObjects) of \(p.totalObjects) objects" : "Pulling…" }
            }
            var pullText: String
            switch pulled {
            case .upToDate: pullText = "Nothing new to pull."
            case .fastForward(_, let files, let problems):
                pullText = "Pulled \(files) changed file\(files == 1 ? "" : "s")."
                if !problems.isEmpty {
                    outcome = State(running: false, message: pullText + " They break \(problems.count) rule\(problems.count == 1 ? "" : "s"): \(problems.map(\.message).prefix(3).joined(separator: "; ")). Fix them before pushing.", failed: true)
                    update { $0 = outcome }
                    return
                }
            case .merged(_, let merged): pullText = "Pulled and merged \(merged.count) goal file\(merged.count == 1 ? "" : "s")."
            case .conflicts(let state):
                outcome = State(running: false, message: "The pull stopped on \(state.pending.count) conflict\(state.pending.count == 1 ? "" : "s"): settle each below, then finish the pull.", failed: false, stoppedOnConflicts: true)
                update { $0 = outcome }
                return
            }
            update { $0.message = pullText + " Pushing…" }
            let pushed = try Syncer(repo).push(remote: nil) { [self] p in
                update { $0.message = pullText + " Pushing: \(p.receivedObjects) of \(p.totalObjects) objects" }
            }
            switch pushed {
            case .upToDate: pullText += " Nothing to push."
            case .stoppedOnConflicts(let state):
                outcome = State(running: false, message: pullText + " The push had to pull again and stopped on \(state.pending.count) conflict\(state.pending.count == 1 ? "" : "s"): settle them below.", failed: false, stoppedOnConflicts: true)
                update { $0 = outcome }
                return
            default: pullText += " Pushed: the remote has every commit."
            }
            outcome = State(running: false, message: pullText)
        } catch {
            outcome = State(running: false, message: "Sync failed: \((error as? LocalizedError)?.errorDescription ?? "\(error)")", failed: true)
        }
        update { $0 = outcome }
    }
}
