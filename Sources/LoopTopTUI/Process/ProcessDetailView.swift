import LoopTopEngine

/// One thread of a watched process in full: its figures now and since it
/// started, its CPU and wait over the recent readings, and how to check them.
enum ProcessDetailView {
    static func render(_ canvas: Canvas, frame: ProcessFrame, thread t: ThreadSnapshot) {
        let pid = frame.snapshot.process?.pid ?? 0
        let inside = Box(title: "Thread \(t.tid) \(t.name)", note: t.startedDuringWatch ? "started during the watch" : "")
            .render(canvas)
        guard inside.rows > 0 else { return }
        let none = frame.glyphs.none
        let interval = frame.snapshot.process?.intervalSeconds ?? 0
        let lines: [FieldLine] = [
            FieldLine([.init("state", t.state, ThreadsTable.stateStyle(t.state)),
                       .init("CPU", Units.ratio(t.cpu) + " cores"),
                       .init("waiting for a CPU", t.runqueueWait.map(Units.percent) ?? none),
                       .init("over", Units.ratio(interval) + " s")]),
            FieldLine([.init("switches/s voluntary", Units.rate(t.voluntarySwitchesPerSecond)),
                       .init("involuntary", Units.rate(t.involuntarySwitchesPerSecond))]),
            FieldLine([.init("since it started: CPU", Units.ratio(t.cpuSeconds) + " s"),
                       .init("waited", t.runqueueWaitSeconds.map { Units.ratio($0) + " s" } ?? none),
                       .init("switches", "\(Units.count(t.voluntarySwitches)) vol, \(Units.count(t.involuntarySwitches)) invol"),
                       .init("timeslices", t.timeslices.map { Units.count($0) } ?? none),
                       .init("mean slice", meanSlice(t) ?? none)]),
        ]
        var row = 0
        for line in lines where row < inside.rows {
            line.render(inside.line(row).sub(Rect(row: 0, col: 1, rows: 1, cols: inside.cols - 1)))
            row += 1
        }
        let spare = inside.rows - row - 2
        if spare >= 4 {
            let each = spare / 2
            for (label, values, max) in [("CPU (cores), one column a reading", t.activity, 1.0),
                                          ("waiting for a CPU (share), one column a reading", t.waitHistory, 1.0)] {
                row += 1
                TextLine(" " + label, .dim).render(inside.line(row))
                row += 1
                let graph = inside.sub(Rect(row: row, col: 1, rows: each - 2, cols: inside.cols - 2))
                Sparkline(values, maxValue: max, reduce: .mean, ink: Meaning.activityInk).render(graph)
                row += each - 2
            }
        }
        if inside.rows >= 2 {
            TextLine(" check: cat /proc/\(pid)/task/\(t.tid)/schedstat; grep ctxt /proc/\(pid)/task/\(t.tid)/status; ps -L -o tid,comm,stat,pcpu -p \(pid)", .dim)
                .render(inside.line(inside.rows - 1))
        }
    }

    /// Mean time on a CPU per timeslice: short slices with a high wait are
    /// what time-slicing between too many runnable threads looks like.
    static func meanSlice(_ t: ThreadSnapshot) -> String? {
        guard let slices = t.timeslices, slices > 0 else { return nil }
        return Units.ms(t.cpuSeconds * 1000 / Double(slices))
    }
}
