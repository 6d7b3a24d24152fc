/// The fast tier of ``FrontMatter``: a reader of the styles front matter is written in by
/// goalsync, by people and by other tools (PyYAML's `safe_dump`, editors): block mappings whose
/// keys are plain (`key:`, `my key:`, `a:b:`) or quoted on one line (`'on':`), block sequences
/// (indented or at their key's column, of scalars or of mappings), one-line flow collections,
/// plain scalars over one or more lines, single- and double-quoted scalars over one or more
/// lines, literal and folded block scalars, comments, blank lines and CRLF line ends.
///
/// It gives exactly what ``FrontMatter`` makes of Yams' nodes (the same values and the same field
/// lines), and declines (nil) anything else — tabs, anchors, aliases, tags, merge keys, complex
/// keys, multi-line flow collections, an indentation indicator, a lone CR, a byte-order mark,
/// duplicate keys, any error — which Yams then reads (and reports). Validating a large repository
/// spends most of its time reading YAML; this is most of that.
enum FrontMatterFastPath {
    /// The front matter's root mapping and the file line of each field path, or nil for Yams.
    /// `firstLine` is the file line of the text's first line. With `only`, the top-level fields
    /// are read until each of those keys is (the rest of the text is only checked not to hold
    /// one of them again, nor anything but plain keys, items and comments at its first column):
    /// for callers that need a few fields of many files.
    static func read(_ text: String, firstLine: Int, only: Set<String>? = nil) -> (map: YAMLMap, lines: [String: Int])? {
        var text = text
        return text.withUTF8 { bytes in
            var reader = Reader(bytes, firstLine: firstLine)
            return reader.document(only: only)
        }
    }

    private struct Reader {
        let b: UnsafeBufferPointer<UInt8>
        let firstLine: Int
        /// Byte offsets of each line's start and end (before its `\n`), and its count of leading spaces.
        var starts: [Int] = [], ends: [Int] = [], indents: [Int] = []
        /// How deep the collection being read is nested.
        var depth = 0
        var lines: [String: Int] = [:]

        init(_ b: UnsafeBufferPointer<UInt8>, firstLine: Int) {
            self.b = b
            self.firstLine = firstLine
        }

        mutating func document(only: Set<String>? = nil) -> (map: YAMLMap, lines: [String: Int])? {
            guard splitLines() else { return nil }
            // A line that starts with `---` or `...` and a space is a document marker: Yams' error.
            for li in starts.indices where indents[li] == 0 && ends[li] - starts[li] >= 3 {
                let s = starts[li], c = b[s]
                if (c == UInt8(ascii: "-") || c == UInt8(ascii: ".")) && b[s + 1] == c && b[s + 2] == c
                    && (ends[li] - s == 3 || b[s + 3] == UInt8(ascii: " ")) { return nil }
            }
            lines.reserveCapacity(2 * starts.count)
            guard var li = nextContent(0), indent(li) == 0 else { return nil }
            guard case .map(let map)? = mapping(col: 0, li: &li, path: "", only: only) else { return nil }
            if only != nil, li < starts.count {
                // Stopped early: the rest holds none of the keys read, and nothing that may hide one.
                guard let only, restIsPlain(from: li, without: only) else { return nil }
            } else if li != starts.count {
                return nil
            }
            // Each key or item has its line, and makes at most two values (a key and its value):
            // a text that may hold more than goalsync reads goes to Yams, which counts exactly.
            guard 2 * lines.count + 1 <= YAMLLimits.maximumValues else { return nil }
            return (map, lines)
        }

        // MARK: Lines

