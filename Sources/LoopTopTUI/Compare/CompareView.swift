import LoopTopEngine

/// The split screen of `looptop compare`: a header with what both run and
/// "both on N cores", the two sides (boxes side by side from 80×12, stacked
/// lines below that), the verdict line, the footer.
///
/// Each side shows what the issue asks of it in compact form: its mode as
/// the header names it (BLOCKING, CHUNKED, OFFLOADED), the lag with a
/// minute's sparkline, request latency and loop busy, the queue, the workers.
public enum CompareView {
    public static let minimum = DashboardLayout.minimum
    /// Side by side needs this much; below, the sides are stacked.
    public static let sideBySideMinimum = Size(rows: 12, cols: 80)

    public static func render(_ frame: CompareFrame, on screen: any Screen) {
        screen.clear()
        let canvas = Canvas(screen: screen, glyphs: frame.glyphs)
        let size = screen.size
        guard size.rows >= minimum.rows, size.cols >= minimum.cols else {
            SizeMessage.render(canvas, size: size)
            return
        }
        header(canvas.line(0), frame: frame)
        let notices = Array(frame.notices.suffix(size.rows >= 14 ? 2 : 1))
        let sideBySide = size.cols >= sideBySideMinimum.cols && size.rows >= sideBySideMinimum.rows
        // Rows between the header and the verdict; the sides keep what they need (boxed: border,
        // lag, a graph row and three lines; stacked: four lines each), the lesson and notices share the rest.
        let middle = size.rows - 3
        let sidesMinimum = sideBySide ? 9 : 8
        let lessonRows = frame.lesson.map { panelRows($0, spare: middle - sidesMinimum, cols: size.cols) } ?? 0
        if let lesson = frame.lesson, lessonRows > 0 {
            let area = canvas.sub(Rect(row: 1, col: 0, rows: lessonRows, cols: size.cols))
            if lessonRows >= LessonPanel.minimumRows {
                LessonPanel.render(area, status: lesson)
            } else {
                LessonPanel.renderLine(area, status: lesson)
            }
        }
        // Side by side, a notice gets a line only when the boxes keep one spare; stacked, when both sides keep theirs.
        let noticeRows = min(notices.count, max(0, middle - lessonRows - sidesMinimum - (sideBySide ? 1 : 0)))
        let bodyRows = middle - lessonRows - noticeRows
        let body = Rect(row: 1 + lessonRows, col: 0, rows: bodyRows, cols: size.cols)
        if sideBySide {
            let (l, r) = body.splitLeft(body.cols / 2)
            boxedSide(canvas.sub(l), frame: frame, left: true)
            boxedSide(canvas.sub(r), frame: frame, left: false)
        } else {
            let (top, bottom) = body.splitTop(bodyRows / 2)
            linesSide(canvas.sub(top), frame: frame, left: true)
            linesSide(canvas.sub(bottom), frame: frame, left: false)
        }
        for (i, notice) in notices.prefix(noticeRows).enumerated() {
            let style: Style = notice.severity == .critical ? .critical : notice.severity == .warn ? .warn : .text
            TextLine(" " + notice.message, style).render(canvas.line(1 + lessonRows + bodyRows + i))
        }
        let verdict = CompareVerdict.line(frame, cols: size.cols - 1)
        TextLine([Span(" ")] + verdict.spans).render(canvas.line(size.rows - 2))
        footer(canvas.line(size.rows - 1), frame: frame)
        if frame.state.helpVisible {
            HelpOverlay.render(canvas.sub(Rect(row: 1, col: 0, rows: size.rows - 2, cols: size.cols)),
                               entries: frame.state.helpPage == 1 ? figures(frame) : keys(frame),
                               figures: frame.state.helpPage == 1, glyphs: frame.glyphs)
        }
    }

    /// Rows for a lesson's panel with `spare` rows beside the sides' own:
    /// the boxed panel as tall as it would like, or one line when a box does
    /// not fit; at least that line, whatever the sides then lose.
    static func panelRows(_ status: LessonStatus, spare: Int, cols: Int) -> Int {
        if spare >= LessonPanel.minimumRows { return min(LessonPanel.desiredRows(status, cols: cols), spare) }
        return 1
    }

    // MARK: header and footer

