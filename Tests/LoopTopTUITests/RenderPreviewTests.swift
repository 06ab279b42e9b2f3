#if canImport(Glibc)
import Glibc
#endif
import Testing
import LoopTopTUI
import LoopTopEngine

// Prints scenario screens for review: LOOPTOP_TUI_PREVIEW=1 swift test --filter preview
@Test(.enabled(if: getenv("LOOPTOP_TUI_PREVIEW") != nil)) func preview() {
    for (name, frame, rows, cols) in DashboardScenarios.all + TruthScenarios.all {
        let screen = render(frame, rows: rows, cols: cols)
        print("### \(name) \(cols)x\(rows)")
        print(screen.text)
    }
    for (name, frame, rows, cols) in CompareScenarios.all {
        print("### \(name) \(cols)x\(rows)")
        print(renderCompare(frame, rows: rows, cols: cols).text)
    }
}
