import Histogram

/// A latency histogram as the values it holds, each with its count: what a
/// recording stores of one tick (a few buckets), and merges back exactly.
public struct SparseHistogram: Sendable, Equatable, Codable {
    /// [value in µs, count] pairs, values ascending.
    public var values: [[UInt64]] = []

    public init() {}

    init(_ h: LatencyHistogram) {
        guard h.histogram.totalCount > 0 else { return }
        // The lowest value of each bucket: recorded again, it lands in the same bucket.
        for v in h.histogram.recordedValues() { values.append([h.histogram.lowestEquivalentForValue(v.value), v.count]) }
    }

    var isEmpty: Bool { values.isEmpty }

    /// The bucket layout of ``LatencyHistogram``: a value's bucket is known
    /// without a histogram of its own.
    static let shape = Histogram<UInt64>(
        lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)

    /// From raw values in µs (a tick's hundred samples): their buckets' lowest values, counted.
    init(micros: [UInt64]) {
        guard !micros.isEmpty else { return }
        var counts: [UInt64: UInt64] = [:]
        for v in micros { counts[Self.shape.lowestEquivalentForValue(v), default: 0] += 1 }
        values = counts.keys.sorted().map { [$0, counts[$0]!] }
    }

    /// Both sets of values together.
    func merged(with other: SparseHistogram) -> SparseHistogram {
        guard !other.values.isEmpty else { return self }
        guard !values.isEmpty else { return other }
        var counts: [UInt64: UInt64] = [:]
        for pair in values + other.values where pair.count == 2 { counts[pair[0], default: 0] += pair[1] }
        var out = SparseHistogram()
        out.values = counts.keys.sorted().map { [$0, counts[$0]!] }
        return out
    }

    func add(into h: inout LatencyHistogram) {
        for pair in values where pair.count == 2 { h.record(micros: pair[0], count: pair[1]) }
    }

    // Short on disk: a bare array of pairs.
    public init(from decoder: Decoder) throws {
        values = try decoder.singleValueContainer().decode([[UInt64]].self)
    }

    public func encode(to encoder: Encoder) throws {
        var c = encoder.singleValueContainer()
        try c.encode(values)
    }
}

/// What one tick added to the interval and whole-run figures: enough for a
/// replay to recompute any interval's percentiles exactly as the live run did.
public struct ScopeDelta: Sendable, Equatable, Codable {
    /// Engine-clock span of the tick, ns.
    public var start: UInt64 = 0
    public var end: UInt64 = 0
    /// Loop busy time at each end, ns.
    public var busyStart: UInt64 = 0
    public var busyEnd: UInt64 = 0
    public var lag = SparseHistogram()
    public var requests = SparseHistogram()
    public var wait = SparseHistogram()
    public var run = SparseHistogram()
    public var copy = SparseHistogram()
    public var inputJobs: UInt64 = 0
    public var copiedBytes: UInt64 = 0
    public var allocatedBytes: UInt64 = 0
    /// Time the loop was late by more than 10, 50, 100 ms, ns (lag samples of the tick).
    public var late: [UInt64] = [0, 0, 0]
    /// The statistics were reset at `start` (the whole-run figures start again).
    public var reset = false

    public init() {}

    init(_ tick: TickValues, end: UInt64, busy: UInt64, reset: Bool) {
        start = tick.start
        self.end = end
        busyStart = tick.busyAtStart
        busyEnd = busy
        lag = SparseHistogram(micros: tick.lag)
        requests = SparseHistogram(micros: tick.requests)
        wait = SparseHistogram(micros: tick.wait)
        run = SparseHistogram(micros: tick.run)
        copy = SparseHistogram(micros: tick.copy)
        inputJobs = tick.inputJobs
        copiedBytes = tick.copiedBytes
        allocatedBytes = tick.allocatedBytes
        late = [tick.late.over10, tick.late.over50, tick.late.over100]
        self.reset = reset
    }

    /// This tick followed by `next`: one delta covering both (what a
    /// recording line holds when the engine ticked more often than it writes).
    func merged(with next: ScopeDelta) -> ScopeDelta {
        if next.reset { return next }
        var d = self
        d.end = next.end
        d.busyEnd = next.busyEnd
        d.lag = lag.merged(with: next.lag)
        d.requests = requests.merged(with: next.requests)
        d.wait = wait.merged(with: next.wait)
        d.run = run.merged(with: next.run)
        d.copy = copy.merged(with: next.copy)
        d.inputJobs += next.inputJobs
        d.copiedBytes += next.copiedBytes
        d.allocatedBytes += next.allocatedBytes
        d.late = zip(late + [0, 0, 0], next.late + [0, 0, 0]).prefix(3).map { $0 &+ $1 }
        return d
    }
}

