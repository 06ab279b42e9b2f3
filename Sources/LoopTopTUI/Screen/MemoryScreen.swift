/// A screen that lives in memory: what tests render into and compare as text.
///
/// ```swift
/// let screen = MemoryScreen(rows: 12, cols: 40)
/// DashboardRenderer.render(frame, on: screen)
/// print(screen.text)           // the screen, one line per row
/// screen.style(row: 0, col: 1) // what the palette would be asked for
/// ```
public final class MemoryScreen: Screen {
    public struct Cell: Sendable, Equatable {
        public var character: Character
        public var style: Style
        /// The right half of a wide character drawn in the cell before.
        public var isContinuation = false
    }

    public private(set) var size: Size
    /// Row after row, `size.cols` cells each: one buffer, so a put is one
    /// access to it rather than one to a row's array per cell.
    private var cells: [Cell]
    private let blank: Cell
    /// How many times ``present()`` was called.
    public private(set) var presentCount = 0

    /// - Parameter fill: the character of an untouched cell; a visible one
    ///   (like "x") shows which cells a widget left alone.
    public init(rows: Int, cols: Int, fill: Character = " ") {
        size = Size(rows: rows, cols: cols)
        blank = Cell(character: fill, style: .text)
        cells = Array(repeating: blank, count: size.rows * size.cols)
    }

    public convenience init(_ size: Size, fill: Character = " ") {
        self.init(rows: size.rows, cols: size.cols, fill: fill)
    }

    public func resize(to newSize: Size) {
        size = newSize
        cells = Array(repeating: blank, count: size.rows * size.cols)
    }

    public func put(_ text: String, row: Int, col: Int, style: Style) {
        guard row >= 0, row < size.rows else { return }
        // Printable ASCII (most of a frame), and borders and sparklines
        // (see ``TextWidth/isSimpleNarrow(_:)``): a cell a byte or scalar,
        // no Characters to break out of the string (that walk was most of a
        // frame's drawing).
        if TextWidth.isPrintableASCII(text) {
            putNarrow(text.utf8.lazy.map { Self.ascii[Int($0)] }, row: row, col: col, style: style)
            return
        }
        if TextWidth.isSimpleNarrow(text) {
            putNarrow(text.unicodeScalars.lazy.map(Character.init), row: row, col: col, style: style)
            return
        }
        var c = col
        for character in TextWidth.sanitized(text) {
            let w = TextWidth.width(of: character)
            if c >= size.cols { break }
            if c >= 0 {
                if w == 2 && c + 1 >= size.cols {
                    // Half a wide character does not fit: leave a blank, as terminals do.
                    set(row, c, Cell(character: " ", style: style))
                } else {
                    set(row, c, Cell(character: character, style: style))
                    if w == 2 { set(row, c + 1, Cell(character: " ", style: style, isContinuation: true)) }
                }
            }
            c += w
        }
    }

    /// Characters of one cell each, from `col` on, cut at the screen's edges.
    private func putNarrow(_ characters: some Sequence<Character>, row: Int, col: Int, style: Style) {
        let cols = size.cols
        cells.withUnsafeMutableBufferPointer { all in
            let line = UnsafeMutableBufferPointer(rebasing: all[row * cols ..< (row + 1) * cols])
            var c = col
            for character in characters {
                if c >= cols { break }
                if c >= 0 { Self.set(line, c, Cell(character: character, style: style)) }
                c += 1
            }
        }
    }

    /// Every ASCII byte as a Character, made once.
    private static let ascii: [Character] = (0..<128).map { Character(Unicode.Scalar(UInt8($0))) }

    private func set(_ row: Int, _ col: Int, _ cell: Cell) {
        let cols = size.cols
        cells.withUnsafeMutableBufferPointer { all in
            Self.set(UnsafeMutableBufferPointer(rebasing: all[row * cols ..< (row + 1) * cols]), col, cell)
        }
    }

    /// Sets cell `col` of one row.
    private static func set(_ line: UnsafeMutableBufferPointer<Cell>, _ col: Int, _ cell: Cell) {
        // Overwriting half of a wide character blanks its other half.
        if line[col].isContinuation, col > 0, !cell.isContinuation {
            line[col - 1].character = " "
        }
        if col + 1 < line.count, line[col + 1].isContinuation, !cell.isContinuation {
            line[col + 1] = Cell(character: " ", style: line[col + 1].style)
        }
        line[col] = cell
    }

    public func clear() {
        let empty = Cell(character: " ", style: .text)
        for i in cells.indices { cells[i] = empty }
    }

    public func present() { presentCount += 1 }

    /// The cell at (`row`, `col`); nil outside the screen.
    public func cell(row: Int, col: Int) -> Cell? {
        guard row >= 0, row < size.rows, col >= 0, col < size.cols else { return nil }
        return cells[row * size.cols + col]
    }

    /// The style at (`row`, `col`); nil outside the screen.
    public func style(row: Int, col: Int) -> Style? { cell(row: row, col: col)?.style }

    /// Each row as text, trailing blanks kept.
    public var rows: [String] {
        (0..<size.rows).map { r in
            String(cells[r * size.cols ..< (r + 1) * size.cols].compactMap { $0.isContinuation ? nil : $0.character })
        }
    }

    /// Each row as text without trailing blanks.
    public var lines: [String] {
        rows.map { line in
            var s = Substring(line)
            while s.last == " " { s = s.dropLast() }
            return String(s)
        }
    }

    /// The whole screen: ``lines`` joined by newlines.
    public var text: String { lines.joined(separator: "\n") }

    /// The first position of `needle` on screen, if it is there.
    public func find(_ needle: String) -> (row: Int, col: Int)? {
        for (r, line) in rows.enumerated() {
            if let range = line.range(of: needle) {
                return (r, TextWidth.width(of: line[..<range.lowerBound]))
            }
        }
        return nil
    }
}
