/// Plays a lesson without a terminal: prints each step's caption, then the
/// figures measured at its end and whether its check held.
public struct HeadlessLesson {
    public var tickSeconds = 0.1

    public init() {}

    /// Runs `lesson` on `engine` (started here); `wait(deadline)` sleeps until
    /// a monotonic deadline and returns false to stop early. Returns true if
    /// every check held and the lesson ran to its end.
    @discardableResult
    public func run(_ lesson: Lesson, engine: Engine, write: (String) -> Void, wait: (UInt64) -> Bool) -> Bool {
        engine.start()
        let player = LessonPlayer(lesson: lesson, engine: engine)
        write("lesson \(lesson.name): \(lesson.title)")
        if !lesson.summary.isEmpty { write("  \(lesson.summary)") }
        player.start(now: engine.tick().time)
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
            let snapshot = engine.tick()
            if let result = player.tick(now: snapshot.time, snapshot: snapshot) {
                write("  " + Self.describe(result))
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
        let f = r.figures
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
        return "after \(String(format1: r.seconds, digits: 1)) s (\(r.ending)): " + parts.joined(separator: "; ")
    }

    static func show(_ value: Double) -> String {
        guard value.isFinite else { return "n/a" }
        if value == value.rounded(), abs(value) < 1e15 { return String(Int(value)) }
        return String(format1: value, digits: abs(value) >= 100 ? 0 : abs(value) >= 10 ? 1 : abs(value) >= 0.1 ? 2 : 3)
    }
}
