import LoopTopEngine
import Prometheus

/// The engine's series: loop, requests, jobs, queue, workers, mode.
final class EngineSeries {

    private let lag: CumulativeHistogram
    private let requestLatency: CumulativeHistogram
    private let wait: CumulativeHistogram
    private let run: CumulativeHistogram

    private let lagRecentMax: Gauge
    private let stall: Gauge
    private let utilization: Gauge
    private var requests: CumulativeCounter
    private var requestsShed: CumulativeCounter
    private let requestsWaiting: Gauge
    private var submitted: CumulativeCounter
    private var ended: [(outcome: String, counter: CumulativeCounter)]
    private let jobsNow: [(state: String, gauge: Gauge)]
    private let queueDepth: [(queue: String, gauge: Gauge)]
    private let queueCapacity: Gauge
    private let workerStates: [(state: WorkerState, gauge: Gauge)]
    private let workersLive: Gauge
    private let workers: WorkerSeries
    private let modes: [(mode: Mode, gauge: Gauge)]
    private let paused: Gauge
    private let cores: Gauge
    private let uptime: Gauge
    private let warnings: [(rule: String, gauge: Gauge)]
    private var dropped: CumulativeCounter

    init(registry r: PrometheusCollectorRegistry, workerCap: Int) {
        lag = CumulativeHistogram(registry: r, name: "loop_lag", help:
            "How late the event loop's 1 ms probe timer fired, since start (or the last statistics reset).")
        requestLatency = CumulativeHistogram(registry: r, name: "requests_latency", help:
            "Small requests served by the event loop: arrival to completion, since start (or the last statistics reset).")
        wait = CumulativeHistogram(registry: r, name: "job_wait", help:
            "Jobs' time from arrival to start (queued), since start (or the last statistics reset).")
        run = CumulativeHistogram(registry: r, name: "job_run", help:
            "Jobs' time from start to end (running), since start (or the last statistics reset).")

        lagRecentMax = r.makeGauge(descriptor: looptopName("loop_lag_recent_max", unit: "seconds", help:
            "Largest loop lag in the last second, counting a stall still in progress (which the histogram sees only once the probe fires)."))
        stall = r.makeGauge(descriptor: looptopName("loop_stall", unit: "seconds", help:
            "How overdue the loop's probe is right now: 0 unless the loop is blocked."))
        utilization = r.makeGauge(descriptor: looptopName("loop_utilization", unit: "ratio", help:
            "Share of wall time the event loop was busy over the recent window (5 s in the dashboard; headless, the --interval, at least 1 s), 0..1."))
        requests = CumulativeCounter(r.makeCounter(descriptor: looptopName("requests", unit: "total", help:
            "Small requests the event loop served since start.")))
        requestsShed = CumulativeCounter(r.makeCounter(descriptor: looptopName("requests_shed", unit: "total", help:
            "Requests dropped because too many waited for the loop (counted, never silent).")))
        requestsWaiting = r.makeGauge(descriptor: looptopName("requests_waiting", help:
            "Requests that have arrived and wait for the event loop now."))

        submitted = CumulativeCounter(r.makeCounter(descriptor: looptopName("jobs_submitted", unit: "total", help:
            "Jobs submitted since start. Always submitted = queued + running + the sum of looptop_jobs_total.")))
        let endedName = looptopName("jobs", unit: "total", help:
            "Jobs that reached an end since start, by outcome (completed, failed, cancelled, rejected).")
        ended = ["completed", "failed", "cancelled", "rejected"].map {
            ($0, CumulativeCounter(r.makeCounter(descriptor: endedName, labels: [("outcome", $0)])))
        }
        let nowName = looptopName("jobs_in_flight", help: "Jobs not yet ended, by where they are now (queued, running).")
        jobsNow = ["queued", "running"].map { ($0, r.makeGauge(descriptor: nowName, labels: [("state", $0)])) }
        let depthName = looptopName("queue_depth", help:
            "Jobs waiting now: queue=\"pool\" for a worker (offloaded), queue=\"loop\" for the event loop (blocking, chunked).")
        queueDepth = ["pool", "loop"].map { ($0, r.makeGauge(descriptor: depthName, labels: [("queue", $0)])) }
        queueCapacity = r.makeGauge(descriptor: looptopName("queue_capacity", help:
            "Bound of each queue; a job that does not fit is rejected and counted."))

        let statesName = looptopName("workers", help:
            "Workers by state. exited and failed count ended workers the snapshot still lists (up to 16, for 30 s).")
        workerStates = WorkerState.allCases.map { ($0, r.makeGauge(descriptor: statesName, labels: [("state", $0.description)])) }
        workersLive = r.makeGauge(descriptor: looptopName("workers_live", help:
            "Workers alive (starting, idle, running; not stopping or ended), as the dashboard's header counts them."))
        workers = WorkerSeries(registry: r, cap: workerCap)

        let modeName = looptopName("mode", help:
            "Where jobs run: 1 for the current mode (blocking: on the loop; chunked: on the loop in ~1 ms slices; offloaded: on the workers).")
        modes = Mode.allCases.map { ($0, r.makeGauge(descriptor: modeName, labels: [("mode", $0.rawValue)])) }
        paused = r.makeGauge(descriptor: looptopName("arrivals_paused", help: "1 while job arrivals are paused."))
        cores = r.makeGauge(descriptor: looptopName("cores", help: "CPU cores the OS lets this process run on."))
        uptime = r.makeGauge(descriptor: looptopName("uptime", unit: "seconds", help: "Seconds since the engine started."))
        let warningName = looptopName("warning_active", help:
            "1 while the named warning rule (as on the dashboard) holds, else 0.")
        warnings = WarningRules.standard.map { ($0.name, r.makeGauge(descriptor: warningName, labels: [("rule", $0.name)])) }
        dropped = CumulativeCounter(r.makeCounter(descriptor: looptopName("events_dropped", unit: "total", help:
            "Events and samples the engine's rings had to drop since start (never silent).")))
    }