    static func header(_ canvas: Canvas, frame: CompareFrame) {
        let s = frame.left
        let settings = s.settings
        let jobs = HeaderView.jobs(settings, commands: s.commands, tight: false)
        var marks: [Span] = []
        if frame.state.frozen { marks += [Span(" "), Span(" FROZEN ", Style(.selection, [.bold, .reverse]))] }
        if settings.paused { marks += [Span(" "), Span(" PAUSED ", Style(.warn, [.bold, .reverse]))] }
        let cores = "both on \(s.cores) core\(s.cores == 1 ? "" : "s")"
        var long: [Span] = [Span(" looptop compare ", .title)]
        long += marks
        long += [Span("  "), Span(jobs, .text), Span("  "), Span(Units.rate(settings.rate), .text), Span(" jobs/s", .dim),
                 Span("  workers ", .dim), Span("\(s.liveWorkers)/\(frame.right.liveWorkers)", .text),
                 Span("  " + cores, .warn)]
        var medium: [Span] = [Span(" looptop compare ", .title)]
        medium += marks
        medium += [Span("  "), Span(jobs, .text), Span("  "), Span(Units.rate(settings.rate), .text), Span(" jobs/s", .dim),
                   Span("  " + cores, .warn)]
        let tight = HeaderView.jobs(settings, commands: s.commands, tight: true)
        // Narrow: the sides' titles say what is compared; the header keeps the load and the cores.
        var short: [Span] = marks
        short += [Span(" "), Span(tight, .text), Span(" " + Units.rate(settings.rate) + "/s", .text), Span("  " + cores, .warn)]
        var tiny: [Span] = [Span(" compare", .title)]
        tiny += marks
        tiny += [Span(" "), Span(tight, .text), Span(" " + Units.rate(settings.rate) + "/s", .text),
                 Span(" \(s.cores) cores", .warn)]
        let help = [Span("?", .key), Span(" help  ", .dim), Span("q", .key), Span(" quit ", .dim)]
        let choices: [([Span], [Span])] = [(long, help), (medium, help), (short, help), (short, [Span("?", .key)]),
                                           (short, []), (tiny, [])]
        for (left, right) in choices {
            let l = TextLine(left), r = TextLine(right)
            if l.width + r.width + 1 <= canvas.cols || (right.isEmpty && l.width <= canvas.cols) || left == tiny {
                l.render(canvas)
                if !right.isEmpty { r.render(canvas.sub(Rect(row: 0, col: canvas.cols - r.width, rows: 1, cols: r.width))) }
                return
            }
        }
    }

    static func footer(_ canvas: Canvas, frame: CompareFrame) {
        let hints: [(String, String)]
        if frame.state.helpVisible {
            hints = [("?", frame.state.helpPage == 0 ? "figures" : "keys"), ("any key", "closes the help"), ("q", "quit")]
        } else if let lesson = frame.lesson {
            // The lesson's keys first; space holds the lesson, not the arrivals.
            hints = [("n", "next step"), ("p", "previous"), ("space", lesson.paused ? "resume lesson" : "pause lesson"),
                     ("[ ]", "size"), ("{ }", "rate"), ("B", "burst"), ("?", "help")]
        } else {
            hints = [("[ ]", "size"), ("{ }", "rate"), ("w", "workload"),
                     ("space", frame.left.settings.paused ? "resume" : "pause"), ("+", "spawn"), ("B", "burst"),
                     ("r", "reset"), ("m", frame.state.modelCurve ? "graphs" : "wait curve"),
                     ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("?", "help")]
        }
        var spans: [Span] = [Span(" ")]
        var used = 1
        for (key, label) in hints {
            let width = TextWidth.width(of: key) + 1 + TextWidth.width(of: label) + 2
            if used + width - 2 > canvas.cols { break }
            spans += [Span(key, .key), Span(" " + label + "  ", .dim)]
            used += width
        }
        // The last hint's trailing gap may not fit: drop it rather than cut with an ellipsis.
        if let last = spans.last, last.text.hasSuffix("  ") { spans[spans.count - 1].text.removeLast(2) }
        TextLine(spans).render(canvas)
    }

    // MARK: the sides

