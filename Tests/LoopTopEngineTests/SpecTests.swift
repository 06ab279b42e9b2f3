import Foundation
@testable import LoopTopEngine
import Testing

@Suite struct SpecTests {
    static let example = """
        # A complete spec
        [arrivals]
        rate = 40
        pattern = "poisson"
        mode = "offloaded"
        burst = 20
        burst_every = 5

        [data]
        input_kb = 64
        passing = "transfer"

        [[workload]]
        name = "thumbnails"
        kernel = "blur"
        width = 64
        ms = 2
        weight = 2

        [[workload]]
        name = "small-sort"
        kernel = "sort"
        elements = 1000
        units = 3

        [[workload]]
        name = "echo"
        command = ["cat"]
        stdin_kb = 4
        weight = 0.5
        """

    @Test func aCompleteSpecLoads() throws {
        let spec = try WorkloadSpec.parse(Self.example, name: "load.toml")
        #expect(spec.workloads.map(\.name) == ["thumbnails", "small-sort", "echo"])
        #expect(spec.mix.map(\.weight) == [2, 1, 0.5])
        #expect(spec.mix[0].jobMs == 2)
        #expect(spec.mix[1].units == 3 && spec.mix[1].jobMs == nil)
        #expect(spec.rate == 40 && spec.pattern == .poisson && spec.mode == .offloaded)
        #expect(spec.burst == 20 && spec.burstEvery == 5)
        #expect(spec.inputKB == 64 && spec.passing == .transfer)
        #expect((spec.workloads[2] as? CommandWorkload)?.arguments == ["cat"])
        #expect((spec.workloads[0] as? RenamedWorkload)?.base is BlurWorkload)
    }

    /// Each kind of mistake: one line naming the file, the line, what was expected.
    @Test(arguments: [
        ("[[workload]]\nname = \"a\"\nkernel = \"primez\"\n", 3, "unknown kernel 'primez'"),
        ("[[workload]]\nname = \"a\"\nkernel = \"sort\"\nms = \"fast\"\n", 4, "'ms' must be a number, not a string"),
        ("[arrivals]\nrate = -5\n[[workload]]\nname = \"a\"\nkernel = \"spin\"\n", 2, "'rate' must be between 0 and 100000, got -5"),
        ("[[workload]]\nname = \"a\"\nkernel = \"spin\"\nspeed = 3\n", 4, "unknown key 'speed' in workload 'a'"),
        ("[[workload]]\nname = \"a\"\nkernel = \"spin\"\n\n[[workload]]\nname = \"a\"\nkernel = \"sort\"\n", 6, "used twice"),
        ("[[workload]]\nkernel = \"spin\"\n", 1, "needs a name"),
        ("[[workload]]\nname = \"a\"\n", 1, "needs a kernel"),
        ("[[workload]]\nname = \"a\"\nkernel = \"spin\"\nms = 5\nunits = 3\n", 5, "both ms and units"),
        ("[arivals]\nrate = 5\n", 1, "unknown key 'arivals'"),
        ("[[workload]]\nname = \"a\"\nkernel = \"sort\"\nelements = 1\n", 4, "'elements' must be between 2"),
        ("[arrivals]\npattern = \"bursty\"\n[[workload]]\nname = \"a\"\nkernel = \"spin\"\n", 2, "'pattern' must be one of \"constant\", \"poisson\""),
        ("[[workload]]\nname = \"a\"\ncommand = []\n", 3, "command must name a program"),
        ("[[workload]]\nname = \"a\"\nkernel = \"spin\"\nweight = true\n", 4, "'weight' must be a number"),
        ("[arrivals]\nrate = 40\nrate = 50\n", 3, "not valid TOML"),
        ("[[workload]\nname = \"a\"\n", 1, "not valid TOML"),
        ("rate = 5\n[[workload]]\nname = \"a\"\nkernel = \"spin\"\n", 1, "unknown key 'rate'"),
        ("", 0, "no workloads"),
        ("[arrivals]\nburst = 10\n[[workload]]\nname = \"a\"\nkernel = \"spin\"\n", 2, "'burst' needs 'burst_every'"),
        ("[arrivals]\nburst = 10\nburst_every = 0\n[[workload]]\nname = \"a\"\nkernel = \"spin\"\n", 3, "'burst_every' must be between"),
    ] as [(String, Int, String)])
    func mistakesNameTheirLine(text: String, line: Int, expected: String) {
        do {
            _ = try WorkloadSpec.parse(text, name: "bad.toml")
            Issue.record("accepted a bad spec:\n\(text)")
        } catch let error as ConfigError {
            #expect(error.file == "bad.toml")
            if line > 0 { #expect(error.line == line, "\(error)") }
            #expect(error.message.contains(expected), "\(error)")
            #expect(!error.description.contains("\n"))
        } catch {
            Issue.record("not a ConfigError: \(error)")
        }
    }

    @Test func scheduledBurstsArrive() throws {
        let spec = try WorkloadSpec.parse("""
            [arrivals]
            rate = 0
            burst = 5
            burst_every = 0.1
            [[workload]]
            name = "tiny"
            kernel = "sort"
            elements = 100
            units = 1
            """, name: "bursts.toml")
        let engine = Engine.forTest(workers: 2)
        engine.apply(spec)
        engine.start()
        defer { engine.stop() }
        #expect(eventually { engine.tick().jobs.submitted >= 15 })
        engine.send(.pause)
        usleep(50_000)
        let held = engine.tick().jobs.submitted
        #expect(held % 5 == 0)  // whole bursts only
        usleep(300_000)
        #expect(engine.tick().jobs.submitted == held)  // paused with the arrivals
    }

    @Test func aMissingFileIsAClearError() {
        #expect(throws: ConfigError.self) { try WorkloadSpec.load(path: "/no/such/spec.toml") }
    }

    @Test func anEngineRunsTheMix() throws {
        let spec = try WorkloadSpec.parse("""
            [arrivals]
            rate = 0
            [[workload]]
            name = "tiny-sort"
            kernel = "sort"
            elements = 100
            units = 1
            [[workload]]
            name = "tiny-json"
            kernel = "json"
            records = 2
            units = 1
            """, name: "mix.toml")
        let engine = Engine.forTest(workers: 2)
        engine.apply(spec)
        #expect(engine.catalog.names.contains("tiny-sort"))
        #expect(engine.settings.mix.count == 2)
        engine.start()
        defer { engine.stop() }
        engine.send(.burst(60))
        #expect(eventually { engine.tick().jobs.completed == 60 })
        let ran = Set(engine.tick(detailFor: 1).workers.flatMap { $0.recentJobs.map(\.workload) })
            .union(engine.tick(detailFor: 2).workers.flatMap { $0.recentJobs.map(\.workload) })
        #expect(ran == ["tiny-sort", "tiny-json"])
    }
}
