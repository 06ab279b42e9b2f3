import DequeModule
import Histogram

/// Durations kept with the time they were taken, for a sliding window.
///
/// Kept in a plain array with a moving start rather than a Deque: this runs
/// at the frame rate over thousands of samples, and our own code is built
/// optimised even in a debug build, where a dependency's generic code is not.
struct TimedWindow {
    private var times: [UInt64] = []
    private var values: [UInt64] = []
    private var start = 0
    let span: UInt64
    let limit: Int

    init(span: UInt64, limit: Int = 50_000) {
        self.span = span
        self.limit = limit
    }

    /// The samples in the window, oldest first.
    var samples: [(at: UInt64, value: UInt64)] {
        (start..<times.count).map { (times[$0], values[$0]) }
    }

    var first: (at: UInt64, value: UInt64)? { start < times.count ? (times[start], values[start]) : nil }

    mutating func add(_ value: UInt64, at time: UInt64) {
        times.append(time)
        values.append(value)
        if count > limit { start += count - limit }
        compactIfWorthIt()
    }

    mutating func expire(now: UInt64) {
        let cutoff = now > span ? now - span : 0
        while start < times.count, times[start] < cutoff { start += 1 }
        compactIfWorthIt()
    }

    /// Drops the expired prefix once it is as long as the live part.
    private mutating func compactIfWorthIt() {
        guard start > 1024, start * 2 > times.count else { return }
        times.removeFirst(start)
        values.removeFirst(start)
        start = 0
    }

    mutating func reset() {
        times.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        start = 0
    }

    var count: Int { times.count - start }

    func max(since time: UInt64) -> UInt64 {
        var best: UInt64 = 0
        var i = times.count - 1
        while i >= start, times[i] >= time {
            best = Swift.max(best, values[i])
            i -= 1
        }
        return best
    }

    /// p50 / p99 / max of the window, exactly (the window is small).
    func summary() -> LatencySummary {
        guard count > 0 else { return .empty }
        let sorted = values[start...].sorted()
        func at(_ p: Double) -> Double {
            let rank = Int((p / 100 * Double(sorted.count)).rounded(.up)) - 1
            return Nanos.ms(sorted[Swift.min(Swift.max(rank, 0), sorted.count - 1)])
        }
        return LatencySummary(count: UInt64(sorted.count), p50: at(50), p99: at(99), max: Nanos.ms(sorted.last!))
    }
}

/// Latencies in µs with two significant digits (within 1 %), from 1 µs to an
/// hour. Three digits cost 8x the buckets, and every snapshot reads
/// percentiles from several of these at the frame rate.
struct LatencyHistogram {
    private(set) var histogram = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)

    mutating func record(nanos: UInt64) {
        let micros = Swift.max(1, Swift.min(nanos / 1000, 3_600_000_000))
        _ = histogram.record(micros)
    }

    /// Adds `count` values of `micros` (a recording's bucket, merged back).
    mutating func record(micros: UInt64, count: UInt64) {
        _ = histogram.record(Swift.max(1, Swift.min(micros, 3_600_000_000)), count: count)
    }

    mutating func reset() { histogram.reset() }

    var summary: LatencySummary {
        guard histogram.totalCount > 0 else { return .empty }
        return LatencySummary(
            count: histogram.totalCount,
            p50: Double(histogram.valueAtPercentile(50)) / 1000,
            p99: Double(histogram.valueAtPercentile(99)) / 1000,
            max: Double(histogram.max) / 1000)
    }
}

/// The figures of one scope (an interval, or the whole run).
struct ScopeFigures {
    var start: UInt64
    var busyAtStart: UInt64
    var lag = LatencyHistogram()
    var requests = LatencyHistogram()
    var wait = LatencyHistogram()
    var run = LatencyHistogram()
    var copy = LatencyHistogram()
    var inputJobs: UInt64 = 0
    var copiedBytes: UInt64 = 0
    var allocatedBytes: UInt64 = 0

