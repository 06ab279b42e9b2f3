import Foundation
import Testing
@testable import LoopTopEngine

/// `looptop node --record FILE` and `looptop replay FILE` (issue 15: "`--record`
/// works here too"): a real app recorded while it is watched headless, then
/// replayed headless; the replayed lines must say what the live ones said.
@Suite("Node source: record and replay", .serialized, .enabled(if: NodeFixture.available, NodeFixture.skipNote))
struct NodeRecordTests {
    static let app = """
        const { Worker } = require('worker_threads');
        function settleLedger(ms) {
          const end = Date.now() + ms;
          while (Date.now() < end) {}
        }
        const busy = 'const end = Date.now() + 900; while (Date.now() < end) {}';
        new Worker(busy, { eval: true });
        new Worker('setTimeout(() => process.exit(4), 200)', { eval: true });
        setTimeout(() => { console.log('settling'); settleLedger(150); }, 500);
        setTimeout(() => { settleLedger(120); process.exitCode = 3; }, 1100);

        """

    /// The keys a replayed line must carry as the live one did.
    static func figures(_ line: [String: Any], keys: [String] = ["t", "interval_s"]) -> String {
        var kept: [String: Any] = [:]
        for key in ["lag_ms", "loop_utilization", "workers", "worker_list", "stalls", "pid", "node", "gc", "heap_used_mb"] + keys {
            kept[key] = line[key] ?? NSNull()
        }
        let data = (try? JSONSerialization.data(withJSONObject: kept, options: [.sortedKeys])) ?? Data()
        return String(decoding: data, as: UTF8.self)
    }

    @Test func aRecordedAppReplaysHeadlessWithTheLiveLinesFigures() throws {
        let dir = try NodeFixture.directory(["ledger.js": Self.app])
        let path = dir + "/ledger.jsonl"
        var recording: NodeRecording?
        let run = try NodeFixture.run(dir + "/ledger.js", interval: 0.2) { app in
            let r = NodeRecording(recorder: try! Recorder(path: path), source: NodeSource(app: app))
            r.start()
            recording = r
        }
        let recorder = try #require(recording)
        recorder.finish()
        #expect(recorder.recorder.failure == nil)
        #expect(run.outcome == .appEnded(.exited(code: 3)))

        let file = try RecordingFile.load(path: path)
        #expect(file.header.source.kind == .node)
        #expect(file.truncation == nil)
        var replayed: [String] = []
        file.replayHeadless(interval: 1) { replayed.append($0) }
        let lines = replayed.compactMap { try? JSONSerialization.jsonObject(with: Data($0.utf8)) as? [String: Any] }
        let intervals = lines.filter { $0["summary"] == nil }
        let summary = try #require(lines.last)
        #expect(summary["summary"] as? Bool == true)
        #expect(intervals.count == run.intervals.count, "replayed \(intervals.count) lines, live \(run.intervals.count)")
        for (live, again) in zip(run.intervals, intervals) {
            #expect(Self.figures(again) == Self.figures(live))
        }
        // The summary: every stall (the app's two blocks among them), how it ended.
        let stalls = run.stalls.map { num($0["ms"]) ?? -1 }
        #expect((summary["stalls"] as? [[String: Any]] ?? []).map { num($0["ms"]) ?? -1 } == stalls)
        #expect(stalls.filter { $0 >= 100 }.count >= 2, "\(run.stalls)")
        #expect(num(summary["exit_code"]) == 3)
        #expect(summary["ending"] as? String == "exited with code 3")
        // (Its `t` is when the last frame was taken, a moment after the live summary.)
        #expect(Self.figures(summary, keys: ["top_blockers", "exit_code", "ending"]) == Self.figures(run.summary, keys: ["top_blockers", "exit_code", "ending"]))
        let states = Set((summary["worker_list"] as? [[String: Any]] ?? []).compactMap { $0["state"] as? String })
        #expect(states.contains("exited 4"), "\(states)")

        // The dashboard's frames: the app's output and the stall events, rebuilt whole at the last frame.
        let last = file.timeline.frame(at: file.timeline.count - 1)
        let node = try #require(last.node)
        #expect(node.log.contains("settling"), "\(node.log)")
        #expect(node.events.map(\.text) == run.snapshot.events.map(\.text))
        #expect(node.events.contains { $0.text.hasPrefix("loop blocked") }, "\(node.events.map(\.text))")
        #expect(node.stalls.map(\.ms) == run.snapshot.stalls.map(\.ms))
        #expect(node.ending == .exited(code: 3))
    }

    /// A recording cut short or broken says so in one line; a node frame that
    /// does not decode names its line.
    @Test func aTruncatedOrGarbledNodeRecordingIsOneLine() throws {
        let dir = try NodeFixture.directory(["short.js": "setTimeout(() => {}, 600);\n"])
        let path = dir + "/short.jsonl"
        var recording: NodeRecording?
        _ = try NodeFixture.run(dir + "/short.js", interval: 0.2) { app in
            let r = NodeRecording(recorder: try! Recorder(path: path), source: NodeSource(app: app))
            r.start()
            recording = r
        }
        recording?.finish()
        let whole = try #require(FileManager.default.contents(atPath: path))
        let lines = whole.split(separator: 0x0A)
        #expect(lines.count >= 3)
        // Cut in the middle of the last frame: replayed up to it, with a line saying so.
        let cut = whole.prefix(whole.count - 40)
        let truncated = try RecordingFile.parse(Data(cut), path: "short.jsonl")
        #expect(truncated.truncation?.contains("short.jsonl:\(lines.count): last line is cut short") == true)
        var out: [String] = []
        truncated.replayHeadless(interval: 1) { out.append($0) }
        #expect(out.last?.contains("\"summary\":true") == true)
        // A frame in the middle that is not one.
        var broken = Array(lines.map { Data($0) })
        broken[1] = Data(#"{"snapshot":{"node":{"stalls":"nope"}}}"#.utf8)
        let joined = Data(broken.joined(separator: [0x0A]) + [0x0A])
        #expect {
            try RecordingFile.parse(joined, path: "short.jsonl")
        } throws: { error in
            let message = (error as? RecordingError)?.message ?? ""
            return message.hasPrefix("short.jsonl:2: not a recorded frame") && !message.contains("\n")
        }
    }
}
