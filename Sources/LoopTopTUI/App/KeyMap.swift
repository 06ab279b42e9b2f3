import LoopTopEngine

/// What a key asks for: an engine command, or something the UI does itself.
public enum Action: Sendable, Equatable {
    /// Sent to the engine as it is.
    case command(Command)
    /// Terminate the selected worker, else the newest (`-`).
    case terminateSelected
    /// Inject a fault into the selected worker, else the newest (`x`).
    case faultSelected
    /// Freeze or unfreeze the display; the engine runs on (`z`).
    case toggleFreeze
    case toggleHelp
    /// Move the selection by this many rows (↑ ↓ j k).
    case moveSelection(Int)
    /// Move the selection by this many pages (PgUp PgDn).
    case page(Int)
    case selectFirst
    case selectLast
    /// Open the selected worker's detail (Enter).
    case openDetail
    /// Close the help, the detail, or the selection (Esc).
    case back
    case quit
    /// End the lesson's step now and go to the next (`n`, lessons only).
    case lessonNext
    /// Play the previous step again (`p`, lessons only).
    case lessonPrevious
    /// Hold or resume the lesson's timeline; the engine runs on (space, lessons only).
    case lessonTogglePause
    /// Read the spec file again and apply it, or keep the old one (`L`).
    case reloadSpec
    /// Switch to the next theme (`t`).
    case cycleTheme
}

/// Keys to actions: a pure table, the one place a key's meaning is decided.
public struct KeyMap: Sendable {
    /// Jobs a burst (`B`) fires at once.
    public var burstSize: Int
    /// A lesson plays: `n`, `p` and space step and pause it (space no
    /// longer pauses arrivals).
    public var lessonMode: Bool

    public init(burstSize: Int = 20, lessonMode: Bool = false) {
        self.burstSize = burstSize
        self.lessonMode = lessonMode
    }

    public func action(for key: Key) -> Action? {
        switch key {
        case .up: return .moveSelection(-1)
        case .down: return .moveSelection(1)
        case .pageUp: return .page(-1)
        case .pageDown: return .page(1)
        case .home: return .selectFirst
        case .end: return .selectLast
        case .enter: return .openDetail
        case .escape: return .back
        case .interrupt: return .quit
        case .other: return nil
        case .character(let c): return action(for: c)
        }
    }

    private func action(for c: Character) -> Action? {
        if lessonMode {
            switch c {
            case "n": return .lessonNext
            case "p": return .lessonPrevious
            case " ": return .lessonTogglePause
            default: break
            }
        }
        switch c {
        case "+", "=": return .command(.spawn(count: 1))
        case "-", "_": return .terminateSelected
        case "b": return .command(.cycleMode)
        case "w": return .command(.cycleWorkload)
        case "[": return .command(.scaleJobSize(by: 0.5))
        case "]": return .command(.scaleJobSize(by: 2))
        case "{": return .command(.scaleRate(by: 0.5))
        case "}": return .command(.scaleRate(by: 2))
        case " ": return .command(.togglePause)
        case "B": return .command(.burst(burstSize))
        case "x": return .faultSelected
        case "r": return .command(.resetStatistics)
        case "L": return .reloadSpec
        case "t": return .cycleTheme
        case "z", "Z": return .toggleFreeze
        case "?", "h": return .toggleHelp
        case "k": return .moveSelection(-1)
        case "j": return .moveSelection(1)
        case "g": return .selectFirst
        case "G": return .selectLast
        case "q", "Q": return .quit
        default: return nil
        }
    }

    /// What a source must be able to do for `action` to mean anything
    /// (nil: the UI does it itself, for any source).
    public static func needs(_ action: Action) -> SourceCapabilities? {
        switch action {
        case .command: return .control
        case .terminateSelected, .faultSelected: return .terminateWorker
        case .openDetail: return .workerDetail
        case .reloadSpec: return .reloadSpec
        case .lessonNext, .lessonPrevious, .lessonTogglePause: return .lessons
        default: return nil
        }
    }

    /// The keys, as the help and footer label them, that need more than
    /// reading snapshots.
    static let labelNeeds: [String: SourceCapabilities] = [
        "+": .control, "-": .terminateWorker, "b": .control, "w": .control, "[  ]": .control, "[ ]": .control,
        "{  }": .control, "{ }": .control, "space": .control, "B": .control, "x": .terminateWorker, "r": .control,
        "L": .reloadSpec, "Enter": .workerDetail, "↵": .workerDetail,
    ]

    /// Whether a key labelled `label` works for a source that can do `capabilities`.
    static func shows(_ label: String, for capabilities: SourceCapabilities) -> Bool {
        let key = label.hasPrefix("Enter") ? "Enter" : label
        return labelNeeds[key].map { capabilities.contains($0) } ?? true
    }

    /// The keys a source that can do `capabilities` takes, with the
    /// source's own keys (`extra`, a replay's) first.
    public func help(glyphs: Glyphs = .unicode, capabilities: SourceCapabilities,
                     extra: [(keys: String, meaning: String)] = []) -> [(keys: String, meaning: String)] {
        extra + help(glyphs: glyphs).filter { Self.shows($0.keys, for: capabilities) }
    }

    /// Every key, as the help lists them: (keys, what they do).
    public func help(glyphs: Glyphs = .unicode) -> [(keys: String, meaning: String)] {
        let lesson: [(String, String)] = lessonMode
            ? [("n", "lesson: next step"), ("p", "lesson: previous step (plays it again)"),
               ("space", "lesson: pause / resume (the engine runs on)")]
            : []
        return (lesson + [
            ("+", "spawn a worker"),
            ("-", "terminate the selected worker (else the newest)"),
            ("b", "mode: blocking → chunked → offloaded"),
            ("w", "next workload"),
            ("[  ]", "job size: halve / double"),
            ("{  }", "arrival rate: halve / double"),
            (lessonMode ? "" : "space", "pause / resume arrivals"),
            ("B", "burst: \(burstSize) jobs at once"),
            ("x", "inject a fault into the selected worker"),
            ("r", "reset statistics (job counts stay)"),
            ("L", "reload the spec file (a bad one keeps the old)"),
            ("t", "next color theme"),
            ("z", "freeze the display (the engine runs on)"),
            ("\(glyphs.up) \(glyphs.down) j k", "select a worker (PgUp PgDn Home End)"),
            (glyphs.enter == "Enter" ? "Enter" : "Enter \(glyphs.enter)", "worker detail"),
            ("Esc", "back (close detail, help, selection)"),
            ("?", "this help"),
            ("q  ^C", "quit"),
        ]).filter { !$0.0.isEmpty }.map { (keys: $0.0, meaning: glyphs == .unicode ? $0.1 : $0.1.replacingOccurrences("→", with: ">")) }
    }
}
