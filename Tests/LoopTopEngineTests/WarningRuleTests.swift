@testable import LoopTopEngine
import Testing

/// Issue 11 point 2: warnings from measurements, not counts.
@Suite struct WarningRuleTests {
    static func worker(_ id: Int, busy: Double, cpuPerWall: Double, wait: Double? = nil,
                       state: WorkerState = .running) -> WorkerSnapshot {
        var w = WorkerSnapshot(id: id, name: "looptop-w\(id)", tid: Int32(100 + id), state: state,
                               busy: busy, cpuPerWall: cpuPerWall)
        if let wait {
            w.sched = TaskRates(cpu: busy * cpuPerWall, runqueueWait: wait, voluntarySwitchesPerSecond: 1,
                                involuntarySwitchesPerSecond: 80)
        }
        return w
    }

    static func snapshot(mode: Mode = .offloaded, cores: Int = 2, workers: [WorkerSnapshot]) -> Snapshot {
        var s = Snapshot()
        s.settings.mode = mode
        s.cores = cores
        s.workers = workers
        s.liveWorkers = workers.filter { $0.state.isLive }.count
        return s
    }

    @Test func oversubscribedWhenBusyWorkersFarOutnumberTheCores() throws {
        let s = Self.snapshot(workers: (1...16).map { Self.worker($0, busy: 1, cpuPerWall: 0.12, wait: 0.88) })
        let warning = try #require(OversubscribedRule().check(s))
        #expect(warning.message == "workers get 0.12 of a core, 88 % of their time waiting for a CPU: 16 busy workers share 2 cores")
    }

    @Test func oversubscribedNamesAnotherProcessWhenOurThreadsDoNotFillTheCores() throws {
        var s = Self.snapshot(workers: [Self.worker(1, busy: 1, cpuPerWall: 0.12, wait: 0.85),
                                        Self.worker(2, busy: 0, cpuPerWall: 0, state: .idle)])
        s.loop.thread = TaskRates(cpu: 0.05, runqueueWait: 0.1, voluntarySwitchesPerSecond: 900,
                                  involuntarySwitchesPerSecond: 3)
        let warning = try #require(OversubscribedRule().check(s))
        #expect(warning.message.hasPrefix("workers get 0.12 of a core, 85 % of their time waiting for a CPU: other processes take the CPU"))
        #expect(warning.message.contains("0.2 of 2 cores"))
    }

    /// 18 idle workers at 5 jobs/s gave "each gets 0.11 of a core".
    @Test func manyMostlyIdleWorkersAreNotOversubscribed() {
        var workers = (1...18).map { Self.worker($0, busy: 0.01, cpuPerWall: 0.98, wait: 0.0, state: .idle) }
        workers[0].state = .running
        #expect(OversubscribedRule().check(Self.snapshot(workers: workers)) == nil)
    }

    @Test func blockingWithIdleWorkersIsNotOversubscribed() {
        let s = Self.snapshot(mode: .blocking, workers: (1...8).map { Self.worker($0, busy: 0, cpuPerWall: 0, state: .idle) })
        #expect(OversubscribedRule().check(s) == nil)
    }

    @Test func busyWorkersWithTheirOwnCoresAreFine() {
        let s = Self.snapshot(workers: [Self.worker(1, busy: 1, cpuPerWall: 0.97, wait: 0.02),
                                        Self.worker(2, busy: 0.9, cpuPerWall: 0.95, wait: 0.03)])
        #expect(OversubscribedRule().check(s) == nil)
    }

    @Test func noWorkersWithJobsQueued() throws {
        var s = Self.snapshot(workers: [Self.worker(1, busy: 0, cpuPerWall: 0, state: .exited)])
        s.queue.depth = 37
        s.queue.oldestWaitMs = 4_200
        let warning = try #require(NoWorkersRule().check(s))
        #expect(warning.message == "no workers: 37 jobs waiting (oldest 4.20 s); + spawns one")
        #expect(warning.severity == .critical)
        s.settings.mode = .blocking
        #expect(NoWorkersRule().check(s) == nil)
        s.settings.mode = .offloaded
        s.queue.depth = 0
        #expect(NoWorkersRule().check(s) == nil)
    }

