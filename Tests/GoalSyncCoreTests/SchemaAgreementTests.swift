import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// goalsync's validator and the reference validator (`scripts/pyvalidate.py`: PyYAML + jsonschema
/// over `schema/goal.schema.json`) agree on the fixture corpus, and the binary carries the project's
/// schema and hook files unchanged.
@Suite("Schema agreement")
struct SchemaAgreementTests {
    /// `expected.json`: invalid fixture → the one top-level field that is wrong.
    static let expected: [String: String] = {
        let url = Fixtures.schemaFixtures.appendingPathComponent("expected.json")
        guard let data = try? Data(contentsOf: url),
            let object = try? JSONSerialization.jsonObject(with: data) as? [String: String]
        else { return [:] }
        return object
    }()

    /// The top-level key of a diagnostic's field: the part before the first `.` or `[`.
    static func topLevel(_ field: String?) -> String? {
        guard let field else { return nil }
        return String(field.prefix { $0 != "." && $0 != "[" })
    }

    static func goalsyncDiagnostics(_ folder: String, _ name: String) throws -> [Diagnostic] {
        let bytes = try Fixtures.bytes(folder, name)
        return GoalValidator.standard().validate(bytes: bytes, path: "goals/\(name)").diagnostics
    }

    static func pyvalidate(_ folder: String, _ name: String) throws -> (status: Int32, fields: [String]) {
        try pyvalidate(file: Fixtures.schemaFixtures.appendingPathComponent(folder).appendingPathComponent(name).path)
    }

