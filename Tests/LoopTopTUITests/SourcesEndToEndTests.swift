#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue #13 in a real terminal: a recording replayed, the live rewind.
@Suite(.serialized, .enabled(if: EndToEnd.available, EndToEnd.skipReason))
struct SourcesEndToEndTests {
    @Test func aRecordingReplaysWithREPLAYInTheHeader() throws {
        let path = NSTemporaryDirectory() + "looptop-e2e-\(getpid())-rec.jsonl"
        defer { unlink(path) }
        let recorder = try Pane(cols: 100, rows: 30,
                                arguments: "run --headless --mode blocking --job-ms 200 --rate 2 --duration 3 --json /dev/null --record \(path)")
        defer { recorder.kill() }
        try recorder.waitFor("the recording run to end", seconds: 60) { $0.contains("EXIT=0") }

        let pane = try Pane(cols: 100, rows: 30, arguments: "replay \(path)")
        defer { pane.kill() }
        try pane.waitFor("REPLAY and the panels") {
            $0.contains("REPLAY 00:0") && $0.contains("/ 00:0") && $0.contains("Event loop") && $0.contains("Workers")
        }
        pane.keys("+")
        try pane.waitFor("the read-only notice") { $0.contains("replay: read-only") }
        pane.keys("Space")
        try pane.waitFor("paused") { $0.contains("PAUSED") || $0.contains("END") }
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }

    @Test func leftRewindsAndEndReturnsToLive() throws {
        let pane = try Pane(cols: 100, rows: 30)
        defer { pane.kill() }
        try pane.waitFor("the dashboard") { $0.contains("Event loop") && $0.contains("workers 4 (") }
        // A second of frames to go back through.
        try pane.waitFor("a lag graph") { $0.contains("lag p50") }
        pane.keys("Left", "Left", "Left")
        try pane.waitFor("REWIND in the header") { $0.contains("REWIND \u{2212}") }
        pane.keys("End")
        try pane.waitFor("live again") { !$0.contains("REWIND") }
        pane.keys("Left")
        try pane.waitFor("REWIND again") { $0.contains("REWIND") }
        pane.keys("Escape")
        try pane.waitFor("Esc leaves the rewind") { !$0.contains("REWIND") }
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }

    @Test func aMissingRecordingIsOneLineAndExit2() throws {
        let pane = try Pane(cols: 100, rows: 30, arguments: "replay /nonexistent/rec.jsonl")
        defer { pane.kill() }
        try pane.waitFor("one line and exit 2") {
            $0.contains("looptop: /nonexistent/rec.jsonl: no such file") && $0.contains("EXIT=2")
        }
        #expect(pane.restored())
    }
}
