import Foundation
@testable import GoalSyncCore
import PropertyBased
import GoalSyncTestSupport
import Testing
import Yams

/// The one front-matter reader's two tiers agree: whatever the fast tier reads, it reads as Yams
/// does (the same ordered mapping, the same line of every field), and what Yams refuses the fast
/// tier declines. Over hand-written files in other tools' styles, tricky scalars, and goals
/// generated at random then rewritten in foreign styles and damaged.
@Suite("Front-matter reader: fast tier against Yams")
struct FrontMatterReaderTests {
    /// Checks one front matter text (without its `---` lines); true when the fast tier read it.
    @discardableResult
    static func agree(_ yaml: String, sourceLocation: SourceLocation = #_sourceLocation) -> Bool {
        let fast = FrontMatter.readFast(yaml)
        let yams = Result { () throws(MarkdownDocument.ParseError) in try FrontMatter.readWithYams(yaml) }
        guard let fast else { return false }
        switch yams {
        case .success(let y):
            #expect(fast.map == y.map, "values differ for:\n\(yaml.debugDescription)\nfast: \(fast.map)\nyams: \(y.map)", sourceLocation: sourceLocation)
            #expect(fast.lines == y.lines, "lines differ for:\n\(yaml.debugDescription)\nfast: \(fast.lines.sorted { $0.key < $1.key })\nyams: \(y.lines.sorted { $0.key < $1.key })", sourceLocation: sourceLocation)
        case .failure(let e):
            Issue.record("the fast tier read what Yams refuses (\(e.message)):\n\(yaml.debugDescription)\nfast: \(fast.map)", sourceLocation: sourceLocation)
        }
        return true
    }

    /// What `yaml.safe_dump(data, sort_keys=False, allow_unicode=True, default_flow_style=False)`
    /// (PyYAML 6) writes, copied from its output: lists at their key's column, quoted keys
    /// (`'on'`), long plain and quoted values folded over lines, quoted values over several lines.
    static let pyyaml = [
        """
        id: pyyaml-tricky
        title: 'It''s a "quoted" title: with a colon and # hash'
        status: draft
        order: 3
        owner: Zoë Ng <zoe@example.com>
        created: 2026-01-05
        'on': 'yes'
        'off': false
        none: null
        version: '1.10'
        octal: 0o17
        hex: '0x1F'
        exp: 1e3
        inf: '.inf'
        stamp: '2026-01-05 10:00:00'
        problem: A long problem statement that goes on and on well past the eighty column
          limit so that PyYAML folds it over several lines of text.
        why: 'Line one

          Line two


          After a blank line'
        trailing: 'ends with a newline

          '
        unicode: café é 中文 🎯
        spaces: '  leading and trailing  '
        key with spaces: 1
        a:b: 2
        y: n
        metrics:
        - id: m1
          name: 'Share: of things'
          baseline: 30.5
          target: 40
          'on': 2026-02-01
        tags:
        - a
        - 'b: c'
        - '- d'
        - '#e'
        - '''f'''
        - ''
        nested:
          deeper:
            x: null
        empty_list: []
        empty_map: {}
        long_quoted: 'Exit survey: n=212, 41% said they "never saw value" and the remaining
          59% did not answer the question at all, which is a lot.'
        long_single: 'Interview round a242-0: 5 of 12 customers raised it, and this sentence
          is long enough to be folded by the emitter.'
        ctrl: "tab\\there and bell\\a"

        """,
        """
        id: raise-activation-00012
        title: Raise workspaces with 3+ active members after 14 days from 41.5% to 52.3%
          by 2025-03-01
        status: achieved
        order: 12
        owner: Ana Ruiz <ana.ruiz@example.com>
        created: 2024-10-02
        timeframe:
          start: 2024-10-05
          end: 2025-03-01
        closed:
          'on': 2025-02-11
          reason: Held the target for two consecutive months.
        persona: Admins of newly created workspaces
        problem: 'Most new admins never invite a teammate,

          so their workspace never becomes useful.

          '
        why: Activated workspaces retain at 3x the rate of the rest.
        proof:
        - 'Q3 funnel: 70% of new admins never send an invite'
        - Exit survey, n=212, 41% "never saw value"
        assumptions:
        - Admins want to invite teammates during their first session
        contributors:
        - Ben Ode <ben.ode@example.com>
        tags:
        - onboarding
        - '2026'
        metrics:
        - id: activation
          name: Workspaces with 3+ active members after 14 days
          unit: percent
          direction: increase
          baseline: 41.5
          target: 52.3
          source: Product analytics, weekly cohort chart
        checkins:
        - id: c1
          'on': 2024-10-19
          by: Ben Ode <ben.ode@example.com>
          metric: activation
          value: 43.1
          confidence: on_track
          note: 'Data lag: numbers from last week'
        sprint_goals:
        - sprint: 2024-S01
          goal: Invite teammates from the signup flow
          status: done
        x-jira:
          project: GOAL
          epic: GOAL-12

        """,
    ]

