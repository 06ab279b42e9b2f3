/// One thread of a watched process as one frame shows it: what
/// `/proc/PID/task/TID/{stat,status,schedstat}` said over the last interval.
public struct ThreadSnapshot: Sendable, Equatable, Codable, Identifiable {
    public var id: Int32 { tid }
    /// Kernel thread id (`ps -L` LWP / `-o tid`).
    public var tid: Int32
    /// `comm`, the name `ps -L -o comm` shows.
    public var name: String
    /// The state in words: running, sleeping, disk wait, stopped, zombie…
    public var state: String
    /// CPU used over the interval, in cores (0…1 for one thread).
    public var cpu: Double
    /// Share of the interval spent runnable but waiting for a CPU, 0…1; nil
    /// where the kernel has no schedstats.
    public var runqueueWait: Double?
    public var voluntarySwitchesPerSecond: Double
    public var involuntarySwitchesPerSecond: Double
    /// CPU time since the thread started, seconds (utime + stime, or
    /// schedstat's ns on a CPU where there is one).
    public var cpuSeconds: Double
    /// Run-queue wait since the thread started, seconds; nil without schedstats.
    public var runqueueWaitSeconds: Double?
    /// Context switches since the thread started.
    public var voluntarySwitches: UInt64
    public var involuntarySwitches: UInt64
    /// Timeslices run since start (schedstat field 3); nil without schedstats.
    public var timeslices: UInt64?
    /// Whether the thread started during the watch (its figures then cover
    /// the time since it started).
    public var startedDuringWatch: Bool
    /// Recent CPU (cores), one value per reading, oldest first.
    public var activity: [Double]
    /// Recent run-queue wait share, one value per reading, oldest first.
    public var waitHistory: [Double]

    public init(tid: Int32, name: String, state: String, cpu: Double, runqueueWait: Double?,
                voluntarySwitchesPerSecond: Double, involuntarySwitchesPerSecond: Double, cpuSeconds: Double = 0,
                runqueueWaitSeconds: Double? = nil, voluntarySwitches: UInt64 = 0, involuntarySwitches: UInt64 = 0,
                timeslices: UInt64? = nil, startedDuringWatch: Bool = false, activity: [Double] = [],
                waitHistory: [Double] = []) {
        self.tid = tid
        self.name = name
        self.state = state
        self.cpu = cpu
        self.runqueueWait = runqueueWait
        self.voluntarySwitchesPerSecond = voluntarySwitchesPerSecond
        self.involuntarySwitchesPerSecond = involuntarySwitchesPerSecond
        self.cpuSeconds = cpuSeconds
        self.runqueueWaitSeconds = runqueueWaitSeconds
        self.voluntarySwitches = voluntarySwitches
        self.involuntarySwitches = involuntarySwitches
        self.timeslices = timeslices
        self.startedDuringWatch = startedDuringWatch
        self.activity = activity
        self.waitHistory = waitHistory
    }
}

/// A watched process as a whole (`looptop attach PID`).
public struct ProcessFigures: Sendable, Equatable, Codable {
    public var pid: Int32
    /// Its command line, as `ps -o args` shows it.
    public var command: String
    /// CPUs it may run on (its affinity, `Cpus_allowed_list`).
    public var cores: Int
    /// Cores its threads used over the interval: the sum of the threads' CPU.
    public var cpuCores: Double
    /// Threads alive at the last reading.
    public var threadCount: Int
    /// Threads that wanted a CPU for at least half the interval (on one or
    /// waiting for one): the figure oversubscription is about.
    public var runnableThreads: Int
    /// Mean run-queue wait of those threads, 0…1; nil without schedstats or
    /// when none was runnable.
    public var runnableWait: Double?
    /// False where the kernel has no schedstats: run-queue figures show "—".
    public var schedstatAvailable: Bool
    /// Seconds the last interval covered (between the last two readings).
    public var intervalSeconds: Double
    /// Seconds between readings asked for.
    public var readEverySeconds: Double
    /// Seconds since the watch started.
    public var watchedSeconds: Double
    /// Readings taken so far.
    public var readings: Int
    /// Threads seen to start and to end since the watch started.
    public var threadsStarted: Int
    public var threadsEnded: Int
    /// Whole-watch CPU in cores: the process's utime + stime over the watch
    /// (threads that ended included) over the watch's wall time.
    public var totalCPUCores: Double
    /// Recent `cpuCores`, one value per reading, oldest first.
    public var cpuHistory: [Double]
    /// Why the watch ended ("process 4242 exited"), once it has.
    public var ended: String?

    public init(pid: Int32, command: String, cores: Int, cpuCores: Double = 0, threadCount: Int = 0,
                runnableThreads: Int = 0, runnableWait: Double? = nil, schedstatAvailable: Bool = true,
                intervalSeconds: Double = 0, readEverySeconds: Double = 1, watchedSeconds: Double = 0,
                readings: Int = 0, threadsStarted: Int = 0, threadsEnded: Int = 0, totalCPUCores: Double = 0,
                cpuHistory: [Double] = [], ended: String? = nil) {
        self.pid = pid
        self.command = command
        self.cores = cores
        self.cpuCores = cpuCores
        self.threadCount = threadCount
        self.runnableThreads = runnableThreads
        self.runnableWait = runnableWait
        self.schedstatAvailable = schedstatAvailable
        self.intervalSeconds = intervalSeconds
        self.readEverySeconds = readEverySeconds
        self.watchedSeconds = watchedSeconds
        self.readings = readings
        self.threadsStarted = threadsStarted
        self.threadsEnded = threadsEnded
        self.totalCPUCores = totalCPUCores
        self.cpuHistory = cpuHistory
        self.ended = ended
    }
}
