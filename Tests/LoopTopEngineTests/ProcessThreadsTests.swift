import Foundation
import Testing
@testable import LoopTopEngine
#if canImport(Glibc)
import Glibc
#endif

/// `looptop attach` watching real processes the tests start (issue 16).
/// Bounds hold on a loaded 2-core machine: a spinning thread is always
/// runnable, so its CPU plus its run-queue wait is about 1 whatever else
/// runs; how that splits depends on the load, so the checks are one-sided.
@Suite(.serialized, .enabled(if: ThreadsHelper.available, ThreadsHelper.skipReason))
struct ProcessThreadsTests {
    /// Two readings `seconds` apart; the second's snapshot.
    func measure(_ source: ProcessThreads, over seconds: Double = 1.5) -> Snapshot {
        source.readNow()
        // A measurement window, not a wait for a condition: rates need time to pass.
        usleep(UInt32(seconds * 1_000_000))
        return source.readNow()
    }

    @Test func everyThreadIsThereWithFiguresThatAddUp() throws {
        let child = try ThreadsHelper.Child(spin: 4, sleep: 1)
        defer { child.kill() }
        let source = try ProcessThreads(pid: child.pid)
        let s = measure(source)
        let names = Set(s.threads.map(\.name))
        #expect(names == ["helper-main", "spin-0", "spin-1", "spin-2", "spin-3", "nap-0"])
        let process = try #require(s.process)
        #expect(process.pid == child.pid)
        #expect(process.command.contains("threads-helper"))
        #expect(process.cores == ProcTasks.allowedCPUs(of: child.pid))
        #expect(process.threadCount == 6)
        // The process's CPU is the sum of its threads', and no more than its cores.
        #expect(abs(process.cpuCores - s.threads.reduce(0) { $0 + $1.cpu }) < 1e-9)
        #expect(process.cpuCores <= Double(process.cores) + 0.05)

        let spinners = s.threads.filter { $0.name.hasPrefix("spin-") }
        for thread in spinners {
            let wait = try #require(thread.runqueueWait, "this machine has schedstats")
            // Always runnable: on a CPU or waiting for one all the time.
            #expect(abs(thread.cpu + wait - 1) < 0.12, "\(thread.name): cpu \(thread.cpu) + wait \(wait)")
            if process.cores <= 2 {
                // 4 spinners on 2 cores get at most half a core each: wait at least about a half.
                #expect(wait > 0.4, "\(thread.name) waits \(wait)")
                #expect(thread.cpu < 0.6)
            }
            #expect(thread.state == "running")
        }
        if process.cores <= 2 {
            #expect(process.runnableThreads == 4)
            let warning = try #require(s.warnings.first { $0.rule == "oversubscribed" })
            #expect(warning.message.hasPrefix("4 runnable threads on \(process.cores) cores: each waits "))
            #expect(warning.message.hasSuffix(" % of the time for a CPU"))
        }

        let sleeper = try #require(s.threads.first { $0.name == "nap-0" })
        #expect(sleeper.state == "sleeping")
        #expect(sleeper.cpu < 0.01)
        #expect((sleeper.runqueueWait ?? 1) < 0.01)
        #expect(sleeper.voluntarySwitchesPerSecond < 1)
    }

    @Test func affinityGivesTheCoresAndTheirShare() throws {
        // Pinned to CPU 0: two spinners share one core.
        let child = try ThreadsHelper.Child(spin: 2, sleep: 0, cpu: 0)
        defer { child.kill() }
        let source = try ProcessThreads(pid: child.pid)
        let s = measure(source)
        let process = try #require(s.process)
        #expect(process.cores == 1)
        #expect(process.cpuCores <= 1.05)
        for thread in s.threads where thread.name.hasPrefix("spin-") {
            #expect(thread.cpu < 0.6)
            #expect((thread.runqueueWait ?? 0) > 0.4, "\(thread.name) waits \(thread.runqueueWait ?? -1)")
            // Time-sliced against its sibling: switched out by the scheduler, often.
            #expect(thread.involuntarySwitchesPerSecond > 10)
        }
        #expect(s.warnings.contains { $0.rule == "oversubscribed" && $0.message.hasPrefix("2 runnable threads on 1 core: ") })
    }

    @Test func aMissingPidIsOneLine() throws {
        // pid_max itself is never a pid.
        let max = Int32(ProcTasks.readSmallFile("/proc/sys/kernel/pid_max")?.filter(\.isNumber) ?? "") ?? 4_194_304
        let problem = try #require(ProcessWatchError.check(pid: max))
        #expect(problem.message == "attach: no process \(max) (/proc/\(max) does not exist)")
        #expect(!problem.message.contains("\n"))
        #expect(ProcessWatchError.check(pid: 0)?.message.contains("not a process id") == true)
        #expect(throws: ProcessWatchError.self) { try ProcessThreads(pid: max) }
    }

