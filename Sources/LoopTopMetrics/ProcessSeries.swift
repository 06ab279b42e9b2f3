import LoopTopEngine
import Prometheus

/// A watched process's series (`looptop attach`): the process as a whole and
/// one group per thread, labelled `tid` and `name` (what `ps -L -o tid,comm`
/// shows).
///
/// Bounded as the workers' are: only threads alive at the last reading have
/// series, at most `cap` of them, the ones with the most CPU time since they
/// started (so the set is stable while a few busy threads do the work); a
/// thread's series go as soon as it has ended, and a thread renamed gets
/// series under its new name. Threads left out are counted in
/// `looptop_thread_series_dropped`. Counters are cumulative figures of
/// `/proc/PID/task/TID/{stat,schedstat,status}`, so `rate()` over them gives
/// what the dashboard shows per interval.
final class ProcessSeries {
    private struct One {
        var name: String
        var cpu: CumulativeCounter
        var wait: CumulativeCounter?
        var voluntary: CumulativeCounter
        var involuntary: CumulativeCounter
        var cpuNow: Gauge
        var waitNow: Gauge?
    }

    private let registry: PrometheusCollectorRegistry
    let cap: Int
    private var threads: [Int32: One] = [:]
    private let dropped: Gauge
    private let cpuCores: Gauge
    private let cores: Gauge
    private let threadCount: Gauge
    private let runnable: Gauge
    private let runnableWait: Gauge
    private var started: CumulativeCounter
    private var ended: CumulativeCounter
    private let watched: Gauge
    private let exited: Gauge
    private var info: (key: String, gauge: Gauge)?

    private static var cpuName: MetricNameDescriptor { looptopName(
        "thread_cpu_seconds", unit: "total",
        help: "CPU time of the watched thread since it started: schedstat field 1, else utime + stime of /proc/PID/task/TID/stat.") }
    private static var waitName: MetricNameDescriptor { looptopName(
        "thread_runqueue_wait_seconds", unit: "total",
        help: "Time the watched thread spent runnable but waiting for a CPU since it started (schedstat field 2; absent without schedstats).") }
    private static var switchesName: MetricNameDescriptor { looptopName(
        "thread_context_switches", unit: "total",
        help: "Context switches of the watched thread since it started (status: voluntary_ctxt_switches, nonvoluntary_ctxt_switches), by kind.") }
    private static var cpuNowName: MetricNameDescriptor { looptopName(
        "thread_cpu_cores",
        help: "Cores the watched thread used over the last reading interval (0..1 for one thread), as the dashboard's CPU column.") }
    private static var waitNowName: MetricNameDescriptor { looptopName(
        "thread_runqueue_wait", unit: "ratio",
        help: "Share of the last reading interval the watched thread waited for a CPU, 0..1, as the dashboard's WAIT column.") }

    init(registry r: PrometheusCollectorRegistry, threadCap: Int) {
        registry = r
        cap = max(1, threadCap)
        dropped = r.makeGauge(descriptor: looptopName("thread_series_dropped", help:
            "Live threads left out of the per-thread series because of the cap of \(cap) (those with the most CPU time are kept)."))
        cpuCores = r.makeGauge(descriptor: looptopName("process_cpu_cores", help:
            "Cores the watched process's threads used over the last reading interval: the sum of the threads' CPU."))
        cores = r.makeGauge(descriptor: looptopName("process_cores", help:
            "CPUs the watched process may run on (its affinity, status: Cpus_allowed_list)."))
        threadCount = r.makeGauge(descriptor: looptopName("process_threads", help:
            "Threads of the watched process alive at the last reading (ls /proc/PID/task | wc -l)."))
        runnable = r.makeGauge(descriptor: looptopName("process_runnable_threads", help:
            "Threads that wanted a CPU (on one or waiting) for at least half the last interval."))
        runnableWait = r.makeGauge(descriptor: looptopName("process_runnable_wait", unit: "ratio", help:
            "Mean run-queue wait of those runnable threads over the last interval, 0..1 (0 when none was runnable or without schedstats)."))
        started = CumulativeCounter(r.makeCounter(descriptor: looptopName("process_threads_started", unit: "total", help:
            "Threads seen to start since the watch began.")))
        ended = CumulativeCounter(r.makeCounter(descriptor: looptopName("process_threads_ended", unit: "total", help:
            "Threads seen to end since the watch began.")))
        watched = r.makeGauge(descriptor: looptopName("process_watched", unit: "seconds", help:
            "Seconds since the watch began."))
        exited = r.makeGauge(descriptor: looptopName("process_exited", help:
            "1 once the watched process has exited (the figures are then its last)."))
    }

