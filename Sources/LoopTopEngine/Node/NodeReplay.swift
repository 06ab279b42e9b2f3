/// `looptop replay FILE --headless` for a recording of `looptop node`: the
/// lines `looptop node --headless` wrote, from the recorded reports (one a
/// probe interval, with the figures the live line had), then the summary
/// from the last frame (every stall, the top blockers, how the app ended).
///
/// Lines come one a probe interval, as live: the replay's `--interval` does
/// not apply. The summary's `exit_code` is the app's when it ended by
/// itself, 0 when looptop stopped it (2 when the probe never connected);
/// the live run said 128 + N when a signal N to looptop stopped it.
public struct NodeReplay {
    public init() {}

    @discardableResult
    public func run(_ recording: RecordingFile, write: (String) -> Void) -> NodeHeadlessLine? {
        var intervals: [NodeSnapshot.Interval] = []
        var stalls: [NodeSnapshot.Stall] = []
        var lastIndex: Int?
        for (i, entry) in recording.timeline.entries.enumerated() {
            guard let node = entry.snapshot.node else { continue }
            lastIndex = i
            for report in node.reports ?? [] {
                write(NodeHeadlessLine(report, snapshot: node).jsonLine())
                intervals.append(report.interval)
                stalls += report.stalls
            }
        }
        guard let lastIndex, let last = recording.timeline.node(at: lastIndex) else { return nil }
        // Stalls that ended after the last report (the app ended during one)
        // are only in the last frame.
        let unreported = last.stallsTotal > stalls.count ? last.stallsTotal - stalls.count : 0
        stalls += last.stalls.suffix(min(last.stalls.count, unreported))
        let summary = NodeHeadlessLine(summaryOf: last, intervals: Array(intervals.suffix(600)),
                                       stalls: Array(stalls.suffix(NodeAppModel.maxStallsKept)),
                                       exitCode: Self.exitCode(last))
        write(summary.jsonLine())
        return summary
    }

    static func exitCode(_ s: NodeSnapshot) -> Int32 {
        if s.stoppedByLooptop == true { return s.connected ? 0 : 2 }
        return s.ending?.exitCode ?? 0
    }
}

extension RecordingFile {
    /// Writes the JSON Lines the recorded run's own headless mode wrote:
    /// `looptop run`'s, `attach`'s or `node`'s, by the recording's source.
    /// `interval`: seconds of recorded time between lines (not for node,
    /// whose lines come one a probe interval).
    public func replayHeadless(interval: Double, write: (String) -> Void) {
        switch header.source.kind {
        case .process: ProcessReplay(interval: interval).run(self, write: write)
        case .node: NodeReplay().run(self, write: write)
        default: HeadlessReplay(interval: interval).run(self, write: write)
        }
    }
}
