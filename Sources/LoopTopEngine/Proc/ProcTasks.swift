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
    /// `stat` field 22: when the thread started, in clock ticks since boot;
    /// nil where unknown. Lets a thread first seen mid-interval get figures
    /// over the time it has lived rather than none.
    public var startTicks: UInt64?

    public init(tid: Int32, name: String, state: Character, utimeTicks: UInt64, stimeTicks: UInt64,
                onCPUNanos: UInt64?, runqueueWaitNanos: UInt64?, timeslices: UInt64?,
                voluntarySwitches: UInt64, involuntarySwitches: UInt64, startTicks: UInt64? = nil) {
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
        self.startTicks = startTicks
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
    /// The files are read into one reused buffer and parsed as bytes: with
    /// 1,000 threads read once a second, String splitting cost a third of a
    /// core (`looptop run --workers 1000`, the looptop-proc thread in /proc).
    public static func read(pid: Int32, tid: Int32) -> TaskReading? {
        let base = "/proc/\(pid)/task/\(tid)/"
        var buffer = [UInt8](repeating: 0, count: 8192)
        return buffer.withUnsafeMutableBufferPointer { raw -> TaskReading? in
            let third = raw.count / 4
            let statArea = UnsafeMutableBufferPointer(rebasing: raw[0..<third])
            let schedArea = UnsafeMutableBufferPointer(rebasing: raw[third..<(2 * third)])
            let statusArea = UnsafeMutableBufferPointer(rebasing: raw[(2 * third)...])
            guard let statCount = readInto(base + "stat", statArea),
                  let statusCount = readInto(base + "status", statusArea) else { return nil }
            let schedCount = readInto(base + "schedstat", schedArea)
            return parse(tid: tid, stat: UnsafeBufferPointer(rebasing: statArea[0..<statCount]),
                         status: UnsafeBufferPointer(rebasing: statusArea[0..<statusCount]),
                         schedstat: schedCount.map { UnsafeBufferPointer(rebasing: schedArea[0..<$0]) })
        }
    }

    /// Reads a /proc file into `area`; its length, or nil if it cannot be read.
    /// A file longer than the area is cut there (the fields read come first).
    static func readInto(_ path: String, _ area: UnsafeMutableBufferPointer<UInt8>) -> Int? {
        let fd = open(path, O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        var count = 0
        while count < area.count {
            let n = Glibc.read(fd, area.baseAddress! + count, area.count - count)
            if n < 0 {
                if errno == EINTR { continue }
                return nil
            }
            if n == 0 { break }
            count += n
        }
        return count
    }

    /// Every thread of `pid` that could be read; nil if the process cannot be read.
    public static func readAll(pid: Int32) -> [TaskReading]? {
        guard let ids = threadIDs(of: pid) else { return nil }
        return ids.compactMap { read(pid: pid, tid: $0) }
    }

    /// Parses the three files' text; a pure function, so tests can feed it.
    public static func parse(tid: Int32, stat: String, status: String, schedstat: String?) -> TaskReading? {
        let stat = Array(stat.utf8), status = Array(status.utf8), sched = schedstat.map { Array($0.utf8) }
        return stat.withUnsafeBufferPointer { st in
            status.withUnsafeBufferPointer { ss in
                guard let sched else { return parse(tid: tid, stat: st, status: ss, schedstat: nil) }
                return sched.withUnsafeBufferPointer { parse(tid: tid, stat: st, status: ss, schedstat: $0) }
            }
        }
    }

    /// The same on the files' bytes.
    static func parse(tid: Int32, stat: UnsafeBufferPointer<UInt8>, status: UnsafeBufferPointer<UInt8>,
                      schedstat: UnsafeBufferPointer<UInt8>?) -> TaskReading? {
        // `comm` sits in parentheses and may itself hold spaces or ')':
        // the fields start after the last ')'.
        guard let close = stat.lastIndex(of: UInt8(ascii: ")")) else { return nil }
        var name = ""
        if let open = stat.firstIndex(of: UInt8(ascii: "(")), open < close {
            name = String(decoding: UnsafeBufferPointer(rebasing: stat[(open + 1)..<close]), as: UTF8.self)
        }
        // Fields after ')', space-separated: [0] is field 3 (state), [11]
        // and [12] fields 14 and 15 (utime, stime), [19] field 22 (starttime).
        var field = -1
        var i = close + 1
        var state: UInt8 = 0
        var utime: UInt64?, stime: UInt64?, start: UInt64?
        while i < stat.count, field < 19 {
            while i < stat.count, stat[i] == UInt8(ascii: " ") { i += 1 }
            guard i < stat.count, stat[i] != UInt8(ascii: "\n") else { break }
            field += 1
            let begin = i
            while i < stat.count, stat[i] != UInt8(ascii: " "), stat[i] != UInt8(ascii: "\n") { i += 1 }
            switch field {
            case 0: state = stat[begin]
            case 11: utime = number(stat, begin..<i)
            case 12: stime = number(stat, begin..<i)
            case 19: start = number(stat, begin..<i)
            default: break
            }
        }
        guard field >= 12, state != 0, let utime, let stime else { return nil }
        var voluntary: UInt64 = 0
        var involuntary: UInt64 = 0
        var line = 0
        while line < status.count {
            var end = line
            while end < status.count, status[end] != UInt8(ascii: "\n") { end += 1 }
            if let value = value(status, line..<end, after: "Name:") {
                name = String(decoding: UnsafeBufferPointer(rebasing: status[value]), as: UTF8.self)
            } else if let value = value(status, line..<end, after: "voluntary_ctxt_switches:") {
                voluntary = number(status, value) ?? 0
            } else if let value = value(status, line..<end, after: "nonvoluntary_ctxt_switches:") {
                involuntary = number(status, value) ?? 0
            }
            line = end + 1
        }
        var onCPU: UInt64?, wait: UInt64?, slices: UInt64?
        if let schedstat {
            var parts: [Range<Int>] = []
            var j = 0
            while j < schedstat.count, parts.count < 3 {
                while j < schedstat.count, schedstat[j] == UInt8(ascii: " ") || schedstat[j] == UInt8(ascii: "\n") { j += 1 }
                let begin = j
                while j < schedstat.count, schedstat[j] != UInt8(ascii: " "), schedstat[j] != UInt8(ascii: "\n") { j += 1 }
                if j > begin { parts.append(begin..<j) }
            }
            if parts.count == 3 {
                onCPU = number(schedstat, parts[0])
                wait = number(schedstat, parts[1])
                slices = number(schedstat, parts[2])
            }
        }
        return TaskReading(tid: tid, name: name, state: Character(Unicode.Scalar(state)), utimeTicks: utime, stimeTicks: stime,
                           onCPUNanos: onCPU, runqueueWaitNanos: wait, timeslices: slices,
                           voluntarySwitches: voluntary, involuntarySwitches: involuntary, startTicks: start)
    }

    /// A decimal number filling `range` exactly; nil if anything else is there or it overflows.
    private static func number(_ bytes: UnsafeBufferPointer<UInt8>, _ range: Range<Int>) -> UInt64? {
        guard !range.isEmpty else { return nil }
        var value: UInt64 = 0
        for k in range {
            let digit = bytes[k] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times, o1) = value.multipliedReportingOverflow(by: 10)
            let (sum, o2) = times.addingReportingOverflow(UInt64(digit))
            guard !o1, !o2 else { return nil }
            value = sum
        }
        return value
    }

    /// The line's text after `key`, spaces and tabs trimmed, if the line starts with it.
    private static func value(_ bytes: UnsafeBufferPointer<UInt8>, _ line: Range<Int>, after key: StaticString) -> Range<Int>? {
        let count = key.utf8CodeUnitCount
        guard line.count >= count else { return nil }
        let matches = key.withUTF8Buffer { k in
            (0..<count).allSatisfy { bytes[line.lowerBound + $0] == k[$0] }
        }
        guard matches else { return nil }
        var lower = line.lowerBound + count, upper = line.upperBound
        func blank(_ b: UInt8) -> Bool { b == UInt8(ascii: " ") || b == UInt8(ascii: "\t") || b == UInt8(ascii: "\r") }
        while lower < upper, blank(bytes[lower]) { lower += 1 }
        while upper > lower, blank(bytes[upper - 1]) { upper -= 1 }
        return lower..<upper
    }

    /// The whole process as `/proc/PID/stat` reports it (the thread group:
    /// utime and stime include threads that have ended).
    public struct ProcessStat: Sendable, Equatable, Codable {
        /// One-letter state of the process; Z once it has exited but not been reaped.
        public var state: String
        public var utimeTicks: UInt64
        public var stimeTicks: UInt64
        /// `num_threads`.
        public var threads: Int
        /// When the process started, clock ticks since boot: a pid reused by
        /// another process shows a different start.
        public var startTicks: UInt64

        public init(state: String, utimeTicks: UInt64, stimeTicks: UInt64, threads: Int, startTicks: UInt64) {
            self.state = state
            self.utimeTicks = utimeTicks
            self.stimeTicks = stimeTicks
            self.threads = threads
            self.startTicks = startTicks
        }

        /// utime + stime in nanoseconds.
        public var cpuNanos: UInt64 {
            (utimeTicks &+ stimeTicks) &* (1_000_000_000 / ProcTasks.clockTicksPerSecond)
        }

        /// Exited: a zombie waiting to be reaped, or dead.
        public var hasExited: Bool { state == "Z" || state == "X" || state == "x" }
    }

    /// `/proc/PID/stat` of the process, or nil if it cannot be read (gone).
    public static func processStat(of pid: Int32) -> ProcessStat? {
        readSmallFile("/proc/\(pid)/stat").flatMap(parseProcessStat)
    }

    /// Parses `/proc/PID/stat` text; nil if malformed.
    public static func parseProcessStat(_ stat: String) -> ProcessStat? {
        guard let close = stat.lastIndex(of: ")") else { return nil }
        let rest = stat[stat.index(after: close)...].split(separator: " ", omittingEmptySubsequences: true)
        // rest[0] is field 3; utime 14, stime 15, num_threads 20, starttime 22.
        guard rest.count > 19, let utime = UInt64(rest[11]), let stime = UInt64(rest[12]),
              let threads = Int(rest[17]), let start = UInt64(rest[19]) else { return nil }
        return ProcessStat(state: String(rest[0]), utimeTicks: utime, stimeTicks: stime, threads: threads,
                           startTicks: start)
    }

    /// The process's command line as `ps -o args` shows it (arguments joined
    /// by spaces), or its `comm` in brackets when the command line is empty
    /// (kernel threads, zombies); nil if the process cannot be read.
    public static func commandLine(of pid: Int32) -> String? {
        if let raw = readSmallFile("/proc/\(pid)/cmdline"), !raw.isEmpty {
            let words = raw.split(separator: "\0", omittingEmptySubsequences: true)
            if !words.isEmpty { return words.joined(separator: " ") }
        }
        guard let comm = readSmallFile("/proc/\(pid)/comm") else { return nil }
        return "[" + comm.trimmingCharacters(in: "\n") + "]"
    }

    /// Clock ticks since boot in ns.
    public static func nanos(ofTicks ticks: UInt64) -> UInt64 {
        ticks &* (1_000_000_000 / clockTicksPerSecond)
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

extension String {
    fileprivate func trimmingCharacters(in set: Character) -> String {
        var s = Substring(self)
        while s.last == set { s = s.dropLast() }
        return String(s)
    }
}

extension Substring {
    fileprivate func trimmingSpaces() -> String {
        String(drop(while: { $0 == " " || $0 == "\t" }).reversed().drop(while: { $0 == " " || $0 == "\t" }).reversed())
    }
}
