import Testing
@testable import LoopTopEngine

/// The pure step of `looptop attach` (issue 16), fed made-up readings.
@Suite struct ProcessWatchTests {
    static let second: UInt64 = 1_000_000_000

    static func task(_ tid: Int32, _ name: String, state: Character = "R", onCPU: UInt64, wait: UInt64?,
                     voluntary: UInt64 = 0, involuntary: UInt64 = 0) -> TaskReading {
        TaskReading(tid: tid, name: name, state: state, utimeTicks: onCPU / 10_000_000, stimeTicks: 0,
                    onCPUNanos: wait == nil ? nil : onCPU, runqueueWaitNanos: wait,
                    timeslices: wait == nil ? nil : 1, voluntarySwitches: voluntary, involuntarySwitches: involuntary)
    }

    static func reading(at seconds: UInt64, _ tasks: [TaskReading], cores: Int = 2, exited: Bool = false,
                        cpuTicks: UInt64 = 0) -> ProcessReading {
        ProcessReading(pid: 100, time: seconds * second,
                       process: ProcTasks.ProcessStat(state: exited ? "Z" : "R", utimeTicks: cpuTicks, stimeTicks: 0,
                                                      threads: tasks.count, startTicks: 5),
                       cores: cores, tasks: tasks)
    }

    @Test func fiveRunnableThreadsOnTwoCoresWaitSixtyPercent() throws {
        var watch = ProcessWatch(pid: 100, command: "demo")
        let tids: [Int32] = [101, 102, 103, 104, 105]
        watch.step(Self.reading(at: 1, tids.map { Self.task($0, "w\($0)", onCPU: 0, wait: 0) }))
        // Over 1 s each got 0.4 s on a CPU and waited 0.6 s for one; 2 involuntary switches.
        let s = watch.step(Self.reading(at: 2, tids.map {
            Self.task($0, "w\($0)", onCPU: 400_000_000, wait: 600_000_000, voluntary: 1, involuntary: 2)
        }, cpuTicks: 200))
        let process = try #require(s.process)
        #expect(process.runnableThreads == 5)
        #expect(abs(process.cpuCores - 2.0) < 1e-9)
        #expect(abs(process.runnableWait! - 0.6) < 1e-9)
        #expect(abs(process.totalCPUCores - 2.0) < 1e-9)
        #expect(s.warnings.map(\.message).contains("5 runnable threads on 2 cores: each waits 60 % of the time for a CPU"))
        #expect(s.warnings.first { $0.rule == "oversubscribed" }?.severity == .critical)
        #expect(s.warnings.contains { $0.rule == "cores-full" && $0.message == "the process uses 2.00 of its 2 cores" })
        let first = try #require(s.threads.first)
        #expect(abs(first.cpu - 0.4) < 1e-9)
        #expect(first.voluntarySwitchesPerSecond == 1)
        #expect(first.involuntarySwitchesPerSecond == 2)
        #expect(first.activity.count == 2)
        #expect(s.uptimeSeconds == 1)
    }

