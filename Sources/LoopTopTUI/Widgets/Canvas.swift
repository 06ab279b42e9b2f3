/// A rectangle of a screen that widgets draw into, with coordinates relative
/// to its corner. Everything drawn is clipped to the rectangle, so a widget
/// given a 0×0 or 1×1 canvas cannot draw outside it.
public struct Canvas {
    public let screen: any Screen
    /// The area on screen, already clipped to the screen.
    public let rect: Rect
    public let glyphs: Glyphs

    public init(screen: any Screen, rect: Rect? = nil, glyphs: Glyphs = .unicode) {
        self.screen = screen
        self.glyphs = glyphs
        let whole = Rect(screen.size)
        self.rect = Canvas.intersect(rect ?? whole, whole)
    }

    public var rows: Int { rect.rows }
    public var cols: Int { rect.cols }
    public var isEmpty: Bool { rect.isEmpty }

    /// Writes `text` at (`row`, `col`) of this canvas, clipped to it.
    public func put(_ text: String, row: Int, col: Int, style: Style) {
        guard row >= 0, row < rect.rows, col < rect.cols, !text.isEmpty else { return }
        var skip = max(0, -col)
        var room = rect.cols - max(0, col)
        // Printable ASCII (most of a frame): a cell a byte, cut by bytes. The
        // walk by Characters below cost a tenth of a 64-worker frame (perf).
        if TextWidth.isPrintableASCII(text) {
            let bytes = text.utf8
            guard bytes.count > skip, room > 0 else { return }
            let out = skip == 0 && bytes.count <= room ? text
                : String(decoding: bytes.dropFirst(skip).prefix(room), as: UTF8.self)
            screen.put(out, row: rect.row + row, col: rect.col + max(0, col), style: style)
            return
        }
        // Borders and sparklines: a cell a scalar (see ``TextWidth/isSimpleNarrow(_:)``).
        if TextWidth.isSimpleNarrow(text) {
            let scalars = text.unicodeScalars
            let count = scalars.count
            guard count > skip, room > 0 else { return }
            let out: String
            if skip == 0 && count <= room {
                out = text
            } else {
                var cut = String.UnicodeScalarView()
                cut.append(contentsOf: scalars.dropFirst(skip).prefix(room))
                out = String(cut)
            }
            screen.put(out, row: rect.row + row, col: rect.col + max(0, col), style: style)
            return
        }
        var out = ""
        for c in TextWidth.sanitized(text) {
            let w = TextWidth.width(of: c)
            if skip > 0 {
                skip -= w
                if skip < 0 { out.append(" "); room -= 1 }  // the right half of a cut wide character
                continue
            }
            if w > room { break }
            out.append(c)
            room -= w
        }
        guard !out.isEmpty else { return }
        screen.put(out, row: rect.row + row, col: rect.col + max(0, col), style: style)
    }

    /// Fills a whole row with blanks in `style` (a highlighted row's background).
    public func fill(row: Int, style: Style) {
        put(String(repeating: " ", count: rect.cols), row: row, col: 0, style: style)
    }

    /// A part of this canvas, given relative to it; clipped to it.
    public func sub(_ r: Rect) -> Canvas {
        let absolute = Rect(row: rect.row + r.row, col: rect.col + r.col, rows: r.rows, cols: r.cols)
        return Canvas(screen: screen, clipped: Canvas.intersect(absolute, rect), glyphs: glyphs)
    }

    /// Row `index` of this canvas as a one-row canvas.
    public func line(_ index: Int) -> Canvas { sub(Rect(row: index, col: 0, rows: 1, cols: cols)) }

    private init(screen: any Screen, clipped: Rect, glyphs: Glyphs) {
        self.screen = screen
        self.rect = clipped
        self.glyphs = glyphs
    }

    static func intersect(_ a: Rect, _ b: Rect) -> Rect {
        let top = max(a.row, b.row), left = max(a.col, b.col)
        let bottom = min(a.bottom, b.bottom), right = min(a.right, b.right)
        return Rect(row: top, col: left, rows: max(0, bottom - top), cols: max(0, right - left))
    }
}
