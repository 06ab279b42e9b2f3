import LoopTopEngine

/// The UI's notices (a failed reload, the theme chosen), then the
/// warnings, most severe first, one a line; when they do not all fit, the
/// last line says how many more there are.
enum WarningsView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0 else { return }
        let notices = frame.notices.prefix(canvas.rows)
        for (i, notice) in notices.enumerated() {
            let style: Style = notice.severity == .critical ? .critical : notice.severity == .warn ? .warn : .ok
            let mark = notice.severity == .info ? frame.glyphs.separator : frame.glyphs.warning
            TextLine([Span(" " + mark + " ", style), Span(notice.message, notice.severity == .info ? .text : style)])
                .render(canvas.line(i))
        }
        let area = canvas.sub(Rect(row: notices.count, col: 0, rows: canvas.rows - notices.count, cols: canvas.cols))
        guard area.rows > 0 else { return }
        renderWarnings(area, frame: frame)
    }

    static func renderWarnings(_ canvas: Canvas, frame: Frame) {
        let warnings = sorted(frame.snapshot.warnings)
        let shown = min(warnings.count, canvas.rows)
        for (i, warning) in warnings.prefix(shown).enumerated() {
            let style = Meaning.warning(warning.severity)
            var line = canvas.line(i)
            if i == shown - 1, warnings.count > shown {
                // The last line says how many did not fit.
                let more = TextLine(" +\(warnings.count - shown) more", .dim)
                if line.cols > more.width + 8 {
                    more.render(line.sub(Rect(row: 0, col: line.cols - more.width, rows: 1, cols: more.width)))
                    line = line.sub(Rect(row: 0, col: 0, rows: 1, cols: line.cols - more.width))
                }
            }
            TextLine([Span(" " + frame.glyphs.warning + " ", style), Span(warning.message, style)]).render(line)
        }
    }

    static func sorted(_ warnings: [Warning]) -> [Warning] {
        warnings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }
}
