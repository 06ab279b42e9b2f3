/// The pacing every headless runner shares: one line per `interval` seconds,
/// for `duration` seconds (nil: until `wait` says to stop), on the monotonic
/// clock.
enum IntervalPacer {
    /// Calls `line` at each interval's end. `wait(deadline)` sleeps until the
    /// monotonic deadline (ns) and returns false when the run must end early.
    /// A final partial interval gets its line only if it lasted over
    /// `shortestFinal` ns. `line` returns false to end the run at once.
    static func run(interval: Double, duration: Double?, shortestFinal: UInt64,
                    wait: (UInt64) -> Bool, line: () -> Bool) {
        let start = monotonicNow()
        let step = Nanos.fromSeconds(max(0.01, interval))
        let end = duration.map { start + Nanos.fromSeconds(max(0, $0)) }
        var next = start + step
        while true {
            let deadline = end.map { min($0, next) } ?? next
            let keepGoing = wait(deadline)
            let now = monotonicNow()
            let finished = !keepGoing || end.map { now >= $0 } ?? false
            if now >= next || finished {
                if !finished || now > next &- step + shortestFinal {
                    guard line() else { return }
                }
                while next <= now { next += step }
            }
            if finished { return }
        }
    }
}
