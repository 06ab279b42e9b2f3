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
    /// The last summary and the samples it covered (start, end): samples
    /// only come at the end and leave at the start, so equal bounds mean
    /// equal samples, and an unchanged window is not sorted again.
    private var cached: (start: Int, end: Int, summary: LatencySummary)?
    /// The values of samples `sortedFrom.start ..< sortedFrom.end`, ascending:
    /// the next summary merges in what arrived and takes out what left, one
    /// pass, instead of sorting the whole window again (a 1 ms lag probe puts
    /// 5,000 samples in a 5 s window, and their sort every frame was a
    /// sixteenth of a 1,000-worker frame; perf).
    private var sorted: [UInt64] = []
    private var sortedFrom: (start: Int, end: Int)?

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
        cached = nil
        sortedFrom = nil
        times.removeFirst(start)
        values.removeFirst(start)
        start = 0
    }

    mutating func reset() {
        cached = nil
        sortedFrom = nil
        sorted.removeAll(keepingCapacity: true)
        times.removeAll(keepingCapacity: true)
        values.removeAll(keepingCapacity: true)
        start = 0
    }

    var count: Int { times.count - start }

    /// Mean and standard deviation of the values, in ms.
    func meanAndDeviationMs() -> (mean: Double, deviation: Double) {
        guard count > 0 else { return (0, 0) }
        var sum = 0.0
        var squares = 0.0
        for i in start..<times.count {
            let v = Double(values[i]) / 1e6
            sum += v
            squares += v * v
        }
        let n = Double(count)
        let mean = sum / n
        return (mean, n > 1 ? (Swift.max(0, squares / n - mean * mean)).squareRoot() : 0)
    }

    func max(since time: UInt64) -> UInt64 {
        var best: UInt64 = 0
        var i = times.count - 1
        while i >= start, times[i] >= time {
            best = Swift.max(best, values[i])
            i -= 1
        }
        return best
    }

    /// Late time past each threshold of the lag samples in the window (each
    /// value a lag, at the time its timer fired), counted from `notBefore` on.
    func lateNanos(notBefore: UInt64) -> LateNanos {
        var late = LateNanos()
        var i = start
        while i < times.count {
            // Samples under the smallest threshold add nothing: skip the arithmetic.
            if values[i] > LateNanos.thresholds.0 {
                late = late + LateNanos.of(lag: values[i], firedAt: times[i], notBefore: notBefore)
            }
            i += 1
        }
        return late
    }

    /// p50 / p99 / max of the window, exactly (the window is small).
    mutating func summary() -> LatencySummary {
        if let cached, cached.start == start, cached.end == times.count { return cached.summary }
        updateSorted()
        let made = sortedSummary()
        cached = (start, times.count, made)
        return made
    }

    /// Brings `sorted` to the samples in the window now.
    private mutating func updateSorted() {
        let end = times.count
        guard let from = sortedFrom, from.start <= start, from.end <= end, from.end >= start else {
            sorted = values[start..<end].sorted()
            sortedFrom = (start, end)
            return
        }
        let left = values[from.start..<start].sorted()
        let arrived = values[from.end..<end].sorted()
        if left.isEmpty && arrived.isEmpty { return }
        // Many moved (a burst, a long gap between frames): sorting is as cheap.
        if 4 * (left.count + arrived.count) > sorted.count {
            sorted = values[start..<end].sorted()
            sortedFrom = (start, end)
            return
        }
        var merged: [UInt64] = []
        merged.reserveCapacity(sorted.count - left.count + arrived.count)
        var l = 0, a = 0
        for v in sorted {
            // `left` is part of `sorted`, both ascending: each leaving value
            // is met in turn.
            if l < left.count, left[l] == v { l += 1; continue }
            while a < arrived.count, arrived[a] < v { merged.append(arrived[a]); a += 1 }
            merged.append(v)
        }
        merged.append(contentsOf: arrived[a...])
        sorted = merged
        sortedFrom = (start, end)
    }

    private func sortedSummary() -> LatencySummary {
        guard count > 0 else { return .empty }
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
    /// Sums of the recorded values as the histogram holds them (each bucket's
    /// median equivalent, as its `mean` counts them), and of their squares:
    /// the mean and spread the queueing model reads every tick, without
    /// walking every bucket (that walk was over half of a 1,000-worker tick).
    private var sum = 0.0
    private var sumOfSquares = 0.0
    /// The percentiles as last read, until a value is added: reading them
    /// walks the buckets in the dependency's generic code, unspecialised
    /// across modules, and every frame reads fourteen (a tenth of a
    /// 64-worker frame's CPU; perf, `looptop bench --only dashboard`).
    private var cached: LatencySummary?
    /// The histogram's non-empty buckets, ascending, each as the lowest
    /// value it holds and its count: the percentiles are read from these
    /// few instead of the dependency's walk over every bucket below them
    /// (unspecialised generic code: a sixth of a 1,000-worker tick, perf).
    /// Read exactly as `Histogram.valueAtPercentile` reads its buckets.
    private var buckets: [(low: UInt64, count: UInt64)] = []

    mutating func record(nanos: UInt64) {
        let micros = Swift.max(1, Swift.min(nanos / 1000, 3_600_000_000))
        _ = histogram.record(micros)
        add(micros, count: 1)
    }

    /// Adds `count` values of `micros` (a recording's bucket, merged back).
    mutating func record(micros: UInt64, count: UInt64) {
        let value = Swift.max(1, Swift.min(micros, 3_600_000_000))
        _ = histogram.record(value, count: count)
        add(value, count: count)
    }

    private mutating func add(_ micros: UInt64, count: UInt64) {
        cached = nil
        let low = histogram.lowestEquivalentForValue(micros)
        var lo = 0, hi = buckets.count
        while lo < hi {
            let mid = (lo + hi) / 2
            if buckets[mid].low < low { lo = mid + 1 } else { hi = mid }
        }
        if lo < buckets.count, buckets[lo].low == low {
            buckets[lo].count += count
        } else {
            buckets.insert((low, count), at: lo)
        }
        let v = Double(histogram.medianEquivalentForValue(micros))
        sum += v * Double(count)
        sumOfSquares += v * v * Double(count)
    }

    mutating func reset() {
        histogram.reset()
        buckets.removeAll()
        cached = nil
        sum = 0
        sumOfSquares = 0
    }

    /// Mean of the recorded values, µs (the histogram's `mean`, from the sums).
    var mean: Double {
        let n = Double(histogram.totalCount)
        return n > 0 ? sum / n : 0
    }

    /// Standard deviation of the recorded values, µs (the histogram's `stdDeviation`, from the sums).
    var stdDeviation: Double {
        let n = Double(histogram.totalCount)
        guard n > 0 else { return 0 }
        let m = sum / n
        return (Swift.max(0, sumOfSquares / n - m * m)).squareRoot()
    }

    /// p50, p99 and max, kept until the next value.
    mutating func summarize() -> LatencySummary {
        if let cached { return cached }
        let made = histogram.totalCount == 0 ? LatencySummary.empty : LatencySummary(
            count: histogram.totalCount,
            p50: Double(value(atPercentile: 50)) / 1000,
            p99: Double(value(atPercentile: 99)) / 1000,
            max: Double(histogram.max) / 1000)
        cached = made
        return made
    }

    /// What `histogram.valueAtPercentile(percentile)` returns (0 < percentile < 100),
    /// from the non-empty buckets.
    func value(atPercentile percentile: Double) -> UInt64 {
        let total = histogram.totalCount
        guard total > 0 else { return 0 }
        let requested = Swift.min(Swift.max(percentile.nextDown, 0), 100)
        let countAtPercentile = Swift.max(1, UInt64((requested * Double(total) / 100).rounded(.up)))
        var running: UInt64 = 0
        for bucket in buckets {
            running += bucket.count
            if running >= countAtPercentile {
                let value = histogram.highestEquivalentForValue(bucket.low)
                return Swift.max(Swift.min(value, histogram.maxRecorded), histogram.min)
            }
        }
        return 0
    }
}