    @Test func waitingWithoutOversubscriptionBlamesOtherProcesses() {
        var watch = ProcessWatch(pid: 100, command: "demo")
        watch.step(Self.reading(at: 1, [Self.task(101, "a", onCPU: 0, wait: 0)]))
        let s = watch.step(Self.reading(at: 2, [Self.task(101, "a", onCPU: 700_000_000, wait: 300_000_000)]))
        #expect(s.warnings.map(\.rule) == ["cpu-contention"])
        #expect(s.warnings.first?.message
                == "1 runnable thread waits 30 % of the time for a CPU on 2 cores: other processes hold the cores")
    }

    @Test func threadsStartingAndEndingAreEvents() throws {
        var watch = ProcessWatch(pid: 100, command: "demo")
        watch.step(Self.reading(at: 1, [Self.task(100, "main", state: "S", onCPU: 0, wait: 0),
                                        Self.task(101, "old", state: "S", onCPU: 0, wait: 0)]))
        let s = watch.step(Self.reading(at: 2, [Self.task(100, "main", state: "S", onCPU: 0, wait: 0),
                                                Self.task(102, "new", onCPU: 500_000_000, wait: 0)]))
        #expect(s.log.map(\.message) == ["thread 102 new started", "thread 101 old ended"])
        #expect(s.log.map(\.kind) == [.threadStarted, .threadEnded])
        #expect(s.process?.threadsStarted == 1)
        #expect(s.process?.threadsEnded == 1)
        let new = try #require(s.threads.first { $0.tid == 102 })
        #expect(new.startedDuringWatch)
        // Without a start time, a new thread's figures cover the interval.
        #expect(abs(new.cpu - 0.5) < 1e-9)
        #expect(s.threads.map(\.tid) == [100, 102])
    }

    @Test func aNewThreadsFiguresCoverTheTimeItLived() throws {
        var watch = ProcessWatch(pid: 100, command: "demo")
        var r = Self.reading(at: 10, [Self.task(100, "main", onCPU: 0, wait: 0)])
        r.bootNanos = 50 * Self.second
        watch.step(r)
        // Started 0.25 s before the reading (ticks of 10 ms), on a CPU 0.2 s of it.
        var born = Self.task(101, "young", onCPU: 200_000_000, wait: 0)
        born.startTicks = (51 * Self.second - 250_000_000) / (Self.second / ProcTasks.clockTicksPerSecond)
        r = Self.reading(at: 11, [Self.task(100, "main", onCPU: 0, wait: 0), born])
        r.bootNanos = 51 * Self.second
        let s = watch.step(r)
        let young = try #require(s.threads.first { $0.tid == 101 })
        #expect(abs(young.cpu - 0.8) < 0.01)
    }

    @Test func manyThreadsStartingFoldIntoOneEvent() {
        var watch = ProcessWatch(pid: 100, command: "demo")
        watch.step(Self.reading(at: 1, [Self.task(100, "main", onCPU: 0, wait: 0)]))
        let crowd = (0..<500).map { Self.task(Int32(200 + $0), "pool", state: "S", onCPU: 0, wait: 0) }
        let s = watch.step(Self.reading(at: 2, [Self.task(100, "main", onCPU: 0, wait: 0)] + crowd))
        #expect(s.log.map(\.message) == ["500 threads started (pool)"])
        #expect(s.threads.count == 501)
    }

    @Test func missingSchedstatIsSaidOnceAndShowsUnknown() throws {
        var watch = ProcessWatch(pid: 100, command: "demo")
        watch.step(Self.reading(at: 1, [Self.task(101, "a", onCPU: 0, wait: nil)]))
        watch.step(Self.reading(at: 2, [Self.task(101, "a", onCPU: 500_000_000, wait: nil)]))
        let s = watch.step(Self.reading(at: 3, [Self.task(101, "a", onCPU: 1_000_000_000, wait: nil)]))
        #expect(s.log.filter { $0.message.contains("schedstat is missing") }.count == 1)
        #expect(s.process?.schedstatAvailable == false)
        #expect(s.threads.first?.runqueueWait == nil)
        #expect(s.process?.runnableWait == nil)
        // utime ticks stand in for schedstat's ns on a CPU.
        #expect(abs((s.threads.first?.cpu ?? 0) - 0.5) < 0.02)
    }

    @Test func exitingEndsTheWatchAndKeepsTheLastFrame() {
        var watch = ProcessWatch(pid: 100, command: "demo")
        watch.step(Self.reading(at: 1, [Self.task(100, "main", onCPU: 0, wait: 0)]))
        let live = watch.step(Self.reading(at: 2, [Self.task(100, "main", onCPU: 1, wait: 0)]))
        let gone = watch.step(ProcessReading(pid: 100, time: 3 * Self.second, process: nil, cores: nil, tasks: []))
        #expect(watch.hasEnded)
        #expect(gone.threads == live.threads)
        #expect(gone.process?.ended == "process 100 exited after 2.0 s of watch")
        #expect(gone.log.last?.message == "process 100 exited after 2.0 s of watch")
        #expect(watch.step(Self.reading(at: 4, [])) == gone)
    }

    @Test func aZombieLeaderWithLiveThreadsIsStillAlive() {
        var watch = ProcessWatch(pid: 100, command: "demo")
        let s = watch.step(Self.reading(at: 1, [Self.task(100, "main", state: "Z", onCPU: 0, wait: 0),
                                                Self.task(101, "still", state: "S", onCPU: 0, wait: 0)],
                                        exited: true))
        #expect(!watch.hasEnded)
        #expect(s.threads.count == 2)
        #expect(watch.step(Self.reading(at: 2, [Self.task(100, "main", state: "Z", onCPU: 0, wait: 0)],
                                        exited: true)).process?.ended != nil)
    }

    @Test func aReusedPidIsAnotherProcess() {
        var watch = ProcessWatch(pid: 100, command: "demo")
        watch.step(Self.reading(at: 1, [Self.task(100, "main", onCPU: 0, wait: 0)]))
        var other = Self.reading(at: 2, [Self.task(100, "other", onCPU: 0, wait: 0)])
        other.process?.startTicks = 999
        #expect(watch.step(other).process?.ended != nil)
    }

    @Test func processStatParses() throws {
        let stat = "42 (my (odd) prog) S 1 42 42 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 7 0 12345 0 0"
        let p = try #require(ProcTasks.parseProcessStat(stat))
        #expect(p.state == "S")
        #expect(p.utimeTicks == 250)
        #expect(p.stimeTicks == 30)
        #expect(p.threads == 7)
        #expect(p.startTicks == 12345)
        #expect(!p.hasExited)
        #expect(ProcTasks.parseProcessStat("42 (x) Z 1") == nil)
    }
}
