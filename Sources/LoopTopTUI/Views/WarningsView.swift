import LoopTopEngine

/// The warnings, most severe first, one a line; when they do not all fit,
/// the last line says how many more there are.
enum WarningsView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0 else { return }
        let warnings = sorted(frame.snapshot.warnings)
        let shown = warnings.count > canvas.rows ? canvas.rows - 1 : warnings.count
        for (i, warning) in warnings.prefix(shown).enumerated() {
            let style = Meaning.warning(warning.severity)
            TextLine([Span(" " + frame.glyphs.warning + " ", style), Span(warning.message, style)]).render(canvas.line(i))
        }
        if shown < warnings.count {
            let rest = warnings[shown...]
            TextLine([Span(" " + frame.glyphs.warning + " ", .warn),
                      Span("\(rest.count) more: " + rest.map(\.rule).joined(separator: ", "), .warn)])
                .render(canvas.line(shown))
        }
    }

    static func sorted(_ warnings: [Warning]) -> [Warning] {
        warnings.enumerated().sorted { a, b in
            a.element.severity != b.element.severity ? a.element.severity > b.element.severity : a.offset < b.offset
        }.map(\.element)
    }
}
