import Histogram
import LoopTopEngine
@testable import LoopTopMetrics
import Testing

/// Issue 18: the exposition built from a snapshot, parsed back and checked.
@Suite struct SnapshotMetricsTests {
    static func histogram(_ micros: [UInt64]) -> Histogram<UInt64> {
        var h = Histogram<UInt64>(lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: .two)
        for v in micros { _ = h.record(v) }
        return h
    }

    static func worker(_ id: Int, _ state: WorkerState, done: UInt64 = 0, busy: Double = 0.5) -> WorkerSnapshot {
        WorkerSnapshot(id: id, name: "looptop-w\(id)", state: state, jobsDone: done, jobsFailed: 1, busy: busy,
                       cpuPerWall: 0.9, cpuMs: 1500)
    }

    static func snapshot(lag: [UInt64] = [80, 120, 3_000, 250_000], workers: [WorkerSnapshot]? = nil) -> Snapshot {
        var s = Snapshot()
        s.uptimeSeconds = 12.5
        s.cores = 2
        s.settings.mode = .blocking
        s.jobs.submitted = 100
        s.jobs.queued = 5
        s.jobs.running = 2
        s.jobs.completed = 80
        s.jobs.failed = 3
        s.jobs.cancelled = 4
        s.jobs.rejected = 6
        s.queue.depth = 5
        s.queue.loopDepth = 1
        s.queue.capacity = 256
        s.loop.utilization = 0.42
        s.loop.lagRecentMaxMs = 250
        s.loop.requestsCompleted = 2_000
        s.workers = workers ?? [worker(1, .running, done: 40), worker(2, .idle, done: 40), worker(3, .exited)]
        s.liveWorkers = s.workers.count { $0.state.isLiveForSeries }
        s.warnings = [Warning(rule: "loop-blocked", severity: .critical, message: "loop blocked")]
        s.distributions = Distributions(lag: histogram(lag), requestLatency: histogram([500, 700]),
                                        wait: histogram([1_000]), run: histogram([20_000, 21_000]))
        return s
    }

    static func exposition(_ metrics: SnapshotMetrics) throws -> Exposition {
        try Exposition(String(decoding: metrics.exposition(), as: UTF8.self))
    }

