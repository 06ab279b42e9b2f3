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
        LoopBlockedRule(), OversubscribedRule(), QueueFullRule(), TinyJobsRule(), WorkerFailedRule(),
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

/// More busy workers than cores: they share, and each gets less than a core.
public struct OversubscribedRule: WarningRule {
    public let name = "oversubscribed"
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        guard s.liveWorkers > s.cores else { return nil }
        let share = Double(s.cores) / Double(s.liveWorkers)
        return Warning(rule: name, severity: .warn,
                       message: "\(s.liveWorkers) workers on \(s.cores) cores: each gets \(String(format1: share, digits: 2)) of a core")
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

/// Offloading jobs so small that the trip costs more than the work.
public struct TinyJobsRule: WarningRule {
    public let name = "tiny-jobs"
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        guard s.settings.mode == .offloaded, s.queue.run.count >= 20, s.loop.handback.count >= 20 else { return nil }
        let overhead = s.loop.handback.p50 + s.queue.wait.p50
        guard s.queue.run.p50 < overhead else { return nil }
        return Warning(rule: name, severity: .warn,
                       message: "jobs of \(String(format1: s.queue.run.p50, digits: 2)) ms: hand-off "
                           + "(\(String(format1: overhead, digits: 2)) ms) costs more than the work")
    }
}

/// A worker failed recently.
public struct WorkerFailedRule: WarningRule {
    public let name = "worker-failed"
    public init() {}

    public func check(_ s: Snapshot) -> Warning? {
        let failed = s.workers.filter { $0.state == .failed }
        guard let last = failed.last else { return nil }
        return Warning(rule: name, severity: .warn,
                       message: "worker \(last.id) failed: \(last.endReason ?? "error")"
                           + (failed.count > 1 ? " (\(failed.count) failed)" : ""))
    }
}
