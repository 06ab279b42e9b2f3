import LoopTopEngine

/// Everything one frame draws: the snapshot, the UI's own state, and how to
/// draw (glyphs, clock). A value, so a frame renders the same every time.
public struct Frame: Sendable {
    public var snapshot: Snapshot
    public var state: UIState
    public var glyphs: Glyphs
    /// Samples a sparkline spreads over its width: a minute of frames
    /// (frames per second × 60), so every graph spans the same minute.
    public var historySamples: Int
    /// Local time of day of the snapshot, in seconds since midnight; the
    /// event log prints times of day from it. Nil prints time since start.
    public var secondsOfDay: Double?
    /// Jobs a burst fires (for the help).
    public var burstSize: Int
    /// The lesson being played, if one is: its panel, keys and footer.
    public var lesson: LessonStatus?
    /// Messages of the UI's own (a failed spec reload, the theme chosen),
    /// shown above the engine's warnings for a few seconds.
    public var notices: [Notice]
    /// What the source can do: the footer and help list only these keys.
    public var capabilities: SourceCapabilities = [.control, .lessons, .workerDetail, .reloadSpec, .terminateWorker]
    /// Keys of the source's own (a replay's), listed first in the help.
    public var sourceKeys: [(keys: String, meaning: String)] = []
    /// A mark for the header about where in time the frame is
    /// (`REPLAY 01:12 / 04:30`, `REWIND −12.3 s`); nil when live.
    public var timeMark: String?
    /// The events the UI has kept (see ``EventHistory``), oldest first; nil:
    /// the snapshot's own log.
    public var history: [EngineEvent]?

    /// Frozen: the engine's settings now (the header says when they changed).
    public var liveSettings: EngineSettings?

    /// A spec file was given (`L` reloads it; the help lists `L` only then).
    public var specFile = false

    /// What the event log shows.
    var events: [EngineEvent] { history ?? snapshot.log }

    /// The event log's folded lines, when the app has them from its
    /// ``LogFolder``; nil: folded while drawing.
    public var logLines: [LogLine]?

    /// The event log's lines, folded.
    var foldedLog: [LogLine] { logLines ?? LogLine.fold(events) }

    public init(snapshot: Snapshot, state: UIState = UIState(), glyphs: Glyphs = .unicode,
                historySamples: Int = 600, secondsOfDay: Double? = nil, burstSize: Int = 20,
                lesson: LessonStatus? = nil, notices: [Notice] = [], history: [EngineEvent]? = nil,
                liveSettings: EngineSettings? = nil) {
        self.snapshot = snapshot
        self.state = state
        self.glyphs = glyphs
        self.historySamples = max(1, historySamples)
        self.secondsOfDay = secondsOfDay
        self.burstSize = burstSize
        self.lesson = lesson
        self.notices = notices
        self.history = history
        self.liveSettings = liveSettings
    }

    /// Lines the warnings area would like: the UI's notices and the engine's warnings.
    var warningLines: Int { notices.count + snapshot.warnings.count }

    /// Samples per column for a sparkline `width` cells wide.
    func samplesPerCell(width: Int) -> Int {
        guard width > 0 else { return 1 }
        return max(1, (historySamples + width - 1) / width)
    }
}

/// A message of the UI's own, shown with the warnings for a while.
public struct Notice: Sendable, Equatable {
    public enum Severity: Sendable, Equatable { case info, warn, critical }
    public var message: String
    public var severity: Severity

    public init(_ message: String, severity: Severity = .info) {
        self.message = message
        self.severity = severity
    }
}
