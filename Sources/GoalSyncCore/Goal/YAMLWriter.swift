/// Writes front matter in goalsync's one canonical key order and style, so that a machine edit
/// changes only the lines it must: one field per line, one list item per line, check-ins and sprint
/// goals one per line, metrics as small blocks. Keys goalsync does not know follow, as they were.
package enum YAMLWriter {
    /// The canonical order of a goal's top-level fields.
    package static let goalKeyOrder = [
        "id", "title", "status", "order", "owner", "created", "timeframe", "closed", "cadence_days",
        "persona", "problem", "why", "moves_north_star", "proof", "assumptions", "contributors", "metrics", "checkins",
        "sprint_goals", "tags",
    ]

    /// Key order inside the nested mappings goalsync knows.
    package static let nestedKeyOrder: [String: [String]] = [
        "timeframe": ["start", "end"],
        "closed": ["on", "reason"],
        "metrics": ["id", "name", "unit", "direction", "baseline", "target", "source", "framework"],
        "north_star": ["name", "unit", "direction", "baseline", "target", "framework"],
        "checkins": ["id", "on", "by", "metric", "value", "confidence", "note"],
        "sprint_goals": ["sprint", "goal", "status"],
    ]

    /// Fields written as one-line flow mappings; lists whose items are one-line flow mappings.
    static let flowMaps: Set<String> = ["timeframe", "closed"]
    static let flowItemLists: Set<String> = ["checkins", "sprint_goals"]

    /// The front matter of a goal (or any mapping when `keyOrder` is empty), without the `---` lines.
    package static func frontMatter(_ map: YAMLMap, keyOrder: [String] = goalKeyOrder) -> String {
        var out = ""
        for (key, value) in ordered(map, by: keyOrder) {
            writeField(key, value, topLevelKey: key, indent: 0, into: &out)
        }
        return out
    }

    /// A whole file: front matter between `---` lines, then the body as it was.
    package static func document(_ doc: MarkdownDocument, keyOrder: [String] = goalKeyOrder) -> String {
        "---\n" + frontMatter(doc.frontMatter, keyOrder: keyOrder) + "---\n" + doc.body
    }

    static func ordered(_ map: YAMLMap, by order: [String]) -> [(key: String, value: YAMLValue)] {
        guard !order.isEmpty else { return map.entries }
        var out = [(key: String, value: YAMLValue)]()
        out.reserveCapacity(map.entries.count)
        let values = map.lookup
        for key in order { if let v = values[key] { out.append((key, v)) } }
        let known = Set(order)
        for e in map.entries where !known.contains(e.key) { out.append(e) }
        return out
    }

    private static func pad(_ n: Int) -> String { String(repeating: " ", count: n) }

    private static func writeField(_ key: String, _ value: YAMLValue, topLevelKey: String?, indent: Int, into out: inout String) {
        let k = scalar(key, flow: false, isKey: true)
        switch value {
        case .map(let m) where m.isEmpty:
            out += "\(pad(indent))\(k): {}\n"
        case .map(let m):
            if let top = topLevelKey, flowMaps.contains(top), isFlat(m) {
                out += "\(pad(indent))\(k): \(flow(.map(m), keyOrder: nestedKeyOrder[top] ?? []))\n"
            } else {
                out += "\(pad(indent))\(k):\n"
                for (ck, cv) in ordered(m, by: topLevelKey.flatMap { nestedKeyOrder[$0] } ?? []) {
                    writeField(ck, cv, topLevelKey: nil, indent: indent + 2, into: &out)
                }
            }
        case .list(let l) where l.isEmpty:
            out += "\(pad(indent))\(k): []\n"
        case .list(let l):
            out += "\(pad(indent))\(k):\n"
            let itemOrder = topLevelKey.flatMap { nestedKeyOrder[$0] } ?? []
            let flowItems = topLevelKey.map { flowItemLists.contains($0) } ?? false
            for item in l { writeItem(item, indent: indent + 2, itemOrder: itemOrder, flowItems: flowItems, into: &out) }
        default:
            out += "\(pad(indent))\(k): \(inlineScalar(value, flow: false))\n"
        }
    }

    private static func writeItem(_ item: YAMLValue, indent: Int, itemOrder: [String], flowItems: Bool, into out: inout String) {
        switch item {
        case .map(let m) where !m.isEmpty && !(flowItems && isFlat(m)):
            var first = true
            for (ck, cv) in ordered(m, by: itemOrder) {
                var field = ""
                writeField(ck, cv, topLevelKey: nil, indent: indent + 2, into: &field)
                if first {
                    field.replaceSubrange(field.startIndex..<field.index(field.startIndex, offsetBy: indent + 2), with: pad(indent) + "- ")
                    first = false
                }
                out += field
            }
        case .map(let m):
            out += "\(pad(indent))- \(flow(.map(m), keyOrder: itemOrder))\n"
        case .list(let l) where !l.isEmpty:
            out += "\(pad(indent))- \(flow(item, keyOrder: []))\n"
        default:
            out += "\(pad(indent))- \(inlineScalar(item, flow: false))\n"
        }
    }

    /// A mapping whose values are all scalars (so it reads well on one line).
    private static func isFlat(_ m: YAMLMap) -> Bool {
        m.entries.allSatisfy { if case .map = $0.value { return false }; if case .list = $0.value { return false }; return true }
    }

    private static func flow(_ value: YAMLValue, keyOrder: [String]) -> String {
        switch value {
        case .map(let m):
            let parts = ordered(m, by: keyOrder).map { "\(scalar($0.key, flow: true, isKey: true)): \(flow($0.value, keyOrder: []))" }
            return "{" + parts.joined(separator: ", ") + "}"
        case .list(let l):
            return "[" + l.map { flow($0, keyOrder: []) }.joined(separator: ", ") + "]"
        default:
            return inlineScalar(value, flow: true)
        }
    }

    private static func inlineScalar(_ value: YAMLValue, flow: Bool) -> String {
        switch value {
        case .string(let s): return scalar(s, flow: flow, isKey: false)
        case .plain(let s): return s
        case .null: return "null"
        case .list, .map: return Self.flow(value, keyOrder: [])
        }
    }

    /// A string as a YAML scalar: plain when that reads back as the same string, else double-quoted.
    /// Keys are read as their text, so a key may stay plain where a value would resolve to a
    /// boolean: check-ins and `closed` write `on:`, as the format's examples do.
    package static func scalar(_ s: String, flow: Bool, isKey: Bool) -> String {
        isPlainSafe(s, flow: flow, isKey: isKey) ? s : doubleQuoted(s)
    }

    static func isPlainSafe(_ s: String, flow: Bool, isKey: Bool = false) -> Bool {
        guard asciiPlainSafe(s, flow: flow) ?? unicodePlainSafe(s, flow: flow) else { return false }
        // YAML 1.1 readers that know the short booleans would take these for true and false.
        if ["y", "Y", "n", "N"].contains(s) { return isKey }
        switch PlainScalar.classify(s) {
        case nil: return true
        case .bool?: return isKey
        default: return false
        }
    }

    /// The character rules of ``unicodePlainSafe(_:flow:)`` for a string of ASCII only, on its
    /// bytes: no Unicode property lookups (an ASCII letter is alphabetic, no ASCII character is
    /// unassigned). nil when the string holds anything else: the caller takes the Unicode path.
    package static func asciiPlainSafe(_ s: String, flow: Bool) -> Bool? {
        var previous: UInt8 = 32
        var first = true
        for c in s.utf8 {
            guard c < 0x80 else { return nil }
            if first {
                // A letter or a digit.
                guard (c >= 65 && c <= 90) || (c >= 97 && c <= 122) || (c >= 48 && c <= 57) else { return false }
                first = false
            }
            switch c {
            case 10, 13, 9: return false  // \n \r \t
            case 35 where previous == 32: return false  // `#` after a space
            case 32 where previous == 58: return false  // a space after `:`
            case 44, 91, 93, 123, 125, 58: if flow { return false }  // , [ ] { } :
            default: if c < 0x20 || c == 0x7F { return false }
            }
            previous = c
        }
        // Empty, or ending in a space or a colon.
        return !first && previous != 32 && previous != 58
    }

    /// Whether every character of `s` may stand in a plain scalar (the words YAML would read
    /// otherwise are checked by the caller).
    package static func unicodePlainSafe(_ s: String, flow: Bool) -> Bool {
        guard let first = s.unicodeScalars.first, let last = s.unicodeScalars.last else { return false }
        // Start with a letter (any script) or a digit: no indicator, sign or quote can begin it
        // (a digit-led scalar stays plain only when YAML does not read it as a number or date).
        guard first.properties.isAlphabetic || ("0"..."9").contains(first) else { return false }
        if last == " " || last == ":" { return false }
        var previous: Unicode.Scalar = " "
        for c in s.unicodeScalars {
            switch c {
            case "\n", "\r", "\t", "\u{85}", "\u{2028}", "\u{2029}", "\u{FEFF}": return false
            case "#" where previous == " ": return false
            case " " where previous == ":": return false
            // In flow style libyaml also refuses a colon inside a plain scalar (`note: see https://x`).
            case ",", "[", "]", "{", "}", ":": if flow { return false }
            default:
                if c.value < 0x20 || c.value == 0x7F || (c.value >= 0x80 && c.value < 0xA0) { return false }
                if !c.properties.isAlphabetic, c.properties.generalCategory == .unassigned { return false }
            }
            previous = c
        }
        return true
    }

    static func doubleQuoted(_ s: String) -> String {
        var out = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\t": out += "\\t"
            case "\r": out += "\\r"
            case "\0": out += "\\0"
            case "\u{85}": out += "\\N"
            case "\u{A0}": out += "\\_"
            case "\u{2028}": out += "\\L"
            case "\u{2029}": out += "\\P"
            case "\u{FEFF}", "\u{FFFE}", "\u{FFFF}":
                // A byte order mark, and the two characters YAML does not allow even when quoted.
                out += "\\u" + String(c.value, radix: 16).uppercased()
            default:
                if c.value < 0x20 || c.value == 0x7F || (c.value >= 0x80 && c.value < 0xA0) {
                    out += "\\x" + (c.value < 16 ? "0" : "") + String(c.value, radix: 16).uppercased()
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        return out + "\""
    }
}