    /// Brings every series up to `s`.
    func update(from s: Snapshot) {
        if let d = s.distributions {
            lag.update(to: d.lag)
            requestLatency.update(to: d.requestLatency)
            wait.update(to: d.wait)
            run.update(to: d.run)
        }
        lagRecentMax.show(s.loop.lagRecentMaxMs / 1000)
        stall.show(s.loop.stallMs / 1000)
        utilization.show(s.loop.utilization)
        requests.set(s.loop.requestsCompleted)
        requestsShed.set(s.loop.requestsShed)
        requestsWaiting.show(s.loop.requestsWaiting)

        submitted.set(s.jobs.submitted)
        for i in ended.indices {
            switch ended[i].outcome {
            case "completed": ended[i].counter.set(s.jobs.completed)
            case "failed": ended[i].counter.set(s.jobs.failed)
            case "cancelled": ended[i].counter.set(s.jobs.cancelled)
            default: ended[i].counter.set(s.jobs.rejected)
            }
        }
        for (state, gauge) in jobsNow { gauge.set(to: Double(state == "queued" ? s.jobs.queued : s.jobs.running)) }
        for (queue, gauge) in queueDepth { gauge.show(queue == "pool" ? s.queue.depth : s.queue.loopDepth) }
        queueCapacity.show(s.queue.capacity)

        for (state, gauge) in workerStates { gauge.show(s.workers.count { $0.state == state }) }
        workersLive.show(s.liveWorkers)
        workers.update(from: s.workers)

        for (mode, gauge) in modes { gauge.show(s.settings.mode == mode) }
        paused.show(s.settings.paused)
        cores.show(s.cores)
        uptime.show(s.uptimeSeconds)
        let active = Set(s.warnings.map(\.rule))
        for (rule, gauge) in warnings { gauge.show(active.contains(rule)) }
        dropped.set(s.eventsDropped + s.samplesDropped)
    }

    /// Workers that have series now.
    var workerSeriesCount: Int { workers.count }
}
