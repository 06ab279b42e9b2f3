import Foundation
@testable import LoopTopEngine
import Testing

/// Issue 17, "what must hold": Poisson arrivals of 10 ms jobs on one worker,
/// 20 s runs at utilization 0.5 and 0.7 (the two run at once: they take a
/// core and a half together). The headless summary's prediction equals the
/// Pollaczek–Khinchine formula computed here from the inputs it reports
/// (within 5 %), and the measured mean wait (within 35 %). Above
/// utilization 1 the model says unstable, with a null prediction.
@Suite struct QueueingRunTests {
    /// A headless run's summary model. With `utilization`, the rate is set
    /// from the service time measured first (2 s at a low rate): on a shared
    /// machine a "10 ms" job can take twice that, and the utilization asked
    /// for is what the formulas are about.
    static func summary(rate: Double = 0, utilization: Double? = nil, seconds: Double) throws -> [String: Any] {
        try line(rate: rate, utilization: utilization, seconds: seconds).model
    }

    /// The summary's model, and the share of their lives the worker and the
    /// loop thread spent runnable but waiting for a CPU (/proc schedstat).
    static func line(rate: Double = 0, utilization: Double? = nil, seconds: Double) throws
        -> (model: [String: Any], workerRunqueue: Double, loopRunqueue: Double) {
        let engine = Engine.forTest(workers: 1, mode: .offloaded, workload: "spin", jobMs: 10, rate: rate, queue: 10_000,
                                    requestRate: 100)
        engine.send(.setArrival(.poisson))
        if let utilization {
            engine.send(.setRate(15))
            engine.start()
            usleep(2_000_000)
            let serviceMs = try #require(engine.tick().queue.model?.serviceMs)
            engine.send(.setRate(utilization * 1000 / max(1, serviceMs)))
            engine.send(.resetStatistics)
        }
        var lines: [String] = []
        HeadlessRunner(interval: seconds, duration: seconds).run(engine: engine, write: { lines.append($0) }, wait: { deadline in
            while monotonicNow() < deadline { usleep(5_000) }
            return true
        })
        engine.stop()
        let last = try #require(lines.last)
        let object = try #require(JSONSerialization.jsonObject(with: Data(last.utf8)) as? [String: Any])
        #expect(object["summary"] as? Bool == true)
        let model = try #require(object["model"] as? [String: Any])
        let worker = (object["worker_list"] as? [[String: Any]])?.first?["runqueue_wait"] as? Double ?? 0
        let loop = (object["loop_thread"] as? [String: Any])?["runqueue_wait"] as? Double ?? 0
        return (model, worker, loop)
    }

    @Test(arguments: [0.5, 0.7])
    func predictionMatchesTheFormulaAndTheMeasurement(utilization: Double) throws {
        let (model, workerRunqueue, loopRunqueue) = try Self.line(utilization: utilization, seconds: 20)
        let lambda = try #require(model["arrival_rate"] as? Double)
        let serviceMs = try #require(model["service_ms"] as? Double)
        let cv = try #require(model["service_cv"] as? Double)
        let measured = try #require(model["measured_wait_ms"] as? Double)
        #expect(model["servers"] as? Int == 1)
        // Pollaczek–Khinchine, M/G/1: Wq = λ E[S²] / (2 (1 − ρ)), E[S²] = S² (1 + cv²).
        // The model's own arithmetic holds whatever the machine did.
        let s = serviceMs / 1000
        let rho = lambda * s
        #expect(abs((model["utilization"] as? Double ?? -1) - rho) < 0.01, "utilization \(model)")
        if rho < 1 {
            let formula = lambda * s * s * (1 + cv * cv) / (2 * (1 - rho)) * 1000
            let predicted = try #require(model["predicted_wait_ms"] as? Double, "\(model)")
            #expect(model["stable"] as? Bool == true, "\(model)")
            #expect(abs(predicted - formula) <= 0.05 * formula, "predicted \(predicted) ms, formula \(formula) ms: \(model)")
        } else {
            #expect(model["stable"] as? Bool == false, "\(model)")
            #expect(model["predicted_wait_ms"] is NSNull, "\(model)")
        }
        // The measurement against the formula needs the machine to have kept
        // its pace. The model takes service times to be independent draws: a
        // spin job varies by well under 10 % on a core of its own; a spread
        // over 0.5 means the machine is taking the core away in stretches, so
        // slow jobs come in runs and queues grow past any M/G/1 figure. The
        // same when the worker waited for a CPU more than 5 % of its life
        // (the server was away), or the loop, which makes the arrivals, more
        // than 8 % (they came late and in bunches; this suite's three runs at
        // once on two cores keep it near 4 %). CI once measured 71.9 ms
        // against 14.4 with a spread of 0.32, every other test beside it; and
        // at load 12 a run's jobs took so much longer than the warm-up's that
        // the queue asked for at 0.5 ran at 0.95.
        let contended = workerRunqueue > 0.05 || loopRunqueue > 0.08 || cv > 0.5
        guard !contended else {
            print("QueueingRunTests: run times spread \(cv), runqueue wait worker \(workerRunqueue) loop \(loopRunqueue), utilization \(rho) (the machine is loaded): measured \(measured) ms not compared")
            return
        }
        // A queue that was loaded and stable: the comparison means something.
        // (Near the utilization asked for only on a quiet machine: the rate
        // comes from a warm-up's service time; CI once measured 0.29 for 0.5.)
        #expect(rho > 0.15 && rho < 0.95, "utilization \(rho)")
        let predicted = try #require(model["predicted_wait_ms"] as? Double, "\(model)")
        #expect(abs(measured - predicted) <= 0.35 * predicted, "measured \(measured) ms, predicted \(predicted) ms: \(model)")
        if abs(rho - utilization) > 0.3 * utilization {
            print("QueueingRunTests: asked utilization \(utilization), ran at \(rho) (the machine's speed changed under the run)")
        }
    }

    @Test func aboveUtilizationOneItSaysUnstable() throws {
        let model = try Self.summary(rate: 150, seconds: 3)
        #expect(model["stable"] as? Bool == false, "\(model)")
        #expect(model["predicted_wait_ms"] is NSNull, "\(model)")
        #expect((model["utilization"] as? Double ?? 0) >= 1, "\(model)")
    }
}
