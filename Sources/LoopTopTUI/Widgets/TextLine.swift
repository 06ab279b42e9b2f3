/// A piece of text in one style; lines are made of them.
public struct Span: Sendable, Equatable {
    public var text: String
    public var style: Style

    public init(_ text: String, _ style: Style = .text) {
        self.text = text
        self.style = style
    }
}

/// Something drawn on one row of a canvas.
public protocol LineWidget {
    func render(_ canvas: Canvas, row: Int)
}

/// One line of styled text, cut with an ellipsis when it does not fit.
public struct TextLine: LineWidget {
    public var spans: [Span]
    public var alignment: TextWidth.Alignment

    public init(_ spans: [Span], alignment: TextWidth.Alignment = .left) {
        self.spans = spans
        self.alignment = alignment
    }

    public init(_ text: String, _ style: Style = .text, alignment: TextWidth.Alignment = .left) {
        self.init([Span(text, style)], alignment: alignment)
    }

    public var width: Int { spans.reduce(0) { $0 + TextWidth.width(of: $1.text) } }

    /// Draws on row `row` of `canvas`.
    public func render(_ canvas: Canvas, row: Int = 0) {
        let cols = canvas.cols
        guard cols > 0, row >= 0, row < canvas.rows else { return }
        let total = width
        var col: Int
        switch alignment {
        case .left: col = 0
        case .right: col = max(0, cols - total)
        case .center: col = max(0, (cols - total) / 2)
        }
        let cut = total > cols
        for span in spans {
            let room = cols - col
            if room <= 0 { break }
            let w = TextWidth.width(of: span.text)
            if cut && w >= room {
                // The span where the line runs out ends with the ellipsis.
                canvas.put(TextWidth.truncate(span.text, to: room, ellipsis: canvas.glyphs.ellipsis),
                           row: row, col: col, style: span.style)
                break
            }
            canvas.put(span.text, row: row, col: col, style: span.style)
            col += w
        }
    }
}
