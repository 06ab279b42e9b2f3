/// How many terminal cells text takes, and cutting it to fit.
///
/// Close to `wcwidth` without depending on the locale: wide East Asian
/// characters and emoji take two cells, combining marks ride on the character
/// before them (a Swift `Character` already groups them), control characters
/// are replaced by "?" so a message can never move the cursor.
public enum TextWidth {
    public static func width(of character: Character) -> Int {
        guard let scalar = character.unicodeScalars.first else { return 0 }
        return isWide(scalar) ? 2 : 1
    }

    public static func width(of text: some StringProtocol) -> Int {
        if isPrintableASCII(text) { return text.utf8.count }
        var total = 0
        for c in text { total += width(of: c) }
        return total
    }

    /// Only bytes 0x20…0x7E: one character and one cell each, nothing to sanitize.
    static func isPrintableASCII(_ text: some StringProtocol) -> Bool {
        text.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Only scalars that are each a character of one cell on their own
    /// (printable ASCII, Latin-1 and Latin Extended letters, dashes, quotes,
    /// "…", "−", arrows, box drawing, block elements, braille): nothing
    /// combines with them, none is wide or a control. A frame's borders and
    /// sparklines are such, and are drawn a scalar a cell, with no walk by
    /// Characters.
    static func isSimpleNarrow(_ text: some StringProtocol) -> Bool {
        text.unicodeScalars.allSatisfy { s in
            switch s.value {
            case 0x20...0x7E, 0xA0...0x2FF, 0x2010...0x2027, 0x2190...0x21FF, 0x2212, 0x2500...0x259F,
                 0x2800...0x28FF: true
            default: false
            }
        }
    }

    /// `text` with control characters (newlines, escapes, tabs) made visible as "?".
    public static func sanitized(_ text: String) -> String {
        guard text.unicodeScalars.contains(where: isControl) else { return text }
        return String(text.map { c -> Character in
            c.unicodeScalars.contains(where: isControl) ? "?" : c
        })
    }

    /// The longest start of `text` that fits in `cols` cells, and its width.
    static func prefix(of text: some StringProtocol, fitting cols: Int) -> (text: String, width: Int) {
        var out = ""
        var used = 0
        for c in text {
            let w = width(of: c)
            if used + w > cols { break }
            out.append(c)
            used += w
        }
        return (out, used)
    }

    /// `text` cut to at most `cols` cells; when cut, it ends with `ellipsis`.
    public static func truncate(_ text: String, to cols: Int, ellipsis: Character = "…") -> String {
        guard cols > 0 else { return "" }
        if width(of: text) <= cols { return text }
        let room = cols - width(of: ellipsis)
        guard room >= 0 else { return "" }
        return prefix(of: text, fitting: room).text + String(ellipsis)
    }

    /// `text` padded with spaces (or cut) to exactly `cols` cells.
    public static func pad(_ text: String, to cols: Int, alignment: Alignment = .left, ellipsis: Character = "…") -> String {
        let cut = truncate(text, to: cols, ellipsis: ellipsis)
        let gap = max(0, cols - width(of: cut))
        switch alignment {
        case .left: return cut + String(repeating: " ", count: gap)
        case .right: return String(repeating: " ", count: gap) + cut
        case .center:
            let left = gap / 2
            return String(repeating: " ", count: left) + cut + String(repeating: " ", count: gap - left)
        }
    }

    public enum Alignment: Sendable { case left, right, center }

    static func isControl(_ s: Unicode.Scalar) -> Bool {
        s.value < 0x20 || (s.value >= 0x7F && s.value < 0xA0)
    }

    static func isWide(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        if v < 0x1100 { return false }
        switch v {
        case 0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
             0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
             0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD:
            return true
        default:
            return s.properties.isEmojiPresentation
        }
    }
}

extension TextWidth {
    /// `text` broken into lines of at most `cols` cells, at spaces where it
    /// can; a word longer than a line is cut. Runs of spaces become one.
    public static func wrap(_ text: String, to cols: Int) -> [String] {
        guard cols > 0 else { return [] }
        var lines: [String] = []
        var line = ""
        var used = 0
        for word in sanitized(text).split(separator: " ", omittingEmptySubsequences: true) {
            var word = Substring(word)
            var w = width(of: word)
            if used > 0 && used + 1 + w <= cols {
                line += " " + word
                used += 1 + w
                continue
            }
            if used > 0 {
                lines.append(line)
                line = ""
                used = 0
            }
            // A word wider than a whole line is cut into pieces.
            while w > cols {
                let piece = prefix(of: word, fitting: cols).text
                if piece.isEmpty { break }
                lines.append(piece)
                word = word.dropFirst(piece.count)
                w = width(of: word)
            }
            line = String(word)
            used = w
        }
        if used > 0 { lines.append(line) }
        return lines
    }
}
