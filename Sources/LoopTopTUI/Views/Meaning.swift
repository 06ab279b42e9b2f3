import LoopTopEngine

/// What figures mean: the thresholds that color a value ok, warn or critical.
/// One place, so the panels, the graphs and the table agree.
enum Meaning {
    /// Event-loop lag, ms: a 60 fps frame is 16 ms; the blocked-loop warning starts at 50.
    static let lagWarnMs = 10.0
    static let lagCriticalMs = 50.0

    static func lag(_ ms: Double) -> Style {
        ms >= lagCriticalMs ? .critical : ms >= lagWarnMs ? .warn : .ok
    }

    /// Request latency, ms.
    static func request(_ ms: Double) -> Style {
        ms >= 100 ? .critical : ms >= 20 ? .warn : .ok
    }

    /// Event-loop utilization, 0…1: near 1 there is no slack for new requests.
    static func utilization(_ share: Double) -> Style {
        share >= 0.95 ? .critical : share >= 0.7 ? .warn : .text
    }

    /// Queue depth against its capacity.
    static func depth(_ depth: Int, capacity: Int) -> Style {
        guard capacity > 0, depth > 0 else { return .text }
        let share = Double(depth) / Double(capacity)
        return share >= 0.9 ? .critical : share >= 0.5 ? .warn : .text
    }

    /// The depth graph's gradient: its mid at half the capacity, its end at 90 %.
    static func depthInk(capacity: Int) -> Sparkline.Ink {
        let c = Double(max(1, capacity))
        return .gradient(.queue, warn: 0.5 * c, critical: 0.9 * c)
    }

    /// A worker's activity graph: busy share 0…1 along the gradient.
    static let activityInk = Sparkline.Ink.gradient(.activity, warn: 0.5, critical: 1)

    /// Time jobs wait in a queue against the time they run: waiting longer than
    /// running means the pool is behind.
    static func wait(_ waitMs: Double, runMs: Double) -> Style {
        guard waitMs > 1 else { return .text }
        if waitMs > 10 * max(runMs, 1) { return .critical }
        if waitMs > max(runMs, 1) { return .warn }
        return .text
    }

    /// A count that should be zero (failed, rejected, shed).
    static func bad(_ n: UInt64, critical: Bool = false) -> Style {
        n == 0 ? .text : critical ? .critical : .warn
    }

    /// CPU time over busy wall time: under 1 the worker waited for a core.
    static func cpuPerWall(_ ratio: Double) -> Style {
        ratio < 0.5 ? .critical : ratio < 0.85 ? .warn : .text
    }

    /// Run-queue wait share: waiting for a CPU half the time is a shared core.
    static func runqueueWait(_ share: Double) -> Style {
        share >= 0.5 ? .critical : share >= 0.15 ? .warn : .text
    }

    static func mode(_ mode: Mode) -> Style {
        switch mode {
        case .blocking: Style(.critical, [.bold, .reverse])
        case .chunked: Style(.warn, [.bold, .reverse])
        case .offloaded: Style(.ok, [.bold, .reverse])
        }
    }

    static func warning(_ severity: Warning.Severity) -> Style {
        severity == .critical ? .critical : .warn
    }

    static func event(_ event: EngineEvent) -> Style {
        switch event.kind {
        case .workerError: return .critical
        case .workerExited: return event.message.contains("code") ? .critical : .warn
        case .jobFinished: return event.job?.outcome == .failed ? .critical : .warn
        case .notice: return .warn
        case .workerSpawned, .workerReady, .threadStarted: return .dim
        case .threadEnded: return .text
        case .control: return .text
        }
    }
}
