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
final class DashboardApp {
    private let source: any SnapshotSource
    private let options: DashboardOptions
    private let keyMap: KeyMap
    private var state = UIState()
    /// The newest snapshot, and the one shown while frozen.
    private var live = Snapshot()
    private var frozen: Snapshot?
    private var glyphs = Glyphs.unicode
    private var secondsOfDay: Double?
    /// Plays `options.lesson`, on this thread, with the snapshots' time.
    private let player: LessonPlayer?
    private var lessonStarted = false
    /// The UI's own messages, each until its monotonic deadline.
    private var notices: [(notice: Notice, until: UInt64)] = []
    /// How long a notice stays on screen.
    static let noticeNanos: UInt64 = 6_000_000_000

    init(source: any SnapshotSource, options: DashboardOptions) {
        self.source = source
        self.options = options
        let lessons = source.capabilities.contains(.lessons)
        keyMap = KeyMap(burstSize: options.burstSize, lessonMode: options.lesson != nil && lessons)
        player = lessons ? options.lesson.map { LessonPlayer(lesson: $0, source: source) } : nil
    }

    func run() -> Int32 {
        setlocale(LC_ALL, "")
        let unicode = options.ascii.map { !$0 } ?? (looptop_locale_is_utf8() == 1)
        glyphs = unicode ? .unicode : .ascii
        guard let inbox = SignalInbox(Dashboard.signals) else {
            printError("looptop: cannot watch signals (signalfd failed)")
            return 1
        }
        FatalRestore.arm()
        guard let screen = CursesScreen(colorDepth: options.colorDepth, unicode: unicode,
                                        environment: Self.environment(["NO_COLOR", "COLORTERM"]),
                                        theme: options.theme) else {
            FatalRestore.disarm()
            printError("looptop: cannot start curses on this terminal; use --headless")
            return 2
        }
        raw()  // ^C and ^Z arrive as keys (signals from kill still come through the signalfd)
        defer {
            screen.end()
            FatalRestore.disarm()
        }

        var nextFrame = Self.monotonic()
        var exitCode: Int32?
        while exitCode == nil {
            let now = Self.monotonic()
            if now >= nextFrame {
                // A resize whose SIGWINCH went to another thread is still seen within a frame.
                if screen.kernelSize != screen.size { screen.resize() }
                tick()
                draw(screen)
                nextFrame += options.frameNanos
                if nextFrame <= now { nextFrame = now + options.frameNanos }  // fell behind: do not burst
            }
            let timeout = Int32(min(1000, max(0, (nextFrame &- Self.monotonic()) / 1_000_000)))
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inbox.fd, events: Int16(POLLIN), revents: 0)]
            let ready = poll(&fds, 2, timeout)
            guard ready > 0 else { continue }
            var redraw = false
            while let signo = inbox.next() {
                if signo == SIGWINCH {
                    screen.resize()
                    redraw = true
                } else {
                    exitCode = 128 + signo
                }
            }
            if fds[0].revents & Int16(POLLHUP | POLLERR | POLLNVAL) != 0 {
                // The terminal went away (its SIGHUP may have gone to the shell only):
                // leave as SIGHUP would, instead of spinning on a dead descriptor.
                exitCode = exitCode ?? 128 + SIGHUP
            }
            while exitCode == nil, let code = screen.readKey() {
                switch code {
                case KEY_RESIZE:
                    // Curses has resized itself (its own SIGWINCH handler, or the
                    // resizeterm in resize(), which queues this key): just redraw.
                    break
                case 26:  // ^Z: give the terminal back while stopped
                    suspend(screen)
                case 28:  // ^\ as a key, since raw mode keeps it from becoming SIGQUIT
                    exitCode = 128 + SIGQUIT
                default:
                    if handle(Key.curses(code), screen: screen) { exitCode = Key.curses(code) == .interrupt ? 128 + SIGINT : 0 }
                }
                redraw = true
            }
            if redraw && exitCode == nil { draw(screen) }
        }
        return exitCode ?? 0
    }

    /// Takes this frame's snapshot and moves the lesson on with its time.
    private func tick() {
        let capabilities = source.capabilities
        live = source.snapshot(detailFor: capabilities.contains(.workerDetail) ? state.detailWorker : nil)
        secondsOfDay = live.wallSeconds > 0 ? Self.secondsOfDay(unix: live.wallSeconds) : nil
        if let player {
            // The lesson starts after the first snapshot, so its clock is the engine's.
            if !lessonStarted {
                player.start(now: live.time)
                lessonStarted = true
            } else {
                _ = player.tick(now: live.time, snapshot: live)
            }
        }
        let now = Self.monotonic()
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

    private var shown: Snapshot { state.frozen ? (frozen ?? live) : live }

    private func draw(_ screen: CursesScreen) {
        let snapshot = shown
        var frame = makeFrame(snapshot)
        state.fit(workers: snapshot.workers, visibleRows: DashboardRenderer.workerRows(size: screen.size, frame: frame))
        frame.state = state
        DashboardRenderer.render(frame, on: screen)
        screen.present()
    }

    private func makeFrame(_ snapshot: Snapshot) -> Frame {
        let lesson = player.flatMap { lessonStarted ? LessonStatus(player: $0, now: live.time) : nil }
        var frame = Frame(snapshot: snapshot, state: state, glyphs: glyphs, historySamples: options.historySamples,
                          secondsOfDay: secondsOfDay, burstSize: options.burstSize, lesson: lesson,
                          notices: notices.map(\.notice))
        frame.capabilities = source.capabilities
        return frame
    }

    private func show(_ notice: Notice) {
        notices.removeAll { $0.notice == notice }
        notices.append((notice, Self.monotonic() + Self.noticeNanos))
        // Only the newest few: the warnings area is small.
        if notices.count > 2 { notices.removeFirst(notices.count - 2) }
    }

    /// Applies one key; true if it asks to quit.
    private func handle(_ key: Key, screen: CursesScreen) -> Bool {
        guard let action = keyMap.action(for: key) else { return false }
        if !state.helpVisible, let missing = KeyMap.needs(action), !source.capabilities.contains(missing) {
            show(Notice(Self.unsupported(missing, source: source.info)))
            return false
        }
        if !state.helpVisible, handleAppAction(action, screen: screen) { return false }
        let snapshot = shown
        let wasFrozen = state.frozen
        let visible = DashboardRenderer.workerRows(size: screen.size, frame: makeFrame(snapshot))
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

    private func suspend(_ screen: CursesScreen) {
        endwin()
        kill(getpid(), SIGSTOP)
        // Continued: curses takes the terminal back on the next refresh.
        screen.resize()
    }

    private static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
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

    private static func environment(_ names: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in names { if let v = getenv(name) { out[name] = String(cString: v) } }
        return out
    }
}
