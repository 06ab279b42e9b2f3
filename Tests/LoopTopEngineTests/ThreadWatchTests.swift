import Foundation
@testable import LoopTopEngine
import Testing

/// Issue 11 point 4: scheduler figures for looptop's own threads, from /proc.
@Suite struct ThreadWatchTests {
    @Test func wholeLifeDividesCumulativeCountersByTheLifetime() throws {
        let reading = TaskReading(tid: 9, name: "w", state: "R", utimeTicks: 100, stimeTicks: 0,
                                  onCPUNanos: 1_000_000_000, runqueueWaitNanos: 3_000_000_000, timeslices: 40,
                                  voluntarySwitches: 8, involuntarySwitches: 200)
        let rates = try #require(ThreadWatch.wholeLife(reading, bornAt: 1_000_000_000, now: 5_000_000_000))
        #expect(rates.cpu == 0.25)
        #expect(rates.runqueueWait == 0.75)
        #expect(rates.voluntarySwitchesPerSecond == 2)
        #expect(rates.involuntarySwitchesPerSecond == 50)
        #expect(ThreadWatch.wholeLife(reading, bornAt: 5, now: 5) == nil)
    }

    @Test func aSweepReadsRegisteredThreadsAndKeepsEndedOnes() throws {
        let watch = ThreadWatch(periodSeconds: 0)
        let tid = currentTID()
        watch.register(tid: tid, at: monotonicNow() &- 1_000_000_000)
        watch.sweep()
        var figures = try #require(watch.figures(newerThan: nil)?.figures[tid])
        #expect(figures.reading?.tid == tid)
        #expect(figures.total != nil)
        #expect(figures.recent == nil)
        watch.sweep()
        figures = try #require(watch.figures(newerThan: nil)?.figures[tid])
        #expect(figures.recent != nil)
        watch.finish(tid: tid)
        #expect(watch.figures(newerThan: nil)?.figures[tid]?.total != nil)
    }

    /// Seconds since boot now, and a thread's start from its stat (field 22), as a user would compute.
    static func lifetimeSeconds(tid: Int32) -> Double? {
        guard let stat = ProcTasks.readSmallFile("/proc/self/task/\(tid)/stat"),
              let close = stat.lastIndex(of: ")") else { return nil }
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        // fields[0] is field 3; starttime is field 22.
        guard fields.count > 19, let start = Double(fields[19]) else { return nil }
        var ts = timespec()
        clock_gettime(CLOCK_BOOTTIME, &ts)
        let now = Double(ts.tv_sec) + Double(ts.tv_nsec) / 1e9
        // Here, not through ProcTasks: the test's own reading of the field.
        return now - start / Double(ProcTasks.clockTicksPerSecond)
    }

    /// The summary's per-worker runqueue_wait agrees with a fresh read of
    /// /proc (schedstat's wait over the thread's lifetime) within 0.1.
    @Test func summaryRunqueueWaitAgreesWithProc() throws {
        var settings = EngineSettings()
        settings.workload = "spin"
        settings.jobMs = 5
        settings.rate = 400
        settings.requestRate = 50
        let engine = Engine(configuration: .init(workers: 3, settings: settings, catalog: TestCatalog.calibrated,
                                                 threadReadSeconds: 0.1))
        engine.start()
        defer { engine.stop() }
        #expect(eventually {
            let s = engine.tick(scopes: false)
            return s.workers.count == 3 && s.workers.allSatisfy { $0.sched != nil && $0.jobsDone > 5 }
                && s.loop.thread != nil
        })
        engine.readThreadsNow()
        let report = HeadlessReport(engine.tick(), summary: true)
        #expect(report.loop_thread.tid > 0)
        #expect(report.loop_thread.runqueue_wait != nil)
        for worker in report.worker_list {
            let mine = try #require(worker.runqueue_wait)
            let fresh = try #require(ProcTasks.read(pid: getpid(), tid: worker.tid))
            let life = try #require(Self.lifetimeSeconds(tid: worker.tid))
            let truth = Double(try #require(fresh.runqueueWaitNanos)) / 1e9 / life
            #expect(abs(mine - truth) < 0.1, "worker \(worker.id): \(mine) vs /proc \(truth)")
            #expect(worker.voluntary_switches_per_s != nil)
        }
    }
}
