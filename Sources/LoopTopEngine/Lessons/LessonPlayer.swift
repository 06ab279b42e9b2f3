/// Plays a lesson against a source (the engine): applies each step's commands, decides
/// when a step ends, and measures its figures. Driven by `tick` from one
/// thread (the dashboard's, or the headless runner's), with the engine's time,
/// so the same lesson replays the same way.
public final class LessonPlayer {
    public let lesson: Lesson
    let source: any SnapshotSource

    /// The step being played (0-based); -1 before `start`.
    public private(set) var index = -1
    public private(set) var paused = false
    public private(set) var finished = false
    /// One per step played to its end, in order.
    public private(set) var results: [StepResult] = []

    public struct StepResult: Sendable {
        public var index: Int
        public var caption: String
        /// Why the step ended: "time", "until", "timeout", or "skipped" (`n`).
        public var ending: String
        public var seconds: Double
        public var figures: [String: Double]
        public var check: Condition?
        /// nil when the step has no check.
        public var passed: Bool?
        public var seen: [(String, Double)]
    }

    private var stepStart: UInt64 = 0
    private var settledAt: UInt64?
    private var pausedAt: UInt64?
    private var countsAtSettle = JobCounts()
    /// Time of the first frame after the statistics were reset: older frames
    /// still hold the figures from before, and must not end a step.
    private var settledFrame: UInt64 = 0

    public init(lesson: Lesson, source: any SnapshotSource) {
        self.lesson = lesson
        self.source = source
    }

    public convenience init(lesson: Lesson, engine: Engine) {
        self.init(lesson: lesson, source: engine)
    }

    /// The source's frame as of now: the engine makes one (the lesson's
    /// counts must follow its own commands), any other source is read.
    private func current() -> Snapshot {
        (source as? Engine)?.tick(scopes: false) ?? source.snapshot(detailFor: nil)
    }

    public var step: Lesson.Step? { lesson.steps.indices.contains(index) ? lesson.steps[index] : nil }

    /// Seconds into the current step (not counting pauses).
    public func elapsed(now: UInt64) -> Double {
        Double((pausedAt ?? now) &- stepStart) / 1e9
    }

    /// Applies the setup and enters the first step.
    public func start(now: UInt64) {
        for command in lesson.setup { source.send(command.command) }
        enter(0, now: now)
    }

    private func enter(_ step: Int, now: UInt64) {
        index = step
        guard let current = self.step else {
            finished = true
            return
        }
        // Counts are taken before the commands, so a step without a settle
        // time sees what its own commands did (a fault fails a job at once).
        let before = self.current().jobs
        for command in current.commands { source.send(command.command) }
        stepStart = now
        settledAt = nil
        if current.settle <= 0 { settle(now: now, counts: before) }
    }

    private func settle(now: UInt64, counts: JobCounts? = nil) {
        source.send(.resetStatistics)
        let fresh = current()
        countsAtSettle = counts ?? fresh.jobs
        settledFrame = fresh.time
        settledAt = now
    }

    /// Moves time on; returns the result of a step that ended now.
    public func tick(now: UInt64, snapshot: Snapshot) -> StepResult? {
        guard !finished, !paused, let current = step else { return nil }
        let sinceStart = Double(now &- stepStart) / 1e9
        guard let settledAt else {
            if sinceStart >= current.settle { settle(now: now) }
            return nil
        }
        guard snapshot.time >= settledFrame else { return nil }
        let sinceSettle = Double(now &- settledAt) / 1e9
        let figures = Condition.figures(of: snapshot, countsAtSettle: countsAtSettle)
        var ending: String?
        if let until = current.until, until.evaluate(figures).holds {
            ending = "until"
        } else if let seconds = current.seconds, sinceSettle >= seconds {
            ending = "time"
        } else if sinceSettle >= current.timeout {
            ending = "timeout"
        }
        guard let ending else { return nil }
        return finish(ending: ending, figures: figures, seconds: sinceStart, now: now)
    }

    private func finish(ending: String, figures: [String: Double], seconds: Double, now: UInt64) -> StepResult {
        let current = lesson.steps[index]
        var result = StepResult(index: index, caption: current.caption, ending: ending, seconds: seconds,
                                figures: figures, check: current.check, passed: nil, seen: [])
        if let check = current.check {
            let verdict = check.evaluate(figures)
            result.passed = verdict.holds
            result.seen = verdict.seen
        } else if ending == "timeout", let until = current.until {
            // A step waiting for a condition that never came is a failed check too.
            let verdict = until.evaluate(figures)
            result.check = until
            result.passed = false
            result.seen = verdict.seen
        }
        results.append(result)
        enter(index + 1, now: now)
        return result
    }

    /// Ends the current step now (`n`), measuring it as it stands.
    @discardableResult
    public func next(now: UInt64, snapshot: Snapshot) -> StepResult? {
        guard !finished, step != nil else { return nil }
        if settledAt == nil { settle(now: now) }
        paused = false
        pausedAt = nil
        let figures = Condition.figures(of: snapshot, countsAtSettle: countsAtSettle)
        var result = finish(ending: "skipped", figures: figures, seconds: elapsed(now: now), now: now)
        result.passed = nil
        results[results.count - 1] = result
        return result
    }

    /// Goes back one step (`p`) and plays it again: its commands are applied
    /// again (the setup is not undone).
    public func previous(now: UInt64) {
        let target = max(0, (finished ? lesson.steps.count : index) - 1)
        finished = false
        paused = false
        pausedAt = nil
        results.removeAll { $0.index >= target }
        enter(target, now: now)
    }

    /// Pauses or resumes the timeline (space); the engine runs on.
    public func togglePause(now: UInt64) {
        if let pausedAt {
            let held = now &- pausedAt
            stepStart &+= held
            if let settled = settledAt { settledAt = settled &+ held }
            self.pausedAt = nil
            paused = false
        } else {
            pausedAt = now
            paused = true
        }
    }
}
