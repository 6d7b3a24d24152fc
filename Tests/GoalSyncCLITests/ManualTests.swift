import Foundation
import GoalSyncTestSupport
import Testing

/// The manual a person reads without the source: `goalsync help TOPIC` prints the project's own
/// documents from the binary, and the man pages the setup script installs (written from the
/// binary's help by scripts/make-man.py) render with man(1) and hold every section.
@Suite("Manual: man pages and help topics")
struct ManualTests {
    @Test("goalsync help TOPIC prints the document, byte for byte", arguments: [
        ("format", "docs/file-format.md"), ("merge", "docs/merge-rules.md"), ("lint", "docs/lint-codes.md"),
        ("json", "docs/json-outputs.md"), ("safety", "docs/safety.md"), ("progress", "docs/progress.md"),
    ])
    func helpTopics(_ topic: String, _ file: String) throws {
        let repo = try TestRepo(initialize: false)
        let r = try repo.goalsync(["help", topic])
        #expect(r.status == 0, "\(r)")
        #expect(r.stdout == (try Fixtures.packageFile(file)), "goalsync help \(topic) differs from \(file)")
        let top = try repo.goalsync(["--help"])
        #expect(top.stdout.replacingOccurrences(of: "\n", with: " ").contains("goalsync help \(topic) ("), "the top-level help names the topic \(topic)")
        // A command's help is still the command's.
        #expect(try repo.goalsync(["help", "pull"]).stdout.contains("USAGE: goalsync pull"))
    }

    @Test("The man pages: one per command, every section, rendered by man without a warning")
    func manPages() throws {
        let repo = try TestRepo(initialize: false)
        let man = repo.base + "/man"
        let made = try ProcessRunner.run(
            "/usr/bin/env", ["python3", "scripts/make-man.py", repo.binary, man + "/man1"], in: Fixtures.packageRoot.path, environment: repo.environment)
        try #require(made.status == 0, "\(made)")
        let pages = try FileManager.default.contentsOfDirectory(atPath: man + "/man1").sorted()
        for command in ["goalsync", "goalsync-pull", "goalsync-validate", "goalsync-hooks-install", "goalsync-report"] {
            #expect(pages.contains(command + ".1"), "\(command).1 missing from \(pages)")
        }
        #expect(pages.count >= 25)
        let env = repo.environment.merging(["MANPATH": man, "MANWIDTH": "100"]) { $1 }
        // Through a pipe, as a person reads it (to a file, man keeps the overstrike bold).
        func render(_ page: String) throws -> ProcessResult {
            try ProcessRunner.run("/bin/sh", ["-c", "man \"$0\" | cat", page], in: repo.base, environment: env)
        }
        let top = try render("goalsync")
        #expect(top.status == 0, "\(top)")
        for section in ["NAME", "SYNOPSIS", "DESCRIPTION", "COMMANDS", "OPTIONS", "EXIT STATUS", "ENVIRONMENT", "FILES", "EXAMPLES", "SEE ALSO"] {
            #expect(top.stdout.contains("\n" + section + "\n"), "goalsync(1) has no \(section) section")
        }
        #expect(top.stdout.contains("GOALSYNC_LOCK_TIMEOUT") && top.stdout.contains(".goalsync/config.yaml"))
        let pull = try render("goalsync-pull")
        #expect(pull.status == 0 && pull.stdout.contains("goalsync-pull - Fetch and merge per goal and per field."), "\(pull)")
        #expect(pull.stdout.contains("--abort"))
        // groff's own check of every page: no warning.
        for page in pages {
            let check = try ProcessRunner.run("/usr/bin/groff", ["-man", "-Tutf8", "-ww", "-z", man + "/man1/" + page], in: repo.base, environment: repo.environment)
            #expect(check.status == 0 && check.stderr.isEmpty, "\(page): \(check)")
        }
    }

    @Test("The man page's local examples run as written")
    func manExamplesRun() throws {
        let repo = try TestRepo(initialize: false)
        let made = try ProcessRunner.run(
            "/usr/bin/env", ["python3", "scripts/make-man.py", repo.binary, repo.base + "/man"], in: Fixtures.packageRoot.path, environment: repo.environment)
        try #require(made.status == 0, "\(made)")
        let page = try String(contentsOfFile: repo.base + "/man/goalsync.1", encoding: .utf8)
        // The example blocks (.nf ... .fi) of EXAMPLES, roff escapes undone.
        let examples = try #require(page.components(separatedBy: ".SH EXAMPLES\n").last?.components(separatedBy: ".SH ").first)
        let blocks = examples.components(separatedBy: ".nf\n").dropFirst().map { $0.components(separatedBy: "\n.fi").first ?? "" }
        #expect(blocks.count == 4)
        let local = blocks.prefix(2).joined(separator: "\n").replacingOccurrences(of: "\\-", with: "-").replacingOccurrences(of: "\\e", with: "\\")
        let script = "set -eu\n" + local + "\n"
        let env = repo.environment.merging(["GOALSYNC_TODAY": ISO8601DateFormatter.string(from: Date(), timeZone: .current, formatOptions: [.withFullDate])]) { $1 }
        let r = try ProcessRunner.run("/bin/sh", ["-c", script], in: repo.root, environment: env)
        #expect(r.status == 0, "the man page's examples failed:\n\(script)\n\(r)")
        #expect(r.stdout.contains("Raise new-admin activation from 30% to 50%"), "\(r)")
    }
}
