import Foundation
import GoalSyncGit

/// `goalsync clone URL [DIR]`.
package enum Cloner {
    package struct Result: Sendable {
        package var root: String
        package var isGoalRepository: Bool
        package var hook: Initializer.HookInstall?
        package var empty: Bool
        /// The URL as it may be shown (``Redaction/url(_:)``).
        package var displayURL: String
        /// Why the clone's `.goalsync/config.yaml` cannot be used (``GoalSyncError/invalidConfig(line:message:)``);
        /// the hook and merge driver are set up all the same, and `pull` can fetch the fix.
        package var configProblem: GoalSyncError? = nil
    }

    /// Clones a goal repository and sets up its pre-commit hook and merge driver.
    package static func clone(url: String, into dir: String?, environment: [String: String], executablePath: String?, progress: ((TransferProgress) -> Void)?, warn: @escaping @Sendable (String) -> Void = { _ in }) throws -> Result {
        let name = dir ?? defaultDirectory(for: url)
        let target = name.hasPrefix("/") ? name : FileManager.default.currentDirectoryPath + "/" + name
        if FileSystem.exists(target), !((try? FileManager.default.contentsOfDirectory(atPath: target))?.isEmpty ?? false) {
            throw GoalSyncError.usage("\(target) already exists and is not empty; choose another folder")
        }
        let auth = Authentication(environment: environment, homeDirectory: environment["HOME"] ?? NSHomeDirectory(), warn: warn)
        let git: Repository
        do {
            git = try Repository.clone(url: url, to: target, authentication: auth, checkout: false, progress: progress)
        } catch {
            try? FileManager.default.removeItem(atPath: target)
            throw GoalSyncError.remoteFailed(remote: Redaction.url(url), operation: "clone", reason: "\(error)")
        }
        let root = String((git.workdir ?? target + "/").dropLast())
        let checkout = Syncer(GoalRepository(git: git, root: root, config: RepoConfig(), environment: environment))
        if let head = try git.headID() {
            // Checked before anything is written (TreePathCheck); refused, the clone is removed.
            do {
                try checkout.checkOutClone(head, url: Redaction.url(url))
            } catch {
                try? FileManager.default.removeItem(atPath: target)
                throw error
            }
        } else {
            // The remote's HEAD names a branch it does not have (a bare repository made on
            // `master` that was pushed `main`, say): check out main, else its only branch.
            let branches = try git.referenceNames(glob: "refs/remotes/origin/*").filter { !$0.hasSuffix("/HEAD") }
            if let pick = branches.first(where: { $0.hasSuffix("/main") }) ?? (branches.count == 1 ? branches.first : nil),
                let id = try git.referenceID(pick) {
                let branch = String(pick.dropFirst("refs/remotes/origin/".count))
                try git.setHead("refs/heads/\(branch)")
                try git.setUpstream(branch: branch, remote: "origin", remoteBranch: branch)
                do {
                    _ = try checkout.integrate(theirs: id, source: "origin/\(branch)")
                } catch {
                    try? FileManager.default.removeItem(atPath: target)
                    throw error
                }
            }
        }
        let empty = try git.headID() == nil
        // A config that is there but cannot be used (a teammate's broken push) is named, not taken
        // for a missing one: the clone is still a goal repository, with its hook and merge driver.
        var configProblem: GoalSyncError?
        guard let repo = try? GoalRepository.open(at: root, environment: environment, onInvalidConfig: { configProblem = $0 }) else {
            return Result(root: root, isGoalRepository: false, hook: nil, empty: empty, displayURL: Redaction.url(url))
        }
        let hook = try Initializer.installHook(repo, executablePath: executablePath)
        return Result(root: root, isGoalRepository: true, hook: hook, empty: empty, displayURL: Redaction.url(url), configProblem: configProblem)
    }

    /// `team.git` → `team`, `ssh://host/x/goals` → `goals`.
    static func defaultDirectory(for url: String) -> String {
        var last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "goals"
        if last.hasSuffix(".git") { last.removeLast(4) }
        return last.isEmpty ? "goals" : last
    }
}
