/// The help, in a box over the dashboard, in two pages `?` turns: every
/// key that works here and what it does; what each figure is and over what
/// window.
enum HelpOverlay {
    static func render(_ canvas: Canvas, frame: Frame) {
        let figures = frame.state.helpPage == 1
        let entries: [(String, String)]
        if figures, frame.snapshot.node != nil {
            entries = KeyMap.nodeFigures(interval: frame.snapshot.interval.seconds > 0 ? frame.snapshot.interval.seconds : 1, glyphs: frame.glyphs)
                .map { ($0.figure, $0.meaning) }
        } else if figures {
            entries = KeyMap.figures(window: frame.snapshot.windowSeconds, glyphs: frame.glyphs).map { ($0.figure, $0.meaning) }
        } else {
            let keyMap = KeyMap(burstSize: frame.burstSize, lessonMode: frame.lesson != nil, specFile: frame.specFile)
            entries = keyMap.help(glyphs: frame.glyphs, capabilities: frame.capabilities, extra: frame.sourceKeys).map { ($0.keys, $0.meaning) }
        }
        render(canvas, entries: entries, figures: figures, glyphs: frame.glyphs)
    }

    /// Draws `entries` (keys or figures, and what each is) in the help's box.
    static func render(_ canvas: Canvas, entries: [(String, String)], figures: Bool, glyphs: Glyphs) {
        var keyWidth = 0
        var textWidth = 0
        for entry in entries {
            keyWidth = max(keyWidth, TextWidth.width(of: entry.0))
            textWidth = max(textWidth, TextWidth.width(of: entry.1))
        }
        let width = min(canvas.cols, keyWidth + textWidth + 2 + 4)
        let height = min(canvas.rows, entries.count + 2)
        guard width >= 4, height >= 3 else { return }
        let area = Rect(row: (canvas.rows - height) / 2, col: (canvas.cols - width) / 2, rows: height, cols: width)
        let box = canvas.sub(area)
        for r in 0..<box.rows { box.fill(row: r, style: .text) }
        let note = figures ? "? keys · any key closes" : "? figures · any key closes"
        let inside = Box(title: figures ? "Figures" : "Keys", note: glyphs == .unicode ? note : note.replacingOccurrences("·", with: "-"),
                         borderStyle: .title).render(box)
        let shown = entries.count > inside.rows ? inside.rows - 1 : entries.count
        for (i, entry) in entries.prefix(max(0, shown)).enumerated() {
            TextLine([Span(" " + TextWidth.pad(entry.0, to: keyWidth) + "  ", .key), Span(entry.1, .text)])
                .render(inside.line(i))
        }
        if shown < entries.count, shown >= 0 {
            TextLine(" \(glyphs.ellipsis) \(entries.count - shown) more: a taller terminal shows them", .dim)
                .render(inside.line(shown))
        }
    }
}
