/// A rule that looks at a snapshot and may raise a warning, in the manner of
/// tokio-console's warnings: a name users can recognise, a check with its
/// threshold, and a sentence about this moment with its figure.
public protocol WarningRule: Sendable {
    /// Kebab-case name (`loop-blocked`).
    var name: String { get }
    func check(_ snapshot: Snapshot) -> Warning?
}

public enum WarningRules {
    /// The rules the dashboard and the headless report use.
    public static let standard: [any WarningRule] = [
        LoopBlockedRule(), NoWorkersRule(), OversubscribedRule(), QueueFullRule(), HandoffCostRule(), WorkerFailedRule(),
    ]
}

/// The loop is stalled now, or was in the last second: names the job.
public struct LoopBlockedRule: WarningRule {
    public let name = "loop-blocked"
    /// A stall longer than this is worth saying, ms.
    public var thresholdMs = 50.0
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        if s.loop.stallMs >= thresholdMs {
            let blame = s.loop.currentJob.map { " by job #\($0.id) \($0.workload)" } ?? ""
            return Warning(rule: name, severity: .critical,
                           message: "loop blocked \(formatMs(UInt64(s.loop.stallMs * 1e6)))\(blame); "
                               + "\(s.loop.requestsWaiting) requests waiting")
        }
        guard s.loop.lagRecentMaxMs >= thresholdMs else { return nil }
        let recent = s.log.last { $0.kind == .notice && $0.message.hasPrefix("loop blocked") && s.time &- $0.time < 2_000_000_000 }
        return Warning(rule: name, severity: .warn,
                       message: recent?.message ?? "loop lag reached \(formatMs(UInt64(s.loop.lagRecentMaxMs * 1e6))) in the last second")
    }
}

/// Busy workers that do not get a core: measured from what their threads
/// live through (CPU/WALL while busy, run-queue wait from /proc), never from
/// workers ÷ cores, and it says who takes the CPU.
public struct OversubscribedRule: WarningRule {
    public let name = "oversubscribed"
    /// A worker busy at least this share of the window counts as busy.
    public var busyShare = 0.5
    /// Busy workers getting less than this share of a core, on average, are starved.
    public var coreShare = 0.75
    /// …and, where /proc says, waiting for a CPU at least this share of the time.
    public var runqueueWait = 0.2
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        let busy = s.workers.filter { $0.state.isLive && $0.busy >= busyShare && $0.cpuPerWall > 0 }
        guard !busy.isEmpty else { return nil }
        let share = busy.reduce(0) { $0 + min(1, $1.cpuPerWall) } / Double(busy.count)
        let waits = busy.compactMap { $0.sched?.runqueueWait }
        let wait = waits.isEmpty ? nil : waits.reduce(0, +) / Double(waits.count)
        guard share < coreShare, wait.map({ $0 >= runqueueWait }) ?? true else { return nil }
        let waitText = wait.map { ", \(Int(($0 * 100).rounded())) % of their time waiting for a CPU" } ?? ""
        // Who takes the CPU: our own busy threads if they outnumber the cores,
        // otherwise something outside looptop.
        let who: String
        if busy.count > s.cores {
            who = "\(busy.count) busy workers share \(s.cores) core\(s.cores == 1 ? "" : "s")"
        } else {
            let ours = s.workers.reduce(0.0) { $0 + ($1.state.isLive ? ($1.sched?.cpu ?? $1.busy * $1.cpuPerWall) : 0) }
                + (s.loop.thread?.cpu ?? s.loop.utilization)
            who = "other processes take the CPU (looptop's threads use \(String(format1: ours, digits: 1)) of \(s.cores) cores)"
        }
        return Warning(rule: name, severity: .warn,
                       message: "workers get \(String(format1: share, digits: 2)) of a core\(waitText): \(who)")
    }
}

/// Offloaded, no live worker, and jobs queue up for nobody.
public struct NoWorkersRule: WarningRule {
    public let name = "no-workers"
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        guard s.settings.mode == .offloaded, s.liveWorkers == 0, s.queue.depth > 0 else { return nil }
        let oldest = s.queue.oldestWaitMs > 0 ? " (oldest \(formatMs(UInt64(s.queue.oldestWaitMs * 1e6))))" : ""
        return Warning(rule: name, severity: .critical,
                       message: "no workers: \(s.queue.depth) job\(s.queue.depth == 1 ? "" : "s") waiting\(oldest); + spawns one")
    }
}

/// The queue is full and jobs are being turned away.
public struct QueueFullRule: WarningRule {
    public let name = "queue-full"
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        guard s.jobs.rejected > 0 else { return nil }
        let full = s.queue.depth >= s.queue.capacity || s.queue.loopDepth >= s.queue.capacity
        guard full else { return nil }
        return Warning(rule: name, severity: .critical,
                       message: "queue full: \(s.jobs.rejected) jobs rejected")
    }
}

/// Offloading jobs so small that the trip costs more than the work. The
/// trip is its own cost only: submit → start on a worker that was idle, and
/// finish → the loop sees the result. Time waiting in the queue for a busy
/// worker is not the trip's (a full queue says nothing here), and blocking
/// or chunked jobs make no trip at all.
public struct HandoffCostRule: WarningRule {
    public let name = "handoff-cost"
    /// Samples of each part needed before saying anything.
    public var minimumSamples: UInt64 = 20
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        guard s.settings.mode == .offloaded, s.queue.run.count >= minimumSamples,
              s.queue.pickup.count >= minimumSamples, s.loop.handback.count >= minimumSamples else { return nil }
        let trip = s.queue.pickup.p50 + s.loop.handback.p50
        guard s.queue.run.p50 < trip else { return nil }
        func ms(_ v: Double) -> String { String(format1: v, digits: v < 1 ? 3 : 2) }
        return Warning(rule: name, severity: .warn,
                       message: "jobs of \(ms(s.queue.run.p50)) ms: the trip to a worker and back (\(ms(trip)) ms: "
                           + "pick-up \(ms(s.queue.pickup.p50)) + hand-back \(ms(s.loop.handback.p50))) costs more than the work")
    }
}

/// A worker failed recently.
public struct WorkerFailedRule: WarningRule {
    public let name = "worker-failed"
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        // Counted in place: a filtered copy of 1,000 workers every frame showed in perf.
        var failed = 0
        var lastIndex: Int?
        for i in s.workers.indices where s.workers[i].state == .failed {
            failed += 1
            lastIndex = i
        }
        guard let lastIndex else { return nil }
        let last = s.workers[lastIndex]
        return Warning(rule: name, severity: .warn,
                       message: "worker \(last.id) failed: \(last.endReason ?? "error")"
                           + (failed > 1 ? " (\(failed) failed)" : ""))
    }
}
