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
    /// Focus the event log, or give the keys back to the table (`l`).
    case toggleLogFocus
    /// Hide or show ended workers in the table (`e`).
    case toggleEnded
    /// Sort the table by the next column (`s`).
    case cycleSort
    /// Show the predicted queue wait against the arrival rate, or the graphs again (`m`).
    case toggleModelCurve
}

/// Keys to actions: a pure table, the one place a key's meaning is decided.
public struct KeyMap: Sendable {
    /// Jobs a burst (`B`) fires at once.
    public var burstSize: Int
    /// A lesson plays: `n`, `p` and space step and pause it (space no
    /// longer pauses arrivals).
    public var lessonMode: Bool
    /// A spec file was given, so `L` has something to reload (the help lists it only then).
    public var specFile: Bool

    public init(burstSize: Int = 20, lessonMode: Bool = false, specFile: Bool = false) {
        self.burstSize = burstSize
        self.lessonMode = lessonMode
        self.specFile = specFile
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
        case .other, .left, .right: return nil
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
        case "l": return .toggleLogFocus
        case "e": return .toggleEnded
        case "s": return .cycleSort
        case "m": return .toggleModelCurve
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
        case .terminateSelected: return .terminateWorker
        // Faults are the engine's own (a Node app's Workers take only terminate).
        case .faultSelected: return .control
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
        "{  }": .control, "{ }": .control, "space": .control, "B": .control, "x": .control, "r": .control,
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

    /// What each figure on screen is and over what window, as the help
    /// lists them: (figure, meaning). `window` is the engine's recent window, s.
    public static func figures(window: Double, glyphs: Glyphs = .unicode) -> [(figure: String, meaning: String)] {
        let w = Units.window(window)
        let entries: [(String, String)] = [
            ("lag p50 p99 max", "how late the loop's 1 ms timer fires, \(w); a long stall is one sample"),
            ("late >10 >50 >100", "share of wall time the loop was late by more than 10/50/100 ms, \(w)"),
            ("busy (loop)", "share of wall time the loop ran jobs and requests, \(w)"),
            ("requests p99", "a request's time from due to answered, \(w)"),
            ("hand-back", "a finished job's trip from its worker to the loop, p50/p99, \(w)"),
            ("wait / run", "a job's time queued before it starts / running, \(w)"),
            ("BUSY", "share of wall time a worker had a job, \(w) (waiting for a CPU counts)"),
            ("CPU/WALL", "CPU the thread got (/proc task stat) per busy second; under 1: no core"),
            ("WAIT  cpu wait", "share of wall time the thread was runnable, waiting for a CPU, last 1 s"),
            ("CSW/S", "context switches a second, voluntary/involuntary (preempted), last 1 s"),
            ("DONE  ELAPSED", "jobs the worker finished since it started / how long its job has run"),
            ("ended workers", "BUSY, CPU/WALL and WAIT over the thread's whole life"),
            ("predicted wait", "mean queue wait by the M/G/c model (Erlang C; Pollaczek-Khinchine for 1 server) from arrivals, mean run and its spread, \(w)"),
            ("measured", "mean queue wait of the jobs that started, \(w)"),
            ("a worker more / fewer", "the same prediction with one worker more / fewer (servers capped by cores)"),
            ("unstable: queue grows", "arrivals ask for more than the servers give (utilization >= 1): no finite wait"),
            ("wait curve (m)", "predicted mean wait against the arrival rate; the mark is the rate now"),
        ]
        return entries.map { (figure: $0.0, meaning: glyphs == .unicode ? $0.1 : $0.1.replacingOccurrences("·", with: "-")) }
    }

    /// The figures of a watched Node.js app (``Snapshot/node``): what the
    /// probe measures in the app, and over what window.
    public static func nodeFigures(interval: Double, glyphs: Glyphs = .unicode) -> [(figure: String, meaning: String)] {
        let every = Units.window(interval)
        let entries: [(String, String)] = [
            ("lag p50 p99 max", "the app's monitorEventLoopDelay (1 ms resolution), \(every)"),
            ("late >50 >100", "share of the last 60 s the loop was late by more than 50/100 ms, from its stalls"),
            ("busy (loop)", "performance.eventLoopUtilization() of the main thread, \(every)"),
            ("cpu  wait (loop)", "the main thread's CPU and run-queue wait as the kernel counts them (/proc/PID/task/PID), \(every)"),
            ("heap  gc", "v8 heap used; GC pauses (count, total, longest), \(every)"),
            ("stall", "the main loop ran this long without a turn (≥ --blame-ms, 50 by default), timed in the app between its 20 ms heartbeats; blamed on the frames of one pause"),
            ("Top blockers", "stalls charged to their innermost app frame: total, count, since start"),
            ("BUSY (ELU)", "a Worker's event-loop utilization, \(every) (wall time busy, not CPU)"),
            ("CPU/WALL WAIT CSW/S", "a Worker's OS thread (its tid, from the probe inside it) as /proc/PID/task/TID counts it, \(every): CPU over BUSY time, run-queue wait, switches/s"),
        ]
        return entries.map { (figure: $0.0, meaning: glyphs == .unicode ? $0.1 : $0.1.replacingOccurrences("·", with: "-")) }
    }

    /// Every key, as the help lists them: (keys, what they do).
    public func help(glyphs: Glyphs = .unicode) -> [(keys: String, meaning: String)] {
        let lesson: [(String, String)] = lessonMode
            ? [("n", "lesson: next step"), ("p", "lesson: previous step (its setup restored, played again)"),
               ("space", "lesson: pause / resume (the engine runs on)")]
            : []
        // Typed and built in steps: one long literal with ternaries is slow to type-check.
        let space: String = lessonMode ? "" : "space"
        let reload: String = specFile ? "L" : ""
        let enter: String = glyphs.enter == "Enter" ? "Enter" : "Enter \(glyphs.enter)"
        let arrows: String = "\(glyphs.up) \(glyphs.down)"
        var entries: [(String, String)] = lesson
        entries += [
            ("+", "spawn a worker"),
            ("-", "terminate the selected worker (else the newest)"),
            ("b", "mode: blocking → chunked → offloaded"),
            ("w", "next workload"),
            ("[  ]", "job size: halve / double"),
            ("{  }", "arrival rate: halve / double"),
            (space, "pause / resume arrivals"),
            ("B", "burst: \(burstSize) jobs at once"),
            ("x", "inject a fault into the selected worker"),
            ("r", "reset statistics (job counts stay)"),
            (reload, "reload the spec file (a bad one keeps the old)"),
            ("t", "next color theme"),
            ("z", "freeze the display (the engine runs on)"),
            (arrows + " j k", "select a worker (PgUp PgDn Home End)"),
            ("s", "sort the workers: id, state, DONE, BUSY, CPU/WALL, WAIT, CSW/S"),
            ("e", "hide / show ended workers"),
            ("m", "queue: predicted wait by arrival rate, or the depth graph"),
            ("l", "focus the event log: " + arrows + " PgUp PgDn Home End scroll it, Esc back"),
            (enter, "worker detail"),
            ("Esc", "back (close detail, help, selection)"),
            ("?", "this help; ? again: what each figure is"),
            ("q  ^C", "quit"),
        ]
        return entries.filter { !$0.0.isEmpty }.map { (keys: $0.0, meaning: glyphs == .unicode ? $0.1 : $0.1.replacingOccurrences("→", with: ">")) }
    }
}
