import Foundation

/// One JSON line of `looptop node --headless`: one per probe interval, then a
/// summary (`"summary": true`). Times in ms unless named `_s`; `at` and `t`
/// are seconds since looptop started.
public struct NodeHeadlessLine: Encodable, Sendable {
    public struct Lag: Encodable, Sendable {
        public var p50: Double
        public var p99: Double
        public var max: Double
    }

    public struct Worker: Encodable, Sendable {
        public var id: Int
        public var state: String
        /// Event-loop utilization over the interval (0…1), null once it has ended.
        public var elu: Double?
        /// Its OS thread (`ps -L` LWP), as the probe inside it said; null without one.
        public var tid: Int32?
        /// /proc/PID/task/TID over the interval: CPU in cores and the share
        /// of it runnable but waiting for a CPU; null until read twice, and once it has ended.
        public var cpu: Double?
        public var runqueue_wait: Double?

        enum CodingKeys: String, CodingKey { case id, state, elu, tid, cpu, runqueue_wait }

        // Unknown figures are written as null, so every line has every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(id, forKey: .id)
            try c.encode(state, forKey: .state)
            try c.encode(elu, forKey: .elu)
            try c.encode(tid, forKey: .tid)
            try c.encode(cpu, forKey: .cpu)
            try c.encode(runqueue_wait, forKey: .runqueue_wait)
        }
    }

    public struct Frame: Encodable, Sendable {
        public var function: String
        public var file: String
        public var line: Int
    }

    public struct Stall: Encodable, Sendable {
        public var at: Double
        public var ms: Double
        public var frames: [Frame]
        public var note: String?
        public var text: String
    }

    public struct GC: Encodable, Sendable {
        public var count: Int
        public var ms: Double
        public var max_ms: Double
    }

    public struct Blocker: Encodable, Sendable {
        public var function: String?
        public var file: String?
        public var line: Int?
        public var count: Int
        public var total_ms: Double
        public var max_ms: Double
        /// Why these stalls have no frame (function, file and line are null then).
        public var note: String?
    }

    public var summary: Bool?
    public var source = "node"
    public var pid: Int32?
    public var node: String?
    public var t: Double
    public var interval_s: Double
    public var lag_ms: Lag
    public var lag_recent_max_ms: Double?
    public var loop_utilization: Double
    /// The main thread as /proc/PID/task/PID counted it over the interval
    /// (absent in the summary and where /proc could not be read).
    public var loop_thread: HeadlessReport.LoopThread?
    public var heap_used_mb: Double?
    public var gc: GC?
    /// Live workers.
    public var workers: Int
    public var worker_list: [Worker]
    public var stalls: [Stall]
    public var top_blockers: [Blocker]?
    public var exit_code: Int32?
    public var ending: String?
    public var problem: String?
    /// Probe lines dropped (too long or not JSON).
    public var dropped_lines: UInt64

    static func r(_ value: Double, _ digits: Double = 1000) -> Double {
        value.isFinite ? (value * digits).rounded() / digits : 0
    }

    static func stall(_ s: NodeSnapshot.Stall) -> Stall {
        Stall(at: r(s.at), ms: r(s.ms), frames: s.frames.map { Frame(function: $0.function, file: $0.file, line: $0.line) },
              note: s.note, text: s.sentence)
    }

    static func workers(_ list: [NodeSnapshot.Worker]) -> [Worker] {
        list.map {
            Worker(id: $0.id, state: $0.stateText, elu: $0.utilization.map { r($0) }, tid: $0.tid,
                   cpu: $0.sched.map { r($0.cpu, 10_000) }, runqueue_wait: $0.sched?.runqueueWait.map { r($0, 10_000) })
        }
    }

    /// The line of one probe interval.
    public init(_ report: NodeReport, snapshot: NodeSnapshot) {
        let i = report.interval
        pid = snapshot.pid
        node = snapshot.nodeVersion
        t = Self.r(i.at)
        interval_s = Self.r(i.seconds)
        lag_ms = Lag(p50: Self.r(i.lag.p50), p99: Self.r(i.lag.p99), max: Self.r(i.lag.max))
        lag_recent_max_ms = Self.r(snapshot.lagRecentMaxMs)
        loop_utilization = Self.r(i.utilization, 10_000)
        if let main = i.mainThread, let pid = snapshot.pid {
            loop_thread = HeadlessReport.LoopThread(
                tid: pid, cpu: Self.r(main.cpu, 10_000), runqueue_wait: main.runqueueWait.map { Self.r($0, 10_000) },
                voluntary_switches_per_s: Self.r(main.voluntarySwitchesPerSecond, 10),
                involuntary_switches_per_s: Self.r(main.involuntarySwitchesPerSecond, 10))
        }
        heap_used_mb = Self.r(i.heapUsedBytes / 1_048_576, 10)
        gc = GC(count: i.gcCount, ms: Self.r(i.gcMs), max_ms: Self.r(i.gcMaxMs))
        workers = report.workers.filter(\.isLive).count
        worker_list = Self.workers(report.workers)
        stalls = report.stalls.map(Self.stall)
        dropped_lines = snapshot.droppedLines
    }

    /// The summary: every stall, the top blockers, how the app ended. `lag_ms`
    /// over the run: p50 is the median of the lines' p50, p99 the largest
    /// line's p99, max the largest delay seen; utilization is time-weighted.
    public init(summaryOf snapshot: NodeSnapshot, intervals: [NodeSnapshot.Interval], stalls all: [NodeSnapshot.Stall], exitCode: Int32) {
        summary = true
        pid = snapshot.pid
        node = snapshot.nodeVersion
        t = Self.r(snapshot.uptime)
        interval_s = Self.r(snapshot.uptime)
        let p50s = intervals.map(\.lag.p50).sorted()
        lag_ms = Lag(p50: Self.r(p50s.isEmpty ? 0 : p50s[p50s.count / 2]), p99: Self.r(intervals.map(\.lag.p99).max() ?? 0),
                     max: Self.r(max(intervals.map(\.lag.max).max() ?? 0, all.map(\.ms).max() ?? 0)))
        let seconds = intervals.map(\.seconds).reduce(0, +)
        loop_utilization = seconds > 0 ? Self.r(intervals.map { $0.utilization * $0.seconds }.reduce(0, +) / seconds, 10_000) : 0
        heap_used_mb = intervals.last.map { Self.r($0.heapUsedBytes / 1_048_576, 10) }
        gc = GC(count: intervals.map(\.gcCount).reduce(0, +), ms: Self.r(intervals.map(\.gcMs).reduce(0, +)),
                max_ms: Self.r(intervals.map(\.gcMaxMs).max() ?? 0))
        workers = snapshot.liveWorkers
        worker_list = Self.workers(snapshot.workers)
        stalls = all.map(Self.stall)
        top_blockers = snapshot.topBlockers.map {
            Blocker(function: $0.frame?.function, file: $0.frame?.file, line: $0.frame?.line, count: $0.count,
                    total_ms: Self.r($0.totalMs), max_ms: Self.r($0.maxMs), note: $0.note)
        }
        exit_code = exitCode
        ending = snapshot.ending?.text
        problem = snapshot.problem
        dropped_lines = snapshot.droppedLines
    }

    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Runs a ``NodeApp`` without a terminal: a line per probe interval, a summary
