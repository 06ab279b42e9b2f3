import Testing
@testable import LoopTopEngine
#if canImport(Glibc)
import Glibc
#endif

@Suite struct ProcTasksTests {
    @Test func parsesStatWithParenthesesAndSpacesInTheName() throws {
        // Field 2 is "(a) b)": the fields start after the last ')'.
        let stat = "4242 (a) b) R 1 4242 4242 0 -1 4194560 100 0 0 0 250 30 0 0 20 0 3 0 1000 0 0"
        let status = "Name:\ta) b\nState:\tR (running)\nvoluntary_ctxt_switches:\t17\nnonvoluntary_ctxt_switches:\t5\n"
        let reading = try #require(ProcTasks.parse(tid: 4242, stat: stat, status: status,
                                                   schedstat: "123456789 987654 42\n"))
        #expect(reading.state == "R")
        #expect(reading.stateName == "running")
        #expect(reading.utimeTicks == 250)
        #expect(reading.stimeTicks == 30)
        #expect(reading.name == "a) b")
        #expect(reading.voluntarySwitches == 17)
        #expect(reading.involuntarySwitches == 5)
        #expect(reading.onCPUNanos == 123_456_789)
        #expect(reading.runqueueWaitNanos == 987_654)
        #expect(reading.timeslices == 42)
    }

    @Test func missingSchedstatLeavesItsFiguresUnknown() throws {
        let stat = "7 (x) S 1 7 7 0 -1 0 0 0 0 0 1 2 0 0 20 0 1 0 5 0 0"
        let reading = try #require(ProcTasks.parse(tid: 7, stat: stat, status: "Name:\tx\n", schedstat: nil))
        #expect(reading.runqueueWaitNanos == nil)
        let later = TaskReading(tid: 7, name: "x", state: "S", utimeTicks: 1, stimeTicks: 2, onCPUNanos: nil,
                                runqueueWaitNanos: nil, timeslices: nil, voluntarySwitches: 10,
                                involuntarySwitches: 0)
        let rates = try #require(TaskRates(from: reading, to: later, seconds: 2))
        #expect(rates.runqueueWait == nil)
        #expect(rates.voluntarySwitchesPerSecond == 5)
    }

    @Test func truncatedStatIsRefused() {
        #expect(ProcTasks.parse(tid: 1, stat: "1 (x) R 1 2", status: "", schedstat: nil) == nil)
        #expect(ProcTasks.parse(tid: 1, stat: "garbage", status: "", schedstat: nil) == nil)
    }

    @Test func ratesComeFromDeltasOverWallTime() throws {
        let a = TaskReading(tid: 9, name: "w", state: "R", utimeTicks: 0, stimeTicks: 0, onCPUNanos: 1_000_000_000,
                            runqueueWaitNanos: 0, timeslices: 0, voluntarySwitches: 0, involuntarySwitches: 0)
        var b = a
        b.onCPUNanos = 1_500_000_000      // +0.5 s on a CPU
        b.runqueueWaitNanos = 250_000_000 // +0.25 s waiting
        b.involuntarySwitches = 100
        let rates = try #require(TaskRates(from: a, to: b, seconds: 1))
        #expect(abs(rates.cpu - 0.5) < 1e-9)
        #expect(abs(rates.runqueueWait! - 0.25) < 1e-9)
        #expect(rates.involuntarySwitchesPerSecond == 100)
        // A reused tid whose counters went backwards gives no figure.
        #expect(TaskRates(from: b, to: a, seconds: 1) == nil)
    }

    @Test func cpuListsCount() {
        #expect(ProcTasks.countCPUList("0-1") == 2)
        #expect(ProcTasks.countCPUList("0-3,6,8-9") == 7)
        #expect(ProcTasks.countCPUList("") == nil)
        #expect(ProcTasks.countCPUList("3-1") == nil)
    }

    @Test func readsThisProcessAgainstTheKernel() throws {
        let pid = ProcTasks.selfPID
        let ids = try #require(ProcTasks.threadIDs(of: pid))
        #expect(ids.contains(pid))       // the main thread's tid is the pid
        let main = try #require(ProcTasks.read(pid: pid, tid: pid))
        #expect(main.tid == pid)
        #expect(!main.name.isEmpty)
        #expect(ProcTasks.allowedCPUs(of: pid).map { $0 >= 1 } == true)
        #expect(ProcTasks.threadIDs(of: -5) == nil)
        #expect(ProcTasks.read(pid: pid, tid: 0x7fff_fff0) == nil)
    }

    /// The byte reader (what the watch uses) reads what the text parser reads
    /// from the same files: for every thread of this process, the fields that
    /// do not move between two reads agree, and the counters only grow.
    @Test func byteReaderAgreesWithTheTextParser() throws {
        let pid = ProcTasks.selfPID
        for tid in try #require(ProcTasks.threadIDs(of: pid)) {
            let base = "/proc/\(pid)/task/\(tid)/"
            guard let stat = ProcTasks.readSmallFile(base + "stat"), let status = ProcTasks.readSmallFile(base + "status"),
                  let text = ProcTasks.parse(tid: tid, stat: stat, status: status, schedstat: ProcTasks.readSmallFile(base + "schedstat")),
                  let bytes = ProcTasks.read(pid: pid, tid: tid) else { continue }  // a thread that ended meanwhile
            #expect(bytes.name == text.name && bytes.startTicks == text.startTicks && bytes.tid == tid)
            #expect(bytes.utimeTicks >= text.utimeTicks && bytes.stimeTicks >= text.stimeTicks)
            #expect(bytes.voluntarySwitches >= text.voluntarySwitches)
            #expect((bytes.onCPUNanos ?? 0) >= (text.onCPUNanos ?? 0) && (bytes.onCPUNanos == nil) == (text.onCPUNanos == nil))
        }
    }

    @Test func oddNumbersAreRefusedNotTrapped() {
        let huge = "1 (x) R " + Array(repeating: "99999999999999999999999", count: 20).joined(separator: " ")
        #expect(ProcTasks.parse(tid: 1, stat: huge, status: "", schedstat: nil) == nil)
        let ok = "1 (x) R " + (4...22).map(String.init).joined(separator: " ")
        let reading = ProcTasks.parse(tid: 1, stat: ok, status: "voluntary_ctxt_switches:\t-3\nnonvoluntary_ctxt_switches: 7 \n",
                                      schedstat: "1 2")
        #expect(reading?.voluntarySwitches == 0 && reading?.involuntarySwitches == 7)
        #expect(reading?.onCPUNanos == nil && reading?.utimeTicks == 14 && reading?.startTicks == 22)
    }
}