/// What one tick saw, as raw values (µs, clamped as ``LatencyHistogram``
/// clamps): a hundred or so a tick, so a delta is made without walking a
/// histogram's thousands of buckets at 10 Hz.
struct TickValues {
    var start: UInt64
    var busyAtStart: UInt64
    var lag: [UInt64] = []
    var requests: [UInt64] = []
    var wait: [UInt64] = []
    var run: [UInt64] = []
    var copy: [UInt64] = []
    var inputJobs: UInt64 = 0
    var copiedBytes: UInt64 = 0
    var allocatedBytes: UInt64 = 0
    var late = LateNanos()

    init(start: UInt64, busy: UInt64) {
        self.start = start
        busyAtStart = busy
    }

    static func micros(_ nanos: UInt64) -> UInt64 { Swift.max(1, Swift.min(nanos / 1000, 3_600_000_000)) }

    mutating func absorb(_ job: JobRecord) {
        wait.append(Self.micros(job.waitNanos))
        run.append(Self.micros(job.runNanos))
        guard job.inputBytes > 0 else { return }
        inputJobs += 1
        copiedBytes += UInt64(job.copiedBytes)
        allocatedBytes += UInt64(job.allocatedBytes)
        if job.copiedBytes > 0 { copy.append(Self.micros(job.copyNanos)) }
    }
}

/// Interval and whole-run figures rebuilt from a stream of ``ScopeDelta``s:
/// how a replay computes the lines `run --headless` printed.
public struct ScopeAccumulator: Sendable {
    var interval: ScopeFigures?
    var total: ScopeFigures?

    public init() {}

    /// Adds one tick's delta.
    public mutating func add(_ delta: ScopeDelta) {
        if delta.reset || total == nil { total = ScopeFigures(start: delta.start, busy: delta.busyStart) }
        if interval == nil { interval = ScopeFigures(start: delta.start, busy: delta.busyStart) }
        interval!.merge(delta)
        total!.merge(delta)
    }

    /// The figures since the last ``closeInterval(at:busy:)``, up to `now`.
    public func intervalFigures(now: UInt64, busy: UInt64) -> IntervalFigures {
        var scope = interval  // a copy: it keeps the percentiles it reads
        return scope?.figures(now: now, busy: busy) ?? IntervalFigures()
    }

    public func totalFigures(now: UInt64, busy: UInt64) -> IntervalFigures {
        var scope = total
        return scope?.figures(now: now, busy: busy) ?? IntervalFigures()
    }

    public mutating func closeInterval(at now: UInt64, busy: UInt64, submitted: UInt64 = 0) {
        interval = ScopeFigures(start: now, busy: busy, submitted: submitted)
    }

    /// The queueing model of the interval and the whole run at frame `s`, as the live run made it.
    func models(_ s: Snapshot) -> (interval: QueueModel?, total: QueueModel?) {
        let busy = s.workers.filter { $0.state.isLive && $0.busy > 0.05 }
        let cpuPerWall = busy.isEmpty ? 1 : busy.reduce(0) { $0 + $1.cpuPerWall } / Double(busy.count)
        func model(_ scope: ScopeFigures?) -> QueueModel? {
            scope?.model(now: s.time, submitted: s.jobs.submitted, mode: s.settings.mode, liveWorkers: s.liveWorkers,
                         cores: s.cores, cpuPerWall: cpuPerWall)
        }
        return (model(interval), model(total))
    }
}

extension ScopeFigures {
    mutating func merge(_ d: ScopeDelta) {
        d.lag.add(into: &lag)
        d.requests.add(into: &requests)
        d.wait.add(into: &wait)
        d.run.add(into: &run)
        d.copy.add(into: &copy)
        inputJobs += d.inputJobs
        copiedBytes += d.copiedBytes
        allocatedBytes += d.allocatedBytes
        if d.late.count == 3 { late = late + LateNanos(over10: d.late[0], over50: d.late[1], over100: d.late[2]) }
    }
}
