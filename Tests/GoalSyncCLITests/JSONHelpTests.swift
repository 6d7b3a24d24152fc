import Foundation
import GoalSyncTestSupport
import Testing

/// `--help` documents each reading command's `--json` shape as `--json prints {key, key: {…},
/// key: [{…}], key: {<name>: <value>}}`; the keys documented are the keys produced.
@Suite("JSON shapes in --help")
struct JSONHelpTests {
    /// What `--json prints {…}` says: a key with no shape after it may hold anything.
    indirect enum Shape: Equatable {
        case any
        case object([(String, Shape)])
        /// `{<name>: <value>}`: an object whose keys are data.
        case map
        case array(Shape)

        static func == (a: Shape, b: Shape) -> Bool {
            switch (a, b) {
            case (.any, .any), (.map, .map): return true
            case (.object(let x), .object(let y)): return x.map(\.0) == y.map(\.0) && zip(x, y).allSatisfy { $0.1 == $1.1 }
            case (.array(let x), .array(let y)): return x == y
            default: return false
            }
        }
    }

    /// Parses the `{…}` after "--json prints" in a help text (wrapped lines joined).
    static func documentedShape(_ help: String) throws -> Shape {
        let text = help.split(whereSeparator: \.isWhitespace).joined(separator: " ")
        let start = try #require(text.range(of: "--json prints {"), "no '--json prints {' in:\n\(help)")
        let chars = Array(text[text.index(before: start.upperBound)...])
        var i = 0
        func skipSpaces() { while i < chars.count, chars[i] == " " { i += 1 } }
        func expect(_ c: Character) throws {
            skipSpaces()
            try #require(i < chars.count && chars[i] == c, "expected '\(c)' at \(String(chars[i...].prefix(40)))")
            i += 1
        }
        func value() throws -> Shape {
            skipSpaces()
            if chars[i] == "[" {
                i += 1
                let inner = try value()
                try expect("]")
                return .array(inner)
            }
            try expect("{")
            var members = [(String, Shape)]()
            while true {
                skipSpaces()
                var key = ""
                while i < chars.count, !":,}".contains(chars[i]) { key.append(chars[i]); i += 1 }
                try #require(i < chars.count, "unterminated shape")
                key = key.trimmingCharacters(in: .whitespaces)
                var shape = Shape.any
                if chars[i] == ":" {
                    i += 1
                    skipSpaces()
                    if chars[i] == "{" || chars[i] == "[" {
                        shape = try value()
                    } else {
                        while i < chars.count, !",}".contains(chars[i]) { i += 1 }  // `<value>`
                    }
                }
                members.append((key, shape))
                skipSpaces()
                if chars[i] == "}" { i += 1; break }
                try expect(",")
            }
            if members.count == 1, members[0].0.hasPrefix("<") { return .map }
            return .object(members)
        }
        return try value()
    }

    /// Differences between a documented shape and a produced JSON value; every documented
    /// object, array and key that `value` holds (not null) is added to `seen`.
    static func differences(_ shape: Shape, _ value: Any, at path: String, seen: inout Set<String>) -> [String] {
        if value is NSNull { return [] }
        seen.insert(path)
        switch shape {
        case .any:
            return []
        case .map:
            return value is [String: Any] ? [] : ["\(path): documented as an object, produced \(type(of: value))"]
        case .array(let inner):
            guard let items = value as? [Any] else { return ["\(path): documented as an array, produced \(type(of: value))"] }
            return items.flatMap { differences(inner, $0, at: path + "[]", seen: &seen) }
        case .object(let members):
            guard let object = value as? [String: Any] else { return ["\(path): documented as an object, produced \(type(of: value))"] }
            var out = [String]()
            let documented = Set(members.map(\.0)), produced = Set(object.keys)
            if documented.count != members.count { out.append("\(path): a key is documented twice") }
            for k in produced.subtracting(documented).sorted() { out.append("\(path).\(k): produced, not documented") }
            for k in documented.subtracting(produced).sorted() { out.append("\(path).\(k): documented, not produced") }
            for (k, s) in members { if let v = object[k] { out += differences(s, v, at: path + "." + k, seen: &seen) } }
            return out
        }
    }

