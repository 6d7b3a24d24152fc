import Foundation
import GoalSyncCore
import PropertyBased
import GoalSyncTestSupport
import Testing

/// Random goals, written and read back: the front matter comes back as the same ordered mapping,
/// the body byte for byte, and writing again gives the same bytes.
@Suite("File format properties")
struct FormatPropertyTests {
    /// Text that YAML reads as something other than a plain string, or that breaks plain style.
    static let hostile: [String] = [
        ": ", "a: b", "key:value", "a:", "a :b", "a #b", "#a", "a#b", "'single'", "\"double\"", "it's", "say \"hi\"",
        "12abc", "123", "007", "1e3", "1.5", "-1", "+1", ".5", "1_000", "1:30", "12:61", "0x1F", "0o17", "0b101",
        "yes", "No", "on", "OFF", "y", "n", "true", "False", "null", "~", "NULL", "<<", "=", ".inf", "-.inf", ".nan",
        "2026-01-05", "2026-1-5 10:00:00", "2026-01-05T10:00:00Z", "2026-02-30", "", " ", "  ", " leading",
        "trailing ", "-", "- item", "--", "---", "...", "--- x", "? key", "?", "[a]", "{a: b}", "a, b", "a,b", "[", "}",
        "& anchor", "*alias", "!tag", "!!str x", "|", "|-\n x", ">", "%directive", "@at", "`tick", "\\", "C:\\path\\file",
        "line\nbreak", "two\n\nblank lines", "tab\there", "\ttab first", "cr\rhere", "crlf\r\nhere", "trailing newline\n", "\n",
        "unicode café 🎯 中文 עברית", "emoji 👩‍👩‍👧 family", "combining e\u{301}", "\u{301}combining first", "rtl \u{202E}override",
        "\u{85}nel", "nel\u{85}", "nbsp\u{A0}", "\u{A0}nbsp first", "\u{2028}ls", "ps\u{2029}", "bom\u{FEFF}", "bom\u{FEFF}inside",
        "ctrl\u{01}\u{1F}\u{7F}", "c1\u{80}\u{9F}", "nul\u{0}byte", "private \u{E000}", "unassigned \u{0378}",
        "nonchar \u{FFFE}\u{FFFF}", "plane16 \u{10FFFF}", "http://example.com/a?b=c#d", "Ana Ruiz <ana@example.com>",
        "Q3 funnel: 70% of new admins never send an invite", "50%", "%", "a  double  space", "ends with colon:",
        "x: y: z", "ratio 3:?", "ratio 3:1", "a:{b}", "see https://example.com/x", "a\u{3000}wide space", "ｆｕｌｌ width",
    ]

    enum Context: String, CaseIterable, Sendable {
        case blockValue, flowListItem, flowMapValue, blockKey, flowKey
    }

    @Test("YAMLWriter.scalar reads back through the YAML reader as the same string", arguments: hostile)
    func scalarRoundTrip(_ s: String) throws {
        for context in Context.allCases {
            let yaml: String
            switch context {
            case .blockValue: yaml = "v: " + YAMLWriter.scalar(s, flow: false, isKey: false)
            case .flowListItem: yaml = "v: [" + YAMLWriter.scalar(s, flow: true, isKey: false) + ", end]"
            case .flowMapValue: yaml = "v: {k: " + YAMLWriter.scalar(s, flow: true, isKey: false) + ", z: end}"
            case .blockKey: yaml = YAMLWriter.scalar(s, flow: false, isKey: true) + ": 1"
            case .flowKey: yaml = "v: {" + YAMLWriter.scalar(s, flow: true, isKey: true) + ": 1}"
            }
            let doc: MarkdownDocument
            do {
                doc = try MarkdownDocument.parse("---\n" + yaml + "\n---\n")
            } catch {
                Issue.record("\(context): \(yaml.debugDescription) does not parse: \(error.message)")
                continue
            }
            let fm = doc.frontMatter
            switch context {
            case .blockValue: #expect(fm["v"] == .string(s), "\(context): \(yaml.debugDescription)")
            case .flowListItem: #expect(fm["v"] == .list([.string(s), .string("end")]), "\(context): \(yaml.debugDescription)")
            case .flowMapValue: #expect(fm["v"] == .map(YAMLMap([("k", .string(s)), ("z", .string("end"))])), "\(context): \(yaml.debugDescription)")
            case .blockKey: #expect(fm.keys == [s], "\(context): \(yaml.debugDescription)")
            case .flowKey: #expect(fm["v"]?.map?.keys == [s], "\(context): \(yaml.debugDescription)")
            }
        }
    }

