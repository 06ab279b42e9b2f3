/// A histogram drawn as one horizontal bar per bucket, with its label and count:
///
/// ```
///  ≤ 16 ms ███████████        41
///  ≤ 32 ms ████████████████████ 77
/// ```
public struct HistogramBars {
    public struct Bar: Sendable, Equatable {
        public var label: String
        public var count: UInt64
        public init(label: String, count: UInt64) {
            self.label = label
            self.count = count
        }
    }

    public var bars: [Bar]
    public var ink: Style
    public var labelStyle: Style

    public init(_ bars: [Bar], ink: Style = .graph, labelStyle: Style = .dim) {
        self.bars = bars
        self.ink = ink
        self.labelStyle = labelStyle
    }

    public func render(_ canvas: Canvas) {
        guard canvas.rows > 0, canvas.cols > 0, !bars.isEmpty else { return }
        // Too many buckets for the rows: keep the busiest run of them.
        var shown = bars
        if shown.count > canvas.rows {
            var best = 0, bestSum: UInt64 = 0
            for start in 0...(shown.count - canvas.rows) {
                let sum = shown[start..<(start + canvas.rows)].reduce(0) { $0 + $1.count }
                if sum > bestSum { best = start; bestSum = sum }
            }
            shown = Array(shown[best..<(best + canvas.rows)])
        }
        let labelWidth = shown.map { TextWidth.width(of: $0.label) }.max() ?? 0
        let countWidth = shown.map { String($0.count).count }.max() ?? 1
        let barWidth = canvas.cols - labelWidth - countWidth - 2
        let top = shown.map(\.count).max() ?? 0
        for (row, bar) in shown.enumerated() {
            let line = canvas.line(row)
            guard barWidth >= 1 else {
                TextLine(bar.label + " " + String(bar.count), labelStyle).render(line)
                continue
            }
            line.put(TextWidth.pad(bar.label, to: labelWidth, alignment: .right), row: 0, col: 0, style: labelStyle)
            let length = top == 0 ? 0 : Int((Double(bar.count) / Double(top) * Double(barWidth)).rounded(.up))
            Gauge(top == 0 ? 0 : Double(bar.count) / Double(top), ink: ink, trackStyle: .dim)
                .renderBar(line.sub(Rect(row: 0, col: labelWidth + 1, rows: 1, cols: barWidth)), cells: length)
            line.put(TextWidth.pad(String(bar.count), to: countWidth, alignment: .right), row: 0,
                     col: canvas.cols - countWidth, style: .text)
        }
    }
}

extension Gauge {
    /// Draws `cells` full cells of ink and no track (a histogram bar).
    func renderBar(_ canvas: Canvas, cells: Int) {
        guard cells > 0 else { return }
        canvas.put(String(repeating: String(canvas.glyphs.gaugeFull), count: min(cells, canvas.cols)),
                   row: 0, col: 0, style: ink)
    }
}
