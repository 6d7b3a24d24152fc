import Foundation

/// One file of a tree to validate, wherever it comes from (the working tree, the index, a commit).
package struct TreeFile: Sendable {
    package var path: String
    /// The blob id, when the file comes from git (used as the cache key).
    package var blob: String?
    package var isSymlink: Bool

    package init(path: String, blob: String?, isSymlink: Bool) {
        self.path = path
        self.blob = blob
        self.isSymlink = isSymlink
    }
}

/// Who the history shows shaping goals, asked about goals (id, owner): by goal id.
package typealias HistoryLookup = (_ goals: [(id: String, owner: String?)]) -> [String: Set<String>]

/// Validates a whole tree of goals: every file, then the rules across files (SPEC §4): unique ids,
/// at most one active goal. Files are read through `read`, so the same code checks the working
/// tree, the index (`--staged`) and a merge result.
package struct RepositoryValidator {
    package var goalValidator: GoalValidator

    package init(goalValidator: GoalValidator) {
        self.goalValidator = goalValidator
    }

    /// - Parameters:
    ///   - files: the tree's files (only `goals/*.md` and `VISION.md` are looked at).
    ///   - fullyValidated: paths checked in full, lint included; other goal files are checked through
    ///     the cache and reported only when they hold errors. nil: every file in full.
    ///   - concurrentReads: whether `read` may run on several threads at once (files: yes; libgit2: no).
    ///   - read: reads a file's bytes; throws a `FileSystem.ReadError` for a file it cannot read.
    ///   - historyContributors: for the `co-created` lint, asked only about the fully validated goals
    ///     it finds alone (id, owner): the people the history shows shaping each (by goal id).
    package func validate(
        files: [TreeFile], fullyValidated: Set<String>?, cache: StatusCache, concurrentReads: Bool,
        read: (TreeFile) throws -> [UInt8], historyContributors: HistoryLookup? = nil
    ) -> [Diagnostic] {
        var diagnostics = [Diagnostic]()
        var summaries = [(path: String, summary: BlobSummary)]()
        var toValidate = [TreeFile]()
        for file in files {
            if file.path == GoalPaths.vision {
                if fullyValidated?.contains(file.path) ?? true { diagnostics += validateVision(file, read: read) }
                continue
            }
            guard GoalPaths.isGoalFile(file.path) else { continue }
            if file.isSymlink {
                diagnostics.append(Diagnostic(file: file.path, line: nil, field: nil, severity: .error, code: "error",
                    message: "goal file is a symbolic link; goal files must be regular files inside the repository (replace the link with the file itself)"))
                continue
            }
            let full = fullyValidated.map { Self.contains($0, file.path) } ?? true
            // A blob's summary holds for this path when its id is this file's name: whether the id
            // differs from the file name is the one thing that depends on the path, and a copy of
            // a goal under another name has it differ.
            if !full, let blob = file.blob, let summary = cache[blob], summary.errorCount == 0,
                GoalPaths.id(fromPath: file.path) == summary.id {
                summaries.append((file.path, summary))
                continue
            }
            // Checked again (a file with errors is reported while it has them): its summary is
            // counted once, from that check.
            toValidate.append(file)
        }
        // Read and check in parallel (reading in parallel only when the source allows it). Each check
        // keeps only what the rules across files need, so a parsed goal is freed as soon as it is checked.
        let checkWith = { (file: TreeFile, bytes: Result<[UInt8], any Error>, contributors: Set<String>?) -> (TreeFile, BlobSummary, [Diagnostic], owner: String?) in
            let goal: Goal?, d: [Diagnostic]
            switch bytes {
            case .failure(let error as FileSystem.ReadError):
                (goal, d) = (nil, [Self.readDiagnostic(error, path: file.path)])
            case .failure(let error):
                (goal, d) = (nil, [Diagnostic(file: file.path, line: nil, field: nil, severity: .error, code: "error", message: "cannot read: \(error)")])
            case .success(let bytes):
                (goal, d) = goalValidator.validate(bytes: bytes, path: file.path, historyContributors: contributors)
            }
            let summary = BlobSummary(
                id: goal?.id ?? "", status: goal?["status"]?.scalarText ?? "",
                errorCount: d.filter { $0.code == "error" }.count, statusLine: goal?.document.lines["status"])
            return (file, summary, d, goal?.owner)
        }
        let check = { (file: TreeFile, bytes: Result<[UInt8], any Error>) in checkWith(file, bytes, nil) }
        var results = concurrentReads
            ? ParallelMap.map(toValidate) { file in check(file, Result { try read(file) }) }
            : ParallelMap.map(toValidate.map { file in (file, Result { try read(file) }) }, check)
        // The `co-created` lint found these goals alone: does the history show others shaping them?
        if let historyContributors {
            let coCreated = LintRule.coCreated.code
            let alone = results.indices.filter { i in
                (fullyValidated?.contains(results[i].0.path) ?? true) && results[i].2.contains { $0.code == coCreated }
            }
            let found = alone.isEmpty ? [:] : historyContributors(alone.map { (results[$0].1.id, results[$0].owner) })
            for i in alone {
                guard let people = found[results[i].1.id], !people.isEmpty else { continue }
                let file = results[i].0
                results[i] = checkWith(file, Result { try read(file) }, people)
            }
        }
        for (file, summary, d, _) in results {
            let full = fullyValidated?.contains(file.path) ?? true
            diagnostics += full ? d : d.filter { $0.severity == .error && $0.code == "error" }
            if let blob = file.blob { cache[blob] = summary }
            summaries.append((file.path, summary))
        }
        // Across files: unique ids, one active goal.
        // The file named after an id owns it; a copy under another name is the one reported.
        var byID = [String: String]()
        // (Whether a file owns its id is worked out once per file, not in every comparison.)
        let owners = summaries.map { (owns: GoalPaths.id(fromPath: $0.path) == $0.summary.id, entry: $0) }
            .sorted { a, b in a.owns != b.owns ? a.owns : a.entry.path < b.entry.path }
            .map(\.entry)
        for (path, s) in owners where !s.id.isEmpty {
            if let other = byID[s.id] {
                diagnostics.append(Diagnostic(file: path, line: nil, field: "id", severity: .error, code: "error",
                    message: "id '\(s.id)' is already used by \(other); ids are unique: give this goal the id of its file name"))
            } else {
                byID[s.id] = path
            }
        }
        let active = summaries.filter { $0.summary.status == GoalStatus.active.rawValue }.sorted { $0.path < $1.path }
        if active.count > 1 {
            let ids = active.compactMap { GoalPaths.id(fromPath: $0.path) }
            for (path, summary) in active {
                diagnostics.append(Diagnostic(file: path, line: summary.statusLine, field: "status", severity: .error, code: "error",
                    message: "\(ids.count) goals are active (\(ids.joined(separator: ", "))); only one Product Goal is active at a time: keep one and close or step back the others (goalsync activate ID --close achieved|abandoned --reason TEXT)"))
            }
        }
        return diagnostics.sorted { ($0.file, $0.line ?? 0) < ($1.file, $1.line ?? 0) }
    }

    /// `set.contains(path)`; a few paths (a commit's) are compared rather than hashed.
    private static func contains(_ set: Set<String>, _ path: String) -> Bool {
        set.count <= 8 ? set.contains(where: { $0 == path }) : set.contains(path)
    }

    static func readDiagnostic(_ error: FileSystem.ReadError, path: String) -> Diagnostic {
        let message: String
        switch error {
        case .missing: message = "file is missing"
        case .symlink: message = "goal file is a symbolic link; goal files must be regular files inside the repository (replace the link with the file itself)"
        case .notAFile: message = "not a regular file; goals/ holds one Markdown file per goal"
        case .tooLarge(let n, _): message = MarkdownDocument.ParseError.tooLarge(bytes: n).message
        case .io(let m): message = "cannot read: \(m)"
        }
        return Diagnostic(file: path, line: nil, field: nil, severity: .error, code: "error", message: message)
    }

    func validateVision(_ file: TreeFile, read: (TreeFile) throws -> [UInt8]) -> [Diagnostic] {
        func diag(_ line: Int?, _ field: String?, _ m: String) -> Diagnostic {
            Diagnostic(file: file.path, line: line, field: field, severity: .error, code: "error", message: m)
        }
        if file.isSymlink { return [diag(nil, nil, "VISION.md is a symbolic link; keep it a regular file")] }
        do {
            let bytes = try read(file)
            let doc = try MarkdownDocument.parse(bytes)
            // The body's first line in the file: the file's lines less the body's.
            let newlines = bytes.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) }
            let bodyLine = newlines - doc.body.utf8.reduce(0) { $0 + ($1 == 0x0A ? 1 : 0) } + 1
            return VisionValidator(config: goalValidator.config, today: goalValidator.today).validate(doc, path: file.path, bodyLine: bodyLine)
        } catch let e as MarkdownDocument.ParseError {
            return [diag(e.line, nil, e.message)]
        } catch let e as FileSystem.ReadError {
            return [Self.readDiagnostic(e, path: file.path)]
        } catch {
            return [diag(nil, nil, "cannot read: \(error)")]
        }
    }
}