/// The figures of one scope (an interval, or the whole run).
struct ScopeFigures {
    var start: UInt64
    var busyAtStart: UInt64
    /// Jobs offered before this scope began: arrivals in the scope are the
    /// difference (the queueing model's λ).
    var submittedAtStart: UInt64
    var lag = LatencyHistogram()
    var requests = LatencyHistogram()
    var wait = LatencyHistogram()
    var run = LatencyHistogram()
    var copy = LatencyHistogram()
    var pickup = LatencyHistogram()
    var handback = LatencyHistogram()
    var inputJobs: UInt64 = 0
    var copiedBytes: UInt64 = 0
    var allocatedBytes: UInt64 = 0
    /// Time the loop was late past each threshold, from lag samples that fired in this scope.
    var late = LateNanos()

    mutating func absorb(_ job: JobRecord) {
        wait.record(nanos: job.waitNanos)
        run.record(nanos: job.runNanos)
        if let p = job.pickupNanos { pickup.record(nanos: p) }
        guard job.inputBytes > 0 else { return }
        inputJobs += 1
        copiedBytes += UInt64(job.copiedBytes)
        allocatedBytes += UInt64(job.allocatedBytes)
        if job.copiedBytes > 0 { copy.record(nanos: job.copyNanos) }
    }

    init(start: UInt64, busy: UInt64, submitted: UInt64 = 0) {
        self.start = start
        busyAtStart = busy
        submittedAtStart = submitted
    }

