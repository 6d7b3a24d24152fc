import Foundation
import Yams

/// goalsync's one reader of front matter (goal files, VISION.md, `.goalsync/config.yaml`), in two
/// tiers that give the same result: ``FrontMatterFastPath`` reads the styles goalsync, people and
/// tools write (goalsync's own, PyYAML's `safe_dump`, editors'), and declines anything else, which
/// Yams (libyaml) reads, within ``YAMLLimits``. Either way the front matter is an ordered
/// ``YAMLMap`` whose plain scalars ``PlainScalar`` resolves, with the file line of every field.
package enum FrontMatter {
    package typealias ParseError = MarkdownDocument.ParseError

    /// Splits and parses a file's bytes: the entry point for files read from disk or from git.
    package static func parse(_ bytes: [UInt8]) throws(ParseError) -> MarkdownDocument {
        try parse(text(of: bytes))
    }

    /// Splits and parses a file's text.
    package static func parse(_ text: String) throws(ParseError) -> MarkdownDocument {
        let (yamlText, body) = try split(text)
        let (map, lines) = try read(yamlText, firstLine: 2)
        return MarkdownDocument(frontMatter: map, body: body, lines: lines)
    }

    /// The top-level fields `keys` of a file's front matter (and their lines), read by the fast
    /// tier alone and only as far as needed: for callers that need a few fields of many files
    /// (the status of HEAD's goals). nil when the file cannot be read so (an error, a style the
    /// fast tier leaves to Yams, or a later line that might write one of `keys` again): the
    /// caller then parses the file. A field that is absent is absent from the map.
    package static func fields(_ keys: Set<String>, of bytes: [UInt8]) -> (map: YAMLMap, lines: [String: Int])? {
        guard let yamlText = frontMatterText(bytes) else { return nil }
        return FrontMatterFastPath.read(yamlText, firstLine: 2, only: keys)
    }

    /// The front matter's text of a file that ``split(_:)`` accepts (within the size limit, no NUL,
    /// UTF-8, no conflict-marker line, opening and closing `---` lines), found in one pass over the
    /// bytes rather than through `String` indices (the pull skims every changed goal). nil when
    /// `split` would refuse the file; it refuses at least what `split` refuses, byte for byte on
    /// ASCII lines, so a nil only sends the caller to the full parse.
    private static func frontMatterText(_ bytes: [UInt8]) -> String? {
        guard bytes.count <= MarkdownDocument.maximumSize, !bytes.contains(0),
              String(validating: bytes, as: UTF8.self) != nil else { return nil }
        return bytes.withUnsafeBufferPointer { b -> String? in
            let dash = UInt8(ascii: "-"), dot = UInt8(ascii: "."), lt = UInt8(ascii: "<"), gt = UInt8(ascii: ">"), eq = UInt8(ascii: "=")
            func isRun(_ start: Int, _ end: Int, of byte: UInt8, count: Int) -> Bool {
                end - start == count && (start..<end).allSatisfy { b[$0] == byte }
            }
            func isMarker(_ start: Int, _ end: Int, _ byte: UInt8) -> Bool {  // `<<<<<<<`, `<<<<<<< x`, `=======`...
                guard end - start >= 7, (start..<start + 7).allSatisfy({ b[$0] == byte }) else { return false }
                return end - start == 7 || (byte != eq && b[start + 7] == UInt8(ascii: " "))
            }
            var lineStart = 0, line = 0
            var yamlStart: Int?, yamlEnd: Int?
            while lineStart < b.count {
                var end = lineStart
                while end < b.count && b[end] != 10 { end += 1 }
                var content = end
                if content > lineStart && b[content - 1] == 13 { content -= 1 }
                let first = b[lineStart]
                if (first == lt || first == gt || first == eq) && isMarker(lineStart, content, first) { return nil }
                if line == 0 {
                    // `---`, or `---` after a byte order mark (EF BB BF).
                    let bom = content - lineStart == 6 && b[lineStart] == 0xEF && b[lineStart + 1] == 0xBB && b[lineStart + 2] == 0xBF
                    guard isRun(lineStart, content, of: dash, count: 3) || (bom && isRun(lineStart + 3, content, of: dash, count: 3)) else { return nil }
                    yamlStart = end + 1
                } else if yamlEnd == nil && (isRun(lineStart, content, of: dash, count: 3) || isRun(lineStart, content, of: dot, count: 3)) {
                    yamlEnd = lineStart
                }
                line += 1
                lineStart = end + 1
            }
            guard let yamlStart, let yamlEnd, yamlStart <= yamlEnd else { return nil }
            return String(decoding: UnsafeBufferPointer(rebasing: b[yamlStart..<yamlEnd]), as: UTF8.self)
        }
    }

    /// A front matter text (without its `---` lines) as a mapping, by the fast tier when it reads
    /// it, else by Yams. `firstLine` is the file line of the text's first line.
    static func read(_ yamlText: String, firstLine: Int) throws(ParseError) -> (map: YAMLMap, lines: [String: Int]) {
        if let fast = FrontMatterFastPath.read(yamlText, firstLine: firstLine) { return fast }
        return try readWithYams(yamlText, firstLine: firstLine)
    }

    /// A scalar's value: a plain one as ``PlainScalar`` resolves it (a number, boolean or date
    /// kept as its text), a quoted one as text. Both tiers resolve scalars here.
    static func scalarValue(_ string: String, plain: Bool) -> YAMLValue {
        guard plain else { return .string(string) }
        switch PlainScalar.classify(string) {
        case nil: return .string(string)
        case .null?: return string == "<<" || string == "=" ? .string(string) : .null
        default: return .plain(string)
        }
    }

    /// The fast tier alone (nil: it declines), for the differential test against ``readWithYams(_:firstLine:)``.
    package static func readFast(_ yamlText: String, firstLine: Int = 2) -> (map: YAMLMap, lines: [String: Int])? {
        FrontMatterFastPath.read(yamlText, firstLine: firstLine)
    }

    /// The file's text: within the size limit, no NUL, valid UTF-8.
    private static func text(of bytes: [UInt8]) throws(ParseError) -> String {
        guard bytes.count <= MarkdownDocument.maximumSize else { throw .tooLarge(bytes: bytes.count) }
        if bytes.contains(0) { throw .binary }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return text
    }

    /// The front matter's text (between the `---` lines) and the body, or why there are none.
    private static func split(_ text: String) throws(ParseError) -> (yaml: String, body: String) {
        let utf8 = text.utf8
        // Locate line starts without copying the text.
        var lineStarts: [String.Index] = [utf8.startIndex]
        var i = utf8.startIndex
        while i < utf8.endIndex {
            if utf8[i] == 10 { lineStarts.append(utf8.index(after: i)) }
            i = utf8.index(after: i)
        }
        func lineText(_ n: Int) -> Substring {  // 0-based line n, without its line ending
            let start = lineStarts[n]
            var end = n + 1 < lineStarts.count ? utf8.index(before: lineStarts[n + 1]) : text.endIndex
            if end > start, utf8[utf8.index(before: end)] == 13 { end = utf8.index(before: end) }
            return text[start..<end]
        }
        let lineCount = lineStarts.last == text.endIndex ? lineStarts.count - 1 : lineStarts.count
        for n in 0..<lineCount {
            // A marker line starts with one of these bytes; only such lines need the Character test.
            let b = utf8[lineStarts[n]]
            guard b == UInt8(ascii: "<") || b == UInt8(ascii: ">") || b == UInt8(ascii: "=") else { continue }
            let l = lineText(n)
            if l.hasPrefix("<<<<<<< ") || l == "<<<<<<<" || l.hasPrefix(">>>>>>> ") || l == ">>>>>>>" || l == "=======" {
                throw .conflictMarkers(line: n + 1)
            }
        }
        guard lineCount > 0, lineText(0) == "---" || lineText(0) == "\u{FEFF}---" else { throw .missingFrontMatter }
        var close: Int?
        for n in 1..<max(1, lineCount) where lineText(n) == "---" || lineText(n) == "..." {
            close = n
            break
        }
        guard let close else { throw .unterminatedFrontMatter }
        let bodyStart = close + 1 < lineStarts.count ? lineStarts[close + 1] : text.endIndex
        return (String(text[lineStarts[1]..<lineStarts[close]]), String(text[bodyStart...]))
    }

    /// The Yams tier: composes the text's nodes (once ``YAMLLimits`` has checked the text) and
    /// converts them.
    package static func readWithYams(_ yamlText: String, firstLine: Int = 2) throws(ParseError) -> (map: YAMLMap, lines: [String: Int]) {
        // Nothing is composed from a text over the bounds (an alias bomb, deep nesting).
        try YAMLLimits.check(yamlText, firstLine: firstLine)
        var lines: [String: Int] = [:]
        let root: Node?
        do {
            // An explicit encoding: Yams' default reads the whole process environment on every parse.
            root = try Parser(yaml: yamlText, resolver: .basic, encoding: .utf8).singleRoot()
        } catch let error as YamlError {
            // Yams finds a key written twice before goalsync's own check does; name it and its line.
            if case .duplicatedKeysInMapping(let keys, let context) = error {
                throw .duplicateKey(key: keys.first ?? "?", line: context.mark.line + firstLine - 1)
            }
            throw .yaml(line: Self.line(of: error).map { $0 + firstLine - 1 }, message: Self.describe(error))
        } catch {
            throw .yaml(line: nil, message: "\(error)")
        }
        guard let root else { return (YAMLMap(), [:]) }
        guard case .mapping = root else { throw .notAMapping(line: (root.mark?.line ?? 1) + firstLine - 1) }
        let value = try convert(root, path: "", firstLine: firstLine, lines: &lines)
        return (value.map ?? YAMLMap(), lines)
    }

    private static func convert(_ node: Node, path: String, firstLine: Int, lines: inout [String: Int]) throws(ParseError) -> YAMLValue {
        if let mark = node.mark, !path.isEmpty { lines[path] = mark.line + firstLine - 1 }
        switch node {
        case .scalar(let scalar):
            if scalar.tag.description == Tag.Name.str.rawValue { return .string(scalar.string) }
            return scalarValue(scalar.string, plain: scalar.style == .plain)
        case .sequence(let seq):
            var items = [YAMLValue]()
            items.reserveCapacity(seq.count)
            for (i, item) in seq.enumerated() {
                items.append(try convert(item, path: path.isEmpty ? String(i) : path + "." + String(i), firstLine: firstLine, lines: &lines))
            }
            return .list(items)
        case .mapping(let mapping):
            var entries = [(key: String, value: YAMLValue)]()
            entries.reserveCapacity(mapping.count)
            var seen = Set<String>()  // for a long mapping; a short one compares with the keys before
            for (k, v) in mapping {
                // A list or mapping as a key (`? [a, b]: c`, `{a: b}: c`) names no field.
                guard let key = k.scalar?.string else {
                    throw .yaml(line: (k.mark?.line ?? 0) + 1, message: "a key is a list or mapping; write each field's name as plain text")
                }
                if entries.count < 16 {
                    guard !entries.contains(where: { $0.key == key }) else { throw .duplicateKey(key: key, line: (k.mark?.line ?? 0) + firstLine - 1) }
                } else {
                    if seen.isEmpty { seen = Set(entries.map(\.key)) }
                    guard seen.insert(key).inserted else { throw .duplicateKey(key: key, line: (k.mark?.line ?? 0) + firstLine - 1) }
                }
                let childPath = path.isEmpty ? key : path + "." + key
                let value = try convert(v, path: childPath, firstLine: firstLine, lines: &lines)
                if let mark = k.mark { lines[childPath] = mark.line + firstLine - 1 }
                entries.append((key, value))
            }
            return .map(YAMLMap(entries))
        case .alias:
            return .null
        }
    }

    private static func line(of error: YamlError) -> Int? {
        switch error {
        case .scanner(_, _, let mark, _), .parser(_, _, let mark, _), .composer(_, _, let mark, _):
            return mark.line
        default:
            return nil
        }
    }

    private static func describe(_ error: YamlError) -> String {
        switch error {
        case .scanner(let context, let problem, _, _), .parser(let context, let problem, _, _),
            .composer(let context, let problem, _, _):
            let c = context.map { "\($0.text) " } ?? ""
            return "\(c)\(problem)".trimmingCharacters(in: .whitespaces)
        default:
            return "\(error)".split(separator: "\n").first.map(String.init) ?? "unreadable"
        }
    }
}