        /// Splits the text into lines (ended by LF or CR LF); false when it holds a byte this reader
        /// leaves to Yams: a control character (tab, a lone CR and other line breaks included), a
        /// byte-order mark or a non-character.
        mutating func splitLines() -> Bool {
            var start = 0
            var i = 0
            var indent = -1  // of the line being split, once a byte other than a space is seen
            let n = b.count
            while i < n {
                let c = b[i]
                if c != UInt8(ascii: " "), indent < 0 { indent = i - start }
                if c < 0x20 || c == 0x7F {
                    let crlf = c == 0x0D && i + 1 < n && b[i + 1] == 0x0A
                    guard c == 0x0A || crlf else { return false }
                    starts.append(start)
                    ends.append(i)
                    indents.append(indent)  // a blank line: its length, set by its line end
                    if crlf { i += 1 }
                    start = i + 1
                    indent = -1
                } else if c >= 0x80 {
                    // U+0080–U+009F (NEL among them), U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
                    let c1 = i + 1 < n ? b[i + 1] : 0, c2 = i + 2 < n ? b[i + 2] : 0
                    if c == 0xC2 && c1 < 0xA0 { return false }
                    if c == 0xE2 && c1 == 0x80 && (c2 == 0xA8 || c2 == 0xA9) { return false }
                    if c == 0xEF && ((c1 == 0xBB && c2 == 0xBF) || (c1 == 0xBF && c2 >= 0xBE)) { return false }
                }
                i += 1
            }
            if start < n {
                starts.append(start)
                ends.append(n)
                indents.append(indent < 0 ? n - start : indent)
            }
            return true
        }

        /// The number of spaces line `li` starts with (its length when it holds only spaces).
        func indent(_ li: Int) -> Int { indents[li] }

        /// Whether line `li` holds only spaces.
        func isBlank(_ li: Int) -> Bool { indents[li] == ends[li] - starts[li] }

        /// Whether line `li` holds only a comment (after spaces).
        func isComment(_ li: Int) -> Bool { !isBlank(li) && b[starts[li] + indents[li]] == UInt8(ascii: "#") }

        /// The first line at or after `li` that holds more than spaces and a comment.
        func nextContent(_ li: Int) -> Int? {
            var li = li
            while li < starts.count {
                if !isBlank(li) && !isComment(li) { return li }
                li += 1
            }
            return nil
        }

        /// After `p` on a line ending at `e`: only spaces, or spaces and a comment.
        func isLineEnd(_ p: Int, _ e: Int) -> Bool {
            var p = p
            let spaced = p < e && b[p] == UInt8(ascii: " ")
            while p < e, b[p] == UInt8(ascii: " ") { p += 1 }
            return p == e || (spaced && b[p] == UInt8(ascii: "#"))
        }

