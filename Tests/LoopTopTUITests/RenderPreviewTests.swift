#if canImport(Glibc)
import Glibc
#endif
import Testing
import LoopTopTUI
import LoopTopEngine

// Prints scenario screens for review: LOOPTOP_TUI_PREVIEW=1 swift test --filter preview
@Test(.enabled(if: getenv("LOOPTOP_TUI_PREVIEW") != nil)) func preview() {
    for (name, frame, rows, cols) in DashboardScenarios.all + TruthScenarios.all + CompareScenarios.dashboards {
        let screen = render(frame, rows: rows, cols: cols)
        print("### \(name) \(cols)x\(rows)")
        print(screen.text)
    }
    for (name, frame, rows, cols) in CompareScenarios.all {
        let text = renderCompare(frame, rows: rows, cols: cols).text
        print("### \(name) \(cols)x\(rows)")
        print(text)
        // Long screens can come out of `swift test` cut: LOOPTOP_TUI_PREVIEW_DIR keeps each whole.
        if let dir = getenv("LOOPTOP_TUI_PREVIEW_DIR") {
            let path = String(cString: dir) + "/\(name).txt"
            if let file = fopen(path, "w") { fputs(text + "\n", file); fclose(file) }
        }
    }
}
