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

    /// Splits and parses a file's bytes (``FrontMatter/parse(_:)-([UInt8])``).
    package static func parse(_ bytes: [UInt8]) throws(ParseError) -> MarkdownDocument {
        try FrontMatter.parse(bytes)
    }

    /// Splits and parses a file's text (``FrontMatter/parse(_:)-(String)``).
    package static func parse(_ text: String) throws(ParseError) -> MarkdownDocument {
        try FrontMatter.parse(text)
    }
}
