import Foundation
import Yams

/// A goal or vision file split into its front matter and its body.
package struct MarkdownDocument: Sendable {
    /// The front matter as an ordered mapping.
    package var frontMatter: YAMLMap
    /// Everything after the closing `---` line, kept byte for byte.
    package var body: String
    /// The file line of each front-matter field, by path: `status`, `metrics.0`, `metrics.0.target`.
    package var lines: [String: Int]

    package init(frontMatter: YAMLMap, body: String, lines: [String: Int] = [:]) {
        self.frontMatter = frontMatter
        self.body = body
        self.lines = lines
    }

    /// The largest goal file goalsync reads.
    package static let maximumSize = 1 << 20

    /// Why a file could not be read as front matter plus body. Each case knows its line.
    package enum ParseError: Error, Equatable, Sendable {
        case tooLarge(bytes: Int)
        case binary
        case invalidUTF8
        case conflictMarkers(line: Int)
        case missingFrontMatter
        case unterminatedFrontMatter
        case yaml(line: Int?, message: String)
        case notAMapping(line: Int)
        case duplicateKey(key: String, line: Int)
        /// The front matter goes over one of ``YAMLLimits``' bounds (first at `line`).
        case overLimit(YAMLLimits.Excess, line: Int)

        package var line: Int? {
            switch self {
            case .conflictMarkers(let l), .notAMapping(let l), .duplicateKey(_, let l), .overLimit(_, let l): return l
            case .yaml(let l, _): return l
            case .missingFrontMatter, .unterminatedFrontMatter: return 1
            default: return nil
            }
        }

        package var message: String {
            switch self {
            case .tooLarge(let n):
                return "file is \(n) bytes, over goalsync's limit of 1 MiB for a goal; move long material to a linked document"
            case .binary: return "file holds binary data (a NUL byte); a goal file is UTF-8 text"
            case .invalidUTF8: return "file is not valid UTF-8; save it as UTF-8"
            case .conflictMarkers:
                return "file holds git conflict markers; settle the conflict (goalsync resolve, or edit the file) and remove the markers"
            case .missingFrontMatter: return "file does not start with a front matter line '---'; add the goal's front matter between two '---' lines"
            case .unterminatedFrontMatter: return "front matter is not closed; add a line '---' after it"
            case .yaml(_, let m): return "front matter is not valid YAML: \(m)"
            case .notAMapping: return "front matter must be a YAML mapping of fields (key: value)"
            case .duplicateKey(let k, _): return "field '\(k)' appears twice; keep one"
            case .overLimit(let excess, _): return excess.message
            }
        }
    }

    /// Splits and parses a file's bytes.
    package static func parse(_ bytes: [UInt8]) throws(ParseError) -> MarkdownDocument {
        guard bytes.count <= maximumSize else { throw .tooLarge(bytes: bytes.count) }
        if bytes.contains(0) { throw .binary }
        guard let text = String(validating: bytes, as: UTF8.self) else { throw .invalidUTF8 }
        return try parse(text)
    }

    /// Splits and parses a file's text.
    package static func parse(_ text: String) throws(ParseError) -> MarkdownDocument {
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
        var start = 0
        if lineCount > 0, lineText(0).hasPrefix("\u{FEFF}") { start = 0 }
        guard lineCount > 0, lineText(0) == "---" || lineText(0) == "\u{FEFF}---" else { throw .missingFrontMatter }
        var close: Int?
        for n in (start + 1)..<max(start + 1, lineCount) where lineText(n) == "---" || lineText(n) == "..." {
            close = n
            break
        }
        guard let close else { throw .unterminatedFrontMatter }
        let yamlText = String(text[lineStarts[1]..<lineStarts[close]])
        let bodyStart = close + 1 < lineStarts.count ? lineStarts[close + 1] : text.endIndex
        let body = String(text[bodyStart...])
        if let simple = SimpleYAML.read(yamlText, firstLine: 2) {
            return MarkdownDocument(frontMatter: simple.map, body: body, lines: simple.lines)
        }
        // Nothing is composed from a text over the bounds (an alias bomb, deep nesting).
        try YAMLLimits.check(yamlText, firstLine: 2)
        var lines: [String: Int] = [:]
        lines.reserveCapacity(2 * close)
        let root: Node?
        do {
            // An explicit encoding: Yams' default reads the whole process environment on every parse.
            root = try Parser(yaml: yamlText, resolver: .basic, encoding: .utf8).singleRoot()
        } catch let error as YamlError {
            // Yams finds a key written twice before goalsync's own check does; name it and its line.
            if case .duplicatedKeysInMapping(let keys, let context) = error {
                throw .duplicateKey(key: keys.first ?? "?", line: context.mark.line + 1)
            }
            throw .yaml(line: Self.line(of: error).map { $0 + 1 }, message: Self.describe(error))
        } catch {
            throw .yaml(line: nil, message: "\(error)")
        }
        guard let root else { return MarkdownDocument(frontMatter: YAMLMap(), body: body, lines: [:]) }
        guard case .mapping = root else { throw .notAMapping(line: (root.mark?.line ?? 1) + 1) }
        let value = try convert(root, path: "", lines: &lines)
        return MarkdownDocument(frontMatter: value.map ?? YAMLMap(), body: body, lines: lines)
    }

    private static func convert(_ node: Node, path: String, lines: inout [String: Int]) throws(ParseError) -> YAMLValue {
        if let mark = node.mark, !path.isEmpty { lines[path] = mark.line + 1 }
        switch node {
        case .scalar(let scalar):
            if scalar.tag.description == Tag.Name.str.rawValue { return .string(scalar.string) }
            return scalarValue(scalar.string, plain: scalar.style == .plain)
        case .sequence(let seq):
            var items = [YAMLValue]()
            items.reserveCapacity(seq.count)
            for (i, item) in seq.enumerated() {
                items.append(try convert(item, path: path.isEmpty ? String(i) : path + "." + String(i), lines: &lines))
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
                    guard !entries.contains(where: { $0.key == key }) else { throw .duplicateKey(key: key, line: (k.mark?.line ?? 0) + 1) }
                } else {
                    if seen.isEmpty { seen = Set(entries.map(\.key)) }
                    guard seen.insert(key).inserted else { throw .duplicateKey(key: key, line: (k.mark?.line ?? 0) + 1) }
                }
                let childPath = path.isEmpty ? key : path + "." + key
                let value = try convert(v, path: childPath, lines: &lines)
                if let mark = k.mark { lines[childPath] = mark.line + 1 }
                entries.append((key, value))
            }
            return .map(YAMLMap(entries))
        case .alias:
            return .null
        }
    }

    /// A scalar's value: a plain one as YAML resolves it (a number, boolean or date kept as its
    /// text), a quoted one as text.
    static func scalarValue(_ string: String, plain: Bool) -> YAMLValue {
        guard plain else { return .string(string) }
        switch PlainScalar.classify(string) {
        case nil: return .string(string)
        case .null?: return string == "<<" || string == "=" ? .string(string) : .null
        default: return .plain(string)
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
