import Foundation

/// Parses many versions of the same goal files in a row, as the audit reads them out of the
/// history, giving exactly what ``MarkdownDocument/parse(_:)-(String)`` gives (front matter and
/// body; not the line numbers, which the audit does not use).
///
/// Consecutive versions of a goal differ in a line or two, so the front matter is split into its
/// top-level fields, and the fields that are block lists into their items; each piece is parsed
/// once (cached by its text) by ``FrontMatter``'s reader and the pieces reassembled. Anything
/// unusual in the file as a whole (a BOM, CR line endings, conflict markers, a top-level line that
/// is not `key:`, a duplicate key, a piece that does not parse) sends the whole file to
/// ``FrontMatter/parse(_:)-([UInt8])``, so errors are the same too.
package final class GoalFileParser {
    package init() {}

    private var frontMatters = [String: YAMLMap]()
    private var blocks = [String: YAMLValue]()
    private var items = [String: YAMLValue]()

    package func parse(_ bytes: [UInt8]) throws(MarkdownDocument.ParseError) -> MarkdownDocument {
        guard let (frontMatter, lines, body) = split(bytes) else { return try FrontMatter.parse(bytes) }
        if let map = frontMatters[frontMatter] { return MarkdownDocument(frontMatter: map, body: body) }
        guard let map = parseFrontMatter(bytes, lines) else { return try FrontMatter.parse(bytes) }
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
                guard let keyEnd = Self.keyEnd(b, line) else { return nil }
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

    /// One top-level field's value, from the cache or the reader.
    private func fieldValue(_ key: String, _ lines: [Range<Int>], _ b: [UInt8]) -> YAMLValue? {
        // A block list with items at indent 2 and nothing else: item by item.
        if lines.count > 1, Self.restIsEmpty(b, lines[0], after: key.utf8.count + 1),
            lines.dropFirst().allSatisfy({ Self.hasPrefix(b, $0, "  - ") || (Self.hasPrefix(b, $0, "    ") && b.count > $0.lowerBound + 4 && b[$0.lowerBound + 4] != 32) }),
            Self.hasPrefix(b, lines[1], "  - ")
        {
            var values = [YAMLValue]()
            var start = 1
            while start < lines.count {
                var end = start + 1
                while end < lines.count, !Self.hasPrefix(b, lines[end], "  - ") { end += 1 }
                let text = Self.text(b, lines[start..<end])
                if let v = items[text] {
                    values.append(v)
                } else {
                    guard let v = parsedItem(text) else { return nil }
                    if items.count > 65_536 { items.removeAll(keepingCapacity: true) }
                    items[text] = v
                    values.append(v)
                }
                start = end
            }
            return .list(values)
        }
        let text = Self.text(b, lines[...])
        if let v = blocks[text] { return v }
        guard let v = parsedField(key, text) else { return nil }
        if blocks.count > 65_536 { blocks.removeAll(keepingCapacity: true) }
        blocks[text] = v
        return v
    }

    private func parsedField(_ key: String, _ text: String) -> YAMLValue? {
        guard let (map, _) = try? FrontMatter.read(text, firstLine: 2), map.entries.count == 1 else { return nil }
        return map[key]
    }

    private func parsedItem(_ text: String) -> YAMLValue? {
        guard let (map, _) = try? FrontMatter.read("items:\n" + text, firstLine: 2), let list = map["items"]?.list, list.count == 1 else { return nil }
        return list[0]
    }

    // MARK: Lines of bytes

    private static func hasPrefix(_ b: [UInt8], _ line: Range<Int>, _ prefix: StaticString) -> Bool {
        let n = prefix.utf8CodeUnitCount
        guard line.count >= n else { return false }
        let p = prefix.utf8Start
        for i in 0..<n where b[line.lowerBound + i] != p[i] { return false }
        return true
    }

    /// The text of `lines` with their line ends.
    private static func text(_ b: [UInt8], _ lines: ArraySlice<Range<Int>>) -> String {
        guard let first = lines.first, let last = lines.last else { return "" }
        return String(decoding: b[first.lowerBound..<min(b.count, last.upperBound + 1)], as: UTF8.self)
    }

    /// True when the line holds only spaces after `offset` bytes.
    private static func restIsEmpty(_ b: [UInt8], _ line: Range<Int>, after offset: Int) -> Bool {
        b[(line.lowerBound + offset)..<line.upperBound].allSatisfy { $0 == 32 }
    }

    private static func isKeyByte(_ c: UInt8) -> Bool {
        (c >= 97 && c <= 122) || (c >= 65 && c <= 90) || (c >= 48 && c <= 57) || c == 95 || c == 45
    }

    /// The end of a simple key (`[A-Za-z0-9_][A-Za-z0-9_-]*`) followed by `:` and a space or the
    /// line's end, or nil: where a top-level field starts.
    private static func keyEnd(_ b: [UInt8], _ line: Range<Int>) -> Int? {
        var i = line.lowerBound
        guard i < line.upperBound, isKeyByte(b[i]), b[i] != 45 else { return nil }
        while i < line.upperBound, isKeyByte(b[i]) { i += 1 }
        guard i < line.upperBound, b[i] == 58, i + 1 == line.upperBound || b[i + 1] == 32 else { return nil }
        return i
    }
}
