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

    /// M/G/c prediction beside the measurement; see ``QueueModel``.
    /// `predicted_wait_ms` is null when the queue is unstable (utilization ≥ 1).
    public struct Model: Codable, Sendable, Equatable {
        public var arrival_rate: Double
        public var service_ms: Double
        public var service_cv: Double
        public var servers: Int
        public var servers_reason: String
        public var utilization: Double
        public var stable: Bool
        public var predicted_wait_ms: Double?
        public var measured_wait_ms: Double?

        init(_ m: QueueModel) {
            arrival_rate = HeadlessReport.round(m.arrivalRate, 3)
            service_ms = HeadlessReport.round(m.serviceMs, 3)
            service_cv = HeadlessReport.round(m.serviceCV, 4)
            servers = m.servers
            servers_reason = m.serversReason
            utilization = HeadlessReport.round(m.utilization, 4)
            stable = m.stable
            predicted_wait_ms = m.predictedWaitMs.map { HeadlessReport.round($0, 3) }
            measured_wait_ms = m.measuredWaitMs.map { HeadlessReport.round($0, 3) }
        }

        enum CodingKeys: String, CodingKey {
            case arrival_rate, service_ms, service_cv, servers, servers_reason, utilization, stable,
                 predicted_wait_ms, measured_wait_ms
        }

        // Unknown figures are written as null rather than left out, so a
        // script can tell "unstable" from "not reported".
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(arrival_rate, forKey: .arrival_rate)
            try c.encode(service_ms, forKey: .service_ms)
            try c.encode(service_cv, forKey: .service_cv)
            try c.encode(servers, forKey: .servers)
            try c.encode(servers_reason, forKey: .servers_reason)
            try c.encode(utilization, forKey: .utilization)
            try c.encode(stable, forKey: .stable)
            if let v = predicted_wait_ms { try c.encode(v, forKey: .predicted_wait_ms) } else { try c.encodeNil(forKey: .predicted_wait_ms) }
            if let v = measured_wait_ms { try c.encode(v, forKey: .measured_wait_ms) } else { try c.encodeNil(forKey: .measured_wait_ms) }
        }
    }

    public struct Queue: Codable, Sendable, Equatable {
        public var depth: Int
        public var loop_depth: Int
        public var capacity: Int
        public var wait_ms: Latency
        public var run_ms: Latency
        /// Submit → start of offloaded jobs that found their worker idle (the trip out, no queue wait).
        public var pickup_ms: Latency
        /// How long the oldest queued job has waited so far (jobs that never start are in no percentile).
        public var oldest_wait_ms: Double
    }

    public struct Worker: Codable, Sendable, Equatable {
        public var id: Int
        public var name: String
        public var state: String
        public var job: UInt64?
        public var done: UInt64
        public var busy: Double
        public var cpu_per_wall: Double
        /// Kernel thread id (`ps -L` LWP); 0 before the thread ran.
        public var tid: Int32
        /// Share of wall time runnable but waiting for a CPU (/proc schedstat), 0…1; null until read.
        public var runqueue_wait: Double?
        public var voluntary_switches_per_s: Double?
        public var involuntary_switches_per_s: Double?

        // Unknown figures are written as null, so every line has every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(name, forKey: .name)
            try c.encode(state, forKey: .state)
            try c.encode(job, forKey: .job)
            try c.encode(done, forKey: .done)
            try c.encode(busy, forKey: .busy)
            try c.encode(cpu_per_wall, forKey: .cpu_per_wall)
            try c.encode(tid, forKey: .tid)
            try c.encode(runqueue_wait, forKey: .runqueue_wait)
            try c.encode(voluntary_switches_per_s, forKey: .voluntary_switches_per_s)
            try c.encode(involuntary_switches_per_s, forKey: .involuntary_switches_per_s)
        }
    }

    /// The loop thread as /proc reads it (summary: over its whole life).
    public struct LoopThread: Codable, Sendable, Equatable {
        public var tid: Int32
        public var cpu: Double?
        public var runqueue_wait: Double?
        public var voluntary_switches_per_s: Double?
        public var involuntary_switches_per_s: Double?

        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tid, forKey: .tid)
            try c.encode(cpu, forKey: .cpu)
            try c.encode(runqueue_wait, forKey: .runqueue_wait)
            try c.encode(voluntary_switches_per_s, forKey: .voluntary_switches_per_s)
            try c.encode(involuntary_switches_per_s, forKey: .involuntary_switches_per_s)
        }
    }

    /// Share of the line's interval (summary: the whole run) the loop was
    /// late by more than 10, 50 and 100 ms, 0…1.
    public struct LateShares: Codable, Sendable, Equatable {
        public var over_10ms: Double
        public var over_50ms: Double
        public var over_100ms: Double
    }

    public var summary: Bool?
    /// Seconds since the run started, at the end of this line's interval.
    public var t: Double
    /// Seconds this line covers.
    public var interval_s: Double
    public var mode: String
    public var workload: String
    public var job_ms: Double
    /// Run time p50 of recent completed jobs of the workload and size asked
    /// for now; the key is left out while there is none yet, or a mix is asked for.
    public var job_run_p50_ms: Double?
    public var rate: Double
    public var paused: Bool
    /// Live workers.
    public var workers: Int
    public var cores: Int
    public var lag_ms: Latency
    /// Largest lag in the last second, counting a stall in progress.
    public var lag_recent_max_ms: Double
    public var loop_late_share: LateShares
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
    /// The queueing model over the line's interval (the summary: the whole run).
    public var model: Model?
    public var worker_list: [Worker]
    public var loop_thread: LoopThread
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
        job_run_p50_ms = s.queue.runAtAskedSize.count > 0 ? Self.round(s.queue.runAtAskedSize.p50, 3) : nil
        rate = s.settings.rate
        paused = s.settings.paused
        workers = s.liveWorkers
        cores = s.cores
        var lag = Self.latency(scope.lag)
        // A stall still in progress is lag too, though its probe has not fired yet.
        lag.max = Swift.max(lag.max, Self.round(s.loop.stallMs, 3))
        lag_ms = lag
        lag_recent_max_ms = Self.round(s.loop.lagRecentMaxMs, 3)
        loop_late_share = LateShares(over_10ms: Self.round(scope.lateShare.over10ms, 4),
                                     over_50ms: Self.round(scope.lateShare.over50ms, 4),
                                     over_100ms: Self.round(scope.lateShare.over100ms, 4))
        loop_utilization = Self.round(scope.utilization, 4)
        requests = Requests(completed: scope.requestsCompleted, completed_total: s.loop.requestsCompleted,
                            latency_ms: Self.latency(scope.requestLatency))
        jobs = Jobs(submitted: s.jobs.submitted, queued: s.jobs.queued, running: s.jobs.running,
                    completed: s.jobs.completed, failed: s.jobs.failed, cancelled: s.jobs.cancelled,
                    rejected: s.jobs.rejected)
        queue = Queue(depth: s.queue.depth, loop_depth: s.queue.loopDepth, capacity: s.queue.capacity,
                      wait_ms: Self.latency(scope.wait), run_ms: Self.latency(scope.run),
                      pickup_ms: Self.latency(scope.pickup), oldest_wait_ms: Self.round(s.queue.oldestWaitMs, 3))
        data = DataPassingFigures(
            passing: s.settings.passing.rawValue, input_kb: s.settings.inputKB, jobs: scope.data.jobs,
            copy_bytes_per_job: Self.round(scope.data.copiedBytesPerJob, 1), copy_ms: Self.latency(scope.data.copy),
            alloc_bytes_per_job: scope.data.jobs > 0 ? Self.round(Double(scope.data.allocatedBytes) / Double(scope.data.jobs), 1) : 0)
        model = scope.model.map(Model.init)
        // Interval lines: the last ~1 s; the summary: each thread's whole life.
        worker_list = s.workers.map { w in
            let sched = summary ? w.schedTotal : w.sched
            return Worker(id: w.id, name: w.name, state: w.state.description, job: w.currentJob?.id,
                          done: w.jobsDone, busy: Self.round(summary ? w.busyTotal : w.busy, 3),
                          cpu_per_wall: Self.round(summary ? w.cpuPerWallTotal : w.cpuPerWall, 3),
                          tid: w.tid, runqueue_wait: sched?.runqueueWait.map { Self.round($0, 4) },
                          voluntary_switches_per_s: sched.map { Self.round($0.voluntarySwitchesPerSecond, 1) },
                          involuntary_switches_per_s: sched.map { Self.round($0.involuntarySwitchesPerSecond, 1) })
        }
        let loopSched = summary ? s.loop.threadTotal : s.loop.thread
        loop_thread = LoopThread(tid: s.loop.tid, cpu: loopSched.map { Self.round($0.cpu, 4) },
                                 runqueue_wait: loopSched?.runqueueWait.map { Self.round($0, 4) },
                                 voluntary_switches_per_s: loopSched.map { Self.round($0.voluntarySwitchesPerSecond, 1) },
                                 involuntary_switches_per_s: loopSched.map { Self.round($0.involuntarySwitchesPerSecond, 1) })
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
    public func jsonLine() -> String { Self.jsonLine(of: self) }

    /// Any headless line (a run's, a comparison's) as compact JSON, keys sorted.
    static func jsonLine<T: Encodable>(of value: T) -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(value) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Plays an engine without a terminal, writing one ``HeadlessReport`` line
/// per interval and a summary line at the end.
public struct HeadlessRunner {
    public var interval: Double
    /// Seconds to run; nil runs until `wait` says to stop.
    public var duration: Double?
    /// Called with every snapshot the run takes (at start and for each line),
    /// e.g. to publish it to a metrics exporter.
    public var onSnapshot: ((Snapshot) -> Void)?

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
        // A first snapshot for onSnapshot, without closing the first line's interval.
        onSnapshot?(engine.snapshot(detailFor: nil))
        // A final partial interval still gets its line, unless it is empty.
        IntervalPacer.run(interval: interval, duration: duration, shortestFinal: 1_000_000, wait: wait) {
            let snapshot = engine.tick()
            onSnapshot?(snapshot)
            write(HeadlessReport(snapshot, summary: false).jsonLine())
            return true
        }
        // The summary's per-thread figures from a read of /proc made now, not up to a period ago.
        engine.readThreadsNow()
        // No frame after the summary's: a recording then ends on it.
        engine.stopSampling()
        let last = engine.tick()
        onSnapshot?(last)
        let summary = HeadlessReport(last, summary: true)
        write(summary.jsonLine())
        return summary
    }
}
