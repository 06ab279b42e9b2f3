import Foundation

/// One line of `looptop attach PID --headless`: a watched process's threads
/// over the line's interval (the whole watch, in the summary). CPU is in
/// cores (0…1 for one thread), `runqueue_wait` a share of the interval (null
/// without schedstats), switches per second.
public struct ProcessReport: Codable, Sendable, Equatable {
    public struct Thread: Codable, Sendable, Equatable {
        public var tid: Int32
        public var name: String
        public var state: String
        public var cpu: Double
        public var runqueue_wait: Double?
        public var voluntary_switches_per_s: Double
        public var involuntary_switches_per_s: Double

        // Explicit null for a missing run-queue wait: every line has every key.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(tid, forKey: .tid)
            try c.encode(name, forKey: .name)
            try c.encode(state, forKey: .state)
            try c.encode(cpu, forKey: .cpu)
            try c.encode(runqueue_wait, forKey: .runqueue_wait)
            try c.encode(voluntary_switches_per_s, forKey: .voluntary_switches_per_s)
            try c.encode(involuntary_switches_per_s, forKey: .involuntary_switches_per_s)
        }
    }

    public var summary: Bool?
    public var source: String
    /// Seconds since the watch started, at the end of this line's interval.
    public var t: Double
    /// Seconds this line covers.
    public var interval_s: Double
    public var pid: Int32
    public var command: String
    /// CPUs the process may use (its affinity).
    public var cores: Int
    /// Cores its threads used over the interval (the summary: the process's
    /// utime + stime over the watch, threads that ended included).
    public var cpu_cores: Double
    /// Threads that were on a CPU or waiting for one at least half the interval.
    public var runnable_threads: Int
    /// Their mean run-queue wait, 0…1 (null without schedstats or none runnable).
    public var runnable_wait: Double?
    public var threads: [Thread]
    /// Threads seen to start and end since the watch began.
    public var threads_started: Int
    public var threads_ended: Int
    /// Threads that started or ended, and notices, since the previous line.
    public var events: [String]
    public var warnings: [String]
    /// Set on the line that says the process exited.
    public var exited: Bool?
    public var message: String?

    /// A line from a snapshot of a process source.
    public init(_ s: Snapshot, summary: Bool, events: [String] = []) {
        let p = s.process ?? ProcessFigures(pid: 0, command: "", cores: s.cores)
        self.summary = summary ? true : nil
        source = "process"
        t = HeadlessReport.round(s.uptimeSeconds, 3)
        interval_s = HeadlessReport.round(p.intervalSeconds, 3)
        pid = p.pid
        command = p.command
        cores = p.cores
        cpu_cores = HeadlessReport.round(p.cpuCores, 3)
        runnable_threads = p.runnableThreads
        runnable_wait = p.runnableWait.map { HeadlessReport.round($0, 3) }
        threads = s.threads.map {
            Thread(tid: $0.tid, name: $0.name, state: $0.state, cpu: HeadlessReport.round($0.cpu, 3),
                   runqueue_wait: $0.runqueueWait.map { HeadlessReport.round($0, 3) },
                   voluntary_switches_per_s: HeadlessReport.round($0.voluntarySwitchesPerSecond, 1),
                   involuntary_switches_per_s: HeadlessReport.round($0.involuntarySwitchesPerSecond, 1))
        }
        threads_started = p.threadsStarted
        threads_ended = p.threadsEnded
        self.events = events
        warnings = s.warnings.map { "\($0.rule): \($0.message)" }
        if let ended = p.ended {
            exited = true
            message = ended
        }
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encodeIfPresent(summary, forKey: .summary)
        try c.encode(source, forKey: .source)
        try c.encode(t, forKey: .t)
        try c.encode(interval_s, forKey: .interval_s)
        try c.encode(pid, forKey: .pid)
        try c.encode(command, forKey: .command)
        try c.encode(cores, forKey: .cores)
        try c.encode(cpu_cores, forKey: .cpu_cores)
        try c.encode(runnable_threads, forKey: .runnable_threads)
        try c.encode(runnable_wait, forKey: .runnable_wait)
        try c.encode(threads, forKey: .threads)
        try c.encode(threads_started, forKey: .threads_started)
        try c.encode(threads_ended, forKey: .threads_ended)
        try c.encode(events, forKey: .events)
        try c.encode(warnings, forKey: .warnings)
        try c.encodeIfPresent(exited, forKey: .exited)
        try c.encodeIfPresent(message, forKey: .message)
    }

    /// The line as compact JSON, keys sorted.
    public func jsonLine() -> String {
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        guard let data = try? encoder.encode(self) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }

    /// The line that ends a watch whose process exited.
    public static func exitedLine(pid: Int32, command: String, t: Double, message: String) -> String {
        struct Exited: Encodable {
            var source = "process"
            var pid: Int32
            var command: String
            var t: Double
            var exited = true
            var message: String
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        let line = Exited(pid: pid, command: command, t: HeadlessReport.round(t, 3), message: message)
        guard let data = try? encoder.encode(line) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}

/// Watches a process without a terminal: one ``ProcessReport`` line per
/// interval, a line saying so if the process exits, then a summary line.
public struct ProcessHeadlessRunner {
    public var interval: Double
    /// Seconds to watch; nil watches until the process exits or `wait` says stop.
    public var duration: Double?

    public init(interval: Double = 1, duration: Double? = nil) {
        self.interval = interval
        self.duration = duration
    }

    /// Reads `source` every `interval` (it must not be started: this runner
    /// paces the readings), writing lines through `write`. `wait(deadline)`
    /// sleeps until the monotonic deadline (ns) and returns false when the
    /// watch must end early (a signal). Returns the summary.
    @discardableResult
    public func run(source: ProcessThreads, write: (String) -> Void, wait: (UInt64) -> Bool) -> ProcessReport {
        var watch = source.readNow()
        var lastLogTime = watch.log.last?.time
        // A final partial interval still gets its line, unless it is under 10 ms.
        IntervalPacer.run(interval: interval, duration: duration, shortestFinal: 10_000_000, wait: wait) {
            watch = source.readNow()
            // The events since the previous line: those past what was seen.
            let fresh = Self.events(in: watch.log, after: lastLogTime)
            lastLogTime = watch.log.last?.time ?? lastLogTime
            if let ended = watch.process?.ended {
                write(ProcessReport.exitedLine(pid: source.pid, command: source.command,
                                               t: watch.uptimeSeconds, message: ended))
                return false
            }
            write(ProcessReport(watch, summary: false, events: fresh).jsonLine())
            return true
        }
        let summary = ProcessReport(source.wholeWatch(), summary: true)
        write(summary.jsonLine())
        return summary
    }

    /// Messages of the events newer than the last one already written.
    static func events(in log: [EngineEvent], after time: UInt64?) -> [String] {
        guard let time else { return log.map(\.message) }
        return log.filter { $0.time > time }.map(\.message)
    }
}
