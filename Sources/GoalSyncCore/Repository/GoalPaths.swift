/// Where things live in a goal repository (SPEC §2).
package enum GoalPaths {
    package static let goalsDirectory = "goals"
    package static let vision = "VISION.md"
    package static let attributes = ".gitattributes"
    package static let schemaDirectory = ".goalsync/schema"

    /// `goals/<id>.md`.
    package static func path(forID id: String) -> String { "\(goalsDirectory)/\(id).md" }

    /// The id a goal file's name gives (`goals/x.md` → `x`), or nil for a path that is not a goal file.
    package static func id(fromPath path: String) -> String? {
        let prefix = goalsDirectory + "/"
        guard path.hasPrefix(prefix), path.hasSuffix(".md") else { return nil }
        let name = path.dropFirst(prefix.count).dropLast(3)
        guard !name.contains("/") else { return nil }
        return String(name)
    }

    /// True for `goals/<anything>.md` directly in the goals folder.
    package static func isGoalFile(_ path: String) -> Bool { id(fromPath: path) != nil }
}