    /// The paths of `shape`'s objects, arrays and maps (as `differences` records them in `seen`):
    /// where a check needs a value that is not null to look inside.
    static func containerPaths(_ shape: Shape, at path: String) -> [String] {
        switch shape {
        case .any: return []
        case .map: return [path]
        case .array(let inner): return [path] + containerPaths(inner, at: path + "[]")
        case .object(let members): return [path] + members.flatMap { containerPaths($0.1, at: path + "." + $0.0) }
        }
    }

    @Test func statusAndReportDocumentTheKeysTheyPrint() throws {
        // Ben's pull stops with a field conflict and two goals activated concurrently; Ben's own
        // active goal has a metric, a timeframe and check-ins; one goal is closed; an unreadable
        // goal file lies around.
        let team = try Team()
        let ana = try team.founder("Ana")
        for id in ["a", "b"] {
            try ana.goalsync("new", "Raise activation from 30% to 50%", "--id", id, "--set", "created=2026-01-05", "--set", "timeframe.start=2026-01-05", "--set", "timeframe.end=2026-12-31").requireOK("new")
            try ana.goalsync("add", id, "metrics", "{id: m, name: Activation, unit: percent, direction: increase, baseline: 30, target: 50}").requireOK("metric")
            try ana.goalsync("set", id, "status", "proposed").requireOK("propose")
        }
        try ana.goalsync("new", "Ship the wizard", "--id", "c").requireOK("new")
        try ana.goalsync("set", "c", "status", "proposed").requireOK("propose")
        try ana.goalsync("set", "c", "status", "abandoned", "--reason", "Superseded by a").requireOK("abandon")
        try ana.goalsync("push").requireOK("push")
        let ben = try team.join("Ben")
        try ana.goalsync("activate", "a").requireOK("activate a")
        try ana.goalsync("set", "a", "persona", "Ana's persona").requireOK("set")
        try ana.goalsync("push").requireOK("push")
        try ben.goalsync("activate", "b").requireOK("activate b")
        try ben.goalsync("checkin", "b", "m", "33", "--confidence", "at_risk", "--note", "slow", "--on", "2026-01-10").requireOK("checkin")
        try ben.goalsync("checkin", "b", "m", "36", "--confidence", "on_track", "--on", "2026-01-20").requireOK("checkin")
        try ben.goalsync("set", "a", "persona", "Ben's persona").requireOK("set")
        #expect(try ben.goalsync("pull").status == 1)
        try ben.write("goals/broken.md", "no front matter\n")

        for command in ["status", "report"] {
            let help = try ben.goalsync(command, "--help").requireOK("\(command) --help").stdout
            let shape = try Self.documentedShape(help)
            let output = try ben.goalsync(command, "--json")
            let json = try parseJSON(output.stdout)
            var seen = Set<String>()
            let problems = Self.differences(shape, json, at: command, seen: &seen)
            #expect(problems.isEmpty, "\(command) --help and --json disagree:\n\(problems.joined(separator: "\n"))")
            // The check looked inside every documented object and array (none was null or empty).
            let unseen = Self.containerPaths(shape, at: command).filter { !seen.contains($0) }
            #expect(unseen.isEmpty, "\(command): not produced in this state, so not checked: \(unseen)")
        }
    }

    @Test func theShapeParserReadsNestingAndMaps() throws {
        let shape = try Self.documentedShape("Text.\n  --json prints {a, b: [{c,\n  d: {e}}], f: {<status>: <count>}, g: {x}}; more text.")
        #expect(shape == .object([("a", .any), ("b", .array(.object([("c", .any), ("d", .object([("e", .any)]))]))), ("f", .map), ("g", .object([("x", .any)]))]))
        var seen = Set<String>()
        let produced: [String: Any] = ["a": 1, "b": [["c": 1, "d": ["e": 2, "extra": 3]]], "f": ["draft": 2], "g": NSNull()]
        #expect(Self.differences(shape, produced, at: "$", seen: &seen) == ["$.b[].d.extra: produced, not documented"])
        #expect(!seen.contains("$.g") && seen.contains("$.b[].d"))
    }
}
