import Foundation
import GoalSyncCore

/// Text made safe for HTML: every piece of user text goes through ``escape(_:)`` (or an attribute
/// through ``attribute(_:)``) before it reaches a page.
enum HTML {
    /// `&`, `<`, `>`, `"` and `'` as entities: safe in element content and in quoted attributes.
    static func escape(_ text: String) -> String { HTMLText.escape(text) }

    /// A value for a quoted attribute.
    static func attribute(_ text: String) -> String { escape(text) }

    /// Percent-encodes a path segment or a query value (everything but unreserved characters).
    static func urlComponent(_ text: String) -> String {
        var allowed = CharacterSet.alphanumerics
        allowed.insert(charactersIn: "-._~")
        return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    }
}

/// A page being written: ``text(_:)`` escapes, ``raw(_:)`` is for markup this module writes itself.
struct PageWriter {
    private(set) var html = ""

    mutating func raw(_ markup: String) { html += markup }
    mutating func text(_ s: String) { html += HTML.escape(s) }
    /// `<tag attrs>escaped text</tag>`; `attrs` is markup written by this module.
    mutating func element(_ tag: String, _ content: String, attrs: String = "") {
        html += "<\(tag)\(attrs.isEmpty ? "" : " " + attrs)>\(HTML.escape(content))</\(tag)>"
    }
}