/// at the end. The run ends when the app ends; at `duration`, or when `wait`
/// reports a signal, looptop stops the app (SIGTERM, then SIGKILL).
public struct NodeHeadlessRunner {
    public var duration: Double?

    public init(duration: Double? = nil) {
        self.duration = duration
    }

    public enum Outcome: Sendable, Equatable {
        /// The app ended on its own.
        case appEnded(NodeSnapshot.Ending)
        /// looptop stopped it at --duration.
        case stoppedAtDuration
        /// looptop stopped it on a signal to looptop.
        case stoppedBySignal(Int32)
        /// The probe never connected; looptop stopped the app.
        case neverConnected(String)

        /// looptop's own exit code: the app's when it ended by itself.
        public var exitCode: Int32 {
            switch self {
            case .appEnded(let ending): ending.exitCode
            case .stoppedAtDuration: 0
            case .stoppedBySignal(let signal): 128 + signal
            case .neverConnected: 2
            }
        }
    }

    /// `wait(deadline)` sleeps until the monotonic deadline (ns) or a signal,
    /// returning the signal or nil. The app must have been started.
    public func run(_ app: NodeApp, write: (String) -> Void, wait: (UInt64) -> Int32?) -> Outcome {
        let start = monotonicNow()
        let end = duration.map { start + Nanos.fromSeconds($0) }
        var stopping: Outcome?
        func flush() {
            let reports = app.takeReports()
            guard !reports.isEmpty else { return }
            let snapshot = app.snapshot()
            for report in reports { write(NodeHeadlessLine(report, snapshot: snapshot).jsonLine()) }
        }
        while !app.hasEnded {
            var deadline = monotonicNow() + 20_000_000
            if let end, stopping == nil { deadline = min(deadline, end) }
            if let signal = wait(deadline), stopping == nil {
                stopping = .stoppedBySignal(signal)
                app.stop()
            }
            flush()
            if stopping == nil, let end, monotonicNow() >= end {
                stopping = .stoppedAtDuration
                app.stop()
            }
            if stopping == nil, let problem = app.snapshot().problem, !app.snapshot().connected, app.stoppedByLooptop {
                stopping = .neverConnected(problem)
            }
        }
        app.join()
        flush()
        let snapshot = app.snapshot()
        let outcome: Outcome = stopping ?? .appEnded(snapshot.ending ?? .exited(code: 0))
        write(NodeHeadlessLine(summaryOf: snapshot, intervals: app.intervalHistory(), stalls: app.allStalls(),
                               exitCode: outcome.exitCode).jsonLine())
        return outcome
    }
}
