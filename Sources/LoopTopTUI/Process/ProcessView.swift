import LoopTopEngine

/// One frame of the attach dashboard: the snapshot of a watched process, the
/// UI's state, how to draw.
public struct ProcessFrame: Sendable {
    public var snapshot: Snapshot
    public var state: ProcessUIState
    public var glyphs: Glyphs
    public var secondsOfDay: Double?
    public var notices: [Notice]
    /// Where a replay is ("REPLAY 01:12 / 04:30 PAUSED"); nil live.
    public var timeMark: String?

    public init(snapshot: Snapshot, state: ProcessUIState = ProcessUIState(), glyphs: Glyphs = .unicode,
                secondsOfDay: Double? = nil, notices: [Notice] = [], timeMark: String? = nil) {
        self.snapshot = snapshot
        self.state = state
        self.glyphs = glyphs
        self.secondsOfDay = secondsOfDay
        self.notices = notices
        self.timeMark = timeMark
    }

    /// The threads in table order.
    public var threads: [ThreadSnapshot] { ProcessUIState.sorted(snapshot.threads, by: state.sort) }

    /// The engine dashboard's frame for the shared parts (warnings, event log).
    var shared: Frame {
        var notes = notices
        if let ended = snapshot.process?.ended {
            notes.insert(Notice(ended + " — the last frame stays; q quits", severity: .critical), at: 0)
        }
        return Frame(snapshot: snapshot, glyphs: glyphs, secondsOfDay: secondsOfDay, notices: notes)
    }
}

/// Draws the attach dashboard: header, the process panel (its CPU against
/// its cores, runnable threads and their wait), the threads table, warnings,
/// events, footer; or one thread's detail; the help over either.
public enum ProcessView {
    public static let minimum = Size(rows: 12, cols: 40)

    struct Layout {
        var header = Rect(row: 0, col: 0, rows: 0, cols: 0)
        var panel = Rect(row: 0, col: 0, rows: 0, cols: 0)
        var threads = Rect(row: 0, col: 0, rows: 0, cols: 0)
        var warnings = Rect(row: 0, col: 0, rows: 0, cols: 0)
        var log = Rect(row: 0, col: 0, rows: 0, cols: 0)
        var footer = Rect(row: 0, col: 0, rows: 0, cols: 0)
        var threadRows: Int { max(0, threads.rows - 3) }
    }

    static func layout(_ frame: ProcessFrame, size: Size) -> Layout {
        var l = Layout()
        var rest = Rect(size)
        (l.header, rest) = rest.splitTop(1)
        (rest, l.footer) = rest.splitBottom(1)
        let tall = size.rows >= 24
        (l.panel, rest) = rest.splitTop(tall ? 5 : 3)
        let warningRows = min(frame.shared.warningLines, tall ? 3 : 1)
        let logRows = size.rows >= 30 ? 4 : size.rows >= 20 ? 2 : 0
        (rest, l.log) = rest.splitBottom(logRows)
        (rest, l.warnings) = rest.splitBottom(warningRows)
        l.threads = rest
        return l
    }

    /// Rows of threads the table shows at `size`: what paging moves by.
    public static func threadRows(size: Size, frame: ProcessFrame) -> Int { layout(frame, size: size).threadRows }

    public static func render(_ frame: ProcessFrame, on screen: any Screen) {
        screen.clear()
        let canvas = Canvas(screen: screen, glyphs: frame.glyphs)
        let size = screen.size
        guard size.rows >= minimum.rows, size.cols >= minimum.cols else {
            SizeMessage.render(canvas, size: size)
            return
        }
        let l = layout(frame, size: size)
        header(canvas.sub(l.header), frame: frame)
        if let tid = frame.state.detailTID, let thread = frame.snapshot.threads.first(where: { $0.tid == tid }) {
            let body = Rect(row: 1, col: 0, rows: size.rows - 2, cols: size.cols)
            ProcessDetailView.render(canvas.sub(body), frame: frame, thread: thread)
        } else {
            panel(canvas.sub(l.panel), frame: frame)
            ThreadsTable.render(canvas.sub(l.threads), frame: frame)
            WarningsView.render(canvas.sub(l.warnings), frame: frame.shared)
            EventLogView.render(canvas.sub(l.log), frame: frame.shared)
        }
        footer(canvas.sub(l.footer), frame: frame)
        if frame.state.helpVisible {
            help(canvas.sub(Rect(row: 1, col: 0, rows: size.rows - 2, cols: size.cols)), frame: frame)
        }
    }

