/// Everything a frame or a headless line shows of a watched Node.js app: a
/// plain value, made by ``NodeAppModel`` from what the probe sent.
public struct NodeSnapshot: Codable, Sendable, Equatable {
    public struct Lag: Codable, Sendable, Equatable {
        public var p50: Double
        public var p99: Double
        public var max: Double

        public init(p50: Double = 0, p99: Double = 0, max: Double = 0) {
            self.p50 = p50
            self.p99 = p99
            self.max = max
        }
    }

    /// One interval as the probe measured it (`monitorEventLoopDelay` with a
    /// 1 ms resolution and `performance.eventLoopUtilization`, both over the interval).
    public struct Interval: Codable, Sendable, Equatable {
        /// Seconds since looptop started, when the figures arrived.
        public var at: Double
        public var seconds: Double
        public var lag: Lag
        public var utilization: Double
        public var heapUsedBytes: Double
        public var gcCount: Int
        public var gcMs: Double
        public var gcMaxMs: Double
        /// The main thread as the kernel counted it over the interval
        /// (`/proc/PID/task/PID`, read by looptop, not told by the probe): CPU
        /// in cores, run-queue wait, switches. nil in old recordings.
        public var mainThread: TaskRates? = nil
    }

    public struct Worker: Codable, Sendable, Equatable {
        public enum State: String, Codable, Sendable, CaseIterable {
            case starting, online, terminating, exited, failed

            /// The word users see (an error is `error`, as Node's event is named).
            public var word: String { self == .failed ? "error" : rawValue }
        }

        /// The Worker's `threadId`.
        public var id: Int
        public var state: State
        public var exitCode: Int?
        public var error: String?
        /// The worker's event-loop utilization over the last interval (0…1).
        public var utilization: Double?
        /// Its OS thread id, told by the probe running inside the Worker
        /// (Node names every thread `node`, so /proc alone cannot tell which
        /// is which); nil if the Worker runs without the probe (its own
        /// `execArgv` or `env`).
        public var tid: Int32? = nil
        /// The thread as /proc/PID/task/TID counted it over the last interval.
        public var sched: TaskRates? = nil
        public var isLive: Bool { state != .exited && state != .failed }

        /// The state in the issue's words, one word: starting, online,
        /// terminating, exited, error (the dashboard's STATE, the metrics' label).
        public var stateWord: String { state.word }

        /// `online`, `exited 3`, `error: boom`, as headless lines say it.
        public var stateText: String {
            switch state {
            case .failed: return "error: \(error ?? "?")"
            case .exited: return exitCode.map { "exited \($0)" } ?? "exited"
            default: return state.word
            }
        }

        /// How it ended, after the state word: `code 3`, the error's message; nil while live.
        public var endText: String? {
            switch state {
            case .failed: return error ?? "?"
            case .exited: return exitCode.map { "code \($0)" } ?? "exited"
            default: return nil
            }
        }
    }

    /// A stretch of time the main loop did not turn, and what ran then.
    public struct Stall: Codable, Sendable, Equatable {
        /// Seconds since looptop started, when the stall began.
        public var at: Double
        public var ms: Double
        /// Innermost first; empty when the loop was not in JavaScript or blame is off.
        public var frames: [StackFrame]
        /// Why there are no frames, when there are none.
        public var note: String?

        /// "loop blocked 812 ms in parseInvoice (billing.js:41) ← handleRequest (server.js:10)".
        public var sentence: String {
            // A recording read back may hold any number: no conversion that can trap.
            let ms = self.ms >= 10 ? (self.ms < 1e15 ? String(Int(self.ms.rounded())) : "\(self.ms)") : format1(self.ms)
            let shown = Self.shownFrames(frames)
            if shown.isEmpty { return "loop blocked \(ms) ms" + (note.map { " (\($0))" } ?? "") }
            return "loop blocked \(ms) ms in " + shown.map(\.label).joined(separator: " ← ")
        }

