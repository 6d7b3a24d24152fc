/// The contract of goalsync's `--json` outputs: each command prints one object whose first key is
/// `format`, the version of the shapes; the same thing has the same shape in every output (a
/// person is `{name, email}`, a date `YYYY-MM-DD`, a time ISO 8601 with its offset, a field's value
/// typed as JSON, never YAML text). `schema/output/*.schema.json` describes each output, and a test
/// checks every command's real output against them.
package enum JSONContract {
    /// The version of the shapes. It changes when a key is removed or renamed or a value changes
    /// type; keys may be added within a version.
    package static let format = 1

    /// `value` as a command prints it: `format` first, then its own keys.
    package static func document(_ value: JSONValue) -> JSONValue {
        guard case .object(let entries) = value else { return value }
        return .object([("format", .number(Double(format)))] + entries.filter { $0.0 != "format" })
    }
}

extension JSONValue {
    /// A person as every output shows one, from git's `Name <email>` form: `{name, email}`; a text
    /// without an email is the name (email null); nil is null.
    package static func person(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        let (name, email) = Self.splitPerson(text)
        return .object([("name", .string(name)), ("email", .optional(email))])
    }

    /// `Name <email>` as its two parts.
    static func splitPerson(_ text: String) -> (name: String, email: String?) {
        let t = text.trimmingCharacters(in: .whitespaces)
        guard t.hasSuffix(">"), let open = t.lastIndex(of: "<") else { return (t, nil) }
        let email = String(t[t.index(after: open)..<t.index(before: t.endIndex)])
        return (String(t[..<open]).trimmingCharacters(in: .whitespaces), email)
    }

    /// Who last changed a conflicting file on one side and when (`Name <email>, YYYY-MM-DD`, as
    /// `goalsync status` prints it) as `{name, email, date}`.
    package static func personAndDay(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        var who = text, day: String?
        if let comma = text.range(of: ", ", options: .backwards), SimpleDate(String(text[comma.upperBound...])) != nil {
            who = String(text[..<comma.lowerBound])
            day = String(text[comma.upperBound...])
        }
        let (name, email) = splitPerson(who)
        return .object([("name", .string(name)), ("email", .optional(email)), ("date", .optional(day))])
    }

    /// A field's value that goalsync shows as flow YAML (a conflict's sides, a log's old and new
    /// value, a blamed value), typed: numbers, booleans and null as JSON, lists and mappings as
    /// arrays and objects, text as a string without YAML's quotes.
    package static func yamlValue(_ text: String?) -> JSONValue {
        guard let text else { return .null }
        guard let document = try? MarkdownDocument.parse(Array("---\nv: \(text)\n---\n".utf8)),
            let value = document.frontMatter["v"], document.frontMatter.keys == ["v"]
        else { return .string(text) }
        return value.json
    }
}