    mutating func absorb(_ job: JobRecord) {
        wait.record(nanos: job.waitNanos)
        run.record(nanos: job.runNanos)
        guard job.inputBytes > 0 else { return }
        inputJobs += 1
        copiedBytes += UInt64(job.copiedBytes)
        allocatedBytes += UInt64(job.allocatedBytes)
        if job.copiedBytes > 0 { copy.record(nanos: job.copyNanos) }
    }

    init(start: UInt64, busy: UInt64) {
        self.start = start
        busyAtStart = busy
    }

    func figures(now: UInt64, busy: UInt64) -> IntervalFigures {
        let span = now &- start
        var figures = IntervalFigures()
        figures.seconds = Double(span) / 1e9
        figures.lag = lag.summary
        figures.requestLatency = requests.summary
        figures.requestsCompleted = requests.histogram.totalCount
        figures.utilization = span > 0 ? Swift.min(1, Double(busy &- busyAtStart) / Double(span)) : 0
        figures.wait = wait.summary
        figures.run = run.summary
        figures.data = DataFigures(jobs: inputJobs, copiedBytes: copiedBytes, copy: copy.summary,
                                   allocatedBytes: allocatedBytes)
        return figures
    }
}

/// What the monitor keeps of one worker between snapshots.
struct WorkerTrack {
    var samples: Deque<(at: UInt64, busy: UInt64, cpu: UInt64)> = []
    var activity: Deque<Double> = []
    var recentJobs: Deque<JobRecord> = []
    var run = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
    var runWindow: TimedWindow
}

/// Turns the engine's raw channels (the rings, the pool's ledger, the loop's
/// atomics) into ``Snapshot``s. One consumer at a time (the engine keeps it
/// behind a lock); its cost is paid at the frame rate, not per job.
struct Monitor {
    /// Engine-clock time the engine started, ns.
    let startedAt: UInt64
    let window: UInt64
    let recentMaxSpan: UInt64 = 1_000_000_000
    let historyLength: Int
    let logLength = 200
    let recentJobsLength = 24

    var lagWindow: TimedWindow
    var requestWindow: TimedWindow
    var handbackWindow: TimedWindow
    var waitWindow: TimedWindow
    var runWindow: TimedWindow
    var copyWindow: TimedWindow
    /// Jobs with inputs in the window: when they ended, and bytes copied.
    var dataJobs: Deque<(at: UInt64, copied: UInt64)> = []
    var busySamples: Deque<(at: UInt64, busy: UInt64, requests: UInt64)> = []
    var lagHistory: Deque<Double> = []
    var utilizationHistory: Deque<Double> = []
    var depthHistory: Deque<Double> = []
    var tracks: [Int: WorkerTrack] = [:]
    var log: Deque<EngineEvent> = []
    var interval: ScopeFigures
    var total: ScopeFigures
    /// Since the previous step: what a recording stores of each frame.
    var tick: ScopeFigures
    /// The statistics were reset since the previous step.
    var resetSinceTick = false
    /// The last step's tick figures, for the recorder.
    var lastDelta = ScopeDelta()
    var lastSnapshotAt: UInt64
    var lastBusy: UInt64 = 0
    var lastRejected: UInt64 = 0
    var rejectedReportedAt: UInt64 = 0
    var lagSinceLastSnapshot: UInt64 = 0

    init(start: UInt64, windowSeconds: Double, historyLength: Int) {
        startedAt = start
        window = Nanos.fromSeconds(windowSeconds)
        self.historyLength = historyLength
        lagWindow = TimedWindow(span: window)
        requestWindow = TimedWindow(span: window)
        handbackWindow = TimedWindow(span: window)
        waitWindow = TimedWindow(span: window)
        runWindow = TimedWindow(span: window)
        copyWindow = TimedWindow(span: window)
        interval = ScopeFigures(start: start, busy: 0)
        total = ScopeFigures(start: start, busy: 0)
        tick = ScopeFigures(start: start, busy: 0)
        lastSnapshotAt = start
    }