    /// The queueing model over this scope (see ``QueueModel``).
    func model(now: UInt64, submitted: UInt64, mode: Mode, liveWorkers: Int, cores: Int,
               cpuPerWall: Double) -> QueueModel? {
        let finished = run.histogram.totalCount
        return QueueModel.measured(
            offered: submitted &- submittedAtStart, seconds: Double(now &- start) / 1e9,
            runMeanMs: finished > 0 ? run.mean / 1000 : 0,
            runStdMs: finished > 1 ? run.stdDeviation / 1000 : 0,
            finished: finished, waitMeanMs: wait.histogram.totalCount > 0 ? wait.mean / 1000 : 0,
            mode: mode, liveWorkers: liveWorkers, cores: cores, cpuPerWall: cpuPerWall)
    }

    /// `lateInProgress`: late time of a stall still going on that belongs to this scope.
    mutating func figures(now: UInt64, busy: UInt64, lateInProgress: LateNanos = LateNanos()) -> IntervalFigures {
        let span = now &- start
        var figures = IntervalFigures()
        figures.seconds = Double(span) / 1e9
        figures.lateShare = (late + lateInProgress).share(of: span)
        figures.lag = lag.summarize()
        figures.requestLatency = requests.summarize()
        figures.requestsCompleted = requests.histogram.totalCount
        figures.utilization = span > 0 ? Swift.min(1, Double(busy &- busyAtStart) / Double(span)) : 0
        figures.wait = wait.summarize()
        figures.run = run.summarize()
        figures.pickup = pickup.summarize()
        figures.handback = handback.summarize()
        figures.data = DataFigures(jobs: inputJobs, copiedBytes: copiedBytes, copy: copy.summarize(),
                                   allocatedBytes: allocatedBytes)
        return figures
    }
}

/// What the monitor keeps of one worker between snapshots.
/// A worker's (time, busy time, CPU time) at each step within the window,
/// oldest first: an array with a moving start, read at the frame rate for
/// every worker (a Deque's generic `last` was a ninth of a 1,000-worker
/// frame; perf).
struct BusySamples {
    typealias Sample = (at: UInt64, busy: UInt64, cpu: UInt64)
    private var samples: [Sample] = []
    private var start = 0

    var count: Int { samples.count - start }
    var first: Sample? { start < samples.count ? samples[start] : nil }
    var last: Sample? { start < samples.count ? samples[samples.count - 1] : nil }
    /// The sample before the last (call with `count >= 2`).
    var beforeLast: Sample { samples[samples.count - 2] }

    /// Appends a sample, then drops the oldest while more than two are
    /// kept and the oldest is more than `window` before `now`.
    mutating func append(at now: UInt64, busy: UInt64, cpu: UInt64, keepingWithin window: UInt64) {
        samples.append((now, busy, cpu))
        while count > 2, now &- samples[start].at > window { start += 1 }
        if start > 64, start * 2 > samples.count {
            samples.removeFirst(start)
            start = 0
        }
    }

    mutating func removeAll() {
        samples.removeAll()
        start = 0
    }
}

