import LoopTopEngine
import Prometheus

/// Turns snapshots into the Prometheus exposition, through swift-prometheus's
/// registry and encoder.
///
/// Everything is built from ``Snapshot`` alone, so any source that yields
/// snapshots is exported the same way. Which series there are follows what
/// the source is: an engine's loop, jobs, queue and workers
/// (``EngineSeries``), a watched process's threads (``ProcessSeries``,
/// `looptop attach`), or a Node app's loop and Workers (``NodeSeries``,
/// `looptop node`); neither has looptop jobs, so neither exports zeros for them.
/// The series appear with the first snapshot.
///
/// Not thread-safe: the exporter uses it from its one event-loop thread.
public final class SnapshotMetrics {
    public let registry: PrometheusCollectorRegistry
    private let workerCap: Int
    private let snapshotAge: Gauge
    private var engine: EngineSeries?
    private var process: ProcessSeries?
    private var node: NodeSeries?
    private var lastSequence: UInt64?

    public init(workerCap: Int = 256) {
        registry = PrometheusCollectorRegistry()
        self.workerCap = workerCap
        snapshotAge = registry.makeGauge(descriptor: looptopName("snapshot_age", unit: "seconds", help:
            "Age of the snapshot these figures come from: the dashboard publishes one per frame, a headless run one per --interval, attach one per reading."))
    }

    /// Brings every series up to `published`; a snapshot already folded in is skipped.
    public func update(from published: SnapshotBox.Published, now: UInt64) {
        snapshotAge.show(Double(now &- published.at) / 1e9)
        guard published.sequence != lastSequence else { return }
        lastSequence = published.sequence
        update(from: published.snapshot)
    }

    /// Brings every series up to `s`.
    public func update(from s: Snapshot) {
        if s.node != nil {
            let series = node ?? NodeSeries(registry: registry, workerCap: workerCap)
            node = series
            series.update(from: s)
        } else if s.process != nil {
            let series = process ?? ProcessSeries(registry: registry, threadCap: workerCap)
            process = series
            series.update(from: s)
        } else {
            let series = engine ?? EngineSeries(registry: registry, workerCap: workerCap)
            engine = series
            series.update(from: s)
        }
    }

    /// The exposition, in the Prometheus text format (version 0.0.4).
    public func exposition() -> [UInt8] {
        registry.emitToBuffer()
    }

    /// Workers (engine) or threads (process) that have series now.
    public var workerSeriesCount: Int {
        engine?.workerSeriesCount ?? process?.threadSeriesCount ?? node?.workerSeriesCount ?? 0
    }
}
