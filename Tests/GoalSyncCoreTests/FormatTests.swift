import Foundation
import GoalSyncCore
import GoalSyncTestSupport
import Testing

/// SPEC §3: the file format. The body is kept byte for byte, front matter is written in one
/// canonical order and style, unknown keys are kept, and canonical output is a fixed point.
@Suite("File format")
struct FormatTests {
    static let frontMatter = "---\nid: body-test\ntitle: Keep the body\nstatus: draft\n---\n"

    static let bodies: [String] = [
        "",
        "# Why now\nNarrative.\n",
        "no trailing newline",
        "# CRLF\r\nline two\r\n\r\nlast line\r\n",
        "mixed\r\nendings\nand a lone \r carriage return",
        "---\nnot front matter\n---\n...\n",
        "\n\n\nleading blank lines\n\n\n",
        "unicode: 🎯 café 中文 עברית \u{200B}zero-width\u{FEFF}bom\n",
        "  indented\n\ttabbed\n- a list: with: colons\nkey: value # not yaml\n",
        "<<<<<<<< looks close to a marker but is not one\n",
    ]

    @Test("The body is kept byte for byte", arguments: bodies)
    func bodyKept(_ body: String) throws {
        let text = Self.frontMatter + body
        let doc = try MarkdownDocument.parse(Array(text.utf8))
        #expect(Array(doc.body.utf8) == Array(body.utf8))
        #expect(Array(YAMLWriter.document(doc).utf8) == Array(text.utf8))
    }

