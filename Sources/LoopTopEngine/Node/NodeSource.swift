import Foundation
import Synchronization

/// A watched Node.js app as a ``SnapshotSource``: the dashboard shows its
/// loop, its Worker threads and its stalls through the same panels as the
/// engine's; the Node-only parts (top blockers, the app's output) ride in
/// ``Snapshot/node``. The only command it takes is terminate, confirmed by
/// sending it twice for the same worker within a few seconds.
public final class NodeSource: SnapshotSource {
    public let app: NodeApp
    private let confirm = ConditionMutex<(worker: Int, until: UInt64)?>(nil)
    static let confirmNanos: UInt64 = 4_000_000_000

    /// `app` must have been started.
    public init(app: NodeApp) {
        self.app = app
    }

    public var info: SourceInfo {
        let s = app.snapshot()
        let name = app.options.script.split(separator: "/").last.map(String.init) ?? app.options.script
        return SourceInfo(kind: .node, title: "node \(name)", pid: s.pid ?? app.pid, version: s.nodeVersion)
    }

    public var capabilities: SourceCapabilities { [.terminateWorker] }

    public func start() {}

    /// Stops the app (SIGTERM, then SIGKILL after the grace period) and waits for it.
    public func stop() {
        if !app.hasEnded { app.stop() }
        app.join()
    }

    public var ending: SourceEnding? {
        guard app.hasEnded, let ending = app.snapshot().ending else { return nil }
        switch ending {
        case .exited(let code): return .exited(code: code, message: "app \(ending.text)")
        case .signaled: return .exited(code: nil, message: "app \(ending.text)")
        }
    }

    public func snapshot(detailFor worker: Int?) -> Snapshot {
        let s = app.snapshot()
        // The frame's time is the snapshot's own (start + uptime), so each
        // event's time, counted back from it, is the same in every frame:
        // a recording or the rewind then keeps each event once.
        return Self.snapshot(s, info: info, history: app.intervalHistory(), time: app.startNanos &+ Nanos.fromSeconds(s.uptime),
                             wall: Date().timeIntervalSince1970)
    }

    @discardableResult
    public func send(_ command: Command) -> CommandOutcome {
        guard case .terminate(let asked) = command else { return .unsupported("node: not available") }
        let s = app.snapshot()
        guard let id = asked ?? s.workers.last(where: \.isLive)?.id,
              let target = s.workers.first(where: { $0.id == id }), target.isLive else {
            return .unsupported("node: no live worker to terminate")
        }
        let now = monotonicNow()
        let confirmed = confirm.withLock { pending -> Bool in
            if let p = pending, p.worker == id, now < p.until {
                pending = nil
                return true
            }
            pending = (id, now + Self.confirmNanos)
            return false
        }
        guard confirmed else { return .done("terminate worker \(id)? press - again to call worker.terminate()") }
        return .done(app.terminateWorker(id: id))
    }

    /// The pure step: the app's figures as the dashboard's snapshot.
    public static func snapshot(_ s: NodeSnapshot, info: SourceInfo, history: [NodeSnapshot.Interval], time: UInt64, wall: Double) -> Snapshot {
        var out = Snapshot()
        out.source = info
        out.time = time
        out.wallSeconds = wall
        out.uptimeSeconds = s.uptime
        out.cores = Engine.cores
        out.workers = s.workers.map { w in
            var row = WorkerSnapshot(id: w.id, name: "thread \(w.id)", tid: w.tid ?? 0, state: Self.state(w.state),
                                     busy: w.utilization ?? 0, endReason: w.endText)
            // CPU/WALL: the kernel's CPU time over the time Node says the
            // Worker's loop was busy; WAIT and CSW/S from the same reading.
            row.sched = w.sched
            if let cpu = w.sched?.cpu, let busy = w.utilization, busy >= 0.01 { row.cpuPerWall = cpu / busy }
            return row
        }
        out.liveWorkers = s.liveWorkers
        if let last = s.last {
            let lag = LatencySummary(count: 1, p50: last.lag.p50, p99: last.lag.p99, max: last.lag.max)
            out.loop.lag = lag
            out.loop.utilization = last.utilization
            out.interval.lag = lag
            out.interval.utilization = last.utilization
            out.interval.seconds = last.seconds
        }
        out.loop.lagRecentMaxMs = s.lagRecentMaxMs
        out.loop.lateShare = lateShare(s, window: 60)
        out.loop.stallMs = s.stallInProgressMs
        out.loop.lagHistory = history.suffix(120).map(\.lag.max)
        out.loop.utilizationHistory = history.suffix(120).map(\.utilization)
        let startNanos = time &- UInt64(max(0, s.uptime) * 1e9)
        out.log = s.events.suffix(100).map {
            EngineEvent(time: startNanos &+ UInt64(max(0, $0.at) * 1e9), kind: .notice, message: $0.text)
        }
        var warnings: [Warning] = []
        if s.stallInProgressMs > 0 {
            let at = NodeSnapshot.Stall.shownFrames(s.stallInProgressFrames).map(\.label).joined(separator: " ← ")
            warnings.append(Warning(rule: "loop-blocked", severity: .critical,
                                    message: "loop blocked for \(Int(s.stallInProgressMs)) ms so far" + (at.isEmpty ? "" : " in " + at)))
        }
        for stall in s.stalls.suffix(3).reversed() where s.uptime - stall.at < 10 {
            warnings.append(Warning(rule: "loop-blocked", severity: stall.ms >= 200 ? .critical : .warn, message: stall.sentence))
        }
        if let problem = s.problem { warnings.append(Warning(rule: "node", severity: .critical, message: problem)) }
        if !s.connected, s.ending == nil { warnings.append(Warning(rule: "node", severity: .warn, message: "waiting for the probe to connect")) }
        out.warnings = warnings
        out.eventsDropped = s.droppedLines
        out.node = s
        return out
    }

    /// The share of the last `window` seconds the loop was late by more than
    /// 50 and 100 ms, from the stalls (a stall of S ms was late by more than X
    /// for S − X ms) and the one in progress. `over10ms` is left 0: the probe's
    /// heartbeat reports lateness only past half the stall threshold.
    static func lateShare(_ s: NodeSnapshot, window: Double) -> LateShare {
        let span = min(window, s.uptime)
        guard span > 0 else { return .zero }
        var over50 = 0.0, over100 = 0.0
        func add(_ ms: Double, endingAt end: Double) {
            // Only the part of the stall inside the window counts.
            let inside = min(ms, max(0, (end - (s.uptime - span)) * 1000))
            over50 += max(0, min(ms - 50, inside))
            over100 += max(0, min(ms - 100, inside))
        }
        for stall in s.stalls where stall.at + stall.ms / 1000 >= s.uptime - span { add(stall.ms, endingAt: stall.at + stall.ms / 1000) }
        if s.stallInProgressMs > 0 { add(s.stallInProgressMs, endingAt: s.uptime) }
        return LateShare(over10ms: 0, over50ms: min(1, over50 / 1000 / span), over100ms: min(1, over100 / 1000 / span))
    }

    static func state(_ state: NodeSnapshot.Worker.State) -> WorkerState {
        switch state {
        case .starting: .starting
        case .online: .running
        case .terminating: .stopping
        case .exited: .exited
        case .failed: .failed
        }
    }
}
