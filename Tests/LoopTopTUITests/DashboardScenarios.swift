import LoopTopTUI
import LoopTopEngine

/// The frames the whole-screen tests render.
enum DashboardScenarios {
    static let noon = 12.0 * 3600 + 67  // the log's clock reads 12:01:07 at the snapshot

    static func frame(_ snapshot: Snapshot, _ configure: (inout UIState) -> Void = { _ in }) -> Frame {
        var state = UIState()
        configure(&state)
        return Frame(snapshot: snapshot, state: state, secondsOfDay: noon)
    }

    static var all: [(String, Frame, Int, Int)] {
        [
            ("offloaded", frame(Fixtures.offloaded()), 30, 100),
            ("blocking", frame(Fixtures.blocking()), 30, 100),
            ("compact", frame(Fixtures.blocking()), 12, 40),
            ("wide", frame(Fixtures.offloaded()), 36, 120),
            ("many", frame(Fixtures.manyWorkers()) { s in
                s.selection = Selection(workerID: 40)
                s.selection.sync(to: Array(1...64))
                s.selection.keepVisible(count: 64, visible: 21)
            }, 36, 120),
            ("small", frame(Fixtures.offloaded()), 8, 30),
            ("detail", frame(Fixtures.withDetail()) { $0.view = .detail(1); $0.selection = Selection(workerID: 1) }, 30, 100),
            ("detail-compact", frame(Fixtures.withDetail()) { $0.view = .detail(1); $0.selection = Selection(workerID: 1) }, 12, 40),
            ("help", frame(Fixtures.offloaded()) { $0.helpVisible = true }, 30, 100),
            ("frozen-paused", frame({ var s = Fixtures.offloaded(); s.settings.paused = true; return s }()) { $0.frozen = true }, 30, 100),
        ]
    }
}
