import Foundation

/// A YAML value as goalsync keeps it: mappings keep their key order, and scalars keep their text,
/// so that nothing a person wrote is reinterpreted (a date stays `2026-01-05`, `30.0` stays `30.0`).
package indirect enum YAMLValue: Hashable, Sendable {
    /// A string scalar (quoted, block, or plain text that resolves to no other type).
    case string(String)
    /// A plain scalar that YAML resolves to something other than a string: a number, a boolean or a
    /// date, kept as its text.
    case plain(String)
    /// `null`, `~` or an empty value.
    case null
    case list([YAMLValue])
    case map(YAMLMap)

    /// The text of a scalar (string or plain), nil for null, lists and maps.
    package var scalarText: String? {
        switch self {
        case .string(let s), .plain(let s): return s
        default: return nil
        }
    }

    package var stringValue: String? {
        if case .string(let s) = self { return s }
        return nil
    }

    /// A number, when the value is a plain scalar YAML reads as an int or a float.
    package var number: Double? {
        guard case .plain(let text) = self, let kind = PlainScalar.classify(text) else { return nil }
        switch kind {
        case .int(let v): return Double(v)
        case .float(let v): return v
        default: return nil
        }
    }

    /// An integer, when the value is a plain scalar YAML reads as an int.
    package var integer: Int? {
        guard case .plain(let text) = self, case .int(let v)? = PlainScalar.classify(text) else { return nil }
        return v
    }

    /// A date `YYYY-MM-DD`, when the value is a plain scalar YAML reads as a date.
    package var date: SimpleDate? {
        switch self {
        case .plain(let text), .string(let text): return SimpleDate(text)
        default: return nil
        }
    }

    package var list: [YAMLValue]? {
        if case .list(let l) = self { return l }
        return nil
    }

    package var map: YAMLMap? {
        if case .map(let m) = self { return m }
        return nil
    }

    /// A short name of the value's type, for error messages.
    package var typeName: String {
        switch self {
        case .string: return "text"
        case .plain(let t):
            switch PlainScalar.classify(t) {
            case .int?, .float?: return "a number"
            case .bool?: return "a boolean"
            case .date?: return "a date"
            default: return "a value"
            }
        case .null: return "empty"
        case .list: return "a list"
        case .map: return "a mapping"
        }
    }
}

/// An ordered YAML mapping with string keys.
package struct YAMLMap: Hashable, Sendable {
    package var entries: [(key: String, value: YAMLValue)]

    package init(_ entries: [(key: String, value: YAMLValue)] = []) {
        self.entries = entries
    }

    package var keys: [String] { entries.map(\.key) }
    package var isEmpty: Bool { entries.isEmpty }

    package subscript(key: String) -> YAMLValue? {
        get { entries.first { $0.key == key }?.value }
        set {
            if let i = entries.firstIndex(where: { $0.key == key }) {
                if let newValue { entries[i].value = newValue } else { entries.remove(at: i) }
            } else if let newValue {
                entries.append((key, newValue))
            }
        }
    }

    /// A reader of the map for code that asks for many of its keys: the subscript scans the
    /// entries, which is quickest for the few fields of a goal but makes a loop over every key of a
    /// long mapping cost the square of its length.
    package var lookup: Lookup { Lookup(self) }

    /// Values by key: a scan for a short mapping, one dictionary built once for a long one.
    package struct Lookup {
        private let map: YAMLMap
        /// Each key's first position (a key written twice is found as the subscript finds it).
        private let index: [String: Int]?

        init(_ map: YAMLMap) {
            self.map = map
            guard map.entries.count > 16 else {
                index = nil
                return
            }
            var index = [String: Int](minimumCapacity: map.entries.count)
            for (i, e) in map.entries.enumerated() where index[e.key] == nil { index[e.key] = i }
            self.index = index
        }

        package subscript(key: String) -> YAMLValue? {
            guard let index else { return map[key] }
            return index[key].map { map.entries[$0].value }
        }

        package func contains(_ key: String) -> Bool { self[key] != nil }
    }

    package static func == (a: YAMLMap, b: YAMLMap) -> Bool {
        a.entries.count == b.entries.count && zip(a.entries, b.entries).allSatisfy { $0.key == $1.key && $0.value == $1.value }
    }

    package func hash(into hasher: inout Hasher) {
        hasher.combine(entries.count)
        for e in entries {
            hasher.combine(e.key)
            hasher.combine(e.value)
        }
    }
}