    /// Styles editors and people write: comments, CRLF, indented lists, block scalars with every
    /// chomping indicator, quoted keys, keys with spaces or colons, blank lines.
    static let editor = [
        "# a goal\nid: g # the id\ntitle: \"Caf\\u00e9 \\\"menu\\\"\"   # with a comment\n\nstatus: draft\n",
        "id: g\r\ntitle: CRLF line ends\r\nproof:\r\n  - one\r\n  - 'two'\r\nwhy: |\r\n  kept\r\n  lines\r\n",
        "id: g\nwhy: |\n  literal\n    indented more\n\n  after blank\nnext: x\n",
        "id: g\nwhy: |-\n  strip\n\n\nnext: x\n",
        "id: g\nwhy: |+\n  keep\n\n\nnext: x\n",
        "id: g\nwhy: >\n  folded\n  lines\n\n  para\n   more indented\n  back\nnext: x\n",
        "id: g\nwhy: >-\n  folded strip\n\n",
        "id: g\nwhy: >+\n  folded keep\n\n",
        "id: g\nwhy: | # a comment on the header\n  text\n",
        "id: g\nwhy: >2\n   indentation indicator\n",
        "id: g\nlist:\n  # a comment in a list\n  - a   # after an item\n\n  - b\nmap:\n  # a comment in a mapping\n  k: v\n",
        "\"quoted key\": 1\n'single ''key''': 2\n\"esc\\u00e9\": 3\n",
        // An empty key holding a list: its items' lines are keyed as Yams keys them ("0", not
        // ".0"); found by the random foreign-style test below.
        "id: g\n\"\":\n  - a\n  - b\nnext: x\n",
        "id: g\n'':\n- a\n- {k: v}\n",
        "key with spaces: 1\na:b: 2\nurl: http://example.com/a#b\nk : spaced before the colon\n",
        "id: g\ntitle: plain over\n  two lines\n\n  and a blank one\nnext: 1\n",
        "- a\n- b\n",
        "id: g\nid: twice\n",
        "'id': g\nid: twice\n",
        "id: g\nnested:\n  k: 1\n  k: 2\n",
        "id: g\nlist:\n- 'on': 2026-01-05\n  'off': no\n- \"y\": n\n",
        "id: g\ntitle: 'it''s'\nq: \"\\u00e9\\x41\\t\\\\\"\n",
        "id: g\ntitle: \"double over\n  lines \\\n  joined\"\n",
        "id: g\ntitle: 'single over\n\n  lines'\n",
        "id: g\ntitle: 'closing quote at col 0\n'\n",
        "id: g\ntitle: 'not indented\nenough'\n",
        "id: g\nl:\n  - \"a key over\n\n    lines\": value\n", "id: g\nk: 'a key over\n  lines': value\n",
        "id: g\ntitle: value\n  key: not allowed\n",
        "id: g\ntitle: value\n  # comment, then\n  more\n",
        "id: g\ntitle: value # comment\n  more\n",
        "id: g\ntitle: a\n  - b\n",
        "id: g\nanchor: &a x\nalias: *a\n",
        "id: g\nmerge:\n  <<: {a: 1}\n",
        "id: g\ntag: !!str 5\n",
        "id: g\ttab\n",
        "id: g\n\ttabbed: 1\n",
        "id: g\nx: a\rb\n",
        "id: g\n--- x: 1\n",
        "id: g\n... \n",
        "id: g\n? complex\n: key\n",
        "id: g\nflow: [a,\n  b]\n",
        "id: g\nflow: {a: 1, b: [2, 3]} # comment\n",
        "id: g\nflow: [a, b]#no space\n",
        "id: g\nempty:\nnull: ~\nn: null\nN: Null\n",
        "",
        "# only a comment\n",
    ]