    mutating func resetStatistics(now: UInt64, busy: UInt64) {
        lagWindow.reset(); requestWindow.reset(); handbackWindow.reset(); waitWindow.reset(); runWindow.reset()
        copyWindow.reset(); dataJobs.removeAll()
        busySamples.removeAll()
        lagHistory.removeAll(); utilizationHistory.removeAll(); depthHistory.removeAll()
        for id in tracks.keys {
            tracks[id]!.samples.removeAll()
            tracks[id]!.activity.removeAll()
            tracks[id]!.recentJobs.removeAll()
            tracks[id]!.run.reset()
            tracks[id]!.runWindow.reset()
        }
        interval = ScopeFigures(start: now, busy: busy)
        total = ScopeFigures(start: now, busy: busy)
        tick = ScopeFigures(start: now, busy: busy)
        resetSinceTick = true
    }

    mutating func absorb(_ sample: LoopSample) {
        switch sample.kind {
        case .lag:
            lagWindow.add(sample.value, at: sample.at)
            interval.lag.record(nanos: sample.value)
            total.lag.record(nanos: sample.value)
            tick.lag.record(nanos: sample.value)
            lagSinceLastSnapshot = max(lagSinceLastSnapshot, sample.value)
        case .request:
            requestWindow.add(sample.value, at: sample.at)
            interval.requests.record(nanos: sample.value)
            total.requests.record(nanos: sample.value)
            tick.requests.record(nanos: sample.value)
        case .handback:
            handbackWindow.add(sample.value, at: sample.at)
        }
    }

    mutating func absorb(_ event: EngineEvent) {
        if event.kind == .jobFinished, let job = event.job {
            waitWindow.add(job.waitNanos, at: job.finishedAt)
            runWindow.add(job.runNanos, at: job.finishedAt)
            interval.absorb(job)
            total.absorb(job)
            tick.absorb(job)
            if job.inputBytes > 0 {
                dataJobs.append((job.finishedAt, UInt64(job.copiedBytes)))
                if job.copiedBytes > 0 { copyWindow.add(job.copyNanos, at: job.finishedAt) }
            }
            if let worker = job.workerID {
                var track = tracks[worker] ?? WorkerTrack(runWindow: TimedWindow(span: window, limit: 5_000))
                track.recentJobs.append(job)
                if track.recentJobs.count > recentJobsLength { track.recentJobs.removeFirst() }
                _ = track.run.record(max(1, job.runNanos / 1000))
                track.runWindow.add(job.runNanos, at: job.finishedAt)
                tracks[worker] = track
            }
            // Jobs that did not complete are worth a line; completed ones are counted, not logged.
            guard job.outcome != .completed else { return }
            appendLog(EngineEvent(
                time: event.time, kind: .jobFinished, workerID: event.workerID, job: job,
                message: "job #\(job.id) \(job.workload) \(job.outcome.rawValue)"
                    + (job.reason.map { ": \($0)" } ?? "")))
            return
        }
        appendLog(event)
    }

    mutating func appendLog(_ event: EngineEvent) {
        log.append(event)
        if log.count > logLength { log.removeFirst(log.count - logLength) }
    }

    /// Input hand-over figures over the recent window.
    mutating func dataFigures(now: UInt64) -> DataFigures {
        copyWindow.expire(now: now)
        let cutoff = now > window ? now - window : 0
        while let first = dataJobs.first, first.at < cutoff { dataJobs.removeFirst() }
        let copied = dataJobs.reduce(UInt64(0)) { $0 + $1.copied }
        return DataFigures(jobs: UInt64(dataJobs.count), copiedBytes: copied, copy: copyWindow.summary())
    }

    static func push(_ value: Double, into history: inout Deque<Double>, limit: Int) {
        history.append(value)
        if history.count > limit { history.removeFirst(history.count - limit) }
    }
}

extension Deque {
    /// The elements as an Array. An empty Deque gives a fresh `[]` rather
    /// than going through `Array(_:)`, which writes a zero count into the
    /// shared empty-array storage: harmless, but a race to ThreadSanitizer.
    var asArray: [Element] { isEmpty ? [] : Array(self) }
}
