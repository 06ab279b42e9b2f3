/// A scripted scenario with captions: a lesson replays the same way every
/// time, drives the engine through a timeline of commands, and says what to
/// look at and why. Written in TOML:
///
/// ```toml
/// title = "The blocked loop"
/// [setup]
/// workers = 2
/// do = ["mode offloaded", "workload spin", "job-ms 200", "rate 2"]
///
/// [[step]]
/// caption = "Jobs of 200 ms go to the workers; the loop stays free."
/// seconds = 3
/// check = "lag_p99 < 30"
///
/// [[step]]
/// caption = "The same jobs on the loop: every timer and request waits."
/// do = ["mode blocking"]
/// until = "lag_max > 150"
/// timeout = 10
/// ```
///
/// A lesson with a `[compare]` table plays on two engines side by side, as
/// `looptop compare` runs them: each keeps its mode, commands act on both,
/// and conditions name a side (`left.lag_max > 150 and right.lag_p99 < 30`).
public struct Lesson: Sendable {
    public var name: String
    public var title: String
    public var summary: String
    /// Workers at the start.
    public var workers: Int
    /// Applied at the start, before the first step.
    public var setup: [LessonCommand]
    /// Workloads the lesson defines (as in a spec's `[[workload]]`).
    public var workloads: [any Workload]
    public var steps: [Step]
    /// The two sides' modes when the lesson plays in compare view; nil for one engine.
    public var compare: Sides?

    /// The modes of a compare lesson's two engines (`[compare]`).
    public struct Sides: Sendable, Equatable {
        public var left: Mode
        public var right: Mode
        public init(left: Mode = .blocking, right: Mode = .offloaded) {
            self.left = left
            self.right = right
        }
    }

    public struct Step: Sendable {
        public var caption: String
        /// Applied when the step starts.
        public var commands: [LessonCommand]
        /// Seconds after the commands before figures count (old work drains).
        public var settle: Double
        /// The step lasts this long…
        public var seconds: Double?
        /// …or until this holds (measured since the step settled),
        public var until: Condition?
        /// …but no longer than this.
        public var timeout: Double
        /// What must hold at the step's end; a failed check fails a headless run.
        public var check: Condition?
        /// The line of the step's table in the file, for messages.
        public var line: Int
    }
}

/// One command of a lesson, as written (`"mode blocking"`) and as a value.
public struct LessonCommand: Sendable, Equatable {
    public var text: String
    public var command: Command

    /// The words a lesson can use, with what each takes.
    public static let vocabulary = [
        "mode blocking|chunked|offloaded", "workload NAME", "job-ms MS", "rate JOBS_PER_S", "arrival constant|poisson",
        "spawn [N]", "terminate [ID]", "fault [ID]", "burst N", "pause", "resume", "queue N", "respawn on|off",
        "request-rate N", "input-kb KB", "passing copy|transfer|shared", "reset",
    ]

    /// Parses `text`; nil with a reason when it is not a command.
    public static func parse(_ text: String) -> Result<LessonCommand, LessonSyntaxError> {
        let words = text.split(separator: " ").map(String.init)
        guard let verb = words.first else { return .failure("empty command") }
        let arg = words.count > 1 ? words[1] : nil
        func number() -> Double? { arg.flatMap(Double.init).flatMap { $0.isFinite ? $0 : nil } }
        func count() -> Int? { arg.flatMap(Int.init) }
        let command: Command?
        switch verb {
        case "mode": command = arg.flatMap(Mode.init(rawValue:)).map(Command.setMode)
        case "workload": command = arg.map(Command.setWorkload)
        case "job-ms": command = number().flatMap { $0 > 0 ? .setJobMs($0) : nil }
        case "rate": command = number().flatMap { $0 >= 0 ? .setRate($0) : nil }
        case "arrival": command = arg.flatMap(ArrivalPattern.init(rawValue:)).map(Command.setArrival)
        case "spawn": command = arg == nil ? .spawn(count: 1) : count().flatMap { $0 > 0 ? .spawn(count: $0) : nil }
        case "terminate": command = arg == nil ? .terminate(worker: nil) : count().map { .terminate(worker: $0) }
        case "fault": command = arg == nil ? .injectFault(worker: nil) : count().map { .injectFault(worker: $0) }
        case "burst": command = count().flatMap { $0 > 0 ? .burst($0) : nil }
        case "pause": command = arg == nil ? .pause : nil
        case "resume": command = arg == nil ? .resume : nil
        case "queue": command = count().flatMap { $0 > 0 ? .setQueueCapacity($0) : nil }
        case "respawn": command = arg == "on" ? .setAutoRespawn(true) : arg == "off" ? .setAutoRespawn(false) : nil
        case "request-rate": command = number().flatMap { $0 >= 0 ? .setRequestRate($0) : nil }
        case "input-kb": command = number().flatMap { $0 >= 0 ? .setInput(kb: $0, passing: nil) : nil }
        case "passing": command = arg.flatMap(DataPassing.init(rawValue:)).map { .setInput(kb: nil, passing: $0) }
        case "reset": command = arg == nil ? .resetStatistics : nil
        default:
            return .failure("unknown command '\(verb)'; expected one of: \(vocabulary.joined(separator: ", "))")
        }
        guard let command, words.count <= 2 else {
            let usage = vocabulary.first { $0.hasPrefix(verb + " ") || $0 == verb } ?? verb
            return .failure("'\(text)' is not a valid command; expected '\(usage)'")
        }
        return .success(LessonCommand(text: text, command: command))
    }
}

