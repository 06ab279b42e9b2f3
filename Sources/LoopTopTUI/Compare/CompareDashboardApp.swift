#if canImport(Glibc)
import Glibc
#endif
import CNcurses
import LoopTopEngine

/// The UI loop of `looptop compare`: owns curses, waits on stdin and a
/// signalfd with the frame deadline as timeout, reads both engines' newest
/// frames, draws the split screen, applies keys. Keys that change the load
/// go to the ``CompareSource``, which sends them to both engines; a mode key
/// gets its one-line refusal as a notice.
final class CompareDashboardApp {
    private let source: CompareSource
    private let options: DashboardOptions
    private let keyMap: KeyMap
    private var state = UIState()
    private var live: (left: Snapshot, right: Snapshot) = (Snapshot(), Snapshot())
    private var frozen: (left: Snapshot, right: Snapshot)?
    private var glyphs = Glyphs.unicode
    private var keys = KeyDecoder()
    private var notices: [(notice: Notice, until: UInt64)] = []

    init(source: CompareSource, options: DashboardOptions) {
        self.source = source
        self.options = options
        keyMap = KeyMap(burstSize: options.burstSize)
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
                live = source.pair()
                options.onSnapshot?(live.left)
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
                case KEY_RESIZE, KEY_MOUSE:
                    break
                case 26:  // ^Z: give the terminal back while stopped
                    endwin()
                    kill(getpid(), SIGSTOP)
                    screen.resize()
                case 28:  // ^\ as a key, since raw mode keeps it from becoming SIGQUIT
                    exitCode = 128 + SIGQUIT
                default:
                    for key in keys.feed(code) where exitCode == nil {
                        if handle(key, screen: screen) { exitCode = key == .interrupt ? 128 + SIGINT : 0 }
                    }
                }
                redraw = true
            }
            for key in keys.flush() where exitCode == nil {
                if handle(key, screen: screen) { exitCode = 0 }
            }
            if redraw && exitCode == nil { draw(screen) }
        }
        return exitCode ?? 0
    }

    private var shown: (left: Snapshot, right: Snapshot) { state.frozen ? (frozen ?? live) : live }

    private func draw(_ screen: CursesScreen) {
        let pair = shown
        let frame = CompareFrame(left: pair.left, right: pair.right, state: state, glyphs: glyphs,
                                 historySamples: options.historySamples, notices: notices.map(\.notice))
        CompareView.render(frame, on: screen)
        screen.present()
    }

    /// Applies one key; true if it asks to quit.
    private func handle(_ key: Key, screen: CursesScreen) -> Bool {
        guard let action = keyMap.action(for: key) else { return false }
        if !state.helpVisible {
            switch action {
            case .cycleTheme:
                if let (theme, notice) = ThemeCycle.next(after: screen.theme) {
                    screen.setTheme(theme)
                    notices.removeAll { $0.notice.message.hasPrefix("theme ") }
                    show(notice)
                }
                return false
            case .command(let command):
                let outcome = source.send(command)
                if !outcome.accepted { show(Notice(outcome.message)) }
                return false
            case .terminateSelected, .faultSelected, .openDetail, .reloadSpec:
                show(Notice("compare: not available"))
                return false
            case .toggleFreeze, .toggleHelp, .toggleModelCurve, .back, .quit:
                break
            default:
                // Selection, log, sort, ended: there is no table here.
                return false
            }
        }
        let wasFrozen = state.frozen
        _ = state.apply(action, workers: [], visibleRows: 0)
        if state.frozen != wasFrozen { frozen = state.frozen ? live : nil }
        return state.quitRequested
    }

    private func show(_ notice: Notice) {
        notices.removeAll { $0.notice == notice }
        notices.append((notice, Self.monotonic() + DashboardApp.noticeNanos))
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
