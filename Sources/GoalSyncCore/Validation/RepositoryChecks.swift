import Foundation
import GoalSyncGit

/// The checks of `goalsync validate` over a repository: the working tree, a tree given as files
/// (a commit to be made, a merge result), the index the next commit is made from (the pre-commit
/// hook's ``staged(in:environment:)``), commits (`--rev`, `--range`, the push's outgoing check and
/// the server's pre-receive hook). The rules themselves are ``GoalValidator`` (one file) and
/// ``RepositoryValidator`` (across files); this service finds the files and what is known of them.
package struct RepositoryChecks: RepositoryService {
    package let repository: GoalRepository

    package init(_ repository: GoalRepository) { self.repository = repository }

    var validator: GoalValidator { repository.validator }

    /// Validates the working tree (or only `paths`, with the rules across files still over all goals).
    package func validateWorkingTree(paths: [String]? = nil) -> [Diagnostic] {
        var files = repository.workingGoalPaths().map { TreeFile(path: $0, blob: nil, isSymlink: false) }
        if FileSystem.exists(absolute(GoalPaths.vision)) { files.append(TreeFile(path: GoalPaths.vision, blob: nil, isSymlink: false)) }
        let full = paths.map(Set.init)
        return RepositoryValidator(goalValidator: validator).validate(
            files: files, fullyValidated: full, cache: StatusCache(), concurrentReads: true,
            read: { try FileSystem.readRegularFile(self.absolute($0.path)) }, historyContributors: Auditor(repository).historyAuthorsBesidesOwners)
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
            historyContributors: Auditor(repository).historyAuthorsBesidesOwners)
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
