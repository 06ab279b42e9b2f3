#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import LoopTopEngine

/// The UI loop for a watched process: owns curses, waits on stdin and a
/// signalfd with the frame deadline as timeout, draws the source's latest
/// snapshot, applies keys. The source reads /proc on its own thread; a
/// frame only copies its last snapshot. ``Dashboard/run(source:options:)``
/// runs it for a source of kind `process`: the engine's panels (loop,
/// queue, workers) mean nothing for another program's threads.
final class ProcessDashboardApp {
    private let source: any SnapshotSource
    private let options: DashboardOptions
    private var state = ProcessUIState()
    private var live = Snapshot()
    private var frozen: Snapshot?
    private var glyphs = Glyphs.unicode
    private var secondsOfDay: Double?
    private var notices: [(notice: Notice, until: UInt64)] = []

    init(source: any SnapshotSource, options: DashboardOptions) {
        self.source = source
        self.options = options
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
        raw()
        defer {
            screen.end()
            FatalRestore.disarm()
        }
        var nextFrame = Self.monotonic()
        var exitCode: Int32?
        while exitCode == nil {
            let now = Self.monotonic()
            if now >= nextFrame {
                if screen.kernelSize != screen.size { screen.resize() }
                live = source.snapshot(detailFor: nil)
                options.onSnapshot?(live)
                secondsOfDay = live.wallSeconds > 0 ? DashboardApp.secondsOfDay(unix: live.wallSeconds) : nil
                notices.removeAll { $0.until <= now }
                draw(screen)
                nextFrame += options.frameNanos
                if nextFrame <= now { nextFrame = now + options.frameNanos }
            }
            let timeout = Int32(min(1000, max(0, (nextFrame &- Self.monotonic()) / 1_000_000)))
            var fds = [pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0),
                       pollfd(fd: inbox.fd, events: Int16(POLLIN), revents: 0)]
            guard poll(&fds, 2, timeout) > 0 else { continue }
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
                exitCode = exitCode ?? 128 + SIGHUP
            }
            while exitCode == nil, let code = screen.readKey() {
                switch code {
                case KEY_RESIZE:
                    break
                case 26:
                    endwin()
                    kill(getpid(), SIGSTOP)
                    screen.resize()
                case 28:
                    exitCode = 128 + SIGQUIT
                default:
                    let key = Key.curses(code)
                    if handle(key, screen: screen) { exitCode = key == .interrupt ? 128 + SIGINT : 0 }
                }
                redraw = true
            }
            if redraw && exitCode == nil { draw(screen) }
        }
        return exitCode ?? 0
    }

    private var shown: Snapshot { state.frozen ? (frozen ?? live) : live }

    private func frame(_ snapshot: Snapshot) -> ProcessFrame {
        ProcessFrame(snapshot: snapshot, state: state, glyphs: glyphs, secondsOfDay: secondsOfDay,
                     notices: notices.map(\.notice),
                     timeMark: (source as? any SeekableSource).map { TimeMark.replay($0.playback) })
    }

    private func draw(_ screen: CursesScreen) {
        let snapshot = shown
        var f = frame(snapshot)
        state.fit(threads: f.threads, visibleRows: ProcessView.threadRows(size: screen.size, frame: f))
        f.state = state
        ProcessView.render(f, on: screen)
        screen.present()
    }

    /// Applies one key; true if it asks to quit.
    private func handle(_ key: Key, screen: CursesScreen) -> Bool {
        if !state.helpVisible, key == .character("t") {
            if let (theme, notice) = ThemeCycle.next(after: screen.theme) {
                screen.setTheme(theme)
                notices.removeAll { $0.notice.message.hasPrefix("theme ") }
                show(notice)
            }
            return false
        }
        if handleReplayKey(key) { return false }
        let f = frame(shown)
        let wasFrozen = state.frozen
        if let notice = state.apply(key, threads: f.threads, visibleRows: ProcessView.threadRows(size: screen.size, frame: f),
                                    pid: source.info.pid ?? 0) {
            show(notice)
        }
        if state.frozen != wasFrozen { frozen = state.frozen ? live : nil }
        return state.quitRequested
    }

    /// A replay of `looptop attach --record`: space pause/play, ← → one
    /// reading, [ ] 10 s back/forward, < > speed. (PgUp PgDn Home End keep
    /// moving through the threads, as live.) True if the key was one of them.
    private func handleReplayKey(_ key: Key) -> Bool {
        guard !state.helpVisible, let replay = source as? any SeekableSource else { return false }
        let move: PlaybackMove
        switch key {
        case .character(" "): move = .togglePlay
        case .left: move = .step(-1)
        case .right: move = .step(1)
        case .character("["): move = .jump(-10)
        case .character("]"): move = .jump(10)
        case .character("<"), .character(","): move = .scaleSpeed(0.5)
        case .character(">"), .character("."): move = .scaleSpeed(2)
        default: return false
        }
        replay.seek(move)
        live = source.snapshot(detailFor: nil)
        if state.frozen { frozen = live }
        return true
    }

    private func show(_ notice: Notice) {
        notices.removeAll { $0.notice == notice }
        notices.append((notice, Self.monotonic() + 6_000_000_000))
        if notices.count > 2 { notices.removeFirst(notices.count - 2) }
    }

    private static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    private static func environment(_ names: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in names { if let v = getenv(name) { out[name] = String(cString: v) } }
        return out
    }
}
