import Foundation
import GoalSyncTestSupport
import Testing

/// Several clones make random edits and sync in random order against a `git daemon`; afterwards
/// every clone holds the same files, every commit on main has at most one active goal, `git fsck`
/// is clean, and every addition nobody removed is present.
@Suite("Convergence", .tags(.server))
struct ConvergenceTests {
    @Test(arguments: [7, 1234])
    func randomEditsAndSyncsConverge(seed: Int) throws {
        let team = try Team()
        let daemon = try DaemonServer(basePath: team.base)
        let url = "git://127.0.0.1:\(daemon.port)/remote.git"
        let founder = Member(team: team, name: "Ana")
        try founder.goalsync("init", founder.dir).requireOK("init")
        try founder.git("remote", "add", "origin", url).requireOK("remote add")
        for id in ["g1", "g2", "g3"] {
            try founder.goalsync("new", "Goal \(id) from 10 to 20", "--id", id).requireOK("new")
            try founder.goalsync("add", id, "metrics", "{id: m, name: M, unit: count, direction: increase, baseline: 10, target: 20}").requireOK("metric")
            try founder.goalsync("set", id, "status", "proposed").requireOK("propose")
        }
        try founder.goalsync("activate", "g1").requireOK("activate")
        try founder.goalsync("push").requireOK("push")
        var members = [founder]
        for name in ["Ben", "Caro"] { members.append(try team.join(name, url: url)) }

        var rng = SplitMix(seed: seed)
        var added = Set<String>()  // list items and check-in notes nobody removes
        for round in 0..<24 {
            let m = members[Int.random(in: 0..<members.count, using: &rng)]
            let goal = ["g1", "g2", "g3"].randomElement(using: &rng)!
            let token = "\(m.name.lowercased())-\(round)"
            switch Int.random(in: 0..<5, using: &rng) {
            case 0:
                try m.goalsync("add", goal, "tags", token).requireOK("add tag")
                added.insert("- \(token)")
            case 1:
                try m.goalsync("add", goal, "proof", "proof \(token)").requireOK("add proof")
                added.insert("- proof \(token)")
            case 2:
                try m.goalsync("checkin", goal, "m", "\(11 + round)", "--note", "note \(token)").requireOK("checkin")
                added.insert("note \(token)")
            case 3:
                try m.goalsync("set", goal, "persona", "Persona \(token)").requireOK("set")
            default:
                try m.goalsync("set", goal, "metrics.m.target", "\(21 + round)").requireOK("set target")
            }
            if Bool.random(using: &rng) { try sync(m) }
        }
        // Everyone syncs until nothing moves: two rounds suffice.
        for _ in 0..<2 { for m in members { try sync(m) } }

        let reference = try snapshot(members[0])
        for m in members.dropFirst() { #expect(try snapshot(m) == reference, "\(m.name) differs") }
        let all = reference.values.map { String(decoding: $0, as: UTF8.self) }.joined(separator: "\n")
        for item in added { #expect(all.contains(item), "lost \(item)") }
        for m in members { #expect(try m.git("fsck", "--no-progress").status == 0) }
        // Every commit on main has at most one active goal.
        let commits = try founder.git("rev-list", "main").stdout.split(separator: "\n").map(String.init)
        for c in commits {
            let active = try founder.git("grep", "-l", "^status: active", c, "--", "goals/")
            let count = active.stdout.split(separator: "\n").filter { !$0.isEmpty }.count
            #expect(count <= 1, "commit \(c) has \(count) active goals")
        }
        withExtendedLifetime(daemon) {}
    }

    /// pull (settling any true conflict with ours), then push.
    func sync(_ m: Member) throws {
        let pull = try m.goalsync("pull")
        if pull.status == 1 {
            try m.goalsync("resolve", "--all", "--ours").requireOK("resolve --all")
            try m.goalsync("pull", "--continue").requireOK("continue")
        } else {
            try pull.requireOK("pull")
        }
        let push = try m.goalsync("push")
        if push.status == 1 {
            try m.goalsync("resolve", "--all", "--ours").requireOK("resolve --all")
            try m.goalsync("pull", "--continue").requireOK("continue")
            try m.goalsync("push").requireOK("push after settling")
        } else {
            try push.requireOK("push")
        }
    }

    func snapshot(_ m: Member) throws -> [String: [UInt8]] {
        TestRepo.files(under: m.dir).filter { !$0.key.hasPrefix(".git/") && $0.key != ".git" }
    }
}