    /// Runs `python3 scripts/pyvalidate.py --json FILE` with the host's Python (the one pip
    /// installed PyYAML and jsonschema into): (exit status, fields of its errors).
    static func pyvalidate(file: String) throws -> (status: Int32, fields: [String]) {
        let r = try ProcessRunner.run(
            "/usr/bin/env", ["python3", "scripts/pyvalidate.py", "--json", file], in: Fixtures.packageRoot.path,
            environment: ProcessInfo.processInfo.environment)
        try #require(
            (r.status == 0 || r.status == 1) && r.stdout.hasPrefix("{"),
            "pyvalidate could not run (pip install pyyaml jsonschema): \(r)")
        let json = try #require(try JSONSerialization.jsonObject(with: Data(r.stdout.utf8)) as? [String: Any], "\(r)")
        let errors = try #require(json["errors"] as? [[String: Any]])
        #expect(json["files"] as? Int == 1)
        return (r.status, errors.compactMap { $0["field"] as? String })
    }

    @Test("The corpus and expected.json name the same invalid files")
    func expectedCoversCorpus() {
        #expect(!Self.expected.isEmpty)
        #expect(Set(Self.expected.keys) == Set(Fixtures.names(in: "invalid").map { "invalid/\($0)" }))
    }

    @Test("goalsync reports no error for a valid fixture", arguments: Fixtures.names(in: "valid"))
    func goalsyncAcceptsValid(_ name: String) throws {
        let errors = try Self.goalsyncDiagnostics("valid", name).filter { $0.severity == .error }
        #expect(errors.isEmpty, "\(errors.map(\.formatted))")
    }

    @Test("goalsync rejects an invalid fixture, naming only the expected field", arguments: Fixtures.names(in: "invalid"))
    func goalsyncRejectsInvalid(_ name: String) throws {
        let field = try #require(Self.expected["invalid/\(name)"], "expected.json has no entry for \(name)")
        let errors = try Self.goalsyncDiagnostics("invalid", name).filter { $0.severity == .error }
        #expect(!errors.isEmpty, "goalsync accepts invalid/\(name)")
        for e in errors {
            #expect(Self.topLevel(e.field) == field, "invalid/\(name): \(e.formatted) should be about \(field)")
            #expect(e.line != nil && e.file == "goals/\(name)")
        }
    }

    @Test("pyvalidate accepts each valid fixture", arguments: Fixtures.names(in: "valid"))
    func pythonAcceptsValid(_ name: String) throws {
        let (status, fields) = try Self.pyvalidate("valid", name)
        #expect(status == 0)
        #expect(fields.isEmpty, "pyvalidate: \(fields)")
    }

    @Test("pyvalidate rejects each invalid fixture for the same field as goalsync", arguments: Fixtures.names(in: "invalid"))
    func pythonAgrees(_ name: String) throws {
        let field = try #require(Self.expected["invalid/\(name)"])
        let (status, fields) = try Self.pyvalidate("invalid", name)
        #expect(status == 1)
        #expect(!fields.isEmpty)
        #expect(fields.allSatisfy { $0 == field }, "pyvalidate names \(fields), expected \(field)")
        let goalsyncFields = Set(try Self.goalsyncDiagnostics("invalid", name).filter { $0.severity == .error }.compactMap { Self.topLevel($0.field) })
        #expect(goalsyncFields == Set(fields), "goalsync names \(goalsyncFields.sorted()), pyvalidate \(Set(fields).sorted())")
    }

    struct ExtraCase: Sendable, CustomTestStringConvertible {
        var name: String
        var goal: GoalText
        /// The wrong top-level field; nil for a valid file.
        var field: String?
        var testDescription: String { name }
    }

    /// Files beyond the corpus, on the edges where a YAML type decides: a number where the schema
    /// wants text, an empty text where it allows one.
    static let extraCases: [ExtraCase] = {
        let base = GoalText.clean(id: "extra")
        let checkin = "\n  - {id: c1, on: 2026-01-25, by: Ben <ben@example.com>, metric: activation, value: 34}"
        return [
            ExtraCase(name: "an unquoted number as id (goals/123.md)", goal: base.setting("id", "123"), field: "id"),
            ExtraCase(name: "a quoted number as id", goal: base.setting("id", "\"123\""), field: nil),
            ExtraCase(name: "a date as title (dates are text to the schema)", goal: base.setting("title", "2026-03-31"), field: nil),
            ExtraCase(name: "a number as title", goal: base.setting("title", "12.5"), field: "title"),
            ExtraCase(name: "a boolean as title", goal: base.setting("title", "yes"), field: "title"),
            ExtraCase(name: "a number as metric name", goal: base.setting("metrics", "\n  - {id: a, name: 42, unit: percent, direction: increase, baseline: 1, target: 2}"), field: "metrics"),
            ExtraCase(name: "a number as metric unit", goal: base.setting("metrics", "\n  - {id: a, name: A, unit: 100, direction: increase, baseline: 1, target: 2}"), field: "metrics"),
            ExtraCase(name: "a number as metric id", goal: base.setting("metrics", "\n  - {id: 7, name: A, unit: percent, direction: increase, baseline: 1, target: 2}"), field: "metrics"),
            ExtraCase(name: "a quoted number as metric id", goal: base.setting("metrics", "\n  - {id: \"7\", name: A, unit: percent, direction: increase, baseline: 1, target: 2}"), field: nil),
            ExtraCase(name: "an empty check-in author", goal: base.setting("checkins", checkin.replacingOccurrences(of: "Ben <ben@example.com>", with: "\"\"")), field: nil),
            ExtraCase(name: "a number as check-in author", goal: base.setting("checkins", checkin.replacingOccurrences(of: "Ben <ben@example.com>", with: "12")), field: "checkins"),
            ExtraCase(name: "a number as check-in note", goal: base.setting("checkins", checkin.replacingOccurrences(of: "value: 34}", with: "value: 34, note: 5}")), field: "checkins"),
            ExtraCase(name: "a number as check-in id", goal: base.setting("checkins", checkin.replacingOccurrences(of: "id: c1", with: "id: 1")), field: "checkins"),
            ExtraCase(name: "a number as sprint", goal: base.setting("status", "active").setting("sprint_goals", "\n  - {sprint: 3, goal: Invite from signup}"), field: "sprint_goals"),
            ExtraCase(name: "a number as closing reason", goal: base.setting("status", "achieved").setting("closed", "{on: 2026-01-30, reason: 42}"), field: "closed"),
        ]
    }()

    @Test("goalsync and pyvalidate agree beyond the corpus, where YAML types decide", arguments: extraCases)
    func extraAgreement(_ c: ExtraCase) throws {
        let dir = NSTemporaryDirectory() + "goalsync-extra-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let name = c.goal.id.replacingOccurrences(of: "\"", with: "") + ".md"
        try Data(c.goal.bytes).write(to: URL(fileURLWithPath: dir + "/" + name))
        let (status, pyFields) = try Self.pyvalidate(file: dir + "/" + name)
        let errors = GoalValidator.standard().validate(bytes: c.goal.bytes, path: "goals/\(name)").diagnostics.filter { $0.severity == .error }
        if let field = c.field {
            #expect(status == 1)
            #expect(!pyFields.isEmpty && pyFields.allSatisfy { $0 == field }, "pyvalidate: \(pyFields)")
            #expect(!errors.isEmpty && errors.allSatisfy { Self.topLevel($0.field) == field }, "goalsync: \(errors.map(\.formatted))")
        } else {
            #expect(status == 0, "pyvalidate: \(pyFields)")
            #expect(errors.isEmpty, "goalsync: \(errors.map(\.formatted))")
        }
    }

    struct Embedded: Sendable, CustomTestStringConvertible {
        var file: String
        var text: String
        var testDescription: String { file }
    }

    static let embedded = [
        Embedded(file: "schema/goal.schema.json", text: EmbeddedFiles.goalSchema),
        Embedded(file: "schema/vision.schema.json", text: EmbeddedFiles.visionSchema),
        Embedded(file: "schema/config.schema.json", text: EmbeddedFiles.configSchema),
        Embedded(file: "hooks/pre-commit", text: EmbeddedFiles.preCommitHook),
        Embedded(file: "hooks/pre-receive", text: EmbeddedFiles.preReceiveHook),
        Embedded(file: "docs/file-format.md", text: EmbeddedFiles.fileFormatDoc),
        Embedded(file: "docs/merge-rules.md", text: EmbeddedFiles.mergeRulesDoc),
        Embedded(file: "docs/lint-codes.md", text: EmbeddedFiles.lintCodesDoc),
        Embedded(file: "docs/json-outputs.md", text: EmbeddedFiles.jsonOutputsDoc),
        Embedded(file: "docs/safety.md", text: EmbeddedFiles.safetyDoc),
        Embedded(file: "docs/progress.md", text: EmbeddedFiles.progressDoc),
    ]

    @Test("EmbeddedFiles.swift holds the project's files byte for byte (run scripts/embed-resources.py)", arguments: embedded)
    func embeddedFilesMatch(_ e: Embedded) throws {
        let onDisk = try Fixtures.packageFile(e.file)
        #expect(Array(e.text.utf8) == Array(onDisk.utf8), "\(e.file) differs from EmbeddedFiles; run python3 scripts/embed-resources.py")
    }

    @Test("goalsync init copies the embedded schemas into the repository")
    func initCopiesSchemas() throws {
        let repo = try TestRepo()
        for name in ["goal", "vision", "config"] {
            #expect(try repo.read(".goalsync/schema/\(name).schema.json") == (try Fixtures.packageFile("schema/\(name).schema.json")))
        }
    }
}
