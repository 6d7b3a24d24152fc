import ArgumentParser
import Foundation
import GoalSyncCore

/// Options every command takes.
struct GlobalOptions: ParsableArguments {
    @Option(name: .customShort("C"), help: ArgumentHelp("Run as if goalsync was started in DIR.", valueName: "DIR"))
    var directory: String?

    @Option(help: ArgumentHelp(
        "When to colour the output: auto (on a terminal, unless NO_COLOR is set; CLICOLOR_FORCE=1 forces it into a pipe), always or never.",
        valueName: "WHEN"))
    var color: ColorChoice = .auto

    var path: String { directory ?? FileManager.default.currentDirectoryPath }

    mutating func validate() throws {
        ColorPolicy.choose(color)
    }

    /// Opens the repository; first rolls back a goalsync write that was killed before it
    /// committed, saying so in one line on stderr.
    func open() throws -> GoalRepository {
        let repo = try GoalRepository.open(at: path)
        repo.transportWarning = Output.transportWarning
        if let note = try repo.recoverInterruptedWrite() { Output.err(note) }
        return repo
    }

    /// Opens the repository even when `.goalsync/config.yaml` cannot be used: one warning line on
    /// stderr names the problem, and the default settings stand in for it. For `pull`, which may
    /// be what fetches the fix, and for the commands that only read.
    /// Like ``open()``, it first rolls back a killed write.
    func openDespiteConfig() throws -> GoalRepository {
        let repo = try GoalRepository.open(at: path, onInvalidConfig: { Output.warnInvalidConfig($0) })
        repo.transportWarning = Output.transportWarning
        if let note = try repo.recoverInterruptedWrite() { Output.err(note) }
        return repo
    }
}

/// Options of the commands that commit.
struct CommitOptions: ParsableArguments {
    @Flag(name: .customLong("no-verify"), help: "Skip the team's other pre-commit hooks (goalsync still validates).")
    var noVerify = false
}

enum Output {
    /// One line on stderr. What was printed on stdout before goes out first, so that a person who
    /// sends both streams to one file or pipe reads them in the order goalsync wrote them. goalsync's
    /// own `goalsync: error:` and `goalsync: warning:` words are coloured on a colour terminal.
    static func err(_ text: String) {
        fflush(nil)  // every C output stream: stdout, where print writes
        FileHandle.standardError.write(Data(Terminal.safe(Terminal.masked(stderrStyled(text) + "\n")).utf8))
    }

    private static let stderrStyle = TextStyle(enabled: ColorPolicy.enabled(for: STDERR_FILENO))

    private static func stderrStyled(_ text: String) -> String {
        guard text.hasPrefix("goalsync: "), stderrStyle.enabled else { return text }
        for (word, colour) in [("error", stderrStyle.red), ("warning", stderrStyle.yellow)] where text.hasPrefix("goalsync: \(word): ") {
            return "goalsync: " + colour(word) + text.dropFirst("goalsync: \(word)".count)
        }
        return text
    }

    /// The one warning line for a `.goalsync/config.yaml` that cannot be used, read with the defaults.
    static func warnInvalidConfig(_ error: GoalSyncError) {
        guard case .invalidConfig(let line, let message) = error else { return }
        err("goalsync: warning: \(RepoConfig.path)\(line.map { ":\($0)" } ?? ""): \(oneLine(message)); going on with the default settings until it is fixed")
    }

    /// What the server wrote for people (its hooks' output), on stderr as git shows it: each line
    /// after "remote: ", control characters escaped.
    static func serverMessages(_ lines: [String]) {
        for line in lines { err("remote: \(line)") }
    }

    /// How a transfer's warning (TLS checks turned off) reaches the user: one line on stderr.
    static let transportWarning: @Sendable (String) -> Void = { err("goalsync: warning: \($0)") }

    /// Whether stdout is coloured (``ColorPolicy``).
    static var colorEnabled: Bool { ColorPolicy.enabled(for: STDOUT_FILENO) }
}

/// Runs a command's body, turning goalsync's errors into one line on stderr and the exit code of
/// SPEC §5 (never a stack trace).
func run(_ body: () throws -> Void) throws {
    do {
        try body()
    } catch let error as GoalSyncError {
        if case .validationFailed(let diagnostics) = error {
            for d in diagnostics { Output.err(d.formatted) }
            Output.err("goalsync: error: the change breaks the rules above; nothing was committed")
        } else if case .mergeBreaksRules(let diagnostics) = error {
            for d in diagnostics { Output.err(d.formatted) }
            Output.err("goalsync: error: the merge breaks the rules above and was not committed; fix the files (then git add them) and run goalsync pull --continue again, or goalsync pull --abort to return to before the pull")
        } else if case .outgoingCommitsBreakRules(let problems) = error {
            // Each error of each commit, then what to do: several lines by design, as validate's.
            for problem in problems {
                for d in problem.diagnostics { Output.err("commit \(problem.label): \(oneLine(d.formatted))") }
            }
            Output.err("goalsync: error: \(oneLine(error.errorDescription ?? "\(error)"))")
        } else if case .pushRefused(_, _, _, let messages) = error {
            // The server's own words first, as git shows them, then which reference it refused and why.
            Output.serverMessages(messages)
            Output.err("goalsync: error: \(oneLine(error.errorDescription ?? "\(error)"))")
        } else if case .editRejected = error {
            // The diagnostics, then where the person's text is kept: several lines by design.
            Output.err("goalsync: error: \(error.errorDescription ?? "\(error)")")
        } else {
            Output.err("goalsync: error: \(oneLine(error.errorDescription ?? "\(error)"))")
        }
        throw ExitCode(error.exitCode)
    } catch let error as ExitCode {
        throw error
    } catch let error as CleanExit {
        throw error
    } catch {
        // An error of the git layer (libgit2, a transport) or the system: the repository or remote
        // cannot be used.
        Output.err("goalsync: error: \(oneLine(GoalSyncError.gitLayerDescription(of: error) ?? error.localizedDescription))")
        throw ExitCode(2)
    }
}

/// An error message as one line: a line break that came in with the input (an id, a path) is
/// shown escaped, so every error stays one line on stderr.
func oneLine(_ message: String) -> String {
    message.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
}

/// Prints what a write committed, and its lint warnings on stderr.
func report(_ result: CommitResult?, nothing: String) {
    guard let result else {
        print(nothing)
        return
    }
    print("committed \(String(result.commit.prefix(8)))")
    lintNote(result)
}

/// One line on stderr when what was committed has lint warnings (validate lists them), and one
/// when an earlier killed write was rolled back first.
func lintNote(_ result: CommitResult) {
    if let note = result.recovery { Output.err(note) }
    let warnings = result.warnings.filter { $0.severity == .warning }
    guard !warnings.isEmpty else { return }
    let files = Array(Swift.Set(warnings.map(\.file))).sorted()
    let codes = Array(Swift.Set(warnings.map(\.code))).sorted()
    Output.err("note: \(warnings.count) lint warning\(warnings.count == 1 ? "" : "s") (\(codes.joined(separator: ", "))); see goalsync validate \(files.joined(separator: " "))")
}

func percent(_ p: Double?) -> String {
    guard let p else { return "—" }
    return String(format: "%.0f%%", p * 100)
}

func number(_ d: Double?) -> String {
    guard let d else { return "—" }
    return d == d.rounded() && abs(d) < 1e15 ? String(Int64(d)) : String(d)
}
