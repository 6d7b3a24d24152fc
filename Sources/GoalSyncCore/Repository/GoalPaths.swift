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
        if let ascii = asciiNameRange(path) {
            return ascii.map { r in String(path.utf8.dropFirst(r.lowerBound).prefix(r.count))! }
        }
        let prefix = goalsDirectory + "/"
        guard path.hasPrefix(prefix), path.hasSuffix(".md") else { return nil }
        let name = path.dropFirst(prefix.count).dropLast(3)
        guard !name.contains("/") else { return nil }
        return String(name)
    }

    /// True for `goals/<anything>.md` directly in the goals folder.
    package static func isGoalFile(_ path: String) -> Bool {
        if let ascii = asciiNameRange(path) { return ascii != nil }
        return id(fromPath: path) != nil
    }

    /// For an ASCII path (where bytes are Characters), what `id(fromPath:)` decides, without
    /// Foundation or Character iteration: `.some(nil)` not a goal file, `.some(range)` the id's
    /// byte offsets. nil for other paths, which take the general way.
    private static func asciiNameRange(_ path: String) -> Range<Int>?? {
        var path = path
        return path.withUTF8 { u -> Range<Int>?? in
            var slash = -1
            for (i, c) in u.enumerated() {
                if c >= 0x80 { return nil }
                if c == UInt8(ascii: "/") && slash < 0 { slash = i }
            }
            let prefix = goalsDirectory.utf8.count + 1
            guard u.count >= prefix + 3, slash == prefix - 1, u.starts(with: goalsDirectory.utf8),
                u[u.count - 3] == UInt8(ascii: "."), u[u.count - 2] == UInt8(ascii: "m"), u[u.count - 1] == UInt8(ascii: "d"),
                !u[prefix..<(u.count - 3)].contains(UInt8(ascii: "/"))
            else { return .some(nil) }
            return .some(prefix..<(u.count - 3))
        }
    }
}
