import Foundation
import Testing

/// A goal repository in a temporary folder, made with the built `goalsync init`, removed when the
/// value goes away. Every process it runs gets an environment built here (nothing inherited): a
/// private HOME and XDG_CONFIG_HOME, no system git config, a fixed identity and a fixed today.
///
/// Layout: `base/` (removed at the end) holds `repo/` (the work tree), `home/` and `xdg/`.
package final class TestRepo {
    package static let today = "2026-02-01"
    package static let author = (name: "Ana Ruiz", email: "ana@example.com")
    package static let gitPath = ["/usr/bin/git", "/usr/local/bin/git"].first { FileManager.default.isExecutableFile(atPath: $0) } ?? "/usr/bin/git"

    package let base: String
    package let root: String
    package let home: String
    package let binary: String
    package var environment: [String: String]

    /// - Parameter initialize: run `goalsync init` in `repo/` (else `repo/` is an empty folder).
    package init(initialize: Bool = true, sourceLocation: SourceLocation = #_sourceLocation) throws {
        binary = try Binary.path(sourceLocation: sourceLocation)
        let tmp = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        base = tmp + "/goalsync-test-" + UUID().uuidString.lowercased()
        root = base + "/repo"
        home = base + "/home"
        for dir in [root, home, base + "/xdg"] {
            try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        }
        environment = [
            "PATH": (binary as NSString).deletingLastPathComponent + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": home,
            "XDG_CONFIG_HOME": base + "/xdg",
            "GIT_CONFIG_NOSYSTEM": "1",
            "GIT_AUTHOR_NAME": Self.author.name, "GIT_AUTHOR_EMAIL": Self.author.email,
            "GIT_COMMITTER_NAME": Self.author.name, "GIT_COMMITTER_EMAIL": Self.author.email,
            "GOALSYNC_TODAY": Self.today,
            "LANG": "C.UTF-8",
            "TMPDIR": tmp,
        ]
        if initialize {
            let result = try goalsync(["init"])
            try #require(result.status == 0, "goalsync init failed: \(result)", sourceLocation: sourceLocation)
        }
    }

    deinit {
        try? FileManager.default.removeItem(atPath: base)
    }

    // MARK: Running programs

    /// Runs the built goalsync in `directory` (default: the work tree). `env` entries override the
    /// environment; a nil value removes the variable.
    @discardableResult
    package func goalsync(_ arguments: [String], env: [String: String?] = [:], in directory: String? = nil) throws -> ProcessResult {
        try ProcessRunner.run(binary, arguments, in: directory ?? root, environment: merged(env))
    }

    @discardableResult
    package func goalsync(_ arguments: String...) throws -> ProcessResult {
        try goalsync(arguments)
    }

    /// Runs plain git in the work tree.
    @discardableResult
    package func git(_ arguments: [String], env: [String: String?] = [:], in directory: String? = nil) throws -> ProcessResult {
        try ProcessRunner.run(Self.gitPath, arguments, in: directory ?? root, environment: merged(env))
    }

    @discardableResult
    package func git(_ arguments: String...) throws -> ProcessResult {
        try git(arguments)
    }

    /// git's trimmed stdout; fails the test when git fails.
    package func gitOutput(_ arguments: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        let r = try git(arguments)
        try #require(r.status == 0, "git \(arguments.joined(separator: " ")) failed: \(r)", sourceLocation: sourceLocation)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    package func merged(_ overrides: [String: String?]) -> [String: String] {
        var env = environment
        for (k, v) in overrides { env[k] = v }
        return env
    }

    /// Runs goalsync and requires success; returns its result.
    @discardableResult
    package func ok(_ arguments: String..., env: [String: String?] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        try ok(arguments, env: env, sourceLocation: sourceLocation)
    }

    @discardableResult
    package func ok(_ arguments: [String], env: [String: String?] = [:], sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try goalsync(arguments, env: env)
        try #require(r.status == 0, "goalsync \(arguments.joined(separator: " ")) failed: \(r)", sourceLocation: sourceLocation)
        return r
    }

    // MARK: Files

    package func path(_ relative: String) -> String { root + "/" + relative }

    package func write(_ relative: String, _ text: String) throws {
        try writeBytes(relative, Array(text.utf8))
    }

    package func writeBytes(_ relative: String, _ bytes: [UInt8]) throws {
        let p = path(relative)
        try FileManager.default.createDirectory(atPath: (p as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        try Data(bytes).write(to: URL(fileURLWithPath: p))
    }

    package func read(_ relative: String) throws -> String {
        String(decoding: try readBytes(relative), as: UTF8.self)
    }

    package func readBytes(_ relative: String) throws -> [UInt8] {
        Array(try Data(contentsOf: URL(fileURLWithPath: path(relative))))
    }

    package func exists(_ relative: String) -> Bool {
        var st = stat()
        return lstat(path(relative), &st) == 0
    }

    // MARK: git state

    /// HEAD's commit id ("" when there is none, or no repository).
    package var head: String { quietGit("rev-parse", "--verify", "-q", "HEAD") }

    /// git's trimmed stdout, or "" when git fails (no repository, no commit): for state snapshots.
    package func quietGit(_ arguments: String...) -> String {
        guard let r = try? git(arguments), r.status == 0 else { return "" }
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// `git log -1 --format=%B`: the last commit's message.
    package func lastMessage() throws -> String { try gitOutput("log", "-1", "--format=%B") }

    package func commitCount() throws -> Int { Int(try gitOutput("rev-list", "--count", "HEAD")) ?? -1 }

    /// Commits everything in the work tree with plain git (the hook runs).
    @discardableResult
    package func commitAll(_ message: String, verify: Bool = true) throws -> ProcessResult {
        try git("add", "-A")
        return try git(["commit", "-q", "-m", message] + (verify ? [] : ["--no-verify"]))
    }

    /// Everything a command could change: HEAD, the index, `git status`, and every file under the
    /// temporary folder (work tree, home, siblings) except the `.git` folder's own bookkeeping.
    package func snapshot() throws -> RepoSnapshot {
        RepoSnapshot(
            head: head,
            index: quietGit("ls-files", "--stage"),
            status: quietGit("status", "--porcelain", "--untracked-files=all"),
            files: Self.files(under: base))
    }

    package static func files(under dir: String) -> [String: [UInt8]] {
        var out = [String: [UInt8]]()
        guard let e = FileManager.default.enumerator(atPath: dir) else { return out }
        while let rel = e.nextObject() as? String {
            if rel == "repo/.git" || rel.hasPrefix("repo/.git/") { continue }
            let full = dir + "/" + rel
            var st = stat()
            guard lstat(full, &st) == 0 else { continue }
            switch st.st_mode & S_IFMT {
            case S_IFREG: out[rel] = Array((try? Data(contentsOf: URL(fileURLWithPath: full))) ?? Data())
            case S_IFLNK: out[rel] = Array(("link:" + ((try? FileManager.default.destinationOfSymbolicLink(atPath: full)) ?? "")).utf8)
            default: out[rel + "/"] = []
            }
        }
        return out
    }

    // MARK: Goals

    /// `goalsync new` with a chosen id; returns the id.
    @discardableResult
    package func newGoal(_ title: String = "Raise activation from 30% to 50%", id: String, sets: [String] = [], sourceLocation: SourceLocation = #_sourceLocation) throws -> String {
        var args = ["new", title, "--id", id]
        for s in sets { args += ["--set", s] }
        let r = try goalsync(args)
        try #require(r.status == 0, "goalsync new failed: \(r)", sourceLocation: sourceLocation)
        return r.stdout.trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// Replaces the placeholders `goalsync init` writes in VISION.md (a `placeholder` lint warning
    /// each) with a team's own words, and commits, for tests that count every finding.
    package func writeVision(sourceLocation: SourceLocation = #_sourceLocation) throws {
        try write("VISION.md", "---\nproduct: Acme\nvision: Every small team knows what matters this week.\nstrategy: Win small teams first.\n---\n# Product vision\n\nSmall teams lose track of what matters; we keep it in view.\n")
        let r = try commitAll("vision in our own words")
        try #require(r.status == 0, "committing VISION.md failed: \(r)", sourceLocation: sourceLocation)
    }

    /// Writes `text` as `goals/<id>.md` and commits it with plain git (the hook checks it).
    package func commitGoal(_ id: String, _ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try write("goals/\(id).md", text)
        let r = try commitAll("add \(id)")
        try #require(r.status == 0, "committing goals/\(id).md failed: \(r)", sourceLocation: sourceLocation)
    }
}

/// What ``TestRepo/snapshot()`` records.
package struct RepoSnapshot: Equatable {
    package var head: String
    package var index: String
    package var status: String
    package var files: [String: [UInt8]]

    /// The paths whose content differs between two snapshots (for readable failures).
    package func changedFiles(since other: RepoSnapshot) -> [String] {
        Set(files.keys).union(other.files.keys).filter { files[$0] != other.files[$0] }.sorted()
    }
}

/// The checks every failing command must pass: the exit code, one clear line on stderr (validation
/// failures may list their diagnostics first), no crash or stack trace.
package func expectCleanFailure(
    _ r: ProcessResult, exit code: Int32, mentioning needle: String? = nil, allowDiagnostics: Bool = false,
    sourceLocation: SourceLocation = #_sourceLocation
) {
    #expect(r.status == code, "expected exit \(code): \(r)", sourceLocation: sourceLocation)
    let lines = r.stderrLines
    if allowDiagnostics {
        #expect(!lines.isEmpty, "no message on stderr: \(r)", sourceLocation: sourceLocation)
    } else {
        #expect(lines.count == 1, "stderr should be one line: \(r)", sourceLocation: sourceLocation)
    }
    expectNoCrash(r, sourceLocation: sourceLocation)
    if let needle {
        #expect(r.stderr.contains(needle), "stderr should mention \"\(needle)\": \(r)", sourceLocation: sourceLocation)
    }
}

/// No crash report and no stack trace in a result's output.
package func expectNoCrash(_ r: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
    for bad in ["Fatal error", "Stack dump", "stack trace", "Segmentation fault", "Illegal instruction", "0x0000"] {
        #expect(!(r.stderr + r.stdout).contains(bad), "crash (\(bad)): \(r)", sourceLocation: sourceLocation)
    }
    #expect(!r.killedBySignal && r.status < 128, "killed by a signal: \(r)", sourceLocation: sourceLocation)
}
