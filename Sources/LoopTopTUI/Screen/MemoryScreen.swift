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
    private var cells: [[Cell]]
    private let blank: Cell
    /// How many times ``present()`` was called.
    public private(set) var presentCount = 0

    /// - Parameter fill: the character of an untouched cell; a visible one
    ///   (like "x") shows which cells a widget left alone.
    public init(rows: Int, cols: Int, fill: Character = " ") {
        size = Size(rows: rows, cols: cols)
        blank = Cell(character: fill, style: .text)
        cells = Array(repeating: Array(repeating: blank, count: size.cols), count: size.rows)
    }

    public convenience init(_ size: Size, fill: Character = " ") {
        self.init(rows: size.rows, cols: size.cols, fill: fill)
    }

    public func resize(to newSize: Size) {
        size = newSize
        cells = Array(repeating: Array(repeating: blank, count: size.cols), count: size.rows)
    }

    public func put(_ text: String, row: Int, col: Int, style: Style) {
        guard row >= 0, row < size.rows else { return }
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

    private func set(_ row: Int, _ col: Int, _ cell: Cell) {
        // Overwriting half of a wide character blanks its other half.
        if cells[row][col].isContinuation, col > 0, !cell.isContinuation {
            cells[row][col - 1].character = " "
        }
        if col + 1 < size.cols, cells[row][col + 1].isContinuation, !cell.isContinuation {
            cells[row][col + 1] = Cell(character: " ", style: cells[row][col + 1].style)
        }
        cells[row][col] = cell
    }

    public func clear() {
        for r in cells.indices {
            for c in cells[r].indices { cells[r][c] = Cell(character: " ", style: .text) }
        }
    }

    public func present() { presentCount += 1 }

    /// The cell at (`row`, `col`); nil outside the screen.
    public func cell(row: Int, col: Int) -> Cell? {
        guard row >= 0, row < size.rows, col >= 0, col < size.cols else { return nil }
        return cells[row][col]
    }

    /// The style at (`row`, `col`); nil outside the screen.
    public func style(row: Int, col: Int) -> Style? { cell(row: row, col: col)?.style }

    /// Each row as text, trailing blanks kept.
    public var rows: [String] {
        cells.map { row in String(row.compactMap { $0.isContinuation ? nil : $0.character }) }
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