    /// Yams builds each scalar with `String(bytes:encoding:)`, which drops a leading byte order
    /// mark, so a value that starts with U+FEFF loses it whatever goalsync writes. Recorded as a
    /// known issue so the day Yams keeps it, this test says so.
    @Test("A value that starts with a byte order mark (known Yams limitation)")
    func leadingByteOrderMark() throws {
        let s = "\u{FEFF}starts with a BOM"
        let written = YAMLWriter.scalar(s, flow: false, isKey: false)
        #expect(written == "\"\\uFEFFstarts with a BOM\"")
        let doc = try MarkdownDocument.parse("---\nv: \(written)\n---\n")
        withKnownIssue("Yams drops a scalar's leading U+FEFF") {
            #expect(doc.frontMatter["v"] == .string(s))
        }
    }

    @Test("Keys that YAML 1.1 reads as booleans stay plain, as the format's examples write them")
    func booleanWordKeysStayPlain() {
        #expect(YAMLWriter.scalar("on", flow: true, isKey: true) == "on")
        #expect(YAMLWriter.scalar("on", flow: false, isKey: false) == "\"on\"")
        #expect(YAMLWriter.scalar("1", flow: false, isKey: true) == "\"1\"")
    }

    @Test("Random strings from YAML-hostile pieces read back as themselves")
    func randomScalarRoundTrip() async {
        await propertyCheck(count: 1000, input: RandomYAML.stringGenerator) { s in
            for flow in [false, true] {
                let yaml = "v: [" + YAMLWriter.scalar(s, flow: true, isKey: false) + "]\n"
                    + YAMLWriter.scalar(s, flow: flow, isKey: true) + ": " + YAMLWriter.scalar(s, flow: flow, isKey: false)
                let doc = try MarkdownDocument.parse("---\n" + yaml + "\n---\n")
                #expect(doc.frontMatter["v"] == .list([.string(s)]), "\(yaml.debugDescription)")
                #expect(doc.frontMatter.keys.last == s, "\(yaml.debugDescription)")
                #expect(doc.frontMatter.entries.last?.value == .string(s), "\(yaml.debugDescription)")
            }
        }
    }

    @Test("The ASCII fast path decides plain style exactly as the Unicode rules do")
    func asciiFastPathAgreesWithUnicodeRules() {
        // Every ASCII string of up to two characters, and longer ones from the hostile list and
        // from pieces around every ASCII character (indicators, controls, spaces, colons).
        var samples: [String] = [""]
        let ascii = (0..<128).map { String(UnicodeScalar(UInt8($0))) }
        for a in ascii {
            samples.append(a)
            for b in ascii { samples.append(a + b) }
        }
        for c in ascii {
            for piece in ["a", "a ", "a:", "1", " ", ":", "ab cd"] {
                samples += [piece + c, c + piece, "x" + c + piece, piece + c + "z", piece + " " + c + "y"]
            }
        }
        samples += Self.hostile.filter { $0.utf8.allSatisfy { $0 < 0x80 } }
        var checked = 0
        for s in samples {
            for flow in [false, true] {
                guard let fast = YAMLWriter.asciiPlainSafe(s, flow: flow) else {
                    Issue.record("the fast path declined the ASCII string \(s.debugDescription)")
                    continue
                }
                #expect(fast == YAMLWriter.unicodePlainSafe(s, flow: flow), "\(s.debugDescription) flow=\(flow)")
                checked += 1
            }
        }
        #expect(checked > 30_000)
        // Anything else goes to the Unicode rules.
        for s in ["café", "中文", "a\u{85}b", "\u{A0}x", "x\u{301}"] { #expect(YAMLWriter.asciiPlainSafe(s, flow: false) == nil) }
    }

    @Test("The plain scalars the generator uses are typed (not strings, not null)")
    func plainPoolIsTyped() {
        for t in RandomYAML.plainPool {
            let kind = PlainScalar.classify(t)
            #expect(kind != nil && kind != .null, "\(t)")
        }
    }

    @Test("Random goals: write → parse gives the same front matter and body; writing again is a fixed point")
    func randomGoalRoundTrip() async {
        await propertyCheck(count: 500, input: RandomYAML.goalGenerator) { goal in
            let text = YAMLWriter.document(goal.document)
            let parsed: MarkdownDocument
            do {
                parsed = try MarkdownDocument.parse(Array(text.utf8))
            } catch let error as MarkdownDocument.ParseError {
                Issue.record("written goal does not parse (\(error.message), line \(error.line ?? 0)):\n\(text)")
                return
            } catch {
                Issue.record("\(error)")
                return
            }
            #expect(parsed.frontMatter == goal.document.frontMatter, "front matter differs:\n\(text)")
            #expect(Array(parsed.body.utf8) == Array(goal.document.body.utf8))
            #expect(YAMLWriter.document(parsed) == text)
        }
    }
}

/// A generated goal document (front matter in canonical order, unknown keys after).
struct RandomGoal: Sendable, CustomStringConvertible {
    var document: MarkdownDocument
    var description: String { YAMLWriter.document(document) }
}

/// Generators of YAML-hostile goals.
enum RandomYAML {
    typealias RNG = any SeededRandomNumberGenerator

