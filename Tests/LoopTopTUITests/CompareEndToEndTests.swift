#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 17 in a real terminal: `looptop compare` draws both halves, load
/// keys act on both, a mode key is refused in one line, q restores the terminal.
@Suite(.serialized, .enabled(if: EndToEnd.available, EndToEnd.skipReason))
struct CompareEndToEndTests {
    @Test(arguments: ["tmux-256color", "xterm"])
    func splitScreenDrawsBothHalvesAndQRestores(term: String) throws {
        let pane = try Pane(cols: 100, rows: 30, arguments: "compare --job-ms 150 --rate 4",
                            environment: "TERM=\(term) LANG=C.UTF-8")
        defer { pane.kill() }
        try pane.waitFor("both halves", seconds: 20) { screen in
            screen.contains(" BLOCKING ") && screen.contains(" OFFLOADED ") && screen.contains("both on ")
                && screen.components(separatedBy: "lag p50").count == 3
        }
        pane.keys("]")
        try pane.waitFor("300 ms on both (one header)") { $0.contains("primes 300 ms") }
        pane.keys("b")
        try pane.waitFor("the mode refusal") { $0.contains("compare: each side keeps its mode") }
        try pane.waitFor("the bottom line in words") { $0.contains("longer blocking: p99") || $0.contains("about as long") }
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }
}