/// A condition on the figures: `lag_max > 150`, `failed >= 1 and workers == 2`.
public struct Condition: Sendable, Equatable, CustomStringConvertible {
    public struct Clause: Sendable, Equatable {
        public var metric: String
        public var op: String
        public var value: Double
    }
    public var clauses: [Clause]
    public var text: String
    public var description: String { text }

    /// What a condition can look at: latencies and rates over the step's own
    /// window (since it settled), counts since it started (so a step sees
    /// the jobs its own commands cancel or fail), gauges as they are now.
    public static let metrics: [String: String] = [
        "lag_p50": "loop lag p50, ms", "lag_p99": "loop lag p99, ms", "lag_max": "loop lag max, ms",
        "request_p50": "request latency p50, ms", "request_p99": "request latency p99, ms",
        "loop_busy": "share of time the loop was busy, 0..1",
        "wait_p50": "job wait in queue p50, ms", "wait_p99": "job wait p99, ms",
        "run_p50": "job run time p50, ms", "run_p99": "job run time p99, ms",
        "handback_p50": "offloaded result's trip back to the loop p50, ms",
        "overhead_ratio": "the trip's own cost over the work: (pick-up p50 + hand-back p50) / run p50, where pick-up is submit → start on an idle worker (no queue wait); 0 without trips (blocking)",
        "copy_ms_p50": "time to copy a job's input p50, ms", "copy_bytes": "bytes copied per job",
        "jobs_per_s": "jobs finished per second", "completed": "jobs completed", "failed": "jobs failed",
        "cancelled": "jobs cancelled", "rejected": "jobs rejected", "queued": "jobs queued now",
        "running": "jobs running now", "workers": "live workers", "cpu_per_wall": "mean CPU/WALL of busy workers",
        "spawn_ms": "median spawn-to-ready of live workers, ms",
        "utilization": "the queueing model's λ·S/c since the step settled, 0..; 1 or more: unstable",
        "model_stable": "1 while the model's queue settles (utilization under 1), else 0",
        "model_wait_ms": "mean queue wait the M/G/c model predicts since the step settled, ms (NaN when unstable)",
        "measured_wait_ms": "mean queue wait measured since the step settled, ms",
        "model_error": "|measured − predicted| / predicted mean wait (NaN when unstable)",
    ]

    /// The two sides a compare lesson's figures are named by (`left.lag_p99`).
    public static let sides = ["left", "right"]

    /// Parses `text`; with `sides` (a compare lesson) every figure names its
    /// side, `left.lag_p99`, and without, none does.
    public static func parse(_ text: String, sides: Bool = false) -> Result<Condition, LessonSyntaxError> {
        var clauses: [Clause] = []
        for part in text.components(separatedBy: " and ") {
            let words = part.split(separator: " ").map(String.init)
            guard words.count == 3 else {
                let example = sides ? "'left.lag_max > 150'" : "'lag_max > 150'"
                return .failure("'\(part)' is not a condition; expected 'METRIC OP NUMBER', e.g. \(example)")
            }
            let (side, figure) = split(words[0])
            guard metrics[figure] != nil else {
                return .failure("unknown figure '\(figure)'; expected one of: \(metrics.keys.sorted().joined(separator: ", "))")
            }
            if sides, side == nil {
                return .failure("'\(words[0])' needs its side in a compare lesson; expected left.\(figure) or right.\(figure)")
            }
            if !sides, side != nil {
                return .failure("'\(words[0])' names a side, but this lesson has no [compare] table; expected \(figure) (or add [compare] to play it on two engines)")
            }
            guard ["<", ">", "<=", ">=", "=="].contains(words[1]) else {
                return .failure("unknown comparison '\(words[1])'; expected <, >, <=, >= or ==")
            }
            guard let value = Double(words[2]), value.isFinite else {
                return .failure("'\(words[2])' is not a number")
            }
            clauses.append(Clause(metric: words[0], op: words[1], value: value))
        }
        return .success(Condition(clauses: clauses, text: text))
    }

