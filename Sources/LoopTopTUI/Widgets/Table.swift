/// A table: a heading row, then rows of cells in fixed-width columns, with a
/// highlighted (selected) row and a scroll offset.
public struct Table {
    public struct Column: Sendable, Equatable {
        public var title: String
        public var width: Int
        public var alignment: TextWidth.Alignment
        public init(_ title: String, width: Int, alignment: TextWidth.Alignment = .left) {
            self.title = title
            self.width = width
            self.alignment = alignment
        }
    }

    public enum Cell {
        case text(String, Style)
        case sparkline(Sparkline)
        case empty

        public static func text(_ text: String) -> Cell { .text(text, .text) }
    }

    public struct Row {
        public var cells: [Cell]
        public var highlighted: Bool
        public init(_ cells: [Cell], highlighted: Bool = false) {
            self.cells = cells
            self.highlighted = highlighted
        }
    }

    public var columns: [Column]
    public var rows: [Row]
    /// Index of the first row shown.
    public var offset: Int
    public var showHeader: Bool
    public var headerStyle: Style
    /// Blank cells between columns.
    public var gap: Int

    public init(columns: [Column], rows: [Row], offset: Int = 0, showHeader: Bool = true,
                headerStyle: Style = .header, gap: Int = 1) {
        self.columns = columns
        self.rows = rows
        self.offset = offset
        self.showHeader = showHeader
        self.headerStyle = headerStyle
        self.gap = gap
    }

    /// Rows of data a canvas of `height` rows shows.
    public func visibleRows(height: Int) -> Int { max(0, height - (showHeader ? 1 : 0)) }

    public func render(_ canvas: Canvas) {
        guard canvas.rows > 0, canvas.cols > 0 else { return }
        var line = 0
        if showHeader {
            var col = 0
            for column in columns {
                canvas.put(TextWidth.pad(column.title, to: column.width, alignment: column.alignment,
                                         ellipsis: canvas.glyphs.ellipsis),
                           row: 0, col: col, style: headerStyle)
                col += column.width + gap
            }
            line = 1
        }
        let first = max(0, min(offset, rows.count))
        for row in rows[first...] {
            guard line < canvas.rows else { break }
            let rowCanvas = canvas.line(line)
            let extra: Attributes = row.highlighted ? .highlight : []
            if row.highlighted { rowCanvas.fill(row: 0, style: Style(.text, .highlight)) }
            var col = 0
            for (column, cell) in zip(columns, row.cells) {
                let cellCanvas = rowCanvas.sub(Rect(row: 0, col: col, rows: 1, cols: column.width))
                switch cell {
                case .text(let text, let style):
                    let padded = TextWidth.pad(text, to: column.width, alignment: column.alignment,
                                               ellipsis: canvas.glyphs.ellipsis)
                    cellCanvas.put(padded, row: 0, col: 0, style: style.adding(extra))
                case .sparkline(var spark):
                    if row.highlighted {
                        spark.ink = spark.ink.highlighted
                    }
                    spark.render(cellCanvas)
                case .empty:
                    break
                }
                col += column.width + gap
            }
            line += 1
        }
    }
}

extension Sparkline.Ink {
    var highlighted: Sparkline.Ink {
        switch self {
        case .fixed(let style): .fixed(style.adding(.highlight))
        case .thresholds: self
        case .gradient(let gradient, let warn, let critical, let attributes):
            .gradient(gradient, warn: warn, critical: critical, attributes: attributes.union(.highlight))
        }
    }
}
