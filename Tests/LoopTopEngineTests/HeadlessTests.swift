import Foundation
@testable import LoopTopEngine
import Testing

@Suite struct HeadlessTests {
    @Test func linesCarryTheStableKeysAndConserve() throws {
        let engine = Engine.forTest(workers: 2, jobMs: 2, rate: 100)
        var lines: [String] = []
        let runner = HeadlessRunner(interval: 0.2, duration: 1)
        runner.run(engine: engine, write: { lines.append($0) }, wait: { deadline in
            while monotonicNow() < deadline { usleep(1_000) }
            return true
        })
        engine.stop()
        #expect(lines.count >= 4)
        for (index, line) in lines.enumerated() {
            let object = try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            for key in ["mode", "workers", "lag_ms", "loop_utilization", "requests", "jobs"] {
                #expect(object[key] != nil, "line \(index) lacks \(key)")
            }
            let lag = try #require(object["lag_ms"] as? [String: Double])
            #expect(Set(lag.keys) == ["p50", "p99", "max"])
            let requests = try #require(object["requests"] as? [String: Any])
            #expect(requests["completed"] is Int)
            #expect((requests["latency_ms"] as? [String: Double]).map { Set($0.keys) } == ["p50", "p99", "max"])
            let jobs = try #require(object["jobs"] as? [String: Int])
            let parts = ["queued", "running", "completed", "failed", "cancelled", "rejected"].map { jobs[$0] ?? -1 }
            #expect(jobs["submitted"] == parts.reduce(0, +), "line \(index): \(jobs)")
            let utilization = try #require(object["loop_utilization"] as? Double)
            #expect((0...1).contains(utilization))
        }
        let summary = try #require(JSONSerialization.jsonObject(with: Data(lines.last!.utf8)) as? [String: Any])
        #expect(summary["summary"] as? Bool == true)
        #expect(lines.dropLast().allSatisfy { !$0.contains("\"summary\"") })
        let jobs = try #require(summary["jobs"] as? [String: Int])
        #expect((jobs["completed"] ?? 0) > 0)
    }

    @Test func anEarlyStopStillWritesTheSummary() {
        let engine = Engine.forTest()
        var lines: [String] = []
        HeadlessRunner(interval: 1, duration: nil).run(engine: engine, write: { lines.append($0) }, wait: { _ in false })
        engine.stop()
        #expect(lines.last?.contains("\"summary\":true") == true)
    }
}
