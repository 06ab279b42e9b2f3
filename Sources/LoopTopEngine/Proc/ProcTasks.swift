#if canImport(Glibc)
import Glibc
#endif

/// One thread's counters as Linux reports them in `/proc/PID/task/TID/`:
/// `stat` (state, utime, stime), `status` (name, context switches) and
/// `schedstat` (time on a CPU, time waiting on a run queue). Raw cumulative
/// values; `TaskRates` turns two readings into figures a user can check.
public struct TaskReading: Sendable, Equatable, Codable {
    public var tid: Int32
    /// The thread's name (`comm`): what `ps -L -o comm` and htop show.
    public var name: String
    /// One-letter state from `stat`: R running or runnable, S sleeping, D disk
    /// wait, T stopped, t traced, Z zombie, X dead, I idle kernel thread.
    public var state: Character
    /// User and system CPU time, in clock ticks (`sysconf(_SC_CLK_TCK)`).
    public var utimeTicks: UInt64
    public var stimeTicks: UInt64
    /// `schedstat`: ns spent on a CPU, ns spent runnable but waiting for one,
    /// timeslices run. nil where the kernel has no schedstats.
    public var onCPUNanos: UInt64?
    public var runqueueWaitNanos: UInt64?
    public var timeslices: UInt64?
    /// `status`: voluntary_ctxt_switches and nonvoluntary_ctxt_switches.
    public var voluntarySwitches: UInt64
    public var involuntarySwitches: UInt64
    /// `stat` field 22: when the thread started, in clock ticks since boot
    /// (nil if the line was cut short). With CLOCK_BOOTTIME it gives the
    /// thread's age, the span its cumulative counters cover.
    public var startTicks: UInt64? = nil

    public init(tid: Int32, name: String, state: Character, utimeTicks: UInt64, stimeTicks: UInt64,
                onCPUNanos: UInt64?, runqueueWaitNanos: UInt64?, timeslices: UInt64?,
                voluntarySwitches: UInt64, involuntarySwitches: UInt64) {
        self.tid = tid
        self.name = name
        self.state = state
        self.utimeTicks = utimeTicks
        self.stimeTicks = stimeTicks
        self.onCPUNanos = onCPUNanos
        self.runqueueWaitNanos = runqueueWaitNanos
        self.timeslices = timeslices
        self.voluntarySwitches = voluntarySwitches
        self.involuntarySwitches = involuntarySwitches
    }

    /// The state in words, as `ps` documents the letters.
    public var stateName: String {
        switch state {
        case "R": return "running"
        case "S": return "sleeping"
        case "D": return "disk wait"
        case "T": return "stopped"
        case "t": return "traced"
        case "Z": return "zombie"
        case "X": return "dead"
        case "I": return "idle"
        default: return String(state)
        }
    }

    /// utime + stime in nanoseconds.
    public var cpuNanos: UInt64 {
        (utimeTicks &+ stimeTicks) &* (1_000_000_000 / ProcTasks.clockTicksPerSecond)
    }

    // Character is not Codable; store it as a one-letter string.
    enum CodingKeys: String, CodingKey {
        case tid, name, state, utimeTicks, stimeTicks, onCPUNanos, runqueueWaitNanos, timeslices,
             voluntarySwitches, involuntarySwitches, startTicks
    }

    public init(from decoder: any Decoder) throws {
        let c = try decoder.container(keyedBy: CodingKeys.self)
        tid = try c.decode(Int32.self, forKey: .tid)
        name = try c.decode(String.self, forKey: .name)
        state = try c.decode(String.self, forKey: .state).first ?? "?"
        utimeTicks = try c.decode(UInt64.self, forKey: .utimeTicks)
        stimeTicks = try c.decode(UInt64.self, forKey: .stimeTicks)
        onCPUNanos = try c.decodeIfPresent(UInt64.self, forKey: .onCPUNanos)
        runqueueWaitNanos = try c.decodeIfPresent(UInt64.self, forKey: .runqueueWaitNanos)
        timeslices = try c.decodeIfPresent(UInt64.self, forKey: .timeslices)
        voluntarySwitches = try c.decode(UInt64.self, forKey: .voluntarySwitches)
        involuntarySwitches = try c.decode(UInt64.self, forKey: .involuntarySwitches)
        startTicks = try c.decodeIfPresent(UInt64.self, forKey: .startTicks)
    }

    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(tid, forKey: .tid)
        try c.encode(name, forKey: .name)
        try c.encode(String(state), forKey: .state)
        try c.encode(utimeTicks, forKey: .utimeTicks)
        try c.encode(stimeTicks, forKey: .stimeTicks)
        try c.encodeIfPresent(onCPUNanos, forKey: .onCPUNanos)
        try c.encodeIfPresent(runqueueWaitNanos, forKey: .runqueueWaitNanos)
        try c.encodeIfPresent(timeslices, forKey: .timeslices)
        try c.encode(voluntarySwitches, forKey: .voluntarySwitches)
        try c.encode(involuntarySwitches, forKey: .involuntarySwitches)
        try c.encodeIfPresent(startTicks, forKey: .startTicks)
    }
}

