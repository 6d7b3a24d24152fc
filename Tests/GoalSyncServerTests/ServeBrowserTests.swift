import Foundation
import GoalSyncTestSupport
import Testing

/// `goalsync serve` end to end: the built binary serving a repository made by the test, driven in
/// headless Chromium by chromedriver (Tests/e2e/serve_e2e.py, Python selenium; all from
/// scripts/install-deps.sh). Screenshots go to .ci/artifacts/serve-e2e/, which CI keeps.
@Suite("goalsync serve: end to end in Chromium", .tags(.server))
struct ServeBrowserTests {
    @Test("a goal's life in the browser, a teammate's command showing up in the open page, a conflict settled in the page")
    func browser() throws {
        let repo = try TestRepo()
        let script = Fixtures.packageRoot.appendingPathComponent("Tests/e2e/serve_e2e.py").path
        let shots = Fixtures.packageRoot.appendingPathComponent(".ci/artifacts/serve-e2e").path
        var env = repo.environment
        env["PATH"] = (env["PATH"] ?? "") + ":/usr/sbin:/sbin"
        let result = try ProcessRunner.run("/usr/bin/python3", [script, repo.binary, repo.root, shots], in: repo.root, environment: env, timeout: 300)
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout.contains("e2e: 18 passed, 0 failed"), "\(result.stdout)")
        let log = try repo.gitOutput("log", "--format=%s")
        #expect(log.contains("checkin(activation): activation = 34 (on_track)"))
        #expect(log.contains("activate(activation)"))
        #expect(try repo.gitOutput("show", "HEAD:goals/activation.md").contains("title: Raise new-admin activation to 60%"), "the conflict was settled with theirs, merged and pushed")
    }
}
