import Foundation
import GoalSyncCore
import GoalSyncGit
import GoalSyncTestSupport
import Testing

/// The core entry points the executable calls, in process: the errors they throw carry the exit
/// code and message of SPEC §5, and what they commit is what the binary commits.
@Suite("Core entry points in process")
struct InProcessTests {
    /// The repository of a `TestRepo`, opened in process with the test's environment.
    static func open(_ repo: TestRepo, env: [String: String?] = [:]) throws -> GoalRepository {
        try GoalRepository.open(at: repo.root, environment: repo.merged(env))
    }

    @Test("newGoal, set, add and checkin commit what the binary commits")
    func writes() throws {
        let repo = try TestRepo()
        let core = try Self.open(repo)
        #expect(core.today == Today.date)
        let (id, created) = try GoalEditor(core).newGoal(title: "Raise activation", id: "g", sets: ["persona=New admins"], noVerify: false)
        #expect(id == "g")
        #expect(created.commit == repo.head)
        try repo.expectOneCommit(since: 1, subject: "new(g): Raise activation", ids: ["g"], fields: ["persona"])

        let set = try #require(try GoalEditor(core).set(id: "g", field: "timeframe.end", value: "2026-03-31", reason: nil, noVerify: false))
        #expect(set.commit == repo.head)
        #expect(try repo.lastMessage().hasPrefix("set(g): timeframe"))
        #expect(try GoalEditor(core).set(id: "g", field: "timeframe.end", value: "2026-03-31", reason: nil, noVerify: false) == nil, "no change, no commit")

        _ = try GoalEditor(core).add(id: "g", list: "metrics", value: "{id: activation, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}", noVerify: false)
        let (checkinID, result) = try GoalEditor(core).checkin(id: "g", metric: "activation", value: "34", confidence: "at_risk", note: nil, on: nil, noVerify: false)
        #expect(GoalID.isValidItemID(checkinID))
        #expect(result.commit == repo.head)
        // Draft goals are not linted, so the at_risk check-in without a note warns nothing yet.
        #expect(result.warnings.isEmpty)
        let goal = try core.loadGoal("g")
        #expect(goal.checkins.map(\.id) == [checkinID])
        #expect(goal.checkins.first?.value == 34)
        #expect(GoalProgress(goal: goal).overall == 0.2)
    }

    struct Failure: Sendable, CustomTestStringConvertible {
        var name: String
        var exitCode: Int32
        var message: String
        var run: @Sendable (GoalRepository) throws -> Void
        var testDescription: String { name }
    }

    static let failures: [Failure] = [
        Failure(name: "invalid id", exitCode: 64, message: "'../x' is not a valid goal id") { _ = try $0.loadGoal("../x") },
        Failure(name: "unknown id", exitCode: 64, message: "no goal with id 'ghost'") { _ = try GoalEditor($0).set(id: "ghost", field: "title", value: "T", reason: nil, noVerify: false) },
        Failure(name: "existing id", exitCode: 64, message: "a goal with id 'g' already exists") { _ = try GoalEditor($0).newGoal(title: "T", id: "g", sets: [], noVerify: false) },
        Failure(name: "a draft cannot be activated", exitCode: 1, message: "propose it first") { _ = try GoalEditor($0).activate(id: "g", close: nil, reason: nil, noVerify: false) },
        Failure(name: "an illegal move", exitCode: 1, message: "a draft goal cannot become achieved") { _ = try GoalEditor($0).set(id: "g", field: "status", value: "achieved", reason: "x", noVerify: false) },
        Failure(name: "a change that breaks validation", exitCode: 1, message: "timeframe.end: timeframe ends (2025-01-01) before it starts (2026-01-05)") {
            _ = try GoalEditor($0).set(id: "g", field: "timeframe", value: "{start: 2026-01-05, end: 2025-01-01}", reason: nil, noVerify: false)
        },
        Failure(name: "a list set as a scalar", exitCode: 64, message: "proof is a list") { _ = try GoalEditor($0).set(id: "g", field: "proof", value: "x", reason: nil, noVerify: false) },
    ]

    @Test("Errors carry SPEC §5's exit code and say what and where", arguments: failures)
    func errors(_ f: Failure) throws {
        let repo = try TestRepo()
        try repo.newGoal(id: "g")
        let core = try Self.open(repo)
        let before = try repo.snapshot()
        do {
            try f.run(core)
            Issue.record("\(f.name) did not throw")
        } catch let error as GoalSyncError {
            #expect(error.exitCode == f.exitCode)
            #expect((error.errorDescription ?? "").contains(f.message), "\(error.errorDescription ?? "")")
        }
        #expect(try repo.snapshot() == before)
    }

    @Test("Opening: not a repository and not a goal repository are exit-2 errors")
    func opening() throws {
        let repo = try TestRepo(initialize: false)
        #expect(throws: GoalSyncError.notARepository(repo.root)) { try Self.open(repo) }
        try repo.git("init", "-q")
        do {
            _ = try Self.open(repo)
            Issue.record("opened a repository without .goalsync/config.yaml")
        } catch let error as GoalSyncError {
            #expect(error.exitCode == 2)
            #expect(error == .notAGoalRepository(repo.root))
        }
    }

    @Test("validateWorkingTree and validateStaged see the same rules as the binary")
    func validation() throws {
        let repo = try TestRepo()
        try repo.commitGoal("a", GoalText.clean(id: "a", status: "active").text)
        try repo.write("goals/b.md", GoalText.clean(id: "b", status: "active").text)
        let core = try Self.open(repo)
        let working = RepositoryChecks(core).validateWorkingTree()
        #expect(working.filter { $0.severity == .error }.map(\.file) == ["goals/a.md", "goals/b.md"])
        #expect(try RepositoryChecks(core).validateStaged().diagnostics.isEmpty, "b is not staged")
        try repo.git("add", "goals/b.md")
        #expect(try RepositoryChecks(core).validateStaged().diagnostics.filter { $0.severity == .error }.count == 2)
    }
}
