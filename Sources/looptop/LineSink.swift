import ArgumentParser
#if canImport(Glibc)
import Glibc
#endif

/// Where a headless run writes its lines: stdout or a `--json` file.
///
/// `FileHandle.write(_:)` traps (SIGILL) when the reader has gone, e.g.
/// `looptop run --headless | head -c 100` (issue #12). Here each line goes
/// out through `write(2)`; SIGPIPE is ignored process-wide (Signals), so a
/// closed pipe comes back as EPIPE, which ends the run quietly, the way
/// `| head` is meant to end a producer. Any other failure (a full disk)
/// also ends the run, and is reported once by whoever owns the sink.
final class LineSink {
    let fd: Int32
    /// The reader has gone (EPIPE): nothing more can be written, and that is not an error.
    private(set) var readerGone = false
    /// A write failed for another reason; the first one is kept.
    private(set) var failure: String?

    init(fd: Int32) {
        self.fd = fd
    }

    /// The sink `--json PATH` asks for, or stdout without it. Opened
    /// non-blocking: a FIFO with no reader is refused (ENXIO) instead of waited on.
    static func open(json path: String?) throws -> LineSink {
        guard let path else { return LineSink(fd: STDOUT_FILENO) }
        let fd = Glibc.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC | O_NONBLOCK, 0o644)
        guard fd >= 0 else {
            throw ValidationError("--json: cannot write '\(path)': \(String(cString: strerror(errno)))")
        }
        return LineSink(fd: fd)
    }

    var isOpen: Bool { !readerGone && failure == nil }

    func write(_ line: String) {
        guard isOpen else { return }
        var bytes = Array((line + "\n").utf8)
        var done = 0
        while done < bytes.count {
            let count = bytes.withUnsafeMutableBytes { Glibc.write(fd, $0.baseAddress! + done, $0.count - done) }
            if count >= 0 {
                done += count
                continue
            }
            switch errno {
            case EINTR:
                continue
            case EAGAIN:
                // A non-blocking stdout that is full: wait until it drains.
                var poller = pollfd(fd: fd, events: Int16(POLLOUT), revents: 0)
                _ = poll(&poller, 1, 1000)
            case EPIPE:
                readerGone = true
                return
            default:
                failure = String(cString: strerror(errno))
                return
            }
        }
    }
}

/// Writes `text` to stderr; a closed stderr is ignored rather than a trap.
func writeToStderr(_ text: String) {
    LineSink(fd: STDERR_FILENO).write(text.hasSuffix("\n") ? String(text.dropLast()) : text)
}
