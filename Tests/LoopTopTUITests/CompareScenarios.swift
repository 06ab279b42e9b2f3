@testable import LoopTopEngine
import LoopTopTUI

/// Hand-built frames of `looptop compare`: 150 ms jobs at 4 a second,
/// blocking on the left, offloaded on the right.
enum CompareScenarios {
    static func left() -> Snapshot {
        var s = Fixtures.blocking()
        s.settings.workload = "primes"
        s.settings.jobMs = 150
        s.settings.rate = 4
        s.loop.lag = LatencySummary(count: 3000, p50: 0.2, p99: 148, max: 151)
        s.loop.lagRecentMaxMs = 150
        s.loop.stallMs = 0
        s.loop.currentJob = nil
        s.loop.requestsWaiting = 0
        s.loop.utilization = 0.61
        s.loop.requestLatency = LatencySummary(count: 1000, p50: 0.3, p99: 162, max: 171)
        s.queue.depth = 0
        s.queue.loopDepth = 1
        s.queue.wait = LatencySummary(count: 20, p50: 20, p99: 140, max: 150)
        s.queue.run = LatencySummary(count: 20, p50: 150, p99: 152, max: 153)
        s.jobs.submitted = 332; s.jobs.queued = 1; s.jobs.running = 1; s.jobs.completed = 330; s.jobs.cancelled = 0
        s.warnings = []
        return s
    }

    static func right() -> Snapshot {
        var s = Fixtures.offloaded()
        s.settings.workload = "primes"
        s.settings.jobMs = 150
        s.settings.rate = 4
        s.loop.requestLatency = LatencySummary(count: 1000, p50: 0.1, p99: 3.4, max: 5)
        s.queue.depth = 0
        s.queue.wait = LatencySummary(count: 20, p50: 0.05, p99: 0.2, max: 0.3)
        s.queue.run = LatencySummary(count: 20, p50: 150, p99: 160, max: 170)
        s.queue.model = QueueModel(arrivalRate: 4, serviceMs: 150, serviceCV: 0.02, servers: 2,
                                   serversReason: "4 workers share 2 cores", measuredWaitMs: 9.1)
        s.jobs.submitted = 332; s.jobs.queued = 0; s.jobs.running = 1; s.jobs.completed = 331; s.jobs.cancelled = 0
        return s
    }

    static func frame(state: UIState = UIState(), notices: [Notice] = []) -> CompareFrame {
        CompareFrame(left: left(), right: right(), state: state, notices: notices)
    }

    static func blockedNow() -> CompareFrame {
        var f = frame()
        f.left.loop.stallMs = 120
        f.left.loop.currentJob = Fixtures.job(331, "primes", mode: .blocking, targetMs: 150, startedMsAgo: 120)
        f.left.loop.requestsWaiting = 24
        return f
    }

    /// The main dashboard's queue panel with the model: offloaded, 4 workers on 2 cores.
    static func modelled(arrivalRate: Double = 60) -> Snapshot {
        var s = Fixtures.offloaded()
        s.queue.model = QueueModel(arrivalRate: arrivalRate, serviceMs: 20, serviceCV: 0.1, servers: 2,
                                   serversReason: "4 workers share 2 cores", measuredWaitMs: 3.9)
        return s
    }

    /// Two workers on two cores: a worker fewer is one server, unstable at 60/s.
    static func twoWorkers() -> Snapshot {
        var s = modelled()
        s.workers = Array(s.workers.prefix(2))
        s.liveWorkers = 2
        return s
    }

    static var dashboards: [(String, Frame, Int, Int)] {
        [
            ("queue-model", DashboardScenarios.frame(modelled()), 30, 100),
            ("queue-model-two", DashboardScenarios.frame(twoWorkers()), 30, 100),
            ("queue-unstable", DashboardScenarios.frame(modelled(arrivalRate: 130)), 30, 100),
            ("queue-curve", DashboardScenarios.frame(modelled()) { $0.modelCurve = true }, 30, 100),
            ("queue-model-80", DashboardScenarios.frame(modelled()), 24, 80),
        ]
    }

    static let all: [(String, CompareFrame, Int, Int)] = [
        ("compare", frame(), 24, 80),
        ("compare-small", frame(), 12, 40),
        ("compare-large", blockedNow(), 40, 140),
        ("compare-notice", frame(notices: [Notice("compare: each side keeps its mode (--left, --right)")]), 24, 80),
        ("compare-curve", frame(state: { var s = UIState(); s.modelCurve = true; return s }()), 24, 100),
        ("compare-help", frame(state: { var s = UIState(); s.helpVisible = true; return s }()), 24, 80),
        ("compare-figures", frame(state: { var s = UIState(); s.helpVisible = true; s.helpPage = 1; return s }()), 30, 120),
    ]
}

func renderCompare(_ frame: CompareFrame, rows: Int, cols: Int) -> MemoryScreen {
    let screen = MemoryScreen(rows: rows, cols: cols)
    CompareView.render(frame, on: screen)
    return screen
}
