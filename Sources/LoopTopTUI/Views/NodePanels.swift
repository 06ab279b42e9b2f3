import LoopTopEngine

/// The parts of the dashboard only a watched Node.js app has: where the
/// loop was blocked, summed by function, and the app's own output.
enum NodePanels {
    /// Top blockers by total blocked time (in the queue panel's place).
    static func blockers(_ canvas: Canvas, node: NodeSnapshot) {
        let note = node.stallsTotal == 1 ? "1 stall" : "\(node.stallsTotal) stalls"
        let inside = Box(title: "Top blockers", note: note, padding: 1).render(canvas)
        guard inside.rows > 0 else { return }
        if node.topBlockers.isEmpty {
            let text = node.blameReady ? "no stall yet" : (node.inspectorURL == nil ? "no stall yet (blame off)" : "no stall yet")
            TextLine(text, .dim).render(inside.line(0))
            return
        }
        for (i, blocker) in node.topBlockers.prefix(inside.rows).enumerated() {
            let total = Units.ms(blocker.totalMs)
            TextLine([Span(total.leftPadded(8), blocker.maxMs >= 200 ? .critical : .warn),
                      Span("  ×\(blocker.count)  ", .dim), Span(blocker.label)]).render(inside.line(i))
        }
    }

    /// The app's latest output lines, newest at the bottom.
    static func output(_ canvas: Canvas, node: NodeSnapshot) {
        let inside = Box(title: "App output", note: node.ending.map { "app \($0.text)" } ?? "stdout + stderr").render(canvas)
        guard inside.rows > 0 else { return }
        for (i, line) in node.log.suffix(inside.rows).enumerated() {
            TextLine(" " + line).render(inside.line(i))
        }
    }
}

extension String {
    func leftPadded(_ width: Int) -> String {
        let w = TextWidth.width(of: self)
        return w >= width ? self : String(repeating: " ", count: width - w) + self
    }
}
