#if canImport(Glibc)
import Glibc
#endif
import CNcurses

/// What a dashboard does inside the one terminal loop every view shares
/// (engine, process, and any other source's view).
protocol TerminalApp: AnyObject {
    /// The glyphs chosen for this terminal (Unicode or ASCII), before the first frame.
    func begin(glyphs: Glyphs)
    /// A frame is due: read the source's newest snapshot and draw it.
    func frame(on screen: CursesScreen)
    /// Draw again what is shown, after keys or a resize, without a new reading.
    func redraw(on screen: CursesScreen)
    /// One decoded key; true if it asks to quit.
    func handle(_ key: Key, on screen: CursesScreen) -> Bool
    /// A mouse click at a cell.
    func click(row: Int, col: Int, on screen: CursesScreen)
    /// True once the app has nothing more to show and the loop should end (exit 0).
    var finished: Bool { get }
}

extension TerminalApp {
    func click(row: Int, col: Int, on screen: CursesScreen) {}
    var finished: Bool { false }
}

/// The UI thread's loop: owns curses, waits on stdin and a signalfd with the
/// next frame's deadline as timeout, asks the app for a frame on time,
/// decodes keys (escape sequences curses leaves as bytes included: Home and
/// End under xterm-256color in tmux), and ends on q, a signal, or the
/// terminal going away, restoring it on every way out.
///
/// One loop for every view, so each gets the same key decoding, resizing,
/// ^Z and ^\ handling, and the same exit codes (128 + the signal).
enum TerminalLoop {
    static func run(_ app: some TerminalApp, options: DashboardOptions) -> Int32 {
        setlocale(LC_ALL, "")
        let unicode = options.ascii.map { !$0 } ?? (looptop_locale_is_utf8() == 1)
        app.begin(glyphs: unicode ? .unicode : .ascii)
        guard let inbox = SignalInbox(Dashboard.signals) else {
            printError("looptop: cannot watch signals (signalfd failed)")
            return 1
        }
        FatalRestore.arm()
        guard let screen = CursesScreen(colorDepth: options.colorDepth, unicode: unicode,
                                        environment: environment(["NO_COLOR", "COLORTERM"]),
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
        var keys = KeyDecoder()
        var nextFrame = monotonic()
        var exitCode: Int32?
        while exitCode == nil {
            let now = monotonic()
            if now >= nextFrame {
                // A resize whose SIGWINCH went to another thread is still seen within a frame.
                if screen.kernelSize != screen.size { screen.resize() }
                app.frame(on: screen)
                if app.finished { exitCode = 0 }
                nextFrame += options.frameNanos
                if nextFrame <= now { nextFrame = now + options.frameNanos }  // fell behind: do not burst
            }
            let timeout = Int32(min(1000, max(0, (nextFrame &- monotonic()) / 1_000_000)))
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
                case KEY_MOUSE:
                    if let click = screen.mouseClick() { app.click(row: click.row, col: click.col, on: screen) }
                case 26:  // ^Z: give the terminal back while stopped
                    endwin()
                    kill(getpid(), SIGSTOP)
                    // Continued: curses takes the terminal back on the next refresh.
                    screen.resize()
                case 28:  // ^\ as a key, since raw mode keeps it from becoming SIGQUIT
                    exitCode = 128 + SIGQUIT
                default:
                    for key in keys.feed(code) where exitCode == nil {
                        if app.handle(key, on: screen) { exitCode = key == .interrupt ? 128 + SIGINT : 0 }
                    }
                }
                redraw = true
            }
            // Nothing more waiting: an Esc alone was the Esc key.
            for key in keys.flush() where exitCode == nil {
                if app.handle(key, on: screen) { exitCode = 0 }
            }
            if redraw && exitCode == nil { app.redraw(on: screen) }
        }
        return exitCode ?? 0
    }

    static func monotonic() -> UInt64 {
        var ts = timespec()
        clock_gettime(CLOCK_MONOTONIC, &ts)
        return UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
    }

    static func environment(_ names: [String]) -> [String: String] {
        var out: [String: String] = [:]
        for name in names { if let v = getenv(name) { out[name] = String(cString: v) } }
        return out
    }
}
