import LoopTopEngine

/// The top line: mode, workload and job size, arrival rate, paused and
/// frozen marks, workers against cores; "? help  q quit" on the right.
enum HeaderView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0, canvas.cols > 0 else { return }
        let s = frame.snapshot
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
}