    @Test func everyFamilyHasHelpAndTypeAndTheNamedSeriesAreThere() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot())
        let e = try Self.exposition(metrics)
        for sample in e.samples {
            let family = e.family(of: sample.name)
            #expect(e.type[family] != nil, "no TYPE for \(family)")
            #expect(!(e.help[family] ?? "").isEmpty, "no HELP for \(family)")
            #expect(sample.name.hasPrefix("looptop_"))
        }
        #expect(e.type["looptop_loop_lag_seconds"] == "histogram")
        #expect(e.type["looptop_requests_latency_seconds"] == "histogram")
        #expect(e.type["looptop_jobs_total"] == "counter")
        #expect(e.type["looptop_loop_utilization_ratio"] == "gauge")
        #expect(e.value("looptop_loop_utilization_ratio") == 0.42)
        #expect(e.value("looptop_queue_depth", ["queue": "pool"]) == 5)
        #expect(e.value("looptop_queue_depth", ["queue": "loop"]) == 1)
        #expect(e.value("looptop_jobs_total", ["outcome": "completed"]) == 80)
        #expect(e.value("looptop_jobs_total", ["outcome": "rejected"]) == 6)
        #expect(e.value("looptop_workers", ["state": "running"]) == 1)
        #expect(e.value("looptop_workers", ["state": "exited"]) == 1)
        #expect(e.value("looptop_worker_busy_ratio", ["worker": "1"]) == 0.5)
        #expect(e.value("looptop_worker_cpu_seconds_total", ["worker": "2"]) == 1.5)
        #expect(e.value("looptop_mode", ["mode": "blocking"]) == 1)
        #expect(e.value("looptop_mode", ["mode": "offloaded"]) == 0)
        #expect(e.value("looptop_warning_active", ["rule": "loop-blocked"]) == 1)
        #expect(e.value("looptop_warning_active", ["rule": "queue-full"]) == 0)
        #expect(e.value("looptop_loop_lag_recent_max_seconds") == 0.25)
    }

    /// Conservation holds in the exposition as in the snapshot.
    @Test func jobsAddUpToSubmitted() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot())
        let e = try Self.exposition(metrics)
        let ended = e.values("looptop_jobs_total").reduce(0) { $0 + $1.value }
        let inFlight = e.values("looptop_jobs_in_flight").reduce(0) { $0 + $1.value }
        #expect(ended + inFlight == e.value("looptop_jobs_submitted_total"))
    }

    @Test func histogramBucketsAreCumulativeAndMatchTheDistribution() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot(lag: [80, 120, 3_000, 250_000]))
        let e = try Self.exposition(metrics)
        let buckets = e.values("looptop_loop_lag_seconds_bucket")
            .map { (le: $0.labels["le"].flatMap(Double.init) ?? .infinity, count: $0.value) }
            .sorted { $0.le < $1.le }
        #expect(buckets.count == CumulativeHistogram.bounds.count + 1)
        for (a, b) in zip(buckets, buckets.dropFirst()) { #expect(a.count <= b.count) }
        func count(le: Double) -> Double? { buckets.first { $0.le == le }?.count }
        #expect(count(le: 0.0001) == 1)     // 80 µs
        #expect(count(le: 0.00025) == 2)    // + 120 µs
        #expect(count(le: 0.005) == 3)      // + 3 ms
        // 250 ms is within the hdrhistogram's 1 % of the bound: either side will do.
        #expect([3, 4].contains(count(le: 0.25) ?? -1))
        #expect(count(le: 0.5) == 4)
        #expect(e.value("looptop_loop_lag_seconds_count") == 4)
        #expect(buckets.last?.count == 4)
        let sum = try #require(e.value("looptop_loop_lag_seconds_sum"))
        #expect(abs(sum - 0.2532) < 0.2532 * 0.01)
    }

    @Test func laterSnapshotsAddOnlyTheNewObservations() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot(lag: [100, 100]))
        metrics.update(from: Self.snapshot(lag: [100, 100, 100, 2_000]))
        metrics.update(from: Self.snapshot(lag: [100, 100, 100, 2_000]))  // the same snapshot again: nothing new
        let e = try Self.exposition(metrics)
        #expect(e.value("looptop_loop_lag_seconds_count") == 4)
        #expect(e.value("looptop_loop_lag_seconds_bucket", ["le": "0.0001"]) == 3)
    }

    /// A statistics reset makes the whole-run figures smaller: the series
    /// start again (a counter reset to Prometheus), never a negative increment.
    @Test func aShrunkDistributionOrCounterStartsAgain() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot(lag: [100, 200, 300, 400]))
        var later = Self.snapshot(lag: [5_000])
        later.loop.requestsCompleted = 10
        metrics.update(from: later)
        let e = try Self.exposition(metrics)
        #expect(e.value("looptop_loop_lag_seconds_count") == 1)
        #expect(e.value("looptop_loop_lag_seconds_bucket", ["le": "0.001"]) == 0)
        #expect(e.value("looptop_requests_total") == 10)
    }

    /// Ended workers lose their series; live ones beyond the cap are counted, not shown.
    @Test func workerSeriesStayBounded() throws {
        let metrics = SnapshotMetrics(workerCap: 3)
        metrics.update(from: Self.snapshot(workers: (1...5).map { Self.worker($0, .idle) }))
        var e = try Self.exposition(metrics)
        #expect(Set(e.values("looptop_worker_busy_ratio").map { $0.labels["worker"] ?? "" }) == ["1", "2", "3"])
        #expect(e.value("looptop_worker_series_dropped") == 2)

        metrics.update(from: Self.snapshot(workers: [Self.worker(2, .exited), Self.worker(4, .running), Self.worker(6, .starting)]))
        e = try Self.exposition(metrics)
        #expect(Set(e.values("looptop_worker_busy_ratio").map { $0.labels["worker"] ?? "" }) == ["4", "6"])
        #expect(e.values("looptop_worker_jobs_total").allSatisfy { ["4", "6"].contains($0.labels["worker"] ?? "") })
        #expect(e.value("looptop_worker_series_dropped") == 0)
        #expect(metrics.workerSeriesCount == 2)
    }

    @Test func notANumberIsExportedAsZero() throws {
        let metrics = SnapshotMetrics()
        var s = Self.snapshot()
        s.loop.utilization = .nan
        s.workers[0].cpuMs = .infinity
        metrics.update(from: s)
        let e = try Self.exposition(metrics)
        #expect(e.value("looptop_loop_utilization_ratio") == 0)
    }

    @Test func promtoolAcceptsTheExposition() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot())
        guard let result = try Promtool.check(metrics.exposition()) else {
            print("promtool is not installed (apt-get install prometheus): promtool check skipped")
            return
        }
        #expect(result.status == 0, "promtool check metrics: \(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool lint: \(result.output)")
    }
}
