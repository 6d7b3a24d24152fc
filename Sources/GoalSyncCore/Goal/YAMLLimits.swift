import CYaml

/// The bounds every YAML text goalsync reads (goal files, VISION.md, `.goalsync/config.yaml`) is
/// held to before anything is built from it: a few hundred bytes of nested anchors and aliases
/// (a "billion laughs") would otherwise expand into billions of values, and deep nesting would
/// exhaust the stack of every recursive walk that follows.
///
/// ``check(_:firstLine:)`` reads the text's events with libyaml, the scanner and parser Yams
/// composes from, and counts what composing would make, keeping only a count per anchor; only a
/// text within every bound is then composed. No goal file a person writes comes near these limits: a
/// 1 MiB file of plain YAML holds about a million values, and aliases may add a tenth of that.
package enum YAMLLimits {
    /// Alias uses (`*name`) in one text.
    package static let maximumAliases = 10_000
    /// Values that alias uses add when expanded, in all.
    package static let maximumAliasValues = 100_000
    /// Values (keys, scalars, lists and mappings, aliases expanded) in one text.
    package static let maximumValues = 1_000_000
    /// Lists and mappings nested in one another (aliases expanded).
    package static let maximumDepth = 100

    /// A bound a text goes over, with how far (the whole text counted) where that is known.
    package enum Excess: Equatable, Sendable {
        case aliases(Int)
        case aliasValues(Int)
        case values(Int)
        case depth

        /// One sentence for an error message (the caller names the file and line).
        package var message: String {
            switch self {
            case .aliases(let n):
                return "the YAML uses \(Self.count(n)) aliases (*name); goalsync reads at most \(Self.count(YAMLLimits.maximumAliases)) in one file: write the values out"
            case .aliasValues(let n):
                return "the YAML's aliases expand to \(Self.count(n)) values; goalsync reads at most \(Self.count(YAMLLimits.maximumAliasValues)) values made by aliases in one file: write the values out, or use fewer aliases"
            case .values(let n):
                return "the YAML holds \(Self.count(n)) values (keys, items and scalars); goalsync reads at most \(Self.count(YAMLLimits.maximumValues)) in one file: move long material to a linked document"
            case .depth:
                return "the YAML nests lists and mappings more than \(YAMLLimits.maximumDepth) levels deep; goalsync reads at most \(YAMLLimits.maximumDepth)"
            }
        }

        /// `1,234,567`; a count that overflowed is "more than" the largest integer.
        static func count(_ n: Int) -> String {
            let digits = Array(String(n))
            var out = ""
            for (i, d) in digits.enumerated() {
                if i > 0, (digits.count - i) % 3 == 0 { out.append(",") }
                out.append(d)
            }
            return n == Int.max ? "more than " + out : out
        }
    }

    /// Throws ``MarkdownDocument/ParseError/overLimit(_:line:)`` for the first bound `text` goes
    /// over, at the file line where it does (`firstLine` is the file line of the text's first line).
    /// A syntax error ends the count quietly: the composer reports it, having built no more than
    /// was counted up to it.
    static func check(_ text: String, firstLine: Int) throws(MarkdownDocument.ParseError) {
        var text = text
        let excess = text.withUTF8 { bytes -> (Excess, line: Int)? in
            var counter = Counter()
            if let error = withEvents(of: bytes, { counter.count($0) }), error.problem.hasPrefix("Maximum nesting level") {
                // libyaml's own bound (1,000 levels), which its scanner can meet before the
                // events reach this one: flow collections are scanned ahead of their events.
                counter.tooDeep(line: error.line)
            }
            return counter.excess.map { ($0.excess, $0.line + firstLine) }
        }
        if let excess { throw .overLimit(excess.0, line: excess.line) }
    }

    /// Calls `body` with each event libyaml parses from `bytes` until it returns false, the stream
    /// ends or libyaml finds an error, which is returned (its problem and 0-based line). The parser
    /// and each event are freed here.
    private static func withEvents(of bytes: UnsafeBufferPointer<UInt8>, _ body: (yaml_event_t) -> Bool) -> (problem: String, line: Int)? {
        let parser = UnsafeMutablePointer<yaml_parser_t>.allocate(capacity: 1)
        defer { parser.deallocate() }
        guard yaml_parser_initialize(parser) == 1 else { return nil }
        defer { yaml_parser_delete(parser) }
        yaml_parser_set_encoding(parser, YAML_UTF8_ENCODING)
        yaml_parser_set_input_string(parser, bytes.baseAddress, bytes.count)
        var event = yaml_event_t()
        while yaml_parser_parse(parser, &event) == 1 {
            let more = event.type != YAML_STREAM_END_EVENT && body(event)
            yaml_event_delete(&event)
            if !more { return nil }
        }
        return (parser.pointee.problem.map { String(cString: $0) } ?? "", Int(parser.pointee.problem_mark.line))
    }

    /// What composing the events seen so far would make.
    private struct Counter {
        /// An open list or mapping: the value count when it started, the height of its tallest
        /// child, and its anchor.
        private var open: [(start: Int, height: Int, anchor: String?)] = []
        /// What each anchor's node expands to (a later anchor of the same name shadows it, as in
        /// the composer).
        private var anchors: [String: (values: Int, height: Int)] = [:]
        private var values = 0, aliases = 0, aliasValues = 0
        private enum Bound { case depth, aliases, aliasValues, values }
        /// The first bound crossed, and the 0-based line of the text where it was.
        private var first: (bound: Bound, line: Int)?

        /// The bound crossed first, with its count over the whole text.
        var excess: (excess: Excess, line: Int)? {
            guard let first else { return nil }
            switch first.bound {
            case .depth: return (.depth, first.line)
            case .aliases: return (.aliases(aliases), first.line)
            case .aliasValues: return (.aliasValues(aliasValues), first.line)
            case .values: return (.values(values), first.line)
            }
        }

        /// Counts one event; false to stop (nesting too deep, or an alias the composer refuses).
        mutating func count(_ event: yaml_event_t) -> Bool {
            let line = Int(event.start_mark.line)
            switch event.type {
            case YAML_SCALAR_EVENT:
                add(values: 1, height: 0, line: line)
                if let anchor = Self.name(event.data.scalar.anchor) { anchors[anchor] = (1, 0) }
            case YAML_ALIAS_EVENT:
                guard let name = Self.name(event.data.alias.anchor), let target = anchors[name] else { return false }
                aliases += 1
                if aliases > maximumAliases { cross(.aliases, line) }
                aliasValues = Self.sum(aliasValues, target.values)
                if aliasValues > maximumAliasValues { cross(.aliasValues, line) }
                guard open.count + target.height <= maximumDepth else {
                    cross(.depth, line)
                    return false
                }
                add(values: target.values, height: target.height, line: line)
            case YAML_SEQUENCE_START_EVENT, YAML_MAPPING_START_EVENT:
                guard open.count < maximumDepth else {
                    cross(.depth, line)
                    return false
                }
                let anchor = event.type == YAML_SEQUENCE_START_EVENT ? event.data.sequence_start.anchor : event.data.mapping_start.anchor
                open.append((values, 0, Self.name(anchor)))
                values = Self.sum(values, 1)
                if values > maximumValues { cross(.values, line) }
            case YAML_SEQUENCE_END_EVENT, YAML_MAPPING_END_EVENT:
                guard let node = open.popLast() else { return false }
                let height = node.height + 1
                if let anchor = node.anchor { anchors[anchor] = (values - node.start, height) }
                if !open.isEmpty { open[open.count - 1].height = max(open[open.count - 1].height, height) }
            default:
                break
            }
            return true
        }

        /// Nesting past libyaml's own bound, found at `line`.
        mutating func tooDeep(line: Int) { cross(.depth, line) }

        private mutating func add(values n: Int, height: Int, line: Int) {
            values = Self.sum(values, n)
            if values > maximumValues { cross(.values, line) }
            if !open.isEmpty { open[open.count - 1].height = max(open[open.count - 1].height, height) }
        }

        private mutating func cross(_ bound: Bound, _ line: Int) {
            if first == nil { first = (bound, line) }
        }

        private static func sum(_ a: Int, _ b: Int) -> Int {
            let (r, overflow) = a.addingReportingOverflow(b)
            return overflow ? Int.max : r
        }

        private static func name(_ anchor: UnsafeMutablePointer<yaml_char_t>?) -> String? {
            anchor.map { String(cString: $0) }
        }
    }
}
