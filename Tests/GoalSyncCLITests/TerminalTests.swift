import GoalSyncTestSupport
import Testing
@testable import goalsync

/// The one choke point between text and the terminal (`Terminal.safe`), in process.
@Suite("Terminal output")
struct TerminalTests {
    @Test("Control characters are escaped; line breaks and tabs stay; plain text is unchanged")
    func escapes() {
        #expect(Terminal.safe("plain — text ✓\n\tindented") == "plain — text ✓\n\tindented")
        #expect(Terminal.safe("a\u{1B}]0;title\u{07}b\u{1B}[2J\r\u{9B}31m\u{7F}\u{202E}c") == "a\\e]0;title\\u{7}b\\e[2J\\r\\u{9b}31m\\u{7f}\\u{202e}c")
        #expect(Terminal.width("a\u{1B}b") == 4)
    }

    @Test("goalsync's own colours become colour codes; the same codes written in a file do not")
    func colours() {
        let style = TextStyle(enabled: true)
        #expect(Terminal.safe(style.bold("x") + " \u{1B}[1my") == "\u{1B}[1mx\u{1B}[0m \\e[1my")
        #expect(Terminal.width(style.dim("abc")) == 3)
        // A marker without this run's token (as a file could hold it) is text, never a colour.
        var guess = String.UnicodeScalarView()
        guess.append(Unicode.Scalar(0xFDD0 as UInt32) ?? "?")
        guess.append(contentsOf: "0000000031m".unicodeScalars)
        #expect(!Terminal.safe(String(guess)).contains("\u{1B}"))
        #expect(Terminal.safe(TextStyle(enabled: false).bold("x")) == "x")
    }
}
