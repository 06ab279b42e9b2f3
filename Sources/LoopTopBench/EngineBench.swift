import Foundation
import Synchronization
@_spi(LoopTopBench) import LoopTopEngine

/// looptop's own figures for `looptop bench`: each measured the way a user
/// meets it, through the real loop, pool and probe.
public enum EngineBench {
    /// A quiet engine: no arrivals, no requests, one worker unless told.
    static func quietEngine(workers: Int, catalog: WorkloadCatalog) -> Engine {
        var settings = EngineSettings()
        settings.rate = 0
        settings.requestRate = 0
        return Engine(configuration: .init(workers: workers, queueCapacity: 1024, settings: settings,
                                           autoRespawn: false, catalog: catalog))
    }

    /// Round trips of an empty job: the loop submits it, a worker runs it,
    /// the completion comes back to the loop as a message; ns each.
    public static func handoff(rounds: Int, catalog: WorkloadCatalog) -> [UInt64] {
        let engine = quietEngine(workers: 1, catalog: catalog)
        engine.start()
        defer { engine.stop() }
        _ = waitUntil { engine.tick().workers.first?.state == .idle }
        _ = PingPong.run(on: engine, rounds: min(rounds, 200), timeoutSeconds: 30)  // warm up
        return PingPong.run(on: engine, rounds: rounds, timeoutSeconds: 120) ?? []
    }

    /// A job that does nothing: what a hand-off costs on its own.
    static let empty = ClosureWorkload(name: "empty", summary: "does nothing") { _, _ in }

    /// Round trips of empty jobs offloaded from the loop, one after another:
    /// each one's continuation (run on the loop when its completion arrives)
    /// offloads the next.
    final class PingPong: @unchecked Sendable {
        // Touched only on the loop thread, until `done` is signalled.
        private var left: Int
        private var sentAt: UInt64 = 0
        private var nextID: UInt64 = 1 << 62
        private var samples: [UInt64] = []
        private let done = DispatchSemaphore(value: 0)

        private init(rounds: Int) {
            left = max(1, rounds)
            samples.reserveCapacity(left)
        }

        static func run(on engine: Engine, rounds: Int, timeoutSeconds: Double) -> [UInt64]? {
            let pingPong = PingPong(rounds: rounds)
            engine.onLoop { loop in pingPong.send(loop) }
            guard pingPong.done.wait(timeout: .now() + timeoutSeconds) == .success else { return nil }
            return pingPong.samples
        }

        private func send(_ loop: LoopAccess) {
            nextID += 1
            sentAt = loop.now()
            let job = Job(id: nextID, workload: EngineBench.empty, units: 1, targetMs: 0, submittedAt: sentAt, mode: .offloaded)
            loop.offload(job) { [self] _ in
                samples.append(loop.now() &- sentAt)
                left -= 1
                if left > 0 { send(loop) } else { done.signal() }
            }
        }
    }

    /// `jobs` empty jobs submitted straight to a pool of `workers`, with the
    /// pool's metrics on (ledger, per-worker figures, event ring); jobs/s
    /// from the first submit to the last completion. `batch` > 1 submits that
    /// many under one lock (as the loop does with a burst).
    public static func tinyJobs(jobs: Int, workers: Int, batch: Int = 1) -> Double {
        let pool = BenchPool(capacity: jobs)
        pool.spawn(workers)
        _ = waitUntil { pool.isIdle() }
        let workload = empty
        let start = monotonicNow()
        if batch <= 1 {
            for id in 1...jobs {
                pool.submit(Job(id: UInt64(id), workload: workload, units: 1, targetMs: 0, submittedAt: 0, mode: .offloaded))
            }
        } else {
            var id = 0
            while id < jobs {
                let count = min(batch, jobs - id)
                pool.submit(contentsOf: (0..<count).map { i in
                    Job(id: UInt64(id + i + 1), workload: workload, units: 1, targetMs: 0, submittedAt: 0, mode: .offloaded)
                })
                id += count
            }
        }
        _ = waitUntil(timeoutSeconds: 600, pollMicros: 200) { pool.counts.completed == UInt64(jobs) }
        let elapsed = monotonicNow() - start
        pool.shutdown()
        return Double(jobs) / (Double(elapsed) / 1e9)
    }

    /// Spawn → ready (the new thread runs and waits for work) and
    /// terminate → joined for an idle worker, ns each.
    public static func spawnAndTerminate(count: Int) -> (ready: [UInt64], joined: [UInt64]) {
        let pool = BenchPool(capacity: 16)
        var ready: [UInt64] = []
        var joined: [UInt64] = []
        for _ in 0..<count {
            guard let id = pool.spawn(1).first else { break }
            _ = waitUntil(pollMicros: 20) { pool.isIdle(id) }
            if let startup = pool.startupNanos(id) { ready.append(startup) }
            let start = monotonicNow()
            pool.terminateAndJoin(id, timeoutNanos: 10_000_000_000)
            joined.append(monotonicNow() - start)
        }
        pool.shutdown()
        return (ready, joined)
    }

