import Histogram

/// A latency histogram as the values it holds, each with its count: what a
/// recording stores of one tick (a few buckets), and merges back exactly.
public struct SparseHistogram: Sendable, Equatable, Codable {
    /// [value in µs, count] pairs, values ascending.
    public var values: [[UInt64]] = []

    public init() {}

    init(_ h: LatencyHistogram) {
        guard h.histogram.totalCount > 0 else { return }
        for v in h.histogram.recordedValues() { values.append([v.value, v.count]) }
    }

    var isEmpty: Bool { values.isEmpty }

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
    /// The statistics were reset at `start` (the whole-run figures start again).
    public var reset = false

    public init() {}

    init(_ scope: ScopeFigures, end: UInt64, busy: UInt64, reset: Bool) {
        start = scope.start
        self.end = end
        busyStart = scope.busyAtStart
        busyEnd = busy
        lag = SparseHistogram(scope.lag)
        requests = SparseHistogram(scope.requests)
        wait = SparseHistogram(scope.wait)
        run = SparseHistogram(scope.run)
        copy = SparseHistogram(scope.copy)
        inputJobs = scope.inputJobs
        copiedBytes = scope.copiedBytes
        allocatedBytes = scope.allocatedBytes
        self.reset = reset
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
        interval?.figures(now: now, busy: busy) ?? IntervalFigures()
    }

    public func totalFigures(now: UInt64, busy: UInt64) -> IntervalFigures {
        total?.figures(now: now, busy: busy) ?? IntervalFigures()
    }

    public mutating func closeInterval(at now: UInt64, busy: UInt64) {
        interval = ScopeFigures(start: now, busy: busy)
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
    }
}