        /// Whether the lines from `li` on hold none of `keys` as a top-level key, and at their first
        /// column only plain keys (`key:`, made of lowercase letters, digits, `_` and `-`), sequence
        /// items and comments: a top-level key is the only thing that may start such a line, so
        /// the keys read before are not written again (a multi-line quoted value that holds such a
        /// line makes this false).
        func restIsPlain(from li: Int, without keys: Set<String>) -> Bool {
            for l in li..<starts.count where !isBlank(l) && indents[l] == 0 {
                let s = starts[l], e = ends[l]
                let first = b[s]
                if first == UInt8(ascii: "#") || (first == UInt8(ascii: "-") && (s + 1 == e || b[s + 1] == UInt8(ascii: " "))) { continue }
                guard (first >= 0x61 && first <= 0x7A) || first == UInt8(ascii: "_") else { return false }
                var q = s
                while q < e, b[q] != UInt8(ascii: ":") {
                    let c = b[q]
                    guard (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_") || c == UInt8(ascii: "-") else { return false }
                    q += 1
                }
                guard q < e, q + 1 == e || b[q + 1] == UInt8(ascii: " ") else { return false }
                if keys.contains(text(s, q)) { return false }
            }
            return true
        }

        /// Whether line `li` holds `-` at column `col` followed by a space or the line's end.
        func isDash(_ li: Int, _ col: Int) -> Bool {
            let p = starts[li] + col
            return p < ends[li] && b[p] == UInt8(ascii: "-") && (p + 1 == ends[li] || b[p + 1] == UInt8(ascii: " "))
        }

        func text(_ from: Int, _ to: Int) -> String {
            String(decoding: UnsafeBufferPointer(rebasing: b[from..<to]), as: UTF8.self)
        }

        /// Past these, Yams reads: long keys (YAML limits simple keys), deep nesting.
        static let maxKeyLength = 128, maxDepth = 32

        /// Whether `key` is already among a mapping's `entries` (Yams then reports it): compared
        /// with each key of a short mapping, looked up in `seen` (filled on first need) for a long one.
        static func isDuplicate(_ key: String, in entries: [(key: String, value: YAMLValue)], seen: inout Set<String>) -> Bool {
            if entries.count < 16 { return entries.contains { $0.key == key } }
            if seen.isEmpty { seen = Set(entries.map(\.key)) }
            return !seen.insert(key).inserted
        }

        static func isKeyStart(_ c: UInt8) -> Bool {
            (c >= 0x61 && c <= 0x7A) || (c >= 0x41 && c <= 0x5A) || (c >= 0x30 && c <= 0x39) || c == UInt8(ascii: "_")
        }

        static func isKeyByte(_ c: UInt8) -> Bool { isKeyStart(c) || c == UInt8(ascii: "-") }

        /// The key of a block mapping entry that starts at `p` on a line ending at `e`, and the
        /// position of its `:` (which a space or the line's end follows): a plain key (any plain
        /// text, up to the first `: `; not a merge key `<<`) or a key quoted on one line. nil when
        /// the line holds no such key, or one this reader leaves to Yams.
        func blockKey(_ p: Int, _ e: Int) -> (key: String, colon: Int)? {
            let c = b[p]
            if c == UInt8(ascii: "'") || c == UInt8(ascii: "\"") {
                var q = p
                guard let key = quoted(&q, e) else { return nil }
                while q < e, b[q] == UInt8(ascii: " ") { q += 1 }
                guard q < e, b[q] == UInt8(ascii: ":"), q + 1 == e || b[q + 1] == UInt8(ascii: " "), q - p <= Self.maxKeyLength else { return nil }
                return (key, q)
            }
            guard startsPlain(p, e, flow: false) else { return nil }
            var q = p + 1
            while q < e {
                if b[q] == UInt8(ascii: ":") && (q + 1 == e || b[q + 1] == UInt8(ascii: " ")) { break }
                if b[q] == UInt8(ascii: "#") && b[q - 1] == UInt8(ascii: " ") { return nil }  // a comment first
                q += 1
            }
            guard q < e, q - p <= Self.maxKeyLength else { return nil }
            var end = q
            while b[end - 1] == UInt8(ascii: " ") { end -= 1 }
            let key = text(p, end)
            guard key != "<<" else { return nil }
            return (key, q)
        }

        /// The end of a simple key (`[A-Za-z0-9_][A-Za-z0-9_-]*`) at `p` that `:` and a space (or,
        /// when `eolAllowed`, the end `e`) follow; nil when there is none.
        func keyEnd(_ p: Int, _ e: Int, eolAllowed: Bool) -> Int? {
            guard p < e, Self.isKeyStart(b[p]) else { return nil }
            var q = p + 1
            while q < e, Self.isKeyByte(b[q]) { q += 1 }
            guard q < e, b[q] == UInt8(ascii: ":"), q - p <= Self.maxKeyLength else { return nil }
            if q + 1 == e { return eolAllowed ? q : nil }
            return b[q + 1] == UInt8(ascii: " ") ? q : nil
        }

        static func child(_ path: String, _ key: String) -> String { path.isEmpty ? key : path + "." + key }

        // MARK: Block collections

        /// A block mapping whose keys sit at column `col`, the first on line `li`. Leaves `li` at the
        /// first line after it.
        mutating func mapping(col: Int, li: inout Int, path: String, only: Set<String>? = nil) -> YAMLValue? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return nil }
            var entries = [(key: String, value: YAMLValue)]()
            var seen = Set<String>()
            var first = true
            var wanted = only?.count ?? 0
            while true {
                if !first {
                    if only != nil && wanted == 0 { break }  // every key asked for is read
                    guard let next = nextContent(li) else {
                        li = starts.count
                        break
                    }
                    li = next
                    let ind = indent(next)
                    if ind < col { break }
                    if ind > col { return nil }
                }
                first = false
                let s = starts[li] + col, e = ends[li]
                guard let (key, colon) = blockKey(s, e) else { return nil }
                guard !Self.isDuplicate(key, in: entries, seen: &seen) else { return nil }  // Yams' error
                if let only, only.contains(key) { wanted -= 1 }
                let keyLine = li
                let childPath = Self.child(path, key)
                var p = colon + 1
                while p < e, b[p] == UInt8(ascii: " ") { p += 1 }
                if p < e, b[p] == UInt8(ascii: "#") { p = e }  // `key:  # a comment`
                let value: YAMLValue
                if p < e {
                    guard let v = inline(&li, p, path: childPath, blockIndent: col) else { return nil }
                    value = v
                } else if let next = nextContent(li + 1), indent(next) > col || (indent(next) == col && isDash(next, col)) {
                    li = next
                    let ind = indent(next)
                    if isDash(next, ind) {
                        guard let v = sequence(col: ind, li: &li, path: childPath, parentCol: col) else { return nil }
                        value = v
                    } else {
                        guard let v = mapping(col: ind, li: &li, path: childPath) else { return nil }
                        value = v
                    }
                } else {
                    value = .null  // `key:` and nothing more
                    li += 1
                }
                lines[childPath] = keyLine + firstLine
                entries.append((key, value))
            }
            return .map(YAMLMap(entries))
        }

