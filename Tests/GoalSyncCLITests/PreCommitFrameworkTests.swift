import Foundation
import GoalSyncTestSupport
import Testing

/// goalsync with the pre-commit framework (https://pre-commit.com, Debian's `pre-commit`): whichever
/// of the two hooks was installed first, a plain `git commit` is validated once, by the framework's
/// `goalsync-validate`, and a commit that breaks the rules is still refused.
@Suite("The pre-commit framework")
struct PreCommitFrameworkTests {
    static let framework = "/usr/bin/pre-commit"

    /// The framework's configuration with goalsync's hook as the project's `.pre-commit-hooks.yaml`
    /// describes it (a local repository, so nothing is downloaded).
    static let config = """
        repos:
          - repo: local
            hooks:
              - id: goalsync-validate
                name: goalsync validate --staged
                entry: goalsync validate --staged
                language: system
                pass_filenames: false
                always_run: true

        """

    /// A goal repository whose PATH starts with a `goalsync` that notes each `validate --staged`
    /// in `base/validations` and runs the real binary.
    func repository() throws -> (TestRepo, count: () -> Int) {
        try #require(FileManager.default.isExecutableFile(atPath: Self.framework), "pre-commit is missing: run scripts/install-deps.sh (Debian package pre-commit)")
        let repo = try TestRepo()
        let bin = repo.base + "/bin", log = repo.base + "/validations"
        try FileManager.default.createDirectory(atPath: bin, withIntermediateDirectories: true)
        try writeExecutable("""
            #!/bin/sh
            case "$*" in "validate --staged"*) echo "$*" >> '\(log)' ;; esac
            exec '\(repo.binary)' "$@"

            """, to: bin + "/goalsync")
        repo.environment["PATH"] = bin + ":" + (repo.environment["PATH"] ?? "/usr/bin:/bin")
        try repo.write(".pre-commit-config.yaml", Self.config)
        try repo.ok("new", "Raise activation from 30% to 50%", "--id", "g")
        try #require(try repo.git("add", ".pre-commit-config.yaml").status == 0)
        try #require(try repo.git("commit", "-q", "-m", "pre-commit config").status == 0)
        let count = { ((try? String(contentsOfFile: log, encoding: .utf8)) ?? "").split(separator: "\n").count }
        return (repo, count)
    }

    /// A plain-git commit of a valid change, then of an invalid one.
    func expectOneValidationPerCommit(_ repo: TestRepo, _ count: () -> Int, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let before = count()
        let text = try String(contentsOfFile: repo.path("goals/g.md"), encoding: .utf8)
        try repo.write("goals/g.md", text.replacingOccurrences(of: "title: Raise activation from 30% to 50%", with: "title: Raise activation from 30% to 55%"))
        let ok = try repo.git("commit", "-q", "-a", "-m", "a valid edit")
        #expect(ok.status == 0, "\(ok)", sourceLocation: sourceLocation)
        #expect(count() - before == 1, "validations for one commit: \(count() - before)", sourceLocation: sourceLocation)

        try repo.write("goals/g.md", text.replacingOccurrences(of: "status: draft", with: "status: bogus"))
        let refused = try repo.git("commit", "-q", "-a", "-m", "an invalid edit")
        #expect(refused.status != 0, "\(refused)", sourceLocation: sourceLocation)
        #expect((refused.stdout + refused.stderr).contains("status 'bogus' is not one of"), "\(refused)", sourceLocation: sourceLocation)
        #expect(count() - before == 2, sourceLocation: sourceLocation)
        #expect(try repo.gitOutput("log", "-1", "--format=%s") == "a valid edit", sourceLocation: sourceLocation)
    }

    @Test("goalsync's hook first, then pre-commit install (goalsync's becomes pre-commit.legacy): one validation per commit")
    func frameworkInstalledAfterGoalsync() throws {
        let (repo, count) = try repository()
        let installed = try ProcessRunner.run(Self.framework, ["install"], in: repo.root, environment: repo.environment)
        #expect(installed.status == 0, "\(installed)")
        #expect(FileManager.default.fileExists(atPath: repo.path(".git/hooks/pre-commit.legacy")), "the framework keeps goalsync's hook as legacy")
        try expectOneValidationPerCommit(repo, count)
    }

    @Test("pre-commit install first, then goalsync hooks install (the framework's hook chained): one validation per commit")
    func goalsyncInstalledAfterFramework() throws {
        let (repo, count) = try repository()
        try FileManager.default.removeItem(atPath: repo.path(".git/hooks/pre-commit"))
        let installed = try ProcessRunner.run(Self.framework, ["install"], in: repo.root, environment: repo.environment)
        #expect(installed.status == 0, "\(installed)")
        try repo.ok("hooks", "install")
        #expect(FileManager.default.fileExists(atPath: repo.path(".git/hooks/pre-commit.goalsync-chained")), "goalsync chains the framework's hook")
        try expectOneValidationPerCommit(repo, count)
        // goalsync's own commit: validated in process; the framework's run of goalsync-validate
        // under it has nothing left to check.
        #expect(try repo.git("checkout", "--", "goals/g.md").status == 0)
        let before = count()
        try repo.ok("set", "g", "persona", "Admins of new workspaces")
        #expect(count() - before <= 1)
        #expect(try repo.gitOutput("log", "-1", "--format=%s").hasPrefix("set(g): persona"))
    }

    @Test("Without goalsync-validate in the framework's configuration, goalsync's own hook still validates")
    func frameworkWithoutGoalsyncsHook() throws {
        let (repo, count) = try repository()
        try repo.write(".pre-commit-config.yaml", "repos: []\n")
        #expect(try repo.git("commit", "-q", "-a", "-m", "no goalsync in the framework", "--no-verify").status == 0)
        let installed = try ProcessRunner.run(Self.framework, ["install"], in: repo.root, environment: repo.environment)
        #expect(installed.status == 0, "\(installed)")
        try expectOneValidationPerCommit(repo, count)
    }
}
