import Foundation

/// Parses many versions of the same goal files in a row, as the audit reads them out of the
/// history, giving exactly what ``MarkdownDocument/parse(_:)-(String)`` gives (front matter and
/// body; not the line numbers, which the audit does not use).
///
/// Consecutive versions of a goal differ in a line or two, so the front matter is split into its
/// top-level fields, and the fields that are block lists into their items; each piece is parsed
/// once (cached by its text) and the pieces reassembled. goalsync's canonical forms (one-line
/// scalars, flow mappings and lists, simple block lists and mappings) are read by a small exact
/// reader; anything else in a piece goes to the YAML parser, and anything unusual in the file as a
/// whole (a BOM, CR line endings, conflict markers, a top-level line that is not `key:`, a
/// duplicate key, a piece that does not parse) sends the whole file to ``MarkdownDocument/parse``,
/// so errors are the same too.
package final class GoalFileParser {
    package init() {}

    private var frontMatters = [String: YAMLMap]()
    private var blocks = [String: YAMLValue]()
    private var items = [String: YAMLValue]()

    package func parse(_ bytes: [UInt8]) throws(MarkdownDocument.ParseError) -> MarkdownDocument {
        guard let (frontMatter, lines, body) = split(bytes) else { return try MarkdownDocument.parse(bytes) }
        if let map = frontMatters[frontMatter] { return MarkdownDocument(frontMatter: map, body: body) }
        guard let map = parseFrontMatter(bytes, lines) else { return try MarkdownDocument.parse(bytes) }
        if frontMatters.count > 4096 { frontMatters.removeAll(keepingCapacity: true) }
        frontMatters[frontMatter] = map
        return MarkdownDocument(frontMatter: map, body: body)
    }

    /// The front matter text (without its `---` lines), its lines, and the body, for a plain file:
    /// nil when the file needs the full parser (to read it or to report why it cannot).
    private func split(_ bytes: [UInt8]) -> (String, [Range<Int>], String)? {
        guard bytes.count <= MarkdownDocument.maximumSize else { return nil }
        return bytes.withUnsafeBufferPointer { buf -> (String, [Range<Int>], String)? in
            guard let base = buf.baseAddress, buf.count >= 4, base[0] == 45, base[1] == 45, base[2] == 45, base[3] == 10,
                memchr(base, 0, buf.count) == nil, memchr(base, 13, buf.count) == nil
            else { return nil }
            var lines = [Range<Int>]()
            var close: (start: Int, end: Int)?
            var start = 4
            while start < buf.count {
                let end = memchr(base + start, 10, buf.count - start).map { $0.assumingMemoryBound(to: UInt8.self) - UnsafeMutablePointer(mutating: base) } ?? buf.count
                let n = end - start
                if close == nil {
                    if n == 3, (base[start] == 45 && base[start + 1] == 45 && base[start + 2] == 45) || (base[start] == 46 && base[start + 1] == 46 && base[start + 2] == 46) {
                        close = (start, min(end + 1, buf.count))
                    } else {
                        lines.append(start..<end)
                    }
                }
                // Conflict markers anywhere: the full parser says so.
                if n >= 7, base[start] == 60 || base[start] == 62 || base[start] == 61 {
                    let c = base[start]
                    if (1..<7).allSatisfy({ base[start + $0] == c }) { return nil }
                }
                start = end + 1
            }
            guard let close,
                let fm = String(validating: UnsafeBufferPointer(rebasing: buf[4..<close.start]), as: UTF8.self),
                let body = String(validating: UnsafeBufferPointer(rebasing: buf[close.end...]), as: UTF8.self)
            else { return nil }
            return (fm, lines, body)
        }
    }

    /// The front matter as a mapping, field by field; nil when the full parser must read it.
    private func parseFrontMatter(_ b: [UInt8], _ lines: [Range<Int>]) -> YAMLMap? {
        // Top-level fields: a line `key:` at column 0 starts one; indented, blank, comment and
        // compact-sequence (`- `) lines continue it.
        var fields = [(key: String, lines: [Range<Int>])]()
        for line in lines {
            let first = line.isEmpty ? 32 : b[line.lowerBound]
            if first == 32 || first == 35 || (first == 45 && line.count > 1 && b[line.lowerBound + 1] == 32) {
                if fields.isEmpty {
                    if first == 32 || first == 35 { continue }
                    return nil
                }
                fields[fields.count - 1].lines.append(line)
            } else {
                guard let keyEnd = FastYAML.keyEnd(b, line) else { return nil }
                fields.append((String(decoding: b[line.lowerBound..<keyEnd], as: UTF8.self), [line]))
            }
        }
        guard !fields.isEmpty else { return nil }
        var seen = Set<String>()
        var entries = [(key: String, value: YAMLValue)]()
        entries.reserveCapacity(fields.count)
        for field in fields {
            guard seen.insert(field.key).inserted, let value = fieldValue(field.key, field.lines, b) else { return nil }
            entries.append((field.key, value))
        }
        return YAMLMap(entries)
    }

    /// One top-level field's value, from the cache, the fast reader or the YAML parser.
    private func fieldValue(_ key: String, _ lines: [Range<Int>], _ b: [UInt8]) -> YAMLValue? {
        // A block list with items at indent 2 and nothing else: item by item.
        if lines.count > 1, FastYAML.restIsEmpty(b, lines[0], after: key.utf8.count + 1),
            lines.dropFirst().allSatisfy({ FastYAML.hasPrefix(b, $0, "  - ") || (FastYAML.hasPrefix(b, $0, "    ") && b.count > $0.lowerBound + 4 && b[$0.lowerBound + 4] != 32) }),
            FastYAML.hasPrefix(b, lines[1], "  - ")
        {
            var values = [YAMLValue]()
            var start = 1
            while start < lines.count {
                var end = start + 1
                while end < lines.count, !FastYAML.hasPrefix(b, lines[end], "  - ") { end += 1 }
                let text = FastYAML.text(b, lines[start..<end])
                if let v = items[text] {
                    values.append(v)
                } else {
                    guard let v = FastYAML.item(b, lines[start..<end]) ?? parsedItem(text) else { return nil }
                    if items.count > 65_536 { items.removeAll(keepingCapacity: true) }
                    items[text] = v
                    values.append(v)
                }
                start = end
            }
            return .list(values)
        }
        let text = FastYAML.text(b, lines[...])
        if let v = blocks[text] { return v }
        guard let v = FastYAML.field(b, lines, keyLength: key.utf8.count) ?? parsedField(key, text) else { return nil }
        if blocks.count > 65_536 { blocks.removeAll(keepingCapacity: true) }
        blocks[text] = v
        return v
    }

    private func parsedField(_ key: String, _ text: String) -> YAMLValue? {
        guard let doc = try? MarkdownDocument.parse("---\n" + text + "---\n"), doc.frontMatter.entries.count == 1 else { return nil }
        return doc.frontMatter[key]
    }

    private func parsedItem(_ text: String) -> YAMLValue? {
        guard let doc = try? MarkdownDocument.parse("---\nitems:\n" + text + "---\n"), let list = doc.frontMatter["items"]?.list, list.count == 1 else { return nil }
        return list[0]
    }
}

