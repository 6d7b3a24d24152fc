import Foundation
import GoalSyncTestSupport
import Testing

/// The JSON contract: every command's `--json` is one object with `format` first, people as
/// `{name, email}`, values typed (never YAML text), and matches its schema in `schema/output/`
/// (checked with scripts/check-json.py, Python's jsonschema).
@Suite("The JSON contract")
struct JSONContractTests {
    /// Checks `output` against `schema/output/NAME.schema.json`; returns the mismatches.
    static func mismatches(_ output: String, schema name: String) throws -> String? {
        let r = try ProcessRunner.run(
            "/usr/bin/env", ["python3", "scripts/check-json.py", "schema/output", name], in: Fixtures.packageRoot.path,
            // The host's Python, the one pip installed jsonschema into (scripts/install-deps.sh).
            environment: ProcessInfo.processInfo.environment, stdin: Array(output.utf8))
        return r.status == 0 ? nil : r.stdout + r.stderr
    }

    /// Every command's output, from a team whose pull stopped on a conflict (Ana and Ben changed
    /// one target), with an active goal, check-ins and a pushed history.
    @Test("Every --json output matches its schema, with format first")
    func everyOutputMatchesItsSchema() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g", "--set", "timeframe.end=2026-04-30").requireOK("new")
        try ana.goalsync("add", "g", "metrics", "{id: a, name: Activated, unit: percent, direction: increase, baseline: 30, target: 50}").requireOK("add")
        try ana.goalsync("set", "g", "status", "proposed").requireOK("propose")
        try ana.goalsync("activate", "g").requireOK("activate")
        try ana.goalsync("checkin", "g", "a", "35", "--confidence", "on_track", "--note", "first week").requireOK("checkin")
        try ana.goalsync("new", "Cut churn", "--id", "churn").requireOK("new")
        var outputs = [(name: String, args: [String], text: String)]()
        func record(_ name: String, _ args: [String], by member: Member, status expected: Int32 = 0) throws {
            let r = try member.goalsync(args)
            #expect(r.status == expected, "\(args.joined(separator: " ")): \(r)")
            outputs.append((name, args, r.stdout))
        }
        try record("push", ["push", "--json"], by: ana)
        let ben = try team.join("Ben")
        try ben.goalsync("set", "g", "metrics.a.target", "60").requireOK("ben's set")
        try ben.goalsync("push").requireOK("ben's push")
        try ana.goalsync("set", "g", "metrics.a.target", "55").requireOK("ana's set")
        try record("sync", ["sync", "--json"], by: ana, status: 1)
        try record("status", ["status", "--json"], by: ana)
        try ana.goalsync("pull", "--abort").requireOK("abort")
        try ana.goalsync("vision", "--set", "north_star.name=Weekly active teams", "--set", "north_star.framework=engagement").requireOK("north star")
        try ana.goalsync("vision", "checkin", "1200", "--note", "first count").requireOK("north star checkin")
        for (name, args) in [
            ("list", ["list", "--json"]), ("show", ["show", "g", "--json"]), ("validate", ["validate", "--json"]),
            ("validate", ["validate", "--rev", "HEAD", "--json"]), ("log", ["log", "--json"]), ("log", ["log", "g", "--json"]),
            ("blame", ["blame", "g", "--json"]), ("contributors", ["contributors", "--json"]), ("report", ["report", "--json"]),
            ("status", ["status", "--json"]), ("vision", ["vision", "--json"]),
        ] {
            try record(name, args, by: ana)
        }
        try record("sync", ["sync", "--json"], by: ben)
        for (name, args, text) in outputs {
            let command = args.joined(separator: " ")
            let mismatches = try Self.mismatches(text, schema: name)
            #expect(mismatches == nil, "goalsync \(command) does not match schema/output/\(name).schema.json:\n\(mismatches ?? "")\n\(text)")
            let first = text.split(separator: "\n").dropFirst().first.map(String.init) ?? ""
            #expect(first == "  \"format\": 1,", "goalsync \(command): format is not the first key: \(first)")
        }
        #expect(Set(outputs.map(\.name)) == ["push", "sync", "status", "list", "show", "validate", "log", "blame", "contributors", "report", "vision"])
    }

    @Test("A conflict's values are typed and its people are {name, email, date}")
    func conflictsAreTyped() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "g").requireOK("new")
        try ana.goalsync("add", "g", "metrics", "{id: a, name: Activated, unit: percent, direction: increase, baseline: 30, target: 50}").requireOK("add")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try ben.goalsync("set", "g", "metrics.a.target", "60").requireOK("set")
        try ben.goalsync("set", "g", "persona", "Admins: of new workspaces").requireOK("set")
        try ben.goalsync("push").requireOK("push")
        try ana.goalsync("set", "g", "metrics.a.target", "55").requireOK("set")
        try ana.goalsync("set", "g", "persona", "New admins").requireOK("set")
        #expect(try ana.goalsync("pull").status == 1)
        let status = try #require(try parseJSON(try ana.goalsync("status", "--json").stdout) as? [String: Any])
        let conflicts = try #require(status["conflicts"] as? [[String: Any]])
        let target = try #require(conflicts.first { $0["field"] as? String == "metrics.a.target" })
        #expect(target["base"] as? Int == 50 && target["ours"] as? Int == 55 && target["theirs"] as? Int == 60, "\(target)")
        let persona = try #require(conflicts.first { $0["field"] as? String == "persona" })
        #expect(persona["ours"] as? String == "New admins")
        #expect(persona["theirs"] as? String == "Admins: of new workspaces", "text without YAML's quotes: \(persona)")
        #expect(persona["base"] is NSNull)
        let theirsBy = try #require(target["theirs_by"] as? [String: Any])
        #expect(theirsBy["name"] as? String == "Ben" && theirsBy["email"] as? String == "ben@example.com", "\(theirsBy)")
        #expect((theirsBy["date"] as? String)?.count == 10)
    }
}
