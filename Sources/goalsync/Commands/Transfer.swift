import ArgumentParser
import Foundation
import GoalSyncCore

extension GoalExport.Format: ExpressibleByArgument {}

struct Export: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Write every goal as CSV, JSON or Markdown, for a spreadsheet, a dashboard or a wiki.",
        discussion: """
            csv: one row per goal, per key result (metric) and per check-in, told apart by the kind \
            column, with the columns goalsync import reads back: kind, goal, title, status, owner, start, \
            end, persona, problem, metric, name, unit, direction, baseline, target, on, value, confidence, \
            note, by. json prints {format, goals: [{id, path, front_matter, body, progress, metrics, breached_guardrails}], \
            unreadable}: each goal as goalsync show ID --json shows it. markdown: a section per goal \
            with its key results as a table and its check-ins. Goals are sorted by id. Written to \
            stdout, or to FILE with --output; goal files that cannot be read are named on stderr and \
            left out (exit 1).
            """
    )

    @OptionGroup var global: GlobalOptions
    @Option(help: "csv, json or markdown.") var format: GoalExport.Format = .csv
    @Option(name: [.customShort("o"), .long], help: ArgumentHelp("Write to FILE instead of stdout.", valueName: "FILE")) var output: String?

    func run() throws {
        try goalsync.run {
            let repo = try global.openDespiteConfig()
            let (goals, problems) = repo.loadAllGoals()
            let text = GoalExport.render(goals, unreadable: problems, as: format)
            for p in problems { Output.err(p.formatted) }
            if let output {
                let path = try writeUserFile(Array(text.utf8), to: output, what: "the export")
                Output.err("wrote \(goals.count) goal\(goals.count == 1 ? "" : "s") to \(path)")
            } else if isatty(STDOUT_FILENO) == 1 {
                print(text, terminator: "")
            } else {
                // Exact bytes into a pipe or a file (no escaping): what a spreadsheet or a script reads.
                FileHandle.standardOutput.write(Data(Terminal.masked(text).utf8))
            }
            if !problems.isEmpty { throw ExitCode(1) }
        }
    }
}

struct Import: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Add goals, key results and check-ins from a CSV file, in one commit or not at all.",
        discussion: """
            The file's first line names its columns (any order; goalsync export --format csv writes \
            them all): kind, goal, title, status, owner, start, end, persona, problem, metric, name, \
            unit, direction, baseline, target, on, value, confidence, note, by. Each row is one goal \
            (kind goal: title, and optionally goal as its id, status, owner, start and end of the \
            timeframe, persona, problem), one key result (kind metric: goal, metric, name, unit, \
            direction, baseline, target) or one check-in (kind checkin: goal, metric, value, and \
            optionally on, confidence, note, by). A metric or check-in row may name a goal of an \
            earlier row or of the repository. Every row that cannot be used (a missing column, a value \
            of the wrong kind, an unknown goal or metric, an existing id, a check-in in the future) \
            is named as FILE:LINE with what to change, and nothing is written (exit 1); else one \
            commit adds everything. Quoted fields (RFC 4180), CRLF and Excel's byte order mark are read.
            """
    )

    @OptionGroup var global: GlobalOptions
    @OptionGroup var commit: CommitOptions
    @Argument(help: ArgumentHelp("The CSV file.", valueName: "FILE")) var file: String

    func run() throws {
        try goalsync.run {
            let repo = try global.open()
            let path = file.hasPrefix("/") ? file : FileManager.default.currentDirectoryPath + "/" + file
            let bytes: [UInt8]
            do {
                bytes = try FileSystem.readRegularFile(path, limit: 64 << 20)
            } catch {
                throw GoalSyncError.usage("cannot read \(file) (\(error)); give the path of a CSV file")
            }
            guard let text = String(validating: bytes, as: UTF8.self) else {
                throw GoalSyncError.usage("\(file) is not UTF-8 text; save the sheet as CSV UTF-8")
            }
            let rows: [GoalTable.Row]
            switch GoalTable.rows(fromCSV: text) {
            case .success(let r): rows = r
            case .failure(let failure):
                throw GoalSyncError.validationFailed(failure.errors.map {
                    Diagnostic(file: file, line: $0.line, field: nil, severity: .error, code: "error", message: $0.message)
                })
            }
            let summary = try GoalEditor(repo).importTable(rows, file: file, noVerify: commit.noVerify)
            guard let result = summary.result else {
                print("Nothing to import: \(file) has no rows.")
                return
            }
            print("imported \(summary.goals) goal\(summary.goals == 1 ? "" : "s"), \(summary.metrics) key result\(summary.metrics == 1 ? "" : "s"), \(summary.checkins) check-in\(summary.checkins == 1 ? "" : "s")")
            report(result, nothing: "")
        }
    }
}

/// Writes `bytes` to the file a person named (relative to the current folder) atomically; a path
/// in a folder that does not exist, a folder, or one that cannot be written is a usage error that
/// says so. Returns the absolute path.
func writeUserFile(_ bytes: [UInt8], to name: String, what: String) throws -> String {
    let url = URL(fileURLWithPath: name, relativeTo: URL(fileURLWithPath: FileManager.default.currentDirectoryPath, isDirectory: true))
    do {
        guard FileSystem.isDirectory(url.deletingLastPathComponent().path), !FileSystem.isDirectory(url.path) else {
            throw GoalSyncError.usage("")
        }
        try FileSystem.writeAtomically(bytes, to: url.path)
    } catch {
        let reason = FileSystem.isDirectory(url.path) ? "it is a folder"
            : !FileSystem.isDirectory(url.deletingLastPathComponent().path) ? "no folder \(url.deletingLastPathComponent().path)"
            : "\(error)"
        throw GoalSyncError.usage("cannot write \(what) to \(name): \(reason); give a file path in an existing folder")
    }
    return url.path
}