/// Figures for one thread over the time between two readings: what a user
/// gets from the same two reads of `/proc` and a stopwatch.
public struct TaskRates: Sendable, Equatable, Codable {
    /// CPU used, in cores (0…1 for one thread): Δ(utime+stime) / Δwall.
    public var cpu: Double
    /// Share of wall time spent runnable but waiting for a CPU, 0…1:
    /// Δ(schedstat field 2) / Δwall. nil without schedstats.
    public var runqueueWait: Double?
    public var voluntarySwitchesPerSecond: Double
    public var involuntarySwitchesPerSecond: Double

    public init(cpu: Double, runqueueWait: Double?, voluntarySwitchesPerSecond: Double,
                involuntarySwitchesPerSecond: Double) {
        self.cpu = cpu
        self.runqueueWait = runqueueWait
        self.voluntarySwitchesPerSecond = voluntarySwitchesPerSecond
        self.involuntarySwitchesPerSecond = involuntarySwitchesPerSecond
    }

    /// Rates between `earlier` and `later`, taken `seconds` apart. Counters
    /// that went backwards (a reused tid) give nil.
    public init?(from earlier: TaskReading, to later: TaskReading, seconds: Double) {
        guard seconds > 0, earlier.tid == later.tid,
              later.cpuNanos >= earlier.cpuNanos,
              later.voluntarySwitches >= earlier.voluntarySwitches,
              later.involuntarySwitches >= earlier.involuntarySwitches else { return nil }
        // Prefer schedstat's ns on CPU: utime/stime move in 10 ms ticks.
        let cpuNanos: Double
        if let a = earlier.onCPUNanos, let b = later.onCPUNanos, b >= a {
            cpuNanos = Double(b - a)
        } else {
            cpuNanos = Double(later.cpuNanos - earlier.cpuNanos)
        }
        cpu = min(1, max(0, cpuNanos / (seconds * 1e9)))
        if let a = earlier.runqueueWaitNanos, let b = later.runqueueWaitNanos, b >= a {
            runqueueWait = min(1, Double(b - a) / (seconds * 1e9))
        } else {
            runqueueWait = nil
        }
        voluntarySwitchesPerSecond = Double(later.voluntarySwitches - earlier.voluntarySwitches) / seconds
        involuntarySwitchesPerSecond = Double(later.involuntarySwitches - earlier.involuntarySwitches) / seconds
    }
}

/// Reads `/proc/PID/task/*`. Each read of one thread opens three small files
/// (about 12 µs a thread on the 2-core development machine), so callers read
/// each thread at most about once a second.
public enum ProcTasks {
    /// `sysconf(_SC_CLK_TCK)`: the unit of utime and stime.
    public static let clockTicksPerSecond: UInt64 = {
        let ticks = sysconf(Int32(_SC_CLK_TCK))
        return ticks > 0 ? UInt64(ticks) : 100
    }()

