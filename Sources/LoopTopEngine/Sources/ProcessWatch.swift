#if canImport(Glibc)
import Glibc
#endif

/// Everything one look at `/proc/PID` gave: raw counters, no figures yet.
public struct ProcessReading: Sendable, Equatable {
    public var pid: Int32
    /// Monotonic time of the reading, ns (the watch's clock).
    public var time: UInt64
    /// `CLOCK_BOOTTIME` at the reading, ns: thread start times count on it.
    /// nil where unknown (tests); threads first seen mid-watch then get
    /// figures over the whole interval.
    public var bootNanos: UInt64?
    /// `/proc/PID/stat`; nil once the process is gone.
    public var process: ProcTasks.ProcessStat?
    /// CPUs it may run on (`Cpus_allowed_list`); nil if unreadable.
    public var cores: Int?
    /// Every thread that could be read.
    public var tasks: [TaskReading]
    /// Unix time of the reading, seconds (0: unknown): the event log's clock.
    public var wallSeconds: Double

    public init(pid: Int32, time: UInt64, bootNanos: UInt64? = nil, process: ProcTasks.ProcessStat?,
                cores: Int?, tasks: [TaskReading], wallSeconds: Double = 0) {
        self.pid = pid
        self.time = time
        self.wallSeconds = wallSeconds
        self.bootNanos = bootNanos
        self.process = process
        self.cores = cores
        self.tasks = tasks
    }

    /// Reads the process now: `/proc/PID/stat`, `status` and every
    /// `task/TID/{stat,status,schedstat}`.
    public static func take(pid: Int32, clock: any EngineClock) -> ProcessReading {
        let stat = ProcTasks.processStat(of: pid)
        let tasks = stat == nil ? [] : (ProcTasks.readAll(pid: pid) ?? [])
        var wall = timespec()
        clock_gettime(CLOCK_REALTIME, &wall)
        return ProcessReading(pid: pid, time: clock.now(), bootNanos: ProcTasks.bootNanos(), process: stat,
                              cores: ProcTasks.allowedCPUs(of: pid), tasks: tasks,
                              wallSeconds: Double(wall.tv_sec) + Double(wall.tv_nsec) / 1e9)
    }

    /// Exited: gone, or a zombie with no live thread left. (A leader that
    /// called pthread_exit shows Z while its other threads run on.)
    var processHasExited: Bool {
        guard let process else { return true }
        return process.hasExited && !tasks.contains { $0.state != "Z" && $0.state != "X" }
    }
}

/// The pure step of `looptop attach`: turns successive readings of one
/// process into snapshots (per-thread figures, process figures, threads
/// starting and ending as events, warnings from what was measured). No
/// syscalls and no threads, so tests feed it readings and times.
public struct ProcessWatch: Sendable {
    /// A thread's recent past, kept between readings.
    struct Tracked: Sendable {
        var last: TaskReading
        var startedDuringWatch: Bool
        /// Counters and time the whole-watch figures count from: the first
        /// reading, or zero at its start for a thread born during the watch.
        var base: TaskReading
        var baseTime: UInt64
        var activity: [Double] = []
        var waitHistory: [Double] = []
    }

    public let pid: Int32
    public let command: String
    public let readEverySeconds: Double
    /// Readings kept per thread for sparklines.
    public let historyLength: Int
    /// Events kept in the snapshot's log.
    public let logLength: Int
    /// Threads starting (or ending) in one reading past this many fold into one event.
    static let eventsPerReading = 8
    /// A thread that was on a CPU or waiting for one this share of the
    /// interval counts as runnable.
    static let runnableShare = 0.5
    /// Run-queue wait from which the warnings speak.
    static let waitWarnShare = 0.2

    private var first: ProcessReading?
    private var previous: ProcessReading?
    private var threads: [Int32: Tracked] = [:]
    private var cpuHistory: [Double] = []
    private var log: [EngineEvent] = []
    private var started = 0
    private var ended = 0
    private var readings = 0
    private var toldNoSchedstat = false
    private var endedReason: String?
    /// The last snapshot made; after the process exits it stays the last frame.
    public private(set) var last: Snapshot

