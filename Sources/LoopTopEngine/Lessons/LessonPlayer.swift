/// Plays a lesson against a source (the engine): applies each step's commands, decides
/// when a step ends, and measures its figures. Driven by `tick` from one
/// thread (the dashboard's, or the headless runner's), with the engine's time,
/// so the same lesson replays the same way.
///
/// Against a ``CompareSource`` (a lesson with `[compare]`) it plays both
/// engines at once: commands go to both, figures are named by side
/// (`left.lag_p99`), and each side keeps its own counts, settled frame and
/// states, so `n` and `p` restore each from its own frame.
public final class LessonPlayer {
    public let lesson: Lesson
    let source: any SnapshotSource

    /// One engine the lesson measures: the source itself, or a compare
    /// source's left or right engine.
    private struct Side {
        /// "" for one engine, "left." or "right." in a comparison: how its figures are named.
        let prefix: String
        let source: any SnapshotSource
        /// Job counts when the step started, before its commands: counts cover
        /// the whole step (the jobs its own terminate cancels), latencies only
        /// from when it settled.
        var countsAtStart = JobCounts()
        /// Time of the side's first frame after the statistics were reset:
        /// older frames still hold the figures from before, and must not end a step.
        var settledFrame: UInt64 = 0
        /// The state before each step's commands (see ``LessonState``).
        var states: [LessonState] = []

        /// The side's frame as of now: an engine makes one (the lesson's
        /// counts must follow its own commands), any other source is read.
        func frameNow() -> Snapshot {
            (source as? Engine)?.tick(scopes: false) ?? source.snapshot(detailFor: nil)
        }
    }
    private var sides: [Side]

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
    /// The step's `until` held at some tick (it ends as soon as it may).
    private var untilHeld = false
    /// The state before each step's commands (see ``LessonState``); set by
    /// `start`. A comparison's left side; ``states(side:)`` gives either.
    public var states: [LessonState] { sides[0].states }

    /// The states of side `side` (0 left, 1 right; 0 alone).
    public func states(side: Int) -> [LessonState] { sides[side].states }

    /// Whether it plays two engines (a compare lesson on a ``CompareSource``).
    public var comparing: Bool { sides.count == 2 }

    /// In the dashboard a step stays on screen at least as long as its
    /// caption takes to read (``readingSeconds(_:)``), unless `n` skips it.
    /// Headless runs keep their own pace.
    public let readsCaptions: Bool

    public init(lesson: Lesson, source: any SnapshotSource, readsCaptions: Bool = false) {
        self.lesson = lesson
        self.source = source
        self.readsCaptions = readsCaptions
        if let pair = source as? CompareSource {
            sides = [Side(prefix: "left.", source: pair.left), Side(prefix: "right.", source: pair.right)]
        } else {
            sides = [Side(prefix: "", source: source)]
        }
    }

    public convenience init(lesson: Lesson, engine: Engine, readsCaptions: Bool = false) {
        self.init(lesson: lesson, source: engine, readsCaptions: readsCaptions)
    }

    /// Seconds to read `caption` while glancing at the figures it names:
    /// 3.5 words a second, plus two to find them.
    public static func readingSeconds(_ caption: String) -> Double {
        Double(caption.split(separator: " ").count) / 3.5 + 2
    }

    /// Shortest time the current step stays on screen, from its start.
    public func minimumSeconds(of step: Lesson.Step) -> Double {
        readsCaptions ? Self.readingSeconds(step.caption) : 0
    }

    public var step: Lesson.Step? { lesson.steps.indices.contains(index) ? lesson.steps[index] : nil }

    /// Seconds into the current step (not counting pauses).
    public func elapsed(now: UInt64) -> Double {
        Double((pausedAt ?? now) &- stepStart) / 1e9
    }

    /// Applies the setup and enters the first step.
    public func start(now: UInt64) {
        // Each side from its own settings (a comparison's sides differ in mode).
        var states = sides.map { LessonState(workers: lesson.workers, settings: $0.frameNow().settings) }
        for command in lesson.setup {
            source.send(command.command)
            for i in states.indices { states[i].apply(command.command) }
        }
        for i in sides.indices {
            var state = states[i]
            sides[i].states = []
            for step in lesson.steps {
                sides[i].states.append(state)
                for command in step.commands { state.apply(command.command) }
            }
            sides[i].states.append(state)  // after the last step
        }
        enter(0, now: now)
    }