    /// Nanoseconds since boot (CLOCK_BOOTTIME), the clock `starttime` counts on.
    public static func bootNanos() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
    }

    /// A thread's age at `bootNanos`, from its reading's start time; nil if unknown.
    public static func age(of reading: TaskReading, atBoot bootNanos: UInt64) -> UInt64? {
        guard let ticks = reading.startTicks else { return nil }
        let start = ticks &* (1_000_000_000 / clockTicksPerSecond)
        return bootNanos > start ? bootNanos - start : nil
    }

    /// This process's id.
    public static var selfPID: Int32 { getpid() }

    /// The thread ids of `pid`, ascending; nil if the process cannot be read.
    public static func threadIDs(of pid: Int32) -> [Int32]? {
        guard let dir = opendir("/proc/\(pid)/task") else { return nil }
        defer { closedir(dir) }
        var ids: [Int32] = []
        while let entry = readdir(dir) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { raw -> String in
                String(decoding: raw.prefix(while: { $0 != 0 }), as: UTF8.self)
            }
            if let tid = Int32(name) { ids.append(tid) }
        }
        return ids.sorted()
    }

    /// One thread's counters, or nil if it has gone (or cannot be read).
    public static func read(pid: Int32, tid: Int32) -> TaskReading? {
        let base = "/proc/\(pid)/task/\(tid)/"
        guard let stat = readSmallFile(base + "stat"), let status = readSmallFile(base + "status") else {
            return nil
        }
        return parse(tid: tid, stat: stat, status: status, schedstat: readSmallFile(base + "schedstat"))
    }

    /// Every thread of `pid` that could be read; nil if the process cannot be read.
    public static func readAll(pid: Int32) -> [TaskReading]? {
        guard let ids = threadIDs(of: pid) else { return nil }
        return ids.compactMap { read(pid: pid, tid: $0) }
    }

    /// Parses the three files' text; a pure function, so tests can feed it.
    public static func parse(tid: Int32, stat: String, status: String, schedstat: String?) -> TaskReading? {
        // `comm` sits in parentheses and may itself hold spaces or ')':
        // the fields start after the last ')'.
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] is field 3 (state); utime and stime are fields 14 and 15.
        guard rest.count > 12, let state = rest[0].first,
              let utime = UInt64(rest[11]), let stime = UInt64(rest[12]) else { return nil }
        var name = ""
        if let open = stat.firstIndex(of: "(") , open < close {
            name = String(stat[stat.index(after: open)..<close])
        }
        var voluntary: UInt64 = 0
        var involuntary: UInt64 = 0
        for line in status.split(separator: "\n") {
            if line.hasPrefix("Name:") {
                name = line.dropFirst(5).trimmingSpaces()
            } else if line.hasPrefix("voluntary_ctxt_switches:") {
                voluntary = UInt64(line.dropFirst(24).trimmingSpaces()) ?? 0
            } else if line.hasPrefix("nonvoluntary_ctxt_switches:") {
                involuntary = UInt64(line.dropFirst(27).trimmingSpaces()) ?? 0
            }
        }
        var onCPU: UInt64?
        var wait: UInt64?
        var slices: UInt64?
        if let schedstat {
            let parts = schedstat.split(whereSeparator: { $0 == " " || $0 == "\n" })
            if parts.count >= 3 {
                onCPU = UInt64(parts[0])
                wait = UInt64(parts[1])
                slices = UInt64(parts[2])
            }
        }
        var reading = TaskReading(tid: tid, name: name, state: state, utimeTicks: utime, stimeTicks: stime,
                                  onCPUNanos: onCPU, runqueueWaitNanos: wait, timeslices: slices,
                                  voluntarySwitches: voluntary, involuntarySwitches: involuntary)
        // rest[19] is field 22, starttime.
        if rest.count > 19 { reading.startTicks = UInt64(rest[19]) }
        return reading
    }

    /// The CPUs `pid` may run on, from `Cpus_allowed_list` in
    /// `/proc/PID/status` ("0-1,4"); nil if unreadable.
    public static func allowedCPUs(of pid: Int32) -> Int? {
        guard let status = readSmallFile("/proc/\(pid)/status") else { return nil }
        for line in status.split(separator: "\n") where line.hasPrefix("Cpus_allowed_list:") {
            return countCPUList(line.dropFirst(18).trimmingSpaces())
        }
        return nil
    }

    /// Counts the CPUs in a list such as "0-3,6,8-9"; nil if malformed.
    public static func countCPUList(_ list: String) -> Int? {
        var count = 0
        for part in list.split(separator: ",") {
            let bounds = part.split(separator: "-")
            if bounds.count == 1, Int(bounds[0]) != nil {
                count += 1
            } else if bounds.count == 2, let a = Int(bounds[0]), let b = Int(bounds[1]), b >= a {
                count += b - a + 1
            } else {
                return nil
            }
        }
        return count > 0 ? count : nil
    }

    /// The whole of a small file (under 64 KiB, as /proc files are), or nil.
    /// /proc files report size 0, so this reads until end of file.
    public static func readSmallFile(_ path: String) -> String? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 4096)
        while bytes.count < 65_536 {
            let n = buffer.withUnsafeMutableBytes { Glibc.read(fd, $0.baseAddress, 4096) }
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return String(decoding: bytes, as: UTF8.self)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