    public init(pid: Int32, command: String, readEverySeconds: Double = 1, historyLength: Int = 120,
                logLength: Int = 200) {
        self.pid = pid
        self.command = command
        self.readEverySeconds = readEverySeconds
        self.historyLength = max(1, historyLength)
        self.logLength = max(1, logLength)
        var s = Snapshot()
        s.source = SourceInfo(kind: .process, title: "attach " + command, pid: pid)
        s.process = ProcessFigures(pid: pid, command: command, cores: 1, readEverySeconds: readEverySeconds)
        last = s
    }

    /// Whether the watch has ended (the process exited).
    public var hasEnded: Bool { endedReason != nil }

    /// Takes one reading and returns the snapshot it makes. After the
    /// process has exited, further readings change nothing.
    @discardableResult
    public mutating func step(_ reading: ProcessReading) -> Snapshot {
        guard endedReason == nil else { return last }
        readings += 1
        let start = first ?? reading
        if first == nil { first = reading }
        let watched = reading.time >= start.time ? Double(reading.time - start.time) / 1e9 : 0

        // A different start time means the pid now belongs to another process.
        let reused = start.process != nil && reading.process != nil
            && reading.process?.startTicks != start.process?.startTicks
        if reading.processHasExited || reused {
            let reason = "process \(pid) exited after \(Self.seconds(watched)) of watch"
            endedReason = reason
            append(EngineEvent(time: reading.time, kind: .notice, message: reason))
            var s = last
            s.time = reading.time
            s.wallSeconds = reading.wallSeconds
            s.uptimeSeconds = watched
            s.process?.ended = reason
            s.process?.watchedSeconds = watched
            s.log = log
            last = s
            return s
        }

        let interval = previous.map { reading.time > $0.time ? Double(reading.time - $0.time) / 1e9 : 0 } ?? 0
        var seen = Set<Int32>()
        seen.reserveCapacity(reading.tasks.count)
        var rows: [ThreadSnapshot] = []
        rows.reserveCapacity(reading.tasks.count)
        var newThreads: [TaskReading] = []
        var schedstatMissing = false

        for task in reading.tasks where !seen.contains(task.tid) {
            seen.insert(task.tid)
            if task.runqueueWaitNanos == nil { schedstatMissing = true }
            var tracked: Tracked
            var rates: TaskRates?
            if var known = threads[task.tid], interval > 0,
               let r = TaskRates(from: known.last, to: task, seconds: interval) {
                rates = r
                known.last = task
                tracked = known
            } else {
                // First seen now: figures over its life so far (the whole of it
                // at the first reading, as `ps -o pcpu` shows), else the interval.
                let isNew = previous != nil
                let life = Self.lifeSeconds(of: task, at: reading)
                let span = isNew ? min(life ?? interval, interval > 0 ? interval : .infinity) : (life ?? 0)
                rates = span > 0 ? TaskRates(from: Self.zero(like: task), to: task, seconds: max(span, 0.001)) : nil
                let bornAt = isNew && span > 0 ? reading.time &- Nanos.fromSeconds(span) : reading.time
                tracked = Tracked(last: task, startedDuringWatch: isNew, base: isNew ? Self.zero(like: task) : task,
                                  baseTime: bornAt)
                if isNew { newThreads.append(task) }
                if threads[task.tid] != nil {
                    // Same tid, counters went backwards: the old thread ended.
                    ended += 1
                }
            }
            let cpu = rates?.cpu ?? 0
            let wait = rates?.runqueueWait
            Self.push(&tracked.activity, cpu, limit: historyLength)
            Self.push(&tracked.waitHistory, wait ?? 0, limit: historyLength)
            threads[task.tid] = tracked
            rows.append(Self.row(task, rates: rates, tracked: tracked))
        }

        // Threads gone since the last reading ended.
        var gone: [Tracked] = []
        if threads.count > seen.count {
            for (tid, tracked) in threads where !seen.contains(tid) { gone.append(tracked) }
            for tracked in gone { threads[tracked.last.tid] = nil }
        }
        started += newThreads.count
        ended += gone.count
        noteThreads(newThreads, verb: "started", at: reading.time)
        noteThreads(gone.map(\.last).sorted { $0.tid < $1.tid }, verb: "ended", at: reading.time)
        if schedstatMissing && !toldNoSchedstat {
            toldNoSchedstat = true
            append(EngineEvent(time: reading.time, kind: .notice,
                               message: "schedstat is missing (a kernel without schedstats): run-queue wait shows —"))
        }

        rows.sort { $0.tid < $1.tid }
        let cores = reading.cores ?? previous?.cores ?? 1
        let cpuCores = rows.reduce(0) { $0 + $1.cpu }
        let runnable = rows.filter { $0.cpu + ($0.runqueueWait ?? 0) >= Self.runnableShare }
        let waits = runnable.compactMap(\.runqueueWait)
        let runnableWait = waits.isEmpty || waits.count < runnable.count ? nil : waits.reduce(0, +) / Double(waits.count)
        Self.push(&cpuHistory, cpuCores, limit: historyLength)

        var totalCPU = 0.0
        if let a = start.process, let b = reading.process, watched > 0, b.cpuNanos >= a.cpuNanos {
            totalCPU = Double(b.cpuNanos - a.cpuNanos) / 1e9 / watched
        }

        var s = Snapshot()
        s.source = SourceInfo(kind: .process, title: "attach " + command, pid: pid)
        s.time = reading.time
        s.wallSeconds = reading.wallSeconds
        s.uptimeSeconds = watched
        s.cores = cores
        s.threads = rows
        s.process = ProcessFigures(
            pid: pid, command: command, cores: cores, cpuCores: cpuCores, threadCount: rows.count,
            runnableThreads: runnable.count, runnableWait: runnableWait, schedstatAvailable: !schedstatMissing,
            intervalSeconds: interval, readEverySeconds: readEverySeconds, watchedSeconds: watched,
            readings: readings, threadsStarted: started, threadsEnded: ended, totalCPUCores: totalCPU,
            cpuHistory: cpuHistory)
        s.warnings = interval > 0 ? Self.warnings(runnable: runnable.count, wait: runnableWait, cores: cores,
                                                  cpuCores: cpuCores) : []
        s.log = log
        previous = reading
        last = s
        return s
    }

