/// The help: every key that works here and what it does, then what each
/// figure is and over what window, in a box over the dashboard. Side by
/// side when the terminal is wide enough, else one under the other.
enum HelpOverlay {
    static func render(_ canvas: Canvas, frame: Frame) {
        let keyMap = KeyMap(burstSize: frame.burstSize, lessonMode: frame.lesson != nil, specFile: frame.specFile)
        let keys = keyMap.help(glyphs: frame.glyphs, capabilities: frame.capabilities, extra: frame.sourceKeys).map { ($0.keys, $0.meaning) }
        let figures = KeyMap.figures(window: frame.snapshot.windowSeconds, glyphs: frame.glyphs).map { ($0.figure, $0.meaning) }
        let keysWidth = width(keys)
        let figuresWidth = width(figures)
        let sideBySide = keysWidth + figuresWidth + 3 + 2 <= canvas.cols && max(keys.count, figures.count + 1) + 2 <= canvas.rows
        let rows: [Row]
        if sideBySide {
            rows = []
        } else {
            rows = keys.map { Row.entry($0.0, $0.1) } + [.blank, .heading("Figures")] + figures.map { Row.entry($0.0, $0.1) }
        }
        let contentWidth = sideBySide ? keysWidth + 3 + figuresWidth : max(keysWidth, figuresWidth)
        let width = min(canvas.cols, contentWidth + 2)
        let height = min(canvas.rows, (sideBySide ? max(keys.count, figures.count + 1) : rows.count) + 2)
        guard width >= 4, height >= 3 else { return }
        let area = Rect(row: (canvas.rows - height) / 2, col: (canvas.cols - width) / 2, rows: height, cols: width)
        let box = canvas.sub(area)
        for r in 0..<box.rows { box.fill(row: r, style: .text) }
        let inside = Box(title: "Keys", note: "any key closes", borderStyle: .title).render(box)
        if sideBySide {
            let left = inside.sub(Rect(row: 0, col: 0, rows: inside.rows, cols: keysWidth))
            let right = inside.sub(Rect(row: 0, col: keysWidth + 3, rows: inside.rows, cols: figuresWidth))
            draw(keys.map { Row.entry($0.0, $0.1) }, on: left, frame: frame)
            draw([.heading("Figures")] + figures.map { Row.entry($0.0, $0.1) }, on: right, frame: frame)
        } else {
            draw(rows, on: inside, frame: frame)
        }
    }

    enum Row { case entry(String, String), heading(String), blank }

    /// Width of a list drawn as " key  meaning".
    static func width(_ entries: [(String, String)]) -> Int {
        let keyWidth = entries.map { TextWidth.width(of: $0.0) }.max() ?? 0
        let textWidth = entries.map { TextWidth.width(of: $0.1) }.max() ?? 0
        return 1 + keyWidth + 2 + textWidth + 1
    }

    static func draw(_ rows: [Row], on canvas: Canvas, frame: Frame) {
        let keyWidth = rows.compactMap { if case .entry(let k, _) = $0 { TextWidth.width(of: k) } else { nil } }.max() ?? 0
        let shown = rows.count > canvas.rows ? canvas.rows - 1 : rows.count
        for (i, row) in rows.prefix(max(0, shown)).enumerated() {
            switch row {
            case .entry(let key, let meaning):
                TextLine([Span(" " + TextWidth.pad(key, to: keyWidth) + "  ", .key), Span(meaning, .text)])
                    .render(canvas.line(i))
            case .heading(let title):
                TextLine(" " + title, .title).render(canvas.line(i))
            case .blank:
                break
            }
        }
        if shown < rows.count, shown >= 0 {
            TextLine(" \(frame.glyphs.ellipsis) \(rows.count - shown) more: a taller terminal shows them", .dim)
                .render(canvas.line(shown))
        }
    }
}
