import Foundation
@testable import LoopTopEngine
import Testing

@Suite struct LoopTests {
    /// A job on the loop holds every timer: the lag reads at least the job's
    /// length (a lower bound, so it holds on any machine however slow).
    @Test func blockingJobShowsAsLagAndRequestLatency() {
        let engine = Engine.forTest(workers: 2, mode: .blocking, workload: "sleepy", jobMs: 150)
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(1))
        #expect(eventually { engine.tick().jobs.completed == 1 })
        // Requests that arrived during the job are served after it.
        var snap = engine.tick()
        #expect(eventually {
            snap = engine.tick()
            return snap.total.lag.max >= 140 && snap.total.requestLatency.max >= 100
        }, "lag \(snap.total.lag), requests \(snap.total.requestLatency)")
        #expect(snap.workers.allSatisfy { $0.jobsDone == 0 })  // it ran on the loop, not a worker
        #expect(snap.log.contains { $0.kind == .notice && $0.message.hasPrefix("loop blocked") && $0.message.contains("sleepy") })
    }

    /// While a job blocks the loop, a snapshot (another thread) sees the stall
    /// grow and names the job, before the loop can report anything itself.
    @Test func aStallInProgressIsVisibleAndBlamed() {
        let engine = Engine.forTest(workers: 0, mode: .blocking, workload: "sleepy", jobMs: 3_000)
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(1))
        #expect(eventually { engine.tick().loop.stallMs > 200 })
        let snap = engine.tick()
        #expect(snap.loop.currentJob?.workload == "sleepy")
        #expect(snap.loop.lagRecentMaxMs >= snap.loop.stallMs)
        let warning = snap.warnings.first { $0.rule == "loop-blocked" }
        #expect(warning?.severity == .critical)
        #expect(warning?.message.contains("by job #1 sleepy") == true)
    }

    /// Chunked jobs hand the loop back between slices: the probe fires many
    /// times during each job (once at most if the job held the loop), and no
    /// lag comes near a whole job's length. Counted, not timed, so a loaded
    /// machine does not fail it.
    @Test func chunkedJobsYieldBetweenSlices() {
        let engine = Engine.forTest(workers: 0, mode: .chunked, workload: "spin", jobMs: 200)
        engine.start()
        defer { engine.stop() }
        engine.send(.resetStatistics)
        engine.send(.burst(2))
        var snap = engine.tick()
        #expect(eventually {
            snap = engine.tick()
            return snap.jobs.completed == 2
        })
        // Blocking would give two or three firings and a lag as long as a job.
        #expect(snap.total.lag.count >= 8, "probe fired \(snap.total.lag.count) times over two 200 ms jobs")
        #expect(snap.total.lag.max < snap.total.run.p50 / 2)
        #expect(snap.jobs.isConserved)
    }

    @Test func switchingModeMovesWaitingLoopJobsToThePool() {
        let engine = Engine.forTest(workers: 2, mode: .blocking, workload: "sleepy", jobMs: 300, queue: 50)
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(4))
        #expect(eventually { engine.tick().loop.currentJob != nil })
        engine.send(.setMode(.offloaded))
        // The running job finishes on the loop; the three waiting go to workers.
        #expect(eventually { engine.tick().jobs.completed == 4 })
        let snap = engine.tick()
        #expect(snap.workers.reduce(0) { $0 + $1.jobsDone } == 3)
        #expect(snap.queue.loopDepth == 0)
    }

    @Test func arrivalsFollowTheRateAndPause() {
        let engine = Engine.forTest(workers: 2, jobMs: 0.1, rate: 200)
        engine.start()
        defer { engine.stop() }
        #expect(eventually { engine.tick().jobs.submitted >= 20 })
        engine.send(.pause)
        #expect(engine.settings.paused)
        let settled = engine.tick().jobs.submitted
        usleep(100_000)
        // No arrivals while paused (one may have been in flight at the switch).
        #expect(engine.tick().jobs.submitted <= settled + 1)
        engine.send(.togglePause)
        #expect(eventually { engine.tick().jobs.submitted >= settled + 10 })
    }

    @Test func idleLoopServesRequests() {
        let engine = Engine.forTest(workers: 0, requestRate: 500)
        engine.start()
        defer { engine.stop() }
        #expect(eventually { engine.tick().loop.requestsCompleted >= 50 })
        let snap = engine.tick()
        #expect(snap.total.lag.count > 0)
        #expect(snap.total.utilization > 0 && snap.total.utilization < 1)
    }

    @Test func commandsChangeSettingsWithinLimits() {
        let engine = Engine.forTest()
        #expect(engine.send(.cycleMode) == "mode blocking")
        #expect(engine.send(.cycleMode) == "mode chunked")
        #expect(engine.send(.setJobMs(20)) == "job size 20.0 ms")
        engine.send(.scaleJobSize(by: 2))
        #expect(engine.settings.jobMs == 40)
        engine.send(.setJobMs(-5))
        #expect(engine.settings.jobMs == EngineSettings.jobMsRange.lowerBound)
        engine.send(.setRate(0))
        engine.send(.scaleRate(by: 2))
        #expect(engine.settings.rate == 1)
        engine.send(.setRate(.infinity))
        #expect(engine.settings.rate == EngineSettings.rateRange.upperBound)
        #expect(engine.send(.setWorkload("nope")).contains("unknown"))
        #expect(engine.settings.workload == "spin")
        engine.send(.cycleWorkload)
        #expect(engine.settings.workload != "spin")
    }
}

@Suite struct BlockedRequestTests {
    /// While a job blocks the loop, requests keep arriving; a snapshot counts
    /// them even though the loop cannot.
    @Test func requestsPileUpVisiblyWhileTheLoopIsBlocked() {
        let engine = Engine.forTest(workers: 0, mode: .blocking, workload: "sleepy", jobMs: 2_000, requestRate: 500)
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(1))
        #expect(eventually { engine.tick().loop.stallMs > 300 })
        let snap = engine.tick()
        // 500/s for at least 0.3 s: about 150 waiting (bounds loose on purpose).
        #expect(snap.loop.requestsWaiting >= 50)
        #expect(snap.warnings.first { $0.rule == "loop-blocked" }?.message.contains("\(snap.loop.requestsWaiting) requests waiting") == true)
    }
}
