import Histogram

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
    /// Share of wall time the loop was late by more than 10, 50 and 100 ms,
    /// over the recent window, counting a stall in progress.
    public var lateShare = LateShare.zero
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
    /// The loop thread's kernel id (0 before it ran).
    public var tid: Int32 = 0
    /// The loop thread as /proc reads over the last ~1 s (nil until first read).
    public var thread: TaskRates?
    /// The same over the loop thread's whole life.
    public var threadTotal: TaskRates?
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
    /// The trip out, apart from queue wait: submit → start of offloaded jobs
    /// that found their worker idle, recent window. With the loop's
    /// hand-back (finish → the loop sees it) it is the whole hand-off.
    public var pickup = LatencySummary.empty
    /// Run time of recent completed jobs of the workload and size asked for
    /// now (recent window; empty with a mix): the measured size to show
    /// beside the asked one.
    public var runAtAskedSize = LatencySummary.empty
    /// What the workers' queue holds, by workload and asked size, in queue
    /// order of first appearance: after `[`, jobs of the old size still wait.
    public var queuedSizes: [QueuedSize] = []
    /// How long the oldest queued job has waited so far, ms (0: none queued):
    /// jobs that never start are in no wait percentile.
    public var oldestWaitMs = 0.0
    /// Input hand-over over the recent window.
    public var data = DataFigures()
    /// Jobs that ended per second, recent window.
    public var completedPerSecond = 0.0
    /// Recent history of `depth + loopDepth`, one value per snapshot.
    public var depthHistory: [Double] = []
    /// The queueing model over the recent window: predicted against measured wait.
    public var model: QueueModel?
}

/// Jobs waiting in the queue of one workload and asked size.
public struct QueuedSize: Sendable, Equatable, Codable {
    public var workload: String
    public var askedMs: Double
    public var count: Int

    public init(workload: String, askedMs: Double, count: Int) {
        self.workload = workload
        self.askedMs = askedMs
        self.count = count
    }
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
    /// Recent busy share, one value per snapshot, oldest first (copies
    /// share one buffer: see ``SampleHistory``).
    public var activity: SampleHistory
    /// Its last jobs, newest last (filled for the worker asked for in detail).
    public var recentJobs: [JobRecord]
    /// The thread as /proc/self/task/TID reads over the last ~1 s: CPU,
    /// run-queue wait share, switches per second (nil until first read).
    public var sched: TaskRates? = nil
    /// The same over the thread's whole life (cumulative counters / lifetime).
    public var schedTotal: TaskRates? = nil
    /// Share of its life since it was ready spent running jobs, 0…1.
    public var busyTotal = 0.0
    /// CPU time over busy wall time, over its whole life.
    public var cpuPerWallTotal = 0.0
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
        self.activity = SampleHistory(activity)
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
    /// Share of this span the loop was late by more than 10, 50, 100 ms.
    public var lateShare = LateShare.zero
    public var requestLatency = LatencySummary.empty
    public var requestsCompleted: UInt64 = 0
    public var utilization = 0.0
    public var wait = LatencySummary.empty
    public var run = LatencySummary.empty
    /// What queueing theory predicts over this span, beside what was measured.
    public var model: QueueModel?
    /// Submit → start of offloaded jobs that found their worker idle.
    public var pickup = LatencySummary.empty
    /// Offloaded results' trip back: finish → the loop sees it.
    public var handback = LatencySummary.empty

    /// The trip's own cost over the run time, p50s: (pick-up + hand-back) /
    /// run. 0 without trips (blocking and chunked jobs make none).
    public var overheadRatio: Double {
        guard pickup.count > 0, handback.count > 0, run.p50 > 0 else { return 0 }
        return (pickup.p50 + handback.p50) / run.p50
    }
}

/// Whole-run distributions (since start or the last statistics reset), in
/// µs with two significant digits: what an exporter needs to keep cumulative
/// buckets (a Prometheus histogram) instead of a window's percentiles.
public struct Distributions: Sendable, Equatable, Codable {
    /// How late the lag probe fired.
    public var lag: Histogram<UInt64>
    /// Requests' arrival to completion.
    public var requestLatency: Histogram<UInt64>
    /// Jobs' arrival to start.
    public var wait: Histogram<UInt64>
    /// Jobs' start to end.
    public var run: Histogram<UInt64>

    public init(lag: Histogram<UInt64>, requestLatency: Histogram<UInt64>, wait: Histogram<UInt64>, run: Histogram<UInt64>) {
        self.lag = lag
        self.requestLatency = requestLatency
        self.wait = wait
        self.run = run
    }
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
    /// Workloads that run an external command, by name: the command line
    /// (each job is one run of it, whatever the job size).
    public var commands: [String: String] = [:]
    /// The recent window most figures cover (percentiles, busy shares,
    /// a worker's recent jobs), seconds.
    public var windowSeconds = 5.0
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
    /// A watched process's threads (`looptop attach`), ascending tid; empty
    /// for the engine.
    public var threads: [ThreadSnapshot] = []
    /// A watched process as a whole; nil for the engine.
    public var process: ProcessFigures? = nil
    /// Whole-run histograms; nil unless the engine was asked for them
    /// (``Engine/Configuration/keepsDistributions``).
    public var distributions: Distributions?
    /// A watched Node.js app's own figures (stalls, top blockers, its output); nil for other sources.
    public var node: NodeSnapshot? = nil

    public init() {}
}
