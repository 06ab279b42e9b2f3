import Foundation
@testable import LoopTopEngine
import Testing

/// Issue 17: `looptop compare --headless`, two engines under one load.
@Suite struct CompareTests {
    static func pair(jobMs: Double, rate: Double, left: Mode = .blocking, right: Mode = .offloaded,
                     workers: Int = 4) -> CompareSource {
        CompareSource(left: Engine.forTest(workers: workers, mode: left, workload: "primes", jobMs: jobMs, rate: rate,
                                           requestRate: 200),
                      right: Engine.forTest(workers: workers, mode: right, workload: "primes", jobMs: jobMs, rate: rate,
                                            requestRate: 200))
    }

    static func run(_ source: CompareSource, seconds: Double, interval: Double) -> [String] {
        var lines: [String] = []
        CompareRunner(interval: interval, duration: seconds).run(source: source, write: { lines.append($0) }, wait: { deadline in
            while monotonicNow() < deadline { usleep(2_000) }
            return true
        })
        source.stop()
        return lines
    }

    /// The "what must hold": 150 ms jobs at 4 a second, blocking on
    /// the left holds the loop (lag max ≥ 100 ms), offloaded on the right
    /// keeps it free (lag p99 ≤ 20 ms). Every line's sides carry exactly the
    /// keys of a `run --headless` line, and conserve their jobs.
    @Test func blockingLagsAndOffloadedDoesNot() throws {
        let source = Self.pair(jobMs: 150, rate: 4)
        let lines = Self.run(source, seconds: 4, interval: 1)
        #expect(lines.count >= 4)
        // The keys a run line has, from a run of its own (an engine alone, as
        // `looptop run --headless` plays it). `model` and `job_run_p50_ms` are
        // left out of any line until jobs have finished, `summary` but from the last.
        var runLines: [String] = []
        let alone = Engine.forTest(workers: 4, mode: .offloaded, workload: "primes", jobMs: 150, rate: 4)
        HeadlessRunner(interval: 0.5, duration: 1).run(engine: alone, write: { runLines.append($0) }, wait: { deadline in
            while monotonicNow() < deadline { usleep(2_000) }
            return true
        })
        alone.stop()
        let optional: Set<String> = ["model", "job_run_p50_ms", "summary"]
        let runObject = try #require(JSONSerialization.jsonObject(with: Data(runLines[0].utf8)) as? [String: Any])
        let runKeys = Set(runObject.keys).union(optional)
        for (index, line) in lines.enumerated() {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            let last = index == lines.count - 1
            #expect(Set(object.keys) == (last ? ["left", "right", "summary"] : ["left", "right"]), "line \(index)")
            for side in ["left", "right"] {
                let half = try #require(object[side] as? [String: Any])
                #expect(Set(half.keys).union(optional) == runKeys, "line \(index) \(side)")
                let jobs = try #require(half["jobs"] as? [String: Int])
                let parts = ["queued", "running", "completed", "failed", "cancelled", "rejected"].map { jobs[$0] ?? -1 }
                #expect(jobs["submitted"] == parts.reduce(0, +), "line \(index) \(side): \(jobs)")
            }
            #expect((object["left"] as? [String: Any])?["mode"] as? String == "blocking")
            #expect((object["right"] as? [String: Any])?["mode"] as? String == "offloaded")
        }
        let summary = try JSONDecoder().decode(CompareReport.self, from: Data(lines.last!.utf8))
        #expect(summary.summary == true && summary.left.summary == true && summary.right.summary == true)
        #expect(summary.left.lag_ms.max >= 100, "left (blocking) lag max \(summary.left.lag_ms.max) ms")
        #expect(summary.right.lag_ms.p99 <= 20, "right (offloaded) lag p99 \(summary.right.lag_ms.p99) ms")
        #expect(summary.left.jobs.submitted > 0 && summary.right.jobs.submitted > 0)
    }

    /// Load keys act on both; a mode change is refused in one line.
    @Test func commandsGoToBothButModeStays() {
        let source = Self.pair(jobMs: 10, rate: 0)
        #expect(source.send(.scaleJobSize(by: 2)).accepted)
        #expect(source.send(.setRate(7)).accepted)
        #expect(source.send(.pause).accepted)
        let mode = source.send(.cycleMode)
        #expect(!mode.accepted && mode.message == "compare: each side keeps its mode (--left, --right)")
        for engine in [source.left, source.right] {
            #expect(engine.settings.jobMs == 20 && engine.settings.rate == 7 && engine.settings.paused)
        }
        #expect(source.left.settings.mode == .blocking && source.right.settings.mode == .offloaded)
        #expect(source.info.kind == .compare)
        #expect(source.snapshot().source.kind == .compare)
    }

    /// Both engines run at once and every frame of each conserves its jobs
    /// (no timing: the sanitizer pass runs this one).
    @Test func bothEnginesRunAndConserve() {
        let source = Self.pair(jobMs: 2, rate: 50)
        source.start()
        defer { source.stop() }
        #expect(eventually {
            let (l, r) = source.tick()
            return l.jobs.completed >= 3 && r.jobs.completed >= 3
        })
        source.send(.burst(5))
        for _ in 0..<5 {
            let (l, r) = source.tick()
            #expect(l.jobs.isConserved && r.jobs.isConserved)
            #expect(l.source.kind == .engine && source.snapshot().source.kind == .compare)
        }
    }
}
