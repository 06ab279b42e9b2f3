#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import LoopTopEngine

/// The UI loop: owns curses, waits on stdin and a signalfd with the frame
/// deadline as timeout, reads the source's snapshot each frame, draws it,
/// applies keys.
///
/// It only reads `SnapshotSource.snapshot` and calls `send`, which never
/// wait for the watched loop, so it stays responsive while the loop is
/// blocked. Keys the source cannot take get a one-line notice.
final class DashboardApp: TerminalApp {
    private let source: any SnapshotSource
    private let options: DashboardOptions
    private let keyMap: KeyMap
    private var state = UIState()
    /// The newest snapshot, and the one shown while frozen.
    private var live = Snapshot()
    private var frozen: Snapshot?
    private var glyphs = Glyphs.unicode
    /// Plays `options.lesson`, on this thread, with the snapshots' time.
    private let player: LessonPlayer?
    private var lessonStarted = false
    /// Every event seen, beyond the engine's last 200, for the event log to scroll over.
    private var history = EventHistory()
    /// The log folded once per change of it, not once per frame.
    private let folder = LogFolder()
    /// The UI's own messages, each until its monotonic deadline.
    private var notices: [(notice: Notice, until: UInt64)] = []
    /// How long a notice stays on screen.
    static let noticeNanos: UInt64 = 6_000_000_000
    /// Past frames of a live source, to rewind through (← →).
    private var rewind: Timeline
    /// The past frame shown (an index into `rewind`), nil when live.
    private var rewindIndex: Int?
    private var rewindShown: (index: Int, dropped: Int, snapshot: Snapshot)?
    private var rewindDropped = 0
    private var endingShown = false

    init(source: any SnapshotSource, options: DashboardOptions) {
        self.source = source
        self.options = options
        let lessons = source.capabilities.contains(.lessons)
        keyMap = KeyMap(burstSize: options.burstSize, lessonMode: options.lesson != nil && lessons, specFile: options.specPath != nil)
        // A step stays on screen as long as its caption takes to read.
        player = lessons ? options.lesson.map { LessonPlayer(lesson: $0, source: source, readsCaptions: true) } : nil
        rewind = Timeline(limit: source is any SeekableSource ? 1 : options.rewindFrames)
        if let line = options.startNotice { show(Notice(line, severity: .warn)) }
    }

    func run() -> Int32 { TerminalLoop.run(self, options: options) }

    // MARK: TerminalApp

    func begin(glyphs: Glyphs) { self.glyphs = glyphs }

    func frame(on screen: CursesScreen) {
        tick()
        draw(screen)
    }

    func redraw(on screen: CursesScreen) { draw(screen) }

    /// A watched app that ended ends the dashboard (``DashboardOptions/quitWhenSourceEnds``).
    var finished: Bool { options.quitWhenSourceEnds && source.ending != nil }

    func handle(_ key: Key, on screen: CursesScreen) -> Bool { handle(key, screen: screen) }

    /// A click on the lag graph jumps to that moment (rewind, replay).
    func click(row: Int, col: Int, on screen: CursesScreen) {
        let snapshot = shown
        if let back = GraphClick.nanosBack(row: row, col: col, frame: makeFrame(snapshot), size: screen.size) {
            jump(to: snapshot.time &- min(snapshot.time, back))
        }
    }

    /// Takes this frame's snapshot and moves the lesson on with its time.
    private func tick() {
        let capabilities = source.capabilities
        live = source.snapshot(detailFor: capabilities.contains(.workerDetail) ? state.detailWorker : nil)
        if !(source is any SeekableSource), rewind.entries.last?.snapshot.time != live.time {
            rewind.append(live)
            // Dropping the oldest frame moves every index down one.
            let dropped = rewind.dropped - rewindDropped
            rewindDropped = rewind.dropped
            if let i = rewindIndex, dropped > 0 { rewindIndex = max(0, i - dropped) }
        }
        if !endingShown, case .exited(_, let message)? = source.ending {
            // A watched program that ended: say so once, keep its last frame until q.
            endingShown = true
            notices.removeAll()
            notices.append((Notice(message, severity: .warn), UInt64.max))
        }
        history.merge(live.log)
        options.onSnapshot?(live)
        if let player {
            // The lesson starts after the first snapshot, so its clock is the engine's.
            if !lessonStarted {
                player.start(now: live.time)
                lessonStarted = true
            } else {
                _ = player.tick(now: live.time, snapshot: live)
            }
        }
        let now = TerminalLoop.monotonic()
        notices.removeAll { $0.until <= now }
        if state.frozen, var shown = frozen, let id = state.detailWorker,
           let i = shown.workers.firstIndex(where: { $0.id == id }), shown.workers[i].recentJobs.isEmpty,
           let fresh = live.workers.first(where: { $0.id == id }), !fresh.recentJobs.isEmpty {
            // Detail opened on a frozen frame: its jobs come from the first frame that has them.
            shown.workers[i].recentJobs = fresh.recentJobs
            shown.workers[i].runHistogram = fresh.runHistogram
            frozen = shown
        }
    }

