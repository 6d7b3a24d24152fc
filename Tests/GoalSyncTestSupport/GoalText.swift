import Foundation
import GoalSyncCore

/// A goal file written field by field, so a test can start from a clean goal (no error, no lint
/// finding) and change exactly one thing. Each field is `key: value`; a value that starts with a
/// newline is a block (`proof:\n  - item`).
package struct GoalText: Sendable, CustomStringConvertible {
    package var fields: [(key: String, value: String)]
    package var body = "# Why now\nThe narrative.\n"

    package var id: String { fields.first { $0.key == "id" }?.value ?? "" }

    /// A proposed goal that passes every rule and every lint.
    package static func clean(id: String = "faster-activation", status: String = "proposed") -> GoalText {
        var g = GoalText(fields: [
            ("id", id),
            ("title", "Raise new-admin activation from 30% to 50%"),
            ("status", status),
            ("owner", "Ana Ruiz <ana@example.com>"),
            ("created", "2026-01-05"),
            ("timeframe", "{start: 2026-01-05, end: 2026-03-31}"),
            ("persona", "Admins of newly created workspaces"),
            ("problem", "Most new admins never invite a teammate"),
            ("why", "Activated workspaces retain at 3x the rate"),
            ("moves_north_star", "Activated workspaces become weekly active teams"),
            ("proof", "\n  - \"Q3 funnel: 70% of new admins never send an invite\""),
            ("assumptions", "\n  - Admins want to invite teammates in their first session"),
            ("contributors", "[Ben Ode <ben@example.com>]"),
            ("metrics", "\n  - id: activation\n    name: Workspaces with 3+ active members\n    unit: percent\n    direction: increase\n    baseline: 30\n    target: 50"),
        ])
        if status == "active" {
            g = g.setting("checkins", "\n  - {id: c1, on: 2026-01-25, by: Ben Ode <ben@example.com>, metric: activation, value: 34, confidence: on_track}")
        }
        return g
    }

    /// A draft with only the required fields.
    package static func minimal(id: String, status: String = "draft", title: String = "Raise activation") -> GoalText {
        GoalText(fields: [("id", id), ("title", title), ("status", status)])
    }

    /// Sets (replaces in place, or appends) a field.
    package func setting(_ key: String, _ value: String) -> GoalText {
        var g = self
        if let i = g.fields.firstIndex(where: { $0.key == key }) { g.fields[i].value = value } else { g.fields.append((key, value)) }
        return g
    }

    package func removing(_ key: String) -> GoalText {
        var g = self
        g.fields.removeAll { $0.key == key }
        return g
    }

    package func withBody(_ body: String) -> GoalText {
        var g = self
        g.body = body
        return g
    }

    package var text: String {
        var out = "---\n"
        for (k, v) in fields { out += v.hasPrefix("\n") ? "\(k):\(v)\n" : "\(k): \(v)\n" }
        return out + "---\n" + body
    }

    package var bytes: [UInt8] { Array(text.utf8) }

    package var description: String { text }

    /// The 1-based file line of the first line that starts with `prefix` (e.g. `status:`,
    /// `    target:`, `  - {id: c2`).
    package func line(startingWith prefix: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.hasPrefix(prefix) }.map { $0 + 1 }
    }
}

package enum Today {
    package static let date = SimpleDate(TestRepo.today)!
}

extension GoalValidator {
    /// A validator with the default config (every lint a warning) and the tests' today.
    package static func standard(_ config: RepoConfig = RepoConfig()) -> GoalValidator {
        GoalValidator(config: config, today: Today.date)
    }

    /// The diagnostics for one goal file at `goals/<id>.md` (or `path`).
    package func check(_ goal: GoalText, path: String? = nil) -> [Diagnostic] {
        validate(bytes: goal.bytes, path: path ?? "goals/\(goal.id).md").diagnostics
    }
}

/// Validates files held in memory as a repository tree (the rules across files included).
package func validateTree(_ files: [String: [UInt8]], config: RepoConfig = RepoConfig()) -> [Diagnostic] {
    let treeFiles = files.keys.sorted().map { TreeFile(path: $0, blob: nil, isSymlink: false) }
    return RepositoryValidator(goalValidator: .standard(config)).validate(
        files: treeFiles, fullyValidated: nil, cache: StatusCache(), concurrentReads: false,
        read: { files[$0.path] ?? [] })
}
