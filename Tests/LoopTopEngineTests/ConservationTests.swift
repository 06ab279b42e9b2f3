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
}
