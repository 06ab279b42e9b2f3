import Testing
import LoopTopTUI
import LoopTopEngine

/// The attach dashboard (issue 16) drawn from snapshots the pure step made
/// from hand-built readings, on the memory screen.
struct ProcessViewTests {
    static let second: UInt64 = 1_000_000_000

    static func task(_ tid: Int32, _ name: String, state: Character = "R", onCPU: UInt64, wait: UInt64,
                     involuntary: UInt64 = 0) -> TaskReading {
        TaskReading(tid: tid, name: name, state: state, utimeTicks: onCPU / 10_000_000, stimeTicks: 0,
                    onCPUNanos: onCPU, runqueueWaitNanos: wait, timeslices: 10, voluntarySwitches: 0,
                    involuntarySwitches: involuntary)
    }

    static func reading(at s: UInt64, _ tasks: [TaskReading]) -> ProcessReading {
        ProcessReading(pid: 4242, time: s * second,
                       process: ProcTasks.ProcessStat(state: "R", utimeTicks: 0, stimeTicks: 0, threads: tasks.count,
                                                      startTicks: 1),
                       cores: 2, tasks: tasks)
    }

    /// Four spinners sharing two cores (unevenly), a sleeper, the main thread.
    static func watch() -> ProcessWatch {
        var watch = ProcessWatch(pid: 4242, command: "./demo --spin 4")
        let zero = [task(4242, "main", state: "S", onCPU: 0, wait: 0), task(4243, "spin-a", onCPU: 0, wait: 0),
                    task(4244, "spin-b", onCPU: 0, wait: 0), task(4245, "spin-c", onCPU: 0, wait: 0),
                    task(4246, "spin-d", onCPU: 0, wait: 0), task(4247, "nap", state: "S", onCPU: 0, wait: 0)]
        watch.step(reading(at: 1, zero))
        watch.step(reading(at: 2, [
            task(4242, "main", state: "S", onCPU: 0, wait: 0),
            task(4243, "spin-a", onCPU: 400_000_000, wait: 600_000_000, involuntary: 90),
            task(4244, "spin-b", onCPU: 600_000_000, wait: 400_000_000, involuntary: 80),
            task(4245, "spin-c", onCPU: 450_000_000, wait: 550_000_000, involuntary: 85),
            task(4246, "spin-d", onCPU: 550_000_000, wait: 450_000_000, involuntary: 70),
            task(4247, "nap", state: "S", onCPU: 0, wait: 0),
        ]))
        return watch
    }

    func render(_ frame: ProcessFrame, rows: Int = 30, cols: Int = 100) -> MemoryScreen {
        let screen = MemoryScreen(rows: rows, cols: cols)
        ProcessView.render(frame, on: screen)
        return screen
    }

    /// Names in the threads table, top to bottom.
    func names(_ screen: MemoryScreen) -> [String] {
        let known = ["main", "spin-a", "spin-b", "spin-c", "spin-d", "nap"]
        return screen.lines.compactMap { line in
            line.split(separator: " ").map(String.init).first { known.contains($0) }
        }
    }

    @Test func mainViewShowsTheProcessItsThreadsByCPUAndTheWarning() {
        let screen = render(ProcessFrame(snapshot: Self.watch().last))
        let text = screen.text
        #expect(text.contains("ATTACH"))
        #expect(text.contains("pid 4242"))
        #expect(text.contains("./demo --spin 4"))
        #expect(text.contains("CPU 2.00 of 2 cores"))
        #expect(text.contains("runnable 4 waiting 50% for a CPU"))
        #expect(text.contains("4 runnable threads on 2 cores: each waits 50 % of the time for a CPU"))
        #expect(text.contains("TID") && text.contains("WAIT") && text.contains("ICSW/s"))
        // Sorted by CPU, highest first; ties by tid.
        #expect(names(screen) == ["spin-b", "spin-d", "spin-c", "spin-a", "main", "nap"])
        let row = screen.lines.first { $0.contains("spin-b") } ?? ""
        #expect(row.contains("0.60") && row.contains("40%") && row.contains("80"))
        #expect(row.contains("running"))
        #expect(screen.lines.first { $0.contains(" nap ") }?.contains("sleeping") == true)
    }

    @Test func sKeyChangesTheSortAndEnterOpensTheDetail() throws {
        let snapshot = Self.watch().last
        var state = ProcessUIState()
        let threads = { ProcessUIState.sorted(snapshot.threads, by: state.sort) }
        _ = state.apply(.character("s"), threads: threads(), visibleRows: 10, pid: 4242)
        #expect(state.sort == .wait)
        #expect(names(render(ProcessFrame(snapshot: snapshot, state: state))).first == "spin-a")
        _ = state.apply(.character("s"), threads: threads(), visibleRows: 10, pid: 4242)
        _ = state.apply(.character("s"), threads: threads(), visibleRows: 10, pid: 4242)
        #expect(state.sort == .tid)
        #expect(names(render(ProcessFrame(snapshot: snapshot, state: state))) == ["main", "spin-a", "spin-b", "spin-c", "spin-d", "nap"])

        _ = state.apply(.down, threads: threads(), visibleRows: 10, pid: 4242)
        _ = state.apply(.down, threads: threads(), visibleRows: 10, pid: 4242)
        _ = state.apply(.enter, threads: threads(), visibleRows: 10, pid: 4242)
        #expect(state.detailTID == 4243)
        let detail = render(ProcessFrame(snapshot: snapshot, state: state)).text
        #expect(detail.contains("Thread 4243 spin-a"))
        #expect(detail.contains("waiting for a CPU 60%"))
        #expect(detail.contains("cat /proc/4242/task/4243/schedstat"))
        _ = state.apply(.escape, threads: threads(), visibleRows: 10, pid: 4242)
        #expect(state.detailTID == nil)
    }

    @Test func steeringKeysGetAReadOnlyNotice() {
        var state = ProcessUIState()
        let notice = state.apply(.character("+"), threads: [], visibleRows: 10, pid: 4242)
        #expect(notice?.message == "attach: read-only (watching pid 4242); + does nothing here")
        #expect(state.apply(.character("q"), threads: [], visibleRows: 10, pid: 4242) == nil)
        #expect(state.quitRequested)
    }

    @Test func anExitedProcessKeepsItsLastFrameWithANotice() {
        var watch = Self.watch()
        watch.step(ProcessReading(pid: 4242, time: 3 * Self.second, process: nil, cores: nil, tasks: []))
        let text = render(ProcessFrame(snapshot: watch.last)).text
        #expect(text.contains("EXITED"))
        #expect(text.contains("process 4242 exited after 2.0 s of watch"))
        #expect(text.contains("spin-b"), "the last frame's threads stay")
    }

    @Test func helpSaysWhatEachFigureIs() {
        var state = ProcessUIState()
        state.helpVisible = true
        let text = render(ProcessFrame(snapshot: Self.watch().last, state: state), rows: 30, cols: 100).text
        #expect(text.contains("share of the interval runnable but waiting for a CPU"))
        #expect(text.contains("sort: CPU → wait → switches → tid → name"))
    }

    @Test func drawsAtEverySizeWithoutTrapping() {
        for (rows, cols) in [(0, 0), (1, 1), (12, 40), (20, 80), (50, 200)] {
            _ = render(ProcessFrame(snapshot: Self.watch().last), rows: rows, cols: cols)
        }
    }
}