    static func tripSnapshot(mode: Mode, runMs: Double, pickupMs: Double, handbackMs: Double, waitMs: Double) -> Snapshot {
        var s = snapshot(mode: mode, workers: [worker(1, busy: 0.5, cpuPerWall: 1)])
        s.queue.run = LatencySummary(count: 100, p50: runMs, p99: runMs, max: runMs)
        s.queue.wait = LatencySummary(count: 100, p50: waitMs, p99: waitMs, max: waitMs)
        s.queue.pickup = LatencySummary(count: 100, p50: pickupMs, p99: pickupMs, max: pickupMs)
        s.loop.handback = LatencySummary(count: 100, p50: handbackMs, p99: handbackMs, max: handbackMs)
        return s
    }

    @Test func handoffCostUsesOnlyTheTripsOwnCost() throws {
        let tiny = Self.tripSnapshot(mode: .offloaded, runMs: 0.005, pickupMs: 0.03, handbackMs: 0.02, waitMs: 0.04)
        let warning = try #require(HandoffCostRule().check(tiny))
        #expect(warning.message.hasPrefix("jobs of 0.005 ms: the trip to a worker and back (0.050 ms"))
        // Jobs of 250 ms waiting 17 s in a full queue: the trip is still cheap.
        let full = Self.tripSnapshot(mode: .offloaded, runMs: 252.8, pickupMs: 0.05, handbackMs: 0.03, waitMs: 16_841)
        #expect(HandoffCostRule().check(full) == nil)
        // Blocking jobs make no trip.
        let blocking = Self.tripSnapshot(mode: .blocking, runMs: 0.005, pickupMs: 0.03, handbackMs: 0.02, waitMs: 0.04)
        #expect(HandoffCostRule().check(blocking) == nil)
    }

    @Test func overheadRatioIsTheTripOverTheWork() {
        var figures = IntervalFigures()
        figures.run = LatencySummary(count: 10, p50: 50, p99: 50, max: 50)
        figures.wait = LatencySummary(count: 10, p50: 2_000, p99: 2_000, max: 2_000)
        figures.pickup = LatencySummary(count: 3, p50: 0.05, p99: 0.05, max: 0.05)
        figures.handback = LatencySummary(count: 10, p50: 0.05, p99: 0.05, max: 0.05)
        #expect(abs(figures.overheadRatio - 0.002) < 1e-12)
        // No trips (blocking): no overhead.
        figures.pickup = .empty
        figures.handback = .empty
        #expect(figures.overheadRatio == 0)
    }

    /// A burst queued behind one busy worker: only the job that found it
    /// idle has a pick-up time; the rest waited in the queue.
    @Test func jobsWaitingBehindABusyWorkerHaveNoPickup() {
        let engine = Engine.forTest(workers: 1, workload: "sleepy", jobMs: 2)
        engine.start()
        defer { engine.stop() }
        #expect(eventually { engine.snapshot(scopes: false).workers.first?.state == .idle })
        engine.send(.burst(30))
        #expect(eventually { engine.snapshot(scopes: false).jobs.completed == 30 })
        let s = engine.snapshot()
        #expect(s.total.pickup.count <= 1)
        #expect(s.total.wait.count == 30)
        #expect(s.warnings.allSatisfy { $0.rule != "handoff-cost" })
    }

    /// Zero workers and arrivals: no-workers, with the oldest job's wait.
    @Test func noWorkersFiresInARealEngine() {
        let engine = Engine.forTest(workers: 0)
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(5))
        #expect(eventually { engine.snapshot(scopes: false).queue.depth == 5 })
        let s = engine.snapshot()
        #expect(s.warnings.contains { $0.rule == "no-workers" && $0.message.hasPrefix("no workers: 5 jobs waiting") })
        let line = HeadlessReport(s, summary: false)
        #expect(line.warnings.contains { $0.hasPrefix("no-workers: ") })
    }
}
