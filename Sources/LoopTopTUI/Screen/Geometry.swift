/// A terminal size in cells.
public struct Size: Sendable, Hashable, CustomStringConvertible {
    public var rows: Int
    public var cols: Int

    public init(rows: Int, cols: Int) {
        self.rows = max(0, rows)
        self.cols = max(0, cols)
    }

    /// "40×12": columns first, the way terminals are described.
    public var description: String { "\(cols)×\(rows)" }
}

/// A rectangle of cells: top-left corner plus size. Widgets draw inside one.
public struct Rect: Sendable, Hashable, CustomStringConvertible {
    public var row: Int
    public var col: Int
    public var rows: Int
    public var cols: Int

    public init(row: Int, col: Int, rows: Int, cols: Int) {
        self.row = row
        self.col = col
        self.rows = max(0, rows)
        self.cols = max(0, cols)
    }

    public init(_ size: Size) { self.init(row: 0, col: 0, rows: size.rows, cols: size.cols) }

    public var isEmpty: Bool { rows == 0 || cols == 0 }
    public var bottom: Int { row + rows }
    public var right: Int { col + cols }

    /// The rectangle shrunk by `n` cells on every side (a box's inside).
    public func inset(by n: Int) -> Rect {
        Rect(row: row + n, col: col + n, rows: rows - 2 * n, cols: cols - 2 * n)
    }

    /// The first `n` rows, and what is left below them.
    public func splitTop(_ n: Int) -> (top: Rect, rest: Rect) {
        let n = min(max(0, n), rows)
        return (Rect(row: row, col: col, rows: n, cols: cols),
                Rect(row: row + n, col: col, rows: rows - n, cols: cols))
    }

    /// The last `n` rows, and what is left above them.
    public func splitBottom(_ n: Int) -> (rest: Rect, bottom: Rect) {
        let n = min(max(0, n), rows)
        return (Rect(row: row, col: col, rows: rows - n, cols: cols),
                Rect(row: row + rows - n, col: col, rows: n, cols: cols))
    }

    /// The first `n` columns, and what is left to their right.
    public func splitLeft(_ n: Int) -> (left: Rect, rest: Rect) {
        let n = min(max(0, n), cols)
        return (Rect(row: row, col: col, rows: rows, cols: n),
                Rect(row: row, col: col + n, rows: rows, cols: cols - n))
    }

    /// One row of this rectangle (empty if `index` is outside it).
    public func line(_ index: Int) -> Rect {
        guard index >= 0, index < rows else { return Rect(row: row, col: col, rows: 0, cols: 0) }
        return Rect(row: row + index, col: col, rows: 1, cols: cols)
    }

    public var description: String { "(\(row),\(col) \(cols)×\(rows))" }
}
