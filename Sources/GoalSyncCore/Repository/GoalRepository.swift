import Foundation
import GoalSyncGit

/// The handle on a goal repository: a git work tree with `.goalsync/config.yaml`, `VISION.md` and
/// `goals/`. It opens the repository and holds what every command needs: the paths, the
/// configuration, the environment, today's date; it reads goals from the working tree or a commit,
/// takes the write lock (``lockRepository()``), rolls back a killed write (``recoverInterruptedWrite()``)
/// and says whether a merge is in progress.
///
/// The work is done by services that hold the handle, one kind each (see ``RepositoryService``):
/// ``GoalEditor`` (the writing commands, commits), ``Syncer`` (pull, push, resolve, abort),
/// ``Auditor`` (log, blame, contributors), ``RepositoryChecks`` (validate: the working tree, the
/// index for the pre-commit hook, commits and ranges) and ``Reporter`` (report, status).
package final class GoalRepository {
    package let git: Repository
    /// The work tree, without a trailing slash.
    package let root: String
    package let config: RepoConfig
    package let environment: [String: String]
    /// The date goalsync takes as today (`GOALSYNC_TODAY=YYYY-MM-DD` sets it for scripts and tests).
    package let today: SimpleDate
    /// Receives one-line warnings about a transfer that goes on anyway (TLS checks off by
    /// `http.sslVerify false`); the command-line tool prints them on stderr. Ignored by default.
    package var transportWarning: @Sendable (String) -> Void = { _ in }

    package init(git: Repository, root: String, config: RepoConfig, environment: [String: String]) {
        self.git = git
        self.root = root
        self.config = config
        self.environment = environment
        today = environment["GOALSYNC_TODAY"].flatMap(SimpleDate.init) ?? Self.localToday()
    }

    /// Today in the local time zone (`localtime_r`, as git dates commits; cheaper than `Calendar`,
    /// which matters on every commit's hook run).
    package static func localToday() -> SimpleDate {
        var now = time(nil)
        var parts = tm()
        guard localtime_r(&now, &parts) != nil else {
            let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
            return SimpleDate(year: c.year!, month: c.month!, day: c.day!)
        }
        return SimpleDate(year: Int(parts.tm_year) + 1900, month: Int(parts.tm_mon) + 1, day: Int(parts.tm_mday))
    }

    /// Opens the goal repository containing `path` (git's discovery, like `git -C`).
    ///
    /// - Parameters:
    ///   - preloaded: a configuration already read from `ROOT/.goalsync/config.yaml`, used when the
    ///     repository found is at `ROOT` (the pre-commit hook reads it while libgit2 starts).
    ///   - onInvalidConfig: when given, a `.goalsync/config.yaml` that cannot be read or is not
    ///     valid is handed to it (a ``GoalSyncError/invalidConfig(line:message:)``) and the
    ///     repository opens with the default settings, instead of failing: `pull` then still
    ///     fetches the fix, and the reading commands still read.
    package static func open(at path: String, environment: [String: String] = ProcessInfo.processInfo.environment,
                             preloaded: (root: String, config: RepoConfig)? = nil,
                             onInvalidConfig: ((GoalSyncError) -> Void)? = nil) throws -> GoalRepository {
        guard FileSystem.isDirectory(path) else { throw GoalSyncError.repository("cannot use \(path): no such directory") }
        let git: Repository
        do {
            git = try Repository.discover(from: path)
        } catch let e as GitError where e.isNotFound {
            throw GoalSyncError.notARepository(path)
        } catch {
            throw GoalSyncError.repository("cannot open the git repository at \(path): \(error)")
        }
        guard let workdir = git.workdir else {
            throw GoalSyncError.repository("\(path) is a bare repository; goalsync needs a work tree (goalsync clone URL DIR makes one)")
        }
        let root = String(workdir.dropLast())
        if let preloaded, preloaded.root == root {
            return GoalRepository(git: git, root: root, config: preloaded.config, environment: environment)
        }
        let config: RepoConfig
        do {
            config = try RepoConfig.load(root: root)
        } catch let error as GoalSyncError {
            guard case .invalidConfig = error, let onInvalidConfig else { throw error }
            onInvalidConfig(error)
            config = RepoConfig()
        }
        return GoalRepository(git: git, root: root, config: config, environment: environment)
    }

    /// Opens the repository containing `path` for read-only checks of commits (`validate --rev`,
    /// `validate --range`, the server's `pre-receive` hook): a work tree or a bare repository. Only
    /// what reads commits may be used on it (its `root` is the git folder when there is no work tree,
    /// and its settings are the defaults: the rules these checks apply do not depend on them).
    ///
    /// Inside a `pre-receive` hook the pushed objects are in git's quarantine folder
    /// (`GIT_OBJECT_DIRECTORY`, with the repository's own objects in
    /// `GIT_ALTERNATE_OBJECT_DIRECTORIES`): the folders named there are read too.
    package static func openForCommitChecks(at path: String, environment: [String: String]) throws -> GoalRepository {
        guard FileSystem.isDirectory(path) else { throw GoalSyncError.repository("cannot use \(path): no such directory") }
        let git: Repository
        do {
            git = try Repository.discover(from: path)
        } catch let e as GitError where e.isNotFound {
            throw GoalSyncError.notARepository(path)
        } catch {
            throw GoalSyncError.repository("cannot open the git repository at \(path): \(error)")
        }
        do {
            // The repository's own object folder (git names it as the quarantine's alternate) is read already.
            let own = URL(fileURLWithPath: git.gitDir + "objects").resolvingSymlinksInPath().standardizedFileURL.path
            let extra = Repository.objectDirectories(environment: environment, relativeTo: path)
                .filter { URL(fileURLWithPath: $0).resolvingSymlinksInPath().standardizedFileURL.path != own }
            try git.addObjectDirectories(extra)
        } catch {
            throw GoalSyncError.repository("cannot read the object folders git named for \(path) (GIT_OBJECT_DIRECTORY, GIT_ALTERNATE_OBJECT_DIRECTORIES): \(error)")
        }
        let root = String((git.workdir ?? git.gitDir).dropLast())
        let config = git.workdir == nil ? RepoConfig() : ((try? RepoConfig.load(root: root)) ?? RepoConfig())
        return GoalRepository(git: git, root: root, config: config, environment: environment)
    }

    package func absolute(_ relative: String) -> String { root + "/" + relative }

    /// Where goalsync makes its temporary files for the work tree: `.git/goalsync/tmp`, which
    /// `git status` never shows (a killed goalsync leaves nothing in the work tree).
    var temporaryDirectory: String { git.gitDir + "goalsync/tmp" }

    package var validator: GoalValidator { GoalValidator(config: config, today: today) }

    // MARK: Reading goals

    /// The ids of the goal files in the working tree (`goals/*.md`), sorted.
    package func workingGoalPaths() -> [String] {
        let dir = absolute(GoalPaths.goalsDirectory)
        let names = (try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []
        return names.filter { $0.hasSuffix(".md") && !$0.hasPrefix(".") }.sorted().map { "\(GoalPaths.goalsDirectory)/\($0)" }
    }

    /// The path of goal `id`, after checking that `id` is a legal id (so `../x` never names a path).
    package func path(forID id: String) throws -> String {
        guard GoalID.isValid(id) else { throw GoalSyncError.invalidID(id) }
        return GoalPaths.path(forID: id)
    }

    /// Reads and parses goal `id` from the working tree.
    package func loadGoal(_ id: String) throws -> Goal {
        let path = try path(forID: id)
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readRegularFile(absolute(path))
        } catch .missing {
            throw GoalSyncError.unknownGoal(id, known: workingGoalPaths())
        } catch {
            throw GoalSyncError.unreadableGoal(path: path, line: nil, message: RepositoryValidator.readDiagnostic(error, path: path).message)
        }
        do {
            return Goal(document: try MarkdownDocument.parse(bytes))
        } catch {
            throw GoalSyncError.unreadableGoal(path: path, line: error.line, message: error.message)
        }
    }

    /// Every goal in the working tree that parses, with the diagnostics of those that do not.
    package func loadAllGoals() -> (goals: [Goal], problems: [Diagnostic]) {
        let (files, problems) = loadAllGoalFiles()
        return (files.map(\.goal), problems)
    }

    /// ``loadAllGoals()`` with each goal's path.
    package func loadAllGoalFiles() -> (goals: [(path: String, goal: Goal)], problems: [Diagnostic]) {
        let paths = workingGoalPaths()
        let results = ParallelMap.map(paths) { path -> Result<Goal, Diagnostic> in
            do {
                let bytes = try FileSystem.readRegularFile(absolute(path))
                return .success(Goal(document: try MarkdownDocument.parse(bytes)))
            } catch let e as FileSystem.ReadError {
                return .failure(RepositoryValidator.readDiagnostic(e, path: path))
            } catch let e as MarkdownDocument.ParseError {
                return .failure(Diagnostic(file: path, line: e.line, field: nil, severity: .error, code: "error", message: e.message))
            } catch {
                return .failure(Diagnostic(file: path, line: nil, field: nil, severity: .error, code: "error", message: "\(error)"))
            }
        }
        var goals = [(path: String, goal: Goal)](), problems = [Diagnostic]()
        for (path, r) in zip(paths, results) {
            switch r {
            case .success(let g): goals.append((path, g))
            case .failure(let d): problems.append(d)
            }
        }
        return (goals, problems)
    }

    // MARK: Commits, identity, hooks

    /// The author and committer git would use; a clear error naming what is missing otherwise.
    package func identity() throws -> (author: Signature, committer: Signature) {
        let config = try git.config()
        do {
            let author = try Identity.resolve(.author, config: config, environment: environment)
            let committer = try Identity.resolve(.committer, config: config, environment: environment)
            return (author, committer)
        } catch let missing as Identity.Missing {
            throw GoalSyncError.missingIdentity(role: missing.role.rawValue, field: missing.field)
        } catch let bad as Identity.InvalidDate {
            throw GoalSyncError.invalidDate(variable: bad.variable, value: bad.value, reason: bad.reason)
        }
    }

    /// The goal files and VISION.md of a tree, as ``TreeFile``s.
    package func treeFiles(_ treeID: ObjectID) throws -> [TreeFile] {
        let tree = try git.tree(treeID)
        var files = [TreeFile]()
        if let goals = try tree.subtree(at: GoalPaths.goalsDirectory) {
            for e in goals.entries where !e.isTree {
                files.append(TreeFile(path: "\(GoalPaths.goalsDirectory)/\(e.name)", blob: e.id.hex, isSymlink: e.isSymlink))
            }
        }
        if let v = try tree.entry(at: GoalPaths.vision) {
            files.append(TreeFile(path: GoalPaths.vision, blob: v.id.hex, isSymlink: v.isSymlink))
        }
        return files
    }

    /// The folder git runs hooks from: `core.hooksPath`, else `.git/hooks`.
    package func hooksDirectory() throws -> String {
        if let configured = try git.config().string("core.hooksPath"), !configured.isEmpty {
            var path = configured
            if path.hasPrefix("~/") { path = (environment["HOME"] ?? NSHomeDirectory()) + path.dropFirst(1) }
            return path.hasPrefix("/") ? path : absolute(path)
        }
        return git.gitDir + "hooks"
    }

    // MARK: A merge in progress

    /// The error for a command that cannot run while a merge waits: a stopped pull's or plain git's.
    var mergeInProgressError: GoalSyncError {
        FileSystem.exists(MergeState.path(gitDir: git.gitDir)) ? .mergeInProgress : .gitMergeInProgress
    }

    /// Refuses while a stopped pull or a merge started by plain git waits, saying both ways out.
    /// A stopped pull that plain git finished (see ``isFinishedByGit(_:)``) no longer waits: its
    /// state is removed.
    func refuseWhileMerging() throws {
        if !git.isMerging, let state = try? MergeState.load(gitDir: git.gitDir), try isFinishedByGit(state) {
            MergeState.remove(gitDir: git.gitDir)
        }
        if FileSystem.exists(MergeState.path(gitDir: git.gitDir)) || git.isMerging { throw mergeInProgressError }
    }

    /// Whether plain git finished or undid a stopped pull: git is no longer merging (no
    /// `MERGE_HEAD`) and either the branch moved since (`git commit` made the merge, or a reset
    /// undid it) or the merge was git's own, taken over by goalsync (`git merge --abort`).
    package func isFinishedByGit(_ state: MergeState) throws -> Bool {
        guard !git.isMerging else { return false }
        if state.startedBy == "git" { return true }
        return try git.headID()?.hex != state.ours
    }

    /// The pull in progress, or an error saying there is none.
    func requireMergeState() throws -> MergeState {
        guard let state = try MergeState.load(gitDir: git.gitDir) else {
            if git.isMerging {
                throw GoalSyncError.repository("a merge started by plain git is in progress with no conflict left in it; finish it with git commit (or git merge --continue), or undo it with git merge --abort")
            }
            throw GoalSyncError.usage("there is no pull in progress; nothing to resolve")
        }
        return state
    }

    /// The ids of the goals whose status is active in a tree (`summary`: what a validation of the
    /// tree learned, by blob id; by default the status cache).
    func activeGoals(_ files: [TreeFile], summary known: ((String) -> BlobSummary?)? = nil) throws -> [String] {
        let lookup = known ?? { [cache = StatusCache(gitDir: git.gitDir)] in cache[$0] }
        var active = [String]()
        for f in files where GoalPaths.isGoalFile(f.path) {
            guard let hex = f.blob else { continue }
            var summary = lookup(hex)
            if summary == nil, let oid = ObjectID(hex: hex), let doc = try? MarkdownDocument.parse(try git.blobData(oid)) {
                summary = BlobSummary(id: doc.frontMatter["id"]?.scalarText ?? "", status: doc.frontMatter["status"]?.scalarText ?? "", errorCount: 0, statusLine: doc.lines["status"])
            }
            if summary?.status == GoalStatus.active.rawValue, let id = GoalPaths.id(fromPath: f.path) { active.append(id) }
        }
        return active.sorted()
    }
}
