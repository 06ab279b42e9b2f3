#if canImport(Glibc)
import Glibc
#endif

/// What `/proc/self/task/TID` says about one of looptop's own threads.
public struct ThreadFigures: Sendable, Equatable {
    public var tid: Int32
    /// Over the last read interval (about a second).
    public var recent: TaskRates?
    /// Since the thread started: its cumulative counters over its lifetime.
    public var total: TaskRates?
    /// The latest raw reading.
    public var reading: TaskReading?
}

/// Reads looptop's own threads (the loop and the workers) from
/// `/proc/self/task`, each at most once a period, on a thread of its own
/// (`looptop-proc`, scheduled as SCHED_BATCH).
///
/// Why a thread of its own: a read costs about 12 µs a thread, so 1,000
/// workers take 12 ms a sweep. Done under the pool's lock it would stall
/// every hand-off; done on the loop or in a snapshot it would show up as
/// lag or frame time. Here it runs when a CPU is spare, holds only its own
/// lock while it copies the list of threads and stores the results, and a
/// snapshot takes the results as one dictionary (no read of /proc).
final class ThreadWatch: @unchecked Sendable {
    private struct Entry {
        /// Monotonic time the thread registered (from inside itself, at its start).
        var bornAt: UInt64
        var previous: (reading: TaskReading, at: UInt64)?
        var ended: UInt64?
        var figures: ThreadFigures
    }

    private struct State {
        var entries: [Int32: Entry] = [:]
        var published: [Int32: ThreadFigures] = [:]
        /// Moves on each time `published` changes (once a sweep, and as a thread ends).
        var version: UInt64 = 0
        var stop = false
    }

    private let state = ConditionMutex(State())
    let periodNanos: UInt64
    private let pid = getpid()
    private var thread: OSThread?

    /// `periodSeconds` ≤ 0: no reader thread (figures only from `sweep`).
    init(periodSeconds: Double) {
        periodNanos = Nanos.fromSeconds(periodSeconds)
    }

    func start() {
        guard periodNanos > 0, thread == nil else { return }
        thread = OSThread.spawn(name: "looptop-proc") { [self] in
            // SCHED_BATCH (3): waking up, it never preempts the loop or a
            // worker, yet it gets its fair turn. Nice 19 starved it: with 16
            // busy workers on a loaded 2-core machine it published nothing in 5 s.
            var param = sched_param(sched_priority: 0)
            _ = sched_setscheduler(0, 3, &param)
            run()
        }
    }

    func stop() {
        state.withLock { $0.stop = true }
        state.broadcast()
        thread?.join()
        thread = nil
    }

    /// Called by a thread about itself as it starts.
    func register(tid: Int32, at now: UInt64 = monotonicNow()) {
        state.withLock { s in
            s.entries[tid] = Entry(bornAt: now, figures: ThreadFigures(tid: tid))
        }
    }

    /// Called by a thread about itself as it ends: one last read (it will be
    /// gone from /proc by the next sweep), so its whole-run figures are exact.
    func finish(tid: Int32) {
        let now = monotonicNow()
        let reading = ProcTasks.read(pid: pid, tid: tid)
        let boot = ProcTasks.bootNanos()
        state.withLock { s in
            guard var entry = s.entries[tid] else { return }
            if let reading { Self.update(&entry, with: reading, at: now, boot: boot) }
            entry.ended = now
            s.entries[tid] = entry
            s.published[tid] = entry.figures
            s.version &+= 1
        }
    }

    /// The figures of every thread known, by tid, in storage of their own
    /// (see `Engine.gather`: the published table is updated in place under
    /// the lock while callers read this), and their version; or nil when
    /// they are still those of
    /// `version`: a caller that ticks more often than the sweep (10 frames a
    /// second against one sweep) copies 1,000 threads' figures once a sweep,
    /// not once a frame.
    func figures(newerThan version: UInt64?) -> (version: UInt64, figures: [Int32: ThreadFigures])? {
        state.withLock { s in s.version == version ? nil : (s.version, s.published.mapValues { $0 }) }
    }

    /// One pass over the live threads: reads each without holding the lock.
    func sweep() {
        let live = state.withLock { s -> [Int32] in s.entries.compactMap { $0.value.ended == nil ? $0.key : nil } }
        var readings: [(TaskReading, UInt64, UInt64)] = []
        readings.reserveCapacity(live.count)
        for tid in live {
            if let r = ProcTasks.read(pid: pid, tid: tid) { readings.append((r, monotonicNow(), ProcTasks.bootNanos())) }
        }
        let now = monotonicNow()
        state.withLock { s in
            for (reading, at, boot) in readings {
                guard var entry = s.entries[reading.tid], entry.ended == nil else { continue }
                Self.update(&entry, with: reading, at: at, boot: boot)
                s.entries[reading.tid] = entry
                s.published[reading.tid] = entry.figures
            }
            // Ended threads are kept a minute, for the summary and the table's ended rows.
            for (tid, entry) in s.entries where entry.ended.map({ now &- $0 > 60_000_000_000 }) ?? false {
                s.entries[tid] = nil
                s.published[tid] = nil
            }
            s.version &+= 1
        }
    }

    private static func update(_ entry: inout Entry, with reading: TaskReading, at now: UInt64, boot: UInt64) {
        if let previous = entry.previous, now > previous.at {
            entry.figures.recent = TaskRates(from: previous.reading, to: reading, seconds: Double(now - previous.at) / 1e9)
        }
        // The thread's age as /proc tells it (starttime): it includes any wait
        // for a CPU before its first instruction, which schedstat counts too.
        if let age = ProcTasks.age(of: reading, atBoot: boot) {
            entry.figures.total = wholeLife(reading, bornAt: 0, now: age)
        } else {
            entry.figures.total = wholeLife(reading, bornAt: entry.bornAt, now: now)
        }
        entry.figures.reading = reading
        entry.previous = (reading, now)
    }

    /// Rates over the thread's whole life: its counters start at zero when it does.
    static func wholeLife(_ reading: TaskReading, bornAt: UInt64, now: UInt64) -> TaskRates? {
        guard now > bornAt else { return nil }
        let zero = TaskReading(tid: reading.tid, name: reading.name, state: reading.state, utimeTicks: 0,
                               stimeTicks: 0, onCPUNanos: reading.onCPUNanos.map { _ in 0 },
                               runqueueWaitNanos: reading.runqueueWaitNanos.map { _ in 0 },
                               timeslices: reading.timeslices.map { _ in 0 }, voluntarySwitches: 0,
                               involuntarySwitches: 0)
        return TaskRates(from: zero, to: reading, seconds: Double(now - bornAt) / 1e9)
    }

    private func run() {
        var next = monotonicNow() + periodNanos
        while true {
            let stop = state.wait(deadline: next) { s -> Bool? in s.stop ? true : nil }
            if stop == true { return }
            sweep()
            next = max(next + periodNanos, monotonicNow() + periodNanos / 2)
        }
    }
}