    /// "left.lag_p99" → ("left", "lag_p99"); a name without a known side → (nil, name).
    static func split(_ name: String) -> (side: String?, figure: String) {
        for side in sides where name.hasPrefix(side + ".") {
            return (side, String(name.dropFirst(side.count + 1)))
        }
        return (nil, name)
    }

    /// Whether it holds for `figures`, and the figures it looked at.
    public func evaluate(_ figures: [String: Double]) -> (holds: Bool, seen: [(String, Double)]) {
        var holds = true
        var seen: [(String, Double)] = []
        for clause in clauses {
            let value = figures[clause.metric] ?? .nan
            seen.append((clause.metric, value))
            let ok: Bool
            switch clause.op {
            case "<": ok = value < clause.value
            case ">": ok = value > clause.value
            case "<=": ok = value <= clause.value
            case ">=": ok = value >= clause.value
            default: ok = value == clause.value
            }
            holds = holds && ok
        }
        return (holds, seen)
    }

    /// The figures of a snapshot by the names conditions use; latencies
    /// cover `snapshot.total` (the engine's statistics are reset when a step
    /// settles), counts what changed since `countsAtSettle` (taken when the
    /// step started), gauges are read now.
    public static func figures(of s: Snapshot, countsAtSettle: JobCounts) -> [String: Double] {
        let t = s.total
        let busyWorkers = s.workers.filter { $0.state.isLive && $0.busy > 0.05 }
        let handback = t.handback.count > 0 ? t.handback.p50 : s.loop.handback.p50
        return [
            "lag_p50": t.lag.p50, "lag_p99": t.lag.p99, "lag_max": max(t.lag.max, s.loop.stallMs),
            "request_p50": t.requestLatency.p50, "request_p99": t.requestLatency.p99,
            "loop_busy": t.utilization, "wait_p50": t.wait.p50, "wait_p99": t.wait.p99,
            "run_p50": t.run.p50, "run_p99": t.run.p99, "handback_p50": handback,
            "overhead_ratio": t.overheadRatio,
            "copy_ms_p50": t.data.copy.p50, "copy_bytes": t.data.copiedBytesPerJob,
            "jobs_per_s": t.seconds > 0 ? Double(t.run.count) / t.seconds : 0,
            "completed": Double(s.jobs.completed - min(s.jobs.completed, countsAtSettle.completed)),
            "failed": Double(s.jobs.failed - min(s.jobs.failed, countsAtSettle.failed)),
            "cancelled": Double(s.jobs.cancelled - min(s.jobs.cancelled, countsAtSettle.cancelled)),
            "rejected": Double(s.jobs.rejected - min(s.jobs.rejected, countsAtSettle.rejected)),
            "queued": Double(s.jobs.queued), "running": Double(s.jobs.running), "workers": Double(s.liveWorkers),
            "cpu_per_wall": busyWorkers.isEmpty ? 0 : busyWorkers.reduce(0) { $0 + $1.cpuPerWall } / Double(busyWorkers.count),
            "utilization": t.model?.utilization ?? 0,
            "model_stable": t.model.map { $0.stable ? 1 : 0 } ?? 0,
            "model_wait_ms": t.model?.predictedWaitMs ?? .nan,
            "measured_wait_ms": t.model?.measuredWaitMs ?? .nan,
            "model_error": {
                guard let predicted = t.model?.predictedWaitMs, let measured = t.model?.measuredWaitMs, predicted > 0 else { return .nan }
                return abs(measured - predicted) / predicted
            }(),
            "spawn_ms": {
                let startups = s.workers.filter(\.state.isLive).compactMap(\.startupMs).sorted()
                return startups.isEmpty ? 0 : startups[startups.count / 2]
            }(),
        ]
    }
}

/// Why a command or condition in a lesson could not be read.
public struct LessonSyntaxError: Error, Sendable, Equatable, ExpressibleByStringInterpolation, CustomStringConvertible {
    public let description: String
    public init(stringLiteral value: String) { description = value }
}