    @Test("Front matter delimited by CRLF lines keeps a CRLF body exactly")
    func crlfDelimiters() throws {
        let body = "# Title\r\nText\r\n"
        let text = "---\r\nid: crlf\r\ntitle: Windows file\r\nstatus: draft\r\n---\r\n" + body
        let doc = try MarkdownDocument.parse(Array(text.utf8))
        #expect(doc.body == body)
        #expect(doc.frontMatter.keys == ["id", "title", "status"])
        #expect(doc.frontMatter["title"] == .string("Windows file"))
        // Written back canonical (LF front matter), the body is still untouched.
        #expect(YAMLWriter.document(doc) == Self.frontMatter.replacingOccurrences(of: "body-test", with: "crlf")
            .replacingOccurrences(of: "Keep the body", with: "Windows file") + body)
    }

    @Test("A file that ends right after the closing line has an empty body")
    func noBody() throws {
        let doc = try MarkdownDocument.parse("---\nid: x\ntitle: T\nstatus: draft\n---")
        #expect(doc.body == "")
        #expect(doc.frontMatter.keys == ["id", "title", "status"])
    }

    @Test("Front matter is written in the canonical key order, unknown keys after, in their order")
    func canonicalOrder() throws {
        let text = """
            ---
            zeta-extra: 1
            tags: [b, a]
            checkins:
              - {value: 34, metric: activation, id: c1, by: Ben <ben@example.com>, on: 2026-01-19}
            metrics:
              - target: 50
                baseline: 30
                direction: increase
                id: activation
                x-note: kept here
                name: Activation
                unit: percent
            status: proposed
            timeframe: {end: 2026-03-31, start: 2026-01-05}
            alpha-extra: {b: 2, a: [1, {c: d}]}
            title: Order test
            id: order-test
            owner: Ana <ana@example.com>
            ---
            Body.

            """
        let doc = try MarkdownDocument.parse(text)
        let written = YAMLWriter.document(doc)
        #expect(written == """
            ---
            id: order-test
            title: Order test
            status: proposed
            owner: Ana <ana@example.com>
            timeframe: {start: 2026-01-05, end: 2026-03-31}
            metrics:
              - id: activation
                name: Activation
                unit: percent
                direction: increase
                baseline: 30
                target: 50
                x-note: kept here
            checkins:
              - {id: c1, on: 2026-01-19, by: Ben <ben@example.com>, metric: activation, value: 34}
            tags:
              - b
              - a
            zeta-extra: 1
            alpha-extra:
              b: 2
              a:
                - 1
                - c: d
            ---
            Body.

            """)
        let again = try MarkdownDocument.parse(written)
        #expect(again.frontMatter["alpha-extra"] == doc.frontMatter["alpha-extra"])
        #expect(again.frontMatter["zeta-extra"] == .plain("1"))
        #expect(again.frontMatter.keys.suffix(2) == ["zeta-extra", "alpha-extra"])
    }

    @Test("Scalars keep their text: numbers, dates and quoted look-alikes")
    func scalarsKeepText() throws {
        let text = "---\nid: s\ntitle: \"2026\"\nstatus: draft\nbaseline: 30.0\ncreated: 2026-01-05\nquoted-date: \"2026-01-05\"\nflag: yes\nquoted-flag: 'yes'\nnothing: ~\nhex: 0x1F\n---\n"
        let doc = try MarkdownDocument.parse(text)
        let fm = doc.frontMatter
        #expect(fm["title"] == .string("2026"))
        #expect(fm["baseline"] == .plain("30.0"))
        #expect(fm["created"] == .plain("2026-01-05"))
        #expect(fm["quoted-date"] == .string("2026-01-05"))
        #expect(fm["flag"] == .plain("yes"))
        #expect(fm["quoted-flag"] == .string("yes"))
        #expect(fm["nothing"] == .null)
        #expect(fm["hex"] == .plain("0x1F"))
        let written = YAMLWriter.document(doc)
        #expect(written.contains("title: \"2026\"\n"))
        #expect(written.contains("baseline: 30.0\n"))
        #expect(written.contains("quoted-date: \"2026-01-05\"\n"))
        #expect(written.contains("quoted-flag: \"yes\"\n"))
        #expect(written.contains("nothing: null\n"))
        let again = try MarkdownDocument.parse(written).frontMatter
        #expect(again.keys == ["id", "title", "status", "created", "baseline", "quoted-date", "flag", "quoted-flag", "nothing", "hex"])
        for key in fm.keys { #expect(again[key] == fm[key], "\(key)") }
    }

    @Test("Every valid fixture: canonical output is a fixed point and keeps every value", arguments: Fixtures.names(in: "valid"))
    func fixedPoint(_ name: String) throws {
        let original = try MarkdownDocument.parse(try Fixtures.bytes("valid", name))
        let once = YAMLWriter.document(original)
        let reparsed = try MarkdownDocument.parse(Array(once.utf8))
        #expect(reparsed.body == original.body)
        #expect(reparsed.frontMatter.keys.sorted() == original.frontMatter.keys.sorted())
        for key in original.frontMatter.keys {
            #expect(reparsed.frontMatter[key] == original.frontMatter[key], "\(key)")
        }
        let twice = YAMLWriter.document(reparsed)
        #expect(twice == once)
    }

    @Test("The fixture corpus is there")
    func corpusPresent() {
        #expect(Fixtures.names(in: "valid").count >= 9)
        #expect(Fixtures.names(in: "invalid").count >= 35)
    }
}

/// SPEC §3: "a machine edit changes only the lines it must", checked through the binary on a
/// committed canonical file.
@Suite("Machine edits")
struct MachineEditTests {
    /// A canonical goal file (the writer's own output) with a CRLF body without a final newline.
    static func canonicalGoal() throws -> String {
        let text = GoalText.clean(status: "active")
            .setting("tags", "\n  - onboarding")
            .setting("x-team-field", "{kept: true}")
            .withBody("# Why now\r\nCRLF narrative, no final newline")
            .text
        return YAMLWriter.document(try MarkdownDocument.parse(text))
    }

    struct Edit: Sendable, CustomTestStringConvertible {
        var arguments: [String]
        /// The line that changes, as it reads before and after.
        var before: String
        var after: String
        var testDescription: String { arguments.joined(separator: " ") }
    }

    static let edits: [Edit] = [
        Edit(arguments: ["set", "faster-activation", "timeframe.end", "2026-04-30"],
             before: "timeframe: {start: 2026-01-05, end: 2026-03-31}", after: "timeframe: {start: 2026-01-05, end: 2026-04-30}"),
        Edit(arguments: ["set", "faster-activation", "metrics.activation.target", "55"], before: "    target: 50", after: "    target: 55"),
        Edit(arguments: ["set", "faster-activation", "title", "Raise activation: from 30% to 55% #now"],
             before: "title: Raise new-admin activation from 30% to 50%", after: "title: \"Raise activation: from 30% to 55% #now\""),
        Edit(arguments: ["set", "faster-activation", "persona", "New admins"], before: "persona: Admins of newly created workspaces", after: "persona: New admins"),
    ]

    @Test("goalsync set changes exactly one line of a canonical file and keeps the body", arguments: edits)
    func setChangesOneLine(_ edit: Edit) throws {
        let repo = try TestRepo()
        let canonical = try Self.canonicalGoal()
        try repo.commitGoal("faster-activation", canonical)
        try repo.ok(edit.arguments)
        let after = try repo.read("goals/faster-activation.md")
        let a = canonical.components(separatedBy: "\n"), b = after.components(separatedBy: "\n")
        #expect(a.count == b.count)
        let changed = zip(a, b).enumerated().filter { $0.element.0 != $0.element.1 }
        #expect(changed.count == 1, "diff:\n\(changed.map { "- \($0.element.0)\n+ \($0.element.1)" }.joined(separator: "\n"))")
        #expect(changed.first?.element.0 == edit.before)
        #expect(changed.first?.element.1 == edit.after)
        #expect(after.hasSuffix("---\n# Why now\r\nCRLF narrative, no final newline"))
    }

    @Test("goalsync add and checkin append lines and change nothing else")
    func appendsOnly() throws {
        let repo = try TestRepo()
        let canonical = try Self.canonicalGoal()
        try repo.commitGoal("faster-activation", canonical)
        try repo.ok("add", "faster-activation", "tags", "activation")
        let afterAdd = try repo.read("goals/faster-activation.md")
        #expect(afterAdd == canonical.replacingOccurrences(of: "  - onboarding\n", with: "  - onboarding\n  - activation\n"))
        try repo.ok("checkin", "faster-activation", "activation", "36", "--confidence", "on_track")
        let afterCheckin = try repo.read("goals/faster-activation.md")
        let a = afterAdd.components(separatedBy: "\n"), b = afterCheckin.components(separatedBy: "\n")
        #expect(b.count == a.count + 1)
        let inserted = try #require(b.firstIndex { $0.contains("value: 36") })
        var withoutNew = b
        withoutNew.remove(at: inserted)
        #expect(withoutNew == a)
        #expect(b[inserted].hasPrefix("  - {id: "))
        #expect(b[inserted].hasSuffix(", on: 2026-02-01, by: Ana Ruiz <ana@example.com>, metric: activation, value: 36, confidence: on_track}"))
    }
}
