import Foundation
import GoalSyncTestSupport
import Testing

/// The README's Quickstart is run as it stands, with the built binary on PATH and today's real
/// date, so its examples cannot go stale: a user who types them gets what the README says.
@Suite("README")
struct ReadmeTests {
    /// The `sh` blocks of the README section headed `## Quickstart`, in order.
    static func quickstartBlocks() throws -> [String] {
        let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        let readme = try String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)
        var blocks = [String]()
        var inSection = false, current: [Substring]?
        for line in readme.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("## ") { inSection = line == "## Quickstart" }
            guard inSection else { continue }
            if current == nil, line == "```sh" {
                current = []
            } else if let block = current, line == "```" {
                blocks.append(block.joined(separator: "\n"))
                current = nil
            } else if current != nil {
                current?.append(line)
            }
        }
        return blocks
    }

    @Test("The Quickstart runs as written, and the teammate ends with the same goal")
    func quickstart() throws {
        let blocks = try Self.quickstartBlocks()
        #expect(blocks.count >= 2, "the Quickstart should hold the founder's block and the teammate's block")
        let binary = try Binary.path()
        let tmp = URL(fileURLWithPath: NSTemporaryDirectory()).resolvingSymlinksInPath().path
        let work = tmp + "/goalsync-readme-" + UUID().uuidString.lowercased()
        try FileManager.default.createDirectory(atPath: work + "/home", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: work) }
        let env = [
            "PATH": (binary as NSString).deletingLastPathComponent + ":/usr/local/bin:/usr/bin:/bin",
            "HOME": work + "/home", "GIT_CONFIG_NOSYSTEM": "1", "LANG": "C.UTF-8", "TMPDIR": tmp,
        ]
        // The identity the README tells a new user to set.
        for (key, value) in [("user.name", "Ana Ruiz"), ("user.email", "ana@example.com")] {
            try ProcessRunner.run(TestRepo.gitPath, ["config", "--global", key, value], in: work, environment: env).requireOK("git config")
        }
        let script = "set -euo pipefail\n" + blocks.joined(separator: "\n") + "\n"
        let result = try ProcessRunner.run("/bin/bash", ["-c", script], in: work, environment: env, timeout: 120)
        #expect(result.status == 0, "the README's Quickstart failed:\n\(result)")
        #expect(result.stdout.contains("Raise new-admin activation from 30% to 50%"), "status shows the active goal:\n\(result)")
        // The founder's clone and the teammate's hold the same goal file after the teammate's sync.
        let founder = work + "/acme-goals/goals/faster-activation.md"
        let teammate = work + "/ben-goals/goals/faster-activation.md"
        let pulled = try ProcessRunner.run(binary, ["-C", work + "/acme-goals", "pull"], in: work, environment: env)
        #expect(pulled.status == 0, "\(pulled)")
        let a = try String(contentsOfFile: founder, encoding: .utf8), b = try String(contentsOfFile: teammate, encoding: .utf8)
        #expect(a == b)
        #expect(a.contains("status: active") && a.contains("Admins want to invite teammates"))
    }
}