    /// A side in a box titled with its mode: lag, its graph, requests, queue, workers.
    static func boxedSide(_ canvas: Canvas, frame: CompareFrame, left: Bool) {
        let snapshot = left ? frame.left : frame.right
        let side = frame.side(snapshot)
        let mode = snapshot.settings.mode
        let box = Box(title: mode.rawValue.uppercased(), titleStyle: Meaning.mode(mode),
                      note: left ? "left" : "right", padding: 1)
        let inside = box.render(canvas)
        guard inside.rows > 0 else { return }
        let tail: [FieldLine] = [requestLine(side), queueLine(snapshot), workersLine(snapshot)]
        let graphRows = max(0, inside.rows - 1 - tail.count)
        LoopPanel.lagLine(side).render(inside.line(0))
        if graphRows > 0 {
            graph(inside.sub(Rect(row: 1, col: 0, rows: graphRows, cols: inside.cols)), frame: frame, side: side)
        }
        for (i, line) in tail.prefix(max(0, inside.rows - 1 - graphRows)).enumerated() {
            line.render(inside.line(1 + graphRows + i))
        }
    }

    /// A side as lines without a border, for narrow terminals:
    ///
    /// ```
    ///  BLOCKING  lag p99 780 ms max 812 ms
    ///   lag ▁▁▁▂▅████████            812 ms
    ///   req p99 790 ms busy 99%
    ///   queue 3 wait p99 40 ms · 4 workers
    /// ```
    static func linesSide(_ canvas: Canvas, frame: CompareFrame, left: Bool) {
        let snapshot = left ? frame.left : frame.right
        let side = frame.side(snapshot)
        guard canvas.rows > 0 else { return }
        let mode = snapshot.settings.mode
        let title = " " + mode.rawValue.uppercased() + " "
        let first = canvas.line(0)
        TextLine(title, Meaning.mode(mode)).render(first)
        let lag = snapshot.loop.lag
        let rest = first.sub(Rect(row: 0, col: title.count + 1, rows: 1, cols: max(0, first.cols - title.count - 1)))
        FieldLine([
            .init("lag p99", short: "p99", Units.ms(lag.p99), Meaning.lag(lag.p99)),
            .init("max", Units.ms(lag.max), Meaning.lag(lag.max)),
        ]).render(rest)
        let graphRows = max(1, canvas.rows - 3)
        if canvas.rows > 1 {
            let area = canvas.sub(Rect(row: 1, col: 1, rows: graphRows, cols: canvas.cols - 1))
            graph(area, frame: frame, side: side, label: "lag ")
        }
        let tail: [FieldLine] = [requestLine(side), compactQueueLine(snapshot)]
        for (i, line) in tail.enumerated() where 1 + graphRows + i < canvas.rows {
            let row = canvas.line(1 + graphRows + i)
            line.render(row.sub(Rect(row: 0, col: 1, rows: 1, cols: row.cols - 1)))
        }
    }

    /// The lag graph, or the blocked line over its last row while the loop is stalled;
    /// with `m`, the predicted wait against the arrival rate instead.
    static func graph(_ canvas: Canvas, frame: CompareFrame, side: Frame, label: String = "") {
        if frame.state.modelCurve {
            WaitCurve.render(canvas, snapshot: side.snapshot, glyphs: frame.glyphs)
            return
        }
        var area = canvas
        if !label.isEmpty {
            TextLine(label, .dim).render(canvas.sub(Rect(row: canvas.rows - 1, col: 0, rows: 1, cols: label.count)))
            area = canvas.sub(Rect(row: 0, col: label.count, rows: canvas.rows, cols: canvas.cols - label.count))
        }
        // Stalled now: the blocked line (which job, how long) takes the graph's last row.
        if let blocked = LoopPanel.blockedLine(side, withWaiting: true) {
            if area.rows > 1 { LoopPanel.lagGraph(area.sub(Rect(row: 0, col: 0, rows: area.rows - 1, cols: area.cols)), frame: side) }
            blocked.render(area.line(area.rows - 1))
            return
        }
        LoopPanel.lagGraph(area, frame: side)
    }

    static func requestLine(_ side: Frame) -> FieldLine {
        let loop = side.snapshot.loop
        var fields: [FieldLine.Field] = [
            .init("requests p99", short: "req p99", Units.ms(loop.requestLatency.p99), Meaning.request(loop.requestLatency.p99)),
            .init("p50", Units.ms(loop.requestLatency.p50), Meaning.request(loop.requestLatency.p50)),
            .init("busy", Units.percent(loop.utilization), Meaning.utilization(loop.utilization)),
        ]
        if loop.requestsWaiting > 0 {
            fields.append(.init("waiting", short: "wait", Units.count(loop.requestsWaiting), .warn))
        }
        return FieldLine(fields)
    }

