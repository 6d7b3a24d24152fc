import Foundation
import GoalSyncCore

/// The one place where text meets the terminal. Titles, ids, file names, field values and a
/// remote's messages come from files and servers goalsync does not control, and a control
/// character in them would reach the terminal as a command (`ESC ]` sets the window title,
/// `ESC [2J` clears the screen, `\r` overwrites what was printed, U+202E reverses what follows):
/// every one is shown escaped instead (`\e`, `\r`, `\u{9b}`). Line breaks and tabs stay.
///
/// It is also the last line of defence for secrets: every byte goalsync writes to stdout and stderr
/// passes ``masked(_:)``, which hides the secrets this process knows of (``SecretMask``), wherever
/// the text came from. URLs are already shown without their secrets (``Redaction/url(_:)``).
///
/// goalsync's own colours (``TextStyle``) travel in the text as markers that carry a token drawn
/// when goalsync starts, which no file can know, and become colour codes only here.
enum Terminal {
    /// Starts a colour marker: U+FDD0, a noncharacter, which Unicode leaves to a program's own use
    /// (Swift takes no literal of it).
    private static let markerStart = Unicode.Scalar(0xFDD0 as UInt32) ?? "\u{E000}"
    /// This run's token.
    private static let token: String = {
        var generator = SystemRandomNumberGenerator()
        return String(generator.next() as UInt64, radix: 36)
    }()

    /// The secrets of this process (``ProcessSecrets``): those of the URLs on its command line, of
    /// the git configuration of the repository it runs in (and after `-C`), and `GOALSYNC_TOKEN`.
    /// Read the first time something is written, so a command that prints nothing pays nothing.
    private static let secretMask = ProcessSecrets(
        arguments: CommandLine.arguments, environment: ProcessInfo.processInfo.environment,
        directory: FileManager.default.currentDirectoryPath)

    /// `text` with every secret this process knows of replaced by `***`.
    static func masked(_ text: String) -> String { secretMask.apply(text) }

    /// `value` with every secret in its strings (keys too) replaced by `***`: masked as values, so the
    /// JSON stays valid whatever the secret holds.
    static func masked(_ value: JSONValue) -> JSONValue {
        guard !secretMask.isEmpty else { return value }
        switch value {
        case .string(let text): return .string(masked(text))
        case .array(let items): return .array(items.map { masked($0) })
        case .object(let entries): return .object(entries.map { (masked($0.0), masked($0.1)) })
        case .number, .bool, .null: return value
        }
    }

    /// The marker for SGR colour code `code` (digits), which ``safe(_:)`` turns into `ESC [ code m`.
    static func colour(_ code: String) -> String { "\(markerStart)\(token)\(code)m" }

    /// `text` as it can be shown: goalsync's colour markers as colour codes, every other control
    /// character (C0 but line feed and tab, DEL, C1, the bidirectional overrides) escaped.
    static func safe(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: { needsCare($0) || $0 == markerStart }) else { return text }
        var out = String.UnicodeScalarView()
        var scalars = text.unicodeScalars[...]
        while let c = scalars.first {
            if c == markerStart, let code = colourCode(after: scalars.dropFirst()) {
                out.append(contentsOf: "\u{1B}[\(code)m".unicodeScalars)
                scalars = scalars.dropFirst(1 + token.unicodeScalars.count + code.unicodeScalars.count + 1)
                continue
            }
            if needsCare(c) { out.append(contentsOf: escaped(c).unicodeScalars) } else { out.append(c) }
            scalars = scalars.dropFirst()
        }
        return String(out)
    }

    /// The columns `text` takes once printed (by Unicode scalar; colour markers take none).
    static func width(_ text: String) -> Int {
        var n = 0
        var scalars = text.unicodeScalars[...]
        while let c = scalars.first {
            if c == markerStart, let code = colourCode(after: scalars.dropFirst()) {
                scalars = scalars.dropFirst(1 + token.unicodeScalars.count + code.unicodeScalars.count + 1)
                continue
            }
            n += needsCare(c) ? escaped(c).unicodeScalars.count : 1
            scalars = scalars.dropFirst()
        }
        return n
    }

    private static func needsCare(_ c: Unicode.Scalar) -> Bool {
        switch c.value {
        case 0x09, 0x0A: return false
        case 0..<0x20, 0x7F...0x9F, 0x202A...0x202E, 0x2066...0x2069: return true
        default: return false
        }
    }

    private static func escaped(_ c: Unicode.Scalar) -> String {
        switch c {
        case "\u{1B}": return "\\e"
        case "\r": return "\\r"
        default: return "\\u{\(String(c.value, radix: 16))}"
        }
    }

    /// The digits of a colour marker whose token starts `rest`, or nil when it is no marker.
    private static func colourCode(after rest: Substring.UnicodeScalarView) -> String? {
        guard rest.starts(with: token.unicodeScalars) else { return nil }
        let tail = rest.dropFirst(token.unicodeScalars.count)
        let digits = tail.prefix { $0.properties.numericType == .decimal && $0.isASCII }
        guard !digits.isEmpty, digits.count <= 3, tail.dropFirst(digits.count).first == "m" else { return nil }
        return String(String.UnicodeScalarView(digits))
    }
}

/// Prints text for a person on stdout through ``Terminal/masked(_:)`` and ``Terminal/safe(_:)``. It
/// stands in for the standard library's `print` everywhere in this module, so no command can print a
/// file's text raw or a secret; JSON, already escaped, is printed exactly with ``printJSON(_:)``.
func print(_ items: Any..., separator: String = " ", terminator: String = "\n") {
    Swift.print(Terminal.safe(Terminal.masked(items.map { "\($0)" }.joined(separator: separator) + terminator)), terminator: "")
}

/// Prints a command's JSON document exactly as ``JSONValue/text`` writes it (its strings are escaped
/// there), with its `format` first (``JSONContract``) and no secret in it (``Terminal/masked(_:)``).
func printJSON(_ value: JSONValue) {
    Swift.print(Terminal.masked(JSONContract.document(value)).text)
}
