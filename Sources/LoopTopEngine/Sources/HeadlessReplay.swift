/// Prints a recording as `looptop run --headless` printed the run: one
/// ``HeadlessReport`` line per `interval` seconds of recorded time, then
/// the summary, as fast as it can. Interval and whole-run figures are
/// rebuilt from the recorded deltas, so they are the live run's.
public struct HeadlessReplay {
    public var interval: Double

    public init(interval: Double = 1) { self.interval = interval }

    @discardableResult
    public func run(_ recording: RecordingFile, write: (String) -> Void) -> HeadlessReport {
        let entries = recording.timeline.entries
        let step = Nanos.fromSeconds(max(0.01, interval))
        var scopes = ScopeAccumulator()
        let start = entries.first?.snapshot.time ?? 0
        var next = start &+ step
        var lastLine = start
        var busy: UInt64 = 0
        for entry in entries {
            if let delta = entry.delta {
                scopes.add(delta)
                busy = delta.busyEnd
            }
            let now = entry.snapshot.time
            if now >= next {
                write(HeadlessReport(figures(entry.snapshot, scopes, busy: busy), summary: false).jsonLine())
                scopes.closeInterval(at: now, busy: busy, submitted: entry.snapshot.jobs.submitted)
                lastLine = now
                while next <= now { next &+= step }
            }
        }
        guard let last = entries.last?.snapshot else { return HeadlessReport(Snapshot(), summary: true) }
        // A final partial interval still gets its line, unless it is empty (as live).
        if last.time > lastLine &+ 1_000_000 {
            write(HeadlessReport(figures(last, scopes, busy: busy), summary: false).jsonLine())
        }
        let summary = HeadlessReport(figures(last, scopes, busy: busy), summary: true)
        write(summary.jsonLine())
        return summary
    }

    private func figures(_ snapshot: Snapshot, _ scopes: ScopeAccumulator, busy: UInt64) -> Snapshot {
        var s = snapshot
        s.interval = scopes.intervalFigures(now: s.time, busy: busy)
        s.total = scopes.totalFigures(now: s.time, busy: busy)
        let models = scopes.models(s)
        s.interval.model = models.interval
        s.total.model = models.total
        return s
    }
}
