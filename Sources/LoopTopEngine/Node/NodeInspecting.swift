/// One JavaScript stack frame of a paused Node.js main thread.
public struct StackFrame: Codable, Sendable, Equatable {
    /// The function's name, or "(anonymous)".
    public var function: String
    /// The script's path (or its URL when it is not a file, e.g. `node:internal/timers`).
    public var file: String
    /// 1-based, as editors count.
    public var line: Int

    public init(function: String, file: String, line: Int) {
        self.function = function
        self.file = file
        self.line = line
    }
}

/// What one pause of the app's main thread found.
public struct PauseReading: Sendable, Equatable {
    /// Innermost first.
    public var frames: [StackFrame]
    /// From sending the pause to the paused event (the app ran on meanwhile).
    public var pauseLatencyMs: Double
    /// From the paused event to the resume's answer: how long blame held the app.
    public var heldMs: Double

    public init(frames: [StackFrame], pauseLatencyMs: Double, heldMs: Double) {
        self.frames = frames
        self.pauseLatencyMs = pauseLatencyMs
        self.heldMs = heldMs
    }
}

/// Pauses a Node.js app's main thread from outside (its inspector runs on a
/// thread of its own, so it answers while the loop is blocked), reads where
/// the JavaScript is, and resumes it. The engine knows only this protocol; the
/// WebSocket client lives in its own target (LoopTopNodeInspector) so the
/// engine needs no networking library.
public protocol NodeInspecting: AnyObject, Sendable {
    /// Starts connecting to the inspector's `ws://127.0.0.1:PORT/UUID` URL;
    /// returns at once. `failed` is called once if the connection cannot be made or ends.
    func connect(url: String, failed: @escaping @Sendable (String) -> Void)
    /// True once the WebSocket is open (and, if it enables the debugger at connect, that is done).
    var isReady: Bool { get }
    /// Pauses the app, reads its frames and resumes it; `done` runs on the
    /// client's own thread, before the resume is sent. At most one at a time:
    /// a call while one is in flight is ignored and returns false.
    @discardableResult
    func pause(_ done: @escaping @Sendable (PauseReading) -> Void) -> Bool
    /// Disconnects (the app exits without waiting for a debugger) and ends the client's thread.
    func close()
    /// Enables the debugger now if it is not yet (call when the app is idle,
    /// so the first pause is quick and enabling does not lengthen a stall).
    func prepare()
    /// True from ``prepare()`` until the debugger is on: the app's main
    /// thread is busy enabling it (a stall then is looptop's, not the app's).
    var isEnabling: Bool { get }
}

extension NodeInspecting {
    public func prepare() {}
    public var isEnabling: Bool { false }
}
