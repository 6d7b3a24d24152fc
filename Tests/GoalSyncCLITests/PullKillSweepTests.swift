import Foundation
import GoalSyncTestSupport
import Testing

/// The built binary killed with SIGKILL while a pull writes a few hundred goals into the work tree,
/// at 20 moments spread over those writes (fast-forwards and merges): no temporary file ever shows
/// in the work tree, and the next `goalsync pull` leaves the branch and the files right and
/// `git status --porcelain --ignored` empty.
@Suite("Kill safety: SIGKILL sweep")
struct PullKillSweepTests {
    static let goals = 300
    static let kills = 20

    @Test func aPullKilledWhileWritingLeavesNothingForGitToShow() throws {
        let team = try Team()
        let ana = try team.founder("Ana")
        try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", "seed").requireOK("new")
        try ana.goalsync("push").requireOK("push")
        let cy = try team.join("Cy")
        // Ana adds a few hundred goals with plain git and pushes them.
        for i in 0..<Self.goals {
            let id = String(format: "g-%03d", i)
            try ana.write("goals/\(id).md", GoalText.minimal(id: id, title: "Raise activation \(i)").description)
        }
        try ana.git("add", "-A").requireOK("add")
        try ana.git("commit", "-q", "--no-verify", "-m", "goals").requireOK("commit")
        try ana.git("push", "-q", "origin", "main").requireOK("push")
        let tip = ana.head
        // Two starting points: Cy as he is (a fast-forward), and a copy with a commit of its own (a merge).
        let merging = Member(team: team, name: "Cy-merging")
        try copy(cy, to: merging)
        try merging.goalsync("set", "seed", "persona", "New admins").requireOK("set")
        let reference = Member(team: team, name: "Cy-reference")
        try copy(merging, to: reference)
        try reference.goalsync("pull").requireOK("reference pull")
        let mergedTree = try reference.git("rev-parse", "HEAD^{tree}").stdout

        var landed = 0
        for i in 0..<Self.kills {
            let merge = i.isMultiple(of: 2)
            let m = Member(team: team, name: "kill-\(i)")
            try copy(merge ? merging : cy, to: m)
            // Killed once the pull's journal exists and the work tree holds `threshold` new goals.
            let threshold = i * Self.goals / Self.kills
            let child = try ProcessRunner.spawn(team.binary, ["pull"], in: m.dir, environment: team.env.merging(m.identity) { $1 })
            let reached = waitUntil(pid: child.pid) { journalExists(m) && newGoals(m) >= threshold }
            // (A pull still running when the wait gives up after 60 seconds is killed as well.)
            if reached || !hasExited(child.pid) { kill(child.pid, SIGKILL) }
            let result = try child.wait()
            if result.killedBySignal {
                landed += 1
                // Whatever was written so far, no temporary file is in the work tree.
                let temporaries = workTreeNames(m).filter { $0.contains(".goalsync-") }
                #expect(temporaries.isEmpty, "kill \(i): \(temporaries.sorted())")
            } else {
                #expect(result.status == 0, "kill \(i) came too late, and the pull failed: \(result)")
            }
            // The next goalsync command finishes the pull.
            try m.goalsync("pull").requireOK("pull after kill \(i)")
            if merge {
                #expect(try m.git("rev-parse", "HEAD^{tree}").stdout == mergedTree, "kill \(i)")
                #expect(try m.git("rev-parse", "HEAD^2").stdout.trimmingCharacters(in: .whitespacesAndNewlines) == tip, "kill \(i)")
            } else {
                #expect(m.head == tip, "kill \(i)")
            }
            let status = try m.git("status", "--porcelain", "--ignored")
            #expect(status.status == 0 && status.stdout.isEmpty, "kill \(i): \(status)")
            let left = (try? FileManager.default.contentsOfDirectory(atPath: m.dir + "/.git/goalsync/tmp")) ?? []
            #expect(left.isEmpty, "kill \(i): temporary files left in .git/goalsync/tmp: \(left)")
            #expect(!journalExists(m), "kill \(i): the pull journal is still there")
            try FileManager.default.removeItem(atPath: m.dir)
        }
        // Most kills landed while the pull was writing (a kill is skipped when the pull ended first).
        #expect(landed >= Self.kills / 2, "only \(landed) of \(Self.kills) kills landed during the writes")
    }

    func copy(_ from: Member, to: Member) throws {
        try from.team.run("/bin/cp", ["-a", from.dir, to.dir], in: from.team.base).requireOK("cp")
    }

    /// The paths in the work tree (outside `.git`), names only.
    func workTreeNames(_ m: Member) -> [String] {
        var out = [String]()
        guard let e = FileManager.default.enumerator(atPath: m.dir) else { return out }
        while let path = e.nextObject() as? String {
            if path == ".git" { e.skipDescendants(); continue }
            out.append(path)
        }
        return out
    }

    func journalExists(_ m: Member) -> Bool {
        FileManager.default.fileExists(atPath: m.dir + "/.git/goalsync/pull.json")
    }

    func newGoals(_ m: Member) -> Int {
        ((try? FileManager.default.contentsOfDirectory(atPath: m.dir + "/goals")) ?? []).filter { $0.hasPrefix("g-") && $0.hasSuffix(".md") }.count
    }

    /// Polls `condition` every 0.2 ms until it holds (true) or process `pid` has exited (false),
    /// for at most 60 seconds.
    func waitUntil(pid: pid_t, _ condition: () -> Bool) -> Bool {
        let deadline = Date().addingTimeInterval(60)
        while Date() < deadline {
            if condition() { return true }
            if hasExited(pid) { return false }
            usleep(200)
        }
        return false
    }

    /// Whether `pid` is a zombie (exited, not yet reaped): its state in /proc/PID/stat is Z.
    func hasExited(_ pid: pid_t) -> Bool {
        guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
            let close = stat.lastIndex(of: ")") else { return true }
        return stat[stat.index(after: close)...].trimmingCharacters(in: .whitespaces).hasPrefix("Z")
    }
}
