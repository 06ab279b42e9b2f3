import LoopTopEngine
import Prometheus

/// The per-worker series (`worker="ID"`), kept bounded: only live workers
/// (starting, idle, running, stopping) have series, at most `cap` of them
/// (the lowest ids), and a worker's series disappear from the exposition as
/// soon as it has ended. Workers not shown because of the cap are counted in
/// `looptop_worker_series_dropped`. Worker ids are never reused, so a
/// vanished series never comes back with another worker's figures.
final class WorkerSeries {
    static let defaultCap = 256

    private struct One {
        var busy: Gauge
        var cpuPerWall: Gauge
        var cpu: CumulativeCounter
        var completed: CumulativeCounter
        var failed: CumulativeCounter
    }

    let registry: PrometheusCollectorRegistry
    let cap: Int
    private var workers: [Int: One] = [:]
    private let dropped: Gauge

    private static var busyName: MetricNameDescriptor { looptopName(
        "worker_busy", unit: "ratio",
        help: "Share of the recent window (the dashboard's, 5 s by default) the worker spent running jobs, 0..1.") }
    private static var cpuPerWallName: MetricNameDescriptor { looptopName(
        "worker_cpu_per_wall", unit: "ratio",
        help: "The worker thread's CPU time over its busy wall time in the recent window; under 1 means it waited for a core.") }
    private static var cpuName: MetricNameDescriptor { looptopName(
        "worker_cpu_seconds", unit: "total",
        help: "CPU time of the worker's OS thread since it started (what /proc/PID/task/TID/stat utime+stime shows).") }
    private static var jobsName: MetricNameDescriptor { looptopName(
        "worker_jobs", unit: "total", help: "Jobs this worker finished, by outcome (completed, failed).") }

    init(registry: PrometheusCollectorRegistry, cap: Int = WorkerSeries.defaultCap) {
        self.registry = registry
        self.cap = cap
        dropped = registry.makeGauge(descriptor: looptopName(
            "worker_series_dropped",
            help: "Live workers left out of the per-worker series because of the cap of \(cap) (lowest ids are kept)."))
    }

    func update(from workersNow: [WorkerSnapshot]) {
        let live = workersNow.filter { $0.state.isLiveForSeries }.sorted { $0.id < $1.id }
        let shown = live.prefix(cap)
        dropped.show(live.count - shown.count)
        let keep = Set(shown.map(\.id))
        for (id, one) in workers where !keep.contains(id) {
            registry.unregisterGauge(one.busy)
            registry.unregisterGauge(one.cpuPerWall)
            registry.unregisterCounter(one.cpu.counter)
            registry.unregisterCounter(one.completed.counter)
            registry.unregisterCounter(one.failed.counter)
            workers[id] = nil
        }
        for worker in shown {
            var one = workers[worker.id] ?? make(id: worker.id)
            one.busy.show(worker.busy)
            one.cpuPerWall.show(worker.cpuPerWall)
            one.cpu.set(worker.cpuMs / 1000)
            one.completed.set(worker.jobsDone)
            one.failed.set(worker.jobsFailed)
            workers[worker.id] = one
        }
    }

    var count: Int { workers.count }

    private func make(id: Int) -> One {
        let label = [("worker", String(id))]
        return One(
            busy: registry.makeGauge(descriptor: Self.busyName, labels: label),
            cpuPerWall: registry.makeGauge(descriptor: Self.cpuPerWallName, labels: label),
            cpu: CumulativeCounter(registry.makeCounter(descriptor: Self.cpuName, labels: label)),
            completed: CumulativeCounter(registry.makeCounter(descriptor: Self.jobsName, labels: label + [("outcome", "completed")])),
            failed: CumulativeCounter(registry.makeCounter(descriptor: Self.jobsName, labels: label + [("outcome", "failed")])))
    }
}

extension WorkerState {
    /// A worker whose thread is still there (stopping included: it finishes its job first).
    var isLiveForSeries: Bool {
        switch self {
        case .starting, .idle, .running, .stopping: true
        case .exited, .failed: false
        }
    }
}