        /// A block sequence whose dashes sit at column `col`, the first on line `li`; `parentCol` is
        /// the column of the mapping whose value it is (equal to `col` for an indentless sequence).
        mutating func sequence(col: Int, li: inout Int, path: String, parentCol: Int) -> YAMLValue? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return nil }
            var items = [YAMLValue]()
            var first = true
            while true {
                if !first {
                    guard let next = nextContent(li) else {
                        li = starts.count
                        break
                    }
                    li = next
                    let ind = indent(next)
                    if ind < col { break }
                    if ind > col { return nil }
                    if !isDash(next, col) {
                        if col == parentCol { break }  // the parent mapping's next key
                        return nil
                    }
                }
                first = false
                let e = ends[li]
                var p = starts[li] + col + 1
                guard p < e else { return nil }  // `-` alone: the item is on the next lines, or null
                while p < e, b[p] == UInt8(ascii: " ") { p += 1 }
                guard p < e, !isDash(li, p - starts[li]) else { return nil }
                let itemPath = Self.child(path, String(items.count))
                lines[itemPath] = li + firstLine
                if blockKey(p, e) != nil {
                    guard let v = mapping(col: p - starts[li], li: &li, path: itemPath) else { return nil }
                    items.append(v)
                } else {
                    guard let v = inline(&li, p, path: itemPath, blockIndent: col) else { return nil }
                    items.append(v)
                }
            }
            return .list(items)
        }

        // MARK: One-line values

        /// The value that starts at `p` on line `li`: a one-line scalar or flow collection, or a block
        /// scalar on the lines below. Leaves `li` at the line after it. nil too when a more indented
        /// line follows a one-line value (a continuation, or an error).
        mutating func inline(_ li: inout Int, _ p: Int, path: String, blockIndent: Int) -> YAMLValue? {
            let e = ends[li]
            var p = p
            let value: YAMLValue
            switch b[p] {
            case UInt8(ascii: "|"), UInt8(ascii: ">"):
                return blockScalar(&li, p, blockIndent: blockIndent)
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                guard let v = flow(li, &p, path: path) else { return nil }
                value = v
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                var q = p
                if let s = quoted(&q, e) {
                    value = .string(s)
                    p = q
                } else {
                    guard let s = multilineQuoted(&li, &p, blockIndent: blockIndent) else { return nil }
                    value = .string(s)
                }
            default:
                guard let s = plain(&li, p, blockIndent: blockIndent) else { return nil }
                value = FrontMatter.scalarValue(s, plain: true)
                p = ends[li]
            }
            guard isLineEnd(p, ends[li]) else { return nil }
            if let next = nextContent(li + 1), indent(next) > blockIndent { return nil }
            li += 1
            return value
        }

        /// A plain scalar in block context that starts at `p` on line `li` and goes on over the
        /// lines below indented more than `blockIndent`, folded as libyaml folds it (a line break
        /// is a space, each blank line a line break; spaces around breaks dropped). Leaves `li` at
        /// its last line. nil for what Yams should judge: `: ` or ` #` in a continuation line, a
        /// `: ` on the first line.
        mutating func plain(_ li: inout Int, _ p: Int, blockIndent: Int) -> String? {
            guard startsPlain(p, ends[li], flow: false) else { return nil }
            /// The end of the scalar's text on line `l` from `s` (before a comment and spaces); nil
            /// when the line holds `: ` (a key, or an error).
            func lineEnd(_ s: Int, _ l: Int) -> (end: Int, comment: Bool)? {
                let e = ends[l]
                var q = s
                var comment = false
                while q < e {
                    if b[q] == UInt8(ascii: ":") && (q + 1 == e || b[q + 1] == UInt8(ascii: " ")) { return nil }
                    if b[q] == UInt8(ascii: "#") && b[q - 1] == UInt8(ascii: " ") {
                        comment = true
                        break
                    }
                    q += 1
                }
                while q > s, b[q - 1] == UInt8(ascii: " ") { q -= 1 }
                return (q, comment)
            }
            guard let (end, comment) = lineEnd(p, li) else { return nil }
            // One line (nearly every value): its text, unless a continuation follows.
            var next = li + 1
            while next < starts.count, isBlank(next) { next += 1 }
            if comment || next == starts.count || indent(next) <= blockIndent || isComment(next) {
                return text(p, end)
            }
            var out = Array(UnsafeBufferPointer(rebasing: b[p..<end]))
            var line = li + 1
            var breaks = 0
            while line < starts.count {
                if isBlank(line) {
                    breaks += 1
                    line += 1
                    continue
                }
                guard indent(line) > blockIndent, !isComment(line) else { break }
                let s = starts[line] + indents[line]
                guard let (end, comment) = lineEnd(s, line), !comment else { return nil }
                if breaks == 0 {
                    out.append(UInt8(ascii: " "))
                } else {
                    out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: breaks))
                }
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<end]))
                breaks = 0
                li = line
                line += 1
            }
            return String(decoding: out, as: UTF8.self)
        }

        /// A quoted scalar in block context whose opening quote is at `p` on line `li` and whose
        /// closing quote is on a line below, read as libyaml reads it (spaces around a line break
        /// dropped; the break a space, each blank line a line break; in double quotes, `\` at a
        /// line's end joins the lines). Leaves `li` at the line of the closing quote and `p` after
        /// it. nil when the continuation lines are not indented more than `blockIndent`, and for
        /// escapes Yams judges.
        func multilineQuoted(_ li: inout Int, _ p: inout Int, blockIndent: Int) -> String? {
            let quote = b[p]
            let double = quote == UInt8(ascii: "\"")
            var out = [UInt8]()
            var line = li
            var q = p + 1
            var spaces = 0  // spaces read and not yet written: dropped before a line break
            while true {
                let e = ends[line]
                while q < e {
                    let c = b[q]
                    if c == UInt8(ascii: " ") {
                        spaces += 1
                        q += 1
                        continue
                    }
                    out.append(contentsOf: repeatElement(UInt8(ascii: " "), count: spaces))
                    spaces = 0
                    if c == quote {
                        if !double, q + 1 < e, b[q + 1] == quote {
                            out.append(quote)
                            q += 2
                            continue
                        }
                        li = line
                        p = q + 1
                        return String(decoding: out, as: UTF8.self)
                    }
                    if double && c == UInt8(ascii: "\\") {
                        if q + 1 == e { break }  // an escaped line break
                        guard let scalar = escape(&q, e) else { return nil }
                        out.append(contentsOf: Array(String(Character(scalar)).utf8))
                        continue
                    }
                    out.append(c)
                    q += 1
                }
                let escapedBreak = q < e  // stopped at a `\` that ends the line
                spaces = 0
                // The line break, and the blank lines after it.
                var breaks = 0
                line += 1
                while line < starts.count, isBlank(line) {
                    breaks += 1
                    line += 1
                }
                guard line < starts.count, indent(line) > blockIndent else { return nil }
                if escapedBreak || breaks > 0 {
                    out.append(contentsOf: repeatElement(UInt8(ascii: "\n"), count: breaks))
                } else {
                    out.append(UInt8(ascii: " "))
                }
                q = starts[line] + indents[line]
            }
        }

        /// A literal (`|`) or folded (`>`) block scalar whose header is at `p` on line `li`, read as
        /// libyaml's scanner reads it (indentation found from the first lines, breaks kept or
        /// folded, the tail chomped). nil for an indentation indicator or a comment in the header,
        /// and for a first line indented less than the blank lines before it.
        mutating func blockScalar(_ li: inout Int, _ p: Int, blockIndent: Int) -> YAMLValue? {
            let newline = UInt8(ascii: "\n"), space = UInt8(ascii: " ")
            let literal = b[p] == UInt8(ascii: "|")
            let e = ends[li]
            var q = p + 1
            var chomping = 0  // -1 strip, 0 clip, 1 keep
            if q < e, b[q] == UInt8(ascii: "-") {
                chomping = -1
                q += 1
            } else if q < e, b[q] == UInt8(ascii: "+") {
                chomping = 1
                q += 1
            }
            guard isLineEnd(q, e) else { return nil }
            var line = li + 1, column = 0
            var indent = 0, maxIndent = 0
            var trailingBreaks = 0
            // Eats the indentation and the empty lines before the next line with content.
            func breaks() {
                while line < starts.count {
                    column = indent == 0 ? indents[line] : min(indents[line], indent)
                    maxIndent = max(maxIndent, column)
                    guard column == ends[line] - starts[line] else { return }
                    trailingBreaks += 1
                    line += 1
                }
                column = 0
            }
            breaks()
            if indent == 0 { indent = max(maxIndent, blockIndent + 1, 1) }
            guard line < starts.count, column == indent else { return nil }
            var out = [UInt8]()
            var leadingBreak = false, leadingBlank = false
            while line < starts.count, column == indent {
                let s = starts[line] + column
                let trailingBlank = b[s] == space
                if !literal && leadingBreak && !leadingBlank && !trailingBlank {
                    if trailingBreaks == 0 { out.append(space) }
                } else if leadingBreak {
                    out.append(newline)
                }
                out.append(contentsOf: repeatElement(newline, count: trailingBreaks))
                trailingBreaks = 0
                leadingBlank = trailingBlank
                out.append(contentsOf: UnsafeBufferPointer(rebasing: b[s..<ends[line]]))
                leadingBreak = true
                line += 1
                breaks()
            }
            if chomping != -1 && leadingBreak { out.append(newline) }
            if chomping == 1 { out.append(contentsOf: repeatElement(newline, count: trailingBreaks)) }
            li = line
            return .string(String(decoding: out, as: UTF8.self))
        }

        /// Whether a plain scalar may start at `p` (YAML's indicators cannot start one).
        func startsPlain(_ p: Int, _ e: Int, flow: Bool) -> Bool {
            switch b[p] {
            case UInt8(ascii: "-"):
                guard p + 1 < e else { return false }
                let c = b[p + 1]
                return c != UInt8(ascii: " ") && !(flow && (c == UInt8(ascii: ",") || c == UInt8(ascii: "]") || c == UInt8(ascii: "}")))
            case UInt8(ascii: "?"), UInt8(ascii: ":"), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "#"), UInt8(ascii: "&"), UInt8(ascii: "*"),
                UInt8(ascii: "!"), UInt8(ascii: "|"), UInt8(ascii: ">"), UInt8(ascii: "'"), UInt8(ascii: "\""),
                UInt8(ascii: "%"), UInt8(ascii: "@"), UInt8(ascii: "`"), UInt8(ascii: " "):
                return false
            default:
                return true
            }
        }

        /// A one-line quoted scalar at `p` (its opening quote); leaves `p` after the closing quote.
        func quoted(_ p: inout Int, _ e: Int) -> String? {
            let quote = b[p]
            p += 1
            let start = p
            var out = [UInt8]()
            var copied = false  // whether `out` holds the text so far (after an escape or a '')
            while p < e {
                let c = b[p]
                if c == quote {
                    guard quote == UInt8(ascii: "'"), p + 1 < e, b[p + 1] == quote else { break }
                    // '' is one ' in single quotes
                    if !copied { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<p])); copied = true }
                    out.append(quote)
                    p += 2
                    continue
                }
                if c == UInt8(ascii: "\\") && quote == UInt8(ascii: "\"") {
                    if !copied { out.append(contentsOf: UnsafeBufferPointer(rebasing: b[start..<p])); copied = true }
                    guard let scalar = escape(&p, e) else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                    continue
                }
                if copied { out.append(c) }
                p += 1
            }
            guard p < e else { return nil }  // not closed on this line
            let value = copied ? String(decoding: out, as: UTF8.self) : text(start, p)
            p += 1
            return value
        }

        /// The character a double-quoted scalar's escape at `p` (its backslash) stands for, as
        /// libyaml reads it; leaves `p` after it. nil for what Yams should judge: an escaped line
        /// break, an unknown escape, NUL, a byte-order mark, or a code that is no character.
        func escape(_ p: inout Int, _ e: Int) -> Unicode.Scalar? {
            guard p + 1 < e else { return nil }
            let c = b[p + 1]
            p += 2
            var digits = 0
            switch c {
            case UInt8(ascii: "a"): return "\u{07}"
            case UInt8(ascii: "b"): return "\u{08}"
            case UInt8(ascii: "t"): return "\t"
            case UInt8(ascii: "n"): return "\n"
            case UInt8(ascii: "v"): return "\u{0B}"
            case UInt8(ascii: "f"): return "\u{0C}"
            case UInt8(ascii: "r"): return "\r"
            case UInt8(ascii: "e"): return "\u{1B}"
            case UInt8(ascii: " "): return " "
            case UInt8(ascii: "\""): return "\""
            case UInt8(ascii: "/"): return "/"
            case UInt8(ascii: "\\"): return "\\"
            case UInt8(ascii: "N"): return "\u{85}"
            case UInt8(ascii: "_"): return "\u{A0}"
            case UInt8(ascii: "L"): return "\u{2028}"
            case UInt8(ascii: "P"): return "\u{2029}"
            case UInt8(ascii: "x"): digits = 2
            case UInt8(ascii: "u"): digits = 4
            case UInt8(ascii: "U"): digits = 8
            default: return nil
            }
            guard p + digits <= e else { return nil }
            var value: UInt32 = 0
            for _ in 0..<digits {
                let h = b[p]
                let v: UInt8
                switch h {
                case 48...57: v = h - 48
                case 65...70: v = h - 55
                case 97...102: v = h - 87
                default: return nil
                }
                value = value << 4 | UInt32(v)
                p += 1
            }
            guard value != 0, value != 0xFEFF, let scalar = Unicode.Scalar(value) else { return nil }
            return scalar
        }

        /// A flow sequence or mapping at `p` that closes on line `li`; leaves `p` after it.
        mutating func flow(_ li: Int, _ p: inout Int, path: String) -> YAMLValue? {
            depth += 1
            defer { depth -= 1 }
            guard depth <= Self.maxDepth else { return nil }
            let e = ends[li]
            let isList = b[p] == UInt8(ascii: "[")
            let close = isList ? UInt8(ascii: "]") : UInt8(ascii: "}")
            p += 1
            var items = [YAMLValue]()
            var entries = [(key: String, value: YAMLValue)]()
            var seen = Set<String>()
            func skipSpaces(_ p: inout Int) { while p < e, b[p] == UInt8(ascii: " ") { p += 1 } }
            skipSpaces(&p)
            if p < e, b[p] == close {
                p += 1
                return isList ? .list([]) : .map(YAMLMap())
            }
            while true {
                skipSpaces(&p)
                guard p < e else { return nil }
                let itemPath: String
                if isList {
                    itemPath = Self.child(path, String(items.count))
                } else {
                    guard let colon = keyEnd(p, e, eolAllowed: false) else { return nil }
                    let key = text(p, colon)
                    guard !Self.isDuplicate(key, in: entries, seen: &seen) else { return nil }
                    itemPath = Self.child(path, key)
                    entries.append((key, .null))
                    p = colon + 1
                    skipSpaces(&p)
                    guard p < e else { return nil }
                }
                lines[itemPath] = li + firstLine
                guard let v = flowNode(li, &p, path: itemPath) else { return nil }
                if isList { items.append(v) } else { entries[entries.count - 1].value = v }
                skipSpaces(&p)
                guard p < e else { return nil }
                if b[p] == close {
                    p += 1
                    break
                }
                guard b[p] == UInt8(ascii: ",") else { return nil }
                p += 1
                skipSpaces(&p)
                guard p < e, b[p] != close else { return nil }  // a trailing comma: Yams
            }
            return isList ? .list(items) : .map(YAMLMap(entries))
        }

        /// One node inside a flow collection: a nested collection, a quoted or a plain scalar.
        mutating func flowNode(_ li: Int, _ p: inout Int, path: String) -> YAMLValue? {
            let e = ends[li]
            switch b[p] {
            case UInt8(ascii: "["), UInt8(ascii: "{"):
                return flow(li, &p, path: path)
            case UInt8(ascii: "\""), UInt8(ascii: "'"):
                return quoted(&p, e).map(YAMLValue.string)
            default:
                guard startsPlain(p, e, flow: true) else { return nil }
                let start = p
                scan: while p < e {
                    switch b[p] {
                    case UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: "{"), UInt8(ascii: "}"):
                        break scan
                    case UInt8(ascii: "#") where b[p - 1] == UInt8(ascii: " "):
                        return nil  // a comment
                    case UInt8(ascii: ":"):
                        // `:` then a space, a flow indicator or the end: a key, which only Yams reads here.
                        if p + 1 == e { return nil }
                        switch b[p + 1] {
                        case UInt8(ascii: " "), UInt8(ascii: ","), UInt8(ascii: "["), UInt8(ascii: "]"),
                            UInt8(ascii: "{"), UInt8(ascii: "}"), UInt8(ascii: "?"):
                            return nil
                        default: break
                        }
                    default: break
                    }
                    p += 1
                }
                var end = p
                while end > start, b[end - 1] == UInt8(ascii: " ") { end -= 1 }
                return FrontMatter.scalarValue(text(start, end), plain: true)
            }
        }
    }
}