    static func int(_ n: Int, _ rng: inout RNG) -> Int { Int(rng.next() % UInt64(n)) }
    static func chance(_ percent: Int, _ rng: inout RNG) -> Bool { int(100, &rng) < percent }
    static func pick<T>(_ items: [T], _ rng: inout RNG) -> T { items[int(items.count, &rng)] }

    /// Plain scalars YAML types as numbers, booleans or dates.
    static let plainPool = [
        "0", "30", "-4", "+7", "30.0", "1e3", "-2.5e-3", "0x1F", "0o17", "1_000", "1:30", ".5", ".inf", "-.inf", ".nan",
        "true", "False", "yes", "no", "on", "OFF", "2026-01-05", "2026-1-5 10:00:00", "2026-01-05T10:00:00Z",
    ]

    static let pieces: [String] = FormatPropertyTests.hostile + [
        "a", "Z", "é", "中", "🎯", ":", " ", "#", "'", "\"", "\n", "\r", "\t", "-", "{", "}", "[", "]", ",", "\\", "&", "*",
        "!", "|", ">", "%", "@", "`", "?", "\u{85}", "\u{2028}", "\u{FEFF}", "\u{7F}", "\u{1}", "\u{A0}", "0", "9", ".", "e",
    ]

    /// A hostile string. None starts with U+FEFF: see `leadingByteOrderMark`.
    static func string(_ rng: inout RNG) -> String {
        if chance(40, &rng) { return pick(FormatPropertyTests.hostile, &rng) }
        var s = ""
        for _ in 0..<(1 + int(5, &rng)) { s += pick(pieces, &rng) }
        return s.unicodeScalars.first == "\u{FEFF}" ? "x" + s : s
    }

    static func id(_ rng: inout RNG) -> String {
        let first = Array("abcdefghijklmnopqrstuvwxyz0123456789")
        let rest = first + ["-"]
        var s = String(pick(first, &rng))
        for _ in 0..<int(20, &rng) { s.append(pick(rest, &rng)) }
        return s
    }

    static func scalar(_ rng: inout RNG) -> YAMLValue {
        switch int(10, &rng) {
        case 0..<6: return .string(string(&rng))
        case 6..<9: return .plain(pick(plainPool, &rng))
        default: return .null
        }
    }

    /// Any value, nested up to `depth` levels.
    static func value(_ depth: Int, _ rng: inout RNG) -> YAMLValue {
        guard depth > 0, chance(40, &rng) else { return scalar(&rng) }
        if chance(50, &rng) {
            return .list((0..<int(4, &rng)).map { _ in value(depth - 1, &rng) })
        }
        return .map(map(keys: int(4, &rng), excluding: [], depth: depth - 1, &rng))
    }

    /// A mapping with `keys` unique random keys not in `excluding`.
    static func map(keys: Int, excluding: Set<String>, depth: Int, _ rng: inout RNG) -> YAMLMap {
        var m = YAMLMap()
        var used = excluding
        for _ in 0..<keys {
            let k = chance(50, &rng) ? string(&rng) : "x-" + id(&rng)
            guard used.insert(k).inserted else { continue }
            m.entries.append((k, value(depth, &rng)))
        }
        return m
    }

