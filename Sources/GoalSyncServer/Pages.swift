import Foundation
import GoalSyncCore
import Hummingbird

/// What a page needs besides its content: the form token, the generation it shows (the script
/// reloads when the repository's moves on), the product's name.
struct PageContext: Sendable {
    var csrf: String
    var generation: Int
    var product: String?
}

/// Errors to show in one form of a page: beside their field when they name one the form has, else
/// at the form's top.
struct FormErrors: Sendable {
    /// Which form: `fields`, `checkin`, `metric`, `list-proof`, `status`, `new`...
    var form: String
    var general: [String] = []
    var fields: [String: String] = [:]
    /// What the person typed, to show again.
    var values: Form = Form(pairs: [])
}

/// The server-rendered HTML: a layout, the pages, and the error page.
enum Pages {
    static func layout(_ title: String, _ ctx: PageContext, current: String, _ content: String) -> String {
        var p = PageWriter()
        p.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">")
        p.raw("<title>")
        p.text(title + " · goalsync")
        p.raw("</title><link rel=\"stylesheet\" href=\"/assets/app.css\"><script src=\"/assets/app.js\" defer></script></head>")
        p.raw("<body data-generation=\"\(ctx.generation)\"><header><span class=\"product\">")
        p.text(ctx.product ?? "goalsync")
        p.raw("</span><nav>")
        for (href, name) in [("/", "Overview"), ("/goals", "Goals"), ("/new", "New goal"), ("/sync", "Sync")] {
            p.raw("<a href=\"\(href)\"\(href == current ? " aria-current=\"page\"" : "")>\(name)</a>")
        }
        p.raw("</nav></header><main>")
        p.raw(content)
        p.raw("</main><div id=\"changed\" class=\"notice\" hidden>The goals changed in the repository since this page was shown. <a href=\"\">Reload</a> (what you typed here is not saved yet).</div></body></html>")
        return p.html
    }

    static func response(_ html: String, status: HTTPResponse.Status = .ok) -> Response {
        Response(status: status, headers: [.contentType: "text/html; charset=utf-8"], body: .init(byteBuffer: ByteBuffer(string: html)))
    }

    /// A small page that says what went wrong and what to do.
    static func errorResponse(_ status: HTTPResponse.Status, _ message: String) -> Response {
        var p = PageWriter()
        p.raw("<!doctype html><html lang=\"en\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>")
        p.text("\(status.code) \(status.reasonPhrase) · goalsync")
        p.raw("</title><link rel=\"stylesheet\" href=\"/assets/app.css\"></head><body><main><h1>")
        p.text("\(status.code) \(status.reasonPhrase)")
        p.raw("</h1><p class=\"notice error\">")
        p.text(message)
        p.raw("</p><p><a href=\"/\">Overview</a></p></main></body></html>")
        var headers: HTTPFields = [.contentType: "text/html; charset=utf-8", .cacheControl: "no-store"]
        headers[.contentSecurityPolicy] = "default-src 'none'; style-src 'self'"
        return Response(status: status, headers: headers, body: .init(byteBuffer: ByteBuffer(string: p.html)))
    }

    static func statusBadge(_ status: String?) -> String {
        let s = status ?? "unknown"
        return "<span class=\"badge s-\(HTML.attribute(s))\">\(HTML.escape(s))</span>"
    }

    static func percent(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "–" }
        return "\(Int((v * 100).rounded()))%"
    }

    static func bar(_ v: Double?) -> String {
        guard let v, v.isFinite else { return "" }
        let w = Int((min(1, max(0, v)) * 100).rounded())
        return "<progress max=\"100\" value=\"\(w)\">\(w)%</progress>"
    }

    static func number(_ v: Double?) -> String {
        guard let v else { return "–" }
        if v == v.rounded(), abs(v) < 1e15 { return String(Int(v)) }
        return String(v)
    }

    static func hidden(_ name: String, _ value: String) -> String {
        "<input type=\"hidden\" name=\"\(HTML.attribute(name))\" value=\"\(HTML.attribute(value))\">"
    }

    static func goalLink(_ id: String) -> String { "/goals/" + HTML.urlComponent(id) }
}
