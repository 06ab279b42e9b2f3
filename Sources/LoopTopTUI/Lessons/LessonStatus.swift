import LoopTopEngine

/// What the lesson panel shows for one frame: the step and its caption, how
/// far the step has come, and how the last step's check went. A value taken
/// from a ``LessonPlayer`` on the UI thread, so the panel renders the same
/// way every time (and tests build one by hand).
public struct LessonStatus: Sendable, Equatable {
    /// How far the current step has come.
    public enum Progress: Sendable, Equatable {
        /// Old work drains before the figures count.
        case settling(elapsed: Double, of: Double)
        /// The step lasts a set time.
        case timed(elapsed: Double, of: Double)
        /// The step waits for a condition, but no longer than `timeout`.
        case waiting(until: String, elapsed: Double, timeout: Double)
        /// Every step has been played.
        case finished
    }

    /// How a step's check went.
    public enum Verdict: Sendable, Equatable {
        case ok, failed
        /// Ended early with `n`: not checked.
        case skipped
        /// The step has no check.
        case unchecked
    }

    /// A figure a check looked at, and what it wanted.
    public struct Figure: Sendable, Equatable {
        public var metric: String
        public var value: Double
        public var op: String
        public var target: Double
        public init(metric: String, value: Double, op: String, target: Double) {
            self.metric = metric
            self.value = value
            self.op = op
            self.target = target
        }

        /// Whether the figure met what the check wanted (as the engine's `Condition` compares).
        public var holds: Bool {
            switch op {
            case "<": value < target
            case ">": value > target
            case "<=": value <= target
            case ">=": value >= target
            default: value == target
            }
        }
    }

    /// The last step played to its end.
    public struct Outcome: Sendable, Equatable {
        /// 1-based.
        public var step: Int
        public var verdict: Verdict
        /// "time", "until", "timeout" or "skipped".
        public var ending: String
        public var figures: [Figure]
        public init(step: Int, verdict: Verdict, ending: String, figures: [Figure]) {
            self.step = step
            self.verdict = verdict
            self.ending = ending
            self.figures = figures
        }
    }

    public var title: String
    /// 1-based; equals `steps` once finished.
    public var step: Int
    public var steps: Int
    public var caption: String
    public var progress: Progress
    /// The lesson's timeline is held (the engine runs on).
    public var paused: Bool
    public var last: Outcome?
    public var passed: Int
    public var failed: Int

    public init(title: String, step: Int, steps: Int, caption: String, progress: Progress, paused: Bool = false,
                last: Outcome? = nil, passed: Int = 0, failed: Int = 0) {
        self.title = title
        self.step = step
        self.steps = steps
        self.caption = caption
        self.progress = progress
        self.paused = paused
        self.last = last
        self.passed = passed
        self.failed = failed
    }

    public var finished: Bool { progress == .finished }

    /// The player's state at engine time `now`.
    public init(player: LessonPlayer, now: UInt64) {
        let lesson = player.lesson
        let results = player.results
        let passed = results.filter { $0.passed == true }.count
        let failed = results.filter { $0.passed == false }.count
        let last = results.last.map(Self.outcome)
        guard !player.finished, let step = player.step else {
            self.init(title: lesson.title, step: lesson.steps.count, steps: lesson.steps.count,
                      caption: "", progress: .finished, paused: false, last: last, passed: passed, failed: failed)
            return
        }
        let elapsed = max(0, player.index < 0 ? 0 : player.elapsed(now: now))
        let progress: Progress
        if elapsed < step.settle {
            progress = .settling(elapsed: elapsed, of: step.settle)
        } else if let until = step.until {
            progress = .waiting(until: until.text, elapsed: elapsed - step.settle, timeout: step.timeout)
        } else {
            // At least as long as the caption takes to read.
            let reading = player.minimumSeconds(of: step) - step.settle
            progress = .timed(elapsed: elapsed - step.settle, of: max(step.seconds ?? step.timeout, reading))
        }
        self.init(title: lesson.title, step: max(0, player.index) + 1, steps: lesson.steps.count,
                  caption: step.caption, progress: progress, paused: player.paused, last: last,
                  passed: passed, failed: failed)
    }

    static func outcome(_ result: LessonPlayer.StepResult) -> Outcome {
        let verdict: Verdict
        switch result.passed {
        case true?: verdict = .ok
        case false?: verdict = .failed
        case nil: verdict = result.ending == "skipped" ? .skipped : .unchecked
        }
        var figures: [Figure] = []
        if let check = result.check, verdict == .ok || verdict == .failed {
            for clause in check.clauses {
                let value = result.seen.first { $0.0 == clause.metric }?.1 ?? result.figures[clause.metric] ?? .nan
                figures.append(Figure(metric: clause.metric, value: value, op: clause.op, target: clause.value))
            }
        }
        return Outcome(step: result.index + 1, verdict: verdict, ending: result.ending, figures: figures)
    }
}
