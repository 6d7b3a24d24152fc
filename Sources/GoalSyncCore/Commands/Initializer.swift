import Foundation
import GoalSyncGit

/// `goalsync init [DIR]` and `goalsync hooks install`.
package enum Initializer {
    package struct Result: Sendable {
        package var root: String
        package var branch: String
        package var commit: String?
        package var createdRepository: Bool
        package var hook: HookInstall
    }

    /// Makes `dir` a goal repository: a new git repository (on `init.defaultBranch`, else `main`)
    /// or an existing one; VISION.md, config, attributes, schemas for editors, the hook; one commit.
    /// Running it again on a goal repository only reinstalls the hook.
    package static func initialize(at dir: String, product requested: String?, environment: [String: String], executablePath: String?) throws -> Result {
        let fm = FileManager.default
        if FileSystem.exists(dir), !FileSystem.isDirectory(dir) {
            throw GoalSyncError.usage("\(dir) exists and is not a directory")
        }
        let existing: Repository? = FileSystem.isDirectory(dir) ? (try? Repository.discover(from: dir)) : nil
        let identityConfig = try existing?.config() ?? Config.openDefault()
        // Check who will commit before anything is written.
        do {
            _ = try Identity.resolve(.author, config: identityConfig, environment: environment)
            _ = try Identity.resolve(.committer, config: identityConfig, environment: environment)
        } catch let missing as Identity.Missing {
            throw GoalSyncError.missingIdentity(role: missing.role.rawValue, field: missing.field)
        } catch let bad as Identity.InvalidDate {
            throw GoalSyncError.invalidDate(variable: bad.variable, value: bad.value, reason: bad.reason)
        }
        let git: Repository
        var created = false
        if let existing {
            guard existing.workdir != nil else { throw GoalSyncError.repository("\(dir) is a bare repository; goalsync init needs a work tree") }
            git = existing
        } else {
            let branch = try Config.openDefault().string("init.defaultBranch").flatMap { $0.isEmpty ? nil : $0 } ?? "main"
            do {
                git = try Repository.initialize(at: dir, initialHead: branch)
            } catch {
                throw GoalSyncError.repository("cannot create a git repository at \(dir): \(error)")
            }
            created = true
        }
        let root = String(git.workdir!.dropLast())
        let branch = (try git.headReferenceName()).map { $0.replacingOccurrences(of: "refs/heads/", with: "") } ?? "HEAD"
        let product = requested ?? (root as NSString).lastPathComponent
        var config = RepoConfig()
        config.product = product
        let repo = GoalRepository(git: git, root: root, config: config, environment: environment)

        let configPath = repo.absolute(RepoConfig.path)
        var commit: String?
        if !fm.fileExists(atPath: configPath) {
            var writes = [FileWrite]()
            func addIfMissing(_ path: String, _ text: String) {
                if !FileSystem.exists(repo.absolute(path)) { writes.append(FileWrite(path: path, text: text)) }
            }
            writes.append(FileWrite(path: RepoConfig.path, text: "# yaml-language-server: $schema=schema/config.schema.json\n" + RepoConfig.initialText(product: product)))
            addIfMissing(GoalPaths.vision, visionText(product: product))
            addIfMissing("\(GoalPaths.goalsDirectory)/.gitkeep", "")
            addIfMissing("\(GoalPaths.schemaDirectory)/goal.schema.json", EmbeddedFiles.goalSchema)
            addIfMissing("\(GoalPaths.schemaDirectory)/vision.schema.json", EmbeddedFiles.visionSchema)
            addIfMissing("\(GoalPaths.schemaDirectory)/config.schema.json", EmbeddedFiles.configSchema)
            let attributesPath = repo.absolute(GoalPaths.attributes)
            let oldAttributes = (try? String(contentsOfFile: attributesPath, encoding: .utf8)) ?? ""
            if !oldAttributes.contains("merge=goalsync") {
                let sep = oldAttributes.isEmpty || oldAttributes.hasSuffix("\n") ? "" : "\n"
                writes.append(FileWrite(path: GoalPaths.attributes, text: oldAttributes + sep + attributesText))
            }
            let message = CommitMessage(verb: "init", goalIDs: [], summary: "goal repository for \(product)", fields: [])
            commit = try GoalEditor(repo).commit(writes, message: message, noVerify: true).commit
        }
        let hook = try installHook(repo, executablePath: executablePath)
        return Result(root: root, branch: branch, commit: commit, createdRepository: created, hook: hook)
    }

    package static let attributesText = """
        # goalsync merges goal files per goal and per field (goalsync merge-driver).
        goals/*.md merge=goalsync
        VISION.md merge=goalsync

        """

    static func visionText(product: String) -> String {
        """
        ---
        product: \(YAMLWriter.scalar(product, flow: false, isKey: false))
        vision: \(YAMLWriter.scalar("Say in one sentence the change \(product) makes for the people it serves.", flow: false, isKey: false))
        strategy: \(YAMLWriter.scalar("Say in one line how \(product) gets there: the bets that come first.", flow: false, isKey: false))
        ---
        # Product vision

        Who the product is for, what it changes for them, and why it matters. The Product Goals in
        goals/ are the steps toward it.

        """
    }

    /// What `hooks install` did.
    package enum HookInstall: Equatable, Sendable {
        case installed(String)
        case updated(String)
        case chained(String, previous: String)
    }

    static let hookMarker = "goalsync pre-commit hook"

    /// Installs `hooks/pre-commit` into the repository's hooks folder as `pre-commit` and
    /// `pre-merge-commit` (so a plain `git merge` is held to the same rules), and configures the
    /// merge driver that `.gitattributes` names. A hook already there that is not goalsync's is kept
    /// as `NAME.goalsync-chained` and run after goalsync's checks.
    package static func installHook(_ repo: GoalRepository, executablePath: String?) throws -> HookInstall {
        let dir = try repo.hooksDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let script = EmbeddedFiles.preCommitHook.replacingOccurrences(of: "@GOALSYNC_BIN@", with: executablePath ?? "goalsync")
        var outcome = HookInstall.installed(dir + "/pre-commit")
        for name in ["pre-commit", "pre-merge-commit"] {
            let result = try installScript(script, at: dir + "/" + name, marker: hookMarker, reinstall: "goalsync hooks install")
            if name == "pre-commit" { outcome = result }
        }
        try configureMergeDriver(repo)
        return outcome
    }

    /// Writes a hook script at `path`: over goalsync's own (found by `marker`), or in place of a hook
    /// that is not goalsync's, which is kept as `PATH.goalsync-chained` (the script runs it after its
    /// checks). Refused when a chained hook is there already. `reinstall`: the command to run again.
    private static func installScript(_ script: String, at path: String, marker: String, reinstall: String) throws -> HookInstall {
        let chained = path + ".goalsync-chained"
        var result = HookInstall.installed(path)
        if FileSystem.exists(path) {
            let current = (try? String(contentsOfFile: path, encoding: .utf8)) ?? ""
            if current.contains(marker) {
                result = .updated(path)
            } else {
                if FileSystem.exists(chained) {
                    throw GoalSyncError.repository("\(path) is not goalsync's hook and \(chained) exists already; merge them by hand, then run \(reinstall)")
                }
                guard rename(path, chained) == 0 else {
                    throw GoalSyncError.repository("cannot move the existing hook \(path) aside: \(String(cString: strerror(errno)))")
                }
                result = .chained(path, previous: chained)
            }
        }
        try FileSystem.writeAtomically(Array(script.utf8), to: path, mode: 0o755)
        return result
    }

    static let serverHookMarker = "goalsync pre-receive hook"

    /// `goalsync hooks install --server`: installs `hooks/pre-receive` into the bare repository
    /// teammates push to, running `executablePath` (an absolute path: a server's hook environment
    /// has no reliable PATH) as `goalsync hooks pre-receive`, which refuses a push whose new commits
    /// break the rules. `branch`: check only that branch (default: every branch). A hook already
    /// there that is not goalsync's is kept as `pre-receive.goalsync-chained` and runs after it.
    /// Also works out the goal tree summary of the checked branch's tip now, so the first push
    /// checked costs what every later one does.
    package static func installServerHook(_ repo: GoalRepository, executablePath: String?, branch: String?) throws -> HookInstall {
        guard repo.git.isBare else {
            throw GoalSyncError.usage("\(repo.root) has a work tree; --server installs the hook of the bare repository teammates push to (goalsync -C /srv/git/goals.git hooks install --server); in a clone, goalsync hooks install installs the pre-commit hook")
        }
        guard let executablePath, executablePath.hasPrefix("/"), FileManager.default.isExecutableFile(atPath: executablePath) else {
            throw GoalSyncError.repository("cannot tell where this goalsync binary is (\(executablePath ?? "unknown")); run it by its absolute path, e.g. /usr/local/bin/goalsync hooks install --server")
        }
        if let branch {
            guard !branch.isEmpty, !branch.hasPrefix("-"), !branch.contains(where: { $0 == " " || $0.isNewline || $0 == "'" || $0 == "\\" }), !branch.hasPrefix("refs/") else {
                throw GoalSyncError.usage("--branch takes a branch name such as main (not '\(branch)')")
            }
        }
        func quoted(_ s: String) -> String { "'" + s.replacingOccurrences(of: "'", with: "'\\''") + "'" }
        let script = EmbeddedFiles.preReceiveHook
            .replacingOccurrences(of: "@GOALSYNC_BIN@", with: quoted(executablePath))
            .replacingOccurrences(of: "@GOALSYNC_ARGS@", with: branch.map { " --branch " + quoted($0) } ?? "")
        let dir = try repo.hooksDirectory()
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let result = try installScript(script, at: dir + "/pre-receive", marker: serverHookMarker, reinstall: "goalsync hooks install --server")
        try RepositoryChecks(repo).primeTreeSummary(for: branch.map { "refs/heads/" + $0 } ?? "HEAD")
        return result
    }

    /// `merge.goalsync.driver = goalsync merge-driver %O %A %B %P` in the repository's config, so
    /// plain `git merge` and `git pull` merge goal files semantically too; and, for the virtual
    /// merge base git makes of a criss-cross history's several merge bases,
    /// `merge.goalsync.recursive = goalsync-virtual-base`, a driver that merges as
    /// `goalsync pull` makes its virtual base (conflicting fields take their base's value).
    package static func configureMergeDriver(_ repo: GoalRepository) throws {
        let config = try repo.git.writableConfig()
        try config.set("merge.goalsync.name", "goalsync semantic merge of goal files")
        try config.set("merge.goalsync.driver", "goalsync merge-driver %O %A %B %P")
        try config.set("merge.goalsync.recursive", "goalsync-virtual-base")
        try config.set("merge.goalsync-virtual-base.name", "goalsync merge of two merge bases into a virtual one")
        try config.set("merge.goalsync-virtual-base.driver", "goalsync merge-driver --virtual-base %O %A %B %P")
    }
}
