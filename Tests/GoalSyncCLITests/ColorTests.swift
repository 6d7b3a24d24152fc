import Foundation
import GoalSyncTestSupport
import Testing

@testable import goalsync

/// Colour and the terminal conventions: `--color auto|always|never`, `NO_COLOR`, `CLICOLOR_FORCE`,
/// and stdout and stderr kept in the order goalsync wrote them when both go to one file.
@Suite("Colour and terminal conventions")
struct ColorTests {
    static let escape = "\u{1B}["

    @Test("The rule: --color wins, then NO_COLOR, then CLICOLOR_FORCE, then whether it is a terminal")
    func rule() {
        let terminal = { true }, pipe = { false }
        #expect(ColorPolicy.decide(.auto, environment: [:], isTerminal: terminal))
        #expect(!ColorPolicy.decide(.auto, environment: [:], isTerminal: pipe))
        #expect(!ColorPolicy.decide(.auto, environment: ["NO_COLOR": "1"], isTerminal: terminal))
        #expect(ColorPolicy.decide(.auto, environment: ["NO_COLOR": ""], isTerminal: terminal), "an empty NO_COLOR is not set")
        #expect(ColorPolicy.decide(.auto, environment: ["CLICOLOR_FORCE": "1"], isTerminal: pipe))
        #expect(!ColorPolicy.decide(.auto, environment: ["CLICOLOR_FORCE": "0"], isTerminal: pipe))
        #expect(!ColorPolicy.decide(.auto, environment: ["NO_COLOR": "1", "CLICOLOR_FORCE": "1"], isTerminal: terminal))
        #expect(ColorPolicy.decide(.always, environment: ["NO_COLOR": "1"], isTerminal: pipe))
        #expect(!ColorPolicy.decide(.never, environment: ["CLICOLOR_FORCE": "1"], isTerminal: terminal))
    }

    /// A repository with one goal file that breaks two rules.
    func brokenRepo() throws -> TestRepo {
        let repo = try TestRepo()
        try repo.writeVision()
        try repo.ok("new", "Raise activation", "--id", "x")
        try Data("---\nid: x\ntitle: 5\nstatus: bogus\n---\n".utf8).write(to: URL(fileURLWithPath: repo.path("goals/x.md")))
        return repo
    }

    @Test("validate colours the severity only when asked or forced, and never when NO_COLOR says so")
    func validateColours() throws {
        let repo = try brokenRepo()
        let always = try repo.goalsync(["validate", "--color=always"])
        #expect(always.status == 1, "\(always)")
        #expect(always.stdout.contains("goals/x.md:3: \(Self.escape)31merror\(Self.escape)0m: title: "), "\(always)")
        // The same diagnostics, byte for byte, once the colour codes are taken out.
        let plain = try repo.goalsync(["validate"])
        #expect(plain.status == 1)
        #expect(!plain.stdout.contains(Self.escape), "a pipe gets no colour: \(plain)")
        #expect(always.stdout.replacingOccurrences(of: "\(Self.escape)31m", with: "").replacingOccurrences(of: "\(Self.escape)0m", with: "") == plain.stdout)
        #expect(try repo.goalsync(["validate"], env: ["CLICOLOR_FORCE": "1"]).stdout.contains(Self.escape))
        #expect(!(try repo.goalsync(["validate"], env: ["CLICOLOR_FORCE": "1", "NO_COLOR": "1"]).stdout.contains(Self.escape)))
        #expect(!(try repo.goalsync(["validate", "--color", "never"], env: ["CLICOLOR_FORCE": "1"]).stdout.contains(Self.escape)))
        #expect(try repo.goalsync(["validate", "--color", "always"], env: ["NO_COLOR": "1"]).stdout.contains(Self.escape))
        // An error line on stderr colours goalsync's own word only.
        let missing = try repo.goalsync(["show", "nope", "--color=always"])
        #expect(missing.stderr.hasPrefix("goalsync: \(Self.escape)31merror\(Self.escape)0m: no goal with id 'nope'"), "\(missing)")
        let bad = try repo.goalsync(["validate", "--color=sometimes"])
        #expect(bad.status == 64, "\(bad)")
    }

    @Test("stdout and stderr sent to one file keep the order goalsync wrote them in")
    func streamsKeepTheirOrder() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "a").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let cy = try team.join("Cy")
        // Plain git, without the hook, pushes a goal file that breaks the rules: Cy's pull
        // fast-forwards (a line on stdout), then names the file (stderr).
        let remote = TreeBuilder(dir: team.remote, environment: team.env.merging(ana.identity) { $1 })
        var goals = try remote.entries(of: "refs/heads/main:goals")
        goals.append(.init("100644", "bad.md", try remote.blob("---\nid: bad\ntitle: 5\n---\n")))
        var root = try remote.entries(of: "refs/heads/main").filter { $0.name != Array("goals".utf8) }
        root.append(.init("40000", "goals", try remote.tree(goals)))
        let tip = try remote.commit(tree: try remote.tree(root), parent: try remote.git(["rev-parse", "refs/heads/main"]), message: "no hook")
        try remote.setBranch("refs/heads/main", to: tip)

        let r = try team.run("/bin/sh", ["-c", "\"$0\" pull > both.txt 2>&1", team.binary], in: cy.dir, extra: cy.identity)
        #expect(r.status == 1, "\(r)")
        let lines = try cy.text("both.txt").split(separator: "\n").map(String.init)
        let forward = try #require(lines.firstIndex { $0.hasPrefix("Fast-forwarded to") }, "\(lines)")
        let named = try #require(lines.firstIndex { $0.hasPrefix("goals/bad.md:") }, "\(lines)")
        #expect(forward < named, "\(lines)")
        #expect(lines.last?.hasPrefix("goalsync: error: the pull completed") == true, "\(lines)")
    }
}
