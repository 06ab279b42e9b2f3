/// Plays a lesson without a terminal: prints each step's caption, then the
/// figures measured at its end and whether its check held.
public struct HeadlessLesson {
    public var tickSeconds = 0.1

    public init() {}

    /// Runs `lesson` on what ``Lesson/makeSource(catalog:)`` made for it:
    /// both engines of a compare lesson, or its one engine.
    @discardableResult
    public func run(_ lesson: Lesson, on source: any SnapshotSource, write: (String) -> Void, wait: (UInt64) -> Bool) -> Bool {
        if let pair = source as? CompareSource { return run(lesson, source: pair, write: write, wait: wait) }
        guard let engine = source as? Engine else {
            write("lesson \(lesson.name): \(source.info.title) cannot play lessons")
            return false
        }
        return run(lesson, engine: engine, write: write, wait: wait)
    }

    /// Runs `lesson` on `engine` (started here); `wait(deadline)` sleeps until
    /// a monotonic deadline and returns false to stop early. Returns true if
    /// every check held and the lesson ran to its end.
    @discardableResult
    public func run(_ lesson: Lesson, engine: Engine, write: (String) -> Void, wait: (UInt64) -> Bool) -> Bool {
        engine.start()
        let player = LessonPlayer(lesson: lesson, engine: engine)
        return play(player, sides: [""], write: write, wait: wait) {
            let snapshot = engine.tick()
            return (snapshot.time, player.tick(now: snapshot.time, snapshot: snapshot))
        }
    }

    /// Runs a compare lesson on both engines of `source` (started here);
    /// each step's figures are printed per side, named as its checks name them.
    @discardableResult
    public func run(_ lesson: Lesson, source: CompareSource, write: (String) -> Void, wait: (UInt64) -> Bool) -> Bool {
        source.start()
        let player = LessonPlayer(lesson: lesson, source: source)
        let sides = ["left \(source.left.settings.mode.rawValue)", "right \(source.right.settings.mode.rawValue)"]
        return play(player, sides: sides, write: write, wait: wait) {
            let pair = source.tick()
            return (pair.left.time, player.tick(now: pair.left.time, pair: pair))
        }
    }

    /// Plays `player` to its end; `advance` takes a frame of the source(s),
    /// ticks the player with it and returns the frame's time and the result
    /// of a step that ended. `sides` names a comparison's two ("left blocking").
    private func play(_ player: LessonPlayer, sides: [String], write: (String) -> Void, wait: (UInt64) -> Bool,
                      advance: () -> (time: UInt64, result: LessonPlayer.StepResult?)) -> Bool {
        let lesson = player.lesson
        write("lesson \(lesson.name): \(lesson.title)")
        if !lesson.summary.isEmpty { write("  \(lesson.summary)") }
        if sides.count == 2 { write("  compare: \(sides[0]), \(sides[1]), the same load on both") }
        player.start(now: advance().time)
        var announced = -1
        var next = monotonicNow()
        while !player.finished {
            if player.index != announced, let step = player.step {
                announced = player.index
                write("")
                write("step \(player.index + 1)/\(lesson.steps.count)  \(step.caption)")
            }
            next += Nanos.fromSeconds(tickSeconds)
            guard wait(next) else {
                write("")
                write("stopped at step \(player.index + 1)/\(lesson.steps.count)")
                return false
            }
            if let result = advance().result {
                if sides.count == 2 {
                    write("  after \(String(format1: result.seconds, digits: 1)) s (\(result.ending)):")
                    write("    \(sides[0]): " + Self.figures(result.figures, prefix: "left."))
                    write("    \(sides[1]): " + Self.figures(result.figures, prefix: "right."))
                } else {
                    write("  " + Self.describe(result))
                }
                if let check = result.check, let passed = result.passed {
                    let seen = result.seen.map { "\($0.0) = \(Self.show($0.1))" }.joined(separator: ", ")
                    write("  check \(check): \(passed ? "ok" : "FAILED") (\(seen))")
                }
            }
        }
        let checked = player.results.filter { $0.passed != nil }
        let passed = checked.filter { $0.passed == true }.count
        write("")
        write("\(passed) passed, \(checked.count - passed) failed")
        return passed == checked.count
    }

    /// "after 3.1 s: lag p99 0.31 ms, max 1.2 ms; requests p99 0.9 ms; loop busy 2%; …"
    static func describe(_ r: LessonPlayer.StepResult) -> String {
        "after \(String(format1: r.seconds, digits: 1)) s (\(r.ending)): " + figures(r.figures, prefix: "")
    }

    /// One side's figures in words; `prefix` names the side ("left.", or "" alone).
    static func figures(_ all: [String: Double], prefix: String) -> String {
        func figure(_ key: String) -> Double? { all[prefix + key] }
        let f = [String: Double](uniqueKeysWithValues: Condition.metrics.keys.compactMap { key in figure(key).map { (key, $0) } })
        func v(_ key: String) -> String { show(f[key] ?? 0) }
        var parts = [
            "lag p99 \(v("lag_p99")) ms, max \(v("lag_max")) ms",
            "requests p99 \(v("request_p99")) ms",
            "loop busy \(Int(((f["loop_busy"] ?? 0) * 100).rounded()))%",
            "jobs: \(v("completed")) done, \(v("failed")) failed, \(v("cancelled")) cancelled, run p50 \(v("run_p50")) ms",
            "\(v("workers")) workers",
        ]
        if (f["copy_bytes"] ?? 0) > 0 { parts.append("copied \(v("copy_bytes")) B/job in \(v("copy_ms_p50")) ms") }
        if (f["overhead_ratio"] ?? 0) >= 0.01 { parts.append("overhead ratio \(v("overhead_ratio"))") }
        return parts.joined(separator: "; ")
    }

    static func show(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format1: value, digits: abs(value) >= 100 ? 0 : abs(value) >= 10 ? 1 : abs(value) >= 0.1 ? 2 : 3)
    }
}
