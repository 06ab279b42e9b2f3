import LoopTopEngine

/// The top line: mode, workload and job size, arrival rate, paused and
/// frozen marks, workers against cores; "? help  q quit" on the right.
enum HeaderView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0, canvas.cols > 0 else { return }
        let s = frame.snapshot
        if s.source.kind == .node {
            renderNode(canvas, frame: frame)
            return
        }
        let settings = s.settings
        let oversubscribed = s.liveWorkers > s.cores
        let workersStyle: Style = oversubscribed ? .warn : .text
        var marks: [Span] = []
        if let mark = frame.timeMark { marks += [Span(" "), Span(" " + mark + " ", Style(.selection, [.bold, .reverse]))] }
        if frame.state.frozen { marks += [Span(" "), Span(" FROZEN ", Style(.selection, [.bold, .reverse]))] }
        if settings.paused { marks += [Span(" "), Span(" PAUSED ", Style(.warn, [.bold, .reverse]))] }
        let mode = Span(" " + settings.mode.rawValue.uppercased() + " ", Meaning.mode(settings.mode))

        let long: [Span] = [Span(" looptop ", .title), Span(" "), mode] + marks + [
            Span("  "), Span(settings.workload, .text), Span(" " + Units.ms(settings.jobMs), .text),
            Span("  "), Span(Units.rate(settings.rate), .text), Span(" jobs/s", .dim),
            Span("  workers ", .dim), Span("\(s.liveWorkers)", workersStyle),
            Span(" (\(s.cores) core\(s.cores == 1 ? "" : "s"))", .dim),
        ]
        let short: [Span] = [mode] + marks + [
            Span(" "), Span(settings.workload, .text), Span(" " + Units.msTight(settings.jobMs), .text),
            Span(" "), Span(Units.rate(settings.rate) + "/s", .text),
            Span(" "), Span("\(s.liveWorkers)", workersStyle), Span("w/\(s.cores)c", .dim),
        ]
        let helpLong = [Span("?", .key), Span(" help  ", .dim), Span("q", .key), Span(" quit ", .dim)]
        let helpShort = [Span("?", .key), Span(" help ", .dim)]
        let cols = canvas.cols
        for (left, right) in [(long, helpLong), (long, helpShort), (short, helpShort), (short, [Span("?", .key)]), (short, [])] {
            let l = TextLine(left), r = TextLine(right)
            if l.width + r.width + 1 <= cols || right.isEmpty {
                l.render(canvas)
                if !right.isEmpty { r.render(canvas.sub(Rect(row: 0, col: cols - r.width, rows: 1, cols: r.width))) }
                return
            }
        }
    }

    /// A watched Node app: its script, pid and Node version, its live workers.
    static func renderNode(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        var marks: [Span] = []
        if frame.state.frozen { marks += [Span(" "), Span(" FROZEN ", Style(.selection, [.bold, .reverse]))] }
        let left: [Span] = [Span(" looptop ", .title), Span(" "), Span(" NODE ", Style(.title, [.bold, .reverse]))] + marks + [
            Span("  "), Span(s.source.title.hasPrefix("node ") ? String(s.source.title.dropFirst(5)) : s.source.title, .text),
            Span("  pid ", .dim), Span(s.source.pid.map { String($0) } ?? "?", .text),
            Span("  ", .dim), Span(s.source.version ?? "node ?", .text),
            Span("  workers ", .dim), Span("\(s.liveWorkers)", .text),
            Span(" (\(s.cores) core\(s.cores == 1 ? "" : "s"))", .dim),
        ]
        let right = [Span("?", .key), Span(" help  ", .dim), Span("q", .key), Span(" quit ", .dim)]
        let l = TextLine(left), r = TextLine(right)
        l.render(canvas)
        if l.width + r.width + 1 <= canvas.cols {
            r.render(canvas.sub(Rect(row: 0, col: canvas.cols - r.width, rows: 1, cols: r.width)))
        }
    }
}
