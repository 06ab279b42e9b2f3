/// A complete TOML 1.0 syntax check that runs before TOMLKit sees a file.
///
/// Why it exists (issue #12): TOMLKit bundles toml++ 3.4, whose parser is
/// built with its C++ assertions on (`assert`, in debug and release alike).
/// Some malformed documents reach an assertion instead of a parse error:
/// a file holding only `[`, or `[.]`, `[!]`, or `a = [true,} false]`
/// aborts the whole process (SIGABRT) before any Swift code can catch
/// anything; and a header of 20,000 dotted keys overflows the stack through
/// its recursion. A root manifest cannot change a dependency's C++ flags
/// (and `NDEBUG` would turn those assertions into `assume`, i.e. undefined
/// behaviour, which is worse). What was weighed:
///
/// - Parsing in a child process (re-running looptop on the file) contains
///   every abort, also unknown ones, but it only works from the looptop
///   executable (LoopTopEngine is a library others link), costs a process
///   start per file and per reload, and would still need the file kind and
///   size checks. `fork()` without `exec` is not safe in a process whose
///   worker threads may hold the Swift runtime's or malloc's locks.
/// - Another parser: none among the packages this project may use; writing
///   all of TOML (tables, redefinition rules, dates, number conversion) by
///   hand is what TOMLKit is for.
/// - This guard: a syntax check of the whole grammar (keys, headers, every
///   value's lexical form, arrays, inline tables, comments, control
///   characters, newlines), so that toml++ only ever sees syntactically
///   valid TOML and is left with what it does well: the meaning (duplicate
///   keys, redefined tables, integer range, calendar dates). Its limits on
///   size and depth bound toml++'s recursion and ours. It was checked by
///   coverage-guided fuzzing of every reader (Sources/LoopTopFuzz, run by
///   `.ci/run`) and against the public toml-test corpus, not only against
///   the cases above. It is stricter than nothing and never looser than the
///   TOML grammar: a document it refuses is not valid TOML, or is beyond
///   the limits below.
///
/// It is a recogniser, not a parser: it builds nothing, and stops at the
/// first mistake with its line and column.
struct TOMLGuard {
    /// How deep keys and values may nest: header segments plus dotted key
    /// segments plus arrays and inline tables. Real files use under ten;
    /// toml++ recurses per level, and so does ``ConfigFile``'s conversion.
    static let maxDepth = 64

    struct Failure: Error, Equatable {
        let line: Int
        let column: Int
        let message: String
    }

    private let bytes: [UInt8]
    private var at = 0
    private var line = 1
    private var lineStart = 0
    /// How many keys deep the current `[table]` header is.
    private var tableDepth = 0

    init(_ text: String) {
        bytes = Array(text.utf8)
    }

    /// Checks `text`; throws the first mistake.
    static func check(_ text: String) throws(Failure) {
        var guardian = TOMLGuard(text)
        try guardian.document()
    }

    // MARK: - Document

    private mutating func document() throws(Failure) {
        // A UTF-8 byte-order mark is tolerated, as toml++ does.
        if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { at = 3 }
        while !atEnd {
            skipWhitespace()
            guard let c = peek else { break }
            switch c {
            case UInt8(ascii: "#"): try comment()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"): break
            case UInt8(ascii: "["): try header()
            default:
                try keyValue(depth: tableDepth)
            }
            try endOfLine()
        }
    }