    /// Plain and quoted scalars whose type or text YAML 1.1 decides in a way worth checking.
    static let scalars = [
        "yes", "no", "on", "off", "Yes", "OFF", "y", "n", "~", "null", "NULL", "true", "False", "0o17", "0x1F", "0b101", "017",
        "1e3", "1.5e3", "-2.5e-3", ".5", "1_000", "1:30", "190:20:30", ".inf", "-.Inf", ".nan", "2026-01-05", "2026-1-5",
        "2026-01-05 10:00:00", "2026-01-05T10:00:00Z", "2026-01-05t10:00:00.5+01:00", "12:61", "<<", "=", "-", "- x", "-x",
        "'it''s'", "\"\\u00e9\"", "\"\\x41\\t\\\\\"", "\"\\N\\_\\L\\P\"", "\"\\e\\0\"", "\"\\uFEFF\"", "'a' b", "\"a\" b",
        "a #b", "a#b", "a: b", "a:b", "a :b", "'#'", "\"\"", "''", "[a, 'b', \"c\"]", "{a: 1, 'b': 2}", "[]", "{}", "[a, b,]",
        "|", "|-", ">", ">+", "&x y", "*y", "!x y", "%x", "@x", "`x", "? x", ",x", "x,", "]x", "caf\u{E9}", "\u{A0}x", "\u{85}x",
    ]

    @Test("PyYAML's default style is read by the fast tier, as Yams reads it")
    func pyyamlStyleIsReadFast() {
        for text in Self.pyyaml {
            #expect(Self.agree(text), "the fast tier declined PyYAML's style:\n\(text)")
        }
    }

    @Test("Editor styles and broken files: the fast tier reads them as Yams does, or declines")
    func editorStyles() {
        var read = 0
        for text in Self.editor where Self.agree(text) { read += 1 }
        // Most of these are styles the fast tier covers; the rest are left to Yams.
        #expect(read >= 20, "the fast tier read only \(read) of \(Self.editor.count)")
    }

    @Test("Tricky scalars, in every block position, one line and folded over two")
    func trickyScalars() {
        var read = 0
        for s in Self.scalars {
            let texts = [
                "v: \(s)\n", "l:\n  - \(s)\n  - end\n", "l:\n- \(s)\n- end\n", "m:\n  k: \(s)\n  z: end\n", "l:\n- k: \(s)\n  z: 1\n",
                "v: first \(s)\n  second \(s)\n", "v: '\(s) over\n  lines'\n", "v: \"\(s) over\n  lines\"\n", "\(s): key\n",
            ]
            for text in texts where Self.agree(text) { read += 1 }
        }
        #expect(read > Self.scalars.count * 4)
    }

    @Test("Whole files: BOM, CRLF, `...`, conflict markers and duplicate keys give the same result or error by both tiers")
    func wholeFiles() throws {
        let doc = try FrontMatter.parse(Array("\u{FEFF}---\r\nid: g\r\ntitle: 'a\r\n  b'\r\n...\r\nbody\r\n".utf8))
        #expect(doc.frontMatter == YAMLMap([("id", .string("g")), ("title", .string("a b"))]))
        #expect(doc.lines == ["id": 2, "title": 3])
        #expect(doc.body == "body\r\n")
        // Yams finds the second key (at the line of its mapping); the fast tier declines it.
        #expect(FrontMatter.readFast("id: g\n'id': h\n") == nil)
        #expect(throws: MarkdownDocument.ParseError.duplicateKey(key: "id", line: 2)) { try FrontMatter.parse(Array("---\nid: g\n'id': h\n---\n".utf8)) }
        #expect(throws: MarkdownDocument.ParseError.conflictMarkers(line: 3)) { try FrontMatter.parse(Array("---\nid: g\n<<<<<<< ours\n---\n".utf8)) }
    }

