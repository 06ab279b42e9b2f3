// Hand-built snapshots for render tests. Some engine types have no public
// memberwise init (WorkerSnapshot, RunningJob, JobRecord, HistogramBar,
// Warning), so the engine is imported @testable for their internal ones.
@testable import LoopTopEngine
import LoopTopTUI

enum Fixtures {
    static let second: UInt64 = 1_000_000_000
    /// Engine-clock time of every fixture snapshot: 83 s after start.
    static let now: UInt64 = 1_000 * second

    static func job(_ id: UInt64, _ workload: String = "primes", mode: Mode = .offloaded, targetMs: Double = 20,
                    startedMsAgo: Double = 12) -> RunningJob {
        RunningJob(id: id, workload: workload, mode: mode, targetMs: targetMs,
                   startedAt: now - UInt64(startedMsAgo * 1e6))
    }

    static func worker(_ id: Int, _ state: WorkerState, job: RunningJob? = nil, elapsedMs: Double = 0,
                       done: UInt64 = 0, busy: Double = 0, cpuPerWall: Double = 0, activity: [Double] = [],
                       endReason: String? = nil) -> WorkerSnapshot {
        WorkerSnapshot(id: id, name: "looptop-w\(id)", tid: Int32(4100 + id), state: state, currentJob: job,
                       elapsedMs: elapsedMs, jobsDone: done, jobsFailed: 0, busy: busy, cpuPerWall: cpuPerWall,
                       cpuMs: Double(done) * 20, startupMs: 0.21, endReason: endReason, activity: activity,
                       recentJobs: [], runHistogram: [], run: LatencySummary(count: done, p50: 20, p99: 24, max: 31))
    }

    /// A wave 0…1 of `count` samples, deterministic.
    static func wave(_ count: Int, phase: Int = 0) -> [Double] {
        (0..<count).map { i in
            let x = (i + phase * 7) % 240
            return x < 150 ? 0.95 : x < 200 ? 0.15 : 0.6
        }
    }

    static func base() -> Snapshot {
        var s = Snapshot()
        s.time = now
        s.uptimeSeconds = 83
        s.settings.mode = .offloaded
        s.settings.workload = "csv-parse"
        s.settings.jobMs = 20
        s.settings.rate = 40
        s.workloads = ["spin", "primes", "csv-parse"]
        s.cores = 2
        return s
    }

    /// The sketch's offloaded dashboard: 4 workers busy, the loop idle.
    static func offloaded() -> Snapshot {
        var s = base()
        s.liveWorkers = 4
        s.workers = [
            worker(1, .running, job: job(1181, "csv-parse"), elapsedMs: 12, done: 301, busy: 0.96, cpuPerWall: 0.51,
                   activity: wave(600)),
            worker(2, .idle, done: 290, busy: 0.60, cpuPerWall: 0.98, activity: wave(600, phase: 5)),
            worker(3, .running, job: job(1183, "csv-parse", startedMsAgo: 3), elapsedMs: 3, done: 288, busy: 0.88,
                   cpuPerWall: 0.55, activity: wave(600, phase: 2)),
            worker(4, .starting),
        ]
        s.loop.lag = LatencySummary(count: 4000, p50: 0.08, p99: 0.31, max: 1.2)
        s.loop.lagRecentMaxMs = 0.4
        s.loop.utilization = 0.12
        s.loop.requestsPerSecond = 200
        s.loop.requestLatency = LatencySummary(count: 1000, p50: 0.1, p99: 0.9, max: 2)
        s.loop.handback = LatencySummary(count: 1000, p50: 0.05, p99: 0.2, max: 1)
        s.loop.lagHistory = (0..<600).map { Double($0 % 7) * 0.1 }
        s.queue.depth = 12
        s.queue.capacity = 256
        s.queue.wait = LatencySummary(count: 200, p50: 10, p99: 40, max: 60)
        s.queue.run = LatencySummary(count: 200, p50: 20, p99: 24, max: 31)
        s.queue.completedPerSecond = 40
        s.queue.depthHistory = (0..<600).map { Double(($0 / 20) % 10) }
        s.jobs.submitted = 1204
        s.jobs.queued = 12
        s.jobs.running = 2
        s.jobs.completed = 1180
        s.jobs.failed = 0
        s.jobs.cancelled = 10
        s.log = [
            EngineEvent(time: now - 20 * second, kind: .workerSpawned, workerID: 4, message: "worker 4 spawned"),
            EngineEvent(time: now - 9 * second, kind: .control, message: "mode offloaded"),
            EngineEvent(time: now - 2 * second, kind: .workerExited, workerID: 5,
                        message: "worker 5 exited (terminated; job #1179 cancelled)"),
        ]
        return s
    }

