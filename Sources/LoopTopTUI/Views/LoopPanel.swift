import LoopTopEngine

/// The event loop: lag percentiles, a minute of lag as a graph, how busy the
/// loop is and how its requests fare; when it is blocked, by which job.
enum LoopPanel {
    static func render(_ canvas: Canvas, frame: Frame) {
        let inside = Box(title: "Event loop", note: "lag, last minute", padding: 1).render(canvas)
        guard inside.rows > 0 else { return }
        let loop = frame.snapshot.loop
        let extra = inside.rows >= 4 ? 1 : 0
        // The late share gets its own line once the graph keeps two rows.
        let late = inside.rows >= 6 ? 1 : 0
        let graphRows = max(0, inside.rows - 2 - extra - late)
        lagLine(frame).render(inside.line(0))
        if late > 0 { (frame.snapshot.node == nil ? lateLine(frame) : nodeLateLine(frame)).render(inside.line(1)) }
        if graphRows > 0 {
            lagGraph(inside.sub(Rect(row: 1 + late, col: 0, rows: graphRows, cols: inside.cols)), frame: frame)
        }
        // Blocked: the stall takes the last line (with a spare line) or the activity line.
        let blocked = blockedLine(frame, withWaiting: extra == 0)
        if inside.rows >= 2 {
            let row = inside.line(1 + late + graphRows)
            if let blocked, extra == 0 { blocked.render(row) } else if let node = frame.snapshot.node {
                nodeActivityLine(loop, node: node).render(row)
            } else { activityLine(loop).render(row) }
        }
        let detail = frame.snapshot.node.map(nodeDetailLine) ?? detailLine(frame)
        if extra > 0 { (blocked ?? detail).render(inside.line(2 + late + graphRows)) }
    }

    /// A Node app's late share, from its stalls (the probe's heartbeat sees
    /// only lateness past half the stall threshold, so no ">10 ms" figure).
    static func nodeLateLine(_ frame: Frame) -> FieldLine {
        let late = frame.snapshot.loop.lateShare
        func style(_ share: Double) -> Style { share >= 0.05 ? .critical : share > 0 ? .warn : .text }
        return FieldLine([
            .init("late >50 ms", short: ">50ms", Units.percent(late.over50ms), style(late.over50ms)),
            .init(">100 ms", short: ">100ms", Units.percent(late.over100ms), style(late.over100ms)),
            .init("of the last", short: "of", "60 s", .dim),
        ])
    }

    /// "busy 28%  cpu 27%  wait 0%  heap 6.1 MB": busy is Node's event-loop
    /// utilization, cpu and wait the kernel's count of the main thread over
    /// the same interval (/proc/PID/task/PID); no requests or hand-backs in a Node app.
    static func nodeActivityLine(_ loop: LoopSnapshot, node: NodeSnapshot) -> FieldLine {
        var fields: [FieldLine.Field] = [
            .init("busy", Units.percent(loop.utilization), Meaning.utilization(loop.utilization)),
        ]
        if let main = node.last?.mainThread {
            fields.append(.init("cpu", short: "cpu", Units.percent(main.cpu)))
            if let wait = main.runqueueWait { fields.append(.init("wait", short: "wait", Units.percent(wait), Meaning.runqueueWait(wait))) }
        }
        if let last = node.last {
            fields.append(.init("heap", short: "heap", String(format: "%.1f MB", last.heapUsedBytes / 1_048_576)))
        }
        return FieldLine(fields)
    }

    /// The GC pauses of the last interval, or that the app has not reported yet.
    static func nodeDetailLine(_ node: NodeSnapshot) -> TextLine {
        guard let last = node.last else { return TextLine(node.connected ? "waiting for the first figures" : "waiting for the probe", .dim) }
        return FieldLine([
            .init("gc", "\(last.gcCount) pauses", last.gcCount > 0 ? .text : .dim),
            .init("total", Units.ms(last.gcMs)),
            .init("longest", Units.ms(last.gcMaxMs), Meaning.lag(last.gcMaxMs)),
        ]).asTextLine(width: Int.max)
    }

    /// "late >10 ms 31%  >50 ms 24%  >100 ms 16%": the share of wall time
    /// the loop was late by more than each, over the recent window. Sample
    /// percentiles hide a long stall (one sample among hundreds); this does not.
    static func lateLine(_ frame: Frame) -> FieldLine {
        let late = frame.snapshot.loop.lateShare
        func style(_ share: Double) -> Style { share >= 0.05 ? .critical : share > 0 ? .warn : .text }
        return FieldLine([
            .init("late >10 ms", short: ">10ms", Units.percent(late.over10ms), style(late.over10ms)),
            .init(">50 ms", short: ">50ms", Units.percent(late.over50ms), style(late.over50ms)),
            .init(">100 ms", short: ">100ms", Units.percent(late.over100ms), style(late.over100ms)),
        ])
    }

