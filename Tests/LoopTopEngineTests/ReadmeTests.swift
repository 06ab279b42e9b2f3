import Foundation
import LoopTopEngine
import Testing

/// The README's examples are real: its library example is this file's code,
/// and its spec examples parse.
@Suite struct ReadmeTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    static var readme: String { (try? String(contentsOf: root.appendingPathComponent("README.md"), encoding: .utf8)) ?? "" }

    @Test func libraryExampleRuns() {
        // README-EXAMPLE-BEGIN
        // A workload written as a Swift closure: each unit computes fib(24).
        @Sendable func fib(_ n: Int) -> Int { n < 2 ? n : fib(n - 1) + fib(n - 2) }

        var catalog = WorkloadCatalog.calibrated()
        catalog.register(ClosureWorkload(name: "fib") { context, units in
            for _ in 0..<units {
                try context.checkpoint()  // lets terminate cancel the job here
                guard fib(24) == 46_368 else { throw WorkloadError("fib(24) is wrong") }
            }
        })

        var settings = EngineSettings()
        settings.workload = "fib"
        settings.jobMs = 5      // sized through the calibration of "fib"
        settings.rate = 0       // no steady arrivals: we fire a burst
        let engine = Engine(configuration: .init(workers: 2, settings: settings, catalog: catalog))
        engine.start()
        engine.send(.burst(10))
        // Wait for the burst, but not for ever: a regression fails below instead of hanging.
        let deadline = ContinuousClock.now + .seconds(60)
        while engine.tick().jobs.completed < 10, ContinuousClock.now < deadline { usleep(10_000) }
        let snapshot = engine.tick()
        print("completed \(snapshot.jobs.completed), lag p99 \(snapshot.loop.lag.p99) ms")
        engine.stop()
        // README-EXAMPLE-END
        #expect(snapshot.jobs.completed == 10)
        #expect(snapshot.jobs.isConserved)
    }

    @Test func readmeShowsTheSameLibraryCode() throws {
        let source = try String(contentsOfFile: #filePath, encoding: .utf8)
        let begin = try #require(source.range(of: "// README-EXAMPLE-BEGIN\n"))
        let end = try #require(source.range(of: "        // README-EXAMPLE-END"))
        let body = source[begin.upperBound..<end.lowerBound]
            .split(separator: "\n", omittingEmptySubsequences: false)
            .map { $0.hasPrefix("        ") ? String($0.dropFirst(8)) : String($0) }
            .joined(separator: "\n")
        #expect(Self.readme.contains(body), "README's library example differs from ReadmeTests.libraryExampleRuns")
    }

    @Test func readmeSpecExamplesParse() throws {
        let blocks = Self.readme.components(separatedBy: "```toml\n").dropFirst().map { $0.components(separatedBy: "```")[0] }
        #expect(blocks.count >= 3)
        for (index, block) in blocks.enumerated() {
            #expect(throws: Never.self, "README toml block \(index)") { _ = try WorkloadSpec.parse(block, name: "README block \(index)") }
        }
    }
}
