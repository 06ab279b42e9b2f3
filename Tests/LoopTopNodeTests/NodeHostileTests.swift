import Foundation
import Testing
@testable import LoopTopEngine

/// Malformed or hostile input on the probe's socket or from the "inspector"
/// must not crash or stall looptop (issue 15: `"late_ms": 1e308` trapped a
/// conversion to Int and killed looptop).
@Suite("Node source: hostile input")
struct NodeHostileTests {
    /// Lines a broken or hostile probe could send: numbers out of every range,
    /// wrong types, binary, unbalanced JSON, lines past the length bound.
    static let junk: [String] = [
        #"{"t":"hb","late_ms":1e308}"#, #"{"t":"hb","late_ms":-1e308}"#, #"{"t":"hb","late_ms":1.7976931348623157e308}"#,
        #"{"t":"fig","p50":1e308,"p99":1e308,"max":1e308,"elu":1e308,"heap":1e308,"gc":{"count":9223372036854775807,"ms":1e308,"max_ms":1e308},"workers":[{"id":1,"elu":1e308}]}"#,
        #"{"t":"fig","p50":-1,"p99":-1,"max":-1,"elu":-1,"heap":-1,"gc":{"count":-9223372036854775808,"ms":-1,"max_ms":-1}}"#,
        #"{"t":"worker","id":9223372036854775807,"state":"online"}"#, #"{"t":"worker","id":-9223372036854775808,"state":"exited","code":-9223372036854775808}"#,
        #"{"t":"worker","id":1,"state":"exploded"}"#, #"{"t":"hello","pid":-1,"heartbeat_ms":1e308,"interval_ms":1e308}"#,
        #"{"t":"terminating","id":1}"#, #"[1,2,3]"#, #"{"t":{}}"#, "\u{0}\u{1}garbage", String(repeating: "{", count: 10_000),
    ]

    @Test func hostileLinesNeitherTrapNorBreakTheFigures() {
        var model = NodeAppModel(script: "app.js", thresholdMs: 50, blame: true, start: 0)
        model.blameReady = true
        var t: UInt64 = 1_000_000
        for line in Self.junk + Self.junk {
            t += 10_000_000
            if let message = ProbeMessage.parse(Array(line.utf8)) { model.receive(message, at: t) } else { model.droppedLines += 1 }
            _ = model.pauseDue(at: t)
        }
        let node = model.snapshot(at: t + 5_000_000_000)
        for stall in node.stalls { _ = stall.sentence }
        let snapshot = NodeSource.snapshot(node, info: SourceInfo(kind: .node, title: "node app.js"), history: model.intervalHistory,
                                           time: t, wall: 0)
        #expect(snapshot.loop.lag.max <= 1e9)
        #expect(node.stalls.allSatisfy { $0.ms.isFinite && $0.ms >= 0 && $0.ms <= 1e9 })
        #expect(snapshot.loop.lateShare.over50ms <= 1)
        for report in model.takeReports() { _ = NodeHeadlessLine(report, snapshot: node) }
        let summary = NodeHeadlessLine(summaryOf: node, intervals: model.intervalHistory, stalls: model.allStalls, exitCode: 0)
        #expect(summary.lag_ms.max <= 1e9)
        #expect(model.droppedLines >= 4, "the lines that are not messages are counted")
    }

    /// A fake `node` (a Node script run in its place) that sends junk on the
    /// socket and points looptop at a fake inspector answering garbage, then
    /// stops beating so looptop pauses through it: looptop ends with the
    /// app's exit code, its output passed on.
    @Test(.enabled(if: NodeFixture.available, NodeFixture.skipNote))
    func aHostileProbeAndInspectorEndTheRunCleanly() throws {
        let lines = Self.junk.map { "  " + String(reflecting: $0) + "," }.joined(separator: "\n")
        let fake = """
            #!/usr/bin/env node
            const net = require('net');
            const junk = [
            \(lines)
            ];
            const inspector = net.createServer((c) => {
              c.once('data', () => {
                c.write('HTTP/1.1 101 Switching Protocols\\r\\nUpgrade: websocket\\r\\nConnection: Upgrade\\r\\nSec-WebSocket-Accept: bogus\\r\\n\\r\\n');
                c.on('data', () => { c.write(Buffer.from([0x81, 126, 0xff, 0xff, 1, 2, 3])); c.write(require('crypto').randomBytes(300)); });
              });
              c.on('error', () => {});
            }).listen(0, '127.0.0.1', () => {
              const s = net.createConnection(process.env.LOOPTOP_SOCKET, () => {
                s.write(JSON.stringify({ t: 'hello', pid: process.pid, node: 'v0-fake', heartbeat_ms: 10, interval_ms: 200 }) + '\\n');
                s.write(JSON.stringify({ t: 'inspector', url: 'ws://127.0.0.1:' + inspector.address().port + '/x' }) + '\\n');
                for (const j of junk) s.write(j + '\\n');
                s.write('x'.repeat(3 << 20) + '\\n');
                console.log('fake app: output');
                let beats = 0;
                const beat = setInterval(() => {
                  s.write('{"t":"hb"}\\n');
                  if (++beats === 20) { clearInterval(beat); setTimeout(() => { s.write('{"t":"hb","late_ms":400}\\n'); process.exit(6); }, 400); }
                }, 10);
              });
              s.on('error', () => {});
            });

            """
        let dir = try NodeFixture.directory(["app.js": "\n"])
        // Written with O_CLOEXEC: a descriptor open for writing that a child
        // spawned meanwhile by a parallel test inherits makes exec fail (ETXTBSY).
        let fd = open(dir + "/fake-node", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o755)
        #expect(fd >= 0)
        let bytes = Array(fake.utf8)
        #expect(bytes.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) } == bytes.count)
        close(fd)
        // A child another test forks while the file is being written holds it
        // open for a moment, and exec then fails with ETXTBSY: try again.
        var attempt = 0
        func start() throws -> NodeFixture.Run {
            do { return try NodeFixture.run(dir + "/app.js", duration: 30, node: dir + "/fake-node") } catch let error as NodeAppError
                where error.description.contains("Text file busy") && attempt < 20 {
                attempt += 1
                usleep(100_000)
                return try start()
            }
        }
        let run = try start()
        #expect(run.outcome == .appEnded(.exited(code: 6)), "\(run.outcome)")
        #expect(run.output.contains("fake app: output"))
        #expect(num(run.summary["dropped_lines"]).map { $0 >= 1 } == true, "\(run.summary)")
    }
}