struct WorkerTrack {
    /// An idle worker whose figures can only move with the clock: nothing
    /// it did is in the window any more (no busy time in its samples, no
    /// job in its run window), and its readings are these. Its row is then
    /// moved on in place (its whole-run busy share, a zero on its
    /// sparkline) without its samples or windows: with 1,000 workers most
    /// are such, and stepping them all was most of a frame (perf).
    /// (Plain values: the row is kept beside it, in ``settledRow``, so that
    /// checking a worker reads a few words, not a copy of its row.)
    struct Settled {
        var key: EngineReadings.Worker.Key
        /// The /proc figures' version the row holds.
        var schedVersion: UInt64
        /// The sample the samples ended with.
        var last: BusySamples.Sample
        /// A job of its finished since (its readings may not show it yet).
        var woken = false
    }
    var settled: Settled?
    /// A settled worker's row, moved on in place each step.
    var settledRow: WorkerSnapshot?
    var samples = BusySamples()
    var activity = SampleHistory()
    var recentJobs: Deque<JobRecord> = []
    /// Made at the worker's first finished job: a histogram's buckets cost
    /// KiBs and a page fault or two, which 1,000 idle workers' first tick
    /// paid all at once (a seventh of the dashboard's CPU, perf).
    var run: Histogram<UInt64>?
    var runWindow: TimedWindow

    static func runHistogram() -> Histogram<UInt64> {
        Histogram(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
    }
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
    /// Whether idle workers settle (``WorkerTrack/Settled``); off only to
    /// test that settled rows are what full steps make.
    var settlesIdleWorkers = true

    var lagWindow: TimedWindow
    var requestWindow: TimedWindow
    var handbackWindow: TimedWindow
    var waitWindow: TimedWindow
    var runWindow: TimedWindow
    var copyWindow: TimedWindow
    /// Offloaded jobs that found their worker idle: submit → start.
    var pickupWindow: TimedWindow
    /// Recent completed jobs with their asked size, for run-at-asked-size.
    var sizedJobs: Deque<(at: UInt64, workload: String, askedMs: Double, run: UInt64)> = []
    /// Jobs with inputs in the window: when they ended, and bytes copied.
    var dataJobs: Deque<(at: UInt64, copied: UInt64)> = []
    var busySamples: Deque<(at: UInt64, busy: UInt64, requests: UInt64)> = []
    var arrivalSamples: Deque<(at: UInt64, submitted: UInt64)> = []
    var lagHistory: Deque<Double> = []
    var utilizationHistory: Deque<Double> = []
    var depthHistory: Deque<Double> = []
    var tracks: [Int: WorkerTrack] = [:]

    /// Where worker `id`'s track is, made first for a new worker. Tracks are
    /// changed in place through `tracks.values[i]`: a copy out and back (or
    /// `tracks[id]!`, or the subscript's `default:`) copied a track's
    /// histories, and made a histogram, for every worker every tick (a
    /// third of a 1,000-worker tick; perf of `looptop run --workers 1000`).
    mutating func trackIndex(_ id: Int) -> Dictionary<Int, WorkerTrack>.Index {
        if let i = tracks.index(forKey: id) { return i }
        tracks[id] = WorkerTrack(runWindow: TimedWindow(span: window, limit: 5_000))
        return tracks.index(forKey: id)!
    }
    var log: Deque<EngineEvent> = []
    /// Workers whose "spawned" line is in `log` (the "online" line merges into it).
    var spawnedInLog = Set<Int>()
    var interval: ScopeFigures
    var total: ScopeFigures
    /// Since the previous step: what a recording stores of each frame.
    var tick: TickValues
    /// The statistics were reset since the previous step.
    var resetSinceTick = false
    /// The last step's tick figures, for the recorder.
    var lastDelta = ScopeDelta()
    var lastSnapshotAt: UInt64
    var lastBusy: UInt64 = 0
    var lastRejected: UInt64 = 0
    var rejectedReportedAt: UInt64 = 0
    var lagSinceLastSnapshot: UInt64 = 0
    /// The part of a stall still in progress (its probe due at `due`) that
    /// closed intervals have already reported: when its probe fires, the
    /// open interval gets only the rest.
    var stallCredit: (due: UInt64, late: LateNanos)?

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
        pickupWindow = TimedWindow(span: window)
        interval = ScopeFigures(start: start, busy: 0)
        total = ScopeFigures(start: start, busy: 0)
        tick = TickValues(start: start, busy: 0)
        lastSnapshotAt = start
    }

