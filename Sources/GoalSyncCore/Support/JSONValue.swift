import Foundation

/// A JSON value for `--json` output, with keys in a fixed order.
package indirect enum JSONValue: Encodable, Equatable, Sendable {
    case string(String)
    case number(Double)
    case bool(Bool)
    case null
    case array([JSONValue])
    case object([(String, JSONValue)])

    package static func == (a: JSONValue, b: JSONValue) -> Bool {
        switch (a, b) {
        case (.string(let x), .string(let y)): return x == y
        case (.number(let x), .number(let y)): return x == y
        case (.bool(let x), .bool(let y)): return x == y
        case (.null, .null): return true
        case (.array(let x), .array(let y)): return x == y
        case (.object(let x), .object(let y)): return x.count == y.count && zip(x, y).allSatisfy { $0.0 == $1.0 && $0.1 == $1.1 }
        default: return false
        }
    }

    private struct Key: CodingKey {
        var stringValue: String
        var intValue: Int? { nil }
        init(_ s: String) { stringValue = s }
        init?(stringValue: String) { self.stringValue = stringValue }
        init?(intValue: Int) { nil }
    }

    package func encode(to encoder: any Encoder) throws {
        switch self {
        case .string(let s):
            var c = encoder.singleValueContainer()
            try c.encode(s)
        case .number(let d):
            var c = encoder.singleValueContainer()
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { try c.encode(Int64(d)) } else if d.isFinite { try c.encode(d) } else { try c.encodeNil() }
        case .bool(let b):
            var c = encoder.singleValueContainer()
            try c.encode(b)
        case .null:
            var c = encoder.singleValueContainer()
            try c.encodeNil()
        case .array(let items):
            var c = encoder.unkeyedContainer()
            for item in items { try c.encode(item) }
        case .object(let entries):
            var c = encoder.container(keyedBy: Key.self)
            for (k, v) in entries { try c.encode(v, forKey: Key(k)) }
        }
    }

    /// Pretty JSON text with keys in their given order. (Written here rather than by `JSONEncoder`,
    /// whose keyed containers order keys by hash, differently on every run.)
    package var text: String {
        var out = ""
        write(into: &out, indent: 0)
        return out
    }

    private func write(into out: inout String, indent: Int) {
        let pad = String(repeating: " ", count: indent + 2), closePad = String(repeating: " ", count: indent)
        switch self {
        case .string(let s): Self.writeString(s, into: &out)
        case .number(let d):
            if d.isFinite, d == d.rounded(), abs(d) < 1e15 { out += String(Int64(d)) } else if d.isFinite { out += "\(d)" } else { out += "null" }
        case .bool(let b): out += b ? "true" : "false"
        case .null: out += "null"
        case .array(let items):
            guard !items.isEmpty else { out += "[]"; return }
            out += "[\n"
            for (i, item) in items.enumerated() {
                out += pad
                item.write(into: &out, indent: indent + 2)
                out += i == items.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "]"
        case .object(let entries):
            guard !entries.isEmpty else { out += "{}"; return }
            out += "{\n"
            for (i, (key, value)) in entries.enumerated() {
                out += pad
                Self.writeString(key, into: &out)
                out += ": "
                value.write(into: &out, indent: indent + 2)
                out += i == entries.count - 1 ? "\n" : ",\n"
            }
            out += closePad + "}"
        }
    }

    private static func writeString(_ s: String, into out: inout String) {
        out += "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"": out += "\\\""
            case "\\": out += "\\\\"
            case "\n": out += "\\n"
            case "\r": out += "\\r"
            case "\t": out += "\\t"
            case "\u{08}": out += "\\b"
            case "\u{0C}": out += "\\f"
            default:
                if c.value < 0x20 || c == "\u{2028}" || c == "\u{2029}" {
                    let hex = String(c.value, radix: 16)
                    out += "\\u" + String(repeating: "0", count: 4 - hex.count) + hex
                } else {
                    out.unicodeScalars.append(c)
                }
            }
        }
        out += "\""
    }

    package static func optional(_ s: String?) -> JSONValue { s.map(JSONValue.string) ?? .null }
    package static func optional(_ d: Double?) -> JSONValue { d.map(JSONValue.number) ?? .null }
    package static func optional(_ i: Int?) -> JSONValue { i.map { .number(Double($0)) } ?? .null }
}

extension YAMLValue {
    /// The value as JSON: numbers and booleans typed, dates and other scalars as strings.
    package var json: JSONValue {
        switch self {
        case .string(let s): return .string(s)
        case .null: return .null
        case .plain(let t):
            switch PlainScalar.classify(t) {
            case .int(let v)?: return .number(Double(v))
            case .float(let v)?: return v.isFinite ? .number(v) : .string(t)
            case .bool(let b)?: return .bool(b)
            default: return .string(t)
            }
        case .list(let l): return .array(l.map(\.json))
        case .map(let m): return .object(m.entries.map { ($0.key, $0.value.json) })
        }
    }
}

extension Diagnostic {
    package var json: JSONValue {
        .object([
            ("file", .string(file)), ("line", .optional(line)), ("field", .optional(field)),
            ("severity", .string(severity.rawValue)), ("code", .string(code)), ("message", .string(message)),
        ])
    }
}

extension MetricProgress {
    package var json: JSONValue {
        .object([
            ("id", .string(id)), ("name", .optional(name)), ("unit", .optional(unit)), ("direction", .optional(direction)),
            ("baseline", .optional(baseline)), ("target", .optional(target)), ("current", .optional(current)),
            ("progress", .optional(progress)), ("last_checkin", .optional(lastCheckin)), ("confidence", .optional(confidence)),
            ("guardrail", .bool(guardrail)), ("guardrail_state", .optional(guardrailState)),
        ])
    }
}
