import LoopTopEngine

/// How the dashboard runs: frame rate, burst size, colors, glyphs.
public struct DashboardOptions: Sendable {
    /// Frames (snapshots) per second; the sparklines span `60 × fps` frames.
    public var framesPerSecond: Double
    /// Jobs a burst (`B`) fires.
    public var burstSize: Int
    /// Colors to use; nil detects them (`NO_COLOR` set means none).
    public var colorDepth: ColorDepth?
    /// Force ASCII glyphs (true) or Unicode (false); nil decides from the locale.
    public var ascii: Bool?
    /// A lesson to play, with its captions in their own panel (n / p / space).
    public var lesson: Lesson?
    /// The spec file the engine was started with, reloaded by a key.
    public var specPath: String?
    /// The colors to start with (`t` cycles through ``ThemeLoader/available(environment:currentDirectory:)``).
    /// Load it before starting (``ThemeLoader/load(nameOrPath:environment:currentDirectory:)``)
    /// so a bad file stops the program before the screen changes.
    public var theme: Theme = .default
    /// A line to show for the first seconds (a replay's "last line cut short").
    public var startNotice: String?
    /// Frames the live dashboard keeps to rewind through (← →): 6000 is the
    /// last 10 minutes at the engine's 10 frames a second.
    public var rewindFrames = 6000
    /// Called on the UI thread with every frame's snapshot, e.g. to publish it to
    /// the metrics exporter; it must return at once (a lock and a store).
    public var onSnapshot: (@Sendable (Snapshot) -> Void)?
    /// Leave when the source ends (a watched app exited), not only on q.
    public var quitWhenSourceEnds = false

    public init(framesPerSecond: Double = 10, burstSize: Int = 20, colorDepth: ColorDepth? = nil, ascii: Bool? = nil) {
        self.framesPerSecond = framesPerSecond
        self.burstSize = burstSize
        self.colorDepth = colorDepth
        self.ascii = ascii
    }

    /// Frames per second, kept within 1…60.
    var fps: Double { framesPerSecond.isFinite ? min(60, max(1, framesPerSecond)) : 10 }
    var frameNanos: UInt64 { UInt64(1e9 / fps) }
    /// Values in the minute the graphs show: sources make 10 frames a
    /// second (the engine's sampler, a recording's pace), whatever the fps.
    var historySamples: Int { 600 }
}