    /// Enters `step`; `restoring` first takes the engine to the state
    /// before the step's commands (whatever was pressed or replayed since).
    private func enter(_ step: Int, now: UInt64, restoring: Bool = false) {
        index = step
        if restoring {
            // Each side from its own frame, straight to its engine (a
            // comparison's refusals are for keys; these are the lesson's own).
            for side in sides where side.states.indices.contains(step) {
                for command in side.states[step].commands(from: side.frameNow()) { side.source.send(command) }
            }
        }
        guard let current = self.step else {
            finished = true
            return
        }
        // Counts are taken before the commands, so a step sees what its own
        // commands did (a fault fails a job at once, a terminate cancels one).
        for i in sides.indices { sides[i].countsAtStart = sides[i].frameNow().jobs }
        for command in current.commands { source.send(command.command) }
        stepStart = now
        settledAt = nil
        untilHeld = false
        if current.settle <= 0 { settle(now: now) }
    }

    private func settle(now: UInt64) {
        source.send(.resetStatistics)
        for i in sides.indices { sides[i].settledFrame = sides[i].frameNow().time }
        settledAt = now
    }

    /// Moves time on; returns the result of a step that ended now.
    public func tick(now: UInt64, snapshot: Snapshot) -> StepResult? {
        tick(now: now, frames: [snapshot])
    }

    /// Moves a comparison's time on with both sides' frames.
    public func tick(now: UInt64, pair: (left: Snapshot, right: Snapshot)) -> StepResult? {
        tick(now: now, frames: [pair.left, pair.right])
    }

    /// The figures of `frames` (one per side), named as the lesson's conditions name them.
    private func figures(_ frames: [Snapshot]) -> [String: Double] {
        var out: [String: Double] = [:]
        for (side, frame) in zip(sides, frames) {
            for (name, value) in Condition.figures(of: frame, countsAtSettle: side.countsAtStart) {
                out[side.prefix + name] = value
            }
        }
        return out
    }

    private func tick(now: UInt64, frames: [Snapshot]) -> StepResult? {
        guard !finished, !paused, let current = step else { return nil }
        let sinceStart = Double(now &- stepStart) / 1e9
        guard let settledAt else {
            if sinceStart >= current.settle { settle(now: now) }
            return nil
        }
        // Every side's frame must be from after its reset.
        guard frames.count == sides.count, zip(sides, frames).allSatisfy({ $1.time >= $0.settledFrame }) else { return nil }
        let sinceSettle = Double(now &- settledAt) / 1e9
        let figures = figures(frames)
        if let until = current.until, until.evaluate(figures).holds { untilHeld = true }
        var ending: String?
        if untilHeld {
            ending = "until"
        } else if let seconds = current.seconds, sinceSettle >= seconds {
            ending = "time"
        } else if sinceSettle >= current.timeout {
            ending = "timeout"
        }
        // The caption is still being read: the step goes on (its figures with it).
        guard let ending, sinceStart >= minimumSeconds(of: current) else { return nil }
        return finish(ending: ending, figures: figures, seconds: sinceStart, now: now)
    }

    private func finish(ending: String, figures: [String: Double], seconds: Double, now: UInt64) -> StepResult {
        defer { enter(index + 1, now: now) }
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
        return result
    }

    /// Ends the current step now (`n`), measuring it as it stands, and goes
    /// to the next step's state (see ``LessonState``).
    @discardableResult
    public func next(now: UInt64, snapshot: Snapshot) -> StepResult? {
        next(now: now, frames: [snapshot])
    }

    /// `n` in a comparison, measuring both sides' frames.
    @discardableResult
    public func next(now: UInt64, pair: (left: Snapshot, right: Snapshot)) -> StepResult? {
        next(now: now, frames: [pair.left, pair.right])
    }

    private func next(now: UInt64, frames: [Snapshot]) -> StepResult? {
        guard !finished, step != nil else { return nil }
        paused = false
        pausedAt = nil
        let figures = figures(frames)
        let current = lesson.steps[index]
        let result = StepResult(index: index, caption: current.caption, ending: "skipped", seconds: elapsed(now: now),
                                figures: figures, check: current.check, passed: nil, seen: [])
        results.append(result)
        enter(index + 1, now: now, restoring: true)
        return result
    }

    /// Goes back one step (`p`): restores the state that step starts from
    /// (workers, mode, size, rate, workload) and plays it again.
    public func previous(now: UInt64) {
        let target = max(0, (finished ? lesson.steps.count : index) - 1)
        finished = false
        paused = false
        pausedAt = nil
        results.removeAll { $0.index >= target }
        enter(target, now: now, restoring: true)
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