    /// What the lag probe reads: p99 on an idle loop, and the windowed max
    /// with one job of each size in `jobMs` run on the loop (blocking).
    /// `withJob[N]` is the reading with an N ms job, `jobRan[N]` how long that
    /// job really ran (calibration is an estimate; the probe should match this).
    public static func lagProbe(idleSeconds: Double, jobMs: [Double], catalog: WorkloadCatalog)
        -> (idleP99: Double, withJob: [Double: Double], jobRan: [Double: Double]) {
        var settings = EngineSettings()
        settings.rate = 0
        settings.mode = .blocking
        settings.workload = "bench-block"
        // A job that times itself: its own run time, exactly, is what the
        // probe should read (the run histogram keeps two digits only).
        let held = Held()
        var catalog = catalog
        catalog.register(ClosureWorkload(name: "bench-block", summary: "holds its thread for its size") { context, units in
            let start = monotonicNow()
            let until = start + UInt64(units) * 1_000_000
            while monotonicNow() < until { try context.checkpoint() }
            held.nanos.store(monotonicNow() - start, ordering: .releasing)
        }, nanosPerUnit: 1_000_000)
        let engine = Engine(configuration: .init(workers: 0, settings: settings, catalog: catalog))
        engine.start()
        defer { engine.stop() }
        Thread.sleep(forTimeInterval: 0.2)
        engine.send(.resetStatistics)
        Thread.sleep(forTimeInterval: idleSeconds)
        let idle = engine.tick().total.lag.p99
        var readings: [Double: Double] = [:]
        var ran: [Double: Double] = [:]
        for ms in jobMs {
            engine.send(.setJobMs(ms))
            Thread.sleep(forTimeInterval: 0.1)
            engine.send(.resetStatistics)
            let before = engine.tick().jobs.completed
            engine.send(.burst(1))
            _ = waitUntil { engine.tick().jobs.completed > before }
            Thread.sleep(forTimeInterval: 0.05)  // the probe fires right after the job
            let snapshot = engine.tick()
            readings[ms] = snapshot.loop.lagRecentMaxMs
            ran[ms] = Double(held.nanos.load(ordering: .acquiring)) / 1e6
        }
        return (idle, readings, ran)
    }

    /// This process's resident memory, MB (VmRSS).
    public static func residentMB() -> Double {
        guard let status = try? String(contentsOfFile: "/proc/self/status", encoding: .utf8) else { return 0 }
        for line in status.split(separator: "\n") where line.hasPrefix("VmRSS:") {
            let kb = line.split(separator: " ").compactMap { Double($0) }.first ?? 0
            return kb / 1024
        }
        return 0
    }

    /// Resident memory with an idle engine of 4 workers, and with 64 busy workers.
    public static func memory(catalog: WorkloadCatalog) -> (idle: Double, workers64: Double) {
        let idle: Double
        do {
            let engine = quietEngine(workers: 4, catalog: catalog)
            engine.start()
            Thread.sleep(forTimeInterval: 0.5)
            _ = engine.tick()
            idle = residentMB()
            engine.stop()
        }
        let engine = busyEngine(workers: 64, catalog: catalog)
        engine.start()
        Thread.sleep(forTimeInterval: 1.5)
        _ = engine.tick()
        let busy = residentMB()
        engine.stop()
        return (idle, busy)
    }

    /// An engine keeping `workers` busy: 20 ms spin jobs at `rate` a second
    /// (400: 8 cores' worth, so every worker has work on a small machine).
    /// It runs no sampler of its own unless `ticksItself`: the dashboard
    /// being measured ticks it, once a frame, as the sampler would.
    public static func busyEngine(workers: Int, rate: Double = 400, catalog: WorkloadCatalog,
                                  ticksItself: Bool = false) -> Engine {
        var settings = EngineSettings()
        settings.rate = rate
        settings.jobMs = 20
        settings.workload = "spin"
        var configuration = Engine.Configuration(workers: workers, settings: settings, catalog: catalog)
        if !ticksItself { configuration.samplesPerSecond = 0 }
        return Engine(configuration: configuration)
    }

    /// A description of the machine: cores and CPU model.
    public static func machine() -> (cores: Int, model: String) {
        var model = "unknown"
        if let info = try? String(contentsOfFile: "/proc/cpuinfo", encoding: .utf8),
           let line = info.split(separator: "\n").first(where: { $0.hasPrefix("model name") }),
           let name = line.split(separator: ":", maxSplits: 1).last {
            model = name.trimmingCharacters(in: .whitespaces)
        }
        return (Engine.cores, model)
    }

    @discardableResult
    static func waitUntil(timeoutSeconds: Double = 30, pollMicros: UInt32 = 1_000, _ condition: () -> Bool) -> Bool {
        let deadline = monotonicNow() + Nanos.fromSeconds(timeoutSeconds)
        while monotonicNow() < deadline {
            if condition() { return true }
            usleep(pollMicros)
        }
        return condition()
    }
}

/// How long the last `bench-block` job ran, ns.
final class Held: Sendable {
    let nanos = Atomic<UInt64>(0)
}

/// CLOCK_MONOTONIC, ns: the clock the engine's timestamps use.
func monotonicNow() -> UInt64 {
    var ts = timespec()
    clock_gettime(CLOCK_MONOTONIC, &ts)
    return UInt64(ts.tv_sec) &* 1_000_000_000 &+ UInt64(ts.tv_nsec)
}