    private var shown: Snapshot {
        if let i = rewindIndex { return rewindFrame(i) }
        return state.frozen ? (frozen ?? live) : live
    }

    /// A past frame, rebuilt once while it is shown.
    private func rewindFrame(_ i: Int) -> Snapshot {
        if let cached = rewindShown, cached.index == i, cached.dropped == rewind.dropped { return cached.snapshot }
        let snapshot = rewind.frame(at: min(i, rewind.count - 1))
        rewindShown = (i, rewind.dropped, snapshot)
        return snapshot
    }

    /// The header's mark for where in time the frame is.
    private var timeMark: String? {
        if let replay = source as? any SeekableSource { return TimeMark.replay(replay.playback) }
        guard let i = rewindIndex else { return nil }
        return TimeMark.rewind(Double(live.time &- rewindFrame(i).time) / 1e9)
    }

    /// The keys that move through time, before the key map: a replay's
    /// (space ← → PgUp PgDn Home End < >), or the live rewind (← → Home End
    /// Esc). True if the key was one of them.
    private func handleTimeKey(_ key: Key) -> Bool {
        // The help takes any key; the focused log scrolls with PgUp PgDn Home End.
        guard !state.helpVisible else { return false }
        if state.logFocused, [.pageUp, .pageDown, .home, .end, .up, .down].contains(key) { return false }
        if let replay = source as? any SeekableSource {
            let move: PlaybackMove?
            switch key {
            case .character(" "): move = .togglePlay
            case .left: move = .step(-1)
            case .right: move = .step(1)
            case .pageUp, .character("["): move = .jump(-10)
            case .pageDown, .character("]"): move = .jump(10)
            case .home: move = .toStart
            case .end: move = .toEnd
            case .character("<"), .character(","): move = .scaleSpeed(0.5)
            case .character(">"), .character("."): move = .scaleSpeed(2)
            default: move = nil
            }
            guard let move else { return false }
            replay.seek(move)
            live = source.snapshot(detailFor: state.detailWorker)
            if state.frozen { frozen = live }
            return true
        }
        let last = rewind.count - 1
        guard last >= 0 else { return false }
        switch key {
        case .left:
            rewindIndex = max(0, (rewindIndex ?? last) - 1)
        case .right:
            guard let i = rewindIndex else { return true }
            rewindIndex = i + 1 >= last ? nil : i + 1
        case .pageUp, .pageDown:
            guard let i = rewindIndex else { return false }
            let now = rewind.entries[i].snapshot.time
            let target = key == .pageUp ? now &- min(now, 10_000_000_000) : now &+ 10_000_000_000
            let j = rewind.index(atOrBefore: target) ?? 0
            rewindIndex = j >= last ? nil : j
        case .home:
            guard rewindIndex != nil else { return false }
            rewindIndex = 0
        case .end:
            guard rewindIndex != nil else { return false }
            rewindIndex = nil
        case .escape:
            // The topmost overlay or view closes first; then the rewind ends.
            guard rewindIndex != nil, state.detailWorker == nil, !state.logFocused else { return false }
            rewindIndex = nil
        default:
            return false
        }
        return true
    }

    /// Jumps the rewind (or a replay) to the frame at engine time `time`.
    func jump(to time: UInt64) {
        if let replay = source as? any SeekableSource {
            replay.seek(.toTime(time))
            return
        }
        guard let j = rewind.index(atOrBefore: time) else { return }
        rewindIndex = j >= rewind.count - 1 ? nil : j
    }

    private func draw(_ screen: CursesScreen) {
        let snapshot = shown
        var frame = makeFrame(snapshot)
        state.fit(workers: snapshot.workers, visibleRows: DashboardRenderer.workerRows(size: screen.size, frame: frame))
        state.fitLog(lines: frame.foldedLog.count,
                     visible: DashboardRenderer.focusedLogRows(size: screen.size, frame: frame))
        frame.state = state
        DashboardRenderer.render(frame, on: screen)
        screen.present()
    }