/// An exact reader of the few YAML forms goalsync writes, on bytes: it returns nil for anything
/// else (then the YAML parser reads it). What it reads it reads as `MarkdownDocument.parse` does:
/// quoted scalars are strings; plain scalars are classified by ``PlainScalar/classify(_:)``.
enum FastYAML {
    static func hasPrefix(_ b: [UInt8], _ line: Range<Int>, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard line.count >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where b[line.lowerBound + i] != p[i] { return false }
        return true
    }

    static func text(_ b: [UInt8], _ lines: ArraySlice<Range<Int>>) -> String {
        String(decoding: b[lines.first!.lowerBound..<min(b.count, lines.last!.upperBound + 1)], as: UTF8.self)
    }

    /// True when the line holds only spaces after `offset` bytes.
    static func restIsEmpty(_ b: [UInt8], _ line: Range<Int>, after offset: Int) -> Bool {
        b[(line.lowerBound + offset)..<line.upperBound].allSatisfy { $0 == 32 }
    }

    static func isKeyByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 45
    }

    /// The end of a simple key (`[A-Za-z0-9_][A-Za-z0-9_-]*`) followed by `:` and a space or the
    /// line's end, or nil.
    static func keyEnd(_ b: [UInt8], _ line: Range<Int>) -> Int? {
        var i = line.lowerBound
        guard i < line.upperBound, isKeyByte(b[i]), b[i] != 45 else { return nil }
        while i < line.upperBound, isKeyByte(b[i]) { i += 1 }
        guard i < line.upperBound, b[i] == 58, i + 1 == line.upperBound || b[i + 1] == 32 else { return nil }
        return i
    }

    /// A top-level field: `key: VALUE` on one line, or `key:` and a block mapping at indent 2.
    static func field(_ b: [UInt8], _ lines: [Range<Int>], keyLength: Int) -> YAMLValue? {
        let first = lines[0]
        let rest = (first.lowerBound + keyLength + 1)..<first.upperBound
        if lines.count == 1 { return value(b, rest) }
        guard restIsEmpty(b, first, after: keyLength + 1) else { return nil }
        return blockMap(b, lines.dropFirst(), indent: 2)
    }

    /// An item of a block list at indent 2: `  - VALUE`, or `  - key: value` and more `key: value`
    /// lines at indent 4.
    static func item(_ b: [UInt8], _ lines: ArraySlice<Range<Int>>) -> YAMLValue? {
        let first = lines.first!
        let content = (first.lowerBound + 4)..<first.upperBound
        if keyEnd(b, content) != nil {
            var all = [content]
            for line in lines.dropFirst() {
                guard hasPrefix(b, line, "    "), line.count > 4, b[line.lowerBound + 4] != 32 else { return nil }
                all.append((line.lowerBound + 4)..<line.upperBound)
            }
            return blockMap(b, all[...], indent: 0)
        }
        guard lines.count == 1 else { return nil }
        return value(b, content)
    }

    /// Lines `key: value` at exactly `indent` spaces.
    static func blockMap(_ b: [UInt8], _ lines: ArraySlice<Range<Int>>, indent: Int) -> YAMLValue? {
        var entries = [(key: String, value: YAMLValue)]()
        var seen = Set<String>()
        for line in lines {
            guard line.count > indent, b[line.lowerBound..<(line.lowerBound + indent)].allSatisfy({ $0 == 32 }) else { return nil }
            let content = (line.lowerBound + indent)..<line.upperBound
            guard let keyEnd = keyEnd(b, content) else { return nil }
            let key = String(decoding: b[content.lowerBound..<keyEnd], as: UTF8.self)
            guard seen.insert(key).inserted, let v = value(b, (keyEnd + 1)..<content.upperBound) else { return nil }
            entries.append((key, v))
        }
        return entries.isEmpty ? nil : .map(YAMLMap(entries))
    }

    /// The value after `key:` on a line (block context): a scalar, or a one-line flow collection.
    static func value(_ b: [UInt8], _ range: Range<Int>) -> YAMLValue? {
        var s = range.lowerBound, e = range.upperBound
        while s < e, b[s] == 32 { s += 1 }
        while e > s, b[e - 1] == 32 { e -= 1 }
        guard s < e else { return .null }
        switch b[s] {
        case 123, 91:  // { [
            var i = s
            guard let v = flow(b, &i, e), i == e else { return nil }
            return v
        case 34, 39:  // " '
            var i = s
            guard let v = quoted(b, &i, e), i == e else { return nil }
            return .string(v)
        default:
            return plain(b, s..<e, flow: false)
        }
    }

    /// A flow mapping or list on one line, holding scalars only.
    static func flow(_ b: [UInt8], _ i: inout Int, _ end: Int) -> YAMLValue? {
        let isMap = b[i] == 123
        let close: UInt8 = isMap ? 125 : 93
        i += 1
        var entries = [(key: String, value: YAMLValue)]()
        var list = [YAMLValue]()
        var seen = Set<String>()
        func skipSpaces() { while i < end, b[i] == 32 { i += 1 } }
        skipSpaces()
        if i < end, b[i] == close {
            i += 1
            return isMap ? .map(YAMLMap()) : .list([])
        }
        while true {
            skipSpaces()
            guard i < end else { return nil }
            var key: String?
            if isMap {
                let start = i
                guard isKeyByte(b[i]), b[i] != 45 else { return nil }
                while i < end, isKeyByte(b[i]) { i += 1 }
                guard i + 1 < end, b[i] == 58, b[i + 1] == 32 else { return nil }
                key = String(decoding: b[start..<i], as: UTF8.self)
                i += 2
                skipSpaces()
                guard i < end else { return nil }
            }
            let v: YAMLValue
            if b[i] == 34 || b[i] == 39 {
                guard let s = quoted(b, &i, end) else { return nil }
                v = .string(s)
            } else {
                let start = i
                while i < end, b[i] != 44, b[i] != close { i += 1 }
                var e = i
                while e > start, b[e - 1] == 32 { e -= 1 }
                guard e > start, let p = plain(b, start..<e, flow: true) else { return nil }
                v = p
            }
            if let key {
                guard seen.insert(key).inserted else { return nil }
                entries.append((key, v))
            } else {
                list.append(v)
            }
            skipSpaces()
            guard i < end else { return nil }
            if b[i] == close {
                i += 1
                return isMap ? .map(YAMLMap(entries)) : .list(list)
            }
            guard b[i] == 44, i + 1 < end, b[i + 1] == 32 else { return nil }
            i += 1
        }
    }

    /// A one-line quoted scalar: `"..."` with only `\"` and `\\` escapes, or `'...'`.
    static func quoted(_ b: [UInt8], _ i: inout Int, _ end: Int) -> String? {
        let q = b[i]
        var out = [UInt8]()
        var j = i + 1
        while j < end {
            let c = b[j]
            if q == 34 {
                if c == 92 {
                    guard j + 1 < end, b[j + 1] == 34 || b[j + 1] == 92 else { return nil }
                    out.append(b[j + 1])
                    j += 2
                    continue
                }
                if c == 34 {
                    i = j + 1
                    return String(decoding: out, as: UTF8.self)
                }
            } else if c == 39 {
                if j + 1 < end, b[j + 1] == 39 {
                    out.append(39)
                    j += 2
                    continue
                }
                i = j + 1
                return String(decoding: out, as: UTF8.self)
            }
            if c == 9 { return nil }
            out.append(c)
            j += 1
        }
        return nil
    }

    /// A plain scalar, when it is simple: no indicator first, no `#`, `: `, tab, or (in a flow
    /// collection) `:` and brackets; classified as `MarkdownDocument.parse` does.
    static func plain(_ b: [UInt8], _ r: Range<Int>, flow: Bool) -> YAMLValue? {
        switch b[r.lowerBound] {
        case 45, 63, 58, 44, 91, 93, 123, 125, 35, 38, 42, 33, 124, 62, 39, 34, 37, 64, 96: return nil
        default: break
        }
        for i in r {
            let c = b[i]
            if c == 35 || c == 9 { return nil }
            if c == 58 && (flow || i + 1 == r.upperBound || b[i + 1] == 32) { return nil }
            if flow && (c == 91 || c == 93 || c == 123 || c == 125 || c == 44) { return nil }
        }
        let text = String(decoding: b[r], as: UTF8.self)
        if isDate(b, r) || isDecimal(b, r) { return .plain(text) }
        switch PlainScalar.classify(text) {
        case nil: return .string(text)
        case .null?: return text == "<<" || text == "=" ? .string(text) : .null
        default: return .plain(text)
        }
    }

    /// `YYYY-MM-DD`: YAML 1.1 reads it as a timestamp (and as nothing else).
    static func isDate(_ b: [UInt8], _ r: Range<Int>) -> Bool {
        guard r.count == 10 else { return false }
        for (k, i) in r.enumerated() {
            let c = b[i]
            if k == 4 || k == 7 { if c != 45 { return false } } else if c < 48 || c > 57 { return false }
        }
        return true
    }

    /// `123.45`: YAML 1.1 reads it as a float (and as nothing else).
    static func isDecimal(_ b: [UInt8], _ r: Range<Int>) -> Bool {
        var dot = false, digits = 0
        for i in r {
            let c = b[i]
            if c == 46 {
                if dot || digits == 0 { return false }
                dot = true
            } else if c >= 48 && c <= 57 {
                digits += 1
            } else {
                return false
            }
        }
        return dot && b[r.upperBound - 1] != 46
    }
}
