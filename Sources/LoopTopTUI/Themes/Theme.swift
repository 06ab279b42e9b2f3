import LoopTopEngine

/// A color theme: a color for each ``ThemeRole``, read from a flat TOML
/// file (see `Themes/default.toml`) or compiled in (``Theme/default``).
///
/// ```swift
/// let theme = try ThemeLoader.load(nameOrPath: "nord")
/// let palette = Palette(theme: theme, depth: .indexed256)
/// ```
public struct Theme: Sendable, Equatable {
    /// The file's name without `.toml` ("nord"), or "default".
    public var name: String
    /// The file it came from; nil for the compiled-in default.
    public var path: String?
    /// One line about it (the file's `description`).
    public var summary: String
    /// A color for every role, except the optional gradient mids.
    public var colors: [ThemeRole: Color]

    public init(name: String, path: String? = nil, summary: String = "", colors: [ThemeRole: Color]) {
        self.name = name
        self.path = path
        self.summary = summary
        self.colors = colors
    }

    /// The role's color; a missing one is the terminal's own.
    public func color(_ role: ThemeRole) -> Color { colors[role] ?? .terminalDefault }

    /// The color `t` of the way (0…1) along a gradient: start, then mid (if
    /// set) at the half, then end. Between stops the colors are mixed where
    /// both have a value; a stop that is the terminal's own is taken as is.
    public func gradientColor(_ gradient: Gradient, at t: Double) -> Color {
        let (start, mid, end) = ThemeRole.stops(of: gradient)
        var stops: [(Double, Color)] = [(0, color(start))]
        if let m = colors[mid] { stops.append((0.5, m)) }
        stops.append((1, color(end)))
        let t = min(1, max(0, t))
        for i in 1..<stops.count where t <= stops[i].0 {
            let (t0, a) = stops[i - 1], (t1, b) = stops[i]
            let u = (t - t0) / (t1 - t0)
            if u <= 0.001 { return a }
            if u >= 0.999 { return b }
            guard let ra = a.rgbValue, let rb = b.rgbValue else { return u < 0.5 ? a : b }
            return .rgb(ra.mixed(with: rb, u))
        }
        return stops[stops.count - 1].1
    }

    /// The compiled-in theme: what `Themes/default.toml` says, so looptop
    /// needs no files (a test keeps the two the same).
    public static let `default` = Theme(name: "default", summary: "looptop's own: calm blues, green for ok, amber and red for trouble", colors: [
        .background: .terminalDefault, .text: .terminalDefault, .dim: .indexed(245), .title: .indexed(81),
        .border: .indexed(240), .header: .indexed(252), .key: .indexed(222), .selection: .indexed(231),
        .selectionBackground: .indexed(237), .ok: .indexed(114), .warn: .indexed(221), .critical: .indexed(203),
        .graph: .indexed(110),
        .stateStarting: .indexed(117), .stateIdle: .indexed(245), .stateRunning: .indexed(114),
        .stateStopping: .indexed(221), .stateExited: .indexed(240), .stateFailed: .indexed(203),
        .jobCompleted: .indexed(114), .jobFailed: .indexed(203), .jobCancelled: .indexed(221), .jobRejected: .indexed(215),
        .lagStart: .indexed(114), .lagMid: .indexed(221), .lagEnd: .indexed(203),
        .queueStart: .indexed(110), .queueMid: .indexed(221), .queueEnd: .indexed(203),
        .activityStart: .indexed(67), .activityMid: .indexed(110), .activityEnd: .indexed(117),
    ])
}