    /// After an expression: spaces, an optional comment, then a newline or the end.
    private mutating func endOfLine() throws(Failure) {
        skipWhitespace()
        if peek == UInt8(ascii: "#") { try comment() }
        guard let c = peek else { return }
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
            try newline()
            return
        }
        throw fail("expected the end of the line, found \(Self.show(c))")
    }

    private mutating func header() throws(Failure) {
        at += 1 // [
        let isArray = peek == UInt8(ascii: "[")
        if isArray { at += 1 }
        skipWhitespace()
        if peek == UInt8(ascii: "]") {
            throw fail("a table header needs a name, e.g. [name]")
        }
        let segments = try key(what: "table header")
        if segments > Self.maxDepth { throw fail("table header nests more than \(Self.maxDepth) keys deep") }
        tableDepth = segments
        skipWhitespace()
        guard peek == UInt8(ascii: "]") else {
            throw fail("expected ']' to close the table header, found \(describePeek())")
        }
        at += 1
        if isArray {
            guard peek == UInt8(ascii: "]") else {
                throw fail("expected ']]' to close the [[array of tables]] header, found \(describePeek())")
            }
            at += 1
        }
    }

    // MARK: - Keys

    /// `key = value`, at `depth` levels of nesting already.
    private mutating func keyValue(depth: Int) throws(Failure) {
        let segments = try key(what: "key")
        if depth + segments > Self.maxDepth { throw fail("key nests deeper than \(Self.maxDepth) levels") }
        skipWhitespace()
        guard peek == UInt8(ascii: "=") else {
            throw fail("expected '=' after the key, found \(describePeek())")
        }
        at += 1
        skipWhitespace()
        try value(depth: depth + segments)
    }

    /// A possibly dotted key; returns how many segments it has.
    private mutating func key(what: String) throws(Failure) -> Int {
        var segments = 0
        while true {
            try simpleKey(what: what)
            segments += 1
            // Cheap refusal long before the depth limit matters, so that a
            // 20,000-segment key costs nothing.
            if segments > Self.maxDepth { return segments }
            skipWhitespace()
            guard peek == UInt8(ascii: ".") else { return segments }
            at += 1
            skipWhitespace()
        }
    }

    private mutating func simpleKey(what: String) throws(Failure) {
        guard let c = peek else { throw fail("expected a \(what) name, found the end of the file") }
        if c == UInt8(ascii: "\"") {
            if starts(with: "\"\"\"") { throw fail("a \(what) cannot be a multi-line string") }
            try basicString()
        } else if c == UInt8(ascii: "'") {
            if starts(with: "'''") { throw fail("a \(what) cannot be a multi-line string") }
            try literalString()
        } else if Self.isBareKey(c) {
            while let c = peek, Self.isBareKey(c) { at += 1 }
        } else {
            throw fail("expected a \(what) name (letters, digits, '-', '_', or a quoted string), found \(Self.show(c))")
        }
    }

    static func isBareKey(_ c: UInt8) -> Bool {
        (c >= 0x41 && c <= 0x5A) || (c >= 0x61 && c <= 0x7A) || (c >= 0x30 && c <= 0x39)
            || c == UInt8(ascii: "-") || c == UInt8(ascii: "_")
    }

    // MARK: - Values

    private mutating func value(depth: Int) throws(Failure) {
        guard let c = peek else { throw fail("expected a value, found the end of the file") }
        switch c {
        case UInt8(ascii: "\""):
            if starts(with: "\"\"\"") { try multiLineBasicString() } else { try basicString() }
        case UInt8(ascii: "'"):
            if starts(with: "'''") { try multiLineLiteralString() } else { try literalString() }
        case UInt8(ascii: "["):
            try array(depth: depth + 1)
        case UInt8(ascii: "{"):
            try inlineTable(depth: depth + 1)
        default:
            try scalar()
        }
    }

    private mutating func array(depth: Int) throws(Failure) {
        if depth > Self.maxDepth { throw fail("arrays and tables nest deeper than \(Self.maxDepth) levels") }
        at += 1 // [
        while true {
            try skipWhitespaceCommentsNewlines()
            if peek == UInt8(ascii: "]") { at += 1; return }
            guard peek != nil else { throw fail("expected ']' to close the array, found the end of the file") }
            if peek == UInt8(ascii: ",") { throw fail("expected a value in the array, found ','") }
            try value(depth: depth)
            try skipWhitespaceCommentsNewlines()
            switch peek {
            case UInt8(ascii: ","): at += 1
            case UInt8(ascii: "]"): at += 1; return
            default: throw fail("expected ',' or ']' in the array, found \(describePeek())")
            }
        }
    }

    private mutating func inlineTable(depth: Int) throws(Failure) {
        if depth > Self.maxDepth { throw fail("arrays and tables nest deeper than \(Self.maxDepth) levels") }
        at += 1 // {
        skipWhitespace()
        if peek == UInt8(ascii: "}") { at += 1; return }
        while true {
            skipWhitespace()
            guard let c = peek, c != UInt8(ascii: "\n"), c != UInt8(ascii: "\r") else {
                throw fail("an inline table must close on its line; expected a key, found \(describePeek())")
            }
            try keyValue(depth: depth)
            skipWhitespace()
            switch peek {
            case UInt8(ascii: ","): at += 1
            case UInt8(ascii: "}"): at += 1; return
            default: throw fail("expected ',' or '}' in the inline table, found \(describePeek())")
            }
        }
    }

    /// Whitespace, comments and newlines between the items of an array.
    private mutating func skipWhitespaceCommentsNewlines() throws(Failure) {
        while let c = peek {
            if c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") {
                at += 1
            } else if c == UInt8(ascii: "#") {
                try comment()
            } else if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") {
                try newline()
            } else {
                return
            }
        }
    }

    /// A boolean, number or date: one run of token characters, checked
    /// against the grammar. A date may have a space before its time.
    private mutating func scalar() throws(Failure) {
        let start = at
        scanToken()
        var token = Array(bytes[start..<at])
        if Self.isFullDate(token), peek == UInt8(ascii: " "), at + 3 < bytes.count,
           Self.isDigit(bytes[at + 1]), Self.isDigit(bytes[at + 2]), bytes[at + 3] == UInt8(ascii: ":") {
            at += 1
            let timeStart = at
            scanToken()
            token += [UInt8(ascii: "T")] + bytes[timeStart..<at]
        }
        if token.isEmpty {
            throw fail("expected a value (a string, number, true/false, date, array or inline table), found \(describePeek())")
        }
        let valid = token == Array("true".utf8) || token == Array("false".utf8)
            || Self.isInteger(token) || Self.isFloat(token) || Self.isDateTime(token)
        if !valid {
            at = start
            throw fail("'\(Self.printable(token))' is not a value; expected a string, number, true/false, date, array or inline table")
        }
    }

    private mutating func scanToken() {
        while let c = peek, Self.isBareKey(c) || c == UInt8(ascii: "+") || c == UInt8(ascii: ".")
            || c == UInt8(ascii: ":") { at += 1 }
    }

    // MARK: - Strings

    private mutating func basicString() throws(Failure) {
        at += 1 // "
        while true {
            guard let c = peek else { throw fail("unterminated string: expected '\"' before the end of the file") }
            switch c {
            case UInt8(ascii: "\""): at += 1; return
            case UInt8(ascii: "\\"): try escape()
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw fail("unterminated string: expected '\"' before the end of the line")
            default:
                try plainStringCharacter(c)
            }
        }
    }

    private mutating func multiLineBasicString() throws(Failure) {
        at += 3
        while true {
            guard let c = peek else { throw fail("unterminated multi-line string: expected '\"\"\"'") }
            switch c {
            case UInt8(ascii: "\""):
                if starts(with: "\"\"\"") {
                    // Up to two quotes may sit right before the closing three.
                    var run = 0
                    while peek == UInt8(ascii: "\"") { at += 1; run += 1 }
                    if run > 5 { at -= run - 5; throw fail("too many quotes at the end of a multi-line string") }
                    return
                }
                at += 1
            case UInt8(ascii: "\\"):
                // A backslash at the end of a line trims it and the blanks after it.
                var look = at + 1
                while look < bytes.count, bytes[look] == UInt8(ascii: " ") || bytes[look] == UInt8(ascii: "\t") { look += 1 }
                if look < bytes.count, bytes[look] == UInt8(ascii: "\n") || bytes[look] == UInt8(ascii: "\r") {
                    at = look
                    try newline()
                    while let c = peek, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") || c == UInt8(ascii: "\n")
                        || c == UInt8(ascii: "\r") {
                        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { try newline() } else { at += 1 }
                    }
                } else {
                    try escape()
                }
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try newline()
            default:
                try plainStringCharacter(c)
            }
        }
    }

    private mutating func literalString() throws(Failure) {
        at += 1 // '
        while true {
            guard let c = peek else { throw fail("unterminated string: expected \"'\" before the end of the file") }
            switch c {
            case UInt8(ascii: "'"): at += 1; return
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                throw fail("unterminated string: expected \"'\" before the end of the line")
            default:
                try plainStringCharacter(c)
            }
        }
    }

    private mutating func multiLineLiteralString() throws(Failure) {
        at += 3
        while true {
            guard let c = peek else { throw fail("unterminated multi-line string: expected \"'''\"") }
            switch c {
            case UInt8(ascii: "'"):
                if starts(with: "'''") {
                    var run = 0
                    while peek == UInt8(ascii: "'") { at += 1; run += 1 }
                    if run > 5 { at -= run - 5; throw fail("too many quotes at the end of a multi-line string") }
                    return
                }
                at += 1
            case UInt8(ascii: "\n"), UInt8(ascii: "\r"):
                try newline()
            default:
                try plainStringCharacter(c)
            }
        }
    }

    /// A character inside a string: anything but control characters (tab is fine).
    private mutating func plainStringCharacter(_ c: UInt8) throws(Failure) {
        if Self.isControl(c) { throw fail("\(Self.show(c)) is not allowed in a string; write it as an escape") }
        at += 1
    }

    private mutating func escape() throws(Failure) {
        at += 1 // backslash
        guard let c = peek else { throw fail("unterminated string: expected an escape after '\\'") }
        switch c {
        case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "b"), UInt8(ascii: "f"), UInt8(ascii: "n"),
             UInt8(ascii: "r"), UInt8(ascii: "t"):
            at += 1
        case UInt8(ascii: "u"), UInt8(ascii: "U"):
            let count = c == UInt8(ascii: "u") ? 4 : 8
            at += 1
            var scalar: UInt32 = 0
            for _ in 0..<count {
                guard let d = peek, let v = Self.hexValue(d) else {
                    throw fail("'\\\(Character(Unicode.Scalar(c)))' needs \(count) hex digits")
                }
                scalar = scalar << 4 | UInt32(v)
                at += 1
            }
            if Unicode.Scalar(scalar) == nil {
                throw fail("'\\\(Character(Unicode.Scalar(c)))' names no Unicode character (a surrogate or beyond U+10FFFF)")
            }
        default:
            throw fail("'\\\(Self.printable([c]))' is not an escape; expected \\\" \\\\ \\b \\f \\n \\r \\t \\uXXXX or \\UXXXXXXXX")
        }
    }

    // MARK: - Lexical forms of scalars

    static func isDigit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }

    static func hexValue(_ c: UInt8) -> UInt8? {
        switch c {
        case 0x30...0x39: c - 0x30
        case 0x41...0x46: c - 0x41 + 10
        case 0x61...0x66: c - 0x61 + 10
        default: nil
        }
    }

    /// Digits of a kind, with single underscores only between digits.
    static func isDigitRun(_ t: ArraySlice<UInt8>, _ isDigit: (UInt8) -> Bool) -> Bool {
        guard let first = t.first, let last = t.last, isDigit(first), isDigit(last) else { return false }
        var previousUnderscore = false
        for c in t {
            if c == UInt8(ascii: "_") {
                if previousUnderscore { return false }
                previousUnderscore = true
            } else if isDigit(c) {
                previousUnderscore = false
            } else {
                return false
            }
        }
        return true
    }

    /// A decimal integer: optional sign, no leading zero.
    static func isDecimalInteger(_ t: ArraySlice<UInt8>) -> Bool {
        var t = t
        if let s = t.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { t = t.dropFirst() }
        if t.count > 1, t.first == UInt8(ascii: "0") { return false }
        return isDigitRun(t, isDigit)
    }

    static func isInteger(_ token: [UInt8]) -> Bool {
        let t = token[...]
        if t.count > 2, t.first == UInt8(ascii: "0") {
            let body = t.dropFirst(2)
            switch t[t.startIndex + 1] {
            case UInt8(ascii: "x"): return isDigitRun(body) { hexValue($0) != nil }
            case UInt8(ascii: "o"): return isDigitRun(body) { $0 >= 0x30 && $0 <= 0x37 }
            case UInt8(ascii: "b"): return isDigitRun(body) { $0 == 0x30 || $0 == 0x31 }
            default: break
            }
        }
        return isDecimalInteger(t)
    }

    static func isFloat(_ token: [UInt8]) -> Bool {
        var t = token[...]
        if let s = t.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") {
            if t.dropFirst().elementsEqual("inf".utf8) || t.dropFirst().elementsEqual("nan".utf8) { return true }
        }
        if t.elementsEqual("inf".utf8) || t.elementsEqual("nan".utf8) { return true }
        var exponent: ArraySlice<UInt8>?
        if let e = t.firstIndex(where: { $0 == UInt8(ascii: "e") || $0 == UInt8(ascii: "E") }) {
            var exp = t[(e + 1)...]
            if let s = exp.first, s == UInt8(ascii: "+") || s == UInt8(ascii: "-") { exp = exp.dropFirst() }
            exponent = exp
            t = t[..<e]
        }
        var fraction: ArraySlice<UInt8>?
        if let dot = t.firstIndex(of: UInt8(ascii: ".")) {
            fraction = t[(dot + 1)...]
            t = t[..<dot]
        }
        guard fraction != nil || exponent != nil, isDecimalInteger(t) else { return false }
        if let fraction, !isDigitRun(fraction, isDigit) { return false }
        if let exponent, !isDigitRun(exponent, isDigit) { return false }
        return true
    }

    static func isFullDate(_ t: [UInt8]) -> Bool {
        matches(t[...], "dddd-dd-dd")
    }

    /// A local date, local time, local date-time or offset date-time (the
    /// space between date and time already made a `T`). Ranges of months,
    /// days and hours are left to toml++.
    static func isDateTime(_ token: [UInt8]) -> Bool {
        var t = token[...]
        if t.count >= 10, matches(t.prefix(10), "dddd-dd-dd") {
            t = t.dropFirst(10)
            if t.isEmpty { return true }
            guard t.first == UInt8(ascii: "T") || t.first == UInt8(ascii: "t") else { return false }
            t = t.dropFirst()
            return isTime(&t, offsetAllowed: true) && t.isEmpty
        }
        return isTime(&t, offsetAllowed: false) && t.isEmpty
    }

    /// `hh:mm:ss[.fraction][offset]`; consumes what it matched.
    static func isTime(_ t: inout ArraySlice<UInt8>, offsetAllowed: Bool) -> Bool {
        guard t.count >= 8, matches(t.prefix(8), "dd:dd:dd") else { return false }
        t = t.dropFirst(8)
        if t.first == UInt8(ascii: ".") {
            t = t.dropFirst()
            let digits = t.prefix(while: isDigit)
            guard !digits.isEmpty else { return false }
            t = t.dropFirst(digits.count)
        }
        guard offsetAllowed, let c = t.first else { return true }
        if c == UInt8(ascii: "Z") || c == UInt8(ascii: "z") { t = t.dropFirst(); return true }
        if c == UInt8(ascii: "+") || c == UInt8(ascii: "-") {
            guard t.count >= 6, matches(t.dropFirst().prefix(5), "dd:dd") else { return false }
            t = t.dropFirst(6)
            return true
        }
        return false
    }

    /// `pattern`'s `d` is a digit; anything else stands for itself.
    static func matches(_ t: ArraySlice<UInt8>, _ pattern: String) -> Bool {
        let p = Array(pattern.utf8)
        guard t.count == p.count else { return false }
        return zip(t, p).allSatisfy { c, want in want == UInt8(ascii: "d") ? isDigit(c) : c == want }
    }

    // MARK: - Characters

    /// Control characters TOML allows nowhere but as escapes (tab is allowed).
    static func isControl(_ c: UInt8) -> Bool {
        (c < 0x20 && c != 0x09) || c == 0x7F
    }

    private var atEnd: Bool { at >= bytes.count }
    private var peek: UInt8? { at < bytes.count ? bytes[at] : nil }

    private func starts(with literal: String) -> Bool {
        bytes[at...].starts(with: literal.utf8)
    }

    private mutating func skipWhitespace() {
        while let c = peek, c == UInt8(ascii: " ") || c == UInt8(ascii: "\t") { at += 1 }
    }

    private mutating func comment() throws(Failure) {
        at += 1 // #
        while let c = peek, c != UInt8(ascii: "\n") {
            if c == UInt8(ascii: "\r") {
                if at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "\n") { return }
                throw fail("a carriage return must be followed by a newline")
            }
            if Self.isControl(c) { throw fail("\(Self.show(c)) is not allowed in a comment") }
            at += 1
        }
    }

    /// LF or CRLF; a lone CR is a mistake.
    private mutating func newline() throws(Failure) {
        if peek == UInt8(ascii: "\r") {
            guard at + 1 < bytes.count, bytes[at + 1] == UInt8(ascii: "\n") else {
                throw fail("a carriage return must be followed by a newline")
            }
            at += 1
        }
        at += 1
        line += 1
        lineStart = at
    }

    private func fail(_ message: String) -> Failure {
        // Columns count characters, not bytes: UTF-8 continuation bytes are skipped.
        let column = bytes[lineStart..<min(at, bytes.count)].filter { $0 & 0xC0 != 0x80 }.count + 1
        return Failure(line: line, column: column, message: message)
    }

    private func describePeek() -> String {
        guard let c = peek else { return "the end of the file" }
        if c == UInt8(ascii: "\n") || c == UInt8(ascii: "\r") { return "the end of the line" }
        return Self.show(c)
    }

    /// A byte as a message shows it: printable ones quoted, others by code.
    static func show(_ c: UInt8) -> String {
        if c >= 0x20 && c < 0x7F { return "'\(Character(Unicode.Scalar(c)))'" }
        if c >= 0x80 { return "a non-ASCII character" }
        let hex = String(c, radix: 16, uppercase: true)
        return "control character U+" + String(repeating: "0", count: 4 - hex.count) + hex
    }

    /// A token for a message, cut short and with control characters escaped.
    static func printable(_ t: [UInt8]) -> String {
        ConfigError.escaped(String(decoding: t.prefix(40), as: UTF8.self)) + (t.count > 40 ? "…" : "")
    }
}
