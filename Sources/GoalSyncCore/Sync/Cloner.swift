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
                try checkOut(head, into: checkout.repository, url: Redaction.url(url))
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

    /// Writes the tree of commit `id`, which HEAD already names, into the empty work tree and index
    /// of a clone made without a checkout. Checked first, as a pull's tree is (``TreePathCheck``:
    /// every name and mode as `git fsck` checks them, and every symbolic link and submodule refused,
    /// there being no work tree yet); refused, nothing is written.
    /// `url`: as it may be shown (``Redaction/url(_:)``).
    static func checkOut(_ id: ObjectID, into repo: GoalRepository, url: String) throws {
        let git = repo.git
        let plan: WorkTreePlan
        do {
            let tree = try git.commit(id).treeID
            try TreePathCheck.checkTree(git, tree, current: nil)
            let store = LibGit2ObjectStore(git)
            let checkout = try TreeMerge.plan(store, base: nil, ours: try git.emptyTreeID(), theirs: tree)
            plan = try TreePathCheck.plan(try checkout.writeBlobs(to: store), workTree: repo.root)
        } catch let refusal as TreePathCheck.Refusal {
            throw GoalSyncError.repository("\(url) was not cloned because of \(refusal.path) in its commit \(id.short): \(refusal.reason). Nothing is left of the clone. Ask whoever can push there to remove that entry in a new commit, then clone again.")
        }
        try writeNewWorkTree(plan, repo)
    }

    /// Writes a checked plan into a new clone's empty work tree and index: the folders first, then
    /// each file created in place (``FileSystem/createWorkTreeFile(_:at:mode:)``: `O_EXCL`, no
    /// symbolic link followed) from its blob, on the machine's cores with a libgit2 handle each, so
    /// reading a blob (zlib) on one core overlaps creating a file on the other; then every file is
    /// staged with the stat data of the file written (nothing read back or hashed again, as git's
    /// checkout does) and the index written once. Not synced, as git's checkout is not.
    private static func writeNewWorkTree(_ plan: WorkTreePlan, _ repo: GoalRepository) throws {
        // A clone's plan only adds (from the empty tree); a deletion would be a bug upstream.
        let files = plan.updates.compactMap { u in u.blob.map { (path: u.path, blob: $0, executable: u.executable) } }
        var folders = Set<Substring>()
        for f in files {
            var path = Substring(f.path)
            while let slash = path.lastIndex(of: "/") {
                path = path[..<slash]
                guard folders.insert(path).inserted else { break }
            }
        }
        // Parents first; each folder is new (the work tree was empty), so one that is already
        // there is an error, never a folder (or a link) written through.
        for folder in folders.sorted(by: { $0.count < $1.count }) {
            let path = repo.absolute(String(folder))
            guard mkdir(path, 0o777) == 0 else {
                let code = errno
                throw GoalSyncError.repository("could not create the folder \(path) of the clone: \(String(cString: strerror(code))). Nothing is left of the clone; check the folder's permissions and free space, then clone again.")
            }
        }
        let root = repo.root
        let written = ParallelMap.map(files, repository: repo.git, perWorker: 256) { git, f in
            Swift.Result { try FileSystem.createWorkTreeFile(try git.blobData(f.blob), at: root + "/" + f.path, mode: f.executable ? 0o755 : 0o644) }
        }
        let index = try repo.git.index()
        for (f, result) in zip(files, written) {
            try index.add(path: f.path, blob: f.blob, mode: f.executable ? 0o100755 : 0o100644, workdirStat: try result.get())
        }
        try index.write()
    }

    /// `team.git` → `team`, `ssh://host/x/goals` → `goals`.
    static func defaultDirectory(for url: String) -> String {
        var last = url.split(whereSeparator: { $0 == "/" || $0 == ":" }).last.map(String.init) ?? "goals"
        if last.hasSuffix(".git") { last.removeLast(4) }
        return last.isEmpty ? "goals" : last
    }
}