    /// The last frame with each thread's figures over the whole watch (from
    /// the first reading, or its start if it began later, to the last
    /// reading) and the process's CPU over the whole watch, threads that
    /// ended included: what a summary reports.
    public func wholeWatch() -> Snapshot {
        var s = last
        guard let lastTime = previous?.time else { return s }
        s.threads = s.threads.map { row in
            guard let tracked = threads[row.tid] else { return row }
            var whole = row
            let span = lastTime > tracked.baseTime ? Double(lastTime - tracked.baseTime) / 1e9 : 0
            if span > 0, let rates = TaskRates(from: tracked.base, to: tracked.last, seconds: span) {
                whole.cpu = rates.cpu
                whole.runqueueWait = rates.runqueueWait
                whole.voluntarySwitchesPerSecond = rates.voluntarySwitchesPerSecond
                whole.involuntarySwitchesPerSecond = rates.involuntarySwitchesPerSecond
            }
            return whole
        }
        if var p = s.process {
            p.cpuCores = p.totalCPUCores
            p.intervalSeconds = p.watchedSeconds
            let runnable = s.threads.filter { $0.cpu + ($0.runqueueWait ?? 0) >= Self.runnableShare }
            let waits = runnable.compactMap(\.runqueueWait)
            p.runnableThreads = runnable.count
            p.runnableWait = waits.isEmpty || waits.count < runnable.count ? nil : waits.reduce(0, +) / Double(waits.count)
            s.warnings = Self.warnings(runnable: p.runnableThreads, wait: p.runnableWait, cores: p.cores,
                                       cpuCores: p.cpuCores)
            s.process = p
        }
        return s
    }

    /// Warnings from what the threads lived through over the interval.
    static func warnings(runnable: Int, wait: Double?, cores: Int, cpuCores: Double) -> [Warning] {
        var out: [Warning] = []
        let coreWord = cores == 1 ? "core" : "cores"
        if let wait, wait >= waitWarnShare, runnable > 0 {
            let percent = Int((wait * 100).rounded())
            if runnable > cores {
                out.append(Warning(rule: "oversubscribed", severity: wait >= 0.5 ? .critical : .warn,
                                   message: "\(runnable) runnable threads on \(cores) \(coreWord): each waits \(percent) % of the time for a CPU"))
            } else {
                let threadWord = runnable == 1 ? "thread waits" : "threads wait"
                out.append(Warning(rule: "cpu-contention", severity: .warn,
                                   message: "\(runnable) runnable \(threadWord) \(percent) % of the time for a CPU on \(cores) \(coreWord): other processes hold the cores"))
            }
        }
        if cores > 0, cpuCores >= 0.95 * Double(cores) {
            out.append(Warning(rule: "cores-full", severity: .warn,
                               message: "the process uses \(format2(cpuCores)) of its \(cores) \(coreWord)"))
        }
        return out
    }

