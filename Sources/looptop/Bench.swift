import ArgumentParser
import Foundation
import LoopTopBench
import LoopTopEngine
import LoopTopMetrics
import LoopTopTUI

struct Bench: ParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Measure looptop against its peers (a bare condition variable, GCD, a Node.js Worker) in one run.",
        discussion: helpText("""
            Each figure is measured several times; the table shows the median, min and max of
            the runs. Ratios compare figures from this same run on this same machine.
            --quick runs a shorter version (under a minute) for smoke tests.
            """))

    @Flag(help: "Print the figures as one JSON object.")
    var json = false

    @Flag(help: "A shorter run (under a minute).")
    var quick = false

    @Option(help: ArgumentHelp("Repetitions of each figure (default 5, or 3 with --quick).", valueName: "n"))
    var runs: Int?

    @Option(help: ArgumentHelp("Only the figures whose group is listed: handoff, tiny, spawn, lag, dashboard, metrics, memory, attach, node (comma-separated; node is not in the default set).", valueName: "groups"))
    var only: String?

    func validate() throws {
        if let only {
            let known: Set<String> = ["handoff", "tiny", "spawn", "lag", "dashboard", "metrics", "memory", "attach", "node"]
            for group in only.split(separator: ",") where !known.contains(String(group)) {
                throw ValidationError("--only: unknown group '\(group)'; expected \(known.sorted().joined(separator: ", "))")
            }
        }
        if let runs, !(1...50).contains(runs) { throw ValidationError("--runs must be between 1 and 50, got \(runs)") }
    }

    func run() throws {
        let reps = runs ?? (quick ? 3 : 5)
        let log: (String) -> Void = { line in if !json { print(line) } else { writeToStderr(line) } }
        let machine = EngineBench.machine()
        let nodeVersion = Peers.nodeVersion()
        log("looptop bench — \(machine.cores) cores, \(machine.model)\(nodeVersion.map { ", node \($0)" } ?? ", node not installed")")
        log("\(reps) runs of each figure\(quick ? " (quick)" : "")")
        log("")
        let needsCatalog = !Set(["handoff", "lag", "dashboard", "metrics", "memory"]).isDisjoint(with: Self.groups(only))
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
            // Recording the same engine (10 frames a second, 64 workers): the
            // recorder's own CPU time over wall time, on the sampler's thread.
            let path = NSTemporaryDirectory() + "looptop-bench-\(getpid()).jsonl"
            var bytesPerMinute: [Double] = []
            // The recorder writes the frames the sampler ticks: an engine with one.
            let recorded = EngineBench.busyEngine(workers: 64, catalog: catalog, ticksItself: true)
            recorded.start()
            Thread.sleep(forTimeInterval: 1)
            measure("dashboard.record_cpu_share") {
                guard let recorder = try? Recorder(path: path) else { return nil }
                recorder.attach(to: recorded)
                Thread.sleep(forTimeInterval: quick ? 2 : 5)
                recorder.finish(recorded)
                // Per frame written, times the 10 a second it is asked for:
                // the sampler beside 64 spinning workers ticks fewer, and
                // CPU over wall would fall with the frames it did not write.
                let frames = max(1, recorder.lines - 1)
                bytesPerMinute.append(Double(recorder.bytes) / Double(frames) * 600)
                return Double(recorder.cpuNanos) / 1e9 / Double(frames) * 10
            }
            if !bytesPerMinute.isEmpty { figures["dashboard.record_bytes_per_min"] = Figure(bytesPerMinute) }
            recorded.stop()
            // The live rewind's memory: 6000 frames (10 minutes) of this 64-worker engine.
            if groups.contains("memory") {
                let frame = engine.snapshot()
                let before = EngineBench.residentMB()
                var timeline = Timeline(limit: 6000)
                for i in 0..<6000 {
                    var s = frame
                    s.time &+= UInt64(i) * 100_000_000
                    s.loop.lagHistory.append(Double(i))
                    for w in s.workers.indices { s.workers[w].activity.append(Double(i % 7) / 7) }
                    timeline.append(s)
                }
                figures["rss.rewind_64"] = Figure([EngineBench.residentMB() - before])
                withExtendedLifetime(timeline) {}
            }
            unlink(path)
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

        // `looptop attach` watching a process of 1,000 sleeping threads.
        if groups.contains("attach") {
            var perThread: [Double] = [], frame: [Double] = []
            measure("attach.cpu_share") {
                guard let r = AttachBench.measure(threads: 1_000, seconds: quick ? 3 : 5) else { return nil }
                perThread.append(r.microsPerThread)
                frame.append(r.frameCPUMs)
                return r.cpuShare
            }
            if !perThread.isEmpty { figures["attach.us_per_thread"] = Figure(perThread) }
            if !frame.isEmpty { figures["attach.frame_cpu_ms"] = Figure(frame) }
        }

        // A Prometheus scrape of --metrics with 64 busy workers: the exporter's thread
        // CPU per scrape and the scrape's wall time over loopback.
        if groups.contains("metrics") {
            var settings = EngineSettings()
            settings.rate = 400
            settings.jobMs = 20
            settings.workload = "spin"
            var configuration = Engine.Configuration(workers: 64, settings: settings, catalog: catalog)
            configuration.keepsDistributions = true
            let engine = Engine(configuration: configuration)
            engine.start()
            Thread.sleep(forTimeInterval: 1)
            var wall: [Double] = [], publish: [Double] = [], bytes: [Double] = [], samples: [Double] = []
            measure("metrics.scrape_cpu_ms") {
                guard let reading = try? MetricsCost.measure(engine: engine, scrapes: quick ? 10 : 30) else { return nil }
                wall.append(reading.scrapeWallMs)
                publish.append(reading.publishMicros)
                bytes.append(Double(reading.bytes))
                samples.append(Double(reading.samples))
                return reading.scrapeCPUMs
            }
            if !wall.isEmpty {
                figures["metrics.scrape_wall_ms"] = Figure(wall)
                figures["metrics.publish_us"] = Figure(publish)
                figures["metrics.bytes"] = Figure(bytes)
                figures["metrics.samples"] = Figure(samples)
            }
            engine.stop()
        }

        // What `looptop node` costs a Node app: CPU time on fixed work, with and
        // without the probe (interleaved pairs), and how long blame pauses it.
        if groups.contains("node"), nodeVersion != nil {
            let pairs = max(8, runs ?? 8)
            log("node: \(pairs) interleaved rounds of a CPU-bound app: plain, with the probe, with the probe and --no-blame…")
            if let cost = NodeBench.cpuCost(pairs: pairs, units: quick ? 1500 : 4000) {
                figures["node.cpu_ratio"] = Figure(cost.ratios)
                figures["node.cpu_ratio_noblame"] = Figure(cost.noBlameRatios)
                figures["node.cpu_ms_with_probe"] = Figure(cost.withProbeCPUms)
                figures["node.cpu_ms_noblame"] = Figure(cost.noBlameCPUms)
                figures["node.cpu_ms_without"] = Figure(cost.withoutProbeCPUms)
                figures["node.stalled_runs"] = Figure([Double(cost.stalledRuns)])
                figures["node.work_ratio"] = Figure(cost.workRatios)
                figures["node.startup_added_ms"] = Figure(cost.startupAddedMs)
                log("node: \(cost.stalledRuns) of \(cost.ratios.count) blame-on runs saw a stall (the machine's load), so looptop paused the app and enabled its debugger there")
            }
            if let pause = NodeBench.pauseCost(stalls: quick ? 4 : 8) {
                if !pause.heldMs.isEmpty { figures["node.pause_gap_ms"] = Figure(pause.heldMs) }
                if !pause.baselineMs.isEmpty { figures["node.pause_gap_noblame_ms"] = Figure(pause.baselineMs) }
                if !pause.latencyMs.isEmpty { figures["node.pause_latency_ms"] = Figure(pause.latencyMs) }
                log("node: \(pause.blamed) of \(pause.stalls) stalls blamed on their function")
            }
        }

        if json {
            print(Self.json(figures, machine: machine, node: nodeVersion, runs: reps, quick: quick))
        } else {
            Self.table(figures, nodeInstalled: nodeVersion != nil)
        }
    }

    static func groups(_ only: String?) -> Set<String> {
        Set((only ?? "handoff,tiny,spawn,lag,dashboard,metrics,memory,attach").split(separator: ",").map(String.init))
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
        ("dashboard.snapshot_cpu_ms", "dashboard: of which ticking the engine's snapshot", "ms"),
        ("dashboard.cpu_share_1000", "dashboard at 10 fps, 1,000 workers: CPU share of a core", ""),
        ("dashboard.frame_cpu_ms_1000", "dashboard, 1,000 workers: CPU per frame", "ms"),
        ("dashboard.record_cpu_share", "--record, 64 busy workers, 10 frames/s: CPU share of a core", ""),
        ("dashboard.record_bytes_per_min", "--record, 64 busy workers: bytes a minute", ""),
        ("attach.cpu_share", "attach, 1,000 sleeping threads read once a second: CPU share", ""),
        ("attach.us_per_thread", "attach: CPU per thread read (stat, status, schedstat)", "µs"),
        ("attach.frame_cpu_ms", "attach dashboard: CPU per frame with 1,000 threads", "ms"),
        ("metrics.scrape_cpu_ms", "metrics scrape, 64 busy workers: exporter thread CPU per scrape", "ms"),
        ("metrics.scrape_wall_ms", "metrics scrape: wall time, connect to last byte (loopback)", "ms"),
        ("metrics.publish_us", "metrics: publishing a snapshot to the exporter (UI thread)", "µs"),
        ("metrics.bytes", "metrics: exposition size", "bytes"),
        ("metrics.samples", "metrics: sample lines in the exposition", ""),
        ("node.cpu_ratio", "node app CPU time: with the probe / without (fixed work)", ""),
        ("node.cpu_ratio_noblame", "node app CPU time: probe with --no-blame / without", ""),
        ("node.work_ratio", "node app CPU after its first line: with the probe / without", ""),
        ("node.startup_added_ms", "node app CPU before its first line: added by the probe", "ms"),
        ("node.cpu_ms_with_probe", "node app CPU time with the probe (blame on)", "ms"),
        ("node.cpu_ms_noblame", "node app CPU time with the probe, --no-blame", "ms"),
        ("node.cpu_ms_without", "node app CPU time without it", "ms"),
        ("node.pause_gap_ms", "node blame: longest gap the blocked app saw in a stall", "ms"),
        ("node.pause_gap_noblame_ms", "node, blame off: the same gap (noise alone)", "ms"),
        ("node.pause_latency_ms", "node blame: Debugger.pause sent → paused received", "ms"),
        ("rss.idle", "resident memory: idle, 4 workers", "MB"),
        ("rss.workers_64", "resident memory: 64 busy workers", "MB"),
        ("rss.rewind_64", "live rewind: 6000 frames (10 min) of 64 workers", "MB"),
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
        if let d = figures["dashboard.record_cpu_share"]?.median { print(String(format: "recording: %.2f %% of a core (target < 0.5 %%)", d * 100)) }
        if let a = figures["attach.cpu_share"]?.median { print(String(format: "attach: %.2f %% of a core watching 1,000 threads", a * 100)) }
        if let r = figures["node.cpu_ratio"] {
            print(String(format: "node probe: %+.1f %% CPU time (median of rounds; spread %+.1f … %+.1f %%; target ≤ +3 %%)",
                         (r.median - 1) * 100, (r.min - 1) * 100, (r.max - 1) * 100)
                  + (figures["node.cpu_ratio_noblame"].map { String(format: "; with --no-blame %+.1f %% in the same rounds", ($0.median - 1) * 100) } ?? ""))
        }
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
            "record_cpu_share": m("dashboard.record_cpu_share"),
            "record_bytes_per_min": m("dashboard.record_bytes_per_min"),
            "rss_mb": ["idle": m("rss.idle"), "workers_64": m("rss.workers_64"), "rewind_64": m("rss.rewind_64")],
            "attach_cpu_share": m("attach.cpu_share"),
            "attach_us_per_thread": m("attach.us_per_thread"),
            "attach_frame_cpu_ms": m("attach.frame_cpu_ms"),
            "metrics_scrape": ["cpu_ms": m("metrics.scrape_cpu_ms"), "wall_ms": m("metrics.scrape_wall_ms"),
                               "publish_us": m("metrics.publish_us"), "bytes": m("metrics.bytes"), "samples": m("metrics.samples")],
            "node": ["cpu_ratio": m("node.cpu_ratio"), "cpu_ratio_noblame": m("node.cpu_ratio_noblame"),
                     "stalled_runs": m("node.stalled_runs"), "work_ratio": m("node.work_ratio"),
                     "startup_added_ms": m("node.startup_added_ms"), "pause_gap_ms": m("node.pause_gap_ms"),
                     "pause_gap_noblame_ms": m("node.pause_gap_noblame_ms"), "pause_latency_ms": m("node.pause_latency_ms")],
            "dashboard_cpu_share_1000": m("dashboard.cpu_share_1000"),
            "dashboard_frame_cpu_ms_1000": m("dashboard.frame_cpu_ms_1000"),
            "details": details,
        ]
        guard let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return "{}" }
        return String(decoding: data, as: UTF8.self)
    }
}
