import Foundation
import Testing
import LoopTopEngine
@testable import LoopTopTUI

/// The dashboard for a watched Node app (issue 15), rendered on the memory screen.
@Suite("Node dashboard")
struct NodeDashboardTests {
    static let ms: UInt64 = 1_000_000

    /// A model fed what a probe would send: two workers, a stall blamed on computeTotals.
    static func model() -> NodeAppModel {
        var model = NodeAppModel(script: "/srv/billing.js", thresholdMs: 50, blame: true, start: 0)
        model.blameReady = true
        func feed(_ json: String, _ t: UInt64) { model.receive(ProbeMessage.parse(Array(json.utf8))!, at: t * ms) }
        feed(#"{"t":"hello","pid":4242,"node":"v20.20.2","heartbeat_ms":10,"interval_ms":1000}"#, 0)
        feed(#"{"t":"worker","id":1,"state":"online"}"#, 100)
        feed(#"{"t":"worker","id":2,"state":"online"}"#, 100)
        feed(#"{"t":"hb"}"#, 3000)
        let generation = model.pauseDue(at: 3100 * ms)!
        model.paused(PauseReading(frames: [StackFrame(function: "computeTotals", file: "/srv/billing.js", line: 5),
                                           StackFrame(function: "handleRequest", file: "/srv/server.js", line: 10)],
                                  pauseLatencyMs: 2, heldMs: 0), generation: generation)
        feed(#"{"t":"hb","late_ms":151}"#, 3161)
        feed(#"{"t":"worker","id":2,"state":"exited","code":3}"#, 4000)
        feed(#"{"t":"fig","p50":1.1,"p99":9.5,"max":151,"elu":0.42,"heap":5000000,"workers":[{"id":1,"elu":0.97}]}"#, 5000)
        model.output("tick 1", stderr: false)
        model.output("tick 2", stderr: false)
        return model
    }

    static func nodeSnapshot() -> NodeSnapshot { model().snapshot(at: 5000 * ms) }

    @Test func showsTheAppItsBlockersAndItsOutput() throws {
        let info = SourceInfo(kind: .node, title: "node billing.js", pid: 4242, version: "v20.20.2")
        let snapshot = NodeSource.snapshot(Self.nodeSnapshot(), info: info, history: [], time: 10_000_000_000, wall: 0)
        let screen = render(Frame(snapshot: snapshot, state: UIState()), rows: 30, cols: 100)
        let text = screen.lines.joined(separator: "\n")
        #expect(screen.lines[0].contains("NODE  billing.js  pid 4242  v20.20.2  workers 1"), "\(screen.lines[0])")
        #expect(screen.find("Top blockers") != nil, "\(text)")
        #expect(screen.find("computeTotals (billing.js:5)") != nil, "\(text)")
        #expect(screen.find("loop blocked 151 ms in computeTotals (billing.js:5) ← handleRequest (server.js:10)") != nil, "\(text)")
        #expect(screen.find("App output") != nil, "\(text)")
        #expect(screen.find("tick 2") != nil, "\(text)")
        #expect(screen.find("Queue") == nil, "the engine's queue panel has no meaning here")
    }

    @Test func aStallInProgressIsAWarningWithWhereItIs() {
        var model = Self.model()
        model.receive(ProbeMessage.parse(Array(#"{"t":"hb"}"#.utf8))!, at: 6000 * Self.ms)
        let generation = model.pauseDue(at: 6100 * Self.ms)!
        model.paused(PauseReading(frames: [StackFrame(function: "parseInvoice", file: "/srv/billing.js", line: 41)],
                                  pauseLatencyMs: 2, heldMs: 0), generation: generation)
        let node = model.snapshot(at: 18_010 * Self.ms)
        let snapshot = NodeSource.snapshot(node, info: SourceInfo(kind: .node, title: "node billing.js"), history: [],
                                           time: 10_000_000_000, wall: 0)
        #expect(snapshot.warnings.first?.message == "loop blocked for 12000 ms so far in parseInvoice (billing.js:41)")
        #expect(snapshot.loop.stallMs == 12_000)
    }

    /// Issue 15: the help of a Node app lists its own figures (ELU, heap, the
    /// probe's delay monitor), not the engine's, and no fault key (its Workers
    /// take only terminate).
    @Test func helpSaysWhatANodeAppsFiguresAre() {
        let info = SourceInfo(kind: .node, title: "node billing.js", pid: 4242, version: "v20.20.2")
        let snapshot = NodeSource.snapshot(Self.nodeSnapshot(), info: info, history: [], time: 10_000_000_000, wall: 0)
        var state = UIState()
        state.helpVisible = true
        var frame = Frame(snapshot: snapshot, state: state)
        frame.capabilities = [.terminateWorker]
        let keys = render(frame, rows: 40, cols: 120).lines.joined(separator: "\n")
        #expect(keys.contains("terminate the selected worker"), "\(keys)")
        #expect(!keys.contains("inject a fault"), "\(keys)")
        frame.state.helpPage = 1
        let figures = render(frame, rows: 40, cols: 120).lines.joined(separator: "\n")
        #expect(figures.contains("monitorEventLoopDelay"), "\(figures)")
        #expect(figures.contains("ELU"), "\(figures)")
        // A Worker's kernel figures are its thread's, not a job's.
        #expect(figures.contains("/proc/PID/task/TID"), "\(figures)")
        #expect(!figures.contains("had a job"), "\(figures)")
    }

    /// A Worker's OS thread: its tid (how to find it in `ps -L`, where Node
    /// names every thread `node`) and the kernel's figures for it.
    @Test func aWorkersThreadShowsItsTidAndKernelFigures() {
        var node = Self.nodeSnapshot()
        node.workers[0].tid = 4343
        node.workers[0].utilization = 0.9
        node.workers[0].sched = TaskRates(cpu: 0.45, runqueueWait: 0.12, voluntarySwitchesPerSecond: 9, involuntarySwitchesPerSecond: 240)
        let info = SourceInfo(kind: .node, title: "node billing.js", pid: 4242, version: "v20.20.2")
        let snapshot = NodeSource.snapshot(node, info: info, history: [], time: 10_000_000_000, wall: 0)
        let screen = render(Frame(snapshot: snapshot, state: UIState()), rows: 30, cols: 120)
        let text = screen.lines.joined(separator: "\n")
        #expect(screen.lines.contains { $0.contains("TID") && $0.contains("CPU/WALL") && $0.contains("WAIT") }, "\(text)")
        // CPU over ELU-busy time: 0.45 / 0.9.
        #expect(screen.lines.contains { $0.range(of: #"\b1\s+4343\s+online\b.*90%\s+0\.50\s+12%"#, options: .regularExpression) != nil }, "\(text)")
        // The other Worker (exited), with no tid told, shows none.
        #expect(screen.lines.contains { $0.range(of: #"\b2\s+—\s+exited\b"#, options: .regularExpression) != nil }, "\(text)")
    }

    /// Issue 15: a Worker's state in the issue's words (online, exited with
    /// its code, error with its message), never the engine's "running".
    @Test func workersShowNodesStateWords() {
        var model = Self.model()
        model.receive(ProbeMessage.parse(Array(#"{"t":"worker","id":3,"state":"online"}"#.utf8))!, at: 5100 * Self.ms)
        model.receive(ProbeMessage.parse(Array(#"{"t":"worker","id":3,"state":"error","message":"ledger broke"}"#.utf8))!, at: 5200 * Self.ms)
        model.receive(ProbeMessage.parse(Array(#"{"t":"worker","id":3,"state":"exited","code":1}"#.utf8))!, at: 5200 * Self.ms)
        let info = SourceInfo(kind: .node, title: "node billing.js", pid: 4242, version: "v20.20.2")
        let snapshot = NodeSource.snapshot(model.snapshot(at: 5300 * Self.ms), info: info, history: [], time: 10_000_000_000, wall: 0)
        let screen = render(Frame(snapshot: snapshot, state: UIState()), rows: 30, cols: 100)
        let text = screen.lines.joined(separator: "\n")
        let row1 = screen.lines.first { $0.contains("│ 1 ") || $0.contains(" 1  online") } ?? ""
        #expect(screen.lines.contains { $0.range(of: #"\b1\s+(—|\d+)\s+online\b"#, options: .regularExpression) != nil }, "\(text)")
        #expect(screen.lines.contains { $0.range(of: #"\b2\s+(—|\d+)\s+exited\s.*code 3"#, options: .regularExpression) != nil }, "\(text)")
        #expect(screen.lines.contains { $0.range(of: #"\b3\s+(—|\d+)\s+error\s.*ledger broke"#, options: .regularExpression) != nil }, "\(text)")
        #expect(!text.contains("running"), "\(row1)\n\(text)")
        #expect(!text.contains("failed"), "\(text)")
    }

    /// `looptop node --record` then `looptop replay`: the recorded frames play
    /// in the node view, with the REPLAY mark, the app's output and blockers
    /// rebuilt from the frames before the one shown.
    @Test func aReplayedNodeRecordingShowsTheNodeView() throws {
        let path = NSTemporaryDirectory() + "looptop-node-replay-\(UUID().uuidString.prefix(8)).jsonl"
        defer { unlink(path) }
        let recorder = try Recorder(path: path)
        let info = SourceInfo(kind: .node, title: "node billing.js", pid: 4242, version: "v20.20.2")
        recorder.begin(node: info, framesPerSecond: 10)
        var model = Self.model()
        for k in 0..<30 {
            let t = UInt64(5000 + 100 * k)
            if k == 20 { model.output("tick 3", stderr: false) }
            recorder.recordFrame(NodeSource.snapshot(model.snapshot(at: t * Self.ms), info: info, history: model.intervalHistory,
                                                     time: t * Self.ms, wall: 0))
        }
        recorder.finish()
        let file = try RecordingFile.load(path: path)
        #expect(file.timeline.count == 30)
        let clock = ManualClock()
        let source = ReplaySource(recording: file, clock: clock)
        source.seek(.toEnd)
        var frame = Frame(snapshot: source.snapshot(detailFor: nil), state: UIState())
        frame.timeMark = TimeMark.replay(source.playback)
        let end = render(frame, rows: 30, cols: 100)
        let text = end.lines.joined(separator: "\n")
        #expect(end.lines[0].contains("NODE"), "\(end.lines[0])")
        #expect(end.lines[0].contains("REPLAY"), "\(end.lines[0])")
        #expect(end.lines[0].contains("pid 4242"), "\(end.lines[0])")
        #expect(end.find("computeTotals (billing.js:5)") != nil, "\(text)")
        #expect(end.find("tick 1") != nil && end.find("tick 3") != nil, "the output is rebuilt from earlier frames: \(text)")
        #expect(end.lines.contains { $0.range(of: #"\b1\s+(—|\d+)\s+online\b"#, options: .regularExpression) != nil }, "\(text)")
        source.seek(.toStart)
        let start = render(Frame(snapshot: source.snapshot(detailFor: nil), state: UIState()), rows: 30, cols: 100)
        #expect(start.find("tick 2") != nil && start.find("tick 3") == nil, "\(start.lines.joined(separator: "\n"))")
    }
}
