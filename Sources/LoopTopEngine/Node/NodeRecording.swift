/// Records a watched Node.js app (`looptop node --record FILE`): a frame
/// every 1/fps seconds from a thread of its own (`looptop-record`), whether
/// the dashboard or headless runs, and a last frame once the app ended (its
/// ending and the reports that came with it).
///
/// Each frame is the dashboard's snapshot of the app (``NodeSource``)
/// carrying, in ``NodeSnapshot/reports``, the probe's interval reports that
/// arrived since the frame before: `looptop replay --headless` writes its
/// lines from those, so they are the live lines' figures. The recording
/// reads reports with a cursor of its own, apart from the headless runner's
/// ``NodeApp/takeReports()``.
public final class NodeRecording: Sendable {
    public let recorder: Recorder
    public let source: NodeSource
    private let spacing: UInt64

    private struct State {
        var stopping = false
        /// Reports already written (the model's running count).
        var seenReports = 0
        var finished = false
    }

    private let state = ConditionMutex(State())
    private let thread = ConditionMutex<OSThread?>(nil)

    public init(recorder: Recorder, source: NodeSource, framesPerSecond: Double = 10) {
        self.recorder = recorder
        self.source = source
        spacing = UInt64(1e9 / min(60, max(0.1, framesPerSecond)))
    }

    /// Writes the header and starts taking frames. The app must have been started.
    public func start() {
        recorder.begin(node: source.info, framesPerSecond: 1e9 / Double(spacing))
        let t = OSThread.spawn(name: "looptop-record") { [self] in
            var next = monotonicNow() &+ spacing
            while state.wait(deadline: next, { $0.stopping ? true : nil }) == nil {
                frame()
                next &+= spacing
                let now = monotonicNow()
                if next <= now { next = now &+ spacing }  // fell behind (a loaded machine): no burst of frames
            }
        }
        thread.withLock { $0 = t }
    }

    /// Stops taking frames and writes the last one. Call once the app has
    /// ended (after ``NodeApp/join()``), so the frame holds how it ended.
    public func finish() {
        state.withLock { $0.stopping = true }
        state.broadcast()
        let t = thread.withLock { t -> OSThread? in defer { t = nil }; return t }
        t?.join()
        let first = state.withLock { s -> Bool in defer { s.finished = true }; return !s.finished }
        guard first else { return }
        frame()
    }

    /// One frame: the snapshot now, with the reports since the last frame.
    /// Called by one thread at a time (the recording's, then `finish` after joining it).
    private func frame() {
        let seen = state.withLock { $0.seenReports }
        let (reports, total) = source.app.reports(after: seen)
        var snapshot = source.snapshot(detailFor: nil)
        snapshot.node?.reports = reports.isEmpty ? nil : reports
        state.withLock { $0.seenReports = total }
        recorder.recordFrame(snapshot)
    }
}