    mutating func resetStatistics(now: UInt64, busy: UInt64, submitted: UInt64 = 0) {
        arrivalSamples.removeAll()
        lagWindow.reset(); requestWindow.reset(); handbackWindow.reset(); waitWindow.reset(); runWindow.reset()
        copyWindow.reset(); pickupWindow.reset(); dataJobs.removeAll(); sizedJobs.removeAll()
        busySamples.removeAll()
        lagHistory.removeAll(); utilizationHistory.removeAll(); depthHistory.removeAll()
        for i in tracks.values.indices {
            tracks.values[i].settled = nil
            tracks.values[i].settledRow = nil
            tracks.values[i].samples.removeAll()
            tracks.values[i].activity.removeAll()
            tracks.values[i].recentJobs.removeAll()
            tracks.values[i].run = nil
            tracks.values[i].runWindow.reset()
        }
        interval = ScopeFigures(start: now, busy: busy, submitted: submitted)
        total = ScopeFigures(start: now, busy: busy, submitted: submitted)
        tick = TickValues(start: now, busy: busy)
        resetSinceTick = true
        stallCredit = nil
    }

    /// Keeps (time, jobs submitted so far) over the recent window, for the
    /// arrival rate of the recent-window queueing model.
    static func pushArrival(_ samples: inout Deque<(at: UInt64, submitted: UInt64)>, at now: UInt64,
                            submitted: UInt64, span: UInt64) {
        samples.append((now, submitted))
        while samples.count > 2, let first = samples.first, now &- first.at > span { samples.removeFirst() }
    }

    mutating func absorb(_ sample: LoopSample) {
        switch sample.kind {
        case .lag:
            lagWindow.add(sample.value, at: sample.at)
            interval.lag.record(nanos: sample.value)
            total.lag.record(nanos: sample.value)
            tick.lag.append(TickValues.micros(sample.value))
            lagSinceLastSnapshot = max(lagSinceLastSnapshot, sample.value)
            if sample.value > LateNanos.thresholds.0 {
                let late = LateNanos.of(lag: sample.value, firedAt: sample.at)
                total.late = total.late + late
                tick.late = tick.late + late
                var rest = late
                if let credit = stallCredit, credit.due == sample.at &- sample.value {
                    rest = late - credit.late
                    stallCredit = nil
                }
                interval.late = interval.late + rest
            }
        case .request:
            requestWindow.add(sample.value, at: sample.at)
            interval.requests.record(nanos: sample.value)
            total.requests.record(nanos: sample.value)
            tick.requests.append(TickValues.micros(sample.value))
        case .handback:
            handbackWindow.add(sample.value, at: sample.at)
            interval.handback.record(nanos: sample.value)
            total.handback.record(nanos: sample.value)
        }
    }

