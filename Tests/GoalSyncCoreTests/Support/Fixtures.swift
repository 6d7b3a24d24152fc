import Foundation

/// Files of the package the tests read from disk (the `Fixtures/` folder is not a resource).
enum Fixtures {
    /// `Tests/GoalSyncCoreTests/`.
    static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    /// The package root.
    static let packageRoot = testsDirectory.deletingLastPathComponent().deletingLastPathComponent()
    static let schemaFixtures = testsDirectory.appendingPathComponent("Fixtures/schema")

    /// The names of the `*.md` files in `Fixtures/schema/<folder>`, sorted.
    static func names(in folder: String) -> [String] {
        let dir = schemaFixtures.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }

    static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: schemaFixtures.appendingPathComponent(folder).appendingPathComponent(name)))
    }

    /// A file of the package, as text.
    static func packageFile(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: packageRoot.appendingPathComponent(relative)), as: UTF8.self)
    }
}
