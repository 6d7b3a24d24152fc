import Foundation
import GoalSyncGit

extension GoalRepository {
    /// The staged check (`goalsync validate --staged`, which the pre-commit hook runs) in one call:
    /// libgit2 starts on another core while the configuration and the index are read, then the goal
    /// repository containing `directory` opens and what is staged is checked as the commit would
    /// record it.
    ///
    /// - Returns: the diagnostics, and how many goal files the index holds.
    package static func checkStaged(in directory: String, environment: [String: String]) throws -> (diagnostics: [Diagnostic], goalFiles: Int) {
        GitLibrary.initializeInBackground()
        let preload = preloadForStagedCheck(in: directory, environment: environment)
        let repo = try open(at: directory, environment: environment, preloaded: preload.config)
        return try repo.validateStaged(preloadedIndex: preload.index)
    }
}
