import ArgumentParser
import Foundation
import LoopTopBench
import LoopTopEngine
import LoopTopTUI

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure looptop against its peers (a bare condition variable, GCD, a Node.js Worker) in one run.",
        discussion: """
            Each figure is measured several times; the table shows the median, min and max of
            the runs. Ratios compare figures from this same run on this same machine.
            --quick runs a shorter version (under a minute) for smoke tests.
            """)

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    @Flag(help: "A shorter run (under a minute).")
    var quick = false

    @Option(help: ArgumentHelp("Repetitions of each figure (default 5, or 3 with --quick).", valueName: "n"))
    var runs: Int?

    @Option(help: ArgumentHelp("Only the figures whose group is listed: handoff, tiny, spawn, lag, dashboard, memory (comma-separated).", valueName: "groups"))
    var only: String?

    func validate() throws {
        if let only {
            let known: Set<String> = ["handoff", "tiny", "spawn", "lag", "dashboard", "memory"]
            for group in only.split(separator: ",") where !known.contains(String(group)) {
                throw ValidationError("--only: unknown group '\(group)'; expected \(known.sorted().joined(separator: ", "))")
            }
        }
        if let runs, !(1...50).contains(runs) { throw ValidationError("--runs must be between 1 and 50, got \(runs)") }
    }

    func run() throws {
        let reps = runs ?? (quick ? 3 : 5)
        let log: (String) -> Void = { line in if !json { print(line) } else { FileHandle.standardError.write(Data((line + "\n").utf8)) } }
        let machine = EngineBench.machine()
        let nodeVersion = Peers.nodeVersion()
        log("looptop bench — \(machine.cores) cores, \(machine.model)\(nodeVersion.map { ", node \($0)" } ?? ", node not installed")")
        log("\(reps) runs of each figure\(quick ? " (quick)" : "")")
        log("")
        let needsCatalog = !Set(["handoff", "lag", "dashboard", "memory"]).isDisjoint(with: Self.groups(only))
        let catalog = needsCatalog ? WorkloadCatalog.calibrated() : WorkloadCatalog(entries: [], nanosPerSpinIteration: 1)
        var figures: [String: Figure] = [:]

        let groups = Self.groups(only)
        func measure(_ key: String, _ body: () -> Double?) {
            guard groups.contains(Self.group(key)) else { return }
            let values = (0..<reps).compactMap { _ in body() }
            guard !values.isEmpty else { return }
            figures[key] = Figure(values)
        }
        func median(_ samples: [UInt64]) -> Double? {
            guard !samples.isEmpty else { return nil }
            return Double(samples.sorted()[samples.count / 2])
        }

        // Memory first, before other figures leave freed memory in the heap.
        if groups.contains("memory") {
            let memory = EngineBench.memory(catalog: catalog)
            figures["rss.idle"] = Figure([memory.idle])
            figures["rss.workers_64"] = Figure([memory.workers64])
        }

        // Hand-off round trip: the three run in turn within each repetition,
        // so a change in the machine's state (CPUs waking from idle or not)
        // touches all of them alike.
        let rounds = quick ? 1_000 : 5_000
        if groups.contains("handoff") {
            var ours: [Double] = [], condvar: [Double] = [], dispatch: [Double] = []
            for _ in 0..<reps {
                if let v = median(EngineBench.handoff(rounds: rounds, catalog: catalog)) { ours.append(v / 1000) }
                if let v = median(Peers.condvarPingPong(rounds: rounds)) { condvar.append(v / 1000) }
                if let v = median(Peers.dispatchPingPong(rounds: rounds)) { dispatch.append(v / 1000) }
            }
            if !ours.isEmpty { figures["handoff.looptop"] = Figure(ours) }
            if !condvar.isEmpty { figures["handoff.condvar"] = Figure(condvar) }
            if !dispatch.isEmpty { figures["handoff.dispatch"] = Figure(dispatch) }
        }
        let node = groups.contains("handoff") || groups.contains("spawn") ? Peers.node(rounds: quick ? 500 : 2_000, spawns: quick ? 5 : 15) : nil
        if let node {
            figures["handoff.node"] = Figure([node.rttMicros])
            figures["spawn.node"] = Figure([node.spawnMicros])
        }

        // Tiny-job throughput.
        let jobs = quick ? 200_000 : 1_000_000
        measure("tiny.looptop_2") { EngineBench.tinyJobs(jobs: jobs, workers: 2) }
        measure("tiny.looptop_batched") { EngineBench.tinyJobs(jobs: jobs, workers: 2, batch: 256) }
        if machine.cores != 2 { measure("tiny.looptop_cores") { EngineBench.tinyJobs(jobs: jobs, workers: machine.cores) } }
        measure("tiny.condvar_queue") { Peers.condvarQueueThroughput(jobs: jobs, workers: 2) }
        var perform: [Double] = []
        measure("tiny.dispatch") {
            let result = Peers.dispatchThroughput(jobs: jobs)
            perform.append(result.concurrentPerform)
            return result.asyncGroup
        }
        if !perform.isEmpty { figures["tiny.dispatch_concurrent_perform"] = Figure(perform) }

        // Spawn and terminate.
        var joined: [Double] = []
        measure("spawn.looptop") {
            let result = EngineBench.spawnAndTerminate(count: quick ? 20 : 50)
            if let j = median(result.joined) { joined.append(j / 1000) }
            return median(result.ready).map { $0 / 1000 }
        }
        if !joined.isEmpty { figures["terminate.looptop"] = Figure(joined) }

        // Lag probe.
        var lag: [Double: [Double]] = [:]
        var lagError: [Double: [Double]] = [:]
        measure("lag.idle_p99") {
            let reading = EngineBench.lagProbe(idleSeconds: quick ? 1 : 2, jobMs: [10, 50, 200], catalog: catalog)
            for (ms, value) in reading.withJob {
                lag[ms, default: []].append(value)
                if let ran = reading.jobRan[ms] { lagError[ms, default: []].append(value - ran) }
            }
            return reading.idleP99
        }
        for (ms, values) in lag { figures["lag.job_\(Int(ms))"] = Figure(values) }
        for (ms, values) in lagError { figures["lagerr.job_\(Int(ms))"] = Figure(values) }

        // Dashboard cost with 64 busy workers, and memory.
        if groups.contains("dashboard") {
            let engine = EngineBench.busyEngine(workers: 64, catalog: catalog)
            engine.start()
            Thread.sleep(forTimeInterval: 1)
            var frameMs: [Double] = []
            var snapshotMs: [Double] = []
            measure("dashboard.cpu_share") {
                let reading = DashboardCost.measure(engine: engine, fps: 10, seconds: quick ? 2 : 5)
                frameMs.append(reading.frameCPUMs)
                snapshotMs.append(reading.snapshotCPUMs)
                return reading.cpuShare
            }
            if !frameMs.isEmpty { figures["dashboard.frame_cpu_ms"] = Figure(frameMs) }
            if !snapshotMs.isEmpty { figures["dashboard.snapshot_cpu_ms"] = Figure(snapshotMs) }
            engine.stop()

            // 1,000 workers, 40 jobs/s: what is drawn is the same ~20 rows.
            let many = EngineBench.busyEngine(workers: 1_000, rate: 40, catalog: catalog)
            many.start()
            Thread.sleep(forTimeInterval: 2)
            var frame1000: [Double] = []
            measure("dashboard.cpu_share_1000") {
                let reading = DashboardCost.measure(engine: many, fps: 10, seconds: quick ? 2 : 5)
                frame1000.append(reading.frameCPUMs)
                return reading.cpuShare
            }
            if !frame1000.isEmpty { figures["dashboard.frame_cpu_ms_1000"] = Figure(frame1000) }
            many.stop()
        }

        if json {
            print(Self.json(figures, machine: machine, node: nodeVersion, runs: reps, quick: quick))
        } else {
            Self.table(figures, nodeInstalled: nodeVersion != nil)
        }
    }

    static func groups(_ only: String?) -> Set<String> {
        Set((only ?? "handoff,tiny,spawn,lag,dashboard,memory").split(separator: ",").map(String.init))
    }

    static func group(_ key: String) -> String {
        switch key.split(separator: ".").first.map(String.init) ?? key {
        case "terminate": "spawn"
        case "rss": "memory"
        case "lagerr": "lag"
        case let first: first
        }
    }

    struct Figure {
        let median: Double, min: Double, max: Double
        init(_ values: [Double]) {
            let sorted = values.sorted()
            median = sorted[sorted.count / 2]
            min = sorted.first!
            max = sorted.last!
        }
    }

    static let rows: [(key: String, label: String, unit: String)] = [
        ("handoff.looptop", "hand-off round trip: looptop loop → worker → loop", "µs"),
        ("handoff.condvar", "hand-off round trip: bare mutex + condvar ping-pong", "µs"),
        ("handoff.dispatch", "hand-off round trip: Dispatch queue + semaphore", "µs"),
        ("handoff.node", "hand-off round trip: Node.js Worker postMessage", "µs"),
        ("tiny.looptop_2", "tiny jobs: looptop pool, 2 workers", "jobs/s"),
        ("tiny.looptop_batched", "tiny jobs: looptop pool, 2 workers, submitted 256 at a time", "jobs/s"),
        ("tiny.looptop_cores", "tiny jobs: looptop pool, one worker per core", "jobs/s"),
        ("tiny.condvar_queue", "tiny jobs: bare mutex + condvar queue, 2 threads", "jobs/s"),
        ("tiny.dispatch", "tiny jobs: Dispatch global async + group", "jobs/s"),
        ("tiny.dispatch_concurrent_perform", "tiny jobs: Dispatch concurrentPerform", "jobs/s"),
        ("spawn.looptop", "spawn → ready: looptop worker", "µs"),
        ("terminate.looptop", "terminate → joined: looptop idle worker", "µs"),
        ("spawn.node", "spawn → online: Node.js Worker", "µs"),
        ("lag.idle_p99", "lag probe, idle loop: p99", "ms"),
        ("lag.job_10", "lag probe, 10 ms job on the loop: windowed max", "ms"),
        ("lag.job_50", "lag probe, 50 ms job on the loop: windowed max", "ms"),
        ("lag.job_200", "lag probe, 200 ms job on the loop: windowed max", "ms"),
        ("lagerr.job_10", "lag probe reading − the 10 ms job's own run time", "ms"),
        ("lagerr.job_50", "lag probe reading − the 50 ms job's own run time", "ms"),
        ("lagerr.job_200", "lag probe reading − the 200 ms job's own run time", "ms"),
        ("dashboard.cpu_share", "dashboard at 10 fps, 64 busy workers: CPU share of a core", ""),
        ("dashboard.frame_cpu_ms", "dashboard: CPU per frame (snapshot + layout + draw)", "ms"),
        ("dashboard.snapshot_cpu_ms", "dashboard: of which the engine's snapshot", "ms"),
        ("dashboard.cpu_share_1000", "dashboard at 10 fps, 1,000 workers: CPU share of a core", ""),
        ("dashboard.frame_cpu_ms_1000", "dashboard, 1,000 workers: CPU per frame", "ms"),
        ("rss.idle", "resident memory: idle, 4 workers", "MB"),
        ("rss.workers_64", "resident memory: 64 busy workers", "MB"),
    ]

    static func show(_ value: Double) -> String {
        if value >= 100_000 { return String(format: "%.2fM", value / 1e6) }
        if value >= 100 { return String(format: "%.0f", value) }
        if value >= 1 { return String(format: "%.2f", value) }
        return String(format: "%.3f", value)
    }

    static func table(_ figures: [String: Figure], nodeInstalled: Bool) {
        print("FIGURE".padding(toLength: 62, withPad: " ", startingAt: 0) + "    MEDIAN        MIN        MAX")
        for row in rows {
            guard let f = figures[row.key] else {
                if row.key.hasSuffix("node"), !nodeInstalled { print(row.label.padding(toLength: 62, withPad: " ", startingAt: 0) + "   skipped (node not installed)") }
                continue
            }
            let label = (row.label + (row.unit.isEmpty ? "" : " (\(row.unit))")).padding(toLength: 62, withPad: " ", startingAt: 0)
            print(label + [f.median, f.min, f.max].map { show($0).leftPad(10) }.joined(separator: " "))
        }
        print("")
        if let ours = figures["handoff.looptop"]?.median, let cv = figures["handoff.condvar"]?.median {
            print("hand-off: looptop / condvar = \(String(format: "%.2f", ours / cv))x (target ≤ 2x, aim 1.2x)"
                  + (figures["handoff.node"].map { String(format: "; looptop / node = %.2fx (target ≤ 0.5x)", ours / $0.median) } ?? ""))
        }
        if let ours = figures["tiny.looptop_2"]?.median {
            if let d = figures["tiny.dispatch"]?.median { print(String(format: "tiny jobs: looptop / Dispatch = %.2fx (target ≥ 1x)", ours / d)) }
            if let cv = figures["tiny.condvar_queue"]?.median { print(String(format: "tiny jobs: looptop / bare condvar queue = %.2f (aim ≥ 0.5)", ours / cv)) }
        }
        if let ours = figures["spawn.looptop"]?.median {
            print(String(format: "spawn: %.0f µs (target ≤ 100 µs)", ours)
                  + (figures["spawn.node"].map { String(format: "; Node Worker / looptop = %.0fx (target ≥ 100x)", $0.median / ours) } ?? ""))
        }
        if let d = figures["dashboard.cpu_share"]?.median { print(String(format: "dashboard: %.2f %% of a core (target < 2 %%)", d * 100)) }
        if let d = figures["dashboard.cpu_share_1000"]?.median { print(String(format: "dashboard, 1,000 workers: %.2f %% of a core (target ≤ 1.5 %%)", d * 100)) }
    }

    static func json(_ figures: [String: Figure], machine: (cores: Int, model: String), node: String?, runs: Int, quick: Bool) -> String {
        func m(_ key: String) -> Any { figures[key].map { round($0.median) } ?? NSNull() }
        func round(_ v: Double) -> Double { (v * 1000).rounded() / 1000 }
        var details: [String: Any] = [:]
        for (key, f) in figures { details[key] = ["median": round(f.median), "min": round(f.min), "max": round(f.max)] }
        let object: [String: Any] = [
            "machine": ["cores": machine.cores, "model": machine.model, "node": node.map { $0 as Any } ?? NSNull()] as [String: Any],
            "runs": runs,
            "quick": quick,
            "handoff_rtt_us": ["looptop": m("handoff.looptop"), "condvar": m("handoff.condvar"),
                               "dispatch": m("handoff.dispatch"), "node": m("handoff.node")],
            "tiny_jobs_per_s": ["looptop": m("tiny.looptop_2"), "looptop_per_core": figures["tiny.looptop_cores"] != nil ? m("tiny.looptop_cores") : m("tiny.looptop_2"),
                                "dispatch": m("tiny.dispatch"), "dispatch_concurrent_perform": m("tiny.dispatch_concurrent_perform"),
                                "condvar_queue": m("tiny.condvar_queue"), "looptop_batched": m("tiny.looptop_batched")],
            "spawn_us": ["looptop": m("spawn.looptop"), "node": m("spawn.node"), "looptop_terminate_to_joined": m("terminate.looptop")],
            "lag_probe_ms": ["idle_p99": m("lag.idle_p99"), "job_10": m("lag.job_10"), "job_50": m("lag.job_50"), "job_200": m("lag.job_200"),
                             "error_10": m("lagerr.job_10"), "error_50": m("lagerr.job_50"), "error_200": m("lagerr.job_200")],
            "dashboard_cpu_share": m("dashboard.cpu_share"),
            "dashboard_frame_cpu_ms": m("dashboard.frame_cpu_ms"),
            "dashboard_cpu_share_1000": m("dashboard.cpu_share_1000"),
            "dashboard_frame_cpu_ms_1000": m("dashboard.frame_cpu_ms_1000"),
            "rss_mb": ["idle": m("rss.idle"), "workers_64": m("rss.workers_64")],
            "details": details,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
