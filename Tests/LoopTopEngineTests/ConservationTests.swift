import Foundation
@testable import LoopTopEngine
import Testing

@Suite struct ConservationTests {
    /// Four threads send thousands of random commands (spawn, terminate,
    /// mode, burst, fault, rate, size) while a fifth takes snapshots; every
    /// snapshot must account for every job.
    @Test func everySnapshotAccountsForEveryJob() {
        let engine = Engine.forTest(workers: 2, jobMs: 0.2, rate: 500, queue: 32, autoRespawn: true)
        engine.start()
        let commands: [Command] = [
            .spawn(count: 1), .terminate(worker: nil), .cycleMode, .burst(10), .injectFault(worker: nil),
            .setMode(.offloaded), .scaleRate(by: 2), .scaleRate(by: 0.5), .scaleJobSize(by: 2),
            .scaleJobSize(by: 0.5), .togglePause, .cycleWorkload, .resetStatistics, .setQueueCapacity(8),
            .setQueueCapacity(64),
        ]
        let finished = Finished(4)
        let threads = startThreads(4, name: "commander") { thread in
                defer { finished.done() }
                var rng = SplitMix64(seed: UInt64(thread + 1))
                for _ in 0..<500 {
                    var command = commands[Int(rng.next() % UInt64(commands.count))]
                    if case .spawn = command, engine.tick().liveWorkers > 8 { command = .terminate(worker: nil) }
                    if case .cycleWorkload = command { command = .setWorkload(rng.next() % 2 == 0 ? "spin" : "primes") }
                    engine.send(command)
                    if rng.next() % 8 == 0 { usleep(200) }
                }
        }
        var snapshots = 0
        var broken: [JobCounts] = []
        while !finished.all {
            let counts = engine.tick().jobs
            if !counts.isConserved { broken.append(counts) }
            snapshots += 1
            usleep(100)
        }
        for thread in threads { thread.join() }
        engine.stop()
        let final = engine.tick().jobs
        #expect(broken.isEmpty, "conservation broken: \(broken.prefix(3))")
        #expect(final.isConserved)
        #expect(final.queued == 0 && final.running == 0)
        #expect(final.submitted > 0)
        #expect(snapshots > 10)
    }

    /// Issue 14: each transition of the ledger keeps the sum of ledgers
    /// conserved, including moves between ledgers and a worker's fold at exit.
    @Test func transitionsConserveTheSumOfLedgers() {
        var pool = JobCounts()
        var worker = JobCounts()
        var loop = JobCounts()
        for _ in 0..<5 { pool.submitQueued() }
        pool.submitRejected()
        #expect(pool.isConserved)
        pool.handOut(3)
        worker.takeQueued(3)
        #expect((pool + worker).isConserved)
        worker.start()
        worker.finish(.completed)
        worker.start()
        worker.finish(.failed)
        #expect((pool + worker).isConserved)
        loop.submitQueued()
        loop.submitQueued()
        loop.start()
        loop.finish(.cancelled)
        loop.handOut(1)
        pool.takeQueued(1)
        pool.rejectQueued()
        pool.cancelQueued(2)
        #expect((pool + worker + loop).isConserved)
        // A worker ends with a job still in its hands: the pool takes over its ledger.
        worker.handOut(1)
        pool.takeQueued(1)
        pool.absorb(&worker)
        #expect(worker == JobCounts())
        let total = pool + loop
        #expect(total.isConserved)
        #expect(total.submitted == 8 && total.queued == 1 && total.running == 0)
        #expect(total.completed == 1 && total.failed == 1 && total.cancelled == 3 && total.rejected == 2)
    }

    /// Issue 14: workers take empty jobs in batches and keep them in their own
    /// ledgers; workers terminated with jobs in their hands give them back.
    /// Every snapshot still accounts for every job, and none is lost.
    @Test func batchedJobsAreAccountedForThroughTerminations() {
        let engine = Engine.forTest(workers: 3, workload: "empty", jobMs: 0.01, queue: 200_000)
        engine.start()
        defer { engine.stop() }
        var broken: [JobCounts] = []
        for round in 0..<8 {
            engine.send(.burst(5_000))
            for _ in 0..<20 {
                let counts = engine.tick(scopes: false).jobs
                if !counts.isConserved { broken.append(counts) }
            }
            engine.send(.terminate(worker: nil))
            engine.send(.spawn(count: 1))
            if round % 2 == 0 { engine.send(.injectFault(worker: nil)); engine.send(.spawn(count: 1)) }
        }
        var final = engine.tick().jobs
        // Every burst has arrived (the loop may not have run yet on a loaded
        // machine: an empty ledger has nothing queued either) and none waits.
        #expect(eventually(within: 60) {
            final = engine.tick().jobs
            return final.submitted == 40_000 && final.queued == 0 && final.running == 0
        })
        #expect(broken.isEmpty, "conservation broken: \(broken.prefix(3))")
        #expect(final.isConserved)
        #expect(final.submitted == 40_000)
        // Only the jobs running when their worker was stopped did not complete.
        #expect(final.cancelled + final.failed <= 16)
        #expect(final.completed + final.cancelled + final.failed + final.rejected == 40_000)
    }
}