    @Test("Reading a few fields gives what the whole file gives, or nothing")
    func fewFields() {
        let keys: Set<String> = ["id", "status"]
        var read = 0
        for text in Self.pyyaml + Self.editor + ["id: g\nstatus: draft\ntitle: 'x\nstatus: active'\n", "id: g\nstatus: draft\nstatus: active\n",
            "id: g\nstatus: draft\n'status': active\n", "status: draft\nid: g\nlist:\n- a\n# c\nrest: 1\n"] {
            let bytes = Array(("---\n" + text + "---\nbody\n").utf8)
            let full = Result { () throws(MarkdownDocument.ParseError) in try FrontMatter.parse(bytes) }
            guard let fields = FrontMatter.fields(keys, of: bytes) else {
                continue
            }
            read += 1
            switch full {
            case .success(let doc):
                for key in keys {
                    #expect(fields.map[key] == doc.frontMatter[key], "\(key) of:\n\(text)")
                    #expect(fields.lines[key] == doc.lines[key], "line of \(key) of:\n\(text)")
                }
            case .failure(let error):
                if case .duplicateKey(let key, _) = error { #expect(!keys.contains(key), "a second \(key) not seen in:\n\(text)") }
            }
        }
        #expect(read >= 3)
        // A second `status` the fields' reading stops before is found by its check of the rest.
        #expect(FrontMatter.fields(keys, of: Array("---\nid: g\nstatus: draft\nx: 1\nstatus: active\n---\n".utf8)) == nil)
    }

    /// The few-fields reading finds the front matter in the file's bytes itself (the pull skims every
    /// changed goal): for every framing the whole parse refuses (conflict markers anywhere, no
    /// opening or closing line, NUL, bad UTF-8) it gives nothing, and for every one it accepts (a
    /// byte order mark, CRLF, `...`, no final line break) the same fields and lines.
    @Test("Reading a few fields frames the file as the whole parse does", arguments: [
        "---\nid: g\nstatus: draft\n---\nbody\n", "\u{FEFF}---\nid: g\nstatus: draft\n---\n", "---\r\nid: g\r\nstatus: draft\r\n---\r\nb\r\n",
        "---\nid: g\nstatus: draft\n...\nbody", "---\nid: g\nstatus: draft\n---", "---\nid: g\nstatus: draft\n---\n<<<<<<< ours\n",
        "---\nid: g\nstatus: draft\n---\nx\n=======\n", "---\nid: g\nstatus: draft\n---\n>>>>>>>\n", "---\nid: g\nstatus: draft\n---\n=======x\n",
        "---\nid: g\nstatus: draft\n---\n<<<<<<<< eight\n", "---\nid: g\nstatus: draft\n---\n>>>>>>> theirs\r\n", "---\nid: g\nstatus: draft\n",
        "--- \nid: g\nstatus: draft\n---\n", "id: g\nstatus: draft\n---\n", "---\nid: g\nstatus: draft\n----\n---\n", "---\nid: g\u{0}\nstatus: draft\n---\n",
        "---\nid: g\nstatus: draft\n--- \n---\n", "", "---", "---\n---\n", "\n---\nid: g\n---\n",
    ])
    func fewFieldsFraming(_ text: String) {
        let keys: Set<String> = ["id", "status"]
        for bytes in [Array(text.utf8), Array(text.utf8) + [0xC3]] {
            let full = Result { () throws(MarkdownDocument.ParseError) in try FrontMatter.parse(bytes) }
            let fields = FrontMatter.fields(keys, of: bytes)
            switch full {
            case .success(let doc):
                // (An empty front matter is left to the whole parse by the fast tier.)
                #expect(fields != nil || doc.frontMatter["id"] == nil, "not read: \(text.debugDescription)")
                for key in keys {
                    #expect(fields?.map[key] == doc.frontMatter[key], "\(key) of \(text.debugDescription)")
                    #expect(fields?.lines[key] == doc.lines[key], "line of \(key) of \(text.debugDescription)")
                }
            case .failure(let error):
                #expect(fields == nil, "read although the parse says \(error): \(bytes)")
            }
        }
    }

    /// ``PlainScalar`` (the one resolver of plain scalars, both tiers use it) against Yams' YAML 1.1
    /// resolver: the same type for every scalar.
    @Test("PlainScalar resolves plain scalars as Yams' YAML 1.1 resolver does")
    func plainScalarAgreesWithYamsResolver() async {
        func agree(_ s: String) {
            let expected = Resolver.default.resolveTag(of: Node(s))
            let actual: Yams.Tag.Name
            switch PlainScalar.classify(s) {
            case nil: actual = .str
            case .null?: actual = s == "<<" ? .merge : s == "=" ? .value : .null
            case .bool?: actual = .bool
            case .int?: actual = .int
            case .float?: actual = .float
            case .date?: actual = .timestamp
            }
            #expect(actual == expected, "\(s.debugDescription): PlainScalar \(actual), Yams \(expected)")
        }
        // Strings a plain scalar can be: one line, no spaces around it.
        let plainable = (Self.scalars + RandomYAML.plainPool + FormatPropertyTests.hostile).filter { s in
            s.unicodeScalars.allSatisfy { !CharacterSet.newlines.contains($0) } && s == s.trimmingCharacters(in: .whitespaces)
        }
        for s in plainable { agree(s) }
        let digits = Array("0123456789+-._:eExXoObB aAfF~TtZz")
        await propertyCheck(count: 2000, input: Generator<String, Shrink.None<String>>(run: { rng in
            String((0..<(1 + RandomYAML.int(12, &rng))).map { _ in RandomYAML.pick(digits, &rng) })
        })) { s in agree(s) }
    }

    @Test("Random goals, rewritten in foreign styles and damaged: the fast tier reads them as Yams does, or declines")
    func randomForeignStyles() async {
        await propertyCheck(count: 600, input: ForeignStyle.generator) { yaml in
            Self.agree(yaml)
        }
    }

    @Test("The foreign-style rewriting keeps most files readable by the fast tier")
    func foreignStylesMostlyReadFast() {
        var rng: any SeededRandomNumberGenerator = Xoshiro(seed: (20261203, 1, 2, 3))
        var read = 0, valid = 0
        for _ in 0..<300 {
            let yaml = ForeignStyle.render(&rng, damage: false)
            if (try? FrontMatter.readWithYams(yaml)) != nil { valid += 1 }
            if Self.agree(yaml) { read += 1 }
        }
        // Without damage nearly every rewritten file is valid YAML. The generator's values are
        // hostile (control characters, escapes, NEL, BOM, quoted flow keys), which the fast tier
        // leaves to Yams; it still reads enough of them for the property test to compare tiers.
        #expect(valid > 250)
        #expect(read > valid / 5, "fast tier read \(read) of \(valid) valid files")
    }
}

/// Random goals written by goalsync, then rewritten as other tools and people write: lists at
/// their key's column, quoted keys, values folded over lines, comments, blank lines, trailing
/// spaces, CRLF; and, when damaged, a hostile piece put somewhere.
enum ForeignStyle {
    typealias RNG = RandomYAML.RNG

