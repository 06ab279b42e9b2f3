#if canImport(Glibc)
import Glibc
#endif
import CSystemShims

/// Signals as readable events on a file descriptor (signalfd), polled next
/// to stdin. The signals must be blocked in every thread (see
/// ``Dashboard/blockSignals()``), or the kernel delivers them elsewhere.
final class SignalInbox {
    let fd: Int32

    init?(_ signals: [Int32]) {
        var set = sigset_t()
        sigemptyset(&set)
        for s in signals { sigaddset(&set, s) }
        // Blocked here too, in case the caller did not: at least this thread
        // will not die of them.
        pthread_sigmask(SIG_BLOCK, &set, nil)
        let fd = looptop_signalfd(&set)
        guard fd >= 0 else { return nil }
        self.fd = fd
    }

    deinit { close(fd) }

    /// The next pending signal, or nil.
    func next() -> Int32? {
        let signo = looptop_signalfd_read(fd)
        return signo > 0 ? signo : nil
    }
}