    static func header(_ canvas: Canvas, frame: ProcessFrame) {
        let s = frame.snapshot
        let p = s.process
        var spans: [Span] = [Span(" looptop ", .title), Span(" "), Span(" ATTACH ", Style(.ok, [.bold, .reverse]))]
        if let mark = frame.timeMark { spans += [Span(" "), Span(" \(mark) ", Style(.selection, [.bold, .reverse]))] }
        if p?.ended != nil { spans += [Span(" "), Span(" EXITED ", Style(.critical, [.bold, .reverse]))] }
        if frame.state.frozen { spans += [Span(" "), Span(" FROZEN ", Style(.selection, [.bold, .reverse]))] }
        spans += [Span("  pid ", .dim), Span("\(p?.pid ?? 0)", .text), Span("  "), Span(p?.command ?? "", .text)]
        let right = TextLine([Span("?", .key), Span(" help  ", .dim), Span("q", .key), Span(" quit ", .dim)])
        let room = canvas.cols - right.width - 1
        TextLine(spans).render(canvas.sub(Rect(row: 0, col: 0, rows: 1, cols: max(0, room))))
        if room > 20 { right.render(canvas.sub(Rect(row: 0, col: canvas.cols - right.width, rows: 1, cols: right.width))) }
    }

    static func panel(_ canvas: Canvas, frame: ProcessFrame) {
        let s = frame.snapshot
        guard let p = s.process else { return }
        let window = p.intervalSeconds > 0 ? "over the last \(Units.ratio(p.intervalSeconds)) s" : "since each thread started"
        let inside = Box(title: "Process", note: window).render(canvas)
        guard inside.rows > 0 else { return }
        let share = p.cores > 0 ? p.cpuCores / Double(p.cores) : 0
        let cpuStyle: Style = share >= 0.95 ? .warn : .text
        var first: [Span] = [Span(" CPU ", .dim), Span(Units.ratio(p.cpuCores), cpuStyle),
                             Span(" of \(p.cores) core\(p.cores == 1 ? "" : "s")", .dim)]
        first += [Span("   runnable ", .dim), Span("\(p.runnableThreads)", p.runnableThreads > p.cores ? .warn : .text)]
        if let wait = p.runnableWait {
            first += [Span(" waiting ", .dim), Span(Units.percent(wait), wait >= 0.2 ? .warn : .text),
                      Span(" for a CPU", .dim)]
        } else if !p.schedstatAvailable {
            first += [Span(" waiting ", .dim), Span(frame.glyphs.none, .dim)]
        }
        let gaugeWidth = min(20, max(0, inside.cols - TextLine(first).width - 3))
        TextLine(first).render(inside.line(0))
        if gaugeWidth >= 5 {
            Gauge(share, ink: share >= 0.95 ? .warn : .graph)
                .render(inside.sub(Rect(row: 0, col: inside.cols - gaugeWidth - 1, rows: 1, cols: gaugeWidth)))
        }
        let counts = FieldLine([
            .init("threads", "\(p.threadCount)"), .init("started", "\(p.threadsStarted)"),
            .init("ended", "\(p.threadsEnded)"),
            .init("read every", Units.ratio(p.readEverySeconds) + " s"),
            .init("watched", Units.uptime(p.watchedSeconds)),
            .init("schedstat", p.schedstatAvailable ? "yes" : "missing", p.schedstatAvailable ? .dim : .warn),
        ])
        if inside.rows >= 3 {
            let graph = inside.sub(Rect(row: 1, col: 1, rows: inside.rows - 2, cols: inside.cols - 2))
            Sparkline(p.cpuHistory, maxValue: Double(max(1, p.cores)), reduce: .mean,
                      ink: .gradient(.activity, warn: Double(p.cores) * 0.5, critical: Double(p.cores)))
                .render(graph)
            counts.render(inside.line(inside.rows - 1).sub(Rect(row: 0, col: 1, rows: 1, cols: inside.cols - 1)))
        } else if inside.rows == 2 {
            counts.render(inside.line(1).sub(Rect(row: 0, col: 1, rows: 1, cols: inside.cols - 1)))
        }
    }

