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

    // MARK: Validation

    /// Validates the working tree (or only `paths`, with the rules across files still over all goals).
    package func validateWorkingTree(paths: [String]? = nil) -> [Diagnostic] {
        var files = workingGoalPaths().map { TreeFile(path: $0, blob: nil, isSymlink: false) }
        if FileSystem.exists(absolute(GoalPaths.vision)) { files.append(TreeFile(path: GoalPaths.vision, blob: nil, isSymlink: false)) }
        let full = paths.map(Set.init)
        return RepositoryValidator(goalValidator: validator).validate(
            files: files, fullyValidated: full, cache: StatusCache(), concurrentReads: true,
            read: { try FileSystem.readRegularFile(self.absolute($0.path)) }, historyContributors: historyAuthorsBesidesOwners)
    }

    /// The entries of the index the next commit is made from (see ``stagedIndex()``): stage 0,
    /// without `git add -N` entries.
    package func stagedFiles() throws -> [TreeFile] {
        // Conflict stages and `git add -N` entries are not in the next commit.
        try stagedIndex().entries.filter { $0.stage == 0 && !$0.isIntentToAdd }.map {
            TreeFile(path: $0.path, blob: Self.hex($0.id), isSymlink: $0.isSymlink)
        }
    }

    /// Validates a tree given as files with blob ids, against HEAD: what changed is checked in full.
    package func validate(tree files: [TreeFile], ignoreMergeState: Bool = false) throws -> [Diagnostic] {
        try validate(tree: files, ignoreMergeState: ignoreMergeState, skimUnchanged: false).diagnostics
    }

    /// `validate(tree:)`, also returning what it learned of each goal blob, by blob id (for the
    /// one-active rule). With `skimUnchanged` (a merge result), a goal file unchanged from HEAD that
    /// the status cache does not know is counted from ``skim(_:path:)`` when that settles it,
    /// instead of being parsed: a pull's cost then follows the change, not the repository (a fresh
    /// clone's cache is empty). Such a file is not re-checked for errors of its own (HEAD holds it
    /// as it was committed) and is not written to the cache; every other file is checked as before.
    /// `headSkim`: what a ``HeadGoalSkim`` already skimmed of HEAD's files, by path (used for a
    /// file whose blob is the one it read; the rest is skimmed here). `lint: false` reports errors
    /// only (no lint, no look at the history), for a result that is not being committed here.
    func validate(tree files: [TreeFile], ignoreMergeState: Bool, skimUnchanged: Bool, headSkim: [String: HeadGoalSkim.Skimmed] = [:], lint: Bool = true) throws -> (diagnostics: [Diagnostic], summary: (String) -> BlobSummary?) {
        // HEAD's goals by name (a name is a substring of its path), compared by id without hex text.
        var headGoals = [Substring: ObjectID]()
        var headVision: ObjectID?
        if let head = try git.headTree() {
            if let goals = try head.subtree(at: GoalPaths.goalsDirectory) {
                let entries = goals.entries
                headGoals.reserveCapacity(entries.count)
                for e in entries { headGoals[e.name[...]] = e.id }
            }
            headVision = try head.entry(at: GoalPaths.vision)?.id
        }
        let relevant = files.filter { $0.path == GoalPaths.vision || GoalPaths.isGoalFile($0.path) }
        let prefix = GoalPaths.goalsDirectory.count + 1
        let changed = Set(relevant.filter { file in
            let head = file.path == GoalPaths.vision ? headVision : headGoals[file.path.dropFirst(prefix)]
            return !Self.same(file.blob, head)
        }.map(\.path))
        let cache = StatusCache(gitDir: git.gitDir)
        defer { cache.save() }
        // Skimming: unchanged files the cache does not know are summarized by `skim` and given to the
        // cache for the validator to read, as transient entries it does not save (those files were
        // not checked for errors); the returned lookup knows them, for the one-active rule.
        var skimmed = [String: BlobSummary]()
        if skimUnchanged {
            var unknown = [(hex: String, path: String)]()
            var summaries = [(hex: String, summary: BlobSummary?)]()
            for file in relevant where !file.isSymlink && !changed.contains(file.path) && GoalPaths.isGoalFile(file.path) {
                guard let hex = file.blob, cache[hex] == nil else { continue }
                if let done = headSkim[file.path], Self.same(hex, done.blob) {
                    summaries.append((hex, done.summary))
                } else {
                    unknown.append((hex, file.path))
                }
            }
            summaries += zip(unknown.map(\.hex), skimBlobs(unknown)).map { ($0, $1) }
            skimmed.reserveCapacity(summaries.count)
            for (hex, summary) in summaries {
                guard let summary else { continue }  // left to the validator
                skimmed[hex] = summary
            }
            cache.addTransient(skimmed)
        }
        let diagnostics = RepositoryValidator(goalValidator: validator).validate(
            files: relevant, fullyValidated: lint ? changed : [], cache: cache, concurrentReads: false,
            read: blobReader,
            historyContributors: historyAuthorsBesidesOwners)
        return (diagnostics + (ignoreMergeState ? [] : try pendingConflictDiagnostics()), { cache[$0] ?? skimmed[$0] })
    }

    /// ``skim(_:path:)`` of many blobs: on several threads when there are many, each with its own
    /// libgit2 handle on the repository (nil for a blob that cannot be read or skimmed).
    func skimBlobs(_ blobs: [(hex: String, path: String)]) -> [BlobSummary?] {
        ParallelMap.map(blobs, repository: git, perWorker: 1024) { repo, blob in
            guard let oid = ObjectID(hex: blob.hex), let bytes = try? repo.blobData(oid) else { return nil }
            return Self.skim(bytes, path: blob.path)
        }
    }

    /// The summary of a goal file that is not active, from its `id` and `status` fields as
    /// ``FrontMatter/fields(_:of:)`` reads them (the fast tier of the one front-matter reader,
    /// stopping once both are read); nil unless that reading is certain to be the full parser's
    /// (the fast tier declines anything else), the id is the file's name and the status is draft,
    /// proposed, achieved or abandoned. Files that may be active are always parsed.
    static func skim(_ bytes: [UInt8], path: String) -> BlobSummary? {
        guard let stem = GoalPaths.id(fromPath: path), let fields = FrontMatter.fields(skimmedKeys, of: bytes),
            case .string(let id)? = fields.map["id"], case .string(let status)? = fields.map["status"], id == stem,
            status == "draft" || status == "proposed" || status == "achieved" || status == "abandoned"
        else { return nil }
        return BlobSummary(id: id, status: status, errorCount: 0, statusLine: fields.lines["status"])
    }

    private static let skimmedKeys: Set<String> = ["id", "status"]

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

    /// `id.hex` (one allocation: the pre-commit hook makes one for every goal).
    static func hex(_ id: ObjectID) -> String { id.hex }

    /// Whether a blob given as hex text (nil: none) is `id` (nil: none), as `blob == id?.hex` says.
    static func same(_ blob: String?, _ id: ObjectID?) -> Bool {
        guard var blob, let id else { return blob == nil && id == nil }
        return blob.withUTF8 { text in
            id.withBytes { bytes in
                guard text.count == 2 * bytes.count else { return false }
                for (i, byte) in bytes.enumerated() where text[2 * i] != hexDigit(byte >> 4) || text[2 * i + 1] != hexDigit(byte & 0xF) {
                    return false
                }
                return true
            }
        }
    }

    private static func hexDigit(_ nibble: UInt8) -> UInt8 { nibble < 10 ? 48 + nibble : 87 + nibble }
}
