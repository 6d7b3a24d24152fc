import Foundation
import GoalSyncCore
import Testing

/// A parsed goalsync commit message: subject, `Goal-Id:` and `Goal-Fields:` trailers.
package struct CommitMessageParts {
    package var subject: String
    package var goalIDs: [String]
    package var fields: [String]

    package init(_ message: String) {
        let lines = message.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        subject = lines.first ?? ""
        goalIDs = lines.filter { $0.hasPrefix("Goal-Id: ") }.map { String($0.dropFirst("Goal-Id: ".count)) }
        fields = lines.first { $0.hasPrefix("Goal-Fields: ") }
            .map { $0.dropFirst("Goal-Fields: ".count).components(separatedBy: ", ") } ?? []
    }
}

extension TestRepo {
    /// Checks that exactly one commit was made since `count` commits, with `subject` (exact, or
    /// a prefix when it ends with `…`), the `Goal-Id:` trailers `ids` and at least `fields`.
    package func expectOneCommit(
        since count: Int, subject: String, ids: [String], fields: [String] = [],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        #expect(try commitCount() == count + 1, "expected exactly one new commit", sourceLocation: sourceLocation)
        let message = CommitMessageParts(try lastMessage())
        if subject.hasSuffix("…") {
            #expect(message.subject.hasPrefix(String(subject.dropLast())), "subject: \(message.subject)", sourceLocation: sourceLocation)
        } else {
            #expect(message.subject == subject, sourceLocation: sourceLocation)
        }
        #expect(message.goalIDs == ids, sourceLocation: sourceLocation)
        for f in fields {
            #expect(message.fields.contains(f), "Goal-Fields \(message.fields) lacks \(f)", sourceLocation: sourceLocation)
        }
        #expect(try gitOutput("status", "--porcelain") == "", "a goalsync commit leaves a clean work tree", sourceLocation: sourceLocation)
    }

    /// The front matter of `goals/<id>.md` in the work tree.
    package func frontMatter(_ id: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> YAMLMap {
        try MarkdownDocument.parse(try readBytes("goals/\(id).md")).frontMatter
    }
}

/// Parses JSON output; fails the test when it is not JSON.
package func parseJSON(_ text: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> Any {
    try #require(
        try? JSONSerialization.jsonObject(with: Data(text.utf8), options: [.fragmentsAllowed]),
        "not JSON: \(text)", sourceLocation: sourceLocation)
}

/// The keys of each JSON object in `text`'s top level, in the order they are written.
package func topLevelKeys(ofJSONObject text: String) -> [String] {
    // Keys of the outermost object: `"key" :` at nesting depth 1, outside strings.
    var keys = [String]()
    var depth = 0
    var inString = false
    var escaped = false
    var current = ""
    var lastString: String?
    for c in text {
        if inString {
            if escaped { escaped = false; current.append(c); continue }
            if c == "\\" { escaped = true; current.append(c); continue }
            if c == "\"" { inString = false; lastString = current; current = ""; continue }
            current.append(c)
            continue
        }
        switch c {
        case "\"": inString = true
        case "{", "[": depth += 1; lastString = nil
        case "}", "]": depth -= 1; lastString = nil
        case ":": if depth == 1, let k = lastString { keys.append(k) }; lastString = nil
        case ",": lastString = nil
        default: break
        }
    }
    return keys
}
