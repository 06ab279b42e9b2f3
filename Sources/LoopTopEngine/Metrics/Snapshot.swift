/// p50 / p99 / max of a set of durations, in milliseconds.
public struct LatencySummary: Sendable, Equatable, Codable {
    public var count: UInt64
    public var p50: Double
    public var p99: Double
    public var max: Double

    public init(count: UInt64 = 0, p50: Double = 0, p99: Double = 0, max: Double = 0) {
        self.count = count
        self.p50 = p50
        self.p99 = p99
        self.max = max
    }

    public static let empty = LatencySummary()
}

/// The event loop as one frame shows it.
public struct LoopSnapshot: Sendable, Equatable, Codable {
    /// How late the probe timer fired, over the recent window.
    public var lag = LatencySummary.empty
    /// Largest lag in the last second, counting a stall still in progress:
    /// the figure that shows a 200 ms stall twice a second, which a p99 of
    /// many 5 ms samples can hide.
    public var lagRecentMaxMs = 0.0
    /// How overdue the probe is right now (0 unless the loop is blocked).
    public var stallMs = 0.0
    /// Share of wall time the loop was busy, 0…1, over the recent window.
    public var utilization = 0.0
    /// Requests served per second over the recent window.
    public var requestsPerSecond = 0.0
    /// Arrival-to-completion time of requests, over the recent window.
    public var requestLatency = LatencySummary.empty
    /// Requests served since start.
    public var requestsCompleted: UInt64 = 0
    /// Requests that have arrived and wait for the loop now.
    public var requestsWaiting = 0
    /// Requests dropped because too many waited (counted, never silent).
    public var requestsShed: UInt64 = 0
    /// The job running on the loop now (blocking or chunked), if any.
    public var currentJob: RunningJob?
    /// Share of that job's units done, 0…1.
    public var currentJobProgress: Double?
    /// Offloaded results' trip back (worker done → loop callback), recent window.
    public var handback = LatencySummary.empty
    /// Recent history, one value per snapshot, oldest first: max lag (ms).
    public var lagHistory: [Double] = []
    /// Recent history, one value per snapshot, oldest first: utilization (0…1).
    public var utilizationHistory: [Double] = []
}

/// The queues and the jobs' times through them.
public struct QueueSnapshot: Sendable, Equatable, Codable {
    /// Jobs waiting for a worker.
    public var depth = 0
    /// Jobs waiting for the event loop (blocking/chunked).
    public var loopDepth = 0
    /// Bound of each queue; a job that does not fit is rejected.
    public var capacity = 0
    /// Time from arrival to start, recent window.
    public var wait = LatencySummary.empty
    /// Time from start to end, recent window.
    public var run = LatencySummary.empty
    /// Input hand-over over the recent window.
    public var data = DataFigures()
    /// Jobs that ended per second, recent window.
    public var completedPerSecond = 0.0
    /// Recent history of `depth + loopDepth`, one value per snapshot.
    public var depthHistory: [Double] = []
}

/// One worker as one frame shows it.
public struct WorkerSnapshot: Sendable, Equatable, Codable, Identifiable {
    public var id: Int
    /// Thread name the OS shows (`looptop-w3`).
    public var name: String
    /// Kernel thread id (what `ps -L` shows as LWP); 0 until the thread ran.
    public var tid: Int32
    public var state: WorkerState
    public var currentJob: RunningJob?
    /// Share of the current job's units done, 0…1, read from the worker's
    /// atomic slot (nil when idle).
    public var progress: Double? = nil
    /// How long the current job has run, ms (0 when idle).
    public var elapsedMs: Double
    public var jobsDone: UInt64
    public var jobsFailed: UInt64
    /// Share of the recent window spent running jobs, 0…1.
    public var busy: Double
    /// Thread CPU time over busy wall time in the recent window: under 1 when
    /// the worker had work but not a whole core (oversubscription).
    public var cpuPerWall: Double
    /// Thread CPU time since the thread started, ms.
    public var cpuMs: Double
    /// Spawn to ready (the thread is running and waiting for work), ms.
    public var startupMs: Double?
    /// Why it ended, once it has.
    public var endReason: String?
    /// Recent busy share, one value per snapshot, oldest first.
    public var activity: [Double]
    /// Its last jobs, newest last (filled for the worker asked for in detail).
    public var recentJobs: [JobRecord]
    /// Run-time distribution (filled for the worker asked for in detail).
    public var runHistogram: [HistogramBar]
    public var run: LatencySummary

