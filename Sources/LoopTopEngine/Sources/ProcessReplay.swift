/// `looptop replay FILE --headless` for a recording of `looptop attach`:
/// the lines `attach --headless` printed, rebuilt from the recorded readings.
///
/// Each reading holds every thread's cumulative figures (CPU seconds,
/// run-queue wait seconds, context switches), so the figures of any span of
/// recorded time are differences over it, as the live watch computes them:
/// a line every `interval` seconds of recorded time (at the recorded
/// interval, the live lines' figures), a line saying the process exited if
/// it did, then the summary over the whole recording.
public struct ProcessReplay {
    public var interval: Double

    public init(interval: Double = 1) { self.interval = interval }

    @discardableResult
    public func run(_ recording: RecordingFile, write: (String) -> Void) -> ProcessReport {
        let frames = recording.timeline.entries.map(\.snapshot)
        guard let first = frames.first, let last = frames.last else {
            let empty = ProcessReport(Snapshot(), summary: true)
            write(empty.jsonLine())
            return empty
        }
        let step = Nanos.fromSeconds(max(0.01, interval))
        var from = first
        var next = first.time &+ step
        var events: [String] = []
        for frame in frames.dropFirst() {
            events += frame.log.map(\.message)
            if let ended = frame.process?.ended {
                write(ProcessReport.exitedLine(pid: frame.process?.pid ?? 0, command: frame.process?.command ?? "",
                                               t: frame.uptimeSeconds, message: ended))
                break
            }
            guard frame.time >= next else { continue }
            write(ProcessReport(Self.span(from: from, to: frame), summary: false, events: events).jsonLine())
            events = []
            from = frame
            while next <= frame.time { next &+= step }
        }
        let summary = ProcessReport(Self.span(from: first, to: last, whole: true), summary: true)
        write(summary.jsonLine())
        return summary
    }

    /// Frame `b` with its per-thread and process figures over the span since
    /// frame `a`. `whole`: the process's CPU over the span includes threads
    /// that ended in it (the live summary's figure).
    public static func span(from a: Snapshot, to b: Snapshot, whole: Bool = false) -> Snapshot {
        var s = b
        let seconds = Double(b.time &- a.time) / 1e9
        guard seconds > 0, var p = b.process else { return s }
        let before = Dictionary(a.threads.map { ($0.tid, $0) }, uniquingKeysWith: { x, _ in x })
        s.threads = b.threads.map { row in
            var t = row
            let base = before[row.tid]
            // A thread that started within the span: its counters began at 0.
            t.cpu = max(0, row.cpuSeconds - (base?.cpuSeconds ?? 0)) / seconds
            if let wait = row.runqueueWaitSeconds {
                t.runqueueWait = min(1, max(0, wait - (base?.runqueueWaitSeconds ?? 0)) / seconds)
            }
            t.voluntarySwitchesPerSecond = Double(row.voluntarySwitches &- min(row.voluntarySwitches, base?.voluntarySwitches ?? 0)) / seconds
            t.involuntarySwitchesPerSecond = Double(row.involuntarySwitches &- min(row.involuntarySwitches, base?.involuntarySwitches ?? 0)) / seconds
            return t
        }
        let runnable = s.threads.filter { $0.cpu + ($0.runqueueWait ?? 0) >= ProcessWatch.runnableShare }
        let waits = runnable.compactMap(\.runqueueWait)
        p.runnableThreads = runnable.count
        p.runnableWait = waits.isEmpty || waits.count < runnable.count ? nil : waits.reduce(0, +) / Double(waits.count)
        p.cpuCores = whole ? p.totalCPUCores : s.threads.reduce(0) { $0 + $1.cpu }
        p.intervalSeconds = whole ? p.watchedSeconds : seconds
        s.warnings = ProcessWatch.warnings(runnable: p.runnableThreads, wait: p.runnableWait, cores: p.cores,
                                           cpuCores: p.cpuCores)
        s.process = p
        return s
    }
}
