@testable import LoopTopEngine
import LoopTopTUI

/// Frames for issue 11's visible changes (header, event log, workers table,
/// detail labels, help): rendered whole in TruthScreenTests.
enum TruthScenarios {
    static let second = Fixtures.second
    static let now = Fixtures.now

    /// A full queue rejecting jobs every second among a few other events.
    static func noisyLog() -> Snapshot {
        var s = Fixtures.offloaded()
        var log = [EngineEvent(time: now - 40 * second, kind: .workerSpawned, workerID: 4, message: "worker 4 spawned"),
                   EngineEvent(time: now - 39 * second, kind: .control, message: "rate 40 jobs/s")]
        for i in 0..<30 {
            log.append(EngineEvent(time: now - UInt64(30 - i) * second, kind: .notice,
                                   message: "\(30 + i % 5) jobs rejected: queue full (capacity 256)"))
            if i == 20 {
                log.append(EngineEvent(time: now - 10 * second + 1, kind: .control, message: "burst 20 jobs"))
            }
        }
        s.log = log
        return s
    }

    /// 60 different events: the focused log scrolls.
    static func longLog() -> Snapshot {
        var s = Fixtures.offloaded()
        var log: [EngineEvent] = []
        for i in 0..<60 {
            // Names without numbers, so no two fold together.
            let first = String(UnicodeScalar(UInt8(65 + i / 26)))
            let second = String(UnicodeScalar(UInt8(97 + i % 26)))
            let at: UInt64 = now - UInt64(60 - i) * TruthScenarios.second
            log.append(EngineEvent(time: at, kind: .control, message: "event " + first + second))
        }
        s.log = log
        return s
    }

    /// Two live workers and one that ended after 12 jobs.
    static func endedWorker() -> Snapshot {
        var s = Fixtures.offloaded()
        s.workers[3] = Fixtures.worker(4, .exited, done: 12, busy: 1, cpuPerWall: 0.97, activity: Fixtures.wave(600),
                                       endReason: "terminated")
        s.workers[3].cpuMs = 241
        s.liveWorkers = 3
        return s
    }

    /// 17 workers, worker 1 ended, in a compact terminal scrolled to the middle.
    static func seventeen() -> Snapshot {
        var s = Fixtures.manyWorkers(17)
        s.workers[0] = Fixtures.worker(1, .exited, done: 44, activity: Fixtures.wave(600), endReason: "terminated")
        s.liveWorkers = 16
        s.warnings = []
        return s
    }

    static func mix() -> Snapshot {
        var s = Fixtures.offloaded()
        s.settings.workload = "thumbs"
        s.settings.mix = [MixEntry(workload: "thumbs", weight: 4, jobMs: 30), MixEntry(workload: "imports", weight: 2, jobMs: 10),
                          MixEntry(workload: "gz", weight: 1), MixEntry(workload: "sums", weight: 1, units: 400)]
        s.settings.mixName = "load.toml"
        s.commands = ["gz": "gzip -6"]
        return s
    }

    static func command() -> Snapshot {
        var s = Fixtures.offloaded()
        s.settings.workload = "gz"
        s.commands = ["gz": "gzip -6"]
        return s
    }

    static func frozenChanged() -> (Snapshot, EngineSettings) {
        let s = Fixtures.offloaded()
        var now = s.settings
        now.mode = .blocking
        now.workload = "primes"
        now.jobMs = 160
        return (s, now)
    }

    static var all: [(String, Frame, Int, Int)] {
        func f(_ s: Snapshot, _ configure: (inout UIState) -> Void = { _ in }) -> Frame {
            DashboardScenarios.frame(s, configure)
        }
        let (frozen, engineNow) = frozenChanged()
        var frozenFrame = f(frozen) { $0.frozen = true }
        frozenFrame.liveSettings = engineNow
        return [
            ("noisy-log", f(noisyLog()), 30, 100),
            ("log-focused", f(longLog()) { $0.logFocused = true; $0.logScroll = 5 }, 30, 100),
            ("ended-worker", f(endedWorker()), 30, 100),
            ("ended-hidden", f(endedWorker()) { $0.hideEnded = true }, 30, 100),
            ("sorted-by-busy", f(endedWorker()) { $0.sort = .busy }, 30, 100),
            ("seventeen-compact", f(seventeen()) { s in
                s.selection = Selection(workerID: 8)
                s.selection.sync(to: Array(1...17))
                s.selection.keepVisible(count: 17, visible: 4)
            }, 12, 40),
            ("seventeen-wide", f(seventeen()), 36, 120),
            ("mix", f(mix()), 36, 120),
            ("mix-compact", f(mix()), 12, 40),
            ("command", f(command()), 30, 100),
            ("frozen-changed", frozenFrame, 30, 100),
            ("detail-windows", f(Fixtures.withDetail()) { $0.view = .detail(1); $0.selection = Selection(workerID: 1) }, 30, 100),
            ("help-keys", f(Fixtures.offloaded()) { $0.helpVisible = true }, 36, 120),
            ("help-figures", f(Fixtures.offloaded()) { $0.helpVisible = true; $0.helpPage = 1 }, 30, 100),
        ]
    }
}
