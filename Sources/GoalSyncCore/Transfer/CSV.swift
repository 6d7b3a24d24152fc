/// Comma-separated values as RFC 4180 writes them and spreadsheets export them: fields separated by
/// commas, records by CRLF or LF, a field in double quotes when it holds a comma, a quote or a line
/// break (a quote inside doubled). A leading UTF-8 byte order mark (Excel's) is skipped.
package enum CSV {
    /// A record with the line it starts on (1-based), for error messages.
    package struct Record: Sendable, Equatable {
        package var line: Int
        package var fields: [String]
    }

    package struct ParseError: Error, Sendable, Equatable {
        package var line: Int
        package var message: String

        package init(line: Int, message: String) {
            self.line = line
            self.message = message
        }
    }

    /// The records of `text`; an empty last line is not a record.
    package static func parse(_ text: String) throws(ParseError) -> [Record] {
        var scalars = Array(text.unicodeScalars)
        if scalars.first == "\u{FEFF}" { scalars.removeFirst() }
        var records = [Record]()
        var fields = [String]()
        var field = String.UnicodeScalarView()
        var line = 1, recordLine = 1
        var i = 0
        var quoted = false, wasQuoted = false
        func endField() {
            fields.append(String(field))
            field = String.UnicodeScalarView()
            wasQuoted = false
        }
        func endRecord() {
            endField()
            if !(fields.count == 1 && fields[0].isEmpty) { records.append(Record(line: recordLine, fields: fields)) }
            fields = []
        }
        while i < scalars.count {
            let c = scalars[i]
            if quoted {
                if c == "\"" {
                    if i + 1 < scalars.count, scalars[i + 1] == "\"" {
                        field.append("\"")
                        i += 2
                        continue
                    }
                    quoted = false
                    wasQuoted = true
                } else {
                    if c == "\n" { line += 1 }
                    field.append(c)
                }
                i += 1
                continue
            }
            switch c {
            case ",":
                endField()
            case "\r" where i + 1 < scalars.count && scalars[i + 1] == "\n":
                break
            case "\n", "\r":
                endRecord()
                line += 1
                recordLine = line
            case "\"":
                guard field.isEmpty, !wasQuoted else {
                    throw ParseError(line: line, message: "a double quote inside a field that does not start with one; quote the whole field and double the quote (\"\")")
                }
                quoted = true
            default:
                if wasQuoted { throw ParseError(line: line, message: "text after a quoted field's closing quote; put a comma between fields") }
                field.append(c)
            }
            i += 1
        }
        if quoted { throw ParseError(line: recordLine, message: "a quoted field is not closed before the end of the file") }
        if !field.isEmpty || !fields.isEmpty || wasQuoted { endRecord() }
        return records
    }

    /// `rows` as CSV text, each record ending in CRLF (RFC 4180); fields quoted only when needed.
    package static func write(_ rows: [[String]]) -> String {
        rows.map { row in
            row.map { f in
                // By scalars: "\r\n" is one Character, neither "\r" nor "\n".
                f.unicodeScalars.contains(where: { $0 == "," || $0 == "\"" || $0 == "\n" || $0 == "\r" })
                    ? "\"" + f.replacingOccurrences(of: "\"", with: "\"\"") + "\"" : f
            }.joined(separator: ",")
        }.map { $0 + "\r\n" }.joined()
    }
}