    static func queueLine(_ s: Snapshot) -> FieldLine {
        let depth = s.queue.depth + s.queue.loopDepth
        return FieldLine([
            .init("queue", Units.count(depth), Meaning.depth(depth, capacity: s.queue.capacity)),
            .init("wait p99", short: "wait", Units.ms(s.queue.wait.p99), Meaning.wait(s.queue.wait.p99, runMs: s.queue.run.p50)),
            .init("run p50", short: "run", Units.ms(s.queue.run.p50)),
            .init("done", Units.count(s.jobs.completed)),
            .init("rejected", short: "rej", Units.count(s.jobs.rejected), Meaning.bad(s.jobs.rejected, critical: true)),
        ])
    }

    static func compactQueueLine(_ s: Snapshot) -> FieldLine {
        let depth = s.queue.depth + s.queue.loopDepth
        let running = s.workers.filter { $0.state == .running }.count
        return FieldLine([
            .init("queue", Units.count(depth), Meaning.depth(depth, capacity: s.queue.capacity)),
            .init("wait p99", short: "wait", Units.ms(s.queue.wait.p99), Meaning.wait(s.queue.wait.p99, runMs: s.queue.run.p50)),
            .init("workers", short: "w", "\(running)/\(s.liveWorkers)"),
            .init("done", Units.count(s.jobs.completed)),
        ])
    }

    /// "workers 4: 1 running, 3 idle  busy 24%": the pool in one line
    /// (busy: the mean share of wall time the live workers had a job).
    static func workersLine(_ s: Snapshot) -> FieldLine {
        let live = s.workers.filter(\.state.isLive)
        let running = live.filter { $0.state == .running }.count
        let busy = live.isEmpty ? 0 : live.reduce(0) { $0 + $1.busy } / Double(live.count)
        return FieldLine([
            .init("workers", "\(s.liveWorkers)"),
            .init("running", short: "run", "\(running)"),
            .init("idle", "\(live.filter { $0.state == .idle }.count)"),
            .init("busy", Units.percent(busy), Meaning.utilization(busy)),
        ])
    }

    // MARK: help

    static func keys(_ frame: CompareFrame) -> [(String, String)] {
        let g = frame.glyphs
        let lesson: [(String, String)] = frame.lesson == nil ? [("space", "pause / resume arrivals (both)")] : [
            ("n", "lesson: next step (its setup restored on both sides)"),
            ("p", "lesson: previous step (its setup restored, played again)"),
            ("space", "lesson: pause / resume (the engines run on)"),
        ]
        let load: [(String, String)] = [
            ("[  ]", "job size: halve / double (both sides)"),
            ("{  }", "arrival rate: halve / double (both)"),
            ("w", "next workload (both)"),
        ]
        return (frame.lesson == nil ? load + lesson : lesson + load) + [
            ("B", "burst: 20 jobs at once (both)"),
            ("+", "spawn a worker (both)"),
            ("r", "reset statistics (both; job counts stay)"),
            ("m", "predicted wait against the arrival rate, instead of the lag graphs"),
            ("t", "next color theme"),
            ("z", "freeze the display (the engines run on)"),
            ("b", frame.lesson == nil ? "mode: fixed per side (--left, --right)" : "mode: fixed per side (the lesson's [compare])"),
            ("?", "this help; ? again: what each figure is"),
            ("q  ^C", "quit"),
        ].map { ($0.0, g == .unicode ? $0.1 : $0.1.replacingOccurrences("·", with: "-")) }
    }

    static func figures(_ frame: CompareFrame) -> [(String, String)] {
        let w = Units.window(frame.left.windowSeconds)
        return [
            ("lag p50 p99 max", "how late each loop's 1 ms timer fires, \(w); graph: the last minute"),
            ("requests p99 p50", "a request's time from due to answered, \(w)"),
            ("busy", "share of wall time that side's loop ran jobs and requests, \(w)"),
            ("queue  wait  run", "jobs waiting now (pool and loop) / time queued p99 / run p50, \(w)"),
            ("workers  busy", "live workers, running and idle now; their mean busy share, \(w)"),
            ("bottom line", "the two sides' request p99 (\(w)) and their ratio"),
            ("both on N cores", "the two engines share this machine's cores: each slows the other"),
            ("wait curve (m)", "M/G/c predicted mean wait by arrival rate, from measured service; \(frame.glyphs.up) is now"),
        ] + (frame.lesson == nil ? [] : [
            ("lesson check", "left.FIGURE / right.FIGURE: that side's figure since the step settled (counts: since it started)"),
        ])
    }
}
