import LoopTopEngine
import Prometheus

/// A Node.js app's series (`looptop node --metrics`): what the probe
/// measures in the app, nothing of the engine's (a Node app has no looptop
/// jobs or queue, so it exports no zeros for them).
///
/// The probe reports over its own interval (`--interval`, 1 s by default):
/// the delay gauges cover the last such interval, as the dashboard's loop
/// panel; the GC and stall counters are the app's totals since it started. Per-worker
/// series (`worker="THREAD ID"`) exist for live Worker threads only, at most
/// `cap`, lowest ids first; ended ones go.
final class NodeSeries {
    private let registry: PrometheusCollectorRegistry
    let cap: Int
    private let delay: [(quantile: String, gauge: Gauge)]
    private let delayRecentMax: Gauge
    private let stall: Gauge
    private let utilization: Gauge
    private let heap: Gauge
    private var gcs: CumulativeCounter
    private var gcPause: CumulativeCounter
    private var stalls: CumulativeCounter
    private let connected: Gauge
    private let blameReady: Gauge
    private let workerStates: [(state: String, gauge: Gauge)]
    private var workers: [Int: Gauge] = [:]
    private let dropped: Gauge
    private var info: (key: String, gauge: Gauge)?

    init(registry r: PrometheusCollectorRegistry, workerCap: Int) {
        registry = r
        cap = max(1, workerCap)
        // Gauges of their own, not a quantile label: that label belongs to summaries.
        delay = [("p50", "median"), ("p99", "99th percentile"), ("max", "largest")].map { name, what in
            (name, r.makeGauge(descriptor: looptopName("node_loop_delay_\(name)", unit: "seconds", help:
                "The \(what) of the app's event-loop delay over the probe's last interval (perf_hooks.monitorEventLoopDelay).")))
        }
        delayRecentMax = r.makeGauge(descriptor: looptopName("node_loop_delay_recent_max", unit: "seconds", help:
            "Largest event-loop delay in the app over the last seconds, counting a stall still in progress."))
        stall = r.makeGauge(descriptor: looptopName("node_loop_stall", unit: "seconds", help:
            "How long the app's main loop has been blocked right now (its heartbeats stopped); 0 when it runs."))
        utilization = r.makeGauge(descriptor: looptopName("node_loop_utilization", unit: "ratio", help:
            "The app's event-loop utilization over the probe's last interval (performance.eventLoopUtilization), 0..1."))
        heap = r.makeGauge(descriptor: looptopName("node_heap_used", unit: "bytes", help:
            "V8 heap in use at the probe's last report (process.memoryUsage().heapUsed)."))
        gcs = CumulativeCounter(r.makeCounter(descriptor: looptopName("node_gc", unit: "total", help:
            "Garbage collections the probe saw since the app started.")))
        gcPause = CumulativeCounter(r.makeCounter(descriptor: looptopName("node_gc_pause_seconds", unit: "total", help:
            "Time the app spent in garbage collection since it started, as the probe's perf_hooks GC entries report it.")))
        stalls = CumulativeCounter(r.makeCounter(descriptor: looptopName("node_stalls", unit: "total", help:
            "Stalls of the app's main loop longer than the blame threshold (--blame-ms) since it started.")))
        connected = r.makeGauge(descriptor: looptopName("node_probe_connected", help:
            "1 while the probe in the app is connected to looptop."))
        blameReady = r.makeGauge(descriptor: looptopName("node_blame_ready", help:
            "1 once looptop can name the JavaScript blocking the loop (the inspector is connected)."))
        let statesName = looptopName("node_workers", help:
            "The app's Worker threads by state (starting, online, terminating, exited, error), as process.on('worker') and their exit and error events tell.")
        workerStates = NodeSnapshot.Worker.State.allCases.map(\.word).map { ($0, r.makeGauge(descriptor: statesName, labels: [("state", $0)])) }
        dropped = r.makeGauge(descriptor: looptopName("node_worker_series_dropped", help:
            "Live Worker threads left out of the per-worker series because of the cap of \(cap) (lowest thread ids are kept)."))
    }

    private static var workerName: MetricNameDescriptor { looptopName(
        "node_worker_utilization", unit: "ratio",
        help: "A Worker thread's event-loop utilization over the probe's last interval (worker.performance.eventLoopUtilization), 0..1.") }

    func update(from s: Snapshot) {
        guard let n = s.node else { return }
        let key = "\(n.pid ?? 0) \(n.nodeVersion ?? "") \(n.script)"
        if info?.key != key {
            if let old = info { registry.unregisterGauge(old.gauge) }
            let gauge = registry.makeGauge(descriptor: looptopName("node_info", help:
                "1, labelled with the app's pid, Node version and script."),
                labels: [("pid", String(n.pid ?? 0)), ("version", n.nodeVersion ?? ""), ("script", String(n.script.prefix(120)))])
            gauge.set(to: 1)
            info = (key, gauge)
        }
        if let last = n.last {
            for (quantile, gauge) in delay {
                gauge.show((quantile == "p50" ? last.lag.p50 : quantile == "p99" ? last.lag.p99 : last.lag.max) / 1000)
            }
            utilization.show(last.utilization)
            heap.show(last.heapUsedBytes)
        }
        gcs.set(Double(n.gcCountTotal))
        gcPause.set(n.gcMsTotal / 1000)
        delayRecentMax.show(n.lagRecentMaxMs / 1000)
        stall.show(n.stallInProgressMs / 1000)
        stalls.set(Double(n.stallsTotal))
        connected.show(n.connected)
        blameReady.show(n.blameReady)
        for (state, gauge) in workerStates {
            gauge.show(n.workers.count { $0.stateWord == state })
        }
        let live = n.workers.filter(\.isLive).sorted { $0.id < $1.id }
        let shown = live.prefix(cap)
        dropped.show(live.count - shown.count)
        let keep = Set(shown.map(\.id))
        for (id, gauge) in workers where !keep.contains(id) {
            registry.unregisterGauge(gauge)
            workers[id] = nil
        }
        for worker in shown {
            let gauge = workers[worker.id] ?? registry.makeGauge(descriptor: Self.workerName, labels: [("worker", String(worker.id))])
            gauge.show(worker.utilization ?? 0)
            workers[worker.id] = gauge
        }
    }

    var workerSeriesCount: Int { workers.count }
}
