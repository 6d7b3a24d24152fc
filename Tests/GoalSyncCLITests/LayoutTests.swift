import Foundation
import GoalSyncTestSupport
import Testing

/// The house rules of the source tree that a compiler does not check: the command-line tool speaks
/// only to Core, and every test that starts a server says so with its tag.
@Suite("Source layout")
struct LayoutTests {
    static func swiftFiles(under relative: String) throws -> [(path: String, text: String)] {
        let root = Fixtures.packageRoot.appendingPathComponent(relative).path
        let names = try FileManager.default.subpathsOfDirectory(atPath: root).filter { $0.hasSuffix(".swift") }.sorted()
        return try names.map { ("\(relative)/\($0)", try String(contentsOfFile: root + "/" + $0, encoding: .utf8)) }
    }

    /// The executable imports GoalSyncCore and nothing of the layers under it: libgit2, its Swift
    /// layer and libcurl are Core's business.
    @Test func theCommandLineToolImportsOnlyCore() throws {
        let files = try Self.swiftFiles(under: "Sources/goalsync")
        #expect(files.count >= 5)
        for (path, text) in files {
            let imports = text.split(separator: "\n").filter { $0.hasPrefix("import ") || $0.hasPrefix("@testable import ") }
            for line in imports {
                #expect(!["GoalSyncGit", "CLibgit2", "CLibgit2Start", "CCurl"].contains(where: { line.hasSuffix(" " + $0) }), "\(path): \(line)")
            }
        }
    }

    /// A test file that starts a server (git daemon, sshd, nginx, a silent listener) tags its suite
    /// or test `.server`, so that the suites needing the servers' packages and ports are known.
    @Test func testsThatStartAServerAreTagged() throws {
        var starting = 0
        for target in ["Tests/GoalSyncGitTests", "Tests/GoalSyncCoreTests", "Tests/GoalSyncCLITests"] {
            for (path, text) in try Self.swiftFiles(under: target) where path != "Tests/GoalSyncCLITests/LayoutTests.swift" {
                let starts = ["DaemonServer(", "SSHDaemon(", "HTTPGitServer(", "SilentListener(", "TestServer.start("].filter { text.contains($0) }
                guard !starts.isEmpty else { continue }
                starting += 1
                #expect(text.contains(".tags(.server)"), "\(path) starts \(starts.joined(separator: ", ")) but has no .tags(.server)")
            }
        }
        #expect(starting >= 8, "the check found \(starting) test files that start a server")
    }
}