        /// The app's own frames first: node's internals only when nothing else is there.
        static func shownFrames(_ frames: [StackFrame]) -> [StackFrame] {
            let app = frames.filter { !$0.file.hasPrefix("node:") }
            return Array((app.isEmpty ? frames : app).prefix(3))
        }

        /// The frame a stall is charged to in the top-blockers table.
        public var blamed: StackFrame? { Self.shownFrames(frames).first }
    }

    /// Stalls charged to one place, for the top-blockers panel.
    public struct Blocker: Codable, Sendable, Equatable {
        public var frame: StackFrame?
        public var count: Int
        public var totalMs: Double
        public var maxMs: Double
        /// Why stalls charged here have no frame (blame off, the pause came too late, …).
        public var note: String? = nil
        public var label: String { frame?.label ?? "(" + (note ?? "not in JavaScript") + ")" }
    }

    public struct Event: Codable, Sendable, Equatable {
        public var at: Double
        public var text: String
    }

    public enum Ending: Codable, Sendable, Equatable {
        case exited(code: Int32)
        case signaled(signal: Int32)

        /// The exit code a shell would report for it.
        public var exitCode: Int32 {
            switch self {
            case .exited(let code): code
            case .signaled(let signal): 128 + min(127, max(0, signal))  // a recording may hold any number
            }
        }

        public var text: String {
            switch self {
            case .exited(let code): "exited with code \(code)"
            case .signaled(let signal): "killed by signal \(signal)"
            }
        }
    }

    public var pid: Int32?
    public var nodeVersion: String?
    public var script: String
    /// Seconds since looptop started.
    public var uptime: Double
    public var connected: Bool
    /// The inspector URL blame uses (loopback), when blame is on and it is open.
    public var inspectorURL: String?
    public var blameReady: Bool
    /// The latest interval's figures, if any arrived.
    public var last: Interval?
    /// Largest lag in the last 10 s, counting a stall in progress.
    public var lagRecentMaxMs: Double
    /// How long the loop has gone without a heartbeat past the threshold, now (0: it is turning).
    public var stallInProgressMs: Double
    /// Where the stall in progress is, once the pause has read it (innermost first).
    public var stallInProgressFrames: [StackFrame]
    public var workers: [Worker]
    public var liveWorkers: Int { workers.filter(\.isLive).count }
    /// The most recent stalls, newest last (at most 100; ``stallsTotal`` counts all).
    public var stalls: [Stall]
    public var stallsTotal: Int
    /// Garbage collections, and their milliseconds, since the app started.
    public var gcCountTotal: Int
    public var gcMsTotal: Double
    public var topBlockers: [Blocker]
    public var events: [Event]
    /// The app's latest output lines (stdout and stderr), newest last.
    public var log: [String]
    public var ending: Ending?
    /// Lines from the probe that were too long or not JSON.
    public var droppedLines: UInt64
    /// A line that says what went wrong, when something did (the probe never connected, an uncaught error).
    public var problem: String?
    /// Output lines and events since the app started (``log`` and ``events``
    /// keep the newest): how a recording knows which are new. Optional, so a
    /// snapshot written without them still reads (every kept one is then new).
    public var logTotal: Int? = nil
    public var eventsTotal: Int? = nil
    /// The app ended because looptop stopped it (--duration, q, a signal).
    public var stoppedByLooptop: Bool? = nil
    /// In a recorded frame only: the probe's interval reports that arrived
    /// since the frame before, each as its headless line said it.
    public var reports: [NodeReport]? = nil
}

extension StackFrame {
    /// `parseInvoice (billing.js:41)`.
    public var label: String {
        let name = file.split(separator: "/").last.map(String.init) ?? file
        return "\(function) (\(name):\(line))"
    }
}

func format1(_ value: Double) -> String {
    guard value.isFinite, abs(value) < 1e15 else { return "\(value)" }
    let tenths = (value * 10).rounded()
    return "\(Int(tenths) / 10).\(abs(Int(tenths)) % 10)"
}