    public init(id: Int, name: String, tid: Int32 = 0, state: WorkerState, currentJob: RunningJob? = nil,
                elapsedMs: Double = 0, jobsDone: UInt64 = 0, jobsFailed: UInt64 = 0, busy: Double = 0,
                cpuPerWall: Double = 0, cpuMs: Double = 0, startupMs: Double? = nil, endReason: String? = nil,
                activity: [Double] = [], recentJobs: [JobRecord] = [], runHistogram: [HistogramBar] = [],
                run: LatencySummary = .empty) {
        self.id = id
        self.name = name
        self.tid = tid
        self.state = state
        self.currentJob = currentJob
        self.elapsedMs = elapsedMs
        self.jobsDone = jobsDone
        self.jobsFailed = jobsFailed
        self.busy = busy
        self.cpuPerWall = cpuPerWall
        self.cpuMs = cpuMs
        self.startupMs = startupMs
        self.endReason = endReason
        self.activity = activity
        self.recentJobs = recentJobs
        self.runHistogram = runHistogram
        self.run = run
    }
}

/// One bar of a latency histogram.
public struct HistogramBar: Sendable, Equatable, Codable {
    /// Upper bound of the bar, ms.
    public var upToMs: Double
    public var count: UInt64

    public init(upToMs: Double, count: UInt64) {
        self.upToMs = upToMs
        self.count = count
    }
}

/// What handing inputs to workers cost: the copy/transfer/shared comparison.
public struct DataFigures: Sendable, Equatable, Codable {
    /// Offloaded jobs that carried an input.
    public var jobs: UInt64 = 0
    /// Bytes copied to hand inputs over, all jobs together.
    public var copiedBytes: UInt64 = 0
    /// Time the loop spent copying, per job that copied.
    public var copy = LatencySummary.empty
    /// Bytes of new travelling buffers made (`transfer` with none back yet).
    public var allocatedBytes: UInt64 = 0

    public var copiedBytesPerJob: Double { jobs > 0 ? Double(copiedBytes) / Double(jobs) : 0 }
}

/// Figures covering exactly the time since the previous snapshot; what a
/// headless interval line reports.
public struct IntervalFigures: Sendable, Equatable, Codable {
    public var seconds = 0.0
    public var data = DataFigures()
    public var lag = LatencySummary.empty
    public var requestLatency = LatencySummary.empty
    public var requestsCompleted: UInt64 = 0
    public var utilization = 0.0
    public var wait = LatencySummary.empty
    public var run = LatencySummary.empty
}

/// A warning with its rule's name and a sentence about this moment.
public struct Warning: Sendable, Equatable, Codable {
    public enum Severity: Int, Sendable, Comparable, Codable {
        case warn = 1, critical = 2
        public static func < (a: Severity, b: Severity) -> Bool { a.rawValue < b.rawValue }
    }
    /// Kebab-case name of the rule (`loop-blocked`).
    public var rule: String
    public var severity: Severity
    public var message: String

    public init(rule: String, severity: Severity, message: String) {
        self.rule = rule
        self.severity = severity
        self.message = message
    }
}

/// Everything one frame shows, as an immutable value. Holds no color, no
/// terminal type: the UI decides how it looks.
public struct Snapshot: Sendable, Equatable, Codable {
    /// What made it: the engine, a recording, a watched program.
    public var source = SourceInfo(kind: .engine, title: "engine")
    /// Engine-clock time it was taken, ns.
    public var time: UInt64 = 0
    /// Unix time it was taken, seconds (0: unknown): the event log's clock.
    public var wallSeconds = 0.0
    public var uptimeSeconds = 0.0
    public var settings = EngineSettings()
    /// Names of the workloads one can switch to.
    public var workloads: [String] = []
    /// CPU cores the OS offers this process.
    public var cores = 1
    /// Workers alive (starting, idle, running; not stopping or ended).
    public var liveWorkers = 0
    /// Whether a worker that fails is replaced.
    public var autoRespawn = true
    public var workers: [WorkerSnapshot] = []
    public var loop = LoopSnapshot()
    public var queue = QueueSnapshot()
    /// Every job, by where it is (cumulative since start).
    public var jobs = JobCounts()
    /// Since the previous snapshot.
    public var interval = IntervalFigures()
    /// Since start (or the last statistics reset).
    public var total = IntervalFigures()
    /// Recent events, oldest first.
    public var log: [EngineEvent] = []
    public var warnings: [Warning] = []
    /// Events and samples the rings had to drop since start (never silent).
    public var eventsDropped: UInt64 = 0
    public var samplesDropped: UInt64 = 0

    public init() {}
}
