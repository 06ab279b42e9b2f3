import LoopTopEngine

/// One worker up close: its thread, its figures, its last jobs with wait and
/// run times, and its run-time histogram.
enum WorkerDetailView {
    static func render(_ canvas: Canvas, frame: Frame, workerID: Int) {
        guard let worker = frame.snapshot.workers.first(where: { $0.id == workerID }) else {
            TextLine([Span(" worker \(workerID) is gone  ", .warn), Span("Esc", .key), Span(" back", .dim)])
                .render(canvas.line(0))
            return
        }
        let g = frame.glyphs
        let ended = !worker.state.isLive
        // Short terminals keep two lines of figures and give the rest to the jobs.
        let short = canvas.rows < 16
        let infoRows = short ? 2 + 2 : 2 + 5 + (ended ? 1 : 0)
        let (top, rest) = Rect(row: 0, col: 0, rows: canvas.rows, cols: canvas.cols).splitTop(infoRows)
        let tid = worker.tid == 0 ? "tid " + g.none : "tid \(worker.tid)"
        let info = Box(title: "Worker \(worker.id) \(g.separator) \(worker.name) \(g.separator) \(tid)",
                       note: worker.state.description, noteStyle: .state(worker.state), padding: 1).render(canvas.sub(top))
        infoLines(worker, frame: frame).prefix(short ? 2 : 5).enumerated().forEach { $1.render(info.line($0), row: 0) }
        if !short {
            let graphRow = info.line(info.rows - 1)
            TextLine("activity ", .dim).render(graphRow)
            Sparkline(Array(worker.activity), maxValue: 1, samplesPerCell: frame.samplesPerCell(width: max(1, graphRow.cols - 9)),
                      reduce: .mean, ink: Meaning.activityInk)
                .render(graphRow.sub(Rect(row: 0, col: 9, rows: 1, cols: graphRow.cols - 9)))
        }

        let lower = canvas.sub(rest)
        guard lower.rows >= 3 else { return }
        let jobsArea: Rect, histogramArea: Rect
        if short {
            (jobsArea, histogramArea) = (Rect(row: 0, col: 0, rows: lower.rows, cols: lower.cols), Rect(row: 0, col: 0, rows: 0, cols: 0))
        } else if lower.cols >= 80 {
            let split = Rect(row: 0, col: 0, rows: lower.rows, cols: lower.cols).splitLeft(lower.cols * 3 / 5)
            (jobsArea, histogramArea) = (split.left, split.rest)
        } else {
            let split = Rect(row: 0, col: 0, rows: lower.rows, cols: lower.cols).splitTop(lower.rows * 3 / 5)
            (jobsArea, histogramArea) = (split.top, split.rest)
        }
        recentJobs(lower.sub(jobsArea), worker: worker, frame: frame)
        histogram(lower.sub(histogramArea), worker: worker, frame: frame)
    }

    static func infoLines(_ w: WorkerSnapshot, frame: Frame) -> [any LineWidget] {
        let none = frame.glyphs.none
        var lines: [any LineWidget] = []
        var now: [Span] = [Span("state ", .dim), Span(w.state.description, .state(w.state))]
        if let job = w.currentJob {
            now += [Span("  job ", .dim), Span("#\(job.id) \(job.workload)", .text),
                    Span(" (" + Units.ms(job.targetMs) + ")", .dim),
                    Span("  elapsed ", .dim), Span(Units.ms(w.elapsedMs), w.elapsedMs > 2 * job.targetMs ? .warn : .text)]
        } else {
            now += [Span("  job ", .dim), Span(none, .dim)]
        }
        lines.append(TextLine(now))
        let window = Units.window(frame.snapshot.windowSeconds)
        lines.append(FieldLine([
            .init("done", short: "done", Units.count(w.jobsDone) + " (since start)"),
            .init("failed", Units.count(w.jobsFailed), Meaning.bad(w.jobsFailed, critical: true)),
            .init("busy", w.state.isLive ? Units.percent(w.busy) + " (\(window))" : none),
            .init("cpu/wall", w.state.isLive && w.busy >= 0.01 ? Units.ratio(w.cpuPerWall) : none,
                  w.state.isLive && w.busy >= 0.01 ? Meaning.cpuPerWall(w.cpuPerWall) : .dim),
            .init("cpu", Units.ms(w.cpuMs)),
            .init("startup", w.startupMs.map(Units.ms) ?? none),
        ]))
        lines.append(FieldLine([
            .init("run p50", Units.ms(w.run.p50)),
            .init("p99", Units.ms(w.run.p99)),
            .init("max", Units.ms(w.run.max)),
            .init("jobs", short: "n", Units.count(w.run.count) + " (\(window))"),
        ]))
        lines.append(schedLine(w, frame: frame))
        if !w.state.isLive {
            lines.append(TextLine([Span("ended ", .dim),
                                   Span(w.endReason ?? w.state.description, w.state == .failed ? .critical : .text)]))
        }
        return lines
    }

