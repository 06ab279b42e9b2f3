/// One line of `looptop compare --headless`: the two engines' lines, each
/// exactly what `looptop run --headless` writes for its engine.
public struct CompareReport: Codable, Sendable, Equatable {
    /// True on the last line (each side's own `summary` says so too).
    public var summary: Bool?
    public var left: HeadlessReport
    public var right: HeadlessReport

    public init(left: Snapshot, right: Snapshot, summary: Bool) {
        self.summary = summary ? true : nil
        self.left = HeadlessReport(left, summary: summary)
        self.right = HeadlessReport(right, summary: summary)
    }

    /// The line as compact JSON, by the same encoder as a run's lines.
    public func jsonLine() -> String { HeadlessReport.jsonLine(of: self) }
}

/// Plays a ``CompareSource`` without a terminal: one ``CompareReport`` line
/// per interval, then a summary line.
public struct CompareRunner {
    public var interval: Double
    /// Seconds to run; nil runs until `wait` says to stop.
    public var duration: Double?

    public init(interval: Double = 1, duration: Double? = nil) {
        self.interval = interval
        self.duration = duration
    }

    /// Runs both engines (started here), writing lines through `write`;
    /// `wait` as for ``HeadlessRunner``. Returns the summary; the caller
    /// stops the source.
    @discardableResult
    public func run(source: CompareSource, write: (String) -> Void, wait: (UInt64) -> Bool) -> CompareReport {
        source.start()
        IntervalPacer.run(interval: interval, duration: duration, shortestFinal: 1_000_000, wait: wait) {
            let (left, right) = source.tick()
            write(CompareReport(left: left, right: right, summary: false).jsonLine())
            return true
        }
        source.left.readThreadsNow()
        source.right.readThreadsNow()
        source.left.stopSampling()
        source.right.stopSampling()
        let (left, right) = source.tick()
        let summary = CompareReport(left: left, right: right, summary: true)
        write(summary.jsonLine())
        return summary
    }
}
