import Foundation
import GoalSyncGit

/// A goal repository: a git work tree with `.goalsync/config.yaml`, `VISION.md` and `goals/`.
/// Reads goals from the working tree, the index or a commit, and writes them as commits.
package final class GoalRepository {
    package let git: Repository
    /// The work tree, without a trailing slash.
    package let root: String
    package let config: RepoConfig
    package let environment: [String: String]
    /// The date goalsync takes as today (`GOALSYNC_TODAY=YYYY-MM-DD` sets it for scripts and tests).
    package let today: SimpleDate

    package init(git: Repository, root: String, config: RepoConfig, environment: [String: String]) {
        self.git = git
        self.root = root
        self.config = config
        self.environment = environment
        today = environment["GOALSYNC_TODAY"].flatMap(SimpleDate.init) ?? Self.localToday()
    }

    package static func localToday() -> SimpleDate {
        let c = Calendar.current.dateComponents([.year, .month, .day], from: Date())
        return SimpleDate(year: c.year!, month: c.month!, day: c.day!)
    }

    /// Opens the goal repository containing `path` (git's discovery, like `git -C`).
    package static func open(at path: String, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> GoalRepository {
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
        let configPath = root + "/" + RepoConfig.path
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readRegularFile(configPath, limit: 1 << 20)
        } catch .missing {
            throw GoalSyncError.notAGoalRepository(root)
        } catch {
            throw GoalSyncError.invalidConfig(line: nil, message: "cannot read: \(error)")
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw GoalSyncError.invalidConfig(line: nil, message: "not valid UTF-8")
        }
        return GoalRepository(git: git, root: root, config: try RepoConfig.parse(text), environment: environment)
    }

    package func absolute(_ relative: String) -> String { root + "/" + relative }

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
        var goals = [Goal](), problems = [Diagnostic]()
        for r in results {
            switch r {
            case .success(let g): goals.append(g)
            case .failure(let d): problems.append(d)
            }
        }
        return (goals, problems)
    }

    // MARK: Validation

    /// Validates the working tree (or only `paths`, with the rules across files still over all goals).
    package func validateWorkingTree(paths: [String]? = nil) -> [Diagnostic] {
        var files = workingGoalPaths().map { TreeFile(path: $0, blob: nil, isSymlink: false) }
        if FileSystem.exists(absolute(GoalPaths.vision)) { files.append(TreeFile(path: GoalPaths.vision, blob: nil, isSymlink: false)) }
        let full = paths.map(Set.init)
        let history = historyContributors(forPaths: files.map(\.path))
        return RepositoryValidator(goalValidator: validator).validate(
            files: files, fullyValidated: full, cache: StatusCache(), concurrentReads: true,
            read: { try FileSystem.readRegularFile(self.absolute($0.path)) }, historyContributors: history)
    }

    /// Validates exactly what the index holds (what the next commit would contain): files that differ
    /// from HEAD in full, lint included; every other goal through the blob cache, for errors and the
    /// rules across files. This is what the pre-commit hook runs.
    package func validateStaged() throws -> [Diagnostic] {
        let index = try git.index()
        return try validate(tree: index.entries.filter { $0.stage == 0 }.map {
            TreeFile(path: $0.path, blob: $0.id.hex, isSymlink: $0.isSymlink)
        })
    }

    /// Validates a tree given as files with blob ids, against HEAD: what changed is checked in full.
    package func validate(tree files: [TreeFile], ignoreMergeState: Bool = false) throws -> [Diagnostic] {
        var headBlobs = [String: String]()
        if let head = try git.headTree() {
            if let goals = try head.subtree(at: GoalPaths.goalsDirectory) {
                for e in goals.entries { headBlobs["\(GoalPaths.goalsDirectory)/\(e.name)"] = e.id.hex }
            }
            if let v = try head.entry(at: GoalPaths.vision) { headBlobs[GoalPaths.vision] = v.id.hex }
        }
        let relevant = files.filter { $0.path == GoalPaths.vision || GoalPaths.isGoalFile($0.path) }
        let changed = Set(relevant.filter { headBlobs[$0.path] != $0.blob }.map(\.path))
        let cache = StatusCache(gitDir: git.gitDir)
        defer { cache.save() }
        let diagnostics = RepositoryValidator(goalValidator: validator).validate(
            files: relevant, fullyValidated: changed, cache: cache, concurrentReads: false,
            read: { file in
                guard let hex = file.blob, let oid = ObjectID(hex: hex) else { throw FileSystem.ReadError.missing }
                let size = try self.git.blobSize(oid)
                if size > MarkdownDocument.maximumSize { throw FileSystem.ReadError.tooLarge(size) }
                return try self.git.blobData(oid)
            },
            historyContributors: historyContributors(forPaths: Array(changed)))
        return diagnostics + (ignoreMergeState ? [] : try pendingConflictDiagnostics())
    }

    /// While a pull is stopped on conflicts, every unsettled one is an error: a commit made now
    /// (by goalsync or by plain git through the hook) would record a half-settled merge.
    func pendingConflictDiagnostics() throws -> [Diagnostic] {
        guard let state = try MergeState.load(gitDir: git.gitDir) else { return [] }
        var out = state.pending.map { c in
            Diagnostic(file: c.path, line: nil, field: c.field, severity: .error, code: "conflict",
                message: "conflict not settled (ours: \(c.ours ?? "absent"), theirs: \(c.theirs ?? "absent")); settle it with goalsync resolve \(c.goal ?? c.path) \(c.field) --ours|--theirs|--base|--value V, then goalsync pull --continue")
        }
        if let a = state.active, a.resolution == nil {
            for id in a.goals {
                out.append(Diagnostic(file: GoalPaths.path(forID: id), line: nil, field: "status", severity: .error, code: "conflict",
                    message: "goals \(a.goals.joined(separator: ", ")) were activated concurrently; keep one with goalsync resolve --active ID, then goalsync pull --continue"))
            }
        }
        return out
    }

    /// For the `co-created` lint: the authors the history shows for the proposed and active goals
    /// among `paths` that name no contributor themselves. Empty when there is no history.
    func historyContributors(forPaths paths: [String]) -> [String: Set<String>] {
        [:]
    }
}
