import LoopTopEngine

/// The top line: what is in force. Mode, what new jobs are (a workload and
/// its size, a mix as a mix, a command as its command), arrival rate,
/// paused and frozen marks, workers against cores; "? help  q quit" on the
/// right. Frozen, it says what the engine does now if that changed since.
enum HeaderView {
    static func render(_ canvas: Canvas, frame: Frame) {
        guard canvas.rows > 0, canvas.cols > 0 else { return }
        let s = frame.snapshot
        if s.node != nil {  // live or replayed
            renderNode(canvas, frame: frame)
            return
        }
        let settings = s.settings
        let oversubscribed = s.liveWorkers > s.cores
        let workersStyle: Style = oversubscribed ? .warn : .text
        var marks: [Span] = []
        var shortMarks: [Span] = []
        if let mark = frame.timeMark {
            marks += [Span(" "), Span(" " + mark + " ", Style(.selection, [.bold, .reverse]))]
            shortMarks += [Span(" "), Span(" " + mark + " ", Style(.selection, [.bold, .reverse]))]
        }
        if frame.state.frozen {
            let now = frame.liveSettings.flatMap { changed(from: settings, to: $0, commands: s.commands) }
            let label = now.map { " FROZEN · engine now \($0) " } ?? " FROZEN "
            marks += [Span(" "), Span(label, Style(.selection, [.bold, .reverse]))]
            shortMarks += [Span(" "), Span(now == nil ? " FROZEN " : " FROZEN* ", Style(.selection, [.bold, .reverse]))]
        }
        if settings.paused {
            marks += [Span(" "), Span(" PAUSED ", Style(.warn, [.bold, .reverse]))]
            shortMarks += [Span(" "), Span(" PAUSED ", Style(.warn, [.bold, .reverse]))]
        }
        let mode = Span(" " + settings.mode.rawValue.uppercased() + " ", Meaning.mode(settings.mode))
        let jobs = jobs(settings, commands: s.commands, tight: false)
        let jobsShort = jobs.count > 24 ? self.jobs(settings, commands: s.commands, tight: true) : jobs

        // What jobs measure against what was asked (one workload only: a mix has many sizes).
        var measured: [Span] = []
        if settings.mix.isEmpty, s.commands[settings.workload] == nil, s.queue.run.count > 0 {
            measured = [Span(" (run p50 " + Units.ms(s.queue.run.p50) + ")", .dim)]
        }
        let rest: [Span] = [
            Span("  "), Span(Units.rate(settings.rate), .text), Span(" jobs/s", .dim),
            Span("  workers ", .dim), Span("\(s.liveWorkers)", workersStyle),
            Span(" (\(s.cores) core\(s.cores == 1 ? "" : "s"))", .dim),
        ]
        // Built step by step: one long `+` chain of array literals is slow to type-check.
        var plain: [Span] = [Span(" looptop ", .title), Span(" "), mode]
        plain += marks
        plain += [Span("  "), Span(jobs, .text)]
        var long = plain
        long += measured
        long += rest
        plain += rest
        var short: [Span] = [mode]
        short += shortMarks
        short += [
            Span(" "), Span(jobsShort, .text),
            Span(" "), Span(Units.rate(settings.rate) + "/s", .text),
            Span(" "), Span("\(s.liveWorkers)", workersStyle), Span("w/\(s.cores)c", .dim),
        ]
        let helpLong = [Span("?", .key), Span(" help  ", .dim), Span("q", .key), Span(" quit ", .dim)]
        let helpShort = [Span("?", .key), Span(" help ", .dim)]
        let cols = canvas.cols
        // Short figures, but the frozen mark in full when the engine changed.
        var shortFull: [Span] = [mode]
        shortFull += marks
        shortFull += Array(short.dropFirst(1 + shortMarks.count))
        let choices: [([Span], [Span])] = [(long, helpLong), (plain, helpLong), (plain, helpShort), (shortFull, helpShort), (short, helpShort),
                                           (short, [Span("?", .key)]), (short, [])]
        for (left, right) in choices {
            let l = TextLine(left), r = TextLine(right)
            if l.width + r.width + 1 <= cols || right.isEmpty {
                l.render(canvas)
                if !right.isEmpty { r.render(canvas.sub(Rect(row: 0, col: cols - r.width, rows: 1, cols: r.width))) }
                return
            }
        }
    }

    /// What new jobs are: "primes 20 ms", "gz: gzip -6 (a run a job)",
    /// "mix of 4 (thumbs 30 ms, imports 10 ms, …)". `tight` is for narrow
    /// terminals ("primes 20ms", "mix of 4").
    static func jobs(_ settings: EngineSettings, commands: [String: String], tight: Bool) -> String {
        func size(_ workload: String, ms: Double, units: Int?) -> String {
            if commands[workload] != nil { return "" }
            if let units { return " \(units) unit\(units == 1 ? "" : "s")" }
            return " " + (tight ? Units.msTight(ms) : Units.ms(ms))
        }
        guard !settings.mix.isEmpty else {
            if let command = commands[settings.workload] {
                return tight ? settings.workload + ": " + command : "\(settings.workload): \(command) (a run a job)"
            }
            return settings.workload + size(settings.workload, ms: settings.jobMs, units: nil)
        }
        let head = "mix of \(settings.mix.count)"
        if tight { return head }
        let entries = settings.mix.map { entry in
            entry.workload + size(entry.workload, ms: entry.jobMs ?? settings.jobMs, units: entry.units)
        }
        let listed = entries.prefix(2).joined(separator: ", ") + (entries.count > 2 ? ", …" : "")
        return "\(head) (\(listed))"
    }

    /// What the engine does now, when it differs from the frozen frame: "BLOCKING 160 ms".
    static func changed(from shown: EngineSettings, to now: EngineSettings, commands: [String: String]) -> String? {
        var parts: [String] = []
        if now.mode != shown.mode { parts.append(now.mode.rawValue.uppercased()) }
        let (was, is_) = (jobs(shown, commands: commands, tight: false), jobs(now, commands: commands, tight: false))
        if was != is_ || !parts.isEmpty { parts.append(is_) }
        if now.rate != shown.rate { parts.append(Units.rate(now.rate) + " jobs/s") }
        if now.paused != shown.paused { parts.append(now.paused ? "paused" : "running") }
        return parts.isEmpty ? nil : parts.joined(separator: " ")
    }

    /// A watched Node app: its script, pid and Node version, its live workers.
    static func renderNode(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        var marks: [Span] = []
        if let mark = frame.timeMark { marks += [Span(" "), Span(" " + mark + " ", Style(.selection, [.bold, .reverse]))] }
        if frame.state.frozen { marks += [Span(" "), Span(" FROZEN ", Style(.selection, [.bold, .reverse]))] }
        let left: [Span] = [Span(" looptop ", .title), Span(" "), Span(" NODE ", Style(.title, [.bold, .reverse]))] + marks + [
            Span(" "), Span(s.source.title.hasPrefix("node ") ? String(s.source.title.dropFirst(5)) : s.source.title, .text),
            Span("  pid ", .dim), Span(s.source.pid.map { String($0) } ?? "?", .text),
            Span("  ", .dim), Span(s.node?.nodeVersion ?? (s.source.kind == .node ? s.source.version : nil) ?? "node ?", .text),
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
