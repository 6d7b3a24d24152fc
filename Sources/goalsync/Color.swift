import ArgumentParser
import Foundation
import GoalSyncCore

/// `--color WHEN`: whether goalsync colours what it writes.
enum ColorChoice: String, ExpressibleByArgument, CaseIterable, Sendable {
    /// On a terminal, unless `NO_COLOR` is set; `CLICOLOR_FORCE` forces it into a pipe.
    case auto
    case always
    case never
}

/// The colour decision for stdout and stderr, made once per stream: `--color always|never` wins;
/// with `auto` (the default), a non-empty `NO_COLOR` turns colour off, then a `CLICOLOR_FORCE` other
/// than empty or `0` turns it on, and otherwise colour is on when the stream is a terminal.
enum ColorPolicy {
    private static let choice = Locked(ColorChoice.auto)

    /// Set by the command line (``GlobalOptions``) before the command runs.
    static func choose(_ value: ColorChoice) { choice.set(value) }

    /// Whether to colour what goes to `descriptor` (`STDOUT_FILENO` or `STDERR_FILENO`).
    static func enabled(for descriptor: Int32) -> Bool {
        decide(choice.get(), environment: ProcessInfo.processInfo.environment, isTerminal: { isatty(descriptor) == 1 })
    }

    /// The rule itself, apart from the process (tested on its own).
    static func decide(_ choice: ColorChoice, environment: [String: String], isTerminal: () -> Bool) -> Bool {
        switch choice {
        case .always: return true
        case .never: return false
        case .auto:
            if let v = environment["NO_COLOR"], !v.isEmpty { return false }
            if let v = environment["CLICOLOR_FORCE"], !v.isEmpty, v != "0" { return true }
            return isTerminal()
        }
    }
}

/// A value behind a lock, for the process-wide settings the command line makes once.
final class Locked<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value
    init(_ value: Value) { self.value = value }
    func get() -> Value { lock.withLock { value } }
    func set(_ newValue: Value) { lock.withLock { value = newValue } }
}

extension Diagnostic {
    /// ``formatted`` with the severity coloured (errors red, warnings yellow) when `style` is on.
    func formatted(style: TextStyle) -> String {
        let plain = formatted
        guard style.enabled else { return plain }
        // `formatted` escapes line breaks character by character, so its head is the escaped
        // file and line, then the severity: colour that word and leave every other byte as it is.
        let place = oneLine(file + (line.map { ":\($0)" } ?? ""))
        let head = place + ": " + severity.rawValue + ": "
        guard plain.hasPrefix(head) else { return plain }
        let word = severity == .error ? style.red(severity.rawValue) : style.yellow(severity.rawValue)
        return place + ": " + word + ": " + plain.dropFirst(head.count)
    }
}