/// What a theme gives a color to: its key in the file, and what it colors.
public enum ThemeRole: String, Sendable, Hashable, CaseIterable {
    case background
    case text, dim, title, border, header, key, selection
    case selectionBackground = "selection_bg"
    case ok, warn, critical, graph
    case stateStarting = "state_starting", stateIdle = "state_idle", stateRunning = "state_running"
    case stateStopping = "state_stopping", stateExited = "state_exited", stateFailed = "state_failed"
    case jobCompleted = "job_completed", jobFailed = "job_failed", jobCancelled = "job_cancelled"
    case jobRejected = "job_rejected"
    case lagStart = "lag_start", lagMid = "lag_mid", lagEnd = "lag_end"
    case queueStart = "queue_start", queueMid = "queue_mid", queueEnd = "queue_end"
    case activityStart = "activity_start", activityMid = "activity_mid", activityEnd = "activity_end"

    /// What the role colors, as `Themes/default.toml` documents it.
    public var meaning: String {
        switch self {
        case .background: "behind everything; \"default\" keeps the terminal's own (transparent) background"
        case .text: "ordinary text and figures"
        case .dim: "labels, units and times: what is read second"
        case .title: "panel titles and the program's name"
        case .border: "panel borders"
        case .header: "column headings of the workers table"
        case .key: "keys named in the footer and the help"
        case .selection: "the selected worker's marker"
        case .selectionBackground: "the selected row's background"
        case .ok: "figures that are fine; the OFFLOADED mode chip"
        case .warn: "figures worth a look; the CHUNKED chip and PAUSED"
        case .critical: "figures in trouble, warnings, BLOCKING and BLOCKED"
        case .graph: "ink with no judgement: gauges, histogram bars"
        case .stateStarting: "a worker thread starting"
        case .stateIdle: "a worker waiting for a job"
        case .stateRunning: "a worker running a job"
        case .stateStopping: "a worker asked to stop"
        case .stateExited: "a worker that ended normally"
        case .stateFailed: "a worker that failed"
        case .jobCompleted, .jobFailed, .jobCancelled, .jobRejected: "a job that was \(rawValue.dropFirst(4)) (worker detail)"
        case .lagStart: "lag graph: no lag"
        case .lagMid: "lag graph: 10 ms, where lag starts to show (optional)"
        case .lagEnd: "lag graph: 50 ms and more, a blocked loop"
        case .queueStart: "queue depth graph: empty"
        case .queueMid: "queue depth graph: half full (optional)"
        case .queueEnd: "queue depth graph: full"
        case .activityStart: "worker activity graphs: idle"
        case .activityMid: "worker activity graphs: half busy (optional)"
        case .activityEnd: "worker activity graphs: busy all the time"
        }
    }

    /// Gradient mids may be left out: the gradient then runs start to end.
    public var isOptional: Bool { self == .lagMid || self == .queueMid || self == .activityMid }

    /// The attributes a role always has, whatever its color.
    var attributes: Attributes {
        switch self {
        case .title, .header, .key, .selection, .critical, .stateRunning, .stateFailed, .jobFailed: .bold
        default: []
        }
    }

    /// The role of the screen it colors (nil for background, selection_bg and gradient stops).
    var role: Role? {
        switch self {
        case .text: .text
        case .dim: .dim
        case .title: .title
        case .border: .border
        case .header: .header
        case .key: .key
        case .selection: .selection
        case .ok: .ok
        case .warn: .warn
        case .critical: .critical
        case .graph: .graph
        case .stateStarting: .workerState(.starting)
        case .stateIdle: .workerState(.idle)
        case .stateRunning: .workerState(.running)
        case .stateStopping: .workerState(.stopping)
        case .stateExited: .workerState(.exited)
        case .stateFailed: .workerState(.failed)
        case .jobCompleted: .jobOutcome(.completed)
        case .jobFailed: .jobOutcome(.failed)
        case .jobCancelled: .jobOutcome(.cancelled)
        case .jobRejected: .jobOutcome(.rejected)
        default: nil
        }
    }

    static func stops(of gradient: Gradient) -> (ThemeRole, ThemeRole, ThemeRole) {
        switch gradient {
        case .lag: (.lagStart, .lagMid, .lagEnd)
        case .queue: (.queueStart, .queueMid, .queueEnd)
        case .activity: (.activityStart, .activityMid, .activityEnd)
        }
    }
}