    /// Blocking mode, a 200 ms job holding the loop for 812 ms, the warning blaming it.
    static func blocking() -> Snapshot {
        var s = offloaded()
        s.settings.mode = .blocking
        s.settings.workload = "primes"
        s.settings.jobMs = 200
        for i in s.workers.indices {
            s.workers[i].state = .idle
            s.workers[i].currentJob = nil
            s.workers[i].elapsedMs = 0
            s.workers[i].busy = 0
        }
        s.loop.lag = LatencySummary(count: 300, p50: 95, p99: 780, max: 812)
        s.loop.lagRecentMaxMs = 812
        s.loop.stallMs = 812
        s.loop.utilization = 0.99
        s.loop.requestsWaiting = 23
        s.loop.requestLatency = LatencySummary(count: 300, p50: 120, p99: 790, max: 812)
        s.loop.currentJob = job(1177, "primes", mode: .blocking, targetMs: 200, startedMsAgo: 812)
        s.loop.lagHistory = (0..<600).map { $0 < 300 ? 0.2 : Double(($0 * 37) % 800) }
        s.queue.loopDepth = 9
        s.warnings = [Warning(rule: "loop-blocked", severity: .critical,
                              message: "loop blocked 812 ms by job #1177 primes; 23 requests waiting")]
        return s
    }

    static func manyWorkers(_ count: Int = 64) -> Snapshot {
        var s = offloaded()
        s.workers = (1...count).map { id in
            let running = id % 3 != 0
            return worker(id, running ? .running : .idle, job: running ? job(UInt64(2000 + id), "csv-parse") : nil,
                          elapsedMs: running ? Double(id % 20) : 0, done: UInt64(100 + id), busy: running ? 0.9 : 0.1,
                          cpuPerWall: 0.03, activity: wave(600, phase: id))
        }
        s.liveWorkers = count
        s.warnings = [Warning(rule: "oversubscribed", severity: .warn,
                              message: "\(count) workers on 2 cores: each gets 0.03 of a core")]
        return s
    }

    /// Offloaded, with worker 1's recent jobs and run-time histogram filled in.
    static func withDetail() -> Snapshot {
        var s = offloaded()
        s.workers[0].recentJobs = (0..<12).map { i in
            let id = UInt64(1160 + i)
            let end = now - UInt64(12 - i) * 100_000_000
            let run = UInt64(18 + (i * 7) % 9) * 1_000_000
            let outcome: JobOutcome = i == 4 ? .failed : .completed
            return JobRecord(id: id, workload: "csv-parse", mode: .offloaded, outcome: outcome, workerID: 1,
                             submittedAt: end - run - UInt64(i % 3) * 4_000_000, startedAt: end - run,
                             finishedAt: end, reason: outcome == .failed ? "fault injected" : nil)
        }
        s.workers[0].runHistogram = [
            HistogramBar(upToMs: 4, count: 0), HistogramBar(upToMs: 8, count: 2), HistogramBar(upToMs: 16, count: 41),
            HistogramBar(upToMs: 32, count: 77), HistogramBar(upToMs: 64, count: 6), HistogramBar(upToMs: 128, count: 0),
        ]
        return s
    }
}