    func update(from s: Snapshot) {
        guard let p = s.process else { return }
        let key = "\(p.pid) \(p.command)"
        if info?.key != key {
            if let old = info { registry.unregisterGauge(old.gauge) }
            let gauge = registry.makeGauge(descriptor: looptopName("process_info", help:
                "1, labelled with the watched process's pid and command line (cut at 120 characters)."),
                labels: [("pid", String(p.pid)), ("command", String(p.command.prefix(120)))])
            gauge.set(to: 1)
            info = (key, gauge)
        }
        cpuCores.show(p.cpuCores)
        cores.show(p.cores)
        threadCount.show(p.threadCount)
        runnable.show(p.runnableThreads)
        runnableWait.show(p.runnableWait ?? 0)
        started.set(Double(p.threadsStarted))
        ended.set(Double(p.threadsEnded))
        watched.show(p.watchedSeconds)
        exited.show(p.ended != nil)

        let live = s.threads.filter { $0.state != "zombie" && $0.state != "dead" }
            .sorted { $0.cpuSeconds != $1.cpuSeconds ? $0.cpuSeconds > $1.cpuSeconds : $0.tid < $1.tid }
        let shown = live.prefix(cap)
        dropped.show(live.count - shown.count)
        let keep = Dictionary(shown.map { ($0.tid, $0.name) }, uniquingKeysWith: { a, _ in a })
        for (tid, one) in threads where keep[tid] != one.name {
            remove(one)
            threads[tid] = nil
        }
        for thread in shown {
            var one = threads[thread.tid] ?? make(thread)
            one.cpu.set(thread.cpuSeconds)
            if let seconds = thread.runqueueWaitSeconds { one.wait?.set(seconds) }
            one.voluntary.set(thread.voluntarySwitches)
            one.involuntary.set(thread.involuntarySwitches)
            one.cpuNow.show(thread.cpu)
            one.waitNow?.show(thread.runqueueWait ?? 0)
            threads[thread.tid] = one
        }
    }

    var threadSeriesCount: Int { threads.count }

    private func make(_ thread: ThreadSnapshot) -> One {
        let labels = [("tid", String(thread.tid)), ("name", thread.name)]
        let withSchedstat = thread.runqueueWaitSeconds != nil
        return One(
            name: thread.name,
            cpu: CumulativeCounter(registry.makeCounter(descriptor: Self.cpuName, labels: labels)),
            wait: withSchedstat ? CumulativeCounter(registry.makeCounter(descriptor: Self.waitName, labels: labels)) : nil,
            voluntary: CumulativeCounter(registry.makeCounter(descriptor: Self.switchesName, labels: labels + [("kind", "voluntary")])),
            involuntary: CumulativeCounter(registry.makeCounter(descriptor: Self.switchesName, labels: labels + [("kind", "involuntary")])),
            cpuNow: registry.makeGauge(descriptor: Self.cpuNowName, labels: labels),
            waitNow: withSchedstat ? registry.makeGauge(descriptor: Self.waitNowName, labels: labels) : nil)
    }

    private func remove(_ one: One) {
        registry.unregisterCounter(one.cpu.counter)
        if let wait = one.wait { registry.unregisterCounter(wait.counter) }
        registry.unregisterCounter(one.voluntary.counter)
        registry.unregisterCounter(one.involuntary.counter)
        registry.unregisterGauge(one.cpuNow)
        if let waitNow = one.waitNow { registry.unregisterGauge(waitNow) }
    }
}
