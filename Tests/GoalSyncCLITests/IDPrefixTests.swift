import Foundation
import GoalSyncTestSupport
import Testing

/// Ids a person can type: any unique beginning of a goal's id works wherever an id does.
@Suite("Goal id prefixes")
struct IDPrefixTests {
    @Test("A unique beginning of an id names the goal in every command; an ambiguous one lists the candidates (exit 64)")
    func prefixes() throws {
        let repo = try TestRepo()
        try repo.ok("new", "Raise new-admin activation from 30% to 50%", "--id", "raise-new-admin-activation")
        try repo.ok("new", "Raise retention", "--id", "raise-retention")
        try repo.ok("new", "Cut churn", "--id", "cut-churn")
        #expect(try repo.ok("show", "raise-n").stdout.contains("title: Raise new-admin activation from 30% to 50%"))
        try repo.ok("set", "raise-n", "persona", "Admins of new workspaces")
        #expect(try repo.frontMatter("raise-new-admin-activation")["persona"] == .string("Admins of new workspaces"))
        #expect(!FileManager.default.fileExists(atPath: repo.path("goals/raise-n.md")), "the prefix names the goal, not a new file")
        try repo.ok("add", "raise-n", "metrics", "{id: activation, name: Activated, unit: percent, direction: increase, baseline: 30, target: 50}")
        try repo.ok("checkin", "raise-n", "activation", "34")
        try repo.ok("set", "cut", "status", "proposed")
        try repo.ok("activate", "cut")
        #expect(try repo.frontMatter("cut-churn")["status"] == .string("active"))
        #expect(try repo.ok("blame", "raise-r").stdout.contains("title"))
        #expect(try repo.ok("log", "raise-n", "--json").stdout.contains("\"goal\": \"raise-new-admin-activation\""))
        #expect(try repo.ok("contributors", "cut", "--json").stdout.contains("\"goal\": \"cut-churn\""))

        let ambiguous = try repo.goalsync(["show", "raise"])
        #expect(ambiguous.status == 64, "\(ambiguous)")
        #expect(ambiguous.stderr == "goalsync: error: 'raise' begins 2 goal ids (raise-new-admin-activation, raise-retention); type more of the id\n")
        // An exact id wins over being the beginning of another.
        try repo.ok("new", "Raise", "--id", "raise")
        #expect(try repo.ok("show", "raise").stdout.contains("title: Raise\n"))
        // Nothing begins with it: the goal is unknown, as before.
        let unknown = try repo.goalsync(["show", "zzz"])
        #expect(unknown.status == 64 && unknown.stderr.contains("no goal with id 'zzz'"), "\(unknown)")
    }
}
