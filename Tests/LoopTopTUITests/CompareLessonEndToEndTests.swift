#if canImport(Glibc)
import Glibc
#endif
import Foundation
import Testing

/// Issue 17 in a real terminal: `looptop lesson side-by-side` opens the
/// compare split screen with the lesson's panel; n, p and space step and
/// pause it; q restores the terminal.
@Suite(.serialized, .enabled(if: EndToEnd.available, EndToEnd.skipReason))
struct CompareLessonEndToEndTests {
    @Test func sideBySideLessonStepsInTheSplitScreen() throws {
        let pane = try Pane(cols: 120, rows: 36, arguments: "lesson side-by-side")
        defer { pane.kill() }
        try pane.waitFor("both halves under the lesson panel", seconds: 30) { screen in
            screen.contains("Lesson: Blocking and offloaded, side by side") && screen.contains("step 1/3")
                && screen.contains(" BLOCKING ") && screen.contains(" OFFLOADED ")
                && screen.contains("n next step")
        }
        pane.keys("n")
        try pane.waitFor("step 2 and step 1's result") { $0.contains("step 2/3") && $0.contains("step 1 skipped") }
        pane.keys("Space")
        try pane.waitFor("the lesson paused") { $0.contains("PAUSED") && $0.contains("resume lesson") }
        pane.keys("Space")
        try pane.waitFor("the lesson running again") { !$0.contains("PAUSED") && $0.contains("pause lesson") }
        pane.keys("p")
        try pane.waitFor("step 1 again, 200 ms jobs on both") { $0.contains("step 1/3") && $0.contains("spin 200 ms") }
        pane.keys("b")
        try pane.waitFor("the mode refusal") { $0.contains("compare: each side keeps its mode (the lesson's [compare])") }
        pane.keys("?")
        try pane.waitFor("the lesson keys in the help") { $0.contains("lesson: next step") }
        pane.keys("Escape")
        try pane.waitFor("the help closed") { !$0.contains("lesson: next step") }
        pane.keys("q")
        try pane.waitFor("the shell back") { $0.contains("EXIT=0") }
        #expect(pane.restored())
    }
}
