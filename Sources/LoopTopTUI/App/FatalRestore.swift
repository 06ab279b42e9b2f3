#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// Gives the terminal back when the process dies of a fatal signal (a crash,
/// a Swift trap, an abort), then lets the previous handler (the Swift
/// runtime's backtracer, or the default action) run as if we were not there.
///
/// The handler uses only async-signal-safe calls: `tcsetattr` with the
/// terminal modes saved before curses started, and `write` of the sequences
/// that leave the alternate screen and show the cursor. Curses itself is not
/// touched (it may be what crashed).
enum FatalRestore {
    static let signals: [Int32] = [SIGSEGV, SIGILL, SIGBUS, SIGABRT, SIGFPE, SIGTRAP]

    // Written on the UI thread before the handlers can run, then only read by
    // them; a signal handler cannot take a lock.
    nonisolated(unsafe) private static let saved: UnsafeMutablePointer<termios> = .allocate(capacity: 1)
    nonisolated(unsafe) private static var hasSaved = false
    /// Curses owns the screen now: a crash must restore it.
    nonisolated(unsafe) private static var armed = false
    nonisolated(unsafe) private static var installed = false
    nonisolated(unsafe) private static let previous: UnsafeMutablePointer<sigaction> = {
        let p = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)
        p.initialize(repeating: sigaction(), count: 65)
        return p
    }()

    /// Installs the handlers (once). Call on the main thread, early.
    static func install() {
        guard !installed else { return }
        installed = true
        _ = previous  // initialise the storage now, not inside a handler
        _ = saved
        for signo in signals {
            _ = looptop_install_fatal_handler(signo, { signo in FatalRestore.handle(signo) }, previous + Int(signo))
        }
    }

    /// Saves the terminal's modes (before curses changes them) and arms the handler.
    static func arm() {
        hasSaved = tcgetattr(STDIN_FILENO, saved) == 0
        armed = true
    }

    static func disarm() { armed = false }

    private static func handle(_ signo: Int32) {
        if armed {
            armed = false
            if hasSaved { _ = tcsetattr(STDIN_FILENO, TCSANOW, saved) }
            let sequence: StaticString = "\u{1B}[0m\u{1B}[?1049l\u{1B}[?25h\r\n"
            _ = write(STDOUT_FILENO, sequence.utf8Start, sequence.utf8CodeUnitCount)
        }
        looptop_chain_fatal(signo, previous + Int(signo))
    }
}