    static let generator = Generator<String, Shrink.None<String>>(run: { rng in render(&rng, damage: RandomYAML.chance(30, &rng)) })

    static let hostile = [
        "&a ", "*a", "!!str ", "\t", "? ", "<<: {a: 1}", "- - x", "|2", "'unclosed", "\"esc \\x41 \\q\"", "#", " #", ": ", "-", "--- ",
        "...", "\r", "[", "{", "}", "'", "\"", "\\", "\u{FEFF}", "\u{85}", "  ", "\n", "\n  ", "\n- ", "\nkey: ", "\n# c\n  ", "k: v",
    ]

    static func render(_ rng: inout RNG, damage: Bool) -> String {
        let goal = RandomYAML.goal(&rng)
        let text = YAMLWriter.document(goal.document)
        // The front matter's lines, without the `---` lines.
        var lines = text.components(separatedBy: "\n")
        guard let close = lines.dropFirst().firstIndex(of: "---") else { return "" }
        lines = Array(lines[1..<close])
        if RandomYAML.chance(60, &rng) { lines = indentless(lines) }
        var out = [String]()
        for line in lines {
            var line = line
            if RandomYAML.chance(25, &rng) { line = quoteKey(line, &rng) }
            if RandomYAML.chance(10, &rng) { out.append(RandomYAML.pick(["", "   ", "# a comment", "  # indented comment"], &rng)) }
            if RandomYAML.chance(40, &rng) { line = wrap(line, &rng) }
            if RandomYAML.chance(10, &rng) { line += RandomYAML.pick(["  # note", " # note", "  "], &rng) }
            out.append(line)
        }
        var yaml = out.joined(separator: "\n") + "\n"
        if damage, !yaml.isEmpty {
            let scalars = Array(yaml.unicodeScalars)
            let at = RandomYAML.int(scalars.count, &rng)
            var s = String.UnicodeScalarView(scalars[..<at])
            s.append(contentsOf: RandomYAML.pick(hostile, &rng).unicodeScalars)
            s.append(contentsOf: scalars[at...])
            yaml = String(s)
        }
        if RandomYAML.chance(15, &rng) { yaml = yaml.replacingOccurrences(of: "\n", with: "\r\n") }
        return yaml
    }