    /// An item of a keyed list: some of its known keys, in canonical order, then unknown ones.
    static func item(known: [(String, (inout RNG) -> YAMLValue)], _ rng: inout RNG) -> YAMLValue {
        var m = YAMLMap()
        for (k, make) in known where chance(80, &rng) { m.entries.append((k, make(&rng))) }
        if chance(25, &rng) {
            let extra = map(keys: 1 + int(2, &rng), excluding: Set(known.map(\.0)), depth: chance(30, &rng) ? 1 : 0, &rng)
            m.entries += extra.entries
        }
        return .map(m)
    }

    static func date(_ rng: inout RNG) -> YAMLValue {
        chance(85, &rng) ? .plain("2026-0\(1 + int(9, &rng))-1\(int(9, &rng))") : scalar(&rng)
    }

    static func number(_ rng: inout RNG) -> YAMLValue {
        chance(85, &rng) ? .plain(pick(["0", "30", "50", "-4", "12.5", "1e3", "99.95"], &rng)) : scalar(&rng)
    }

    static func text(_ rng: inout RNG) -> YAMLValue { .string(string(&rng)) }

    static func list(_ rng: inout RNG, _ make: (inout RNG) -> YAMLValue) -> YAMLValue {
        .list((0..<int(4, &rng)).map { _ in make(&rng) })
    }

    static let bodies = [
        "", "# Why now\nNarrative.\n", "no newline", "crlf\r\nbody\r\n", "---\nnot front matter\n---\n", "\n\n", "🎯 unicode\n",
        "key: value\n- item\n", "...\n",
    ]

    static func goal(_ rng: inout RNG) -> RandomGoal {
        var fm = YAMLMap()
        func maybe(_ key: String, _ percent: Int, _ make: (inout RNG) -> YAMLValue) {
            if chance(percent, &rng) { fm.entries.append((key, make(&rng))) }
        }
        maybe("id", 95) { .string(id(&$0)) }
        maybe("title", 95) { r in chance(90, &r) ? .string(string(&r)) : value(2, &r) }
        maybe("status", 90) { r in .string(chance(80, &r) ? pick(["draft", "proposed", "active", "achieved", "abandoned"], &r) : string(&r)) }
        maybe("order", 50) { r in .plain(String(int(100, &r))) }
        maybe("owner", 70) { r in chance(90, &r) ? .string(string(&r)) : value(2, &r) }
        maybe("created", 60) { date(&$0) }
        maybe("timeframe", 50) { r in item(known: [("start", date), ("end", date)], &r) }
        maybe("closed", 25) { r in item(known: [("on", date), ("reason", text)], &r) }
        maybe("cadence_days", 20) { r in .plain(String(1 + int(30, &r))) }
        for key in ["persona", "problem", "why"] { maybe(key, 50) { r in chance(90, &r) ? .string(string(&r)) : scalar(&r) } }
        for key in ["proof", "assumptions", "contributors"] {
            maybe(key, 50) { r in list(&r) { r in chance(90, &r) ? text(&r) : value(1, &r) } }
        }
        maybe("metrics", 50) { r in
            list(&r) { r in
                item(known: [
                    ("id", { .string(id(&$0)) }), ("name", text), ("unit", text),
                    ("direction", { .string(pick(["increase", "decrease", "stay_above", "stay_below"], &$0)) }),
                    ("baseline", number), ("target", number), ("source", text),
                ], &r)
            }
        }
        maybe("checkins", 50) { r in
            list(&r) { r in
                item(known: [
                    ("id", { .string(id(&$0)) }), ("on", date), ("by", text), ("metric", { .string(id(&$0)) }), ("value", number),
                    ("confidence", { .string(pick(["on_track", "at_risk", "off_track"], &$0)) }), ("note", text),
                ], &r)
            }
        }
        maybe("sprint_goals", 30) { r in
            list(&r) { r in
                item(known: [("sprint", text), ("goal", text), ("status", { .string(pick(["planned", "done"], &$0)) })], &r)
            }
        }
        maybe("tags", 40) { r in list(&r) { text(&$0) } }
        if chance(60, &rng) {
            fm.entries += map(keys: 1 + int(4, &rng), excluding: Set(YAMLWriter.goalKeyOrder), depth: 3, &rng).entries
        }
        return RandomGoal(document: MarkdownDocument(frontMatter: fm, body: pick(bodies, &rng)))
    }

    static let stringGenerator = Generator<String, Shrink.None<String>>(run: { rng in string(&rng) })
    static let goalGenerator = Generator<RandomGoal, Shrink.None<RandomGoal>>(run: { rng in goal(&rng) })
}
