import Foundation
import Testing

/// A teammate who makes commits in the audit tests: each command runs with their identity as
/// author and committer, at a date the test chooses, so attributions and dates are exact.
package struct Teammate: Sendable {
    package var name: String
    package var email: String

    package var person: String { "\(name) <\(email)>" }

    package static let ana = Teammate(name: "Ana Ruiz", email: "ana@example.com")
    package static let ben = Teammate(name: "Ben Ode", email: "ben@example.com")
    package static let caro = Teammate(name: "Caro Lim", email: "caro@example.com")
    package static let dee = Teammate(name: "Dee Park", email: "dee@example.com")
    package static let eli = Teammate(name: "Eli Moss", email: "eli@example.com")
    package static let fay = Teammate(name: "Fay Gul", email: "fay@example.com")
    package static let gil = Teammate(name: "Gil Ito", email: "gil@example.com")

    /// The environment that makes git and goalsync commit as this person on `day` (YYYY-MM-DD),
    /// with goalsync's today on that day too (check-ins and closings are dated by it).
    package func env(_ day: String) -> [String: String?] {
        let date = "\(day)T10:00:00+00:00"
        return [
            "GIT_AUTHOR_NAME": name, "GIT_AUTHOR_EMAIL": email, "GIT_COMMITTER_NAME": name, "GIT_COMMITTER_EMAIL": email,
            "GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date, "GOALSYNC_TODAY": day,
        ]
    }
}

extension TestRepo {
    /// Runs goalsync as `who` on `day`; requires success.
    @discardableResult
    package func goalsync(as who: Teammate, on day: String, _ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try goalsync(args, env: who.env(day))
        try #require(r.status == 0, "goalsync \(args.joined(separator: " ")) as \(who.name) failed: \(r)", sourceLocation: sourceLocation)
        return r
    }

    /// Runs plain git as `who` on `day`; requires success.
    @discardableResult
    package func git(as who: Teammate, on day: String, _ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> ProcessResult {
        let r = try git(args, env: who.env(day))
        try #require(r.status == 0, "git \(args.joined(separator: " ")) as \(who.name) failed: \(r)", sourceLocation: sourceLocation)
        return r
    }

    /// Edits a goal file by hand (`edit` gets its text, returns the new text) and commits it with
    /// plain git as `who` on `day`.
    package func editByHand(_ id: String, as who: Teammate, on day: String, verify: Bool = true, message: String = "edit by hand", sourceLocation: SourceLocation = #_sourceLocation, _ edit: (String) -> String) throws {
        let path = "goals/\(id).md"
        try write(path, edit(try read(path)))
        try git(as: who, on: day, "add", "-A", sourceLocation: sourceLocation)
        if verify {
            try git(as: who, on: day, "commit", "-q", "-m", message, sourceLocation: sourceLocation)
        } else {
            try git(as: who, on: day, "commit", "-q", "--no-verify", "-m", message, sourceLocation: sourceLocation)
        }
    }

    /// Runs goalsync with `--json` and parses what it printed.
    package func json(_ args: String..., sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: Any] {
        let r = try goalsync(args + ["--json"])
        try #require(r.status == 0, "goalsync \(args.joined(separator: " ")) --json failed: \(r)", sourceLocation: sourceLocation)
        let object = try JSONSerialization.jsonObject(with: Data(r.stdout.utf8))
        return try #require(object as? [String: Any], "not a JSON object: \(r.stdout)", sourceLocation: sourceLocation)
    }
}

/// A goal text edit: inserts front-matter lines before the closing `---`.
package func addingFrontMatter(_ lines: String) -> (String) -> String {
    { text in
        var parts = text.components(separatedBy: "\n---\n")
        parts[0] += "\n" + lines.trimmingCharacters(in: .newlines)
        return parts.joined(separator: "\n---\n")
    }
}

/// A goal text edit: replaces the first line that starts with `prefix`.
package func replacingLine(startingWith prefix: String, with line: String) -> (String) -> String {
    { text in
        var lines = text.components(separatedBy: "\n")
        if let i = lines.firstIndex(where: { $0.hasPrefix(prefix) }) { lines[i] = line }
        return lines.joined(separator: "\n")
    }
}

/// The entries of `goalsync log --json`, as dictionaries.
package func entries(_ log: [String: Any]) -> [[String: Any]] { log["entries"] as? [[String: Any]] ?? [] }

/// The `{field, old, new}` changes of a log entry.
package func changes(_ entry: [String: Any]) -> [(field: String, old: String?, new: String?)] {
    (entry["changes"] as? [[String: Any]] ?? []).map { ($0["field"] as? String ?? "", jsonText($0["old"]), jsonText($0["new"])) }
}

/// A typed JSON value as text, to compare: a string as itself, null as nil, anything else (a
/// number, a list, a mapping) as compact JSON with sorted keys.
package func jsonText(_ value: Any?) -> String? {
    guard let value, !(value is NSNull) else { return nil }
    if let s = value as? String { return s }
    guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .fragmentsAllowed]) else { return "\(value)" }
    return String(decoding: data, as: UTF8.self)
}

/// The author name of a log entry or blame field.
package func authorName(_ entry: [String: Any]) -> String? { (entry["author"] as? [String: Any])?["name"] as? String }

/// The first log entry by `name` that changed `field`.
package func entry(by name: String, changing field: String, in log: [String: Any]) -> [String: Any]? {
    entries(log).first { authorName($0) == name && changes($0).contains { $0.field == field } }
}
