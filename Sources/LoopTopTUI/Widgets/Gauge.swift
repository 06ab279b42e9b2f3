/// A horizontal bar showing a share, 0…1: `████▌·····`.
public struct Gauge {
    public var fraction: Double
    public var ink: Style
    public var trackStyle: Style

    public init(_ fraction: Double, ink: Style = .graph, trackStyle: Style = .dim) {
        self.fraction = fraction
        self.ink = ink
        self.trackStyle = trackStyle
    }

    public func render(_ canvas: Canvas, row: Int = 0) {
        let cols = canvas.cols
        guard cols > 0, row >= 0, row < canvas.rows else { return }
        let g = canvas.glyphs
        let f = fraction.isFinite ? Swift.min(1, Swift.max(0, fraction)) : 0
        let eighths = Int((f * Double(cols * 8)).rounded())
        let full = eighths / 8
        var bar = String(repeating: String(g.gaugeFull), count: full)
        var used = full
        let part = eighths % 8
        if part > 0, used < cols {
            if g.gaugePartial.count == 7 {
                bar.append(g.gaugePartial[part - 1])
                used += 1
            } else if part >= 4 {
                bar.append(g.gaugeFull)
                used += 1
            }
        }
        canvas.put(bar, row: row, col: 0, style: ink)
        if used < cols {
            canvas.put(String(repeating: String(g.gaugeEmpty), count: cols - used), row: row, col: used,
                       style: trackStyle)
        }
    }
}
