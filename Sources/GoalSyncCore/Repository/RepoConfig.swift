import Foundation
import Yams

/// `.goalsync/config.yaml`: format version, product, lint severities, check-in cadence, sync settings.
package struct RepoConfig: Sendable, Equatable {
    package var format = 1
    package var product: String?
    package var lint: [String: Severity] = [:]
    package var cadenceDays = 14
    package var syncRemote: String?
    package var syncBranch: String?

    package init() {}

    package static let path = ".goalsync/config.yaml"

    package func severity(of rule: LintRule) -> Severity { lint[rule.code] ?? .warning }

    /// The largest config file goalsync reads.
    package static let maximumSize = 1 << 20

    /// Reads `ROOT/.goalsync/config.yaml` of the work tree at `root`: not a goal repository when it
    /// is missing, an invalid config when it cannot be read or parsed.
    package static func load(root: String) throws -> RepoConfig {
        let bytes: [UInt8]
        do {
            bytes = try FileSystem.readRegularFile(root + "/" + path, limit: maximumSize)
        } catch .missing {
            throw GoalSyncError.notAGoalRepository(root)
        } catch {
            throw GoalSyncError.invalidConfig(line: nil, message: error.message)
        }
        guard let text = String(validating: bytes, as: UTF8.self) else {
            throw GoalSyncError.invalidConfig(line: nil, message: "file is not valid UTF-8; save it as UTF-8")
        }
        return try parse(text)
    }

    /// Reads the config text; throws a message naming the line and field on bad input.
    package static func parse(_ text: String) throws -> RepoConfig {
        let doc: MarkdownDocument
        do {
            doc = try MarkdownDocument.parse("---\n" + text + (text.hasSuffix("\n") || text.isEmpty ? "" : "\n") + "---\n")
        } catch {
            throw GoalSyncError.invalidConfig(line: error.line.map { max(1, $0 - 1) }, message: error.message)
        }
        func line(_ key: String) -> Int? { doc.lines[key].map { $0 - 1 } }
        var config = RepoConfig()
        let fm = doc.frontMatter
        if let v = fm["format"] {
            guard let f = v.integer, f == 1 else {
                throw GoalSyncError.invalidConfig(line: line("format"), message: "format \(v.scalarText ?? v.typeName) is not one this goalsync reads (1); upgrade goalsync")
            }
            config.format = f
        }
        config.product = fm["product"]?.scalarText
        if let v = fm["cadence_days"] {
            guard let d = v.integer, d >= 1 else {
                throw GoalSyncError.invalidConfig(line: line("cadence_days"), message: "cadence_days must be a whole number ≥ 1")
            }
            config.cadenceDays = d
        }
        if let v = fm["lint"] {
            guard let m = v.map else { throw GoalSyncError.invalidConfig(line: line("lint"), message: "lint must map rule codes to error, warning or off") }
            for (code, sev) in m.entries {
                guard LintRule(rawValue: code) != nil else {
                    throw GoalSyncError.invalidConfig(line: line("lint.\(code)"), message: "lint rule '\(code)' is unknown; the rules are \(LintRule.allCases.map(\.code).joined(separator: ", "))")
                }
                guard let s = sev.scalarText.flatMap(Severity.init(rawValue:)) else {
                    throw GoalSyncError.invalidConfig(line: line("lint.\(code)"), message: "lint.\(code) must be error, warning or off")
                }
                config.lint[code] = s
            }
        }
        if let sync = fm["sync"]?.map {
            config.syncRemote = sync["remote"]?.scalarText
            config.syncBranch = sync["branch"]?.scalarText
        }
        return config
    }

    /// The config goalsync init writes.
    package static func initialText(product: String) -> String {
        var lint = ""
        for rule in LintRule.allCases { lint += "  \(rule.code): warning\n" }
        return """
            # goalsync repository settings. Schema: schema/config.schema.json
            format: 1
            product: \(YAMLWriter.scalar(product, flow: false, isKey: false))
            # How many days an active goal may go without a check-in before the 'stale' lint speaks.
            cadence_days: 14
            # Severity of each lint rule: error, warning or off.
            lint:
            \(lint)
            """
    }
}
