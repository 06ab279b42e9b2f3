#if canImport(Glibc)
import Glibc
#endif
import Testing
import LoopTopEngine
import LoopTopTUI

/// Runs the real dashboard on the terminal, for trying it by hand:
/// `LOOPTOP_TUI_LIVE=1 .build-tui/debug/looptopPackageTests.xctest --testing-library swift-testing --filter liveDashboard`
/// Skipped unless LOOPTOP_TUI_LIVE is set.
@Test(.enabled(if: getenv("LOOPTOP_TUI_LIVE") != nil, "set LOOPTOP_TUI_LIVE=1 to run the dashboard by hand"))
func liveDashboard() {
    Dashboard.blockSignals()
    let workers = getenv("LOOPTOP_TUI_WORKERS").flatMap { Int(String(cString: $0)) } ?? 4
    let engine = Engine(configuration: .init(workers: workers))
    let code = Dashboard.run(engine: engine, options: DashboardOptions(framesPerSecond: 10))
    engine.stop()
    print("dashboard exit code \(code)")
}