    @Test func aProcessThatExitsMidWatchEndsItAndKeepsTheLastFrame() throws {
        let child = try ThreadsHelper.Child(spin: 1, sleep: 2, exitAfterMs: 1_200)
        defer { child.kill() }
        let source = try ProcessThreads(pid: child.pid, readEverySeconds: 0.2)
        source.start()
        defer { source.stop() }
        // Exits as a zombie (not reaped yet): that is an end too.
        #expect(eventually(within: 20) { source.ended != nil })
        let s = source.snapshot()
        #expect(s.process?.ended?.hasPrefix("process \(child.pid) exited after ") == true)
        // The last frame stays: the threads of the last reading before the
        // end (as many as were still there: on a loaded machine a reading
        // can land while the exiting process takes its threads down).
        #expect(!s.threads.isEmpty, "the last frame stays")
        #expect(s.log.last?.message == s.process?.ended)
        child.reap()
        // Later readings change nothing.
        #expect(source.readNow() == s)
    }

    @Test func aReapedProcessEndsTheWatchToo() throws {
        let child = try ThreadsHelper.Child(spin: 0, sleep: 1)
        let source = try ProcessThreads(pid: child.pid)
        source.readNow()
        child.kill()
        let s = source.readNow()
        #expect(s.process?.ended != nil)
        #expect(s.threads.map(\.name).sorted() == ["helper-main", "nap-0"])
    }
}

/// `looptop attach PID --headless` lines, from the runner the command uses.
@Suite(.serialized, .enabled(if: ThreadsHelper.available, ThreadsHelper.skipReason))
struct ProcessHeadlessTests {
    static func objects(_ lines: [String]) throws -> [[String: Any]] {
        try lines.map { line in
            try #require(JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any], "not JSON: \(line)")
        }
    }

    /// Sleeps until the monotonic deadline, as the command's signal wait does.
    static func wait(_ deadline: UInt64) -> Bool {
        while monotonicNow() < deadline { usleep(5_000) }
        return true
    }

    @Test func linesCarryEveryKeyAndASummaryEnds() throws {
        let child = try ThreadsHelper.Child(spin: 1, sleep: 1)
        defer { child.kill() }
        let source = try ProcessThreads(pid: child.pid)
        var lines: [String] = []
        ProcessHeadlessRunner(interval: 0.5, duration: 1.2).run(source: source, write: { lines.append($0) },
                                                               wait: Self.wait)
        let objects = try Self.objects(lines)
        #expect(objects.count >= 3, "interval lines then the summary: \(lines)")
        for object in objects {
            #expect(object["source"] as? String == "process")
            #expect(object["pid"] as? Int == Int(child.pid))
            #expect((object["command"] as? String)?.contains("threads-helper") == true)
            for key in ["cores", "cpu_cores", "threads", "runnable_threads", "warnings", "events"] {
                #expect(object[key] != nil, "missing \(key)")
            }
            let threads = try #require(object["threads"] as? [[String: Any]])
            #expect(Set(threads.compactMap { $0["name"] as? String }) == ["helper-main", "spin-0", "nap-0"])
            for thread in threads {
                for key in ["tid", "name", "state", "cpu", "runqueue_wait", "voluntary_switches_per_s",
                            "involuntary_switches_per_s"] {
                    #expect(thread[key] != nil, "thread missing \(key)")
                }
            }
        }
        #expect(objects.last?["summary"] as? Bool == true)
        #expect(objects.dropLast().allSatisfy { $0["summary"] == nil })
        let spinner = try #require((objects.last?["threads"] as? [[String: Any]])?.first { $0["name"] as? String == "spin-0" })
        let cpu = try #require(spinner["cpu"] as? Double)
        let wait = try #require(spinner["runqueue_wait"] as? Double)
        #expect(abs(cpu + wait - 1) < 0.12, "a spinner is always runnable: cpu \(cpu) + wait \(wait)")
    }

    @Test func aProcessExitingEndsTheLinesWithOneSayingSo() throws {
        let child = try ThreadsHelper.Child(spin: 0, sleep: 1, exitAfterMs: 700)
        defer { child.kill() }
        let source = try ProcessThreads(pid: child.pid)
        var lines: [String] = []
        ProcessHeadlessRunner(interval: 0.25, duration: 30).run(source: source, write: { lines.append($0) },
                                                               wait: Self.wait)
        let objects = try Self.objects(lines)
        let exited = try #require(objects.first { $0["exited"] as? Bool == true && $0["summary"] == nil })
        #expect((exited["message"] as? String)?.hasPrefix("process \(child.pid) exited after ") == true)
        #expect(objects.last?["summary"] as? Bool == true)
        #expect(objects.last?["exited"] as? Bool == true)
    }
}