    private mutating func noteThreads(_ list: [TaskReading], verb: String, at time: UInt64) {
        guard !list.isEmpty else { return }
        if list.count <= Self.eventsPerReading {
            for task in list {
                append(EngineEvent(time: time, kind: verb == "started" ? .threadStarted : .threadEnded,
                                   message: "thread \(task.tid) \(task.name) \(verb)"))
            }
        } else {
            // Churn of hundreds of threads would flood the log: one line for them.
            let names = Set(list.map(\.name)).sorted().prefix(3).joined(separator: ", ")
            append(EngineEvent(time: time, kind: verb == "started" ? .threadStarted : .threadEnded,
                               message: "\(list.count) threads \(verb) (\(names)\(Set(list.map(\.name)).count > 3 ? ", …" : ""))"))
        }
    }

    private mutating func append(_ event: EngineEvent) {
        log.append(event)
        if log.count > logLength { log.removeFirst(log.count - logLength) }
    }

    static func row(_ task: TaskReading, rates: TaskRates?, tracked: Tracked) -> ThreadSnapshot {
        let cpuSeconds = Double(task.onCPUNanos ?? task.cpuNanos) / 1e9
        return ThreadSnapshot(
            tid: task.tid, name: task.name, state: task.stateName, cpu: rates?.cpu ?? 0,
            runqueueWait: task.runqueueWaitNanos == nil ? nil : (rates?.runqueueWait ?? 0),
            voluntarySwitchesPerSecond: rates?.voluntarySwitchesPerSecond ?? 0,
            involuntarySwitchesPerSecond: rates?.involuntarySwitchesPerSecond ?? 0,
            cpuSeconds: cpuSeconds, runqueueWaitSeconds: task.runqueueWaitNanos.map { Double($0) / 1e9 },
            voluntarySwitches: task.voluntarySwitches, involuntarySwitches: task.involuntarySwitches,
            timeslices: task.timeslices, startedDuringWatch: tracked.startedDuringWatch,
            activity: tracked.activity, waitHistory: tracked.waitHistory)
    }

    /// Seconds the thread has lived at the reading, from its start time.
    static func lifeSeconds(of task: TaskReading, at reading: ProcessReading) -> Double? {
        guard let boot = reading.bootNanos, let ticks = task.startTicks else { return nil }
        let born = ProcTasks.nanos(ofTicks: ticks)
        return boot > born ? Double(boot - born) / 1e9 : nil
    }

    /// Counters of a thread that has not run yet.
    static func zero(like task: TaskReading) -> TaskReading {
        TaskReading(tid: task.tid, name: task.name, state: task.state, utimeTicks: 0, stimeTicks: 0,
                    onCPUNanos: task.onCPUNanos == nil ? nil : 0,
                    runqueueWaitNanos: task.runqueueWaitNanos == nil ? nil : 0,
                    timeslices: task.timeslices == nil ? nil : 0, voluntarySwitches: 0, involuntarySwitches: 0)
    }

    static func push(_ history: inout [Double], _ value: Double, limit: Int) {
        history.append(value)
        if history.count > limit { history.removeFirst(history.count - limit) }
    }

    static func seconds(_ s: Double) -> String {
        s < 60 ? "\(format1(s)) s" : "\(Int(s) / 60) min \(Int(s) % 60) s"
    }

    static func format1(_ v: Double) -> String {
        let tenths = Int((v * 10).rounded())
        return "\(tenths / 10).\(tenths % 10)"
    }

    static func format2(_ v: Double) -> String {
        let hundredths = Int((v * 100).rounded())
        let frac = hundredths % 100
        return "\(hundredths / 100).\(frac < 10 ? "0" : "")\(frac)"
    }
}
