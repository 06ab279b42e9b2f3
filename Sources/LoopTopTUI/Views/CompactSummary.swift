import LoopTopEngine

/// The loop and the queue in three lines, for terminals under 80×20:
///
/// ```
/// loop p99 0.31 ms  max 1.2 ms  >50ms 0%  busy 12%
///  lag ▁▁▁▂▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁▁   1.2 ms
/// queue 12  done 1180  fail 0  rej 0
/// ```
enum CompactSummary {
    static func render(_ canvas: Canvas, frame: Frame) {
        let s = frame.snapshot
        let loop = s.loop
        guard canvas.rows > 0 else { return }
        let first = canvas.line(0)
        TextLine("loop ", .title).render(first)
        FieldLine([
            .init("p99", Units.ms(loop.lag.p99), Meaning.lag(loop.lag.p99)),
            .init("max", Units.ms(loop.lag.max), Meaning.lag(loop.lag.max)),
            .init("late>50ms", short: ">50ms", Units.percent(loop.lateShare.over50ms),
                  loop.lateShare.over50ms >= 0.05 ? .critical : loop.lateShare.over50ms > 0 ? .warn : .text),
            .init("busy", Units.percent(loop.utilization), Meaning.utilization(loop.utilization)),
            .init("req", Units.rate(loop.requestsPerSecond) + "/s"),
        ]).render(first.sub(Rect(row: 0, col: 6, rows: 1, cols: first.cols - 6)))

        if canvas.rows > 1 {
            let second = canvas.line(1)
            if let blocked = LoopPanel.blockedLine(frame) {
                blocked.render(second)
            } else {
                TextLine("  lag ", .dim).render(second)
                LoopPanel.lagGraph(second.sub(Rect(row: 0, col: 6, rows: 1, cols: second.cols - 6)), frame: frame)
            }
        }
        if canvas.rows > 2 {
            let third = canvas.line(2)
            TextLine("queue", .title).render(third)
            let depth = s.queue.depth + s.queue.loopDepth
            FieldLine([
                .init("", Units.count(depth), Meaning.depth(depth, capacity: s.queue.capacity)),
                .init("done", Units.count(s.jobs.completed)),
                .init("failed", short: "fail", Units.count(s.jobs.failed), Meaning.bad(s.jobs.failed, critical: true)),
                .init("rejected", short: "rej", Units.count(s.jobs.rejected), Meaning.bad(s.jobs.rejected, critical: true)),
                .init("cancelled", short: "canc", Units.count(s.jobs.cancelled), Meaning.bad(s.jobs.cancelled)),
                .init("wait p99", short: "wait", Units.ms(s.queue.wait.p99), Meaning.wait(s.queue.wait.p99, runMs: s.queue.run.p50)),
            ]).render(third.sub(Rect(row: 0, col: 6, rows: 1, cols: third.cols - 6)))
        }
    }
}
