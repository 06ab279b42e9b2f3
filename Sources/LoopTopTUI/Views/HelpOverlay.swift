/// The help: every key and what it does, in a box over the dashboard.
enum HelpOverlay {
    static func render(_ canvas: Canvas, frame: Frame) {
        let entries = KeyMap(burstSize: frame.burstSize, lessonMode: frame.lesson != nil)
            .help(glyphs: frame.glyphs, capabilities: frame.capabilities, extra: frame.sourceKeys)
        let keyWidth = entries.map { TextWidth.width(of: $0.keys) }.max() ?? 0
        let textWidth = entries.map { TextWidth.width(of: $0.meaning) }.max() ?? 0
        let width = min(canvas.cols, keyWidth + textWidth + 2 + 4)
        let height = min(canvas.rows, entries.count + 2)
        guard width >= 4, height >= 3 else { return }
        let area = Rect(row: (canvas.rows - height) / 2, col: (canvas.cols - width) / 2, rows: height, cols: width)
        let box = canvas.sub(area)
        for r in 0..<box.rows { box.fill(row: r, style: .text) }
        let inside = Box(title: "Keys", note: "any key closes", borderStyle: .title).render(box)
        let shown = entries.count > inside.rows ? inside.rows - 1 : entries.count
        for (i, entry) in entries.prefix(shown).enumerated() {
            TextLine([Span(" " + TextWidth.pad(entry.keys, to: keyWidth) + "  ", .key), Span(entry.meaning, .text)])
                .render(inside.line(i))
        }
        if shown < entries.count, shown >= 0 {
            TextLine(" \(frame.glyphs.ellipsis) \(entries.count - shown) more: a taller terminal shows them", .dim)
                .render(inside.line(shown))
        }
    }
}
