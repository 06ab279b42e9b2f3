import Foundation
@testable import LoopTopEngine
import Testing

/// The formulas against textbook values (issue 17).
@Suite struct QueueModelTests {
    func close(_ a: Double?, _ b: Double, within tolerance: Double = 1e-6) -> Bool {
        guard let a else { return false }
        return abs(a - b) <= tolerance * max(1, abs(b))
    }

    @Test func mm1MatchesRhoOverMuMinusLambda() {
        // λ = 0.5/s, S = 1 s: Wq = ρ / (μ − λ) = 1 s.
        let wait = QueueModel.predictedWaitMs(arrivalRate: 0.5, serviceMs: 1000, serviceCV: 1, servers: 1)
        #expect(close(wait, 1000))
        // λ = 8/s, S = 100 ms (ρ = 0.8): Wq = 0.8 / (10 − 8) = 0.4 s.
        #expect(close(QueueModel.predictedWaitMs(arrivalRate: 8, serviceMs: 100, serviceCV: 1, servers: 1), 400))
    }

    @Test func md1IsHalfOfMM1() {
        // Pollaczek–Khinchine with cv = 0: Wq = ρ S / (2 (1 − ρ)).
        let wait = QueueModel.predictedWaitMs(arrivalRate: 50, serviceMs: 10, serviceCV: 0, servers: 1)
        #expect(close(wait, 0.5 * 10 / (2 * 0.5)))
        let at07 = QueueModel.predictedWaitMs(arrivalRate: 70, serviceMs: 10, serviceCV: 0, servers: 1)
        #expect(close(at07, 0.7 * 10 / (2 * 0.3)))
    }

    @Test func erlangCForTwoAndFourServers() {
        #expect(close(QueueModel.erlangC(servers: 1, offeredLoad: 0.6), 0.6))
        // c = 2, a = 1: C = 1/3 (P0 = 1/3, Lq = 1/3).
        #expect(close(QueueModel.erlangC(servers: 2, offeredLoad: 1), 1.0 / 3))
        // c = 4, a = 3: C = 13.5 / 26.5.
        #expect(close(QueueModel.erlangC(servers: 4, offeredLoad: 3), 13.5 / 26.5))
        #expect(QueueModel.erlangC(servers: 2, offeredLoad: 2) == 1)
    }

    @Test func mmcWaits() {
        // M/M/2, λ = 1/s, S = 1 s: Wq = C / (cμ − λ) = 1/3 s.
        #expect(close(QueueModel.predictedWaitMs(arrivalRate: 1, serviceMs: 1000, serviceCV: 1, servers: 2), 1000.0 / 3))
        // M/M/4, λ = 3/s, S = 1 s: Wq = 0.50943 s.
        #expect(close(QueueModel.predictedWaitMs(arrivalRate: 3, serviceMs: 1000, serviceCV: 1, servers: 4),
                      1000 * 13.5 / 26.5))
    }

    @Test func atOrAboveFullUtilizationThereIsNoPrediction() {
        let model = QueueModel(arrivalRate: 120, serviceMs: 10, serviceCV: 0, servers: 1)
        #expect(!model.stable)
        #expect(model.utilization > 1)
        #expect(model.predictedWaitMs == nil)
        #expect(QueueModel(arrivalRate: 100, serviceMs: 10, serviceCV: 0, servers: 1).predictedWaitMs == nil)
        // One server more makes it stable.
        #expect(model.predictedWaitMs(servers: 2) != nil)
    }

    @Test func serversFollowTheModeAndTheCores() {
        #expect(QueueModel.servers(mode: .blocking, liveWorkers: 8, cores: 2).count == 1)
        #expect(QueueModel.servers(mode: .offloaded, liveWorkers: 1, cores: 2).count == 1)
        #expect(QueueModel.servers(mode: .offloaded, liveWorkers: 8, cores: 2).count == 2)
        // Oversubscribed: service time is the CPU share of the wall run time.
        let m = QueueModel.measured(offered: 100, seconds: 10, runMeanMs: 40, runStdMs: 0, finished: 100,
                                    waitMeanMs: 3, mode: .offloaded, liveWorkers: 4, cores: 2, cpuPerWall: 0.5)
        #expect(m?.serviceMs == 20)
        #expect(m?.servers == 2)
        #expect(m?.measuredWaitMs == 3)
    }

    @Test func headlessWritesNullForAnUnstableQueue() throws {
        var snap = Snapshot()
        snap.interval.seconds = 1
        snap.interval.model = QueueModel(arrivalRate: 200, serviceMs: 10, serviceCV: 0.1, servers: 1,
                                         serversReason: "the event loop runs one job at a time", measuredWaitMs: 900)
        let line = HeadlessReport(snap, summary: false).jsonLine()
        let object = try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
        let model = try #require(object["model"] as? [String: Any])
        #expect(model["stable"] as? Bool == false)
        #expect(model["predicted_wait_ms"] is NSNull)
        #expect(model["measured_wait_ms"] as? Double == 900)
        #expect(model["utilization"] as? Double == 2)
    }
}