/// Issue 16: `looptop attach PID --record FILE`, then `looptop replay FILE
/// --headless`, gives back the lines the live watch printed.
@Suite(.serialized, .enabled(if: ThreadsHelper.available, ThreadsHelper.skipReason))
struct ProcessRecordingTests {
    @Test func aRecordedWatchReplaysToTheLinesItPrinted() throws {
        let child = try ThreadsHelper.Child(spin: 2, sleep: 1)
        defer { child.kill() }
        let source = try ProcessThreads(pid: child.pid, readEverySeconds: 0.2)
        let path = FileManager.default.temporaryDirectory.appendingPathComponent("looptop-attach-\(getpid()).jsonl").path
        defer { unlink(path) }
        let recorder = try Recorder(path: path)
        recorder.begin(process: source)
        source.observeReadings { recorder.record($0) }
        var live: [String] = []
        var waited = 0
        // The headless runner's own loop, at 0.2 s: four interval lines, then the summary.
        ProcessHeadlessRunner(interval: 0.2, duration: 0.8).run(source: source, write: { live.append($0) }, wait: { deadline in
            waited += 1
            let now = monotonicNow()
            if deadline > now { usleep(UInt32((deadline - now) / 1000)) }
            return true
        })
        source.observeReadings(nil)
        recorder.finish()
        #expect(recorder.failure == nil)

        let recording = try RecordingFile.load(path: path)
        #expect(recording.header.source.kind == .process)
        #expect(recording.header.source.pid == child.pid)
        var replayed: [String] = []
        ProcessReplay(interval: 0.2).run(recording) { replayed.append($0) }
        #expect(live.count >= 3)
        #expect(replayed == live, "live:\n\(live.joined(separator: "\n"))\nreplayed:\n\(replayed.joined(separator: "\n"))")

        // Any other interval is rebuilt from the cumulative counters: one
        // line over the whole recording has the summary's thread figures.
        var wide: [String] = []
        ProcessReplay(interval: 60).run(recording) { wide.append($0) }
        let summary = try #require(wide.last)
        #expect(summary.contains("\"summary\":true"))
        #expect(summary.contains("\"name\":\"spin-0\"") && summary.contains("\"name\":\"nap-0\""))
    }

    /// A span's figures are differences of the cumulative counters over its seconds.
    @Test func aSpanIsTheDifferenceOverItsSeconds() {
        var a = Snapshot()
        a.time = 1_000_000_000
        a.process = ProcessFigures(pid: 7, command: "x", cores: 2)
        a.threads = [ThreadSnapshot(tid: 8, name: "w", state: "running", cpu: 0, runqueueWait: 0,
                                    voluntarySwitchesPerSecond: 0, involuntarySwitchesPerSecond: 0, cpuSeconds: 1,
                                    runqueueWaitSeconds: 0.5, voluntarySwitches: 10, involuntarySwitches: 100)]
        var b = a
        b.time = 3_000_000_000
        b.threads[0].cpuSeconds = 2.2
        b.threads[0].runqueueWaitSeconds = 1.1
        b.threads[0].voluntarySwitches = 12
        b.threads[0].involuntarySwitches = 300
        b.threads.append(ThreadSnapshot(tid: 9, name: "new", state: "sleeping", cpu: 0, runqueueWait: 0,
                                        voluntarySwitchesPerSecond: 0, involuntarySwitchesPerSecond: 0,
                                        cpuSeconds: 0.2, runqueueWaitSeconds: 0, voluntarySwitches: 4,
                                        involuntarySwitches: 0, startedDuringWatch: true))
        let s = ProcessReplay.span(from: a, to: b)
        #expect(abs(s.threads[0].cpu - 0.6) < 1e-9)
        #expect(abs((s.threads[0].runqueueWait ?? 0) - 0.3) < 1e-9)
        #expect(s.threads[0].voluntarySwitchesPerSecond == 1)
        #expect(s.threads[0].involuntarySwitchesPerSecond == 100)
        #expect(abs(s.threads[1].cpu - 0.1) < 1e-9)
        #expect(abs((s.process?.cpuCores ?? 0) - 0.7) < 1e-9)
        #expect(s.process?.intervalSeconds == 2)
        #expect(s.process?.runnableThreads == 1)
    }
}