    /// Each block list under a key moved to the key's column, as PyYAML writes it.
    static func indentless(_ lines: [String]) -> [String] {
        var out = lines
        var i = 0
        while i < out.count {
            let indent = out[i].prefix { $0 == " " }.count
            if out[i].hasSuffix(":"), i + 1 < out.count, out[i + 1].hasPrefix(String(repeating: " ", count: indent + 2) + "- ") {
                var j = i + 1
                while j < out.count, out[j].prefix(while: { $0 == " " }).count >= indent + 2 {
                    out[j].removeFirst(2)
                    j += 1
                }
            }
            i += 1
        }
        return out
    }

    /// The line's key (`key:` or `- key:`) in single or double quotes.
    static func quoteKey(_ line: String, _ rng: inout RNG) -> String {
        guard let range = line.range(of: #"^( *(- )?)([A-Za-z_][A-Za-z0-9_-]*):( |$)"#, options: .regularExpression) else { return line }
        let head = line[range]
        guard let colon = head.lastIndex(of: ":") else { return line }
        let prefixEnd = head.firstIndex { $0 != " " && $0 != "-" } ?? colon
        let key = line[prefixEnd..<colon]
        let quote = RandomYAML.chance(50, &rng) ? "'" : "\""
        return String(line[..<prefixEnd]) + quote + key + quote + String(line[colon...])
    }

    /// The line broken at a space past its 20th character, the rest indented under it.
    static func wrap(_ line: String, _ rng: inout RNG) -> String {
        let chars = Array(line)
        guard chars.count > 24 else { return line }
        let indent = chars.prefix { $0 == " " }.count
        let candidates = (20..<(chars.count - 1)).filter { chars[$0] == " " && chars[$0 - 1] != " " && chars[$0 + 1] != " " }
        guard !candidates.isEmpty else { return line }
        let at = RandomYAML.pick(candidates, &rng)
        let deeper = String(repeating: " ", count: indent + RandomYAML.pick([2, 4, 6], &rng))
        let blank = RandomYAML.chance(20, &rng) ? "\n" : ""
        return String(chars[..<at]) + "\n" + blank + deeper + String(chars[(at + 1)...])
    }
}