    /// What the scheduler did with the thread: run-queue wait and switches
    /// over the last second, and over its whole life.
    static func schedLine(_ w: WorkerSnapshot, frame: Frame) -> FieldLine {
        let none = frame.glyphs.none
        var fields: [FieldLine.Field] = []
        if w.state.isLive, let recent = w.sched {
            let wait: String = recent.runqueueWait.map { Units.percent($0) + " (last 1 s)" } ?? none
            let waitStyle: Style = recent.runqueueWait.map(Meaning.runqueueWait) ?? .dim
            let voluntary: String = Units.rate(recent.voluntarySwitchesPerSecond)
            let involuntary: String = Units.rate(recent.involuntarySwitchesPerSecond)
            fields.append(FieldLine.Field("cpu wait", short: "wait", wait, waitStyle))
            fields.append(FieldLine.Field("switches/s", short: "csw/s", "\(voluntary) voluntary, \(involuntary) involuntary"))
        }
        if let life = w.schedTotal {
            let lifeWait: String = life.runqueueWait.map { Units.percent($0) } ?? none
            fields.append(FieldLine.Field("whole life: wait", short: "life wait", lifeWait))
            fields.append(FieldLine.Field("busy", Units.percent(w.busyTotal)))
        }
        if fields.isEmpty { fields.append(FieldLine.Field("cpu wait", short: "wait", none, .dim)) }
        return FieldLine(fields)
    }

    static func recentJobs(_ canvas: Canvas, worker: WorkerSnapshot, frame: Frame) {
        let jobs = Array(worker.recentJobs.reversed())
        let inside = Box(title: "Recent jobs", note: jobs.isEmpty ? "" : "newest first", padding: 1).render(canvas)
        guard inside.rows > 0 else { return }
        if jobs.isEmpty {
            TextLine(frame.state.frozen ? "frozen before this worker's jobs were read" : "no job finished yet", .dim)
                .render(inside.line(0))
            return
        }
        // JOB, OUTCOME, WAIT and RUN always; WORKLOAD and ENDED when there is room.
        let fixed = 7 + 9 + 8 + 8 + 3
        var workloadWidth = min(14, inside.cols - fixed - 1 - 11)
        var showAgo = workloadWidth >= 6
        if !showAgo { workloadWidth = min(14, inside.cols - fixed - 1) }
        let showWorkload = workloadWidth >= 6
        if !showWorkload { showAgo = inside.cols >= fixed + 11 }
        var columns = [Table.Column("JOB", width: 7)]
        if showWorkload { columns.append(Table.Column("WORKLOAD", width: workloadWidth)) }
        columns += [Table.Column("OUTCOME", width: 9), Table.Column("WAIT", width: 8, alignment: .right),
                    Table.Column("RUN", width: 8, alignment: .right)]
        if showAgo { columns.append(Table.Column("ENDED", width: 10, alignment: .right)) }
        let rows = jobs.map { job -> Table.Row in
            var cells: [Table.Cell] = [.text("#\(job.id)", .text)]
            if showWorkload { cells.append(.text(job.workload, .text)) }
            cells += [
                .text(job.outcome.rawValue, outcomeStyle(job.outcome)),
                .text(Units.ms(Double(job.waitNanos) / 1e6), .text),
                .text(Units.ms(Double(job.runNanos) / 1e6), .text),
            ]
            if showAgo {
                let t = frame.snapshot.time
                let ago = t >= job.finishedAt ? Double(t - job.finishedAt) / 1e6 : 0
                cells.append(.text(Units.ms(ago) + " ago", .dim))
            }
            return Table.Row(cells)
        }
        Table(columns: columns, rows: rows).render(inside)
    }

    static func outcomeStyle(_ outcome: JobOutcome) -> Style { .outcome(outcome) }

    static func histogram(_ canvas: Canvas, worker: WorkerSnapshot, frame: Frame) {
        let total = worker.runHistogram.reduce(UInt64(0)) { $0 + $1.count }
        // The histogram restarts with the statistics (`r`, a lesson's step).
        let t = frame.snapshot.total.seconds
        let since = t > 0 && t + 1 < frame.snapshot.uptimeSeconds ? "since reset" : "since start"
        let note = worker.runHistogram.isEmpty ? "" : "\(Units.count(total)) \(since)"
        let inside = Box(title: "Run time", note: note, padding: 1).render(canvas)
        guard inside.rows > 0 else { return }
        var bars = worker.runHistogram
        while let first = bars.first, first.count == 0 { bars.removeFirst() }
        while let last = bars.last, last.count == 0 { bars.removeLast() }
        guard !bars.isEmpty else {
            TextLine("no run times yet", .dim).render(inside.line(0))
            return
        }
        HistogramBars(bars.map { HistogramBars.Bar(label: frame.glyphs.lessOrEqual + " " + Units.ms($0.upToMs), count: $0.count) })
            .render(inside)
    }
}