    mutating func absorb(_ event: EngineEvent) {
        if event.kind == .jobFinished, let job = event.job {
            waitWindow.add(job.waitNanos, at: job.finishedAt)
            runWindow.add(job.runNanos, at: job.finishedAt)
            if let p = job.pickupNanos { pickupWindow.add(p, at: job.finishedAt) }
            if job.outcome == .completed {
                sizedJobs.append((job.finishedAt, job.workload, job.targetMs, job.runNanos))
                if sizedJobs.count > 4_096 { sizedJobs.removeFirst() }
            }
            interval.absorb(job)
            total.absorb(job)
            tick.absorb(job)
            if job.inputBytes > 0 {
                dataJobs.append((job.finishedAt, UInt64(job.copiedBytes)))
                if job.copiedBytes > 0 { copyWindow.add(job.copyNanos, at: job.finishedAt) }
            }
            if let worker = job.workerID {
                let i = trackIndex(worker)
                // A job of its own in the window: its next step is a full one.
                tracks.values[i].settled?.woken = true
                tracks.values[i].recentJobs.append(job)
                if tracks.values[i].recentJobs.count > recentJobsLength { tracks.values[i].recentJobs.removeFirst() }
                if tracks.values[i].run == nil { tracks.values[i].run = WorkerTrack.runHistogram() }
                _ = tracks.values[i].run?.record(max(1, job.runNanos / 1000))
                tracks.values[i].runWindow.add(job.runNanos, at: job.finishedAt)
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
        // "worker 3 spawned" then "worker 3 online" are one story: the line
        // becomes "worker 3 online (ready in 0.21 ms)".
        // Looked for only when the log still holds that worker's spawn line:
        // 1,000 workers coming online scanned the whole log 1,000 times (perf).
        if event.kind == .workerReady, let id = event.workerID, spawnedInLog.contains(id),
           let i = log.lastIndex(where: { $0.kind == .workerSpawned && $0.workerID == id }) {
            spawnedInLog.remove(id)
            let ready = event.time > log[i].time ? event.time - log[i].time : 0
            log[i] = EngineEvent(time: event.time, kind: .workerReady, workerID: id,
                                 message: "worker \(id) online (spawned, ready in \(formatMs(ready)))")
            return
        }
        log.append(event)
        if event.kind == .workerSpawned, let id = event.workerID { spawnedInLog.insert(id) }
        while log.count > logLength {
            let gone = log.removeFirst()
            if gone.kind == .workerSpawned, let id = gone.workerID { spawnedInLog.remove(id) }
        }
    }

    /// Late shares over the recent window, counting a stall in progress
    /// (probe due at `probeDue`, `stall` ns ago). The window starts at most
    /// `window` ago, and not before the run (or the last reset) began.
    func lateShare(now: UInt64, stall: UInt64) -> LateShare {
        let origin = Swift.max(total.start, now > window ? now - window : 0)
        var late = lagWindow.lateNanos(notBefore: origin)
        if stall > 0 { late = late + LateNanos.of(lag: stall, firedAt: now, notBefore: origin) }
        return late.share(of: now &- origin)
    }

    /// The in-progress stall's late time not yet reported, as
    /// ``lateInProgressForInterval(now:probeDue:stall:)`` would return it,
    /// without closing anything (a frame that does not close the interval).
    func lateInProgressPeek(now: UInt64, probeDue: UInt64, stall: UInt64) -> (interval: LateNanos, total: LateNanos) {
        guard stall > 0 else { return (LateNanos(), LateNanos()) }
        let sofar = LateNanos.of(lag: stall, firedAt: now)
        let reported = stallCredit.flatMap { $0.due == probeDue ? $0.late : nil } ?? LateNanos()
        return (sofar - reported, sofar)
    }

    /// Closes the interval's late figures: returns the in-progress stall's
    /// late time not yet reported, and remembers it as reported.
    mutating func lateInProgressForInterval(now: UInt64, probeDue: UInt64, stall: UInt64) -> (interval: LateNanos, total: LateNanos) {
        guard stall > 0 else {
            stallCredit = nil
            return (LateNanos(), LateNanos())
        }
        let sofar = LateNanos.of(lag: stall, firedAt: now)
        let reported = stallCredit.flatMap { $0.due == probeDue ? $0.late : nil } ?? LateNanos()
        stallCredit = (probeDue, sofar)
        return (sofar - reported, sofar)
    }

    /// Run times of recent completed jobs of `workload` asked at `askedMs`.
    mutating func runAt(workload: String, askedMs: Double, now: UInt64) -> LatencySummary {
        let cutoff = now > window ? now - window : 0
        while let first = sizedJobs.first, first.at < cutoff { sizedJobs.removeFirst() }
        var matching = TimedWindow(span: window)
        for job in sizedJobs where job.workload == workload && abs(job.askedMs - askedMs) <= askedMs * 1e-9 {
            matching.add(job.run, at: job.at)
        }
        return matching.summary()
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

extension QueueModel {
    /// The model over the recent window: arrivals from the submitted-count
    /// samples, service and wait from the jobs that finished in the window.
    static func recent(runWindow: TimedWindow, waitWindow: TimedWindow,
                       arrivals: Deque<(at: UInt64, submitted: UInt64)>, now: UInt64, submitted: UInt64,
                       mode: Mode, liveWorkers: Int, cores: Int, cpuPerWall: Double) -> QueueModel? {
        guard let first = arrivals.first, now > first.at else { return nil }
        let run = runWindow.meanAndDeviationMs()
        let wait = waitWindow.meanAndDeviationMs()
        return measured(offered: submitted &- first.submitted, seconds: Double(now - first.at) / 1e9,
                        runMeanMs: run.mean, runStdMs: run.deviation, finished: UInt64(runWindow.count),
                        waitMeanMs: wait.mean, mode: mode, liveWorkers: liveWorkers, cores: cores,
                        cpuPerWall: cpuPerWall)
    }
}

extension Monitor {
    /// The whole-run histograms as values: copy-on-write, so handing them out
    /// costs one copy of each (a few KiB) when the monitor next records into it.
    var distributions: Distributions {
        Distributions(lag: total.lag.histogram, requestLatency: total.requests.histogram,
                      wait: total.wait.histogram, run: total.run.histogram)
    }
}
