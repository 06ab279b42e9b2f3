import LoopTopEngine
@testable import LoopTopMetrics
import Testing

/// Issue 18 for `looptop attach`: a watched process's figures, per thread, bounded.
@Suite struct ProcessSeriesTests {
    static func thread(_ tid: Int32, _ name: String, cpuSeconds: Double, state: String = "running") -> ThreadSnapshot {
        ThreadSnapshot(tid: tid, name: name, state: state, cpu: 0.5, runqueueWait: 0.25,
                       voluntarySwitchesPerSecond: 1, involuntarySwitchesPerSecond: 2, cpuSeconds: cpuSeconds,
                       runqueueWaitSeconds: cpuSeconds / 2, voluntarySwitches: 3, involuntarySwitches: 4)
    }

    static func snapshot(_ threads: [ThreadSnapshot]) -> Snapshot {
        var s = Snapshot()
        s.process = ProcessFigures(pid: 42, command: "demo --flag", cores: 2, cpuCores: 1.5, threadCount: threads.count,
                                   runnableThreads: 3, runnableWait: 0.4, threadsStarted: 1, threadsEnded: 2)
        s.threads = threads
        return s
    }

    @Test func aProcessExportsItsThreadsAndNoEngineZeros() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot([Self.thread(42, "main", cpuSeconds: 1), Self.thread(43, "spin-0", cpuSeconds: 7)]))
        let e = try SnapshotMetricsTests.exposition(metrics)
        for sample in e.samples {
            let family = e.family(of: sample.name)
            #expect(e.type[family] != nil, "no TYPE for \(family)")
            #expect(!(e.help[family] ?? "").isEmpty, "no HELP for \(family)")
        }
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "43", "name": "spin-0"]) == 7)
        #expect(e.value("looptop_thread_runqueue_wait_seconds_total", ["tid": "43", "name": "spin-0"]) == 3.5)
        #expect(e.value("looptop_thread_context_switches_total", ["tid": "42", "name": "main", "kind": "involuntary"]) == 4)
        #expect(e.value("looptop_thread_cpu_cores", ["tid": "42", "name": "main"]) == 0.5)
        #expect(e.value("looptop_process_cpu_cores") == 1.5)
        #expect(e.value("looptop_process_cores") == 2)
        #expect(e.value("looptop_process_runnable_threads") == 3)
        #expect(e.value("looptop_process_info", ["pid": "42", "command": "demo --flag"]) == 1)
        #expect(e.type["looptop_jobs_total"] == nil, "a process has no jobs")
        #expect(e.type["looptop_loop_lag_seconds"] == nil)
    }

    @Test func threadSeriesAreBoundedAndFollowTheThreads() throws {
        let metrics = SnapshotMetrics(workerCap: 2)
        let busy = Self.thread(10, "busy", cpuSeconds: 9)
        metrics.update(from: Self.snapshot([Self.thread(11, "idle", cpuSeconds: 0.1), busy, Self.thread(12, "mid", cpuSeconds: 3)]))
        var e = try SnapshotMetricsTests.exposition(metrics)
        // The two with the most CPU time are kept; the third is counted.
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "10", "name": "busy"]) == 9)
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "12", "name": "mid"]) == 3)
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "11", "name": "idle"]) == nil)
        #expect(e.value("looptop_thread_series_dropped") == 1)
        // A thread that ended goes; a renamed one comes back under its new name.
        var renamed = Self.thread(12, "worker-3", cpuSeconds: 4)
        renamed.state = "sleeping"
        metrics.update(from: Self.snapshot([busy, renamed, Self.thread(13, "gone", cpuSeconds: 1, state: "zombie")]))
        e = try SnapshotMetricsTests.exposition(metrics)
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "12", "name": "mid"]) == nil)
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "12", "name": "worker-3"]) == 4)
        #expect(e.value("looptop_thread_cpu_seconds_total", ["tid": "13", "name": "gone"]) == nil)
        #expect(e.value("looptop_thread_series_dropped") == 0)
        #expect(metrics.workerSeriesCount == 2)
    }

    @Test func promtoolAcceptsAProcessExposition() throws {
        let metrics = SnapshotMetrics()
        metrics.update(from: Self.snapshot([Self.thread(42, "main", cpuSeconds: 1), Self.thread(43, "spin \"0\"", cpuSeconds: 7)]))
        guard let result = try Promtool.check(metrics.exposition()) else {
            print("promtool is not installed (apt-get install prometheus): promtool check skipped")
            return
        }
        #expect(result.status == 0, "promtool check metrics: \(result.output)")
        #expect(result.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty, "promtool lint: \(result.output)")
    }
}
