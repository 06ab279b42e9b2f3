#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// The process's one owner of SIGINT, SIGTERM, SIGHUP, SIGQUIT and SIGWINCH.
///
/// They are blocked in the main thread before any other thread starts, so
/// every thread inherits the mask and none of them (nor ncurses, which only
/// installs handlers where none is set) takes them; they are read from a
/// signalfd by whoever waits: the headless runner or the dashboard's input loop.
struct Signals {
    static let handled: [Int32] = [SIGINT, SIGTERM, SIGHUP, SIGQUIT, SIGWINCH]

    static func mask() -> sigset_t {
        var set = sigset_t()
        sigemptyset(&set)
        for signal in handled { sigaddset(&set, signal) }
        return set
    }

    static func blockForProcess() {
        var set = mask()
        pthread_sigmask(SIG_BLOCK, &set, nil)
        // A closed pipe is an error to report, not a reason to die.
        signal(SIGPIPE, SIG_IGN)
    }

    let fd: Int32

    init() {
        var set = Self.mask()
        fd = looptop_signalfd(&set)
    }

    /// Sleeps until the monotonic deadline (ns). Returns a signal that ended
    /// the wait early (SIGWINCH is ignored here), or nil at the deadline.
    func wait(untilMonotonic deadline: UInt64) -> Int32? {
        while true {
            var ts = timespec()
            clock_gettime(CLOCK_MONOTONIC, &ts)
            let now = UInt64(ts.tv_sec) * 1_000_000_000 + UInt64(ts.tv_nsec)
            if now >= deadline { return nil }
            let ms = Int32(min(Int((deadline - now + 999_999) / 1_000_000), 60_000))
            var poller = pollfd(fd: fd, events: Int16(POLLIN), revents: 0)
            let ready = fd >= 0 ? poll(&poller, 1, ms) : poll(nil, 0, ms)
            if ready > 0 {
                let signal = looptop_signalfd_read(fd)
                if signal > 0, signal != SIGWINCH { return signal }
            }
        }
    }
}