/// How YAML 1.1 (as libyaml, PyYAML and Yams read it) resolves a plain scalar.
package enum PlainScalar: Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case float(Double)
    case date(String)

    /// The type a plain scalar resolves to, or nil when it is a string: YAML 1.1's rules as Yams'
    /// default resolver and PyYAML apply them (bool, int, float, merge, null, timestamp, value), with
    /// fast paths for the common cases.
    package static func classify(_ text: String) -> PlainScalar? {
        let u = text.utf8
        guard let first = u.first else { return .null }
        let isDigit = { (c: UInt8) in c >= 48 && c <= 57 }
        // No literal below is longer than 5 bytes, and no longer text equals one (none holds a letter
        // with a one-character canonical equivalent, such as K and the Kelvin sign).
        if u.count <= 5 {
            switch text {
            case "~", "null", "Null", "NULL": return .null
            case "true", "True", "TRUE", "yes", "Yes", "YES", "on", "On", "ON": return .bool(true)
            case "false", "False", "FALSE", "no", "No", "NO", "off", "Off", "OFF": return .bool(false)
            case ".inf", ".Inf", ".INF", "+.inf", "+.Inf", "+.INF": return .float(.infinity)
            case "-.inf", "-.Inf", "-.INF": return .float(-.infinity)
            case ".nan", ".NaN", ".NAN": return .float(.nan)
            case "<<", "=": return .null
            default: break
            }
        }
        // Only digits, signs and dots can start a number or a date.
        guard isDigit(first) || first == 43 || first == 45 || first == 46 else { return nil }
        // Fast path: a plain decimal integer.
        let signed = first == 43 || first == 45
        let digits = u.dropFirst(signed ? 1 : 0)
        if !digits.isEmpty, digits.count <= 18, digits.allSatisfy(isDigit), digits.count == 1 || digits.first != 48 {
            return Int(text).map { .int($0) }
        }
        if let kind = decimalOrDate(text) { return kind }
        let range = NSRange(location: 0, length: text.utf16.count)
        if Patterns.int.firstMatch(in: text, range: range) != nil {
            return .int(Int(text.replacingOccurrences(of: "_", with: "")) ?? 0)
        }
        if Patterns.float.firstMatch(in: text, range: range) != nil {
            return .float(Double(text.replacingOccurrences(of: "_", with: "")) ?? .nan)
        }
        if Patterns.timestamp.firstMatch(in: text, range: range) != nil { return .date(text) }
        return nil
    }

    /// The two shapes plain floats and dates mostly take, decided on bytes exactly as the patterns
    /// below decide them, without them: `[-+]?[0-9]+\.[0-9]+` is a float (no int pattern has a dot)
    /// and `[0-9]{4}-[0-9]{2}-[0-9]{2}` a date (no number pattern has an inner `-`). nil: ask the
    /// patterns.
    private static func decimalOrDate(_ text: String) -> PlainScalar? {
        var text = text
        return text.withUTF8 { b -> PlainScalar? in
            func digit(_ i: Int) -> Bool { b[i] >= 48 && b[i] <= 57 }
            let n = b.count
            if n == 10, b[4] == UInt8(ascii: "-"), b[7] == UInt8(ascii: "-"),
                digit(0), digit(1), digit(2), digit(3), digit(5), digit(6), digit(8), digit(9) {
                return .date(String(decoding: b, as: UTF8.self))
            }
            var i = 0
            if i < n, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") { i += 1 }
            let whole = i
            while i < n, digit(i) { i += 1 }
            guard i > whole, i < n, b[i] == UInt8(ascii: ".") else { return nil }
            i += 1
            let fraction = i
            while i < n, digit(i) { i += 1 }
            guard i == n, i > fraction else { return nil }
            return .float(Double(String(decoding: b, as: UTF8.self)) ?? .nan)
        }
    }

    private enum Patterns {
        static let int = try! NSRegularExpression(pattern: #"^(?:[-+]?0b[0-1_]+|[-+]?0o?[0-7_]+|[-+]?(?:0|[1-9][0-9_]*)|[-+]?0x[0-9a-fA-F_]+|[-+]?[1-9][0-9_]*(?::[0-5]?[0-9])+)$"#)
        static let float = try! NSRegularExpression(pattern: #"^(?:[-+]?(?:[0-9][0-9_]*)(?:\.[0-9_]*)?(?:[eE][-+]?[0-9]+)?|\.[0-9_]+(?:[eE][-+][0-9]+)?|[-+]?[0-9][0-9_]*(?::[0-5]?[0-9])+\.[0-9_]*|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"#)
        static let timestamp = try! NSRegularExpression(pattern: #"^(?:[0-9][0-9][0-9][0-9]-[0-9][0-9]-[0-9][0-9]|[0-9][0-9][0-9][0-9]-[0-9][0-9]?-[0-9][0-9]?(?:[Tt]|[ \t]+)[0-9][0-9]?:[0-9][0-9]:[0-9][0-9](?:\.[0-9]*)?(?:[ \t]*(?:Z|[-+][0-9][0-9]?(?::[0-9][0-9])?))?)$"#)
    }
}

/// A calendar date `YYYY-MM-DD`.
package struct SimpleDate: Hashable, Comparable, Sendable, CustomStringConvertible {
    package let year: Int
    package let month: Int
    package let day: Int

    package init?(_ text: String) {
        let u = Array(text.utf8)
        guard u.count == 10, u[4] == 45, u[7] == 45 else { return nil }
        func num(_ r: Range<Int>) -> Int? {
            var v = 0
            for i in r {
                guard u[i] >= 48 && u[i] <= 57 else { return nil }
                v = v * 10 + Int(u[i] - 48)
            }
            return v
        }
        guard let y = num(0..<4), let m = num(5..<7), let d = num(8..<10), (1...12).contains(m) else { return nil }
        let days = [31, (y % 4 == 0 && (y % 100 != 0 || y % 400 == 0)) ? 29 : 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31]
        guard d >= 1 && d <= days[m - 1] else { return nil }
        year = y
        month = m
        day = d
    }

    package init(year: Int, month: Int, day: Int) {
        self.year = year
        self.month = month
        self.day = day
    }

    package var description: String {
        func pad(_ v: Int, _ n: Int) -> String { String(repeating: "0", count: max(0, n - String(v).count)) + String(v) }
        return "\(pad(year, 4))-\(pad(month, 2))-\(pad(day, 2))"
    }

    /// Days since 1970-01-01 (proleptic Gregorian).
    package var dayNumber: Int {
        let y = month <= 2 ? year - 1 : year
        let era = (y >= 0 ? y : y - 399) / 400
        let yoe = y - era * 400
        let mp = (month + 9) % 12
        let doy = (153 * mp + 2) / 5 + day - 1
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy
        return era * 146097 + doe - 719468
    }

    package static func < (a: SimpleDate, b: SimpleDate) -> Bool { a.dayNumber < b.dayNumber }
}