    static func lagLine(_ frame: Frame) -> FieldLine {
        let lag = frame.snapshot.loop.lag
        return FieldLine([
            .init("lag p50", short: "p50", Units.ms(lag.p50), Meaning.lag(lag.p50)),
            .init("p99", Units.ms(lag.p99), Meaning.lag(lag.p99)),
            .init("max", Units.ms(lag.max), Meaning.lag(lag.max)),
        ])
    }

    /// The lag graph, with the largest lag of the last second at its right.
    static func lagGraph(_ canvas: Canvas, frame: Frame) {
        let loop = frame.snapshot.loop
        let label = " " + Units.ms(loop.lagRecentMaxMs)
        let labelWidth = canvas.cols >= 24 ? 9 : 0
        let graph = canvas.sub(Rect(row: 0, col: 0, rows: canvas.rows, cols: canvas.cols - labelWidth))
        Sparkline(loop.lagHistory, minScale: Meaning.lagCriticalMs,
                  samplesPerCell: frame.samplesPerCell(width: graph.cols), reduce: .max,
                  ink: .gradient(.lag, warn: Meaning.lagWarnMs, critical: Meaning.lagCriticalMs)).render(graph)
        if labelWidth > 0 {
            canvas.put(TextWidth.pad(label, to: labelWidth, alignment: .right), row: canvas.rows - 1,
                       col: canvas.cols - labelWidth, style: Meaning.lag(loop.lagRecentMaxMs))
        }
    }

    static func activityLine(_ loop: LoopSnapshot) -> FieldLine {
        var fields: [FieldLine.Field] = [
            .init("busy", Units.percent(loop.utilization), Meaning.utilization(loop.utilization)),
        ]
        if let wait = loop.thread?.runqueueWait, wait >= 0.005 {
            // The loop thread itself waiting for a CPU: lag no job explains.
            fields.append(.init("cpu wait", short: "WAIT", Units.percent(wait), Meaning.runqueueWait(wait)))
        }
        let requests: [FieldLine.Field] = [
            .init("requests", short: "req", Units.rate(loop.requestsPerSecond) + "/s"),
            .init("p99", Units.ms(loop.requestLatency.p99), Meaning.request(loop.requestLatency.p99)),
        ]
        fields.append(contentsOf: requests)
        if loop.requestsWaiting > 0 {
            fields.append(.init("waiting", short: "wait", Units.count(loop.requestsWaiting), .warn))
        }
        if loop.requestsShed > 0 {
            fields.append(.init("shed", Units.count(loop.requestsShed), .critical))
        }
        return FieldLine(fields)
    }

    /// "BLOCKED 812 ms by job #1177 primes; 23 requests waiting", when the loop is stalled now.
    static func blockedLine(_ frame: Frame, withWaiting: Bool = true) -> TextLine? {
        let loop = frame.snapshot.loop
        guard loop.stallMs >= Meaning.lagCriticalMs else { return nil }
        var spans = [Span(" BLOCKED " + Units.ms(loop.stallMs) + " ", Style(.critical, [.bold, .reverse]))]
        if let job = loop.currentJob {
            spans.append(Span(" by job #\(job.id) \(job.workload)", .critical))
            spans.append(Span(" (" + Units.ms(job.targetMs) + " \(job.mode.rawValue))", .dim))
        }
        if withWaiting, loop.requestsWaiting > 0 {
            spans.append(Span("; \(loop.requestsWaiting) requests waiting", .warn))
        }
        return TextLine(spans)
    }

    /// What runs on the loop now, or what the trip back from a worker costs.
    static func detailLine(_ frame: Frame) -> TextLine {
        let loop = frame.snapshot.loop
        if let job = loop.currentJob {
            return TextLine([Span("on loop ", .dim), Span("job #\(job.id) \(job.workload)", .text),
                             Span(" " + Units.ms(job.targetMs) + " " + job.mode.rawValue, .dim)])
        }
        if frame.snapshot.settings.mode == .offloaded || loop.handback.count > 0 {
            return FieldLine([
                .init("hand-back p50", short: "back p50", Units.ms(loop.handback.p50)),
                .init("p99", Units.ms(loop.handback.p99)),
            ]).asTextLine(width: Int.max)
        }
        return TextLine("loop idle between requests", .dim)
    }
}

extension FieldLine {
    func asTextLine(width: Int) -> TextLine { TextLine(spans(fitting: width)) }
}
