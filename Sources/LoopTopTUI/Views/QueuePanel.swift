import LoopTopEngine

/// The queues: depth now and over the last minute, every job's fate, and how
/// long jobs wait and run.
enum QueuePanel {
    static func render(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        let inside = Box(title: "Queue", note: "capacity \(s.queue.capacity)", padding: 1).render(canvas)
        guard inside.rows > 0 else { return }
        // Rows beyond the four lines make the depth graph taller.
        let graphRows = max(1, inside.rows - 3)
        depthGraph(inside.sub(Rect(row: 0, col: 0, rows: graphRows, cols: inside.cols)), frame: frame)
        let lines = [fatesLine(s), timesLine(s), moreLine(s)]
        for (i, line) in lines.prefix(inside.rows - graphRows).enumerated() { line.render(inside.line(graphRows + i)) }
    }

    /// "depth 12 ▁▁▂▃▅▇▆▄▂▁  rejected 0", the graph as tall as the canvas.
    static func depthGraph(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        let depth = s.queue.depth + s.queue.loopDepth
        let left = TextLine([Span("depth ", .dim), Span(Units.count(depth), Meaning.depth(depth, capacity: s.queue.capacity))])
        let right = TextLine([Span("rejected ", .dim), Span(Units.count(s.jobs.rejected), Meaning.bad(s.jobs.rejected, critical: true))])
        let graphCols = canvas.cols - left.width - right.width - 4
        left.render(canvas)
        guard graphCols >= 4 else {
            if canvas.cols >= left.width + right.width + 2 {
                right.render(canvas.sub(Rect(row: 0, col: canvas.cols - right.width, rows: 1, cols: right.width)))
            }
            return
        }
        let graph = canvas.sub(Rect(row: 0, col: left.width + 1, rows: canvas.rows, cols: graphCols))
        Sparkline(s.queue.depthHistory, minScale: 4, samplesPerCell: frame.samplesPerCell(width: graphCols),
                  reduce: .max, ink: Meaning.depthInk(capacity: s.queue.capacity)).render(graph)
        right.render(canvas.sub(Rect(row: 0, col: canvas.cols - right.width, rows: 1, cols: right.width)))
    }

    static func fatesLine(_ s: Snapshot) -> FieldLine {
        FieldLine([
            .init("submitted", short: "sub", Units.count(s.jobs.submitted)),
            .init("done", Units.count(s.jobs.completed)),
            .init("failed", short: "fail", Units.count(s.jobs.failed), Meaning.bad(s.jobs.failed, critical: true)),
            .init("cancelled", short: "cancel", Units.count(s.jobs.cancelled), Meaning.bad(s.jobs.cancelled)),
        ])
    }

    static func timesLine(_ s: Snapshot) -> FieldLine {
        FieldLine([
            .init("wait p99", short: "wait", Units.ms(s.queue.wait.p99), Meaning.wait(s.queue.wait.p99, runMs: s.queue.run.p50)),
            .init("run p50", short: "run", Units.ms(s.queue.run.p50)),
            .init("", Units.rate(s.queue.completedPerSecond) + " done/s"),
        ])
    }

    static func moreLine(_ s: Snapshot) -> FieldLine {
        FieldLine([
            .init("running", short: "run", Units.count(s.jobs.running)),
            .init("queued", Units.count(s.jobs.queued)),
            .init("on loop", Units.count(s.queue.loopDepth)),
            .init("run p99", Units.ms(s.queue.run.p99)),
        ])
    }
}
