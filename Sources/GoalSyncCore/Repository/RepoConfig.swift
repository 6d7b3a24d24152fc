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
        if let v = fm["sync"] {
            guard let sync = v.map else { throw GoalSyncError.invalidConfig(line: line("sync"), message: "sync must be a mapping with remote and branch") }
            // The file comes with every pull: a URL or a path here would send a teammate's pushes
            // (and the credentials they carry) wherever its author chose. Only names are read.
            if let remote = sync["remote"] {
                guard let name = remote.scalarText, Self.isRemoteName(name) else {
                    throw GoalSyncError.invalidConfig(
                        line: line("sync.remote") ?? line("sync"),
                        message: "sync.remote must name a git remote, such as origin, not a URL or a path (a URL in this shared file would send everyone's pushes where its author chose); add the URL with git remote add NAME URL and name it here")
                }
                config.syncRemote = name
            }
            if let branch = sync["branch"] {
                guard let name = branch.scalarText, Self.isBranchName(name) else {
                    throw GoalSyncError.invalidConfig(line: line("sync.branch") ?? line("sync"), message: "sync.branch must be a branch name, such as main")
                }
                config.syncBranch = name
            }
        }
        return config
    }

    /// A remote's name as `sync.remote` may give it: letters, digits, `-`, `_` and `.`, not starting
    /// with `-` or `.` (nothing goalsync would take for a URL or a path, or a program for an option).
    package static func isRemoteName(_ name: String) -> Bool {
        guard let first = name.unicodeScalars.first, first != "-", first != ".", name.unicodeScalars.count <= 100 else { return false }
        return name.unicodeScalars.allSatisfy { $0.isASCII && ($0.properties.isAlphabetic || $0.properties.numericType == .decimal || "-_.".unicodeScalars.contains($0)) }
    }

    /// Whether `refs/heads/NAME` is a reference name git accepts (`git check-ref-format --branch`),
    /// so `sync.branch` cannot make a refspec of its own (`*`, `:`) or leave `refs/heads/`.
    package static func isBranchName(_ name: String) -> Bool {
        guard !name.isEmpty, name.utf8.count <= 255, !name.hasPrefix("-"), !name.hasSuffix("/"), !name.hasSuffix("."), name != "@",
            !name.contains(".."), !name.contains("@{"), !name.contains("//") else { return false }
        for c in name.unicodeScalars where c.value < 0x20 || c.value == 0x7F || " ~^:?*[\\".unicodeScalars.contains(c) { return false }
        return name.split(separator: "/").allSatisfy { !$0.hasPrefix(".") && !$0.hasSuffix(".lock") }
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