    static func footer(_ canvas: Canvas, frame: ProcessFrame) {
        let g = frame.glyphs
        let hints: [(String, String)]
        if frame.state.helpVisible {
            hints = [("any key", "closes the help"), ("q", "quit")]
        } else if frame.state.detailTID != nil {
            hints = [("Esc", "back"), ("\(g.up)\(g.down)", "thread"), ("z", frame.state.frozen ? "unfreeze" : "freeze"),
                     ("?", "help"), ("q", "quit")]
        } else if frame.timeMark != nil {
            hints = [("space", "play/pause"), ("\(g.left)\(g.right)", "reading"), ("[ ]", "10 s"), ("< >", "speed"),
                     ("\(g.up)\(g.down)", "select"), ("?", "help"), ("q", "quit")]
        } else {
            hints = [("\(g.up)\(g.down)", "select"), (g.enter, "detail"),
                     ("s", "sort: \(frame.state.sort.next.rawValue.lowercased())"),
                     ("z", frame.state.frozen ? "unfreeze" : "freeze"), ("?", "help"), ("q", "quit")]
        }
        var spans: [Span] = [Span(" ")]
        var used = 1
        for (key, label) in hints {
            let width = TextWidth.width(of: key) + 1 + TextWidth.width(of: label) + 2
            if used + width - 2 > canvas.cols { break }
            spans += [Span(key, .key), Span(" " + label + "  ", .dim)]
            used += width
        }
        TextLine(spans).render(canvas)
    }

    static func help(_ canvas: Canvas, frame: ProcessFrame) {
        var entries = ProcessUIState.help(glyphs: frame.glyphs)
        if frame.timeMark != nil {
            let g = frame.glyphs
            entries = [(keys: "space", meaning: "replay: pause / play"),
                       (keys: "\(g.left) \(g.right)", meaning: "one reading back / forward (pauses)"),
                       (keys: "[ ]", meaning: "10 s back / forward"),
                       (keys: "< >", meaning: "halve / double the speed")] + entries
        }
        let figures = ProcessUIState.figures
        let keyWidth = entries.map { TextWidth.width(of: $0.keys) }.max() ?? 0
        let textWidth = max(entries.map { TextWidth.width(of: $0.meaning) }.max() ?? 0,
                            (figures.map { TextWidth.width(of: $0) }.max() ?? 0) - keyWidth - 2)
        let width = min(canvas.cols, keyWidth + textWidth + 2 + 4)
        let lines = entries.count + 1 + figures.count
        let height = min(canvas.rows, lines + 2)
        guard width >= 4, height >= 3 else { return }
        let area = Rect(row: (canvas.rows - height) / 2, col: (canvas.cols - width) / 2, rows: height, cols: width)
        let box = canvas.sub(area)
        for r in 0..<box.rows { box.fill(row: r, style: .text) }
        let inside = Box(title: "Keys (attach: read-only)", note: "any key closes", borderStyle: .title).render(box)
        var row = 0
        for entry in entries where row < inside.rows {
            TextLine([Span(" " + TextWidth.pad(entry.keys, to: keyWidth) + "  ", .key), Span(entry.meaning, .text)])
                .render(inside.line(row))
            row += 1
        }
        row += 1
        for line in figures where row < inside.rows {
            TextLine(" " + line, .dim).render(inside.line(row))
            row += 1
        }
    }
}
