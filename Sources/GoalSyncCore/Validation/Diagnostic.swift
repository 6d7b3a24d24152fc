/// How much a finding matters.
package enum Severity: String, Sendable, Comparable, Codable {
    case off, warning, error

    package static func < (a: Severity, b: Severity) -> Bool {
        let rank: [Severity: Int] = [.off: 0, .warning: 1, .error: 2]
        return rank[a]! < rank[b]!
    }
}

/// One validation finding: what, where (file, line, field) and what to do.
package struct Diagnostic: Sendable, Equatable, Codable {
    /// The path relative to the repository root, e.g. `goals/faster-activation.md`.
    package var file: String
    package var line: Int?
    /// The field, as a person names it: `status`, `metrics.activation.target`, `checkins[2].note`.
    package var field: String?
    package var severity: Severity
    /// `error` for schema and rule errors; a lint code (`measurable`, `stale`, …) for lint findings.
    package var code: String
    package var message: String

    package init(file: String, line: Int?, field: String?, severity: Severity, code: String, message: String) {
        self.file = file
        self.line = line
        self.field = field
        self.severity = severity
        self.code = code
        self.message = message
    }

    /// `goals/x.md:12: error: metrics.activation.target: message` (lint codes in brackets), always
    /// one line: a line break in a file name (git allows them) or a value is shown as `\n`, so a
    /// name cannot forge a second diagnostic.
    package var formatted: String {
        var s = file
        if let line { s += ":\(line)" }
        s += ": \(severity.rawValue): "
        if let field { s += "\(field): " }
        if code != "error" { s += "[\(code)] " }
        s += message
        guard s.contains(where: \.isNewline) else { return s }
        return s.replacingOccurrences(of: "\r", with: "\\r").replacingOccurrences(of: "\n", with: "\\n")
    }
}

/// Lets a diagnostic travel as the failure of a `Result`.
extension Diagnostic: Error {}
