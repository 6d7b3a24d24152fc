import Foundation
import GoalSyncCore

/// `goalsync help TOPIC`: the project's own documents, carried in the binary, for a person who has
/// the tool and not its source.
enum HelpTopics {
    static let topics: [(name: String, summary: String, text: String)] = [
        ("format", "the goal file: fields, types, what the fast reader and the writer keep", EmbeddedFiles.fileFormatDoc),
        ("merge", "how pull merges concurrent edits per goal and per field, and what a conflict is", EmbeddedFiles.mergeRulesDoc),
        ("lint", "the lint codes, what each asks of a goal, and how to set their severity", EmbeddedFiles.lintCodesDoc),
        ("progress", "how progress, guardrails, pace and check-in dates are computed", EmbeddedFiles.progressDoc),
        ("json", "the --json outputs of the reading commands", EmbeddedFiles.jsonOutputsDoc),
        ("safety", "what goalsync guarantees against hostile remotes, files and interruptions", EmbeddedFiles.safetyDoc),
    ]

    /// The topic's text, or nil when `name` is not a topic (then it may be a command).
    static func text(_ name: String) -> String? {
        topics.first { $0.name == name }?.text
    }

    /// The paragraph of the top-level help that names the topics.
    static var list: String {
        "Topics, from the project's own documents: "
            + topics.map { "goalsync help \($0.name) (\($0.summary))" }.joined(separator: "; ") + "."
    }
}
