/// A panel: a border with a title on its top edge (and an optional note at
/// the top right), around an inside that other widgets fill.
///
/// ```
/// ┌ Event loop ─────────── 1s ┐
/// │                           │
/// └───────────────────────────┘
/// ```
public struct Box {
    public var title: String
    public var titleStyle: Style
    /// A short note on the right of the top edge ("12–30 of 64").
    public var note: String
    public var noteStyle: Style
    public var borderStyle: Style
    /// Blank columns between the border and the inside, on each side.
    public var padding: Int

    public init(title: String = "", titleStyle: Style = .title, note: String = "", noteStyle: Style = .dim,
                borderStyle: Style = .border, padding: Int = 0) {
        self.padding = padding
        self.title = title
        self.titleStyle = titleStyle
        self.note = note
        self.noteStyle = noteStyle
        self.borderStyle = borderStyle
    }

    /// Draws the border and returns the inside. Under 2×2 there is no room
    /// for a border: nothing is drawn and the inside is empty.
    @discardableResult
    public func render(_ canvas: Canvas) -> Canvas {
        let g = canvas.glyphs
        let rows = canvas.rows, cols = canvas.cols
        guard rows >= 2, cols >= 2 else { return canvas.sub(Rect(row: 0, col: 0, rows: 0, cols: 0)) }
        let h = String(g.horizontal)
        canvas.put(String(g.topLeft) + String(repeating: h, count: cols - 2) + String(g.topRight),
                   row: 0, col: 0, style: borderStyle)
        for r in 1..<(rows - 1) {
            canvas.put(String(g.vertical), row: r, col: 0, style: borderStyle)
            canvas.put(String(g.vertical), row: r, col: cols - 1, style: borderStyle)
        }
        canvas.put(String(g.bottomLeft) + String(repeating: h, count: cols - 2) + String(g.bottomRight),
                   row: rows - 1, col: 0, style: borderStyle)
        // " Title " after the corner and one line; the note keeps one line before the corner.
        var titleEnd = 1
        if !title.isEmpty, cols >= 5 {
            let shown = TextWidth.truncate(title, to: cols - 4, ellipsis: g.ellipsis)
            canvas.put(" " + shown + " ", row: 0, col: 1, style: titleStyle)
            titleEnd = 1 + TextWidth.width(of: shown) + 2
        }
        if !note.isEmpty {
            let room = cols - 2 - titleEnd - 2
            let width = TextWidth.width(of: note)
            if width + 2 <= room {
                canvas.put(" " + note + " ", row: 0, col: cols - 2 - width - 2, style: noteStyle)
            }
        }
        let pad = cols - 2 > 2 * padding ? padding : 0
        return canvas.sub(Rect(row: 1, col: 1 + pad, rows: rows - 2, cols: cols - 2 - 2 * pad))
    }
}
