import Foundation

/// Files of the package the tests read from disk (the `Fixtures/` folder is not a resource).
package enum Fixtures {
    /// `Tests/`.
    package static let testsDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    /// The package root.
    package static let packageRoot = testsDirectory.deletingLastPathComponent()
    package static let schemaFixtures = testsDirectory.appendingPathComponent("Fixtures/schema")

    /// The names of the `*.md` files in `Fixtures/schema/<folder>`, sorted.
    package static func names(in folder: String) -> [String] {
        let dir = schemaFixtures.appendingPathComponent(folder).path
        return ((try? FileManager.default.contentsOfDirectory(atPath: dir)) ?? []).filter { $0.hasSuffix(".md") }.sorted()
    }

    package static func bytes(_ folder: String, _ name: String) throws -> [UInt8] {
        Array(try Data(contentsOf: schemaFixtures.appendingPathComponent(folder).appendingPathComponent(name)))
    }

    /// A file of the package, as text.
    package static func packageFile(_ relative: String) throws -> String {
        String(decoding: try Data(contentsOf: packageRoot.appendingPathComponent(relative)), as: UTF8.self)
    }
}