    private func makeFrame(_ snapshot: Snapshot) -> Frame {
        let lesson = player.flatMap { lessonStarted ? LessonStatus(player: $0, now: live.time) : nil }
        // The event log's clock is the source's: a replayed or rewound frame shows its own time of day.
        let secondsOfDay = snapshot.wallSeconds > 0 ? Self.secondsOfDay(unix: snapshot.wallSeconds) : nil
        // Frozen, rewound or replayed, the log stops where the frame shown does.
        let events = snapshot.time < live.time || state.frozen || source is any SeekableSource
            ? history.events.filter { $0.time <= snapshot.time } : history.events
        var frame = Frame(snapshot: snapshot, state: state, glyphs: glyphs, historySamples: options.historySamples,
                          secondsOfDay: secondsOfDay, burstSize: options.burstSize, lesson: lesson,
                          notices: notices.map(\.notice), history: events,
                          liveSettings: state.frozen ? live.settings : nil)
        frame.logLines = folder.lines(of: events)
        frame.specFile = options.specPath != nil
        frame.capabilities = source.capabilities
        frame.timeMark = timeMark
        frame.sourceKeys = Self.timeKeys(source: source, glyphs: glyphs)
        return frame
    }

    private func show(_ notice: Notice) {
        notices.removeAll { $0.notice == notice }
        notices.append((notice, TerminalLoop.monotonic() + Self.noticeNanos))
        // Only the newest few: the warnings area is small.
        if notices.count > 2 { notices.removeFirst(notices.count - 2) }
    }

    /// The keys that move through time, as the help lists them.
    static func timeKeys(source: any SnapshotSource, glyphs: Glyphs) -> [(keys: String, meaning: String)] {
        let left = glyphs.left, right = glyphs.right
        if source is any SeekableSource {
            return [("space", "replay: pause / play"), ("\(left) \(right)", "one frame back / forward (pauses)"),
                    ("[ ] PgUp PgDn", "10 s back / forward"), ("Home End", "first / last frame"),
                    ("<  >", "halve / double the speed")]
        }
        return [("\(left) \(right)", "rewind: a frame back / forward (10 min kept; the engine runs on)"),
                ("Home End", "while rewound: oldest frame / back to live"),
                ("Esc", "closes detail and help first, then leaves the rewind")]
    }

    /// Applies one key; true if it asks to quit.
    private func handle(_ key: Key, screen: CursesScreen) -> Bool {
        if handleTimeKey(key) { return false }
        guard let action = keyMap.action(for: key) else { return false }
        if !state.helpVisible, let missing = KeyMap.needs(action), !source.capabilities.contains(missing) {
            show(Notice(Self.unsupported(missing, source: source.info)))
            return false
        }
        if !state.helpVisible, handleAppAction(action, screen: screen) { return false }
        let snapshot = shown
        let wasFrozen = state.frozen
        let frame = makeFrame(snapshot)
        let visible = state.logFocused ? DashboardRenderer.focusedLogRows(size: screen.size, frame: frame)
            : DashboardRenderer.workerRows(size: screen.size, frame: frame)
        if let command = state.apply(action, workers: snapshot.workers, visibleRows: visible) {
            if case .unsupported(let line) = source.send(command) { show(Notice(line)) }
        }
        if state.frozen != wasFrozen { frozen = state.frozen ? live : nil }
        return state.quitRequested
    }

    /// The actions the app acts on itself (lesson, spec, theme); true if it did.
    private func handleAppAction(_ action: Action, screen: CursesScreen) -> Bool {
        switch action {
        case .lessonNext:
            guard let player, lessonStarted else { return true }
            player.next(now: live.time, snapshot: live)
        case .lessonPrevious:
            guard let player, lessonStarted else { return true }
            player.previous(now: live.time)
        case .lessonTogglePause:
            guard let player, lessonStarted, !player.finished else { return true }
            player.togglePause(now: live.time)
        case .reloadSpec:
            guard let engine = source as? Engine else { return true }
            show(SpecReload.run(path: options.specPath, apply: { engine.apply($0) }))
        case .cycleTheme:
            if let (theme, notice) = ThemeCycle.next(after: screen.theme) {
                screen.setTheme(theme)
                // One theme line at a time, however fast `t` is pressed.
                notices.removeAll { $0.notice.message.hasPrefix("theme ") }
                show(notice)
            }
        default:
            return false
        }
        return true
    }

    /// Local time of day at a Unix time (the source's clock), in seconds since midnight.
    static func secondsOfDay(unix: Double) -> Double {
        var seconds = time_t(unix.rounded(.down))
        var parts = tm()
        guard localtime_r(&seconds, &parts) != nil else { return 0 }
        return Double(parts.tm_hour * 3600 + parts.tm_min * 60 + parts.tm_sec) + (unix - unix.rounded(.down))
    }

    /// The one line a key the source cannot take gets: "replay: read-only".
    static func unsupported(_ missing: SourceCapabilities, source: SourceInfo) -> String {
        let name = source.noticeName
        if source.kind == .recording, missing == .control || missing == .terminateWorker || missing == .reloadSpec {
            return "\(name): read-only"
        }
        return "\(name): not available"
    }

}
