import Foundation
import Testing
@testable import LoopTopEngine

@Suite("Node source: model, lines and messages")
struct NodeModelTests {
    let ms: UInt64 = 1_000_000

    func message(_ json: String) -> ProbeMessage {
        ProbeMessage.parse(Array(json.utf8))!
    }

    func connected(at t: UInt64 = 0) -> NodeAppModel {
        var model = NodeAppModel(script: "app.js", thresholdMs: 50, blame: true, start: 0)
        model.blameReady = true
        model.receive(message(#"{"t":"hello","pid":42,"node":"v20.20.2","heartbeat_ms":10}"#), at: t)
        return model
    }

    @Test func aLongLineIsDroppedAndCountedAndTheNextLineStillReads() {
        var splitter = LineSplitter(maxLine: 16)
        var lines = splitter.feed(Array("short\n".utf8) + [UInt8](repeating: 65, count: 100))
        lines += splitter.feed(Array("still the long one\nnext\n".utf8))
        #expect(lines.map { String(decoding: $0, as: UTF8.self) } == ["short", "next"])
        #expect(splitter.dropped == 1)
    }

    @Test func garbageIsNotAMessage() {
        #expect(ProbeMessage.parse(Array("{not json".utf8)) == nil)
        #expect(ProbeMessage.parse([0xff, 0xfe, 0x00]) == nil)
        #expect(ProbeMessage.parse(Array(#"{"t":"hb"}"#.utf8))?.t == "hb")
        #expect(ProbeMessage.parse(Array(#"{"t":"fig","p50":"x"}"#.utf8)) == nil)
    }

    @Test func framesThatComeBeforeTheLateBeatBlameThatStall() throws {
        var model = connected()
        model.receive(message(#"{"t":"hb"}"#), at: 10 * ms)
        #expect(model.pauseDue(at: 30 * ms) == nil, "too soon: 20 ms of silence")
        let due = model.pauseDue(at: 60 * ms)
        let generation = try #require(due)
        #expect(model.pauseDue(at: 70 * ms) == nil, "one pause per stall")
        let frames = [StackFrame(function: "parseInvoice", file: "/srv/billing.js", line: 41),
                      StackFrame(function: "handleRequest", file: "/srv/server.js", line: 10),
                      StackFrame(function: "listOnTimeout", file: "node:internal/timers", line: 581)]
        model.paused(PauseReading(frames: frames, pauseLatencyMs: 2, heldMs: 0), generation: generation)
        model.receive(message(#"{"t":"hb","late_ms":812}"#), at: 822 * ms)
        let stall = try #require(model.allStalls.first)
        #expect(stall.frames == frames)
        #expect(stall.sentence == "loop blocked 812 ms in parseInvoice (billing.js:41) ← handleRequest (server.js:10)")
        let top = try #require(model.snapshot(at: 900 * ms).topBlockers.first)
        #expect(top.frame == frames[0])
        #expect(top.totalMs == 812)
    }

    @Test func framesAfterTheStallEndedAreDropped() throws {
        var model = connected()
        let due = model.pauseDue(at: 60 * ms)
        let generation = try #require(due)
        model.receive(message(#"{"t":"hb","late_ms":70}"#), at: 80 * ms)
        model.paused(PauseReading(frames: [StackFrame(function: "innocent", file: "/a.js", line: 1)], pauseLatencyMs: 1, heldMs: 0),
                     generation: generation)
        #expect(model.allStalls.count == 1)
        #expect(model.allStalls[0].frames.isEmpty)
        #expect(model.allStalls[0].note == "it ended before the pause took effect")
        model.receive(message(#"{"t":"hb","late_ms":90}"#), at: 200 * ms)
        #expect(model.allStalls[1].frames.isEmpty, "a late reading never lands on the next stall")
    }

    @Test func aStallOpenWhenTheAppExitsIsCounted() {
        var model = connected()
        model.receive(message(#"{"t":"hb"}"#), at: 10 * ms)
        model.probeClosed(at: 320 * ms)
        #expect(model.allStalls.count == 1)
        #expect(model.allStalls.first?.ms == 300)
        #expect(model.allStalls.first?.note == "the app exited during it")
        #expect(model.snapshot(at: 400 * ms).stallInProgressMs == 0)
    }

    /// Issue 15: enabling the app's debugger holds its main thread once; that
    /// stall is looptop's, said so, and no pause is sent into it (it would
    /// blame node's timer code).
    @Test func aStallWhileLooptopEnablesTheDebuggerIsLabelledAndNotPaused() {
        var model = connected()
        model.receive(message(#"{"t":"hb"}"#), at: 100 * ms)
        model.debuggerEnabling = true
        #expect(model.pauseDue(at: 300 * ms) == nil)
        model.debuggerEnabling = false
        model.receive(message(#"{"t":"hb","late_ms":180}"#), at: 290 * ms)
        #expect(model.allStalls.last?.note == "while looptop enabled the app's debugger (once)")
        model.receive(message(#"{"t":"hb"}"#), at: 300 * ms)
        model.receive(message(#"{"t":"hb","late_ms":120}"#), at: 430 * ms)
        #expect(model.allStalls.last?.note == "it ended before the pause took effect", "later stalls are the app's")
    }

    /// The enabling flag comes from the inspector client a poll late: still
    /// set at the beat that ended the enabling's stall, it must not make the
    /// app's next block looptop's too (seen under load: two stalls labelled
    /// "once", the app's parseCsv without its blame).
    @Test func onlyOneStallIsPutDownToEnablingTheDebugger() {
        var model = connected()
        model.receive(message(#"{"t":"hb"}"#), at: 100 * ms)
        model.debuggerEnabling = true
        model.receive(message(#"{"t":"hb","late_ms":400}"#), at: 500 * ms)
        model.receive(message(#"{"t":"hb","late_ms":350}"#), at: 860 * ms)
        model.debuggerEnabling = false
        let notes = model.allStalls.map(\.note)
        #expect(notes == ["while looptop enabled the app's debugger (once)", "it ended before the pause took effect"])
    }

    @Test func aShortHiccupIsNotAStall() {
        var model = connected()
        _ = model.pauseDue(at: 60 * ms)
        model.receive(message(#"{"t":"hb","late_ms":30}"#), at: 70 * ms)
        #expect(model.allStalls.isEmpty)
    }

    @Test func workersAreFollowedThroughTheirLives() {
        var model = connected()
        for line in [#"{"t":"worker","id":1,"state":"starting"}"#, #"{"t":"worker","id":1,"state":"online"}"#,
                     #"{"t":"worker","id":2,"state":"online"}"#, #"{"t":"worker","id":3,"state":"online"}"#,
                     #"{"t":"fig","p50":1,"p99":2,"max":3,"elu":0.5,"workers":[{"id":1,"elu":1.003},{"id":2,"elu":0.25}]}"#,
                     #"{"t":"worker","id":2,"state":"exited","code":3}"#,
                     #"{"t":"worker","id":3,"state":"error","message":"boom"}"#, #"{"t":"worker","id":3,"state":"exited","code":1}"#] {
            model.receive(message(line), at: 100 * ms)
        }
        let workers = model.snapshot(at: 100 * ms).workers
        #expect(workers.map(\.stateText) == ["online", "exited 3", "error: boom"])
        #expect(workers[0].utilization == 1, "utilization is clamped to 0…1")
        #expect(model.snapshot(at: 100 * ms).liveWorkers == 1)
        let report = model.takeReports()
        #expect(report.count == 1)
        #expect(report[0].workers.first { $0.id == 2 }?.utilization == 0.25)
    }

    @Test func anUncaughtErrorSaysWhyTheAppEnded() {
        var model = connected()
        model.output("/tmp/app.js:3", stderr: true)
        model.output("    throw new Error('boom');", stderr: true)
        model.output("Error: boom", stderr: true)
        model.output("    at Object.<anonymous> (/tmp/app.js:3:11)", stderr: true)
        model.ended(.exited(code: 1), at: 5 * ms)
        #expect(model.problem == "app exited with code 1: Error: boom")
    }

    @Test func exactlyNodesInspectorLinesAreDropped() {
        #expect(NodeApp.isInspectorLine("Debugger listening on ws://127.0.0.1:4123/0f2a"))
        #expect(NodeApp.isInspectorLine("For help, see: https://nodejs.org/en/docs/inspector"))
        #expect(NodeApp.isInspectorLine("Debugger attached."))
        #expect(!NodeApp.isInspectorLine("Debugger attached. (not quite)"))
        #expect(!NodeApp.isInspectorLine("my app: Debugger listening on ws://x"))
    }
}
