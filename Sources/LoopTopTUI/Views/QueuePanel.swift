import LoopTopEngine

/// The queues: depth now and over the last minute, every job's fate, and how
/// long jobs wait and run.
enum QueuePanel {
    static func render(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        let inside = Box(title: "Queue", note: "capacity \(s.queue.capacity)", padding: 1).render(canvas)
        guard inside.rows > 0 else { return }
        // Lines by priority (times, the model's prediction, fates, what-if,
        // the rest), shown in reading order; rows beyond them make the graph taller.
        var candidates: [(priority: Int, line: any LineWidget)] = [(3, fatesLine(s)), (1, timesLine(s))]
        let model = modelLines(s, glyphs: frame.glyphs)
        if let predicted = model.first { candidates.append((2, predicted)) }
        if model.count > 1 { candidates.append((4, model[1])) }
        candidates.append((5, moreLine(s)))
        let room = max(0, inside.rows - 1)
        let kept = candidates.enumerated().sorted { ($0.element.priority, $0.offset) < ($1.element.priority, $1.offset) }
            .prefix(room).map(\.offset).sorted()
        let graphRows = max(1, inside.rows - kept.count)
        let graph = inside.sub(Rect(row: 0, col: 0, rows: graphRows, cols: inside.cols))
        if frame.state.modelCurve {
            WaitCurve.render(graph, snapshot: s, glyphs: frame.glyphs)
        } else {
            depthGraph(graph, frame: frame)
        }
        for (i, index) in kept.enumerated() { candidates[index].line.render(inside.line(graphRows + i), row: 0) }
    }

    /// The queueing model's lines over the recent window: "predicted wait
    /// 4.1 ms · measured 3.8 ms" (or "unstable: queue grows"), and for the
    /// pool what one worker more or fewer would give.
    static func modelLines(_ s: Snapshot, glyphs: Glyphs) -> [ChoiceLine] {
        guard let model = s.queue.model, model.serviceMs > 0 else { return [] }
        let dot = glyphs == .unicode ? " · " : " - "
        let measured = model.measuredWaitMs.map { Units.ms($0) } ?? glyphs.none
        var lines: [ChoiceLine] = []
        if let predicted = model.predictedWaitMs {
            let p = Span(Units.ms(predicted), .text), m = Span(measured, .text)
            lines.append(ChoiceLine([
                TextLine([Span("predicted wait ", .dim), p, Span(dot + "measured ", .dim), m]),
                TextLine([Span("predicted ", .dim), p, Span(dot + "measured ", .dim), m]),
                TextLine([Span("model ", .dim), p, Span(dot + "real ", .dim), m]),
            ]))
        } else {
            let u = Units.ratio(model.utilization)
            lines.append(ChoiceLine([
                TextLine([Span("unstable: queue grows", .critical), Span(" (utilization \(u))" + dot + "measured ", .dim), Span(measured, .warn)]),
                TextLine([Span("unstable: queue grows", .critical), Span(" (\(u))" + dot + "measured ", .dim), Span(measured, .warn)]),
                TextLine([Span("unstable: queue grows", .critical), Span(" (\(u))", .dim)]),
            ]))
        }
        // Workers are servers only when jobs go to them.
        guard s.settings.mode == .offloaded else { return lines }
        func said(_ option: (servers: Int, waitMs: Double?)) -> Span {
            guard option.servers > 0 else { return Span("no worker", .warn) }
            return option.waitMs.map { Span(Units.ms($0), .text) } ?? Span("unstable", .warn)
        }
        let more = model.predictedWaitMs(workers: s.liveWorkers + 1, cores: s.cores)
        let fewer = said(model.predictedWaitMs(workers: s.liveWorkers - 1, cores: s.cores))
        // Past the cores a worker more adds no server: say so rather than repeat the figure.
        let full = more.servers == model.servers
        let plus = full ? Span("no faster (cores full)", .dim) : said(more)
        let plusShort = full ? Span("same", .dim) : said(more)
        lines.append(ChoiceLine([
            TextLine([Span("a worker more: ", .dim), plus, Span(dot + "fewer: ", .dim), fewer]),
            TextLine([Span("a worker more: ", .dim), plusShort, Span(dot + "fewer: ", .dim), fewer]),
            TextLine([Span("worker +1 ", .dim), plusShort, Span(dot + "-1 ", .dim), fewer]),
        ]))
        return lines
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
