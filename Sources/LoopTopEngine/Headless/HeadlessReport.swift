import Foundation

/// One line of the headless run's JSON Lines output: a stable interface for
/// scripts and tests. Times are in milliseconds, counts are integers; `jobs`
/// counts are cumulative, latencies cover the line's interval (or, in the
/// summary, the whole run).
public struct HeadlessReport: Codable, Sendable, Equatable {
    public struct Latency: Codable, Sendable, Equatable {
        public var p50: Double
        public var p99: Double
        public var max: Double
    }

    public struct Requests: Codable, Sendable, Equatable {
        /// Requests served in the interval (the whole run, in the summary).
        public var completed: UInt64
        /// Requests served since start.
        public var completed_total: UInt64
        public var latency_ms: Latency
    }

    public struct Jobs: Codable, Sendable, Equatable {
        public var submitted: UInt64
        public var queued: UInt64
        public var running: UInt64
        public var completed: UInt64
        public var failed: UInt64
        public var cancelled: UInt64
        public var rejected: UInt64
    }

    public struct Queue: Codable, Sendable, Equatable {
        public var depth: Int
        public var loop_depth: Int
        public var capacity: Int
        public var wait_ms: Latency
        public var run_ms: Latency
    }

    public struct Worker: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var state: String
        public var job: UInt64?
        public var done: UInt64
        public var busy: Double
        public var cpu_per_wall: Double
    }

    public var summary: Bool?
    /// Seconds since the run started, at the end of this line's interval.
    public var t: Double
    /// Seconds this line covers.
    public var interval_s: Double
    public var mode: String
    public var workload: String
    public var job_ms: Double
    public var rate: Double
    public var paused: Bool
    /// Live workers.
    public var workers: Int
    public var cores: Int
    public var lag_ms: Latency
    /// Largest lag in the last second, counting a stall in progress.
    public var lag_recent_max_ms: Double
    public var loop_utilization: Double
    public var requests: Requests
    public var jobs: Jobs
    public var queue: Queue
    /// Input hand-over: copy bytes and time per job appear only for copy.
    public struct DataPassingFigures: Codable, Sendable, Equatable {
        public var passing: String
        public var input_kb: Double
        public var jobs: UInt64
        public var copy_bytes_per_job: Double
        public var copy_ms: Latency
        /// Transfer only: bytes of new travelling buffers per job (0 once buffers come back).
        public var alloc_bytes_per_job: Double
    }

    public var data: DataPassingFigures
    public var worker_list: [Worker]
    public var warnings: [String]
    public var events_dropped: UInt64

    /// A line from a snapshot: `scope` is its interval or the whole run.
    public init(_ s: Snapshot, summary: Bool) {
        let scope = summary ? s.total : s.interval
        self.summary = summary ? true : nil
        t = Self.round(s.uptimeSeconds, 3)
        interval_s = Self.round(scope.seconds, 3)
        mode = s.settings.mode.rawValue
        workload = s.settings.workloadLabel
        job_ms = s.settings.jobMs
        rate = s.settings.rate
        paused = s.settings.paused
        workers = s.liveWorkers
        cores = s.cores
        var lag = Self.latency(scope.lag)
        // A stall still in progress is lag too, though its probe has not fired yet.
        lag.max = Swift.max(lag.max, Self.round(s.loop.stallMs, 3))
        lag_ms = lag
        lag_recent_max_ms = Self.round(s.loop.lagRecentMaxMs, 3)
        loop_utilization = Self.round(scope.utilization, 4)
        requests = Requests(completed: scope.requestsCompleted, completed_total: s.loop.requestsCompleted,
                            latency_ms: Self.latency(scope.requestLatency))
        jobs = Jobs(submitted: s.jobs.submitted, queued: s.jobs.queued, running: s.jobs.running,
                    completed: s.jobs.completed, failed: s.jobs.failed, cancelled: s.jobs.cancelled,
                    rejected: s.jobs.rejected)
        queue = Queue(depth: s.queue.depth, loop_depth: s.queue.loopDepth, capacity: s.queue.capacity,
                      wait_ms: Self.latency(scope.wait), run_ms: Self.latency(scope.run))
        data = DataPassingFigures(
            passing: s.settings.passing.rawValue, input_kb: s.settings.inputKB, jobs: scope.data.jobs,
            copy_bytes_per_job: Self.round(scope.data.copiedBytesPerJob, 1), copy_ms: Self.latency(scope.data.copy),
            alloc_bytes_per_job: scope.data.jobs > 0 ? Self.round(Double(scope.data.allocatedBytes) / Double(scope.data.jobs), 1) : 0)
        worker_list = s.workers.map {
            Worker(id: $0.id, name: $0.name, state: $0.state.description, job: $0.currentJob?.id,
                   done: $0.jobsDone, busy: Self.round($0.busy, 3), cpu_per_wall: Self.round($0.cpuPerWall, 3))
        }
        warnings = s.warnings.map { "\($0.rule): \($0.message)" }
        events_dropped = s.eventsDropped + s.samplesDropped
    }

    static func latency(_ l: LatencySummary) -> Latency {
        Latency(p50: round(l.p50, 3), p99: round(l.p99, 3), max: round(l.max, 3))
    }

    static func round(_ value: Double, _ digits: Int) -> Double {
        guard value.isFinite else { return 0 }
        var scale = 1.0
        for _ in 0..<digits { scale *= 10 }
        return (value * scale).rounded() / scale
    }

    /// The line as compact JSON, keys in a fixed order.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Plays an engine without a terminal, writing one ``HeadlessReport`` line
/// per interval and a summary line at the end.
public struct HeadlessRunner {
    public var interval: Double
    /// Seconds to run; nil runs until `wait` says to stop.
    public var duration: Double?

    public init(interval: Double = 1, duration: Double? = nil) {
        self.interval = interval
        self.duration = duration
    }

    /// Runs `engine` (started here if it was not), writing lines through
    /// `write`. `wait(deadline)` sleeps until the monotonic deadline (ns) and
    /// returns false when the run must end early (a signal). Returns the
    /// summary. The engine is left running: the caller stops it.
    @discardableResult
    public func run(engine: Engine, write: (String) -> Void, wait: (UInt64) -> Bool) -> HeadlessReport {
        engine.start()
        let start = monotonicNow()
        let step = Nanos.fromSeconds(max(0.01, interval))
        let end = duration.map { start + Nanos.fromSeconds(max(0, $0)) }
        var next = start + step
        while true {
            let deadline = end.map { min($0, next) } ?? next
            let keepGoing = wait(deadline)
            let now = monotonicNow()
            let finished = !keepGoing || end.map { now >= $0 } ?? false
            if now >= next || finished {
                // A final partial interval still gets its line, unless it is empty.
                if !finished || now > next &- step + 1_000_000 {
                    write(HeadlessReport(engine.tick(), summary: false).jsonLine())
                }
                while next <= now { next += step }
            }
            if finished { break }
        }
        let summary = HeadlessReport(engine.tick(), summary: true)
        write(summary.jsonLine())
        return summary
    }
}
