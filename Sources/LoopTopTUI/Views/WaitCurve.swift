import LoopTopEngine

/// The queueing model's predicted mean wait against the arrival rate, as a
/// small curve, with where the pool is now (`m`):
///
/// ```
///                                   ▁▂▃▅█
///  ▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▂▂▂▃▃▄▅▆▇█████
///  0/s       ↑ now 40/s: 4.1 ms      95/s
/// ```
///
/// The rates run from 0 to where utilization reaches 0.95 for the servers
/// and the service time measured over the recent window; the curve's top is
/// the wait at utilization 0.9 (above it, columns are full).
enum WaitCurve {
    static func render(_ canvas: Canvas, snapshot: Snapshot, glyphs: Glyphs) {
        guard canvas.rows > 0, canvas.cols > 0 else { return }
        guard let model = snapshot.queue.model, model.serviceMs > 0 else {
            TextLine("wait curve: no job has run yet", .dim).render(canvas.line(canvas.rows - 1))
            return
        }
        let capacity = Double(model.servers) * 1000 / model.serviceMs  // jobs/s at utilization 1
        let top = 0.95 * capacity
        let cols = canvas.cols
        let rates = (0..<cols).map { top * Double($0 + 1) / Double(cols) }
        let waits = rates.map { model.predictedWaitMs(arrivalRate: $0) ?? 0 }
        let scale = model.predictedWaitMs(arrivalRate: 0.9 * capacity) ?? 1
        let graphRows = canvas.rows >= 2 ? canvas.rows - 1 : 1
        let graph = canvas.sub(Rect(row: 0, col: 0, rows: graphRows, cols: cols))
        Sparkline(waits, maxValue: max(scale, 0.001), samplesPerCell: 1,
                  ink: .thresholds(warn: scale * 0.25, critical: scale * 0.75)).render(graph)
        // Where the arrivals are now: the column whose rate is nearest (the last when beyond).
        let now = model.arrivalRate
        let column = min(cols - 1, max(0, Int((now / top * Double(cols)).rounded(.up)) - 1))
        let figure = model.predictedWaitMs.map { Units.ms($0) } ?? "unstable: queue grows"
        let said = "now \(Units.rate(now))/s: \(figure)"
        let style: Style = model.stable ? .text : .critical
        guard canvas.rows >= 2 else {
            canvas.put(glyphs.up, row: 0, col: column, style: .selection)
            return
        }
        let axis = canvas.line(canvas.rows - 1)
        // The mark under its column, the words after it, or before it near the right edge.
        let after = glyphs.up + " " + said
        let before = said + " " + glyphs.up
        let start: Int
        let label: String
        if column + TextWidth.width(of: after) <= cols {
            (start, label) = (column, after)
        } else {
            label = TextWidth.truncate(before, to: cols, ellipsis: glyphs.ellipsis)
            start = max(0, column + 1 - TextWidth.width(of: label))
        }
        let width = TextWidth.width(of: label)
        if start >= 5 { axis.put("0/s", row: 0, col: 0, style: .dim) }
        axis.put(label, row: 0, col: start, style: style)
        let end = Units.rate(top) + "/s"
        if start + width + TextWidth.width(of: end) + 2 <= cols {
            axis.put(end, row: 0, col: cols - TextWidth.width(of: end), style: .dim)
        }
    }
}
